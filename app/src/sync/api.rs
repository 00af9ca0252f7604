//! `/sync`: `POST /combat_runs/batch`, `POST /build_snapshots/batch`, `POST /conflicts/resolve`,
//! thin handlers over [`super::service`].

use poem::web::Data;
use poem_openapi::{OpenApi, payload::Json};

pub use super::dto::{
    BuildSnapshotUpload, ConflictResolution, ItemData, Resolution, Resolved, SyncBatch, SyncItemIn,
    SyncResponse, SyncResult,
};
use super::{ItemType, service};
use crate::{
    auth::{Auth, Scope},
    error::ApiError,
    http::{ApiTags, json::JsonBody},
    state::AppState,
};

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
        let stored = service::batch(&state.db, user, ItemType::Run, &body.0.items).await;
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
        let user = auth.principal().user_id;
        Ok(Json(
            service::batch(&state.db, user, ItemType::Build, &body.0.items).await?,
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
        let resolved = service::resolve(&state.db, user, &body.0).await?;
        if resolved.resolution != Resolution::KeepServer {
            state.player_reads.changed(user).await;
        }
        Ok(Json(resolved))
    }
}
