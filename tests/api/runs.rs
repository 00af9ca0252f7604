//! Combat runs over HTTP: submit, list, get, delete, validation, and BOLA (another user's run
//! is 404 and never listed).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_error_body, spawn_app};

pub fn run_body(character: &str, dps: f64) -> Value {
    json!({
        "character_name": character,
        "content": {"type": "trial", "name": "Lucent Citadel", "difficulty": "veteran"},
        "duration_sec": 420.0,
        "success": true,
        "group_size": 12,
        "build_snapshot": {
            "class": "Arcanist", "race": "Khajiit", "cp_level": 2100,
            "sets": ["Arms of Relequen", "Kinras's Wrath"],
            "skills_front": ["Fatecarver", "Runeblades"], "skills_back": ["Barbed Trap"]
        },
        "metrics": {
            "damage_done": (dps * 420.0) as i64, "healing_done": 100000, "damage_taken": 300000,
            "damage_blocked": 50000, "damage_mitigated": 150000, "deaths": 0, "interrupts": 3,
            "synergies_used": 4, "magicka_spent": 900000, "stamina_spent": 100000,
            "dps": dps, "hps": 800.0, "crit_rate": 0.55, "time_dead": 0.0,
            "buff_uptime": [{"name": "Major Brutality", "uptime": 0.92}],
            "debuff_uptime": [{"name": "Major Breach", "uptime": 0.8}]
        }
    })
}

