//! Output of the reconciler: `reconcile`, `conflicts`, `explain` and `graph`.

use crate::Format;
use crate::one_line;
use crate::pretty::Pretty;
use reckon_claim::{Interval, Tolerance};
use reckon_reconcile::graph::{ConflictGraph, Edge, Node};
use reckon_reconcile::{
    Assessed, Excluded, Reconciliation, Relation, State, Status, SubjectReport,
};
use serde_json::{Value as Json, json};
use std::fmt::Write as _;

/// `reckon conflicts --format csv`: one row a claim on a side of a conflict (`subject`,
/// `unit`, `kind` as in the JSON, `side`: `support`, `dissent`, `tied [region]`, `whole`,
/// `part SUBJECT`, …), with its provenance. Made from the JSON answer's items, so that both
/// always list the same claims; returns the text and how many conflicts it lists.
pub fn conflicts_csv(state: &State<'_>, r: &Reconciliation) -> (String, usize) {
    let (items, _, n) = conflict_items(state, r);
    let rows = items.iter().flat_map(conflict_rows);
    (crate::query::csv(&CONFLICT_COLUMNS, rows), n)
}

/// The columns of `reckon conflicts --format csv`.
const CONFLICT_COLUMNS: [&str; 14] = [
    "subject",
    "unit",
    "kind",
    "side",
    "seq",
    "hash",
    "value",
    "interval",
    "origin",
    "speaker",
    "publisher",
    "said_on",
    "quote",
    "relation",
];

/// Where [`Conflicts`] writes its most common items (dissent, a tie) straight out, rather
/// than as JSON values: as pretty JSON list members, or as CSV rows.
enum ByHand<'o> {
    Json(&'o mut String),
    Csv(&'o mut String),
}

/// The CSV row of one claim `a` of `s`'s conflict item of `kind` on side `side`: the row
/// [`conflict_rows`] makes of that claim's provenance in the item's JSON value (a test holds
/// the two to the same bytes), written without making the value.
fn push_conflict_row(
    out: &mut String,
    state: &State<'_>,
    s: &SubjectReport,
    (kind, side): (&str, &str),
    a: &Assessed,
    whole: &Whole<'_, '_>,
) {
    use crate::query::push_csv_field as field;
    let r = &state.claims[a.index];
    let c = &r.claim;
    let d = whole(a.index).unwrap_or_else(|| Details::of_claim(r.full));
    let mut shown = String::new();
    let mut display = |out: &mut String, v: &dyn std::fmt::Display| {
        shown.clear();
        let _ = write!(shown, "{v}");
        field(out, &shown);
    };
    field(out, s.subject.as_str());
    out.push(',');
    field(out, &s.unit);
    out.push(',');
    field(out, kind);
    out.push(',');
    field(out, side);
    let _ = write!(out, ",{},{},", a.seq, r.hash);
    field(out, c.value.stated());
    out.push(',');
    display(out, &a.interval);
    out.push(',');
    field(out, &a.origin);
    for text in [d.speaker, d.publisher] {
        out.push(',');
        field(out, text.unwrap_or(""));
    }
    out.push(',');
    display(out, &c.said_on);
    out.push(',');
    field(out, d.quote.unwrap_or(""));
    out.push(',');
    field(out, a.relation.map_or("", |r| r.as_str()));
    out.push('\n');
}

/// The CSV rows of one conflict item of the JSON answer: a row a claim on one of its sides.
fn conflict_rows(c: &Json) -> Vec<Vec<String>> {
    let text = |v: &Json| match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    // Every list of claims in a conflict, with the keys that lead to it as its side.
    fn claims<'j>(v: &'j Json, side: String, out: &mut Vec<(String, &'j Json)>) {
        match v {
            Json::Array(items) => {
                for item in items {
                    if item.get("seq").is_some() && item.get("hash").is_some() {
                        out.push((side.clone(), item));
                    } else {
                        claims(item, side.clone(), out);
                    }
                }
            }
            Json::Object(m) => {
                let named = m
                    .get("subject")
                    .or_else(|| m.get("region").and_then(|r| r.get("text")))
                    .map(|s| match s {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                for (k, inner) in m {
                    let here = match (&named, k.as_str()) {
                        (Some(n), "claims") if !side.is_empty() => format!("{side} {n}"),
                        (_, "claims") if !side.is_empty() => side.clone(),
                        (_, "whole_claims") => "whole".to_owned(),
                        _ => k.clone(),
                    };
                    claims(inner, here, out);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    if let Json::Object(m) = c {
        for (k, v) in m {
            match k.as_str() {
                "support" | "dissent" | "claims" => claims(v, k.clone(), &mut found),
                "whole_claims" => claims(v, "whole".into(), &mut found),
                "candidates" => claims(v, "tied".into(), &mut found),
                "parts" => claims(v, "part".into(), &mut found),
                _ => {}
            }
        }
    }
    found
        .into_iter()
        .map(|(side, a)| {
            vec![
                text(&c["subject"]),
                text(&c["unit"]),
                text(&c["kind"]),
                side,
                text(&a["seq"]),
                text(&a["hash"]),
                text(&a["value"]),
                text(&a["interval"]["text"]),
                text(&a["origin"]),
                text(&a["speaker"]),
                text(&a["publisher"]),
                text(&a["said_on"]),
                text(&a["quote"]),
                text(&a["relation"]),
            ]
        })
        .collect()
}

/// `reckon reconcile --format csv`: one row a subject and unit, the figure exact
/// (`lo`, `lo_open`, `hi`, `hi_open`; `hi` empty for no upper bound) and in words.
pub fn reconcile_csv(r: &Reconciliation) -> String {
    csv_of_rows(r.subjects.iter().map(csv_cells))
}

/// [`reconcile_csv`] of rows [`csv_cells`] made, in order.
pub fn csv_of_rows(rows: impl Iterator<Item = Vec<String>>) -> String {
    crate::query::csv(
        &[
            "subject",
            "unit",
            "figure",
            "lo",
            "lo_open",
            "hi",
            "hi_open",
            "status",
            "support_claims",
            "support_origins",
            "dissent_claims",
        ],
        rows,
    )
}

/// One subject's row of [`reconcile_csv`].
pub fn csv_cells(s: &SubjectReport) -> Vec<String> {
    let iv = s.figure.as_ref();
    vec![
        s.subject.to_string(),
        s.unit.clone(),
        figure_text(iv, &s.unit),
        iv.map(|i| i.lo().at.to_string()).unwrap_or_default(),
        iv.map(|i| i.lo().open.to_string()).unwrap_or_default(),
        iv.and_then(|i| i.hi())
            .map(|h| h.at.to_string())
            .unwrap_or_default(),
        iv.and_then(|i| i.hi())
            .map(|h| h.open.to_string())
            .unwrap_or_default(),
        s.status.as_str().to_owned(),
        s.support().count().to_string(),
        s.support_origins().to_string(),
        s.dissent().count().to_string(),
    ]
}

/// A figure for people, in words with thousands separated (`9,500 to 10,500`, `at least
/// 20,000`); in a unit of whole things, the whole numbers it holds (`about 270` people, ±5%,
/// is 257 to 283, never 256.5). JSON keeps the exact interval.
pub fn figure_text(f: Option<&Interval>, unit: &str) -> String {
    match f {
        Some(iv) => {
            let whole = if counts_whole_things(unit) {
                iv.whole()
            } else {
                None
            };
            whole.as_ref().unwrap_or(iv).words()
        }
        None => "-".into(),
    }
}

/// Whether a unit counts whole things. A unit is taken as a count unless its name is a
/// measure that comes in fractions: time, money, a share, a size. (`count`, `people`,
/// `prisoners`, `bodies` are counts; `hours`, `years`, `percent`, `hryvnia`, `km` are not.)
pub fn counts_whole_things(unit: &str) -> bool {
    const MEASURES: &[&str] = &[
        "second",
        "minute",
        "hour",
        "day",
        "week",
        "month",
        "year",
        "percent",
        "%",
        "percentage point",
        "per cent",
        "dollar",
        "usd",
        "eur",
        "euro",
        "hryvnia",
        "uah",
        "rouble",
        "ruble",
        "rub",
        "pound",
        "gbp",
        "km",
        "kilometre",
        "kilometer",
        "mile",
        "metre",
        "meter",
        "kg",
        "kilogram",
        "tonne",
        "ton",
        "litre",
        "liter",
        "hectare",
        "square",
        "cubic",
        "rate",
        "ratio",
        "share",
        "index",
    ];
    let u = unit.trim().to_lowercase();
    let singular = u.strip_suffix('s').unwrap_or(&u);
    // `{m} …`, `… {m}` and `… {m}s`, without making those words (one call per subject).
    let begins = |t: &str, m: &str| t.strip_prefix(m).is_some_and(|r| r.starts_with(' '));
    let ends = |t: &str, m: &str| t.strip_suffix(m).is_some_and(|r| r.ends_with(' '));
    !MEASURES
        .iter()
        .any(|m| u == *m || singular == *m || begins(&u, m) || ends(&u, m) || ends(singular, m))
}

fn interval_json(iv: &Interval) -> Json {
    json!({
        "text": iv.to_string(),
        "lo": iv.lo().at.to_string(),
        "lo_open": iv.lo().open,
        "hi": iv.hi().map(|h| h.at.to_string()),
        "hi_open": iv.hi().is_some_and(|h| h.open),
    })
}

fn tolerance_text(t: Tolerance) -> String {
    format!("±{t}")
}

/// The header line every reconciler answer starts with: which log position it was computed
/// for, and the defaults in force.
pub fn position_line<S>(r: &Reconciliation<S>) -> String {
    position_line_at(r.position, r.head)
}

/// [`position_line`] of a reconciliation at `position` with `head`.
fn position_line_at(position: u64, head: Option<reckon_claim::EntryHash>) -> String {
    let head = head.map_or("empty log".into(), |h| {
        format!("head {}", &h.to_hex()[..12])
    });
    format!(
        "log position {position} ({head}); each figure describes the latest as_of of its claims; default tolerance {}\n",
        tolerance_text(Tolerance::DEFAULT)
    )
}

fn support_text(s: &SubjectReport) -> String {
    let claims = s.support().count();
    if claims == 0 {
        return "-".into();
    }
    format!(
        "{claims} claim{} / {} origin{}",
        plural(claims),
        s.support_origins(),
        plural(s.support_origins())
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Each column's width in characters: its widest cell. A long table is measured a block of
/// rows at a time on all cores.
fn column_widths(rows: &[Vec<String>]) -> Vec<usize> {
    use rayon::prelude::*;
    let widest = |rows: &[Vec<String>]| {
        let mut w: Vec<usize> = Vec::new();
        for r in rows {
            if w.len() < r.len() {
                w.resize(r.len(), 0);
            }
            for (c, s) in r.iter().enumerate() {
                w[c] = w[c].max(s.chars().count());
            }
        }
        w
    };
    if rows.len() < TABLE_BLOCK {
        return widest(rows);
    }
    rows.par_chunks(TABLE_BLOCK)
        .map(widest)
        .reduce(Vec::new, wider)
}

/// Column widths of two parts of a table: the wider of each column's two.
pub(crate) fn wider(mut a: Vec<usize>, b: Vec<usize>) -> Vec<usize> {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x = (*x).max(y);
    }
    a
}

/// How many rows of a table one task measures or lays out.
const TABLE_BLOCK: usize = 4096;

/// Rows as aligned columns (the first row is the header). A row shorter than the widest has
/// nothing in its missing columns. A long table is laid out a block of rows at a time on all
/// cores, each block's cells freed on the core that laid it out as soon as it is laid out,
/// so that the cells and the text are never all held at once.
pub fn table(mut rows: Vec<Vec<String>>) -> String {
    use rayon::prelude::*;
    let widths = column_widths(&rows);
    if rows.len() < TABLE_BLOCK {
        return laid_out(&rows, &widths);
    }
    // Blocks of rows laid out on all cores, joined in order.
    joined(
        rows.par_chunks_mut(TABLE_BLOCK)
            .map(|block| {
                let text = laid_out(block, &widths);
                block.iter_mut().for_each(|r| *r = Vec::new());
                text
            })
            .collect(),
    )
}

/// `rows` laid out under `widths`, one line each.
fn laid_out(rows: &[Vec<String>], widths: &[usize]) -> String {
    let mut out =
        String::with_capacity(rows.len() * (widths.iter().sum::<usize>() + 2 * widths.len()));
    for r in rows {
        push_row(&mut out, r, widths);
    }
    out
}

/// Blocks of text one after another.
fn joined(blocks: Vec<String>) -> String {
    let mut out = String::with_capacity(blocks.iter().map(String::len).sum());
    for b in blocks {
        out.push_str(&b);
    }
    out
}

/// One row of an aligned table appended to `out`, with its line break: each cell but the last
/// padded to its column's width (`widths`, measured in characters) and two spaces more, and
/// the row's trailing blanks (empty last cells, or the last cell's own) cut.
pub(crate) fn push_row<S: AsRef<str>>(
    out: &mut String,
    cells: impl IntoIterator<Item = S>,
    widths: &[usize],
) {
    let start = out.len();
    for (c, cell) in cells.into_iter().enumerate() {
        let cell = cell.as_ref();
        out.push_str(cell);
        if c + 1 < widths.len() {
            let pad = widths[c] - cell.chars().count();
            out.extend(std::iter::repeat_n(' ', pad + 2));
        }
    }
    let kept = start + out[start..].trim_end().len();
    out.truncate(kept);
    out.push('\n');
}

/// Cuts the widest cells of `rows` (a header first) with `…` until a table of them fits in
/// `width` columns (two spaces between columns), never a column below 12 characters nor the
/// header's own width: for a terminal that would otherwise wrap every row. A table that
/// cannot fit is cut as far as that goes.
pub fn fit(rows: &mut [Vec<String>], width: usize) {
    let mut widths = column_widths(rows);
    let cols = widths.len();
    if cols == 0 {
        return;
    }
    // Columns of 12 characters or fewer (numbers, dates, short hashes) are never cut.
    let floor: Vec<usize> = (0..cols)
        .map(|c| {
            let header = rows
                .first()
                .and_then(|h| h.get(c))
                .map_or(0, |h| h.chars().count());
            header.max(widths[c].min(12))
        })
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
    while total(&widths) > width {
        // The widest column that can still give.
        let Some(c) = (0..cols)
            .filter(|&c| widths[c] > floor[c])
            .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)))
        else {
            break;
        };
        let over = total(&widths) - width;
        widths[c] = widths[c]
            .saturating_sub(over)
            .max(floor[c])
            .max(widths[c] / 2)
            .min(widths[c] - 1);
    }
    for r in rows.iter_mut().skip(1) {
        for (c, cell) in r.iter_mut().enumerate() {
            if cell.chars().count() > widths[c] {
                let kept: String = cell.chars().take(widths[c] - 1).collect();
                *cell = format!("{kept}…");
            }
        }
    }
}

/// A value written as a JSON string through its `Display`, straight into the output (no
/// string made first).
struct Shown<T>(T);

impl<T: std::fmt::Display> serde::Serialize for Shown<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// An interval as JSON, written without building a JSON value (keys in sorted order, as a
/// JSON map would print them).
#[derive(serde::Serialize)]
struct IntervalOut<'a> {
    hi: Option<Shown<reckon_claim::Num>>,
    hi_open: bool,
    lo: Shown<reckon_claim::Num>,
    lo_open: bool,
    text: Shown<&'a Interval>,
}

impl<'a> IntervalOut<'a> {
    fn of(iv: &'a Interval) -> IntervalOut<'a> {
        IntervalOut {
            hi: iv.hi().map(|h| Shown(h.at)),
            hi_open: iv.hi().is_some_and(|h| h.open),
            lo: Shown(iv.lo().at),
            lo_open: iv.lo().open,
            text: Shown(iv),
        }
    }
}

/// One claim's provenance, borrowed from the state: what [`provenance_json`] prints, without
/// a JSON value's allocations (a large answer holds a million of them). Fields in sorted
/// order, as a JSON map prints its keys.
#[derive(serde::Serialize)]
struct Provenance<'a> {
    as_of: Option<Shown<&'a reckon_claim::Period>>,
    cites: Option<&'a str>,
    counted: bool,
    document: Option<&'a str>,
    hash: Shown<&'a reckon_claim::EntryHash>,
    interval: IntervalOut<'a>,
    modality: &'a str,
    origin: &'a str,
    publisher: Option<&'a str>,
    quote: Option<&'a str>,
    reason: String,
    relation: Option<&'a str>,
    repeats: Option<u64>,
    role: Option<&'a str>,
    rounding_reach: Option<IntervalOut<'a>>,
    said_on: Shown<&'a reckon_claim::Period>,
    scope: Option<&'a str>,
    seq: u64,
    speaker: Option<&'a str>,
    subject: &'a str,
    title: Option<&'a str>,
    unit: &'a str,
    url: Option<&'a str>,
    value: &'a str,
}

impl<'a> Provenance<'a> {
    fn of<'d: 'a>(
        state: &'a State<'_>,
        s: &SubjectReport,
        a: &'a Assessed,
        whole: &Whole<'d, '_>,
    ) -> Provenance<'a> {
        let r = &state.claims[a.index];
        let c = &r.claim;
        let d = whole(a.index).unwrap_or_else(|| Details::of_claim(r.full));
        Provenance {
            as_of: c.as_of.as_ref().map(Shown),
            cites: d.cites,
            counted: a.counts(),
            document: d.document,
            hash: Shown(&r.hash),
            interval: IntervalOut::of(&a.interval),
            modality: c.modality.as_str(),
            origin: a.origin.as_ref(),
            publisher: d.publisher,
            quote: d.quote,
            reason: s.reason(a),
            relation: a.relation.map(|r| r.as_str()),
            repeats: a.repeats.map(std::num::NonZeroU64::get),
            role: d.role,
            rounding_reach: a.rounded.as_ref().map(IntervalOut::of),
            said_on: Shown(&c.said_on),
            scope: c.scope.as_deref(),
            seq: a.seq,
            speaker: d.speaker,
            subject: c.subject.as_str(),
            title: d.title,
            unit: &c.unit,
            url: d.url,
            value: c.value.stated(),
        }
    }
}

/// Provenance of one claim as JSON: everything needed to trace it to the log and the source.
pub fn provenance_json(state: &State<'_>, s: &SubjectReport, a: &Assessed) -> Json {
    provenance_with(state, s, a, &|_| None)
}

/// [`provenance_json`] with the claim's words from `whole` when it has them.
fn provenance_with(
    state: &State<'_>,
    s: &SubjectReport,
    a: &Assessed,
    whole: &Whole<'_, '_>,
) -> Json {
    serde_json::to_value(Provenance::of(state, s, a, whole)).unwrap_or(Json::Null)
}

/// Where the whole claim at an index of the state's claims is, when the state does not hold
/// it ([`reckon_reconcile::Recorded::full`] is `None` in a lean state).
type Whole<'a, 'w> = dyn Fn(usize) -> Option<Details<'a>> + Sync + 'w;

/// A subject's JSON answer as it is printed: the claims' provenance written straight from
/// the state, the rest as a JSON value; keys in sorted order across both, as one JSON map
/// prints them.
struct SubjectOut<'a> {
    rest: serde_json::Map<String, Json>,
    lists: [(&'static str, Vec<Provenance<'a>>); 3],
}

impl serde::Serialize for SubjectOut<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut keys: Vec<&str> = self
            .rest
            .keys()
            .map(String::as_str)
            .chain(self.lists.iter().map(|(k, _)| *k))
            .collect();
        keys.sort_unstable();
        let mut m = ser.serialize_map(Some(keys.len()))?;
        for k in keys {
            match self.lists.iter().find(|(name, _)| *name == k) {
                Some((_, list)) => m.serialize_entry(k, list)?,
                None => m.serialize_entry(k, &self.rest[k])?,
            }
        }
        m.end()
    }
}

