//! The log's own reports: what `verify` found and what `repair` does, for people and tools.

use crate::Format;
use reckon_ledger::{DocumentReport, Head, Problem, Repair};
use serde_json::Value as Json;
use std::path::Path;

/// What `reckon verify` found. JSON: `{"ok", "entries", "head"}` for an intact log, with
/// `"quotes_checked"` and `"quote_problems": [{"seq", "document", "problem", "retracted"}]`
/// when quotes were checked (`ok` is false when a live claim's quote was not found);
/// `{"ok": false, "line", "problem"}` for a log that fails, `line` null when the problem is
/// not about one line. Human: `ok: N entries, head HASH` and a line per quote problem, or
/// `FAILED: PATH: PROBLEM`.
pub fn verify(
    path: &Path,
    verdict: &Result<Head, Problem>,
    quote_report: Option<&DocumentReport>,
    format: Format,
) -> String {
    // Problems of retracted claims are listed but do not fail the check.
    let quotes_ok = quote_report.is_none_or(DocumentReport::ok);
    match (format, &verdict) {
        (Format::Json, Ok(h)) => {
            let mut j = serde_json::json!({"format": crate::JSON_FORMAT, "ok": quotes_ok, "entries": h.seq, "head": h.hash.to_hex()});
            if let Some(r) = &quote_report {
                j["quotes_checked"] = Json::from(r.quotes);
                j["documents_anchored"] = Json::from(r.anchored);
                j["quote_problems"] = r
                    .problems
                    .iter()
                    .map(|p| serde_json::json!({"seq": p.seq, "document": p.document, "problem": p.message, "retracted": p.retracted}))
                    .collect();
            }
            format!("{j}\n")
        }
        (Format::Json, Err(p)) => format!(
            "{}\n",
            serde_json::json!({"format": crate::JSON_FORMAT, "ok": false, "line": p.line(), "problem": p.to_string()})
        ),
        (Format::Human, Ok(h)) => {
            let mut s = format!("ok: {} entries, head {}\n", h.seq, h.hash);
            if let Some(r) = &quote_report {
                let problems = &r.problems;
                for p in problems {
                    let note = if p.retracted {
                        " (retracted or corrected: listed, not failed)"
                    } else {
                        ""
                    };
                    s.push_str(&format!(
                        "document of entry #{} ({}): {}{note}\n",
                        p.seq, p.document, p.message
                    ));
                }
                let failed = problems.iter().filter(|p| !p.retracted).count();
                s.push_str(&format!(
                    "documents: {} quotes and {} document hashes checked, {} problems{}\n",
                    r.quotes,
                    r.anchored,
                    failed,
                    match problems.len() - failed {
                        0 => String::new(),
                        r => format!(", {r} of retracted or corrected claims listed"),
                    }
                ));
            }
            s
        }
        (Format::Human, Err(p)) => format!("FAILED: {}: {p}\n", path.display()),
    }
}

/// What a repair step does (`done == false`) or did, in words: the bytes an interrupted append
/// left are listed (three lines and the last, each cut at 160 characters, escaped).
pub fn repair_step(r: &Repair, done: bool) -> String {
    let (remove, write) = if done {
        ("removed", "wrote")
    } else {
        ("remove", "write")
    };
    match r {
        Repair::Clean => "nothing to repair: the log ends at its last committed entry and the head file matches\n".into(),
        Repair::RemoveTail { line, bytes } => {
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let complete = lines.iter().filter(|l| l.ends_with('\n')).count();
            let torn = lines.len() - complete;
            let mut s = format!(
                "{remove} {} bytes from line {line} on, left by an interrupted append: {complete} complete but uncommitted line(s), {torn} incomplete line(s)\n",
                bytes.len()
            );
            for (i, l) in lines.iter().enumerate() {
                if i == 3 && lines.len() > 4 {
                    s.push_str(&format!("  … {} more line(s) …\n", lines.len() - 4));
                }
                if i < 3 || i + 1 == lines.len() {
                    s.push_str(&format!("  line {}: {}\n", *line + i as u64, reckon_claim::input::clip(&l.trim_end_matches('\n').escape_debug().to_string(), 160)));
                }
            }
            s
        }
        Repair::RemoveTemporaries { files } => {
            let names: Vec<String> = files
                .iter()
                .map(|f| f.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
                .collect();
            format!(
                "{remove} {} temporary file(s) that interrupted writes left in the log directory: {}\n",
                files.len(),
                names.join(", ")
            )
        }
        Repair::AdvanceHead { from, to } => format!(
            "{write} the head file: it was {}, it names entry #{} {} (the last entry of the intact chain)\n",
            from.map_or("missing or unreadable".into(), |h| format!("at entry #{} {}", h.seq, h.hash)),
            to.seq,
            to.hash
        ),
    }
}
