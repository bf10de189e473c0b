//! From the state to a report per subject: grouping, the sweep, trust for ties, relations.

use crate::fx::FxBuild;
use crate::parts;
use crate::pattern::Pattern;
use crate::reliability::{Declared, Learned, Model, Prepared, Vote};
use crate::report::{Assessed, Excluded, OriginWeight, Relation, Status, SubjectReport, TieBreak};
use crate::series;
use crate::state::State;
use crate::sweep::{Candidate, best_regions, end_key, start_key};
use reckon_claim::{End, EntryHash, Interval, Kind, Modality, Num, Period, Subject, Tolerance};
use std::collections::{BTreeMap, HashMap};

/// Origin records learned from a whole log, by origin.
pub type Records = BTreeMap<String, Record>;

/// How the figure is chosen among the regions the claims support.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// The region with the greatest support of origins weighed by their learned reliability
    /// ([`crate::reliability`]).
    #[default]
    Weighted,
    /// The region stated by the most distinct origins, each counting one; ties are broken by
    /// the origins' records on other subjects.
    Count,
}

/// Settings of a reconciliation.
#[derive(Clone, Debug)]
pub struct Options {
    /// How the figure is chosen.
    pub method: Method,
    /// The reliability model's settings.
    pub model: Model,
    /// The tolerance of approximate figures when neither the claim nor its subject sets one.
    pub tolerance: Tolerance,
    /// Rounds of the reliability estimate used to break ties.
    pub trust_rounds: usize,
    /// The time figures should describe; `None` for the latest `as_of` of each subject.
    pub valid: Option<Period>,
    /// Origin records learned beforehand from the whole log (by [`estimate_records`]); when
    /// given, ties are broken with them instead of estimating from the state at hand, which
    /// may then hold only some subjects.
    pub records: Option<std::sync::Arc<Records>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            method: Method::Weighted,
            model: Model::default(),
            tolerance: Tolerance::DEFAULT,
            trust_rounds: 8,
            valid: None,
            records: None,
        }
    }
}

/// Which way of learning [`Record`]s this build has: saved records (the index keeps them
/// beside the log) made by a build with another are not this build's answer, and are made
/// again. Raise it whenever what the reliability fit learns from the same log changes (the
/// fit's tests pin what it learns beside this number). 2: the fit's extrapolated rounds
/// (session 33); 3: the average origin's accuracy smoothed toward the starting accuracy
/// (session 34); 4: each record carries the prior its accuracy was smoothed toward; 5: the
/// figures it learns from read a scale after a range as both ends' (session 42).
pub const RECORDS_VERSION: u8 = 5;

/// What the log shows of an origin: its learned reliability, and how often its figure was the
/// reconciled one on subjects with two or more origins.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Record {
    /// Subjects where its claim supported the figure counting origins ([`Method::Count`]).
    pub agreed: u32,
    /// Subjects with two or more origins where it made a counted claim.
    pub contested: u32,
    /// Subjects where its claim supported the weighted figure.
    pub backed: u32,
    /// Its learned accuracy and copying rate.
    pub learned: Learned,
    /// The prior its accuracy was smoothed toward: its declared prior, or else the average
    /// origin's accuracy ([`crate::reliability::priors_at`]).
    pub prior: f64,
}

impl Record {
    /// The reliability estimate, `(agreed + 1) / (contested + 2)`.
    pub fn trust(self) -> f64 {
        (f64::from(self.agreed) + 1.0) / (f64::from(self.contested) + 2.0)
    }
}

/// The reconciliation of a log at a position: each selected subject's report, or what
/// [`reconcile_map`] made of it.
#[derive(Clone, Debug)]
pub struct Reconciliation<S = SubjectReport> {
    /// How many log entries it covers.
    pub position: u64,
    /// The hash of the last of them.
    pub head: Option<EntryHash>,
    /// The subjects selected, by subject then unit.
    pub subjects: Vec<S>,
    /// Each origin's record, for the origins of the selected subjects.
    pub records: BTreeMap<String, Record>,
}

/// One subject in one unit, while it is being worked on.
struct Group {
    subject: Subject,
    unit: String,
    claims: Vec<usize>,
    /// For a range subject, the distinct ranges its claims state: claim `k` votes for the
    /// point `i` standing for `ranges[i]`, so that only equal ranges support each other.
    ranges: Option<Vec<Interval>>,
    eligible: Vec<bool>,
    as_of: Option<Period>,
    tolerance: Tolerance,
    window: u32,
    kind: Kind,
    window_set: bool,
    best: Option<(usize, Vec<Candidate>)>,
    /// The distinct origins of the counted claims, sorted.
    voters: Vec<u32>,
    /// The counted claims cut into segments, for the reliability model.
    prepared: Prepared,
}

/// What each claim of a group means, in group order: made when the group is built, and
/// handed to its report when the group is built as its report is made (the records known
/// beforehand); a group built to learn the records makes them again when it is reported,
/// never kept between (three values a claim, for every claim of the log, while the
/// reliability fit runs).
struct Measures {
    intervals: Vec<Option<Interval>>,
    /// What each claim is consistent with: its interval, widened for a round figure that may
    /// be a rounding. The figure is chosen on these.
    reach: Vec<Option<Interval>>,
    /// How far each claim's rounding reaches, when it may be one.
    rounding: Vec<Option<Num>>,
}

impl Measures {
    /// The measures of `claims` (indices into the state's claims) under `subject`'s
    /// definition; `ranges` are the distinct ranges of a range subject ([`distinct_ranges`]).
    fn of(
        state: &State<'_>,
        subject: &Subject,
        claims: &[usize],
        (tolerance, kind): (Tolerance, Kind),
        ranges: Option<&[Interval]>,
    ) -> Measures {
        let subject_precision = state.defs.get(subject).and_then(|d| d.precision);
        let intervals = intervals_of(state, claims, tolerance);
        // A range's ends are facts: it is compared whole, never as a rounding.
        let rounding: Vec<Option<Num>> = claims
            .iter()
            .map(|&i| {
                let c = &state.claims[i].claim;
                let precision = c.precision.or(subject_precision).unwrap_or_default();
                (kind != Kind::Range)
                    .then(|| c.value.rounding(precision, tolerance))
                    .flatten()
            })
            .collect();
        let reach: Vec<Option<Interval>> = intervals
            .iter()
            .zip(&rounding)
            .map(|(iv, h)| match (iv, h, ranges) {
                (Some(iv), _, Some(all)) => all
                    .binary_search_by_key(&range_key(iv), range_key)
                    .ok()
                    .map(|i| Interval::point(Num::from_int(i as i64))),
                (Some(iv), Some(h), None) => widen(iv, *h).or(Some(*iv)),
                (iv, _, _) => *iv,
            })
            .collect();
        Measures {
            intervals,
            reach,
            rounding,
        }
    }
}

