//! Several instances sharing one Redis: two apps on the same database and the same Redis (a
//! unique key prefix per test, so tests run in parallel) share rate limits, logouts and cache
//! invalidations; an unreachable Redis degrades to per-instance behaviour without errors.
//!
//! Needs Redis at `TEST_REDIS_URL` (default `redis://127.0.0.1:6379`). With `CI` set a missing
//! Redis fails the tests; locally they print a notice and pass without running.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TcpProxy, TestApp, host_port, spawn_app_with};

/// The Redis URL, or `None` (after a notice) when it is unreachable outside CI.
pub(crate) async fn redis_url() -> Option<String> {
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let addr = url
        .trim_start_matches("redis://")
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let reachable = tokio::time::timeout(
        Duration::from_secs(2),
        tokio::net::TcpStream::connect(addr.as_str()),
    )
    .await
    .is_ok_and(|r| r.is_ok());
    if reachable {
        return Some(url);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "Redis is not reachable at {url}; CI must provide it"
    );
    eprintln!("NOTICE: Redis not reachable at {url}; skipping this test (set CI to make it fail)");
    None
}

/// Two apps on one database and one Redis, with a key prefix of their own.
async fn two_instances(url: &str, per_minute: u32) -> (TestApp, TestApp) {
    let prefix = format!("ebo-test-{}:", uuid::Uuid::new_v4().simple());
    let shared = |s: &mut app::config::Settings| {
        s.redis.url = Some(url.to_owned());
        s.redis.key_prefix = prefix.clone();
        s.rate_limit.default_per_minute = per_minute;
    };
    let a = spawn_app_with(shared).await;
    let db_url = a.settings.database.url.clone();
    let b = spawn_app_with(|s| {
        shared(s);
        s.database.url = db_url;
    })
    .await;
    (a, b)
}

/// [`two_instances`] reaching Redis through a [`TcpProxy`] the test can cut and restore.
async fn two_instances_behind_a_proxy(url: &str) -> (TcpProxy, TestApp, TestApp) {
    let proxy = TcpProxy::start(host_port(url)).await;
    let through_proxy = url.replacen(&host_port(url), &proxy.addr, 1);
    let (a, b) = two_instances(&through_proxy, 100_000).await;
    (proxy, a, b)
}

const FEATURE: &str = "/features/SAMPLE_ARC_FATECARVER";

#[tokio::test]
async fn the_rate_limit_is_global_across_instances() {
    let Some(url) = redis_url().await else { return };
    let (a, b) = two_instances(&url, 10).await;
    let user = a.user().await;
    for i in 0..10 {
        let app = if i % 2 == 0 { &a } else { &b };
        let r = app
            .as_user(&user, Method::GET, FEATURE)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "request {i} is within the limit");
        assert_eq!(r.headers()["x-ratelimit-limit"], "10");
        assert_eq!(
            r.headers()["x-ratelimit-remaining"].to_str().unwrap(),
            (9 - i).to_string(),
            "request {i}: the count is shared"
        );
    }
    for app in [&a, &b] {
        let r = app
            .as_user(&user, Method::GET, FEATURE)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            429,
            "the 11th request is refused on either instance"
        );
        assert!(r.headers().contains_key("retry-after"));
        let body: Value = r.json().await.unwrap();
        crate::helpers::assert_error_body(&body, 429);
    }
}

