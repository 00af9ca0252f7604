//! The outermost middleware: request id, client address, request span, timing, security
//! headers, and the uniform error body for every failure that reaches it (framework errors
//! included). Each request logs one line with its method, path, route template, user id (set
//! by the bearer check, never an email or token), status and duration.

use std::{sync::Arc, time::Instant};

use ipnet::IpNet;

use poem::{
    Endpoint, IntoResponse, Middleware, PathPattern, Request, Response, Result,
    http::{HeaderValue, StatusCode, header},
};
use tracing::Instrument;
use uuid::Uuid;

use super::{client_ip, problem};

/// Per-request facts reachable from anywhere inside the request's task.
#[derive(Debug, Clone)]
struct RequestInfo {
    id: String,
    expose_internal: bool,
}

tokio::task_local! {
    static REQUEST: RequestInfo;
}

/// The current request's id, or an empty string outside a request.
pub fn current_request_id() -> String {
    REQUEST.try_with(|r| r.id.clone()).unwrap_or_default()
}

/// Whether 500 bodies may carry internal detail (`debug = true` only).
pub fn expose_internal_errors() -> bool {
    REQUEST.try_with(|r| r.expose_internal).unwrap_or(false)
}

/// CSP for API responses: nothing may load, nothing may frame.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// CSP for the Swagger UI and ReDoc pages, whose scripts and styles are inline.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; \
    img-src 'self' data: https:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'";

/// Middleware settings.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Put internal error detail in 500 bodies.
    pub expose_internal: bool,
    /// Send `Strict-Transport-Security` (outside development).
    pub hsts: bool,
    /// Path prefixes served with [`DOCS_CSP`] instead of [`API_CSP`].
    pub docs_prefixes: Vec<String>,
    /// `server.trusted_proxies`: peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<[IpNet]>,
    /// Documented route names (`/api/v1/runs/{run_id}`) for the request log's `route`.
    pub routes: Arc<crate::metrics::track::RouteNames>,
}

impl<E: Endpoint> Middleware<E> for RequestContext {
    type Output = RequestContextEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RequestContextEndpoint {
            inner,
            cfg: self.clone(),
        }
    }
}

/// The endpoint produced by [`RequestContext`].
pub struct RequestContextEndpoint<E> {
    inner: E,
    cfg: RequestContext,
}

/// Keeps a caller's id only when it is 1–128 characters of `[A-Za-z0-9._:-]` (no log injection).
pub fn sanitize_request_id(raw: Option<&HeaderValue>) -> Option<String> {
    let s = raw?.to_str().ok()?;
    let ok = !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then(|| s.to_owned())
}

impl<E: Endpoint> Endpoint for RequestContextEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let started = Instant::now();
        let id = sanitize_request_id(req.headers().get("x-request-id"))
            .unwrap_or_else(|| Uuid::new_v4().to_string());
        let path = req.uri().path().to_owned();
        let method = req.method().clone();
        let authorized = req.headers().contains_key(header::AUTHORIZATION);
        let client = client_ip::resolve(&req, &self.cfg.trusted_proxies);
        if let Some(ip) = client {
            req.set_data(client_ip::ClientIp(ip));
        }
        let span = tracing::info_span!(
            "request",
            request_id = %id,
            method = %method,
            path = %path,
            client_ip = tracing::field::Empty,
            route = tracing::field::Empty,
            user_id = tracing::field::Empty,
        );
        if let Some(ip) = client {
            span.record("client_ip", tracing::field::display(ip));
        }
        let info = RequestInfo {
            id: id.clone(),
            expose_internal: self.cfg.expose_internal,
        };
        let mut resp = REQUEST
            .scope(info, async {
                match self.inner.call(req).await {
                    Ok(r) => r.into_response(),
                    Err(e) => problem::error_response(e),
                }
            })
            .instrument(span.clone())
            .await;

        if let Some(p) = resp.data::<PathPattern>() {
            span.record("route", self.cfg.routes.label(&p.0));
        }
        let status = resp.status();
        let headers = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&id) {
            headers.insert("x-request-id", v);
        }
        let elapsed = started.elapsed();
        if let Ok(v) = HeaderValue::from_str(&format!("{:.6}", elapsed.as_secs_f64())) {
            headers.insert("x-process-time", v);
        }
        let docs = self
            .cfg
            .docs_prefixes
            .iter()
            .any(|p| path.starts_with(p.as_str()));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if docs { DOCS_CSP } else { API_CSP }),
        );
        if self.cfg.hsts {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            );
        }
        // An answer to a credentialed request is that caller's: no shared cache may keep it
        // (RFC 9111 §5.2.2.7), unless the handler said otherwise (tokens: `no-store`).
        if authorized && !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
        }
        if status == StatusCode::UNAUTHORIZED && !headers.contains_key(header::WWW_AUTHENTICATE) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        let status = status.as_u16();
        let ms = elapsed.as_secs_f64() * 1000.0;
        span.in_scope(|| {
            if status >= 500 {
                tracing::error!(status, duration_ms = ms, "request failed");
            } else {
                tracing::info!(status, duration_ms = ms, "request completed");
            }
        });
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_sanitized() {
        let h = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(
            sanitize_request_id(Some(&h("abc-123_x.y:z"))).as_deref(),
            Some("abc-123_x.y:z")
        );
        assert_eq!(sanitize_request_id(Some(&h("bad id"))), None);
        assert_eq!(sanitize_request_id(Some(&h(""))), None);
        let long = HeaderValue::from_str(&"a".repeat(129)).ok();
        assert_eq!(sanitize_request_id(long.as_ref()), None);
        assert_eq!(sanitize_request_id(None), None);
    }
}
