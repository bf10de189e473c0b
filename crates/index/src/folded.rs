//! The folded snapshot: every entry of a log as the reconciler's lean fold reads it (a claim's
//! [`Core`], its hash, time and correction target; any other event whole), with where its line
//! is, saved in the cache beside the index so that the next reconciliation does not decode the
//! log again, and brought forward by decoding only the entries appended since.
//!
//! It is trusted exactly as the index is (see the crate docs), with one more way in:
//!
//! - When the entries file's [`Stamp`] and committed head are those the snapshot was saved
//!   with, the file has not been written since, and the snapshot is read without reading the
//!   log.
//! - When they differ (an append moves the stamp), the whole log is checked again at the speed
//!   of `verify` (shape, hash and link of every line, and the head file), and only the lines
//!   after the snapshot's last entry are decoded; that entry's line must have the hash the
//!   snapshot recorded for it. Each entry's hash covers its line and the hash before it, so
//!   the lines up to it are then the very lines the snapshot was made from; a log changed in
//!   any earlier byte fails that pass and is refused, as `verify` refuses it. The snapshot's
//!   own entries go to the fold while the pass runs; anything that does not match (a
//!   different log in the same place, a new line that does not decode) drops what was folded
//!   and sends the reader to a whole read, which says what is wrong. When the stamp moved
//!   only by appends reckon recorded as it made them ([`crate::appends`]), the pass reads and
//!   checks only the snapshot's last line and the lines after it, under the same rule.
//! - When there is no snapshot to use, the log is read, checked and reduced a piece at a time
//!   on another thread as the fold takes the pieces, and the snapshot of it written as they
//!   pass; only the end of the pass says the log held, and an error drops what was folded.
//!
//! A damaged file fails its checksum and is ignored; every value in it is read back through
//! the constructor that checks it (a subject's path, a date's day in its month, a period's
//! order, a figure's meaning as one that words can say: [`Figure::saved`]), so a snapshot can
//! make a reconciliation faster, never different. A figure's meaning is saved beside its
//! words rather than read from them again (reading them was a twelfth of a warm
//! reconciliation): the checksum vouches that the two were saved together from one reading.
//!
//! File format (little-endian): the magic `reckon-fold 3\n`; the entries file's stamp (56
//! bytes), head sequence number (u64) and hash (32 bytes), the number of entries (u64) and the
//! offset of the tables (u64); then one record per entry in log order: a tag byte (0 a claim,
//! 1 any other event), the line's offset (u64) and length (u32), and for a claim its hash (32
//! bytes), recording time (i64 seconds), subject, unit, origin and scope as u32 numbers in the
//! name tables (scope `u32::MAX` for none), the figure's stated words (u32 length, bytes) and
//! what they mean (a kind byte: 0 exact, 1 at least, 2 more than, 3 at most, 4 less than,
//! 5 a range, 6 about, 7 nearly; then its number, and a range's upper end, or for 6 and 7 a
//! tolerance byte, 0 none, 1 absolute, 2 a percentage, and its number when there is one; each
//! number its millionths zigzagged and written seven bits a byte, low bits first, the top bit
//! set on every byte but the last), the
//! time it is about (a byte 0 or 1, then two dates when 1, each a u16 year, a month byte and a
//! day byte), when it was said (two dates), modality (a byte: asserted, expected, denied), precision (a byte: none, digits,
//! exact) and the claim it corrects (a byte 0 or 1, then 32 bytes); for any other event its
//! whole line (u32 length, bytes). Then the tables: names (u32 count, then each as u32 length
//! and bytes), subjects (the same), and the pieces the records are in (u32 count, then each
//! piece's offset (u64) and number of entries (u32); they follow each other exactly, so they
//! are read on all cores, and bringing the snapshot forward adds a piece and new names after
//! the old ones without writing the old records again: when the file it was read from is
//! still in place, only the header and what follows the old records are written over it,
//! see [`reckon_ledger::fsx::write_cache_end`]). Last, the blake3 of everything after
//! the header's fixed part and then of that part (the header is known last: a snapshot made
//! as the log is read is summed and written as it goes, the header filled in at the end).

use crate::{Reader, may_save, put_text};
use reckon_claim::{
    Date, EntryHash, Figure, Modality, Num, Period, Precision, Subject, Timestamp, Tolerance, Value,
};
use reckon_ledger::{Head, LedgerError, Snapshot, Span, Stamp};
use reckon_reconcile::state::{Core, Lean, LeanClaim, Names};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const MAGIC: &[u8] = b"reckon-fold 3\n";

/// How the lean entries were had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The whole log was read and decoded (no saved snapshot, or one that did not match).
    WholeLog,
    /// The saved snapshot, the log unchanged since it was saved.
    Saved,
    /// The saved snapshot, the log checked whole and the entries after it decoded.
    Extended {
        /// How many entries were decoded.
        new: u64,
    },
    /// The saved snapshot and the appends recorded since it (see [`crate::appends`]): only
    /// the lines they wrote checked and decoded.
    Appended {
        /// How many entries were decoded.
        new: u64,
    },
}

/// `fold` of every entry of `snap` as [`Lean::brief`] reduces it (names shared through
/// `names`), with its line's span, in log order; with the log's head and where the entries
/// came from. When the log is unchanged since its snapshot was saved, the snapshot's pieces
/// are read a few at a time as `fold` takes them (on all cores); when there is no snapshot
/// to use, the log is read a piece at a time as `fold` takes them (and the snapshot made of
/// them saved); so that they are never all held beside what `fold` makes of them. Should a
/// piece of a snapshot whose checksum held not read back, what `fold` made of the entries
/// before it is dropped and `fold` is called again with the entries read from the log.
pub fn fold_lean_log<T>(
    snap: &Snapshot<'_>,
    names: &Names,
    fold: impl FnMut(&mut LeanItems) -> T,
) -> Result<(T, Head, Source), LedgerError> {
    let stamp = snap.stamp()?;
    fold_from(snap, stamp, names, load(snap, names), fold)
}

