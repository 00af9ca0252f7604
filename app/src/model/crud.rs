//! Generic repository functions over any [`Model`], and the permission-checked operations the
//! generated endpoints call. Every query is scoped by the read policy in SQL, so a row the
//! caller may not see is never loaded and answers exactly like a missing one (404).

use rbs::Value;

use super::{
    Model,
    policy::{Caller, Scope},
    query::{ListQuery, Page, order_by, where_clause},
};
use rbatis::executor::Executor;

use crate::{
    db::{Db, Dialect},
    error::{ApiError, AppError},
};

/// Column alias of the total row count in [`list`]'s single statement.
const TOTAL: &str = "ebo_total";

/// Every row of a query's answer decoded into `M`; a row that does not decode is an error
/// naming the table, never skipped.
///
/// # Errors
/// [`AppError::Internal`] for a row that does not decode.
pub fn decode_rows<M: Model>(value: Value) -> Result<Vec<M>, AppError> {
    let rows = match value {
        Value::Array(rows) => rows,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    rows.into_iter()
        .map(|r| {
            M::from_row(r)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("decoding {}: {e}", M::META.table)))
        })
        .collect()
}

/// Every row owned by `owner` (the model's `#[model(owner)]` column), by primary key; none for
/// a model without an owner.
///
/// # Errors
/// Database or decoding errors.
pub async fn all_owned<M: Model>(db: &Db, owner: uuid::Uuid) -> Result<Vec<M>, AppError> {
    use super::ColumnType;
    let meta = M::META;
    let Some(column) = meta.owner else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {column} = ? ORDER BY {}",
        meta.select_list, meta.table, meta.id
    );
    decode_rows(db.rb.query(&sql, vec![owner.to_value(db.dialect)]).await?)
}

/// `INSERT` of every column of `row`.
///
/// # Errors
/// Database errors (a unique violation becomes 409 at the API boundary).
pub async fn insert<M: Model>(db: &Db, row: &M) -> Result<(), AppError> {
    insert_with(&db.rb, db.dialect, row).await
}

/// [`insert`] on any executor (a transaction).
///
/// # Errors
/// Database errors.
pub async fn insert_with<M: Model>(
    exec: &dyn Executor,
    dialect: Dialect,
    row: &M,
) -> Result<(), AppError> {
    let meta = M::META;
    let marks = vec!["?"; meta.columns.len()].join(", ");
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({marks})",
        meta.table, meta.select_list
    );
    exec.exec(&sql, row.to_values(dialect)).await?;
    Ok(())
}

/// `INSERT` of every column of `row` unless a row with the same values in `unique` (the
/// columns of a unique index; empty: any unique index, the primary key included) exists: `true` when it was inserted, `false` when such a row was
/// already there. The database decides (`ON CONFLICT … DO NOTHING`, on both dialects), so
/// concurrent inserts of one row store it once and none of them fails.
///
/// # Errors
/// Database errors other than that conflict.
pub async fn insert_unless_exists_with<M: Model>(
    exec: &dyn Executor,
    dialect: Dialect,
    row: &M,
    unique: &[&str],
) -> Result<bool, AppError> {
    let meta = M::META;
    let marks = vec!["?"; meta.columns.len()].join(", ");
    // No columns: any uniqueness conflict (the primary key or another unique index).
    let target = if unique.is_empty() {
        String::new()
    } else {
        format!("({}) ", unique.join(", "))
    };
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({marks}) ON CONFLICT {target}DO NOTHING",
        meta.table, meta.select_list,
    );
    let done = exec.exec(&sql, row.to_values(dialect)).await?;
    Ok(done.rows_affected > 0)
}

/// The row with primary key `id` read through `exec` (a transaction), unscoped.
///
/// # Errors
/// Database or decoding errors.
pub async fn find_with<M: Model>(exec: &dyn Executor, id: Value) -> Result<Option<M>, AppError> {
    let meta = M::META;
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?",
        meta.select_list, meta.table, meta.id
    );
    Ok(decode_rows::<M>(exec.query(&sql, vec![id]).await?)?
        .into_iter()
        .next())
}

/// The row with primary key `id` if `scope` lets the caller see it.
///
/// # Errors
/// Database or decoding errors.
pub async fn find_scoped<M: Model>(
    db: &Db,
    scope: &Scope,
    id: Value,
) -> Result<Option<M>, AppError> {
    find_scoped_with(&db.rb, scope, id).await
}

/// [`find_scoped`] on any executor (a transaction).
///
/// # Errors
/// Database or decoding errors.
pub async fn find_scoped_with<M: Model>(
    exec: &dyn Executor,
    scope: &Scope,
    id: Value,
) -> Result<Option<M>, AppError> {
    let meta = M::META;
    let (where_sql, args) = where_clause(scope, &[super::Filter::Eq(meta.id, id)]);
    let sql = format!("SELECT {} FROM {}{where_sql}", meta.select_list, meta.table);
    Ok(decode_rows::<M>(exec.query(&sql, args).await?)?
        .into_iter()
        .next())
}

/// The row with primary key `id`, unscoped (for internal use: imports, auth).
///
/// # Errors
/// Database or decoding errors.
pub async fn find<M: Model>(db: &Db, id: Value) -> Result<Option<M>, AppError> {
    find_scoped(db, &Scope::All, id).await
}

