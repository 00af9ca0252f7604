//! The sync protocol's request and response types: uploaded items and their outcomes, build
//! snapshots, and conflict resolutions (spec text lives in their doc comments).

use poem_openapi::{
    Enum, Object,
    types::{Example, ParseFromJSON, ToJSON},
};
use uuid::Uuid;

use crate::{
    eso::{ChampionPoints, EsoClass, Race},
    model::JsonObject,
    runs::dto::CombatRunCreate,
};
/// One uploaded item.
#[derive(Debug, Clone, Object)]
pub struct SyncItemIn {
    /// The client's id for the item.
    pub id: Uuid,
    /// The item. Combat runs: a `CombatRunCreate`, or a run exactly as the game addon recorded
    /// it (recognised by its string `run_id` and the absence of `character_name`; shape in the
    /// addon's documentation: `run_id`, `timestamp`, `duration_sec`, `success`,
    /// `content{type,name,difficulty}`, `build_snapshot{character{name,class,race,cp_level},
    /// sets, skills{front,back}, champion_points}`, `metrics{…, buff_uptime{name: 0–1}}`).
    /// An addon run is stored once per player and addon `run_id`, whichever channel brought it
    /// first. Build snapshots: a build snapshot with `character_name`. Checked per item: an
    /// item whose data breaks a rule fails alone.
    pub data: ItemData,
    /// The client's checksum of `data`.
    #[oai(validator(min_length = 1, max_length = 128))]
    pub checksum: String,
}

/// A sync item's `data`: any JSON object (`type: object`). The batch's input check looks no
/// further; each item is checked on its own, so one item's bad data fails that item alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemData(pub JsonObject);

impl poem_openapi::types::Type for ItemData {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> std::borrow::Cow<'static, str> {
        "object".into()
    }

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        poem_openapi::registry::MetaSchemaRef::Inline(Box::new(
            poem_openapi::registry::MetaSchema::new("object"),
        ))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for ItemData {
    fn parse_from_json(value: Option<serde_json::Value>) -> poem_openapi::types::ParseResult<Self> {
        match value {
            Some(serde_json::Value::Object(map)) => Ok(Self(map.into_iter().collect())),
            other => Err(poem_openapi::types::ParseError::expected_type(
                other.unwrap_or_default(),
            )),
        }
    }
}

impl poem_openapi::types::ToJSON for ItemData {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::Object(
            self.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        ))
    }
}

/// A batch of 1–100 items.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct SyncBatch {
    /// The items, processed in order.
    #[oai(validator(min_items = 1, max_items = 100))]
    pub items: Vec<SyncItemIn>,
}

impl Example for SyncBatch {
    fn example() -> Self {
        Self {
            items: vec![SyncItemIn {
                id: uuid::uuid!("5b3e8d2a-9c1f-4a7e-8b6d-0e4f2c9a7d15"),
                data: ItemData(example_run_data()),
                checksum: EXAMPLE_CHECKSUM.into(),
            }],
        }
    }
}

/// A `CombatRunCreate` as a sync item's `data`, for the examples.
fn example_run_data() -> JsonObject {
    match CombatRunCreate::example().to_json() {
        Some(serde_json::Value::Object(map)) => map.into_iter().collect(),
        _ => JsonObject::new(),
    }
}

/// A client checksum (SHA-256, hex) of a sync item, for the examples.
const EXAMPLE_CHECKSUM: &str = "acba25512100f80b56fc3ccd14c65be55d94800cda77585c5f41a887e398f9be";

