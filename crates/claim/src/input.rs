//! Reading one line of the import contract (JSON Lines) into an [`Event`].
//!
//! A line is a claim object as PRODUCT.md defines it, or one of three other events, told apart
//! by their first field name:
//!
//! ```text
//! {"subject": …, "value": …, "said_on": …, "speaker"|"publisher": …, …}   a claim
//! {"define": SUBJECT, "label"?, "unit"?, "window"?, "tolerance"?, "sum_of"?, "precision"?,
//!  "kind"?}
//!                                                                         a subject definition
//! {"alias": SUBJECT, "same_as": SUBJECT}                                  an alias
//! {"retract": REF, "reason": TEXT}                                         a retraction
//! ```
//!
//! A claim may carry `"supersedes": REF`. A REF names an earlier claim by its log sequence
//! number (a JSON integer) or by its entry hash or a unique prefix of it (a string of at least
//! eight hex digits); the caller's resolver turns it into a full hash.
//!
//! Every error carries the column (in characters, from 1) and the field it is about.

use crate::date::Period;
use crate::model::{
    Claim, EntryHash, Event, Figure, Kind, Modality, Precision, Subject, SubjectDef, Window,
};
use crate::suggest::nearest;
use crate::value::Tolerance;
use serde_json::Value as Json;
use std::fmt;

/// A reference to an earlier entry, as written in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    /// A log sequence number.
    Seq(u64),
    /// A hash or hash prefix, lowercase hex.
    Hash(String),
}

/// A reference as a user types it (`12`, `#12`, a hash prefix) in the JSON an import line
/// gives it: a sequence number as a number, anything else as text.
pub fn reference_json(id: &str) -> Json {
    let t = id.trim();
    let digits = t.strip_prefix('#').unwrap_or(t);
    match digits.parse::<u64>() {
        Ok(n) if digits.len() < 12 => Json::from(n),
        _ => Json::from(t),
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ref::Seq(n) => write!(f, "#{n}"),
            Ref::Hash(h) => f.write_str(h),
        }
    }
}

/// What went wrong on a line, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Column in characters, from 1.
    pub column: usize,
    /// The field the error is about, if any.
    pub field: Option<String>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(
                f,
                "column {}, field `{field}`: {}",
                self.column, self.message
            ),
            None => write!(f, "column {}: {}", self.column, self.message),
        }
    }
}

/// The fields of a claim line.
pub const CLAIM_FIELDS: &[&str] = &[
    "subject",
    "value",
    "unit",
    "scope",
    "as_of",
    "said_on",
    "speaker",
    "role",
    "cites",
    "publisher",
    "url",
    "title",
    "document",
    "document_hash",
    "quote",
    "modality",
    "tags",
    "supersedes",
    "precision",
    "exported",
];
const DEFINE_FIELDS: &[&str] = &[
    "define",
    "label",
    "unit",
    "window",
    "tolerance",
    "sum_of",
    "precision",
    "kind",
];
const ALIAS_FIELDS: &[&str] = &["alias", "same_as"];
const RETRACT_FIELDS: &[&str] = &["retract", "reason"];
const TRUST_FIELDS: &[&str] = &["trust", "prior", "strength", "reason"];

/// The column (in characters, from 1) where the value of top-level `field` starts in `line`,
/// for errors found after a line was read (such as a reference to a retracted claim).
pub fn value_column(line: &str, field: &str) -> Option<usize> {
    scan_keys(line)
        .into_iter()
        .find(|k| k.name == field)
        .map(|k| col(line, k.value_byte))
}

/// A top-level key with the byte offsets of its name and its value; columns are counted only
/// when an error needs one.
struct Key<'l> {
    /// The name, borrowed from the line unless it is written with escapes.
    name: std::borrow::Cow<'l, str>,
    key_byte: usize,
    value_byte: usize,
}

/// The character column of serde_json's byte column (from 1) in a one-line text.
fn char_column(line: &str, byte_column: usize) -> usize {
    let mut b = byte_column.saturating_sub(1).min(line.len());
    while !line.is_char_boundary(b) {
        b -= 1;
    }
    line[..b].chars().count() + 1
}

