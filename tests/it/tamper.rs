//! Tampering with a log is always detected, and the first bad entry is named: a property test
//! over random positions, lines and pairs, checked through the library, plus the exit code of
//! the command itself.

use crate::support::{reckon, reckon_with, root, scratch};
use proptest::prelude::*;
use reckon_ledger::{Log, Problem};
use std::path::PathBuf;
use std::sync::OnceLock;

/// A log of the seed claims plus some synthetic ones, built once: its two files.
fn base() -> &'static (Vec<u8>, Vec<u8>) {
    static BASE: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = scratch("tamper-base");
        let log = Log::at(dir.join("log"));
        log.init().unwrap();
        let seeds = std::fs::read(root().join("log/claims.jsonl")).unwrap();
        reckon_ledger::import(&log, "claims.jsonl", &seeds).unwrap();
        let extra: String = (0..14)
            .map(|i| format!("{{\"subject\":\"t/s{}\",\"value\":\"{}\",\"said_on\":\"2025\",\"speaker\":\"S{i}\"}}\n", i % 3, i * 7))
            .collect();
        reckon_ledger::import(&log, "extra.jsonl", extra.as_bytes()).unwrap();
        (std::fs::read(log.entries_path()).unwrap(), std::fs::read(log.head_path()).unwrap())
    })
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Writes the files to a fresh directory and verifies.
fn verify(entries: &[u8], head: &[u8]) -> Result<(), Problem> {
    let dir = scratch("tamper");
    let log = dir.join("log");
    std::fs::create_dir_all(&log).unwrap();
    std::fs::write(log.join("entries.jsonl"), entries).unwrap();
    std::fs::write(log.join("head"), head).unwrap();
    let r = Log::at(&log).verify().unwrap().map(|_| ());
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn names_entry(p: &Problem, k: usize) -> bool {
    p.to_string().starts_with(&format!("entry {k} "))
        || p.to_string().starts_with(&format!("entry {k}:"))
}

#[test]
fn the_untouched_log_verifies() {
    let (e, h) = base();
    assert_eq!(verify(e, h), Ok(()));
    let (kept, projected) = read_both(e, h);
    assert!(kept.as_ref().is_ok_and(|k| k.len() >= 40), "{kept:?}");
    assert_eq!(kept, projected);
}

/// Writes the files to a fresh directory and reads every entry two ways: decoded and kept
/// (`entries`), and decoded and handed one at a time to a projection (`project`, what the lean
/// fold of `reconcile` reads): the error text of each, or what each read.
fn read_both(entries: &[u8], head: &[u8]) -> (Result<Vec<u64>, String>, Result<Vec<u64>, String>) {
    let dir = scratch("tamper-project");
    let log = dir.join("log");
    std::fs::create_dir_all(&log).unwrap();
    std::fs::write(log.join("entries.jsonl"), entries).unwrap();
    std::fs::write(log.join("head"), head).unwrap();
    let log = Log::at(&log);
    let snap = log.snapshot().unwrap();
    let kept = snap
        .entries()
        .map(|es| es.iter().map(|e| e.seq).collect())
        .map_err(|e| e.to_string());
    let projected = snap
        .project(&|e, _| e.seq)
        .map(|(_, seqs)| seqs)
        .map_err(|e| e.to_string());
    drop(snap);
    let _ = std::fs::remove_dir_all(&dir);
    (kept, projected)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_projection_refuses_what_a_full_read_refuses(pos in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let (e, h) = base();
        let mut bad = e.clone();
        bad[pos.index(e.len())] ^= mask;
        let (kept, projected) = read_both(&bad, h);
        prop_assert!(kept.is_err(), "a flipped byte went unnoticed");
        prop_assert_eq!(kept, projected);
    }

    #[test]
    fn any_flipped_byte_is_caught_at_its_line(pos in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let (e, h) = base();
        let p = pos.index(e.len());
        let mut bad = e.clone();
        bad[p] ^= mask;
        let line = e[..p].iter().filter(|b| **b == b'\n').count() + 1;
        let problem = verify(&bad, h).expect_err("a flipped byte went unnoticed");
        prop_assert_eq!(problem.line(), Some(line as u64), "{}", problem);
        prop_assert!(names_entry(&problem, line), "{}", problem);
    }

    #[test]
    fn a_deleted_line_is_caught(k in any::<prop::sample::Index>()) {
        let (e, h) = base();
        let mut ls = lines(e);
        let k = k.index(ls.len());
        ls.remove(k);
        let problem = verify(&ls.concat(), h).expect_err("a deleted line went unnoticed");
        prop_assert!(names_entry(&problem, k + 1), "{}", problem);
    }

    #[test]
    fn two_swapped_lines_are_caught_at_the_first(a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let (e, h) = base();
        let mut ls = lines(e);
        let (i, j) = (a.index(ls.len()), b.index(ls.len()));
        prop_assume!(i != j);
        ls.swap(i, j);
        let problem = verify(&ls.concat(), h).expect_err("swapped lines went unnoticed");
        prop_assert!(names_entry(&problem, i.min(j) + 1), "{}", problem);
    }

    #[test]
    fn an_inserted_line_is_caught_where_it_stands(at in any::<prop::sample::Index>(), from in any::<prop::sample::Index>()) {
        let (e, h) = base();
        let mut ls = lines(e);
        let copy = ls[from.index(ls.len())].clone();
        let k = at.index(ls.len() + 1);
        // A copy inserted just before its original reads as the original followed by a copy.
        let first_bad = if ls.get(k) == Some(&copy) { k + 2 } else { k + 1 };
        ls.insert(k, copy);
        let problem = verify(&ls.concat(), h).expect_err("an inserted line went unnoticed");
        prop_assert!(names_entry(&problem, first_bad), "{}", problem);
    }

    #[test]
    fn a_torn_last_line_is_caught(cut in any::<prop::sample::Index>()) {
        let (e, h) = base();
        let last_start = e[..e.len() - 1].iter().rposition(|b| *b == b'\n').unwrap() + 1;
        let keep = last_start + 1 + cut.index(e.len() - last_start - 1);
        let n = lines(e).len();
        let problem = verify(&e[..keep], h).expect_err("a torn tail went unnoticed");
        // The head still names the cut entry: not an interrupted append, so not repairable.
        prop_assert!(matches!(problem, Problem::TornCommitted { .. }), "{}", problem);
        prop_assert!(names_entry(&problem, n), "{}", problem);
    }

    #[test]
    fn any_change_to_the_head_file_is_caught(pos in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let (e, h) = base();
        let mut bad = h.clone();
        let p = pos.index(bad.len());
        bad[p] ^= mask;
        prop_assert!(verify(e, &bad).is_err());
    }
}

#[test]
fn the_command_exits_1_and_names_the_entry() {
    let (e, h) = base();
    let dir = scratch("tamper-cli");
    let log: PathBuf = dir.join("log");
    std::fs::create_dir_all(&log).unwrap();
    let mut ls = lines(e);
    ls.swap(3, 7);
    std::fs::write(log.join("entries.jsonl"), ls.concat()).unwrap();
    std::fs::write(log.join("head"), h).unwrap();
    let r = reckon(&log, &["verify"], None);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("entry 4 (line 4): sequence gap: expected seq 4, found 8"),
        "{}",
        r.stdout
    );
}

