//! The ledger's errors. Each names the file, and the line where one is known.

use crate::format::LineProblem;
use reckon_claim::{EntryHash, Timestamp};
use std::fmt;
use std::path::PathBuf;

/// Something in the log is not as the format requires. Numbers are 1-based line numbers of
/// the entries file; entry `n` should be on line `n`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A line is malformed or its hash does not match.
    Line {
        /// Line number.
        line: u64,
        /// What is wrong with it.
        problem: LineProblem,
    },
    /// The sequence number is not the one after the previous entry's.
    SequenceGap {
        /// Line number.
        line: u64,
        /// The number that should be there.
        expected: u64,
        /// The number that is there.
        found: u64,
    },
    /// `prev` is not the hash of the entry before.
    BrokenLink {
        /// Line number.
        line: u64,
        /// The previous entry's hash.
        expected: EntryHash,
        /// What the entry says instead.
        found: EntryHash,
    },
    /// The file does not end with a newline: the last append was cut short.
    TornTail {
        /// Line number of the incomplete line.
        line: u64,
        /// How many bytes it has.
        bytes: u64,
    },
    /// The head file is missing or unreadable although the log has entries.
    HeadUnreadable(String),
    /// The head file names an entry past the end of the log: entries were removed.
    Truncated {
        /// Entries the head file names.
        head_seq: u64,
        /// Entries the log holds.
        entries: u64,
    },
    /// The log holds entries past the one the head file names.
    HeadBehind {
        /// Entries the head file names.
        head_seq: u64,
        /// Entries the log holds.
        entries: u64,
    },
    /// The file ends in bytes that are not the start of an entry: not something an append
    /// leaves, so repair does not touch them.
    ForeignTail {
        /// Line number of the incomplete line.
        line: u64,
        /// How many bytes it has.
        bytes: u64,
        /// The length of the file without them.
        keep: u64,
    },
    /// Complete lines follow the entry the head file names, written by more than one append:
    /// not what an interrupted append leaves (the head file was moved back, or lines were
    /// added by hand).
    HeadMovedBack {
        /// Entries the head file names.
        head_seq: u64,
        /// Entries the log holds.
        entries: u64,
    },
    /// A line read again by its place is not the entry a checked pass found there: the file
    /// was changed while it was being read.
    Moved {
        /// Where the line starts, in bytes from the start of the file.
        offset: u64,
    },
    /// The last line is incomplete, but the head file says it was committed: the file was
    /// cut short after the append, which repair does not mend.
    TornCommitted {
        /// Line number of the incomplete line.
        line: u64,
        /// How many bytes it has.
        bytes: u64,
    },
    /// An interrupted append left complete lines after the committed ones and then an
    /// incomplete one.
    Unfinished {
        /// Line number of the first uncommitted line.
        line: u64,
        /// How many complete lines it left.
        complete: u64,
        /// How many bytes the incomplete last line has.
        torn: u64,
    },
    /// A valid event whose reference an append would have refused (found by a deep check).
    BadReference {
        /// Line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// An entry was recorded at an earlier time than the entry before it: the recorded time
    /// only moves forward.
    TimeBackwards {
        /// Line number.
        line: u64,
        /// The time of the entry before.
        previous: Timestamp,
        /// The time of this entry.
        found: Timestamp,
    },
    /// The head file's hash is not the hash of the entry it names.
    HeadHashMismatch {
        /// The entry it names.
        seq: u64,
        /// The hash in the head file.
        head: EntryHash,
        /// The entry's hash.
        entry: EntryHash,
    },
}

