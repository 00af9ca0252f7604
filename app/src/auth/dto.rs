//! Auth request and response bodies (API contract, "Auth").

use chrono::{DateTime, Utc};
use poem_openapi::{Object, types::Example};
use uuid::Uuid;

use super::{Role, models::User, password::Password, sessions::TokenPair};
use crate::model::validate::Email;

/// `POST /auth/register`.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct RegisterRequest {
    /// Email address (stored lower-cased; unique regardless of case).
    pub email: Email,
    /// 3–50 of `[A-Za-z0-9_-]`, unique regardless of case.
    #[oai(validator(min_length = 3, max_length = 50, pattern = r"^[A-Za-z0-9_-]+$"))]
    pub username: String,
    /// 8–128 characters with an upper-case letter, a lower-case letter and a digit.
    pub password: Password,
}

impl Example for RegisterRequest {
    fn example() -> Self {
        Self {
            email: Email::unchecked("vivec@example.com"),
            username: "vivec".into(),
            password: Password::unchecked("Warrior-Poet1"),
        }
    }
}

/// `POST /auth/login` as JSON: `email` or `username` (either may hold the email or the username).
#[derive(Debug, Clone, Object)]
pub struct LoginJson {
    /// Email or username.
    pub email: Option<String>,
    /// Username or email (the desktop companion sends this).
    pub username: Option<String>,
    /// The password.
    pub password: String,
    /// The OAuth2 scopes to ask for, space-delimited (`read`, `write`, `admin`); default: all
    /// the account's role allows (`read write`, plus `admin` for an administrator). A scope
    /// the role does not allow is left out of the grant; an unknown one is refused (400).
    pub scope: Option<String>,
}

/// `POST /auth/login` as the OAuth2 password form (Swagger UI's Authorize button).
#[derive(Debug, Clone, Object, serde::Deserialize)]
pub struct LoginForm {
    /// Email or username.
    pub username: String,
    /// The password.
    pub password: String,
    /// `password` (optional).
    pub grant_type: Option<String>,
    /// The OAuth2 scopes to ask for, space-delimited (as in the JSON body).
    pub scope: Option<String>,
    /// Ignored.
    pub client_id: Option<String>,
    /// Ignored.
    pub client_secret: Option<String>,
}

/// `POST /auth/refresh` body (or send the refresh token as `Authorization: Bearer`).
#[derive(Debug, Clone, Object)]
pub struct RefreshRequest {
    /// The refresh token.
    pub refresh_token: Option<String>,
}

/// `POST /auth/logout` body.
#[derive(Debug, Clone, Object)]
pub struct LogoutRequest {
    /// The refresh token of this session, to revoke its chain (default: the access token's chain).
    pub refresh_token: Option<String>,
}

/// `DELETE /auth/me` body.
#[derive(Debug, Clone, Object)]
pub struct DeleteMeRequest {
    /// The current password.
    pub password: String,
}

/// `POST /auth/change-password` body.
#[derive(Debug, Clone, Object)]
pub struct ChangePasswordRequest {
    /// The current password.
    pub current_password: Option<String>,
    /// Accepted for `current_password` (upstream clients send it).
    pub password: Option<String>,
    /// The new password (same rules as registration).
    pub new_password: Password,
}

/// An account as the API shows it; never a hash.
#[derive(Debug, Clone, Object)]
pub struct UserResponse {
    /// Account id.
    pub id: Uuid,
    /// Email (lower-cased).
    pub email: String,
    /// Username.
    pub username: String,
    /// `user` or `admin`.
    pub role: Role,
    /// Whether the account may log in.
    pub is_active: bool,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            username: u.username,
            role: u.role,
            is_active: u.is_active,
            created_at: u.created_at,
        }
    }
}

/// Tokens after login or refresh.
#[derive(Debug, Clone, Object)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Exchange at `/auth/refresh`; single use.
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Access-token lifetime, seconds.
    pub expires_in: i64,
    /// Refresh-token lifetime, seconds.
    pub refresh_expires_in: i64,
    /// The granted OAuth2 scopes, space-delimited (RFC 6749 §5.1): `read`, `write`, `admin`.
    pub scope: String,
}

impl From<TokenPair> for TokenResponse {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "bearer".into(),
            expires_in: p.expires_in,
            refresh_expires_in: p.refresh_expires_in,
            scope: p.scope,
        }
    }
}

/// `POST /auth/verify-email`: the token of the mailed link.
#[derive(Debug, Clone, Object)]
pub struct VerifyEmailRequest {
    /// The `token` query parameter of the link (64 hex characters).
    #[oai(validator(min_length = 1, max_length = 128))]
    pub token: String,
}

/// `POST /auth/forgot-password` and `POST /auth/resend-verification`.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct EmailRequest {
    /// The account's email address (any letter case).
    pub email: Email,
}

impl Example for EmailRequest {
    fn example() -> Self {
        Self {
            email: Email::unchecked("vivec@example.com"),
        }
    }
}

/// `POST /auth/reset-password`.
#[derive(Debug, Clone, Object)]
pub struct ResetPasswordRequest {
    /// The `token` query parameter of the mailed link (64 hex characters).
    #[oai(validator(min_length = 1, max_length = 128))]
    pub token: String,
    /// 8–128 characters with an upper-case letter, a lower-case letter and a digit.
    pub new_password: Password,
}

/// 202: the request was taken; the answer is the same whether or not the email has an account.
#[derive(Debug, Clone, Object)]
pub struct AcceptedResponse {
    /// What happens next.
    pub message: String,
}
