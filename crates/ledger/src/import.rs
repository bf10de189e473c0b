//! Importing JSON Lines into the log, all or nothing.
//!
//! Lines that refer to no other entry (no `retract`, no `supersedes`) are read and serialised on
//! all cores before the log is locked; only hashing the chain is sequential. A file in which
//! a line refers to another entry is read line by line in order instead, since a reference may
//! name a line before it.

use crate::error::LedgerError;
use crate::log::{Head, Log};
use reckon_claim::{EntryHash, Event, Ref, parse_line};
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

/// Why a [`Gate`] refuses an event: the field it is about, if one, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The field of the input line the refusal is about.
    pub field: Option<&'static str>,
    /// What is wrong, and how to insist when the user means it.
    pub message: String,
}

/// A check put to every event of an import (or an add) before it is appended, in input order.
/// The ledger only calls it; what it checks is the caller's business (the binary's vetting of
/// units, subjects and duplicates lives in `reckon-vet`).
pub trait Gate: Sync {
    /// What [`Gate::admit`] needs of an event; made on any thread, in any order.
    type Mark: Send;
    /// Reads what `admit` will need of an event (from the event alone, so that the next
    /// block is read while this one is admitted).
    fn mark(event: &Event) -> Self::Mark;
    /// Decides, in input order, whether the event on `line` is appended (`Ok(true)`) or left
    /// out (`Ok(false)`); `Err` refuses the whole import.
    fn admit(&mut self, line: u64, mark: Self::Mark) -> Result<bool, Refusal>;
    /// Learns an entry another writer committed after the gate learnt the log and before this
    /// append took the lock (see [`import_gated`]).
    fn learn(&mut self, entry: &crate::Entry) {
        let _ = entry;
    }
}

/// No checks: every event is appended.
impl Gate for () {
    type Mark = ();
    fn mark(_: &Event) {}
    fn admit(&mut self, _: u64, (): ()) -> Result<bool, Refusal> {
        Ok(true)
    }
}

type Resolver<'r> = dyn FnMut(&str, &Ref) -> Result<EntryHash, String> + 'r;

/// Parses one line of input into an event (`None` for a blank line); `resolve` turns
/// references into entry hashes.
pub fn parse_input_line(
    resolve: &mut Resolver<'_>,
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
    // A byte order mark opening the file is what many editors and sheets write: passed over.
    // One anywhere else is a file pasted into another, and refused.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) if line_no == 1 => rest,
        Some(_) => {
            return Err(at(
                1,
                None,
                "the line starts with a byte order mark (U+FEFF): files joined together? Only the first line may have one"
                    .into(),
            ));
        }
        None => text,
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let event = parse_line(text, resolve).map_err(|e| at(e.column, e.field, e.message))?;
    Ok(Some(event))
}

/// The field that a push error is about.
fn ref_field(event: &Event) -> Option<String> {
    match event {
        Event::Retract { .. } => Some("retract".into()),
        Event::Claim(c) if c.supersedes.is_some() => Some("supersedes".into()),
        Event::Alias { .. } => Some("same_as".into()),
        Event::Define(d) if !d.sum_of.is_empty() => Some("sum_of".into()),
        _ => None,
    }
}

/// Anchors a claim to its document when a documents folder is given (see
/// [`crate::Documents::anchor`]); the error points at the field it is about.
fn anchor(
    docs: Option<&crate::Documents>,
    event: &mut Event,
    file: &str,
    line_no: u64,
    raw: &[u8],
) -> Result<(), ImportError> {
    let Some(docs) = docs else { return Ok(()) };
    docs.anchor(event)
        .map_err(|(field, message)| ImportError::Input {
            file: file.to_owned(),
            line: line_no,
            column: std::str::from_utf8(raw)
                .ok()
                .and_then(|l| reckon_claim::value_column(l, field))
                .unwrap_or(1),
            field: Some(field.to_owned()),
            message,
        })
}

/// Events serialised ahead of the append: their JSON back to back, and for each one its
/// length, its line and what the gate marked of it.
struct Prepared<M> {
    json: Vec<u8>,
    items: Vec<(usize, u64, M)>,
}

const DEFERRED: &str = "a reference cannot be resolved out of order";

