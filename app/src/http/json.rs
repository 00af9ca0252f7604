//! `JsonBody<T>`: the request payload every endpoint uses instead of poem-openapi's `Json`.
//!
//! poem-openapi stops at the first invalid field and loses the field name for missing or
//! mistyped values. This payload first checks the JSON against `T`'s own OpenAPI schema (the
//! very schema the spec publishes) and reports **every** problem with its path
//! (`build_snapshot.cp_level`, `sets[3]`) as one 422; only then does it parse `T`.
//! Malformed JSON stays a 400.

use std::{
    collections::HashMap,
    ops::{Deref, DerefMut},
    sync::{Arc, OnceLock, RwLock},
};

use poem::{FromRequest, Request, RequestBody, Result, http::StatusCode};
use poem_openapi::{
    impl_apirequest_for_payload,
    payload::{ParsePayload, Payload},
    registry::{MetaSchema, MetaSchemaRef, Registry},
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
    check(value, root, registry, "", &mut out);
    out
}

/// The NUL rule for a free-form part of a body (a `serde_json::Value`, or a `JsonObject`'s
/// values): no string in it, value or key, may contain NUL, at any depth. Typed strings get the
/// same rule in `check_string`. No PostgreSQL text or `jsonb` value can store NUL (`22021`,
/// `22P05`) and SQLite would, so the rule is here, for both; properties a schema does not
/// declare are ignored, never stored, and not checked.
fn without_nul(value: &Value, path: &str, out: &mut Vec<FieldError>) {
    const MESSAGE: &str = "must not contain the NUL character (U+0000)";
    match value {
        Value::String(text) if text.contains('\0') => {
            out.push(FieldError::new(field(path), MESSAGE));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                without_nul(item, &format!("{}[{i}]", field(path)), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key.contains('\0') {
                    out.push(FieldError::new(
                        field(path),
                        "no key may contain the NUL character (U+0000)",
                    ));
                    continue;
                }
                without_nul(item, &join(path, key), out);
            }
        }
        _ => {}
    }
}

fn resolve<'a>(schema: &'a MetaSchemaRef, registry: &'a Registry) -> Option<&'a MetaSchema> {
    match schema {
        MetaSchemaRef::Inline(s) => Some(s),
        MetaSchemaRef::Reference(name) => registry.schemas.get(name),
    }
}

