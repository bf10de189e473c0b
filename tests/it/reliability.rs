//! Regression tests for the reliability report (`shared/findings/reliability.md`, D1–D14), one
//! or more per defect, named after it. Each failed on the code the report was written against.

use crate::support::{
    ADD_MINIMAL, ask_traced, cache_file, reckon, root, scratch, seeded, settle, snapshot,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A copy of the project's own log (26 entries) in `dir/log`, without importing it again.
fn copied(dir: &Path) -> PathBuf {
    let log = dir.join("log");
    std::fs::create_dir_all(&log).unwrap();
    for f in ["entries.jsonl", "head"] {
        std::fs::copy(root().join("log").join(f), log.join(f)).unwrap();
    }
    log
}

/// The line entry 27 would have after a minimal `add` on the project's log.
fn next_line(dir: &Path) -> Vec<u8> {
    let other = dir.join("reference");
    std::fs::create_dir_all(&other).unwrap();
    let log = copied(&other);
    assert_eq!(reckon(&log, ADD_MINIMAL, None).code, 0);
    let bytes = std::fs::read(log.join("entries.jsonl")).unwrap();
    let start = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap()
        + 1;
    bytes[start..].to_vec()
}

fn append_bytes(log: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(log.join("entries.jsonl"))
        .unwrap();
    f.write_all(bytes).unwrap();
}

/// Runs a shell command line (for resource limits that only a child can take on).
fn sh(script: &str) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("SOURCE_DATE_EPOCH", "1763769600")
        .env_remove("RECKON_LOG")
        .env("RECKON_CACHE_DIR", crate::support::test_cache())
        .output()
        .unwrap()
}

const BIN: &str = env!("CARGO_BIN_EXE_reckon");

/// `reckon --log LOG ARGS…` with the tests' fixed clock, to spawn and control by hand.
fn command(log: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--log")
        .arg(log)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1763769600")
        .env_remove("RECKON_LOG")
        .env("RECKON_CACHE_DIR", crate::support::test_cache());
    c
}

#[test]
fn d1_repair_keeps_every_committed_entry_when_the_head_is_missing_and_the_tail_torn() {
    let dir = scratch("d1");
    let log = copied(&dir);
    let before = snapshot(&log);
    std::fs::remove_file(log.join("head")).unwrap();
    let line = next_line(&dir);
    append_bytes(&log, &line[..100]);
    let r = reckon(&log, &["repair"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("will remove 100 bytes"), "{}", r.stdout);
    assert!(r.stdout.contains("ok: 26 entries"), "{}", r.stdout);
    assert_eq!(
        snapshot(&log),
        before,
        "the 26 committed entries and their head"
    );
}

#[test]
fn d1_repair_never_removes_bytes_that_are_not_an_interrupted_entry() {
    let dir = scratch("d1b");
    let log = copied(&dir);
    std::fs::remove_file(log.join("head")).unwrap();
    append_bytes(&log, b"deadbeef {\"seq\":27,\"prev");
    let entries = std::fs::read(log.join("entries.jsonl")).unwrap();
    let r = reckon(&log, &["repair"], None);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not the start of an entry"),
        "{}",
        r.stderr
    );
    // The advice keeps exactly the bytes before the 24 that are not an entry.
    let keep = format!("truncate -s {}", entries.len() - 24);
    assert!(r.stderr.contains(&keep), "{}", r.stderr);
    assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), entries);
}

