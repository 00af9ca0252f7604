//! The migration runner: versioned SQL files embedded at build time (see `app/build.rs`),
//! applied in order, each in its own transaction, recorded in `schema_migrations` with a
//! SHA-256 checksum. An applied migration whose file changed is refused. On PostgreSQL a
//! transaction-scoped advisory lock makes concurrent runners apply each migration once; on
//! SQLite `BEGIN IMMEDIATE` does the same.

use std::time::Instant;

use rbatis::executor::RBatisConnExecutor;
use rbs::value;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Db, Dialect};

/// One migration compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    /// The `NNNN` of `NNNN_name.sql`.
    pub version: i64,
    /// The `name` of `NNNN_name.sql`.
    pub name: &'static str,
    /// The file's SQL, run as one script.
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

impl EmbeddedMigration {
    /// `sha256:<hex>` of the file's bytes.
    pub fn checksum(&self) -> String {
        format!("sha256:{:x}", Sha256::digest(self.sql.as_bytes()))
    }
}

/// The migrations compiled in for `dialect`, ordered by version.
pub fn embedded(dialect: Dialect) -> &'static [EmbeddedMigration] {
    match dialect {
        Dialect::Postgres => POSTGRES,
        Dialect::Sqlite => SQLITE,
    }
}

/// A row of `schema_migrations`.
#[derive(Debug, Clone, Deserialize)]
pub struct AppliedMigration {
    /// Version number.
    pub version: i64,
    /// Name part of the file name.
    pub name: String,
    /// `sha256:<hex>` of the file when it was applied.
    pub checksum: String,
    /// When it was applied (RFC 3339, UTC).
    pub applied_at: String,
}

/// Where one migration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Applied, file unchanged.
    Applied {
        /// When (RFC 3339, UTC).
        at: String,
    },
    /// Not yet applied.
    Pending,
    /// Applied, but the file changed since: refused.
    Modified,
    /// Recorded in the database but unknown to this binary (a newer version applied it).
    Unknown,
}

/// One line of `ebo migrate status`.
#[derive(Debug, Clone)]
pub struct Status {
    /// Version number.
    pub version: i64,
    /// Name part of the file name.
    pub name: String,
    /// Its state.
    pub state: State,
}

