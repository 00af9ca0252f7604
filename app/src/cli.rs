//! The `ebo` command line (clap). Every command and subcommand has `--help`.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};

use crate::{
    config::Settings,
    db::{Db, migrate},
    startup, telemetry,
};

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

async fn serve(settings: Settings) -> ExitCode {
    telemetry::init(&settings.log);
    tracing::info!(environment = %settings.environment, version = env!("CARGO_PKG_VERSION"), "starting");
    let app = match startup::Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            eprintln!("ebo: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped(startup::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ebo: server error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate_cmd(settings: Settings, action: MigrateAction) -> ExitCode {
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

fn openapi(settings: &Settings, output: Option<PathBuf>) -> ExitCode {
    let spec = crate::routes::document(settings);
    match output {
        None => {
            println!("{spec}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(&path, spec) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ebo: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}

fn config_check(settings: &Settings) -> ExitCode {
    match settings.to_redacted_toml() {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("ebo: cannot print the configuration: {e}"),
    }
    let problems = settings.problems();
    if problems.is_empty() {
        eprintln!("configuration OK ({})", settings.environment);
        ExitCode::SUCCESS
    } else {
        eprintln!("configuration has {} problem(s):", problems.len());
        for p in problems {
            eprintln!("  - {p}");
        }
        ExitCode::FAILURE
    }
}

async fn health(settings: &Settings, url: Option<String>, timeout: u64) -> ExitCode {
    let url =
        url.unwrap_or_else(|| format!("http://127.0.0.1:{}/health/ready", settings.server.port));
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(&url).send().await {
        Ok(r) if r.status().as_u16() == 200 => {
            println!("ready: {url}");
            ExitCode::SUCCESS
        }
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            eprintln!("not ready: {url} answered {status}: {body}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("not ready: {url}: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn user_cmd(settings: Settings, action: UserAction) -> ExitCode {
    use crate::auth::{Role, cli as users, sessions::AuthState};
    let password = match &action {
        UserAction::CreateAdmin { password_stdin, .. }
        | UserAction::ResetPassword { password_stdin, .. } => {
            match users::read_password(*password_stdin) {
                Ok(p) => Some(p),
                Err(e) => {
                    eprintln!("ebo: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => None,
    };
    let Some(db) = migrated_db(&settings).await else {
        return ExitCode::FAILURE;
    };
    let auth = match AuthState::new(&settings.auth) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match action {
        UserAction::CreateAdmin {
            email, username, ..
        } => {
            users::create_admin(
                &db,
                &auth,
                &email,
                &username,
                password.as_deref().unwrap_or_default(),
            )
            .await
        }
        UserAction::SetRole { login, role } => {
            users::set_role(
                &db,
                &login,
                if role == "admin" {
                    Role::Admin
                } else {
                    Role::User
                },
            )
            .await
        }
        UserAction::Deactivate { login } => users::deactivate(&db, &auth, &login).await,
        UserAction::ResetPassword { login, .. } => {
            users::reset_password(&db, &auth, &login, password.as_deref().unwrap_or_default()).await
        }
    };
    match result {
        Ok(u) => {
            println!(
                "{} {} ({}): role {:?}, active {}",
                u.id, u.username, u.email, u.role, u.is_active
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ebo: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn seed_features(settings: Settings, dir: &std::path::Path, dry_run: bool) -> ExitCode {
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

async fn seed_demo(settings: Settings, users: usize, runs: usize, seed: u64) -> ExitCode {
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
