//! Same-origin requests are not CORS requests. Browsers send `Origin` on same-origin `POST`,
//! `PUT`, `PATCH` and `DELETE` too, and poem's `Cors` answers 403 to any origin outside
//! `cors.allowed_origins`, so the service's own docs page (Swagger UI's *Authorize* and every
//! non-GET *Try it out*) was refused unless its own origin was listed. This middleware, placed
//! outside `Cors`, drops `Origin` from requests the browser marks `Sec-Fetch-Site: same-origin`
//! (a header page scripts cannot set; the browser's own verdict, so it holds behind proxies that
//! terminate TLS or rewrite `Host`). Cross-origin requests are untouched and still checked.

use poem::{Endpoint, Middleware, Request, Result, http::header};

/// Middleware removing `Origin` from same-origin browser requests.
#[derive(Debug, Clone, Copy)]
pub struct SameOriginIsNotCors;

impl<E: Endpoint> Middleware<E> for SameOriginIsNotCors {
    type Output = SameOriginIsNotCorsEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        SameOriginIsNotCorsEndpoint { inner }
    }
}

/// The endpoint produced by [`SameOriginIsNotCors`].
pub struct SameOriginIsNotCorsEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for SameOriginIsNotCorsEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let same_origin = req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"same-origin"));
        if same_origin {
            req.headers_mut().remove(header::ORIGIN);
        }
        self.inner.call(req).await
    }
}
