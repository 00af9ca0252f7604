//! The feature database's in-process TTL caches (moka): features by id, gear sets by id,
//! list/search/updates results by their normalised query, and the recommendation engine's
//! set and skill catalog. Concurrent misses of one key load once (`try_get_with`); errors are
//! not cached. Admin writes invalidate what they affect at once in this instance and, with
//! `[redis]`, on every other instance through [`crate::cluster::bus`]. Hits, misses and entry
//! counts feed `/metrics`.

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
    cluster::{
        Cluster,
        bus::{self, Event},
    },
    config::FeatureSettings,
    error::ApiError,
};

/// One named cache with hit/miss counters.
pub struct Counted<K, V> {
    /// Name in metrics (`features`, `sets`, `lists`, `catalog`, `player_reads`, …).
    pub name: &'static str,
    cache: Cache<K, V>,
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
    fn new(name: &'static str, s: &FeatureSettings) -> Self {
        Self::sized(
            name,
            s.cache_capacity,
            Duration::from_secs(s.cache_ttl_secs),
        )
    }

    /// A cache named `name` (in metrics) of at most `capacity` entries, each kept `ttl`.
    pub fn sized(name: &'static str, capacity: u64, ttl: Duration) -> Self {
        Self {
            name,
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
    /// `load`'s error (not cached).
    pub async fn get_or_load<F>(&self, key: K, load: F) -> Result<V, ApiError>
    where
        F: Future<Output = Result<V, ApiError>>,
    {
        if let Some(v) = self.cache.get(&key).await {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(v);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        self.cache
            .try_get_with(key, load)
            .await
            .map_err(|e: Arc<ApiError>| e.copy())
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

/// The three caches.
pub struct FeatureCache {
    /// Feature by id (`None` = known missing).
    pub features: Counted<String, Option<crate::http::json::JsonBytes<super::models::FeatureView>>>,
    /// Gear set by id.
    pub sets: Counted<String, Option<crate::http::json::JsonBytes<super::models::GearSetView>>>,
    /// List, search and updates answers by normalised query.
    pub lists: Counted<String, super::dto::ListAnswer>,
    /// Every set and skill by id and name, for the recommendation engine (one key: `()`).
    pub catalog: Counted<(), Arc<crate::recommendations::catalog::Catalog>>,
    /// Where edits are announced to the other instances, when Redis is configured.
    cluster: Option<Arc<Cluster>>,
}

impl FeatureCache {
    /// Caches sized and timed by `[features]`.
    pub fn new(s: &FeatureSettings) -> Self {
        Self {
            features: Counted::new("features", s),
            sets: Counted::new("sets", s),
            lists: Counted::new("lists", s),
            catalog: Counted::new("catalog", s),
            cluster: None,
        }
    }

    /// These caches, announcing edits to the other instances through `cluster`.
    #[must_use]
    pub fn with_cluster(mut self, cluster: Option<Arc<Cluster>>) -> Self {
        self.cluster = cluster;
        self
    }

    /// After a write to feature `id`: drop it and every list, here and (through Redis) on
    /// every other instance.
    pub async fn feature_changed(&self, id: &str) {
        self.drop_feature(id).await;
        if let Some(c) = &self.cluster {
            bus::publish(c, &Event::Feature(id.to_owned())).await;
        }
    }

    /// After a write to gear set `id`: drop it and every list, here and (through Redis) on
    /// every other instance.
    pub async fn set_changed(&self, id: &str) {
        self.drop_set(id).await;
        if let Some(c) = &self.cluster {
            bus::publish(c, &Event::Set(id.to_owned())).await;
        }
    }

    /// Drops feature `id` and every list in this instance only.
    pub async fn drop_feature(&self, id: &str) {
        self.features.invalidate(&id.to_owned()).await;
        self.lists.invalidate_all();
        self.catalog.invalidate_all();
    }

    /// Drops gear set `id` and every list in this instance only.
    pub async fn drop_set(&self, id: &str) {
        self.sets.invalidate(&id.to_owned()).await;
        self.lists.invalidate_all();
        self.catalog.invalidate_all();
    }

    /// Drops every entry of every cache in this instance.
    pub fn drop_all(&self) {
        self.features.invalidate_all();
        self.sets.invalidate_all();
        self.lists.invalidate_all();
    }

    /// Figures of every cache.
    pub fn stats(&self) -> [CacheStats; 4] {
        [
            self.features.stats(),
            self.sets.stats(),
            self.lists.stats(),
            self.catalog.stats(),
        ]
    }
}

impl std::fmt::Debug for FeatureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.stats()).finish()
    }
}
