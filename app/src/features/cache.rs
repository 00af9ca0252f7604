//! The feature database's in-process TTL caches (moka): features and gear sets by id and their
//! pages by query (which the generated `get` and `list` answer through), by-class, search and
//! updates results by their normalised query, and the recommendation engine's set and skill
//! catalog. Concurrent misses of one key load once (`try_get_with`); errors are
//! not cached. Admin writes invalidate what they affect at once in this instance and, with
//! `[redis]`, on every other instance through [`crate::cluster::bus`]. Hits, misses and entry
//! counts feed `/metrics`.

use std::{sync::Arc, time::Duration};

use crate::{
    cache::{CacheStats, Counted},
    cluster::{
        Cluster,
        bus::{self, Invalidate, Invalidation},
    },
    config::FeatureSettings,
    http::json::JsonBytes,
};

use super::models::{FeaturePage, FeatureView, GearSetPage, GearSetView};

/// A cache named `name` sized and timed by `[features]`.
fn counted<K, V>(name: &'static str, s: &FeatureSettings) -> Counted<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + Clone + 'static,
    V: Clone + Send + Sync + 'static,
{
    Counted::sized(
        name,
        s.cache_capacity,
        Duration::from_secs(s.cache_ttl_secs),
    )
}

/// The features by id that the generated `GET /features/{feature_id}` answers through.
pub fn features_by_id(
    state: &crate::state::AppState,
) -> &Counted<String, Option<JsonBytes<FeatureView>>> {
    &state.features.features
}

/// The gear sets by id that the generated `GET /features/sets/{set_id}` answers through.
pub fn sets_by_id(
    state: &crate::state::AppState,
) -> &Counted<String, Option<JsonBytes<GearSetView>>> {
    &state.features.sets
}

/// The feature pages by query that the generated `GET /features` answers through.
pub fn feature_pages(state: &crate::state::AppState) -> &Counted<String, JsonBytes<FeaturePage>> {
    &state.features.feature_pages
}

/// The gear set pages by query that the generated `GET /features/sets` answers through.
pub fn set_pages(state: &crate::state::AppState) -> &Counted<String, JsonBytes<GearSetPage>> {
    &state.features.set_pages
}

/// The caches.
pub struct FeatureCache {
    /// Feature by id (`None` = known missing).
    pub features: Counted<String, Option<JsonBytes<FeatureView>>>,
    /// Gear set by id.
    pub sets: Counted<String, Option<JsonBytes<GearSetView>>>,
    /// Feature pages (`GET /features`) by their query.
    pub feature_pages: Counted<String, JsonBytes<FeaturePage>>,
    /// Gear set pages (`GET /features/sets`) by their query.
    pub set_pages: Counted<String, JsonBytes<GearSetPage>>,
    /// By-class, search and updates answers by normalised query.
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
            features: counted("features", s),
            sets: counted("sets", s),
            feature_pages: counted("feature_pages", s),
            set_pages: counted("set_pages", s),
            lists: counted("lists", s),
            catalog: counted("catalog", s),
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
            bus::publish(c, FEATURE_TOPIC, id).await;
        }
    }

    /// After a write to gear set `id`: drop it and every list, here and (through Redis) on
    /// every other instance.
    pub async fn set_changed(&self, id: &str) {
        self.drop_set(id).await;
        if let Some(c) = &self.cluster {
            bus::publish(c, SET_TOPIC, id).await;
        }
    }

    /// Drops feature `id` and every list in this instance only.
    pub async fn drop_feature(&self, id: &str) {
        self.features.invalidate(&id.to_owned()).await;
        self.drop_pages();
    }

    /// Drops gear set `id` and every list in this instance only.
    pub async fn drop_set(&self, id: &str) {
        self.sets.invalidate(&id.to_owned()).await;
        self.drop_pages();
    }

    /// Drops every page, list and the catalog: what any write may change.
    fn drop_pages(&self) {
        self.feature_pages.invalidate_all();
        self.set_pages.invalidate_all();
        self.lists.invalidate_all();
        self.catalog.invalidate_all();
    }

    /// Drops every entry of every cache in this instance, the catalog included.
    pub fn drop_all(&self) {
        self.features.invalidate_all();
        self.sets.invalidate_all();
        self.drop_pages();
    }

    /// Figures of every cache.
    pub fn stats(&self) -> [CacheStats; 6] {
        [
            self.features.stats(),
            self.sets.stats(),
            self.feature_pages.stats(),
            self.set_pages.stats(),
            self.lists.stats(),
            self.catalog.stats(),
        ]
    }
}

/// Bus topic of a feature write (key: the feature id).
pub const FEATURE_TOPIC: &str = "feature";
/// Bus topic of a gear set write (key: the set id).
pub const SET_TOPIC: &str = "set";

impl Invalidate for FeatureCache {
    fn topics(&self) -> &'static [&'static str] {
        &[FEATURE_TOPIC, SET_TOPIC]
    }

    fn invalidate<'a>(&'a self, topic: &'a str, key: &'a str) -> Invalidation<'a> {
        Box::pin(async move {
            match topic {
                FEATURE_TOPIC => self.drop_feature(key).await,
                _ => self.drop_set(key).await,
            }
        })
    }

    fn drop_all(&self) {
        FeatureCache::drop_all(self);
    }
}

impl crate::cache::CacheSource for FeatureCache {
    fn cache_stats(&self) -> Vec<CacheStats> {
        self.stats().to_vec()
    }
}

impl std::fmt::Debug for FeatureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.stats()).finish()
    }
}
