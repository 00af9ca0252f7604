//! `ebo serve`, `ebo openapi`, `ebo config check` and `ebo health`: running and probing the service.
use std::{path::PathBuf, process::ExitCode, time::Duration};

use crate::{config::Settings, startup, telemetry};

pub(super) async fn serve(settings: Settings) -> ExitCode {
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

pub(super) fn openapi(settings: &Settings, output: Option<PathBuf>) -> ExitCode {
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

pub(super) fn config_check(settings: &Settings) -> ExitCode {
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

pub(super) async fn health(settings: &Settings, url: Option<String>, timeout: u64) -> ExitCode {
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