impl Problem {
    /// The line the problem is on, if it is about one line.
    pub fn line(&self) -> Option<u64> {
        match self {
            Problem::Line { line, .. }
            | Problem::SequenceGap { line, .. }
            | Problem::BrokenLink { line, .. }
            | Problem::TimeBackwards { line, .. }
            | Problem::TornTail { line, .. }
            | Problem::ForeignTail { line, .. }
            | Problem::BadReference { line, .. }
            | Problem::Unfinished { line, .. }
            | Problem::TornCommitted { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Line { line, problem } => write!(f, "entry {line} (line {line}): {problem}"),
            Problem::SequenceGap {
                line,
                expected,
                found,
            } => write!(
                f,
                "entry {expected} (line {line}): sequence gap: expected seq {expected}, found {found} (an entry was removed, inserted or moved)"
            ),
            Problem::BrokenLink {
                line,
                expected,
                found,
            } => write!(
                f,
                "entry {line} (line {line}): broken link: prev is {found} but the entry before hashes to {expected}"
            ),
            Problem::TornTail { line, bytes } => write!(
                f,
                "entry {line} (line {line}): torn tail: the last {bytes} bytes are an incomplete entry (an append was interrupted); `reckon repair` removes them"
            ),
            Problem::HeadUnreadable(m) => write!(f, "head file: {m}"),
            Problem::Truncated { head_seq, entries } => write!(
                f,
                "entry {}: missing: the head file records {head_seq} entries but the log ends after {entries} (entries were removed from the end)",
                entries + 1
            ),
            Problem::HeadBehind { head_seq, entries } => write!(
                f,
                "entry {}: uncommitted: the head file records {head_seq} entries but the log holds {entries} (an append was interrupted before it was committed, or the head file was moved back); `reckon repair --dry-run` shows what repair would do",
                head_seq + 1
            ),
            Problem::ForeignTail { line, bytes, keep } => write!(
                f,
                "line {line}: the file ends in {bytes} bytes that are not the start of an entry (not what an interrupted append leaves, so repair will not remove them; look at them, and if they are not wanted, `truncate -s {keep} entries.jsonl` removes them)"
            ),
            Problem::Moved { offset } => write!(
                f,
                "the line at byte {offset} is not the entry a checked read found there (the file changed while it was read)"
            ),
            Problem::TornCommitted { line, bytes } => write!(
                f,
                "entry {line} (line {line}): torn: the last {bytes} bytes are an incomplete entry that the head file says was committed (the file was cut short after the append; repair does not mend this: restore the file from a copy)"
            ),
            Problem::Unfinished {
                line,
                complete,
                torn,
            } => write!(
                f,
                "entry {line} (line {line}): uncommitted: an interrupted append left {complete} complete line(s) the head file does not name, then an incomplete line of {torn} bytes; `reckon repair` removes them all"
            ),
            Problem::BadReference { line, message } => write!(
                f,
                "entry {line} (line {line}): bad reference: {message} (an append refuses this; the entry was written by another tool)"
            ),
            Problem::HeadMovedBack { head_seq, entries } => write!(
                f,
                "entry {}: uncommitted: the head file records {head_seq} entries but the log holds {entries}, written by more than one append (not what an interrupted append leaves: was the head file moved back?); `reckon repair --commit-tail` makes the head name the last entry and keeps them all",
                head_seq + 1
            ),
            Problem::TimeBackwards {
                line,
                previous,
                found,
            } => write!(
                f,
                "entry {line} (line {line}): time goes backwards: recorded at {found}, before the entry before it ({previous}); recorded times only move forward"
            ),
            Problem::HeadHashMismatch { seq, head, entry } => write!(
                f,
                "entry {seq}: the head file records hash {head} but the entry hashes to {entry} (the log was rewritten)"
            ),
        }
    }
}

/// An error from the ledger.
#[derive(Debug)]
#[non_exhaustive]
pub enum LedgerError {
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        op: &'static str,
        /// The system's error.
        source: std::io::Error,
    },
    /// There is no log in the directory.
    NoLog(PathBuf),
    /// `init` found a log already there.
    AlreadyExists(PathBuf),
    /// The log fails a check; nothing was written.
    Damaged {
        /// The entries file.
        path: PathBuf,
        /// What is wrong.
        problem: Problem,
    },
    /// `SOURCE_DATE_EPOCH` is set but is not a whole number of seconds.
    BadSourceDateEpoch(String),
    /// The time to record new entries at is earlier than the last entry's: the clock (or
    /// `SOURCE_DATE_EPOCH`) is behind the log, and recorded times only move forward.
    ClockBehind {
        /// The last entry's time.
        last: Timestamp,
        /// The time the append would record.
        now: Timestamp,
    },
    /// Another process held the log's lock for longer than the caller would wait.
    LockTimeout {
        /// The entries file.
        path: PathBuf,
        /// How long was waited.
        waited: std::time::Duration,
        /// Who holds it, as far as the system says.
        holder: String,
    },
    /// An append failed and the entries file could not be cut back to where it was: the
    /// lines after `len` are uncommitted.
    NotCutBack {
        /// The entries file.
        path: PathBuf,
        /// Its length before the append.
        len: u64,
        /// Why it could not be cut back.
        source: std::io::Error,
    },
}

impl From<crate::fsx::WriteError> for LedgerError {
    fn from(e: crate::fsx::WriteError) -> Self {
        LedgerError::Io {
            path: e.path,
            op: e.op,
            source: e.source,
        }
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerError::Io { path, op, source } => {
                write!(f, "{}: cannot {op}: {source}", path.display())
            }
            LedgerError::NoLog(p) => write!(
                f,
                "{}: no log here (create one with `reckon init`, or point --log or RECKON_LOG at one)",
                p.display()
            ),
            LedgerError::AlreadyExists(p) => {
                write!(f, "{}: a log already exists here", p.display())
            }
            LedgerError::Damaged { path, problem } => write!(
                f,
                "{}: {problem}\nnothing was written; run `reckon verify` for the full report",
                path.display()
            ),
            LedgerError::LockTimeout {
                path,
                waited,
                holder,
            } => write!(
                f,
                "{}: gave up after waiting {:.1} s for the lock held by {holder}; nothing was read or written",
                path.display(),
                waited.as_secs_f64()
            ),
            LedgerError::NotCutBack { path, len, source } => write!(
                f,
                "{}: an append failed and the file could not be cut back to its {len} bytes ({source}); the lines after them are uncommitted: run `reckon repair`",
                path.display()
            ),
            LedgerError::ClockBehind { last, now } => write!(
                f,
                "nothing appended: the time to record is {now}, earlier than the last entry's ({last}); recorded times only move forward (is the clock or SOURCE_DATE_EPOCH behind?)"
            ),
            LedgerError::BadSourceDateEpoch(v) => {
                write!(
                    f,
                    "SOURCE_DATE_EPOCH is `{v}`, expected a whole number of seconds since 1970"
                )
            }
        }
    }
}

/// The system's error is part of each message, so it is not offered again as a source (which
/// would print it twice in an error chain).
impl std::error::Error for LedgerError {}

pub(crate) fn io(
    path: &std::path::Path,
    op: &'static str,
) -> impl FnOnce(std::io::Error) -> LedgerError {
    let path = path.to_path_buf();
    move |source| LedgerError::Io { path, op, source }
}
