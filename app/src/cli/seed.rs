//! `ebo seed features` and `ebo seed demo`: loading the feature database and demo data.
use std::process::ExitCode;

use crate::{config::Settings, telemetry};

use super::migrated_db;

pub(super) async fn seed_features(
    settings: Settings,
    dir: &std::path::Path,
    dry_run: bool,
) -> ExitCode {
    telemetry::init(&settings.log);
    let Some(db) = migrated_db(&settings).await else {
        return ExitCode::FAILURE;
    };
    let report = match crate::features::import::import_dir(&db, dir, dry_run).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    for f in report.files.iter().filter(|f| f.error.is_some()) {
        println!(
            "skipped file {}: {}",
            f.file,
            f.error.as_deref().unwrap_or_default()
        );
    }
    for r in &report.rejections {
        println!(
            "rejected {}[{}] {}: {}",
            r.file,
            r.index,
            r.id.as_deref().unwrap_or("(no id)"),
            r.reason
        );
    }
    let (entries, inserted, updated, unchanged, rejected) = report.totals();
    println!(
        "{}{} files, {entries} entries: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected",
        if dry_run {
            "dry run (nothing written): "
        } else {
            ""
        },
        report.files.len()
    );
    ExitCode::SUCCESS
}

pub(super) async fn seed_demo(
    settings: Settings,
    users: usize,
    runs: usize,
    seed: u64,
) -> ExitCode {
    use std::io::IsTerminal;
    telemetry::init(&settings.log);
    let Some(db) = migrated_db(&settings).await else {
        return ExitCode::FAILURE;
    };
    if let Err(e) = crate::features::sample::load_if_empty(&db, &settings).await {
        eprintln!("ebo: {e}");
        return ExitCode::FAILURE;
    }
    let auth = match crate::auth::sessions::AuthState::new(&settings.auth) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(runs as u64));
    let progress = |done: usize| match &bar {
        Some(b) => b.set_position(done as u64),
        None => eprintln!("{done}/{runs} runs"),
    };
    match crate::runs::demo::seed(&db, &auth, users, runs, seed, progress).await {
        Ok(r) => {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            println!(
                "demo data (seed {seed}): {} new users, {} new runs, {} already there; password {}",
                r.users,
                r.runs,
                r.existing_runs,
                crate::runs::demo::DEMO_PASSWORD
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ebo: {e}");
            ExitCode::FAILURE
        }
    }
}
