//! All of `sync_items`' SQL: finding what the companion uploaded under a client id, and
//! recording or updating a sync record inside the caller's transaction.

use rbatis::executor::Executor;
use rbs::Value;
use uuid::Uuid;

use super::{ItemType, SyncItem};
use crate::{
    db::{Db, Dialect},
    error::AppError,
    model::{ColumnType, Model, crud},
};

/// The sync record `user` uploaded under `client_id`, of `item_type` when given (a conflict
/// names the item by its id alone).
///
/// # Errors
/// Database errors; [`AppError::Internal`] for a row that does not decode (never skipped).
pub async fn find(
    db: &Db,
    user: Uuid,
    item_type: Option<ItemType>,
    client_id: Uuid,
) -> Result<Option<SyncItem>, AppError> {
    let d = db.dialect;
    let mut args = vec![user.to_value(d), client_id.to_value(d)];
    let type_sql = match item_type {
        Some(t) => {
            args.push(Value::String(t.name().into()));
            " AND item_type = ?"
        }
        None => "",
    };
    let sql = format!(
        "SELECT {} FROM sync_items WHERE user_id = ? AND client_id = ?{type_sql}",
        SyncItem::META.select_list
    );
    let rows = db.rb.query(&sql, args).await?;
    Ok(crud::decode_rows::<SyncItem>(rows)?.into_iter().next())
}

/// Records `item` through `exec`, the transaction that stores what it became.
///
/// # Errors
/// Database errors; a unique violation when a concurrent batch recorded the same client id.
pub async fn record(exec: &dyn Executor, d: Dialect, item: &SyncItem) -> Result<(), AppError> {
    crud::insert_with(exec, d, item).await
}

/// Writes `item`'s new checksum and time through `exec`.
///
/// # Errors
/// Database errors.
pub async fn update(exec: &dyn Executor, d: Dialect, item: &SyncItem) -> Result<(), AppError> {
    crud::update_with(exec, d, item).await.map(drop)
}
