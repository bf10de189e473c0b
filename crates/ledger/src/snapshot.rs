//! The one way to read a committed log: a [`Snapshot`] holds the shared lock from the moment
//! it is taken until it is dropped, so no append can start or finish while it is read, and
//! every whole read of the log (verification at either level, decoding entries, the Merkle
//! leaves, the saved index) is one checked pass over the same bytes.

use crate::error::{LedgerError, Problem, io};
use crate::format::Entry;
use crate::log::{Head, Log, Stamp};
use crate::scan::{
    BriefProjector, Keep, Projected, Projector, Resume, Scan, Selector, Visitor, scan_briefly,
    scan_keeping, scan_projecting, scan_selecting, scan_selecting_at_most, scan_visiting,
};
use reckon_claim::EntryHash;
use std::fs::File;
use std::io::Read;

/// Where an entry's line is in the entries file: offset, and length without the newline.
pub type Span = (u64, u32);

/// A log held still: see the module docs. Taken with [`Log::snapshot`].
#[derive(Debug)]
pub struct Snapshot<'l> {
    pub(crate) log: &'l Log,
    /// The entries file, under a shared lock.
    pub(crate) file: File,
    /// Its length when the lock was taken (it cannot change while the lock is held).
    pub(crate) len: u64,
}

/// The snapshot's bytes read in order from a place of the reader's own.
struct Positioned<'s, 'l> {
    snap: &'s Snapshot<'l>,
    at: u64,
}

impl Read for Positioned<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.snap.len.saturating_sub(self.at);
        let n = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
        self.snap.pread(self.at, &mut buf[..n])?;
        self.at += n as u64;
        Ok(n)
    }
}

/// A reader that tells the log's [`crate::Progress`] how far it has come.
struct Counting<R> {
    inner: R,
    read: u64,
    told: u64,
    total: u64,
    progress: Option<crate::Progress>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(p) = &self.progress
            && (self.read - self.told >= 4 << 20 || (n == 0 && self.told != self.read))
        {
            self.told = self.read;
            (p.0)(self.read, self.total);
        }
        Ok(n)
    }
}

