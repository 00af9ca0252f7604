//! Feature API response bodies (API contract, "Feature database").

use std::sync::Arc;

use poem_openapi::{ApiResponse, Object, types::Example};

use crate::http::json::JsonBytes;

use super::models::{FeaturePage, FeatureView, GearSet, JsonObject};

/// `GET /features/search`: features and sets together, sets shaped as features with
/// `category: "Set"` (their bonuses, weight and tier under `attributes`).
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct SearchResult {
    /// The query as given.
    pub query: String,
    /// Matches, features first, then sets, each by name.
    pub features: Vec<FeatureView>,
    /// Number of matches returned.
    pub total: u64,
}

impl Example for SearchResult {
    fn example() -> Self {
        Self {
            query: "fatecarver".into(),
            features: vec![FeatureView::example()],
            total: 1,
        }
    }
}

/// One entry of `GET /features/updates`.
#[derive(Debug, Clone, Object)]
pub struct UpdateItem {
    /// Feature or set id.
    pub feature_id: String,
    /// Name.
    pub name: String,
    /// Category (`Set` for gear sets).
    pub category: String,
    /// `modified` (the data keeps no history, so additions are not told apart).
    pub change_type: String,
    /// The update that last changed it.
    pub patch_updated: Option<String>,
    /// The update before that, when known (never, for now).
    pub previous_patch: Option<String>,
    /// What changed, when known (empty: the data keeps no history).
    pub changes: Vec<String>,
}

/// `GET /features/updates`.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct UpdatesResponse {
    /// The `since` asked for, if any.
    pub since_patch: Option<String>,
    /// The newest update present in the data.
    pub current_patch: Option<String>,
    /// Features and sets changed after `since_patch` (all of them without it), one page.
    pub updates: Vec<UpdateItem>,
    /// Changes over all pages.
    pub total_changes: u64,
}

impl Example for UpdatesResponse {
    fn example() -> Self {
        Self {
            since_patch: Some("U41".into()),
            current_patch: Some("U48".into()),
            updates: vec![UpdateItem {
                feature_id: "SET_TRIAL_ANSUUL".into(),
                name: "Ansuul's Torment".into(),
                category: "Set".into(),
                change_type: "modified".into(),
                patch_updated: Some("U48".into()),
                previous_patch: None,
                changes: Vec::new(),
            }],
            total_changes: 1,
        }
    }
}

/// A cached list answer, serialised once.
#[derive(Debug, Clone)]
pub enum ListAnswer {
    /// A class's features page.
    Features(JsonBytes<FeaturePage>),
    /// Search result.
    Search(JsonBytes<SearchResult>),
    /// Updates page with its ETag.
    Updates(JsonBytes<UpdatesResponse>, Arc<str>),
}

impl From<GearSet> for FeatureView {
    fn from(s: GearSet) -> Self {
        let mut attributes: JsonObject = [
            (
                "bonuses",
                serde_json::Value::Object(s.bonuses.into_iter().collect()),
            ),
            ("weight", s.weight.into()),
            ("bind_type", s.bind_type.into()),
            ("tradeable", s.tradeable.into()),
            ("location", s.location.into()),
            ("pve_tier", s.pve_tier.into()),
            ("role_affinity", s.role_affinity.unwrap_or_default()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (k, v) in s.attributes {
            attributes.entry(k).or_insert(v);
        }
        FeatureView {
            feature_id: s.set_id,
            system: "PLAYER".into(),
            category: "Set".into(),
            subcategory: Some(s.set_type),
            feature_type: None,
            name: s.name,
            parent_feature: None,
            class_restriction: None,
            unlock_method: None,
            resource_type: None,
            resource_cost: None,
            cast_time: None,
            target_type: None,
            range_m: None,
            radius_m: None,
            duration_sec: None,
            cooldown_sec: None,
            base_effect: None,
            scaling_stat: None,
            max_ranks: None,
            rank_progression: None,
            buff_debuff_granted: None,
            synergy: None,
            tags: s.tags,
            dlc_required: s.dlc_required,
            patch_updated: s.patch_updated,
            source_url: s.source_url,
            attributes,
            updated_at: s.updated_at,
        }
    }
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
