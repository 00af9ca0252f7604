//! Combat runs: a player's submitted encounters, owner-scoped. Submitting computes the
//! contribution scores (`engine`).

pub mod addon;
pub mod api;
pub mod demo;
pub mod distribution;
pub mod dto;
pub mod hooks;
pub mod import;
pub mod import_cli;
pub mod insights;
pub mod read_cache;
pub mod saved_variables;
pub mod service;
pub mod store;
pub mod upload;

use chrono::{DateTime, Utc};
use ebo_macros::Model;
use uuid::Uuid;

use self::dto::{
    BuildSnapshot, CombatMetrics, ContentType, ContributionScores, Difficulty, RunSource,
};

/// A stored combat run: query columns denormalised, the build and metrics as JSON.
#[derive(Debug, Clone, Model)]
#[model(
    table = "combat_runs",
    display = "Combat run",
    read = "owner",
    write = "owner",
    sort = "timestamp, dps, duration_sec",
    default_sort = "-timestamp",
    api(
        path = "/runs",
        tag = "crate::http::ApiTags::Runs",
        ops(get, delete),
        view = "dto::CombatRunResponse",
        serde
    ),
    hooks(after_commit = "hooks::run_committed")
)]
pub struct CombatRun {
    /// Run id.
    #[model(id)]
    pub run_id: Uuid,
    /// The player's account id.
    #[model(owner)]
    pub player_id: Uuid,
    /// Character name.
    #[model(filter = "eq")]
    pub character_name: String,
    /// Kind of content.
    #[model(enum, filter = "eq")]
    pub content_type: ContentType,
    /// Content name.
    #[model(filter = "eq")]
    pub content_name: String,
    /// Difficulty.
    #[model(enum, filter = "eq")]
    pub difficulty: Difficulty,
    /// Fight length, seconds.
    pub duration_sec: f64,
    /// Cleared or not.
    #[model(filter = "eq")]
    pub success: bool,
    /// Group size, 1–24; 0: unknown (the game addon cannot tell). See [`CombatRun::group`].
    pub group_size: i32,
    /// Champion points.
    pub cp_level: i32,
    /// Damage per second.
    #[model(filter = "range")]
    pub dps: f64,
    /// The build used.
    #[model(json)]
    pub build_snapshot: BuildSnapshot,
    /// What happened.
    #[model(json)]
    pub metrics: CombatMetrics,
    /// Scores computed at submission.
    #[model(json)]
    pub contribution_scores: Option<ContributionScores>,
    /// When it was fought (UTC): the time of receipt for API runs, the addon's own time
    /// for addon runs.
    #[model(created_at, filter = "range")]
    pub timestamp: DateTime<Utc>,
    /// Where it came from.
    #[model(enum)]
    pub source: RunSource,
    /// The game addon's run id; unique per player (migration 0011). `None` for API runs.
    pub addon_run_id: Option<String>,
    /// The addon run as it arrived. `None` for API runs.
    #[model(json)]
    pub addon_original: Option<serde_json::Value>,
    /// When its recommendations were last computed (UTC); `None`: never. Set in the
    /// transaction that stores them, even when there are none to store.
    pub analysed_at: Option<DateTime<Utc>>,
}

/// `group_size` of a run whose group size is unknown.
pub const UNKNOWN_GROUP_SIZE: i32 = 0;

impl CombatRun {
    /// The group size, `None` when unknown.
    pub fn group(&self) -> Option<i32> {
        (self.group_size != UNKNOWN_GROUP_SIZE).then_some(self.group_size)
    }
}

/// The light columns of `combat_runs` that a run list shows, and `GET /runs` generated over
/// them: listing through this projection skips reading and decoding the build and metrics JSON
/// of every row. Answers are kept per player in [`read_cache::PlayerReads`] (dropped by the
/// player's writes) and written by serde straight to bytes, the list being the hottest read.
/// Not registered for migrations (the table is `CombatRun`'s).
#[derive(Debug, Clone, Model)]
#[model(
    table = "combat_runs",
    display = "Combat run",
    read = "owner",
    write = "owner",
    sort = "timestamp, dps, duration_sec",
    default_sort = "-timestamp",
    api(
        path = "/runs",
        tag = "crate::http::ApiTags::Runs",
        name = "run",
        ops(list),
        view = "dto::CombatRunListItem",
        list_key = "runs",
        page(default = 50, max = 100),
        params(min_timestamp = "from_date", max_timestamp = "to_date"),
        caller_cache = "read_cache::of",
        serde
    ),
    example = "dto::summary_example"
)]
pub struct CombatRunSummary {
    /// Run id.
    #[model(id)]
    pub run_id: Uuid,
    /// The player's account id.
    #[model(owner)]
    pub player_id: Uuid,
    /// Character name, exactly.
    #[model(filter = "eq")]
    pub character_name: String,
    /// Kind of content.
    #[model(enum, filter = "eq")]
    pub content_type: ContentType,
    /// Content name, exactly.
    #[model(filter = "eq")]
    pub content_name: String,
    /// Difficulty.
    #[model(enum, filter = "eq")]
    pub difficulty: Difficulty,
    /// Fight length, seconds.
    pub duration_sec: f64,
    /// Cleared or not.
    #[model(filter = "eq")]
    pub success: bool,
    /// Damage per second.
    #[model(filter = "range", validate(range(min = 0)))]
    pub dps: f64,
    /// When it was submitted (UTC, RFC 3339).
    #[model(created_at, filter = "range")]
    pub timestamp: DateTime<Utc>,
}

/// The engine's inputs for a run's metrics.
pub fn engine_metrics(m: &CombatMetrics, duration_sec: f64) -> crate::engine::RunMetrics {
    crate::engine::RunMetrics {
        dps: m.dps,
        hps: m.hps,
        damage_done: m.damage_done as f64,
        healing_done: m.healing_done as f64,
        damage_taken: m.damage_taken as f64,
        damage_blocked: m.damage_blocked as f64,
        damage_mitigated: m.damage_mitigated as f64,
        buff_uptime: m.buff_uptime.iter().map(|u| u.uptime).collect(),
        debuff_uptime: m.debuff_uptime.iter().map(|u| u.uptime).collect(),
        time_dead: m.time_dead,
        deaths: m.deaths as f64,
        interrupts: m.interrupts as f64,
        synergies_used: m.synergies_used as f64,
        magicka_spent: m.magicka_spent as f64,
        stamina_spent: m.stamina_spent as f64,
        duration_sec,
    }
}

/// The contribution scores of a submitted run.
pub fn scores_of(m: &CombatMetrics, duration_sec: f64) -> ContributionScores {
    crate::engine::contribution_scores(&engine_metrics(m, duration_sec)).into()
}