impl<'a> SubjectOut<'a> {
    fn of<'d: 'a>(
        state: &'a State<'_>,
        s: &'a SubjectReport,
        whole: &Whole<'d, '_>,
    ) -> SubjectOut<'a> {
        let rest = match subject_rest(s) {
            Json::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        let of = |a: &'a Assessed| Provenance::of(state, s, a, whole);
        SubjectOut {
            rest,
            lists: [
                ("dissent", s.dissent().map(of).collect()),
                (
                    "not_counted",
                    s.claims
                        .iter()
                        .filter(|a| !a.counts() && !a.dissents())
                        .map(of)
                        .collect(),
                ),
                ("support", s.support().map(of).collect()),
            ],
        }
    }
}

/// One subject of `reckon reconcile --format json`.
pub fn subject_json(state: &State<'_>, s: &SubjectReport) -> Json {
    serde_json::to_value(SubjectOut::of(state, s, &|_| None)).unwrap_or(Json::Null)
}

/// Each subject's reviews (`reckon export --format claimreview`), a batch at a time: `each`
/// gets the report and the subject as its reviews read it ([`Reviewed`]: the counted claims'
/// provenance, their words read through `fetch`), made straight from the report without the
/// subject's JSON answer made first.
///
/// [`Reviewed`]: reckon_formats::claimreview::Reviewed
pub fn subjects_reviewed_fetching<E: Send>(
    state: &State<'_>,
    r: &Reconciliation,
    fetch: &Fetch<'_, E>,
    each: &(dyn Fn(&SubjectReport, &reckon_formats::claimreview::Reviewed<'_>) -> String + Sync),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let write = reviewer(state, each);
    batches_fetching(
        &r.subjects,
        &unframed(),
        fetch,
        &subject_claims,
        &write,
        emit,
    )
}

/// [`subjects_reviewed_fetching`] of a lean state's reports, each batch written as it is
/// made (as [`explain_reports_fetching`] writes them): the reports of a large log are never all held. The same
/// bytes as [`subjects_reviewed_fetching`] of the whole reconciliation.
pub fn reports_reviewed_fetching<E: Send>(
    state: &State<'_>,
    reports: &mut reckon_reconcile::Reports<'_, '_>,
    fetch: &Fetch<'_, E>,
    each: &(dyn Fn(&SubjectReport, &reckon_formats::claimreview::Reviewed<'_>) -> String + Sync),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let write = reviewer(state, each);
    reports_fetching(reports, &unframed(), fetch, &write, emit)
}

/// A listing with nothing before or after its items.
fn unframed() -> Frame {
    Frame {
        open: String::new(),
        close_empty: String::new(),
        close: String::new(),
        items_in_json: false,
    }
}

/// What writes a subject's review: the claims counted for and against its figure made into
/// what `each` writes.
fn reviewer<'s>(
    state: &'s State<'_>,
    each: &'s (dyn Fn(&SubjectReport, &reckon_formats::claimreview::Reviewed<'_>) -> String + Sync),
) -> impl Fn(&SubjectReport, &Whole<'_, '_>, &mut String) + Sync + 's {
    use reckon_formats::claimreview::{Reviewed, ReviewedClaim};
    use std::borrow::Cow;
    move |s: &SubjectReport, whole: &Whole<'_, '_>, out: &mut String| {
        let counted: Vec<Provenance<'_>> = s
            .support()
            .chain(s.dissent())
            .filter(|a| a.counts())
            .map(|a| Provenance::of(state, s, a, whole))
            .collect();
        let reviewed = Reviewed {
            subject: s.subject.as_str(),
            label: s.label.as_deref().unwrap_or(s.subject.as_str()),
            status: s.status.as_str(),
            settled: s.figure.is_some() && s.candidates.is_empty(),
            claims: counted
                .iter()
                .map(|p| ReviewedClaim {
                    seq: p.seq,
                    hash: Cow::Owned(p.hash.0.to_hex()),
                    relation: p.relation.unwrap_or(""),
                    reason: Cow::Borrowed(&p.reason),
                    value: p.value,
                    unit: p.unit,
                    speaker: p.speaker,
                    role: p.role,
                    publisher: p.publisher,
                    url: p.url,
                    title: p.title,
                    said_on: Some(Cow::Owned(p.said_on.0.to_string())),
                    quote: p.quote,
                })
                .collect(),
        };
        out.push_str(&each(s, &reviewed));
    }
}

/// The indexes of a subject's claims (what its answer may show).
fn subject_claims(s: &SubjectReport, out: &mut Vec<usize>) {
    out.extend(s.claims.iter().map(|a| a.index));
}

/// `items` written between `frame`'s ends a batch at a time: each task of a batch reads the
/// words of the claims its items show (`claims`) through `fetch` and `write`s each item with
/// them; while one batch is written, the next is made on the pool.
fn batches_fetching<T: Sync, E: Send>(
    items: &[T],
    frame: &Frame,
    fetch: &Fetch<'_, E>,
    claims: &(dyn Fn(&T, &mut Vec<usize>) + Sync),
    write: &(dyn Fn(&T, &Whole<'_, '_>, &mut String) + Sync),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut batches = items.chunks(BATCH_PER_CORE * rayon::current_num_threads().max(1));
    stream_framed(
        frame,
        &mut || {
            batches
                .next()
                .map(|group| fetched(group, fetch, claims, write))
        },
        emit,
    )
}

/// `items` written by `write` on all cores, `RENDER_PER` a task, each task first reading
/// the words of the claims its items show (`claims`) through `fetch`: one string a task.
fn fetched<T: Sync, E: Send>(
    items: &[T],
    fetch: &Fetch<'_, E>,
    claims: &(dyn Fn(&T, &mut Vec<usize>) + Sync),
    write: &(dyn Fn(&T, &Whole<'_, '_>, &mut String) + Sync),
) -> Result<Vec<String>, E> {
    let task = |group: &[T]| {
        let mut wanted = Vec::new();
        for t in group {
            claims(t, &mut wanted);
        }
        with_words(fetch, wanted, &mut |whole, _| {
            let mut out = String::new();
            for t in group {
                write(t, whole, &mut out);
            }
            out
        })
    };
    use rayon::prelude::*;
    items.par_chunks(RENDER_PER).map(task).collect()
}

/// Everything of a subject's JSON answer but its claims' provenance.
fn subject_rest(s: &SubjectReport) -> Json {
    json!({
        "subject": s.subject.as_str(),
        "unit": s.unit,
        "label": s.label,
        "aliases": s.aliases.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "as_of": s.as_of.map(|p| p.to_string()),
        "tolerance": s.tolerance.to_string(),
        "window_days": s.window_days,
        "kind": s.kind.as_str(),
        "series": series_json(s),
        "figure": s.figure.as_ref().map(interval_json),
        "status": s.status.as_str(),
        "support_claims": s.support().count(),
        "support_origins": s.support_origins(),
        "candidates": candidates_json(s),
        "derived": derived_json(s),
        "parts": parts_json(s),
        "part_of": part_of_json(s),
        "other_units": s.other_units,
        "weights": weights_json(s),
        "by_count": s.by_count.as_ref().map(|v| v.iter().map(interval_json).collect::<Vec<_>>()),
    })
}

fn series_json(s: &SubjectReport) -> Option<Json> {
    s.series.as_ref().map(|c| json!({
        "checked": c.checked,
        "out_of_order": c.out_of_order.iter().map(|(a, b)| json!({"earlier": a, "later": b})).collect::<Vec<_>>(),
        "outlier": c.outlier,
        "removable": c.removable,
    }))
}

fn candidates_json(s: &SubjectReport) -> Vec<Json> {
    s.candidates
        .iter()
        .map(|(iv, o)| json!({"region": interval_json(iv), "origins": o}))
        .collect()
}

fn derived_json(s: &SubjectReport) -> Option<Json> {
    s.derived
        .as_ref()
        .map(|d| json!({"how": d.how, "from": d.from}))
}

fn parts_json(s: &SubjectReport) -> Option<Json> {
    s.parts.as_ref().map(|p| json!({
        "whole": p.whole.as_str(),
        "parts": p.parts.iter().map(|(n, f)| json!({"subject": n.as_str(), "figure": f.as_ref().map(interval_json)})).collect::<Vec<_>>(),
        "sum": p.sum.as_ref().map(interval_json),
        "whole_figure": p.whole_figure.as_ref().map(interval_json),
        "relation": p.relation.map(|r| r.as_str()),
        "reason": p.reason,
    }))
}

fn part_of_json(s: &SubjectReport) -> Vec<Json> {
    s.part_of
        .iter()
        .map(|p| {
            json!({
                "whole": p.whole.as_str(),
                "rest": p.rest.as_ref().map(interval_json),
                "relation": p.relation.as_str(),
                "reason": p.reason,
            })
        })
        .collect()
}

