//! JWTs (jsonwebtoken): access and refresh tokens, signed with HS256 (`auth.jwt_secret`) or
//! with RS256/EdDSA PEM keys (then every token carries a `kid`, the previous key keeps
//! verifying during its rotation window, and [`JwtKeys::jwks`] publishes the public keys).
//!
//! Verification pins the configured algorithm (so an HS256 token "signed" with an RSA public
//! key is refused), requires `exp`, `iat`, `sub` and `jti`, checks `type`, and allows
//! [`LEEWAY_SECS`] of clock skew.

use chrono::{DateTime, Utc};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
    jwk::{Jwk, JwkSet},
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

use super::{Principal, Role, scope::Scopes};
use crate::config::{AuthSettings, JwtAlgorithm};

/// Clock skew tolerated when checking `exp`, in seconds.
pub const LEEWAY_SECS: u64 = 30;

/// Which kind of token a JWT is (claim `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    /// Short-lived, sent as `Authorization: Bearer`.
    Access,
    /// Long-lived, exchanged at `/auth/refresh`.
    Refresh,
}

/// Claims of an access token (API contract: `sub, exp, iat, jti, type, role`; plus `ver`, the
/// user's session version, and `fam`, the login chain it belongs to).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user's id.
    pub sub: Uuid,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Issue time, seconds since the Unix epoch.
    pub iat: i64,
    /// Unique token id (the logout denylist key).
    pub jti: String,
    /// Always `access`.
    #[serde(rename = "type")]
    pub typ: TokenType,
    /// The user's role at issue time.
    pub role: Role,
    /// The user's session version; bumped to end every session at once.
    #[serde(default)]
    pub ver: i64,
    /// The refresh-token family (login chain) this token was issued with.
    #[serde(default)]
    pub fam: Option<Uuid>,
    /// Granted scopes, space-delimited (RFC 9068 §2.2.3). A token issued before scopes existed
    /// has none and keeps its role's default scopes until it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Claims of a refresh token; `jti` is the id of its `refresh_tokens` row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshClaims {
    /// The user's id.
    pub sub: Uuid,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Issue time.
    pub iat: i64,
    /// The stored token's id.
    pub jti: Uuid,
    /// Always `refresh`.
    #[serde(rename = "type")]
    pub typ: TokenType,
    /// The login chain.
    pub fam: Uuid,
}

/// Why a token was refused (logged at debug; callers always see the same 401).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Bad signature, expired, malformed, wrong algorithm, missing claim.
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// A refresh token presented as an access token, or the reverse.
    #[error("wrong token type")]
    WrongType,
    /// A `kid` naming no accepted key.
    #[error("unknown key id")]
    UnknownKey,
}

/// Why keys could not be loaded at start.
#[derive(Debug, thiserror::Error)]
#[error("cannot load JWT key {file}: {reason}")]
pub struct KeyError {
    /// The file.
    pub file: String,
    /// What went wrong.
    pub reason: String,
}

struct VerifyKey {
    kid: Option<String>,
    key: DecodingKey,
    jwk: Option<Jwk>,
    valid_until: Option<DateTime<Utc>>,
}

/// Signing and verification keys derived from the configuration, with the `iss` and `aud`
/// every token carries and every verification requires (RFC 7519 §4.1.1, §4.1.3).
pub struct JwtKeys {
    alg: Algorithm,
    kid: Option<String>,
    encoding: EncodingKey,
    verify: Vec<VerifyKey>,
    issuer: String,
    audience: String,
    /// What every verification requires, built once: it holds hash sets of claim names.
    validation: Validation,
}

/// Claims as signed: the token's own, plus `iss` and `aud`.
#[derive(Serialize)]
struct Signed<'a, C> {
    #[serde(flatten)]
    claims: &'a C,
    iss: &'a str,
    aud: &'a str,
}

