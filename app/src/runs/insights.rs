//! Read-only views over the caller's runs: stats summary, comparison, characters and the three
//! analytics. Each issues a fixed number of SQL statements whatever the number of runs.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    Enum, Object, OpenApi,
    param::{Header, Path, Query},
    payload::Json,
    types::Example,
};
use uuid::Uuid;

use super::{
    CombatRun,
    dto::{BuildSnapshot, CombatRunResponse},
    queries::{self, TimeRange, latest_per_character, num, opt_text, opt_time, rows, scope, text},
};
use crate::{
    auth::{Auth, Scope},
    error::{ApiError, AppError},
    http::{ApiTags, json::JsonBytes},
    model::{ColumnType, crud},
    state::AppState,
};

/// `GET /runs/stats/summary`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct StatsSummary {
    /// Runs submitted.
    pub total_runs: u64,
    /// Runs cleared.
    pub successful_runs: u64,
    /// Mean DPS over all runs.
    pub average_dps: f64,
    /// Best DPS.
    pub best_dps: f64,
    /// Sum of fight lengths, seconds.
    pub total_play_time_sec: f64,
    /// Most played content name.
    pub favorite_content: Option<String>,
    /// Most played character.
    pub favorite_character: Option<String>,
}

impl Example for StatsSummary {
    fn example() -> Self {
        Self {
            total_runs: 57,
            successful_runs: 49,
            average_dps: 108_932.4,
            best_dps: 124_310.0,
            total_play_time_sec: 82_115.0,
            favorite_content: Some("Lucent Citadel".into()),
            favorite_character: Some("Vivec".into()),
        }
    }
}

/// What changed between two builds.
#[derive(Debug, Object)]
pub struct BuildDifferences {
    /// Whether the class differs.
    pub class_changed: bool,
    /// Sets in B, not in A.
    pub sets_added: Vec<String>,
    /// Sets in A, not in B.
    pub sets_removed: Vec<String>,
    /// Skills (either bar) in B, not in A.
    pub skills_added: Vec<String>,
    /// Skills in A, not in B.
    pub skills_removed: Vec<String>,
    /// B's CP level minus A's: the change from A to B, like the rest of this object (the
    /// opposite direction of the comparison's `dps_diff` and `duration_diff_sec`).
    pub cp_level_diff: i32,
}

/// `GET /runs/compare/{a}/{b}`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Comparison {
    /// Run A.
    pub run_a: CombatRunResponse,
    /// Run B.
    pub run_b: CombatRunResponse,
    /// A's DPS minus B's (the upstream's direction): positive when A dealt more.
    pub dps_diff: f64,
    /// `dps_diff` as a percentage of B's DPS, rounded to 0.1 (0 when B's DPS is 0): how much
    /// more (positive) or less (negative) A dealt than B.
    pub dps_diff_percent: f64,
    /// A's fight length minus B's, seconds (same direction as `dps_diff`): positive when A
    /// took longer.
    pub duration_diff_sec: f64,
    /// Build changes from A to B (what B added and removed relative to A).
    pub build_differences: BuildDifferences,
}

impl Example for Comparison {
    fn example() -> Self {
        let run_a = CombatRunResponse::example();
        let mut run_b = run_a.clone();
        run_b.run_id = uuid::uuid!("1e7a9c3b-5d2f-4b8e-a6c4-9f0d3e2b1c58");
        run_b.timestamp = run_a.timestamp - chrono::TimeDelta::days(3);
        run_b.duration_sec = 1818.3;
        run_b.metrics.dps = 109_870.0;
        run_b.metrics.damage_done = 199_776_621;
        run_b.build_snapshot.cp_level = 2050;
        run_b.build_snapshot.sets[1] = "Kinras's Wrath".into();
        run_b.build_snapshot.set_pieces = None;
        Self {
            run_a,
            run_b,
            dps_diff: 8_580.0,
            dps_diff_percent: 7.8,
            duration_diff_sec: -75.7,
            build_differences: BuildDifferences {
                class_changed: false,
                sets_added: vec!["Kinras's Wrath".into()],
                sets_removed: vec!["Sul-Xan's Torment".into()],
                skills_added: Vec::new(),
                skills_removed: Vec::new(),
                cp_level_diff: -50,
            },
        }
    }
}

