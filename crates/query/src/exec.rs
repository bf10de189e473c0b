//! Running a query against the log: select, filter, shape.

use crate::ast::{Expr, Field, Literal, Op, Query, Source, Step, Target};
use reckon_claim::suggest::nearest;
use reckon_claim::{Interval, Period, Tolerance};
use reckon_ledger::Entry;
use reckon_reconcile::{
    Assessed, Options, Pattern, Reconciliation, Recorded, State, Status, SubjectReport, reconcile,
};
use std::fmt;

/// One cell of an answer: its text, and how it sorts.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// A whole number.
    Int(u64),
    /// Text.
    Text(String),
    /// A figure: its text and the interval it sorts by.
    Figure(String, Interval),
    /// A date or period.
    Date(Period),
}

impl Cell {
    fn key(&self) -> (u8, i128, i128, String) {
        match self {
            Cell::Empty => (9, 0, 0, String::new()),
            Cell::Int(n) => (0, i128::from(*n), 0, String::new()),
            Cell::Figure(_, iv) => (
                1,
                iv.lo().at.millionths(),
                iv.hi().map_or(i128::MAX, |h| h.at.millionths()),
                String::new(),
            ),
            Cell::Date(p) => (
                2,
                i128::from(p.start().days_since_epoch()),
                i128::from(p.end().days_since_epoch()),
                String::new(),
            ),
            Cell::Text(t) => (3, 0, 0, t.clone()),
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Int(n) => write!(f, "{n}"),
            Cell::Text(t) | Cell::Figure(t, _) => f.write_str(t),
            Cell::Date(p) => write!(f, "{p}"),
        }
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

const CLAIM_COLUMNS: &[Field] = &[
    Field::Seq,
    Field::Subject,
    Field::Value,
    Field::Unit,
    Field::Origin,
    Field::SaidOn,
];
const FIGURE_FIELDS: &[Field] = &[
    Field::Subject,
    Field::Unit,
    Field::Value,
    Field::Status,
    Field::Support,
    Field::Dissent,
    Field::AsOf,
];

fn opt_text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, |t| Cell::Text(t.to_owned()))
}

