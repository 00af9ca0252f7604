//! `/auth` account recovery: email verification and password reset by mailed links
//! (workflows over [`super::recovery`]). Mail goes through the outbox, never on the request
//! path.

use chrono::Utc;
use poem::{http::StatusCode, web::Data};
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    dto::{AcceptedResponse, EmailRequest, ResetPasswordRequest, VerifyEmailRequest},
    models::User,
    recovery::{self, Purpose},
    responses::NoContent,
    sessions::end_sessions_with,
    store,
};
use crate::{
    error::{ApiError, AppError},
    http::{ApiTags, json::JsonBody},
    model::{ColumnType, column::truncate_to_millis, crud, write::settle},
    state::AppState,
};

/// 202, whatever the email.
#[derive(Debug, ApiResponse)]
pub enum Accepted {
    /// Taken; a mail follows if the email has an account that needs it.
    #[oai(status = 202)]
    Accepted(Json<AcceptedResponse>),
}

fn accepted(message: &str) -> Accepted {
    Accepted::Accepted(Json(AcceptedResponse {
        message: message.into(),
    }))
}

fn invalid_link() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "This link is invalid, expired or already used; ask for a new one",
    )
}

/// The email of a request body, lower-cased (the input layer checked its rule).
fn email_of(body: &EmailRequest) -> String {
    body.email.to_lowercase()
}

/// Account recovery endpoints.
#[derive(Debug, Default)]
pub struct RecoveryApi;

#[OpenApi(prefix_path = "/auth", tag = "ApiTags::Auth")]
impl RecoveryApi {
    /// Confirm an email address
    ///
    /// Spends the token of the link mailed at registration (valid 24 h, once); the account is
    /// then verified (`is_verified` in `/admin/users`). 400 for an unknown, expired or used
    /// token.
    #[oai(path = "/verify-email", method = "post", operation_id = "verify_email")]
    async fn verify_email(
        &self,
        state: Data<&AppState>,
        body: JsonBody<VerifyEmailRequest>,
    ) -> Result<NoContent, ApiError> {
        let db = &state.db;
        let now = truncate_to_millis(Utc::now());
        let tx = db.begin_write().await.map_err(AppError::from)?;
        let done = async {
            let mut user = spend(&tx, db.dialect, Purpose::VerifyEmail, &body.token, now).await?;
            user.is_verified = true;
            user.updated_at = now;
            crud::update_with(&tx, db.dialect, &user).await?;
            Ok::<_, ApiError>(user)
        }
        .await;
        let user = settle(tx, done).await?;
        state.auth.forget_user(user.id).await;
        tracing::info!(user_id = %user.id, "email verified");
        Ok(NoContent::Done)
    }

