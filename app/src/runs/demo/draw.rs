//! Drawing demo data: content, classes, races, buffs, sets and skills, one run at a time from a
//! seeded generator, and a share of runs in the game addon's own shape.

use chrono::{Duration, Utc};
use rand::{Rng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::runs::{
    CombatRun,
    dto::{BuildSnapshot, CombatMetrics, ContentType, Difficulty, Uptime},
    scores_of,
};
use crate::{
    eso::{EsoClass, Race},
    model::column::truncate_to_millis,
};

const CONTENT: &[(ContentType, &str)] = &[
    (ContentType::Trial, "Lucent Citadel"),
    (ContentType::Trial, "Sanity's Edge"),
    (ContentType::Trial, "Dreadsail Reef"),
    (ContentType::Trial, "Rockgrove"),
    (ContentType::Trial, "Sunspire"),
    (ContentType::Trial, "Cloudrest"),
    (ContentType::Dungeon, "Bal Sunnar"),
    (ContentType::Dungeon, "Scrivener's Hall"),
    (ContentType::Dungeon, "Oathsworn Pit"),
    (ContentType::Dungeon, "Bedlam Veil"),
    (ContentType::Arena, "Vateshran Hollows"),
    (ContentType::Arena, "Blackrose Prison"),
];
pub(super) const CLASSES: &[EsoClass] = &[
    EsoClass::Dragonknight,
    EsoClass::Nightblade,
    EsoClass::Sorcerer,
    EsoClass::Templar,
    EsoClass::Warden,
    EsoClass::Necromancer,
    EsoClass::Arcanist,
];
const RACES: &[Race] = &[
    Race::Altmer,
    Race::Dunmer,
    Race::Khajiit,
    Race::Breton,
    Race::Nord,
    Race::Argonian,
    Race::Redguard,
    Race::Imperial,
];
const BUFFS: &[&str] = &[
    "Major Brutality",
    "Major Sorcery",
    "Major Courage",
    "Minor Berserk",
    "Major Prophecy",
];
const DEBUFFS: &[&str] = &[
    "Major Breach",
    "Minor Breach",
    "Major Vulnerability",
    "Minor Brittle",
];

/// The game client's display name of a race (`../shared/data/addon/README.md`), as the addon
/// records it.
pub(super) fn game_race_name(race: Race) -> &'static str {
    match race {
        Race::Altmer => "High Elf",
        Race::Bosmer => "Wood Elf",
        Race::Dunmer => "Dark Elf",
        other => other.canonical(),
    }
}

