//! One field's `#[model(...)]`: its storage, role, filters and validation, each rule checked
//! with a spanned error.

use darling::Error;
use syn::{GenericArgument, Lit, PathArguments, Type};

use super::{
    RESERVED_PARAMS,
    terms::{is_identifier, parse_filters},
};
use crate::{
    ir::{Field, FilterKind, Role, Storage, Validate},
    parse::FieldOpts,
};

/// `T` if `ty` is `Option<T>`.
fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

pub(super) fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn lit_number(lit: &Lit, errors: &mut darling::error::Accumulator) -> Option<String> {
    match lit {
        Lit::Int(i) => Some(i.base10_digits().to_owned()),
        Lit::Float(f) => Some(f.base10_digits().to_owned()),
        other => {
            errors.push(
                Error::custom("`range` bounds are numbers, e.g. range(min = 0, max = 3600)")
                    .with_span(other),
            );
            None
        }
    }
}

pub(super) fn field(opts: FieldOpts, errors: &mut darling::error::Accumulator) -> Option<Field> {
    let ident = opts.ident?;
    let option = option_inner(&opts.ty);
    let storage = match (opts.json.is_present(), opts.enumeration.is_present()) {
        (true, true) => {
            errors.push(
                Error::custom("a field is either `json` or `enum`, not both")
                    .with_span(&opts.json.span()),
            );
            Storage::Json
        }
        (true, false) => Storage::Json,
        (false, true) => Storage::Enum,
        _ => Storage::Column,
    };
    let roles = [
        (
            opts.id.is_present(),
            Role::Id {
                generated: !opts.provided.is_present(),
            },
            opts.id.span(),
        ),
        (opts.owner.is_present(), Role::Owner, opts.owner.span()),
        (
            opts.created_at.is_present(),
            Role::CreatedAt,
            opts.created_at.span(),
        ),
        (
            opts.updated_at.is_present(),
            Role::UpdatedAt,
            opts.updated_at.span(),
        ),
    ];
    let mut present = roles.iter().filter(|r| r.0);
    let role = present.next().map_or(Role::Data, |r| r.1);
    if let Some(extra) = present.next() {
        errors.push(
            Error::custom("a field has one role: `id`, `owner`, `created_at` or `updated_at`")
                .with_span(&extra.2),
        );
    }
    if opts.provided.is_present() && !opts.id.is_present() {
        errors.push(
            Error::custom("`provided` qualifies `id`: write #[model(id, provided)]")
                .with_span(&opts.provided.span()),
        );
    }
    if role == Role::Owner && last_segment(&opts.ty).as_deref() != Some("Uuid") {
        errors.push(
            Error::custom(format!(
                "#[model(owner)] marks the owning user's id, so `{ident}` must be a `Uuid` (the users table's key); \
                 put `owner` on the field that holds the user id"
            ))
            .with_span(&opts.owner.span()),
        );
    }
    if matches!(role, Role::Id { generated: true })
        && last_segment(&opts.ty).as_deref() != Some("Uuid")
    {
        errors.push(
            Error::custom(format!(
                "a generated id must be a `Uuid`; for a key the client chooses write #[model(id, provided)] on `{ident}`"
            ))
            .with_span(&opts.id.span()),
        );
    }
    if storage != Storage::Column && matches!(role, Role::Id { .. } | Role::Owner) {
        errors.push(
            Error::custom("keys and owners are plain columns, not `json` or `enum`")
                .with_span(&ident),
        );
    }
    let filters = opts
        .filter
        .as_ref()
        .map(|f| parse_filters(f, errors))
        .unwrap_or_default();
    if let Some(f) = &opts.filter {
        if filters.contains(&FilterKind::Eq) && filters.contains(&FilterKind::Contains) {
            errors.push(
                Error::custom(format!(
                    "`eq` and `contains` would both be the list parameter `{ident}`; keep one of them"
                ))
                .with_span(&f.span()),
            );
        }
        if storage == Storage::Json {
            errors.push(
                Error::custom(format!(
                    "`{ident}` is stored as JSON and cannot be filtered; remove the filter or keep the value in a column of its own"
                ))
                .with_span(&f.span()),
            );
        }
        if RESERVED_PARAMS.contains(&ident.to_string().as_str()) {
            errors.push(
                Error::custom(format!(
                    "a filter on `{ident}` would clash with the list parameter of that name"
                ))
                .with_span(&f.span()),
            );
        }
        if opts.hidden.is_present() {
            errors.push(Error::custom("a hidden field cannot be filtered").with_span(&f.span()));
        }
    }
    let mut validate = Validate::default();
    if let Some(v) = opts.validate {
        if let Some(l) = v.length {
            validate.min_length = l.min;
            validate.max_length = l.max;
        }
        if let Some(r) = v.range {
            validate.minimum = r.min.as_ref().and_then(|l| lit_number(l, errors));
            validate.maximum = r.max.as_ref().and_then(|l| lit_number(l, errors));
        }
        validate.max_items = v.max_items;
        validate.min_items = v.min_items;
        validate.pattern = v.pattern.and_then(|p| match pattern_error(&p) {
            // poem-openapi's validator compiles it with `Regex::new(..).unwrap()` on each
            // check: a pattern the regex crate refuses must fail the build, not a request.
            Some(e) => {
                errors.push(
                    Error::custom(format!(
                        "`pattern` is not a regular expression the regex crate accepts: {e}"
                    ))
                    .with_span(&p.span()),
                );
                None
            }
            None => Some(p.into_inner()),
        });
        validate.email = v.email.is_present();
        validate.custom = v.custom;
    }
    let references = opts.references.as_ref().and_then(|r| {
        let parsed = r.split_once('(').and_then(|(t, c)| c.strip_suffix(')').map(|c| (t.trim(), c.trim())));
        match parsed {
            Some((t, c)) if is_identifier(t) && is_identifier(c) => Some(format!("{t} ({c})")),
            _ => {
                errors.push(Error::custom("`references` names a table and column: references = \"combat_runs(run_id)\"").with_span(&r.span()));
                None
            }
        }
    });
    let mut docs = opts.attrs;
    docs.retain(|a| a.path().is_ident("doc"));
    Some(Field {
        references,
        ident,
        ty: opts.ty,
        option_inner: option,
        docs,
        storage,
        role,
        filters,
        validate,
        hidden: opts.hidden.is_present(),
        read_only: opts.read_only.is_present(),
        default: opts.default.is_present(),
        immutable: opts.immutable.is_present(),
    })
}

/// Why the regex crate would refuse `pattern` (its syntax, with the default flags `Regex::new`
/// uses), if it would: the error's kind, e.g. "unclosed group".
fn pattern_error(pattern: &str) -> Option<String> {
    regex_syntax::Parser::new()
        .parse(pattern)
        .err()
        .map(|e| match e {
            regex_syntax::Error::Parse(e) => e.kind().to_string(),
            regex_syntax::Error::Translate(e) => e.kind().to_string(),
            other => other.to_string(),
        })
}
