//! The analytics' answers (stats summary, comparison, characters, DPS and percentile trends,
//! buff analysis) and their `time_range` parameter.

use chrono::{DateTime, Duration, Utc};
use poem_openapi::{Enum, Object, types::Example};

use crate::runs::dto::{BuildSnapshot, CombatRunResponse};

/// The analytics' `time_range` (API contract: `7d|30d|90d|all`, default `30d`): how far back
/// the runs counted go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, poem_openapi::Enum)]
pub enum TimeRange {
    /// The last 7 days.
    #[oai(rename = "7d")]
    Week,
    /// The last 30 days.
    #[oai(rename = "30d")]
    #[default]
    Month,
    /// The last 90 days.
    #[oai(rename = "90d")]
    Quarter,
    /// Every run.
    #[oai(rename = "all")]
    All,
}

impl TimeRange {
    /// The earliest time counted, `None` for [`TimeRange::All`].
    pub fn since(self) -> Option<DateTime<Utc>> {
        let days = match self {
            Self::Week => 7,
            Self::Month => 30,
            Self::Quarter => 90,
            Self::All => return None,
        };
        Some(Utc::now() - Duration::days(days))
    }
}

/// `GET /runs/stats/summary`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct StatsSummary {
    /// Runs submitted.
    pub total_runs: u64,
    /// Runs cleared.
    pub successful_runs: u64,
    /// Mean DPS over all runs.
    pub average_dps: f64,
    /// Best DPS.
    pub best_dps: f64,
    /// Sum of fight lengths, seconds.
    pub total_play_time_sec: f64,
    /// Most played content name.
    pub favorite_content: Option<String>,
    /// Most played character.
    pub favorite_character: Option<String>,
}

impl Example for StatsSummary {
    fn example() -> Self {
        Self {
            total_runs: 57,
            successful_runs: 49,
            average_dps: 108_932.4,
            best_dps: 124_310.0,
            total_play_time_sec: 82_115.0,
            favorite_content: Some("Lucent Citadel".into()),
            favorite_character: Some("Vivec".into()),
        }
    }
}

/// What changed between two builds.
#[derive(Debug, Object)]
pub struct BuildDifferences {
    /// Whether the class differs.
    pub class_changed: bool,
    /// Sets in B, not in A.
    pub sets_added: Vec<String>,
    /// Sets in A, not in B.
    pub sets_removed: Vec<String>,
    /// Skills (either bar) in B, not in A.
    pub skills_added: Vec<String>,
    /// Skills in A, not in B.
    pub skills_removed: Vec<String>,
    /// B's CP level minus A's: the change from A to B, like the rest of this object (the
    /// opposite direction of the comparison's `dps_diff` and `duration_diff_sec`).
    pub cp_level_diff: i32,
}

/// `GET /runs/compare/{a}/{b}`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Comparison {
    /// Run A.
    pub run_a: CombatRunResponse,
    /// Run B.
    pub run_b: CombatRunResponse,
    /// A's DPS minus B's (the upstream's direction): positive when A dealt more.
    pub dps_diff: f64,
    /// `dps_diff` as a percentage of B's DPS, rounded to 0.1 (0 when B's DPS is 0): how much
    /// more (positive) or less (negative) A dealt than B.
    pub dps_diff_percent: f64,
    /// A's fight length minus B's, seconds (same direction as `dps_diff`): positive when A
    /// took longer.
    pub duration_diff_sec: f64,
    /// Build changes from A to B (what B added and removed relative to A).
    pub build_differences: BuildDifferences,
}

