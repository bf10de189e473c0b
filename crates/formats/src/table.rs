//! CSV in and out. The header names contract fields (any order, any subset that makes a
//! claim); `tags` holds labels separated by `;`; an empty cell is a field not given. The
//! columns `reckon export` adds about the claim's place in its log (`seq`, `hash`, `state`,
//! `supersedes_seq`, `retracted_by`, `retraction_reason`, `superseded_by`) are read back and
//! not recorded; a row whose `state` is not `live` is refused as a JSON line would be. Rows
//! are numbered as a spreadsheet numbers them: the header is row 1.

use crate::export::Exported;
use crate::{Converted, FormatError, Record, error, without_bom};
use serde_json::{Map, Value as Json};

/// The columns about a claim's place in the log it was exported from.
pub const PLACE_COLUMNS: &[&str] = &[
    "seq",
    "hash",
    "state",
    "supersedes_seq",
    "retracted_by",
    "retraction_reason",
    "superseded_by",
];

/// The contract fields, in the order export writes them: the import contract's own
/// (`supersedes`, a reference into one log, and `exported` are written as place columns).
pub fn field_columns() -> impl Iterator<Item = &'static str> {
    reckon_claim::input::CLAIM_FIELDS
        .iter()
        .copied()
        .filter(|f| !matches!(*f, "supersedes" | "exported"))
}

/// The known column nearest to an unknown one, for the error.
fn nearest(name: &str) -> Option<&'static str> {
    let known: Vec<&'static str> = field_columns()
        .chain(PLACE_COLUMNS.iter().copied())
        .chain(["supersedes"])
        .collect();
    reckon_claim::suggest::nearest(&name.to_lowercase(), known, 1)
        .first()
        .copied()
}

/// Where a csv crate error is, as rows are numbered here.
fn csv_error(e: &csv::Error) -> FormatError {
    let row = |p: &csv::Position| format!("row {}", p.record() + 1);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos: Some(p),
            expected_len,
            len,
        } => error(
            row(p),
            format!("has {len} cells; the header has {expected_len} (a missing quote or comma?)"),
        ),
        csv::ErrorKind::Utf8 { pos: Some(p), err } => error(
            format!("{}, column {}", row(p), err.field() + 1),
            "is not UTF-8 text (save the sheet as CSV UTF-8)",
        ),
        _ => error("", format!("cannot read the CSV: {e}")),
    }
}

/// Reads a CSV file of claims.
pub fn read(bytes: &[u8]) -> Result<Converted, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(without_bom(bytes));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(error(
            "row 1",
            "no header: the first row names the columns (subject, value, said_on, speaker, …)",
        ));
    }
    for (i, name) in header.iter().enumerate() {
        let known = field_columns().any(|f| f == name)
            || PLACE_COLUMNS.contains(&name.as_str())
            || name == "supersedes";
        if !known {
            let hint = match nearest(name) {
                Some(n) => format!("; did you mean `{n}`?"),
                None => format!(
                    "; the columns are {}",
                    field_columns().collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(error(
                format!("row 1, column {}", i + 1),
                format!("unknown column `{name}`{hint}"),
            ));
        }
        if header[..i].contains(name) {
            return Err(error(
                format!("row 1, column {}", i + 1),
                format!("column `{name}` is given twice"),
            ));
        }
    }
    let mut out = Converted::default();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| csv_error(&e))?;
        let place = format!("row {}", n + 2);
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut object = Map::new();
        let mut exported = Map::new();
        let mut sources = Vec::new();
        for (i, (name, cell)) in header.iter().zip(row.iter()).enumerate() {
            if cell.is_empty() {
                continue;
            }
            sources.push((name.clone(), format!("column {} (`{name}`)", i + 1)));
            match name.as_str() {
                "tags" => {
                    let tags: Vec<Json> = cell
                        .split(';')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(Json::from)
                        .collect();
                    object.insert("tags".into(), Json::Array(tags));
                }
                "supersedes" => {
                    object.insert(
                        "supersedes".into(),
                        reckon_claim::input::reference_json(cell),
                    );
                }
                "state" | "hash" | "retraction_reason" => {
                    exported.insert(name.clone(), cell.trim().into());
                }
                place_column if PLACE_COLUMNS.contains(&place_column) => {
                    exported.insert(name.clone(), reckon_claim::input::reference_json(cell));
                }
                _ => {
                    object.insert(name.clone(), cell.into());
                }
            }
        }
        if !exported.is_empty() {
            if exported.contains_key("state")
                && let Some(i) = header.iter().position(|h| h == "state")
            {
                sources.push(("exported".into(), format!("column {} (`state`)", i + 1)));
            }
            object.insert("exported".into(), Json::Object(exported));
        }
        out.records.push(Record {
            object,
            place,
            sources,
        });
    }
    Ok(out)
}