/// A log's length and the state its lean fold made.
pub type FoldedState = (u64, reckon_reconcile::State<'static>);

/// The whole log folded lean into a [`reckon_reconcile::State`] as of `at` and `known` (see
/// [`fold_lean_log`]), with the log's length; each entry's line span kept in `spans`, in log
/// order, when asked for, and each entry added to `lines` (the layout of an index) when
/// asked for. `check` is given the log's length before the fold and may refuse it (an `at`
/// past its end): its error is handed back, the fold not made.
pub fn fold_lean_state<E>(
    snap: &Snapshot<'_>,
    at: Option<u64>,
    known: Option<Period>,
    mut spans: Option<&mut reckon_ledger::LineSpans>,
    mut lines: Option<&mut crate::Lines>,
    check: impl Fn(u64) -> Result<(), E>,
) -> Result<(Result<FoldedState, E>, Head, Source), LedgerError> {
    let names = Names::default();
    fold_lean_log(snap, &names, |items| {
        let len = items.len() as u64;
        check(len)?;
        if let Some(s) = spans.as_deref_mut() {
            s.clear();
            s.reserve(items.len());
        }
        if let Some(lines) = lines.as_deref_mut() {
            lines.reserve(items.len());
        }
        let lean = items.map(|(l, span)| {
            if let Some(s) = spans.as_deref_mut() {
                s.push(span);
            }
            if let Some(lines) = lines.as_deref_mut() {
                lines.add_lean(&l, span);
            }
            l
        });
        Ok((len, reckon_reconcile::State::fold_lean(lean, at, known)))
    })
}

/// [`fold_lean_log`] with the snapshot file as read from the cache (`None`: there is none).
fn fold_from<T>(
    snap: &Snapshot<'_>,
    stamp: Stamp,
    names: &Names,
    saved: Option<Opened>,
    mut fold: impl FnMut(&mut LeanItems) -> T,
) -> Result<(T, Head, Source), LedgerError> {
    match saved {
        Some(opened) if unchanged(snap, stamp, &opened)? => {
            let head = opened.head;
            let (folded, failed) = fold_saved(&opened, names, window(), None, &mut fold);
            if !failed {
                return Ok((folded, head, Source::Saved));
            }
        }
        Some(opened) => {
            let encode = may_save(snap, stamp);
            // Appends recorded since the snapshot was saved: only their lines need checking.
            let after = crate::appends::since(
                snap.log(),
                (opened.stamp, opened.head),
                (stamp, snap.committed()?),
            );
            if let Some((folded, head, new, bytes)) =
                forward(snap, stamp, names, opened, after, encode, &mut fold)?
            {
                if let Some(file) = bytes.filter(|_| may_save(snap, stamp)) {
                    file.save(snap);
                }
                let source = match after {
                    Some(_) => Source::Appended { new },
                    None => Source::Extended { new },
                };
                return Ok((folded, head, source));
            }
        }
        None => {}
    }
    let path = may_save(snap, stamp)
        .then(|| crate::cache_file(snap.log(), "fold"))
        .flatten();
    let (folded, head, bytes) = streamed(snap, path, names, fold)?;
    if let Some(bytes) = bytes.filter(|_| may_save(snap, stamp)) {
        bytes.finish(stamp, head).save(snap);
    }
    Ok((folded, head, Source::WholeLog))
}

/// The saved snapshot `opened` brought forward to `snap` as `fold` takes its entries: first
/// its own pieces (a few at a time, as when the log is unchanged), then the entries appended
/// since, while a pass over the log on another thread checks every line at the speed of
/// `verify` and decodes only those after the snapshot. The line the snapshot ends at must
/// have the hash it recorded: the chain of hashes then makes every line before it the very
/// line the snapshot was made from. With `after` (where the lines of the appends recorded
/// since start, see [`crate::appends`]), the pass reads and checks only that line and those
/// after it. `None` (and what `fold` made dropped) when the log is not
/// the one the snapshot was made from, or a new line does not decode: the caller reads the
/// whole log, which says why. With `encode`, the snapshot's file brought forward: its records
/// as they were and the new ones after them (`None` when a new entry cannot be written).
#[allow(clippy::type_complexity)] // the fold's value, the head, how many new, the file
fn forward<T>(
    snap: &Snapshot<'_>,
    stamp: Stamp,
    names: &Names,
    opened: Opened,
    after: Option<u64>,
    encode: bool,
    mut fold: impl FnMut(&mut LeanItems) -> T,
) -> Result<Option<(T, Head, u64, Option<FoldFile>)>, LedgerError> {
    let old = opened.head;
    let total = entries_said(snap)?;
    let (send, coming) = std::sync::mpsc::sync_channel(1);
    let (folded, checked) = std::thread::scope(|scope| {
        let tables = (opened.names.clone(), opened.subjects.clone());
        let pass = scope.spawn(move || {
            let differs = AtomicBool::new(false);
            let visit = |h: &reckon_ledger::Header<'_>, line: &[u8], span: Span| {
                if h.seq < old.seq {
                    return None;
                }
                if h.seq == old.seq {
                    if h.hash != old.hash {
                        differs.store(true, Ordering::Relaxed);
                    }
                    return None;
                }
                match reckon_ledger::decode_brief(line) {
                    Ok((_, b)) => Some(Box::new((Lean::brief(b, names), span))),
                    Err(_) => {
                        differs.store(true, Ordering::Relaxed);
                        None
                    }
                }
            };
            let (head, seen) = match after {
                None => snap.visit(&visit)?,
                Some(offset) => match snap.visit_after(old, offset, &visit)? {
                    Some(seen) => seen,
                    // The line before the appends is not the snapshot's last.
                    None => return Ok(None),
                },
            };
            let new: Vec<(Lean, Span)> = seen.into_iter().flatten().map(|b| *b).collect();
            let whole = !differs.into_inner()
                && head.seq >= old.seq
                && new.len() as u64 == head.seq - old.seq;
            if !whole {
                // The end dropped: the fold is told its entries stopped short.
                return Ok(None);
            }
            let mut tail = encode.then(|| Encoder::after(tables));
            if tail.as_mut().is_some_and(|e| e.items(snap, &new).is_none()) {
                tail = None;
            }
            let count = new.len() as u64;
            let _ = send.send(new);
            Ok::<_, LedgerError>(Some((head, count, tail)))
        });
        let (folded, failed) =
            fold_saved(&opened, names, window(), Some((coming, total)), &mut fold);
        let checked = pass
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (folded, checked.map(|c| c.filter(|_| !failed)))
    });
    let Some((head, count, tail)) = checked? else {
        return Ok(None);
    };
    let was = opened.was;
    let bytes = tail.map(|tail| match opened.followed_by(tail).finish(stamp, head) {
        FoldFile::Parts(parts) => FoldFile::Forward { parts, was },
        other => other,
    });
    Ok(Some((folded, head, count, bytes)))
}

/// `fold` of every entry read from the log itself, as a pass on another thread checks and
/// reduces them a piece at a time: the fold takes the first pieces while later ones are read,
/// and they are never all held. With `encode` (where the snapshot is saved), the snapshot's
/// records are written to a new file beside it as the pieces pass (`None` if an entry cannot
/// be written). An error (the log fails a check) drops what the fold made.
fn streamed<T>(
    snap: &Snapshot<'_>,
    encode: Option<std::path::PathBuf>,
    names: &Names,
    mut fold: impl FnMut(&mut LeanItems) -> T,
) -> Result<(T, Head, Option<Encoder>), LedgerError> {
    let total = entries_said(snap)?;
    // Two pieces on their way at most: the pass keeps a little ahead of the fold.
    let (send, coming) = std::sync::mpsc::sync_channel(2);
    let (folded, checked) = std::thread::scope(|scope| {
        let pass = scope.spawn(move || {
            // The snapshot's records go to its file as the pieces pass, never all held.
            let mut encoder = encode.as_deref().and_then(Encoder::to_file);
            let head =
                snap.project_brief_each(&|b, span| (Lean::brief(b, names), span), &mut |piece| {
                    if encoder
                        .as_mut()
                        .is_some_and(|e| e.items(snap, &piece).is_none())
                    {
                        encoder = None;
                    }
                    // A fold that stopped taking entries has dropped its end: the pass goes
                    // on to check the rest of the log.
                    let _ = send.send(piece);
                });
            head.map(|h| (h, encoder))
        });
        let mut items = LeanItems::streamed(coming, total);
        let folded = fold(&mut items);
        drop(items);
        // A panic in the pass is a bug: carried to this thread.
        let checked = pass
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (folded, checked)
    });
    let (head, encoder) = checked?;
    Ok((folded, head, encoder))
}

/// Whether the log is the one `opened` was saved from, unwritten since.
fn unchanged(snap: &Snapshot<'_>, stamp: Stamp, opened: &Opened) -> Result<bool, LedgerError> {
    Ok(opened.stamp == stamp && opened.head == snap.committed()?)
}

/// How many entries the log's committed head says it has, for a fold to make room for
/// before a pass has counted them. Every line is longer than 100 bytes (a hash, a space and a
/// body with a hash in it): a head that says more entries than that is damage the pass will
/// find, not room to make.
fn entries_said(snap: &Snapshot<'_>) -> Result<usize, LedgerError> {
    let most = snap.len() / 100;
    Ok(usize::try_from(snap.committed()?.seq.min(most)).unwrap_or(0))
}

/// The entries [`fold_lean_log`] hands its fold, in log order: the number left is always
/// known, so that a fold can make room for all of them at once.
pub struct LeanItems {
    from: Feed,
    left: usize,
    /// A piece of the saved snapshot did not read back; the entries stopped before it.
    failed: bool,
}

