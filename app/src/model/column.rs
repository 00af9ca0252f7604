//! How Rust field types map to SQL columns on both dialects, with the driver quirks of
//! STACK_NOTES §3 handled once: UUIDs and timestamps bind as rbdc `Ext` values, booleans are
//! integers on SQLite, JSON is text on SQLite and `json` on PostgreSQL, and SQLite's habit of
//! parsing JSON-looking text is undone when decoding strings.

use chrono::{DateTime, SecondsFormat, Utc};
use rbs::Value;
use serde::{Serialize, de::DeserializeOwned, de::value::StrDeserializer};
use uuid::Uuid;

use crate::db::Dialect;

/// Portable SQL column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// UUID / TEXT.
    Uuid,
    /// TEXT.
    Text,
    /// INTEGER (32-bit).
    Integer,
    /// BIGINT / INTEGER.
    BigInt,
    /// DOUBLE PRECISION / REAL.
    Double,
    /// BOOLEAN / INTEGER 0-1.
    Boolean,
    /// TIMESTAMPTZ / TEXT (RFC 3339, UTC, milliseconds).
    Timestamp,
    /// JSONB / TEXT.
    Json,
}

impl SqlType {
    /// The DDL type name in `dialect`.
    pub fn ddl(self, dialect: Dialect) -> &'static str {
        use SqlType::*;
        match (self, dialect) {
            (Uuid, Dialect::Postgres) => "UUID",
            (Text | Uuid, _) => "TEXT",
            (Integer, _) => "INTEGER",
            (BigInt, Dialect::Postgres) => "BIGINT",
            (BigInt, Dialect::Sqlite) => "INTEGER",
            (Double, Dialect::Postgres) => "DOUBLE PRECISION",
            (Double, Dialect::Sqlite) => "REAL",
            (Boolean, Dialect::Postgres) => "BOOLEAN",
            (Boolean, Dialect::Sqlite) => "INTEGER",
            (Timestamp, Dialect::Postgres) => "TIMESTAMPTZ",
            (Timestamp, Dialect::Sqlite) => "TEXT",
            (Json, Dialect::Postgres) => "JSONB",
            (Json, Dialect::Sqlite) => "TEXT",
        }
    }
}

/// A Rust type that can be stored in one column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column of its own",
    note = "mark the field `#[model(json)]` to store it as JSON, or `#[model(enum)]` for an enum stored as its API string"
)]
pub trait ColumnType: Sized {
    /// The column's SQL type.
    const SQL_TYPE: SqlType;
    /// Whether the column may hold NULL.
    const NULLABLE: bool = false;
    /// The bind value for `dialect`.
    fn to_value(&self, dialect: Dialect) -> Value;
    /// Decodes a column value.
    ///
    /// # Errors
    /// [`DecodeError`] naming what was found instead.
    fn from_value(value: Value) -> Result<Self, DecodeError>;
}

/// A stored value that does not decode into its field's type, saying what was found instead
/// (and, from [`super::Row::take`], in which column). Where a handler meets one it is a 500
/// (`AppError::Internal`, logged), never a silent default.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(String);

impl From<String> for DecodeError {
    fn from(message: String) -> Self {
        Self(message)
    }
}

impl From<&str> for DecodeError {
    fn from(message: &str) -> Self {
        Self(message.to_owned())
    }
}

fn unexpected(what: &str, v: &Value) -> DecodeError {
    DecodeError(format!("expected {what}, found {v}"))
}

fn ext_inner(v: Value) -> Value {
    match v {
        Value::Ext(_, inner) => *inner,
        other => other,
    }
}

impl ColumnType for String {
    const SQL_TYPE: SqlType = SqlType::Text;
    fn to_value(&self, _: Dialect) -> Value {
        Value::String(self.clone())
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        match ext_inner(v) {
            Value::String(s) => Ok(s),
            Value::Null => Err("expected text, found NULL".into()),
            // SQLite hands back text that looks like JSON (`123`, `[1]`, `true`) parsed: undo it.
            other => serde_json::to_string(&other).map_err(|e| DecodeError(e.to_string())),
        }
    }
}

impl ColumnType for i64 {
    const SQL_TYPE: SqlType = SqlType::BigInt;
    fn to_value(&self, _: Dialect) -> Value {
        Value::I64(*self)
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        match ext_inner(v) {
            Value::I64(n) => Ok(n),
            Value::I32(n) => Ok(n.into()),
            Value::U32(n) => Ok(n.into()),
            Value::U64(n) => i64::try_from(n).map_err(|e| DecodeError(e.to_string())),
            other => Err(unexpected("an integer", &other)),
        }
    }
}