/// Reads the lines numbered from `first_line` into prepared events; stops at the first error.
fn prepare<G: Gate>(
    file: &str,
    first_line: u64,
    lines: &[&[u8]],
    docs: Option<&crate::Documents>,
) -> Result<Prepared<G::Mark>, ImportError> {
    let mut p = Prepared {
        json: Vec::with_capacity(lines.iter().map(|l| l.len()).sum()),
        items: Vec::with_capacity(lines.len()),
    };
    let mut no_refs = |_: &str, _: &Ref| Err(DEFERRED.to_owned());
    for (i, raw) in lines.iter().enumerate() {
        if let Some(mut event) = parse_input_line(&mut no_refs, file, first_line + i as u64, raw)? {
            anchor(docs, &mut event, file, first_line + i as u64, raw)?;
            // Aliases and sums are checked against what came before: read such files in order.
            let refers = match &event {
                Event::Alias { .. } => true,
                Event::Define(d) => !d.sum_of.is_empty(),
                _ => false,
            };
            if refers {
                return Err(ImportError::Input {
                    file: file.to_owned(),
                    line: first_line + i as u64,
                    column: 1,
                    field: None,
                    message: DEFERRED.to_owned(),
                });
            }
            let before = p.json.len();
            serde_json::to_writer(&mut p.json, &event).map_err(|e| ImportError::Input {
                file: file.to_owned(),
                line: first_line + i as u64,
                column: 1,
                field: None,
                message: e.to_string(),
            })?;
            let mark = G::mark(&event);
            p.items
                .push((p.json.len() - before, first_line + i as u64, mark));
        }
    }
    Ok(p)
}

/// What [`prepare_parallel`] gives: a block's lines read on all cores, `None` when one needs
/// a reference resolved.
type ReadAhead<M> = Result<Option<Vec<Prepared<M>>>, ImportError>;

/// Reads all lines on all cores; `None` when a line turned out to need a reference resolved.
fn prepare_parallel<G: Gate>(
    file: &str,
    first_line: u64,
    lines: &[&[u8]],
    docs: Option<&crate::Documents>,
) -> ReadAhead<G::Mark> {
    use rayon::prelude::*;
    let threads = rayon::current_num_threads().clamp(1, 8);
    let per = lines.len().div_ceil(threads).max(1);
    // A panic in a worker is a bug: rayon carries it to this thread, never an input error.
    let results: Vec<Result<Prepared<G::Mark>, ImportError>> = lines
        .par_chunks(per)
        .enumerate()
        .map(|(k, chunk)| prepare::<G>(file, first_line + (k * per) as u64, chunk, docs))
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => out.push(p),
            Err(ImportError::Input { message, .. }) if message.ends_with(DEFERRED) => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Some(out))
}

/// Appends every line of `bytes` (named `file` in messages) to the log, or nothing at all.
/// Returns the new head and the number of entries added.
pub fn import(log: &Log, file: &str, bytes: &[u8]) -> Result<(Head, u64), ImportError> {
    import_anchored(log, file, bytes, None)
}

/// [`import`], anchoring every claim that names a document to the document's bytes in
/// `docs` (its `document_hash` filled in; a document that cannot be read refuses the import).
pub fn import_anchored(
    log: &Log,
    file: &str,
    bytes: &[u8],
    docs: Option<&crate::Documents>,
) -> Result<(Head, u64), ImportError> {
    import_from(log, file, bytes, docs)
}

/// How much input is read, parsed and appended at a time (two blocks are held: one appended,
/// the next read ahead).
const BLOCK: usize = 8 << 20;

