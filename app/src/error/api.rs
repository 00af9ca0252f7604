//! [`ApiError`]: the documented error statuses a handler answers with, each carrying the
//! uniform [`ErrorBody`], and the one mapping from the domain's [`AppError`] to them, which
//! logs causes once and hides internals.

use poem::http::StatusCode;
use poem_openapi::{ApiResponse, payload::Json};

use super::{AppError, DbErrorKind, ErrorBody, FieldError, classify_db_error};
use crate::http::request_context;

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
