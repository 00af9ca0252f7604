//! Request body size limit: 413 in the uniform body for anything larger than
//! `server.request_body_limit_bytes` (`server.upload_body_limit_bytes` on the upload paths),
//! whether announced by `Content-Length` or streamed chunked.
//! (poem's own `SizeLimit` answers 411 to chunked bodies and does not bound them.)

use poem::{Body, Endpoint, Middleware, Request, Result, error::ReadBodyError, http::StatusCode};

/// Middleware rejecting request bodies over `max_bytes`, or over `upload_max_bytes` on the
/// paths in `upload_paths`.
#[derive(Debug, Clone)]
pub struct BodyLimit {
    /// Largest accepted body in bytes.
    pub max_bytes: usize,
    /// Exact request paths that take file uploads.
    pub upload_paths: Vec<String>,
    /// Largest accepted body on `upload_paths`, in bytes.
    pub upload_max_bytes: usize,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        BodyLimitEndpoint {
            inner,
            max_bytes: self.max_bytes,
            upload_paths: self.upload_paths.clone(),
            upload_max_bytes: self.upload_max_bytes,
        }
    }
}

/// The endpoint produced by [`BodyLimit`].
pub struct BodyLimitEndpoint<E> {
    inner: E,
    max_bytes: usize,
    upload_paths: Vec<String>,
    upload_max_bytes: usize,
}

fn too_large() -> poem::Error {
    poem::Error::from_status(StatusCode::PAYLOAD_TOO_LARGE)
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let max_bytes = if self.upload_paths.iter().any(|p| p == req.uri().path()) {
            self.upload_max_bytes
        } else {
            self.max_bytes
        };
        let declared = req
            .headers()
            .get(poem::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match declared {
            Some(n) if n > max_bytes as u64 => return Err(too_large()),
            Some(_) => {}
            None if req
                .headers()
                .contains_key(poem::http::header::TRANSFER_ENCODING) =>
            {
                // Streamed: read at most the limit, then hand the bytes on.
                let bytes =
                    req.take_body()
                        .into_bytes_limit(max_bytes)
                        .await
                        .map_err(|e| match e {
                            ReadBodyError::PayloadTooLarge => too_large(),
                            other => poem::Error::from(other),
                        })?;
                req.set_body(Body::from_bytes(bytes));
            }
            None => {}
        }
        self.inner.call(req).await
    }
}
