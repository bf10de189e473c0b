//! Claims in and out: `reckon extract`, `reckon export`, and the foreign formats of
//! `reckon import --from` (converted by `reckon-formats`, then imported as JSON Lines are).

use crate::args::{ExportArgs, ExportFormat, ExtractArgs};
use crate::{Failure, fail, ledger, usage};
use anyhow::Context as _;
use reckon_claim::{EntryHash, Event};
use reckon_formats::export::{Exported, State};
use reckon_formats::{Converted, Record};
use reckon_ledger::{ImportError, Log};
use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::Path;

/// Reads a file, or standard input for `-`.
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    if name == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")
            .map_err(fail(2))?;
    } else {
        bytes = std::fs::read(path)
            .with_context(|| format!("{name}: cannot read the file"))
            .map_err(fail(2))?;
    }
    Ok(bytes)
}

/// `reckon extract`: draft claims from an article, as JSON Lines.
pub(crate) fn extract(a: ExtractArgs, quiet: bool) -> Result<String, Failure> {
    let name = a.article.display().to_string();
    let bytes = read_input(&a.article)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        usage(format!(
            "{name}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if let Some(d) = &a.said_on {
        reckon_claim::Period::parse(d).map_err(|m| usage(format!("--said-on: {m}")))?;
    }
    if reckon_extract::looks_like_html(&text) {
        return Err(usage(format!(
            "{name}: this is HTML; extract reads plain text, a paragraph a line. Save the \
             article as text (a browser's reader view, `pandoc -t plain --wrap=none` or \
             `lynx -dump -nolist -width=100000`) and keep that file as the document, so that \
             `import --documents` finds each quote in it"
        )));
    }
    let document = a.document.or_else(|| {
        (name != "-")
            .then(|| {
                a.article
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
            })
            .flatten()
    });
    let got = reckon_extract::extract(
        &text,
        &reckon_extract::Options {
            said_on: a.said_on.clone(),
            publisher: a.publisher,
            document,
            url: a.url,
        },
    );
    let mut out = String::new();
    for d in &got.drafts {
        out.push_str(&serde_json::to_string(&d.object).unwrap_or_default());
        out.push('\n');
    }
    if !quiet {
        let undated = got
            .drafts
            .iter()
            .filter(|d| !d.object.contains_key("said_on"))
            .count();
        let unsourced = got
            .drafts
            .iter()
            .filter(|d| !d.object.contains_key("speaker") && !d.object.contains_key("publisher"))
            .count();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "{} draft {} from {name}{}; review them (subjects are drafts under draft/), then `reckon import`",
            got.drafts.len(),
            if got.drafts.len() == 1 {
                "claim"
            } else {
                "claims"
            },
            match (&a.said_on, &got.dateline) {
                (Some(d), _) => format!(" (said on {d}, as given)"),
                (None, Some(d)) => format!(" (dateline {d})"),
                (None, None) => String::new(),
            }
        );
        if got.sentences == 0 {
            let _ = writeln!(
                err,
                "note: no line read as a sentence: extract reads a paragraph a line (or lines \
                 wrapped at a fixed width), of six words or more, ending in `.`, `!`, `?`, a \
                 closing quote or bracket"
            );
        }
        if undated > 0 {
            let _ = writeln!(
                err,
                "note: {undated} without said_on: the article has no dateline; give --said-on DATE"
            );
        }
        if unsourced > 0 {
            let _ = writeln!(
                err,
                "note: {unsourced} with neither speaker nor publisher; give --publisher NAME"
            );
        }
    }
    Ok(out)
}

/// Wikidata entity JSON that is not laid out as a dump, converted whole into records to
/// import (entity JSON as Special:EntityData serves it holds a few entities).
pub(crate) fn entities(name: &str, bytes: &[u8]) -> Result<Converted, Failure> {
    let text = std::str::from_utf8(reckon_formats::without_bom(bytes))
        .map_err(|e| usage(format!("{name}: not UTF-8 text (byte {})", e.valid_up_to())))?;
    let converted =
        reckon_formats::wikidata::read(text).map_err(|e| usage(format!("{name}: {e}")))?;
    if converted.records.is_empty() {
        return Err(usage(format!(
            "{name}: nothing to import{}",
            skipped_why(&converted.skipped_by_reason())
        )));
    }
    Ok(converted)
}

