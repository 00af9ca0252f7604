//! The sync workflow: storing one uploaded item (the object and its sync record in one
//! transaction), a batch of them item by item, and settling a conflict. Everything here
//! returns [`AppError`]; the handlers in `api.rs` only map it.

use chrono::Utc;
use poem_openapi::types::ParseFromJSON;
use uuid::Uuid;

use super::{
    ItemType, SyncItem,
    dto::{
        BuildSnapshotUpload, ConflictResolution, Resolution, Resolved, SyncItemIn, SyncResponse,
        SyncResult,
    },
    store,
};
use crate::{
    builds::SavedBuild,
    db::{Db, Dialect},
    error::{AppError, DbErrorKind, FieldError, classify_db_error},
    http::json::validate,
    model::{ColumnType, column::truncate_to_millis, crud},
    runs::{CombatRun, addon, api::new_run, dto::CombatRunCreate, import, scores_of},
};

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

/// The private saved build a snapshot is stored as, named after its character.
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

/// The answer for an item already recorded: a repeat with the same checksum succeeds as a
/// duplicate, another checksum is a `conflict`.
fn known(item: &SyncItem, client: &SyncItemIn, item_type: ItemType) -> SyncResult {
    let same = item.checksum == client.checksum;
    SyncResult {
        id: client.id,
        success: same,
        error: (!same).then(|| "conflict".to_owned()),
        run_id: (same && item_type == ItemType::Run).then_some(item.stored_id),
        build_id: (same && item_type == ItemType::Build).then_some(item.stored_id),
        duplicate: same,
    }
}

/// What writing one item inside its transaction came to, short of a database error.
enum Written {
    /// Stored; `duplicate` when an addon run was already stored through another channel.
    Stored { duplicate: bool },
    /// The item's `data` was refused, with the item's `error` text.
    Refused(String),
}

/// Writes one new item and its sync record through `tx`.
async fn write_new(
    tx: &dyn rbatis::executor::Executor,
    d: Dialect,
    user: Uuid,
    item_type: ItemType,
    data: &serde_json::Value,
    record: &mut SyncItem,
) -> Result<Written, AppError> {
    match item_type {
        ItemType::Run if addon::is_addon_run(data) => {
            let run = match addon::map(data, user, record.created_at) {
                Ok(run) => run,
                Err(r) => {
                    return Ok(Written::Refused(format!(
                        "invalid: {}: {} (addon run {})",
                        r.field,
                        r.reason,
                        r.run_id.as_deref().unwrap_or("without a run_id")
                    )));
                }
            };
            let stored = import::store(tx, d, &run).await?;
            record.stored_id = stored.run_id();
            store::record(tx, d, record).await?;
            Ok(Written::Stored {
                duplicate: matches!(stored, import::Stored::Duplicate(_)),
            })
        }
        ItemType::Run => {
            let body: CombatRunCreate = match parse(data) {
                Ok(b) => b,
                Err(e) => return Ok(Written::Refused(invalid(&e))),
            };
            store::record(tx, d, record).await?;
            let mut run = new_run(body, user);
            run.run_id = record.stored_id;
            crud::insert_with(tx, d, &run).await?;
            Ok(Written::Stored { duplicate: false })
        }
        ItemType::Build => {
            let body: BuildSnapshotUpload = match parse(data) {
                Ok(b) => b,
                Err(e) => return Ok(Written::Refused(invalid(&e))),
            };
            store::record(tx, d, record).await?;
            crud::insert_with(tx, d, &build_from(body, user, record.stored_id)).await?;
            Ok(Written::Stored { duplicate: false })
        }
    }
}

