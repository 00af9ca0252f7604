//! What several instances share through Redis (`[redis]`): global rate-limit counters
//! ([`limiter`]), the access-token denylist (keys written by `auth::sessions`) and
//! cache-invalidation messages ([`bus`]).
//!
//! One [`Cluster`] holds a `redis` [`ConnectionManager`] (reconnects by itself). Every call is
//! bounded by [`CALL_TIMEOUT`]; a failure marks the link down, logs one warning and makes the
//! callers fall back to per-instance behaviour (no request ever fails because of Redis). While
//! it is down no request waits on Redis: a watchdog pings every [`WATCH_EVERY`] and marks it up
//! again (one info log).

pub mod bus;
pub mod limiter;

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicI64, Ordering},
    },
    time::Duration,
};

use redis::{
    Client, RedisResult,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

use crate::config::{RedisSettings, redact_url};

/// Longest wait for one Redis command before the link is called down.
pub const CALL_TIMEOUT: Duration = Duration::from_millis(500);

/// How often the watchdog pings.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The link to the shared Redis.
pub struct Cluster {
    client: Client,
    conn: ConnectionManager,
    prefix: String,
    up: AtomicBool,
    /// Unix milliseconds since which the invalidation subscription has listened without a
    /// break; 0 while it is not listening.
    listening_since_ms: AtomicI64,
    url: String,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .field("up", &self.is_up())
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// The link for `[redis]`, or `None` when `redis.url` is unset. Connects lazily; call
    /// [`Cluster::start`] before serving.
    ///
    /// # Errors
    /// An unparsable URL.
    pub fn from_settings(s: &RedisSettings) -> RedisResult<Option<Arc<Self>>> {
        let Some(url) = &s.url else {
            return Ok(None);
        };
        let client = Client::open(url.as_str())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(WATCH_EVERY);
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Some(Arc::new(Self {
            client,
            conn,
            prefix: s.key_prefix.clone(),
            up: AtomicBool::new(false),
            listening_since_ms: AtomicI64::new(0),
            url: redact_url(url),
        })))
    }

    /// Pings once (logging one warning when Redis does not answer: the instance then starts
    /// per-instance) and spawns the watchdog.
    pub async fn start(self: &Arc<Self>) {
        if self.ping().await {
            self.up.store(true, Ordering::Relaxed);
            tracing::info!(url = %self.url, "redis connected: limits, denylist and invalidations are shared");
        } else {
            tracing::warn!(url = %self.url, "redis unreachable at start: rate limits, logouts and cache invalidations stay per instance until it answers");
        }
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WATCH_EVERY);
            loop {
                tick.tick().await;
                if me.ping().await {
                    me.mark_up();
                } else {
                    me.mark_down("ping failed");
                }
            }
        });
    }

    /// `prefix` + `rest`: every key and channel name goes through here.
    pub fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.prefix)
    }

    /// Whether the last command or ping succeeded.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// `PING` within [`CALL_TIMEOUT`], whatever the current state.
    pub async fn ping(&self) -> bool {
        let mut conn = self.conn.clone();
        let cmd = redis::cmd("PING");
        let ping = cmd.query_async::<String>(&mut conn);
        matches!(tokio::time::timeout(CALL_TIMEOUT, ping).await, Ok(Ok(_)))
    }

    /// Runs `call` on a connection when the link is up; `None` when it is down, fails or
    /// times out (the link is then marked down).
    pub async fn run<T, F, Fut>(&self, call: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if !self.is_up() {
            return None;
        }
        match tokio::time::timeout(CALL_TIMEOUT, call(self.conn.clone())).await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                self.mark_down(&e.to_string());
                None
            }
            Err(_) => {
                self.mark_down("command timed out");
                None
            }
        }
    }

    /// Whether this instance's subscription has listened without a break since before Unix
    /// second `since`: every event published after `since` has then reached it (or is in
    /// flight on its connection), so what those events carry need not be asked of Redis.
    pub fn heard_everything_since(&self, since: i64) -> bool {
        let from = self.listening_since_ms.load(Ordering::Acquire);
        from > 0 && self.is_up() && from <= since.saturating_mul(1000)
    }

    /// Whether the invalidation subscription is listening now.
    pub fn is_listening(&self) -> bool {
        self.listening_since_ms.load(Ordering::Acquire) > 0
    }

    /// Records that the subscription listens from now on (`true`) or stopped (`false`).
    pub(crate) fn set_listening(&self, listening: bool) {
        let now = if listening {
            chrono::Utc::now().timestamp_millis().max(1)
        } else {
            0
        };
        self.listening_since_ms.store(now, Ordering::Release);
    }

    /// A fresh client for the pub/sub connection.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    fn mark_down(&self, why: &str) {
        if self.up.swap(false, Ordering::Relaxed) {
            tracing::warn!(url = %self.url, error = why, "redis unreachable: falling back to per-instance rate limits, logouts and caches");
        }
    }

    fn mark_up(&self) {
        if !self.up.swap(true, Ordering::Relaxed) {
            tracing::info!(url = %self.url, "redis answers again: limits, denylist and invalidations are shared");
        }
    }
}
