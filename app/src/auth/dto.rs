//! Auth request and response bodies (API contract, "Auth").

use chrono::{DateTime, Utc};
use poem_openapi::{Object, types::Example};
use uuid::Uuid;

use super::{Role, models::User, password::Password, sessions::TokenPair};
use crate::model::validate::Email;

/// Example tokens of the OpenAPI document (HS256, signed with a throw-away key).
const EXAMPLE_ACCESS_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzZDVlOGYxMC0yYjRjLTRhNmQtOGU5Zi0xYTJiM2M0ZDVlNmYiLCJleHAiOjE3NjM2Njc5MDAsImlhdCI6MTc2MzY2NzAwMCwianRpIjoiYzdlMmE5ZDQtMWI2Zi00ZTNhLTlkOGMtNWYwYjJlN2E0YzE5IiwidHlwZSI6ImFjY2VzcyIsInJvbGUiOiJ1c2VyIn0.Cvw69ShT4OkAatMfq4PxRIqbZsysMaudkzORvFapaGM";
const EXAMPLE_REFRESH_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzZDVlOGYxMC0yYjRjLTRhNmQtOGU5Zi0xYTJiM2M0ZDVlNmYiLCJleHAiOjE3NjQyNzE4MDAsImlhdCI6MTc2MzY2NzAwMCwianRpIjoiYzdlMmE5ZDQtMWI2Zi00ZTNhLTlkOGMtNWYwYjJlN2E0YzE5IiwidHlwZSI6InJlZnJlc2gifQ.nVPJ-ye78aPc8A7cBCN2J8Ok9qV6bWgHqMzIWPnQGao";

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
#[oai(example)]
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

impl Example for LoginJson {
    fn example() -> Self {
        Self {
            email: Some("vivec@example.com".into()),
            username: None,
            password: "Warrior-Poet1".into(),
            scope: Some("read write".into()),
        }
    }
}

/// `POST /auth/login` as the OAuth2 password form (Swagger UI's Authorize button).
#[derive(Debug, Clone, Object, serde::Deserialize, serde::Serialize)]
#[oai(example)]
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

impl Example for LoginForm {
    fn example() -> Self {
        Self {
            username: "vivec".into(),
            password: "Warrior-Poet1".into(),
            grant_type: Some("password".into()),
            scope: Some("read write".into()),
            client_id: None,
            client_secret: None,
        }
    }
}

/// `POST /auth/refresh` body (or send the refresh token as `Authorization: Bearer`).
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct RefreshRequest {
    /// The refresh token.
    pub refresh_token: Option<String>,
}

impl Example for RefreshRequest {
    fn example() -> Self {
        Self {
            refresh_token: Some(EXAMPLE_REFRESH_TOKEN.into()),
        }
    }
}

/// `POST /auth/logout` body.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct LogoutRequest {
    /// The refresh token of this session, to revoke its chain (default: the access token's chain).
    pub refresh_token: Option<String>,
}

impl Example for LogoutRequest {
    fn example() -> Self {
        Self {
            refresh_token: Some(EXAMPLE_REFRESH_TOKEN.into()),
        }
    }
}

/// `DELETE /auth/me` body.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct DeleteMeRequest {
    /// The current password.
    pub password: String,
}

impl Example for DeleteMeRequest {
    fn example() -> Self {
        Self {
            password: "Warrior-Poet1".into(),
        }
    }
}

/// `POST /auth/change-password` body.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct ChangePasswordRequest {
    /// The current password.
    pub current_password: Option<String>,
    /// Accepted for `current_password` (upstream clients send it).
    pub password: Option<String>,
    /// The new password (same rules as registration).
    pub new_password: Password,
}

impl Example for ChangePasswordRequest {
    fn example() -> Self {
        Self {
            current_password: Some("Warrior-Poet1".into()),
            password: None,
            new_password: Password::unchecked("Clockwork-City7"),
        }
    }
}

/// An account as the API shows it; never a hash.
#[derive(Debug, Clone, Object)]
#[oai(example)]
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

impl Example for UserResponse {
    fn example() -> Self {
        Self {
            id: uuid::uuid!("3d5e8f10-2b4c-4a6d-8e9f-1a2b3c4d5e6f"),
            email: "vivec@example.com".into(),
            username: "vivec".into(),
            role: Role::User,
            is_active: true,
            created_at: crate::model::example_time(),
        }
    }
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
#[oai(example)]
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

impl Example for TokenResponse {
    fn example() -> Self {
        Self {
            access_token: EXAMPLE_ACCESS_TOKEN.into(),
            refresh_token: EXAMPLE_REFRESH_TOKEN.into(),
            token_type: "bearer".into(),
            expires_in: 900,
            refresh_expires_in: 604_800,
            scope: "read write".into(),
        }
    }
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
#[oai(example)]
pub struct VerifyEmailRequest {
    /// The `token` query parameter of the link (64 hex characters).
    #[oai(validator(min_length = 1, max_length = 128))]
    pub token: String,
}

impl Example for VerifyEmailRequest {
    fn example() -> Self {
        Self {
            token: "a12dd3a7fd3203a452eb34d91a9be20569d5e337a3384347068895c07f3e0c5a".into(),
        }
    }
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
#[oai(example)]
pub struct ResetPasswordRequest {
    /// The `token` query parameter of the mailed link (64 hex characters).
    #[oai(validator(min_length = 1, max_length = 128))]
    pub token: String,
    /// 8–128 characters with an upper-case letter, a lower-case letter and a digit.
    pub new_password: Password,
}

impl Example for ResetPasswordRequest {
    fn example() -> Self {
        Self {
            token: "01be30bb4a27765c37462e6bf2a0bf8b6c109f9be9d81e6fd56455db1a736a43".into(),
            new_password: Password::unchecked("Clockwork-City7"),
        }
    }
}

/// 202: the request was taken; the answer is the same whether or not the email has an account.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct AcceptedResponse {
    /// What happens next.
    pub message: String,
}

impl Example for AcceptedResponse {
    fn example() -> Self {
        Self {
            message: "If this email belongs to an account, a password-reset link is on its way"
                .into(),
        }
    }
}
