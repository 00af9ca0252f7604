//! The wire types: `<M>View` (responses), `<M>Create`, `<M>Update` (partial patch), with the
//! field docs forwarded and validators emitted as poem-openapi validators (so they are in the
//! spec and checked by `JsonBody`), plus `email`/`custom` checks and the conversions.

use proc_macro2::TokenStream;
use quote::quote;

use super::suffixed;
use crate::ir::{Field, Model, Role, Storage};

fn validators(f: &Field) -> TokenStream {
    let v = &f.validate;
    let mut parts = Vec::new();
    if let Some(n) = v.min_length {
        parts.push(quote! { min_length = #n });
    }
    if let Some(n) = v.max_length {
        parts.push(quote! { max_length = #n });
    }
    if let Some(n) = &v.minimum {
        parts.push(quote! { minimum(value = #n) });
    }
    if let Some(n) = &v.maximum {
        parts.push(quote! { maximum(value = #n) });
    }
    if let Some(n) = v.max_items {
        parts.push(quote! { max_items = #n });
    }
    if let Some(n) = v.min_items {
        parts.push(quote! { min_items = #n });
    }
    if let Some(p) = &v.pattern {
        parts.push(quote! { pattern = #p });
    }
    if parts.is_empty() {
        quote! {}
    } else {
        quote! { #[oai(validator(#(#parts),*))] }
    }
}

/// `email`/`custom` checks on `value` (an expression of type `&Inner`).
fn checks(f: &Field, value: TokenStream) -> TokenStream {
    let name = f.ident.to_string();
    let mut out = Vec::new();
    if f.validate.email {
        out.push(quote! {
            if let ::std::result::Result::Err(m) = ::app::model::validate::email(#value) {
                errors.push(::app::error::FieldError::new(#name, m));
            }
        });
    }
    if let Some(path) = &f.validate.custom {
        out.push(quote! {
            if let ::std::result::Result::Err(m) = #path(#value) {
                errors.push(::app::error::FieldError::new(#name, m));
            }
        });
    }
    quote! { #(#out)* }
}

/// The `#[serde(...)]` of a view field, so that serde writes what `ToJSON` does: text,
/// integers, booleans and UUIDs (and options of them) are the same either way; a timestamp
/// goes through `rfc3339` (`+00:00`, where serde's chrono writes `Z`); a float that is not a
/// number is left out, as `ToJSON` leaves it; plain JSON columns (`serde_json::Value`,
/// `JsonObject`) are written as they are; everything else (enums, typed JSON columns, options
/// of those) goes through its own `ToJSON`.
fn serde_with(f: &Field) -> TokenStream {
    let same = [
        "String", "bool", "i16", "i32", "i64", "u16", "u32", "u64", "Uuid",
    ];
    let last = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    // `None` is `null` either way, so an option of such a type is the same too.
    match (f.storage, last(f.inner_ty())) {
        (Storage::Column, Some(t)) if same.contains(&t.as_str()) => quote! {},
        // A finite float is the same either way; `ToJSON` leaves out one JSON cannot hold.
        (Storage::Column, Some(t)) if t == "f64" || t == "f32" => {
            quote! { #[serde(skip_serializing_if = "::app::http::json::not_a_json_number")] }
        }
        (Storage::Column, Some(t)) if t == "DateTime" && f.option_inner.is_none() => {
            quote! { #[serde(serialize_with = "::app::http::json::rfc3339")] }
        }
        // A JSON column holding plain JSON (`serde_json::Value`, `JsonObject`) is written as it
        // is, not cloned into a tree first.
        (Storage::Json, Some(t)) if t == "Value" || t == "JsonObject" => quote! {},
        _ => quote! { #[serde(serialize_with = "::app::http::json::via_to_json")] },
    }
}

pub fn expand(m: &Model) -> (TokenStream, TokenStream) {
    let ident = &m.ident;
    let vis = &m.vis;
    let model_docs = &m.docs;
    let (view, create, update) = (
        suffixed(m, "View"),
        suffixed(m, "Create"),
        suffixed(m, "Update"),
    );
    let (view_name, create_name, update_name) =
        (ident.to_string(), create.to_string(), update.to_string());

    let visible: Vec<&Field> = m.fields.iter().filter(|f| !f.hidden).collect();
    // `api(serde)`: the view is written by serde too, each field exactly as its `ToJSON`.
    let serde = m.api.as_ref().is_some_and(|a| a.serde);
    let view_fields = visible.iter().map(|f| {
        let (fi, ty, docs) = (&f.ident, &f.ty, &f.docs);
        let with = if serde {
            serde_with(f)
        } else {
            quote! {}
        };
        quote! { #(#docs)* #with pub #fi: #ty }
    });
    let view_serialize = if serde {
        quote! { , ::serde::Serialize }
    } else {
        quote! {}
    };
    let view_from = visible.iter().map(|f| {
        let fi = &f.ident;
        quote! { #fi: m.#fi }
    });

    let creatable: Vec<&Field> = m.fields.iter().filter(|f| f.in_create()).collect();
    let create_fields = creatable.iter().map(|f| {
        let (fi, ty, docs) = (&f.ident, &f.ty, &f.docs);
        let v = validators(f);
        let default = if f.default {
            quote! { #[oai(default)] }
        } else {
            quote! {}
        };
        quote! { #(#docs)* #v #default pub #fi: #ty }
    });
    let create_checks = creatable.iter().map(|f| {
        let fi = &f.ident;
        if f.option_inner.is_some() {
            let c = checks(f, quote! { v });
            quote! { if let ::std::option::Option::Some(v) = &self.#fi { #c } }
        } else {
            checks(f, quote! { &self.#fi })
        }
    });

    let updatable: Vec<&Field> = m.fields.iter().filter(|f| f.in_update()).collect();
    let update_fields = updatable.iter().map(|f| {
        let (fi, docs) = (&f.ident, &f.docs);
        let v = validators(f);
        let ty = match &f.option_inner {
            Some(inner) => quote! { ::poem_openapi::types::MaybeUndefined<#inner> },
            None => {
                let ty = &f.ty;
                quote! { ::std::option::Option<#ty> }
            }
        };
        quote! { #(#docs)* #v pub #fi: #ty }
    });
    let update_checks = updatable.iter().map(|f| {
        let fi = &f.ident;
        let c = checks(f, quote! { v });
        if f.option_inner.is_some() {
            quote! { if let ::poem_openapi::types::MaybeUndefined::Value(v) = &self.#fi { #c } }
        } else {
            quote! { if let ::std::option::Option::Some(v) = &self.#fi { #c } }
        }
    });
    let apply = updatable.iter().map(|f| {
        let fi = &f.ident;
        if f.option_inner.is_some() {
            quote! {
                match body.#fi {
                    ::poem_openapi::types::MaybeUndefined::Value(v) => self.#fi = ::std::option::Option::Some(v),
                    ::poem_openapi::types::MaybeUndefined::Null => self.#fi = ::std::option::Option::None,
                    ::poem_openapi::types::MaybeUndefined::Undefined => {}
                }
            }
        } else {
            quote! { if let ::std::option::Option::Some(v) = body.#fi { self.#fi = v; } }
        }
    });
    let touch = m
        .fields
        .iter()
        .filter(|f| f.role == Role::UpdatedAt)
        .map(|f| {
            let fi = &f.ident;
            quote! { self.#fi = now; }
        });
    let replace = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Data && f.in_create() && !f.immutable)
        .map(|f| {
            let fi = &f.ident;
            quote! { self.#fi = body.#fi; }
        });
    let touch_replace = touch.clone();
    let build = m.fields.iter().map(|f| {
        let fi = &f.ident;
        match f.role {
            Role::Id { generated: true } => {
                quote! { #fi: <::uuid::Uuid as ::app::model::GenerateId>::generate() }
            }
            Role::Owner => quote! { #fi: owner.unwrap_or_default() },
            Role::CreatedAt | Role::UpdatedAt => quote! { #fi: now },
            _ if f.in_create() => quote! { #fi: body.#fi },
            _ => quote! { #fi: ::std::default::Default::default() },
        }
    });

    let has_example = if m.example.is_some() {
        quote! { , example }
    } else {
        quote! {}
    };
    let items = quote! {
        #(#model_docs)*
        #[derive(Debug, Clone, ::poem_openapi::Object #view_serialize)]
        #[oai(rename = #view_name #has_example)]
        #vis struct #view { #(#view_fields),* }

        #[doc = ::std::concat!("Body creating a ", #view_name, "; server-set fields (id, owner, timestamps) are not accepted.")]
        #[derive(Debug, Clone, ::poem_openapi::Object)]
        #[oai(rename = #create_name #has_example)]
        #vis struct #create { #(#create_fields),* }

        #[doc = ::std::concat!("Partial update of a ", #view_name, ": absent fields stay as they are; `null` clears an optional field.")]
        #[derive(Debug, Clone, ::poem_openapi::Object)]
        #[oai(rename = #update_name #has_example)]
        #vis struct #update { #(#update_fields),* }
    };
    let examples = m.example.as_ref().map(|path| {
        let create_from = creatable.iter().map(|f| {
            let fi = &f.ident;
            quote! { #fi: m.#fi }
        });
        let update_from = updatable.iter().map(|f| {
            let fi = &f.ident;
            if f.option_inner.is_some() {
                quote! {
                    #fi: match m.#fi {
                        ::std::option::Option::Some(v) => ::poem_openapi::types::MaybeUndefined::Value(v),
                        ::std::option::Option::None => ::poem_openapi::types::MaybeUndefined::Undefined,
                    }
                }
            } else {
                quote! { #fi: ::std::option::Option::Some(m.#fi) }
            }
        });
        quote! {
            #[automatically_derived]
            impl ::poem_openapi::types::Example for #view {
                fn example() -> Self { Self::from(#path()) }
            }
            #[automatically_derived]
            impl ::poem_openapi::types::Example for #create {
                fn example() -> Self { let m: #ident = #path(); Self { #(#create_from),* } }
            }
            #[automatically_derived]
            impl ::poem_openapi::types::Example for #update {
                fn example() -> Self { let m: #ident = #path(); Self { #(#update_from),* } }
            }
        }
    });
    let impls = quote! {
        #[automatically_derived]
        impl ::std::convert::From<#ident> for #view {
            fn from(m: #ident) -> Self { Self { #(#view_from),* } }
        }

        impl #create {
            /// Checks the schema cannot express (`email`, `custom`); empty when valid.
            #[doc(hidden)]
            pub fn __check(&self) -> ::std::vec::Vec<::app::error::FieldError> {
                let mut errors = ::std::vec::Vec::new();
                #(#create_checks)*
                errors
            }
        }

        impl #update {
            /// Checks the schema cannot express (`email`, `custom`); empty when valid.
            #[doc(hidden)]
            pub fn __check(&self) -> ::std::vec::Vec<::app::error::FieldError> {
                let mut errors = ::std::vec::Vec::new();
                #(#update_checks)*
                errors
            }
        }

        impl #ident {
            /// The row a create body makes, with a fresh id, `owner` and timestamps `now`.
            #[doc(hidden)]
            pub fn __from_create(body: #create, owner: ::std::option::Option<::uuid::Uuid>, now: ::chrono::DateTime<::chrono::Utc>) -> Self {
                let _ = (&owner, &now);
                Self { #(#build),* }
            }

            /// Replaces every field the create body carries (not the id, owner, creation time or
            /// `immutable` fields) and bumps `updated_at`.
            #[doc(hidden)]
            pub fn __replace(&mut self, body: #create, now: ::chrono::DateTime<::chrono::Utc>) {
                let _ = (&body, &now);
                #(#replace)*
                #(#touch_replace)*
            }

            /// Applies a partial update and bumps `updated_at`.
            #[doc(hidden)]
            pub fn __apply_update(&mut self, body: #update, now: ::chrono::DateTime<::chrono::Utc>) {
                let _ = (&body, &now);
                #(#apply)*
                #(#touch)*
            }
        }

        #examples
    };
    (items, impls)
}
