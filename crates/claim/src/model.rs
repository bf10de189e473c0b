//! Claims, subject definitions and the events that the log records.

use crate::date::Period;
use crate::num::Num;
use crate::value::{Tolerance, Value, ValueError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// The name of a quantity: a lowercase slash path such as `exchange/2025-05-23/returned`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject(String);

impl Subject {
    /// Checks the path: non-empty segments of `a-z`, `0-9`, `-`, `_` and `.`, split by `/`.
    pub fn parse(s: &str) -> Result<Subject, String> {
        if s.is_empty() {
            return Err(
                "expected a subject like `exchange/2025-05-23/returned`, got an empty text".into(),
            );
        }
        for (i, seg) in s.split('/').enumerate() {
            if seg.is_empty() {
                return Err(format!(
                    "subject `{s}` has an empty segment (segment {})",
                    i + 1
                ));
            }
            if let Some(c) = seg.chars().find(|c| {
                !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
            }) {
                return Err(format!(
                    "subject `{s}` contains `{c}`: subjects are lowercase paths of a-z, 0-9, `-`, `_`, `.` split by `/`"
                ));
            }
        }
        Ok(Subject(s.to_owned()))
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A figure as stated (`at least 8,000`) together with what it means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Figure {
    stated: Box<str>,
    value: Value,
}

impl Figure {
    /// Reads stated words; keeps them exactly (outer spaces trimmed).
    pub fn parse(stated: &str) -> Result<Figure, ValueError> {
        let value = Value::parse(stated)?;
        Ok(Figure {
            stated: stated.trim().into(),
            value,
        })
    }
    /// A figure saved whole by a cache that took its words and its meaning from
    /// [`Figure::parse`], read back without reading the words again: the words kept as
    /// `parse` keeps them, and `value` checked to be one `parse` can give (no negative
    /// number, a range in order, neither `fewer than 0` nor `nearly 0`); `None` otherwise.
    /// That the value is the one the words say is not checked: only a cache whose bytes are
    /// vouched for (a checksum over what reckon wrote, in a directory as trusted as the
    /// program) may use it.
    pub fn saved(stated: &str, value: Value) -> Option<Figure> {
        value.could_be_read().then(|| Figure {
            stated: stated.trim().into(),
            value,
        })
    }

    /// The words as stated.
    pub fn stated(&self) -> &str {
        &self.stated
    }
    /// What they mean.
    pub fn value(&self) -> Value {
        self.value
    }

    /// How far a bare round figure may be from what it rounds, when `precision` reads figures
    /// by their digits: `None` for a figure meant exactly.
    ///
    /// The rule: a figure stated with no qualifier (not `exactly`, not `=`), as a whole number
    /// whose last two or more digits are zeros (`4,000`, `1.2 million`), may be a rounding to
    /// its last non-zero digit, so it reaches half that unit each way (`4,000`: 500), but never
    /// further than an `about` figure would (`tolerance`, 5% unless the subject says
    /// otherwise: `4,000` reaches [3800, 4200]). `4,213`, `390` and `4,000.5` are exact.
    pub fn rounding(&self, precision: Precision, tolerance: Tolerance) -> Option<Num> {
        if precision == Precision::Exact {
            return None;
        }
        let Value::Exact(n) = self.value else {
            return None;
        };
        // The number first: most figures are not round, and their words need not be read.
        let m = n.millionths();
        let one = Num::from_int(1).millionths();
        if m <= 0 || m % one != 0 {
            return None;
        }
        let whole = m / one;
        if whole % 100 != 0 {
            return None;
        }
        let mut unit: i128 = 100;
        while whole % (unit * 10) == 0 {
            unit *= 10;
        }
        let words = self.stated.trim_start();
        let exactly = words
            .get(..7)
            .is_some_and(|w| w.eq_ignore_ascii_case("exactly"));
        if exactly || words.starts_with('=') {
            return None;
        }
        let half = Num::from_millionths(unit / 2 * one);
        let reach = tolerance.amount(n).map_or(half, |t| t.min(half));
        (reach > Num::ZERO).then_some(reach)
    }
}

/// What kind of quantity a subject is, which decides how claims about different times compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A level that may go up or down (a number held captive): claims compare with the
    /// figure when their times are within the comparison window, [`Kind::LEVEL_WINDOW`] days
    /// unless the definition sets one; further apart, they differ in time.
    #[default]
    Level,
    /// A running total that never decreases (prisoners exchanged so far): claims compare with
    /// the figure within the window (none unless set), and any two claims about different
    /// times must keep the order: a figure above a later one, or below an earlier one, is a
    /// contradiction.
    RunningTotal,
    /// A range whose two ends are both facts (the age bracket of those exchanged): its figure
    /// is a range, and claims compare end by end, so `21 to 35` agrees with `between 21 and
    /// 35` and `under 40` contradicts it. Its window is that of a level.
    Range,
}

impl Kind {
    /// The comparison window of a level whose definition sets none: a month, the
    /// finest time most reports give (`as of April` against a figure of 1 May).
    pub const LEVEL_WINDOW: u32 = 31;

    /// Reads `level`, `running-total` or `range`.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "level" => Some(Kind::Level),
            "running-total" => Some(Kind::RunningTotal),
            "range" => Some(Kind::Range),
            _ => None,
        }
    }

    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Level => "level",
            Kind::RunningTotal => "running-total",
            Kind::Range => "range",
        }
    }

    /// The comparison window, in days, when the definition sets none.
    pub fn default_window(self) -> u32 {
        match self {
            Kind::Level | Kind::Range => Kind::LEVEL_WINDOW,
            Kind::RunningTotal => 0,
        }
    }
}