/// One page of rows visible under `scope` and matching `query`, with the total count.
///
/// # Errors
/// [`AppError::Validation`] (422) for an undeclared sort key; database or decoding errors.
pub async fn list<M: Model>(
    db: &Db,
    scope: &Scope,
    query: &ListQuery,
) -> Result<Page<M>, AppError> {
    let meta = M::META;
    let order = order_by(meta, query.sort.as_deref())?;
    let (where_sql, args) = where_clause(scope, &query.filters);
    // One round trip: the page, each row carrying the total as an uncorrelated scalar
    // subquery (evaluated once). Only an empty page past the first needs a separate count.
    let mut page_args = args.clone();
    page_args.extend(args.iter().cloned());
    page_args.push(Value::I64(i64::from(query.limit)));
    page_args.push(Value::I64(i64::try_from(query.offset).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT {}, (SELECT count(*) FROM {table}{where_sql}) AS {TOTAL} FROM {table}{where_sql}{order} LIMIT ? OFFSET ?",
        meta.select_list,
        table = meta.table,
    );
    // By position: the model's columns, then the total (read from the first row; the model's
    // decoder takes its columns by position and never reaches it).
    let mut rows = db.query_columns(&sql, page_args).await?;
    let total = match rows.first_mut() {
        Some(Value::Array(columns)) => {
            let n = columns.pop().unwrap_or(Value::Null);
            let n = <i64 as super::ColumnType>::from_value(n).map_err(|e| {
                AppError::Internal(anyhow::anyhow!("decoding {} total: {e}", meta.table))
            })?;
            Some(u64::try_from(n).unwrap_or(0))
        }
        _ => None,
    };
    let total = match total {
        Some(n) => n,
        None if query.offset == 0 => 0,
        _ => {
            let count_sql = format!("SELECT count(*) AS n FROM {}{where_sql}", meta.table);
            let mut n = 0;
            db.for_each_row(&count_sql, args, |row| {
                let [count] = crate::db::rows::columns(row)?;
                n = crate::db::rows::count_of(count, "n")?;
                Ok::<_, AppError>(())
            })
            .await?;
            n
        }
    };
    let items = decode_rows::<M>(Value::Array(rows))?;
    Ok(Page {
        items,
        total,
        limit: query.limit,
        offset: query.offset,
    })
}

/// `UPDATE` of every non-key column of `row`, by primary key; returns whether the row existed.
///
/// # Errors
/// Database errors.
pub async fn update<M: Model>(db: &Db, row: &M) -> Result<bool, AppError> {
    update_with(&db.rb, db.dialect, row).await
}

/// [`update`] on any executor (a transaction).
///
/// # Errors
/// Database errors.
pub async fn update_with<M: Model>(
    exec: &dyn Executor,
    dialect: Dialect,
    row: &M,
) -> Result<bool, AppError> {
    let meta = M::META;
    let mut sets = Vec::new();
    let mut args = Vec::new();
    for (c, v) in meta.columns.iter().zip(row.to_values(dialect)) {
        if c.name != meta.id {
            sets.push(format!("{} = ?", c.name));
            args.push(v);
        }
    }
    args.push(row.id_value(dialect));
    let sql = format!(
        "UPDATE {} SET {} WHERE {} = ?",
        meta.table,
        sets.join(", "),
        meta.id
    );
    Ok(exec.exec(&sql, args).await?.rows_affected > 0)
}

/// `DELETE` by primary key; returns whether a row went.
///
/// # Errors
/// Database errors.
pub async fn delete<M: Model>(db: &Db, id: Value) -> Result<bool, AppError> {
    delete_with::<M>(&db.rb, id).await
}

/// [`delete`] on any executor (a transaction).
///
/// # Errors
/// Database errors.
pub async fn delete_with<M: Model>(exec: &dyn Executor, id: Value) -> Result<bool, AppError> {
    let meta = M::META;
    let sql = format!("DELETE FROM {} WHERE {} = ?", meta.table, meta.id);
    Ok(exec.exec(&sql, vec![id]).await?.rows_affected > 0)
}

/// The rows `principal` may read under `M`'s read policy, as a scope for [`find_scoped`] and
/// [`list`].
pub fn read_scope<M: Model>(db: &Db, principal: Option<Caller>) -> Scope {
    M::META.read.scope(principal, M::META.owner, db.dialect)
}

/// The 404 of a row of `M` that does not exist or that the caller may not read:
/// `"<display> not found"`.
pub fn not_found<M: Model>() -> ApiError {
    ApiError::not_found(format!("{} not found", M::META.display))
}

/// `get`: the row if the read policy lets `principal` see it, else 404.
///
/// # Errors
/// 403 when the read policy is admin-only and `principal` is not an administrator; 404;
/// database errors.
pub async fn get_for<M: Model>(
    db: &Db,
    principal: Option<Caller>,
    id: Value,
) -> Result<M, ApiError> {
    M::META.read.require_admin(principal)?;
    find_scoped::<M>(db, &read_scope::<M>(db, principal), id)
        .await?
        .ok_or_else(not_found::<M>)
}

/// `list`: one page of the rows `principal` may read.
///
/// # Errors
/// 403 when the read policy is admin-only and `principal` is not an administrator; 422 for
/// an undeclared sort key; database errors.
pub async fn list_for<M: Model>(
    db: &Db,
    principal: Option<Caller>,
    query: &ListQuery,
) -> Result<Page<M>, ApiError> {
    M::META.read.require_admin(principal)?;
    Ok(list::<M>(db, &read_scope::<M>(db, principal), query).await?)
}
