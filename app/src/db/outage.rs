//! Log lines of a database outage: one when it starts, at most one every [`EVERY_MS`] while
//! it lasts (with the failures since the last line), and one when a statement succeeds again,
//! not one per request (a down database fails every request). Storage-full refusals are
//! throttled the same way. Process-wide: one process has one database.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

/// Least time between two lines of the same kind, milliseconds.
pub const EVERY_MS: i64 = 5_000;

struct Throttle {
    last_ms: AtomicI64,
    suppressed: AtomicU64,
}

impl Throttle {
    const fn new() -> Self {
        Self {
            last_ms: AtomicI64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }

    /// `Some(failures not logged since the last line)` when a line is due.
    fn due(&self, now: i64) -> Option<u64> {
        let last = self.last_ms.load(Ordering::Relaxed);
        if now - last >= EVERY_MS
            && self
                .last_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            Some(self.suppressed.swap(0, Ordering::Relaxed))
        } else {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

static UNAVAILABLE: Throttle = Throttle::new();
static FULL: Throttle = Throttle::new();
/// Unix milliseconds of the first failure of the current outage; 0 when none.
static OUTAGE_SINCE_MS: AtomicI64 = AtomicI64::new(0);
/// Requests failed during the current outage.
static OUTAGE_FAILURES: AtomicU64 = AtomicU64::new(0);
/// Whether the current outage was logged, so its end is too.
static OUTAGE_LOGGED: AtomicBool = AtomicBool::new(false);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A request failed because the database could not be reached (`msg`: the driver's error).
pub fn unavailable(msg: &str) {
    let now = now_ms();
    let _ = OUTAGE_SINCE_MS.compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    OUTAGE_FAILURES.fetch_add(1, Ordering::Relaxed);
    if let Some(more) = UNAVAILABLE.due(now) {
        let since = OUTAGE_SINCE_MS.load(Ordering::Relaxed);
        OUTAGE_LOGGED.store(true, Ordering::Relaxed);
        tracing::warn!(
            error = %msg,
            failures_since_last_line = more,
            outage_secs = (now - since).max(0) / 1000,
            "database unavailable"
        );
    }
}

/// A statement succeeded: ends the current outage, if any, with one line.
pub fn statement_succeeded() {
    if OUTAGE_SINCE_MS.load(Ordering::Relaxed) == 0 {
        return;
    }
    let since = OUTAGE_SINCE_MS.swap(0, Ordering::Relaxed);
    if since == 0 {
        return;
    }
    let failures = OUTAGE_FAILURES.swap(0, Ordering::Relaxed);
    if OUTAGE_LOGGED.swap(false, Ordering::Relaxed) {
        UNAVAILABLE.suppressed.store(0, Ordering::Relaxed);
        tracing::info!(
            outage_ms = (now_ms() - since).max(0),
            failed_requests = failures,
            "database available again"
        );
    }
}

/// The database refused a write for lack of space (`msg`: its error).
pub fn storage_full(msg: &str) {
    if let Some(more) = FULL.due(now_ms()) {
        tracing::error!(error = %msg, failures_since_last_line = more, "database out of storage space");
    }
}
