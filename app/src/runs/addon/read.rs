//! Readers of the addon's JSON fields: tables that may be arrays or maps, numbers, bounded
//! texts; each failure is a `Refusal` naming the field's dotted path.

use serde_json::{Map, Value};

use super::{Refusal, refuse};
use crate::runs::dto::MAX_RATE;

/// The entries of a table that may have arrived as a map (keys as given) or as an array
/// (keys `1`, `2`, …); absent, `null`, `[]` and `{}` are empty.
pub(super) fn entries<'a>(
    v: Option<&'a Value>,
    path: &str,
) -> Result<Vec<(String, &'a Value)>, Refusal> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Some(Value::Array(a)) => Ok(a
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), v))
            .collect()),
        Some(_) => Err(refuse(path, "must be a table")),
    }
}

/// A list that may have arrived as an array or as a map keyed `1`, `2`, … (in key order).
pub(super) fn list<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Vec<&'a Value>, Refusal> {
    let mut items = entries(m.get(key), path)?;
    items.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
    Ok(items.into_iter().map(|(_, v)| v).collect())
}

pub(super) fn object<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, Refusal> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        // An empty table written as `{}` may have become `[]`.
        Some(Value::Array(a)) if a.is_empty() => Ok(None),
        Some(_) => Err(refuse(path, "must be a table")),
    }
}

pub(super) fn number(
    m: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<f64>, Refusal> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| refuse(path, "must be a number")),
    }
}

pub(super) fn at_most_rate(path: &str, v: f64) -> Result<(), Refusal> {
    if v > MAX_RATE {
        Err(refuse(path, format!("must be at most {MAX_RATE}")))
    } else {
        Ok(())
    }
}

pub(super) fn non_negative(path: &str, v: f64) -> Result<(), Refusal> {
    if v < 0.0 {
        Err(refuse(path, "must be at least 0"))
    } else {
        Ok(())
    }
}

pub(super) fn text(
    m: &Map<String, Value>,
    key: &str,
    path: &str,
    min: usize,
    max: usize,
) -> Result<String, Refusal> {
    let s = match m.get(key) {
        None | Some(Value::Null) => return Err(refuse(path, "is required")),
        Some(Value::String(s)) => s,
        Some(_) => return Err(refuse(path, "must be a string")),
    };
    if s.contains('\0') {
        return Err(refuse(path, "must not contain NUL characters"));
    }
    let n = s.chars().count();
    if n < min || n > max {
        return Err(refuse(path, format!("must be {min}–{max} characters")));
    }
    Ok(s.clone())
}
