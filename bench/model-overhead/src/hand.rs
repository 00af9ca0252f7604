//! The hand-written equivalent of the generated saved-builds `get` and `list`: the same
//! policy (owner, public flag, admin) written as SQL by hand, rows decoded with serde through
//! `rbatis::decode`, mapped to the same `SavedBuildView`.

use app::{
    auth::Auth,
    builds::{SavedBuildPage, SavedBuildView},
    db::Dialect,
    error::ApiError,
    model::ColumnType,
    state::AppState,
};
use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Row {
    build_id: String,
    owner_id: String,
    name: String,
    class: String,
    subclass: Option<String>,
    race: String,
    sets: serde_json::Value,
    skills_front: serde_json::Value,
    skills_back: serde_json::Value,
    champion_points: Option<serde_json::Value>,
    notes: Option<String>,
    is_public: serde_json::Value,
    created_at: serde_json::Value,
    updated_at: serde_json::Value,
}

fn text(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

fn json_of<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Option<T> {
    match v {
        serde_json::Value::String(s) => serde_json::from_str(&s).ok(),
        other => serde_json::from_value(other).ok(),
    }
}

fn view(r: Row) -> Option<SavedBuildView> {
    let ts = |v: serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(&text(v).replacen(' ', "T", 1))
            .ok()
            .map(|t| t.to_utc())
    };
    Some(SavedBuildView {
        build_id: r.build_id.parse().ok()?,
        owner_id: r.owner_id.parse().ok()?,
        name: r.name,
        class: serde_json::from_value(serde_json::Value::String(r.class)).ok()?,
        subclass: r
            .subclass
            .and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok()),
        race: serde_json::from_value(serde_json::Value::String(r.race)).ok()?,
        sets: json_of(r.sets)?,
        skills_front: json_of(r.skills_front)?,
        skills_back: json_of(r.skills_back)?,
        champion_points: r.champion_points.and_then(json_of),
        notes: r.notes,
        is_public: matches!(r.is_public, serde_json::Value::Bool(true))
            || r.is_public.as_i64() == Some(1),
        created_at: ts(r.created_at)?,
        updated_at: ts(r.updated_at)?,
    })
}

const COLUMNS: &str = "build_id, owner_id, name, class, subclass, race, sets, skills_front, skills_back, champion_points, notes, is_public, created_at, updated_at";

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(poem::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// Hand-written saved builds.
pub struct HandBuildsApi;

#[OpenApi]
impl HandBuildsApi {
    /// Hand-written get.
    #[oai(path = "/hand/builds/:build_id", method = "get")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        build_id: Path<uuid::Uuid>,
    ) -> Result<Json<SavedBuildView>, ApiError> {
        let d: Dialect = state.db.dialect;
        let (scope, mut args) = if auth.principal().is_admin() {
            (String::new(), vec![])
        } else {
            (
                " AND (owner_id = ? OR is_public = ?)".to_owned(),
                vec![auth.principal().user_id.to_value(d), true.to_value(d)],
            )
        };
        args.insert(0, build_id.0.to_value(d));
        let sql = format!("SELECT {COLUMNS} FROM saved_builds WHERE build_id = ?{scope}");
        let rows: Vec<Row> = rbatis::decode(state.db.rb.query(&sql, args).await.map_err(internal)?)
            .map_err(internal)?;
        rows.into_iter()
            .next()
            .and_then(view)
            .map(Json)
            .ok_or_else(|| ApiError::not_found("Saved build not found"))
    }

    /// Hand-written list.
    #[oai(path = "/hand/builds", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        #[oai(default)] limit: Query<u32>,
    ) -> Result<Json<SavedBuildPage>, ApiError> {
        let d = state.db.dialect;
        let limit = limit.0.clamp(1, 100);
        let (scope, args) = if auth.principal().is_admin() {
            (String::new(), vec![])
        } else {
            (
                " WHERE (owner_id = ? OR is_public = ?)".to_owned(),
                vec![auth.principal().user_id.to_value(d), true.to_value(d)],
            )
        };
        let counted: Vec<serde_json::Value> = rbatis::decode(
            state
                .db
                .rb
                .query(
                    &format!("SELECT count(*) AS n FROM saved_builds{scope}"),
                    args.clone(),
                )
                .await
                .map_err(internal)?,
        )
        .map_err(internal)?;
        let total = counted.first().and_then(|r| r["n"].as_u64()).unwrap_or(0);
        let mut page_args = args;
        page_args.push(rbs::Value::I64(limit.into()));
        let sql = format!(
            "SELECT {COLUMNS} FROM saved_builds{scope} ORDER BY updated_at DESC, build_id ASC LIMIT ? OFFSET 0"
        );
        let rows: Vec<Row> =
            rbatis::decode(state.db.rb.query(&sql, page_args).await.map_err(internal)?)
                .map_err(internal)?;
        let builds: Vec<SavedBuildView> = rows.into_iter().filter_map(view).collect();
        let has_more = (builds.len() as u64) < total;
        Ok(Json(SavedBuildPage {
            builds,
            total,
            limit,
            offset: 0,
            has_more,
        }))
    }
}
