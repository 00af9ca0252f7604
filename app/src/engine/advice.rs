//! What a recommendation is (RECOMMENDATIONS.md §4) and the two formulas every one of them
//! shares: expected improvement and confidence.

use serde::{Deserialize, Serialize};

use super::constants::*;
use super::scores::Category;

/// What a recommendation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecommendationKind {
    /// Gear sets.
    Gear,
    /// Skills on the bars.
    Skill,
    /// How the fight was played (uptimes, deaths, overhealing).
    Execution,
    /// Class or subclass.
    Build,
}

impl RecommendationKind {
    /// `t` of the expected-improvement formula (§4): gear .08, skill .05, execution .12,
    /// build .15.
    pub fn improvement_t(self) -> f64 {
        match self {
            Self::Gear => IMPROVEMENT_T_GEAR,
            Self::Skill => IMPROVEMENT_T_SKILL,
            Self::Execution => IMPROVEMENT_T_EXECUTION,
            Self::Build => IMPROVEMENT_T_BUILD,
        }
    }
}

/// One recommendation (§4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// What it is about.
    pub kind: RecommendationKind,
    /// 1 (most important) to 10: the position in the sorted list.
    pub priority: u8,
    /// The weak category it serves, whose percentile the formulas use.
    pub category: Category,
    /// What the player does now, e.g. `Wearing Kinras's Wrath`.
    pub current_state: String,
    /// What to change, e.g. `Switch to Perfected Relequen instead of Kinras's Wrath`.
    pub recommended_change: String,
    /// The expected gain in words: `+{expected_improvement_pct}% {category}`, e.g.
    /// `+10.4% damage dealt`.
    pub expected_improvement: String,
    /// The expected gain, percent (0–100 scale), rounded to 0.1.
    pub expected_improvement_pct: f64,
    /// Why, in words.
    pub reasoning: String,
    /// 0–1 (§4 formula, clamped to 0.3–0.95; a death 0.95; a build switch × 0.6).
    pub confidence: f64,
    /// Ranking score: `confidence × expected_improvement_pct`.
    pub score: f64,
}

/// `gap = max(0, 0.5 − p)` of §4; 0 for a NaN percentile.
fn gap(percentile: f64) -> f64 {
    (MEDIAN_PERCENTILE - percentile).max(0.0)
}

/// §4 expected improvement, percent, for a `kind` recommendation serving `category` at
/// `percentile` (0–1): `gap·100·t·w_m + t·100`, rounded to 0.1, with `gap = max(0, 0.5 − p)`.
pub fn expected_improvement_pct(
    kind: RecommendationKind,
    category: Category,
    percentile: f64,
) -> f64 {
    let t = kind.improvement_t();
    let w = IMPROVEMENT_CATEGORY_WEIGHTS
        .get(category.index())
        .copied()
        .unwrap_or(0.0);
    let pct = gap(percentile) * 100.0 * t * w + t * 100.0;
    (pct * 10.0).round() / 10.0
}

/// §4 confidence of a recommendation serving a category at `percentile` (0–1) with
/// `similar_runs` similar runs: base .9 (≥ 50 runs), .75 (≥ 30), .6 (≥ 10), else .4, times
/// `0.5 + min(gap, 0.5)`, clamped to [0.3, 0.95].
pub fn recommendation_confidence(similar_runs: usize, percentile: f64) -> f64 {
    let base = if similar_runs >= CONFIDENCE_BASE_HIGH_MIN_RUNS {
        CONFIDENCE_BASE_HIGH
    } else if similar_runs >= CONFIDENCE_BASE_MEDIUM_MIN_RUNS {
        CONFIDENCE_BASE_MEDIUM
    } else if similar_runs >= CONFIDENCE_BASE_LOW_MIN_RUNS {
        CONFIDENCE_BASE_LOW
    } else {
        CONFIDENCE_BASE_MINIMAL
    };
    (base * (0.5 + gap(percentile).min(CONFIDENCE_GAP_CAP))).clamp(CONFIDENCE_MIN, CONFIDENCE_MAX)
}

