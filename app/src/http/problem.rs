//! Maps every `poem::Error` (routing, parsing, validation, auth, body limits) to the uniform
//! error body. Responses that already are uniform bodies ([`crate::error::ApiError`]) pass as
//! they are.

use poem::{
    IntoResponse, PathPattern, Response,
    error::{MethodNotAllowedError, NotFoundError},
    http::{StatusCode, header},
    web::Json,
};
use poem_openapi::error::{
    AuthorizationError, ContentTypeError, ParseParamError, ParsePathError, ParseRequestPayloadError,
};

use super::request_context::expose_internal_errors;
use crate::error::{ErrorBody, FieldError};

/// The uniform response for `err`. The matched route's pattern, when the router set one, stays
/// on the response for the request metrics.
pub fn error_response(err: poem::Error) -> Response {
    let pattern = err.data::<PathPattern>().cloned();
    let mut resp = uniform(err);
    if let Some(p) = pattern {
        resp.set_data(p);
    }
    resp
}

fn uniform(err: poem::Error) -> Response {
    if err.is_from_response() {
        // Built from a response (an ApiError or a handler's own): keep it if it is JSON.
        let resp = err.into_response();
        let is_json = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            return resp;
        }
        let status = resp.status();
        return body(status, generic_detail(status), None);
    }
    let (status, detail, errors) = describe(&err);
    if status.is_server_error() {
        tracing::error!(error = %err, "unhandled error");
    }
    body(status, detail, errors)
}

fn body(status: StatusCode, detail: String, errors: Option<Vec<FieldError>>) -> Response {
    let mut resp = Json(ErrorBody::new(status, detail, errors)).into_response();
    resp.set_status(status);
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    resp
}

fn generic_detail(status: StatusCode) -> String {
    match status.as_u16() {
        404 => "The requested resource does not exist".into(),
        405 => "This method is not allowed on this path".into(),
        413 => "The request body is too large".into(),
        _ => status.canonical_reason().unwrap_or("Error").into(),
    }
}

/// Status, detail and field errors for a framework error.
fn describe(err: &poem::Error) -> (StatusCode, String, Option<Vec<FieldError>>) {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>() {
        return payload_error(&e.reason);
    }
    if let Some(e) = err.downcast_ref::<ParseParamError>() {
        let errors = vec![FieldError::new(e.name, humanize(&e.reason))];
        return (unprocessable, FieldError::summary(&errors), Some(errors));
    }
    if let Some(e) = err.downcast_ref::<ParsePathError>() {
        let errors = vec![FieldError::new("path", humanize(&e.reason))];
        return (unprocessable, FieldError::summary(&errors), Some(errors));
    }
    if let Some(e) = err.downcast_ref::<ContentTypeError>() {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            capitalize(&e.to_string()),
            None,
        );
    }
    if err.is::<AuthorizationError>() {
        return (StatusCode::UNAUTHORIZED, "Not authenticated".into(), None);
    }
    if err.is::<NotFoundError>() {
        return (
            StatusCode::NOT_FOUND,
            generic_detail(StatusCode::NOT_FOUND),
            None,
        );
    }
    if err.is::<MethodNotAllowedError>() {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            generic_detail(StatusCode::METHOD_NOT_ALLOWED),
            None,
        );
    }
    let status = err.status();
    let detail = if status.is_server_error() {
        if expose_internal_errors() {
            format!("Internal server error: {err}")
        } else {
            "Internal server error".into()
        }
    } else if status == StatusCode::PAYLOAD_TOO_LARGE {
        generic_detail(status)
    } else {
        capitalize(&err.to_string())
    };
    (status, detail, None)
}

/// A JSON syntax error is malformed (400); a value of the wrong type, a missing field or a
/// failed validator is invalid (422, naming the field where poem-openapi reports it).
fn payload_error(reason: &str) -> (StatusCode, String, Option<Vec<FieldError>>) {
    let schema_error = reason.starts_with("failed to parse")
        || reason.starts_with("Expected input type")
        || reason.starts_with("Type \"");
    if !schema_error {
        return (
            StatusCode::BAD_REQUEST,
            format!("Malformed JSON body: {reason}"),
            None,
        );
    }
    let (field, message) = match field_name(reason) {
        Some((field, rest)) => (field, humanize(rest)),
        None => ("body".to_owned(), humanize(reason)),
    };
    let errors = vec![FieldError::new(field, message)];
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        FieldError::summary(&errors),
        Some(errors),
    )
}

