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

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::Path,
};

use figment::{
    Figment,
    providers::{Env, Format, Toml},
};
use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod email;
pub use email::EmailSettings;

/// The JWT secret shipped for local development; refused in production.
pub const DEFAULT_JWT_SECRET: &str = "dev-only-insecure-jwt-secret-change-me";
/// The database URL used when none is configured: an SQLite file created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ebo.db";
/// Minimum length of the JWT secret in production (HS256 key of at least 256 bits).
pub const MIN_PRODUCTION_SECRET_LEN: usize = 32;

/// Passwords that count as "default database credentials" (OWASP A07: default credentials).
const DEFAULT_DB_PASSWORDS: &[&str] = &[
    "postgres",
    "password",
    "changeme",
    "change-me",
    "admin",
    "root",
    "secret",
    "ebo",
    "test",
];

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

/// Smallest allowed `server.upload_body_limit_bytes`: 16 MiB, the documented SavedVariables size.
pub const MIN_UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// `[server]`: listener and HTTP behaviour.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    pub host: String,
    /// TCP port; 0 picks a free one.
    pub port: u16,
    /// Prefix of the versioned API, e.g. `/api/v1`.
    pub api_prefix: String,
    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    pub shutdown_timeout_secs: u64,
    /// Largest accepted request body in bytes (larger → 413).
    pub request_body_limit_bytes: usize,
    /// Largest accepted body of a file upload (`POST /runs/import`, a SavedVariables file), in
    /// bytes, instead of `request_body_limit_bytes`; at least 16 MiB (default 32 MiB).
    pub upload_body_limit_bytes: usize,
    /// Responses at least this many bytes are compressed (gzip or br) when the client accepts it.
    pub compression_min_bytes: usize,
    /// Peers (IP addresses or CIDR blocks, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` header is
    /// believed. The client address is the right-most `X-Forwarded-For` entry that is not itself
    /// a trusted proxy; from any other peer the header is ignored. Empty (the default): the TCP
    /// peer is the client. Accepts a list or a comma-separated string.
    #[serde(deserialize_with = "ip_nets")]
    pub trusted_proxies: Vec<IpNet>,
    /// Host names this service answers to (`api.example.com`, `api.example.com:8443`, or
    /// `*.example.com` for any subdomain); requests naming another `Host` get 400. The port is
    /// ignored unless the entry names one. Empty (the default): any host. The root probes and
    /// `/metrics` answer whatever the host, so load balancers can reach them by address.
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_hosts: Vec<String>,
    /// Seconds a client gets to send a request's complete header (HTTP/1). The same limit
    /// bounds how long an idle keep-alive connection stays open waiting for its next request,
    /// so slow-header (slowloris) and idle connections are closed after it. Default 10.
    pub header_read_timeout_secs: u64,
    /// Most connections served at once; a connection past it gets a fast 503 with
    /// `Retry-After` and is closed. Default 4,096.
    pub max_connections: usize,
    /// Largest request head (request line and headers), in bytes, at least 8,192; larger
    /// gets 431. Default 16 KiB.
    pub max_header_bytes: usize,
}

/// Smallest allowed `server.max_header_bytes` (hyper's smallest read buffer).
pub const MIN_HEADER_BYTES: usize = 8192;

/// `[database]`: connection, pool and migrations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path/file.db` or `postgres://user:pass@host:5432/db`.
    #[serde(serialize_with = "serialize_redacted_url")]
    pub url: String,
    /// Largest number of open connections in the pool.
    pub max_connections: u64,
    /// Seconds a request waits for a free pooled connection before failing with 503.
    pub acquire_timeout_secs: u64,
    /// Seconds a single statement may run (PostgreSQL `statement_timeout`; SQLite busy timeout).
    pub statement_timeout_secs: u64,
    /// Seconds the service waits for any one statement's answer (or a new connection's
    /// handshake) before it gives up on that connection and answers 503: the server froze or
    /// the network path is lost, when the server's own `statement_timeout` cannot fire. Keep
    /// it above `statement_timeout_secs`, so the server's cancel normally comes first.
    pub client_timeout_secs: u64,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    /// Seconds `serve` keeps retrying an unreachable database at start before giving up.
    pub connect_deadline_secs: u64,
}

