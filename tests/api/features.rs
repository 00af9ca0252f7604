//! The feature database: importer against the real data, lossless reads, filters, search,
//! by-class, updates with ETag/304, admin-only writes and cache invalidation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, TestDatabase, TestUser, assert_error_body, ebo, spawn_app, spawn_app_with,
};

pub fn real_data() -> std::path::PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/eso-features/raw");
    assert!(
        dir.is_dir(),
        "the real feature database must be beside the project at {}",
        dir.display()
    );
    dir
}

async fn get(app: &TestApp, user: &TestUser, path: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, path).send().await.unwrap()
}

async fn json_of(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let r = get(app, user, path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

fn summary_counts(stdout: &str) -> (u64, u64, u64, u64, u64) {
    let line = stdout.lines().last().unwrap_or_default();
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // "<files> files, <entries> entries: <ins> inserted, <upd> updated, <unch> unchanged, <rej> rejected"
    (nums[1], nums[2], nums[3], nums[4], nums[5])
}

#[tokio::test]
async fn the_real_database_imports_and_a_second_import_changes_nothing() {
    let db = TestDatabase::create().await;
    let dir = real_data();
    let env = [("DATABASE_URL", db.url.as_str())];
    let args = ["seed", "features", "--from", dir.to_str().unwrap()];
    let first = ebo(&args, &env).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout).into_owned();
    let (entries, inserted, updated, unchanged, rejected) = summary_counts(&out);
    assert_eq!(entries, 1981, "{out}");
    assert_eq!(inserted + updated + unchanged + rejected, 1981);
    assert_eq!((updated, unchanged), (0, 0));
    // The only rejections: ids that appear twice with different content (the first is kept).
    let reasons: Vec<&str> = out.lines().filter(|l| l.starts_with("rejected ")).collect();
    assert_eq!(reasons.len() as u64, rejected);
    assert!(
        reasons.iter().all(|r| r.contains("duplicate id")),
        "{reasons:#?}"
    );
    assert!(rejected <= 36, "{out}");

    let second = ebo(&args, &env).await;
    let out2 = String::from_utf8_lossy(&second.stdout).into_owned();
    let (_, inserted2, updated2, unchanged2, rejected2) = summary_counts(&out2);
    assert_eq!((inserted2, updated2), (0, 0), "idempotent: {out2}");
    assert_eq!((unchanged2, rejected2), (inserted, rejected));

    let dry = ebo(
        &[
            "seed",
            "features",
            "--from",
            dir.to_str().unwrap(),
            "--dry-run",
        ],
        &env,
    )
    .await;
    assert!(String::from_utf8_lossy(&dry.stdout).contains("dry run (nothing written)"));
}

#[tokio::test]
async fn a_malformed_file_and_bad_entries_are_reported_and_the_rest_imported() {
    let db = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a_broken.json"), "[{\"feature_id\": ").unwrap();
    std::fs::write(
        dir.path().join("b_mixed.json"),
        json!([
            {"feature_id": "OK_1", "category": "Class", "name": "Fine", "feature_type": "Active Skill"},
            {"feature_id": "BAD 2", "category": "Class", "name": "Bad id"},
            {"category": "Class", "name": "No id"},
            {"set_id": "SET_OK", "name": "A set", "set_type": "Trial", "bonuses": {"2": {"stat": "Max Stamina"}}, "weight": "Heavy/Light"}
        ])
        .to_string(),
    )
    .unwrap();
    let o = ebo(
        &["seed", "features", "--from", dir.path().to_str().unwrap()],
        &[("DATABASE_URL", db.url.as_str())],
    )
    .await;
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("skipped file a_broken.json: malformed JSON"),
        "{out}"
    );
    assert!(out.contains("rejected b_mixed.json[1] BAD 2:"), "{out}");
    assert!(
        out.contains("rejected b_mixed.json[2] (no id): missing `feature_id`"),
        "{out}"
    );
    assert!(
        out.ends_with("2 inserted, 0 updated, 0 unchanged, 2 rejected\n"),
        "{out}"
    );
}

#[tokio::test]
async fn reads_are_lossless_for_entries_of_the_real_data() {
    let app = spawn_app().await;
    let dir = real_data();
    let o = ebo(
        &["seed", "features", "--from", dir.to_str().unwrap()],
        &[("DATABASE_URL", app.settings.database.url.as_str())],
    )
    .await;
    assert!(o.status.success());
    let user = app.user().await;
    let picks = [
        ("phase01_class_arcanist.json", 0),
        ("phase09_scribing_part1.json", 3),
        ("phase10_champion_points.json", 5),
        ("phase11_companions_part2.json", 7),
        ("sets_trial_part1.json", 0),
    ];
    for (file, index) in picks {
        let entries: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        let source = entries[index].as_object().unwrap().clone();
        let (path, id) = match source.get("set_id") {
            Some(id) => (
                format!("/features/sets/{}", id.as_str().unwrap()),
                id.clone(),
            ),
            None => (
                format!("/features/{}", source["feature_id"].as_str().unwrap()),
                source["feature_id"].clone(),
            ),
        };
        let got = json_of(&app, &user, &path).await;
        let attrs = &got["attributes"];
        for (k, v) in &source {
            let same = |a: &Value| a == v || (a.as_f64().is_some() && a.as_f64() == v.as_f64());
            let column = got
                .get(k)
                .filter(|c| same(c) || (v.is_null() && c.is_null()));
            let kept = [attrs.get(k), attrs["source_values"].get(k)]
                .into_iter()
                .flatten()
                .any(same);
            assert!(
                column.is_some() || kept || (v.is_null() && got.get(k).is_none_or(Value::is_null)),
                "{file}[{index}] {id}: `{k}` = {v} lost; got {got}"
            );
        }
    }
}

#[tokio::test]
async fn a_fresh_development_server_serves_the_built_in_sample() {
    let app = spawn_app().await;
    let user = app.user().await;
    let page = json_of(
        &app,
        &user,
        "/api/v1/features".trim_start_matches("/api/v1"),
    )
    .await;
    assert!(page["total"].as_u64().unwrap() >= 20, "{page}");
    let sets = json_of(&app, &user, "/features/sets").await;
    assert!(sets["total"].as_u64().unwrap() >= 10);
    let off = spawn_app_with(|s| s.features.load_sample = false).await;
    let u2 = off.user().await;
    assert_eq!(json_of(&off, &u2, "/features").await["total"], 0);
}

#[tokio::test]
async fn filters_search_and_by_class() {
    let app = spawn_app().await;
    let user = app.user().await;
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    for (id, name, class) in [
        ("T_PCT", "Hundred 100% Xyzzy", Some("Warden")),
        ("T_ZERO", "Thousand 1000 Xyzzy", None),
        ("T_UND", "snake_case Xyzzy", None),
    ] {
        let body = json!({"feature_id": id, "system": "PLAYER", "category": "Champion", "name": name, "feature_type": "Passive", "class_restriction": class.unwrap_or("ANY"), "attributes": {}});
        let r = app
            .as_user(&admin, Method::POST, "/features")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let ids = |v: &Value, key: &str| -> Vec<String> {
        let mut out: Vec<String> = v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["feature_id"].as_str().unwrap().to_owned())
            .collect();
        out.sort();
        out
    };
    assert_eq!(
        ids(
            &json_of(&app, &user, "/features?search=0%25").await,
            "features"
        ),
        ["T_PCT"],
        "% is literal"
    );
    assert_eq!(
        ids(
            &json_of(&app, &user, "/features?search=e_c").await,
            "features"
        ),
        ["T_UND"],
        "_ is literal"
    );
    assert_eq!(
        ids(
            &json_of(&app, &user, "/features?search=XYZZY").await,
            "features"
        ),
        ["T_PCT", "T_UND", "T_ZERO"]
    );
    let created = json_of(&app, &user, "/features/T_ZERO").await;
    assert_eq!(
        (
            created["category"].as_str(),
            created["feature_type"].as_str()
        ),
        (Some("ChampionPoints"), Some("PASSIVE")),
        "admin writes are normalised too"
    );
    assert!(created["class_restriction"].is_null());

    let arcanist = json_of(
        &app,
        &user,
        "/features?class_restriction=Arcanist&limit=500",
    )
    .await;
    assert!(arcanist["total"].as_u64().unwrap() >= 3);
    assert!(
        arcanist["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["class_restriction"] == "Arcanist")
    );
    let passives = json_of(
        &app,
        &user,
        "/features?category=ChampionPoints&feature_type=PASSIVE",
    )
    .await;
    assert_eq!(passives["total"], 3);

    let warden = json_of(&app, &user, "/features/class/Warden?limit=500").await;
    let w_ids = ids(&warden, "features");
    assert!(
        w_ids.contains(&"T_PCT".to_owned()) && w_ids.contains(&"T_ZERO".to_owned()),
        "universal included by default"
    );
    let only = json_of(
        &app,
        &user,
        "/features/class/Warden?include_universal=false&limit=500",
    )
    .await;
    assert!(!ids(&only, "features").contains(&"T_ZERO".to_owned()));

    let heavy = json_of(&app, &user, "/features/sets?weight=Heavy").await;
    assert!(
        heavy["sets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["weight"].as_str().unwrap().contains("Heavy"))
    );
    let combined = json_of(&app, &user, "/features/search?q=wrath").await;
    let cats: Vec<&str> = combined["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    assert!(
        cats.contains(&"Set"),
        "sets are shaped as features: {combined}"
    );

    let r = get(&app, &user, "/features?search=x").await;
    assert_eq!(r.status(), 422, "search needs 2 characters");
    assert_error_body(&r.json().await.unwrap(), 422);
}

#[tokio::test]
async fn updates_since_a_patch_with_etag_and_304() {
    let app = spawn_app().await;
    let user = app.user().await;
    let r = get(&app, &user, "/features/updates?since=U47").await;
    assert_eq!(r.status(), 200);
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["since_patch"].as_str(), body["current_patch"].as_str()),
        (Some("U47"), Some("U48"))
    );
    assert!(
        body["total_changes"].as_u64().unwrap() >= 30,
        "the sample is all U48: {body}"
    );
    let page: Value = json_of(
        &app,
        &user,
        "/features/updates?since_patch=U47&limit=5&offset=5",
    )
    .await;
    assert_eq!(page["updates"].as_array().unwrap().len(), 5, "paginated");

    let r = app
        .as_user(&user, Method::GET, "/features/updates?since=U47")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);

    let none: Value = json_of(&app, &user, "/features/updates?since=U48").await;
    assert_eq!(none["total_changes"], 0);

    let r = get(&app, &user, "/features/updates?since=U99").await;
    assert_eq!(r.status(), 400);
    let err: Value = r.json().await.unwrap();
    assert!(
        err["detail"].as_str().unwrap().contains("U48"),
        "names the known patches: {err}"
    );

    // A write changes the ETag.
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let body = json!({"feature_id": "T_NEW", "system": "PLAYER", "category": "Class", "name": "New", "patch_updated": "U48", "attributes": {}});
    assert_eq!(
        app.as_user(&admin, Method::POST, "/features")
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let r = app
        .as_user(&user, Method::GET, "/features/updates?since=U47")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "stale ETag");
}

