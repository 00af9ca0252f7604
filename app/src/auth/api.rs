//! `/auth`: register (which mails a verification link), login (JSON or the OAuth2 password form), refresh (rotation with reuse
//! detection), logout, me, delete me, change password. Hand-written on the generated `User`
//! repository.

use chrono::Utc;
use poem::{Request, http::StatusCode, web::Data};
use poem_openapi::{OpenApi, param::Query, payload::Json};
use uuid::Uuid;

use super::{
    Auth, Role, Scope,
    dto::{
        ChangePasswordRequest, DeleteMeRequest, LogoutRequest, RefreshRequest, RegisterRequest,
        UserResponse,
    },
    models::User,
    recovery::{self, Purpose},
    responses::{LoggedOut, LoginRequest, NoContent, Registered, Tokens},
    scope::Scopes,
    sessions::{ClientInfo, RefreshError},
    store,
};
use crate::{
    error::{ApiError, AppError, FieldError},
    http::{
        ApiTags,
        client_ip::ClientIp,
        json::{JsonBody, MaybeJson},
    },
    metrics::LoginFailure,
    model::{ColumnType, column::truncate_to_millis, crud, write::settle},
    state::AppState,
};

/// The statuses public operations here answer beyond what their declaration implies (for the
/// document's per-operation status lists): login refuses credentials (401) and disabled
/// accounts (403), refresh refuses tokens (401).
pub const EXTRA_STATUSES: &[(&str, &[u16])] = &[("login", &[401, 403]), ("refresh_token", &[401])];

/// 400 for a login's `scope` (RFC 6749 §5.2 `invalid_scope`).
fn invalid_scope(reason: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, format!("invalid_scope: {reason}"))
}

/// The `User-Agent` (at most 256 characters) and client address of `req`.
fn client_info(req: &Request) -> ClientInfo {
    ClientInfo {
        user_agent: req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(256).collect()),
        ip: ClientIp::of(req).map(|ip| ip.to_string()),
    }
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, detail)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::from(AppError::Internal(anyhow::anyhow!("{e}")))
}

/// Auth endpoints.
#[derive(Debug, Default)]
pub struct AuthApi;

