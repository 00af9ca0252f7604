//! The outbox worker: every `email.poll_interval_ms` it claims due mail ([`store::claim`]),
//! delivers each, and records the outcome. A failed attempt is retried after a backoff that
//! doubles from `email.retry_base_ms` up to `email.retry_max_secs`; only a permanent refusal
//! (`email.max_attempts` times) gives a mail up. A mail server outage therefore delays mail and
//! loses none. One worker runs per instance; claims keep instances from sending a mail twice.

use std::{future::Future, sync::Arc, sync::atomic::Ordering, time::Duration};

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;

use super::{MailStats, OutboxMail, store, transport::Transport};
use crate::{config::EmailSettings, db::Db, model::column::truncate_to_millis};

/// Mails claimed per look.
const BATCH: i64 = 20;
/// Delivered and given-up mails are kept this many days for operators, then deleted.
const KEEP_DAYS: i64 = 30;
/// How often old mails are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What the worker needs.
#[derive(Debug, Clone)]
pub struct Worker {
    /// The outbox's database.
    pub db: Db,
    /// Where mail goes.
    pub transport: Transport,
    /// The `From` mailbox (validated at start).
    pub from: Mailbox,
    /// `[email]`.
    pub settings: EmailSettings,
    /// The figures `/metrics` reports.
    pub stats: Arc<MailStats>,
}

/// The wait before attempt `attempts + 1`: `base · 2^(attempts − 1)`, at most `max`.
pub fn backoff(attempts: i64, base: Duration, max: Duration) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    base.saturating_mul(2u32.saturating_pow(doublings)).min(max)
}

impl Worker {
    /// Delivers the outbox, looking every `email.poll_interval_ms` (the first look after one
    /// interval), until `stop` completes.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let every = Duration::from_millis(self.settings.poll_interval_ms);
        let mut pruned: Option<tokio::time::Instant> = None;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(every) => {}
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

    /// One look: claim, deliver, record; then refresh the depth figure.
    async fn pass(&self) {
        let now = truncate_to_millis(Utc::now());
        let until = now + chrono::Duration::seconds(self.claim_secs());
        match store::claim(&self.db, now, until, BATCH).await {
            Ok(batch) => {
                for mail in batch {
                    self.deliver(mail).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "mail outbox: cannot claim mail"),
        }
        if let Ok(n) = store::pending(&self.db).await {
            self.stats.depth.store(n, Ordering::Relaxed);
        }
    }

    fn claim_secs(&self) -> i64 {
        i64::try_from(self.settings.claim_secs).unwrap_or(i64::MAX / 1_000_000)
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
        now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
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
