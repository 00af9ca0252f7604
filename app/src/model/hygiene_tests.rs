//! The derive's output names everything by absolute path: a model declared in a module whose
//! prelude type and trait names (`Option`, `Result`, `Vec`, `String`, `Box`, `Clone`, `Default`, …) mean something else
//! still compiles (the hygiene test of issue 14), and every attribute form the language has is
//! accepted together (a `pass` case beside the compile-fail cases of `macros/tests/ui/fail/`).
//! `#![no_implicit_prelude]` cannot be used, nor can `Some`/`Ok`/`Err` be shadowed:
//! poem-openapi's own derives, which the generated code invokes, name their crate, `format!`
//! and those variants through the prelude.
#![allow(dead_code, missing_docs, non_camel_case_types)]

// Every prelude item the generated code could lean on, shadowed by something unusable.
struct Option;
struct Result;
struct Vec;
struct String;
struct Box;
struct ToString;
struct Clone;
struct Default;
struct Iterator;
struct Into;
struct From;

/// An enum column.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    ::serde::Serialize,
    ::serde::Deserialize,
    ::poem_openapi::Enum,
)]
pub enum Kind {
    /// One.
    One,
    /// Two.
    Two,
}

/// Every field attribute, every policy term and every table-level option at once.
#[derive(::ebo_macros::Model)]
#[model(
    table = "hygiene_things",
    display = "Hygiene thing",
    read = "owner | flag(is_public) | admin",
    write = "owner | admin",
    create = "authenticated",
    sort = "name, level, created_at",
    default_sort = "-created_at, name",
    api(
        path = "/hygiene-things",
        tag = "Hygiene",
        ops(list, get, create, update, replace, delete),
        list_key = "things",
        page(default = 10, max = 20),
        search = "name, origin",
        params(min_level = "level_from", search = "q"),
        serde
    ),
    hooks(
        before_create = "hooks::before",
        after_create = "hooks::after",
        before_update = "hooks::before",
        after_update = "hooks::after",
        before_delete = "hooks::after",
        after_delete = "hooks::after",
        after_commit = "hooks::committed"
    )
)]
pub struct HygieneThing {
    /// Id.
    #[model(id)]
    pub id: ::uuid::Uuid,
    /// Owner.
    #[model(owner, references = "users(id)")]
    pub owner_id: ::uuid::Uuid,
    /// Name.
    #[model(
        filter = "contains",
        validate(length(min = 1, max = 50), pattern = "^[a-z ]+$")
    )]
    pub name: ::std::string::String,
    /// Contact.
    #[model(validate(email))]
    pub contact: ::std::option::Option<::std::string::String>,
    /// Level.
    #[model(filter = "range, in", validate(range(min = 0, max = 3600)))]
    pub level: i32,
    /// Kind.
    #[model(enum, filter = "eq")]
    pub kind: Kind,
    /// Tags.
    #[model(json, validate(min_items = 0, max_items = 5))]
    pub tags: ::std::vec::Vec<::std::string::String>,
    /// Public.
    #[model(filter = "eq", default)]
    pub is_public: bool,
    /// Server-side only.
    #[model(hidden, default)]
    pub note: ::std::option::Option<::std::string::String>,
    /// Read-only.
    #[model(read_only, default)]
    pub score: f64,
    /// Set once.
    #[model(immutable, filter = "eq")]
    pub origin: ::std::string::String,
    /// Created.
    #[model(created_at)]
    pub created_at: ::chrono::DateTime<::chrono::Utc>,
    /// Updated.
    #[model(updated_at)]
    pub updated_at: ::chrono::DateTime<::chrono::Utc>,
}

/// The hooks, as a user writes them (plain `async fn`s).
mod hooks {
    use super::HygieneThing;
    use crate::{
        model::{Action, HookResult, WriteContext},
        state::AppState,
    };

    pub async fn before(_: &WriteContext<'_, AppState>, _: &mut HygieneThing) -> HookResult {
        ::std::result::Result::Ok(())
    }

    pub async fn after(_: &WriteContext<'_, AppState>, _: &HygieneThing) -> HookResult {
        ::std::result::Result::Ok(())
    }

