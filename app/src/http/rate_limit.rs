//! Rate limits (governor, GCRA): per client IP for every API request, by bucket — `auth`
//! (register, login, change-password), `refresh`, `default` — and per account for the auth
//! bucket (checked by the handlers). The client IP is the one [`super::client_ip`] resolved, so
//! `X-Forwarded-For` counts only from `server.trusted_proxies`. API responses carry
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the
//! bucket is full again); refusals are 429 in the uniform body with `Retry-After` (seconds) and
//! are counted per bucket for `/metrics`. The counters live in this instance, or with `[redis]`
//! in Redis ([`crate::cluster::limiter`], the same GCRA), so a limit holds across every
//! instance; while Redis is down each instance falls back to its own counters.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
};
use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response, Result,
    http::{HeaderValue, StatusCode},
};

use super::client_ip::ClientIp;
use crate::{
    cluster::{
        Cluster,
        limiter::{Gcra, SharedLimiter},
    },
    config::RateLimitSettings,
    error::ApiError,
};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// Which limit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// register, login, change-password.
    Auth,
    /// refresh.
    Refresh,
    /// everything else.
    Default,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    /// Requests per minute.
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// `Some(seconds)` when refused.
    pub retry_after: Option<u64>,
}

impl Decision {
    fn headers(&self, resp: &mut Response) {
        let h = resp.headers_mut();
        for (name, v) in [
            ("x-ratelimit-limit", u64::from(self.limit)),
            ("x-ratelimit-remaining", u64::from(self.remaining)),
            ("x-ratelimit-reset", self.reset_secs),
        ] {
            h.insert(name, HeaderValue::from(v));
        }
        if let Some(s) = self.retry_after {
            h.insert("retry-after", HeaderValue::from(s));
        }
    }

    /// The 429 answer for a refusal.
    pub fn refusal(&self) -> Response {
        let retry = self.retry_after.unwrap_or(1);
        let mut resp = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many requests; retry in {retry} s"),
        )
        .into_response();
        self.headers(&mut resp);
        resp
    }
}

/// The limiters of one instance.
pub struct RateLimits {
    enabled: bool,
    auth_ip: Keyed<IpAddr>,
    auth_account: Keyed<String>,
    refresh_ip: Keyed<IpAddr>,
    default_ip: Keyed<IpAddr>,
    limits: [u32; 3],
    /// Refusals by [`REFUSAL_BUCKETS`] index.
    refused: [AtomicU64; 4],
    /// The shared counters, when Redis is configured.
    shared: Option<(Arc<Cluster>, SharedLimiter)>,
}

/// The names under which refusals are counted: the three per-IP buckets and the per-account
/// auth limit.
pub const REFUSAL_BUCKETS: [&str; 4] = ["auth", "refresh", "default", "account"];

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("enabled", &self.enabled)
            .field("limits", &self.limits)
            .field("shared", &self.shared.is_some())
            .finish()
    }
}

fn keyed<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Keyed<K> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(n)).with_middleware::<StateInformationMiddleware>()
}

impl Decision {
    fn from_shared(g: Gcra, limit: u32) -> Self {
        let secs = |ms: u64| ms.div_ceil(1000);
        Self {
            limit,
            remaining: g.remaining,
            reset_secs: secs(g.reset_ms),
            retry_after: (!g.allowed).then(|| secs(g.retry_ms).max(1)),
        }
    }
}

fn decide<K: std::hash::Hash + Eq + Clone>(rl: &Keyed<K>, key: &K, limit: u32) -> Decision {
    let per_token = 60.0 / f64::from(limit.max(1));
    match rl.check_key(key) {
        Ok(snapshot) => {
            let remaining = snapshot.remaining_burst_capacity();
            Decision {
                limit,
                remaining,
                reset_secs: (f64::from(limit - remaining.min(limit)) * per_token).ceil() as u64,
                retry_after: None,
            }
        }
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Decision {
                limit,
                remaining: 0,
                reset_secs: (f64::from(limit) * per_token).ceil() as u64,
                retry_after: Some(secs.max(1)),
            }
        }
    }
}

impl RateLimits {
    /// Limiters from `[rate_limit]`.
    pub fn new(s: &RateLimitSettings) -> Self {
        Self {
            enabled: s.enabled,
            auth_ip: keyed(s.auth_per_minute),
            auth_account: keyed(s.auth_per_minute),
            refresh_ip: keyed(s.refresh_per_minute),
            default_ip: keyed(s.default_per_minute),
            limits: [
                s.auth_per_minute,
                s.refresh_per_minute,
                s.default_per_minute,
            ],
            refused: Default::default(),
            shared: None,
        }
    }

    /// These limits, counted in Redis (falling back to this instance's counters while it is
    /// down) when `cluster` is set.
    #[must_use]
    pub fn with_cluster(mut self, cluster: Option<Arc<Cluster>>) -> Self {
        self.shared = cluster.map(|c| (c, SharedLimiter::default()));
        self
    }