/// One subject's JSON answer (what [`subject_json`] prints) written by hand into `out` at
/// indent `level`: the same bytes, without a JSON value or a serializer's state for each of
/// its claims. Keys in sorted order, as a JSON map prints them.
fn write_subject(
    out: &mut String,
    level: usize,
    state: &State<'_>,
    s: &SubjectReport,
    whole: &Whole<'_, '_>,
) {
    let mut p = Pretty::at(out, level);
    let claims = |p: &mut Pretty<'_>, list: &mut dyn Iterator<Item = &Assessed>| {
        write_claims(p, state, s, list, whole);
    };
    p.open('{');
    p.key("aliases").open('[');
    for a in &s.aliases {
        p.item().str(a.as_str());
    }
    p.close(']');
    p.key("as_of").opt_shown(s.as_of.as_ref());
    p.key("by_count");
    match &s.by_count {
        Some(v) => {
            p.open('[');
            for iv in v {
                p.item();
                write_interval(&mut p, iv);
            }
            p.close(']');
        }
        None => p.null(),
    }
    p.key("candidates").value(&candidates_json(s));
    p.key("derived").value(&derived_json(s));
    p.key("dissent");
    claims(&mut p, &mut s.dissent());
    p.key("figure");
    match &s.figure {
        Some(iv) => write_interval(&mut p, iv),
        None => p.null(),
    }
    p.key("kind").str(s.kind.as_str());
    p.key("label").opt_str(s.label.as_deref());
    p.key("not_counted");
    claims(
        &mut p,
        &mut s.claims.iter().filter(|a| !a.counts() && !a.dissents()),
    );
    p.key("other_units").open('[');
    for u in &s.other_units {
        p.item().str(u);
    }
    p.close(']');
    p.key("part_of").value(&part_of_json(s));
    p.key("parts").value(&parts_json(s));
    p.key("series").value(&series_json(s));
    p.key("status").str(s.status.as_str());
    p.key("subject").str(s.subject.as_str());
    p.key("support");
    claims(&mut p, &mut s.support());
    p.key("support_claims").u64(s.support().count() as u64);
    p.key("support_origins").u64(s.support_origins() as u64);
    p.key("tolerance").shown(s.tolerance);
    p.key("unit").str(&s.unit);
    p.key("weights");
    write_weights(&mut p, s);
    p.key("window_days").u64(u64::from(s.window_days));
    p.close('}');
}

/// A list of claims' provenance, each as [`Provenance`] prints it.
fn write_claims(
    p: &mut Pretty<'_>,
    state: &State<'_>,
    s: &SubjectReport,
    list: &mut dyn Iterator<Item = &Assessed>,
    whole: &Whole<'_, '_>,
) {
    p.open('[');
    for a in list {
        p.item();
        write_provenance(p, state, s, a, whole);
    }
    p.close(']');
}

/// Each origin's vote on `s` and the record behind it, as [`weights_json`] prints them.
fn write_weights(p: &mut Pretty<'_>, s: &SubjectReport) {
    p.open('[');
    for w in &s.weights {
        p.item().open('{');
        p.key("accuracy").f64(round4(w.learned.accuracy));
        p.key("backed_elsewhere").u64(w.backed_elsewhere.into());
        p.key("copying").f64(round4(w.learned.copying));
        p.key("declared");
        match &w.declared {
            Some((seq, prior, reason)) => {
                p.open('{');
                p.key("prior").f64(prior.get());
                p.key("reason").str(reason);
                p.key("seq").u64(*seq);
                p.close('}');
            }
            None => p.null(),
        }
        p.key("one_sided_here").bool(w.one_sided_here);
        p.key("origin").str(&w.origin);
        p.key("prior").f64(round4(w.prior));
        p.key("repeats_here").bool(w.repeats_here);
        p.key("spoke_elsewhere").u64(w.spoke_elsewhere.into());
        p.key("vote").f64(round4(w.weight));
        p.close('}');
    }
    p.close(']');
}

/// An interval as [`IntervalOut`] prints it.
fn write_interval(p: &mut Pretty<'_>, iv: &Interval) {
    p.open('{');
    p.key("hi").opt_shown(iv.hi().map(|h| h.at).as_ref());
    p.key("hi_open").bool(iv.hi().is_some_and(|h| h.open));
    p.key("lo").shown(iv.lo().at);
    p.key("lo_open").bool(iv.lo().open);
    p.key("text").shown(iv);
    p.close('}');
}

/// One claim's provenance as [`Provenance`] prints it.
fn write_provenance(
    p: &mut Pretty<'_>,
    state: &State<'_>,
    s: &SubjectReport,
    a: &Assessed,
    whole: &Whole<'_, '_>,
) {
    let r = &state.claims[a.index];
    let c = &r.claim;
    let d = whole(a.index).unwrap_or_else(|| Details::of_claim(r.full));
    p.open('{');
    p.key("as_of").opt_shown(c.as_of.as_ref());
    p.key("cites").opt_str(d.cites);
    p.key("counted").bool(a.counts());
    p.key("document").opt_str(d.document);
    p.key("hash").hash(&r.hash);
    p.key("interval");
    write_interval(p, &a.interval);
    p.key("modality").str(c.modality.as_str());
    p.key("origin").str(a.origin.as_ref());
    p.key("publisher").opt_str(d.publisher);
    p.key("quote").opt_str(d.quote);
    p.key("reason").written(|text| s.reason_into(a, text));
    p.key("relation").opt_str(a.relation.map(|r| r.as_str()));
    p.key("repeats");
    match a.repeats {
        Some(n) => p.u64(n.get()),
        None => p.null(),
    }
    p.key("role").opt_str(d.role);
    p.key("rounding_reach");
    match &a.rounded {
        Some(iv) => write_interval(p, iv),
        None => p.null(),
    }
    p.key("said_on").shown(c.said_on);
    p.key("scope").opt_str(c.scope.as_deref());
    p.key("seq").u64(a.seq);
    p.key("speaker").opt_str(d.speaker);
    p.key("subject").str(c.subject.as_str());
    p.key("title").opt_str(d.title);
    p.key("unit").str(&c.unit);
    p.key("url").opt_str(d.url);
    p.key("value").str(c.value.stated());
    p.close('}');
}

/// A number rounded to four decimals, so that JSON output does not show float noise.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Each origin's vote on `s` and the record behind it, as JSON (empty when counted).
fn weights_json(s: &SubjectReport) -> Vec<Json> {
    s.weights.iter().map(|w| json!({
        "origin": &*w.origin,
        "prior": round4(w.prior),
        "vote": round4(w.weight),
        "accuracy": round4(w.learned.accuracy),
        "copying": round4(w.learned.copying),
        "repeats_here": w.repeats_here,
        "one_sided_here": w.one_sided_here,
        "backed_elsewhere": w.backed_elsewhere,
        "spoke_elsewhere": w.spoke_elsewhere,
        "declared": w.declared.as_ref().map(|(seq, prior, reason)| json!({"seq": seq, "prior": prior.get(), "reason": reason})),
    })).collect()
}

/// One line of every origin's vote on `s`, heaviest first (`None` when counted): what a side
/// of a conflict weighs, with `explain` for the evidence behind each.
fn votes_line(s: &SubjectReport) -> Option<String> {
    if s.weights.is_empty() {
        return None;
    }
    let votes: Vec<String> = s
        .weights
        .iter()
        .map(|w| {
            let mut v = format!(
                "{} {:.2} (accuracy {:.2}",
                one_line(&w.origin),
                w.weight,
                w.learned.accuracy
            );
            if w.repeats_here {
                v.push_str(&format!(
                    ", repeats an earlier figure: copying {:.2}",
                    w.learned.copying
                ));
            }
            if w.one_sided_here {
                v.push_str(", one-sided: half a vote");
            }
            v.push(')');
            v
        })
        .collect();
    Some(format!("votes: {}", votes.join("; ")))
}

/// The summed vote of `origins` on `s`.
fn side_vote(s: &SubjectReport, origins: &[String]) -> f64 {
    s.weights
        .iter()
        .filter(|w| origins.iter().any(|o| o.as_str() == &*w.origin))
        .map(|w| w.weight)
        .sum()
}

fn weights_block(s: &SubjectReport, out: &mut String) {
    if s.weights.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "weighed by reliability (each origin's vote grows with its accuracy A, the share of its figures the log shows right; README \"Reconciling\"):"
    );
    for w in &s.weights {
        let mut why = format!("accuracy {:.2}", w.learned.accuracy);
        if w.spoke_elsewhere == 0 {
            let from = match w.declared {
                Some(_) => "its declared prior".to_owned(),
                None => format!("the average origin's accuracy {:.2}", w.prior),
            };
            let _ = write!(
                why,
                ", from this subject and {from} (no other subject with two or more origins to judge it by)",
            );
        } else {
            let _ = write!(
                why,
                ": backed the figure on {} of {} other subject{} with two or more origins",
                w.backed_elsewhere,
                w.spoke_elsewhere,
                plural(w.spoke_elsewhere as usize)
            );
        }
        if let Some((seq, prior, reason)) = &w.declared {
            let _ = write!(why, "; declared prior {prior} (#{seq}: {reason})");
        }
        if w.repeats_here {
            let _ = write!(
                why,
                "; it repeats a figure another origin stated first, and its copying rate (how often it repeats others' errors) is {:.2}, so its vote counts {:.0}%",
                w.learned.copying,
                100.0 * (1.0 - w.learned.copying)
            );
        }
        if w.one_sided_here {
            why.push_str(
                "; its claims here state only one end of the figure, so they carry half its vote",
            );
        }
        let _ = writeln!(
            out,
            "  vote {:.2}  {}: {}",
            w.weight,
            one_line(&w.origin),
            one_line(&why)
        );
    }
    if let Some(regions) = &s.by_count {
        let listed: Vec<String> = regions.iter().map(|r| r.to_string()).collect();
        if regions.len() == 1 {
            let _ = writeln!(
                out,
                "counting origins alone (--method count) would give {}",
                listed[0]
            );
        } else {
            let _ = writeln!(
                out,
                "counting origins alone (--method count) would leave it tied between {}",
                listed.join(" and ")
            );
        }
    }
}

fn envelope(r: &Reconciliation, key: &str, items: Json) -> String {
    envelope_at((r.position, r.head), key, items)
}

/// [`envelope`] of a reconciliation at `position` with `head`.
fn envelope_at(
    (position, head): (u64, Option<reckon_claim::EntryHash>),
    key: &str,
    items: Json,
) -> String {
    let j = json!({
        "format": crate::JSON_FORMAT,
        "position": position,
        "head": head.map(|h| h.to_hex()),
        "default_tolerance": Tolerance::DEFAULT.to_string(),
        key: items,
    });
    format!("{}\n", serde_json::to_string_pretty(&j).unwrap_or_default())
}

/// How many items a batch of JSON holds for each core.
const BATCH_PER_CORE: usize = RENDER_PER * 2;

/// A JSON reconciliation streamed with each batch's items made by `next` (one string per item, each
/// beginning `,\n    `; `None` after the last batch), for batches that must first be made or
/// fetched. While one batch is written (on the calling thread, which `emit` may be tied to),
/// the next is made on the pool's threads.
fn stream_batches<E: Send>(
    at: (u64, Option<reckon_claim::EntryHash>),
    next: &mut (dyn FnMut() -> Option<Result<Vec<String>, E>> + Send),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    stream_framed(&json_frame(at), next, emit)
}

/// The ends of a reconciliation's JSON at `position` with `head`, around its subjects.
fn json_frame((position, head): (u64, Option<reckon_claim::EntryHash>)) -> Frame {
    let fixed = json!({
        "default_tolerance": Tolerance::DEFAULT.to_string(),
        "format": crate::JSON_FORMAT,
        "head": head.map(|h| h.to_hex()),
        "position": position,
    });
    // The fixed keys sort before "subjects": print them, then open the list.
    let fixed = serde_json::to_string_pretty(&fixed).unwrap_or_default();
    let fixed = fixed.strip_suffix("\n}").unwrap_or(&fixed);
    Frame {
        open: format!("{fixed},\n  \"subjects\": ["),
        close_empty: "]\n}\n".to_owned(),
        close: "\n  ]\n}\n".to_owned(),
        items_in_json: true,
    }
}

/// What a streamed answer's items are written between.
struct Frame {
    open: String,
    /// After no item.
    close_empty: String,
    /// After the last item.
    close: String,
    /// The items are members of a JSON list, each beginning `,`: the first one's is dropped.
    items_in_json: bool,
}

/// Each batch's items made by `next` (`None` after the last batch) written between `frame`'s
/// ends. While one batch is written (on the calling thread, which `emit` may be tied to),
/// the next is made on the pool's threads.
fn stream_framed<E: Send>(
    frame: &Frame,
    next: &mut (dyn FnMut() -> Option<Result<Vec<String>, E>> + Send),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    emit(&frame.open)?;
    let mut coming = next();
    let mut first = true;
    while let Some(parts) = coming.take() {
        let parts = parts?;
        let mut written = Ok(());
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| coming = next());
            written = parts.iter().try_for_each(|part| {
                if part.is_empty() {
                    return Ok(());
                }
                // The first item has no comma before it.
                let part = match first && frame.items_in_json {
                    true => part.strip_prefix(',').unwrap_or(part),
                    false => part,
                };
                first = false;
                emit(part)
            });
        });
        written?;
    }
    emit(if first {
        &frame.close_empty
    } else {
        &frame.close
    })
}

/// The pretty JSON envelope of an answer whose list is under `key`, cut where the list's
/// items go: before them (the list opened) and after them (the list's `]` not included).
fn envelope_around(at: (u64, Option<reckon_claim::EntryHash>), key: &str) -> (String, String) {
    let whole = envelope_at(at, key, Json::Array(Vec::new()));
    let opened = format!("\"{key}\": [");
    match whole.split_once(&opened) {
        Some((before, after)) => (
            format!("{before}{opened}"),
            after.strip_prefix(']').unwrap_or(after).to_owned(),
        ),
        None => (whole, String::new()),
    }
}

/// The text said when a listing finds no conflict.
const NO_CONFLICTS: &str = "no conflicts: no counted claim excludes its subject's figure, no tie, no sum that cannot hold, no running total out of order\n";