/// Windows of a saved snapshot's pieces, read on another thread (`None`: a piece of the
/// window did not read, and nothing follows).
type Windows = std::sync::mpsc::Receiver<Option<Vec<Vec<(Lean, Span)>>>>;

/// Pieces of entries sent by a pass over the log on another thread.
type Coming = std::sync::mpsc::Receiver<Vec<(Lean, Span)>>;

#[allow(clippy::large_enum_variant)] // one, made once per fold
enum Feed {
    /// Pieces as a pass over the log checks and reduces them (see [`streamed`]).
    Streamed {
        coming: Coming,
        ready: std::vec::IntoIter<(Lean, Span)>,
    },
    Saved {
        windows: Windows,
        ready: std::iter::Flatten<std::vec::IntoIter<Vec<(Lean, Span)>>>,
        /// The entries after the snapshot's, when it is being brought forward: they come
        /// once a pass over the log has checked it (nothing comes if it failed).
        after: Option<Coming>,
    },
}

impl LeanItems {
    /// The pieces `coming` from a pass over a log of `total` entries.
    fn streamed(coming: Coming, total: usize) -> LeanItems {
        LeanItems {
            left: total,
            from: Feed::Streamed {
                coming,
                ready: Vec::new().into_iter(),
            },
            failed: false,
        }
    }

    /// The entries of a saved snapshot as `windows` of its pieces come; with `after`,
    /// followed by the entries a pass sends (`total` entries in all).
    fn saved(windows: Windows, total: usize, after: Option<Coming>) -> LeanItems {
        LeanItems {
            left: total,
            from: Feed::Saved {
                windows,
                ready: Vec::new().into_iter().flatten(),
                after,
            },
            failed: false,
        }
    }
}

/// `fold` of a saved snapshot's entries, then of those `after` sends when it is given (with
/// the number of entries in all). The pieces are read `window` at a time (on all cores) by
/// another thread, one window ahead of the fold, so that reading and folding overlap; the
/// fold holds no more than the window it folds and the one read next. With whether a piece
/// did not read (or `after` sent nothing): what was folded then stopped short.
fn fold_saved<T>(
    opened: &Opened,
    names: &Names,
    window: usize,
    after: Option<(Coming, usize)>,
    fold: impl FnOnce(&mut LeanItems) -> T,
) -> (T, bool) {
    let (after, total) = match after {
        Some((r, total)) => (Some(r), total),
        None => (None, usize::try_from(opened.head.seq).unwrap_or(usize::MAX)),
    };
    let (send, windows) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut next = 0;
            while next < opened.ranges.len() {
                let to = (next + window.max(1)).min(opened.ranges.len());
                let pieces = opened.pieces(names, next, to);
                let failed = pieces.is_none();
                // A fold that stopped taking entries has dropped its end: nothing to read.
                if send.send(pieces).is_err() || failed {
                    break;
                }
                next = to;
            }
        });
        let mut items = LeanItems::saved(windows, total, after);
        let folded = fold(&mut items);
        let failed = items.failed;
        (folded, failed)
    })
}

/// How many pieces of a saved snapshot are read at once: two for each core, enough to keep
/// them busy with a few megabytes held.
fn window() -> usize {
    2 * rayon::current_num_threads().max(1)
}

impl Iterator for LeanItems {
    type Item = (Lean, Span);

    fn next(&mut self) -> Option<(Lean, Span)> {
        let item = match &mut self.from {
            Feed::Streamed { coming, ready } => loop {
                if let Some(item) = ready.next() {
                    break Some(item);
                }
                match coming.recv() {
                    Ok(piece) => *ready = piece.into_iter(),
                    // The pass has ended (all read, or a check failed: it says which).
                    Err(_) => break None,
                }
            },
            Feed::Saved {
                windows,
                ready,
                after,
                ..
            } => loop {
                if let Some(item) = ready.next() {
                    break Some(item);
                }
                if self.failed {
                    break None;
                }
                match windows.recv() {
                    Ok(Some(pieces)) => *ready = pieces.into_iter().flatten(),
                    Ok(None) => self.failed = true,
                    // Every piece has been read: then what comes after them, if anything.
                    Err(_) => match after.take().map(|r| r.recv()) {
                        Some(Ok(new)) => *ready = vec![new].into_iter().flatten(),
                        Some(Err(_)) => self.failed = true,
                        None => break None,
                    },
                }
            },
        };
        if item.is_some() {
            self.left = self.left.saturating_sub(1);
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for LeanItems {}

/// Numbers for shared names, in the order they are first met. A name is known by its shared
/// copy's address: every entry of a log is reduced with one [`Names`], so equal names are
/// one copy (and were two copies ever met, each would get its number, which reads back the
/// same).
struct Table<T: ?Sized> {
    number: HashMap<usize, u32>,
    order: Vec<Arc<T>>,
}

impl<T: ?Sized> Default for Table<T> {
    fn default() -> Self {
        Table {
            number: HashMap::new(),
            order: Vec::new(),
        }
    }
}

impl<T: ?Sized + Text> Table<T> {
    /// A table that goes on from `order`, numbered as it is.
    fn seeded(order: Vec<Arc<T>>) -> Table<T> {
        let number = order
            .iter()
            .enumerate()
            .map(|(i, n)| (Arc::as_ptr(n).cast::<u8>() as usize, i as u32))
            .collect();
        Table { number, order }
    }

    fn of(&mut self, n: &Arc<T>) -> u32 {
        let next = self.order.len() as u32;
        *self
            .number
            .entry(Arc::as_ptr(n).cast::<u8>() as usize)
            .or_insert_with(|| {
                self.order.push(Arc::clone(n));
                next
            })
    }

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.order.len() as u32).to_le_bytes());
        for s in &self.order {
            put_text(out, s.text());
        }
    }
}

/// What a name table writes of a name.
trait Text {
    fn text(&self) -> &str;
}

impl Text for str {
    fn text(&self) -> &str {
        self
    }
}

impl Text for Subject {
    fn text(&self) -> &str {
        self.as_str()
    }
}

fn put_period(out: &mut Vec<u8>, p: Period) -> Option<()> {
    for d in [p.start(), p.end()] {
        out.extend_from_slice(&d.year().to_le_bytes());
        out.extend_from_slice(&[d.month(), d.day()]);
    }
    Some(())
}

/// What a figure's words mean (see the format in the module docs): its kind, then its
/// numbers.
fn put_value(out: &mut Vec<u8>, v: Value) {
    let tolerance = |out: &mut Vec<u8>, t: Option<Tolerance>| match t {
        None => out.push(0),
        Some(Tolerance::Abs(n)) => {
            out.push(1);
            put_num(out, n);
        }
        Some(Tolerance::Pct(n)) => {
            out.push(2);
            put_num(out, n);
        }
    };
    let one = |out: &mut Vec<u8>, kind: u8, n: Num| {
        out.push(kind);
        put_num(out, n);
    };
    match v {
        Value::Exact(n) => one(out, 0, n),
        Value::AtLeast(n) => one(out, 1, n),
        Value::MoreThan(n) => one(out, 2, n),
        Value::AtMost(n) => one(out, 3, n),
        Value::LessThan(n) => one(out, 4, n),
        Value::Range(lo, hi) => {
            one(out, 5, lo);
            put_num(out, hi);
        }
        Value::Approx(n, t) => {
            one(out, 6, n);
            tolerance(out, t);
        }
        Value::Nearly(n, t) => {
            one(out, 7, n);
            tolerance(out, t);
        }
    }
}

