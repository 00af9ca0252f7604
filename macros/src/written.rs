//! A list of terms as the user wrote it: one string (`read = "owner | flag(is_public)"`,
//! `sort = "name, created_at"`) or Rust tokens (`read = owner | flag(is_public)`,
//! `sort = (name, created_at)`, `default_sort = -updated_at`). Both mean the same; a term
//! written as tokens has a span of its own, so an error about it points at that term, where
//! a string's terms can only point at the whole string (a span inside a literal,
//! `Literal::subspan`, is nightly-only).

use darling::FromMeta;
use proc_macro2::Span;
use quote::ToTokens;
use syn::{BinOp, Expr, ExprLit, Lit, UnOp, spanned::Spanned};

/// The terms of one attribute value.
#[derive(Debug, Clone)]
pub enum Written {
    /// A string literal and its span.
    Text(String, Span),
    /// Rust tokens.
    Tokens(Expr),
}

impl FromMeta for Written {
    fn from_expr(expr: &Expr) -> darling::Result<Self> {
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Ok(Self::Text(s.value(), s.span())),
            Expr::Group(g) => Self::from_expr(&g.expr),
            other => Ok(Self::Tokens(other.clone())),
        }
    }
}

/// How a value's terms are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// `a | b` (policies).
    Or,
    /// `a, b`, as tokens a tuple `(a, b)` (sort keys).
    Comma,
}

impl Written {
    /// The span of the whole value.
    pub fn span(&self) -> Span {
        match self {
            Self::Text(_, span) => *span,
            Self::Tokens(expr) => expr.span(),
        }
    }

    /// Each term as text without whitespace (`owner`, `flag(is_public)`, `-updated_at`), with
    /// the span an error about it points at: its own for tokens (a `flag`'s field, a
    /// descending key's name), the string's for text. Empty terms of a string are left out.
    pub fn terms(&self, join: Join) -> Vec<(String, Span)> {
        match self {
            Self::Text(text, span) => text
                .split(match join {
                    Join::Or => '|',
                    Join::Comma => ',',
                })
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| (t.to_owned(), *span))
                .collect(),
            Self::Tokens(expr) => {
                let mut out = Vec::new();
                leaves(expr, join, &mut out);
                out
            }
        }
    }
}

fn leaves(expr: &Expr, join: Join, out: &mut Vec<(String, Span)>) {
    match expr {
        Expr::Binary(b) if join == Join::Or && matches!(b.op, BinOp::BitOr(_)) => {
            leaves(&b.left, join, out);
            leaves(&b.right, join, out);
        }
        Expr::Tuple(t) if join == Join::Comma => {
            for e in &t.elems {
                leaves(e, join, out);
            }
        }
        Expr::Paren(p) => leaves(&p.expr, join, out),
        Expr::Group(g) => leaves(&g.expr, join, out),
        other => {
            let text: String = other
                .to_token_stream()
                .to_string()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            // The part an error is about: a flag's field, a descending key's name.
            let span = match other {
                Expr::Call(c) if c.args.len() == 1 => c.args[0].span(),
                Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => u.expr.span(),
                _ => other.span(),
            };
            out.push((text, span));
        }
    }
}
