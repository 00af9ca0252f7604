//! The security schemes every protected endpoint declares: `BearerAuth` (http bearer, JWT)
//! and `OAuth2PasswordBearer` (the same header, declared as an OAuth2 password flow so Swagger
//! UI's Authorize button can log in). Both verify the access token, refuse logged-out tokens
//! (denylist) and tokens of disabled, deleted or signed-out-everywhere users (session version),
//! and yield the [`Principal`] with the user's current role. Every failure is the same 401 with
//! `WWW-Authenticate: Bearer`; the reason is logged at debug level only. A token without the
//! scope the operation declares gets 403 with `WWW-Authenticate: Bearer
//! error="insufficient_scope"` (RFC 6750 §3.1).

use std::sync::Arc;

use poem::{PathPattern, Request, http::StatusCode};
use poem_openapi::{SecurityScheme, auth::Bearer};

use super::{
    Principal,
    scope::{RequiredScopes, Scope},
};
use crate::{error::ApiError, state::AppState};

/// `Authorization: Bearer <access token>`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check")]
pub struct BearerAuth(pub Principal);

/// The same bearer token, obtainable with the OAuth2 password flow at `<api_prefix>/auth/login`
/// (the served document carries the configured prefix), with the scopes of [`Scope`].
#[derive(SecurityScheme)]
#[oai(
    ty = "oauth2",
    flows(password(token_url = "/api/v1/auth/login", scopes = "Scope")),
    checker = "check"
)]
pub struct OAuth2PasswordBearer(pub Principal);

/// Either scheme (they read the same header).
#[derive(SecurityScheme)]
pub enum Auth {
    /// http bearer.
    Bearer(BearerAuth),
    /// OAuth2 password flow.
    OAuth2(OAuth2PasswordBearer),
}

impl Auth {
    /// The authenticated caller.
    pub fn principal(&self) -> &Principal {
        match self {
            Self::Bearer(b) => &b.0,
            Self::OAuth2(o) => &o.0,
        }
    }
}

fn unauthorized(reason: &str) -> poem::Error {
    tracing::debug!(reason, "bearer token refused");
    ApiError::new(StatusCode::UNAUTHORIZED, "Invalid or expired access token").into()
}

/// A method that changes something, on a path outside `<prefix>/auth` (signing out, changing
/// the password or deleting the account stay open to an unconfirmed account).
fn is_write_outside_auth(req: &Request, prefix: &str) -> bool {
    let read = matches!(
        *req.method(),
        poem::http::Method::GET | poem::http::Method::HEAD | poem::http::Method::OPTIONS
    );
    let auth = req
        .uri()
        .path()
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with("/auth/"));
    !read && !auth
}

/// The scopes the matched operation declares that `principal` lacks, or an error when the
/// application did not install the table (fail closed).
fn missing_scopes(req: &Request, principal: &Principal) -> poem::Result<Vec<Scope>> {
    let (Some(table), Some(pattern)) =
        (req.data::<Arc<RequiredScopes>>(), req.data::<PathPattern>())
    else {
        return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "scope table missing").into());
    };
    Ok(table
        .of(&pattern.0, req.method().as_str())
        .iter()
        .copied()
        .filter(|s| !principal.scopes.contains(*s))
        .collect())
}

async fn check(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let Some(state) = req.data::<AppState>() else {
        return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "state missing").into());
    };
    let auth = &state.auth;
    let claims = auth
        .verify_access(&bearer.token)
        .await
        .map_err(|e| unauthorized(&e.to_string()))?;
    if auth
        .is_denied(&state.db, &claims.jti, claims.iat)
        .await
        .map_err(|e| poem::Error::from(ApiError::from(e)))?
    {
        return Err(unauthorized("logged out"));
    }
    let user = auth
        .user_auth(&state.db, claims.sub)
        .await
        .map_err(|e| poem::Error::from(ApiError::from(e)))?;
    match user {
        Some(u)
            if u.is_active
                && u.token_version == claims.ver
                && !u.is_verified
                && state.settings.auth.require_verified_email
                && is_write_outside_auth(req, &state.settings.server.api_prefix) =>
        {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "Confirm your email address to make changes: open the link mailed to you, or ask for a new one with POST /auth/resend-verification",
            )
            .into())
        }
        Some(u) if u.is_active && u.token_version == claims.ver => {
            // The request log line names the user by id (never email or token).
            tracing::Span::current().record("user_id", tracing::field::display(claims.sub));
            let mut p = claims.principal();
            p.role = u.role;
            p.family = claims.fam;
            p.expires_at = claims.exp;
            let missing = missing_scopes(req, &p)?;
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                return Err(ApiError::insufficient_scope(&names.join(" ")).into());
            }
            Ok(p)
        }
        Some(u) if !u.is_active => Err(unauthorized("account disabled")),
        Some(_) => Err(unauthorized("session ended")),
        None => Err(unauthorized("account deleted")),
    }
}