impl ColumnType for i32 {
    const SQL_TYPE: SqlType = SqlType::Integer;
    fn to_value(&self, _: Dialect) -> Value {
        Value::I32(*self)
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        i64::from_value(v).and_then(|n| i32::try_from(n).map_err(|e| DecodeError(e.to_string())))
    }
}

impl ColumnType for f64 {
    const SQL_TYPE: SqlType = SqlType::Double;
    fn to_value(&self, _: Dialect) -> Value {
        Value::F64(*self)
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        match ext_inner(v) {
            Value::F64(n) => Ok(n),
            Value::F32(n) => Ok(n.into()),
            Value::I64(n) => Ok(n as f64),
            Value::I32(n) => Ok(n.into()),
            Value::U32(n) => Ok(n.into()),
            Value::U64(n) => Ok(n as f64),
            Value::String(s) => s
                .parse()
                .map_err(|_| DecodeError(format!("expected a number, found {s:?}"))),
            other => Err(unexpected("a number", &other)),
        }
    }
}

impl ColumnType for bool {
    const SQL_TYPE: SqlType = SqlType::Boolean;
    fn to_value(&self, dialect: Dialect) -> Value {
        match dialect {
            Dialect::Postgres => Value::Bool(*self),
            Dialect::Sqlite => Value::I64(i64::from(*self)),
        }
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        match ext_inner(v) {
            Value::Bool(b) => Ok(b),
            Value::I64(n) => Ok(n != 0),
            Value::I32(n) => Ok(n != 0),
            Value::U32(n) => Ok(n != 0),
            Value::U64(n) => Ok(n != 0),
            other => Err(unexpected("a boolean", &other)),
        }
    }
}

impl ColumnType for Uuid {
    const SQL_TYPE: SqlType = SqlType::Uuid;
    fn to_value(&self, _: Dialect) -> Value {
        Value::Ext("Uuid", Box::new(Value::String(self.to_string())))
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        match ext_inner(v) {
            Value::String(s) => Uuid::parse_str(&s).map_err(|e| DecodeError(format!("{e}: {s:?}"))),
            // The patched PostgreSQL driver's form: the 16 bytes (vendor/README.md).
            Value::Binary(b) => Uuid::from_slice(&b).map_err(|e| DecodeError(e.to_string())),
            other => Err(unexpected("a UUID", &other)),
        }
    }
}

/// Timestamps are stored with millisecond precision (PostgreSQL binding via rbdc keeps
/// milliseconds only), so what is written reads back equal.
pub fn truncate_to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

impl ColumnType for DateTime<Utc> {
    const SQL_TYPE: SqlType = SqlType::Timestamp;
    fn to_value(&self, _: Dialect) -> Value {
        let text = truncate_to_millis(*self).to_rfc3339_opts(SecondsFormat::Millis, true);
        Value::Ext("DateTime", Box::new(Value::String(text)))
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        match v {
            // PostgreSQL's `timestamptz` (our rbdc-pg patch): Unix milliseconds.
            Value::Ext("Timestamp", inner) => match *inner {
                Value::I64(ms) => DateTime::from_timestamp_millis(ms)
                    .ok_or_else(|| DecodeError(format!("a timestamp out of range: {ms} ms"))),
                other => Err(unexpected("a timestamp", &other)),
            },
            v => match ext_inner(v) {
                Value::String(s) => parse_timestamp(&s),
                other => Err(unexpected("a timestamp", &other)),
            },
        }
    }
}

fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, DecodeError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    // PostgreSQL text forms: `2026-11-23 10:00:00.123+00` or without offset.
    let normalized = s.replacen(' ', "T", 1);
    let with_offset = if normalized.ends_with("+00") {
        format!("{normalized}:00")
    } else {
        normalized.clone()
    };
    DateTime::parse_from_rfc3339(&with_offset)
        .or_else(|_| DateTime::parse_from_rfc3339(&format!("{normalized}Z")))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| DecodeError(format!("{e}: {s:?}")))
}

impl<T: ColumnType> ColumnType for Option<T> {
    const SQL_TYPE: SqlType = T::SQL_TYPE;
    const NULLABLE: bool = true;
    fn to_value(&self, dialect: Dialect) -> Value {
        self.as_ref().map_or(Value::Null, |v| v.to_value(dialect))
    }
    fn from_value(v: Value) -> Result<Self, DecodeError> {
        if v.is_null() {
            Ok(None)
        } else {
            T::from_value(v).map(Some)
        }
    }
}

/// Bind value of a `#[model(json)]` field.
pub fn json_to_value<T: Serialize>(v: &T, dialect: Dialect) -> Value {
    let text = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    match dialect {
        Dialect::Postgres => Value::Ext("Json", Box::new(Value::String(text))),
        Dialect::Sqlite => Value::String(text),
    }
}

