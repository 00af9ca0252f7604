//! Runs recorded by the game addon, by every channel a player has: the companion's sync batch
//! (the addon's run as `data`), a SavedVariables upload and the CLI. The shared sample holds 7
//! runs (in `runs` and again in `pendingSync.runs`), the 7th malformed (`damage_done = -5`).

use reqwest::{Method, multipart};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, TestUser, assert_error_body, ebo, spawn_app},
    runs::{run_body, submit},
    sync::run_count,
};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/addon/ESOBuildOptimizer.lua"
);
const MALFORMED: &str = "Tester_1764797000_8183";

fn sample_bytes() -> Vec<u8> {
    std::fs::read(SAMPLE).unwrap_or_else(|e| panic!("the addon sample must be at {SAMPLE}: {e}"))
}

/// The sample's distinct runs, as JSON (the same reading the service does).
fn sample_runs() -> Vec<Value> {
    app::runs::saved_variables::runs(&sample_bytes()).unwrap()
}

async fn upload(app: &TestApp, user: &TestUser, bytes: Vec<u8>) -> (u16, Value) {
    let form = multipart::Form::new().part(
        "file",
        multipart::Part::bytes(bytes).file_name("ESOBuildOptimizer.lua"),
    );
    let r = app
        .as_user(user, Method::POST, "/runs/import")
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn sync(app: &TestApp, user: &TestUser, runs: &[Value]) -> Vec<Value> {
    let items: Vec<Value> = runs
        .iter()
        .map(|r| json!({"id": uuid::Uuid::new_v4(), "data": r, "checksum": r["run_id"]}))
        .collect();
    let r = app
        .as_user(user, Method::POST, "/sync/combat_runs/batch")
        .json(&json!({ "items": items }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["results"].as_array().unwrap().clone()
}

async fn cli_import(app: &TestApp, user: &TestUser, extra: &[&str]) -> std::process::Output {
    let login = format!("u{}", user.id.simple());
    let mut args = vec![
        "import",
        "saved-variables",
        SAMPLE,
        "--user",
        login.as_str(),
    ];
    args.extend_from_slice(extra);
    ebo(&args, &[("DATABASE_URL", app.database.url.as_str())]).await
}

fn assert_six_imported_and_the_malformed_rejected(report: &Value) {
    assert_eq!(report["imported"], 6, "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{report}");
    assert_eq!(rejected[0]["index"], 6);
    assert_eq!(rejected[0]["run_id"], MALFORMED);
    assert_eq!(rejected[0]["field"], "metrics.damage_done");
    assert_eq!(rejected[0]["reason"], "must be at least 0");
}

#[tokio::test]
async fn sync_batch_takes_addon_runs_and_other_channels_then_store_nothing_new() {
    let app = spawn_app().await;
    let user = app.user().await;
    let results = sync(&app, &user, &sample_runs()).await;
    assert_eq!(results.len(), 7);
    for r in &results[..6] {
        assert_eq!(r["success"], true, "{r}");
        assert_eq!(r["duplicate"], false, "{r}");
    }
    assert_eq!(results[6]["success"], false);
    let error = results[6]["error"].as_str().unwrap();
    assert!(
        error.contains("metrics.damage_done") && error.contains(MALFORMED),
        "{error}"
    );
    assert_eq!(run_count(&app).await, 6);

    // The same runs by upload and by the CLI: all duplicates, nothing stored.
    let (status, report) = upload(&app, &user, sample_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 0);
    assert_eq!(report["duplicates"], 6);
    let o = cli_import(&app, &user, &[]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("0 imported, 6 duplicates, 1 rejected"),
        "{out}"
    );
    assert_eq!(run_count(&app).await, 6);

    // A retried batch (new item ids) reports the stored runs as duplicates.
    let again = sync(&app, &user, &sample_runs()[..2]).await;
    assert_eq!(again[0]["success"], true);
    assert_eq!(again[0]["duplicate"], true);
    assert_eq!(again[0]["run_id"], results[0]["run_id"]);
    assert_eq!(run_count(&app).await, 6);
}

#[tokio::test]
async fn upload_stores_six_runs_mapped_from_the_addon_shape() {
    let app = spawn_app().await;
    let user = app.user().await;
    let (status, report) = upload(&app, &user, sample_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_six_imported_and_the_malformed_rejected(&report);

    let page = app.get_json(&user, "/runs?limit=100").await;
    assert_eq!(page["total"], 6);
    let first = page["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["content_name"] == "The Mage"
                && r["character_name"] == "Zhaan-Ri"
                && r["timestamp"] == "2026-10-21T02:38:00+00:00"
        })
        .unwrap_or_else(|| panic!("the first sample run, at its own time: {page}"));
    assert_eq!(first["difficulty"], "unknown");
    let run = app
        .get_json(
            &user,
            &format!("/runs/{}", first["run_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(run["source"], "addon");
    assert_eq!(run["addon_run_id"], "Tester_1764700000_8766");
    assert_eq!(run["addon_original"]["run_id"], "Tester_1764700000_8766");
    assert_eq!(
        run["addon_original"]["build_snapshot"]["character"]["race"],
        "Wood Elf"
    );
    assert_eq!(run["group_size"], Value::Null);
    assert_eq!(run["content"]["difficulty"], "unknown");
    let b = &run["build_snapshot"];
    assert_eq!(b["class"], "Necromancer");
    assert_eq!(b["race"], "Bosmer");
    assert_eq!(b["cp_level"], 810);
    assert_eq!(b["set_pieces"]["Slimecraw"], 2);
    assert_eq!(b["skills_front"][4], "Fatecarver");
    assert_eq!(b["skills_back"][5], "Bound Aegis");
    assert_eq!(run["metrics"]["damage_mitigated"], 331_861);
    assert_eq!(run["metrics"]["buff_uptime"][0]["name"], "Empower");
    assert!(run["contribution_scores"]["damage_taken"].as_f64().unwrap() > 0.0);

    // API runs say where they came from too.
    let api: Value = submit(&app, &user, &run_body("Vivec", 90_000.0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["source"], "api");
    assert_eq!(api["group_size"], 12);
    assert!(api.get("addon_original").is_none());

    // Syncing after the upload stores nothing new.
    let results = sync(&app, &user, &sample_runs()).await;
    assert!(
        results[..6].iter().all(|r| r["duplicate"] == true),
        "{results:?}"
    );
    assert_eq!(run_count(&app).await, 7);
}

#[tokio::test]
async fn cli_imports_the_sample_with_a_dry_run_first() {
    let app = spawn_app().await;
    let user = app.user().await;
    let o = cli_import(&app, &user, &["--dry-run"]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("dry run") && out.contains("6 imported"),
        "{out}"
    );
    assert_eq!(run_count(&app).await, 0, "a dry run writes nothing");

    let o = cli_import(&app, &user, &[]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("7 runs read, 6 imported, 0 duplicates, 1 rejected"),
        "{out}"
    );
    assert!(
        out.contains(MALFORMED) && out.contains("metrics.damage_done"),
        "{out}"
    );
    assert_eq!(run_count(&app).await, 6);

    let (_, report) = upload(&app, &user, sample_bytes()).await;
    assert_eq!(report["imported"], 0);
    assert_eq!(report["duplicates"], 6);

    // A file that cannot be parsed, or an unknown account, exits non-zero.
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), "ESOBuildOptimizerSV = {").unwrap();
    let login = format!("u{}", user.id.simple());
    let path = bad.path().to_str().unwrap();
    let o = ebo(
        &["import", "saved-variables", path, "--user", &login],
        &[("DATABASE_URL", app.database.url.as_str())],
    )
    .await;
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("syntax"),
        "{o:?}"
    );
    let o = ebo(
        &["import", "saved-variables", SAMPLE, "--user", "nobody"],
        &[("DATABASE_URL", app.database.url.as_str())],
    )
    .await;
    assert!(!o.status.success());
    assert_eq!(run_count(&app).await, 6);
}

#[tokio::test]
async fn ten_concurrent_uploads_of_one_file_store_each_run_once() {
    let app = spawn_app().await;
    let user = app.user().await;
    let uploads = (0..10).map(|_| upload(&app, &user, sample_bytes()));
    let reports = futures_util::future::join_all(uploads).await;
    let mut imported = 0;
    for (status, report) in &reports {
        assert_eq!(*status, 200, "{report}");
        assert_eq!(
            report["imported"].as_u64().unwrap() + report["duplicates"].as_u64().unwrap(),
            6
        );
        imported += report["imported"].as_u64().unwrap();
    }
    assert_eq!(imported, 6, "{reports:?}");
    assert_eq!(run_count(&app).await, 6);
}

#[tokio::test]
async fn files_that_are_not_saved_variables_get_a_clear_4xx_and_store_nothing() {
    let app = spawn_app().await;
    let user = app.user().await;
    let deep = format!(
        "ESOBuildOptimizerSV = {}{}",
        "{".repeat(200),
        "}".repeat(200)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "syntax error",
            b"ESOBuildOptimizerSV = { [\"runs\"] = { [1] = ".to_vec(),
        ),
        (
            "global not a table",
            b"ESOBuildOptimizerSV = \"runs\"".to_vec(),
        ),
        ("nested 200 levels", deep.into_bytes()),
        ("binary", vec![0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe, 0]),
        (
            "function call",
            b"ESOBuildOptimizerSV = loadstring(\"os.exit()\")()".to_vec(),
        ),
    ];
    for (case, bytes) in cases {
        let (status, body) = upload(&app, &user, bytes).await;
        assert_eq!(status, 422, "{case}: {body}");
        assert_error_body(&body, 422);
        assert_eq!(body["errors"][0]["field"], "file", "{case}: {body}");
    }
    // 100 MiB: refused from its Content-Length, before the body is read.
    let (status, body) = upload(&app, &user, vec![b' '; 100 * 1024 * 1024]).await;
    assert_eq!(status, 413, "{body}");
    // No file field at all.
    let r = app
        .as_user(&user, Method::POST, "/runs/import")
        .multipart(multipart::Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(run_count(&app).await, 0);
    assert_eq!(app.get("/health").await.status(), 200);
    // And the service still imports a good file.
    let (status, report) = upload(&app, &user, sample_bytes()).await;
    assert_eq!(status, 200);
    assert_eq!(report["imported"], 6);
}

#[tokio::test]
async fn game_and_lore_race_names_are_accepted_everywhere_and_read_back_canonical() {
    let app = spawn_app().await;
    let user = app.user().await;
    for race in ["Dark Elf", "Dunmer"] {
        let mut body = run_body("Vivec", 80_000.0);
        body["build_snapshot"]["race"] = json!(race);
        let r = submit(&app, &user, &body).await;
        assert_eq!(r.status(), 201, "{race}");
        let run: Value = r.json().await.unwrap();
        assert_eq!(run["build_snapshot"]["race"], "Dunmer", "{race}");
        let again = app
            .get_json(&user, &format!("/runs/{}", run["run_id"].as_str().unwrap()))
            .await;
        assert_eq!(again["build_snapshot"]["race"], "Dunmer");

        let r = app
            .as_user(&user, Method::POST, "/builds")
            .json(
                &json!({"name": format!("{race} build"), "class": "Arcanist", "race": race,
                          "sets": [], "skills_front": [], "skills_back": []}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{race}");
        let build: Value = r.json().await.unwrap();
        assert_eq!(build["race"], "Dunmer", "{race}");
    }
    let mut body = run_body("Vivec", 80_000.0);
    body["build_snapshot"]["race"] = json!("Dwemer");
    let r = submit(&app, &user, &body).await;
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    let message = err["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Dark Elf") && message.contains("Dunmer"),
        "{err}"
    );

    // The spec lists every accepted spelling.
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let race = &spec["components"]["schemas"]["Race"];
    let names: Vec<&str> = race["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for n in [
        "Dunmer", "Dark Elf", "High Elf", "Wood Elf", "Altmer", "Bosmer",
    ] {
        assert!(names.contains(&n), "{n} in {race}");
    }
}

#[tokio::test]
async fn unknown_difficulty_compares_only_with_unknown_and_unknown_group_size_matches_any() {
    let app = spawn_app().await;
    let user = app.user().await;
    let mut addon = sample_runs()[0].clone();
    addon["run_id"] = json!("Tester_1_0001");
    let mut twin = addon.clone();
    twin["run_id"] = json!("Tester_1_0002");
    let results = sync(&app, &user, &[addon, twin]).await;
    let addon_id = results[0]["run_id"].as_str().unwrap().to_owned();

    // Same content and CP, but a known difficulty: never in the pool.
    let mut veteran = run_body("Vivec", 80_000.0);
    veteran["content"] = json!({"type": "dungeon", "name": "The Mage", "difficulty": "veteran"});
    veteran["build_snapshot"]["cp_level"] = json!(810);
    veteran["group_size"] = json!(4);
    assert_eq!(submit(&app, &user, &veteran).await.status(), 201);
    // Unknown difficulty with a known group size: matched by the unknown group size.
    let mut unknown = veteran.clone();
    unknown["content"]["difficulty"] = json!("unknown");
    let r = submit(&app, &user, &unknown).await;
    assert_eq!(r.status(), 201);
    let unknown_id = r.json::<Value>().await.unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let p = app
        .get_json(
            &user,
            &format!("/runs/{addon_id}/percentiles?regenerate=true"),
        )
        .await;
    assert_eq!(
        p["sample_size"], 2,
        "the twin and the API run of unknown difficulty: {p}"
    );
    let p = app
        .get_json(
            &user,
            &format!("/runs/{unknown_id}/percentiles?regenerate=true"),
        )
        .await;
    assert_eq!(
        p["sample_size"], 2,
        "both addon runs (unknown group size): {p}"
    );
}

#[tokio::test]
async fn a_sync_conflict_is_settled_with_an_addon_run() {
    let app = spawn_app().await;
    let user = app.user().await;
    let run = sample_runs()[0].clone();
    let id = uuid::Uuid::new_v4();
    let batch = |data: &Value, checksum: &str| json!({"items": [{"id": id, "data": data, "checksum": checksum}]});
    let r = app
        .as_user(&user, Method::POST, "/sync/combat_runs/batch")
        .json(&batch(&run, "v1"))
        .send()
        .await
        .unwrap();
    let stored = r.json::<Value>().await.unwrap()["results"][0]["run_id"].clone();
    let mut edited = run.clone();
    edited["metrics"]["dps"] = json!(40_000);
    let r = app
        .as_user(&user, Method::POST, "/sync/conflicts/resolve")
        .json(&json!({"item_id": id, "resolution": "keep_local", "data": edited, "checksum": "v2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let after = app
        .get_json(&user, &format!("/runs/{}", stored.as_str().unwrap()))
        .await;
    assert_eq!(after["metrics"]["dps"], 40_000.0);
    assert_eq!(after["source"], "addon");
    assert_eq!(after["timestamp"], "2026-10-21T02:38:00+00:00");
    assert_eq!(run_count(&app).await, 1);
}
