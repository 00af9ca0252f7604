//! ESO vocabulary shared by builds, runs and recommendations.

use std::{borrow::Cow, collections::BTreeMap};

use poem_openapi::{
    Enum, Object,
    registry::{MetaSchema, MetaSchemaRef, Registry},
    types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type},
};
use serde::{Deserialize, Serialize};

/// A playable class (ESO base game and chapters up to Gold Road). The game client and the
/// lore use the same class names. `Unknown` is what the game addon records when it could not
/// read the class; it is stored as such, never guessed.
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
    /// Not known: the game addon could not read it.
    Unknown,
}

/// A playable race, stored and answered by its lore name (`Dunmer`). Accepted on input in the
/// lore names and in the game client's display names (`Dark Elf`, `High Elf`, `Wood Elf`; the
/// other seven are the same in both), everywhere a race is read: runs, sync, saved builds.
/// `Unknown` is what the game addon records when it could not read the race.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Race {
    /// High Elf.
    #[serde(alias = "High Elf")]
    Altmer,
    /// Argonian.
    Argonian,
    /// Wood Elf.
    #[serde(alias = "Wood Elf")]
    Bosmer,
    /// Breton.
    Breton,
    /// Dark Elf.
    #[serde(alias = "Dark Elf")]
    Dunmer,
    /// Imperial.
    Imperial,
    /// Khajiit.
    Khajiit,
    /// Nord.
    Nord,
    /// Orc (the game client also says `Orc`; the lore's Orsimer is accepted too).
    #[serde(alias = "Orsimer")]
    Orc,
    /// Redguard.
    Redguard,
    /// Not known: the game addon could not read it.
    Unknown,
}

impl Race {
    /// Every accepted spelling and the race it names: the canonical (lore) names first, in
    /// the order of the enum, then the game client's display names and other aliases. Source:
    /// the game client's race list (`../shared/data/addon/README.md`) and the lore names of
    /// the Elder Scrolls.
    pub const SPELLINGS: &'static [(&'static str, Race)] = &[
        ("Altmer", Race::Altmer),
        ("Argonian", Race::Argonian),
        ("Bosmer", Race::Bosmer),
        ("Breton", Race::Breton),
        ("Dunmer", Race::Dunmer),
        ("Imperial", Race::Imperial),
        ("Khajiit", Race::Khajiit),
        ("Nord", Race::Nord),
        ("Orc", Race::Orc),
        ("Redguard", Race::Redguard),
        ("Unknown", Race::Unknown),
        ("High Elf", Race::Altmer),
        ("Wood Elf", Race::Bosmer),
        ("Dark Elf", Race::Dunmer),
        ("Orsimer", Race::Orc),
    ];

    /// The race a spelling names (exactly as listed in [`Race::SPELLINGS`]), if any.
    pub fn from_spelling(s: &str) -> Option<Self> {
        Self::SPELLINGS
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, race)| *race)
    }

    /// The canonical (lore) name, as stored and answered.
    pub fn canonical(self) -> &'static str {
        Self::SPELLINGS
            .iter()
            .find(|(_, race)| *race == self)
            .map_or("Unknown", |(name, _)| name)
    }
}

impl Type for Race {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "Race".into()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Reference(Self::name().into_owned())
    }

    fn register(registry: &mut Registry) {
        registry.create_schema::<Self, _>(Self::name().into_owned(), |_| MetaSchema {
            description: Some(
                "A playable race. Accepted in the lore names and in the game client's display \
                 names (`Dark Elf` = `Dunmer`, `High Elf` = `Altmer`, `Wood Elf` = `Bosmer`, \
                 `Orsimer` = `Orc`); always answered in the lore name. `Unknown`: the game \
                 addon could not read it.",
            ),
            enum_items: Self::SPELLINGS
                .iter()
                .map(|(name, _)| serde_json::Value::String((*name).to_owned()))
                .collect(),
            ..MetaSchema::new("string")
        });
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for Race {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        let value = value.unwrap_or_default();
        match value.as_str().and_then(Self::from_spelling) {
            Some(race) => Ok(race),
            None => Err(ParseError::expected_type(value)),
        }
    }
}

impl ParseFromParameter for Race {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Self::from_spelling(value)
            .ok_or_else(|| ParseError::custom("Expect a valid enumeration value."))
    }
}

impl ToJSON for Race {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String(self.canonical().to_owned()))
    }
}

/// Champion points slotted per constellation: star name → points spent. Runs recorded by the
/// game addon list the slotted stars without their points: each shows 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct ChampionPoints {
    /// Warfare (blue) constellation; absent or `null`: no stars.
    #[oai(default)]
    #[serde(default)]
    pub warfare: BTreeMap<String, u32>,
    /// Fitness (red) constellation; absent or `null`: no stars.
    #[oai(default)]
    #[serde(default)]
    pub fitness: BTreeMap<String, u32>,
    /// Craft (green) constellation; absent or `null`: no stars.
    #[oai(default)]
    #[serde(default)]
    pub craft: BTreeMap<String, u32>,
}
