//! Peer: three of ebo's database paths written by hand (issue 19), answering the same JSON as
//! the service for the same requests, with the same statements:
//!
//! - `GET /api/v1/analytics/percentile-trend?time_range=30d`: the bearer's runs of the last 30
//!   days, oldest first, each ranked against the DPS distribution of its content and difficulty
//!   (sorted DPS values, at most 4,096 quantile points, kept 60 s per instance, as the service
//!   does);
//! - `GET /api/v1/features?category=&limit=&offset=`: one page of features and the total;
//! - `POST /api/v1/runs`: a `CombatRunCreate` body checked, stored with one `INSERT`, answered
//!   201 with the stored run and its `Location`.
//!
//! Configuration: `DATABASE_URL`, `JWT_SECRET_KEY` (HS256, `sub` = the player's id), `BIND`.
//! A benchmark anchor, not a design to copy: it skips what the service adds around these paths
//! (the uniform error body listing every invalid field, logout and account checks, caches,
//! metrics, rate limits, request ids).
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use poem::{
    get, handler,
    http::StatusCode,
    listener::TcpListener,
    post,
    web::{Data, Json, Query},
    EndpointExt, IntoResponse, Request, Response, Route, Server,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Deserialize)]
struct Claims {
    sub: Uuid,
}

struct Keys {
    key: DecodingKey,
    validation: Validation,
}

type Fail = poem::Error;

fn status(s: StatusCode) -> Fail {
    Fail::from_status(s)
}

fn internal<E: std::fmt::Display>(e: E) -> Fail {
    Fail::from_string(e.to_string(), StatusCode::INTERNAL_SERVER_ERROR)
}

/// The bearer's player id.
fn player(req: &Request, keys: &Keys) -> Result<Uuid, Fail> {
    let tok = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| status(StatusCode::UNAUTHORIZED))?;
    Ok(decode::<Claims>(tok, &keys.key, &keys.validation)
        .map_err(|_| status(StatusCode::UNAUTHORIZED))?
        .claims
        .sub)
}

// ---- GET /analytics/percentile-trend ----

const TREND_SQL: &str = "SELECT timestamp, dps, content_name, difficulty FROM combat_runs \
    WHERE player_id = $1 AND timestamp >= $2 ORDER BY timestamp";
const POOL_SQL: &str = "SELECT dps FROM combat_runs WHERE content_name = $1 AND difficulty = $2";
const MAX_POINTS: usize = 4096;
const TTL: Duration = Duration::from_secs(60);

struct Distribution {
    points: Vec<f64>,
    total: u64,
    loaded: Instant,
}

impl Distribution {
    fn new(mut values: Vec<f64>) -> Self {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        let total = values.len() as u64;
        if values.len() > MAX_POINTS {
            let last = (values.len() - 1) as f64;
            values = (0..MAX_POINTS)
                .map(|i| {
                    values[((i as f64 * last / (MAX_POINTS - 1) as f64).round() as usize)
                        .min(values.len() - 1)]
                })
                .collect();
        }
        Self {
            points: values,
            total,
            loaded: Instant::now(),
        }
    }

    fn percentile(&self, dps: f64) -> f64 {
        if self.total <= 1 {
            return 0.5;
        }
        let below = self.points.partition_point(|v| *v < dps) as f64;
        let lower = if self.points.len() as u64 == self.total {
            below
        } else {
            below * (self.total - 1) as f64 / (self.points.len() - 1).max(1) as f64
        };
        (lower / (self.total - 1) as f64).clamp(0.0, 1.0)
    }
}

/// Per `(content_name, difficulty)`; a stale or missing one is loaded by one request at a time
/// (the others wait for it), as the service does.
#[derive(Default)]
struct Distributions {
    pools: RwLock<HashMap<(String, String), Arc<Distribution>>>,
    loading: tokio::sync::Mutex<()>,
}

impl Distributions {
    fn fresh(&self, key: (&str, &str)) -> Result<Option<Arc<Distribution>>, Fail> {
        let pools = self.pools.read().map_err(internal)?;
        Ok(pools
            .get(&(key.0.to_owned(), key.1.to_owned()))
            .filter(|d| d.loaded.elapsed() < TTL)
            .cloned())
    }