/// `reckon conflicts` of a lean state (one without whole claims), as text, JSON (`format`)
/// or CSV (`csv`): the subjects in conflict are chosen first (from the reports alone), then,
/// a batch at a time, `fetch` reads the words of the claims a batch shows and the batch is
/// written. The same bytes as [`conflicts_counted`] and [`conflicts_csv`] of a state that
/// holds every claim; returns how many conflicts it lists.
pub fn conflicts_fetching<E: Send>(
    state: &State<'_>,
    r: &Reconciliation,
    format: Format,
    csv: bool,
    fetch: &Fetch<'_, E>,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<usize, E> {
    let shown = shown_subjects(r);
    let chosen: Vec<Conflicts<'_>> = r
        .subjects
        .iter()
        .filter_map(|s| conflicts_in(r, &shown, s))
        .collect();
    let n: usize = chosen.iter().map(Conflicts::count).sum();
    let json = format == Format::Json && !csv;
    let frame = conflicts_frame((r.position, r.head), json, csv);
    let write = conflicts_writer(state, json, csv);
    batches_fetching(
        &chosen,
        &frame,
        fetch,
        &|c, out| c.claims(out),
        &write,
        emit,
    )?;
    Ok(n)
}

/// [`conflicts_fetching`] of a lean state's reports as they are made, a batch at a time
/// (see [`reconcile_json_fetching`]): the reports of a large log are never all held. The
/// reports of the members of sums, which a whole's conflict lists with it, are made before
/// any other and looked up in `reports` ([`reckon_reconcile::Reports::member`]). The same
/// bytes as [`conflicts_fetching`] of the whole reconciliation.
pub fn conflicts_reports_fetching<E: Send>(
    state: &State<'_>,
    reports: &mut reckon_reconcile::Reports<'_, '_>,
    format: Format,
    csv: bool,
    fetch: &Fetch<'_, E>,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<usize, E> {
    let json = format == Format::Json && !csv;
    let frame = conflicts_frame((reports.position, reports.head), json, csv);
    let write = conflicts_writer(state, json, csv);
    // Every subject the listing covers, known before the first report is made.
    let listed: Vec<(reckon_claim::Subject, String)> = reports
        .upcoming()
        .map(|(s, u)| (s.clone(), u.to_owned()))
        .collect();
    let listed: HashSet<(&str, &str)> = listed
        .iter()
        .map(|(s, u)| (s.as_str(), u.as_str()))
        .collect();
    let shown = |w: &reckon_claim::Subject, u: &str| listed.contains(&(w.as_str(), u));
    let size = BATCH_PER_CORE * rayon::current_num_threads().max(1);
    let mut n = 0;
    stream_framed(
        &frame,
        &mut || {
            let group = reports.next_batch(size);
            if group.is_empty() {
                return None;
            }
            let reports = &*reports;
            let report_of = |w: &reckon_claim::Subject, u: &str| reports.member(w, u);
            let chosen: Vec<Conflicts<'_>> = group
                .iter()
                .filter_map(|s| Conflicts::of(&report_of, &shown, s))
                .collect();
            n += chosen.iter().map(Conflicts::count).sum::<usize>();
            Some(fetched(&chosen, fetch, &|c, out| c.claims(out), &write))
        },
        emit,
    )?;
    Ok(n)
}

/// The ends of `reckon conflicts` at a log position, as JSON, CSV or text.
fn conflicts_frame(
    (position, head): (u64, Option<reckon_claim::EntryHash>),
    json: bool,
    csv: bool,
) -> Frame {
    if csv {
        Frame {
            open: crate::query::csv_row(CONFLICT_COLUMNS.iter().map(|c| (*c).to_owned())),
            close_empty: String::new(),
            close: String::new(),
            items_in_json: false,
        }
    } else if json {
        let (open, after) = envelope_around((position, head), "conflicts");
        Frame {
            open,
            close_empty: format!("]{after}"),
            close: format!("\n  ]{after}"),
            items_in_json: true,
        }
    } else {
        Frame {
            open: position_line_at(position, head),
            close_empty: NO_CONFLICTS.to_owned(),
            close: String::new(),
            items_in_json: false,
        }
    }
}

/// What writes each conflict's items, as text, JSON list members or CSV rows.
fn conflicts_writer<'s>(
    state: &'s State<'_>,
    json: bool,
    csv: bool,
) -> impl Fn(&Conflicts<'_>, &Whole<'_, '_>, &mut String) + Sync + 's {
    // Text is written straight out; JSON and CSV are made from the items.
    move |c: &Conflicts<'_>, whole: &Whole<'_, '_>, out: &mut String| {
        if !csv && !json {
            c.write(state, whole, None, Some(out), None);
            return;
        }
        let mut items = Vec::new();
        if csv {
            // Dissent and a tie written by hand, as for the JSON; the rest made from the
            // items' JSON values.
            c.write(
                state,
                whole,
                Some(&mut items),
                None,
                Some(ByHand::Csv(&mut *out)),
            );
            for row in items.iter().flat_map(conflict_rows) {
                out.push_str(&crate::query::csv_row(row));
            }
        } else {
            // Dissent and a tie, the first items when there are any and the most common,
            // are written by hand; the rest made as JSON values and printed after them.
            c.write(
                state,
                whole,
                Some(&mut items),
                None,
                Some(ByHand::Json(&mut *out)),
            );
            for item in &items {
                out.push_str(",\n    ");
                crate::pretty::nested(out, 2, item);
            }
        }
    }
}

/// About how many bytes the JSON of one claim takes (a task's output is made this long at
/// first, so that it is seldom moved as it grows).
const ROOM_PER_CLAIM: usize = 1536;

/// How many items one task of a batch renders.
const RENDER_PER: usize = 64;

/// Each item of `group` written by `write` as a list item nested in the envelope (at indent
/// level 2), on all cores, `RENDER_PER` items a task: one string per task, each item
/// beginning `,\n    `.
fn write_batch<'g, T: Sync>(
    group: &'g [T],
    write: &(impl Fn(&'g T, &mut String) + Sync),
) -> Vec<String> {
    use rayon::prelude::*;
    // A task's items written one after another into one string.
    let task = |items: &'g [T]| {
        let mut out = String::new();
        for item in items {
            out.push_str(",\n    ");
            write(item, &mut out);
        }
        out
    };
    group.par_chunks(RENDER_PER).map(task).collect()
}

/// serde_json's pretty printing (two spaces an indent, `": "` after a key) starting at an
/// indent `level`, so that an item of a list nested in an envelope is written in place.
pub(crate) struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    pub(crate) fn at(level: usize) -> Nested {
        Nested {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(c)
    }

    fn next<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// [`reconcile`] written through `emit` a piece at a time: JSON output is streamed subject by
/// subject (the table is written whole).
pub fn reconcile_into<E: Send>(
    state: &State<'_>,
    r: &Reconciliation,
    format: Format,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    subjects_into(state, r, format, emit, reconcile)
}

/// What shows a batch with the words of the claims it needs: given the indexes of a lean
/// state's claims (ascending) and a way to show them, it reads those claims' words (as
/// [`reckon_ledger::Snapshot::words_at`] does, in the order asked) and returns what showing
/// them made.
pub type Fetch<'f, E> = dyn Fn(&[usize], &mut Show<'_>) -> Result<String, E> + Sync + 'f;

/// What a [`Fetch`] hands the claims' words it read to: it returns their subjects' JSON.
pub type Show<'s> = dyn FnMut(&[reckon_claim::ClaimWords<'_>]) -> String + 's;

/// What `write` makes of the claims at `wanted` (indexes into a lean state's claims, in any
/// order, repeats allowed) once `fetch` has read their words: `write` is given each claim's
/// details by index, and how many claims were read.
fn with_words<E>(
    fetch: &Fetch<'_, E>,
    mut wanted: Vec<usize>,
    write: &mut dyn FnMut(&Whole<'_, '_>, usize) -> String,
) -> Result<String, E> {
    wanted.sort_unstable();
    wanted.dedup();
    fetch(&wanted, &mut |words| {
        let whole = |i: usize| {
            let k = wanted.binary_search(&i).ok()?;
            words.get(k).map(Details::of_words)
        };
        write(&whole, wanted.len())
    })
}

/// `reckon reconcile --format json` of a lean state (one without whole claims): a batch of
/// subjects at a time, their reports are made and `fetch` reads the claims (at indexes into
/// the state's claims, ascending) that the batch shows. The same bytes as [`reconcile_into`]
/// of a state that holds every claim, with never more than a few batches of reports and of
/// claims' lines in memory.
pub fn reconcile_json_fetching<E: Send>(
    state: &State<'_>,
    reports: &mut reckon_reconcile::Reports<'_, '_>,
    fetch: &Fetch<'_, E>,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let frame = json_frame((reports.position, reports.head));
    let write = |s: &SubjectReport, whole: &Whole<'_, '_>, out: &mut String| {
        out.push_str(",\n    ");
        write_subject(out, 2, state, s, whole);
    };
    reports_fetching(reports, &frame, fetch, &write, emit)
}

/// [`explain`]'s text of a lean state's reports, each batch written as it is made (see
/// [`reconcile_json_fetching`]): the reports of a large log are never all held. The same
/// bytes as [`explain_fetching`] of the whole reconciliation.
pub fn explain_reports_fetching<E: Send>(
    state: &State<'_>,
    reports: &mut reckon_reconcile::Reports<'_, '_>,
    fetch: &Fetch<'_, E>,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let frame = Frame {
        open: position_line_at(reports.position, reports.head),
        close_empty: String::new(),
        close: String::new(),
        items_in_json: false,
    };
    let write = |s: &SubjectReport, whole: &Whole<'_, '_>, out: &mut String| {
        explain_subject(out, state, s, whole);
    };
    reports_fetching(reports, &frame, fetch, &write, emit)
}

/// Each batch of `reports` made, the words of the claims it shows read by `fetch`, and its
/// subjects written by `write`, between `frame`'s ends; the next batch is made while one is
/// written.
fn reports_fetching<E: Send>(
    reports: &mut reckon_reconcile::Reports<'_, '_>,
    frame: &Frame,
    fetch: &Fetch<'_, E>,
    write: &(dyn Fn(&SubjectReport, &Whole<'_, '_>, &mut String) + Sync),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let size = BATCH_PER_CORE * rayon::current_num_threads().max(1);
    stream_framed(
        frame,
        &mut || {
            let group = reports.next_batch(size);
            if group.is_empty() {
                return None;
            }
            // Each task of the batch reads the claims of its subjects and writes them.
            let task = |subjects: &[SubjectReport]| {
                let wanted = subjects
                    .iter()
                    .flat_map(|s| s.claims.iter().map(|a| a.index))
                    .collect();
                with_words(fetch, wanted, &mut |whole, claims| {
                    let mut out = String::with_capacity(ROOM_PER_CLAIM * claims);
                    for s in subjects {
                        write(s, whole, &mut out);
                    }
                    out
                })
            };
            use rayon::prelude::*;
            Some(group.par_chunks(RENDER_PER).map(task).collect())
        },
        emit,
    )
}

/// [`explain`] written through `emit`; JSON is streamed subject by subject.
pub fn explain_into<E: Send>(
    state: &State<'_>,
    r: &Reconciliation,
    format: Format,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    subjects_into(state, r, format, emit, explain)
}

/// The JSON answer of every selected subject, streamed; other formats as `whole` writes them.
fn subjects_into<E: Send>(
    state: &State<'_>,
    r: &Reconciliation,
    format: Format,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
    whole: fn(&State<'_>, &Reconciliation, Format) -> String,
) -> Result<(), E> {
    if format == Format::Json {
        let mut chunks = r
            .subjects
            .chunks(BATCH_PER_CORE * rayon::current_num_threads().max(1));
        return stream_batches(
            (r.position, r.head),
            &mut || {
                chunks.next().map(|group| {
                    Ok(write_batch(group, &|s, out| {
                        write_subject(out, 2, state, s, &|_| None)
                    }))
                })
            },
            emit,
        );
    }
    emit(&whole(state, r, format))
}

/// Every subject's row of the `reconcile` table ([`summary_cells`]), made on all cores.
fn par_cells(subjects: &[SubjectReport]) -> Vec<Vec<String>> {
    use rayon::prelude::*;
    subjects.par_iter().map(summary_cells).collect()
}

/// One subject's row of the `reconcile` table, as a person reads it: subject, unit, figure
/// (every tied value; a sum of parts that cannot hold beside it), status (with what its parts
/// or sum say), support and dissent.
pub fn summary_cells(s: &SubjectReport) -> Vec<String> {
    let dissent = s.dissent().count();
    // A tie shows every tied value, not only the one a tie-break picked.
    let figure = if s.status == Status::Unresolved && !s.candidates.is_empty() {
        s.candidates
            .iter()
            .map(|(iv, _)| figure_text(Some(iv), &s.unit))
            .collect::<Vec<_>>()
            .join(" | ")
    } else {
        figure_text(s.figure.as_ref(), &s.unit)
    };
    // A sum of parts that cannot be the whole's figure is offered beside it.
    let figure = match s
        .parts
        .as_ref()
        .filter(|p| p.relation == Some(Relation::Contradicts))
    {
        Some(p) => format!(
            "{figure} | parts sum {}",
            figure_text(p.sum.as_ref(), &s.unit)
        ),
        None => figure,
    };
    // A part whose sum cannot hold is offered what the whole leaves it.
    let figure = s
        .part_of
        .iter()
        .filter(|p| p.relation == Relation::Contradicts)
        .fold(figure, |f, p| {
            format!(
                "{f} | {} less others {}",
                p.whole,
                p.rest
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |r| figure_text(Some(r), &s.unit))
            )
        });
    let mut status = match s.parts.as_ref().and_then(|p| p.relation) {
        Some(Relation::Agrees) => format!("{}, checked by its parts", s.status.as_str()),
        Some(Relation::Consistent) => {
            format!("{}, consistent with its parts", s.status.as_str())
        }
        _ => s.status.as_str().to_owned(),
    };
    for p in &s.part_of {
        match p.relation {
            Relation::Agrees => status.push_str(", checked in its sum"),
            Relation::Consistent => status.push_str(", consistent with its sum"),
            _ => {}
        }
    }
    vec![
        s.subject.to_string(),
        s.unit.clone(),
        figure,
        status,
        support_text(s),
        if dissent == 0 {
            "-".into()
        } else {
            format!("{dissent} claim{}", plural(dissent))
        },
    ]
}

