//! File-system habits every write of reckon keeps: files are opened only when they are regular
//! files reached without a symbolic link, whole-file writes go through a temporary file with a
//! unique name and an atomic rename, and a lock that another process holds is waited for with a
//! word to the user and an optional limit.
//!
//! This module never decides what is written; it only makes sure a write lands where it was
//! meant to, whole or not at all.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Opens `path` with `opts`, refusing anything but a regular file reached without following a
/// symbolic link: a link planted where a log file should be would make reckon read or write
/// some other file. The check is made before and after opening (device and inode must be the
/// same), so swapping the file for a link in between is caught too.
pub(crate) fn open_regular(path: &Path, opts: &OpenOptions) -> io::Result<File> {
    let before = fs::symlink_metadata(path)?;
    if before.file_type().is_symlink() {
        return Err(io::Error::other(
            "it is a symbolic link; reckon only uses regular files inside the log directory",
        ));
    }
    if !before.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    let f = opts.open(path)?;
    if !same_file(&before, &f.metadata()?) {
        return Err(io::Error::other(
            "it was replaced while being opened; try again",
        ));
    }
    Ok(f)
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.is_file() && b.is_file() && a.len() == b.len()
}

/// A name for a temporary file beside `path` that no other process or thread uses.
fn temp_beside(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(
        ".{name}.tmp-{}-{nanos:08x}-{n}",
        std::process::id()
    ))
}

/// Where a whole-file write failed.
#[derive(Debug)]
pub struct WriteError {
    /// The file that was being written or renamed.
    pub path: PathBuf,
    /// What was being done.
    pub op: &'static str,
    /// The system's error.
    pub source: io::Error,
    /// Whether the new content is in place (the rename happened; only making it durable
    /// failed).
    pub replaced: bool,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: cannot {}: {}",
            self.path.display(),
            self.op,
            self.source
        )
    }
}

/// The system's error is part of the message, so it is not offered again as a source.
impl std::error::Error for WriteError {}

/// Replaces `path` with `bytes`, whole or not at all: the bytes go to a new temporary file
/// beside it (created exclusively, so a planted link is never followed), are synced, and the
/// temporary file is renamed over `path`. On failure the old file is untouched and the
/// temporary file is removed. A symbolic link at `path` is replaced, never written through.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomically_parts(path, &[bytes])
}

/// [`write_atomically`] of a file held as runs of bytes, written one after the other (so
/// that a large file need not be copied into one buffer first).
pub fn write_atomically_parts(path: &Path, parts: &[&[u8]]) -> Result<(), WriteError> {
    Staged::holding(path, parts)?.commit()
}

/// A file being written to replace `path` whole or not at all, as [`write_atomically`]
/// replaces it, for a writer that makes its bytes as it goes: they go to a new temporary file
/// beside `path` (created exclusively) as they come, a place already written may be written
/// again (a header filled in last), and [`Staged::commit`] syncs the file and renames it over
/// `path`. Dropped before it is committed, or after any failure, the temporary file is
/// removed and `path` is untouched.
pub struct Staged {
    path: PathBuf,
    tmp: PathBuf,
    file: File,
    /// Whether the temporary file is gone from its place (renamed, or removed after a
    /// failure): then dropping it removes nothing.
    settled: bool,
}

