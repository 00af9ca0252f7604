//! One run's analysis: what the engine (`crate::engine`) needs, read in a fixed number of
//! statements whatever the table size, and its recommendations stored in one transaction.
//!
//! Statements per call: the run itself, the similar-run pool (≤ 1,000 scores; cached for
//! [`POOL_TTL`] per content, difficulty, CP level and group size), and the stored
//! recommendations; when computing, also the top-performer candidates (≤ 1,000 builds) and,
//! on a cache miss, the set/skill catalog (2), then one transaction replacing the stored rows.

use std::{sync::Arc, time::Duration};

use uuid::Uuid;

use super::{Recommendation, RecommendationCategory, catalog::Catalog};
use crate::{
    cache::Counted,
    db::Db,
    engine::{
        self, Advice, Analysis, ContributionScores, PeerRun, Percentiles, PlayerRun,
        RecommendationKind, constants::MAX_SIMILAR_RUNS,
    },
    error::AppError,
    runs::{self, CombatRun, dto},
    state::AppState,
};

/// Above this many runs in the two pools together, the engine runs on Tokio's blocking pool
/// so a large analysis never stalls the async workers.
const BLOCKING_THRESHOLD: usize = 256;

/// The engine's view of a build snapshot: class names as the feature database spells them,
/// both bars' skills together.
fn engine_build(b: &dto::BuildSnapshot) -> engine::BuildSnapshot {
    let name = |c: &crate::eso::EsoClass| {
        serde_json::to_value(c)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    engine::BuildSnapshot {
        class: name(&b.player_class),
        subclass: b.subclass.as_ref().map(name),
        sets: b.sets.clone(),
        skills: b
            .skills_front
            .iter()
            .chain(&b.skills_back)
            .cloned()
            .collect(),
    }
}

fn uptimes(u: &[dto::Uptime]) -> Vec<engine::Uptime> {
    u.iter()
        .map(|u| engine::Uptime {
            name: u.name.clone(),
            uptime: u.uptime,
        })
        .collect()
}

/// The engine's input for a stored run (scores recomputed if the row has none).
pub fn player_of(run: &CombatRun) -> PlayerRun {
    let scores = match &run.contribution_scores {
        Some(s) => s.into(),
        None => crate::engine::contribution_scores(&crate::runs::engine_metrics(
            &run.metrics,
            run.duration_sec,
        )),
    };
    let m = &run.metrics;
    PlayerRun {
        scores,
        dps: m.dps,
        hps: m.hps,
        build: engine_build(&run.build_snapshot),
        buff_uptime: uptimes(&m.buff_uptime),
        dot_uptime: uptimes(&m.dot_uptime),
        time_dead: m.time_dead,
        deaths: u32::try_from(m.deaths).unwrap_or(u32::MAX),
        duration_sec: run.duration_sec,
        healing_done: m.healing_done as f64,
        overhealing: m.overhealing as f64,
    }
}

/// The similar-run pool of `run` (RECOMMENDATIONS.md §3, the rule of
/// [`engine::is_similar`]): same content and difficulty, CP within ±200, group size within
/// ±1, not the run itself, the 1,000 most recent; only their scores are read. The pool comes
/// from [`SimilarPools`], so it may be up to [`POOL_TTL`] old, unless `fresh` asks to read it
/// again now (`regenerate=true`).
///
/// # Errors
/// Database errors (503 while the database is unreachable).
pub async fn similar_scores(
    state: &AppState,
    run: &CombatRun,
    fresh: bool,
) -> Result<Vec<ContributionScores>, AppError> {
    let pool = state.similar_pools.get(&state.db, run, fresh).await?;
    Ok(pool
        .iter()
        .filter(|(id, _)| *id != run.run_id)
        .take(MAX_SIMILAR_RUNS)
        .map(|(_, s)| *s)
        .collect())
}

/// How long a similar-run pool is reused before it is read again: a percentile may not yet
/// count runs submitted in that window (the same trade as the DPS distributions behind the
/// percentile trend).
pub const POOL_TTL: Duration = Duration::from_secs(30);
/// Largest number of pools kept (content × difficulty × CP level × group size).
const POOL_CAPACITY: u64 = 10_000;

/// `(content_name, difficulty, cp_level, group_size)`: runs sharing these share a pool.
type PoolKey = (String, dto::Difficulty, i32, i32);

/// The 1,001 most recent runs similar to a `(content, difficulty, CP level, group size)`, as
/// `(run_id, scores)`, newest first: one more than the engine takes, so the pool still holds
/// 1,000 once the asking run itself is left out. Cached per key for [`POOL_TTL`]; concurrent
/// misses of one key read once. Each entry is at most ~56 KB.
pub struct SimilarPools {
    cache: Counted<PoolKey, Arc<Vec<(Uuid, ContributionScores)>>>,
}

impl std::fmt::Debug for SimilarPools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimilarPools")
            .field("entries", &self.cache.stats().entries)
            .finish()
    }
}

