//! Saved builds: a user's named loadouts, the worked example of `#[derive(Model)]`
//! (`docs/adding-a-model.md` walks through this file).

use chrono::{DateTime, Utc};
use ebo_macros::Model;
use uuid::Uuid;

use crate::eso::{ChampionPoints, EsoClass, Race};

/// A build loadout saved by a user; readable by any signed-in user when public.
#[derive(Debug, Clone, Model)]
#[model(
    table = "saved_builds",
    read = "owner | flag(is_public) | admin",
    write = "owner",
    sort = "updated_at, created_at, name",
    default_sort = "-updated_at",
    api(
        path = "/builds",
        tag = "Builds",
        ops(list, get, create, update, delete),
        serde
    ),
    example = "example"
)]
pub struct SavedBuild {
    /// Build id (UUID v4, set by the server).
    #[model(id)]
    pub build_id: Uuid,
    /// The owning user's id (set from the token).
    #[model(owner)]
    pub owner_id: Uuid,
    /// Name, 1–100 characters.
    #[model(filter = "contains", validate(length(min = 1, max = 100)))]
    pub name: String,
    /// Class.
    #[model(enum, filter = "eq")]
    pub class: EsoClass,
    /// Subclass: the class whose skill lines are borrowed, if any.
    #[model(enum)]
    pub subclass: Option<EsoClass>,
    /// Race.
    #[model(enum)]
    pub race: Race,
    /// Gear set names, at most 10.
    #[model(json, validate(max_items = 10))]
    pub sets: Vec<String>,
    /// Front-bar skills, at most 6 (5 + ultimate).
    #[model(json, validate(max_items = 6))]
    pub skills_front: Vec<String>,
    /// Back-bar skills, at most 6 (5 + ultimate).
    #[model(json, validate(max_items = 6))]
    pub skills_back: Vec<String>,
    /// Champion points per constellation.
    #[model(json)]
    pub champion_points: Option<ChampionPoints>,
    /// Free-form notes, at most 2,000 characters.
    #[model(validate(length(max = 2000)))]
    pub notes: Option<String>,
    /// Whether any signed-in user may read it (default false).
    #[model(filter = "eq", default)]
    pub is_public: bool,
    /// When it was created (UTC).
    #[model(created_at)]
    pub created_at: DateTime<Utc>,
    /// When it last changed (UTC).
    #[model(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// The OpenAPI example of the generated bodies: a trial Arcanist.
fn example() -> SavedBuild {
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
    SavedBuild {
        build_id: Uuid::from_u128(0x6f1c_2a9e_4b7d_4c1a_9e3f_0a8b_5c2d_7e41),
        owner_id: Uuid::from_u128(0x3d5e_8f10_2b4c_4a6d_8e9f_1a2b_3c4d_5e6f),
        name: "Lucent Citadel Arcanist".into(),
        class: EsoClass::Arcanist,
        subclass: None,
        race: Race::Dunmer,
        sets: names(&["Ansuul's Torment", "Velothi Ur-Mage's Amulet", "Slimecraw"]),
        skills_front: names(&[
            "Pragmatic Fatecarver",
            "Cephaliarch's Flail",
            "The Imperfect Ring",
        ]),
        skills_back: names(&[
            "Fulminating Rune",
            "Inspired Scholarship",
            "Tide King's Gaze",
        ]),
        champion_points: None,
        notes: Some("Crux on every Flail before Fatecarver.".into()),
        is_public: true,
        created_at: crate::model::example_time(),
        updated_at: crate::model::example_time(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_guide_shows_the_real_model_and_migrations() {
        let guide = include_str!("../../../docs/adding-a-model.md");
        let source = include_str!("mod.rs");
        let model = source.split("#[cfg(test)]").next().unwrap_or_default();
        let model = &model[model.find("/// A build loadout").unwrap_or(0)..];
        assert!(
            guide.contains(model.trim_end()),
            "docs/adding-a-model.md must quote app/src/builds/mod.rs verbatim"
        );
        // The hooks section quotes a real hook and the attributes that declare it.
        let hooks = include_str!("../auth/hooks.rs");
        let guard = &hooks[hooks.find("pub async fn guard_account_change").unwrap_or(0)..];
        let guard = &guard[..guard.find("\n}\n").map_or(guard.len(), |i| i + 2)];
        assert!(
            guide.contains(guard),
            "docs/adding-a-model.md must quote app/src/auth/hooks.rs's guard verbatim"
        );
        let models = include_str!("../auth/models.rs");
        let attrs = &models[models
            .find("    api(\n        path = \"/admin/users\"")
            .unwrap_or(0)..];
        let attrs = &attrs[..attrs.find("\n)]").unwrap_or(attrs.len())];
        assert!(
            guide.contains(attrs),
            "docs/adding-a-model.md must quote the User model's api and hooks verbatim"
        );
        // The cached `get` it describes is the feature model's own.
        let cached = "cache = \"super::cache::features_by_id\"";
        assert!(
            guide.contains(&format!("`{cached}`"))
                && include_str!("../features/models.rs").contains(cached),
            "docs/adding-a-model.md must name the feature model's real `cache` attribute"
        );
        // The per-caller cached list it quotes is the run list's own.
        let runs = include_str!("../runs/mod.rs");
        let summary = runs.find("caller_cache").unwrap_or(0);
        let run_list = &runs[runs[..summary].rfind("    api(\n").unwrap_or(0)..];
        let run_list = &run_list[..run_list.find("\n    ),").map_or(0, |end| end + 7)];
        assert!(
            run_list.contains("caller_cache") && guide.contains(run_list),
            "docs/adding-a-model.md must quote the run list's api(...) verbatim"
        );
        for sql in [
            include_str!("../../../migrations/postgres/0002_saved_builds.sql"),
            include_str!("../../../migrations/sqlite/0002_saved_builds.sql"),
        ] {
            assert!(
                guide.contains(sql.trim_end()),
                "the guide shows the generated migration"
            );
        }
    }
}
