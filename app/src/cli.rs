//! The `ebo` command line (clap). Every command and subcommand has `--help`.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::config::Settings;

mod migrate;
mod seed;
mod serve;
mod user;

use migrate::migrate_cmd;
pub(crate) use migrate::migrated_db;
use seed::{seed_demo, seed_features};
use serve::{config_check, health, openapi, serve};
use user::user_cmd;

/// ESO build-analytics API service.
#[derive(Debug, Parser)]
#[command(name = "ebo", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (TOML). Environment variables (EBO_SECTION__KEY, DATABASE_URL,
    /// JWT_SECRET_KEY, ALLOWED_ORIGINS) override it.
    #[arg(long, global = true, env = "EBO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (applies pending migrations first when database.migrate_on_start).
    Serve,
    /// Apply or inspect database migrations.
    Migrate {
        /// `up` (default) or `status`.
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Write the OpenAPI document (JSON) without touching a database.
    Openapi {
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Configuration commands.
    Config {
        /// What to do with the configuration.
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Load data: `ebo seed features --from DIR` imports the feature database.
    Seed {
        /// What to load.
        #[command(subcommand)]
        what: SeedWhat,
    },
    /// Import runs: `ebo import saved-variables PATH --user LOGIN` reads the game addon's
    /// SavedVariables file.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Account administration (the first administrator is created here).
    User {
        /// What to do.
        #[command(subcommand)]
        action: UserAction,
    },
    /// Probe a running service: exit 0 only when its /health/ready answers 200.
    Health {
        /// Readiness URL; default http://127.0.0.1:<server.port>/health/ready.
        #[arg(long)]
        url: Option<String>,
        /// Seconds to wait for an answer.
        #[arg(long, default_value_t = 5)]
        timeout: u64,
    },
}

/// `ebo migrate` subcommands.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration, in order, each in a transaction.
    Up,
    /// List every migration and whether it is applied, pending, modified or unknown.
    Status,
    /// Write migrations/{postgres,sqlite}/NNNN_<name>.sql: DDL for every model whose table
    /// no migration creates yet, or empty skeletons to fill by hand.
    New {
        /// Short snake_case description, e.g. `saved_builds`.
        name: String,
        /// The migrations folder.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
}

/// `ebo seed` subcommands.
#[derive(Debug, Subcommand)]
pub enum SeedWhat {
    /// Import every *.json file of a folder of the feature database (idempotent upsert).
    Features {
        /// The folder, e.g. ../shared/data/eso-features/raw.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Validate and compare without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Generate deterministic demo users and combat runs (password: Demo-Passw0rd).
    Demo {
        /// Demo accounts (demo0001@example.com, …); existing ones are reused.
        #[arg(long, default_value_t = 10)]
        users: usize,
        /// Combat runs to add.
        #[arg(long, default_value_t = 1000)]
        runs: usize,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

/// `ebo user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create an administrator; the password is prompted for (or read from stdin).
    CreateAdmin {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Username (3–50 of A-Z a-z 0-9 _ -).
        #[arg(long)]
        username: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an account's role.
    SetRole {
        /// Email or username.
        login: String,
        /// `user` or `admin`.
        #[arg(value_parser = ["user", "admin"])]
        role: String,
    },
    /// Disable an account and end all its sessions.
    Deactivate {
        /// Email or username.
        login: String,
    },
    /// Set an account's password (prompted for, or read from stdin) and end all its sessions;
    /// recorded in the audit log.
    ResetPassword {
        /// Email or username.
        login: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `ebo import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Import the runs of a SavedVariables file (`SavedVariables/ESOBuildOptimizer.lua`) for an
    /// account, as `POST /api/v1/runs/import` does: each run once per account and addon
    /// run_id, malformed runs reported and skipped. Exit 0 when the file was read (even if
    /// some runs were rejected), 1 when it cannot be read or parsed or the account is unknown.
    SavedVariables {
        /// The SavedVariables file.
        path: PathBuf,
        /// Email or username of the account the runs belong to.
        #[arg(long)]
        user: String,
        /// Report what would be imported without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `ebo config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the effective configuration (secrets redacted); exit 1 listing every problem.
    Check,
}

/// The whole `ebo` program: parse the command line, run it on a multi-threaded Tokio runtime.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(run(cli)),
        Err(e) => {
            eprintln!("ebo: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let explicit = cli.config.is_some();
    let path = cli.config.unwrap_or_else(|| PathBuf::from("config.toml"));
    let settings = match Settings::load(&path, explicit) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => {
            migrate_cmd(settings, action.unwrap_or(MigrateAction::Up)).await
        }
        Command::Openapi { output } => openapi(&settings, output),
        Command::Config {
            action: ConfigAction::Check,
        } => config_check(&settings),
        Command::Health { url, timeout } => health(&settings, url, timeout).await,
        Command::User { action } => user_cmd(settings, action).await,
        Command::Import {
            what:
                ImportWhat::SavedVariables {
                    path,
                    user,
                    dry_run,
                },
        } => crate::runs::import_cli::saved_variables(settings, &path, &user, dry_run).await,
        Command::Seed {
            what: SeedWhat::Features { from, dry_run },
        } => seed_features(settings, &from, dry_run).await,
        Command::Seed {
            what: SeedWhat::Demo { users, runs, seed },
        } => seed_demo(settings, users, runs, seed).await,
    }
}