/// One character in `GET /characters`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Character {
    /// Name.
    pub character_name: String,
    /// Runs submitted with it.
    pub total_runs: u64,
    /// Best DPS.
    pub best_dps: f64,
    /// Mean DPS.
    pub avg_dps: f64,
    /// Latest run's time (UTC).
    pub last_played: Option<DateTime<Utc>>,
    /// CP level of the latest run.
    pub cp_level: Option<i32>,
    /// Build of the latest run.
    pub build: Option<BuildSnapshot>,
    /// Sum of fight lengths, seconds (detail only).
    #[oai(skip_serializing_if_is_none)]
    pub total_play_time_sec: Option<f64>,
}

impl Example for Character {
    fn example() -> Self {
        Self {
            character_name: "Vivec".into(),
            total_runs: 42,
            best_dps: 124_310.0,
            avg_dps: 112_845.5,
            last_played: Some(crate::model::example_time()),
            cp_level: Some(2100),
            build: Some(BuildSnapshot::example()),
            total_play_time_sec: Some(61_482.0),
        }
    }
}

/// A day of `GET /analytics/dps-trend`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct DpsPoint {
    /// UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// Mean DPS that day.
    pub avg_dps: f64,
    /// Best DPS that day.
    pub max_dps: f64,
    /// Runs that day.
    pub run_count: u64,
}

impl Example for DpsPoint {
    fn example() -> Self {
        Self {
            date: "2025-11-20".into(),
            avg_dps: 112_845.5,
            max_dps: 118_450.0,
            run_count: 3,
        }
    }
}

/// A run of `GET /analytics/percentile-trend`.
// Written by `JsonBytes::serialized` (a 30-day answer holds hundreds of points).
#[derive(Debug, Object, serde::Serialize)]
#[oai(example)]
pub struct PercentilePoint {
    /// UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// Percent, 0–100 (rounded to 0.1), of all players' other runs of the same content and
    /// difficulty with lower DPS (50 when the run is alone in its pool).
    pub percentile: f64,
    /// The run's DPS.
    pub dps: f64,
    /// Content name.
    pub content_name: String,
}

impl Example for PercentilePoint {
    fn example() -> Self {
        Self {
            date: "2025-11-20".into(),
            percentile: 87.4,
            dps: 118_450.0,
            content_name: "Lucent Citadel".into(),
        }
    }
}

/// How much a buff matters in the caller's runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Importance {
    /// In at least half of the runs.
    High,
    /// In at least a fifth.
    Medium,
    /// Rarer.
    Low,
}

/// A buff of `GET /analytics/buff-analysis`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct BuffStat {
    /// Buff name.
    pub buff_name: String,
    /// Mean uptime where present, 0–1.
    pub avg_uptime: f64,
    /// Runs where it appears.
    pub sample_count: u64,
    /// `high` (≥ 50 % of runs), `medium` (≥ 20 %), `low`.
    pub importance: Importance,
}

impl Example for BuffStat {
    fn example() -> Self {
        Self {
            buff_name: "Major Brutality".into(),
            avg_uptime: 0.97,
            sample_count: 41,
            importance: Importance::High,
        }
    }
}

/// `WHERE` and binds for the caller's runs in `time_range`, optionally for one character: the
/// common filter of the three analytics.
fn analytics_scope(
    db: &crate::db::Db,
    auth: &Auth,
    time_range: Option<TimeRange>,
    character: Option<&str>,
) -> (String, Vec<rbs::Value>) {
    let since = time_range.unwrap_or_default().since();
    scope(db, auth.principal().user_id, since, character, "")
}

/// A share (0–1) as a percentage (0–100) rounded to 0.1, the upstream's scale.
fn percent(share: f64) -> f64 {
    (share * 1000.0).round() / 10.0
}

fn names(b: &BuildSnapshot) -> (Vec<String>, Vec<String>) {
    let mut skills: Vec<String> = b
        .skills_front
        .iter()
        .chain(&b.skills_back)
        .cloned()
        .collect();
    skills.sort();
    skills.dedup();
    (b.sets.clone(), skills)
}