#[test]
fn d2_init_racing_add_never_disowns_a_recorded_claim() {
    // Every trial: `init` and `add` start together on a new directory. Whatever the order,
    // a claim reported recorded must be in a log that verifies.
    let dir = scratch("d2");
    for trial in 0..30 {
        let log = dir.join(format!("t{trial}"));
        let spawn = |args: &[&str]| {
            command(&log, args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let init = spawn(&["init"]);
        let add = spawn(ADD_MINIMAL);
        let add = add.wait_with_output().unwrap();
        let _ = init.wait_with_output().unwrap();
        let recorded = String::from_utf8_lossy(&add.stdout).starts_with("recorded #1");
        if recorded {
            let v = reckon(&log, &["verify"], None);
            assert_eq!(v.code, 0, "trial {trial}: {}{}", v.stdout, v.stderr);
            assert!(
                v.stdout.starts_with("ok: 1 entries"),
                "trial {trial}: {}",
                v.stdout
            );
        }
    }
}

#[test]
fn d3_an_append_over_the_file_size_limit_leaves_the_log_byte_for_byte() {
    let dir = scratch("d3fsize");
    let log = copied(&dir);
    let before = snapshot(&log);
    let claims: String = (0..20)
        .map(|i| {
            format!(
                "{{\"subject\":\"disk/full\",\"value\":\"{i}\",\"said_on\":\"2025\",\"speaker\":\"S{i}\",\"quote\":\"{}\"}}\n",
                "q".repeat(100)
            )
        })
        .collect();
    let file = dir.join("twenty.jsonl");
    std::fs::write(&file, claims).unwrap();
    // 16 KiB: the log is 15,510 bytes, so the append fails part way through.
    let out = sh(&format!(
        "trap '' XFSZ; ulimit -f 16; '{BIN}' --log '{}' import '{}'",
        log.display(),
        file.display()
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("File too large"));
    assert_eq!(snapshot(&log), before);
    assert_eq!(
        reckon(&log, ADD_MINIMAL, None).code,
        0,
        "the next append works"
    );
}

#[test]
fn d3_an_append_whose_head_cannot_be_written_is_cut_back() {
    // A read-only log directory with a writable entries file: the lines can be written but
    // the head file cannot be replaced. Needs an unprivileged user, as root ignores modes.
    let dir = scratch("d3ro");
    let log = copied(&dir);
    let as_root = sh("test \"$(id -u)\" = 0").status.success();
    let drop = if as_root {
        if !sh("command -v setpriv").status.success() {
            crate::support::notice("d3 read-only directory: skipped (root without setpriv)");
            return;
        }
        "setpriv --reuid=65534 --regid=65534 --clear-groups "
    } else {
        ""
    };
    let path = log.display().to_string();
    assert!(
        sh(&format!(
            "chmod 755 '{}' && chmod 666 '{path}/entries.jsonl' && chmod 555 '{path}'",
            dir.display()
        ))
        .status
        .success()
    );
    // The binary must be reachable by that user (every directory above the scratch one must
    // let others through; a checkout under a private home may not).
    let bin = dir.join("reckon");
    std::fs::copy(BIN, &bin).unwrap();
    if !sh(&format!(
        "{drop}test -x '{}' -a -w '{path}/entries.jsonl'",
        bin.display()
    ))
    .status
    .success()
    {
        crate::support::notice(
            "d3 read-only directory: skipped (the unprivileged user cannot reach the scratch directory)",
        );
        return;
    }
    let before = snapshot(&log);
    let out = sh(&format!(
        "{drop}'{}' --log '{path}' add --subject a/b --value 5 --said-on 2025 --speaker X",
        bin.display()
    ));
    let _ = sh(&format!("chmod 755 '{path}'"));
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(snapshot(&log), before);
    assert_eq!(reckon(&log, &["verify"], None).code, 0);
}

/// One writer command killed at random moments over `trials` trials: a committed byte is never
/// lost or changed, what is written is a prefix of what the finished command writes, and
/// `verify` then `repair` always bring the log back to exactly its committed entries.
fn kill_trials(
    dir: &Path,
    args: &[&str],
    trials: u64,
    window: (u64, u64),
    seed: &mut u64,
) -> [usize; 3] {
    let base = copied(&dir.join("base"));
    let reference_log = copied(&dir.join("reference"));
    let t0 = std::time::Instant::now();
    assert_eq!(reckon(&reference_log, args, None).code, 0);
    let took = t0.elapsed();
    let reference = std::fs::read(reference_log.join("entries.jsonl")).unwrap();
    let committed = std::fs::read(base.join("entries.jsonl")).unwrap();
    let mut outcomes = [0usize; 3];
    for trial in 0..trials {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let log = dir.join(format!("t{trial}"));
        std::fs::create_dir_all(&log).unwrap();
        for f in ["entries.jsonl", "head"] {
            std::fs::copy(base.join(f), log.join(f)).unwrap();
        }
        let mut child = command(&log, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Aim at the part of the run where the lines are written and committed (per mille of
        // the reference run's time).
        let delay = took.mul_f64((window.0 + *seed % (window.1 - window.0)) as f64 / 1000.0);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let bytes = std::fs::read(log.join("entries.jsonl")).unwrap();
        assert!(
            bytes.starts_with(&committed),
            "trial {trial}: a committed byte changed"
        );
        assert!(
            reference.starts_with(&bytes),
            "trial {trial}: what was written is not a prefix of the finished command's"
        );
        let v = reckon(&log, &["verify"], None);
        match v.code {
            0 => outcomes[usize::from(bytes.len() > committed.len())] += 1,
            1 => {
                outcomes[2] += 1;
                assert!(
                    v.stdout.contains("torn tail") || v.stdout.contains("uncommitted"),
                    "trial {trial} ({status}): {}",
                    v.stdout
                );
                let r = reckon(&log, &["repair"], None);
                assert_eq!(r.code, 0, "trial {trial}: {}{}", r.stdout, r.stderr);
                assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), committed);
            }
            other => panic!("trial {trial}: verify exited {other}: {}", v.stderr),
        }
        assert_eq!(reckon(&log, &["verify"], None).code, 0, "trial {trial}");
        // A kill between creating the head's temporary file and renaming it leaves the file;
        // repair takes it away.
        assert_eq!(reckon(&log, &["repair"], None).code, 0, "trial {trial}");
        let left: Vec<_> = std::fs::read_dir(&log)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "entries.jsonl" && n != "head")
            .collect();
        assert!(
            left.is_empty(),
            "trial {trial}: left in the log directory: {left:?}"
        );
        std::fs::remove_dir_all(&log).unwrap();
    }
    outcomes
}

#[test]
fn d3_writers_killed_at_random_moments_never_lose_or_change_a_committed_entry() {
    let dir = scratch("d3kill");
    let claims: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"subject\":\"kill/s{}\",\"value\":\"{i}\",\"said_on\":\"2025\",\"speaker\":\"K{i}\"}}\n",
                i % 7
            )
        })
        .collect();
    let file = dir.join("claims.jsonl");
    std::fs::write(&file, claims).unwrap();
    // 60 trials of each writer in CI; a soak sets RECKON_KILL_TRIALS (and RECKON_KILL_SEED).
    let trials: u64 = std::env::var("RECKON_KILL_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut seed: u64 = std::env::var("RECKON_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let adds = kill_trials(
        &dir.join("add"),
        ADD_MINIMAL,
        trials,
        (300, 1200),
        &mut seed,
    );
    let imports = kill_trials(
        &dir.join("import"),
        &["import", file.to_str().unwrap()],
        trials,
        (850, 1150),
        &mut seed,
    );
    crate::support::notice(&format!(
        "d3 kill trials (untouched, committed, interrupted and repaired): add {adds:?}, import {imports:?}"
    ));
}