/// A number as its millionths, zigzagged and written seven bits a byte (most figures take
/// five bytes).
fn put_num(out: &mut Vec<u8>, n: Num) {
    let m = n.millionths();
    let mut z = ((m << 1) ^ (m >> 127)) as u128;
    loop {
        let low = (z & 0x7f) as u8;
        z >>= 7;
        if z == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// The bytes of the header's fixed part: the magic, the stamp, the head, the number of
/// entries and where the tables start.
const HEADER: usize = MAGIC.len() + 56 + 8 + 32 + 8 + 8;

/// A snapshot file being written: its header and records so far, and its tables.
struct Encoder {
    /// The header (filled in by [`Encoder::finish`]) and the records written before this
    /// encoder's (a saved snapshot's, when it is brought forward), kept apart so that they
    /// are never copied.
    before: Vec<u8>,
    /// The records written by this encoder, a buffer a piece: a million records are never
    /// one buffer grown by doubling (which held twice the file while it was copied).
    out: Vec<Vec<u8>>,
    /// How many bytes of records this encoder wrote, and for how many entries.
    written: usize,
    records: usize,
    names: Table<str>,
    subjects: Table<Subject>,
    /// Each piece of records: where it starts in `out`, and how many entries it has.
    places: Vec<(u64, u32)>,
    /// Where the records go as each piece is written, when they go straight to the file
    /// (see [`Encoder::to_file`]): then `out` stays empty.
    sink: Option<Sink>,
}

/// A snapshot file written as it is made: the file (a placeholder header first) and the
/// checksum of the records so far.
struct Sink {
    file: reckon_ledger::fsx::Staged,
    sum: blake3::Hasher,
}

impl Encoder {
    /// An encoder with room for the records of about `entries` entries, the header left
    /// blank for [`Encoder::finish`].
    fn new(entries: usize) -> Encoder {
        Encoder {
            before: vec![0; HEADER],
            out: Vec::with_capacity(entries / 1024 + 1),
            written: 0,
            records: 0,
            names: Table::default(),
            subjects: Table::default(),
            places: Vec::new(),
            sink: None,
        }
    }

    /// An encoder that writes each piece's records to a new file beside `path` as soon as
    /// they are made, never holding them (the file takes the place of `path` only when
    /// [`FoldFile::save`] commits it); `None` when the file cannot be made.
    fn to_file(path: &std::path::Path) -> Option<Encoder> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // What a killed reckon left while writing this file goes first.
        reckon_ledger::fsx::sweep_left_beside(path);
        let mut file = reckon_ledger::fsx::Staged::beside(path).ok()?;
        let mut e = Encoder::new(0);
        file.append(&e.before).ok()?;
        e.sink = Some(Sink {
            file,
            sum: blake3::Hasher::new(),
        });
        Some(e)
    }

    /// Writes one piece of entries; `None` when one cannot be written (an event whose line
    /// cannot be read again, a date out of range).
    fn items(&mut self, snap: &Snapshot<'_>, piece: &[(Lean, Span)]) -> Option<()> {
        if piece.is_empty() {
            return Some(());
        }
        let at = self.before.len() + self.written;
        self.places
            .push((at as u64, u32::try_from(piece.len()).ok()?));
        // Room for the piece's records as long as those before them were, and a little more.
        let each = match self.records {
            0 => 128,
            n => self.written / n + 8,
        };
        let mut out = Vec::with_capacity(each.saturating_mul(piece.len()));
        for (l, span) in piece {
            self.item(snap, l, *span, &mut out)?;
        }
        self.written += out.len();
        self.records += piece.len();
        match &mut self.sink {
            Some(sink) => {
                sink.sum.update(&out);
                sink.file.append(&out).ok()?;
            }
            None => {
                if out.capacity() > out.len() + out.len() / 4 {
                    out.shrink_to_fit();
                }
                self.out.push(out);
            }
        }
        Some(())
    }

    fn item(&mut self, snap: &Snapshot<'_>, l: &Lean, span: Span, out: &mut Vec<u8>) -> Option<()> {
        out.push(u8::from(matches!(l, Lean::Other(_))));
        out.extend_from_slice(&span.0.to_le_bytes());
        out.extend_from_slice(&span.1.to_le_bytes());
        let c = match l {
            Lean::Claim(c) => c,
            Lean::Other(e) => {
                let line = snap.line(span, &e.hash).ok()?;
                put_text(out, std::str::from_utf8(&line).ok()?);
                return Some(());
            }
        };
        let core = &c.core;
        out.extend_from_slice(&c.hash.0);
        out.extend_from_slice(&c.at.unix().to_le_bytes());
        let scope = core.scope.as_ref().map_or(u32::MAX, |s| self.names.of(s));
        for n in [
            self.subjects.of(&core.subject),
            self.names.of(&core.unit),
            self.names.of(&core.origin),
            scope,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        put_text(out, core.value.stated());
        put_value(out, core.value.value());
        match core.as_of {
            Some(p) => {
                out.push(1);
                put_period(out, p)?;
            }
            None => out.push(0),
        }
        put_period(out, core.said_on)?;
        out.push(match core.modality {
            Modality::Asserted => 0,
            Modality::Expected => 1,
            Modality::Denied => 2,
        });
        out.push(match core.precision {
            None => 0,
            Some(Precision::Digits) => 1,
            Some(Precision::Exact) => 2,
        });
        match &c.supersedes {
            Some(h) => {
                out.push(1);
                out.extend_from_slice(&h.0);
            }
            None => out.push(0),
        }
        Some(())
    }

    /// An encoder of records that follow a saved snapshot's, its name tables going on from
    /// `tables` (the snapshot's names and subjects); its records' places are counted from 0
    /// (see [`Opened::followed_by`]).
    fn after(tables: (Vec<Arc<str>>, Vec<Arc<Subject>>)) -> Encoder {
        Encoder {
            before: Vec::new(),
            out: Vec::new(),
            written: 0,
            records: 0,
            sink: None,
            names: Table::seeded(tables.0),
            subjects: Table::seeded(tables.1),
            places: Vec::new(),
        }
    }

    /// The file: the header filled in, the tables and the piece list after the records, and
    /// the checksum; in two parts, to be written one after the other.
    fn finish(self, stamp: Stamp, head: Head) -> FoldFile {
        let Encoder {
            mut before,
            mut out,
            written,
            names,
            subjects,
            places,
            sink,
            ..
        } = self;
        let tables = (before.len() + written) as u64;
        let mut h = Vec::with_capacity(HEADER);
        h.extend_from_slice(MAGIC);
        h.extend_from_slice(&stamp.to_bytes());
        h.extend_from_slice(&head.seq.to_le_bytes());
        h.extend_from_slice(&head.hash.0);
        h.extend_from_slice(&head.seq.to_le_bytes());
        h.extend_from_slice(&tables.to_le_bytes());
        let mut end = Vec::new();
        names.put(&mut end);
        subjects.put(&mut end);
        end.extend_from_slice(&(places.len() as u32).to_le_bytes());
        for (at, n) in &places {
            end.extend_from_slice(&at.to_le_bytes());
            end.extend_from_slice(&n.to_le_bytes());
        }
        // The checksum covers everything after the header, then the header (which is known
        // last, so that the records can be summed as they are written).
        if let Some(Sink { mut file, mut sum }) = sink {
            sum.update(&end);
            sum.update(&h);
            end.extend_from_slice(sum.finalize().as_bytes());
            let written = file.append(&end).and_then(|()| file.write_at(0, &h));
            return FoldFile::Staged(written.ok().map(|()| file));
        }
        if let Some(header) = before.get_mut(..HEADER) {
            header.copy_from_slice(&h);
        }
        let mut sum = blake3::Hasher::new();
        sum.update_rayon(before.get(HEADER..).unwrap_or_default());
        for piece in &out {
            sum.update(piece);
        }
        sum.update(&end);
        sum.update(&h);
        end.extend_from_slice(sum.finalize().as_bytes());
        let mut parts = Vec::with_capacity(out.len() + 2);
        parts.push(before);
        parts.append(&mut out);
        parts.push(end);
        FoldFile::Parts(parts)
    }
}

/// A snapshot file: as runs of bytes to write one after the other, or already written to
/// a temporary file beside the saved one (`None`: that write failed).
enum FoldFile {
    Parts(Vec<Vec<u8>>),
    /// A saved snapshot brought forward ([`Opened::followed_by`]): the parts of the whole
    /// file, the first its header and the records the saved file already holds, and the
    /// saved file's length and checksum as it was read. Saved in place when that file is
    /// still there: only the header and what follows the old records are written.
    Forward {
        parts: Vec<Vec<u8>>,
        was: (u64, [u8; 32]),
    },
    Staged(Option<reckon_ledger::fsx::Staged>),
}

impl FoldFile {
    /// Saves it as the snapshot of `snap`'s log. A failure is ignored: it is only a cache.
    fn save(self, snap: &Snapshot<'_>) {
        match self {
            FoldFile::Staged(Some(file)) => {
                // Summed whole, read back only when the sum holds: not synced (see
                // `Staged::commit_unsynced`).
                let _ = file.commit_unsynced();
            }
            FoldFile::Staged(None) => {}
            other => {
                if let Some(path) = crate::cache_file(snap.log(), "fold") {
                    other.save_to(&path);
                }
            }
        }
    }

    /// Saves the file's parts at `path`: a snapshot brought forward in place when the file
    /// it was read from is still there (only the header and what follows the old records
    /// written; rewriting the old records too took a twelfth of a reconciliation after a
    /// small append, 0.16 s of 2.0 s on the 1M log, whose snapshot is 300 MB), any other
    /// written whole beside it and renamed over it.
    fn save_to(self, path: &std::path::Path) {
        let (parts, was) = match self {
            FoldFile::Parts(parts) => (parts, None),
            FoldFile::Forward { parts, was } => (parts, Some(was)),
            FoldFile::Staged(_) => return,
        };
        if let (Some(was), Some((first, rest))) = (was, parts.split_first()) {
            let rest: Vec<&[u8]> = rest.iter().map(Vec::as_slice).collect();
            let head = first.get(..HEADER).unwrap_or_default();
            let at = first.len() as u64;
            let at_end = (was.0, &was.1[..]);
            if reckon_ledger::fsx::write_cache_end(path, at_end, at, &rest, head).unwrap_or(false) {
                return;
            }
        }
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        crate::write_cache_at(path, &parts);
    }

    /// Its bytes, in one run.
    #[cfg(test)]
    fn bytes(&self) -> Vec<u8> {
        match self {
            FoldFile::Parts(parts) | FoldFile::Forward { parts, .. } => parts.concat(),
            FoldFile::Staged(_) => Vec::new(),
        }
    }
}

/// The saved snapshot of `snap`'s log, if there is one and it reads back whole.
fn load(snap: &Snapshot<'_>, names: &Names) -> Option<Opened> {
    let path = crate::cache_file(snap.log(), "fold")?;
    let bytes = std::fs::read(path).ok()?;
    open(bytes, names)
}

fn period(r: &mut Reader<'_>) -> Option<Period> {
    let mut day = || {
        let d = r.take(4)?;
        Date::new(u16::from_le_bytes([d[0], d[1]]), d[2], d[3])
    };
    let start = day()?;
    let end = day()?;
    Period::new(start, end)
}

/// A figure's meaning as [`put_value`] wrote it.
fn value(r: &mut Reader<'_>) -> Option<Value> {
    let kind = r.u8()?;
    let n = num(r)?;
    let tolerance = |r: &mut Reader<'_>| match r.u8()? {
        0 => Some(None),
        1 => Some(Some(Tolerance::Abs(num(r)?))),
        2 => Some(Some(Tolerance::Pct(num(r)?))),
        _ => None,
    };
    Some(match kind {
        0 => Value::Exact(n),
        1 => Value::AtLeast(n),
        2 => Value::MoreThan(n),
        3 => Value::AtMost(n),
        4 => Value::LessThan(n),
        5 => Value::Range(n, num(r)?),
        6 => Value::Approx(n, tolerance(r)?),
        7 => Value::Nearly(n, tolerance(r)?),
        _ => return None,
    })
}

/// A number as [`put_num`] wrote it; `None` past 19 bytes (more than 128 bits).
fn num(r: &mut Reader<'_>) -> Option<Num> {
    let mut z: u128 = 0;
    for shift in (0..128).step_by(7) {
        let b = r.u8()?;
        // The last byte holds the top two bits: more would not fit.
        if shift == 126 && b & 0x7c != 0 {
            return None;
        }
        z |= u128::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            let m = ((z >> 1) as i128) ^ -((z & 1) as i128);
            return Some(Num::from_millionths(m));
        }
    }
    None
}

