//! Checking a whole entries file: every line's shape and hash, and every link of the chain.
//!
//! The file is read in pieces of a few megabytes into one reused buffer; each piece's lines are
//! checked on all cores in contiguous chunks, each chunk checks the links inside itself, and the
//! links between chunks are checked when the chunks are put back in order, so the problem
//! reported is always the first one in the file.

use crate::error::Problem;
use crate::format::{self, Brief, Entry, GENESIS, Header};
use reckon_claim::{EntryHash, Timestamp};
use std::io::Read;

/// How much of the file is read at a time.
const PIECE: usize = 16 << 20;

/// What a clean scan found.
#[derive(Debug)]
pub struct Scan {
    /// Number of entries.
    pub entries: u64,
    /// Hash of the last entry, or the genesis value for an empty log.
    pub head: EntryHash,
    /// The decoded entries, when asked for ([`Keep::Entries`]).
    pub kept: Vec<Entry>,
    /// Every entry's hash, when asked for ([`Keep::Hashes`]).
    pub hashes: Vec<EntryHash>,
    /// Where each entry's line is in the file (offset, length without the newline), when
    /// asked for ([`Keep::EntriesAndSpans`]).
    pub spans: Vec<(u64, u32)>,
}

/// What a scan keeps of the lines it checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: shape, hash and link are checked at the speed of hashing.
    Nothing,
    /// Every entry's hash (the leaves of the Merkle tree), checked the same way.
    Hashes,
    /// Every entry, its event decoded and checked as a valid event.
    Entries,
    /// Every entry, and where its line is (for an index made from the same pass).
    EntriesAndSpans,
}

/// What a visitor of checked lines is given: the line's header, its bytes (without the
/// newline) and where it is (offset, length).
pub type Visitor<'v, V> = dyn Fn(&Header<'_>, &[u8], (u64, u32)) -> V + Sync + 'v;

/// What a projector of checked entries is given: the entry, decoded and checked as a valid
/// event exactly as [`Keep::Entries`] checks it, and where its line is (offset, length). It
/// keeps what it needs and lets the rest go, so a pass over a large log never holds every
/// decoded entry at once.
pub type Projector<'v, V> = dyn Fn(Entry, (u64, u32)) -> V + Sync + 'v;

/// What a brief projector is given: the entry as a [`Brief`] (a claim's words borrowed from
/// its line), checked exactly as [`Keep::Entries`] checks it, and where its line is.
pub type BriefProjector<'v, V> = dyn Fn(Brief<'_>, (u64, u32)) -> V + Sync + 'v;

/// What picks the lines a selecting pass decodes, from each checked line's header (its
/// sequence number, hash and event text).
pub type Selector<'v> = dyn Fn(&Header<'_>) -> bool + Sync + 'v;

/// What a pass hands each checked line to, beside its checks.
pub(crate) enum Visit<'v, V> {
    /// The line's header, to say whether the entry is decoded (and kept); with a number, the
    /// pass stops as soon as more entries than that are kept.
    Select(&'v Selector<'v>, Option<usize>),
    /// The line's bytes, undecoded.
    Lines(&'v Visitor<'v, V>),
    /// The decoded entry.
    Entries(&'v Projector<'v, V>),
    /// The entry, decoded briefly.
    Briefs(&'v BriefProjector<'v, V>),
}

/// What a projecting pass returned for each entry, in log order, in the pieces it was made
/// in: iterating gives each piece back to the allocator once it is used up, so a reader that
/// folds the values never holds them twice.
#[derive(Debug)]
pub struct Projected<V> {
    pieces: Vec<Vec<V>>,
}

impl<V> Projected<V> {
    /// How many values there are.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(Vec::is_empty)
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Vec<V>] {
        &self.pieces
    }

    /// Each of them, in order.
    pub fn iter(&self) -> impl Iterator<Item = &V> {
        self.pieces.iter().flatten()
    }

    /// All of them in one vector.
    pub fn into_vec(self) -> Vec<V> {
        let mut all = Vec::with_capacity(self.len());
        for p in self.pieces {
            all.extend(p);
        }
        all
    }
}

