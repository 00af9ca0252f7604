//! The list, stats, characters and analytics endpoints issue a constant number of SQL
//! statements, whatever the number of runs (counted by the pool's statement counter); a
//! repeated request is answered from the per-player cache without any, until the player
//! writes.

use reqwest::Method;

use crate::{
    helpers::{TestApp, TestUser, spawn_app},
    runs::{run_body, submit},
};

async fn add_runs(app: &TestApp, user: &TestUser, n: usize) {
    let tx = app.db.rb.acquire_begin().await.unwrap();
    for i in 0..n {
        let mut body = run_body(&format!("Char{}", i % 7), 20_000.0 + i as f64);
        if i % 3 == 0 {
            body["content"]["name"] = serde_json::json!("Sunspire");
        }
        let create: app::runs::dto::CombatRunCreate = serde_json::from_value(body).unwrap();
        let run = app::runs::api::new_run(create, user.id);
        app::model::crud::insert_with(&tx, app.db.dialect, &run)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Statements for one request that reads the database (`Cache-Control: no-cache` skips the
/// per-player answer cache).
/// The endpoints whose answers derive from the player's runs.
const PATHS: [&str; 7] = [
    "/runs?limit=50",
    "/runs/stats/summary",
    "/characters",
    "/characters/Char1",
    "/analytics/dps-trend?time_range=all",
    "/analytics/percentile-trend?time_range=all",
    "/analytics/buff-analysis?time_range=all",
];

async fn statements_for(app: &TestApp, user: &TestUser, path: &str) -> u64 {
    let send = || async {
        app.as_user(user, Method::GET, path)
            .header("cache-control", "no-cache")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(send().await, 200, "{path}"); // warm the auth cache
    let before = app.db.statement_count();
    assert_eq!(send().await, 200, "{path}");
    app.db.statement_count() - before
}

#[tokio::test]
async fn statement_counts_do_not_grow_with_the_runs() {
    let app = spawn_app().await;
    let user = app.user().await;
    add_runs(&app, &user, 10).await;
    let mut small = Vec::new();
    for p in PATHS {
        small.push(statements_for(&app, &user, p).await);
    }
    add_runs(&app, &user, 990).await;
    for (p, at_10) in PATHS.iter().zip(&small) {
        let at_1000 = statements_for(&app, &user, p).await;
        assert_eq!(
            at_1000, *at_10,
            "{p}: {at_10} statements for 10 runs, {at_1000} for 1,000"
        );
        assert!(
            (1..=3).contains(at_10),
            "{p}: {at_10} statements (the counter sees them, and they are few)"
        );
    }
}

#[tokio::test]
async fn repeated_reads_come_from_the_cache_until_the_player_writes() {
    let app = spawn_app().await;
    let (user, other) = (app.user().await, app.user().await);
    add_runs(&app, &user, 3).await;
    for p in PATHS {
        let first: serde_json::Value = app.get_json(&user, p).await;
        let before = app.db.statement_count();
        let again: serde_json::Value = app.get_json(&user, p).await;
        assert_eq!(
            app.db.statement_count(),
            before,
            "{p}: answered from the cache"
        );
        assert_eq!(again, first, "{p}");
    }
    // A write that bypasses the API is not seen by a cached answer, but is with no-cache.
    add_runs(&app, &user, 1).await;
    let cached: serde_json::Value = app.get_json(&user, "/runs/stats/summary").await;
    assert_eq!(cached["total_runs"], 3);
    let fresh: serde_json::Value = app
        .as_user(&user, Method::GET, "/runs/stats/summary")
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["total_runs"], 4);
    // Another player's write leaves this player's answers cached.
    let r = submit(&app, &other, &run_body("Other", 30_000.0)).await;
    assert_eq!(r.status(), 201);
    let before = app.db.statement_count();
    app.get_json(&user, "/runs?limit=50").await;
    assert_eq!(app.db.statement_count(), before);
    // The player's own writes through the API are seen by the next read of every answer.
    let r = submit(&app, &user, &run_body("Char1", 40_000.0)).await;
    assert_eq!(r.status(), 201);
    let created: serde_json::Value = r.json().await.unwrap();
    let list: serde_json::Value = app.get_json(&user, "/runs?limit=50").await;
    assert_eq!(list["total"], 5);
    let stats: serde_json::Value = app.get_json(&user, "/runs/stats/summary").await;
    assert_eq!(stats["total_runs"], 5);
    let id = created["run_id"].as_str().unwrap();
    let r = app
        .as_user(&user, Method::DELETE, &format!("/runs/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let stats: serde_json::Value = app.get_json(&user, "/runs/stats/summary").await;
    assert_eq!(stats["total_runs"], 4);
}
