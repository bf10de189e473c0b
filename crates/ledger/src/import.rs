//! Importing JSON Lines into the log, all or nothing.

use crate::error::LedgerError;
use crate::log::{Head, Log};
use reckon_claim::{Event, parse_line};
use std::fmt;

/// The longest line an import accepts, in bytes.
pub const MAX_LINE: usize = 1 << 20;

/// Why an import was refused. The log is unchanged.
#[derive(Debug)]
pub enum ImportError {
    /// A problem with the input, at a place in it.
    Input {
        /// The file name (`-` for standard input).
        file: String,
        /// Line number, from 1.
        line: u64,
        /// Column in characters, from 1.
        column: usize,
        /// The field, when the problem is about one.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The input has no events at all.
    Empty {
        /// The file name.
        file: String,
    },
    /// The log could not be read or written.
    Ledger(LedgerError),
}

impl From<LedgerError> for ImportError {
    fn from(e: LedgerError) -> Self {
        ImportError::Ledger(e)
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Input {
                file,
                line,
                column,
                field: Some(field),
                message,
            } => {
                write!(f, "{file}:{line}:{column}: field `{field}`: {message}")
            }
            ImportError::Input {
                file,
                line,
                column,
                field: None,
                message,
            } => {
                write!(f, "{file}:{line}:{column}: {message}")
            }
            ImportError::Empty { file } => {
                write!(f, "{file}: no claims or events in the input (it is empty)")
            }
            ImportError::Ledger(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ImportError {}

/// Parses one line of input into an event, resolving references through `tx`.
pub fn parse_input_line(
    tx: &mut crate::Tx<'_>,
    file: &str,
    line_no: u64,
    raw: &[u8],
) -> Result<Option<Event>, ImportError> {
    let at = |column: usize, field: Option<String>, message: String| ImportError::Input {
        file: file.to_owned(),
        line: line_no,
        column,
        field,
        message,
    };
    if raw.len() > MAX_LINE {
        return Err(at(
            1,
            None,
            format!(
                "the line is {} bytes long; lines are limited to {} bytes (1 MiB)",
                raw.len(),
                MAX_LINE
            ),
        ));
    }
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let text = std::str::from_utf8(raw).map_err(|e| {
        let valid = &raw[..e.valid_up_to()];
        let column = String::from_utf8_lossy(valid).chars().count() + 1;
        at(
            column,
            None,
            "invalid UTF-8: the input must be UTF-8 text".into(),
        )
    })?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let event = parse_line(text, &mut |field, r| tx.resolve(field, r))
        .map_err(|e| at(e.column, e.field, e.message))?;
    Ok(Some(event))
}

/// The field that a push error is about.
fn ref_field(event: &Event) -> Option<String> {
    match event {
        Event::Retract { .. } => Some("retract".into()),
        Event::Claim(c) if c.supersedes.is_some() => Some("supersedes".into()),
        _ => None,
    }
}

/// Appends every line of `bytes` (named `file` in messages) to the log, or nothing at all.
/// Returns the new head and the number of entries added.
pub fn import(log: &Log, file: &str, bytes: &[u8]) -> Result<(Head, u64), ImportError> {
    let (head, added) = log.append(|tx| {
        for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
            let line_no = i as u64 + 1;
            if let Some(event) = parse_input_line(tx, file, line_no, raw)? {
                tx.push(&event).map_err(|message| ImportError::Input {
                    file: file.to_owned(),
                    line: line_no,
                    column: 1,
                    field: ref_field(&event),
                    message,
                })?;
            }
        }
        if tx.pushed() == 0 {
            return Err(ImportError::Empty {
                file: file.to_owned(),
            });
        }
        Ok(tx.pushed())
    })?;
    Ok((head, added))
}
