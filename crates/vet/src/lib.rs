//! Vetting what is about to be appended: the mistakes that would otherwise pass in silence.
//!
//! `reckon add` and `reckon import` put each event to a [`Vet`], in input order, against what
//! the log already holds (learnt in one checked pass, [`Vet::learn`], or from the part of the
//! log about the subjects the append names, [`Vet::learn_part`]):
//!
//! - **a unit that is not the subject's.** A claim whose unit differs from its subject's
//!   definition, or (for a subject without one) from the one unit all its claims share, is
//!   refused: figures in different units are never compared, so it would stand apart from
//!   every conflict check. `--new-unit` insists.
//! - **a slip in a subject.** A claim on a subject the log does not know, one slip (a letter
//!   dropped, added or changed, or two neighbours swapped) from one it does, is refused with
//!   that name. A difference in digits alone is never a slip: `2025-05-06` and `2025-05-16`
//!   are two days. `--new-subject` insists. Subjects first claimed in the same input are not
//!   compared with each other (a feed of new series would be refused line by line); subjects
//!   it defines are.
//! - **a duplicate.** A claim identical to a live one (the same subject, figure as stated,
//!   unit, scope, dates, speaker, role, cites, publisher, quote, modality and precision; the
//!   address, title, document and tags may differ) is refused, or left out with
//!   `--skip-duplicates`. So is a definition identical to the subject's current one.
//! - **a silent redefinition.** Defining a subject again replaces its whole definition: that is
//!   refused, with every field it would change, unless `--replace`.
//!
//! It also tells which subjects and units an append creates ([`Report`]).
//!
//! It reads entries and events it is given; it never reads files, writes, or decides a figure.
//! It advises before an append and proves nothing: a log written by other means is read by
//! everything else exactly as before.

mod near;

/// A subject or unit as an import's reader keeps it: short texts (nearly all) without an
/// allocation of their own, so that marks made on one thread and dropped on another cost no
/// allocator traffic.
#[derive(Clone, Debug)]
pub enum Name {
    /// Up to 62 bytes, in place.
    Inline(u8, [u8; 62]),
    /// Longer.
    Heap(Box<str>),
}

impl Name {
    fn new(s: &str) -> Name {
        match u8::try_from(s.len()) {
            Ok(n) if usize::from(n) <= 62 => {
                let mut b = [0u8; 62];
                b[..s.len()].copy_from_slice(s.as_bytes());
                Name::Inline(n, b)
            }
            _ => Name::Heap(s.into()),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            // Made from a `str`, so always UTF-8.
            Name::Inline(n, b) => std::str::from_utf8(&b[..usize::from(*n)]).unwrap_or(""),
            Name::Heap(s) => s,
        }
    }
}

use near::Near;
use reckon_claim::{EntryHash, Event, SubjectDef};
use reckon_ledger::{Gate, Refusal, Snapshot};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Prints are already uniform: their low 64 bits are the hash.
#[derive(Default)]
struct PrintHasher(u64);

impl Hasher for PrintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// FNV-1a, for the maps of names: far cheaper than SipHash on short keys, and the keys are
/// the user's own data (no one to flood the map on purpose).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type ByName<V> = HashMap<Box<str>, V, BuildHasherDefault<Fnv>>;

/// Live prints, 16 bytes each (a million claims in some 36 MB): the key is a print's first
/// half; the value holds 32 more bits of it and where the claim is (31 bits, and one for a
/// line of the input). 96 bits of print: two different claims meet by chance about once in
/// 10^17 imports of a million claims each.
#[derive(Default)]
struct Live(HashMap<u64, u64, BuildHasherDefault<PrintHasher>>);

/// Places past 2^31 - 1 are kept as that: the message then names an earlier place than the
/// true one, never a wrong claim's identity.
const PLACE_MAX: u64 = (1 << 31) - 1;

impl Live {
    fn value(print: Print, p: Place) -> u64 {
        let at = match p {
            Place::Entry(seq) => seq.min(PLACE_MAX),
            Place::Line(n) => n.min(PLACE_MAX) | (1 << 31),
        };
        (print.1 & 0xffff_ffff_0000_0000) | at
    }

