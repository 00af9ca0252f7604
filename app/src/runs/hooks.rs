//! Lifecycle hooks of [`CombatRun`] writes through the generated endpoints (declared in
//! `mod.rs`): a committed write drops the player's cached answers (run list, stats,
//! characters, analytics) here and, through Redis, on every instance.

use super::CombatRun;
use crate::{model::Action, state::AppState};

/// `after_commit`: the player's cached reads no longer hold.
pub async fn run_committed(app: &AppState, _action: Action, row: &CombatRun) {
    app.player_reads.changed(row.player_id).await;
}
