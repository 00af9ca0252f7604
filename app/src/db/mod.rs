//! Storage: one [`Db`] handle over rbatis, PostgreSQL (`rbdc-pg`) or SQLite (`rbdc-sqlite`),
//! chosen by the URL scheme. Dialect differences live in [`Dialect`], nowhere else.

pub mod dialect;
pub mod fifo_pool;
pub mod migrate;
pub mod new_migration;
pub mod outage;
pub mod rows;
pub mod timeout;

use std::{
    path::Path,
    str::FromStr,
    sync::{
        Arc,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
    time::Duration,
};

use rbatis::RBatis;
use rbs::Value;
use serde::de::DeserializeOwned;

pub use dialect::Dialect;
pub use timeout::TimedDriver;

use crate::config::{DatabaseSettings, redact_url};

/// A connected database: the rbatis pool plus its dialect. Cheap to clone (shared pool).
#[derive(Clone, Debug)]
pub struct Db {
    /// The rbatis handle (pool inside).
    pub rb: RBatis,
    /// Which SQL dialect the pool speaks.
    pub dialect: Dialect,
    statements: Arc<StatementCounter>,
}

/// Watches every SQL statement sent through the pool: counts them (for `/metrics` and the
/// tests that prove an endpoint's statement count does not grow with the data), and notices
/// the database refusing a write for lack of space (SQLite `SQLITE_FULL`, PostgreSQL `53100`
/// disk full / `53200` out of memory), which readiness reports until a write succeeds again.
/// It replaces rbatis's default interceptors: the SQL logger (which logs bound values, secrets
/// included) and `Page` rewriting, which this code does not use.
#[derive(Debug, Default)]
pub struct StatementCounter {
    statements: AtomicU64,
    storage_full: AtomicU64,
    /// Unix milliseconds of the last refusal for space, 0 once a write succeeded after it.
    full_since_ms: AtomicI64,
}

#[rbatis::async_trait]
impl rbatis::intercept::Intercept for StatementCounter {
    async fn before(
        &self,
        _task_id: i64,
        _rb: &dyn rbatis::executor::Executor,
        _sql: &mut String,
        _args: &mut Vec<Value>,
        _result: rbatis::intercept::ResultType<
            &mut Result<rbatis::rbdc::db::ExecResult, rbatis::Error>,
            &mut Result<Value, rbatis::Error>,
        >,
    ) -> Result<rbatis::intercept::Action, rbatis::Error> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        Ok(rbatis::intercept::Action::Next)
    }

    async fn after(
        &self,
        _task_id: i64,
        _rb: &dyn rbatis::executor::Executor,
        _sql: &mut String,
        _args: &mut Vec<Value>,
        result: rbatis::intercept::ResultType<
            &mut Result<rbatis::rbdc::db::ExecResult, rbatis::Error>,
            &mut Result<Value, rbatis::Error>,
        >,
    ) -> Result<rbatis::intercept::Action, rbatis::Error> {
        match &result {
            rbatis::intercept::ResultType::Exec(Ok(_)) => self.succeeded(true),
            rbatis::intercept::ResultType::Query(Ok(_)) => self.succeeded(false),
            rbatis::intercept::ResultType::Exec(Err(e))
            | rbatis::intercept::ResultType::Query(Err(e)) => self.failed(e),
        }
        Ok(rbatis::intercept::Action::Next)
    }
}

impl StatementCounter {
    /// A statement succeeded; a write ends a storage-full episode.
    fn succeeded(&self, write: bool) {
        if write {
            self.full_since_ms.store(0, Ordering::Relaxed);
        }
        outage::statement_succeeded();
    }

    /// A statement failed: a refusal for lack of space is counted and remembered.
    fn failed(&self, e: &rbatis::Error) {
        if crate::error::classify_db_error(&e.to_string()) == crate::error::DbErrorKind::StorageFull
        {
            self.storage_full.fetch_add(1, Ordering::Relaxed);
            self.full_since_ms.store(
                chrono::Utc::now().timestamp_millis().max(1),
                Ordering::Relaxed,
            );
        }
    }
}

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL's scheme is neither `postgres://`, `postgresql://` nor `sqlite://`.
    #[error("unsupported database URL {0}: use postgres://… or sqlite://…")]
    UnsupportedUrl(String),
    /// The URL does not parse for its driver.
    #[error("invalid database URL {url}: {reason}")]
    InvalidUrl {
        /// The URL with its password redacted.
        url: String,
        /// The driver's complaint.
        reason: String,
    },
    /// The database did not answer before the deadline.
    #[error("database {url} unreachable after {attempts} attempts over {secs} s: {last_error}")]
    Unreachable {
        /// The URL with its password redacted.
        url: String,
        /// How many connection attempts were made.
        attempts: u32,
        /// The configured deadline in seconds.
        secs: u64,
        /// The last attempt's error.
        last_error: String,
    },
    /// An error from rbatis or the driver.
    #[error(transparent)]
    Rbatis(#[from] rbatis::Error),
}