impl Staged {
    /// A new temporary file beside `path`.
    pub fn beside(path: &Path) -> Result<Staged, WriteError> {
        let tmp = temp_beside(path);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| failed(&tmp, "create", e, false))?;
        Ok(Staged {
            path: path.to_path_buf(),
            tmp,
            file,
            settled: false,
        })
    }

    /// A new temporary file beside `path` holding `parts`, one after the other.
    fn holding(path: &Path, parts: &[&[u8]]) -> Result<Staged, WriteError> {
        let mut staged = Staged::beside(path)?;
        for bytes in parts {
            staged.append(bytes)?;
        }
        Ok(staged)
    }

    /// Writes `bytes` after what was written so far.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.file
            .write_all(bytes)
            .map_err(|e| failed(&self.tmp, "write", e, false))
    }

    /// Writes `bytes` again at `offset`, over bytes already written; later appends still go
    /// after the end.
    pub fn write_at(&mut self, offset: u64, bytes: &[u8]) -> Result<(), WriteError> {
        #[cfg(unix)]
        let written = {
            use std::os::unix::fs::FileExt;
            self.file.write_all_at(bytes, offset)
        };
        #[cfg(not(unix))]
        let written = {
            use std::io::{Seek, SeekFrom};
            let f = &mut self.file;
            f.seek(SeekFrom::Start(offset))
                .and_then(|_| f.write_all(bytes))
                .and_then(|()| f.seek(SeekFrom::End(0)).map(|_| ()))
        };
        written.map_err(|e| failed(&self.tmp, "write", e, false))
    }

    /// Syncs the file and renames it over `path`, then makes the rename durable.
    pub fn commit(mut self) -> Result<(), WriteError> {
        self.file
            .sync_all()
            .map_err(|e| failed(&self.tmp, "sync", e, false))?;
        self.rename()?;
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        sync_dir(dir).map_err(|e| failed(dir, "sync the directory of", e, true))
    }

    /// Renames the file over `path` without waiting for the disk: for a cache file that
    /// every reader checks whole (a checksum over all of it) and rebuilds from what it was
    /// made of when the check fails. Other processes see the whole file at once, as after
    /// [`Staged::commit`]; only a crash of the machine soon after may leave the old file, an
    /// empty one or a damaged one, which costs a rebuild and never a wrong answer. A log's
    /// own files are never written this way.
    ///
    /// A file it replaces is first moved aside (under a temporary name, as `temp_beside`
    /// makes one) and removed on another thread: freeing a large file's blocks inside the
    /// rename took a tenth of a second on an ext4 disk mounted with `discard`. Between the two
    /// renames there is no file at `path`, which a reader takes as no cache. Old files left
    /// aside by processes that ended first are swept here ([`sweep_left_beside`]).
    pub fn commit_unsynced(mut self) -> Result<(), WriteError> {
        let aside = temp_beside(&self.path);
        let moved = fs::rename(&self.path, &aside).is_ok();
        if let Err(e) = self.rename() {
            if moved {
                let _ = fs::rename(&aside, &self.path);
            }
            return Err(e);
        }
        if moved {
            let remove = aside.clone();
            let spawned = std::thread::Builder::new()
                .name("reckon-remove".into())
                .spawn(move || fs::remove_file(remove));
            if spawned.is_err() {
                let _ = fs::remove_file(&aside);
            }
        }
        sweep_left_beside(&self.path);
        Ok(())
    }

    fn rename(&mut self) -> Result<(), WriteError> {
        fs::rename(&self.tmp, &self.path).map_err(|e| failed(&self.path, "replace", e, false))?;
        self.settled = true;
        Ok(())
    }
}

/// [`write_atomically_parts`] for a cache file, renamed without waiting for the disk (see
/// [`Staged::commit_unsynced`]).
pub fn write_cache_parts(path: &Path, parts: &[&[u8]]) -> Result<(), WriteError> {
    Staged::holding(path, parts)?.commit_unsynced()
}

