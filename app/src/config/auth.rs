//! `[auth]` (tokens, signing keys, passwords) and `[rate_limit]` (requests per minute).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::fields::serialize_redacted;

/// The JWT secret shipped for local development; refused in production.
pub const DEFAULT_JWT_SECRET: &str = "dev-only-insecure-jwt-secret-change-me";
/// Minimum length of the JWT secret in production (HS256 key of at least 256 bits).
pub const MIN_PRODUCTION_SECRET_LEN: usize = 32;

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
