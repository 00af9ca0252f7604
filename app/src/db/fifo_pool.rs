//! The connection pool behind a first-in, first-out queue: [`FifoPool`].
//!
//! rbatis's pool (fast_pool) hands a returned connection to whichever waiting task its channel
//! wakes, not to the one that has waited longest. Under load (64 clients sharing 16
//! connections) a request could wait through several others' turns: `GET /runs` without the
//! cache had a p99 about twice its p50 (35–45 ms, against 23–27 ms for the hand-written server
//! of `../shared/bench/peer-list`). [`FifoPool`] puts a tokio [`Semaphore`], which is fair
//! (first in, first out), with one permit per connection in front of that pool: a request
//! waits its turn there, and the pool below always has a connection for a permit holder. The
//! same load then gave a p99 of 23–26 ms at the same throughput (`bench/README.md`, stop 33).

use std::{
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use futures_util::{future::BoxFuture, stream::BoxStream};
use rbdc::{
    db::{Connection, Driver, ExecResult, Row},
    pool::{ConnectionManager, Pool},
};
use rbs::{Error, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// fast_pool's own default for its size, until `set_max_open_conns` says otherwise.
const DEFAULT_MAX_OPEN: u64 = 32;

/// A pool `P` whose connections are lent out in the order they were asked for.
///
/// `set_max_open_conns` sizes both the queue and `P`; `set_timeout` bounds the whole wait (the
/// queue, then `P`), which fails with an error whose text starts `get_timeout`, like `P`'s own.
#[derive(Debug)]
pub struct FifoPool<P> {
    inner: P,
    permits: Arc<Semaphore>,
    /// The number of permits the queue is meant to have (lent out or not).
    max_open: Mutex<u64>,
    /// The longest wait for a connection; `None` waits as long as it takes.
    timeout: Mutex<Option<Duration>>,
    /// Tasks waiting in the queue now (reported as part of `state()`'s `waits`).
    queued: AtomicU64,
}

impl<P: Pool> FifoPool<P> {
    /// A connection of `P`, after this task's turn in the queue, within `limit`.
    async fn lend(&self, limit: Option<Duration>) -> Result<Box<dyn Connection>, Error> {
        let turn = async {
            let permit = {
                self.queued.fetch_add(1, Ordering::Relaxed);
                let _waited = Waiting(&self.queued);
                Arc::clone(&self.permits)
                    .acquire_owned()
                    .await
                    .map_err(|_| Error::from("the connection pool is closed"))?
            };
            let inner = match limit {
                Some(d) => self.inner.get_timeout(d).await?,
                None => self.inner.get().await?,
            };
            Ok(Box::new(Lent {
                inner,
                _permit: permit,
            }) as Box<dyn Connection>)
        };
        match limit {
            Some(d) => tokio::time::timeout(d, turn).await.unwrap_or_else(|_| {
                Err(Error::from(format!(
                    "get_timeout: no database connection free within {} ms",
                    d.as_millis()
                )))
            }),
            None => turn.await,
        }
    }
}

/// Counts a task out of the queue when its wait ends, however it ends.
struct Waiting<'a>(&'a AtomicU64);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[async_trait::async_trait]
impl<P: Pool> Pool for FifoPool<P> {
    fn new(manager: ConnectionManager) -> Result<Self, Error> {
        Ok(Self {
            inner: P::new(manager)?,
            permits: Arc::new(Semaphore::new(DEFAULT_MAX_OPEN as usize)),
            max_open: Mutex::new(DEFAULT_MAX_OPEN),
            timeout: Mutex::new(None),
            queued: AtomicU64::new(0),
        })
    }

    async fn get(&self) -> Result<Box<dyn Connection>, Error> {
        let limit = *self.timeout.lock().unwrap_or_else(PoisonError::into_inner);
        self.lend(limit).await
    }

    async fn get_timeout(&self, d: Duration) -> Result<Box<dyn Connection>, Error> {
        self.lend(Some(d)).await
    }

    async fn set_timeout(&self, timeout: Option<Duration>) {
        *self.timeout.lock().unwrap_or_else(PoisonError::into_inner) = timeout;
        self.inner.set_timeout(timeout).await;
    }

    async fn set_conn_max_lifetime(&self, max_lifetime: Option<Duration>) {
        self.inner.set_conn_max_lifetime(max_lifetime).await;
    }

    async fn set_max_idle_conns(&self, n: u64) {
        self.inner.set_max_idle_conns(n).await;
    }

    async fn set_max_open_conns(&self, n: u64) {
        let was = std::mem::replace(
            &mut *self.max_open.lock().unwrap_or_else(PoisonError::into_inner),
            n,
        );
        if n > was {
            self.permits.add_permits(to_usize(n - was));
        } else if was > n {
            // Permits lent out now are retired as they come back.
            let fewer = to_usize(was - n);
            let missing = fewer - self.permits.forget_permits(fewer);
            if missing > 0 {
                let permits = Arc::clone(&self.permits);
                tokio::spawn(async move {
                    if let Ok(p) = permits
                        .acquire_many_owned(u32::try_from(missing).unwrap_or(u32::MAX))
                        .await
                    {
                        p.forget();
                    }
                });
            }
        }
        self.inner.set_max_open_conns(n).await;
    }

    /// `P`'s figures, with the tasks waiting in the queue added to its `waits`.
    async fn state(&self) -> Value {
        let mut state = self.inner.state().await;
        let waits = state["waits"].as_u64().unwrap_or(0) + self.queued.load(Ordering::Relaxed);
        if let Value::Map(m) = &mut state {
            m.insert("waits".into(), waits.into());
        }
        state
    }

    fn driver_type(&self) -> &str {
        self.inner.driver_type()
    }

    fn driver(&self) -> &dyn Driver {
        self.inner.driver()
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A connection of the pool below with its turn's permit, given back after the connection
/// (fields drop in order), so the next task in the queue finds it idle.
struct Lent {
    inner: Box<dyn Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Connection for Lent {
    fn exec_rows(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> BoxFuture<'_, Result<BoxStream<'_, Result<Box<dyn Row>, Error>>, Error>> {
        self.inner.exec_rows(sql, params)
    }

    fn exec_decode(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> BoxFuture<'_, Result<Value, Error>> {
        self.inner.exec_decode(sql, params)
    }

    fn exec(&mut self, sql: &str, params: Vec<Value>) -> BoxFuture<'_, Result<ExecResult, Error>> {
        self.inner.exec(sql, params)
    }

    fn ping(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        self.inner.ping()
    }

    fn close(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        self.inner.close()
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        self.inner.begin()
    }

    fn commit(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        self.inner.commit()
    }

    fn rollback(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        self.inner.rollback()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool below that lends at once, as many as asked: only the queue limits.
    #[derive(Debug)]
    struct Unlimited;

    struct Nothing;

    impl Connection for Nothing {
        fn exec_rows(
            &mut self,
            _: &str,
            _: Vec<Value>,
        ) -> BoxFuture<'_, Result<BoxStream<'_, Result<Box<dyn Row>, Error>>, Error>> {
            Box::pin(async { Err(Error::from("no rows here")) })
        }

        fn exec(&mut self, _: &str, _: Vec<Value>) -> BoxFuture<'_, Result<ExecResult, Error>> {
            Box::pin(async { Ok(ExecResult::default()) })
        }

        fn ping(&mut self) -> BoxFuture<'_, Result<(), Error>> {
            Box::pin(async { Ok(()) })
        }

        fn close(&mut self) -> BoxFuture<'_, Result<(), Error>> {
            Box::pin(async { Ok(()) })
        }
    }

    #[async_trait::async_trait]
    impl Pool for Unlimited {
        fn new(_: ConnectionManager) -> Result<Self, Error> {
            Ok(Self)
        }

        async fn get(&self) -> Result<Box<dyn Connection>, Error> {
            Ok(Box::new(Nothing))
        }

        async fn get_timeout(&self, _: Duration) -> Result<Box<dyn Connection>, Error> {
            Ok(Box::new(Nothing))
        }

        async fn set_max_idle_conns(&self, _: u64) {}

        async fn set_max_open_conns(&self, _: u64) {}

        async fn state(&self) -> Value {
            let mut m = rbs::value::map::ValueMap::new();
            m.insert("waits".into(), 0u64.into());
            Value::Map(m)
        }

        fn driver_type(&self) -> &str {
            "none"
        }

        fn driver(&self) -> &dyn Driver {
            unimplemented!("not used by these tests")
        }
    }

    fn pool(max_open: u64) -> Arc<FifoPool<Unlimited>> {
        Arc::new(FifoPool {
            inner: Unlimited,
            permits: Arc::new(Semaphore::new(to_usize(max_open))),
            max_open: Mutex::new(max_open),
            timeout: Mutex::new(None),
            queued: AtomicU64::new(0),
        })
    }

    #[tokio::test]
    async fn connections_go_to_the_longest_waiting_first() {
        let pool = pool(1);
        let held = pool.get().await.expect("the first is free");
        let (order, mut served) = tokio::sync::mpsc::unbounded_channel();
        for n in 0..5 {
            let (queue, order) = (pool.clone(), order.clone());
            tokio::spawn(async move {
                let conn = queue.get().await.expect("served in turn");
                let _ = order.send(n);
                tokio::task::yield_now().await;
                drop(conn);
            });
            // Each task is queued before the next one starts.
            while pool.queued.load(Ordering::Relaxed) < n + 1 {
                tokio::task::yield_now().await;
            }
        }
        assert_eq!(pool.state().await["waits"].as_u64(), Some(5));
        drop(held);
        let mut got = Vec::new();
        for _ in 0..5 {
            got.push(served.recv().await.expect("all five are served"));
        }
        assert_eq!(got, [0, 1, 2, 3, 4]);
        assert_eq!(pool.state().await["waits"].as_u64(), Some(0));
    }

    #[tokio::test]
    async fn a_wait_past_the_timeout_is_a_get_timeout_error() {
        let pool = pool(1);
        pool.set_timeout(Some(Duration::from_millis(50))).await;
        let _held = pool.get().await.expect("the first is free");
        let Err(e) = pool.get().await else {
            panic!("no connection was free");
        };
        assert!(e.to_string().starts_with("get_timeout"), "{e}");
        assert_eq!(
            pool.queued.load(Ordering::Relaxed),
            0,
            "a timed-out wait leaves the queue"
        );
    }

    #[tokio::test]
    async fn the_size_follows_max_open_both_ways() {
        let pool = pool(2);
        pool.set_max_open_conns(4).await;
        assert_eq!(pool.permits.available_permits(), 4);
        let (a, b) = (pool.get().await, pool.get().await);
        pool.set_max_open_conns(1).await;
        // The two free permits are retired at once, one lent out when it comes back.
        assert_eq!(pool.permits.available_permits(), 0);
        drop((a, b));
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.permits.available_permits(), 1);
    }
}
