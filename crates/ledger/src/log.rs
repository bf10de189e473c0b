//! A log directory: opening, reading, appending under a lock, and repairing a torn tail.

use crate::error::{LedgerError, Problem, io};
use crate::format::{self, Entry, GENESIS};
use crate::fsx::{self, LockFailure, LockWait};
use crate::scan::Scan;
use crate::snapshot::Snapshot;
use crate::tx::Tx;
use reckon_claim::{EntryHash, Timestamp};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Name of the entries file inside a log directory.
pub const ENTRIES: &str = "entries.jsonl";
/// Name of the head file inside a log directory.
pub const HEAD: &str = "head";

/// A log directory.
#[derive(Clone, Debug)]
pub struct Log {
    dir: PathBuf,
    wait: LockWait,
    pub(crate) progress: Option<Progress>,
    appended: Option<OnAppend>,
}

/// What one committed append did to the entries file: its stamp and head before the new
/// lines were written and after they were synced and the head file moved, both taken under
/// the append's exclusive lock. The new lines start at `before.len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The entries file as it was when the lock was taken.
    pub before: Stamp,
    /// The committed head then.
    pub from: Head,
    /// The entries file once the new lines were synced.
    pub after: Stamp,
    /// The committed head now.
    pub to: Head,
}

/// Told of every append that committed at least one entry, while its lock is still held (so
/// that appends are told in the order they happened): for a cache of what was read of the
/// log before (see `reckon-index`), which may then read only the lines appended since. A
/// failure in it must not fail the append: it is only told.
#[derive(Clone)]
pub struct OnAppend(pub std::sync::Arc<Told>);

/// What [`OnAppend`] calls: the log and what the append did.
pub type Told = dyn Fn(&Log, &Appended) + Send + Sync;

impl std::fmt::Debug for OnAppend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnAppend")
    }
}

/// Told, as a whole read of the entries file goes on, how many bytes it has read and how many
/// there are: for a progress bar on a terminal. Called from the reading thread, at most once
/// every few megabytes and once at the end.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// The end of the chain: how many entries, and the last one's hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Number of entries.
    pub seq: u64,
    /// Hash of the last entry, or the genesis value.
    pub hash: EntryHash,
}

impl Head {
    /// The head after `entries` (a whole log, in order): its last entry, or the empty head.
    pub fn after(entries: &[Entry]) -> Head {
        entries.last().map_or(
            Head {
                seq: 0,
                hash: GENESIS,
            },
            |e| Head {
                seq: e.seq,
                hash: e.hash,
            },
        )
    }

    fn text(&self) -> String {
        format!("{} {}\n", self.seq, self.hash)
    }

    fn parse(s: &str) -> Option<Head> {
        let (seq, hash) = s.strip_suffix('\n')?.split_once(' ')?;
        // Decimal digits without leading zeros (`0` alone for an empty log): no sign, no
        // padding, as the format specifies.
        let canonical = !seq.is_empty()
            && seq.bytes().all(|b| b.is_ascii_digit())
            && (seq == "0" || !seq.starts_with('0'));
        if !canonical {
            return None;
        }
        let seq: u64 = seq.parse().ok()?;
        Some(Head {
            seq,
            hash: EntryHash::from_hex(hash)?,
        })
    }
}

/// The identity and last-change times of an entries file, as the file system keeps them. Any
/// write to the file, and any replacement of it, changes the stamp: the change time (`ctime`)
/// is set by the kernel on every write and cannot be set back by a user. A cache bound to a
/// stamp is therefore known to describe the bytes it was made from, without reading them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Device and inode: which file.
    pub file: (u64, u64),
    /// Length in bytes.
    pub len: u64,
    /// Last modification, nanoseconds since 1970.
    pub modified: i128,
    /// Last status change, nanoseconds since 1970.
    pub changed: i128,
}

impl Stamp {
    #[cfg(unix)]
    pub(crate) fn of(f: &File) -> std::io::Result<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = f.metadata()?;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Ok(Stamp {
            file: (m.dev(), m.ino()),
            len: m.len(),
            modified: ns(m.mtime(), m.mtime_nsec()),
            changed: ns(m.ctime(), m.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    pub(crate) fn of(_: &File) -> std::io::Result<Stamp> {
        Err(std::io::Error::other("file stamps need a Unix file system"))
    }

    /// Whether a write made now could leave the stamp as it is: the file changed so recently
    /// that the file system's clock may not have moved on since. File systems that keep whole
    /// seconds (both times without nanoseconds) get two seconds, others a tenth of one.
    pub fn racy(&self, now_ns: i128) -> bool {
        let coarse = self.changed % 1_000_000_000 == 0 && self.modified % 1_000_000_000 == 0;
        let window = if coarse { 2_000_000_000 } else { 100_000_000 };
        now_ns - self.changed.max(self.modified) < window
    }

    /// The stamp as 56 bytes (little-endian), for a cache file.
    pub fn to_bytes(&self) -> [u8; 56] {
        let mut b = [0u8; 56];
        b[..8].copy_from_slice(&self.file.0.to_le_bytes());
        b[8..16].copy_from_slice(&self.file.1.to_le_bytes());
        b[16..24].copy_from_slice(&self.len.to_le_bytes());
        b[24..40].copy_from_slice(&self.changed.to_le_bytes());
        b[40..56].copy_from_slice(&self.modified.to_le_bytes());
        b
    }

    /// Reads what [`Stamp::to_bytes`] wrote.
    pub fn from_bytes(b: &[u8; 56]) -> Stamp {
        let u = |r: std::ops::Range<usize>| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[r]);
            u64::from_le_bytes(x)
        };
        let i = |r: std::ops::Range<usize>| {
            let mut x = [0u8; 16];
            x.copy_from_slice(&b[r]);
            i128::from_le_bytes(x)
        };
        Stamp {
            file: (u(0..8), u(8..16)),
            len: u(16..24),
            changed: i(24..40),
            modified: i(40..56),
        }
    }
}

/// What `repair` would do or did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repair {
    /// Nothing to do.
    Clean,
    /// Remove what an interrupted append left after the last committed entry: an incomplete
    /// last line, and any complete lines the head file does not name (the head file is the
    /// commit point, so an append cut short is not half kept).
    RemoveTail {
        /// Line number of the first line removed.
        line: u64,
        /// The bytes removed.
        bytes: Vec<u8>,
    },
    /// Remove temporary files that writes stopped before their rename left in the log
    /// directory (`.head.tmp-…`; never read, but clutter in an audited directory).
    RemoveTemporaries {
        /// The files.
        files: Vec<PathBuf>,
    },
    /// Write a missing or unreadable head file for the last entry of an intact chain, or (when
    /// asked) a head file that names the last entry of the intact chain when complete lines
    /// follow the one it names.
    AdvanceHead {
        /// The head before.
        from: Option<Head>,
        /// The head after.
        to: Head,
    },
}

