//! What a database error means for the caller, read from the driver's message (rbatis errors
//! are message-only; STACK_NOTES §3).

/// What a database error means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// No connection could be had or it broke: retryable (503).
    Unavailable,
    /// A unique constraint was violated (409).
    UniqueViolation,
    /// The database cannot store a value it was given (422): PostgreSQL `22021` (a NUL
    /// character in text), `22P05` (NUL in JSON), `22003` (a number out of range).
    InvalidValue,
    /// The database has no space (or memory) left for the write (507): SQLite `SQLITE_FULL`,
    /// PostgreSQL `53100` disk full, `53200` out of memory, or the OS's `ENOSPC`.
    StorageFull,
    /// Anything else (500).
    Other,
}

/// Classifies an rbatis error message (rbatis errors are message-only; STACK_NOTES §3).
pub fn classify_db_error(message: &str) -> DbErrorKind {
    let m = message.to_ascii_lowercase();
    if message.starts_with("23505:") || m.contains("unique constraint failed") {
        return DbErrorKind::UniqueViolation;
    }
    const FULL: &[&str] = &[
        "database or disk is full",
        "sqlite_full",
        "53100",
        "53200",
        "disk full",
        "no space left on device",
        "could not extend file",
    ];
    if FULL.iter().any(|p| m.contains(p)) {
        return DbErrorKind::StorageFull;
    }
    if ["22021", "22p05", "22003"].iter().any(|c| m.starts_with(c)) {
        return DbErrorKind::InvalidValue;
    }
    const UNAVAILABLE: &[&str] = &[
        "get_timeout",
        "timeout",
        "timed out",
        "connection refused",
        "connection reset",
        "connection aborted",
        "failed to connect",
        "error connecting",
        "broken pipe",
        "connection closed",
        "closed connection",
        "io error",
        "os error",
        "unexpected eof",
        "database is locked",
        "57p01",
        "57p02",
        "57p03",
        "08000",
        "08001",
        "08003",
        "08006",
        "the database system is",
    ];
    if UNAVAILABLE.iter().any(|p| m.contains(p)) {
        DbErrorKind::Unavailable
    } else {
        DbErrorKind::Other
    }
}
