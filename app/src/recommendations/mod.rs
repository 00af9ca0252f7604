//! Recommendations (API contract, "Recommendations"): computed per run by the engine
//! (`crate::engine`) from what [`analysis`] reads, stored, and served per run and to the
//! companion (`GET /recommendations`).

pub mod analysis;
pub mod api;
pub mod catalog;
pub mod store;

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
        params(min_created_at = "since", max_created_at = "until"),
        serde
    ),
    example = "example"
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

/// The OpenAPI example of the recommendations page.
fn example() -> Recommendation {
    Recommendation {
        recommendation_id: Uuid::from_u128(0x5c4b_3a29_1807_46f5_a4b3_c2d1_e0f9_a8b7),
        player_id: Uuid::from_u128(0x3d5e_8f10_2b4c_4a6d_8e9f_1a2b_3c4d_5e6f),
        run_id: Uuid::from_u128(0x832e_2fad_9b9e_40d6_b676_2d77_22be_9c0f),
        category: RecommendationCategory::Gear,
        priority: 1,
        current_state: "Wearing Sul-Xan's Torment".into(),
        recommended_change: "Swap Sul-Xan's Torment for Whorl of the Depths".into(),
        expected_improvement: "+3.1% damage dealt".into(),
        reasoning: "Top Arcanist runs in Lucent Citadel wear Whorl of the Depths in 71% of cases."
            .into(),
        confidence: 0.8,
        created_at: crate::model::example_time(),
    }
}
