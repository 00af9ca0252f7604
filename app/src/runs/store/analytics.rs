//! The analytics' aggregates over one player's runs: totals, favourites, per character, per
//! day, the runs ranked by the percentile trend and buff uptimes. One statement each.

use chrono::{DateTime, Utc};

use super::RunScope;
use crate::{
    db::{
        Db,
        rows::{columns, count_of, num_of, optional_of, text_of, time_of},
    },
    error::AppError,
    runs::distribution::PoolKey,
};

/// A player's totals over the runs in scope. Zeros when there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    /// Number of runs.
    pub runs: u64,
    /// Number of cleared runs.
    pub cleared: u64,
    /// Mean DPS.
    pub average_dps: f64,
    /// Best DPS.
    pub best_dps: f64,
    /// Summed fight length, seconds.
    pub play_time_sec: f64,
}

/// # Errors
/// Database or decoding errors.
pub async fn totals(db: &Db, scope: RunScope<'_>) -> Result<Totals, AppError> {
    let (w, args) = scope.clause(db.dialect, "");
    let sql = format!(
        "SELECT count(*) AS n, coalesce(sum(CASE WHEN success THEN 1 ELSE 0 END), 0) AS ok, coalesce(avg(dps), 0) AS avg_dps, \
         coalesce(max(dps), 0) AS best, coalesce(sum(duration_sec), 0) AS secs FROM combat_runs WHERE {w}"
    );
    let mut out = None;
    db.for_each_row(&sql, args, |row| {
        let [n, ok, avg, best, secs] = columns(row)?;
        out = Some(Totals {
            runs: count_of(n, "n")?,
            cleared: count_of(ok, "ok")?,
            average_dps: num_of(avg, "avg_dps")?,
            best_dps: num_of(best, "best")?,
            play_time_sec: num_of(secs, "secs")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    out.ok_or_else(|| AppError::Internal(anyhow::anyhow!("an aggregate without a row")))
}

/// A column whose most frequent value [`most_frequent`] finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequent {
    /// `content_name`.
    Content,
    /// `character_name`.
    Character,
}

/// The most frequent value of `column` among the runs in scope (ties: the smallest value);
/// `None` without runs.
///
/// # Errors
/// Database or decoding errors.
pub async fn most_frequent(
    db: &Db,
    scope: RunScope<'_>,
    column: Frequent,
) -> Result<Option<String>, AppError> {
    let col = match column {
        Frequent::Content => "content_name",
        Frequent::Character => "character_name",
    };
    let (w, args) = scope.clause(db.dialect, "");
    let sql = format!(
        "SELECT {col} AS v, count(*) AS n FROM combat_runs WHERE {w} GROUP BY {col} ORDER BY n DESC, {col} LIMIT 1"
    );
    let mut out = None;
    db.for_each_row(&sql, args, |row| {
        let [v, _n] = columns(row)?;
        out = optional_of(v, col)?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// One character's aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct CharacterTotals {
    /// Character name.
    pub name: String,
    /// Number of runs.
    pub runs: u64,
    /// Best DPS.
    pub best_dps: f64,
    /// Mean DPS.
    pub average_dps: f64,
    /// The latest run's time (UTC).
    pub last_played: Option<DateTime<Utc>>,
    /// Summed fight length, seconds.
    pub play_time_sec: f64,
}

/// Per character in scope, by name.
///
/// # Errors
/// Database or decoding errors.
pub async fn per_character(db: &Db, scope: RunScope<'_>) -> Result<Vec<CharacterTotals>, AppError> {
    let (w, args) = scope.clause(db.dialect, "");
    let sql = format!(
        "SELECT character_name, count(*) AS n, max(dps) AS best, avg(dps) AS avg_dps, max(timestamp) AS last_played, \
         sum(duration_sec) AS secs FROM combat_runs WHERE {w} GROUP BY character_name ORDER BY character_name"
    );
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [name, n, best, avg, last, secs] = columns(row)?;
        out.push(CharacterTotals {
            name: text_of(name, "character_name")?,
            runs: count_of(n, "n")?,
            best_dps: num_of(best, "best")?,
            average_dps: num_of(avg, "avg_dps")?,
            last_played: optional_of(last, "last_played")?,
            play_time_sec: num_of(secs, "secs")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// One calendar day's DPS (UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Mean DPS.
    pub average_dps: f64,
    /// Best DPS.
    pub best_dps: f64,
    /// Number of runs.
    pub runs: u64,
}

/// DPS per day over the runs in scope, oldest first; days without a run are left out.
///
/// # Errors
/// Database or decoding errors.
pub async fn dps_per_day(db: &Db, scope: RunScope<'_>) -> Result<Vec<Day>, AppError> {
    let (w, args) = scope.clause(db.dialect, "");
    let day = db.dialect.date_of("timestamp");
    let sql = format!(
        "SELECT {day} AS day, avg(dps) AS avg_dps, max(dps) AS max_dps, count(*) AS n FROM combat_runs WHERE {w} GROUP BY {day} ORDER BY day"
    );
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [date, avg, max, n] = columns(row)?;
        out.push(Day {
            date: text_of(date, "day")?,
            average_dps: num_of(avg, "avg_dps")?,
            best_dps: num_of(max, "max_dps")?,
            runs: count_of(n, "n")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// One run's time, DPS and pool (content and difficulty), as the percentile trend ranks it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDps {
    /// When it was fought (UTC).
    pub at: DateTime<Utc>,
    /// Damage per second.
    pub dps: f64,
    /// `(content_name, difficulty)`.
    pub pool: PoolKey,
}

/// The runs in scope, oldest first.
///
/// # Errors
/// Database or decoding errors.
pub async fn dps_over_time(db: &Db, scope: RunScope<'_>) -> Result<Vec<RunDps>, AppError> {
    let (w, args) = scope.clause(db.dialect, "");
    // The day is formatted by the caller: `to_char` per row was most of the statement's time.
    let sql = format!(
        "SELECT timestamp, dps, content_name, difficulty FROM combat_runs WHERE {w} ORDER BY timestamp"
    );
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [at, dps, content, difficulty] = columns(row)?;
        out.push(RunDps {
            at: time_of(at, "timestamp")?,
            dps: num_of(dps, "dps")?,
            pool: (
                text_of(content, "content_name")?,
                text_of(difficulty, "difficulty")?,
            ),
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// One buff's uptime over the runs in scope that list it.
#[derive(Debug, Clone, PartialEq)]
pub struct BuffTotals {
    /// The buff's name as recorded.
    pub name: String,
    /// Mean uptime (0–1).
    pub average_uptime: f64,
    /// Number of runs listing it.
    pub runs: u64,
    /// Number of runs in scope.
    pub of_runs: u64,
}

/// Per buff in the runs' `metrics.buff_uptime`, aggregated by the database (one statement, no
/// JSON decoded here), in no particular order.
///
/// # Errors
/// Database or decoding errors.
pub async fn buff_uptimes(db: &Db, scope: RunScope<'_>) -> Result<Vec<BuffTotals>, AppError> {
    let d = db.dialect;
    let (w, args) = scope.clause(d, "");
    let elements = d.json_array_rows("r.metrics", "buff_uptime", "b");
    let name = d.json_text("b.value", "name");
    let uptime = d.json_number("b.value", "uptime");
    let sql = format!(
        "WITH r AS (SELECT metrics FROM combat_runs WHERE {w}) \
         SELECT (SELECT count(*) FROM r) AS total, {name} AS buff_name, avg({uptime}) AS avg_uptime, \
         count(*) AS n FROM r, {elements} WHERE {name} IS NOT NULL GROUP BY {name}"
    );
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [total, name, avg, n] = columns(row)?;
        out.push(BuffTotals {
            of_runs: count_of(total, "total")?,
            name: text_of(name, "buff_name")?,
            average_uptime: num_of(avg, "avg_uptime")?,
            runs: count_of(n, "n")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}
