//! Access tokens that already verified, remembered by their text so a client's next request
//! skips the signature and claim checks (base64, two JSON documents and the signature: about
//! 5 % of a `GET /runs` page's CPU with HS256, far more with EdDSA).
//!
//! A remembered token is accepted only while its verification would still pass: until its
//! `exp` plus [`LEEWAY_SECS`] (as `jsonwebtoken` checks it) and while the key that verified it
//! is accepted (a previous key's window, `[auth] previous_key_valid_until`). The same text
//! always verifies the same way otherwise: the claims are signed, and the keys do not change
//! while the process runs. Logout, session ends and user state are checked after this, on
//! every request, as before ([`super::security`]).

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use moka::future::Cache;

use super::token::{AccessClaims, JwtKeys, LEEWAY_SECS, TokenError};

/// Largest number of tokens remembered (each about half a KiB with its claims).
const CAPACITY: u64 = 10_000;
/// How long a token is remembered at most; its own limits usually end it sooner.
const TTL: Duration = Duration::from_secs(600);

/// An access token's verified claims and how long that verification holds.
#[derive(Debug)]
struct Verified {
    claims: AccessClaims,
    /// `exp` plus [`LEEWAY_SECS`] (Unix seconds): refused after this second.
    exp_limit: i64,
    /// When the verifying key stops being accepted (`None`: never).
    key_until: Option<DateTime<Utc>>,
}

impl Verified {
    /// Whether verifying the token at `now` would still pass.
    fn holds_at(&self, now: DateTime<Utc>) -> bool {
        now.timestamp() <= self.exp_limit && self.key_until.is_none_or(|t| t > now)
    }
}

/// The per-instance memory of verified access tokens.
#[derive(Debug)]
pub struct VerifiedTokens {
    cache: Cache<String, Arc<Verified>>,
}

impl Default for VerifiedTokens {
    fn default() -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
        }
    }
}

impl VerifiedTokens {
    /// The claims of access token `token`, as [`JwtKeys::verify_access`] gives them, from
    /// memory when the same text verified before and still would.
    ///
    /// # Errors
    /// [`TokenError`] for anything invalid (the token is then forgotten).
    pub async fn verify_access(
        &self,
        keys: &JwtKeys,
        token: &str,
    ) -> Result<AccessClaims, TokenError> {
        let now = Utc::now();
        if let Some(v) = self.cache.get(token).await
            && v.holds_at(now)
        {
            return Ok(v.claims.clone());
        }
        match keys.verify_access_with_key_window(token) {
            Ok((claims, key_until)) => {
                let verified = Verified {
                    exp_limit: claims.exp.saturating_add_unsigned(LEEWAY_SECS),
                    key_until,
                    claims: claims.clone(),
                };
                self.cache
                    .insert(token.to_owned(), Arc::new(verified))
                    .await;
                Ok(claims)
            }
            Err(e) => {
                self.cache.invalidate(token).await;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(exp_limit: i64, key_until: Option<DateTime<Utc>>) -> Verified {
        Verified {
            claims: AccessClaims {
                sub: uuid::Uuid::nil(),
                exp: exp_limit,
                iat: 0,
                jti: "j".into(),
                typ: super::super::token::TokenType::Access,
                role: super::super::Role::User,
                ver: 0,
                fam: None,
                scope: None,
            },
            exp_limit,
            key_until,
        }
    }

    #[test]
    fn a_remembered_token_holds_through_its_last_second_and_its_keys_window_only() {
        let now = Utc::now();
        let t = now.timestamp();
        assert!(verified(t, None).holds_at(now), "the last accepted second");
        assert!(!verified(t - 1, None).holds_at(now), "past exp + leeway");
        let later = now + chrono::Duration::seconds(5);
        assert!(verified(t + 60, Some(later)).holds_at(now));
        assert!(
            !verified(t + 60, Some(now)).holds_at(now),
            "a key is accepted only before its valid_until, as JwtKeys::verify checks it"
        );
    }
}
