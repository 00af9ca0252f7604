//! Combat run request and response bodies (API contract, "Combat runs").

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use poem_openapi::{Enum, Object, types::Example};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::eso::{ChampionPoints, EsoClass, Race};

/// Kind of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum ContentType {
    /// 4-player dungeon.
    Dungeon,
    /// 12-player trial.
    Trial,
    /// Arena (Maelstrom, Blackrose, Dragonstar, Vateshran, Infinite Archive).
    Arena,
    /// Overland content.
    Overworld,
    /// Player versus player.
    Pvp,
}

/// Difficulty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Difficulty {
    /// Normal.
    Normal,
    /// Veteran.
    Veteran,
    /// Veteran hard mode.
    Hardmode,
    /// Not known: the game addon cannot detect difficulty. Such a run is compared only with
    /// runs whose difficulty is also unknown (RECOMMENDATIONS.md §3).
    Unknown,
}

/// Where a stored run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum RunSource {
    /// A `CombatRunCreate` body (`POST /runs`, or a sync batch item in that shape).
    Api,
    /// A run recorded by the game addon, in its own shape (a sync batch item, a
    /// SavedVariables upload or `ebo import saved-variables`); the original is kept.
    Addon,
}

/// What was fought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Content {
    /// Kind of content.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub content_type: ContentType,
    /// e.g. `Lucent Citadel`, `Vateshran Hollows`.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Difficulty.
    pub difficulty: Difficulty,
}

/// The build used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[oai(example)]
pub struct BuildSnapshot {
    /// The player's class.
    #[oai(rename = "class")]
    #[serde(rename = "class")]
    pub player_class: EsoClass,
    /// Subclass, if any.
    pub subclass: Option<EsoClass>,
    /// Race.
    pub race: Race,
    /// Champion points, 0–3600.
    #[oai(validator(minimum(value = "0"), maximum(value = "3600")))]
    pub cp_level: i32,
    /// Gear set names, at most 10.
    #[oai(validator(max_items = 10))]
    pub sets: Vec<String>,
    /// Pieces worn per set name, when known (the game addon records them).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_pieces: Option<BTreeMap<String, u32>>,
    /// Front-bar skills, at most 6, in action-bar order (slots 3–8, the ultimate last).
    #[oai(validator(max_items = 6))]
    pub skills_front: Vec<String>,
    /// Back-bar skills, at most 6, in action-bar order (slots 3–8, the ultimate last).
    #[oai(validator(max_items = 6))]
    pub skills_back: Vec<String>,
    /// Champion points slotted.
    pub champion_points: Option<ChampionPoints>,
}

impl Example for BuildSnapshot {
    fn example() -> Self {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        let points = |list: &[&str]| list.iter().map(|s| ((*s).to_owned(), 50)).collect();
        Self {
            player_class: EsoClass::Arcanist,
            subclass: None,
            race: Race::Dunmer,
            cp_level: 2100,
            sets: names(&[
                "Ansuul's Torment",
                "Sul-Xan's Torment",
                "Slimecraw",
                "Velothi Ur-Mage's Amulet",
            ]),
            set_pieces: Some(
                [
                    ("Ansuul's Torment", 5),
                    ("Sul-Xan's Torment", 5),
                    ("Slimecraw", 2),
                    ("Velothi Ur-Mage's Amulet", 1),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            ),
            skills_front: names(&[
                "Cephaliarch's Flail",
                "Pragmatic Fatecarver",
                "Inspired Scholarship",
                "Camouflaged Hunter",
                "Resolving Vigor",
                "Tide King's Gaze",
            ]),
            skills_back: names(&[
                "Elemental Blockade",
                "Escalating Runeblades",
                "Rune of Eldritch Horror",
                "Inner Light",
                "Force Pulse",
            ]),
            champion_points: Some(ChampionPoints {
                warfare: points(&[
                    "Deadly Aim",
                    "Master-at-Arms",
                    "Wrathful Strikes",
                    "Fighting Finesse",
                ]),
                fitness: points(&[
                    "Boundless Vitality",
                    "Rejuvenation",
                    "Fortified",
                    "Celerity",
                ]),
                craft: points(&[
                    "Steed's Blessing",
                    "Liquid Efficiency",
                    "Gilded Fingers",
                    "Rationer",
                ]),
            }),
        }
    }
}

/// Uptime of one buff, debuff or damage over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Uptime {
    /// e.g. `Major Brutality`.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Share of the fight, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub uptime: f64,
}

