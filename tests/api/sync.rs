//! The companion's sync protocol: idempotent, per-item, safe under concurrent retries.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, TestUser, spawn_app},
    runs::run_body,
};

async fn post(app: &TestApp, user: &TestUser, path: &str, body: &Value) -> (u16, Value) {
    let r = app
        .as_user(user, Method::POST, path)
        .json(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn run_count(app: &TestApp) -> i64 {
    let rows: Vec<Value> = app
        .db
        .fetch_all("SELECT count(*) AS n FROM combat_runs", vec![])
        .await
        .unwrap();
    rows[0]["n"].as_i64().unwrap()
}

#[tokio::test]
async fn batches_are_idempotent_per_item() {
    let app = spawn_app().await;
    let user = app.user().await;
    let (i1, i2, i3) = (
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    );
    let mut bad = run_body("Vivec", 1.0);
    bad["group_size"] = json!(0);
    let batch = json!({"items": [
        {"id": i1, "data": run_body("Vivec", 90_000.0), "checksum": "c1"},
        {"id": i2, "data": bad, "checksum": "c2"},
        {"id": i3, "data": run_body("Almalexia", 40_000.0), "checksum": "c3"},
    ]});
    let (status, body) = post(&app, &user, "/sync/combat_runs/batch", &batch).await;
    assert_eq!(status, 200);
    let results = body["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [i1.to_string(), i2.to_string(), i3.to_string()],
        "in order"
    );
    assert_eq!(
        (
            results[0]["success"].as_bool(),
            results[1]["success"].as_bool(),
            results[2]["success"].as_bool()
        ),
        (Some(true), Some(false), Some(true))
    );
    assert!(
        results[1]["error"].as_str().unwrap().contains("group_size"),
        "{body}"
    );
    assert_eq!(run_count(&app).await, 2, "the bad item failed alone");

    let (_, again) = post(&app, &user, "/sync/combat_runs/batch", &batch).await;
    assert_eq!(again["results"][0]["success"], true);
    assert_eq!(
        again["results"][0]["run_id"], results[0]["run_id"],
        "same stored run"
    );
    assert_eq!(run_count(&app).await, 2, "no second row");

    let changed = json!({"items": [{"id": i1, "data": run_body("Vivec", 91_000.0), "checksum": "c1-changed"}]});
    let (_, conflict) = post(&app, &user, "/sync/combat_runs/batch", &changed).await;
    assert_eq!(
        (
            conflict["results"][0]["success"].as_bool(),
            conflict["results"][0]["error"].as_str()
        ),
        (Some(false), Some("conflict"))
    );

    // Resolve by keeping the local version: the run changes, and the new checksum is accepted.
    let resolve = json!({"item_id": i1, "resolution": "keep_local", "data": run_body("Vivec", 91_000.0), "checksum": "c1-changed"});
    let (status, resolved) = post(&app, &user, "/sync/conflicts/resolve", &resolve).await;
    assert_eq!(status, 200, "{resolved}");
    let run_id = resolved["stored_id"].as_str().unwrap().to_owned();
    let run: Value = app.get_json(&user, &format!("/runs/{run_id}")).await;
    assert_eq!(run["metrics"]["dps"], 91_000.0);
    let (_, ok) = post(&app, &user, "/sync/combat_runs/batch", &changed).await;
    assert_eq!(ok["results"][0]["success"], true);

    let (status, _) = post(
        &app,
        &user,
        "/sync/conflicts/resolve",
        &json!({"item_id": uuid::Uuid::new_v4(), "resolution": "keep_server"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = post(
        &app,
        &user,
        "/sync/conflicts/resolve",
        &json!({"item_id": i1, "resolution": "manual"}),
    )
    .await;
    assert_eq!(status, 422, "manual needs data");
    let other = app.user().await;
    let (status, _) = post(
        &app,
        &other,
        "/sync/conflicts/resolve",
        &json!({"item_id": i1, "resolution": "keep_server"}),
    )
    .await;
    assert_eq!(status, 404, "another user's item is invisible");
}

#[tokio::test]
async fn ten_concurrent_identical_batches_store_each_item_once() {
    let app = spawn_app().await;
    let user = app.user().await;
    let items: Vec<Value> = (0..5).map(|i| json!({"id": uuid::Uuid::new_v4(), "data": run_body(&format!("C{i}"), 50_000.0), "checksum": format!("k{i}")})).collect();
    let batch = json!({"items": items});
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let req = app
            .as_user(&user, Method::POST, "/sync/combat_runs/batch")
            .json(&batch);
        tasks.push(tokio::spawn(async move {
            req.send().await.unwrap().json::<Value>().await.unwrap()
        }));
    }
    let mut stored = std::collections::BTreeSet::new();
    for t in tasks {
        let body = t.await.unwrap();
        for r in body["results"].as_array().unwrap() {
            assert_eq!(r["success"], true, "{body}");
            stored.insert(r["run_id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(stored.len(), 5, "every batch reports the same five runs");
    assert_eq!(run_count(&app).await, 5, "one row per item");
}

#[tokio::test]
async fn build_snapshots_become_private_saved_builds() {
    let app = spawn_app().await;
    let user = app.user().await;
    let snapshot = json!({"character_name": "Vivec", "class": "Templar", "race": "Dunmer", "sets": ["Spell Power Cure"], "skills_front": ["Breath of Life"], "skills_back": []});
    let batch =
        json!({"items": [{"id": uuid::Uuid::new_v4(), "data": snapshot, "checksum": "b1"}]});
    let (_, body) = post(&app, &user, "/sync/build_snapshots/batch", &batch).await;
    let build_id = body["results"][0]["build_id"].as_str().unwrap().to_owned();
    let build: Value = app.get_json(&user, &format!("/builds/{build_id}")).await;
    assert_eq!(
        (build["name"].as_str(), build["is_public"].as_bool()),
        (Some("Vivec"), Some(false))
    );
    let (status, _) = post(
        &app,
        &user,
        "/sync/build_snapshots/batch",
        &json!({"items": []}),
    )
    .await;
    assert_eq!(status, 422, "1–100 items");
}

#[tokio::test]
async fn a_resolve_that_fails_midway_writes_nothing() {
    let app = spawn_app().await;
    let user = app.user().await;
    let id = uuid::Uuid::new_v4();
    let batch = json!({"items": [{"id": id, "data": run_body("Vivec", 1000.0), "checksum": "v1"}]});
    let (_, stored) = post(&app, &user, "/sync/combat_runs/batch", &batch).await;
    let run_id = stored["results"][0]["run_id"].as_str().unwrap().to_owned();

    // The second of the two writes (the sync record, after the run) fails, as a connection cut
    // between them would: the database refuses every UPDATE of sync_items.
    crate::helpers::refuse_updates(&app.db, "sync_items").await;
    let resolve = json!({"item_id": id, "resolution": "keep_local",
                         "data": run_body("Vivec", 2000.0), "checksum": "v2"});
    let (status, _) = post(&app, &user, "/sync/conflicts/resolve", &resolve).await;
    assert_eq!(status, 500);
    let run = app.get_json(&user, &format!("/runs/{run_id}")).await;
    assert_eq!(
        run["metrics"]["dps"], 1000.0,
        "the run's update was rolled back with the record's"
    );

    crate::helpers::allow_updates(&app.db, "sync_items").await;
    let (status, _) = post(&app, &user, "/sync/conflicts/resolve", &resolve).await;
    assert_eq!(status, 200);
    let run = app.get_json(&user, &format!("/runs/{run_id}")).await;
    assert_eq!(run["metrics"]["dps"], 2000.0);
    let (_, again) = post(
        &app,
        &user,
        "/sync/combat_runs/batch",
        &json!({"items": [{"id": id, "data": run_body("Vivec", 2000.0), "checksum": "v2"}]}),
    )
    .await;
    assert_eq!(
        again["results"][0]["success"], true,
        "the record took the new checksum"
    );
}

#[tokio::test]
async fn an_item_the_database_refuses_fails_alone() {
    let app = spawn_app().await;
    let user = app.user().await;
    // PostgreSQL cannot store NUL in text (22021), so every text field refuses it, on both
    // databases: the item fails alone, the batch answers 200 and the items around it are stored.
    let mut refused = run_body("Vivec", 1000.0);
    refused["build_snapshot"]["sets"] = json!(["Kinras\u{0}s Wrath"]);
    refused["character_name"] = json!("Nul\u{0}Char");
    // And a value only the database refuses (a trigger): the item fails alone too.
    refuse_inserts_named(&app.db, "Refused").await;
    let items: Vec<Value> = [
        run_body("A", 1.0),
        refused,
        run_body("C", 3.0),
        run_body("Refused", 4.0),
        run_body("E", 5.0),
    ]
    .into_iter()
    .map(|data| json!({"id": uuid::Uuid::new_v4(), "data": data, "checksum": "c"}))
    .collect();
    let batch = json!({ "items": items });
    for attempt in 0..2 {
        let (status, body) = post(&app, &user, "/sync/combat_runs/batch", &batch).await;
        assert_eq!(status, 200, "attempt {attempt}: {body}");
        let results = body["results"].as_array().unwrap();
        assert_eq!(results[0]["success"], true, "{body}");
        assert_eq!(results[2]["success"], true, "{body}");
        assert_eq!(results[1]["success"], false, "{body}");
        assert_eq!(results[3]["success"], false, "{body}");
        assert_eq!(results[4]["success"], true, "{body}");
    }
    assert_eq!(run_count(&app).await, 3);
}

/// Makes the database refuse (by a trigger) any combat run whose character is `name`: on
/// PostgreSQL with SQLSTATE 22003 (numeric value out of range), as an overflowing sum would.
async fn refuse_inserts_named(db: &app::db::Db, name: &str) {
    let sql: Vec<String> = match db.dialect {
        app::db::Dialect::Postgres => vec![
            format!("CREATE FUNCTION ebo_test_refuse_run() RETURNS trigger AS $$ BEGIN IF NEW.character_name = '{name}' THEN RAISE EXCEPTION 'refused by a trigger' USING ERRCODE = '22003'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"),
            "CREATE TRIGGER ebo_test_refuse_run BEFORE INSERT ON combat_runs FOR EACH ROW EXECUTE FUNCTION ebo_test_refuse_run()".into(),
        ],
        app::db::Dialect::Sqlite => vec![format!(
            "CREATE TRIGGER ebo_test_refuse_run BEFORE INSERT ON combat_runs WHEN NEW.character_name = '{name}' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
        )],
    };
    for statement in sql {
        db.rb
            .exec(&statement, vec![])
            .await
            .expect("trigger created");
    }
}
