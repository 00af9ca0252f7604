//! The runtime behind `#[derive(Model)]`: model metadata, the [`Model`] trait the macro
//! implements, column type mapping, the permission policy, generic repository functions, list
//! queries and DDL generation. The macro emits calls into this ordinary, tested code and holds
//! no policy or SQL of its own.

pub mod column;
pub mod crud;
pub mod ddl;
pub mod policy;
pub mod query;
pub mod sort;
pub mod validate;
pub mod write;

#[cfg(test)]
mod hygiene_tests;

use rbs::Value;
use uuid::Uuid;

pub use column::{ColumnType, SqlType};

/// The instant the OpenAPI examples show (2025-11-20 19:30 UTC), so the document stays the same
/// from build to build.
pub fn example_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_763_667_000, 0).unwrap_or_default()
}

/// A free-form JSON object: `type: object` in the schema, so a client knows it is never `null`,
/// an array or a scalar (unlike `serde_json::Value`, whose schema is `{}`). Keys sorted.
pub type JsonObject = std::collections::BTreeMap<String, serde_json::Value>;
pub use policy::{Action, Caller, Policy, Term};
pub use query::{Filter, ListQuery, Page};
pub use sort::{Sort, SortKeys};
pub use write::{HookResult, Hooks, WriteContext};

use crate::db::Dialect;

/// What a column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    /// The primary key.
    Id,
    /// The owning user's id (`REFERENCES users (id)`).
    Owner,
    /// Set once on insert.
    CreatedAt,
    /// Set on insert and every update.
    UpdatedAt,
    /// Any other field.
    Data,
}

/// One column of a model's table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnMeta {
    /// Column (and field) name.
    pub name: &'static str,
    /// SQL type.
    pub sql_type: SqlType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Its role.
    pub role: ColumnRole,
    /// Whether a declared filter uses it (it gets an index).
    pub indexed: bool,
    /// `table (column)` it references (`#[model(references = "...")]`), deleted with it.
    pub references: Option<&'static str>,
}

/// How a declared filter matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// `column = value`.
    Eq,
    /// Case-insensitive substring, LIKE wildcards in the input escaped.
    Contains,
    /// `min_<column>` ≤ column ≤ `max_<column>`.
    Range,
    /// `column IN (values)`.
    In,
}

/// One declared sort key; `desc` for descending.
#[derive(Debug, Clone, Copy)]
pub struct SortKey {
    /// Column.
    pub column: &'static str,
    /// Descending when true.
    pub desc: bool,
}

/// Everything the macro knows about a model, as data.
#[derive(Debug)]
pub struct ModelMeta {
    /// Rust type name, e.g. `SavedBuild`.
    pub name: &'static str,
    /// Human name for messages, e.g. `Saved build`.
    pub display: &'static str,
    /// Table name.
    pub table: &'static str,
    /// Columns in declaration order.
    pub columns: &'static [ColumnMeta],
    /// `col1, col2, …`: the same columns as one SELECT list, built at compile time.
    pub select_list: &'static str,
    /// Primary-key column.
    pub id: &'static str,
    /// Owner column, if any.
    pub owner: Option<&'static str>,
    /// Who may read (get, list).
    pub read: Policy,
    /// Who may create.
    pub create: Policy,
    /// Who may update and delete.
    pub write: Policy,
    /// Declared filters.
    pub filters: &'static [(&'static str, FilterKind)],
    /// Columns a list may be sorted by.
    pub sorts: &'static [&'static str],
    /// Order when none is asked for (the primary key is always the final tiebreaker).
    pub default_sort: &'static [SortKey],
    /// Default page size.
    pub page_default: u32,
    /// Largest page size.
    pub page_max: u32,
}

impl ModelMeta {
    /// The policy for `action`.
    pub fn policy(&self, action: Action) -> &Policy {
        match action {
            Action::Read => &self.read,
            Action::Create => &self.create,
            Action::Update | Action::Delete => &self.write,
        }
    }
}

/// A persisted model; implemented by `#[derive(Model)]`.
pub trait Model: Sized + Send + Sync + 'static {
    /// Table, columns, policies, filters and sorts.
    const META: &'static ModelMeta;

    /// Bind values of every column, in `META.columns` order.
    fn to_values(&self, dialect: Dialect) -> Vec<Value>;

    /// Builds the model from one row (a map of column name to value).
    ///
    /// # Errors
    /// [`column::DecodeError`] naming the column that did not decode.
    fn from_row(row: Value) -> Result<Self, column::DecodeError>;

    /// Bind value of the primary key.
    fn id_value(&self, dialect: Dialect) -> Value;

    /// The owner's id, for models with an owner column.
    fn owner_id(&self) -> Option<Uuid>;

    /// The value of a boolean column named in a `flag(...)` policy term.
    fn flag(&self, column: &str) -> bool;

    /// Whether `principal` may perform `action` on `row` (the same policy the generated
    /// endpoints enforce in SQL), for hand-written handlers.
    fn authorize(principal: Option<Caller>, action: Action, row: &Self) -> bool {
        Self::META
            .policy(action)
            .allows_row(principal, row.owner_id(), |c| row.flag(c))
    }
}

/// Generates a new primary key for `#[model(id)]` fields.
pub trait GenerateId {
    /// A fresh id.
    fn generate() -> Self;
}

impl GenerateId for Uuid {
    fn generate() -> Self {
        Uuid::new_v4()
    }
}

/// One result row, read by generated `from_row`: (column, value) pairs in SELECT order, or the
/// values alone ([`crate::db::Db::query_columns`]). Named columns are found by position (the
/// SELECT lists them in declaration order), falling back to a search by name; positional ones
/// by position only. No hashing and no allocation per column.
#[derive(Debug)]
pub struct Row(Columns);

/// A row's columns as the driver gave them.
#[derive(Debug)]
enum Columns {
    /// (name, value) pairs, from `rb.query`.
    Named(Vec<(Value, Value)>),
    /// The values alone, in `SELECT` order, from `Db::query_columns`.
    Positional(Vec<Value>),
}

impl Row {
    /// Wraps a driver row: a map of column names to values, or the values alone in `SELECT`
    /// order (an array).
    ///
    /// # Errors
    /// When the value is neither.
    pub fn new(row: Value) -> Result<Self, column::DecodeError> {
        match row {
            Value::Map(m) => Ok(Self(Columns::Named(m.0.into_iter().collect()))),
            Value::Array(columns) => Ok(Self(Columns::Positional(columns))),
            other => Err(format!("expected a row, found {other}").into()),
        }
    }

    /// Takes column `name` (expected at position `index`) and decodes it.
    ///
    /// # Errors
    /// When the column does not decode, naming it.
    pub fn take<T>(
        &mut self,
        index: usize,
        name: &str,
        decode: fn(Value) -> Result<T, column::DecodeError>,
    ) -> Result<T, column::DecodeError> {
        let slot = match &mut self.0 {
            Columns::Positional(values) => values.get_mut(index),
            Columns::Named(pairs) => {
                let is = |k: &Value| matches!(k, Value::String(s) if s == name);
                match pairs.get_mut(index) {
                    Some((k, v)) if is(k) => Some(v),
                    _ => pairs.iter_mut().find(|(k, _)| is(k)).map(|(_, v)| v),
                }
            }
        };
        let value = slot.map(std::mem::take).unwrap_or(Value::Null);
        decode(value).map_err(|e| format!("column {name}: {e}").into())
    }
}