impl Snapshot<'_> {
    /// The log the snapshot is of.
    pub fn log(&self) -> &Log {
        self.log
    }

    /// The entries file's length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the entries file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries file's [`Stamp`].
    pub fn stamp(&self) -> Result<Stamp, LedgerError> {
        Stamp::of(&self.file).map_err(io(&self.log.entries_path(), "read the status of"))
    }

    /// The committed head, checked as an append checks it (the last line against the head
    /// file), without reading the whole log.
    pub fn committed(&self) -> Result<Head, LedgerError> {
        self.log.tail_head(&self.file).map(|(h, _)| h)
    }

    /// The committed bytes, from the start, for a reader that checks them itself. Read at
    /// places of its own (never the file's one position), so that reading a line elsewhere in
    /// the snapshot while these are read, on any thread, cannot move them.
    pub fn bytes(&self) -> Result<impl Read + '_, LedgerError> {
        Ok(self.bytes_from(0))
    }

    /// The committed bytes from `offset` on, read as [`Snapshot::bytes`] reads them (the
    /// progress told counts the bytes before `offset` as read).
    pub fn bytes_from(&self, offset: u64) -> impl Read + '_ {
        Counting {
            inner: Positioned {
                snap: self,
                at: offset,
            },
            read: offset,
            told: offset,
            total: self.len,
            progress: self.log.progress.clone(),
        }
    }

    /// Reads `buf.len()` bytes at `offset`, which must lie within the snapshot (a positioned
    /// read: any number of threads may read at once).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), LedgerError> {
        let path = self.log.entries_path();
        let end = offset.checked_add(buf.len() as u64);
        if end.is_none_or(|e| e > self.len) {
            return Err(io(&path, "read")(std::io::Error::other(
                "a span past the end of the log",
            )));
        }
        self.pread(offset, buf).map_err(io(&path, "read"))
    }

    #[cfg(unix)]
    fn pread(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.read_exact_at(buf, offset)
    }

    #[cfg(not(unix))]
    fn pread(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        // Seeking moves the one position the handle has: one reader at a time.
        static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = ONE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        use std::io::{Seek, SeekFrom};
        let mut f = &self.file;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }

    /// One checked pass keeping what `keep` says; problems are refined to say what repair
    /// would do.
    fn pass(&self, keep: Keep) -> Result<Result<Scan, Problem>, LedgerError> {
        let scanned =
            scan_keeping(self.bytes()?, keep).map_err(io(&self.log.entries_path(), "read"))?;
        Ok(scanned
            .and_then(|s| {
                self.log.check_head(&s)?;
                Ok(s)
            })
            .map_err(|p| self.log.refine(&self.file, p)))
    }

    fn damaged(&self, problem: Problem) -> LedgerError {
        LedgerError::Damaged {
            path: self.log.entries_path(),
            problem,
        }
    }

    /// Chain verification: every line, every link, and the head file.
    pub fn verify(&self) -> Result<Result<Head, Problem>, LedgerError> {
        Ok(self.pass(Keep::Nothing)?.map(|s| Head {
            seq: s.entries,
            hash: s.head,
        }))
    }

    /// Deep verification in one checked pass that decodes every entry and keeps none: the
    /// chain as [`Snapshot::verify`] checks it; with `references`, every entry's references
    /// as an append checks them ([`crate::References`]); with `documents`, the quotes and
    /// document hashes of the claims that name a document there ([`crate::Quotes`]), reported
    /// only when the chain and the references hold. A log that fails a check of the chain is
    /// refused with that problem before any problem of a reference, as a whole read would.
    pub fn verify_deep(
        &self,
        references: bool,
        documents: Option<&std::path::Path>,
    ) -> Result<(Result<Head, Problem>, Option<crate::DocumentReport>), LedgerError> {
        // Room for every entry at once, so that the map is never copied as it grows (the old
        // and new tables held together); as many as the head says, but never more than the
        // file could hold (every line is over 100 bytes): a forged head allocates nothing.
        let room = self.committed().map_or(0, |h| h.seq.min(self.len / 100));
        let mut refs = crate::References::with_capacity(if references {
            usize::try_from(room).unwrap_or(0)
        } else {
            0
        });
        let mut broken: Option<(u64, String)> = None;
        let mut quotes = documents.map(crate::Quotes::new);
        let passed = self.project_all(&|e, _| e, &mut |piece: Vec<Entry>| {
            for e in &piece {
                if references && broken.is_none() {
                    broken = refs.check(e).err();
                }
                if let Some(q) = quotes.as_mut() {
                    q.check(e);
                }
            }
        });
        let head = match passed {
            Ok(head) => head,
            Err(LedgerError::Damaged { problem, .. }) => return Ok((Err(problem), None)),
            Err(e) => return Err(e),
        };
        Ok(match broken {
            Some((line, message)) => (Err(Problem::BadReference { line, message }), None),
            None => (Ok(head), quotes.map(crate::Quotes::report)),
        })
    }

    /// Every entry, decoded; refuses a log that fails any check.
    pub fn entries(&self) -> Result<Vec<Entry>, LedgerError> {
        self.pass(Keep::Entries)?
            .map(|s| s.kept)
            .map_err(|p| self.damaged(p))
    }

    /// Every entry, decoded, with where its line is in the file (offset, length without the
    /// newline), from one pass; refuses a log that fails any check.
    pub fn entries_with_spans(&self) -> Result<(Vec<Entry>, Vec<Span>), LedgerError> {
        self.pass(Keep::EntriesAndSpans)?
            .map(|s| (s.kept, s.spans))
            .map_err(|p| self.damaged(p))
    }

    /// The entries whose header `select` picks, decoded (each event checked as
    /// [`Snapshot::entries`] checks every one), from a pass that checks every line's shape,
    /// hash and link at the speed of hashing and decodes no other: for a reader that needs a
    /// few entries it can tell by their number, hash or event text (`reckon show`). Refuses
    /// a log that fails a check.
    pub fn entries_where(&self, select: &Selector<'_>) -> Result<(Head, Vec<Entry>), LedgerError> {
        let scanned =
            scan_selecting(self.bytes()?, select).map_err(io(&self.log.entries_path(), "read"))?;
        self.visited(scanned.map(|s| {
            let mut s = s;
            let kept = std::mem::take(&mut s.kept);
            (s, kept)
        }))
    }

    /// [`Snapshot::entries_where`] that gives up once `select` picks more than `most`
    /// entries: `Ok(None)` then, the pass stopped there (the lines after it not read) and
    /// what it decoded let go; for a caller with a cheaper way to read that much of the log.
    /// A problem before that point refuses the log as a whole pass would.
    pub fn entries_where_at_most(
        &self,
        select: &Selector<'_>,
        most: usize,
    ) -> Result<Option<(Head, Vec<Entry>)>, LedgerError> {
        let scanned = scan_selecting_at_most(self.bytes()?, select, most)
            .map_err(io(&self.log.entries_path(), "read"))?;
        let scanned = match scanned {
            Ok(None) => return Ok(None),
            Ok(Some(s)) => Ok(s),
            Err(p) => Err(p),
        };
        self.visited(scanned.map(|mut s| {
            let kept = std::mem::take(&mut s.kept);
            (s, kept)
        }))
        .map(Some)
    }

    /// Chain verification that also gives every checked line to `visit` (see
    /// [`crate::scan_visiting`]); refuses a log that fails any check.
    pub fn visit<V: Send>(&self, visit: &Visitor<'_, V>) -> Result<(Head, Vec<V>), LedgerError> {
        let scanned =
            scan_visiting(self.bytes()?, visit).map_err(io(&self.log.entries_path(), "read"))?;
        self.visited(scanned)
    }

    /// [`Snapshot::visit`] that hands each piece of what `visit` returned to `sink` as soon as
    /// its lines are checked, in log order, and keeps none (see [`Snapshot::project_each`]):
    /// for a reader that builds something of every line without holding them all. `sink` may
    /// stop the pass (`Break`); then `None` is returned.
    pub fn visit_each<V: Send>(
        &self,
        visit: &Visitor<'_, V>,
        sink: &mut dyn FnMut(Vec<V>) -> std::ops::ControlFlow<()>,
    ) -> Result<Option<Head>, LedgerError> {
        self.each(crate::scan::Visit::Lines(visit), sink)
    }

    /// [`Snapshot::visit`] of only the lines after the entry `head` names, whose line ends
    /// just before `offset`: that line is read and checked (shape and hash, and that it is
    /// the entry `head` names), the lines after it are checked as a whole pass checks them
    /// (shape, hash, link to it, and the head file at the end) and given to `visit`; the
    /// lines before it are not read. For a reader that knows them from elsewhere (a saved
    /// snapshot of them and the appends recorded since, as `reckon-index` keeps). `Ok(None)`
    /// when the line before `offset` is not that entry's; a problem after it refuses the log
    /// as [`Snapshot::visit`] does.
    pub fn visit_after<V: Send>(
        &self,
        head: Head,
        offset: u64,
        visit: &Visitor<'_, V>,
    ) -> Result<Option<(Head, Vec<V>)>, LedgerError> {
        let Some(from) = self.resume(head, offset)? else {
            return Ok(None);
        };
        let scanned = crate::scan::scan_from(
            self.bytes_from(offset),
            from,
            Keep::Nothing,
            Some(crate::scan::Visit::Lines(visit)),
            None,
            &mut false,
        )
        .map_err(io(&self.log.entries_path(), "read"))?;
        self.visited(scanned.map(|(s, v)| (s, v.into_vec())))
            .map(Some)
    }

    /// Where a pass after the entry `head` names starts, when its line ends just before
    /// `offset` (checked: shape, hash, number); `None` when it does not.
    fn resume(&self, head: Head, offset: u64) -> Result<Option<crate::scan::Resume>, LedgerError> {
        if head.seq == 0 {
            let start = Resume::START;
            return Ok((offset == 0 && head.hash == start.hash).then_some(start));
        }
        let Some(line) = self.line_ending_at(offset)? else {
            return Ok(None);
        };
        Ok(match crate::format::check(&line) {
            Ok(h) if h.seq == head.seq && h.hash == head.hash => Some(Resume {
                seq: h.seq,
                hash: h.hash,
                at: Some(h.at),
                offset,
            }),
            _ => None,
        })
    }

    /// The line (without its newline) whose newline is the byte before `offset`; `None` when
    /// that byte is not a newline.
    fn line_ending_at(&self, offset: u64) -> Result<Option<Vec<u8>>, LedgerError> {
        if offset == 0 || offset > self.len {
            return Ok(None);
        }
        crate::log::line_before(offset, |at, buf| self.pread(at, buf))
            .map_err(io(&self.log.entries_path(), "read"))
    }

    /// Every entry, decoded and checked as [`Snapshot::entries`] checks them, given to
    /// `project` one at a time (on all cores) with where its line is; returns what it returned,
    /// in log order. For readers that need a part of every entry (the reconciler's compact
    /// fold) and not a million decoded entries at once. Refuses a log that fails any check.
    pub fn project<V: Send>(
        &self,
        project: &Projector<'_, V>,
    ) -> Result<(Head, Vec<V>), LedgerError> {
        let scanned = scan_projecting(self.bytes()?, project)
            .map_err(io(&self.log.entries_path(), "read"))?;
        self.visited(scanned)
    }

    /// [`Snapshot::project`] that hands each piece of what `project` returned to `sink` as soon
    /// as its entries are checked, in log order, and keeps none: for a reader that writes every
    /// entry out (`reckon log`) without holding them all. Only the returned head says the whole
    /// log passed: the entries handed out before a problem are the checked ones before it.
    /// `sink` may stop the pass (`Break`: a reader whose output was closed); then `None` is
    /// returned, and nothing is said of the entries after the last piece handed out.
    pub fn project_each<V: Send>(
        &self,
        project: &Projector<'_, V>,
        sink: &mut dyn FnMut(Vec<V>) -> std::ops::ControlFlow<()>,
    ) -> Result<Option<Head>, LedgerError> {
        self.each(crate::scan::Visit::Entries(project), sink)
    }

    /// [`Snapshot::project`] with each entry decoded briefly (see [`crate::Brief`]): the same checks,
    /// with a claim's words borrowed from its line for `project` instead of copied into a whole
    /// decoded entry first. What `project` returned comes back in pieces ([`Projected`]).
    pub fn project_brief<V: Send>(
        &self,
        project: &BriefProjector<'_, V>,
    ) -> Result<(Head, Projected<V>), LedgerError> {
        let scanned =
            scan_briefly(self.bytes()?, project).map_err(io(&self.log.entries_path(), "read"))?;
        self.visited(scanned)
    }

    /// [`Snapshot::project_brief`] that hands each piece of what `project` returned to `sink`
    /// as soon as its entries are checked, in log order, and keeps none: for a reader that
    /// folds the first entries while later ones are read. Only the returned head says the
    /// whole log passed; on an error, what was handed out must be dropped.
    pub fn project_brief_each<V: Send>(
        &self,
        project: &BriefProjector<'_, V>,
        sink: &mut dyn FnMut(Vec<V>),
    ) -> Result<Head, LedgerError> {
        self.each_whole(crate::scan::Visit::Briefs(project), sink)
    }

    /// [`Snapshot::project_each`] with each entry decoded briefly (see [`crate::Brief`]): the
    /// same checks, a claim's words borrowed from its line for `project`; `sink` may stop the
    /// pass as there.
    pub fn project_brief_until<V: Send>(
        &self,
        project: &BriefProjector<'_, V>,
        sink: &mut dyn FnMut(Vec<V>) -> std::ops::ControlFlow<()>,
    ) -> Result<Option<Head>, LedgerError> {
        self.each(crate::scan::Visit::Briefs(project), sink)
    }

    /// [`Snapshot::project_each`] for a reader that takes every piece (it never stops the
    /// pass): the head, once the whole log passed.
    pub fn project_all<V: Send>(
        &self,
        project: &Projector<'_, V>,
        sink: &mut dyn FnMut(Vec<V>),
    ) -> Result<Head, LedgerError> {
        self.each_whole(crate::scan::Visit::Entries(project), sink)
    }

    /// [`Snapshot::visit_each`] for a reader that takes every piece (it never stops the
    /// pass): the head, once the whole log passed.
    pub fn visit_all<V: Send>(
        &self,
        visit: &Visitor<'_, V>,
        sink: &mut dyn FnMut(Vec<V>),
    ) -> Result<Head, LedgerError> {
        self.each_whole(crate::scan::Visit::Lines(visit), sink)
    }

    /// The pass of the readers that take every piece.
    fn each_whole<V: Send>(
        &self,
        visit: crate::scan::Visit<'_, V>,
        sink: &mut dyn FnMut(Vec<V>),
    ) -> Result<Head, LedgerError> {
        let mut all = |piece| {
            sink(piece);
            std::ops::ControlFlow::Continue(())
        };
        let head = self.each(visit, &mut all)?;
        // `all` never stops the pass; were it stopped, the log was not read to its end.
        head.ok_or_else(|| {
            io(&self.log.entries_path(), "read")(std::io::Error::other(
                "the pass stopped before the end of the log",
            ))
        })
    }

    /// The pass of [`Snapshot::project_each`] and [`Snapshot::project_brief_each`].
    fn each<V: Send>(
        &self,
        visit: crate::scan::Visit<'_, V>,
        sink: &mut dyn FnMut(Vec<V>) -> std::ops::ControlFlow<()>,
    ) -> Result<Option<Head>, LedgerError> {
        let scanned = crate::scan::scan_each(self.bytes()?, visit, sink)
            .map_err(io(&self.log.entries_path(), "read"))?;
        match scanned {
            Ok(None) => Ok(None),
            Ok(Some(s)) => self.visited(Ok((s, ()))).map(|(head, ())| Some(head)),
            Err(p) => self.visited::<()>(Err(p)).map(|(head, ())| Some(head)),
        }
    }

    fn visited<T>(&self, scanned: Result<(Scan, T), Problem>) -> Result<(Head, T), LedgerError> {
        let checked = scanned.and_then(|(s, v)| {
            self.log.check_head(&s)?;
            Ok((
                Head {
                    seq: s.entries,
                    hash: s.head,
                },
                v,
            ))
        });
        checked.map_err(|p| self.damaged(self.log.refine(&self.file, p)))
    }

    /// Every entry's hash (what the Merkle leaves are made of), after the chain checks;
    /// refuses a log that fails any of them.
    pub fn hashes(&self) -> Result<Vec<EntryHash>, LedgerError> {
        self.pass(Keep::Hashes)?
            .map(|s| s.hashes)
            .map_err(|p| self.damaged(p))
    }

    /// The log's declaration of itself (its origin and tree hash): the event of entry 1 when
    /// that is a `log` event, else `None` (a log made without `--origin`). Reads the first
    /// line only; the caller checks the chain in the same snapshot.
    pub fn declaration(&self) -> Result<Option<reckon_claim::LogDecl>, LedgerError> {
        // A `log` entry is short (an origin is at most 255 bytes): a first line longer than
        // this is some other event.
        const MOST: u64 = 4096;
        let mut first = vec![0u8; self.len.min(MOST) as usize];
        self.read_at(0, &mut first)?;
        let Some(end) = first.iter().position(|b| *b == b'\n') else {
            return Ok(None);
        };
        match crate::format::decode(&first[..end]) {
            Ok(Entry {
                event: reckon_claim::Event::Log(d),
                seq: 1,
                ..
            }) => Ok(Some(d)),
            Ok(_) => Ok(None),
            Err(problem) => Err(self.damaged(Problem::Line { line: 1, problem })),
        }
    }

    /// The claims at `wanted` (each entry's position, the span of its line and the hash a
    /// checked pass of this snapshot saw for it), read again: each line must hash to that
    /// hash and hold that position, so what comes back is exactly what the pass checked, and
    /// of each only its words are read ([`crate::format::decode_words`]), borrowed from the
    /// line. Lines near each other in the file are read together (`runs`), the runs read
    /// and the lines decoded on all cores; they live while `show` runs, which is given the
    /// words in the order asked. For output that prints the words of many claims after a lean
    /// pass, without a copy of each.
    pub fn words_at<R>(
        &self,
        wanted: &[(u64, Span, EntryHash)],
        show: impl FnOnce(&[reckon_claim::ClaimWords<'_>]) -> R,
    ) -> Result<R, LedgerError> {
        use rayon::prelude::*;
        let spans: Vec<Span> = wanted.iter().map(|w| w.1).collect();
        let (runs, at) = runs(&spans);
        // One buffer for every run, cut into each run's place and filled on all cores.
        let total: usize = runs.iter().map(|r| r.1).sum();
        let mut buf = vec![0u8; total];
        let mut places: Vec<(u64, &mut [u8])> = Vec::with_capacity(runs.len());
        let mut rest: &mut [u8] = &mut buf;
        for &(start, len) in &runs {
            let (run, after) = rest.split_at_mut(len);
            places.push((start, run));
            rest = after;
        }
        places
            .par_iter_mut()
            .try_for_each(|(start, run)| self.read_at(*start, run))?;
        let words = at
            .par_iter()
            .zip(wanted)
            .map(|(&from, &(seq, (_, len), hash))| {
                let line = &buf[from..from + len as usize];
                crate::format::decode_words(line, seq, &hash)
                    .map_err(|problem| self.damaged(Problem::Line { line: seq, problem }))
            })
            .collect::<Result<Vec<_>, LedgerError>>()?;
        Ok(show(&words))
    }

    /// Where entry `seq`'s line is, found by halving the file on the numbers its lines
    /// start with (a few dozen small positioned reads, whatever the log's size), nothing
    /// checked: a hint for a reader that then reads the entry in a checked way (through the
    /// saved index, which vouches for the file). `None` when no line numbered `seq` turns up,
    /// or a line does not start as the log writes one.
    pub fn find_line(&self, seq: u64) -> Result<Option<Span>, LedgerError> {
        // The line sought starts in [lo, hi): lines are numbered in file order.
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let Some(start) = self.line_start_from(mid, hi)? else {
                hi = mid;
                continue;
            };
            let Some(n) = self.seq_at(start)? else {
                return Ok(None);
            };
            match n.cmp(&seq) {
                std::cmp::Ordering::Equal => return self.line_span(start),
                std::cmp::Ordering::Less => lo = start + 1,
                // The first line at or after `mid` comes after it: it starts before `mid`.
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(None)
    }

    /// Where the first line that starts at or after `from`, and before `limit`, starts.
    fn line_start_from(&self, from: u64, limit: u64) -> Result<Option<u64>, LedgerError> {
        if from == 0 {
            return Ok(Some(0));
        }
        // A line starts after a newline: look from the byte before `from`.
        Ok(self
            .newline_from(from - 1, limit)?
            .map(|nl| nl + 1)
            .filter(|start| *start < limit))
    }

    /// Where the first newline at or after `at`, and before `limit`, is.
    fn newline_from(&self, mut at: u64, limit: u64) -> Result<Option<u64>, LedgerError> {
        let mut buf = [0u8; 4096];
        while at < limit {
            let n = (limit - at).min(buf.len() as u64) as usize;
            self.read_at(at, &mut buf[..n])?;
            if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
                return Ok(Some(at + i as u64));
            }
            at += n as u64;
        }
        Ok(None)
    }

    /// The number a line starting at `start` gives its entry (`HASH {"seq":N,`), if it
    /// starts that way.
    fn seq_at(&self, start: u64) -> Result<Option<u64>, LedgerError> {
        const LEAD: &[u8] = br#" {"seq":"#;
        let mut buf = [0u8; 64 + 8 + 21];
        let n = (self.len - start).min(buf.len() as u64) as usize;
        self.read_at(start, &mut buf[..n])?;
        let Some(rest) = buf[..n]
            .get(64..)
            .and_then(|after_hash| after_hash.strip_prefix(LEAD))
        else {
            return Ok(None);
        };
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        Ok(std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|d| d.parse().ok()))
    }

    /// The span of the line starting at `start`: up to its newline (`None` without one).
    fn line_span(&self, start: u64) -> Result<Option<Span>, LedgerError> {
        Ok(self
            .newline_from(start, self.len)?
            .and_then(|nl| u32::try_from(nl - start).ok())
            .map(|len| (start, len)))
    }

    /// The line at `span` (from [`Snapshot::entries_with_spans`]), checked to start with
    /// `hash`: for a proof bundle, which carries the line as stored.
    pub fn line(&self, span: Span, hash: &EntryHash) -> Result<Vec<u8>, LedgerError> {
        let mut line = vec![0u8; span.1 as usize];
        self.read_at(span.0, &mut line)?;
        if line.get(..64) != Some(hash.to_hex().as_bytes()) {
            return Err(self.damaged(Problem::Moved { offset: span.0 }));
        }
        Ok(line)
    }
}

