//! Output of `reckon query`: a table for people, JSON or CSV for tools.

use crate::Format;
use reckon_query::{Answer, Cell};
use serde_json::{Map, Value as Json, json};

/// The output formats of a query answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryFormat {
    /// Aligned table.
    Table,
    /// JSON.
    Json,
    /// CSV (RFC 4180), after one `#` line saying what it was computed for.
    Csv,
}

impl From<Format> for QueryFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => QueryFormat::Table,
            Format::Json => QueryFormat::Json,
        }
    }
}

/// The line saying which log position and times an answer was computed for. A saved answer
/// (`saved`) says "the head" for a query at the head, and leaves out the log's length for a
/// query `at` a position, so that it changes only when the answer does.
pub fn basis_line(a: &Answer, saved: bool) -> String {
    let b = &a.basis;
    let known = b
        .known
        .map_or("any date".into(), |p| format!("on or before {p}"));
    let valid = b
        .valid
        .map_or("each subject's latest as_of".into(), |p| p.to_string());
    let head = b.head.as_ref().map_or("empty".into(), |h| {
        format!("head {}", &h[..12.min(h.len())])
    });
    let position = if saved && b.at.is_none() {
        "log position: the head".to_owned()
    } else if saved {
        format!("log position {} ({head})", b.position)
    } else {
        let head = b.head.as_ref().map_or("empty".into(), |h| {
            format!("head {}", &h[..12.min(h.len())])
        });
        format!("log position {} of {} ({head})", b.position, b.log_entries)
    };
    format!("{position}; claims said: {known}; figures describe: {valid}")
}

fn cell_json(c: &Cell) -> Json {
    match c {
        Cell::Empty => Json::Null,
        Cell::Int(n) => json!(n),
        other => json!(other.to_string()),
    }
}

/// One CSV field, quoted as RFC 4180 says when it must be. (Kept by hand: writing is these
/// few lines; reading CSV, when claims come in that way, is a crate's job.)
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Renders an answer (`saved`: for a saved query's expected output, see [`basis_line`]; a
/// saved table's cells are split by tabs, unpadded, so that a diff shows only rows that
/// changed). JSON: `{"query","position","log_entries","head","known","valid",
/// "columns":[…],"rows":[{column: value}],"notes":[…]}`; numbers are JSON numbers, everything
/// else strings, missing values `null`.
pub fn answer(a: &Answer, format: QueryFormat, saved: bool) -> String {
    answer_in(a, format, saved, None)
}

/// [`answer`], a table cut to fit `width` columns when given (for a terminal; see
/// [`crate::recon::fit`]). Tables show hashes by their first 12 digits, as every human output
/// does; CSV and JSON keep them whole.
pub fn answer_in(a: &Answer, format: QueryFormat, saved: bool, width: Option<usize>) -> String {
    let at_head = saved && a.basis.at.is_none();
    match format {
        QueryFormat::Json => {
            let rows: Vec<Json> = a
                .rows
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    for (c, v) in a.columns.iter().zip(r) {
                        m.insert(c.clone(), cell_json(v));
                    }
                    Json::Object(m)
                })
                .collect();
            let j = json!({
                "format": crate::JSON_FORMAT,
                "query": a.query,
                "position": if at_head { json!("head") } else { json!(a.basis.position) },
                "log_entries": if at_head { Json::Null } else { json!(a.basis.log_entries) },
                "head": if at_head { None } else { a.basis.head.clone() },
                "known": a.basis.known.map(|p| p.to_string()),
                "valid": a.basis.valid.map(|p| p.to_string()),
                "columns": a.columns,
                "rows": rows,
                "notes": a.notes,
            });
            format!("{}\n", serde_json::to_string_pretty(&j).unwrap_or_default())
        }
        QueryFormat::Csv => {
            // A header and rows, nothing else (see `csv_aside` for the rest).
            let mut out = String::new();
            out.push_str(
                &a.columns
                    .iter()
                    .map(|c| csv_field(c))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
            for r in &a.rows {
                out.push_str(
                    &r.iter()
                        .map(|c| csv_field(&c.to_string()))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
            }
            out
        }
        QueryFormat::Table => {
            let mut out = format!("{}\n", basis_line(a, saved));
            let mut rows: Vec<Vec<String>> =
                vec![a.columns.iter().map(|c| c.to_uppercase()).collect()];
            let hash = a.columns.iter().position(|c| c == "hash");
            rows.extend(a.rows.iter().map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(k, c)| {
                        let text = c.to_string().replace('\n', " ");
                        if Some(k) == hash {
                            text.chars().take(12).collect()
                        } else {
                            text
                        }
                    })
                    .collect()
            }));
            if let Some(w) = width {
                crate::recon::fit(&mut rows, w);
            }
            if saved {
                // A saved answer is diffed line by line: cells split by tabs, with no padding
                // that would move when another row widens a column.
                for r in &rows {
                    let cells: Vec<String> = r.iter().map(|c| c.replace('\t', " ")).collect();
                    out.push_str(&cells.join("\t"));
                    out.push('\n');
                }
            } else {
                out.push_str(&crate::recon::table(&rows));
            }
            out.push_str(&format!(
                "({} row{})\n",
                a.rows.len(),
                if a.rows.len() == 1 { "" } else { "s" }
            ));
            for n in &a.notes {
                out.push_str(&format!("note: {n}\n"));
            }
            out
        }
    }
}

/// What a CSV answer leaves out, for standard error: the log position it was computed for,
/// and its notes. CSV output is the header and the rows only, so that `sqlite3 .import` and
/// spreadsheets read it as they are.
/// CSV of a header and rows, nothing else.
pub fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = csv_row(header.iter().map(|h| (*h).to_owned()));
    for r in rows {
        out.push_str(&csv_row(r));
    }
    out
}

/// One CSV row: the fields quoted where they must be (see [`csv_field`]), a newline after.
pub fn csv_row(fields: impl IntoIterator<Item = String>) -> String {
    let mut l = fields
        .into_iter()
        .map(|f| csv_field(&f))
        .collect::<Vec<_>>()
        .join(",");
    l.push('\n');
    l
}

pub fn csv_aside(a: &Answer) -> String {
    let mut out = format!("note: {}\n", basis_line(a, false));
    for n in &a.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

/// A JUnit XML report of saved-query cases, for CI systems to display: one test case a
/// query, named by its file (`classname` is the folder it is in, `file` its path, `time` how
/// long it took), a failure holding the diff. `times[i]` is case `i`'s.
pub fn junit(
    cases: &[reckon_query::check::Case],
    diffs: &[String],
    times: &[std::time::Duration],
) -> Result<String, String> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new("reckon check");
    let mut total = std::time::Duration::ZERO;
    for ((c, diff), time) in cases.iter().zip(diffs).zip(times) {
        let status = if c.passed() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(if c.expected.is_none() {
                "no expected output"
            } else {
                "output differs"
            });
            s.set_description(diff.as_str());
            s
        };
        let mut case = TestCase::new(c.name.as_str(), status);
        let folder = c
            .query_path
            .parent()
            .and_then(|p| p.file_name())
            .map_or_else(|| ".".to_owned(), |n| n.to_string_lossy().into_owned());
        case.set_classname(folder);
        case.set_time(*time);
        case.extra
            .insert("file".into(), c.query_path.display().to_string().into());
        suite.add_test_case(case);
        total += *time;
    }
    suite.set_time(total);
    let mut report = Report::new("reckon check");
    report.set_time(total);
    report.add_test_suite(suite);
    report.to_string().map_err(|e| e.to_string())
}
