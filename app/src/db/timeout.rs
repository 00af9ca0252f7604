//! A client-side limit on every database statement: [`TimedDriver`] wraps a driver so that
//! each statement, transaction command, ping and connection handshake of its connections gives
//! up after `database.client_timeout_secs`.
//!
//! The server's own `statement_timeout` cannot help when the server itself stops answering (a
//! frozen process, a lost network path): the statement already sent would wait as long as the
//! freeze. When the limit fires, the statement fails with an error whose text says `timed out`
//! (so it answers 503, like any unreachable database), and the connection is marked broken: its
//! later statements fail at once, its ping fails, so the pool closes it instead of handing out a
//! connection with an unknown protocol state (a half-read answer, an open transaction).
//!
//! The pool pings a connection each time it lends it out. A connection whose last command
//! succeeded less than [`PING_AFTER_IDLE`] ago answers that ping itself, without a round trip:
//! under load that check used to double the round trips of every statement. A connection idle
//! longer, or whose last command failed, is pinged for real, so a restarted server's dead
//! connections are still found before they are lent out.

use std::{
    future::Future,
    pin::Pin,
    time::{Duration, Instant},
};

use futures_util::stream::BoxStream;
use rbdc::db::{ConnectOptions, Connection, Driver, ExecResult, Row};
use rbs::{Error, Value};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long after a successful command a connection's ping is answered without a round trip.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// A driver whose connections give up on any statement after `limit`.
#[derive(Debug)]
pub struct TimedDriver<D> {
    inner: D,
    limit: Duration,
}

impl<D> TimedDriver<D> {
    /// Wraps `inner`; `limit` applies to each statement and to opening a connection.
    pub fn new(inner: D, limit: Duration) -> Self {
        Self { inner, limit }
    }
}

fn timed_out(what: &str, limit: Duration) -> Error {
    Error::from(format!(
        "{what} timed out on the client after {} ms (database.client_timeout_secs)",
        limit.as_millis()
    ))
}

/// `fut` within `limit`, or the timeout error naming `what`.
async fn within<T>(
    limit: Duration,
    what: &str,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| Err(timed_out(what, limit)))
}

impl<D: Driver> Driver for TimedDriver<D> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn connect(&self, url: &str) -> BoxFuture<'_, Result<Box<dyn Connection>, Error>> {
        let connecting = self.inner.connect(url);
        let limit = self.limit;
        Box::pin(async move {
            let conn = within(limit, "connecting", connecting).await?;
            Ok(Box::new(TimedConnection::new(conn, limit)) as Box<dyn Connection>)
        })
    }

    fn connect_opt<'a>(
        &'a self,
        opt: &'a dyn ConnectOptions,
    ) -> BoxFuture<'a, Result<Box<dyn Connection>, Error>> {
        let connecting = self.inner.connect_opt(opt);
        let limit = self.limit;
        Box::pin(async move {
            let conn = within(limit, "connecting", connecting).await?;
            Ok(Box::new(TimedConnection::new(conn, limit)) as Box<dyn Connection>)
        })
    }

    fn default_option(&self) -> Box<dyn ConnectOptions> {
        self.inner.default_option()
    }

    fn column_type(&self, val: &Value) -> String {
        self.inner.column_type(val)
    }
}

/// A connection of a [`TimedDriver`]: broken for good once a limit fired.
struct TimedConnection {
    inner: Box<dyn Connection>,
    limit: Duration,
    broken: bool,
    /// When its last command succeeded; `None` after a failure.
    last_ok: Option<Instant>,
}

impl TimedConnection {
    fn new(inner: Box<dyn Connection>, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            broken: false,
            last_ok: Some(Instant::now()),
        }
    }

    /// An error when a limit fired before: the connection's protocol state is unknown.
    fn usable(&self) -> Result<(), Error> {
        if self.broken {
            Err(Error::from("connection closed after a client-side timeout"))
        } else {
            Ok(())
        }
    }

    /// The outcome of one timed command; marks the connection broken when the limit fired.
    fn settle<T>(
        &mut self,
        what: &str,
        outcome: Result<Result<T, Error>, tokio::time::error::Elapsed>,
    ) -> Result<T, Error> {
        let result = outcome.unwrap_or_else(|_| {
            self.broken = true;
            Err(timed_out(what, self.limit))
        });
        self.last_ok = result.is_ok().then(Instant::now);
        result
    }

    /// Whether its last command succeeded within [`PING_AFTER_IDLE`].
    fn recently_ok(&self) -> bool {
        !self.broken && self.last_ok.is_some_and(|t| t.elapsed() < PING_AFTER_IDLE)
    }
}

