//! Percentiles of a run against similar runs (RECOMMENDATIONS.md §3): which runs are similar,
//! the outlier rule, the percentile of a value in a pool, and the confidence in the result.

use std::cmp::Ordering;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::constants::*;
use super::scores::{Category, ContributionScores, Role};

/// How far percentiles can be trusted, from the number of similar runs (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Fewer than 10 similar runs.
    Low,
    /// 10 to 49 similar runs.
    Medium,
    /// 50 similar runs or more.
    High,
}

impl Confidence {
    /// `low` below 10 similar runs, `medium` below 50, else `high`.
    pub fn for_sample_size(similar_runs: usize) -> Self {
        if similar_runs < CONFIDENCE_MEDIUM_MIN_RUNS {
            Self::Low
        } else if similar_runs < CONFIDENCE_HIGH_MIN_RUNS {
            Self::Medium
        } else {
            Self::High
        }
    }
}

/// What decides whether two runs are similar (§3). `difficulty` is the stored spelling
/// (`normal`, `veteran`, …); both strings are compared exactly, as the SQL does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimilarityKey<'a> {
    /// Content name, e.g. `Sunspire`.
    pub content_name: &'a str,
    /// Difficulty.
    pub difficulty: &'a str,
    /// Champion points, 0–3600.
    pub cp_level: i32,
    /// Group size, 1–24; `None` when unknown (the game addon cannot tell).
    pub group_size: Option<i32>,
}

/// §3's rule for the similar-run pool: same content name and difficulty, champion points
/// within ±200 and group size within ±1 (both bounds inclusive), where an unknown group size
/// matches any. A run of unknown difficulty (`"unknown"`) is thus similar only to runs whose
/// difficulty is also unknown. Symmetric. The rest of the
/// selection is the caller's query: it excludes the run itself and keeps at most the
/// [`MAX_SIMILAR_RUNS`] most recent.
pub fn is_similar(run: &SimilarityKey<'_>, other: &SimilarityKey<'_>) -> bool {
    run.content_name == other.content_name
        && run.difficulty == other.difficulty
        && (i64::from(run.cp_level) - i64::from(other.cp_level)).abs() <= SIMILAR_CP_WINDOW
        && match (run.group_size, other.group_size) {
            (Some(a), Some(b)) => (i64::from(a) - i64::from(b)).abs() <= SIMILAR_GROUP_SIZE_WINDOW,
            _ => true,
        }
}

/// Quantile `q` (0–1) of ascending `sorted` values by linear interpolation between closest
/// ranks (numpy's default, Hyndman–Fan type 7): with `h = (n − 1)·q`, the value is
/// `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])`. `None` for no values.
fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * q;
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
    Some(a + (h - lo as f64) * (b - a))
}

/// The indices of ascending, finite `sorted` values that §3's outlier rule keeps: all of them
/// below 4 values or when `IQR ≤ 0`, else those within `[Q1 − 3·IQR, Q3 + 3·IQR]`, and all of
/// them again if that would keep none.
fn kept_range(sorted: &[f64]) -> Range<usize> {
    let all = 0..sorted.len();
    if sorted.len() < OUTLIER_MIN_POOL {
        return all;
    }
    let (Some(q1), Some(q3)) = (quantile_sorted(sorted, 0.25), quantile_sorted(sorted, 0.75))
    else {
        return all;
    };
    let iqr = q3 - q1;
    if iqr.partial_cmp(&0.0) != Some(Ordering::Greater) {
        return all;
    }
    let (low, high) = (q1 - OUTLIER_IQR_FACTOR * iqr, q3 + OUTLIER_IQR_FACTOR * iqr);
    let start = sorted.partition_point(|v| *v < low);
    let end = sorted.partition_point(|v| *v <= high);
    if start < end { start..end } else { all }
}

/// The finite values of `values`, ascending.
fn sorted_finite(values: impl Iterator<Item = f64>, into: &mut Vec<f64>) {
    into.clear();
    into.extend(values.filter(|v| v.is_finite()));
    into.sort_unstable_by(f64::total_cmp);
}

