//! A full disk is a state, not a crash (issue 20): SQLite refusing writes for lack of space
//! (`SQLITE_FULL`, made here with `PRAGMA max_page_count` on the pool's one connection) answers
//! 507 in the uniform body without the database's own text, readiness says not ready and the
//! metric counts it; nothing stored is lost, and writes resume without a restart once there
//! is room. Runs on SQLite whatever `TEST_DATABASE_URL` says: it is SQLite's condition.

use reqwest::Method;
use serde_json::Value;

use crate::{helpers::spawn_app_with, runs::run_body};

/// `PRAGMA max_page_count` is per connection: set on both of the pool's, held at once.
async fn set_max_page_count(db: &app::db::Db, pages: i64) {
    let a = db.rb.acquire().await.unwrap();
    let b = db.rb.acquire().await.unwrap();
    for conn in [&a, &b] {
        conn.exec(&format!("PRAGMA max_page_count = {pages}"), vec![])
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_full_sqlite_database_answers_507_and_not_ready_then_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/full.db", dir.path().display());
    let app = spawn_app_with(|s| {
        s.database.url = url;
        s.database.max_connections = 2;
    })
    .await;
    let user = app.user().await;
    let post = || {
        app.as_user(&user, Method::POST, "/runs")
            .json(&run_body("Vivec", 50_000.0))
            .send()
    };
    assert_eq!(post().await.unwrap().status(), 201);

    let pages: Vec<Value> = app.db.fetch_all("PRAGMA page_count", vec![]).await.unwrap();
    let pages = pages[0]["page_count"].as_i64().unwrap();
    set_max_page_count(&app.db, pages).await;
    let mut refused = None;
    let mut stored = 1;
    for _ in 0..200 {
        let r = post().await.unwrap();
        if r.status() == 201 {
            stored += 1;
            continue;
        }
        refused = Some(r);
        break;
    }
    let r = refused.expect("a write was refused once the pages ran out");
    let status = r.status();
    assert!(r.headers().contains_key("x-request-id"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 507, "{body}");
    assert_eq!(body["status_code"], 507);
    let detail = body["detail"].as_str().unwrap();
    assert!(
        !detail.to_lowercase().contains("disk is full"),
        "the database's own text stays out: {detail}"
    );

    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status(), 503);
    let ready: Value = ready.json().await.unwrap();
    let storage = ready["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "storage")
        .unwrap()
        .clone();
    assert_eq!(storage["ok"], false, "{ready}");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("ebo_db_storage_full_total ") && !l.ends_with(" 0")),
        "{metrics}"
    );

    // Reads go on, and nothing stored was lost.
    let page: Value = app.get_json(&user, "/runs?limit=100").await;
    assert_eq!(page["total"], stored);

    // Room again: writes resume and readiness follows, without a restart.
    set_max_page_count(&app.db, 1_073_741_823).await;
    assert_eq!(post().await.unwrap().status(), 201);
    assert_eq!(app.get("/health/ready").await.status(), 200);
}