    fn get(&self, print: Print) -> Option<Place> {
        let v = *self.0.get(&print.0)?;
        if v >> 32 != print.1 >> 32 {
            return None;
        }
        let at = v & PLACE_MAX;
        Some(if v & (1 << 31) != 0 {
            Place::Line(at)
        } else {
            Place::Entry(at)
        })
    }

    fn insert(&mut self, print: Print, p: Place) {
        self.0.entry(print.0).or_insert(Live::value(print, p));
    }

    fn remove(&mut self, print: Print) {
        if self.get(print).is_some() {
            self.0.remove(&print.0);
        }
    }
}

/// What the user said to insist on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Accept a new subject one slip from a known one.
    pub new_subject: bool,
    /// Accept a unit that differs from the subject's.
    pub new_unit: bool,
    /// Leave out duplicates instead of refusing them.
    pub skip_duplicates: bool,
    /// Let a definition replace the subject's current one.
    pub replace: bool,
    /// What the input is: the hints name the flags of that command.
    pub command: Command,
    /// Today, when known: a claim said after it is refused (a statement cannot have been
    /// made in the future; the year is mistyped).
    pub today: Option<reckon_claim::Date>,
}

/// The command whose input is vetted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Command {
    /// `reckon import`: a file of events.
    #[default]
    Import,
    /// `reckon add`: one claim from flags.
    Add,
}

/// A claim's identity for duplicates: 128 bits of the blake3 of its compared fields.
type Print = (u64, u64);

/// Where a live claim or definition was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// An entry of the log, by sequence number.
    Entry(u64),
    /// A line of the input being vetted.
    Line(u64),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Entry(seq) => write!(f, "#{seq}"),
            Place::Line(n) => write!(f, "line {n} of this input"),
        }
    }
}

/// What vetting keeps of one event.
#[derive(Debug)]
pub enum Seen {
    /// A claim: where it is filed, and its print.
    Claim {
        /// Its subject.
        subject: Name,
        /// Its unit.
        unit: Name,
        /// Its identity for duplicates.
        print: Print,
        /// The claim it corrects.
        supersedes: Option<EntryHash>,
        /// When it was said.
        said_on: reckon_claim::Period,
    },
    /// A definition.
    Define(Box<SubjectDef>),
    /// An alias.
    Alias {
        /// The other name.
        subject: Box<str>,
        /// The name it stands for.
        same_as: Box<str>,
    },
    /// A retraction of the claim with this hash.
    Retract(EntryHash),
    /// Anything vetting ignores.
    Other,
}

/// The [`Compared`] fields of a claim, decoded whole ([`reckon_claim::Claim`]) or briefly
/// ([`reckon_claim::ClaimView`]): the two have the same fields, owned or borrowed.
macro_rules! compared {
    ($c:expr) => {
        Compared {
            subject: $c.subject.as_str(),
            stated: $c.value.stated(),
            unit: &$c.unit,
            scope: $c.scope.as_deref(),
            as_of: $c.as_of,
            said_on: $c.said_on,
            speaker: $c.speaker.as_deref(),
            role: $c.role.as_deref(),
            cites: $c.cites.as_deref(),
            publisher: $c.publisher.as_deref(),
            quote: $c.quote.as_deref(),
            modality: $c.modality,
            precision: $c.precision,
            supersedes: $c.supersedes,
        }
    };
}

impl Seen {
    /// Reads what vetting needs of `event`.
    pub fn of(event: &Event) -> Seen {
        match event {
            Event::Claim(c) => Seen::claim(&compared!(c)),
            Event::Define(d) => Seen::Define(Box::new(d.clone())),
            Event::Alias { subject, same_as } => Seen::Alias {
                subject: subject.as_str().into(),
                same_as: same_as.as_str().into(),
            },
            Event::Retract { claim, .. } => Seen::Retract(*claim),
            Event::Trust(_) | Event::Log(_) => Seen::Other,
        }
    }

    /// [`Seen::of`] a claim read briefly, its words borrowed from its line (as a lean fold
    /// reads it): the same print as of the claim decoded whole.
    pub fn of_view(c: &reckon_claim::ClaimView<'_>) -> Seen {
        Seen::claim(&compared!(c))
    }

