//! `ebo migrate new <name>`: the next numbered migration for both dialects, generated from the
//! models' column metadata for tables no existing migration creates.

use std::{
    fs,
    path::{Path, PathBuf},
};

use super::Dialect;
use crate::model::{ModelMeta, ddl};

/// Why the files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NewMigrationError {
    /// The name is not lower_snake_case.
    #[error("migration name {0:?} must be lower_snake_case (letters, digits, underscores)")]
    BadName(String),
    /// Reading or writing the folder failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NewMigrationError + '_ {
    move |source| NewMigrationError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Existing migration files of `dir/<dialect>`: (version, contents).
fn existing(dir: &Path) -> Result<Vec<(u32, String)>, NewMigrationError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let version = stem.split('_').next().and_then(|n| n.parse::<u32>().ok());
        if let (Some(v), Some("sql")) = (version, path.extension().and_then(|e| e.to_str())) {
            out.push((v, fs::read_to_string(&path).map_err(io(&path))?));
        }
    }
    Ok(out)
}

/// Writes `NNNN_<name>.sql` into `dir/postgres` and `dir/sqlite`; returns the paths.
///
/// # Errors
/// A bad name or an I/O error.
pub fn write(
    dir: &Path,
    name: &str,
    models: &[&ModelMeta],
) -> Result<Vec<PathBuf>, NewMigrationError> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(NewMigrationError::BadName(name.to_owned()));
    }
    let mut written = Vec::new();
    let mut next = 0;
    let mut plans = Vec::new();
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let folder = dir.join(dialect.name());
        let files = existing(&folder)?;
        next = next.max(files.iter().map(|(v, _)| *v).max().unwrap_or(0) + 1);
        let tables: Vec<String> = files
            .iter()
            .flat_map(|(_, sql)| ddl::created_tables(sql))
            .collect();
        plans.push((folder, ddl::skeleton(models, &tables, dialect)));
    }
    for (folder, sql) in plans {
        let path = folder.join(format!("{next:04}_{name}.sql"));
        fs::write(&path, sql).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}