/// The column (in characters, from 1) of a byte offset in `line`.
fn col(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(1, |p| p.chars().count() + 1)
}

/// Reads one line into an event; `resolve` turns references into entry hashes, given the
/// field they stand in (`retract` or `supersedes`) so that it can check what they point at.
pub fn parse_line(
    line: &str,
    resolve: &mut dyn FnMut(&str, &Ref) -> Result<EntryHash, String>,
) -> Result<Event, FieldError> {
    let json: Top = serde_json::from_str(line).map_err(|e| FieldError {
        // serde_json counts bytes; columns here count characters.
        column: char_column(line, e.column()),
        field: None,
        message: format!("malformed JSON: {}", strip_position(&e.to_string())),
    })?;
    let Top::Object(map) = json else {
        return Err(FieldError {
            column: first_non_space_col(line),
            field: None,
            message: "expected a JSON object (`{…}`) on each line".into(),
        });
    };
    let keys = scan_keys(line);
    // The first key whose name came before it. A line has a dozen keys or so, each compared
    // with those before it; past a few dozen (a hostile line may hold many thousands), a set.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, k) in keys.iter().enumerate() {
        let again = match keys.len() <= 32 {
            true => keys[..i].iter().any(|before| before.name == k.name),
            false => !seen.insert(&k.name),
        };
        if again {
            return Err(FieldError {
                column: col(line, k.key_byte),
                field: Some(k.name.clone().into_owned()),
                message: "field given twice".into(),
            });
        }
    }
    let has = |name: &str| map.iter().any(|(k, _)| k == name);
    let (kind, allowed) = if has("define") {
        ("definition", DEFINE_FIELDS)
    } else if has("alias") {
        ("alias", ALIAS_FIELDS)
    } else if has("retract") {
        ("retraction", RETRACT_FIELDS)
    } else if has("trust") {
        ("trust", TRUST_FIELDS)
    } else {
        ("claim", CLAIM_FIELDS)
    };
    for k in &keys {
        if !allowed.contains(&&*k.name) {
            let near = nearest(&k.name, allowed.iter().copied(), 1);
            let hint = match near.first() {
                Some(n) => format!("; did you mean `{n}`?"),
                None => format!("; a {kind} has the fields {}", allowed.join(", ")),
            };
            return Err(FieldError {
                column: col(line, k.key_byte),
                field: Some(clip(&k.name, 60)),
                message: format!("unknown field in a {kind}{hint}"),
            });
        }
    }
    let f = Fields {
        map: &map,
        keys: &keys,
        line,
    };
    match kind {
        "definition" => parse_define(&f),
        "alias" => Ok(Event::Alias {
            subject: f.subject("alias")?,
            same_as: f.subject("same_as")?,
        }),
        "retraction" => Ok(Event::Retract {
            claim: f.reference("retract", resolve)?,
            reason: f.req_text("reason")?,
        }),
        "trust" => parse_trust(&f),
        _ => parse_claim(&f, resolve),
    }
}

fn parse_trust(f: &Fields<'_>) -> Result<Event, FieldError> {
    let origin = f.req_text("trust")?;
    let prior = match f.get("prior") {
        Some(Json::Number(n)) => {
            crate::model::Prior::parse(&n.to_string()).map_err(|m| f.bad("prior", m))?
        }
        Some(other) => {
            return Err(f.bad(
                "prior",
                format!("expected a number such as 0.9, found {}", type_name(other)),
            ));
        }
        None => return Err(f.missing("prior")),
    };
    let strength = match f.get("strength") {
        None => None,
        Some(Json::Number(n)) => match n.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) if (1..=1_000_000).contains(&v) => Some(v),
            _ => {
                return Err(f.bad(
                    "strength",
                    "expected a whole number of subjects from 1 to 1000000".into(),
                ));
            }
        },
        Some(other) => {
            return Err(f.bad(
                "strength",
                format!("expected a whole number, found {}", type_name(other)),
            ));
        }
    };
    Ok(Event::Trust(crate::model::TrustDecl {
        origin,
        prior,
        strength,
        reason: f.req_text("reason")?,
    }))
}

