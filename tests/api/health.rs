use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_healthy_with_the_database_connected() {
    let app = spawn_app().await;
    for path in ["/health".to_owned(), app.api("/health")] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), 200, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], "healthy", "{path}");
        assert_eq!(body["database"], "connected", "{path}");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"), "{path}");
    }
}

#[tokio::test]
async fn liveness_and_readiness_answer_200_at_root_and_under_the_prefix() {
    let app = spawn_app().await;
    for path in ["/health/live".to_owned(), app.api("/health/live")] {
        assert_eq!(app.get(&path).await.status(), 200, "{path}");
    }
    for path in ["/health/ready".to_owned(), app.api("/health/ready")] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), 200, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], "ready");
        let names: Vec<&str> = body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["database", "migrations", "storage"]);
    }
}

#[tokio::test]
async fn readiness_is_503_while_a_migration_is_pending() {
    let app = spawn_app().await;
    app.db
        .rb
        .exec("DELETE FROM schema_migrations WHERE version = 1", vec![])
        .await
        .unwrap();
    let r = app.get("/health/ready").await;
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"][1]["ok"], false, "{body}");
    assert!(
        body["checks"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("pending"),
        "{body}"
    );
    // Liveness does not depend on it.
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn root_describes_the_service_and_its_docs() {
    let app = spawn_app().await;
    let body: Value = app.get("/").await.json().await.unwrap();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["documentation"]["openapi"], "/api/openapi.json");
    assert_eq!(body["documentation"]["swagger"], "/api/docs");
    assert_eq!(body["documentation"]["redoc"], "/api/redoc");
    assert_eq!(body["endpoints"]["api"], "/api/v1");
}

#[tokio::test]
async fn docs_pages_are_served_and_can_be_switched_off() {
    let app = spawn_app().await;
    for path in ["/api/docs", "/api/redoc", "/api/openapi.json"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let off = crate::helpers::spawn_app_with(|s| s.docs.enabled = false).await;
    for path in ["/api/docs", "/api/redoc", "/api/openapi.json"] {
        assert_eq!(off.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn graceful_stop_lets_an_in_flight_request_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    // A chunked upload is in flight (the server is reading its body) when the stop begins.
    let mut tcp = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        app.api("/health")
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let stopping = tokio::spawn(app.stop());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !stopping.is_finished(),
        "the server waits for the in-flight request"
    );
    tcp.write_all(b"5\r\nworld\r\n0\r\n\r\n").await.unwrap();
    let mut raw = String::new();
    let _ = tcp.read_to_string(&mut raw).await;
    assert!(
        raw.starts_with("HTTP/1.1 405"),
        "the request completed normally: {raw}"
    );
    tokio::time::timeout(std::time::Duration::from_secs(5), stopping)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn the_secret_scanner_sees_every_response() {
    let app = spawn_app().await;
    let _ = app.get("/health").await.text().await.unwrap();
    let _ = app.get("/nope").await.text().await.unwrap();
    let seen = app.received();
    assert!(
        seen.contains("\"status\":\"healthy\"") && seen.contains("\"status_code\":404"),
        "{seen}"
    );
}
