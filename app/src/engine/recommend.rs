//! Recommendations for one run (RECOMMENDATIONS.md §4): percentiles against similar runs,
//! the weakest categories, a diff against the top performers' builds, and what the run's own
//! metrics show. Pure: the same input gives the same output, whatever the order of the pools.
//!
//! Which weak category each recommendation serves (its percentile feeds the formulas of
//! [`expected_improvement_pct`] and [`recommendation_confidence`]):
//! - gear: the weakest of the three weak categories for which the set's `role_affinity` is
//!   above 0.5, else the weakest category;
//! - skill: the weakest of the three weak categories the skill points at (tag `sustain` →
//!   resource efficiency; `execute` or `aoe` → damage dealt; any buff granted → buff uptime),
//!   else the weakest category;
//! - execution: buff → buff uptime, DoT → debuff uptime, death → mechanic execution,
//!   overhealing → resource efficiency;
//! - build (class/subclass): the weakest category.
//!
//! A category at or above [`ADVICE_MAX_PERCENTILE`] (0.75) of the similar runs is served by
//! nothing but a death: buff, DoT and overhealing advice in it is dropped, and gear and skill
//! advice pass over it when they pick among the weak categories. So no text asks to improve a
//! category the run already leads (no "Improve … (percentile 100)").

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::advice::{
    Advice, RecommendationKind, expected_improvement_pct, percent_down, recommendation_confidence,
};
use super::build_diff::{BuildSnapshot, diff_names};
use super::constants::*;
use super::diff_advice::{build_advice, gear_advice, skill_advice};
use super::execution::execution_advice;
use super::percentiles::{Percentiles, percentiles};
use super::scores::{Category, ContributionScores, Role, infer_role};

/// Uptime of one buff or damage over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uptime {
    /// e.g. `Major Brutality`.
    pub name: String,
    /// Share of the fight, 0–1.
    pub uptime: f64,
}

/// The run being analysed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayerRun {
    /// Its contribution scores (§1).
    pub scores: ContributionScores,
    /// Damage per second (for the role, §2).
    pub dps: f64,
    /// Healing per second (for the role, §2).
    pub hps: f64,
    /// The build used.
    pub build: BuildSnapshot,
    /// Buff uptimes.
    pub buff_uptime: Vec<Uptime>,
    /// Damage-over-time uptimes.
    pub dot_uptime: Vec<Uptime>,
    /// Seconds spent dead.
    pub time_dead: f64,
    /// Number of deaths.
    pub deaths: u32,
    /// Fight length, seconds.
    pub duration_sec: f64,
    /// Effective healing done (without overhealing).
    pub healing_done: f64,
    /// Overhealing.
    pub overhealing: f64,
}

/// Another run: a top-performer candidate (successful, same content and difficulty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerRun {
    /// Its contribution scores.
    pub scores: ContributionScores,
    /// Cleared or not; runs that were not are ignored.
    pub success: bool,
    /// The build used.
    pub build: BuildSnapshot,
}

/// A gear set as the feature database describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetInfo {
    /// Canonical in-game name.
    pub name: String,
    /// `Trial`, `Dungeon`, `Monster`, …
    pub set_type: String,
    /// PvE tier (`S`, `A`, …).
    pub pve_tier: Option<String>,
    /// Where it drops or is crafted.
    pub location: Option<String>,
    /// Affinity (0–1) per category.
    pub role_affinity: Vec<(Category, f64)>,
}

/// A skill as the feature database describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkillInfo {
    /// Canonical in-game name.
    pub name: String,
    /// Buffs it grants, e.g. `Major Sorcery`.
    pub buffs_granted: Vec<String>,
    /// Tags; `execute`, `sustain` and `aoe` (or `…-aoe`) shape the reasoning.
    pub tags: Vec<String>,
}

/// The feature database as the engine sees it: a set or skill by id or exact name
/// (case-insensitive); `None` when unknown.
pub trait FeatureLookup {
    /// The gear set with this id or name.
    fn gear_set(&self, id_or_name: &str) -> Option<SetInfo>;
    /// The skill with this id or name.
    fn skill(&self, id_or_name: &str) -> Option<SkillInfo>;
}

/// The result for one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Percentiles against the similar runs (§3).
    pub percentiles: Percentiles,
    /// The run's inferred role (§2).
    pub role: Role,
    /// At most 10, sorted by priority 1..n (a death first, then by score).
    pub recommendations: Vec<Advice>,
}

/// A recommendation before ranking; `first` ranks ahead of every score (a death).
pub(super) struct Candidate {
    pub first: bool,
    pub advice: Advice,
}

/// What every recommendation of one analysis needs.
pub(super) struct Context<'a> {
    pub percentiles: &'a Percentiles,
    /// The three weakest categories, weakest first (never empty).
    pub weak: Vec<Category>,
    pub features: &'a dyn FeatureLookup,
}

impl Context<'_> {
    pub fn weakest(&self) -> Category {
        self.weak.first().copied().unwrap_or(Category::DamageDealt)
    }

    /// `damage dealt (percentile 23)`; the percentile is rounded down, so it never claims
    /// more than the run did (0.996 is 99, not 100).
    pub fn describe(&self, c: Category) -> String {
        let p = self.percentiles.by_category.get(c);
        format!("{} (percentile {:.0})", c.label(), percent_down(p))
    }

    /// Whether advice may serve `c`: the run is below [`ADVICE_MAX_PERCENTILE`] of its
    /// similar runs there (§4).
    pub fn advisable(&self, c: Category) -> bool {
        self.percentiles.by_category.get(c) < ADVICE_MAX_PERCENTILE
    }

    /// The weak categories advice may serve ([`Self::advisable`]), weakest first.
    pub fn advisable_weak(&self) -> Vec<Category> {
        self.weak
            .iter()
            .copied()
            .filter(|c| self.advisable(*c))
            .collect()
    }

    /// A recommendation serving `category`, with the §4 formulas applied.
    pub fn advice(
        &self,
        kind: RecommendationKind,
        category: Category,
        current_state: String,
        recommended_change: String,
        reasoning: String,
    ) -> Advice {
        let p = self.percentiles.by_category.get(category);
        let pct = expected_improvement_pct(kind, category, p);
        let confidence = recommendation_confidence(self.percentiles.sample_size, p);
        Advice {
            kind,
            priority: 0,
            category,
            current_state,
            recommended_change,
            expected_improvement: format!("+{pct:.1}% {}", category.label()),
            expected_improvement_pct: pct,
            reasoning,
            confidence,
            score: confidence * pct,
        }
    }
}