/// Why migrating failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// An applied migration's file no longer matches its recorded checksum.
    #[error(
        "migration {version}_{name} was changed after it was applied (recorded {recorded}, file now {current}). \
         Applied migrations are append-only: restore the file and add a new migration for the change"
    )]
    Modified {
        /// Version number.
        version: i64,
        /// Name.
        name: String,
        /// Checksum in `schema_migrations`.
        recorded: String,
        /// Checksum of the embedded file.
        current: String,
    },
    /// A migration's SQL failed; its transaction was rolled back.
    #[error("migration {version}_{name} failed and was rolled back: {source}")]
    Failed {
        /// Version number.
        version: i64,
        /// Name.
        name: String,
        /// The database's error.
        source: rbatis::Error,
    },
    /// Any other database error.
    #[error("database error while migrating: {0}")]
    Db(#[from] rbatis::Error),
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// The applied migrations, or none when `schema_migrations` does not exist yet.
///
/// # Errors
/// Database errors.
pub async fn applied(db: &Db) -> Result<Vec<AppliedMigration>, rbatis::Error> {
    let exists: Vec<Count> = db
        .fetch_all(db.dialect.schema_migrations_exists(), vec![])
        .await?;
    if exists.first().map_or(0, |c| c.n) == 0 {
        return Ok(Vec::new());
    }
    db.fetch_all(db.dialect.select_applied_migrations(), vec![])
        .await
}

/// Compares the embedded migrations with the applied ones, ordered by version.
pub fn compare(embedded: &[EmbeddedMigration], applied: &[AppliedMigration]) -> Vec<Status> {
    let mut out: Vec<Status> = embedded
        .iter()
        .map(|m| {
            let state = match applied.iter().find(|a| a.version == m.version) {
                None => State::Pending,
                Some(a) if a.checksum != m.checksum() => State::Modified,
                Some(a) => State::Applied {
                    at: a.applied_at.clone(),
                },
            };
            Status {
                version: m.version,
                name: m.name.to_owned(),
                state,
            }
        })
        .collect();
    for a in applied
        .iter()
        .filter(|a| !embedded.iter().any(|m| m.version == a.version))
    {
        out.push(Status {
            version: a.version,
            name: a.name.clone(),
            state: State::Unknown,
        });
    }
    out.sort_by_key(|s| s.version);
    out
}

/// The status of every migration for `db`.
///
/// # Errors
/// Database errors.
pub async fn status(db: &Db) -> Result<Vec<Status>, rbatis::Error> {
    Ok(compare(embedded(db.dialect), &applied(db).await?))
}

/// Applies every pending migration in order; returns the versions applied by this call
/// (empty when another instance got there first or nothing was pending).
///
/// # Errors
/// [`MigrateError::Modified`] before anything runs if an applied file changed;
/// [`MigrateError::Failed`] for a failing migration (rolled back; earlier ones stay applied).
pub async fn up(db: &Db) -> Result<Vec<i64>, MigrateError> {
    let conn = db.rb.acquire().await?;
    in_transaction(&conn, db.dialect, |c| async move {
        c.exec(db.dialect.create_schema_migrations(), vec![])
            .await?;
        Ok(())
    })
    .await?;
    check_unmodified(db).await?;
    let mut done = Vec::new();
    for m in embedded(db.dialect) {
        let applied_now = in_transaction(&conn, db.dialect, |c| async move {
            let rows: Vec<Count> = c
                .exec_decode(
                    "SELECT count(*) AS n FROM schema_migrations WHERE version = ?",
                    vec![value!(m.version)],
                )
                .await?;
            if rows.first().map_or(0, |r| r.n) > 0 {
                return Ok(false);
            }
            let started = Instant::now();
            c.exec(m.sql, vec![]).await.map_err(|source| MigrateError::Failed {
                version: m.version,
                name: m.name.to_owned(),
                source,
            })?;
            let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            c.exec(
                "INSERT INTO schema_migrations (version, name, checksum, execution_ms) VALUES (?, ?, ?, ?)",
                vec![value!(m.version), value!(m.name), value!(m.checksum()), value!(ms)],
            )
            .await?;
            tracing::info!(version = m.version, name = m.name, execution_ms = ms, "migration applied");
            Ok(true)
        })
        .await?;
        if applied_now {
            done.push(m.version);
        }
    }
    Ok(done)
}

/// Refuses to go on when an applied migration's file changed.
async fn check_unmodified(db: &Db) -> Result<(), MigrateError> {
    let applied = applied(db).await?;
    for m in embedded(db.dialect) {
        if let Some(a) = applied.iter().find(|a| a.version == m.version)
            && a.checksum != m.checksum()
        {
            return Err(MigrateError::Modified {
                version: m.version,
                name: m.name.to_owned(),
                recorded: a.checksum.clone(),
                current: m.checksum(),
            });
        }
    }
    Ok(())
}

/// Runs `body` between `BEGIN` (immediate on SQLite, advisory-locked on PostgreSQL) and
/// `COMMIT`, rolling back on any error so no half-applied migration remains.
async fn in_transaction<'c, T, F, Fut>(
    conn: &'c RBatisConnExecutor,
    dialect: Dialect,
    body: F,
) -> Result<T, MigrateError>
where
    F: FnOnce(&'c RBatisConnExecutor) -> Fut,
    Fut: Future<Output = Result<T, MigrateError>>,
{
    conn.exec(dialect.begin_exclusive(), vec![]).await?;
    let result = async {
        if let Some(lock) = dialect.lock_migrations() {
            conn.query(&lock, vec![]).await?;
        }
        body(conn).await
    }
    .await;
    match result {
        Ok(v) => {
            conn.exec("COMMIT", vec![]).await?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = conn.exec("ROLLBACK", vec![]).await {
                tracing::error!(error = %rollback, "rollback after a failed migration failed");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied_row(version: i64, checksum: &str) -> AppliedMigration {
        AppliedMigration {
            version,
            name: "x".into(),
            checksum: checksum.into(),
            applied_at: "2026-11-23T00:00:00Z".into(),
        }
    }

    #[test]
    fn both_dialects_embed_the_same_versions() {
        let v = |d| {
            embedded(d)
                .iter()
                .map(|m| (m.version, m.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(v(Dialect::Postgres), v(Dialect::Sqlite));
        assert!(!v(Dialect::Sqlite).is_empty());
    }

    #[test]
    fn compare_classifies_each_state() {
        let emb = [
            EmbeddedMigration {
                version: 1,
                name: "a",
                sql: "SELECT 1",
            },
            EmbeddedMigration {
                version: 2,
                name: "b",
                sql: "SELECT 2",
            },
            EmbeddedMigration {
                version: 3,
                name: "c",
                sql: "SELECT 3",
            },
        ];
        let app = [
            applied_row(1, &emb[0].checksum()),
            applied_row(2, "sha256:other"),
            applied_row(9, "sha256:x"),
        ];
        let states: Vec<State> = compare(&emb, &app).into_iter().map(|s| s.state).collect();
        assert_eq!(
            states,
            vec![
                State::Applied {
                    at: "2026-11-23T00:00:00Z".into()
                },
                State::Modified,
                State::Pending,
                State::Unknown
            ]
        );
    }
}