fn minus(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

/// Stats, comparison, characters and analytics.
#[derive(Debug, Default)]
pub struct InsightsApi;

#[OpenApi]
impl InsightsApi {
    /// Your run statistics
    ///
    /// Totals over all your runs: count, cleared count, mean and best DPS, play time, and your
    /// most played content and character. Zeros when you have no run.
    #[oai(
        path = "/runs/stats/summary",
        method = "get",
        tag = "ApiTags::Runs",
        operation_id = "get_stats_summary"
    )]
    async fn stats_summary(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<StatsSummary>, ApiError> {
        let load = async {
            let db = &state.db;
            let (w, args) = scope(db, auth.principal().user_id, None, None, "");
            let totals = rows(
            db,
            &format!(
                "SELECT count(*) AS n, coalesce(sum(CASE WHEN success THEN 1 ELSE 0 END), 0) AS ok, coalesce(avg(dps), 0) AS avg_dps, \
                 coalesce(max(dps), 0) AS best, coalesce(sum(duration_sec), 0) AS secs FROM combat_runs WHERE {w}"
            ),
            args.clone(),
        )
        .await?;
            let favorite = |col: &'static str| {
                let sql = format!(
                    "SELECT {col} AS v, count(*) AS n FROM combat_runs WHERE {w} GROUP BY {col} ORDER BY n DESC, {col} LIMIT 1"
                );
                let args = args.clone();
                async move {
                    rows(db, &sql, args)
                        .await
                        .and_then(|r| r.first().map_or(Ok(None), |r| opt_text(r, "v")))
                }
            };
            let t = totals.first();
            Ok(StatsSummary {
                total_runs: t.map_or(Ok(0.0), |r| num(r, "n"))? as u64,
                successful_runs: t.map_or(Ok(0.0), |r| num(r, "ok"))? as u64,
                average_dps: t.map_or(Ok(0.0), |r| num(r, "avg_dps"))?,
                best_dps: t.map_or(Ok(0.0), |r| num(r, "best"))?,
                total_play_time_sec: t.map_or(Ok(0.0), |r| num(r, "secs"))?,
                favorite_content: favorite("content_name").await?,
                favorite_character: favorite("character_name").await?,
            })
        };
        state
            .player_reads
            .answer(
                auth.principal(),
                cache_control.as_deref(),
                "stats".into(),
                load,
            )
            .await
    }

    /// Compare two of your runs
    ///
    /// Differences are A minus B, as the upstream answers: `dps_diff = dps(A) − dps(B)`,
    /// `dps_diff_percent` relative to B's DPS, `duration_diff_sec = duration(A) − duration(B)`;
    /// `build_differences` lists the changes from A to B. 404 when either run does not exist or
    /// is not yours.
    #[oai(
        path = "/runs/compare/:run_id_a/:run_id_b",
        method = "get",
        tag = "ApiTags::Runs",
        operation_id = "compare_runs"
    )]
    async fn compare(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        run_id_a: Path<Uuid>,
        run_id_b: Path<Uuid>,
    ) -> Result<Json<Comparison>, ApiError> {
        let d = state.db.dialect;
        let a = crud::get_for::<CombatRun>(
            &state.db,
            Some(auth.principal().caller()),
            run_id_a.0.to_value(d),
        )
        .await?;
        let b = crud::get_for::<CombatRun>(
            &state.db,
            Some(auth.principal().caller()),
            run_id_b.0.to_value(d),
        )
        .await?;
        let ((sets_a, skills_a), (sets_b, skills_b)) =
            (names(&a.build_snapshot), names(&b.build_snapshot));
        let dps_diff = a.dps - b.dps;
        let differences = BuildDifferences {
            class_changed: a.build_snapshot.player_class != b.build_snapshot.player_class,
            sets_added: minus(&sets_b, &sets_a),
            sets_removed: minus(&sets_a, &sets_b),
            skills_added: minus(&skills_b, &skills_a),
            skills_removed: minus(&skills_a, &skills_b),
            cp_level_diff: b.cp_level - a.cp_level,
        };
        Ok(Json(Comparison {
            dps_diff,
            dps_diff_percent: if b.dps > 0.0 {
                // A tiny `b.dps` against a large `a.dps` overflows; JSON has no infinity.
                queries::finite((dps_diff / b.dps * 1000.0).round() / 10.0)
            } else {
                0.0
            },
            duration_diff_sec: a.duration_sec - b.duration_sec,
            build_differences: differences,
            run_a: a.into(),
            run_b: b.into(),
        }))
    }

    /// Your characters
    ///
    /// One entry per character name in your runs, by name: its run count, best and mean DPS,
    /// play time, last run, CP level and latest build. Empty when you have no run.
    #[oai(
        path = "/characters",
        method = "get",
        tag = "ApiTags::Characters",
        operation_id = "list_characters"
    )]
    async fn characters(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<Character>>, ApiError> {
        let load = characters(&state, auth.principal().user_id, None);
        state
            .player_reads
            .answer(
                auth.principal(),
                cache_control.as_deref(),
                "characters".into(),
                load,
            )
            .await
    }

    /// One of your characters
    ///
    /// 404 when you have no run with it.
    #[oai(
        path = "/characters/:character_name",
        method = "get",
        tag = "ApiTags::Characters",
        operation_id = "get_character"
    )]
    async fn character(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        character_name: Path<String>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Character>, ApiError> {
        let key = format!("character {:?}", character_name.0);
        let load = async {
            characters(&state, auth.principal().user_id, Some(&character_name.0))
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| ApiError::not_found("Character not found"))
        };
        state
            .player_reads
            .answer(auth.principal(), cache_control.as_deref(), key, load)
            .await
    }

    /// DPS per day
    ///
    /// Your mean and best DPS and run count per calendar day (UTC) over the chosen range, oldest
    /// day first; days without a run are left out.
    #[oai(
        path = "/analytics/dps-trend",
        method = "get",
        tag = "ApiTags::Analytics",
        operation_id = "get_dps_trend"
    )]
    async fn dps_trend(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// How far back: `7d`, `30d` (default), `90d` or `all`.
        time_range: Query<Option<TimeRange>>,
        /// Only this character.
        character_name: Query<Option<String>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<DpsPoint>>, ApiError> {
        let key = format!(
            "dps_trend {:?}",
            (time_range.0.unwrap_or_default(), &character_name.0)
        );
        let load = async {
            let db = &state.db;
            let (w, args) = analytics_scope(db, &auth, time_range.0, character_name.as_deref());
            let day = db.dialect.date_of("timestamp");
            let sql = format!(
                "SELECT {day} AS day, avg(dps) AS avg_dps, max(dps) AS max_dps, count(*) AS n FROM combat_runs WHERE {w} GROUP BY {day} ORDER BY day"
            );
            Ok(rows(db, &sql, args)
                .await?
                .iter()
                .map(|r| {
                    Ok(DpsPoint {
                        date: text(r, "day")?,
                        avg_dps: num(r, "avg_dps")?,
                        max_dps: num(r, "max_dps")?,
                        run_count: num(r, "n")? as u64,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?)
        };
        state
            .player_reads
            .answer(auth.principal(), cache_control.as_deref(), key, load)
            .await
    }

    /// Percentile of each run among all players' runs of the same content and difficulty
    ///
    /// `percentile` is the percentage (0–100, rounded to 0.1) of the pool's other runs with
    /// lower DPS; 50 alone in its pool. Pools are read from a per-instance distribution cache
    /// refreshed every 60 s, so a run submitted by another player in the last minute may not
    /// count yet. One indexed statement for your runs, plus one for pools not yet cached.
    #[oai(
        path = "/analytics/percentile-trend",
        method = "get",
        tag = "ApiTags::Analytics",
        operation_id = "get_percentile_trend"
    )]
    async fn percentile_trend(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// How far back: `7d`, `30d` (default), `90d` or `all`.
        time_range: Query<Option<TimeRange>>,
        /// Only this character.
        character_name: Query<Option<String>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<PercentilePoint>>, ApiError> {
        let key = format!(
            "percentile_trend {:?}",
            (time_range.0.unwrap_or_default(), &character_name.0)
        );
        let load = async {
            let db = &state.db;
            let (w, args) = analytics_scope(db, &auth, time_range.0, character_name.as_deref());
            // The day is formatted here: `to_char` per row was most of the statement's time.
            let sql = format!(
                "SELECT timestamp, dps, content_name, difficulty FROM combat_runs WHERE {w} ORDER BY timestamp"
            );
            // By position, as the driver reads them: (timestamp, dps, content, difficulty).
            let mut mine = Vec::new();
            db.for_each_row(&sql, args, |row| {
                let [at, dps, content, difficulty] = queries::columns(row)?;
                mine.push((
                    queries::time_of(at, "timestamp")?,
                    queries::num_of(dps, "dps")?,
                    (
                        queries::text_of(content, "content_name")?,
                        queries::text_of(difficulty, "difficulty")?,
                    ),
                ));
                Ok::<_, AppError>(())
            })
            .await?;
            let pools: std::collections::BTreeSet<_> =
                mine.iter().map(|(_, _, pool)| pool.clone()).collect();
            let pools: std::collections::BTreeMap<_, _> = state
                .dps_distributions
                .get_many(db, &pools)
                .await?
                .into_iter()
                .collect();
            let points: Vec<PercentilePoint> = mine
                .into_iter()
                .map(|(at, dps, pool)| {
                    let share = pools.get(&pool).map_or(0.5, |d| d.percentile(dps));
                    PercentilePoint {
                        date: at.format("%Y-%m-%d").to_string(),
                        percentile: percent(share),
                        dps,
                        content_name: pool.0,
                    }
                })
                .collect();
            Ok(JsonBytes::serialized(&points))
        };
        state
            .player_reads
            .answer_encoded(auth.principal(), cache_control.as_deref(), key, load)
            .await
    }

    /// Buff uptimes across your runs
    ///
    /// Per buff recorded in your runs over the chosen range: the mean uptime and how many runs
    /// list it, with its importance (`high` when in at least 50 % of runs).
    #[oai(
        path = "/analytics/buff-analysis",
        method = "get",
        tag = "ApiTags::Analytics",
        operation_id = "get_buff_analysis"
    )]
    async fn buff_analysis(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// How far back: `7d`, `30d` (default), `90d` or `all`.
        time_range: Query<Option<TimeRange>>,
        /// Only this character.
        character_name: Query<Option<String>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<BuffStat>>, ApiError> {
        let key = format!(
            "buff_analysis {:?}",
            (time_range.0.unwrap_or_default(), &character_name.0)
        );
        let load = async {
            let db = &state.db;
            let (w, args) = analytics_scope(db, &auth, time_range.0, character_name.as_deref());
            // One statement: the runs in scope, their count, and per buff the mean uptime and the
            // number of runs listing it, aggregated by the database (no JSON decoded here).
            let d = db.dialect;
            let elements = d.json_array_rows("r.metrics", "buff_uptime", "b");
            let name = d.json_text("b.value", "name");
            let uptime = d.json_number("b.value", "uptime");
            let sql = format!(
                "WITH r AS (SELECT metrics FROM combat_runs WHERE {w}) \
             SELECT (SELECT count(*) FROM r) AS total, {name} AS buff_name, avg({uptime}) AS avg_uptime, \
             count(*) AS n FROM r, {elements} WHERE {name} IS NOT NULL GROUP BY {name}"
            );
            let buffs = rows(db, &sql, args).await?;
            let by_buff = buffs
                .iter()
                .map(|r| {
                    Ok((
                        text(r, "buff_name")?,
                        (num(r, "avg_uptime")?, num(r, "n")? as u64, num(r, "total")?),
                    ))
                })
                .collect::<Result<Vec<_>, AppError>>()?
                .into_iter();
            let mut out: Vec<BuffStat> = by_buff
                .map(|(name, (avg_uptime, n, total))| {
                    let share = n as f64 / total.max(1.0);
                    BuffStat {
                        buff_name: name,
                        avg_uptime,
                        sample_count: n,
                        importance: if share >= 0.5 {
                            Importance::High
                        } else if share >= 0.2 {
                            Importance::Medium
                        } else {
                            Importance::Low
                        },
                    }
                })
                .collect();
            out.sort_by(|a, b| {
                b.sample_count
                    .cmp(&a.sample_count)
                    .then(a.buff_name.cmp(&b.buff_name))
            });
            Ok(out)
        };
        state
            .player_reads
            .answer(auth.principal(), cache_control.as_deref(), key, load)
            .await
    }
}

/// The caller's characters (two statements: aggregates, and each one's latest run).
async fn characters(
    state: &AppState,
    player: Uuid,
    only: Option<&str>,
) -> Result<Vec<Character>, ApiError> {
    let db = &state.db;
    let (w, args) = scope(db, player, None, only, "");
    let sql = format!(
        "SELECT character_name, count(*) AS n, max(dps) AS best, avg(dps) AS avg_dps, max(timestamp) AS last_played, \
         sum(duration_sec) AS secs FROM combat_runs WHERE {w} GROUP BY character_name ORDER BY character_name"
    );
    let aggregates = rows(db, &sql, args).await?;
    let mut latest = latest_per_character(db, player, only).await?;
    Ok(aggregates
        .iter()
        .map(|r| {
            let name = text(r, "character_name")?;
            let last = latest.remove(&name);
            Ok(Character {
                total_runs: num(r, "n")? as u64,
                best_dps: num(r, "best")?,
                avg_dps: num(r, "avg_dps")?,
                last_played: opt_time(r, "last_played")?,
                cp_level: last.as_ref().map(|l| l.cp_level),
                build: last.map(|l| l.build_snapshot),
                total_play_time_sec: only.map(|_| num(r, "secs")).transpose()?,
                character_name: name,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?)
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::{Example, ToJSON};

    use super::PercentilePoint;
    use crate::http::json::JsonBytes;

    #[test]
    fn percentile_points_written_directly_equal_their_to_json() {
        let mut other = PercentilePoint::example();
        other.content_name = "Ré \"quoted\" \u{1}".into();
        other.percentile = 0.1;
        let points = vec![PercentilePoint::example(), other];
        let direct: serde_json::Value =
            serde_json::from_slice(&JsonBytes::serialized(&points).bytes()).unwrap();
        assert_eq!(Some(direct), points.to_json());
    }
}