/// An import error about line N of the converted lines, told about the record it came from.
pub(crate) fn foreign_failure(name: &str, records: &[Record], e: ImportError) -> Failure {
    told_failure(
        name,
        &|line| {
            records
                .get(usize::try_from(line).ok()?.checked_sub(1)?)
                .cloned()
        },
        e,
    )
}

/// An import error about line N of JSON Lines made a record at a time from a foreign file (a
/// sheet's rows, reviews, a dump's entities), told about the record it came from (`record`:
/// by line number, from 1); the file's own error when reading it failed; what was `skipped`
/// when nothing was left to import.
pub(crate) fn streamed_failure(
    name: &str,
    record: &dyn Fn(u64) -> Option<Record>,
    skipped: &[(String, usize)],
    e: ImportError,
) -> Failure {
    if let ImportError::Ledger(reckon_ledger::LedgerError::Io { source, .. }) = &e
        && let Some(bad) = reckon_formats::carried(source)
    {
        return usage(format!("{name}: {bad}"));
    }
    if let ImportError::Empty { .. } = e {
        return usage(format!("{name}: nothing to import{}", skipped_why(skipped)));
    }
    told_failure(name, record, e)
}

/// The first line of `input` that is not blank, with the blank ones before it (a UTF-8 byte
/// order mark kept), and its number; empty at the end of the input.
pub(crate) fn first_line(
    input: &mut impl std::io::BufRead,
    name: &str,
) -> Result<(Vec<u8>, u64), Failure> {
    let mut read = Vec::new();
    let mut number = 0;
    loop {
        let start = read.len();
        let got = input
            .read_until(b'\n', &mut read)
            .with_context(|| format!("{name}: cannot read it"))
            .map_err(fail(2))?;
        number += 1;
        if got == 0
            || !reckon_formats::without_bom(&read[start..])
                .trim_ascii()
                .is_empty()
        {
            return Ok((read, number));
        }
    }
}

/// What an import of a Wikidata dump says it took and left out, and whether the dump was
/// cut short.
pub(crate) fn took_from_dump<R: std::io::BufRead>(
    dump: &reckon_formats::wikidata::Dump<R>,
) -> String {
    let mut s = records_read(dump.count(), dump.skipped_by_reason());
    if !dump.closed() {
        s.push_str(&format!(
            "; the dump ends at line {} without its closing `]` (cut short?)",
            dump.lines_read()
        ));
    }
    s
}

/// How many were skipped for each reason, as words joined by `sep`: `2 deprecated
/// statements`.
fn each_skipped(counts: &[(String, usize)], sep: &str) -> String {
    counts
        .iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// `; skipped N: …` for a summary line, empty when nothing was skipped.
fn skipped_summary(counts: &[(String, usize)]) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let n: usize = counts.iter().map(|(_, n)| n).sum();
    format!("; skipped {n}: {}", each_skipped(counts, ", "))
}

/// ` (skipped: …)` for a refusal with nothing to import, empty when nothing was skipped.
fn skipped_why(counts: &[(String, usize)]) -> String {
    if counts.is_empty() {
        return String::new();
    }
    format!(" (skipped: {})", each_skipped(counts, "; "))
}

/// An import error about line N of converted lines, told about the record (`record`: by
/// line number, from 1) it came from.
fn told_failure(name: &str, record: &dyn Fn(u64) -> Option<Record>, e: ImportError) -> Failure {
    match e {
        ImportError::Input {
            line,
            field,
            message,
            ..
        } => {
            let place = match (record(line), &field) {
                (Some(r), Some(f)) => r.field_place(f),
                (Some(r), None) => r.place.clone(),
                (None, _) => format!("record {line}"),
            };
            usage(format!("{name}: {place}: {message}"))
        }
        ImportError::Ledger(l) => ledger(l),
        other => usage(other.to_string()),
    }
}

