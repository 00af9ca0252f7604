//! Statistics, comparison, characters and analytics over the caller's runs; another user's
//! runs and characters never show.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, TestUser, spawn_app},
    runs::run_body,
};

async fn submit(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let r = app
        .as_user(user, Method::POST, "/runs")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

async fn get(app: &TestApp, user: &TestUser, path: &str) -> (u16, Value) {
    let r = app.as_user(user, Method::GET, path).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn stats_compare_characters_and_analytics() {
    let app = spawn_app().await;
    let (a, b) = (app.user().await, app.user().await);
    let r1 = submit(&app, &a, run_body("Vivec", 80_000.0)).await;
    let mut second = run_body("Vivec", 100_000.0);
    second["build_snapshot"]["sets"] = json!(["Arms of Relequen", "Pillar of Nirn"]);
    second["build_snapshot"]["cp_level"] = json!(2200);
    second["success"] = json!(false);
    let r2 = submit(&app, &a, second).await;
    let mut other = run_body("Almalexia", 50_000.0);
    other["content"]["name"] = json!("Sanity's Edge");
    other["metrics"]["buff_uptime"] = json!([{"name": "Major Brutality", "uptime": 0.5}, {"name": "Minor Courage", "uptime": 0.4}]);
    submit(&app, &a, other).await;
    submit(&app, &b, run_body("Sotha Sil", 120_000.0)).await;

    let (_, stats) = get(&app, &a, "/runs/stats/summary").await;
    assert_eq!(
        (
            stats["total_runs"].as_u64(),
            stats["successful_runs"].as_u64()
        ),
        (Some(3), Some(2))
    );
    assert!((stats["average_dps"].as_f64().unwrap() - 230_000.0 / 3.0).abs() < 1e-6);
    assert_eq!(stats["best_dps"], 100_000.0, "B's runs do not count");
    assert_eq!(stats["total_play_time_sec"], 1260.0);
    assert_eq!(stats["favorite_content"], "Lucent Citadel");
    assert_eq!(stats["favorite_character"], "Vivec");

    let (id1, id2) = (
        r1["run_id"].as_str().unwrap(),
        r2["run_id"].as_str().unwrap(),
    );
    let (status, cmp) = get(&app, &a, &format!("/runs/compare/{id1}/{id2}")).await;
    assert_eq!(status, 200);
    // A − B, relative to B (the upstream's direction): 80k against 100k.
    assert_eq!(cmp["dps_diff"], -20_000.0);
    assert_eq!(cmp["dps_diff_percent"], -20.0);
    assert_eq!(
        cmp["build_differences"]["sets_added"],
        json!(["Pillar of Nirn"])
    );
    assert_eq!(
        cmp["build_differences"]["sets_removed"],
        json!(["Kinras's Wrath"])
    );
    assert_eq!(cmp["build_differences"]["cp_level_diff"], 100);
    assert_eq!(
        get(&app, &b, &format!("/runs/compare/{id1}/{id2}")).await.0,
        404,
        "B cannot compare A's runs"
    );

    let (_, chars) = get(&app, &a, "/characters").await;
    let names: Vec<&str> = chars
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["character_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Almalexia", "Vivec"]);
    let vivec = &chars[1];
    assert_eq!(
        (vivec["total_runs"].as_u64(), vivec["best_dps"].as_f64()),
        (Some(2), Some(100_000.0))
    );
    assert_eq!(vivec["cp_level"], 2200, "from the latest run");
    let (status, detail) = get(&app, &a, "/characters/Vivec").await;
    assert_eq!(status, 200);
    assert_eq!(detail["total_play_time_sec"], 840.0);
    assert_eq!(
        get(&app, &b, "/characters/Vivec").await.0,
        404,
        "B has no run with Vivec"
    );
    assert_eq!(get(&app, &a, "/characters/Nobody").await.0, 404);

    let (_, trend) = get(&app, &a, "/analytics/dps-trend?time_range=7d").await;
    assert_eq!(trend.as_array().unwrap().len(), 1, "all today");
    assert_eq!(
        (trend[0]["run_count"].as_u64(), trend[0]["max_dps"].as_f64()),
        (Some(3), Some(100_000.0))
    );
    let (_, only) = get(&app, &a, "/analytics/dps-trend?character_name=Almalexia").await;
    assert_eq!(only[0]["run_count"], 1);

    let (_, pct) = get(&app, &a, "/analytics/percentile-trend?time_range=all").await;
    for p in pct.as_array().unwrap() {
        // The run's day (UTC), as `YYYY-MM-DD`.
        let day = p["date"].as_str().unwrap();
        let parsed = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        assert_eq!(parsed.format("%Y-%m-%d").to_string(), day);
    }
    let pct: Vec<(f64, f64)> = pct
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["dps"].as_f64().unwrap(),
                p["percentile"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pct.len(), 3, "A's runs only");
    // Lucent Citadel veteran pool: A 80k, A 100k, B 120k. 80k beats none of the 2 others, 100k
    // one of 2. Percent, 0–100, as the upstream answers (API_CONTRACT.md), never a 0–1 share.
    assert!(
        pct.contains(&(80_000.0, 0.0)) && pct.contains(&(100_000.0, 50.0)),
        "{pct:?}"
    );
    assert!(pct.contains(&(50_000.0, 50.0)), "alone in its pool: 50");
    let (_, best) = get(&app, &b, "/analytics/percentile-trend?time_range=all").await;
    assert_eq!(
        best[0]["percentile"], 100.0,
        "B's 120k beats both others: {best}"
    );

    let (_, buffs) = get(&app, &a, "/analytics/buff-analysis").await;
    assert_eq!(buffs[0]["buff_name"], "Major Brutality");
    assert_eq!(
        (
            buffs[0]["sample_count"].as_u64(),
            buffs[0]["importance"].as_str()
        ),
        (Some(3), Some("high"))
    );
    assert_eq!(
        (
            buffs[1]["buff_name"].as_str(),
            buffs[1]["importance"].as_str()
        ),
        (Some("Minor Courage"), Some("medium"))
    );

    let (status, err) = get(&app, &a, "/analytics/dps-trend?time_range=1y").await;
    assert_eq!(status, 422);
    assert_eq!(err["errors"][0]["field"], "time_range");
    // The document says the same: an enum, so "" or "1y" are never generated as valid.
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    for path in [
        "/analytics/dps-trend",
        "/analytics/percentile-trend",
        "/analytics/buff-analysis",
    ] {
        let params = spec["paths"][path]["get"]["parameters"].as_array().unwrap();
        let range = params.iter().find(|p| p["name"] == "time_range").unwrap();
        let schema = &range["schema"];
        let schema = match schema["$ref"].as_str() {
            Some(r) => &spec["components"]["schemas"][r.rsplit('/').next().unwrap()],
            None => schema,
        };
        assert_eq!(schema["enum"], json!(["7d", "30d", "90d", "all"]), "{path}");
    }
}

#[tokio::test]
async fn compare_answers_a_minus_b_relative_to_b() {
    let app = spawn_app().await;
    let user = app.user().await;
    let mut long = run_body("Vivec", 80_000.0);
    long["duration_sec"] = json!(500.0);
    let a = submit(&app, &user, long).await;
    let mut short = run_body("Vivec", 100_000.0);
    short["duration_sec"] = json!(380.0);
    short["build_snapshot"]["cp_level"] = json!(2300);
    let b = submit(&app, &user, short).await;
    let zero = submit(&app, &user, run_body("Vivec", 0.0)).await;
    let id = |r: &Value| r["run_id"].as_str().unwrap().to_owned();
    let compare = |x: &Value, y: &Value| format!("/runs/compare/{}/{}", id(x), id(y));

    let cases = [
        // (path, dps_diff, dps_diff_percent, duration_diff_sec, cp_level_diff)
        ("A against B", compare(&a, &b), -20_000.0, -20.0, 120.0, 200),
        ("B against A", compare(&b, &a), 20_000.0, 25.0, -120.0, -200),
        ("against 0 DPS", compare(&a, &zero), 80_000.0, 0.0, 80.0, 0),
        (
            "0 DPS against A",
            compare(&zero, &a),
            -80_000.0,
            -100.0,
            -80.0,
            0,
        ),
    ];
    for (name, path, dps, percent, duration, cp) in cases {
        let (status, cmp) = get(&app, &user, &path).await;
        assert_eq!(status, 200, "{name}: {cmp}");
        assert_eq!(cmp["dps_diff"], dps, "{name}: {cmp}");
        assert_eq!(cmp["dps_diff_percent"], percent, "{name}: {cmp}");
        assert_eq!(cmp["duration_diff_sec"], duration, "{name}: {cmp}");
        assert_eq!(
            cmp["build_differences"]["cp_level_diff"], cp,
            "{name}: B's CP minus A's: {cmp}"
        );
    }
}
