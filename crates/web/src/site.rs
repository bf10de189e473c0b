//! `reckon site OUT/`: the same pages as the server's, written as static files.

use crate::WebError;
use crate::html::{FILTER_JS, STYLE, subject_file};
use crate::pages::{self, Asked, Checked};
use crate::read::{made_of, page_for};
use reckon_ledger::Log;
use reckon_reconcile::{Options, State, reconcile};
use std::path::{Path, PathBuf};

/// What `site` wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// Subject pages.
    pub subjects: usize,
    /// Entry pages.
    pub entries: usize,
    /// Inclusion proofs (with a checkpoint).
    pub proofs: usize,
    /// Every file, the style sheet and script included.
    pub files: usize,
    /// The log position the pages were made from.
    pub position: u64,
}

/// Writes the site of `log` into `out` (made if missing): `index.html`, `query.html`,
/// `style.css`, `filter.js`, `subject/<name>.html` for every subject, `entry/<seq>.html` for
/// every entry and, with a checkpoint, `entry/<seq>.proof.json` for every entry it covers.
/// Files are replaced whole; nothing else in `out` is touched. The same log gives the same
/// bytes.
pub fn write_site(log: &Log, out: &Path, checkpoint: Option<&str>) -> Result<Written, WebError> {
    let snap = log.snapshot()?;
    let (entries, spans) = snap.entries_with_spans()?;
    let state = State::fold(&entries, None);
    let r = reconcile(&state, None, &Options::default());
    let made = made_of(state.position, state.head.map(|h| h.to_hex()));
    // A checkpoint that is not this log's, or not a checkpoint, is refused with its reason
    // before anything is written; entries after the tree it signs simply get no proof.
    if let (Some(cp), Some(first)) = (checkpoint, entries.first()) {
        reckon_audit::prove(&snap, (&entries, &spans), first.seq, cp)
            .map_err(|e| WebError::Proof(e.to_string()))?;
    }
    let mut w = Writer::new(out)?;
    w.put("index.html", &pages::subjects(&r, &made))?;
    w.put("query.html", &pages::query("", &Asked::Static, &made))?;
    w.put("style.css", STYLE)?;
    w.put("filter.js", FILTER_JS)?;
    let mut names: Vec<&str> = r.subjects.iter().map(|s| s.subject.as_str()).collect();
    names.dedup();
    let mut subjects = 0;
    for name in names {
        if let Some(page) = page_for(&state, &r, name, &made) {
            w.put(&format!("subject/{}", subject_file(name)), &page)?;
            subjects += 1;
        }
    }
    let checked = Checked {
        upto: entries.len() as u64,
        head: entries.last().map(|l| l.hash.to_hex()).unwrap_or_default(),
    };
    let mut proofs = 0;
    let fates = reckon_reconcile::state::Fate::all(&entries);
    for (e, fate) in entries.iter().zip(&fates) {
        let proof = checkpoint
            .and_then(|cp| reckon_audit::prove(&snap, (&entries, &spans), e.seq, cp).ok());
        let page = pages::entry(e, fate, &checked, proof.is_some(), &made);
        w.put(&format!("entry/{}.html", e.seq), &page)?;
        if let Some(p) = proof {
            w.put(&format!("entry/{}.proof.json", e.seq), &p)?;
            proofs += 1;
        }
    }
    Ok(Written {
        subjects,
        entries: entries.len(),
        proofs,
        files: w.files,
        position: state.position,
    })
}

/// Writes files under one folder, each through a temporary file and a rename.
struct Writer {
    root: PathBuf,
    files: usize,
}

impl Writer {
    fn new(root: &Path) -> Result<Writer, WebError> {
        for dir in [root.to_path_buf(), root.join("subject"), root.join("entry")] {
            std::fs::create_dir_all(&dir).map_err(|e| WebError::Write(dir.clone(), e))?;
        }
        Ok(Writer {
            root: root.to_path_buf(),
            files: 0,
        })
    }

    fn put(&mut self, rel: &str, text: &str) -> Result<(), WebError> {
        let path = self.root.join(rel);
        reckon_ledger::fsx::write_atomically(&path, text.as_bytes()).map_err(WebError::Replace)?;
        self.files += 1;
        Ok(())
    }
}