fn hash(r: &mut Reader<'_>) -> Option<EntryHash> {
    Some(EntryHash(r.take(32)?.try_into().ok()?))
}

/// A snapshot file whose checksum, header, tables and piece places are checked, its records
/// not yet read.
struct Opened {
    stamp: Stamp,
    head: Head,
    /// The file's length and checksum as it was read: what a snapshot brought forward
    /// checks before writing its new end over the file in place.
    was: (u64, [u8; 32]),
    /// The file's header and records (everything before the tables).
    records: Vec<u8>,
    /// Each piece's bytes in `records`, the sequence number before its first entry and how
    /// many entries it holds.
    ranges: Vec<(std::ops::Range<usize>, u64, u32)>,
    places: Vec<(u64, u32)>,
    names: Vec<Arc<str>>,
    subjects: Vec<Arc<Subject>>,
}

/// Reads a snapshot file (see the module docs) as far as its records, the names in its tables
/// shared through `names`.
fn open(mut bytes: Vec<u8>, names: &Names) -> Option<Opened> {
    let body_len = bytes.len().checked_sub(32)?;
    let (body, sum) = bytes.split_at(body_len);
    // Everything after the header, then the header (see `Encoder::finish`).
    let mut check = blake3::Hasher::new();
    check.update_rayon(body.get(HEADER..)?);
    check.update(body.get(..HEADER)?);
    if check.finalize().as_bytes() != sum || !body.starts_with(MAGIC) {
        return None;
    }
    let was = (bytes.len() as u64, sum.try_into().ok()?);
    let mut r = Reader(body.get(MAGIC.len()..HEADER)?);
    let stamp = Stamp::from_bytes(r.take(56)?.try_into().ok()?);
    let head = Head {
        seq: r.u64()?,
        hash: hash(&mut r)?,
    };
    let count = r.u64()?;
    let tables = usize::try_from(r.u64()?).ok()?;
    if count != head.seq || !(HEADER..=body.len()).contains(&tables) {
        return None;
    }
    let mut t = Reader(&body[tables..]);
    let n = t.count(4)?;
    let shared: Vec<Arc<str>> = (0..n)
        .map(|_| Some(names.name(std::str::from_utf8(t.bytes()?).ok()?)))
        .collect::<Option<_>>()?;
    let n = t.count(4)?;
    let subjects: Vec<Arc<Subject>> = (0..n)
        .map(|_| {
            let s = Subject::parse(std::str::from_utf8(t.bytes()?).ok()?).ok()?;
            Some(names.subject(&s))
        })
        .collect::<Option<_>>()?;
    let n = t.count(12)?;
    let places: Vec<(u64, u32)> = (0..n)
        .map(|_| Some((t.u64()?, t.u32()?)))
        .collect::<Option<_>>()?;
    if !t.0.is_empty() {
        return None;
    }
    // Each piece's bytes run to the next piece's start (the last one's to the tables), and
    // the pieces cover the records exactly.
    let mut ranges = Vec::with_capacity(places.len());
    let mut seq = 0u64;
    let mut at = HEADER;
    for (i, &(from, n)) in places.iter().enumerate() {
        let to = places
            .get(i + 1)
            .map_or(Some(tables), |p| usize::try_from(p.0).ok())?;
        if usize::try_from(from).ok()? != at || to < at || n == 0 {
            return None;
        }
        ranges.push((at..to, seq, n));
        seq += u64::from(n);
        at = to;
    }
    if at != tables || seq != count {
        return None;
    }
    bytes.truncate(tables);
    Some(Opened {
        stamp,
        head,
        was,
        records: bytes,
        ranges,
        places,
        names: shared,
        subjects,
    })
}