    fn claim(c: &Compared<'_>) -> Seen {
        // Each compared field with its tag and length, so that no two claims that differ in
        // a field hash the same bytes; written into the thread's buffer and hashed at once.
        let hash = PRINT.with_borrow_mut(|buf| {
            use std::fmt::Write as _;
            let PrintBuf { bytes, text } = buf;
            bytes.clear();
            let mut field = |tag: u8, t: Option<&str>| {
                if let Some(t) = t {
                    bytes.push(tag);
                    bytes.extend_from_slice(&(t.len() as u64).to_le_bytes());
                    bytes.extend_from_slice(t.as_bytes());
                }
            };
            field(b's', Some(c.subject));
            field(b'v', Some(c.stated));
            field(b'u', Some(c.unit));
            field(b'c', c.scope);
            for (tag, p) in [(b'a', c.as_of), (b'd', Some(c.said_on))] {
                if let Some(p) = p {
                    text.clear();
                    // Writing to a String cannot fail.
                    let _ = write!(text, "{p}");
                    field(tag, Some(text));
                }
            }
            field(b'p', c.speaker);
            field(b'r', c.role);
            field(b'i', c.cites);
            field(b'b', c.publisher);
            field(b'q', c.quote);
            field(b'm', Some(modality(c.modality)));
            field(b'x', c.precision.map(precision));
            blake3::hash(bytes)
        });
        let half = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&hash.as_bytes()[at..at + 8]);
            u64::from_le_bytes(b)
        };
        Seen::Claim {
            subject: Name::new(c.subject),
            unit: Name::new(c.unit),
            print: (half(0), half(8)),
            supersedes: c.supersedes,
            said_on: c.said_on,
        }
    }
}

/// The fields of a claim that vetting compares, however it was read.
struct Compared<'a> {
    subject: &'a str,
    stated: &'a str,
    unit: &'a str,
    scope: Option<&'a str>,
    as_of: Option<reckon_claim::Period>,
    said_on: reckon_claim::Period,
    speaker: Option<&'a str>,
    role: Option<&'a str>,
    cites: Option<&'a str>,
    publisher: Option<&'a str>,
    quote: Option<&'a str>,
    modality: reckon_claim::Modality,
    precision: Option<reckon_claim::Precision>,
    supersedes: Option<EntryHash>,
}

/// The working memory of [`Seen::of`]: the bytes of a claim's print, and a period's text.
#[derive(Default)]
struct PrintBuf {
    bytes: Vec<u8>,
    text: String,
}

thread_local! {
    static PRINT: std::cell::RefCell<PrintBuf> = std::cell::RefCell::new(PrintBuf::default());
}

fn modality(m: reckon_claim::Modality) -> &'static str {
    match m {
        reckon_claim::Modality::Asserted => "asserted",
        reckon_claim::Modality::Expected => "expected",
        reckon_claim::Modality::Denied => "denied",
    }
}

fn precision(p: reckon_claim::Precision) -> &'static str {
    match p {
        reckon_claim::Precision::Exact => "exact",
        reckon_claim::Precision::Digits => "digits",
    }
}

/// The units a subject's claims are in.
#[derive(Debug)]
enum Units {
    /// No claims (a subject only defined or aliased).
    None,
    /// All in one unit (its number in `Vet::unit_names`), this many claims.
    One(u32, u64),
    /// More than one.
    Mixed,
}

/// A subject vetting knows.
#[derive(Debug)]
struct Known {
    units: Units,
    /// First named by the input (not the log).
    fresh: bool,
}

/// What an append creates and leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// How many subjects no entry named before.
    pub new_subject_count: u64,
    /// The first [`Report::LISTED`] of them, in the order they came.
    pub new_subjects: Vec<String>,
    /// Units no entry used before, in the order they came.
    pub new_units: Vec<String>,
    /// Lines left out as duplicates, with what each repeats.
    pub skipped: Vec<(u64, Place)>,
    /// Subjects whose definition was replaced (with `--replace`).
    pub replaced: Vec<String>,
}