/// The interval each of `claims` means.
fn intervals_of(
    state: &State<'_>,
    claims: &[usize],
    tolerance: Tolerance,
) -> Vec<Option<Interval>> {
    claims
        .iter()
        .map(|&i| state.claims[i].claim.value.value().interval(tolerance))
        .collect()
}

/// The distinct ranges `claims` state, in [`range_key`] order: what a range subject's claims
/// vote for (see [`Group::ranges`]).
fn distinct_ranges(state: &State<'_>, claims: &[usize], tolerance: Tolerance) -> Vec<Interval> {
    let mut v: Vec<Interval> = intervals_of(state, claims, tolerance)
        .into_iter()
        .flatten()
        .collect();
    v.sort_unstable_by_key(range_key);
    v.dedup();
    v
}

/// How ranges are ordered: by lower end, then upper end (unbounded last).
fn range_key(x: &Interval) -> (crate::sweep::Key, bool, Option<crate::sweep::Key>) {
    (start_key(x), end_key(x).is_none(), end_key(x))
}

impl Group {
    /// The measures of its claims, again (see [`Measures`]).
    fn measures(&self, state: &State<'_>) -> Measures {
        Measures::of(
            state,
            &self.subject,
            &self.claims,
            (self.tolerance, self.kind),
            self.ranges.as_deref(),
        )
    }
}

/// True when two times are within `window` days of each other.
pub(crate) fn near(a: &Period, b: &Period, window: u32) -> bool {
    let w = i64::from(window);
    a.start().days_since_epoch() - w <= b.end().days_since_epoch()
        && b.start().days_since_epoch() - w <= a.end().days_since_epoch()
}

/// The subjects a pattern names through an alias: what the aliases it matches stand for.
fn named_by_alias<'s>(
    state: &'s State<'_>,
    pattern: Option<&Pattern>,
) -> std::collections::HashSet<&'s Subject> {
    let Some(p) = pattern else {
        return std::collections::HashSet::new();
    };
    state
        .aliases
        .keys()
        .filter(|a| p.matches(a.as_str()))
        .map(|a| state.canonical(a))
        .collect()
}

/// Whether `pattern` selects subject `s` (a canonical name), by its name or by an alias.
fn selected(
    pattern: Option<&Pattern>,
    by_alias: &std::collections::HashSet<&Subject>,
    s: &Subject,
) -> bool {
    pattern.is_none_or(|p| p.matches(s.as_str()) || by_alias.contains(s))
}

/// Reconciles every subject; `pattern` selects which are reported (all are used to estimate
/// the reliability of origins).
pub fn reconcile(state: &State<'_>, pattern: Option<&Pattern>, opts: &Options) -> Reconciliation {
    reconcile_map(state, pattern, opts, &|s| s)
}

/// [`reconcile`], each subject's report handed to `make` once it is made and only what
/// `make` returns kept: the reports of a large log are never all held at once (see
/// [`Reports`]). The same subjects in the same order as [`reconcile`].
pub fn reconcile_map<S: Send>(
    state: &State<'_>,
    pattern: Option<&Pattern>,
    opts: &Options,
    make: &(dyn Fn(SubjectReport) -> S + Sync),
) -> Reconciliation<S> {
    let mut reports = reconcile_reports(state, pattern, opts);
    let mut subjects = Vec::with_capacity(reports.len());
    loop {
        let batch = reports.next_batch(Reports::BATCH);
        if batch.is_empty() {
            break;
        }
        subjects.extend(par_map(batch, make));
    }
    Reconciliation {
        position: reports.position,
        head: reports.head,
        subjects,
        records: std::mem::take(&mut reports.records),
    }
}

/// [`reconcile`] with the reports still to be made, a batch at a time, in order: what a
/// reader of a large log streams (see [`Reports::next_batch`]).
pub fn reconcile_reports<'r, 'a>(
    state: &'r State<'a>,
    pattern: Option<&Pattern>,
    opts: &'r Options,
) -> Reports<'r, 'a> {
    let by_alias = named_by_alias(state, pattern);
    let selects = |s: &Subject| selected(pattern, &by_alias, s);
    // With records known beforehand, only the subjects asked about (and their sums) are needed.
    let needed = parts::needed(
        state,
        pattern.map(|_| &selects as &dyn Fn(&Subject) -> bool),
    );
    let keep =
        |s: &Subject| opts.records.is_none() || selects(s) || parts::is_needed(needed.as_ref(), s);
    let (pending, claim_origin, origin_names) = grouped(state, &keep);
    // With the records known, each group is built when its report is made.
    let (pending, records): (Vec<Pending<'r>>, Vec<Record>) = match &opts.records {
        Some(known) => (
            pending,
            origin_names
                .iter()
                .map(|n| known.get(*n).copied().unwrap_or_else(Record::unknown))
                .collect(),
        ),
        None => {
            let groups = built(state, pending, &claim_origin, opts);
            let records = learn_records(state, &groups, &origin_names, opts);
            (
                groups
                    .into_iter()
                    .map(|g| Pending::Built(Box::new(g)))
                    .collect(),
                records,
            )
        }
    };
    let names: Vec<std::sync::Arc<str>> = origin_names
        .iter()
        .map(|n| std::sync::Arc::from(*n))
        .collect();
    let chosen: Vec<Pending<'r>> = pending
        .into_iter()
        .filter(|g| selects(g.key().0) || parts::is_needed(needed.as_ref(), g.key().0))
        .collect();
    let mut used: Vec<u32> = chosen
        .iter()
        .flat_map(|g| g.claims().iter().map(|&i| claim_origin[i]))
        .collect();
    used.sort_unstable();
    used.dedup();
    // The groups chosen for a subject outside every sum are all selected ones.
    let members = parts::members(state);
    let (kept, alone): (Vec<Pending<'r>>, Vec<Pending<'r>>) = if members.is_empty() {
        (Vec::new(), chosen)
    } else {
        chosen
            .into_iter()
            .partition(|g| members.contains(g.key().0))
    };
    let mut kept: Vec<SubjectReport> = par_map(kept, |g| {
        g.report(state, &claim_origin, (&names, &records), opts)
    });
    parts::apply(state, &mut kept, opts);
    kept.retain(|s| selects(&s.subject));
    let others = other_units(&kept, |s| (&s.subject, s.unit.as_str()));
    for (s, o) in kept.iter_mut().zip(others) {
        s.other_units = o;
    }
    let others = other_units(&alone, Pending::key);
    Reports {
        position: state.position,
        head: state.head,
        records: used
            .into_iter()
            .map(|o| (origin_names[o as usize].to_owned(), records[o as usize]))
            .collect(),
        state,
        opts,
        claim_origin,
        names,
        numbered: records,
        left: alone.len() + kept.len(),
        alone: alone
            .into_iter()
            .zip(others)
            .collect::<Vec<_>>()
            .into_iter(),
        kept,
        kept_next: 0,
    }
}

