//! Errors in two layers (STYLE §3.1): domain code returns [`AppError`]; handlers return
//! [`ApiError`], whose variants are the documented statuses, each carrying the uniform
//! [`ErrorBody`]. The one `From<AppError> for ApiError` logs causes once and hides internals.

use poem::http::StatusCode;
use poem_openapi::{ApiResponse, Object, payload::Json};

use crate::http::request_context;

/// The body of every non-2xx response (API contract, "Errors").
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(example)]
pub struct ErrorBody {
    /// The status's reason phrase, e.g. `Not Found`.
    pub error: String,
    /// What went wrong, in words meant for the caller. On 422, a summary of `errors`:
    /// `field: message` pairs joined by `; ` (the first 10, then `… and N more`).
    pub detail: String,
    /// The HTTP status code, repeated.
    pub status_code: u16,
    /// The request's id (the caller's `X-Request-ID` when it sent a sane one); quote it in reports.
    pub request_id: String,
    /// Per-field validation failures; only on 422.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Object, serde::Serialize)]
pub struct FieldError {
    /// The field (dotted path for nested fields, e.g. `build_snapshot.cp_level`), or the parameter name.
    pub field: String,
    /// Why it is invalid, e.g. `must be between 1 and 24`.
    pub message: String,
}

impl FieldError {
    /// A field error from a field name and a message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The `detail` of a 422 listing `errors`: `field: message` pairs joined by `; `, e.g.
    /// `build_snapshot.race: must be one of: …; group_size: must be between 1 and 24`.
    ///
    /// Bounded: the first [`DETAIL_MAX_ERRORS`] errors, then `; … and N more`, each field and
    /// message cut at [`DETAIL_MAX_PART_CHARS`] characters (`errors[]` keeps them whole). Built
    /// from field names and rule messages only, never from the submitted values, so it shows
    /// nothing `errors[]` does not. `Request validation failed` when `errors` is empty.
    pub fn summary(errors: &[FieldError]) -> String {
        if errors.is_empty() {
            return VALIDATION_FAILED.to_owned();
        }
        let mut detail = errors
            .iter()
            .take(DETAIL_MAX_ERRORS)
            .map(|e| {
                format!(
                    "{}: {}",
                    cut(&e.field, DETAIL_MAX_PART_CHARS),
                    cut(&e.message, DETAIL_MAX_PART_CHARS)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let more = errors.len().saturating_sub(DETAIL_MAX_ERRORS);
        if more > 0 {
            detail += &format!("; … and {more} more");
        }
        detail
    }
}

/// A 422's `detail` spells out at most this many field errors ([`FieldError::summary`]).
pub const DETAIL_MAX_ERRORS: usize = 10;
/// In a 422's `detail`, a field name or message longer than this many characters is cut.
pub const DETAIL_MAX_PART_CHARS: usize = 200;
/// The `detail` of a 422 that names no field.
const VALIDATION_FAILED: &str = "Request validation failed";

/// `text`, or its first `max` characters followed by `…`.
fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or(text)).into(),
        None => text.into(),
    }
}

impl ErrorBody {
    /// A body for `status`, with the current request's id.
    pub fn new(
        status: StatusCode,
        detail: impl Into<String>,
        errors: Option<Vec<FieldError>>,
    ) -> Self {
        Self {
            error: status.canonical_reason().unwrap_or("Error").to_owned(),
            detail: detail.into(),
            status_code: status.as_u16(),
            request_id: request_context::current_request_id(),
            errors,
        }
    }
}

impl poem_openapi::types::Example for ErrorBody {
    fn example() -> Self {
        Self {
            error: "Unprocessable Entity".into(),
            detail: "group_size: must be between 1 and 24".into(),
            status_code: 422,
            request_id: "5f0c2a4e-8d1b-4f5e-9a57-0c1e2d3f4a5b".into(),
            errors: Some(vec![FieldError::new(
                "group_size",
                "must be between 1 and 24",
            )]),
        }
    }
}

/// Every failure an endpoint can answer with; each variant documents its status in the spec.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is malformed (for example unparseable JSON).
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Missing, invalid or expired credentials.
    #[oai(status = 401)]
    Unauthorized(
        Json<ErrorBody>,
        /// Always `Bearer`.
        #[oai(header = "WWW-Authenticate")]
        String,
    ),
    /// Authenticated, but not allowed to do this.
    #[oai(status = 403)]
    Forbidden(
        Json<ErrorBody>,
        /// When the token lacks the operation's scope: `Bearer error="insufficient_scope",
        /// scope="<the scopes needed>"` (RFC 6750 §3.1).
        #[oai(header = "WWW-Authenticate")]
        Option<String>,
    ),
    /// No such resource, or it belongs to someone else.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Conflicts with the current state (for example a duplicate).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The request body is larger than `server.request_body_limit_bytes`.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body's `Content-Type` is missing or not one this operation accepts.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// The request is well-formed but invalid; `errors` names each field.
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// Too many requests; retry after `Retry-After` seconds.
    #[oai(status = 429)]
    TooManyRequests(
        Json<ErrorBody>,
        /// Seconds to wait before retrying.
        #[oai(header = "Retry-After")]
        u64,
    ),
    /// An unexpected error; details are logged, not returned.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A dependency (the database) is unavailable; retry later.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
    /// The database is out of storage space: nothing was written; retry later.
    #[oai(status = 507)]
    InsufficientStorage(Json<ErrorBody>),
}

