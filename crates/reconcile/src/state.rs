//! The state of the log at a position: a fold over its events.
//!
//! A claim is held as its [`Core`]: what reconciling reads of it, compact and owned, with
//! names shared across claims. A state folded from decoded entries ([`State::fold`]) also
//! points at each whole claim ([`Recorded::full`]); a lean state ([`State::fold_lean`], made
//! from [`Lean`] items projected one entry at a time) does not, so that a large log is
//! reconciled without every decoded entry in memory, and readers that print a claim's
//! provenance fetch it by sequence number.

use crate::fx::FxBuild;
use reckon_claim::{
    Claim, ClaimView, EntryHash, Event, Figure, Modality, Period, Precision, Subject, SubjectDef,
    Timestamp, TrustDecl,
};
use reckon_ledger::{Brief, Entry};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// What reconciling reads of a claim: everything that decides a figure, and the scope that
/// explanations compare. Names are shared: a state holds one copy of each subject, unit,
/// origin and scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Core {
    /// The quantity the figure is about.
    pub subject: Arc<Subject>,
    /// The figure, as stated and as read.
    pub value: Figure,
    /// The unit.
    pub unit: Arc<str>,
    /// The origin for independence ([`Claim::origin`]).
    pub origin: Arc<str>,
    /// Words that narrow what was counted.
    pub scope: Option<Arc<str>>,
    /// The time the figure describes.
    pub as_of: Option<Period>,
    /// When it was said.
    pub said_on: Period,
    /// Asserted, expected or denied.
    pub modality: Modality,
    /// How precisely its figure is meant, when it overrides the subject's.
    pub precision: Option<Precision>,
}

impl Core {
    /// The core of a claim, its names shared through `names`.
    pub fn of(c: &Claim, names: &Names) -> Core {
        Core {
            subject: names.subject(&c.subject),
            value: c.value.clone(),
            unit: names.name(&c.unit),
            origin: names.name(c.origin()),
            scope: c.scope.as_deref().map(|s| names.name(s)),
            as_of: c.as_of,
            said_on: c.said_on,
            modality: c.modality,
            precision: c.precision,
        }
    }

    /// [`Core::of`] a claim read briefly: the same core, taking its figure.
    fn of_view(c: ClaimView<'_>, names: &Names) -> Core {
        Core {
            subject: names.subject(&c.subject),
            unit: names.name(&c.unit),
            origin: names.name(c.origin()),
            scope: c.scope.as_deref().map(|s| names.name(s)),
            as_of: c.as_of,
            said_on: c.said_on,
            modality: c.modality,
            precision: c.precision,
            value: c.value,
        }
    }
}

/// A claim entry reduced to what a lean state keeps: see [`Lean::of`].
#[derive(Clone, Debug)]
pub struct LeanClaim {
    /// Its sequence number.
    pub seq: u64,
    /// Its entry's hash.
    pub hash: EntryHash,
    /// When it was recorded.
    pub at: Timestamp,
    /// What reconciling reads of it.
    pub core: Core,
    /// The claim it corrects, if any.
    pub supersedes: Option<EntryHash>,
}

impl LeanClaim {
    /// The reduced form of entry `e`, whose event is the claim `c`.
    fn of(e: &Entry, c: &Claim, names: &Names) -> LeanClaim {
        LeanClaim {
            seq: e.seq,
            hash: e.hash,
            at: e.at,
            core: Core::of(c, names),
            supersedes: c.supersedes,
        }
    }
}

/// One entry as a lean state is folded from: a claim's core, or any other event whole (they
/// are few, and definitions, aliases, retractions and priors are read as they are).
// Nearly every entry is a claim: boxing the large variant would allocate once per claim.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Lean {
    /// A claim, reduced.
    Claim(LeanClaim),
    /// Any other event.
    Other(Box<Entry>),
}

impl Lean {
    /// Reduces a decoded entry: for [`reckon_ledger::Snapshot::project`], so that a pass over
    /// the log keeps a few dozen bytes of each claim and not the whole entry. Every entry of
    /// one log is reduced with the same `names`.
    pub fn of(e: Entry, names: &Names) -> Lean {
        match &e.event {
            Event::Claim(c) => Lean::Claim(LeanClaim::of(&e, c, names)),
            _ => Lean::Other(Box::new(e)),
        }
    }