/// JWT signing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with `auth.jwt_secret`.
    HS256,
    /// RSA PKCS#1 v1.5 with SHA-256; keys from PEM files; JWKS served.
    RS256,
    /// Ed25519; keys from PEM files; JWKS served.
    EdDSA,
}

/// `[auth]`: tokens and passwords.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// HS256 signing secret. Set it with `JWT_SECRET_KEY` or `EBO_AUTH__JWT_SECRET`, never in the file.
    #[serde(serialize_with = "serialize_redacted")]
    pub jwt_secret: SecretString,
    /// `HS256` (default), `RS256` or `EdDSA`.
    pub algorithm: JwtAlgorithm,
    /// RS256/EdDSA: PKCS#8 PEM private key that signs new tokens.
    pub private_key_file: Option<String>,
    /// RS256/EdDSA: the `kid` of the current key (default `current`).
    pub key_id: String,
    /// RS256/EdDSA: the previous key's PEM private key file, still accepted for verification
    /// (and published in the JWKS) until `previous_key_valid_until`.
    pub previous_private_key_file: Option<String>,
    /// The previous key's `kid`.
    pub previous_key_id: String,
    /// End of the rotation window (RFC 3339); after it the previous key is ignored.
    pub previous_key_valid_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Access-token lifetime in seconds (default 900 = 15 min).
    pub access_token_ttl_secs: i64,
    /// Refresh-token lifetime in seconds (default 604800 = 7 days).
    pub refresh_token_ttl_secs: i64,
    /// bcrypt cost (default 12; production refuses < 10).
    pub bcrypt_cost: u32,
    /// When on, an account whose email is not confirmed can sign in and read, but its writes
    /// (outside `/auth`) get 403 saying why (default off).
    pub require_verified_email: bool,
    /// The `iss` claim every token carries and every verification requires.
    pub issuer: String,
    /// The `aud` claim every token carries and every verification requires.
    pub audience: String,
    /// Seconds after a refresh during which presenting the rotated token again is a retry
    /// answered with the same successor pair, not reuse (default 10; 0 turns retries off).
    pub refresh_reuse_grace_secs: i64,
}

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

/// `[rate_limit]`: requests per minute, per client IP and, for auth, per account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Turn rate limiting on.
    pub enabled: bool,
    /// register, login, change-password: per IP and per account.
    pub auth_per_minute: u32,
    /// refresh: per IP.
    pub refresh_per_minute: u32,
    /// Every other API request: per IP.
    pub default_per_minute: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            auth_per_minute: 5,
            refresh_per_minute: 10,
            default_per_minute: 100,
        }
    }
}

/// `[cors]`: which browser origins may call the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsSettings {
    /// Allowed origins (`https://app.example.com`); empty disables CORS; `*` allows any (not in production).
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_origins: Vec<String>,
    /// Allowed methods for cross-origin requests.
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_methods: Vec<String>,
    /// Allowed request headers.
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_headers: Vec<String>,
    /// Response headers readable by browser scripts.
    #[serde(deserialize_with = "string_or_list")]
    pub expose_headers: Vec<String>,
    /// Seconds a browser may cache a preflight answer.
    pub max_age_secs: u32,
}

/// `[docs]`: the documentation pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocsSettings {
    /// Serve `/api/docs` (Swagger UI), `/api/redoc` and `/api/openapi.json`.
    pub enabled: bool,
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

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8000,
            api_prefix: "/api/v1".into(),
            shutdown_timeout_secs: 30,
            request_body_limit_bytes: 1024 * 1024,
            upload_body_limit_bytes: 32 * 1024 * 1024,
            compression_min_bytes: 1024,
            trusted_proxies: Vec::new(),
            allowed_hosts: Vec::new(),
            header_read_timeout_secs: 10,
            max_connections: 4096,
            max_header_bytes: 16 * 1024,
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: DEFAULT_DATABASE_URL.into(),
            max_connections: 16,
            acquire_timeout_secs: 5,
            statement_timeout_secs: 30,
            client_timeout_secs: 35,
            migrate_on_start: true,
            connect_deadline_secs: 30,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: SecretString::from(DEFAULT_JWT_SECRET),
            algorithm: JwtAlgorithm::HS256,
            private_key_file: None,
            key_id: "current".into(),
            previous_private_key_file: None,
            previous_key_id: "previous".into(),
            previous_key_valid_until: None,
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 7 * 24 * 3600,
            bcrypt_cost: 12,
            refresh_reuse_grace_secs: 10,
            require_verified_email: false,
            issuer: "ebo".into(),
            audience: "ebo-api".into(),
        }
    }
}

