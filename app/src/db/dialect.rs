//! The dialect seam: every SQL text that differs between PostgreSQL and SQLite is chosen here.

/// A supported SQL dialect, picked from the database URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL via `rbdc-pg` (`postgres://`, `postgresql://`).
    Postgres,
    /// SQLite via `rbdc-sqlite` (`sqlite://`).
    Sqlite,
}

/// Key of the PostgreSQL advisory lock that serialises migration runs across instances.
/// (ASCII "ebo_migr" as a big-endian i64.)
pub const MIGRATION_LOCK_KEY: i64 = 0x6562_6f5f_6d69_6772;

impl Dialect {
    /// The dialect for a URL, or `None` for an unsupported scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }

    /// Lower-case name as used in `migrations/<name>/` and in logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }

    /// Statement opening a migration transaction. SQLite takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so two processes never both read "pending" and then both write.
    pub fn begin_exclusive(self) -> &'static str {
        match self {
            Self::Postgres => "BEGIN",
            Self::Sqlite => "BEGIN IMMEDIATE",
        }
    }

    /// Statement run right after [`Dialect::begin_exclusive`], if any: on PostgreSQL a
    /// transaction-scoped advisory lock, so concurrent migrators queue instead of racing.
    pub fn lock_migrations(self) -> Option<String> {
        match self {
            Self::Postgres => Some(format!(
                "SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})) AS l"
            )),
            Self::Sqlite => None,
        }
    }

    /// The clause that makes a row-claiming subquery skip rows another transaction holds
    /// (PostgreSQL `FOR UPDATE SKIP LOCKED`); empty on SQLite, whose single writer makes the
    /// claiming `UPDATE` atomic on its own.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
            Self::Sqlite => "",
        }
    }

    /// DDL of the `schema_migrations` bookkeeping table.
    pub fn create_schema_migrations(self) -> &'static str {
        match self {
            Self::Postgres => {
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    execution_ms BIGINT NOT NULL
                )"
            }
            Self::Sqlite => {
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    execution_ms INTEGER NOT NULL
                )"
            }
        }
    }

    /// Query listing applied migrations as `(version, name, checksum, applied_at text)`.
    pub fn select_applied_migrations(self) -> &'static str {
        match self {
            Self::Postgres => {
                "SELECT version, name, checksum,
                        to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS applied_at
                 FROM schema_migrations ORDER BY version"
            }
            Self::Sqlite => {
                "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
            }
        }
    }

    /// SQL for the UTC calendar date (`YYYY-MM-DD` text) of timestamp column `col`.
    pub fn date_of(self, col: &str) -> String {
        match self {
            Self::Postgres => format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
            Self::Sqlite => format!("substr({col}, 1, 10)"),
        }
    }

    /// FROM-clause item expanding the JSON array at top-level key `key` of JSON column `col`
    /// into one row per element, named `alias`; the element is `{alias}.value`. A missing or
    /// non-array member gives no rows (never an error).
    pub fn json_array_rows(self, col: &str, key: &str, alias: &str) -> String {
        match self {
            Self::Postgres => format!(
                "jsonb_array_elements(CASE WHEN jsonb_typeof({col} -> '{key}') = 'array' \
                 THEN {col} -> '{key}' ELSE '[]'::jsonb END) AS {alias}(value)"
            ),
            Self::Sqlite => format!(
                "json_each(CASE WHEN json_type({col}, '$.{key}') = 'array' \
                 THEN json_extract({col}, '$.{key}') ELSE '[]' END) AS {alias}"
            ),
        }
    }

    /// SQL for member `key` of JSON object expression `elem` as text (NULL when absent).
    pub fn json_text(self, elem: &str, key: &str) -> String {
        match self {
            Self::Postgres => format!("({elem} ->> '{key}')"),
            Self::Sqlite => format!("json_extract({elem}, '$.{key}')"),
        }
    }

    /// SQL for member `key` of JSON object expression `elem` as a double (NULL when absent).
    pub fn json_number(self, elem: &str, key: &str) -> String {
        match self {
            Self::Postgres => format!("({elem} ->> '{key}')::double precision"),
            Self::Sqlite => format!("CAST(json_extract({elem}, '$.{key}') AS REAL)"),
        }
    }

    /// Query answering whether `schema_migrations` exists (one row with `n` = 0 or 1).
    pub fn schema_migrations_exists(self) -> &'static str {
        match self {
            Self::Postgres => {
                "SELECT count(*) AS n FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            }
            Self::Sqlite => {
                "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_selects_dialect() {
        assert_eq!(
            Dialect::from_url("postgres://u@h/d"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            Dialect::from_url("postgresql://u@h/d"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            Dialect::from_url("sqlite://data/ebo.db"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(Dialect::from_url("mysql://h/d"), None);
    }

    #[test]
    fn no_placeholder_characters_in_fixed_sql() {
        // rbdc-pg rewrites every '?' into $n, even inside literals (STACK_NOTES §3).
        for d in [Dialect::Postgres, Dialect::Sqlite] {
            for sql in [
                d.create_schema_migrations(),
                d.select_applied_migrations(),
                d.schema_migrations_exists(),
            ] {
                assert!(!sql.contains('?'), "{sql}");
            }
        }
    }
}
