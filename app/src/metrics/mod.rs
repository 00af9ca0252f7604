//! Prometheus metrics (`prometheus-client`): one [`Metrics`] registry per application, rendered
//! in the Prometheus text format (0.0.4) by `GET /metrics` ([`endpoint`]).
//!
//! What is recorded where:
//! - HTTP requests, latency and requests in flight: the [`track::TrackRequests`] middleware, by
//!   method, route template (`/api/v1/runs/{run_id}`, never the raw path) and status;
//! - login failures: the login handler, through [`Metrics::login_failed`];
//! - database pool figures: read from the pool at each scrape;
//! - SQL statements, feature-cache hits/misses/entries and rate-limit refusals: counted by their
//!   own modules and read at each scrape ([`sources::Sources`]).
//!
//! Every name starts with `ebo_`; `docs/operations.md` explains each one.

pub mod endpoint;
pub mod process;
pub mod sources;
pub mod track;

use std::time::Duration;

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::{Registry, Unit},
};

use crate::db::Db;

/// Upper bounds (seconds) of the request-latency histogram buckets: 5 ms to 30 s.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Labels of `ebo_http_requests_total`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

/// Labels of `ebo_http_request_duration_seconds`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

/// Labels of `ebo_auth_login_failures_total`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

/// Labels of `ebo_db_pool_connections`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// Why a login was refused (the `reason` label of `ebo_auth_login_failures_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// Unknown account or wrong password (answered 401).
    InvalidCredentials,
    /// Right password, disabled account (answered 403).
    AccountDisabled,
}

impl LoginFailure {
    fn label(self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountDisabled => "account_disabled",
        }
    }
}

/// The application's metrics registry and the metrics recorded as things happen.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    login_failures: Family<ReasonLabels, Counter>,
    pool_max: Gauge,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_acquiring: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("in_flight", &self.in_flight.get())
            .finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    /// A registry holding every `ebo_*` metric; `sources` supplies the figures other modules
    /// count themselves.
    pub fn new(sources: sources::Sources) -> Self {
        let mut root = Registry::default();
        let registry = root.sub_registry_with_prefix("ebo");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let durations: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time from receiving a request to its response head, by method and route template",
            Unit::Seconds,
            durations.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being processed now",
            in_flight.clone(),
        );
        let login_failures = Family::<ReasonLabels, Counter>::default();
        for reason in [
            LoginFailure::InvalidCredentials,
            LoginFailure::AccountDisabled,
        ] {
            // Present from the start (at 0), so rate() works from the first failure.
            let _ = login_failures.get_or_create(&ReasonLabels {
                reason: reason.label(),
            });
        }
        registry.register(
            "auth_login_failures",
            "Refused logins, by reason",
            login_failures.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "Largest number of connections the pool may open (database.max_connections)",
            pool_max.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Open pooled connections, by state (in_use, idle)",
            pool_connections.clone(),
        );
        let pool_acquiring = Gauge::default();
        registry.register(
            "db_pool_acquiring",
            "Callers acquiring a connection now (they wait when the pool is exhausted)",
            pool_acquiring.clone(),
        );
        registry.register_collector(Box::new(sources));
        registry.register(
            "build",
            "The running build: version and git commit (value 1)",
            prometheus_client::metrics::info::Info::new(vec![
                ("version", env!("CARGO_PKG_VERSION")),
                ("git_sha", env!("BUILD_GIT_SHA")),
            ]),
        );
        // The standard process figures, without the `ebo_` prefix.
        root.register_collector(Box::new(process::ProcessCollector {
            start_time: chrono::Utc::now().timestamp_millis() as f64 / 1000.0,
        }));
        Self {
            registry: root,
            requests,
            durations,
            in_flight,
            login_failures,
            pool_max,
            pool_connections,
            pool_acquiring,
        }
    }

    /// Counts one answered request.
    pub fn observe_request(
        &self,
        method: &'static str,
        route: String,
        status: u16,
        elapsed: Duration,
    ) {
        self.durations
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(elapsed.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// Marks a request as in flight until the returned guard drops (also when the request's
    /// future is cancelled).
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Counts one refused login.
    pub fn login_failed(&self, why: LoginFailure) {
        self.login_failures
            .get_or_create(&ReasonLabels {
                reason: why.label(),
            })
            .inc();
    }

    /// Every metric in the Prometheus text format, after reading the pool's current figures.
    ///
    /// # Errors
    /// Only if formatting fails, which writing to a `String` does not.
    pub async fn render(&self, db: &Db) -> Result<String, std::fmt::Error> {
        self.read_pool(db).await;
        let mut out = String::with_capacity(8 * 1024);
        prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)?;
        Ok(out)
    }

    async fn read_pool(&self, db: &Db) {
        let Ok(pool) = db.rb.get_pool() else {
            return;
        };
        let state = pool.state().await;
        let figure = |key: &str| {
            state[key]
                .as_u64()
                .and_then(|v| i64::try_from(v).ok())
                .unwrap_or(0)
        };
        self.pool_max.set(figure("max_open"));
        for (label, key) in [("in_use", "in_use"), ("idle", "idle")] {
            self.pool_connections
                .get_or_create(&PoolLabels { state: label })
                .set(figure(key));
        }
        self.pool_acquiring.set(figure("waits"));
    }
}

/// Decrements `ebo_http_requests_in_flight` when dropped.
#[derive(Debug)]
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
