//! schema.org `ClaimReview` JSON-LD, in and out.
//!
//! **In.** A file holds one `ClaimReview`, an array of them, a `@graph` (nested as JSON-LD
//! allows), or a `DataFeed` of them (each `dataFeedElement` a `DataFeedItem` whose `item` is
//! the review, or the review itself); [`stream`] reads it a review at a time, [`read`]
//! whole. Each figure stated in `claimReviewed` (as `reckon extract` finds figures) becomes
//! a claim: said by the reviewed claim's author (`itemReviewed.author`, with `jobTitle` as the
//! role), on its `datePublished` (else the review's), read where it appeared
//! (`itemReviewed.appearance` or `firstAppearance`: its `url`, `headline` and `publisher`; else
//! the review's `url`, published by the review's author), with `claimReviewed` as the quote.
//! The review is the evidence: its author and rating go in the tags (`claimreview`,
//! `rating: False`). A review whose `claimReviewed` states no figure is skipped, with that
//! reason; anything else that is not a `ClaimReview` is skipped too. The subject is the one
//! the caller gives, else a draft (`draft/…`, tagged `draft`).
//!
//! **Out.** One JSON-LD document a line for each reconciled subject: a `@graph` of one
//! `ClaimReview` for each counted claim, rating it against reckon's figure on a documented
//! five-point scale ([`RATINGS`]), with the figure and the reason in words in `reviewBody`.

use crate::{Converted, FormatError, Record, Skipped, error};
use serde::Deserialize as _;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

/// The rating scale of exported reviews: the value, its name, and the relation it rates.
pub const RATINGS: &[(u8, &str, &str)] = &[
    (
        5,
        "Agrees with the figure",
        "the claim states the figure, or lies within it",
    ),
    (
        4,
        "Consistent with the figure",
        "the claim allows the figure",
    ),
    (
        3,
        "Unresolved",
        "reckon has no single figure for the subject (tied, or no support)",
    ),
    (1, "Contradicts the figure", "the claim excludes the figure"),
];

/// True when a node's `@type` names ClaimReview.
fn is_review(node: &Map<String, Json>) -> bool {
    has_type(node, "ClaimReview")
}

/// True when a node's `@type` is `name` (a schema.org type, named short or by its URL).
fn has_type(node: &Map<String, Json>, name: &str) -> bool {
    let is = |t: &str| {
        t == name
            || t.strip_suffix(name)
                .is_some_and(|t| t.ends_with(['/', ':', '#']))
    };
    match node.get("@type") {
        Some(Json::String(t)) => is(t),
        Some(Json::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(is)),
        _ => false,
    }
}

/// Every object in the document with its JSON path, in document order: a JSON-LD `@graph`,
/// and a schema.org `DataFeed`'s `dataFeedElement`s (as fact-checkers publish their reviews
/// in bulk: each a `DataFeedItem` whose `item` is the review, or the review itself), are
/// looked into.
fn nodes<'a>(value: &'a Json, path: String, out: &mut Vec<(String, &'a Map<String, Json>)>) {
    match value {
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                nodes(v, format!("{path}[{i}]"), out);
            }
        }
        Json::Object(m) => {
            if let Some(g) = m.get("@graph") {
                nodes(g, format!("{path}.@graph"), out);
            } else if let Some(e) = m.get("dataFeedElement") {
                nodes(e, format!("{path}.dataFeedElement"), out);
            } else if let Some(i) = m.get("item").filter(|_| has_type(m, "DataFeedItem")) {
                nodes(i, format!("{path}.item"), out);
            } else {
                out.push((path, m));
            }
        }
        _ => {}
    }
}

/// A text field, or the `name` of an object (or of the first of an array of them).
fn name_of(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Json::Object(m) => name_of(m.get("name")),
        Json::Array(items) => items.iter().find_map(|i| name_of(Some(i))),
        _ => None,
    }
}

fn first_object(v: Option<&Json>) -> Option<&Map<String, Json>> {
    match v? {
        Json::Object(m) => Some(m),
        Json::Array(items) => items.iter().find_map(Json::as_object),
        _ => None,
    }
}

fn text(m: &Map<String, Json>, key: &str) -> Option<String> {
    m.get(key)
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A schema.org date (`2025-05-01`, `2025-05-01T10:00:00Z`) as a contract date.
fn date(m: &Map<String, Json>, key: &str, path: &str) -> Result<Option<String>, FormatError> {
    let Some(raw) = text(m, key) else {
        return Ok(None);
    };
    let day = raw.get(..10).filter(|_| raw.len() > 10).unwrap_or(&raw);
    reckon_claim::Period::parse(day)
        .map(|_| Some(day.to_owned()))
        .map_err(|e| {
            error(
                format!("{path}.{key}"),
                format!("`{raw}` is not a date: {e}"),
            )
        })
}

/// Reads ClaimReview JSON-LD whole. `subject`, when given, is every claim's subject.
pub fn read(text_in: &str, subject: Option<&str>) -> Result<Converted, FormatError> {
    let mut out = Converted::default();
    let mut de =
        serde_json::Deserializer::from_str(text_in.strip_prefix('\u{feff}').unwrap_or(text_in));
    walk(&mut de, subject, &mut |got| {
        match got {
            Ok(r) => out.records.push(r),
            Err(s) => out.skipped.push(s),
        }
        true
    })?;
    Ok(out)
}

/// ClaimReview JSON-LD read as it comes, given to `consume` as the JSON Lines of its claims
/// ([`Reviews`]): `input` is read on a thread of its own, a review at a time (the elements of
/// a top-level list, `@graph` or `dataFeedElement` one at a time), a few reviews ahead of
/// what `consume` has read, and never held whole. What `consume` has not read when it
/// returns is never read: when `consume` stopped before the reading thread's last word, the
/// thread is left to end at its next review, which has nowhere to go (or with the process),
/// and is not waited for, so that a reader that stops early (an error) is never held by input
/// that has not ended (a terminal); once it has said its last, it is waited for (it is
/// ending).
pub fn stream<R: std::io::Read + Send + 'static, T>(
    input: R,
    subject: Option<&str>,
    consume: impl FnOnce(&mut Reviews) -> T,
) -> T {
    let (send, coming) = std::sync::mpsc::sync_channel(64);
    let subject_given = subject.is_some();
    let subject = subject.map(str::to_owned);
    // Were the thread not made, the reviews end at once with an error that says so.
    let reading = std::thread::Builder::new()
        .name("claimreview".into())
        .spawn(move || {
            let input = std::io::BufReader::with_capacity(1 << 16, crate::Unmarked::new(input));
            let mut de = serde_json::Deserializer::from_reader(input);
            let read = walk(&mut de, subject.as_deref(), &mut |got| {
                send.send(Coming::Got(got)).is_ok()
            });
            let _ = send.send(match read {
                Ok(()) => Coming::End,
                Err(e) => Coming::Failed(e),
            });
        });
    let mut reviews = Reviews {
        coming,
        lines: Vec::new(),
        at: 0,
        text: String::new(),
        given: Vec::new(),
        subject_given,
        skipped: Vec::new(),
        ended: false,
        last_word: false,
    };
    let consumed = consume(&mut reviews);
    if let (true, Ok(reading)) = (reviews.last_word, reading) {
        // Its last send is done: it only exits. (A panic there would be a bug, and the
        // reviews it gave were whole: nothing to carry.)
        let _ = reading.join();
    }
    consumed
}

