//! Rules across the attributes: every violation is a spanned error with a sentence saying what
//! to write instead, and all of them are reported together.

mod field;
mod terms;

use darling::Error;
use field::{field, last_segment};
use proc_macro2::Span;
use syn::Ident;
use terms::{display_name, is_identifier, parse_policy, sort_keys, sort_list};

use crate::{
    ir::{Api, Field, FilterKind, Hooks, Model, Ops, Role, Storage, Term},
    parse::ModelOpts,
    written::Written,
};

pub(super) const RESERVED_PARAMS: &[&str] = &["limit", "offset", "sort", "search"];

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

    let mut policy = |text: Option<&Written>, what: &str| -> Vec<(Term, Span)> {
        let Some(text) = text else {
            errors.push(
                Error::custom(format!("missing `{what}` policy: add e.g. {what} = \"owner\" or {what} = \"authenticated\" to #[model(...)]"))
                    .with_span(&span),
            );
            return Vec::new();
        };
        let terms = parse_policy(text, &mut errors);
        for (t, at) in &terms {
            match t {
                Term::Owner if !has_owner => errors.push(
                    Error::custom("policy term `owner` needs a field marked #[model(owner)]").with_span(at),
                ),
                Term::Flag(f) if !names.contains(f) => errors.push(
                    Error::custom(format!("`flag({f})` names no field of this model; use a bool field, e.g. flag(is_public)"))
                        .with_span(at),
                ),
                _ => {}
            }
        }
        terms
    };
    let terms_of =
        |spanned: Vec<(Term, Span)>| spanned.into_iter().map(|(t, _)| t).collect::<Vec<_>>();
    let read = terms_of(policy(opts.read.as_ref(), "read"));
    let write = terms_of(policy(opts.write.as_ref(), "write"));
    let create = match &opts.create {
        Some(c) => {
            let terms = policy(Some(c), "create");
            for (_, at) in terms
                .iter()
                .filter(|(t, _)| matches!(t, Term::Owner | Term::Flag(_)))
            {
                errors.push(
                    Error::custom("`create` cannot use `owner` or `flag(...)`: no row exists yet; use authenticated, admin or public")
                        .with_span(at),
                );
            }
            terms_of(terms)
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

    let sort_keys_given = opts.sort.as_ref().map(sort_keys).unwrap_or_default();
    for (s, at) in &sort_keys_given {
        if !names.contains(s) {
            errors.push(
                Error::custom(format!("sort key `{s}` names no field of this model")).with_span(at),
            );
        }
    }
    let sorts: Vec<String> = sort_keys_given.into_iter().map(|(s, _)| s).collect();
    let mut default_sort = Vec::new();
    if let Some(text) = &opts.default_sort {
        for (s, at) in sort_keys(text) {
            let (desc, col) = s
                .strip_prefix('-')
                .map_or((false, s.as_str()), |c| (true, c));
            if names.iter().any(|n| n == col) {
                default_sort.push((col.to_owned(), desc));
            } else {
                errors.push(
                    Error::custom(format!("default_sort `{s}` names no field; write e.g. default_sort = \"-updated_at\""))
                        .with_span(&at),
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
        // One cached answer serves every caller, so who asks must not matter.
        let shared = read.iter().all(|t| matches!(t, Term::Public | Term::Authenticated));
        for (attr, op, declared, path) in [("cache", "get", ops.get, &a.cache), ("list_cache", "list", ops.list, &a.list_cache)] {
            if let Some(path) = path
                && (!declared || !shared)
            {
                errors.push(
                    Error::custom(format!(
                        "`{attr}` serves `{op}` from one answer shared by every caller: it needs the `{op}` operation and a read policy that does not depend on who asks (`public` or `authenticated`)",
                    ))
                    .with_span(path),
                );
            }
        }
        // A per-caller cache keys its answers by who asks, so it needs someone to ask.
        if let Some(path) = &a.caller_cache {
            if !ops.list || read.contains(&Term::Public) {
                errors.push(
                    Error::custom("`caller_cache` serves `list` per caller: it needs the `list` operation and a read policy that names the caller (not `public`)")
                        .with_span(path),
                );
            }
            if a.list_cache.is_some() {
                errors.push(Error::custom("`list` answers through one cache: give `list_cache` (shared by every caller) or `caller_cache` (one per caller), not both").with_span(path));
            }
        }
        let name = match &a.name {
            Some(n) if is_identifier(n) => n.to_string(),
            Some(n) => {
                errors.push(Error::custom("`name` is the resource's lower_snake_case name, e.g. name = \"run\"").with_span(&n.span()));
                n.to_lowercase()
            }
            None => display_name(&opts.ident).to_lowercase().replace(' ', "_"),
        };
        let page_schema = match &a.name {
            Some(_) => format!("{}Page", pascal(&name)),
            None => format!("{}Page", opts.ident),
        };
        Api {
            path: a.path.to_string(),
            tag: a.tag.unwrap_or_else(|| display_name(&opts.ident)),
            ops,
            list_key,
            page_default,
            page_max,
            search,
            params,
            view: a.view,
            cache: a.cache,
            list_cache: a.list_cache,
            caller_cache: a.caller_cache,
            serde: a.serde.is_present(),
            name,
            page_schema,
        }
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

/// `saved_build` → `SavedBuild`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}
