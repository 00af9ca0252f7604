//! OAuth2 scopes (RFC 6749 §3.3): what a token may be used for, a ceiling under the account's
//! role.
//!
//! - `read`: every `GET`, and ending the token's own session;
//! - `write`: every operation that changes the caller's data;
//! - `admin`: the administrator's powers (the `/admin` endpoints, feature-database writes,
//!   seeing other users' rows); it counts only on an administrator's account.
//!
//! A login asks for a space-delimited subset (`scope`); without one, a user's token gets
//! `read write` and an administrator's `read write admin`. A refresh keeps the login's scopes,
//! narrowed to what the account's role still allows. Each operation declares the scope it needs
//! in its OpenAPI security requirement (`#[oai(scope = "Scope::Read")]`); [`RequiredScopes`] is
//! read from those declarations, so the document and the check cannot drift.

use std::{collections::HashMap, fmt};

use poem_openapi::{OAuthScopes, registry::MetaApi};

use super::Role;

/// One scope, as listed in the OAuth2 security scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, OAuthScopes)]
pub enum Scope {
    /// Read your data and the feature database; end this session.
    #[oai(rename = "read")]
    Read,
    /// Create, change and delete your data and your account.
    #[oai(rename = "write")]
    Write,
    /// Administer accounts and the feature database (administrators only).
    #[oai(rename = "admin")]
    Admin,
}

impl Scope {
    /// Every scope, in the order tokens list them.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    /// The scope's name on the wire (`read`, `write`, `admin`).
    pub fn as_str(self) -> &'static str {
        OAuthScopes::name(&self)
    }

    /// The scope named `name`, if any.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    fn bit(self) -> u8 {
        match self {
            Self::Read => 1,
            Self::Write => 2,
            Self::Admin => 4,
        }
    }
}

/// A scope name that is not one of [`Scope::ALL`] (answered as 400 `invalid_scope`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope {0:?}: ask for any of read, write, admin")]
pub struct UnknownScope(pub String);

/// A set of scopes; on the wire a space-delimited list (`read write`), as in the token's
/// `scope` claim (RFC 9068 §2.2.3) and the token response (RFC 6749 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u8);

impl Scopes {
    /// What a login gets without asking: `read write`, plus `admin` for an administrator.
    pub fn default_for(role: Role) -> Self {
        match role {
            Role::User => Self::of(&[Scope::Read, Scope::Write]),
            Role::Admin => Self::of(&Scope::ALL),
        }
    }

    /// The set holding `scopes`.
    pub fn of(scopes: &[Scope]) -> Self {
        Self(scopes.iter().fold(0, |bits, s| bits | s.bit()))
    }

    /// Whether `scope` is in the set.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// The scopes of both sets.
    pub fn within(self, other: Scopes) -> Self {
        Self(self.0 & other.0)
    }

    /// Parses a space-delimited list; empty means the empty set.
    ///
    /// # Errors
    /// [`UnknownScope`] naming the first unknown word.
    pub fn parse(list: &str) -> Result<Self, UnknownScope> {
        let mut set = Self::default();
        for word in list.split_ascii_whitespace() {
            let scope =
                Scope::named(word).ok_or_else(|| UnknownScope(word.chars().take(40).collect()))?;
            set.0 |= scope.bit();
        }
        Ok(set)
    }

    /// The scopes a login asked for: `None` when it asked for none (absent or blank).
    ///
    /// # Errors
    /// [`UnknownScope`] for a word that names no scope.
    pub fn requested(list: Option<&str>) -> Result<Option<Self>, UnknownScope> {
        list.filter(|r| !r.trim().is_empty())
            .map(Self::parse)
            .transpose()
    }

    /// What a login of an account with `role` that asked for `requested` gets: the request
    /// narrowed to the role's scopes (RFC 6749 §3.3 lets the server grant less than asked; the
    /// token response says what was granted), or [`Scopes::default_for`] without a request.
    pub fn grant(requested: Option<Scopes>, role: Role) -> Self {
        let allowed = Self::default_for(role);
        requested.map_or(allowed, |r| r.within(allowed))
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Scope::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .map(Scope::as_str)
            .collect();
        f.write_str(&names.join(" "))
    }
}

/// The scope each operation declares, from the operations' OpenAPI security requirements:
/// keyed by the route pattern as poem matches it (`/api/v1/runs/:param0`), then the method, so
/// a request looks its operation up without allocating. An operation without a declaration
/// needs no scope (only a public operation has none; a test walks the document to keep it so).
#[derive(Debug, Clone, Default)]
pub struct RequiredScopes(HashMap<String, HashMap<String, Vec<Scope>>>);

impl RequiredScopes {
    /// From the APIs' metadata, for routes served under `prefix`.
    pub fn new(prefix: &str, apis: Vec<MetaApi>) -> Self {
        let mut table: HashMap<String, HashMap<String, Vec<Scope>>> = HashMap::new();
        for path in apis.into_iter().flat_map(|api| api.paths) {
            let pattern = format!("{prefix}{}", crate::metrics::track::positional(&path.path));
            let methods = table.entry(pattern).or_default();
            for op in path.operations {
                let mut scopes: Vec<Scope> = op
                    .security
                    .iter()
                    .flat_map(|requirement| requirement.values().flatten())
                    .filter_map(|name| Scope::named(name))
                    .collect();
                scopes.sort_by_key(|s| s.bit());
                scopes.dedup();
                methods.insert(op.method.to_string(), scopes);
            }
        }
        Self(table)
    }

    /// The scopes the operation at `pattern` and `method` declares (`HEAD` is `GET`'s).
    pub fn of(&self, pattern: &str, method: &str) -> &[Scope] {
        let method = if method == "HEAD" { "GET" } else { method };
        self.0
            .get(pattern)
            .and_then(|methods| methods.get(method))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_gets_what_it_asked_for_within_its_role() {
        let grant =
            |asked: Option<&str>, role| Scopes::grant(Scopes::requested(asked).unwrap(), role);
        assert_eq!(grant(None, Role::User).to_string(), "read write");
        assert_eq!(
            grant(Some("  "), Role::Admin).to_string(),
            "read write admin"
        );
        assert_eq!(grant(Some("admin read"), Role::User).to_string(), "read");
        assert!(grant(Some("admin"), Role::User).is_empty());
        assert_eq!(
            Scopes::requested(Some("read api")),
            Err(UnknownScope("api".into()))
        );
    }

    #[test]
    fn the_wire_form_parses_back_to_the_same_set() {
        for bits in 0..8u8 {
            let set = Scopes(bits);
            assert_eq!(Scopes::parse(&set.to_string()), Ok(set));
        }
    }
}
