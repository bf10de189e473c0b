//! Checking recorded quotes against the source documents they name, and anchoring claims to
//! their documents' bytes (a blake3 `document_hash` filled in when the claim is recorded).
//!
//! Documents are read only when they are regular files inside the documents folder (after
//! following any links), and only up to [`MAX_DOCUMENT`] bytes: a link out of the folder, a
//! FIFO or a device is reported, never read.

use crate::format::Entry;
use reckon_claim::{DocumentHash, EntryHash, Event};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The largest document read, in bytes.
pub const MAX_DOCUMENT: u64 = 64 << 20;

/// What checking the documents found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentReport {
    /// Quotes looked for.
    pub quotes: usize,
    /// Claims whose `document_hash` was compared with their document.
    pub anchored: usize,
    /// Every problem, in log order.
    pub problems: Vec<QuoteProblem>,
}

impl DocumentReport {
    /// Whether every problem is of a claim that is no longer live.
    pub fn ok(&self) -> bool {
        self.problems.iter().all(|q| q.retracted)
    }
}

/// A claim whose quote or document could not be confirmed.
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
) -> Result<Vec<u8>, String> {
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
    Ok(bytes)
}

/// The hash a claim's `document_hash` records: blake3 of the document's bytes.
fn hash_of(bytes: &[u8]) -> DocumentHash {
    DocumentHash(*blake3::hash(bytes).as_bytes())
}

/// A document read once: its hash, and its text with white space squashed (when UTF-8).
struct Read1 {
    hash: DocumentHash,
    text: Result<String, String>,
}

fn read_once(dir: &Path, canonical_dir: Option<&PathBuf>, name: &str) -> Result<Read1, String> {
    let bytes = read_document(dir, canonical_dir, name)?;
    let hash = hash_of(&bytes);
    let text = String::from_utf8(bytes)
        .map(|t| squash(&t))
        .map_err(|_| format!("{} is not UTF-8 text", dir.join(name).display()));
    Ok(Read1 { hash, text })
}

/// The documents folder claims are anchored to on `add` and `import`: each document is read
/// and hashed once, however many claims name it, from any thread.
pub struct Documents {
    dir: PathBuf,
    canonical: Option<PathBuf>,
    seen: Mutex<HashMap<String, Result<DocumentHash, String>>>,
}

impl Documents {
    /// The folder `dir`.
    pub fn at(dir: &Path) -> Documents {
        Documents {
            dir: dir.to_owned(),
            canonical: std::fs::canonicalize(dir).ok(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The blake3 of `dir/name`, read as `verify --documents` reads it.
    pub fn hash(&self, name: &str) -> Result<DocumentHash, String> {
        let cached = self.seen.lock().ok().and_then(|m| m.get(name).cloned());
        if let Some(h) = cached {
            return h;
        }
        let h = read_document(&self.dir, self.canonical.as_ref(), name).map(|b| hash_of(&b));
        if let Ok(mut m) = self.seen.lock() {
            m.insert(name.to_owned(), h.clone());
        }
        h
    }

    /// Fills in a claim's `document_hash` from its document; a hash already given must be the
    /// document's. Events other than claims with a `document` are left alone. The message
    /// is about the `document_hash` field, or `document` when the file cannot be read.
    pub fn anchor(&self, event: &mut Event) -> Result<(), (&'static str, String)> {
        let Event::Claim(c) = event else {
            return Ok(());
        };
        let Some(name) = &c.document else {
            return Ok(());
        };
        let h = self.hash(name).map_err(|m| {
            (
                "document",
                format!("{m} (give the documents folder that holds it, or leave out --documents to record the claim unanchored)"),
            )
        })?;
        match c.document_hash {
            Some(given) if given != h => Err((
                "document_hash",
                format!(
                    "{} hashes to {}, not the document_hash given",
                    self.dir.join(name).display(),
                    h.to_hex()
                ),
            )),
            _ => {
                c.document_hash = Some(h);
                Ok(())
            }
        }
    }
}

/// Checks, for every claim that names a `document` in `dir`: that its `quote`, if any, is in
/// the document word for word (runs of white space count as one space), and that its
/// `document_hash`, if any, is the blake3 of the document's bytes. Problems of claims that are
/// not live (retracted or superseded) are marked as such.
pub fn check_quotes(entries: &[Entry], dir: &Path) -> DocumentReport {
    let mut quotes = Quotes::new(dir);
    entries.iter().for_each(|e| quotes.check(e));
    quotes.report()
}

/// [`check_quotes`] an entry at a time, in log order: what a pass that keeps no entry checks
/// the quotes with. It holds each document it read (once), the problems found, and the claims
/// that later entries withdrew, never the entries.
pub struct Quotes {
    dir: PathBuf,
    canonical_dir: Option<PathBuf>,
    docs: HashMap<String, Result<Read1, String>>,
    report: DocumentReport,
    /// The claim of each problem, in the report's order.
    claims: Vec<EntryHash>,
    /// Claims that are not live: retracted, or superseded by a correction.
    withdrawn: HashSet<EntryHash>,
}

impl Quotes {
    /// A check of the documents in `dir`.
    pub fn new(dir: &Path) -> Quotes {
        Quotes {
            dir: dir.to_path_buf(),
            canonical_dir: std::fs::canonicalize(dir).ok(),
            docs: HashMap::new(),
            report: DocumentReport::default(),
            claims: Vec::new(),
            withdrawn: HashSet::new(),
        }
    }

    /// Checks `e`, the entry after those checked before: its quote and document when it is a
    /// claim that names a document, what it withdraws when it retracts or corrects a claim.
    pub fn check(&mut self, e: &Entry) {
        match &e.event {
            Event::Retract { claim, .. } => {
                self.withdrawn.insert(*claim);
            }
            Event::Claim(c) => {
                if let Some(t) = c.supersedes {
                    self.withdrawn.insert(t);
                }
            }
            _ => {}
        }
        let Event::Claim(c) = &e.event else { return };
        let Some(doc) = &c.document else { return };
        if c.quote.is_none() && c.document_hash.is_none() {
            return;
        }
        let (dir, canonical_dir) = (&self.dir, self.canonical_dir.as_ref());
        let read = self
            .docs
            .entry(doc.clone())
            .or_insert_with(|| read_once(dir, canonical_dir, doc));
        let report = &mut self.report;
        let mut found = Vec::new();
        if let Some(want) = c.document_hash {
            report.anchored += 1;
            match read {
                Ok(r) if r.hash == want => {}
                Ok(r) => found.push(format!(
                    "the document has changed since the claim was recorded: it hashes to {}, not {}",
                    r.hash.to_hex(),
                    want.to_hex()
                )),
                Err(m) => found.push(m.clone()),
            }
        }
        if let Some(quote) = &c.quote {
            report.quotes += 1;
            match read.as_ref().map(|r| &r.text) {
                Ok(Ok(t)) if t.contains(&squash(quote)) => {}
                Ok(Ok(_)) => found.push(format!("the quote \"{quote}\" is not in the document")),
                Ok(Err(m)) | Err(m) => {
                    if !found.contains(m) {
                        found.push(m.clone());
                    }
                }
            }
        }
        for message in found {
            report.problems.push(QuoteProblem {
                seq: e.seq,
                document: doc.clone(),
                message,
                retracted: false,
            });
            self.claims.push(e.hash);
        }
    }

    /// The report, each problem of a claim that an entry after it withdrew marked so.
    pub fn report(mut self) -> DocumentReport {
        for (p, claim) in self.report.problems.iter_mut().zip(&self.claims) {
            p.retracted = self.withdrawn.contains(claim);
        }
        self.report
    }
}
