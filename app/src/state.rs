//! What every handler can reach.

use std::sync::Arc;

use crate::{
    auth::sessions::AuthState, config::Settings, db::Db, features::cache::FeatureCache,
    http::rate_limit::RateLimits, runs::distribution::DpsDistributions,
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
}