/// What a token must carry to verify: `alg` only, the registered claims we issue, our `iss`
/// and `aud`, and [`LEEWAY_SECS`] of clock skew.
fn validation(alg: Algorithm, issuer: &str, audience: &str) -> Validation {
    let mut validation = Validation::new(alg);
    validation.algorithms = vec![alg];
    validation.set_required_spec_claims(&["exp", "iat", "sub", "jti", "iss", "aud"]);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.leeway = LEEWAY_SECS;
    validation
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwtKeys({:?}, [redacted])", self.alg)
    }
}

fn read_key(file: &str, alg: Algorithm) -> Result<(EncodingKey, DecodingKey, Jwk), KeyError> {
    let err = |reason: String| KeyError {
        file: file.to_owned(),
        reason,
    };
    let pem = std::fs::read(file).map_err(|e| err(e.to_string()))?;
    let encoding = match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem),
        _ => EncodingKey::from_ed_pem(&pem),
    }
    .map_err(|e| err(e.to_string()))?;
    let jwk = Jwk::from_encoding_key(&encoding, alg).map_err(|e| err(e.to_string()))?;
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| err(e.to_string()))?;
    Ok((encoding, decoding, jwk))
}

impl JwtKeys {
    /// Keys for the configured algorithm.
    ///
    /// # Errors
    /// [`KeyError`] when a configured PEM file is missing or not a key of that algorithm.
    pub fn from_settings(auth: &AuthSettings) -> Result<Self, KeyError> {
        let (issuer, audience) = (auth.issuer.clone(), auth.audience.clone());
        match auth.algorithm {
            JwtAlgorithm::HS256 => {
                let secret = auth.jwt_secret.expose_secret().as_bytes();
                Ok(Self {
                    alg: Algorithm::HS256,
                    kid: None,
                    encoding: EncodingKey::from_secret(secret),
                    verify: vec![VerifyKey {
                        kid: None,
                        key: DecodingKey::from_secret(secret),
                        jwk: None,
                        valid_until: None,
                    }],
                    validation: validation(Algorithm::HS256, &issuer, &audience),
                    issuer,
                    audience,
                })
            }
            other => {
                let alg = if other == JwtAlgorithm::RS256 {
                    Algorithm::RS256
                } else {
                    Algorithm::EdDSA
                };
                let file = auth.private_key_file.as_deref().ok_or_else(|| KeyError {
                    file: "(none)".into(),
                    reason: "auth.private_key_file is required".into(),
                })?;
                let (encoding, decoding, mut jwk) = read_key(file, alg)?;
                jwk.common.key_id = Some(auth.key_id.clone());
                let mut verify = vec![VerifyKey {
                    kid: Some(auth.key_id.clone()),
                    key: decoding,
                    jwk: Some(jwk),
                    valid_until: None,
                }];
                if let Some(prev) = &auth.previous_private_key_file {
                    let (_, decoding, mut jwk) = read_key(prev, alg)?;
                    jwk.common.key_id = Some(auth.previous_key_id.clone());
                    verify.push(VerifyKey {
                        kid: Some(auth.previous_key_id.clone()),
                        key: decoding,
                        jwk: Some(jwk),
                        valid_until: auth.previous_key_valid_until,
                    });
                }
                Ok(Self {
                    alg,
                    kid: Some(auth.key_id.clone()),
                    encoding,
                    verify,
                    validation: validation(alg, &issuer, &audience),
                    issuer,
                    audience,
                })
            }
        }
    }

    /// The public keys as a JWK Set (`None` for HS256, whose key is secret).
    pub fn jwks(&self) -> Option<JwkSet> {
        if self.alg == Algorithm::HS256 {
            return None;
        }
        let now = Utc::now();
        let keys = self
            .verify
            .iter()
            .filter(|k| k.valid_until.is_none_or(|t| t > now))
            .filter_map(|k| k.jwk.clone())
            .collect();
        Some(JwkSet { keys })
    }