/// Claims as CSV: the place columns, then the contract fields, a row a claim.
pub fn write(claims: &[Exported]) -> String {
    let mut out = header();
    for c in claims {
        out.push_str(&row(c));
    }
    out
}

/// One record as a CSV line (with its newline).
fn record(cells: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(cells);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The header line: the place columns, then the contract fields.
pub fn header() -> String {
    let cells: Vec<String> = PLACE_COLUMNS
        .iter()
        .copied()
        .chain(field_columns())
        .map(str::to_owned)
        .collect();
    record(&cells)
}

/// One claim's row.
pub fn row(c: &Exported) -> String {
    let mut cells = vec![
        c.seq.to_string(),
        c.hash.clone(),
        c.state.word().to_owned(),
        c.supersedes.map(|s| s.to_string()).unwrap_or_default(),
        c.retracted
            .as_ref()
            .map(|(s, _)| s.to_string())
            .unwrap_or_default(),
        c.retracted
            .as_ref()
            .map(|(_, r)| r.clone())
            .unwrap_or_default(),
        c.superseded_by.map(|s| s.to_string()).unwrap_or_default(),
    ];
    for f in field_columns() {
        cells.push(match c.claim.get(f) {
            None | Some(Json::Null) => String::new(),
            Some(Json::String(s)) => s.clone(),
            Some(Json::Array(tags)) => tags
                .iter()
                .map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join("; "),
            Some(other) => other.to_string(),
        });
    }
    record(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_with_a_bom_quotes_and_tags_reads_into_contract_objects() {
        let text = "\u{feff}subject,value,said_on,speaker,quote,tags\n\
                    pows/held,\"at least 8,000\",2025-05-01,Iryna Vereshchuk,\"She said \"\"8,000\"\"\nand more\",pow; exchange\n";
        let c = read(text.as_bytes()).unwrap();
        assert_eq!(c.records.len(), 1);
        let o = &c.records[0].object;
        assert_eq!(o["value"], "at least 8,000");
        assert_eq!(o["quote"], "She said \"8,000\"\nand more");
        assert_eq!(o["tags"], serde_json::json!(["pow", "exchange"]));
        assert_eq!(c.records[0].place, "row 2");
        assert_eq!(
            c.records[0].field_place("value"),
            "row 2, column 2 (`value`)"
        );
    }

    #[test]
    fn errors_name_the_row_and_column() {
        let e = read(b"subject,valeu\na,1\n").unwrap_err();
        assert_eq!(e.place, "row 1, column 2");
        assert!(e.message.contains("did you mean `value`"), "{e}");
        let e = read(b"subject,value\na,1\nb,2,3\n").unwrap_err();
        assert_eq!(e.place, "row 3");
        assert!(e.message.contains("has 3 cells; the header has 2"), "{e}");
        let e = read(b"subject,value\na,\xff\n").unwrap_err();
        assert_eq!(e.place, "row 2, column 2");
        let e = read(b"subject,subject\n").unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
        assert!(read(b"").is_err());
    }

    #[test]
    fn written_rows_read_back_to_the_same_fields() {
        let mut claim = Map::new();
        claim.insert("subject".into(), "a/b".into());
        claim.insert("value".into(), "about 1,000".into());
        claim.insert("said_on".into(), "2025-05-01".into());
        claim.insert("speaker".into(), "X, \"the\" minister".into());
        claim.insert("quote".into(), "line one\nline two".into());
        claim.insert("tags".into(), serde_json::json!(["a", "b"]));
        let e = Exported {
            seq: 7,
            hash: "ab".repeat(32),
            state: crate::export::State::Live,
            claim: claim.clone(),
            supersedes: Some(3),
            retracted: None,
            superseded_by: None,
        };
        let text = write(&[e]);
        let back = read(text.as_bytes()).unwrap();
        let mut o = back.records[0].object.clone();
        let exported = o.remove("exported").unwrap();
        assert_eq!(o, claim);
        assert_eq!(exported["state"], "live");
        assert_eq!(exported["supersedes_seq"], 3);
    }
}
