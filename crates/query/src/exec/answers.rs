//! Answers that are not lists of claims or figures: provenance and conflicts.

use super::*;

/// The nearest subjects to `p` a note names: those `state` knows, and `names` besides (see
/// `Context::subjects`).
pub(super) fn subject_hint(state: &State<'_>, p: &str, names: Option<&[String]>) -> String {
    let near = state.nearest_subjects_among(names.unwrap_or_default(), p, 3);
    if near.is_empty() {
        String::new()
    } else {
        format!("; the nearest subjects are: {}", near.join(", "))
    }
}

pub(super) const PROVENANCE: &[&str] = &[
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

pub(super) fn provenance_row(
    state: &State<'_>,
    s: &SubjectReport,
    a: &Assessed,
    side: &str,
) -> Vec<Cell> {
    let r = &state.claims[a.index];
    let c = &r.claim;
    let d = r.full;
    vec![
        Cell::Text(side.to_owned()),
        Cell::Text(c.subject.to_string()),
        Cell::Int(a.seq),
        Cell::Text(r.hash.to_hex()),
        Cell::Text(c.value.stated().to_owned()),
        Cell::Figure(a.interval.to_string(), Box::new(a.interval)),
        Cell::Text(a.origin.to_string()),
        opt_text(d.and_then(|d| d.speaker.as_deref())),
        opt_text(d.and_then(|d| d.role.as_deref())),
        opt_text(d.and_then(|d| d.cites.as_deref())),
        opt_text(d.and_then(|d| d.publisher.as_deref())),
        opt_text(d.and_then(|d| d.document.as_deref())),
        Cell::Date(c.said_on),
        c.as_of.map_or(Cell::Empty, Cell::Date),
        opt_text(d.and_then(|d| d.quote.as_deref())),
        Cell::Text(s.reason(a)),
    ]
}

pub(super) fn side_of(a: &Assessed) -> &'static str {
    if a.dissents() {
        "dissent"
    } else if !a.counts() {
        "not counted"
    } else if a.supports() {
        "support"
    } else {
        "dissent"
    }
}

pub(super) fn answer(
    q: &Query,
    basis: Basis,
    (columns, rows): (Vec<String>, Vec<Vec<Cell>>),
    notes: Vec<String>,
) -> Answer {
    Answer {
        query: q.to_string(),
        basis,
        columns,
        rows,
        notes,
        read: super::Read::WholeLog,
    }
}

/// What a provenance question about a hash prefix that no claim's hash starts with says.
/// That no claim's hash starts with `prefix`, and which claims' hashes begin a slip or two
/// away from it (`near`: [`reckon_ledger::NearHashes::among`] the claims).
pub(super) fn no_claim_by_hash(prefix: &str, near: &str) -> QueryError {
    QueryError(format!("no claim's hash starts with `{prefix}`{near}"))
}

pub(super) fn provenance(
    q: &Query,
    state: &State<'_>,
    t: &Target,
    opts: &Options,
    basis: Basis,
    names: Option<&[String]>,
) -> Result<Answer, QueryError> {
    let (subject, only) = match t {
        Target::Subject(s) => (s.clone(), None),
        Target::Seq(n) => {
            let r = state.claims.iter().find(|r| r.seq == *n).ok_or_else(|| {
                QueryError(format!(
                    "entry #{n} is not a claim recorded by log position {}",
                    state.position
                ))
            })?;
            (state.canonical(&r.claim.subject).to_string(), Some(*n))
        }
        Target::Hash(h) => {
            let mut found = state.claims.iter().filter(|r| r.hash.has_hex_prefix(h));
            let r = match (found.next(), found.next()) {
                (Some(r), None) => r,
                (None, _) => {
                    let id = reckon_ledger::EntryId::Prefix(h.clone());
                    let claims = state.claims.iter().map(|r| (r.seq, &r.hash));
                    let near = reckon_ledger::NearHashes::of(&id)
                        .map_or_else(String::new, |near| near.among(claims));
                    return Err(no_claim_by_hash(h, &near));
                }
                (Some(a), Some(b)) => {
                    return Err(QueryError(format!(
                        "`{h}` is ambiguous: claims #{} and #{} start with it",
                        a.seq, b.seq
                    )));
                }
            };
            (state.canonical(&r.claim.subject).to_string(), Some(r.seq))
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
                rows.push(provenance_row(state, s, a, side_of(a)));
            }
        }
    }
    let mut notes = Vec::new();
    if rows.is_empty() {
        notes.push(format!(
            "no subject matches `{}`{}",
            reckon_claim::input::clip(&subject, 80),
            subject_hint(state, &subject, names)
        ));
    }
    Ok(answer(q, basis, shape(q, PROVENANCE, rows)?, notes))
}

