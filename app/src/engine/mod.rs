//! The recommendation engine's pure parts (`../shared/RECOMMENDATIONS.md`): no I/O, no clock,
//! no randomness — the same input gives the same output. Combat runs compute their
//! contribution scores here when they are stored; the recommendation endpoints build on it.

pub mod constants;
pub mod scores;

pub use scores::{Category, ContributionScores, Role, RunMetrics, contribution_scores, infer_role};