/// A UUID v4 from `rng`.
pub(super) fn uuid_v4(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// `run` as the game addon would have recorded it: the addon's JSON shape, mapped back
/// through [`super::addon::map`] exactly as an upload is. `serial` keeps addon run ids unique.
pub(super) fn as_addon_run(rng: &mut ChaCha8Rng, run: CombatRun, serial: usize) -> CombatRun {
    let b = &run.build_snapshot;
    let m = &run.metrics;
    let slots = |skills: &[String]| -> serde_json::Map<String, serde_json::Value> {
        skills
            .iter()
            .zip(3u32..=8)
            .map(|(name, slot)| {
                (
                    slot.to_string(),
                    serde_json::json!({"name": name, "is_ultimate": slot == 8}),
                )
            })
            .collect()
    };
    let uptimes = |u: &[Uptime]| -> serde_json::Map<String, serde_json::Value> {
        u.iter()
            .map(|u| (u.name.clone(), serde_json::json!(u.uptime)))
            .collect()
    };
    // An English client writes MM/DD/YYYY, a German one DD.MM.YYYY.
    let local = if rng.random_bool(0.5) {
        run.timestamp.format("%m/%d/%YT%H:%M:%S")
    } else {
        run.timestamp.format("%d.%m.%YT%H:%M:%S")
    };
    let original = serde_json::json!({
        "run_id": format!("Demo{}_{}_{:04}", serial, run.timestamp.timestamp(), serial % 10_000),
        "timestamp": local.to_string(),
        "duration_sec": run.duration_sec,
        "success": run.success,
        "content": {
            "type": if run.content_type == ContentType::Arena { "overworld" } else { "dungeon" },
            "name": run.content_name,
            "difficulty": "unknown",
        },
        "build_snapshot": {
            "character": {
                "name": run.character_name,
                "class": b.player_class,
                "race": game_race_name(b.race),
                "level": 50,
                "cp_level": b.cp_level,
            },
            "sets": b.sets.iter().map(|s| serde_json::json!({"name": s, "pieces": 5})).collect::<Vec<_>>(),
            "skills": {"front": slots(&b.skills_front), "back": slots(&b.skills_back)},
            "champion_points": {"warfare": [], "fitness": [], "craft": {}},
        },
        "metrics": {
            "damage_done": m.damage_done,
            "dps": m.dps,
            "crit_rate": m.crit_rate,
            "healing_done": m.healing_done,
            "hps": m.hps,
            "overhealing": m.overhealing,
            "damage_taken": m.damage_taken,
            "damage_blocked": m.damage_blocked,
            "damage_shielded": m.damage_mitigated,
            "deaths": m.deaths,
            "interrupts": m.interrupts,
            "synergies_used": m.synergies_used,
            "buff_uptime": uptimes(&m.buff_uptime),
            "debuff_uptime": uptimes(&m.debuff_uptime),
        },
    });
    match crate::runs::addon::map(&original, run.player_id, run.timestamp) {
        Ok(mut mapped) => {
            mapped.run_id = run.run_id;
            mapped
        }
        // Demo values are always in range; should one not be, the run stays an API run.
        Err(_) => run,
    }
}

fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    // Box–Muller; enough for demo data.
    let (u1, u2): (f64, f64) = (rng.random_range(1e-9..1.0), rng.random());
    mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// How many S-tier sets form the demo's "meta".
pub(super) const META_SETS: u32 = 5;
/// Chance that a set slot holds a meta set: each meta set ends up in about a third of builds,
/// so top performers share sets as real ones do (the engine's build diff needs that).
const META_SHARE: f64 = 0.6;

/// The sets builds draw from.
pub(super) struct Sets {
    pub(super) meta: Vec<String>,
    pub(super) all: Vec<String>,
}

impl Sets {
    /// Three distinct sets, each slot a meta set with [`META_SHARE`] chance.
    pub(super) fn build(&self, rng: &mut ChaCha8Rng) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(3);
        for _ in 0..12 {
            if out.len() == 3 {
                break;
            }
            let pool = if !self.meta.is_empty() && rng.random_bool(META_SHARE) {
                &self.meta
            } else {
                &self.all
            };
            if let Some(s) = pool.choose(rng)
                && !out.contains(s)
            {
                out.push(s.clone());
            }
        }
        out
    }
}