pub async fn submit(app: &TestApp, user: &TestUser, body: &Value) -> reqwest::Response {
    app.as_user(user, Method::POST, "/runs")
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn submit_get_list_and_delete() {
    let app = spawn_app().await;
    let user = app.user().await;
    let r = submit(&app, &user, &run_body("Vivec", 95_000.0)).await;
    assert_eq!(r.status(), 201);
    let run: Value = r.json().await.unwrap();
    let id = run["run_id"].as_str().unwrap().to_owned();
    assert_eq!(run["player_id"], user.id.to_string());
    assert_eq!(run["content"]["type"], "trial");
    assert_eq!(run["build_snapshot"]["class"], "Arcanist");
    let scores = &run["contribution_scores"];
    assert!(
        (scores["damage_dealt"].as_f64().unwrap() - 95_000.0 / 145_000.0).abs() < 1e-9,
        "{scores}"
    );
    assert!((scores["buff_uptime"].as_f64().unwrap() - 0.92).abs() < 1e-9);

    let got: Value = app.get_json(&user, &format!("/runs/{id}")).await;
    assert_eq!(got["metrics"], run["metrics"], "stored as submitted");

    submit(&app, &user, &run_body("Almalexia", 40_000.0)).await;
    let list: Value = app.get_json(&user, "/runs").await;
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["runs"][0]["character_name"], "Almalexia",
        "newest first"
    );
    assert_eq!(list["runs"][0]["dps"], 40_000.0);
    for (query, total) in [
        ("min_dps=50000", 1),
        ("character_name=Vivec", 1),
        ("content_type=trial&difficulty=veteran", 2),
        ("content_type=dungeon", 0),
        ("success=false", 0),
        ("content_name=Lucent%20Citadel", 2),
        (
            "from_date=2000-01-01T00:00:00Z&to_date=2999-01-01T00:00:00Z",
            2,
        ),
        ("to_date=2000-01-01T00:00:00Z", 0),
        ("max_dps=50000", 1),
    ] {
        let page: Value = app.get_json(&user, &format!("/runs?{query}")).await;
        assert_eq!(page["total"], total, "{query}: {page}");
    }
    for (sort, first) in [
        ("dps", "Almalexia"),
        ("-dps", "Vivec"),
        ("timestamp", "Vivec"),
    ] {
        let page: Value = app.get_json(&user, &format!("/runs?sort={sort}")).await;
        assert_eq!(page["runs"][0]["character_name"], first, "sort={sort}");
    }
    for (query, field) in [
        ("min_dps=-1", "min_dps"),
        ("sort=group_size", "sort"),
        ("limit=101", "limit"),
    ] {
        let r = app
            .as_user(&user, Method::GET, &format!("/runs?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{query}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }

    let r = app
        .as_user(&user, Method::DELETE, &format!("/runs/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.as_user(&user, Method::GET, &format!("/runs/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn invalid_runs_name_every_field() {
    let app = spawn_app().await;
    let user = app.user().await;
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation, &str)> = vec![
        (
            "group size 0",
            Box::new(|b| b["group_size"] = json!(0)),
            "group_size",
        ),
        (
            "group size 25",
            Box::new(|b| b["group_size"] = json!(25)),
            "group_size",
        ),
        (
            "CP 3601",
            Box::new(|b| b["build_snapshot"]["cp_level"] = json!(3601)),
            "build_snapshot.cp_level",
        ),
        (
            "7 front-bar skills",
            Box::new(|b| {
                b["build_snapshot"]["skills_front"] = json!(["1", "2", "3", "4", "5", "6", "7"])
            }),
            "build_snapshot.skills_front",
        ),
        (
            "crit rate 1.5",
            Box::new(|b| b["metrics"]["crit_rate"] = json!(1.5)),
            "metrics.crit_rate",
        ),
        (
            "unknown class",
            Box::new(|b| b["build_snapshot"]["class"] = json!("Bard")),
            "build_snapshot.class",
        ),
        (
            "negative count",
            Box::new(|b| b["metrics"]["deaths"] = json!(-1)),
            "metrics.deaths",
        ),
        (
            "unknown content type",
            Box::new(|b| b["content"]["type"] = json!("raid")),
            "content.type",
        ),
        (
            "uptime over 1",
            Box::new(|b| b["metrics"]["buff_uptime"][0]["uptime"] = json!(1.2)),
            "metrics.buff_uptime[0].uptime",
        ),
        (
            "empty character",
            Box::new(|b| b["character_name"] = json!("")),
            "character_name",
        ),
    ];
    for (name, mutate, field) in cases {
        let mut body = run_body("Vivec", 50_000.0);
        mutate(&mut body);
        let r = submit(&app, &user, &body).await;
        assert_eq!(r.status(), 422, "{name}");
        let err: Value = r.json().await.unwrap();
        assert_error_body(&err, 422);
        let fields: Vec<&str> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, [field], "{name}: {err}");
    }
    let list: Value = app.get_json(&user, "/runs").await;
    assert_eq!(list["total"], 0, "nothing stored");
}

#[tokio::test]
async fn a_422_detail_names_every_bad_field() {
    let app = spawn_app().await;
    let user = app.user().await;
    let mut body = run_body("Vivec", 50_000.0);
    body["build_snapshot"]["race"] = json!("Dwemer");
    body["group_size"] = json!(0);
    let r = submit(&app, &user, &body).await;
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert_error_body(&err, 422);
    let detail = err["detail"].as_str().unwrap();
    assert!(
        detail.contains("build_snapshot.race: must be one of")
            && detail.contains("group_size: must be between 1 and 24"),
        "{err}"
    );
    assert!(!detail.contains("Dwemer"), "not the submitted value: {err}");
    // errors[] is unchanged: one entry per field, in the detail's order.
    let fields: Vec<&str> = err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields.len(), 2, "{err}");
    assert!(fields.contains(&"build_snapshot.race") && fields.contains(&"group_size"));
    let summary: Vec<String> = err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["field"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(detail, summary.join("; "));

    // Many bad fields: the first ten, then how many more.
    let mut body = run_body("Vivec", 50_000.0);
    body["build_snapshot"]["sets"] = json!((0..12).collect::<Vec<i32>>());
    let r = submit(&app, &user, &body).await;
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    let detail = err["detail"].as_str().unwrap();
    let listed = err["errors"].as_array().unwrap().len();
    assert_eq!(listed, 13, "sets too long, and 12 numbers: {err}");
    assert!(detail.ends_with("; … and 3 more"), "{detail}");
    assert_eq!(detail.matches("; ").count(), 10, "{detail}");
}

#[tokio::test]
async fn another_users_runs_are_404_and_never_listed() {
    let app = spawn_app().await;
    let (a, b) = (app.user().await, app.user().await);
    let run: Value = submit(&app, &a, &run_body("Vivec", 60_000.0))
        .await
        .json()
        .await
        .unwrap();
    let id = run["run_id"].as_str().unwrap();
    submit(&app, &b, &run_body("Sotha Sil", 30_000.0)).await;
    let r = app
        .as_user(&b, Method::GET, &format!("/runs/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let missing: Value = app
        .as_user(&b, Method::GET, &format!("/runs/{}", uuid::Uuid::new_v4()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["detail"],
        missing["detail"],
        "indistinguishable from missing"
    );
    assert_eq!(
        app.as_user(&b, Method::DELETE, &format!("/runs/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let list: Value = app.get_json(&b, "/runs?limit=100").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["runs"][0]["character_name"], "Sotha Sil");
    assert_eq!(
        app.as_user(&a, Method::GET, &format!("/runs/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "A's run is intact"
    );
}

#[tokio::test]
async fn stored_recommendations_are_owner_scoped_and_go_with_their_run() {
    let app = spawn_app().await;
    let (a, b) = (app.user().await, app.user().await);
    let run: Value = submit(&app, &a, &run_body("Vivec", 60_000.0))
        .await
        .json()
        .await
        .unwrap();
    let run_id: uuid::Uuid = run["run_id"].as_str().unwrap().parse().unwrap();
    let rec = app::recommendations::Recommendation {
        recommendation_id: uuid::Uuid::new_v4(),
        player_id: a.id,
        run_id,
        category: app::recommendations::RecommendationCategory::Execution,
        priority: 1,
        current_state: "Spent 12 s dead".into(),
        recommended_change: "Stay alive".into(),
        expected_improvement: "+6.0% mechanic execution".into(),
        reasoning: "Deaths cost uptime".into(),
        confidence: 0.95,
        created_at: app::model::column::truncate_to_millis(chrono::Utc::now()),
    };
    app::model::crud::insert(&app.db, &rec).await.unwrap();
    let get = |user: &TestUser, q: String| {
        let req = app.as_user(user, Method::GET, &format!("/recommendations{q}"));
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mine = get(&a, String::new()).await;
    assert_eq!(
        mine["recommendations"][0]["recommended_change"],
        "Stay alive"
    );
    assert_eq!(mine["recommendations"][0]["category"], "execution");
    assert_eq!(
        get(&a, format!("?run_id={}", uuid::Uuid::new_v4())).await["recommendations"],
        serde_json::json!([])
    );
    assert_eq!(
        get(&a, "?since=2999-01-01T00:00:00Z".into()).await["recommendations"],
        serde_json::json!([])
    );
    assert_eq!(
        get(&b, format!("?run_id={run_id}")).await["recommendations"],
        serde_json::json!([]),
        "B sees none of A's"
    );
    assert_eq!(
        app.as_user(&a, Method::DELETE, &format!("/runs/{run_id}"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        get(&a, String::new()).await["recommendations"],
        serde_json::json!([]),
        "deleted with the run"
    );
}

#[tokio::test]
async fn demo_data_is_deterministic_and_realistic() {
    use crate::helpers::{TestDatabase, ebo};
    let fingerprint = |url: String| async move {
        let db = app::db::Db::open(&crate::helpers::test_settings(&url).database)
            .await
            .unwrap();
        let rows: Vec<Value> = db
            .fetch_all("SELECT run_id AS id, character_name AS c, content_name AS n, dps AS d, source AS s, difficulty AS f FROM combat_runs ORDER BY run_id", vec![])
            .await
            .unwrap();
        rows
    };
    let mut prints = Vec::new();
    for seed in ["7", "7", "8"] {
        let db = TestDatabase::create().await;
        let o = ebo(
            &[
                "seed", "demo", "--users", "3", "--runs", "40", "--seed", seed,
            ],
            &[
                ("DATABASE_URL", db.url.as_str()),
                ("EBO_AUTH__BCRYPT_COST", "4"),
            ],
        )
        .await;
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            String::from_utf8_lossy(&o.stdout)
                .contains("3 new users, 40 new runs, 0 already there")
        );
        prints.push(fingerprint(db.url.clone()).await);
        if prints.len() == 1 {
            // Run again on the same database: no error, nothing stored twice, nothing changed.
            let again = ebo(
                &[
                    "seed", "demo", "--users", "3", "--runs", "40", "--seed", seed,
                ],
                &[
                    ("DATABASE_URL", db.url.as_str()),
                    ("EBO_AUTH__BCRYPT_COST", "4"),
                ],
            )
            .await;
            assert!(
                again.status.success(),
                "{}",
                String::from_utf8_lossy(&again.stderr)
            );
            assert!(
                String::from_utf8_lossy(&again.stdout)
                    .contains("0 new users, 0 new runs, 40 already there"),
                "{}",
                String::from_utf8_lossy(&again.stdout)
            );
            assert_eq!(
                fingerprint(db.url.clone()).await,
                prints[0],
                "re-run changed nothing"
            );
        }
    }
    assert_eq!(prints[0].len(), 40);
    assert_eq!(prints[0], prints[1], "same seed, same data");
    assert!(
        prints[0]
            .iter()
            .all(|r| r["id"].as_str().unwrap().as_bytes()[14] == b'4'),
        "run ids are UUID v4"
    );
    let addon: Vec<&Value> = prints[0].iter().filter(|r| r["s"] == "addon").collect();
    assert!(!addon.is_empty(), "some demo runs are in the addon's shape");
    assert!(
        addon.iter().all(|r| r["f"] == "unknown"),
        "addon runs have unknown difficulty"
    );
    assert_ne!(prints[0], prints[2], "another seed, other data");

    // A demo account logs in and sees its runs, with real content names and sample skills.
    let db = TestDatabase::create().await;
    let o = ebo(
        &["seed", "demo", "--users", "2", "--runs", "30"],
        &[
            ("DATABASE_URL", db.url.as_str()),
            ("EBO_AUTH__BCRYPT_COST", "4"),
        ],
    )
    .await;
    assert!(o.status.success());
    let url = db.url.clone();
    let app = crate::helpers::spawn_app_with(|s| s.database.url = url).await;
    let tokens: Value = app
        .request(Method::POST, &app.api("/auth/login"))
        .json(&json!({"username": "demo0001", "password": app::runs::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let list: Value = app
        .request(Method::GET, &app.api("/runs?limit=100"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list["total"].as_u64().unwrap() > 0);
    let id = list["runs"][0]["run_id"].as_str().unwrap();
    let run: Value = app
        .request(Method::GET, &app.api(&format!("/runs/{id}")))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        run["build_snapshot"]["skills_front"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s.as_str().unwrap().is_empty())
    );
    assert!(run["contribution_scores"]["damage_dealt"].as_f64().unwrap() > 0.0);
}
