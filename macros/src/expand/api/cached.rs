//! The handlers' reads: served through a cache shared by every caller (`api(cache = ...)`,
//! `api(list_cache = ...)`), through a per-caller cache (`api(caller_cache = ...)`), or
//! straight from the database through the read policy; written by poem's `ToJSON` or, with
//! `api(serde)`, by serde straight to bytes.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::ir::Api;

/// The expression encoding `value` (a page or view) as `JsonBytes`, by `api(serde)`.
fn encode(a: &Api, value: TokenStream) -> TokenStream {
    if a.serde {
        quote! { ::app::http::json::JsonBytes::serialized(&#value) }
    } else {
        quote! { ::app::http::json::JsonBytes::new(&#value) }
    }
}

/// (the list's answer type, its body after `query` is built): through the cache `a` names.
pub(super) fn list_body(
    ident: &Ident,
    page: &Ident,
    principal: &TokenStream,
    a: &Api,
    op_id: &str,
) -> (TokenStream, TokenStream) {
    let bytes = quote! { ::app::http::json::JsonBytes<#page> };
    let encoded = encode(a, quote! { #page::from(page) });
    if let Some(cache) = &a.list_cache {
        // The policy is `public` or `authenticated` (validated): one answer per query,
        // encoded once, serves every caller.
        return (
            bytes,
            quote! {
                let db = &state.db;
                let key = ::std::format!("{query:?}");
                // A hit needs none of this: the scope is built only when the page is loaded.
                let load = async move {
                    let scope = ::app::model::crud::read_scope::<#ident>(db, #principal);
                    let page = ::app::model::crud::list::<#ident>(db, &scope, &query).await?;
                    ::std::result::Result::Ok(#encoded)
                };
                ::std::result::Result::Ok(#cache(state.0).get_or_load::<::app::error::AppError, _>(key, load).await?)
            },
        );
    }
    if let Some(cache) = &a.caller_cache {
        // The policy names the caller (validated): answers are kept per caller, keyed by the
        // operation and the whole query, since one cache may serve several operations.
        return (
            bytes,
            quote! {
                let db = &state.db;
                let caller = auth.principal().caller();
                let key = ::std::format!("{} {query:?}", #op_id);
                let load = async move {
                    let page = ::app::model::crud::list_for::<#ident>(db, ::std::option::Option::Some(caller), &query).await?;
                    ::std::result::Result::Ok::<_, ::app::error::ApiError>(#encoded)
                };
                ::app::cache::CallerCache::answer_encoded(#cache(state.0), caller, cache_control.0.as_deref(), key, load).await
            },
        );
    }
    if a.serde {
        return (
            bytes,
            quote! {
                let page = ::app::model::crud::list_for::<#ident>(&state.db, #principal, &query).await?;
                ::std::result::Result::Ok(#encoded)
            },
        );
    }
    (
        quote! { ::poem_openapi::payload::Json<#page> },
        quote! {
            let page = ::app::model::crud::list_for::<#ident>(&state.db, #principal, &query).await?;
            ::std::result::Result::Ok(::poem_openapi::payload::Json(#page::from(page)))
        },
    )
}

/// The `get` handler (after its doc and `#[oai]` attributes): through `api(cache = ...)` when
/// given.
pub(super) fn get_handler(
    ident: &Ident,
    view: &TokenStream,
    (auth_param, principal): (&TokenStream, &TokenStream),
    (id_ident, id_ty, id_bind): (&Ident, &syn::Type, &TokenStream),
    a: &Api,
) -> TokenStream {
    if let Some(cache) = &a.cache {
        let encoded = encode(a, quote! { #view::from(r) });
        // The policy is `public` or `authenticated` (validated), so one answer per id,
        // encoded once, serves every caller; a missing id is cached as `None` too.
        return quote! {
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
                    ::std::result::Result::Ok(row.map(|r| #encoded))
                };
                #cache(state.0)
                    .get_or_load::<::app::error::AppError, _>(key, load)
                    .await?
                    .ok_or_else(::app::model::crud::not_found::<#ident>)
            }
        };
    }
    let (answer, wrap) = if a.serde {
        (
            quote! { ::app::http::json::JsonBytes<#view> },
            encode(a, quote! { #view::from(row) }),
        )
    } else {
        (
            quote! { ::poem_openapi::payload::Json<#view> },
            quote! { ::poem_openapi::payload::Json(#view::from(row)) },
        )
    };
    quote! {
        async fn get(
            &self,
            state: ::poem::web::Data<&::app::state::AppState>,
            #auth_param
            #id_ident: ::poem_openapi::param::Path<#id_ty>,
        ) -> ::std::result::Result<#answer, ::app::error::ApiError> {
            let dialect = state.db.dialect;
            let row = ::app::model::crud::get_for::<#ident>(&state.db, #principal, #id_bind).await?;
            ::std::result::Result::Ok(#wrap)
        }
    }
}
