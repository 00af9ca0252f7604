//! `<M>Api`: the poem-openapi CRUD endpoints the model asked for. Each handler extracts,
//! authorizes through `app::model::crud` (policy in SQL), and maps to the view type.

mod cached;
mod page;
mod params;

use proc_macro2::TokenStream;
use quote::quote;

use super::{bind_inner, suffixed};
use crate::ir::{Api, Model, Role, Term};

use params::{Access, auth, filters, plural_of};
pub fn expand(m: &Model, a: &Api) -> (TokenStream, TokenStream) {
    let ident = &m.ident;
    let vis = &m.vis;
    let docs = &m.docs;
    let (api, tags, page, create, update) = (
        suffixed(m, "Api"),
        suffixed(m, "Tags"),
        suffixed(m, "Page"),
        suffixed(m, "Create"),
        suffixed(m, "Update"),
    );
    // The response type: the generated view, or the projection `api(view = ...)` names.
    let view = match &a.view {
        Some(path) => quote! { #path },
        None => {
            let v = suffixed(m, "View");
            quote! { #v }
        }
    };
    let (created, deleted) = (suffixed(m, "Created"), suffixed(m, "Deleted"));
    let tag = &a.tag;
    // `tag = "crate::http::ApiTags::Features"` names an existing `Tags` variant (shared with
    // hand-written endpoints); a plain name gets a tag of its own, described by the model docs.
    let shared_tag = tag.contains("::");
    let tag_path = if shared_tag {
        tag.clone()
    } else {
        format!("{tags}::Tag")
    };
    let tags_enum = if shared_tag {
        quote! {}
    } else {
        quote! {
            #[doc(hidden)]
            #[derive(Debug, ::poem_openapi::Tags)]
            #vis enum #tags {
                #(#docs)*
                #[oai(rename = #tag)]
                Tag,
            }
        }
    };
    let base = &a.path;
    let id = m.id_field();
    let id_name = id.ident.to_string();
    let id_ident = &id.ident;
    let id_ty = &id.ty;
    let item_path = format!("{base}/:{id_name}");
    let snake = &a.name;
    let plural = plural_of(&m.display.to_lowercase());
    let single = m.display.to_lowercase();
    let page_default = a.page_default;
    let page_max = a.page_max;
    let page_max_str = page_max.to_string();
    let default_fn = format!("{api}::__page_default");
    let id_bind = bind_inner(id, quote! { &#id_ident.0 });
    // The order a list has without `sort`, as `sort` would spell it.
    let default_order = m
        .default_sort
        .iter()
        .map(|(col, desc)| format!("`{}{col}`", if *desc { "-" } else { "" }))
        .collect::<Vec<_>>()
        .join(", then ");
    let default_order = if default_order.is_empty() {
        String::new()
    } else {
        format!(" Without it: {default_order}.")
    };
    let sort_doc = if m.sorts.is_empty() {
        format!("Not sortable: rows come in their default order.{default_order}")
    } else {
        format!(
            "Sort key: one of {}; a leading `-` sorts descending.{default_order}",
            m.sorts.join(", ")
        )
    };
    // The keys, stated in the schema as a pattern, so a client knows them before it asks;
    // not sortable: only the empty string (the list's default order).
    let sort_pattern = format!("^-?(?:{})$", m.sorts.join("|"));
    let sort_pattern = if m.sorts.is_empty() {
        "^$".to_owned()
    } else {
        sort_pattern
    };
    // Checked with the process's compiled copy of the pattern (`app::model::Sort`), not
    // poem-openapi's `pattern` validator, which compiles it on every request.
    let sort_keys = suffixed(m, "SortKeys");

    let mut ops = Vec::new();
    if a.ops.list {
        let (auth_param, principal) = auth(&m.read, Access::Read);
        let (mut filter_params, mut filter_pushes) = filters(m, a);
        if !a.search.is_empty() {
            let cols = &a.search;
            let doc = format!(
                "Only rows with this text in any of {} (case-insensitive; `%` and `_` match literally).",
                cols.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let name = a.param_name("search");
            filter_params.push(quote! { #[doc = #doc] #[oai(name = #name, validator(min_length = 2, max_length = 200))] search: ::poem_openapi::param::Query<::std::option::Option<::std::string::String>>, });
            filter_pushes.push(quote! { if let ::std::option::Option::Some(v) = search.0 { filters.push(::app::model::Filter::AnyContains(&[#(#cols),*], v)); } });
        }
        let summary = format!("List {plural}");
        let detail = format!(
            "One page of the {plural} you may read, filtered and sorted. `total` counts every match; `has_more` says whether another page follows."
        );
        let op_id = format!("list_{}", plural_of(snake));
        let limit_doc = format!("Page size, 1–{page_max} (default {page_default}).");
        let (answer, load) = cached::list_body(ident, &page, &principal, a, &op_id);
        if a.caller_cache.is_some() {
            filter_params.push(quote! {
                /// `no-cache` (or `no-store`, `max-age=0`) for an answer read now rather than one
                /// kept for you in the cache; your own writes drop your kept answers either way.
                #[oai(name = "Cache-Control")]
                cache_control: ::poem_openapi::param::Header<::std::option::Option<::std::string::String>>,
            });
        }
        ops.push(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #detail]
            #[oai(path = #base, method = "get", operation_id = #op_id)]
            async fn list(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                #auth_param
                #[doc = #limit_doc]
                #[oai(default = #default_fn, validator(minimum(value = "1"), maximum(value = #page_max_str)))]
                limit: ::poem_openapi::param::Query<u32>,
                /// Rows to skip (0 or more).
                #[oai(default)]
                offset: ::poem_openapi::param::Query<u64>,
                #[doc = #sort_doc]
                sort: ::poem_openapi::param::Query<::std::option::Option<::app::model::Sort<#sort_keys>>>,
                #(#filter_params)*
            ) -> ::std::result::Result<#answer, ::app::error::ApiError> {
                let dialect = state.db.dialect;
                let _ = dialect;
                let mut filters = ::std::vec::Vec::new();
                #(#filter_pushes)*
                let query = ::app::model::ListQuery { filters, sort: sort.0.map(::app::model::Sort::into_inner), limit: limit.0, offset: offset.0 };
                #load
            }
        });
    }
    if a.ops.get {
        let (auth_param, principal) = auth(&m.read, Access::Read);
        let summary = format!("Get one {single}");
        let anyone = m
            .read
            .iter()
            .all(|t| matches!(t, Term::Public | Term::Authenticated));
        let detail = if anyone {
            "404 when it does not exist."
        } else {
            "404 when it does not exist or you may not read it (the two are indistinguishable)."
        };
        let op_id = format!("get_{snake}");
        let handler = cached::get_handler(
            ident,
            &view,
            (&auth_param, &principal),
            (id_ident, id_ty, &id_bind),
            a,
        );
        ops.push(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #detail]
            #[oai(path = #item_path, method = "get", operation_id = #op_id)]
            #handler
        });
    }
    if a.ops.create {
        let (auth_param, principal) = auth(&m.create, Access::Write);
        let summary = format!("Create a {single}");
        let detail = "Answers 201 with the stored resource and its `Location`. Every invalid field is listed in one 422.".to_owned();
        let op_id = format!("create_{snake}");
        ops.push(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #detail]
            #[oai(path = #base, method = "post", operation_id = #op_id)]
            async fn create(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                request: &::poem::Request,
                #auth_param
                body: ::app::http::json::JsonBody<#create>,
            ) -> ::std::result::Result<#created, ::app::error::ApiError> {
                let principal: ::std::option::Option<::app::model::Caller> = #principal;
                let errors = body.0.__check();
                if !errors.is_empty() {
                    return ::std::result::Result::Err(::app::error::ApiError::validation(errors));
                }
                let now = ::app::model::column::truncate_to_millis(::chrono::Utc::now());
                let row = #ident::__from_create(body.0, principal.map(|p| p.user_id), now);
                let row = ::app::model::write::create::<#ident, ::app::state::AppState>(&state.db, state.0, principal, row).await?;
                // The collection's own URL, as the client called it (whatever the API prefix).
                let location = ::std::format!("{}/{}", request.original_uri().path().trim_end_matches('/'), row.#id_ident);
                ::std::result::Result::Ok(#created::Created(::poem_openapi::payload::Json(#view::from(row)), location))
            }
        });
    }
    if a.ops.update {
        let (auth_param, principal) = auth(&m.write, Access::Write);
        let summary = format!("Update a {single}");
        let detail = "Partial update: send only the fields to change; `null` clears an optional field. 404 when you may not read it, 403 when you may read but not change it.".to_owned();
        let op_id = format!("update_{snake}");
        ops.push(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #detail]
            #[oai(path = #item_path, method = "patch", operation_id = #op_id)]
            async fn update(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                #auth_param
                #id_ident: ::poem_openapi::param::Path<#id_ty>,
                body: ::app::http::json::JsonBody<#update>,
            ) -> ::std::result::Result<::poem_openapi::payload::Json<#view>, ::app::error::ApiError> {
                let dialect = state.db.dialect;
                let errors = body.0.__check();
                if !errors.is_empty() {
                    return ::std::result::Result::Err(::app::error::ApiError::validation(errors));
                }
                let now = ::app::model::column::truncate_to_millis(::chrono::Utc::now());
                let body = body.0;
                let row = ::app::model::write::update::<#ident, ::app::state::AppState>(&state.db, state.0, #principal, #id_bind, move |row| {
                    row.__apply_update(body, now);
                    ::std::result::Result::Ok(())
                }).await?;
                ::std::result::Result::Ok(::poem_openapi::payload::Json(#view::from(row)))
            }
        });
    }
    if a.ops.replace {
        let (auth_param, principal) = auth(&m.write, Access::Write);
        let summary = format!("Replace a {single}");
        let same_id = if matches!(id.role, Role::Id { generated: false }) {
            format!(" The body's `{id_name}` must equal the path's (422 otherwise).")
        } else {
            String::new()
        };
        let detail = format!(
            "Full replacement: the body is the create body, and every field it leaves out takes its default.{same_id} 404 when you may not read it, 403 when you may read but not change it."
        );
        let op_id = format!("replace_{snake}");
        let id_check = if matches!(id.role, Role::Id { generated: false }) {
            quote! {
                if body.0.#id_ident != #id_ident.0 {
                    return ::std::result::Result::Err(::app::error::ApiError::validation(::std::vec![
                        ::app::error::FieldError::new(#id_name, "must equal the id in the path"),
                    ]));
                }
            }
        } else {
            quote! {}
        };
        ops.push(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #detail]
            #[oai(path = #item_path, method = "put", operation_id = #op_id)]
            async fn replace(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                #auth_param
                #id_ident: ::poem_openapi::param::Path<#id_ty>,
                body: ::app::http::json::JsonBody<#create>,
            ) -> ::std::result::Result<::poem_openapi::payload::Json<#view>, ::app::error::ApiError> {
                let dialect = state.db.dialect;
                #id_check
                let errors = body.0.__check();
                if !errors.is_empty() {
                    return ::std::result::Result::Err(::app::error::ApiError::validation(errors));
                }
                let now = ::app::model::column::truncate_to_millis(::chrono::Utc::now());
                let body = body.0;
                let row = ::app::model::write::update::<#ident, ::app::state::AppState>(&state.db, state.0, #principal, #id_bind, move |row| {
                    row.__replace(body, now);
                    ::std::result::Result::Ok(())
                }).await?;
                ::std::result::Result::Ok(::poem_openapi::payload::Json(#view::from(row)))
            }
        });
    }
    if a.ops.delete {
        let (auth_param, principal) = auth(&m.write, Access::Write);
        let summary = format!("Delete a {single}");
        let detail = "204 when deleted. 404 when you may not read it, 403 when you may read but not delete it.".to_owned();
        let op_id = format!("delete_{snake}");
        ops.push(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #detail]
            #[oai(path = #item_path, method = "delete", operation_id = #op_id)]
            async fn delete(
                &self,
                state: ::poem::web::Data<&::app::state::AppState>,
                #auth_param
                #id_ident: ::poem_openapi::param::Path<#id_ty>,
            ) -> ::std::result::Result<#deleted, ::app::error::ApiError> {
                let dialect = state.db.dialect;
                ::app::model::write::delete::<#ident, ::app::state::AppState>(&state.db, state.0, #principal, #id_bind).await?;
                ::std::result::Result::Ok(#deleted::Deleted)
            }
        });
    }

    let view_name = ident.to_string();
    let (page_items, page_from) = page::page(m, a, &page, &view);
    let api_doc = format!(
        "Generated CRUD API for `{view_name}` (`#[derive(Model)]`); add it to the `OpenApiService` tuple."
    );
    let sort_keys_items = if a.ops.list {
        quote! {
            #[doc(hidden)]
            #[derive(Debug)]
            #vis struct #sort_keys;

            impl ::app::model::SortKeys for #sort_keys {
                const PATTERN: &'static str = #sort_pattern;
            }
        }
    } else {
        quote! {}
    };
    let items = quote! {
        #[doc = #api_doc]
        #[derive(Debug, Default)]
        #vis struct #api;

        #tags_enum

        #page_items

        #sort_keys_items

        #[doc(hidden)]
        #[derive(Debug, ::poem_openapi::ApiResponse)]
        #vis enum #created {
            /// Created; `Location` is its URL.
            #[oai(status = 201)]
            Created(::poem_openapi::payload::Json<#view>, #[oai(header = "Location")] ::std::string::String),
        }

        #[doc(hidden)]
        #[derive(Debug, ::poem_openapi::ApiResponse)]
        #vis enum #deleted {
            /// Deleted.
            #[oai(status = 204)]
            Deleted,
        }

        #[allow(clippy::too_many_arguments)] // one query parameter per declared filter
        #[::poem_openapi::OpenApi(tag = #tag_path)]
        impl #api {
            #(#ops)*
        }
    };
    let impls = quote! {
        impl #api {
            #[doc(hidden)]
            pub fn __page_default() -> u32 { #page_default }
        }

        #page_from
    };
    (items, impls)
}