/// The pool every connection comes from: rbatis's own, lent out first in, first out.
type ConnectionPool = fifo_pool::FifoPool<rbatis::DefaultPool>;

impl Db {
    /// Builds the pool for `settings.url` without connecting yet (connections open lazily).
    ///
    /// SQLite: the parent folder of the file is created when missing, the busy timeout is the
    /// statement timeout. PostgreSQL: `statement_timeout` is set on every connection. Both:
    /// the client gives up on any statement after `client_timeout_secs` ([`TimedDriver`]).
    ///
    /// # Errors
    /// [`DbError::UnsupportedUrl`], [`DbError::InvalidUrl`], or a pool setup error.
    pub async fn open(settings: &DatabaseSettings) -> Result<Self, DbError> {
        let url = settings.url.as_str();
        let dialect =
            Dialect::from_url(url).ok_or_else(|| DbError::UnsupportedUrl(redact_url(url)))?;
        let invalid = |reason: String| DbError::InvalidUrl {
            url: redact_url(url),
            reason,
        };
        let statement_timeout = Duration::from_secs(settings.statement_timeout_secs);
        let client_timeout = Duration::from_secs(settings.client_timeout_secs.max(1));
        let mut rb = RBatis::new();
        let statements = Arc::new(StatementCounter::default());
        rb.set_intercepts(vec![statements.clone()]);
        match dialect {
            Dialect::Postgres => {
                let opts = rbdc_pg::options::PgConnectOptions::from_str(url)
                    .map_err(|e| invalid(e.to_string()))?
                    .options([(
                        "statement_timeout",
                        statement_timeout.as_millis().to_string(),
                    )]);
                rb.init_option::<TimedDriver<rbdc_pg::PgDriver>, _, ConnectionPool>(
                    TimedDriver::new(rbdc_pg::PgDriver {}, client_timeout),
                    opts,
                )?;
            }
            Dialect::Sqlite => {
                create_sqlite_parent_dir(url);
                let opts = rbdc_sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(|e| invalid(e.to_string()))?
                    .busy_timeout(statement_timeout);
                rb.init_option::<TimedDriver<rbdc_sqlite::SqliteDriver>, _, ConnectionPool>(
                    TimedDriver::new(rbdc_sqlite::SqliteDriver {}, client_timeout),
                    opts,
                )?;
            }
        }
        let pool = rb.get_pool()?;
        pool.set_max_open_conns(settings.max_connections).await;
        pool.set_max_idle_conns(settings.max_connections).await;
        pool.set_timeout(Some(Duration::from_secs(settings.acquire_timeout_secs)))
            .await;
        pool.set_conn_max_lifetime(Some(Duration::from_secs(1800)))
            .await;
        Ok(Self {
            rb,
            dialect,
            statements,
        })
    }

