//! `/sync`: `POST /combat_runs/batch`, `POST /build_snapshots/batch`, `POST /conflicts/resolve`.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::{
    Enum, Object, OpenApi,
    payload::Json,
    types::{Example, ParseFromJSON, ToJSON},
};
use rbs::Value;
use uuid::Uuid;

use super::SyncItem;
use crate::{
    auth::{Auth, Scope},
    builds::SavedBuild,
    db::Db,
    error::{ApiError, AppError, DbErrorKind, FieldError, classify_db_error},
    eso::{ChampionPoints, EsoClass, Race},
    http::{
        ApiTags,
        json::{JsonBody, validate},
    },
    model::{ColumnType, JsonObject, Model, column::truncate_to_millis, crud},
    runs::{CombatRun, addon, api::new_run, dto::CombatRunCreate, import, scores_of},
    state::AppState,
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Build,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Run => "combat_run",
            Self::Build => "build_snapshot",
        }
    }
}

/// An item's `data` as `T`, or every problem with it, each named by its path under `data`.
fn parse<T: ParseFromJSON>(data: &serde_json::Value) -> Result<T, Vec<FieldError>> {
    let errors = validate::<T>(data);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .map(|e| FieldError::new(format!("data.{}", e.field), e.message))
            .collect());
    }
    T::parse_from_json(Some(data.clone())).map_err(|e| vec![FieldError::new("data", e.message())])
}

/// The `error` of an item whose `data` was refused: `invalid: field: message; …`.
fn invalid(errors: &[FieldError]) -> String {
    format!("invalid: {}", FieldError::summary(errors))
}

fn build_from(b: BuildSnapshotUpload, owner: Uuid, id: Uuid) -> SavedBuild {
    let now = truncate_to_millis(Utc::now());
    SavedBuild {
        build_id: id,
        owner_id: owner,
        name: b.character_name,
        class: b.player_class,
        subclass: b.subclass,
        race: b.race,
        sets: b.sets,
        skills_front: b.skills_front,
        skills_back: b.skills_back,
        champion_points: b.champion_points,
        notes: None,
        is_public: false,
        created_at: now,
        updated_at: now,
    }
}

async fn find_item(
    db: &Db,
    user: Uuid,
    kind: Option<Kind>,
    client_id: Uuid,
) -> Result<Option<SyncItem>, AppError> {
    let d = db.dialect;
    let (type_sql, mut args) = match kind {
        Some(k) => (" AND item_type = ?", vec![Value::String(k.name().into())]),
        None => ("", vec![]),
    };
    let sql = format!(
        "SELECT {} FROM sync_items WHERE user_id = ? AND client_id = ?{type_sql}",
        SyncItem::META.column_list()
    );
    let mut all = vec![user.to_value(d), client_id.to_value(d)];
    all.append(&mut args);
    let rows = db.rb.query(&sql, all).await?;
    let Value::Array(rows) = rows else {
        return Ok(None);
    };
    rows.into_iter()
        .next()
        .map(|r| SyncItem::from_row(r).map_err(|e| AppError::Internal(anyhow::anyhow!(e))))
        .transpose()
}

fn known(item: &SyncItem, client: &SyncItemIn, kind: Kind) -> SyncResult {
    let same = item.checksum == client.checksum;
    SyncResult {
        id: client.id,
        success: same,
        error: (!same).then(|| "conflict".to_owned()),
        run_id: (same && kind == Kind::Run).then_some(item.stored_id),
        build_id: (same && kind == Kind::Build).then_some(item.stored_id),
        duplicate: same,
    }
}

