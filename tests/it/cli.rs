//! Golden transcripts of the commands on a log of the seed claims.

use crate::support::{
    ADD_MINIMAL, golden, import_lines, reckon, root, scratch, seeded, snapshot, transcripts,
};

#[test]
fn help_teaches_with_examples() {
    let dir = scratch("help");
    for (name, args) in [
        ("help.txt", vec!["--help"]),
        ("help-add.txt", vec!["add", "--help"]),
        ("help-import.txt", vec!["import", "--help"]),
        ("help-verify.txt", vec!["verify", "--help"]),
        ("help-extract.txt", vec!["extract", "--help"]),
        ("help-export.txt", vec!["export", "--help"]),
    ] {
        let r = reckon(&dir, &args, None);
        assert_eq!(r.code, 0);
        golden(name, &r.transcript(), &dir);
    }
}

#[test]
fn log_show_and_verify_on_seed_claims() {
    let dir = scratch("seedcli");
    let log = seeded(&dir);
    for (name, args) in [
        ("log.txt", vec!["log"]),
        ("log-json.txt", vec!["log", "--format", "json"]),
        ("show-captives.txt", vec!["show", "24"]),
        ("show-json.txt", vec!["show", "25", "--format", "json"]),
        ("show-definition.txt", vec!["show", "#5"]),
        ("verify.txt", vec!["verify"]),
        ("verify-json.txt", vec!["verify", "--format", "json"]),
        ("repair-clean.txt", vec!["repair"]),
    ] {
        golden(name, &reckon(&log, &args, None).transcript(), &dir);
    }
}

/// The seed log in a scratch folder `name` with a correction of claim #24 filed under
/// another subject (#27) and a retraction of claim #25 (#28), both appended with the cache
/// in `dir/cache` (so that the appends are recorded there), and old enough to be indexed:
/// the folder, the log and the cache.
fn corrected_and_retracted(
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let dir = scratch(name);
    let log = seeded(&dir);
    let cache = dir.join("cache");
    let write = |args: &[&str], stdin: Option<&[u8]>| {
        crate::support::write_cached(&log, &cache, args, stdin);
    };
    write(
        &["import", "-"],
        Some(
            br#"{"subject": "elsewhere/a-correction", "value": "3", "said_on": "2025", "speaker": "Y", "supersedes": 24}
"#,
        ),
    );
    write(&["retract", "25", "--reason", "a second look"], None);
    crate::support::settle(&log);
    (dir, log, cache)
}

/// An import that reads the log back to resolve its references (never through the index).
const READ_BACK: [&str; 4] = ["import", "-", "--dry-run", "--whole-read"];

/// `file` (holding `text`) imported into `log` with `--dry-run`, traced, with the cache in
/// `cache`: as reckon imports it, and as [`READ_BACK`] reads the same lines piped in.
fn imported_both_ways(
    log: &std::path::Path,
    cache: &std::path::Path,
    file: &std::path::Path,
    text: &str,
) -> (crate::support::Run, crate::support::Run) {
    let through =
        crate::support::traced(log, cache, &["import", file.to_str().unwrap(), "--dry-run"]);
    let env = [
        ("RECKON_CACHE_DIR", cache.as_os_str()),
        ("RECKON_TRACE", std::ffi::OsStr::new("1")),
    ];
    let back = crate::support::reckon_with(log, &READ_BACK, Some(text.as_bytes()), &env);
    (through, back)
}

