//! The list's page body `<M>Page` (with its example when the model has one) and its
//! conversion from `app::model::Page`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::ir::{Api, Model};

/// (the `<M>Page` struct, its `From<Page<M>>` and `Example` impls); empty without a list.
pub(super) fn page(
    m: &Model,
    a: &Api,
    page: &Ident,
    view: &TokenStream,
) -> (TokenStream, TokenStream) {
    let ident = &m.ident;
    let vis = &m.vis;
    let list_key = &a.list_key;
    let page_name = &a.page_schema;
    // `api(serde)`: the list writes its page with serde, straight to bytes.
    let serialize = if a.serde {
        quote! { , ::serde::Serialize }
    } else {
        quote! {}
    };
    let page_default = a.page_default;
    let view_name = ident.to_string();
    let (page_example_flag, page_example) = if m.example.is_some() {
        (
            quote! { , example },
            quote! {
                #[automatically_derived]
                impl ::poem_openapi::types::Example for #page {
                    fn example() -> Self {
                        let item = <#view as ::poem_openapi::types::Example>::example();
                        Self { #list_key: ::std::vec![item], total: 1, limit: #page_default, offset: 0, has_more: false }
                    }
                }
            },
        )
    } else {
        (quote! {}, quote! {})
    };
    let (page_items, page_from) = if a.ops.list {
        (
            quote! {
            #[doc = ::std::concat!("A page of ", #view_name, " rows.")]
            #[derive(Debug, Clone, ::poem_openapi::Object #serialize)]
            #[oai(rename = #page_name #page_example_flag)]
            #vis struct #page {
                /// The rows of this page.
                pub #list_key: ::std::vec::Vec<#view>,
                /// Rows matching the filters, over all pages.
                pub total: u64,
                /// Page size used.
                pub limit: u32,
                /// Rows skipped.
                pub offset: u64,
                /// Whether another page follows.
                pub has_more: bool,
            }

                },
            quote! {
            #[automatically_derived]
            impl ::std::convert::From<::app::model::Page<#ident>> for #page {
                fn from(p: ::app::model::Page<#ident>) -> Self {
                    let has_more = p.has_more();
                    Self { #list_key: p.items.into_iter().map(#view::from).collect(), total: p.total, limit: p.limit, offset: p.offset, has_more }
                }
            }
            #page_example
                },
        )
    } else {
        (quote! {}, quote! {})
    };
    (page_items, page_from)
}