/// Largest per-second rate accepted (`dps`, `hps`): 10 million. Real fights stay below a few
/// hundred thousand; the bound keeps sums over a player's runs finite (PostgreSQL `22003`).
/// The schema's `maximum` on those fields says the same.
pub const MAX_RATE: f64 = 10_000_000.0;

/// Largest total accepted (damage, healing, counts): 10^12, so sums over many runs stay
/// within a 64-bit integer (SQLite's `sum()` fails on overflow). The schema says the same.
pub const MAX_TOTAL: i64 = 1_000_000_000_000;

/// What happened in the fight; every count ≥ 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[oai(example)]
pub struct CombatMetrics {
    /// Total damage done.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub damage_done: i64,
    /// Total healing done.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub healing_done: i64,
    /// Overhealing.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub overhealing: i64,
    /// Damage taken.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub damage_taken: i64,
    /// Damage blocked.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub damage_blocked: i64,
    /// Damage mitigated.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub damage_mitigated: i64,
    /// Interrupts.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub interrupts: i64,
    /// Synergies used.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub synergies_used: i64,
    /// Synergies provided.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub synergies_provided: i64,
    /// Deaths.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub deaths: i64,
    /// Magicka spent.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub magicka_spent: i64,
    /// Stamina spent.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub stamina_spent: i64,
    /// Ultimate spent.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub ultimate_spent: i64,
    /// Potions used.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub potion_uses: i64,
    /// Damage per second, at most 10 million ([`MAX_RATE`]).
    #[oai(validator(minimum(value = "0"), maximum(value = "10000000")))]
    pub dps: f64,
    /// Healing per second, at most 10 million ([`MAX_RATE`]).
    #[oai(validator(minimum(value = "0"), maximum(value = "10000000")), default)]
    #[serde(default)]
    pub hps: f64,
    /// Critical-hit rate, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")), default)]
    #[serde(default)]
    pub crit_rate: f64,
    /// Seconds spent dead.
    #[oai(validator(minimum(value = "0"), maximum(value = "10000000")), default)]
    #[serde(default)]
    pub time_dead: f64,
    /// Damage-over-time uptimes.
    #[oai(default)]
    #[serde(default)]
    pub dot_uptime: Vec<Uptime>,
    /// Buff uptimes.
    #[oai(default)]
    #[serde(default)]
    pub buff_uptime: Vec<Uptime>,
    /// Debuff uptimes.
    #[oai(default)]
    #[serde(default)]
    pub debuff_uptime: Vec<Uptime>,
}

impl Example for CombatMetrics {
    fn example() -> Self {
        let uptimes = |list: &[(&str, f64)]| {
            list.iter()
                .map(|(name, uptime)| Uptime {
                    name: (*name).to_owned(),
                    uptime: *uptime,
                })
                .collect()
        };
        Self {
            damage_done: 206_410_970,
            healing_done: 4_215_380,
            overhealing: 1_982_200,
            damage_taken: 3_871_420,
            damage_blocked: 412_300,
            damage_mitigated: 1_205_600,
            interrupts: 3,
            synergies_used: 14,
            synergies_provided: 2,
            deaths: 0,
            magicka_spent: 2_460_000,
            stamina_spent: 310_500,
            ultimate_spent: 1_250,
            potion_uses: 38,
            dps: 118_450.0,
            hps: 2_419.0,
            crit_rate: 0.62,
            time_dead: 0.0,
            dot_uptime: uptimes(&[("Elemental Blockade", 0.94)]),
            buff_uptime: uptimes(&[
                ("Major Brutality", 0.97),
                ("Major Sorcery", 0.97),
                ("Major Prophecy", 0.99),
                ("Minor Berserk", 0.71),
            ]),
            debuff_uptime: uptimes(&[("Major Breach", 0.93), ("Minor Breach", 0.9)]),
        }
    }
}

