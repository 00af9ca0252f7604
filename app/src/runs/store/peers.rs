//! Reads over every player's runs: the DPS pools behind percentiles and the peer runs the
//! recommendation engine compares a run with (RECOMMENDATIONS.md §3, §4).

use std::collections::{BTreeMap, BTreeSet};

use rbs::Value;
use uuid::Uuid;

use crate::{
    db::{
        Db,
        rows::{columns, json_of, num_of, required_of, text_of},
    },
    engine::{
        ContributionScores,
        constants::{
            MAX_SIMILAR_RUNS, MAX_TOP_CANDIDATES, SIMILAR_CP_WINDOW, SIMILAR_GROUP_SIZE_WINDOW,
        },
    },
    error::AppError,
    model::{ColumnType, column::enum_to_value},
    runs::{CombatRun, UNKNOWN_GROUP_SIZE, distribution::PoolKey, dto::BuildSnapshot},
};

/// The DPS of every run (all players) in each of `pools`, by pool; a pool without runs is
/// present and empty. Folded row by row: a pool may hold most of the table.
///
/// # Errors
/// Database or decoding errors.
pub async fn dps_in_pools(
    db: &Db,
    pools: &BTreeSet<PoolKey>,
) -> Result<BTreeMap<PoolKey, Vec<f64>>, AppError> {
    let mut clauses = Vec::with_capacity(pools.len());
    let mut args = Vec::with_capacity(pools.len() * 2);
    for (content, difficulty) in pools {
        clauses.push("(content_name = ? AND difficulty = ?)");
        args.push(Value::String(content.clone()));
        args.push(Value::String(difficulty.clone()));
    }
    let sql = format!(
        "SELECT content_name, difficulty, dps FROM combat_runs WHERE {}",
        clauses.join(" OR ")
    );
    let mut values: BTreeMap<PoolKey, Vec<f64>> =
        pools.iter().map(|k| (k.clone(), Vec::new())).collect();
    db.for_each_row(&sql, args, |row| {
        let [content, difficulty, dps] = columns(row)?;
        let key = (
            text_of(content, "content_name")?,
            text_of(difficulty, "difficulty")?,
        );
        if let Some(v) = values.get_mut(&key) {
            v.push(num_of(dps, "dps")?);
        }
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(values)
}

/// The scores of runs similar to `run` (RECOMMENDATIONS.md §3): same content and difficulty,
/// CP level within [`SIMILAR_CP_WINDOW`], group size within [`SIMILAR_GROUP_SIZE_WINDOW`] (an
/// unknown size matches any, on either side), scored, the most recent
/// [`MAX_SIMILAR_RUNS`] + 1 (the run itself may be among them).
///
/// # Errors
/// Database or decoding errors.
pub async fn similar_scores(
    db: &Db,
    run: &CombatRun,
) -> Result<Vec<(Uuid, ContributionScores)>, AppError> {
    let d = db.dialect;
    let cp = i64::from(run.cp_level);
    let mut args = vec![
        Value::String(run.content_name.clone()),
        enum_to_value(&run.difficulty, d),
        Value::I64(cp - SIMILAR_CP_WINDOW),
        Value::I64(cp + SIMILAR_CP_WINDOW),
    ];
    let group_filter = match run.group() {
        Some(group) => {
            let group = i64::from(group);
            args.push(Value::I64(i64::from(UNKNOWN_GROUP_SIZE)));
            args.push(Value::I64(group - SIMILAR_GROUP_SIZE_WINDOW));
            args.push(Value::I64(group + SIMILAR_GROUP_SIZE_WINDOW));
            "AND (group_size = ? OR group_size BETWEEN ? AND ?) "
        }
        None => "",
    };
    let sql = format!(
        "SELECT run_id, contribution_scores FROM combat_runs WHERE content_name = ? \
         AND difficulty = ? AND cp_level BETWEEN ? AND ? {group_filter}\
         AND contribution_scores IS NOT NULL ORDER BY timestamp DESC LIMIT {}",
        MAX_SIMILAR_RUNS + 1
    );
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [id, scores] = columns(row)?;
        out.push((
            required_of::<Uuid>(id, "run_id")?,
            json_of(scores, "contribution_scores")?,
        ));
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// Top-performer candidates for `run` (RECOMMENDATIONS.md §4): successful runs of the same
/// content and difficulty, not the run itself, scored, the [`MAX_TOP_CANDIDATES`] most recent,
/// with their builds.
///
/// # Errors
/// Database or decoding errors.
pub async fn top_candidates(
    db: &Db,
    run: &CombatRun,
) -> Result<Vec<(ContributionScores, BuildSnapshot)>, AppError> {
    let d = db.dialect;
    let sql = format!(
        "SELECT contribution_scores, build_snapshot FROM combat_runs WHERE content_name = ? \
         AND difficulty = ? AND success = ? AND run_id <> ? AND contribution_scores IS NOT NULL \
         ORDER BY timestamp DESC LIMIT {MAX_TOP_CANDIDATES}"
    );
    let args = vec![
        Value::String(run.content_name.clone()),
        enum_to_value(&run.difficulty, d),
        true.to_value(d),
        run.run_id.to_value(d),
    ];
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [scores, build] = columns(row)?;
        out.push((
            json_of(scores, "contribution_scores")?,
            json_of(build, "build_snapshot")?,
        ));
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}
