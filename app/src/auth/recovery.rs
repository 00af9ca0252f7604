//! Email verification and password reset: one-time tokens mailed as links, through the mail
//! outbox in the transaction of the change they belong to.
//!
//! A token is 32 random bytes from the operating system, sent hex-encoded in the link and stored
//! only as its SHA-256 ([`AccountToken`]); it is spent by its first use, and a newer link of
//! the same purpose supersedes older ones (OWASP Forgot Password Cheat Sheet).

use chrono::{DateTime, Utc};
use rand::{TryRngCore, rngs::OsRng};
use rbatis::executor::Executor;

use super::{models::AccountToken, models::User, store};
use crate::{
    config::EmailSettings,
    db::Dialect,
    error::AppError,
    mail::{self, Mail},
    model::crud,
};

/// What a mailed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms the account's email address (`POST /auth/verify-email`).
    VerifyEmail,
    /// Sets a new password (`POST /auth/reset-password`).
    ResetPassword,
}

impl Purpose {
    /// The stored name (`account_tokens.purpose`).
    pub fn name(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }

    /// The link's lifetime under `settings`.
    pub fn lifetime(self, settings: &EmailSettings) -> chrono::Duration {
        match self {
            Self::VerifyEmail => chrono::Duration::hours(settings.verify_token_ttl_hours),
            Self::ResetPassword => chrono::Duration::minutes(settings.reset_token_ttl_minutes),
        }
    }

    /// The page of the web client the link opens.
    fn page(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify-email",
            Self::ResetPassword => "reset-password",
        }
    }
}

/// A fresh token and the hash that is stored: `(token, sha256_hex)`. Every caller does this
/// work, whether or not a mail follows, so answers do not reveal which emails have accounts.
///
/// # Errors
/// [`AppError::Internal`] when the operating system's random source fails.
pub fn new_token() -> Result<(String, String), AppError> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("random source: {e}")))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = store::token_hash(&token);
    Ok((token, hash))
}

/// Issues a `purpose` token for `user` through `exec` (superseding older unused ones) and
/// writes the mail carrying its link to the outbox, all in the caller's transaction.
///
/// # Errors
/// Database errors.
pub async fn mail_link(
    exec: &dyn Executor,
    dialect: Dialect,
    settings: &EmailSettings,
    user: &User,
    purpose: Purpose,
    (token, hash): (String, String),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    store::supersede_account_tokens_with(exec, dialect, user.id, purpose.name(), now).await?;
    let row = AccountToken {
        token_hash: hash,
        user_id: user.id,
        purpose: purpose.name().into(),
        expires_at: now + purpose.lifetime(settings),
        used_at: None,
        created_at: now,
    };
    crud::insert_with(exec, dialect, &row).await?;
    let link = format!(
        "{}/{}?token={token}",
        settings.link_base_url,
        purpose.page()
    );
    mail::enqueue(exec, dialect, message(user, purpose, settings, &link)).await
}

fn message(user: &User, purpose: Purpose, settings: &EmailSettings, link: &str) -> Mail {
    let (subject, body) = match purpose {
        Purpose::VerifyEmail => (
            "Confirm your email address",
            format!(
                "Hello {name},\n\nconfirm the email address of your ESO Build Optimizer account by \
                 opening this link within {h} hours:\n\n{link}\n\nIf you did not create this \
                 account, ignore this mail.\n",
                name = user.username,
                h = settings.verify_token_ttl_hours,
            ),
        ),
        Purpose::ResetPassword => (
            "Reset your password",
            format!(
                "Hello {name},\n\nsomeone (we hope you) asked to reset the password of your ESO \
                 Build Optimizer account. Open this link within {m} minutes to choose a new \
                 one:\n\n{link}\n\nSetting a new password signs out every device. If you did not \
                 ask, ignore this mail: your password stays as it is.\n",
                name = user.username,
                m = settings.reset_token_ttl_minutes,
            ),
        ),
    };
    Mail {
        to: user.email.clone(),
        subject: subject.into(),
        body,
    }
}

/// Whether `token` is a live `purpose` token at `now` (unused, unexpired), read without
/// spending it: the account it belongs to.
///
/// # Errors
/// Database errors.
pub async fn peek(
    db: &crate::db::Db,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<uuid::Uuid>, AppError> {
    use crate::model::ColumnType;
    let hash = store::token_hash(token);
    let row = crud::find::<AccountToken>(db, hash.to_value(db.dialect)).await?;
    Ok(row
        .filter(|t| t.purpose == purpose.name() && t.used_at.is_none() && t.expires_at > now)
        .map(|t| t.user_id))
}

/// Spends `token` for `purpose` through `exec`: the account, or `None` when the token is
/// unknown, used, expired or of another purpose.
///
/// # Errors
/// Database errors.
pub async fn spend(
    exec: &dyn Executor,
    dialect: Dialect,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<uuid::Uuid>, AppError> {
    store::spend_account_token_with(
        exec,
        dialect,
        &store::token_hash(token),
        purpose.name(),
        now,
    )
    .await
}
