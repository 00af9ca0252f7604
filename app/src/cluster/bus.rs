//! Cache invalidation across instances over Redis pub/sub, on the channel
//! `{prefix}invalidate`. A write on one instance drops its own entries at once and publishes
//! `<topic>:<key>`; every instance's subscriber (its own included, harmlessly) hands the key to
//! the target registered for that topic.
//!
//! The bus knows no domain: each cache (or other per-instance state, such as the logout
//! denylist) implements [`Invalidate`], names its topics, and is registered once at startup
//! ([`Registry::register`]). Messages are lost while Redis is down, so each (re)subscription
//! first calls every target's [`Invalidate::drop_all`]; the subscriber re-subscribes in a loop
//! with backoff (1 s doubling to [`MAX_BACKOFF`]).

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, RwLock},
    time::Duration,
};

use futures_util::StreamExt;

use super::Cluster;

/// Longest wait between two subscription attempts: how long after Redis returns an instance
/// may still miss other instances' invalidations (readiness says so meanwhile).
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// What [`Invalidate::invalidate`] returns.
pub type Invalidation<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Per-instance state that other instances' writes invalidate.
pub trait Invalidate: Send + Sync {
    /// The topics it hears (`feature`, `user`, …). A topic belongs to one target; topics are
    /// plain words without `:`.
    fn topics(&self) -> &'static [&'static str];
    /// Applies `key`, published under `topic`, in this instance only.
    fn invalidate<'a>(&'a self, topic: &'a str, key: &'a str) -> Invalidation<'a>;
    /// Drops whatever may have been invalidated while events could be lost (the subscription
    /// broke). State that must survive (a denylist) keeps itself.
    fn drop_all(&self);
}

/// The targets of this process's subscriber, by topic. Cloning shares the registry.
#[derive(Clone, Default)]
pub struct Registry {
    targets: Arc<RwLock<Vec<Arc<dyn Invalidate>>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let topics: Vec<&str> = self
            .snapshot()
            .iter()
            .flat_map(|t| t.topics().iter().copied())
            .collect();
        f.debug_struct("Registry").field("topics", &topics).finish()
    }
}

impl Registry {
    /// Adds `target` for its topics; events published from now on reach it.
    pub fn register(&self, target: Arc<dyn Invalidate>) {
        if let Ok(mut targets) = self.targets.write() {
            targets.push(target);
        }
    }

    fn snapshot(&self) -> Vec<Arc<dyn Invalidate>> {
        self.targets.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// Hands one `<topic>:<key>` message to the target of its topic; `false` when no target
    /// hears that topic or the message has no `:`.
    pub async fn apply(&self, message: &str) -> bool {
        let Some((topic, key)) = message.split_once(':') else {
            return false;
        };
        let target = self
            .snapshot()
            .into_iter()
            .find(|t| t.topics().contains(&topic));
        match target {
            Some(t) => {
                t.invalidate(topic, key).await;
                true
            }
            None => false,
        }
    }

    /// Every target's [`Invalidate::drop_all`].
    pub fn drop_all(&self) {
        for t in self.snapshot() {
            t.drop_all();
        }
    }
}

/// The channel name.
fn channel(cluster: &Cluster) -> String {
    cluster.key("invalidate")
}

/// Publishes `<topic>:<key>` to every instance (nothing when Redis is down: the TTLs bound
/// staleness).
pub async fn publish(cluster: &Cluster, topic: &str, key: &str) {
    let channel = channel(cluster);
    let message = format!("{topic}:{key}");
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

/// Subscribes for the life of the process, re-subscribing with backoff after any failure.
/// Returns once the first attempt has subscribed or failed, so an instance that starts serving
/// with Redis up already hears every later event.
pub async fn spawn_subscriber(cluster: Arc<Cluster>, targets: Registry) {
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
    targets: &Registry,
    ready: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> redis::RedisResult<()> {
    let connect = cluster.client().get_async_pubsub();
    let mut pubsub = tokio::time::timeout(super::CALL_TIMEOUT, connect)
        .await
        .map_err(|_| redis::RedisError::from(std::io::Error::other("connect timed out")))??;
    pubsub.subscribe(channel(cluster)).await?;
    cluster.set_listening(true);
    // Anything published while we were not listening is lost: start from empty caches.
    targets.drop_all();
    if let Some(tx) = ready.take() {
        let _ = tx.send(());
    }
    let mut messages = pubsub.on_message();
    while let Some(msg) = messages.next().await {
        let Ok(text) = msg.get_payload::<String>() else {
            continue;
        };
        if !targets.apply(&text).await {
            tracing::debug!(message = %text, "unknown invalidation ignored");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Recorder {
        seen: Mutex<Vec<(String, String)>>,
        dropped: Mutex<u32>,
    }

    impl Invalidate for Recorder {
        fn topics(&self) -> &'static [&'static str] {
            &["a", "b"]
        }
        fn invalidate<'a>(&'a self, topic: &'a str, key: &'a str) -> Invalidation<'a> {
            Box::pin(async move {
                self.seen.lock().unwrap().push((topic.into(), key.into()));
            })
        }
        fn drop_all(&self) {
            *self.dropped.lock().unwrap() += 1;
        }
    }

    #[tokio::test]
    async fn messages_reach_the_target_of_their_topic_with_the_whole_key() {
        let registry = Registry::default();
        let target = Arc::new(Recorder::default());
        registry.register(target.clone());
        assert!(registry.apply("a:x").await);
        assert!(registry.apply("b:1700000000:jti:with:colons").await);
        assert!(!registry.apply("other:x").await);
        assert!(!registry.apply("nonsense").await);
        assert_eq!(
            *target.seen.lock().unwrap(),
            [
                ("a".to_owned(), "x".to_owned()),
                ("b".to_owned(), "1700000000:jti:with:colons".to_owned())
            ]
        );
        registry.drop_all();
        assert_eq!(*target.dropped.lock().unwrap(), 1);
    }
}
