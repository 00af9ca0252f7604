//! `server.allowed_hosts` over HTTP: another `Host` gets 400 in the uniform body; listed hosts,
//! and the infrastructure paths whatever the host, are served.

use crate::helpers::{TestApp, assert_error_body, spawn_app, spawn_app_with};

async fn get_as(app: &TestApp, path: &str, host: &str) -> reqwest::Response {
    app.request(reqwest::Method::GET, path)
        .header("host", host)
        .send()
        .await
        .unwrap()
}

async fn restricted() -> TestApp {
    spawn_app_with(|s| {
        s.server.allowed_hosts = vec!["api.example.com".into(), "*.eso.example".into()];
    })
    .await
}

#[tokio::test]
async fn a_host_outside_the_list_is_400_in_the_uniform_body() {
    let app = restricted().await;
    for host in [
        "evil.example.net",
        "api.example.com.evil.net",
        "eso.example",
    ] {
        let r = get_as(&app, &app.api("/health"), host).await;
        assert_eq!(r.status(), 400, "{host}");
        assert!(r.headers().contains_key("x-request-id"));
        let body: serde_json::Value = r.json().await.unwrap();
        assert_error_body(&body, 400);
        assert_eq!(body["detail"], "This host is not served here");
    }
    let r = get_as(&app, "/nope", "evil.example.net").await;
    assert_eq!(r.status(), 400, "checked before routing");
}

#[tokio::test]
async fn listed_hosts_are_served() {
    let app = restricted().await;
    for host in ["api.example.com", "API.example.com:8443", "eu.eso.example"] {
        let r = get_as(&app, &app.api("/health"), host).await;
        assert_eq!(r.status(), 200, "{host}");
    }
}

#[tokio::test]
async fn probes_and_metrics_answer_whatever_the_host() {
    let app = restricted().await;
    for path in ["/health", "/health/live", "/health/ready", "/metrics"] {
        let r = get_as(&app, path, "10.0.0.7:8000").await;
        assert_eq!(r.status(), 200, "{path}");
    }
    assert_eq!(get_as(&app, "/", "10.0.0.7:8000").await.status(), 400);
}

#[tokio::test]
async fn without_a_list_any_host_is_served() {
    let app = spawn_app().await;
    let r = get_as(&app, &app.api("/health"), "anything.example").await;
    assert_eq!(r.status(), 200);
}
