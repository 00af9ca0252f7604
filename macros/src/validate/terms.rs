//! Parsing of the attribute strings: policy terms (`owner | flag(is_public)`), filter kinds,
//! sort key lists, and the identifier and display-name rules they share.

use darling::{Error, util::SpannedValue};
use proc_macro2::Span;
use syn::Ident;

use crate::{
    ir::{FilterKind, Term},
    written::{Join, Written},
};

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `SavedBuild` → `Saved build`.
pub(super) fn display_name(ident: &Ident) -> String {
    let mut out = String::new();
    for (i, c) in ident.to_string().chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses `owner | flag(is_public) | admin`: each term with the span its errors point at.
pub(super) fn parse_policy(
    text: &Written,
    errors: &mut darling::error::Accumulator,
) -> Vec<(Term, Span)> {
    let mut out = Vec::new();
    let terms = text.terms(Join::Or);
    if terms.is_empty() {
        errors.push(
            Error::custom("a policy needs at least one term, e.g. \"owner | flag(is_public)\"")
                .with_span(&text.span()),
        );
    }
    for (raw, span) in terms {
        let term = match raw.as_str() {
            "public" => Some(Term::Public),
            "authenticated" => Some(Term::Authenticated),
            "owner" => Some(Term::Owner),
            "admin" => Some(Term::Admin),
            _ => raw
                .strip_prefix("flag(")
                .and_then(|r| r.strip_suffix(')'))
                .map(|f| Term::Flag(f.trim().to_owned())),
        };
        match term {
            Some(t) => out.push((t, span)),
            None => errors.push(
                Error::custom(format!(
                    "unknown policy term `{raw}`; write terms from `public`, `authenticated`, `owner`, `admin` \
                     or `flag(<bool field>)`, joined with `|`, e.g. \"owner | flag(is_public)\""
                ))
                .with_span(&span),
            ),
        }
    }
    out
}

pub(super) fn parse_filters(
    text: &SpannedValue<String>,
    errors: &mut darling::error::Accumulator,
) -> Vec<FilterKind> {
    let mut out = Vec::new();
    for raw in text.split(',').map(str::trim) {
        match raw {
            "eq" => out.push(FilterKind::Eq),
            "contains" => out.push(FilterKind::Contains),
            "range" => out.push(FilterKind::Range),
            "in" => out.push(FilterKind::In),
            _ => errors.push(
                Error::custom(format!(
                    "unknown filter `{raw}`; use \"eq\", \"contains\", \"range\" or \"in\""
                ))
                .with_span(&text.span()),
            ),
        }
    }
    out
}

/// The keys of `sort` or `default_sort`, each with the span its errors point at.
pub(super) fn sort_keys(text: &Written) -> Vec<(String, Span)> {
    text.terms(Join::Comma)
}

pub(super) fn sort_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
