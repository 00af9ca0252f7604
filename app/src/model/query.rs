//! List queries: filters, sort and pagination, turned into one SQL `WHERE … ORDER BY … LIMIT`
//! with bound values only (column names come from the model's metadata, never from input).

use rbs::Value;

use super::{ModelMeta, policy::Scope};
use crate::error::{ApiError, AppError, FieldError};

/// One filter condition on a declared column.
#[derive(Debug, Clone)]
pub enum Filter {
    /// `column = value`.
    Eq(&'static str, Value),
    /// `lower(column) LIKE %needle%` (case-insensitive, wildcards in `needle` escaped).
    Contains(&'static str, String),
    /// `column >= value`.
    Min(&'static str, Value),
    /// `column <= value`.
    Max(&'static str, Value),
    /// `column IN (values)`.
    In(&'static str, Vec<Value>),
    /// Case-insensitive substring in any of the columns (a `search` parameter).
    AnyContains(&'static [&'static str], String),
    /// `column = value OR column IS NULL` (e.g. a class's features plus universal ones).
    EqOrNull(&'static str, Value),
}

/// A list request: filters, optional sort key (`name` or `-name` for descending), page.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Conditions, all of which must hold.
    pub filters: Vec<Filter>,
    /// `column` or `-column`; must be one of the model's sort keys.
    pub sort: Option<String>,
    /// Page size (already bounded by the endpoint).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Rows matching the filters, over all pages.
    pub total: u64,
    /// Page size used.
    pub limit: u32,
    /// Rows skipped.
    pub offset: u64,
}

impl<T> Page<T> {
    /// Whether rows remain after this page.
    pub fn has_more(&self) -> bool {
        self.offset + (self.items.len() as u64) < self.total
    }
}

/// Escapes `%`, `_` and `\` so user input matches literally in `LIKE … ESCAPE '\'`.
pub fn escape_like(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `WHERE` clause (possibly empty) and its binds for a scope plus filters.
pub fn where_clause(scope: &Scope, filters: &[Filter]) -> (String, Vec<Value>) {
    let mut parts = Vec::new();
    let mut args = Vec::new();
    for f in filters {
        match f {
            Filter::Eq(c, v) => {
                parts.push(format!("{c} = ?"));
                args.push(v.clone());
            }
            Filter::Contains(c, needle) => {
                parts.push(format!("lower({c}) LIKE ? ESCAPE '\\'"));
                args.push(Value::String(format!(
                    "%{}%",
                    escape_like(&needle.to_lowercase())
                )));
            }
            Filter::Min(c, v) => {
                parts.push(format!("{c} >= ?"));
                args.push(v.clone());
            }
            Filter::Max(c, v) => {
                parts.push(format!("{c} <= ?"));
                args.push(v.clone());
            }
            Filter::AnyContains(cols, needle) => {
                let pattern = Value::String(format!("%{}%", escape_like(&needle.to_lowercase())));
                let ors: Vec<String> = cols
                    .iter()
                    .map(|c| format!("lower({c}) LIKE ? ESCAPE '\\'"))
                    .collect();
                parts.push(format!("({})", ors.join(" OR ")));
                args.extend(cols.iter().map(|_| pattern.clone()));
            }
            Filter::EqOrNull(c, v) => {
                parts.push(format!("({c} = ? OR {c} IS NULL)"));
                args.push(v.clone());
            }
            Filter::In(_, values) if values.is_empty() => parts.push("1 = 0".to_owned()),
            Filter::In(c, values) => {
                let marks = vec!["?"; values.len()].join(", ");
                parts.push(format!("{c} IN ({marks})"));
                args.extend(values.iter().cloned());
            }
        }
    }
    // The scope goes last: SQLite's planner then keeps the primary-key or filter index lookup
    // instead of an OR-of-indexes plan over the scope's columns (see bench/model-overhead).
    match scope {
        Scope::All => {}
        Scope::Nothing => parts.push("1 = 0".to_owned()),
        Scope::Where { sql, args: a } => {
            parts.push(sql.clone());
            args.extend(a.iter().cloned());
        }
    }
    let sql = if parts.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", parts.join(" AND "))
    };
    (sql, args)
}

/// `ORDER BY` for the requested sort (validated against the model's keys) or the default,
/// always ending with the primary key so paging is stable.
///
/// # Errors
/// 422 naming `sort` when the key is not declared.
pub fn order_by(meta: &ModelMeta, sort: Option<&str>) -> Result<String, AppError> {
    let mut keys: Vec<String> = Vec::new();
    match sort.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let (desc, col) = s.strip_prefix('-').map_or((false, s), |c| (true, c));
            let Some(col) = meta.sorts.iter().find(|k| **k == col) else {
                let allowed: Vec<String> =
                    meta.sorts.iter().map(|k| format!("{k}, -{k}")).collect();
                let msg = if allowed.is_empty() {
                    "this list cannot be sorted".to_owned()
                } else {
                    format!("must be one of: {}", allowed.join(", "))
                };
                return Err(AppError::Validation(vec![FieldError::new("sort", msg)]));
            };
            keys.push(format!("{col} {}", if desc { "DESC" } else { "ASC" }));
        }
        None => {
            for k in meta.default_sort {
                keys.push(format!(
                    "{} {}",
                    k.column,
                    if k.desc { "DESC" } else { "ASC" }
                ));
            }
        }
    }
    if !keys.iter().any(|k| k.split(' ').next() == Some(meta.id)) {
        keys.push(format!("{} ASC", meta.id));
    }
    Ok(format!(" ORDER BY {}", keys.join(", ")))
}

/// A 422 for one parameter.
pub fn invalid_param(name: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation(vec![FieldError::new(name, message)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
    }

    #[test]
    fn filters_become_bound_predicates() {
        let (sql, args) = where_clause(
            &Scope::Where {
                sql: "(owner_id = ?)".into(),
                args: vec![Value::String("u".into())],
            },
            &[
                Filter::Eq("class", Value::String("Warden".into())),
                Filter::Contains("name", "Fire_%".into()),
                Filter::In(
                    "race",
                    vec![Value::String("Nord".into()), Value::String("Orc".into())],
                ),
            ],
        );
        assert_eq!(
            sql,
            " WHERE class = ? AND lower(name) LIKE ? ESCAPE '\\' AND race IN (?, ?) AND (owner_id = ?)"
        );
        assert_eq!(args.len(), 5);
        assert_eq!(args[1], Value::String("%fire\\_\\%%".into()));
    }
}
