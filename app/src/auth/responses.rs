//! The request and response envelopes of the auth endpoints: the login body (JSON or the
//! OAuth2 form) and the answers with their headers (`Cache-Control: no-store` on tokens,
//! `Set-Cookie` for browser clients).

use poem_openapi::{
    ApiRequest, ApiResponse,
    payload::{Form, Json},
};

use super::dto::{LoginForm, LoginJson, TokenResponse, UserResponse};
use crate::http::json::JsonBody;

/// Login body: JSON or the OAuth2 password form.
#[derive(Debug, ApiRequest)]
pub enum LoginRequest {
    /// `{email | username, password}`.
    Json(JsonBody<LoginJson>),
    /// `grant_type=password&username=…&password=…`.
    Form(Form<LoginForm>),
}

/// 201 with the new account.
#[derive(Debug, ApiResponse)]
pub enum Registered {
    /// The account was created.
    #[oai(status = 201)]
    Created(Json<UserResponse>),
}

/// 200 with a token pair, never stored by a cache (RFC 6749 §5.1).
#[derive(Debug, ApiResponse)]
pub enum Tokens {
    /// The tokens.
    #[oai(status = 200)]
    Issued(
        Json<TokenResponse>,
        /// Always `no-store`.
        #[oai(header = "Cache-Control")]
        String,
        /// Always `no-cache` (for HTTP/1.0 caches).
        #[oai(header = "Pragma")]
        String,
        /// With `cookie=true` (or a refresh that read the cookie): the refresh token as an
        /// `HttpOnly`, `SameSite=Strict` cookie for `<api_prefix>/auth` (`Secure` outside
        /// development).
        #[oai(header = "Set-Cookie")]
        Option<String>,
    ),
}

impl Tokens {
    /// The pair, with `cookie` as `Set-Cookie` when given.
    pub fn issued(tokens: TokenResponse, cookie: Option<String>) -> Self {
        Self::Issued(Json(tokens), "no-store".into(), "no-cache".into(), cookie)
    }
}

/// 204 from logout, clearing the refresh cookie.
#[derive(Debug, ApiResponse)]
pub enum LoggedOut {
    /// Done.
    #[oai(status = 204)]
    Done(
        /// Removes the refresh cookie (`Max-Age=0`).
        #[oai(header = "Set-Cookie")]
        String,
    ),
}

/// 204.
#[derive(Debug, ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}
