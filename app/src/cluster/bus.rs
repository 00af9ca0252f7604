//! Cache invalidation across instances over Redis pub/sub, on the channel
//! `{prefix}invalidate`. A write on one instance drops its own entries at once and publishes an
//! [`Event`]; every instance's subscriber (its own included, harmlessly) drops the same keys.
//!
//! Messages are lost while Redis is down, so each (re)subscription first drops every cached
//! feature, set, list and user state of this instance; the subscriber re-subscribes in a loop
//! with backoff (1 s doubling to [`MAX_BACKOFF`]).

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt;
use uuid::Uuid;

use super::Cluster;
use crate::{
    auth::sessions::AuthState, features::cache::FeatureCache, runs::read_cache::PlayerReads,
};

/// Longest wait between two subscription attempts: how long after Redis returns an instance
/// may still miss other instances' invalidations (readiness says so meanwhile).
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// One invalidation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Feature `id` was written: drop it and every list.
    Feature(String),
    /// Gear set `id` was written: drop it and every list.
    Set(String),
    /// A user's role, activity or session version changed: drop its cached auth state.
    User(Uuid),
    /// A player's runs changed: drop the answers derived from them.
    Runs(Uuid),
    /// Access token `jti` was logged out; refuse it until `exp` (Unix seconds).
    Deny {
        /// Token id.
        jti: String,
        /// Token expiry, Unix seconds.
        exp: i64,
    },
}

impl Event {
    /// The wire form: `feature:<id>`, `set:<id>`, `user:<uuid>`, `runs:<uuid>`,
    /// `deny:<exp>:<jti>`.
    pub fn encode(&self) -> String {
        match self {
            Self::Feature(id) => format!("feature:{id}"),
            Self::Set(id) => format!("set:{id}"),
            Self::User(id) => format!("user:{id}"),
            Self::Runs(id) => format!("runs:{id}"),
            Self::Deny { jti, exp } => format!("deny:{exp}:{jti}"),
        }
    }

    /// Parses [`Event::encode`]'s form; `None` for anything else.
    pub fn decode(s: &str) -> Option<Self> {
        let (kind, rest) = s.split_once(':')?;
        match kind {
            "feature" => Some(Self::Feature(rest.to_owned())),
            "set" => Some(Self::Set(rest.to_owned())),
            "user" => rest.parse().ok().map(Self::User),
            "runs" => rest.parse().ok().map(Self::Runs),
            "deny" => {
                let (exp, jti) = rest.split_once(':')?;
                Some(Self::Deny {
                    jti: jti.to_owned(),
                    exp: exp.parse().ok()?,
                })
            }
            _ => None,
        }
    }
}

/// The channel name.
fn channel(cluster: &Cluster) -> String {
    cluster.key("invalidate")
}

/// Publishes `event` to every instance (nothing when Redis is down: the TTLs bound staleness).
pub async fn publish(cluster: &Cluster, event: &Event) {
    let channel = channel(cluster);
    let message = event.encode();
    let _: Option<i64> = cluster
        .run(|mut conn| async move {
            redis::cmd("PUBLISH")
                .arg(&channel)
                .arg(&message)
                .query_async(&mut conn)
                .await
        })
        .await;
}

/// What the subscriber applies events to.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Session caches.
    pub auth: Arc<AuthState>,
    /// Feature caches.
    pub features: Arc<FeatureCache>,
    /// Answers derived from players' runs.
    pub runs: Arc<PlayerReads>,
}

impl Targets {
    async fn apply(&self, event: Event) {
        match event {
            Event::Feature(id) => self.features.drop_feature(&id).await,
            Event::Set(id) => self.features.drop_set(&id).await,
            Event::User(id) => self.auth.drop_user(id).await,
            Event::Runs(id) => self.runs.forget(id).await,
            Event::Deny { jti, exp } => self.auth.deny_locally(&jti, exp).await,
        }
    }

    fn drop_everything(&self) {
        self.features.drop_all();
        self.auth.drop_all_users();
        self.runs.forget_all();
    }
}

/// Subscribes for the life of the process, re-subscribing with backoff after any failure.
/// Returns once the first attempt has subscribed or failed, so an instance that starts serving
/// with Redis up already hears every later event.
pub async fn spawn_subscriber(cluster: Arc<Cluster>, targets: Targets) {
    let (ready, first) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut backoff = Duration::from_secs(1);
        let mut ready = Some(ready);
        loop {
            let result = subscribe(&cluster, &targets, &mut ready).await;
            cluster.set_listening(false);
            if let Some(tx) = ready.take() {
                let _ = tx.send(());
            }
            match result {
                Ok(()) => {
                    tracing::warn!("redis subscription ended; re-subscribing");
                    backoff = Duration::from_secs(1);
                }
                Err(e) => tracing::debug!(error = %e, "redis subscription failed"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    });
    let _ = tokio::time::timeout(super::CALL_TIMEOUT * 3, first).await;
}

/// One subscription: returns when the connection ends.
async fn subscribe(
    cluster: &Cluster,
    targets: &Targets,
    ready: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> redis::RedisResult<()> {
    let connect = cluster.client().get_async_pubsub();
    let mut pubsub = tokio::time::timeout(super::CALL_TIMEOUT, connect)
        .await
        .map_err(|_| redis::RedisError::from(std::io::Error::other("connect timed out")))??;
    pubsub.subscribe(channel(cluster)).await?;
    cluster.set_listening(true);
    // Anything published while we were not listening is lost: start from empty caches.
    targets.drop_everything();
    if let Some(tx) = ready.take() {
        let _ = tx.send(());
    }
    let mut messages = pubsub.on_message();
    while let Some(msg) = messages.next().await {
        let Ok(text) = msg.get_payload::<String>() else {
            continue;
        };
        match Event::decode(&text) {
            Some(event) => targets.apply(event).await,
            None => tracing::debug!(message = %text, "unknown invalidation ignored"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip() {
        let id = Uuid::new_v4();
        for e in [
            Event::Feature("f-1".into()),
            Event::Set("s:x".into()),
            Event::User(id),
            Event::Deny {
                jti: "a:b".into(),
                exp: 1_700_000_000,
            },
        ] {
            assert_eq!(Event::decode(&e.encode()), Some(e));
        }
        assert_eq!(Event::decode("nonsense"), None);
        assert_eq!(Event::decode("user:not-a-uuid"), None);
    }
}
