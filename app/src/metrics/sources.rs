//! Figures other modules count themselves, read at each scrape: SQL statements
//! ([`Db::statement_count`]), the hits, misses and entries of every registered
//! [`CacheSource`], rate-limit refusals ([`RateLimits::refusals`]) and, with
//! `[redis]`, whether Redis answers ([`Cluster::is_up`]).

use std::sync::Arc;

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeMetric},
    metrics::{MetricType, counter::ConstCounter, gauge::ConstGauge},
};

use crate::{
    cache::CacheSource, cluster::Cluster, db::Db, http::rate_limit::RateLimits, mail::MailStats,
};

/// The modules whose own counters `/metrics` reports.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The pool whose statements are counted.
    pub db: Db,
    /// Every cache reported, in order.
    pub caches: Vec<Arc<dyn CacheSource>>,
    /// The rate limiters.
    pub limits: Arc<RateLimits>,
    /// The Redis link, when configured.
    pub cluster: Option<Arc<Cluster>>,
    /// The mail outbox worker's figures.
    pub mail: Arc<MailStats>,
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

        let full = ConstCounter::new(self.db.storage_full_count());
        full.encode(encoder.encode_descriptor(
            "db_storage_full",
            "Writes the database refused for lack of space (SQLITE_FULL, PostgreSQL 53100/53200); each answered 507",
            None,
            MetricType::Counter,
        )?)?;

        let caches: Vec<_> = self.caches.iter().flat_map(|c| c.cache_stats()).collect();
        family(
            &mut encoder,
            "cache_hits",
            "Cache lookups answered from the cache, by cache (features, sets, lists, catalog, player_reads, similar_pools)",
            MetricType::Counter,
            "cache",
            caches.iter().map(|c| (c.name, ConstCounter::new(c.hits))),
        )?;
        family(
            &mut encoder,
            "cache_misses",
            "Cache lookups that loaded from the database, by cache",
            MetricType::Counter,
            "cache",
            caches.iter().map(|c| (c.name, ConstCounter::new(c.misses))),
        )?;
        family(
            &mut encoder,
            "cache_entries",
            "Entries held by each cache (approximate: expiry is applied lazily)",
            MetricType::Gauge,
            "cache",
            caches.iter().map(|c| {
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
        let gauge = |n: u64| ConstGauge::new(i64::try_from(n).unwrap_or(i64::MAX));
        gauge(self.mail.depth()).encode(encoder.encode_descriptor(
            "mail_outbox_depth",
            "Mails waiting in the outbox (neither delivered nor given up on), at this instance's last look",
            None,
            MetricType::Gauge,
        )?)?;
        ConstCounter::new(self.mail.sent()).encode(encoder.encode_descriptor(
            "mail_sent",
            "Mails this instance delivered",
            None,
            MetricType::Counter,
        )?)?;
        ConstCounter::new(self.mail.failures()).encode(encoder.encode_descriptor(
            "mail_delivery_failures",
            "Delivery attempts that failed on this instance (each mail is retried with backoff)",
            None,
            MetricType::Counter,
        )?)?;
        ConstCounter::new(self.mail.failed()).encode(encoder.encode_descriptor(
            "mail_failed",
            "Mails given up on after repeated permanent refusals (SMTP 5xx)",
            None,
            MetricType::Counter,
        )?)?;
        if let Some(c) = &self.cluster {
            ConstGauge::new(i64::from(c.is_up())).encode(encoder.encode_descriptor(
                "redis_up",
                "1 while the shared Redis answers, 0 while this instance falls back to its own counters and caches",
                None,
                MetricType::Gauge,
            )?)?;
        }
        Ok(())
    }
}