/// Stores one item (object and sync record in one transaction) or reports what it already is.
async fn sync_one(
    db: &Db,
    user: Uuid,
    kind: Kind,
    item: &SyncItemIn,
) -> Result<SyncResult, AppError> {
    let fail = |e: String| SyncResult {
        id: item.id,
        success: false,
        error: Some(e),
        run_id: None,
        build_id: None,
        duplicate: false,
    };
    if let Some(existing) = find_item(db, user, Some(kind), item.id).await? {
        return Ok(known(&existing, item, kind));
    }
    let now = truncate_to_millis(Utc::now());
    let mut record = SyncItem {
        id: Uuid::new_v4(),
        user_id: user,
        item_type: kind.name().into(),
        client_id: item.id,
        checksum: item.checksum.clone(),
        stored_id: Uuid::new_v4(),
        created_at: now,
        updated_at: now,
    };
    let data = serde_json::Value::Object(item.data.0.clone().into_iter().collect());
    let tx = db.rb.acquire_begin().await?;
    let written = async {
        let mut duplicate = false;
        match kind {
            Kind::Run if addon::is_addon_run(&data) => {
                let run = match addon::map(&data, user, now) {
                    Ok(run) => run,
                    Err(r) => {
                        return Ok::<_, AppError>(Err(format!(
                            "invalid: {}: {} (addon run {})",
                            r.field,
                            r.reason,
                            r.run_id.as_deref().unwrap_or("without a run_id")
                        )));
                    }
                };
                let stored = import::store(&tx, db.dialect, &run).await?;
                duplicate = matches!(stored, import::Stored::Duplicate(_));
                record.stored_id = stored.run_id();
                crud::insert_with(&tx, db.dialect, &record).await?;
            }
            Kind::Run => {
                let body: CombatRunCreate = match parse(&data) {
                    Ok(b) => b,
                    Err(e) => return Ok(Err(invalid(&e))),
                };
                crud::insert_with(&tx, db.dialect, &record).await?;
                let mut run = new_run(body, user);
                run.run_id = record.stored_id;
                crud::insert_with(&tx, db.dialect, &run).await?;
            }
            Kind::Build => {
                let body: BuildSnapshotUpload = match parse(&data) {
                    Ok(b) => b,
                    Err(e) => return Ok(Err(invalid(&e))),
                };
                crud::insert_with(&tx, db.dialect, &record).await?;
                crud::insert_with(&tx, db.dialect, &build_from(body, user, record.stored_id))
                    .await?;
            }
        }
        Ok(Ok(duplicate))
    }
    .await;
    let stored_id = record.stored_id;
    match written {
        Ok(Ok(duplicate)) => {
            tx.commit().await?;
            Ok(SyncResult {
                id: item.id,
                success: true,
                error: None,
                run_id: (kind == Kind::Run).then_some(stored_id),
                build_id: (kind == Kind::Build).then_some(stored_id),
                duplicate,
            })
        }
        Ok(Err(invalid)) => {
            let _ = tx.rollback().await;
            Ok(fail(invalid))
        }
        Err(AppError::Db(e))
            if classify_db_error(&e.to_string()) == DbErrorKind::UniqueViolation =>
        {
            // A concurrent batch stored this item first: answer as for a repeat.
            let _ = tx.rollback().await;
            match find_item(db, user, Some(kind), item.id).await? {
                Some(existing) => Ok(known(&existing, item, kind)),
                None => Ok(fail("conflict".into())),
            }
        }
        Err(AppError::Db(e))
            if matches!(
                classify_db_error(&e.to_string()),
                DbErrorKind::Other | DbErrorKind::InvalidValue
            ) =>
        {
            // The database refused this item's values: it fails alone (the contract's "one bad
            // item fails alone"); a retry of the batch must not be stuck on it.
            let _ = tx.rollback().await;
            tracing::warn!(error = %e, item = %item.id, "the database refused a sync item");
            Ok(fail(
                "invalid: the database refused this item's values".into(),
            ))
        }
        Err(e) => {
            // Unreachable or full database: not this item's fault; the whole batch answers 503
            // or 507 and is retried.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

async fn batch(
    state: &AppState,
    user: Uuid,
    kind: Kind,
    items: &[SyncItemIn],
) -> Result<SyncResponse, ApiError> {
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        results.push(sync_one(&state.db, user, kind, item).await?);
    }
    Ok(SyncResponse { results })
}

/// The statuses operations here answer beyond what their declaration implies (for the
/// document): resolving a conflict names a sync item, and what it points to, in the body (404).
pub const EXTRA_STATUSES: &[(&str, &[u16])] = &[("resolve_sync_conflict", &[404])];

/// Companion sync endpoints.
#[derive(Debug, Default)]
pub struct SyncApi;

#[OpenApi(tag = "ApiTags::Sync")]
impl SyncApi {
    /// Upload combat runs
    ///
    /// Idempotent: an item whose `id` was stored with the same `checksum` succeeds without a
    /// second row; the same `id` with another checksum answers `conflict`. Invalid items fail
    /// alone. Safe to retry, also concurrently.
    #[oai(
        path = "/sync/combat_runs/batch",
        method = "post",
        operation_id = "sync_combat_runs"
    )]
    async fn combat_runs(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        body: JsonBody<SyncBatch>,
    ) -> Result<Json<SyncResponse>, ApiError> {
        let user = auth.principal().user_id;
        let stored = batch(&state, user, Kind::Run, &body.0.items).await;
        // Also after a failure midway: the items before it are stored.
        state.player_reads.changed(user).await;
        Ok(Json(stored?))
    }

    /// Upload build snapshots
    ///
    /// As the combat-run batch; each snapshot is stored as a private saved build named after
    /// its character.
    #[oai(
        path = "/sync/build_snapshots/batch",
        method = "post",
        operation_id = "sync_build_snapshots"
    )]
    async fn build_snapshots(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        body: JsonBody<SyncBatch>,
    ) -> Result<Json<SyncResponse>, ApiError> {
        Ok(Json(
            batch(&state, auth.principal().user_id, Kind::Build, &body.0.items).await?,
        ))
    }

    /// Settle a sync conflict
    ///
    /// `keep_server` keeps what is stored; `keep_local` and `manual` replace it with `data`
    /// (422 without it) and record `checksum`, so the next batch with it succeeds. 404 for an
    /// unknown item id.
    #[oai(
        path = "/sync/conflicts/resolve",
        method = "post",
        operation_id = "resolve_sync_conflict"
    )]
    async fn resolve(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        body: JsonBody<ConflictResolution>,
    ) -> Result<Json<Resolved>, ApiError> {
        let user = auth.principal().user_id;
        let b = body.0;
        let db = &state.db;
        let mut item = find_item(db, user, None, b.item_id)
            .await?
            .ok_or_else(|| ApiError::not_found("Sync item not found"))?;
        if b.resolution != Resolution::KeepServer {
            let Some(data) = &b.data else {
                return Err(ApiError::validation(vec![crate::error::FieldError::new(
                    "data",
                    "is required for keep_local and manual",
                )]));
            };
            let data = &serde_json::Value::Object(data.clone().into_iter().collect());
            let invalid = ApiError::validation;
            // The stored object and the sync record change together or not at all.
            let tx = db.begin_write().await.map_err(AppError::from)?;
            let written = async {
                if item.item_type == Kind::Run.name() {
                    // `data` in either shape the batch accepts: an addon run keeps its own time.
                    let fresh = if addon::is_addon_run(data) {
                        addon::map(data, user, truncate_to_millis(Utc::now())).map_err(|r| {
                            invalid(vec![FieldError::new(format!("data.{}", r.field), r.reason)])
                        })?
                    } else {
                        new_run(parse(data).map_err(invalid)?, user)
                    };
                    let old =
                        crud::find_with::<CombatRun>(&tx, item.stored_id.to_value(db.dialect))
                            .await?
                            .ok_or_else(|| ApiError::not_found("Combat run not found"))?;
                    let scores = scores_of(&fresh.metrics, fresh.duration_sec);
                    let run = CombatRun {
                        run_id: old.run_id,
                        timestamp: if fresh.addon_run_id.is_some() {
                            fresh.timestamp
                        } else {
                            old.timestamp
                        },
                        contribution_scores: Some(scores),
                        ..fresh
                    };
                    crud::update_with(&tx, db.dialect, &run).await?;
                } else {
                    let snapshot: BuildSnapshotUpload = parse(data).map_err(invalid)?;
                    let old =
                        crud::find_with::<SavedBuild>(&tx, item.stored_id.to_value(db.dialect))
                            .await?
                            .ok_or_else(|| ApiError::not_found("Saved build not found"))?;
                    let mut build = build_from(snapshot, user, item.stored_id);
                    build.created_at = old.created_at;
                    crud::update_with(&tx, db.dialect, &build).await?;
                }
                if let Some(c) = &b.checksum {
                    item.checksum.clone_from(c);
                }
                item.updated_at = truncate_to_millis(Utc::now());
                crud::update_with(&tx, db.dialect, &item).await?;
                Ok::<_, ApiError>(())
            }
            .await;
            match written {
                Ok(()) => tx.commit().await.map_err(AppError::from)?,
                Err(e) => {
                    let _ = tx.rollback().await;
                    return Err(e);
                }
            }
            state.player_reads.changed(user).await;
        }
        Ok(Json(Resolved {
            item_id: b.item_id,
            resolution: b.resolution,
            stored_id: item.stored_id,
        }))
    }
}
