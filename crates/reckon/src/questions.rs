//! The query commands' glue: `query` and `check`.

use crate::args::{QueryArgs, QueryFormatArg};
use crate::{Failure, fail, ledger, usage};
use anyhow::Context as _;
use reckon_ledger::Log;
use std::io::{IsTerminal as _, Read, Write as _};

/// With `RECKON_TRACE` set, says on standard error how an answer read the log.
fn trace(answer: &reckon_query::Answer) {
    if std::env::var_os("RECKON_TRACE").is_some() {
        use std::io::Write as _;
        let how = match answer.read {
            reckon_query::Read::WholeLog => "read the whole log".to_owned(),
            reckon_query::Read::Lean => {
                "read the whole log folded lean (no claim's words asked for)".to_owned()
            }
            reckon_query::Read::LeanRecords { learned: false } => {
                "read the whole log folded lean, every origin's record from the saved index"
                    .to_owned()
            }
            reckon_query::Read::LeanRecords { learned: true } => {
                "read the whole log folded lean, learned every origin's record and saved them in the index"
                    .to_owned()
            }
            reckon_query::Read::LeanShown {
                entries,
                records,
                learned,
            } => format!(
                "read the whole log folded lean{}, then the words of the {entries} claims of the rows from their lines",
                match (records, learned) {
                    (_, true) => ", learned every origin's record and saved them in the index",
                    (true, false) => ", every origin's record from the saved index",
                    (false, false) => "",
                }
            ),
            reckon_query::Read::LeanWords { entries } => format!(
                "read the whole log folded lean, then the words it chooses its rows by from the lines of {entries} claims"
            ),
            reckon_query::Read::WholeLogSavedRecords => {
                "read the whole log, every origin's record from the saved index".to_owned()
            }
            reckon_query::Read::Index { entries } => {
                format!("read {entries} entries through the saved index")
            }
            reckon_query::Read::AppendedIndex { appended, entries } => format!(
                "brought the saved index forward over the {appended} entries appended since, read {entries} entries through it"
            ),
            reckon_query::Read::Selected { entries } => format!(
                "checked the whole log and decoded the {entries} entries that could hold the words asked for"
            ),
            reckon_query::Read::Learned { appended, entries } => format!(
                "{}learned every origin's record from the folded log and saved them in the index, read {entries} entries through it",
                appended.map_or_else(String::new, |n| format!(
                    "brought the saved index forward over the {n} entries appended since, "
                ))
            ),
            reckon_query::Read::NewIndex { entries } => {
                format!("checked the whole log, saved an index, read {entries} entries through it")
            }
        };
        let _ = writeln!(std::io::stderr(), "trace: {}: {how}", answer.query);
    }
}

pub(crate) fn query(
    log: &Log,
    a: QueryArgs,
    quiet: bool,
    print: &mut impl FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let text = match (&a.query, &a.file) {
        (_, Some(f)) => std::fs::read_to_string(f)
            .with_context(|| format!("{}: cannot read the query", f.display()))
            .map_err(fail(2))?,
        (Some(q), None) if q == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read standard input")
                .map_err(fail(2))?;
            s
        }
        (Some(q), None) => q.clone(),
        (None, None) => {
            return Err(usage(
                "give a query, `-` for standard input, or -f FILE".into(),
            ));
        }
    };
    let text = reckon_query::substitute(&text, &a.params).map_err(|e| usage(e.render(&text)))?;
    let q = reckon_query::parse(&text).map_err(|e| usage(e.render(&text)))?;
    // One question, then the process ends: what it folds is left to the exit.
    reckon_query::leave_to_exit();
    let run = if a.whole_read {
        reckon_query::run_whole
    } else {
        reckon_query::run_on_log
    };
    let mut answer = run(&q, log).map_err(|e| match e {
        reckon_query::RunError::Query(e) => usage(e.to_string()),
        reckon_query::RunError::Log(e) => ledger(e),
    })?;
    trace(&answer);
    if quiet {
        answer.notes.clear();
    }
    let format = match a.format {
        QueryFormatArg::Table => reckon_render::query::QueryFormat::Table,
        // Handed out as its rows are written: a whole-log answer's JSON is never held whole.
        QueryFormatArg::Json => {
            return reckon_render::query::answer_json_into(&answer, false, print);
        }
        QueryFormatArg::Csv => {
            if !quiet {
                let aside = reckon_render::query::csv_aside(&answer);
                let _ =
                    std::io::stderr().write_all(reckon_render::terminal_safe(&aside).as_bytes());
            }
            // Handed out as its rows are written, as the JSON is.
            return reckon_render::query::answer_csv_into(&answer, print);
        }
    };
    // A table for a terminal is cut to its width; piped, it is whole.
    let width = (matches!(format, reckon_render::query::QueryFormat::Table)
        && std::io::stdout().is_terminal())
    .then(terminal_width)
    .flatten();
    match (format, width) {
        // Handed out as its rows are written, as the JSON is.
        (reckon_render::query::QueryFormat::Table, None) => {
            reckon_render::query::answer_table_into(&answer, print)
        }
        _ => print(&reckon_render::query::answer_in(
            &answer, format, false, width,
        )),
    }
}

