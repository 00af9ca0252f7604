//! Decoding of positional rows ([`super::Db::for_each_row`]): a store's statement reads its
//! columns in `SELECT` order into typed values. A value that does not have its column's type
//! is an error that names the column (a logged 500), never a silent default.

use chrono::{DateTime, Utc};
use rbs::Value;
use serde::de::DeserializeOwned;

use crate::{
    error::AppError,
    model::{ColumnType, column::json_from_value},
};

/// A row value that does not have its column's type: a logged 500, never a silent default.
pub fn undecodable(col: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("decoding column {col}: {e}"))
}

/// The `N` columns of a positional row, for destructuring.
///
/// # Errors
/// A row of another width: the statement and its reader disagree.
pub fn columns<const N: usize>(row: Vec<Value>) -> Result<[Value; N], AppError> {
    <[Value; N]>::try_from(row)
        .map_err(|r| AppError::Internal(anyhow::anyhow!("a row of {} columns, not {N}", r.len())))
}

/// A number (aggregates come back as integers, floats or text), always finite: see [`finite`].
/// `NULL` is 0: what `sum()`, `avg()` and `max()` give over no rows.
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

/// A count (`count(*)`, or a `sum` of 0/1), as [`num_of`] reads it, truncated to a whole number.
///
/// # Errors
/// A value that is not a number.
pub fn count_of(value: Value, col: &str) -> Result<u64, AppError> {
    num_of(value, col).map(|n| n as u64)
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

/// A value of a column that may be `NULL`.
///
/// # Errors
/// A value that is not a `T`.
pub fn optional_of<T>(value: Value, col: &str) -> Result<Option<T>, AppError>
where
    Option<T>: ColumnType,
{
    Option::<T>::from_value(value).map_err(|e| undecodable(col, e))
}

/// A value of a `NOT NULL` column (text, a timestamp, an id).
///
/// # Errors
/// `NULL`, or a value that is not a `T`.
pub fn required_of<T>(value: Value, col: &str) -> Result<T, AppError>
where
    Option<T>: ColumnType,
{
    optional_of(value, col)?.ok_or_else(|| undecodable(col, "NULL"))
}

/// Text of a `NOT NULL` column.
///
/// # Errors
/// `NULL` or a value that is not text.
pub fn text_of(value: Value, col: &str) -> Result<String, AppError> {
    required_of(value, col)
}

/// A timestamp of a `NOT NULL` column.
///
/// # Errors
/// `NULL` or a value that is not a timestamp.
pub fn time_of(value: Value, col: &str) -> Result<DateTime<Utc>, AppError> {
    required_of(value, col)
}

/// A JSON column decoded into `T`.
///
/// # Errors
/// A value that is not JSON of `T`'s shape.
pub fn json_of<T: DeserializeOwned>(value: Value, col: &str) -> Result<T, AppError> {
    json_from_value(value).map_err(|e| undecodable(col, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflowed_aggregates_saturate_instead_of_leaving_json() {
        assert_eq!(finite(f64::INFINITY), f64::MAX);
        assert_eq!(finite(f64::NEG_INFINITY), f64::MIN);
        assert_eq!(finite(f64::NAN), 0.0);
        assert_eq!(finite(1.5), 1.5);
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_naming_its_column_not_a_zero() {
        let e = num_of(Value::String("many".into()), "n").unwrap_err();
        assert!(e.to_string().contains("decoding column n"), "{e}");
        assert!(text_of(Value::Null, "name").is_err());
        assert_eq!(num_of(Value::Null, "avg").unwrap(), 0.0);
        assert_eq!(count_of(Value::I64(3), "n").unwrap(), 3);
        assert!(columns::<2>(vec![Value::Null]).is_err());
    }
}
