//! A claim event read by hand in the one form an append writes it: `{"type":"claim"` and
//! then each field present in the order [`Claim`](crate::Claim) declares them, every value a
//! string (the tags an array of strings) without escapes, no space anywhere. That is nearly
//! every line of a log, and reading it this way costs a fraction of a general JSON read.
//!
//! Each reader here answers `None` for anything else (another order, a repeated or unknown
//! field, an escape, a `null`, a space, a value its type refuses), and its caller then reads
//! the event with serde as before, which accepts it or says what is wrong: so what a reader
//! here accepts is exactly what serde accepts, read the same. The property tests hold it to
//! that.

use crate::model::ClaimTag;
use crate::{
    ClaimView, ClaimWords, DocumentHash, EntryHash, Figure, Modality, Period, Precision, Subject,
};
use std::borrow::Cow;

// Each field's place in the order `Claim` declares (and so writes) them.
const SUBJECT: usize = 0;
const VALUE: usize = 1;
const UNIT: usize = 2;
const SCOPE: usize = 3;
const AS_OF: usize = 4;
const SAID_ON: usize = 5;
const SPEAKER: usize = 6;
const ROLE: usize = 7;
const CITES: usize = 8;
const PUBLISHER: usize = 9;
const URL: usize = 10;
const TITLE: usize = 11;
const DOCUMENT: usize = 12;
const DOCUMENT_HASH: usize = 13;
const QUOTE: usize = 14;
const MODALITY: usize = 15;
const TAGS: usize = 16;
const SUPERSEDES: usize = 17;
const PRECISION: usize = 18;
/// How many fields a claim has.
const FIELDS: usize = 19;

/// Each field's text as written: a string's characters between its quotes; for the tags,
/// what is between the brackets (`"a","b"`, or nothing).
type Raw<'a> = [Option<&'a str>; FIELDS];

/// The fields of a claim event in the written form (see the module docs), or `None`.
fn fields(json: &str) -> Option<Raw<'_>> {
    let rest = json.strip_prefix(r#"{"type":"claim""#)?;
    let b = rest.as_bytes();
    let mut out: Raw<'_> = [None; FIELDS];
    // The first field that may still come: each comes once, in order.
    let mut next = 0;
    let mut i = 0;
    loop {
        match b.get(i)? {
            b'}' => return (i + 1 == b.len()).then_some(out),
            b',' => i += 1,
            _ => return None,
        }
        let (key, after) = string(rest, i)?;
        i = after;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        let k = place(key).filter(|k| *k >= next)?;
        next = k + 1;
        if k == TAGS {
            let (tags, after) = tags(rest, i)?;
            out[k] = Some(tags);
            i = after;
        } else {
            let (text, after) = string(rest, i)?;
            out[k] = Some(text);
            i = after;
        }
    }
}

/// A field's place in the written order.
fn place(key: &str) -> Option<usize> {
    Some(match key {
        "subject" => SUBJECT,
        "value" => VALUE,
        "unit" => UNIT,
        "scope" => SCOPE,
        "as_of" => AS_OF,
        "said_on" => SAID_ON,
        "speaker" => SPEAKER,
        "role" => ROLE,
        "cites" => CITES,
        "publisher" => PUBLISHER,
        "url" => URL,
        "title" => TITLE,
        "document" => DOCUMENT,
        "document_hash" => DOCUMENT_HASH,
        "quote" => QUOTE,
        "modality" => MODALITY,
        "tags" => TAGS,
        "supersedes" => SUPERSEDES,
        "precision" => PRECISION,
        _ => return None,
    })
}

/// The JSON string starting at byte `i` of `s` (at its opening quote), if it holds no escape
/// and no control character: its characters, and where it ends (past the closing quote).
fn string(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let start = i + 1;
    let tail = b.get(start..)?;
    let len = memchr::memchr(b'"', tail)?;
    // The closing quote when no escape (which an escaped quote would follow) and no control
    // character comes before it. Every byte is looked at, with no early exit: the compiler
    // then checks many at a time. A quote is ASCII, so `end` is on a character boundary.
    let plain = !tail[..len]
        .iter()
        .fold(false, |bad, &c| bad | (c == b'\\') | (c < 0x20));
    let end = start + len;
    plain.then(|| (&s[start..end], end + 1))
}

/// The array of strings starting at byte `i` of `s` (at its bracket): what is between the
/// brackets, and where it ends.
fn tags(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let start = i + 1;
    if b.get(start) == Some(&b']') {
        return Some(("", start + 1));
    }
    let mut at = start;
    loop {
        let (_, after) = string(s, at)?;
        match b.get(after)? {
            b',' => at = after + 1,
            b']' => return Some((&s[start..after], after + 1)),
            _ => return None,
        }
    }
}

