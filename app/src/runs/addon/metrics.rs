//! The metrics part of an addon run: totals, rates and buff uptimes (maps of name to a 0–1
//! fraction), mapped onto `CombatMetrics` within the bounds `POST /runs` accepts.

use serde_json::{Map, Value};

use super::{
    MAX_NAME, MAX_UPTIMES, Refusal,
    read::{at_most_rate, entries, non_negative, number},
    refuse,
};
use crate::runs::dto::{CombatMetrics, MAX_TOTAL, Uptime};

pub(super) fn metrics(m: &Map<String, Value>, duration_sec: f64) -> Result<CombatMetrics, Refusal> {
    let count = |key: &str| -> Result<i64, Refusal> {
        let path = format!("metrics.{key}");
        let v = number(m, key, &path)?.unwrap_or(0.0);
        non_negative(&path, v)?;
        if v > MAX_TOTAL as f64 {
            return Err(refuse(&path, format!("must be at most {MAX_TOTAL}")));
        }
        Ok(v.round() as i64)
    };
    let rate = |key: &str| -> Result<f64, Refusal> {
        let path = format!("metrics.{key}");
        let v = number(m, key, &path)?.unwrap_or(0.0);
        non_negative(&path, v)?;
        at_most_rate(&path, v)?;
        Ok(v)
    };
    let damage_done = count("damage_done")?;
    let dps = match number(m, "dps", "metrics.dps")? {
        Some(v) => {
            non_negative("metrics.dps", v)?;
            at_most_rate("metrics.dps", v)?;
            v
        }
        None if duration_sec > 0.0 => damage_done as f64 / duration_sec,
        None => 0.0,
    };
    let crit_rate = rate("crit_rate")?;
    if crit_rate > 1.0 {
        return Err(refuse("metrics.crit_rate", "must be between 0 and 1"));
    }
    Ok(CombatMetrics {
        damage_done,
        healing_done: count("healing_done")?,
        overhealing: count("overhealing")?,
        damage_taken: count("damage_taken")?,
        damage_blocked: count("damage_blocked")?,
        // RECOMMENDATIONS.md §1 counts blocked and mitigated damage as avoided; what damage
        // shields absorbed is mitigated damage (issue 13).
        damage_mitigated: count("damage_shielded")?.saturating_add(count("damage_mitigated")?),
        interrupts: count("interrupts")?,
        synergies_used: count("synergies_used")?,
        synergies_provided: count("synergies_provided")?,
        deaths: count("deaths")?,
        magicka_spent: count("magicka_spent")?,
        stamina_spent: count("stamina_spent")?,
        ultimate_spent: count("ultimate_spent")?,
        potion_uses: count("potion_uses")?,
        dps,
        hps: rate("hps")?,
        crit_rate,
        time_dead: rate("time_dead")?,
        dot_uptime: uptimes(m, "dot_uptime")?,
        buff_uptime: uptimes(m, "buff_uptime")?,
        debuff_uptime: uptimes(m, "debuff_uptime")?,
    })
}

/// A map from buff name to a 0–1 fraction, as `[{name, uptime}]` sorted by name.
pub(super) fn uptimes(m: &Map<String, Value>, key: &str) -> Result<Vec<Uptime>, Refusal> {
    let path = format!("metrics.{key}");
    let entries = entries(m.get(key), &path)?;
    if entries.len() > MAX_UPTIMES {
        return Err(refuse(
            &path,
            format!("must have at most {MAX_UPTIMES} entries"),
        ));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (name, v) in entries {
        let item = format!("{path}.{name}");
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(refuse(
                &item,
                format!("name must be 1–{MAX_NAME} characters"),
            ));
        }
        let uptime = v
            .as_f64()
            .filter(|u| (0.0..=1.0).contains(u))
            .ok_or_else(|| refuse(&item, "must be a number between 0 and 1"))?;
        out.push(Uptime {
            name: name.to_owned(),
            uptime,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
