//! A log directory: opening, reading, appending under a lock, and repairing a torn tail.

use crate::error::{LedgerError, Problem, io};
use crate::format::{self, Entry, GENESIS};
use crate::scan::{Scan, scan, scan_reader};
use crate::tx::Tx;
use reckon_claim::{EntryHash, Timestamp};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Name of the entries file inside a log directory.
pub const ENTRIES: &str = "entries.jsonl";
/// Name of the head file inside a log directory.
pub const HEAD: &str = "head";

/// A log directory.
#[derive(Clone, Debug)]
pub struct Log {
    dir: PathBuf,
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
    fn text(&self) -> String {
        format!("{} {}\n", self.seq, self.hash)
    }

    fn parse(s: &str) -> Option<Head> {
        let (seq, hash) = s.strip_suffix('\n')?.split_once(' ')?;
        let seq: u64 = seq.parse().ok()?;
        Some(Head {
            seq,
            hash: EntryHash::from_hex(hash)?,
        })
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
    /// Write a missing or unreadable head file for the last entry of an intact chain.
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
    // Directories can be opened read-only and fsynced on Unix; elsewhere this is best effort.
    match File::open(dir) {
        Ok(d) => d.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

impl Log {
    /// The log in `dir` (not checked until used).
    pub fn at(dir: impl Into<PathBuf>) -> Log {
        Log { dir: dir.into() }
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

    /// Creates an empty log; fails if one is there.
    pub fn init(&self) -> Result<(), LedgerError> {
        fs::create_dir_all(&self.dir).map_err(io(&self.dir, "create the directory"))?;
        let path = self.entries_path();
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => f.sync_all().map_err(io(&path, "sync"))?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(LedgerError::AlreadyExists(self.dir.clone()));
            }
            Err(e) => return Err(io(&path, "create")(e)),
        }
        self.write_head(Head {
            seq: 0,
            hash: GENESIS,
        })?;
        sync_dir(&self.dir)
    }

    fn open(&self, write: bool) -> Result<File, LedgerError> {
        let path = self.entries_path();
        let f = OpenOptions::new()
            .read(true)
            .append(write)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    LedgerError::NoLog(self.dir.clone())
                } else {
                    io(&path, "open")(e)
                }
            })?;
        if write { f.lock() } else { f.lock_shared() }.map_err(io(&path, "lock"))?;
        Ok(f)
    }

    /// Reads the head file: `None` when it is missing.
    pub fn read_head(&self) -> Result<Option<Head>, Problem> {
        let path = self.head_path();
        match fs::read_to_string(&path) {
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

    fn write_head(&self, head: Head) -> Result<(), LedgerError> {
        let tmp = self.dir.join("head.tmp");
        let mut f = File::create(&tmp).map_err(io(&tmp, "create"))?;
        f.write_all(head.text().as_bytes())
            .map_err(io(&tmp, "write"))?;
        f.sync_all().map_err(io(&tmp, "sync"))?;
        fs::rename(&tmp, self.head_path()).map_err(io(&tmp, "rename"))?;
        sync_dir(&self.dir)
    }

    fn read_all(&self, f: &mut File) -> Result<Vec<u8>, LedgerError> {
        let mut bytes = Vec::new();
        f.seek(SeekFrom::Start(0))
            .map_err(io(&self.entries_path(), "seek"))?;
        f.read_to_end(&mut bytes)
            .map_err(io(&self.entries_path(), "read"))?;
        Ok(bytes)
    }

    /// Compares a clean scan's end with the head file.
    fn check_head(&self, s: &Scan) -> Result<(), Problem> {
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
        let f = self.open(false)?;
        let scanned = scan_reader(&f, false).map_err(io(&self.entries_path(), "read"))?;
        Ok(scanned.and_then(|s| {
            self.check_head(&s)?;
            Ok(Head {
                seq: s.entries,
                hash: s.head,
            })
        }))
    }

    /// Reads every entry, refusing a log that fails any check.
    pub fn entries(&self) -> Result<Vec<Entry>, LedgerError> {
        let f = self.open(false)?;
        let damaged = |problem| LedgerError::Damaged {
            path: self.entries_path(),
            problem,
        };
        let s = scan_reader(&f, true)
            .map_err(io(&self.entries_path(), "read"))?
            .map_err(damaged)?;
        self.check_head(&s).map_err(damaged)?;
        Ok(s.kept)
    }

    /// Reads the last line and checks it against the head file: enough to append safely
    /// without reading the whole log.
    fn tail_head(&self, f: &mut File) -> Result<(Head, u64), LedgerError> {
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
                )),
            };
        }
        // Read backwards until the start of the last line is found.
        let mut buf: Vec<u8> = Vec::new();
        let mut start = len;
        let line_start = loop {
            let step = (64 * 1024).min(start);
            start -= step;
            let mut chunk = vec![0u8; usize::try_from(step).unwrap_or(0)];
            f.seek(SeekFrom::Start(start)).map_err(io(&path, "seek"))?;
            f.read_exact(&mut chunk).map_err(io(&path, "read"))?;
            chunk.extend_from_slice(&buf);
            buf = chunk;
            let body = &buf[..buf.len() - 1];
            if buf.last() != Some(&b'\n') {
                break None;
            }
            if let Some(p) = body.iter().rposition(|b| *b == b'\n') {
                break Some(p + 1);
            }
            if start == 0 {
                break Some(0);
            }
        };
        let Some(line_start) = line_start else {
            // A torn tail: let a full scan say exactly where.
            let bytes = self.read_all(f)?;
            return Err(match scan(&bytes, false) {
                Err(p) => damaged(p),
                Ok(_) => damaged(Problem::HeadUnreadable(
                    "the log does not end with a newline".into(),
                )),
            });
        };
        let h = format::decode_header(&buf[line_start..buf.len() - 1]).map_err(|problem| {
            let bytes = self.read_all(f).unwrap_or_default();
            match scan(&bytes, false) {
                Err(p) => damaged(p),
                Ok(s) => damaged(Problem::Line {
                    line: s.entries,
                    problem,
                }),
            }
        })?;
        let found = Head {
            seq: h.seq,
            hash: h.hash,
        };
        let s = Scan {
            entries: h.seq,
            head: h.hash,
            kept: Vec::new(),
        };
        match head {
            Some(hd) if hd == found => Ok((found, len)),
            _ => Err(damaged(self.check_head(&s).err().unwrap_or(
                Problem::HeadUnreadable("the head file does not match the last entry".into()),
            ))),
        }
    }

    /// The committed head and the entries file's length, checked the way an append checks
    /// them (the last line against the head file), without reading the whole log.
    pub fn committed(&self) -> Result<(Head, u64), LedgerError> {
        let mut f = self.open(false)?;
        self.tail_head(&mut f)
    }

    /// Appends what `build` pushes, all or nothing, under an exclusive lock; returns the new
    /// head and what `build` returned. When `build` or a write fails, the entries file is cut
    /// back to its old length and the head is not moved.
    pub fn append<T, E: From<LedgerError>>(
        &self,
        build: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(Head, T), E> {
        let at = recording_time()?;
        let mut f = self.open(true)?;
        let (head, len) = self.tail_head(&mut f)?;
        let path = self.entries_path();
        let mut tx = Tx::new(self, &f, len, head, at);
        let built = build(&mut tx);
        let written = tx.written();
        let finished = match built {
            Ok(out) => tx
                .finish()
                .map(|h| (h, out))
                .map_err(|e| Err(io(&path, "append to")(e).into())),
            Err(e) => Err(Err(e)),
        };
        let cut_back = |f: &File| {
            if written > 0 {
                let _ = f.set_len(len).and_then(|()| f.sync_data());
            }
        };
        let (new_head, out) = match finished {
            Ok(x) => x,
            Err(e) => {
                cut_back(&f);
                return e;
            }
        };
        if new_head == head {
            return Ok((head, out));
        }
        if let Err(e) = f.sync_data() {
            cut_back(&f);
            return Err(io(&path, "sync")(e).into());
        }
        if let Err(e) = self.write_head(new_head) {
            cut_back(&f);
            return Err(e.into());
        }
        Ok((new_head, out))
    }

    /// Reads and checks every entry while the caller holds the append lock (for references).
    pub(crate) fn entries_locked(&self, committed_len: u64) -> Result<Vec<Entry>, LedgerError> {
        let f = File::open(self.entries_path()).map_err(io(&self.entries_path(), "open"))?;
        let mut bytes = Vec::new();
        f.take(committed_len)
            .read_to_end(&mut bytes)
            .map_err(io(&self.entries_path(), "read"))?;
        let s = scan(&bytes, true).map_err(|problem| LedgerError::Damaged {
            path: self.entries_path(),
            problem,
        })?;
        Ok(s.kept)
    }

    /// Works out what `repair` would do, without changing anything.
    pub fn plan_repair(&self) -> Result<Result<Repair, Problem>, LedgerError> {
        let mut f = self.open(false)?;
        let bytes = self.read_all(&mut f)?;
        Ok(self.plan(&bytes))
    }

    fn plan(&self, bytes: &[u8]) -> Result<Repair, Problem> {
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let s = match scan(bytes, false) {
            Ok(s) => s,
            // Only the lines before the torn one must be sound; the rest is the tail.
            Err(Problem::TornTail { .. }) => scan(&bytes[..complete], false)?,
            Err(p) => return Err(p),
        };
        let head = match self.read_head() {
            Ok(Some(h)) => h,
            Ok(None) | Err(Problem::HeadUnreadable(_))
                if complete == bytes.len() && s.entries > 0 =>
            {
                return Ok(Repair::AdvanceHead {
                    from: None,
                    to: Head {
                        seq: s.entries,
                        hash: s.head,
                    },
                });
            }
            Ok(None) => Head {
                seq: 0,
                hash: GENESIS,
            },
            Err(p) => return Err(p),
        };
        if head.seq > s.entries {
            return Err(Problem::Truncated {
                head_seq: head.seq,
                entries: s.entries,
            });
        }
        // The committed part ends after line `head.seq`; it must end where the head says.
        let mut keep = 0usize;
        for _ in 0..head.seq {
            keep += bytes[keep..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(0, |p| p + 1);
        }
        let committed = scan(&bytes[..keep], false)?;
        if committed.head != head.hash {
            return Err(Problem::HeadHashMismatch {
                seq: head.seq,
                head: head.hash,
                entry: committed.head,
            });
        }
        if keep == bytes.len() {
            return Ok(Repair::Clean);
        }
        Ok(Repair::RemoveTail {
            line: head.seq + 1,
            bytes: bytes[keep..].to_vec(),
        })
    }

    /// Carries out one repair step under the append lock and returns what it did. Repairs
    /// nothing but a torn tail or a head file left behind by an interrupted append; any other
    /// problem is returned untouched.
    pub fn repair(&self) -> Result<Result<Repair, Problem>, LedgerError> {
        let mut f = self.open(true)?;
        let bytes = self.read_all(&mut f)?;
        let plan = match self.plan(&bytes) {
            Ok(p) => p,
            Err(p) => return Ok(Err(p)),
        };
        match &plan {
            Repair::Clean => {}
            Repair::RemoveTail { bytes: torn, .. } => {
                let keep = (bytes.len() - torn.len()) as u64;
                let path = self.entries_path();
                f.set_len(keep).map_err(io(&path, "truncate"))?;
                f.sync_all().map_err(io(&path, "sync"))?;
            }
            Repair::AdvanceHead { to, .. } => self.write_head(*to)?,
        }
        Ok(Ok(plan))
    }
}
