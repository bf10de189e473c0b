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
    let tmp = temp_beside(path);
    let fail = |p: &Path, op, source, replaced| WriteError {
        path: p.to_path_buf(),
        op,
        source,
        replaced,
    };
    let written = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| ("create", e))?;
        for bytes in parts {
            f.write_all(bytes).map_err(|e| ("write", e))?;
        }
        f.sync_all().map_err(|e| ("sync", e))
    })();
    if let Err((op, e)) = written {
        let _ = fs::remove_file(&tmp);
        return Err(fail(&tmp, op, e, false));
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(fail(path, "replace", e, false));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    sync_dir(dir).map_err(|e| fail(dir, "sync the directory of", e, true))
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