/// One timed command: `$call` on the inner connection within the limit.
macro_rules! timed {
    ($self:ident, $what:literal, |$c:ident| $call:expr) => {
        Box::pin(async move {
            $self.usable()?;
            let $c = &mut $self.inner;
            let outcome = tokio::time::timeout($self.limit, $call).await;
            $self.settle($what, outcome)
        })
    };
}

/// The rows of one statement, read within the statement's limit. A stream dropped before
/// its end leaves unread rows on the connection, which is then marked broken like a timeout.
struct TimedRows<'a> {
    rows: BoxStream<'a, Result<Box<dyn Row>, Error>>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
    broken: &'a mut bool,
    last_ok: &'a mut Option<Instant>,
    done: bool,
}

impl futures_util::Stream for TimedRows<'_> {
    type Item = Result<Box<dyn Row>, Error>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let polled = this.rows.as_mut().poll_next(cx);
        let item = match polled {
            Poll::Ready(Some(Ok(row))) => return Poll::Ready(Some(Ok(row))),
            Poll::Ready(Some(Err(e))) => {
                *this.last_ok = None;
                Some(Err(e))
            }
            Poll::Ready(None) => {
                *this.last_ok = Some(Instant::now());
                None
            }
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                *this.broken = true;
                *this.last_ok = None;
                Some(Err(timed_out("statement", this.limit)))
            }
        };
        this.done = true;
        Poll::Ready(item)
    }
}

impl Drop for TimedRows<'_> {
    fn drop(&mut self) {
        if !self.done {
            *self.broken = true;
        }
    }
}

