//! The outbox worker: every `email.poll_interval_ms` it claims due mail ([`store::claim`]),
//! delivers each, and records the outcome. A failed attempt is retried after a backoff that
//! doubles from `email.retry_base_ms` up to `email.retry_max_secs`; only a permanent refusal
//! (`email.max_attempts` times) gives a mail up. A mail server outage therefore delays mail and
//! loses none. One worker runs per instance; claims keep instances from sending a mail twice.

use std::{future::Future, sync::Arc, sync::atomic::Ordering, time::Duration};

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;

use super::{
    MailStats, OutboxMail, store,
    transport::{Transport, TransportError},
};
use crate::{config::EmailSettings, db::Db, model::column::truncate_to_millis};

/// Mails claimed per look.
const BATCH: i64 = 20;
/// Delivered and given-up mails are kept this many days for operators, then deleted.
const KEEP_DAYS: i64 = 30;
/// How often old mails are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The outbox worker of one instance.
#[derive(Debug, Clone)]
pub struct Worker {
    db: Db,
    transport: Transport,
    from: Mailbox,
    settings: EmailSettings,
    stats: Arc<MailStats>,
}

/// Why the worker cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The transport cannot be set up.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// `email.from` is not a mailbox.
    #[error("email.from is not a mailbox: {0}")]
    From(#[from] lettre::address::AddressError),
}

/// The wait before attempt `attempts + 1`: `base · 2^(attempts − 1)`, at most `max`.
pub fn backoff(attempts: i64, base: Duration, max: Duration) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    base.saturating_mul(2u32.saturating_pow(doublings)).min(max)
}

/// `wait` after `now`, or the end of time for a wait too long to add.
fn later(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(wait)
        .ok()
        .and_then(|w| now.checked_add_signed(w))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Worker {
    /// The worker `settings` describe, delivering `db`'s outbox and counting into `stats`.
    ///
    /// # Errors
    /// [`WorkerError`] for an unusable SMTP URL, mail folder or `From` mailbox.
    pub fn new(
        db: Db,
        settings: &EmailSettings,
        stats: Arc<MailStats>,
    ) -> Result<Self, WorkerError> {
        Ok(Self {
            db,
            transport: Transport::from_settings(settings)?,
            from: settings.from.parse()?,
            settings: settings.clone(),
            stats,
        })
    }

    /// Delivers the outbox, looking every `email.poll_interval_ms` (the first look after one
    /// interval) and whenever a request of this instance committed mail, until `stop`
    /// completes.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let every = Duration::from_millis(self.settings.poll_interval_ms);
        let mut pruned: Option<tokio::time::Instant> = None;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(every) => {}
                () = self.stats.woken() => {}
            }
            self.pass().await;
            if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                pruned = Some(tokio::time::Instant::now());
                let before = Utc::now() - chrono::Duration::days(KEEP_DAYS);
                if let Err(e) = store::prune(&self.db, before).await {
                    tracing::warn!(error = %e, "mail outbox: cannot delete old mail");
                }
            }
        }
    }

    /// One look: count the backlog (the depth figure); when some mail is due, claim it,
    /// deliver it and record each outcome.
    async fn pass(&self) {
        let now = truncate_to_millis(Utc::now());
        match store::backlog(&self.db, now).await {
            Ok(b) => {
                self.stats.depth.store(b.pending, Ordering::Relaxed);
                if b.due == 0 {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "mail outbox: cannot read the backlog");
                return;
            }
        }
        let until = later(now, Duration::from_secs(self.settings.claim_secs));
        match store::claim(&self.db, now, until, BATCH).await {
            Ok(batch) => {
                for mail in batch {
                    self.deliver(mail).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "mail outbox: cannot claim mail"),
        }
    }

    async fn deliver(&self, mail: OutboxMail) {
        let outcome = self.transport.send(&self.from, &mail).await;
        let now = truncate_to_millis(Utc::now());
        let recorded = match &outcome {
            Ok(()) => {
                self.stats.sent.fetch_add(1, Ordering::Relaxed);
                tracing::info!(mail_id = %mail.id, attempts = mail.attempts, "mail delivered");
                store::mark_sent(&self.db, mail.id, now).await
            }
            Err(e) => {
                self.stats.failures.fetch_add(1, Ordering::Relaxed);
                let give_up = matches!(e, super::transport::SendError::Message(_))
                    || (e.is_permanent() && mail.attempts >= i64::from(self.settings.max_attempts));
                if give_up {
                    self.stats.failed.fetch_add(1, Ordering::Relaxed);
                }
                tracing::warn!(
                    mail_id = %mail.id,
                    attempts = mail.attempts,
                    give_up,
                    error = %e,
                    "mail delivery failed"
                );
                let next = self.next_attempt(now, mail.attempts);
                store::record_failure(&self.db, mail.id, now, next, &e.to_string(), give_up).await
            }
        };
        if let Err(e) = recorded {
            // The claim runs out and the mail is tried again (a redelivery at worst).
            tracing::warn!(mail_id = %mail.id, error = %e, "mail outbox: cannot record an attempt");
        }
    }

    fn next_attempt(&self, now: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
        let wait = backoff(
            attempts,
            Duration::from_millis(self.settings.retry_base_ms),
            Duration::from_secs(self.settings.retry_max_secs),
        );
        later(now, wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let (base, max) = (Duration::from_secs(2), Duration::from_secs(300));
        let waits: Vec<u64> = (1..=10).map(|a| backoff(a, base, max).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(backoff(0, base, max), base);
        assert_eq!(backoff(i64::MAX, base, max), max);
    }
}
