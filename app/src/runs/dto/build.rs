//! The build a run was fought with (`BuildSnapshot`) and its spec example.

use std::collections::BTreeMap;

use poem_openapi::{Object, types::Example};
use serde::{Deserialize, Serialize};

use crate::eso::{ChampionPoints, EsoClass, Race};

/// The build used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[oai(example)]
pub struct BuildSnapshot {
    /// The player's class.
    #[oai(rename = "class")]
    #[serde(rename = "class")]
    pub player_class: EsoClass,
    /// Subclass, if any.
    pub subclass: Option<EsoClass>,
    /// Race.
    pub race: Race,
    /// Champion points, 0–3600.
    #[oai(validator(minimum(value = "0"), maximum(value = "3600")))]
    pub cp_level: i32,
    /// Gear set names, at most 10.
    #[oai(validator(max_items = 10))]
    pub sets: Vec<String>,
    /// Pieces worn per set name, when known (the game addon records them).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_pieces: Option<BTreeMap<String, u32>>,
    /// Front-bar skills, at most 6, in action-bar order (slots 3–8, the ultimate last).
    #[oai(validator(max_items = 6))]
    pub skills_front: Vec<String>,
    /// Back-bar skills, at most 6, in action-bar order (slots 3–8, the ultimate last).
    #[oai(validator(max_items = 6))]
    pub skills_back: Vec<String>,
    /// Champion points slotted.
    pub champion_points: Option<ChampionPoints>,
}

impl Example for BuildSnapshot {
    fn example() -> Self {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        let points = |list: &[&str]| list.iter().map(|s| ((*s).to_owned(), 50)).collect();
        Self {
            player_class: EsoClass::Arcanist,
            subclass: None,
            race: Race::Dunmer,
            cp_level: 2100,
            sets: names(&[
                "Ansuul's Torment",
                "Sul-Xan's Torment",
                "Slimecraw",
                "Velothi Ur-Mage's Amulet",
            ]),
            set_pieces: Some(
                [
                    ("Ansuul's Torment", 5),
                    ("Sul-Xan's Torment", 5),
                    ("Slimecraw", 2),
                    ("Velothi Ur-Mage's Amulet", 1),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            ),
            skills_front: names(&[
                "Cephaliarch's Flail",
                "Pragmatic Fatecarver",
                "Inspired Scholarship",
                "Camouflaged Hunter",
                "Resolving Vigor",
                "Tide King's Gaze",
            ]),
            skills_back: names(&[
                "Elemental Blockade",
                "Escalating Runeblades",
                "Rune of Eldritch Horror",
                "Inner Light",
                "Force Pulse",
            ]),
            champion_points: Some(ChampionPoints {
                warfare: points(&[
                    "Deadly Aim",
                    "Master-at-Arms",
                    "Wrathful Strikes",
                    "Fighting Finesse",
                ]),
                fitness: points(&[
                    "Boundless Vitality",
                    "Rejuvenation",
                    "Fortified",
                    "Celerity",
                ]),
                craft: points(&[
                    "Steed's Blessing",
                    "Liquid Efficiency",
                    "Gilded Fingers",
                    "Rationer",
                ]),
            }),
        }
    }
}
