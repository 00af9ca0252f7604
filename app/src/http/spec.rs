//! The OpenAPI document as served at `/api/openapi.json` and written by `ebo openapi`:
//! poem-openapi's output with two corrections, made in this one place: nullable optional
//! properties (below), and the OAuth2 `tokenUrl` under the configured API prefix (the
//! attribute declaring it is a compile-time constant).
//!
//! poem-openapi describes an `Option<T>` field as an optional property of type `T`, but
//! serializes `None` as `null` (the upstream FastAPI shapes keep the key). A strict client or
//! validator (schemathesis' `response_schema_conformance`) then rejects the very responses we
//! send. So every optional property without a `default` (a defaulted field is never `null`)
//! is marked `nullable: true`, which is also what the parsers accept: `null` reads as absent.

use serde_json::{Map, Value};

/// The path the OAuth2 password flow's `tokenUrl` is declared with, before the API prefix.
pub const DECLARED_TOKEN_URL: &str = "/api/v1/auth/login";

/// `raw` (poem-openapi's document) corrected, as pretty-printed JSON; `api_prefix` is the
/// configured `server.api_prefix`.
pub fn document(raw: String, api_prefix: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<Value>(&raw) else {
        return raw;
    };
    mark_optional_nullable(&mut doc);
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

/// Walks `value` and marks every optional, non-defaulted property of every object schema
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
        if p.contains_key("default") {
            continue;
        }
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
    fn optional_properties_become_nullable_required_and_defaulted_do_not() {
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
        assert_eq!(p["tags"].get("nullable"), None);
        assert_eq!(
            p["points"],
            json!({"allOf": [{"$ref": "#/components/schemas/ChampionPoints"}], "nullable": true})
        );
        assert_eq!(p["class"]["nullable"], true);
    }

    #[test]
    fn the_served_document_marks_options_nullable() {
        let served = crate::routes::document(&crate::config::Settings::default());
        let doc: Value = serde_json::from_str(&served).unwrap_or_default();
        let notes = &doc["components"]["schemas"]["SavedBuild"]["properties"]["notes"];
        assert_eq!(notes["nullable"], true, "{notes}");
    }
}
