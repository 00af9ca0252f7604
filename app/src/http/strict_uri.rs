//! Strict request targets: a path or query that is not valid UTF-8 once percent-decoded, or
//! that holds the NUL character (`%00`), answers 400 in the uniform error body before any
//! handler runs. No text column can hold NUL on PostgreSQL (`22021`), so such a value would
//! otherwise reach the database and fail there as a 500.

use percent_encoding::percent_decode_str;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result, http::StatusCode};

use crate::error::ApiError;

/// Why `part` (a raw path or query) is refused, if it is.
fn problem(part: &str) -> Option<&'static str> {
    // `+` is a space in a query; it cannot hide NUL or break UTF-8, so it needs no decoding.
    match percent_decode_str(part).decode_utf8() {
        Err(_) => Some("is not valid UTF-8 once percent-decoded"),
        Ok(text) if text.contains('\0') => Some("must not contain the NUL character (%00)"),
        Ok(_) => None,
    }
}

/// The middleware.
#[derive(Debug, Clone, Copy, Default)]
pub struct StrictUri;

impl<E: Endpoint> Middleware<E> for StrictUri {
    type Output = StrictUriEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        StrictUriEndpoint { inner: ep }
    }
}

/// [`StrictUri`] around an endpoint.
#[derive(Debug)]
pub struct StrictUriEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for StrictUriEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let uri = req.uri();
        let refused = problem(uri.path())
            .map(|p| format!("The request path {p}"))
            .or_else(|| {
                uri.query()
                    .and_then(problem)
                    .map(|p| format!("The query string {p}"))
            });
        if let Some(detail) = refused {
            return Ok(ApiError::new(StatusCode::BAD_REQUEST, detail).into_response());
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn nul_and_broken_utf8_are_refused_and_the_rest_passes() {
        assert!(problem("/api/v1/features/%00").is_some());
        assert!(problem("search=a%00b").is_some());
        assert!(problem("search=%ff%fe").is_some());
        assert!(problem("search=Kinras%E2%80%99s+Wrath&limit=5").is_none());
        assert!(problem("/api/v1/features/SAMPLE_ARC_FATECARVER").is_none());
    }
}
