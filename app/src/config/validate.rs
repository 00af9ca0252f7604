//! Validation: [`Settings::problems`], every reason a loaded configuration may not be used,
//! with the strict production checks.

use std::{net::IpAddr, path::Path};

use secrecy::ExposeSecret;

use super::{
    DEFAULT_JWT_SECRET, Environment, JwtAlgorithm, MIN_HEADER_BYTES, MIN_PRODUCTION_SECRET_LEN,
    MIN_UPLOAD_BODY_LIMIT, Settings,
    database::DEFAULT_DB_PASSWORDS,
    fields::{redact_url, url_password},
};

impl Settings {
    /// Every problem with this configuration, in plain words; empty means it may be used.
    ///
    /// Always checked: port/pool/timeouts are usable, the API prefix is a path, the database URL
    /// has a supported scheme. In production also: the JWT secret is at least
    /// [`MIN_PRODUCTION_SECRET_LEN`] characters and not the shipped default, `debug` is off,
    /// no CORS origin is `*`, and the database URL has no well-known default password.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let s = &self.server;
        if !s.api_prefix.starts_with('/') || s.api_prefix.ends_with('/') {
            out.push(format!(
                "server.api_prefix must start with '/' and not end with one (got {:?})",
                s.api_prefix
            ));
        }
        if let Some(url) = &self.redis.url
            && !url.starts_with("redis://")
        {
            out.push(format!(
                "redis.url must start with redis:// (got {:?})",
                redact_url(url)
            ));
        }
        if s.request_body_limit_bytes == 0 {
            out.push("server.request_body_limit_bytes must be greater than 0".into());
        }
        if s.header_read_timeout_secs == 0 {
            out.push("server.header_read_timeout_secs must be at least 1".into());
        }
        if s.max_connections == 0 {
            out.push("server.max_connections must be at least 1".into());
        }
        if s.max_header_bytes < MIN_HEADER_BYTES {
            out.push(format!(
                "server.max_header_bytes must be at least {MIN_HEADER_BYTES}"
            ));
        }
        if s.upload_body_limit_bytes < MIN_UPLOAD_BODY_LIMIT {
            out.push(format!(
                "server.upload_body_limit_bytes must be at least {MIN_UPLOAD_BODY_LIMIT} (16 MiB: real SavedVariables files grow to megabytes)"
            ));
        }
        for h in &s.allowed_hosts {
            let name = h.strip_prefix("*.").unwrap_or(h);
            if name.is_empty() || h.contains(['/', '@', ' ']) || name.contains('*') {
                out.push(format!(
                    "server.allowed_hosts entries must be host names such as api.example.com, api.example.com:8443 or *.example.com (got {h:?})"
                ));
            }
        }
        let m = &self.metrics;
        if m.token
            .as_ref()
            .is_some_and(|t| t.expose_secret().trim().is_empty())
        {
            out.push("metrics.token must not be empty (leave it unset for no token)".into());
        }
        if let Some(b) = m.bind.filter(|_| m.enabled)
            && b.port() != 0
            && b.port() == s.port
        {
            let host = s.host.parse::<IpAddr>().ok();
            let overlaps =
                host.is_none_or(|h| h == b.ip() || h.is_unspecified()) || b.ip().is_unspecified();
            if overlaps {
                out.push(format!(
                    "metrics.bind {b} overlaps the public listener {}:{}; pick another port or leave it unset",
                    s.host, s.port
                ));
            }
        }
        let d = &self.database;
        if crate::db::Dialect::from_url(&d.url).is_none() {
            out.push(format!(
                "database.url must start with postgres://, postgresql:// or sqlite:// (got {})",
                redact_url(&d.url)
            ));
        }
        if d.max_connections == 0 {
            out.push("database.max_connections must be at least 1".into());
        }
        if d.acquire_timeout_secs == 0
            || d.statement_timeout_secs == 0
            || d.client_timeout_secs == 0
        {
            out.push(
                "database.acquire_timeout_secs, statement_timeout_secs and client_timeout_secs must be at least 1"
                    .into(),
            );
        }
        let a = &self.auth;
        if a.access_token_ttl_secs <= 0 || a.refresh_token_ttl_secs <= a.access_token_ttl_secs {
            out.push("auth.access_token_ttl_secs must be positive and shorter than auth.refresh_token_ttl_secs".into());
        }
        if a.issuer.trim().is_empty() || a.audience.trim().is_empty() {
            out.push("auth.issuer and auth.audience must not be empty".into());
        }
        if !(0..=300).contains(&a.refresh_reuse_grace_secs) {
            out.push(format!(
                "auth.refresh_reuse_grace_secs must be between 0 and 300 (got {})",
                a.refresh_reuse_grace_secs
            ));
        }
        if !(4..=31).contains(&a.bcrypt_cost) {
            out.push(format!(
                "auth.bcrypt_cost must be between 4 and 31 (got {})",
                a.bcrypt_cost
            ));
        }
        if a.algorithm != JwtAlgorithm::HS256 {
            match &a.private_key_file {
                None => out.push(format!(
                    "auth.private_key_file is required for {:?}",
                    a.algorithm
                )),
                Some(f) if !Path::new(f).is_file() => {
                    out.push(format!("auth.private_key_file {f} does not exist"))
                }
                Some(_) => {}
            }
            if let Some(f) = &a.previous_private_key_file
                && !Path::new(f).is_file()
            {
                out.push(format!("auth.previous_private_key_file {f} does not exist"));
            }
        }
        let r = &self.rate_limit;
        if r.enabled
            && (r.auth_per_minute == 0 || r.refresh_per_minute == 0 || r.default_per_minute == 0)
        {
            out.push(
                "rate_limit.*_per_minute must be at least 1 (or set rate_limit.enabled = false)"
                    .into(),
            );
        }
        out.extend(
            self.email
                .problems(self.environment == Environment::Production),
        );
        if self.environment == Environment::Production {
            if a.bcrypt_cost < 10 {
                out.push(format!(
                    "auth.bcrypt_cost is {}; production needs at least 10",
                    a.bcrypt_cost
                ));
            }
            let secret = self.auth.jwt_secret.expose_secret();
            if a.algorithm != JwtAlgorithm::HS256 {
                // Asymmetric keys: the shared secret is unused.
            } else if secret == DEFAULT_JWT_SECRET {
                out.push(
                    "auth.jwt_secret is the shipped development default; set JWT_SECRET_KEY (or EBO_AUTH__JWT_SECRET) to a random value of at least 32 characters".into(),
                );
            } else if secret.chars().count() < MIN_PRODUCTION_SECRET_LEN {
                out.push(format!(
                    "auth.jwt_secret is {} characters long; production needs at least {MIN_PRODUCTION_SECRET_LEN}",
                    secret.chars().count()
                ));
            }
            if self.debug {
                out.push(
                    "debug must be false in production (it exposes internal error details)".into(),
                );
            }
            if self.cors.allowed_origins.iter().any(|o| o.trim() == "*") {
                out.push(
                    "cors.allowed_origins must list explicit origins in production, not '*'".into(),
                );
            }
            if let Some(pw) = url_password(&d.url)
                && DEFAULT_DB_PASSWORDS.contains(&pw.to_ascii_lowercase().as_str())
            {
                out.push(
                    "database.url uses a well-known default password; use a real credential".into(),
                );
            }
            if m.enabled && m.bind.is_none() && m.token.is_none() {
                out.push(
                    "metrics are served on the public listener without a token; set metrics.token (EBO_METRICS__TOKEN), or metrics.bind to a private address, or metrics.enabled = false".into(),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use secrecy::SecretString;

    use super::*;

    fn production() -> Settings {
        let mut s = Settings {
            environment: Environment::Production,
            ..Settings::default()
        };
        s.auth.jwt_secret = SecretString::from("a".repeat(40));
        s.cors.allowed_origins = vec!["https://app.example.com".into()];
        s.metrics.token = Some(SecretString::from("b".repeat(40)));
        s.email.link_base_url = "https://app.example.com".into();
        s
    }

    #[test]
    fn defaults_are_valid_in_development() {
        assert_eq!(Settings::default().problems(), Vec::<String>::new());
    }

    #[test]
    fn good_production_config_has_no_problems() {
        assert_eq!(production().problems(), Vec::<String>::new());
    }

    #[test]
    fn production_reports_every_problem_at_once() {
        let mut s = production();
        s.auth.jwt_secret = SecretString::from(DEFAULT_JWT_SECRET);
        s.debug = true;
        s.cors.allowed_origins = vec!["*".into()];
        s.database.url = "postgres://postgres:postgres@db:5432/ebo".into();
        let p = s.problems();
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("jwt_secret"));
    }

    #[test]
    fn weak_bcrypt_cost_is_refused_in_production_only() {
        let mut s = production();
        s.auth.bcrypt_cost = 9;
        assert!(
            s.problems()[0].contains("bcrypt_cost is 9"),
            "{:?}",
            s.problems()
        );
        s.environment = Environment::Development;
        assert!(s.problems().is_empty());
    }

    #[test]
    fn asymmetric_algorithms_need_their_key_file() {
        let mut s = Settings::default();
        s.auth.algorithm = JwtAlgorithm::RS256;
        assert!(s.problems()[0].contains("private_key_file is required"));
        s.auth.private_key_file = Some("/nonexistent.pem".into());
        assert!(s.problems()[0].contains("does not exist"));
    }

    #[test]
    fn short_secret_is_refused_in_production() {
        let mut s = production();
        s.auth.jwt_secret = SecretString::from("short");
        assert!(s.problems()[0].contains("5 characters"));
    }

    #[test]
    fn public_metrics_need_a_token_in_production() {
        let mut s = production();
        s.metrics.token = None;
        let p = s.problems();
        assert!(p.len() == 1 && p[0].contains("metrics.token"), "{p:?}");
        s.metrics.bind = Some(SocketAddr::from(([10, 0, 0, 5], 9100)));
        assert!(
            s.problems().is_empty(),
            "a separate listener is the operator's network"
        );
        s.metrics.bind = None;
        s.metrics.enabled = false;
        assert!(s.problems().is_empty());
    }

    #[test]
    fn metrics_bind_must_not_overlap_the_public_listener() {
        let mut s = Settings::default();
        s.metrics.bind = Some(SocketAddr::from(([0, 0, 0, 0], 8000)));
        assert!(s.problems()[0].contains("overlaps"), "{:?}", s.problems());
        s.metrics.bind = Some(SocketAddr::from(([127, 0, 0, 1], 9100)));
        assert!(s.problems().is_empty());
        s.metrics.token = Some(SecretString::from(" "));
        assert!(s.problems()[0].contains("must not be empty"));
    }

    #[test]
    fn allowed_hosts_must_be_host_names() {
        let mut s = Settings::default();
        s.server.allowed_hosts = vec!["api.example.com".into(), "*.example.com".into()];
        assert!(s.problems().is_empty());
        s.server.allowed_hosts = vec!["https://api.example.com/".into(), "a.*.com".into()];
        assert_eq!(s.problems().len(), 2, "{:?}", s.problems());
    }

    #[test]
    fn a_redis_url_needs_the_redis_scheme() {
        let mut s = Settings::default();
        s.redis.url = Some("http://:pw@cache:6379".into());
        let p = s.problems();
        assert!(
            p.iter()
                .any(|m| m.contains("redis.url") && !m.contains("pw@")),
            "{p:?}"
        );
    }
}