fn claim_status(r: &Recorded<'_>) -> &'static str {
    if r.retracted.is_some() {
        "retracted"
    } else if r.superseded_by.is_some() {
        "superseded"
    } else {
        "live"
    }
}

fn tolerance_of(state: &State<'_>, r: &Recorded<'_>) -> Tolerance {
    state
        .defs
        .get(state.canonical(&r.claim.subject))
        .and_then(|d| d.tolerance)
        .unwrap_or(Tolerance::DEFAULT)
}

/// A claim's cell for a field.
fn claim_cell(state: &State<'_>, r: &Recorded<'_>, f: Field) -> Cell {
    let c = r.claim;
    match f {
        Field::Seq => Cell::Int(r.entry.seq),
        Field::Hash => Cell::Text(r.entry.hash.to_hex()),
        Field::Subject => Cell::Text(c.subject.to_string()),
        Field::Value => match c.value.value().interval(tolerance_of(state, r)) {
            Some(iv) => Cell::Figure(c.value.stated().to_owned(), iv),
            None => Cell::Text(c.value.stated().to_owned()),
        },
        Field::Unit => Cell::Text(c.unit.clone()),
        Field::Scope => opt_text(c.scope.as_deref()),
        Field::AsOf => c.as_of.map_or(Cell::Empty, Cell::Date),
        Field::SaidOn => Cell::Date(c.said_on),
        Field::Speaker => opt_text(c.speaker.as_deref()),
        Field::Role => opt_text(c.role.as_deref()),
        Field::Cites => opt_text(c.cites.as_deref()),
        Field::Publisher => opt_text(c.publisher.as_deref()),
        Field::Origin => Cell::Text(c.origin().to_owned()),
        Field::Document => opt_text(c.document.as_deref()),
        Field::Tag => Cell::Text(c.tags.join(", ")),
        Field::Modality => Cell::Text(c.modality.as_str().to_owned()),
        Field::Quote => opt_text(c.quote.as_deref()),
        Field::Status => Cell::Text(claim_status(r).to_owned()),
        Field::Support | Field::Dissent => Cell::Empty,
    }
}

fn figure_text(f: Option<&Interval>) -> String {
    match f {
        Some(iv) if iv.is_point() => iv.lo().at.to_string(),
        Some(iv) => iv.to_string(),
        None => "-".into(),
    }
}

fn figure_cell(s: &SubjectReport, f: Field) -> Cell {
    match f {
        Field::Subject => Cell::Text(s.subject.to_string()),
        Field::Unit => Cell::Text(s.unit.clone()),
        Field::Value => match s.figure {
            Some(iv) => Cell::Figure(figure_text(Some(&iv)), iv),
            None => Cell::Text("-".into()),
        },
        Field::Status => Cell::Text(s.status.as_str().to_owned()),
        Field::AsOf => s.as_of.map_or(Cell::Empty, Cell::Date),
        Field::Support => Cell::Int(s.support_origins() as u64),
        Field::Dissent => Cell::Int(s.dissent().count() as u64),
        _ => Cell::Empty,
    }
}

fn text_matches(value: Option<&str>, op: Op, lit: &str, subject: bool) -> bool {
    let Some(v) = value else { return op == Op::Ne };
    match op {
        Op::Eq => v == lit,
        Op::Ne => v != lit,
        Op::Like if subject => Pattern::new(lit).matches(v),
        Op::Like => Pattern::new(&lit.to_lowercase()).matches(&v.to_lowercase()),
        _ => false,
    }
}

fn interval_matches(v: &Interval, op: Op, lit: &Interval) -> bool {
    let below = |a: &Interval, b: &Interval| match a.hi() {
        Some(h) => h.at < b.lo().at || (h.at == b.lo().at && (h.open || b.lo().open)),
        None => false,
    };
    match op {
        Op::Eq => v == lit,
        Op::Ne => v != lit,
        Op::Ge => v.lo().at >= lit.lo().at,
        Op::Gt => below(lit, v),
        Op::Le => match (v.hi(), lit.hi()) {
            (Some(a), Some(b)) => a.at <= b.at,
            (_, None) => true,
            (None, Some(_)) => false,
        },
        Op::Lt => below(v, lit),
        Op::Overlaps => v.overlaps(lit),
        Op::Contains => v.contains(lit),
        Op::Like => false,
    }
}

fn period_matches(v: Option<&Period>, op: Op, lit: &Period) -> bool {
    let Some(p) = v else { return op == Op::Ne };
    match op {
        Op::Eq => p == lit,
        Op::Ne => p != lit,
        Op::Ge => p.start() >= lit.start(),
        Op::Gt => p.start() > lit.end(),
        Op::Le => p.end() <= lit.end(),
        Op::Lt => p.end() < lit.start(),
        Op::Overlaps => p.overlaps(lit),
        Op::Contains => p.start() <= lit.start() && lit.end() <= p.end(),
        Op::Like => false,
    }
}

fn number_matches(v: u64, op: Op, n: u64) -> bool {
    match op {
        Op::Eq => v == n,
        Op::Ne => v != n,
        Op::Ge => v >= n,
        Op::Gt => v > n,
        Op::Le => v <= n,
        Op::Lt => v < n,
        _ => false,
    }
}

fn literal_interval(lit: &Literal) -> Option<Interval> {
    match lit {
        Literal::Figure(v) => v.interval(Tolerance::DEFAULT),
        _ => None,
    }
}

fn eval_claim(state: &State<'_>, r: &Recorded<'_>, e: &Expr) -> bool {
    match e {
        Expr::And(a, b) => eval_claim(state, r, a) && eval_claim(state, r, b),
        Expr::Or(a, b) => eval_claim(state, r, a) || eval_claim(state, r, b),
        Expr::Not(a) => !eval_claim(state, r, a),
        Expr::Cmp(f, op, lit) => cmp_claim(state, r, *f, *op, lit),
    }
}

fn cmp_claim(state: &State<'_>, r: &Recorded<'_>, f: Field, op: Op, lit: &Literal) -> bool {
    let c = r.claim;
    match (f, lit) {
        (Field::Subject, Literal::Text(t)) => {
            let canonical = state.canonical(&c.subject);
            let hit =
                |s: &str| text_matches(Some(s), if op == Op::Ne { Op::Eq } else { op }, t, true);
            let any = hit(c.subject.as_str()) || hit(canonical.as_str());
            if op == Op::Ne { !any } else { any }
        }
        (Field::Tag, Literal::Text(t)) => {
            let any = c.tags.iter().any(|tag| {
                text_matches(Some(tag), if op == Op::Ne { Op::Eq } else { op }, t, false)
            });
            if op == Op::Ne { !any } else { any }
        }
        (Field::Seq, Literal::Number(n)) => number_matches(r.entry.seq, op, *n),
        (Field::Value, lit) => match (
            c.value.value().interval(tolerance_of(state, r)),
            literal_interval(lit),
        ) {
            (Some(v), Some(l)) => interval_matches(&v, op, &l),
            _ => false,
        },
        (Field::SaidOn, Literal::Date(d)) => period_matches(Some(&c.said_on), op, d),
        (Field::AsOf, Literal::Date(d)) => period_matches(c.as_of.as_ref(), op, d),
        (_, Literal::Text(t)) => {
            let cell = claim_cell(state, r, f);
            let v = match &cell {
                Cell::Empty => None,
                other => Some(other.to_string()),
            };
            text_matches(v.as_deref(), op, t, false)
        }
        _ => false,
    }
}

fn eval_figure(s: &SubjectReport, e: &Expr) -> bool {
    match e {
        Expr::And(a, b) => eval_figure(s, a) && eval_figure(s, b),
        Expr::Or(a, b) => eval_figure(s, a) || eval_figure(s, b),
        Expr::Not(a) => !eval_figure(s, a),
        Expr::Cmp(f, op, lit) => match (f, lit) {
            (Field::Value, lit) => match (s.figure, literal_interval(lit)) {
                (Some(v), Some(l)) => interval_matches(&v, *op, &l),
                _ => false,
            },
            (Field::AsOf, Literal::Date(d)) => period_matches(s.as_of.as_ref(), *op, d),
            (Field::Support, Literal::Number(n)) => {
                number_matches(s.support_origins() as u64, *op, *n)
            }
            (Field::Dissent, Literal::Number(n)) => {
                number_matches(s.dissent().count() as u64, *op, *n)
            }
            (Field::Subject, Literal::Text(t)) => {
                let any = text_matches(
                    Some(s.subject.as_str()),
                    if *op == Op::Ne { Op::Eq } else { *op },
                    t,
                    true,
                ) || s
                    .aliases
                    .iter()
                    .any(|a| text_matches(Some(a.as_str()), Op::Eq, t, true));
                if *op == Op::Ne { !any } else { any }
            }
            (f, Literal::Text(t)) => {
                text_matches(Some(&figure_cell(s, *f).to_string()), *op, t, false)
            }
            _ => false,
        },
    }
}

fn fields_in(e: &Expr, out: &mut Vec<Field>) {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            fields_in(a, out);
            fields_in(b, out);
        }
        Expr::Not(a) => fields_in(a, out),
        Expr::Cmp(f, _, _) => out.push(*f),
    }
}

