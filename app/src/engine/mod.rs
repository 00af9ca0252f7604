//! The recommendation engine's pure parts (`../shared/RECOMMENDATIONS.md`): no I/O, no clock,
//! no randomness — the same input gives the same output. Combat runs compute their
//! contribution scores here when they are stored (§1–2); percentiles against similar runs
//! follow §3.

pub mod constants;
pub mod percentiles;
pub mod scores;

pub use percentiles::{
    Confidence, Percentiles, SimilarityKey, filter_outliers, is_similar, percentile_of, percentiles,
};
pub use scores::{Category, ContributionScores, Role, RunMetrics, contribution_scores, infer_role};