/// `POST /runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[oai(example)]
pub struct CombatRunCreate {
    /// Character name, 1–100 characters.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub character_name: String,
    /// What was fought.
    pub content: Content,
    /// Fight length, seconds.
    #[oai(validator(minimum(value = "0")))]
    pub duration_sec: f64,
    /// Whether it was cleared.
    pub success: bool,
    /// Group size, 1–24.
    #[oai(validator(minimum(value = "1"), maximum(value = "24")))]
    pub group_size: i32,
    /// The build used.
    pub build_snapshot: BuildSnapshot,
    /// What happened.
    pub metrics: CombatMetrics,
}

impl Example for CombatRunCreate {
    fn example() -> Self {
        Self {
            character_name: "Vivec".into(),
            content: Content {
                content_type: ContentType::Trial,
                name: "Lucent Citadel".into(),
                difficulty: Difficulty::Veteran,
            },
            duration_sec: 1742.6,
            success: true,
            group_size: 12,
            build_snapshot: BuildSnapshot::example(),
            metrics: CombatMetrics::example(),
        }
    }
}

/// Contribution scores of a run, each 0–1 (RECOMMENDATIONS.md §1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct ContributionScores {
    /// Damage dealt.
    pub damage_dealt: f64,
    /// Damage avoided (blocked or mitigated).
    pub damage_taken: f64,
    /// Healing.
    pub healing_done: f64,
    /// Buff uptime.
    pub buff_uptime: f64,
    /// Debuff uptime.
    pub debuff_uptime: f64,
    /// Mechanics.
    pub mechanic_execution: f64,
    /// Resource efficiency.
    pub resource_efficiency: f64,
}

/// The same seven scores, field for field (the engine has its own type: it does no I/O and
/// knows nothing of the API).
macro_rules! convert_scores {
    ($from:ty => $to:ty) => {
        impl From<$from> for $to {
            fn from(s: $from) -> Self {
                Self {
                    damage_dealt: s.damage_dealt,
                    damage_taken: s.damage_taken,
                    healing_done: s.healing_done,
                    buff_uptime: s.buff_uptime,
                    debuff_uptime: s.debuff_uptime,
                    mechanic_execution: s.mechanic_execution,
                    resource_efficiency: s.resource_efficiency,
                }
            }
        }
    };
}
convert_scores!(crate::engine::ContributionScores => ContributionScores);
convert_scores!(&ContributionScores => crate::engine::ContributionScores);

/// A stored run: the create body plus its id, owner, time and scores.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct CombatRunResponse {
    /// Run id.
    pub run_id: Uuid,
    /// The player's account id.
    pub player_id: Uuid,
    /// When it was fought (UTC): the time of submission for `POST /runs`, the addon's own
    /// time for addon runs (see `source`).
    pub timestamp: DateTime<Utc>,
    /// Character name.
    pub character_name: String,
    /// What was fought.
    pub content: Content,
    /// Fight length, seconds.
    pub duration_sec: f64,
    /// Whether it was cleared.
    pub success: bool,
    /// Group size, 1–24; `null` when unknown (runs recorded by the game addon).
    pub group_size: Option<i32>,
    /// The build used.
    pub build_snapshot: BuildSnapshot,
    /// What happened.
    pub metrics: CombatMetrics,
    /// Contribution scores.
    pub contribution_scores: Option<ContributionScores>,
    /// Where the run came from.
    pub source: RunSource,
    /// The game addon's id of the run (`<AccountName>_<unix seconds>_<4 digits>`); only for
    /// `source: addon`. One addon run is stored once per player.
    #[oai(skip_serializing_if_is_none)]
    pub addon_run_id: Option<String>,
    /// The addon run exactly as it arrived (its keys and values, as JSON); only for
    /// `source: addon`, so nothing the addon recorded is lost.
    #[oai(skip_serializing_if_is_none)]
    pub addon_original: Option<serde_json::Value>,
}

