//! The OpenAPI document as served at `/api/openapi.json` and written by `ebo openapi`:
//! poem-openapi's output with these corrections, made in this one place:
//! - a path served by two APIs keeps every operation (poem-openapi writes the path twice);
//! - nullable optional properties (below);
//! - the OAuth2 `tokenUrl` under the configured API prefix (the attribute declaring it is a
//!   compile-time constant);
//! - scopes listed only for the OAuth2 scheme (poem-openapi repeats an operation's scopes for
//!   every scheme of its parameter, but OpenAPI 3.0 §4.7.30 requires an empty list for the
//!   others);
//! - `minimum: 0` on unsigned integers (`format: uint32`/`uint64`, which only Rust's types
//!   declare; a client or fuzzer reading JSON Schema would send `-5`, which the server refuses);
//! - the headers every response carries ([`COMMON_HEADERS`]), set by middleware that
//!   poem-openapi does not see;
//! - each operation lists only the error statuses it can answer ([`prune_statuses`]): every
//!   operation shares one error type, whose variants list them all;
//! - a success response poem-openapi leaves undescribed (a plain `Json<T>` return) is
//!   described by its body's schema ([`describe_success`]);
//! - OpenAPI links from each create to the operations on what it created ([`link_created`]),
//!   so clients and schemathesis' stateful phase can follow real ids.
//!
//! poem-openapi describes an `Option<T>` field as an optional property of type `T`, but
//! serializes `None` as `null` (the upstream FastAPI shapes keep the key). A strict client or
//! validator (schemathesis' `response_schema_conformance`) then rejects the very responses we
//! send. So every optional property is marked `nullable: true`, which is also what the parsers
//! accept: `null` reads as absent, and a defaulted property then takes its `default`.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// The path the OAuth2 password flow's `tokenUrl` is declared with, before the API prefix.
pub const DECLARED_TOKEN_URL: &str = "/api/v1/auth/login";

/// `raw` (poem-openapi's document) corrected, as pretty-printed JSON; `api_prefix` is the
/// configured `server.api_prefix`.
/// `extra` names, by `operationId`, the statuses an operation answers beyond what its
/// declaration implies (see [`prune_statuses`]).
pub fn document(raw: String, api_prefix: &str, extra: &[(&str, &[u16])]) -> String {
    // poem-openapi writes a path once per API that serves it, so a path served by two APIs
    // (the generated writes and the hand-written cached reads of `/features`) appears twice;
    // a plain parse would keep only the last and lose the other's operations.
    let Ok(Merged(mut doc)) = serde_json::from_str::<Merged>(&raw) else {
        return raw;
    };
    mark_optional_nullable(&mut doc);
    fold_reference_annotations(&mut doc);
    drop_object_defaults(&mut doc);
    typed_nullables(&mut doc);
    examples_without_nulls(&mut doc);
    scopes_only_for_oauth2(&mut doc);
    integer_bounds(&mut doc);
    strings_without_nul(&mut doc);
    prune_statuses(&mut doc, extra);
    describe_success(&mut doc);
    media_examples(&mut doc);
    link_created(&mut doc);
    declare_common_headers(&mut doc);
    if let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") {
        for scheme in schemes.values_mut() {
            if let Some(Value::String(url)) = scheme.pointer_mut("/flows/password/tokenUrl")
                && url == DECLARED_TOKEN_URL
            {
                *url = format!("{api_prefix}/auth/login");
            }
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or(raw)
}

/// Every operation of `doc` as (method, operation object): the one walk the corrections share.
fn operations_mut(doc: &mut Value) -> impl Iterator<Item = (&str, &mut Map<String, Value>)> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.iter_mut())
        .filter_map(|(method, op)| op.as_object_mut().map(|op| (method.as_str(), op)))
}

/// Every response object of every operation of `doc`.
fn responses_mut(doc: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    operations_mut(doc)
        .filter_map(|(_, op)| op.get_mut("responses").and_then(Value::as_object_mut))
        .flat_map(|responses| responses.values_mut())
        .filter_map(Value::as_object_mut)
}

