//! The built-in sample: a few skills of every class and a handful of gear sets, written by the
//! team from the game (`sample.json`; ids start with `SAMPLE_`). A development database whose
//! feature table is empty gets it at start, so `cargo run -- serve` shows a working feature
//! API at once; the full database comes from `ebo seed features --from DIR`.

use chrono::Utc;

use super::{import::upsert_entry, normalize::normalize};
use crate::{
    config::{Environment, Settings},
    db::Db,
    error::AppError,
    model::column::truncate_to_millis,
};

/// The sample entries (same format as the real database's files).
pub const SAMPLE_JSON: &str = include_str!("sample.json");

/// Loads the sample when `features.load_sample` is on, the environment is development and the
/// feature table is empty; returns how many entries were stored.
///
/// # Errors
/// Database errors, or a sample entry that does not normalise (a bug caught by the tests).
pub async fn load_if_empty(db: &Db, settings: &Settings) -> Result<usize, AppError> {
    if !settings.features.load_sample || settings.environment != Environment::Development {
        return Ok(0);
    }
    if super::store::feature_count(db).await? > 0 {
        return Ok(0);
    }
    let entries: Vec<serde_json::Value> = serde_json::from_str(SAMPLE_JSON)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("sample.json: {e}")))?;
    let now = truncate_to_millis(Utc::now());
    let tx = db.rb.acquire_begin().await?;
    for raw in &entries {
        let entry = normalize(raw, now)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("sample entry: {e}")))?;
        if let Err(e) = upsert_entry(&tx, db.dialect, entry, true).await {
            let _ = tx.rollback().await;
            return Err(e);
        }
    }
    tx.commit().await?;
    tracing::info!(
        entries = entries.len(),
        "built-in feature sample loaded into the empty database"
    );
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_has_skills_of_every_class_and_ten_sets() {
        let entries: Vec<serde_json::Value> =
            serde_json::from_str(super::SAMPLE_JSON).unwrap_or_default();
        let now = chrono::Utc::now();
        let mut classes = std::collections::BTreeSet::new();
        let mut sets = 0;
        for e in &entries {
            match super::normalize(e, now) {
                Ok(super::super::normalize::Entry::Feature(f)) => {
                    classes.insert(f.class_restriction.unwrap_or_default());
                }
                Ok(super::super::normalize::Entry::Set(_)) => sets += 1,
                Err(err) => panic!("{err}: {e}"),
            }
        }
        assert_eq!(classes.len(), 7, "{classes:?}");
        assert!(entries.len() - sets >= 20 && sets >= 10);
    }
}
