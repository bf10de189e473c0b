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

/// The header of a sheet: its column names, each a known one, none twice.
fn header_of<R: std::io::Read>(reader: &mut csv::Reader<R>) -> Result<Vec<String>, FormatError> {
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
    // Each known column at most once: far fewer than the 64 a row's cells given are kept in.
    if header.len() > 64 {
        return Err(error("row 1", "more than 64 columns"));
    }
    Ok(header)
}

/// The claim of one row under `header`, with which of its cells are not empty (a bit a
/// column); `None` for a row whose cells are all blank.
fn claim_of(header: &[String], row: &csv::StringRecord) -> Option<(Map<String, Json>, u64)> {
    if row.iter().all(|c| c.trim().is_empty()) {
        return None;
    }
    let mut object = Map::new();
    let mut exported = Map::new();
    let mut given = 0u64;
    for (i, (name, cell)) in header.iter().zip(row.iter()).enumerate() {
        if cell.is_empty() {
            continue;
        }
        given |= 1 << i;
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
        object.insert("exported".into(), Json::Object(exported));
    }
    Some((object, given))
}

/// Where each contract field of a row came from, when its cells `given` (a bit a column)
/// were not empty: the column of each, and the `state` column for `exported`.
fn sources_of(header: &[String], given: u64) -> Vec<(String, String)> {
    let column = |i: usize, name: &str| format!("column {} (`{name}`)", i + 1);
    let mut sources: Vec<(String, String)> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| given & (1 << i) != 0)
        .map(|(i, name)| (name.clone(), column(i, name)))
        .collect();
    if let Some(i) = header.iter().position(|h| h == "state")
        && given & (1 << i) != 0
    {
        sources.push(("exported".into(), column(i, "state")));
    }
    sources
}

/// A CSV reader of `input` with the header's rules.
fn csv_reader<R: std::io::Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
}

/// Reads a CSV file of claims.
pub fn read(bytes: &[u8]) -> Result<Converted, FormatError> {
    let mut reader = csv_reader(without_bom(bytes));
    let header = header_of(&mut reader)?;
    let mut out = Converted::default();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| csv_error(&e))?;
        let Some((object, given)) = claim_of(&header, &row) else {
            continue;
        };
        out.records.push(Record {
            object,
            place: format!("row {}", n + 2),
            sources: sources_of(&header, given),
        });
    }
    Ok(out)
}

/// A sheet of claims read a row at a time as the import contract's JSON Lines, one for each
/// row that is not blank: what an import streams into one append, so that neither the file
/// nor its records are ever held whole. It keeps, for each line it gave, its row and which
/// of its cells were given (16 bytes), to name the row and column of whatever the importer
/// refuses ([`Rows::record`]). A row the sheet cannot give (a wrong number of cells, text
/// that is not UTF-8) ends the reading with an [`std::io::Error`] that carries the
/// [`FormatError`] ([`crate::carried`]).
pub struct Rows<R: std::io::Read> {
    reader: csv::Reader<crate::Unmarked<R>>,
    header: Vec<String>,
    row: csv::StringRecord,
    /// The number of the next row read (the header is row 1).
    next: u64,
    /// The line being given, and how much of it has been.
    line: Vec<u8>,
    at: usize,
    /// Each line given: its row and its cells given.
    given: Vec<(u64, u64)>,
}

impl<R: std::io::Read> Rows<R> {
    /// Reads the header of `input` (a UTF-8 byte order mark first is passed over) and checks
    /// it: every column a known one, none twice.
    pub fn new(input: R) -> Result<Rows<R>, FormatError> {
        let mut reader = csv_reader(crate::Unmarked::new(input));
        let header = header_of(&mut reader)?;
        Ok(Rows {
            reader,
            header,
            row: csv::StringRecord::new(),
            next: 2,
            line: Vec::new(),
            at: 0,
            given: Vec::new(),
        })
    }

    /// How many lines (claims) it has given.
    pub fn count(&self) -> usize {
        self.given.len()
    }

    /// The record that line `line` (from 1) came from, with where each of its fields was (its
    /// object left empty): for an error about that line.
    pub fn record(&self, line: u64) -> Option<Record> {
        let i = usize::try_from(line.checked_sub(1)?).ok()?;
        let &(row, given) = self.given.get(i)?;
        Some(Record {
            object: Map::new(),
            place: format!("row {row}"),
            sources: sources_of(&self.header, given),
        })
    }

