//! Field rules: [`StringRule`]s that the OpenAPI schema states in full ([`Checked`] strings),
//! and the email check that generated DTO validation calls.

use std::{
    borrow::Cow,
    collections::HashMap,
    marker::PhantomData,
    ops::Deref,
    sync::{Arc, OnceLock, RwLock},
};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};

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

/// An email address as the schema states it: `local@domain.tld`-shaped (one `@`; no
/// whitespace, in Rust's `char::is_whitespace` sense, nor NUL; a dot inside the domain, which
/// neither starts nor ends with one), at most 254 characters (RFC 5321 §4.5.3.1.3's path limit).
/// In the spirit of the HTML living standard's `type=email`.
#[derive(Debug, Clone, Copy)]
pub struct EmailAddress;

impl StringRule for EmailAddress {
    const MIN_LENGTH: usize = 5;
    const MAX_LENGTH: usize = 254;
    const PATTERN: &'static str = r"^[^@\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+@[^@.\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^@\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*\.[^@\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^@.\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$";
    const TITLE: &'static str = "an email address";
}

/// An email address in a request body.
pub type Email = Checked<EmailAddress>;

/// Accepts what [`EmailAddress`] states.
///
/// # Errors
/// [`NotAnEmail`].
pub fn email(value: &str) -> Result<(), NotAnEmail> {
    if EmailAddress::accepts(value) {
        Ok(())
    } else {
        Err(NotAnEmail)
    }
}

/// A rule for request strings that the OpenAPI schema states in full (length bounds and a
/// pattern that ECMA-262, Python's `re` and Rust's `regex` all read alike), so a client
/// checking the schema and the server agree. The JSON input layer enforces it from the schema
/// and words a refusal as "must be {TITLE}".
pub trait StringRule {
    /// Fewest characters (Unicode scalar values, as JSON Schema's `minLength` counts).
    const MIN_LENGTH: usize;
    /// Most characters.
    const MAX_LENGTH: usize;
    /// The whole value must match (anchored with `^…$`; no look-around, which Rust's `regex`
    /// lacks).
    const PATTERN: &'static str;
    /// What a value must be, as a noun phrase ("an email address"); the schema's `title`.
    const TITLE: &'static str;

    /// Whether `value` keeps the rule (outside the JSON input layer: the CLI, say).
    fn accepts(value: &str) -> bool {
        let chars = value.chars().count();
        (Self::MIN_LENGTH..=Self::MAX_LENGTH).contains(&chars)
            && compiled(Self::PATTERN).is_some_and(|re| re.is_match(value))
    }
}

/// `pattern` compiled once per process (schema patterns are few and fixed, and some are long:
/// compiling on every check was most of a check's cost); `None` when it is not a valid regex.
///
/// Shared behind an `Arc`, not cloned: a cloned `Regex` starts with an empty pool of search
/// caches, so each check on a fresh clone built its matching engines' scratch space anew
/// (regex's documentation, and rust-lang/regex#934).
pub fn compiled(pattern: &str) -> Option<Arc<regex::Regex>> {
    type Compiled = RwLock<HashMap<String, Option<Arc<regex::Regex>>>>;
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    let cache = COMPILED.get_or_init(Compiled::default);
    if let Some(hit) = cache.read().ok().and_then(|m| m.get(pattern).cloned()) {
        return hit;
    }
    let re = regex::Regex::new(pattern).ok().map(Arc::new);
    if let Ok(mut m) = cache.write() {
        m.insert(pattern.to_owned(), re.clone());
    }
    re
}

/// A request string under rule `R`: its schema is `R`'s, and it dereferences to `str`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<R> {
    value: String,
    rule: PhantomData<R>,
}

impl<R> Checked<R> {
    /// Wraps `value` without checking it (examples and tests; requests are checked from the
    /// schema before they are parsed).
    pub fn unchecked(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            rule: PhantomData,
        }
    }

    /// The string.
    pub fn into_inner(self) -> String {
        self.value
    }
}

impl<R> Deref for Checked<R> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.value
    }
}

impl<R: StringRule + Send + Sync> Type for Checked<R> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            title: Some(R::TITLE.to_owned()),
            min_length: Some(R::MIN_LENGTH),
            max_length: Some(R::MAX_LENGTH),
            pattern: Some(R::PATTERN.to_owned()),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<R: StringRule + Send + Sync> ParseFromJSON for Checked<R> {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        match value {
            Some(serde_json::Value::String(s)) => Ok(Self::unchecked(s)),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl<R: StringRule + Send + Sync> ToJSON for Checked<R> {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String(self.value.clone()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails() {
        for ok in ["a@b.io", "first.last+tag@example.co.uk"] {
            assert!(super::email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.io",
            "a b@c.io",
            "a@b@c.io",
            "a@.io",
            "a@b.",
            "a\u{3000}@b.io",
            "a\0@b.io",
        ] {
            assert!(super::email(bad).is_err(), "{bad}");
        }
    }
}