/// What the reading thread of [`stream`] hands over.
enum Coming {
    /// A review's record, or an object skipped.
    Got(Result<Record, Skipped>),
    /// The document ended, read whole.
    End,
    /// The document could not be read on.
    Failed(FormatError),
}

/// What [`stream`] gives its reader: the records of the reviews read so far, as JSON Lines
/// (`Read`), each line's record kept without its object (its place in the file and where
/// each field came from) to name whatever the importer refuses ([`Reviews::record`]). A
/// document that cannot be read ends the reading with an [`std::io::Error`] that carries
/// the [`FormatError`] ([`crate::carried`]).
pub struct Reviews {
    coming: std::sync::mpsc::Receiver<Coming>,
    /// The line being given, and how much of it has been.
    lines: Vec<u8>,
    at: usize,
    /// For each line given: its place, the path of its review (the start of its place) and
    /// where its date came from, one after another in `text`, and where each ends there.
    text: String,
    given: Vec<(usize, usize, usize)>,
    subject_given: bool,
    /// What was skipped, by reason, in the order first met.
    skipped: Vec<(String, usize)>,
    /// The reading thread said the document ended.
    ended: bool,
    /// The reading thread said its last (the end, or why it could not read on).
    last_word: bool,
}

impl Reviews {
    /// How many lines (claims) it has given.
    pub fn count(&self) -> usize {
        self.given.len()
    }

    /// What was skipped so far, by reason (in the order first met), with how many of each.
    pub fn skipped_by_reason(&self) -> &[(String, usize)] {
        &self.skipped
    }

    /// The record that line `line` (from 1) came from, its object left empty: for an error
    /// about that line.
    pub fn record(&self, line: u64) -> Option<Record> {
        let i = usize::try_from(line.checked_sub(1)?).ok()?;
        let &(place, path, said) = self.given.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.given[i - 1].2,
        };
        Some(Record {
            object: Map::new(),
            place: self.text.get(start..place)?.to_owned(),
            sources: sources_of(
                self.text.get(start..path)?,
                self.text.get(place..said)?,
                self.subject_given,
            ),
        })
    }

    /// Makes the next line; false at the end.
    fn next_line(&mut self) -> std::io::Result<bool> {
        loop {
            if self.ended {
                return Ok(false);
            }
            let got = match self.coming.recv() {
                Ok(Coming::Got(got)) => got,
                Ok(Coming::End) => {
                    self.ended = true;
                    self.last_word = true;
                    return Ok(false);
                }
                Ok(Coming::Failed(e)) => {
                    self.last_word = true;
                    return Err(std::io::Error::other(e));
                }
                // The reading thread ended without saying the document did (it could not be
                // started, or it failed): what was read is not the whole document.
                Err(_) => {
                    return Err(std::io::Error::other(
                        "the ClaimReview reader stopped before the end of the document",
                    ));
                }
            };
            match got {
                Ok(r) => {
                    self.lines.clear();
                    self.at = 0;
                    serde_json::to_writer(&mut self.lines, &r.object)
                        .map_err(std::io::Error::other)?;
                    self.lines.push(b'\n');
                    // The place is the review's path, or the path and which of its figures.
                    let path = r.place.split(" (figure ").next().unwrap_or_default().len();
                    let start = self.text.len();
                    self.text.push_str(&r.place);
                    let place = self.text.len();
                    let said = r.sources.iter().find(|(f, _)| f == "said_on");
                    self.text.push_str(said.map_or("", |(_, from)| from));
                    self.given.push((place, start + path, self.text.len()));
                    return Ok(true);
                }
                Err(s) => crate::count_skip(&mut self.skipped, &s.reason),
            }
        }
    }
}

impl std::io::Read for Reviews {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.lines.len() && !self.next_line()? {
            return Ok(0);
        }
        Ok(crate::give(&self.lines, &mut self.at, buf))
    }
}

/// Each object of the document `de` reads that is a review, made into its records, and each
/// that is not (skipped), given to `take` in document order as the document is read: the
/// elements of a top-level list, `@graph` or `dataFeedElement` are read one at a time, never
/// the whole document. `take` says false to stop the reading (nothing more is given, and
/// no error is made of it).
fn walk<'de, D: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<D>,
    subject: Option<&str>,
    take: &mut dyn FnMut(Result<Record, Skipped>) -> bool,
) -> Result<(), FormatError> {
    use serde::de::DeserializeSeed;
    let mut walker = Walker {
        subject,
        take,
        failed: None,
        stopped: false,
    };
    let read = Document(&mut walker)
        .deserialize(&mut *de)
        .and_then(|()| de.end());
    if let Some(e) = walker.failed {
        return Err(e);
    }
    match read {
        Err(_) if walker.stopped => Ok(()),
        Err(e) => Err(error(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )),
        Ok(()) => Ok(()),
    }
}

