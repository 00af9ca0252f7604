//! `GET /auth/me/export`: every piece of the caller's data as one JSON document (GDPR art. 20,
//! the right to data portability). Part of the application assembly: it reads each domain's
//! rows through the generic repository and answers each in its domain's own public shape.

use chrono::{DateTime, TimeDelta, Utc};
use poem::{http::StatusCode, web::Data};
use poem_openapi::{Object, OpenApi, payload::Json, types::Example};
use uuid::Uuid;

use crate::{
    auth::{
        Auth, Scope,
        models::{RefreshToken, UserView},
    },
    builds::{SavedBuild, SavedBuildView},
    error::ApiError,
    http::ApiTags,
    model::crud,
    recommendations::{Recommendation, RecommendationView},
    runs::{CombatRun, dto::CombatRunResponse},
    state::AppState,
    sync::{SyncItem, SyncItemView},
};

/// One login chain (refresh-token family) of the account, without any token or hash.
#[derive(Debug, Clone, Object)]
pub struct SessionRecord {
    /// The login chain.
    pub family_id: Uuid,
    /// When this link of the chain was issued (UTC).
    pub created_at: DateTime<Utc>,
    /// When it expires (UTC).
    pub expires_at: DateTime<Utc>,
    /// When it was used or revoked (UTC), if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// All of one account's data.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct AccountExport {
    /// When the document was made (UTC).
    pub exported_at: DateTime<Utc>,
    /// The account (never its password hash).
    pub account: UserView,
    /// Saved builds.
    pub saved_builds: Vec<SavedBuildView>,
    /// Combat runs, as `GET /runs/{run_id}` answers them.
    pub combat_runs: Vec<CombatRunResponse>,
    /// Stored recommendations.
    pub recommendations: Vec<RecommendationView>,
    /// The companion's sync records.
    pub sync_items: Vec<SyncItemView>,
    /// Refresh tokens issued to the account, without the tokens.
    pub sessions: Vec<SessionRecord>,
}

impl Example for AccountExport {
    fn example() -> Self {
        let now = crate::model::example_time();
        let link = |created_at: DateTime<Utc>, revoked_at| SessionRecord {
            family_id: uuid::uuid!("a4b9e2c7-3f1d-4e8a-b5c6-7d2e9f0a1b33"),
            created_at,
            expires_at: created_at + TimeDelta::days(7),
            revoked_at,
        };
        Self {
            exported_at: now + TimeDelta::minutes(5),
            account: UserView::example(),
            saved_builds: vec![SavedBuildView::example()],
            combat_runs: vec![CombatRunResponse::example()],
            recommendations: vec![RecommendationView::example()],
            sync_items: Vec::new(),
            sessions: vec![link(now - TimeDelta::days(2), Some(now)), link(now, None)],
        }
    }
}

/// The export endpoint.
#[derive(Debug, Default)]
pub struct ExportApi;

#[OpenApi(prefix_path = "/auth", tag = "ApiTags::Auth")]
impl ExportApi {
    /// Export all of your data
    ///
    /// One JSON document with the account, saved builds, combat runs, recommendations, sync
    /// records and sessions (GDPR art. 20). Read as one consistent set per table.
    #[oai(path = "/me/export", method = "get", operation_id = "export_me")]
    async fn export(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
    ) -> Result<Json<AccountExport>, ApiError> {
        let db = &state.db;
        let id = auth.principal().user_id;
        let account = crate::auth::store::user_by_id(db, id)
            .await?
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Account not found"))?;
        let export = AccountExport {
            exported_at: Utc::now(),
            account: UserView::from(account),
            saved_builds: views::<SavedBuild, _>(db, id).await?,
            combat_runs: views::<CombatRun, _>(db, id).await?,
            recommendations: views::<Recommendation, _>(db, id).await?,
            sync_items: views::<SyncItem, _>(db, id).await?,
            sessions: crud::all_owned::<RefreshToken>(db, id)
                .await?
                .into_iter()
                .map(|t| SessionRecord {
                    family_id: t.family_id,
                    created_at: t.created_at,
                    expires_at: t.expires_at,
                    revoked_at: t.revoked_at,
                })
                .collect(),
        };
        tracing::info!(user_id = %id, "account data exported");
        Ok(Json(export))
    }
}

/// Every `M` row `owner` owns, in its public shape `V`.
async fn views<M: crate::model::Model, V: From<M>>(
    db: &crate::db::Db,
    owner: Uuid,
) -> Result<Vec<V>, ApiError> {
    Ok(crud::all_owned::<M>(db, owner)
        .await?
        .into_iter()
        .map(V::from)
        .collect())
}