/// Every origin's record over the whole state: what [`Options::records`] takes.
pub fn estimate_records(state: &State<'_>, opts: &Options) -> Records {
    let (pending, claim_origin, origin_names) = grouped(state, &|_| true);
    let groups = built(state, pending, &claim_origin, opts);
    let records = learn_records(state, &groups, &origin_names, opts);
    origin_names
        .iter()
        .zip(records)
        .map(|(n, r)| ((*n).to_owned(), r))
        .collect()
}

impl crate::reliability::Reliabilities for [Record] {
    fn of(&self, origin: u32) -> Learned {
        self[origin as usize].learned
    }
}

impl Record {
    /// The record of an origin the log has not shown before: the model's starting accuracy.
    fn unknown() -> Record {
        Record {
            learned: Learned {
                accuracy: crate::reliability::START,
                copying: 0.0,
            },
            prior: crate::reliability::START,
            ..Record::default()
        }
    }
}

/// The declared prior of an origin, from the log's `trust` events.
fn declared_of(state: &State<'_>, name: &str) -> Option<Declared> {
    state.trust.get(name).map(|(_, t)| Declared {
        prior: t.prior.get(),
        strength: t.strength.map(f64::from),
    })
}

/// Both records of every origin: the count method's tally and the learned reliability, with
/// how often the origin backed the weighted figure.
fn learn_records(
    state: &State<'_>,
    groups: &[Group],
    origin_names: &[&str],
    opts: &Options,
) -> Vec<Record> {
    let mut records = estimate_trust(groups, origin_names.len(), opts.trust_rounds);
    let prepared: Vec<&Prepared> = groups.iter().map(|g| &g.prepared).collect();
    let declared = |o: u32| declared_of(state, origin_names[o as usize]);
    let learned = crate::reliability::learn(&prepared, origin_names.len(), &declared, &opts.model);
    let priors = crate::reliability::priors_at(&prepared, &learned, &declared);
    for ((r, l), prior) in records.iter_mut().zip(&learned).zip(priors) {
        r.learned = *l;
        r.prior = prior;
    }
    let backed: Vec<Vec<u32>> = par_map(
        groups.iter().filter(|g| g.voters.len() >= 2).collect(),
        |g: &Group| {
            g.prepared
                .candidates(&learned[..], &opts.model)
                .first()
                .map(|c| c.0.origins.clone())
                .unwrap_or_default()
        },
    );
    for origins in backed {
        for o in origins {
            records[o as usize].backed += 1;
        }
    }
    records
}

type Grouped<'s> = (Vec<Pending<'s>>, Vec<u32>, Vec<&'s str>);

/// Every claim's origin number, the origins' names, and each (canonical subject, unit) that
/// `keep` keeps with its claims (a group not built yet), in order.
fn grouped<'s>(state: &'s State<'_>, keep: &dyn Fn(&Subject) -> bool) -> Grouped<'s> {
    // Names are shared between claims (see `state::Names`), so most lookups are by address;
    // the name itself decides, so two copies of one name still meet.
    let mut origin_at: HashMap<usize, u32, FxBuild> = HashMap::default();
    let mut origin_ids: HashMap<&str, u32, FxBuild> = HashMap::default();
    let mut origin_names: Vec<&str> = Vec::new();
    let mut claim_origin: Vec<u32> = Vec::with_capacity(state.claims.len());
    for r in &state.claims {
        let o = &*r.claim.origin;
        let id = *origin_at.entry(address(o)).or_insert_with(|| {
            *origin_ids.entry(o).or_insert_with(|| {
                origin_names.push(o);
                (origin_names.len() - 1) as u32
            })
        });
        claim_origin.push(id);
    }
    // Each claim's (subject, unit) by address, then each of those by canonical name.
    let mut pair_at: HashMap<(usize, usize), u32, FxBuild> = HashMap::default();
    let mut pairs: Vec<(&Subject, &str)> = Vec::new();
    let claim_pair: Vec<u32> = state
        .claims
        .iter()
        .map(|r| {
            let (subject, unit) = (&*r.claim.subject, &*r.claim.unit);
            *pair_at
                .entry((address(subject), address(unit)))
                .or_insert_with(|| {
                    pairs.push((subject, unit));
                    (pairs.len() - 1) as u32
                })
        })
        .collect();
    const DROPPED: u32 = u32::MAX;
    let mut group_of: HashMap<(&Subject, &str), u32, FxBuild> = HashMap::default();
    let mut keys: Vec<(&Subject, &str)> = Vec::new();
    let pair_group: Vec<u32> = pairs
        .iter()
        .map(|&(subject, unit)| {
            let subject = state.canonical(subject);
            if !keep(subject) {
                return DROPPED;
            }
            *group_of.entry((subject, unit)).or_insert_with(|| {
                keys.push((subject, unit));
                (keys.len() - 1) as u32
            })
        })
        .collect();
    // Every group's claims in log order, laid out by counting.
    let mut sizes = vec![0usize; keys.len()];
    for &p in &claim_pair {
        if let Some(n) = sizes.get_mut(pair_group[p as usize] as usize) {
            *n += 1;
        }
    }
    let mut members: Vec<Vec<usize>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (i, &p) in claim_pair.iter().enumerate() {
        if let Some(m) = members.get_mut(pair_group[p as usize] as usize) {
            m.push(i);
        }
    }
    let mut keyed: Vec<Pending<'s>> = keys
        .into_iter()
        .zip(members)
        .map(|((subject, unit), claims)| Pending::Claims {
            subject,
            unit,
            claims,
        })
        .collect();
    keyed.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
    (keyed, claim_origin, origin_names)
}