/// The response headers middleware adds to every API response: (name, required, description,
/// schema). `X-Request-ID` and `X-Process-Time` come from [`super::request_context`], the
/// `X-RateLimit-*` ones from [`super::rate_limit`] (absent when rate limits are off).
pub const COMMON_HEADERS: [(&str, bool, &str, &str); 5] = [
    (
        "X-Request-ID",
        true,
        "The request's id: yours when you sent a sane one (1–128 of `[A-Za-z0-9._:-]`), else a new UUID. Quote it in reports.",
        r#"{"type": "string", "minLength": 1, "maxLength": 128}"#,
    ),
    (
        "X-Process-Time",
        true,
        "Seconds the server spent on the request, with 6 decimals.",
        r#"{"type": "string", "pattern": "^[0-9]+\\.[0-9]{6}$"}"#,
    ),
    (
        "X-RateLimit-Limit",
        false,
        "Requests allowed per minute in this operation's rate-limit bucket.",
        r#"{"type": "integer", "minimum": 0}"#,
    ),
    (
        "X-RateLimit-Remaining",
        false,
        "Requests left in the bucket now.",
        r#"{"type": "integer", "minimum": 0}"#,
    ),
    (
        "X-RateLimit-Reset",
        false,
        "Seconds until the bucket is full again.",
        r#"{"type": "integer", "minimum": 0}"#,
    ),
];

/// Declares [`COMMON_HEADERS`] once under `components/headers` and refers to them from every
/// response of every operation.
fn declare_common_headers(doc: &mut Value) {
    let mut components = Map::new();
    for (name, required, description, schema) in COMMON_HEADERS {
        let schema: Value = serde_json::from_str(schema).unwrap_or(Value::Null);
        components.insert(
            name.to_owned(),
            serde_json::json!({
                "description": description,
                "required": required,
                "schema": schema,
            }),
        );
    }
    components.insert(
        PRIVATE_CACHE.to_owned(),
        serde_json::json!({
            "description": "`private` on answers to a request with `Authorization` (the caller's own data; no shared cache may keep it), unless the operation documents another value.",
            "required": false,
            "schema": {"type": "string"},
        }),
    );
    if let Some(Value::Object(c)) = doc.get_mut("components") {
        c.insert("headers".into(), Value::Object(components));
    }
    for (_, op) in operations_mut(doc) {
        let secured = op.contains_key("security");
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        for response in responses.values_mut().filter_map(Value::as_object_mut) {
            let declared = response
                .entry("headers")
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(declared) = declared else {
                continue;
            };
            let refs = COMMON_HEADERS
                .iter()
                .map(|(name, ..)| (*name, *name))
                .chain(secured.then_some(("Cache-Control", PRIVATE_CACHE)));
            for (name, component) in refs {
                declared.entry(name.to_owned()).or_insert_with(
                    || serde_json::json!({ "$ref": format!("#/components/headers/{component}") }),
                );
            }
        }
    }
}

/// The component declaring `Cache-Control: private` on the responses of secured operations.
const PRIVATE_CACHE: &str = "Cache-Control-Private";

/// Removes the error statuses an operation cannot answer, read from its declaration:
/// - 401 and 403 need a security requirement (a token to refuse, a scope to lack);
/// - 404 needs a path parameter (a resource named in the path);
/// - 409 needs a method that writes (not `GET`);
/// - 415 needs a request body.
///
/// `extra` keeps, by `operationId`, the statuses a handler answers beyond these (login's 401
/// for a wrong password, a body naming a resource that is gone).
fn prune_statuses(doc: &mut Value, extra: &[(&str, &[u16])]) {
    for (method, op) in operations_mut(doc) {
        let secured = op
            .get("security")
            .is_some_and(|s| s.as_array().is_some_and(|a| !a.is_empty()));
        let in_path = op
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
        let body = op.contains_key("requestBody");
        let kept: &[u16] = op
            .get("operationId")
            .and_then(Value::as_str)
            .and_then(|id| extra.iter().find(|(name, _)| *name == id))
            .map_or(&[], |(_, statuses)| statuses);
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        responses.retain(|status, _| {
            let Ok(code) = status.parse::<u16>() else {
                return true;
            };
            let possible = match code {
                401 | 403 => secured,
                404 => in_path,
                409 => method != "get",
                415 => body,
                _ => true,
            };
            possible || kept.contains(&code)
        });
    }
}

