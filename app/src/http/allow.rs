//! `405 Method Not Allowed` with the `Allow` header RFC 9110 §15.5.6 requires: the methods the
//! matched route serves, from a table the application assembly builds from the OpenAPI
//! operations and its own root routes.

use std::{collections::HashMap, sync::Arc};

use poem::{
    Endpoint, IntoResponse, Middleware, PathPattern, Request, Response, Result,
    http::{HeaderValue, StatusCode, header},
};

/// Route pattern as poem matches it (`/api/v1/runs/:param0`) → its `Allow` value
/// (`DELETE, GET, HEAD`).
#[derive(Debug, Clone, Default)]
pub struct AllowedMethods(HashMap<String, String>);

impl AllowedMethods {
    /// From `(pattern, method)` pairs; `HEAD` is added wherever `GET` is served.
    pub fn new<'a>(routes: impl IntoIterator<Item = (String, &'a str)>) -> Self {
        let mut by_pattern: HashMap<String, Vec<String>> = HashMap::new();
        for (pattern, method) in routes {
            let methods = by_pattern.entry(pattern).or_default();
            let method = method.to_ascii_uppercase();
            if method == "GET" {
                methods.push("HEAD".into());
            }
            methods.push(method);
        }
        Self(
            by_pattern
                .into_iter()
                .map(|(pattern, mut methods)| {
                    methods.sort();
                    methods.dedup();
                    (pattern, methods.join(", "))
                })
                .collect(),
        )
    }
}

/// The middleware; place it inside the error conversion, where a 405 is still an error
/// carrying its route pattern.
#[derive(Debug, Clone)]
pub struct AllowHeader(pub Arc<AllowedMethods>);

impl<E: Endpoint> Middleware<E> for AllowHeader {
    type Output = AllowHeaderEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        AllowHeaderEndpoint {
            inner: ep,
            table: self.0.clone(),
        }
    }
}

/// [`AllowHeader`] around an endpoint.
#[derive(Debug)]
pub struct AllowHeaderEndpoint<E> {
    inner: E,
    table: Arc<AllowedMethods>,
}

impl<E: Endpoint> Endpoint for AllowHeaderEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        match self.inner.call(req).await {
            Ok(resp) => Ok(resp.into_response()),
            Err(err) if err.status() == StatusCode::METHOD_NOT_ALLOWED => {
                let allow = err
                    .data::<PathPattern>()
                    .and_then(|p| self.table.0.get(p.0.as_ref()))
                    .and_then(|a| HeaderValue::from_str(a).ok());
                let mut resp = super::problem::error_response(err);
                if let Some(allow) = allow {
                    resp.headers_mut().insert(header::ALLOW, allow);
                }
                Ok(resp)
            }
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AllowedMethods;

    #[test]
    fn get_brings_head_and_methods_are_sorted_once() {
        let t = AllowedMethods::new([
            ("/runs/:param0".to_owned(), "delete"),
            ("/runs/:param0".to_owned(), "get"),
            ("/runs/:param0".to_owned(), "get"),
            ("/health".to_owned(), "get"),
        ]);
        assert_eq!(t.0["/runs/:param0"], "DELETE, GET, HEAD");
        assert_eq!(t.0["/health"], "GET, HEAD");
    }
}
