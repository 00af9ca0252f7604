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

mod merge;
mod responses;
mod schema;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use self::{
    merge::Merged,
    responses::{declare_common_headers, describe_success, link_created, prune_statuses},
    schema::{
        drop_object_defaults, examples_without_nulls, fold_reference_annotations, integer_bounds,
        media_examples, strings_without_nul, typed_nullables,
    },
};
pub use self::{
    responses::COMMON_HEADERS,
    schema::{NO_NUL_PATTERN, mark_optional_nullable},
};

/// The path the OAuth2 password flow's `tokenUrl` is declared with, before the API prefix.
pub const DECLARED_TOKEN_URL: &str = "/api/v1/auth/login";

/// `raw` (poem-openapi's document) corrected, as pretty-printed JSON; `api_prefix` is the
/// configured `server.api_prefix`.
/// `extra` names, by `operationId`, the statuses an operation answers beyond what its
/// declaration implies (see [`prune_statuses`]).
pub fn document(raw: String, api_prefix: &str, extra: &[(&str, &[u16])]) -> String {
    // poem-openapi writes a path once per API that serves it, so a path served by two APIs
    // (the generated list and the hand-written submit of `/runs`, say) appears twice;
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