impl ApiError {
    /// The error for `status` with `detail`; statuses without a variant become 500.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::with_errors(status, detail, None)
    }

    /// 404 with `detail`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 403 for a token without the OAuth2 scopes `names` (space-delimited; RFC 6750 §3.1
    /// `insufficient_scope`), naming them in the body and in `WWW-Authenticate`.
    pub fn insufficient_scope(names: &str) -> Self {
        Self::Forbidden(
            Json(ErrorBody::new(
                StatusCode::FORBIDDEN,
                format!(
                    "insufficient_scope: this operation needs a token with the scope \"{names}\"; log in asking for it"
                ),
                None,
            )),
            Some(format!(
                "Bearer error=\"insufficient_scope\", scope=\"{names}\""
            )),
        )
    }

    /// 422 listing each invalid field in `errors`, summarised in `detail`
    /// ([`FieldError::summary`]).
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::with_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldError::summary(&errors),
            Some(errors),
        )
    }

    /// The status and body of this error.
    pub fn parts(&self) -> (StatusCode, &ErrorBody) {
        let (code, body) = match self {
            Self::BadRequest(b) => (400, b),
            Self::Unauthorized(b, _) => (401, b),
            Self::Forbidden(b, _) => (403, b),
            Self::NotFound(b) => (404, b),
            Self::Conflict(b) => (409, b),
            Self::PayloadTooLarge(b) => (413, b),
            Self::UnsupportedMediaType(b) => (415, b),
            Self::Unprocessable(b) => (422, b),
            Self::TooManyRequests(b, _) => (429, b),
            Self::Internal(b) => (500, b),
            Self::Unavailable(b) => (503, b),
            Self::InsufficientStorage(b) => (507, b),
        };
        (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &body.0,
        )
    }

    /// A copy of this error for the current request (for errors shared by a cache's loader).
    pub fn copy(&self) -> Self {
        let (status, body) = self.parts();
        Self::with_errors(status, body.detail.clone(), body.errors.clone())
    }

    fn with_errors(
        status: StatusCode,
        detail: impl Into<String>,
        errors: Option<Vec<FieldError>>,
    ) -> Self {
        let body = Json(ErrorBody::new(status, detail, errors));
        match status.as_u16() {
            400 => Self::BadRequest(body),
            401 => Self::Unauthorized(body, "Bearer".into()),
            403 => Self::Forbidden(body, None),
            404 => Self::NotFound(body),
            409 => Self::Conflict(body),
            413 => Self::PayloadTooLarge(body),
            415 => Self::UnsupportedMediaType(body),
            422 => Self::Unprocessable(body),
            429 => Self::TooManyRequests(body, 60),
            503 => Self::Unavailable(body),
            507 => Self::InsufficientStorage(body),
            _ => Self::Internal(Json(ErrorBody::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                body.0.detail,
                None,
            ))),
        }
    }
}

