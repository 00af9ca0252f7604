//! Every statement over `combat_runs` beyond the generated repository, with typed rows read by
//! position. Other domains ask here (recommendations read peer runs and mark a run analysed);
//! none of them writes SQL over this table. Each read is one statement, whatever the number of
//! runs, on both dialects.

mod analytics;
mod peers;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use rbatis::executor::Executor;
use rbs::Value;
use uuid::Uuid;

pub use self::{
    analytics::{
        BuffTotals, CharacterTotals, Day, Frequent, RunDps, Totals, buff_uptimes, dps_over_time,
        dps_per_day, most_frequent, per_character, totals,
    },
    peers::{dps_in_pools, similar_scores, top_candidates},
};
use super::CombatRun;
use crate::{
    db::{
        Db, Dialect,
        rows::{columns, required_of, text_of},
    },
    error::AppError,
    model::{ColumnType, Model, column::truncate_to_millis},
};

/// Which of a player's runs a read counts: all of theirs, or those since a time, or of one
/// character.
#[derive(Debug, Clone, Copy)]
pub struct RunScope<'a> {
    /// The player (`player_id`).
    pub player: Uuid,
    /// Only runs fought at or after this time (UTC).
    pub since: Option<DateTime<Utc>>,
    /// Only this character's runs.
    pub character: Option<&'a str>,
}

impl<'a> RunScope<'a> {
    /// Every run of `player`.
    pub fn all(player: Uuid) -> Self {
        Self {
            player,
            since: None,
            character: None,
        }
    }

    /// `WHERE` and binds, the columns prefixed with `alias` (`""` or `"r."`).
    pub(super) fn clause(&self, d: Dialect, alias: &str) -> (String, Vec<Value>) {
        let mut sql = format!("{alias}player_id = ?");
        let mut args = vec![self.player.to_value(d)];
        if let Some(t) = self.since {
            sql.push_str(&format!(" AND {alias}timestamp >= ?"));
            args.push(t.to_value(d));
        }
        if let Some(c) = self.character {
            sql.push_str(&format!(" AND {alias}character_name = ?"));
            args.push(Value::String(c.to_owned()));
        }
        (sql, args)
    }
}

/// The latest run of each character in scope, by character name (one statement).
///
/// # Errors
/// Database or decoding errors.
pub async fn latest_per_character(
    db: &Db,
    scope: RunScope<'_>,
) -> Result<BTreeMap<String, CombatRun>, AppError> {
    let (w, mut args) = scope.clause(db.dialect, "");
    let (w2, args2) = scope.clause(db.dialect, "r.");
    args.extend(args2);
    let cols: Vec<String> = CombatRun::META
        .columns
        .iter()
        .map(|c| format!("r.{}", c.name))
        .collect();
    let sql = format!(
        "SELECT {} FROM combat_runs r JOIN (SELECT character_name, max(timestamp) AS ts FROM combat_runs WHERE {w} GROUP BY character_name) l \
         ON r.character_name = l.character_name AND r.timestamp = l.ts WHERE {w2}",
        cols.join(", ")
    );
    let mut out = BTreeMap::new();
    for row in db.query_columns(&sql, args).await? {
        let run = CombatRun::from_row(row).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        out.entry(run.character_name.clone()).or_insert(run);
    }
    Ok(out)
}

/// Marks run `run_id` analysed now (`analysed_at`), inside the caller's transaction. The
/// `UPDATE` also locks the run's row until commit on both dialects, so concurrent analyses of
/// one run queue.
///
/// # Errors
/// Database errors.
pub async fn mark_analysed(exec: &dyn Executor, d: Dialect, run_id: Uuid) -> Result<(), AppError> {
    exec.exec(
        "UPDATE combat_runs SET analysed_at = ? WHERE run_id = ?",
        vec![
            truncate_to_millis(Utc::now()).to_value(d),
            run_id.to_value(d),
        ],
    )
    .await?;
    Ok(())
}

/// The id of `player`'s stored run with addon run id `addon_run_id`, if any.
///
/// # Errors
/// Database or decoding errors.
pub async fn addon_run(
    exec: &dyn Executor,
    d: Dialect,
    player: Uuid,
    addon_run_id: Option<&str>,
) -> Result<Option<Uuid>, AppError> {
    let rows = exec
        .query(
            "SELECT run_id FROM combat_runs WHERE player_id = ? AND addon_run_id = ?",
            vec![
                player.to_value(d),
                addon_run_id.map_or(Value::Null, |id| Value::String(id.to_owned())),
            ],
        )
        .await?;
    let Value::Array(rows) = rows else {
        return Ok(None);
    };
    rows.into_iter()
        .next()
        .map(|row| match row {
            Value::Map(m) => required_of(m.get(&Value::String("run_id".into())).clone(), "run_id"),
            other => required_of(other, "run_id"),
        })
        .transpose()
}

/// The addon run ids of `player` already stored, among `ids` (a statement per 500 ids).
///
/// # Errors
/// Database or decoding errors.
pub async fn stored_addon_ids(
    db: &Db,
    player: Uuid,
    ids: &[&str],
) -> Result<HashSet<String>, AppError> {
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args = vec![player.to_value(db.dialect)];
        args.extend(chunk.iter().map(|id| Value::String((*id).to_owned())));
        let sql = format!(
            "SELECT addon_run_id AS id FROM combat_runs WHERE player_id = ? AND addon_run_id IN ({marks})"
        );
        db.for_each_row(&sql, args, |row| {
            let [id] = columns(row)?;
            found.insert(text_of(id, "addon_run_id")?);
            Ok::<_, AppError>(())
        })
        .await?;
    }
    Ok(found)
}
