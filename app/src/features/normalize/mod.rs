//! Turning one raw entry of the feature database into a `Feature` or `GearSet`: the known
//! variants of the source (its README, "It is messy") are normalised, every key without a
//! column goes to `attributes`, and the original spelling of each normalised value is kept in
//! `attributes.source_values`. Pure functions; the importer and the sample loader share them.
//! The single-value normal forms below live in `forms`; this module holds the entry mapping.
//!
//! Normal forms:
//! - `feature_type`: upper-case with `_` (`Active`/`ACTIVE`/`Active Skill` → `ACTIVE`,
//!   `Skill Line` → `SKILL_LINE`, `Synergy` → `SYNERGY`); absent stays absent.
//! - `category`: `Champion` → `ChampionPoints`, `Alliance` → `AllianceWar`, `Craft` → `Crafting`.
//! - `class_restriction`: `ANY`, `None`, `All`, empty → none (universal).
//! - `resource_type`: `None` → none; several (`Health|Magicka|Stamina`, any order or separator
//!   `|`, `/`, `,`) → joined by `|` in the order Magicka, Stamina, Health, Ultimate.
//! - `weight`: `Heavy/Medium/Light`, `Light|Medium|Heavy`, … → joined by `|` in the order
//!   Light, Medium, Heavy, Jewelry, Weapon.
//! - `tags`: a list or an `a|b` string → `a|b` (trimmed, empty parts dropped).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::models::{Feature, GearSet, JsonObject};

mod forms;

pub use forms::{category, class_restriction, feature_type, resource_type, tags, weight};

/// Why a raw entry was refused. Its text is what the import report lists and what a write to
/// `/features` answers in its 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// The entry is not a JSON object.
    #[error("an entry must be a JSON object")]
    NotAnObject,
    /// A required key is absent, null or blank.
    #[error("missing `{0}`")]
    Missing(&'static str),
    /// A value of the wrong JSON type.
    #[error("`{field}` must be {expected}, found {found}")]
    WrongType {
        /// The key.
        field: String,
        /// What it must be (`text`, `a number`, …).
        expected: &'static str,
        /// The value found, as JSON.
        found: String,
    },
    /// A number outside what the key allows.
    #[error("`{field}` must be {rule}")]
    OutOfRange {
        /// The key.
        field: String,
        /// The rule (`a non-negative number`, …).
        rule: String,
    },
    /// An id that is not 1–120 of `A-Z a-z 0-9 _ -`.
    #[error("`{field}` {id:?} must be 1–120 of A-Z a-z 0-9 _ -")]
    BadId {
        /// `feature_id` or `set_id`.
        field: &'static str,
        /// The id found.
        id: String,
    },
    /// A name outside a closed list (a resource, a weight).
    #[error("`{field}`: unknown value {value:?} (expected {expected})")]
    UnknownValue {
        /// The key.
        field: &'static str,
        /// The unknown part.
        value: String,
        /// The known names, comma-separated.
        expected: String,
    },
}

fn wrong_type(field: &str, expected: &'static str, found: &Value) -> Rejected {
    Rejected::WrongType {
        field: field.to_owned(),
        expected,
        found: found.to_string(),
    }
}

/// A normalised entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A feature.
    Feature(Box<Feature>),
    /// A gear set.
    Set(Box<GearSet>),
}

impl Entry {
    /// Its id.
    pub fn id(&self) -> &str {
        match self {
            Self::Feature(f) => &f.feature_id,
            Self::Set(s) => &s.set_id,
        }
    }
}

const FEATURE_COLUMNS: &[&str] = &[
    "feature_id",
    "system",
    "category",
    "subcategory",
    "feature_type",
    "name",
    "parent_feature",
    "class_restriction",
    "unlock_method",
    "resource_type",
    "resource_cost",
    "cast_time",
    "target_type",
    "range_m",
    "radius_m",
    "duration_sec",
    "cooldown_sec",
    "base_effect",
    "scaling_stat",
    "max_ranks",
    "rank_progression",
    "buff_debuff_granted",
    "synergy",
    "tags",
    "dlc_required",
    "patch_updated",
    "source_url",
];
const SET_COLUMNS: &[&str] = &[
    "set_id",
    "name",
    "set_type",
    "weight",
    "bind_type",
    "tradeable",
    "location",
    "dlc_required",
    "bonuses",
    "pve_tier",
    "role_affinity",
    "tags",
    "patch_updated",
    "source_url",
];

/// Whether a raw entry is a gear set (it has `set_id` or `bonuses`).
pub fn is_set(raw: &Map<String, Value>) -> bool {
    raw.contains_key("set_id") || raw.contains_key("bonuses")
}

/// What `text` trims from both ends: ASCII whitespace, as the models' `NOT_BLANK` and id
/// patterns state it (`[\t\n\f\r ]`).
const BLANK: [char; 5] = [' ', '\t', '\n', '\r', '\u{c}'];

fn text(raw: &Map<String, Value>, key: &str) -> Result<Option<String>, Rejected> {
    match raw.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim_matches(BLANK).is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim_matches(BLANK).to_owned())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(wrong_type(key, "text", other)),
    }
}