/// How [`Snapshot::words_at`] reads `spans`: runs of the file, each read with one positioned
/// read (start, length, back to back in one buffer), and where each span's line begins in that
/// buffer, in the order given. Lines close together (a whole log's claims, a batch of
/// subjects' claims sorted by place) share a run instead of a read each: a run takes in the
/// bytes between its lines only while they are no more than the lines' own, so a run never
/// reads more than twice what it holds, and it ends at [`RUN`] bytes so that runs are read on
/// all cores.
fn runs(spans: &[Span]) -> (Vec<(u64, usize)>, Vec<usize>) {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_unstable_by_key(|&k| spans[k].0);
    let mut runs: Vec<(u64, usize)> = Vec::new();
    let mut at = vec![0usize; spans.len()];
    // The open run: where it starts and ends in the file, the bytes of its lines, and where
    // it begins in the buffer.
    let mut open: Option<(u64, u64, u64, usize)> = None;
    let mut base = 0usize;
    for k in order {
        let (offset, len) = spans[k];
        let end = offset.saturating_add(u64::from(len));
        open = match open {
            Some((start, stop, held, from))
                if end.max(stop) - start <= RUN
                    && (end.max(stop) - start).saturating_sub(held + u64::from(len))
                        <= held + u64::from(len) =>
            {
                at[k] = from + (offset - start) as usize;
                Some((start, stop.max(end), held + u64::from(len), from))
            }
            closed => {
                if let Some((start, stop, _, _)) = closed {
                    runs.push((start, (stop - start) as usize));
                    base += (stop - start) as usize;
                }
                at[k] = base;
                Some((offset, end, u64::from(len), base))
            }
        };
    }
    if let Some((start, stop, _, _)) = open {
        runs.push((start, (stop - start) as usize));
    }
    (runs, at)
}

