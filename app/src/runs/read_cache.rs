//! Answers derived from one player's own runs — the run list, the stats summary, characters and
//! the three analytics — cached per player, already serialised, and dropped by that player's
//! writes.
//!
//! A dashboard asks the same few questions again and again while the runs behind them change
//! only when the player submits, syncs or deletes one. Each player has a *generation*, a number
//! drawn from a process-wide counter (never reused); answers are keyed by generation and
//! request. A write of the player's runs gives the player a new generation after it committed,
//! so every earlier answer becomes unreachable at once: a reader that loaded before the commit
//! stored its answer under the old generation. Concurrent misses of one key load once.
//!
//! - With `[redis]`, each write is announced on the invalidation channel
//!   ([`crate::cluster::bus`]), so every instance's next read sees it.
//! - Without Redis, one instance is exact; several instances may answer from their own cache
//!   for up to [`TTL`] after a write made on another. So may answers after a write that
//!   bypasses the API (`ebo seed demo`).
//! - `Cache-Control: no-cache` on the request skips the cache.
//! - Administrators are not cached: their lists are not scoped to one player.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use moka::future::Cache;
use poem_openapi::types::ToJSON;
use uuid::Uuid;

use crate::{
    cache::{CacheStats, CallerCache, Counted},
    cluster::{
        Cluster,
        bus::{self, Invalidate, Invalidation},
    },
    error::ApiError,
    http::json::JsonBytes,
    model::Caller,
};

/// Longest time an answer is served from the cache.
pub const TTL: Duration = Duration::from_secs(10);
/// Largest number of answers kept.
const CAPACITY: u64 = 100_000;

/// The per-player answer cache (see the module docs).
pub struct PlayerReads {
    generations: Cache<Uuid, u64>,
    answers: Counted<(u64, String), Bytes>,
    next: AtomicU64,
    cluster: Option<Arc<Cluster>>,
}

impl std::fmt::Debug for PlayerReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayerReads")
            .field("answers", &self.answers.stats().entries)
            .finish_non_exhaustive()
    }
}

impl Default for PlayerReads {
    fn default() -> Self {
        Self {
            generations: Cache::builder().max_capacity(CAPACITY).build(),
            answers: Counted::sized("player_reads", CAPACITY, TTL),
            next: AtomicU64::new(1),
            cluster: None,
        }
    }
}

impl PlayerReads {
    /// This cache, announcing writes through `cluster` when set.
    #[must_use]
    pub fn with_cluster(mut self, cluster: Option<Arc<Cluster>>) -> Self {
        self.cluster = cluster;
        self
    }

    async fn generation(&self, player: Uuid) -> u64 {
        self.generations
            .get_with(player, async { self.next.fetch_add(1, Ordering::Relaxed) })
            .await
    }

    /// The answer to `request` (the endpoint and its normalised parameters) for `caller`,
    /// encoded by `ToJSON`: see [`CallerCache::answer_encoded`], which this is for a `load`
    /// that gives its answer unencoded.
    ///
    /// # Errors
    /// `load`'s error.
    pub async fn answer<T, F>(
        &self,
        caller: Caller,
        cache_control: Option<&str>,
        request: String,
        load: F,
    ) -> Result<JsonBytes<T>, ApiError>
    where
        T: ToJSON,
        F: Future<Output = Result<T, ApiError>> + Send,
    {
        let encoded = async { load.await.map(|v| JsonBytes::new(&v)) };
        self.answer_encoded(caller, cache_control, request, encoded)
            .await
    }

    /// `player`'s runs changed (call after the write committed): drops their answers here and,
    /// through Redis, on every instance.
    pub async fn changed(&self, player: Uuid) {
        self.forget(player).await;
        if let Some(c) = &self.cluster {
            bus::publish(c, RUNS_TOPIC, &player.to_string()).await;
        }
    }

    /// Drops `player`'s answers in this instance only.
    pub async fn forget(&self, player: Uuid) {
        self.generations
            .insert(player, self.next.fetch_add(1, Ordering::Relaxed))
            .await;
    }

    /// Drops every answer in this instance.
    pub fn forget_all(&self) {
        self.generations.invalidate_all();
        self.answers.invalidate_all();
    }

    /// Hits, misses and entries (`/metrics`, cache `player_reads`).
    pub fn stats(&self) -> CacheStats {
        self.answers.stats()
    }
}

/// Whether a request's `Cache-Control` asks for a fresh answer (`no-cache`, `no-store` or
/// `max-age=0`, RFC 9111 §5.2.1).
pub fn wants_fresh(cache_control: Option<&str>) -> bool {
    cache_control.is_some_and(|v| {
        v.split(',').map(str::trim).any(|d| {
            d.eq_ignore_ascii_case("no-cache")
                || d.eq_ignore_ascii_case("no-store")
                || d.eq_ignore_ascii_case("max-age=0")
        })
    })
}

/// From the cache unless `cache_control` asks for a fresh answer ([`wants_fresh`]) or the
/// caller is an administrator, whose lists are not scoped to one player.
impl CallerCache for PlayerReads {
    async fn answer_encoded<T, F>(
        &self,
        caller: Caller,
        cache_control: Option<&str>,
        request: String,
        load: F,
    ) -> Result<JsonBytes<T>, ApiError>
    where
        T: Send,
        F: Future<Output = Result<JsonBytes<T>, ApiError>> + Send,
    {
        if wants_fresh(cache_control) || caller.is_admin {
            return load.await;
        }
        let key = (self.generation(caller.user_id).await, request);
        self.answers
            .get_or_load(key, async { load.await.map(|v| v.bytes()) })
            .await
            .map(JsonBytes::from_bytes)
    }
}

impl crate::cache::CacheSource for PlayerReads {
    fn cache_stats(&self) -> Vec<CacheStats> {
        vec![self.stats()]
    }
}

/// The application's per-player answer cache: what the generated `GET /runs` answers through
/// (`api(caller_cache = "read_cache::of")` on [`super::CombatRunSummary`]).
pub fn of(state: &crate::state::AppState) -> &PlayerReads {
    &state.player_reads
}

/// Bus topic of a change to a player's runs (key: the player id).
pub const RUNS_TOPIC: &str = "runs";

impl Invalidate for PlayerReads {
    fn topics(&self) -> &'static [&'static str] {
        &[RUNS_TOPIC]
    }

    fn invalidate<'a>(&'a self, _: &'a str, key: &'a str) -> Invalidation<'a> {
        Box::pin(async move {
            if let Ok(player) = key.parse() {
                self.forget(player).await;
            }
        })
    }

    fn drop_all(&self) {
        self.forget_all();
    }
}

#[cfg(test)]
mod tests {
    use super::wants_fresh;

    #[test]
    fn cache_control_directives() {
        assert!(wants_fresh(Some("no-cache")));
        assert!(wants_fresh(Some("max-age=0, No-Store")));
        assert!(!wants_fresh(Some("max-age=60")));
        assert!(!wants_fresh(Some("no-cachex")));
        assert!(!wants_fresh(None));
    }
}