/// What an import of a foreign file says it took and left out.
pub(crate) fn took(converted: &Converted) -> String {
    records_read(converted.records.len(), &converted.skipped_by_reason())
}

/// What an import of a foreign file says it read (`n` records) and left out (`skipped`, by
/// reason).
pub(crate) fn records_read(n: usize, skipped: &[(String, usize)]) -> String {
    let records = if n == 1 { "record" } else { "records" };
    format!("read {n} {records}{}", skipped_summary(skipped))
}

/// The fold's claims found by sequence number at once (a binary search over a million
/// claims waits on memory a score of times a claim).
struct BySeq<'s, 'a> {
    claims: &'s [reckon_reconcile::state::Recorded<'a>],
    /// Each sequence number's claim's place in `claims`, `u32::MAX` for none.
    at: Vec<u32>,
}

impl<'s, 'a> BySeq<'s, 'a> {
    fn new(claims: &'s [reckon_reconcile::state::Recorded<'a>]) -> Self {
        let last = claims.last().map_or(0, |r| r.seq);
        let mut at = vec![u32::MAX; usize::try_from(last).map_or(0, |n| n.saturating_add(1))];
        for (i, r) in claims.iter().enumerate() {
            if let (Ok(seq), Ok(i)) = (usize::try_from(r.seq), u32::try_from(i))
                && let Some(slot) = at.get_mut(seq)
            {
                *slot = i;
            }
        }
        BySeq { claims, at }
    }

    fn find(&self, seq: u64) -> Option<&'s reckon_reconcile::state::Recorded<'a>> {
        let i = usize::try_from(seq)
            .ok()
            .and_then(|s| self.at.get(s).copied());
        match i {
            Some(i) if i != u32::MAX => self.claims.get(i as usize),
            // Past what a u32 numbers, or not a claim: searched.
            _ => self
                .claims
                .binary_search_by_key(&seq, |r| r.seq)
                .ok()
                .and_then(|i| self.claims.get(i)),
        }
    }
}

/// A claim's export line, written member by member (the bytes of [`Exported::line`]).
fn jsonl_line(c: &Exported) -> String {
    let mut line = reckon_render::claim_with(c.claim(), "exported", &c.provenance())
        // Nothing a claim holds fails to be written; if it did, the JSON value's way answers.
        .unwrap_or_else(|_| c.line());
    line.push('\n');
    line
}

/// What one entry gives the export: its claim's line (made on all cores), or a correction's
/// claim waiting for the number of the entry it corrects; and whether a later correction
/// could name it (an entry that is no claim, or a claim the fold found corrected).
struct Piece {
    out: Out,
    named: Option<(EntryHash, u64)>,
}

enum Out {
    Nothing,
    Line(String),
    Waiting(Box<Exported>, EntryHash),
}