impl Connection for TimedConnection {
    fn exec_rows(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> BoxFuture<'_, Result<BoxStream<'_, Result<Box<dyn Row>, Error>>, Error>> {
        let sql = sql.to_owned();
        let limit = self.limit;
        let usable = self.usable();
        let Self {
            inner,
            broken,
            last_ok,
            ..
        } = self;
        Box::pin(async move {
            usable?;
            let deadline = tokio::time::Instant::now() + limit;
            let rows = match tokio::time::timeout_at(deadline, inner.exec_rows(&sql, params)).await
            {
                Ok(Ok(rows)) => rows,
                Ok(Err(e)) => {
                    *last_ok = None;
                    return Err(e);
                }
                Err(_) => {
                    *broken = true;
                    *last_ok = None;
                    return Err(timed_out("statement", limit));
                }
            };
            let timed = TimedRows {
                rows,
                deadline: Box::pin(tokio::time::sleep_until(deadline)),
                limit,
                broken,
                last_ok,
                done: false,
            };
            Ok(Box::pin(timed) as BoxStream<'_, Result<Box<dyn Row>, Error>>)
        })
    }

    fn exec_decode(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> BoxFuture<'_, Result<Value, Error>> {
        let sql = sql.to_owned();
        timed!(self, "statement", |c| c.exec_decode(&sql, params))
    }

    fn exec(&mut self, sql: &str, params: Vec<Value>) -> BoxFuture<'_, Result<ExecResult, Error>> {
        let sql = sql.to_owned();
        timed!(self, "statement", |c| c.exec(&sql, params))
    }

    fn ping(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        if self.recently_ok() {
            return Box::pin(async { Ok(()) });
        }
        timed!(self, "ping", |c| c.ping())
    }

    fn close(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        if self.broken {
            // Nothing to say to a server that stopped answering: dropping the connection
            // closes its socket.
            return Box::pin(async { Ok(()) });
        }
        timed!(self, "close", |c| c.close())
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        timed!(self, "begin", |c| c.begin())
    }

    fn commit(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        timed!(self, "commit", |c| c.commit())
    }

    fn rollback(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        timed!(self, "rollback", |c| c.rollback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DbErrorKind, classify_db_error};

    /// A connection whose server answers pings, and statements only when `answers` is set.
    struct Fake {
        answers: bool,
        /// Pings that reached the server.
        pings: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Fake {
        fn new(answers: bool) -> Box<Self> {
            Box::new(Self {
                answers,
                pings: Default::default(),
            })
        }
    }

    impl Connection for Fake {
        fn exec_rows(
            &mut self,
            _sql: &str,
            _params: Vec<Value>,
        ) -> BoxFuture<'_, Result<BoxStream<'_, Result<Box<dyn Row>, Error>>, Error>> {
            // A server that sends no rows and never ends the answer, or an empty answer.
            let answers = self.answers;
            Box::pin(async move {
                let rows: BoxStream<'_, Result<Box<dyn Row>, Error>> = if answers {
                    Box::pin(futures_util::stream::empty())
                } else {
                    Box::pin(futures_util::stream::pending())
                };
                Ok(rows)
            })
        }

        fn exec(
            &mut self,
            _sql: &str,
            _params: Vec<Value>,
        ) -> BoxFuture<'_, Result<ExecResult, Error>> {
            let answers = self.answers;
            Box::pin(async move {
                if !answers {
                    std::future::pending::<()>().await;
                }
                Ok(ExecResult::default())
            })
        }

        fn ping(&mut self) -> BoxFuture<'_, Result<(), Error>> {
            self.pings
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Box::pin(async { Ok(()) })
        }

        fn close(&mut self) -> BoxFuture<'_, Result<(), Error>> {
            Box::pin(std::future::pending())
        }
    }

    const LIMIT: Duration = Duration::from_millis(50);

    #[tokio::test]
    async fn a_statement_without_an_answer_times_out_and_breaks_the_connection() {
        let mut conn = TimedConnection::new(Fake::new(false), LIMIT);
        let started = std::time::Instant::now();
        let err = conn
            .exec("UPDATE t SET x = 1", vec![])
            .await
            .unwrap_err()
            .to_string();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(err.contains("timed out on the client after 50 ms"), "{err}");
        assert_eq!(
            classify_db_error(&err),
            DbErrorKind::Unavailable,
            "so it answers 503"
        );
        // Broken for good: even a ping, which the server would answer, fails at once, so the
        // pool's check discards the connection; closing it sends nothing (the fake's close
        // would never finish).
        let err = conn.ping().await.unwrap_err().to_string();
        assert_eq!(classify_db_error(&err), DbErrorKind::Unavailable, "{err}");
        conn.close().await.unwrap();
    }

    #[tokio::test]
    async fn answers_within_the_limit_pass_through() {
        let mut conn = TimedConnection::new(Fake::new(true), LIMIT);
        for _ in 0..3 {
            conn.exec("UPDATE t SET x = 1", vec![]).await.unwrap();
            conn.ping().await.unwrap();
        }
        assert!(!conn.broken);
    }

    #[tokio::test]
    async fn only_a_connection_idle_past_the_window_or_after_a_failure_is_pinged_for_real() {
        let fake = Fake::new(true);
        let pings = fake.pings.clone();
        let reached = || pings.load(std::sync::atomic::Ordering::Relaxed);
        let mut conn = TimedConnection::new(fake, LIMIT);
        conn.exec("SELECT 1", vec![]).await.unwrap();
        conn.ping().await.unwrap();
        assert_eq!(reached(), 0, "just used: answered without a round trip");
        conn.last_ok = Instant::now().checked_sub(PING_AFTER_IDLE); // as after a second idle
        conn.ping().await.unwrap();
        assert_eq!(reached(), 1, "idle for the window: pinged for real");
        conn.ping().await.unwrap();
        assert_eq!(reached(), 1, "that ping succeeded, so the next is answered");
        conn.last_ok = None; // as after a failed command
        conn.ping().await.unwrap();
        assert_eq!(reached(), 2, "after a failure: pinged for real");
    }

    #[tokio::test]
    async fn rows_read_by_position_are_timed_too() {
        use futures_util::StreamExt;
        let mut conn = TimedConnection::new(Fake::new(false), LIMIT);
        let mut rows = conn.exec_rows("SELECT 1", vec![]).await.unwrap();
        let err = rows.next().await.unwrap().err().unwrap().to_string();
        assert!(err.contains("timed out on the client after 50 ms"), "{err}");
        drop(rows);
        assert!(
            conn.broken,
            "an answer cut short leaves the connection unusable"
        );

        let mut conn = TimedConnection::new(Fake::new(true), LIMIT);
        let mut rows = conn.exec_rows("SELECT 1", vec![]).await.unwrap();
        assert!(rows.next().await.is_none());
        drop(rows);
        assert!(!conn.broken);
        let rows = conn.exec_rows("SELECT 1", vec![]).await.unwrap();
        drop(rows); // before its end: unread rows may be left on the connection
        assert!(conn.broken);
    }
}