impl Default for CorsSettings {
    fn default() -> Self {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            allowed_origins: list(&["http://localhost:3000"]),
            allowed_methods: list(&["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
            allowed_headers: list(&[
                "Authorization",
                "Content-Type",
                "X-Request-ID",
                "If-None-Match",
            ]),
            expose_headers: list(&[
                "X-Request-ID",
                "X-Process-Time",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Retry-After",
                "ETag",
            ]),
            max_age_secs: 600,
        }
    }
}

impl Default for DocsSettings {
    fn default() -> Self {
        Self { enabled: true }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

/// Why configuration could not be loaded at all (as opposed to loaded but invalid).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An explicitly named file does not exist.
    #[error("configuration file {0} does not exist")]
    MissingFile(String),
    /// A key has the wrong type, is unknown, or the TOML does not parse.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads the layered configuration (see the module docs) from `file` and the process environment.
    ///
    /// `explicit` says whether `file` was named by the user (then it must exist).
    ///
    /// # Errors
    /// [`ConfigError::MissingFile`] for a named file that is absent; [`ConfigError::Invalid`] for a
    /// parse error, a wrongly typed value or an unknown key, naming the key and its source.
    pub fn load(file: &Path, explicit: bool) -> Result<Self, ConfigError> {
        if explicit && !file.exists() {
            return Err(ConfigError::MissingFile(file.display().to_string()));
        }
        Figment::new()
            .merge(Toml::file(file))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
            )
            .merge(
                Env::raw()
                    .only(&["JWT_SECRET_KEY"])
                    .map(|_| "auth.jwt_secret".into()),
            )
            .merge(
                Env::raw()
                    .only(&["ALLOWED_ORIGINS"])
                    .map(|_| "cors.allowed_origins".into()),
            )
            // The upstream guide's names; `EBO_ENVIRONMENT` and `EBO_DEBUG` below win.
            .merge(
                Env::raw()
                    .only(&["ENVIRONMENT", "DEBUG"])
                    .map(|k| k.as_str().to_ascii_lowercase().into()),
            )
            .merge(Env::prefixed("EBO_").ignore(&["config"]).split("__"))
            .extract::<Settings>()
            .map_err(|e| {
                let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
                ConfigError::Invalid(all.join("; "))
            })
    }