/// The pool without outliers (§3), in input order.
///
/// Non-finite values (NaN, ±∞) are not scores and are dropped first. Then, when at least 4
/// values remain and `IQR = Q3 − Q1 > 0` (quartiles by linear interpolation, see
/// `quantile_sorted`: numpy's default), values outside `[Q1 − 3·IQR, Q3 + 3·IQR]` are dropped;
/// if that would drop every value, all are kept.
pub fn filter_outliers(values: &[f64]) -> Vec<f64> {
    let mut sorted = Vec::with_capacity(values.len());
    sorted_finite(values.iter().copied(), &mut sorted);
    let kept = sorted.get(kept_range(&sorted)).unwrap_or_default();
    let (Some(low), Some(high)) = (kept.first().copied(), kept.last().copied()) else {
        return Vec::new();
    };
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && (low..=high).contains(v))
        .collect()
}

/// Percentile of `value` in `pool` (§3): the share of pool values strictly below it, in
/// 0–1; 0.5 for an empty pool. A NaN `value` is below nothing (0); NaN pool values count
/// in `|P|` but are never below (use [`filter_outliers`] first, which drops them).
pub fn percentile_of(value: f64, pool: &[f64]) -> f64 {
    if pool.is_empty() {
        return EMPTY_POOL_PERCENTILE;
    }
    let below = pool.iter().filter(|v| **v < value).count();
    below as f64 / pool.len() as f64
}

/// A run's percentiles against its similar runs (§3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Per category, the percentile (0–1) of the run's score among the similar runs'
    /// scores of that category, outliers dropped ([`filter_outliers`], [`percentile_of`]).
    pub by_category: ContributionScores,
    /// The role-weighted percentile: Σ over categories of the role's weight (§2) × the
    /// category's percentile, 0–1.
    pub overall: f64,
    /// Number of similar runs the percentiles were computed against (before outliers were
    /// dropped, which happens per category).
    pub sample_size: usize,
    /// [`Confidence::for_sample_size`] of `sample_size`.
    pub confidence: Confidence,
}