#[test]
fn d7_a_failed_checkpoint_write_keeps_the_old_checkpoint() {
    let dir = scratch("d7");
    let log = copied(&dir);
    let key = dir.join("k");
    let witness = dir.join("w");
    assert_eq!(
        reckon(
            &log,
            &["keygen", "log.example", "--out", key.to_str().unwrap()],
            None
        )
        .code,
        0
    );
    assert_eq!(
        reckon(
            &log,
            &["keygen", "w.example", "--out", witness.to_str().unwrap()],
            None
        )
        .code,
        0
    );
    let cp = dir.join("log.checkpoint");
    let cps = cp.to_str().unwrap();
    let k = format!("{}.key", key.display());
    let w = format!("{}.key", witness.display());
    assert_eq!(
        reckon(&log, &["checkpoint", "--key", &k, "--out", cps], None).code,
        0
    );
    let first = std::fs::read(&cp).unwrap();
    for args in [
        format!("checkpoint --key '{k}' --out '{cps}'"),
        format!("checkpoint --cosign '{cps}' --key '{w}' --out '{cps}'"),
    ] {
        let out = sh(&format!(
            "trap '' XFSZ; ulimit -f 0; '{BIN}' --log '{}' {args}",
            log.display()
        ));
        assert_eq!(out.status.code(), Some(2), "{args}");
        assert_eq!(std::fs::read(&cp).unwrap(), first, "{args}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn d9_a_link_planted_in_the_log_directory_is_never_written_through() {
    let dir = scratch("d9");
    let log = copied(&dir);
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "important config\n").unwrap();
    std::os::unix::fs::symlink(&victim, log.join("head.tmp")).unwrap();
    assert_eq!(reckon(&log, ADD_MINIMAL, None).code, 0);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "important config\n"
    );
    assert!(
        std::fs::symlink_metadata(log.join("head"))
            .unwrap()
            .is_file()
    );

    // An entries file that is a link is refused by every command, repair included.
    let s2 = dir.join("s2");
    std::fs::create_dir_all(&s2).unwrap();
    let token = dir.join("token.txt");
    std::fs::write(&token, "super-secret-token").unwrap();
    std::os::unix::fs::symlink(&token, s2.join("entries.jsonl")).unwrap();
    std::fs::write(s2.join("head"), format!("0 {}\n", "0".repeat(64))).unwrap();
    for args in [&["repair"][..], &["verify"], ADD_MINIMAL, &["log"]] {
        let r = reckon(&s2, args, None);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("symbolic link"), "{args:?}: {}", r.stderr);
        assert!(!r.stdout.contains("super-secret"), "{args:?}");
    }
    assert_eq!(
        std::fs::read_to_string(&token).unwrap(),
        "super-secret-token"
    );

    // keygen: a dangling link where the public key goes.
    let target = dir.join("victim3.txt");
    std::os::unix::fs::symlink(&target, dir.join("kk.pub")).unwrap();
    let r = reckon(
        &log,
        &[
            "keygen",
            "x.example",
            "--out",
            dir.join("kk").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(!target.exists());
    assert!(!dir.join("kk.key").exists(), "no half-made key pair");
}

#[test]
fn d13_a_head_moved_back_by_hand_is_not_mended_by_deleting_entries() {
    let dir = scratch("d13head");
    let log = seeded(&dir);
    // Two more appends, then the head file moved back over both.
    let head_before = std::fs::read(log.join("head")).unwrap();
    assert_eq!(reckon(&log, ADD_MINIMAL, None).code, 0);
    let mut other = ADD_MINIMAL.to_vec();
    other[4] = "2";
    let out = command(&log, &other)
        .env("SOURCE_DATE_EPOCH", "1763769700")
        .output()
        .unwrap();
    assert!(out.status.success());
    let entries = std::fs::read(log.join("entries.jsonl")).unwrap();
    std::fs::write(log.join("head"), &head_before).unwrap();
    let v = reckon(&log, &["verify"], None);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("moved back") && v.stdout.contains("--commit-tail"),
        "{}",
        v.stdout
    );
    let r = reckon(&log, &["repair"], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("--commit-tail"), "{}", r.stderr);
    assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), entries);
    let r = reckon(&log, &["repair", "--commit-tail"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("ok: 28 entries"), "{}", r.stdout);
    assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), entries);
}

