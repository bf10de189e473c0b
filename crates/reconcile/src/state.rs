//! The state of the log at a position: a fold over its events.

use reckon_claim::{Claim, EntryHash, Event, Subject, SubjectDef, TrustDecl};
use reckon_ledger::Entry;
use std::collections::{BTreeMap, HashMap};

/// A claim as the log records it, with what later events did to it.
#[derive(Clone, Debug)]
pub struct Recorded<'a> {
    /// The entry that recorded it.
    pub entry: &'a Entry,
    /// The claim.
    pub claim: &'a Claim,
    /// The retraction, if any: its entry and reason.
    pub retracted: Option<(u64, &'a str)>,
    /// The entry of the claim that superseded it, if any.
    pub superseded_by: Option<u64>,
}

impl Recorded<'_> {
    /// True when neither retracted nor superseded.
    pub fn is_live(&self) -> bool {
        self.retracted.is_none() && self.superseded_by.is_none()
    }
}

/// The state of the log after its first `position` entries.
#[derive(Debug, Default)]
pub struct State<'a> {
    /// How many entries were folded in.
    pub position: u64,
    /// The hash of the last entry folded in (`None` for an empty log).
    pub head: Option<EntryHash>,
    /// Every claim recorded, in log order.
    pub claims: Vec<Recorded<'a>>,
    /// The latest definition of each subject.
    pub defs: BTreeMap<Subject, &'a SubjectDef>,
    /// Aliases: a name and the name it stands for.
    pub aliases: BTreeMap<Subject, Subject>,
    /// The latest declared prior of each origin that has one, with the entry that declared it.
    pub trust: BTreeMap<&'a str, (u64, &'a TrustDecl)>,
}

impl<'a> State<'a> {
    /// Folds the first `upto` entries (all of them when `None`).
    pub fn fold(entries: &'a [Entry], upto: Option<u64>) -> State<'a> {
        State::fold_with(entries, upto, |_| true)
    }

    /// Folds the first `upto` entries as they were known by the end of `known`: claims said on
    /// or before it, and retractions and declared priors recorded on or before it (all of them when `None`).
    pub fn fold_known(
        entries: &'a [Entry],
        upto: Option<u64>,
        known: Option<reckon_claim::Period>,
    ) -> State<'a> {
        State::fold_with(entries, upto, |e| match (&e.event, known) {
            (_, None) => true,
            (Event::Claim(c), Some(k)) => c.said_on.end() <= k.end(),
            (_, Some(k)) => {
                reckon_claim::Date::from_days_since_epoch(e.at.unix().div_euclid(86_400))
                    .is_some_and(|d| d <= k.end())
            }
        })
    }

    /// Folds the first `upto` entries, leaving out claims and retractions for which `keep` is
    /// false (as if they had never been recorded: what was known by a date).
    pub fn fold_with(
        entries: &'a [Entry],
        upto: Option<u64>,
        keep: impl Fn(&Entry) -> bool,
    ) -> State<'a> {
        let n = upto.map_or(entries.len(), |u| {
            usize::try_from(u).unwrap_or(usize::MAX).min(entries.len())
        });
        let mut s = State {
            position: n as u64,
            head: entries[..n].last().map(|e| e.hash),
            ..State::default()
        };
        let mut by_hash: HashMap<EntryHash, usize> = HashMap::new();
        for e in &entries[..n] {
            match &e.event {
                Event::Claim(_) | Event::Retract { .. } | Event::Trust(_) if !keep(e) => {}
                Event::Claim(c) => {
                    if let Some(i) = c.supersedes.as_ref().and_then(|h| by_hash.get(h)) {
                        s.claims[*i].superseded_by = Some(e.seq);
                    }
                    by_hash.insert(e.hash, s.claims.len());
                    s.claims.push(Recorded {
                        entry: e,
                        claim: c,
                        retracted: None,
                        superseded_by: None,
                    });
                }
                Event::Retract { claim, reason } => {
                    if let Some(i) = by_hash.get(claim) {
                        s.claims[*i].retracted = Some((e.seq, reason));
                    }
                }
                Event::Define(d) => {
                    s.defs.insert(d.subject.clone(), d);
                }
                Event::Alias { subject, same_as } => {
                    s.aliases.insert(subject.clone(), same_as.clone());
                }
                Event::Trust(t) => {
                    s.trust.insert(t.origin.as_str(), (e.seq, t));
                }
                // The log's name says nothing about any figure.
                Event::Log(_) => {}
            }
        }
        s
    }

    /// The name a subject stands for after following aliases.
    pub fn canonical<'s>(&'s self, subject: &'s Subject) -> &'s Subject {
        // Aliases are checked for cycles when appended; the bound keeps a hand-edited log safe.
        reckon_claim::follow_aliases(subject, self.aliases.len(), |s| self.aliases.get(s))
    }

    /// Up to `max` known subjects nearest to what someone typed: those it is a prefix of,
    /// else those a few edits away. For "did you mean" hints.
    pub fn nearest_subjects(&self, typed: &str, max: usize) -> Vec<&str> {
        let mut known: Vec<&str> = self
            .claims
            .iter()
            .map(|c| c.claim.subject.as_str())
            .collect();
        known.extend(self.defs.keys().map(|s| s.as_str()));
        known.sort_unstable();
        known.dedup();
        let near: Vec<&str> = known
            .iter()
            .copied()
            .filter(|k| k.starts_with(typed))
            .take(max)
            .collect();
        if near.is_empty() {
            reckon_claim::suggest::nearest(typed, known.iter().copied(), max)
        } else {
            near
        }
    }

    /// The names that stand for `subject` (not counting itself).
    pub fn aliases_of(&self, subject: &Subject) -> Vec<&Subject> {
        self.aliases
            .keys()
            .filter(|a| *a != subject && self.canonical(a) == subject)
            .collect()
    }
}

/// What later entries did to an entry, for `reckon show`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fate {
    /// The entries that retracted it, with their reasons.
    pub retracted_by: Vec<(u64, String)>,
    /// The entries that superseded it.
    pub superseded_by: Vec<u64>,
}

impl Fate {
    /// The fate of `e` among `entries` (the whole log, in order): every later retraction and
    /// correction that names it.
    pub fn of(entries: &[Entry], e: &Entry) -> Fate {
        let mut fate = Fate::default();
        let later = usize::try_from(e.seq)
            .unwrap_or(usize::MAX)
            .min(entries.len());
        for l in &entries[later..] {
            match &l.event {
                Event::Retract { claim, reason } if *claim == e.hash => {
                    fate.retracted_by.push((l.seq, reason.clone()));
                }
                Event::Claim(c) if c.supersedes == Some(e.hash) => fate.superseded_by.push(l.seq),
                _ => {}
            }
        }
        fate
    }
}
