//! Storing addon runs, whichever channel brings them (a sync batch item, a SavedVariables
//! upload, `ebo import saved-variables`): each run is stored whole or not at all, once per
//! player and addon `run_id` (the unique index of migration 0011 decides, so concurrent copies
//! of one run store one row), and a malformed run is rejected alone.

use chrono::Utc;
use poem_openapi::{Object, types::Example};
use rbatis::executor::Executor;
use serde_json::Value as Json;
use uuid::Uuid;

use super::{CombatRun, addon};
use crate::{
    db::{Db, Dialect},
    error::{AppError, DbErrorKind, classify_db_error},
    model::crud,
};

/// The columns of the unique index that makes an addon run one row per player.
const ADDON_KEY: [&str; 2] = ["player_id", "addon_run_id"];

/// `POST /runs/import` and `ebo import saved-variables`: what happened to the file's runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Object)]
#[oai(example)]
pub struct ImportReport {
    /// Runs stored now (with `dry_run`: that would be stored).
    pub imported: u32,
    /// Runs already stored for this player, through any channel (nothing stored again).
    pub duplicates: u32,
    /// Runs refused, each alone; every other run was still imported.
    pub rejected: Vec<RejectedRun>,
}

impl Example for ImportReport {
    fn example() -> Self {
        Self {
            imported: 5,
            duplicates: 1,
            rejected: vec![RejectedRun {
                index: 6,
                run_id: Some("Vivec_1763581234_0417".into()),
                field: "metrics.damage_done".into(),
                reason: "must be at least 0".into(),
            }],
        }
    }
}

/// One refused run.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct RejectedRun {
    /// Its position (from 0) among the file's runs in reading order: `runs`, then those of
    /// `pendingSync.runs` not already read (each addon `run_id` is read once).
    pub index: u32,
    /// Its addon `run_id`, when it had a readable one.
    pub run_id: Option<String>,
    /// The offending field in the addon's shape (dotted path, e.g. `metrics.damage_done`).
    pub field: String,
    /// Why, e.g. `must be at least 0`.
    pub reason: String,
}

/// What storing one addon run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, under this run id.
    New(Uuid),
    /// Already stored for the player (through any channel), under this run id.
    Duplicate(Uuid),
}

impl Stored {
    /// The stored run's id.
    pub fn run_id(self) -> Uuid {
        match self {
            Self::New(id) | Self::Duplicate(id) => id,
        }
    }
}

/// Stores a mapped addon run through `exec` (a transaction or the pool), or finds the row
/// already stored for its player and addon `run_id`.
///
/// # Errors
/// Database errors.
pub async fn store(
    exec: &dyn Executor,
    dialect: Dialect,
    run: &CombatRun,
) -> Result<Stored, AppError> {
    if crud::insert_unless_exists_with(exec, dialect, run, &ADDON_KEY).await? {
        return Ok(Stored::New(run.run_id));
    }
    match super::store::addon_run(exec, dialect, run.player_id, run.addon_run_id.as_deref()).await?
    {
        Some(id) => Ok(Stored::Duplicate(id)),
        // The conflicting row was deleted between the two statements: store it now.
        None => {
            crud::insert_with(exec, dialect, run).await?;
            Ok(Stored::New(run.run_id))
        }
    }
}

/// Imports `runs` (addon runs, as [`super::saved_variables::runs`] reads them) for `player`.
/// Each run is mapped and stored on its own, so a malformed run, or one the database refuses,
/// is rejected alone. With `dry_run` nothing is written and the report says what would happen.
/// `progress` is told after each run.
///
/// # Errors
/// Only when the database is unreachable: runs stored before that stay stored (each is whole),
/// and importing the file again stores the rest.
pub async fn import(
    db: &Db,
    player: Uuid,
    runs: &[Json],
    dry_run: bool,
    progress: impl Fn(usize),
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport::default();
    let received = Utc::now();
    let already = if dry_run {
        let ids: Vec<&str> = runs.iter().filter_map(addon::run_id_of).collect();
        super::store::stored_addon_ids(db, player, &ids).await?
    } else {
        Default::default()
    };
    for (index, original) in runs.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let reject = |field: String, reason: String| RejectedRun {
            index,
            run_id: addon::run_id_of(original).map(str::to_owned),
            field,
            reason,
        };
        match addon::map(original, player, received) {
            Err(r) => report.rejected.push(reject(r.field, r.reason)),
            Ok(run) if dry_run => {
                if run
                    .addon_run_id
                    .as_ref()
                    .is_some_and(|id| already.contains(id))
                {
                    report.duplicates += 1;
                } else {
                    report.imported += 1;
                }
            }
            Ok(run) => match store(&db.rb, db.dialect, &run).await {
                Ok(Stored::New(_)) => report.imported += 1,
                Ok(Stored::Duplicate(_)) => report.duplicates += 1,
                Err(AppError::Db(e))
                    if classify_db_error(&e.to_string()) != DbErrorKind::Unavailable =>
                {
                    tracing::warn!(error = %e, index, "an addon run was refused by the database");
                    report.rejected.push(reject(
                        String::new(),
                        "the database refused this run".into(),
                    ));
                }
                Err(e) => return Err(e),
            },
        }
        progress(index as usize + 1);
    }
    Ok(report)
}
