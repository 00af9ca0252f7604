//! `server.allowed_hosts`: requests whose `Host` (or HTTP/2 `:authority`) is not listed answer
//! 400 in the uniform error body, so a forged host can never reach a handler (links, caches,
//! logs). Infrastructure paths (the root probes, `/metrics`) are exempt: load balancers and
//! scrapers reach them by address.

use std::sync::Arc;

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response, Result,
    http::{StatusCode, header},
};

use crate::error::ApiError;

/// One `server.allowed_hosts` entry, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// `api.example.com`: that name on any port.
    Name(String),
    /// `api.example.com:8443`: that name and port.
    NameAndPort(String),
    /// `*.example.com`: any subdomain of `example.com` (not `example.com` itself), any port.
    Subdomains(String),
}

impl Pattern {
    fn parse(entry: &str) -> Self {
        let e = entry.trim().to_ascii_lowercase();
        if let Some(domain) = e.strip_prefix("*.") {
            Self::Subdomains(format!(".{domain}"))
        } else if split_port(&e).1.is_some() {
            Self::NameAndPort(e)
        } else {
            Self::Name(e)
        }
    }

    fn matches(&self, authority: &str, name: &str) -> bool {
        match self {
            Self::Name(n) => n == name,
            Self::NameAndPort(a) => a == authority,
            Self::Subdomains(suffix) => {
                name.len() > suffix.len() && name.ends_with(suffix.as_str())
            }
        }
    }
}

/// `host[:port]` → (`host`, `Some(port)`); IPv6 literals keep their brackets.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let colon = if authority.starts_with('[') {
        authority.find("]:").map(|i| i + 1)
    } else {
        authority.rfind(':')
    };
    match colon {
        Some(i) => (&authority[..i], Some(&authority[i + 1..])),
        None => (authority, None),
    }
}

/// Middleware answering 400 to hosts outside the list; a no-op for an empty list.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    patterns: Arc<[Pattern]>,
    exempt: Arc<[String]>,
}

impl AllowedHosts {
    /// From `server.allowed_hosts`; requests for exactly the `exempt` paths are never checked.
    pub fn new(hosts: &[String], exempt: Vec<String>) -> Self {
        Self {
            patterns: hosts.iter().map(|h| Pattern::parse(h)).collect(),
            exempt: exempt.into(),
        }
    }

    /// Whether the list restricts anything.
    pub fn is_active(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// Whether a request naming `authority` (`Host` header value) may pass.
    pub fn allows(&self, authority: &str) -> bool {
        let authority = authority.trim().to_ascii_lowercase();
        let authority = authority.trim_end_matches('.');
        let name = split_port(authority).0;
        self.patterns.iter().any(|p| p.matches(authority, name))
    }
}

impl<E: Endpoint> Middleware<E> for AllowedHosts {
    type Output = AllowedHostsEndpoint<E>;
    fn transform(&self, inner: E) -> Self::Output {
        AllowedHostsEndpoint {
            inner,
            cfg: self.clone(),
        }
    }
}

/// The endpoint produced by [`AllowedHosts`].
pub struct AllowedHostsEndpoint<E> {
    inner: E,
    cfg: AllowedHosts,
}

impl<E: Endpoint> Endpoint for AllowedHostsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let path = req.uri().path();
        if self.cfg.is_active() && !self.cfg.exempt.iter().any(|p| p == path) {
            let authority = req
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .or_else(|| req.uri().authority().map(|a| a.as_str()));
            if !authority.is_some_and(|a| self.cfg.allows(a)) {
                tracing::info!(host = ?authority, "request for a host not in server.allowed_hosts");
                return Ok(
                    ApiError::new(StatusCode::BAD_REQUEST, "This host is not served here")
                        .into_response(),
                );
            }
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(list: &[&str]) -> AllowedHosts {
        let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        AllowedHosts::new(&list, Vec::new())
    }

    #[test]
    fn names_match_on_any_port_and_in_any_case() {
        let h = hosts(&["api.example.com"]);
        assert!(h.allows("api.example.com"));
        assert!(h.allows("API.Example.com:8443"));
        assert!(h.allows("api.example.com."));
        assert!(!h.allows("evil.com"));
        assert!(!h.allows("api.example.com.evil.com"));
        assert!(!h.allows("xapi.example.com"));
    }

    #[test]
    fn an_entry_with_a_port_needs_that_port() {
        let h = hosts(&["api.example.com:8443"]);
        assert!(h.allows("api.example.com:8443"));
        assert!(!h.allows("api.example.com"));
        assert!(!h.allows("api.example.com:80"));
    }

    #[test]
    fn wildcards_match_subdomains_only() {
        let h = hosts(&["*.example.com"]);
        assert!(h.allows("a.example.com"));
        assert!(h.allows("a.b.example.com:80"));
        assert!(!h.allows("example.com"));
        assert!(!h.allows("badexample.com"));
    }

    #[test]
    fn ipv6_literals_keep_their_brackets() {
        let h = hosts(&["[::1]"]);
        assert!(h.allows("[::1]:8000"));
        assert!(h.allows("[::1]"));
        assert_eq!(split_port("[::1]:80"), ("[::1]", Some("80")));
        assert_eq!(split_port("[::1]"), ("[::1]", None));
    }

    #[test]
    fn an_empty_list_restricts_nothing() {
        assert!(!hosts(&[]).is_active());
    }
}