/// Every group of `pending`, built on all cores.
fn built(
    state: &State<'_>,
    pending: Vec<Pending<'_>>,
    claim_origin: &[u32],
    opts: &Options,
) -> Vec<Group> {
    par_map(pending, |p| p.build(state, claim_origin, opts).0)
}

/// A group to report: built already (its claims were needed to learn the records), or only
/// its claims, built when its turn comes, so that its measures are made once for the group
/// and its report and the groups of a large log are never all held.
enum Pending<'s> {
    Built(Box<Group>),
    Claims {
        subject: &'s Subject,
        unit: &'s str,
        /// Its claims, in log order.
        claims: Vec<usize>,
    },
}

impl Pending<'_> {
    fn key(&self) -> (&Subject, &str) {
        match self {
            Pending::Built(g) => (&g.subject, g.unit.as_str()),
            Pending::Claims { subject, unit, .. } => (subject, unit),
        }
    }

    fn claims(&self) -> &[usize] {
        match self {
            Pending::Built(g) => &g.claims,
            Pending::Claims { claims, .. } => claims,
        }
    }

    /// The group, with its claims' measures when they were made for it just now.
    fn build(
        self,
        state: &State<'_>,
        claim_origin: &[u32],
        opts: &Options,
    ) -> (Group, Option<Measures>) {
        match self {
            Pending::Built(g) => (*g, None),
            Pending::Claims {
                subject,
                unit,
                claims,
            } => {
                let (g, m) = build_group(state, subject, unit, claims, claim_origin, opts);
                (g, Some(m))
            }
        }
    }

    /// Its report: the group built now if it was not, its measures made once.
    fn report(
        self,
        state: &State<'_>,
        claim_origin: &[u32],
        (names, records): (&[std::sync::Arc<str>], &[Record]),
        opts: &Options,
    ) -> SubjectReport {
        let (g, m) = self.build(state, claim_origin, opts);
        let m = m.unwrap_or_else(|| g.measures(state));
        report(state, &g, &m, claim_origin, names, records, opts)
    }
}

/// Where a name is in memory: the same for every claim that shares its copy. Each name is
/// in its own `Arc` (words after the counts) for as long as the state lives, so names at one
/// address are one name.
fn address<T: ?Sized>(x: &T) -> usize {
    (x as *const T).cast::<u8>() as usize
}

/// The reports of a reconciliation, made a batch at a time, in order (by subject, then unit).
/// What every report shares is known before any is made: the position, the head and the
/// records of the origins. A subject outside every sum is final once its report is made (the
/// checks of sums change and add reports of their members only), so only the reports of the
/// wholes and parts of a `sum_of` are made beforehand, checked, and kept until their turn.
pub struct Reports<'r, 'a> {
    /// How many log entries it covers.
    pub position: u64,
    /// The hash of the last of them.
    pub head: Option<EntryHash>,
    /// Each origin's record, for the origins of the selected subjects.
    pub records: BTreeMap<String, Record>,
    state: &'r State<'a>,
    opts: &'r Options,
    claim_origin: Vec<u32>,
    /// Each origin's name, shared by the reports, and its record, by origin number.
    names: Vec<std::sync::Arc<str>>,
    numbered: Vec<Record>,
    /// The groups of the subjects outside every sum still to report, each with the other
    /// units of its subject.
    alone: std::vec::IntoIter<(Pending<'r>, Vec<String>)>,
    /// The reports of the members of sums, in order; those from `kept_next` on are still to
    /// hand out (each is handed out as a copy: the others' answers may look them up).
    kept: Vec<SubjectReport>,
    kept_next: usize,
    left: usize,
}

impl Reports<'_, '_> {
    /// How many reports a batch of [`reconcile_map`] makes: enough for every core, a few
    /// megabytes held.
    const BATCH: usize = 4096;