/// Percentiles of `player` among `pool` (the similar runs' scores), the overall one weighted
/// for `role`. Independent of the order of `pool`; every value is in 0–1; an empty pool puts
/// every category at 0.5.
pub fn percentiles(
    player: &ContributionScores,
    role: Role,
    pool: &[ContributionScores],
) -> Percentiles {
    // The same as `percentile_of(v, &filter_outliers(values))`, on one sorted buffer.
    let mut sorted = Vec::with_capacity(pool.len());
    let by_category = ContributionScores::from_fn(|c: Category| {
        sorted_finite(pool.iter().map(|s| s.get(c)), &mut sorted);
        let kept = sorted.get(kept_range(&sorted)).unwrap_or_default();
        if kept.is_empty() {
            return EMPTY_POOL_PERCENTILE;
        }
        let value = player.get(c);
        kept.partition_point(|v| *v < value) as f64 / kept.len() as f64
    });
    Percentiles {
        by_category,
        overall: by_category.combined(role).clamp(0.0, 1.0),
        sample_size: pool.len(),
        confidence: Confidence::for_sample_size(pool.len()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn uniform(v: f64) -> ContributionScores {
        ContributionScores::from_fn(|_| v)
    }

    #[test]
    fn confidence_thresholds() {
        assert_eq!(Confidence::for_sample_size(0), Confidence::Low);
        assert_eq!(Confidence::for_sample_size(9), Confidence::Low);
        assert_eq!(Confidence::for_sample_size(10), Confidence::Medium);
        assert_eq!(Confidence::for_sample_size(49), Confidence::Medium);
        assert_eq!(Confidence::for_sample_size(50), Confidence::High);
        assert_eq!(
            serde_json::to_string(&Confidence::Medium).ok().as_deref(),
            Some("\"medium\"")
        );
    }

    #[test]
    fn quartiles_interpolate_like_numpy() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        // h = 4·0.25 = 1 → 2; h = 4·0.75 = 3 → 4; h = 4·0.1 = 0.4 → 1.4
        assert_eq!(quantile_sorted(&x, 0.25), Some(2.0));
        assert_eq!(quantile_sorted(&x, 0.75), Some(4.0));
        assert!(quantile_sorted(&x, 0.1).is_some_and(|q| close(q, 1.4)));
        // n = 4: h = 0.75 → 1 + 0.75·1 = 1.75; h = 2.25 → 3 + 0.25·1 = 3.25
        let y = [1.0, 2.0, 3.0, 4.0];
        assert!(quantile_sorted(&y, 0.25).is_some_and(|q| close(q, 1.75)));
        assert!(quantile_sorted(&y, 0.75).is_some_and(|q| close(q, 3.25)));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn iqr_filter_by_hand() {
        // Q1 = 2, Q3 = 4, IQR = 2 → fences [−4, 10]: 10 stays, 10.5 would not.
        let kept = filter_outliers(&[4.0, 1.0, 10.0, 2.0, 3.0]);
        assert_eq!(kept, vec![4.0, 1.0, 10.0, 2.0, 3.0]);
        // 1, 2, 3, 4, 100: Q1 = 2, Q3 = 4, fences [−4, 10] → 100 dropped, order kept.
        assert_eq!(
            filter_outliers(&[3.0, 100.0, 1.0, 2.0, 4.0]),
            vec![3.0, 1.0, 2.0, 4.0]
        );
        // Low outliers too: −50 below Q1 − 3·IQR.
        assert_eq!(
            filter_outliers(&[-50.0, 1.0, 2.0, 3.0, 4.0]),
            vec![1.0, 2.0, 3.0, 4.0]
        );
        // Fewer than 4 values: untouched, however far apart.
        assert_eq!(filter_outliers(&[0.0, 0.1, 100.0]), vec![0.0, 0.1, 100.0]);
        // IQR = 0: untouched.
        assert_eq!(
            filter_outliers(&[0.5, 0.5, 0.5, 0.5, 0.9]),
            vec![0.5, 0.5, 0.5, 0.5, 0.9]
        );
        // Non-finite values are dropped first.
        assert_eq!(
            filter_outliers(&[f64::NAN, 0.2, f64::INFINITY, 0.4]),
            vec![0.2, 0.4]
        );
    }

    #[test]
    fn percentile_edges() {
        assert_eq!(percentile_of(0.3, &[]), 0.5, "empty pool → median");
        assert_eq!(
            percentile_of(0.5, &[0.5, 0.5, 0.5]),
            0.0,
            "all equal: none below"
        );
        assert_eq!(percentile_of(0.9, &[0.1, 0.2, 0.3, 0.4]), 1.0, "best");
        assert_eq!(percentile_of(0.0, &[0.1, 0.2, 0.3, 0.4]), 0.0, "worst");
        assert_eq!(percentile_of(0.25, &[0.1, 0.2, 0.3, 0.4]), 0.5);
        assert_eq!(percentile_of(f64::NAN, &[0.1]), 0.0);

        let empty = percentiles(&uniform(0.3), Role::Dps, &[]);
        assert_eq!(empty.by_category, uniform(0.5));
        assert!(close(empty.overall, 0.5));
        assert_eq!((empty.sample_size, empty.confidence), (0, Confidence::Low));
    }

    #[test]
    fn percentiles_per_category_and_role_weighted_overall() {
        // Pool damage_dealt: 0.1, 0.2, 0.3, 0.4, 0.9 (no outlier: Q1 .2, Q3 .4, fences [−.4, 1]);
        // every other category 0.5.
        let pool: Vec<ContributionScores> = [0.1, 0.2, 0.3, 0.4, 0.9]
            .iter()
            .map(|d| ContributionScores {
                damage_dealt: *d,
                ..uniform(0.5)
            })
            .collect();
        let player = ContributionScores {
            damage_dealt: 0.35,
            buff_uptime: 0.6,
            ..uniform(0.5)
        };
        let p = percentiles(&player, Role::Dps, &pool);
        assert!(close(p.by_category.damage_dealt, 3.0 / 5.0));
        assert!(close(p.by_category.buff_uptime, 1.0));
        assert!(close(p.by_category.healing_done, 0.0), "equal is not below");
        // DPS: .50·.6 + .15·1 (buff) + 0 elsewhere
        assert!(close(p.overall, 0.5 * 0.6 + 0.15 * 1.0));
        assert_eq!((p.sample_size, p.confidence), (5, Confidence::Low));
    }

    #[test]
    fn an_outlier_does_not_count_in_the_pool() {
        // 0.40, 0.41, 0.42, 0.43 and a 0.99 far above Q3 + 3·IQR (0.4225 + 0.045).
        let pool: Vec<ContributionScores> = [0.40, 0.41, 0.42, 0.43, 0.99]
            .iter()
            .map(|v| uniform(*v))
            .collect();
        let p = percentiles(&uniform(0.5), Role::Dps, &pool);
        assert!(
            close(p.by_category.damage_dealt, 1.0),
            "best of the four kept"
        );
    }

    #[test]
    fn similarity_rule() {
        let base = SimilarityKey {
            content_name: "Sunspire",
            difficulty: "veteran",
            cp_level: 1800,
            group_size: Some(12),
        };
        let cases = [
            (base, true, "identical"),
            (
                SimilarityKey {
                    cp_level: 2000,
                    ..base
                },
                true,
                "+200 CP",
            ),
            (
                SimilarityKey {
                    cp_level: 1600,
                    ..base
                },
                true,
                "−200 CP",
            ),
            (
                SimilarityKey {
                    cp_level: 2001,
                    ..base
                },
                false,
                "+201 CP",
            ),
            (
                SimilarityKey {
                    group_size: Some(11),
                    ..base
                },
                true,
                "−1 group",
            ),
            (
                SimilarityKey {
                    group_size: Some(14),
                    ..base
                },
                false,
                "+2 group",
            ),
            (
                SimilarityKey {
                    content_name: "Cloudrest",
                    ..base
                },
                false,
                "other content",
            ),
            (
                SimilarityKey {
                    difficulty: "normal",
                    ..base
                },
                false,
                "other difficulty",
            ),
            (
                SimilarityKey {
                    group_size: None,
                    ..base
                },
                true,
                "unknown group size matches any",
            ),
            (
                SimilarityKey {
                    difficulty: "unknown",
                    group_size: None,
                    ..base
                },
                false,
                "unknown difficulty only matches unknown",
            ),
        ];
        for (other, expected, case) in cases {
            assert_eq!(is_similar(&base, &other), expected, "{case}");
            assert_eq!(is_similar(&other, &base), expected, "{case} (symmetric)");
        }
    }

    /// A pinned consequence of §3's outlier rule (documented, not a bug of the code): adding
    /// a lower run can move Q3 up enough to readmit a high value that was an outlier, which
    /// lowers the percentile of a player between the two.
    #[test]
    fn a_worse_run_can_readmit_a_high_outlier() {
        // sorted 0,0,.1,.1,.1,.1,.5,.6: Q1 .075, Q3 .2 → upper fence .575 drops .6 → 7/7 below .6
        let pool = [0.0, 0.1, 0.6, 0.1, 0.5, 0.0, 0.1, 0.1];
        assert!(close(percentile_of(0.6, &filter_outliers(&pool)), 1.0));
        // + 0.4: Q3 = .425, fence 1.4 → .6 is back: 8 of 9 below.
        let mut more = pool.to_vec();
        more.push(0.4);
        assert!(close(
            percentile_of(0.6, &filter_outliers(&more)),
            8.0 / 9.0
        ));
    }

    fn score() -> impl Strategy<Value = f64> {
        prop_oneof![0.0..=1.0f64, Just(0.0), Just(0.5), Just(1.0)]
    }

    fn scores() -> impl Strategy<Value = ContributionScores> {
        proptest::array::uniform7(score()).prop_map(|a| {
            let mut it = a.into_iter();
            ContributionScores::from_fn(|_| it.next().unwrap_or(0.0))
        })
    }

    fn role() -> impl Strategy<Value = Role> {
        prop_oneof![Just(Role::Dps), Just(Role::Healer), Just(Role::Tank)]
    }

    proptest! {
        #[test]
        fn percentiles_stay_in_unit_range(
            player in scores(),
            pool in proptest::collection::vec(scores(), 0..40),
            role in role(),
            hostile in proptest::collection::vec(prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1e300)], 0..3),
        ) {
            let mut pool = pool;
            for h in hostile {
                pool.push(ContributionScores::from_fn(|_| h));
            }
            let p = percentiles(&player, role, &pool);
            for c in Category::ALL {
                prop_assert!((0.0..=1.0).contains(&p.by_category.get(c)), "{c:?}");
            }
            prop_assert!((0.0..=1.0).contains(&p.overall));
            let nan = percentiles(&ContributionScores::from_fn(|_| f64::NAN), role, &pool);
            prop_assert!((0.0..=1.0).contains(&nan.overall));
        }

        /// The one-buffer implementation in `percentiles` is §3's two steps.
        #[test]
        fn percentiles_are_rank_after_outlier_filter(
            player in scores(),
            pool in proptest::collection::vec(scores(), 0..40),
            far in proptest::collection::vec(prop_oneof![Just(-5.0), Just(9.0), Just(f64::NAN)], 0..3),
        ) {
            let mut pool = pool;
            pool.extend(far.into_iter().map(|v| ContributionScores::from_fn(|_| v)));
            let p = percentiles(&player, Role::Tank, &pool);
            for c in Category::ALL {
                let column: Vec<f64> = pool.iter().map(|s| s.get(c)).collect();
                prop_assert_eq!(p.by_category.get(c), percentile_of(player.get(c), &filter_outliers(&column)));
            }
        }

        /// Ranking alone (`percentile_of`) is monotone: one more run below the player never
        /// lowers the percentile.
        #[test]
        fn a_worse_run_never_lowers_the_rank(
            pool in proptest::collection::vec(score(), 0..40),
            v in score(),
            fraction in 0.0..1.0f64,
        ) {
            prop_assume!(v > 0.0);
            let worse = v * fraction;
            let mut more = pool.clone();
            more.push(worse);
            prop_assert!(percentile_of(v, &more) >= percentile_of(v, &pool));
        }

        /// Through the whole §3 pipeline (outliers, then rank), for a category: one more run
        /// below the player never lowers the percentile when the outlier rule keeps the same
        /// runs of the original pool (see `a_worse_run_can_readmit_a_high_outlier` for when it does not).
        #[test]
        fn a_worse_run_never_lowers_a_category_percentile(
            player in scores(),
            pool in proptest::collection::vec(scores(), 0..40),
            fraction in 0.0..1.0f64,
            c in proptest::sample::select(Category::ALL.to_vec()),
        ) {
            let v = player.get(c);
            prop_assume!(v > 0.0);
            let worse = ContributionScores::from_fn(|_| v * fraction);
            let mut more = pool.clone();
            more.push(worse);
            let column = |p: &[ContributionScores]| p.iter().map(|s| s.get(c)).collect::<Vec<_>>();
            let (before, after) = (column(&pool), column(&more));
            // The same runs of the original pool survive the outlier rule (the new one may or
            // may not: values equal to it share its fate).
            let mut kept_before = filter_outliers(&before);
            let mut kept_after = filter_outliers(&after);
            if let Some(i) = kept_after.iter().position(|x| *x == v * fraction) {
                kept_after.remove(i);
            }
            kept_before.sort_by(f64::total_cmp);
            kept_after.sort_by(f64::total_cmp);
            prop_assume!(kept_before == kept_after);
            let p0 = percentiles(&player, Role::Dps, &pool).by_category.get(c);
            let p1 = percentiles(&player, Role::Dps, &more).by_category.get(c);
            prop_assert!(p1 >= p0, "{c:?}: {p0} → {p1}");
        }
    }
}