/// Stores one item (object and sync record in one transaction) or reports what it already is.
async fn sync_one(
    db: &Db,
    user: Uuid,
    item_type: ItemType,
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
    if let Some(existing) = store::find(db, user, Some(item_type), item.id).await? {
        return Ok(known(&existing, item, item_type));
    }
    let now = truncate_to_millis(Utc::now());
    let mut record = SyncItem {
        id: Uuid::new_v4(),
        user_id: user,
        item_type: item_type.name().into(),
        client_id: item.id,
        checksum: item.checksum.clone(),
        stored_id: Uuid::new_v4(),
        created_at: now,
        updated_at: now,
    };
    let data = serde_json::Value::Object(item.data.0.clone().into_iter().collect());
    // Every path's first statement is a write, so SQLite takes its write lock there (see
    // `Db::begin_write` for why a read first would need it up front).
    let tx = db.rb.acquire_begin().await?;
    let written = write_new(&tx, db.dialect, user, item_type, &data, &mut record).await;
    let stored_id = record.stored_id;
    match written {
        Ok(Written::Stored { duplicate }) => {
            tx.commit().await?;
            Ok(SyncResult {
                id: item.id,
                success: true,
                error: None,
                run_id: (item_type == ItemType::Run).then_some(stored_id),
                build_id: (item_type == ItemType::Build).then_some(stored_id),
                duplicate,
            })
        }
        Ok(Written::Refused(invalid)) => {
            let _ = tx.rollback().await;
            Ok(fail(invalid))
        }
        Err(AppError::Db(e))
            if classify_db_error(&e.to_string()) == DbErrorKind::UniqueViolation =>
        {
            // A concurrent batch stored this item first: answer as for a repeat.
            let _ = tx.rollback().await;
            match store::find(db, user, Some(item_type), item.id).await? {
                Some(existing) => Ok(known(&existing, item, item_type)),
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

/// Stores `items` one by one, each succeeding or failing alone (API contract, "Sync").
///
/// # Errors
/// Only what is not one item's fault (an unreachable or full database); the items before it
/// stay stored, and a retry of the batch answers them as duplicates.
pub async fn batch(
    db: &Db,
    user: Uuid,
    item_type: ItemType,
    items: &[SyncItemIn],
) -> Result<SyncResponse, AppError> {
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        results.push(sync_one(db, user, item_type, item).await?);
    }
    Ok(SyncResponse { results })
}

/// Settles a conflict on `user`'s item `b.item_id`: `keep_server` changes nothing;
/// `keep_local` and `manual` replace the stored object with `b.data` and record `b.checksum`,
/// the object and the sync record in one transaction.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown item (or a stored object since deleted);
/// [`AppError::Validation`] for missing or invalid `data`; database errors, after which
/// nothing was written.
pub async fn resolve(db: &Db, user: Uuid, b: &ConflictResolution) -> Result<Resolved, AppError> {
    let mut item = store::find(db, user, None, b.item_id)
        .await?
        .ok_or(AppError::NotFound("Sync item"))?;
    if b.resolution != Resolution::KeepServer {
        let Some(data) = &b.data else {
            return Err(AppError::Validation(vec![FieldError::new(
                "data",
                "is required for keep_local and manual",
            )]));
        };
        let data = serde_json::Value::Object(data.clone().into_iter().collect());
        let tx = db.begin_write().await?;
        let written = replace(
            &tx,
            db.dialect,
            user,
            &data,
            b.checksum.as_deref(),
            &mut item,
        )
        .await;
        match written {
            Ok(()) => tx.commit().await?,
            Err(e) => {
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
    }
    Ok(Resolved {
        item_id: b.item_id,
        resolution: b.resolution,
        stored_id: item.stored_id,
    })
}

/// Replaces what `item` was stored as with `data`, and records `checksum`, through `tx`.
async fn replace(
    tx: &dyn rbatis::executor::Executor,
    d: Dialect,
    user: Uuid,
    data: &serde_json::Value,
    checksum: Option<&str>,
    item: &mut SyncItem,
) -> Result<(), AppError> {
    if item.item_type == ItemType::Run.name() {
        // `data` in either shape the batch accepts: an addon run keeps its own time.
        let fresh = if addon::is_addon_run(data) {
            addon::map(data, user, truncate_to_millis(Utc::now())).map_err(|r| {
                AppError::Validation(vec![FieldError::new(format!("data.{}", r.field), r.reason)])
            })?
        } else {
            new_run(parse(data).map_err(AppError::Validation)?, user)
        };
        let old = crud::find_with::<CombatRun>(tx, item.stored_id.to_value(d))
            .await?
            .ok_or(AppError::NotFound("Combat run"))?;
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
        crud::update_with(tx, d, &run).await?;
    } else {
        let snapshot: BuildSnapshotUpload = parse(data).map_err(AppError::Validation)?;
        let old = crud::find_with::<SavedBuild>(tx, item.stored_id.to_value(d))
            .await?
            .ok_or(AppError::NotFound("Saved build"))?;
        let mut build = build_from(snapshot, user, item.stored_id);
        build.created_at = old.created_at;
        crud::update_with(tx, d, &build).await?;
    }
    if let Some(c) = checksum {
        c.clone_into(&mut item.checksum);
    }
    item.updated_at = truncate_to_millis(Utc::now());
    store::update(tx, d, item).await
}
