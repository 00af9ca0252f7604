//! `GET /metrics`: every metric in the Prometheus text format (0.0.4). Served on the public
//! listener or on `metrics.bind`; outside the OpenAPI document and the rate limits. With
//! `metrics.token` set, a scrape without `Authorization: Bearer <token>` answers 401 in the
//! uniform error body.

use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::Data,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::{db::Db, error::ApiError};

use super::Metrics;

/// What a scrape reads: the registry, the pool it samples, and the bearer token a scrape must
/// present (`metrics.token`), if any. Given to the route as data.
#[derive(Debug, Clone)]
pub struct Scrape {
    /// The registry.
    pub metrics: std::sync::Arc<Metrics>,
    /// The pool whose figures are sampled at each scrape.
    pub db: Db,
    /// `metrics.token`.
    pub token: Option<SecretString>,
}

/// The scrape handler.
#[handler]
pub async fn scrape(req: &Request, state: Data<&Scrape>) -> Response {
    if let Some(token) = &state.token
        && !authorized(req, token)
    {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "A valid metrics bearer token is required",
        )
        .into_response();
    }
    match state.metrics.render(&state.db).await {
        Ok(body) => Response::builder()
            .header(
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )
            .header(header::CACHE_CONTROL, "no-store")
            .body(body),
        Err(e) => ApiError::from(crate::error::AppError::Internal(anyhow::anyhow!(
            "cannot encode metrics: {e}"
        )))
        .into_response(),
    }
}

/// Whether `req` carries `Authorization: Bearer <token>`. Digests are compared, so the time
/// taken says nothing about how much of a guess was right.
fn authorized(req: &Request, token: &SecretString) -> bool {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    presented.is_some_and(|p| {
        Sha256::digest(p.trim().as_bytes()) == Sha256::digest(token.expose_secret().as_bytes())
    })
}