/// `x` rounded to 0.1, without a trailing `.0` (`8`, `12.5`); 0 when not finite.
pub(crate) fn fmt_num(x: f64) -> String {
    let r = if x.is_finite() {
        (x * 10.0).round() / 10.0
    } else {
        0.0
    };
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A share 0–1 as a whole percent, `42%`.
pub(crate) fn fmt_share(share: f64) -> String {
    let pct = if share.is_finite() {
        (share * 100.0).round()
    } else {
        0.0
    };
    format!("{pct:.0}%")
}

/// Float noise tolerated when rounding a percent down: `0.29 · 100` is `28.999…96`, yet 29.
const PERCENT_NOISE: f64 = 1e-9;

/// A share 0–1 as a whole percent rounded down (0 when not finite): `0.846` → 84, `0.29` → 29.
pub(crate) fn percent_down(share: f64) -> f64 {
    if share.is_finite() {
        (share * 100.0 + PERCENT_NOISE).floor()
    } else {
        0.0
    }
}

/// A value and the threshold it is shown beside (§4), both shares 0–1, as whole percents
/// rounded down the same way: `0.846` beside `0.85` is `84%` beside `85%`, never `85%` beside
/// `85%`. A value below its threshold is always shown below it (thresholds are whole
/// percents, so only float noise right under one needs the guard); one above or at it is
/// never shown below it.
pub(crate) fn fmt_beside(value: f64, threshold: f64) -> (String, String) {
    let (mut v, t) = (percent_down(value), percent_down(threshold));
    if value < threshold && v >= t {
        v = t - 1.0;
    }
    (format!("{v:.0}%"), format!("{t:.0}%"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn expected_improvement_by_hand() {
        // gear, damage dealt at p = .2: gap .3 → .3·100·.08·1.0 + 8 = 2.4 + 8 = 10.4
        assert_eq!(
            expected_improvement_pct(RecommendationKind::Gear, Category::DamageDealt, 0.2),
            10.4
        );
        // execution, buff uptime at p = .1: .4·100·.12·.6 + 12 = 2.88 + 12 = 14.88 → 14.9
        assert_eq!(
            expected_improvement_pct(RecommendationKind::Execution, Category::BuffUptime, 0.1),
            14.9
        );
        // at or above the median only t·100 is left: skill 5, build 15
        assert_eq!(
            expected_improvement_pct(RecommendationKind::Skill, Category::HealingDone, 0.7),
            5.0
        );
        assert_eq!(
            expected_improvement_pct(RecommendationKind::Build, Category::DamageTaken, f64::NAN),
            15.0
        );
    }

    #[test]
    fn confidence_by_hand() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // .9 · (.5 + .3) = .72
        assert!(close(recommendation_confidence(50, 0.2), 0.72));
        // .75 · (.5 + .5) = .75 (gap capped at .5 even for p < 0)
        assert!(close(recommendation_confidence(30, -1.0), 0.75));
        // .6 · .5 = .3; .4 · .5 = .2 → clamped to .3
        assert!(close(recommendation_confidence(10, 0.5), 0.3));
        assert!(close(recommendation_confidence(9, 0.9), 0.3));
        // .9 · 1.0 = .9; the cap .95 is only reached through the death rule
        assert!(close(recommendation_confidence(1000, 0.0), 0.9));
        assert!(close(recommendation_confidence(29, 0.25), 0.6 * 0.75));
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(fmt_num(8.0), "8");
        assert_eq!(fmt_num(12.46), "12.5");
        assert_eq!(fmt_num(f64::NAN), "0");
        assert_eq!(fmt_share(0.426), "43%");
        assert_eq!(fmt_share(f64::INFINITY), "0%");
    }

    #[test]
    fn a_value_beside_its_threshold_is_rounded_down_like_it() {
        let beside = |v: f64, t: f64| {
            let (v, t) = fmt_beside(v, t);
            format!("{v} under {t}")
        };
        assert_eq!(beside(0.846, 0.85), "84% under 85%");
        assert_eq!(beside(0.849_999_999_999, 0.85), "84% under 85%");
        assert_eq!(beside(0.85 - f64::EPSILON, 0.85), "84% under 85%");
        assert_eq!(beside(0.799, 0.8), "79% under 80%");
        assert_eq!(beside(0.29, 0.8), "29% under 80%", "0.29·100 is 28.99…");
        assert_eq!(beside(0.0, 0.8), "0% under 80%");
        assert_eq!(beside(f64::NAN, 0.8), "0% under 80%");
        // Over a threshold: never shown under it.
        assert_eq!(beside(0.3069, 0.3), "30% under 30%");
        assert_eq!(beside(0.31, 0.3), "31% under 30%");
        assert_eq!(percent_down(0.7499), 74.0);
        assert_eq!(percent_down(0.75), 75.0);
        assert_eq!(percent_down(1.0), 100.0);
        assert_eq!(percent_down(0.1), 10.0);
    }

    proptest! {
        #[test]
        fn a_value_under_its_threshold_is_never_shown_at_or_over_it(
            value in prop_oneof![
                0.0..=1.0f64,
                (0u32..=10_000).prop_map(|k| f64::from(k) / 10_000.0),
                (0u32..=100, 1u32..1_000).prop_map(|(p, k)| f64::from(p) / 100.0 - f64::from(k) * f64::EPSILON),
            ],
            threshold in proptest::sample::select(vec![0.3, 0.8, 0.85, 0.9, 0.29, 0.57, 1.0]),
        ) {
            let (v, t) = fmt_beside(value, threshold);
            let number = |s: &str| s.trim_end_matches('%').parse::<i64>().unwrap_or(i64::MIN);
            let (v, t) = (number(&v), number(&t));
            if value < threshold {
                prop_assert!(v < t, "{value} beside {threshold}: {v}% and {t}%");
            } else {
                prop_assert!(v >= t, "{value} beside {threshold}: {v}% and {t}%");
            }
            prop_assert!(v as f64 <= value * 100.0 + 1e-6, "rounded down: {value} as {v}%");
        }
    }
}
