//! Claims to and from the formats people already use: CSV (RFC 4180, the import contract's
//! field names as the header), schema.org `ClaimReview` JSON-LD and Wikidata entity JSON in;
//! JSON Lines, CSV and `ClaimReview` out.
//!
//! Reading gives import-contract objects ([`Record`]), each with the place in the file it came
//! from (a row, a JSON path), so that whatever the importer later refuses is named where the
//! user can find it; records that carry nothing to import (a review without a figure, a
//! deprecated statement) are [`Skipped`] with the reason. A sheet can also be read a row at a
//! time as JSON Lines ([`table::Rows`]), and a Wikidata dump an entity at a time
//! ([`wikidata::Dump`]), for an import that never holds them whole. Writing
//! takes claims and figures the caller has already read and decided.
//!
//! It converts and nothing more: it never reads or writes a log, never decides a figure, and
//! never drops a field it was given without saying so (a column it does not know is an error).

pub mod claimreview;
pub mod export;
pub mod table;
pub mod wikidata;

use serde_json::{Map, Value as Json};
use std::fmt;

/// One record read from a foreign file: an object in the import contract, and where it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The claim as `reckon import` reads a JSON line.
    pub object: Map<String, Json>,
    /// Where it came from: `row 3`, `$[1].claimReviewed`, `Q42 P1082[0]`.
    pub place: String,
    /// For each contract field, the name the file gave it (a CSV column, a JSON path), when it
    /// differs from the field's own name.
    pub sources: Vec<(String, String)>,
}

impl Record {
    /// Where `field` of this record came from, for an error about it.
    pub fn field_place(&self, field: &str) -> String {
        match self.sources.iter().find(|(f, _)| f == field) {
            Some((_, from)) => format!("{}, {from}", self.place),
            None => format!("{}, field `{field}`", self.place),
        }
    }
}

/// A record that was read but carries nothing to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Where it was.
    pub place: String,
    /// Why nothing was taken from it, in words.
    pub reason: String,
}

/// What a foreign file gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Converted {
    /// The claims to import, in file order.
    pub records: Vec<Record>,
    /// What was left out, and why.
    pub skipped: Vec<Skipped>,
}

impl Converted {
    /// The records as import-contract JSON Lines.
    pub fn lines(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for r in &self.records {
            // A map of JSON values always serialises.
            let _ = serde_json::to_writer(&mut out, &r.object);
            out.push(b'\n');
        }
        out
    }

    /// The reasons things were skipped, each with how many times: for a summary line.
    pub fn skipped_by_reason(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for s in &self.skipped {
            match counts.iter_mut().find(|(r, _)| *r == s.reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((s.reason.clone(), 1)),
            }
        }
        counts
    }
}

/// Why a foreign file cannot be read: a place in it, and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// Where: `row 4, column 3 (value)`, `$[0].itemReviewed.author`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

impl std::error::Error for FormatError {}

/// The foreign file's own error carried by `e`, when reading a file a record at a time
/// ([`table::Rows`], [`wikidata::Dump`]) failed on what the file holds rather than on reading it.
pub fn carried(e: &std::io::Error) -> Option<&FormatError> {
    e.get_ref()?.downcast_ref::<FormatError>()
}

/// Copies into `buf` what is left of `made` from `*at` on, as much as fits, and moves `at`
/// past it: a reader that makes its output a record at a time gives it this way.
fn give(made: &[u8], at: &mut usize, buf: &mut [u8]) -> usize {
    let rest = made.get(*at..).unwrap_or_default();
    let n = rest.len().min(buf.len());
    buf[..n].copy_from_slice(&rest[..n]);
    *at += n;
    n
}

fn error(place: impl Into<String>, message: impl Into<String>) -> FormatError {
    FormatError {
        place: place.into(),
        message: message.into(),
    }
}

/// Text with a UTF-8 byte order mark taken off (spreadsheets write one).
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}
