//! The feature database as the recommendation engine reads it: every gear set and skill by id
//! and by exact name (case-insensitive), loaded in two statements and kept in the feature
//! cache (`FeatureCache::catalog`, same TTL, dropped by every admin write to features or sets).

use std::collections::HashMap;

use crate::{
    db::Db,
    engine::{Category, FeatureLookup, SetInfo, SkillInfo},
    error::AppError,
    features,
};

/// Gear sets and skills by lower-cased id and name.
#[derive(Debug, Default)]
pub struct Catalog {
    sets: HashMap<String, SetInfo>,
    skills: HashMap<String, SkillInfo>,
}

/// `a|b|c` → `[a, b, c]` (the feature database's list spelling), blanks dropped.
fn pipe_list(s: Option<&str>) -> Vec<String> {
    s.unwrap_or_default()
        .split('|')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `{"damage_dealt": 0.95, …}` (a JSON object, or its text as SQLite returns it) → pairs of
/// known categories; anything else is ignored.
fn affinity(v: Option<&serde_json::Value>) -> Vec<(Category, f64)> {
    let parsed;
    let v = match v {
        Some(serde_json::Value::String(text)) => {
            parsed = serde_json::from_str::<serde_json::Value>(text).ok();
            parsed.as_ref()
        }
        other => other,
    };
    let Some(serde_json::Value::Object(m)) = v else {
        return Vec::new();
    };
    Category::ALL
        .iter()
        .filter_map(|c| {
            let key = serde_json::to_value(c).ok()?;
            let score = m.get(key.as_str()?)?.as_f64()?;
            Some((*c, score))
        })
        .collect()
}

impl Catalog {
    /// Reads every gear set and feature (two statements). Ids and names share one key space
    /// per kind; when two entries share a name, the one with the smaller id wins.
    ///
    /// # Errors
    /// Database errors.
    pub async fn load(db: &Db) -> Result<Self, AppError> {
        let sets = features::store::catalog_sets(db).await?;
        let skills = features::store::catalog_skills(db).await?;
        let mut out = Self::default();
        for s in sets {
            let info = SetInfo {
                name: s.name.clone(),
                set_type: s.set_type,
                pve_tier: s.pve_tier,
                location: s.location,
                role_affinity: affinity(s.role_affinity.as_ref()),
            };
            out.sets
                .entry(s.name.to_lowercase())
                .or_insert_with(|| info.clone());
            out.sets.entry(s.set_id.to_lowercase()).or_insert(info);
        }
        for f in skills {
            let info = SkillInfo {
                name: f.name.clone(),
                buffs_granted: pipe_list(f.buff_debuff_granted.as_deref()),
                tags: pipe_list(f.tags.as_deref()),
            };
            out.skills
                .entry(f.name.to_lowercase())
                .or_insert_with(|| info.clone());
            out.skills
                .entry(f.feature_id.to_lowercase())
                .or_insert(info);
        }
        Ok(out)
    }

    /// Gear sets and features held (ids and names counted once per entry).
    pub fn len(&self) -> (usize, usize) {
        (self.sets.len(), self.skills.len())
    }

    /// Whether nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty() && self.skills.is_empty()
    }
}

impl FeatureLookup for Catalog {
    fn gear_set(&self, id_or_name: &str) -> Option<SetInfo> {
        self.sets.get(&id_or_name.trim().to_lowercase()).cloned()
    }

    fn skill(&self, id_or_name: &str) -> Option<SkillInfo> {
        self.skills.get(&id_or_name.trim().to_lowercase()).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affinity_keeps_known_categories() {
        let v = serde_json::json!({"damage_dealt": 0.95, "buff_uptime": 0.7, "stealth": 1.0});
        assert_eq!(
            affinity(Some(&v)),
            vec![(Category::DamageDealt, 0.95), (Category::BuffUptime, 0.7)]
        );
        let text = serde_json::Value::String(r#"{"healing_done": 0.8}"#.into());
        assert_eq!(affinity(Some(&text)), vec![(Category::HealingDone, 0.8)]);
        assert!(affinity(Some(&serde_json::json!([1, 2]))).is_empty());
        assert!(affinity(None).is_empty());
    }

    #[test]
    fn pipe_lists_split_and_trim() {
        assert_eq!(
            pipe_list(Some("Major Brutality| Major Sorcery||")),
            vec!["Major Brutality", "Major Sorcery"]
        );
        assert!(pipe_list(None).is_empty());
    }
}