/// Decodes a `#[model(json)]` column, whichever form the driver returned it in.
///
/// # Errors
/// When the stored JSON does not fit `T`.
pub fn json_from_value<T: DeserializeOwned>(v: Value) -> Result<T, DecodeError> {
    match ext_inner(v) {
        Value::String(s) => serde_json::from_str(&s)
            .or_else(|_| serde_json::from_value(serde_json::Value::String(s))),
        Value::Binary(b) => serde_json::from_slice(&b),
        // A driver that hands JSON over already parsed (the published rbdc-pg did): read it
        // straight into `T` rather than through a `serde_json::Value` tree first.
        other => return rbs::from_value(other).map_err(|e| DecodeError(e.to_string())),
    }
    .map_err(|e| DecodeError(e.to_string()))
}

/// Bind value of a `#[model(enum)]` field: its API string.
pub fn enum_to_value<T: Serialize>(v: &T, _: Dialect) -> Value {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Value::String(s),
        _ => Value::Null,
    }
}

/// Decodes a `#[model(enum)]` column from its API string.
///
/// # Errors
/// When the text is not one of the enum's values.
pub fn enum_from_value<T: DeserializeOwned>(v: Value) -> Result<T, DecodeError> {
    let text = String::from_value(v)?;
    T::deserialize(StrDeserializer::<serde::de::value::Error>::new(&text))
        .map_err(|_| DecodeError(format!("unknown value {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_their_bind_form() {
        for d in [Dialect::Postgres, Dialect::Sqlite] {
            let id = Uuid::new_v4();
            assert_eq!(Uuid::from_value(id.to_value(d)).unwrap(), id);
            let t = truncate_to_millis(Utc::now());
            assert_eq!(DateTime::<Utc>::from_value(t.to_value(d)).unwrap(), t);
            assert!(bool::from_value(true.to_value(d)).unwrap());
            assert_eq!(
                Option::<i64>::from_value(None::<i64>.to_value(d)).unwrap(),
                None
            );
            let sets = vec!["Kinras's Wrath".to_owned()];
            assert_eq!(
                json_from_value::<Vec<String>>(json_to_value(&sets, d)).unwrap(),
                sets
            );
        }
    }

    #[test]
    fn the_postgresql_drivers_forms_decode() {
        // `timestamptz` as Unix milliseconds, `uuid` as its 16 bytes, `json`/`jsonb` as their
        // text (vendor/README.md).
        let ms = 1_764_000_000_123;
        let at = Value::Ext("Timestamp", Box::new(Value::I64(ms)));
        assert_eq!(
            DateTime::<Utc>::from_value(at).unwrap().timestamp_millis(),
            ms
        );
        let beyond = Value::Ext("Timestamp", Box::new(Value::I64(i64::MAX)));
        assert!(DateTime::<Utc>::from_value(beyond).is_err());
        assert!(
            DateTime::<Utc>::from_value(Value::I64(ms)).is_err(),
            "a bare integer is not a timestamp"
        );
        let id = Uuid::new_v4();
        let binary = Value::Ext("Uuid", Box::new(Value::Binary(id.as_bytes().to_vec())));
        assert_eq!(Uuid::from_value(binary).unwrap(), id);
        let short = Value::Ext("Uuid", Box::new(Value::Binary(vec![1, 2, 3])));
        assert!(Uuid::from_value(short).is_err(), "16 bytes or an error");
        let json = Value::Ext("Json", Box::new(Value::String(r#"{"a":[1,"b"]}"#.into())));
        let decoded: serde_json::Value = json_from_value(json).unwrap();
        assert_eq!(decoded, serde_json::json!({"a": [1, "b"]}));
    }

    #[test]
    fn sqlite_json_looking_text_decodes_back_to_text() {
        assert_eq!(String::from_value(Value::I64(123)).unwrap(), "123");
        assert_eq!(
            String::from_value(Value::Array(vec![Value::I64(1)])).unwrap(),
            "[1]"
        );
        assert!(bool::from_value(Value::I64(1)).unwrap());
    }

    #[test]
    fn postgres_timestamp_text_forms_parse() {
        let want = DateTime::parse_from_rfc3339("2026-11-23T10:00:00.123Z").unwrap();
        for s in [
            "2026-11-23T10:00:00.123Z",
            "2026-11-23 10:00:00.123+00",
            "2026-11-23T10:00:00.123",
        ] {
            assert_eq!(parse_timestamp(s).unwrap(), want, "{s}");
        }
    }
}
