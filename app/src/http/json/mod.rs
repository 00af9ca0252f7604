//! `JsonBody<T>`: the request payload every endpoint uses instead of poem-openapi's `Json`.
//!
//! poem-openapi stops at the first invalid field and loses the field name for missing or
//! mistyped values. This payload first checks the JSON against `T`'s own OpenAPI schema (the
//! very schema the spec publishes) and reports **every** problem with its path
//! (`build_snapshot.cp_level`, `sets[3]`) as one 422; only then does it parse `T`.
//! Malformed JSON stays a 400.

mod optional;
mod response;
mod rules;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub use self::response::assert_serde_is_to_json;
use self::rules::{Path, check};
pub use self::{
    optional::MaybeJson,
    response::{JsonBytes, JsonFloat, not_a_json_number, rfc3339, via_to_json},
};

use std::{
    collections::HashMap,
    ops::{Deref, DerefMut},
    sync::{Arc, OnceLock, RwLock},
};

use poem::{FromRequest, Request, RequestBody, Result, http::StatusCode};
use poem_openapi::{
    impl_apirequest_for_payload,
    payload::{ParsePayload, Payload},
    registry::{MetaSchemaRef, Registry},
    types::{ParseFromJSON, Type},
};
use serde_json::Value;

use crate::error::{ApiError, FieldError};

/// A JSON request body validated against `T`'s schema, every failure reported at once.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T> Deref for JsonBody<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for JsonBody<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        essence == "application/json"
            || (essence.starts_with("application/") && essence.ends_with("+json"))
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ParseFromJSON> ParsePayload for JsonBody<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> Result<Self> {
        let data = Vec::<u8>::from_request(request, body).await?;
        if data.is_empty() {
            return Err(
                ApiError::new(StatusCode::BAD_REQUEST, "A JSON request body is required").into(),
            );
        }
        parse_checked(&data).map(Self)
    }
}

/// Parses a body: malformed JSON is 400; then every schema violation of `T` in one 422; then `T`.
fn parse_checked<T: ParseFromJSON>(data: &[u8]) -> Result<T> {
    let value: Value = serde_json::from_slice(data).map_err(|e| {
        poem::Error::from(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Malformed JSON body: {e}"),
        ))
    })?;
    let errors = validate::<T>(&value);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors).into());
    }
    T::parse_from_json(Some(value)).map_err(|e| {
        // The schema accepted it, so this is a rule the schema cannot express.
        ApiError::validation(vec![FieldError::new(
            "body",
            super::problem::humanize(e.message()),
        )])
        .into()
    })
}

impl_apirequest_for_payload!(JsonBody<T>, T: ParseFromJSON);

/// `T`'s schema and the registry of every schema it refers to, built once per type (building
/// them allocates the whole schema tree; per request it was a large share of a small POST).
fn schema_of<T: Type>() -> Arc<(Registry, MetaSchemaRef)> {
    type Schemas = RwLock<HashMap<&'static str, Arc<(Registry, MetaSchemaRef)>>>;
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    let key = std::any::type_name::<T>();
    let schemas = SCHEMAS.get_or_init(Schemas::default);
    if let Some(hit) = schemas.read().ok().and_then(|m| m.get(key).cloned()) {
        return hit;
    }
    let mut registry = Registry::new();
    T::register(&mut registry);
    let built = Arc::new((registry, T::schema_ref()));
    if let Ok(mut m) = schemas.write() {
        m.insert(key, built.clone());
    }
    built
}

/// The input layer's rules for a form body (`application/x-www-form-urlencoded`): its fields,
/// read as a JSON object, against `T`'s schema, as a JSON body's are (NUL refused, lengths,
/// patterns).
///
/// # Errors
/// 422 naming every field that breaks a rule.
pub fn check_form<T: Type + serde::Serialize>(form: &T) -> std::result::Result<(), ApiError> {
    let value = serde_json::to_value(form).unwrap_or_default();
    let errors = validate::<T>(&value);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Every way `value` violates `T`'s schema, with JSON paths.
pub fn validate<T: Type>(value: &Value) -> Vec<FieldError> {
    let schema = schema_of::<T>();
    let (registry, root) = &*schema;
    let mut out = Vec::new();
    check(value, root, registry, &Path::Root, &mut out);
    out
}
