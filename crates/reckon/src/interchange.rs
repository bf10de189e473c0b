//! Claims in and out: `reckon extract`, `reckon export`, and the foreign formats of
//! `reckon import --from` (converted by `reckon-formats`, then imported as JSON Lines are).

use crate::args::{ExportArgs, ExportFormat, ExtractArgs, FromFormat};
use crate::{Failure, fail, ledger, usage};
use anyhow::Context as _;
use reckon_formats::export::{Exported, State};
use reckon_formats::{Converted, Record};
use reckon_ledger::{ImportError, Log};
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

/// Converts a foreign file into records to import.
pub(crate) fn convert(
    from: FromFormat,
    name: &str,
    bytes: &[u8],
    subject: Option<&str>,
) -> Result<Converted, Failure> {
    let bad = |e: reckon_formats::FormatError| usage(format!("{name}: {e}"));
    let text = || {
        std::str::from_utf8(reckon_formats::without_bom(bytes))
            .map_err(|e| usage(format!("{name}: not UTF-8 text (byte {})", e.valid_up_to())))
    };
    let converted = match from {
        // JSON Lines are imported as they are; nothing to convert.
        FromFormat::Jsonl => Converted::default(),
        FromFormat::Csv => reckon_formats::table::read(bytes).map_err(bad)?,
        FromFormat::Claimreview => {
            reckon_formats::claimreview::read(text()?, subject).map_err(bad)?
        }
        FromFormat::Wikidata => reckon_formats::wikidata::read(text()?).map_err(bad)?,
    };
    if converted.records.is_empty() {
        let why = converted
            .skipped_by_reason()
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(usage(format!(
            "{name}: nothing to import{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(" (skipped: {why})")
            }
        )));
    }
    Ok(converted)
}

/// An import error about line N of the converted lines, told about the record it came from.
pub(crate) fn foreign_failure(name: &str, records: &[Record], e: ImportError) -> Failure {
    match e {
        ImportError::Input {
            line,
            field,
            message,
            ..
        } => {
            let record = usize::try_from(line)
                .ok()
                .and_then(|l| l.checked_sub(1))
                .and_then(|i| records.get(i));
            let place = match (record, &field) {
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
    let mut s = format!(
        "read {} {}",
        converted.records.len(),
        if converted.records.len() == 1 {
            "record"
        } else {
            "records"
        }
    );
    let skipped = converted.skipped_by_reason();
    if !skipped.is_empty() {
        let n: usize = skipped.iter().map(|(_, n)| n).sum();
        s.push_str(&format!(
            "; skipped {n}: {}",
            skipped
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

/// Hands every claim in the log (live ones only unless `all`) on subjects `pattern` selects
/// to `each`, in log order; refuses a pattern that selects none.
fn claims(
    log: &Log,
    pattern: Option<&str>,
    all: bool,
    each: &mut dyn FnMut(&Exported) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let entries = log.entries().map_err(ledger)?;
    let state = reckon_reconcile::State::fold(&entries, None);
    let pattern = reckon_reconcile::Pattern::new(pattern.unwrap_or(""));
    let seq_of: std::collections::HashMap<_, _> = entries.iter().map(|e| (e.hash, e.seq)).collect();
    let mut any = false;
    for r in &state.claims {
        let Some(c) = r.full else { continue };
        if !pattern.matches(c.subject.as_str()) || !(all || r.is_live()) {
            continue;
        }
        let claim = match serde_json::to_value(c) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => continue,
        };
        any = true;
        each(&Exported {
            seq: r.seq,
            hash: r.hash.to_hex(),
            state: match (r.retracted(), r.superseded_by()) {
                (Some(_), _) => State::Retracted,
                (None, Some(_)) => State::Superseded,
                (None, None) => State::Live,
            },
            claim,
            supersedes: c.supersedes.and_then(|h| seq_of.get(&h).copied()),
            retracted: r.retracted().map(|(s, why)| (s, why.to_string())),
            superseded_by: r.superseded_by(),
        })?;
    }
    if !any && !pattern.as_str().is_empty() {
        return Err(usage(format!(
            "no {}claim on a subject matching `{}`",
            if all { "" } else { "live " },
            pattern.as_str()
        )));
    }
    Ok(())
}

/// `reckon export`, printed as it goes (a block at a time), never held whole.
pub(crate) fn export(
    log: &Log,
    a: ExportArgs,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    const BLOCK: usize = 1 << 20;
    let mut block = String::new();
    let line: fn(&Exported) -> String = match a.format {
        ExportFormat::Claimreview => return print(&crate::reviews(log, &a)?),
        ExportFormat::Jsonl => |c| c.line() + "\n",
        ExportFormat::Csv => {
            block = reckon_formats::table::header();
            reckon_formats::table::row
        }
    };
    claims(log, a.pattern.as_deref(), a.all, &mut |c| {
        block.push_str(&line(c));
        if block.len() >= BLOCK {
            print(&block)?;
            block.clear();
        }
        Ok(())
    })?;
    print(&block)
}
