//! The shared in-process cache type: a named moka TTL cache with hit and miss counters, one
//! load per key at a time (`try_get_with`), errors never cached. Every domain cache (features,
//! player answers, similar-run pools, …) is one or more of these; `/metrics` reads their
//! [`CacheStats`].

use std::{
    future::Future,
    hash::Hash,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use moka::future::Cache;

use crate::{
    error::{ApiError, Shared},
    http::json::JsonBytes,
    model::Caller,
};

/// One named cache with hit/miss counters.
pub struct Counted<K, V> {
    /// Name in metrics (`features`, `sets`, `lists`, `catalog`, `player_reads`, …).
    pub name: &'static str,
    cache: Cache<K, V>,
    /// `false` for a zero TTL: every lookup loads, nothing is stored.
    enabled: bool,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// A cache's figures.
#[derive(Debug, Clone, Copy)]
pub struct CacheStats {
    /// Name.
    pub name: &'static str,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that loaded.
    pub misses: u64,
    /// Entries held (eventually consistent).
    pub entries: u64,
}

impl<K: Hash + Eq + Send + Sync + Clone + 'static, V: Clone + Send + Sync + 'static> Counted<K, V> {
    /// A cache named `name` (in metrics) of at most `capacity` entries, each kept `ttl`. A zero
    /// `ttl` turns it off: every lookup loads (and counts as a miss), nothing is stored.
    pub fn sized(name: &'static str, capacity: u64, ttl: Duration) -> Self {
        Self {
            name,
            enabled: !ttl.is_zero(),
            cache: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The cached value for `key`, or `load()`'s (stored on success; one load per key at a time).
    ///
    /// # Errors
    /// `load`'s error (not cached; each caller waiting on that load gets a copy).
    pub async fn get_or_load<E, F>(&self, key: K, load: F) -> Result<V, E>
    where
        E: Shared + Send + Sync + 'static,
        F: Future<Output = Result<V, E>>,
    {
        if !self.enabled {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return load.await;
        }
        if let Some(v) = self.cache.get(&key).await {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(v);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        self.cache
            .try_get_with(key, load)
            .await
            .map_err(|e: Arc<E>| e.share())
    }

    /// Drops `key`.
    pub async fn invalidate(&self, key: &K) {
        self.cache.invalidate(key).await;
    }

    /// Drops everything.
    pub fn invalidate_all(&self) {
        self.cache.invalidate_all();
    }

    /// Current figures.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            name: self.name,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.cache.entry_count(),
        }
    }
}

/// Something holding caches whose figures `/metrics` reports (`cache_hits`, `cache_misses`,
/// `cache_entries`, labelled by cache name). Registered with the metrics sources at startup.
pub trait CacheSource: Send + Sync + std::fmt::Debug {
    /// The figures of each cache it holds.
    fn cache_stats(&self) -> Vec<CacheStats>;
}

/// A cache of encoded answers kept per caller: what a generated list with
/// `api(caller_cache = "...")` answers through (the runs' `PlayerReads`, say). The answers of
/// one caller may be dropped when their data changes, without touching anyone else's.
pub trait CallerCache: Sync {
    /// The answer to `request` (the operation and its whole query, as text) for `caller`:
    /// from the cache, or `load`'s (kept on success; errors are never kept). A
    /// `cache_control` that asks for a fresh answer (`no-cache`, `no-store`, `max-age=0`,
    /// RFC 9111 §5.2.1) loads, and so may any caller the cache chooses not to serve.
    ///
    /// # Errors
    /// `load`'s error.
    fn answer_encoded<T, F>(
        &self,
        caller: Caller,
        cache_control: Option<&str>,
        request: String,
        load: F,
    ) -> impl Future<Output = Result<JsonBytes<T>, ApiError>> + Send
    where
        T: Send,
        F: Future<Output = Result<JsonBytes<T>, ApiError>> + Send;
}