/// Gives each undescribed response the description of its JSON body's schema (for an array,
/// "A list of: " and the items' description).
fn describe_success(doc: &mut Value) {
    let descriptions: HashMap<String, String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| {
            let d = schema["description"].as_str()?;
            Some((name.clone(), d.trim().to_owned()))
        })
        .collect();
    let described = |schema: &Value| -> Option<String> {
        let named = |s: &Value| {
            let name = s["$ref"].as_str()?.rsplit('/').next()?;
            descriptions.get(name).cloned()
        };
        match schema["type"].as_str() {
            Some("array") => named(&schema["items"]).map(|d| format!("A list of: {d}")),
            _ => named(schema),
        }
    };
    for response in responses_mut(doc) {
        if response
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| !d.is_empty())
        {
            continue;
        }
        let schema = response
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .map(|media| media["schema"].clone())
            .unwrap_or_default();
        let text = described(&schema).unwrap_or_else(|| "Success.".to_owned());
        response.insert("description".into(), Value::String(text));
    }
}

/// Links each `201` response of a `POST` on a collection (`/runs`) to every operation under
/// `<collection>/{name}` whose only path parameter is `name`, when the created body has a
/// property `name` (`/runs/{run_id}`, `/runs/{run_id}/percentiles`): the link passes
/// `$response.body#/name` (OpenAPI 3.0 §4.7.20).
fn link_created(doc: &mut Value) {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    // (path, its only path parameter, operationIds on it)
    let mut items: Vec<(String, String, Vec<String>)> = Vec::new();
    for (path, item) in paths.iter() {
        let params: Vec<&str> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        if let [only] = params.as_slice() {
            let ids = item
                .as_object()
                .into_iter()
                .flat_map(|ops| ops.values())
                .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
                .collect();
            items.push((path.clone(), (*only).to_owned(), ids));
        }
    }
    for (collection, item) in paths.iter_mut() {
        let Some(created) = item.pointer_mut("/post/responses/201") else {
            continue;
        };
        let body = created
            .pointer("/content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|media| media["schema"]["$ref"].as_str())
            .and_then(|r| r.rsplit('/').next())
            .map(|name| schemas[name]["properties"].clone())
            .unwrap_or_default();
        let mut links = Map::new();
        for (path, param, ids) in &items {
            let under = path
                .strip_prefix(collection.as_str())
                .is_some_and(|rest| rest.starts_with(&format!("/{{{param}}}")));
            if !under || body.get(param).is_none() {
                continue;
            }
            for id in ids {
                links.insert(
                    id.clone(),
                    serde_json::json!({
                        "operationId": id,
                        "parameters": { param: format!("$response.body#/{param}") },
                        "description": format!("`{param}` of what was created."),
                    }),
                );
            }
        }
        if !links.is_empty()
            && let Value::Object(created) = created
        {
            created.insert("links".into(), Value::Object(links));
        }
    }
}

/// The range of an integer `format`, as poem-openapi parses it (a value outside is refused).
fn format_range(format: &str) -> Option<(Value, Value)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0.into(), u8::MAX.into()),
        "uint16" => (0.into(), u16::MAX.into()),
        "uint32" => (0.into(), u32::MAX.into()),
        "uint64" => (0.into(), u64::MAX.into()),
        _ => return None,
    })
}

/// Adds the range of its `format` to every integer schema that states no bound of its own:
/// `minimum: 0` for unsigned ones, and the type's limits, which the server enforces.
fn integer_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some((min, max)) = map
                .get("format")
                .and_then(Value::as_str)
                .and_then(format_range)
            {
                map.entry("minimum").or_insert(min);
                map.entry("maximum").or_insert(max);
            }
            map.values_mut().for_each(integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(integer_bounds),
        _ => {}
    }
}

/// The rule every text value meets, as a JSON Schema pattern: no NUL character (U+0000).
/// PostgreSQL cannot store it in text (`22021`), so the JSON bodies' validator
/// (`http::json`) and the request-target check (`http::strict_uri`) refuse it everywhere.
pub const NO_NUL_PATTERN: &str = "^[^\\u0000]*$";

