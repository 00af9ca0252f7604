//! `/features`: the feature database's reads beyond generated CRUD (API contract, "Feature
//! database"): search, by-class and the updates feed. They need a signed-in user and go through
//! the TTL caches; the list, get and writes of features and gear sets are generated
//! (`models.rs`).

use poem::{http::StatusCode, web::Data};
use poem_openapi::{
    OpenApi,
    param::{Header, Path, Query},
};

use super::{
    dto::{ListAnswer, SearchResult, UpdatesAnswer},
    models::FeaturePage,
    service,
};
use crate::{
    auth::{Auth, Scope},
    error::{ApiError, AppError},
    http::{ApiTags, json::JsonBytes},
    state::AppState,
};

fn default_limit() -> u32 {
    100
}

fn default_search_limit() -> u32 {
    20
}

fn default_true() -> bool {
    true
}

/// Feature database endpoints.
#[derive(Debug, Default)]
pub struct FeaturesApi;

#[allow(clippy::too_many_arguments)] // one parameter per documented query parameter
#[OpenApi(tag = "ApiTags::Features")]
impl FeaturesApi {
    /// Search features and sets
    ///
    /// Features and sets together; sets are shaped as features with `category: "Set"`.
    #[oai(
        path = "/features/search",
        method = "get",
        operation_id = "search_features"
    )]
    async fn search(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        /// Text in the name, effect or tags (at least 2 characters).
        #[oai(validator(min_length = 2, max_length = 200))]
        q: Query<String>,
        /// Largest number of results, 1–100 (default 20).
        #[oai(
            default = "default_search_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
    ) -> Result<JsonBytes<SearchResult>, ApiError> {
        let cache_key = format!("search?q={}&limit={}", q.0.to_lowercase(), limit.0);
        let answer = state
            .features
            .lists
            .get_or_load::<AppError, _>(cache_key, async {
                Ok(ListAnswer::Search(JsonBytes::new(
                    &service::search(&state.db, &q.0, limit.0).await?,
                )))
            })
            .await?;
        match answer {
            ListAnswer::Search(p) => Ok(p),
            _ => Err(other_kind()),
        }
    }

    /// Features of a class
    ///
    /// With `include_universal` (default true), also the features without a class restriction.
    #[oai(
        path = "/features/class/:class_name",
        method = "get",
        operation_id = "list_class_features"
    )]
    async fn by_class(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        class_name: Path<String>,
        /// Also list features every class can use.
        #[oai(default = "default_true")]
        include_universal: Query<bool>,
        /// Page size, 1–500 (default 100).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "500"))
        )]
        limit: Query<u32>,
        /// Rows to skip.
        #[oai(default)]
        offset: Query<u64>,
    ) -> Result<JsonBytes<FeaturePage>, ApiError> {
        let cache_key = format!(
            "class/{}?u={}&limit={}&offset={}",
            class_name.0, include_universal.0, limit.0, offset.0
        );
        let answer = state
            .features
            .lists
            .get_or_load::<AppError, _>(cache_key, async {
                let page = service::class_features(
                    &state.db,
                    &class_name.0,
                    include_universal.0,
                    limit.0,
                    offset.0,
                )
                .await?;
                Ok(ListAnswer::Features(JsonBytes::new(&page)))
            })
            .await?;
        match answer {
            ListAnswer::Features(p) => Ok(p),
            _ => Err(other_kind()),
        }
    }

    /// Changes since a game update
    ///
    /// Features and sets whose `patch_updated` is later than `since` (`since_patch` accepted),
    /// in patch order, paginated in SQL. Without either, every feature and set counts. Sends an
    /// `ETag`; `If-None-Match` with it answers 304. An unknown patch answers 400 naming the
    /// known ones (from configuration and the data).
    #[oai(
        path = "/features/updates",
        method = "get",
        operation_id = "list_feature_updates"
    )]
    async fn updates(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        /// An update such as `U47`.
        since: Query<Option<String>>,
        /// Same as `since`.
        since_patch: Query<Option<String>>,
        /// Page size, 1–500 (default 100).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "500"))
        )]
        limit: Query<u32>,
        /// Rows to skip.
        #[oai(default)]
        offset: Query<u64>,
        /// An ETag from an earlier answer.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Result<UpdatesAnswer, ApiError> {
        let since = since
            .0
            .or(since_patch.0)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let cache_key = format!(
            "updates?since={}&limit={}&offset={}",
            since.as_deref().unwrap_or(""),
            limit.0,
            offset.0
        );
        let patches = &state.settings.features.patches;
        let answer = state
            .features
            .lists
            .get_or_load::<AppError, _>(cache_key, async {
                let (body, etag) =
                    service::updates(&state.db, patches, since.as_deref(), limit.0, offset.0)
                        .await?;
                Ok(ListAnswer::Updates(JsonBytes::new(&body), etag.into()))
            })
            .await?;
        let ListAnswer::Updates(body, etag) = answer else {
            return Err(other_kind());
        };
        let matches = if_none_match
            .0
            .as_deref()
            .is_some_and(|h| h.split(',').any(|t| t.trim() == &*etag || t.trim() == "*"));
        Ok(if matches {
            UpdatesAnswer::NotModified(etag.to_string())
        } else {
            UpdatesAnswer::Ok(body, etag.to_string())
        })
    }
}

/// A list cache entry of another kind than its key's: a bug, answered as a 500.
fn other_kind() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "cache entry of another kind",
    )
}
