//! Running a query against the log: select, filter, shape.

use crate::ast::{Expr, Field, Literal, Op, Query, Source, Step, Target};
use reckon_claim::suggest::nearest;
use reckon_claim::{Interval, Period, Tolerance};
use reckon_ledger::Entry;
use reckon_reconcile::{
    Assessed, Options, Pattern, Reconciliation, Recorded, State, Status, SubjectReport, reconcile,
    reconcile_map,
};
use std::fmt;

mod answers;
mod cells;
mod filter;

use answers::*;
pub use cells::Cell;
use cells::*;
use filter::*;

/// Whether this process ends once its one question is answered: see [`leave_to_exit`].
static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says that this process ends as soon as the question it is about to ask is answered (the
/// command-line tool's `query`), so that the state a whole-log question folds is left to the
/// process's exit instead of being handed back piece by piece (a million claims and their
/// shared names took a few hundred milliseconds to free, the answer already made).
///
/// Never call it in a process that asks more than one question (a server, a site writer, a
/// check of saved queries): without it, each question frees what it folded, as it must
/// there, or every whole-log question would keep its state for the life of the process.
pub fn leave_to_exit() {
    LEAVE_TO_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Gives `held` back: freed now, or left to the process's exit when [`leave_to_exit`] said
/// the process ends with this question.
fn release<T>(held: T) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(held);
    } else {
        drop(held);
    }
}

/// What an answer was computed for: always stated, even when defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Basis {
    /// The log position asked for with `at` (`None`: the head).
    pub at: Option<u64>,
    /// Log position (entries folded in).
    pub position: u64,
    /// Entries in the log.
    pub log_entries: u64,
    /// Hash of the last entry folded in.
    pub head: Option<String>,
    /// Only claims said on or before this.
    pub known: Option<Period>,
    /// The time figures describe (`None`: each subject's latest `as_of`).
    pub valid: Option<Period>,
}

/// The answer to a query: a table, with what it was computed for.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The query, in canonical form.
    pub query: String,
    /// What it was computed for.
    pub basis: Basis,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of cells, one per column.
    pub rows: Vec<Vec<Cell>>,
    /// Things the reader should know (nothing matched, nearest names).
    pub notes: Vec<String>,
    /// How the log was read for it (not part of the answer: for tracing and tests).
    pub read: Read,
}

/// How a question read the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Every entry, checked.
    WholeLog,
    /// Every entry, checked, and every origin's record taken from the saved index.
    WholeLogSavedRecords,
    /// Every entry, checked, folded lean (from the saved folded snapshot when it matches the
    /// log): a claims question that asks for no claim's words.
    Lean,
    /// Every entry checked, folded lean, for figures of every subject, with every origin's
    /// record from the saved index: taken from it, or `learned` from the fold and saved in it
    /// (it held none).
    LeanRecords {
        /// The index held no records: the fold's were saved in it.
        learned: bool,
    },
    /// Every entry checked and folded lean, then the words of this many claims read again
    /// from their lines (each re-hashed): the claims of the rows, for the words they show.
    LeanShown {
        /// Claims whose words were read.
        entries: usize,
        /// Every origin's record came through the saved index: taken from it, or
        /// (`learned`) learned from the fold and saved in it, which held none.
        records: bool,
        /// The records were learned and saved in the index.
        learned: bool,
    },
    /// Every entry checked and folded lean, then the words a claims question chooses its
    /// rows by (and those it shows) read again from the lines of this many claims, each
    /// re-hashed: those its filter keeps, or every claim when the filter asks for words.
    LeanWords {
        /// Claims whose words were read.
        entries: usize,
    },
    /// Through the saved index: this many entries, each re-hashed.
    Index {
        /// Entries read.
        entries: usize,
    },
    /// Every line checked at the speed of hashing, and only this many entries decoded: those
    /// that could hold the words a claims question asks for exactly, and every entry that is
    /// not a claim or could change a claim's fate.
    Selected {
        /// Entries decoded.
        entries: usize,
    },
    /// Through the saved index brought forward over the entries appended since it was saved
    /// (only their lines read and checked), then this many entries through it.
    AppendedIndex {
        /// Entries appended since the index was saved.
        appended: u64,
        /// Entries read through it.
        entries: usize,
    },
    /// Through the saved index (brought forward over `appended` entries, when some were
    /// appended since it was saved), which held no origin records: they were learned from
    /// the folded log and saved in it; then this many entries through it.
    Learned {
        /// Entries appended since the index was saved.
        appended: Option<u64>,
        /// Entries read through it.
        entries: usize,
    },
    /// The whole log checked in one pass that made the index (none was saved, or it did not
    /// match), then this many entries through it.
    NewIndex {
        /// Entries read through the new index.
        entries: usize,
    },
}

/// A query that parsed but cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

/// What a run may take from outside the entries it is given.
#[derive(Clone, Debug, Default)]
struct Context {
    /// The log's length and head, when the entries are only some of the log's.
    head: Option<(u64, String)>,
    /// Origin records learned from the whole log.
    records: Option<std::sync::Arc<reckon_reconcile::Records>>,
    /// Cells of claims' words a lean state does not hold, read again from their lines.
    words: Option<WordCells>,
    /// Every subject name the whole log's claims have, when the entries are only a part of
    /// a log that has no alias ([`Part::subject_names`]): what names a note suggests.
    subjects: Option<Vec<String>>,
    /// What the filter's text comparisons met in the claims of the log the entries do not
    /// hold ([`filter::TextSeen`]), when the entries are only a part of it.
    /// Taken by the one answer that needs it.
    seen: std::cell::RefCell<Option<filter::Unmatched>>,
}

/// The cells of some of [`WORD_FIELDS`] for the claims of a lean state that a question's
/// filter keeps, read again from their lines: what a question that chooses its rows by
/// claims' words reads of them, without every entry decoded at once.
#[derive(Clone, Debug, Default)]
struct WordCells {
    /// The fields held, in the order of each claim's cells.
    fields: Vec<Field>,
    /// The claims held, by number, ascending.
    seqs: Vec<u64>,
    /// `fields.len()` cells for each of `seqs`, in its order.
    cells: Vec<Cell>,
    /// How many claims' lines were read to choose them.
    read: usize,
}

impl WordCells {
    /// Whether claim `seq` is held (the question's filter keeps it).
    fn holds(&self, seq: u64) -> bool {
        self.seqs.binary_search(&seq).is_ok()
    }

    /// The cell of field `f` of claim `seq`, when held.
    fn cell(&self, seq: u64, f: Field) -> Option<&Cell> {
        let k = self.fields.iter().position(|x| *x == f)?;
        let i = self.seqs.binary_search(&seq).ok()?;
        self.cells.get(i * self.fields.len() + k)
    }
}

/// Runs `q` on the log's entries (all of them).
pub fn run(q: &Query, entries: &[Entry]) -> Result<Answer, QueryError> {
    run_in(q, entries, &Context::default())
}

/// Why a query on a log failed.
#[derive(Debug)]
pub enum RunError {
    /// The query cannot be answered.
    Query(QueryError),
    /// The log could not be read.
    Log(reckon_ledger::LedgerError),
}

impl From<QueryError> for RunError {
    fn from(e: QueryError) -> Self {
        RunError::Query(e)
    }
}

/// Each distinct value of the cell at `k` with how many items have it: the largest groups
/// first, then in the value's order.
fn groups(items: &[Vec<Cell>], k: Option<usize>) -> Vec<Vec<Cell>> {
    let mut by: std::collections::BTreeMap<(u8, i128, i128, String), (Cell, u64)> =
        std::collections::BTreeMap::new();
    for it in items {
        let cell = k.map_or(Cell::Empty, |k| it[k].clone());
        let (rank, lo, hi, text) = cell.key();
        let key = (rank, lo, hi, text.to_owned());
        by.entry(key).or_insert((cell, 0)).1 += 1;
    }
    let mut rows: Vec<(Cell, u64)> = by.into_values().collect();
    // Stable: equal counts keep the value's order.
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows.into_iter()
        .map(|(cell, n)| vec![cell, Cell::Int(n)])
        .collect()
}

/// How the note about claims left out for their state starts.
const LEFT_OUT: &str = "left out ";
/// The note of a claims answer with no rows whose filter's every text comparison matched
/// some claim.
const NO_CLAIM_MATCHES: &str = "no claim matches every condition";

/// True when `q` asks about the log as it is: no `at`, `known` or `valid`, which change
/// what is folded or what the origins' records are learned from.
fn as_it_is(q: &Query) -> bool {
    q.at.is_none() && q.known.is_none() && q.valid.is_none()
}

fn subject_selection(q: &Query) -> Option<Pattern> {
    if !as_it_is(q) {
        return None;
    }
    // A `subject = …` or `subject ~ …` that every answer must satisfy: the whole filter, or
    // one term of its top-level `and` chain. Its pattern selects at least the subjects the
    // filter keeps (the filter is applied again to what is read).
    let filtered = || {
        let subject = |e: &Expr| match e {
            Expr::Cmp(Field::Subject, Op::Eq | Op::Like, Literal::Text(t)) => Some(Pattern::new(t)),
            _ => None,
        };
        match q.filter.as_ref()? {
            Expr::And(terms) => terms.iter().find_map(subject),
            e => subject(e),
        }
    };
    match &q.source {
        Source::Figures(Some(p)) | Source::Conflicts(Some(p)) => Some(Pattern::new(p)),
        Source::Provenance(Target::Subject(s)) => Some(Pattern::new(s)),
        Source::Claims | Source::Figures(None) | Source::Conflicts(None) => filtered(),
        Source::Provenance(_) => None,
    }
}

/// True when the only notes `q` could need the whole log for, once the part of the log its
/// subjects name is read, suggest subject names: a question about figures, conflicts or the
/// provenance of a subject pattern, or about claims whose filter compares no field but the subject with
/// text.
fn names_suffice(q: &Query) -> bool {
    match &q.source {
        Source::Figures(Some(_))
        | Source::Conflicts(Some(_))
        | Source::Provenance(Target::Subject(_)) => true,
        Source::Claims => q.filter.as_ref().is_some_and(only_subject_text),
        _ => false,
    }
}

