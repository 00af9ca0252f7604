//! Sessions: issuing token pairs, refresh rotation with reuse detection, logout, ending every
//! session of a user, the access-token denylist and the per-user auth state cache.
//!
//! A logout is recorded in the database (`revoked_tokens`), the record that holds across
//! restarts and Redis outages. With `[redis]`, logouts and user-state changes are also
//! announced over [`crate::cluster::bus`], so other instances refuse the token and drop their
//! cached state at once, without asking the database; an instance that may have missed an
//! announcement (restarted since the token was issued, or its subscription broke) asks the
//! record instead.

mod rotation;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use moka::{Expiry, future::Cache};
use uuid::Uuid;

use super::{
    Role,
    models::User,
    password::PasswordHasher,
    store,
    token::{AccessClaims, JwtKeys, KeyError, TokenError},
    verified::VerifiedTokens,
};
use crate::{
    cluster::{
        Cluster,
        bus::{self, Invalidate, Invalidation},
    },
    config::AuthSettings,
    db::Db,
    error::{AppError, DbErrorKind, classify_db_error},
    model::{column::truncate_to_millis, crud, write::settle},
};

/// A user's state as far as authentication cares.
#[derive(Debug, Clone, Copy)]
pub struct UserAuth {
    /// Current role (wins over the token's).
    pub role: Role,
    /// Disabled accounts' tokens are refused.
    pub is_active: bool,
    /// Tokens with another `ver` are refused.
    pub token_version: i64,
    /// Whether the email address was confirmed (`auth.require_verified_email`).
    pub is_verified: bool,
}

/// A freshly issued access + refresh token pair.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// Access-token lifetime, seconds.
    pub expires_in: i64,
    /// Refresh-token lifetime, seconds.
    pub refresh_expires_in: i64,
    /// The granted scopes, space-delimited.
    pub scope: String,
}

/// Why a refresh was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// Invalid, expired, revoked or unknown token; or the user is gone or disabled.
    #[error("invalid refresh token")]
    Invalid,
    /// An already-rotated token was presented: its whole family was revoked.
    #[error("refresh token reuse detected; the login chain was revoked")]
    Reused,
    /// A database error.
    #[error(transparent)]
    App(#[from] AppError),
}

struct UntilExpiry;

impl Expiry<String, Instant> for UntilExpiry {
    fn expire_after_create(
        &self,
        _key: &String,
        until: &Instant,
        now: Instant,
    ) -> Option<Duration> {
        Some(until.saturating_duration_since(now))
    }
}

/// Keys, hashing and the per-instance session caches.
pub struct AuthState {
    /// JWT keys.
    pub keys: JwtKeys,
    /// Access tokens that verified with [`AuthState::keys`] ([`AuthState::verify_access`]).
    verified: VerifiedTokens,
    /// bcrypt on a bounded pool.
    pub hasher: PasswordHasher,
    /// Token lifetimes and cost.
    pub settings: AuthSettings,
    denylist: Cache<String, Instant>,
    /// Tokens the database record said were not revoked, trusted for [`RECHECK_AFTER`].
    not_revoked: Cache<String, ()>,
    /// When this instance started (Unix seconds): tokens issued before may have been logged
    /// out while it was not running.
    started_at: i64,
    users: Cache<Uuid, Option<UserAuth>>,
    /// The last state read from the database, kept [`LAST_KNOWN_TTL`] for database outages.
    last_known: Cache<Uuid, Option<UserAuth>>,
    cluster: Option<Arc<Cluster>>,
}

/// How long a user's last state read from the database may stand in for it while the
/// database is unreachable, so signed-in users keep reading cached data (features) through a
/// short outage. Changes made here still take effect at once: they invalidate both caches.
pub const LAST_KNOWN_TTL: Duration = Duration::from_secs(600);

/// How long the database's "not logged out" answer for a token stands, when this instance may
/// have missed a logout event (see [`AuthState::is_denied`]): a logout on another instance
/// during a Redis outage is refused here within this time.
pub const RECHECK_AFTER: Duration = Duration::from_secs(1);

