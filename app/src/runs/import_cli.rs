//! `ebo import saved-variables PATH --user LOGIN [--dry-run]`: the SavedVariables import of
//! `POST /runs/import` from the command line, with a progress bar over the runs.

use std::{path::Path, process::ExitCode};

use super::{import, saved_variables};
use crate::{config::Settings, telemetry};

/// Reads `path`, imports its runs for the account `login` (email or username) and prints the
/// report: one line per rejected run, then the totals. Exit 0 when the file was read, even if
/// runs were rejected; 1 when it cannot be read or parsed, the account is unknown, or the
/// database fails.
pub async fn saved_variables(
    settings: Settings,
    path: &Path,
    login: &str,
    dry_run: bool,
) -> ExitCode {
    telemetry::init(&settings.log);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("ebo: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let runs = match saved_variables::runs(&bytes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ebo: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let Some(db) = crate::cli::migrated_db(&settings).await else {
        return ExitCode::FAILURE;
    };
    let player = match crate::auth::store::user_by_login(&db, login).await {
        Ok(Some(u)) => u.id,
        Ok(None) => {
            eprintln!("ebo: no account {login:?} (give its email or username)");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    // indicatif draws only when standard error is a terminal.
    let bar = indicatif::ProgressBar::new(runs.len() as u64);
    let report = import::import(&db, player, &runs, dry_run, |done| {
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    for r in &report.rejected {
        println!(
            "rejected run {} ({}): {}: {}",
            r.index,
            r.run_id.as_deref().unwrap_or("no run_id"),
            if r.field.is_empty() {
                "(run)"
            } else {
                &r.field
            },
            r.reason
        );
    }
    println!(
        "{}{}: {} runs read, {} imported, {} duplicates, {} rejected",
        if dry_run {
            "dry run (nothing written): "
        } else {
            ""
        },
        path.display(),
        runs.len(),
        report.imported,
        report.duplicates,
        report.rejected.len()
    );
    ExitCode::SUCCESS
}