impl Opened {
    /// An encoder of this snapshot's records followed by those of `tail` (made by
    /// [`Encoder::after`] from this snapshot's tables): its file is this snapshot brought
    /// forward, the old records not written again.
    fn followed_by(self, tail: Encoder) -> Encoder {
        let base = self.records.len() as u64;
        let mut places = self.places;
        places.extend(tail.places.iter().map(|&(at, n)| (at + base, n)));
        Encoder {
            before: self.records,
            out: tail.out,
            written: tail.written,
            records: tail.records,
            sink: None,
            names: tail.names,
            subjects: tail.subjects,
            places,
        }
    }

    fn tables<'t>(&'t self, all: &'t Names) -> Tables<'t> {
        Tables {
            names: &self.names,
            subjects: &self.subjects,
            all,
        }
    }

    /// Pieces `from..to`, read on all cores; `None` when one does not read.
    fn pieces(&self, all: &Names, from: usize, to: usize) -> Option<Vec<Vec<(Lean, Span)>>> {
        use rayon::prelude::*;
        let ctx = self.tables(all);
        self.ranges
            .get(from..to)?
            .par_iter()
            .map(|(range, before, n)| ctx.piece(self.records.get(range.clone())?, *before, *n))
            .collect()
    }
}

/// What reading a piece of records needs: the name tables.
struct Tables<'t> {
    names: &'t [Arc<str>],
    subjects: &'t [Arc<Subject>],
    all: &'t Names,
}

