//! `/features`: the feature database (API contract, "Feature database"). Reads need a signed-in
//! user and go through the TTL caches; writes need an administrator and invalidate them.

use poem::{http::StatusCode, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Header, Path, Query},
};

use super::{
    dto::{FeaturePage, ListAnswer, SearchResult, SetPage, UpdatesResponse},
    models::{Feature, FeatureView, GearSet, GearSetView},
    queries,
};
use crate::{
    auth::{Auth, Scope},
    error::ApiError,
    http::{ApiTags, json::JsonBytes},
    model::{ColumnType, Filter, ListQuery, crud},
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

fn key(parts: &[(&str, Option<&str>)]) -> String {
    let mut k = String::new();
    for (name, v) in parts {
        if let Some(v) = v {
            k.push_str(name);
            k.push('=');
            k.push_str(&v.to_lowercase());
            k.push('&');
        }
    }
    k
}

/// `GET /features/updates` answer.
#[derive(Debug, ApiResponse)]
pub enum UpdatesAnswer {
    /// The changes, with an `ETag` for conditional requests.
    #[oai(status = 200)]
    Ok(JsonBytes<UpdatesResponse>, #[oai(header = "ETag")] String),
    /// Nothing changed since the `If-None-Match` ETag.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

/// Feature database endpoints.
#[derive(Debug, Default)]
pub struct FeaturesApi;

#[allow(clippy::too_many_arguments)] // one parameter per documented query parameter
#[OpenApi(tag = "ApiTags::Features")]
impl FeaturesApi {
    /// List features
    ///
    /// Filters combine with AND; `search` (at least 2 characters) matches name, effect and tags
    /// case-insensitively, with `%` and `_` matching literally.
    #[oai(path = "/features", method = "get", operation_id = "list_features")]
    async fn list_features(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        /// Page size, 1–500 (default 100).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "500"))
        )]
        limit: Query<u32>,
        /// Rows to skip.
        #[oai(default)]
        offset: Query<u64>,
        /// `PLAYER` or `COMPANION`.
        system: Query<Option<String>>,
        /// e.g. `Class`, `Weapon`, `ChampionPoints`.
        category: Query<Option<String>>,
        /// e.g. `ACTIVE`, `PASSIVE`, `ULTIMATE`, `MORPH_A`.
        feature_type: Query<Option<String>>,
        /// A class, companion or race.
        class_restriction: Query<Option<String>>,
        /// Text in the name, effect or tags.
        #[oai(validator(min_length = 2, max_length = 200))]
        search: Query<Option<String>>,
    ) -> Result<JsonBytes<FeaturePage>, ApiError> {
        let cache_key = format!(
            "features?{}limit={}&offset={}",
            key(&[
                ("system", system.as_deref()),
                ("category", category.as_deref()),
                ("feature_type", feature_type.as_deref()),
                ("class_restriction", class_restriction.as_deref()),
                ("search", search.as_deref()),
            ]),
            limit.0,
            offset.0
        );
        let d = state.db.dialect;
        let answer = state
            .features
            .lists
            .get_or_load(cache_key, async {
                let mut filters = Vec::new();
                for (col, v) in [
                    ("system", &system.0),
                    ("category", &category.0),
                    ("feature_type", &feature_type.0),
                    ("class_restriction", &class_restriction.0),
                ] {
                    if let Some(v) = v {
                        filters.push(Filter::Eq(col, v.to_value(d)));
                    }
                }
                if let Some(s) = search.0.clone() {
                    filters.push(Filter::AnyContains(&["name", "base_effect", "tags"], s));
                }
                let q = ListQuery {
                    filters,
                    sort: Some("feature_id".into()),
                    limit: limit.0,
                    offset: offset.0,
                };
                let page =
                    crud::list::<Feature>(&state.db, &crate::model::policy::Scope::All, &q).await?;
                Ok(feature_page(page))
            })
            .await?;
        match answer {
            ListAnswer::Features(p) => Ok(p),
            _ => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cache entry of another kind",
            )),
        }
    }

    /// List gear sets
    ///
    /// `weight` matches sets that include it (`Heavy` matches `Light|Medium|Heavy`).
    #[oai(
        path = "/features/sets",
        method = "get",
        operation_id = "list_gear_sets"
    )]
    async fn list_sets(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        /// Page size, 1–500 (default 100).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "500"))
        )]
        limit: Query<u32>,
        /// Rows to skip.
        #[oai(default)]
        offset: Query<u64>,
        /// e.g. `Trial`, `Dungeon`, `Monster`.
        set_type: Query<Option<String>>,
        /// `Light`, `Medium`, `Heavy`, `Jewelry` or `Weapon`.
        weight: Query<Option<String>>,
        /// e.g. `S`, `A`.
        pve_tier: Query<Option<String>>,
        /// Text in the name, location or tags.
        #[oai(validator(min_length = 2, max_length = 200))]
        search: Query<Option<String>>,
    ) -> Result<JsonBytes<SetPage>, ApiError> {
        let cache_key = format!(
            "sets?{}limit={}&offset={}",
            key(&[
                ("set_type", set_type.as_deref()),
                ("weight", weight.as_deref()),
                ("pve_tier", pve_tier.as_deref()),
                ("search", search.as_deref())
            ]),
            limit.0,
            offset.0
        );
        let d = state.db.dialect;
        let answer = state
            .features
            .lists
            .get_or_load(cache_key, async {
                let mut filters = Vec::new();
                if let Some(v) = &set_type.0 {
                    filters.push(Filter::Eq("set_type", v.to_value(d)));
                }
                if let Some(v) = &pve_tier.0 {
                    filters.push(Filter::Eq("pve_tier", v.to_value(d)));
                }
                if let Some(v) = &weight.0 {
                    filters.push(Filter::Contains("weight", v.clone()));
                }
                if let Some(s) = search.0.clone() {
                    filters.push(Filter::AnyContains(&["name", "location", "tags"], s));
                }
                let q = ListQuery {
                    filters,
                    sort: Some("set_id".into()),
                    limit: limit.0,
                    offset: offset.0,
                };
                let page =
                    crud::list::<GearSet>(&state.db, &crate::model::policy::Scope::All, &q).await?;
                Ok(ListAnswer::Sets(JsonBytes::new(&SetPage {
                    sets: page.items.into_iter().map(GearSetView::from).collect(),
                    total: page.total,
                    limit: page.limit,
                    offset: page.offset,
                })))
            })
            .await?;
        match answer {
            ListAnswer::Sets(p) => Ok(p),
            _ => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cache entry of another kind",
            )),
        }
    }

    /// Get one gear set
    ///
    /// A gear set by its stable id (for example `SET_TRIAL_RELEQUEN`), with its bonuses by piece
    /// count. 404 when no set has that id.
    #[oai(
        path = "/features/sets/:set_id",
        method = "get",
        operation_id = "get_gear_set"
    )]
    async fn get_set(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        set_id: Path<String>,
    ) -> Result<JsonBytes<GearSetView>, ApiError> {
        let db = state.db.clone();
        let id = set_id.0.clone();
        state
            .features
            .sets
            .get_or_load(set_id.0.clone(), async move {
                let row = crud::find::<GearSet>(&db, id.to_value(db.dialect)).await?;
                Ok(row.map(|r| JsonBytes::new(&GearSetView::from(r))))
            })
            .await?
            .ok_or_else(|| ApiError::not_found("Gear set not found"))
    }

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
            .get_or_load(cache_key, async {
                Ok(ListAnswer::Search(JsonBytes::new(
                    &queries::search(&state.db, &q.0, limit.0).await?,
                )))
            })
            .await?;
        match answer {
            ListAnswer::Search(p) => Ok(p),
            _ => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cache entry of another kind",
            )),
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
            class_name.0.to_lowercase(),
            include_universal.0,
            limit.0,
            offset.0
        );
        let d = state.db.dialect;
        let answer = state
            .features
            .lists
            .get_or_load(cache_key, async {
                let value = class_name.0.to_value(d);
                let filter = if include_universal.0 {
                    Filter::EqOrNull("class_restriction", value)
                } else {
                    Filter::Eq("class_restriction", value)
                };
                let q = ListQuery {
                    filters: vec![filter],
                    sort: Some("feature_id".into()),
                    limit: limit.0,
                    offset: offset.0,
                };
                let page =
                    crud::list::<Feature>(&state.db, &crate::model::policy::Scope::All, &q).await?;
                Ok(feature_page(page))
            })
            .await?;
        match answer {
            ListAnswer::Features(p) => Ok(p),
            _ => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cache entry of another kind",
            )),
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
            .get_or_load(cache_key, async {
                let (body, etag) =
                    queries::updates(&state.db, patches, since.as_deref(), limit.0, offset.0)
                        .await?;
                Ok(ListAnswer::Updates(JsonBytes::new(&body), etag.into()))
            })
            .await?;
        let ListAnswer::Updates(body, etag) = answer else {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cache entry of another kind",
            ));
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

    /// Get one feature
    ///
    /// A skill, morph, passive or other feature by its stable id, with its cost, ranks and
    /// effects. 404 when no feature has that id.
    #[oai(
        path = "/features/:feature_id",
        method = "get",
        operation_id = "get_feature"
    )]
    async fn get_feature(
        &self,
        state: Data<&AppState>,
        #[oai(scope = "Scope::Read")] _auth: Auth,
        feature_id: Path<String>,
    ) -> Result<JsonBytes<FeatureView>, ApiError> {
        let db = state.db.clone();
        let id = feature_id.0.clone();
        state
            .features
            .features
            .get_or_load(feature_id.0.clone(), async move {
                let row = crud::find::<Feature>(&db, id.to_value(db.dialect)).await?;
                Ok(row.map(|r| JsonBytes::new(&FeatureView::from(r))))
            })
            .await?
            .ok_or_else(|| ApiError::not_found("Feature not found"))
    }
}

/// A page of features, serialised once for the cache.
fn feature_page(page: crate::model::Page<Feature>) -> ListAnswer {
    ListAnswer::Features(JsonBytes::new(&FeaturePage {
        features: page.items.into_iter().map(FeatureView::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}
