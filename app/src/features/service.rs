//! The feature database's logic beyond generated CRUD: the combined search and the updates
//! feed (its patch order, pages and `ETag`), over the generated runtime and [`super::store`].

use sha2::{Digest, Sha256};

use super::{
    dto::{SearchResult, UpdateItem, UpdatesResponse},
    models::{Feature, FeaturePage, FeatureView, GearSet},
    store::{self, InPatches},
};
use crate::{
    db::Db,
    error::AppError,
    model::{ColumnType, Filter, ListQuery, crud, policy::Scope},
};

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
    let q = ListQuery {
        filters: vec![filter],
        sort: Some("feature_id".into()),
        limit,
        offset,
    };
    let page = crud::list::<Feature>(db, &Scope::All, &q).await?;
    Ok(FeaturePage::from(page))
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