impl Tables<'_> {
    fn name(&self, i: u32) -> Option<Arc<str>> {
        self.names.get(i as usize).cloned()
    }

    /// The `n` entries after entry `before` from their records, which they must use up.
    fn piece(&self, bytes: &[u8], before: u64, n: u32) -> Option<Vec<(Lean, Span)>> {
        let mut r = Reader(bytes);
        let mut piece = Vec::with_capacity(n as usize);
        for seq in before + 1..=before + u64::from(n) {
            piece.push(self.item(&mut r, seq)?);
        }
        r.0.is_empty().then_some(piece)
    }

    fn item(&self, r: &mut Reader<'_>, seq: u64) -> Option<(Lean, Span)> {
        let tag = r.u8()?;
        let span = (r.u64()?, r.u32()?);
        let item = match tag {
            0 => {
                let hash_ = hash(r)?;
                let at = Timestamp::from_unix(i64::from_le_bytes(r.take(8)?.try_into().ok()?));
                let subject = self.subjects.get(r.u32()? as usize).cloned()?;
                let unit = self.name(r.u32()?)?;
                let origin = self.name(r.u32()?)?;
                let scope = match r.u32()? {
                    u32::MAX => None,
                    i => Some(self.name(i)?),
                };
                let stated = std::str::from_utf8(r.bytes()?).ok()?;
                let value = Figure::saved(stated, value(r)?)?;
                let as_of = match r.u8()? {
                    0 => None,
                    1 => Some(period(r)?),
                    _ => return None,
                };
                let said_on = period(r)?;
                let modality = match r.u8()? {
                    0 => Modality::Asserted,
                    1 => Modality::Expected,
                    2 => Modality::Denied,
                    _ => return None,
                };
                let precision = match r.u8()? {
                    0 => None,
                    1 => Some(Precision::Digits),
                    2 => Some(Precision::Exact),
                    _ => return None,
                };
                let supersedes = match r.u8()? {
                    0 => None,
                    1 => Some(hash(r)?),
                    _ => return None,
                };
                Lean::Claim(LeanClaim {
                    seq,
                    hash: hash_,
                    at,
                    core: Core {
                        subject,
                        value,
                        unit,
                        origin,
                        scope,
                        as_of,
                        said_on,
                        modality,
                        precision,
                    },
                    supersedes,
                })
            }
            1 => {
                let e = reckon_ledger::decode(r.bytes()?).ok()?;
                if e.seq != seq {
                    return None;
                }
                Lean::of(e, self.all)
            }
            _ => return None,
        };
        Some((item, span))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A snapshot keeps what each figure's words mean beside the words, read back without
    /// reading them again, and each claim's origin by its name: what words mean (pinned here
    /// for every kind and tolerance a snapshot saves) and which field names the origin are
    /// part of its format. When one of these changes, raise the number in [`MAGIC`] with it:
    /// snapshots saved by a build that read claims otherwise would give the old answers.
    #[test]
    fn what_words_mean_is_part_of_the_snapshot_format() {
        assert_eq!(
            MAGIC, b"reckon-fold 3\n",
            "change the pinned meanings with the magic"
        );
        // Numbers in millionths.
        let pinned = [
            ("4,000", "Exact(Num(4000000000))"),
            ("at least 8,000", "AtLeast(Num(8000000000))"),
            ("more than 5", "MoreThan(Num(5000000))"),
            ("up to 99", "AtMost(Num(99000000))"),
            ("fewer than 3", "LessThan(Num(3000000))"),
            ("300 to 400", "Range(Num(300000000), Num(400000000))"),
            (
                "between 968 and 1,013",
                "Range(Num(968000000), Num(1013000000))",
            ),
            ("about 10,000", "Approx(Num(10000000000), None)"),
            (
                "~888 ±5%",
                "Approx(Num(888000000), Some(Pct(Num(5000000))))",
            ),
            ("nearly 900", "Nearly(Num(900000000), None)"),
            (
                "about 500 ±20",
                "Approx(Num(500000000), Some(Abs(Num(20000000))))",
            ),
            ("1.2 million", "Exact(Num(1200000000000))"),
            // Format 3: a scale after a range is both ends'.
            ("5 to 6 thousand", "Range(Num(5000000000), Num(6000000000))"),
        ];
        for (words, meaning) in pinned {
            let read = Value::parse(words).map(|v| format!("{v:?}"));
            assert_eq!(read.as_deref(), Ok(meaning), "{words}");
        }
        // A claim's origin is saved by its name, as the rule names it: what it cites, else
        // its speaker, else its publisher.
        let origin = |fields: &str| {
            let line = format!(r#"{{"subject": "a/b", "value": "1", "said_on": "2025"{fields}}}"#);
            match reckon_claim::parse_line(&line, &mut |_, _| Err("none".into())) {
                Ok(reckon_claim::Event::Claim(c)) => c.origin().to_owned(),
                other => panic!("{line}: {other:?}"),
            }
        };
        let all = r#", "cites": "C", "speaker": "S", "publisher": "P""#;
        assert_eq!(origin(all), "C");
        assert_eq!(origin(r#", "speaker": "S", "publisher": "P""#), "S");
        assert_eq!(origin(r#", "publisher": "P""#), "P");
    }

    /// Every entry of a log as a lean fold reads it, with its line's span, in log order,
    /// read whole (what the snapshot is checked against).
    struct LeanLog {
        head: Head,
        items: reckon_ledger::Projected<(Lean, Span)>,
    }

    /// The snapshot file of `lean`; `None` when an entry cannot be written.
    fn encode(snap: &Snapshot<'_>, stamp: Stamp, lean: &LeanLog) -> Option<Vec<u8>> {
        let mut e = Encoder::new(lean.items.len());
        for p in lean.items.pieces() {
            e.items(snap, p)?;
        }
        Some(e.finish(stamp, lean.head).bytes())
    }

    /// A log of `n` claims over a few subjects, with a correction, a retraction, a
    /// definition and an alias among them, at `dir`.
    fn log_with(dir: &std::path::Path, claims: std::ops::Range<usize>) -> reckon_ledger::Log {
        let log = reckon_ledger::Log::at(dir);
        if !dir.join("entries.jsonl").exists() {
            log.init().unwrap();
        }
        let input: String = claims
            .map(|i| {
                let about = if i % 3 == 0 {
                    r#", "as_of": "2025-05", "scope": "in the east""#
                } else {
                    ""
                };
                let modality = ["asserted", "expected", "denied"][i % 3];
                let precision = ["digits", "exact"][i % 2];
                // Every kind of figure, with and without a tolerance, fractions among them.
                let n = i + 1;
                let value = [
                    format!("about {n},000"),
                    format!("{n}"),
                    format!("at least {n}.25"),
                    format!("more than {n}"),
                    format!("up to {n}k"),
                    format!("fewer than {n}"),
                    format!("between {n} and {}", n * 10),
                    format!("nearly {n}00 ±3"),
                    format!("~{n} ±5%"),
                    format!("{n}.5 million"),
                ][i % 10]
                    .clone();
                format!(
                    r#"{{"subject": "a/s{}", "value": "{value}", "said_on": "2025-0{}-1{}", "speaker": "P{}", "unit": "people", "modality": "{modality}", "precision": "{precision}"{about}}}"#,
                    i % 7,
                    1 + i % 9,
                    i % 10,
                    i % 5,
                ) + "\n"
            })
            .collect();
        reckon_ledger::import(&log, "in", input.as_bytes()).unwrap();
        // The last two claims: one retracted, one corrected.
        let last = log.snapshot().unwrap().committed().unwrap().seq;
        let others = [
            format!(r#"{{"define": "a/s2", "label": "two {last}", "unit": "people"}}"#),
            format!(r#"{{"alias": "a/other{last}", "same_as": "a/s1"}}"#),
            format!(r#"{{"retract": {last}, "reason": "misread"}}"#),
            format!(
                r#"{{"subject": "a/s3", "value": "12", "said_on": "2025", "speaker": "Q", "supersedes": {}}}"#,
                last - 1
            ),
        ]
        .join("\n");
        reckon_ledger::import(&log, "in", others.as_bytes()).unwrap();
        log
    }

    fn described(l: &LeanLog) -> Vec<String> {
        l.items.iter().map(|x| format!("{x:?}")).collect()
    }

    /// A figure's numbers are read back as written, from zero to the largest and smallest a
    /// number can hold; a number written over more bytes than 128 bits need is refused.
    #[test]
    fn numbers_are_read_back_as_written() {
        for m in [
            0,
            1,
            -1,
            63,
            64,
            -64,
            -65,
            1_000_000,
            i128::MAX,
            i128::MIN,
            i128::MAX / 3,
        ] {
            let mut out = Vec::new();
            put_num(&mut out, Num::from_millionths(m));
            let mut r = Reader(&out);
            assert_eq!(num(&mut r), Some(Num::from_millionths(m)), "{m}");
            assert!(r.0.is_empty(), "{m}");
        }
        assert_eq!(num(&mut Reader(&[0x80; 19])), None);
        assert_eq!(
            num(&mut Reader(
                &[0xff; 18]
                    .iter()
                    .chain(&[0x04])
                    .copied()
                    .collect::<Vec<_>>()
            )),
            None
        );
    }

    #[test]
    fn a_snapshot_written_and_read_back_is_the_same_entries() {
        let tmp = tempdir();
        let log = log_with(&tmp, 0..40);
        let (whole, bytes) = whole(&log);
        let (head, stamp) = (whole.head, log.snapshot().unwrap().stamp().unwrap());
        let back = open(bytes.clone(), &Names::default()).unwrap();
        assert_eq!((back.stamp, back.head), (stamp, head));
        assert_eq!(read_back(bytes.clone()), Some(described(&whole)));
        // Every single-byte change is caught (the checksum, or the magic before it).
        for i in (0..bytes.len()).step_by(7) {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            assert!(open(bad, &Names::default()).is_none(), "byte {i}");
        }
    }

    /// Every entry of a snapshot file, read back as a fold reads it (`None` if it does not).
    fn read_back(bytes: Vec<u8>) -> Option<Vec<String>> {
        let names = Names::default();
        let opened = open(bytes, &names)?;
        let (got, failed) = fold_saved(&opened, &names, 2, None, |items| {
            items.map(|x| format!("{x:?}")).collect::<Vec<_>>()
        });
        (!failed).then_some(got)
    }

    /// A snapshot brought forward to `log` as a fold takes its entries: what the fold saw,
    /// the head, how many entries were new, and the file (`None`: not brought forward).
    fn brought_forward(
        log: &reckon_ledger::Log,
        saved: Vec<u8>,
    ) -> Option<(Vec<String>, Head, u64, Vec<u8>)> {
        let snap = log.snapshot().unwrap();
        let stamp = snap.stamp().unwrap();
        // Read whole, and reading only what follows the snapshot's end (as after recorded
        // appends): when the first brings it forward, the second must bring it to the same.
        let run = |after: bool| {
            let names = Names::default();
            let opened = open(saved.clone(), &names).unwrap();
            let after = after.then_some(opened.stamp.len);
            let fold = |items: &mut LeanItems| {
                assert_eq!(items.len() as u64, snap.committed().unwrap().seq);
                items.map(|x| format!("{x:?}")).collect::<Vec<_>>()
            };
            let (seen, head, new, bytes) =
                forward(&snap, stamp, &names, opened, after, true, fold).unwrap()?;
            Some((seen, head, new, bytes.unwrap().bytes()))
        };
        let whole = run(false);
        if whole.is_some() {
            assert_eq!(run(true), whole, "read after the snapshot's end");
        }
        whole
    }

    /// The snapshot file of `log` read whole.
    fn whole(log: &reckon_ledger::Log) -> (LeanLog, Vec<u8>) {
        let snap = log.snapshot().unwrap();
        let names = Names::default();
        let (head, items) = snap
            .project_brief(&|b, span| (Lean::brief(b, &names), span))
            .unwrap();
        let lean = LeanLog { head, items };
        let bytes = encode(&snap, snap.stamp().unwrap(), &lean).unwrap();
        (lean, bytes)
    }

    #[test]
    fn a_snapshot_brought_forward_is_the_snapshot_of_the_longer_log() {
        let tmp = tempdir();
        let log = log_with(&tmp, 0..30);
        let (_, before) = whole(&log);
        let log = log_with(&tmp, 30..75);
        let (after, after_bytes) = whole(&log);
        let (seen, head, new, bytes) = brought_forward(&log, before).unwrap();
        assert_eq!((new, head), (49, after.head));
        assert_eq!(seen, described(&after));
        // The file brought forward reads back as the same entries as one made whole.
        assert_eq!(read_back(bytes), read_back(after_bytes));
        // A snapshot of another log (same length, other claims) is not brought forward.
        let other = tempdir();
        let other_log = log_with(&other, 100..130);
        let (_, foreign) = whole(&other_log);
        assert!(brought_forward(&log, foreign).is_none());
        // Nor one of a longer log: the line it ends at is not there.
        let (_, longer) = whole(&log_with(&other, 130..200));
        assert!(brought_forward(&log, longer).is_none());
    }

    /// A snapshot brought forward is saved over the file it was read from, in place (only
    /// the header and what follows the old records written), as the same bytes as a file
    /// written whole; when that file was replaced since it was read, it is written whole.
    #[test]
    #[cfg(unix)]
    fn a_snapshot_brought_forward_is_saved_in_place_over_the_file_it_was_read_from() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempdir();
        let path = tmp.join("cache").join("fold-x");
        let log = log_with(&tmp, 0..40);
        let (_, before) = whole(&log);
        FoldFile::Parts(vec![before.clone()]).save_to(&path);
        let log = log_with(&tmp, 40..90);
        let (after, after_bytes) = whole(&log);
        let snap = log.snapshot().unwrap();
        let stamp = snap.stamp().unwrap();
        let forward_file = || {
            let names = Names::default();
            let opened = open(std::fs::read(&path).unwrap(), &names).unwrap();
            let fold = |items: &mut LeanItems| items.count();
            let (_, _, _, file) = forward(&snap, stamp, &names, opened, None, true, fold)
                .unwrap()
                .unwrap();
            file.unwrap()
        };
        for replaced in [false, true] {
            std::fs::write(&path, &before).unwrap();
            let file = forward_file();
            let want = file.bytes();
            assert!(matches!(file, FoldFile::Forward { .. }));
            if replaced {
                // Another snapshot (of the longer log, made whole) put in its place after it
                // was read.
                let other = tmp.join("cache").join("other");
                std::fs::write(&other, &after_bytes).unwrap();
                std::fs::rename(&other, &path).unwrap();
            }
            let inode = std::fs::metadata(&path).unwrap().ino();
            file.save_to(&path);
            assert!(
                std::fs::read(&path).unwrap() == want,
                "replaced: {replaced}"
            );
            let same = std::fs::metadata(&path).unwrap().ino() == inode;
            assert_eq!(same, !replaced, "written in place only over the file read");
            assert_eq!(read_back(want), Some(described(&after)));
        }
    }

    #[test]
    fn a_saved_snapshot_is_read_a_few_pieces_at_a_time_and_a_bad_piece_sends_the_fold_to_the_log() {
        // A snapshot of several pieces: made whole, then brought forward three times.
        let tmp = tempdir();
        let mut log = log_with(&tmp, 0..12);
        let (_, mut bytes) = whole(&log);
        for k in 1..4 {
            log = log_with(&tmp, k * 12..(k + 1) * 12);
            bytes = brought_forward(&log, bytes).unwrap().3;
        }
        let (all, _) = whole(&log);
        let names = Names::default();
        let opened = open(bytes.clone(), &names).unwrap();
        assert_eq!(opened.ranges.len(), 4);
        let (last, before_last) = (opened.ranges[3].0.start, opened.ranges[3].1 as usize);
        // Read one piece at a time, and all at once: the entries of the log, in order.
        for window in [1, 3, 8] {
            let opened = open(bytes.clone(), &names).unwrap();
            let (got, failed) = fold_saved(&opened, &names, window, None, |items| {
                assert_eq!(items.len(), all.items.len());
                items.map(|x| format!("{x:?}")).collect::<Vec<_>>()
            });
            assert!(!failed, "window {window}");
            assert_eq!(got, described(&all), "window {window}");
        }
        // A last piece that does not read, under a checksum made again to fit it: the fold
        // is given the entries read from the log instead, and says so.
        let mut bad = bytes;
        bad[last] = 9;
        summed_again(&mut bad);
        let opened = open(bad.clone(), &names).unwrap();
        let (got, failed) = fold_saved(&opened, &names, 1, None, |items| {
            items.map(|x| format!("{x:?}")).collect::<Vec<_>>()
        });
        assert!(failed);
        assert_eq!(got, described(&all)[..before_last]);
        let forged = open(bad, &names).unwrap();
        let snap = log.snapshot().unwrap();
        let mut calls = Vec::new();
        let (folded, head, source) = fold_from(
            &snap,
            snap.stamp().unwrap(),
            &names,
            Some(forged),
            |items| {
                let got: Vec<String> = items.map(|x| format!("{x:?}")).collect();
                calls.push(got.len());
                got
            },
        )
        .unwrap();
        assert_eq!((source, head), (Source::WholeLog, all.head));
        // (How many entries the first call saw depends on how many pieces are read at once:
        // one at a time, those before the bad piece, as above.)
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1], all.items.len());
        assert_eq!(folded, described(&all));
    }

    /// A fold fed by a pass over the log as it reads (a piece at a time, on another thread)
    /// sees every entry in order, and the snapshot written as the pieces pass is the one made
    /// from the whole read; a log that fails a check gives an error, not what was folded.
    #[test]
    fn a_fold_fed_while_the_log_is_read_sees_its_entries_and_writes_its_snapshot() {
        let tmp = tempdir();
        // Long enough to be read in several buffers, with events other than claims (whose
        // lines the snapshot holds, read while the log is being read) in the middle.
        log_with(&tmp, 0..450);
        let log = log_with(&tmp, 450..900);
        let (all, bytes) = whole(&log);
        let snap = log.snapshot().unwrap();
        let stamp = snap.stamp().unwrap();
        let names = Names::default();
        let written = tmp.join("cache").join("fold-streamed");
        // What a killed writer of the same file left (a process that cannot be running).
        std::fs::create_dir_all(tmp.join("cache")).unwrap();
        let left = tmp
            .join("cache")
            .join(".fold-streamed.tmp-999999999-00000000-0");
        std::fs::write(&left, b"left").unwrap();
        let (got, head, encoder) = streamed(&snap, Some(written.clone()), &names, |items| {
            assert_eq!(items.len(), all.items.len());
            items.map(|x| format!("{x:?}")).collect::<Vec<_>>()
        })
        .unwrap();
        assert_eq!(got, described(&all));
        assert_eq!(head, all.head);
        // Written as the pieces passed, and in place only once saved.
        let file = encoder.unwrap().finish(stamp, head);
        assert!(!written.exists());
        file.save(&snap);
        assert!(std::fs::read(&written).unwrap() == bytes);
        // No temporary file is left beside it (and, where /proc tells, none a killed one left).
        if std::path::Path::new("/proc/self").exists() {
            assert_eq!(std::fs::read_dir(tmp.join("cache")).unwrap().count(), 1);
        }
        assert_eq!(read_back(bytes.clone()), Some(described(&all)));
        // A fold that stops early: the pass still checks the whole log.
        let (taken, head, _) =
            streamed(&snap, None, &names, |items| items.take(3).count()).unwrap();
        assert_eq!((taken, head), (3, all.head));
        // One byte of an early line changed: the pass refuses the log.
        let path = tmp.join("entries.jsonl");
        let mut text = std::fs::read(&path).unwrap();
        let at = text.iter().position(|&b| b == b'\n').unwrap() + 80;
        text[at] = if text[at] == b'0' { b'1' } else { b'0' };
        std::fs::write(&path, &text).unwrap();
        let snap = log.snapshot().unwrap();
        let Err(err) = streamed(&snap, Some(written.clone()), &names, |items| items.count()) else {
            panic!("a changed line was not found");
        };
        assert!(err.to_string().contains("line 2"), "{err}");
        // The file being written when the pass failed is gone; the saved one is as it was.
        if std::path::Path::new("/proc/self").exists() {
            assert_eq!(std::fs::read_dir(tmp.join("cache")).unwrap().count(), 1);
        }
        assert!(std::fs::read(&written).unwrap() == bytes);
    }

    /// Makes the checksum at the end of a snapshot file fit its bytes again (after a test
    /// changed one): everything after the header, then the header.
    fn summed_again(bytes: &mut [u8]) {
        let body = bytes.len() - 32;
        let mut sum = blake3::Hasher::new();
        sum.update(&bytes[HEADER..body]);
        sum.update(&bytes[..HEADER]);
        let sum = *sum.finalize().as_bytes();
        bytes[body..].copy_from_slice(&sum);
    }

    fn tempdir() -> std::path::PathBuf {
        use std::sync::atomic::AtomicU64;
        static N: AtomicU64 = AtomicU64::new(0);
        let d = std::env::temp_dir().join(format!(
            "reckon-fold-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
