//! `#[derive(Model)]`: a plain struct declares its table, columns, permissions and API; the
//! derive generates persistence (rbatis, both dialects), create/update/view DTOs with
//! validation, a poem-openapi CRUD API and permission checks, all as calls into `app::model`.
//!
//! Pipeline (as serde_derive and sea-orm-macros): [`parse`] reads the attributes with
//! darling, [`validate`] resolves them into an [`ir::Model`] collecting every spanned error,
//! [`expand`] turns the IR into code. See `docs/adding-a-model.md` for the attribute language.
//!
//! ```ignore
//! /// A build loadout saved by a user; readable by others when public.
//! #[derive(Model)]
//! #[model(table = "saved_builds", read = "owner | flag(is_public) | admin", write = "owner",
//!         default_sort = "-updated_at", api(path = "/builds", tag = "Builds", ops(list, get, create, update, delete)))]
//! pub struct SavedBuild {
//!     #[model(id)] pub build_id: Uuid,
//!     #[model(owner)] pub owner_id: Uuid,
//!     #[model(filter = "contains", validate(length(min = 1, max = 100)))] pub name: String,
//!     …
//! }
//! ```

mod expand;
mod ir;
mod parse;
mod validate;
mod written;

use proc_macro::TokenStream;

/// Derives `app::model::Model` plus DTOs and (with `api(...)`) a CRUD API struct `<Name>Api`.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model(input.into()).into()
}

fn model(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    syn::parse2::<syn::DeriveInput>(input)
        .map_err(darling::Error::from)
        .and_then(|input| parse::parse(&input))
        .and_then(validate::validate)
        .map(|ir| expand::expand(&ir))
        .unwrap_or_else(darling::Error::write_errors)
}

#[cfg(test)]
mod tests;
