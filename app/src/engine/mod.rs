//! The recommendation engine's pure parts (`../shared/RECOMMENDATIONS.md`): no I/O, no clock,
//! no randomness — the same input gives the same output. Combat runs compute their
//! contribution scores here when they are stored (§1–2); [`analyse`] turns a run, its similar
//! runs and the top-performer candidates into percentiles (§3) and recommendations (§4).

pub mod advice;
pub mod build_diff;
pub mod constants;
mod diff_advice;
mod execution;
pub mod percentiles;
pub mod recommend;
pub mod scores;

pub use advice::{Advice, RecommendationKind, expected_improvement_pct, recommendation_confidence};
pub use build_diff::BuildSnapshot;
pub use percentiles::{
    Confidence, Percentiles, SimilarityKey, filter_outliers, is_similar, percentile_of, percentiles,
};
pub use recommend::{
    Analysis, FeatureLookup, PeerRun, PlayerRun, SetInfo, SkillInfo, Uptime, analyse,
    top_performers, weakest_categories,
};
pub use scores::{Category, ContributionScores, Role, RunMetrics, contribution_scores, infer_role};