/// Adds [`NO_NUL_PATTERN`] to every plain string schema: one without a `format`, `enum`,
/// `const` or `pattern` of its own (those already exclude NUL, or describe bytes). Examples are
/// data, not schemas, and are left alone.
fn strings_without_nul(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let plain_string = map.get("type").and_then(Value::as_str) == Some("string")
                && !["format", "enum", "const", "pattern"]
                    .iter()
                    .any(|k| map.contains_key(*k));
            if plain_string {
                map.insert("pattern".into(), Value::from(NO_NUL_PATTERN));
            }
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    strings_without_nul(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strings_without_nul),
        _ => {}
    }
}

/// Empties the scope list of every security requirement naming a scheme that is neither
/// `oauth2` nor `openIdConnect`.
fn scopes_only_for_oauth2(doc: &mut Value) {
    let plain: Vec<String> = match doc.pointer("/components/securitySchemes") {
        Some(Value::Object(schemes)) => schemes
            .iter()
            .filter(|(_, s)| !matches!(s["type"].as_str(), Some("oauth2" | "openIdConnect")))
            .map(|(name, _)| name.clone())
            .collect(),
        _ => return,
    };
    for (_, op) in operations_mut(doc) {
        let Some(Value::Array(requirements)) = op.get_mut("security") else {
            continue;
        };
        for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
            for name in &plain {
                if let Some(scopes) = requirement.get_mut(name) {
                    *scopes = Value::Array(Vec::new());
                }
            }
        }
    }
}

/// A JSON value whose objects merge repeated keys (deeply, when both values are objects)
/// instead of keeping the last.
struct Merged(Value);

impl<'de> serde::Deserialize<'de> for Merged {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MergedVisitor).map(Merged)
    }
}

struct MergedVisitor;

impl<'de> serde::de::Visitor<'de> for MergedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((key, Merged(value))) = map.next_entry::<String, Merged>()? {
            match (out.get_mut(&key), value) {
                (Some(Value::Object(existing)), Value::Object(more)) => merge(existing, more),
                (_, value) => {
                    out.insert(key, value);
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Merged(v)) = seq.next_element::<Merged>()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// `more`'s entries into `into`, objects merged deeply.
fn merge(into: &mut Map<String, Value>, more: Map<String, Value>) {
    for (k, v) in more {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// OpenAPI 3.0 reads `nullable` only beside a `type` (validators such as Spectral's refuse it
/// alone): a nullable reference (`allOf: [{$ref}]`) gets the referenced schema's `type`, and a
/// free-form schema (`{}`, which allows `null` already) loses its `nullable`.
fn typed_nullables(doc: &mut Value) {
    let types: Map<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .filter_map(|(name, s)| s.get("type").map(|t| (name.clone(), t.clone())))
                .collect()
        })
        .unwrap_or_default();
    fn walk(value: &mut Value, types: &Map<String, Value>) {
        match value {
            Value::Object(map) => {
                if map.get("nullable") == Some(&Value::Bool(true)) && !map.contains_key("type") {
                    let referenced = map
                        .get("allOf")
                        .and_then(Value::as_array)
                        .filter(|parts| parts.len() == 1)
                        .and_then(|parts| parts[0].get("$ref"))
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .and_then(|name| types.get(name))
                        .cloned();
                    match referenced {
                        Some(ty) => {
                            map.insert("type".into(), ty);
                        }
                        None if ["allOf", "anyOf", "oneOf", "$ref"]
                            .iter()
                            .all(|k| !map.contains_key(*k)) =>
                        {
                            map.remove("nullable");
                        }
                        None => {}
                    }
                }
                map.iter_mut()
                    .filter(|(k, _)| *k != "example" && *k != "examples")
                    .for_each(|(_, v)| walk(v, types));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, types)),
            _ => {}
        }
    }
    walk(doc, &types);
}

/// Drops the `null` members of every schema example: an absent optional field reads the same,
/// and `null` would not match a nullable reference's target in validators that check examples.
fn examples_without_nulls(doc: &mut Value) {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.retain(|_, v| !v.is_null());
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for schema in schemas.values_mut() {
            if let Some(example) = schema.get_mut("example") {
                strip(example);
            }
        }
    }
}

