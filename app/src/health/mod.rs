//! Liveness, readiness and the health summary.

pub mod api;

use std::time::Duration;

use crate::{
    db::{Db, migrate},
    state::AppState,
};

/// How long a readiness probe waits for the database before calling it down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The result of one readiness check.
#[derive(Debug, Clone)]
pub struct Check {
    /// `database` or `migrations`.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found, in words.
    pub detail: String,
}

/// Whether the database answers a `SELECT 1` within [`PROBE_TIMEOUT`].
pub async fn database_up(db: &Db) -> bool {
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await,
        Ok(Ok(()))
    )
}

/// How long after the database refused a write for lack of space (with no successful write
/// since) readiness says not ready; after it, the instance takes traffic again and the next
/// write tells.
pub const STORAGE_FULL_NOT_READY_SECS: i64 = 60;

/// Runs the readiness checks: database reachable, every embedded migration applied and
/// unmodified, and writes not refused for lack of space.
pub async fn readiness(state: &AppState) -> Vec<Check> {
    let db = &state.db;
    let database = match tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => Check {
            name: "database",
            ok: true,
            detail: format!("{} answers", db.dialect.name()),
        },
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            Check {
                name: "database",
                ok: false,
                detail: "database unreachable".into(),
            }
        }
        Err(_) => Check {
            name: "database",
            ok: false,
            detail: "database did not answer within 2 s".into(),
        },
    };
    let migrations = if !database.ok {
        Check {
            name: "migrations",
            ok: false,
            detail: "unknown while the database is unreachable".into(),
        }
    } else {
        match tokio::time::timeout(PROBE_TIMEOUT, migrate::status(db)).await {
            Ok(Ok(list)) => {
                let not_current: Vec<String> = list
                    .iter()
                    .filter(|s| {
                        matches!(s.state, migrate::State::Pending | migrate::State::Modified)
                    })
                    .map(|s| format!("{}_{} {:?}", s.version, s.name, s.state).to_lowercase())
                    .collect();
                if not_current.is_empty() {
                    Check {
                        name: "migrations",
                        ok: true,
                        detail: format!("{} applied", list.len()),
                    }
                } else {
                    Check {
                        name: "migrations",
                        ok: false,
                        detail: format!("not current: {}", not_current.join(", ")),
                    }
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: migration check failed");
                Check {
                    name: "migrations",
                    ok: false,
                    detail: "cannot read schema_migrations".into(),
                }
            }
            Err(_) => Check {
                name: "migrations",
                ok: false,
                detail: "check timed out".into(),
            },
        }
    };
    let storage = match db.storage_full_for_secs() {
        Some(secs) if secs < STORAGE_FULL_NOT_READY_SECS => Check {
            name: "storage",
            ok: false,
            detail: format!(
                "the database refused a write for lack of space {secs} s ago, and none has succeeded since"
            ),
        },
        _ => Check {
            name: "storage",
            ok: true,
            detail: "writes succeed".into(),
        },
    };
    vec![database, migrations, storage]
}
