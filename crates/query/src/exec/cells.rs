//! Cells of an answer: what each field of a claim or a figure shows, and how it sorts.

use super::*;

/// One cell of an answer: its text, and how it sorts.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// A whole number.
    Int(u64),
    /// Text.
    Text(String),
    /// A figure: its text and the interval it sorts by (boxed: an answer may hold millions
    /// of cells, and most are not figures).
    Figure(String, Box<Interval>),
    /// A date or period.
    Date(Period),
}

impl Cell {
    /// How it sorts: numbers, then figures, dates and text; borrowed, so that a sort of a
    /// million rows copies no text.
    pub(super) fn key(&self) -> (u8, i128, i128, &str) {
        match self {
            Cell::Empty => (9, 0, 0, ""),
            Cell::Int(n) => (0, i128::from(*n), 0, ""),
            Cell::Figure(_, iv) => (
                1,
                iv.lo().at.millionths(),
                iv.hi().map_or(i128::MAX, |h| h.at.millionths()),
                "",
            ),
            Cell::Date(p) => (
                2,
                i128::from(p.start().days_since_epoch()),
                i128::from(p.end().days_since_epoch()),
                "",
            ),
            Cell::Text(t) => (3, 0, 0, t),
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

pub(super) const CLAIM_COLUMNS: &[Field] = &[
    Field::Seq,
    Field::Subject,
    Field::Value,
    Field::Unit,
    Field::Origin,
    Field::SaidOn,
    Field::State,
];

pub(super) const FIGURE_FIELDS: &[Field] = &[
    Field::Subject,
    Field::Unit,
    Field::Value,
    Field::Status,
    Field::Support,
    Field::Dissent,
    Field::AsOf,
];

pub(super) fn opt_text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, |t| Cell::Text(t.to_owned()))
}

pub(super) fn claim_status(r: &Recorded<'_>) -> &'static str {
    if r.retracted().is_some() {
        "retracted"
    } else if r.superseded_by().is_some() {
        "superseded"
    } else {
        "live"
    }
}

pub(super) fn tolerance_of(state: &State<'_>, r: &Recorded<'_>) -> Tolerance {
    state
        .defs
        .get(state.canonical(&r.claim.subject))
        .and_then(|d| d.tolerance)
        .unwrap_or(Tolerance::DEFAULT)
}

/// A claim's cell for a field.
pub(super) fn claim_cell(state: &State<'_>, r: &Recorded<'_>, f: Field) -> Cell {
    let c = &r.claim;
    let d = r.full;
    match f {
        Field::Seq => Cell::Int(r.seq),
        Field::Hash => Cell::Text(r.hash.to_hex()),
        Field::Subject => Cell::Text(c.subject.to_string()),
        Field::Value => match c.value.value().interval(tolerance_of(state, r)) {
            Some(iv) => Cell::Figure(c.value.stated().to_owned(), Box::new(iv)),
            None => Cell::Text(c.value.stated().to_owned()),
        },
        Field::Unit => Cell::Text(c.unit.to_string()),
        Field::Scope => opt_text(c.scope.as_deref()),
        Field::AsOf => c.as_of.map_or(Cell::Empty, Cell::Date),
        Field::SaidOn => Cell::Date(c.said_on),
        Field::Origin => Cell::Text(c.origin.to_string()),
        Field::Modality => Cell::Text(c.modality.as_str().to_owned()),
        Field::Status | Field::State => Cell::Text(claim_status(r).to_owned()),
        Field::Support | Field::Dissent => Cell::Empty,
        words => word_cell(d.map(reckon_claim::Claim::words).as_ref(), words),
    }
}

/// The cell of one of a claim's words (a field only its whole entry holds: who said it,
/// where, in what words), `d` being the whole claim when it is at hand.
pub(super) fn word_cell(d: Option<&reckon_claim::ClaimWords<'_>>, f: Field) -> Cell {
    let Some(d) = d else {
        return if f == Field::Tag {
            Cell::Text(String::new())
        } else {
            Cell::Empty
        };
    };
    let text = match f {
        Field::Speaker => &d.speaker,
        Field::Role => &d.role,
        Field::Cites => &d.cites,
        Field::Publisher => &d.publisher,
        Field::Document => &d.document,
        Field::Url => &d.url,
        Field::Title => &d.title,
        Field::Quote => &d.quote,
        Field::Tag => return Cell::Text(d.tags.join(", ")),
        _ => return Cell::Empty,
    };
    opt_text(text.as_deref())
}

pub(super) fn figure_text(f: Option<&Interval>) -> String {
    match f {
        Some(iv) if iv.is_point() => iv.lo().at.to_string(),
        Some(iv) => iv.to_string(),
        None => "-".into(),
    }
}

pub(super) fn figure_cell(s: &SubjectReport, f: Field) -> Cell {
    match f {
        Field::Subject => Cell::Text(s.subject.to_string()),
        Field::Unit => Cell::Text(s.unit.clone()),
        Field::Value => match s.figure {
            Some(iv) => Cell::Figure(figure_text(Some(&iv)), Box::new(iv)),
            None => Cell::Text("-".into()),
        },
        Field::Status => Cell::Text(s.status.as_str().to_owned()),
        Field::AsOf => s.as_of.map_or(Cell::Empty, Cell::Date),
        Field::Support => Cell::Int(s.support_origins() as u64),
        Field::Dissent => Cell::Int(s.dissent().count() as u64),
        _ => Cell::Empty,
    }
}
