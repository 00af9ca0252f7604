//! `ebo seed features --from DIR`: imports every `*.json` file (an array of entries) of the
//! feature database. Sets go to `gear_sets`, the rest to `features`, each entry normalised
//! (`normalize`), then upserted file by file in one transaction. Re-running changes nothing.
//! Every rejected entry is reported with file, index, id and reason, and never stops the
//! others; a malformed file is reported and skipped. An id seen earlier in the same run is
//! rejected as a duplicate (the first occurrence wins), so a re-import stays a no-op.

use std::{
    collections::HashMap,
    io::IsTerminal,
    path::{Path, PathBuf},
};

use chrono::Utc;
use rbatis::executor::Executor;
use serde_json::Value;

use super::{
    models::{Feature, GearSet},
    normalize::{Entry, normalize},
};
use crate::{
    db::{Db, Dialect},
    error::AppError,
    model::{ColumnType, Model, column::truncate_to_millis, crud},
};

/// What happened to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// New row.
    Inserted,
    /// Existing row changed.
    Updated,
    /// Existing row already equal.
    Unchanged,
}

/// A refused entry.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// File name.
    pub file: String,
    /// Index in the file's array (0-based).
    pub index: usize,
    /// Its id, when it had one.
    pub id: Option<String>,
    /// Why.
    pub reason: String,
}

/// Counts for one file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// File name.
    pub file: String,
    /// Entries in it.
    pub entries: usize,
    /// New rows.
    pub inserted: usize,
    /// Changed rows.
    pub updated: usize,
    /// Rows already equal.
    pub unchanged: usize,
    /// Refused entries.
    pub rejected: usize,
    /// Why the whole file was skipped, if it was.
    pub error: Option<String>,
}

/// The whole import.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Per file, in name order.
    pub files: Vec<FileReport>,
    /// Every refused entry.
    pub rejections: Vec<Rejection>,
}

impl ImportReport {
    /// Totals over all files: (entries, inserted, updated, unchanged, rejected).
    pub fn totals(&self) -> (usize, usize, usize, usize, usize) {
        self.files.iter().fold((0, 0, 0, 0, 0), |t, f| {
            (
                t.0 + f.entries,
                t.1 + f.inserted,
                t.2 + f.updated,
                t.3 + f.unchanged,
                t.4 + f.rejected,
            )
        })
    }
}