/// The time to stamp new entries with: `SOURCE_DATE_EPOCH` when set, else the clock.
pub fn recording_time() -> Result<Timestamp, LedgerError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| (-62_135_596_800..=253_402_300_799).contains(s))
            .map(Timestamp::from_unix)
            .ok_or(LedgerError::BadSourceDateEpoch(v)),
        Err(_) => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(Timestamp::from_unix(i64::try_from(secs).unwrap_or(0)))
        }
    }
}

fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    fsx::sync_dir(dir).map_err(io(dir, "sync the directory"))
}

impl Log {
    /// The log in `dir` (not checked until used).
    pub fn at(dir: impl Into<PathBuf>) -> Log {
        Log {
            dir: dir.into(),
            wait: LockWait::default(),
            progress: None,
            appended: None,
        }
    }

    /// The same log, telling `told` of every append that commits (see [`OnAppend`]).
    pub fn telling(mut self, told: OnAppend) -> Log {
        self.appended = Some(told);
        self
    }

    /// The same log, telling `progress` how each whole read of it goes.
    pub fn reporting(mut self, progress: Progress) -> Log {
        self.progress = Some(progress);
        self
    }

    /// The same log, waiting for a lock held by another process as `wait` says (by default
    /// as long as it takes, silently).
    pub fn waiting(mut self, wait: LockWait) -> Log {
        self.wait = wait;
        self
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entries file.
    pub fn entries_path(&self) -> PathBuf {
        self.dir.join(ENTRIES)
    }

    /// The head file.
    pub fn head_path(&self) -> PathBuf {
        self.dir.join(HEAD)
    }

    /// Creates an empty log; fails if one is there. The head file is written under the
    /// append lock, and only if no append got there first, so a writer racing `init` never
    /// has its committed entries disowned.
    pub fn init(&self) -> Result<(), LedgerError> {
        fs::create_dir_all(&self.dir).map_err(io(&self.dir, "create the directory"))?;
        let path = self.entries_path();
        let f = match OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(LedgerError::AlreadyExists(self.dir.clone()));
            }
            Err(e) => return Err(io(&path, "create")(e)),
        };
        self.init_created(&f)
    }

    /// The second half of `init`, once it has created the entries file: another writer may
    /// already have appended to it.
    fn init_created(&self, f: &File) -> Result<(), LedgerError> {
        let path = self.entries_path();
        self.lock(f, true)?;
        f.sync_all().map_err(io(&path, "sync"))?;
        let empty = f.metadata().map_err(io(&path, "read"))?.len() == 0;
        let headless = matches!(self.read_head(), Ok(None));
        if empty && headless {
            self.write_head(Head {
                seq: 0,
                hash: GENESIS,
            })?;
        }
        sync_dir(&self.dir)
    }

    fn lock(&self, f: &File, exclusive: bool) -> Result<(), LedgerError> {
        let path = self.entries_path();
        fsx::lock(f, &path, exclusive, self.wait).map_err(|e| match e {
            LockFailure::Io(e) => io(&path, "lock")(e),
            LockFailure::TimedOut { waited, holder } => LedgerError::LockTimeout {
                path: path.clone(),
                waited,
                holder,
            },
        })
    }

    fn open(&self, write: bool) -> Result<File, LedgerError> {
        let path = self.entries_path();
        let f =
            fsx::open_regular(&path, OpenOptions::new().read(true).append(write)).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    LedgerError::NoLog(self.dir.clone())
                } else {
                    io(&path, "open")(e)
                }
            })?;
        self.lock(&f, write)?;
        Ok(f)
    }

    /// Reads the head file: `None` when it is missing.
    pub fn read_head(&self) -> Result<Option<Head>, Problem> {
        let path = self.head_path();
        let read = fsx::open_regular(&path, OpenOptions::new().read(true)).and_then(|f| {
            let mut s = String::new();
            // A head file is under 100 bytes; more is not a head file.
            f.take(128).read_to_string(&mut s).map(|_| s)
        });
        match read {
            Ok(s) => Head::parse(&s).map(Some).ok_or_else(|| {
                Problem::HeadUnreadable(format!(
                    "{} is not `SEQ HASH` followed by a newline",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Problem::HeadUnreadable(format!("{}: {e}", path.display()))),
        }
    }

    /// Replaces the head file; `Ok(true)` when it is in place, an error saying whether it
    /// was replaced otherwise (only syncing the directory can fail after the rename).
    fn write_head(&self, head: Head) -> Result<(), LedgerError> {
        fsx::write_atomically(&self.head_path(), head.text().as_bytes()).map_err(LedgerError::from)
    }

    /// Bytes `from..to` of the entries file (a tail an interrupted append left, which is
    /// never more than one append wrote).
    fn read_range(&self, mut f: &File, from: u64, to: u64) -> Result<Vec<u8>, LedgerError> {
        let path = self.entries_path();
        f.seek(SeekFrom::Start(from)).map_err(io(&path, "seek"))?;
        let mut bytes = Vec::new();
        f.take(to.saturating_sub(from))
            .read_to_end(&mut bytes)
            .map_err(io(&path, "read"))?;
        Ok(bytes)
    }

    /// Checks every line of the entries file's first `upto` bytes a piece at a time (never
    /// holding them), as `verify` does; with the end (just past its newline) and hash of
    /// line `at` when there is such a line.
    #[allow(clippy::type_complexity)] // the scan and the line's place, or the problem
    fn scan_upto(
        &self,
        mut f: &File,
        upto: u64,
        at: Option<u64>,
    ) -> Result<Result<(Scan, Option<(u64, EntryHash)>), Problem>, LedgerError> {
        let path = self.entries_path();
        f.seek(SeekFrom::Start(0)).map_err(io(&path, "seek"))?;
        let mark = |h: &format::Header<'_>, _: &[u8], (offset, len): (u64, u32)| {
            (Some(h.seq) == at).then(|| (offset + u64::from(len) + 1, h.hash))
        };
        let mut found = None;
        let mut sink = |piece: Vec<Option<(u64, EntryHash)>>| {
            if let Some(place) = piece.into_iter().flatten().next() {
                found = Some(place);
            }
            std::ops::ControlFlow::Continue(())
        };
        let scanned =
            crate::scan::scan_each(f.take(upto), crate::scan::Visit::Lines(&mark), &mut sink)
                .map_err(io(&path, "read"))?;
        Ok(match scanned {
            // A pass that is never stopped ends with its scan.
            Ok(Some(s)) => Ok((s, found)),
            Ok(None) => Err(Problem::HeadUnreadable(
                "the check of the log stopped".into(),
            )),
            Err(p) => Err(p),
        })
    }

    /// Where the complete lines of the file's first `len` bytes end: just past the last
    /// newline, or 0 when there is none. Reads backwards a piece at a time.
    fn complete_end(&self, mut f: &File, len: u64) -> Result<u64, LedgerError> {
        const STEP: u64 = 64 * 1024;
        let path = self.entries_path();
        let mut upto = len;
        let mut piece = Vec::new();
        while upto > 0 {
            let start = upto.saturating_sub(STEP);
            piece.resize(usize::try_from(upto - start).unwrap_or(0), 0);
            f.seek(SeekFrom::Start(start)).map_err(io(&path, "seek"))?;
            f.read_exact(&mut piece).map_err(io(&path, "read"))?;
            if let Some(p) = memchr::memrchr(b'\n', &piece) {
                return Ok(start + p as u64 + 1);
            }
            upto = start;
        }
        Ok(0)
    }

    /// Compares a clean scan's end with the head file.
    pub(crate) fn check_head(&self, s: &Scan) -> Result<(), Problem> {
        let head = match self.read_head()? {
            Some(h) => h,
            None if s.entries == 0 => return Ok(()),
            None => {
                return Err(Problem::HeadUnreadable(format!(
                    "{} is missing although the log has {} entries",
                    self.head_path().display(),
                    s.entries
                )));
            }
        };
        if head.seq > s.entries {
            return Err(Problem::Truncated {
                head_seq: head.seq,
                entries: s.entries,
            });
        }
        if head.seq < s.entries {
            return Err(Problem::HeadBehind {
                head_seq: head.seq,
                entries: s.entries,
            });
        }
        if head.hash != s.head {
            return Err(Problem::HeadHashMismatch {
                seq: head.seq,
                head: head.hash,
                entry: s.head,
            });
        }
        Ok(())
    }

    /// Checks the whole log: every line, every link, and the head file.
    pub fn verify(&self) -> Result<Result<Head, Problem>, LedgerError> {
        self.snapshot()?.verify()
    }

    /// Takes a [`Snapshot`]: the log held still under a shared lock for as long as it lives.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, LedgerError> {
        let file = self.open(false)?;
        let len = file
            .metadata()
            .map_err(io(&self.entries_path(), "read the status of"))?
            .len();
        Ok(Snapshot {
            log: self,
            file,
            len,
        })
    }

    /// Makes what an interrupted append left say what repair will do about it: a torn tail
    /// after complete uncommitted lines names them all, bytes that are not an entry and lines
    /// from more than one append say that repair will not remove them. Other problems, and
    /// any failure to read again, are returned as they were.
    pub(crate) fn refine(&self, f: &File, p: Problem) -> Problem {
        if !matches!(p, Problem::TornTail { .. } | Problem::HeadBehind { .. }) {
            return p;
        }
        let Ok(plan) = self.plan(f, false) else {
            return p;
        };
        match (plan, &p) {
            (Err(Problem::Truncated { .. }), Problem::TornTail { line, bytes }) => {
                Problem::TornCommitted {
                    line: *line,
                    bytes: *bytes,
                }
            }
            (Err(other), _) => other,
            (Ok(Repair::RemoveTail { line, bytes: tail }), _) => {
                let complete = memchr::memchr_iter(b'\n', &tail).count() as u64;
                let torn = tail.len() - memchr::memrchr(b'\n', &tail).map_or(0, |i| i + 1);
                if complete > 0 && torn > 0 {
                    Problem::Unfinished {
                        line,
                        complete,
                        torn: torn as u64,
                    }
                } else {
                    p
                }
            }
            (Ok(_), _) => p,
        }
    }

    /// Reads every entry, refusing a log that fails any check.
    pub fn entries(&self) -> Result<Vec<Entry>, LedgerError> {
        self.snapshot()?.entries()
    }

    /// Reads the last line and checks it against the head file: enough to append safely
    /// without reading the whole log.
    pub(crate) fn tail_head(&self, f: &File) -> Result<(Head, u64), LedgerError> {
        self.tail(f).map(|(h, len, _)| (h, len))
    }

    /// [`Log::tail_head`], with the last entry's recorded time (`None` for an empty log).
    fn tail(&self, mut f: &File) -> Result<(Head, u64, Option<Timestamp>), LedgerError> {
        let path = self.entries_path();
        let damaged = |problem| LedgerError::Damaged {
            path: path.clone(),
            problem,
        };
        let len = f.seek(SeekFrom::End(0)).map_err(io(&path, "seek"))?;
        let head = self.read_head().map_err(damaged)?;
        if len == 0 {
            return match head {
                Some(h) if h.seq > 0 => Err(damaged(Problem::Truncated {
                    head_seq: h.seq,
                    entries: 0,
                })),
                _ => Ok((
                    Head {
                        seq: 0,
                        hash: GENESIS,
                    },
                    0,
                    None,
                )),
            };
        }
        let Some(last) = last_line(f, len).map_err(io(&path, "read"))? else {
            // A torn tail: let a full scan say exactly where.
            return Err(match self.scan_upto(f, len, None)?.map(|(s, _)| s) {
                Err(p) => damaged(self.refine(f, p)),
                Ok(_) => damaged(Problem::HeadUnreadable(
                    "the log does not end with a newline".into(),
                )),
            });
        };
        let h = match format::decode_header(&last) {
            Ok(h) => h,
            Err(problem) => {
                return Err(match self.scan_upto(f, len, None)?.map(|(s, _)| s) {
                    Err(p) => damaged(p),
                    Ok(s) => damaged(Problem::Line {
                        line: s.entries,
                        problem,
                    }),
                });
            }
        };
        let found = Head {
            seq: h.seq,
            hash: h.hash,
        };
        if found.seq == u64::MAX {
            return Err(damaged(Problem::HeadUnreadable(
                "the last entry's sequence number leaves no room for another".into(),
            )));
        }
        let s = Scan {
            entries: h.seq,
            head: h.hash,
            kept: Vec::new(),
            hashes: Vec::new(),
            spans: Vec::new(),
        };
        match head {
            Some(hd) if hd == found => Ok((found, len, Some(h.at))),
            _ => Err(damaged(self.check_head(&s).err().unwrap_or(
                Problem::HeadUnreadable("the head file does not match the last entry".into()),
            ))),
        }
    }

    /// The committed head and the entries file's length, checked the way an append checks
    /// them (the last line against the head file), without reading the whole log.
    pub fn committed(&self) -> Result<(Head, u64), LedgerError> {
        let f = self.open(false)?;
        self.tail_head(&f)
    }

    /// Appends what `build` pushes, all or nothing, under an exclusive lock; returns the new
    /// head and what `build` returned. When `build`, a write, the sync or the head file fails,
    /// the entries file is cut back to its old length and the head is not moved; if even the
    /// cut-back fails, the error says so (the lines left are uncommitted, and `reckon repair`
    /// removes them).
    pub fn append<T, E: From<LedgerError>>(
        &self,
        build: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(Head, T), E> {
        let (f, at, head, len) = self.begin()?;
        let path = self.entries_path();
        let before = Stamp::of(&f).ok();
        let mut tx = Tx::new(self, &f, len, head, at);
        let built = build(&mut tx);
        let outcome: Result<(Head, T), E> = match built {
            Err(e) => Err(e),
            Ok(out) => match tx.finish() {
                Err(e) => Err(io(&path, "append to")(e).into()),
                Ok(new_head) if new_head == head => return Ok((head, out)),
                Ok(new_head) => match f.sync_data() {
                    Err(e) => Err(io(&path, "sync")(e).into()),
                    Ok(()) => {
                        match fsx::write_atomically(&self.head_path(), new_head.text().as_bytes()) {
                            // The rename happened: the append is committed even if the
                            // directory could not be synced.
                            Err(e) if !e.replaced => Err(LedgerError::from(e).into()),
                            _ => {
                                self.tell(&f, before.filter(|b| b.len == len), head, new_head);
                                return Ok((new_head, out));
                            }
                        }
                    }
                },
            },
        };
        // Whatever was written after the old end is ours (we hold the exclusive lock).
        let cut = f.metadata().and_then(|m| {
            if m.len() > len {
                f.set_len(len)?;
                f.sync_data()?;
            }
            Ok(())
        });
        match cut {
            Ok(()) => outcome,
            Err(e) => {
                let _ = outcome;
                Err(LedgerError::NotCutBack {
                    path,
                    len,
                    source: e,
                }
                .into())
            }
        }
    }

    /// Tells [`OnAppend`] of a committed append (under its lock, `f` still held), when the
    /// file's stamp before it is known (and ended where the new lines start) and after it can
    /// be read.
    fn tell(&self, f: &File, before: Option<Stamp>, from: Head, to: Head) {
        let (Some(told), Some(before)) = (&self.appended, before) else {
            return;
        };
        if let Ok(after) = Stamp::of(f) {
            (told.0)(
                self,
                &Appended {
                    before,
                    from,
                    after,
                    to,
                },
            );
        }
    }

    /// What an append starts from: the entries file under the exclusive lock, the recording
    /// time, the head and the file's length.
    fn begin(&self) -> Result<(File, Timestamp, Head, u64), LedgerError> {
        let f = self.open(true)?;
        // The time is read under the lock: a writer that waited for it records a time no
        // earlier than the entries written while it waited.
        let at = recording_time()?;
        let (head, len, last) = self.tail(&f)?;
        if let Some(last) = last
            && at < last
        {
            return Err(LedgerError::ClockBehind { last, now: at });
        }
        Ok((f, at, head, len))
    }

    /// Runs `build` as [`Log::append`] would, under the same lock and against the same log,
    /// but writes nothing: returns the head the append would reach, what `build` returned, and
    /// the exact lines it would have appended (each ending in LF). The recording time in them
    /// is now's; a real append later records its own.
    pub fn rehearse<T, E: From<LedgerError>>(
        &self,
        build: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(Head, T, Vec<u8>), E> {
        let (f, at, head, len) = self.begin()?;
        let mut tx = Tx::new(self, &f, len, head, at).rehearsing();
        let out = build(&mut tx)?;
        let (head, lines) = tx.finish_rehearsal();
        Ok((head, out, lines))
    }

    /// Reads and checks every entry of the first `committed_len` bytes while the caller holds
    /// the append lock (for references), handing each checked piece of what `visit` made of
    /// its entries to `each` in log order and keeping none: an append that names an earlier
    /// entry holds what it learns of each, never the decoded log (a retraction on a log of a
    /// million claims took 2.1 GB when it did).
    pub(crate) fn each_locked<V: Send>(
        &self,
        committed_len: u64,
        visit: crate::scan::Visit<'_, V>,
        each: &mut dyn FnMut(Vec<V>),
    ) -> Result<(), LedgerError> {
        let f = fsx::open_regular(&self.entries_path(), OpenOptions::new().read(true))
            .map_err(io(&self.entries_path(), "open"))?;
        let mut sink = |piece: Vec<V>| {
            each(piece);
            std::ops::ControlFlow::Continue(())
        };
        let scanned = crate::scan::scan_each(
            std::io::BufReader::new(f.take(committed_len)),
            visit,
            &mut sink,
        )
        .map_err(io(&self.entries_path(), "read"))?;
        match scanned {
            Ok(_) => Ok(()),
            Err(problem) => Err(LedgerError::Damaged {
                path: self.entries_path(),
                problem,
            }),
        }
    }

    /// Works out what `repair` would do, without changing anything.
    pub fn plan_repair(&self, commit_tail: bool) -> Result<Result<Repair, Problem>, LedgerError> {
        let f = self.open(false)?;
        self.plan(&f, commit_tail)
    }

    /// Works out one repair step. `commit_tail` asks for complete lines after the head to be
    /// committed (the head moved to the end of the intact chain) instead of removed. The
    /// complete lines are checked a piece at a time as `verify` checks them; only what
    /// follows the committed lines (what one append left) is read into memory.
    fn plan(&self, f: &File, commit_tail: bool) -> Result<Result<Repair, Problem>, LedgerError> {
        let len = f
            .metadata()
            .map_err(io(&self.entries_path(), "read the status of"))?
            .len();
        let complete = self.complete_end(f, len)?;
        // The head file is read first (a pass over the lines learns where its line ends), but
        // what is wrong with it is said only after what is wrong with the lines, as before.
        let head = match self.read_head() {
            Ok(h) => Ok(h),
            Err(Problem::HeadUnreadable(_)) => Ok(None),
            Err(p) => Err(p),
        };
        let at = head.as_ref().ok().copied().flatten().map(|h| h.seq);
        // Every complete line must be sound; only what follows may be an interrupted append.
        let (s, line) = match self.scan_upto(f, complete, at)? {
            Ok(scanned) => scanned,
            Err(p) => return Ok(Err(p)),
        };
        let torn = self.read_range(f, complete, len)?;
        let next = s.entries.saturating_add(1);
        if !torn.is_empty() && !format::could_start_entry(&torn, next) {
            return Ok(Err(Problem::ForeignTail {
                line: next,
                bytes: torn.len() as u64,
                keep: complete,
            }));
        }
        let chain_end = Head {
            seq: s.entries,
            hash: s.head,
        };
        let head = match head {
            Ok(h) => h,
            Err(p) => return Ok(Err(p)),
        };
        let Some(head) = head else {
            // With no readable head file nothing says which lines were committed, so every
            // complete line of the intact chain is kept: only an incomplete last line goes.
            return Ok(Ok(if !torn.is_empty() {
                Repair::RemoveTail {
                    line: next,
                    bytes: torn,
                }
            } else if s.entries > 0 {
                Repair::AdvanceHead {
                    from: None,
                    to: chain_end,
                }
            } else {
                self.clean_or_temporaries()
            }));
        };
        if head.seq > s.entries {
            return Ok(Err(Problem::Truncated {
                head_seq: head.seq,
                entries: s.entries,
            }));
        }
        // The committed part ends after line `head.seq`; it must end where the head says.
        let (keep, hash) = match line {
            Some(place) => place,
            None => (0, GENESIS),
        };
        if hash != head.hash {
            return Ok(Err(Problem::HeadHashMismatch {
                seq: head.seq,
                head: head.hash,
                entry: hash,
            }));
        }
        if keep == len {
            return Ok(Ok(self.clean_or_temporaries()));
        }
        if commit_tail {
            return Ok(Ok(if !torn.is_empty() {
                Repair::RemoveTail {
                    line: next,
                    bytes: torn,
                }
            } else {
                Repair::AdvanceHead {
                    from: Some(head),
                    to: chain_end,
                }
            }));
        }
        // Complete lines after the head are what an append left when it was stopped between
        // writing them and moving the head; one append stamps all its entries with one time.
        let mut after = self.read_range(f, keep, complete)?;
        if !format::one_recording_time(&after) {
            return Ok(Err(Problem::HeadMovedBack {
                head_seq: head.seq,
                entries: s.entries,
            }));
        }
        after.extend_from_slice(&torn);
        Ok(Ok(Repair::RemoveTail {
            line: head.seq + 1,
            bytes: after,
        }))
    }

    /// Carries out one repair step under the append lock and returns what it did. Repairs
    /// nothing but a torn tail or a head file left behind by an interrupted append; any other
    /// problem is returned untouched.
    pub fn repair(&self, commit_tail: bool) -> Result<Result<Repair, Problem>, LedgerError> {
        let f = self.open(true)?;
        let plan = match self.plan(&f, commit_tail)? {
            Ok(p) => p,
            Err(p) => return Ok(Err(p)),
        };
        match &plan {
            Repair::Clean => {}
            Repair::RemoveTail { bytes: torn, .. } => {
                let path = self.entries_path();
                // The lock keeps every writer out: the file is as long as the plan saw it.
                let len = f.metadata().map_err(io(&path, "read the status of"))?.len();
                let keep = len.saturating_sub(torn.len() as u64);
                f.set_len(keep).map_err(io(&path, "truncate"))?;
                f.sync_all().map_err(io(&path, "sync"))?;
            }
            Repair::AdvanceHead { to, .. } => self.write_head(*to)?,
            Repair::RemoveTemporaries { files } => {
                for file in files {
                    fs::remove_file(file).map_err(io(file, "remove"))?;
                }
                sync_dir(&self.dir)?;
            }
        }
        Ok(Ok(plan))
    }

    /// Nothing to repair in the entries and head; but temporary files a stopped write left
    /// are removed (only while the lock keeps every writer out, so none is in use).
    fn clean_or_temporaries(&self) -> Repair {
        let mut files: Vec<PathBuf> = fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name().to_string_lossy().starts_with(".head.tmp-")
                    && fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_file())
            })
            .map(|e| e.path())
            .collect();
        files.sort();
        if files.is_empty() {
            Repair::Clean
        } else {
            Repair::RemoveTemporaries { files }
        }
    }
}