    /// Every problem with this configuration, in plain words; empty means it may be used.
    ///
    /// Always checked: port/pool/timeouts are usable, the API prefix is a path, the database URL
    /// has a supported scheme. In production also: the JWT secret is at least
    /// [`MIN_PRODUCTION_SECRET_LEN`] characters and not the shipped default, `debug` is off,
    /// no CORS origin is `*`, and the database URL has no well-known default password.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let s = &self.server;
        if !s.api_prefix.starts_with('/') || s.api_prefix.ends_with('/') {
            out.push(format!(
                "server.api_prefix must start with '/' and not end with one (got {:?})",
                s.api_prefix
            ));
        }
        if let Some(url) = &self.redis.url
            && !url.starts_with("redis://")
        {
            out.push(format!(
                "redis.url must start with redis:// (got {:?})",
                redact_url(url)
            ));
        }
        if s.request_body_limit_bytes == 0 {
            out.push("server.request_body_limit_bytes must be greater than 0".into());
        }
        if s.header_read_timeout_secs == 0 {
            out.push("server.header_read_timeout_secs must be at least 1".into());
        }
        if s.max_connections == 0 {
            out.push("server.max_connections must be at least 1".into());
        }
        if s.max_header_bytes < MIN_HEADER_BYTES {
            out.push(format!(
                "server.max_header_bytes must be at least {MIN_HEADER_BYTES}"
            ));
        }
        if s.upload_body_limit_bytes < MIN_UPLOAD_BODY_LIMIT {
            out.push(format!(
                "server.upload_body_limit_bytes must be at least {MIN_UPLOAD_BODY_LIMIT} (16 MiB: real SavedVariables files grow to megabytes)"
            ));
        }
        for h in &s.allowed_hosts {
            let name = h.strip_prefix("*.").unwrap_or(h);
            if name.is_empty() || h.contains(['/', '@', ' ']) || name.contains('*') {
                out.push(format!(
                    "server.allowed_hosts entries must be host names such as api.example.com, api.example.com:8443 or *.example.com (got {h:?})"
                ));
            }
        }
        let m = &self.metrics;
        if m.token
            .as_ref()
            .is_some_and(|t| t.expose_secret().trim().is_empty())
        {
            out.push("metrics.token must not be empty (leave it unset for no token)".into());
        }
        if let Some(b) = m.bind.filter(|_| m.enabled)
            && b.port() != 0
            && b.port() == s.port
        {
            let host = s.host.parse::<IpAddr>().ok();
            let overlaps =
                host.is_none_or(|h| h == b.ip() || h.is_unspecified()) || b.ip().is_unspecified();
            if overlaps {
                out.push(format!(
                    "metrics.bind {b} overlaps the public listener {}:{}; pick another port or leave it unset",
                    s.host, s.port
                ));
            }
        }
        let d = &self.database;
        if crate::db::Dialect::from_url(&d.url).is_none() {
            out.push(format!(
                "database.url must start with postgres://, postgresql:// or sqlite:// (got {})",
                redact_url(&d.url)
            ));
        }
        if d.max_connections == 0 {
            out.push("database.max_connections must be at least 1".into());
        }
        if d.acquire_timeout_secs == 0
            || d.statement_timeout_secs == 0
            || d.client_timeout_secs == 0
        {
            out.push(
                "database.acquire_timeout_secs, statement_timeout_secs and client_timeout_secs must be at least 1"
                    .into(),
            );
        }
        let a = &self.auth;
        if a.access_token_ttl_secs <= 0 || a.refresh_token_ttl_secs <= a.access_token_ttl_secs {
            out.push("auth.access_token_ttl_secs must be positive and shorter than auth.refresh_token_ttl_secs".into());
        }
        if a.issuer.trim().is_empty() || a.audience.trim().is_empty() {
            out.push("auth.issuer and auth.audience must not be empty".into());
        }
        if !(0..=300).contains(&a.refresh_reuse_grace_secs) {
            out.push(format!(
                "auth.refresh_reuse_grace_secs must be between 0 and 300 (got {})",
                a.refresh_reuse_grace_secs
            ));
        }
        if !(4..=31).contains(&a.bcrypt_cost) {
            out.push(format!(
                "auth.bcrypt_cost must be between 4 and 31 (got {})",
                a.bcrypt_cost
            ));
        }
        if a.algorithm != JwtAlgorithm::HS256 {
            match &a.private_key_file {
                None => out.push(format!(
                    "auth.private_key_file is required for {:?}",
                    a.algorithm
                )),
                Some(f) if !Path::new(f).is_file() => {
                    out.push(format!("auth.private_key_file {f} does not exist"))
                }
                Some(_) => {}
            }
            if let Some(f) = &a.previous_private_key_file
                && !Path::new(f).is_file()
            {
                out.push(format!("auth.previous_private_key_file {f} does not exist"));
            }
        }
        let r = &self.rate_limit;
        if r.enabled
            && (r.auth_per_minute == 0 || r.refresh_per_minute == 0 || r.default_per_minute == 0)
        {
            out.push(
                "rate_limit.*_per_minute must be at least 1 (or set rate_limit.enabled = false)"
                    .into(),
            );
        }
        out.extend(
            self.email
                .problems(self.environment == Environment::Production),
        );
        if self.environment == Environment::Production {
            if a.bcrypt_cost < 10 {
                out.push(format!(
                    "auth.bcrypt_cost is {}; production needs at least 10",
                    a.bcrypt_cost
                ));
            }
            let secret = self.auth.jwt_secret.expose_secret();
            if a.algorithm != JwtAlgorithm::HS256 {
                // Asymmetric keys: the shared secret is unused.
            } else if secret == DEFAULT_JWT_SECRET {
                out.push(
                    "auth.jwt_secret is the shipped development default; set JWT_SECRET_KEY (or EBO_AUTH__JWT_SECRET) to a random value of at least 32 characters".into(),
                );
            } else if secret.chars().count() < MIN_PRODUCTION_SECRET_LEN {
                out.push(format!(
                    "auth.jwt_secret is {} characters long; production needs at least {MIN_PRODUCTION_SECRET_LEN}",
                    secret.chars().count()
                ));
            }
            if self.debug {
                out.push(
                    "debug must be false in production (it exposes internal error details)".into(),
                );
            }
            if self.cors.allowed_origins.iter().any(|o| o.trim() == "*") {
                out.push(
                    "cors.allowed_origins must list explicit origins in production, not '*'".into(),
                );
            }
            if let Some(pw) = url_password(&d.url)
                && DEFAULT_DB_PASSWORDS.contains(&pw.to_ascii_lowercase().as_str())
            {
                out.push(
                    "database.url uses a well-known default password; use a real credential".into(),
                );
            }
            if m.enabled && m.bind.is_none() && m.token.is_none() {
                out.push(
                    "metrics are served on the public listener without a token; set metrics.token (EBO_METRICS__TOKEN), or metrics.bind to a private address, or metrics.enabled = false".into(),
                );
            }
        }
        out
    }