/// `exported`: where `reckon export` found the claim (its `seq`, `hash` and `state` in the log
/// it came from). It is not recorded: the claim takes its own place in this log. A claim that
/// was withdrawn there is refused rather than brought back to life here.
fn exported(f: &Fields<'_>) -> Result<(), FieldError> {
    match f.get("exported") {
        None => Ok(()),
        Some(Json::Object(m)) => match m.get("state").and_then(Json::as_str) {
            None | Some("live") => Ok(()),
            Some(state) => Err(f.bad(
                "exported",
                format!(
                    "the claim was {state} in the log it was exported from; importing it would \
                     make it live here (export without --all, or leave it out)"
                ),
            )),
        },
        Some(other) => Err(f.bad(
            "exported",
            format!(
                "expected the object `reckon export` writes, found {}",
                type_name(other)
            ),
        )),
    }
}

fn parse_claim(
    f: &Fields<'_>,
    resolve: &mut dyn FnMut(&str, &Ref) -> Result<EntryHash, String>,
) -> Result<Event, FieldError> {
    let subject = f.subject("subject")?;
    let value = f.figure("value")?;
    let said_on = f.period("said_on")?.ok_or_else(|| f.missing("said_on"))?;
    let speaker = f.text("speaker")?;
    let publisher = f.text("publisher")?;
    if speaker.is_none() && publisher.is_none() {
        return Err(FieldError {
            column: 1,
            field: Some("speaker".into()),
            message: "missing: a claim needs a `speaker` or a `publisher` (or both)".into(),
        });
    }
    let modality = match f.text("modality")? {
        None => Modality::Asserted,
        Some(m) => Modality::parse(&m).ok_or_else(|| {
            f.bad(
                "modality",
                "expected `asserted`, `expected` or `denied`".into(),
            )
        })?,
    };
    let supersedes = match f.get("supersedes") {
        None => None,
        Some(_) => Some(f.reference("supersedes", resolve)?),
    };
    exported(f)?;
    Ok(Event::Claim(Claim {
        subject,
        value,
        unit: f.text("unit")?.unwrap_or_else(|| "count".into()),
        scope: f.text("scope")?,
        as_of: f.period("as_of")?,
        said_on,
        speaker,
        role: f.text("role")?,
        cites: f.text("cites")?,
        publisher,
        url: f.text("url")?,
        title: f.text("title")?,
        document: match f.text("document")? {
            Some(d) => Some(
                crate::model::check_document_name(&d)
                    .map(|()| d)
                    .map_err(|m| f.bad("document", m))?,
            ),
            None => None,
        },
        document_hash: match f.text("document_hash")? {
            None => None,
            Some(_) if f.get("document").is_none() => {
                return Err(f.bad(
                    "document_hash",
                    "a document hash needs the `document` it is the hash of".into(),
                ));
            }
            Some(h) => Some(crate::model::DocumentHash::from_hex(&h).ok_or_else(|| {
                f.bad(
                    "document_hash",
                    "expected 64 lowercase hex digits: the blake3 of the document's bytes".into(),
                )
            })?),
        },
        quote: f.text("quote")?,
        modality,
        tags: f.list("tags")?,
        supersedes,
        precision: f.precision()?,
    }))
}

fn parse_define(f: &Fields<'_>) -> Result<Event, FieldError> {
    let window = match f.text("window")? {
        None => None,
        Some(w) => Some(Window::parse(&w).map_err(|m| f.bad("window", m))?),
    };
    let tolerance = match f.text("tolerance")? {
        None => None,
        Some(t) => Some(Tolerance::parse(&t).map_err(|e| f.bad("tolerance", e.message))?),
    };
    let mut sum_of = Vec::new();
    for s in f.list("sum_of")? {
        sum_of.push(Subject::parse(&s).map_err(|m| f.bad("sum_of", m))?);
    }
    Ok(Event::Define(SubjectDef {
        subject: f.subject("define")?,
        label: f.text("label")?,
        unit: f.text("unit")?,
        window,
        tolerance,
        sum_of,
        precision: f.precision()?,
        kind: match f.text("kind")? {
            None => None,
            Some(k) => Some(Kind::parse(&k).ok_or_else(|| {
                f.bad(
                    "kind",
                    "expected `level` (a figure that may go up or down), `running-total` (a figure that never decreases) or `range` (a figure whose two ends are both facts)".into(),
                )
            })?),
        },
    }))
}