    /// [`Lean::of`] an entry read briefly ([`reckon_ledger::Snapshot::project_brief`]): the
    /// same reduction, without copying the words it drops.
    pub fn brief(b: Brief<'_>, names: &Names) -> Lean {
        match b {
            Brief::Claim {
                seq,
                hash,
                at,
                claim,
            } => Lean::Claim(LeanClaim {
                seq,
                hash,
                at,
                supersedes: claim.supersedes,
                core: Core::of_view(claim, names),
            }),
            Brief::Whole(e) => Lean::of(e, names),
        }
    }
}

/// A claim as the log records it, with what later events did to it.
#[derive(Clone, Debug)]
pub struct Recorded<'a> {
    /// Its sequence number.
    pub seq: u64,
    /// Its entry's hash.
    pub hash: EntryHash,
    /// What reconciling reads of it.
    pub claim: Core,
    /// The whole claim: always there in a state folded from decoded entries, never in a lean
    /// one (whose readers fetch it by [`Recorded::seq`]).
    pub full: Option<&'a Claim>,
    /// The retraction, if any: its entry and reason (boxed: a state holds a million claims,
    /// few of them retracted).
    retraction: Option<Box<(u64, Arc<str>)>>,
    /// The entry of the claim that superseded it (a sequence number, never 0), if any.
    superseded: Option<std::num::NonZeroU64>,
}

impl Recorded<'_> {
    /// True when neither retracted nor superseded.
    pub fn is_live(&self) -> bool {
        self.retraction.is_none() && self.superseded.is_none()
    }

    /// The retraction, if any: the entry that made it and its reason.
    pub fn retracted(&self) -> Option<(u64, &Arc<str>)> {
        self.retraction.as_deref().map(|(seq, why)| (*seq, why))
    }

    /// The entry of the claim that superseded it, if any.
    pub fn superseded_by(&self) -> Option<u64> {
        self.superseded.map(std::num::NonZeroU64::get)
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
    pub defs: BTreeMap<Subject, SubjectDef>,
    /// Aliases: a name and the name it stands for.
    pub aliases: BTreeMap<Subject, Subject>,
    /// The latest declared prior of each origin that has one, with the entry that declared it.
    pub trust: BTreeMap<String, (u64, TrustDecl)>,
}