impl Report {
    /// How many new subjects a report names.
    pub const LISTED: usize = 10;
}

/// Vetting in progress: what the log holds, and what the input has added so far.
#[derive(Default)]
pub struct Vet {
    options: Options,
    /// Entries learnt from the log.
    learnt: u64,
    defs: HashMap<Box<str>, (Place, SubjectDef)>,
    aliases: HashMap<Box<str>, Box<str>>,
    /// Every subject a claim, definition or alias named, with its claims' units.
    subjects: ByName<Known>,
    /// Every unit an entry used, and its number.
    units: ByName<u32>,
    unit_names: Vec<Box<str>>,
    /// Where each live claim is, by print.
    live: Live,
    print_of: HashMap<EntryHash, Print>,
    /// The subject each definition of the log defines, by entry (a retraction withdraws it).
    def_of: HashMap<EntryHash, Box<str>>,
    /// Names a new subject is compared with, made on the first new subject.
    near: Option<Near>,
    /// Subjects the input defines, to add to `near` once it exists.
    defined_here: Vec<Box<str>>,
    /// Whether input is being vetted (after the log was learnt).
    input_started: bool,
    /// The sequence number the next accepted event will have.
    next_seq: u64,
    report: Report,
}

impl Vet {
    /// A vet that knows nothing yet.
    pub fn new(options: Options) -> Vet {
        Vet {
            options,
            ..Vet::default()
        }
    }