/// One item's outcome.
#[derive(Debug, Clone, Object)]
pub struct SyncResult {
    /// The client's id for the item.
    pub id: Uuid,
    /// Stored now or earlier with the same checksum.
    pub success: bool,
    /// `conflict` (known id, another checksum) or why the data is invalid.
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
    /// The stored run (combat runs).
    #[oai(skip_serializing_if_is_none)]
    pub run_id: Option<Uuid>,
    /// The stored build (build snapshots).
    #[oai(skip_serializing_if_is_none)]
    pub build_id: Option<Uuid>,
    /// `true` when nothing new was stored because the item was already stored: the same `id`
    /// and checksum earlier, or an addon run already stored through another channel (an
    /// upload, the CLI, another item); `run_id` is then the stored run.
    pub duplicate: bool,
}

/// Outcomes, one per item, in order.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct SyncResponse {
    /// One per item, in the batch's order.
    pub results: Vec<SyncResult>,
}

impl Example for SyncResponse {
    fn example() -> Self {
        Self {
            results: vec![
                SyncResult {
                    id: uuid::uuid!("5b3e8d2a-9c1f-4a7e-8b6d-0e4f2c9a7d15"),
                    success: true,
                    error: None,
                    run_id: Some(uuid::uuid!("832e2fad-9b9e-40d6-b676-2d7722be9c0f")),
                    build_id: None,
                    duplicate: false,
                },
                SyncResult {
                    id: uuid::uuid!("7f2d4c6e-1a3b-4e5f-9c8d-2b1a0e3f4d26"),
                    success: false,
                    error: Some("conflict".into()),
                    run_id: None,
                    build_id: None,
                    duplicate: false,
                },
            ],
        }
    }
}

/// A build snapshot from the companion.
#[derive(Debug, Clone, Object)]
pub struct BuildSnapshotUpload {
    /// Character the build belongs to (becomes the saved build's name).
    #[oai(validator(min_length = 1, max_length = 100))]
    pub character_name: String,
    /// Class.
    #[oai(rename = "class")]
    pub player_class: EsoClass,
    /// Subclass.
    pub subclass: Option<EsoClass>,
    /// Race.
    pub race: Race,
    /// Gear sets, at most 10.
    #[oai(validator(max_items = 10))]
    pub sets: Vec<String>,
    /// Front-bar skills, at most 6.
    #[oai(validator(max_items = 6))]
    pub skills_front: Vec<String>,
    /// Back-bar skills, at most 6.
    #[oai(validator(max_items = 6))]
    pub skills_back: Vec<String>,
    /// Champion points.
    pub champion_points: Option<ChampionPoints>,
}

/// How to settle a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum Resolution {
    /// Replace the server's copy with `data`.
    KeepLocal,
    /// Keep the server's copy.
    KeepServer,
    /// Replace the server's copy with the merged `data`.
    Manual,
}

/// `POST /sync/conflicts/resolve`.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct ConflictResolution {
    /// The client's id of the conflicting item.
    pub item_id: Uuid,
    /// How to settle it.
    pub resolution: Resolution,
    /// The data to keep (`keep_local`, `manual`).
    pub data: Option<JsonObject>,
    /// The checksum of `data`, recorded so the next batch with it succeeds.
    pub checksum: Option<String>,
}

impl Example for ConflictResolution {
    fn example() -> Self {
        Self {
            item_id: uuid::uuid!("7f2d4c6e-1a3b-4e5f-9c8d-2b1a0e3f4d26"),
            resolution: Resolution::KeepLocal,
            data: Some(example_run_data()),
            checksum: Some(EXAMPLE_CHECKSUM.into()),
        }
    }
}

/// The settled item.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct Resolved {
    /// The client's id.
    pub item_id: Uuid,
    /// What was done.
    pub resolution: Resolution,
    /// The stored run or build.
    pub stored_id: Uuid,
}

impl Example for Resolved {
    fn example() -> Self {
        Self {
            item_id: uuid::uuid!("7f2d4c6e-1a3b-4e5f-9c8d-2b1a0e3f4d26"),
            resolution: Resolution::KeepLocal,
            stored_id: uuid::uuid!("1e7a9c3b-5d2f-4b8e-a6c4-9f0d3e2b1c58"),
        }
    }
}
