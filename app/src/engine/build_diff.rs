//! The build diff against top performers (RECOMMENDATIONS.md §4): which gear sets, skills and
//! class/subclass combinations are common among them, what the player misses, and the swaps.
//!
//! Names are compared case-insensitively after trimming, and after resolving each distinct
//! name once through the feature lookup (by id or exact name), so an id and a name of the same
//! set count as one. A top performer counts once per name, however often it lists it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::constants::{BUILD_SWITCH_MIN_SHARE, COMMON_SHARE};

/// The parts of a build the engine compares: names as stored in a run's build snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BuildSnapshot {
    /// Class, e.g. `Arcanist`.
    pub class: String,
    /// Subclass, if any.
    pub subclass: Option<String>,
    /// Gear set names or ids.
    pub sets: Vec<String>,
    /// Skill names or ids, both bars.
    pub skills: Vec<String>,
}

/// A name common among top performers: how it is shown and the share (0–1) of top
/// performers using it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Common {
    /// The lookup's canonical name, or the name as written (the alphabetically first spelling).
    pub name: String,
    /// Share of top performers using it, 0–1.
    pub share: f64,
}

/// The diff of one kind of name (sets or skills).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NameDiff {
    /// (the player's extra name, the common name to take instead): extra names alphabetical,
    /// paired with missing names most common first (ties alphabetical).
    pub swaps: Vec<(String, Common)>,
    /// Missing names left once every extra name is paired, most common first.
    pub unpaired_missing: Vec<Common>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// One spelling as written: the name it resolves to and how that is shown.
struct Spelling {
    /// Index into `Resolver::names`.
    name: usize,
    /// The lookup's canonical name, or the spelling trimmed.
    display: String,
}

/// One name after resolution, with the top performers that use it.
struct Name {
    /// Canonical name in lower case: what is compared.
    key: String,
    /// How many top performers use it.
    peers: usize,
    /// The last top performer (1-based) counted, so that each counts once.
    last_peer: usize,
    /// The alphabetically first display among the top performers' spellings.
    display: Option<String>,
}

/// Resolves each distinct spelling once through the lookup and counts top performers per
/// resolved name (a few allocations per distinct spelling, none per occurrence).
struct Resolver<'f, 'a> {
    canonical: &'f dyn Fn(&str) -> Option<String>,
    by_spelling: BTreeMap<&'a str, usize>,
    spellings: Vec<Spelling>,
    by_key: BTreeMap<String, usize>,
    names: Vec<Name>,
}

impl<'f, 'a> Resolver<'f, 'a> {
    fn new(canonical: &'f dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            canonical,
            by_spelling: BTreeMap::new(),
            spellings: Vec::new(),
            by_key: BTreeMap::new(),
            names: Vec::new(),
        }
    }

    /// The spelling's index: the lookup's name when it knows it (the lookup is
    /// case-insensitive, so every spelling gives the same), else the name as written.
    fn spelling(&mut self, written: &'a str) -> usize {
        if let Some(i) = self.by_spelling.get(written) {
            return *i;
        }
        let display = (self.canonical)(written.trim()).unwrap_or_else(|| written.trim().to_owned());
        let k = key(&display);
        let name = match self.by_key.get(&k) {
            Some(i) => *i,
            None => {
                self.names.push(Name {
                    key: k.clone(),
                    peers: 0,
                    last_peer: 0,
                    display: None,
                });
                self.by_key.insert(k, self.names.len() - 1);
                self.names.len() - 1
            }
        };
        self.spellings.push(Spelling { name, display });
        self.by_spelling.insert(written, self.spellings.len() - 1);
        self.spellings.len() - 1
    }

    /// Counts `written` for top performer number `peer` (1-based).
    fn count(&mut self, written: &'a str, peer: usize) {
        let i = self.spelling(written);
        let Some(spelling) = self.spellings.get(i) else {
            return;
        };
        let Some(name) = self.names.get_mut(spelling.name) else {
            return;
        };
        if name.last_peer != peer {
            name.last_peer = peer;
            name.peers += 1;
        }
        if name
            .display
            .as_deref()
            .is_none_or(|d| spelling.display.as_str() < d)
        {
            name.display = Some(spelling.display.clone());
        }
    }
}