/// An entry forged with a valid hash and link but an event that is not a valid event (here,
/// a unit that is a number): plain verify checks what its speed allows, `--deep` and every
/// command that reads the log refuse it.
#[test]
fn a_rehashed_invalid_event_is_caught_by_verify_deep_and_by_reading() {
    let (e, _) = base();
    let dir = scratch("tamper-deep");
    let log: PathBuf = dir.join("log");
    std::fs::create_dir_all(&log).unwrap();
    let mut ls: Vec<String> = String::from_utf8(e.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let last = ls.pop().unwrap();
    let body = last[65..].replacen("\"unit\":\"", "\"unit\":7,\"x\":\"", 1);
    let hash = blake3::hash(body.as_bytes()).to_hex().to_string();
    ls.push(format!("{hash} {body}"));
    std::fs::write(log.join("entries.jsonl"), format!("{}\n", ls.join("\n"))).unwrap();
    std::fs::write(log.join("head"), format!("{} {hash}\n", ls.len())).unwrap();
    assert_eq!(reckon(&log, &["verify"], None).code, 0);
    let deep = reckon(&log, &["verify", "--deep"], None);
    assert_eq!(deep.code, 1, "{}", deep.stdout);
    assert!(
        deep.stdout.contains(&format!(
            "entry {} (line {}): unparsable entry: the event is not valid",
            ls.len(),
            ls.len()
        )),
        "{}",
        deep.stdout
    );
    assert_eq!(reckon(&log, &["log"], None).code, 1);
}

/// T3 of the code review: a log of about 20 MiB, over the single-thread threshold (1 MiB) and
/// the 16 MiB piece the scanner reads at a time, so that flips land in every path: inside a
/// piece checked by several threads, on the lines where threads meet, and across the piece
/// boundary. Each flip must be named at its own entry.
#[test]
fn flips_in_a_log_checked_on_several_threads_and_pieces_are_named_at_their_entry() {
    let dir = scratch("tamper-big");
    let log = many_claims(&dir, 62_000, 97);
    let path = log.entries_path();
    let original = std::fs::read(&path).unwrap();
    assert!(original.len() > 18 << 20, "{} bytes", original.len());
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr_positions(&original).into_iter().map(|p| p + 1))
        .filter(|&p| p < original.len())
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    // Where pieces and thread runs meet, and a few more.
    let piece = 16usize << 20;
    let mut offsets = vec![
        piece - 1,
        piece,
        piece + 1,
        piece / 2,
        piece / 2 + 70,
        piece / 4,
        3 * piece / 4,
        original.len() - 2,
        100,
    ];
    // The first byte of the lines on each side of the piece boundary and of a half-piece.
    for mark in [piece, piece / 2, piece + (original.len() - piece) / 2] {
        let k = line_of(mark);
        offsets.push(starts[k - 1]);
        if k < starts.len() {
            offsets.push(starts[k]);
        }
    }
    for at in offsets {
        let mut bytes = original.clone();
        bytes[at] ^= 0x04;
        std::fs::write(&path, &bytes).unwrap();
        let problem = log.verify().unwrap().expect_err("a flip went unnoticed");
        let k = line_of(at) as u64;
        // A flip in entry k's own bytes is named at k; a flip in its hash may show first as
        // the next entry's broken link.
        let named = problem.line();
        assert!(
            named == Some(k) || named == Some(k + 1),
            "flip at byte {at} (entry {k}) reported as: {problem}"
        );
    }
    std::fs::write(&path, &original).unwrap();
    assert!(log.verify().unwrap().is_ok());
}

