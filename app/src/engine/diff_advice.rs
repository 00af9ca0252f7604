//! Recommendations from the build diff against top performers (RECOMMENDATIONS.md §4): gear
//! (≤ 3: swaps, then missing sets), skills (≤ 3 swaps) and the class/subclass switch (≤ 1).
//! Which weak category each serves is documented in [`super::recommend`].

use super::advice::{RecommendationKind, fmt_share, percent_down};
use super::build_diff::{NameDiff, other_combination};
use super::constants::*;
use super::recommend::{Candidate, Context, PeerRun, PlayerRun, SkillInfo};
use super::scores::Category;

pub(super) fn gear_advice(ctx: &Context<'_>, diff: &NameDiff) -> Vec<Candidate> {
    let swaps = diff
        .swaps
        .iter()
        .map(|(extra, common)| (Some(extra), common));
    let adds = diff.unpaired_missing.iter().map(|common| (None, common));
    swaps
        .chain(adds)
        .take(MAX_GEAR_RECOMMENDATIONS)
        .map(|(extra, common)| {
            let info = ctx.features.gear_set(&common.name);
            let affinity = info.as_ref().and_then(|i| {
                ctx.advisable_weak().into_iter().find_map(|c| {
                    let a = i
                        .role_affinity
                        .iter()
                        .filter(|(rc, _)| *rc == c)
                        .map(|(_, a)| *a)
                        .fold(f64::NEG_INFINITY, f64::max);
                    (a > 0.5).then_some((c, a))
                })
            });
            let category = affinity.map_or(ctx.weakest(), |(c, _)| c);
            let name = &common.name;
            let (current, change) = match extra {
                Some(extra) => (
                    format!("Wearing {extra}"),
                    format!("Switch to {name} instead of {extra}"),
                ),
                None => (
                    format!("{name} is not in your build"),
                    format!("Consider adding {name}"),
                ),
            };
            let share = fmt_share(common.share);
            let mut reasoning = match &info {
                Some(i) => {
                    let mut s = format!("{name} is a {} set", i.set_type);
                    if let Some(tier) = &i.pve_tier {
                        s += &format!(", PvE tier {tier}");
                    }
                    if let Some(location) = &i.location {
                        s += &format!(", from {location}");
                    }
                    s + &format!("; {share} of the top performers wear it.")
                }
                None => format!("{share} of the top performers wear {name}."),
            };
            reasoning += &match affinity {
                Some((c, a)) => format!(
                    " It favours {} (affinity {a:.1}), one of your weakest categories.",
                    ctx.describe(c)
                ),
                None => format!(" Your weakest category is {}.", ctx.describe(category)),
            };
            let advice = ctx.advice(
                RecommendationKind::Gear,
                category,
                current,
                change,
                reasoning,
            );
            Candidate {
                first: false,
                advice,
            }
        })
        .collect()
}

/// The category a skill's tags or buffs point at, among the weak ones.
fn skill_category(info: &SkillInfo, weak: &[Category]) -> Option<Category> {
    let tagged = |t: &str| {
        info.tags.iter().any(|tag| {
            let tag = tag.trim().to_lowercase();
            tag == t || tag.ends_with(&format!("-{t}"))
        })
    };
    weak.iter().copied().find(|c| match c {
        Category::ResourceEfficiency => tagged("sustain"),
        Category::DamageDealt => tagged("execute") || tagged("aoe"),
        Category::BuffUptime => !info.buffs_granted.is_empty(),
        _ => false,
    })
}

pub(super) fn skill_advice(ctx: &Context<'_>, diff: &NameDiff) -> Vec<Candidate> {
    diff.swaps
        .iter()
        .take(MAX_SKILL_RECOMMENDATIONS)
        .map(|(extra, common)| {
            let info = ctx.features.skill(&common.name);
            let name = &common.name;
            let category = info
                .as_ref()
                .and_then(|i| skill_category(i, &ctx.advisable_weak()))
                .unwrap_or(ctx.weakest());
            let mut reasoning = format!(
                "{} of the top performers slot {name}.",
                fmt_share(common.share)
            );
            if let Some(i) = &info {
                if !i.buffs_granted.is_empty() {
                    reasoning += &format!(" It grants {}.", i.buffs_granted.join(", "));
                }
                let tags: Vec<String> = i.tags.iter().map(|t| t.trim().to_lowercase()).collect();
                let has = |t: &str| tags.iter().any(|g| g == t || g.ends_with(&format!("-{t}")));
                if has("execute") {
                    reasoning += " It is an execute: it hits harder on low-health targets.";
                }
                if has("sustain") {
                    reasoning += " It helps sustain your resources.";
                }
                if has("aoe") {
                    reasoning += " It deals area damage.";
                }
            }
            reasoning += &format!(" It serves {}.", ctx.describe(category));
            let advice = ctx.advice(
                RecommendationKind::Skill,
                category,
                format!("Slotting {extra}"),
                format!("Replace {extra} with {name}"),
                reasoning,
            );
            Candidate {
                first: false,
                advice,
            }
        })
        .collect()
}

pub(super) fn build_advice(
    ctx: &Context<'_>,
    player: &PlayerRun,
    top: &[&PeerRun],
) -> Option<Candidate> {
    let weak_mean = ctx
        .weak
        .iter()
        .map(|c| ctx.percentiles.by_category.get(*c))
        .sum::<f64>()
        / ctx.weak.len().max(1) as f64;
    if weak_mean > BUILD_SWITCH_MAX_PERCENTILE {
        return None;
    }
    let (combination, share) = other_combination(&player.build, top.iter().map(|p| &p.build))?;
    let own = match player.build.subclass.as_deref().map(str::trim) {
        Some(sub) if !sub.is_empty() => format!("{} / {sub}", player.build.class.trim()),
        _ => player.build.class.trim().to_owned(),
    };
    let category = ctx.weakest();
    let mut advice = ctx.advice(
        RecommendationKind::Build,
        category,
        format!("Playing {own}"),
        format!("Consider playing {combination}"),
        format!(
            "{} of the top performers play {combination}, and your three weakest categories \
             average percentile {:.0}; a class change is a large step, so this is a suggestion \
             with reduced confidence.",
            fmt_share(share),
            percent_down(weak_mean)
        ),
    );
    advice.confidence *= BUILD_SWITCH_CONFIDENCE_FACTOR;
    advice.score = advice.confidence * advice.expected_improvement_pct;
    Some(Candidate {
        first: false,
        advice,
    })
}