/// `reckon reconcile`: one subject a row (subject, unit, figure, status, support, dissent),
/// or JSON `{"default_tolerance","format","head","position","subjects":[…]}` with every supporting,
/// dissenting and uncounted claim's provenance; `parts` is the `sum_of` check of a whole and
/// `part_of` those of a part (`whole`, `rest`: the whole less the other parts, `relation`,
/// `reason`).
pub fn reconcile(state: &State<'_>, r: &Reconciliation, format: Format) -> String {
    if format == Format::Json {
        return envelope(
            r,
            "subjects",
            r.subjects.iter().map(|s| subject_json(state, s)).collect(),
        );
    }
    let mut out = position_line(r);
    out.push_str(&table_of_rows(par_cells(&r.subjects)));
    out
}

/// The `reconcile` table of the rows [`summary_cells`] made, in order: the position line,
/// then the header and a row for each subject and unit. The same text as [`reconcile`].
pub fn reconcile_table(r: Reconciliation<Vec<String>>) -> String {
    let mut out = position_line(&r);
    out.push_str(&table_of_rows(r.subjects));
    out
}

fn table_of_rows(cells: Vec<Vec<String>>) -> String {
    let mut rows = Vec::with_capacity(cells.len() + 1);
    rows.push(
        ["SUBJECT", "UNIT", "FIGURE", "STATUS", "SUPPORT", "DISSENT"]
            .map(String::from)
            .to_vec(),
    );
    rows.extend(cells);
    table(rows)
}

/// The [`Details`] of a claim, whole or read briefly (the two name these fields alike).
macro_rules! details_of {
    ($c:expr) => {
        Details {
            speaker: $c.speaker.as_deref(),
            role: $c.role.as_deref(),
            cites: $c.cites.as_deref(),
            publisher: $c.publisher.as_deref(),
            url: $c.url.as_deref(),
            title: $c.title.as_deref(),
            document: $c.document.as_deref(),
            quote: $c.quote.as_deref(),
        }
    };
}

/// The words around a claim's figure that a lean state does not hold: who, where, and the
/// quote (all `None` for a claim of a lean state).
#[derive(Clone, Copy, Default)]
struct Details<'a> {
    speaker: Option<&'a str>,
    role: Option<&'a str>,
    cites: Option<&'a str>,
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    title: Option<&'a str>,
    document: Option<&'a str>,
    quote: Option<&'a str>,
}

impl<'a> Details<'a> {
    fn of(r: &reckon_reconcile::Recorded<'a>) -> Details<'a> {
        Details::of_claim(r.full)
    }

    /// The details of a claim read again for its words.
    fn of_words(w: &'a reckon_claim::ClaimWords<'_>) -> Details<'a> {
        details_of!(w)
    }

    fn of_claim(full: Option<&'a reckon_claim::Claim>) -> Details<'a> {
        full.map_or_else(Details::default, |c| details_of!(c))
    }
}

fn who(c: Details<'_>) -> String {
    one_line(&who_text(c)).into_owned()
}

/// Who said it, as a person would write it: "Iryna Vereshchuk (deputy head …), citing the
/// Coordination Headquarters, in The Kyiv Independent", or for a claim with no speaker, "The
/// Kyiv Independent (no speaker named), citing …".
fn who_text(c: Details<'_>) -> String {
    let mut s = match (c.speaker, c.publisher) {
        (Some(sp), _) => sp.to_owned(),
        (None, Some(p)) => format!("{p} (no speaker named)"),
        (None, None) => "no speaker or publisher named".to_owned(),
    };
    if let Some(role) = c.role {
        s.push_str(&format!(" ({role})"));
    }
    if let Some(cites) = c.cites {
        s.push_str(&format!(", citing {cites}"));
    }
    if let (Some(_), Some(p)) = (c.speaker, c.publisher) {
        s.push_str(&format!(", in {p}"));
    }
    s
}

/// A claim with its provenance, indented, for `explain` and `conflicts`.
fn claim_block(
    state: &State<'_>,
    s: &SubjectReport,
    a: &Assessed,
    whole: &Whole<'_, '_>,
    out: &mut String,
) {
    let r = &state.claims[a.index];
    let c = &r.claim;
    let d = whole(a.index).unwrap_or_else(|| Details::of(r));
    let _ = writeln!(
        out,
        "  #{} {} = {}  ({})",
        a.seq,
        c.value.stated(),
        a.interval,
        s.reason(a)
    );
    let _ = writeln!(out, "      {}", who(d));
    let mut when = format!("said {}", c.said_on);
    if let Some(p) = c.as_of {
        when.push_str(&format!(", as of {p}"));
    }
    if let Some(scope) = &c.scope {
        when.push_str(&format!(", scope: {scope}"));
    }
    if let Some(first) = a.repeats {
        when.push_str(&format!(", same origin as #{first} (counted once)"));
    }
    let _ = writeln!(out, "      {}", one_line(&when));
    if let Some(q) = d.quote {
        let _ = writeln!(out, "      \"{}\"", one_line(q));
    }
    let mut src = format!("entry {}", &r.hash.to_hex()[..12]);
    if let Some(doc) = d.document {
        src.push_str(&format!(", document {doc}"));
    }
    if let Some(u) = d.url {
        src.push_str(&format!(", {u}"));
    }
    let _ = writeln!(out, "      {}", one_line(&src));
}

/// The verdict in a sentence: the status and what it rests on.
pub fn status_sentence(s: &SubjectReport) -> String {
    let n = s.support_origins();
    match s.status {
        Status::SingleSource => "single source: one origin supports it and nothing contradicts it".into(),
        Status::Corroborated => format!("corroborated: {n} independent origins state exactly this figure and none contradicts it"),
        Status::Consistent => format!("consistent: {n} independent origins support it with different figures that overlap, and none contradicts it"),
        Status::Contested => {
            let k = s.dissent().count();
            // Written as a person would: "1 origin supports it and 1 counted claim excludes it".
            let verb = |count: usize, word: &str| {
                if count == 1 {
                    format!("{word}s")
                } else {
                    word.to_owned()
                }
            };
            let whole_bad = s
                .parts
                .as_ref()
                .is_some_and(|p| p.relation == Some(Relation::Contradicts));
            let wholes: Vec<String> = s
                .part_of
                .iter()
                .filter(|p| p.relation == Relation::Contradicts)
                .map(|p| p.whole.to_string())
                .collect();
            if k == 0 {
                // Contested by a sum, not by a claim.
                let why = match (whole_bad, wholes.is_empty()) {
                    (true, _) => "its parts cannot sum to it".to_owned(),
                    (false, false) => format!(
                        "it cannot be a part of {} with the other parts' figures",
                        wholes.join(" or ")
                    ),
                    (false, true) => "a sum it takes part in cannot hold".to_owned(),
                };
                format!(
                    "contested: {n} origin{} {} it, but {why}",
                    plural(n),
                    verb(n, "support")
                )
            } else {
                format!(
                    "contested: {n} origin{} {} it and {k} counted claim{} {} it",
                    plural(n),
                    verb(n, "support"),
                    plural(k),
                    verb(k, "exclude")
                )
            }
        }
        Status::Unresolved if !s.weights.is_empty() => format!(
            "unresolved: {} regions have support within odds of e to 1 of each other; {}",
            s.candidates.len(),
            match s.tie_break {
                Some(reckon_reconcile::TieBreak::Reliability) => {
                    "the one shown has the heaviest support, but not clearly"
                }
                _ => "their support weighs the same, so the one shown is the one stated first in the log",
            }
        ),
        Status::Unresolved => format!(
            "unresolved: {} regions have equal support ({n} origin{} each); {}",
            s.candidates.len(),
            plural(n),
            match s.tie_break {
                Some(reckon_reconcile::TieBreak::Reliability) => {
                    "the one shown is backed by the origins that agreed more often on other contested subjects"
                }
                _ => "the origins' records on other subjects do not tell them apart, so the one shown is the one stated first in the log",
            }
        ),
        Status::Derived => "derived: no claim states it; it is computed".into(),
        Status::NoFigure => "no figure: no claim counts (all are retracted, superseded, expected, denied or about another time)".into(),
    }
}

/// `reckon explain SUBJECT`: the figure, then every claim and relation in words.
pub fn explain(state: &State<'_>, r: &Reconciliation, format: Format) -> String {
    if format == Format::Json {
        return envelope(
            r,
            "subjects",
            r.subjects.iter().map(|s| subject_json(state, s)).collect(),
        );
    }
    let mut out = position_line(r);
    for s in &r.subjects {
        explain_subject(&mut out, state, s, &|_| None);
    }
    out
}

/// One subject's part of [`explain`]'s text, each claim's words from `whole` (or else the
/// state).
fn explain_subject(out: &mut String, state: &State<'_>, s: &SubjectReport, whole: &Whole<'_, '_>) {
    out.push('\n');

    let label = s
        .label
        .as_ref()
        .map(|l| format!(" — {l}"))
        .unwrap_or_default();
    let _ = writeln!(*out, "{}{}", s.subject, one_line(&label));
    if !s.aliases.is_empty() {
        let names: Vec<&str> = s.aliases.iter().map(|a| a.as_str()).collect();
        let _ = writeln!(*out, "also recorded as: {}", names.join(", "));
    }
    let window = match (s.window_days, s.window_set) {
        (0, _) => "none".into(),
        (d, true) => format!("P{d}D"),
        (d, false) => format!("P{d}D (the default for a {})", kind_words(s.kind)),
    };
    let as_of = s
        .as_of
        .map_or("no as_of (a quantity that does not change)".into(), |p| {
            p.to_string()
        });
    let _ = writeln!(
        *out,
        "unit {}; tolerance {}; comparison window {window}; as of {as_of}",
        s.unit,
        tolerance_text(s.tolerance)
    );
    if !s.other_units.is_empty() {
        let _ = writeln!(
            *out,
            "claims in other units ({}) are never compared with these",
            s.other_units.join(", ")
        );
    }
    let _ = writeln!(
        *out,
        "figure: {} — {}",
        figure_text(s.figure.as_ref(), &s.unit),
        status_sentence(s)
    );
    for (iv, origins) in &s.candidates {
        let _ = writeln!(*out, "  candidate {iv}: {}", origins.join("; "));
    }
    weights_block(s, out);
    if let Some(d) = &s.derived {
        let from: Vec<String> = d.from.iter().map(|x| format!("#{x}")).collect();
        let _ = writeln!(*out, "derived as {}, from {}", d.how, from.join(", "));
    }
    if let Some(c) = &s.series {
        let _ = writeln!(*out, "series: {}", series_sentence(c));
    }
    if let Some(p) = &s.parts {
        let verdict = match p.relation {
            Some(Relation::Agrees) => "checked by its parts: ",
            Some(Relation::Consistent) => "consistent with its parts: ",
            Some(_) => "contested by its parts: ",
            None => "",
        };
        let _ = writeln!(*out, "parts: {verdict}{}", one_line(&p.reason));
    }
    for p in &s.part_of {
        let verdict = match p.relation {
            Relation::Agrees => "checked in its sum: ",
            Relation::Consistent => "consistent with its sum: ",
            _ => "contested by its sum: ",
        };
        let _ = writeln!(
            *out,
            "part of {}: {verdict}{}",
            p.whole,
            one_line(&p.reason)
        );
    }
    let mut scopes: Vec<(String, u64)> = s
        .claims
        .iter()
        .filter(|a| a.counts())
        .map(|a| {
            (
                state.claims[a.index]
                    .claim
                    .scope
                    .as_deref()
                    .unwrap_or("(none)")
                    .to_owned(),
                a.seq,
            )
        })
        .collect();
    scopes.sort();
    let mut distinct: Vec<&str> = scopes.iter().map(|(sc, _)| sc.as_str()).collect();
    distinct.dedup();
    if distinct.len() > 1 {
        let listed: Vec<String> = scopes
            .iter()
            .map(|(sc, seq)| format!("\"{sc}\" (#{seq})"))
            .collect();
        let _ = writeln!(*out, "scopes differ: {}", listed.join(", "));
    }
    for (title, pick) in [("support", 0), ("dissent", 1), ("not counted", 2)] {
        let items: Vec<&Assessed> = s
            .claims
            .iter()
            .filter(|a| match pick {
                0 => a.supports(),
                1 => a.dissents(),
                _ => !a.counts() && !a.dissents(),
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(*out, "{title}:");
        for a in items {
            claim_block(state, s, a, whole, out);
        }
    }
    pairwise(state, s, out);
}

/// [`explain`]'s text of a lean state (one without whole claims): a batch of subjects at a
/// time, `fetch` reads the words of the claims the batch shows and the batch is written.
/// The same bytes as [`explain`] of a state that holds every claim.
pub fn explain_fetching<E: Send>(
    state: &State<'_>,
    r: &Reconciliation,
    fetch: &Fetch<'_, E>,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let frame = Frame {
        open: position_line(r),
        close_empty: String::new(),
        close: String::new(),
        items_in_json: false,
    };
    let write = |s: &SubjectReport, whole: &Whole<'_, '_>, out: &mut String| {
        explain_subject(out, state, s, whole);
    };
    batches_fetching(&r.subjects, &frame, fetch, &subject_claims, &write, emit)
}

/// Relations between the distinct figures stated, when there are few enough to list.
fn pairwise(state: &State<'_>, s: &SubjectReport, out: &mut String) {
    // The first claim of each distinct figure, in order (a set keeps this linear).
    let mut seen = std::collections::HashSet::new();
    let firsts: Vec<&Assessed> = s
        .claims
        .iter()
        .filter(|a| a.counts() || matches!(a.excluded, Some(Excluded::Modality(_))))
        .filter(|a| seen.insert(a.interval))
        .collect();
    if firsts.len() < 2 {
        return;
    }
    if firsts.len() > 12 {
        let _ = writeln!(
            out,
            "between the claims: {} distinct figures; each is related to the figure above",
            firsts.len()
        );
        return;
    }
    let _ = writeln!(out, "between the claims:");
    for (i, a) in firsts.iter().enumerate() {
        for b in &firsts[i + 1..] {
            let together = if s.kind == reckon_claim::Kind::Range {
                a.interval == b.interval
            } else {
                a.reach().overlaps(b.reach())
            };
            let (word, how) = match (together, s.kind) {
                (true, reckon_claim::Kind::Range) => ("agree", "are the same range"),
                (true, _) => ("consistent", "overlap"),
                (false, reckon_claim::Kind::Range) => ("contradict", "are different ranges"),
                (false, _) => ("contradict", "are disjoint"),
            };
            let sa = state.claims[a.index].claim.scope.as_deref();
            let sb = state.claims[b.index].claim.scope.as_deref();
            let scope = if sa != sb {
                format!(
                    " (scope: {} / {})",
                    sa.unwrap_or("none"),
                    sb.unwrap_or("none")
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  #{} and #{} {word}: {} and {} {how}{scope}",
                a.seq,
                b.seq,
                with_reach(a),
                with_reach(b)
            );
        }
    }
}

/// The order check of a running total, in words.
fn series_sentence(c: &reckon_reconcile::series::SeriesCheck) -> String {
    if c.out_of_order.is_empty() {
        return format!(
            "a running total; its {} claim{} with a time never decrease",
            c.checked,
            plural(c.checked)
        );
    }
    let pairs: Vec<String> = c
        .out_of_order
        .iter()
        .map(|(a, b)| format!("#{a} is above the later #{b}"))
        .collect();
    let verdict = match (c.outlier, c.removable.as_slice()) {
        (Some(o), _) => format!(
            "removing #{o} restores the order and keeps the most support: it is the outlier"
        ),
        (None, []) => "no single claim's removal restores the order".to_owned(),
        (None, some) => {
            let names: Vec<String> = some.iter().map(|x| format!("#{x}")).collect();
            format!(
                "removing either {} restores the order, and their support weighs the same: the log does not tell which is wrong",
                names.join(" or ")
            )
        }
    };
    format!(
        "a running total, out of order: {}; {verdict}",
        pairs.join(", ")
    )
}

/// A kind of quantity, as a person would say it.
fn kind_words(k: reckon_claim::Kind) -> &'static str {
    match k {
        reckon_claim::Kind::Level => "level that may go up or down",
        reckon_claim::Kind::RunningTotal => "running total",
        reckon_claim::Kind::Range => "range",
    }
}

/// A claim's interval, with the reach of a round figure that may be a rounding.
fn with_reach(a: &Assessed) -> String {
    match &a.rounded {
        Some(r) => format!("{} (round: {r})", a.interval),
        None => a.interval.to_string(),
    }
}

/// `reckon conflicts`: every contradiction with both sides' provenance: claims that exclude
/// their subject's figure, ties between regions, and parts that cannot sum to their whole.
/// JSON: `{"default_tolerance","format","head","position","conflicts":[{"subject","unit","kind",…}]}`,
/// where `kind` is `dissent` (with `figure`, `support` and `dissent`: provenance of each claim,
/// and `weights`: every origin's vote as in `reconcile`), `tie` (with `candidates`: each
/// `region`, its `origins`, the `claims` behind it and its summed `vote`, and `weights`),
/// `parts` (with `reason`, `sum`, `whole_figure`, `whole_claims`, and `parts`: each `subject`,
/// its `figure` and the `claims` behind it), `part` (a part whose sum cannot hold when its
/// whole is not shown: `whole`, `reason`, `rest` (the whole less the other parts), `figure`
/// and `claims`) or `order`. Every side is traced to its entries.
pub fn conflicts(state: &State<'_>, r: &Reconciliation, format: Format) -> String {
    conflicts_counted(state, r, format).0
}

/// [`conflicts`], with how many conflicts it lists (for `reckon conflicts --exit-code`).
pub fn conflicts_counted(state: &State<'_>, r: &Reconciliation, format: Format) -> (String, usize) {
    let (items, mut text, n) = conflict_items(state, r);
    if format == Format::Json {
        return (envelope(r, "conflicts", Json::Array(items)), n);
    }
    if n == 0 {
        text.push_str(NO_CONFLICTS);
    }
    (text, n)
}

/// Every conflict as a JSON item and as text, and how many there are.
fn conflict_items(state: &State<'_>, r: &Reconciliation) -> (Vec<Json>, String, usize) {
    let mut items: Vec<Json> = Vec::new();
    let mut text = position_line(r);
    let mut n = 0;
    let shown = shown_subjects(r);
    for s in &r.subjects {
        if let Some(c) = conflicts_in(r, &shown, s) {
            n += c.count();
            c.write(state, &|_| None, Some(&mut items), Some(&mut text), None);
        }
    }
    (items, text, n)
}

/// The subjects (with their units) a listing covers.
fn shown_subjects(r: &Reconciliation) -> HashSet<(&reckon_claim::Subject, &str)> {
    r.subjects
        .iter()
        .map(|x| (&x.subject, x.unit.as_str()))
        .collect()
}

/// [`Conflicts::of`] `s` in the listing of a whole reconciliation `r` (`shown`: as
/// [`shown_subjects`] of it).
fn conflicts_in<'r>(
    r: &'r Reconciliation,
    shown: &HashSet<(&reckon_claim::Subject, &str)>,
    s: &'r SubjectReport,
) -> Option<Conflicts<'r>> {
    let report_of = |subject: &reckon_claim::Subject, unit: &str| {
        r.subjects
            .iter()
            .find(|x| &x.subject == subject && x.unit == unit)
    };
    Conflicts::of(&report_of, &|w, u| shown.contains(&(w, u)), s)
}

