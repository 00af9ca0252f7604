//! The outbox row, declared with `#[derive(Model)]` (no API: only the worker and the
//! enqueueing transaction touch it).

use chrono::{DateTime, Utc};
use ebo_macros::Model;
use uuid::Uuid;

/// A mail waiting for delivery, delivered, or given up on.
#[derive(Debug, Clone, Model)]
#[model(
    table = "mail_outbox",
    read = "admin",
    write = "admin",
    create = "admin"
)]
pub struct OutboxMail {
    /// Mail id (also its `Message-ID`, so a receiver can drop a redelivery).
    #[model(id)]
    pub id: Uuid,
    /// The recipient's address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body (it may hold a one-time link: never logged).
    pub body: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// When the next attempt is due (UTC).
    #[model(filter = "range")]
    pub next_attempt_at: DateTime<Utc>,
    /// Until when an instance holds it for delivery (UTC).
    pub claimed_until: Option<DateTime<Utc>>,
    /// When it was delivered (UTC).
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was given up on (UTC).
    pub failed_at: Option<DateTime<Utc>>,
    /// The last delivery error, for operators.
    pub last_error: Option<String>,
    /// When it was written (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
}