impl Default for SimilarPools {
    fn default() -> Self {
        Self {
            cache: Counted::sized("similar_pools", POOL_CAPACITY, POOL_TTL),
        }
    }
}

impl crate::cache::CacheSource for SimilarPools {
    fn cache_stats(&self) -> Vec<crate::cache::CacheStats> {
        vec![self.cache.stats()]
    }
}

impl SimilarPools {
    /// The pool `run` belongs to (including `run` itself when it is among the most recent),
    /// read again first when `fresh`.
    ///
    /// # Errors
    /// Database errors (not cached).
    pub async fn get(
        &self,
        db: &Db,
        run: &CombatRun,
        fresh: bool,
    ) -> Result<Arc<Vec<(Uuid, ContributionScores)>>, AppError> {
        let key = (
            run.content_name.clone(),
            run.difficulty,
            run.cp_level,
            run.group_size,
        );
        if fresh {
            self.cache.invalidate(&key).await;
        }
        self.cache
            .get_or_load(key, async {
                runs::store::similar_scores(db, run).await.map(Arc::new)
            })
            .await
    }
}

/// Top-performer candidates for `run` (§4): successful runs of the same content and
/// difficulty, not the run itself, the 1,000 most recent, with their scores and builds.
///
/// # Errors
/// Database or decoding errors.
pub async fn top_candidates(db: &Db, run: &CombatRun) -> Result<Vec<PeerRun>, AppError> {
    Ok(runs::store::top_candidates(db, run)
        .await?
        .into_iter()
        .map(|(scores, build)| PeerRun {
            scores,
            success: true,
            build: engine_build(&build),
        })
        .collect())
}

/// The set/skill catalog, from the feature cache.
///
/// # Errors
/// Database errors while loading it.
pub async fn catalog(state: &AppState) -> Result<Arc<Catalog>, AppError> {
    let db = state.db.clone();
    state
        .features
        .catalog
        .get_or_load((), async move { Ok(Arc::new(Catalog::load(&db).await?)) })
        .await
}

/// Percentiles of `run` against `pool` (§3), its role inferred from its own scores (§2).
pub fn percentiles_of(run: &PlayerRun, pool: &[ContributionScores]) -> Percentiles {
    let role = engine::infer_role(&run.scores, run.dps, run.hps);
    engine::percentiles(&run.scores, role, pool)
}

/// Runs the engine for `run` against freshly read pools.
///
/// # Errors
/// Database errors.
pub async fn compute(
    state: &AppState,
    run: &PlayerRun,
    similar: Vec<ContributionScores>,
    row: &CombatRun,
) -> Result<Analysis, AppError> {
    let top = top_candidates(&state.db, row).await?;
    let catalog = catalog(state).await?;
    if similar.len() + top.len() <= BLOCKING_THRESHOLD {
        return Ok(engine::analyse(run, &similar, &top, catalog.as_ref()));
    }
    let run = run.clone();
    tokio::task::spawn_blocking(move || engine::analyse(&run, &similar, &top, catalog.as_ref()))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("analysis task: {e}")))
}

fn category(kind: RecommendationKind) -> RecommendationCategory {
    match kind {
        RecommendationKind::Gear => RecommendationCategory::Gear,
        RecommendationKind::Skill => RecommendationCategory::Skill,
        RecommendationKind::Execution => RecommendationCategory::Execution,
        RecommendationKind::Build => RecommendationCategory::Build,
    }
}

/// The rows `advice` becomes for `run`.
pub fn rows_for(run: &CombatRun, advice: &[Advice]) -> Vec<Recommendation> {
    let now = crate::model::column::truncate_to_millis(chrono::Utc::now());
    advice
        .iter()
        .map(|a| Recommendation {
            recommendation_id: Uuid::new_v4(),
            player_id: run.player_id,
            run_id: run.run_id,
            category: category(a.kind),
            priority: i32::from(a.priority),
            current_state: a.current_state.clone(),
            recommended_change: a.recommended_change.clone(),
            expected_improvement: a.expected_improvement.clone(),
            reasoning: a.reasoning.clone(),
            confidence: a.confidence,
            created_at: now,
        })
        .collect()
}
