//! The addon-run mapping: every field the addon records, its units and its refusals.

use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::{
    eso::{EsoClass, Race},
    runs::saved_variables,
};

fn sample_runs() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/addon/ESOBuildOptimizer.lua"
    );
    let bytes = std::fs::read(path)
        .unwrap_or_else(|e| panic!("the addon sample must be beside the project at {path}: {e}"));
    saved_variables::runs(&bytes).unwrap()
}

fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap()
}

fn mapped(i: usize) -> CombatRun {
    map(&sample_runs()[i], Uuid::nil(), received()).unwrap()
}

#[test]
fn the_sample_maps_six_runs_and_rejects_the_malformed_one_by_field() {
    let runs = sample_runs();
    let results: Vec<_> = runs
        .iter()
        .map(|r| map(r, Uuid::nil(), received()))
        .collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 6);
    let rejected = results[6].as_ref().unwrap_err();
    assert_eq!(rejected.run_id.as_deref(), Some("Tester_1764797000_8183"));
    assert_eq!(rejected.field, "metrics.damage_done");
    assert_eq!(rejected.reason, "must be at least 0");
}

#[test]
fn character_class_race_and_cp_come_from_the_build_snapshot() {
    let run = mapped(0);
    assert_eq!(run.character_name, "Zhaan-Ri");
    assert_eq!(run.build_snapshot.player_class, EsoClass::Necromancer);
    assert_eq!(
        run.build_snapshot.race,
        Race::Bosmer,
        "Wood Elf is the Bosmer"
    );
    assert_eq!(run.cp_level, 810);
    assert_eq!(run.build_snapshot.cp_level, 810);
    assert_eq!(
        mapped(5).build_snapshot.race,
        Race::Dunmer,
        "Dark Elf is the Dunmer"
    );
    assert_eq!(mapped(1).build_snapshot.race, Race::Nord);
    assert_eq!(mapped(2).character_name, "Ясная Звезда");
    assert_eq!(mapped(3).build_snapshot.player_class, EsoClass::Arcanist);
}

#[test]
fn every_game_and_lore_race_name_maps_to_one_canonical_race() {
    let pairs = [
        ("High Elf", "Altmer", Race::Altmer),
        ("Wood Elf", "Bosmer", Race::Bosmer),
        ("Dark Elf", "Dunmer", Race::Dunmer),
        ("Orc", "Orsimer", Race::Orc),
    ];
    for (game, lore, race) in pairs {
        for spelling in [game, lore] {
            let mut run = sample_runs()[0].clone();
            run["build_snapshot"]["character"]["race"] = json!(spelling);
            let mapped = map(&run, Uuid::nil(), received()).unwrap();
            assert_eq!(mapped.build_snapshot.race, race, "{spelling}");
            assert_eq!(
                serde_json::to_value(mapped.build_snapshot.race).unwrap(),
                json!(lore.replace("Orsimer", "Orc"))
            );
        }
    }
    for same in [
        "Breton", "Redguard", "Nord", "Argonian", "Khajiit", "Imperial", "Unknown",
    ] {
        let mut run = sample_runs()[0].clone();
        run["build_snapshot"]["character"]["race"] = json!(same);
        let mapped = map(&run, Uuid::nil(), received()).unwrap();
        assert_eq!(mapped.build_snapshot.race.canonical(), same);
    }
    let mut run = sample_runs()[0].clone();
    run["build_snapshot"]["character"]["race"] = json!("Dwemer");
    let refused = map(&run, Uuid::nil(), received()).unwrap_err();
    assert_eq!(refused.field, "build_snapshot.character.race");
    assert!(refused.reason.contains("Dark Elf"), "{}", refused.reason);
}

#[test]
fn difficulty_and_group_size_stay_unknown() {
    let run = mapped(0);
    assert_eq!(run.difficulty, Difficulty::Unknown);
    assert_eq!(run.group(), None);
    assert_eq!(run.content_type, ContentType::Dungeon);
    assert_eq!(run.content_name, "The Mage");
    assert_eq!(mapped(1).content_type, ContentType::Overworld);
    assert_eq!(run.source, RunSource::Addon);
    assert_eq!(run.addon_run_id.as_deref(), Some("Tester_1764700000_8766"));
}

#[test]
fn sets_keep_their_names_and_piece_counts() {
    let b = mapped(0).build_snapshot;
    assert_eq!(
        b.sets,
        ["Perfected Whorl of the Depths", "Slimecraw", "Relequen"]
    );
    let pieces = b.set_pieces.unwrap();
    assert_eq!(pieces["Perfected Whorl of the Depths"], 5);
    assert_eq!(pieces["Slimecraw"], 2);
    assert_eq!(pieces["Relequen"], 5);
}

