//! Read-only views over the caller's runs, served as thin handlers over [`super::service`]:
//! stats summary, comparison, characters and the three analytics. Per-player answers go
//! through the player-read cache.

pub mod dto;

use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Header, Path, Query},
    payload::Json,
};
use uuid::Uuid;

use self::dto::{
    BuffStat, Character, Comparison, DpsPoint, PercentilePoint, StatsSummary, TimeRange,
};
use super::{service, store::RunScope};
use crate::{
    auth::{Auth, Scope},
    cache::CallerCache,
    error::ApiError,
    http::{ApiTags, json::JsonBytes},
    state::AppState,
};

/// The caller's runs in `time_range` (default 30 days), optionally of one character: the
/// common scope of the three analytics.
fn analytics_scope<'a>(
    auth: &Auth,
    time_range: Option<TimeRange>,
    character: Option<&'a str>,
) -> RunScope<'a> {
    RunScope {
        player: auth.principal().user_id,
        since: time_range.unwrap_or_default().since(),
        character,
    }
}

/// The player-read cache key of the analytics `name` over `time_range` and `character`.
fn analytics_key(name: &str, time_range: Option<TimeRange>, character: Option<&str>) -> String {
    format!("{name} {:?}", (time_range.unwrap_or_default(), character))
}

/// Stats, comparison, characters and analytics.
#[derive(Debug, Default)]
pub struct InsightsApi;