/// The last line of a file `len` bytes long that ends in a newline, without the newline; `None`
/// when the file does not end in a newline.
fn last_line(mut f: &File, len: u64) -> std::io::Result<Option<Vec<u8>>> {
    line_before(len, |at, buf| {
        f.seek(SeekFrom::Start(at))?;
        f.read_exact(buf)
    })
}

/// The last line of the first `end` bytes of a file that `read` reads from (at an offset),
/// without its newline; `None` when those bytes do not end in a newline. Reads backwards in
/// pieces, looking for the line's start only in each new piece, so a long line costs time in
/// proportion to its length.
pub(crate) fn line_before(
    end: u64,
    mut read: impl FnMut(u64, &mut [u8]) -> std::io::Result<()>,
) -> std::io::Result<Option<Vec<u8>>> {
    const STEP: u64 = 64 * 1024;
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut upto = end;
    loop {
        let start = upto.saturating_sub(STEP);
        let mut piece = vec![0u8; usize::try_from(upto - start).unwrap_or(0)];
        read(start, &mut piece)?;
        let searched: &[u8] = if upto == end {
            if piece.last() != Some(&b'\n') {
                return Ok(None);
            }
            &piece[..piece.len() - 1]
        } else {
            &piece
        };
        let found = memchr::memrchr(b'\n', searched);
        let at_start = start == 0;
        pieces.push(piece);
        if found.is_some() || at_start {
            let first = found.map_or(0, |p| p + 1);
            let mut line = Vec::new();
            for (i, p) in pieces.iter().rev().enumerate() {
                line.extend_from_slice(if i == 0 { &p[first..] } else { p });
            }
            line.pop();
            return Ok(Some(line));
        }
        upto = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> Log {
        let dir = std::env::temp_dir().join(format!("reckon-ledger-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch directory");
        Log::at(dir)
    }

    /// D2 and C5: an append that lands between `init` creating the entries file and writing the
    /// head file keeps its committed entry.
    #[test]
    fn d2_init_after_an_append_won_the_race_keeps_its_entries() {
        let log = scratch("d2");
        let f = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(log.entries_path())
            .expect("create");
        let event: reckon_claim::Event = reckon_claim::parse_line(
            r#"{"subject":"a/b","value":"1","said_on":"2025","speaker":"X"}"#,
            &mut |_, _| Err("no references".into()),
        )
        .expect("a valid claim");
        let (head, ()) = log
            .append(|tx| {
                tx.push(&event)
                    .map(|_| ())
                    .map_err(|m| LedgerError::NoLog(m.into()))
            })
            .expect("append");
        assert_eq!(head.seq, 1);
        log.init_created(&f).expect("init");
        drop(f);
        assert_eq!(log.verify().expect("readable"), Ok(head));
        let _ = fs::remove_dir_all(log.dir());
    }

    /// Every committed append is told, under its lock, with the entries file's stamp and head
    /// before and after it; an append that commits nothing is not. From the head before an
    /// append and where its lines start, `visit_after` reads only the lines after: each
    /// checked and linked, the head file at the end; any other place or head is `None`, and
    /// damage after it is refused. The lines before are not read: their caller vouches.
    #[test]
    fn appends_are_told_and_the_lines_after_them_are_read_alone() {
        let told: std::sync::Arc<std::sync::Mutex<Vec<Appended>>> = Default::default();
        let seen = told.clone();
        let log = scratch("told").telling(OnAppend(std::sync::Arc::new(move |_, a| {
            seen.lock().expect("not poisoned").push(*a)
        })));
        log.init().expect("init");
        let claim = |n: u32| {
            reckon_claim::parse_line(
                &format!(r#"{{"subject":"a/b","value":"{n}","said_on":"2025","speaker":"X"}}"#),
                &mut |_, _| Err("no references".into()),
            )
            .expect("a valid claim")
        };
        let push = |from: u32, to: u32| {
            log.append(|tx| {
                (from..to).try_for_each(|n| {
                    tx.push(&claim(n))
                        .map(|_| ())
                        .map_err(|m| LedgerError::NoLog(m.into()))
                })
            })
            .expect("append")
            .0
        };
        let first = push(0, 3);
        let second = push(3, 5);
        assert_eq!(push(5, 5), second, "nothing pushed");
        let told = told.lock().expect("not poisoned").clone();
        assert_eq!(told.len(), 2);
        let len = |a: &Stamp| a.len;
        assert_eq!(
            (told[0].from.seq, told[0].to, len(&told[0].before)),
            (0, first, 0)
        );
        assert_eq!(
            (told[1].before, told[1].from, told[1].to),
            (told[0].after, first, second)
        );
        let snap = log.snapshot().expect("snapshot");
        assert_eq!(told[1].after, snap.stamp().expect("stamp"));
        let seqs = |h: Head, at: u64| {
            snap.visit_after(h, at, &|h: &crate::Header<'_>, _: &[u8], _| h.seq)
                .expect("read")
        };
        let start = told[1].before.len;
        assert_eq!(seqs(first, start), Some((second, vec![4, 5])));
        assert_eq!(seqs(told[0].from, 0), Some((second, vec![1, 2, 3, 4, 5])));
        assert_eq!(seqs(first, start - 1), None, "not where a line ends");
        assert_eq!(
            seqs(Head { seq: 2, ..first }, start),
            None,
            "another number"
        );
        let other = Head {
            hash: second.hash,
            ..first
        };
        assert_eq!(seqs(other, start), None, "another hash");
        assert_eq!(seqs(told[0].from, start), None, "another entry");
        drop(snap);
        // A byte changed in the first line is not read; one in the last is refused.
        let bytes = fs::read(log.entries_path()).expect("read");
        for (at, refused) in [(40, false), (bytes.len() - 30, true)] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            fs::write(log.entries_path(), &changed).expect("write");
            let snap = log.snapshot().expect("snapshot");
            let got = snap.visit_after(first, start, &|_: &crate::Header<'_>, _: &[u8], _| ());
            assert_eq!(got.is_err(), refused, "byte {at}");
        }
        let _ = fs::remove_dir_all(log.dir());
    }

    /// What an interrupted append left is found from the end of the file, however long its
    /// last line, and is all that is read into memory: complete uncommitted lines and a cut
    /// line are removed together (or, with `commit_tail`, only the cut line), a cut line
    /// longer than the pieces the end is read in is removed whole, and the log is as it was
    /// committed afterwards.
    #[test]
    fn repair_finds_what_an_interrupted_append_left_from_the_end_of_the_file() {
        let log = scratch("tail");
        log.init().expect("init");
        let claim = |n: usize, quote: usize| {
            reckon_claim::parse_line(
                &format!(
                    r#"{{"subject":"a/b","value":"{n}","said_on":"2025","speaker":"X","quote":"{}"}}"#,
                    "q".repeat(quote)
                ),
                &mut |_, _| Err("no references".into()),
            )
            .expect("a valid claim")
        };
        let push = |tx: &mut Tx<'_>, from: usize, to: usize, quote: usize| {
            (from..to).try_for_each(|n| {
                tx.push(&claim(n, quote))
                    .map(|_| ())
                    .map_err(|m| LedgerError::NoLog(m.into()))
            })
        };
        log.append(|tx| push(tx, 0, 3, 10)).expect("append");
        let head = log.append(|tx| push(tx, 3, 5, 10)).expect("append").0;
        let committed = fs::read(log.entries_path()).expect("read");
        // Many complete lines, then the last one cut; and one line of 100 KB, cut.
        let (_, (), many) = log.rehearse(|tx| push(tx, 5, 305, 1000)).expect("rehearse");
        let (_, (), long) = log
            .rehearse(|tx| push(tx, 5, 6, 100_000))
            .expect("rehearse");
        let last_start = many[..many.len() - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        for (left, commit_tail, line, removed) in [
            (&many[..many.len() - 10], false, 6, &many[..many.len() - 10]),
            (
                &many[..many.len() - 10],
                true,
                305,
                &many[last_start..many.len() - 10],
            ),
            (&long[..long.len() - 5], false, 6, &long[..long.len() - 5]),
        ] {
            fs::write(log.entries_path(), [&committed[..], left].concat()).expect("write");
            let want = Repair::RemoveTail {
                line,
                bytes: removed.to_vec(),
            };
            assert_eq!(
                log.plan_repair(commit_tail).expect("readable"),
                Ok(want.clone())
            );
            assert_eq!(log.repair(commit_tail).expect("readable"), Ok(want));
            if !commit_tail {
                assert_eq!(fs::read(log.entries_path()).expect("read"), committed);
                assert_eq!(log.verify().expect("readable"), Ok(head));
            }
        }
        let _ = fs::remove_dir_all(log.dir());
    }

    /// A selecting pass with a bound gives exactly what the unbounded one gives while the
    /// entries picked are at most the bound, and `None` once they are more; and it stops
    /// there: damage after the first piece read is not reached (the unbounded pass refuses
    /// the log for it).
    #[test]
    fn a_bounded_selection_gives_up_past_its_bound_and_stops_reading() {
        let log = scratch("selectmost");
        log.init().expect("init");
        let n: u32 = 600;
        log.append(|tx| {
            (0..n).try_for_each(|k| {
                let claim = reckon_claim::parse_line(
                    &format!(
                        r#"{{"subject":"a/b{k}","value":"{k}","said_on":"2025","speaker":"X"}}"#
                    ),
                    &mut |_, _| Err("no references".into()),
                )
                .expect("a valid claim");
                tx.push(&claim)
                    .map(|_| ())
                    .map_err(|m| LedgerError::NoLog(m.into()))
            })
        })
        .expect("append");
        let snap = log.snapshot().expect("snapshot");
        let every = |_: &crate::Header<'_>| true;
        let even = |h: &crate::Header<'_>| h.seq.is_multiple_of(2);
        let seqs = |got: Option<(Head, Vec<Entry>)>| {
            got.map(|(h, e)| (h.seq, e.iter().map(|e| e.seq).collect::<Vec<_>>()))
        };
        let whole = |select: &crate::Selector<'_>| {
            seqs(Some(snap.entries_where(select).expect("a sound log")))
        };
        let most = |select: &crate::Selector<'_>, most: usize| {
            seqs(
                snap.entries_where_at_most(select, most)
                    .expect("a sound log"),
            )
        };
        let all = n as usize;
        assert_eq!(most(&every, all), whole(&every));
        assert_eq!(most(&every, all + 5), whole(&every));
        assert_eq!(most(&every, all - 1), None);
        assert_eq!(most(&even, all / 2), whole(&even));
        assert_eq!(whole(&even).map(|(_, e)| e.len()), Some(all / 2));
        assert_eq!(most(&even, all / 2 - 1), None);
        assert_eq!(most(&|_| false, 0), whole(&|_| false));
        drop(snap);
        // A broken line past the first 64 KiB a pass reads.
        let len = fs::metadata(log.entries_path()).expect("entries").len();
        assert!(
            len > 2 * (64 << 10),
            "the log spans several reads: {len} bytes"
        );
        let mut f = OpenOptions::new()
            .append(true)
            .open(log.entries_path())
            .expect("open");
        std::io::Write::write_all(&mut f, b"not an entry\n").expect("write");
        drop(f);
        let snap = log.snapshot().expect("snapshot");
        assert!(snap.entries_where(&every).is_err(), "the damage is seen");
        assert_eq!(
            snap.entries_where_at_most(&every, 10)
                .expect("stopped before the damage"),
            None
        );
        drop(snap);
        let _ = fs::remove_dir_all(log.dir());
    }

    /// The last line is found however long it is, and only when the file ends in a newline.
    #[test]
    fn last_line_reads_long_lines_across_pieces() {
        let log = scratch("lastline");
        let p = log.dir().join("f");
        let long = "x".repeat(200_000);
        for (text, want) in [
            (format!("a\n{long}\n"), Some(long.clone())),
            (format!("{long}\n"), Some(long.clone())),
            ("a\nb\n".to_owned(), Some("b".to_owned())),
            ("\n".to_owned(), Some(String::new())),
            (format!("a\n{long}"), None),
        ] {
            fs::write(&p, &text).expect("write");
            let f = File::open(&p).expect("open");
            let got = last_line(&f, text.len() as u64).expect("read");
            assert_eq!(got.map(|l| String::from_utf8(l).expect("utf-8")), want);
        }
        let _ = fs::remove_dir_all(log.dir());
    }
}
