//! Checking recorded quotes against the source documents they name.

use crate::format::Entry;
use reckon_claim::Event;
use std::collections::HashMap;
use std::path::Path;

/// A claim whose quote could not be confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteProblem {
    /// The claim's entry.
    pub seq: u64,
    /// The document it names.
    pub document: String,
    /// What is wrong.
    pub message: String,
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks that every live claim with both a `document` and a `quote` has its quote, word for
/// word (runs of white space count as one space), in `dir/document`. Returns the number of
/// quotes checked and every problem found.
pub fn check_quotes(entries: &[Entry], dir: &Path) -> (usize, Vec<QuoteProblem>) {
    let mut docs: HashMap<String, Result<String, String>> = HashMap::new();
    let mut checked = 0;
    let mut problems = Vec::new();
    for e in entries {
        let Event::Claim(c) = &e.event else { continue };
        let (Some(doc), Some(quote)) = (&c.document, &c.quote) else {
            continue;
        };
        checked += 1;
        let text = docs.entry(doc.clone()).or_insert_with(|| {
            if doc.contains("..") || Path::new(doc).is_absolute() {
                return Err("the document name must be a plain relative path".into());
            }
            std::fs::read_to_string(dir.join(doc))
                .map(|t| squash(&t))
                .map_err(|err| format!("cannot read {}: {err}", dir.join(doc).display()))
        });
        match text {
            Ok(t) if t.contains(&squash(quote)) => {}
            Ok(_) => problems.push(QuoteProblem {
                seq: e.seq,
                document: doc.clone(),
                message: format!("the quote \"{quote}\" is not in the document"),
            }),
            Err(m) => problems.push(QuoteProblem {
                seq: e.seq,
                document: doc.clone(),
                message: m.clone(),
            }),
        }
    }
    (checked, problems)
}