/// The §4 build diff of the player's `names` against the top performers' (`peers`, one list
/// each): common = used by at least 30% of them; missing = common and not the player's;
/// extra = the player's that are not common; swaps pair extra (alphabetical) with missing
/// (most common first, ties alphabetical). `canonical` is the feature lookup's name.
pub(crate) fn diff_names<'a>(
    names: &'a [String],
    peers: impl ExactSizeIterator<Item = &'a [String]>,
    canonical: &dyn Fn(&str) -> Option<String>,
) -> NameDiff {
    let total = peers.len();
    if total == 0 {
        return NameDiff::default();
    }
    let nonempty = |n: &&String| !n.trim().is_empty();
    let mut resolver = Resolver::new(canonical);
    for (i, list) in peers.enumerate() {
        for name in list.iter().filter(nonempty) {
            resolver.count(name, i + 1);
        }
    }
    let own_spellings: Vec<usize> = names
        .iter()
        .filter(nonempty)
        .map(|n| resolver.spelling(n))
        .collect();
    let share = |n: usize| n as f64 / total as f64;
    let is_common = |n: &Name| share(n.peers) >= COMMON_SHARE;

    // The player's names by key (alphabetical), each shown as first written.
    let mut own: BTreeMap<&str, (&Name, &str)> = BTreeMap::new();
    for spelling in own_spellings
        .iter()
        .filter_map(|i| resolver.spellings.get(*i))
    {
        if let Some(name) = resolver.names.get(spelling.name) {
            own.entry(name.key.as_str())
                .or_insert((name, spelling.display.as_str()));
        }
    }
    let mut missing: Vec<&Name> = resolver
        .names
        .iter()
        .filter(|n| is_common(n) && !own.contains_key(n.key.as_str()))
        .collect();
    missing.sort_by(|a, b| b.peers.cmp(&a.peers).then_with(|| a.key.cmp(&b.key)));
    let extra = own.values().filter(|(name, _)| !is_common(name));

    let mut missing = missing.into_iter().map(|n| Common {
        name: n.display.clone().unwrap_or_else(|| n.key.clone()),
        share: share(n.peers),
    });
    let mut swaps = Vec::new();
    for (_, extra_name) in extra {
        match missing.next() {
            Some(common) => swaps.push(((*extra_name).to_owned(), common)),
            None => break,
        }
    }
    NameDiff {
        swaps,
        unpaired_missing: missing.collect(),
    }
}

/// A class/subclass combination, e.g. `Arcanist / Necromancer` or `Templar`.
fn combination(build: &BuildSnapshot) -> (String, String) {
    let class = build.class.trim();
    match build
        .subclass
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(sub) => (
            format!("{} / {}", key(class), key(sub)),
            format!("{class} / {sub}"),
        ),
        None => (key(class), class.to_owned()),
    }
}