impl Example for CombatRunResponse {
    fn example() -> Self {
        let run = CombatRunCreate::example();
        Self {
            run_id: uuid::uuid!("832e2fad-9b9e-40d6-b676-2d7722be9c0f"),
            player_id: uuid::uuid!("3d5e8f10-2b4c-4a6d-8e9f-1a2b3c4d5e6f"),
            timestamp: crate::model::example_time(),
            character_name: run.character_name,
            content: run.content,
            duration_sec: run.duration_sec,
            success: run.success,
            group_size: Some(run.group_size),
            build_snapshot: run.build_snapshot,
            metrics: run.metrics,
            contribution_scores: Some(ContributionScores {
                damage_dealt: 0.703,
                damage_taken: 0.295,
                healing_done: 0.108,
                buff_uptime: 0.91,
                debuff_uptime: 0.915,
                mechanic_execution: 0.88,
                resource_efficiency: 0.64,
            }),
            source: RunSource::Api,
            addon_run_id: None,
            addon_original: None,
        }
    }
}

/// One row of `GET /runs`.
#[derive(Debug, Clone, Object, Serialize)]
pub struct CombatRunListItem {
    /// Run id.
    pub run_id: Uuid,
    /// Character name.
    pub character_name: String,
    /// Content name.
    pub content_name: String,
    /// Kind of content.
    pub content_type: ContentType,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// When it was submitted (UTC).
    #[serde(serialize_with = "crate::http::json::rfc3339")]
    pub timestamp: DateTime<Utc>,
    /// Fight length, seconds.
    pub duration_sec: f64,
    /// Whether it was cleared.
    pub success: bool,
    /// Damage per second.
    pub dps: f64,
}

/// `GET /runs`.
// Written by `JsonBytes::serialized`, straight to bytes: the list is the hottest read.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(example)]
pub struct RunPage {
    /// The runs of this page, newest first.
    pub runs: Vec<CombatRunListItem>,
    /// Matches over all pages.
    pub total: u64,
    /// Page size.
    pub limit: u32,
    /// Rows skipped.
    pub offset: u64,
    /// Whether another page follows.
    pub has_more: bool,
}

impl Example for RunPage {
    fn example() -> Self {
        let at = crate::model::example_time();
        let item = |run_id, timestamp, duration_sec, success, dps| CombatRunListItem {
            run_id,
            character_name: "Vivec".into(),
            content_name: "Lucent Citadel".into(),
            content_type: ContentType::Trial,
            difficulty: Difficulty::Veteran,
            timestamp,
            duration_sec,
            success,
            dps,
        };
        Self {
            runs: vec![
                item(
                    uuid::uuid!("832e2fad-9b9e-40d6-b676-2d7722be9c0f"),
                    at,
                    1742.6,
                    true,
                    118_450.0,
                ),
                item(
                    uuid::uuid!("1e7a9c3b-5d2f-4b8e-a6c4-9f0d3e2b1c58"),
                    at - TimeDelta::days(3),
                    1818.3,
                    true,
                    109_870.0,
                ),
            ],
            total: 2,
            limit: 50,
            offset: 0,
            has_more: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::{Example, ToJSON};

    use super::*;
    use crate::http::json::JsonBytes;

    #[test]
    fn the_run_page_written_directly_equals_its_to_json() {
        let mut page = RunPage::example();
        page.runs[0].timestamp += TimeDelta::nanoseconds(123_456_789);
        page.runs[1].character_name = "Ré \"quoted\" \u{1}".into();
        let direct: serde_json::Value =
            serde_json::from_slice(&JsonBytes::serialized(&page).bytes()).unwrap();
        assert_eq!(Some(direct), page.to_json());
    }
}
