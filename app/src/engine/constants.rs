//! Every tunable number of the engine, in one place (RECOMMENDATIONS.md §1–§2). Changing one
//! changes results, never the shape of anything.

/// `damage_dealt = dps / (dps + DPS_HALF_POINT)`: the DPS that scores 0.5.
pub const DPS_HALF_POINT: f64 = 50_000.0;
/// `healing_done = hps / (hps + HPS_HALF_POINT)`: the HPS that scores 0.5.
pub const HPS_HALF_POINT: f64 = 20_000.0;
/// Mechanics: penalty per death.
pub const DEATH_PENALTY: f64 = 0.05;
/// Mechanics: interrupts plus synergies used that earn the full bonus.
pub const ACTIONS_FOR_FULL_BONUS: f64 = 10.0;
/// Mechanics: share of the score that does not depend on interrupts and synergies.
pub const MECHANICS_BASE_SHARE: f64 = 0.8;
/// Resources: output per resource point that scores 0.5.
pub const EFFICIENCY_HALF_POINT: f64 = 10.0;
/// Resources: the score when nothing was spent.
pub const EFFICIENCY_WHEN_NOTHING_SPENT: f64 = 0.5;

/// Role inference: a healer scores at least this on `healing_done` (and heals more than it damages).
pub const HEALER_MIN_HEALING_SCORE: f64 = 0.5;
/// Role inference: a tank scores at least this on `damage_taken` …
pub const TANK_MIN_DAMAGE_TAKEN_SCORE: f64 = 0.6;
/// … and deals less DPS than this.
pub const TANK_MAX_DPS: f64 = 40_000.0;

/// Combined-score weights per role, in the order of [`super::Category::ALL`]
/// (damage dealt, damage taken, healing, buff, debuff, mechanics, resources); each row sums to 1.
pub const ROLE_WEIGHTS: [[f64; 7]; 3] = [
    // DPS
    [0.50, 0.05, 0.00, 0.15, 0.10, 0.10, 0.10],
    // healer
    [0.10, 0.05, 0.45, 0.20, 0.05, 0.10, 0.05],
    // tank
    [0.10, 0.30, 0.05, 0.15, 0.20, 0.15, 0.05],
];
