//! Does `#[derive(Model)]` cost anything per request? Serves the generated `SavedBuildApi`
//! and a hand-written equivalent (same SQL scoping, same response type) from one
//! `OpenApiService` over one database, then calls both in-process (`Endpoint::call`, no
//! network noise), interleaving the two request by request so both see the same load and
//! drift, and prints per-request latency and the ratio of the medians.
//!
//! `cargo run --release -p model-overhead [-- ROUNDS REQUESTS_PER_ROUND CONCURRENCY]`
//! (defaults 6, 4000, 4). `BENCH_DATABASE_URL=postgres://…` uses PostgreSQL (the database
//! must exist and be empty); the default is a temporary SQLite file.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // a benchmark tool: a setup failure should stop it loudly

mod hand;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    auth::Role,
    builds::SavedBuildApi,
    config::Settings,
    db::Db,
    eso::{EsoClass, Race},
    model::ColumnType,
    state::AppState,
};
use poem::{Endpoint, EndpointExt, Request, Route};
use poem_openapi::OpenApiService;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

type Ep = Arc<poem::endpoint::BoxEndpoint<'static, poem::Response>>;

async fn call(ep: &Ep, uri: &str, bearer: &str) -> Duration {
    let req = Request::builder()
        .uri(uri.parse().unwrap_or_default())
        .header("authorization", bearer)
        .finish();
    let t = Instant::now();
    let resp = ep.call(req).await.unwrap_or_else(|e| e.into_response());
    assert!(resp.status().is_success(), "{uri}: {}", resp.status());
    let _ = resp.into_body().into_bytes().await;
    t.elapsed()
}

/// `conc` tasks each issue `n / conc` pairs, alternating which of the two goes first, so both
/// see the same load, caches and drift. Returns (latencies of `a`, latencies of `b`).
async fn interleaved(
    ep: Ep,
    a: String,
    b: String,
    bearer: String,
    n: usize,
    conc: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (ep, a, b, bearer) = (ep.clone(), a.clone(), b.clone(), bearer.clone());
        tasks.push(tokio::spawn(async move {
            let (mut la, mut lb) = (Vec::new(), Vec::new());
            for i in 0..n / conc {
                if i % 2 == 0 {
                    la.push(call(&ep, &a, &bearer).await);
                    lb.push(call(&ep, &b, &bearer).await);
                } else {
                    lb.push(call(&ep, &b, &bearer).await);
                    la.push(call(&ep, &a, &bearer).await);
                }
            }
            (la, lb)
        }));
    }
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    for t in tasks {
        let (a, b) = t.await.unwrap_or_default();
        la.extend(a);
        lb.extend(b);
    }
    (la, lb)
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (rounds, per_round, conc) = (
        args.first().copied().unwrap_or(6),
        args.get(1).copied().unwrap_or(4000),
        args.get(2).copied().unwrap_or(4),
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut settings = Settings::default();
    settings.database.url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let db = Db::open(&settings.database)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app::db::migrate::up(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let auth = Arc::new(
        app::auth::sessions::AuthState::new(&settings.auth).unwrap_or_else(|e| panic!("{e}")),
    );
    let limits = Arc::new(app::http::rate_limit::RateLimits::new(
        &app::config::RateLimitSettings {
            enabled: false,
            ..Default::default()
        },
    ));
    let features = Arc::new(app::features::cache::FeatureCache::new(&settings.features));
    let state = AppState::new(settings, db.clone(), auth.clone(), limits, features, None);

    let user = uuid::Uuid::new_v4();
    let other = uuid::Uuid::new_v4();
    let d = db.dialect;
    for (id, name) in [(user, "bench"), (other, "other")] {
        db.rb
            .exec(
                "INSERT INTO users (id, email, username, password_hash, role, is_active, is_verified, created_at, updated_at) VALUES (?, ?, ?, 'x', 'user', ?, ?, ?, ?)",
                vec![id.to_value(d), rbs::Value::String(format!("{name}@example.com")), rbs::Value::String(name.into()), true.to_value(d), true.to_value(d), chrono::Utc::now().to_value(d), chrono::Utc::now().to_value(d)],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut first = None;
    for i in 0..200 {
        let now = app::model::column::truncate_to_millis(chrono::Utc::now());
        let owner = if i % 2 == 0 { user } else { other };
        let row = app::builds::SavedBuild {
            build_id: uuid::Uuid::new_v4(),
            owner_id: owner,
            name: format!("Build {i}"),
            class: EsoClass::Arcanist,
            subclass: None,
            race: Race::Khajiit,
            sets: vec!["Relequen's Wrath".into(), "Kinras's Wrath".into()],
            skills_front: vec!["Fatecarver".into(), "Runeblades".into()],
            skills_back: vec!["Barbed Trap".into()],
            champion_points: None,
            notes: Some("bench".into()),
            is_public: i % 4 == 1,
            created_at: now,
            updated_at: now,
        };
        if owner == user && first.is_none() {
            first = Some(row.build_id);
        }
        app::model::crud::insert(&db, &row)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let id = first.unwrap_or_default();
    let bearer = format!(
        "Bearer {}",
        auth.keys
            .issue_access(user, Role::User, 0, None, 3600)
            .map(|t| t.0)
            .unwrap_or_default()
    );

    let api = OpenApiService::new((SavedBuildApi, hand::HandBuildsApi), "bench", "1");
    // The scope each operation declares, which the security scheme enforces (as `routes`): a
    // missing table fails closed with 500.
    let scopes = <(SavedBuildApi, hand::HandBuildsApi) as poem_openapi::OpenApi>::meta();
    let scopes = Arc::new(app::auth::scope::RequiredScopes::new("/api/v1", scopes));
    let ep: Ep = Arc::new(
        Route::new()
            .nest("/api/v1", api.data(scopes))
            .data(state)
            .map_to_response()
            .boxed(),
    );

    let cases = [
        (
            "get",
            format!("/api/v1/builds/{id}"),
            format!("/api/v1/hand/builds/{id}"),
        ),
        (
            "list (limit 50)",
            "/api/v1/builds?limit=50".to_owned(),
            "/api/v1/hand/builds?limit=50".to_owned(),
        ),
    ];
    println!(
        "model-overhead: {rounds} rounds x {per_round} requests, concurrency {conc}, {} database, 200 builds",
        d.name()
    );
    println!();
    println!(
        "| endpoint | generated p50 µs | hand p50 µs | generated p99 µs | hand p99 µs | generated/hand p50 |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, generated, handwritten) in cases {
        interleaved(
            ep.clone(),
            generated.clone(),
            handwritten.clone(),
            bearer.clone(),
            400,
            conc,
        )
        .await; // warm-up
        let (mut g, mut h) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (a, b) = interleaved(
                ep.clone(),
                generated.clone(),
                handwritten.clone(),
                bearer.clone(),
                per_round,
                conc,
            )
            .await;
            g.extend(a);
            h.extend(b);
        }
        g.sort_unstable();
        h.sort_unstable();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.0} | {:.3} |",
            us(percentile(&g, 0.5)),
            us(percentile(&h, 0.5)),
            us(percentile(&g, 0.99)),
            us(percentile(&h, 0.99)),
            percentile(&g, 0.5).as_secs_f64() / percentile(&h, 0.5).as_secs_f64().max(1e-9)
        );
    }
}