    /// Learns what the log in `snap` holds, from one checked pass on all cores: each piece of
    /// entries noted as soon as it is checked, so that what vetting needs of every entry is
    /// never held as well as what it keeps (importing into a log of 10M claims took 5.2 GB
    /// when it was).
    pub fn learn(
        options: Options,
        snap: &Snapshot<'_>,
    ) -> Result<(Vet, reckon_ledger::Head), reckon_ledger::LedgerError> {
        let mut vet = Vet::new(options);
        // Each claim read as a lean fold reads it (its words borrowed, never copied).
        let seen = |b: reckon_ledger::Brief<'_>, _| match b {
            reckon_ledger::Brief::Claim {
                seq, hash, claim, ..
            } => (seq, hash, Seen::of_view(&claim)),
            reckon_ledger::Brief::Whole(e) => (e.seq, e.hash, Seen::of(&e.event)),
        };
        let head = snap.project_brief_each(&seen, &mut |piece| {
            for (seq, hash, s) in piece {
                vet.note(seq, hash, s);
            }
        })?;
        Ok((vet, head))
    }

    /// Learns part of a log whose head is `head`: `entries` (in log order) hold everything
    /// about the subjects an append is about (every entry that is not a claim, and those
    /// subjects' claims: what a saved index reads), and `names` every subject the log has
    /// claims on, for slips.
    pub fn learn_part<'n>(
        options: Options,
        entries: &[reckon_ledger::Entry],
        names: impl IntoIterator<Item = &'n str>,
        head: reckon_ledger::Head,
    ) -> Vet {
        let mut vet = Vet::new(options);
        for e in entries {
            vet.note(e.seq, e.hash, Seen::of(&e.event));
        }
        for name in names {
            vet.know_subject(name.into());
        }
        vet.learnt = head.seq;
        vet
    }

    /// Learns one entry of the log, in order.
    pub fn note(&mut self, seq: u64, hash: EntryHash, seen: Seen) {
        self.learnt = seq;
        match &seen {
            Seen::Claim { print, .. } => {
                self.print_of.insert(hash, *print);
            }
            Seen::Define(d) => {
                self.def_of.insert(hash, d.subject.as_str().into());
            }
            _ => {}
        }
        self.apply(Place::Entry(seq), seen);
    }

    /// What the vetted input created and left out.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The subject a name stands for, after aliases.
    fn canonical<'a>(&'a self, mut name: &'a str) -> &'a str {
        // Aliases are checked for cycles when appended; the bound only guards a log written
        // by other means.
        for _ in 0..64 {
            match self.aliases.get(name) {
                Some(next) => name = next,
                None => break,
            }
        }
        name
    }

    /// Records an event as accepted.
    fn apply(&mut self, place: Place, seen: Seen) {
        match seen {
            Seen::Claim {
                subject,
                unit,
                print,
                supersedes,
                ..
            } => {
                if let Some(p) = supersedes.and_then(|t| self.print_of.get(&t)) {
                    self.live.remove(*p);
                }
                self.live.insert(print, place);
                let (subject, unit) = (subject.as_str(), unit.as_str());
                if !self.aliases.is_empty() && self.aliases.contains_key(subject) {
                    let canonical: Box<str> = self.canonical(subject).into();
                    self.know_subject(subject.into());
                    self.note_unit(&canonical, unit);
                } else {
                    self.note_unit(subject, unit);
                }
            }
            Seen::Define(d) => {
                if let Some(u) = &d.unit {
                    self.know_unit(u);
                }
                let name: Box<str> = d.subject.as_str().into();
                if let Place::Line(_) = place {
                    match &mut self.near {
                        Some(near) => near.add(&name),
                        None => self.defined_here.push(name.clone()),
                    }
                }
                self.know_subject(name.clone());
                let canonical: Box<str> = self.canonical(&name).into();
                self.defs.insert(canonical, (place, *d));
            }
            Seen::Alias { subject, same_as } => {
                self.know_subject(subject.clone());
                self.know_subject(same_as.clone());
                self.aliases.insert(subject, same_as);
            }
            Seen::Retract(hash) => {
                if let Some(p) = self.print_of.get(&hash) {
                    self.live.remove(*p);
                } else if let Some(subject) = self.def_of.remove(&hash) {
                    // A withdrawn definition binds no unit and needs no --replace. (The one
                    // before it stands again in the log's state; vetting, which keeps only
                    // the latest, errs towards asking less.)
                    let canonical: Box<str> = self.canonical(&subject).into();
                    self.defs.remove(&canonical);
                }
            }
            Seen::Other => {}
        }
    }

    /// Knows a subject; a subject first named by the input is reported as new.
    fn know_subject(&mut self, name: Box<str>) -> &mut Known {
        if !self.subjects.contains_key(&name) && self.input_started {
            self.report.new_subject_count += 1;
            if self.report.new_subjects.len() < Report::LISTED {
                self.report.new_subjects.push(name.to_string());
            }
        }
        let fresh = self.input_started;
        self.subjects.entry(name).or_insert(Known {
            units: Units::None,
            fresh,
        })
    }

    /// Knows a subject (after aliases) and that a claim on it is in `unit`: one lookup for a
    /// claim on a known subject in its usual unit, the common case.
    fn note_unit(&mut self, name: &str, unit: &str) {
        if let Some(Known {
            units: Units::One(u, n),
            ..
        }) = self.subjects.get_mut(name)
            && *self.unit_names[*u as usize] == *unit
        {
            *n += 1;
            return;
        }
        let id = self.know_unit(unit);
        let known = self.know_subject(name.into());
        known.units = match known.units {
            Units::None => Units::One(id, 1),
            _ => Units::Mixed,
        };
    }

    fn know_unit(&mut self, unit: &str) -> u32 {
        if let Some(id) = self.units.get(unit) {
            return *id;
        }
        if self.input_started {
            self.report.new_units.push(unit.to_owned());
        }
        let id = u32::try_from(self.unit_names.len()).unwrap_or(u32::MAX);
        self.unit_names.push(unit.into());
        self.units.insert(unit.into(), id);
        id
    }

    /// Vets the event on input `line`: `Ok(true)` to append it, `Ok(false)` to leave it out
    /// (a duplicate, with `--skip-duplicates`), `Err` to refuse the input.
    pub fn check(&mut self, line: u64, seen: Seen) -> Result<bool, Refusal> {
        if !self.input_started {
            self.input_started = true;
            self.next_seq = self.learnt + 1;
        }
        let place = Place::Line(line);
        match &seen {
            Seen::Claim {
                subject,
                unit,
                print,
                supersedes,
                said_on,
            } => {
                if let Some(today) = self.options.today
                    && said_on.start() > today
                {
                    return Err(Refusal {
                        field: Some("said_on"),
                        message: format!(
                            "{said_on} is after today ({today}): a claim records what was said, so it cannot have been said later; is the year mistyped? (as_of may lie ahead)"
                        ),
                    });
                }
                self.check_subject(subject.as_str())?;
                self.check_unit(subject.as_str(), unit.as_str())?;
                let corrected = supersedes.and_then(|t| self.print_of.get(&t));
                if let Some(first) = self.live.get(*print)
                    && corrected != Some(print)
                {
                    return self.duplicate(line, first, "claim");
                }
            }
            Seen::Define(d) => {
                let canonical = self.canonical(d.subject.as_str());
                if let Some((first, old)) = self.defs.get(canonical) {
                    if **d == *old {
                        let first = *first;
                        return self.duplicate(line, first, "definition");
                    }
                    if !self.options.replace {
                        return Err(Refusal {
                            field: Some("define"),
                            message: redefinition(canonical, *first, old, d),
                        });
                    }
                    self.report.replaced.push(canonical.to_owned());
                }
            }
            Seen::Alias { .. } | Seen::Retract(_) | Seen::Other => {}
        }
        self.apply(place, seen);
        self.next_seq += 1;
        Ok(true)
    }

    fn duplicate(&mut self, line: u64, first: Place, what: &str) -> Result<bool, Refusal> {
        if self.options.skip_duplicates {
            self.report.skipped.push((line, first));
            return Ok(false);
        }
        let same = if what == "claim" {
            "the same subject, figure, unit, dates, speaker, role, cites, publisher, quote and modality"
        } else {
            "every field the same"
        };
        let hint = match self.options.command {
            Command::Import => {
                "; was this input imported before? --skip-duplicates leaves out lines that repeat what the log holds"
            }
            Command::Add => "; it is recorded already",
        };
        Err(Refusal {
            field: None,
            message: format!("a duplicate of the {what} at {first} ({same}){hint}"),
        })
    }

    fn check_subject(&mut self, subject: &str) -> Result<(), Refusal> {
        if self.options.new_subject || self.subjects.contains_key(subject) {
            return Ok(());
        }
        let near = self.near.get_or_insert_with(|| {
            // The log's subjects and the input's definitions; not the subjects the input
            // merely claimed.
            let mut near = Near::default();
            for (s, _) in self.subjects.iter().filter(|(_, k)| !k.fresh) {
                near.add(s);
            }
            for s in &self.defined_here {
                near.add(s);
            }
            near
        });
        match near.slip_of(subject) {
            None => Ok(()),
            Some(known) => Err(Refusal {
                field: Some("subject"),
                message: format!(
                    "`{subject}` is a new subject, one slip from `{known}`, which the log knows; \
                     write `{known}` if that is meant, or pass --new-subject if this is another quantity"
                ),
            }),
        }
    }

    /// The unit a claim on `subject` is expected in: its definition's, else the one unit its
    /// claims share; `None` when neither says.
    pub fn unit_of(&self, subject: &str) -> Option<&str> {
        self.defined_unit(subject).map(|(u, _)| u).or_else(|| {
            match self.subjects.get(self.canonical(subject)).map(|k| &k.units) {
                Some(Units::One(u, _)) => Some(&*self.unit_names[*u as usize]),
                _ => None,
            }
        })
    }

    /// The unit the subject's definition gives, and where it was defined.
    fn defined_unit(&self, subject: &str) -> Option<(&str, Place)> {
        let (place, def) = self.defs.get(self.canonical(subject))?;
        Some((def.unit.as_deref()?, *place))
    }

    fn check_unit(&self, subject: &str, unit: &str) -> Result<(), Refusal> {
        if self.options.new_unit {
            return Ok(());
        }
        // Only a definition's unit binds: a subject's claims in two units may be meant (the
        // same count in people and in hryvnia), and are only never compared.
        let Some((expected, place)) = self.defined_unit(subject) else {
            return Ok(());
        };
        let canonical = self.canonical(subject);
        if unit == expected {
            return Ok(());
        }
        let given = if unit == "count" {
            format!("`{unit}` (the unit when none is given)")
        } else {
            format!("`{unit}`")
        };
        Err(Refusal {
            field: Some("unit"),
            message: format!(
                "`{canonical}` is defined in `{expected}` (at {place}), and this claim is in {given}: figures in different units are \
                 never compared, so it would escape every conflict check; give the unit `{expected}`, \
                 or pass --new-unit if {given} is meant"
            ),
        })
    }
}