    /// How many reports are still to come.
    pub fn len(&self) -> usize {
        self.left
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// The subject and unit of every report still to come (the members of sums last).
    pub fn upcoming(&self) -> impl Iterator<Item = (&Subject, &str)> {
        let alone = self.alone.as_slice().iter().map(|(g, _)| g.key());
        let kept = self.kept[self.kept_next..]
            .iter()
            .map(|s| (&s.subject, s.unit.as_str()));
        alone.chain(kept)
    }

    /// The report of a whole or part of a sum (made before any other, as every one is), if
    /// it is among the reports selected.
    pub fn member(&self, subject: &Subject, unit: &str) -> Option<&SubjectReport> {
        // Kept in subject and unit order (`parts::apply` sorts them so): a search, not a scan,
        // for a log of many sums.
        self.kept
            .binary_search_by(|s| (&s.subject, s.unit.as_str()).cmp(&(subject, unit)))
            .ok()
            .map(|i| &self.kept[i])
    }

    /// The next reports, made on all cores: up to `most` of subjects outside every sum, with
    /// the members of sums that come among or before them (every one left, with the last
    /// batch). Empty when there are none left.
    pub fn next_batch(&mut self, most: usize) -> Vec<SubjectReport> {
        let groups: Vec<(Pending<'_>, Vec<String>)> =
            self.alone.by_ref().take(most.max(1)).collect();
        // The kept reports that come before each group.
        let before: Vec<Vec<SubjectReport>> = groups
            .iter()
            .map(|(g, _)| {
                let mut v = Vec::new();
                while let Some(s) = self
                    .kept
                    .get(self.kept_next)
                    .filter(|s| (&s.subject, s.unit.as_str()) < g.key())
                {
                    v.push(s.clone());
                    self.kept_next += 1;
                }
                v
            })
            .collect();
        let (state, opts) = (self.state, self.opts);
        let (claim_origin, names, numbered) = (&self.claim_origin, &self.names, &self.numbered);
        // A report is heavy work: even a batch of a few hundred is made on all cores (the
        // JSON's batches are that small, so that few are held at once).
        let made: Vec<SubjectReport> = {
            use rayon::prelude::*;
            groups
                .into_par_iter()
                .with_min_len(8)
                .map(|(g, others)| {
                    let mut r = g.report(state, claim_origin, (names, numbered), opts);
                    r.other_units = others;
                    r
                })
                .collect()
        };
        let mut out = Vec::with_capacity(made.len());
        for (kept, r) in before.into_iter().zip(made) {
            out.extend(kept);
            out.push(r);
        }
        if self.alone.len() == 0 {
            out.extend(self.kept[self.kept_next..].iter().cloned());
            self.kept_next = self.kept.len();
        }
        self.left = self.left.saturating_sub(out.len());
        out
    }
}

/// For each of `items` (sorted by subject, then unit), the other units its subject has among
/// them (none, unallocated, for a subject in one unit).
fn other_units<T>(items: &[T], key: impl Fn(&T) -> (&Subject, &str)) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::with_capacity(items.len());
    let mut start = 0;
    while start < items.len() {
        let subject = key(&items[start]).0;
        let end = start
            + items[start..]
                .iter()
                .take_while(|x| key(x).0 == subject)
                .count();
        let units: Vec<&str> = items[start..end].iter().map(|x| key(x).1).collect();
        for &u in &units {
            out.push(if units.len() > 1 {
                units
                    .iter()
                    .filter(|o| **o != u)
                    .map(|o| (*o).to_owned())
                    .collect()
            } else {
                Vec::new()
            });
        }
        start = end;
    }
    out
}

fn build_group(
    state: &State<'_>,
    subject: &Subject,
    unit: &str,
    mut claims: Vec<usize>,
    claim_origin: &[u32],
    opts: &Options,
) -> (Group, Measures) {
    claims.sort_unstable();
    let def = state.defs.get(subject);
    let tolerance = def.and_then(|d| d.tolerance).unwrap_or(opts.tolerance);
    let kind = def.and_then(|d| d.kind).unwrap_or_default();
    let window = def
        .and_then(|d| d.window)
        .map_or(kind.default_window(), |w| w.days());
    let ranges = (kind == Kind::Range).then(|| distinct_ranges(state, &claims, tolerance));
    let m = Measures::of(
        state,
        subject,
        &claims,
        (tolerance, kind),
        ranges.as_deref(),
    );
    let counted = |k: usize| {
        let r = &state.claims[claims[k]];
        r.is_live() && r.claim.modality == Modality::Asserted && m.intervals[k].is_some()
    };
    // The figure describes the time asked for, else the latest time any counted claim speaks of.
    let latest = (0..claims.len())
        .filter(|&k| counted(k))
        .filter_map(|k| state.claims[claims[k]].claim.as_of)
        .max_by_key(|p| (p.end(), p.start()));
    let as_of = opts.valid.or(latest);
    let eligible: Vec<bool> = (0..claims.len())
        .map(|k| {
            counted(k)
                && match (&state.claims[claims[k]].claim.as_of, &as_of) {
                    (Some(p), Some(r)) => near(p, r, window),
                    _ => true,
                }
        })
        .collect();
    let votes: Vec<(Interval, u32)> = (0..claims.len())
        .filter(|&k| eligible[k])
        .filter_map(|k| m.reach[k].map(|iv| (iv, claim_origin[claims[k]])))
        .collect();
    let ballots: Vec<Vote> = (0..claims.len())
        .filter(|&k| eligible[k])
        .filter_map(|k| {
            let claim = &state.claims[claims[k]].claim;
            m.reach[k].map(|interval| Vote {
                interval,
                origin: claim_origin[claims[k]],
                said: claim.said_on.start().days_since_epoch(),
                // A range's one-sided form (`under 40`) is a whole range, [0, 40).
                one_sided: claim.value.value().is_one_sided() && kind != Kind::Range,
            })
        })
        .collect();
    let mut distinct: Vec<u32> = votes.iter().map(|v| v.1).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let g = Group {
        subject: subject.clone(),
        unit: unit.to_owned(),
        best: best_regions(&votes),
        voters: distinct,
        prepared: Prepared::new(&ballots),
        claims,
        ranges,
        eligible,
        as_of,
        tolerance,
        window,
        kind,
        window_set: def.and_then(|d| d.window).is_some(),
    };
    (g, m)
}

/// Whether claim `k` of a group supports `figure`: it states the same range, for a range
/// subject; else what it is consistent with overlaps the figure.
fn backs(g: &Group, m: &Measures, k: usize, figure: &Interval) -> bool {
    match &g.ranges {
        Some(_) => m.intervals[k].as_ref() == Some(figure),
        None => m.reach[k].is_some_and(|iv| iv.overlaps(figure)),
    }
}

/// `[n − h, n + h]` for a point `n` (never below zero).
fn widen(iv: &Interval, h: Num) -> Option<Interval> {
    if !iv.is_point() {
        return None;
    }
    let n = iv.lo().at;
    let lo = n.checked_sub(h)?.max(Num::ZERO);
    Interval::new(End::closed(lo), Some(End::closed(n.checked_add(h)?))).ok()
}

/// The figure a region chosen on the claims' reach stands for: for a range subject, the range
/// its point stands for; else what [`snap`] gives.
fn settle(g: &Group, m: &Measures, region: Interval) -> Interval {
    match &g.ranges {
        Some(all) => {
            let i = region.lo().at.millionths() / Num::from_int(1).millionths();
            usize::try_from(i)
                .ok()
                .and_then(|i| all.get(i))
                .copied()
                .unwrap_or(region)
        }
        None => snap(g, m, region),
    }
}

/// The figure a region chosen on the claims' reach stands for: a figure stated in it, the
/// most precise first (meant exactly, then the smallest rounding), then the one the most
/// claims state, then the smallest; else the region itself. Three claims of `1,000` (each
/// reaching [950, 1050]) give 1000; `4,000` and `4,100` give 4100, which both allow.
fn snap(g: &Group, m: &Measures, region: Interval) -> Interval {
    if region.is_point() {
        return region;
    }
    // Each figure stated inside the region: its smallest rounding and how many claims state it.
    let mut inside: HashMap<Interval, (Num, usize), FxBuild> = HashMap::default();
    for k in (0..g.claims.len()).filter(|&k| g.eligible[k]) {
        let Some(iv) = m.intervals[k] else { continue };
        if !iv.is_point() || !region.contains(&iv) {
            continue;
        }
        let rounding = m.rounding[k].unwrap_or(Num::ZERO);
        let e = inside.entry(iv).or_insert((rounding, 0));
        e.0 = e.0.min(rounding);
        e.1 += 1;
    }
    // Ranked by (rounding, most claims, value): smallest first.
    inside
        .into_iter()
        .min_by_key(|(iv, (rounding, same))| (*rounding, std::cmp::Reverse(*same), iv.lo().at))
        .map_or(region, |(iv, _)| iv)
}

/// The candidate a tie is broken to: the one whose origins are most reliable, then the one
/// stated first in the log. `trust` gives an origin's reliability.
fn choose(cands: &[Candidate], trust: impl Fn(u32) -> f64) -> Option<&Candidate> {
    let mut best: Option<(&Candidate, f64)> = None;
    for c in cands {
        let s = c.origins.iter().map(|&o| trust(o)).sum::<f64>();
        let better = match best {
            None => true,
            Some((b, bs)) => s > bs || (s == bs && c.first < b.first),
        };
        if better {
            best = Some((c, s));
        }
    }
    best.map(|(c, _)| c)
}

/// An origin's record with one tied subject's own contribution taken out: the subject's
/// origins were each counted once as contested, and as agreed when `pick` holds them. What
/// decides a tie must come from other subjects only.
fn without_own(records: &[Record], g: &Group, pick: Option<&Candidate>, o: u32) -> Record {
    let mut r = records[o as usize];
    if g.voters.binary_search(&o).is_ok() {
        r.contested = r.contested.saturating_sub(1);
        if pick.is_some_and(|p| p.origins.binary_search(&o).is_ok()) {
            r.agreed = r.agreed.saturating_sub(1);
        }
    }
    r
}

/// The candidate a tied group is broken to, given records that count every subject (the
/// group's own pick included): the first candidate that, taken as the group's own pick and
/// removed from the records, is also the one those records choose. That is the pick
/// [`estimate_trust`] settled on; with records from elsewhere, the best consistent guess.
fn choose_tied<'g>(g: &Group, cands: &'g [Candidate], records: &[Record]) -> Option<&'g Candidate> {
    for c in cands {
        let chosen = choose(cands, |o| without_own(records, g, Some(c), o).trust());
        if chosen.is_some_and(|x| std::ptr::eq(x, c)) {
            return Some(c);
        }
    }
    choose(cands, |o| without_own(records, g, None, o).trust())
}