/// One entry as the fold reads it.
#[allow(clippy::large_enum_variant)] // moved once, never stored
enum Item<'a, 'e> {
    Claim {
        claim: LeanClaim,
        full: Option<&'a Claim>,
    },
    Other(&'e Entry),
}

/// One shared copy of each name (subjects, units, origins, scopes), for claims reduced on
/// all cores at once: [`Lean::of`] looks each name up and allocates only the first of each.
pub struct Names {
    shards: Vec<std::sync::Mutex<Shard>>,
}

#[derive(Default)]
struct Shard {
    subjects: HashSet<Arc<Subject>, FxBuild>,
    names: HashSet<Arc<str>, FxBuild>,
}

impl Default for Names {
    fn default() -> Names {
        Names {
            shards: (0..SHARDS).map(|_| Default::default()).collect(),
        }
    }
}

/// How many locks the names are spread over, so that threads seldom wait for each other.
const SHARDS: usize = 32;

impl Names {
    fn shard(&self, s: &str) -> std::sync::MutexGuard<'_, Shard> {
        // The top bits of a hash pick the shard (the set inside uses the low ones).
        let h = std::hash::BuildHasher::hash_one(&FxBuild::default(), s);
        let i = usize::try_from((h >> 58) % SHARDS as u64).unwrap_or(0);
        // A thread that panicked holding a shard left it whole (an insert is one step).
        self.shards[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The shared copy of a name.
    pub fn name(&self, s: &str) -> Arc<str> {
        let mut shard = self.shard(s);
        match shard.names.get(s) {
            Some(k) => Arc::clone(k),
            None => {
                let k: Arc<str> = Arc::from(s);
                shard.names.insert(Arc::clone(&k));
                k
            }
        }
    }

    /// The shared copy of a subject.
    pub fn subject(&self, s: &Subject) -> Arc<Subject> {
        let mut shard = self.shard(s.as_str());
        match shard.subjects.get(s) {
            Some(k) => Arc::clone(k),
            None => {
                let k = Arc::new(s.clone());
                shard.subjects.insert(Arc::clone(&k));
                k
            }
        }
    }
}

/// Whether an entry was known by the end of `known`: a claim said on or before it, another
/// event recorded on or before it (everything when `None`).
fn known_by(known: &Option<Period>, at: Timestamp, said_on: Option<Period>) -> bool {
    match (said_on, known) {
        (_, None) => true,
        (Some(said), Some(k)) => said.end() <= k.end(),
        (None, Some(k)) => reckon_claim::Date::from_days_since_epoch(at.unix().div_euclid(86_400))
            .is_some_and(|d| d <= k.end()),
    }
}

/// The fold's working memory: where each claim is, and each subject's definitions still
/// standing (a retraction withdraws one; the one before it, if any, stands again).
///
/// What later entries do to claims (a correction, a retraction) is kept in log order and done
/// when the fold ends: an entry can only name an entry before it (its hash is chained into
/// every entry after it), so this is what doing each at once would do, without a map from
/// every claim's hash to its place.
#[derive(Default)]
struct Folding {
    later: Vec<(EntryHash, Mark)>,
    definitions: HashMap<EntryHash, Subject>,
    standing: HashMap<Subject, Vec<(EntryHash, SubjectDef)>>,
}

/// What a later entry does to the claim it names.
enum Mark {
    SupersededBy(u64),
    Retracted(u64, Arc<str>),
}

impl Folding {
    fn step<'a>(&mut self, s: &mut State<'a>, item: Item<'a, '_>, known: &Option<Period>) {
        let e = match item {
            Item::Claim { claim, full } => {
                if !known_by(known, claim.at, Some(claim.core.said_on)) {
                    return;
                }
                if let Some(h) = claim.supersedes {
                    self.later.push((h, Mark::SupersededBy(claim.seq)));
                }
                s.claims.push(Recorded {
                    seq: claim.seq,
                    hash: claim.hash,
                    claim: claim.core,
                    full,
                    retraction: None,
                    superseded: None,
                });
                return;
            }
            Item::Other(e) => e,
        };
        match &e.event {
            Event::Retract { .. } | Event::Trust(_) if !known_by(known, e.at, None) => {}
            Event::Retract { claim, reason } => {
                if !self.definitions.contains_key(claim) {
                    let mark = Mark::Retracted(e.seq, Arc::from(reason.as_str()));
                    self.later.push((*claim, mark));
                } else if let Some(subject) = self.definitions.remove(claim)
                    && let Some(defs) = self.standing.get_mut(&subject)
                {
                    defs.retain(|(h, _)| h != claim);
                    match defs.last() {
                        Some((_, d)) => {
                            s.defs.insert(subject, d.clone());
                        }
                        None => {
                            s.defs.remove(&subject);
                        }
                    }
                }
            }
            Event::Define(d) => {
                self.definitions.insert(e.hash, d.subject.clone());
                self.standing
                    .entry(d.subject.clone())
                    .or_default()
                    .push((e.hash, d.clone()));
                s.defs.insert(d.subject.clone(), d.clone());
            }
            Event::Alias { subject, same_as } => {
                s.aliases.insert(subject.clone(), same_as.clone());
            }
            Event::Trust(t) => {
                s.trust.insert(t.origin.clone(), (e.seq, t.clone()));
            }
            // The log's name says nothing about any figure; claims come as `Item::Claim`.
            Event::Log(_) | Event::Claim(_) => {}
        }
    }
}

impl Folding {
    /// Does to each claim what later entries did to it, in log order (the last of each kind
    /// stands); a name that is no claim folded in is passed over.
    fn finish(self, s: &mut State<'_>) {
        if self.later.is_empty() {
            return;
        }
        let named: HashMap<EntryHash, usize, FxBuild> = {
            let wanted: HashSet<EntryHash, FxBuild> = self.later.iter().map(|(h, _)| *h).collect();
            s.claims
                .iter()
                .enumerate()
                .filter(|(_, c)| wanted.contains(&c.hash))
                .map(|(i, c)| (c.hash, i))
                .collect()
        };
        for (h, mark) in self.later {
            let Some(c) = named.get(&h).and_then(|&i| s.claims.get_mut(i)) else {
                continue;
            };
            match mark {
                // Sequence numbers start at 1.
                Mark::SupersededBy(seq) => c.superseded = std::num::NonZeroU64::new(seq),
                Mark::Retracted(seq, why) => c.retraction = Some(Box::new((seq, why))),
            }
        }
    }
}

impl<'a> State<'a> {
    /// Folds the first `upto` entries (all of them when `None`).
    pub fn fold(entries: &'a [Entry], upto: Option<u64>) -> State<'a> {
        State::fold_known(entries, upto, None)
    }

    /// Folds the first `upto` entries as they were known by the end of `known`: claims said on
    /// or before it, and retractions and declared priors recorded on or before it (all of them when `None`).
    pub fn fold_known(entries: &'a [Entry], upto: Option<u64>, known: Option<Period>) -> State<'a> {
        let n = upto.map_or(entries.len(), |u| {
            usize::try_from(u).unwrap_or(usize::MAX).min(entries.len())
        });
        let names = Names::default();
        let items = entries[..n].iter().map(|e| match &e.event {
            Event::Claim(c) => Item::Claim {
                claim: LeanClaim::of(e, c, &names),
                full: Some(c),
            },
            _ => Item::Other(e),
        });
        let mut s = State::fold_items(items, known);
        s.position = n as u64;
        s.head = entries[..n].last().map(|e| e.hash);
        s
    }

    /// Folds lean entries (every entry of a log, in order, as [`Lean::of`] reduced them) up to
    /// entry `upto` (all when `None`), as known by the end of `known`: the same state as
    /// [`State::fold_known`] makes from the same entries, without [`Recorded::full`].
    pub fn fold_lean(
        lean: impl IntoIterator<Item = Lean>,
        upto: Option<u64>,
        known: Option<Period>,
    ) -> State<'a> {
        let lean = lean.into_iter();
        let n = upto.map_or(usize::MAX, |u| usize::try_from(u).unwrap_or(usize::MAX));
        let mut s = State::default();
        let mut f = Folding::default();
        let room = lean.size_hint().0.min(n);
        s.claims.reserve(room);
        for l in lean.take(n) {
            s.position += 1;
            match l {
                Lean::Claim(claim) => {
                    s.head = Some(claim.hash);
                    f.step(&mut s, Item::Claim { claim, full: None }, &known);
                }
                Lean::Other(e) => {
                    s.head = Some(e.hash);
                    f.step(&mut s, Item::Other(&e), &known);
                }
            }
        }
        f.finish(&mut s);
        s
    }

    fn fold_items<'e>(
        items: impl Iterator<Item = Item<'a, 'e>>,
        known: Option<Period>,
    ) -> State<'a> {
        let mut s = State::default();
        let mut f = Folding::default();
        for item in items {
            f.step(&mut s, item, &known);
        }
        f.finish(&mut s);
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
        self.nearest_subjects_among(&[], typed, max)
    }

