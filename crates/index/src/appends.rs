//! The appends reckon made to a log since its folded snapshot or index was saved, so that
//! bringing them forward reads only the lines the appends wrote instead of checking the whole
//! log again.
//!
//! Each committed append is told here while its exclusive lock is held
//! ([`reckon_ledger::OnAppend`]): the entries file's [`Stamp`] and the committed head before it
//! and after it. Saying "the file with stamp `after` is the file with stamp `before` followed by
//! lines from byte `before.len` on" is the trust the cache already gives a stamp (see the crate
//! docs): any write to the file moves its change time, so when the file's stamp now is the
//! `after` of a chain of recorded appends that starts at the stamp the snapshot was saved with,
//! nothing but those appends has written to it since. The lines they wrote are still checked
//! whole (shape, hash, link to the snapshot's last entry, whose line is read and checked too,
//! and the head file). What this does not catch is what the stamp cannot: a write by another
//! program within the same tick of the file system's clock as reckon's own, that leaves the
//! length, the times and the file as they were; `reckon verify` reads every line, always.
//!
//! The saved index is brought forward the same way ([`crate::Index::open`]). Appends are
//! recorded only while a folded snapshot or an index of the log is saved (there is nothing to
//! bring forward otherwise), and only the last [`MOST`] are kept.
//!
//! File format (little-endian): the magic `reckon-appends 1\n`; the number of appends (u32);
//! per append the stamp before (56 bytes), the head before (u64 sequence number, 32-byte hash),
//! the stamp after and the head after (the same); then the blake3 of everything before it.

use reckon_claim::EntryHash;
use reckon_ledger::{Appended, Head, Log, Stamp};

const MAGIC: &[u8] = b"reckon-appends 1\n";

/// How many appends are remembered; a snapshot further behind is brought forward by a whole
/// check.
pub const MOST: usize = 64;

/// Bytes of one recorded append.
const STEP: usize = 2 * (56 + 8 + 32);

/// Records `a` for `log`, when a folded snapshot or an index of it is saved. A failure is ignored: it is
/// only a cache (the next reconciliation then checks the whole log).
pub fn note(log: &Log, a: &Appended) {
    let Some(path) = crate::cache_file(log, "appends") else {
        return;
    };
    let saved = |kind| crate::cache_file(log, kind).is_some_and(|f| f.is_file());
    if !saved("fold") && !saved("index") {
        return;
    }
    let mut steps = std::fs::read(&path)
        .ok()
        .and_then(|b| read(&b))
        .unwrap_or_default();
    steps.push(*a);
    let keep = steps.len().saturating_sub(MOST);
    let _ = reckon_ledger::fsx::write_atomically(&path, &write(&steps[keep..]));
}

/// Where the lines appended since a snapshot saved with `stamp` at `head` start in the
/// entries file, when the appends recorded since then, one after the other, bring the file to
/// `now` with `committed` as its head; `None` when they do not (the file was written some
/// other way, or the appends were not all recorded).
pub(crate) fn since(
    log: &Log,
    (stamp, head): (Stamp, Head),
    (now, committed): (Stamp, Head),
) -> Option<u64> {
    let path = crate::cache_file(log, "appends")?;
    let steps = read(&std::fs::read(path).ok()?)?;
    chain(&steps, (stamp, head), (now, committed))
}

/// [`since`] over the recorded `steps`.
fn chain(steps: &[Appended], from: (Stamp, Head), to: (Stamp, Head)) -> Option<u64> {
    let first = steps.iter().rposition(|a| (a.before, a.from) == from)?;
    let mut at = from;
    for a in &steps[first..] {
        if (a.before, a.from) != at {
            return None;
        }
        at = (a.after, a.to);
        if at == to {
            return Some(steps[first].before.len);
        }
    }
    None
}

fn write(steps: &[Appended]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + steps.len() * STEP + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(steps.len() as u32).to_le_bytes());
    for a in steps {
        for (stamp, head) in [(a.before, a.from), (a.after, a.to)] {
            out.extend_from_slice(&stamp.to_bytes());
            out.extend_from_slice(&head.seq.to_le_bytes());
            out.extend_from_slice(&head.hash.0);
        }
    }
    let sum = blake3::hash(&out);
    out.extend_from_slice(sum.as_bytes());
    out
}

/// The appends a file holds; `None` when it is not one whole (its checksum or size wrong).
fn read(bytes: &[u8]) -> Option<Vec<Appended>> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let mut r = crate::Reader(body.strip_prefix(MAGIC)?);
    let n = r.count(STEP)?;
    let mut one = || -> Option<(Stamp, Head)> {
        let stamp = Stamp::from_bytes(r.take(56)?.try_into().ok()?);
        let seq = r.u64()?;
        let hash = EntryHash(r.take(32)?.try_into().ok()?);
        Some((stamp, Head { seq, hash }))
    };
    let steps = (0..n)
        .map(|_| {
            let (before, from) = one()?;
            let (after, to) = one()?;
            Some(Appended {
                before,
                from,
                after,
                to,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    r.0.is_empty().then_some(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(len: u64, t: i128) -> Stamp {
        Stamp {
            file: (1, 2),
            len,
            modified: t,
            changed: t,
        }
    }

    fn head(seq: u64) -> Head {
        Head {
            seq,
            hash: EntryHash([seq as u8; 32]),
        }
    }

    fn step(from: u64, to: u64) -> Appended {
        Appended {
            before: stamp(from * 100, from as i128),
            from: head(from),
            after: stamp(to * 100, to as i128),
            to: head(to),
        }
    }

    fn at(n: u64) -> (Stamp, Head) {
        (stamp(n * 100, n as i128), head(n))
    }

    /// Appends one after the other lead from a snapshot to the file as it is now, and the new
    /// lines start where the snapshot's file ended; a gap, a step from elsewhere or a file that
    /// is not where the last append left it leads nowhere.
    #[test]
    fn a_chain_of_appends_leads_from_the_snapshot_to_the_file_now() {
        let steps = [step(1, 3), step(3, 4), step(4, 9)];
        assert_eq!(chain(&steps, at(3), at(9)), Some(300));
        assert_eq!(chain(&steps, at(1), at(9)), Some(100));
        assert_eq!(chain(&steps, at(1), at(4)), Some(100));
        assert_eq!(chain(&steps, at(9), at(9)), None, "nothing appended since");
        assert_eq!(chain(&steps, at(2), at(9)), None, "no append from there");
        assert_eq!(
            chain(&steps, at(1), at(8)),
            None,
            "the file is not where they left it"
        );
        let gap = [step(1, 3), step(4, 9)];
        assert_eq!(
            chain(&gap, at(1), at(9)),
            None,
            "a write between two appends"
        );
        let moved = Appended {
            after: stamp(400, 5),
            ..step(3, 4)
        };
        assert_eq!(chain(&[step(1, 3), moved, step(4, 9)], at(1), at(9)), None);
    }

    /// What is written reads back; a changed byte or a cut file reads as nothing.
    #[test]
    fn the_file_reads_back_and_refuses_any_change() {
        let steps = vec![step(1, 3), step(3, 4)];
        let bytes = write(&steps);
        assert_eq!(read(&bytes), Some(steps));
        for i in [0, MAGIC.len(), MAGIC.len() + 4 + 60, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[i] ^= 1;
            assert_eq!(read(&bad), None, "byte {i} changed");
        }
        assert_eq!(read(&bytes[..bytes.len() - 1]), None);
        assert_eq!(read(&[]), None);
    }
}
