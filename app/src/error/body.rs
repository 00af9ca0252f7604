//! The uniform error body of every non-2xx response (API contract, "Errors") and its
//! per-field entries.

use poem::http::StatusCode;
use poem_openapi::Object;

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