/// Runs `q` on a log: through its saved index when the query is about a few subjects and the
/// index matches the log (the answer is the same either way), else by reading the whole log,
/// after which the index is made again for the next question.
pub fn run_on_log(q: &Query, log: &reckon_ledger::Log) -> Result<Answer, RunError> {
    well_formed(q)?;
    // The whole question is answered under one shared lock, from one snapshot of the log.
    let snap = log.snapshot().map_err(RunError::Log)?;
    // Figures read no claim's words: the whole log is then folded lean.
    let figures = matches!(q.source, Source::Figures(_));
    if let Some(a) = run_claim_provenance(q, &snap)? {
        return Ok(a);
    }
    if let Some(a) = run_claim_by_hash(q, &snap)? {
        return Ok(a);
    }
    let Some(pattern) = subject_selection(q) else {
        return run_unnamed(q, &snap);
    };
    let needs_records = !matches!(q.source, Source::Claims);
    // Records the index holds are those of this snapshot: a whole read below reuses them.
    let mut learned = None;
    // Read one by one through the index, the entries of more than an eighth of a large log
    // cost more than a lean fold of all of it.
    let most = Some(most_read_apart(&snap)?);
    if let Some(part) = read_part(&snap, &pattern, needs_records, most).map_err(RunError::Log)? {
        let ctx = Context {
            head: Some(part.head.clone()),
            records: part.records.clone(),
            words: None,
            subjects: None,
            seen: Default::default(),
        };
        let mut a = run_in(q, &part.entries, &ctx)?;
        // When the pattern names subjects the log has, the part read holds everything
        // about them. Otherwise, and for claims that match nothing, the answer's notes
        // suggest names, which must come from the whole log: ask the whole log.
        let complete = if matches!(q.source, Source::Claims) {
            !a.rows.is_empty() && a.notes.iter().all(|n| n.starts_with(LEFT_OUT))
        } else {
            part.named_known
        };
        if complete {
            a.read = part.read();
            return Ok(a);
        }
        // An answer whose notes only suggest subject names takes them from the index's
        // directory instead of the whole log, when the names tell (see `Part::subject_names`).
        if names_suffice(q)
            && let Some(names) = part.subject_names()
        {
            let ctx = Context {
                subjects: Some(names),
                ..ctx
            };
            let mut a = run_in(q, &part.entries, &ctx)?;
            a.read = part.read();
            return Ok(a);
        }
        learned = ctx.records;
    }
    if figures {
        // With the records the part brought, else as a question about every subject takes
        // them (from the saved index, or learned and saved in it).
        let Some(records) = learned else {
            return run_whole_figures(q, &snap);
        };
        let ctx = Context {
            head: None,
            records: Some(records),
            words: None,
            subjects: None,
            seen: Default::default(),
        };
        return run_lean(q, &snap, &ctx);
    }
    // Too much of the log for the index, or an answer that must suggest names from the whole
    // log: the whole log, as a question that names no subject is answered.
    run_unnamed(q, &snap)
}

/// A question answered from the whole log (it names no subject, or its subjects hold too
/// much of the log to read through the index): the cheapest way that gives its answer, a
/// lean fold whenever one does, every entry decoded whole only when none can.
fn run_unnamed(q: &Query, snap: &reckon_ledger::Snapshot<'_>) -> Result<Answer, RunError> {
    if matches!(q.source, Source::Figures(_)) {
        return run_whole_figures(q, snap);
    }
    if let Some(a) = run_selecting(q, snap)? {
        return Ok(a);
    }
    if matches!(q.source, Source::Claims) && !asks_for_words(q) {
        let mut a = run_lean(q, snap, &Context::default())?;
        a.read = Read::Lean;
        return Ok(a);
    }
    if let Some(a) = run_lean_showing_words(q, snap)? {
        return Ok(a);
    }
    if let Some(a) = run_lean_conflicts(q, snap)? {
        return Ok(a);
    }
    if let Some(a) = run_lean_with_words(q, snap)? {
        return Ok(a);
    }
    let records = saved_records(q, snap);
    let entries = snap.entries().map_err(RunError::Log)?;
    let took = records.is_some();
    let mut a = run_in(
        q,
        &entries,
        &Context {
            head: None,
            records,
            words: None,
            subjects: None,
            seen: Default::default(),
        },
    )?;
    if took {
        a.read = Read::WholeLogSavedRecords;
    }
    Ok(a)
}

/// Runs `q` on every entry of the log, each decoded whole from one checked read, never
/// through the saved index, the folded snapshot or a lean fold (every origin's record fitted
/// from those entries): the reference answer that [`run_on_log`]'s faster ways must equal.
/// Slow, and it holds every decoded entry: for checking, not for a large log every day.
pub fn run_whole(q: &Query, log: &reckon_ledger::Log) -> Result<Answer, RunError> {
    well_formed(q)?;
    let snap = log.snapshot().map_err(RunError::Log)?;
    let entries = snap.entries().map_err(RunError::Log)?;
    Ok(run_in(q, &entries, &Context::default())?)
}

/// How many claims a question may always read through the index, however small the log.
const PART_FLOOR: u64 = 10_000;

/// How many entries a question reads one by one (through the index, or picked from a pass
/// by their text) before a lean fold of the whole log is the cheaper way: an eighth of the
/// log, and never fewer than [`PART_FLOOR`].
fn most_read_apart(snap: &reckon_ledger::Snapshot<'_>) -> Result<u64, RunError> {
    let len = snap.committed().map_err(RunError::Log)?.seq;
    Ok((len / 8).max(PART_FLOOR))
}

/// The fields only a claim's whole entry holds (who said it, where, in what words), which
/// the lean fold does not keep.
const WORD_FIELDS: &[Field] = &[
    Field::Speaker,
    Field::Role,
    Field::Cites,
    Field::Publisher,
    Field::Document,
    Field::Url,
    Field::Title,
    Field::Tag,
    Field::Quote,
];

/// True when `q` filters, sorts, groups or shows a field of [`WORD_FIELDS`] (the columns a
/// claims question shows by default are none of them; an answer that is a count shows none).
fn asks_for_words(q: &Query) -> bool {
    selects_by_words(q) || (shows_words(q) && !q.steps.contains(&Step::Count))
}

/// True when `q`'s filter tests a field of [`WORD_FIELDS`].
fn filters_by_words(q: &Query) -> bool {
    q.filter.as_ref().is_some_and(|e| e.mentions(WORD_FIELDS))
}

/// True when `q` filters, sorts or groups by a field of [`WORD_FIELDS`].
fn selects_by_words(q: &Query) -> bool {
    filters_by_words(q)
        || q.steps.iter().any(|s| match s {
            Step::Sort(f, _) | Step::Group(f) => WORD_FIELDS.contains(f),
            Step::Show(_) | Step::Limit(_) | Step::Count => false,
        })
}

/// True when a `show` of `q` names a field of [`WORD_FIELDS`].
fn shows_words(q: &Query) -> bool {
    q.steps.iter().any(|s| match s {
        Step::Show(fs) => fs.iter().any(|f| WORD_FIELDS.contains(f)),
        _ => false,
    })
}