/// How precisely bare figures are meant, set on a claim or on its subject.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// As the digits show: a bare round figure may be a rounding ([`Figure::rounding`]).
    #[default]
    Digits,
    /// Exactly as stated, however round (a count from a register, a budget line).
    Exact,
}

impl Precision {
    /// Reads `digits` or `exact`.
    pub fn parse(s: &str) -> Option<Precision> {
        match s {
            "digits" => Some(Precision::Digits),
            "exact" => Some(Precision::Exact),
            _ => None,
        }
    }

    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Digits => "digits",
            Precision::Exact => "exact",
        }
    }
}

/// Whether a claim asserts a figure, expects it, or denies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Stated as fact (the default).
    #[default]
    Asserted,
    /// Hoped for or planned ("I hope it will happen next week").
    Expected,
    /// Stated to be false.
    Denied,
}

impl Modality {
    /// Reads `asserted`, `expected` or `denied`.
    pub fn parse(s: &str) -> Option<Modality> {
        match s {
            "asserted" => Some(Modality::Asserted),
            "expected" => Some(Modality::Expected),
            "denied" => Some(Modality::Denied),
            _ => None,
        }
    }
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Expected => "expected",
            Modality::Denied => "denied",
        }
    }
    fn is_asserted(&self) -> bool {
        *self == Modality::Asserted
    }
}

/// A comparison window for times, written as an ISO 8601 duration in days or weeks (`P31D`,
/// `P2W`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    days: u32,
}

impl Window {
    /// Reads `PnD` or `PnW`.
    pub fn parse(s: &str) -> Result<Window, String> {
        let bad = || format!("expected a window like `P31D` or `P2W`, not `{s}`");
        let body = s.strip_prefix('P').ok_or_else(bad)?;
        let (n, mult) = match (body.strip_suffix('D'), body.strip_suffix('W')) {
            (Some(n), _) => (n, 1),
            (_, Some(n)) => (n, 7),
            _ => return Err(bad()),
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = n.parse().map_err(|_| bad())?;
        let days = n
            .checked_mul(mult)
            .filter(|d| *d <= 3_660_000)
            .ok_or_else(bad)?;
        Ok(Window { days })
    }
    /// The window in days.
    pub fn days(self) -> u32 {
        self.days
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}D", self.days)
    }
}

/// The blake3 hash of a log entry; entries and the claims they record are named by it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryHash(pub [u8; 32]);

