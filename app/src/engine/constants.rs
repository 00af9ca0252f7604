//! Every tunable number of the engine, in one place (RECOMMENDATIONS.md §1–§4). Changing one
//! changes results, never the shape of anything.

/// `damage_dealt = dps / (dps + DPS_HALF_POINT)`: the DPS that scores 0.5.
pub const DPS_HALF_POINT: f64 = 50_000.0;
/// `healing_done = hps / (hps + HPS_HALF_POINT)`: the HPS that scores 0.5.
pub const HPS_HALF_POINT: f64 = 20_000.0;
/// Mechanics: penalty per death.
pub const DEATH_PENALTY: f64 = 0.05;
/// Mechanics: interrupts plus synergies used that earn the full bonus.
pub const ACTIONS_FOR_FULL_BONUS: f64 = 10.0;
/// Mechanics: share of the score that does not depend on interrupts and synergies.
pub const MECHANICS_BASE_SHARE: f64 = 0.8;
/// Resources: output per resource point that scores 0.5.
pub const EFFICIENCY_HALF_POINT: f64 = 10.0;
/// Resources: the score when nothing was spent.
pub const EFFICIENCY_WHEN_NOTHING_SPENT: f64 = 0.5;

/// Role inference: a healer scores at least this on `healing_done` (and heals more than it damages).
pub const HEALER_MIN_HEALING_SCORE: f64 = 0.5;
/// Role inference: a tank scores at least this on `damage_taken` …
pub const TANK_MIN_DAMAGE_TAKEN_SCORE: f64 = 0.6;
/// … and deals less DPS than this.
pub const TANK_MAX_DPS: f64 = 40_000.0;

/// Combined-score weights per role, in the order of [`super::Category::ALL`]
/// (damage dealt, damage taken, healing, buff, debuff, mechanics, resources); each row sums to 1.
pub const ROLE_WEIGHTS: [[f64; 7]; 3] = [
    // DPS
    [0.50, 0.05, 0.00, 0.15, 0.10, 0.10, 0.10],
    // healer
    [0.10, 0.05, 0.45, 0.20, 0.05, 0.10, 0.05],
    // tank
    [0.10, 0.30, 0.05, 0.15, 0.20, 0.15, 0.05],
];

// ---- §3 Percentiles ----

/// §3 similar runs: champion points may differ by at most this much (inclusive).
pub const SIMILAR_CP_WINDOW: i64 = 200;
/// §3 similar runs: group size may differ by at most this much (inclusive).
pub const SIMILAR_GROUP_SIZE_WINDOW: i64 = 1;
/// §3 similar runs: at most this many of the most recent (the caller's query limits the pool).
pub const MAX_SIMILAR_RUNS: usize = 1_000;
/// §3 outliers: a pool value is dropped outside `[Q1 − k·IQR, Q3 + k·IQR]` with this `k`.
pub const OUTLIER_IQR_FACTOR: f64 = 3.0;
/// §3 outliers: the filter applies only to pools of at least this many values.
pub const OUTLIER_MIN_POOL: usize = 4;
/// §3 confidence: below this many similar runs the percentiles are `low`.
pub const CONFIDENCE_MEDIUM_MIN_RUNS: usize = 10;
/// §3 confidence: below this many similar runs (and not `low`) they are `medium`; else `high`.
pub const CONFIDENCE_HIGH_MIN_RUNS: usize = 50;
/// §3 percentiles: what a value ranks at in an empty pool (the median).
pub const EMPTY_POOL_PERCENTILE: f64 = 0.5;

// ---- §4 Recommendations ----