/// Gives each request body and success response the example of its schema (a type's
/// `Example`, which poem-openapi puts on the component), so every operation shows one where
/// Swagger UI and client generators look: on the media type. A list of a type shows a list of
/// its example; a multipart form, its parts' examples.
fn media_examples(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas").cloned() else {
        return;
    };
    let example_of = |schema: &Value| -> Option<Value> {
        let named = |r: &Value| {
            r.as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| schemas.get(name))
                .and_then(|s| s.get("example"))
                .cloned()
        };
        match (schema.get("$ref"), schema.pointer("/items/$ref")) {
            (Some(r), _) => named(r),
            (None, Some(r)) => named(r).map(|e| Value::Array(vec![e])),
            // An inline object (a multipart form): its properties' own examples.
            _ => {
                let parts: Map<String, Value> = schema
                    .get("properties")
                    .and_then(Value::as_object)?
                    .iter()
                    .filter_map(|(name, p)| p.get("example").map(|e| (name.clone(), e.clone())))
                    .collect();
                (!parts.is_empty()).then_some(Value::Object(parts))
            }
        }
    };
    for (_, op) in operations_mut(doc) {
        let mut media: Vec<&mut Value> = Vec::new();
        for (key, part) in op.iter_mut() {
            match (key.as_str(), part) {
                ("requestBody", body) => {
                    if let Some(Value::Object(content)) = body.get_mut("content") {
                        media.extend(content.values_mut());
                    }
                }
                ("responses", Value::Object(responses)) => {
                    for (status, response) in responses.iter_mut() {
                        if let (true, Some(Value::Object(content))) =
                            (status.starts_with('2'), response.get_mut("content"))
                        {
                            media.extend(content.values_mut());
                        }
                    }
                }
                _ => {}
            }
        }
        for m in media.into_iter().filter_map(Value::as_object_mut) {
            if m.contains_key("example") {
                continue;
            }
            if let Some(example) = m.get("schema").and_then(&example_of) {
                m.insert("example".into(), example);
            }
        }
    }
}

/// Folds `allOf: [{$ref}, {description}]` (how poem-openapi documents a referenced field) into
/// `allOf: [{$ref}]` with the description beside it. Client generators merge the members of an
/// `allOf` as objects, and refuse when the reference is an enum (openapi-python-client: "Cannot
/// take allOf a non-object"); a single reference they pass through.
fn fold_reference_annotations(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get_mut("allOf")
                && members.iter().filter(|m| m.get("$ref").is_some()).count() == 1
                && members.iter().all(|m| {
                    m.get("$ref").is_some()
                        || m.as_object()
                            .is_some_and(|o| o.keys().all(|k| k == "description" || k == "title"))
                })
            {
                let mut notes = Map::new();
                members.retain_mut(|m| match m {
                    Value::Object(o) if o.get("$ref").is_none() => {
                        notes.extend(std::mem::take(o));
                        false
                    }
                    _ => true,
                });
                for (k, v) in notes {
                    map.entry(k).or_insert(v);
                }
            }
            map.values_mut().for_each(fold_reference_annotations);
        }
        Value::Array(items) => items.iter_mut().for_each(fold_reference_annotations),
        _ => {}
    }
}

/// Removes `default: {}`-style defaults from object schemas: OpenAPI allows them, but client
/// generators do not (openapi-python-client: "ModelProperty cannot have a default value"). The
/// property stays nullable and optional, and its description says what absence means.
fn drop_object_defaults(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("object")
                && map.get("default").is_some_and(Value::is_object)
            {
                map.remove("default");
            }
            map.iter_mut()
                .filter(|(k, _)| *k != "example" && *k != "examples")
                .for_each(|(_, v)| drop_object_defaults(v));
        }
        Value::Array(items) => items.iter_mut().for_each(drop_object_defaults),
        _ => {}
    }
}

/// Walks `value` and marks every optional property of every object schema
/// as nullable (a `$ref` is wrapped in `allOf`, since OpenAPI 3.0 ignores a `$ref`'s siblings).
pub fn mark_optional_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("object") {
                mark_properties(map);
            }
            for v in map.values_mut() {
                mark_optional_nullable(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mark_optional_nullable),
        _ => {}
    }
}

