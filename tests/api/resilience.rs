//! Losing the database after start: readiness and database-backed requests answer 503 in the
//! uniform body, liveness stays 200, and service resumes on its own. The database connection
//! runs through a loopback TCP proxy the test can cut and restore (PostgreSQL only: an embedded
//! SQLite file cannot go away).

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    TcpProxy as Proxy, assert_error_body, host_port, postgres_admin_url, spawn_app_with,
};

async fn wait_for(what: &str, limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} not within {limit:?}");
}

#[tokio::test]
async fn a_lost_database_answers_503_and_service_resumes_without_restart() {
    let Some(admin) = postgres_admin_url() else {
        eprintln!(
            "note: runs in the PostgreSQL pass (TEST_DATABASE_URL); SQLite is embedded and cannot be lost"
        );
        return;
    };
    let proxy = Proxy::start(host_port(&admin)).await;
    let app = spawn_app_with(|s| {
        s.database.url = s.database.url.replacen(&host_port(&admin), &proxy.addr, 1);
        s.database.acquire_timeout_secs = 2;
    })
    .await;
    let user = app.user().await;
    let body = json!({"name": "before", "class": "Templar", "race": "Breton", "sets": [], "skills_front": [], "skills_back": []});
    let r = app
        .as_user(&user, Method::POST, "/builds")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    proxy.cut();
    let took = wait_for("readiness 503", Duration::from_secs(5), async || {
        app.get("/health/ready").await.status() == 503
    })
    .await;
    eprintln!("readiness answered 503 {took:?} after the cut");
    assert_eq!(app.get("/health/live").await.status(), 200);
    let health: Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(
        (health["status"].as_str(), health["database"].as_str()),
        (Some("degraded"), Some("disconnected"))
    );
    let r = app
        .as_user(&user, Method::GET, "/builds")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let err: Value = r.json().await.unwrap();
    assert_error_body(&err, 503);
    assert!(
        !err["detail"].as_str().unwrap().contains("127.0.0.1"),
        "no internals: {err}"
    );

    proxy.restore();
    let took = wait_for("recovery", Duration::from_secs(10), async || {
        app.as_user(&user, Method::GET, "/builds")
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;
    eprintln!("service resumed {took:?} after the database came back");
    assert_eq!(app.get("/health/ready").await.status(), 200);
    let list: Value = app.get_json(&user, "/builds").await;
    assert_eq!(
        list["builds"][0]["name"], "before",
        "the write answered 201 before the outage is there"
    );
}
