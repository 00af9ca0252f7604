//! Configuration: `config.toml` defaults, overridden by environment variables, validated at start.
//!
//! Layers, later ones win:
//! 1. built-in defaults (identical to the shipped `config.toml`);
//! 2. the TOML file (`--config FILE`, env `EBO_CONFIG`, default `config.toml`; a missing default
//!    file is fine, a missing explicit one is an error);
//! 3. the conventional variables operators already use: `DATABASE_URL` → `database.url`,
//!    `JWT_SECRET_KEY` → `auth.jwt_secret`, `ALLOWED_ORIGINS` → `cors.allowed_origins`
//!    (comma-separated), and the upstream guide's `ENVIRONMENT` and `DEBUG`;
//! 4. `EBO_<SECTION>__<KEY>` for any key, e.g. `EBO_DATABASE__URL`, `EBO_SERVER__PORT`,
//!    `EBO_ENVIRONMENT`.
//!
//! Secrets are held in [`SecretString`] and serialize as `"[redacted]"`, so printing the
//! effective configuration (`ebo config check`) never shows them.

use std::fmt;

use serde::{Deserialize, Serialize};

mod auth;
mod database;
mod email;
mod fields;
mod http;
mod load;
mod ops;
mod server;
mod validate;

pub use auth::{
    AuthSettings, DEFAULT_JWT_SECRET, JwtAlgorithm, MIN_PRODUCTION_SECRET_LEN, RateLimitSettings,
};
pub use database::{DEFAULT_DATABASE_URL, DatabaseSettings};
pub use email::EmailSettings;
pub use fields::redact_url;
use fields::serialize_redacted_url_option;
pub use http::{CorsSettings, DocsSettings};
pub use load::ConfigError;
pub use ops::{FeatureSettings, LogSettings, MetricsSettings, RedisSettings};
pub use server::{MIN_HEADER_BYTES, MIN_UPLOAD_BODY_LIMIT, ServerSettings};

/// Deployment environment; production turns on the strict checks of [`Settings::problems`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local work: permissive defaults, internal error detail in 500 responses, no HSTS.
    Development,
    /// Pre-production: production-like, HSTS on.
    Staging,
    /// Production: configuration is validated strictly at start.
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the request span's fields (request id, method, path).
    Json,
}

/// The whole configuration. Every field has a default; see `config.toml` for the documented keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `development | staging | production`.
    pub environment: Environment,
    /// Debug mode: internal error detail in 500 bodies and verbose logs. Refused in production.
    pub debug: bool,
    /// Listener and HTTP behaviour.
    pub server: ServerSettings,
    /// Database connection, pool and migrations.
    pub database: DatabaseSettings,
    /// Tokens and passwords.
    pub auth: AuthSettings,
    /// Request rate limits.
    pub rate_limit: RateLimitSettings,
    /// Feature database.
    pub features: FeatureSettings,
    /// Cross-origin resource sharing.
    pub cors: CorsSettings,
    /// API documentation pages.
    pub docs: DocsSettings,
    /// Logging.
    pub log: LogSettings,
    /// The Prometheus `/metrics` endpoint.
    pub metrics: MetricsSettings,
    /// Optional Redis shared by several instances.
    pub redis: RedisSettings,
    /// Mail delivery (verification and password-reset links).
    pub email: EmailSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            debug: false,
            server: ServerSettings::default(),
            database: DatabaseSettings::default(),
            auth: AuthSettings::default(),
            rate_limit: RateLimitSettings::default(),
            features: FeatureSettings::default(),
            cors: CorsSettings::default(),
            docs: DocsSettings::default(),
            log: LogSettings::default(),
            metrics: MetricsSettings::default(),
            redis: RedisSettings::default(),
            email: EmailSettings::default(),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Development => "development",
            Self::Staging => "staging",
            Self::Production => "production",
        })
    }
}