    /// Makes the next line from the next row that is not blank; false at the end.
    fn next_line(&mut self) -> std::io::Result<bool> {
        loop {
            let more = self
                .reader
                .read_record(&mut self.row)
                .map_err(|e| std::io::Error::other(csv_error(&e)))?;
            if !more {
                return Ok(false);
            }
            let row = self.next;
            self.next += 1;
            let Some((object, given)) = claim_of(&self.header, &self.row) else {
                continue;
            };
            self.line.clear();
            self.at = 0;
            serde_json::to_writer(&mut self.line, &object).map_err(std::io::Error::other)?;
            self.line.push(b'\n');
            self.given.push((row, given));
            return Ok(true);
        }
    }
}

impl<R: std::io::Read> std::io::Read for Rows<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.line.len() && !self.next_line()? {
            return Ok(0);
        }
        Ok(crate::give(&self.line, &mut self.at, buf))
    }
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
    let columns = cells.len();
    cells.extend(field_columns().map(|_| String::new()));
    c.claim().each_field(|name, text| {
        // Every field but `supersedes` (given by number above) has its column.
        if let Some(i) = field_columns().position(|f| f == name) {
            cells[columns + i] = match text {
                reckon_claim::FieldText::Text(t) => t.into_owned(),
                reckon_claim::FieldText::List(tags) => tags.join("; "),
            };
        }
    });
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
        let claim = serde_json::json!({
            "subject": "a/b",
            "value": "about 1,000",
            "unit": "people",
            "said_on": "2025-05-01",
            "speaker": "X, \"the\" minister",
            "quote": "line one\nline two",
            "tags": ["a", "b"],
        });
        let typed: reckon_claim::Claim = serde_json::from_value(claim.clone()).unwrap();
        let (mut e, corrects) =
            Exported::without_reference(typed, 7, &reckon_claim::EntryHash([0xab; 32]));
        assert_eq!(corrects, None);
        e.supersedes = Some(3);
        let text = write(&[e]);
        let back = read(text.as_bytes()).unwrap();
        let mut o = back.records[0].object.clone();
        let exported = o.remove("exported").unwrap();
        assert_eq!(Json::Object(o), claim);
        assert_eq!(exported["state"], "live");
        assert_eq!(exported["supersedes_seq"], 3);
    }

    /// A reader that gives at most `step` bytes a call, as a pipe may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Everything `rows` gives, read `chunk` bytes at a time.
    fn drained<R: std::io::Read>(rows: &mut Rows<R>, chunk: usize) -> std::io::Result<Vec<u8>> {
        use std::io::Read as _;
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            match rows.read(&mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn a_sheet_read_a_row_at_a_time_gives_the_lines_and_places_of_a_whole_read() {
        let sheets = [
            "\u{feff}subject,value,said_on,speaker,quote,tags\n\
             pows/held,\"at least 8,000\",2025-05-01,Iryna Vereshchuk,\"She said \"\"8,000\"\"\nand more\",pow; exchange\n\
             ,,,,,\n\
             pows/held,9000,2025-05-02,,,\n",
            "seq,hash,state,subject,value,said_on,speaker\n\
             4,ab,live,a/b,\"1,000\",2025,Ann\n\
             5,,,a/b,2,2025-01,Bob\n",
            "subject,value\n",
        ];
        for text in sheets {
            let whole = read(text.as_bytes()).unwrap();
            // Pieces as small as a byte (the mark split across reads) and as large as the sheet.
            for (step, chunk) in [(1, 1), (2, 7), (3, 64), (4096, 4096)] {
                let input = Trickle {
                    bytes: text.as_bytes(),
                    step,
                };
                let mut rows = Rows::new(input).unwrap();
                let lines = drained(&mut rows, chunk).unwrap();
                assert_eq!(lines, whole.lines(), "{text:?} read {step} bytes at a time");
                assert_eq!(rows.count(), whole.records.len());
                for (i, r) in whole.records.iter().enumerate() {
                    let told = rows.record(i as u64 + 1).unwrap();
                    assert_eq!((&told.place, &told.sources), (&r.place, &r.sources));
                }
                assert!(rows.record(0).is_none());
                assert!(rows.record(whole.records.len() as u64 + 1).is_none());
            }
        }
    }

    #[test]
    fn a_row_the_sheet_cannot_give_ends_the_reading_with_its_place() {
        let text = "subject,value,said_on\na/b,1,2025\na/b,2\na/b,3,2025\n";
        let mut rows = Rows::new(text.as_bytes()).unwrap();
        let e = drained(&mut rows, 64).unwrap_err();
        let bad = crate::carried(&e).unwrap();
        assert_eq!(
            bad.to_string(),
            read(text.as_bytes()).unwrap_err().to_string()
        );
        assert!(bad.to_string().starts_with("row 3: has 2 cells"), "{bad}");
        // A bad header is refused before any row is read.
        let e = Rows::new("subject,valeu\n".as_bytes()).err().unwrap();
        assert!(e.to_string().contains("did you mean `value`"), "{e}");
    }
}