/// Each origin's record over subjects with two or more origins. Subjects with one best region
/// settle their origins' records once. A tied subject is broken by its origins' records on
/// the **other** subjects: the first round uses the settled subjects only, and each later
/// round adds the other tied subjects' picks of the round before, until no pick changes (or
/// after `rounds` rounds). The subject's own pick never counts as evidence for itself.
fn estimate_trust(groups: &[Group], origins: usize, rounds: usize) -> Vec<Record> {
    let mut fixed = vec![Record::default(); origins];
    let mut tied: Vec<(&Group, &[Candidate])> = Vec::new();
    for g in groups.iter().filter(|g| g.voters.len() >= 2) {
        let Some((_, cands)) = &g.best else { continue };
        if cands.len() > 1 {
            tied.push((g, cands));
            continue;
        }
        tally(g, &cands[0], &mut fixed);
    }
    let mut picks: Vec<Option<&Candidate>> = tied
        .iter()
        .map(|(_, cands)| choose(cands, |o| fixed[o as usize].trust()))
        .collect();
    let total = |picks: &[Option<&Candidate>]| {
        let mut t = fixed.clone();
        for ((g, _), p) in tied.iter().zip(picks) {
            if let Some(c) = p {
                tally(g, c, &mut t);
            }
        }
        t
    };
    for _ in 1..rounds.max(1) {
        use rayon::prelude::*;
        let records = total(&picks);
        // Each tied group's pick reads the records only: made on all cores, in order.
        let next: Vec<Option<&Candidate>> = tied
            .par_iter()
            .zip(&picks)
            .with_min_len(1024)
            .map(|((g, cands), own)| choose(cands, |o| without_own(&records, g, *own, o).trust()))
            .collect();
        let same = next.iter().zip(&picks).all(|(a, b)| match (a, b) {
            (Some(a), Some(b)) => std::ptr::eq(*a, *b),
            (None, None) => true,
            _ => false,
        });
        picks = next;
        if same {
            break;
        }
    }
    total(&picks)
}

fn tally(g: &Group, winner: &Candidate, records: &mut [Record]) {
    for &o in &g.voters {
        records[o as usize].contested += 1;
        if winner.origins.binary_search(&o).is_ok() {
            records[o as usize].agreed += 1;
        }
    }
}

/// The figure, status, tied candidates and tie-break of a group, counting origins.
type Chosen = (
    Option<Interval>,
    Status,
    Vec<(Interval, Vec<String>)>,
    Option<TieBreak>,
);

fn listed(cands: &[&Candidate], names: &[std::sync::Arc<str>]) -> Vec<(Interval, Vec<String>)> {
    if cands.len() < 2 {
        return Vec::new();
    }
    cands
        .iter()
        .map(|c| {
            (
                c.region,
                c.origins
                    .iter()
                    .map(|&o| names[o as usize].to_string())
                    .collect(),
            )
        })
        .collect()
}

fn by_counting(g: &Group, records: &[Record], names: &[std::sync::Arc<str>]) -> Chosen {
    let Some((_, cands)) = &g.best else {
        return (None, Status::NoFigure, Vec::new(), None);
    };
    if cands.len() < 2 {
        return (
            cands.first().map(|c| c.region),
            Status::SingleSource,
            Vec::new(),
            None,
        );
    }
    let chosen = choose_tied(g, cands, records);
    let tie_break = chosen.map(|c| {
        let score = |x: &Candidate| {
            x.origins
                .iter()
                .map(|&o| without_own(records, g, Some(c), o).trust())
                .sum::<f64>()
        };
        let mine = score(c);
        let ahead = cands
            .iter()
            .filter(|x| !std::ptr::eq(*x, c))
            .all(|x| score(x) < mine);
        if ahead {
            TieBreak::Reliability
        } else {
            TieBreak::LogOrder
        }
    });
    let all: Vec<&Candidate> = cands.iter().collect();
    (
        chosen.map(|c| c.region),
        Status::Unresolved,
        listed(&all, names),
        tie_break,
    )
}

