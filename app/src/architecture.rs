//! The dependency direction, checked: infrastructure (the model runtime, db, the shared cache
//! type, cluster, the HTTP kit, metrics, the engine, errors, config, telemetry) names no domain
//! module and not the application assembly (`state`, `startup`, `routes`, `registry`, `cli`).
//! Domains build on infrastructure; only the assembly knows every domain.

use std::path::{Path, PathBuf};

/// Modules that are a domain or the assembly, as named after `crate::`.
const NOT_INFRASTRUCTURE: &[&str] = &[
    "auth",
    "builds",
    "features",
    "runs",
    "recommendations",
    "sync",
    "health",
    "eso",
    "export",
    "state",
    "startup",
    "routes",
    "registry",
    "cli",
];

/// Infrastructure modules under `app/src`: each is `<name>.rs`, `<name>/` or both.
const INFRASTRUCTURE: &[&str] = &[
    "model",
    "db",
    "cluster",
    "http",
    "metrics",
    "engine",
    "mail",
    "cache",
    "error",
    "config",
    "telemetry",
];

/// The domain or assembly modules `source` names through `crate::` (also inside a
/// `use crate::{…}` group), ignoring comments and everything from its first `#[cfg(test)]`.
fn named_modules(source: &str) -> Vec<&'static str> {
    let code: String = source
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let scope = if rest.starts_with('{') {
            // The group up to its matching brace.
            let mut depth = 0;
            let end = rest
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            &rest[..end]
        } else {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default()
        };
        for m in NOT_INFRASTRUCTURE {
            let named = scope
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .any(|path| path == *m || path.starts_with(&format!("{m}::")));
            if named && !found.contains(m) {
                found.push(*m);
            }
        }
    }
    found
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            rust_files(&entry.path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs")
        // Test-only modules (`hygiene_tests.rs`, `tests.rs`) may use the assembly: the macro's
        // hygiene test needs the application state its generated hooks name.
        && !path.to_string_lossy().ends_with("tests.rs")
    {
        out.push(path.to_owned());
    }
}

#[test]
fn infrastructure_names_no_domain() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for module in INFRASTRUCTURE {
        let (file, folder) = (src.join(format!("{module}.rs")), src.join(module));
        assert!(
            file.is_file() || folder.is_dir(),
            "infrastructure module {module} not found"
        );
        if file.is_file() {
            rust_files(&file, &mut files);
        }
        rust_files(&folder, &mut files);
    }
    assert!(files.len() > 30, "the infrastructure files were found");
    let mut offenders = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let named = named_modules(&source);
        if !named.is_empty() {
            offenders.push(format!("{}: {named:?}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "infrastructure must not name a domain or the assembly:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_sees_paths_groups_and_nesting() {
    assert_eq!(named_modules("use crate::auth::Principal;"), ["auth"]);
    assert_eq!(
        named_modules("use crate::{db::Db, features::cache::X, http::{json, y}};"),
        ["features"]
    );
    assert_eq!(
        named_modules("fn f(s: &crate::state::AppState) {}"),
        ["state"]
    );
    assert!(named_modules("use crate::{db::Db, error::AppError}; // crate::auth").is_empty());
    assert!(named_modules("use crate::db::Db;\n#[cfg(test)]\nuse crate::auth::Role;").is_empty());
    assert!(named_modules("use crate::{cache::CacheSource, http::json::JsonBody};").is_empty());
}
