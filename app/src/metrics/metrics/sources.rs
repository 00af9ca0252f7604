//! Figures other modules count themselves, read at each scrape: SQL statements
//! ([`Db::statement_count`]), feature-cache hits, misses and entries
//! ([`FeatureCache::stats`]) and rate-limit refusals ([`RateLimits::refusals`]).

use std::sync::Arc;

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeMetric},
    metrics::{MetricType, counter::ConstCounter, gauge::ConstGauge},
};

use crate::{db::Db, features::cache::FeatureCache, http::rate_limit::RateLimits};

/// The modules whose own counters `/metrics` reports.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The pool whose statements are counted.
    pub db: Db,
    /// The feature caches.
    pub features: Arc<FeatureCache>,
    /// The rate limiters.
    pub limits: Arc<RateLimits>,
}

/// One labelled family of constant values under `name`.
fn family<M: EncodeMetric>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    metric_type: MetricType,
    label: &'static str,
    values: impl IntoIterator<Item = (&'static str, M)>,
) -> Result<(), std::fmt::Error> {
    let mut metric = encoder.encode_descriptor(name, help, None, metric_type)?;
    for (value, m) in values {
        let labels = [(label, value)];
        m.encode(metric.encode_family(&labels)?)?;
    }
    Ok(())
}

impl Collector for Sources {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let statements = ConstCounter::new(self.db.statement_count());
        statements.encode(encoder.encode_descriptor(
            "db_statements",
            "SQL statements sent to the database",
            None,
            MetricType::Counter,
        )?)?;

        let caches = self.features.stats();
        family(
            &mut encoder,
            "cache_hits",
            "Feature-cache lookups answered from the cache, by cache",
            MetricType::Counter,
            "cache",
            caches.map(|c| (c.name, ConstCounter::new(c.hits))),
        )?;
        family(
            &mut encoder,
            "cache_misses",
            "Feature-cache lookups that loaded from the database, by cache",
            MetricType::Counter,
            "cache",
            caches.map(|c| (c.name, ConstCounter::new(c.misses))),
        )?;
        family(
            &mut encoder,
            "cache_entries",
            "Entries held by each feature cache (approximate: expiry is applied lazily)",
            MetricType::Gauge,
            "cache",
            caches.map(|c| {
                (
                    c.name,
                    ConstGauge::new(i64::try_from(c.entries).unwrap_or(i64::MAX)),
                )
            }),
        )?;
        family(
            &mut encoder,
            "rate_limit_refusals",
            "Requests refused with 429, by limit (auth, refresh, default per client IP; account per login)",
            MetricType::Counter,
            "bucket",
            self.limits
                .refusals()
                .map(|(bucket, n)| (bucket, ConstCounter::new(n))),
        )?;
        Ok(())
    }
}
