//! IR → code. Types the user names (`<M>Api`, `<M>Create`, `<M>Update`, `<M>View`, `<M>Page`)
//! are emitted beside the model; trait impls go inside `const _: () = { … };`. All paths are
//! absolute (`::app::…`, `::poem_openapi::…`), and every rule is a call into `app::model`.

mod api;
mod hooks;
mod schema;
mod store;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::ir::{Field, Model, Storage};

/// The whole expansion.
pub fn expand(m: &Model) -> TokenStream {
    let store = store::expand(m);
    let hooks = hooks::expand(m);
    let (schema_items, schema_impls) = schema::expand(m);
    let (api_items, api_impls) = m
        .api
        .as_ref()
        .map(|a| api::expand(m, a))
        .unwrap_or_default();
    quote! {
        #schema_items
        #api_items
        #[allow(clippy::all, clippy::pedantic, unused_qualifications)]
        const _: () = {
            #store
            #hooks
            #schema_impls
            #api_impls
        };
    }
}

/// `SavedBuild` + `View` → `SavedBuildView`.
pub fn suffixed(m: &Model, suffix: &str) -> Ident {
    format_ident!("{}{}", m.ident, suffix)
}

/// Expression binding `value` (a reference to the field's non-Option type) for `dialect`.
pub fn bind_inner(f: &Field, value: TokenStream) -> TokenStream {
    let inner = f.inner_ty();
    match f.storage {
        Storage::Column => {
            quote! { <#inner as ::app::model::ColumnType>::to_value(#value, dialect) }
        }
        Storage::Json => quote! { ::app::model::column::json_to_value(#value, dialect) },
        Storage::Enum => quote! { ::app::model::column::enum_to_value(#value, dialect) },
    }
}