pub(super) fn figure_row(s: &SubjectReport) -> Vec<Cell> {
    let mut row = vec![Cell::Empty; PROVENANCE.len()];
    row[0] = Cell::Text("figure".into());
    row[1] = Cell::Text(s.subject.to_string());
    row[4] = Cell::Text(figure_text(s.figure.as_ref()));
    if let Some(f) = s.figure {
        row[5] = Cell::Figure(f.to_string(), Box::new(f));
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

/// The rows of a subject's conflict, when `q`'s filter keeps it and it has one: its figure,
/// each counted claim with its side, and each sum that cannot hold. None otherwise.
fn conflict_rows(q: &Query, state: &State<'_>, s: &SubjectReport) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    if q.filter.as_ref().is_some_and(|e| !eval_figure(s, e)) {
        return rows;
    }
    let contested = s.dissent().next().is_some() && s.status != Status::Unresolved;
    let parts_bad = s
        .parts
        .as_ref()
        .is_some_and(|p| p.relation == Some(reckon_reconcile::Relation::Contradicts));
    let sums_bad: Vec<&reckon_reconcile::PartOf> = s
        .part_of
        .iter()
        .filter(|p| p.relation == reckon_reconcile::Relation::Contradicts)
        .collect();
    if !contested && s.status != Status::Unresolved && !parts_bad && sums_bad.is_empty() {
        return rows;
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
    for p in sums_bad {
        let mut row = vec![Cell::Empty; PROVENANCE.len()];
        row[0] = Cell::Text("part of".into());
        row[1] = Cell::Text(s.subject.to_string());
        row[15] = Cell::Text(p.reason.clone());
        rows.push(row);
    }
    rows
}

/// Steps on answers that are not claim or figure lists: `limit` and `count` only. Returns the
/// columns with the rows, as `count` replaces both.
pub(super) fn shape(
    q: &Query,
    columns: &[&str],
    mut rows: Vec<Vec<Cell>>,
) -> Result<(Vec<String>, Vec<Vec<Cell>>), QueryError> {
    let mut columns: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
    for s in &q.steps {
        match s {
            Step::Limit(n) => rows.truncate(usize::try_from(*n).unwrap_or(usize::MAX)),
            Step::Count => {
                rows = vec![vec![Cell::Int(rows.len() as u64)]];
                columns = vec!["count".to_owned()];
            }
            other => return Err(not_a_list_step(other)),
        }
    }
    Ok((columns, rows))
}

/// Whether `step` applies to conflicts and provenance (`limit` and `count` do).
pub(super) fn list_step(step: &Step) -> bool {
    matches!(step, Step::Limit(_) | Step::Count)
}

/// The refusal of a step that applies only to claims and figures.
pub(super) fn not_a_list_step(step: &Step) -> QueryError {
    QueryError(format!(
        "`{step}` applies to claims and figures, not to conflicts or provenance"
    ))
}

pub(super) fn conflicts(
    q: &Query,
    state: &State<'_>,
    p: Option<&str>,
    opts: &Options,
    basis: Basis,
    names: Option<&[String]>,
) -> Result<Answer, QueryError> {
    let pattern = p.map(Pattern::new);
    // Each subject's report is made into its rows at once: the reports of a large log are
    // never all held.
    let r = reconcile_map(state, pattern.as_ref(), opts, &|s| {
        conflict_rows(q, state, &s)
    });
    // A pattern that names no subject is a slip, not a subject at peace: said as figures say it.
    let named = !r.subjects.is_empty();
    let rows: Vec<Vec<Cell>> = r.subjects.into_iter().flatten().collect();
    let notes = match p {
        Some(p) if !named => vec![format!(
            "no subject matches `{}`{}",
            reckon_claim::input::clip(p, 80),
            subject_hint(state, p, names)
        )],
        _ if rows.is_empty() => vec!["no conflicts: no counted claim excludes its subject's figure, no tie, no sum that cannot hold".to_owned()],
        _ => Vec::new(),
    };
    Ok(answer(q, basis, shape(q, PROVENANCE, rows)?, notes))
}
