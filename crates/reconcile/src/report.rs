//! What the reconciler found, subject by subject.

use reckon_claim::{Interval, Period, Subject, Tolerance};

/// How a claim stands to its subject's figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// Its interval is the figure.
    Agrees,
    /// Its interval overlaps the figure.
    Consistent,
    /// Its interval excludes the figure.
    Contradicts,
    /// It excludes the figure, but describes another time: a change, not a contradiction.
    DiffersInTime,
    /// It describes another time, and a running total cannot have gone from one to the other:
    /// it is above the figure of a later time, or below that of an earlier one.
    OutOfOrder,
}

impl Relation {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Agrees => "agrees",
            Relation::Consistent => "consistent",
            Relation::Contradicts => "contradicts",
            Relation::DiffersInTime => "differs in time",
            Relation::OutOfOrder => "out of order",
        }
    }
}

/// The verdict on a subject's figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One origin supports it and nothing contradicts it.
    SingleSource,
    /// Two or more independent origins state exactly the figure, and nothing contradicts it.
    Corroborated,
    /// Two or more independent origins support it with different but overlapping figures.
    Consistent,
    /// Some counted claims exclude the figure.
    Contested,
    /// Two or more disjoint regions have equal support; the figure shown is the one whose
    /// origins have agreed more often elsewhere.
    Unresolved,
    /// No claim states it; it is computed from the parts or the whole.
    Derived,
    /// No counted claim: every claim is retracted, superseded, expected or denied.
    NoFigure,
}

impl Status {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::SingleSource => "single source",
            Status::Corroborated => "corroborated",
            Status::Consistent => "consistent",
            Status::Contested => "contested",
            Status::Unresolved => "unresolved",
            Status::Derived => "derived",
            Status::NoFigure => "no figure",
        }
    }
}

/// Why a claim does not count toward support or dissent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Excluded {
    /// Retracted by an entry, for a reason (shared with the state's record of it).
    Retracted(u64, std::sync::Arc<str>),
    /// Superseded by a later claim.
    Superseded(u64),
    /// Expected or denied, not asserted: it never corroborates.
    Modality(&'static str),
    /// It describes another time than the figure.
    OtherTime,
}

/// One claim of a subject, judged against the figure.
#[derive(Clone, Debug)]
pub struct Assessed {
    /// Index into the state's claims.
    pub index: usize,
    /// Log sequence number of the claim.
    pub seq: u64,
    /// The interval it means (with the subject's tolerance).
    pub interval: Interval,
    /// For a bare round figure that may be a rounding, the wider interval it is consistent
    /// with ([`reckon_claim::Figure::rounding`]); `None` when it is meant exactly.
    pub rounded: Option<Interval>,
    /// The time it describes.
    pub as_of: Option<Period>,
    /// Its origin (shared by every claim of that origin).
    pub origin: std::sync::Arc<str>,
    /// How it stands to the figure (`None` when there is no figure).
    pub relation: Option<Relation>,
    /// When it does not count, why.
    pub excluded: Option<Excluded>,
    /// The first counted claim of the same origin (its sequence number, never 0), when this
    /// one repeats it.
    pub repeats: Option<std::num::NonZeroU64>,
}

impl Assessed {
    /// What it is consistent with: its rounding's reach, else its interval.
    pub fn reach(&self) -> &Interval {
        self.rounded.as_ref().unwrap_or(&self.interval)
    }

    /// True when it counts toward support or dissent.
    pub fn counts(&self) -> bool {
        self.excluded.is_none()
    }

    /// True when it is counted and supports the figure (agrees with it or is consistent).
    pub fn supports(&self) -> bool {
        self.counts() && matches!(self.relation, Some(Relation::Agrees | Relation::Consistent))
    }

    /// True when it is counted and excludes the figure, or, about another time, breaks the
    /// order of a running total with it.
    pub fn dissents(&self) -> bool {
        match self.relation {
            Some(Relation::Contradicts) => self.counts(),
            Some(Relation::OutOfOrder) => {
                matches!(self.excluded, None | Some(Excluded::OtherTime))
            }
            _ => false,
        }
    }
}

/// A sum checked or a figure derived through `sum_of`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartsCheck {
    /// The whole.
    pub whole: Subject,
    /// The parts, in declared order, with their figures where known.
    pub parts: Vec<(Subject, Option<Interval>)>,
    /// The interval sum of the parts' figures, when all are known.
    pub sum: Option<Interval>,
    /// The whole's figure from its own claims, when known.
    pub whole_figure: Option<Interval>,
    /// How the sum stands to the whole (`None` when one side is unknown).
    pub relation: Option<Relation>,
    /// In words.
    pub reason: String,
}

/// A `sum_of` check seen from one of the parts: the whole less the other parts, against the
/// part's own figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartOf {
    /// The whole this subject is a part of.
    pub whole: Subject,
    /// The whole's figure less the sum of the other parts' figures: the values this part can
    /// take if the others and the whole are right (`None` when the others alone exceed the
    /// whole).
    pub rest: Option<Interval>,
    /// How `rest` stands to this part's figure.
    pub relation: Relation,
    /// In words.
    pub reason: String,
}