/// Domain errors, carrying causes; converted to [`ApiError`] at the handler boundary.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The resource does not exist or is not visible to the caller (answered as 404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness or state conflict (409), with a message safe to show.
    #[error("{0}")]
    Conflict(String),
    /// Invalid input (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// A request that names something unknown (400), with a message safe to show.
    #[error("{0}")]
    BadRequest(String),
    /// Not allowed (403), with a message safe to show.
    #[error("{0}")]
    Forbidden(String),
    /// A database error; unavailability becomes 503, a unique violation 409, the rest 500.
    #[error("database error: {0}")]
    Db(#[from] rbatis::Error),
    /// Anything else unexpected (500).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// An error a cache's loader hands to every caller waiting on it, each getting its own copy.
pub trait Shared {
    /// A copy for one more caller.
    fn share(&self) -> Self;
}

impl Shared for ApiError {
    fn share(&self) -> Self {
        self.copy()
    }
}

impl Shared for AppError {
    /// The same error; an internal one keeps its whole message (its cause chain, as text).
    fn share(&self) -> Self {
        match self {
            Self::NotFound(what) => Self::NotFound(what),
            Self::Conflict(m) => Self::Conflict(m.clone()),
            Self::Validation(errors) => Self::Validation(errors.clone()),
            Self::BadRequest(m) => Self::BadRequest(m.clone()),
            Self::Forbidden(m) => Self::Forbidden(m.clone()),
            Self::Db(e) => Self::Db(e.clone()),
            Self::Internal(e) => Self::Internal(anyhow::anyhow!("{e:#}")),
        }
    }
}

/// What a database error means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// No connection could be had or it broke: retryable (503).
    Unavailable,
    /// A unique constraint was violated (409).
    UniqueViolation,
    /// The database cannot store a value it was given (422): PostgreSQL `22021` (a NUL
    /// character in text), `22P05` (NUL in JSON), `22003` (a number out of range).
    InvalidValue,
    /// The database has no space (or memory) left for the write (507): SQLite `SQLITE_FULL`,
    /// PostgreSQL `53100` disk full, `53200` out of memory, or the OS's `ENOSPC`.
    StorageFull,
    /// Anything else (500).
    Other,
}

/// Classifies an rbatis error message (rbatis errors are message-only; STACK_NOTES §3).
pub fn classify_db_error(message: &str) -> DbErrorKind {
    let m = message.to_ascii_lowercase();
    if message.starts_with("23505:") || m.contains("unique constraint failed") {
        return DbErrorKind::UniqueViolation;
    }
    const FULL: &[&str] = &[
        "database or disk is full",
        "sqlite_full",
        "53100",
        "53200",
        "disk full",
        "no space left on device",
        "could not extend file",
    ];
    if FULL.iter().any(|p| m.contains(p)) {
        return DbErrorKind::StorageFull;
    }
    if ["22021", "22p05", "22003"].iter().any(|c| m.starts_with(c)) {
        return DbErrorKind::InvalidValue;
    }
    const UNAVAILABLE: &[&str] = &[
        "get_timeout",
        "timeout",
        "timed out",
        "connection refused",
        "connection reset",
        "connection aborted",
        "failed to connect",
        "error connecting",
        "broken pipe",
        "connection closed",
        "closed connection",
        "io error",
        "os error",
        "unexpected eof",
        "database is locked",
        "57p01",
        "57p02",
        "57p03",
        "08000",
        "08001",
        "08003",
        "08006",
        "the database system is",
    ];
    if UNAVAILABLE.iter().any(|p| m.contains(p)) {
        DbErrorKind::Unavailable
    } else {
        DbErrorKind::Other
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound(what) => Self::not_found(format!("{what} not found")),
            AppError::Conflict(msg) => Self::new(StatusCode::CONFLICT, msg),
            AppError::Validation(errors) => Self::validation(errors),
            AppError::BadRequest(msg) => Self::new(StatusCode::BAD_REQUEST, msg),
            AppError::Forbidden(msg) => Self::new(StatusCode::FORBIDDEN, msg),
            AppError::Db(e) => {
                let msg = e.to_string();
                match classify_db_error(&msg) {
                    DbErrorKind::Unavailable => {
                        crate::db::outage::unavailable(&msg);
                        Self::new(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "The database is unavailable; retry shortly",
                        )
                    }
                    DbErrorKind::UniqueViolation => Self::new(
                        StatusCode::CONFLICT,
                        "A resource with these unique values already exists",
                    ),
                    DbErrorKind::InvalidValue => {
                        tracing::info!(error = %msg, "the database refused a value");
                        Self::validation(vec![FieldError::new(
                            "body",
                            "holds a value the database cannot store (a NUL character, or a number out of range)",
                        )])
                    }
                    DbErrorKind::StorageFull => {
                        crate::db::outage::storage_full(&msg);
                        Self::new(
                            StatusCode::INSUFFICIENT_STORAGE,
                            "The database is out of storage space; nothing was written. Retry later",
                        )
                    }
                    DbErrorKind::Other => internal(&msg),
                }
            }
            AppError::Internal(e) => internal(&format!("{e:#}")),
        }
    }
}

