//! Runs recorded by the game addon (ESO Build Optimizer), in the addon's own shape, mapped onto
//! the stored run. The shape is described in `../shared/data/addon/README.md`: a run carries
//! `run_id`, a localized `timestamp`, `content.difficulty` that is always `unknown`, no group
//! size, the character inside `build_snapshot.character`, action-bar slots 3–8 as map keys and
//! buff uptimes as maps. The same mapping serves every channel: a sync batch item, a
//! SavedVariables upload and `ebo import saved-variables`.
//!
//! The addon's JSON may come from the companion (which forwards what the addon wrote) or from
//! [`super::saved_variables`]; either way an empty table may arrive as `[]` or `{}`, and a
//! list as an array or as a map keyed by `1`, `2`, …: every list and map here accepts both.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    CombatRun, UNKNOWN_GROUP_SIZE,
    dto::{
        BuildSnapshot, CombatMetrics, ContentType, Difficulty, MAX_RATE, MAX_TOTAL, RunSource,
        Uptime,
    },
    scores_of,
};
use crate::{
    eso::{ChampionPoints, EsoClass, Race},
    model::column::truncate_to_millis,
};

/// Character name of a run recorded without a build (the addon had none yet).
pub const UNKNOWN_CHARACTER: &str = "Unknown";
/// Longest accepted addon `run_id`, characters.
const MAX_RUN_ID: usize = 100;
/// Longest accepted name (character, content, set, skill, buff), characters; as `POST /runs`.
const MAX_NAME: usize = 100;
/// Most sets and uptime entries kept per run (`POST /runs` allows 10 sets).
const MAX_SETS: usize = 10;
/// Most buff or debuff uptime entries accepted per run.
const MAX_UPTIMES: usize = 100;
/// Highest champion point level (`POST /runs`: 0–3600).
const MAX_CP: i64 = 3600;

/// Why an addon run was refused: the addon's field (dotted path, e.g.
/// `metrics.damage_done`) and a reason in the words of the uniform error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The addon run's `run_id`, when it had a readable one.
    pub run_id: Option<String>,
    /// Dotted path of the offending field in the addon's shape.
    pub field: String,
    /// Why it is refused, e.g. `must be at least 0`.
    pub reason: String,
}

/// Whether `data` is a run in the addon's shape rather than a `CombatRunCreate`: an object
/// with a string `run_id` (which `CombatRunCreate` does not have) and no `character_name`
/// (which the addon never writes).
pub fn is_addon_run(data: &Value) -> bool {
    data.get("run_id").is_some_and(Value::is_string) && data.get("character_name").is_none()
}

/// The addon's `run_id` of `data`, if it has a string one.
pub fn run_id_of(data: &Value) -> Option<&str> {
    data.get("run_id").and_then(Value::as_str)
}

/// Maps an addon run onto the row to store for `player`, or says which field is wrong. The
/// original is kept in the row (`addon_original`); `received` stands in for a timestamp that
/// cannot be read. The row's `run_id` is a new UUID v4.
///
/// # Errors
/// The first field that is missing or out of range, as a [`Rejection`].
pub fn map(
    original: &Value,
    player: Uuid,
    received: DateTime<Utc>,
) -> Result<CombatRun, Rejection> {
    let run_id = run_id_of(original).map(str::to_owned);
    map_fields(original, player, received).map_err(|(field, reason)| Rejection {
        run_id,
        field,
        reason,
    })
}

type Refusal = (String, String);

fn refuse(field: &str, reason: impl Into<String>) -> Refusal {
    (field.to_owned(), reason.into())
}