#[test]
fn skills_come_from_slots_3_to_8_in_slot_order_with_the_ultimate_last() {
    let b = mapped(0).build_snapshot;
    assert_eq!(
        b.skills_front,
        [
            "Shooting Star",
            "Fatecarver",
            "Inner Light",
            "Runeblades",
            "Fatecarver"
        ],
        "slot 6 is empty; slot 8 (the ultimate) last"
    );
    assert_eq!(
        b.skills_back,
        [
            "Runeblades",
            "Crystal Fragments",
            "Shooting Star",
            "Fatecarver",
            "Greater Storm Atronach",
            "Bound Aegis"
        ]
    );
    // An ultimate flagged on another slot still goes last; an array bar is slot-indexed.
    let mut run = sample_runs()[0].clone();
    run["build_snapshot"]["skills"]["front"] = json!([null, null,
        {"name": "Ult", "is_ultimate": true}, {"name": "A"}, null, {"name": "B"}]);
    let b = map(&run, Uuid::nil(), received()).unwrap().build_snapshot;
    assert_eq!(b.skills_front, ["A", "B", "Ult"]);
    run["build_snapshot"]["skills"]["front"] = json!({"9": {"name": "X"}});
    assert_eq!(
        map(&run, Uuid::nil(), received()).unwrap_err().field,
        "build_snapshot.skills.front.9"
    );
}

#[test]
fn uptime_maps_become_sorted_lists_and_shields_count_as_mitigation() {
    let m = mapped(0).metrics;
    let names: Vec<(&str, f64)> = m
        .buff_uptime
        .iter()
        .map(|u| (u.name.as_str(), u.uptime))
        .collect();
    assert_eq!(
        names,
        [
            ("Empower", 0.9898),
            ("Major Prophecy", 0.0885),
            ("Major Sorcery", 0.8539)
        ]
    );
    assert_eq!(m.debuff_uptime.len(), 2);
    assert_eq!(m.damage_mitigated, 331_861, "damage_shielded");
    assert_eq!(m.damage_done, 17_605_051);
    assert!((m.dps - 32_856.0).abs() < f64::EPSILON);
    // An empty table may arrive as [] or {}.
    assert!(mapped(6 - 1).metrics.debuff_uptime.len() <= 2);
    let mut run = sample_runs()[0].clone();
    run["metrics"]["debuff_uptime"] = json!([]);
    assert!(
        map(&run, Uuid::nil(), received())
            .unwrap()
            .metrics
            .debuff_uptime
            .is_empty()
    );
    run["metrics"]["buff_uptime"] = json!({"Major Sorcery": 1.5});
    let refused = map(&run, Uuid::nil(), received()).unwrap_err();
    assert_eq!(refused.field, "metrics.buff_uptime.Major Sorcery");
}

#[test]
fn slotted_champion_stars_are_kept() {
    let cp = mapped(0).build_snapshot.champion_points.unwrap();
    assert!(cp.warfare.contains_key("Fighting Finesse"));
    assert!(cp.fitness.contains_key("Boundless Vitality"));
    assert!(cp.craft.is_empty());
}

#[test]
fn localized_timestamps_are_read_as_utc() {
    let at = |y, mo, d, h, mi, s| Some(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap());
    assert_eq!(
        parse_timestamp("10/21/2026T02:38:00"),
        at(2026, 10, 21, 2, 38, 0)
    );
    assert_eq!(
        parse_timestamp("22.01.2026T08:38:42"),
        at(2026, 1, 22, 8, 38, 42)
    );
    assert_eq!(
        parse_timestamp("2026-01-22T08:38:42"),
        at(2026, 1, 22, 8, 38, 42)
    );
    assert_eq!(
        parse_timestamp("2026-01-22T08:38:42+02:00"),
        at(2026, 1, 22, 6, 38, 42)
    );
    assert_eq!(parse_timestamp("13/21/2026T02:38:00"), None);
    assert_eq!(parse_timestamp("yesterday"), None);
    assert_eq!(mapped(0).timestamp, at(2026, 10, 21, 2, 38, 0).unwrap());
}

#[test]
fn an_unreadable_timestamp_becomes_the_time_of_receipt_and_the_original_is_kept() {
    let mut run = sample_runs()[0].clone();
    run["timestamp"] = json!("Donnerstag");
    let mapped = map(&run, Uuid::nil(), received()).unwrap();
    assert_eq!(mapped.timestamp, received());
    assert_eq!(
        mapped.addon_original.unwrap()["timestamp"],
        json!("Donnerstag")
    );
}

#[test]
fn the_original_is_kept_whole() {
    let original = sample_runs()[0].clone();
    let run = map(&original, Uuid::nil(), received()).unwrap();
    assert_eq!(run.addon_original.as_ref(), Some(&original));
    assert_eq!(run.run_id.get_version_num(), 4);
}

#[test]
fn a_run_without_a_build_is_stored_under_unknown() {
    let mut run = sample_runs()[0].clone();
    run.as_object_mut().unwrap().remove("build_snapshot");
    let mapped = map(&run, Uuid::nil(), received()).unwrap();
    assert_eq!(mapped.character_name, UNKNOWN_CHARACTER);
    assert_eq!(mapped.build_snapshot.player_class, EsoClass::Unknown);
    assert_eq!(mapped.build_snapshot.race, Race::Unknown);
    assert!(mapped.build_snapshot.sets.is_empty());
}

#[test]
fn recognises_addon_runs_apart_from_create_bodies() {
    assert!(is_addon_run(&sample_runs()[0]));
    assert!(!is_addon_run(
        &json!({"character_name": "X", "content": {}})
    ));
    assert!(!is_addon_run(&json!({"run_id": 5})));
}
