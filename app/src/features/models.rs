//! `Feature` (skills, passives, morphs, scribing scripts, champion points, companion skills)
//! and `GearSet`, with the upstream columns plus `attributes`: every key of the source entry
//! that has no column, and the original spelling of every value the importer normalised, so
//! nothing of the source is lost.
//!
//! Text columns a row cannot go without state it in their pattern: ids are 1–120 of
//! `[A-Za-z0-9_-]`, and names, categories and set types hold a character other than whitespace
//! (the importer trims ASCII whitespace from both ends, as the patterns allow). Columns that
//! join known values (`weight`, `resource_type`) state those values in their pattern, in any
//! letter case, separated by `|`, `/` or `,`, as the importer reads them.

use chrono::{DateTime, Utc};
use ebo_macros::Model;

pub use crate::model::JsonObject;

/// One game feature (API contract: `Feature`).
#[derive(Debug, Clone, PartialEq, Model)]
#[model(
    table = "features",
    display = "Feature",
    example = "feature_example",
    read = "authenticated",
    write = "admin",
    create = "admin",
    sort = "name, feature_id",
    default_sort = "feature_id",
    api(
        path = "/features",
        tag = "crate::http::ApiTags::Features",
        ops(list, get, create, replace, delete),
        page(default = 100, max = 500),
        search = "name, base_effect, tags",
        cache = "super::cache::features_by_id",
        list_cache = "super::cache::feature_pages",
        serde
    ),
    hooks(
        before_create = "super::hooks::normalize_feature",
        before_update = "super::hooks::normalize_feature",
        after_commit = "super::hooks::feature_committed"
    )
)]
pub struct Feature {
    /// Stable id, e.g. `PLAYER_CLASS_ARC_HERALD_ULT_001`.
    #[model(
        id,
        provided,
        validate(
            length(min = 1, max = 120),
            pattern = r"^[\t\n\f\r ]*[A-Za-z0-9_-]+[\t\n\f\r ]*$"
        )
    )]
    pub feature_id: String,
    /// `PLAYER` or `COMPANION`.
    #[model(filter = "eq")]
    pub system: String,
    /// `Class`, `Weapon`, `Armor`, `Guild`, `World`, `AllianceWar`, `Racial`, `Crafting`, `Scribing`, `ChampionPoints`.
    #[model(
        filter = "eq",
        validate(pattern = r"^[\t\n\f\r ]*[^\t\n\f\r \u0000][^\u0000]*$")
    )]
    pub category: String,
    /// Skill line or constellation, e.g. `Herald of the Tome`.
    pub subcategory: Option<String>,
    /// `ACTIVE`, `PASSIVE`, `ULTIMATE`, `MORPH_A`, `MORPH_B`, `AFFIX`, `SLOTTABLE`, `SIGNATURE`, `FOCUS`, `GRIMOIRE`, `SYNERGY`, `SKILL_LINE`, `WORLD_OBJECT`, or none.
    #[model(filter = "eq")]
    pub feature_type: Option<String>,
    /// In-game name.
    #[model(validate(
        length(min = 1, max = 200),
        pattern = r"^[\t\n\f\r ]*[^\t\n\f\r \u0000][^\u0000]*$"
    ))]
    pub name: String,
    /// The base skill a morph belongs to.
    pub parent_feature: Option<String>,
    /// A class, companion or race; none for universal features.
    #[model(filter = "eq")]
    pub class_restriction: Option<String>,
    /// How it is unlocked.
    pub unlock_method: Option<String>,
    /// `Magicka`, `Stamina`, `Health`, `Ultimate`, or several joined by `|` in that order.
    #[model(validate(
        pattern = r"^[\t\n\f\r ]*(?:(?:[Mm][Aa][Gg][Ii][Cc][Kk][Aa]|[Ss][Tt][Aa][Mm][Ii][Nn][Aa]|[Hh][Ee][Aa][Ll][Tt][Hh]|[Uu][Ll][Tt][Ii][Mm][Aa][Tt][Ee]|[Nn][Oo][Nn][Ee]))?[\t\n\f\r ]*(?:[|/,][\t\n\f\r ]*(?:(?:[Mm][Aa][Gg][Ii][Cc][Kk][Aa]|[Ss][Tt][Aa][Mm][Ii][Nn][Aa]|[Hh][Ee][Aa][Ll][Tt][Hh]|[Uu][Ll][Tt][Ii][Mm][Aa][Tt][Ee]|[Nn][Oo][Nn][Ee]))?[\t\n\f\r ]*)*$"
    ))]
    pub resource_type: Option<String>,
    /// Cost: a number, a text such as `"2970 Magicka"`, or per-rank values.
    #[model(json)]
    pub resource_cost: Option<serde_json::Value>,
    /// `Instant`, `Channeled`, seconds, …
    pub cast_time: Option<String>,
    /// `Self`, `Enemy`, `Area`, `Cone`, …
    pub target_type: Option<String>,
    /// Range, metres.
    #[model(validate(range(min = 0)))]
    pub range_m: Option<f64>,
    /// Radius, metres.
    #[model(validate(range(min = 0)))]
    pub radius_m: Option<f64>,
    /// Duration, seconds.
    #[model(validate(range(min = 0)))]
    pub duration_sec: Option<f64>,
    /// Cooldown, seconds.
    #[model(validate(range(min = 0)))]
    pub cooldown_sec: Option<f64>,
    /// What it does.
    pub base_effect: Option<String>,
    /// The stat it scales with.
    pub scaling_stat: Option<String>,
    /// Ranks (passives, champion stars).
    #[model(validate(range(min = 0)))]
    pub max_ranks: Option<i32>,
    /// Values per rank (text or per-rank object).
    #[model(json)]
    pub rank_progression: Option<serde_json::Value>,
    /// Buffs or debuffs it grants (Major Brutality, Minor Breach, …).
    pub buff_debuff_granted: Option<String>,
    /// The synergy it offers allies.
    pub synergy: Option<String>,
    /// Tags joined by `|` (the source has both `a|b` strings and lists).
    pub tags: Option<String>,
    /// DLC or chapter needed.
    pub dlc_required: Option<String>,
    /// Game update of the last change, e.g. `U48`.
    #[model(filter = "eq")]
    pub patch_updated: Option<String>,
    /// Where the facts come from.
    pub source_url: Option<String>,
    /// Every other key of the source entry, plus `source_values`: original spellings the importer normalised.
    #[model(json)]
    pub attributes: JsonObject,
    /// When this row last changed (UTC).
    #[model(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// One gear set (API contract: `GearSet`).
