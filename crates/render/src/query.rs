//! Output of `reckon query`: a table for people, JSON or CSV for tools.

use crate::Format;
use crate::pretty::Pretty;
use reckon_query::{Answer, Cell};
use std::borrow::Cow;

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

/// What a [`answer_json_into`] writer holds before handing it on.
const PIECE: usize = 1 << 16;

/// The text a table shows of a cell: a line break as a space, a hash (`hash`) by its first
/// 12 digits; borrowed where it can be.
fn table_text(c: &Cell, hash: bool) -> Cow<'_, str> {
    let mut text = match c {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(t) | Cell::Figure(t, _) => Cow::Borrowed(t.as_str()),
        other => Cow::Owned(other.to_string()),
    };
    if text.contains('\n') {
        text = Cow::Owned(text.replace('\n', " "));
    }
    if hash && let Some((end, _)) = text.char_indices().nth(12) {
        text = match text {
            Cow::Borrowed(t) => Cow::Borrowed(&t[..end]),
            Cow::Owned(mut t) => {
                t.truncate(end);
                Cow::Owned(t)
            }
        };
    }
    text
}

/// What follows an answer's table: how many rows, then its notes.
fn table_end(a: &Answer, out: &mut String) {
    let n = a.rows.len();
    out.push_str(&format!("({n} row{})\n", if n == 1 { "" } else { "s" }));
    for note in &a.notes {
        out.push_str(&format!("note: {note}\n"));
    }
}

/// How many rows of an answer's table one task measures or writes.
const TABLE_ROWS: usize = 4096;

/// An answer as an aligned table for a pipe (see [`answer_in`]: not cut to a terminal's
/// width, not a saved answer), handed to `emit` a block of rows at a time: the column widths
/// are measured in a first pass over the cells and the rows written in a second, each pass
/// a block of rows a task on all cores, so no row is copied into text before it is written.
pub fn answer_table_into<E>(
    a: &Answer,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    let hash = a.columns.iter().position(|c| c == "hash");
    let header: Vec<Cell> = a
        .columns
        .iter()
        .map(|c| Cell::Text(c.to_uppercase()))
        .collect();
    let measure = |rows: &[Vec<Cell>], data: bool| {
        let mut widths: Vec<usize> = Vec::new();
        for r in rows {
            if widths.len() < r.len() {
                widths.resize(r.len(), 0);
            }
            for (c, cell) in r.iter().enumerate() {
                let n = table_text(cell, data && Some(c) == hash).chars().count();
                widths[c] = widths[c].max(n);
            }
        }
        widths
    };
    use crate::recon::wider;
    let widths = wider(
        measure(std::slice::from_ref(&header), false),
        a.rows
            .par_chunks(TABLE_ROWS)
            .map(|rows| measure(rows, true))
            .reduce(Vec::new, wider),
    );
    let write = |out: &mut String, rows: &[Vec<Cell>], data: bool| {
        for r in rows {
            let cells = r.iter().enumerate();
            let texts = cells.map(|(c, cell)| table_text(cell, data && Some(c) == hash));
            crate::recon::push_row(out, texts, &widths);
        }
    };
    let mut out = basis_line(a, false);
    out.push('\n');
    write(&mut out, std::slice::from_ref(&header), false);
    emit(&out)?;
    let batch = TABLE_ROWS * 2 * rayon::current_num_threads().max(1);
    for rows in a.rows.chunks(batch) {
        let blocks: Vec<String> = rows
            .par_chunks(TABLE_ROWS)
            .map(|rows| {
                let mut out = String::new();
                write(&mut out, rows, true);
                out
            })
            .collect();
        for block in blocks {
            emit(&block)?;
        }
    }
    out.clear();
    table_end(a, &mut out);
    emit(&out)
}

