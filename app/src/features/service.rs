//! The feature database's logic beyond generated CRUD: the combined search and the updates
//! feed (its patch order, pages and `ETag`), over the generated runtime and [`super::store`].

use sha2::{Digest, Sha256};

use super::{
    dto::{FeaturePage, SearchResult, SetPage, UpdateItem, UpdatesResponse},
    models::{Feature, FeatureView, GearSet, GearSetView},
    store::{self, InPatches},
};
use crate::{
    db::Db,
    error::AppError,
    model::{ColumnType, Filter, ListQuery, crud, policy::Scope},
};

/// `GET /features` filters; each given one must match (`search`: name, effect or tags contain
/// it, case-insensitively).
#[derive(Debug, Clone, Copy, Default)]
pub struct FeatureFilters<'a> {
    /// `PLAYER` or `COMPANION`.
    pub system: Option<&'a str>,
    /// e.g. `Class`.
    pub category: Option<&'a str>,
    /// e.g. `ACTIVE`.
    pub feature_type: Option<&'a str>,
    /// A class, companion or race.
    pub class_restriction: Option<&'a str>,
    /// Text in the name, effect or tags.
    pub search: Option<&'a str>,
}

/// One page of features by id.
///
/// # Errors
/// Database or decoding errors.
pub async fn features(
    db: &Db,
    f: FeatureFilters<'_>,
    limit: u32,
    offset: u64,
) -> Result<FeaturePage, AppError> {
    let d = db.dialect;
    let mut filters = Vec::new();
    for (col, v) in [
        ("system", f.system),
        ("category", f.category),
        ("feature_type", f.feature_type),
        ("class_restriction", f.class_restriction),
    ] {
        if let Some(v) = v {
            filters.push(Filter::Eq(col, v.to_owned().to_value(d)));
        }
    }
    if let Some(s) = f.search {
        filters.push(Filter::AnyContains(
            &["name", "base_effect", "tags"],
            s.to_owned(),
        ));
    }
    feature_page(db, filters, limit, offset).await
}

/// One page of the features of `class`, with those of no class when `include_universal`.
///
/// # Errors
/// Database or decoding errors.
pub async fn class_features(
    db: &Db,
    class: &str,
    include_universal: bool,
    limit: u32,
    offset: u64,
) -> Result<FeaturePage, AppError> {
    let value = class.to_owned().to_value(db.dialect);
    let filter = if include_universal {
        Filter::EqOrNull("class_restriction", value)
    } else {
        Filter::Eq("class_restriction", value)
    };
    feature_page(db, vec![filter], limit, offset).await
}

