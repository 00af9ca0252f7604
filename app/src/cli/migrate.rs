//! `ebo migrate`, and [`migrated_db`], the connect-and-migrate step the data commands share.
use std::process::ExitCode;

use crate::{
    config::Settings,
    db::{Db, migrate},
    telemetry,
};

use super::MigrateAction;

pub(super) async fn migrate_cmd(settings: Settings, action: MigrateAction) -> ExitCode {
    if let MigrateAction::New { name, dir } = &action {
        return match crate::db::new_migration::write(dir, name, &crate::registry::models()) {
            Ok(paths) => {
                for p in paths {
                    println!("wrote {}", p.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ebo: {e}");
                ExitCode::FAILURE
            }
        };
    }
    telemetry::init(&settings.log);
    let db = match Db::connect_with_retry(&settings.database).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    match action {
        MigrateAction::Up => match migrate::up(&db).await {
            Ok(applied) if applied.is_empty() => {
                println!(
                    "nothing to apply: the {} database is current",
                    db.dialect.name()
                );
                ExitCode::SUCCESS
            }
            Ok(applied) => {
                println!("applied {} migration(s): {applied:?}", applied.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ebo: {e}");
                ExitCode::FAILURE
            }
        },
        MigrateAction::Status => match migrate::status(&db).await {
            Ok(list) => {
                println!("{:<8} {:<30} {:<10} applied_at", "version", "name", "state");
                for s in list {
                    let (state, at) = match s.state {
                        migrate::State::Applied { at } => ("applied", at),
                        migrate::State::Pending => ("pending", String::new()),
                        migrate::State::Modified => ("MODIFIED", String::new()),
                        migrate::State::Unknown => ("unknown", String::new()),
                    };
                    println!(
                        "{:<8} {:<30} {:<10} {at}",
                        format!("{:04}", s.version),
                        s.name,
                        state
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ebo: {e}");
                ExitCode::FAILURE
            }
        },
        MigrateAction::New { .. } => ExitCode::FAILURE,
    }
}

/// Connects (with the start-up retries) and applies pending migrations; prints why not.
pub(crate) async fn migrated_db(settings: &Settings) -> Option<Db> {
    let db = match Db::connect_with_retry(&settings.database).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("ebo: {e}");
            return None;
        }
    };
    match migrate::up(&db).await {
        Ok(_) => Some(db),
        Err(e) => {
            eprintln!("ebo: {e}");
            None
        }
    }
}
