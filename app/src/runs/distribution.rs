//! DPS distributions per content and difficulty, behind `GET /analytics/percentile-trend`.
//!
//! Ranking a player's runs against every player's runs of the same content and difficulty with
//! a window function reads the whole table on every request (~2 s at 100,000 runs under load).
//! Instead each instance keeps, per `(content_name, difficulty)`, the sorted DPS values of all
//! runs (at most [`MAX_POINTS`] quantile points, so memory stays bounded whatever the table
//! size) in a TTL cache. A request then costs one indexed statement for the caller's runs and a
//! binary search per run; missing distributions are loaded together by one more statement, one
//! loader at a time (concurrent requests wait for it instead of repeating the scan).
//!
//! Freshness: a distribution is at most [`TTL`] old, so a percentile may not yet count runs
//! submitted by other players in that window. Ranks are exact up to [`MAX_POINTS`] runs per
//! pool; beyond, the error is below `1 / MAX_POINTS` (0.025 percentage points).

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use moka::future::Cache;
use tokio::sync::Mutex;

use crate::{db::Db, error::AppError};

/// How long a loaded distribution is used before it is read again.
pub const TTL: Duration = Duration::from_secs(60);
/// Largest number of points kept per distribution (beyond it, evenly spaced quantiles).
pub const MAX_POINTS: usize = 4096;
/// Largest number of distributions kept (content × difficulty pairs).
const CAPACITY: u64 = 10_000;

/// `(content_name, difficulty)` as stored.
pub type PoolKey = (String, String);

/// The DPS values of one pool, sorted ascending (possibly as quantile points).
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    points: Vec<f64>,
    total: u64,
}

impl Distribution {
    /// From every DPS value of the pool, in any order; keeps at most [`MAX_POINTS`] points.
    pub fn new(mut values: Vec<f64>) -> Self {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        let total = values.len() as u64;
        if values.len() > MAX_POINTS {
            let last = (values.len() - 1) as f64;
            values = (0..MAX_POINTS)
                .map(|i| {
                    let at = (i as f64 * last / (MAX_POINTS - 1) as f64).round() as usize;
                    values[at.min(values.len() - 1)]
                })
                .collect();
        }
        Self {
            points: values,
            total,
        }
    }

    /// Runs in the pool.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The share, 0–1, of the pool's *other* runs with lower DPS than `dps` (the run itself is
    /// assumed to be in the pool); 0.5 when the pool holds no other run.
    pub fn percentile(&self, dps: f64) -> f64 {
        if self.total <= 1 {
            return 0.5;
        }
        let below = self.points.partition_point(|v| *v < dps);
        let lower = if self.points.len() as u64 == self.total {
            below as f64
        } else {
            // Quantile points: point i stands for rank i·(total−1)/(points−1).
            below as f64 * (self.total - 1) as f64 / (self.points.len() - 1).max(1) as f64
        };
        (lower / (self.total - 1) as f64).clamp(0.0, 1.0)
    }
}

/// The per-instance cache of [`Distribution`]s.
pub struct DpsDistributions {
    cache: Cache<PoolKey, Arc<Distribution>>,
    loading: Mutex<()>,
}

impl std::fmt::Debug for DpsDistributions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpsDistributions")
            .field("entries", &self.cache.entry_count())
            .finish_non_exhaustive()
    }
}

impl Default for DpsDistributions {
    fn default() -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
            loading: Mutex::new(()),
        }
    }
}

impl DpsDistributions {
    /// The distribution of each key (a key with no runs gets an empty one).
    ///
    /// # Errors
    /// Database errors while loading missing distributions (nothing is cached then).
    pub async fn get_many(
        &self,
        db: &Db,
        keys: &BTreeSet<PoolKey>,
    ) -> Result<Vec<(PoolKey, Arc<Distribution>)>, AppError> {
        let mut found = Vec::with_capacity(keys.len());
        let mut missing = self.collect_cached(keys, &mut found).await;
        if !missing.is_empty() {
            let _one_loader = self.loading.lock().await;
            // Another request may have loaded them while this one waited.
            missing = self.collect_cached(&missing, &mut found).await;
            if !missing.is_empty() {
                for (key, dist) in load(db, &missing).await? {
                    self.cache.insert(key.clone(), dist.clone()).await;
                    found.push((key, dist));
                }
            }
        }
        Ok(found)
    }

    async fn collect_cached(
        &self,
        keys: &BTreeSet<PoolKey>,
        found: &mut Vec<(PoolKey, Arc<Distribution>)>,
    ) -> BTreeSet<PoolKey> {
        let mut missing = BTreeSet::new();
        for k in keys {
            match self.cache.get(k).await {
                Some(d) => found.push((k.clone(), d)),
                None => {
                    missing.insert(k.clone());
                }
            }
        }
        missing
    }
}

/// One statement reading the DPS of every run in the given pools.
async fn load(
    db: &Db,
    keys: &BTreeSet<PoolKey>,
) -> Result<Vec<(PoolKey, Arc<Distribution>)>, AppError> {
    Ok(super::store::dps_in_pools(db, keys)
        .await?
        .into_iter()
        .map(|(k, v)| (k, Arc::new(Distribution::new(v))))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_pools_rank_exactly() {
        let d = Distribution::new(vec![120.0, 80.0, 100.0]);
        assert_eq!(d.percentile(80.0), 0.0);
        assert_eq!(d.percentile(100.0), 0.5);
        assert_eq!(d.percentile(120.0), 1.0);
        assert_eq!(Distribution::new(vec![50.0]).percentile(50.0), 0.5);
        assert_eq!(Distribution::new(vec![]).percentile(1.0), 0.5);
    }

    #[test]
    fn ties_count_as_not_lower() {
        let d = Distribution::new(vec![10.0, 10.0, 10.0, 20.0, 30.0]);
        assert_eq!(d.percentile(10.0), 0.0);
        assert_eq!(d.percentile(20.0), 0.75);
    }

    #[test]
    fn large_pools_keep_bounded_points_and_stay_close() {
        let n = 100_000;
        let d = Distribution::new((0..n).rev().map(f64::from).collect());
        assert_eq!(d.points.len(), MAX_POINTS);
        assert_eq!(d.total(), n as u64);
        for v in [0.0, 1.0, 12_345.0, 50_000.0, 99_998.0, 99_999.0] {
            let exact = v / f64::from(n - 1);
            let err = (d.percentile(v) - exact).abs();
            assert!(err <= 1.0 / MAX_POINTS as f64, "{v}: {err}");
        }
    }

    #[test]
    fn non_finite_values_are_ignored() {
        let d = Distribution::new(vec![f64::NAN, 1.0, 2.0, f64::INFINITY]);
        assert_eq!(d.total(), 2);
    }
}