/// What [`walk`] hands each object it reads to, and what stopped it.
struct Walker<'w> {
    subject: Option<&'w str>,
    take: &'w mut dyn FnMut(Result<Record, Skipped>) -> bool,
    /// A review that could not be read: the reading ends with it.
    failed: Option<FormatError>,
    /// `take` said to stop.
    stopped: bool,
}

impl Walker<'_> {
    /// The objects of `value` (at `path`) converted and given; an error to end the reading
    /// when one could not be, or when `take` said to stop.
    fn value<E: serde::de::Error>(&mut self, path: String, value: &Json) -> Result<(), E> {
        let mut found = Vec::new();
        nodes(value, path, &mut found);
        for (path, node) in found {
            let (subject, take, stopped) = (self.subject, &mut *self.take, &mut self.stopped);
            let converted = review_records(path, node, subject, &mut |got| {
                if !*stopped && !take(got) {
                    *stopped = true;
                }
            });
            if let Err(e) = converted {
                self.failed = Some(e);
            }
            if self.failed.is_some() || self.stopped {
                return Err(E::custom("the reading was ended"));
            }
        }
        Ok(())
    }
}

/// The whole document: a list, a node with a `@graph` or `dataFeedElement` (its list read an
/// element at a time; the first of the two found, the node's other members not looked
/// into), or one node.
struct Document<'a, 'w>(&'a mut Walker<'w>);

impl<'de> serde::de::DeserializeSeed<'de> for Document<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Document<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimReview JSON-LD")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Elements(self.0, "$".to_owned()).visit_seq(seq)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut node = Map::new();
        let mut listed = false;
        while let Some(key) = map.next_key::<String>()? {
            if !listed && (key == "@graph" || key == "dataFeedElement") {
                map.next_value_seed(Elements(&mut *self.0, format!("$.{key}")))?;
                listed = true;
            } else {
                node.insert(key, map.next_value()?);
            }
        }
        if !listed {
            self.0.value("$".to_owned(), &Json::Object(node))?;
        }
        Ok(())
    }

    // A document that is not an object or a list holds no node.
    scalars_give!(());
}

/// The value at `path` of a `@graph` or `dataFeedElement`: a list read an element at a time,
/// anything else read whole (as [`nodes`] reads it).
struct Elements<'a, 'w>(&'a mut Walker<'w>, String);

impl<'de> serde::de::DeserializeSeed<'de> for Elements<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of nodes")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Elements(walker, path) = self;
        let mut i = 0usize;
        while let Some(value) = seq.next_element::<Json>()? {
            walker.value(format!("{path}[{i}]"), &value)?;
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let Elements(walker, path) = self;
        let value = Json::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        walker.value(path, &value)
    }

    scalars_give!(());
}