#[OpenApi]
impl InsightsApi {
    /// Your run statistics
    ///
    /// Totals over all your runs: count, cleared count, mean and best DPS, play time, and your
    /// most played content and character. Zeros when you have no run.
    #[oai(
        path = "/runs/stats/summary",
        method = "get",
        tag = "ApiTags::Runs",
        operation_id = "get_stats_summary"
    )]
    async fn stats_summary(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<StatsSummary>, ApiError> {
        let load = async { Ok(service::stats_summary(&state.db, auth.principal().user_id).await?) };
        state
            .player_reads
            .answer(
                auth.principal().caller(),
                cache_control.as_deref(),
                "stats".into(),
                load,
            )
            .await
    }

    /// Compare two of your runs
    ///
    /// Differences are A minus B, as the upstream answers: `dps_diff = dps(A) − dps(B)`,
    /// `dps_diff_percent` relative to B's DPS, `duration_diff_sec = duration(A) − duration(B)`;
    /// `build_differences` lists the changes from A to B. 404 when either run does not exist or
    /// is not yours.
    #[oai(
        path = "/runs/compare/:run_id_a/:run_id_b",
        method = "get",
        tag = "ApiTags::Runs",
        operation_id = "compare_runs"
    )]
    async fn compare(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        run_id_a: Path<Uuid>,
        run_id_b: Path<Uuid>,
    ) -> Result<Json<Comparison>, ApiError> {
        let caller = auth.principal().caller();
        Ok(Json(
            service::compare(&state.db, caller, run_id_a.0, run_id_b.0).await?,
        ))
    }

    /// Your characters
    ///
    /// One entry per character name in your runs, by name: its run count, best and mean DPS,
    /// play time, last run, CP level and latest build. Empty when you have no run.
    #[oai(
        path = "/characters",
        method = "get",
        tag = "ApiTags::Characters",
        operation_id = "list_characters"
    )]
    async fn characters(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<Character>>, ApiError> {
        let load =
            async { Ok(service::characters(&state.db, auth.principal().user_id, None).await?) };
        state
            .player_reads
            .answer(
                auth.principal().caller(),
                cache_control.as_deref(),
                "characters".into(),
                load,
            )
            .await
    }

    /// One of your characters
    ///
    /// 404 when you have no run with it.
    #[oai(
        path = "/characters/:character_name",
        method = "get",
        tag = "ApiTags::Characters",
        operation_id = "get_character"
    )]
    async fn character(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        character_name: Path<String>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Character>, ApiError> {
        let key = format!("character {:?}", character_name.0);
        let load = async {
            Ok(service::character(&state.db, auth.principal().user_id, &character_name.0).await?)
        };
        state
            .player_reads
            .answer(
                auth.principal().caller(),
                cache_control.as_deref(),
                key,
                load,
            )
            .await
    }

    /// DPS per day
    ///
    /// Your mean and best DPS and run count per calendar day (UTC) over the chosen range, oldest
    /// day first; days without a run are left out.
    #[oai(
        path = "/analytics/dps-trend",
        method = "get",
        tag = "ApiTags::Analytics",
        operation_id = "get_dps_trend"
    )]
    async fn dps_trend(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// How far back: `7d`, `30d` (default), `90d` or `all`.
        time_range: Query<Option<TimeRange>>,
        /// Only this character.
        character_name: Query<Option<String>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<DpsPoint>>, ApiError> {
        let key = analytics_key("dps_trend", time_range.0, character_name.as_deref());
        let load = async {
            let scope = analytics_scope(&auth, time_range.0, character_name.as_deref());
            Ok(service::dps_trend(&state.db, scope).await?)
        };
        state
            .player_reads
            .answer(
                auth.principal().caller(),
                cache_control.as_deref(),
                key,
                load,
            )
            .await
    }

    /// Percentile of each run among all players' runs of the same content and difficulty
    ///
    /// `percentile` is the percentage (0–100, rounded to 0.1) of the pool's other runs with
    /// lower DPS; 50 alone in its pool. Pools are read from a per-instance distribution cache
    /// refreshed every 60 s, so a run submitted by another player in the last minute may not
    /// count yet. One indexed statement for your runs, plus one for pools not yet cached.
    #[oai(
        path = "/analytics/percentile-trend",
        method = "get",
        tag = "ApiTags::Analytics",
        operation_id = "get_percentile_trend"
    )]
    async fn percentile_trend(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// How far back: `7d`, `30d` (default), `90d` or `all`.
        time_range: Query<Option<TimeRange>>,
        /// Only this character.
        character_name: Query<Option<String>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<PercentilePoint>>, ApiError> {
        let key = analytics_key("percentile_trend", time_range.0, character_name.as_deref());
        let load = async {
            let scope = analytics_scope(&auth, time_range.0, character_name.as_deref());
            let points =
                service::percentile_trend(&state.db, &state.dps_distributions, scope).await?;
            Ok(JsonBytes::serialized(&points))
        };
        state
            .player_reads
            .answer_encoded(
                auth.principal().caller(),
                cache_control.as_deref(),
                key,
                load,
            )
            .await
    }

    /// Buff uptimes across your runs
    ///
    /// Per buff recorded in your runs over the chosen range: the mean uptime and how many runs
    /// list it, with its importance (`high` when in at least 50 % of runs).
    #[oai(
        path = "/analytics/buff-analysis",
        method = "get",
        tag = "ApiTags::Analytics",
        operation_id = "get_buff_analysis"
    )]
    async fn buff_analysis(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] auth: Auth,
        /// How far back: `7d`, `30d` (default), `90d` or `all`.
        time_range: Query<Option<TimeRange>>,
        /// Only this character.
        character_name: Query<Option<String>>,
        /// `no-cache` for an answer read now rather than one up to 10 s old (answers are
        /// dropped at once by your own writes either way).
        #[oai(name = "Cache-Control")]
        cache_control: Header<Option<String>>,
    ) -> Result<JsonBytes<Vec<BuffStat>>, ApiError> {
        let key = analytics_key("buff_analysis", time_range.0, character_name.as_deref());
        let load = async {
            let scope = analytics_scope(&auth, time_range.0, character_name.as_deref());
            Ok(service::buff_analysis(&state.db, scope).await?)
        };
        state
            .player_reads
            .answer(
                auth.principal().caller(),
                cache_control.as_deref(),
                key,
                load,
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::Example;

    use super::dto::PercentilePoint;
    use crate::http::json::assert_serde_is_to_json;

    #[test]
    fn percentile_points_written_directly_equal_their_to_json() {
        let mut other = PercentilePoint::example();
        other.content_name = "Ré \"quoted\" \u{1}".into();
        other.percentile = 0.1;
        let points = vec![PercentilePoint::example(), other];
        assert_serde_is_to_json(&points);
    }
}
