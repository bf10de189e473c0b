//! Checking recorded quotes against the source documents they name.
//!
//! Documents are read only when they are regular files inside the documents folder (after
//! following any links), and only up to [`MAX_DOCUMENT`] bytes: a link out of the folder, a
//! FIFO or a device is reported, never read.

use crate::format::Entry;
use reckon_claim::{EntryHash, Event};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest document read, in bytes.
pub const MAX_DOCUMENT: u64 = 64 << 20;

/// A claim whose quote could not be confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteProblem {
    /// The claim's entry.
    pub seq: u64,
    /// The document it names.
    pub document: String,
    /// What is wrong.
    pub message: String,
    /// The claim was retracted or corrected by a later claim (it is not live): the problem is
    /// listed, but does not fail the check (a log whose bad quote was retracted or corrected
    /// has been mended, and an append-only log cannot do more).
    pub retracted: bool,
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads `dir/name` if it is a regular file inside `dir` of at most [`MAX_DOCUMENT`] bytes.
fn read_document(
    dir: &Path,
    canonical_dir: Option<&PathBuf>,
    name: &str,
) -> Result<String, String> {
    reckon_claim::model::check_document_name(name)?;
    let path = dir.join(name);
    let shown = path.display();
    let real = std::fs::canonicalize(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if let Some(d) = canonical_dir
        && !real.starts_with(d)
    {
        return Err(format!(
            "{shown} leads out of the documents folder (to {}); it is not read",
            real.display()
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file; it is not read"));
    }
    if meta.len() > MAX_DOCUMENT {
        return Err(format!(
            "{shown} is {} bytes; documents are read up to {MAX_DOCUMENT} bytes",
            meta.len()
        ));
    }
    let f = std::fs::File::open(&real).map_err(|e| format!("cannot read {shown}: {e}"))?;
    // Checked again on the open file: it may have been swapped since.
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("{shown} is not a regular file; it is not read"));
    }
    let mut bytes = Vec::new();
    f.take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_DOCUMENT {
        return Err(format!(
            "{shown} is over {MAX_DOCUMENT} bytes; documents are read up to that"
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text"))
}

/// Checks that every claim with both a `document` and a `quote` has its quote, word for word
/// (runs of white space count as one space), in `dir/document`. Returns the number of quotes
/// checked and every problem found; problems of claims that are not live (retracted or
/// superseded) are marked as such.
pub fn check_quotes(entries: &[Entry], dir: &Path) -> (usize, Vec<QuoteProblem>) {
    // Claims that are not live: retracted, or superseded by a correction.
    let retracted: HashSet<EntryHash> = entries
        .iter()
        .filter_map(|e| match &e.event {
            Event::Retract { claim, .. } => Some(*claim),
            Event::Claim(c) => c.supersedes,
            _ => None,
        })
        .collect();
    let canonical_dir = std::fs::canonicalize(dir).ok();
    let mut docs: HashMap<String, Result<String, String>> = HashMap::new();
    let mut checked = 0;
    let mut problems = Vec::new();
    for e in entries {
        let Event::Claim(c) = &e.event else { continue };
        let (Some(doc), Some(quote)) = (&c.document, &c.quote) else {
            continue;
        };
        checked += 1;
        let text = docs
            .entry(doc.clone())
            .or_insert_with(|| read_document(dir, canonical_dir.as_ref(), doc).map(|t| squash(&t)));
        let message = match text {
            Ok(t) if t.contains(&squash(quote)) => continue,
            Ok(_) => format!("the quote \"{quote}\" is not in the document"),
            Err(m) => m.clone(),
        };
        problems.push(QuoteProblem {
            seq: e.seq,
            document: doc.clone(),
            message,
            retracted: retracted.contains(&e.hash),
        });
    }
    (checked, problems)
}
