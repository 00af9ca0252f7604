//! `[email]`: how mail leaves the service (SMTP, or `.eml` files when no server is named), the
//! origin its links point to, the outbox worker's pacing and the lifetimes of mailed tokens.

use serde::{Deserialize, Serialize};

/// `[email]`: mail delivery and the links mails carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// `smtp://host:port` (plain, or STARTTLS with `?tls=required`) or `smtps://host:465`
    /// (implicit TLS), with optional `user:password@`; `EBO_EMAIL__SMTP_URL`. Unset (the
    /// default): each mail is written as an `.eml` file under [`EmailSettings::file_dir`], so
    /// the embedded default needs no mail server. The password is redacted when printed.
    #[serde(serialize_with = "super::serialize_redacted_url_option")]
    pub smtp_url: Option<String>,
    /// The `From` mailbox, e.g. `ESO Build Optimizer <no-reply@example.com>`.
    pub from: String,
    /// The public origin links in mails point to (`EBO_EMAIL__LINK_BASE_URL`), without a
    /// trailing slash: links are `<link_base_url>/verify-email?token=…` and
    /// `<link_base_url>/reset-password?token=…`.
    pub link_base_url: String,
    /// Folder of the `.eml` files written when `smtp_url` is unset.
    pub file_dir: String,
    /// How often the outbox worker looks for mail to deliver, in milliseconds.
    pub poll_interval_ms: u64,
    /// Wait before the first retry of a failed delivery, in milliseconds; doubled after each
    /// failure up to `retry_max_secs`. A mail is retried until it is delivered, or until the
    /// server refuses it permanently (an SMTP 5xx answer) `max_attempts` times.
    pub retry_base_ms: u64,
    /// Longest wait between two attempts, in seconds.
    pub retry_max_secs: u64,
    /// Permanent refusals after which a mail is marked failed.
    pub max_attempts: u32,
    /// How long a claimed mail stays reserved for the instance that claimed it, in seconds;
    /// after that another instance may deliver it (the claimer is presumed dead).
    pub claim_secs: u64,
    /// Lifetime of an email-verification link, in hours.
    pub verify_token_ttl_hours: i64,
    /// Lifetime of a password-reset link, in minutes.
    pub reset_token_ttl_minutes: i64,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "ESO Build Optimizer <no-reply@localhost>".into(),
            link_base_url: "http://127.0.0.1:8000".into(),
            file_dir: "data/mail".into(),
            poll_interval_ms: 1_000,
            retry_base_ms: 2_000,
            retry_max_secs: 300,
            max_attempts: 5,
            claim_secs: 60,
            verify_token_ttl_hours: 24,
            reset_token_ttl_minutes: 60,
        }
    }
}

impl EmailSettings {
    /// Every problem with this section, in plain words.
    pub fn problems(&self, production: bool) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(url) = &self.smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            out.push(format!(
                "email.smtp_url must start with smtp:// or smtps:// (got {:?})",
                super::redact_url(url)
            ));
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            out.push(format!(
                "email.from must be a mailbox such as \"Name <no-reply@example.com>\" (got {:?})",
                self.from
            ));
        }
        let base = self.link_base_url.as_str();
        if !(base.starts_with("http://") || base.starts_with("https://")) || base.ends_with('/') {
            out.push(format!(
                "email.link_base_url must be an http(s) origin without a trailing slash (got {base:?})"
            ));
        } else if production && !base.starts_with("https://") {
            out.push(format!(
                "email.link_base_url must use https in production (got {base:?}): the links carry account tokens"
            ));
        }
        if self.poll_interval_ms == 0 || self.retry_base_ms == 0 || self.claim_secs == 0 {
            out.push(
                "email.poll_interval_ms, retry_base_ms and claim_secs must be at least 1".into(),
            );
        }
        if self.max_attempts == 0 {
            out.push("email.max_attempts must be at least 1".into());
        }
        if self.verify_token_ttl_hours <= 0 || self.reset_token_ttl_minutes <= 0 {
            out.push(
                "email.verify_token_ttl_hours and reset_token_ttl_minutes must be positive".into(),
            );
        }
        out
    }
}
