//! The handlers' reads, served through a cache (`api(cache = ...)`, `api(list_cache = ...)`)
//! or straight from the database through the read policy.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

/// (the list's answer type, its body after `query` is built): through `cache` when given.
pub(super) fn list_body(
    ident: &Ident,
    page: &Ident,
    principal: &TokenStream,
    cache: Option<&syn::Path>,
) -> (TokenStream, TokenStream) {
    match cache {
        // The policy is `public` or `authenticated` (validated): one answer per query,
        // encoded once, serves every caller.
        Some(cache) => (
            quote! { ::app::http::json::JsonBytes<#page> },
            quote! {
                let db = &state.db;
                let key = ::std::format!("{query:?}");
                // A hit needs none of this: the scope is built only when the page is loaded.
                let load = async move {
                    let scope = ::app::model::crud::read_scope::<#ident>(db, #principal);
                    let page = ::app::model::crud::list::<#ident>(db, &scope, &query).await?;
                    ::std::result::Result::Ok(::app::http::json::JsonBytes::new(&#page::from(page)))
                };
                ::std::result::Result::Ok(#cache(state.0).get_or_load::<::app::error::AppError, _>(key, load).await?)
            },
        ),
        None => (
            quote! { ::poem_openapi::payload::Json<#page> },
            quote! {
                let page = ::app::model::crud::list_for::<#ident>(&state.db, #principal, &query).await?;
                ::std::result::Result::Ok(::poem_openapi::payload::Json(#page::from(page)))
            },
        ),
    }
}

/// The `get` handler (after its doc and `#[oai]` attributes): through `cache` when given.
pub(super) fn get_handler(
    ident: &Ident,
    view: &TokenStream,
    (auth_param, principal): (&TokenStream, &TokenStream),
    (id_ident, id_ty, id_bind): (&Ident, &syn::Type, &TokenStream),
    cache: Option<&syn::Path>,
) -> TokenStream {
    match cache {
        // The policy is `public` or `authenticated` (validated), so one answer per id,
        // encoded once, serves every caller; a missing id is cached as `None` too.
        Some(cache) => quote! {
            async fn get(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                #auth_param
                #id_ident: ::poem_openapi::param::Path<#id_ty>,
            ) -> ::std::result::Result<::app::http::json::JsonBytes<#view>, ::app::error::ApiError> {
                let db = &state.db;
                let key = #id_ident.0.clone();
                // A hit needs none of this: the scope and the bound id are built only on a miss.
                let load = async move {
                    let dialect = db.dialect;
                    let scope = ::app::model::crud::read_scope::<#ident>(db, #principal);
                    let row = ::app::model::crud::find_scoped::<#ident>(db, &scope, #id_bind).await?;
                    ::std::result::Result::Ok(row.map(|r| ::app::http::json::JsonBytes::new(&#view::from(r))))
                };
                #cache(state.0)
                    .get_or_load::<::app::error::AppError, _>(key, load)
                    .await?
                    .ok_or_else(::app::model::crud::not_found::<#ident>)
            }
        },
        None => quote! {
            async fn get(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                #auth_param
                #id_ident: ::poem_openapi::param::Path<#id_ty>,
            ) -> ::std::result::Result<::poem_openapi::payload::Json<#view>, ::app::error::ApiError> {
                let dialect = state.db.dialect;
                let row = ::app::model::crud::get_for::<#ident>(&state.db, #principal, #id_bind).await?;
                ::std::result::Result::Ok(::poem_openapi::payload::Json(#view::from(row)))
            }
        },
    }
}
