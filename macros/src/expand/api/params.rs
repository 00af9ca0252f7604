//! What the handlers are made of: the auth parameter and principal for a policy, the query
//! parameters of the declared filters, and the plural used in summaries and operation ids.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::{
    expand::bind_inner,
    ir::{Api, Field, FilterKind, Model, Term},
};

pub(super) fn is_public(terms: &[Term]) -> bool {
    terms.contains(&Term::Public)
}

/// What an operation does, for the OAuth2 scope it declares.
#[derive(Clone, Copy)]
pub(super) enum Access {
    Read,
    Write,
}

/// (auth parameter, principal expression) for an operation under `terms`. The parameter
/// declares the operation's OAuth2 scope, which the security scheme enforces: `admin` when
/// only administrators pass the policy, otherwise `read` or `write` by what it does.
pub(super) fn auth(terms: &[Term], access: Access) -> (TokenStream, TokenStream) {
    if is_public(terms) {
        return (quote! {}, quote! { ::std::option::Option::None });
    }
    let scope = match (terms, access) {
        ([Term::Admin], _) => "::app::auth::Scope::Admin",
        (_, Access::Read) => "::app::auth::Scope::Read",
        (_, Access::Write) => "::app::auth::Scope::Write",
    };
    (
        quote! { #[oai(scope = #scope)] auth: ::app::auth::Auth, },
        quote! { ::std::option::Option::Some(auth.principal().caller()) },
    )
}

/// A field's doc comment as one line, for the filter parameters on it: `` `col`: its text.``
/// after their own sentence, or nothing without docs.
fn about(col: &str, docs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = docs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }),
                ..
            }) if a.path().is_ident("doc") => Some(s.value().trim().to_owned()),
            _ => None,
        })
        .filter(|l| !l.is_empty())
        .collect();
    let text = lines.join(" ");
    let text = text.trim_end_matches('.');
    if text.is_empty() {
        String::new()
    } else {
        format!(" `{col}`: {text}.")
    }
}

/// `, validator(minimum(…), maximum(…))` from the field's `validate(range(…))`, for the
/// parameters comparing it to a value: a value no row may hold is refused with 400, as it
/// would be in a body.
fn bounds(f: &Field) -> TokenStream {
    let v = &f.validate;
    let mut parts = Vec::new();
    if let Some(n) = &v.minimum {
        parts.push(quote! { minimum(value = #n) });
    }
    if let Some(n) = &v.maximum {
        parts.push(quote! { maximum(value = #n) });
    }
    if parts.is_empty() {
        quote! {}
    } else {
        quote! { , validator(#(#parts),*) }
    }
}

pub(super) fn filters(m: &Model, a: &Api) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut params = Vec::new();
    let mut pushes = Vec::new();
    for f in &m.fields {
        let col = f.ident.to_string();
        let inner = f.inner_ty();
        let about = about(&col, &f.docs);
        let bounds = bounds(f);
        for kind in &f.filters {
            match kind {
                FilterKind::Eq => {
                    let p = format_ident!("{}", col);
                    let name = a.param_name(&col);
                    let doc = format!("Only rows whose `{col}` equals this.{about}");
                    params.push(quote! { #[doc = #doc] #[oai(name = #name #bounds)] #p: ::poem_openapi::param::Query<::std::option::Option<#inner>>, });
                    let bind = bind_inner(f, quote! { &v });
                    pushes.push(quote! { if let ::std::option::Option::Some(v) = #p.0 { filters.push(::app::model::Filter::Eq(#col, #bind)); } });
                }
                FilterKind::Contains => {
                    let p = format_ident!("{}", col);
                    let doc = format!(
                        "Only rows whose `{col}` contains this text (case-insensitive; `%` and `_` match literally).{about}"
                    );
                    let name = a.param_name(&col);
                    params.push(quote! { #[doc = #doc] #[oai(name = #name, validator(min_length = 1, max_length = 200))] #p: ::poem_openapi::param::Query<::std::option::Option<::std::string::String>>, });
                    pushes.push(quote! { if let ::std::option::Option::Some(v) = #p.0 { filters.push(::app::model::Filter::Contains(#col, v)); } });
                }
                FilterKind::Range => {
                    for (prefix, variant, word) in [
                        ("min", quote! { Min }, "at least"),
                        ("max", quote! { Max }, "at most"),
                    ] {
                        let generated = format!("{prefix}_{col}");
                        let p = format_ident!("{}", generated);
                        let name = a.param_name(&generated);
                        let doc = format!("Only rows whose `{col}` is {word} this.{about}");
                        params.push(quote! { #[doc = #doc] #[oai(name = #name #bounds)] #p: ::poem_openapi::param::Query<::std::option::Option<#inner>>, });
                        let bind = bind_inner(f, quote! { &v });
                        pushes.push(quote! { if let ::std::option::Option::Some(v) = #p.0 { filters.push(::app::model::Filter::#variant(#col, #bind)); } });
                    }
                }
                FilterKind::In => {
                    let p = format_ident!("{}_in", col);
                    let doc = format!(
                        "Only rows whose `{col}` is one of these comma-separated values.{about}"
                    );
                    let name = a.param_name(&format!("{col}_in"));
                    params.push(quote! { #[doc = #doc] #[oai(name = #name)] #p: ::poem_openapi::param::Query<::std::option::Option<::std::string::String>>, });
                    let bind = bind_inner(f, quote! { &v });
                    pushes.push(quote! {
                        if let ::std::option::Option::Some(list) = #p.0 {
                            let mut values = ::std::vec::Vec::new();
                            for part in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                                match <#inner as ::poem_openapi::types::ParseFromParameter>::parse_from_parameter(part) {
                                    ::std::result::Result::Ok(v) => values.push(#bind),
                                    ::std::result::Result::Err(_) => return ::std::result::Result::Err(
                                        ::app::model::query::invalid_param(#name, ::std::format!("{part:?} is not a valid value"))),
                                }
                            }
                            filters.push(::app::model::Filter::In(#col, values));
                        }
                    });
                }
            }
        }
    }
    (params, pushes)
}

/// The English plural of a (lower-case) name's last word: `entry` → `entries`, `class` →
/// `classes`, `build` → `builds`; for list summaries and `list_…` operation ids.
pub(super) fn plural_of(name: &str) -> String {
    let consonant_y = name.ends_with('y')
        && !name
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| "aeiou".contains(c));
    if consonant_y {
        format!("{}ies", &name[..name.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|e| name.ends_with(e)) {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals() {
        for (one, many) in [
            ("audit_entry", "audit_entries"),
            ("saved build", "saved builds"),
            ("day", "days"),
            ("gear set", "gear sets"),
            ("class", "classes"),
        ] {
            assert_eq!(super::plural_of(one), many);
        }
    }
}
