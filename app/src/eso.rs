//! ESO vocabulary shared by builds, runs and recommendations.

use std::collections::BTreeMap;

use poem_openapi::{Enum, Object};
use serde::{Deserialize, Serialize};

/// A playable class (ESO base game and chapters up to Gold Road).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
pub enum EsoClass {
    /// Base game.
    Dragonknight,
    /// Base game.
    Nightblade,
    /// Base game.
    Sorcerer,
    /// Base game.
    Templar,
    /// Morrowind (2017).
    Warden,
    /// Elsweyr (2019).
    Necromancer,
    /// Necrom (2023).
    Arcanist,
}

/// A playable race.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
pub enum Race {
    /// High Elf.
    Altmer,
    /// Argonian.
    Argonian,
    /// Wood Elf.
    Bosmer,
    /// Breton.
    Breton,
    /// Dark Elf.
    Dunmer,
    /// Imperial.
    Imperial,
    /// Khajiit.
    Khajiit,
    /// Nord.
    Nord,
    /// Orc.
    Orc,
    /// Redguard.
    Redguard,
}

/// Champion points slotted per constellation: star name → points spent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct ChampionPoints {
    /// Warfare (blue) constellation.
    #[oai(default)]
    #[serde(default)]
    pub warfare: BTreeMap<String, u32>,
    /// Fitness (red) constellation.
    #[oai(default)]
    #[serde(default)]
    pub fitness: BTreeMap<String, u32>,
    /// Craft (green) constellation.
    #[oai(default)]
    #[serde(default)]
    pub craft: BTreeMap<String, u32>,
}