/// An answer's JSON (see [`answer`]) handed to `emit` a piece at a time as its rows are
/// written, never the whole text at once: the rows of a whole-log answer can be hundreds of
/// megabytes of JSON. The bytes are those serde_json's pretty printer makes of the answer as
/// a map (keys in sorted order, a column named twice showing its last cell).
pub fn answer_json_into<E>(
    a: &Answer,
    saved: bool,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let at_head = saved && a.basis.at.is_none();
    // A row is a JSON map: its members in the order of their names, the last cell of a
    // name shown twice.
    let order: Vec<(&str, usize)> = a
        .columns
        .iter()
        .enumerate()
        .map(|(k, c)| (c.as_str(), k))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let mut out = String::with_capacity(PIECE + PIECE / 4);
    let mut p = Pretty::at(&mut out, 0);
    p.open('{');
    p.key("columns").value(&a.columns);
    p.key("format").u64(crate::JSON_FORMAT);
    match (&a.basis.head, at_head) {
        (Some(h), false) => p.key("head").str(h),
        _ => p.key("head").null(),
    }
    p.key("known").opt_shown(a.basis.known);
    match at_head {
        true => p.key("log_entries").null(),
        false => p.key("log_entries").u64(a.basis.log_entries),
    }
    p.key("notes").value(&a.notes);
    match at_head {
        true => p.key("position").str("head"),
        false => p.key("position").u64(a.basis.position),
    }
    p.key("query").str(&a.query);
    p.key("rows").open('[');
    for row in &a.rows {
        p.item().open('{');
        for &(name, k) in &order {
            let Some(cell) = row.get(k) else { continue };
            let p = p.text_key(name);
            match cell {
                Cell::Empty => p.null(),
                Cell::Int(n) => p.u64(*n),
                Cell::Text(t) | Cell::Figure(t, _) => p.str(t),
                Cell::Date(d) => p.shown(d),
            }
        }
        p.close('}');
        p.flush(PIECE, emit)?;
    }
    p.close(']');
    p.key("valid").opt_shown(a.basis.valid);
    p.close('}');
    drop(p);
    out.push('\n');
    emit(&out)
}

/// An answer as CSV (see [`answer`]: a header and the rows, nothing else) handed to `emit` a
/// piece at a time as its rows are written, never the whole text at once, and no cell copied
/// before it is written.
pub fn answer_csv_into<E>(
    a: &Answer,
    emit: &mut impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(PIECE + PIECE / 4);
    let mut field = String::new();
    for (k, c) in a.columns.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        push_csv_field(&mut out, c);
    }
    out.push('\n');
    for r in &a.rows {
        for (k, cell) in r.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            match cell {
                Cell::Empty => {}
                Cell::Int(n) => {
                    let _ = write!(out, "{n}");
                }
                Cell::Text(t) | Cell::Figure(t, _) => push_csv_field(&mut out, t),
                Cell::Date(d) => {
                    field.clear();
                    let _ = write!(field, "{d}");
                    push_csv_field(&mut out, &field);
                }
            }
        }
        out.push('\n');
        if out.len() >= PIECE {
            emit(&out)?;
            out.clear();
        }
    }
    emit(&out)
}

/// `s` as one CSV field on the end of `out`, quoted as RFC 4180 says when it must be.
pub(crate) fn push_csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        for (k, piece) in s.split('"').enumerate() {
            if k > 0 {
                out.push_str("\"\"");
            }
            out.push_str(piece);
        }
        out.push('"');
    } else {
        out.push_str(s);
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
    match format {
        QueryFormat::Json => match gathered::<std::convert::Infallible>(|emit| {
            answer_json_into(a, saved, &mut { emit })
        }) {
            Ok(out) => out,
        },
        QueryFormat::Csv => {
            // A header and rows, nothing else (see `csv_aside` for the rest).
            match gathered::<std::convert::Infallible>(|emit| answer_csv_into(a, &mut { emit })) {
                Ok(out) => out,
            }
        }
        QueryFormat::Table if !saved && width.is_none() => {
            match gathered::<std::convert::Infallible>(|emit| answer_table_into(a, &mut { emit })) {
                Ok(out) => out,
            }
        }
        QueryFormat::Table => {
            let mut out = format!("{}\n", basis_line(a, saved));
            let mut rows: Vec<Vec<String>> =
                vec![a.columns.iter().map(|c| c.to_uppercase()).collect()];
            let hash = a.columns.iter().position(|c| c == "hash");
            rows.extend(a.rows.iter().map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(k, c)| table_text(c, Some(k) == hash).into_owned())
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
                out.push_str(&crate::recon::table(rows));
            }
            table_end(a, &mut out);
            out
        }
    }
}

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

