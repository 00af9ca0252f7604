//! Contribution scores (RECOMMENDATIONS.md §1): seven categories in [0, 1] from a run's own
//! metrics, and the role inferred from them (§2).

use serde::{Deserialize, Serialize};

use super::constants::*;

/// The inputs the scores need, plain numbers (counts ≥ 0, uptimes in 0–1, seconds).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunMetrics {
    /// Damage per second.
    pub dps: f64,
    /// Healing per second.
    pub hps: f64,
    /// Total damage done.
    pub damage_done: f64,
    /// Total healing done.
    pub healing_done: f64,
    /// Damage taken.
    pub damage_taken: f64,
    /// Damage blocked.
    pub damage_blocked: f64,
    /// Damage mitigated.
    pub damage_mitigated: f64,
    /// Uptime of each buff, 0–1.
    pub buff_uptime: Vec<f64>,
    /// Uptime of each debuff, 0–1.
    pub debuff_uptime: Vec<f64>,
    /// Seconds spent dead.
    pub time_dead: f64,
    /// Number of deaths.
    pub deaths: f64,
    /// Interrupts.
    pub interrupts: f64,
    /// Synergies used.
    pub synergies_used: f64,
    /// Magicka spent.
    pub magicka_spent: f64,
    /// Stamina spent.
    pub stamina_spent: f64,
    /// Fight length, seconds.
    pub duration_sec: f64,
}

/// A score category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// `dps / (dps + 50 000)`.
    DamageDealt,
    /// Share of incoming damage blocked or mitigated.
    DamageTaken,
    /// `hps / (hps + 20 000)`.
    HealingDone,
    /// Mean buff uptime.
    BuffUptime,
    /// Mean debuff uptime.
    DebuffUptime,
    /// Staying alive, interrupting, using synergies.
    MechanicExecution,
    /// Output per resource point spent.
    ResourceEfficiency,
}

impl Category {
    /// The category in words, as a recommendation's expected improvement names it
    /// (`damage dealt`, `damage avoided`, `healing done`, …).
    pub fn label(self) -> &'static str {
        match self {
            Self::DamageDealt => "damage dealt",
            Self::DamageTaken => "damage avoided",
            Self::HealingDone => "healing done",
            Self::BuffUptime => "buff uptime",
            Self::DebuffUptime => "debuff uptime",
            Self::MechanicExecution => "mechanic execution",
            Self::ResourceEfficiency => "resource efficiency",
        }
    }

    /// Position in [`Category::ALL`] (and in the rows of the weight tables), 0–6.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Every category, in the order of the weight table.
    pub const ALL: [Self; 7] = [
        Self::DamageDealt,
        Self::DamageTaken,
        Self::HealingDone,
        Self::BuffUptime,
        Self::DebuffUptime,
        Self::MechanicExecution,
        Self::ResourceEfficiency,
    ];
}

/// The seven scores of one run, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ContributionScores {
    /// See [`Category::DamageDealt`].
    pub damage_dealt: f64,
    /// See [`Category::DamageTaken`].
    pub damage_taken: f64,
    /// See [`Category::HealingDone`].
    pub healing_done: f64,
    /// See [`Category::BuffUptime`].
    pub buff_uptime: f64,
    /// See [`Category::DebuffUptime`].
    pub debuff_uptime: f64,
    /// See [`Category::MechanicExecution`].
    pub mechanic_execution: f64,
    /// See [`Category::ResourceEfficiency`].
    pub resource_efficiency: f64,
}

impl ContributionScores {
    /// The score of `c`.
    pub fn get(&self, c: Category) -> f64 {
        match c {
            Category::DamageDealt => self.damage_dealt,
            Category::DamageTaken => self.damage_taken,
            Category::HealingDone => self.healing_done,
            Category::BuffUptime => self.buff_uptime,
            Category::DebuffUptime => self.debuff_uptime,
            Category::MechanicExecution => self.mechanic_execution,
            Category::ResourceEfficiency => self.resource_efficiency,
        }
    }

    /// Scores built one category at a time: `f(c)` becomes the field of `c`.
    pub fn from_fn(mut f: impl FnMut(Category) -> f64) -> Self {
        Self {
            damage_dealt: f(Category::DamageDealt),
            damage_taken: f(Category::DamageTaken),
            healing_done: f(Category::HealingDone),
            buff_uptime: f(Category::BuffUptime),
            debuff_uptime: f(Category::DebuffUptime),
            mechanic_execution: f(Category::MechanicExecution),
            resource_efficiency: f(Category::ResourceEfficiency),
        }
    }

    /// The role-weighted combined score (§2), in [0, 1].
    pub fn combined(&self, role: Role) -> f64 {
        let weights = ROLE_WEIGHTS[role as usize];
        Category::ALL
            .iter()
            .zip(weights)
            .map(|(c, w)| self.get(*c) * w)
            .sum()
    }
}

impl Role {
    /// The weight (§2 table, 0–1) of `c` in this role's combined score.
    pub fn weight(self, c: Category) -> f64 {
        ROLE_WEIGHTS
            .get(self as usize)
            .and_then(|row| row.get(c.index()))
            .copied()
            .unwrap_or(0.0)
    }
}

/// A run's role, inferred from its scores (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Damage dealer (the default).
    Dps = 0,
    /// Healer.
    Healer = 1,
    /// Tank.
    Tank = 2,
}

