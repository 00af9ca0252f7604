//! Logging: tracing with JSON or text lines, filter from `log.level` (or `RUST_LOG`).
//! SQL statements with their arguments are logged by rbatis at DEBUG; the default filter
//! keeps rbatis at `warn` so bound values (which may be secrets) never reach the logs.

use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{},rbatis=warn,rbdc=warn", settings.level)));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