/// A claims question whose rows are chosen without any claim's words (filter, sorting,
/// grouping) but that shows some: answered from the lean fold with each `show`'s words
/// replaced by the claim's number, then the words of the rows' claims read again from their
/// lines ([`put_words`]) and put in their columns. `None` for any other question.
fn run_lean_showing_words(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<Answer>, RunError> {
    if !matches!(q.source, Source::Claims) || selects_by_words(q) || !shows_words(q) {
        return Ok(None);
    }
    // The columns the question shows: those of its last `show`.
    let Some(Step::Show(shown)) = q.steps.iter().rev().find(|s| matches!(s, Step::Show(_))) else {
        return Ok(None);
    };
    let mut lean = q.clone();
    for step in &mut lean.steps {
        if let Step::Show(fs) = step {
            fs.retain(|f| !WORD_FIELDS.contains(f));
            fs.push(Field::Seq);
        }
    }
    let mut spans = reckon_ledger::LineSpans::default();
    let (len, state, _) =
        whole_lean(snap, lean.at, lean.known, Some(&mut spans)).map_err(RunError::Log)?;
    at_within(&lean, len)?;
    let mut a = run_state(&lean, &state, len, &Context::default())?;
    let Some(seq_at) = a.columns.iter().rposition(|c| c == Field::Seq.name()) else {
        return Ok(None);
    };
    let lean_at = |f: Field| a.columns.iter().position(|c| c == f.name());
    let mut rows: Vec<Vec<Cell>> = a
        .rows
        .iter()
        .map(|row| {
            shown
                .iter()
                .map(
                    |&f| match lean_at(f).filter(|_| !WORD_FIELDS.contains(&f)) {
                        Some(k) => row.get(k).cloned().unwrap_or(Cell::Empty),
                        None => word_cell(None, f),
                    },
                )
                .collect()
        })
        .collect();
    let seqs: Vec<Option<u64>> = a.rows.iter().map(|row| seq_in(row, seq_at)).collect();
    let words: Vec<(usize, Field)> = shown
        .iter()
        .enumerate()
        .filter(|(_, f)| WORD_FIELDS.contains(f))
        .map(|(k, f)| (k, *f))
        .collect();
    let entries = put_words(snap, &state, &spans, &seqs, &mut rows, &words)?;
    release(state);
    a.rows = rows;
    a.columns = shown.iter().map(|f| f.name().to_owned()).collect();
    a.query = q.to_string();
    a.read = Read::LeanShown {
        entries,
        records: false,
        learned: false,
    };
    Ok(Some(a))
}

/// True when a claims question lists retracted and superseded claims too: its filter asks
/// about the claim's state.
fn keeps_withdrawn(q: &Query) -> bool {
    q.filter
        .as_ref()
        .is_some_and(|e| e.mentions(&[Field::State, Field::Status]))
}

/// A claims question whose rows are chosen by claims' words (its filter, sorting or
/// grouping): answered from the whole log folded lean, with the words it reads (those its
/// filter tests, sorts or groups by and shows) read again from the claims' lines a piece at a
/// time ([`word_cells`]), so that the log is never decoded whole into memory; when its
/// filter asks for words and the answer ends with no rows, every claim's words are read
/// again the same way to say which values come nearest ([`unmatched_in`]). `None` for any
/// other question.
fn run_lean_with_words(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<Answer>, RunError> {
    if !matches!(q.source, Source::Claims) || !selects_by_words(q) {
        return Ok(None);
    }
    let fields: Vec<Field> = claim_fields_read(q)
        .into_iter()
        .filter(|f| WORD_FIELDS.contains(f))
        .collect();
    let mut spans = reckon_ledger::LineSpans::default();
    let (len, state, _) =
        whole_lean(snap, q.at, q.known, Some(&mut spans)).map_err(RunError::Log)?;
    at_within(q, len)?;
    // A filter that asks for words reads every claim's: which of its terms no claim
    // satisfies, and the nearest values the log has, are learnt as they are read (the lean
    // fold's notes knew none of them).
    let by_words = q.filter.as_ref().filter(|_| filters_by_words(q));
    let mut unmatched = by_words.map(filter::Unmatched::new);
    let words = word_cells(snap, &state, &spans, q, fields, unmatched.as_mut())?;
    let entries = words.read;
    let ctx = Context {
        words: Some(words),
        ..Context::default()
    };
    let mut a = run_state(q, &state, len, &ctx)?;
    release(ctx);
    // As `run_state` says it, with every claim's words at hand.
    if let Some(unmatched) = unmatched
        && a.notes.iter().any(|n| !n.starts_with(LEFT_OUT))
    {
        a.notes.retain(|n| n.starts_with(LEFT_OUT));
        unmatched.notes(&mut a.notes);
        if a.notes.is_empty() {
            a.notes.push(NO_CLAIM_MATCHES.into());
        }
    }
    release(state);
    a.read = Read::LeanWords { entries };
    Ok(Some(a))
}

/// The words of `claims` read again from their lines (`spans`: every entry's line, in log
/// order), a piece at a time in the order given, each line re-hashed and matched to the hash
/// the fold saw, handed to `each` with its claim; a claim whose line `spans` does not hold is
/// passed over. How many were read.
fn each_claims_words<'r, 's: 'r>(
    snap: &reckon_ledger::Snapshot<'_>,
    spans: &reckon_ledger::LineSpans,
    claims: impl Iterator<Item = &'r Recorded<'s>>,
    each: &mut dyn FnMut(&Recorded<'_>, &reckon_claim::ClaimWords<'_>),
) -> Result<usize, RunError> {
    let mut claims = claims.filter_map(|r| Some((r, spans.of_entry(r.seq)?)));
    let mut read = 0;
    loop {
        let piece: Vec<(&Recorded<'s>, reckon_ledger::Span)> =
            claims.by_ref().take(WORDS_PIECE).collect();
        if piece.is_empty() {
            return Ok(read);
        }
        let at: Vec<(u64, reckon_ledger::Span, reckon_claim::EntryHash)> = piece
            .iter()
            .map(|(r, span)| (r.seq, *span, r.hash))
            .collect();
        snap.words_at(&at, |words| {
            for ((r, _), w) in piece.iter().zip(words) {
                each(r, w);
            }
        })
        .map_err(RunError::Log)?;
        read += piece.len();
    }
}

/// The cells of `fields` (claims' words) of every claim of `state` that `q`'s filter keeps,
/// read again from their lines (`spans`: every entry's line, in log order) a piece at a
/// time, in log order, each re-hashed and matched to the hash the fold saw. A filter that
/// asks for words is tested on each claim as its words are read (every claim's line is
/// read, and taken in by `unmatched` too); one that asks for none chooses the claims before
/// any is read.
fn word_cells(
    snap: &reckon_ledger::Snapshot<'_>,
    state: &State<'_>,
    spans: &reckon_ledger::LineSpans,
    q: &Query,
    fields: Vec<Field>,
    mut unmatched: Option<&mut filter::Unmatched>,
) -> Result<WordCells, RunError> {
    let filter = q.filter.as_ref();
    let filter_words = filters_by_words(q);
    let chosen = state
        .claims
        .iter()
        .filter(|r| filter_words || filter.is_none_or(|e| eval_claim(state, r, e)));
    let mut seqs = Vec::new();
    let mut cells = Vec::new();
    let read = each_claims_words(snap, spans, chosen, &mut |r, w| {
        if let Some(u) = unmatched.as_deref_mut() {
            u.visit(state, r, Some(w));
        }
        if !filter_words || filter.is_none_or(|e| eval_claim_words(state, r, e, Some(w))) {
            seqs.push(r.seq);
            cells.extend(fields.iter().map(|f| word_cell(Some(w), *f)));
        }
    })?;
    Ok(WordCells {
        fields,
        seqs,
        cells,
        read,
    })
}

/// A question about the conflicts of every subject: answered from the whole log folded lean
/// (every origin's record through the saved index, as [`index_records`] takes or learns
/// them), then
/// the words of the claims its rows show read again from their lines ([`put_words`]) and put
/// in their columns. `None` for any other question.
fn run_lean_conflicts(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<Answer>, RunError> {
    if !matches!(q.source, Source::Conflicts(_)) {
        return Ok(None);
    }
    let index = as_it_is(q)
        .then(|| reckon_index::Index::open(snap).ok())
        .flatten();
    let mut spans = reckon_ledger::LineSpans::default();
    let (len, state, head) =
        whole_lean(snap, q.at, q.known, Some(&mut spans)).map_err(RunError::Log)?;
    at_within(q, len)?;
    let records = index_records(index, snap, &state, head);
    let (took, learned) = (records.is_some(), records.as_ref().is_some_and(|r| r.1));
    let ctx = Context {
        head: None,
        records: records.map(|r| r.0),
        words: None,
        subjects: None,
        seen: Default::default(),
    };
    let mut a = run_state(q, &state, len, &ctx)?;
    let column = |f: Field| a.columns.iter().position(|c| c == f.name());
    let words: Vec<(usize, Field)> = WORD_FIELDS
        .iter()
        .filter_map(|&f| column(f).map(|k| (k, f)))
        .collect();
    // Each claim row's number; the lean fold left its words empty.
    let seqs: Vec<Option<u64>> = match column(Field::Seq) {
        Some(k) => a.rows.iter().map(|row| seq_in(row, k)).collect(),
        None => Vec::new(),
    };
    let read = put_words(snap, &state, &spans, &seqs, &mut a.rows, &words)?;
    release(state);
    a.read = Read::LeanShown {
        entries: read,
        records: took,
        learned,
    };
    Ok(Some(a))
}

/// Every origin's record from the saved index (made for the log as `snap` sees it, or brought
/// forward to it), for a question about conflicts or provenance of the whole log as it is:
/// the very records its reconciliation would learn (`estimate_records` on the whole log, no
/// `valid`), without fitting again. `None` for other questions, with `at`, `known` or `valid`
/// (which change what they are learned from), or when the index holds none.
fn saved_records(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Option<std::sync::Arc<reckon_reconcile::Records>> {
    if !matches!(q.source, Source::Conflicts(_) | Source::Provenance(_)) || !as_it_is(q) {
        return None;
    }
    let index = reckon_index::Index::open(snap).ok()?;
    index.records().map(|r| std::sync::Arc::new(r.clone()))
}

/// What a claim kept by a claims question must hold, each in a field stored as it was
/// written (speaker, role, cites, publisher, the origin, which is one of those three, unit,
/// scope, document, url, title, quote, a tag), from the filter or a term of its top-level
/// `and` chain: `field = "…"` holds the words exactly;
/// `field contains "…"` holds them in lower case once the field is lowered, and so does
/// `field ~ "…"` each run of its pattern (lowered) between wildcards; and `hash = "…"` is
/// the hash of the claim's line. Nothing for other questions, or with `at`, `known` or
/// `valid`.
#[derive(Debug, Default, PartialEq)]
struct Required<'q> {
    /// Words each such claim's text holds as written.
    exact: Vec<&'q str>,
    /// Words (in lower case) each such claim's text, lowered, holds.
    lowered: Vec<String>,
    /// What each such claim's hash is, in hexadecimal (the query's text of a hash is in
    /// lower case, as the log writes it).
    hashes: Vec<&'q str>,
}

impl Required<'_> {
    fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.lowered.is_empty() && self.hashes.is_empty()
    }

    /// Whether a claim whose line has `hash` could be one a filter with these requirements
    /// keeps.
    fn may_be(&self, hash: &reckon_claim::EntryHash) -> bool {
        self.hashes
            .iter()
            .all(|h| h.len() == 64 && hash.has_hex_prefix(h))
    }

    /// Whether a claim's event text `text` could be one a filter with these requirements
    /// keeps; for a text without escapes (`\`) only: each of its texts is then the very
    /// substring of it that decodes to it, between two `"`. Lowering the whole text lowers
    /// each of those substrings as lowering it alone does. Unicode lowering maps each
    /// character by itself but for a capital sigma, whose form depends on the cased letters
    /// around it (looking past case-ignorable ones); the `"` at each end of a field's text
    /// is neither cased nor case-ignorable, so the look stops there as it does at the end
    /// of the text alone.
    fn may_hold(&self, text: &str) -> bool {
        if !self.exact.iter().all(|w| text.contains(w)) {
            return false;
        }
        if self.lowered.is_empty() {
            return true;
        }
        let low = if text.is_ascii() {
            text.to_ascii_lowercase()
        } else {
            text.to_lowercase()
        };
        self.lowered.iter().all(|w| low.contains(w.as_str()))
    }
}

fn required_words(q: &Query) -> Required<'_> {
    let mut required = Required::default();
    if !matches!(q.source, Source::Claims) || !as_it_is(q) {
        return required;
    }
    fn add<'q>(e: &'q Expr, required: &mut Required<'q>) {
        // Stored as written: a claim's words, and the origin (one of them), unit and scope.
        let Expr::Cmp(f, op, Literal::Text(t)) = e else {
            return;
        };
        if (*f, *op) == (Field::Hash, Op::Eq) {
            required.hashes.push(t.as_str());
            return;
        }
        if !WORD_FIELDS.contains(f) && !matches!(f, Field::Origin | Field::Unit | Field::Scope) {
            return;
        }
        match op {
            Op::Eq => required.exact.push(t.as_str()),
            // As `text_matches` reads them.
            Op::Contains => required.lowered.push(t.to_lowercase()),
            Op::Like => {
                let pattern = Pattern::new(&t.to_lowercase());
                required.lowered.extend(
                    pattern
                        .as_str()
                        .split(['*', '?'])
                        .filter(|run| !run.is_empty())
                        .map(str::to_owned),
                );
            }
            _ => {}
        }
    }
    match q.filter.as_ref() {
        Some(Expr::And(terms)) => terms.iter().for_each(|e| add(e, &mut required)),
        Some(e) => add(e, &mut required),
        None => {}
    }
    required.lowered.retain(|w| !w.is_empty());
    required
}