fn clamp01(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// `a / b`, or 0 when `b` is 0.
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// The seven contribution scores of a run (§1). Negative or non-finite inputs cannot push a
/// score outside [0, 1].
pub fn contribution_scores(m: &RunMetrics) -> ContributionScores {
    let avoided = m.damage_blocked + m.damage_mitigated;
    let alive = (1.0 - ratio(m.time_dead, m.duration_sec) - DEATH_PENALTY * m.deaths).max(0.0);
    let actions = ((m.interrupts + m.synergies_used) / ACTIONS_FOR_FULL_BONUS).min(1.0);
    let spent = m.magicka_spent + m.stamina_spent;
    let efficiency = if spent > 0.0 {
        let per_point = (m.damage_done + m.healing_done) / spent;
        ratio(per_point, per_point + EFFICIENCY_HALF_POINT)
    } else {
        EFFICIENCY_WHEN_NOTHING_SPENT
    };
    ContributionScores {
        damage_dealt: clamp01(ratio(m.dps, m.dps + DPS_HALF_POINT)),
        damage_taken: clamp01(ratio(avoided, m.damage_taken + avoided)),
        healing_done: clamp01(ratio(m.hps, m.hps + HPS_HALF_POINT)),
        buff_uptime: clamp01(mean(&m.buff_uptime)),
        debuff_uptime: clamp01(mean(&m.debuff_uptime)),
        mechanic_execution: clamp01(
            alive * (MECHANICS_BASE_SHARE + (1.0 - MECHANICS_BASE_SHARE) * actions),
        ),
        resource_efficiency: clamp01(efficiency),
    }
}

/// The role (§2): healer when `healing_done ≥ 0.5` and `hps > dps`; tank when
/// `damage_taken ≥ 0.6` and `dps < 40 000`; otherwise DPS.
pub fn infer_role(scores: &ContributionScores, dps: f64, hps: f64) -> Role {
    if scores.healing_done >= HEALER_MIN_HEALING_SCORE && hps > dps {
        Role::Healer
    } else if scores.damage_taken >= TANK_MIN_DAMAGE_TAKEN_SCORE && dps < TANK_MAX_DPS {
        Role::Tank
    } else {
        Role::Dps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn each_category_by_hand() {
        let m = RunMetrics {
            dps: 50_000.0,
            hps: 5_000.0,
            damage_done: 4_000_000.0,
            healing_done: 400_000.0,
            damage_taken: 300_000.0,
            damage_blocked: 100_000.0,
            damage_mitigated: 200_000.0,
            buff_uptime: vec![0.9, 0.7],
            debuff_uptime: vec![0.6],
            time_dead: 8.0,
            deaths: 1.0,
            interrupts: 2.0,
            synergies_used: 3.0,
            magicka_spent: 200_000.0,
            stamina_spent: 20_000.0,
            duration_sec: 80.0,
        };
        let s = contribution_scores(&m);
        assert!(close(s.damage_dealt, 0.5));
        assert!(close(s.healing_done, 5_000.0 / 25_000.0));
        assert!(close(s.damage_taken, 300_000.0 / 600_000.0));
        assert!(close(s.buff_uptime, 0.8));
        assert!(close(s.debuff_uptime, 0.6));
        // (1 − 8/80 − 0.05) · (0.8 + 0.2 · 5/10) = 0.85 · 0.9
        assert!(close(s.mechanic_execution, 0.85 * 0.9));
        // out/spent = 4.4e6 / 2.2e5 = 20 → 20 / 30
        assert!(close(s.resource_efficiency, 20.0 / 30.0));
        assert_eq!(infer_role(&s, m.dps, m.hps), Role::Dps);
        let dps_weights = ROLE_WEIGHTS[0];
        assert!(close(dps_weights.iter().sum::<f64>(), 1.0));
    }

    #[test]
    fn zero_denominators_and_nothing_spent() {
        let s = contribution_scores(&RunMetrics::default());
        assert_eq!(
            (s.damage_dealt, s.damage_taken, s.healing_done),
            (0.0, 0.0, 0.0)
        );
        assert_eq!((s.buff_uptime, s.debuff_uptime), (0.0, 0.0));
        assert!(close(s.resource_efficiency, 0.5));
        assert!(
            close(s.mechanic_execution, 0.8),
            "no fight length: nobody was dead; no actions"
        );
    }

    #[test]
    fn scores_stay_in_range_for_hostile_inputs() {
        let m = RunMetrics {
            dps: f64::NAN,
            deaths: 100.0,
            buff_uptime: vec![3.0],
            time_dead: -5.0,
            ..Default::default()
        };
        let s = contribution_scores(&m);
        for c in Category::ALL {
            assert!((0.0..=1.0).contains(&s.get(c)), "{c:?} = {}", s.get(c));
        }
    }

    #[test]
    fn index_label_weight_and_from_fn_follow_the_table_order() {
        for (i, c) in Category::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(
                ContributionScores::from_fn(|k| k.index() as f64).get(c),
                i as f64
            );
            assert_eq!(Role::Tank.weight(c), ROLE_WEIGHTS[2][i]);
        }
        assert_eq!(Role::Dps.weight(Category::HealingDone), 0.0);
        assert_eq!(Category::DamageTaken.label(), "damage avoided");
    }

    #[test]
    fn roles_follow_the_thresholds() {
        let healer = ContributionScores {
            healing_done: 0.5,
            ..Default::default()
        };
        assert_eq!(infer_role(&healer, 10_000.0, 20_000.0), Role::Healer);
        assert_eq!(
            infer_role(&healer, 30_000.0, 20_000.0),
            Role::Dps,
            "heals less than it damages"
        );
        let tank = ContributionScores {
            damage_taken: 0.6,
            ..Default::default()
        };
        assert_eq!(infer_role(&tank, 39_999.0, 0.0), Role::Tank);
        assert_eq!(infer_role(&tank, 40_000.0, 0.0), Role::Dps);
        for row in ROLE_WEIGHTS {
            assert!(close(row.iter().sum::<f64>(), 1.0));
        }
    }
}