/// A line read as JSON: an object's members as written, in order, or anything else. A line
/// has a dozen members or so: they are found by looking along them, with no map built.
enum Top {
    Object(Vec<(String, Json)>),
    Other,
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Top, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Top, A::Error> {
                let mut members = Vec::with_capacity(m.size_hint().unwrap_or(16));
                while let Some(member) = m.next_entry::<String, Json>()? {
                    members.push(member);
                }
                Ok(Top::Object(members))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Top, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Top::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_unit<E>(self) -> Result<Top, E> {
                Ok(Top::Other)
            }
        }
        d.deserialize_any(Visit)
    }
}

struct Fields<'a> {
    /// The line's members, as written (a member given twice is refused before they are read).
    map: &'a [(String, Json)],
    keys: &'a [Key<'a>],
    line: &'a str,
}

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&Json> {
        // The last of a name, as a JSON map keeps it.
        self.map
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn precision(&self) -> Result<Option<Precision>, FieldError> {
        match self.text("precision")? {
            None => Ok(None),
            Some(p) => Precision::parse(&p).map(Some).ok_or_else(|| {
                self.bad(
                    "precision",
                    "expected `exact` (the figure is meant exactly, however round) or `digits` (a round figure may be a rounding)".into(),
                )
            }),
        }
    }

    fn key(&self, name: &str) -> Option<&Key<'_>> {
        self.keys.iter().find(|k| k.name == name)
    }

    fn col(&self, name: &str) -> usize {
        self.key(name).map_or(1, |k| col(self.line, k.value_byte))
    }

    /// The column of a byte offset inside a string field's text (after the opening quote).
    fn col_in(&self, name: &str, byte_in_text: usize) -> usize {
        let Some(k) = self.key(name) else { return 1 };
        // Count characters of the raw JSON string up to the offset; escapes make this
        // approximate, so it falls back to the field's start when they are present.
        let raw = &self.line[k.value_byte + 1..];
        let prefix: String = raw.chars().take_while(|c| *c != '"').collect();
        let value_col = col(self.line, k.value_byte);
        if prefix.contains('\\') {
            return value_col;
        }
        let upto = prefix
            .char_indices()
            .take_while(|(i, _)| *i < byte_in_text)
            .count();
        value_col + 1 + upto
    }

    fn bad(&self, name: &str, message: String) -> FieldError {
        FieldError {
            column: self.col(name),
            field: Some(name.into()),
            message,
        }
    }

    fn missing(&self, name: &str) -> FieldError {
        FieldError {
            column: 1,
            field: Some(name.into()),
            message: "missing required field".into(),
        }
    }

    fn text(&self, name: &str) -> Result<Option<String>, FieldError> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::String(s)) if s.trim().is_empty() => Err(self.bad(
                name,
                "must not be empty (leave the field out instead)".into(),
            )),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.bad(
                name,
                format!("expected a string, found {}", type_name(other)),
            )),
        }
    }

    fn req_text(&self, name: &str) -> Result<String, FieldError> {
        self.text(name)?.ok_or_else(|| self.missing(name))
    }

    fn subject(&self, name: &str) -> Result<Subject, FieldError> {
        let s = self.req_text(name)?;
        Subject::parse(&s).map_err(|m| self.bad(name, m))
    }

    fn figure(&self, name: &str) -> Result<Figure, FieldError> {
        let text = match self.get(name) {
            Some(Json::Number(n)) => n.to_string(),
            _ => self.req_text(name)?,
        };
        Figure::parse(&text).map_err(|e| FieldError {
            column: self.col_in(name, e.offset),
            field: Some(name.into()),
            message: e.message,
        })
    }

    fn period(&self, name: &str) -> Result<Option<Period>, FieldError> {
        let Some(s) = self.text(name)? else {
            return Ok(None);
        };
        Period::parse(&s).map(Some).map_err(|e| FieldError {
            column: self.col_in(name, e.offset),
            field: Some(name.into()),
            message: e.message,
        })
    }

    fn list(&self, name: &str) -> Result<Vec<String>, FieldError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Json::String(s) if !s.trim().is_empty() => Ok(s.clone()),
                    Json::String(_) => Err(self.bad(name, "an entry of the list is empty".into())),
                    other => Err(self.bad(
                        name,
                        format!(
                            "expected a list of strings, found {} in it",
                            type_name(other)
                        ),
                    )),
                })
                .collect(),
            Some(other) => Err(self.bad(
                name,
                format!(
                    "expected a list of strings like [\"a\", \"b\"], found {}",
                    type_name(other)
                ),
            )),
        }
    }

    fn reference(
        &self,
        name: &str,
        resolve: &mut dyn FnMut(&str, &Ref) -> Result<EntryHash, String>,
    ) -> Result<EntryHash, FieldError> {
        let r = match self.get(name) {
            Some(Json::Number(n)) => match n.as_u64() {
                Some(s) if s >= 1 => Ref::Seq(s),
                _ => {
                    return Err(self.bad(name, "a sequence number is a whole number from 1".into()));
                }
            },
            Some(Json::String(s)) => {
                let ok = s.len() >= 4
                    && s.len() <= 64
                    && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !ok {
                    return Err(self.bad(
                        name,
                        format!("expected a sequence number or at least 4 lowercase hex digits of an entry hash (as `show` takes), not `{s}`"),
                    ));
                }
                Ref::Hash(s.clone())
            }
            Some(other) => {
                return Err(self.bad(
                    name,
                    format!(
                        "expected a sequence number or an entry hash, found {}",
                        type_name(other)
                    ),
                ));
            }
            None => return Err(self.missing(name)),
        };
        resolve(name, &r).map_err(|m| self.bad(name, m))
    }
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn first_non_space_col(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count() + 1
}