/// The tags' strings from what [`tags`] found between the brackets.
fn each_tag(between: &str) -> Vec<Cow<'_, str>> {
    // No string holds a quote (there are no escapes): splitting `"a","b"` at its quotes
    // gives "", a, ",", b, "", the tags every second piece.
    between
        .split('"')
        .skip(1)
        .step_by(2)
        .map(Cow::Borrowed)
        .collect()
}

/// A field read by `parse`, when it is there: `Some(None)` when it is not, `None` when it is
/// there and refused.
fn optional<'a, T, E>(
    raw: Option<&'a str>,
    parse: impl FnOnce(&'a str) -> Result<T, E>,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(text) => parse(text).ok().map(Some),
    }
}

fn borrowed(raw: Option<&str>) -> Option<Cow<'_, str>> {
    raw.map(Cow::Borrowed)
}

impl<'a> ClaimView<'a> {
    /// A claim event (`{"type":"claim",…}`) read by hand when it is in the form an append
    /// writes it (see the module docs): exactly what `serde_json` reads of it then. `None`
    /// for any other text, which the caller reads with serde (which may accept it too).
    pub fn read_written(json: &'a str) -> Option<ClaimView<'a>> {
        let f = fields(json)?;
        Some(ClaimView {
            _tag: ClaimTag::Claim,
            subject: Subject::parse(f[SUBJECT]?).ok()?,
            value: Figure::parse(f[VALUE]?).ok()?,
            unit: Cow::Borrowed(f[UNIT]?),
            scope: borrowed(f[SCOPE]),
            as_of: optional(f[AS_OF], Period::parse)?,
            said_on: Period::parse(f[SAID_ON]?).ok()?,
            speaker: borrowed(f[SPEAKER]),
            role: borrowed(f[ROLE]),
            cites: borrowed(f[CITES]),
            publisher: borrowed(f[PUBLISHER]),
            url: borrowed(f[URL]),
            title: borrowed(f[TITLE]),
            document: borrowed(f[DOCUMENT]),
            document_hash: optional(f[DOCUMENT_HASH], |h| DocumentHash::from_hex(h).ok_or(()))?,
            quote: borrowed(f[QUOTE]),
            modality: optional(f[MODALITY], |m| Modality::parse(m).ok_or(()))?.unwrap_or_default(),
            tags: f[TAGS].map(each_tag).unwrap_or_default(),
            supersedes: optional(f[SUPERSEDES], |h| EntryHash::from_hex(h).ok_or(()))?,
            precision: optional(f[PRECISION], |p| Precision::parse(p).ok_or(()))?,
        })
    }
}

impl<'a> ClaimWords<'a> {
    /// The words of a claim event in the form an append writes it (see the module docs),
    /// every other field passed over unread as serde passes it over; `None` for any other
    /// text, which the caller reads with serde.
    pub fn read_written(json: &'a str) -> Option<ClaimWords<'a>> {
        let f = fields(json)?;
        Some(ClaimWords {
            speaker: borrowed(f[SPEAKER]),
            role: borrowed(f[ROLE]),
            cites: borrowed(f[CITES]),
            publisher: borrowed(f[PUBLISHER]),
            url: borrowed(f[URL]),
            title: borrowed(f[TITLE]),
            document: borrowed(f[DOCUMENT]),
            quote: borrowed(f[QUOTE]),
            tags: f[TAGS].map(each_tag).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order read by hand is the order a claim is written in: every field of a claim
    /// written by serde (each one set) is read back, and it is the order of the import
    /// contract's claim fields.
    #[test]
    fn the_written_order_is_the_order_a_claim_is_written_in() {
        let hash = "00000000000000000000000000000000000000000000000000000000000000ff";
        let claim: crate::Claim = serde_json::from_value(serde_json::json!({
            "precision": "exact", "supersedes": hash, "tags": ["a", "b"],
            "modality": "expected", "quote": "q", "document_hash": hash, "document": "d.txt",
            "title": "t", "url": "https://example.org", "publisher": "p", "cites": "c",
            "role": "r", "speaker": "s", "said_on": "2025-05-23", "as_of": "2025-05",
            "scope": "in the east", "unit": "people", "value": "at least 8,000",
            "subject": "pows/held",
        }))
        .unwrap();
        let written = serde_json::to_string(&crate::Event::Claim(claim)).unwrap();
        let view = ClaimView::read_written(&written).unwrap();
        assert_eq!(
            view,
            serde_json::from_str::<ClaimView<'_>>(&written).unwrap()
        );
        assert_eq!(view.tags, ["a", "b"]);
        for (k, name) in crate::input::CLAIM_FIELDS.iter().enumerate() {
            assert_eq!(place(name), (*name != "exported").then_some(k), "{name}");
        }
    }
}