/// The three categories with the lowest percentiles, weakest first; ties keep the order of
/// [`Category::ALL`]. Only categories that count for `role` (weight > 0, so never healing
/// for a DPS) are considered.
pub fn weakest_categories(p: &Percentiles, role: Role) -> Vec<Category> {
    let mut weighted: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| role.weight(*c) > 0.0)
        .collect();
    weighted.sort_by(|a, b| p.by_category.get(*a).total_cmp(&p.by_category.get(*b)));
    weighted.truncate(WEAK_CATEGORY_COUNT);
    weighted
}

/// NaN ranks below everything.
fn rank_value(v: f64) -> f64 {
    if v.is_nan() { f64::NEG_INFINITY } else { v }
}

/// Best first by the `by` score, then by the other scores (in [`Category::ALL`] order), then
/// by build: a total order, so the selection does not depend on the input order.
fn compare_peers(a: &PeerRun, b: &PeerRun, by: Category) -> Ordering {
    let desc = |c: Category| rank_value(b.scores.get(c)).total_cmp(&rank_value(a.scores.get(c)));
    Category::ALL
        .into_iter()
        .fold(desc(by), |order, c| order.then_with(|| desc(c)))
        .then_with(|| a.build.cmp(&b.build))
}

/// Top performers (§4): the successful runs among `candidates`, ranked by their `by` score
/// (the player's weakest category), best 10% kept (`⌊n/10⌋`, at least one when there is any).
pub fn top_performers(candidates: &[PeerRun], by: Category) -> Vec<&PeerRun> {
    let mut ranked: Vec<&PeerRun> = candidates.iter().filter(|p| p.success).collect();
    let keep = ((ranked.len() as f64 * TOP_PERFORMER_SHARE).floor() as usize).max(1);
    let order = |a: &&PeerRun, b: &&PeerRun| compare_peers(a, b, by);
    if keep < ranked.len() {
        // The best `keep` first (in any order), in linear time; then only they are sorted.
        ranked.select_nth_unstable_by(keep - 1, order);
        ranked.truncate(keep);
    }
    ranked.sort_by(order);
    ranked
}

/// Analyses `player` against `similar` (the similar runs' scores, §3) and `top_candidates`
/// (successful runs of the same content and difficulty, §4), with set and skill facts from
/// `features`. Never panics; non-finite numbers are treated as missing.
pub fn analyse(
    player: &PlayerRun,
    similar: &[ContributionScores],
    top_candidates: &[PeerRun],
    features: &dyn FeatureLookup,
) -> Analysis {
    let role = infer_role(&player.scores, player.dps, player.hps);
    let percentiles = percentiles(&player.scores, role, similar);
    let weak = weakest_categories(&percentiles, role);
    let below_median = weak
        .first()
        .is_some_and(|c| percentiles.by_category.get(*c) < MEDIAN_PERCENTILE);
    let recommendations = if below_median {
        let ctx = Context {
            percentiles: &percentiles,
            weak,
            features,
        };
        recommend(&ctx, player, top_candidates)
    } else {
        Vec::new()
    };
    Analysis {
        percentiles,
        role,
        recommendations,
    }
}

fn recommend(ctx: &Context<'_>, player: &PlayerRun, top_candidates: &[PeerRun]) -> Vec<Advice> {
    let top = top_performers(top_candidates, ctx.weakest());
    let mut candidates = Vec::new();
    if !top.is_empty() {
        let set_name = |n: &str| ctx.features.gear_set(n).map(|s| s.name);
        let sets = diff_names(
            &player.build.sets,
            top.iter().map(|p| p.build.sets.as_slice()),
            &set_name,
        );
        candidates.extend(gear_advice(ctx, &sets));
        let skill_name = |n: &str| ctx.features.skill(n).map(|s| s.name);
        let skills = diff_names(
            &player.build.skills,
            top.iter().map(|p| p.build.skills.as_slice()),
            &skill_name,
        );
        candidates.extend(skill_advice(ctx, &skills));
    }
    candidates.extend(rank(
        execution_advice(ctx, player),
        MAX_EXECUTION_RECOMMENDATIONS,
    ));
    if !top.is_empty() {
        candidates.extend(
            build_advice(ctx, player, &top)
                .into_iter()
                .take(MAX_BUILD_RECOMMENDATIONS),
        );
    }
    rank(candidates, MAX_RECOMMENDATIONS)
        .into_iter()
        .zip(1u8..)
        .map(|(c, priority)| Advice {
            priority,
            ..c.advice
        })
        .collect()
}

/// A death first, then by score descending; the sort is stable, so ties keep the order the
/// candidates were made in (gear, skill, execution, build; within each, the §4 order).
fn rank(mut candidates: Vec<Candidate>, cap: usize) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        b.first
            .cmp(&a.first)
            .then_with(|| b.advice.score.total_cmp(&a.advice.score))
    });
    candidates.truncate(cap);
    candidates
}

#[cfg(test)]
mod tests;