fn map_fields(
    original: &Value,
    player: Uuid,
    received: DateTime<Utc>,
) -> Result<CombatRun, Refusal> {
    let run = original
        .as_object()
        .ok_or_else(|| refuse("", "must be a table (an object)"))?;
    let run_id = text(run, "run_id", "run_id", 1, MAX_RUN_ID)?;
    let timestamp = match run.get("timestamp").and_then(Value::as_str) {
        Some(t) => parse_timestamp(t).unwrap_or(received),
        None => received,
    };
    let duration_sec = number(run, "duration_sec", "duration_sec")?
        .ok_or_else(|| refuse("duration_sec", "is required"))?;
    non_negative("duration_sec", duration_sec)?;
    let success = match run.get("success") {
        Some(Value::Bool(b)) => *b,
        None | Some(Value::Null) => return Err(refuse("success", "is required")),
        Some(_) => return Err(refuse("success", "must be true or false")),
    };

    let content =
        object(run, "content", "content")?.ok_or_else(|| refuse("content", "is required"))?;
    let content_type = match content.get("type").and_then(Value::as_str) {
        Some(t) => content_type(t).ok_or_else(|| {
            refuse(
                "content.type",
                "must be one of: dungeon, trial, arena, overworld, pvp",
            )
        })?,
        None => return Err(refuse("content.type", "is required")),
    };
    let content_name = text(content, "name", "content.name", 1, MAX_NAME)?;
    let difficulty = match content.get("difficulty").and_then(Value::as_str) {
        None => Difficulty::Unknown,
        Some(d) => difficulty(d).ok_or_else(|| {
            refuse(
                "content.difficulty",
                "must be one of: normal, veteran, hardmode, unknown",
            )
        })?,
    };

    let (character_name, build_snapshot) = match object(run, "build_snapshot", "build_snapshot")? {
        Some(b) => build(b)?,
        None => (UNKNOWN_CHARACTER.to_owned(), unknown_build()),
    };

    let metrics = metrics(
        object(run, "metrics", "metrics")?.ok_or_else(|| refuse("metrics", "is required"))?,
        duration_sec,
    )?;
    let scores = scores_of(&metrics, duration_sec);
    Ok(CombatRun {
        run_id: Uuid::new_v4(),
        player_id: player,
        character_name,
        content_type,
        content_name,
        difficulty,
        duration_sec,
        success,
        group_size: UNKNOWN_GROUP_SIZE,
        cp_level: build_snapshot.cp_level,
        dps: metrics.dps,
        build_snapshot,
        metrics,
        contribution_scores: Some(scores),
        timestamp: truncate_to_millis(timestamp),
        source: RunSource::Addon,
        addon_run_id: Some(run_id),
        addon_original: Some(without_nul(original.clone())),
        analysed_at: None,
    })
}