/// The pieces `write` hands to the writer it is given, joined into one text (or the error
/// that writer never gives: `E` is `Infallible` for a text made in memory).
fn gathered<E>(
    write: impl FnOnce(&mut dyn FnMut(&str) -> Result<(), E>) -> Result<(), E>,
) -> Result<String, E> {
    let mut out = String::new();
    write(&mut |piece| {
        out.push_str(piece);
        Ok(())
    })?;
    Ok(out)
}

/// What a CSV answer leaves out, for standard error: the log position it was computed for,
/// and its notes. CSV output is the header and the rows only, so that `sqlite3 .import` and
/// spreadsheets read it as they are.
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use reckon_claim::{Period, Tolerance, Value};
    use reckon_query::Basis;
    use serde_json::{Map, Value as Json, json};

    /// The answer's JSON as serde_json prints the whole value built at once: what
    /// [`answer_json_into`] must write without building it.
    fn built(a: &Answer, saved: bool) -> String {
        let at_head = saved && a.basis.at.is_none();
        let rows: Vec<Json> = a
            .rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                for (c, v) in a.columns.iter().zip(r) {
                    let cell = match v {
                        Cell::Empty => Json::Null,
                        Cell::Int(n) => json!(n),
                        other => json!(other.to_string()),
                    };
                    m.insert(c.clone(), cell);
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
        format!("{}\n", serde_json::to_string_pretty(&j).unwrap())
    }

    /// The answer's table as it was made before it was streamed: every row made into text,
    /// then aligned at once.
    fn table_built(a: &Answer) -> String {
        let mut out = format!("{}\n", basis_line(a, false));
        let mut rows: Vec<Vec<String>> = vec![a.columns.iter().map(|c| c.to_uppercase()).collect()];
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
        out.push_str(&crate::recon::table(rows));
        let n = a.rows.len();
        out.push_str(&format!("({n} row{})\n", if n == 1 { "" } else { "s" }));
        for n in &a.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        out
    }

    fn cell() -> impl Strategy<Value = Cell> {
        prop_oneof![
            Just(Cell::Empty),
            any::<u64>().prop_map(Cell::Int),
            "[\\x00-\\x1f\"\\\\a\u{7f}\u{202e}é ]{0,10}".prop_map(Cell::Text),
            prop_oneof![Just("12"), Just("about 1,000"), Just("at least 8,000")].prop_map(|v| {
                let iv = Value::parse(v)
                    .unwrap()
                    .interval(Tolerance::DEFAULT)
                    .unwrap();
                Cell::Figure(v.to_owned(), Box::new(iv))
            }),
            prop_oneof![Just("2025-05"), Just("2025-05-23"), Just("2025")]
                .prop_map(|d| Cell::Date(Period::parse(d).unwrap())),
        ]
    }

    fn answer() -> impl Strategy<Value = (Answer, bool)> {
        // Column names repeat (`show value, value`) and may need escaping.
        let columns = prop::collection::vec(
            prop_oneof![
                Just("value"),
                Just("seq"),
                Just("a\"b"),
                Just("count"),
                Just("é"),
                Just("hash")
            ],
            0..5,
        );
        let period = prop_oneof![Just(None), Just(Some(Period::parse("2025-06").unwrap()))];
        (
            columns,
            0..40usize,
            any::<[u64; 3]>(),
            proptest::option::of(0..9u64),
            any::<bool>(),
            (period.clone(), period),
            prop::collection::vec(cell(), 0..200),
            prop::collection::vec("[a-z \"]{0,8}", 0..3),
        )
            .prop_map(
                |(columns, n, [position, entries, h], at, saved, (known, valid), cells, notes)| {
                    let columns: Vec<String> = columns.into_iter().map(str::to_owned).collect();
                    let rows = (0..n)
                        .map(|r| {
                            (0..columns.len())
                                .map(|c| {
                                    let k = r * columns.len() + c;
                                    cells
                                        .get(k % cells.len().max(1))
                                        .cloned()
                                        .unwrap_or(Cell::Empty)
                                })
                                .collect()
                        })
                        .collect();
                    let answer = Answer {
                        query: "claims where quote ~ \"\\\"\"".to_owned(),
                        basis: Basis {
                            at,
                            position,
                            log_entries: entries,
                            head: (h % 3 != 0).then(|| format!("{h:064x}")),
                            known,
                            valid,
                        },
                        columns,
                        rows,
                        notes,
                        read: reckon_query::Read::WholeLog,
                    };
                    (answer, saved)
                },
            )
    }

    proptest! {
        /// Written a piece at a time, an answer's JSON is byte for byte the JSON serde_json
        /// prints of the whole answer built as a value.
        #[test]
        fn answer_json_is_what_serde_json_prints_of_it((a, saved) in answer()) {
            let got = gathered::<()>(|emit| answer_json_into(&a, saved, &mut { emit }));
            prop_assert!(got.is_ok());
            let got = got.unwrap_or_default();
            prop_assert_eq!(got, built(&a, saved));
        }

        /// Measured and written a piece at a time, an answer's table for a pipe is the table
        /// made of every row's text at once (line breaks as spaces, hashes cut to 12 digits,
        /// trailing blanks cut).
        #[test]
        fn answer_table_is_the_table_of_its_rows_text((a, _) in answer()) {
            let got = gathered::<()>(|emit| answer_table_into(&a, &mut { emit }));
            prop_assert!(got.is_ok());
            let got = got.unwrap_or_default();
            prop_assert_eq!(got, table_built(&a));
        }

        /// Written a piece at a time, an answer's CSV is each cell's text quoted where RFC
        /// 4180 says it must be, joined by commas, a line a row after the header line; and a
        /// CSV reader (the crate the importer uses) reads back the header and every cell's
        /// text (with two columns or more: a row of one empty cell is an empty line, which
        /// readers pass over).
        #[test]
        fn answer_csv_reads_back_as_its_cells((a, _) in answer()) {
            let got = gathered::<()>(|emit| answer_csv_into(&a, &mut { emit }));
            prop_assert!(got.is_ok());
            let got = got.unwrap_or_default();
            let line = |cells: Vec<String>| {
                let quoted: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
                format!("{}\n", quoted.join(","))
            };
            let mut want = line(a.columns.clone());
            for r in &a.rows {
                want.push_str(&line(r.iter().map(Cell::to_string).collect()));
            }
            prop_assert_eq!(&got, &want);
            if a.columns.len() >= 2 {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(got.as_bytes());
                let read: Vec<Vec<String>> = reader
                    .records()
                    .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                    .collect();
                let mut cells = vec![a.columns.clone()];
                cells.extend(a.rows.iter().map(|r| r.iter().map(Cell::to_string).collect()));
                prop_assert_eq!(read, cells);
            }
        }
    }

    /// A large answer is handed out in pieces as its rows are written, never whole: as
    /// JSON, and as CSV.
    #[test]
    fn a_large_answers_json_is_handed_out_in_pieces() {
        let row = vec![Cell::Int(7), Cell::Text("x".repeat(100))];
        let a = Answer {
            query: "claims".into(),
            basis: Basis {
                at: None,
                position: 1,
                log_entries: 1,
                head: None,
                known: None,
                valid: None,
            },
            columns: vec!["seq".into(), "quote".into()],
            rows: vec![row; 10_000],
            notes: Vec::new(),
            read: reckon_query::Read::WholeLog,
        };
        let mut pieces = Vec::new();
        let r: Result<(), ()> = answer_json_into(&a, false, &mut |piece| {
            pieces.push(piece.len());
            Ok(())
        });
        assert!(r.is_ok());
        let total: usize = pieces.iter().sum();
        assert!(total > 1_000_000, "{total} bytes");
        assert!(pieces.len() > 10, "{} pieces", pieces.len());
        assert!(pieces.iter().all(|&n| n < 2 * PIECE), "{pieces:?}");
        // An error from the output ends the writing at once.
        let mut calls = 0;
        let r = answer_json_into(&a, false, &mut |_| {
            calls += 1;
            Err("closed")
        });
        assert_eq!((r, calls), (Err("closed"), 1));
        let mut pieces = Vec::new();
        let r: Result<(), ()> = answer_csv_into(&a, &mut |piece| {
            pieces.push(piece.len());
            Ok(())
        });
        assert!(r.is_ok());
        assert!(pieces.iter().sum::<usize>() > 1_000_000);
        assert!(pieces.len() > 10, "{} pieces", pieces.len());
        assert!(pieces.iter().all(|&n| n < 2 * PIECE), "{pieces:?}");
    }
}
