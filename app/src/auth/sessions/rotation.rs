//! Issuing token pairs and refresh-token rotation: a pair is derived from its stored refresh
//! row alone, so a retried refresh within the grace period answers the same pair, and a
//! replay after it revokes the login chain (RFC 6819 §5.2.2.3).

use chrono::Utc;
use uuid::Uuid;

use super::{AuthState, ClientInfo, RefreshError, TokenPair};
use crate::{
    auth::{
        models::{RefreshToken, User},
        scope::Scopes,
        store,
        token::{AccessClaims, TokenError, TokenType},
    },
    db::Db,
    error::AppError,
    model::{column::truncate_to_millis, crud, write::settle},
};

impl AuthState {
    /// Issues the pair of a new login of `user` from `client` granted `scopes`, storing the
    /// refresh token's hash.
    ///
    /// # Errors
    /// Signing or database errors.
    pub async fn issue_pair(
        &self,
        db: &Db,
        user: &User,
        client: &ClientInfo,
        scopes: Scopes,
    ) -> Result<TokenPair, AppError> {
        let mut row = self.new_refresh_row(user, Uuid::new_v4(), client, scopes);
        let pair = self.sign_pair(user, &row)?;
        row.token_hash = store::token_hash(&pair.refresh_token);
        crud::insert(db, &row).await?;
        Ok(pair)
    }

    /// The stored form of a new refresh token of `user` in `family` granted `scopes`, its hash
    /// still empty (filled once the token is signed).
    fn new_refresh_row(
        &self,
        user: &User,
        family: Uuid,
        client: &ClientInfo,
        scopes: Scopes,
    ) -> RefreshToken {
        let now = truncate_to_millis(Utc::now());
        RefreshToken {
            id: Uuid::new_v4(),
            user_id: user.id,
            family_id: family,
            token_hash: String::new(),
            expires_at: now + chrono::Duration::seconds(self.settings.refresh_token_ttl_secs),
            revoked_at: None,
            replaced_by: None,
            created_at: now,
            user_agent: client.user_agent.clone(),
            ip: client.ip.clone(),
            scope: scopes.to_string(),
        }
    }

    /// The pair of the stored refresh token `row`, derived from it alone: signing it again
    /// gives the same two tokens (the access token's `jti` is the refresh token's id, its
    /// `iat` the row's creation). Fills `row.token_hash` when it is empty.
    fn sign_pair(&self, user: &User, row: &RefreshToken) -> Result<TokenPair, AppError> {
        let sign = |e: TokenError| AppError::Internal(anyhow::anyhow!(e));
        let refresh_token = self
            .keys
            .issue_refresh(
                user.id,
                row.id,
                row.family_id,
                row.expires_at,
                row.created_at,
            )
            .map_err(sign)?;
        let iat = row.created_at.timestamp();
        let access = AccessClaims {
            sub: user.id,
            exp: iat + self.settings.access_token_ttl_secs,
            iat,
            jti: row.id.to_string(),
            typ: TokenType::Access,
            role: user.role,
            ver: user.token_version,
            fam: Some(row.family_id),
            scope: Some(row.scope.clone()),
        };
        let access_token = self.keys.sign_access(&access).map_err(sign)?;
        if !row.token_hash.is_empty() && row.token_hash != store::token_hash(&refresh_token) {
            return Err(AppError::Internal(anyhow::anyhow!(
                "a stored refresh token does not sign again to its hash"
            )));
        }
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in: self.settings.access_token_ttl_secs,
            refresh_expires_in: self.settings.refresh_token_ttl_secs,
            scope: row.scope.clone(),
        })
    }

    /// Rotation: exchanges a live refresh token for a new pair in the same family.
    ///
    /// Presenting a token that was already rotated is an idempotent retry within
    /// `auth.refresh_reuse_grace_secs` of its rotation (the companion retries a refresh whose
    /// answer was lost, and concurrent requests may share one token): the answer is the same
    /// successor pair, as long as that successor is itself unused. Otherwise it is reuse
    /// (RFC 6819 §5.2.2.3), and the whole family is revoked.
    ///
    /// # Errors
    /// [`RefreshError::Invalid`], [`RefreshError::Reused`], database errors.
    pub async fn refresh(
        &self,
        db: &Db,
        token: &str,
        client: &ClientInfo,
    ) -> Result<TokenPair, RefreshError> {
        let claims = self.keys.verify_refresh(token).map_err(|e| {
            tracing::debug!(error = %e, "refresh token refused");
            RefreshError::Invalid
        })?;
        let stored = store::refresh_by_id(db, claims.jti)
            .await?
            .ok_or(RefreshError::Invalid)?;
        if stored.token_hash != store::token_hash(token) || stored.user_id != claims.sub {
            return Err(RefreshError::Invalid);
        }
        if stored.replaced_by.is_some() {
            return self.retried(db, &stored).await;
        }
        if stored.revoked_at.is_some() || stored.expires_at <= Utc::now() {
            return Err(RefreshError::Invalid);
        }
        let user = store::user_by_id(db, stored.user_id)
            .await?
            .ok_or(RefreshError::Invalid)?;
        if !user.is_active {
            return Err(RefreshError::Invalid);
        }
        // The chain keeps its login's scopes, narrowed to what the role still allows (a
        // demoted administrator's next token loses `admin`).
        let scopes = Scopes::parse(&stored.scope)
            .map_err(|_| RefreshError::Invalid)?
            .within(Scopes::default_for(user.role));
        let mut next = self.new_refresh_row(&user, stored.family_id, client, scopes);
        let pair = self.sign_pair(&user, &next)?;
        next.token_hash = store::token_hash(&pair.refresh_token);
        // The presented token is spent and its successor stored together, so a concurrent
        // retry finds either both or neither.
        let tx = db.begin_write().await.map_err(AppError::from)?;
        let done = async {
            if !store::consume_refresh_with(&tx, db.dialect, stored.id, next.id, next.created_at)
                .await?
            {
                return Ok(false);
            }
            crud::insert_with(&tx, db.dialect, &next).await?;
            Ok::<_, AppError>(true)
        }
        .await;
        if settle(tx, done).await? {
            return Ok(pair);
        }
        // Another request spent it first: a retry within the grace period, or a replay.
        let stored = store::refresh_by_id(db, stored.id)
            .await?
            .ok_or(RefreshError::Invalid)?;
        self.retried(db, &stored).await
    }

    /// `stored` was already rotated: its successor's pair within the grace period, while the
    /// successor is unused; otherwise the family is revoked.
    async fn retried(&self, db: &Db, stored: &RefreshToken) -> Result<TokenPair, RefreshError> {
        let grace = chrono::Duration::seconds(self.settings.refresh_reuse_grace_secs);
        let rotated_at = stored.revoked_at.unwrap_or(stored.created_at);
        if let Some(next_id) = stored.replaced_by
            && Utc::now() - rotated_at <= grace
            && let Some(next) = store::refresh_by_id(db, next_id).await?
            && next.revoked_at.is_none()
            && next.replaced_by.is_none()
            && let Some(user) = store::user_by_id(db, stored.user_id).await?
            && user.is_active
        {
            tracing::info!(user_id = %user.id, family = %stored.family_id, "refresh retried within the grace period: same successor pair");
            return Ok(self.sign_pair(&user, &next)?);
        }
        let n = store::revoke_family(db, stored.family_id).await?;
        tracing::warn!(user_id = %stored.user_id, family = %stored.family_id, revoked = n, "refresh token reuse: family revoked");
        Err(RefreshError::Reused)
    }
}