/// The §4 build switch: the class/subclass combination other than the player's that the most
/// top performers play (ties alphabetical), when at least 40% of them play it; an unknown
/// class is never suggested. Returns its
/// display name (alphabetically first spelling) and share, 0–1.
pub(crate) fn other_combination<'a>(
    player: &BuildSnapshot,
    peers: impl ExactSizeIterator<Item = &'a BuildSnapshot>,
) -> Option<(String, f64)> {
    let total = peers.len();
    let (own, _) = combination(player);
    let mut counts: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for peer in peers {
        // A class the game addon could not read (`Unknown`) is no build to switch to; the run
        // still counts among the top performers.
        if matches!(key(peer.class.trim()).as_str(), "" | "unknown") {
            continue;
        }
        let (k, display) = combination(peer);
        let entry = counts.entry(k).or_insert((0, display.clone()));
        entry.0 += 1;
        if display < entry.1 {
            entry.1 = display;
        }
    }
    counts
        .into_iter()
        .filter(|(k, _)| *k != own)
        // max_by keeps the last of equals: reverse the key order so the alphabetical first wins.
        .rev()
        .max_by_key(|(_, (n, _))| *n)
        .map(|(_, (n, display))| (display, n as f64 / total as f64))
        .filter(|(_, share)| *share >= BUILD_SWITCH_MIN_SHARE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn no_lookup(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn swaps_pair_extra_alphabetically_with_missing_most_common_first() {
        // 10 top performers: A in 6, B in 4, C in 3 (all common, ≥ 30%), D in 2 (not common).
        let mut peers: Vec<Vec<String>> = vec![Vec::new(); 10];
        for (i, p) in peers.iter_mut().enumerate() {
            if i < 6 {
                p.push("Set A".into());
            }
            if i < 4 {
                p.push("Set B".into());
            }
            if i >= 7 {
                p.push("set c".into());
            }
            if i == 0 || i == 9 {
                p.push("Set D".into());
            }
        }
        let player = names(&["Zen", "Set D", "Alpha"]);
        let diff = diff_names(&player, peers.iter().map(Vec::as_slice), &no_lookup);
        let swaps: Vec<(&str, &str, f64)> = diff
            .swaps
            .iter()
            .map(|(e, c)| (e.as_str(), c.name.as_str(), c.share))
            .collect();
        assert_eq!(
            swaps,
            vec![
                ("Alpha", "Set A", 0.6),
                ("Set D", "Set B", 0.4),
                ("Zen", "set c", 0.3)
            ]
        );
        assert!(diff.unpaired_missing.is_empty());
    }

    #[test]
    fn canonical_names_merge_ids_and_spellings() {
        let lookup = |n: &str| match n.to_lowercase().as_str() {
            "set_trial_relequen" | "perfected relequen" => Some("Perfected Relequen".to_owned()),
            _ => None,
        };
        let peers = [
            names(&["SET_TRIAL_RELEQUEN", "perfected relequen"]),
            names(&["Perfected Relequen"]),
            names(&["Kinras"]),
        ];
        let diff = diff_names(&[], peers.iter().map(Vec::as_slice), &lookup);
        assert!(diff.swaps.is_empty());
        let missing: Vec<(&str, f64)> = diff
            .unpaired_missing
            .iter()
            .map(|c| (c.name.as_str(), c.share))
            .collect();
        assert_eq!(
            missing,
            vec![("Perfected Relequen", 2.0 / 3.0), ("Kinras", 1.0 / 3.0)]
        );

        let worn = diff_names(
            &names(&["perfected RELEQUEN "]),
            peers.iter().map(Vec::as_slice),
            &lookup,
        );
        assert_eq!(
            worn.unpaired_missing.len(),
            1,
            "worn under another spelling"
        );
    }

    #[test]
    fn the_most_played_other_combination_at_40_percent() {
        let b = |class: &str, sub: Option<&str>| BuildSnapshot {
            class: class.into(),
            subclass: sub.map(Into::into),
            ..Default::default()
        };
        let player = b("Templar", None);
        let peers = [
            b("Arcanist", Some("Necromancer")),
            b("Arcanist", Some("necromancer")),
            b("Templar", None),
            b("Nightblade", None),
            b("Nightblade", None),
        ];
        // Arcanist / Necromancer and Nightblade both 40%: alphabetical first wins.
        assert_eq!(
            other_combination(&player, peers.iter()),
            Some(("Arcanist / Necromancer".to_owned(), 0.4))
        );
        assert_eq!(
            other_combination(&player, peers[2..].iter()),
            Some(("Nightblade".to_owned(), 2.0 / 3.0))
        );
        assert_eq!(
            other_combination(&player, peers[1..4].iter()),
            None,
            "33% is not enough"
        );
        assert_eq!(other_combination(&player, [].iter()), None);
        let unknown = [b("Unknown", None), b("Unknown", None), b("Templar", None)];
        assert_eq!(
            other_combination(&player, unknown.iter()),
            None,
            "an unknown class is not a build to switch to"
        );
    }
}
