//! The schema checks, through `validate` on small types.

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

#[test]
fn paths_are_named_as_before_though_built_only_on_failure() {
    let root = Path::Root;
    assert_eq!(root.render(), "body");
    let item = Path::Index(&root, 0);
    assert_eq!(item.render(), "body[0]");
    assert_eq!(Path::Key(&item, "dps").render(), "body[0].dps");
    let metrics = Path::Key(&root, "metrics");
    let buffs = Path::Key(&metrics, "buff_uptime");
    let second = Path::Index(&buffs, 1);
    assert_eq!(
        Path::Key(&second, "name").render(),
        "metrics.buff_uptime[1].name"
    );
}
