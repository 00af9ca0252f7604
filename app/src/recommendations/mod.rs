//! Recommendations (API contract, "Recommendations"): computed per run by the engine
//! (`crate::engine`) from what [`analysis`] reads, stored, and served per run and to the
//! companion (`GET /recommendations`).

pub mod analysis;
pub mod api;
pub mod catalog;

use chrono::{DateTime, Utc};
use ebo_macros::Model;
use poem_openapi::Enum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a recommendation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum RecommendationCategory {
    /// Gear sets.
    Gear,
    /// Skills on the bars.
    Skill,
    /// How the fight was played.
    Execution,
    /// Class or subclass.
    Build,
}

/// One stored recommendation for a run; deleted with its run.
#[derive(Debug, Clone, Model)]
#[model(
    table = "recommendations",
    read = "owner",
    write = "owner",
    sort = "priority, created_at",
    default_sort = "priority",
    api(
        path = "/recommendations",
        tag = "crate::http::ApiTags::Recommendations",
        ops(list),
        page(default = 500, max = 500),
        params(min_created_at = "since", max_created_at = "until")
    )
)]
pub struct Recommendation {
    /// Recommendation id.
    #[model(id)]
    pub recommendation_id: Uuid,
    /// The run's owner.
    #[model(owner)]
    pub player_id: Uuid,
    /// The run it is for.
    #[model(filter = "eq", references = "combat_runs(run_id)")]
    pub run_id: Uuid,
    /// `gear`, `skill`, `execution` or `build`.
    #[model(enum)]
    pub category: RecommendationCategory,
    /// 1 (most important) to 10.
    pub priority: i32,
    /// What the player does now.
    pub current_state: String,
    /// What to change.
    pub recommended_change: String,
    /// Expected gain, e.g. `+4.3% damage dealt`.
    pub expected_improvement: String,
    /// Why, in words.
    pub reasoning: String,
    /// 0–1.
    pub confidence: f64,
    /// When it was computed (UTC).
    #[model(created_at, filter = "range")]
    pub created_at: DateTime<Utc>,
}