/// The records of the object `node` at `path` given to `take`: one for each figure of a
/// review, the object skipped (with why) when it is not a review or states no figure.
fn review_records(
    path: String,
    node: &Map<String, Json>,
    subject: Option<&str>,
    take: &mut dyn FnMut(Result<Record, Skipped>),
) -> Result<(), FormatError> {
    if !is_review(node) {
        take(Err(Skipped {
            place: path,
            reason: "not a ClaimReview".into(),
        }));
        return Ok(());
    }
    let Some(reviewed) = text(node, "claimReviewed") else {
        take(Err(Skipped {
            place: format!("{path}.claimReviewed"),
            reason: "without claimReviewed".into(),
        }));
        return Ok(());
    };
    let figures = reckon_extract::figures::figures(&reviewed);
    if figures.is_empty() {
        take(Err(Skipped {
            place: format!("{path}.claimReviewed"),
            reason: "with no figure in claimReviewed".into(),
        }));
        return Ok(());
    }
    let item = first_object(node.get("itemReviewed"));
    let item_path = format!("{path}.itemReviewed");
    let reviewer = name_of(node.get("author"));
    let author = item.and_then(|i| name_of(i.get("author")));
    let role = item
        .and_then(|i| first_object(i.get("author")))
        .and_then(|a| text(a, "jobTitle"));
    let said = match item {
        Some(i) => date(i, "datePublished", &item_path)?,
        None => None,
    };
    let (said_on, said_from) = match said {
        Some(d) => (Some(d), format!("{item_path}.datePublished")),
        None => (
            date(node, "datePublished", &path)?,
            format!("{path}.datePublished"),
        ),
    };
    let appearance = item.and_then(|i| {
        first_object(i.get("appearance")).or_else(|| first_object(i.get("firstAppearance")))
    });
    let url = appearance
        .and_then(|a| text(a, "url"))
        .or_else(|| text(node, "url"));
    let title = appearance.and_then(|a| text(a, "headline").or_else(|| text(a, "name")));
    let publisher = appearance
        .and_then(|a| name_of(a.get("publisher")))
        .or_else(|| reviewer.clone());
    let rating = first_object(node.get("reviewRating"));
    let verdict = rating.and_then(|r| {
        text(r, "alternateName").or_else(|| {
            r.get("ratingValue").map(|v| match v {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
    });
    let n = figures.len();
    for (k, f) in figures.into_iter().enumerate() {
        let mut o = Map::new();
        let sources = sources_of(&path, &said_from, subject.is_some());
        let noun = f.scope.clone().unwrap_or_else(|| f.unit.clone());
        let mut tags = vec![Json::from("claimreview")];
        match subject {
            Some(s) => {
                o.insert("subject".into(), s.into());
            }
            None => {
                o.insert(
                    "subject".into(),
                    format!("draft/{}", reckon_extract::slug(&noun)).into(),
                );
                tags.push("draft".into());
            }
        }
        o.insert("value".into(), f.value.into());
        o.insert("unit".into(), f.unit.into());
        let mut put = |key: &str, v: Option<&String>| {
            if let Some(v) = v {
                o.insert(key.into(), v.clone().into());
            }
        };
        put("scope", f.scope.as_ref());
        put("said_on", said_on.as_ref());
        put("speaker", author.as_ref());
        put("role", role.as_ref());
        put("publisher", publisher.as_ref());
        put("url", url.as_ref());
        put("title", title.as_ref());
        o.insert("quote".into(), reviewed.clone().into());
        if let Some(r) = &reviewer {
            tags.push(format!("reviewed by: {r}").into());
        }
        if let Some(v) = &verdict {
            tags.push(format!("rating: {v}").into());
        }
        o.insert("tags".into(), Json::Array(tags));
        take(Ok(Record {
            object: o,
            place: if n > 1 {
                format!("{path} (figure {} of {n})", k + 1)
            } else {
                path.clone()
            },
            sources,
        }));
    }
    Ok(())
}

/// Where the fields of a claim of the review at `path` came from: its date from `said_from`,
/// its subject from `--subject` when `subject_given`.
fn sources_of(path: &str, said_from: &str, subject_given: bool) -> Vec<(String, String)> {
    let mut sources = vec![
        ("value".to_owned(), format!("{path}.claimReviewed")),
        ("quote".to_owned(), format!("{path}.claimReviewed")),
        ("said_on".to_owned(), said_from.to_owned()),
        ("speaker".to_owned(), format!("{path}.itemReviewed.author")),
    ];
    if subject_given {
        sources.push(("subject".into(), "--subject".into()));
    }
    sources
}

/// What a reviewed subject needs beyond its `reckon reconcile --format json` object.
pub struct Reviewing<'a> {
    /// The fact-checker publishing the reviews.
    pub reviewer: &'a str,
    /// Where they are published; each review's `url` is this with `#seq-N`.
    pub url: Option<&'a str>,
    /// The date of publication (`YYYY-MM-DD`).
    pub date: &'a str,
}

/// The rating of a claim whose relation to the figure is `relation`, for a subject whose
/// figure is `settled` (a single region with support).
fn rating(relation: &str, settled: bool) -> (u8, &'static str) {
    let (v, name, _) = match (settled, relation) {
        (false, _) => RATINGS[2],
        (true, "agrees") => RATINGS[0],
        (true, "contradicts") => RATINGS[3],
        (true, _) => RATINGS[1],
    };
    (v, name)
}

/// A subject as its reviews read it: what `reckon reconcile --format json` says of it and of
/// each claim counted in its figure or against it ([`Reviewed::from_json`] reads it from that
/// JSON; a writer that has the answer typed fills it in directly).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reviewed<'a> {
    /// The subject's path.
    pub subject: &'a str,
    /// Its label, else its path.
    pub label: &'a str,
    /// Its status (`corroborated`, `contested`, …).
    pub status: &'a str,
    /// Whether its figure is settled: a figure, and no competing candidates.
    pub settled: bool,
    /// The counted claims, those supporting the figure first, in the answer's order.
    pub claims: Vec<ReviewedClaim<'a>>,
}

/// A claim counted in a subject's figure or against it, as its review reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewedClaim<'a> {
    /// Its entry's number in the log.
    pub seq: u64,
    /// Its entry's hash, in hex.
    pub hash: Cow<'a, str>,
    /// How it stands to the figure (`agrees`, `contradicts`, …), empty for none.
    pub relation: &'a str,
    /// Why it stands so.
    pub reason: Cow<'a, str>,
    /// The figure as stated.
    pub value: &'a str,
    /// Its unit.
    pub unit: &'a str,
    /// Who said it, where it was read, and in what words.
    pub speaker: Option<&'a str>,
    /// The speaker's role.
    pub role: Option<&'a str>,
    /// The publisher.
    pub publisher: Option<&'a str>,
    /// The source's address.
    pub url: Option<&'a str>,
    /// The source's title.
    pub title: Option<&'a str>,
    /// When it was said.
    pub said_on: Option<Cow<'a, str>>,
    /// The exact words.
    pub quote: Option<&'a str>,
}

impl<'a> Reviewed<'a> {
    /// A subject of `reckon reconcile --format json` (one element of its `subjects`); `None`
    /// without a subject path, or with a counted claim that has no number.
    pub fn from_json(subject: &'a Json) -> Option<Reviewed<'a>> {
        let name = subject["subject"].as_str()?;
        let text = |c: &'a Json, k: &str| c[k].as_str();
        let claims = subject["support"]
            .as_array()
            .into_iter()
            .chain(subject["dissent"].as_array())
            .flatten()
            .filter(|c| c["counted"].as_bool().unwrap_or(false))
            .map(|c| {
                Some(ReviewedClaim {
                    seq: c["seq"].as_u64()?,
                    hash: Cow::Borrowed(text(c, "hash").unwrap_or("")),
                    relation: text(c, "relation").unwrap_or(""),
                    reason: Cow::Borrowed(text(c, "reason").unwrap_or("")),
                    value: text(c, "value").unwrap_or(""),
                    unit: text(c, "unit").unwrap_or(""),
                    speaker: text(c, "speaker"),
                    role: text(c, "role"),
                    publisher: text(c, "publisher"),
                    url: text(c, "url"),
                    title: text(c, "title"),
                    said_on: text(c, "said_on").map(Cow::Borrowed),
                    quote: text(c, "quote"),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Reviewed {
            subject: name,
            label: subject["label"].as_str().unwrap_or(name),
            status: subject["status"].as_str().unwrap_or(""),
            settled: !subject["figure"].is_null()
                && subject["candidates"].as_array().is_none_or(Vec::is_empty),
            claims,
        })
    }
}

/// One JSON-LD document for a subject of `reckon reconcile --format json` ([`Reviewed`]): a
/// ClaimReview for each claim counted in its figure or against it, as compact JSON text (keys
/// in sorted order, as a JSON map prints them), made without a JSON value. `figure_words` is
/// the figure as people read it (`9,500 to 10,500 people`). None when no claim was counted.
pub fn review_text(
    subject: &Reviewed<'_>,
    figure_words: &str,
    how: &Reviewing<'_>,
) -> Option<String> {
    let graph: Vec<Out<'_>> = subject
        .claims
        .iter()
        .map(|c| review_out(subject, c, figure_words, how))
        .collect();
    if graph.is_empty() {
        return None;
    }
    serde_json::to_string(&Written {
        context: "https://schema.org",
        graph,
    })
    .ok()
}

/// One claim's review.
fn review_out<'a>(
    subject: &Reviewed<'a>,
    c: &'a ReviewedClaim<'a>,
    figure_words: &str,
    how: &Reviewing<'a>,
) -> Out<'a> {
    let (value, alternate) = rating(c.relation, subject.settled);
    let label = subject.label;
    let claimed = c
        .quote
        .map_or_else(|| format!("{label}: {} {}", c.value, c.unit), str::to_owned);
    Out {
        kind: "ClaimReview",
        author: Named {
            kind: "Organization",
            job: None,
            name: how.reviewer,
        },
        claimed,
        date: how.date,
        identifier: format!("reckon:{}:{}", c.seq, c.hash),
        item: Item {
            kind: "Claim",
            appearance: [Appearance {
                kind: "CreativeWork",
                headline: c.title,
                publisher: c.publisher.map(|p| Named {
                    kind: "Organization",
                    job: None,
                    name: p,
                }),
                url: c.url,
            }],
            author: Named {
                kind: if c.speaker.is_none() {
                    "Organization"
                } else {
                    "Person"
                },
                job: c.role,
                name: c.speaker.or(c.publisher).unwrap_or("unknown"),
            },
            date: c.said_on.as_deref(),
        },
        body: format!(
            "{label} ({}): the figure is {figure_words} ({}). This claim, {}, {}: {}.",
            subject.subject, subject.status, c.value, c.relation, c.reason
        ),
        rating: Rating {
            kind: "Rating",
            alternate,
            best: 5,
            value,
            worst: 1,
        },
        url: how.url.map(|u| format!("{u}#seq-{}", c.seq)),
    }
}

// The review as it is written: each struct's fields declared in the sorted order of their
// JSON keys, so that the text is the one a JSON map (which sorts its keys) would print.

#[derive(Serialize)]
struct Written<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@graph")]
    graph: Vec<Out<'a>>,
}

#[derive(Serialize)]
struct Out<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    author: Named<'a>,
    #[serde(rename = "claimReviewed")]
    claimed: String,
    #[serde(rename = "datePublished")]
    date: &'a str,
    identifier: String,
    #[serde(rename = "itemReviewed")]
    item: Item<'a>,
    #[serde(rename = "reviewBody")]
    body: String,
    #[serde(rename = "reviewRating")]
    rating: Rating<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "jobTitle", skip_serializing_if = "Option::is_none")]
    job: Option<&'a str>,
    name: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    appearance: [Appearance<'a>; 1],
    author: Named<'a>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
}