/// A claims question that asks for exact words or a hash ([`required_words`]) answered from
/// one pass that checks every line at the speed of hashing and decodes only the entries that
/// could matter: every claim whose line has the hash asked for and whose text holds all the
/// words as written or has any escape (`\`: a line without one holds each of its texts
/// exactly as decoded, so a claim it does not name cannot have them), every entry that is not a claim (definitions, aliases, retractions),
/// and every claim that could change another's fate (a correction). Each claim the filter
/// keeps is among them, with all that decides its row, so the answer is the whole log's.
/// `None` when the question is not one of those, when the entries to decode are more than
/// [`most_read_apart`] (words that most claims hold: the pass stops there, and a lean fold
/// reads that much for less), or when its answer is empty or has notes that may name things
/// from the whole log: the caller then reads the whole log.
fn run_selecting(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<Answer>, RunError> {
    let required = required_words(q);
    if required.is_empty() {
        return Ok(None);
    }
    // What the filter's text comparisons meet in the claims the pass does not decode, read
    // from their text as it goes: an answer with no rows then says what matched nothing.
    let seen = q.filter.as_ref().and_then(filter::TextSeen::new);
    let select = |h: &reckon_ledger::Header<'_>| {
        let text = h.event_json;
        let decoded = !text.starts_with(r#"{"type":"claim","#)
            || text.contains('\\')
            || reckon_reconcile::state::Fate::could_change_text(text)
            || (required.may_be(&h.hash) && required.may_hold(text));
        if !decoded && let Some(seen) = &seen {
            seen.take(text, &h.hash);
        }
        decoded
    };
    let most = usize::try_from(most_read_apart(snap)?).unwrap_or(usize::MAX);
    let Some((head, entries)) = snap
        .entries_where_at_most(&select, most)
        .map_err(RunError::Log)?
    else {
        return Ok(None);
    };
    let seen = seen.map(filter::TextSeen::into_unmatched);
    // Without what the claims not decoded hold, an answer with no rows, or a note on a
    // comparison that matched nothing, needs the whole log.
    let whole_notes = seen.is_some();
    let ctx = Context {
        head: Some((head.seq, head.hash.to_hex())),
        records: None,
        words: None,
        subjects: None,
        seen: std::cell::RefCell::new(seen),
    };
    let state = State::fold_known(&entries, None, None);
    let mut a = run_state(q, &state, head.seq, &ctx)?;
    if !whole_notes && (a.rows.is_empty() || !a.notes.iter().all(|n| n.starts_with(LEFT_OUT))) {
        return Ok(None);
    }
    a.read = Read::Selected {
        entries: entries.len(),
    };
    Ok(Some(a))
}

/// A claims question whose filter holds `hash = "…"` (a whole hash, in lowercase; alone, or
/// as a term of its top-level `and` chain): answered from the part of the log behind the
/// subject of the one claim with that hash, found in the saved index's hash area
/// (`claim_by_hash`) and read as a question naming that subject is. No other claim can
/// satisfy the filter. `None` (the caller reads the whole log) for any other question, or
/// when the answer has no rows or a note that needs the whole log.
fn run_claim_by_hash(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<Answer>, RunError> {
    if !matches!(q.source, Source::Claims) || !as_it_is(q) {
        return Ok(None);
    }
    fn whole_hash(e: &Expr) -> Option<&str> {
        match e {
            Expr::Cmp(Field::Hash, Op::Eq, Literal::Text(h))
                if h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
            {
                Some(h.as_str())
            }
            _ => None,
        }
    }
    let hash = match q.filter.as_ref() {
        Some(Expr::And(terms)) => terms.iter().find_map(whole_hash),
        Some(e) => whole_hash(e),
        None => None,
    };
    let Some(hash) = hash else {
        return Ok(None);
    };
    let Some(ByHash::Claim(part)) = claim_by_hash(snap, hash, false).map_err(RunError::Log)? else {
        return Ok(None);
    };
    let ctx = Context {
        head: Some(part.head.clone()),
        records: None,
        words: None,
        subjects: None,
        seen: Default::default(),
    };
    let Ok(mut a) = run_in(q, &part.entries, &ctx) else {
        return Ok(None);
    };
    if a.rows.is_empty() || !a.notes.iter().all(|n| n.starts_with(LEFT_OUT)) {
        return Ok(None);
    }
    a.read = part.read();
    Ok(Some(a))
}

/// `provenance #N` or `provenance HASH` answered from the part of the log behind the claim's
/// subject (read through the index, as a question naming that subject is), after one pass
/// that checks every line at the speed of hashing and decodes only the entries the target
/// could name. `None` (the caller reads the whole log, which says why) unless exactly one
/// claim is named and the part answers with rows and no notes; a hash prefix that more
/// than one claim starts with is then refused by the whole log, as before.
fn run_claim_provenance(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<Answer>, RunError> {
    let target = match &q.source {
        Source::Provenance(t @ (Target::Seq(_) | Target::Hash(_))) => t,
        _ => return Ok(None),
    };
    if !as_it_is(q) {
        return Ok(None);
    }
    let by_number = match target {
        Target::Seq(n) => entry_through_index(snap, *n, true).map_err(RunError::Log)?,
        Target::Hash(p) => match claim_by_hash(snap, p, true).map_err(RunError::Log)? {
            Some(ByHash::Claim(part)) => Some(*part),
            // No entry's hash starts with it, so no claim's does: as a whole read says it.
            Some(ByHash::None(_)) => {
                let id = reckon_ledger::EntryId::Prefix(p.clone());
                let near = match reckon_ledger::NearHashes::of(&id) {
                    Some(near) => near_in_log(snap, &near, true).map_err(RunError::Log)?,
                    None => String::new(),
                };
                return Err(RunError::Query(no_claim_by_hash(p, &near)));
            }
            // Which of the entries it names are claims: as a whole read says it.
            Some(ByHash::Ambiguous(..)) | None => None,
        },
        Target::Subject(_) => None,
    };
    let part = match by_number {
        Some(part) => part,
        None => {
            let names = |h: &reckon_ledger::Header<'_>| match target {
                Target::Seq(n) => h.seq == *n,
                Target::Hash(prefix) => h.hash.has_hex_prefix(prefix),
                Target::Subject(_) => false,
            };
            let (_, found) = snap.entries_where(&names).map_err(RunError::Log)?;
            let mut claims = found.iter().filter_map(|e| match &e.event {
                reckon_claim::Event::Claim(c) => Some(c),
                _ => None,
            });
            let (Some(claim), None) = (claims.next(), claims.next()) else {
                return Ok(None);
            };
            let pattern = Pattern::new(claim.subject.as_str());
            match read_part(snap, &pattern, true, None).map_err(RunError::Log)? {
                Some(part) => part,
                None => return Ok(None),
            }
        }
    };
    let ctx = Context {
        head: Some(part.head.clone()),
        records: part.records.clone(),
        words: None,
        subjects: None,
        seen: Default::default(),
    };
    let Ok(mut a) = run_in(q, &part.entries, &ctx) else {
        return Ok(None);
    };
    if a.rows.is_empty() || !a.notes.is_empty() {
        return Ok(None);
    }
    a.read = part.read();
    Ok(Some(a))
}

/// What `near` finds among the entries of the log (only its claims, with `claims`), by one
/// pass at the speed of hashing, said as [`reckon_ledger::NearHashes::note`] says it.
fn near_in_log(
    snap: &reckon_ledger::Snapshot<'_>,
    near: &reckon_ledger::NearHashes,
    claims: bool,
) -> Result<String, reckon_ledger::LedgerError> {
    let mut found = Vec::new();
    snap.visit_each(
        &|h, _, _| {
            let kept = !claims || h.event_json.starts_with(r#"{"type":"claim","#);
            kept.then(|| near.near(&h.hash).map(|d| (d, h.seq, h.hash)))
                .flatten()
        },
        &mut |piece| {
            found.extend(piece.into_iter().flatten());
            std::ops::ControlFlow::Continue(())
        },
    )?;
    Ok(near.note(found))
}

/// Entry `seq`, when it is a claim, with everything a question about its subject reads
/// ([`read_part`]: among them every retraction and every correction that names it, so its
/// fate): its line found by halving the file ([`reckon_ledger::Snapshot::find_line`]) and
/// its subject taken from it, then the part read through the saved index (made again from
/// one checked pass when it does not match the log), never a pass over the whole log when
/// the index is saved. The line found is believed only for the subject it names: the part
/// must hold the very entry, read and checked through the index. `None` (the caller reads
/// the whole log, which says why) when no such line turns up, it is not a claim, no index
/// can be had, or the part does not hold it.
fn entry_through_index(
    snap: &reckon_ledger::Snapshot<'_>,
    seq: u64,
    records: bool,
) -> Result<Option<Part>, reckon_ledger::LedgerError> {
    let Some(found) = entry_at(snap, seq)? else {
        return Ok(None);
    };
    let reckon_claim::Event::Claim(c) = &found.event else {
        return Ok(None);
    };
    let Some(part) = read_part(snap, &Pattern::new(c.subject.as_str()), records, None)? else {
        return Ok(None);
    };
    let holds = part
        .entries
        .iter()
        .any(|e| e.seq == seq && e.hash == found.hash);
    Ok(holds.then_some(part))
}

/// The entry numbered `seq`, its line found by halving the entries file and decoded (its
/// hash made from its bytes); `None` when no line has that number or it does not decode.
pub(crate) fn entry_at(
    snap: &reckon_ledger::Snapshot<'_>,
    seq: u64,
) -> Result<Option<Entry>, reckon_ledger::LedgerError> {
    let Some((offset, len)) = snap.find_line(seq)? else {
        return Ok(None);
    };
    let mut line = vec![0u8; len as usize];
    snap.read_at(offset, &mut line)?;
    Ok(reckon_ledger::decode(&line).ok().filter(|e| e.seq == seq))
}

/// Whether `prefix` is short enough that another of a log's `entries` besides the one it
/// names is expected to share it (half an entry or more): four digits of a million entries'
/// hashes, say. Such a prefix seldom names one entry, and a pass says which; a hash area is
/// not made first to look it up.
pub(crate) fn shared_prefix(prefix: &str, entries: u64) -> bool {
    let bits = u32::try_from((4 * prefix.len()).saturating_sub(1)).unwrap_or(u32::MAX);
    entries.checked_shr(bits).unwrap_or(0) > 0
}

/// What the saved index's hash area says of a hash prefix ([`claim_by_hash`]).
enum ByHash {
    /// No entry's hash starts with it; the whole log's length and head hash (hex).
    None((u64, String)),
    /// One entry's does, a claim: its subject's part, which holds it.
    Claim(Box<Part>),
    /// Two or more entries' do: the first two (read and checked), in log order, and the whole
    /// log's length and head hash (hex).
    Ambiguous(Box<[Entry; 2]>, (u64, String)),
}

/// The claim whose hash starts with `prefix`, found through the saved index's hash area
/// ([`reckon_index::Index::entries_by_hash`]) and read with its subject's part as a claim
/// named by its number is (`entry_through_index`, which must hold the very entry: its
/// number, and a hash that starts with the whole prefix), or word that no entry's hash
/// starts with it, or (eight digits or fewer) the first two entries whose hashes do, read
/// and checked. `None` (the caller reads the whole log, which says why) when there is no
/// saved index for the log as it is, a prefix short enough to name many entries finds no
/// hash area made before, a longer one may name more than one entry, or the one it names is
/// not a claim.
fn claim_by_hash(
    snap: &reckon_ledger::Snapshot<'_>,
    prefix: &str,
    records: bool,
) -> Result<Option<ByHash>, reckon_ledger::LedgerError> {
    let Ok(index) = reckon_index::Index::open(snap) else {
        return Ok(None);
    };
    // A prefix that half an entry or more is expected to share besides (four digits of a
    // million entries' hashes: about fifteen; five: about one) seldom names one entry: the
    // pass says which, without a hash area made first (one already made is used).
    // The first lookup by hash on an index made without a hash area makes one.
    let index = if shared_prefix(prefix, index.head().seq) {
        index
    } else {
        index.with_hash_area(snap)
    };
    let Some(candidates) = index.entries_by_hash(prefix) else {
        return Ok(None);
    };
    let head = index.head();
    // Up to eight digits, the candidates are exactly the entries named: two or more, and the
    // first two, read and checked, say it is ambiguous as the pass would.
    if prefix.len() <= 8 && candidates.len() > 1 {
        let mut first = Vec::with_capacity(2);
        for &seq in &candidates[..2] {
            match entry_at(snap, seq)? {
                Some(e) if e.hash.has_hex_prefix(prefix) => first.push(e),
                _ => return Ok(None),
            }
        }
        return Ok(match <[Entry; 2]>::try_from(first) {
            Ok(two) => Some(ByHash::Ambiguous(
                Box::new(two),
                (head.seq, head.hash.to_hex()),
            )),
            Err(_) => None,
        });
    }
    // A longer prefix may also find an entry that shares only the first eight digits (a
    // handful at most).
    if candidates.len() > 4 {
        return Ok(None);
    }
    let mut named = None;
    for seq in candidates {
        let Some(part) = entry_through_index(snap, seq, records)? else {
            return Ok(None);
        };
        if !part
            .entries
            .iter()
            .any(|e| e.seq == seq && e.hash.has_hex_prefix(prefix))
        {
            continue;
        }
        if named.is_some() {
            return Ok(None);
        }
        named = Some(part);
    }
    Ok(Some(match named {
        Some(part) => ByHash::Claim(Box::new(part)),
        None => ByHash::None((head.seq, head.hash.to_hex())),
    }))
}

/// What a reader of one entry needs of the log ([`entries_naming`]).
#[derive(Debug)]
pub struct Named {
    /// The whole log's length and head hash (hex).
    pub head: (u64, String),
    /// The entries the id could name, with (when asked for) every one that could retract or
    /// correct it, among others; in log order.
    pub entries: Vec<Entry>,
    /// True when they were read through the index (`entry_through_index`), false when
    /// picked from a pass over the whole log.
    pub through_index: bool,
}

/// The entries a reader of the entry `id` names needs (`show`, `--supersedes`, an entry's
/// web page), with those that decide its fate when `fates`: a claim named by its number, or
/// by a hash prefix the saved index's hash area finds it by (`claim_by_hash`; none when no
/// entry's hash starts with it), is read through the saved index with its subject's part
/// (`entry_through_index`); any other id, or entry, from one pass at the speed of hashing
/// that decodes only the entries `id` could name (and, with `fates`, those whose text could
/// retract or correct one: `Fate::could_change_text`).
pub fn entries_naming(
    snap: &reckon_ledger::Snapshot<'_>,
    id: &reckon_ledger::EntryId,
    fates: bool,
) -> Result<Named, reckon_ledger::LedgerError> {
    use reckon_reconcile::state::Fate;
    let through = match id {
        // A number the log has no entry for, said from the saved index's head.
        reckon_ledger::EntryId::Seq(n)
            if let Ok(index) = reckon_index::Index::open(snap)
                && (*n == 0 || *n > index.head().seq) =>
        {
            let head = index.head();
            return Ok(Named {
                head: (head.seq, head.hash.to_hex()),
                entries: Vec::new(),
                through_index: true,
            });
        }
        reckon_ledger::EntryId::Seq(n) => entry_through_index(snap, *n, false)?,
        reckon_ledger::EntryId::Prefix(p) => match claim_by_hash(snap, p, false)? {
            Some(ByHash::Claim(part)) => Some(*part),
            Some(ByHash::None(head)) => {
                return Ok(Named {
                    head,
                    entries: Vec::new(),
                    through_index: true,
                });
            }
            // The two entries that make it ambiguous, as the pass would find them first.
            Some(ByHash::Ambiguous(two, head)) => {
                return Ok(Named {
                    head,
                    entries: Vec::from(*two),
                    through_index: true,
                });
            }
            None => None,
        },
    };
    if let Some(part) = through {
        return Ok(Named {
            head: part.head,
            entries: part.entries,
            through_index: true,
        });
    }
    if let Some(named) = event_named(snap, id)? {
        return Ok(named);
    }
    let (head, entries) = snap
        .entries_where(&|h| id.could_name(h) || (fates && Fate::could_change_text(h.event_json)))?;
    Ok(Named {
        head: (head.seq, head.hash.to_hex()),
        entries,
        through_index: false,
    })
}

/// The entry `id` names when it is not a claim (a definition, an alias, a retraction…), read
/// through the saved index with every other event that is not a claim: all that can decide
/// its fate. A hash prefix is looked up in a hash area made before. `None` when there is no
/// saved index for the log as it is (or no hash area), or the entry is a claim or missing:
/// the caller's pass answers (a first reader of a claim makes the index; this one does not).
fn event_named(
    snap: &reckon_ledger::Snapshot<'_>,
    id: &reckon_ledger::EntryId,
) -> Result<Option<Named>, reckon_ledger::LedgerError> {
    let Ok(index) = reckon_index::Index::open(snap) else {
        return Ok(None);
    };
    let seq = match id {
        reckon_ledger::EntryId::Seq(n) => *n,
        reckon_ledger::EntryId::Prefix(p) => match index.entries_by_hash(p).as_deref() {
            Some(&[seq]) => seq,
            _ => return Ok(None),
        },
    };
    let Ok(events) = index.entries(snap, &std::collections::BTreeSet::new()) else {
        return Ok(None);
    };
    if !events.iter().any(|e| e.seq == seq && id.names(e)) {
        return Ok(None);
    }
    let head = index.head();
    Ok(Some(Named {
        head: (head.seq, head.hash.to_hex()),
        entries: events,
        through_index: true,
    }))
}

/// What a reader of the entry `id` says after "no entry's hash starts with …" when `named`
/// (what [`entries_naming`] found) holds no entry `id` names: the entries whose hashes begin a
/// slip or two away from it ([`reckon_ledger::NearHashes`]; a prefix of twelve digits or more
/// only), found by one pass at the speed of hashing. Empty for any other id, or none near.
pub fn near_hashes(
    snap: &reckon_ledger::Snapshot<'_>,
    id: &reckon_ledger::EntryId,
    named: &[Entry],
) -> Result<String, reckon_ledger::LedgerError> {
    let Some(near) = reckon_ledger::NearHashes::of(id) else {
        return Ok(String::new());
    };
    if named.iter().any(|e| id.names(e)) {
        return Ok(String::new());
    }
    near_in_log(snap, &near, false)
}

/// The entries of a log that answer questions about some subjects, read through the index.
#[derive(Debug)]
pub struct Part {
    /// The subjects' entries (under every name they have), every event that is not a claim,
    /// and the members of any sum they belong to; each re-hashed and linked to its neighbours.
    pub entries: Vec<Entry>,
    /// The whole log's length and head hash (hex).
    pub head: (u64, String),
    /// Every origin's record, learned from the whole log (when asked for).
    pub records: Option<std::sync::Arc<reckon_reconcile::Records>>,
    /// True when a saved index answered (false: it was made by this read).
    pub saved: bool,
    /// True when the saved index held no origin records and this read learned them (from
    /// the folded log) and saved them in it.
    pub learned: bool,
    /// When the saved index was brought forward over entries appended since it was saved:
    /// how many.
    pub appended: Option<u64>,
    /// True when the pattern names at least one subject the log has.
    pub named_known: bool,
    /// The index it was read through.
    index: reckon_index::Index,
}

impl Part {
    /// Every subject name the log's claims have, from the index's directory, when the log has
    /// no alias (the part holds every event that is not a claim): the directory then lists
    /// exactly the names the claims were written with, which a whole read would gather from
    /// them. `None` when the log has an alias (a claim may be written under either name, and
    /// the directory lists the one it stands for), or a directory block is damaged.
    fn subject_names(&self) -> Option<Vec<String>> {
        let alias = |e: &Entry| matches!(e.event, reckon_claim::Event::Alias { .. });
        if self.entries.iter().any(alias) {
            return None;
        }
        self.index.subjects()
    }

    /// How a question answered from this part read the log.
    fn read(&self) -> Read {
        let entries = self.entries.len();
        match (self.saved, self.appended) {
            _ if self.learned => Read::Learned {
                appended: self.appended,
                entries,
            },
            (true, None) => Read::Index { entries },
            (true, Some(appended)) => Read::AppendedIndex { appended, entries },
            (false, _) => Read::NewIndex { entries },
        }
    }
}

/// Reads the part of the log behind the subjects `pattern` selects, through the saved index
/// (made again from one checked pass when it does not match the log, and then saved for the
/// next read). With `records`, every origin's record comes with it, learned from the whole
/// log when the saved index has none. `Ok(None)` when no index can be had (the entries file
/// changed under the snapshot), or when the subjects hold more than `most` claims (a caller
/// with a cheaper way through the whole log says how many are worth reading one by one):
/// the caller reads the whole log instead.
pub fn read_part(
    snap: &reckon_ledger::Snapshot<'_>,
    pattern: &Pattern,
    records: bool,
    most: Option<u64>,
) -> Result<Option<Part>, reckon_ledger::LedgerError> {
    use reckon_index::{Index, expand};
    // Claims need only where each subject's entries are, which one verify-speed pass gives.
    // Figures also need every origin's record, which only a whole read gives: when the saved
    // index has none, they are learned from a lean pass (each claim's core, never every
    // decoded entry at once) and saved with a new index for the next question.
    // A saved index without them (brought forward over appends, say) keeps its spans and
    // learns them from the folded log, once the part is known to be worth reading: no new
    // layout of every claim's place.
    let (index, saved) = match Index::open(snap) {
        Ok(i) => (Some(i), true),
        Err(_) if !records => (Index::build_fast(snap, None), false),
        Err(_) => (lean_index(snap)?, false),
    };
    let Some(mut index) = index else {
        return Ok(None);
    };
    let Ok(others) = index.entries(snap, &std::collections::BTreeSet::new()) else {
        return Ok(None);
    };
    // The index files claims under canonical names; a pattern may name a subject by an
    // alias, so alias names it matches are selected too (expanded to what they stand for).
    // A damaged block of the index's directory: the question is answered by a whole read.
    let Some(matching) = index.subjects_matching(pattern) else {
        return Ok(None);
    };
    let exact: std::collections::BTreeSet<String> = matching
        .into_iter()
        .chain(others.iter().filter_map(|e| match &e.event {
            reckon_claim::Event::Alias { subject, .. } if pattern.matches(subject.as_str()) => {
                Some(subject.to_string())
            }
            _ => None,
        }))
        .collect();
    let wanted = expand(&others, &exact);
    if most.is_some_and(|most| index.claims_of(&wanted).is_none_or(|n| n > most)) {
        return Ok(None);
    }
    let learned = records && index.records().is_none();
    if learned {
        match learned_records(snap, index)? {
            Some(i) => index = i,
            None => return Ok(None),
        }
    }
    let Ok(entries) = index.entries(snap, &wanted) else {
        return Ok(None);
    };
    let head = index.head();
    Ok(Some(Part {
        entries,
        head: (head.seq, head.hash.to_hex()),
        records: index.records().map(|r| std::sync::Arc::new(r.clone())),
        appended: index.appended(),
        saved,
        learned,
        named_known: !exact.is_empty(),
        index,
    }))
}

/// `index` (saved for the log as `snap` sees it, with no origin records) with every origin's
/// record, learned from the lean fold of the log (read from the saved folded snapshot when it
/// matches the log, brought forward after appends) and saved in it. `None` when the fold
/// ends at another head than the index's (the caller then reads the whole log).
fn learned_records(
    snap: &reckon_ledger::Snapshot<'_>,
    index: reckon_index::Index,
) -> Result<Option<reckon_index::Index>, reckon_ledger::LedgerError> {
    let (_, state, head) = whole_lean(snap, None, None, None)?;
    if head != index.head() {
        return Ok(None);
    }
    let records = reckon_reconcile::estimate_records(&state, &Options::default());
    release(state);
    Ok(Some(index.with_records(snap, records)))
}

/// The index of `snap` with every origin's record, from one lean pass: each entry decoded,
/// checked and reduced to what reconciling reads of it (names shared, never every decoded
/// entry at once), its span kept for the index. The records are what
/// [`reckon_reconcile::estimate_records`] gives on the whole state. `Ok(None)` when the index
/// cannot be made (the entries file changed under the snapshot).
fn lean_index(
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<Option<reckon_index::Index>, reckon_ledger::LedgerError> {
    use reckon_reconcile::state::Names;
    let names = Names::default();
    let stamp = snap.stamp()?;
    // From the saved folded snapshot when it matches the log (brought forward after appends),
    // else as the log is read: each entry goes to the layout and then to the fold, so the
    // lean entries are never all held beside the state.
    let ((state, lines), head, _) = reckon_index::folded::fold_lean_log(snap, &names, |items| {
        let mut lines = reckon_index::Lines::default();
        let lean = items.map(|(l, span)| {
            lines.add_lean(&l, span);
            l
        });
        (State::fold_lean(lean, None, None), lines)
    })?;
    // The layout of the index is made while the records are learned: neither needs the
    // other.
    let (records, layout) = std::thread::scope(|scope| {
        // Folded with no `at` or `known`, the state keeps every claim's hash, in the order
        // the lines were added.
        let claims = &state.claims;
        let layout = scope.spawn(move || lines.layout(head, |i| claims.get(i).map(|c| c.hash)));
        let records = reckon_reconcile::estimate_records(&state, &Options::default());
        // A panic in the layout is a bug: carried to this thread.
        let layout = layout
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (records, layout)
    });
    let r = layout.finish(snap, stamp, Some(records));
    release(state);
    release(names);
    Ok(r)
}

fn run_in(q: &Query, entries: &[Entry], ctx: &Context) -> Result<Answer, QueryError> {
    well_formed(q)?;
    at_within(q, entries.len() as u64)?;
    // What was known by a date: claims said by then, and retractions recorded by then.
    let state = State::fold_known(entries, q.at, q.known);
    run_state(q, &state, entries.len() as u64, ctx)
}

/// Refuses what `q`'s text alone shows cannot be answered, before any of the log is read
/// (a question over a million claims would otherwise fold them all first), with the words
/// the answering steps use when they meet it.
fn well_formed(q: &Query) -> Result<(), QueryError> {
    match &q.source {
        Source::Figures(_) => only_figure_fields(q)?,
        Source::Conflicts(_) | Source::Provenance(_) => {
            return match q.steps.iter().find(|s| !answers::list_step(s)) {
                Some(other) => Err(answers::not_a_list_step(other)),
                None => Ok(()),
            };
        }
        Source::Claims => {}
    }
    let mut group = None;
    let mut grouped = false;
    for step in &q.steps {
        if grouped && !matches!(step, Step::Limit(_)) {
            return Err(after_grouped(step));
        }
        match step {
            Step::Group(f) => group = Some(*f),
            Step::Count => grouped = group.is_some(),
            _ => {}
        }
    }
    match group {
        Some(f) if !grouped => Err(group_needs_count(f)),
        _ => Ok(()),
    }
}

/// The refusal of a step other than `limit` after `group by … | count`.
fn after_grouped(step: &Step) -> QueryError {
    QueryError(format!(
        "`{step}` cannot follow `group by … | count`; only `limit` can"
    ))
}

/// The refusal of a `group by` with no `count` after it.
fn group_needs_count(f: Field) -> QueryError {
    QueryError(format!(
        "`group by {}` needs `| count` after it (the number of items in each group)",
        f.name()
    ))
}

/// Refuses `at N` past the end of a log of `len` entries.
fn at_within(q: &Query, len: u64) -> Result<(), QueryError> {
    match q.at {
        Some(at) if at > len => Err(QueryError(format!(
            "`at {at}` is past the end of the log, which has {len} entries"
        ))),
        _ => Ok(()),
    }
}

/// A question about figures (which reads no claim's words) asked of the whole log: its
/// state folded lean (from the saved folded snapshot when it matches the log, see
/// `reckon_index::folded`), never every decoded entry at once.
fn run_lean(
    q: &Query,
    snap: &reckon_ledger::Snapshot<'_>,
    ctx: &Context,
) -> Result<Answer, RunError> {
    let (len, state, _) = whole_lean(snap, q.at, q.known, None).map_err(RunError::Log)?;
    at_within(q, len)?;
    let answer = run_state(q, &state, len, ctx)?;
    release(state);
    Ok(answer)
}

/// A figures question about every subject, from the whole log folded lean. For the log as it
/// is (no `at`, `known`, `valid`), every origin's record is taken from the saved index, as a
/// `reconcile` takes it; an index that holds none (a claims question made it, or it was
/// brought forward over appends) is given those this fold learns, for the next question.
fn run_whole_figures(q: &Query, snap: &reckon_ledger::Snapshot<'_>) -> Result<Answer, RunError> {
    let index = as_it_is(q)
        .then(|| reckon_index::Index::open(snap).ok())
        .flatten();
    let (len, state, head) = whole_lean(snap, q.at, q.known, None).map_err(RunError::Log)?;
    at_within(q, len)?;
    let records = index_records(index, snap, &state, head);
    let read = match records {
        Some((_, learned)) => Read::LeanRecords { learned },
        None => Read::WholeLog,
    };
    let mut answer = run_state(
        q,
        &state,
        len,
        &Context {
            head: None,
            records: records.map(|r| r.0),
            words: None,
            subjects: None,
            seen: Default::default(),
        },
    )?;
    answer.read = read;
    release(state);
    Ok(answer)
}

/// The whole log as it is, folded lean (from the saved folded snapshot when it matches the
/// log), with every origin's record from the saved index when it holds them or can learn them
/// for this very log (the records a reconciliation of the whole log learns: its answer is the
/// same without fitting again; `None` when it must fit them itself): for a page of every
/// subject, which shows no claim's words.
pub fn whole_state(
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<
    (
        State<'static>,
        Option<std::sync::Arc<reckon_reconcile::Records>>,
    ),
    reckon_ledger::LedgerError,
> {
    let index = reckon_index::Index::open(snap).ok();
    let (_, state, head) = whole_lean(snap, None, None, None)?;
    let records = index_records(index, snap, &state, head).map(|(r, _)| r);
    Ok((state, records))
}

/// Every origin's record for a question about every subject of the log as it is, through
/// `index` (opened before the fold, only for a question with no `at`, `known` or `valid`):
/// taken from it when it holds them; else, when it was made for this very log (`head`),
/// learned from the fold (the fit the question's reconciliation would make) and saved in it
/// for the next question or `reconcile` (`true` with them). `None`: the question fits them
/// itself.
fn index_records(
    index: Option<reckon_index::Index>,
    snap: &reckon_ledger::Snapshot<'_>,
    state: &State<'_>,
    head: reckon_ledger::Head,
) -> Option<(std::sync::Arc<reckon_reconcile::Records>, bool)> {
    use std::sync::Arc;
    match index {
        Some(index) if index.records().is_some() => {
            index.records().map(|r| (Arc::new(r.clone()), false))
        }
        Some(index) if index.head() == head => {
            let records = reckon_reconcile::estimate_records(state, &Options::default());
            index.save_records(snap, &records);
            Some((Arc::new(records), true))
        }
        _ => None,
    }
}

/// The whole log folded lean as of `at` and `known` (from the saved folded snapshot when it
/// matches the log, see `reckon_index::folded`), never every decoded entry at once: with the
/// log's length and its head; each entry's line span is kept in `spans` (in log order) when
/// asked for.
fn whole_lean(
    snap: &reckon_ledger::Snapshot<'_>,
    at: Option<u64>,
    known: Option<Period>,
    spans: Option<&mut reckon_ledger::LineSpans>,
) -> Result<(u64, State<'static>, reckon_ledger::Head), reckon_ledger::LedgerError> {
    let (folded, head, _) =
        reckon_index::folded::fold_lean_state(snap, at, known, spans, None, |_| {
            Ok::<(), std::convert::Infallible>(())
        })?;
    let (len, state) = match folded {
        Ok(folded) => folded,
        Err(never) => match never {},
    };
    Ok((len, state, head))
}

/// How many claims' lines [`put_words`] reads at once: their words are held only while
/// they are put where they go.
const WORDS_PIECE: usize = 8192;

/// The claim number in the cell at `k` of `row`, if it holds one.
fn seq_in(row: &[Cell], k: usize) -> Option<u64> {
    match row.get(k) {
        Some(Cell::Int(seq)) => Some(*seq),
        _ => None,
    }
}

/// Puts the words of each row's claim (`seqs`: the claim's number for each of `rows`, if it
/// is a claim's row) in the row's cells at `words` (place and field). The claims are those of
/// `state`, the lean fold of a log whose entries' lines are at `spans` (in log order); their
/// lines are read again a piece at a time, in log order, each re-hashed and matched to the
/// hash the fold saw. A number that is no claim of `state` is passed over. Returns how many
/// claims were read.
fn put_words(
    snap: &reckon_ledger::Snapshot<'_>,
    state: &State<'_>,
    spans: &reckon_ledger::LineSpans,
    seqs: &[Option<u64>],
    rows: &mut [Vec<Cell>],
    words: &[(usize, Field)],
) -> Result<usize, RunError> {
    if words.is_empty() {
        return Ok(0);
    }
    // Each claim row's number with its place, in number order.
    let mut places: Vec<(u64, usize)> = seqs
        .iter()
        .enumerate()
        .filter_map(|(i, seq)| seq.map(|seq| (seq, i)))
        .collect();
    places.sort_unstable();
    let mut numbers: Vec<u64> = places.iter().map(|p| p.0).collect();
    numbers.dedup();
    let claims = numbers.into_iter().filter_map(|seq| {
        let i = state.claims.binary_search_by_key(&seq, |r| r.seq).ok()?;
        state.claims.get(i)
    });
    each_claims_words(snap, spans, claims, &mut |r, w| {
        let from = places.partition_point(|p| p.0 < r.seq);
        for &(_, i) in places[from..].iter().take_while(|p| p.0 == r.seq) {
            let Some(row) = rows.get_mut(i) else { continue };
            for &(k, f) in words {
                if let Some(cell) = row.get_mut(k) {
                    *cell = word_cell(Some(w), f);
                }
            }
        }
    })
}

/// The fields whose cells a claims question's steps read: those it sorts or groups by and
/// those it shows (the default columns when it has no `show`, unless it counts, which reads
/// none; a grouped answer shows only its groups).
fn claim_fields_read(q: &Query) -> Vec<Field> {
    let mut fields: std::collections::BTreeSet<Field> = std::collections::BTreeSet::new();
    // A grouped answer shows its groups and their counts only: what it shows before the
    // count is never read.
    let grouped = q.steps.iter().any(|s| matches!(s, Step::Group(_)));
    let mut shows = false;
    for step in &q.steps {
        match step {
            Step::Sort(f, _) | Step::Group(f) => {
                fields.insert(*f);
            }
            Step::Show(fs) if !grouped => {
                shows = true;
                fields.extend(fs.iter().copied());
            }
            Step::Show(_) | Step::Limit(_) | Step::Count => {}
        }
    }
    let counted = q.steps.contains(&Step::Count);
    if !shows && !counted {
        fields.extend(CLAIM_COLUMNS.iter().copied());
    }
    fields.into_iter().collect()
}

/// The first `n` of `items` once sorted by `key` (descending with `desc`), as a stable sort
/// then a cut would leave them (equal keys in the order given), without sorting or keeping
/// the rest: a heap of the best `n` so far, its worst on top.
fn best<'i, T>(
    items: impl Iterator<Item = &'i T>,
    n: usize,
    key: &dyn Fn(&T) -> Cell,
    desc: bool,
) -> Vec<&'i T> {
    /// An item's sort cell and place: ordered worst last (greatest).
    struct Ranked<'i, T> {
        cell: Cell,
        at: usize,
        desc: bool,
        item: &'i T,
    }
    impl<T> Ranked<'_, T> {
        fn order(&self, other: &Self) -> std::cmp::Ordering {
            let by_key = self.cell.key().cmp(&other.cell.key());
            let by_key = if self.desc { by_key.reverse() } else { by_key };
            by_key.then(self.at.cmp(&other.at))
        }
    }
    impl<T> PartialEq for Ranked<'_, T> {
        fn eq(&self, other: &Self) -> bool {
            self.order(other).is_eq()
        }
    }
    impl<T> Eq for Ranked<'_, T> {}
    impl<T> PartialOrd for Ranked<'_, T> {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl<T> Ord for Ranked<'_, T> {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.order(other)
        }
    }
    if n == 0 {
        return Vec::new();
    }
    let mut heap: std::collections::BinaryHeap<Ranked<'i, T>> = std::collections::BinaryHeap::new();
    for (at, item) in items.enumerate() {
        let ranked = Ranked {
            cell: key(item),
            at,
            desc,
            item,
        };
        if heap.len() < n {
            heap.push(ranked);
        } else if heap.peek().is_some_and(|worst| ranked < *worst) {
            heap.pop();
            heap.push(ranked);
        }
    }
    heap.into_sorted_vec().into_iter().map(|r| r.item).collect()
}

