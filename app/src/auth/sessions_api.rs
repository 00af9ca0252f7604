//! `/auth/sessions`: the caller's signed-in sessions (one per login chain, that is per device
//! or client) and ending one of them.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json, types::Example};
use uuid::Uuid;

use super::{Auth, Scope, models::RefreshToken, responses::NoContent, store};
use crate::{error::ApiError, http::ApiTags, model::crud, state::AppState};

/// One signed-in session: a login chain (refresh-token family).
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct SessionResponse {
    /// The session's id (its login chain), for `DELETE /auth/sessions/{id}`.
    pub id: Uuid,
    /// When it signed in (UTC).
    pub created_at: DateTime<Utc>,
    /// Its last sign-in or token refresh (UTC).
    pub last_used_at: DateTime<Utc>,
    /// The client's `User-Agent` at its last use.
    pub user_agent: Option<String>,
    /// The client's address at its last use.
    pub ip: Option<String>,
    /// Whether this request was made with this session's access token.
    pub current: bool,
}

impl Example for SessionResponse {
    fn example() -> Self {
        let now = crate::model::example_time();
        Self {
            id: uuid::uuid!("a4b9e2c7-3f1d-4e8a-b5c6-7d2e9f0a1b33"),
            created_at: now - chrono::TimeDelta::days(2),
            last_used_at: now,
            user_agent: Some(
                "ESOBuildOptimizer-Companion/1.4.2 (Windows NT 10.0; Win64; x64)".into(),
            ),
            ip: Some("203.0.113.42".into()),
            current: true,
        }
    }
}

/// The live sessions among one account's refresh tokens, most recently used first: a chain is
/// live while its newest token is neither used, revoked nor expired at `now`.
pub fn live_sessions(
    mut rows: Vec<RefreshToken>,
    now: DateTime<Utc>,
    current: Option<Uuid>,
) -> Vec<SessionResponse> {
    rows.sort_by_key(|r| (r.family_id, r.created_at));
    let mut out: Vec<SessionResponse> = Vec::new();
    for chain in rows.chunk_by(|a, b| a.family_id == b.family_id) {
        let (Some(first), Some(newest)) = (chain.first(), chain.last()) else {
            continue;
        };
        if newest.revoked_at.is_some() || newest.replaced_by.is_some() || newest.expires_at <= now {
            continue;
        }
        out.push(SessionResponse {
            id: newest.family_id,
            created_at: first.created_at,
            last_used_at: newest.created_at,
            user_agent: newest.user_agent.clone(),
            ip: newest.ip.clone(),
            current: current == Some(newest.family_id),
        });
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.last_used_at));
    out
}

/// Session endpoints.
#[derive(Debug, Default)]
pub struct SessionsApi;

#[OpenApi(prefix_path = "/auth", tag = "ApiTags::Auth")]
impl SessionsApi {
    /// Your signed-in sessions
    ///
    /// One entry per login (device or client), most recently used first, with where and with
    /// what it was last used; `current` marks the one making this request.
    #[oai(path = "/sessions", method = "get", operation_id = "list_sessions")]
    async fn list(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
    ) -> Result<Json<Vec<SessionResponse>>, ApiError> {
        let p = auth.principal();
        let rows = crud::all_owned::<RefreshToken>(&state.db, p.user_id).await?;
        Ok(Json(live_sessions(rows, Utc::now(), p.family)))
    }

    /// End one of your sessions
    ///
    /// Its refresh token is revoked and its current access token refused at once, on every
    /// instance. 404 for an unknown, ended or another account's session.
    #[oai(
        path = "/sessions/:id",
        method = "delete",
        operation_id = "end_session"
    )]
    async fn end(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        id: Path<Uuid>,
    ) -> Result<NoContent, ApiError> {
        let p = auth.principal();
        let now = Utc::now();
        let rows = crud::all_owned::<RefreshToken>(&state.db, p.user_id).await?;
        let ttl = state.settings.auth.access_token_ttl_secs;
        let recent: Vec<(String, i64)> = rows
            .iter()
            .filter(|r| r.family_id == id.0)
            .map(|r| (r.id.to_string(), r.created_at.timestamp() + ttl))
            .filter(|(_, exp)| *exp > now.timestamp())
            .collect();
        if !live_sessions(rows, now, None).iter().any(|s| s.id == id.0) {
            return Err(ApiError::not_found("Session not found"));
        }
        store::revoke_family(&state.db, id.0).await?;
        // An access token's id is its refresh token's: the chain's live ones are refused now.
        for (jti, exp) in recent {
            state.auth.deny(&state.db, &jti, exp).await?;
        }
        tracing::info!(user_id = %p.user_id, family = %id.0, "session ended");
        Ok(NoContent::Done)
    }
}
