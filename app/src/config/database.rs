//! `[database]`: connection URL, pool, timeouts and migrations, and the default credentials
//! production refuses.

use serde::{Deserialize, Serialize};

use super::fields::serialize_redacted_url;

/// The database URL used when none is configured: an SQLite file created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ebo.db";

/// Passwords that count as "default database credentials" (OWASP A07: default credentials).
pub(super) const DEFAULT_DB_PASSWORDS: &[&str] = &[
    "postgres",
    "password",
    "changeme",
    "change-me",
    "admin",
    "root",
    "secret",
    "ebo",
    "test",
];

/// `[database]`: connection, pool and migrations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path/file.db` or `postgres://user:pass@host:5432/db`.
    #[serde(serialize_with = "serialize_redacted_url")]
    pub url: String,
    /// Largest number of open connections in the pool.
    pub max_connections: u64,
    /// Seconds a request waits for a free pooled connection before failing with 503.
    pub acquire_timeout_secs: u64,
    /// Seconds a single statement may run (PostgreSQL `statement_timeout`; SQLite busy timeout).
    pub statement_timeout_secs: u64,
    /// Seconds the service waits for any one statement's answer (or a new connection's
    /// handshake) before it gives up on that connection and answers 503: the server froze or
    /// the network path is lost, when the server's own `statement_timeout` cannot fire. Keep
    /// it above `statement_timeout_secs`, so the server's cancel normally comes first.
    pub client_timeout_secs: u64,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    /// Seconds `serve` keeps retrying an unreachable database at start before giving up.
    pub connect_deadline_secs: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: DEFAULT_DATABASE_URL.into(),
            max_connections: 16,
            acquire_timeout_secs: 5,
            statement_timeout_secs: 30,
            client_timeout_secs: 35,
            migrate_on_start: true,
            connect_deadline_secs: 30,
        }
    }
}