    /// The effective configuration as TOML, secrets and database passwords redacted.
    ///
    /// # Errors
    /// Only if serialization fails, which the types here do not allow in practice.
    pub fn to_redacted_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }

    /// Whether internal error detail (a database's own message, say) may appear in 500
    /// responses: only with `debug = true`, whatever the environment; it is always logged.
    pub fn expose_internal_errors(&self) -> bool {
        self.debug
    }
}

/// The password part of a `scheme://user:password@host/...` URL, if any.
fn url_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    userinfo.split_once(':').map(|(_, pw)| pw)
}

/// `url` with its password replaced by `***`, safe to log or print.
pub fn redact_url(url: &str) -> String {
    match url_password(url) {
        Some(pw) if !pw.is_empty() => url.replacen(&format!(":{pw}@"), ":***@", 1),
        _ => url.to_owned(),
    }
}

fn serialize_redacted<S: Serializer>(_: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("[redacted]")
}

fn serialize_redacted_option<S: Serializer>(
    v: &Option<SecretString>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("[redacted]"),
        None => s.serialize_none(),
    }
}

fn serialize_redacted_url_option<S: Serializer>(
    url: &Option<String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match url {
        Some(u) => s.serialize_str(&redact_url(u)),
        None => s.serialize_none(),
    }
}

fn serialize_redacted_url<S: Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&redact_url(url))
}

/// Accepts a list or a comma-separated string (`ALLOWED_ORIGINS=https://a,https://b`).
fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Either::deserialize(d)? {
        Either::One(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        Either::Many(v) => v,
    })
}