#[test]
fn d14_a_held_lock_is_named_and_waited_for_no_longer_than_asked() {
    let dir = scratch("d14");
    let log = copied(&dir);
    // Hold the append lock from this process, as a stopped writer would.
    let f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open(log.join("entries.jsonl"))
        .unwrap();
    f.lock().unwrap();
    let t0 = std::time::Instant::now();
    let r = reckon(&log, &["--wait", "1.5", "verify"], None);
    let waited = t0.elapsed();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("waiting for the lock"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("process {}", std::process::id())),
        "names the holder: {}",
        r.stderr
    );
    assert!(r.stderr.contains("gave up after waiting"), "{}", r.stderr);
    assert!(waited.as_secs_f64() >= 1.4, "gave up too early");
    f.unlock().unwrap();
    assert_eq!(reckon(&log, &["--wait", "1", "verify"], None).code, 0);
}

#[test]
fn d4_count_after_conflicts_and_provenance_is_a_one_column_answer() {
    let dir = scratch("d4");
    let log = copied(&dir);
    for q in [
        "conflicts | count",
        "provenance #24 | count",
        "provenance \"pows/\" | count",
    ] {
        for format in ["table", "json", "csv"] {
            let r = reckon(&log, &["query", q, "--format", format], None);
            assert_eq!(r.code, 0, "{q} ({format}): {}", r.stderr);
            assert!(
                r.stdout.to_lowercase().contains("count"),
                "{q} ({format}): {}",
                r.stdout
            );
        }
    }
}

