//! Account and session queries beyond the generated repository.

use chrono::{DateTime, Utc};
use rbs::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::models::{AccountToken, RefreshToken, RevokedToken, User};
use crate::{
    db::Db,
    error::AppError,
    model::{ColumnType, Model, crud},
};

/// Hex SHA-256 of a token string (what `refresh_tokens.token_hash` holds).
pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// The account whose email or username is `login` (case-insensitive).
///
/// # Errors
/// Database errors.
pub async fn user_by_login(db: &Db, login: &str) -> Result<Option<User>, AppError> {
    let l = Value::String(login.trim().to_lowercase());
    user_where(
        db,
        "lower(email) = ? OR lower(username) = ?",
        vec![l.clone(), l],
    )
    .await
}

/// The first account matching `predicate` over `args`.
async fn user_where(db: &Db, predicate: &str, args: Vec<Value>) -> Result<Option<User>, AppError> {
    let sql = format!(
        "SELECT {} FROM users WHERE {predicate}",
        User::META.select_list
    );
    decode_first(db.rb.query(&sql, args).await?)
}

fn decode_first<M: Model>(rows: Value) -> Result<Option<M>, AppError> {
    let Value::Array(rows) = rows else {
        return Ok(None);
    };
    rows.into_iter()
        .next()
        .map(|r| M::from_row(r).map_err(|e| AppError::Internal(anyhow::anyhow!(e))))
        .transpose()
}

/// The account with `id`.
///
/// # Errors
/// Database errors.
pub async fn user_by_id(db: &Db, id: Uuid) -> Result<Option<User>, AppError> {
    crud::find::<User>(db, id.to_value(db.dialect)).await
}

/// Marks the token `id` used, replaced by `successor`, if and only if it is still live;
/// returns whether this call consumed it (false: already used or revoked — a replay).
///
/// # Errors
/// Database errors.
pub async fn consume_refresh_with(
    exec: &dyn rbatis::executor::Executor,
    d: crate::db::Dialect,
    id: Uuid,
    successor: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let r = exec
        .exec(
            "UPDATE refresh_tokens SET replaced_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND replaced_by IS NULL",
            vec![successor.to_value(d), now.to_value(d), id.to_value(d)],
        )
        .await?;
    Ok(r.rows_affected == 1)
}

/// Revokes every live token of family `family`; returns how many.
///
/// # Errors
/// Database errors.
pub async fn revoke_family(db: &Db, family: Uuid) -> Result<u64, AppError> {
    let d = db.dialect;
    let r = db
        .rb
        .exec(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
            vec![Utc::now().to_value(d), family.to_value(d)],
        )
        .await?;
    Ok(r.rows_affected)
}

/// Revokes every live token of `user`; returns how many.
///
/// # Errors
/// Database errors.
pub async fn revoke_user_tokens(db: &Db, user: Uuid) -> Result<u64, AppError> {
    revoke_user_tokens_with(&db.rb, db.dialect, user).await
}

/// [`revoke_user_tokens`] on any executor (a transaction).
///
/// # Errors
/// Database errors.
pub async fn revoke_user_tokens_with(
    exec: &dyn rbatis::executor::Executor,
    d: crate::db::Dialect,
    user: Uuid,
) -> Result<u64, AppError> {
    let r = exec
        .exec(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            vec![Utc::now().to_value(d), user.to_value(d)],
        )
        .await?;
    Ok(r.rows_affected)
}

/// The stored refresh token `id`.
///
/// # Errors
/// Database errors.
pub async fn refresh_by_id(db: &Db, id: Uuid) -> Result<Option<RefreshToken>, AppError> {
    crud::find::<RefreshToken>(db, id.to_value(db.dialect)).await
}

/// Records the logout of access token `jti`, kept until `expires_at`; a repeated logout of
/// the same token changes nothing. Prunes records whose token has expired.
///
/// # Errors
/// Database errors.
pub async fn record_revoked_token(
    db: &Db,
    jti: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = crate::model::column::truncate_to_millis(Utc::now());
    let row = RevokedToken {
        jti: jti.to_owned(),
        expires_at: crate::model::column::truncate_to_millis(expires_at),
        revoked_at: now,
    };
    crud::insert_unless_exists_with(&db.rb, db.dialect, &row, &["jti"]).await?;
    db.rb
        .exec(
            "DELETE FROM revoked_tokens WHERE expires_at < ?",
            vec![now.to_value(db.dialect)],
        )
        .await?;
    Ok(())
}

/// The logout record of access token `jti`, if it was logged out.
///
/// # Errors
/// Database or decoding errors.
pub async fn revoked_token(db: &Db, jti: &str) -> Result<Option<RevokedToken>, AppError> {
    crud::find::<RevokedToken>(db, Value::String(jti.to_owned())).await
}

/// The account whose email is `email` (case-insensitive); a username does not match.
///
/// # Errors
/// Database errors.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<User>, AppError> {
    let e = Value::String(email.trim().to_lowercase());
    user_where(db, "lower(email) = ?", vec![e]).await
}

/// Marks every unused `purpose` token of `user` used at `now` (a newer link supersedes it, or
/// the account changed).
///
/// # Errors
/// Database errors.
pub async fn supersede_account_tokens_with(
    exec: &dyn rbatis::executor::Executor,
    d: crate::db::Dialect,
    user: Uuid,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    exec.exec(
        "UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
        vec![now.to_value(d), user.to_value(d), Value::String(purpose.into())],
    )
    .await?;
    Ok(())
}

/// Spends the `purpose` token whose hash is `hash`, if and only if it is unused and unexpired
/// at `now`: the account it belongs to, or `None` (unknown, used, expired, or spent by a
/// concurrent request first).
///
/// # Errors
/// Database errors.
pub async fn spend_account_token_with(
    exec: &dyn rbatis::executor::Executor,
    d: crate::db::Dialect,
    hash: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let key = Value::String(hash.into());
    let r = exec
        .exec(
            "UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
            vec![
                now.to_value(d),
                key.clone(),
                Value::String(purpose.into()),
                now.to_value(d),
            ],
        )
        .await?;
    if r.rows_affected != 1 {
        return Ok(None);
    }
    Ok(crud::find_with::<AccountToken>(exec, key)
        .await?
        .map(|t| t.user_id))
}