impl<V> From<Vec<Vec<V>>> for Projected<V> {
    /// Values kept in pieces elsewhere (a saved projection read back), in order.
    fn from(pieces: Vec<Vec<V>>) -> Projected<V> {
        Projected { pieces }
    }
}

impl<V> IntoIterator for Projected<V> {
    type Item = V;
    type IntoIter = IntoPieces<V>;
    fn into_iter(self) -> IntoPieces<V> {
        IntoPieces {
            left: self.len(),
            inner: self.pieces.into_iter().flatten(),
        }
    }
}

/// The values of a [`Projected`], in order, each piece freed once it is used up; it knows how
/// many are left, so that a reader can make room for all of them at once.
#[derive(Debug)]
pub struct IntoPieces<V> {
    left: usize,
    inner: std::iter::Flatten<std::vec::IntoIter<Vec<V>>>,
}

impl<V> Iterator for IntoPieces<V> {
    type Item = V;
    fn next(&mut self) -> Option<V> {
        let v = self.inner.next()?;
        self.left = self.left.saturating_sub(1);
        Some(v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<V> ExactSizeIterator for IntoPieces<V> {}

// Two references: copied whatever `V` is (a derive would ask `V: Copy`).
impl<V> Clone for Visit<'_, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for Visit<'_, V> {}

struct Chunk<V> {
    visited: Vec<V>,
    lines: u64,
    first: Option<(u64, EntryHash, Timestamp)>,
    last: Option<(u64, EntryHash, Timestamp)>,
    /// Local line index (from 0) and the problem, for the first problem in the chunk.
    problem: Option<(u64, Problem)>,
    kept: Vec<Entry>,
    hashes: Vec<EntryHash>,
    spans: Vec<(u64, u32)>,
}

/// Checks the whole lines of `bytes`, which start at file offset `base`.
fn check_chunk<V>(bytes: &[u8], keep: Keep, base: u64, visit: Option<Visit<'_, V>>) -> Chunk<V> {
    let projector = match visit {
        Some(Visit::Entries(p)) => Some(p),
        _ => None,
    };
    let visitor = match visit {
        Some(Visit::Lines(v)) => Some(v),
        _ => None,
    };
    let briefer = match visit {
        Some(Visit::Briefs(b)) => Some(b),
        _ => None,
    };
    let selector = match visit {
        Some(Visit::Select(s, _)) => Some(s),
        _ => None,
    };
    let entries = matches!(keep, Keep::Entries | Keep::EntriesAndSpans);
    let decoding = entries || projector.is_some();
    // Entries are a few hundred bytes: reserve room so the vectors do not grow by copying.
    let room = bytes.len() / 256 + 1;
    let mut c = Chunk {
        visited: Vec::new(),
        lines: 0,
        first: None,
        last: None,
        problem: None,
        kept: Vec::with_capacity(if entries { room } else { 0 }),
        hashes: Vec::with_capacity(if keep == Keep::Hashes { room } else { 0 }),
        spans: Vec::with_capacity(if keep == Keep::EntriesAndSpans {
            room
        } else {
            0
        }),
    };
    let mut rest = bytes;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        let offset = base + (bytes.len() - rest.len()) as u64;
        rest = rest.get(end + 1..).unwrap_or(&[]);
        let i = c.lines;
        c.lines += 1;
        let len = u32::try_from(end).unwrap_or(u32::MAX);
        let decoded = if let Some(b) = briefer {
            format::decode_brief(line).map(|(h, brief)| {
                c.visited.push(b(brief, (offset, len)));
                (h.seq, h.prev, h.at, h.hash, None)
            })
        } else if decoding {
            format::decode(line).map(|e| (e.seq, e.prev, e.at, e.hash, Some(e)))
        } else if let Some(select) = selector {
            // The header checked at the speed of hashing; the lines picked decoded whole
            // (their events checked as `decode` checks them), and kept.
            format::check(line).and_then(|h| match select(&h) {
                true => format::decode(line).map(|e| (e.seq, e.prev, e.at, e.hash, Some(e))),
                false => Ok((h.seq, h.prev, h.at, h.hash, None)),
            })
        } else {
            format::check(line).map(|h| {
                if let Some(v) = visitor {
                    c.visited.push(v(&h, line, (offset, len)));
                }
                (h.seq, h.prev, h.at, h.hash, None)
            })
        };
        let (seq, prev, at, hash, entry) = match decoded {
            Ok(d) => d,
            Err(problem) => {
                c.problem = Some((i, Problem::Line { line: 0, problem }));
                return c;
            }
        };
        match c.last {
            None => c.first = Some((seq, prev, at)),
            Some((last_seq, last_hash, last_at)) => {
                if let Some(p) = link_problem((last_seq, last_hash, Some(last_at)), seq, prev, at) {
                    c.problem = Some((i, p));
                    return c;
                }
            }
        }
        c.last = Some((seq, hash, at));
        if let Some(e) = entry {
            match projector {
                Some(p) => c.visited.push(p(e, (offset, len))),
                None => c.kept.push(e),
            }
        }
        if keep == Keep::Hashes {
            c.hashes.push(hash);
        }
        if keep == Keep::EntriesAndSpans {
            // A line over 4 GiB is refused long before (lines are at most 1 MiB when written).
            c.spans
                .push((offset, u32::try_from(end).unwrap_or(u32::MAX)));
        }
    }
    c
}

/// The problem, if any, with an entry `(seq, prev, at)` following one `(last_seq, last_hash,
/// last_at)` (no time before the first entry). Line numbers are filled in by the caller.
fn link_problem(
    (last_seq, last_hash, last_at): (u64, EntryHash, Option<Timestamp>),
    seq: u64,
    prev: EntryHash,
    at: Timestamp,
) -> Option<Problem> {
    // A forged sequence number of u64::MAX leaves no room for a next one: that is a gap too.
    let expected = last_seq.saturating_add(1);
    if last_seq == u64::MAX {
        return Some(Problem::SequenceGap {
            line: 0,
            expected,
            found: seq,
        });
    }
    if seq != expected {
        return Some(Problem::SequenceGap {
            line: 0,
            expected,
            found: seq,
        });
    }
    if prev != last_hash {
        return Some(Problem::BrokenLink {
            line: 0,
            expected: last_hash,
            found: prev,
        });
    }
    if let Some(previous) = last_at
        && at < previous
    {
        return Some(Problem::TimeBackwards {
            line: 0,
            previous,
            found: at,
        });
    }
    None
}

fn at_line(p: Problem, line: u64) -> Problem {
    match p {
        Problem::Line { problem, .. } => Problem::Line { line, problem },
        Problem::SequenceGap {
            expected, found, ..
        } => Problem::SequenceGap {
            line,
            expected,
            found,
        },
        Problem::BrokenLink {
            expected, found, ..
        } => Problem::BrokenLink {
            line,
            expected,
            found,
        },
        Problem::TimeBackwards {
            previous, found, ..
        } => Problem::TimeBackwards {
            line,
            previous,
            found,
        },
        other => other,
    }
}

/// Splits `bytes` into about `n` pieces that end at newlines.
fn split_at_lines(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(n);
    let mut rest = bytes;
    for k in (1..=n).rev() {
        if k == 1 || rest.is_empty() {
            pieces.push(rest);
            break;
        }
        let target = rest.len() / k;
        let cut = memchr::memchr(b'\n', &rest[target..]).map_or(rest.len(), |p| target + p + 1);
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    pieces
}

/// The running state of a scan across pieces.
struct State<'v, 's, V> {
    visit: Option<Visit<'v, V>>,
    visited: Vec<Vec<V>>,
    /// Where each piece of what `visit` returned goes once checked, instead of `visited`; it
    /// may stop the scan.
    sink: Option<&'s mut Sink<'s, V>>,
    /// The sink stopped the scan.
    stopped: bool,
    out: Scan,
    lines_before: u64,
    /// The last entry's recorded time.
    last_at: Option<Timestamp>,
    /// Bytes of the file checked so far.
    bytes_before: u64,
    keep: Keep,
}

impl<V: Send> State<'_, '_, V> {
    /// Checks complete lines (ending in a newline) that follow everything checked so far:
    /// pieces of them on all cores (one thread below a mebibyte), links between pieces after.
    fn feed(&mut self, complete: &[u8]) -> Result<(), Problem> {
        let threads = if complete.len() < (1 << 20) {
            1
        } else {
            rayon::current_num_threads().clamp(1, 8)
        };
        let pieces = split_at_lines(complete, threads);
        let keep = self.keep;
        let mut at = self.bytes_before;
        let pieces: Vec<(&[u8], u64)> = pieces
            .into_iter()
            .map(|p| {
                let start = at;
                at += p.len() as u64;
                (p, start)
            })
            .collect();
        // A panic in a worker is a bug: rayon carries it to this thread, never a verdict.
        let visit = self.visit;
        let chunks: Vec<Chunk<V>> = {
            use rayon::prelude::*;
            pieces
                .into_par_iter()
                .map(|(p, base)| check_chunk(p, keep, base, visit))
                .collect()
        };
        for chunk in chunks {
            if let Some((seq, prev, at)) = chunk.first
                && let Some(p) = link_problem(
                    (self.out.entries, self.out.head, self.last_at),
                    seq,
                    prev,
                    at,
                )
            {
                return Err(at_line(p, self.lines_before + 1));
            }
            if let Some((i, p)) = chunk.problem {
                return Err(at_line(p, self.lines_before + i + 1));
            }
            if let Some((seq, hash, at)) = chunk.last {
                self.out.entries = seq;
                self.out.head = hash;
                self.last_at = Some(at);
            }
            self.lines_before += chunk.lines;
            self.out.kept.extend(chunk.kept);
            if let Some(Visit::Select(_, Some(most))) = self.visit
                && self.out.kept.len() > most
            {
                self.stopped = true;
                return Ok(());
            }
            self.out.hashes.extend(chunk.hashes);
            self.out.spans.extend(chunk.spans);
            if !chunk.visited.is_empty() {
                match self.sink.as_mut() {
                    Some(sink) => {
                        if sink(chunk.visited).is_break() {
                            self.stopped = true;
                            return Ok(());
                        }
                    }
                    None => self.visited.push(chunk.visited),
                }
            }
        }
        self.bytes_before += complete.len() as u64;
        Ok(())
    }
}

/// Checks every entry read from `r`, keeping what `keep` says.
pub fn scan_keeping(r: impl Read, keep: Keep) -> std::io::Result<Result<Scan, Problem>> {
    Ok(scan_core::<()>(r, keep, None, None, &mut false)?.map(|(s, _)| s))
}

/// Checks every entry read from `r` at the speed of hashing, and gives each checked line to
/// `visit` (on all cores); returns what it returned, in file order. For readers that need
/// something of every line beside the checks (the index: spans and subjects).
pub fn scan_visiting<V: Send>(
    r: impl Read,
    visit: &Visitor<'_, V>,
) -> std::io::Result<Result<(Scan, Vec<V>), Problem>> {
    Ok(scan_core(
        r,
        Keep::Nothing,
        Some(Visit::Lines(visit)),
        None,
        &mut false,
    )?
    .map(|(s, v)| (s, v.into_vec())))
}

/// Checks every entry read from `r` at the speed of hashing (on all cores), and decodes and
/// keeps (in [`Scan::kept`], in file order) those whose header `select` picks, each checked
/// as [`Keep::Entries`] checks every entry.
pub fn scan_selecting(
    r: impl Read,
    select: &Selector<'_>,
) -> std::io::Result<Result<Scan, Problem>> {
    Ok(scan_core::<()>(
        r,
        Keep::Nothing,
        Some(Visit::Select(select, None)),
        None,
        &mut false,
    )?
    .map(|(s, _)| s))
}

/// [`scan_selecting`] that gives up once `select` has picked more than `most` entries:
/// `Ok(None)` then, the pass stopped there and the entries it decoded let go (the lines
/// after it are not read, so not checked either). For a caller with a cheaper way to read
/// that much of a log. Once `most + 1` lines are picked, no other line is decoded.
pub fn scan_selecting_at_most(
    r: impl Read,
    select: &Selector<'_>,
    most: usize,
) -> std::io::Result<Result<Option<Scan>, Problem>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Pieces are checked on all cores, so lines are picked out of order: the count says only
    // when to stop decoding, and the kept entries (in file order) when to stop the pass.
    let picked = AtomicUsize::new(0);
    let counted = |h: &Header<'_>| select(h) && picked.fetch_add(1, Ordering::Relaxed) <= most;
    let mut stopped = false;
    let scanned = scan_core::<()>(
        r,
        Keep::Nothing,
        Some(Visit::Select(&counted, Some(most))),
        None,
        &mut stopped,
    )?;
    Ok(scanned.map(|(s, _)| (!stopped).then_some(s)))
}

/// Checks and decodes every entry read from `r` (on all cores), as [`Keep::Entries`] does, and
/// gives each to `project` instead of keeping it; returns what it returned, in file order.
pub fn scan_projecting<V: Send>(
    r: impl Read,
    project: &Projector<'_, V>,
) -> std::io::Result<Result<(Scan, Vec<V>), Problem>> {
    Ok(scan_core(
        r,
        Keep::Nothing,
        Some(Visit::Entries(project)),
        None,
        &mut false,
    )?
    .map(|(s, v)| (s, v.into_vec())))
}

/// [`scan_projecting`] with each entry decoded briefly ([`Brief`]): the same checks, a claim's
/// words borrowed from its line for `project`, and what it returned kept in pieces.
pub fn scan_briefly<V: Send>(
    r: impl Read,
    project: &BriefProjector<'_, V>,
) -> std::io::Result<Result<(Scan, Projected<V>), Problem>> {
    scan_core(
        r,
        Keep::Nothing,
        Some(Visit::Briefs(project)),
        None,
        &mut false,
    )
}

/// Checks every entry read from `r`, as [`scan_projecting`] or [`scan_briefly`] do (as `visit`
/// says), and hands each piece of what the projector returned to `sink` as soon as its entries
/// are checked (in file order), instead of keeping them all: a reader can use the first
/// entries while later ones are read. The entries before a problem have been handed out when
/// the problem is returned.
pub(crate) fn scan_each<'s, V: Send>(
    r: impl Read,
    visit: Visit<'_, V>,
    sink: &'s mut Sink<'s, V>,
) -> std::io::Result<Result<Option<Scan>, Problem>> {
    let mut stopped = false;
    let scanned = scan_core(r, Keep::Nothing, Some(visit), Some(sink), &mut stopped)?;
    Ok(scanned.map(|(s, _)| (!stopped).then_some(s)))
}

/// What a scan hands each checked piece to: `Break` stops the scan there.
pub(crate) type Sink<'s, V> = dyn FnMut(Vec<V>) -> std::ops::ControlFlow<()> + 's;

/// Where a pass starts: the entry the lines before it end with (its number, hash and
/// recorded time) and the offset of the first line it reads. A pass from the start of the
/// file starts after the genesis value, at offset 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resume {
    pub(crate) seq: u64,
    pub(crate) hash: EntryHash,
    pub(crate) at: Option<Timestamp>,
    pub(crate) offset: u64,
}