fn by_weight(
    g: &Group,
    records: &[Record],
    names: &[std::sync::Arc<str>],
    model: &Model,
) -> Chosen {
    let cands = g.prepared.candidates(records, model);
    let Some((top, best)) = cands.first() else {
        return (None, Status::NoFigure, Vec::new(), None);
    };
    if cands.len() < 2 {
        return (Some(top.region), Status::SingleSource, Vec::new(), None);
    }
    let tie_break = if crate::reliability::same_score(cands[1].1, *best) {
        TieBreak::LogOrder
    } else {
        TieBreak::Reliability
    };
    let all: Vec<&Candidate> = cands.iter().map(|c| &c.0).collect();
    (
        Some(top.region),
        Status::Unresolved,
        listed(&all, names),
        Some(tie_break),
    )
}

/// Each origin's vote on the group and the record behind it, heaviest first.
fn weights_of(
    state: &State<'_>,
    (g, m): (&Group, &Measures),
    figure: Option<&Interval>,
    claim_origin: &[u32],
    (records, names): (&[Record], &[std::sync::Arc<str>]),
    model: &Model,
) -> Vec<OriginWeight> {
    let shared = u32::from(g.voters.len() >= 2);
    // The origins whose counted claims overlap the figure, found in one pass over the claims.
    let backing: std::collections::HashSet<u32> = g
        .claims
        .iter()
        .enumerate()
        .filter(|&(k, _)| g.eligible[k] && figure.is_some_and(|f| backs(g, m, k, f)))
        .map(|(_, &i)| claim_origin[i])
        .collect();
    let mut out: Vec<OriginWeight> = g
        .prepared
        .votes(records, model)
        .into_iter()
        .map(|v| {
            let o = v.origin;
            let r = records[o as usize];
            let name = &names[o as usize];
            OriginWeight {
                origin: name.clone(),
                weight: v.weight,
                learned: r.learned,
                prior: r.prior,
                repeats_here: v.repeats,
                one_sided_here: v.one_sided,
                backed_elsewhere: r
                    .backed
                    .saturating_sub(shared * u32::from(backing.contains(&o))),
                spoke_elsewhere: r.contested.saturating_sub(shared),
                declared: state
                    .trust
                    .get(&**name)
                    .map(|(seq, t)| (*seq, t.prior, t.reason.clone())),
            }
        })
        .collect();
    // By vote as shown (four decimals, as the JSON gives it), then by name: origins whose
    // votes differ only past what is shown (two origins of the same record, whose votes the
    // fit's last digits tell apart) are listed by name, not by those digits.
    let shown = |w: f64| (w * 1e4).round();
    out.sort_by(|a, b| {
        shown(b.weight)
            .total_cmp(&shown(a.weight))
            .then(a.origin.cmp(&b.origin))
    });
    out
}

fn report(
    state: &State<'_>,
    g: &Group,
    m: &Measures,
    claim_origin: &[u32],
    names: &[std::sync::Arc<str>],
    records: &[Record],
    opts: &Options,
) -> SubjectReport {
    let def = state.defs.get(&g.subject);
    let (figure, status, candidates, tie_break) = match opts.method {
        Method::Count => by_counting(g, records, names),
        Method::Weighted => by_weight(g, records, names, &opts.model),
    };
    let figure = figure.map(|f| settle(g, m, f));
    let candidates: Vec<(Interval, Vec<String>)> = candidates
        .into_iter()
        .map(|(region, origins)| (settle(g, m, region), origins))
        .collect();
    let (weights, by_count) = match opts.method {
        Method::Count => (Vec::new(), None),
        Method::Weighted => {
            let count_regions: Vec<Interval> = match &g.best {
                Some((_, c)) => c.iter().map(|c| settle(g, m, c.region)).collect(),
                None => Vec::new(),
            };
            let differs = count_regions.len() > 1 || count_regions.first() != figure.as_ref();
            (
                weights_of(
                    state,
                    (g, m),
                    figure.as_ref(),
                    claim_origin,
                    (records, names),
                    &opts.model,
                ),
                (differs && !count_regions.is_empty()).then_some(count_regions),
            )
        }
    };
    let mut first_of_origin: HashMap<u32, u64, FxBuild> = HashMap::default();
    let mut claims = Vec::with_capacity(g.claims.len());
    for (k, &i) in g.claims.iter().enumerate() {
        let r = &state.claims[i];
        let Some(iv) = m.intervals[k] else { continue };
        let excluded = if let Some((seq, why)) = r.retracted() {
            Some(Excluded::Retracted(seq, why.clone()))
        } else if let Some(by) = r.superseded_by() {
            Some(Excluded::Superseded(by))
        } else if r.claim.modality != Modality::Asserted {
            Some(Excluded::Modality(r.claim.modality.as_str()))
        } else if !g.eligible[k] {
            Some(Excluded::OtherTime)
        } else {
            None
        };
        let repeats = if excluded.is_none() {
            let first = *first_of_origin.entry(claim_origin[i]).or_insert(r.seq);
            (first != r.seq)
                .then_some(first)
                .and_then(std::num::NonZeroU64::new)
        } else {
            None
        };
        let rounded = m.reach[k].filter(|r| *r != iv && g.ranges.is_none());
        let mut relation =
            figure.map(|f| relation_of(&iv, rounded.as_ref(), &f, excluded.as_ref()));
        // A range agrees only with the same range: any other contradicts it.
        if g.ranges.is_some() && relation == Some(Relation::Consistent) {
            relation = Some(Relation::Contradicts);
        }
        if g.kind == Kind::RunningTotal
            && matches!(excluded, Some(Excluded::OtherTime))
            && let (Some(f), Some(when), Some(then)) = (figure, r.claim.as_of, g.as_of)
        {
            let reach = rounded.unwrap_or(iv);
            let earlier_above = series::before(&when, &then) && series::above(&reach, &f);
            let later_below = series::before(&then, &when) && series::above(&f, &reach);
            if earlier_above || later_below {
                relation = Some(Relation::OutOfOrder);
            }
        }
        claims.push(Assessed {
            index: i,
            seq: r.seq,
            interval: iv,
            rounded,
            as_of: r.claim.as_of,
            origin: names[claim_origin[i] as usize].clone(),
            relation,
            excluded,
            repeats,
        });
    }
    let mut rep = SubjectReport {
        subject: g.subject.clone(),
        unit: g.unit.clone(),
        label: def.and_then(|d| d.label.clone()),
        aliases: state.aliases_of(&g.subject).into_iter().cloned().collect(),
        tolerance: g.tolerance,
        window_days: g.window,
        kind: g.kind,
        window_set: g.window_set,
        series: (g.kind == Kind::RunningTotal)
            .then(|| series_of(state, (g, m), claim_origin, records, &opts.model)),
        as_of: g.as_of,
        figure,
        status,
        candidates,
        tie_break,
        claims,
        other_units: Vec::new(),
        derived: None,
        parts: None,
        part_of: Vec::new(),
        weights,
        by_count,
    };
    if rep.status != Status::Unresolved && rep.figure.is_some() {
        rep.status = if rep.dissent().next().is_some() {
            Status::Contested
        } else if rep.support_origins() <= 1 {
            Status::SingleSource
        } else if rep.support().all(|a| a.relation == Some(Relation::Agrees)) {
            Status::Corroborated
        } else {
            Status::Consistent
        };
    }
    rep
}