/// Logs `cause` once and answers an opaque 500 (detail only with `debug = true`).
fn internal(cause: &str) -> ApiError {
    tracing::error!(error = %cause, "internal error");
    let detail = if request_context::expose_internal_errors() {
        format!("Internal server error: {cause}")
    } else {
        "Internal server error".to_owned()
    };
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_422_detail_names_each_field_error() {
        let errors = vec![
            FieldError::new("build_snapshot.race", "must be one of: Argonian, Breton"),
            FieldError::new("group_size", "must be between 1 and 24"),
        ];
        let ApiError::Unprocessable(body) = ApiError::validation(errors.clone()) else {
            panic!("not a 422");
        };
        assert_eq!(
            body.0.detail,
            "build_snapshot.race: must be one of: Argonian, Breton; group_size: must be between 1 and 24"
        );
        assert_eq!(body.0.errors, Some(errors), "errors[] as given");
        assert_eq!(FieldError::summary(&[]), "Request validation failed");
    }

    #[test]
    fn a_422_detail_is_bounded() {
        let errors: Vec<FieldError> = (0..13)
            .map(|i| FieldError::new(format!("sets[{i}]"), "must be a string"))
            .collect();
        let detail = FieldError::summary(&errors);
        assert!(
            detail.starts_with("sets[0]: must be a string; sets[1]:"),
            "{detail}"
        );
        assert!(
            detail.contains("sets[9]: must be a string; … and 3 more"),
            "{detail}"
        );
        assert!(!detail.contains("sets[10]"), "{detail}");
        assert_eq!(
            FieldError::summary(&errors[..10]).matches("; ").count(),
            9,
            "exactly ten: no tail"
        );
        let long = FieldError::new("x".repeat(500), "é".repeat(500));
        let detail = FieldError::summary(&[long]);
        assert_eq!(
            detail,
            format!("{}…: {}…", "x".repeat(200), "é".repeat(200))
        );
    }

    #[test]
    fn db_errors_are_classified() {
        use DbErrorKind::*;
        let cases = [
            (
                "23505:duplicate key value violates unique constraint \"users_email_key\"",
                UniqueViolation,
            ),
            ("UNIQUE constraint failed: users.email", UniqueViolation),
            ("get_timeout", Unavailable),
            ("Connection refused (os error 111)", Unavailable),
            ("connection aborted", Unavailable),
            ("42P01:relation \"nope\" does not exist", Other),
        ];
        for (msg, kind) in cases {
            assert_eq!(classify_db_error(msg), kind, "{msg}");
        }
    }
}