#[OpenApi(prefix_path = "/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Register an account
    ///
    /// 409 (one generic message) when the email or username is taken in any letter case.
    #[oai(path = "/register", method = "post", operation_id = "register")]
    async fn register(
        &self,
        state: Data<&AppState>,
        body: JsonBody<RegisterRequest>,
    ) -> Result<Registered, ApiError> {
        let b = body.0;
        // The email and password rules are the body's schema (`Email`, `Password`): the input
        // layer refused any body breaking them, with every field named.
        state.limits.check_account(&b.email).await?;
        let conflict = || {
            ApiError::new(
                StatusCode::CONFLICT,
                "An account with this email or username already exists",
            )
        };
        if store::user_by_login(&state.db, &b.email).await?.is_some()
            || store::user_by_login(&state.db, &b.username)
                .await?
                .is_some()
        {
            return Err(conflict());
        }
        let hash = state
            .auth
            .hasher
            .hash(&b.password)
            .await
            .map_err(internal)?;
        let now = truncate_to_millis(Utc::now());
        let user = User {
            id: Uuid::new_v4(),
            email: b.email.trim().to_lowercase(),
            username: b.username,
            password_hash: hash,
            role: Role::User,
            is_active: true,
            is_verified: false,
            token_version: 0,
            created_at: now,
            updated_at: now,
        };
        // The account and its verification mail are stored together or not at all.
        let token = recovery::new_token()?;
        let db = &state.db;
        let tx = db.begin_write().await.map_err(AppError::from)?;
        let done = async {
            crud::insert_with(&tx, db.dialect, &user).await?;
            recovery::mail_link(
                &tx,
                db.dialect,
                &state.settings.email,
                &user,
                Purpose::VerifyEmail,
                token,
                now,
            )
            .await
        }
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => conflict(),
            other => other,
        });
        settle(tx, done).await?;
        state.mail.wake();
        tracing::info!(user_id = %user.id, "account registered; verification mailed");
        Ok(Registered::Created(Json(user.into())))
    }

    /// Log in
    ///
    /// JSON `{email | username, password}` or the OAuth2 password form. 401 with one generic
    /// message for an unknown account or a wrong password; 403 for a disabled account.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Also set the refresh token as an `HttpOnly` cookie (browser clients).
        #[oai(default)]
        cookie: Query<bool>,
        body: LoginRequest,
    ) -> Result<Tokens, ApiError> {
        let (login, password, scope) = match body {
            LoginRequest::Json(j) => {
                let j = j.0;
                match j.email.or(j.username).filter(|l| !l.trim().is_empty()) {
                    Some(l) => (l, j.password, j.scope),
                    None => {
                        return Err(ApiError::validation(vec![FieldError::new(
                            "email",
                            "email or username is required",
                        )]));
                    }
                }
            }
            LoginRequest::Form(f) => {
                crate::http::json::check_form(&f.0)?;
                (f.0.username, f.0.password, f.0.scope)
            }
        };
        // An unknown scope is refused before any password work (RFC 6749 §5.2 `invalid_scope`).
        let requested = Scopes::requested(scope.as_deref()).map_err(invalid_scope)?;
        state.limits.check_account(&login).await?;
        let user = store::user_by_login(&state.db, &login).await?;
        let ok = state
            .auth
            .hasher
            .verify(&password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await
            .map_err(internal)?;
        let Some(user) = user.filter(|_| ok) else {
            tracing::info!("login failed");
            state.metrics.login_failed(LoginFailure::InvalidCredentials);
            return Err(unauthorized("Invalid email or password"));
        };
        if !user.is_active {
            state.metrics.login_failed(LoginFailure::AccountDisabled);
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "This account is disabled",
            ));
        }
        let scopes = Scopes::grant(requested, user.role);
        if scopes.is_empty() {
            return Err(invalid_scope(
                "none of the requested scopes is available to this account",
            ));
        }
        let pair = state
            .auth
            .issue_pair(&state.db, &user, &client_info(req), scopes)
            .await?;
        tracing::info!(user_id = %user.id, "logged in");
        let set = cookie
            .0
            .then(|| super::cookie::set(&state.settings, &pair.refresh_token));
        Ok(Tokens::issued(pair.into(), set))
    }

    /// Exchange a refresh token
    ///
    /// Send `{refresh_token}`, `Authorization: Bearer <refresh token>`, or the `ebo_refresh`
    /// cookie that `cookie=true` set. The presented token dies; presenting it again within
    /// `auth.refresh_reuse_grace_secs` (a retry) answers the same new pair, later it revokes its
    /// whole login chain (401).
    #[oai(path = "/refresh", method = "post", operation_id = "refresh_token")]
    async fn refresh(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Also set the new refresh token as an `HttpOnly` cookie (always done when the token
        /// came from the cookie).
        #[oai(default)]
        cookie: Query<bool>,
        body: MaybeJson<RefreshRequest>,
    ) -> Result<Tokens, ApiError> {
        let from_header = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::to_owned);
        let from_cookie = super::cookie::read(req);
        let set_cookie = cookie.0 || from_cookie.is_some();
        let Some(token) = body
            .0
            .and_then(|b| b.refresh_token)
            .or(from_header)
            .or(from_cookie)
        else {
            return Err(unauthorized("A refresh token is required"));
        };
        match state
            .auth
            .refresh(&state.db, &token, &client_info(req))
            .await
        {
            Ok(pair) => {
                let set =
                    set_cookie.then(|| super::cookie::set(&state.settings, &pair.refresh_token));
                Ok(Tokens::issued(pair.into(), set))
            }
            Err(RefreshError::Invalid) => Err(unauthorized("Invalid or expired refresh token")),
            Err(RefreshError::Reused) => Err(unauthorized(
                "This refresh token was already used; the session was ended",
            )),
            Err(RefreshError::App(e)) => Err(e.into()),
        }
    }

    /// Log out
    ///
    /// Revokes this session's login chain (or the chain of the given `refresh_token`) and
    /// refuses the access token from now on; `all=true` ends every session of the account.
    /// Clears the refresh cookie.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// End every session of the account.
        #[oai(default)]
        all: Query<bool>,
        body: MaybeJson<LogoutRequest>,
    ) -> Result<LoggedOut, ApiError> {
        let p = auth.principal();
        state.auth.deny(&state.db, &p.jti, p.expires_at).await?;
        if all.0 {
            let mut user = store::user_by_id(&state.db, p.user_id)
                .await?
                .ok_or_else(|| unauthorized("Account not found"))?;
            state.auth.end_all_sessions(&state.db, &mut user).await?;
            return Ok(LoggedOut::Done(super::cookie::clear(&state.settings)));
        }
        let family = match body.0.and_then(|b| b.refresh_token) {
            Some(t) => match state.auth.keys.verify_refresh(&t) {
                Ok(c) if c.sub == p.user_id => Some(c.fam),
                _ => return Err(unauthorized("Invalid refresh token")),
            },
            None => p.family,
        };
        if let Some(f) = family {
            store::revoke_family(&state.db, f).await?;
        }
        Ok(LoggedOut::Done(super::cookie::clear(&state.settings)))
    }

    /// The signed-in account
    ///
    /// The account the bearer token belongs to: id, email, username, role and status; never a
    /// password hash. 401 when the account no longer exists.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
    ) -> Result<Json<UserResponse>, ApiError> {
        let user = store::user_by_id(&state.db, auth.principal().user_id)
            .await?
            .ok_or_else(|| unauthorized("Account not found"))?;
        Ok(Json(user.into()))
    }

    /// Delete the signed-in account
    ///
    /// Needs the password (403 when wrong). The account's builds, runs and recommendations go with it.
    #[oai(path = "/me", method = "delete", operation_id = "delete_me")]
    async fn delete_me(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        body: JsonBody<DeleteMeRequest>,
    ) -> Result<NoContent, ApiError> {
        let p = auth.principal();
        let user = store::user_by_id(&state.db, p.user_id)
            .await?
            .ok_or_else(|| unauthorized("Account not found"))?;
        if !state
            .auth
            .hasher
            .verify(&body.0.password, Some(&user.password_hash))
            .await
            .map_err(internal)?
        {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "Wrong password"));
        }
        crud::delete::<User>(&state.db, user.id.to_value(state.db.dialect)).await?;
        state.auth.forget_user(user.id).await;
        state.auth.deny(&state.db, &p.jti, p.expires_at).await?;
        tracing::info!(user_id = %user.id, "account deleted");
        Ok(NoContent::Done)
    }

    /// Change the password
    ///
    /// 400 when the current password is wrong; ends every session of the account (log in again).
    #[oai(
        path = "/change-password",
        method = "post",
        operation_id = "change_password"
    )]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        body: JsonBody<ChangePasswordRequest>,
    ) -> Result<NoContent, ApiError> {
        let p = auth.principal();
        state.limits.check_account(&p.user_id.to_string()).await?;
        let b = body.0;
        let Some(current) = b.current_password.or(b.password) else {
            return Err(ApiError::validation(vec![FieldError::new(
                "current_password",
                "is required",
            )]));
        };
        let mut user = store::user_by_id(&state.db, p.user_id)
            .await?
            .ok_or_else(|| unauthorized("Account not found"))?;
        if !state
            .auth
            .hasher
            .verify(&current, Some(&user.password_hash))
            .await
            .map_err(internal)?
        {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "The current password is wrong",
            ));
        }
        user.password_hash = state
            .auth
            .hasher
            .hash(&b.new_password)
            .await
            .map_err(internal)?;
        state.auth.end_all_sessions(&state.db, &mut user).await?;
        tracing::info!(user_id = %user.id, "password changed; every session ended");
        Ok(NoContent::Done)
    }
}
