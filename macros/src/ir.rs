//! The resolved model: every rule checked, every default applied.

use proc_macro2::Span;
use syn::{Attribute, Ident, Type, Visibility};

/// A permission term (mirrors `app::model::Term`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Public,
    Authenticated,
    Owner,
    Admin,
    Flag(String),
}

/// How a field is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Through `app::model::ColumnType`.
    Column,
    /// As JSON.
    Json,
    /// As the enum's API string.
    Enum,
}

/// What a field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Id { generated: bool },
    Owner,
    CreatedAt,
    UpdatedAt,
    Data,
}

/// A declared filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    Eq,
    Contains,
    Range,
    In,
}

/// Resolved `validate(...)`.
#[derive(Debug, Clone, Default)]
pub struct Validate {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
    pub max_items: Option<usize>,
    pub min_items: Option<usize>,
    pub pattern: Option<String>,
    pub email: bool,
    pub custom: Option<syn::Path>,
}

/// One field.
#[derive(Debug, Clone)]
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    /// `T` when `ty` is `Option<T>`.
    pub option_inner: Option<Type>,
    pub docs: Vec<Attribute>,
    pub storage: Storage,
    pub role: Role,
    pub filters: Vec<FilterKind>,
    pub validate: Validate,
    pub hidden: bool,
    pub read_only: bool,
    pub default: bool,
    pub immutable: bool,
    /// `table (column)` this column references.
    pub references: Option<String>,
}

impl Field {
    /// Set by the client on create.
    pub fn in_create(&self) -> bool {
        !self.hidden
            && !self.read_only
            && match self.role {
                Role::Id { generated } => !generated,
                Role::Data => true,
                _ => false,
            }
    }

    /// Changeable by update.
    pub fn in_update(&self) -> bool {
        self.role == Role::Data && !self.hidden && !self.read_only && !self.immutable
    }

    /// The type without `Option`.
    pub fn inner_ty(&self) -> &Type {
        self.option_inner.as_ref().unwrap_or(&self.ty)
    }
}

/// Generated operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ops {
    pub list: bool,
    pub get: bool,
    pub create: bool,
    pub update: bool,
    pub replace: bool,
    pub delete: bool,
}

/// Resolved `api(...)`.
#[derive(Debug, Clone)]
pub struct Api {
    pub path: String,
    pub tag: String,
    pub ops: Ops,
    pub list_key: Ident,
    pub page_default: u32,
    pub page_max: u32,
    /// Text columns the `search` parameter matches; empty for none.
    pub search: Vec<String>,
    /// Generated list parameter name → the public name it is served under.
    pub params: std::collections::BTreeMap<String, String>,
    /// The response type, when not `<M>View` (`api(view = "...")`).
    pub view: Option<syn::Path>,
    /// `api(cache = "...")`: the function giving the cache `get` answers through.
    pub cache: Option<syn::Path>,
    /// `api(list_cache = "...")`: the function giving the cache `list` answers through.
    pub list_cache: Option<syn::Path>,
    /// `api(caller_cache = "...")`: the function giving the per-caller cache `list` answers
    /// through.
    pub caller_cache: Option<syn::Path>,
    /// `api(serde)`: reads are written by `serde::Serialize`.
    pub serde: bool,
    /// The name in operation ids (`lower_snake`, `api(name = "...")` or the struct's).
    pub name: String,
    /// The page schema's name (`RunPage`; default `<M>Page`).
    pub page_schema: String,
}

impl Api {
    /// The public name of generated list parameter `name`.
    pub fn param_name(&self, name: &str) -> String {
        self.params
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }
}

/// Resolved `hooks(...)`: the path of each declared hook.
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    pub before_create: Option<syn::Path>,
    pub after_create: Option<syn::Path>,
    pub before_update: Option<syn::Path>,
    pub after_update: Option<syn::Path>,
    pub before_delete: Option<syn::Path>,
    pub after_delete: Option<syn::Path>,
    pub after_commit: Option<syn::Path>,
}

impl Hooks {
    /// Whether a write needs a transaction (a hook runs inside it).
    pub fn in_transaction(&self) -> bool {
        self.before_create.is_some()
            || self.after_create.is_some()
            || self.before_update.is_some()
            || self.after_update.is_some()
            || self.before_delete.is_some()
            || self.after_delete.is_some()
    }
}

/// The resolved model.
#[derive(Debug, Clone)]
pub struct Model {
    pub ident: Ident,
    pub vis: Visibility,
    pub docs: Vec<Attribute>,
    pub table: String,
    pub display: String,
    pub fields: Vec<Field>,
    pub read: Vec<Term>,
    pub write: Vec<Term>,
    pub create: Vec<Term>,
    pub sorts: Vec<String>,
    pub default_sort: Vec<(String, bool)>,
    pub api: Option<Api>,
    pub hooks: Hooks,
    /// `example = "path"`: a `fn() -> Self` giving the generated bodies their example.
    pub example: Option<syn::Path>,
    pub span: Span,
}

impl Model {
    /// The primary-key field.
    pub fn id_field(&self) -> &Field {
        self.fields
            .iter()
            .find(|f| matches!(f.role, Role::Id { .. }))
            .unwrap_or(&self.fields[0])
    }

    /// The owner field, if any.
    pub fn owner_field(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.role == Role::Owner)
    }
}