/// `... field `name` verification failed. maxLength(20)` → (`name`, `verification failed. maxLength(20)`).
fn field_name(reason: &str) -> Option<(String, &str)> {
    let start = reason.find("field `")? + "field `".len();
    let len = reason[start..].find('`')?;
    Some((
        reason[start..start + len].to_owned(),
        reason[start + len + 1..].trim(),
    ))
}

/// Turns poem-openapi validator texts into sentences: `maxLength(20)` → `must be at most 20 characters`.
pub fn humanize(reason: &str) -> String {
    // A parameter type that checks its own rule (`model::Sort`) can only fail through
    // `ParseError`, which puts `failed to parse "string": ` before the validator's words.
    let reason = reason.trim();
    let reason = reason
        .strip_prefix("failed to parse \"")
        .and_then(|rest| rest.split_once("\": "))
        .map(|(_, rest)| rest)
        .filter(|rest| rest.starts_with("verification failed."))
        .unwrap_or(reason);
    let r = reason.trim_start_matches("verification failed.").trim();
    let r = r.split(" (occurred while parsing").next().unwrap_or(r);
    let arg = |name: &str| -> Option<String> {
        let rest = r.strip_prefix(name)?.strip_prefix('(')?;
        let inner = rest.split(')').next()?;
        Some(inner.split(',').next().unwrap_or(inner).trim().to_owned())
    };
    if let Some(n) = arg("maxLength") {
        format!("must be at most {n} characters")
    } else if let Some(n) = arg("minLength") {
        format!("must be at least {n} characters")
    } else if let Some(n) = arg("maximum") {
        let exclusive = r.contains("exclusive: true");
        format!(
            "must be {} {n}",
            if exclusive { "less than" } else { "at most" }
        )
    } else if let Some(n) = arg("minimum") {
        let exclusive = r.contains("exclusive: true");
        format!(
            "must be {} {n}",
            if exclusive {
                "greater than"
            } else {
                "at least"
            }
        )
    } else if let Some(n) = arg("maxItems") {
        format!("must have at most {n} items")
    } else if let Some(n) = arg("minItems") {
        format!("must have at least {n} items")
    } else if let Some(p) = r.strip_prefix("pattern(") {
        format!("must match the pattern {}", p.trim_end_matches(')'))
    } else if r.starts_with("uniqueItems") {
        "items must be unique".into()
    } else if r.contains("expects an input value") {
        "is required".into()
    } else {
        r.to_owned()
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_messages_become_sentences() {
        assert_eq!(
            humanize("verification failed. maxLength(20)"),
            "must be at most 20 characters"
        );
        assert_eq!(
            humanize("verification failed. maximum(100, exclusive: false)"),
            "must be at most 100"
        );
        assert_eq!(
            humanize("verification failed. minimum(1, exclusive: false)"),
            "must be at least 1"
        );
        assert_eq!(
            humanize("verification failed. maxItems(6)"),
            "must have at most 6 items"
        );
        // The same words from a parameter type's own check, behind `ParseError`'s prefix.
        assert_eq!(
            humanize(r#"failed to parse "string": verification failed. pattern("^-?(?:name)$")"#),
            r#"must match the pattern "^-?(?:name)$""#
        );
        // Any other parse failure keeps its text.
        assert_eq!(
            humanize(r#"failed to parse "integer(uint32)": invalid digit found in string"#),
            r#"failed to parse "integer(uint32)": invalid digit found in string"#
        );
    }

    #[test]
    fn payload_errors_split_malformed_from_invalid() {
        let (s, _, e) = payload_error("EOF while parsing an object at line 1 column 1");
        assert_eq!((s, e), (StatusCode::BAD_REQUEST, None));
        let (s, d, e) = payload_error(
            "failed to parse \"Thing\": field `name` verification failed. maxLength(20)",
        );
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(d, "name: must be at most 20 characters");
        assert_eq!(
            e,
            Some(vec![FieldError::new(
                "name",
                "must be at most 20 characters"
            )])
        );
    }
}
