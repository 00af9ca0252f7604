//! Mail off the request path: a request writes each message to the outbox table
//! (`mail_outbox`, [`OutboxMail`]) in the transaction of the change it reports
//! ([`enqueue`]), and [`worker`] delivers the outbox over SMTP (lettre) with retries and
//! backoff, or, with no `email.smtp_url`, as `.eml` files. Several instances share the
//! outbox: each mail is claimed by one of them ([`store::claim`]). Names no domain.

pub mod model;
pub mod store;
pub mod transport;
pub mod worker;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use rbatis::executor::Executor;
use uuid::Uuid;

pub use model::OutboxMail;

use crate::{
    db::Dialect,
    error::AppError,
    model::{column::truncate_to_millis, crud},
};

/// One plain-text message to one recipient.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Writes `mail` to the outbox through `exec` (the transaction of the change it reports), due
/// now. It is delivered after the transaction commits, and never if it rolls back.
///
/// # Errors
/// Database errors.
pub async fn enqueue(exec: &dyn Executor, dialect: Dialect, mail: Mail) -> Result<(), AppError> {
    let now = truncate_to_millis(Utc::now());
    let row = OutboxMail {
        id: Uuid::new_v4(),
        recipient: mail.to,
        subject: mail.subject,
        body: mail.body,
        attempts: 0,
        next_attempt_at: now,
        claimed_until: None,
        sent_at: None,
        failed_at: None,
        last_error: None,
        created_at: now,
    };
    crud::insert_with(exec, dialect, &row).await
}

/// The outbox figures `/metrics` reports, kept by this instance's worker, and the bell that
/// wakes that worker when a request commits mail.
#[derive(Debug, Default)]
pub struct MailStats {
    depth: AtomicU64,
    sent: AtomicU64,
    failures: AtomicU64,
    failed: AtomicU64,
    wake: tokio::sync::Notify,
}

impl MailStats {
    /// Mail was committed to the outbox: this instance's worker looks now rather than at its
    /// next poll (other instances still find it at theirs). Call after the commit.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes at the next [`MailStats::wake`] (or at once for one made while nobody waited).
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Mails waiting for delivery at the worker's last look.
    pub fn depth(&self) -> u64 {
        self.depth.load(Ordering::Relaxed)
    }
    /// Mails this instance delivered.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
    /// Delivery attempts that failed on this instance (each is retried).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
    /// Mails this instance gave up on (refused permanently `email.max_attempts` times).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
}