/// Like [`string_or_list`], each entry an IP address (`10.1.2.3`, `::1`) or a CIDR block
/// (`10.0.0.0/8`); a single address becomes a one-address block.
fn ip_nets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    string_or_list(d)?
        .iter()
        .map(|s| {
            let s = s.trim();
            s.parse::<IpNet>()
                .map(|n| n.trunc())
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{s:?} is not an IP address or CIDR block (e.g. 10.0.0.0/8)"
                    ))
                })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Settings {
        let mut s = Settings {
            environment: Environment::Production,
            ..Settings::default()
        };
        s.auth.jwt_secret = SecretString::from("a".repeat(40));
        s.cors.allowed_origins = vec!["https://app.example.com".into()];
        s.metrics.token = Some(SecretString::from("b".repeat(40)));
        s.email.link_base_url = "https://app.example.com".into();
        s
    }

    #[test]
    fn defaults_are_valid_in_development() {
        assert_eq!(Settings::default().problems(), Vec::<String>::new());
    }

    #[test]
    fn good_production_config_has_no_problems() {
        assert_eq!(production().problems(), Vec::<String>::new());
    }

    #[test]
    fn production_reports_every_problem_at_once() {
        let mut s = production();
        s.auth.jwt_secret = SecretString::from(DEFAULT_JWT_SECRET);
        s.debug = true;
        s.cors.allowed_origins = vec!["*".into()];
        s.database.url = "postgres://postgres:postgres@db:5432/ebo".into();
        let p = s.problems();
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("jwt_secret"));
    }

    #[test]
    fn weak_bcrypt_cost_is_refused_in_production_only() {
        let mut s = production();
        s.auth.bcrypt_cost = 9;
        assert!(
            s.problems()[0].contains("bcrypt_cost is 9"),
            "{:?}",
            s.problems()
        );
        s.environment = Environment::Development;
        assert!(s.problems().is_empty());
    }

    #[test]
    fn asymmetric_algorithms_need_their_key_file() {
        let mut s = Settings::default();
        s.auth.algorithm = JwtAlgorithm::RS256;
        assert!(s.problems()[0].contains("private_key_file is required"));
        s.auth.private_key_file = Some("/nonexistent.pem".into());
        assert!(s.problems()[0].contains("does not exist"));
    }

    #[test]
    fn short_secret_is_refused_in_production() {
        let mut s = production();
        s.auth.jwt_secret = SecretString::from("short");
        assert!(s.problems()[0].contains("5 characters"));
    }

    #[test]
    fn public_metrics_need_a_token_in_production() {
        let mut s = production();
        s.metrics.token = None;
        let p = s.problems();
        assert!(p.len() == 1 && p[0].contains("metrics.token"), "{p:?}");
        s.metrics.bind = Some(SocketAddr::from(([10, 0, 0, 5], 9100)));
        assert!(
            s.problems().is_empty(),
            "a separate listener is the operator's network"
        );
        s.metrics.bind = None;
        s.metrics.enabled = false;
        assert!(s.problems().is_empty());
    }

    #[test]
    fn metrics_bind_must_not_overlap_the_public_listener() {
        let mut s = Settings::default();
        s.metrics.bind = Some(SocketAddr::from(([0, 0, 0, 0], 8000)));
        assert!(s.problems()[0].contains("overlaps"), "{:?}", s.problems());
        s.metrics.bind = Some(SocketAddr::from(([127, 0, 0, 1], 9100)));
        assert!(s.problems().is_empty());
        s.metrics.token = Some(SecretString::from(" "));
        assert!(s.problems()[0].contains("must not be empty"));
    }

    #[test]
    fn trusted_proxies_accept_addresses_and_blocks_as_a_list_or_a_string() {
        let s: Settings =
            toml::from_str("[server]\ntrusted_proxies = \"10.1.2.3/8, 127.0.0.1 ,::1\"").unwrap();
        let got: Vec<String> = s
            .server
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got, ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
        let s: Settings = toml::from_str("[server]\ntrusted_proxies = [\"192.0.2.0/24\"]").unwrap();
        assert_eq!(s.server.trusted_proxies.len(), 1);
        let err = toml::from_str::<Settings>("[server]\ntrusted_proxies = [\"proxy.local\"]")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("not an IP address or CIDR block"), "{err}");
    }

    #[test]
    fn allowed_hosts_must_be_host_names() {
        let mut s = Settings::default();
        s.server.allowed_hosts = vec!["api.example.com".into(), "*.example.com".into()];
        assert!(s.problems().is_empty());
        s.server.allowed_hosts = vec!["https://api.example.com/".into(), "a.*.com".into()];
        assert_eq!(s.problems().len(), 2, "{:?}", s.problems());
    }

    #[test]
    fn redaction_hides_passwords_and_secrets() {
        assert_eq!(
            redact_url("postgres://u:hunter2@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite://data/ebo.db"), "sqlite://data/ebo.db");
        let mut s = Settings::default();
        s.database.url = "postgres://u:hunter2@h/db".into();
        s.metrics.token = Some(SecretString::from("scrape-me-s3cret"));
        s.redis.url = Some("redis://:redis-pw-9@cache:6379/0".into());
        let text = s.to_redacted_toml().unwrap_or_default();
        assert!(
            !text.contains("hunter2")
                && !text.contains(DEFAULT_JWT_SECRET)
                && !text.contains("scrape-me-s3cret")
                && !text.contains("redis-pw-9"),
            "{text}"
        );
        assert!(text.contains("[redacted]"));
        assert!(text.contains("redis://:***@cache:6379/0"), "{text}");
    }

    #[test]
    fn a_redis_url_needs_the_redis_scheme() {
        let mut s = Settings::default();
        s.redis.url = Some("http://:pw@cache:6379".into());
        let p = s.problems();
        assert!(
            p.iter()
                .any(|m| m.contains("redis.url") && !m.contains("pw@")),
            "{p:?}"
        );
    }
}
