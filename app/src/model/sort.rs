//! The `sort` query parameter of a generated list: a sort key of the model, `-` first for
//! descending, stated in the spec as a pattern and checked against it.

use std::{borrow::Cow, marker::PhantomData};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromParameter, ParseResult, Type},
};

/// The sort keys a list accepts, as one anchored pattern (the derive writes it:
/// `^-?(?:name|feature_id)$`, or `^$` when nothing is sortable).
pub trait SortKeys: Send + Sync + 'static {
    /// The whole value must match.
    const PATTERN: &'static str;
}

/// A list's `sort` parameter under keys `K`.
///
/// Documented exactly as poem-openapi documents a string with `validator(pattern = …)`
/// (`{"type": "string", "pattern": K::PATTERN}`), and refused with that validator's words
/// (`verification failed. pattern("…")`, after the `failed to parse "string": ` every
/// `ParseError` starts with; the error body turns both into "must match the pattern …"), but
/// checked with the process's one compiled copy of the pattern
/// ([`super::validate::compiled`]): poem-openapi 5.1's validator compiles its regex on every
/// check, which was a fifth of a sorted list's CPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort<K> {
    value: String,
    keys: PhantomData<K>,
}

impl<K> Sort<K> {
    /// The key as sent, `-` included.
    pub fn into_inner(self) -> String {
        self.value
    }
}

impl<K: SortKeys> Type for Sort<K> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            pattern: Some(K::PATTERN.to_owned()),
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

impl<K: SortKeys> ParseFromParameter for Sort<K> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        if super::validate::compiled(K::PATTERN).is_some_and(|re| re.is_match(value)) {
            Ok(Self {
                value: value.to_owned(),
                keys: PhantomData,
            })
        } else {
            Err(ParseError::custom(format!(
                "verification failed. pattern(\"{}\")",
                K::PATTERN
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromParameter;

    use super::{Sort, SortKeys};

    struct Keys;
    impl SortKeys for Keys {
        const PATTERN: &'static str = "^-?(?:name|cp_level)$";
    }

    #[test]
    fn a_key_with_or_without_the_minus_is_taken_and_anything_else_refused_in_the_validators_words()
    {
        for ok in ["name", "-cp_level"] {
            let sort = Sort::<Keys>::parse_from_parameter(ok).map(Sort::into_inner);
            assert_eq!(sort.ok().as_deref(), Some(ok));
        }
        for bad in ["", "password", "name,cp_level", "--name", "Name"] {
            let err = Sort::<Keys>::parse_from_parameter(bad)
                .err()
                .map(|e| e.into_message());
            assert_eq!(
                err.as_deref(),
                Some(
                    r#"failed to parse "string": verification failed. pattern("^-?(?:name|cp_level)$")"#
                ),
                "{bad}"
            );
        }
    }
}
