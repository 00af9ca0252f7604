//! The analytics over a player's runs, from the store's aggregates to the answers: stats
//! summary, comparison, characters, the DPS and percentile trends and buff analysis. Each
//! issues a fixed number of statements whatever the number of runs.

use std::{collections::HashMap, sync::Arc};

use chrono::NaiveDate;
use uuid::Uuid;

use super::{
    CombatRun,
    distribution::{Distribution, DpsDistributions, PoolKey},
    dto::BuildSnapshot,
    insights::dto::{
        BuffStat, BuildDifferences, Character, Comparison, DpsPoint, Importance, PercentilePoint,
        StatsSummary,
    },
    store::{self, Frequent, RunScope},
};
use crate::{
    db::{Db, rows::finite},
    error::AppError,
    model::{Caller, ColumnType, Model, crud},
};

/// Totals over all of `player`'s runs (three statements). Zeros without runs.
///
/// # Errors
/// Database or decoding errors.
pub async fn stats_summary(db: &Db, player: Uuid) -> Result<StatsSummary, AppError> {
    let scope = RunScope::all(player);
    let t = store::totals(db, scope).await?;
    Ok(StatsSummary {
        total_runs: t.runs,
        successful_runs: t.cleared,
        average_dps: t.average_dps,
        best_dps: t.best_dps,
        total_play_time_sec: t.play_time_sec,
        favorite_content: store::most_frequent(db, scope, Frequent::Content).await?,
        favorite_character: store::most_frequent(db, scope, Frequent::Character).await?,
    })
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

/// Runs `a` and `b` compared, A minus B (the upstream's convention).
///
/// # Errors
/// [`AppError::NotFound`] when either run does not exist or `caller` may not read it;
/// database or decoding errors.
pub async fn compare(db: &Db, caller: Caller, a: Uuid, b: Uuid) -> Result<Comparison, AppError> {
    let scope = crud::read_scope::<CombatRun>(db, Some(caller));
    let find = async |id: Uuid| {
        crud::find_scoped::<CombatRun>(db, &scope, id.to_value(db.dialect))
            .await?
            .ok_or(AppError::NotFound(CombatRun::META.display))
    };
    let (a, b) = (find(a).await?, find(b).await?);
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
    Ok(Comparison {
        dps_diff,
        dps_diff_percent: if b.dps > 0.0 {
            // A tiny `b.dps` against a large `a.dps` overflows; JSON has no infinity.
            finite((dps_diff / b.dps * 1000.0).round() / 10.0)
        } else {
            0.0
        },
        duration_diff_sec: a.duration_sec - b.duration_sec,
        build_differences: differences,
        run_a: a.into(),
        run_b: b.into(),
    })
}

/// `player`'s characters by name, or only the one named `only` (two statements: aggregates,
/// and each one's latest run). Play time is given for one character only (the contract).
///
/// # Errors
/// Database or decoding errors.
pub async fn characters(
    db: &Db,
    player: Uuid,
    only: Option<&str>,
) -> Result<Vec<Character>, AppError> {
    let scope = RunScope {
        character: only,
        ..RunScope::all(player)
    };
    let aggregates = store::per_character(db, scope).await?;
    let mut latest = store::latest_per_character(db, scope).await?;
    Ok(aggregates
        .into_iter()
        .map(|c| {
            let last = latest.remove(&c.name);
            Character {
                total_runs: c.runs,
                best_dps: c.best_dps,
                avg_dps: c.average_dps,
                last_played: c.last_played,
                cp_level: last.as_ref().map(|l| l.cp_level),
                build: last.map(|l| l.build_snapshot),
                total_play_time_sec: only.map(|_| c.play_time_sec),
                character_name: c.name,
            }
        })
        .collect())
}

/// One of `player`'s characters.
///
/// # Errors
/// [`AppError::NotFound`] when `player` has no run with it; database or decoding errors.
pub async fn character(db: &Db, player: Uuid, name: &str) -> Result<Character, AppError> {
    characters(db, player, Some(name))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("Character"))
}