/// A figure computed rather than stated, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derivation {
    /// How, in words ("the sum of …", "the whole minus …").
    pub how: String,
    /// The claims it rests on (log sequence numbers).
    pub from: Vec<u64>,
}

/// One subject (after aliases) in one unit.
#[derive(Clone, Debug)]
pub struct SubjectReport {
    /// The subject.
    pub subject: Subject,
    /// The unit of the figures compared.
    pub unit: String,
    /// Its label, when defined.
    pub label: Option<String>,
    /// Other names recorded for it.
    pub aliases: Vec<Subject>,
    /// Tolerance for approximate figures without their own.
    pub tolerance: Tolerance,
    /// Comparison window in days.
    pub window_days: u32,
    /// What kind of quantity it is.
    pub kind: reckon_claim::Kind,
    /// Whether the window was set by its definition (else it is the kind's default).
    pub window_set: bool,
    /// For a running total, the order check of its claims over time.
    pub series: Option<crate::series::SeriesCheck>,
    /// The time the figure describes, when its claims say.
    pub as_of: Option<Period>,
    /// The figure.
    pub figure: Option<Interval>,
    /// The verdict.
    pub status: Status,
    /// Regions tied for most support, when unresolved (region, origins).
    pub candidates: Vec<(Interval, Vec<String>)>,
    /// What chose the figure among tied regions, when unresolved.
    pub tie_break: Option<TieBreak>,
    /// Every claim of the subject in this unit.
    pub claims: Vec<Assessed>,
    /// Units of other claims under the same subject (never compared with these).
    pub other_units: Vec<String>,
    /// When the figure is derived.
    pub derived: Option<Derivation>,
    /// The `sum_of` check this subject takes part in as the whole.
    pub parts: Option<PartsCheck>,
    /// The `sum_of` checks this subject takes part in as a part (only those compared: the
    /// whole and every part have stated figures for the same time).
    pub part_of: Vec<PartOf>,
    /// Each origin's vote on this subject and the record behind it, heaviest first (empty
    /// when the figure was found by counting origins).
    pub weights: Vec<OriginWeight>,
    /// When counting origins alone would choose otherwise: the region(s) it would choose
    /// (several when it would leave the subject tied).
    pub by_count: Option<Vec<Interval>>,
}

/// One origin's vote on a subject, and why it weighs what it does.
#[derive(Clone, Debug)]
pub struct OriginWeight {
    /// The origin.
    pub origin: std::sync::Arc<str>,
    /// Its vote on this subject, after any copying discount.
    pub weight: f64,
    /// Its learned accuracy and copying rate.
    pub learned: crate::reliability::Learned,
    /// The prior its accuracy was smoothed toward: its declared prior, or else the average
    /// origin's accuracy ([`crate::Record::prior`]).
    pub prior: f64,
    /// Every claim it makes here repeats a figure another origin stated before it, so its
    /// vote is discounted by its copying rate.
    pub repeats_here: bool,
    /// Every claim it makes here states only one end of the figure, so its vote counts half.
    pub one_sided_here: bool,
    /// Other subjects (with two or more origins) where its claim supported the figure.
    pub backed_elsewhere: u32,
    /// Other subjects with two or more origins where it made a counted claim.
    pub spoke_elsewhere: u32,
    /// Its declared prior, if any: the entry, the prior and the reason.
    pub declared: Option<(u64, reckon_claim::Prior, String)>,
}

impl SubjectReport {
    /// Claims that support the figure.
    pub fn support(&self) -> impl Iterator<Item = &Assessed> {
        self.claims.iter().filter(|a| a.supports())
    }

    /// Claims that exclude the figure.
    pub fn dissent(&self) -> impl Iterator<Item = &Assessed> {
        self.claims.iter().filter(|a| a.dissents())
    }

    /// A claim's relation to the figure in words (computed when asked: reports of a million
    /// claims do not carry a million sentences).
    pub fn reason(&self, a: &Assessed) -> String {
        crate::recon::describe(a, self.figure.as_ref(), self.as_of.as_ref(), self.kind)
    }

    /// [`SubjectReport::reason`] written at the end of `out`.
    pub fn reason_into(&self, a: &Assessed, out: &mut String) {
        crate::recon::describe_into(out, a, self.figure.as_ref(), self.as_of.as_ref(), self.kind);
    }

    /// Distinct origins among the supporting claims.
    pub fn support_origins(&self) -> usize {
        let mut o: Vec<&str> = self.support().map(|a| a.origin.as_ref()).collect();
        o.sort_unstable();
        o.dedup();
        o.len()
    }
}

/// What chose the figure shown among regions with equal support.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TieBreak {
    /// Its origins agreed with the figure more often on other subjects.
    Reliability,
    /// The records could not tell the regions apart: it was stated first in the log.
    LogOrder,
}