fn field(path: &str) -> String {
    if path.is_empty() {
        "body".into()
    } else {
        path.to_owned()
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

fn check(
    value: &Value,
    schema: &MetaSchemaRef,
    registry: &Registry,
    path: &str,
    out: &mut Vec<FieldError>,
) {
    let Some(s) = resolve(schema, registry) else {
        return;
    };
    for part in &s.all_of {
        check(value, part, registry, path, out);
    }
    if value.is_null() {
        return; // optional fields: presence is checked by the parent's `required`
    }
    let before = out.len();
    match s.ty {
        "object" => check_object(value, s, registry, path, out),
        "array" => match value.as_array() {
            None => out.push(FieldError::new(field(path), "must be an array")),
            Some(items) => {
                if let Some(max) = s.max_items.filter(|m| items.len() > *m) {
                    out.push(FieldError::new(
                        field(path),
                        format!("must have at most {max} items"),
                    ));
                }
                if let Some(min) = s.min_items.filter(|m| items.len() < *m) {
                    out.push(FieldError::new(
                        field(path),
                        format!("must have at least {min} items"),
                    ));
                }
                if let Some(item_schema) = &s.items {
                    for (i, item) in items.iter().enumerate() {
                        check(
                            item,
                            item_schema,
                            registry,
                            &format!("{}[{i}]", field(path)),
                            out,
                        );
                    }
                }
            }
        },
        "string" => match value.as_str() {
            None => out.push(FieldError::new(field(path), "must be a string")),
            Some(text) => check_string(text, s, path, out),
        },
        "integer" | "number" => match value.as_f64() {
            Some(n) if s.ty == "number" || value.is_i64() || value.is_u64() => {
                check_number(n, s, path, out)
            }
            _ => out.push(FieldError::new(
                field(path),
                if s.ty == "integer" {
                    "must be an integer"
                } else {
                    "must be a number"
                },
            )),
        },
        "boolean" if !value.is_boolean() => {
            out.push(FieldError::new(field(path), "must be true or false"))
        }
        "" if s.all_of.is_empty()
            && s.any_of.is_empty()
            && s.one_of.is_empty()
            && s.properties.is_empty() =>
        {
            without_nul(value, path, out);
        }
        _ => {}
    }
    if out.len() == before && !s.enum_items.is_empty() && !s.enum_items.contains(value) {
        let allowed: Vec<String> = s
            .enum_items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        out.push(FieldError::new(
            field(path),
            format!("must be one of: {}", allowed.join(", ")),
        ));
    }
}

fn check_object(
    value: &Value,
    s: &MetaSchema,
    registry: &Registry,
    path: &str,
    out: &mut Vec<FieldError>,
) {
    let Some(obj) = value.as_object() else {
        out.push(FieldError::new(field(path), "must be an object"));
        return;
    };
    for name in &s.required {
        if obj.get(*name).is_none_or(Value::is_null) {
            out.push(FieldError::new(join(path, name), "is required"));
        }
    }
    if let Some(values) = &s.additional_properties {
        for (key, v) in obj {
            if s.properties.iter().any(|(name, _)| name == key) {
                continue;
            }
            if key.contains('\0') {
                out.push(FieldError::new(
                    field(path),
                    "no key may contain the NUL character (U+0000)",
                ));
            } else {
                check(v, values, registry, &join(path, key), out);
            }
        }
    }
    for (name, prop) in &s.properties {
        if let Some(v) = obj.get(*name) {
            let read_only = resolve(prop, registry).is_some_and(|p| p.read_only);
            if read_only {
                out.push(FieldError::new(join(path, name), "is read-only"));
            } else {
                check(v, prop, registry, &join(path, name), out);
            }
        }
    }
}

fn check_string(text: &str, s: &MetaSchema, path: &str, out: &mut Vec<FieldError>) {
    // No text column can store NUL on PostgreSQL (`22021`): refused here, with its path.
    if text.contains('\0') {
        out.push(FieldError::new(
            field(path),
            "must not contain the NUL character (U+0000)",
        ));
    }
    let len = text.chars().count();
    if let Some(max) = s.max_length.filter(|m| len > *m) {
        out.push(FieldError::new(
            field(path),
            format!("must be at most {max} characters"),
        ));
    }
    if let Some(min) = s.min_length.filter(|m| len < *m) {
        out.push(FieldError::new(
            field(path),
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if let Some(p) = &s.pattern
        && crate::model::validate::compiled(p).is_some_and(|re| !re.is_match(text))
    {
        // A string rule names itself in the schema's `title` (`model::validate::StringRule`).
        let message = match &s.title {
            Some(title) => format!("must be {title}"),
            None => format!("must match the pattern {p}"),
        };
        out.push(FieldError::new(field(path), message));
    }
    let bad_format = match s.format {
        Some("uuid") => uuid::Uuid::parse_str(text).is_err(),
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_err(),
        _ => false,
    };
    if bad_format {
        let what = if s.format == Some("uuid") {
            "a UUID"
        } else {
            "an RFC 3339 date-time"
        };
        out.push(FieldError::new(field(path), format!("must be {what}")));
    }
}

fn check_number(n: f64, s: &MetaSchema, path: &str, out: &mut Vec<FieldError>) {
    let (min, max) = (s.minimum, s.maximum);
    let min_ex = s.exclusive_minimum.unwrap_or(false);
    let max_ex = s.exclusive_maximum.unwrap_or(false);
    let below = min.is_some_and(|m| if min_ex { n <= m } else { n < m });
    let above = max.is_some_and(|m| if max_ex { n >= m } else { n > m });
    if below || above {
        let msg = match (min, max) {
            (Some(lo), Some(hi)) if !min_ex && !max_ex => {
                format!("must be between {} and {}", fmt_num(lo), fmt_num(hi))
            }
            _ if below => format!(
                "must be {} {}",
                if min_ex { "greater than" } else { "at least" },
                fmt_num(min.unwrap_or_default())
            ),
            _ => format!(
                "must be {} {}",
                if max_ex { "less than" } else { "at most" },
                fmt_num(max.unwrap_or_default())
            ),
        };
        out.push(FieldError::new(field(path), msg));
        return;
    }
    if s.format == Some("int32") && (n < f64::from(i32::MIN) || n > f64::from(i32::MAX)) {
        out.push(FieldError::new(field(path), "is out of range"));
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::{Enum, Object};
    use serde_json::json;

    use super::*;

    #[derive(Debug, Enum, PartialEq)]
    enum Kind {
        Dungeon,
        Trial,
    }

    #[derive(Debug, Object)]
    struct Inner {
        #[oai(validator(minimum(value = "0"), maximum(value = "3600")))]
        cp_level: i32,
    }

    #[derive(Debug, Object)]
    struct Outer {
        #[oai(validator(min_length = 1, max_length = 5))]
        name: String,
        kind: Kind,
        #[oai(validator(max_items = 2))]
        sets: Vec<String>,
        inner: Inner,
        note: Option<String>,
    }

    fn fields(v: Value) -> Vec<(String, String)> {
        validate::<Outer>(&v)
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_valid_body_has_no_errors() {
        let v = json!({"name": "ab", "kind": "Trial", "sets": ["a"], "inner": {"cp_level": 10}, "note": null});
        assert_eq!(fields(v), vec![]);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let v = json!({"name": "toolong", "kind": "Arena", "sets": ["a", "b", 3], "inner": {"cp_level": 3601}});
        assert_eq!(
            fields(v),
            vec![
                ("name".into(), "must be at most 5 characters".into()),
                ("kind".into(), "must be one of: Dungeon, Trial".into()),
                ("sets".into(), "must have at most 2 items".into()),
                ("sets[2]".into(), "must be a string".into()),
                ("inner.cp_level".into(), "must be between 0 and 3600".into()),
            ]
        );
    }

    #[test]
    fn missing_and_mistyped_fields_are_named() {
        let v = json!({"name": "", "inner": {"cp_level": "high"}});
        assert_eq!(
            fields(v),
            vec![
                ("kind".into(), "is required".into()),
                ("sets".into(), "is required".into()),
                ("name".into(), "must not be empty".into()),
                ("inner.cp_level".into(), "must be an integer".into()),
            ]
        );
        assert_eq!(
            fields(json!([1])),
            vec![("body".into(), "must be an object".into())]
        );
    }
}

/// An optional JSON body: absent (empty, any or no content type) is `None`; present, it is
/// checked exactly like [`JsonBody`].
#[derive(Debug, Clone)]
pub struct MaybeJson<T>(pub Option<T>);

impl<T: Type> Payload for MaybeJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        JsonBody::<T>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ParseFromJSON> ParsePayload for MaybeJson<T> {
    const IS_REQUIRED: bool = false;

    async fn from_request(request: &Request, body: &mut RequestBody) -> Result<Self> {
        let data = Vec::<u8>::from_request(request, body).await?;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        if let Some(ct) = request.content_type()
            && !Self::check_content_type(ct)
        {
            return Err(poem_openapi::error::ContentTypeError::NotSupported {
                content_type: ct.to_owned(),
            }
            .into());
        }
        parse_checked(&data).map(|v| Self(Some(v)))
    }
}

impl<'a, T: ParseFromJSON> poem_openapi::ApiExtractor<'a> for MaybeJson<T> {
    const TYPES: &'static [poem_openapi::ApiExtractorType] =
        &[poem_openapi::ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Self as Payload>::register(registry);
    }

    fn request_meta() -> Option<poem_openapi::registry::MetaRequest> {
        Some(poem_openapi::registry::MetaRequest {
            description: None,
            content: vec![poem_openapi::registry::MetaMediaType {
                content_type: <Self as Payload>::CONTENT_TYPE,
                schema: <Self as Payload>::schema_ref(),
            }],
            required: false,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: poem_openapi::ExtractParamOptions<Self::ParamType>,
    ) -> Result<Self> {
        <Self as ParsePayload>::from_request(request, body).await
    }
}

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
