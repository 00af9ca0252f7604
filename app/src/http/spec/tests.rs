//! The corrections, each shown on a small document and on the served one.

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