/// Reads up to `block` more bytes onto `buf`; returns whether the input has ended.
fn fill(
    input: &mut impl std::io::Read,
    buf: &mut Vec<u8>,
    file: &str,
    block: usize,
) -> Result<bool, ImportError> {
    use std::io::Read as _;
    let want = buf.len() + block;
    while buf.len() < want {
        let before = buf.len();
        let n = input
            .by_ref()
            .take((want - before) as u64)
            .read_to_end(buf)
            .map_err(|e| {
                ImportError::Ledger(LedgerError::Io {
                    path: file.into(),
                    op: "read",
                    source: e,
                })
            })?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// [`import_anchored`] from a reader, a block at a time: memory stays near the size of two
/// blocks (8 MiB each) however large the input, and the whole input is still one append, all
/// or nothing (a bad line anywhere leaves the log as it was). Each block is read on all cores
/// (the next one while this one is appended) unless a line in it refers to another entry;
/// then that block and the rest are read in order.
pub fn import_from(
    log: &Log,
    file: &str,
    input: impl std::io::Read,
    docs: Option<&crate::Documents>,
) -> Result<(Head, u64), ImportError> {
    let done = import_gated(
        log,
        file,
        input,
        docs,
        (&mut (), None, &crate::Vouches::default()),
        false,
    )?;
    Ok((done.head, done.added))
}

/// What an import did, or in a rehearsal would do.
#[derive(Debug)]
pub struct Imported {
    /// The head after it.
    pub head: Head,
    /// How many entries it appended.
    pub added: u64,
    /// In a rehearsal, the exact lines it would have appended; else empty.
    pub lines: Vec<u8>,
    /// How many of the claims vouched for it took ([`crate::Tx::vouch`]).
    pub vouched: usize,
    /// Whether it took the subjects vouched for it ([`crate::Tx::vouch_subjects`]).
    pub vouched_subjects: bool,
    /// Whether it read the log back ([`crate::Tx::read_back`]).
    pub read_back: bool,
}

/// [`import_from`] with every event put to `gate` first. `learnt` is the head the gate learnt
/// the log at, if it learnt it: entries committed since (by another writer, before this append
/// took the lock) are given to [`Gate::learn`] first. `vouched` is what a reader learnt
/// through the saved index of the claims the input's references name, with their fates, and
/// of the log's subjects: given to [`crate::Tx::vouch`] and [`crate::Tx::vouch_subjects`]
/// before anything is pushed, so that references to them, and new aliases and sums, need not
/// read the log back. When `rehearse`, nothing is written and [`Imported::lines`] holds what
/// would have been (see [`Log::rehearse`]).
pub fn import_gated<G: Gate>(
    log: &Log,
    file: &str,
    input: impl std::io::Read,
    docs: Option<&crate::Documents>,
    (gate, learnt, vouched): (&mut G, Option<Head>, &crate::Vouches),
    rehearse: bool,
) -> Result<Imported, ImportError> {
    let (mut taken, mut subjects_taken, mut read_back) = (0, false, false);
    let build = |tx: &mut crate::Tx<'_>| {
        if let Some(learnt) = learnt
            && tx.head() != learnt
        {
            for e in tx.committed_after(learnt.seq)? {
                gate.learn(&e);
            }
        }
        taken = vouched.claims.iter().filter(|v| tx.vouch(v)).count();
        subjects_taken = vouched
            .subjects
            .as_ref()
            .is_some_and(|v| tx.vouch_subjects(v));
        let done = import_blocks(tx, file, input, docs, gate, BLOCK);
        read_back = tx.read_back();
        done
    };
    if rehearse {
        let (head, added, lines) = log.rehearse(build)?;
        Ok(Imported {
            head,
            added,
            lines,
            vouched: taken,
            vouched_subjects: subjects_taken,
            read_back,
        })
    } else {
        let (head, added) = log.append(build)?;
        Ok(Imported {
            head,
            added,
            lines: Vec::new(),
            vouched: taken,
            vouched_subjects: subjects_taken,
            read_back,
        })
    }
}

fn import_blocks<G: Gate>(
    tx: &mut crate::Tx<'_>,
    file: &str,
    mut input: impl std::io::Read,
    docs: Option<&crate::Documents>,
    gate: &mut G,
    block_size: usize,
) -> Result<u64, ImportError> {
    // Events read, appended or left out by the gate.
    let mut read = 0u64;
    // Once a block refers to another entry, the rest is read in order too (reading ahead
    // on all cores again would make the next reference reread the log).
    let mut in_order = false;
    let mut carry: Vec<u8> = Vec::new();
    let mut current = Some(next_block(&mut input, &mut carry, file, block_size, 1)?);
    let mut ready: Option<ReadAhead<G::Mark>> = None;
    while let Some(block) = current.take() {
        let lines = block.lines();
        let following = match block.ended {
            true => None,
            false => Some(next_block(
                &mut input,
                &mut carry,
                file,
                block_size,
                block.first_line + lines.len() as u64,
            )?),
        };
        // While this thread appends this block in order, the pool reads the next one.
        let mut ahead = None;
        let read_ahead = !in_order;
        let appended = rayon::in_place_scope(|scope| {
            if let (true, Some(next)) = (read_ahead, &following) {
                scope.spawn(|_| {
                    ahead = Some(prepare_parallel::<G>(
                        file,
                        next.first_line,
                        &next.lines(),
                        docs,
                    ));
                });
            }
            append_lines(
                tx,
                (file, block.first_line, &lines),
                docs,
                gate,
                &mut in_order,
                ready.take(),
            )
        });
        read += appended?;
        // A block that turned to reading in order makes what was read ahead useless.
        ready = ahead.filter(|_| !in_order);
        current = following;
    }
    if read == 0 {
        return Err(ImportError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(tx.pushed())
}

/// Whole lines of the input, numbered from `first_line`.
struct Block {
    bytes: Vec<u8>,
    first_line: u64,
    /// The input ended with this block.
    ended: bool,
}

impl Block {
    fn lines(&self) -> Vec<&[u8]> {
        let text = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
        if self.bytes.is_empty() {
            return Vec::new();
        }
        // Each newline found many bytes at a time, not byte by byte: this runs on the
        // thread that appends, and a block holds 8 MB.
        let mut lines = Vec::with_capacity(text.len() / 256);
        let mut from = 0;
        for at in memchr::memchr_iter(b'\n', text) {
            lines.push(&text[from..at]);
            from = at + 1;
        }
        lines.push(&text[from..]);
        lines
    }
}

/// The next block of whole lines (what follows the last newline is carried to the next
/// block; a line longer than a line may be is cut and refused by the parser); the block the
/// input ends with says so, and may be empty.
fn next_block(
    input: &mut impl std::io::Read,
    carry: &mut Vec<u8>,
    file: &str,
    block_size: usize,
    first_line: u64,
) -> Result<Block, ImportError> {
    let mut buf = std::mem::take(carry);
    buf.reserve(block_size + 4096);
    loop {
        let ended = fill(input, &mut buf, file, block_size)?;
        let cut = if ended {
            buf.len()
        } else {
            match buf.iter().rposition(|b| *b == b'\n') {
                Some(i) => i + 1,
                None if buf.len() > MAX_LINE => buf.len(),
                None => continue,
            }
        };
        *carry = buf.split_off(cut);
        return Ok(Block {
            bytes: buf,
            first_line,
            ended,
        });
    }
}

/// Appends the events of `lines`, numbered from `first_line`: read on all cores when none
/// refers to another entry, else in order with references resolved against the log and
/// what this import has appended so far.
/// `ready` is what reading the lines on all cores gave, when that was done ahead.
fn append_lines<G: Gate>(
    tx: &mut crate::Tx<'_>,
    (file, first_line, lines): (&str, u64, &[&[u8]]),
    docs: Option<&crate::Documents>,
    gate: &mut G,
    in_order: &mut bool,
    ready: Option<ReadAhead<G::Mark>>,
) -> Result<u64, ImportError> {
    let mut read = 0;
    let refused = |line_no: u64, r: Refusal| {
        let raw = usize::try_from(line_no - first_line)
            .ok()
            .and_then(|i| lines.get(i));
        ImportError::Input {
            file: file.to_owned(),
            line: line_no,
            column: r
                .field
                .and_then(|f| {
                    raw.and_then(|raw| std::str::from_utf8(raw).ok())
                        .and_then(|l| reckon_claim::value_column(l, f))
                })
                .unwrap_or(1),
            field: r.field.map(str::to_owned),
            message: r.message,
        }
    };
    if !*in_order {
        let parts = match ready {
            Some(done) => done,
            None => prepare_parallel::<G>(file, first_line, lines, docs),
        };
        if let Some(parts) = parts? {
            for p in parts {
                let mut at = 0;
                for (len, line_no, mark) in p.items {
                    read += 1;
                    if gate.admit(line_no, mark).map_err(|r| refused(line_no, r))? {
                        tx.push_prepared(&p.json[at..at + len]);
                    }
                    at += len;
                }
            }
            return Ok(read);
        }
        *in_order = true;
    }
    for (i, raw) in lines.iter().enumerate() {
        let line_no = first_line + i as u64;
        let event = parse_input_line(&mut |f, r| tx.resolve(f, r), file, line_no, raw)?;
        if let Some(mut event) = event {
            anchor(docs, &mut event, file, line_no, raw)?;
            read += 1;
            let mark = G::mark(&event);
            if !gate.admit(line_no, mark).map_err(|r| refused(line_no, r))? {
                continue;
            }
            tx.push(&event).map_err(|message| {
                let field = ref_field(&event);
                let column = field
                    .as_deref()
                    .and_then(|f| {
                        std::str::from_utf8(raw)
                            .ok()
                            .and_then(|l| reckon_claim::value_column(l, f))
                    })
                    .unwrap_or(1);
                ImportError::Input {
                    file: file.to_owned(),
                    line: line_no,
                    column,
                    field,
                    message,
                }
            })?;
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> Log {
        let dir = std::env::temp_dir().join(format!("reckon-import-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = Log::at(dir);
        log.init().unwrap();
        log
    }

    fn import_blocks(
        log: &Log,
        file: &str,
        input: &[u8],
        block: usize,
    ) -> Result<(Head, u64), ImportError> {
        log.append(|tx| super::import_blocks(tx, file, input, None, &mut (), block))
    }

    fn claim(i: usize) -> String {
        format!(
            "{{\"subject\":\"t/x{i}\",\"value\":\"{i}\",\"said_on\":\"2025\",\"speaker\":\"S{}\"}}\n",
            i % 3
        )
    }

    /// Read in blocks far smaller than a line, an import gives exactly the log one whole
    /// read gives: lines cut across blocks are put back together, blank lines skipped, a
    /// reference to a line in an earlier block resolved.
    #[test]
    fn blocks_of_any_size_give_the_same_log() {
        let mut input = String::new();
        for i in 0..40 {
            input.push_str(&claim(i));
            if i % 7 == 0 {
                input.push('\n');
            }
        }
        input.push_str("{\"retract\": 3, \"reason\": \"a reference back across blocks\"}\n");
        input.push_str(&claim(99));
        input.pop();
        let whole = scratch("whole");
        import_blocks(&whole, "in", input.as_bytes(), 1 << 20).unwrap();
        for block in [1, 7, 64, 333] {
            let log = scratch(&format!("block-{block}"));
            import_blocks(&log, "in", input.as_bytes(), block).unwrap();
            // Events, with a retraction's target named by its sequence number (entry hashes
            // hold the recording time, which may differ between the two imports).
            let entries = |l: &Log| -> Vec<(u64, String)> {
                let all = l.entries().unwrap();
                let seq_of = |h: &EntryHash| all.iter().find(|e| e.hash == *h).map(|e| e.seq);
                all.iter()
                    .map(|e| match &e.event {
                        Event::Retract { claim, reason } => {
                            (e.seq, format!("retract #{:?}: {reason}", seq_of(claim)))
                        }
                        other => (e.seq, format!("{other:?}")),
                    })
                    .collect()
            };
            assert_eq!(entries(&log), entries(&whole), "block {block}");
        }
    }

    /// The gate admits every event in input order, one block read ahead or not, and what it
    /// leaves out is not appended: its marks are made from each event alone.
    #[test]
    fn the_gate_sees_every_line_in_order_across_blocks() {
        struct Order(Vec<u64>);
        impl Gate for Order {
            type Mark = String;
            fn mark(event: &Event) -> String {
                match event {
                    Event::Claim(c) => c.subject.as_str().to_owned(),
                    _ => String::new(),
                }
            }
            fn admit(&mut self, line: u64, mark: String) -> Result<bool, Refusal> {
                self.0.push(line);
                Ok(!mark.ends_with('5'))
            }
        }
        let input: String = (0..60).map(claim).collect();
        for block in [50, 200, 1 << 20] {
            let log = scratch(&format!("gate-{block}"));
            let mut gate = Order(Vec::new());
            log.append(|tx| {
                super::import_blocks(tx, "in", input.as_bytes(), None, &mut gate, block)
            })
            .unwrap();
            assert_eq!(gate.0, (1..=60).collect::<Vec<u64>>(), "block {block}");
            let subjects: Vec<String> = log
                .entries()
                .unwrap()
                .iter()
                .map(|e| Order::mark(&e.event))
                .collect();
            let kept: Vec<String> = (0..60)
                .map(|i| format!("t/x{i}"))
                .filter(|s| !s.ends_with('5'))
                .collect();
            assert_eq!(subjects, kept, "block {block}");
        }
    }

    /// A bad line in a late block names its line number in the whole input, and nothing of
    /// the earlier blocks is kept: the log is as it was.
    #[test]
    fn a_bad_line_in_a_late_block_leaves_the_log_unchanged() {
        let mut input: String = (0..30).map(claim).collect();
        input.push_str(
            "{\"subject\":\"t/bad\",\"value\":\"lots\",\"said_on\":\"2025\",\"speaker\":\"S\"}\n",
        );
        let log = scratch("late-error");
        let before = std::fs::read(log.entries_path()).unwrap();
        let e = import_blocks(&log, "in", input.as_bytes(), 50).unwrap_err();
        assert!(e.to_string().starts_with("in:31:"), "{e}");
        assert_eq!(std::fs::read(log.entries_path()).unwrap(), before);
        assert_eq!(log.verify().unwrap().unwrap().seq, 0);
    }
}
