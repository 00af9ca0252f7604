//! The desktop companion's sync protocol (API contract, "Sync"): idempotent batches keyed by
//! the client's item id and checksum, one bad item failing alone, and conflict resolution.

pub mod api;
pub mod dto;
pub mod service;
pub mod store;

use chrono::{DateTime, Utc};
use ebo_macros::Model;
use uuid::Uuid;

/// What the companion uploaded under one client id: its checksum and what it became here.
/// `(user_id, item_type, client_id)` is unique, so a retried or concurrent batch stores an
/// item once.
#[derive(Debug, Clone, Model)]
#[model(table = "sync_items", read = "owner", write = "owner")]
pub struct SyncItem {
    /// Row id.
    #[model(id)]
    pub id: Uuid,
    /// The uploading user.
    #[model(owner)]
    pub user_id: Uuid,
    /// `combat_run` or `build_snapshot`.
    #[model(filter = "eq")]
    pub item_type: String,
    /// The client's id for the item.
    #[model(filter = "eq")]
    pub client_id: Uuid,
    /// The client's checksum of the item's data.
    pub checksum: String,
    /// The run or build it was stored as.
    pub stored_id: Uuid,
    /// First upload (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
    /// Last change (UTC).
    #[model(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// What a sync item is, as `sync_items.item_type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    /// A combat run (`POST /sync/combat_runs/batch`), stored in `combat_runs`.
    Run,
    /// A build snapshot (`POST /sync/build_snapshots/batch`), stored as a saved build.
    Build,
}

impl ItemType {
    /// The stored name: `combat_run` or `build_snapshot`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Run => "combat_run",
            Self::Build => "build_snapshot",
        }
    }
}
