//! Request ids, timing, security headers, CORS and compression on every response.

use reqwest::Method;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn every_response_carries_a_request_id_and_process_time() {
    let app = spawn_app().await;
    for path in ["/health", "/nope"] {
        let r = app.get(path).await;
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "generated id is a UUID: {id}"
        );
        let t: f64 = r.headers()["x-process-time"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..60.0).contains(&t));
    }
}

#[tokio::test]
async fn a_sane_caller_request_id_is_kept_and_an_insane_one_replaced() {
    let app = spawn_app().await;
    let r = app
        .request(Method::GET, "/nope")
        .header("x-request-id", "client-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "client-abc.123");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["request_id"], "client-abc.123");

    for evil in [
        "id with spaces\n<script>".replace('\n', " "),
        "a".repeat(129),
        "ünïcode".to_owned(),
    ] {
        let r = app
            .request(Method::GET, "/health")
            .header("x-request-id", evil.as_bytes())
            .send()
            .await
            .unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{evil:?} replaced: {id}");
    }
}

#[tokio::test]
async fn security_headers_differ_between_api_and_docs() {
    let app = spawn_app().await;
    let r = app.get("/health").await;
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS in development"
    );

    let docs = app.get("/api/docs").await;
    let csp = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'unsafe-inline'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );

    let staging = spawn_app_with(|s| s.environment = app::config::Environment::Staging).await;
    let r = staging.get("/health").await;
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let app =
        spawn_app_with(|s| s.cors.allowed_origins = vec!["https://app.example.com".into()]).await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, &app.api("/health"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let ok = preflight("https://app.example.com").await.unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );

    let denied = preflight("https://evil.example").await.unwrap();
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let r = app
        .request(Method::GET, "/health")
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("x-request-id") && exposed.contains("x-ratelimit-remaining"),
        "{exposed}"
    );
}

/// Browsers send `Origin` on same-origin POSTs too (Swagger UI's Authorize on `/api/docs`):
/// such a request reaches the handler instead of CORS's 403; a foreign page's is still refused.
#[tokio::test]
async fn same_origin_requests_are_not_refused_as_cors() {
    let app =
        spawn_app_with(|s| s.cors.allowed_origins = vec!["https://app.example.com".into()]).await;
    let login = |origin: &'static str, site: &'static str| {
        app.request(Method::POST, &app.api("/auth/login"))
            .header("origin", origin)
            .header("sec-fetch-site", site)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=password&username=nobody&password=Wrong-passw0rd")
            .send()
    };
    // The handler answers (401: no such user), not the CORS layer.
    let own = login("http://127.0.0.1:8000", "same-origin").await.unwrap();
    assert_eq!(own.status(), 401);
    let foreign = login("https://evil.example", "cross-site").await.unwrap();
    assert_eq!(foreign.status(), 403);
    // Only `same-origin` lifts the check.
    let unmarked = login("https://evil.example", "none").await.unwrap();
    assert_eq!(unmarked.status(), 403);
}

#[tokio::test]
async fn large_responses_are_compressed_small_ones_not() {
    let app = spawn_app().await;
    let big = app
        .request(Method::GET, "/api/openapi.json")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(big.headers()["content-encoding"], "gzip");
    let br = app
        .request(Method::GET, "/api/docs")
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let small = app
        .request(Method::GET, "/health")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(
        small.headers().get("content-encoding").is_none(),
        "below compression_min_bytes"
    );
}

/// An answer to a request with `Authorization` is that caller's: `Cache-Control: private`,
/// unless the operation says more (token responses: `no-store`), as the document declares.
#[tokio::test]
async fn per_user_answers_are_private_and_public_ones_are_not() {
    let app = spawn_app().await;
    let user = app.user().await;
    for path in [
        "/runs",
        "/auth/me",
        "/runs/00000000-0000-0000-0000-000000000000",
    ] {
        let r = app.as_user(&user, Method::GET, path).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "private", "{path}");
    }
    let r = app.get("/health").await;
    assert!(r.headers().get("cache-control").is_none());
    let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(
        spec["paths"]["/runs"]["get"]["responses"]["200"]["headers"]["Cache-Control"]["$ref"],
        "#/components/headers/Cache-Control-Private"
    );
    assert!(
        spec["paths"]["/auth/register"]["post"]["responses"]["201"]["headers"]
            .get("Cache-Control")
            .is_none()
    );
}