async fn feature_page(
    db: &Db,
    filters: Vec<Filter>,
    limit: u32,
    offset: u64,
) -> Result<FeaturePage, AppError> {
    let q = ListQuery {
        filters,
        sort: Some("feature_id".into()),
        limit,
        offset,
    };
    let page = crud::list::<Feature>(db, &Scope::All, &q).await?;
    Ok(FeaturePage {
        features: page.items.into_iter().map(FeatureView::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}

/// `GET /features/sets` filters; each given one must match.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetFilters<'a> {
    /// e.g. `Trial`.
    pub set_type: Option<&'a str>,
    /// A weight the set includes (`Heavy` matches `Light|Medium|Heavy`).
    pub weight: Option<&'a str>,
    /// e.g. `S`.
    pub pve_tier: Option<&'a str>,
    /// Text in the name, location or tags.
    pub search: Option<&'a str>,
}

/// One page of gear sets by id.
///
/// # Errors
/// Database or decoding errors.
pub async fn sets(
    db: &Db,
    f: SetFilters<'_>,
    limit: u32,
    offset: u64,
) -> Result<SetPage, AppError> {
    let d = db.dialect;
    let mut filters = Vec::new();
    if let Some(v) = f.set_type {
        filters.push(Filter::Eq("set_type", v.to_owned().to_value(d)));
    }
    if let Some(v) = f.pve_tier {
        filters.push(Filter::Eq("pve_tier", v.to_owned().to_value(d)));
    }
    if let Some(v) = f.weight {
        filters.push(Filter::Contains("weight", v.to_owned()));
    }
    if let Some(s) = f.search {
        filters.push(Filter::AnyContains(
            &["name", "location", "tags"],
            s.to_owned(),
        ));
    }
    let q = ListQuery {
        filters,
        sort: Some("set_id".into()),
        limit,
        offset,
    };
    let page = crud::list::<GearSet>(db, &Scope::All, &q).await?;
    Ok(SetPage {
        sets: page.items.into_iter().map(GearSetView::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}

/// Features, then sets, whose name, effect or tags contain `q`.
///
/// # Errors
/// Database errors.
pub async fn search(db: &Db, q: &str, limit: u32) -> Result<SearchResult, AppError> {
    let query = |cols: &'static [&'static str], sort: &str| ListQuery {
        filters: vec![Filter::AnyContains(cols, q.to_owned())],
        sort: Some(sort.into()),
        limit,
        offset: 0,
    };
    let features = crud::list::<Feature>(
        db,
        &Scope::All,
        &query(&["name", "base_effect", "tags"], "name"),
    )
    .await?;
    let mut out: Vec<FeatureView> = features.items.into_iter().map(FeatureView::from).collect();
    let room = limit.saturating_sub(u32::try_from(out.len()).unwrap_or(limit));
    if room > 0 {
        let mut q2 = query(&["name", "location", "tags"], "name");
        q2.limit = room;
        let sets = crud::list::<GearSet>(db, &Scope::All, &q2).await?;
        out.extend(sets.items.into_iter().map(FeatureView::from));
    }
    Ok(SearchResult {
        query: q.to_owned(),
        total: out.len() as u64,
        features: out,
    })
}

/// Known updates, oldest first: the configured ones, then any others in `present` in natural
/// order (`U9` before `U10`).
fn known_patches(configured: &[String], present: &[String]) -> Vec<String> {
    let mut extra: Vec<String> = present
        .iter()
        .filter(|p| !configured.contains(p))
        .cloned()
        .collect();
    let natural = |p: &String| {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        (digits.parse::<u64>().unwrap_or(u64::MAX), p.clone())
    };
    extra.sort_by_key(natural);
    extra.dedup();
    configured.iter().cloned().chain(extra).collect()
}

/// One page of the updates after `since` (all rows without it), and its `ETag`: a digest of
/// everything the answer depends on, read without loading rows.
///
/// # Errors
/// [`AppError::BadRequest`] for an unknown `since`, naming the known updates; database or
/// decoding errors.
pub async fn updates(
    db: &Db,
    configured: &[String],
    since: Option<&str>,
    limit: u32,
    offset: u64,
) -> Result<(UpdatesResponse, String), AppError> {
    let present = store::patches_present(db).await?;
    let known = known_patches(configured, &present);
    let current = known.iter().rev().find(|p| present.contains(p)).cloned();
    let later: Option<&[String]> = match since {
        None => None,
        Some(s) => match known.iter().position(|p| p.eq_ignore_ascii_case(s)) {
            Some(i) => Some(&known[i + 1..]),
            None => {
                return Err(AppError::BadRequest(format!(
                    "Unknown patch {s:?}; known patches: {}",
                    known.join(", ")
                )));
            }
        },
    };
    let scope = later.map_or(InPatches::All, InPatches::Only);
    let stamp = store::updates_stamp(db, scope).await?;
    let etag = format!(
        "\"{:x}\"",
        Sha256::digest(
            format!("{stamp:?}|{since:?}|{limit}|{offset}|{}", known.join(",")).as_bytes()
        )
    );
    let updates = store::updates_page(db, scope, &known, limit, offset)
        .await?
        .into_iter()
        .map(|r| UpdateItem {
            feature_id: r.id,
            name: r.name,
            category: r.category,
            change_type: "modified".into(),
            patch_updated: r.patch_updated,
            previous_patch: None,
            changes: Vec::new(),
        })
        .collect();
    Ok((
        UpdatesResponse {
            since_patch: since.map(str::to_owned),
            current_patch: current,
            updates,
            total_changes: stamp.features + stamp.sets,
        },
        etag,
    ))
}
