//! Every persisted model, in dependency order (a table after the tables it references).
//! `ebo migrate new` generates DDL for the ones whose table no migration creates yet.
//! Adding a model: list its `META` here and its `<Model>Api` in `routes::api_service`.

use crate::model::{Model, ModelMeta};

/// Metadata of every `#[derive(Model)]` type.
pub fn models() -> Vec<&'static ModelMeta> {
    vec![
        crate::auth::models::User::META,
        crate::builds::SavedBuild::META,
        crate::auth::models::RefreshToken::META,
        crate::auth::models::RevokedToken::META,
        crate::auth::models::AccountToken::META,
        crate::mail::OutboxMail::META,
        crate::auth::models::AuditEntry::META,
        crate::features::models::Feature::META,
        crate::features::models::GearSet::META,
        crate::runs::CombatRun::META,
        crate::sync::SyncItem::META,
        crate::recommendations::Recommendation::META,
    ]
}