/// One run of `player`, drawn from `rng`.
pub(super) fn run(
    rng: &mut ChaCha8Rng,
    player: Uuid,
    character: &str,
    class: EsoClass,
    sets: &Sets,
    skills: &[String],
) -> CombatRun {
    let (content_type, content_name) = *CONTENT.choose(rng).unwrap_or(&CONTENT[0]);
    let role: u8 = rng.random_range(0..10); // 0–6 DPS, 7–8 healer, 9 tank
    let veteran = rng.random_bool(0.7);
    let (dps, hps) = match role {
        0..=6 => (
            normal(rng, if veteran { 85_000.0 } else { 55_000.0 }, 20_000.0).max(5_000.0),
            normal(rng, 1_500.0, 500.0).max(0.0),
        ),
        7 | 8 => (
            normal(rng, 15_000.0, 5_000.0).max(1_000.0),
            normal(rng, 30_000.0, 8_000.0).max(2_000.0),
        ),
        _ => (
            normal(rng, 10_000.0, 4_000.0).max(1_000.0),
            normal(rng, 3_000.0, 1_000.0).max(0.0),
        ),
    };
    let duration = normal(
        rng,
        if content_type == ContentType::Trial {
            600.0
        } else {
            300.0
        },
        90.0,
    )
    .max(60.0)
    .round();
    let deaths = if rng.random_bool(0.25) {
        rng.random_range(1..4)
    } else {
        0
    };
    let pick = |rng: &mut ChaCha8Rng, pool: &[String], n: usize| -> Vec<String> {
        pool.choose_multiple(rng, n.min(pool.len()))
            .cloned()
            .collect()
    };
    let uptimes = |rng: &mut ChaCha8Rng, names: &[&str]| -> Vec<Uptime> {
        names
            .choose_multiple(rng, 2)
            .map(|n| Uptime {
                name: (*n).to_owned(),
                uptime: (normal(rng, 0.8, 0.12)).clamp(0.0, 1.0),
            })
            .collect()
    };
    let metrics = CombatMetrics {
        damage_done: (dps * duration) as i64,
        healing_done: (hps * duration) as i64,
        overhealing: (hps * duration * rng.random_range(0.05..0.4)) as i64,
        damage_taken: (normal(rng, 400_000.0, 100_000.0).max(10_000.0)) as i64,
        damage_blocked: if role == 9 {
            rng.random_range(300_000..900_000)
        } else {
            rng.random_range(0..50_000)
        },
        damage_mitigated: rng.random_range(50_000..400_000),
        interrupts: rng.random_range(0..6),
        synergies_used: rng.random_range(0..10),
        synergies_provided: rng.random_range(0..8),
        deaths,
        magicka_spent: rng.random_range(200_000..1_200_000),
        stamina_spent: rng.random_range(50_000..600_000),
        ultimate_spent: rng.random_range(0..1_000),
        potion_uses: rng.random_range(0..8),
        dps: dps.round(),
        hps: hps.round(),
        crit_rate: normal(rng, 0.55, 0.1).clamp(0.0, 1.0),
        time_dead: f64::from(deaths as i32) * rng.random_range(5.0..20.0),
        dot_uptime: uptimes(rng, DEBUFFS),
        buff_uptime: uptimes(rng, BUFFS),
        debuff_uptime: uptimes(rng, DEBUFFS),
    };
    let build = BuildSnapshot {
        player_class: class,
        subclass: None,
        race: *RACES.choose(rng).unwrap_or(&Race::Breton),
        cp_level: rng.random_range(800..=3600),
        sets: sets.build(rng),
        set_pieces: None,
        skills_front: pick(rng, skills, 6),
        skills_back: pick(rng, skills, 5),
        champion_points: None,
    };
    let days_ago = rng.random_range(0..120);
    CombatRun {
        run_id: uuid_v4(rng),
        player_id: player,
        character_name: character.to_owned(),
        content_type,
        content_name: content_name.to_owned(),
        difficulty: if veteran {
            if rng.random_bool(0.2) {
                Difficulty::Hardmode
            } else {
                Difficulty::Veteran
            }
        } else {
            Difficulty::Normal
        },
        duration_sec: duration,
        success: rng.random_bool(0.8),
        group_size: if content_type == ContentType::Trial {
            12
        } else if content_type == ContentType::Dungeon {
            4
        } else {
            1
        },
        cp_level: build.cp_level,
        dps: metrics.dps,
        contribution_scores: Some(scores_of(&metrics, duration)),
        build_snapshot: build,
        metrics,
        timestamp: truncate_to_millis(
            Utc::now() - Duration::days(days_ago) - Duration::seconds(rng.random_range(0..86_400)),
        ),
        source: crate::runs::dto::RunSource::Api,
        addon_run_id: None,
        addon_original: None,
        analysed_at: None,
    }
}
