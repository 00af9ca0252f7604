//! Errors in two layers (STYLE §3.1): domain code returns [`AppError`]; handlers return
//! [`ApiError`], whose variants are the documented statuses, each carrying the uniform
//! [`ErrorBody`]. The one `From<AppError> for ApiError` logs causes once and hides internals.

mod api;
mod body;
mod db;

pub use self::{
    api::ApiError,
    body::{ErrorBody, FieldError},
    db::{DbErrorKind, classify_db_error},
};

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