#[derive(Debug, Clone, PartialEq, Model)]
#[model(
    table = "gear_sets",
    display = "Gear set",
    example = "set_example",
    read = "authenticated",
    write = "admin",
    create = "admin",
    sort = "name, set_id",
    default_sort = "set_id",
    api(
        path = "/features/sets",
        tag = "crate::http::ApiTags::Features",
        ops(list, get, create, replace, delete),
        page(default = 100, max = 500),
        search = "name, location, tags",
        cache = "super::cache::sets_by_id",
        list_cache = "super::cache::set_pages",
        serde
    ),
    hooks(
        before_create = "super::hooks::normalize_set",
        before_update = "super::hooks::normalize_set",
        after_commit = "super::hooks::set_committed"
    )
)]
pub struct GearSet {
    /// Stable id, e.g. `SET_TRIAL_RELEQUEN`.
    #[model(
        id,
        provided,
        validate(
            length(min = 1, max = 120),
            pattern = r"^[\t\n\f\r ]*[A-Za-z0-9_-]+[\t\n\f\r ]*$"
        )
    )]
    pub set_id: String,
    /// In-game name.
    #[model(validate(pattern = r"^[\t\n\f\r ]*[^\t\n\f\r \u0000][^\u0000]*$"))]
    pub name: String,
    /// `Trial`, `Dungeon`, `Monster`, `Overland`, `Arena`, `Craftable`, `Mythic`, …
    #[model(
        filter = "eq",
        validate(pattern = r"^[\t\n\f\r ]*[^\t\n\f\r \u0000][^\u0000]*$")
    )]
    pub set_type: String,
    /// Armour weights and slots joined by `|` in the order Light, Medium, Heavy, Jewelry, Weapon.
    #[model(
        filter = "contains",
        validate(
            pattern = r"^[\t\n\f\r ]*(?:(?:[Ll][Ii][Gg][Hh][Tt]|[Mm][Ee][Dd][Ii][Uu][Mm]|[Hh][Ee][Aa][Vv][Yy]|[Jj][Ee][Ww][Ee][Ll][Rr][Yy]|[Ww][Ee][Aa][Pp][Oo][Nn]|[Nn][Oo][Nn][Ee]))?[\t\n\f\r ]*(?:[|/,][\t\n\f\r ]*(?:(?:[Ll][Ii][Gg][Hh][Tt]|[Mm][Ee][Dd][Ii][Uu][Mm]|[Hh][Ee][Aa][Vv][Yy]|[Jj][Ee][Ww][Ee][Ll][Rr][Yy]|[Ww][Ee][Aa][Pp][Oo][Nn]|[Nn][Oo][Nn][Ee]))?[\t\n\f\r ]*)*$"
        )
    )]
    pub weight: Option<String>,
    /// `Bind on Pickup`, `Bind on Equip`, …
    pub bind_type: Option<String>,
    /// Whether it can be traded.
    pub tradeable: Option<bool>,
    /// Where it drops or is crafted.
    pub location: Option<String>,
    /// DLC or chapter needed.
    pub dlc_required: Option<String>,
    /// Set bonuses by number of pieces (`{"2": {...}, "5": {...}}`).
    #[model(json)]
    pub bonuses: JsonObject,
    /// PvE tier (`S`, `A`, …).
    #[model(filter = "eq")]
    pub pve_tier: Option<String>,
    /// Affinity per role metric, 0–1.
    #[model(json)]
    pub role_affinity: Option<serde_json::Value>,
    /// Tags joined by `|`.
    pub tags: Option<String>,
    /// Game update of the last change.
    #[model(filter = "eq")]
    pub patch_updated: Option<String>,
    /// Where the facts come from.
    pub source_url: Option<String>,
    /// Every other key of the source entry, plus `source_values`.
    #[model(json)]
    pub attributes: JsonObject,
    /// When this row last changed (UTC).
    #[model(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// The OpenAPI example of the feature bodies: Fatecarver, as the real feature database has it.