type HashSet<T> = std::collections::HashSet<T>;

/// The conflicts of one subject: a counted claim that excludes its figure (dissent), a tie,
/// a running total out of order, parts whose sum cannot hold, and each whole it is a part of
/// whose sum cannot hold when that whole is not shown (the whole's item lists every part's
/// claims). Chosen before anything is written, so that the claims they show are known first.
struct Conflicts<'r> {
    s: &'r SubjectReport,
    dissent: Vec<&'r Assessed>,
    order: Option<&'r reckon_reconcile::series::SeriesCheck>,
    parts: Option<PartsShown<'r>>,
    sums: Vec<&'r reckon_reconcile::PartOf>,
}

/// Parts whose sum cannot hold, with each part's report when it is in the listing.
type PartsShown<'r> = (
    &'r reckon_reconcile::PartsCheck,
    Vec<(&'r reckon_claim::Subject, Option<&'r SubjectReport>)>,
);

impl<'r> Conflicts<'r> {
    /// `s`'s conflicts, `None` when it has none: `report_of` finds the report of a part of a
    /// sum (among those listed), `shown` says whether a subject (with its unit) is listed.
    fn of(
        report_of: &dyn Fn(&reckon_claim::Subject, &str) -> Option<&'r SubjectReport>,
        shown: &dyn Fn(&reckon_claim::Subject, &str) -> bool,
        s: &'r SubjectReport,
    ) -> Option<Conflicts<'r>> {
        let parts = s
            .parts
            .as_ref()
            .filter(|p| p.relation == Some(reckon_reconcile::Relation::Contradicts))
            .map(|p| {
                let parts = p
                    .parts
                    .iter()
                    .map(|(ps, _)| (ps, report_of(ps, &s.unit)))
                    .collect();
                (p, parts)
            });
        let c = Conflicts {
            s,
            dissent: s.dissent().collect(),
            order: s.series.as_ref().filter(|c| !c.out_of_order.is_empty()),
            parts,
            sums: s
                .part_of
                .iter()
                .filter(|p| {
                    p.relation == Relation::Contradicts && !shown(&p.whole, s.unit.as_str())
                })
                .collect(),
        };
        (c.count() > 0).then_some(c)
    }

    fn dissented(&self) -> bool {
        !self.dissent.is_empty() && self.s.status != Status::Unresolved
    }

    /// How many conflicts: dissent, a tie, an order and parts once each, a whole's sum once
    /// for each whole.
    fn count(&self) -> usize {
        usize::from(self.dissented())
            + usize::from(self.s.status == Status::Unresolved)
            + usize::from(self.order.is_some())
            + usize::from(self.parts.is_some())
            + self.sums.len()
    }

    /// The indexes (into the state's claims) of every claim its items may show: the
    /// subject's, and its parts' when their sum cannot hold.
    fn claims(&self, out: &mut Vec<usize>) {
        out.extend(self.s.claims.iter().map(|a| a.index));
        for (_, pr) in self.parts.iter().flat_map(|(_, parts)| parts) {
            out.extend(pr.iter().flat_map(|x| x.claims.iter().map(|a| a.index)));
        }
    }

    /// Its items, as JSON and as text, each claim's words from `whole` (or else the state).
    fn write(
        &self,
        state: &State<'_>,
        whole: &Whole<'_, '_>,
        mut items: Option<&mut Vec<Json>>,
        mut text: Option<&mut String>,
        mut by_hand: Option<ByHand<'_>>,
    ) {
        let s = self.s;
        let support: Vec<&Assessed> = s.support().collect();
        // In a tie the claims behind the other regions are the other side of the tie.
        if self.dissented() {
            if let Some(ByHand::Csv(out)) = by_hand.as_mut() {
                for a in &self.dissent {
                    push_conflict_row(out, state, s, ("dissent", "dissent"), a, whole);
                }
                for a in &support {
                    push_conflict_row(out, state, s, ("dissent", "support"), a, whole);
                }
            } else if let Some(ByHand::Json(out)) = by_hand.as_mut() {
                // The first item, and the most common: written by hand, as the JSON value
                // below prints.
                out.push_str(",\n    ");
                let mut p = Pretty::at(out, 2);
                p.open('{');
                p.key("dissent");
                write_claims(&mut p, state, s, &mut self.dissent.iter().copied(), whole);
                p.key("figure");
                match &s.figure {
                    Some(iv) => write_interval(&mut p, iv),
                    None => p.null(),
                }
                p.key("kind").str("dissent");
                p.key("subject").str(s.subject.as_str());
                p.key("support");
                write_claims(&mut p, state, s, &mut support.iter().copied(), whole);
                p.key("unit").str(&s.unit);
                p.key("weights");
                write_weights(&mut p, s);
                p.close('}');
            } else if let Some(items) = items.as_deref_mut() {
                items.push(json!({
                    "subject": s.subject.as_str(), "unit": s.unit, "kind": "dissent",
                    "figure": s.figure.as_ref().map(interval_json),
                    "support": support.iter().map(|a| provenance_with(state, s, a, whole)).collect::<Vec<_>>(),
                    "dissent": self.dissent.iter().map(|a| provenance_with(state, s, a, whole)).collect::<Vec<_>>(),
                    "weights": weights_json(s),
                }));
            }
            if let Some(text) = text.as_deref_mut() {
                let _ = writeln!(
                    text,
                    "\n{} ({}): figure {} is contradicted",
                    s.subject,
                    s.unit,
                    figure_text(s.figure.as_ref(), &s.unit)
                );
                if let Some(v) = votes_line(s) {
                    let _ = writeln!(text, "{v}");
                }
                text.push_str("for the figure:\n");
                for a in &support {
                    claim_block(state, s, a, whole, text);
                }
                text.push_str("against it:\n");
                for a in &self.dissent {
                    claim_block(state, s, a, whole, text);
                }
            }
        }
        if s.status == Status::Unresolved {
            // Every side of the tie with the counted claims behind it, as for dissent.
            let side = |iv: &Interval| -> Vec<&Assessed> {
                s.claims
                    .iter()
                    .filter(|a| a.counts() && a.reach().overlaps(iv))
                    .collect()
            };
            if let Some(ByHand::Csv(out)) = by_hand.as_mut() {
                for (iv, _) in &s.candidates {
                    let named = format!("tied {iv}");
                    for a in side(iv) {
                        push_conflict_row(out, state, s, ("tie", &named), a, whole);
                    }
                }
            } else if let Some(ByHand::Json(out)) = by_hand {
                // Written by hand too (after the dissent, as the items print), as the JSON
                // value below prints.
                out.push_str(",\n    ");
                let mut p = Pretty::at(out, 2);
                p.open('{');
                p.key("candidates");
                p.open('[');
                for (iv, o) in &s.candidates {
                    p.item().open('{');
                    p.key("claims");
                    write_claims(&mut p, state, s, &mut side(iv).into_iter(), whole);
                    p.key("origins").value(o);
                    p.key("region");
                    write_interval(&mut p, iv);
                    p.key("vote");
                    match s.weights.is_empty() {
                        true => p.null(),
                        false => p.f64(round4(side_vote(s, o))),
                    }
                    p.close('}');
                }
                p.close(']');
                p.key("kind").str("tie");
                p.key("subject").str(s.subject.as_str());
                p.key("unit").str(&s.unit);
                p.key("weights");
                write_weights(&mut p, s);
                p.close('}');
            } else if let Some(items) = items.as_deref_mut() {
                items.push(json!({
                    "subject": s.subject.as_str(), "unit": s.unit, "kind": "tie",
                    "candidates": s.candidates.iter().map(|(iv, o)| json!({
                        "region": interval_json(iv),
                        "origins": o,
                        "claims": side(iv).iter().map(|a| provenance_with(state, s, a, whole)).collect::<Vec<_>>(),
                        "vote": (!s.weights.is_empty()).then(|| round4(side_vote(s, o))),
                    })).collect::<Vec<_>>(),
                    "weights": weights_json(s),
                }));
            }
            if let Some(text) = text.as_deref_mut() {
                let _ = writeln!(
                    text,
                    "\n{} ({}): {} regions tie for support",
                    s.subject,
                    s.unit,
                    s.candidates.len()
                );
                for (iv, origins) in &s.candidates {
                    let vote = if s.weights.is_empty() {
                        String::new()
                    } else {
                        format!(" (vote {:.2})", side_vote(s, origins))
                    };
                    let _ = writeln!(text, "  {iv}{vote}: {}", one_line(&origins.join("; ")));
                    for a in side(iv) {
                        claim_block(state, s, a, whole, text);
                    }
                }
            }
        }
        if let Some(c) = self.order {
            let mut involved: Vec<u64> = c.out_of_order.iter().flat_map(|&(a, b)| [a, b]).collect();
            involved.sort_unstable();
            involved.dedup();
            let claims: Vec<&Assessed> = s
                .claims
                .iter()
                .filter(|a| involved.binary_search(&a.seq).is_ok())
                .collect();
            if let Some(items) = items.as_deref_mut() {
                items.push(json!({
                    "subject": s.subject.as_str(), "unit": s.unit, "kind": "order",
                    "reason": series_sentence(c),
                    "out_of_order": c.out_of_order.iter().map(|(a, b)| json!({"earlier": a, "later": b})).collect::<Vec<_>>(),
                    "outlier": c.outlier,
                    "claims": claims.iter().map(|a| provenance_with(state, s, a, whole)).collect::<Vec<_>>(),
                }));
            }
            if let Some(text) = text.as_deref_mut() {
                let _ = writeln!(
                    text,
                    "\n{} ({}): {}",
                    s.subject,
                    one_line(&s.unit),
                    series_sentence(c)
                );
                for a in claims {
                    claim_block(state, s, a, whole, text);
                }
            }
        }
        if let Some((p, parts)) = &self.parts {
            // The claims behind the whole's figure and behind each part's, so that both sides
            // of the contradiction can be traced.
            if let Some(items) = items.as_deref_mut() {
                items.push(json!({
                    "subject": s.subject.as_str(), "unit": s.unit, "kind": "parts",
                    "reason": p.reason,
                    "sum": p.sum.as_ref().map(interval_json),
                    "whole_figure": p.whole_figure.as_ref().map(interval_json),
                    "whole_claims": support.iter().map(|a| provenance_with(state, s, a, whole)).collect::<Vec<_>>(),
                    "parts": parts.iter().map(|(ps, pr)| json!({
                        "subject": ps.as_str(),
                        "figure": pr.and_then(|x| x.figure.as_ref()).map(interval_json),
                        "claims": pr.map(|x| x.support().map(|a| provenance_with(state, x, a, whole)).collect::<Vec<_>>()).unwrap_or_default(),
                    })).collect::<Vec<_>>(),
                }));
            }
            if let Some(text) = text.as_deref_mut() {
                let _ = writeln!(
                    text,
                    "\n{} ({}): {}",
                    s.subject,
                    one_line(&s.unit),
                    one_line(&p.reason)
                );
                text.push_str("the whole:\n");
                for a in &support {
                    claim_block(state, s, a, whole, text);
                }
                for (ps, pr) in parts {
                    let _ = writeln!(
                        text,
                        "the part {ps}: {}",
                        figure_text(pr.and_then(|x| x.figure.as_ref()), &s.unit)
                    );
                    if let Some(x) = pr {
                        for a in x.support() {
                            claim_block(state, x, a, whole, text);
                        }
                    }
                }
            }
        }
        for p in &self.sums {
            if let Some(items) = items.as_deref_mut() {
                items.push(json!({
                    "subject": s.subject.as_str(), "unit": s.unit, "kind": "part",
                    "whole": p.whole.as_str(),
                    "reason": p.reason,
                    "rest": p.rest.as_ref().map(interval_json),
                    "figure": s.figure.as_ref().map(interval_json),
                    "claims": support.iter().map(|a| provenance_with(state, s, a, whole)).collect::<Vec<_>>(),
                }));
            }
            if let Some(text) = text.as_deref_mut() {
                let _ = writeln!(
                    text,
                    "\n{} ({}): part of {}: {} (`conflicts {}` shows every part)",
                    s.subject,
                    one_line(&s.unit),
                    p.whole,
                    one_line(&p.reason),
                    p.whole
                );
                text.push_str("this part:\n");
                for a in &support {
                    claim_block(state, s, a, whole, text);
                }
            }
        }
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `reckon graph`: the conflict graph as Graphviz DOT (renders as is) or JSON
/// `{"nodes":[{"id","kind",…}],"edges":[{"from","to","relation"}]}`.
pub fn graph(state: &State<'_>, g: &ConflictGraph, format: Format) -> String {
    let mut out = String::new();
    let _ = graph_into(state, g, format, &mut |t: &str| {
        out.push_str(t);
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

/// [`graph`] written through `emit` a block at a time, never held whole (a log's graph has
/// a node for every claim). The blocks are laid out on all cores, the next batch of them
/// while the calling thread writes this one, in the order a single thread would write them.
pub fn graph_into<E: Send>(
    state: &State<'_>,
    g: &ConflictGraph,
    format: Format,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let label = |n: &Node| match n {
        Node::Claim { seq, index } => {
            let c = &state.claims[*index].claim;
            format!("#{seq} {}\n{}", c.value.stated(), c.origin)
        }
        Node::Cluster(c) => c.interval.to_string(),
        Node::Figure(f) => {
            format!(
                "{}\n{} {}\n{}",
                f.subject,
                figure_text(f.interval.as_ref(), &f.unit),
                f.unit,
                f.status.as_str()
            )
        }
    };
    let (nodes, edges) = (g.raw_nodes(), g.raw_edges());
    if format == Format::Json {
        // serde_json's pretty layout of {"edges": [...], "format": 1, "nodes": [...]}, each
        // item written by hand with its keys in the order a JSON map prints them.
        let listed = |open: String, close: &str| Frame {
            open,
            close_empty: format!("]{close}"),
            close: format!("\n  ]{close}"),
            items_in_json: true,
        };
        let frame = listed("{\n  \"edges\": [".to_owned(), "");
        graph_section(
            edges,
            &frame,
            &|_, e, out| {
                out.push_str(",\n    ");
                let mut p = crate::pretty::Pretty::at(out, 2);
                p.open('{');
                p.key("from").u64(e.source().index() as u64);
                p.key("relation").str(e.weight.as_str());
                p.key("to").u64(e.target().index() as u64);
                p.close('}');
            },
            emit,
        )?;
        let open = format!(",\n  \"format\": {},\n  \"nodes\": [", crate::JSON_FORMAT);
        let frame = listed(open, "\n}\n");
        return graph_section(
            nodes,
            &frame,
            &|id, n, out| {
                out.push_str(",\n    ");
                let id = id as u64;
                let text = label(&n.weight);
                let mut p = crate::pretty::Pretty::at(out, 2);
                p.open('{');
                match &n.weight {
                    Node::Claim { seq, index } => {
                        p.key("hash").hash(&state.claims[*index].hash);
                        p.key("id").u64(id);
                        p.key("kind").str("claim");
                        p.key("label").str(&text);
                        p.key("seq").u64(*seq);
                    }
                    Node::Cluster(c) => {
                        p.key("counted").bool(c.counted);
                        p.key("id").u64(id);
                        p.key("interval").shown(c.interval);
                        p.key("kind").str("cluster");
                        p.key("label").str(&text);
                        p.key("subject").str(c.subject.as_str());
                    }
                    Node::Figure(f) => {
                        p.key("figure").opt_shown(f.interval.as_ref());
                        p.key("id").u64(id);
                        p.key("kind").str("figure");
                        p.key("label").str(&text);
                        p.key("status").str(f.status.as_str());
                        p.key("subject").str(f.subject.as_str());
                        p.key("unit").str(&f.unit);
                    }
                }
                p.close('}');
            },
            emit,
        );
    }
    let plain = |open: &str, close: &str| Frame {
        open: open.to_owned(),
        close_empty: close.to_owned(),
        close: close.to_owned(),
        items_in_json: false,
    };
    let frame = plain(
        "digraph reckon {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
        "",
    );
    graph_section(
        nodes,
        &frame,
        &|id, n, out| {
            let shape = match &n.weight {
                Node::Claim { .. } => "shape=note",
                Node::Cluster(c) if c.counted => "shape=ellipse",
                Node::Cluster(_) => "shape=ellipse, style=dashed",
                Node::Figure(_) => "shape=box, style=bold",
            };
            let _ = writeln!(
                out,
                "  n{id} [{shape}, label=\"{}\"];",
                dot_escape(&label(&n.weight)).replace('\n', "\\n")
            );
        },
        emit,
    )?;
    graph_section(
        edges,
        &plain("", "}\n"),
        &|_, e, out| {
            let style = match e.weight {
                Edge::Agrees => "color=darkgreen",
                Edge::Relation(reckon_reconcile::Relation::Agrees) => "color=darkgreen, penwidth=2",
                Edge::Relation(reckon_reconcile::Relation::Consistent) => {
                    "color=blue, style=dashed"
                }
                Edge::Relation(reckon_reconcile::Relation::Contradicts) => "color=red, penwidth=2",
                Edge::Relation(reckon_reconcile::Relation::DiffersInTime) => {
                    "color=gray, style=dotted"
                }
                Edge::Relation(reckon_reconcile::Relation::OutOfOrder) => "color=red, style=dotted",
                Edge::SameOrigin => "color=orange, style=dotted",
                Edge::PartOf => "color=purple",
            };
            let _ = writeln!(
                out,
                "  n{} -> n{} [{style}, label=\"{}\"];",
                e.source().index(),
                e.target().index(),
                e.weight.as_str()
            );
        },
        emit,
    )
}

/// How many of a graph's nodes or edges one task lays out.
const GRAPH_PER: usize = 2048;

/// `items` written by `write` (given each item's place in `items`) between `frame`'s ends:
/// `GRAPH_PER` items a task, a batch of tasks on all cores while the last batch is emitted.
fn graph_section<T: Sync, E: Send>(
    items: &[T],
    frame: &Frame,
    write: &(dyn Fn(usize, &T, &mut String) + Sync),
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    let per_batch = GRAPH_PER * 2 * rayon::current_num_threads().max(1);
    let mut at = 0;
    stream_framed(
        frame,
        &mut || {
            let from = at;
            at = items.len().min(from + per_batch);
            let batch = items.get(from..at).filter(|b| !b.is_empty())?;
            let task = |(k, block): (usize, &[T])| {
                let mut out = String::new();
                for (j, t) in block.iter().enumerate() {
                    write(from + k * GRAPH_PER + j, t, &mut out);
                }
                out
            };
            Some(Ok(batch
                .par_chunks(GRAPH_PER)
                .enumerate()
                .map(task)
                .collect()))
        },
        emit,
    )
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn a_wide_table_is_cut_to_the_width_with_an_ellipsis_and_a_narrow_one_is_left() {
        let row = |a: &str, b: &str, c: &str| vec![a.to_owned(), b.to_owned(), c.to_owned()];
        let quote = "x".repeat(200);
        let mut rows = vec![
            row("SEQ", "QUOTE", "ORIGIN"),
            row("12", &quote, "Rustem Umerov"),
        ];
        fit(&mut rows, 80);
        let t = table(rows.clone());
        assert!(t.lines().all(|l| l.chars().count() <= 80), "{t}");
        assert!(rows[1][1].ends_with('…'), "{t}");
        assert_eq!(rows[1][2], "Rustem Umerov");
        let mut narrow = vec![row("SEQ", "QUOTE", "ORIGIN"), row("12", "short", "X")];
        let before = narrow.clone();
        fit(&mut narrow, 80);
        assert_eq!(narrow, before);
        // Far too wide for the width: cut as far as the floors allow, never a panic.
        let mut many: Vec<Vec<String>> = vec![(0..30).map(|i| format!("C{i}")).collect()];
        many.push((0..30).map(|_| "y".repeat(40)).collect());
        fit(&mut many, 20);
        assert!(many[1].iter().all(|c| c.chars().count() == 12), "{many:?}");
    }

    /// A table long enough to be measured and laid out in blocks on all cores is the same
    /// text as one laid out row by row: the widest cell of a column may be in any block
    /// (here, in the last one), rows may be short, and cells wider in bytes than in
    /// characters are padded by characters.
    #[test]
    fn a_long_table_laid_out_in_blocks_is_the_table_laid_out_row_by_row() {
        let n = TABLE_BLOCK * 3 + 17;
        let mut rows: Vec<Vec<String>> = vec![vec!["A".into(), "B".into(), "C".into()]];
        for i in 0..n {
            let mut r = vec![
                format!("s{i}"),
                "é".repeat(i % 7),
                format!("{}", i * 31 % 97),
            ];
            if i % 5 == 0 {
                r.truncate(2);
            }
            rows.push(r);
        }
        rows[n - 3][1] = "ü".repeat(40);
        let mut widths = [0usize; 3];
        for r in &rows {
            for (c, cell) in r.iter().enumerate() {
                widths[c] = widths[c].max(cell.chars().count());
            }
        }
        let mut expected = String::new();
        for r in &rows {
            push_row(&mut expected, r, &widths);
        }
        assert_eq!(table(rows.clone()), expected);
        assert_eq!(column_widths(&rows), widths.to_vec());
        assert!(
            table(rows.clone())
                .lines()
                .nth(n - 3)
                .is_some_and(|l| l.contains(&"ü".repeat(40)))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entries of the project's own log (the seed reports), then claims made to exercise
    /// every part of a subject's answer: conflicting origins (votes), a declared prior, a
    /// retraction, a sum of parts, a range, a round figure, and words that need escaping.
    fn rich_entries() -> Vec<reckon_ledger::Entry> {
        let log = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../log/entries.jsonl");
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let mut entries: Vec<reckon_ledger::Entry> = text
            .lines()
            .map(|l| reckon_ledger::decode(l.as_bytes()).unwrap())
            .collect();
        let events = [
            r#"{"type":"define","subject":"t/whole","unit":"people","sum_of":["t/a","t/b"]}"#,
            r#"{"type":"trust","origin":"Ann","prior":0.9,"reason":"a \"good\" record"}"#,
            r#"{"type":"claim","subject":"t/a","value":"100","unit":"people","said_on":"2025-03","speaker":"Ann","quote":"tab\there, \u0001 and \u202e and \\ and é"}"#,
            r#"{"type":"claim","subject":"t/a","value":"about 100","unit":"people","said_on":"2025-03","speaker":"Bob","role":"clerk","publisher":"Daily"}"#,
            r#"{"type":"claim","subject":"t/a","value":"150","unit":"people","said_on":"2025-03","publisher":"Weekly","url":"https://x.example/?a=1&b=\"2\""}"#,
            r#"{"type":"claim","subject":"t/b","value":"between 20 and 30","unit":"people","said_on":"2025-03","speaker":"Cy","cites":"Ann","as_of":"2025-02"}"#,
            r#"{"type":"claim","subject":"t/whole","value":"500","unit":"people","said_on":"2025-04","speaker":"Dee","title":"Line\nbreak","document":"doc.txt"}"#,
            r#"{"type":"claim","subject":"t/whole","value":"125","unit":"people","said_on":"2025-04","speaker":"Eve","modality":"expected"}"#,
            r#"{"type":"claim","subject":"t/c","value":"2,000","unit":"people","said_on":"2025-05","speaker":"Fay","scope":"civilians"}"#,
            r#"{"type":"claim","subject":"t/c","value":"2,600","unit":"people","said_on":"2025-05","speaker":"Gus"}"#,
            // A tie: two origins, two figures, equal support.
            r#"{"type":"claim","subject":"t/tie","value":"10","unit":"people","said_on":"2025-05","speaker":"Hal","publisher":"Post, Evening","quote":"ten \"or so\""}"#,
            r#"{"type":"claim","subject":"t/tie","value":"20","unit":"people","said_on":"2025-05","speaker":"Ida"}"#,
        ];
        for json in events {
            let event: reckon_claim::Event = serde_json::from_str(json).unwrap();
            let seq = entries.len() as u64 + 1;
            let prev = entries.last().map_or(reckon_ledger::GENESIS, |e| e.hash);
            let at = reckon_claim::Timestamp::from_unix(1_750_000_000 + seq as i64);
            let (line, _) = reckon_ledger::encode(seq, &prev, at, &event).unwrap();
            entries.push(reckon_ledger::decode(&line[..line.len() - 1]).unwrap());
        }
        // A retraction of Gus's claim, by its hash (the tie's two claims follow it).
        let gus = entries[entries.len() - 3].hash;
        let event = reckon_claim::Event::Retract {
            claim: gus,
            reason: "misread".into(),
        };
        let seq = entries.len() as u64 + 1;
        let prev = entries.last().unwrap().hash;
        let (line, _) = reckon_ledger::encode(
            seq,
            &prev,
            reckon_claim::Timestamp::from_unix(1_760_000_000),
            &event,
        )
        .unwrap();
        entries.push(reckon_ledger::decode(&line[..line.len() - 1]).unwrap());
        entries
    }

    /// The graph's JSON, written item by item by hand, is serde_json's pretty printing of the
    /// same graph made into a JSON value: with every kind of node, a figure with no interval,
    /// a cluster that does not count and labels that need escaping; and with enough nodes
    /// and edges to be laid out in several batches, the DOT lists them all in order.
    #[test]
    fn the_graphs_json_is_its_json_value_pretty_printed() {
        use petgraph::visit::EdgeRef;
        use reckon_reconcile::graph::{Cluster, Edge, Figure, Node};
        let entries = rich_entries();
        let state = State::fold(&entries, None);
        let r = reckon_reconcile::reconcile(&state, None, &reckon_reconcile::Options::default());
        let mut g = reckon_reconcile::graph::build(&r);
        let some = g.node_indices().next().unwrap();
        let subject = reckon_claim::Subject::parse("t/odd-name").unwrap();
        let figure = g.add_node(Node::Figure(Box::new(Figure {
            subject: subject.clone(),
            unit: "people \\ each".into(),
            interval: None,
            status: r.subjects[0].status,
        })));
        let cluster = g.add_node(Node::Cluster(Box::new(Cluster {
            subject,
            interval: reckon_claim::Interval::point(reckon_claim::Num::from_int(7)),
            counted: false,
        })));
        g.add_edge(cluster, figure, Edge::PartOf);
        g.add_edge(some, cluster, Edge::SameOrigin);
        // Enough nodes and edges that both lists are laid out in several batches of tasks.
        let batches = 3 * GRAPH_PER * 2 * rayon::current_num_threads().max(1) + 1;
        for k in 0..batches {
            let more = g.add_node(Node::Cluster(Box::new(Cluster {
                subject: reckon_claim::Subject::parse(&format!("t/many/{k}")).unwrap(),
                interval: reckon_claim::Interval::point(reckon_claim::Num::from_int(k as i64)),
                counted: k % 2 == 0,
            })));
            g.add_edge(more, figure, Edge::Agrees);
        }
        let mut text = String::new();
        graph_into(&state, &g, Format::Json, &mut |t: &str| {
            text.push_str(t);
            Ok::<_, ()>(())
        })
        .unwrap();
        // The same graph as a JSON value, as the writer made it before it wrote by hand (the
        // labels, made as the DOT makes them, taken from what was written: printed again by
        // serde_json, they must come out escaped the same way).
        let written: Json = serde_json::from_str(&text).unwrap();
        let labels: Vec<String> = (0..g.node_count())
            .map(|i| written["nodes"][i]["label"].as_str().unwrap().to_owned())
            .collect();
        let nodes: Vec<Json> = g
            .node_indices()
            .map(|i| {
                let mut j = match &g[i] {
                    Node::Claim { seq, index } => {
                        json!({"kind": "claim", "seq": seq, "hash": state.claims[*index].hash.to_hex()})
                    }
                    Node::Cluster(c) => {
                        json!({"kind": "cluster", "subject": c.subject.as_str(), "interval": c.interval.to_string(), "counted": c.counted})
                    }
                    Node::Figure(f) => {
                        json!({"kind": "figure", "subject": f.subject.as_str(), "unit": f.unit, "figure": f.interval.map(|i| i.to_string()), "status": f.status.as_str()})
                    }
                };
                j["id"] = json!(i.index());
                j["label"] = json!(labels[i.index()]);
                j
            })
            .collect();
        let edges: Vec<Json> = g
            .edge_references()
            .map(|e| json!({"from": e.source().index(), "to": e.target().index(), "relation": e.weight().as_str()}))
            .collect();
        let value = json!({"edges": edges, "format": crate::JSON_FORMAT, "nodes": nodes});
        assert_eq!(text, serde_json::to_string_pretty(&value).unwrap() + "\n");
        assert!(text.contains("\"figure\": null") && text.contains("\"counted\": false"));
        // The DOT: every node's line in order of id, then every edge's in the graph's order.
        let dot = graph(&state, &g, Format::Human);
        let lines: Vec<&str> = dot.lines().collect();
        let (n, m) = (g.node_count(), g.edge_count());
        assert_eq!(
            lines.len(),
            4 + n + m + 1,
            "header, nodes, edges, closing brace"
        );
        for i in 0..n {
            assert!(
                lines[4 + i].starts_with(&format!("  n{i} [")),
                "{}",
                lines[4 + i]
            );
        }
        for (k, e) in g.edge_references().enumerate() {
            let (a, b) = (e.source().index(), e.target().index());
            assert!(lines[4 + n + k].starts_with(&format!("  n{a} -> n{b} [")));
        }
        assert_eq!(lines.last(), Some(&"}"));
    }

    /// The listings written a batch at a time (`conflicts_fetching`, `explain_fetching`) are
    /// the listings made whole, in every format, when the state holds every claim (the
    /// words a batch reads then come from the state); so are the graph's streamed blocks.
    #[test]
    fn listings_written_a_batch_at_a_time_are_the_whole_listings() {
        let entries = rich_entries();
        let state = State::fold(&entries, None);
        let r = reckon_reconcile::reconcile(&state, None, &reckon_reconcile::Options::default());
        let fetch = |_: &[usize], show: &mut Show<'_>| Ok::<_, ()>(show(&[]));
        type Emit<'e> = dyn FnMut(&str) -> Result<(), ()> + 'e;
        let streamed = |write: &mut dyn FnMut(&mut Emit<'_>)| {
            let mut out = String::new();
            write(&mut |t: &str| {
                out.push_str(t);
                Ok(())
            });
            out
        };
        for (format, csv) in [
            (Format::Human, false),
            (Format::Json, false),
            (Format::Human, true),
        ] {
            let mut listed = 0;
            let text = streamed(&mut |emit| {
                listed =
                    conflicts_fetching(&state, &r, format, csv, &fetch, &mut { emit }).unwrap();
            });
            let (whole, n) = if csv {
                conflicts_csv(&state, &r)
            } else {
                conflicts_counted(&state, &r, format)
            };
            assert_eq!(text, whole, "{format:?} csv {csv}");
            assert_eq!(listed, n);
            assert!(n > 0);
        }
        // Written as the reports are made (never all held), for every subject and for
        // patterns that leave out a whole (its part lists the sum) or the parts (the whole
        // lists them without their reports): the listing of the whole reconciliation.
        let opts = reckon_reconcile::Options::default();
        for pattern in [None, Some("t/a"), Some("t/whole"), Some("t/*")] {
            let pattern = pattern.map(reckon_reconcile::Pattern::new);
            let r = reckon_reconcile::reconcile(&state, pattern.as_ref(), &opts);
            let reports = || reckon_reconcile::reconcile_reports(&state, pattern.as_ref(), &opts);
            for (format, csv) in [
                (Format::Human, false),
                (Format::Json, false),
                (Format::Human, true),
            ] {
                let mut listed = 0;
                let text = streamed(&mut |emit| {
                    listed = conflicts_reports_fetching(
                        &state,
                        &mut reports(),
                        format,
                        csv,
                        &fetch,
                        &mut { emit },
                    )
                    .unwrap();
                });
                let (whole, n) = if csv {
                    conflicts_csv(&state, &r)
                } else {
                    conflicts_counted(&state, &r, format)
                };
                assert_eq!(text, whole, "{pattern:?} {format:?} csv {csv}");
                assert_eq!(listed, n, "{pattern:?}");
                assert!(n > 0, "{pattern:?}");
            }
            let text = streamed(&mut |emit| {
                explain_reports_fetching(&state, &mut reports(), &fetch, &mut { emit }).unwrap()
            });
            assert_eq!(text, explain(&state, &r, Format::Human), "{pattern:?}");
            // The reviews (`export --format claimreview`), each subject's from its report
            // as it is made: those of the whole reconciliation.
            let each = |s: &SubjectReport, v: &reckon_formats::claimreview::Reviewed<'_>| {
                let claims: Vec<String> = v
                    .claims
                    .iter()
                    .map(|c| format!("{} {} {:?} {:?}", c.seq, c.relation, c.speaker, c.quote))
                    .collect();
                format!(
                    "{} {} {}: {}\n",
                    s.subject,
                    v.status,
                    v.settled,
                    claims.join("; ")
                )
            };
            let text = streamed(&mut |emit| {
                reports_reviewed_fetching(&state, &mut reports(), &fetch, &each, &mut { emit })
                    .unwrap()
            });
            let whole = streamed(&mut |emit| {
                subjects_reviewed_fetching(&state, &r, &fetch, &each, &mut { emit }).unwrap()
            });
            assert_eq!(text, whole, "{pattern:?}");
            assert!(!r.subjects.is_empty(), "{pattern:?}");
            for s in &r.subjects {
                assert!(
                    text.contains(&format!("{} ", s.subject)),
                    "{pattern:?}: {text}"
                );
            }
        }
        let text =
            streamed(&mut |emit| explain_fetching(&state, &r, &fetch, &mut { emit }).unwrap());
        assert_eq!(text, explain(&state, &r, Format::Human));
        let g = reckon_reconcile::graph::build(&r);
        for format in [Format::Human, Format::Json] {
            let text = streamed(&mut |emit| graph_into(&state, &g, format, &mut { emit }).unwrap());
            assert!(text.len() > 1000, "{format:?}");
            if format == Format::Json {
                // The hand-made layout is serde_json's pretty printing of the same value.
                let value: Json = serde_json::from_str(&text).unwrap();
                assert_eq!(
                    text,
                    format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
                );
            }
        }
        // With no conflict: the text says so, and the JSON list is empty.
        let quiet = reckon_reconcile::Reconciliation {
            subjects: Vec::new(),
            ..r
        };
        for format in [Format::Human, Format::Json] {
            let text = streamed(&mut |emit| {
                conflicts_fetching(&state, &quiet, format, false, &fetch, &mut { emit }).unwrap();
            });
            assert_eq!(text, conflicts_counted(&state, &quiet, format).0);
        }
    }

    /// Every subject's answer written by hand is byte for byte what serde_json prints for the
    /// answer as a JSON value, nested as deep; and the whole streamed answer is the whole
    /// answer printed at once.
    #[test]
    fn a_subject_written_by_hand_is_the_json_value_printed() {
        let entries = rich_entries();
        let state = State::fold(&entries, None);
        let r = reckon_reconcile::reconcile(&state, None, &reckon_reconcile::Options::default());
        let mut seen = [false; 5];
        for s in &r.subjects {
            let mut hand = String::new();
            write_subject(&mut hand, 2, &state, s, &|_| None);
            let mut printed = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut printed, Nested::at(2));
            serde::Serialize::serialize(&subject_json(&state, s), &mut ser).unwrap();
            assert_eq!(
                hand,
                String::from_utf8(printed).unwrap(),
                "{}",
                s.subject.as_str()
            );
            seen[0] |= !s.weights.is_empty();
            seen[1] |= s.weights.iter().any(|w| w.declared.is_some());
            seen[2] |= s.parts.is_some() || !s.part_of.is_empty();
            seen[3] |= s.claims.iter().any(|a| a.rounded.is_some());
            seen[4] |= s.claims.iter().any(|a| !a.counts());
        }
        // The answers compared hold each part that is written by hand.
        assert_eq!(seen, [true; 5]);
        let mut streamed = String::new();
        reconcile_into(&state, &r, Format::Json, &mut |t: &str| {
            streamed.push_str(t);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(streamed, reconcile(&state, &r, Format::Json));
    }

    /// Counts are told from measures by the unit's words: a measure alone, in the plural, or
    /// as the first or last word of a longer unit; a word that merely contains one is a count.
    #[test]
    fn a_unit_counts_whole_things_unless_a_word_of_it_is_a_measure() {
        for count in [
            "people",
            "prisoners",
            "bodies",
            "person-days",
            "dayshifts",
            "tonnes-ish",
        ] {
            assert!(counts_whole_things(count), "{count}");
        }
        for measure in [
            "hours",
            "Percent",
            "percentage points",
            "square km",
            "km of road",
            "cubic metres",
            " usd ",
        ] {
            assert!(!counts_whole_things(measure), "{measure}");
        }
    }

    /// Streaming the subjects writes exactly what serialising the whole answer writes, for
    /// no item, one, and several (nested values, strings holding escaped newlines).
    #[test]
    fn streamed_json_is_byte_for_byte_the_whole_value() {
        let r = Reconciliation {
            position: 7,
            head: None,
            subjects: Vec::new(),
            records: Default::default(),
        };
        let item = |i: u64| json!({"subject": format!("a/{i}"), "nested": {"list": [1, 2, {"x": "two\nlines"}], "empty": []}, "n": i});
        for n in [0u64, 1, 3, 40, 3000] {
            let items: Vec<Json> = (0..n).map(item).collect();
            let whole = envelope(&r, "subjects", Json::Array(items.clone()));
            let mut streamed = String::new();
            let mut chunks = items.chunks(BATCH_PER_CORE);
            stream_batches(
                (r.position, r.head),
                &mut || {
                    let group = chunks.next()?;
                    Some(Ok(write_batch(group, &|j, out| {
                        Pretty::at(out, 2).value(j)
                    })))
                },
                &mut |s: &str| {
                    streamed.push_str(s);
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
            assert_eq!(streamed, whole, "{n} items");
        }
    }
}
