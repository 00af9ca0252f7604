//! Unit tests of parse/validate, and the expansion snapshot of a representative model
//! (`tests/expand/saved_build.expanded.rs`, reviewed in diffs like code; regenerate with
//! `UPDATE_EXPAND=1 cargo test -p ebo-macros`).

use quote::quote;

use crate::{model, parse, validate};

fn representative() -> proc_macro2::TokenStream {
    quote! {
        /// A build loadout saved by a user; readable by any signed-in user when public.
        #[derive(Model)]
        #[model(
            table = "saved_builds",
            read = "owner | flag(is_public) | admin",
            write = "owner",
            sort = "updated_at, name",
            default_sort = "-updated_at",
            api(path = "/builds", tag = "Builds", ops(list, get, create, update, delete), page(default = 20, max = 50))
        )]
        pub struct SavedBuild {
            /// Build id.
            #[model(id)]
            pub build_id: Uuid,
            /// Owner.
            #[model(owner)]
            pub owner_id: Uuid,
            /// Name, 1–100 characters.
            #[model(filter = "contains", validate(length(min = 1, max = 100)))]
            pub name: String,
            /// Class.
            #[model(enum, filter = "eq,in")]
            pub class: EsoClass,
            /// CP level.
            #[model(filter = "range", validate(range(min = 0, max = 3600)))]
            pub cp_level: i32,
            /// Contact address.
            #[model(validate(email))]
            pub contact: Option<String>,
            /// Sets.
            #[model(json, validate(max_items = 10))]
            pub sets: Vec<String>,
            /// Public?
            #[model(filter = "eq", default)]
            pub is_public: bool,
            /// Created.
            #[model(created_at)]
            pub created_at: DateTime<Utc>,
            /// Updated.
            #[model(updated_at)]
            pub updated_at: DateTime<Utc>,
        }
    }
}

fn resolve(tokens: proc_macro2::TokenStream) -> darling::Result<crate::ir::Model> {
    let input: syn::DeriveInput = syn::parse2(tokens).map_err(darling::Error::from)?;
    parse::parse(&input).and_then(validate::validate)
}

#[test]
fn the_representative_model_resolves() {
    let m = resolve(representative()).expect("valid model");
    assert_eq!(m.table, "saved_builds");
    assert_eq!(m.display, "Saved build");
    assert_eq!(m.id_field().ident, "build_id");
    assert_eq!(
        m.owner_field().map(|f| f.ident.to_string()).as_deref(),
        Some("owner_id")
    );
    assert_eq!(m.default_sort, vec![("updated_at".to_owned(), true)]);
    let api = m.api.expect("api");
    assert_eq!(
        (
            api.list_key.to_string().as_str(),
            api.page_default,
            api.page_max
        ),
        ("builds", 20, 50)
    );
    let create: Vec<String> = m
        .fields
        .iter()
        .filter(|f| f.in_create())
        .map(|f| f.ident.to_string())
        .collect();
    assert_eq!(
        create,
        ["name", "class", "cp_level", "contact", "sets", "is_public"]
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let err = resolve(quote! {
        #[derive(Model)]
        #[model(table = "Bad Table", read = "friends", write = "owner", default_sort = "-nope")]
        pub struct Thing { pub name: String }
    })
    .expect_err("invalid");
    let text = err.to_string();
    for needle in [
        "lower_snake_case",
        "no primary key",
        "unknown policy term `friends`",
        "needs a field marked",
        "default_sort `-nope`",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(err.len() >= 5, "{text}");
}

#[test]
fn expansion_matches_the_snapshot() {
    let file: syn::File = syn::parse2(model(representative())).expect("expansion parses as items");
    let pretty = prettyplease::unparse(&file);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expand/saved_build.expanded.rs");
    if std::env::var_os("UPDATE_EXPAND").is_some() {
        std::fs::write(&path, &pretty).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == pretty,
        "expansion changed; review and run UPDATE_EXPAND=1 cargo test -p ebo-macros"
    );
}
