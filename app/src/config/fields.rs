//! Field helpers shared by the sections: redaction of secrets and URL passwords when printed,
//! and the list-or-comma-separated-string and IP-block deserializers.

use std::net::IpAddr;

use ipnet::IpNet;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serializer};

/// The password part of a `scheme://user:password@host/...` URL, if any.
pub(super) fn url_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    userinfo.split_once(':').map(|(_, pw)| pw)
}

/// `url` with its password replaced by `***`, safe to log or print.
pub fn redact_url(url: &str) -> String {
    match url_password(url) {
        Some(pw) if !pw.is_empty() => url.replacen(&format!(":{pw}@"), ":***@", 1),
        _ => url.to_owned(),
    }
}

pub(super) fn serialize_redacted<S: Serializer>(_: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("[redacted]")
}

pub(super) fn serialize_redacted_option<S: Serializer>(
    v: &Option<SecretString>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("[redacted]"),
        None => s.serialize_none(),
    }
}

pub(super) fn serialize_redacted_url_option<S: Serializer>(
    url: &Option<String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match url {
        Some(u) => s.serialize_str(&redact_url(u)),
        None => s.serialize_none(),
    }
}

pub(super) fn serialize_redacted_url<S: Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&redact_url(url))
}

/// Accepts a list or a comma-separated string (`ALLOWED_ORIGINS=https://a,https://b`).
pub(super) fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Either::deserialize(d)? {
        Either::One(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        Either::Many(v) => v,
    })
}

/// Like [`string_or_list`], each entry an IP address (`10.1.2.3`, `::1`) or a CIDR block
/// (`10.0.0.0/8`); a single address becomes a one-address block.
pub(super) fn ip_nets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    string_or_list(d)?
        .iter()
        .map(|s| {
            let s = s.trim();
            s.parse::<IpNet>()
                .map(|n| n.trunc())
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{s:?} is not an IP address or CIDR block (e.g. 10.0.0.0/8)"
                    ))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;
    use crate::config::{DEFAULT_JWT_SECRET, Settings};

    #[test]
    fn trusted_proxies_accept_addresses_and_blocks_as_a_list_or_a_string() {
        let s: Settings =
            toml::from_str("[server]\ntrusted_proxies = \"10.1.2.3/8, 127.0.0.1 ,::1\"").unwrap();
        let got: Vec<String> = s
            .server
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got, ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
        let s: Settings = toml::from_str("[server]\ntrusted_proxies = [\"192.0.2.0/24\"]").unwrap();
        assert_eq!(s.server.trusted_proxies.len(), 1);
        let err = toml::from_str::<Settings>("[server]\ntrusted_proxies = [\"proxy.local\"]")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("not an IP address or CIDR block"), "{err}");
    }

    #[test]
    fn redaction_hides_passwords_and_secrets() {
        assert_eq!(
            redact_url("postgres://u:hunter2@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite://data/ebo.db"), "sqlite://data/ebo.db");
        let mut s = Settings::default();
        s.database.url = "postgres://u:hunter2@h/db".into();
        s.metrics.token = Some(SecretString::from("scrape-me-s3cret"));
        s.redis.url = Some("redis://:redis-pw-9@cache:6379/0".into());
        let text = s.to_redacted_toml().unwrap_or_default();
        assert!(
            !text.contains("hunter2")
                && !text.contains(DEFAULT_JWT_SECRET)
                && !text.contains("scrape-me-s3cret")
                && !text.contains("redis-pw-9"),
            "{text}"
        );
        assert!(text.contains("[redacted]"));
        assert!(text.contains("redis://:***@cache:6379/0"), "{text}");
    }
}
