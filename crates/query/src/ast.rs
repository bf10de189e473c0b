//! The syntax tree of a query, and its canonical text.

use reckon_claim::{Period, Value};
use std::fmt;

/// A whole query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// What is asked for.
    pub source: Source,
    /// Which items.
    pub filter: Option<Expr>,
    /// The log position to answer at (`None`: the head).
    pub at: Option<u64>,
    /// Only claims said on or before this date count (`None`: all).
    pub known: Option<Period>,
    /// The time the figures should describe (`None`: the latest `as_of` of each subject).
    pub valid: Option<Period>,
    /// Steps applied to the result, in order.
    pub steps: Vec<Step>,
}

/// What a query asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Claims.
    Claims,
    /// Reconciled figures, optionally of subjects matching a pattern.
    Figures(Option<String>),
    /// Contradictions, optionally of subjects matching a pattern.
    Conflicts(Option<String>),
    /// Where a claim or a figure comes from.
    Provenance(Target),
}

/// What `provenance` is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A claim by log sequence number.
    Seq(u64),
    /// A claim by (a prefix of) its entry hash.
    Hash(String),
    /// A subject's figure.
    Subject(String),
}

/// A field of a claim or a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Log sequence number.
    Seq,
    /// Subject path.
    Subject,
    /// The figure (as an interval).
    Value,
    /// Unit.
    Unit,
    /// Scope.
    Scope,
    /// Time the figure describes.
    AsOf,
    /// When it was said.
    SaidOn,
    /// Speaker.
    Speaker,
    /// Speaker's role.
    Role,
    /// What the speaker cites.
    Cites,
    /// Publisher.
    Publisher,
    /// Origin (cites, else speaker, else publisher).
    Origin,
    /// Source document.
    Document,
    /// The source's address.
    Url,
    /// The source's title.
    Title,
    /// A tag.
    Tag,
    /// Asserted, expected or denied.
    Modality,
    /// The exact quote.
    Quote,
    /// A figure's status (for claims: live, retracted or superseded).
    Status,
    /// A claim's state: live, retracted or superseded.
    State,
    /// A figure's supporting origins.
    Support,
    /// A figure's dissenting claims.
    Dissent,
    /// Entry hash.
    Hash,
}

/// Every field, with its name, in the order they are listed in errors.
pub const FIELDS: &[(&str, Field)] = &[
    ("as_of", Field::AsOf),
    ("cites", Field::Cites),
    ("dissent", Field::Dissent),
    ("document", Field::Document),
    ("hash", Field::Hash),
    ("modality", Field::Modality),
    ("origin", Field::Origin),
    ("publisher", Field::Publisher),
    ("quote", Field::Quote),
    ("role", Field::Role),
    ("said_on", Field::SaidOn),
    ("scope", Field::Scope),
    ("seq", Field::Seq),
    ("speaker", Field::Speaker),
    ("state", Field::State),
    ("status", Field::Status),
    ("support", Field::Support),
    ("subject", Field::Subject),
    ("tag", Field::Tag),
    ("title", Field::Title),
    ("unit", Field::Unit),
    ("url", Field::Url),
    ("value", Field::Value),
];

impl Field {
    /// The field's name in the language.
    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }

    /// What kind of literal it is compared with.
    pub fn kind(self) -> Kind {
        match self {
            Field::Seq | Field::Support | Field::Dissent => Kind::Number,
            Field::Value => Kind::Figure,
            Field::AsOf | Field::SaidOn => Kind::Date,
            _ => Kind::Text,
        }
    }
}

/// The kind of literal a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number.
    Number,
    /// A figure (`5000`, `"about 10,000"`, `300..400`).
    Figure,
    /// A date or period.
    Date,
    /// Text.
    Text,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `~`: matches a glob (`*`, `?`) or, for subjects, a prefix ending in `/`.
    Like,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `overlaps`
    Overlaps,
    /// `contains`
    Contains,
}

impl Op {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Like => "~",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Overlaps => "overlaps",
            Op::Contains => "contains",
        }
    }
}

/// A literal, already read as the kind its field takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    /// A whole number.
    Number(u64),
    /// A figure.
    Figure(Value),
    /// A date or period.
    Date(Period),
    /// Text.
    Text(String),
}