impl std::fmt::Debug for AuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthState")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl AuthState {
    /// Builds the state from `[auth]`.
    ///
    /// # Errors
    /// [`KeyError`] when configured key files cannot be loaded.
    pub fn new(settings: &AuthSettings) -> Result<Self, KeyError> {
        Ok(Self {
            keys: JwtKeys::from_settings(settings)?,
            verified: VerifiedTokens::default(),
            hasher: PasswordHasher::new(settings.bcrypt_cost),
            settings: settings.clone(),
            denylist: Cache::builder()
                .max_capacity(1_000_000)
                .expire_after(UntilExpiry)
                .build(),
            not_revoked: Cache::builder()
                .max_capacity(1_000_000)
                .time_to_live(RECHECK_AFTER)
                .build(),
            started_at: Utc::now().timestamp(),
            users: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(30))
                .build(),
            last_known: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(LAST_KNOWN_TTL)
                .build(),
            cluster: None,
        })
    }

    /// The claims of access token `token` ([`JwtKeys::verify_access`]), from memory when the
    /// same token verified before and its verification still holds ([`VerifiedTokens`]).
    ///
    /// # Errors
    /// [`TokenError`] for anything invalid.
    pub async fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        self.verified.verify_access(&self.keys, token).await
    }

    /// This state, sharing the denylist and user-state invalidations through `cluster`.
    #[must_use]
    pub fn with_cluster(mut self, cluster: Option<Arc<Cluster>>) -> Self {
        self.cluster = cluster;
        self
    }

    /// Logs out the access token `jti` (expiring at `exp`, Unix seconds): recorded in the
    /// database (the record every instance and every restart trusts), refused here at once, and
    /// announced over Redis so other instances refuse it without asking the database.
    ///
    /// # Errors
    /// Database errors: a logout that cannot be recorded is not reported as done.
    pub async fn deny(&self, db: &Db, jti: &str, exp: i64) -> Result<(), AppError> {
        let expires_at = chrono::DateTime::from_timestamp(exp, 0).unwrap_or_else(Utc::now)
            + chrono::Duration::seconds(60);
        store::record_revoked_token(db, jti, expires_at).await?;
        self.deny_locally(jti, exp).await;
        if let Some(c) = &self.cluster {
            bus::publish(c, DENY_TOPIC, &format!("{exp}:{jti}")).await;
        }
        Ok(())
    }

    /// Refuses `jti` in this instance only (see [`AuthState::deny`]).
    pub async fn deny_locally(&self, jti: &str, exp: i64) {
        self.denylist
            .insert(
                jti.to_owned(),
                Instant::now() + Duration::from_secs(deny_secs(exp)),
            )
            .await;
    }

    /// Whether `jti` (issued at Unix second `iat`) was logged out.
    ///
    /// The local denylist answers when this instance cannot have missed the logout: it was
    /// running when the token was issued and (with Redis) its subscription has listened
    /// without a break since then. Otherwise (a restart, a Redis outage) the database record
    /// answers, and a "not revoked" answer is trusted for [`RECHECK_AFTER`] at most, so a
    /// logout on another instance during a Redis outage counts here within that time.
    ///
    /// # Errors
    /// Database errors when the record must be asked and cannot be.
    pub async fn is_denied(&self, db: &Db, jti: &str, iat: i64) -> Result<bool, AppError> {
        if self.denylist.get(jti).await.is_some() {
            return Ok(true);
        }
        let heard_everything = match &self.cluster {
            Some(c) => c.heard_everything_since(iat),
            None => iat >= self.started_at,
        };
        if heard_everything || self.not_revoked.get(jti).await.is_some() {
            return Ok(false);
        }
        match store::revoked_token(db, jti).await? {
            Some(r) => {
                self.deny_locally(jti, r.expires_at.timestamp() - 60).await;
                Ok(true)
            }
            None => {
                self.not_revoked.insert(jti.to_owned(), ()).await;
                Ok(false)
            }
        }
    }

    /// The user's auth state, cached for 30 s (invalidated on every change made here or, through
    /// the bus, on another instance; not trusted while the bus is down). While
    /// the database is unreachable, the last state read in the past [`LAST_KNOWN_TTL`] stands
    /// in for it.
    ///
    /// # Errors
    /// Database errors (when no last-known state exists for an unreachable database).
    pub async fn user_auth(&self, db: &Db, id: Uuid) -> Result<Option<UserAuth>, AppError> {
        // Without a listening subscription, a change made on another instance would not drop
        // the entry: the database answers instead until the bus is back.
        let bus_up = self
            .cluster
            .as_ref()
            .is_none_or(|c| c.heard_everything_since(Utc::now().timestamp()));
        if bus_up && let Some(hit) = self.users.get(&id).await {
            return Ok(hit);
        }
        let state = match store::user_by_id(db, id).await {
            Ok(user) => user.map(|u| UserAuth {
                role: u.role,
                is_active: u.is_active,
                token_version: u.token_version,
                is_verified: u.is_verified,
            }),
            Err(AppError::Db(e))
                if classify_db_error(&e.to_string()) == DbErrorKind::Unavailable =>
            {
                return match self.last_known.get(&id).await {
                    Some(known) => Ok(known),
                    None => Err(AppError::Db(e)),
                };
            }
            Err(e) => return Err(e),
        };
        self.users.insert(id, state).await;
        self.last_known.insert(id, state).await;
        Ok(state)
    }

    /// Forgets the cached state of `id` after a change, here and (through Redis) on every
    /// instance.
    pub async fn forget_user(&self, id: Uuid) {
        self.drop_user(id).await;
        if let Some(c) = &self.cluster {
            bus::publish(c, USER_TOPIC, &id.to_string()).await;
        }
    }

    /// Forgets the cached state of `id` in this instance only.
    pub async fn drop_user(&self, id: Uuid) {
        self.users.invalidate(&id).await;
        self.last_known.invalidate(&id).await;
    }

    /// Forgets every cached user state in this instance.
    pub fn drop_all_users(&self) {
        self.users.invalidate_all();
        self.last_known.invalidate_all();
    }

    /// Ends every session of `user`: bumps its session version (every access token is refused
    /// at once) and revokes every refresh token.
    ///
    /// # Errors
    /// Database errors.
    pub async fn end_all_sessions(&self, db: &Db, user: &mut User) -> Result<(), AppError> {
        let tx = db.begin_write().await?;
        let done = async {
            end_sessions_with(&tx, db.dialect, user).await?;
            user.updated_at = truncate_to_millis(Utc::now());
            crud::update_with(&tx, db.dialect, user).await?;
            Ok::<_, AppError>(())
        }
        .await;
        settle(tx, done).await?;
        self.forget_user(user.id).await;
        Ok(())
    }
}