    /// The shared decision for `key` in bucket `name`, `None` without Redis or while it is down.
    async fn shared(&self, name: &str, key: &str, limit: u32) -> Option<Decision> {
        let (cluster, limiter) = self.shared.as_ref()?;
        let key = cluster.key(&format!("rl:{name}:{key}"));
        let g = limiter.check(cluster, &key, limit).await?;
        Some(Decision::from_shared(g, limit))
    }

    fn count(&self, d: Decision, index: usize) -> Decision {
        if d.retry_after.is_some()
            && let Some(c) = self.refused.get(index)
        {
            c.fetch_add(1, Ordering::Relaxed);
        }
        d
    }

    /// Requests refused so far, per [`REFUSAL_BUCKETS`] name.
    pub fn refusals(&self) -> [(&'static str, u64); 4] {
        let mut out = REFUSAL_BUCKETS.map(|name| (name, 0));
        for (slot, c) in out.iter_mut().zip(&self.refused) {
            slot.1 = c.load(Ordering::Relaxed);
        }
        out
    }

    /// Counts one request from `ip` in `bucket`; `None` when rate limiting is off.
    pub async fn check_ip(&self, bucket: Bucket, ip: IpAddr) -> Option<Decision> {
        if !self.enabled {
            return None;
        }
        let (index, local) = match bucket {
            Bucket::Auth => (0, &self.auth_ip),
            Bucket::Refresh => (1, &self.refresh_ip),
            Bucket::Default => (2, &self.default_ip),
        };
        let limit = self.limits[index];
        let d = match self
            .shared(REFUSAL_BUCKETS[index], &ip.to_string(), limit)
            .await
        {
            Some(d) => d,
            None => decide(local, &ip, limit),
        };
        Some(self.count(d, index))
    }

    /// Counts one auth attempt against `account` (lower-cased login or user id).
    ///
    /// # Errors
    /// 429 with `Retry-After` when the account's limit is spent.
    pub async fn check_account(&self, account: &str) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        let account = account.to_lowercase();
        let limit = self.limits[0];
        let d = match self.shared("account", &account, limit).await {
            Some(d) => d,
            None => decide(&self.auth_account, &account, limit),
        };
        let d = self.count(d, 3);
        match d.retry_after {
            Some(s) => Err(ApiError::TooManyRequests(
                poem_openapi::payload::Json(crate::error::ErrorBody::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Too many attempts for this account; retry in {s} s"),
                    None,
                )),
                s,
            )),
            None => Ok(()),
        }
    }

    /// Drops idle keys (call periodically).
    pub fn shrink(&self) {
        self.auth_ip.retain_recent();
        self.auth_account.retain_recent();
        self.refresh_ip.retain_recent();
        self.default_ip.retain_recent();
    }
}

/// Middleware applying the per-IP limits to requests under the API prefix.
#[derive(Clone)]
pub struct RateLimit {
    /// The limiters.
    pub limits: Arc<RateLimits>,
    /// The API prefix (`/api/v1`).
    pub prefix: String,
}

impl<E: Endpoint> Middleware<E> for RateLimit {
    type Output = RateLimitEndpoint<E>;
    fn transform(&self, inner: E) -> Self::Output {
        RateLimitEndpoint {
            inner,
            cfg: self.clone(),
        }
    }
}

/// The endpoint produced by [`RateLimit`].
pub struct RateLimitEndpoint<E> {
    inner: E,
    cfg: RateLimit,
}

/// The bucket of an API path (after the prefix).
pub fn bucket_for(path: &str) -> Bucket {
    match path.trim_end_matches('/') {
        // The ones that check a password or send mail. Spending a mailed 256-bit token
        // (verify-email, reset-password) is not guessable, and counting it here left a player
        // who had just registered, confirmed and reset unable to log in for a minute.
        "/auth/login"
        | "/auth/register"
        | "/auth/change-password"
        | "/auth/resend-verification"
        | "/auth/forgot-password" => Bucket::Auth,
        "/auth/refresh" => Bucket::Refresh,
        _ => Bucket::Default,
    }
}

impl<E: Endpoint> Endpoint for RateLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let Some(rest) = req.uri().path().strip_prefix(self.cfg.prefix.as_str()) else {
            return self.inner.call(req).await.map(IntoResponse::into_response);
        };
        let decision = match ClientIp::of(&req) {
            Some(ip) => self.cfg.limits.check_ip(bucket_for(rest), ip).await,
            None => None,
        };
        if let Some(d) = decision.filter(|d| d.retry_after.is_some()) {
            return Ok(d.refusal());
        }
        let mut resp = self.inner.call(req).await?.into_response();
        if let Some(d) = decision {
            d.headers(&mut resp);
        }
        Ok(resp)
    }
}

/// Runs [`RateLimits::shrink`] every minute for the life of the process.
pub fn spawn_shrinker(limits: Arc<RateLimits>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.shrink();
        }
    });
}