/// `retract` and `add --supersedes` name a claim the saved index finds by its whole hash,
/// vouching for its fate (retracted, superseded) to the append instead of reading the log
/// back: the same lines, and the same refusals, as an append that reads every entry.
#[test]
fn a_reference_through_the_index_is_refused_and_recorded_as_by_a_read_back() {
    let (_, log, cache) = corrected_and_retracted("vouched");
    let _ = crate::support::traced(&log, &cache, &["show", "24"]);
    let vouched = |args: &[&str]| {
        let r = crate::support::traced(&log, &cache, args);
        assert!(
            r.stderr.contains("vouched for through the index"),
            "{args:?}: {}",
            r.stderr
        );
        r
    };
    // Retractions: of a superseded claim (allowed), a live one, and a retracted one (refused),
    // against the same retraction imported, which reads the log back to resolve it.
    for (n, why) in [
        ("24", None),
        ("23", None),
        ("25", Some("claim #25 is already retracted")),
        // A definition.
        ("8", None),
    ] {
        let retract = ["retract", n, "--reason", "r", "--dry-run"];
        let through = vouched(&retract);
        let line = format!(r#"{{"retract": {n}, "reason": "r"}}"#);
        let back = reckon(&log, &READ_BACK, Some(line.as_bytes()));
        // The command's own reference way.
        let whole = [&retract[..], &["--whole-read"]].concat();
        let whole = crate::support::traced(&log, &cache, &whole);
        assert!(!whole.stderr.contains("vouched"), "{}", whole.stderr);
        let read = "append: read the log back";
        match why {
            None => {
                assert_eq!(through.code, 0, "{}", through.stderr);
                assert_eq!(through.stdout, back.stdout, "retract {n}");
                assert_eq!(through.stdout, whole.stdout, "retract {n}");
                assert!(!through.stderr.contains(read), "{}", through.stderr);
                assert!(whole.stderr.contains(read), "{}", whole.stderr);
            }
            Some(why) => {
                assert_eq!(through.code, 2, "{}", through.stderr);
                for r in [&through, &back, &whole] {
                    assert!(r.stderr.contains(why), "{}", r.stderr);
                }
            }
        }
    }
    // Corrections: refused for a superseded and a retracted claim in the words an import's
    // read back says; a live one corrected.
    for (n, why) in [
        (
            "24",
            "claim #24 is already superseded by #27; supersede that one instead",
        ),
        ("25", "claim #25 is already retracted"),
    ] {
        let through = vouched(&["add", "--supersedes", n, "--value", "7", "--dry-run"]);
        assert_eq!(through.code, 2, "{}", through.stderr);
        assert!(through.stderr.contains(why), "{}", through.stderr);
        let line = format!(
            r#"{{"subject": "x/y", "value": "7", "said_on": "2025", "speaker": "Z", "supersedes": {n}}}"#
        );
        let back = reckon(&log, &READ_BACK, Some(line.as_bytes()));
        assert!(back.stderr.contains(why), "{}", back.stderr);
        let add = [
            "add",
            "--supersedes",
            n,
            "--value",
            "7",
            "--dry-run",
            "--whole-read",
        ];
        let whole = crate::support::traced(&log, &cache, &add);
        assert!(whole.stderr.contains(why), "{}", whole.stderr);
        assert!(!whole.stderr.contains("vouched"), "{}", whole.stderr);
    }
    let add = ["add", "--supersedes", "27", "--value", "8", "--dry-run"];
    let live = vouched(&add);
    assert_eq!(live.code, 0, "{}", live.stderr);
    // The command's own reference way: the same line, vetted against the whole log and the
    // correction resolved by reading the log back.
    let whole = crate::support::traced(&log, &cache, &[&add[..], &["--whole-read"]].concat());
    assert_eq!(whole.stdout, live.stdout);
    for said in [
        "add: read the claim --supersedes names by one pass over the whole log",
        "vetted against the whole log",
        "append: read the log back",
    ] {
        assert!(whole.stderr.contains(said), "{said}: {}", whole.stderr);
        assert!(!live.stderr.contains(said), "{said}: {}", live.stderr);
    }
    let restate = ["add", "--from", "23", "--value", "9", "--dry-run"];
    let through = crate::support::traced(&log, &cache, &restate);
    let whole = [&restate[..], &["--whole-read"]].concat();
    let whole = crate::support::traced(&log, &cache, &whole);
    assert_eq!(through.code, 0, "{}", through.stderr);
    assert_eq!(through.stdout, whole.stdout);
    let (index, pass) = (
        "add: read the claim --from names through the index",
        "add: read the claim --from names by one pass over the whole log",
    );
    assert!(through.stderr.contains(index), "{}", through.stderr);
    assert!(whole.stderr.contains(pass), "{}", whole.stderr);
    assert!(
        live.stderr
            .contains("add: read the claim --supersedes names through the index"),
        "{}",
        live.stderr
    );
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let hash = &lines.lines().nth(26).unwrap()[..64];
    assert!(
        live.stdout.contains(&format!(r#""supersedes":"{hash}""#)),
        "{}",
        live.stdout
    );
    // A definition withdrawn (through the index too), then withdrawn again: refused in the
    // read back's words.
    let withdrawn = vouched(&["retract", "9", "--reason", "r"]);
    assert_eq!(withdrawn.code, 0, "{}", withdrawn.stderr);
    crate::support::settle(&log);
    let again = vouched(&["retract", "9", "--reason", "r", "--dry-run"]);
    let back = reckon(&log, &READ_BACK, Some(br#"{"retract": 9, "reason": "r"}"#));
    let why = "the definition at #9 is already withdrawn";
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains(why), "{}", again.stderr);
    assert!(back.stderr.contains(why), "{}", back.stderr);
}

/// An import file whose references name claims the saved index finds (by number or whole
/// hash) vouches for them as `retract` does, reading nothing back: the same lines, and the
/// same refusals, as the same lines imported with `--whole-read` (which reads the log back).
/// What the import itself does to a claim counts: a second retraction or correction of it
/// in the same file is refused. Aliases and sums are checked against the log's subjects read
/// through the index (an alias of a name the log lacks, or one that would close a cycle, and
/// a sum that would, refused as a read back refuses them). The same lines piped to standard
/// input are read ahead and imported as the file is.
#[test]
fn an_import_whose_references_the_index_answers_writes_and_refuses_as_a_read_back() {
    let (dir, log, cache) = corrected_and_retracted("import-vouched");
    let _ = crate::support::traced(&log, &cache, &["show", "24"]);
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let line = |n: usize| lines.lines().nth(n - 1).unwrap().to_owned();
    let hash = |n: usize| format!("\"{}\"", &line(n)[..64]);
    let correct = |n: &str| {
        format!(
            r#"{{"subject": "x/y", "value": "7", "said_on": "2025", "speaker": "Z", "supersedes": {n}}}"#
        )
    };
    let retract = |n: &str| format!(r#"{{"retract": {n}, "reason": "r"}}"#);
    let subject = line(23).split(r#""subject":""#).nth(1).unwrap().to_owned();
    let subject = &subject[..subject.find('"').unwrap()];
    let alias = format!(r#"{{"alias": "x/another-name", "same_as": "{subject}"}}"#);
    let phase = "exchange/2025-05-23/phase-1/per-side";
    let cases = [
        (
            vec![retract(&hash(24)), correct("27"), retract("23")],
            None,
            true,
        ),
        (
            vec![retract("25")],
            Some("claim #25 is already retracted"),
            true,
        ),
        // A definition (#8), withdrawn, then withdrawn again.
        (vec![retract("8")], None, true),
        (
            vec![retract(&hash(8)), retract("8")],
            Some("the definition at #8 is already withdrawn"),
            true,
        ),
        (
            vec![correct(&hash(24))],
            Some("claim #24 is already superseded by #27;"),
            true,
        ),
        (
            vec![retract("23"), retract(&hash(23))],
            Some("claim #23 is already retracted"),
            true,
        ),
        (
            vec![correct("27"), correct(&hash(27))],
            Some("claim #27 is already superseded by #"),
            true,
        ),
        (vec![alias.clone(), retract("23")], None, true),
        // A name only a claim is written under (no definition).
        (
            vec![r#"{"alias": "x/yet-another", "same_as": "elsewhere/a-correction"}"#.to_owned()],
            None,
            true,
        ),
        (
            vec![r#"{"alias": "x/another-name", "same_as": "nowhere/at-all"}"#.to_owned()],
            Some("`nowhere/at-all` is not a known subject"),
            true,
        ),
        (
            vec![
                alias,
                format!(r#"{{"alias": "{subject}", "same_as": "x/another-name"}}"#),
            ],
            Some("this alias would make a cycle"),
            true,
        ),
        (
            // A part of the log's own sum made the sum of it.
            vec![format!(
                r#"{{"define": "{phase}/military", "unit": "people", "sum_of": ["{phase}"]}}"#
            )],
            Some("this sum would make a cycle"),
            true,
        ),
        (
            vec![format!(
                r#"{{"define": "x/total", "unit": "people", "sum_of": ["{subject}", "x/y"]}}"#
            )],
            None,
            true,
        ),
    ];
    for (i, (input, why, vouches)) in cases.into_iter().enumerate() {
        let text = input.join("\n") + "\n";
        let file = dir.join(format!("references-{i}.jsonl"));
        std::fs::write(&file, &text).unwrap();
        let file = file.to_str().unwrap();
        // (--replace: a sum may be made of what was defined before.)
        let import = |file: &str, whole: &[&str]| {
            let args = [&["import", file, "--dry-run", "--replace"], whole].concat();
            let env = [
                ("RECKON_CACHE_DIR", cache.as_os_str()),
                ("RECKON_TRACE", std::ffi::OsStr::new("1")),
            ];
            crate::support::reckon_with(&log, &args, Some(text.as_bytes()), &env)
        };
        let through = import(file, &[]);
        let back = import("-", &["--whole-read"]);
        let piped = import("-", &[]);
        let said = "read through the index to vouch for them";
        assert!(!back.stderr.contains(said), "{i}: {}", back.stderr);
        assert_eq!(
            through.stderr.contains(said),
            vouches,
            "{i}: {}",
            through.stderr
        );
        // Standard input, read ahead whole, is read as the file is.
        assert_eq!(
            piped.stderr.contains(said),
            vouches,
            "{i}: {}",
            piped.stderr
        );
        assert_eq!(
            (piped.code, &piped.stdout),
            (through.code, &through.stdout),
            "{i}"
        );
        match why {
            None => {
                assert_eq!(through.code, 0, "{i}: {}", through.stderr);
                assert_eq!(back.code, 0, "{i}: {}", back.stderr);
                assert_eq!(through.stdout, back.stdout, "{i}");
                let taken = "vouched for through the index";
                assert_eq!(through.stderr.contains(taken), vouches, "{i}");
                let read = "append: read the log back";
                assert_eq!(through.stderr.contains(read), !vouches, "{i}");
                assert!(back.stderr.contains(read), "{i}: {}", back.stderr);
            }
            Some(why) => {
                assert_eq!(through.code, 2, "{i}: {}", through.stderr);
                assert!(through.stderr.contains(why), "{i}: {}", through.stderr);
                assert!(back.stderr.contains(why), "{i}: {}", back.stderr);
            }
        }
    }
}

/// An import of hundreds of references into forty subjects (by number, whole hash and
/// prefixes of it) is vouched for through the index, every subject's part read once for all
/// of them, and writes what a read back writes; one that names an entry by a prefix two
/// hashes start with is not, and is refused as ambiguous; one whose lookups alone would cost
/// more than reading the log back (each weighed as 16 claims read, against a budget of
/// 10,000 on a small log) is not either, and writes what the read back writes.
#[test]
fn an_import_of_many_references_is_vouched_for_within_a_budget() {
    let dir = scratch("vouch-many");
    let claims: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                r#"{{"subject": "s/{}", "value": "{i}", "said_on": "2025", "speaker": "P{i}"}}"#,
                i % 40
            )
        })
        .collect();
    let log = crate::support::log_of(&dir, &claims.iter().map(String::as_str).collect::<Vec<_>>());
    crate::support::settle(&log);
    let cache = dir.join("cache");
    let _ = crate::support::traced(&log, &cache, &["show", "1"]);
    let entries = reckon_ledger::Log::at(&log).entries().unwrap();
    assert_eq!(entries.len(), 2000);
    // The k-th reference names claim k, by number, whole hash or a prefix.
    let named = |k: usize| {
        let e = &entries[k];
        match k % 5 {
            0 => e.seq.to_string(),
            1 => format!("\"{}\"", e.hash),
            n => format!("\"{}\"", &e.hash.to_hex()[..8 + 4 * n]),
        }
    };
    let import = |lines: Vec<String>| {
        let text = lines.join("\n") + "\n";
        let file = dir.join("references.jsonl");
        std::fs::write(&file, &text).unwrap();
        imported_both_ways(&log, &cache, &file, &text)
    };
    // 150 retractions and 50 corrections, of 200 claims.
    let lines = (0..200)
        .map(|k| match k < 150 {
            true => format!(r#"{{"retract": {}, "reason": "r"}}"#, named(k)),
            false => format!(
                r#"{{"subject": "s/{}", "value": "{k}", "said_on": "2025", "speaker": "Q", "supersedes": {}}}"#,
                k % 40,
                named(k)
            ),
        })
        .collect();
    let (through, back) = import(lines);
    assert_eq!(through.code, 0, "{}", through.stderr);
    assert_eq!(through.stdout, back.stdout);
    let vouched = "append: the 200 claims the references name vouched for through the index";
    assert!(through.stderr.contains(vouched), "{}", through.stderr);
    assert!(
        !through.stderr.contains("read the log back"),
        "{}",
        through.stderr
    );
    // Four digits (looked up in the hash area the first import made) that two claims' hashes
    // start with name neither, beside a reference that names one claim. Among 2,000 hashes
    // some two share their first four digits but for a chance of about 1 in 10^13.
    let mut fours: Vec<String> = entries
        .iter()
        .map(|e| e.hash.to_hex()[..4].to_owned())
        .collect();
    fours.sort();
    let two = fours
        .windows(2)
        .find(|w| w[0] == w[1])
        .expect("two hashes alike");
    let lines = vec![
        format!(r#"{{"retract": {}, "reason": "r"}}"#, named(2)),
        format!(r#"{{"retract": "{}", "reason": "r"}}"#, two[0]),
    ];
    let (through, back) = import(lines);
    assert!(
        !through.stderr.contains("to vouch for them"),
        "{}",
        through.stderr
    );
    assert!(
        through.stderr.contains("is ambiguous"),
        "{}",
        through.stderr
    );
    assert_eq!((through.code, &through.stdout), (back.code, &back.stdout));
    // 700 references: 11,200 claims' worth of lookups.
    let lines = (0..700)
        .map(|k| format!(r#"{{"retract": {}, "reason": "r"}}"#, named(k)))
        .collect();
    let (through, back) = import(lines);
    assert_eq!(through.code, 0, "{}", through.stderr);
    assert!(
        !through.stderr.contains("to vouch for them"),
        "{}",
        through.stderr
    );
    assert!(
        through.stderr.contains("append: read the log back"),
        "{}",
        through.stderr
    );
    assert_eq!(through.stdout, back.stdout);
}

/// Standard input longer than what is read ahead of an import (64 KiB on a small log) is
/// imported whole all the same: what was read ahead, then the rest, vetted against the whole
/// log.
#[test]
fn piped_input_longer_than_the_read_ahead_is_imported_whole() {
    let dir = scratch("piped-long");
    let log = seeded(&dir);
    let input: String = (0..600)
        .map(|n| {
            format!(
                r#"{{"subject": "piped/s{n}", "value": "{n}", "said_on": "2025", "speaker": "Speaker {n}", "quote": "{}"}}"#,
                "words ".repeat(20)
            ) + "\n"
        })
        .collect();
    assert!(input.len() > 64 << 10);
    let env = [
        ("RECKON_CACHE_DIR", dir.join("cache").into_os_string()),
        ("RECKON_TRACE", "1".into()),
    ];
    let env: Vec<_> = env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    let args = ["import", "-", "--dry-run", "--new-subject"];
    let r = crate::support::reckon_with(&log, &args, Some(input.as_bytes()), &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("vetted against the whole log"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout.lines().count(), 600);
    for n in [0, 599] {
        let value = format!(r#""value":"{n}""#);
        assert!(r.stdout.contains(&value), "{n}");
    }
}

/// `export PATTERN` reads the part of the log behind the pattern's subjects through the saved
/// index and writes, in JSON Lines and CSV, with `--all` or without, what `--whole-read`
/// (the whole log folded) writes: a superseded and a retracted claim, a claim filed under an
/// alias (exported under the name it was written with, never under the other), and a
/// correction of a claim outside the part (its number found through the index). Subjects
/// that hold more than an eighth of the log are exported from the whole log.
#[test]
fn export_of_a_pattern_through_the_index_writes_what_the_whole_log_does() {
    let (_, log, cache) = corrected_and_retracted("export-part");
    let mut more: Vec<String> = (0..40)
        .map(|n| format!(r#"{{"subject": "filler/s{n}", "value": "{n}", "said_on": "2025", "speaker": "F{n}"}}"#))
        .collect();
    more.push(r#"{"alias": "captives/ua", "same_as": "pows/ukraine/held-by-russia"}"#.into());
    more.push(r#"{"subject": "captives/ua", "value": "8,001", "unit": "people", "said_on": "2025-05-02", "speaker": "Z"}"#.into());
    let more = more.join("\n") + "\n";
    crate::support::write_cached(
        &log,
        &cache,
        &["import", "-", "--new-subject"],
        Some(more.as_bytes()),
    );
    crate::support::settle(&log);
    let (mut seen, mut refused) = (String::new(), 0);
    for (pattern, through) in [
        ("pows/ukraine/held-by-russia", true),
        ("captives/ua", true),
        ("elsewhere/a-correction", true),
        ("executions/", true),
        ("filler/", false),
    ] {
        for format in ["jsonl", "csv"] {
            for all in [&[][..], &["--all"]] {
                let args = [&["export", pattern, "--format", format], all].concat();
                let part = crate::support::traced(&log, &cache, &args);
                let whole_args = [&args[..], &["--whole-read"]].concat();
                let whole = crate::support::traced(&log, &cache, &whole_args);
                assert_eq!(part.code, whole.code, "{args:?}: {}", part.stderr);
                assert_eq!(part.stdout, whole.stdout, "{args:?}");
                let said = "through the index";
                assert!(!whole.stderr.contains(said), "{args:?}: {}", whole.stderr);
                if part.code == 0 {
                    assert_eq!(
                        part.stderr.contains(said),
                        through,
                        "{args:?}: {}",
                        part.stderr
                    );
                } else {
                    // No live claim: refused, in the whole log's words.
                    let said = |r: &crate::support::Run| {
                        let lines = r.stderr.lines().filter(|l| !l.starts_with("trace:"));
                        lines.collect::<Vec<_>>().join("\n")
                    };
                    assert_eq!(said(&part), said(&whole), "{args:?}");
                    refused += 1;
                }
                seen.push_str(&part.stdout);
            }
        }
    }
    for fate in [
        r#""state":"superseded""#,
        r#""state":"retracted""#,
        r#""supersedes_seq":24"#,
        r#""subject":"captives/ua""#,
    ] {
        assert!(seen.contains(fate), "{fate}");
    }
    assert_eq!(refused, 2, "the live claims of a subject with none");
    // Reviews of a pattern's subjects come from its part (as `explain` reads it), or, with
    // --whole-read, from the whole log: the same reviews.
    let reviews = ["export", "executions/", "--format", "claimreview"];
    let part = crate::support::traced(&log, &cache, &reviews);
    let whole = crate::support::traced(&log, &cache, &[&reviews[..], &["--whole-read"]].concat());
    assert_eq!(part.code, 0, "{}", part.stderr);
    assert_eq!(part.stdout, whole.stdout);
    let read = "entries behind `executions/` through the saved index";
    assert!(part.stderr.contains(read), "{}", part.stderr);
    assert!(!whole.stderr.contains("entries behind"), "{}", whole.stderr);
}

/// `show N` of a claim reads it through the saved index with everything about its subject
/// (its line found by halving the file), and so does `show` of a hash prefix (found in the
/// index's hash area), short or whole; each says exactly what a whole pass says (`show` of a
/// hash prefix takes one when no index is saved), its fate included: here a retraction, and
/// a correction filed under another subject. An entry that is not a claim is read through
/// the index with the log's other events; a prefix no entry's hash starts with is refused
/// through it in the pass's words.
#[test]
fn show_by_number_reads_a_claim_through_the_index_and_says_what_a_whole_pass_says() {
    let (dir, log, cache) = corrected_and_retracted("show-index");
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    // A cache never written to: no index, so every `show` there takes the whole pass.
    let none_saved = dir.join("no-cache");
    // The index made (a claim named by its number makes it).
    let _ = crate::support::traced(&log, &cache, &["show", "24"]);
    let mut through_index = 0;
    for (n, line) in (1..).zip(lines.lines()) {
        let number = n.to_string();
        let by_number = crate::support::traced(&log, &cache, &["show", &number]);
        let pass = crate::support::traced(&log, &none_saved, &["show", &line[..16]]);
        assert_eq!(by_number.code, 0, "#{n}: {}", by_number.stderr);
        assert_eq!(by_number.stdout, pass.stdout, "#{n}");
        assert!(pass.stderr.contains("checked the whole log"), "#{n}");
        let claim = line.contains(r#""event":{"type":"claim""#);
        // Every entry: a claim with its subject's part, any other with the other events.
        let how = "entries through the index";
        assert!(by_number.stderr.contains(how), "#{n}: {}", by_number.stderr);
        for prefix in [&line[..8], &line[..20], &line[..64]] {
            let by_hash = crate::support::traced(&log, &cache, &["show", prefix]);
            assert_eq!(by_hash.stdout, pass.stdout, "#{n} as {prefix}");
            assert!(
                by_hash.stderr.contains(how),
                "#{n} as {prefix}: {}",
                by_hash.stderr
            );
        }
        through_index += usize::from(claim);
        if n == 24 || n == 25 {
            assert!(
                by_number
                    .stdout
                    .contains(if n == 24 { "superseded" } else { "retracted" })
            );
        }
    }
    assert!(through_index >= 15, "{through_index} claims");
    let none = crate::support::traced(&log, &cache, &["show", "9999"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("there is no entry #9999"),
        "{}",
        none.stderr
    );
    // A prefix no entry's hash starts with: said through the index as the pass says it.
    let hashes: Vec<&str> = lines.lines().map(|l| &l[..64]).collect();
    let absent = (0..u32::MAX)
        .map(|k| format!("a{k:07x}"))
        .find(|p| hashes.iter().all(|h| !h.starts_with(p.as_str())))
        .unwrap();
    // A claim's first sixteen digits and more that its hash does not go on with.
    let claim = lines
        .lines()
        .find(|l| l.contains(r#""event":{"type":"claim""#))
        .unwrap();
    let next = if &claim[19..20] == "0" { "1" } else { "0" };
    let long = format!("{}{next}", &claim[..19]);
    for prefix in [absent.as_str(), long.as_str()] {
        if hashes.iter().any(|h| h.starts_with(prefix)) {
            continue;
        }
        let said = refused_both_ways(&log, &cache, &none_saved, prefix);
        assert!(said.contains("no entry's hash starts with"), "{said}");
    }
}

/// `show ID` through the saved index in `cache` and by the pass (a cache never written to,
/// `none_saved`), each run's trace asserted to say which way it went.
fn shown_both_ways(
    log: &std::path::Path,
    cache: &std::path::Path,
    none_saved: &std::path::Path,
    id: &str,
) -> (crate::support::Run, crate::support::Run) {
    let indexed = crate::support::traced(log, cache, &["show", id]);
    let pass = crate::support::traced(log, none_saved, &["show", id]);
    assert!(
        indexed.stderr.contains("through the index"),
        "{id}: {}",
        indexed.stderr
    );
    assert!(
        pass.stderr.contains("checked the whole log"),
        "{id}: {}",
        pass.stderr
    );
    (indexed, pass)
}

/// `show ID` of an id that names no entry, through the saved index in `cache` and by the
/// pass (a cache never written to, `none_saved`): both refuse it (exit 2) in the same words,
/// which are returned (the trace lines left out).
fn refused_both_ways(
    log: &std::path::Path,
    cache: &std::path::Path,
    none_saved: &std::path::Path,
    id: &str,
) -> String {
    let (indexed, pass) = shown_both_ways(log, cache, none_saved, id);
    assert_eq!(indexed.code, 2, "{id}: {}", indexed.stderr);
    let said = |r: &crate::support::Run| {
        r.stderr
            .lines()
            .filter(|l| !l.starts_with("trace:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(said(&indexed), said(&pass), "{id}");
    said(&pass)
}

/// Runs `args` on `log`, which must succeed and print `needle` (a dry run's line, say).
fn writes(log: &std::path::Path, args: &[&str], needle: String) {
    let r = reckon(log, args, None);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    assert!(r.stdout.contains(&needle), "{args:?}: {}", r.stdout);
}

#[test]
fn show_finds_by_hash_prefix_and_says_when_nothing_matches() {
    let dir = scratch("showid");
    let log = seeded(&dir);
    let by_seq = reckon(&log, &["show", "24"], None);
    let hash = by_seq
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    assert_eq!(
        reckon(&log, &["show", &hash[..8]], None).stdout,
        by_seq.stdout
    );
    // A hash copied in capitals is the same hash: shown, corrected, retracted, traced.
    let capitals = hash[..12].to_ascii_uppercase();
    assert_eq!(
        reckon(&log, &["show", &capitals], None).stdout,
        by_seq.stdout
    );
    let supersedes = [
        "add",
        "--supersedes",
        &capitals,
        "--value",
        "7",
        "--dry-run",
    ];
    writes(&log, &supersedes, format!(r#""supersedes":"{hash}""#));
    let retract = ["retract", &capitals, "--reason", "r", "--dry-run"];
    writes(&log, &retract, format!(r#""claim":"{hash}""#));
    let traced = format!("provenance {capitals}");
    writes(&log, &["query", &traced], format!("24   {}", &hash[..12]));
    for filter in [
        format!(r#"claims where hash = "{}""#, hash.to_ascii_uppercase()),
        format!(r#"claims where hash ~ "{capitals}*""#),
    ] {
        let found = reckon(&log, &["query", &filter, "--format", "json"], None);
        assert_eq!(found.code, 0, "{filter}: {}", found.stderr);
        let answer: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
        let rows = answer["rows"].as_array().map(Vec::len);
        assert_eq!(rows, Some(1), "{filter}: {}", found.stdout);
        assert_eq!(answer["rows"][0]["seq"], 24, "{filter}");
    }
    // Digits with a leading zero are a hash's first digits, as after `provenance`; `#0024`
    // is entry #24.
    let zero = reckon(&log, &["show", "0024"], None);
    assert_eq!(zero.code, 2, "{}", zero.stdout);
    assert!(
        zero.stderr.contains("no entry's hash starts with `0024`"),
        "{}",
        zero.stderr
    );
    assert_eq!(reckon(&log, &["show", "#0024"], None).stdout, by_seq.stdout);
    let cases = [
        ("show-unknown-seq.txt", "999"),
        ("show-unknown-hash.txt", "ffffffff"),
        ("show-bad-id.txt", "claim-1"),
    ];
    for (name, id) in cases {
        let r = reckon(&log, &["show", id], None);
        assert_eq!(r.code, 2);
        golden(name, &r.transcript(), &dir);
    }
}

/// A hash prefix of eight decimal digits (one in about forty) names its entry wherever an
/// entry is named, the log having fewer entries than the number: `show` (through the index
/// and by the pass), `add --supersedes`, `retract`; `#` before it keeps it a number, and one
/// that names nothing says so under both readings.
#[test]
fn a_hash_prefix_of_digits_names_its_entry() {
    let dir = scratch("digit-prefix");
    let log = seeded(&dir);
    let claims: String = (0..300)
        .map(|i| {
            format!(
                r#"{{"subject": "zz/n{i}", "value": "{i}", "said_on": "2025", "speaker": "S"}}"#
            ) + "\n"
        })
        .collect();
    let r = reckon(
        &log,
        &["import", "-", "--new-subject"],
        Some(claims.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    crate::support::settle(&log);
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let digits = |l: &str| l.bytes().take(8).all(|b| b.is_ascii_digit());
    let (n, line) = (1..)
        .zip(lines.lines())
        .find(|(_, l)| digits(l) && l.contains(r#""event":{"type":"claim""#))
        .expect("the fixed clock gives a claim whose hash starts with eight digits");
    let prefix = &line[..8];
    let cache = dir.join("cache");
    let none_saved = dir.join("no-cache");
    let by_number = crate::support::traced(&log, &cache, &["show", &n.to_string()]);
    assert_eq!(by_number.code, 0, "{}", by_number.stderr);
    for c in [&cache, &none_saved] {
        let r = crate::support::traced(&log, c, &["show", prefix]);
        assert_eq!(r.code, 0, "{prefix}: {}", r.stderr);
        assert_eq!(r.stdout, by_number.stdout, "{prefix}");
    }
    let hash = &line[..64];
    let supersedes = ["add", "--supersedes", prefix, "--value", "7", "--dry-run"];
    writes(&log, &supersedes, format!(r#""supersedes":"{hash}""#));
    let retract = ["retract", prefix, "--reason", "r", "--dry-run"];
    writes(&log, &retract, format!(r#""claim":"{hash}""#));
    let numbered = reckon(&log, &["show", &format!("#{prefix}")], None);
    assert_eq!(numbered.code, 2);
    assert!(
        numbered
            .stderr
            .contains(&format!("there is no entry #{prefix}")),
        "{}",
        numbered.stderr
    );
    let absent = (10_000_000u32..)
        .map(|k| k.to_string())
        .find(|p| lines.lines().all(|l| !l.starts_with(p.as_str())))
        .unwrap();
    let entries = lines.lines().count();
    for c in [&cache, &none_saved] {
        let r = crate::support::traced(&log, c, &["show", &absent]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "there is no entry #{absent} (the log has {entries} entries), and no entry's hash starts with `{absent}`"
            )),
            "{}",
            r.stderr
        );
    }
}

/// An entry that is not a claim (a definition, an alias) is shown through the saved index,
/// with the events that decide its fate, as the pass shows it: the same bytes, and a
/// definition retracted later says so either way.
#[test]
fn an_event_that_is_not_a_claim_is_shown_through_the_index_as_by_the_pass() {
    let dir = scratch("show-event");
    let log = seeded(&dir);
    let withdrawn = reckon(&log, &["retract", "5", "--reason", "merged"], None);
    assert_eq!(withdrawn.code, 0, "{}", withdrawn.stderr);
    crate::support::settle(&log);
    let cache = dir.join("cache");
    let _ = crate::support::traced(&log, &cache, &["show", "24"]);
    for id in ["5", "#5", "27"] {
        let (indexed, pass) = shown_both_ways(&log, &cache, &dir.join("no-cache"), id);
        assert_eq!(indexed.code, 0, "{id}: {}", indexed.stderr);
        assert_eq!(indexed.stdout, pass.stdout, "{id}");
    }
    let shown = crate::support::traced(&log, &cache, &["show", "5"]);
    assert!(shown.stdout.contains("by #27: merged"), "{}", shown.stdout);
}

/// A hash prefix that two entries start with is refused as ambiguous, naming the first two,
/// and a number the log has no entry for (0, or past its end) is refused, in the same words
/// whether the saved index finds them (its hash area, its head) or the pass does.
#[test]
fn ids_naming_no_one_entry_are_refused_through_the_index_as_by_the_pass() {
    let dir = scratch("hash-ambiguous");
    let lines: Vec<String> = (0..1500)
        .map(|n| {
            format!(r#"{{"subject": "s/a{n}", "value": "{n}", "said_on": "2025", "speaker": "P"}}"#)
        })
        .collect();
    let log = crate::support::log_of(&dir, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    crate::support::settle(&log);
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let mut prefixes: Vec<(&str, usize)> = entries
        .lines()
        .enumerate()
        .map(|(i, l)| (&l[..4], i + 1))
        .collect();
    prefixes.sort();
    let (shared, first, second) = prefixes
        .windows(2)
        .find(|w| w[0].0 == w[1].0)
        .map(|w| (w[0].0, w[0].1, w[1].1))
        .unwrap();
    let cache = dir.join("cache");
    // The index made and saved, then its hash area by a first lookup by hash.
    let _ = crate::support::traced(&log, &cache, &["show", "1"]);
    let _ = crate::support::traced(&log, &cache, &["show", &entries[..12]]);
    let said = refused_both_ways(&log, &cache, &dir.join("no-cache"), shared);
    assert_eq!(
        said,
        format!(
            "error: `{shared}` is ambiguous: entries #{first} and #{second} (at least) both start with it; give more digits"
        )
    );
    for n in ["0", "1501", "#1501"] {
        let said = refused_both_ways(&log, &cache, &dir.join("no-cache"), n);
        let n = n.trim_start_matches('#');
        assert_eq!(
            said,
            format!("error: there is no entry #{n}; the log has 1500 entries")
        );
    }
}

/// Twelve digits or more that no hash starts with, a slip or two from one that does (a
/// digit wrong, two swapped, one left out), are answered with the entry they were likely
/// meant for, by `show` (through the index and by the pass, in the same words), `add
/// --supersedes` and `retract`; three slips away, or fewer than twelve digits, nothing is
/// offered.
#[test]
fn a_hash_a_slip_away_is_offered() {
    let dir = scratch("hash-slip");
    let log = seeded(&dir);
    crate::support::settle(&log);
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let hash = &lines.lines().nth(23).unwrap()[..64];
    let flip = |c: char| if c == '0' { '1' } else { '0' };
    let at = |i: usize| hash[i..=i].chars().next().unwrap();
    let wrong = format!("{}{}", &hash[..11], flip(at(11)));
    let swapped = format!("{}{}{}{}", &hash[..4], at(5), at(4), &hash[6..12]);
    let dropped = format!("{}{}", &hash[..3], &hash[4..13]);
    let offered = format!("the nearest is #24 ({})", &hash[..12]);
    assert!(lines.lines().all(|l| !l.starts_with(wrong.as_str())));
    let cache = dir.join("cache");
    let none_saved = dir.join("no-cache");
    // The index made and saved (a claim named by its number is read through it).
    let _ = crate::support::traced(&log, &cache, &["show", "24"]);
    for slip in [&wrong, &swapped, &dropped] {
        if lines.lines().any(|l| l.starts_with(slip.as_str())) {
            continue;
        }
        let said = refused_both_ways(&log, &cache, &none_saved, slip);
        assert!(
            said.contains(&format!("no entry's hash starts with `{slip}`; {offered}")),
            "{said}"
        );
        let add = reckon(
            &log,
            &["add", "--supersedes", slip, "--value", "7", "--dry-run"],
            None,
        );
        assert_eq!(add.code, 2);
        assert!(add.stderr.contains(&offered), "{}", add.stderr);
        let retract = reckon(&log, &["retract", slip, "--reason", "r", "--dry-run"], None);
        assert_eq!(retract.code, 2, "{}", retract.stderr);
        assert!(retract.stderr.contains(&offered), "{}", retract.stderr);
    }
    // Three slips away, or eleven digits: nothing offered.
    let far = format!(
        "{}{}{}{}",
        &hash[..9],
        flip(at(9)),
        flip(at(10)),
        flip(at(11))
    );
    for id in [far.as_str(), &wrong[..11]] {
        if lines.lines().any(|l| l.starts_with(id)) {
            continue;
        }
        let r = reckon(&log, &["show", id], None);
        assert_eq!(r.code, 2, "{id}");
        assert!(!r.stderr.contains("the nearest"), "{id}: {}", r.stderr);
    }
}

#[test]
fn add_retract_and_supersede_are_recorded_and_shown() {
    let dir = scratch("add");
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let add = reckon(
        &log,
        &[
            "add",
            "--subject",
            "pows/ukraine/held-by-russia",
            "--value",
            "at least 8,000",
            "--unit",
            "people",
            "--as-of",
            "2025-05-01",
            "--said-on",
            "2025-05-01",
            "--speaker",
            "Iryna Vereshchuk",
            "--tag",
            "pow",
            "--tag",
            "captives",
        ],
        None,
    );
    let fix = reckon(
        &log,
        &[
            "add",
            "--subject",
            "pows/ukraine/held-by-russia",
            "--value",
            "at least 8,100",
            "--unit",
            "people",
            "--said-on",
            "2025-05-02",
            "--speaker",
            "Iryna Vereshchuk",
            "--supersedes",
            "1",
        ],
        None,
    );
    let retract = reckon(
        &log,
        &[
            "retract",
            "#2",
            "--reason",
            "the correction was itself wrong",
        ],
        None,
    );
    let again = reckon(&log, &["retract", "2", "--reason", "twice"], None);
    let supersede_retracted = reckon(
        &log,
        &[
            "add",
            "--subject",
            "a/b",
            "--value",
            "1",
            "--said-on",
            "2025",
            "--speaker",
            "X",
            "--supersedes",
            "2",
        ],
        None,
    );
    let bad_flag = reckon(
        &log,
        &[
            "add",
            "--subject",
            "A/B",
            "--value",
            "1",
            "--said-on",
            "2025",
            "--speaker",
            "X",
        ],
        None,
    );
    let no_source = reckon(
        &log,
        &[
            "add",
            "--subject",
            "a/b",
            "--value",
            "1",
            "--said-on",
            "2025",
        ],
        None,
    );
    let show1 = reckon(&log, &["show", "1"], None);
    let show2 = reckon(&log, &["show", "2"], None);
    let all = transcripts(&[
        add,
        fix,
        retract,
        again,
        supersede_retracted,
        bad_flag,
        no_source,
        show1,
        show2,
    ]);
    golden("add-retract-supersede.txt", &all, &dir);
}

#[test]
fn torn_tail_is_reported_refused_and_repaired_only_on_request() {
    let dir = scratch("torn");
    let log = seeded(&dir);
    let path = log.join("entries.jsonl");
    let mut bytes = std::fs::read(&path).unwrap();
    let good_len = bytes.len();
    // What an append cut short leaves: the start of the next entry's line.
    bytes.extend_from_slice(format!("{} {{\"seq\":27,\"prev\":\"", "a1b2".repeat(16)).as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let before = snapshot(&log);
    let verify = reckon(&log, &["verify"], None);
    assert_eq!(verify.code, 1);
    let add = reckon(&log, ADD_MINIMAL, None);
    assert_eq!(add.code, 1);
    let listing = reckon(&log, &["log"], None);
    assert_eq!(listing.code, 1);
    let dry = reckon(&log, &["repair", "--dry-run"], None);
    assert_eq!(
        snapshot(&log),
        before,
        "only an explicit repair may change the log"
    );
    let repair = reckon(&log, &["repair"], None);
    assert_eq!(std::fs::read(&path).unwrap().len(), good_len);
    let after = reckon(&log, &["verify"], None);
    assert_eq!(after.code, 0);
    let all = transcripts(&[verify, add, listing, dry, repair, after]);
    golden("torn-tail.txt", &all, &dir);
}

#[test]
fn an_append_cut_short_before_its_commit_is_reported_and_removed_by_repair() {
    let dir = scratch("uncommitted");
    let log = seeded(&dir);
    let committed = snapshot(&log);
    let more = concat!(
        r#"{"subject":"a/b","value":"1","said_on":"2025","speaker":"X"}"#,
        "\n",
        r#"{"subject":"a/b","value":"2","said_on":"2025","speaker":"Y"}"#,
        "\n"
    );
    assert_eq!(
        reckon(&log, &["import", "-"], Some(more.as_bytes())).code,
        0
    );
    // A crash after the entries were written but before the head file moved, mid-way through
    // writing a third line.
    let mut entries = std::fs::read(log.join("entries.jsonl")).unwrap();
    entries.extend_from_slice(format!("{} {{\"seq\":29,", "0123abcd".repeat(8)).as_bytes());
    std::fs::write(log.join("entries.jsonl"), &entries).unwrap();
    std::fs::write(log.join("head"), &committed.1).unwrap();
    let verify = reckon(&log, &["verify"], None);
    assert_eq!(verify.code, 1);
    let refused = reckon(&log, ADD_MINIMAL, None);
    assert_eq!(refused.code, 1);
    let repair = reckon(&log, &["repair"], None);
    assert_eq!(repair.code, 0, "{}", repair.stderr);
    assert_eq!(
        snapshot(&log),
        committed,
        "repair must restore exactly the committed log"
    );
    let all = transcripts(&[verify, refused, repair]);
    golden("uncommitted.txt", &all, &dir);
}

#[test]
fn a_lost_head_file_is_rewritten_for_an_intact_chain() {
    let dir = scratch("headlost");
    let log = seeded(&dir);
    let before = snapshot(&log);
    std::fs::remove_file(log.join("head")).unwrap();
    let verify = reckon(&log, &["verify"], None);
    assert_eq!(verify.code, 1);
    let repair = reckon(&log, &["repair"], None);
    assert_eq!(repair.code, 0, "{}", repair.stderr);
    assert_eq!(snapshot(&log), before);
    golden(
        "head-lost.txt",
        &format!("{}\n{}", verify.transcript(), repair.transcript()),
        &dir,
    );
}

#[test]
fn damage_other_than_a_torn_tail_is_never_repaired() {
    let dir = scratch("norepair");
    let log = seeded(&dir);
    let path = log.join("entries.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Rustem Umerov", "Rustem Umerow");
    std::fs::write(&path, text).unwrap();
    let before = snapshot(&log);
    let r = reckon(&log, &["repair"], None);
    assert_eq!(r.code, 1);
    assert_eq!(snapshot(&log), before);
    golden("repair-refuses.txt", &r.transcript(), &dir);
}

#[test]
fn commands_on_a_missing_log_say_how_to_make_one() {
    let dir = scratch("nolog");
    let r = reckon(&dir.join("nowhere"), &["log"], None);
    assert_eq!(r.code, 2);
    let again = reckon(&dir.join("log"), &["init"], None);
    let twice = reckon(&dir.join("log"), &["init"], None);
    assert_eq!(twice.code, 2);
    golden(
        "no-log.txt",
        &format!(
            "{}\n{}\n{}",
            r.transcript(),
            again.transcript(),
            twice.transcript()
        ),
        &dir,
    );
}

/// Every command and flag reaches the shells: the scripts are made from the same definitions
/// as `--help`, so a new command cannot be left out of them.
#[test]
fn completions_cover_every_command_for_every_shell() {
    let dir = scratch("completions");
    let help = reckon(&dir, &["--help"], None).stdout;
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        // A command's line starts with two spaces; its wrapped help, with more.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() > 20, "{commands:?}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = reckon(&dir, &["completions", shell], None);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for c in &commands {
            assert!(r.stdout.contains(c), "{shell}: no `{c}`");
        }
        assert!(r.stdout.contains("dry-run"), "{shell}: flags missing");
    }
    // The bash script is valid bash, when bash is here to say so.
    let script = dir.join("reckon.bash");
    std::fs::write(&script, reckon(&dir, &["completions", "bash"], None).stdout).unwrap();
    match std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
    {
        Ok(o) => assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => eprintln!("note: bash is absent; the completion script was not parsed"),
    }
    let r = reckon(&dir, &["completions", "tcsh"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("possible values"), "{}", r.stderr);
}

/// `reckon man` prints the program's page, listing every command's own page; `man COMMAND`
/// prints that page; `--dir` writes them all; an unknown command is a usage error naming the
/// commands.
#[test]
fn manual_pages_are_made_for_the_program_and_each_command() {
    let dir = scratch("man");
    let top = reckon(&dir, &["man"], None);
    assert_eq!(top.code, 0, "{}", top.stderr);
    assert!(top.stdout.contains(".TH reckon 1"), "{}", top.stdout);
    assert!(top.stdout.contains("reckon\\-verify\\-tiles(1)"));
    let import = reckon(&dir, &["man", "import"], None);
    assert_eq!(import.code, 0);
    assert!(import.stdout.contains(".TH reckon-import 1"));
    assert!(
        import.stdout.contains("reckon 0.1.0"),
        "the page names the version"
    );
    assert!(import.stdout.contains("\\-\\-documents"));
    let pages = dir.join("man1");
    assert_eq!(
        reckon(&dir, &["man", "--dir", pages.to_str().unwrap()], None).code,
        0
    );
    let mut written: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert!(written.contains(&"reckon.1".to_owned()));
    assert!(written.contains(&"reckon-reconcile.1".to_owned()));
    assert_eq!(
        written.len(),
        1 + top.stdout.matches("(1)\n").count(),
        "{written:?}"
    );
    let bad = reckon(&dir, &["man", "reconcil"], None);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("the commands are: init"),
        "{}",
        bad.stderr
    );
}

/// Fields of one CSV text, RFC 4180: quoted fields may hold commas, quotes (doubled) and
/// newlines.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') | (false, '"') => quoted = !quoted,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn csv_of_log_and_reconcile_is_a_header_and_rows_and_other_commands_say_where_it_is() {
    let log = root().join("log");
    let mut transcript = String::new();
    for (args, rows) in [
        (&["log", "--format", "csv"][..], 27),
        (&["reconcile", "--format", "csv"][..], 10),
    ] {
        let r = reckon(&log, args, None);
        assert_eq!(r.code, 0, "{}", r.transcript());
        let parsed = csv_rows(&r.stdout);
        assert_eq!(parsed.len(), rows, "{}", r.stdout);
        assert!(
            parsed.iter().all(|row| row.len() == parsed[0].len()),
            "{}",
            r.stdout
        );
        transcript.push_str(&format!(
            "$ reckon {}\n{}\n",
            args.join(" "),
            r.transcript()
        ));
    }
    // Conflicts: one row a claim on a side, the same claims as the JSON answer lists.
    let dir = scratch("csv-conflicts");
    let rules = dir.join("log");
    assert_eq!(reckon(&rules, &["init"], None).code, 0);
    let data = root().join("tests/data/reconcile.jsonl");
    assert_eq!(
        reckon(&rules, &["import", data.to_str().unwrap()], None).code,
        0
    );
    let r = reckon(
        &rules,
        &["conflicts", "--format", "csv", "--exit-code"],
        None,
    );
    assert_eq!(r.code, 1, "conflicts are listed: {}", r.transcript());
    let parsed = csv_rows(&r.stdout);
    assert!(parsed.iter().all(|row| row.len() == 14), "{}", r.stdout);
    let sides: Vec<&str> = parsed.iter().map(|row| row[3].as_str()).collect();
    for side in [
        "support",
        "dissent",
        "tied [200, 200]",
        "part t/broken/a",
        "whole",
    ] {
        assert!(sides.contains(&side), "{side}: {sides:?}");
    }
    let json = reckon(&rules, &["conflicts", "--format", "json"], None).stdout;
    let claims_in_json = json.matches("\"seq\":").count();
    assert_eq!(parsed.len() - 1, claims_in_json, "{json}");
    let r = reckon(&log, &["explain", "--format", "csv"], None);
    assert_eq!(r.code, 2);
    transcript.push_str(&format!(
        "$ reckon explain --format csv\n{}\n",
        r.transcript()
    ));
    // `table` and `human` name the same format on every command.
    let table = reckon(&log, &["reconcile", "--format", "table"], None);
    assert_eq!(table.stdout, reckon(&log, &["reconcile"], None).stdout);
    golden("csv-outputs.txt", &transcript, &log);
}

#[test]
fn quiet_prints_only_what_was_asked_for_and_what_went_wrong() {
    let dir = scratch("quiet");
    let log = seeded(&dir);
    let add = [
        "-q",
        "add",
        "--subject",
        "a/b",
        "--value",
        "5",
        "--said-on",
        "2025",
        "--speaker",
        "X",
    ];
    let r = reckon(&log, &add, None);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = reckon(&log, &["--quiet", "verify"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    let q = root().join("queries").join("figure-captives.q");
    let r = reckon(&log, &["-q", "check", q.to_str().unwrap()], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.transcript());
    let r = reckon(
        &log,
        &["-q", "query", "claims where speaker = Umerov"],
        None,
    );
    assert!(!r.stdout.contains("note:"), "{}", r.stdout);
    // What went wrong is never quiet.
    let entries = log.join("entries.jsonl");
    let mut bytes = std::fs::read(&entries).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&entries, bytes).unwrap();
    let r = reckon(&log, &["-q", "verify"], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("FAILED"), "{}", r.transcript());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_the_only_signal() {
    let log = root().join("log");
    let plain = reckon(&log, &["reconcile"], None);
    assert!(!plain.stdout.contains('\u{1b}'), "piped: no colour");
    let always = reckon(&log, &["--color", "always", "reconcile"], None);
    assert!(
        always.stdout.contains("\u{1b}[32mcorroborated\u{1b}[0m"),
        "{:?}",
        always.stdout
    );
    // Without the escapes, the same text: colour is never the only signal.
    let stripped = always
        .stdout
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[0m", "")
        .replace("\u{1b}[34m", "");
    assert_eq!(stripped, plain.stdout);
    let never = reckon(&log, &["--color", "never", "reconcile"], None);
    assert_eq!(never.stdout, plain.stdout);
    let q = root().join("queries");
    let check = reckon(
        &log,
        &["--color", "always", "check", q.to_str().unwrap()],
        None,
    );
    assert!(
        check.stdout.starts_with("\u{1b}[32mok\u{1b}[0m"),
        "{:?}",
        check.stdout
    );
}

/// On a terminal, listings go through the pager (here a filter standing in for `less`), and
/// `--no-pager` prints straight; through a pipe there is never a pager. Needs `script`
/// (util-linux) for a terminal; says so and passes without it.
#[test]
fn listings_on_a_terminal_go_through_the_pager() {
    let have_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_script {
        eprintln!("skipped: `script` (util-linux) is not installed, so no terminal can be made");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_reckon");
    let log = root().join("log");
    let run = |extra: &str| {
        let line = format!("{bin} --log {} {extra} reconcile", log.display());
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("PAGER", "sed s/^/PAGED:/")
            .env_remove("RECKON_PAGER")
            .env("RECKON_CACHE_DIR", crate::support::test_cache())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let paged = run("");
    assert!(
        paged
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("PAGED:")),
        "{paged}"
    );
    let straight = run("--no-pager");
    assert!(!straight.contains("PAGED:"), "{straight}");
    let piped = reckon(&log, &["reconcile"], None);
    assert!(!piped.stdout.contains("PAGED:"));
}

/// `reckon log --format json` prints each entry as its stored line says, keys sorted: the
/// event object of the line in `entries.jsonl` (every kind of event, every optional field of
/// a claim, text that needs escaping) with its hash, link, time and number around it.
#[test]
fn the_json_listing_is_each_stored_entry_with_its_keys_sorted() {
    let dir = scratch("logjsonkinds");
    let log = dir.join("log");
    let r = reckon(
        &log,
        &[
            "init",
            "--origin",
            "example.org/kinds",
            "--merkle",
            "sha256",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = [
        r#"{"define": "t/x", "label": "Tab\tand \"quote\"", "unit": "people", "tolerance": "2%", "precision": "exact"}"#,
        r#"{"define": "t/sum", "sum_of": ["t/x", "t/y"]}"#,
        r#"{"subject": "t/x", "value": "about 1,200", "unit": "people", "as_of": "2025-06", "said_on": "2025-06-02", "speaker": "Ü \\ Speaker", "role": "minister", "cites": "a registry", "publisher": "Paper", "url": "https://example.org/a?b=1&c=\u0001", "quote": "about 1,200 \u2028 people", "tags": ["b", "a"], "scope": "in the north", "title": "T", "modality": "expected"}"#,
        r#"{"subject": "t/x", "value": "1,250", "unit": "people", "said_on": "2025-06-03", "publisher": "Other", "supersedes": 4}"#,
        r#"{"alias": "t/xx", "same_as": "t/x"}"#,
        r#"{"trust": "Paper", "prior": 0.9, "strength": 5, "reason": "audited"}"#,
        r#"{"retract": 5, "reason": "misread"}"#,
    ];
    import_lines(&log, &lines);
    let listed = reckon(&log, &["log", "--format", "json"], None);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let stored = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    let listed: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(listed.len(), stored.lines().count());
    for (line, got) in stored.lines().zip(listed) {
        let (hash, body) = line.split_once(' ').unwrap();
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        kinds.insert(body["event"]["type"].as_str().unwrap().to_owned());
        let expected = serde_json::json!({
            "at": body["at"], "event": body["event"], "format": 1, "hash": hash,
            "prev": body["prev"], "seq": body["seq"],
        });
        assert_eq!(got, expected.to_string());
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["alias", "claim", "define", "log", "retract", "trust"]
    );
}

/// A correction or a restatement names the claim it starts from by number or by the first
/// digits of its hash; a number past the end, an entry that is no claim, and a prefix that
/// names nothing are refused with the reason, and nothing is appended.
#[test]
fn a_correction_finds_its_claim_by_number_or_hash_and_refuses_what_names_none() {
    let dir = scratch("correctid");
    let log = seeded(&dir);
    let before = snapshot(&log);
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let line10 = entries.lines().nth(9).unwrap();
    let hash10 = line10[..10].to_owned();
    for (id, why) in [
        (
            "999",
            "--supersedes: there is no entry #999; the log has 26 entries",
        ),
        (
            "1",
            "--supersedes: entry #1 is not a claim; a correction supersedes a claim",
        ),
        (
            "ffffffffff",
            "--supersedes: no entry's hash starts with `ffffffffff`",
        ),
    ] {
        let r = reckon(&log, &["add", "--supersedes", id, "--value", "5"], None);
        assert_eq!(r.code, 2, "{id}: {}", r.stderr);
        assert!(r.stderr.contains(why), "{id}: {}", r.stderr);
        assert!(snapshot(&log) == before, "{id}: something was appended");
    }
    let by_hash = reckon(
        &log,
        &["add", "--supersedes", &hash10, "--value", "5"],
        None,
    );
    assert_eq!(by_hash.code, 0, "{}", by_hash.stderr);
    let shown = reckon(&log, &["show", "27"], None).stdout;
    assert!(
        shown.contains(&format!("supersedes  {}", &line10[..64])),
        "{shown}"
    );
}

/// What `show` prints of a claim's fate, and what `retract` and `add --supersedes` vouch
/// for to an append, come from the claim's subject's part read through the index: on logs
/// of claims, retractions and corrections (filed under the corrected claim's subject or
/// another), every claim's fate read that way is the fate the whole log gives it.
mod fates_through_the_index {
    use crate::support::{log_of, scratch, test_cache};
    use proptest::prelude::*;
    use reckon_reconcile::state::Fate;

    /// What an operation does: a new claim on subject `2`, a retraction of the `1`-th claim
    /// so far, or a correction of it filed under subject `2`.
    fn operation() -> impl Strategy<Value = (u8, usize, usize)> {
        (0u8..3, 0usize..64, 0usize..3)
    }

    /// The import lines of four claims and then `ops`, leaving out what the log would refuse
    /// (a retraction of a retracted claim; a correction of a retracted or corrected one).
    fn lines_of(ops: &[(u8, usize, usize)]) -> Vec<String> {
        let subjects = ["s/a", "s/b", "s/c"];
        let claim = |subject: &str, n: usize, rest: &str| {
            format!(
                r#"{{"subject": "{subject}", "value": "{n}", "said_on": "2025", "speaker": "S{n}"{rest}}}"#
            )
        };
        let mut lines: Vec<String> = (0..4).map(|n| claim(subjects[n % 3], n, "")).collect();
        // Each claim's number, and whether it was retracted or corrected.
        let mut claims: Vec<(usize, bool, bool)> = (1..=4).map(|n| (n, false, false)).collect();
        for &(kind, target, subject) in ops {
            let k = target % claims.len();
            let (seq, retracted, corrected) = claims[k];
            match kind {
                1 if !retracted => {
                    lines.push(format!(r#"{{"retract": {seq}, "reason": "r"}}"#));
                    claims[k].1 = true;
                }
                2 if !retracted && !corrected => {
                    let rest = format!(r#", "supersedes": {seq}"#);
                    lines.push(claim(subjects[subject], lines.len(), &rest));
                    claims[k].2 = true;
                    claims.push((lines.len(), false, false));
                }
                0 => {
                    lines.push(claim(subjects[subject], lines.len(), ""));
                    claims.push((lines.len(), false, false));
                }
                _ => {}
            }
        }
        lines
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn a_claims_fate_through_the_index_is_the_whole_logs(
            ops in prop::collection::vec(operation(), 1..14)
        ) {
            // What this process asks in process keeps its caches in the test run's.
            reckon_index::cache_in(test_cache());
            let lines = lines_of(&ops);
            let log = log_of(
                &scratch("fates"),
                &lines.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            let log = reckon_ledger::Log::at(log);
            let entries = log.entries().unwrap();
            let snap = log.snapshot().unwrap();
            for e in entries.iter().filter(|e| matches!(e.event, reckon_claim::Event::Claim(_))) {
                let id = reckon_ledger::EntryId::Seq(e.seq);
                let named = reckon_query::entries_naming(&snap, &id, true).unwrap();
                prop_assert!(named.through_index, "#{}", e.seq);
                let read = id.pick(&named.entries, named.head.0).unwrap();
                prop_assert_eq!(
                    Fate::among(&named.entries, read),
                    Fate::of(&entries, e),
                    "#{} of {:?}", e.seq, lines
                );
            }
        }

        /// An import file of retractions and corrections (by number, whole hash or the first
        /// twelve digits of it, of any entry, some of them refused, some naming one claim
        /// twice) writes, or refuses, what
        /// the same lines imported with `--whole-read` do, which read the log back; the
        /// file's references are vouched for through the index whenever they all name claims.
        #[test]
        fn an_imports_vouched_references_resolve_as_a_read_back_does(
            ops in prop::collection::vec(operation(), 1..10),
            refs in prop::collection::vec((any::<bool>(), 0usize..64, 0u8..3), 1..5),
        ) {
            let lines = lines_of(&ops);
            let dir = scratch("vouch-import");
            let path = log_of(&dir, &lines.iter().map(String::as_str).collect::<Vec<_>>());
            crate::support::settle(&path);
            let entries = reckon_ledger::Log::at(&path).entries().unwrap();
            let mut all_claims = true;
            let mut input = String::new();
            for &(retract, k, how) in &refs {
                let e = &entries[k % entries.len()];
                all_claims &= matches!(e.event, reckon_claim::Event::Claim(_));
                let named = match how {
                    0 => e.seq.to_string(),
                    1 => format!("\"{}\"", e.hash),
                    _ => format!("\"{}\"", &e.hash.to_hex()[..12]),
                };
                input += &match retract {
                    true => format!(r#"{{"retract": {named}, "reason": "r"}}"#),
                    false => format!(
                        r#"{{"subject": "s/a", "value": "9", "said_on": "2025", "speaker": "Q", "supersedes": {named}}}"#
                    ),
                };
                input.push('\n');
            }
            let file = dir.join("references.jsonl");
            std::fs::write(&file, &input).unwrap();
            let cache = test_cache();
            let (through, back) = super::imported_both_ways(&path, &cache, &file, &input);
            let vouched = through.stderr.contains("read through the index to vouch");
            prop_assert_eq!(vouched, all_claims, "{}", through.stderr);
            prop_assert_eq!(through.code, back.code, "{}\n{}", through.stderr, back.stderr);
            prop_assert_eq!(&through.stdout, &back.stdout);
            if through.code == 0 {
                let read_back = through.stderr.contains("append: read the log back");
                prop_assert_eq!(read_back, !all_claims, "{}", through.stderr);
            } else {
                // The same refusal, the file's name aside.
                let why = |stderr: &str| stderr.split(".jsonl:").last().map(str::to_owned);
                let said = why(&back.stderr.replace("error: -:", "error: x.jsonl:"));
                prop_assert!(said.is_some() && said != why(""), "{}", back.stderr);
                prop_assert_eq!(why(&through.stderr), said, "{}", back.stderr);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// An import file of aliases and sums, over names claims are written under, the
        /// log's own aliases and sums, names the log lacks and the file's own (some of them
        /// closing cycles, listing a part twice, or naming themselves), writes or refuses
        /// what the same lines imported with `--whole-read` do; the log's subjects are
        /// vouched for through the index, and an import that is taken never reads the log
        /// back.
        #[test]
        fn an_imports_aliases_and_sums_are_checked_as_a_read_back_checks_them(
            ops in prop::collection::vec(operation(), 1..6),
            log_extra in prop::collection::vec((any::<bool>(), 0usize..3, 0usize..3), 1..4),
            input_lines in prop::collection::vec((any::<bool>(), 0usize..8, 0usize..8, 0usize..8), 1..4),
        ) {
            let subjects = ["s/a", "s/b", "s/c"];
            let mut lines = lines_of(&ops);
            for (k, &(alias, a, b)) in log_extra.iter().enumerate() {
                if alias {
                    lines.push(format!(r#"{{"alias": "s/alias{k}", "same_as": "{}"}}"#, subjects[a]));
                } else if a != b {
                    lines.push(format!(
                        r#"{{"define": "t/sum{k}", "unit": "people", "sum_of": ["{}", "{}"]}}"#,
                        subjects[a], subjects[b]
                    ));
                }
            }
            let dir = scratch("vouch-subjects");
            let path = log_of(&dir, &lines.iter().map(String::as_str).collect::<Vec<_>>());
            crate::support::settle(&path);
            let names = [
                "s/a", "s/b", "s/none", "s/alias0", "s/alias1", "t/sum0", "t/sum1", "x/n0",
            ];
            let mut input = String::new();
            for &(alias, i, j, k) in &input_lines {
                input += &match alias {
                    true => format!(r#"{{"alias": "{}", "same_as": "{}"}}"#, names[i], names[j]),
                    false => format!(
                        r#"{{"define": "{}", "unit": "people", "sum_of": ["{}", "{}"]}}"#,
                        names[i], names[j], names[k]
                    ),
                };
                input.push('\n');
            }
            let file = dir.join("subjects.jsonl");
            std::fs::write(&file, &input).unwrap();
            let cache = test_cache();
            let env = [
                ("RECKON_CACHE_DIR", cache.as_os_str()),
                ("RECKON_TRACE", std::ffi::OsStr::new("1")),
            ];
            let import = |file: &str, whole: &[&str]| {
                let args = [&["import", file, "--dry-run", "--replace"], whole].concat();
                crate::support::reckon_with(&path, &args, Some(input.as_bytes()), &env)
            };
            let through = import(file.to_str().unwrap(), &[]);
            let back = import("-", &["--whole-read"]);
            let vouched = "the log's subjects read through the index to vouch for them";
            prop_assert!(through.stderr.contains(vouched), "{}", through.stderr);
            prop_assert!(!back.stderr.contains(vouched), "{}", back.stderr);
            prop_assert_eq!(through.code, back.code, "{}\n{}", through.stderr, back.stderr);
            prop_assert_eq!(&through.stdout, &back.stdout);
            if through.code == 0 {
                let read_back = "append: read the log back";
                prop_assert!(!through.stderr.contains(read_back), "{}", through.stderr);
            } else {
                let why = |stderr: &str| stderr.split(".jsonl:").last().map(str::to_owned);
                let said = why(&back.stderr.replace("error: -:", "error: x.jsonl:"));
                prop_assert!(said.is_some() && said != why(""), "{}", back.stderr);
                prop_assert_eq!(why(&through.stderr), said, "{}", back.stderr);
            }
        }
    }
}
