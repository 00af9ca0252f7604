//! Execution recommendations (RECOMMENDATIONS.md §4): what the run's own metrics show —
//! short buff and DoT uptimes, deaths, overhealing. They need no top performers.
//!
//! Buff, DoT and overhealing advice is given only in a category where the run is below
//! [`ADVICE_MAX_PERCENTILE`] of its similar runs. A value shown beside its threshold is
//! rounded down like it ([`fmt_beside`]): 84.6% under 85% reads "84%, under 85%".

use super::advice::{RecommendationKind, fmt_beside, fmt_num, fmt_share};
use super::constants::*;
use super::recommend::{Candidate, Context, PlayerRun, Uptime};
use super::scores::Category;

/// Every execution candidate of `player`, unranked and uncapped: buffs under 80% uptime,
/// DoTs under 85%, a death (ranked first, confidence 0.95), overhealing over 30% of total
/// healing (effective + overhealing); the buffs, DoTs and overhealing only in a category
/// below [`ADVICE_MAX_PERCENTILE`].
pub(super) fn execution_advice(ctx: &Context<'_>, player: &PlayerRun) -> Vec<Candidate> {
    let mut out = Vec::new();
    uptime_advice(
        ctx,
        &player.buff_uptime,
        BUFF_UPTIME_MIN,
        Category::BuffUptime,
        "buff",
        &mut out,
    );
    uptime_advice(
        ctx,
        &player.dot_uptime,
        DOT_UPTIME_MIN,
        Category::DebuffUptime,
        "damage over time",
        &mut out,
    );
    out.extend(death_advice(ctx, player));
    out.extend(overhealing_advice(ctx, player));
    out
}

fn uptime_advice(
    ctx: &Context<'_>,
    uptimes: &[Uptime],
    below: f64,
    category: Category,
    what: &str,
    out: &mut Vec<Candidate>,
) {
    if !ctx.advisable(category) {
        return;
    }
    for u in uptimes
        .iter()
        .filter(|u| u.uptime.is_finite() && u.uptime < below)
    {
        let name = u.name.trim();
        let (uptime, threshold) = fmt_beside(u.uptime, below);
        let advice = ctx.advice(
            RecommendationKind::Execution,
            category,
            format!("{name} uptime {uptime}"),
            format!("Improve {name} uptime to {}+", fmt_share(UPTIME_TARGET)),
            format!(
                "{name} ({what}) was up {uptime} of the fight, under {threshold}; your {}.",
                ctx.describe(category)
            ),
        );
        out.push(Candidate {
            first: false,
            advice,
        });
    }
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x.max(0.0) } else { 0.0 }
}

fn death_advice(ctx: &Context<'_>, player: &PlayerRun) -> Option<Candidate> {
    if player.deaths == 0 {
        return None;
    }
    let dead = finite_or_zero(player.time_dead);
    let duration = finite_or_zero(player.duration_sec);
    let share = if duration > 0.0 {
        dead / duration * 100.0
    } else {
        0.0
    };
    let times = if player.deaths == 1 {
        "once".to_owned()
    } else {
        format!("{} times", player.deaths)
    };
    let mut advice = ctx.advice(
        RecommendationKind::Execution,
        Category::MechanicExecution,
        format!(
            "You spent {} s dead ({}% of the fight)",
            fmt_num(dead),
            fmt_num(share)
        ),
        "Stay alive: learn the mechanic that killed you and keep block, heals and shields ready"
            .to_owned(),
        format!(
            "You died {times}; a dead player adds nothing to the group, so staying alive comes \
             before every other change.{}",
            // Where the run already leads its peers, no percentile beside the call to improve.
            if ctx.advisable(Category::MechanicExecution) {
                format!(" Your {}.", ctx.describe(Category::MechanicExecution))
            } else {
                String::new()
            }
        ),
    );
    advice.confidence = DEATH_CONFIDENCE;
    advice.score = advice.confidence * advice.expected_improvement_pct;
    Some(Candidate {
        first: true,
        advice,
    })
}

fn overhealing_advice(ctx: &Context<'_>, player: &PlayerRun) -> Option<Candidate> {
    let over = finite_or_zero(player.overhealing);
    let total = finite_or_zero(player.healing_done) + over;
    if total <= 0.0 {
        return None;
    }
    let share = over / total;
    let category = Category::ResourceEfficiency;
    if share <= OVERHEALING_MAX_SHARE || !ctx.advisable(category) {
        return None;
    }
    let (shown, threshold) = fmt_beside(share, OVERHEALING_MAX_SHARE);
    let advice = ctx.advice(
        RecommendationKind::Execution,
        category,
        format!("Overhealing was {shown} of your total healing"),
        format!(
            "Heal on need: bring overhealing under {threshold} and spend the resources on damage \
             or buffs"
        ),
        format!(
            "{} of {} healing points landed on full health; your {}.",
            fmt_num(over),
            fmt_num(total),
            ctx.describe(category)
        ),
    );
    Some(Candidate {
        first: false,
        advice,
    })
}
