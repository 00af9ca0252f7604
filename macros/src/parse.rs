//! What the user wrote, as darling receivers; nothing resolved yet.

use darling::{
    FromDeriveInput, FromField, FromMeta,
    util::{Flag, PathList, SpannedValue},
};
use syn::{Attribute, Ident, Lit, Type, Visibility};

use crate::written::Written;

/// `#[model(...)]` on the struct.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(model), forward_attrs(doc), supports(struct_named))]
pub struct ModelOpts {
    pub ident: Ident,
    pub vis: Visibility,
    pub attrs: Vec<Attribute>,
    pub data: darling::ast::Data<(), FieldOpts>,
    /// `table = "saved_builds"`.
    pub table: SpannedValue<String>,
    /// `display = "Saved build"`: the name in messages (default: from the struct name).
    #[darling(default)]
    pub display: Option<String>,
    /// `read = "owner | flag(is_public) | admin"`, or the same unquoted.
    #[darling(default)]
    pub read: Option<Written>,
    /// `write = "owner"` (update and delete).
    #[darling(default)]
    pub write: Option<Written>,
    /// `create = "authenticated"` (the default).
    #[darling(default)]
    pub create: Option<Written>,
    /// `sort = "updated_at, name"` or `sort = (updated_at, name)`: keys a list may be sorted by.
    #[darling(default)]
    pub sort: Option<Written>,
    /// `default_sort = "-updated_at"` or `default_sort = -updated_at`.
    #[darling(default)]
    pub default_sort: Option<Written>,
    /// `api(...)`: generate a CRUD API.
    #[darling(default)]
    pub api: Option<ApiOpts>,
    /// `hooks(before_create = "path::to::fn", …)`: lifecycle hooks of the generated writes.
    #[darling(default)]
    pub hooks: Option<HooksOpts>,
    /// `example = "path::to::fn"`: a `fn() -> Self` whose value is the OpenAPI example of the
    /// generated view, create, update and page bodies.
    #[darling(default)]
    pub example: Option<syn::Path>,
}

/// `hooks(before_create, after_create, before_update, after_update, before_delete,
/// after_delete, after_commit)`, each the path of an `async fn`.
#[derive(Debug, Default, FromMeta)]
pub struct HooksOpts {
    #[darling(default)]
    pub before_create: Option<syn::Path>,
    #[darling(default)]
    pub after_create: Option<syn::Path>,
    #[darling(default)]
    pub before_update: Option<syn::Path>,
    #[darling(default)]
    pub after_update: Option<syn::Path>,
    #[darling(default)]
    pub before_delete: Option<syn::Path>,
    #[darling(default)]
    pub after_delete: Option<syn::Path>,
    #[darling(default)]
    pub after_commit: Option<syn::Path>,
}

/// `api(path = "/builds", tag = "Builds", ops(list, get), list_key = "builds", page(default = 50, max = 100))`.
#[derive(Debug, FromMeta)]
pub struct ApiOpts {
    pub path: SpannedValue<String>,
    #[darling(default)]
    pub tag: Option<String>,
    pub ops: PathList,
    #[darling(default)]
    pub list_key: Option<SpannedValue<String>>,
    #[darling(default)]
    pub page: Option<PageOpts>,
    /// `search = "name, base_effect, tags"`: a `search` parameter matching any of these text
    /// columns (case-insensitive substring).
    #[darling(default)]
    pub search: Option<SpannedValue<String>>,
    /// `view = "path::Type"`: answer with this type (`From<Model>`) instead of `<M>View`, for
    /// a resource whose wire shape is not its row's (a projection).
    #[darling(default)]
    pub view: Option<syn::Path>,
    /// `cache = "path::to::fn"`: `get` answers through the cache that
    /// `fn(&AppState) -> &Counted<Id, Option<JsonBytes<View>>>` returns.
    #[darling(default)]
    pub cache: Option<syn::Path>,
    /// `list_cache = "path::to::fn"`: `list` answers through the cache that
    /// `fn(&AppState) -> &Counted<String, JsonBytes<<M>Page>>` returns, keyed by the query.
    #[darling(default)]
    pub list_cache: Option<syn::Path>,
    /// `params(min_created_at = "since")`: public names for generated list parameters.
    #[darling(default)]
    pub params: Option<SpannedValue<std::collections::HashMap<String, String>>>,
    /// `name = "run"`: the resource's name in operation ids (`list_runs`, `get_run`) and in the
    /// page schema (`RunPage`); default: the struct's name (`combat_run_summary`).
    #[darling(default)]
    pub name: Option<SpannedValue<String>>,
    /// `caller_cache = "path::to::fn"`: `list` answers through the per-caller cache that
    /// `fn(&AppState) -> &C` returns (`C: app::cache::CallerCache`), keyed by the caller and
    /// the query, and honours the request's `Cache-Control`.
    #[darling(default)]
    pub caller_cache: Option<syn::Path>,
    /// `serde`: the reads (`list` and `get`) are written by `serde::Serialize` straight to
    /// bytes instead of through poem's `ToJSON` tree. A generated view derives it, each field
    /// written as its `ToJSON` writes it; a `view = ...` type must serialise exactly as its
    /// `ToJSON` does.
    #[darling(default)]
    pub serde: Flag,
}