/// §4: nothing is recommended unless some (weighted) category's percentile is below this.
pub const MEDIAN_PERCENTILE: f64 = 0.5;
/// §4: the weakest categories are this many lowest percentiles.
pub const WEAK_CATEGORY_COUNT: usize = 3;
/// §4 top performers: successful runs of the same content and difficulty, at most this many
/// of the most recent (the caller's query limits them).
pub const MAX_TOP_CANDIDATES: usize = 1_000;
/// §4 top performers: the best this share of the candidates (at least one run) is kept.
pub const TOP_PERFORMER_SHARE: f64 = 0.10;
/// §4 build diff: a set or skill is common when at least this share of top performers use it.
pub const COMMON_SHARE: f64 = 0.30;
/// §4 execution: a buff below this uptime (0–1) is recommended.
pub const BUFF_UPTIME_MIN: f64 = 0.80;
/// §4 execution: a damage over time below this uptime (0–1) is recommended.
pub const DOT_UPTIME_MIN: f64 = 0.85;
/// §4 execution: the uptime a buff or DoT recommendation asks for ("90%+").
pub const UPTIME_TARGET: f64 = 0.90;
/// §4 execution: overhealing above this share of total healing (effective + overhealing)
/// is recommended.
pub const OVERHEALING_MAX_SHARE: f64 = 0.30;
/// §4: no buff, DoT (debuff) or overhealing advice in a category where the run is at or above
/// this percentile of its similar runs (its peers cannot show it better), and gear and skill
/// advice never name such a category as one of the weak ones they serve.
pub const ADVICE_MAX_PERCENTILE: f64 = 0.75;
/// §4 build: suggested only when the mean percentile of the three weakest is at most this.
pub const BUILD_SWITCH_MAX_PERCENTILE: f64 = 0.30;
/// §4 build: … and at least this share of top performers play the other class/subclass.
pub const BUILD_SWITCH_MIN_SHARE: f64 = 0.40;
/// §4 build: the suggestion's confidence is multiplied by this.
pub const BUILD_SWITCH_CONFIDENCE_FACTOR: f64 = 0.6;

/// §4 expected improvement: `t` for a gear recommendation.
pub const IMPROVEMENT_T_GEAR: f64 = 0.08;
/// §4 expected improvement: `t` for a skill recommendation.
pub const IMPROVEMENT_T_SKILL: f64 = 0.05;
/// §4 expected improvement: `t` for an execution recommendation.
pub const IMPROVEMENT_T_EXECUTION: f64 = 0.12;
/// §4 expected improvement: `t` for a build (class/subclass) recommendation.
pub const IMPROVEMENT_T_BUILD: f64 = 0.15;
/// §4 expected improvement: `w_m` per weak category, in the order of [`super::Category::ALL`]
/// (damage dealt 1.0, damage taken .3, healing .8, buff .6, debuff .5, mechanics .7,
/// resources .4).
pub const IMPROVEMENT_CATEGORY_WEIGHTS: [f64; 7] = [1.0, 0.3, 0.8, 0.6, 0.5, 0.7, 0.4];

/// §4 confidence: base with at least [`CONFIDENCE_BASE_HIGH_MIN_RUNS`] similar runs.
pub const CONFIDENCE_BASE_HIGH: f64 = 0.9;
/// §4 confidence: base with at least [`CONFIDENCE_BASE_MEDIUM_MIN_RUNS`] similar runs.
pub const CONFIDENCE_BASE_MEDIUM: f64 = 0.75;
/// §4 confidence: base with at least [`CONFIDENCE_BASE_LOW_MIN_RUNS`] similar runs.
pub const CONFIDENCE_BASE_LOW: f64 = 0.6;
/// §4 confidence: base with fewer similar runs.
pub const CONFIDENCE_BASE_MINIMAL: f64 = 0.4;
/// §4 confidence: similar runs for [`CONFIDENCE_BASE_HIGH`].
pub const CONFIDENCE_BASE_HIGH_MIN_RUNS: usize = 50;
/// §4 confidence: similar runs for [`CONFIDENCE_BASE_MEDIUM`].
pub const CONFIDENCE_BASE_MEDIUM_MIN_RUNS: usize = 30;
/// §4 confidence: similar runs for [`CONFIDENCE_BASE_LOW`].
pub const CONFIDENCE_BASE_LOW_MIN_RUNS: usize = 10;
/// §4 confidence: the gap term is `0.5 + min(gap, CONFIDENCE_GAP_CAP)`.
pub const CONFIDENCE_GAP_CAP: f64 = 0.5;
/// §4 confidence: lowest value after the formula.
pub const CONFIDENCE_MIN: f64 = 0.3;
/// §4 confidence: highest value after the formula.
pub const CONFIDENCE_MAX: f64 = 0.95;
/// §4 execution: the fixed confidence of a death recommendation.
pub const DEATH_CONFIDENCE: f64 = 0.95;

/// §4: at most this many recommendations in all.
pub const MAX_RECOMMENDATIONS: usize = 10;
/// §4: at most this many gear recommendations.
pub const MAX_GEAR_RECOMMENDATIONS: usize = 3;
/// §4: at most this many skill recommendations.
pub const MAX_SKILL_RECOMMENDATIONS: usize = 3;
/// §4: at most this many execution recommendations.
pub const MAX_EXECUTION_RECOMMENDATIONS: usize = 5;
/// §4: at most this many build (class/subclass) recommendations.
pub const MAX_BUILD_RECOMMENDATIONS: usize = 1;