/// A new log in `dir/log` of `n` claims (about 350 bytes each) over `subjects` subjects.
fn many_claims(dir: &std::path::Path, n: usize, subjects: usize) -> Log {
    let log = Log::at(dir.join("log"));
    log.init().unwrap();
    let claims: String = (0..n)
        .map(|i| {
            format!(
                "{{\"subject\":\"big/s{}\",\"value\":\"{i}\",\"said_on\":\"2025\",\"speaker\":\"Speaker number {i}\",\"quote\":\"{}\"}}\n",
                i % subjects,
                "words ".repeat(20)
            )
        })
        .collect();
    reckon_ledger::import(&log, "big.jsonl", claims.as_bytes()).unwrap();
    log
}

fn memchr_positions(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// `reckon log` writes each entry's line as the pass checks it (a piece of the log at a time,
/// on all cores), never holding the log: over a log of several pieces every entry is listed
/// once, in order, as the entries file has it (seq and hash, line by line); with a byte
/// changed in the middle the listing stops before the changed entry, fails, and names it.
#[test]
fn the_listing_is_written_as_checked_and_stops_at_the_first_bad_entry() {
    let dir = scratch("listing");
    let log = many_claims(&dir, 12_000, 31);
    let path = log.entries_path();
    let original = std::fs::read(&path).unwrap();
    assert!(original.len() > 4 << 20, "{} bytes", original.len());
    let file_lines: Vec<&[u8]> = original
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let listed = |stdout: &str| -> Vec<(u64, String)> {
        stdout
            .lines()
            .map(|l| {
                let j: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    j["seq"].as_u64().unwrap(),
                    j["hash"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let dir_log = dir.join("log");
    let whole = reckon(&dir_log, &["log", "--format", "json"], None);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let rows = listed(&whole.stdout);
    assert_eq!(rows.len(), file_lines.len());
    for (k, ((seq, hash), line)) in rows.iter().zip(&file_lines).enumerate() {
        assert_eq!(*seq, k as u64 + 1);
        assert!(line.starts_with(hash.as_bytes()), "entry {seq}");
    }
    // A byte of entry 9,000's event changed (its line is well past the first pieces).
    let start: usize = file_lines[..8_999].iter().map(|l| l.len() + 1).sum();
    let mut bytes = original.clone();
    bytes[start + 200] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let broken = reckon(&dir_log, &["log", "--format", "json"], None);
    assert_eq!(broken.code, 1);
    assert!(broken.stderr.contains("entry 9000"), "{}", broken.stderr);
    let rows = listed(&broken.stdout);
    // The pieces checked before the bad one were listed; nothing from it or after it.
    assert!(!rows.is_empty() && rows.len() < 9_000, "{}", rows.len());
    for (k, (seq, _)) in rows.iter().enumerate() {
        assert_eq!(*seq, k as u64 + 1);
    }
}

/// `reckon export` writes each claim as the pass checks it, with the fates a fold of the
/// whole log found: over a log of several pieces, corrections and a retraction filed pieces
/// after the claims they name give those claims' states and the corrections their
/// `supersedes_seq`, every claim is exported once, in order; and the export made from the
/// folded snapshot saved by the first is the same bytes. A byte changed in the middle fails
/// the export (exit 1), naming the entry, with nothing written.
#[test]
fn the_export_is_written_as_checked_with_fates_filed_pieces_later() {
    let dir = scratch("exportpieces");
    let log = many_claims(&dir, 12_000, 31);
    let dir_log = dir.join("log");
    let later = [
        r#"{"subject":"big/s1","value":"7","said_on":"2025","speaker":"Corrector","supersedes":2}"#,
        r#"{"subject":"big/s0","value":"8","said_on":"2025","speaker":"Corrector","supersedes":11000}"#,
        r#"{"retract":5,"reason":"misread"}"#,
        r#"{"subject":"big/s1","value":"9","said_on":"2025","speaker":"Second","supersedes":12001}"#,
    ];
    let text: String = later.iter().map(|l| format!("{l}\n")).collect();
    // Through the library, as `many_claims` (the command would record the test's fixed
    // date, earlier than the claims').
    reckon_ledger::import(&log, "later.jsonl", text.as_bytes()).unwrap();
    let cache = dir.join("cache");
    let export = || {
        reckon_with(
            &dir_log,
            &["export", "--all"],
            None,
            &[("RECKON_CACHE_DIR", cache.as_os_str())],
        )
    };
    let first = export();
    assert_eq!(first.code, 0, "{}", first.stderr);
    let rows: Vec<serde_json::Value> = first
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seqs: Vec<u64> = rows
        .iter()
        .map(|r| r["exported"]["seq"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=12_002).chain([12_004]).collect();
    assert_eq!(seqs, expected);
    let at = |seq: usize| &rows[if seq > 12_003 { seq - 2 } else { seq - 1 }]["exported"];
    assert_eq!(at(2)["state"], "superseded");
    assert_eq!(at(2)["superseded_by"], 12_001);
    assert_eq!(at(11_000)["superseded_by"], 12_002);
    assert_eq!(at(5)["state"], "retracted");
    assert_eq!(at(5)["retracted_by"], 12_003);
    assert_eq!(at(5)["retraction_reason"], "misread");
    assert_eq!(at(12_001)["supersedes_seq"], 2);
    assert_eq!(at(12_001)["superseded_by"], 12_004);
    assert_eq!(at(12_002)["supersedes_seq"], 11_000);
    assert_eq!(at(12_002)["state"], "live");
    assert_eq!(at(12_004)["supersedes_seq"], 12_001);
    assert_eq!(at(3)["state"], "live");
    let again = export();
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout == first.stdout,
        "the export from the saved snapshot differs"
    );
    // Live claims only, by default: the four withdrawn (2, 5, 11,000, 12,001) are left out.
    let live = reckon_with(
        &dir_log,
        &["export"],
        None,
        &[("RECKON_CACHE_DIR", cache.as_os_str())],
    );
    assert_eq!(live.stdout.lines().count(), 12_003 - 4);
    let path = log.entries_path();
    let mut bytes = std::fs::read(&path).unwrap();
    let start: usize = bytes
        .split(|b| *b == b'\n')
        .take(8_999)
        .map(|l| l.len() + 1)
        .sum();
    bytes[start + 200] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let broken = export();
    assert_eq!(broken.code, 1);
    assert!(broken.stderr.contains("entry 9000"), "{}", broken.stderr);
    assert!(broken.stdout.is_empty());
}

/// A reader of the streamed pass may stop it (`reckon log | head`): the pieces after the one
/// it stopped at are not read, so a changed byte past them is not reported, and the pass
/// says it did not reach the end (`None`) instead of naming a head. Not stopped, the same
/// pass reports the change.
#[test]
fn a_streamed_pass_stopped_by_its_reader_reads_no_further() {
    let dir = scratch("stoppedpass");
    let log = many_claims(&dir, 12_000, 31);
    let path = log.entries_path();
    let mut bytes = std::fs::read(&path).unwrap();
    let start: usize = bytes
        .split(|b| *b == b'\n')
        .take(11_000)
        .map(|l| l.len() + 1)
        .sum();
    bytes[start + 200] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let snapshot = log.snapshot().unwrap();
    let seq = |e: reckon_ledger::Entry, _| e.seq;
    let mut seen = Vec::new();
    let stopped = snapshot
        .project_each(&seq, &mut |piece| {
            seen.extend(piece);
            std::ops::ControlFlow::Break(())
        })
        .unwrap();
    assert!(stopped.is_none());
    assert!(!seen.is_empty() && seen.len() < 11_000, "{}", seen.len());
    assert!(seen.iter().enumerate().all(|(k, s)| *s == k as u64 + 1));
    let whole = snapshot.project_each(&seq, &mut |_| std::ops::ControlFlow::Continue(()));
    assert!(
        whole.is_err_and(|e| e.to_string().contains("11001")),
        "the change is found when the pass is not stopped"
    );
}
