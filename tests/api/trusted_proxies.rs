//! `server.trusted_proxies` over HTTP: `X-Forwarded-For` picks the rate-limit bucket only when
//! the peer is a trusted proxy. (The tests reach the app through a loopback proxy, so the peer
//! is always 127.0.0.1.)

use crate::helpers::{TestApp, spawn_app_with};

/// `GET /api/v1/health` claiming `xff`; returns (status, `X-RateLimit-Remaining`).
async fn health_from(app: &TestApp, xff: &str) -> (u16, String) {
    let r = app
        .request(reqwest::Method::GET, &app.api("/health"))
        .header("x-forwarded-for", xff)
        .send()
        .await
        .unwrap();
    let remaining = r
        .headers()
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (r.status().as_u16(), remaining)
}

#[tokio::test]
async fn a_spoofed_header_from_an_untrusted_peer_does_not_change_the_bucket() {
    let app = spawn_app_with(|s| s.rate_limit.default_per_minute = 2).await;
    assert_eq!(health_from(&app, "198.51.100.1").await, (200, "1".into()));
    assert_eq!(health_from(&app, "198.51.100.2").await, (200, "0".into()));
    assert_eq!(
        health_from(&app, "198.51.100.3").await.0,
        429,
        "every claimed address shares the peer's bucket"
    );
}

#[tokio::test]
async fn a_trusted_proxys_header_names_the_client() {
    let app = spawn_app_with(|s| {
        s.rate_limit.default_per_minute = 2;
        s.server.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
    })
    .await;
    assert_eq!(health_from(&app, "198.51.100.1").await, (200, "1".into()));
    assert_eq!(health_from(&app, "198.51.100.1").await, (200, "0".into()));
    assert_eq!(health_from(&app, "198.51.100.1").await.0, 429);
    // Another client behind the same proxy has its own bucket.
    assert_eq!(health_from(&app, "198.51.100.2").await, (200, "1".into()));
    // Entries left of the right-most untrusted one are the client's own claims: ignored.
    assert_eq!(
        health_from(&app, "198.51.100.9, 198.51.100.2").await,
        (200, "0".into()),
        "counted against 198.51.100.2, not the claimed 198.51.100.9"
    );
    // Trusted hops on the right are skipped.
    assert_eq!(
        health_from(&app, "198.51.100.3, 127.0.0.5").await,
        (200, "1".into())
    );
}
