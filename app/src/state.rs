//! What every handler can reach.

use std::sync::Arc;

use crate::{
    auth::sessions::AuthState,
    cluster::{Cluster, bus::Registry},
    config::Settings,
    db::Db,
    features::cache::FeatureCache,
    http::rate_limit::RateLimits,
    mail::MailStats,
    metrics::{Metrics, sources::Sources},
    recommendations::analysis::SimilarPools,
    runs::{distribution::DpsDistributions, read_cache::PlayerReads},
};

/// Shared application state, cloned per request (cheap: `Arc`s and a pool handle).
#[derive(Clone, Debug)]
pub struct AppState {
    /// The validated configuration.
    pub settings: Arc<Settings>,
    /// The database pool.
    pub db: Db,
    /// Token keys, password hashing, session caches.
    pub auth: Arc<AuthState>,
    /// Rate limiters.
    pub limits: Arc<RateLimits>,
    /// Feature database caches.
    pub features: Arc<FeatureCache>,
    /// DPS distributions per content and difficulty (the percentile trend).
    pub dps_distributions: Arc<DpsDistributions>,
    /// Answers derived from each player's runs (list, stats, characters, analytics).
    pub player_reads: Arc<PlayerReads>,
    /// Similar-run pools per content, difficulty, CP level and group size (recommendations).
    pub similar_pools: Arc<SimilarPools>,
    /// The Prometheus registry (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// The shared Redis, when `[redis]` names one.
    pub cluster: Option<Arc<Cluster>>,
    /// What other instances' writes invalidate here (every cache registers at startup).
    pub invalidation: Registry,
    /// The mail outbox worker's figures.
    pub mail: Arc<MailStats>,
}

impl AppState {
    /// The state over these parts, with a metrics registry reading the pool, the caches, the
    /// limiters and the Redis link.
    pub fn new(
        settings: Settings,
        db: Db,
        auth: Arc<AuthState>,
        limits: Arc<RateLimits>,
        features: Arc<FeatureCache>,
        cluster: Option<Arc<Cluster>>,
    ) -> Self {
        let player_reads = Arc::new(PlayerReads::default().with_cluster(cluster.clone()));
        let similar_pools = Arc::new(SimilarPools::default());
        let mail = Arc::new(MailStats::default());
        let metrics = Arc::new(Metrics::new(Sources {
            db: db.clone(),
            caches: vec![
                features.clone(),
                player_reads.clone(),
                similar_pools.clone(),
            ],
            limits: limits.clone(),
            cluster: cluster.clone(),
            mail: mail.clone(),
        }));
        Self {
            settings: Arc::new(settings),
            db,
            auth,
            limits,
            features,
            dps_distributions: Arc::default(),
            similar_pools,
            player_reads,
            metrics,
            cluster,
            invalidation: Registry::default(),
            mail,
        }
    }
}
