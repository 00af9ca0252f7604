//! The build part of an addon run: the character, class, race, sets, the two action bars (slots
//! 3–8, the ultimate last) and the champion points, mapped onto `BuildSnapshot`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    MAX_CP, MAX_NAME, MAX_SETS, Refusal, UNKNOWN_CHARACTER,
    read::{entries, list, number, object, text},
    refuse,
};
use crate::{
    eso::{ChampionPoints, EsoClass, Race},
    runs::dto::BuildSnapshot,
};

/// The build of a run recorded before the addon had one: class, race and CP unknown.
pub(super) fn unknown_build() -> BuildSnapshot {
    BuildSnapshot {
        player_class: EsoClass::Unknown,
        subclass: None,
        race: Race::Unknown,
        cp_level: 0,
        sets: Vec::new(),
        set_pieces: None,
        skills_front: Vec::new(),
        skills_back: Vec::new(),
        champion_points: None,
    }
}

pub(super) fn build(b: &Map<String, Value>) -> Result<(String, BuildSnapshot), Refusal> {
    let character = object(b, "character", "build_snapshot.character")?;
    let empty = Map::new();
    let character = character.unwrap_or(&empty);
    let name = match character.get("name") {
        None | Some(Value::Null) => UNKNOWN_CHARACTER.to_owned(),
        Some(_) => text(
            character,
            "name",
            "build_snapshot.character.name",
            1,
            MAX_NAME,
        )?,
    };
    let player_class = match character.get("class").and_then(Value::as_str) {
        None => EsoClass::Unknown,
        Some(c) => serde_json::from_value(Value::String(c.to_owned())).map_err(|_| {
            refuse(
                "build_snapshot.character.class",
                "must be one of: Dragonknight, Nightblade, Sorcerer, Templar, Warden, \
                 Necromancer, Arcanist, Unknown",
            )
        })?,
    };
    let race = match character.get("race").and_then(Value::as_str) {
        None => Race::Unknown,
        Some(r) => Race::from_spelling(r).ok_or_else(|| {
            let names: Vec<&str> = Race::SPELLINGS.iter().map(|(n, _)| *n).collect();
            refuse(
                "build_snapshot.character.race",
                format!("must be one of: {}", names.join(", ")),
            )
        })?,
    };
    let cp_level = match number(character, "cp_level", "build_snapshot.character.cp_level")? {
        None => 0,
        Some(cp) if (0.0..=MAX_CP as f64).contains(&cp) => cp.round() as i32,
        Some(_) => {
            return Err(refuse(
                "build_snapshot.character.cp_level",
                format!("must be between 0 and {MAX_CP}"),
            ));
        }
    };

    let mut sets = Vec::new();
    let mut set_pieces = BTreeMap::new();
    for (i, set) in list(b, "sets", "build_snapshot.sets")?.iter().enumerate() {
        let path = format!("build_snapshot.sets[{}]", i + 1);
        let set = set
            .as_object()
            .ok_or_else(|| refuse(&path, "must be a table {name, pieces}"))?;
        let name = text(set, "name", &format!("{path}.name"), 1, MAX_NAME)?;
        let pieces = number(set, "pieces", &format!("{path}.pieces"))?.unwrap_or(0.0);
        if !(0.0..=12.0).contains(&pieces) {
            return Err(refuse(
                &format!("{path}.pieces"),
                "must be between 0 and 12",
            ));
        }
        if !sets.contains(&name) {
            sets.push(name.clone());
        }
        set_pieces.insert(name, pieces.round() as u32);
    }
    if sets.len() > MAX_SETS {
        return Err(refuse(
            "build_snapshot.sets",
            format!("must have at most {MAX_SETS} items"),
        ));
    }

    let skills = object(b, "skills", "build_snapshot.skills")?;
    let (skills_front, skills_back) = match skills {
        Some(s) => (
            bar(s, "front", "build_snapshot.skills.front")?,
            bar(s, "back", "build_snapshot.skills.back")?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let champion_points = object(b, "champion_points", "build_snapshot.champion_points")?
        .map(champion_points)
        .transpose()?;
    Ok((
        name,
        BuildSnapshot {
            player_class,
            subclass: None,
            race,
            cp_level,
            sets,
            set_pieces: (!set_pieces.is_empty()).then_some(set_pieces),
            skills_front,
            skills_back,
            champion_points,
        },
    ))
}

/// First action-bar slot that holds a skill (1 and 2 are the light and heavy attack).
pub(super) const FIRST_SKILL_SLOT: u32 = 3;
/// The ultimate's slot.
pub(super) const ULTIMATE_SLOT: u32 = 8;

/// One bar's skill names from action-bar slots 3–8 in slot order, the ultimate last. The bar
/// is a map from slot number to `{name, is_ultimate, …}`; as an array, position `n` (from 1)
/// is slot `n`.
pub(super) fn bar(
    skills: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Vec<String>, Refusal> {
    let mut slotted: Vec<(bool, u32, String)> = Vec::new();
    for (slot, skill) in entries(skills.get(key), path)? {
        if skill.is_null() {
            continue;
        }
        let slot_path = format!("{path}.{slot}");
        let n: u32 = slot
            .parse()
            .ok()
            .filter(|n| (FIRST_SKILL_SLOT..=ULTIMATE_SLOT).contains(n))
            .ok_or_else(|| refuse(&slot_path, "must be an action-bar slot from 3 to 8"))?;
        let skill = skill
            .as_object()
            .ok_or_else(|| refuse(&slot_path, "must be a table {id, name, is_ultimate, …}"))?;
        let name = text(skill, "name", &format!("{slot_path}.name"), 1, MAX_NAME)?;
        let ultimate =
            n == ULTIMATE_SLOT || skill.get("is_ultimate").and_then(Value::as_bool) == Some(true);
        slotted.push((ultimate, n, name));
    }
    slotted.sort();
    Ok(slotted.into_iter().map(|(_, _, name)| name).collect())
}

/// The slotted champion stars (`{slot, id, name}` per constellation) as star name → points.
/// The addon records which stars are slotted, not the points in them: each is kept with 0.
pub(super) fn champion_points(cp: &Map<String, Value>) -> Result<ChampionPoints, Refusal> {
    let stars = |key: &str| -> Result<BTreeMap<String, u32>, Refusal> {
        let path = format!("build_snapshot.champion_points.{key}");
        let mut out = BTreeMap::new();
        for (slot, star) in entries(cp.get(key), &path)? {
            let star_path = format!("{path}.{slot}");
            let star = star
                .as_object()
                .ok_or_else(|| refuse(&star_path, "must be a table {slot, id, name}"))?;
            out.insert(
                text(star, "name", &format!("{star_path}.name"), 1, MAX_NAME)?,
                0,
            );
        }
        Ok(out)
    };
    Ok(ChampionPoints {
        warfare: stars("warfare")?,
        fitness: stars("fitness")?,
        craft: stars("craft")?,
    })
}
