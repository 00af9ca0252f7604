//! `impl app::model::Model`: metadata, row encoding and decoding.

use proc_macro2::TokenStream;
use quote::quote;

use super::bind_inner;
use crate::ir::{FilterKind, Model, Role, Storage, Term};

pub fn terms(terms: &[Term]) -> TokenStream {
    let items = terms.iter().map(|t| match t {
        Term::Public => quote! { ::app::model::Term::Public },
        Term::Authenticated => quote! { ::app::model::Term::Authenticated },
        Term::Owner => quote! { ::app::model::Term::Owner },
        Term::Admin => quote! { ::app::model::Term::Admin },
        Term::Flag(f) => quote! { ::app::model::Term::Flag(#f) },
    });
    quote! { ::app::model::Policy { terms: &[#(#items),*] } }
}

fn meta(m: &Model) -> TokenStream {
    let name = m.ident.to_string();
    let display = &m.display;
    let table = &m.table;
    let columns = m.fields.iter().map(|f| {
        let col = f.ident.to_string();
        let ty = &f.ty;
        let (sql_type, nullable) = match f.storage {
            Storage::Column => (
                quote! { <#ty as ::app::model::ColumnType>::SQL_TYPE },
                quote! { <#ty as ::app::model::ColumnType>::NULLABLE },
            ),
            Storage::Json => {
                let n = f.option_inner.is_some();
                (quote! { ::app::model::SqlType::Json }, quote! { #n })
            }
            Storage::Enum => {
                let n = f.option_inner.is_some();
                (quote! { ::app::model::SqlType::Text }, quote! { #n })
            }
        };
        let role = match f.role {
            Role::Id { .. } => quote! { Id },
            Role::Owner => quote! { Owner },
            Role::CreatedAt => quote! { CreatedAt },
            Role::UpdatedAt => quote! { UpdatedAt },
            Role::Data => quote! { Data },
        };
        let indexed = f.filters.iter().any(|k| *k != FilterKind::Contains);
        let references = match &f.references {
            Some(r) => quote! { ::std::option::Option::Some(#r) },
            None => quote! { ::std::option::Option::None },
        };
        quote! {
            ::app::model::ColumnMeta {
                name: #col, sql_type: #sql_type, nullable: #nullable,
                role: ::app::model::ColumnRole::#role, indexed: #indexed, references: #references,
            }
        }
    });
    let select_list = m
        .fields
        .iter()
        .map(|f| f.ident.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let id = m.id_field().ident.to_string();
    let owner = match m.owner_field() {
        Some(f) => {
            let o = f.ident.to_string();
            quote! { ::std::option::Option::Some(#o) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let (read, create, write) = (terms(&m.read), terms(&m.create), terms(&m.write));
    let filters = m.fields.iter().flat_map(|f| {
        let col = f.ident.to_string();
        f.filters.iter().map(move |k| {
            let kind = match k {
                FilterKind::Eq => quote! { Eq },
                FilterKind::Contains => quote! { Contains },
                FilterKind::Range => quote! { Range },
                FilterKind::In => quote! { In },
            };
            quote! { (#col, ::app::model::FilterKind::#kind) }
        })
    });
    let sorts = &m.sorts;
    let default_sort = m
        .default_sort
        .iter()
        .map(|(c, d)| quote! { ::app::model::SortKey { column: #c, desc: #d } });
    let (page_default, page_max) = m
        .api
        .as_ref()
        .map_or((50, 100), |a| (a.page_default, a.page_max));
    quote! {
        &::app::model::ModelMeta {
            name: #name, display: #display, table: #table,
            columns: &[#(#columns),*],
            select_list: #select_list,
            id: #id, owner: #owner,
            read: #read, create: #create, write: #write,
            filters: &[#(#filters),*],
            sorts: &[#(#sorts),*],
            default_sort: &[#(#default_sort),*],
            page_default: #page_default, page_max: #page_max,
        }
    }
}

pub fn expand(m: &Model) -> TokenStream {
    let ident = &m.ident;
    let meta = meta(m);
    let to_values = m.fields.iter().map(|f| {
        let fi = &f.ident;
        match (f.storage, &f.option_inner) {
            (Storage::Column, _) => {
                let ty = &f.ty;
                quote! { <#ty as ::app::model::ColumnType>::to_value(&self.#fi, dialect) }
            }
            (_, Some(_)) => {
                let bind = bind_inner(f, quote! { v });
                quote! { match &self.#fi { ::std::option::Option::Some(v) => #bind, ::std::option::Option::None => ::rbs::Value::Null } }
            }
            (_, None) => bind_inner(f, quote! { &self.#fi }),
        }
    });
    let from_row = m.fields.iter().enumerate().map(|(index, f)| {
        let fi = &f.ident;
        let col = fi.to_string();
        let ty = &f.ty;
        let inner = f.inner_ty();
        let decode_inner = match f.storage {
            Storage::Column => quote! { <#ty as ::app::model::ColumnType>::from_value },
            Storage::Json => quote! { ::app::model::column::json_from_value::<#inner> },
            Storage::Enum => quote! { ::app::model::column::enum_from_value::<#inner> },
        };
        let decode = match (f.storage, &f.option_inner) {
            (Storage::Column, _) | (_, None) => decode_inner,
            (_, Some(_)) => quote! {
                |v: ::rbs::Value| if v.is_null() { ::std::result::Result::Ok(::std::option::Option::None) } else { #decode_inner(v).map(::std::option::Option::Some) }
            },
        };
        quote! { #fi: row.take(#index, #col, #decode)? }
    });
    let id = m.id_field();
    let id_bind = bind_inner(id, {
        let fi = &id.ident;
        quote! { &self.#fi }
    });
    let owner = match m.owner_field() {
        Some(f) => {
            let fi = &f.ident;
            quote! { ::std::option::Option::Some(self.#fi) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let flags = m.read.iter().chain(&m.write).filter_map(|t| match t {
        Term::Flag(f) => Some(f.clone()),
        _ => None,
    });
    let mut seen = Vec::new();
    let flag_arms: Vec<TokenStream> = flags
        .filter(|f| {
            let new = !seen.contains(f);
            seen.push(f.clone());
            new
        })
        .map(|f| {
            let fi = syn::Ident::new(&f, m.span);
            quote! { #f => self.#fi, }
        })
        .collect();
    quote! {
        #[automatically_derived]
        impl ::app::model::Model for #ident {
            const META: &'static ::app::model::ModelMeta = #meta;

            fn to_values(&self, dialect: ::app::db::Dialect) -> ::std::vec::Vec<::rbs::Value> {
                ::std::vec![#(#to_values),*]
            }

            fn from_row(row: ::rbs::Value) -> ::std::result::Result<Self, ::app::model::column::DecodeError> {
                let mut row = ::app::model::Row::new(row)?;
                ::std::result::Result::Ok(Self { #(#from_row),* })
            }

            fn id_value(&self, dialect: ::app::db::Dialect) -> ::rbs::Value {
                #id_bind
            }

            fn owner_id(&self) -> ::std::option::Option<::uuid::Uuid> {
                #owner
            }

            fn flag(&self, column: &str) -> bool {
                let _ = column;
                match column { #(#flag_arms)* _ => false }
            }
        }
    }
}
