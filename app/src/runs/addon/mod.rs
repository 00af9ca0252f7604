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

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{
    CombatRun, UNKNOWN_GROUP_SIZE,
    dto::{ContentType, Difficulty, RunSource},
    scores_of,
};
use crate::model::column::truncate_to_millis;

mod build;
mod metrics;
mod read;

use build::{build, unknown_build};
use metrics::metrics;
use read::{non_negative, number, object, text};

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

#[cfg(test)]
mod tests;