#[tokio::test]
async fn writes_are_admin_only_and_invalidate_the_cache() {
    let app = spawn_app().await;
    let user = app.user().await;
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let before = json_of(&app, &user, "/features/SAMPLE_ARC_FATECARVER").await;
    let list_before = json_of(&app, &user, "/features?class_restriction=Arcanist").await;
    let mut changed = before.clone();
    changed["name"] = json!("Fatecarver (renamed)");
    changed.as_object_mut().unwrap().remove("updated_at");
    let path = "/features/SAMPLE_ARC_FATECARVER";
    assert_eq!(
        app.as_user(&user, Method::PUT, path)
            .json(&changed)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.as_user(&user, Method::DELETE, path)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.as_user(&user, Method::POST, "/features")
            .json(&changed)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = app
        .as_user(&admin, Method::PUT, path)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let after = json_of(&app, &user, path).await;
    assert_eq!(
        after["name"], "Fatecarver (renamed)",
        "the cached entry was invalidated"
    );
    let list_after = json_of(&app, &user, "/features?class_restriction=Arcanist").await;
    assert_ne!(list_before, list_after, "cached lists were invalidated");

    assert_eq!(
        app.as_user(&admin, Method::DELETE, path)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(get(&app, &user, path).await.status(), 404);
    assert_eq!(
        app.as_user(&admin, Method::POST, "/features")
            .json(&changed)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        app.as_user(&admin, Method::POST, "/features")
            .json(&changed)
            .send()
            .await
            .unwrap()
            .status(),
        409,
        "duplicate id"
    );

    let set_path = "/features/sets/SAMPLE_SET_PILLAR";
    let mut set = json_of(&app, &user, set_path).await;
    set["pve_tier"] = json!("S");
    set.as_object_mut().unwrap().remove("updated_at");
    assert_eq!(
        app.as_user(&user, Method::PUT, set_path)
            .json(&set)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.as_user(&admin, Method::PUT, set_path)
            .json(&set)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(json_of(&app, &user, set_path).await["pve_tier"], "S");
    assert_eq!(
        app.request(Method::GET, &app.api("/features"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "reads need a signed-in user"
    );
}

#[tokio::test]
async fn concurrent_admin_writes_wait_for_each_other_instead_of_failing() {
    // A hooked write is a transaction that reads (the permission check) before it writes. On
    // SQLite, such a transaction could not wait for another writer and failed at once with
    // "database is locked" (503); schemathesis found it. Now each takes the write lock first.
    let app = spawn_app().await;
    let user = app.user().await;
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let path = "/features/SAMPLE_ARC_FATECARVER";
    let mut body = json_of(&app, &user, path).await;
    body.as_object_mut().unwrap().remove("updated_at");
    let writes = (0..24).map(|i| {
        let mut b = body.clone();
        b["name"] = json!(format!("Fatecarver {i}"));
        let request = app.as_user(&admin, Method::PUT, path).json(&b);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(writes).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}

/// The generated, cached `get` and `list` (`api(cache = ..., list_cache = ...)`): a repeated
/// read issues no statement, an
/// unknown id stays a 404 from the cache, and an admin's create of that id drops the cached 404
/// at once (the model's `after_commit` hook), as an edit drops a cached answer.
#[tokio::test]
async fn a_cached_get_is_answered_without_the_database_until_a_write() {
    let app = spawn_app().await;
    let user = app.user().await;
    let admin = app.user_with_role(app::auth::Role::Admin).await;
    let path = "/features/SAMPLE_ARC_FATECARVER";
    let feature = json_of(&app, &user, path).await;
    let before = app.db.statement_count();
    assert_eq!(json_of(&app, &user, path).await, feature);
    assert_eq!(
        app.db.statement_count(),
        before,
        "a repeated read is answered from the cache"
    );

    let missing = "/features/GUIDE_CACHED_MISSING";
    let r = get(&app, &user, missing).await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["detail"], "Feature not found", "{body}");
    let before = app.db.statement_count();
    assert_eq!(get(&app, &user, missing).await.status(), 404);
    assert_eq!(
        app.db.statement_count(),
        before,
        "a known-missing id is cached too"
    );

    let mut created = feature.clone();
    created["feature_id"] = json!("GUIDE_CACHED_MISSING");
    created.as_object_mut().unwrap().remove("updated_at");
    let r = app
        .as_user(&admin, Method::POST, "/features")
        .json(&created)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    assert_eq!(
        json_of(&app, &user, missing).await["feature_id"],
        "GUIDE_CACHED_MISSING",
        "the create dropped the cached 404"
    );
    for cached in [
        "/features/sets/SAMPLE_SET_PILLAR",
        "/features?category=Class&limit=5",
        "/features/sets?set_type=Trial",
    ] {
        let answer = json_of(&app, &user, cached).await;
        let before = app.db.statement_count();
        assert_eq!(json_of(&app, &user, cached).await, answer);
        assert_eq!(app.db.statement_count(), before, "{cached} is cached too");
    }
}

/// Cached pages are keyed by the query exactly as it is matched: `category` and the class name
/// match case-sensitively, so a differently cased query is not answered with another's cached
/// page (as it was when the keys were lower-cased).
#[tokio::test]
async fn a_differently_cased_filter_is_not_answered_from_another_querys_page() {
    let app = spawn_app().await;
    let user = app.user().await;
    for (exact, cased) in [
        ("/features?category=Class", "/features?category=class"),
        (
            "/features/class/Arcanist?include_universal=false",
            "/features/class/arcanist?include_universal=false",
        ),
        (
            "/features/sets?set_type=Trial",
            "/features/sets?set_type=trial",
        ),
    ] {
        let first = json_of(&app, &user, exact).await;
        assert!(first["total"].as_u64().unwrap() > 0, "{exact}: {first}");
        let second = json_of(&app, &user, cased).await;
        assert_eq!(
            second["total"], 0,
            "{cased} matches case-sensitively: {second}"
        );
    }
}
