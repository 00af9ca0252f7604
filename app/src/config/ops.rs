//! `[features]`, `[metrics]`, `[log]` and `[redis]`: the feature caches, observability and the
//! Redis several instances share.

use std::net::SocketAddr;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{
    LogFormat,
    fields::{serialize_redacted_option, serialize_redacted_url_option},
};

/// `[features]`: the feature database's cache and patch order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeatureSettings {
    /// Seconds a cached feature, set or list stays fresh; 0 turns the feature caches off, so
    /// every read goes to the database (`bench/db-path.sh` measures that path).
    pub cache_ttl_secs: u64,
    /// Largest number of entries per cache (features, sets, lists).
    pub cache_capacity: u64,
    /// Game updates oldest first; `/features/updates?since=` accepts these and any found in the data.
    pub patches: Vec<String>,
    /// Load the built-in sample into an empty feature table at start (development only).
    pub load_sample: bool,
}

impl Default for FeatureSettings {
    fn default() -> Self {
        Self {
            cache_ttl_secs: 300,
            cache_capacity: 10_000,
            patches: (35..=48).map(|n| format!("U{n}")).collect(),
            load_sample: true,
        }
    }
}

/// `[metrics]`: the Prometheus text-format endpoint `GET /metrics`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Serve `/metrics` and record request metrics.
    pub enabled: bool,
    /// Serve `/metrics` on this separate address (e.g. `127.0.0.1:9100`) instead of the public
    /// listener; port 0 picks a free one. Unset (the default): on the public listener.
    pub bind: Option<SocketAddr>,
    /// When set, scrapes must send `Authorization: Bearer <token>` (else 401). Never logged or
    /// printed. Production refuses `/metrics` on the public listener without one.
    #[serde(serialize_with = "serialize_redacted_option")]
    pub token: Option<SecretString>,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            bind: None,
            token: None,
        }
    }
}

/// `[redis]`: the Redis that several instances share. Unset `url` (the default): everything stays
/// in this instance, which is fully correct for a single instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisSettings {
    /// `redis://[:password@]host:6379[/db]` (plain TCP: no TLS support is built in). With it, rate-limit counters, the access-token denylist and
    /// cache-invalidation messages go through Redis. Set it with `EBO_REDIS__URL`; the
    /// password is redacted whenever the configuration is printed.
    #[serde(serialize_with = "serialize_redacted_url_option")]
    pub url: Option<String>,
    /// Prefix of every key and channel name, so several deployments (or parallel tests) can
    /// share one Redis.
    pub key_prefix: String,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            key_prefix: "ebo:".into(),
        }
    }
}

/// `[log]`: logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `info,app=debug`; `RUST_LOG` overrides it.
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}
