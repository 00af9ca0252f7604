//! Response compression (gzip or br, negotiated from `Accept-Encoding` with q-values) for
//! bodies of at least `server.compression_min_bytes`. poem's `Compression` middleware has no
//! size threshold and also inflates request bodies (a way around the body limit), so this
//! wrapper negotiates and measures, then uses poem's `Compress` encoder.

use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response, Result,
    http::{HeaderValue, header},
    web::{Compress, CompressionAlgo},
};

/// Middleware compressing large enough, compressible responses.
#[derive(Debug, Clone, Copy)]
pub struct Compression {
    /// Smallest body, in bytes, worth compressing.
    pub min_bytes: usize,
}

impl<E: Endpoint> Middleware<E> for Compression {
    type Output = CompressionEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        CompressionEndpoint {
            inner,
            min_bytes: self.min_bytes,
        }
    }
}

/// The endpoint produced by [`Compression`].
pub struct CompressionEndpoint<E> {
    inner: E,
    min_bytes: usize,
}

/// The preferred encoding among br and gzip for an `Accept-Encoding` value (`q=0` refuses one;
/// on equal weight br wins), or `None`.
pub fn negotiate(accept: &str) -> Option<CompressionAlgo> {
    let mut best: Option<(CompressionAlgo, f32, u8)> = None;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = it
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.trim().parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let (algo, rank) = match name.as_str() {
            "br" => (CompressionAlgo::BR, 2),
            "gzip" | "x-gzip" => (CompressionAlgo::GZIP, 1),
            _ => continue,
        };
        if q <= 0.0 {
            continue;
        }
        if best.is_none_or(|(_, bq, br)| q > bq || (q == bq && rank > br)) {
            best = Some((algo, q, rank));
        }
    }
    best.map(|(a, _, _)| a)
}

fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(ct) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    ct.starts_with("application/json")
        || ct.starts_with("text/")
        || ct.starts_with("application/javascript")
        || ct.starts_with("application/problem+json")
}

impl<E: Endpoint> Endpoint for CompressionEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let algo = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .and_then(negotiate);
        let mut resp = self.inner.call(req).await?.into_response();
        let Some(algo) = algo else { return Ok(resp) };
        if resp.headers().contains_key(header::CONTENT_ENCODING)
            || !compressible(resp.headers().get(header::CONTENT_TYPE))
        {
            return Ok(resp);
        }
        let bytes = resp.take_body().into_bytes().await?;
        let len = bytes.len();
        resp.set_body(Body::from_bytes(bytes));
        if len < self.min_bytes {
            return Ok(resp);
        }
        let mut out = Compress::new(resp, algo).into_response();
        out.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_honours_q_values() {
        assert_eq!(negotiate("gzip, deflate, br"), Some(CompressionAlgo::BR));
        assert_eq!(
            negotiate("gzip;q=1.0, br;q=0.5"),
            Some(CompressionAlgo::GZIP)
        );
        assert_eq!(negotiate("br;q=0, gzip"), Some(CompressionAlgo::GZIP));
        assert_eq!(negotiate("identity"), None);
        assert_eq!(negotiate("gzip;q=0"), None);
    }
}
