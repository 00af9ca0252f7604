//! `/runs`: submit, list, get and delete the caller's combat runs. Another user's run answers
//! 404 exactly like a missing one (the read policy is `owner`, applied in SQL).

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Multipart, OpenApi,
    param::{Header, Query},
    payload::Json,
};
use uuid::Uuid;

use super::{
    CombatRun, CombatRunSummary,
    dto::{
        CombatRunCreate, CombatRunListItem, CombatRunResponse, Content, ContentType, Difficulty,
        RunPage, RunSource,
    },
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
    model::{ColumnType, Filter, ListQuery, column, crud},
    state::AppState,
};

fn default_limit() -> u32 {
    50
}

/// 201 with the stored run.
#[derive(Debug, ApiResponse)]
pub enum RunCreated {
    /// Stored; `Location` is its URL.
    #[oai(status = 201)]
    Created(Json<CombatRunResponse>, #[oai(header = "Location")] String),
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

impl From<CombatRunSummary> for CombatRunListItem {
    fn from(r: CombatRunSummary) -> Self {
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

#[allow(clippy::too_many_arguments)] // one parameter per documented query parameter
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
        Ok(RunCreated::Created(Json(row.into()), location))
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

    /// List your combat runs
    ///
    /// Newest first. Filters combine with AND.
    #[oai(path = "/runs", method = "get", operation_id = "list_runs")]
    async fn list_runs(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// Page size, 1–100 (default 50).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
        /// Rows to skip.
        #[oai(default)]
        offset: Query<u64>,
        /// Kind of content.
        content_type: Query<Option<ContentType>>,
        /// Content name, exactly.
        content_name: Query<Option<String>>,
        /// Difficulty.
        difficulty: Query<Option<Difficulty>>,
        /// Character name, exactly.
        character_name: Query<Option<String>>,
        /// Cleared or not.
        success: Query<Option<bool>>,
        /// Submitted at or after (RFC 3339).
        from_date: Query<Option<DateTime<Utc>>>,
        /// Submitted at or before (RFC 3339).
        to_date: Query<Option<DateTime<Utc>>>,
        /// At least this DPS.
        #[oai(validator(minimum(value = "0")))]
        min_dps: Query<Option<f64>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<RunPage>, ApiError> {
        let key = format!(
            "runs {:?}",
            (
                limit.0,
                offset.0,
                content_type.0,
                &content_name.0,
                difficulty.0,
                &character_name.0,
                success.0,
                from_date.0,
                to_date.0,
                min_dps.0
            )
        );
        let load = async {
            let d = state.db.dialect;
            let mut filters = Vec::new();
            if let Some(v) = content_type.0 {
                filters.push(Filter::Eq("content_type", column::enum_to_value(&v, d)));
            }
            if let Some(v) = difficulty.0 {
                filters.push(Filter::Eq("difficulty", column::enum_to_value(&v, d)));
            }
            if let Some(v) = &content_name.0 {
                filters.push(Filter::Eq("content_name", v.to_value(d)));
            }
            if let Some(v) = &character_name.0 {
                filters.push(Filter::Eq("character_name", v.to_value(d)));
            }
            if let Some(v) = success.0 {
                filters.push(Filter::Eq("success", v.to_value(d)));
            }
            if let Some(v) = from_date.0 {
                filters.push(Filter::Min("timestamp", v.to_value(d)));
            }
            if let Some(v) = to_date.0 {
                filters.push(Filter::Max("timestamp", v.to_value(d)));
            }
            if let Some(v) = min_dps.0 {
                filters.push(Filter::Min("dps", v.to_value(d)));
            }
            let q = ListQuery {
                filters,
                sort: None,
                limit: limit.0,
                offset: offset.0,
            };
            let page =
                crud::list_for::<CombatRunSummary>(&state.db, Some(auth.principal().caller()), &q)
                    .await?;
            let has_more = page.has_more();
            Ok(JsonBytes::serialized(&RunPage {
                runs: page
                    .items
                    .into_iter()
                    .map(CombatRunListItem::from)
                    .collect(),
                total: page.total,
                limit: page.limit,
                offset: page.offset,
                has_more,
            }))
        };
        state
            .player_reads
            .answer_encoded(auth.principal(), cache_control.as_deref(), key, load)
            .await
    }
}
