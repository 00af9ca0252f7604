//! The OpenAPI document as served at `/api/openapi.json` and written by `ebo openapi`:
//! poem-openapi's output with four corrections, made in this one place: a path served by two
//! APIs keeps every operation (poem-openapi writes the path twice), nullable optional
//! properties (below), the OAuth2 `tokenUrl` under the configured API prefix (the attribute
//! declaring it is a compile-time constant), and scopes listed only for the OAuth2 scheme
//! (poem-openapi repeats an operation's scopes for every scheme of its parameter, but OpenAPI
//! 3.0 §4.7.30 requires an empty list for the others).
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
    // poem-openapi writes a path once per API that serves it, so a path served by two APIs
    // (the generated writes and the hand-written cached reads of `/features`) appears twice;
    // a plain parse would keep only the last and lose the other's operations.
    let Ok(Merged(mut doc)) = serde_json::from_str::<Merged>(&raw) else {
        return raw;
    };
    mark_optional_nullable(&mut doc);
    scopes_only_for_oauth2(&mut doc);
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
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    let operations = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut());
    for op in operations {
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
