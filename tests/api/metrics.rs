//! `GET /metrics` over HTTP: Prometheus text by route template and status, the optional token,
//! the separate listener, and the counters other modules feed (logins, rate limits, pool).

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_error_body, spawn_app, spawn_app_with};

const TOKEN: &str = "scrape-token-0123456789abcdef";

/// The value of the sample whose name and labels are exactly `series`, if exposed.
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Scrapes `{base}/metrics`, asserting a 200 in the Prometheus text format.
async fn scrape_at(app: &TestApp, base: &str, token: Option<&str>) -> String {
    let mut req = app.client.get(format!("{base}/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    r.text().await.unwrap()
}

async fn scrape(app: &TestApp) -> String {
    scrape_at(app, &app.address, None).await
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_status() {
    let app = spawn_app().await;
    let user = app.user().await;
    let missing = uuid::Uuid::new_v4();
    for _ in 0..2 {
        let r = app
            .as_user(&user, Method::GET, &format!("/runs/{missing}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    assert_eq!(app.get("/health").await.status(), 200);
    assert_eq!(app.get(&format!("/nowhere/{missing}")).await.status(), 404);

    let body = scrape(&app).await;
    let runs = format!("route=\"{}\"", app.api("/runs/{run_id}"));
    assert_eq!(
        sample(
            &body,
            &format!("ebo_http_requests_total{{method=\"GET\",{runs},status=\"404\"}}")
        ),
        Some(2.0),
        "{body}"
    );
    assert_eq!(
        sample(
            &body,
            "ebo_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "ebo_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        Some(1.0),
        "unknown paths share one label"
    );
    assert_eq!(
        sample(
            &body,
            &format!("ebo_http_request_duration_seconds_count{{method=\"GET\",{runs}}}")
        ),
        Some(2.0)
    );
    assert!(
        body.contains(&format!(
            "ebo_http_request_duration_seconds_bucket{{method=\"GET\",{runs},le=\"+Inf\"}} 2"
        )),
        "{body}"
    );
    assert!(
        !body.contains(&missing.to_string()),
        "raw paths never become labels"
    );
    // This scrape is itself in flight.
    assert_eq!(sample(&body, "ebo_http_requests_in_flight"), Some(1.0));
    assert_eq!(
        sample(&body, "ebo_db_pool_max_connections"),
        Some(app.settings.database.max_connections as f64)
    );
    assert!(sample(&body, "ebo_db_pool_connections{state=\"idle\"}").is_some());
    assert!(sample(&body, "ebo_db_pool_acquiring").is_some());
    assert!(sample(&body, "ebo_db_statements_total").is_some_and(|n| n > 0.0));
    // The standard process collector's figures, and which build this is.
    assert!(sample(&body, "process_resident_memory_bytes").is_some_and(|n| n > 1e6));
    assert!(sample(&body, "process_open_fds").is_some_and(|n| n > 3.0));
    assert!(sample(&body, "process_max_fds").is_some_and(|n| n >= 256.0));
    assert!(sample(&body, "process_cpu_seconds_total").is_some_and(|n| n > 0.0));
    assert!(sample(&body, "process_start_time_seconds").is_some_and(|n| n > 1.7e9));
    let build = body
        .lines()
        .find(|l| l.starts_with("ebo_build_info{"))
        .unwrap_or_else(|| panic!("no ebo_build_info: {body}"));
    assert!(
        build.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION")))
            && build.contains("git_sha=\"")
            && build.ends_with(" 1"),
        "{build}"
    );
    for cache in ["features", "sets", "feature_pages", "set_pages", "lists"] {
        for family in [
            "ebo_cache_hits_total",
            "ebo_cache_misses_total",
            "ebo_cache_entries",
        ] {
            let series = format!("{family}{{cache=\"{cache}\"}}");
            assert!(sample(&body, &series).is_some(), "{series}");
        }
    }
}

#[tokio::test]
async fn feature_cache_hits_and_misses_are_reported() {
    let app = spawn_app().await;
    let user = app.user().await;
    for _ in 0..3 {
        let r = app
            .as_user(&user, Method::GET, "/features/NO_SUCH_FEATURE")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    let body = scrape(&app).await;
    assert_eq!(
        sample(&body, "ebo_cache_misses_total{cache=\"features\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&body, "ebo_cache_hits_total{cache=\"features\"}"),
        Some(2.0),
        "a known-missing id is cached too"
    );
}

#[tokio::test]
async fn a_configured_token_is_required() {
    let app = spawn_app_with(|s| s.metrics.token = Some(TOKEN.to_owned().into())).await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    assert_error_body(&r.json().await.unwrap(), 401);
    let wrong = app
        .request(Method::GET, "/metrics")
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body = scrape_at(&app, &app.address, Some(TOKEN)).await;
    assert!(body.contains("ebo_http_requests_total"));
    assert!(!app.received().contains(TOKEN), "the token is never echoed");
}

#[tokio::test]
async fn a_separate_bind_address_serves_metrics_and_the_public_listener_does_not() {
    let app = spawn_app_with(|s| s.metrics.bind = Some("127.0.0.1:0".parse().unwrap())).await;
    let metrics = app.metrics_address.clone().expect("metrics listener bound");
    assert_ne!(metrics, app.address);
    assert_eq!(app.get("/health/live").await.status(), 200);
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 404, "not on the public listener");
    assert_error_body(&r.json().await.unwrap(), 404);

    let body = scrape_at(&app, &metrics, None).await;
    assert_eq!(
        sample(
            &body,
            "ebo_http_requests_total{method=\"GET\",route=\"/health/live\",status=\"200\"}"
        ),
        Some(1.0),
        "{body}"
    );
    let root: serde_json::Value = app.get("/").await.json().await.unwrap();
    assert!(root["endpoints"]["metrics"].is_null(), "{root}");
    let other = app
        .client
        .get(format!("{metrics}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.status(),
        404,
        "the metrics listener serves only /metrics"
    );
}

#[tokio::test]
async fn failed_logins_are_counted() {
    let app = spawn_app().await;
    let register = app
        .request(Method::POST, &app.api("/auth/register"))
        .json(
            &json!({"email": "sotha@example.com", "username": "sotha", "password": "Clockwork-1"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), 201);
    for body in [
        json!({"username": "sotha", "password": "Wrong-Pass1"}),
        json!({"email": "nobody@example.com", "password": "Wrong-Pass1"}),
    ] {
        let r = app
            .request(Method::POST, &app.api("/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let ok = app
        .request(Method::POST, &app.api("/auth/login"))
        .json(&json!({"username": "sotha", "password": "Clockwork-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let body = scrape(&app).await;
    assert_eq!(
        sample(
            &body,
            "ebo_auth_login_failures_total{reason=\"invalid_credentials\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &body,
            "ebo_auth_login_failures_total{reason=\"account_disabled\"}"
        ),
        Some(0.0)
    );
}

#[tokio::test]
async fn refusals_are_counted_and_metrics_are_never_limited() {
    let app = spawn_app_with(|s| s.rate_limit.default_per_minute = 1).await;
    let health = app.api("/health");
    assert_eq!(app.get(&health).await.status(), 200);
    assert_eq!(app.get(&health).await.status(), 429);
    for _ in 0..3 {
        let r = app.get("/metrics").await;
        assert_eq!(r.status(), 200);
        assert!(!r.headers().contains_key("x-ratelimit-limit"));
    }
    let body = scrape(&app).await;
    assert_eq!(
        sample(&body, "ebo_rate_limit_refusals_total{bucket=\"default\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "ebo_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"429\"}"
        ),
        Some(1.0),
        "refused before routing"
    );
}

#[tokio::test]
async fn metrics_are_not_in_the_openapi_document_and_can_be_switched_off() {
    let app = spawn_app().await;
    let spec = app.get("/api/openapi.json").await.text().await.unwrap();
    assert!(!spec.contains("/metrics"));
    let root: serde_json::Value = app.get("/").await.json().await.unwrap();
    assert_eq!(root["endpoints"]["metrics"], "/metrics");

    let off = spawn_app_with(|s| s.metrics.enabled = false).await;
    assert_eq!(off.get("/metrics").await.status(), 404);
}
