//! `Application::build` (connect, migrate, bind) is separate from `run_until_stopped`, so the
//! tests boot exactly the production code path on port 0 (STYLE §1, zero-to-production).

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use tokio::net::TcpListener;

use crate::{
    auth::sessions::AuthState,
    cluster::{Cluster, bus},
    config::Settings,
    db::{Db, migrate},
    http::{
        rate_limit::{self, RateLimits},
        server,
    },
    mail::worker::{Worker, WorkerError},
    state::AppState,
};

/// A bound, migrated, ready-to-serve application.
pub struct Application {
    acceptor: TcpListener,
    addr: SocketAddr,
    /// The separate metrics listener (`metrics.bind`), when configured.
    metrics: Option<(TcpListener, SocketAddr)>,
    state: AppState,
    /// The mail outbox worker, started with the server.
    mail: Worker,
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration has problems; each is listed.
    #[error("invalid configuration:\n  - {}", .0.join("\n  - "))]
    Config(Vec<String>),
    /// The database could not be reached or opened.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// Migrations could not be applied.
    #[error(transparent)]
    Migrate(#[from] migrate::MigrateError),
    /// The built-in feature sample could not be loaded.
    #[error("cannot load the built-in feature sample: {0}")]
    Sample(crate::error::AppError),
    /// JWT key files could not be loaded.
    #[error(transparent)]
    Keys(#[from] crate::auth::token::KeyError),
    /// `redis.url` does not parse.
    #[error("invalid redis.url: {0}")]
    Redis(String),
    /// The mail worker could not be set up.
    #[error(transparent)]
    Mail(#[from] WorkerError),
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

impl Application {
    /// Validates `settings`, connects to the database (retrying until the configured deadline),
    /// applies pending migrations when `database.migrate_on_start`, and binds the listener.
    ///
    /// # Errors
    /// [`StartupError`] naming what failed.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let problems = settings.problems();
        if !problems.is_empty() {
            return Err(StartupError::Config(problems));
        }
        let db = Db::connect_with_retry(&settings.database).await?;
        if settings.database.migrate_on_start {
            let applied = migrate::up(&db).await?;
            tracing::info!(
                count = applied.len(),
                dialect = db.dialect.name(),
                "migrations applied at start"
            );
        }
        let (acceptor, addr) = bind(&format!(
            "{}:{}",
            settings.server.host, settings.server.port
        ))
        .await?;
        let metrics = match settings.metrics.bind.filter(|_| settings.metrics.enabled) {
            Some(at) => Some(bind(&at.to_string()).await?),
            None => None,
        };
        if settings.email.smtp_url.is_none()
            && settings.environment == crate::config::Environment::Production
        {
            tracing::warn!(
                folder = %settings.email.file_dir,
                "email.smtp_url is unset: mail (verification and reset links) is written as .eml files there, not sent"
            );
        }
        let cluster = Cluster::from_settings(&settings.redis)
            .map_err(|e| StartupError::Redis(e.to_string()))?;
        if let Some(c) = &cluster {
            c.start().await;
        }
        let auth = Arc::new(AuthState::new(&settings.auth)?.with_cluster(cluster.clone()));
        let limits = Arc::new(RateLimits::new(&settings.rate_limit).with_cluster(cluster.clone()));
        rate_limit::spawn_shrinker(limits.clone());
        crate::features::sample::load_if_empty(&db, &settings)
            .await
            .map_err(StartupError::Sample)?;
        let features = Arc::new(
            crate::features::cache::FeatureCache::new(&settings.features)
                .with_cluster(cluster.clone()),
        );
        let state = AppState::new(settings, db, auth, limits, features, cluster);
        let mail = Worker::new(state.db.clone(), &state.settings.email, state.mail.clone())?;
        // The one place that knows every cache: each registers for its topics.
        state.invalidation.register(state.auth.clone());
        state.invalidation.register(state.features.clone());
        state.invalidation.register(state.player_reads.clone());
        if let Some(c) = &state.cluster {
            bus::spawn_subscriber(c.clone(), state.invalidation.clone()).await;
        }
        Ok(Self {
            acceptor,
            addr,
            metrics,
            state,
            mail,
        })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The separate metrics listener's bound address, when `metrics.bind` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, a)| *a)
    }

    /// The shared state (database handle, settings).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves (the public listener, and the metrics listener when configured) until `shutdown`
    /// completes, then stops accepting, lets in-flight requests finish for up to
    /// `server.shutdown_timeout_secs`, and drops the pool.
    ///
    /// # Errors
    /// I/O errors of either server (the other one is then stopped too).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        let grace = Duration::from_secs(self.state.settings.server.shutdown_timeout_secs);
        let limits =
            server::fit_open_file_limit(server::Limits::from_settings(&self.state.settings.server));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let signalled = move || {
            let mut rx = stopped.clone();
            async move {
                let _ = rx.wait_for(|s| *s).await;
            }
        };
        tracing::info!(addr = %self.addr, "listening");
        let main = server::serve(
            self.acceptor,
            crate::routes::app(self.state.clone()),
            limits,
            signalled(),
            grace,
        );
        let mail = tokio::spawn(self.mail.run(signalled()));
        let side_state = self.state.clone();
        let side = async move {
            match self.metrics {
                Some((listener, addr)) => {
                    tracing::info!(%addr, "metrics listening");
                    server::serve(
                        listener,
                        crate::routes::metrics_app(side_state),
                        limits,
                        signalled(),
                        grace,
                    )
                    .await
                }
                None => Ok(()),
            }
        };
        let servers = async { tokio::try_join!(main, side).map(|_| ()) };
        tokio::pin!(servers, shutdown);
        let result = tokio::select! {
            r = &mut servers => r,
            () = &mut shutdown => {
                let _ = stop.send(true);
                servers.await
            }
        };
        let _ = mail.await;
        drop(self.state);
        tracing::info!("server stopped; database pool closed");
        result
    }
}

/// Binds `addr` (`host:port`; port 0 picks a free one) and reports the real address.
async fn bind(addr: &str) -> Result<(TcpListener, SocketAddr), StartupError> {
    let failed = |source| StartupError::Bind {
        addr: addr.to_owned(),
        source,
    };
    let listener = TcpListener::bind(addr).await.map_err(failed)?;
    let bound = listener.local_addr().map_err(failed)?;
    Ok((listener, bound))
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        () = term => tracing::info!("SIGTERM received, shutting down"),
    }
}