impl Gate for Vet {
    type Mark = Seen;

    fn mark(event: &Event) -> Seen {
        Seen::of(event)
    }

    fn admit(&mut self, line: u64, mark: Seen) -> Result<bool, Refusal> {
        self.check(line, mark)
    }

    fn learn(&mut self, entry: &reckon_ledger::Entry) {
        self.note(entry.seq, entry.hash, Seen::of(&entry.event));
    }
}

/// Why a redefinition is refused: every field it would change.
fn redefinition(subject: &str, first: Place, old: &SubjectDef, new: &SubjectDef) -> String {
    let fields = |d: &SubjectDef| match serde_json::to_value(d) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (fields(old), fields(new));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    let shown = |v: Option<&serde_json::Value>| match v {
        None => "(none)".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let changes: Vec<String> = keys
        .into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| format!("{k} {} → {}", shown(old.get(k)), shown(new.get(k))))
        .collect();
    format!(
        "`{subject}` is already defined (at {first}); a definition replaces the whole of the one before, \
         and this one would change {}; pass --replace if that is meant (give every field to keep)",
        changes.join(", ")
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use reckon_claim::{Ref, parse_line};

    /// A claim read briefly (its words borrowed from its JSON, by the hand reader of the form
    /// an append writes or by serde) gives the same print, names and dates as the claim
    /// decoded whole: vetting learns the log briefly and checks new claims decoded whole.
    #[test]
    fn a_claim_read_briefly_is_seen_as_the_claim_decoded_whole() {
        let hashes = [EntryHash([7; 32])];
        let mut by_hand_read = 0;
        for line in [
            r#"{"subject": "a/b", "value": "about 1,200", "said_on": "2025-05-01", "speaker": "X"}"#,
            r#"{"subject": "a/b", "value": "between 3 and 4", "unit": "people", "scope": "in the east", "as_of": "2025-04", "said_on": "2025", "speaker": "Y \"Z\"", "role": "r", "cites": "C", "publisher": "P", "quote": "words \u00e9 and \\ more", "modality": "expected", "precision": "exact", "supersedes": 1}"#,
            r#"{"subject": "a/c", "value": "at least 9", "said_on": "2025-06", "publisher": "Q", "modality": "denied", "precision": "digits", "tags": ["t"]}"#,
        ] {
            let whole = event(line, &hashes);
            let json = serde_json::to_string(&whole).unwrap();
            let by_serde: reckon_claim::ClaimView<'_> = serde_json::from_str(&json).unwrap();
            let want = format!("{:?}", Seen::of(&whole));
            assert_eq!(format!("{:?}", Seen::of_view(&by_serde)), want, "{line}");
            // The hand reader leaves words with escapes to serde.
            match reckon_claim::ClaimView::read_written(&json) {
                Some(by_hand) => {
                    assert_eq!(format!("{:?}", Seen::of_view(&by_hand)), want, "{line}");
                    by_hand_read += 1;
                }
                None => assert!(json.contains('\\'), "{json}"),
            }
        }
        assert_eq!(by_hand_read, 2);
    }

    /// Events from import lines; references are to sequence numbers of `hashes`.
    fn event(line: &str, hashes: &[EntryHash]) -> Event {
        parse_line(line, &mut |_, r| match r {
            Ref::Seq(n) => Ok(hashes[*n as usize - 1]),
            Ref::Hash(_) => Err("no".into()),
        })
        .unwrap()
    }

    fn hash(n: u8) -> EntryHash {
        EntryHash([n; 32])
    }

    /// A vet that has learnt `lines` as entries 1, 2, ...
    fn learnt(options: Options, lines: &[&str]) -> Vet {
        let hashes: Vec<EntryHash> = (1..=lines.len() as u8).map(hash).collect();
        let mut vet = Vet::new(options);
        for (i, l) in lines.iter().enumerate() {
            vet.note(i as u64 + 1, hashes[i], Seen::of(&event(l, &hashes)));
        }
        vet
    }

    const A: &str = r#"{"subject": "a/held", "value": "5", "unit": "people", "said_on": "2025", "speaker": "X"}"#;
    const DEF: &str = r#"{"define": "a/held", "unit": "people", "window": "P31D"}"#;

    fn check(vet: &mut Vet, line: &str) -> Result<bool, Refusal> {
        let hashes: Vec<EntryHash> = (1..=9).map(hash).collect();
        vet.check(1, Seen::of(&event(line, &hashes)))
    }

    #[test]
    fn a_retracted_or_corrected_claim_is_no_longer_a_duplicate() {
        let mut vet = learnt(Options::default(), &[A]);
        assert!(check(&mut vet, A).is_err());
        let mut vet = learnt(
            Options::default(),
            &[A, r#"{"retract": 1, "reason": "wrong"}"#],
        );
        assert_eq!(check(&mut vet, A), Ok(true));
        // A correction identical to what it corrects is not its duplicate.
        let mut vet = learnt(Options::default(), &[A]);
        let fix = A.replace('}', r#", "supersedes": 1}"#);
        assert_eq!(check(&mut vet, &fix), Ok(true));
    }

    #[test]
    fn duplicates_within_one_input_are_found_and_skipping_counts_them() {
        let options = Options {
            skip_duplicates: true,
            ..Options::default()
        };
        let mut vet = learnt(options, &[]);
        assert_eq!(check(&mut vet, A), Ok(true));
        assert_eq!(check(&mut vet, A), Ok(false));
        assert_eq!(vet.report().skipped, vec![(1, Place::Line(1))]);
    }

    #[test]
    fn only_a_definition_binds_a_unit() {
        let other = A.replace("people", "persons");
        // Undefined: claims in two units may be meant.
        let mut vet = learnt(Options::default(), &[A]);
        assert_eq!(check(&mut vet, &other), Ok(true));
        let mut vet = learnt(Options::default(), &[DEF, A]);
        let refused = check(&mut vet, &other).unwrap_err();
        assert_eq!(refused.field, Some("unit"));
        let mut vet = learnt(
            Options {
                new_unit: true,
                ..Options::default()
            },
            &[DEF, A],
        );
        assert_eq!(check(&mut vet, &other), Ok(true));
        // Through an alias, the subject it stands for binds.
        let mut vet = learnt(
            Options::default(),
            &[DEF, r#"{"alias": "a/captives", "same_as": "a/held"}"#],
        );
        assert!(check(&mut vet, &other.replace("a/held", "a/captives")).is_err());
    }

    #[test]
    fn subjects_first_claimed_in_the_input_are_not_compared_with_each_other() {
        let mut vet = learnt(Options::default(), &[]);
        assert_eq!(
            check(&mut vet, &A.replace("a/held", "series/alpha")),
            Ok(true)
        );
        assert_eq!(
            check(&mut vet, &A.replace("a/held", "series/alphb")),
            Ok(true)
        );
        // Against the log's subjects, a slip is refused.
        let mut vet = learnt(
            Options::default(),
            &[A.replace("a/held", "series/alpha").as_str()],
        );
        let refused = check(&mut vet, &A.replace("a/held", "series/alpah")).unwrap_err();
        assert!(
            refused.message.contains("`series/alpha`"),
            "{}",
            refused.message
        );
        assert_eq!(vet.report().new_subjects, Vec::<String>::new());
    }

    #[test]
    fn what_another_writer_appended_meanwhile_is_learnt() {
        let mut vet = learnt(Options::default(), &[]);
        let hashes = [hash(1)];
        reckon_ledger::Gate::learn(
            &mut vet,
            &reckon_ledger::Entry {
                seq: 1,
                prev: reckon_ledger::GENESIS,
                at: reckon_claim::Timestamp::parse("2025-01-01T00:00:00Z").unwrap(),
                event: event(A, &hashes),
                hash: hash(1),
            },
        );
        assert!(check(&mut vet, A).is_err());
    }
}
