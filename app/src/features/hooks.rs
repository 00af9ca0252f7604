//! Lifecycle hooks of [`Feature`] and [`GearSet`] writes (declared in `models.rs`): an admin's
//! body goes through the importer's normalisation, so both paths store one form, and every
//! committed write drops the cached reads here and, through Redis, on every instance.

use poem_openapi::types::ToJSON;

use super::{
    models::{Feature, FeatureView, GearSet, GearSetView},
    normalize::{self, Entry},
};
use crate::{
    error::{AppError, FieldError},
    model::{Action, HookResult, WriteContext},
    state::AppState,
};

/// `before_create`, `before_update`: the row as the importer would store it.
///
/// # Errors
/// 422 when the entry is not a valid feature (or is shaped like a gear set).
pub async fn normalize_feature(_ctx: &WriteContext<'_, AppState>, row: &mut Feature) -> HookResult {
    let raw = source_entry(FeatureView::from(row.clone()).to_json())?;
    match normalize::normalize(&raw, row.updated_at) {
        Ok(Entry::Feature(f)) => {
            *row = *f;
            Ok(())
        }
        Ok(Entry::Set(_)) => Err(invalid("body", "looks like a gear set; use /features/sets")),
        Err(reason) => Err(invalid("body", reason.to_string())),
    }
}

/// `before_create`, `before_update`: the row as the importer would store it.
///
/// # Errors
/// 422 when the entry is not a valid gear set.
pub async fn normalize_set(_ctx: &WriteContext<'_, AppState>, row: &mut GearSet) -> HookResult {
    let raw = source_entry(GearSetView::from(row.clone()).to_json())?;
    match normalize::normalize(&raw, row.updated_at) {
        Ok(Entry::Set(s)) => {
            *row = *s;
            Ok(())
        }
        Ok(Entry::Feature(_)) => Err(invalid("bonuses", "is required")),
        Err(reason) => Err(invalid("body", reason.to_string())),
    }
}

/// `after_commit`: drops the cached feature and every cached list.
pub async fn feature_committed(app: &AppState, _action: Action, row: &Feature) {
    app.features.feature_changed(&row.feature_id).await;
}

/// `after_commit`: drops the cached gear set and every cached list.
pub async fn set_committed(app: &AppState, _action: Action, row: &GearSet) {
    app.features.set_changed(&row.set_id).await;
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Validation(vec![FieldError::new(field, reason)])
}

/// The view as a source entry: `attributes` lifted to the top level (so they land back in
/// `attributes`) and `updated_at` dropped.
fn source_entry(view: Option<serde_json::Value>) -> Result<serde_json::Value, AppError> {
    let Some(mut raw) = view else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a feature view did not serialise to JSON"
        )));
    };
    if let Some(obj) = raw.as_object_mut() {
        obj.remove("updated_at");
        if let Some(serde_json::Value::Object(attrs)) = obj.remove("attributes") {
            for (k, v) in attrs {
                obj.entry(k).or_insert(v);
            }
        }
    }
    Ok(raw)
}
