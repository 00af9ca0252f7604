//! `/runs`: submit and import the caller's combat runs (list, get and delete are generated:
//! `CombatRunSummary`, `CombatRun`). Another user's run answers
//! 404 exactly like a missing one (the read policy is `owner`, applied in SQL).

use chrono::Utc;
use poem::web::Data;
use poem_openapi::{ApiResponse, Multipart, OpenApi, payload::Json};
use uuid::Uuid;

use super::{
    CombatRun,
    dto::{CombatRunCreate, CombatRunResponse, Content, RunSource},
    import::{self, ImportReport},
    saved_variables, scores_of,
    upload::SavedVariablesFile,
};
use crate::{
    auth::{Auth, Scope},
    error::{ApiError, FieldError},
    http::{
        ApiTags,
        json::{JsonBody, JsonBytes},
    },
    model::{column, crud},
    state::AppState,
};

/// 201 with the stored run.
#[derive(Debug, ApiResponse)]
pub enum RunCreated {
    /// Stored; `Location` is its URL.
    #[oai(status = 201)]
    Created(
        JsonBytes<CombatRunResponse>,
        #[oai(header = "Location")] String,
    ),
}

impl From<CombatRun> for CombatRunResponse {
    fn from(r: CombatRun) -> Self {
        let group_size = r.group();
        Self {
            run_id: r.run_id,
            player_id: r.player_id,
            timestamp: r.timestamp,
            character_name: r.character_name,
            content: Content {
                content_type: r.content_type,
                name: r.content_name,
                difficulty: r.difficulty,
            },
            duration_sec: r.duration_sec,
            success: r.success,
            group_size,
            build_snapshot: r.build_snapshot,
            metrics: r.metrics,
            contribution_scores: r.contribution_scores,
            source: r.source,
            addon_run_id: r.addon_run_id,
            addon_original: r.addon_original,
        }
    }
}

/// `POST /runs/import`: a SavedVariables file as multipart field `file`.
#[derive(Debug, Multipart)]
pub struct SavedVariablesUpload {
    /// `SavedVariables/ESOBuildOptimizer.lua` as the game wrote it: a Lua chunk assigning one
    /// table to `ESOBuildOptimizerSV`. Up to `server.upload_body_limit_bytes` (32 MiB by
    /// default, at least 16 MiB). Read as data, never executed.
    pub file: SavedVariablesFile,
}

/// SavedVariables files read at once per process: reading one of 16 MiB peaks at about
/// 140 MiB (the lexer holds the text as characters), so concurrent uploads wait their turn
/// instead of multiplying that.
static READING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Reads the runs of an uploaded SavedVariables file off the async workers.
async fn read_upload(bytes: Vec<u8>) -> Result<Vec<serde_json::Value>, ApiError> {
    let invalid = |message: String| ApiError::validation(vec![FieldError::new("file", message)]);
    let _turn = READING
        .acquire()
        .await
        .map_err(|e| ApiError::from(crate::error::AppError::Internal(anyhow::anyhow!(e))))?;
    tokio::task::spawn_blocking(move || saved_variables::runs(&bytes))
        .await
        .map_err(|e| ApiError::from(crate::error::AppError::Internal(anyhow::anyhow!(e))))?
        .map_err(|e| invalid(e.to_string()))
}

/// The row a create body makes for `player`.
pub fn new_run(body: CombatRunCreate, player: Uuid) -> CombatRun {
    let scores = scores_of(&body.metrics, body.duration_sec);
    CombatRun {
        run_id: Uuid::new_v4(),
        player_id: player,
        character_name: body.character_name,
        content_type: body.content.content_type,
        content_name: body.content.name,
        difficulty: body.content.difficulty,
        duration_sec: body.duration_sec,
        success: body.success,
        group_size: body.group_size,
        cp_level: body.build_snapshot.cp_level,
        dps: body.metrics.dps,
        build_snapshot: body.build_snapshot,
        metrics: body.metrics,
        contribution_scores: Some(scores),
        timestamp: column::truncate_to_millis(Utc::now()),
        source: RunSource::Api,
        addon_run_id: None,
        addon_original: None,
        analysed_at: None,
    }
}

/// Combat run endpoints.
#[derive(Debug, Default)]
pub struct RunsApi;

#[OpenApi(tag = "ApiTags::Runs")]
impl RunsApi {
    /// Submit a combat run
    ///
    /// Stores the run with its contribution scores. Every invalid field is listed in one 422.
    #[oai(path = "/runs", method = "post", operation_id = "create_run")]
    async fn create_run(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        body: JsonBody<CombatRunCreate>,
    ) -> Result<RunCreated, ApiError> {
        let row = new_run(body.0, auth.principal().user_id);
        crud::insert(&state.db, &row).await?;
        state.player_reads.changed(row.player_id).await;
        let location = format!("{}/runs/{}", state.settings.server.api_prefix, row.run_id);
        let run: CombatRunResponse = row.into();
        Ok(RunCreated::Created(JsonBytes::serialized(&run), location))
    }

    /// Import a SavedVariables file
    ///
    /// Uploads the game addon's `SavedVariables/ESOBuildOptimizer.lua` (multipart field
    /// `file`) and stores its runs (`runs` and `pendingSync.runs`): each run once per player and
    /// addon `run_id`, whichever way it arrived before (sync, an earlier upload, the CLI), so a
    /// repeated upload stores nothing new and reports `duplicates`. Each run is mapped from the
    /// addon's shape (character from `build_snapshot.character`, game or lore race names,
    /// difficulty and group size kept unknown, localized timestamps read as UTC) and stored
    /// whole or not at all; a malformed run is listed in `rejected` with its field and the
    /// others are still imported. The file is parsed as Lua data and never executed. A file
    /// that is not such a SavedVariables file (a Lua syntax error, no `ESOBuildOptimizerSV`
    /// table, code where data belongs, tables nested over 32 levels, not text) answers 422
    /// naming `file`, and nothing is stored; a file over the upload limit answers 413.
    #[oai(path = "/runs/import", method = "post", operation_id = "import_runs")]
    async fn import_runs(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Write")] auth: Auth,
        upload: SavedVariablesUpload,
    ) -> Result<Json<ImportReport>, ApiError> {
        let bytes = upload
            .file
            .0
            .into_vec()
            .await
            .map_err(|e| ApiError::validation(vec![FieldError::new("file", e.to_string())]))?;
        let runs = read_upload(bytes).await?;
        let player = auth.principal().user_id;
        let report = import::import(&state.db, player, &runs, false, |_| {}).await;
        // Also after a failure midway: the runs before it are stored.
        state.player_reads.changed(player).await;
        Ok(Json(report?))
    }
}
