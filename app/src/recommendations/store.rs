//! Every statement over `recommendations` beyond the generated repository: a run's stored set,
//! and replacing it in one transaction that also marks the run analysed (through the runs
//! domain's store, which owns `combat_runs`).

use rbs::Value;
use uuid::Uuid;

use super::Recommendation;
use crate::{
    db::{Db, rows::undecodable},
    error::AppError,
    model::{ColumnType, Filter, ListQuery, crud, policy::Scope},
    runs::{self, CombatRun},
};

/// The stored recommendations of run `run_id`, by priority (unscoped: check the run's owner
/// first).
///
/// # Errors
/// Database or decoding errors.
pub async fn stored(db: &Db, run_id: Uuid) -> Result<Vec<Recommendation>, AppError> {
    let q = ListQuery {
        filters: vec![Filter::Eq("run_id", run_id.to_value(db.dialect))],
        sort: Some("priority".into()),
        limit: 100,
        offset: 0,
    };
    // The caller checked that the run is theirs.
    Ok(crud::list::<Recommendation>(db, &Scope::All, &q)
        .await?
        .items)
}

/// Stores `rows` as the recommendations of `run` and marks it analysed (`analysed_at`), in
/// one transaction. With `replace`, the stored ones are deleted first; without, a set stored
/// meanwhile by a concurrent call wins and is returned instead (so every first call answers the
/// same ids).
///
/// Marking the run first also locks its row until commit on both dialects (PostgreSQL's row
/// lock; SQLite's database write lock, taken by the first write, which a transaction that read
/// first could not wait for), so concurrent first calls store one set.
///
/// # Errors
/// Database errors (nothing is half-written: the transaction rolls back).
pub async fn store(
    db: &Db,
    run: &CombatRun,
    rows: Vec<Recommendation>,
    replace: bool,
) -> Result<Vec<Recommendation>, AppError> {
    let d = db.dialect;
    let tx = db.rb.acquire_begin().await?;
    let written = async {
        runs::store::mark_analysed(&tx, d, run.run_id).await?;
        if !replace {
            let existing = tx
                .query(
                    "SELECT 1 AS found FROM recommendations WHERE run_id = ? LIMIT 1",
                    vec![run.run_id.to_value(d)],
                )
                .await?;
            let Value::Array(found) = existing else {
                return Err(undecodable("found", "the answer is not a list of rows"));
            };
            if !found.is_empty() {
                return Ok::<_, AppError>(false);
            }
        }
        tx.exec(
            "DELETE FROM recommendations WHERE run_id = ?",
            vec![run.run_id.to_value(d)],
        )
        .await?;
        for r in &rows {
            crud::insert_with(&tx, d, r).await?;
        }
        Ok(true)
    }
    .await;
    match written {
        Ok(true) => {
            tx.commit().await?;
            Ok(rows)
        }
        Ok(false) => {
            let _ = tx.rollback().await;
            stored(db, run.run_id).await
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}
