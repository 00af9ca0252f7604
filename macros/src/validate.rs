//! Rules across the attributes: every violation is a spanned error with a sentence saying what
//! to write instead, and all of them are reported together.

use darling::{Error, util::SpannedValue};
use proc_macro2::Span;
use syn::{GenericArgument, Ident, Lit, PathArguments, Type};

use crate::{
    ir::{Api, Field, FilterKind, Hooks, Model, Ops, Role, Storage, Term, Validate},
    parse::{FieldOpts, ModelOpts},
};

const RESERVED_PARAMS: &[&str] = &["limit", "offset", "sort", "search"];

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

fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `SavedBuild` → `Saved build`.
fn display_name(ident: &Ident) -> String {
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

/// Parses `owner | flag(is_public) | admin`.
fn parse_policy(
    text: &SpannedValue<String>,
    errors: &mut darling::error::Accumulator,
) -> Vec<Term> {
    let mut out = Vec::new();
    for raw in text.split('|').map(str::trim) {
        let term = match raw {
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
            Some(t) => out.push(t),
            None => errors.push(
                Error::custom(format!(
                    "unknown policy term `{raw}`; write terms from `public`, `authenticated`, `owner`, `admin` \
                     or `flag(<bool field>)`, joined with `|`, e.g. \"owner | flag(is_public)\""
                ))
                .with_span(&text.span()),
            ),
        }
    }
    out
}

fn parse_filters(
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

fn field(opts: FieldOpts, errors: &mut darling::error::Accumulator) -> Option<Field> {
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
        validate.pattern = v.pattern;
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

fn sort_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Resolves and checks the parsed attributes.
///
/// # Errors
/// Every rule violation at once, each spanned at the offending token.
pub fn validate(opts: ModelOpts) -> darling::Result<Model> {
    let mut errors = Error::accumulator();
    let span = opts.ident.span();
    let fields: Vec<Field> = opts
        .data
        .take_struct()
        .map(|s| {
            s.fields
                .into_iter()
                .filter_map(|f| field(f, &mut errors))
                .collect()
        })
        .unwrap_or_default();
    let names: Vec<String> = fields.iter().map(|f| f.ident.to_string()).collect();

    if !is_identifier(&opts.table) {
        errors.push(
            Error::custom(
                "`table` is a lower_snake_case SQL identifier, e.g. table = \"saved_builds\"",
            )
            .with_span(&opts.table.span()),
        );
    }
    let ids = fields
        .iter()
        .filter(|f| matches!(f.role, Role::Id { .. }))
        .count();
    if ids == 0 {
        errors.push(
            Error::custom(format!(
                "model `{}` has no primary key: mark one field #[model(id)] (a generated Uuid) or #[model(id, provided)]",
                opts.ident
            ))
            .with_span(&opts.ident),
        );
    } else if ids > 1 {
        errors.push(Error::custom("only one field may be #[model(id)]").with_span(&opts.ident));
    }
    let has_owner = fields.iter().any(|f| f.role == Role::Owner);

    let mut policy = |text: Option<&SpannedValue<String>>, what: &str| -> Vec<Term> {
        let Some(text) = text else {
            errors.push(
                Error::custom(format!("missing `{what}` policy: add e.g. {what} = \"owner\" or {what} = \"authenticated\" to #[model(...)]"))
                    .with_span(&span),
            );
            return Vec::new();
        };
        let terms = parse_policy(text, &mut errors);
        for t in &terms {
            match t {
                Term::Owner if !has_owner => errors.push(
                    Error::custom("policy term `owner` needs a field marked #[model(owner)]").with_span(&text.span()),
                ),
                Term::Flag(f) if !names.contains(f) => errors.push(
                    Error::custom(format!("`flag({f})` names no field of this model; use a bool field, e.g. flag(is_public)"))
                        .with_span(&text.span()),
                ),
                _ => {}
            }
        }
        terms
    };
    let read = policy(opts.read.as_ref(), "read");
    let write = policy(opts.write.as_ref(), "write");
    let create = match &opts.create {
        Some(c) => {
            let terms = policy(Some(c), "create");
            if terms
                .iter()
                .any(|t| matches!(t, Term::Owner | Term::Flag(_)))
            {
                errors.push(
                    Error::custom("`create` cannot use `owner` or `flag(...)`: no row exists yet; use authenticated, admin or public")
                        .with_span(&c.span()),
                );
            }
            terms
        }
        None => vec![Term::Authenticated],
    };
    if has_owner && create.contains(&Term::Public) {
        errors.push(
            Error::custom(
                "a model with an owner cannot be created anonymously: drop `public` from `create`",
            )
            .with_span(&span),
        );
    }

    let sorts = opts.sort.as_ref().map(|s| sort_list(s)).unwrap_or_default();
    for s in &sorts {
        if !names.contains(s)
            && let Some(text) = &opts.sort
        {
            errors.push(
                Error::custom(format!("sort key `{s}` names no field of this model"))
                    .with_span(&text.span()),
            );
        }
    }
    let mut default_sort = Vec::new();
    if let Some(text) = &opts.default_sort {
        for s in sort_list(text) {
            let (desc, col) = s
                .strip_prefix('-')
                .map_or((false, s.as_str()), |c| (true, c));
            if names.iter().any(|n| n == col) {
                default_sort.push((col.to_owned(), desc));
            } else {
                errors.push(
                    Error::custom(format!("default_sort `{s}` names no field; write e.g. default_sort = \"-updated_at\""))
                        .with_span(&text.span()),
                );
            }
        }
    }

    let api = opts.api.map(|a| {
        let mut ops = Ops::default();
        for p in a.ops.iter() {
            match p.get_ident().map(ToString::to_string).as_deref() {
                Some("list") => ops.list = true,
                Some("get") => ops.get = true,
                Some("create") => ops.create = true,
                Some("update") => ops.update = true,
                Some("replace") => ops.replace = true,
                Some("delete") => ops.delete = true,
                _ => errors.push(
                    Error::custom(format!(
                        "unknown operation `{}`; generated operations are list, get, create, update, replace and delete",
                        quote::ToTokens::to_token_stream(p)
                    ))
                    .with_span(p),
                ),
            }
        }
        if !a.path.starts_with('/') || a.path.ends_with('/') || a.path.contains(':') {
            errors.push(Error::custom("`path` is the collection path, e.g. path = \"/builds\"").with_span(&a.path.span()));
        }
        let key = a.list_key.as_ref().map_or_else(
            || a.path.rsplit('/').next().unwrap_or("items").replace('-', "_"),
            |k| k.to_string(),
        );
        let list_key = if is_identifier(&key) {
            Ident::new(&key, a.list_key.as_ref().map_or(Span::call_site(), |k| k.span()))
        } else {
            errors.push(Error::custom("`list_key` is a lower_snake_case field name, e.g. list_key = \"builds\"").with_span(&a.path.span()));
            Ident::new("items", Span::call_site())
        };
        let (page_default, page_max) = match &a.page {
            Some(p) => {
                if *p.default == 0 || *p.default > *p.max {
                    errors.push(Error::custom("page(default, max) needs 1 ≤ default ≤ max").with_span(&p.default.span()));
                }
                (*p.default, *p.max)
            }
            None => (50, 100),
        };
        let mut search = Vec::new();
        if let Some(text) = &a.search {
            for col in sort_list(text) {
                match fields.iter().find(|f| f.ident == col) {
                    Some(f) if f.storage == Storage::Column && last_segment(f.inner_ty()).as_deref() == Some("String") => search.push(col),
                    Some(_) => errors.push(Error::custom(format!("search column `{col}` is not a text column (String or Option<String>)")).with_span(&text.span())),
                    None => errors.push(Error::custom(format!("search column `{col}` names no field of this model")).with_span(&text.span())),
                }
            }
            if text.trim().is_empty() {
                errors.push(Error::custom("`search` lists the text columns to match, e.g. search = \"name, notes\"").with_span(&text.span()));
            }
        }
        // Renames: every key a generated list parameter, every new name free.
        let mut params = std::collections::BTreeMap::new();
        if let Some(renames) = &a.params {
            let mut generated: Vec<String> = fields
                .iter()
                .flat_map(|f| {
                    let col = f.ident.to_string();
                    f.filters.iter().flat_map(move |k| match k {
                        FilterKind::Eq | FilterKind::Contains => vec![col.clone()],
                        FilterKind::Range => vec![format!("min_{col}"), format!("max_{col}")],
                        FilterKind::In => vec![format!("{col}_in")],
                    })
                })
                .collect();
            if !search.is_empty() {
                generated.push("search".to_owned());
            }
            for (from, to) in renames.iter() {
                if !generated.contains(from) {
                    errors.push(Error::custom(format!(
                        "params: `{from}` is not a list parameter of this model; they are: {}",
                        generated.join(", ")
                    )).with_span(&renames.span()));
                } else if !is_identifier(to) || RESERVED_PARAMS.contains(&to.as_str()) || (generated.contains(to) && !renames.contains_key(to)) {
                    errors.push(Error::custom(format!(
                        "params: `{to}` cannot name `{from}`: use a lower_snake_case name no other list parameter has"
                    )).with_span(&renames.span()));
                } else {
                    params.insert(from.clone(), to.clone());
                }
            }
        }
        // `replace` takes the create body, so the create body's rule holds for it too.
        if ops.create || ops.replace {
            for f in fields.iter().filter(|f| f.role == Role::Data && !f.in_create() && !f.default) {
                errors.push(
                    Error::custom(format!(
                        "`{}` is not in the create body (hidden or read_only), so generated `create` and `replace` need #[model(default)] on it",
                        f.ident
                    ))
                    .with_span(&f.ident),
                );
            }
        }
        Api { path: a.path.to_string(), tag: a.tag.unwrap_or_else(|| display_name(&opts.ident)), ops, list_key, page_default, page_max, search, params, view: a.view }
    });

    let mut docs = opts.attrs;
    docs.retain(|a| a.path().is_ident("doc"));
    let model = Model {
        display: opts.display.unwrap_or_else(|| display_name(&opts.ident)),
        ident: opts.ident,
        vis: opts.vis,
        docs,
        table: opts.table.to_string(),
        fields,
        read,
        write,
        create,
        sorts,
        default_sort,
        api,
        hooks: opts
            .hooks
            .map(|h| Hooks {
                before_create: h.before_create,
                after_create: h.after_create,
                before_update: h.before_update,
                after_update: h.after_update,
                before_delete: h.before_delete,
                after_delete: h.after_delete,
                after_commit: h.after_commit,
            })
            .unwrap_or_default(),
        example: opts.example,
        span,
    };
    errors.finish_with(model)
}