fn only_figure_fields(q: &Query) -> Result<(), QueryError> {
    let mut used = Vec::new();
    if let Some(e) = &q.filter {
        fields_in(e, &mut used);
    }
    for s in &q.steps {
        match s {
            Step::Sort(f, _) => used.push(*f),
            Step::Show(fs) => used.extend(fs.iter().copied()),
            _ => {}
        }
    }
    match used.iter().find(|f| !FIGURE_FIELDS.contains(f)) {
        Some(f) => {
            let names: Vec<&str> = FIGURE_FIELDS.iter().map(|f| f.name()).collect();
            Err(QueryError(format!(
                "`{}` is a field of claims, not of figures; figures have {}",
                f.name(),
                names.join(", ")
            )))
        }
        None => Ok(()),
    }
}

/// Text comparisons with `=` that no claim satisfies, with the nearest values the log has.
fn unmatched(state: &State<'_>, e: &Expr, notes: &mut Vec<String>) {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            unmatched(state, a, notes);
            unmatched(state, b, notes);
        }
        Expr::Not(a) => unmatched(state, a, notes),
        Expr::Cmp(f, Op::Eq | Op::Like, Literal::Text(t)) => {
            let op = if t.contains(['*', '?']) || t.ends_with('/') {
                Op::Like
            } else {
                Op::Eq
            };
            if state
                .claims
                .iter()
                .any(|r| cmp_claim(state, r, *f, op, &Literal::Text(t.clone())))
            {
                return;
            }
            let mut values: Vec<String> = state
                .claims
                .iter()
                .flat_map(|r| match f {
                    Field::Tag => r.claim.tags.clone(),
                    _ => vec![claim_cell(state, r, *f).to_string()],
                })
                .filter(|v| !v.is_empty())
                .collect();
            values.sort();
            values.dedup();
            let lower = t.to_lowercase();
            let mut near: Vec<&str> = values
                .iter()
                .map(String::as_str)
                .filter(|v| v.to_lowercase().contains(&lower))
                .take(3)
                .collect();
            if near.is_empty() {
                near = nearest(t, values.iter().map(String::as_str), 3);
            }
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!("; the nearest are: {}", near.join(", "))
            };
            notes.push(format!("no claim has {} `{t}`{hint}", f.name()));
        }
        _ => {}
    }
}

