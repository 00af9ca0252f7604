//! Loading: the layered sources (file, conventional variables, `EBO_*`) merged into
//! [`Settings`], and the redacted TOML that `ebo config check` prints.

use std::path::Path;

use figment::{
    Figment,
    providers::{Env, Format, Toml},
};

use super::Settings;

/// Why configuration could not be loaded at all (as opposed to loaded but invalid).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An explicitly named file does not exist.
    #[error("configuration file {0} does not exist")]
    MissingFile(String),
    /// A key has the wrong type, is unknown, or the TOML does not parse.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads the layered configuration (see the module docs) from `file` and the process environment.
    ///
    /// `explicit` says whether `file` was named by the user (then it must exist).
    ///
    /// # Errors
    /// [`ConfigError::MissingFile`] for a named file that is absent; [`ConfigError::Invalid`] for a
    /// parse error, a wrongly typed value or an unknown key, naming the key and its source.
    pub fn load(file: &Path, explicit: bool) -> Result<Self, ConfigError> {
        if explicit && !file.exists() {
            return Err(ConfigError::MissingFile(file.display().to_string()));
        }
        Figment::new()
            .merge(Toml::file(file))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
            )
            .merge(
                Env::raw()
                    .only(&["JWT_SECRET_KEY"])
                    .map(|_| "auth.jwt_secret".into()),
            )
            .merge(
                Env::raw()
                    .only(&["ALLOWED_ORIGINS"])
                    .map(|_| "cors.allowed_origins".into()),
            )
            // The upstream guide's names; `EBO_ENVIRONMENT` and `EBO_DEBUG` below win.
            .merge(
                Env::raw()
                    .only(&["ENVIRONMENT", "DEBUG"])
                    .map(|k| k.as_str().to_ascii_lowercase().into()),
            )
            .merge(Env::prefixed("EBO_").ignore(&["config"]).split("__"))
            .extract::<Settings>()
            .map_err(|e| {
                let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
                ConfigError::Invalid(all.join("; "))
            })
    }

    /// The effective configuration as TOML, secrets and database passwords redacted.
    ///
    /// # Errors
    /// Only if serialization fails, which the types here do not allow in practice.
    pub fn to_redacted_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }

    /// Whether internal error detail (a database's own message, say) may appear in 500
    /// responses: only with `debug = true`, whatever the environment; it is always logged.
    pub fn expose_internal_errors(&self) -> bool {
        self.debug
    }
}
