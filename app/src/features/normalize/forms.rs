//! The normal forms of single values of a raw feature entry (`feature_type`, `category`,
//! `class_restriction`, `resource_type`, `weight`, `tags`), as listed in the parent module.

use serde_json::Value;

use super::{BLANK, Rejected, wrong_type};

/// `feature_type` normal form.
pub fn feature_type(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("none") {
        return None;
    }
    let upper = t.to_ascii_uppercase().replace([' ', '-'], "_");
    Some(match upper.as_str() {
        "ACTIVE_SKILL" | "ACTIVE_ABILITY" => "ACTIVE".to_owned(),
        "PASSIVE_SKILL" | "PASSIVE_ABILITY" => "PASSIVE".to_owned(),
        "ULTIMATE_SKILL" | "ULTIMATE_ABILITY" => "ULTIMATE".to_owned(),
        _ => upper,
    })
}

/// `category` normal form.
pub fn category(raw: &str) -> String {
    match raw.trim() {
        "Champion" | "Champion Points" | "CP" => "ChampionPoints".to_owned(),
        "Alliance" | "Alliance War" | "AvA" => "AllianceWar".to_owned(),
        "Craft" | "Crafting Skills" => "Crafting".to_owned(),
        other => other.to_owned(),
    }
}

/// `class_restriction` normal form (`None` = universal).
pub fn class_restriction(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty()
        || ["any", "none", "all", "universal", "n/a"].contains(&t.to_ascii_lowercase().as_str())
    {
        None
    } else {
        Some(t.to_owned())
    }
}

fn ordered_join(
    field: &'static str,
    raw: &str,
    order: &[&str],
) -> Result<Option<String>, Rejected> {
    let parts: Vec<String> = raw
        .split(['|', '/', ','])
        .map(|p| p.trim_matches(BLANK))
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("none"))
        .map(str::to_owned)
        .collect();
    if parts.is_empty() {
        return Ok(None);
    }
    let mut known: Vec<&str> = Vec::new();
    for p in &parts {
        match order.iter().find(|o| o.eq_ignore_ascii_case(p)) {
            Some(o) if !known.contains(o) => known.push(o),
            Some(_) => {}
            None => {
                return Err(Rejected::UnknownValue {
                    field,
                    value: p.clone(),
                    expected: order.join(", "),
                });
            }
        }
    }
    known.sort_by_key(|k| order.iter().position(|o| o == k));
    Ok(Some(known.join("|")))
}

/// `resource_type` normal form.
///
/// # Errors
/// An unknown resource name.
pub fn resource_type(raw: &str) -> Result<Option<String>, Rejected> {
    ordered_join(
        "resource_type",
        raw,
        &["Magicka", "Stamina", "Health", "Ultimate"],
    )
}

/// `weight` normal form.
///
/// # Errors
/// An unknown weight or slot.
pub fn weight(raw: &str) -> Result<Option<String>, Rejected> {
    ordered_join(
        "weight",
        raw,
        &["Light", "Medium", "Heavy", "Jewelry", "Weapon"],
    )
}

/// `tags` normal form.
///
/// # Errors
/// Tags that are neither text nor a list of text.
pub fn tags(raw: Option<&Value>) -> Result<Option<String>, Rejected> {
    let parts: Vec<String> = match raw {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s
            .split('|')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(|s| s.trim().to_owned())
                    .ok_or_else(|| wrong_type("tags[]", "text", v))
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect(),
        Some(other) => return Err(wrong_type("tags", "text or a list of text", other)),
    };
    Ok(if parts.is_empty() {
        None
    } else {
        Some(parts.join("|"))
    })
}
