//! Field checks the OpenAPI schema cannot express, called by generated DTO validation.

/// An address that is not `local@domain.tld`-shaped; as a field message, "must be an email
/// address".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be an email address")]
pub struct NotAnEmail;

impl From<NotAnEmail> for String {
    fn from(e: NotAnEmail) -> Self {
        e.to_string()
    }
}

/// Accepts `local@domain.tld`-shaped addresses (one `@`, no spaces, a dot in the domain,
/// at most 254 characters), as the HTML living standard's `type=email` does in spirit.
///
/// # Errors
/// [`NotAnEmail`].
pub fn email(value: &str) -> Result<(), NotAnEmail> {
    let ok = value.len() <= 254
        && !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok { Ok(()) } else { Err(NotAnEmail) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails() {
        for ok in ["a@b.io", "first.last+tag@example.co.uk"] {
            assert!(super::email(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.io", "a b@c.io", "a@b@c.io", "a@.io"] {
            assert!(super::email(bad).is_err(), "{bad}");
        }
    }
}