/// `q` answered from `state`, the fold of a log of `len` entries.
fn run_state(q: &Query, state: &State<'_>, len: u64, ctx: &Context) -> Result<Answer, QueryError> {
    let basis = Basis {
        at: q.at,
        position: ctx.head.as_ref().map_or(state.position, |h| h.0),
        log_entries: ctx.head.as_ref().map_or(len, |h| h.0),
        head: ctx
            .head
            .as_ref()
            .map_or_else(|| state.head.map(|h| h.to_hex()), |h| Some(h.1.clone())),
        known: q.known,
        valid: q.valid,
    };
    let opts = Options {
        valid: q.valid,
        records: ctx.records.clone(),
        ..Options::default()
    };
    let mut notes = Vec::new();
    // Each item: the cells of every field it can show, by field.
    let (all_fields, items): (Vec<Field>, Vec<Vec<Cell>>) = match &q.source {
        Source::Claims => {
            // Only the cells the steps read are made: a million kept claims with a cell for
            // every field would hold gigabytes.
            let fields = claim_fields_read(q);
            // Retracted and superseded claims are left out unless the filter asks about
            // the state: a copied row never cites a withdrawn figure by accident.
            let all_states = keeps_withdrawn(q);
            let mut withdrawn = 0usize;
            let kept = state
                .claims
                .iter()
                .filter(|r| match ctx.words.as_ref() {
                    // Chosen as their words were read, by the same filter.
                    Some(w) => w.holds(r.seq),
                    None => q.filter.as_ref().is_none_or(|e| eval_claim(state, r, e)),
                })
                .filter(|r| {
                    let live = all_states || claim_status(r) == "live";
                    withdrawn += usize::from(!live);
                    live
                });
            // A claim's words come from the cells read for the question when the state
            // does not hold them.
            let cell = |r: &Recorded<'_>, f: Field| match ctx.words.as_ref() {
                Some(w) if r.full.is_none() && WORD_FIELDS.contains(&f) => w
                    .cell(r.seq, f)
                    .cloned()
                    .unwrap_or_else(|| word_cell(None, f)),
                _ => claim_cell(state, r, f),
            };
            let row = |r: &Recorded<'_>| fields.iter().map(|f| cell(r, *f)).collect();
            let items = match q.steps.as_slice() {
                // The best few by one field: only they are made into rows, in the order the
                // sort gives them (the steps then sort and cut them again, to the same rows).
                [Step::Sort(f, desc), Step::Limit(n), ..] => {
                    let n = usize::try_from(*n).unwrap_or(usize::MAX);
                    best(kept, n, &|r| cell(r, *f), *desc)
                        .into_iter()
                        .map(row)
                        .collect()
                }
                _ => kept.map(row).collect(),
            };
            if withdrawn > 0 {
                notes.push(format!(
                    "{LEFT_OUT}{withdrawn} retracted or superseded {} (ask with `where state != live`)",
                    if withdrawn == 1 { "claim" } else { "claims" }
                ));
            }
            (fields, items)
        }
        Source::Figures(p) => {
            only_figure_fields(q)?;
            let pattern = p.as_deref().map(Pattern::new);
            // Each subject's report is made into its cells at once: the reports of a large
            // log are never all held.
            let r = reconcile_map(state, pattern.as_ref(), &opts, &|s| {
                q.filter
                    .as_ref()
                    .is_none_or(|e| eval_figure(&s, e))
                    .then(|| FIGURE_FIELDS.iter().map(|f| figure_cell(&s, *f)).collect())
            });
            let items = r.subjects.into_iter().flatten().collect();
            (FIGURE_FIELDS.to_vec(), items)
        }
        Source::Conflicts(p) => {
            let names = ctx.subjects.as_deref();
            return conflicts(q, state, p.as_deref(), &opts, basis, names);
        }
        Source::Provenance(t) => {
            return provenance(q, state, t, &opts, basis, ctx.subjects.as_deref());
        }
    };
    let default_columns: Vec<Field> = match &q.source {
        Source::Claims => CLAIM_COLUMNS.to_vec(),
        _ => FIGURE_FIELDS.to_vec(),
    };
    let col_index = |f: Field| all_fields.iter().position(|x| *x == f);
    let mut items = items;
    let mut columns = default_columns;
    let mut count: Option<usize> = None;
    let mut group: Option<Field> = None;
    // After `group by F | count`: each value of F with how many items have it.
    let mut grouped: Option<Vec<Vec<Cell>>> = None;
    for step in &q.steps {
        if let Some(rows) = &mut grouped {
            match step {
                Step::Limit(n) => rows.truncate(usize::try_from(*n).unwrap_or(usize::MAX)),
                other => return Err(after_grouped(other)),
            }
            continue;
        }
        match step {
            Step::Sort(f, desc) => {
                let k = col_index(*f);
                items.sort_by(|a, b| {
                    let ka = k.map(|k| a[k].key());
                    let kb = k.map(|k| b[k].key());
                    let o = ka.cmp(&kb);
                    if *desc { o.reverse() } else { o }
                });
            }
            Step::Limit(n) => items.truncate(usize::try_from(*n).unwrap_or(usize::MAX)),
            Step::Show(fs) => columns = fs.clone(),
            Step::Count => match group {
                Some(f) => grouped = Some(groups(&items, col_index(f))),
                None => count = Some(items.len()),
            },
            Step::Group(f) => group = Some(*f),
        }
    }
    if let Some(f) = group {
        let Some(rows) = grouped else {
            return Err(group_needs_count(f));
        };
        return Ok(Answer {
            query: q.to_string(),
            basis,
            columns: vec![f.name().to_owned(), "count".into()],
            rows,
            notes,
            read: Read::WholeLog,
        });
    }
    if items.is_empty()
        && let (Source::Claims, Some(e)) = (&q.source, &q.filter)
    {
        unmatched(
            state,
            e,
            (ctx.subjects.as_deref(), ctx.seen.take()),
            &mut notes,
        );
        if notes.is_empty() {
            notes.push(NO_CLAIM_MATCHES.into());
        }
    }
    if items.is_empty()
        && let Source::Figures(Some(p)) = &q.source
    {
        notes.push(format!(
            "no subject matches `{}`{}",
            reckon_claim::input::clip(p, 80),
            subject_hint(state, p, ctx.subjects.as_deref())
        ));
    }
    if let Some(n) = count {
        return Ok(Answer {
            query: q.to_string(),
            basis,
            columns: vec!["count".into()],
            rows: vec![vec![Cell::Int(n as u64)]],
            notes,
            read: Read::WholeLog,
        });
    }
    // Each item's cells are moved into its row (a cell shown twice is copied for all but its
    // last place): items and rows are never both held whole.
    let at: Vec<Option<usize>> = columns.iter().map(|f| col_index(*f)).collect();
    let last_use = |place: usize| at[place].is_some_and(|k| !at[place + 1..].contains(&Some(k)));
    let moved: Vec<bool> = (0..at.len()).map(last_use).collect();
    let rows = items
        .into_iter()
        .map(|mut it| {
            at.iter()
                .zip(&moved)
                .map(|(k, &last)| match *k {
                    Some(k) if last => std::mem::replace(&mut it[k], Cell::Empty),
                    Some(k) => it[k].clone(),
                    None => Cell::Empty,
                })
                .collect()
        })
        .collect();
    Ok(Answer {
        query: q.to_string(),
        basis,
        columns: columns.iter().map(|f| f.name().to_owned()).collect(),
        rows,
        notes,
        read: Read::WholeLog,
    })
}

