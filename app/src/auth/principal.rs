//! The authenticated caller.

use poem_openapi::Enum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::scope::{Scope, Scopes};

/// A user's role (API contract: `user` or `admin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Role {
    /// A regular account.
    User,
    /// An administrator: sees and manages what policies grant to `admin`.
    Admin,
}

/// Who is calling, from a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's id (`sub`).
    pub user_id: Uuid,
    /// The user's role at token issue time.
    pub role: Role,
    /// The token's id (`jti`), for the logout denylist.
    pub jti: String,
    /// The login chain the token belongs to (`fam`), if any.
    pub family: Option<Uuid>,
    /// The token's expiry (`exp`, Unix seconds).
    pub expires_at: i64,
    /// What the token may be used for (its `scope` claim).
    pub scopes: Scopes,
}

impl Principal {
    /// Whether this caller acts as an administrator: an administrator's account, with a token
    /// carrying the `admin` scope (an administrator's `read write` token acts as a user).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin && self.scopes.contains(Scope::Admin)
    }

    /// What the model runtime's permission policies see of this caller.
    pub fn caller(&self) -> crate::model::Caller {
        crate::model::Caller {
            user_id: self.user_id,
            is_admin: self.is_admin(),
        }
    }
}
