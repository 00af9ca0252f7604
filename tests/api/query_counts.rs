//! The list, stats, characters and analytics endpoints issue a constant number of SQL
//! statements, whatever the number of runs (counted by the pool's statement counter).

use reqwest::Method;

use crate::{
    helpers::{TestApp, TestUser, spawn_app},
    runs::run_body,
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

async fn statements_for(app: &TestApp, user: &TestUser, path: &str) -> u64 {
    let send = || async {
        app.as_user(user, Method::GET, path)
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
    let paths = [
        "/runs?limit=50",
        "/runs/stats/summary",
        "/characters",
        "/characters/Char1",
        "/analytics/dps-trend?time_range=all",
        "/analytics/percentile-trend?time_range=all",
        "/analytics/buff-analysis?time_range=all",
    ];
    add_runs(&app, &user, 10).await;
    let mut small = Vec::new();
    for p in paths {
        small.push(statements_for(&app, &user, p).await);
    }
    add_runs(&app, &user, 990).await;
    for (p, at_10) in paths.iter().zip(&small) {
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