/// Lists the top-level keys of a line already known to be a valid JSON object.
fn scan_keys(line: &str) -> Vec<Key<'_>> {
    let b = line.as_bytes();
    let mut keys = Vec::new();
    let mut i = match line.find('{') {
        Some(p) => p + 1,
        None => return keys,
    };
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() || b[i] != b'"' {
            break;
        }
        let key_start = i;
        i = skip_string(b, i);
        let raw = &line[key_start..i];
        let name = if raw.contains('\\') {
            std::borrow::Cow::Owned(serde_json::from_str(raw).unwrap_or_default())
        } else {
            // Between the quotes; an unterminated key (the line is cut short) has no closing one.
            let inner = raw.strip_prefix('"').unwrap_or(raw);
            std::borrow::Cow::Borrowed(inner.strip_suffix('"').unwrap_or(inner))
        };
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b':') {
            i += 1;
        }
        keys.push(Key {
            name,
            key_byte: key_start,
            value_byte: i,
        });
        i = skip_value(b, i);
    }
    keys
}

/// Returns the offset just past the string starting at `i` (which is a `"`).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn skip_value(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return i,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

/// At most `max` characters of `s`, with `…` where it was cut: for echoing input in messages.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod key_scan_tests {
    use super::*;

    /// The code review found `value_column` slicing past a key cut short; any text is safe.
    #[test]
    fn value_column_never_panics_on_text_that_is_not_json() {
        for text in ["{\"", "{\"é", "{\"a", "\"", "{\"a\":", "{\"\\", ""] {
            let _ = value_column(text, "a");
        }
        assert_eq!(value_column(r#"{"a": 1}"#, "a"), Some(7));
    }

    /// The byte-versus-character column fix (commit 99ea901) as a named regression test:
    /// columns count characters, so an error after non-ASCII text points at the right one.
    #[test]
    fn columns_count_characters_after_non_ascii_text() {
        let line = r#"{"subject": "é/ü", "value": "5", "said_on": "2025", "speaker": "Ж", "x": 1}"#;
        let e = parse_line(line, &mut |_, _| Err(String::new())).unwrap_err();
        let expected = line.chars().position(|c| c == 'x').unwrap();
        assert_eq!(e.column, expected, "{e}");
        let bad = "{\"speaker\": \"Ж\", ";
        let e = parse_line(bad, &mut |_, _| Err(String::new())).unwrap_err();
        assert!(e.column <= bad.chars().count() + 1, "{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_refs(_: &str, _: &Ref) -> Result<EntryHash, String> {
        Err("no log here".into())
    }

    fn err(line: &str) -> String {
        match parse_line(line, &mut no_refs) {
            Ok(e) => format!("ok: {e:?}"),
            Err(e) => e.to_string(),
        }
    }

    const GOOD: &str = r#"{"subject": "pows/held", "value": "at least 8,000", "said_on": "2025-05-01", "speaker": "A"}"#;

    #[test]
    fn reads_a_minimal_claim_with_defaults() {
        let Ok(Event::Claim(c)) = parse_line(GOOD, &mut no_refs) else {
            panic!("{}", err(GOOD))
        };
        assert_eq!(c.unit, "count");
        assert_eq!(c.value.stated(), "at least 8,000");
        assert_eq!(c.modality, Modality::Asserted);
        assert_eq!(c.origin(), "A");
    }

    #[test]
    fn errors_name_column_and_field() {
        assert_eq!(
            err(
                r#"{"subject": "pows/held", "value": "at lest 8,000", "said_on": "2025", "speaker": "A"}"#
            ),
            "column 36, field `value`: expected a figure like `1,000`, `at least 8,000`, `up to 1,000`, `more than 5000`, `about 10,000 ±5%` or `between 300 and 400`"
        );
        assert_eq!(
            err(r#"{"subject": "pows/held", "value": "1,00", "said_on": "2025", "speaker": "A"}"#),
            "column 40, field `value`: thousands separators must split digits into groups of three in `1,00`"
        );
        assert_eq!(
            err(r#"{"subject": "pows/held", "value": "5", "said_on": "2025", "speeker": "A"}"#),
            "column 59, field `speeker`: unknown field in a claim; did you mean `speaker`?"
        );
        assert_eq!(
            err(
                r#"{"subject": "pows/held", "value": "5", "said_on": "2025-02-30", "speaker": "A"}"#
            ),
            "column 60, field `said_on`: 2025-02-30 does not exist (that month has 28 days)"
        );
        assert_eq!(
            err(r#"{"subject": "pows/held", "value": "5", "speaker": "A"}"#),
            "column 1, field `said_on`: missing required field"
        );
        assert_eq!(
            err(r#"{"subject": "pows/held", "value": "5", "said_on": "2025", "speaker": 7}"#),
            "column 70, field `speaker`: expected a string, found a number"
        );
        assert_eq!(
            err(r#"{"subject": "x", "value": }"#),
            "column 27: malformed JSON: expected value"
        );
        // Every other kind of JSON value, read whole and refused.
        for other in [
            "[1]",
            "[{\"a\": [1, {}]}]",
            "\"text\"",
            "7",
            "-1.5",
            "null",
            "true",
        ] {
            assert_eq!(
                err(other),
                "column 1: expected a JSON object (`{…}`) on each line",
                "{other}"
            );
        }
        assert_eq!(
            err("[1] x"),
            "column 5: malformed JSON: trailing characters"
        );
        assert_eq!(
            err(r#"{"subject": "a", "value": "5", "said_on": "2025", "speaker": {"name": "A"}}"#),
            "column 62, field `speaker`: expected a string, found an object"
        );
        assert_eq!(
            err(
                r#"{"subject": "a", "subject": "b", "value": "5", "said_on": "2025", "speaker": "A"}"#
            ),
            "column 18, field `subject`: field given twice"
        );
        // Of two names given twice, the one repeated first is told.
        assert_eq!(
            err(r#"{"subject": "a", "value": "5", "value": "6", "subject": "b"}"#),
            "column 32, field `value`: field given twice"
        );
        // The same on a line of many keys (looked up in a set there).
        let many: Vec<String> = (0..40).map(|i| format!(r#""k{i}":1"#)).collect();
        let line = format!(r#"{{{},"k7":2,"k3":2}}"#, many.join(","));
        let at = line.find(r#""k7":2"#).unwrap() + 1;
        assert_eq!(
            err(&line),
            format!("column {at}, field `k7`: field given twice")
        );
    }
}
