//! Corrections to the document's responses: the headers every response carries, each
//! operation's possible error statuses, undescribed success bodies, and OpenAPI links from a
//! create to the operations on what it created.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{operations_mut, responses_mut};

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
pub(super) fn declare_common_headers(doc: &mut Value) {
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
pub(super) fn prune_statuses(doc: &mut Value, extra: &[(&str, &[u16])]) {
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
pub(super) fn describe_success(doc: &mut Value) {
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
pub(super) fn link_created(doc: &mut Value) {
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