/// Why the import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The folder cannot be read.
    #[error("cannot read {path}: {source}")]
    Dir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The `*.json` files of `dir`, sorted by name.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let err = |source| ImportError::Dir {
        path: dir.display().to_string(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Inserts, updates or leaves `row` (compared without `updated_at`).
async fn upsert<M: Model + PartialEq + Clone>(
    exec: &dyn Executor,
    dialect: Dialect,
    mut row: M,
    id: rbs::Value,
    same_but_stamp: fn(&M, &M) -> M,
    write: bool,
) -> Result<Outcome, AppError> {
    match crud::find_with::<M>(exec, id).await? {
        None => {
            if write {
                crud::insert_with(exec, dialect, &row).await?;
            }
            Ok(Outcome::Inserted)
        }
        Some(existing) => {
            let restamped = same_but_stamp(&row, &existing);
            if restamped == existing {
                return Ok(Outcome::Unchanged);
            }
            row = same_but_stamp(&row, &row);
            if write {
                crud::update_with(exec, dialect, &row).await?;
            }
            Ok(Outcome::Updated)
        }
    }
}

fn feature_stamp(new: &Feature, from: &Feature) -> Feature {
    Feature {
        updated_at: from.updated_at,
        ..new.clone()
    }
}

fn set_stamp(new: &GearSet, from: &GearSet) -> GearSet {
    GearSet {
        updated_at: from.updated_at,
        ..new.clone()
    }
}

/// Upserts one normalised entry.
///
/// # Errors
/// Database errors.
pub async fn upsert_entry(
    exec: &dyn Executor,
    dialect: Dialect,
    entry: Entry,
    write: bool,
) -> Result<Outcome, AppError> {
    match entry {
        Entry::Feature(f) => {
            let id = f.feature_id.to_value(dialect);
            upsert(exec, dialect, *f, id, feature_stamp, write).await
        }
        Entry::Set(s) => {
            let id = s.set_id.to_value(dialect);
            upsert(exec, dialect, *s, id, set_stamp, write).await
        }
    }
}

/// Writes `pending` in one transaction; on a database error, rolls back and returns it.
async fn write_file(
    db: &Db,
    pending: &[(usize, Entry)],
    dry_run: bool,
) -> Result<Vec<Outcome>, AppError> {
    let tx = db.rb.acquire_begin().await?;
    let mut outcomes = Vec::with_capacity(pending.len());
    for (_, entry) in pending {
        match upsert_entry(&tx, db.dialect, entry.clone(), !dry_run).await {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
    }
    if dry_run {
        tx.rollback().await?
    } else {
        tx.commit().await?
    }
    Ok(outcomes)
}

/// How progress is shown: a bar on a terminal, one line per file otherwise.
enum Progress {
    Bar(indicatif::ProgressBar),
    Lines,
}

impl Progress {
    fn new(total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {msg}")
            {
                bar.set_style(style);
            }
            Self::Bar(bar)
        } else {
            Self::Lines
        }
    }

    fn file_done(&self, r: &FileReport) {
        match self {
            Self::Bar(bar) => {
                bar.set_message(r.file.clone());
                bar.inc(1);
            }
            Self::Lines => eprintln!(
                "{}: {} entries, {} inserted, {} updated, {} unchanged, {} rejected{}",
                r.file,
                r.entries,
                r.inserted,
                r.updated,
                r.unchanged,
                r.rejected,
                r.error
                    .as_deref()
                    .map(|e| format!(" (skipped: {e})"))
                    .unwrap_or_default()
            ),
        }
    }

    fn finish(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Imports every `*.json` file of `dir`; with `dry_run`, validates and compares without writing.
///
/// # Errors
/// Only when the folder cannot be read; everything else is in the report.
pub async fn import_dir(db: &Db, dir: &Path, dry_run: bool) -> Result<ImportReport, ImportError> {
    let files = json_files(dir)?;
    let progress = Progress::new(files.len() as u64);
    let mut report = ImportReport::default();
    let mut seen: HashMap<(bool, String), (String, usize)> = HashMap::new();
    let now = truncate_to_millis(Utc::now());
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let mut file = FileReport {
            file: name.clone(),
            ..Default::default()
        };
        let parsed = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                serde_json::from_slice::<Value>(&b).map_err(|e| format!("malformed JSON: {e}"))
            });
        let entries = match parsed {
            Ok(Value::Array(items)) => items,
            Ok(_) => {
                file.error = Some("the file must hold a JSON array of entries".into());
                progress.file_done(&file);
                report.files.push(file);
                continue;
            }
            Err(e) => {
                file.error = Some(e);
                progress.file_done(&file);
                report.files.push(file);
                continue;
            }
        };
        file.entries = entries.len();
        let mut pending = Vec::new();
        for (index, raw) in entries.iter().enumerate() {
            let raw_id = raw
                .get("set_id")
                .or_else(|| raw.get("feature_id"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let mut reject = |reason: String| {
                report.rejections.push(Rejection {
                    file: name.clone(),
                    index,
                    id: raw_id.clone(),
                    reason,
                });
                file.rejected += 1;
            };
            match normalize(raw, now) {
                Err(reason) => reject(reason.to_string()),
                Ok(entry) => {
                    let key = (matches!(entry, Entry::Set(_)), entry.id().to_owned());
                    if let Some((f, i)) = seen.get(&key) {
                        reject(format!(
                            "duplicate id {}: first seen at {f}[{i}], which was kept",
                            entry.id()
                        ));
                    } else {
                        seen.insert(key, (name.clone(), index));
                        pending.push((index, entry));
                    }
                }
            }
        }
        match write_file(db, &pending, dry_run).await {
            Ok(outcomes) => count(&mut file, &outcomes),
            Err(e) => {
                // One entry broke the file's transaction: retry each alone, refusing only the failing ones.
                tracing::warn!(file = %name, error = %e, "file transaction failed; importing its entries one by one");
                for (index, entry) in pending {
                    let id = entry.id().to_owned();
                    match write_file(db, &[(index, entry)], dry_run).await {
                        Ok(o) => count(&mut file, &o),
                        Err(e) => {
                            report.rejections.push(Rejection {
                                file: name.clone(),
                                index,
                                id: Some(id),
                                reason: format!("database: {e}"),
                            });
                            file.rejected += 1;
                        }
                    }
                }
            }
        }
        progress.file_done(&file);
        report.files.push(file);
    }
    progress.finish();
    Ok(report)
}

fn count(file: &mut FileReport, outcomes: &[Outcome]) {
    for o in outcomes {
        match o {
            Outcome::Inserted => file.inserted += 1,
            Outcome::Updated => file.updated += 1,
            Outcome::Unchanged => file.unchanged += 1,
        }
    }
}
