//! `[cors]` and `[docs]`: which browser origins may call the API, and the documentation pages.

use serde::{Deserialize, Serialize};

use super::fields::string_or_list;

/// `[cors]`: which browser origins may call the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsSettings {
    /// Allowed origins (`https://app.example.com`); empty disables CORS; `*` allows any (not in production).
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_origins: Vec<String>,
    /// Allowed methods for cross-origin requests.
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_methods: Vec<String>,
    /// Allowed request headers.
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_headers: Vec<String>,
    /// Response headers readable by browser scripts.
    #[serde(deserialize_with = "string_or_list")]
    pub expose_headers: Vec<String>,
    /// Seconds a browser may cache a preflight answer.
    pub max_age_secs: u32,
}

/// `[docs]`: the documentation pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocsSettings {
    /// Serve `/api/docs` (Swagger UI), `/api/redoc` and `/api/openapi.json`.
    pub enabled: bool,
}

impl Default for CorsSettings {
    fn default() -> Self {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            allowed_origins: list(&["http://localhost:3000"]),
            allowed_methods: list(&["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
            allowed_headers: list(&[
                "Authorization",
                "Content-Type",
                "X-Request-ID",
                "If-None-Match",
            ]),
            expose_headers: list(&[
                "X-Request-ID",
                "X-Process-Time",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Retry-After",
                "ETag",
            ]),
            max_age_secs: 600,
        }
    }
}

impl Default for DocsSettings {
    fn default() -> Self {
        Self { enabled: true }
    }
}