/// The order check of a running total: every live, asserted claim with a time, each with the
/// weighted votes of the origins that state a consistent figure for the same time.
fn series_of(
    state: &State<'_>,
    (g, m): (&Group, &Measures),
    claim_origin: &[u32],
    records: &[Record],
    model: &Model,
) -> series::SeriesCheck {
    let timed: Vec<(usize, Period, Interval)> = (0..g.claims.len())
        .filter_map(|k| {
            let r = &state.claims[g.claims[k]];
            let counted = r.is_live() && r.claim.modality == Modality::Asserted;
            match (counted, r.claim.as_of, m.reach[k]) {
                (true, Some(when), Some(reach)) => Some((k, when, reach)),
                _ => None,
            }
        })
        .collect();
    let points: Vec<series::Point> = timed
        .iter()
        .map(|&(k, when, reach)| {
            let mut backers: Vec<u32> = timed
                .iter()
                .filter(|(_, t, r)| near(t, &when, g.window) && r.overlaps(&reach))
                .map(|&(j, _, _)| claim_origin[g.claims[j]])
                .collect();
            backers.sort_unstable();
            backers.dedup();
            series::Point {
                seq: state.claims[g.claims[k]].seq,
                as_of: when,
                reach,
                support: backers
                    .iter()
                    .map(|&o| records[o as usize].learned.weight(model))
                    .sum(),
            }
        })
        .collect();
    series::check(&points)
}

/// How a claim's interval stands to the figure.
pub(crate) fn relation_of(
    iv: &Interval,
    rounded: Option<&Interval>,
    figure: &Interval,
    excluded: Option<&Excluded>,
) -> Relation {
    if iv == figure {
        Relation::Agrees
    } else if rounded.unwrap_or(iv).overlaps(figure) {
        Relation::Consistent
    } else if matches!(excluded, Some(Excluded::OtherTime)) {
        Relation::DiffersInTime
    } else {
        Relation::Contradicts
    }
}

/// A claim's relation to its subject's figure, in words ("[8000, inf) and the figure [9500,
/// 10500] overlap"), with why it does not count when it does not.
pub(crate) fn describe(
    a: &Assessed,
    figure: Option<&Interval>,
    figure_as_of: Option<&Period>,
    kind: Kind,
) -> String {
    let mut out = String::new();
    describe_into(&mut out, a, figure, figure_as_of, kind);
    out
}

/// [`describe`] written at the end of `out` (no string made for it, nor for its parts).
pub(crate) fn describe_into(
    out: &mut String,
    a: &Assessed,
    figure: Option<&Interval>,
    figure_as_of: Option<&Period>,
    kind: Kind,
) {
    use std::fmt::Write as _;
    // Writing into a String does not fail: the results below are all Ok.
    let iv = |out: &mut String| match &a.rounded {
        Some(r) if a.relation != Some(Relation::Agrees) => {
            let _ = write!(out, "{} (a round figure: it may stand for {r})", a.interval);
        }
        _ => {
            let _ = write!(out, "{}", a.interval);
        }
    };
    let (Some(figure), Some(relation)) = (figure, a.relation) else {
        iv(out);
        out.push_str("; no figure to compare with");
        return;
    };
    let _ = match &a.excluded {
        Some(Excluded::Modality(m)) => write!(out, "{m}, not asserted, so it does not count: "),
        Some(Excluded::Retracted(seq, why)) => write!(out, "retracted by #{seq} ({why}): "),
        Some(Excluded::Superseded(by)) => write!(out, "superseded by #{by}: "),
        Some(Excluded::OtherTime)
            if !matches!(relation, Relation::DiffersInTime | Relation::OutOfOrder) =>
        {
            write!(out, "about another time, so it does not count: ")
        }
        _ => Ok(()),
    };
    iv(out);
    let _ = match relation {
        Relation::Agrees => write!(out, " is the figure"),
        Relation::Consistent => write!(out, " and the figure {figure} overlap"),
        Relation::DiffersInTime => {
            let _ = write!(out, " and the figure {figure} are disjoint");
            match (a.as_of.as_ref(), figure_as_of) {
                (Some(c), Some(f)) => write!(
                    out,
                    ", but it describes {c} and the figure {f}: a change over time"
                ),
                _ => write!(out, ": a change over time"),
            }
        }
        Relation::Contradicts if kind == Kind::Range => write!(
            out,
            " and the figure {figure} are different ranges (a range agrees only with one of the same two ends)"
        ),
        Relation::Contradicts => write!(out, " and the figure {figure} are disjoint"),
        Relation::OutOfOrder => match (a.as_of.as_ref(), figure_as_of) {
            (Some(c), Some(f)) if c.end() < f.start() => write!(
                out,
                ", as of {c}, is above the figure {figure} of the later {f}: a running total never decreases"
            ),
            (Some(c), Some(f)) => write!(
                out,
                ", as of {c}, is below the figure {figure} of the earlier {f}: a running total never decreases"
            ),
            _ => write!(out, " is out of order with the figure {figure}"),
        },
    };
}

/// `f` over `items` on all cores, in order (rayon; a worker's panic reaches the caller); a
/// short list (under 1,024) on the calling thread, for work that is light per item.
pub(crate) fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync + Send) -> Vec<U> {
    use rayon::prelude::*;
    if items.len() < 1024 {
        return items.into_iter().map(f).collect();
    }
    items.into_par_iter().map(f).collect()
}
