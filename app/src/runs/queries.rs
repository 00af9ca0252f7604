//! Aggregates over the caller's runs: each endpoint issues a fixed number of statements,
//! whatever the number of runs (no per-row queries), on both dialects.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rbs::Value;
use uuid::Uuid;

use super::CombatRun;
use crate::{
    db::Db,
    error::AppError,
    model::{ColumnType, Model},
};

/// The analytics' `time_range` (API contract: `7d|30d|90d|all`, default `30d`): how far back
/// the runs counted go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, poem_openapi::Enum)]
pub enum TimeRange {
    /// The last 7 days.
    #[oai(rename = "7d")]
    Week,
    /// The last 30 days.
    #[oai(rename = "30d")]
    #[default]
    Month,
    /// The last 90 days.
    #[oai(rename = "90d")]
    Quarter,
    /// Every run.
    #[oai(rename = "all")]
    All,
}

impl TimeRange {
    /// The earliest time counted, `None` for [`TimeRange::All`].
    pub fn since(self) -> Option<DateTime<Utc>> {
        let days = match self {
            Self::Week => 7,
            Self::Month => 30,
            Self::Quarter => 90,
            Self::All => return None,
        };
        Some(Utc::now() - Duration::days(days))
    }
}

/// `WHERE` for the caller's runs, optionally since a time and for one character.
pub fn scope(
    db: &Db,
    player: Uuid,
    since: Option<DateTime<Utc>>,
    character: Option<&str>,
    alias: &str,
) -> (String, Vec<Value>) {
    let d = db.dialect;
    let mut sql = format!("{alias}player_id = ?");
    let mut args = vec![player.to_value(d)];
    if let Some(t) = since {
        sql.push_str(&format!(" AND {alias}timestamp >= ?"));
        args.push(t.to_value(d));
    }
    if let Some(c) = character {
        sql.push_str(&format!(" AND {alias}character_name = ?"));
        args.push(Value::String(c.to_owned()));
    }
    (sql, args)
}

/// Rows as maps of column → value.
pub async fn rows(
    db: &Db,
    sql: &str,
    args: Vec<Value>,
) -> Result<Vec<rbs::value::map::ValueMap>, AppError> {
    Ok(match db.rb.query(sql, args).await? {
        Value::Array(rows) => rows
            .into_iter()
            .filter_map(|r| match r {
                Value::Map(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

fn cell<'a>(row: &'a rbs::value::map::ValueMap, col: &str) -> &'a Value {
    row.get(&Value::String(col.into()))
}

/// A row value that does not have its column's type: a logged 500, never a silent default.
fn undecodable(col: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("decoding column {col}: {e}"))
}

/// A number from a row (aggregates come back as integers, floats or text), always finite:
/// see [`finite`]. `NULL` is 0: what `sum()`, `avg()` and `max()` give over no rows.
///
/// # Errors
/// A value that is not a number.
pub fn num(row: &rbs::value::map::ValueMap, col: &str) -> Result<f64, AppError> {
    num_of(cell(row, col).clone(), col)
}

/// [`num`] of one value of a positional row ([`Db::for_each_row`]), column `col`.
///
/// # Errors
/// A value that is not a number.
pub fn num_of(value: Value, col: &str) -> Result<f64, AppError> {
    match value {
        Value::Null => Ok(0.0),
        v => f64::from_value(v)
            .map(finite)
            .map_err(|e| undecodable(col, e)),
    }
}

/// `x`, saturated at `±f64::MAX`, with NaN as 0. Each stored DPS is finite, but the sum behind
/// an `avg()` of values near `f64::MAX` overflows to infinity, which JSON cannot carry: the
/// field would vanish from the response and break its schema (found by schemathesis).
pub fn finite(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(f64::MIN, f64::MAX)
    }
}

/// A text from a row that may be `NULL`.
///
/// # Errors
/// A value that is not text.
pub fn opt_text(row: &rbs::value::map::ValueMap, col: &str) -> Result<Option<String>, AppError> {
    Option::<String>::from_value(cell(row, col).clone()).map_err(|e| undecodable(col, e))
}

/// A text from a row, from a `NOT NULL` column.
///
/// # Errors
/// `NULL` or a value that is not text.
pub fn text(row: &rbs::value::map::ValueMap, col: &str) -> Result<String, AppError> {
    opt_text(row, col)?.ok_or_else(|| undecodable(col, "NULL"))
}

/// [`text`] of one value of a positional row ([`Db::for_each_row`]), column `col`.
///
/// # Errors
/// `NULL` or a value that is not text.
pub fn text_of(value: Value, col: &str) -> Result<String, AppError> {
    required_of(value, col)
}

/// A timestamp, of one value of a positional row, from a `NOT NULL` column `col`.
///
/// # Errors
/// `NULL` or a value that is not a timestamp.
pub fn time_of(value: Value, col: &str) -> Result<DateTime<Utc>, AppError> {
    required_of(value, col)
}

/// One value of a positional row, from a `NOT NULL` column `col`.
fn required_of<T>(value: Value, col: &str) -> Result<T, AppError>
where
    Option<T>: ColumnType,
{
    Option::<T>::from_value(value)
        .map_err(|e| undecodable(col, e))?
        .ok_or_else(|| undecodable(col, "NULL"))
}

/// The `N` columns of a positional row ([`Db::for_each_row`]), for destructuring.
///
/// # Errors
/// A row of another width: the statement and its reader disagree.
pub fn columns<const N: usize>(row: Vec<Value>) -> Result<[Value; N], AppError> {
    <[Value; N]>::try_from(row)
        .map_err(|r| AppError::Internal(anyhow::anyhow!("a row of {} columns, not {N}", r.len())))
}

/// A timestamp from a row that may be `NULL`.
///
/// # Errors
/// A value that is not a timestamp.
pub fn opt_time(
    row: &rbs::value::map::ValueMap,
    col: &str,
) -> Result<Option<DateTime<Utc>>, AppError> {
    Option::<DateTime<Utc>>::from_value(cell(row, col).clone()).map_err(|e| undecodable(col, e))
}

/// The latest run of each of the caller's characters (one statement).
///
/// # Errors
/// Database errors.
pub async fn latest_per_character(
    db: &Db,
    player: Uuid,
    character: Option<&str>,
) -> Result<BTreeMap<String, CombatRun>, AppError> {
    let (w, mut args) = scope(db, player, None, character, "");
    let (w2, args2) = scope(db, player, None, character, "r.");
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
    if let Value::Array(rs) = db.rb.query(&sql, args).await? {
        for r in rs {
            let run = CombatRun::from_row(r).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
            out.entry(run.character_name.clone()).or_insert(run);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::finite;

    #[test]
    fn overflowed_aggregates_saturate_instead_of_leaving_json() {
        assert_eq!(finite(f64::INFINITY), f64::MAX);
        assert_eq!(finite(f64::NEG_INFINITY), f64::MIN);
        assert_eq!(finite(f64::NAN), 0.0);
        assert_eq!(finite(1.5), 1.5);
    }
}
