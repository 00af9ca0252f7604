//! Accounts, refresh tokens, mailed one-time tokens and the audit log, declared with
//! `#[derive(Model)]`. Accounts have generated administration endpoints (`/admin/users`: list,
//! get, patch, delete, with the hooks of `hooks.rs`), and the audit log a generated list
//! (`/admin/audit`);
//! the auth flows of `auth::api` are hand-written workflows on the generated repository.

use chrono::{DateTime, Utc};
use ebo_macros::Model;
use uuid::Uuid;

use super::Role;

/// An account. Email is stored lower-cased; email and username are unique case-insensitively.
#[derive(Debug, Clone, Model)]
#[model(
    table = "users",
    read = "admin",
    write = "admin",
    create = "admin",
    sort = "created_at, email, username",
    default_sort = "created_at",
    display = "User",
    example = "user_example",
    api(
        path = "/admin/users",
        tag = "crate::http::ApiTags::Admin",
        ops(list, get, update, delete),
        search = "email, username",
        serde
    ),
    hooks(
        before_update = "super::hooks::guard_account_change",
        after_update = "super::hooks::audit_account_change",
        before_delete = "super::hooks::guard_account_delete",
        after_delete = "super::hooks::audit_account_delete",
        after_commit = "super::hooks::account_committed"
    )
)]
pub struct User {
    /// Account id.
    #[model(id)]
    pub id: Uuid,
    /// Email address, lower-cased.
    #[model(read_only)]
    pub email: String,
    /// 3–50 of `[A-Za-z0-9_-]`.
    #[model(read_only)]
    pub username: String,
    /// bcrypt hash; never leaves the server.
    #[model(hidden, default)]
    pub password_hash: String,
    /// `user` or `admin`.
    #[model(enum, filter = "eq")]
    pub role: Role,
    /// Disabled accounts cannot log in and their tokens are refused; disabling one ends its
    /// sessions.
    #[model(filter = "eq")]
    pub is_active: bool,
    /// Whether the email address was confirmed.
    #[model(read_only)]
    pub is_verified: bool,
    /// Session version: bumping it ends every session (access tokens carry it as `ver`).
    #[model(hidden, default)]
    pub token_version: i64,
    /// When the account was created (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
    /// When it last changed (UTC).
    #[model(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// A refresh token, stored only as a SHA-256 hash. Tokens of one login form a family
/// (`family_id`); each refresh replaces the presented token (`replaced_by`), and presenting a
/// replaced one revokes the whole family (RFC 6819 §5.2.2.3 refresh-token rotation).
#[derive(Debug, Clone, Model)]
#[model(table = "refresh_tokens", read = "owner", write = "owner")]
pub struct RefreshToken {
    /// Token id (the JWT's `jti`).
    #[model(id)]
    pub id: Uuid,
    /// Owner.
    #[model(owner)]
    pub user_id: Uuid,
    /// The login chain.
    #[model(filter = "eq")]
    pub family_id: Uuid,
    /// Hex SHA-256 of the token string.
    pub token_hash: String,
    /// Expiry (UTC).
    pub expires_at: DateTime<Utc>,
    /// When it was revoked or used, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The token that replaced it at refresh.
    pub replaced_by: Option<Uuid>,
    /// Issue time (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
    /// The client's `User-Agent` at issue (login or refresh), at most 256 characters.
    pub user_agent: Option<String>,
    /// The client's address at issue (trusted proxies applied).
    pub ip: Option<String>,
    /// The login's granted scopes, space-delimited ([`crate::auth::scope::Scopes`]); every
    /// token of the chain carries them.
    pub scope: String,
}

/// A logged-out access token: the record that makes a logout hold on every instance, across
/// restarts and Redis outages (Redis only spreads the news fast). Kept until the token's
/// expiry; [`crate::auth::sessions::AuthState::deny`] prunes expired rows.
#[derive(Debug, Clone, Model)]
#[model(
    table = "revoked_tokens",
    read = "admin",
    write = "admin",
    create = "admin"
)]
pub struct RevokedToken {
    /// The access token's `jti`.
    #[model(id, provided)]
    pub jti: String,
    /// When the token expires (UTC); the row can go after that.
    #[model(filter = "range")]
    pub expires_at: DateTime<Utc>,
    /// When it was logged out (UTC).
    #[model(created_at)]
    pub revoked_at: DateTime<Utc>,
}

/// A one-time token mailed to an account's address: an email-verification or a password-reset
/// link. Only its SHA-256 hash is stored; it is spent by its first use and dies at
/// `expires_at` (24 h for verification and 1 h for a reset, by default: `[email]`).
#[derive(Debug, Clone, Model)]
#[model(table = "account_tokens", read = "owner", write = "owner")]
pub struct AccountToken {
    /// Hex SHA-256 of the token (the token itself is only in the mail).
    #[model(id, provided)]
    pub token_hash: String,
    /// The account.
    #[model(owner)]
    pub user_id: Uuid,
    /// `verify_email` or `reset_password` ([`super::recovery::Purpose`]).
    pub purpose: String,
    /// When it stops working (UTC).
    pub expires_at: DateTime<Utc>,
    /// When it was used or superseded (UTC); a used token is refused.
    pub used_at: Option<DateTime<Utc>>,
    /// When it was issued (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
}

/// One administrator action on an account (a role change, a deactivation, a deletion, a
/// password set by an operator), written in the transaction of the change by the hooks of
/// `hooks.rs` (or by the command line). Kept when the account is
/// deleted: `user_id` is not a foreign key.
#[derive(Debug, Clone, Model)]
#[model(
    table = "audit_log",
    read = "admin",
    write = "admin",
    create = "admin",
    sort = "created_at",
    default_sort = "-created_at",
    display = "Audit entry",
    api(
        path = "/admin/audit",
        tag = "crate::http::ApiTags::Admin",
        ops(list),
        serde
    ),
    example = "audit_example"
)]
pub struct AuditEntry {
    /// Entry id.
    #[model(id)]
    pub id: Uuid,
    /// The administrator who acted (none from the command line).
    #[model(filter = "eq")]
    pub admin_id: Option<Uuid>,
    /// `user.update`, `user.delete` or `user.password_reset` (`ebo user reset-password`).
    #[model(filter = "eq")]
    pub action: String,
    /// The account acted on.
    #[model(filter = "eq")]
    pub user_id: Uuid,
    /// What changed, e.g. `role=admin is_active=false`; never the account's email or name.
    pub detail: String,
    /// When (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
}

/// The OpenAPI example of the generated account bodies.
fn user_example() -> User {
    User {
        id: Uuid::from_u128(0x3d5e_8f10_2b4c_4a6d_8e9f_1a2b_3c4d_5e6f),
        email: "vivec@example.com".into(),
        username: "vivec".into(),
        password_hash: String::new(),
        role: Role::User,
        is_active: true,
        is_verified: true,
        token_version: 0,
        created_at: crate::model::example_time(),
        updated_at: crate::model::example_time(),
    }
}

/// The OpenAPI example of the audit log's page.
fn audit_example() -> AuditEntry {
    AuditEntry {
        id: Uuid::from_u128(0x9a8b_7c6d_5e4f_4a3b_8c2d_1e0f_a9b8_c7d6),
        admin_id: Some(Uuid::from_u128(0x1b2c_3d4e_5f60_4718_a9b0_c1d2_e3f4_a5b6)),
        action: "user.update".into(),
        user_id: Uuid::from_u128(0x3d5e_8f10_2b4c_4a6d_8e9f_1a2b_3c4d_5e6f),
        detail: "is_active=false".into(),
        created_at: crate::model::example_time(),
    }
}