/// The most bytes one read of [`runs`] takes in (a longer line is read alone, whole).
const RUN: u64 = 1 << 20;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{Log, Progress};
    use std::sync::{Arc, Mutex};

    /// Imports `n` claims of one subject into `log`.
    fn import_claims(log: &Log, n: usize) {
        let input: String = (0..n)
            .map(|i| {
                format!(
                    r#"{{"subject": "a/b", "value": "{i}", "said_on": "2025", "speaker": "X{i}"}}"#
                ) + "\n"
            })
            .collect();
        crate::import(log, "in", input.as_bytes()).unwrap();
    }

    /// Halving the file finds every entry's line where a whole pass says it is, for lines
    /// shorter and longer than one read, and no line for a number the log does not have.
    #[test]
    fn every_line_is_found_by_its_number_and_no_other() {
        let dir = std::env::temp_dir().join(format!("reckon-findline-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = Log::at(&dir);
        log.init().unwrap();
        let input: String = (0..300)
            .map(|i| {
                // Every seventh line longer than the 4 KiB a read takes.
                let quote = "q".repeat(if i % 7 == 3 { 5_000 + i } else { 1 + i % 13 });
                format!(
                    r#"{{"subject": "a/b", "value": "{i}", "said_on": "2025", "speaker": "X", "quote": "{quote}"}}"#
                ) + "\n"
            })
            .collect();
        crate::import(&log, "in", input.as_bytes()).unwrap();
        let snap = log.snapshot().unwrap();
        let (entries, spans) = snap.entries_with_spans().unwrap();
        assert_eq!(entries.len(), 300);
        for (e, span) in entries.iter().zip(&spans) {
            assert_eq!(snap.find_line(e.seq).unwrap(), Some(*span), "#{}", e.seq);
        }
        for missing in [0, 301, 302, 10_000, u64::MAX] {
            assert_eq!(snap.find_line(missing).unwrap(), None, "#{missing}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_whole_read_tells_its_progress_and_ends_at_the_total() {
        let dir = std::env::temp_dir().join(format!("reckon-progress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let told: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
        let seen = Arc::clone(&told);
        let log = Log::at(&dir).reporting(Progress(Arc::new(move |read, total| {
            seen.lock().unwrap().push((read, total));
        })));
        log.init().unwrap();
        import_claims(&log, 50_000);
        let snap = log.snapshot().unwrap();
        snap.verify().unwrap().unwrap();
        let told = told.lock().unwrap();
        let len = snap.len();
        assert!(told.len() >= 2, "{told:?}");
        assert_eq!(told.last(), Some(&(len, len)));
        assert!(told.windows(2).all(|w| w[0].0 < w[1].0));
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest::proptest! {
        /// However the spans asked for lie (in any order, near or far apart, repeated or
        /// overlapping), the runs read hold each span's bytes where `at` says, never read
        /// more than twice the bytes asked for (but for one span longer than a run), and end
        /// at a run's length unless a single span is longer.
        #[test]
        fn runs_hold_every_span_where_they_say(
            spans in proptest::collection::vec((0u64..200_000, 1u32..3_000), 0..300),
        ) {
            let (runs, at) = super::runs(&spans);
            proptest::prop_assert_eq!(at.len(), spans.len());
            // Each run's place in the buffer.
            let mut bases = Vec::with_capacity(runs.len());
            let mut base = 0usize;
            for &(_, len) in &runs {
                bases.push(base);
                base += len;
            }
            for (k, &(offset, len)) in spans.iter().enumerate() {
                let r = bases.iter().rposition(|&b| b <= at[k]).unwrap();
                let (start, run_len) = runs[r];
                proptest::prop_assert!(start <= offset);
                proptest::prop_assert_eq!(at[k] - bases[r], (offset - start) as usize);
                proptest::prop_assert!(offset + u64::from(len) <= start + run_len as u64);
            }
            let asked: u64 = spans.iter().map(|s| u64::from(s.1)).sum();
            proptest::prop_assert!(base as u64 <= 2 * asked);
            for &(_, len) in &runs {
                proptest::prop_assert!(
                    len as u64 <= super::RUN || spans.iter().any(|s| u64::from(s.1) == len as u64)
                );
            }
            // Runs do not overlap one another in the file: no byte is read twice.
            let mut sorted = runs.clone();
            sorted.sort_unstable();
            proptest::prop_assert!(sorted.windows(2).all(|w| w[0].0 + w[0].1 as u64 <= w[1].0));
        }
    }

    /// A whole log's claims, asked for in log order, are read in a few runs, not a read
    /// each; far-apart lines are read alone.
    #[test]
    fn lines_close_together_are_read_together() {
        let spans: Vec<super::Span> = (0..1000u64).map(|k| (k * 601, 600)).collect();
        let (runs, _) = super::runs(&spans);
        assert_eq!(runs.len(), 1, "{runs:?}");
        let apart: Vec<super::Span> = (0..10u64).map(|k| (k * 10_000, 600)).collect();
        assert_eq!(super::runs(&apart).0.len(), 10);
    }

    /// Entries read again by span come back as the pass saw them, in the order asked; a span
    /// of another entry, or a hash the pass did not see, is refused (read whole, for its words,
    /// or as a line for a proof bundle).
    #[test]
    fn entries_read_again_by_span_are_the_entries_the_pass_checked() {
        let dir = std::env::temp_dir().join(format!("reckon-again-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = Log::at(&dir);
        log.init().unwrap();
        import_claims(&log, 40);
        let snap = log.snapshot().unwrap();
        let (entries, spans) = snap.entries_with_spans().unwrap();
        let wanted: Vec<_> = [7usize, 0, 39]
            .iter()
            .map(|&k| (entries[k].seq, spans[k], entries[k].hash))
            .collect();
        // Entry 9's position and hash with entry 8's line: not what the pass saw there.
        let wrong = [(entries[8].seq, spans[7], entries[8].hash)];
        let forged = [(entries[7].seq, spans[7], entries[8].hash)];
        // The entries asked for, in the order asked; the two above refused.
        let seen = snap
            .words_at(&wanted, |words| {
                let owned =
                    |w: &reckon_claim::ClaimWords<'_>| w.speaker.as_deref().map(str::to_owned);
                words.iter().map(owned).collect::<Vec<_>>()
            })
            .unwrap();
        let expected: Vec<_> = [7usize, 0, 39]
            .iter()
            .map(|&k| match &entries[k].event {
                reckon_claim::Event::Claim(c) => c.speaker.clone(),
                _ => unreachable!("every entry is a claim"),
            })
            .collect();
        assert_eq!(seen, expected);
        assert!(snap.words_at(&wrong, |_| ()).is_err());
        // A line asked for by its place and another entry's hash: told as what it is.
        assert_eq!(
            snap.line(spans[7], &entries[7].hash).unwrap().len(),
            spans[7].1 as usize
        );
        let err = snap
            .line(spans[7], &entries[8].hash)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("the line at byte {} is not the entry", spans[7].0))
                && !err.contains("head file"),
            "{err}"
        );
        let err = snap.words_at(&forged, |_| ()).unwrap_err().to_string();
        assert!(
            err.contains("not the one this read checked before")
                && err.matches("unparsable entry").count() == 1,
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
