//! The request-metrics middleware: counts each request by method, route template and status,
//! times it, and keeps the in-flight gauge.
//!
//! The route label is the pattern poem matched (`PathPattern`, which the router leaves on the
//! response, and which [`crate::http::problem`] keeps on error responses), written as in the
//! OpenAPI document (`/api/v1/runs/{run_id}`), so raw ids never become label values. Requests
//! that matched no route (404s, and 429s refused before routing) share the label
//! [`UNMATCHED`]; unusual methods share `OTHER`. The label sets stay bounded whatever clients
//! send.
//!
//! poem-openapi routes its operations under positional names (`/runs/:param0`); [`RouteNames`]
//! maps those back to the documented paths.

use std::{collections::HashMap, sync::Arc, time::Instant};

use poem::{
    Endpoint, IntoResponse, Middleware, PathPattern, Request, Response, Result, http::Method,
};

use super::Metrics;

/// The route label of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";

/// Matched patterns of OpenAPI operations (`/api/v1/runs/:param0`) → their documented paths
/// (`/api/v1/runs/{run_id}`).
#[derive(Debug, Clone, Default)]
pub struct RouteNames(HashMap<String, String>);

impl RouteNames {
    /// From the documented paths (`/runs/{run_id}`) of the operations mounted under `prefix`.
    pub fn new(prefix: &str, documented: impl IntoIterator<Item = String>) -> Self {
        Self(
            documented
                .into_iter()
                .map(|path| {
                    (
                        format!("{prefix}{}", positional(&path)),
                        format!("{prefix}{path}"),
                    )
                })
                .collect(),
        )
    }

    /// The documented name of a matched pattern (`/api/v1/runs/{run_id}`).
    pub fn label(&self, pattern: &str) -> String {
        self.0
            .get(pattern)
            .cloned()
            .unwrap_or_else(|| route_label(pattern))
    }
}

/// `/runs/{a}/x/{b}` → `/runs/:param0/x/:param1`, the form poem-openapi registers (and poem
/// reports as the matched [`PathPattern`]).
pub fn positional(documented: &str) -> String {
    let mut n = 0;
    documented
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') && seg.ends_with('}') {
                n += 1;
                format!(":param{}", n - 1)
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Middleware recording request metrics into [`Metrics`].
#[derive(Debug, Clone)]
pub struct TrackRequests {
    /// Where to record.
    pub metrics: Arc<Metrics>,
    /// Documented names of the OpenAPI operations' patterns.
    pub routes: Arc<RouteNames>,
}

impl<E: Endpoint> Middleware<E> for TrackRequests {
    type Output = TrackRequestsEndpoint<E>;
    fn transform(&self, inner: E) -> Self::Output {
        TrackRequestsEndpoint {
            inner,
            cfg: self.clone(),
        }
    }
}

/// The endpoint produced by [`TrackRequests`].
pub struct TrackRequestsEndpoint<E> {
    inner: E,
    cfg: TrackRequests,
}

impl<E: Endpoint> Endpoint for TrackRequestsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let _in_flight = self.cfg.metrics.in_flight();
        let started = Instant::now();
        let method = method_label(req.method());
        let result = self.inner.call(req).await.map(IntoResponse::into_response);
        let (status, pattern) = match &result {
            Ok(resp) => (resp.status(), resp.data::<PathPattern>()),
            Err(err) => (err.status(), err.data::<PathPattern>()),
        };
        let route = pattern.map_or_else(|| UNMATCHED.to_owned(), |p| self.cfg.routes.label(&p.0));
        self.cfg
            .metrics
            .observe_request(method, route, status.as_u16(), started.elapsed());
        result
    }
}

/// The standard methods by name; anything else is `OTHER`.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// poem's `/runs/:run_id` as OpenAPI's `/runs/{run_id}`; `/` for the empty root pattern.
fn route_label(pattern: &str) -> String {
    if pattern.is_empty() {
        return "/".into();
    }
    pattern
        .split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_labels_read_like_the_openapi_paths() {
        assert_eq!(route_label("/api/v1/runs/:run_id"), "/api/v1/runs/{run_id}");
        assert_eq!(
            route_label("/api/v1/runs/compare/:a/:b"),
            "/api/v1/runs/compare/{a}/{b}"
        );
        assert_eq!(route_label("/health"), "/health");
        assert_eq!(route_label(""), "/");
    }

    #[test]
    fn positional_patterns_get_their_documented_names() {
        let names = RouteNames::new(
            "/api/v1",
            [
                "/runs/compare/{run_id_a}/{run_id_b}".to_owned(),
                "/runs".to_owned(),
            ],
        );
        assert_eq!(
            names.label("/api/v1/runs/compare/:param0/:param1"),
            "/api/v1/runs/compare/{run_id_a}/{run_id_b}"
        );
        assert_eq!(names.label("/api/v1/runs"), "/api/v1/runs");
        assert_eq!(names.label("/health/:x"), "/health/{x}");
    }

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let odd = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "OTHER");
    }
}
