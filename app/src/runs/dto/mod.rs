//! Combat run request and response bodies (API contract, "Combat runs"): content, the create
//! body, the stored run, its scores and the list page; the build snapshot is in `build`, the
//! fight metrics in `metrics`.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object, types::Example};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod build;
mod metrics;

pub use build::BuildSnapshot;
pub use metrics::{CombatMetrics, MAX_RATE, MAX_TOTAL, Uptime};

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
// Written by serde straight to bytes (`api(serde)` on `CombatRun`, and `POST /runs`), exactly
// as its `ToJSON` writes it; the nested types' serde form is their stored JSON.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(example)]
pub struct CombatRunResponse {
    /// Run id.
    pub run_id: Uuid,
    /// The player's account id.
    pub player_id: Uuid,
    /// When it was fought (UTC): the time of submission for `POST /runs`, the addon's own
    /// time for addon runs (see `source`).
    #[serde(serialize_with = "crate::http::json::rfc3339")]
    pub timestamp: DateTime<Utc>,
    /// Character name.
    pub character_name: String,
    /// What was fought.
    pub content: Content,
    /// Fight length, seconds.
    #[serde(skip_serializing_if = "crate::http::json::not_a_json_number")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addon_run_id: Option<String>,
    /// The addon run exactly as it arrived (its keys and values, as JSON); only for
    /// `source: addon`, so nothing the addon recorded is lost.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
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
// Written by serde straight to bytes (`api(serde)` on `CombatRunSummary`), exactly as its
// `ToJSON` writes it: the test below compares the two.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(example)]
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
    #[serde(skip_serializing_if = "crate::http::json::not_a_json_number")]
    pub duration_sec: f64,
    /// Whether it was cleared.
    pub success: bool,
    /// Damage per second.
    #[serde(skip_serializing_if = "crate::http::json::not_a_json_number")]
    pub dps: f64,
}

impl From<super::CombatRunSummary> for CombatRunListItem {
    fn from(r: super::CombatRunSummary) -> Self {
        Self {
            run_id: r.run_id,
            character_name: r.character_name,
            content_name: r.content_name,
            content_type: r.content_type,
            difficulty: r.difficulty,
            timestamp: r.timestamp,
            duration_sec: r.duration_sec,
            success: r.success,
            dps: r.dps,
        }
    }
}

/// The OpenAPI example of a run list row (and of the `GET /runs` page).
pub fn summary_example() -> super::CombatRunSummary {
    super::CombatRunSummary {
        run_id: uuid::uuid!("832e2fad-9b9e-40d6-b676-2d7722be9c0f"),
        player_id: uuid::uuid!("3d5e8f10-2b4c-4a6d-8e9f-1a2b3c4d5e6f"),
        character_name: "Vivec".into(),
        content_type: ContentType::Trial,
        content_name: "Lucent Citadel".into(),
        difficulty: Difficulty::Veteran,
        duration_sec: 1742.6,
        success: true,
        dps: 118_450.0,
        timestamp: crate::model::example_time(),
    }
}

impl Example for CombatRunListItem {
    fn example() -> Self {
        summary_example().into()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use poem_openapi::types::Example;

    use crate::http::json::assert_serde_is_to_json;

    #[test]
    fn the_run_page_written_directly_equals_its_to_json() {
        let mut page = crate::runs::CombatRunSummaryPage::example();
        let mut other = page.runs[0].clone();
        page.runs[0].timestamp += TimeDelta::nanoseconds(123_456_789);
        other.character_name = "Ré \"quoted\" \u{1}".into();
        other.timestamp -= TimeDelta::days(3);
        other.dps = f64::NAN;
        page.runs.push(other);
        assert_serde_is_to_json(&page);
    }

    #[test]
    fn a_run_written_directly_equals_its_to_json() {
        let run = super::CombatRunResponse::example();
        assert_serde_is_to_json(&run);
        // An addon run: its own fields, unknown group size, no scores, optional build parts.
        let mut addon = run.clone();
        addon.source = super::RunSource::Addon;
        addon.addon_run_id = Some("@Player_1764000000_0001".into());
        addon.addon_original =
            Some(serde_json::json!({"run_id": "@Player_1764000000_0001", "dps": 1.5}));
        addon.group_size = None;
        addon.contribution_scores = None;
        addon.build_snapshot.subclass = None;
        addon.build_snapshot.set_pieces = Some([("Arms of Relequen".to_owned(), 5)].into());
        addon.build_snapshot.champion_points = Some(crate::eso::ChampionPoints::default());
        addon.character_name = "Ré \"quoted\" \u{1}".into();
        addon.timestamp += TimeDelta::nanoseconds(123_456_789);
        addon.metrics.crit_rate = 0.25;
        assert_serde_is_to_json(&addon);
    }
}