/// `v` with every NUL character (in keys and strings) replaced by U+FFFD: PostgreSQL's JSON
/// and text cannot hold NUL, and the original is kept as it arrived otherwise.
fn without_nul(v: Value) -> Value {
    let clean = |s: String| {
        if s.contains('\0') {
            s.replace('\0', "\u{FFFD}")
        } else {
            s
        }
    };
    match v {
        Value::String(s) => Value::String(clean(s)),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nul).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (clean(k), without_nul(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Parses the addon's `<date>T<HH:MM:SS>`, where the date is the game client's localized
/// form: `MM/DD/YYYY` (English client), `DD.MM.YYYY` (German client) or ISO `YYYY-MM-DD`. A
/// space may stand for the `T`. A time without a zone is taken as UTC; an RFC 3339 time with
/// a zone is converted to UTC. `None` when it matches none of these.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    const FORMATS: [&str; 6] = [
        "%m/%d/%YT%H:%M:%S",
        "%d.%m.%YT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ];
    if let Some(t) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        return Some(t.and_utc());
    }
    // A date alone is midnight UTC.
    ["%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn content_type(t: &str) -> Option<ContentType> {
    serde_json::from_value(Value::String(t.to_ascii_lowercase())).ok()
}

fn difficulty(d: &str) -> Option<Difficulty> {
    serde_json::from_value(Value::String(d.to_ascii_lowercase())).ok()
}

/// The build of a run recorded before the addon had one: class, race and CP unknown.
fn unknown_build() -> BuildSnapshot {
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

fn build(b: &Map<String, Value>) -> Result<(String, BuildSnapshot), Refusal> {
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
const FIRST_SKILL_SLOT: u32 = 3;
/// The ultimate's slot.
const ULTIMATE_SLOT: u32 = 8;

/// One bar's skill names from action-bar slots 3–8 in slot order, the ultimate last. The bar
/// is a map from slot number to `{name, is_ultimate, …}`; as an array, position `n` (from 1)
/// is slot `n`.
fn bar(skills: &Map<String, Value>, key: &str, path: &str) -> Result<Vec<String>, Refusal> {
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
fn champion_points(cp: &Map<String, Value>) -> Result<ChampionPoints, Refusal> {
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

fn metrics(m: &Map<String, Value>, duration_sec: f64) -> Result<CombatMetrics, Refusal> {
    let count = |key: &str| -> Result<i64, Refusal> {
        let path = format!("metrics.{key}");
        let v = number(m, key, &path)?.unwrap_or(0.0);
        non_negative(&path, v)?;
        if v > MAX_TOTAL as f64 {
            return Err(refuse(&path, format!("must be at most {MAX_TOTAL}")));
        }
        Ok(v.round() as i64)
    };
    let rate = |key: &str| -> Result<f64, Refusal> {
        let path = format!("metrics.{key}");
        let v = number(m, key, &path)?.unwrap_or(0.0);
        non_negative(&path, v)?;
        at_most_rate(&path, v)?;
        Ok(v)
    };
    let damage_done = count("damage_done")?;
    let dps = match number(m, "dps", "metrics.dps")? {
        Some(v) => {
            non_negative("metrics.dps", v)?;
            at_most_rate("metrics.dps", v)?;
            v
        }
        None if duration_sec > 0.0 => damage_done as f64 / duration_sec,
        None => 0.0,
    };
    let crit_rate = rate("crit_rate")?;
    if crit_rate > 1.0 {
        return Err(refuse("metrics.crit_rate", "must be between 0 and 1"));
    }
    Ok(CombatMetrics {
        damage_done,
        healing_done: count("healing_done")?,
        overhealing: count("overhealing")?,
        damage_taken: count("damage_taken")?,
        damage_blocked: count("damage_blocked")?,
        // RECOMMENDATIONS.md §1 counts blocked and mitigated damage as avoided; what damage
        // shields absorbed is mitigated damage (issue 13).
        damage_mitigated: count("damage_shielded")?.saturating_add(count("damage_mitigated")?),
        interrupts: count("interrupts")?,
        synergies_used: count("synergies_used")?,
        synergies_provided: count("synergies_provided")?,
        deaths: count("deaths")?,
        magicka_spent: count("magicka_spent")?,
        stamina_spent: count("stamina_spent")?,
        ultimate_spent: count("ultimate_spent")?,
        potion_uses: count("potion_uses")?,
        dps,
        hps: rate("hps")?,
        crit_rate,
        time_dead: rate("time_dead")?,
        dot_uptime: uptimes(m, "dot_uptime")?,
        buff_uptime: uptimes(m, "buff_uptime")?,
        debuff_uptime: uptimes(m, "debuff_uptime")?,
    })
}

/// A map from buff name to a 0–1 fraction, as `[{name, uptime}]` sorted by name.
fn uptimes(m: &Map<String, Value>, key: &str) -> Result<Vec<Uptime>, Refusal> {
    let path = format!("metrics.{key}");
    let entries = entries(m.get(key), &path)?;
    if entries.len() > MAX_UPTIMES {
        return Err(refuse(
            &path,
            format!("must have at most {MAX_UPTIMES} entries"),
        ));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (name, v) in entries {
        let item = format!("{path}.{name}");
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(refuse(
                &item,
                format!("name must be 1–{MAX_NAME} characters"),
            ));
        }
        let uptime = v
            .as_f64()
            .filter(|u| (0.0..=1.0).contains(u))
            .ok_or_else(|| refuse(&item, "must be a number between 0 and 1"))?;
        out.push(Uptime {
            name: name.to_owned(),
            uptime,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The entries of a table that may have arrived as a map (keys as given) or as an array
/// (keys `1`, `2`, …); absent, `null`, `[]` and `{}` are empty.
fn entries<'a>(v: Option<&'a Value>, path: &str) -> Result<Vec<(String, &'a Value)>, Refusal> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Some(Value::Array(a)) => Ok(a
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), v))
            .collect()),
        Some(_) => Err(refuse(path, "must be a table")),
    }
}

/// A list that may have arrived as an array or as a map keyed `1`, `2`, … (in key order).
fn list<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> Result<Vec<&'a Value>, Refusal> {
    let mut items = entries(m.get(key), path)?;
    items.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
    Ok(items.into_iter().map(|(_, v)| v).collect())
}

fn object<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, Refusal> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        // An empty table written as `{}` may have become `[]`.
        Some(Value::Array(a)) if a.is_empty() => Ok(None),
        Some(_) => Err(refuse(path, "must be a table")),
    }
}

fn number(m: &Map<String, Value>, key: &str, path: &str) -> Result<Option<f64>, Refusal> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| refuse(path, "must be a number")),
    }
}

fn at_most_rate(path: &str, v: f64) -> Result<(), Refusal> {
    if v > MAX_RATE {
        Err(refuse(path, format!("must be at most {MAX_RATE}")))
    } else {
        Ok(())
    }
}

fn non_negative(path: &str, v: f64) -> Result<(), Refusal> {
    if v < 0.0 {
        Err(refuse(path, "must be at least 0"))
    } else {
        Ok(())
    }
}

fn text(
    m: &Map<String, Value>,
    key: &str,
    path: &str,
    min: usize,
    max: usize,
) -> Result<String, Refusal> {
    let s = match m.get(key) {
        None | Some(Value::Null) => return Err(refuse(path, "is required")),
        Some(Value::String(s)) => s,
        Some(_) => return Err(refuse(path, "must be a string")),
    };
    if s.contains('\0') {
        return Err(refuse(path, "must not contain NUL characters"));
    }
    let n = s.chars().count();
    if n < min || n > max {
        return Err(refuse(path, format!("must be {min}–{max} characters")));
    }
    Ok(s.clone())
}

#[cfg(test)]
mod tests;