    /// [`State::nearest_subjects`] with `also` known besides: the names of claims a state
    /// folded from part of a log does not hold.
    pub fn nearest_subjects_among<'s>(
        &'s self,
        also: &'s [String],
        typed: &str,
        max: usize,
    ) -> Vec<&'s str> {
        let mut known: Vec<&str> = self
            .claims
            .iter()
            .map(|c| c.claim.subject.as_str())
            .collect();
        known.extend(also.iter().map(String::as_str));
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
        let later = usize::try_from(e.seq)
            .unwrap_or(usize::MAX)
            .min(entries.len());
        Fate::of_later(&entries[later..], e)
    }

    /// The fate of `e` from the entries after it.
    fn of_later(later: &[Entry], e: &Entry) -> Fate {
        let mut fate = Fate::default();
        for l in later {
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

    /// The fate of `e` from `later`: entries of its log in order, any subset that holds every
    /// entry that [`Fate::could_change`] (the entries at or before `e` are passed over).
    pub fn among(later: &[Entry], e: &Entry) -> Fate {
        let from = later.partition_point(|l| l.seq <= e.seq);
        Fate::of_later(&later[from..], e)
    }

    /// Whether `l` retracts or corrects an entry: what [`Fate::among`] must be given.
    pub fn could_change(l: &Entry) -> bool {
        matches!(&l.event, Event::Retract { .. })
            || matches!(&l.event, Event::Claim(c) if c.supersedes.is_some())
    }

    /// Whether an event written as `event_json` (as a log line holds it) could retract or
    /// correct an entry, told from its text without decoding it: true of every event
    /// [`Fate::could_change`] is true of, and of a few more. A retraction's text holds
    /// `retract` and a correction's `supersedes`, each as is or spelt with a `\u` escape
    /// (the only other way JSON can write those letters), so any text holding one of the
    /// three is taken to be one.
    pub fn could_change_text(event_json: &str) -> bool {
        ["retract", "supersedes", "\\u"]
            .iter()
            .any(|word| event_json.contains(word))
    }

    /// The fate of every entry of `entries` (the whole log, in order), in one pass: entry `k`'s
    /// is `Fate::of(entries, &entries[k])`.
    pub fn all(entries: &[Entry]) -> Vec<Fate> {
        let at: HashMap<EntryHash, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.hash, i))
            .collect();
        let mut fates = vec![Fate::default(); entries.len()];
        for (k, l) in entries.iter().enumerate() {
            let target = match &l.event {
                Event::Retract { claim, .. } => claim,
                Event::Claim(c) => match &c.supersedes {
                    Some(h) => h,
                    None => continue,
                },
                _ => continue,
            };
            // Only a later entry changes an entry's fate.
            let Some(&i) = at.get(target).filter(|i| **i < k) else {
                continue;
            };
            match &l.event {
                Event::Retract { reason, .. } => {
                    fates[i].retracted_by.push((l.seq, reason.clone()))
                }
                _ => fates[i].superseded_by.push(l.seq),
            }
        }
        fates
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entry(seq: u64, event: Event) -> Entry {
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&seq.to_le_bytes());
        Entry {
            seq,
            prev: EntryHash([0; 32]),
            at: Timestamp::from_unix(1_750_000_000),
            event,
            hash: EntryHash(hash),
        }
    }

    fn claim(value: &str, supersedes: Option<EntryHash>) -> Event {
        let json = format!(
            r#"{{"type":"claim","subject":"a/b","value":"{value}","unit":"people","said_on":"2025-05-01","speaker":"X","publisher":"P"}}"#
        );
        let Event::Claim(mut c) = serde_json::from_str::<Event>(&json).unwrap() else {
            panic!("not a claim");
        };
        c.supersedes = supersedes;
        Event::Claim(c)
    }

    fn retract(of: &Entry, reason: &str) -> Event {
        Event::Retract {
            claim: of.hash,
            reason: reason.into(),
        }
    }

    /// What `could_change_text` says of an event's text holds for every event that could
    /// change a fate (retractions, corrections), written as the log writes it or with its
    /// letters escaped; of other events it says no unless their text holds one of its words.
    #[test]
    fn an_event_that_could_change_a_fate_is_told_from_its_text() {
        let first = entry(1, claim("10", None));
        let events = [
            (retract(&first, "misread"), true),
            (claim("11", Some(first.hash)), true),
            (claim("12", None), false),
            (
                Event::Alias {
                    subject: reckon_claim::Subject::parse("a/c").unwrap(),
                    same_as: reckon_claim::Subject::parse("a/b").unwrap(),
                },
                false,
            ),
        ];
        for (event, changes) in events {
            let e = entry(2, event);
            assert_eq!(Fate::could_change(&e), changes);
            let text = serde_json::to_string(&e.event).unwrap();
            assert_eq!(Fate::could_change_text(&text), changes, "{text}");
            // The same event with its letters escaped reads back as the same event, and is
            // still told.
            let escaped = text
                .replace("retract", "\\u0072etract")
                .replace("supersedes", "\\u0073upersedes");
            assert_eq!(serde_json::from_str::<Event>(&escaped).unwrap(), e.event);
            assert!(!changes || Fate::could_change_text(&escaped), "{escaped}");
        }
        // A claim whose words merely hold `retract` is decoded too (no harm: it is then
        // seen not to change anything).
        assert!(Fate::could_change_text(
            r#"{"type":"claim","quote":"they retracted it"}"#
        ));
    }

    /// Corrections and retractions are done when the fold ends, in log order: the last of
    /// each kind stands, one naming no claim changes nothing, and a fold stopped before them
    /// has none of them. The lean fold agrees with the whole one.
    #[test]
    fn the_last_correction_and_retraction_of_a_claim_stand() {
        let first = entry(1, claim("10", None));
        let mut entries = vec![first.clone(), entry(2, claim("20", None))];
        entries.push(entry(3, claim("11", Some(first.hash))));
        entries.push(entry(4, claim("12", Some(first.hash))));
        entries.push(entry(5, retract(&first, "first reason")));
        entries.push(entry(6, retract(&first, "second reason")));
        entries.push(entry(
            7,
            retract(&entry(99, claim("1", None)), "no such claim"),
        ));
        let s = State::fold(&entries, None);
        assert_eq!(s.claims[0].superseded_by(), Some(4));
        assert_eq!(
            s.claims[0].retracted().map(|(seq, why)| (seq, &**why)),
            Some((6, "second reason"))
        );
        assert!(s.claims[1..].iter().all(Recorded::is_live));
        let names = Names::default();
        let lean = State::fold_lean(
            entries.iter().cloned().map(|e| Lean::of(e, &names)),
            None,
            None,
        );
        for (a, b) in s.claims.iter().zip(&lean.claims) {
            assert_eq!(
                (a.superseded_by(), a.retracted()),
                (b.superseded_by(), b.retracted())
            );
        }
        let before = State::fold(&entries, Some(3));
        assert_eq!(before.claims[0].superseded_by(), Some(3));
        assert!(before.claims[0].retracted().is_none());
    }
}