impl EntryHash {
    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// True when the hash's hex form starts with `prefix` (lowercase hex digits), compared
    /// without writing the hash out.
    pub fn has_hex_prefix(&self, prefix: &str) -> bool {
        prefix.len() <= 64
            && prefix.bytes().enumerate().all(|(i, c)| {
                let b = self.0[i / 2];
                let nibble = if i % 2 == 0 { b >> 4 } else { b & 15 };
                HEX[usize::from(nibble)] == c
            })
    }

    /// Reads 64 lowercase hex characters.
    pub fn from_hex(s: &str) -> Option<EntryHash> {
        let b = s.as_bytes();
        if b.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        let mut bad = 0u8;
        for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
            let (hi, lo) = (UNHEX[usize::from(pair[0])], UNHEX[usize::from(pair[1])]);
            bad |= (hi | lo) & 0x80;
            *o = (hi << 4) | (lo & 0x0f);
        }
        (bad == 0).then_some(EntryHash(out))
    }
}

/// The blake3 hash of a source document's bytes, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct DocumentHash(pub [u8; 32]);

impl DocumentHash {
    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Reads 64 lowercase hex characters.
    pub fn from_hex(s: &str) -> Option<DocumentHash> {
        EntryHash::from_hex(s).map(|h| DocumentHash(h.0))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` as lowercase hexadecimal digits: the one hex encoder of reckon (entry
/// hashes, key IDs, tree heads in messages).
pub fn push_hex(buf: &mut Vec<u8>, bytes: &[u8]) {
    for b in bytes {
        buf.push(HEX[usize::from(b >> 4)]);
        buf.push(HEX[usize::from(b & 15)]);
    }
}

/// `bytes` as lowercase hexadecimal digits.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    // Only ASCII hex digits were written.
    String::from_utf8(out).unwrap_or_default()
}

/// The value of each lowercase hex digit; 0x80 marks every other byte.
const UNHEX: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut j = 0;
    while j < 6 {
        t[b'a' as usize + j] = 10 + j as u8;
        j += 1;
    }
    t
};

impl fmt::Debug for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Display for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A sourced figure: what was said, by whom, where, when and in what words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The quantity the figure is about.
    pub subject: Subject,
    /// The figure, as stated.
    pub value: Figure,
    /// The unit; figures in different units never compare.
    pub unit: String,
    /// Words that narrow what was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The time the figure describes; `None` for a quantity that does not change over time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Period>,
    /// When it was said or published.
    pub said_on: Period,
    /// Who asserted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// In what capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The underlying data the speaker relied on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cites: Option<String>,
    /// Where it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The address of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The title of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A local source file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The blake3 of the document's bytes when the claim was recorded: `verify --documents`
    /// fails when the document no longer hashes to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_hash: Option<DocumentHash>,
    /// The exact words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Asserted, expected or denied.
    #[serde(default, skip_serializing_if = "Modality::is_asserted")]
    pub modality: Modality,
    /// Free labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The claim this one corrects, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<EntryHash>,
    /// How precisely its figure is meant, when it overrides the subject's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

impl Claim {
    /// The origin of the claim for independence: what it cites, else its speaker, else its
    /// publisher.
    pub fn origin(&self) -> &str {
        origin_of(
            self.cites.as_deref(),
            self.speaker.as_deref(),
            self.publisher.as_deref(),
        )
    }

    /// Each field the claim's JSON holds, by its name in the import contract, in the sorted
    /// order of those names (as a JSON map prints its keys), with its value as its
    /// `Serialize` writes it (a modality only when it is not the default): for a writer that
    /// lays the fields out itself (a sorted JSON line, a CSV row) without making a JSON value
    /// of the claim.
    pub fn each_field<'a>(&'a self, mut field: impl FnMut(&'static str, FieldText<'a>)) {
        use std::borrow::Cow::{Borrowed, Owned};
        let mut put = |name, v: Option<FieldText<'a>>| {
            if let Some(v) = v {
                field(name, v);
            }
        };
        let text = |t: Option<Cow<'a, str>>| t.map(FieldText::Text);
        let words = |t: &'a Option<String>| text(t.as_deref().map(Borrowed));
        put("as_of", text(self.as_of.map(|p| Owned(p.to_string()))));
        put("cites", words(&self.cites));
        put("document", words(&self.document));
        let document_hash = self.document_hash.map(|h| Owned(h.to_hex()));
        put("document_hash", text(document_hash));
        let modality = (self.modality != Modality::Asserted).then(|| self.modality.as_str());
        put("modality", text(modality.map(Borrowed)));
        put(
            "precision",
            text(self.precision.map(|p| Borrowed(p.as_str()))),
        );
        put("publisher", words(&self.publisher));
        put("quote", words(&self.quote));
        put("role", words(&self.role));
        put("said_on", text(Some(Owned(self.said_on.to_string()))));
        put("scope", words(&self.scope));
        put("speaker", words(&self.speaker));
        put("subject", text(Some(Borrowed(self.subject.as_str()))));
        put(
            "supersedes",
            text(self.supersedes.map(|h| Owned(h.to_hex()))),
        );
        put(
            "tags",
            (!self.tags.is_empty()).then_some(FieldText::List(&self.tags)),
        );
        put("title", words(&self.title));
        put("unit", text(Some(Borrowed(&self.unit))));
        put("url", words(&self.url));
        put("value", text(Some(Borrowed(self.value.stated()))));
    }
}

/// A field of a claim as its JSON holds it ([`Claim::each_field`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldText<'a> {
    /// A string.
    Text(Cow<'a, str>),
    /// The tags: a list of strings.
    List(&'a [String]),
}

/// What a claim cites, else its speaker, else its publisher, else nothing.
fn origin_of<'a>(
    cites: Option<&'a str>,
    speaker: Option<&'a str>,
    publisher: Option<&'a str>,
) -> &'a str {
    cites.or(speaker).or(publisher).unwrap_or("")
}

/// A claim event read for reckoning: the JSON of a whole `{"type":"claim",…}` event, every
/// field checked exactly as [`Claim`] checks it (the same types, the same required fields, no
/// unknown ones), but the words a reconciler never reads (who, where, the quote, tags) borrowed
/// from the line instead of copied. For passes over millions of entries that keep a few fields
/// of each; [`ClaimView::origin`] is [`Claim::origin`].
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimView<'a> {
    #[serde(rename = "type")]
    pub(crate) _tag: ClaimTag,
    /// [`Claim::subject`].
    pub subject: Subject,
    /// [`Claim::value`].
    pub value: Figure,
    /// [`Claim::unit`].
    #[serde(borrow)]
    pub unit: Cow<'a, str>,
    /// [`Claim::scope`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub scope: Option<Cow<'a, str>>,
    /// [`Claim::as_of`].
    #[serde(default)]
    pub as_of: Option<Period>,
    /// [`Claim::said_on`].
    pub said_on: Period,
    /// [`Claim::speaker`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub speaker: Option<Cow<'a, str>>,
    /// [`Claim::role`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub role: Option<Cow<'a, str>>,
    /// [`Claim::cites`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub cites: Option<Cow<'a, str>>,
    /// [`Claim::publisher`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub publisher: Option<Cow<'a, str>>,
    /// [`Claim::url`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub url: Option<Cow<'a, str>>,
    /// [`Claim::title`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub title: Option<Cow<'a, str>>,
    /// [`Claim::document`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub document: Option<Cow<'a, str>>,
    /// [`Claim::document_hash`].
    #[serde(default)]
    pub document_hash: Option<DocumentHash>,
    /// [`Claim::quote`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub quote: Option<Cow<'a, str>>,
    /// [`Claim::modality`].
    #[serde(default)]
    pub modality: Modality,
    /// [`Claim::tags`].
    #[serde(default, borrow)]
    pub tags: Vec<Cow<'a, str>>,
    /// [`Claim::supersedes`].
    #[serde(default)]
    pub supersedes: Option<EntryHash>,
    /// [`Claim::precision`].
    #[serde(default)]
    pub precision: Option<Precision>,
}

/// The tag of a claim event: only `"claim"` is accepted.
#[derive(Debug, PartialEq, Deserialize)]
pub(crate) enum ClaimTag {
    #[serde(rename = "claim")]
    Claim,
}

impl ClaimView<'_> {
    /// The claim itself, its words copied: what serde reads of the event as a [`Claim`].
    pub fn into_claim(self) -> Claim {
        let owned = |w: Option<Cow<'_, str>>| w.map(Cow::into_owned);
        Claim {
            subject: self.subject,
            value: self.value,
            unit: self.unit.into_owned(),
            scope: owned(self.scope),
            as_of: self.as_of,
            said_on: self.said_on,
            speaker: owned(self.speaker),
            role: owned(self.role),
            cites: owned(self.cites),
            publisher: owned(self.publisher),
            url: owned(self.url),
            title: owned(self.title),
            document: owned(self.document),
            document_hash: self.document_hash,
            quote: owned(self.quote),
            modality: self.modality,
            tags: self.tags.into_iter().map(Cow::into_owned).collect(),
            supersedes: self.supersedes,
            precision: self.precision,
        }
    }

    /// [`Claim::origin`]: what it cites, else its speaker, else its publisher.
    pub fn origin(&self) -> &str {
        origin_of(
            self.cites.as_deref(),
            self.speaker.as_deref(),
            self.publisher.as_deref(),
        )
    }
}

/// The words of a claim that say who said it and where (what output shows beside a figure),
/// borrowed from the line when they need no unescaping. Read from a claim event's JSON with
/// every other field passed over unread: this is for a line whose hash matched the hash of a
/// line that was read whole and checked before (the same bytes), never for checking one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ClaimWords<'a> {
    /// [`Claim::speaker`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub speaker: Option<Cow<'a, str>>,
    /// [`Claim::role`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub role: Option<Cow<'a, str>>,
    /// [`Claim::cites`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub cites: Option<Cow<'a, str>>,
    /// [`Claim::publisher`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub publisher: Option<Cow<'a, str>>,
    /// [`Claim::url`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub url: Option<Cow<'a, str>>,
    /// [`Claim::title`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub title: Option<Cow<'a, str>>,
    /// [`Claim::document`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub document: Option<Cow<'a, str>>,
    /// [`Claim::quote`].
    #[serde(default, borrow, deserialize_with = "borrowed")]
    pub quote: Option<Cow<'a, str>>,
    /// [`Claim::tags`].
    #[serde(default, borrow)]
    pub tags: Vec<Cow<'a, str>>,
}

/// An optional string borrowed from the JSON when it holds no escapes (serde borrows a `Cow`
/// only when it is the field itself, not inside an `Option`).
fn borrowed<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Borrowed<'a>>::deserialize(d)?.map(|b| b.0))
}

impl Claim {
    /// This claim's [`ClaimWords`], owned.
    pub fn into_words(self) -> ClaimWords<'static> {
        ClaimWords {
            speaker: self.speaker.map(Cow::Owned),
            role: self.role.map(Cow::Owned),
            cites: self.cites.map(Cow::Owned),
            publisher: self.publisher.map(Cow::Owned),
            url: self.url.map(Cow::Owned),
            title: self.title.map(Cow::Owned),
            document: self.document.map(Cow::Owned),
            quote: self.quote.map(Cow::Owned),
            tags: self.tags.into_iter().map(Cow::Owned).collect(),
        }
    }

    /// This claim's [`ClaimWords`], borrowed from it.
    pub fn words(&self) -> ClaimWords<'_> {
        fn text(t: &Option<String>) -> Option<Cow<'_, str>> {
            t.as_deref().map(Cow::Borrowed)
        }
        ClaimWords {
            speaker: text(&self.speaker),
            role: text(&self.role),
            cites: text(&self.cites),
            publisher: text(&self.publisher),
            url: text(&self.url),
            title: text(&self.title),
            document: text(&self.document),
            quote: text(&self.quote),
            tags: self
                .tags
                .iter()
                .map(|t| Cow::Borrowed(t.as_str()))
                .collect(),
        }
    }
}

/// What a subject is: its label, unit, comparison window, default tolerance and parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectDef {
    /// The subject being defined.
    pub subject: Subject,
    /// A label for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The unit its figures are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// How far apart two `as_of` times may be and still describe the same moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// The tolerance of approximate figures that do not state one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Tolerance>,
    /// The subjects this one is the sum of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sum_of: Vec<Subject>,
    /// How precisely bare figures of its claims are meant (the digits show, by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// What kind of quantity it is (a level, by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
}

/// One change to the log's state.
// Claims are nearly every event, so boxing the large variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A claim recorded, possibly superseding an earlier one.
    Claim(Claim),
    /// A claim withdrawn; it stays in the log.
    Retract {
        /// The entry that recorded the claim.
        claim: EntryHash,
        /// Why.
        reason: String,
    },
    /// A subject defined or redefined.
    Define(SubjectDef),
    /// `subject` names the same quantity as `same_as`.
    Alias {
        /// The other name.
        subject: Subject,
        /// The name it stands for.
        same_as: Subject,
    },
    /// A user's stated prior for an origin's reliability, with the reason.
    Trust(TrustDecl),
    /// What the log is: its name and its tree's hash. Only ever the first entry.
    Log(LogDecl),
}

/// A log's declaration of itself, made by `reckon init --origin`: the name its checkpoints
/// carry (so that a checkpoint naming another log is refused) and the hash of its Merkle tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogDecl {
    /// The origin: the first line of every checkpoint of this log.
    pub origin: LogName,
    /// The hash of the Merkle tree over the entries (blake3 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merkle: Option<TreeHash>,
}

/// A log's name (a checkpoint's origin line): 1 to 255 bytes, no control character, no
/// leading or trailing white space. Conventionally a schema-less URL, `example.org/factlog`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogName(String);

impl LogName {
    /// Checks a name.
    pub fn parse(name: &str) -> Result<LogName, String> {
        if name.is_empty() || name.len() > 255 {
            return Err(format!(
                "a log's name (origin) is 1 to 255 bytes, not {}",
                name.len()
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("a log's name (origin) cannot hold control characters".into());
        }
        if name.trim() != name {
            return Err("a log's name (origin) cannot start or end with white space".into());
        }
        Ok(LogName(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LogName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The hash of a log's Merkle tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TreeHash {
    /// blake3, the default.
    #[default]
    Blake3,
    /// SHA-256, as RFC 6962 logs use it.
    Sha256,
}

/// A declared prior for an origin: how often the user expects its figures to be right before
/// the log shows anything, and how much that expectation weighs against the log's evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustDecl {
    /// The origin (what claims cite, else their speaker, else their publisher).
    pub origin: String,
    /// The expected share of its figures that are right.
    pub prior: Prior,
    /// How many subjects' worth of evidence the prior counts as; the reconciler's default when
    /// not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<u32>,
    /// Why.
    pub reason: String,
}

/// A probability strictly between 0 and 1, kept in ten-thousandths so that events compare and
/// hash exactly (`0.9` is 9000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prior(u16);

impl Prior {
    /// Reads a probability given as a decimal number: more than 0, less than 1, at most four
    /// decimal places.
    pub fn parse(text: &str) -> Result<Prior, String> {
        let bad = || {
            format!(
                "expected a probability between 0 and 1 exclusive with at most four decimals, such as 0.9, not `{text}`"
            )
        };
        let frac = text.strip_prefix("0.").ok_or_else(bad)?;
        if frac.is_empty() || frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let mut n: u16 = frac.parse().map_err(|_| bad())?;
        for _ in frac.len()..4 {
            n *= 10;
        }
        if n == 0 {
            return Err(bad());
        }
        Ok(Prior(n))
    }

    /// The probability.
    pub fn get(self) -> f64 {
        f64::from(self.0) / 10_000.0
    }
}

impl std::fmt::Display for Prior {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = format!("{:04}", self.0);
        write!(f, "0.{}", digits.trim_end_matches('0'))
    }
}

impl Serialize for Prior {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.get())
    }
}

impl<'de> Deserialize<'de> for Prior {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        Prior::parse(&n.to_string()).map_err(serde::de::Error::custom)
    }
}

impl Event {
    /// The word used for the event's kind in listings.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Claim(_) => "claim",
            Event::Retract { .. } => "retract",
            Event::Define(_) => "define",
            Event::Alias { .. } => "alias",
            Event::Trust(_) => "trust",
            Event::Log(_) => "log",
        }
    }
}

macro_rules! string_serde {
    ($t:ty, $to:expr, $from:expr) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let f: fn(&$t) -> String = $to;
                s.serialize_str(&f(self))
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                let f: fn(&str) -> Result<$t, String> = $from;
                f(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_serde!(Subject, |s| s.0.clone(), Subject::parse);
string_serde!(Figure, |f| f.stated.to_string(), |s| Figure::parse(s)
    .map_err(|e| e.message));
string_serde!(Period, |p| p.to_string(), |s| Period::parse(s)
    .map_err(|e| e.message));
string_serde!(DocumentHash, |h| h.to_hex(), |s| DocumentHash::from_hex(s)
    .ok_or_else(|| format!(
        "expected 64 lowercase hex digits (a blake3 hash), not `{s}`"
    )));
string_serde!(LogName, |n| n.0.clone(), LogName::parse);
string_serde!(Window, |w| w.to_string(), Window::parse);
string_serde!(Tolerance, |t| t.to_string(), |s| Tolerance::parse(s)
    .map_err(|e| e.message));
string_serde!(EntryHash, |h| h.to_hex(), |s| EntryHash::from_hex(s)
    .ok_or_else(|| format!("expected 64 lowercase hex digits, not `{s}`")));

impl FromStr for Subject {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Subject::parse(s)
    }
}

/// Checks a claim's `document` name: a plain relative path inside the documents folder that
/// `reckon verify --documents DIR` reads (no `..`, not absolute, no control characters), so
/// that a name the check would refuse is refused when the claim is recorded.
pub fn check_document_name(name: &str) -> Result<(), String> {
    let path = std::path::Path::new(name);
    if path.is_absolute() || name.starts_with(['/', '\\']) {
        return Err(format!(
            "`{name}` is an absolute path; name the file relative to the documents folder"
        ));
    }
    if name.split(['/', '\\']).any(|part| part == "..") {
        return Err(format!(
            "`{name}` leaves the documents folder (`..`); name a file inside it"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("a document name cannot hold control characters".into());
    }
    if name.ends_with(['/', '\\']) {
        return Err(format!("`{name}` names a folder, not a file"));
    }
    Ok(())
}

/// Follows aliases from `start` to the name it stands for; `next` gives the name an alias
/// points at. At most `bound` steps are taken, so a cycle in a hand-made log ends: the one
/// alias resolver of reckon (the reconciler's state, appends and the index use it).
pub fn follow_aliases<'a, T: ?Sized>(
    start: &'a T,
    bound: usize,
    next: impl Fn(&'a T) -> Option<&'a T>,
) -> &'a T {
    let mut cur = start;
    for _ in 0..=bound {
        match next(cur) {
            Some(n) => cur = n,
            None => break,
        }
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(stated: &str, precision: Precision) -> Option<String> {
        Figure::parse(stated)
            .unwrap()
            .rounding(precision, Tolerance::DEFAULT)
            .map(|n| n.to_string())
    }

    /// Round figures reach half their last unit, capped at the `about` tolerance; other
    /// figures, qualified ones and those declared exact reach nothing.
    #[test]
    fn a_bare_round_figure_reaches_half_its_last_unit_at_most_five_percent() {
        assert_eq!(reach("4,000", Precision::Digits).as_deref(), Some("200"));
        assert_eq!(reach("4,100", Precision::Digits).as_deref(), Some("50"));
        assert_eq!(
            reach("1.2 million", Precision::Digits).as_deref(),
            Some("50000")
        );
        assert_eq!(reach("200", Precision::Digits).as_deref(), Some("10"));
        for exact in [
            "4,213",
            "390",
            "4,000.5",
            "exactly 4,000",
            "= 4000",
            "0",
            "about 4,000",
        ] {
            assert_eq!(reach(exact, Precision::Digits), None, "{exact}");
        }
        assert_eq!(reach("4,000", Precision::Exact), None);
        let abs = Figure::parse("4,000")
            .unwrap()
            .rounding(Precision::Digits, Tolerance::Abs(Num::from_int(30)));
        assert_eq!(abs, Some(Num::from_int(30)));
    }
}