    pub async fn committed(_: &AppState, _: Action, _: &HygieneThing) {}
}

/// A key the client chooses.
#[derive(::ebo_macros::Model)]
#[model(
    table = "hygiene_codes",
    read = "public",
    write = "admin",
    create = "admin",
    api(
        path = "/hygiene-codes",
        ops(list, get, create, replace),
        cache = "code_cache",
        list_cache = "code_pages"
    )
)]
pub struct HygieneCode {
    /// Code.
    #[model(id, provided, validate(length(min = 2, max = 10)))]
    pub code: ::std::string::String,
}

/// The cache `get` of `HygieneCode` answers through (`api(cache = ...)`).
fn code_cache(
    _: &crate::state::AppState,
) -> &'static crate::cache::Counted<
    ::std::string::String,
    ::std::option::Option<crate::http::json::JsonBytes<HygieneCodeView>>,
> {
    static CACHE: ::std::sync::OnceLock<
        crate::cache::Counted<
            ::std::string::String,
            ::std::option::Option<crate::http::json::JsonBytes<HygieneCodeView>>,
        >,
    > = ::std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        crate::cache::Counted::sized("hygiene_codes", 10, ::std::time::Duration::from_secs(1))
    })
}

/// The cache `list` of `HygieneCode` answers through (`api(list_cache = ...)`).
fn code_pages(
    _: &crate::state::AppState,
) -> &'static crate::cache::Counted<
    ::std::string::String,
    crate::http::json::JsonBytes<HygieneCodePage>,
> {
    static CACHE: ::std::sync::OnceLock<
        crate::cache::Counted<::std::string::String, crate::http::json::JsonBytes<HygieneCodePage>>,
    > = ::std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        crate::cache::Counted::sized("hygiene_pages", 10, ::std::time::Duration::from_secs(1))
    })
}

/// A projection of `hygiene_things` under its own name, answered per caller and written by
/// serde (`api(name, view, caller_cache, serde)`), its policies and sort keys unquoted.
#[derive(::ebo_macros::Model)]
#[model(
    table = "hygiene_things",
    read = owner | admin,
    write = owner,
    sort = (name, level),
    default_sort = (-level, name),
    api(
        path = "/hygiene-summaries",
        tag = "Hygiene",
        name = "hygiene_summary",
        ops(list),
        view = "HygieneRow",
        caller_cache = "summary_answers",
        serde
    )
)]
pub struct HygieneThingSummary {
    /// Id.
    #[model(id)]
    pub id: ::uuid::Uuid,
    /// Owner.
    #[model(owner)]
    pub owner_id: ::uuid::Uuid,
    /// Name.
    #[model(filter = "eq")]
    pub name: ::std::string::String,
    /// Level.
    #[model(filter = "range", validate(range(min = 0, max = 3600)))]
    pub level: i32,
}

/// The summary's wire shape.
#[derive(::std::fmt::Debug, ::std::clone::Clone, ::serde::Serialize, ::poem_openapi::Object)]
pub struct HygieneRow {
    /// Name.
    pub name: ::std::string::String,
}

impl ::std::convert::From<HygieneThingSummary> for HygieneRow {
    fn from(s: HygieneThingSummary) -> Self {
        Self { name: s.name }
    }
}

/// A per-caller cache that keeps nothing.
struct NoAnswers;

impl crate::cache::CallerCache for NoAnswers {
    async fn answer_encoded<T, F>(
        &self,
        _: crate::model::Caller,
        _: ::std::option::Option<&str>,
        _: ::std::string::String,
        load: F,
    ) -> ::std::result::Result<crate::http::json::JsonBytes<T>, crate::error::ApiError>
    where
        T: Send,
        F: ::std::future::Future<
                Output = ::std::result::Result<
                    crate::http::json::JsonBytes<T>,
                    crate::error::ApiError,
                >,
            > + Send,
    {
        load.await
    }
}

/// The cache `list` of `HygieneThingSummary` answers through (`api(caller_cache = ...)`).
fn summary_answers(_: &crate::state::AppState) -> &'static NoAnswers {
    &NoAnswers
}