/// A filter expression. A chain of `and` (or of `or`) is one node holding its terms in order,
/// so a chain of any length is walked in a loop: only brackets and `not`, which the parser
/// bounds at [`crate::MAX_DEPTH`], make the tree deeper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// Every term holds (at least two terms; a term is never an unbracketed `and` or `or`).
    And(Vec<Expr>),
    /// Some term holds (at least two terms; a term is never an unbracketed `or`).
    Or(Vec<Expr>),
    /// Not.
    Not(Box<Expr>),
    /// `field op literal`.
    Cmp(Field, Op, Literal),
}

impl Expr {
    /// Whether any comparison in the expression is about one of `fields`.
    pub fn mentions(&self, fields: &[Field]) -> bool {
        match self {
            Expr::And(terms) | Expr::Or(terms) => terms.iter().any(|t| t.mentions(fields)),
            Expr::Not(e) => e.mentions(fields),
            Expr::Cmp(f, _, _) => fields.contains(f),
        }
    }
}

/// A step after the selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Order by a field, descending when `true`.
    Sort(Field, bool),
    /// Keep the first N.
    Limit(u64),
    /// The fields to show, in order.
    Show(Vec<Field>),
    /// Only the number of items.
    Count,
    /// With `count` after it: how many items have each value of the field.
    Group(Field),
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Figure(v) => write!(f, "{}", quote(&v.to_string())),
            Literal::Date(p) => write!(f, "{p}"),
            Literal::Text(t) => f.write_str(&quote(t)),
        }
    }
}

/// Binding strength, for printing the fewest brackets that keep the meaning.
fn level(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 0,
        Expr::And(..) => 1,
        Expr::Not(_) | Expr::Cmp(..) => 2,
    }
}

struct Bracketed<'a>(&'a Expr, u8);

impl fmt::Display for Bracketed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if level(self.0) < self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Terms joined by `word`, each bracketed unless it binds tighter than `min`.
fn chain(f: &mut fmt::Formatter<'_>, terms: &[Expr], word: &str, min: u8) -> fmt::Result {
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            write!(f, " {word} ")?;
        }
        write!(f, "{}", Bracketed(t, min))?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A term that is itself a chain of the same word keeps its brackets, so that the
            // printed text reads back to the same tree.
            Expr::Or(terms) => chain(f, terms, "or", 1),
            Expr::And(terms) => chain(f, terms, "and", 2),
            Expr::Not(a) => write!(f, "not {}", Bracketed(a, 2)),
            Expr::Cmp(field, op, lit) => write!(f, "{} {} {lit}", field.name(), op.text()),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Sort(field, false) => write!(f, "sort {}", field.name()),
            Step::Sort(field, true) => write!(f, "sort {} desc", field.name()),
            Step::Limit(n) => write!(f, "limit {n}"),
            Step::Show(fields) => {
                let names: Vec<&str> = fields.iter().map(|x| x.name()).collect();
                write!(f, "show {}", names.join(", "))
            }
            Step::Count => f.write_str("count"),
            Step::Group(field) => write!(f, "group by {}", field.name()),
        }
    }
}

impl fmt::Display for Query {
    /// The canonical text: it parses back to the same query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Claims => f.write_str("claims")?,
            Source::Figures(p) => {
                f.write_str("figures")?;
                if let Some(p) = p {
                    write!(f, " {}", quote(p))?;
                }
            }
            Source::Conflicts(p) => {
                f.write_str("conflicts")?;
                if let Some(p) = p {
                    write!(f, " {}", quote(p))?;
                }
            }
            Source::Provenance(Target::Seq(n)) => write!(f, "provenance #{n}")?,
            Source::Provenance(Target::Hash(h)) => write!(f, "provenance {h}")?,
            Source::Provenance(Target::Subject(s)) => write!(f, "provenance {}", quote(s))?,
        }
        if let Some(e) = &self.filter {
            write!(f, " where {e}")?;
        }
        if let Some(n) = self.at {
            write!(f, " at {n}")?;
        }
        if let Some(p) = &self.known {
            write!(f, " known {p}")?;
        }
        if let Some(p) = &self.valid {
            write!(f, " valid {p}")?;
        }
        for s in &self.steps {
            write!(f, " | {s}")?;
        }
        Ok(())
    }
}