    async fn get(
        &self,
        c: &deadpool_postgres::Client,
        key: (&str, &str),
    ) -> Result<Arc<Distribution>, Fail> {
        if let Some(d) = self.fresh(key)? {
            return Ok(d);
        }
        let _one_loader = self.loading.lock().await;
        if let Some(d) = self.fresh(key)? {
            return Ok(d);
        }
        let st = c.prepare_cached(POOL_SQL).await.map_err(internal)?;
        let values: Vec<f64> = c
            .query(&st, &[&key.0, &key.1])
            .await
            .map_err(internal)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let d = Arc::new(Distribution::new(values));
        self.pools
            .write()
            .map_err(internal)?
            .insert((key.0.to_owned(), key.1.to_owned()), d.clone());
        Ok(d)
    }
}

#[derive(Serialize)]
struct PercentilePoint {
    date: String,
    percentile: f64,
    dps: f64,
    content_name: String,
}

#[handler]
async fn percentile_trend(
    req: &Request,
    pool: Data<&Pool>,
    keys: Data<&Arc<Keys>>,
    dists: Data<&Arc<Distributions>>,
) -> poem::Result<Json<Vec<PercentilePoint>>> {
    let player = player(req, &keys)?;
    let since = Utc::now() - chrono::Duration::days(30);
    let c = pool
        .get()
        .await
        .map_err(|_| status(StatusCode::SERVICE_UNAVAILABLE))?;
    let st = c.prepare_cached(TREND_SQL).await.map_err(internal)?;
    let rows = c.query(&st, &[&player, &since]).await.map_err(internal)?;
    let mut pools: HashMap<(&str, &str), Arc<Distribution>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut day: Option<(NaiveDate, String)> = None;
    for r in &rows {
        let (at, dps): (DateTime<Utc>, f64) = (r.get(0), r.get(1));
        let key: (&str, &str) = (r.get(2), r.get(3));
        let d = match pools.get(&key) {
            Some(d) => d.clone(),
            None => {
                let d = dists.get(&c, key).await?;
                pools.insert(key, d.clone());
                d
            }
        };
        let date = at.date_naive();
        let date = match &day {
            Some((d, text)) if *d == date => text.clone(),
            _ => day.insert((date, date.to_string())).1.clone(),
        };
        out.push(PercentilePoint {
            date,
            percentile: (d.percentile(dps) * 1000.0).round() / 10.0,
            dps,
            content_name: key.0.to_owned(),
        });
    }
    Ok(Json(out))
}

// ---- GET /features ----

const FEATURES_SQL: &str = "SELECT feature_id, system, category, subcategory, feature_type, name, parent_feature, \
    class_restriction, unlock_method, resource_type, resource_cost, cast_time, target_type, range_m, radius_m, \
    duration_sec, cooldown_sec, base_effect, scaling_stat, max_ranks, rank_progression, buff_debuff_granted, synergy, \
    tags, dlc_required, patch_updated, source_url, attributes, updated_at, \
    (SELECT count(*) FROM features WHERE category = $1) AS total \
    FROM features WHERE category = $1 ORDER BY feature_id LIMIT $2 OFFSET $3";

#[derive(Deserialize)]
struct FeatureQuery {
    category: String,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize)]
