//! What every handler can reach.

use std::sync::Arc;

use crate::{auth::token::JwtKeys, config::Settings, db::Db};

/// Shared application state, cloned per request (cheap: `Arc`s and a pool handle).
#[derive(Clone, Debug)]
pub struct AppState {
    /// The validated configuration.
    pub settings: Arc<Settings>,
    /// The database pool.
    pub db: Db,
    /// Access-token keys.
    pub jwt: JwtKeys,
}