    fn sign<C: Serialize>(&self, claims: &C) -> Result<String, TokenError> {
        let mut header = Header::new(self.alg);
        header.kid = self.kid.clone();
        let signed = Signed {
            claims,
            iss: &self.issuer,
            aud: &self.audience,
        };
        Ok(encode(&header, &signed, &self.encoding)?)
    }

    fn verify<C: DeserializeOwned>(&self, token: &str) -> Result<C, TokenError> {
        self.verify_with_key_window(token).map(|(claims, _)| claims)
    }

    /// [`JwtKeys::verify`], with when the key that verified the token stops being accepted
    /// (`None`: never).
    fn verify_with_key_window<C: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<(C, Option<DateTime<Utc>>), TokenError> {
        let now = Utc::now();
        let mut valid = self
            .verify
            .iter()
            .filter(|k| k.valid_until.is_none_or(|t| t > now));
        let key = match self.verify.as_slice() {
            // One key without an id (HS256): the header has nothing to choose by; `decode`
            // still checks its algorithm.
            [only] if only.kid.is_none() => valid.next(),
            _ => {
                let header = decode_header(token)?;
                valid.find(|k| k.kid.is_none() || k.kid == header.kid)
            }
        }
        .ok_or(TokenError::UnknownKey)?;
        let claims = decode::<C>(token, &key.key, &self.validation)?.claims;
        Ok((claims, key.valid_until))
    }

    /// Issues an access token valid `ttl_secs` seconds, with the role's default scopes
    /// ([`Scopes::default_for`]); returns it with its claims.
    ///
    /// # Errors
    /// Only if signing fails.
    pub fn issue_access(
        &self,
        user_id: Uuid,
        role: Role,
        ver: i64,
        fam: Option<Uuid>,
        ttl_secs: i64,
    ) -> Result<(String, AccessClaims), TokenError> {
        let now = Utc::now().timestamp();
        let claims = AccessClaims {
            sub: user_id,
            exp: now + ttl_secs,
            iat: now,
            jti: Uuid::new_v4().to_string(),
            typ: TokenType::Access,
            role,
            ver,
            fam,
            scope: Some(Scopes::default_for(role).to_string()),
        };
        Ok((self.sign(&claims)?, claims))
    }

    /// Signs `claims` as they are: the same claims give the same token (every supported
    /// algorithm signs deterministically), which is how a retried refresh gets its pair again.
    ///
    /// # Errors
    /// Only if signing fails.
    pub fn sign_access(&self, claims: &AccessClaims) -> Result<String, TokenError> {
        self.sign(claims)
    }

    /// Issues a refresh token for the stored token `id` in family `fam`, issued at `issued`
    /// (the same arguments give the same token).
    ///
    /// # Errors
    /// Only if signing fails.
    pub fn issue_refresh(
        &self,
        user_id: Uuid,
        id: Uuid,
        fam: Uuid,
        expires: DateTime<Utc>,
        issued: DateTime<Utc>,
    ) -> Result<String, TokenError> {
        let claims = RefreshClaims {
            sub: user_id,
            exp: expires.timestamp(),
            iat: issued.timestamp(),
            jti: id,
            typ: TokenType::Refresh,
            fam,
        };
        self.sign(&claims)
    }

    /// Verifies an access token's signature, expiry and type.
    ///
    /// # Errors
    /// [`TokenError`] for anything invalid.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        self.verify_access_with_key_window(token)
            .map(|(claims, _)| claims)
    }

    /// [`JwtKeys::verify_access`], with when the key that verified the token stops being
    /// accepted (`None`: never), for [`super::verified::VerifiedTokens`].
    ///
    /// # Errors
    /// [`TokenError`] for anything invalid.
    pub fn verify_access_with_key_window(
        &self,
        token: &str,
    ) -> Result<(AccessClaims, Option<DateTime<Utc>>), TokenError> {
        let (claims, key_until): (AccessClaims, _) = self.verify_with_key_window(token)?;
        if claims.typ != TokenType::Access {
            return Err(TokenError::WrongType);
        }
        Ok((claims, key_until))
    }

    /// Verifies a refresh token's signature, expiry and type.
    ///
    /// # Errors
    /// [`TokenError`] for anything invalid.
    pub fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, TokenError> {
        let claims: RefreshClaims = self.verify(token).map_err(|e| match e {
            TokenError::Invalid(inner) if inner.to_string().contains("missing field") => {
                TokenError::WrongType
            }
            other => other,
        })?;
        if claims.typ != TokenType::Refresh {
            return Err(TokenError::WrongType);
        }
        Ok(claims)
    }
}

