//! Feature queries beyond the generated repository: combined search and the updates feed.

use rbs::Value;
use sha2::{Digest, Sha256};

use super::{
    dto::{SearchResult, UpdateItem, UpdatesResponse},
    models::{Feature, FeatureView, GearSet},
};
use crate::{
    db::Db,
    error::{ApiError, AppError},
    model::{Filter, ListQuery, crud, policy::Scope},
};

/// Features, then sets, whose name, effect or tags contain `q`.
///
/// # Errors
/// Database errors.
pub async fn search(db: &Db, q: &str, limit: u32) -> Result<SearchResult, ApiError> {
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

/// Known updates, oldest first: the configured ones, then any others found in the data in
/// natural order (`U9` before `U10`).
///
/// # Errors
/// Database errors.
pub async fn known_patches(db: &Db, configured: &[String]) -> Result<Vec<String>, AppError> {
    let rows: Vec<serde_json::Value> = db
        .fetch_all(
            "SELECT DISTINCT patch_updated AS p FROM features WHERE patch_updated IS NOT NULL \
             UNION SELECT DISTINCT patch_updated AS p FROM gear_sets WHERE patch_updated IS NOT NULL",
            vec![],
        )
        .await?;
    let mut extra: Vec<String> = rows
        .iter()
        .filter_map(|r| r["p"].as_str().map(str::to_owned))
        .filter(|p| !configured.contains(p))
        .collect();
    let natural = |p: &String| {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        (digits.parse::<u64>().unwrap_or(u64::MAX), p.clone())
    };
    extra.sort_by_key(natural);
    extra.dedup();
    Ok(configured.iter().cloned().chain(extra).collect())
}

fn in_list(col: &str, n: usize) -> String {
    if n == 0 {
        "1 = 0".into()
    } else {
        format!("{col} IN ({})", vec!["?"; n].join(", "))
    }
}

/// One page of the updates after `since` (all rows without it) and its ETag.
///
/// # Errors
/// 400 for an unknown `since`, naming the known updates; database errors.
pub async fn updates(
    db: &Db,
    configured: &[String],
    since: Option<&str>,
    limit: u32,
    offset: u64,
) -> Result<(UpdatesResponse, String), ApiError> {
    let known = known_patches(db, configured).await?;
    let data_patches: Vec<serde_json::Value> = db
        .fetch_all("SELECT patch_updated AS p FROM features UNION SELECT patch_updated AS p FROM gear_sets", vec![])
        .await
        .map_err(AppError::from)?;
    let present: Vec<&str> = data_patches
        .iter()
        .filter_map(|r| r["p"].as_str())
        .collect();
    let current = known
        .iter()
        .rev()
        .find(|p| present.contains(&p.as_str()))
        .cloned();
    let later: Option<Vec<String>> = match since {
        None => None,
        Some(s) => match known.iter().position(|p| p.eq_ignore_ascii_case(s)) {
            Some(i) => Some(known[i + 1..].to_vec()),
            None => {
                return Err(ApiError::new(
                    poem::http::StatusCode::BAD_REQUEST,
                    format!("Unknown patch {s:?}; known patches: {}", known.join(", ")),
                ));
            }
        },
    };
    let (cond, cond_args): (String, Vec<Value>) = match &later {
        None => ("1 = 1".into(), vec![]),
        Some(list) => (
            in_list("patch_updated", list.len()),
            list.iter().map(|p| Value::String(p.clone())).collect(),
        ),
    };
    // Fingerprint of everything the answer depends on: cheap aggregates, no rows loaded.
    let stamp_sql = format!(
        "SELECT (SELECT count(*) FROM features WHERE {cond}) AS nf, (SELECT count(*) FROM gear_sets WHERE {cond}) AS ns, \
         (SELECT max(updated_at) FROM features) AS mf, (SELECT max(updated_at) FROM gear_sets) AS ms, \
         (SELECT count(*) FROM features) AS tf, (SELECT count(*) FROM gear_sets) AS ts"
    );
    let mut stamp_args = cond_args.clone();
    stamp_args.extend(cond_args.clone());
    let stamp: Vec<serde_json::Value> = db
        .fetch_all(&stamp_sql, stamp_args)
        .await
        .map_err(AppError::from)?;
    let stamp = stamp.into_iter().next().unwrap_or_default();
    let total = stamp["nf"].as_u64().unwrap_or(0) + stamp["ns"].as_u64().unwrap_or(0);
    let etag = format!(
        "\"{:x}\"",
        Sha256::digest(
            format!("{stamp}|{since:?}|{limit}|{offset}|{}", known.join(",")).as_bytes()
        )
    );
    // Order by the patch's place in `known`, then id; paginate in SQL.
    let order_case = if known.is_empty() {
        "0".to_owned()
    } else {
        let whens: Vec<String> = (0..known.len())
            .map(|i| format!("WHEN ? THEN {i}"))
            .collect();
        format!(
            "CASE patch_updated {} ELSE {} END",
            whens.join(" "),
            known.len()
        )
    };
    let sql = format!(
        "SELECT id, name, category, patch_updated FROM (\
           SELECT feature_id AS id, name, category, patch_updated FROM features WHERE {cond} \
           UNION ALL SELECT set_id AS id, name, 'Set' AS category, patch_updated FROM gear_sets WHERE {cond}\
         ) AS u ORDER BY {order_case}, id LIMIT ? OFFSET ?"
    );
    let mut args = cond_args.clone();
    args.extend(cond_args);
    args.extend(known.iter().map(|p| Value::String(p.clone())));
    args.push(Value::I64(i64::from(limit)));
    args.push(Value::I64(i64::try_from(offset).unwrap_or(i64::MAX)));
    let rows: Vec<serde_json::Value> = db.fetch_all(&sql, args).await.map_err(AppError::from)?;
    let updates = rows
        .into_iter()
        .map(|r| UpdateItem {
            feature_id: json_text(&r["id"]),
            name: json_text(&r["name"]),
            category: json_text(&r["category"]),
            change_type: "modified".into(),
            patch_updated: r["patch_updated"].as_str().map(str::to_owned),
            previous_patch: None,
            changes: Vec::new(),
        })
        .collect();
    Ok((
        UpdatesResponse {
            since_patch: since.map(str::to_owned),
            current_patch: current,
            updates,
            total_changes: total,
        },
        etag,
    ))
}

/// Text of a JSON value (SQLite may hand back JSON-looking text parsed).
fn json_text(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}
