//! Reading SavedVariables: the Lua table, the sample file, and every malformed shape.

use serde_json::json;

use super::*;

fn sample() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/addon/ESOBuildOptimizer.lua"
    );
    std::fs::read(path)
        .unwrap_or_else(|e| panic!("the addon sample must be beside the project at {path}: {e}"))
}

#[test]
fn the_sample_reads_as_seven_distinct_runs() {
    let runs = runs(&sample()).unwrap();
    let ids: Vec<&str> = runs.iter().filter_map(|r| r["run_id"].as_str()).collect();
    assert_eq!(
        ids.len(),
        7,
        "runs and pendingSync.runs hold the same 7 runs"
    );
    assert_eq!(ids[0], "Tester_1764700000_8766");
    assert_eq!(ids[6], "Tester_1764797000_8183");
    // Escapes, UTF-8, negative numbers, floats and sparse slot maps survive.
    assert_eq!(
        runs[5]["content"]["name"],
        json!("Velidreth \"the Spider\"")
    );
    assert_eq!(
        runs[2]["build_snapshot"]["character"]["name"],
        json!("Ясная Звезда")
    );
    assert_eq!(runs[6]["metrics"]["damage_done"], json!(-5));
    assert_eq!(runs[0]["duration_sec"], json!(535.821));
    let front = runs[0]["build_snapshot"]["skills"]["front"]
        .as_object()
        .unwrap();
    assert_eq!(front.keys().collect::<Vec<_>>(), ["3", "4", "5", "7", "8"]);
    assert!(runs[0]["build_snapshot"]["sets"].is_array());
}

#[test]
fn lua_values_become_json() {
    let root = read(
        br#"ESOBuildOptimizerSV = { ["a"] = { [1] = "x", [2] = 'y' }, b = { 10, 20 },
             ["c"] = { [3] = true }, ["d"] = {}, ["e"] = nil, ["f"] = -0x10, ["g"] = 1.5e2,
             ["h"] = "tab\tnl\nq\"\65\u{48}\x49", ["i"] = [[long]] } -- comment"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::Value::Object(root),
        json!({"a": ["x", "y"], "b": [10, 20], "c": {"3": true}, "d": {}, "f": -16,
               "g": 150.0, "h": "tab\tnl\nq\"AHI", "i": "long"})
    );
}

#[test]
fn what_is_not_a_saved_variables_file_is_refused_whole() {
    let cases: [(&[u8], &str); 9] = [
        (b"ESOBuildOptimizerSV = { [\"runs\"] = { ", "syntax"),
        (b"ESOBuildOptimizerSV = 5", "not a table"),
        (
            b"ESOBuildOptimizerSV = os.execute(\"rm -rf /\")",
            "function call",
        ),
        (
            b"ESOBuildOptimizerSV = { [\"runs\"] = os.getenv(\"HOME\") }",
            "nested call",
        ),
        (b"ESOBuildOptimizerSV = { [\"x\"] = 1 + 2 }", "operator"),
        (b"ESOBuildOptimizerSV = { } print(1)", "second statement"),
        (b"OtherAddonSV = { }", "other global"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "binary"),
        (
            b"ESOBuildOptimizerSV = { [\"x\"] = function() end }",
            "function",
        ),
    ];
    for (text, case) in cases {
        assert!(read(text).is_err(), "{case} must be refused");
    }
    let deep = format!(
        "ESOBuildOptimizerSV = {}{}",
        "{".repeat(200),
        "}".repeat(200)
    );
    assert_eq!(read(deep.as_bytes()), Err(SavedVariablesError::TooDeep));
}

#[test]
fn nul_escapes_never_reach_a_string() {
    let root = read(br#"ESOBuildOptimizerSV = { ["a"] = "x\0y\000z" }"#).unwrap();
    assert_eq!(root["a"], json!("x\u{FFFD}y\u{FFFD}z"));
}

#[test]
fn a_repeated_key_keeps_its_last_value_and_its_place() {
    let root =
        read(br#"ESOBuildOptimizerSV = { ["a"] = 1, ["b"] = 2, ["a"] = 3, [1] = "x", [1] = "y" }"#)
            .unwrap();
    assert_eq!(
        serde_json::Value::Object(root),
        json!({"a": 3, "b": 2, "1": "y"})
    );
}