/// The terminal's width in columns: `COLUMNS` when set, else what the terminal says.
fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .filter(|w| *w >= 20)
}

/// How `reckon check` runs and reports.
pub(crate) struct CheckHow<'a> {
    /// Write the current outputs as expected (what may not be blessed is refused).
    pub(crate) bless: bool,
    /// Where to write a JUnit report.
    pub(crate) junit: Option<&'a std::path::Path>,
    /// One JSON summary instead of a line a query.
    pub(crate) json: bool,
    /// Leave out passing queries and the tally when all passed (human output).
    pub(crate) quiet: bool,
    /// Answer every query from the whole log decoded (`--whole-read`).
    pub(crate) whole_read: bool,
}

pub(crate) fn check(
    log: &Log,
    named: &[std::path::PathBuf],
    how: CheckHow<'_>,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<u8, Failure> {
    let CheckHow {
        bless,
        junit,
        json,
        quiet,
        whole_read,
    } = how;
    use reckon_query::check::{OutFormat, run_case, saved};
    use reckon_render::query::{QueryFormat, answer};
    let mut paths = Vec::new();
    for p in named {
        let found = saved(p)
            .with_context(|| format!("{}: cannot read saved queries", p.display()))
            .map_err(fail(2))?;
        if found.is_empty() {
            return Err(usage(format!(
                "{}: no saved queries (NAME.q files) here",
                p.display()
            )));
        }
        paths.extend(found);
    }
    // Each saved query is answered as `reckon query` answers it: through the saved index for
    // named subjects, else from a lean fold of the log (from the saved folded snapshot while
    // the log is unchanged), never every decoded entry held. The first failure to read the
    // log ends the check.
    let failed_read: std::cell::RefCell<Option<reckon_ledger::LedgerError>> =
        std::cell::RefCell::new(None);
    let run = if whole_read {
        reckon_query::run_whole
    } else {
        reckon_query::run_on_log
    };
    let ask = |q: &reckon_query::Query| -> Result<reckon_query::Answer, String> {
        let a = run(q, log).map_err(|e| match e {
            reckon_query::RunError::Query(e) => e.to_string(),
            reckon_query::RunError::Log(e) => {
                let m = e.to_string();
                failed_read.replace(Some(e));
                m
            }
        })?;
        trace(&a);
        Ok(a)
    };
    let render = |a: &reckon_query::Answer, f: OutFormat| {
        answer(
            a,
            match f {
                OutFormat::Table => QueryFormat::Table,
                OutFormat::Json => QueryFormat::Json,
                OutFormat::Csv => QueryFormat::Csv,
            },
            true,
        )
    };
    let mut cases = Vec::new();
    let mut diffs = Vec::new();
    let mut times = Vec::new();
    let mut summary = Vec::new();
    for p in &paths {
        let began = std::time::Instant::now();
        let case = run_case(p, &ask, &render);
        times.push(began.elapsed());
        if let Some(e) = failed_read.take() {
            return Err(ledger(e));
        }
        let expected_name = case.expected_path.display().to_string();
        let diff = match (&case.expected, &case.unreadable) {
            (_, Some(why)) => format!("{why}; it is left as it is\n"),
            (Some(e), None) => {
                reckon_render::diff::unified(e, &case.actual, &expected_name, "actual output", 3)
            }
            (None, None) => {
                format!("{expected_name} is missing; run `reckon check --bless` to create it\n")
            }
        };
        let refused = bless.then(|| case.unblessable()).flatten();
        let status = if case.unreadable.is_some() {
            "unreadable"
        } else if refused.is_some() {
            "refused"
        } else if bless && !case.passed() {
            "blessed"
        } else if case.passed() {
            "matched"
        } else {
            "changed"
        };
        let mut said = serde_json::json!({
            "name": case.name,
            "query": case.query_path.display().to_string(),
            "expected": expected_name,
            "status": status,
        });
        match status {
            "changed" | "unreadable" => said["diff"] = diff.clone().into(),
            "refused" => {
                said["reason"] = refused.clone().unwrap_or_default().into();
                said["output"] = case.actual.clone().into();
            }
            _ => {}
        }
        summary.push(said);
        if json {
            if status == "blessed" {
                reckon_ledger::fsx::write_atomically(&case.expected_path, case.actual.as_bytes())
                    .map_err(fail(2))?;
            }
        } else if case.unreadable.is_some() {
            print(&format!("CHANGED {}\n{diff}", case.name))?;
        } else if let Some(why) = &refused {
            // What it printed, so that the reason can be seen.
            let output: String = case.actual.lines().map(|l| format!("  {l}\n")).collect();
            print(&format!(
                "REFUSED {}: not blessed: {why}\n{output}",
                case.name
            ))?;
        } else if bless && !case.passed() {
            reckon_ledger::fsx::write_atomically(&case.expected_path, case.actual.as_bytes())
                .map_err(fail(2))?;
            print(&format!("blessed {}\n", case.name))?;
        } else if case.passed() {
            if !quiet {
                print(&format!("ok      {}\n", case.name))?;
            }
        } else {
            print(&format!("CHANGED {}\n{diff}", case.name))?;
        }
        diffs.push(diff);
        cases.push((case, refused.is_some()));
    }
    // An expected file that cannot be read fails even when blessing: it was not replaced; so
    // does a query whose output blessing refused.
    let failed = cases
        .iter()
        .filter(|(c, refused)| *refused || c.unreadable.is_some() || (!bless && !c.passed()))
        .count();
    let refused = cases.iter().filter(|(_, refused)| *refused).count();
    let cases: Vec<reckon_query::check::Case> = cases.into_iter().map(|(c, _)| c).collect();
    if let Some(path) = junit {
        let xml = reckon_render::query::junit(&cases, &diffs, &times)
            .map_err(|e| usage(format!("cannot make the JUnit report: {e}")))?;
        reckon_ledger::fsx::write_atomically(path, xml.as_bytes()).map_err(fail(2))?;
    }
    if json {
        let count = |s: &str| summary.iter().filter(|q| q["status"] == s).count();
        let doc = serde_json::json!({
            "format": reckon_render::JSON_FORMAT,
            "ok": failed == 0,
            "matched": count("matched"),
            "changed": count("changed") + count("unreadable"),
            "blessed": count("blessed"),
            "refused": refused,
            "queries": summary,
        });
        let mut text = serde_json::to_string_pretty(&doc)
            .map_err(|e| usage(format!("cannot write the summary: {e}")))?;
        text.push('\n');
        print(&text)?;
    } else if !quiet || failed > 0 {
        print(&format!(
            "{} queries: {} matched, {} changed{}\n",
            cases.len(),
            cases.len() - failed,
            failed - refused,
            if refused > 0 {
                format!(", {refused} refused (not blessed)")
            } else {
                String::new()
            }
        ))?;
    }
    Ok(if failed == 0 { 0 } else { 1 })
}
