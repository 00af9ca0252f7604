//! Embeds `migrations/{postgres,sqlite}/NNNN_name.sql` into the binary and checks, at build
//! time, that both dialects have the same numbered files and that no file contains `?`
//! (rbdc-pg rewrites every `?` into a bind placeholder, even inside string literals). Also
//! names the git commit being built, for `ebo_build_info{git_sha}`: `BUILD_GIT_SHA` when set (not `EBO_*`:
//! cargo also sets it when running the binary, and `EBO_*` variables are configuration) (a
//! container build without `.git` sets it), else `git rev-parse`, else `unknown`.

use std::{
    collections::BTreeMap, env, error::Error, fmt::Write as _, fs, path::PathBuf, process::Command,
};

fn git_sha() -> String {
    println!("cargo:rerun-if-env-changed=BUILD_GIT_SHA");
    println!("cargo:rerun-if-changed=../.git/HEAD");
    println!("cargo:rerun-if-changed=../.git/refs/heads");
    env::var("BUILD_GIT_SHA")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

type Migrations = BTreeMap<u32, (String, PathBuf)>;

fn scan(dir: &PathBuf) -> Result<Migrations, Box<dyn Error>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("sql") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let (num, name) = stem.split_once('_').ok_or_else(|| {
            format!(
                "{}: migration files are named NNNN_name.sql",
                path.display()
            )
        })?;
        let version: u32 = num.parse().map_err(|_| {
            format!(
                "{}: migration files start with a number (NNNN_name.sql)",
                path.display()
            )
        })?;
        if fs::read_to_string(&path)?.contains('?') {
            return Err(format!(
                "{}: contains '?', which rbdc-pg would rewrite into a bind placeholder; rephrase it",
                path.display()
            )
            .into());
        }
        if out
            .insert(version, (name.to_owned(), path.clone()))
            .is_some()
        {
            return Err(format!(
                "two migrations share version {version} in {}",
                dir.display()
            )
            .into());
        }
    }
    Ok(out)
}

fn emit(out: &mut String, konst: &str, migrations: &Migrations) -> Result<(), Box<dyn Error>> {
    writeln!(
        out,
        "/// Migrations embedded from `migrations/` at build time, ordered by version."
    )?;
    writeln!(out, "pub static {konst}: &[EmbeddedMigration] = &[")?;
    for (version, (name, path)) in migrations {
        writeln!(
            out,
            "    EmbeddedMigration {{ version: {version}, name: {name:?}, sql: include_str!({:?}) }},",
            path.canonicalize()?.display().to_string()
        )?;
    }
    writeln!(out, "];")?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rustc-env=BUILD_GIT_SHA={}", git_sha());
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?)
        .join("..")
        .join("migrations");
    println!("cargo:rerun-if-changed={}", root.display());
    let pg = scan(&root.join("postgres"))?;
    let sqlite = scan(&root.join("sqlite"))?;
    println!("cargo:rerun-if-changed={}", root.join("postgres").display());
    println!("cargo:rerun-if-changed={}", root.join("sqlite").display());
    let names = |m: &Migrations| {
        m.iter()
            .map(|(v, (n, _))| (*v, n.clone()))
            .collect::<Vec<_>>()
    };
    if names(&pg) != names(&sqlite) {
        return Err(format!(
            "migrations/postgres and migrations/sqlite must hold the same NNNN_name.sql files:\n  postgres: {:?}\n  sqlite:   {:?}",
            names(&pg),
            names(&sqlite)
        )
        .into());
    }
    let mut out = String::new();
    emit(&mut out, "POSTGRES", &pg)?;
    emit(&mut out, "SQLITE", &sqlite)?;
    fs::write(
        PathBuf::from(env::var("OUT_DIR")?).join("migrations.rs"),
        out,
    )?;
    Ok(())
}