#[cfg(test)]
mod selecting {
    use super::*;
    use proptest::prelude::*;

    /// Texts rich in what lowering treats specially: capital and small sigmas, letters that
    /// lower to ASCII (the Kelvin sign) or to two characters (a dotted capital I),
    /// case-ignorable marks (an apostrophe, a combining accent), and ASCII in both cases.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('Σ'),
                Just('σ'),
                Just('ς'),
                Just('K'),
                Just('İ'),
                Just('\''),
                Just('\u{301}'),
                Just(' '),
                Just('.'),
                Just('É'),
                prop::char::range('A', 'D'),
                prop::char::range('a', 'd'),
            ],
            0..10,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    /// A claim's event as the log writes it (no escapes: none of these texts needs one),
    /// with `v` as its speaker, among other fields.
    fn event(v: &str) -> String {
        format!(
            r#"{{"type":"claim","subject":"a/b","value":"ΣΑ 5","speaker":"{v}","quote":"Σ{v}ς"}}"#
        )
    }

    fn question(filter: &str) -> Query {
        crate::parse(&format!("claims where {filter}")).unwrap()
    }

    proptest! {
        /// Whatever `speaker contains`, `speaker ~` or `speaker =` keeps, the line filter keeps:
        /// never a claim left undecoded that the filter would have kept.
        #[test]
        fn every_kept_claim_is_decoded(
            v in text(),
            other in text(),
            from in 0..10usize,
            len in 0..10usize,
            cases in proptest::collection::vec(0..4u8, 10),
            op in 0..3usize,
        ) {
            // Mostly a piece of `v` with its letters' case changed, a `*` or a `?` put in:
            // words the filter often keeps.
            let chars: Vec<char> = v.chars().collect();
            let from = from.min(chars.len());
            let piece = &chars[from..(from + len).min(chars.len())];
            let lit: String = if cases[0] == 3 && cases[1] == 3 {
                other
            } else {
                piece
                    .iter()
                    .zip(cases.iter().cycle())
                    .flat_map(|(c, how)| match how {
                        0 => c.to_uppercase().collect::<Vec<_>>(),
                        1 => c.to_lowercase().collect(),
                        2 if op == 1 => vec!['*', *c],
                        _ => vec![*c],
                    })
                    .collect()
            };
            let (op, written) = [(Op::Contains, "contains"), (Op::Like, "~"), (Op::Eq, "=")][op];
            // `~` matches whole texts: a piece is matched with a `*` each side.
            let lit = if op == Op::Like { format!("*{lit}*") } else { lit };
            let q = question(&format!("speaker {written} {}", quoted(&lit)));
            let kept = filter::text_matches(Some(&v), op, &lit, false);
            let required = required_words(&q);
            prop_assert!(!kept || required.may_hold(&event(&v)), "{v:?} {written} {lit:?}");
        }
    }

    /// A query's text literal for `s` (none of the texts above needs an escape).
    fn quoted(s: &str) -> String {
        format!("\"{s}\"")
    }

    #[test]
    fn words_are_required_only_where_the_filter_says_so() {
        let q =
            question(r#"speaker = "Ann" and quote contains "POWs" and title ~ "the *report?" "#);
        let r = required_words(&q);
        assert_eq!(r.exact, vec!["Ann"]);
        assert_eq!(r.lowered, vec!["pows", "the ", "report"]);
        for none in [
            r#"speaker = "Ann" or quote contains "x""#,
            r#"not (speaker = "Ann")"#,
            r#"value = 5"#,
            r#"speaker ~ "*""#,
            r#"speaker = "Ann" at 3"#,
        ] {
            assert!(required_words(&question(none)).is_empty(), "{none}");
        }
        assert!(
            required_words(&crate::parse(r#"figures a/ where status = "x""#).unwrap()).is_empty()
        );
    }
}