#[test]
fn d6_chains_of_fifty_thousand_terms_are_answered_not_overflowed() {
    let dir = scratch("d6");
    let log = copied(&dir);
    let saved = dir.join("saved");
    std::fs::create_dir_all(&saved).unwrap();
    for word in ["and", "or"] {
        let q = format!(
            "claims where {} | count\n",
            vec!["seq = 24"; 50_000].join(&format!(" {word} "))
        );
        let file = dir.join(format!("{word}.q"));
        std::fs::write(&file, &q).unwrap();
        std::fs::write(saved.join(format!("{word}.q")), &q).unwrap();
        let r = reckon(&log, &["query", "-f", file.to_str().unwrap()], None);
        assert_eq!(r.code, 0, "{word}: {}", r.stderr);
        assert!(r.stdout.contains("\n1\n"), "{word}: {}", r.stdout);
        // The same through a subject question, which reads through the index.
        let q = format!(
            "claims where subject = pows/ukraine/held-by-russia and {}",
            vec!["seq >= 1"; 50_000].join(" and ")
        );
        std::fs::write(&file, &q).unwrap();
        let r = reckon(
            &log,
            &["query", "-f", file.to_str().unwrap(), "--format", "csv"],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = reckon(&log, &["check", saved.to_str().unwrap(), "--bless"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = reckon(&log, &["check", saved.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn d10_control_characters_in_claim_fields_never_reach_the_terminal() {
    let dir = scratch("d10");
    let log = copied(&dir);
    let line = concat!(
        r#"{"subject":"t/s","value":"5","said_on":"2025","#,
        r#""speaker":"\u001b]0;pwned\u0007\u001b[31mRED\u009b\u202e","#,
        r#""quote":"line one\nok: 26 entries, head 0000\r"}"#,
        "\n"
    );
    assert_eq!(
        reckon(&log, &["import", "-"], Some(line.as_bytes())).code,
        0
    );
    for args in [
        &["show", "27"][..],
        &["log"],
        &["explain", "t/s"],
        &["conflicts"],
        &["reconcile"],
        &["graph", "t/s"],
        &["query", "claims where subject = t/s | show speaker, quote"],
        &["query", "provenance t/s"],
        &["log", "--format", "json"],
    ] {
        let r = reckon(&log, args, None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let bad = r.stdout.chars().find(|c| {
            (c.is_control() && *c != '\n' && *c != '\t') || ('\u{202a}'..='\u{202e}').contains(c)
        });
        assert_eq!(bad, None, "{args:?} printed a control character");
        assert!(
            !r.stdout.lines().any(|l| l.starts_with("ok: 26 entries")),
            "{args:?}: a field forged a line of its own"
        );
    }
    // JSON output stays JSON with the same text.
    let r = reckon(&log, &["log", "--format", "json"], None);
    let last: serde_json::Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        last["event"]["speaker"],
        "\u{1b}]0;pwned\u{7}\u{1b}[31mRED\u{9b}\u{202e}"
    );
}

#[test]
fn d11_an_unwritable_standard_error_is_an_exit_code_not_a_panic() {
    let dir = scratch("d11");
    let out = sh(&format!(
        "'{BIN}' --log '{}' verify 2>/dev/full",
        dir.join("nosuch").display()
    ));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_ends_the_listing_quietly_with_exit_zero() {
    let dir = scratch("pipe");
    let log = copied(&dir);
    // Far more than a pipe holds, so the writer meets the closed pipe.
    let claims: String = (0..5000)
        .map(|i| format!("{{\"subject\":\"p/s\",\"value\":\"{i}\",\"said_on\":\"2025\",\"speaker\":\"P{i}\"}}\n"))
        .collect();
    assert_eq!(
        reckon(&log, &["import", "-"], Some(claims.as_bytes())).code,
        0
    );
    let out = sh(&format!(
        "set -o pipefail; '{BIN}' --log '{}' log | head -1 >/dev/null",
        log.display()
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Rewrites entry `seq` of `log` in place: `from` becomes `to` (same length) and the entry's
/// own hash is made again, so only the chain (or a whole read) can tell.
fn forge_entry(log: &Path, seq: usize, from: &str, to: &str) {
    let p = log.join("entries.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let body = lines[seq - 1][65..].replace(from, to);
    assert_ne!(body, lines[seq - 1][65..], "{from} is not in entry {seq}");
    lines[seq - 1] = format!("{} {body}", blake3::hash(body.as_bytes()).to_hex());
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
}

#[test]
fn d5_a_question_never_answers_from_a_log_changed_after_its_index_was_made() {
    let dir = scratch("d5");
    let log = copied(&dir);
    let cache = dir.join("cache");
    let q = "claims where subject = pows/ukraine/held-by-russia | show seq, value";
    let f = "figures pows/ukraine/held-by-russia";
    settle(&log);
    let (first, _) = ask_traced(&log, &cache, q);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let _ = ask_traced(&log, &cache, f);
    let (warm, indexed) = ask_traced(&log, &cache, f);
    assert!(
        indexed && warm.code == 0,
        "the index answers an unchanged log: {}",
        warm.stderr
    );
    // A forged value, re-hashed so that only the chain shows it.
    forge_entry(&log, 24, "\"at least 8,000\"", "\"at least 9,000\"");
    for question in [q, f] {
        let (r, indexed) = ask_traced(&log, &cache, question);
        assert_eq!(r.code, 1, "{question}: {}{}", r.stdout, r.stderr);
        assert!(!indexed);
        assert!(
            !r.stdout.contains("9,000") && !r.stdout.contains("9000"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn d5_no_single_byte_change_to_an_indexed_log_is_answered_from() {
    let dir = scratch("d5flip");
    let log = copied(&dir);
    let cache = dir.join("cache");
    let original = std::fs::read(log.join("entries.jsonl")).unwrap();
    let q = "claims where subject = exchange/2025-05-23/agreed-per-side | show seq, value";
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut answered = 0;
    for trial in 0..40 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::fs::write(log.join("entries.jsonl"), &original).unwrap();
        settle(&log);
        let _ = ask_traced(&log, &cache, q);
        let (r, indexed) = ask_traced(&log, &cache, q);
        assert!(indexed && r.code == 0, "trial {trial}: {}", r.stderr);
        answered += 1;
        let mut bytes = original.clone();
        let at = (seed % bytes.len() as u64) as usize;
        bytes[at] ^= 1 << (seed >> 60 & 7);
        // In place, as an editor would: the same file, changed.
        std::fs::OpenOptions::new()
            .write(true)
            .open(log.join("entries.jsonl"))
            .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
            .unwrap();
        assert_eq!(
            reckon(&log, &["verify"], None).code,
            1,
            "trial {trial}: flip at {at}"
        );
        let (r, indexed) = ask_traced(&log, &cache, q);
        assert_ne!(
            r.code, 0,
            "trial {trial}: a flip at byte {at} was answered: {}",
            r.stdout
        );
        assert!(!indexed, "trial {trial}");
    }
    assert_eq!(answered, 40);
}

#[test]
fn d5_a_forged_index_count_is_refused_before_anything_is_allocated() {
    let dir = scratch("d5count");
    let log = copied(&dir);
    let cache = dir.join("cache");
    let q = "figures pows/ukraine/held-by-russia";
    settle(&log);
    let (honest, _) = ask_traced(&log, &cache, q);
    let _ = ask_traced(&log, &cache, q);
    let file = cache_file(&cache);
    let bytes = std::fs::read(&file).unwrap();
    // The origin-record count follows the magic (15 bytes), the stamp (56), the head (40)
    // and the records flag (1). Set it to 2^32 - 1 and make the checksum right again.
    let mut forged = bytes[..bytes.len() - 32].to_vec();
    forged[112..116].copy_from_slice(&u32::MAX.to_le_bytes());
    let sum = *blake3::hash(&forged).as_bytes();
    forged.extend_from_slice(&sum);
    std::fs::write(&file, &forged).unwrap();
    let (r, indexed) = ask_traced(&log, &cache, q);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!indexed);
    assert_eq!(r.stdout, honest.stdout);
}

/// A log of one claim quoting `document`, in `dir/log`.
fn quoting(dir: &Path, document: &str, quote: &str) -> PathBuf {
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let line = serde_json::json!({"subject": "d/a", "value": "1", "said_on": "2025",
        "speaker": "A", "document": document, "quote": quote});
    let r = reckon(&log, &["import", "-"], Some(format!("{line}\n").as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    log
}

#[test]
fn d8_documents_outside_the_folder_fifos_and_devices_are_never_read() {
    let dir = scratch("d8");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let secret = dir.join("secret.txt");
    std::fs::write(&secret, "root:x:0:0").unwrap();
    std::os::unix::fs::symlink(&secret, docs.join("a.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", docs.join("zero.txt")).unwrap();
    assert!(
        sh(&format!("mkfifo '{}'", docs.join("fifo.txt").display()))
            .status
            .success()
    );
    std::fs::write(docs.join("inside.txt"), "the words root:x:0:0 are here").unwrap();
    std::os::unix::fs::symlink(docs.join("inside.txt"), docs.join("link-inside.txt")).unwrap();
    for (name, ok) in [
        ("a.txt", false),
        ("zero.txt", false),
        ("fifo.txt", false),
        ("inside.txt", true),
        ("link-inside.txt", true),
    ] {
        let case = dir.join(name);
        std::fs::create_dir_all(&case).unwrap();
        let log = quoting(&case, name, "root:x:0:0");
        let t0 = std::time::Instant::now();
        let r = reckon(
            &log,
            &["verify", "--documents", docs.to_str().unwrap()],
            None,
        );
        assert!(t0.elapsed().as_secs() < 10, "{name}: took too long");
        assert_eq!(
            r.code,
            if ok { 0 } else { 1 },
            "{name}: {}{}",
            r.stdout,
            r.stderr
        );
        if !ok {
            assert!(
                r.stdout.contains("out of the documents folder")
                    || r.stdout.contains("not a regular file"),
                "{name}: {}",
                r.stdout
            );
        }
    }
}

#[test]
fn d8_import_refuses_document_names_that_the_quote_check_would_refuse() {
    let dir = scratch("d8names");
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    for name in ["../../etc/passwd", "/etc/passwd", "a/../../b", "docs/"] {
        let line = serde_json::json!({"subject": "d/a", "value": "1", "said_on": "2025",
            "speaker": "A", "document": name});
        let r = reckon(&log, &["import", "-"], Some(format!("{line}\n").as_bytes()));
        assert_eq!(r.code, 2, "{name}");
        assert!(
            r.stderr.contains("field `document`"),
            "{name}: {}",
            r.stderr
        );
    }
}

#[test]
fn c6_a_retracted_or_corrected_claim_with_a_wrong_quote_is_listed_not_failed() {
    let dir = scratch("c6");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), "what was really said").unwrap();
    let log = quoting(&dir, "a.txt", "words never said");
    let r = reckon(
        &log,
        &["verify", "--documents", docs.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 1, "a live claim with a wrong quote fails");
    assert_eq!(
        reckon(&log, &["retract", "1", "--reason", "misquoted"], None).code,
        0
    );
    let r = reckon(
        &log,
        &["verify", "--documents", docs.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("retracted or corrected: listed, not failed"),
        "{}",
        r.stdout
    );
    // A corrected claim is not live either: its wrong quote is listed, not failed.
    let log2 = quoting(&dir.join("corrected"), "a.txt", "words never said");
    let fix = r#"{"subject": "d/a", "value": "1", "said_on": "2025", "speaker": "A", "document": "a.txt", "quote": "what was really said", "supersedes": 1}"#;
    assert_eq!(
        reckon(&log2, &["import", "-"], Some(format!("{fix}\n").as_bytes())).code,
        0
    );
    let r = reckon(
        &log2,
        &["verify", "--documents", docs.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "2 quotes and 0 document hashes checked, 0 problems, 1 of retracted or corrected"
        ),
        "{}",
        r.stdout
    );
}

/// An event's JSON text with `type` first, as the format requires.
fn event_text(ev: &serde_json::Value) -> String {
    let mut rest = ev.as_object().unwrap().clone();
    let t = rest.remove("type").unwrap();
    let body = serde_json::Value::Object(rest).to_string();
    format!("{{\"type\":{t},{}", &body[1..])
}

/// Writes `events` as a log with a valid chain and head, as another tool could.
fn forged_log(dir: &Path, events: &[serde_json::Value]) -> PathBuf {
    let log = dir.join("log");
    std::fs::create_dir_all(&log).unwrap();
    let mut prev = "0".repeat(64);
    let mut text = String::new();
    for (i, ev) in events.iter().enumerate() {
        let body = format!(
            "{{\"seq\":{},\"prev\":\"{prev}\",\"at\":\"2025-11-22T00:00:00Z\",\"event\":{}}}",
            i + 1,
            event_text(ev)
        );
        let hash = blake3::hash(body.as_bytes()).to_hex().to_string();
        text.push_str(&format!("{hash} {body}\n"));
        prev = hash;
    }
    std::fs::write(log.join("entries.jsonl"), text).unwrap();
    std::fs::write(log.join("head"), format!("{} {prev}\n", events.len())).unwrap();
    log
}

#[test]
fn d12_deep_verification_checks_every_reference_an_append_checks() {
    use serde_json::json;
    let dir = scratch("d12");
    let claim = |s: &str, v: &str| json!({"type": "claim", "subject": s, "value": v, "unit": "count", "said_on": "2025", "speaker": "X"});
    // The hash of the first entry of a forged log of `first`, for references to it.
    let first_hash = |first: &serde_json::Value| {
        let body = format!(
            "{{\"seq\":1,\"prev\":\"{}\",\"at\":\"2025-11-22T00:00:00Z\",\"event\":{}}}",
            "0".repeat(64),
            event_text(first)
        );
        blake3::hash(body.as_bytes()).to_hex().to_string()
    };
    let a = claim("a/b", "1");
    let h = first_hash(&a);
    let define = json!({"type": "define", "subject": "a/b"});
    let hd = first_hash(&define);
    let cases: Vec<(&str, Vec<serde_json::Value>)> = vec![
        (
            "dangling retraction",
            vec![
                a.clone(),
                json!({"type": "retract", "claim": "ab".repeat(32), "reason": "x"}),
            ],
        ),
        (
            "double withdrawal of a definition",
            vec![
                define.clone(),
                json!({"type": "retract", "claim": hd, "reason": "x"}),
                json!({"type": "retract", "claim": hd, "reason": "y"}),
            ],
        ),
        (
            "supersession of a definition",
            vec![
                define.clone(),
                json!({"type": "claim", "subject": "a/b", "value": "1", "unit": "count", "said_on": "2025", "speaker": "X", "supersedes": hd}),
            ],
        ),
        (
            "double retraction",
            vec![
                a.clone(),
                json!({"type": "retract", "claim": h, "reason": "x"}),
                json!({"type": "retract", "claim": h, "reason": "y"}),
            ],
        ),
        (
            "self alias",
            vec![
                a.clone(),
                json!({"type": "alias", "subject": "a/b", "same_as": "a/b"}),
            ],
        ),
        (
            "alias cycle",
            vec![
                a.clone(),
                claim("c/d", "1"),
                json!({"type": "alias", "subject": "a/b", "same_as": "c/d"}),
                json!({"type": "alias", "subject": "c/d", "same_as": "a/b"}),
            ],
        ),
        (
            "sum of itself",
            vec![json!({"type": "define", "subject": "s/t", "sum_of": ["s/t", "a/b"]})],
        ),
        (
            "sum cycle",
            vec![
                json!({"type": "define", "subject": "s/t", "sum_of": ["s/u", "a/b"]}),
                json!({"type": "define", "subject": "s/u", "sum_of": ["s/t", "a/c"]}),
            ],
        ),
    ];
    for (name, events) in cases {
        let case = dir.join(name.replace(' ', "-"));
        let log = forged_log(&case, &events);
        assert_eq!(
            reckon(&log, &["verify"], None).code,
            0,
            "{name}: the chain itself is sound"
        );
        let r = reckon(&log, &["verify", "--deep"], None);
        assert_eq!(r.code, 1, "{name}: {}", r.stdout);
        assert!(r.stdout.contains("bad reference"), "{name}: {}", r.stdout);
    }
    // A sound log of references passes.
    let ok = forged_log(
        &dir.join("sound"),
        &[
            a.clone(),
            json!({"type": "retract", "claim": h, "reason": "x"}),
        ],
    );
    assert_eq!(reckon(&ok, &["verify", "--deep"], None).code, 0);
}

/// Deep verification reads the log in one pass that keeps no entry, and still says what a
/// whole read said: damage to the chain anywhere comes before a bad reference, even one
/// found earlier in the pass (in a piece of the log checked and handed out before the one
/// that holds the damage: the log is made longer than the 16 MiB a piece is read in).
#[test]
fn deep_verification_names_damage_before_an_earlier_bad_reference() {
    use serde_json::json;
    let dir = scratch("deep-order");
    let words = "w".repeat(1000);
    let claim = json!({"type": "claim", "subject": "a/b", "value": "1", "unit": "count", "said_on": "2025", "speaker": "X", "quote": words});
    let mut events = vec![
        claim.clone(),
        json!({"type": "retract", "claim": "ab".repeat(32), "reason": "no such claim"}),
    ];
    events.extend(std::iter::repeat_n(claim, 20_000));
    let entries = events.len();
    let log = forged_log(&dir, &events);
    let r = reckon(&log, &["verify", "--deep"], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("bad reference") && r.stdout.contains("entry 2"),
        "{}",
        r.stdout
    );
    // The last line's body changed, after the bad reference: its hash no longer matches.
    let path = log.join("entries.jsonl");
    let mut lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let last = lines
        .pop()
        .unwrap()
        .replace("\"value\":\"1\"", "\"value\":\"2\"");
    lines.push(last);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let r = reckon(&log, &["verify", "--deep"], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(!r.stdout.contains("bad reference"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("entry {entries}")),
        "{}",
        r.stdout
    );
}

#[test]
fn d13_messages_say_what_repair_will_do_and_echo_no_more_than_needed() {
    let dir = scratch("d13");
    // Complete uncommitted lines, then a torn one: all of them are named.
    let log = copied(&dir);
    let committed = snapshot(&log);
    let two = concat!(
        r#"{"subject":"a/b","value":"1","said_on":"2025","speaker":"X"}"#,
        "\n",
        r#"{"subject":"a/b","value":"2","said_on":"2025","speaker":"Y"}"#,
        "\n"
    );
    assert_eq!(reckon(&log, &["import", "-"], Some(two.as_bytes())).code, 0);
    let next = next_line(&dir.join("n"));
    let mut bytes = std::fs::read(log.join("entries.jsonl")).unwrap();
    bytes.extend_from_slice(&next[..40]);
    std::fs::write(log.join("entries.jsonl"), &bytes).unwrap();
    std::fs::write(log.join("head"), &committed.1).unwrap();
    let v = reckon(&log, &["verify"], None);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("entry 27") && v.stdout.contains("2 complete line(s)"),
        "{}",
        v.stdout
    );
    assert_eq!(reckon(&log, &["repair"], None).code, 0);
    assert_eq!(snapshot(&log), committed);

    // A byte order mark inside the input is named as such (one opening it is passed over).
    let r = reckon(
        &log,
        &["import", "-", "--dry-run"],
        Some("\u{feff}{\"subject\": \"bom/ok\", \"value\": \"5\", \"said_on\": \"2025-01-01\", \"speaker\": \"X\"}\n\u{feff}{}\n".as_bytes()),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("-:2:1: the line starts with a byte order mark"),
        "{}",
        r.stderr
    );
    let r = reckon(
        &log,
        &["import", "-", "--dry-run"],
        Some("\u{feff}{\"subject\": \"bom/ok\", \"value\": \"5\", \"said_on\": \"2025-01-01\", \"speaker\": \"X\"}\n".as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());

    // A 100,000-character field name is not echoed whole.
    let long = format!("{{\"{}\":1}}\n", "k".repeat(100_000));
    let r = reckon(&log, &["import", "-"], Some(long.as_bytes()));
    assert_eq!(r.code, 2);
    assert!(r.stderr.len() < 1000, "{} bytes of stderr", r.stderr.len());

    // A system error is said once.
    let r = reckon(
        &log,
        &["import", dir.join("missing.jsonl").to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.matches("os error").count(), 1, "{}", r.stderr);
    let r = reckon(&dir.join("nolog"), ADD_MINIMAL, None);
    assert_eq!(r.stderr.matches("os error").count(), 0, "{}", r.stderr);

    // A negative figure is refused by the figure rules, not taken for a flag.
    let r = reckon(
        &log,
        &[
            "add",
            "--subject",
            "a/b",
            "--value",
            "-5",
            "--said-on",
            "2025",
            "--speaker",
            "X",
        ],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--value"), "{}", r.stderr);
    assert!(!r.stderr.contains("unexpected argument"), "{}", r.stderr);
}

#[test]
fn c4_a_checkpoint_taken_during_an_append_signs_only_committed_entries() {
    let dir = scratch("c4");
    let log = copied(&dir);
    let key = dir.join("k");
    assert_eq!(
        reckon(
            &log,
            &["keygen", "log.example", "--out", key.to_str().unwrap()],
            None
        )
        .code,
        0
    );
    let k = format!("{}.key", key.display());
    let claims: String = (0..30_000)
        .map(|i| format!("{{\"subject\":\"c4/s\",\"value\":\"{i}\",\"said_on\":\"2025\",\"speaker\":\"W{i}\"}}\n"))
        .collect();
    let file = dir.join("claims.jsonl");
    std::fs::write(&file, claims).unwrap();
    let mut writer = command(&log, &["import", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut sizes = Vec::new();
    for i in 0..15 {
        let cp = dir.join(format!("cp{i}"));
        let r = reckon(
            &log,
            &["checkpoint", "--key", &k, "--out", cp.to_str().unwrap()],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = std::fs::read_to_string(&cp).unwrap();
        sizes.push((cp, text.lines().nth(1).unwrap().parse::<u64>().unwrap()));
    }
    assert!(writer.wait().unwrap().success());
    let public = format!("{}.pub", key.display());
    for (cp, size) in sizes {
        assert!(
            size == 26 || size == 30_026,
            "a checkpoint of {size} entries"
        );
        let r = reckon(
            &log,
            &["verify", "--since", cp.to_str().unwrap(), "--key", &public],
            None,
        );
        assert_eq!(r.code, 0, "{size}: {}{}", r.stdout, r.stderr);
    }
}

#[test]
fn an_expected_answer_that_cannot_be_read_fails_and_is_never_blessed_over() {
    let dir = scratch("check-unreadable");
    let log = copied(&dir);
    let saved = dir.join("saved");
    std::fs::create_dir_all(saved.join("a.out")).unwrap();
    std::fs::write(saved.join("a.q"), "claims | count\n").unwrap();
    for args in [
        vec!["check", saved.to_str().unwrap()],
        vec!["check", saved.to_str().unwrap(), "--bless"],
    ] {
        let r = reckon(&log, &args, None);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        assert!(r.stdout.contains("cannot read"), "{}", r.stdout);
        assert!(saved.join("a.out").is_dir(), "{args:?} replaced it");
    }
}

#[test]
fn add_refuses_an_entry_over_the_line_limit_that_import_refuses() {
    let dir = scratch("add-limit");
    let log = copied(&dir);
    let before = snapshot(&log);
    // One argument holds at most 128 KiB, so the entry is made long by several fields.
    let long = "q".repeat(120_000);
    let mut args = vec![
        "add",
        "--subject",
        "a/b",
        "--value",
        "1",
        "--said-on",
        "2025",
    ];
    for flag in [
        "--speaker",
        "--scope",
        "--role",
        "--cites",
        "--publisher",
        "--url",
        "--title",
        "--quote",
        "--unit",
    ] {
        args.extend([flag, long.as_str()]);
    }
    let r = reckon(&log, &args, None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("1 MiB"), "{}", r.stderr);
    assert_eq!(snapshot(&log), before);
}

#[test]
fn repair_removes_the_temporary_files_a_stopped_write_left_and_says_so() {
    let dir = scratch("temps");
    let log = copied(&dir);
    let before = snapshot(&log);
    let temp = log.join(".head.tmp-4242-0000abcd-0");
    std::fs::write(&temp, "27 0000\n").unwrap();
    assert_eq!(
        reckon(&log, &["verify"], None).code,
        0,
        "a temporary file is not damage"
    );
    let r = reckon(&log, &["repair", "--dry-run"], None);
    assert!(r.stdout.contains("1 temporary file(s)"), "{}", r.stdout);
    assert!(temp.exists());
    let r = reckon(&log, &["repair"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(".head.tmp-4242-0000abcd-0"),
        "{}",
        r.stdout
    );
    assert!(!temp.exists());
    assert_eq!(snapshot(&log), before);
}
