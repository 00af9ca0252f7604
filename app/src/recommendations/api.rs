//! `GET /recommendations?run_id=&since=`: the caller's stored recommendations.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};
use uuid::Uuid;

use super::{Recommendation, RecommendationCategory};
use crate::{
    auth::Auth,
    error::ApiError,
    http::ApiTags,
    model::{ColumnType, Filter, ListQuery, crud},
    state::AppState,
};

/// One recommendation (API contract: `Recommendation`).
#[derive(Debug, Clone, Object)]
pub struct RecommendationView {
    /// Recommendation id.
    pub recommendation_id: Uuid,
    /// The run it is for.
    pub run_id: Uuid,
    /// `gear`, `skill`, `execution` or `build`.
    pub category: RecommendationCategory,
    /// 1 (most important) to 10.
    pub priority: i32,
    /// What the player does now.
    pub current_state: String,
    /// What to change.
    pub recommended_change: String,
    /// Expected gain.
    pub expected_improvement: String,
    /// Why.
    pub reasoning: String,
    /// 0–1.
    pub confidence: f64,
}

impl From<Recommendation> for RecommendationView {
    fn from(r: Recommendation) -> Self {
        Self {
            recommendation_id: r.recommendation_id,
            run_id: r.run_id,
            category: r.category,
            priority: r.priority,
            current_state: r.current_state,
            recommended_change: r.recommended_change,
            expected_improvement: r.expected_improvement,
            reasoning: r.reasoning,
            confidence: r.confidence,
        }
    }
}

/// `GET /recommendations`.
#[derive(Debug, Clone, Object)]
pub struct RecommendationList {
    /// Across the caller's runs, by priority.
    pub recommendations: Vec<RecommendationView>,
}

/// Stored recommendations for the companion.
pub struct RecommendationsApi;

#[OpenApi(tag = "ApiTags::Recommendations")]
impl RecommendationsApi {
    /// Your stored recommendations
    ///
    /// Optionally for one run (`run_id`) or computed since a time (`since`, RFC 3339). At most
    /// 500, by priority. Another user's run id simply matches nothing.
    #[oai(path = "/recommendations", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        /// Only this run's.
        run_id: Query<Option<Uuid>>,
        /// Only those computed at or after this time.
        since: Query<Option<DateTime<Utc>>>,
    ) -> Result<Json<RecommendationList>, ApiError> {
        let d = state.db.dialect;
        let mut filters = Vec::new();
        if let Some(r) = run_id.0 {
            filters.push(Filter::Eq("run_id", r.to_value(d)));
        }
        if let Some(t) = since.0 {
            filters.push(Filter::Min("created_at", t.to_value(d)));
        }
        let q = ListQuery {
            filters,
            sort: None,
            limit: 500,
            offset: 0,
        };
        let page = crud::list_for::<Recommendation>(&state, Some(auth.principal()), &q).await?;
        Ok(Json(RecommendationList {
            recommendations: page
                .items
                .into_iter()
                .map(RecommendationView::from)
                .collect(),
        }))
    }
}