    /// Opens the pool and waits until the database answers, retrying with exponential backoff
    /// (0.25 s doubling up to 5 s) until `settings.connect_deadline_secs`, logging each attempt.
    ///
    /// # Errors
    /// [`DbError::Unreachable`] when the deadline passes; the errors of [`Db::open`].
    pub async fn connect_with_retry(settings: &DatabaseSettings) -> Result<Self, DbError> {
        let db = Self::open(settings).await?;
        let deadline =
            tokio::time::Instant::now() + Duration::from_secs(settings.connect_deadline_secs);
        let mut delay = Duration::from_millis(250);
        let mut attempts = 0;
        loop {
            attempts += 1;
            match db.ping().await {
                Ok(()) => return Ok(db),
                Err(e) => {
                    let now = tokio::time::Instant::now();
                    if now >= deadline {
                        return Err(DbError::Unreachable {
                            url: redact_url(&settings.url),
                            attempts,
                            secs: settings.connect_deadline_secs,
                            last_error: e.to_string(),
                        });
                    }
                    tracing::warn!(
                        attempt = attempts,
                        retry_in_ms = delay.as_millis() as u64,
                        error = %e,
                        "database not reachable yet"
                    );
                    tokio::time::sleep(delay.min(deadline - now)).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// SQL statements sent so far through this pool (all clones share the count).
    pub fn statement_count(&self) -> u64 {
        self.statements.statements.load(Ordering::Relaxed)
    }

    /// Writes the database refused for lack of space so far (all clones share the count).
    pub fn storage_full_count(&self) -> u64 {
        self.statements.storage_full.load(Ordering::Relaxed)
    }

    /// Seconds since the database last refused a write for lack of space, when no write has
    /// succeeded since; `None` when writes succeed.
    pub fn storage_full_for_secs(&self) -> Option<i64> {
        match self.statements.full_since_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some((chrono::Utc::now().timestamp_millis() - ms).max(0) / 1000),
        }
    }

    /// A transaction for a write that may read first (a permission check, a lookup).
    ///
    /// On SQLite it takes the write lock at once: SQLite's deferred `BEGIN` takes it only at
    /// the first write, and a transaction that has read by then cannot wait for another writer
    /// (it would deadlock), so it failed at once with "database is locked" instead of waiting
    /// the busy timeout. A write that changes nothing (`schema_migrations`, always there) takes
    /// the lock up front, waiting like any write. PostgreSQL needs nothing.
    ///
    /// # Errors
    /// The driver's error when no connection can be had or the lock cannot be taken.
    pub async fn begin_write(&self) -> Result<rbatis::executor::RBatisTxExecutor, rbatis::Error> {
        let tx = self.rb.acquire_begin().await?;
        if self.dialect == Dialect::Sqlite
            && let Err(e) = tx
                .exec(
                    "UPDATE schema_migrations SET version = version WHERE 1 = 0",
                    vec![],
                )
                .await
        {
            let _ = tx.rollback().await;
            return Err(e);
        }
        Ok(tx)
    }

    /// One round trip (`SELECT 1`).
    ///
    /// # Errors
    /// The driver's error when no connection can be had or the statement fails.
    pub async fn ping(&self) -> Result<(), rbatis::Error> {
        self.rb.query("SELECT 1", vec![]).await.map(|_| ())
    }

    /// Runs a query and returns each row as its column values in `SELECT` order
    /// (`Value::Array`). Generated code decodes such a row by position
    /// ([`crate::model::Row`]): no map per row and no column name per value, which `rb.query`
    /// builds and the list path does not need. See [`Db::for_each_row`].
    ///
    /// # Errors
    /// As [`Db::for_each_row`].
    pub async fn query_columns(
        &self,
        sql: &str,
        args: Vec<Value>,
    ) -> Result<Vec<Value>, rbatis::Error> {
        let mut rows = Vec::new();
        self.for_each_row(sql, args, |columns| {
            rows.push(Value::Array(columns));
            Ok::<_, rbatis::Error>(())
        })
        .await?;
        Ok(rows)
    }

    /// Runs a query and hands each row, as its column values in `SELECT` order, to `each` as
    /// the driver reads it: a large answer is folded without being held whole. Counted and timed
    /// like every other statement (a stream cut short by `each`'s error breaks the connection,
    /// whose unread rows the pool must not lend out).
    ///
    /// # Errors
    /// The driver's error when no connection can be had, the statement fails or times out;
    /// `each`'s first error, which stops the reading.
    pub async fn for_each_row<E: From<rbatis::Error>>(
        &self,
        sql: &str,
        args: Vec<Value>,
        mut each: impl FnMut(Vec<Value>) -> Result<(), E>,
    ) -> Result<(), E> {
        use futures_util::StreamExt;
        self.statements.statements.fetch_add(1, Ordering::Relaxed);
        let mut failed = None;
        let result = async {
            let mut conn = self.rb.get_pool()?.get().await?;
            let mut stream = conn.exec_rows(sql, args).await?;
            // Every row of one statement has its columns: asked once (each call boxes a copy).
            let mut width = None;
            while let Some(row) = stream.next().await {
                let mut row = row?;
                let n = *width.get_or_insert_with(|| row.meta_data().column_len());
                let mut columns = Vec::with_capacity(n);
                for i in 0..n {
                    columns.push(row.get(i)?);
                }
                if let Err(e) = each(columns) {
                    failed = Some(e);
                    break;
                }
            }
            Ok::<_, rbatis::Error>(())
        }
        .await;
        match &result {
            Ok(()) => self.statements.succeeded(false),
            Err(e) => self.statements.failed(e),
        }
        result?;
        failed.map_or(Ok(()), Err)
    }

    /// Runs `sql` with bound `args` and decodes every row into `T`.
    ///
    /// # Errors
    /// Driver errors, or a row that does not decode into `T`.
    pub async fn fetch_all<T: DeserializeOwned>(
        &self,
        sql: &str,
        args: Vec<Value>,
    ) -> Result<Vec<T>, rbatis::Error> {
        rbatis::decode(self.rb.query(sql, args).await?)
    }
}

/// `sqlite://data/ebo.db` → creates `data/` so the first start works on a fresh checkout.
fn create_sqlite_parent_dir(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return;
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        tracing::warn!(folder = %parent.display(), error = %e, "cannot create the SQLite data folder");
    }
}
