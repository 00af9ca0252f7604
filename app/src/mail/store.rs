//! The outbox's SQL: claim due mail for one instance, then record the outcome of each attempt.

use chrono::{DateTime, Utc};
use rbs::Value;
use uuid::Uuid;

use super::OutboxMail;
use crate::{
    db::Db,
    error::AppError,
    model::{ColumnType, Model, crud},
};

/// Claims up to `limit` due mails for this instance until `until`, counting the attempt, and
/// returns them. A mail is due when it is neither delivered nor given up on, its next attempt
/// is due at `now`, and no live claim holds it. On PostgreSQL the claim skips rows another
/// instance is claiming (`FOR UPDATE SKIP LOCKED`); on SQLite the single `UPDATE` holds the
/// write lock. Either way two instances never claim one mail while a claim lives.
///
/// # Errors
/// Database errors, or a row that does not decode.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OutboxMail>, AppError> {
    let d = db.dialect;
    let sql = format!(
        "UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox \
           WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? \
             AND (claimed_until IS NULL OR claimed_until < ?) \
           ORDER BY next_attempt_at LIMIT ?{}) \
         RETURNING {}",
        d.skip_locked(),
        OutboxMail::META.select_list
    );
    let rows = db
        .rb
        .query(
            &sql,
            vec![
                until.to_value(d),
                now.to_value(d),
                now.to_value(d),
                Value::I64(limit),
            ],
        )
        .await?;
    crud::decode_rows(rows)
}

/// Records the delivery of mail `id` at `now`.
///
/// # Errors
/// Database errors.
pub async fn mark_sent(db: &Db, id: Uuid, now: DateTime<Utc>) -> Result<(), AppError> {
    let d = db.dialect;
    db.rb
        .exec(
            "UPDATE mail_outbox SET sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?",
            vec![now.to_value(d), id.to_value(d)],
        )
        .await?;
    Ok(())
}

/// Releases mail `id` after a failed attempt: due again at `next`, with `error` kept for
/// operators; given up on (`failed_at = now`) when `give_up`.
///
/// # Errors
/// Database errors.
pub async fn record_failure(
    db: &Db,
    id: Uuid,
    now: DateTime<Utc>,
    next: DateTime<Utc>,
    error: &str,
    give_up: bool,
) -> Result<(), AppError> {
    let d = db.dialect;
    let failed_at = if give_up {
        now.to_value(d)
    } else {
        Value::Null
    };
    db.rb
        .exec(
            "UPDATE mail_outbox SET claimed_until = NULL, next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?",
            vec![
                next.to_value(d),
                Value::String(error.chars().take(500).collect()),
                failed_at,
                id.to_value(d),
            ],
        )
        .await?;
    Ok(())
}

/// The outbox at `now`: how many mails wait for delivery (neither delivered nor given up on),
/// and how many of those are due and unclaimed. One read, so an idle worker takes no write
/// lock.
///
/// # Errors
/// Database errors, or an answer that is not two counts.
pub async fn backlog(db: &Db, now: DateTime<Utc>) -> Result<Backlog, AppError> {
    let d = db.dialect;
    let rows: Vec<Backlog> = db
        .fetch_all(
            "SELECT count(*) AS pending, \
               count(CASE WHEN next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) THEN 1 END) AS due \
             FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            vec![now.to_value(d), now.to_value(d)],
        )
        .await?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

/// The counts of [`backlog`].
#[derive(Debug, Default, Clone, Copy, serde::Deserialize)]
pub struct Backlog {
    /// Mails neither delivered nor given up on.
    pub pending: u64,
    /// Of those, the ones due now and not claimed.
    pub due: u64,
}

/// Deletes mails delivered or given up on before `before`; returns how many.
///
/// # Errors
/// Database errors.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> Result<u64, AppError> {
    let d = db.dialect;
    let r = db
        .rb
        .exec(
            "DELETE FROM mail_outbox WHERE (sent_at IS NOT NULL AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)",
            vec![before.to_value(d), before.to_value(d)],
        )
        .await?;
    Ok(r.rows_affected)
}
