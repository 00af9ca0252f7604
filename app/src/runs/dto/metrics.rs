//! What happened in a fight (`CombatMetrics`, `Uptime`), the bounds on its totals and rates,
//! and its spec example.

use poem_openapi::{Object, types::Example};
use serde::{Deserialize, Serialize};

/// Uptime of one buff, debuff or damage over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Uptime {
    /// e.g. `Major Brutality`.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Share of the fight, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub uptime: f64,
}

/// Largest per-second rate accepted (`dps`, `hps`): 10 million. Real fights stay below a few
/// hundred thousand; the bound keeps sums over a player's runs finite (PostgreSQL `22003`).
/// The schema's `maximum` on those fields says the same.
pub const MAX_RATE: f64 = 10_000_000.0;

/// Largest total accepted (damage, healing, counts): 10^12, so sums over many runs stay
/// within a 64-bit integer (SQLite's `sum()` fails on overflow). The schema says the same.
pub const MAX_TOTAL: i64 = 1_000_000_000_000;

/// What happened in the fight; every count ≥ 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[oai(example)]
pub struct CombatMetrics {
    /// Total damage done.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub damage_done: i64,
    /// Total healing done.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub healing_done: i64,
    /// Overhealing.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub overhealing: i64,
    /// Damage taken.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub damage_taken: i64,
    /// Damage blocked.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub damage_blocked: i64,
    /// Damage mitigated.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub damage_mitigated: i64,
    /// Interrupts.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub interrupts: i64,
    /// Synergies used.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub synergies_used: i64,
    /// Synergies provided.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub synergies_provided: i64,
    /// Deaths.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub deaths: i64,
    /// Magicka spent.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub magicka_spent: i64,
    /// Stamina spent.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub stamina_spent: i64,
    /// Ultimate spent.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub ultimate_spent: i64,
    /// Potions used.
    #[oai(
        validator(minimum(value = "0"), maximum(value = "1000000000000")),
        default
    )]
    #[serde(default)]
    pub potion_uses: i64,
    /// Damage per second, at most 10 million ([`MAX_RATE`]).
    #[oai(validator(minimum(value = "0"), maximum(value = "10000000")))]
    pub dps: f64,
    /// Healing per second, at most 10 million ([`MAX_RATE`]).
    #[oai(validator(minimum(value = "0"), maximum(value = "10000000")), default)]
    #[serde(default)]
    pub hps: f64,
    /// Critical-hit rate, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")), default)]
    #[serde(default)]
    pub crit_rate: f64,
    /// Seconds spent dead.
    #[oai(validator(minimum(value = "0"), maximum(value = "10000000")), default)]
    #[serde(default)]
    pub time_dead: f64,
    /// Damage-over-time uptimes.
    #[oai(default)]
    #[serde(default)]
    pub dot_uptime: Vec<Uptime>,
    /// Buff uptimes.
    #[oai(default)]
    #[serde(default)]
    pub buff_uptime: Vec<Uptime>,
    /// Debuff uptimes.
    #[oai(default)]
    #[serde(default)]
    pub debuff_uptime: Vec<Uptime>,
}

impl Example for CombatMetrics {
    fn example() -> Self {
        let uptimes = |list: &[(&str, f64)]| {
            list.iter()
                .map(|(name, uptime)| Uptime {
                    name: (*name).to_owned(),
                    uptime: *uptime,
                })
                .collect()
        };
        Self {
            damage_done: 206_410_970,
            healing_done: 4_215_380,
            overhealing: 1_982_200,
            damage_taken: 3_871_420,
            damage_blocked: 412_300,
            damage_mitigated: 1_205_600,
            interrupts: 3,
            synergies_used: 14,
            synergies_provided: 2,
            deaths: 0,
            magicka_spent: 2_460_000,
            stamina_spent: 310_500,
            ultimate_spent: 1_250,
            potion_uses: 38,
            dps: 118_450.0,
            hps: 2_419.0,
            crit_rate: 0.62,
            time_dead: 0.0,
            dot_uptime: uptimes(&[("Elemental Blockade", 0.94)]),
            buff_uptime: uptimes(&[
                ("Major Brutality", 0.97),
                ("Major Sorcery", 0.97),
                ("Major Prophecy", 0.99),
                ("Minor Berserk", 0.71),
            ]),
            debuff_uptime: uptimes(&[("Major Breach", 0.93), ("Minor Breach", 0.9)]),
        }
    }
}