    /// Mail a new verification link
    ///
    /// Always 202 with the same body; a link is mailed only when the email belongs to an active,
    /// unverified account. Older links stop working. Rate-limited per email and per client.
    #[oai(
        path = "/resend-verification",
        method = "post",
        operation_id = "resend_verification"
    )]
    async fn resend_verification(
        &self,
        state: Data<&AppState>,
        body: JsonBody<EmailRequest>,
    ) -> Result<Accepted, ApiError> {
        mail_link_if(&state, &body, Purpose::VerifyEmail, |u| {
            u.is_active && !u.is_verified
        })
        .await?;
        Ok(accepted(
            "If this email belongs to an unverified account, a new verification link is on its way",
        ))
    }

    /// Ask for a password-reset link
    ///
    /// Always 202 with the same body, and the same work, whether or not the email has an
    /// account; a link valid for 1 h is mailed only to an active account. Rate-limited per email
    /// and per client.
    #[oai(
        path = "/forgot-password",
        method = "post",
        operation_id = "forgot_password"
    )]
    async fn forgot_password(
        &self,
        state: Data<&AppState>,
        body: JsonBody<EmailRequest>,
    ) -> Result<Accepted, ApiError> {
        mail_link_if(&state, &body, Purpose::ResetPassword, |u| u.is_active).await?;
        Ok(accepted(
            "If this email belongs to an account, a password-reset link is on its way",
        ))
    }

    /// Set a new password with a reset link
    ///
    /// Spends the token of the mailed link (valid 1 h, once), sets the password, confirms the
    /// email address (the link proved it) and ends every session of the account: its access and
    /// refresh tokens are refused from now on. 400 for an unknown, expired or used token; 422
    /// for a password outside the rules.
    #[oai(
        path = "/reset-password",
        method = "post",
        operation_id = "reset_password"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        body: JsonBody<ResetPasswordRequest>,
    ) -> Result<NoContent, ApiError> {
        let b = body.0;
        let db = &state.db;
        let now = truncate_to_millis(Utc::now());
        // Hash only for a live token (it is spent below, atomically).
        if recovery::peek(db, Purpose::ResetPassword, &b.token, now)
            .await?
            .is_none()
        {
            return Err(invalid_link());
        }
        let hash = state
            .auth
            .hasher
            .hash(&b.new_password)
            .await
            .map_err(|e| ApiError::from(AppError::Internal(anyhow::anyhow!("{e}"))))?;
        let tx = db.begin_write().await.map_err(AppError::from)?;
        let done = async {
            let mut user = spend(&tx, db.dialect, Purpose::ResetPassword, &b.token, now).await?;
            user.password_hash = hash;
            user.is_verified = true;
            user.updated_at = now;
            end_sessions_with(&tx, db.dialect, &mut user).await?;
            crud::update_with(&tx, db.dialect, &user).await?;
            store::supersede_account_tokens_with(
                &tx,
                db.dialect,
                user.id,
                Purpose::ResetPassword.name(),
                now,
            )
            .await?;
            Ok::<_, ApiError>(user)
        }
        .await;
        let user = settle(tx, done).await?;
        state.auth.forget_user(user.id).await;
        tracing::info!(user_id = %user.id, "password reset; every session ended");
        Ok(NoContent::Done)
    }
}

/// Spends `token` for `purpose` through `exec` and loads its account; 400 when it is not a
/// live token.
async fn spend(
    exec: &dyn rbatis::executor::Executor,
    dialect: crate::db::Dialect,
    purpose: Purpose,
    token: &str,
    now: chrono::DateTime<Utc>,
) -> Result<User, ApiError> {
    let id = recovery::spend(exec, dialect, purpose, token, now)
        .await?
        .ok_or_else(invalid_link)?;
    crud::find_with::<User>(exec, id.to_value(dialect))
        .await?
        .ok_or_else(invalid_link)
}

/// Mails a `purpose` link to the account of the body's email when `wanted` says it needs one.
/// The token is made and hashed first, whatever the email, so unknown and known emails cost
/// the same work; rate-limited per email.
async fn mail_link_if(
    state: &AppState,
    body: &EmailRequest,
    purpose: Purpose,
    wanted: impl Fn(&User) -> bool,
) -> Result<(), ApiError> {
    let email = email_of(body);
    state.limits.check_account(&email).await?;
    let token = recovery::new_token()?;
    let user = store::user_by_email(&state.db, &email).await?;
    match user.filter(|u| wanted(u)) {
        Some(user) => mail_in_transaction(state, &user, purpose, token).await,
        None => Ok(()),
    }
}

/// Issues a `purpose` link for `user` and writes its mail to the outbox, in one transaction.
async fn mail_in_transaction(
    state: &AppState,
    user: &User,
    purpose: Purpose,
    token: (String, String),
) -> Result<(), ApiError> {
    let db = &state.db;
    let now = truncate_to_millis(Utc::now());
    let tx = db.begin_write().await.map_err(AppError::from)?;
    let done = recovery::mail_link(
        &tx,
        db.dialect,
        &state.settings.email,
        user,
        purpose,
        token,
        now,
    )
    .await
    .map_err(ApiError::from);
    settle(tx, done).await?;
    state.mail.wake();
    tracing::info!(user_id = %user.id, purpose = purpose.name(), "account link mailed");
    Ok(())
}