/// What a run may take from outside the entries it is given.
#[derive(Clone, Debug, Default)]
struct Context {
    /// The log's length and head, when the entries are only some of the log's.
    head: Option<(u64, String)>,
    /// Origin records learned from the whole log.
    records: Option<std::sync::Arc<reckon_reconcile::Records>>,
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

/// The subjects a query is restricted to, when it can be answered from their entries alone.
fn subject_selection(q: &Query) -> Option<Pattern> {
    if q.at.is_some() || q.known.is_some() || q.valid.is_some() {
        return None;
    }
    match &q.source {
        Source::Figures(Some(p)) | Source::Conflicts(Some(p)) => Some(Pattern::new(p)),
        Source::Provenance(Target::Subject(s)) => Some(Pattern::new(s)),
        Source::Claims => {
            // A `subject = …` or `subject ~ …` that every answer must satisfy.
            let mut e = q.filter.as_ref()?;
            loop {
                match e {
                    Expr::Cmp(Field::Subject, Op::Eq | Op::Like, Literal::Text(t)) => {
                        return Some(Pattern::new(t));
                    }
                    Expr::And(a, b) => {
                        if let Expr::Cmp(Field::Subject, Op::Eq | Op::Like, Literal::Text(t)) =
                            a.as_ref()
                        {
                            return Some(Pattern::new(t));
                        }
                        e = b;
                    }
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// Runs `q` on a log: through its saved index when the query is about a few subjects and the
/// index matches the log (the answer is the same either way), else by reading the whole log,
/// after which the index is made again for the next question.
pub fn run_on_log(q: &Query, log: &reckon_ledger::Log) -> Result<Answer, RunError> {
    use reckon_index::{Index, expand};
    let Some(pattern) = subject_selection(q) else {
        let entries = log.entries().map_err(RunError::Log)?;
        return Ok(run(q, &entries)?);
    };
    // Figures need every origin's record, which only a whole read of the log gives; claims
    // need only where each subject's entries are, which one verify-speed pass gives.
    let needs_records = !matches!(q.source, Source::Claims);
    let index = match Index::open(log) {
        Ok(i) => Some(i),
        Err(_) if !needs_records => Index::build_fast(log),
        Err(_) => None,
    };
    if let Some(index) = index
        && (!needs_records || index.records().is_some())
        && let Ok(others) = index.entries(log, &std::collections::BTreeSet::new())
    {
        let exact: std::collections::BTreeSet<String> = index
            .subjects()
            .filter(|s| pattern.matches(s))
            .map(str::to_owned)
            .collect();
        let wanted = expand(&others, &exact);
        if let Ok(entries) = index.entries(log, &wanted) {
            let head = index.head();
            let ctx = Context {
                head: Some((head.seq, head.hash.to_hex())),
                records: index.records().map(|r| std::sync::Arc::new(r.clone())),
            };
            let a = run_in(q, &entries, &ctx)?;
            // An empty answer suggests names from the whole log: ask the whole log.
            if !a.rows.is_empty() && a.notes.is_empty() {
                return Ok(a);
            }
        }
    }
    let (head, len) = log.committed().map_err(RunError::Log)?;
    let entries = log.entries().map_err(RunError::Log)?;
    let records = needs_records.then(|| {
        std::sync::Arc::new(reckon_reconcile::estimate_records(
            &State::fold(&entries, None),
            &Options::default(),
        ))
    });
    let a = run_in(
        q,
        &entries,
        &Context {
            head: None,
            records: records.clone(),
        },
    )?;
    // Made only if the log is still where the answer was read.
    if entries.last().map(|e| (e.seq, e.hash)) == Some((head.seq, head.hash)) {
        let _ = Index::build(log, &entries, head, len, records.map(|r| (*r).clone()));
    }
    Ok(a)
}

fn run_in(q: &Query, entries: &[Entry], ctx: &Context) -> Result<Answer, QueryError> {
    if let Some(at) = q.at
        && at > entries.len() as u64
    {
        return Err(QueryError(format!(
            "`at {at}` is past the end of the log, which has {} entries",
            entries.len()
        )));
    }
    let known = q.known;
    let state = State::fold_with(entries, q.at, |c| {
        known.is_none_or(|k| c.said_on.end() <= k.end())
    });
    let basis = Basis {
        at: q.at,
        position: ctx.head.as_ref().map_or(state.position, |h| h.0),
        log_entries: ctx.head.as_ref().map_or(entries.len() as u64, |h| h.0),
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
            let fields: Vec<Field> = crate::ast::FIELDS.iter().map(|(_, f)| *f).collect();
            let items = state
                .claims
                .iter()
                .filter(|r| q.filter.as_ref().is_none_or(|e| eval_claim(&state, r, e)))
                .map(|r| fields.iter().map(|f| claim_cell(&state, r, *f)).collect())
                .collect();
            (fields, items)
        }
        Source::Figures(p) => {
            only_figure_fields(q)?;
            let pattern = p.as_deref().map(Pattern::new);
            let r = reconcile(&state, pattern.as_ref(), &opts);
            let items = r
                .subjects
                .iter()
                .filter(|s| q.filter.as_ref().is_none_or(|e| eval_figure(s, e)))
                .map(|s| FIGURE_FIELDS.iter().map(|f| figure_cell(s, *f)).collect())
                .collect();
            (FIGURE_FIELDS.to_vec(), items)
        }
        Source::Conflicts(p) => return conflicts(q, &state, p.as_deref(), &opts, basis),
        Source::Provenance(t) => return provenance(q, &state, t, &opts, basis),
    };
    let default_columns: Vec<Field> = match &q.source {
        Source::Claims => CLAIM_COLUMNS.to_vec(),
        _ => FIGURE_FIELDS.to_vec(),
    };
    let col_index = |f: Field| all_fields.iter().position(|x| *x == f);
    let mut items = items;
    let mut columns = default_columns;
    let mut count: Option<usize> = None;
    for step in &q.steps {
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
            Step::Count => count = Some(items.len()),
        }
    }
    if items.is_empty()
        && let (Source::Claims, Some(e)) = (&q.source, &q.filter)
    {
        unmatched(&state, e, &mut notes);
        if notes.is_empty() {
            notes.push("no claim matches every condition".into());
        }
    }
    if items.is_empty()
        && let Source::Figures(Some(p)) = &q.source
    {
        notes.push(format!(
            "no subject matches `{p}`{}",
            subject_hint(&state, p)
        ));
    }
    if let Some(n) = count {
        return Ok(Answer {
            query: q.to_string(),
            basis,
            columns: vec!["count".into()],
            rows: vec![vec![Cell::Int(n as u64)]],
            notes,
        });
    }
    let rows = items
        .iter()
        .map(|it| {
            columns
                .iter()
                .map(|f| col_index(*f).map_or(Cell::Empty, |k| it[k].clone()))
                .collect()
        })
        .collect();
    Ok(Answer {
        query: q.to_string(),
        basis,
        columns: columns.iter().map(|f| f.name().to_owned()).collect(),
        rows,
        notes,
    })
}

fn subject_hint(state: &State<'_>, p: &str) -> String {
    let near = state.nearest_subjects(p, 3);
    if near.is_empty() {
        String::new()
    } else {
        format!("; the nearest subjects are: {}", near.join(", "))
    }
}

const PROVENANCE: &[&str] = &[
    "side",
    "subject",
    "seq",
    "hash",
    "value",
    "interval",
    "origin",
    "speaker",
    "role",
    "cites",
    "publisher",
    "document",
    "said_on",
    "as_of",
    "quote",
    "relation",
];

fn provenance_row(state: &State<'_>, s: &SubjectReport, a: &Assessed, side: &str) -> Vec<Cell> {
    let r = &state.claims[a.index];
    let c = r.claim;
    vec![
        Cell::Text(side.to_owned()),
        Cell::Text(c.subject.to_string()),
        Cell::Int(a.seq),
        Cell::Text(r.entry.hash.to_hex()),
        Cell::Text(c.value.stated().to_owned()),
        Cell::Figure(a.interval.to_string(), a.interval),
        Cell::Text(a.origin.to_string()),
        opt_text(c.speaker.as_deref()),
        opt_text(c.role.as_deref()),
        opt_text(c.cites.as_deref()),
        opt_text(c.publisher.as_deref()),
        opt_text(c.document.as_deref()),
        Cell::Date(c.said_on),
        c.as_of.map_or(Cell::Empty, Cell::Date),
        opt_text(c.quote.as_deref()),
        Cell::Text(s.reason(a)),
    ]
}

fn side_of(s: &SubjectReport, a: &Assessed) -> &'static str {
    if !a.counts() {
        "not counted"
    } else if s.support().any(|x| x.seq == a.seq) {
        "support"
    } else {
        "dissent"
    }
}

fn answer(
    q: &Query,
    basis: Basis,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
    notes: Vec<String>,
) -> Answer {
    Answer {
        query: q.to_string(),
        basis,
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
        notes,
    }
}

fn provenance(
    q: &Query,
    state: &State<'_>,
    t: &Target,
    opts: &Options,
    basis: Basis,
) -> Result<Answer, QueryError> {
    let (subject, only) = match t {
        Target::Subject(s) => (s.clone(), None),
        Target::Seq(n) => {
            let r = state
                .claims
                .iter()
                .find(|r| r.entry.seq == *n)
                .ok_or_else(|| {
                    QueryError(format!(
                        "entry #{n} is not a claim recorded by log position {}",
                        state.position
                    ))
                })?;
            (state.canonical(&r.claim.subject).to_string(), Some(*n))
        }
        Target::Hash(h) => {
            let mut found = state
                .claims
                .iter()
                .filter(|r| r.entry.hash.to_hex().starts_with(h.as_str()));
            let r = match (found.next(), found.next()) {
                (Some(r), None) => r,
                (None, _) => return Err(QueryError(format!("no claim's hash starts with `{h}`"))),
                (Some(a), Some(b)) => {
                    return Err(QueryError(format!(
                        "`{h}` is ambiguous: claims #{} and #{} start with it",
                        a.entry.seq, b.entry.seq
                    )));
                }
            };
            (
                state.canonical(&r.claim.subject).to_string(),
                Some(r.entry.seq),
            )
        }
    };
    let pattern = Pattern::new(&subject);
    let r: Reconciliation = reconcile(state, Some(&pattern), opts);
    let mut rows = Vec::new();
    for s in &r.subjects {
        if only.is_none() {
            rows.push(figure_row(s));
        }
        for a in &s.claims {
            if only.is_none_or(|n| n == a.seq) {
                rows.push(provenance_row(state, s, a, side_of(s, a)));
            }
        }
    }
    let mut notes = Vec::new();
    if rows.is_empty() {
        notes.push(format!(
            "no subject matches `{subject}`{}",
            subject_hint(state, &subject)
        ));
    }
    Ok(answer(q, basis, PROVENANCE, shape(q, rows)?, notes))
}

fn figure_row(s: &SubjectReport) -> Vec<Cell> {
    let mut row = vec![Cell::Empty; PROVENANCE.len()];
    row[0] = Cell::Text("figure".into());
    row[1] = Cell::Text(s.subject.to_string());
    row[4] = Cell::Text(figure_text(s.figure.as_ref()));
    if let Some(f) = s.figure {
        row[5] = Cell::Figure(f.to_string(), f);
    }
    row[13] = s.as_of.map_or(Cell::Empty, Cell::Date);
    let origins = s.support_origins();
    row[15] = Cell::Text(format!(
        "{}: {} supporting claim(s) from {origins} origin(s), {} dissenting",
        s.status.as_str(),
        s.support().count(),
        s.dissent().count()
    ));
    row
}

/// Steps on answers that are not claim or figure lists: `limit` and `count` only.
fn shape(q: &Query, mut rows: Vec<Vec<Cell>>) -> Result<Vec<Vec<Cell>>, QueryError> {
    for s in &q.steps {
        match s {
            Step::Limit(n) => rows.truncate(usize::try_from(*n).unwrap_or(usize::MAX)),
            Step::Count => rows = vec![vec![Cell::Int(rows.len() as u64)]],
            other => {
                return Err(QueryError(format!(
                    "`{other}` applies to claims and figures, not to conflicts or provenance"
                )));
            }
        }
    }
    Ok(rows)
}

fn conflicts(
    q: &Query,
    state: &State<'_>,
    p: Option<&str>,
    opts: &Options,
    basis: Basis,
) -> Result<Answer, QueryError> {
    let pattern = p.map(Pattern::new);
    let r = reconcile(state, pattern.as_ref(), opts);
    let mut rows = Vec::new();
    for s in r
        .subjects
        .iter()
        .filter(|s| q.filter.as_ref().is_none_or(|e| eval_figure(s, e)))
    {
        let contested = s.dissent().next().is_some() && s.status != Status::Unresolved;
        let parts_bad = s
            .parts
            .as_ref()
            .is_some_and(|p| p.relation == Some(reckon_reconcile::Relation::Contradicts));
        if !contested && s.status != Status::Unresolved && !parts_bad {
            continue;
        }
        rows.push(figure_row(s));
        for a in s.claims.iter().filter(|a| a.counts()) {
            let side = match (s.status, a.relation) {
                (Status::Unresolved, _) => "tied",
                (_, Some(reckon_reconcile::Relation::Contradicts)) => "against",
                _ => "for",
            };
            rows.push(provenance_row(state, s, a, side));
        }
        if let Some(check) = s.parts.as_ref().filter(|_| parts_bad) {
            let mut row = vec![Cell::Empty; PROVENANCE.len()];
            row[0] = Cell::Text("parts".into());
            row[1] = Cell::Text(s.subject.to_string());
            row[15] = Cell::Text(check.reason.clone());
            rows.push(row);
        }
    }
    let notes = if rows.is_empty() {
        vec!["no conflicts: no counted claim excludes its subject's figure, no tie, no sum that cannot hold".to_owned()]
    } else {
        Vec::new()
    };
    Ok(answer(q, basis, PROVENANCE, shape(q, rows)?, notes))
}
