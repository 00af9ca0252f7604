//! `JsonBytes<T>`: a JSON response serialised once and served as bytes, documented as `T`.

use poem_openapi::{
    payload::Payload,
    registry::{MetaSchemaRef, Registry},
    types::Type,
};

/// A JSON response serialised once and served as bytes: cached answers (the feature
/// database) skip rebuilding the JSON on every request. Documented in the spec exactly as
/// `Json<T>` (200, `application/json`, `T`'s schema).
#[derive(Debug, Clone)]
pub struct JsonBytes<T> {
    bytes: bytes::Bytes,
    _type: std::marker::PhantomData<fn() -> T>,
}

/// A timestamp as `ToJSON` writes it (`DateTime::to_rfc3339`, `+00:00`), for
/// `#[serde(serialize_with)]` on the fields of a type written by [`JsonBytes::serialized`].
///
/// # Errors
/// The serializer's.
pub fn rfc3339<S: serde::Serializer>(
    t: &chrono::DateTime<chrono::Utc>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}

/// A value as its `ToJSON` writes it (`null` where that gives nothing), for
/// `#[serde(serialize_with)]` on a field whose serde form may differ from its `ToJSON`: enums,
/// nested objects. The derive uses it on generated views with `api(serde)`.
///
/// # Errors
/// The serializer's.
pub fn via_to_json<T: poem_openapi::types::ToJSON, S: serde::Serializer>(
    value: &T,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.to_json().unwrap_or(serde_json::Value::Null), s)
}

/// A float, or an option of one, that JSON has no number for.
pub trait JsonFloat {
    /// Whether `ToJSON` leaves the field out: the value is NaN or infinite. (`None` is not:
    /// it is written as `null`.)
    fn not_a_json_number(&self) -> bool;
}

impl JsonFloat for f64 {
    fn not_a_json_number(&self) -> bool {
        !self.is_finite()
    }
}

impl JsonFloat for f32 {
    fn not_a_json_number(&self) -> bool {
        !self.is_finite()
    }
}

impl<T: JsonFloat> JsonFloat for Option<T> {
    fn not_a_json_number(&self) -> bool {
        self.as_ref().is_some_and(JsonFloat::not_a_json_number)
    }
}

/// For `#[serde(skip_serializing_if)]` on a float field: `ToJSON` leaves out a NaN or
/// infinite value (no JSON number holds it), where serde would fail the whole document.
pub fn not_a_json_number<T: JsonFloat>(value: &T) -> bool {
    value.not_a_json_number()
}

/// For tests of a type written by [`JsonBytes::serialized`]: panics unless what serde writes,
/// read back, equals what its `ToJSON` writes.
#[cfg(test)]
pub fn assert_serde_is_to_json<T: poem_openapi::types::ToJSON + serde::Serialize>(value: &T) {
    let direct: serde_json::Value =
        serde_json::from_slice(&JsonBytes::serialized(value).bytes()).unwrap_or_default();
    assert_eq!(
        Some(direct),
        value.to_json(),
        "{}",
        std::any::type_name::<T>()
    );
}

impl<T: poem_openapi::types::ToJSON> JsonBytes<T> {
    /// Serialises `value` once, through `ToJSON::to_json`'s `serde_json::Value` tree.
    pub fn new(value: &T) -> Self {
        let bytes = serde_json::to_vec(&value.to_json()).unwrap_or_else(|_| b"null".to_vec());
        Self::from_bytes(bytes.into())
    }
}

impl<T: poem_openapi::types::ToJSON + serde::Serialize> JsonBytes<T> {
    /// Serialises `value` once, straight to bytes by its `serde::Serialize`: no intermediate
    /// tree (a map and a copied string per field). Only for types whose serde form is exactly
    /// their `ToJSON` (the schema stays `ToJSON`'s); each such type has a test comparing the two
    /// on its example.
    pub fn serialized(value: &T) -> Self {
        Self::from_bytes(
            serde_json::to_vec(value)
                .unwrap_or_else(|_| b"null".to_vec())
                .into(),
        )
    }
}

impl<T> JsonBytes<T> {
    /// Bytes that [`JsonBytes::new`] made for a `T` earlier (a cached answer).
    pub fn from_bytes(bytes: bytes::Bytes) -> Self {
        Self {
            bytes,
            _type: std::marker::PhantomData,
        }
    }

    /// The serialised JSON (cheap to clone).
    pub fn bytes(&self) -> bytes::Bytes {
        self.bytes.clone()
    }
}

impl<T: Type> Payload for JsonBytes<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Send> poem::IntoResponse for JsonBytes<T> {
    fn into_response(self) -> poem::Response {
        poem::Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(self.bytes)
    }
}

impl<T: Type> poem_openapi::ApiResponse for JsonBytes<T> {
    fn meta() -> poem_openapi::registry::MetaResponses {
        poem_openapi::registry::MetaResponses {
            responses: vec![poem_openapi::registry::MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![poem_openapi::registry::MetaMediaType {
                    content_type: <Self as Payload>::CONTENT_TYPE,
                    schema: <Self as Payload>::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}