impl AccessClaims {
    /// The granted scopes; an unknown word grants nothing (fail closed).
    pub fn scopes(&self) -> Scopes {
        match &self.scope {
            None => Scopes::default_for(self.role),
            Some(list) => Scopes::parse(list).unwrap_or_default(),
        }
    }

    /// The caller these claims describe.
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.sub,
            role: self.role,
            jti: self.jti.clone(),
            family: self.fam,
            expires_at: self.exp,
            scopes: self.scopes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> JwtKeys {
        let auth = AuthSettings {
            jwt_secret: secret.to_owned().into(),
            ..Default::default()
        };
        JwtKeys::from_settings(&auth).unwrap()
    }

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let k = keys(&"s".repeat(40));
        let id = Uuid::new_v4();
        let (t, _) = k.issue_access(id, Role::Admin, 3, None, 60).unwrap();
        let c = k.verify_access(&t).unwrap();
        assert_eq!((c.sub, c.role, c.ver), (id, Role::Admin, 3));
    }

    #[test]
    fn tokens_carry_iss_and_aud_and_another_issuer_or_audience_is_refused() {
        let secret = "s".repeat(40);
        let k = keys(&secret);
        let (t, _) = k
            .issue_access(Uuid::new_v4(), Role::User, 0, None, 60)
            .unwrap();
        let mut any_audience = Validation::new(Algorithm::HS256);
        any_audience.validate_aud = false;
        let raw = decode::<serde_json::Value>(
            &t,
            &DecodingKey::from_secret(secret.as_bytes()),
            &any_audience,
        )
        .unwrap()
        .claims;
        assert_eq!(
            (&raw["iss"], &raw["aud"]),
            (&"ebo".into(), &"ebo-api".into())
        );
        for (issuer, audience) in [("other", "ebo-api"), ("ebo", "other-api")] {
            let other = JwtKeys::from_settings(&AuthSettings {
                jwt_secret: secret.clone().into(),
                issuer: issuer.into(),
                audience: audience.into(),
                ..Default::default()
            })
            .unwrap();
            assert!(other.verify_access(&t).is_err(), "{issuer} / {audience}");
        }
    }

    #[test]
    fn expired_foreign_and_wrong_type_tokens_are_refused() {
        let k = keys(&"a".repeat(40));
        let (expired, _) = k
            .issue_access(Uuid::new_v4(), Role::User, 0, None, -120)
            .unwrap();
        assert!(k.verify_access(&expired).is_err());
        let (other, _) = keys(&"b".repeat(40))
            .issue_access(Uuid::new_v4(), Role::User, 0, None, 60)
            .unwrap();
        assert!(k.verify_access(&other).is_err());
        assert!(k.verify_access("not.a.jwt").is_err());
        let refresh = k
            .issue_refresh(
                Uuid::new_v4(),
                Uuid::new_v4(),
                Uuid::new_v4(),
                Utc::now() + chrono::Duration::hours(1),
                Utc::now(),
            )
            .unwrap();
        assert!(matches!(
            k.verify_access(&refresh),
            Err(TokenError::WrongType) | Err(TokenError::Invalid(_))
        ));
        let (access, _) = k
            .issue_access(Uuid::new_v4(), Role::User, 0, None, 60)
            .unwrap();
        assert!(k.verify_refresh(&access).is_err());
    }
}