/// Mean and best DPS and run count per day (UTC), oldest first.
///
/// # Errors
/// Database or decoding errors.
pub async fn dps_trend(db: &Db, scope: RunScope<'_>) -> Result<Vec<DpsPoint>, AppError> {
    Ok(store::dps_per_day(db, scope)
        .await?
        .into_iter()
        .map(|d| DpsPoint {
            date: d.date,
            avg_dps: d.average_dps,
            max_dps: d.best_dps,
            run_count: d.runs,
        })
        .collect())
}

/// A share (0–1) as a percentage (0–100) rounded to 0.1, the upstream's scale.
fn percent(share: f64) -> f64 {
    (share * 1000.0).round() / 10.0
}

/// Each run in scope, oldest first, with its percentile among all players' runs of its
/// content and difficulty (50 alone in its pool), from `distributions`.
///
/// # Errors
/// Database or decoding errors.
pub async fn percentile_trend(
    db: &Db,
    distributions: &DpsDistributions,
    scope: RunScope<'_>,
) -> Result<Vec<PercentilePoint>, AppError> {
    let mine = store::dps_over_time(db, scope).await?;
    // Each run's pool as an index into `keys`, so the distinct pools are found without sorting
    // or cloning every run's, and each run's distribution without comparing strings.
    let mut keys: Vec<PoolKey> = Vec::new();
    let of_run: Vec<usize> = {
        let mut index: HashMap<(&str, &str), usize> = HashMap::new();
        mine.iter()
            .map(|r| {
                *index
                    .entry((r.pool.0.as_str(), r.pool.1.as_str()))
                    .or_insert_with(|| {
                        keys.push(r.pool.clone());
                        keys.len() - 1
                    })
            })
            .collect()
    };
    let mut loaded: HashMap<PoolKey, Arc<Distribution>> = distributions
        .get_many(db, &keys.iter().cloned().collect())
        .await?
        .into_iter()
        .collect();
    let pools: Vec<Option<Arc<Distribution>>> = keys.iter().map(|k| loaded.remove(k)).collect();
    // Runs come oldest first, so most share the previous run's day.
    let mut day: Option<(NaiveDate, String)> = None;
    Ok(mine
        .into_iter()
        .zip(of_run)
        .map(|(r, pool)| {
            let share = pools
                .get(pool)
                .and_then(Option::as_ref)
                .map_or(0.5, |d| d.percentile(r.dps));
            let date = r.at.date_naive();
            let date = match &day {
                Some((d, text)) if *d == date => text.clone(),
                _ => day.insert((date, date.to_string())).1.clone(),
            };
            PercentilePoint {
                date,
                percentile: percent(share),
                dps: r.dps,
                content_name: r.pool.0,
            }
        })
        .collect())
}

/// The importance of a buff listed in `share` (0–1) of the runs: high from 50 %, medium from
/// 20 %.
fn importance(share: f64) -> Importance {
    if share >= 0.5 {
        Importance::High
    } else if share >= 0.2 {
        Importance::Medium
    } else {
        Importance::Low
    }
}

/// Per buff in scope, the most listed first (then by name).
///
/// # Errors
/// Database or decoding errors.
pub async fn buff_analysis(db: &Db, scope: RunScope<'_>) -> Result<Vec<BuffStat>, AppError> {
    let mut out: Vec<BuffStat> = store::buff_uptimes(db, scope)
        .await?
        .into_iter()
        .map(|b| BuffStat {
            importance: importance(b.runs as f64 / (b.of_runs as f64).max(1.0)),
            buff_name: b.name,
            avg_uptime: b.average_uptime,
            sample_count: b.runs,
        })
        .collect();
    out.sort_by(|a, b| {
        b.sample_count
            .cmp(&a.sample_count)
            .then(a.buff_name.cmp(&b.buff_name))
    });
    Ok(out)
}