impl Example for Comparison {
    fn example() -> Self {
        let run_a = CombatRunResponse::example();
        let mut run_b = run_a.clone();
        run_b.run_id = uuid::uuid!("1e7a9c3b-5d2f-4b8e-a6c4-9f0d3e2b1c58");
        run_b.timestamp = run_a.timestamp - chrono::TimeDelta::days(3);
        run_b.duration_sec = 1818.3;
        run_b.metrics.dps = 109_870.0;
        run_b.metrics.damage_done = 199_776_621;
        run_b.build_snapshot.cp_level = 2050;
        run_b.build_snapshot.sets[1] = "Kinras's Wrath".into();
        run_b.build_snapshot.set_pieces = None;
        Self {
            run_a,
            run_b,
            dps_diff: 8_580.0,
            dps_diff_percent: 7.8,
            duration_diff_sec: -75.7,
            build_differences: BuildDifferences {
                class_changed: false,
                sets_added: vec!["Kinras's Wrath".into()],
                sets_removed: vec!["Sul-Xan's Torment".into()],
                skills_added: Vec::new(),
                skills_removed: Vec::new(),
                cp_level_diff: -50,
            },
        }
    }
}

/// One character in `GET /characters`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Character {
    /// Name.
    pub character_name: String,
    /// Runs submitted with it.
    pub total_runs: u64,
    /// Best DPS.
    pub best_dps: f64,
    /// Mean DPS.
    pub avg_dps: f64,
    /// Latest run's time (UTC).
    pub last_played: Option<DateTime<Utc>>,
    /// CP level of the latest run.
    pub cp_level: Option<i32>,
    /// Build of the latest run.
    pub build: Option<BuildSnapshot>,
    /// Sum of fight lengths, seconds (detail only).
    #[oai(skip_serializing_if_is_none)]
    pub total_play_time_sec: Option<f64>,
}

impl Example for Character {
    fn example() -> Self {
        Self {
            character_name: "Vivec".into(),
            total_runs: 42,
            best_dps: 124_310.0,
            avg_dps: 112_845.5,
            last_played: Some(crate::model::example_time()),
            cp_level: Some(2100),
            build: Some(BuildSnapshot::example()),
            total_play_time_sec: Some(61_482.0),
        }
    }
}

/// A day of `GET /analytics/dps-trend`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct DpsPoint {
    /// UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// Mean DPS that day.
    pub avg_dps: f64,
    /// Best DPS that day.
    pub max_dps: f64,
    /// Runs that day.
    pub run_count: u64,
}

impl Example for DpsPoint {
    fn example() -> Self {
        Self {
            date: "2025-11-20".into(),
            avg_dps: 112_845.5,
            max_dps: 118_450.0,
            run_count: 3,
        }
    }
}

/// A run of `GET /analytics/percentile-trend`.
// Written by `JsonBytes::serialized` (a 30-day answer holds hundreds of points).
#[derive(Debug, Object, serde::Serialize)]
#[oai(example)]
pub struct PercentilePoint {
    /// UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// Percent, 0–100 (rounded to 0.1), of all players' other runs of the same content and
    /// difficulty with lower DPS (50 when the run is alone in its pool).
    pub percentile: f64,
    /// The run's DPS.
    pub dps: f64,
    /// Content name.
    pub content_name: String,
}

impl Example for PercentilePoint {
    fn example() -> Self {
        Self {
            date: "2025-11-20".into(),
            percentile: 87.4,
            dps: 118_450.0,
            content_name: "Lucent Citadel".into(),
        }
    }
}

/// How much a buff matters in the caller's runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Importance {
    /// In at least half of the runs.
    High,
    /// In at least a fifth.
    Medium,
    /// Rarer.
    Low,
}

/// A buff of `GET /analytics/buff-analysis`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct BuffStat {
    /// Buff name.
    pub buff_name: String,
    /// Mean uptime where present, 0–1.
    pub avg_uptime: f64,
    /// Runs where it appears.
    pub sample_count: u64,
    /// `high` (≥ 50 % of runs), `medium` (≥ 20 %), `low`.
    pub importance: Importance,
}

impl Example for BuffStat {
    fn example() -> Self {
        Self {
            buff_name: "Major Brutality".into(),
            avg_uptime: 0.97,
            sample_count: 41,
            importance: Importance::High,
        }
    }
}
