//! Corrections to the document's schemas: integer bounds from Rust's formats, strings
//! without NUL, nullable optional properties, examples without nulls, and references that
//! carry no annotations beside them.

use serde_json::{Map, Value};

use super::operations_mut;

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
pub(super) fn integer_bounds(value: &mut Value) {
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
pub(super) fn strings_without_nul(value: &mut Value) {
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

/// OpenAPI 3.0 reads `nullable` only beside a `type` (validators such as Spectral's refuse it
/// alone): a nullable reference (`allOf: [{$ref}]`) gets the referenced schema's `type`, and a
/// free-form schema (`{}`, which allows `null` already) loses its `nullable`.
pub(super) fn typed_nullables(doc: &mut Value) {
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
pub(super) fn examples_without_nulls(doc: &mut Value) {
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
pub(super) fn media_examples(doc: &mut Value) {
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
pub(super) fn fold_reference_annotations(value: &mut Value) {
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
pub(super) fn drop_object_defaults(value: &mut Value) {
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