fn feature_example() -> Feature {
    let text = |s: &str| Some(s.to_owned());
    Feature {
        feature_id: "PLAYER_CLASS_ARC_HERALD_ACT_003".into(),
        system: "PLAYER".into(),
        category: "Class".into(),
        subcategory: text("Herald of the Tome"),
        feature_type: text("ACTIVE"),
        name: "Fatecarver".into(),
        parent_feature: None,
        class_restriction: text("Arcanist"),
        unlock_method: text("Herald of the Tome Rank 14"),
        resource_type: text("Magicka"),
        resource_cost: Some(serde_json::json!(2970)),
        cast_time: text("Channeled"),
        target_type: text("Cone"),
        range_m: Some(20.0),
        radius_m: None,
        duration_sec: Some(4.0),
        cooldown_sec: None,
        base_effect: text(
            "Channel a beam of Abyssal energy, dealing Magic Damage over 4 seconds to enemies in \
             front of you. Consumes Crux to increase the beam's damage by 20% per Crux spent.",
        ),
        scaling_stat: text("Max Magicka"),
        max_ranks: None,
        rank_progression: None,
        buff_debuff_granted: None,
        synergy: None,
        tags: text("channeled|cone|crux-consume|damage|magic"),
        dlc_required: text("Necrom Chapter"),
        patch_updated: text("U48"),
        source_url: text("https://en.uesp.net/wiki/Online:Fatecarver"),
        attributes: JsonObject::new(),
        updated_at: crate::model::example_time(),
    }
}

/// The OpenAPI example of the gear-set bodies: Ansuul's Torment, as the real database has it.
fn set_example() -> GearSet {
    GearSet {
        set_id: "SET_TRIAL_ANSUUL".into(),
        name: "Ansuul's Torment".into(),
        set_type: "Trial".into(),
        weight: Some("Light".into()),
        bind_type: Some("Bind on Pickup".into()),
        tradeable: Some(false),
        location: Some("Sanity's Edge".into()),
        dlc_required: Some("Necrom".into()),
        bonuses: [
            (
                "2",
                serde_json::json!({"stat": "Weapon and Spell Damage", "value": 129}),
            ),
            (
                "3",
                serde_json::json!({"stat": "Spell Critical", "value": 657}),
            ),
            (
                "4",
                serde_json::json!({"stat": "Spell Critical", "value": 657}),
            ),
            (
                "5",
                serde_json::json!({
                    "effect": "Dealing damage with a Light or Heavy Attack marks the enemy with \
                               Nightmare for 10 seconds. Enemies with Nightmare take Magic Damage \
                               when you deal direct damage to them. 0.5 second cooldown.",
                    "cooldown_sec": 0.5
                }),
            ),
        ]
        .into_iter()
        .map(|(pieces, bonus)| (pieces.to_owned(), bonus))
        .collect(),
        pve_tier: Some("S".into()),
        role_affinity: Some(serde_json::json!({"damage_dealt": 0.95, "healing_done": 0.0})),
        tags: Some("damage|aoe|proc|magicka-dps|trial-meta|direct-damage".into()),
        patch_updated: Some("U48".into()),
        source_url: Some("https://eso-hub.com/en/sets/ansuuls-torment".into()),
        attributes: JsonObject::new(),
        updated_at: crate::model::example_time(),
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::Example;

    use super::{Feature, FeaturePage, FeatureView, GearSetPage, GearSetView};
    use crate::http::json::assert_serde_is_to_json;

    #[test]
    fn generated_views_written_by_serde_equal_their_to_json() {
        assert_serde_is_to_json(&FeatureView::example());
        assert_serde_is_to_json(&GearSetView::example());
        assert_serde_is_to_json(&FeaturePage::example());
        assert_serde_is_to_json(&GearSetPage::example());
        // Options empty, nested JSON, a float that is not a number, text that needs escaping,
        // a timestamp with sub-second digits.
        let mut odd = FeatureView::from(Feature {
            subcategory: None,
            feature_type: None,
            parent_feature: None,
            resource_cost: Some(serde_json::json!({"magicka": 2_700, "per_crux": [0.5, "Ré"]})),
            range_m: Some(f64::NAN),
            radius_m: None,
            max_ranks: None,
            rank_progression: None,
            ..super::feature_example()
        });
        odd.name = "Ré \"quoted\" \u{1} </script>".into();
        odd.updated_at += chrono::TimeDelta::nanoseconds(123_456_789);
        odd.attributes.insert(
            "morphs".into(),
            serde_json::json!([{"name": "Exhausting", "x": 1.25}]),
        );
        assert_serde_is_to_json(&odd);
        let mut set = GearSetView::example();
        set.tradeable = None;
        set.role_affinity = None;
        assert_serde_is_to_json(&set);
    }
}
