//! Helpers: a scratch directory, running the binary, and golden files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `../shared` beside the repository, when it is there.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared");
    p.is_dir().then_some(p)
}

/// A fresh directory under the target dir, removed and recreated on each call. The first
/// call of a run removes the directories earlier runs left (a few hundred megabytes a run),
/// where it can tell that the run that made them has ended.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(sweep_ended_runs);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes the scratch directories (`NAME-PID-N`) of test runs whose process has ended, told
/// by its entry in `/proc`; where there is no `/proc` to ask, nothing is removed.
fn sweep_ended_runs() {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(dirs) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    let me = std::process::id().to_string();
    for d in dirs.flatten() {
        let name = d.file_name().to_string_lossy().into_owned();
        let mut parts = name.rsplitn(3, '-');
        let (Some(n), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let numbers = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if numbers(n) && numbers(pid) && pid != me && !proc.join(pid).exists() {
            let _ = std::fs::remove_dir_all(d.path());
        }
    }
}

/// Says something in the test run's output even when the test passes (the test harness only
/// captures the print macros, not writes to the stderr handle): for skipped data-driven checks
/// and measured scores.
pub fn notice(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "note: {msg}");
}

/// The smallest valid `reckon add`.
pub const ADD_MINIMAL: &[&str] = &[
    "add",
    "--subject",
    "a/b",
    "--value",
    "1",
    "--said-on",
    "2025",
    "--speaker",
    "X",
];

/// The result of running `reckon`.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The whole outcome as one text, for golden files.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Several runs' transcripts, one after another, for one golden file.
pub fn transcripts(runs: &[Run]) -> String {
    runs.iter()
        .map(Run::transcript)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `reckon` on the log in `log` with a fixed clock, feeding `stdin`. Saved indexes go to
/// one cache directory for the test run, never the user's.
pub fn reckon(log: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let cache = test_cache();
    reckon_with(log, args, stdin, &[("RECKON_CACHE_DIR", cache.as_os_str())])
}

/// The cache directory of the test run: every `reckon` a test starts is given it (or one of
/// its own) as `RECKON_CACHE_DIR`, so that no saved index of a test's log lands in the user's
/// cache (`.ci/run` fails when one does).
pub fn test_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reckon-cache")
}

/// [`reckon`] with more environment variables.
pub fn reckon_with(
    log: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &std::ffi::OsStr)],
) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reckon"));
    cmd.arg("--log").arg(log).args(args);
    cmd.env("SOURCE_DATE_EPOCH", "1763769600")
        .env_remove("RECKON_LOG")
        .env_remove("RECKON_TRACE")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        let mut si = child.stdin.take().unwrap();
        // A command may finish without reading all its input (an import refused before its
        // first block is read): its exit code and output say what happened, not the pipe.
        match si.write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Compares `actual` with `tests/golden/NAME`; `UPDATE_EXPECT=1` rewrites the file instead.
/// Paths of scratch directories are replaced by `$DIR` so that the files are stable.
pub fn golden(name: &str, actual: &str, scratch_dir: &Path) {
    let actual = actual.replace(&scratch_dir.display().to_string(), "$DIR");
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with UPDATE_EXPECT=1 to create it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "output differs from {} (rerun with UPDATE_EXPECT=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// The bytes of a log's two files, to prove an operation left it untouched.
pub fn snapshot(log: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(log.join("entries.jsonl")).unwrap(),
        std::fs::read(log.join("head")).unwrap(),
    )
}

/// A log holding the project's own claims, in `dir/log`.
pub fn seeded(dir: &Path) -> PathBuf {
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let claims = root().join("log/claims.jsonl");
    let r = reckon(&log, &["import", claims.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    log
}

/// Waits until a change to `log` can no longer hide from the file system's clock, so that an
/// index made now is saved (see `reckon-index`: two seconds on file systems that keep whole
/// seconds, a tenth of one elsewhere).
pub fn settle(log: &Path) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(log.join("entries.jsonl")).unwrap();
    let coarse = m.mtime_nsec() == 0 && m.ctime_nsec() == 0;
    std::thread::sleep(std::time::Duration::from_millis(if coarse {
        2100
    } else {
        150
    }));
}

/// Asks `query` of `log` with a cache of its own in `cache` and tracing on; returns the run
/// and whether the saved index answered.
pub fn ask_traced(log: &Path, cache: &Path, query: &str) -> (Run, bool) {
    let r = traced(log, cache, &["query", query, "--format", "json"]);
    let indexed = r.stderr.contains("through the saved index");
    (r, indexed)
}

/// [`ask_traced`] with `--whole-read`: the reference answer, from every entry decoded whole.
pub fn ask_whole(log: &Path, cache: &Path, query: &str) -> Run {
    traced(
        log,
        cache,
        &["query", query, "--format", "json", "--whole-read"],
    )
}

/// Runs `args` on `log` with a cache of its own in `cache` and tracing on (the trace, on
/// standard error, says which way the answer was made).
pub fn traced(log: &Path, cache: &Path, args: &[&str]) -> Run {
    reckon_with(
        log,
        args,
        None,
        &[
            ("RECKON_CACHE_DIR", cache.as_os_str()),
            ("RECKON_TRACE", std::ffi::OsStr::new("1")),
        ],
    )
}

/// Runs a write (`args`, with `stdin`) on `log` with a cache of its own in `cache` (so that
/// the appends it makes are recorded there), and asserts it succeeded.
pub fn write_cached(log: &Path, cache: &Path, args: &[&str], stdin: Option<&[u8]>) {
    let r = reckon_with(log, args, stdin, &[("RECKON_CACHE_DIR", cache.as_os_str())]);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
}

/// A new log in `dir/log` holding `lines` (import contract lines), imported in one go.
pub fn log_of(dir: &Path, lines: &[&str]) -> PathBuf {
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    import_lines(&log, lines);
    log
}

/// Appends `lines` (import contract lines) to `log` in one `reckon import`, which must succeed.
pub fn import_lines(log: &Path, lines: &[&str]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = reckon(log, &["import", "-"], Some(text.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The one saved index in a test's own cache directory.
pub fn cache_file(cache: &Path) -> PathBuf {
    cached(cache, "index-")
}

/// The one saved folded snapshot in a test's own cache directory.
pub fn fold_file(cache: &Path) -> PathBuf {
    cached(cache, "fold-")
}

fn cached(cache: &Path, kind: &str) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(kind))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.remove(0)
}