/// Writes the end of the cache file at `path` in place, its first bytes left as they are: a
/// file that grows by what is added after them (a snapshot brought forward) has only what is
/// new written. Only when the file is still the one the caller read (`was`: its length and
/// its last bytes) and no other process is writing it this way (an exclusive lock on it, not
/// waited for); `Ok(false)`, nothing written, otherwise. `parts` go one after the other from
/// offset `at` (inside the file), the file is cut where they end, and `head` is written at
/// offset 0 last. Not synced, as [`write_cache_parts`] is not: for a cache every reader checks
/// whole, which a reader that reads it while it is written, or after a crash part way, finds
/// damaged and rebuilds. A log's own files are never written this way.
pub fn write_cache_end(
    path: &Path,
    was: (u64, &[u8]),
    at: u64,
    parts: &[&[u8]],
    head: &[u8],
) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = open_regular(path, OpenOptions::new().read(true).write(true))?;
    match f.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Ok(false),
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    let (len, end) = was;
    let tail = u64::try_from(end.len()).unwrap_or(u64::MAX);
    if f.metadata()?.len() != len || at > len || tail > len || (head.len() as u64) > at {
        return Ok(false);
    }
    let mut last = vec![0; end.len()];
    f.seek(SeekFrom::Start(len - tail))?;
    f.read_exact(&mut last)?;
    if last != end {
        return Ok(false);
    }
    f.seek(SeekFrom::Start(at))?;
    let mut upto = at;
    for part in parts {
        f.write_all(part)?;
        upto += part.len() as u64;
    }
    f.set_len(upto)?;
    f.seek(SeekFrom::Start(0))?;
    f.write_all(head)?;
    Ok(true)
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.settled {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Removes the temporary files beside `path` (`temp_beside` names them after it and the
/// process that made them) whose process has ended, told by its entry in `/proc`: a writer
/// stopped before it committed (a killed `reckon` that was writing a large cache file). Where
/// there is no `/proc` to ask, nothing is removed. For a file only this machine's processes
/// write (a cache file); never used in a log directory, which another machine may share.
pub fn sweep_left_beside(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let prefix = format!(".{}.tmp-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.split('-').next())
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !proc.join(pid).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn failed(path: &Path, op: &'static str, source: io::Error, replaced: bool) -> WriteError {
    WriteError {
        path: path.to_path_buf(),
        op,
        source,
        replaced,
    }
}

/// Creates `path` with `bytes`, refusing to touch anything already there, link or not.
pub fn create_new(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts.open(path)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

/// Makes a rename or a new file in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// How long to wait for a lock another process holds, and whom to tell.
#[derive(Clone, Copy, Debug, Default)]
pub struct LockWait {
    /// Give up after this long; `None` waits as long as it takes.
    pub limit: Option<Duration>,
    /// Called once, after a second of waiting, with a sentence for the user.
    pub notice: Option<fn(&str)>,
}

/// Why a lock was not taken.
#[derive(Debug)]
pub(crate) enum LockFailure {
    /// Another process held it for longer than the limit.
    TimedOut { waited: Duration, holder: String },
    /// The system refused.
    Io(io::Error),
}

/// Takes the lock on `f` (exclusive or shared), waiting as `wait` says.
pub(crate) fn lock(
    f: &File,
    path: &Path,
    exclusive: bool,
    wait: LockWait,
) -> Result<(), LockFailure> {
    let started = Instant::now();
    let mut told = false;
    let mut pause = Duration::from_millis(1);
    loop {
        let tried = if exclusive {
            f.try_lock()
        } else {
            f.try_lock_shared()
        };
        match tried {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
            Err(fs::TryLockError::WouldBlock) => {}
        }
        let waited = started.elapsed();
        if let Some(limit) = wait.limit
            && waited >= limit
        {
            return Err(LockFailure::TimedOut {
                waited,
                holder: holder(f),
            });
        }
        if !told && waited >= Duration::from_secs(1) {
            told = true;
            if let Some(notice) = wait.notice {
                notice(&format!(
                    "waiting for the lock on {}, held by {} (use --wait SECONDS to give up after a while)",
                    path.display(),
                    holder(f)
                ));
            }
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Who holds a lock on `f`, as far as the system says (`/proc/locks` on Linux).
fn holder(f: &File) -> String {
    #[cfg(target_os = "linux")]
    if let Some(pids) = lock_holders(f)
        && !pids.is_empty()
    {
        let list: Vec<String> = pids.iter().map(|p| format!("process {p}")).collect();
        return list.join(", ");
    }
    let _ = f;
    "another process".into()
}

#[cfg(target_os = "linux")]
fn lock_holders(f: &File) -> Option<Vec<u32>> {
    use std::os::unix::fs::MetadataExt;
    let ino = f.metadata().ok()?.ino();
    let me = std::process::id();
    let table = fs::read_to_string("/proc/locks").ok()?;
    let mut pids: Vec<u32> = table
        .lines()
        .filter(|l| !l.contains("->"))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let pid: u32 = cols.get(4)?.parse().ok()?;
            let file_ino: u64 = cols.get(5)?.rsplit(':').next()?.parse().ok()?;
            (file_ino == ino && pid != me).then_some(pid)
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    Some(pids)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("reckon-fsx-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// A cache file written without syncing replaces the old one whole, and leaves no
    /// temporary file beside it once the old one is removed.
    #[test]
    fn a_cache_file_replaces_the_old_one_whole() {
        let dir = scratch("cache");
        let path = dir.join("fold-x");
        fs::write(&path, b"old").unwrap();
        write_cache_parts(&path, &[b"new ", b"", b"bytes"]).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new bytes");
        // The old file, moved aside under this process's temporary name, is removed by
        // another thread: wait for it (a bound far above the few milliseconds it takes).
        let aside = format!(".fold-x.tmp-{}-", std::process::id());
        for _ in 0..1000 {
            let names = names_in(&dir);
            assert!(names.iter().all(|n| n == "fold-x" || n.starts_with(&aside)));
            if names == ["fold-x"] {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(names_in(&dir), ["fold-x"]);
        // With nothing to replace, it is put in place all the same.
        fs::remove_file(&path).unwrap();
        write_cache_parts(&path, &[b"first"]).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(names_in(&dir), ["fold-x"]);
        let _ = fs::remove_dir_all(&dir);
    }

    /// A cache file's end is written in place, its first bytes kept and its header written
    /// again, only while it is the file the caller read (its length and last bytes) and no
    /// other writer holds its lock; otherwise nothing is written.
    #[test]
    #[cfg(unix)]
    fn a_cache_file_end_is_written_in_place_only_over_the_file_that_was_read() {
        use std::os::unix::fs::MetadataExt;
        let dir = scratch("end");
        let path = dir.join("fold-x");
        let old = b"HHrecords|names|S1";
        let was = (old.len() as u64, &b"S1"[..]);
        let at = b"HHrecords".len() as u64;
        let parts: [&[u8]; 2] = [b"more", b"|names2|S2"];
        let write = |was| write_cache_end(&path, was, at, &parts, b"hh").unwrap();
        // Not the file that was read: another length, other last bytes.
        fs::write(&path, old).unwrap();
        assert!(!write((was.0 + 1, was.1)));
        assert!(!write((was.0, &b"S0"[..])));
        // Another writer holds the file's lock.
        let other = File::open(&path).unwrap();
        other.try_lock().unwrap();
        assert!(!write(was));
        assert_eq!(fs::read(&path).unwrap(), old);
        drop(other);
        let inode = fs::metadata(&path).unwrap().ino();
        assert!(write(was));
        assert_eq!(fs::read(&path).unwrap(), b"hhrecordsmore|names2|S2");
        assert_eq!(fs::metadata(&path).unwrap().ino(), inode, "the same file");
        // A shorter end cuts the file where it ends.
        let was = (23, &b"S2"[..]);
        assert!(write_cache_end(&path, was, at, &[b"|n|S3"], b"h3").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"h3records|n|S3");
        let _ = fs::remove_dir_all(&dir);
    }

    /// A staged file replaces its path only when committed, with every byte appended and
    /// those written again in place; dropped uncommitted, it leaves nothing and the path as
    /// it was.
    #[test]
    fn a_staged_file_lands_whole_or_not_at_all() {
        let dir = scratch("staged");
        let path = dir.join("file");
        fs::write(&path, b"old").unwrap();
        let mut s = Staged::beside(&path).unwrap();
        s.append(b"....body").unwrap();
        s.append(b"+tail").unwrap();
        s.write_at(0, b"HEAD").unwrap();
        drop(s);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names_in(&dir), vec!["file"]);
        let mut s = Staged::beside(&path).unwrap();
        s.append(b"....body").unwrap();
        s.write_at(0, b"HEAD").unwrap();
        s.append(b"+tail").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"HEADbody+tail");
        assert_eq!(names_in(&dir), vec!["file"]);
    }

    /// What a writer whose process has ended left beside a file is removed by the next
    /// writer of that file; a running process's (this one's), and other files, are kept.
    #[test]
    fn files_left_by_ended_writers_are_swept() {
        let dir = scratch("sweep");
        let path = dir.join("fold-x");
        let ended = dir.join(".fold-x.tmp-999999999-0000abcd-0");
        let running = dir.join(format!(".fold-x.tmp-{}-0000abcd-7", std::process::id()));
        let other = dir.join(".fold-y.tmp-999999999-0000abcd-0");
        for f in [&ended, &running, &other] {
            fs::write(f, b"left").unwrap();
        }
        sweep_left_beside(&path);
        Staged::beside(&path).unwrap().commit().unwrap();
        let left = names_in(&dir);
        if Path::new("/proc/self").exists() {
            assert!(!ended.exists(), "{left:?}");
        }
        assert!(
            running.exists() && other.exists() && path.exists(),
            "{left:?}"
        );
    }
}