fn number(raw: &Map<String, Value>, key: &str) -> Result<Option<f64>, Rejected> {
    match raw.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(Some)
            .ok_or_else(|| Rejected::OutOfRange {
                field: key.to_owned(),
                rule: "a non-negative number".into(),
            }),
        Some(other) => Err(wrong_type(key, "a number", other)),
    }
}

fn json(raw: &Map<String, Value>, key: &str) -> Option<Value> {
    raw.get(key).filter(|v| !v.is_null()).cloned()
}

/// Records `original` under `source_values.<key>` when normalising changed it.
fn keep_original(
    sources: &mut Map<String, Value>,
    raw: &Map<String, Value>,
    key: &str,
    normal: Option<&str>,
) {
    if let Some(original) = raw.get(key)
        && original.as_str() != normal
        && !original.is_null()
    {
        sources.insert(key.to_owned(), original.clone());
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn extras(raw: &Map<String, Value>, columns: &[&str], sources: Map<String, Value>) -> JsonObject {
    let mut out: JsonObject = raw
        .iter()
        .filter(|(k, _)| !columns.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !sources.is_empty() {
        out.insert("source_values".into(), Value::Object(sources));
    }
    out
}

/// Normalises one raw entry; `now` stamps `updated_at`.
///
/// # Errors
/// Why the entry cannot be accepted (missing id or name, a value of the wrong type, …).
pub fn normalize(raw: &Value, now: DateTime<Utc>) -> Result<Entry, Rejected> {
    let Some(raw) = raw.as_object() else {
        return Err(Rejected::NotAnObject);
    };
    if is_set(raw) {
        normalize_set(raw, now).map(|s| Entry::Set(Box::new(s)))
    } else {
        normalize_feature(raw, now).map(|f| Entry::Feature(Box::new(f)))
    }
}

fn normalize_feature(raw: &Map<String, Value>, now: DateTime<Utc>) -> Result<Feature, Rejected> {
    let id = text(raw, "feature_id")?.ok_or(Rejected::Missing("feature_id"))?;
    if !valid_id(&id) {
        return Err(Rejected::BadId {
            field: "feature_id",
            id,
        });
    }
    let name = text(raw, "name")?.ok_or(Rejected::Missing("name"))?;
    let mut sources = Map::new();
    let category_raw = text(raw, "category")?.ok_or(Rejected::Missing("category"))?;
    let category = category(&category_raw);
    keep_original(&mut sources, raw, "category", Some(&category));
    let feature_type = text(raw, "feature_type")?.and_then(|t| feature_type(&t));
    keep_original(&mut sources, raw, "feature_type", feature_type.as_deref());
    let class_restriction = text(raw, "class_restriction")?.and_then(|c| class_restriction(&c));
    keep_original(
        &mut sources,
        raw,
        "class_restriction",
        class_restriction.as_deref(),
    );
    let resource_type = match text(raw, "resource_type")? {
        Some(r) => resource_type(&r)?,
        None => None,
    };
    keep_original(&mut sources, raw, "resource_type", resource_type.as_deref());
    let tags = tags(raw.get("tags"))?;
    keep_original(&mut sources, raw, "tags", tags.as_deref());
    let max_ranks = match number(raw, "max_ranks")? {
        Some(n) if n.fract() == 0.0 && n <= f64::from(i32::MAX) => Some(n as i32),
        Some(n) => {
            return Err(Rejected::OutOfRange {
                field: "max_ranks".into(),
                rule: format!("a whole number, found {n}"),
            });
        }
        None => None,
    };
    Ok(Feature {
        feature_id: id,
        system: text(raw, "system")?.unwrap_or_else(|| "PLAYER".into()),
        category,
        subcategory: text(raw, "subcategory")?,
        feature_type,
        name,
        parent_feature: text(raw, "parent_feature")?,
        class_restriction,
        unlock_method: text(raw, "unlock_method")?,
        resource_type,
        resource_cost: json(raw, "resource_cost"),
        cast_time: text(raw, "cast_time")?,
        target_type: text(raw, "target_type")?,
        range_m: number(raw, "range_m")?,
        radius_m: number(raw, "radius_m")?,
        duration_sec: number(raw, "duration_sec")?,
        cooldown_sec: number(raw, "cooldown_sec")?,
        base_effect: text(raw, "base_effect")?,
        scaling_stat: text(raw, "scaling_stat")?,
        max_ranks,
        rank_progression: json(raw, "rank_progression"),
        buff_debuff_granted: text(raw, "buff_debuff_granted")?,
        synergy: text(raw, "synergy")?,
        tags,
        dlc_required: text(raw, "dlc_required")?,
        patch_updated: text(raw, "patch_updated")?,
        source_url: text(raw, "source_url")?,
        attributes: extras(raw, FEATURE_COLUMNS, sources),
        updated_at: now,
    })
}

fn normalize_set(raw: &Map<String, Value>, now: DateTime<Utc>) -> Result<GearSet, Rejected> {
    let id = text(raw, "set_id")?.ok_or(Rejected::Missing("set_id"))?;
    if !valid_id(&id) {
        return Err(Rejected::BadId {
            field: "set_id",
            id,
        });
    }
    let name = text(raw, "name")?.ok_or(Rejected::Missing("name"))?;
    let bonuses: JsonObject = match json(raw, "bonuses").ok_or(Rejected::Missing("bonuses"))? {
        Value::Object(pieces) => pieces.into_iter().collect(),
        other => {
            return Err(wrong_type(
                "bonuses",
                "an object keyed by piece count",
                &other,
            ));
        }
    };
    let mut sources = Map::new();
    let weight = match text(raw, "weight")? {
        Some(w) => weight(&w)?,
        None => None,
    };
    keep_original(&mut sources, raw, "weight", weight.as_deref());
    let tags = tags(raw.get("tags"))?;
    keep_original(&mut sources, raw, "tags", tags.as_deref());
    let tradeable = match raw.get("tradeable") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => return Err(wrong_type("tradeable", "true or false", other)),
    };
    Ok(GearSet {
        set_id: id,
        name,
        set_type: text(raw, "set_type")?.ok_or(Rejected::Missing("set_type"))?,
        weight,
        bind_type: text(raw, "bind_type")?,
        tradeable,
        location: text(raw, "location")?,
        dlc_required: text(raw, "dlc_required")?,
        bonuses,
        pve_tier: text(raw, "pve_tier")?,
        role_affinity: json(raw, "role_affinity"),
        tags,
        patch_updated: text(raw, "patch_updated")?,
        source_url: text(raw, "source_url")?,
        attributes: extras(raw, SET_COLUMNS, sources),
        updated_at: now,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn variants_normalise() {
        assert_eq!(feature_type("Active Skill").as_deref(), Some("ACTIVE"));
        assert_eq!(feature_type("Passive").as_deref(), Some("PASSIVE"));
        assert_eq!(feature_type("Skill Line").as_deref(), Some("SKILL_LINE"));
        assert_eq!(feature_type("None"), None);
        assert_eq!(category("Champion"), "ChampionPoints");
        assert_eq!(class_restriction("ANY"), None);
        assert_eq!(class_restriction("None"), None);
        assert_eq!(class_restriction("Ember").as_deref(), Some("Ember"));
        assert_eq!(
            resource_type("Health|Magicka|Stamina").unwrap().as_deref(),
            Some("Magicka|Stamina|Health")
        );
        assert_eq!(resource_type("None").unwrap(), None);
        assert!(resource_type("Mana").is_err());
        assert_eq!(
            weight("Heavy/Medium/Light").unwrap().as_deref(),
            Some("Light|Medium|Heavy")
        );
        assert_eq!(
            weight("Light|Medium|Heavy").unwrap().as_deref(),
            Some("Light|Medium|Heavy")
        );
        assert_eq!(
            tags(Some(&json!(["dot", " aoe "]))).unwrap().as_deref(),
            Some("dot|aoe")
        );
    }

    #[test]
    fn nothing_is_lost() {
        let raw = json!({"feature_id": "X_1", "category": "Champion", "name": "Deadly Aim", "feature_type": "Passive",
                          "class_restriction": "ANY", "stages": [1, 2], "morph_of": "Y"});
        let Entry::Feature(f) = normalize(&raw, Utc::now()).unwrap() else {
            panic!("feature")
        };
        assert_eq!(
            (
                f.category.as_str(),
                f.feature_type.as_deref(),
                f.class_restriction.as_deref()
            ),
            ("ChampionPoints", Some("PASSIVE"), None)
        );
        assert_eq!(f.attributes["stages"], json!([1, 2]));
        assert_eq!(f.attributes["morph_of"], "Y");
        assert_eq!(
            f.attributes["source_values"],
            json!({"category": "Champion", "feature_type": "Passive", "class_restriction": "ANY"})
        );
    }

    #[test]
    fn bad_entries_say_why() {
        let now = Utc::now();
        assert_eq!(
            normalize(&json!({"name": "x", "category": "Class"}), now),
            Err(Rejected::Missing("feature_id"))
        );
        let bad_id = normalize(
            &json!({"feature_id": "bad id", "name": "x", "category": "Class"}),
            now,
        )
        .unwrap_err();
        assert_eq!(
            bad_id.to_string(),
            "`feature_id` \"bad id\" must be 1–120 of A-Z a-z 0-9 _ -"
        );
        let bonuses = normalize(
            &json!({"set_id": "S", "name": "x", "set_type": "Trial", "bonuses": []}),
            now,
        )
        .unwrap_err();
        assert_eq!(
            bonuses.to_string(),
            "`bonuses` must be an object keyed by piece count, found []"
        );
        let weight = normalize(
            &json!({"set_id": "S", "name": "x", "set_type": "Trial", "bonuses": {}, "weight": "Plate"}),
            now,
        )
        .unwrap_err();
        assert_eq!(
            weight.to_string(),
            "`weight`: unknown value \"Plate\" (expected Light, Medium, Heavy, Jewelry, Weapon)"
        );
        assert_eq!(normalize(&json!([1]), now), Err(Rejected::NotAnObject));
    }
}