/// `page(default = 50, max = 100)`.
#[derive(Debug, FromMeta)]
pub struct PageOpts {
    pub default: SpannedValue<u32>,
    pub max: SpannedValue<u32>,
}

/// `#[model(...)]` on a field.
#[derive(Debug, FromField)]
#[darling(attributes(model), forward_attrs(doc))]
pub struct FieldOpts {
    pub ident: Option<Ident>,
    pub ty: Type,
    pub attrs: Vec<Attribute>,
    /// Primary key, generated on create.
    #[darling(default)]
    pub id: Flag,
    /// With `id`: the client supplies the key in the create body.
    #[darling(default)]
    pub provided: Flag,
    /// The owning user's id (a `Uuid`), set from the caller on create.
    #[darling(default)]
    pub owner: Flag,
    /// Set once on insert.
    #[darling(default)]
    pub created_at: Flag,
    /// Set on insert and on every update.
    #[darling(default)]
    pub updated_at: Flag,
    /// Stored as JSON (nested objects, lists).
    #[darling(default)]
    pub json: Flag,
    /// Stored as the enum's API string.
    #[darling(default, rename = "enum")]
    pub enumeration: Flag,
    /// `filter = "eq" | "contains" | "range" | "in"` (comma-separated for several).
    #[darling(default)]
    pub filter: Option<SpannedValue<String>>,
    /// `validate(length(min, max), range(min, max), max_items, min_items, pattern, email, custom)`.
    #[darling(default)]
    pub validate: Option<ValidateOpts>,
    /// Never in a DTO or response (e.g. a password hash).
    #[darling(default)]
    pub hidden: Flag,
    /// In responses only; set by the server.
    #[darling(default)]
    pub read_only: Flag,
    /// Optional on create; `Default::default()` when absent.
    #[darling(default)]
    pub default: Flag,
    /// Set on create, never changed by update.
    #[darling(default)]
    pub immutable: Flag,
    /// `references = "table(column)"`: a foreign key (ON DELETE CASCADE) in generated migrations.
    #[darling(default)]
    pub references: Option<SpannedValue<String>>,
}

/// `validate(...)` on a field.
#[derive(Debug, Default, FromMeta)]
pub struct ValidateOpts {
    #[darling(default)]
    pub length: Option<Bounds>,
    #[darling(default)]
    pub range: Option<NumBounds>,
    #[darling(default)]
    pub max_items: Option<usize>,
    #[darling(default)]
    pub min_items: Option<usize>,
    #[darling(default)]
    pub pattern: Option<SpannedValue<String>>,
    #[darling(default)]
    pub email: Flag,
    #[darling(default)]
    pub custom: Option<syn::Path>,
}

/// `length(min = 1, max = 100)`.
#[derive(Debug, Default, FromMeta)]
pub struct Bounds {
    #[darling(default)]
    pub min: Option<usize>,
    #[darling(default)]
    pub max: Option<usize>,
}

/// `range(min = 0, max = 3600)`.
#[derive(Debug, Default, FromMeta)]
pub struct NumBounds {
    #[darling(default)]
    pub min: Option<Lit>,
    #[darling(default)]
    pub max: Option<Lit>,
}

/// Reads the attributes.
///
/// # Errors
/// darling's spanned errors (unknown keys with suggestions, wrong value types, missing `table`).
pub fn parse(input: &syn::DeriveInput) -> darling::Result<ModelOpts> {
    ModelOpts::from_derive_input(input)
}