#[tokio::test]
async fn a_logout_on_one_instance_is_refused_on_the_other_within_a_second() {
    let Some(url) = redis_url().await else { return };
    let (a, b) = two_instances(&url, 100_000).await;
    let user = a.user().await;
    // B has seen the token and cached the user's state.
    for app in [&a, &b] {
        let r = app
            .as_user(&user, Method::GET, FEATURE)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = a
        .as_user(&user, Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    refused_within_a_second(&b, &user).await;
}

#[tokio::test]
async fn an_account_deleted_on_one_instance_is_refused_on_the_other_within_a_second() {
    let Some(url) = redis_url().await else { return };
    let (a, b) = two_instances(&url, 100_000).await;
    let user = a.user().await;
    let admin = a.user_with_role(app::auth::Role::Admin).await;
    let r = b.as_user(&user, Method::GET, FEATURE).send().await.unwrap();
    assert_eq!(r.status(), 200, "B has cached the user's state");
    let r = a
        .as_user(&admin, Method::DELETE, &format!("/admin/users/{}", user.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    refused_within_a_second(&b, &user).await;
}

#[tokio::test]
async fn an_admin_edit_on_one_instance_is_seen_by_the_next_read_on_the_other() {
    let Some(url) = redis_url().await else { return };
    let (a, b) = two_instances(&url, 100_000).await;
    let user = a.user().await;
    let admin = a.user_with_role(app::auth::Role::Admin).await;
    let before = b.get_json(&user, FEATURE).await;
    assert_eq!(b.get_json(&user, FEATURE).await, before, "B now caches it");
    let mut changed = before.clone();
    changed["name"] = json!("Fatecarver (edited on A)");
    changed.as_object_mut().unwrap().remove("updated_at");
    let r = a
        .as_user(&admin, Method::PUT, FEATURE)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Pub/sub delivery is asynchronous; allow it a moment, far below the cache TTL.
    let started = Instant::now();
    loop {
        let seen = b.get_json(&user, FEATURE).await;
        if seen["name"] == "Fatecarver (edited on A)" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "B still serves the cached feature after 1 s: {seen}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_unreachable_redis_degrades_to_per_instance_and_says_so_in_readiness() {
    // Port 1 is closed: nothing listens there.
    let app = spawn_app_with(|s| {
        s.redis.url = Some("redis://:hunter2@127.0.0.1:1".into());
        s.rate_limit.default_per_minute = 5;
    })
    .await;
    let user = app.user().await;
    let r = app
        .as_user(&user, Method::GET, FEATURE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "reads work without Redis");
    assert_eq!(
        r.headers()["x-ratelimit-limit"],
        "5",
        "the local limiter counts"
    );
    let r = app.get("/health/ready").await;
    assert_eq!(
        r.status(),
        200,
        "an unreachable Redis is not a readiness failure"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["redis"], "degraded", "{body}");
    assert!(
        body["notes"][0]
            .as_str()
            .unwrap()
            .contains("redis: degraded"),
        "{body}"
    );
    assert!(!body.to_string().contains("hunter2"), "{body}");
    let r = app
        .as_user(&user, Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "logout works without Redis");
    let r = app
        .as_user(&user, Method::GET, FEATURE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "and holds on this instance");
    for _ in 0..5 {
        app.as_user(&user, Method::GET, FEATURE)
            .send()
            .await
            .unwrap();
    }
    let r = app
        .as_user(&user, Method::GET, FEATURE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the per-instance limit still applies");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("ebo_redis_up 0"), "{metrics}");
}

#[tokio::test]
async fn ready_reports_redis_up_when_it_answers() {
    let Some(url) = redis_url().await else { return };
    let (a, _b) = two_instances(&url, 100_000).await;
    let body: Value = a.get("/health/ready").await.json().await.unwrap();
    assert_eq!(body["redis"], "up", "{body}");
    assert_eq!(body["notes"], serde_json::json!([]), "{body}");
    let metrics = a.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("ebo_redis_up 1"), "{metrics}");
}

/// Polls `app` with `user`'s token until it answers 401; fails after one second.
async fn refused_within_a_second(app: &TestApp, user: &crate::helpers::TestUser) {
    refused_within(app, user, Duration::from_secs(1)).await;
}

/// Polls until `app` refuses `user`'s token (401), failing after `limit`.
async fn refused_within(app: &TestApp, user: &crate::helpers::TestUser, limit: Duration) {
    let started = Instant::now();
    loop {
        let status = app
            .as_user(user, Method::GET, FEATURE)
            .send()
            .await
            .unwrap()
            .status();
        if status == 401 {
            eprintln!("refused {:?} after the logout", started.elapsed());
            return;
        }
        assert!(
            started.elapsed() < limit,
            "the logged-out token was still accepted after {limit:?} (status {status})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_logout_during_a_redis_outage_is_refused_on_the_other_instance_within_two_seconds() {
    let Some(url) = redis_url().await else { return };
    let (proxy, a, b) = two_instances_behind_a_proxy(&url).await;
    wait_for_redis(&a, "up", Duration::from_secs(5)).await;
    wait_for_redis(&b, "up", Duration::from_secs(5)).await;
    let user = a.user().await;
    for app in [&a, &b] {
        let r = app
            .as_user(&user, Method::GET, FEATURE)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "B has seen the token and cached the user");
    }
    proxy.cut();
    wait_for_redis(&a, "degraded", Duration::from_secs(5)).await;
    wait_for_redis(&b, "degraded", Duration::from_secs(5)).await;
    let r = a
        .as_user(&user, Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    refused_within(&b, &user, Duration::from_secs(2)).await;

    proxy.restore();
    wait_for_redis(&b, "up", Duration::from_secs(10)).await;
    let r = b.as_user(&user, Method::GET, FEATURE).send().await.unwrap();
    assert_eq!(r.status(), 401, "still refused once Redis is back");
}

#[tokio::test]
async fn a_logout_holds_on_an_instance_started_after_it_whatever_redis_holds() {
    let Some(url) = redis_url().await else { return };
    let (a, _b) = two_instances(&url, 100_000).await;
    let user = a.user().await;
    let r = a
        .as_user(&user, Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // A Redis restarted empty holds nothing of the logout; an instance started since then
    // never heard it. Its own key prefix stands for the empty Redis.
    let db_url = a.settings.database.url.clone();
    let restarted = spawn_app_with(|s| {
        s.redis.url = Some(url.clone());
        s.redis.key_prefix = format!("ebo-test-{}:", uuid::Uuid::new_v4().simple());
        s.database.url = db_url;
    })
    .await;
    wait_for_redis(&restarted, "up", Duration::from_secs(5)).await;
    let r = restarted
        .as_user(&user, Method::GET, FEATURE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the database record holds the logout");
}

/// Polls `/health/ready` of `app` until its `redis` field reads `want` (≤ `limit`).
async fn wait_for_redis(app: &TestApp, want: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let body: Value = app.get("/health/ready").await.json().await.unwrap();
        if body["redis"] == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "redis not {want} within {limit:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_redis_outage_degrades_without_errors_and_sharing_resumes_by_itself() {
    let Some(url) = redis_url().await else { return };
    let (proxy, a, b) = two_instances_behind_a_proxy(&url).await;
    wait_for_redis(&a, "up", Duration::from_secs(5)).await;
    let user = a.user().await;
    // The recommendation engine's set and skill catalog is cached too.
    let catalog_loads = || a.state.features.catalog.stats().misses;
    app::recommendations::analysis::catalog(&a.state)
        .await
        .unwrap();
    app::recommendations::analysis::catalog(&a.state)
        .await
        .unwrap();
    let loaded = catalog_loads();

    proxy.cut();
    let took = wait_for_redis(&a, "degraded", Duration::from_secs(5)).await;
    eprintln!("readiness said degraded {took:?} after the cut");
    for app in [&a, &b] {
        for _ in 0..5 {
            let r = app
                .as_user(&user, Method::GET, FEATURE)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "reads go on while Redis is away");
        }
        assert_eq!(app.get("/health/ready").await.status(), 200);
    }

    proxy.restore();
    for app in [&a, &b] {
        let took = wait_for_redis(app, "up", Duration::from_secs(10)).await;
        eprintln!("redis up again {took:?} after the restore");
    }
    // Invalidations sent during the outage were lost: the reconnect dropped the catalog too.
    app::recommendations::analysis::catalog(&a.state)
        .await
        .unwrap();
    assert_eq!(
        catalog_loads(),
        loaded + 1,
        "the catalog is read again after the reconnect"
    );
    // Sharing works again, through the re-established subscription too: a token issued after
    // both instances listen again is refused on B within a second of its logout on A.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let fresh = a.user().await;
    let r = b
        .as_user(&fresh, Method::GET, FEATURE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = a
        .as_user(&fresh, Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    refused_within_a_second(&b, &fresh).await;
}

#[tokio::test]
async fn a_run_submitted_on_one_instance_is_in_the_next_answer_on_the_other() {
    let Some(url) = redis_url().await else { return };
    let (a, b) = two_instances(&url, 100_000).await;
    let user = a.user().await;
    let before = b.get_json(&user, "/runs/stats/summary").await;
    assert_eq!(before["total_runs"], 0, "B now caches the answer");
    let r = a
        .as_user(&user, Method::POST, "/runs")
        .json(&crate::runs::run_body("Relayed", 30_000.0))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let started = Instant::now();
    loop {
        let seen = b.get_json(&user, "/runs/stats/summary").await;
        if seen["total_runs"] == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "B still answers from its cache after 1 s: {seen}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A cache that is not part of the app, registered the way every cache is.
#[derive(Default)]
struct TestCache {
    heard: std::sync::Mutex<Vec<String>>,
}

impl app::cluster::bus::Invalidate for TestCache {
    fn topics(&self) -> &'static [&'static str] {
        &["test_cache"]
    }
    fn invalidate<'a>(&'a self, _: &'a str, key: &'a str) -> app::cluster::bus::Invalidation<'a> {
        Box::pin(async move { self.heard.lock().unwrap().push(key.to_owned()) })
    }
    fn drop_all(&self) {}
}

#[tokio::test]
async fn a_newly_registered_cache_hears_invalidations_from_another_instance() {
    let Some(url) = redis_url().await else { return };
    let (a, b) = two_instances(&url, 100_000).await;
    let cache = std::sync::Arc::new(TestCache::default());
    b.state.invalidation.register(cache.clone());
    let cluster = a.state.cluster.clone().unwrap();
    app::cluster::bus::publish(&cluster, "test_cache", "key:with:colons").await;
    let started = Instant::now();
    while cache.heard.lock().unwrap().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "B heard nothing within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(*cache.heard.lock().unwrap(), ["key:with:colons"]);
}
