//! `/sync`: `POST /combat_runs/batch`, `POST /build_snapshots/batch`, `POST /conflicts/resolve`.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::{OpenApi, payload::Json, types::ParseFromJSON};
use rbs::Value;
use uuid::Uuid;

use super::SyncItem;
pub use super::dto::{
    BuildSnapshotUpload, ConflictResolution, ItemData, Resolution, Resolved, SyncBatch, SyncItemIn,
    SyncResponse, SyncResult,
};
use crate::{
    auth::{Auth, Scope},
    builds::SavedBuild,
    db::Db,
    error::{ApiError, AppError, DbErrorKind, FieldError, classify_db_error},
    http::{
        ApiTags,
        json::{JsonBody, validate},
    },
    model::{ColumnType, Model, column::truncate_to_millis, crud},
    runs::{CombatRun, addon, api::new_run, dto::CombatRunCreate, import, scores_of},
    state::AppState,
};

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