fn mark_properties(schema: &mut Map<String, Value>) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(props)) = schema.get_mut("properties") else {
        return;
    };
    for (name, prop) in props.iter_mut() {
        if required.contains(name) {
            continue;
        }
        let Value::Object(p) = prop else { continue };
        if let Some(reference) = p.remove("$ref") {
            let mut one = Map::new();
            one.insert("$ref".into(), reference);
            p.insert("allOf".into(), Value::Array(vec![Value::Object(one)]));
        }
        p.insert("nullable".into(), Value::Bool(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_properties_become_nullable_and_required_ones_do_not() {
        let mut schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "notes": {"type": "string"},
                "tags": {"type": "array", "default": []},
                "points": {"$ref": "#/components/schemas/ChampionPoints"},
                "class": {"allOf": [{"$ref": "#/components/schemas/EsoClass"}], "description": "d"}
            }
        });
        mark_optional_nullable(&mut schema);
        let p = &schema["properties"];
        assert_eq!(p["id"].get("nullable"), None);
        assert_eq!(p["notes"]["nullable"], true);
        assert_eq!(p["tags"]["nullable"], true);
        assert_eq!(
            p["points"],
            json!({"allOf": [{"$ref": "#/components/schemas/ChampionPoints"}], "nullable": true})
        );
        assert_eq!(p["class"]["nullable"], true);
    }

    #[test]
    fn a_described_reference_becomes_a_single_reference_and_object_defaults_go() {
        let mut schema = json!({
            "properties": {
                "importance": {
                    "allOf": [{"$ref": "#/components/schemas/Importance"}, {"description": "d"}],
                    "description": "d"
                },
                "both": {"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]},
                "craft": {"type": "object", "nullable": true, "default": {}},
                "tags": {"type": "array", "default": []}
            }
        });
        fold_reference_annotations(&mut schema);
        drop_object_defaults(&mut schema);
        let p = &schema["properties"];
        assert_eq!(
            p["importance"],
            json!({"allOf": [{"$ref": "#/components/schemas/Importance"}], "description": "d"})
        );
        assert_eq!(p["both"]["allOf"].as_array().map(Vec::len), Some(2));
        assert_eq!(p["craft"], json!({"type": "object", "nullable": true}));
        assert_eq!(p["tags"]["default"], json!([]));
    }

    #[test]
    fn the_served_document_marks_options_nullable() {
        let served = crate::routes::document(&crate::config::Settings::default());
        let doc: Value = serde_json::from_str(&served).unwrap_or_default();
        let notes = &doc["components"]["schemas"]["SavedBuild"]["properties"]["notes"];
        assert_eq!(notes["nullable"], true, "{notes}");
    }

    #[test]
    fn every_response_declares_the_common_headers_and_unsigned_integers_their_minimum() {
        let served = crate::routes::document(&crate::config::Settings::default());
        let doc: Value = serde_json::from_str(&served).unwrap_or_default();
        let list = &doc["paths"]["/runs"]["get"];
        for status in ["404", "409", "415"] {
            assert!(list["responses"].get(status).is_none(), "{status}");
        }
        for status in ["200", "401", "422"] {
            let headers = &list["responses"][status]["headers"];
            for (name, required, _, _) in COMMON_HEADERS {
                let reference = format!("#/components/headers/{name}");
                assert_eq!(headers[name]["$ref"], reference.as_str(), "{status} {name}");
                let declared = &doc["components"]["headers"][name];
                assert_eq!(declared["required"], required, "{name}");
                assert!(declared["schema"]["type"].is_string(), "{name}");
            }
        }
        let offset = list["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "offset"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(offset["schema"]["minimum"], 0, "{offset}");
    }

    #[test]
    fn a_create_links_to_the_operations_on_what_it_created() {
        let served = crate::routes::document(&crate::config::Settings::default());
        let doc: Value = serde_json::from_str(&served).unwrap_or_default();
        let links = &doc["paths"]["/builds"]["post"]["responses"]["201"]["links"];
        for id in [
            "get_saved_build",
            "update_saved_build",
            "delete_saved_build",
        ] {
            assert_eq!(links[id]["operationId"], id, "{links}");
            assert_eq!(
                links[id]["parameters"]["build_id"],
                "$response.body#/build_id"
            );
        }
        let runs = &doc["paths"]["/runs"]["post"]["responses"]["201"]["links"];
        assert!(runs["get_run_percentiles"].is_object(), "{runs}");
    }
}