#[derive(Serialize)]
struct Appearance<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Rating<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "alternateName")]
    alternate: &'a str,
    #[serde(rename = "bestRating")]
    best: u8,
    #[serde(rename = "ratingValue")]
    value: u8,
    #[serde(rename = "worstRating")]
    worst: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The review as it was made before [`review_text`], through JSON values: the oracle the
    /// typed writer is held to.
    /// One JSON-LD document for a subject of `reckon reconcile --format json`: a ClaimReview for
    /// each claim counted in its figure or against it. `figure_words` is the figure as people
    /// read it (`9,500 to 10,500 people`). None when no claim was counted.
    fn review_by_value(subject: &Json, figure_words: &str, how: &Reviewing<'_>) -> Option<Json> {
        let name = subject["subject"].as_str()?;
        let label = subject["label"].as_str().unwrap_or(name);
        let status = subject["status"].as_str().unwrap_or("");
        let settled = !subject["figure"].is_null()
            && subject["candidates"].as_array().is_none_or(Vec::is_empty);
        let mut graph = Vec::new();
        let claims = subject["support"]
            .as_array()
            .into_iter()
            .chain(subject["dissent"].as_array())
            .flatten()
            .filter(|c| c["counted"].as_bool().unwrap_or(false));
        for c in claims {
            let seq = c["seq"].as_u64()?;
            let relation = c["relation"].as_str().unwrap_or("");
            let (value, alternate) = rating(relation, settled);
            let value_text = c["value"].as_str().unwrap_or("");
            let who = c["speaker"]
                .as_str()
                .or_else(|| c["publisher"].as_str())
                .unwrap_or("unknown");
            let mut author = json!({"@type": if c["speaker"].is_null() { "Organization" } else { "Person" }, "name": who});
            if let Some(role) = c["role"].as_str() {
                author["jobTitle"] = role.into();
            }
            let mut appearance = json!({"@type": "CreativeWork"});
            for (from, to) in [("url", "url"), ("title", "headline")] {
                if let Some(v) = c[from].as_str() {
                    appearance[to] = v.into();
                }
            }
            if let Some(p) = c["publisher"].as_str() {
                appearance["publisher"] = json!({"@type": "Organization", "name": p});
            }
            let mut item = json!({"@type": "Claim", "author": author, "appearance": [appearance]});
            if let Some(d) = c["said_on"].as_str() {
                item["datePublished"] = d.into();
            }
            let claimed = c["quote"].as_str().map_or_else(
                || format!("{label}: {value_text} {}", c["unit"].as_str().unwrap_or("")),
                str::to_owned,
            );
            let mut r = json!({
                "@type": "ClaimReview",
                "datePublished": how.date,
                "author": {"@type": "Organization", "name": how.reviewer},
                "claimReviewed": claimed,
                "itemReviewed": item,
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": alternate,
                },
                "reviewBody": format!(
                    "{label} ({name}): the figure is {figure_words} ({status}). This claim, {value_text}, {}: {}.",
                    relation,
                    c["reason"].as_str().unwrap_or("")
                ),
                "identifier": format!("reckon:{}:{}", seq, c["hash"].as_str().unwrap_or("")),
            });
            if let Some(u) = how.url {
                r["url"] = format!("{u}#seq-{seq}").into();
            }
            graph.push(r);
        }
        (!graph.is_empty()).then(|| json!({"@context": "https://schema.org", "@graph": graph}))
    }

    const REVIEW: &str = r#"{
      "@context": "https://schema.org",
      "@type": "ClaimReview",
      "url": "https://factcheck.example/pows",
      "datePublished": "2025-05-20",
      "author": {"@type": "Organization", "name": "Example Fact Check"},
      "claimReviewed": "At least 8,000 Ukrainian service members are held captive by Russia",
      "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Iryna Vereshchuk", "jobTitle": "deputy head of the Office of the President"},
        "datePublished": "2025-05-01",
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example/a", "headline": "A headline", "publisher": {"@type": "Organization", "name": "The Kyiv Independent"}}]
      },
      "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1, "alternateName": "Mostly true"}
    }"#;

    /// Text rich in what JSON escapes.
    fn words() -> impl proptest::strategy::Strategy<Value = String> {
        "[a-z\"\\\n\u{1} é😀]{0,8}"
    }

    proptest::proptest! {
        /// The typed writer gives the text the JSON values gave, whatever each counted claim
        /// holds, whether the figure is settled, and whether the reviews have an address.
        #[test]
        fn a_review_written_typed_is_the_one_made_of_json_values(
            given in proptest::collection::vec(proptest::bool::ANY, 24),
            text in proptest::collection::vec(words(), 8),
            relations in proptest::collection::vec(0..4usize, 3),
        ) {
            let relation = |k: usize| ["agrees", "contradicts", "consistent", ""][relations[k]];
            let claim = |k: usize, counted: bool| {
                let on = |i: usize| given[(k * 7 + i) % given.len()];
                let mut c = json!({
                    "seq": 10 + k, "hash": "ab".repeat(32), "counted": counted,
                    "value": text[k], "unit": "people", "reason": text[3],
                    "said_on": "2025-05-01", "relation": relation(k),
                });
                for (i, f) in ["speaker", "role", "publisher", "url", "title", "quote"].iter().enumerate() {
                    c[*f] = if on(i) { text[(k + i) % 8].clone().into() } else { Json::Null };
                }
                if on(6) {
                    c["relation"] = Json::Null;
                }
                c
            };
            let subject = json!({
                "subject": "a/b",
                "label": if given[20] { Json::from(text[7].clone()) } else { Json::Null },
                "status": "corroborated",
                "figure": if given[21] { json!({"lo": "1"}) } else { Json::Null },
                "candidates": if given[22] { json!([{"region": {}}]) } else { json!([]) },
                "support": [claim(0, true), claim(1, given[23])],
                "dissent": [claim(2, true)],
            });
            let url = text[4].clone();
            let how = Reviewing {
                reviewer: "R \"x\"",
                url: given[19].then_some(url.as_str()),
                date: "2025-06-01",
            };
            let before = review_by_value(&subject, "1,000 people", &how);
            let typed = Reviewed::from_json(&subject).unwrap();
            let after = review_text(&typed, "1,000 people", &how);
            proptest::prop_assert_eq!(after, before.as_ref().map(Json::to_string));
        }
    }

    #[test]
    fn a_review_gives_a_claim_by_the_reviewed_author_with_the_review_as_evidence() {
        let c = read(REVIEW, Some("pows/ukraine/held-by-russia")).unwrap();
        assert_eq!(c.records.len(), 1);
        let o = &c.records[0].object;
        assert_eq!(o["subject"], "pows/ukraine/held-by-russia");
        assert_eq!(o["value"], "at least 8,000");
        assert_eq!(o["unit"], "people");
        assert_eq!(o["speaker"], "Iryna Vereshchuk");
        assert_eq!(o["role"], "deputy head of the Office of the President");
        assert_eq!(o["said_on"], "2025-05-01");
        assert_eq!(o["publisher"], "The Kyiv Independent");
        assert_eq!(o["url"], "https://news.example/a");
        assert_eq!(
            o["tags"],
            json!([
                "claimreview",
                "reviewed by: Example Fact Check",
                "rating: Mostly true"
            ])
        );
        assert_eq!(c.records[0].place, "$");
    }

    #[test]
    fn arrays_graphs_and_reviews_without_figures() {
        let no_figure = REVIEW.replace(
            "At least 8,000 Ukrainian service members are held captive by Russia",
            "Russia tortures prisoners",
        );
        let doc = format!(
            r#"{{"@context": "https://schema.org", "@graph": [{REVIEW}, {no_figure}, {{"@type": "WebPage"}}]}}"#
        );
        let c = read(&doc, None).unwrap();
        assert_eq!(c.records.len(), 1);
        assert_eq!(
            c.records[0].object["subject"],
            "draft/ukrainian-service-members"
        );
        assert_eq!(c.records[0].place, "$.@graph[0]");
        assert_eq!(
            c.skipped,
            [
                Skipped {
                    place: "$.@graph[1].claimReviewed".into(),
                    reason: "with no figure in claimReviewed".into()
                },
                Skipped {
                    place: "$.@graph[2]".into(),
                    reason: "not a ClaimReview".into()
                }
            ]
        );
        let array = format!("[{REVIEW}, {REVIEW}]");
        assert_eq!(read(&array, None).unwrap().records[1].place, "$[1]");
    }

    #[test]
    fn a_data_feed_gives_the_reviews_of_its_items() {
        // As fact-checkers publish their reviews in bulk: a DataFeed whose elements are
        // DataFeedItems, each with its review as `item` (one, or a list), or a review itself.
        let doc = format!(
            r#"{{"@context": "https://schema.org", "@type": "DataFeed", "dateModified": "2025-06-01",
                "dataFeedElement": [
                  {{"@type": "DataFeedItem", "dateCreated": "2025-05-20", "item": [{REVIEW}]}},
                  {{"@type": "DataFeedItem", "item": {REVIEW}}},
                  {REVIEW},
                  {{"@type": "DataFeedItem"}},
                  {{"@type": "https://schema.org/DataFeedItem", "item": {{"@type": "WebPage"}}}}
                ]}}"#
        );
        let c = read(&doc, None).unwrap();
        let places: Vec<&str> = c.records.iter().map(|r| r.place.as_str()).collect();
        assert_eq!(
            places,
            [
                "$.dataFeedElement[0].item[0]",
                "$.dataFeedElement[1].item",
                "$.dataFeedElement[2]"
            ]
        );
        assert_eq!(
            c.records[0].object,
            read(REVIEW, None).unwrap().records[0].object
        );
        let skipped: Vec<&str> = c.skipped.iter().map(|s| s.place.as_str()).collect();
        assert_eq!(
            skipped,
            ["$.dataFeedElement[3]", "$.dataFeedElement[4].item"]
        );
        // A type is named short, by its URL or as a compact IRI; a longer name is another type.
        let typed = |t: &str| {
            let node = serde_json::json!({ "@type": [t] });
            has_type(node.as_object().unwrap(), "ClaimReview")
        };
        assert!(typed("ClaimReview") && typed("http://schema.org/ClaimReview"));
        assert!(typed("schema:ClaimReview") && !typed("MyClaimReview"));
        // Only a feed's item is looked into: another node's `item` is not.
        let listed = format!(r#"{{"@type": "ListItem", "item": {REVIEW}}}"#);
        let c = read(&listed, None).unwrap();
        assert!(c.records.is_empty());
        assert_eq!(c.skipped[0].place, "$");
    }

    #[test]
    fn malformed_input_is_named_where_it_is() {
        let e = read("{\"@type\": \"ClaimReview\",", None).unwrap_err();
        assert!(e.place.starts_with("line 1"), "{e}");
        let bad_date = REVIEW.replace("\"2025-05-01\"", "\"May first\"");
        let e = read(&bad_date, None).unwrap_err();
        assert_eq!(e.place, "$.itemReviewed.datePublished");
    }

    /// A DataFeed of `n` reviews, each in a DataFeedItem, the second stating no figure.
    fn feed(n: usize) -> String {
        let items: Vec<String> = (0..n)
            .map(|i| {
                let review = match i {
                    1 => REVIEW.replace("At least 8,000 Ukrainian", "Ukrainian"),
                    _ => REVIEW.replace("8,000", &format!("{}", 8_000 + i)),
                };
                format!(r#"{{"@type": "DataFeedItem", "item": [{review}]}}"#)
            })
            .collect();
        format!(
            r#"{{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [{}]}}"#,
            items.join(", ")
        )
    }

    /// What [`stream`] gave of a document: its lines or its error, the count of lines given,
    /// what it skipped, and the record of each line (and of one past the last).
    type Streamed = (
        Result<String, std::io::Error>,
        usize,
        Vec<(String, usize)>,
        Vec<Option<Record>>,
    );

    /// What [`stream`] gives of `doc`, with `subject`.
    fn streamed_as(doc: &[u8], subject: Option<&str>) -> Streamed {
        stream(std::io::Cursor::new(doc.to_vec()), subject, |r| {
            let mut out = String::new();
            let got = std::io::Read::read_to_string(r, &mut out).map(|_| out);
            let records = (1..=r.count() as u64 + 1).map(|l| r.record(l)).collect();
            (got, r.count(), r.skipped_by_reason().to_vec(), records)
        })
    }

    fn streamed(doc: &[u8]) -> Streamed {
        streamed_as(doc, None)
    }

    #[test]
    fn a_feed_streamed_gives_what_the_whole_reading_gives() {
        // The fourth review states two figures, the second none.
        let doc = feed(5).replacen(
            "At least 8003 Ukrainian service members",
            "At least 8003 Ukrainian service members and 120 civilians",
            1,
        );
        for subject in [None, Some("pows/held")] {
            let whole = read(&doc, subject).unwrap();
            assert_eq!(whole.records.len(), 5);
            let (got, count, skipped, records) = streamed_as(doc.as_bytes(), subject);
            assert_eq!(got.unwrap().as_bytes(), whole.lines());
            assert_eq!(count, 5);
            assert_eq!(skipped, whole.skipped_by_reason());
            // Each line's record names where it came from as the whole reading does.
            for (kept, made) in records.iter().zip(&whole.records) {
                let kept = kept.as_ref().unwrap();
                assert_eq!((&kept.place, &kept.sources), (&made.place, &made.sources));
                assert!(kept.object.is_empty());
            }
            assert!(records[5].is_none());
            assert_eq!(
                records[3].as_ref().unwrap().place,
                "$.dataFeedElement[3].item[0] (figure 2 of 2)"
            );
        }
        // A byte order mark first, as some writers put there, is passed over.
        let marked = [b"\xEF\xBB\xBF".as_slice(), doc.as_bytes()].concat();
        let whole = read(&doc, None).unwrap();
        assert_eq!(streamed(&marked).0.unwrap().as_bytes(), whole.lines());
        // The other layouts: a list, a graph, one review.
        for doc in [
            format!("[{REVIEW}, {REVIEW}]"),
            format!(
                r#"{{"@context": "https://schema.org", "@graph": [{REVIEW}, {{"@type": "WebPage"}}]}}"#
            ),
            REVIEW.to_owned(),
            "3".to_owned(),
        ] {
            let whole = read(&doc, None).unwrap();
            let (got, _, skipped, _) = streamed(doc.as_bytes());
            assert_eq!(got.unwrap().as_bytes(), whole.lines(), "{doc}");
            assert_eq!(skipped, whole.skipped_by_reason(), "{doc}");
        }
    }

    /// How many reviews [`Endless`] gives before it closes: far more than a reader that goes
    /// a review at a time reads ahead, so that one that reads the whole feed first is seen
    /// to, and ends.
    const LONG: usize = 20_000;

    /// A long DataFeed ([`LONG`] reviews), counting the bytes it was asked for.
    struct Endless {
        served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        made: Vec<u8>,
        at: usize,
        next: usize,
    }

    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.made.len() {
                self.made = match self.next {
                    n if n > LONG => return Ok(0),
                    LONG => b"{}]}".to_vec(),
                    n => format!(r#"{{"@type": "DataFeedItem", "item": {REVIEW}}}, "#)
                        .replace("8,000", &format!("{}", 8_000 + n))
                        .into_bytes(),
                };
                self.next += 1;
                self.at = 0;
            }
            let n = crate::give(&self.made, &mut self.at, buf);
            self.served
                .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            Ok(n)
        }
    }

    #[test]
    fn a_feed_is_never_held_whole_and_stops_being_read_when_its_reader_does() {
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let endless = Endless {
            served: served.clone(),
            made: br#"{"@type": "DataFeed", "dataFeedElement": ["#.to_vec(),
            at: 0,
            next: 0,
        };
        let (first, read) = stream(endless, None, |r| {
            let mut line = String::new();
            let first = std::io::BufRead::read_line(&mut std::io::BufReader::new(r), &mut line)
                .map(|_| line);
            // Time for a reader that did not wait for this one to read on far.
            std::thread::sleep(std::time::Duration::from_millis(300));
            (first, served.load(std::sync::atomic::Ordering::Relaxed))
        });
        let first = first.unwrap();
        assert!(first.contains("\"at least 8000\""), "{first}");
        // Read ahead by the buffer and the reviews on their way, no more; and it returned.
        assert!(read < 1 << 20, "read {read} bytes for one review");
    }

    /// Input that gives one review of a feed and then waits for more, as a terminal does,
    /// until it is let go (`release` sent or dropped) or a long time passes.
    struct Waiting {
        first: Vec<u8>,
        at: usize,
        release: std::sync::mpsc::Receiver<()>,
        waited_out: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl std::io::Read for Waiting {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at < self.first.len() {
                return Ok(crate::give(&self.first, &mut self.at, buf));
            }
            let waited = self
                .release
                .recv_timeout(std::time::Duration::from_secs(30));
            if waited == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                self.waited_out
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(0)
        }
    }

    /// A reader that stops early (an importer's error) is not held until the input ends: the
    /// input here is let go only once `stream` has returned, so a `stream` that waited for
    /// its reading thread would wait out the input's 30 seconds (and fail here).
    #[test]
    fn a_reader_that_stops_early_is_not_held_by_input_that_has_not_ended() {
        let (release, wait) = std::sync::mpsc::channel();
        let waited_out = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let input = Waiting {
            first: format!(r#"{{"@type": "DataFeed", "dataFeedElement": [{REVIEW}, "#).into_bytes(),
            at: 0,
            release: wait,
            waited_out: waited_out.clone(),
        };
        let first = stream(input, None, |r| {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut std::io::BufReader::new(r), &mut line).map(|_| line)
        });
        let _ = release.send(());
        let first = first.unwrap();
        assert!(first.contains("8,000"), "{first}");
        assert!(!waited_out.load(std::sync::atomic::Ordering::SeqCst));
    }

    /// Input that says when it is dropped (with the thread that read it, as it exits).
    struct Told {
        bytes: std::io::Cursor<Vec<u8>>,
        dropped: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl std::io::Read for Told {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.bytes.read(buf)
        }
    }

    impl Drop for Told {
        fn drop(&mut self) {
            // Late, after the thread's last word: a `stream` that did not wait for the
            // thread returns before this.
            std::thread::sleep(std::time::Duration::from_millis(100));
            self.dropped
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// A reading taken to its end (or to the document's error) leaves no thread behind: the
    /// reading thread, which has said its last, is waited for, so its input is gone by the
    /// time `stream` returns (a thread left running is what a leak check reports).
    #[test]
    fn a_reading_taken_to_its_end_leaves_no_thread_behind() {
        for doc in [
            feed(3),
            feed(3).replacen("\"2025-05-01\"", "\"May first\"", 1),
        ] {
            let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let input = Told {
                bytes: std::io::Cursor::new(doc.into_bytes()),
                dropped: dropped.clone(),
            };
            let _ = stream(input, None, |r| {
                let mut out = String::new();
                std::io::Read::read_to_string(r, &mut out)
            });
            assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
        }
    }

    /// Input whose reading fails in a way the reader cannot tell (here, a panic on its
    /// thread).
    struct Dying;

    impl std::io::Read for Dying {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            panic!("the input died (a panic this test makes)")
        }
    }

    /// A reading thread that ends without saying the document ended makes the reading fail:
    /// never an import of what came before as if it were all.
    #[test]
    fn a_reading_thread_that_dies_fails_the_reading_rather_than_ending_it() {
        let got = stream(Dying, None, |r| {
            let mut out = String::new();
            std::io::Read::read_to_string(r, &mut out)
        });
        let e = got.unwrap_err();
        assert!(
            e.to_string().contains("before the end of the document"),
            "{e}"
        );
    }

    #[test]
    fn what_is_wrong_in_a_streamed_document_is_named_where_it_is() {
        let error_of = |doc: &str| {
            let e = streamed(doc.as_bytes()).0.unwrap_err();
            crate::carried(&e).unwrap().clone()
        };
        let e = error_of(&feed(3).replacen("\"2025-05-01\"", "\"May first\"", 2));
        assert_eq!(
            e.place,
            "$.dataFeedElement[0].item[0].itemReviewed.datePublished"
        );
        let cut = feed(3);
        let e = error_of(&cut[..cut.len() - 3]);
        assert!(e.place.starts_with("line "), "{e}");
        assert!(e.message.starts_with("not JSON"), "{e}");
        let e = error_of(&format!("{} trailing", feed(1)));
        assert!(e.message.starts_with("not JSON"), "{e}");
    }
}
