//! Recommendations and percentiles per run (issue 7), against the real feature database and
//! demo data: computed once and stored, regenerated on request, owner-only.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    features::real_data,
    helpers::{TestApp, TestUser, ebo, spawn_app},
    runs::run_body,
};

/// The app's database with the real feature database and `runs` demo runs.
async fn app_with_demo_data(runs: &str) -> TestApp {
    let app = spawn_app().await;
    let env = [
        ("DATABASE_URL", app.settings.database.url.as_str()),
        ("EBO_AUTH__BCRYPT_COST", "4"),
    ];
    let data = real_data();
    for args in [
        vec!["seed", "features", "--from", data.to_str().unwrap()],
        vec![
            "seed", "demo", "--users", "3", "--runs", runs, "--seed", "11",
        ],
    ] {
        let o = ebo(&args, &env).await;
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    app
}

/// A weak Lucent Citadel veteran run: low DPS, poor uptimes, a death, off-meta sets.
fn weak_run() -> Value {
    let mut body = run_body("Weakling", 18_000.0);
    body["build_snapshot"]["sets"] = json!(["Mother's Sorrow", "Law of Julianos"]);
    body["build_snapshot"]["cp_level"] = json!(2000);
    let m = &mut body["metrics"];
    m["deaths"] = json!(2);
    m["time_dead"] = json!(42.0);
    m["interrupts"] = json!(0);
    m["synergies_used"] = json!(0);
    m["buff_uptime"] = json!([{"name": "Major Brutality", "uptime": 0.35}]);
    m["debuff_uptime"] = json!([{"name": "Major Breach", "uptime": 0.2}]);
    m["dot_uptime"] = json!([{"name": "Twisting Path", "uptime": 0.4}]);
    body
}

async fn submit(app: &TestApp, user: &TestUser, body: &Value) -> String {
    let r = app
        .as_user(user, Method::POST, "/runs")
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let run: Value = r.json().await.unwrap();
    run["run_id"].as_str().unwrap().to_owned()
}

fn ids(answer: &Value) -> Vec<String> {
    answer["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recommendation_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn names(app: &TestApp, sql: &str) -> BTreeSet<String> {
    let rows: Vec<Value> = app.db.fetch_all(sql, vec![]).await.unwrap();
    rows.iter()
        .filter_map(|r| r["n"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_weak_run_gets_stored_recommendations_naming_real_sets() {
    let app = app_with_demo_data("2000").await;
    let user = app.user().await;
    let run = submit(&app, &user, &weak_run()).await;
    let path = format!("/runs/{run}/recommendations");

    let first = app.get_json(&user, &path).await;
    assert_eq!(first["run_id"], run.as_str());
    let recs = first["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty(), "{first:#}");
    assert!(recs.len() <= 10);
    let priorities: Vec<u64> = recs
        .iter()
        .map(|r| r["priority"].as_u64().unwrap())
        .collect();
    assert_eq!(priorities, (1..=recs.len() as u64).collect::<Vec<_>>());
    // A death ranks first (RECOMMENDATIONS.md §4).
    assert_eq!(recs[0]["category"], "execution", "{first:#}");
    assert!(
        recs[0]["current_state"].as_str().unwrap().contains("42"),
        "{first:#}"
    );
    for r in recs {
        let c = r["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c), "{r}");
    }
    // Gear advice names sets of the feature database: the demo's meta sets.
    let sets = names(&app, "SELECT name AS n FROM gear_sets").await;
    let gear: Vec<&Value> = recs.iter().filter(|r| r["category"] == "gear").collect();
    assert!(!gear.is_empty(), "{first:#}");
    for g in &gear {
        let change = g["recommended_change"].as_str().unwrap();
        assert!(
            sets.iter().any(|s| change.contains(s.as_str())),
            "{change} names no known set"
        );
    }
    // Percentiles: seven categories and overall, each 0–1; a pool of similar demo runs.
    let p = first["percentiles"].as_object().unwrap();
    assert_eq!(p.len(), 8, "{p:?}");
    assert!(
        p.values()
            .all(|v| (0.0..=1.0).contains(&v.as_f64().unwrap()))
    );
    assert!(p["damage_dealt"].as_f64().unwrap() < 0.5);
    let n = first["sample_size"].as_u64().unwrap();
    assert!(n > 0, "{first:#}");
    let expected = if n < 10 {
        "low"
    } else if n < 50 {
        "medium"
    } else {
        "high"
    };
    assert_eq!(first["confidence"], expected);

    // Stored: the second call and the companion's list answer the same ids.
    let again = app.get_json(&user, &path).await;
    assert_eq!(ids(&again), ids(&first));
    let listed = app
        .get_json(&user, &format!("/recommendations?run_id={run}"))
        .await;
    assert_eq!(ids(&listed), ids(&first));

    // regenerate=true replaces them, in one piece.
    let fresh = app
        .get_json(&user, &format!("{path}?regenerate=true"))
        .await;
    assert_eq!(
        fresh["recommendations"].as_array().unwrap().len(),
        recs.len()
    );
    let fresh_ids: BTreeSet<String> = ids(&fresh).into_iter().collect();
    assert!(ids(&first).iter().all(|id| !fresh_ids.contains(id)));
    let listed = app
        .get_json(&user, &format!("/recommendations?run_id={run}"))
        .await;
    assert_eq!(ids(&listed), ids(&fresh));
    // `since`: computed at or after that time (RFC 3339).
    let since = |t: &str| {
        format!(
            "/recommendations?run_id={run}&since={}",
            t.replace('+', "%2B")
        )
    };
    let all = app.get_json(&user, &since("2000-01-01T00:00:00Z")).await;
    assert_eq!(ids(&all), ids(&fresh));
    let none = app.get_json(&user, &since("2999-01-01T00:00:00Z")).await;
    assert_eq!(none["recommendations"], json!([]));

    // The percentiles alone: same numbers, no recommendations.
    let only = app
        .get_json(&user, &format!("/runs/{run}/percentiles"))
        .await;
    assert_eq!(only["percentiles"], first["percentiles"]);
    assert_eq!(only["recommendations"], json!([]));

    // Another user: 404 for both, and nothing of A's in their list.
    let other = app.user().await;
    for p in [path.clone(), format!("/runs/{run}/percentiles")] {
        let r = app.as_user(&other, Method::GET, &p).send().await.unwrap();
        assert_eq!(r.status(), 404, "{p}");
    }
    let theirs = app
        .get_json(&other, &format!("/recommendations?run_id={run}"))
        .await;
    assert_eq!(theirs["recommendations"], json!([]));

    // Deleting the run deletes its recommendations.
    let r = app
        .as_user(&user, Method::DELETE, &format!("/runs/{run}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let rows: Vec<Value> = app
        .db
        .fetch_all("SELECT count(*) AS n FROM recommendations", vec![])
        .await
        .unwrap();
    assert_eq!(rows[0]["n"], 0);
}

#[tokio::test]
async fn concurrent_first_calls_store_one_set() {
    let app = app_with_demo_data("600").await;
    let user = app.user().await;
    let run = submit(&app, &user, &weak_run()).await;
    let path = format!("/runs/{run}/recommendations");
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let req = app.as_user(&user, Method::GET, &path);
        tasks.push(tokio::spawn(async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let first = ids(&answers[0]);
    assert!(!first.is_empty());
    for a in &answers {
        assert_eq!(ids(a), first, "every first call answers the stored set");
    }
    let rows: Vec<Value> = app
        .db
        .fetch_all("SELECT count(*) AS n FROM recommendations", vec![])
        .await
        .unwrap();
    assert_eq!(rows[0]["n"].as_u64().unwrap() as usize, first.len());
}

#[tokio::test]
async fn a_strong_run_alone_in_its_pool_gets_no_recommendations() {
    let app = spawn_app().await;
    let user = app.user().await;
    // No similar runs: every percentile is 0.5, none below the median.
    let run = submit(&app, &user, &run_body("Lonely", 95_000.0)).await;
    let a = app
        .get_json(&user, &format!("/runs/{run}/recommendations"))
        .await;
    assert_eq!(a["recommendations"], json!([]));
    assert_eq!(a["sample_size"], 0);
    assert_eq!(a["confidence"], "low");
    assert_eq!(a["percentiles"]["overall"], 0.5);
    // Analysed once: later calls answer the stored (empty) result without analysing again;
    // `regenerate=true` does analyse again.
    let analysed_at = async || -> String {
        let rows: Vec<Value> = app
            .db
            .fetch_all(
                &format!("SELECT analysed_at AS t FROM combat_runs WHERE run_id = '{run}'"),
                vec![],
            )
            .await
            .unwrap();
        rows[0]["t"].to_string()
    };
    let first = analysed_at().await;
    assert_ne!(first, "null", "the run is marked analysed");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = app
        .get_json(&user, &format!("/runs/{run}/recommendations"))
        .await;
    assert_eq!(again["recommendations"], json!([]));
    assert_eq!(
        analysed_at().await,
        first,
        "a later call does not analyse again"
    );
    app.get_json(
        &user,
        &format!("/runs/{run}/recommendations?regenerate=true"),
    )
    .await;
    assert_ne!(analysed_at().await, first, "regenerate analyses again");
    let missing = app
        .as_user(
            &user,
            Method::GET,
            "/runs/00000000-0000-4000-8000-000000000000/recommendations",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
