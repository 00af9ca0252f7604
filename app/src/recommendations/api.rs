//! `GET /runs/{run_id}/recommendations` and `/percentiles`: a run's analysis against its
//! similar runs (RECOMMENDATIONS.md). The list of stored recommendations,
//! `GET /recommendations?run_id=&since=`, is generated from the model (`mod.rs`).

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::{
    Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    types::Example,
};
use uuid::Uuid;

use super::{Recommendation, RecommendationView, analysis, store};
use crate::{
    auth::{Auth, Scope},
    engine::{self, Category},
    error::ApiError,
    http::ApiTags,
    model::{ColumnType, crud},
    runs::CombatRun,
    state::AppState,
};

/// How far the percentiles can be trusted, by the number of similar runs
/// (RECOMMENDATIONS.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SampleConfidence {
    /// Fewer than 10 similar runs.
    Low,
    /// 10 to 49.
    Medium,
    /// 50 or more.
    High,
}

impl From<engine::Confidence> for SampleConfidence {
    fn from(c: engine::Confidence) -> Self {
        match c {
            engine::Confidence::Low => Self::Low,
            engine::Confidence::Medium => Self::Medium,
            engine::Confidence::High => Self::High,
        }
    }
}

/// `GET /runs/{run_id}/recommendations` and `/runs/{run_id}/percentiles`.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct RunAnalysis {
    /// The run analysed.
    pub run_id: Uuid,
    /// By priority, at most 10 (always empty from `/percentiles`).
    pub recommendations: Vec<RecommendationView>,
    /// Percentile (0–1) of the run among its similar runs, per category (`damage_dealt`,
    /// `damage_taken`, `healing_done`, `buff_uptime`, `debuff_uptime`, `mechanic_execution`,
    /// `resource_efficiency`) and `overall` (weighted for the run's role).
    pub percentiles: BTreeMap<String, f64>,
    /// Number of similar runs: same content and difficulty, CP within ±200, group size within
    /// ±1, the 1,000 most recent.
    pub sample_size: u64,
    /// `low` under 10 similar runs, `medium` under 50, else `high`.
    pub confidence: SampleConfidence,
}

impl Example for RunAnalysis {
    fn example() -> Self {
        let percentiles = [
            ("buff_uptime", 0.81),
            ("damage_dealt", 0.87),
            ("damage_taken", 0.64),
            ("debuff_uptime", 0.77),
            ("healing_done", 0.42),
            ("mechanic_execution", 0.9),
            ("overall", 0.84),
            ("resource_efficiency", 0.58),
        ];
        Self {
            run_id: uuid::uuid!("832e2fad-9b9e-40d6-b676-2d7722be9c0f"),
            recommendations: vec![RecommendationView::example()],
            percentiles: percentiles
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            sample_size: 137,
            confidence: SampleConfidence::High,
        }
    }
}

fn percentile_map(p: &engine::Percentiles) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = Category::ALL
        .iter()
        .filter_map(|c| {
            let key = serde_json::to_value(c).ok()?.as_str()?.to_owned();
            Some((key, p.by_category.get(*c)))
        })
        .collect();
    out.insert("overall".into(), p.overall);
    out
}

fn answer(
    run: &CombatRun,
    p: &engine::Percentiles,
    recommendations: Vec<Recommendation>,
) -> Json<RunAnalysis> {
    Json(RunAnalysis {
        run_id: run.run_id,
        recommendations: recommendations
            .into_iter()
            .map(RecommendationView::from)
            .collect(),
        percentiles: percentile_map(p),
        sample_size: p.sample_size as u64,
        confidence: p.confidence.into(),
    })
}

/// The caller's run `run_id` (404 for anyone else's), the engine's view of it, and its
/// similar-run pool.
async fn load_run(
    state: &AppState,
    auth: &Auth,
    run_id: Uuid,
    fresh_pool: bool,
) -> Result<
    (
        CombatRun,
        engine::PlayerRun,
        Vec<engine::ContributionScores>,
    ),
    ApiError,
> {
    let d = state.db.dialect;
    let run: CombatRun = crud::get_for(
        &state.db,
        Some(auth.principal().caller()),
        run_id.to_value(d),
    )
    .await?;
    let player = analysis::player_of(&run);
    let similar = analysis::similar_scores(state, &run, fresh_pool).await?;
    Ok((run, player, similar))
}

/// Recommendations and percentiles per run, and the stored ones for the companion.
#[derive(Debug, Default)]
pub struct RecommendationsApi;

#[OpenApi(tag = "ApiTags::Recommendations")]
impl RecommendationsApi {
    /// Recommendations for one of your runs
    ///
    /// The first call computes them (RECOMMENDATIONS.md: percentiles against similar runs,
    /// the build compared with top performers of the same content) and stores them; later
    /// calls return the stored ones (none, when nothing was to recommend), with percentiles
    /// computed afresh against a similar-run pool at most 30 s old. `regenerate=true` reads
    /// the pool again, recomputes and replaces the stored ones in one transaction. Nothing is recommended
    /// when no category is below the median. Another user's run answers 404.
    #[oai(
        path = "/runs/:run_id/recommendations",
        method = "get",
        operation_id = "get_run_recommendations"
    )]
    async fn for_run(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// The run.
        run_id: Path<Uuid>,
        /// Recompute and replace the stored recommendations.
        #[oai(default)]
        regenerate: Query<bool>,
    ) -> Result<Json<RunAnalysis>, ApiError> {
        let (run, player, similar) = load_run(&state, &auth, run_id.0, regenerate.0).await?;
        let percentiles = analysis::percentiles_of(&player, &similar);
        if !regenerate.0 {
            let stored = store::stored(&state.db, run.run_id).await?;
            // Analysed before (possibly with nothing to recommend), or stored before the
            // `analysed_at` mark existed.
            if run.analysed_at.is_some() || !stored.is_empty() {
                return Ok(answer(&run, &percentiles, stored));
            }
        }
        let computed = analysis::compute(&state, &player, similar, &run).await?;
        let rows = analysis::rows_for(&run, &computed.recommendations);
        let stored = store::store(&state.db, &run, rows, regenerate.0).await?;
        Ok(answer(&run, &percentiles, stored))
    }

    /// Percentiles of one of your runs
    ///
    /// The same answer as `/recommendations` without computing or reading recommendations
    /// (`recommendations` is empty). Another user's run answers 404.
    #[oai(
        path = "/runs/:run_id/percentiles",
        method = "get",
        operation_id = "get_run_percentiles"
    )]
    async fn percentiles(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// The run.
        run_id: Path<Uuid>,
    ) -> Result<Json<RunAnalysis>, ApiError> {
        let (run, player, similar) = load_run(&state, &auth, run_id.0, false).await?;
        Ok(answer(
            &run,
            &analysis::percentiles_of(&player, &similar),
            Vec::new(),
        ))
    }
}
