//! Access tokens (JWT, HS256 with `auth.jwt_secret`): issue and verify.
//!
//! Verification pins the algorithm, requires `exp`, `iat`, `sub` and `jti`, checks
//! `type == "access"`, and allows 30 s of clock leeway.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Principal, Role};
use crate::config::AuthSettings;

/// Clock skew tolerated when checking `exp`, in seconds.
pub const LEEWAY_SECS: u64 = 30;
/// Default access-token lifetime, in seconds (15 minutes).
pub const ACCESS_TTL_SECS: i64 = 15 * 60;

/// Which kind of token a JWT is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    /// Short-lived, sent as `Authorization: Bearer`.
    Access,
    /// Long-lived, exchanged at `/auth/refresh`.
    Refresh,
}

/// The claims of an access token (API contract: `sub, exp, iat, jti, type, role`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user's id.
    pub sub: Uuid,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Issue time, seconds since the Unix epoch.
    pub iat: i64,
    /// Unique token id.
    pub jti: String,
    /// Always `access` for these.
    #[serde(rename = "type")]
    pub typ: TokenType,
    /// The user's role.
    pub role: Role,
}

/// Signing and verification keys derived from the configuration.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys([redacted])")
    }
}

/// Why a token was refused (logged at debug; the caller always sees the same 401).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Bad signature, expired, malformed, wrong algorithm, missing claim.
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// A refresh token presented as an access token (or the reverse).
    #[error("wrong token type")]
    WrongType,
}

impl JwtKeys {
    /// Keys for HS256 with the configured secret.
    pub fn from_settings(auth: &AuthSettings) -> Self {
        let secret = auth.jwt_secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "jti"]);
        validation.leeway = LEEWAY_SECS;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Issues an access token for `user_id` with `role`, valid `ttl_secs` seconds.
    ///
    /// # Errors
    /// Only if signing fails (not expected with HMAC keys).
    pub fn issue_access(
        &self,
        user_id: Uuid,
        role: Role,
        ttl_secs: i64,
    ) -> Result<String, TokenError> {
        let now = Utc::now().timestamp();
        let claims = AccessClaims {
            sub: user_id,
            exp: now + ttl_secs,
            iat: now,
            jti: Uuid::new_v4().to_string(),
            typ: TokenType::Access,
            role,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies an access token and returns the caller.
    ///
    /// # Errors
    /// [`TokenError`] for any invalid, expired or non-access token.
    pub fn verify_access(&self, token: &str) -> Result<Principal, TokenError> {
        let claims = decode::<AccessClaims>(token, &self.decoding, &self.validation)?.claims;
        if claims.typ != TokenType::Access {
            return Err(TokenError::WrongType);
        }
        Ok(Principal {
            user_id: claims.sub,
            role: claims.role,
            jti: claims.jti,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::from_settings(&AuthSettings {
            jwt_secret: secret.to_owned().into(),
        })
    }

    #[test]
    fn issued_tokens_verify_and_carry_the_principal() {
        let k = keys("s".repeat(40).as_str());
        let id = Uuid::new_v4();
        let p = k
            .verify_access(&k.issue_access(id, Role::Admin, 60).unwrap())
            .unwrap();
        assert_eq!((p.user_id, p.role), (id, Role::Admin));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_are_refused() {
        let k = keys("a".repeat(40).as_str());
        let expired = k.issue_access(Uuid::new_v4(), Role::User, -120).unwrap();
        assert!(k.verify_access(&expired).is_err());
        let other = keys("b".repeat(40).as_str())
            .issue_access(Uuid::new_v4(), Role::User, 60)
            .unwrap();
        assert!(k.verify_access(&other).is_err());
        assert!(k.verify_access("not.a.jwt").is_err());
    }
}