struct Feature {
    feature_id: String,
    system: String,
    category: String,
    subcategory: Option<String>,
    feature_type: Option<String>,
    name: String,
    parent_feature: Option<String>,
    class_restriction: Option<String>,
    unlock_method: Option<String>,
    resource_type: Option<String>,
    resource_cost: Option<Value>,
    cast_time: Option<String>,
    target_type: Option<String>,
    range_m: Option<f64>,
    radius_m: Option<f64>,
    duration_sec: Option<f64>,
    cooldown_sec: Option<f64>,
    base_effect: Option<String>,
    scaling_stat: Option<String>,
    max_ranks: Option<i32>,
    rank_progression: Option<Value>,
    buff_debuff_granted: Option<String>,
    synergy: Option<String>,
    tags: Option<String>,
    dlc_required: Option<String>,
    patch_updated: Option<String>,
    source_url: Option<String>,
    attributes: Value,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct FeaturePage {
    features: Vec<Feature>,
    total: i64,
    limit: i64,
    offset: i64,
    has_more: bool,
}

#[handler]
async fn features(
    req: &Request,
    pool: Data<&Pool>,
    keys: Data<&Arc<Keys>>,
    q: Query<FeatureQuery>,
) -> poem::Result<Json<FeaturePage>> {
    player(req, &keys)?;
    let (limit, offset) = (
        q.limit.unwrap_or(100).clamp(1, 500),
        q.offset.unwrap_or(0).max(0),
    );
    let c = pool
        .get()
        .await
        .map_err(|_| status(StatusCode::SERVICE_UNAVAILABLE))?;
    let st = c.prepare_cached(FEATURES_SQL).await.map_err(internal)?;
    let rows = c
        .query(&st, &[&q.category, &limit, &offset])
        .await
        .map_err(internal)?;
    let total: i64 = rows.first().map(|r| r.get(29)).unwrap_or(0);
    let features = rows
        .iter()
        .map(|r| Feature {
            feature_id: r.get(0),
            system: r.get(1),
            category: r.get(2),
            subcategory: r.get(3),
            feature_type: r.get(4),
            name: r.get(5),
            parent_feature: r.get(6),
            class_restriction: r.get(7),
            unlock_method: r.get(8),
            resource_type: r.get(9),
            resource_cost: r.get(10),
            cast_time: r.get(11),
            target_type: r.get(12),
            range_m: r.get(13),
            radius_m: r.get(14),
            duration_sec: r.get(15),
            cooldown_sec: r.get(16),
            base_effect: r.get(17),
            scaling_stat: r.get(18),
            max_ranks: r.get(19),
            rank_progression: r.get(20),
            buff_debuff_granted: r.get(21),
            synergy: r.get(22),
            tags: r.get(23),
            dlc_required: r.get(24),
            patch_updated: r.get(25),
            source_url: r.get(26),
            attributes: r.get(27),
            updated_at: r.get(28),
        })
        .collect();
    let features: Vec<Feature> = features;
    let has_more = offset + (features.len() as i64) < total;
    Ok(Json(FeaturePage {
        features,
        total,
        limit,
        offset,
        has_more,
    }))
}

// ---- POST /runs ----

const INSERT_SQL: &str = "INSERT INTO combat_runs (run_id, player_id, character_name, content_type, content_name, \
    difficulty, duration_sec, success, group_size, cp_level, dps, build_snapshot, metrics, contribution_scores, \
    timestamp, source, addon_run_id, addon_original, analysed_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'api', NULL, NULL, NULL)";

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Content {
    #[serde(rename = "type")]
    content_type: String,
    name: String,
    difficulty: String,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct BuildSnapshot {
    class: String,
    subclass: Option<String>,
    race: String,
    cp_level: i32,
    #[serde(default)]
    sets: Vec<String>,
    #[serde(default)]
    skills_front: Vec<String>,
    #[serde(default)]
    skills_back: Vec<String>,
    champion_points: Option<HashMap<String, HashMap<String, u32>>>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Uptime {
    name: String,
    uptime: f64,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Metrics {
    #[serde(default)]
    damage_done: u64,
    #[serde(default)]
    dps: f64,
    #[serde(default)]
    crit_rate: f64,
    #[serde(default)]
    healing_done: u64,
    #[serde(default)]
    hps: f64,
    #[serde(default)]
    overhealing: u64,
    #[serde(default)]
    damage_taken: u64,
    #[serde(default)]
    damage_blocked: u64,
    #[serde(default)]
    damage_mitigated: u64,
    #[serde(default)]
    buff_uptime: Vec<Uptime>,
    #[serde(default)]
    debuff_uptime: Vec<Uptime>,
    #[serde(default)]
    dot_uptime: Vec<Uptime>,
    #[serde(default)]
    interrupts: u64,
    #[serde(default)]
    synergies_used: u64,
    #[serde(default)]
    synergies_provided: u64,
    #[serde(default)]
    deaths: u64,
    #[serde(default)]
    time_dead: f64,
    #[serde(default)]
    magicka_spent: u64,
    #[serde(default)]
    stamina_spent: u64,
    #[serde(default)]
    ultimate_spent: u64,
    #[serde(default)]
    potion_uses: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunCreate {
    character_name: String,
    content: Content,
    duration_sec: f64,
    success: bool,
    group_size: i32,
    build_snapshot: BuildSnapshot,
    metrics: Metrics,
}

#[derive(Serialize)]
struct Scores {
    damage_dealt: f64,
    damage_taken: f64,
    healing_done: f64,
    buff_uptime: f64,
    debuff_uptime: f64,
    mechanic_execution: f64,
    resource_efficiency: f64,
}

#[derive(Serialize)]
struct RunResponse {
    run_id: Uuid,
    player_id: Uuid,
    character_name: String,
    content: Content,
    duration_sec: f64,
    success: bool,
    group_size: i32,
    build_snapshot: BuildSnapshot,
    metrics: Metrics,
    timestamp: DateTime<Utc>,
    contribution_scores: Scores,
    source: &'static str,
}

const CLASSES: [&str; 7] = [
    "Dragonknight",
    "Nightblade",
    "Sorcerer",
    "Templar",
    "Warden",
    "Necromancer",
    "Arcanist",
];
const RACES: [(&str, &str); 10] = [
    ("Altmer", "High Elf"),
    ("Argonian", "Argonian"),
    ("Bosmer", "Wood Elf"),
    ("Breton", "Breton"),
    ("Dunmer", "Dark Elf"),
    ("Imperial", "Imperial"),
    ("Khajiit", "Khajiit"),
    ("Nord", "Nord"),
    ("Orc", "Orsimer"),
    ("Redguard", "Redguard"),
];

/// The names of the fields that break the contract's rules.
fn invalid(b: &RunCreate) -> Vec<&'static str> {
    let mut bad = Vec::new();
    let n = b.character_name.chars().count();
    let unit = |v: f64| (0.0..=1.0).contains(&v);
    let checks = [
        (!(1..=100).contains(&n), "character_name"),
        (
            !["dungeon", "trial", "arena", "overworld", "pvp"]
                .contains(&b.content.content_type.as_str()),
            "content.type",
        ),
        (b.content.name.trim().is_empty(), "content.name"),
        (
            !["normal", "veteran", "hardmode"].contains(&b.content.difficulty.as_str()),
            "content.difficulty",
        ),
        (
            !(b.duration_sec >= 0.0 && b.duration_sec.is_finite()),
            "duration_sec",
        ),
        (!(1..=24).contains(&b.group_size), "group_size"),
        (
            !CLASSES.contains(&b.build_snapshot.class.as_str()),
            "build_snapshot.class",
        ),
        (
            !RACES
                .iter()
                .any(|(l, g)| *l == b.build_snapshot.race || *g == b.build_snapshot.race),
            "build_snapshot.race",
        ),
        (
            !(0..=3600).contains(&b.build_snapshot.cp_level),
            "build_snapshot.cp_level",
        ),
        (b.build_snapshot.sets.len() > 10, "build_snapshot.sets"),
        (
            b.build_snapshot.skills_front.len() > 6,
            "build_snapshot.skills_front",
        ),
        (
            b.build_snapshot.skills_back.len() > 6,
            "build_snapshot.skills_back",
        ),
        (
            !(b.metrics.dps >= 0.0 && b.metrics.dps.is_finite()),
            "metrics.dps",
        ),
        (
            !(b.metrics.hps >= 0.0 && b.metrics.hps.is_finite()),
            "metrics.hps",
        ),
        (
            !(b.metrics.time_dead >= 0.0 && b.metrics.time_dead.is_finite()),
            "metrics.time_dead",
        ),
        (!unit(b.metrics.crit_rate), "metrics.crit_rate"),
        (
            !b.metrics.buff_uptime.iter().all(|u| unit(u.uptime)),
            "metrics.buff_uptime",
        ),
        (
            !b.metrics.debuff_uptime.iter().all(|u| unit(u.uptime)),
            "metrics.debuff_uptime",
        ),
        (
            !b.metrics.dot_uptime.iter().all(|u| unit(u.uptime)),
            "metrics.dot_uptime",
        ),
    ];
    for (failed, field) in checks {
        if failed {
            bad.push(field);
        }
    }
    bad
}

fn mean(u: &[Uptime]) -> f64 {
    if u.is_empty() {
        0.0
    } else {
        u.iter().map(|u| u.uptime).sum::<f64>() / u.len() as f64
    }
}

/// Rough scores in 0–1, the same amount of arithmetic as the service's.
fn scores(m: &Metrics, duration_sec: f64) -> Scores {
    let per_sec = |v: f64| v / duration_sec.max(1.0);
    let cap = |v: f64| v.clamp(0.0, 1.0);
    Scores {
        damage_dealt: cap(m.dps / 120_000.0),
        damage_taken: cap(1.0 - per_sec(m.damage_taken as f64) / 20_000.0),
        healing_done: cap(m.hps / 40_000.0),
        buff_uptime: cap(mean(&m.buff_uptime)),
        debuff_uptime: cap(mean(&m.debuff_uptime)),
        mechanic_execution: cap(1.0 - (m.deaths as f64 * 0.2 + m.time_dead / duration_sec.max(1.0))),
        resource_efficiency: cap(per_sec(m.damage_done as f64)
            / (per_sec((m.magicka_spent + m.stamina_spent) as f64) + 1.0)
            / 100.0),
    }
}

#[handler]
async fn create_run(
    req: &Request,
    body: poem::Body,
    pool: Data<&Pool>,
    keys: Data<&Arc<Keys>>,
) -> poem::Result<Response> {
    let player = player(req, &keys)?;
    let bytes = body.into_bytes().await?;
    let mut b: RunCreate = serde_json::from_slice(&bytes)
        .map_err(|e| Fail::from_string(e.to_string(), StatusCode::UNPROCESSABLE_ENTITY))?;
    let bad = invalid(&b);
    if !bad.is_empty() {
        return Err(Fail::from_string(
            bad.join(", "),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    if let Some((lore, _)) = RACES.iter().find(|(_, g)| *g == b.build_snapshot.race) {
        b.build_snapshot.race = (*lore).to_owned();
    }
    let run_id = Uuid::new_v4();
    let timestamp = Utc::now().trunc_subsecs(3);
    let scores = scores(&b.metrics, b.duration_sec);
    let snapshot = serde_json::to_value(&b.build_snapshot).map_err(internal)?;
    let metrics = serde_json::to_value(&b.metrics).map_err(internal)?;
    let score_json = serde_json::to_value(&scores).map_err(internal)?;
    let c = pool
        .get()
        .await
        .map_err(|_| status(StatusCode::SERVICE_UNAVAILABLE))?;
    let st = c.prepare_cached(INSERT_SQL).await.map_err(internal)?;
    c.execute(
        &st,
        &[
            &run_id,
            &player,
            &b.character_name,
            &b.content.content_type,
            &b.content.name,
            &b.content.difficulty,
            &b.duration_sec,
            &b.success,
            &b.group_size,
            &b.build_snapshot.cp_level,
            &b.metrics.dps,
            &snapshot,
            &metrics,
            &score_json,
            &timestamp,
        ],
    )
    .await
    .map_err(internal)?;
    let run = RunResponse {
        run_id,
        player_id: player,
        character_name: b.character_name,
        content: b.content,
        duration_sec: b.duration_sec,
        success: b.success,
        group_size: b.group_size,
        build_snapshot: b.build_snapshot,
        metrics: b.metrics,
        timestamp,
        contribution_scores: scores,
        source: "api",
    };
    Ok(Json(run)
        .with_status(StatusCode::CREATED)
        .with_header("location", format!("/api/v1/runs/{run_id}"))
        .into_response())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let secret = std::env::var("JWT_SECRET_KEY")?;
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:8098".into());
    let pg: tokio_postgres::Config = url.parse()?;
    let mgr = Manager::from_config(
        pg,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(mgr).max_size(16).build()?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.required_spec_claims = ["exp", "sub"].into_iter().map(String::from).collect();
    let keys = Arc::new(Keys {
        key: DecodingKey::from_secret(secret.as_bytes()),
        validation,
    });
    let app = Route::new()
        .at("/api/v1/analytics/percentile-trend", get(percentile_trend))
        .at("/api/v1/features", get(features))
        .at("/api/v1/runs", post(create_run))
        .data(pool)
        .data(keys)
        .data(Arc::new(Distributions::default()));
    Server::new(TcpListener::bind(bind)).run(app).await?;
    Ok(())
}
