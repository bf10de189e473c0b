//! Claims to and from the formats people already use: CSV (RFC 4180, the import contract's
//! field names as the header), schema.org `ClaimReview` JSON-LD and Wikidata entity JSON in;
//! JSON Lines, CSV and `ClaimReview` out.
//!
//! Reading gives import-contract objects ([`Record`]), each with the place in the file it came
//! from (a row, a JSON path), so that whatever the importer later refuses is named where the
//! user can find it; records that carry nothing to import (a review without a figure, a
//! deprecated statement) are [`Skipped`] with the reason. A sheet can also be read a row at a
//! time as JSON Lines ([`table::Rows`]), a Wikidata dump an entity at a time
//! ([`wikidata::Dump`]) and ClaimReview a review at a time ([`claimreview::stream`]), for an
//! import that never holds them whole. Writing
//! takes claims and figures the caller has already read and decided.
//!
//! It converts and nothing more: it never reads or writes a log, never decides a figure, and
//! never drops a field it was given without saying so (a column it does not know is an error).

/// The methods of a serde visitor for a value that is neither a map nor a list (a boolean,
/// a number, a string, null): each passes it over and gives `$value`.
macro_rules! scalars_give {
    ($value:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

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

/// A reader with a UTF-8 byte order mark at its start passed over (sheets and some JSON
/// writers put one there).
struct Unmarked<R> {
    input: R,
    /// What was read to look for the mark and is not one, still to give.
    start: Vec<u8>,
    looked: bool,
}

impl<R: std::io::Read> Unmarked<R> {
    fn new(input: R) -> Unmarked<R> {
        Unmarked {
            input,
            start: Vec::new(),
            looked: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for Unmarked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.looked {
            self.looked = true;
            let mut first = [0u8; 3];
            let mut got = 0;
            while got < 3 {
                match self.input.read(&mut first[got..])? {
                    0 => break,
                    n => got += n,
                }
            }
            if first[..got] != *b"\xEF\xBB\xBF" {
                self.start = first[..got].to_vec();
            }
        }
        if !self.start.is_empty() {
            let n = self.start.len().min(buf.len());
            buf[..n].copy_from_slice(&self.start[..n]);
            self.start.drain(..n);
            return Ok(n);
        }
        self.input.read(buf)
    }
}

/// One more skipped for `reason`, in `skipped` (by reason, in the order first met).
fn count_skip(skipped: &mut Vec<(String, usize)>, reason: &str) {
    match skipped.iter_mut().find(|(why, _)| why == reason) {
        Some((_, n)) => *n += 1,
        None => skipped.push((reason.to_owned(), 1)),
    }
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