/// `reckon export`, written as it goes and never held whole: a pattern's subjects from their
/// part of the log when it can answer ([`export_part`]; not with `--whole-read`); else the
/// claims' fates from a lean fold of the log (the saved folded snapshot when the log is
/// unchanged), then one checked pass that decodes each entry on all cores and writes its
/// claim's line or row as its piece passes. A log found damaged by that pass has the lines
/// before the damage written, then the error.
pub(crate) fn export(
    log: &Log,
    a: ExportArgs,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    const BLOCK: usize = 1 << 20;
    let line: fn(&Exported) -> String = match a.format {
        ExportFormat::Claimreview => return crate::reviews(log, &a, print),
        ExportFormat::Jsonl => jsonl_line,
        ExportFormat::Csv => reckon_formats::table::row,
    };
    let snapshot = log.snapshot().map_err(ledger)?;
    if !a.whole_read && export_part(&snapshot, &a, line, print)? {
        return Ok(());
    }
    let state = crate::whole_lean_state(&snapshot)?;
    let pattern = reckon_reconcile::Pattern::new(a.pattern.as_deref().unwrap_or(""));
    let wanted = |r: &reckon_reconcile::state::Recorded<'_>| {
        pattern.matches(r.claim.subject.as_str()) && (a.all || r.is_live())
    };
    if !pattern.as_str().is_empty() && !state.claims.iter().any(wanted) {
        return Err(usage(format!(
            "no {}claim on a subject matching `{}`",
            if a.all { "" } else { "live " },
            pattern.as_str()
        )));
    }
    let by_seq = BySeq::new(&state.claims);
    let piece = |e: reckon_ledger::Entry, _| {
        let Event::Claim(c) = e.event else {
            return Piece {
                out: Out::Nothing,
                named: Some((e.hash, e.seq)),
            };
        };
        let Some(r) = by_seq.find(e.seq) else {
            return Piece {
                out: Out::Nothing,
                named: None,
            };
        };
        let named = r.superseded_by().map(|_| (e.hash, e.seq));
        if !wanted(r) {
            return Piece {
                out: Out::Nothing,
                named,
            };
        }
        // `supersedes` names an entry of this log; the export gives its number instead.
        let (mut exported, supersedes) = Exported::without_reference(c, r.seq, &r.hash);
        exported.state = match (r.retracted(), r.superseded_by()) {
            (Some(_), _) => State::Retracted,
            (None, Some(_)) => State::Superseded,
            (None, None) => State::Live,
        };
        exported.retracted = r.retracted().map(|(s, why)| (s, why.to_string()));
        exported.superseded_by = r.superseded_by();
        let out = match supersedes {
            None => Out::Line(line(&exported)),
            Some(h) => Out::Waiting(Box::new(exported), h),
        };
        Piece { out, named }
    };
    let mut block = match a.format {
        ExportFormat::Csv => reckon_formats::table::header(),
        _ => String::new(),
    };
    // The entries a correction could name, by hash: corrected claims and entries that are no
    // claim (which the fold passes over, and the export still numbers), few in any log.
    let mut seq_of: HashMap<EntryHash, u64> = HashMap::new();
    let mut printed = Ok(());
    let checked = snapshot.project_each(&piece, &mut |pieces| {
        for p in pieces {
            match p.out {
                Out::Nothing => {}
                Out::Line(l) => block.push_str(&l),
                Out::Waiting(mut c, h) => {
                    c.supersedes = seq_of.get(&h).copied();
                    block.push_str(&line(&c));
                }
            }
            if let Some((h, seq)) = p.named {
                seq_of.insert(h, seq);
            }
        }
        if block.len() >= BLOCK {
            printed = print(&block);
            block.clear();
            // A failed write (a closed pipe) stops the pass there.
            if printed.is_err() {
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    // The process's exit frees the state at once.
    std::mem::forget(state);
    if printed.is_ok() {
        printed = print(&block);
    }
    printed?;
    checked.map_err(ledger)?;
    Ok(())
}

/// `reckon export PATTERN` (JSON Lines or CSV) from the part of the log behind the subjects
/// the pattern names (under any of their names), read through the saved index
/// (`reckon_query::read_part`; every entry of it re-hashed, every event that is not a claim
/// among them): the same lines as the whole log's export, in log order. A claim's fate comes
/// from the part's fold (its subject's part holds every retraction and correction of it); a
/// correction of a claim outside the part finds that claim's number through the index.
/// `Ok(false)`, before anything is printed, when the part cannot answer: no pattern, no index,
/// subjects holding more than an eighth of the log's claims (the lean fold of the whole log is
/// then the cheaper way), no claim the export wants, or a corrected claim not found.
fn export_part(
    snapshot: &reckon_ledger::Snapshot<'_>,
    a: &ExportArgs,
    line: fn(&Exported) -> String,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<bool, Failure> {
    let Some(pattern) = a.pattern.as_deref().map(reckon_reconcile::Pattern::new) else {
        return Ok(false);
    };
    let most = snapshot.committed().map_err(ledger)?.seq / 8;
    let part = reckon_query::read_part(snapshot, &pattern, false, Some(most)).map_err(ledger)?;
    let Some(part) = part.filter(|p| p.named_known) else {
        return Ok(false);
    };
    // Each wanted claim's fate, by number, from the part's fold.
    type Fate = (Option<(u64, String)>, Option<u64>);
    let mut fates: HashMap<u64, Fate> = HashMap::new();
    let state = reckon_reconcile::State::fold(&part.entries, None);
    for r in &state.claims {
        if pattern.matches(r.claim.subject.as_str()) && (a.all || r.is_live()) {
            let retracted = r.retracted().map(|(s, why)| (s, why.to_string()));
            fates.insert(r.seq, (retracted, r.superseded_by()));
        }
    }
    drop(state);
    if fates.is_empty() {
        return Ok(false);
    }
    // The number of every claim a wanted claim corrects: in the part, else through the index.
    let mut seq_of: HashMap<EntryHash, u64> =
        part.entries.iter().map(|e| (e.hash, e.seq)).collect();
    for e in &part.entries {
        if let Event::Claim(c) = &e.event
            && fates.contains_key(&e.seq)
            && let Some(h) = c.supersedes
            && !seq_of.contains_key(&h)
        {
            let id = reckon_ledger::EntryId::Prefix(h.to_hex());
            let named = reckon_query::entries_naming(snapshot, &id, false).map_err(ledger)?;
            let head = named.head.0;
            let found = named
                .through_index
                .then(|| id.pick(&named.entries, head).ok().map(|t| t.seq))
                .flatten();
            let Some(seq) = found else {
                return Ok(false);
            };
            seq_of.insert(h, seq);
        }
    }
    crate::trace(&format!(
        "export: the {} entries read through the index",
        part.entries.len()
    ));
    let mut block = match a.format {
        ExportFormat::Csv => reckon_formats::table::header(),
        _ => String::new(),
    };
    for e in part.entries {
        let (Event::Claim(c), Some((retracted, superseded_by))) = (e.event, fates.remove(&e.seq))
        else {
            continue;
        };
        let (mut exported, supersedes) = Exported::without_reference(c, e.seq, &e.hash);
        exported.state = match (&retracted, superseded_by) {
            (Some(_), _) => State::Retracted,
            (None, Some(_)) => State::Superseded,
            (None, None) => State::Live,
        };
        exported.retracted = retracted;
        exported.superseded_by = superseded_by;
        exported.supersedes = supersedes.and_then(|h| seq_of.get(&h).copied());
        block.push_str(&line(&exported));
        if block.len() >= 1 << 20 {
            print(&block)?;
            block.clear();
        }
    }
    print(&block)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A claim with every field, text that JSON escapes, and each fate an export can give.
    fn exported(fate: u8) -> Exported {
        let claim: reckon_claim::Claim = serde_json::from_value(serde_json::json!({
            "subject": "pows/held", "value": "at least 8,000", "unit": "people",
            "scope": "in \"the\" east", "as_of": "2025-05", "said_on": "2025-05-23",
            "speaker": "S\u{1}", "role": "r\\n", "cites": "c", "publisher": "p",
            "url": "https://x.example/", "title": "t", "document": "d.txt",
            "document_hash": "12".repeat(32), "quote": "q\nq", "modality": "expected",
            "tags": ["a", "b\""], "supersedes": "ef".repeat(32), "precision": "exact",
        }))
        .unwrap();
        let (mut e, corrects) = Exported::without_reference(claim, 9, &EntryHash([7; 32]));
        assert!(corrects.is_some());
        match fate {
            0 => e.supersedes = Some(3),
            1 => {
                e.state = State::Retracted;
                e.retracted = Some((12, "wrong \"figure\"\n".into()));
            }
            _ => {
                e.state = State::Superseded;
                e.superseded_by = Some(14);
            }
        }
        e
    }

    /// The line export writes member by member is the line of the claim's JSON value with
    /// `exported` put in, whatever the claim's fate.
    #[test]
    fn an_export_line_written_by_hand_is_the_json_value_line() {
        for fate in 0..3 {
            let e = exported(fate);
            assert_eq!(jsonl_line(&e), e.line() + "\n");
            assert!(!e.line().contains("\"supersedes\""), "{}", e.line());
        }
    }
}
