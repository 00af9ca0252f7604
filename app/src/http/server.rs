//! The connection layer: accepts TCP connections and serves a poem endpoint on each with hyper,
//! bounded so connections alone cannot make the service unreachable (issue 20):
//!
//! - **header read timeout**: a request head not complete within `header_read_timeout` closes
//!   the connection (slowloris); hyper's timer also runs while a keep-alive connection waits
//!   for its next request, so idle connections are closed after the same time;
//! - **request head size**: past `max_header_bytes`, 431;
//! - **uniform bodies**: hyper's own 400, 414 and 431 and the 503 past the cap carry the uniform
//!   error body and an `X-Request-ID` ([`super::connection_errors`]);
//! - **connection cap**: past `max_connections`, a connection gets a fast `503` with
//!   `Retry-After: 1` in the uniform error body and is closed, without reading its request;
//! - **accept errors** (the open-file limit reached, `EMFILE`) back off up to a second instead
//!   of spinning, logged at most once every few seconds;
//! - **graceful shutdown**: stop accepting, let each connection finish its in-flight request,
//!   and close whatever remains after the grace period.
//!
//! poem's own `Server` has none of the first four; this replaces it and hands each request to
//! the same endpoint through poem's public conversions.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto,
};
use poem::{
    Addr, Endpoint, EndpointExt, IntoEndpoint, Response,
    web::{LocalAddr, RemoteAddr},
};
use tokio::{
    io::AsyncWriteExt,
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
};

use super::connection_errors::{self, UniformParseErrors};
use crate::config::{MIN_HEADER_BYTES, ServerSettings};

/// The connection limits of [`serve`], from `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send a complete request head; also the keep-alive idle limit.
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Largest request head, bytes (at least 8,192).
    pub max_header_bytes: usize,
}

impl Limits {
    /// The limits configured in `settings`.
    pub fn from_settings(settings: &ServerSettings) -> Self {
        Self {
            header_read_timeout: Duration::from_secs(settings.header_read_timeout_secs.max(1)),
            max_connections: settings.max_connections.max(1),
            max_header_bytes: settings.max_header_bytes.max(MIN_HEADER_BYTES),
        }
    }
}

/// Files kept free of connections: the database pool, Redis, migrations, logs, uploads.
const RESERVED_FILES: u64 = 128;

/// Raises this process's open-file soft limit to its hard limit (a connection is a file), logs
/// it, and returns `limits` with `max_connections` lowered to fit under it (less
/// [`RESERVED_FILES`]), so the cap is met before the accept loop can run out of files.
/// Best effort: on failure the current limit stays and is logged.
pub fn fit_open_file_limit(mut limits: Limits) -> Limits {
    let files = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(files) => files,
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(u64::MAX, |(soft, _)| soft)
        }
    };
    let room = usize::try_from(files.saturating_sub(RESERVED_FILES).max(1)).unwrap_or(usize::MAX);
    if room < limits.max_connections {
        tracing::warn!(
            open_files = files,
            configured = limits.max_connections,
            max_connections = room,
            "server.max_connections lowered to fit the open-file limit"
        );
        limits.max_connections = room;
    }
    tracing::info!(
        open_files = files,
        max_connections = limits.max_connections,
        "connection limits"
    );
    limits
}

/// Whether an accept error means the process ran out of a resource (files, memory), so
/// accepting again at once would fail the same way.
fn is_resource_exhaustion(e: &std::io::Error) -> bool {
    // EMFILE 24, ENFILE 23, ENOBUFS 105, ENOMEM 12 (Linux numbering).
    matches!(e.raw_os_error(), Some(24 | 23 | 105 | 12))
}

/// Serves `ep` on `listener` within `limits` until `shutdown` resolves, then stops accepting
/// and gives open connections `grace` to finish their in-flight requests.
///
/// # Errors
/// Never at present: accept errors are retried with backoff; kept for the caller's `try_join`.
pub async fn serve<E>(
    listener: TcpListener,
    ep: E,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> std::io::Result<()>
where
    E: IntoEndpoint,
    E::Endpoint: 'static,
{
    let ep = Arc::new(ep.into_endpoint().map_to_response());
    let local = listener.local_addr()?;
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = watch::channel(false);
    let mut backoff = Duration::ZERO;
    let mut last_warning: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            a = listener.accept() => a,
        };
        let (stream, remote) = match accepted {
            Ok(a) => {
                backoff = Duration::ZERO;
                a
            }
            Err(e) if is_resource_exhaustion(&e) => {
                backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                if last_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(5)) {
                    tracing::warn!(error = %e, retry_in_ms = backoff.as_millis(), "cannot accept connections: out of a resource");
                    last_warning = Some(Instant::now());
                }
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(backoff) => continue,
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "accept failed");
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tokio::spawn(shed(stream));
            continue;
        };
        let ep = ep.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            serve_connection(stream, local, remote, ep, limits, stopped).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it ends: all back means all closed.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(grace, permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = grace.as_secs(),
            "connections still open after the grace period"
        );
    }
    Ok(())
}

/// Answers a connection past the cap with 503 and closes it, giving a slow reader a second.
async fn shed(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&connection_errors::overloaded()).await?;
        stream.shutdown().await
    })
    .await;
}

async fn serve_connection<E>(
    stream: TcpStream,
    local: SocketAddr,
    remote: SocketAddr,
    ep: Arc<E>,
    limits: Limits,
    mut stopped: watch::Receiver<bool>,
) where
    E: Endpoint<Output = Response> + 'static,
{
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |req: poem::http::Request<Incoming>| {
        let ep = ep.clone();
        async move {
            let req = (
                req,
                LocalAddr(Addr::SocketAddr(local)),
                RemoteAddr(Addr::SocketAddr(remote)),
                poem::http::uri::Scheme::HTTP,
            )
                .into();
            let resp: hyper::Response<_> = ep.get_response(req).await.into();
            Ok::<hyper::Response<http_body_util::combinators::BoxBody<_, _>>, Infallible>(resp)
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX))
        .keep_alive_interval(Some(Duration::from_secs(30)));
    let io = UniformParseErrors::new(stream, limits.max_header_bytes);
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::pin!(conn);
    let stop = async {
        let _ = stopped.wait_for(|s| *s).await;
    };
    tokio::select! {
        _ = conn.as_mut() => return,
        () = stop => {}
    }
    // Shutting down: finish the request in flight, then close.
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}