impl Resume {
    pub(crate) const START: Resume = Resume {
        seq: 0,
        hash: GENESIS,
        at: None,
        offset: 0,
    };
}

fn scan_core<'s, V: Send>(
    r: impl Read,
    keep: Keep,
    visit: Option<Visit<'_, V>>,
    sink: Option<&'s mut Sink<'s, V>>,
    stopped: &mut bool,
) -> std::io::Result<Result<(Scan, Projected<V>), Problem>> {
    scan_from(r, Resume::START, keep, visit, sink, stopped)
}

/// [`scan_core`] of lines that follow the entry `from` names: `r` reads from its offset, the
/// first line must link to that entry, and lines are counted (for problems) after its number.
pub(crate) fn scan_from<'s, V: Send>(
    mut r: impl Read,
    from: Resume,
    keep: Keep,
    visit: Option<Visit<'_, V>>,
    sink: Option<&'s mut Sink<'s, V>>,
    stopped: &mut bool,
) -> std::io::Result<Result<(Scan, Projected<V>), Problem>> {
    let mut st = State {
        visit,
        visited: Vec::new(),
        sink,
        stopped: false,
        out: Scan {
            entries: from.seq,
            head: from.hash,
            kept: Vec::new(),
            hashes: Vec::new(),
            spans: Vec::new(),
        },
        lines_before: from.seq,
        last_at: from.at,
        bytes_before: from.offset,
        keep,
    };
    // Small logs are read with a small buffer; it doubles while reads fill it, up to PIECE
    // (and past it only for a line longer than that).
    let mut buf: Vec<u8> = Vec::with_capacity(64 << 10);
    loop {
        let start = buf.len();
        if buf.capacity() - start < buf.capacity() / 2 {
            buf.reserve(buf.capacity().max(64 << 10));
        }
        let want = buf.capacity() - start;
        let got = r.by_ref().take(want as u64).read_to_end(&mut buf)?;
        let eof = got == 0;
        if got == want && buf.capacity() < PIECE {
            buf.reserve(buf.capacity());
        }
        let complete = memchr::memrchr(b'\n', &buf).map_or(0, |p| p + 1);
        if let Err(p) = st.feed(&buf[..complete]) {
            return Ok(Err(p));
        }
        if st.stopped {
            *stopped = true;
            return Ok(Ok((st.out, Projected { pieces: st.visited })));
        }
        buf.drain(..complete);
        if eof {
            break;
        }
    }
    if !buf.is_empty() {
        return Ok(Err(Problem::TornTail {
            line: st.lines_before + 1,
            bytes: buf.len() as u64,
        }));
    }
    Ok(Ok((st.out, Projected { pieces: st.visited })))
}

/// Checks every entry of an entries file's bytes; `keep` also returns the decoded entries.
pub fn scan(bytes: &[u8], keep: bool) -> Result<Scan, Problem> {
    let keep = if keep { Keep::Entries } else { Keep::Nothing };
    // Reading from memory cannot fail.
    scan_keeping(bytes, keep).unwrap_or_else(|e| Err(Problem::HeadUnreadable(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::Projected;

    /// Values handed back in pieces come out in order, empty pieces skipped, and the iterator
    /// always knows how many are left (a fold makes room for them from that).
    #[test]
    fn projected_values_come_back_in_order_counting_down_exactly() {
        let p = Projected::from(vec![vec![1, 2], vec![], vec![3], vec![4, 5, 6]]);
        assert_eq!(p.len(), 6);
        assert_eq!(p.iter().copied().collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        let mut it = p.into_iter();
        for (left, want) in (1..=6).rev().zip(1..) {
            assert_eq!(it.size_hint(), (left, Some(left)));
            assert_eq!(it.next(), Some(want));
        }
        assert_eq!((it.size_hint(), it.next()), ((0, Some(0)), None));
    }
}