/// Ends every session of `user` through `exec` (a transaction): bumps its session version, so
/// every access token is refused, and revokes every refresh token. The caller writes the row in
/// the same transaction, then drops the cached account ([`AuthState::forget_user`]).
///
/// # Errors
/// Database errors.
pub async fn end_sessions_with(
    exec: &dyn rbatis::executor::Executor,
    dialect: crate::db::Dialect,
    user: &mut User,
) -> Result<(), AppError> {
    user.token_version += 1;
    store::revoke_user_tokens_with(exec, dialect, user.id).await?;
    Ok(())
}

/// Seconds a logged-out token stays refused: its remaining life plus a minute of clock skew.
fn deny_secs(exp: i64) -> u64 {
    u64::try_from(exp - Utc::now().timestamp() + 60).unwrap_or(0)
}

/// Shared handle.
pub type SharedAuth = Arc<AuthState>;

/// Where a login or refresh came from, kept with the refresh token it issues
/// (`GET /auth/sessions`).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The `User-Agent` header, at most 256 characters.
    pub user_agent: Option<String>,
    /// The client's address (trusted proxies applied).
    pub ip: Option<String>,
}

/// Bus topic of a change to a user's role, activity or session version (key: the user id).
pub const USER_TOPIC: &str = "user";
/// Bus topic of a logout (key: `<exp>:<jti>`, the token's expiry in Unix seconds and its id).
pub const DENY_TOPIC: &str = "deny";

impl Invalidate for AuthState {
    fn topics(&self) -> &'static [&'static str] {
        &[USER_TOPIC, DENY_TOPIC]
    }

    fn invalidate<'a>(&'a self, topic: &'a str, key: &'a str) -> Invalidation<'a> {
        Box::pin(async move {
            match topic {
                USER_TOPIC => {
                    if let Ok(id) = key.parse() {
                        self.drop_user(id).await;
                    }
                }
                _ => {
                    if let Some((exp, jti)) = key.split_once(':')
                        && let Ok(exp) = exp.parse()
                    {
                        self.deny_locally(jti, exp).await;
                    }
                }
            }
        })
    }

    /// Cached user states go; the denylist stays (a logout must hold).
    fn drop_all(&self) {
        self.drop_all_users();
    }
}
