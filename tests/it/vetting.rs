//! Mistakes are loud: vetting refuses a wrong unit, a slip in a subject, a duplicate and a
//! silent redefinition before anything is written, each naming the flag that insists; and
//! `--dry-run` shows exactly what an append would write, writing nothing.

use crate::support::{golden, reckon, root, scratch, seeded};
use std::path::Path;

fn entries(log: &Path) -> Vec<u8> {
    std::fs::read(log.join("entries.jsonl")).unwrap()
}

const HELD: &[&str] = &[
    "add",
    "--subject",
    "pows/ukraine/held-by-russia",
    "--value",
    "12,000",
    "--said-on",
    "2025-05",
    "--speaker",
    "Z",
];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

#[test]
fn a_unit_or_subject_slip_is_refused_with_the_flag_that_insists() {
    let dir = scratch("vet-slips");
    let log = seeded(&dir);
    let before = entries(&log);
    let mut transcript = String::new();
    for args in [
        with(HELD, &["--unit", "persons"]),
        with(
            &HELD
                .iter()
                .map(|a| a.replace("russia", "rusia"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            &["--unit", "people"],
        ),
    ] {
        let r = reckon(&log, &args, None);
        assert_eq!(r.code, 2, "{}", r.transcript());
        transcript.push_str(&format!(
            "$ reckon {}\n{}\n",
            args.join(" "),
            r.transcript()
        ));
    }
    assert_eq!(entries(&log), before, "a refused add wrote nothing");

    // Without --unit the claim takes the subject's unit, and says so.
    let r = reckon(&log, HELD, None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    transcript.push_str(&format!(
        "$ reckon {}\n{}\n",
        HELD.join(" "),
        r.transcript()
    ));
    let show = reckon(&log, &["show", "27", "--format", "json"], None);
    assert!(
        show.stdout.contains(r#""unit": "people""#),
        "{}",
        show.stdout
    );

    // Insisting records what was refused.
    for args in [
        with(
            &HELD[..4],
            &[
                "12,001",
                "--said-on",
                "2025-05",
                "--speaker",
                "Z",
                "--unit",
                "persons",
                "--new-unit",
            ],
        ),
        with(
            &[
                "add",
                "--subject",
                "pows/ukraine/held-by-rusia",
                "--value",
                "5",
                "--said-on",
                "2025",
                "--speaker",
                "Z",
            ],
            &["--new-subject"],
        ),
    ] {
        let r = reckon(&log, &args, None);
        assert_eq!(r.code, 0, "{}", r.transcript());
    }
    golden("vet/slips.txt", &transcript, &dir);
}

#[test]
fn importing_the_same_file_twice_is_refused_or_skipped_never_doubled() {
    let dir = scratch("vet-twice");
    let log = seeded(&dir);
    let claims = root().join("log/claims.jsonl");
    let claims = claims.to_str().unwrap();
    let before = entries(&log);
    let again = reckon(&log, &["import", claims], None);
    assert_eq!(again.code, 2, "{}", again.transcript());
    assert_eq!(entries(&log), before);
    let skipped = reckon(&log, &["import", claims, "--skip-duplicates"], None);
    assert_eq!(skipped.code, 0, "{}", skipped.transcript());
    assert_eq!(
        entries(&log),
        before,
        "every line repeated the log: nothing added"
    );

    // A feed that repeats: only the new line is added, and the repeats are counted.
    let feed = dir.join("feed.jsonl");
    let first = std::fs::read_to_string(root().join("log/claims.jsonl")).unwrap();
    let repeated = first
        .lines()
        .filter(|l| l.contains("\"subject\""))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        &feed,
        format!(
            "{repeated}\n{{\"subject\": \"exchange/2025-05-06/returned-to-ukraine\", \"value\": \"205\", \"unit\": \"people\", \"said_on\": \"2025-05-07\", \"publisher\": \"Another outlet\"}}\n{{\"subject\": \"exchange/2025-05-06/returned-to-ukraine\", \"value\": \"205\", \"unit\": \"people\", \"said_on\": \"2025-05-07\", \"publisher\": \"Another outlet\"}}\n"
        ),
    )
    .unwrap();
    let f = feed.to_str().unwrap();
    let refused = reckon(&log, &["import", f], None);
    let fed = reckon(&log, &["import", f, "--skip-duplicates"], None);
    assert_eq!(fed.code, 0, "{}", fed.transcript());
    assert_eq!(
        reckon(&log, &["log"], None).stdout.lines().count(),
        before.iter().filter(|b| **b == b'\n').count() + 1
    );
    golden(
        "vet/duplicates.txt",
        &format!(
            "$ reckon import claims.jsonl\n{}\n$ reckon import claims.jsonl --skip-duplicates\n{}\n$ reckon import feed.jsonl\n{}\n$ reckon import feed.jsonl --skip-duplicates\n{}",
            again.transcript().replace(claims, "claims.jsonl"),
            skipped.transcript().replace(claims, "claims.jsonl"),
            refused.transcript(),
            fed.transcript()
        ),
        &dir,
    );
}

#[test]
fn a_redefinition_shows_what_it_changes_and_needs_replace() {
    let dir = scratch("vet-define");
    let log = seeded(&dir);
    let define = br#"{"define": "pows/ukraine/held-by-russia", "label": "Ukrainians held captive by Russia", "unit": "people"}"#;
    let refused = reckon(&log, &["import", "-"], Some(define));
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("window P31D → (none)"),
        "{}",
        refused.stderr
    );
    let replaced = reckon(&log, &["import", "-", "--replace"], Some(define));
    assert_eq!(replaced.code, 0, "{}", replaced.transcript());
    // The same definition again is a duplicate, not a replacement.
    let same = reckon(&log, &["import", "-", "--replace"], Some(define));
    assert_eq!(same.code, 2, "{}", same.transcript());
    golden(
        "vet/redefine.txt",
        &format!(
            "$ reckon import - (a definition without window)\n{}\n$ reckon import - --replace\n{}\n$ reckon import - --replace (again)\n{}",
            refused.transcript(),
            replaced.transcript(),
            same.transcript()
        ),
        &dir,
    );
}

#[test]
fn an_import_names_the_subjects_and_units_it_creates() {
    let dir = scratch("vet-new");
    let log = seeded(&dir);
    let input = br#"{"subject": "talks/istanbul-2025-05-16/duration", "value": "less than 2", "unit": "hours", "said_on": "2025-05-16", "publisher": "The Kyiv Independent"}
{"subject": "war/full-scale-invasion/duration", "value": "more than 3", "unit": "years", "said_on": "2025-06-02", "publisher": "The Kyiv Independent"}
{"subject": "exchange/2025-05-06/returned-to-ukraine", "value": "205", "unit": "people", "said_on": "2025-05-08", "publisher": "A third outlet"}
"#;
    let r = reckon(&log, &["import", "-"], Some(input));
    assert_eq!(r.code, 0, "{}", r.transcript());
    golden("vet/new-subjects.txt", &r.transcript(), &dir);
}

#[test]
fn a_dry_run_prints_exactly_what_would_be_appended_and_writes_nothing() {
    let dir = scratch("vet-dry");
    let log = seeded(&dir);
    let before = entries(&log);
    let input = br#"{"subject": "exchange/2025-05-06/returned-to-ukraine", "value": "205", "unit": "people", "said_on": "2025-05-08", "publisher": "A third outlet"}
{"retract": 26, "reason": "a test"}
"#;
    let dry_import = reckon(&log, &["import", "-", "--dry-run"], Some(input));
    let dry_add = reckon(&log, &with(HELD, &["--dry-run"]), None);
    let dry_retract = reckon(
        &log,
        &["retract", "26", "--reason", "a test", "--dry-run"],
        None,
    );
    for r in [&dry_import, &dry_add, &dry_retract] {
        assert_eq!(r.code, 0, "{}", r.transcript());
        assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    }
    assert_eq!(entries(&log), before, "a dry run wrote nothing");
    // The lines are the entries a real append writes (with the same recording time, which
    // the tests fix): appending for real gives the same bytes.
    let real = reckon(&log, &["import", "-"], Some(input));
    assert_eq!(real.code, 0, "{}", real.transcript());
    let after = entries(&log);
    assert_eq!(&after[before.len()..], dry_import.stdout.as_bytes());
    golden(
        "vet/dry-run.txt",
        &format!(
            "$ reckon import - --dry-run\n{}\n$ reckon add ... --dry-run\n{}\n$ reckon retract 26 --reason 'a test' --dry-run\n{}",
            dry_import.transcript(),
            dry_add.transcript(),
            dry_retract.transcript()
        ),
        &dir,
    );
}

#[test]
fn a_withdrawn_definition_no_longer_applies_and_the_one_before_stands_again() {
    let dir = scratch("vet-withdraw");
    let log = seeded(&dir);
    let subject = "pows/ukraine/held-by-russia";
    // Without the first line, which names the log position.
    let explain = |log: &Path| {
        let out = reckon(log, &["explain", subject], None).stdout;
        out.split_once('\n')
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or_default()
    };
    let before = explain(&log);
    // Replace the definition (no window), then withdraw the replacement: the first stands again.
    let define = br#"{"define": "pows/ukraine/held-by-russia", "label": "Ukrainians held captive by Russia", "unit": "people"}"#;
    let r = reckon(&log, &["import", "-", "--replace"], Some(define));
    assert_eq!(r.code, 0, "{}", r.transcript());
    let replaced = explain(&log);
    assert_ne!(
        replaced, before,
        "the definition without a window changes the figure's reading"
    );
    let r = reckon(
        &log,
        &["retract", "27", "--reason", "dropped the window by mistake"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    let after = explain(&log);
    assert_eq!(
        after,
        before.replace("26 of 26", "28 of 28"),
        "the first definition stands again"
    );
    // Withdrawing the first too leaves the subject undefined: a claim in another unit passes.
    let r = reckon(&log, &["retract", "8", "--reason", "no definition"], None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    let r = reckon(&log, &with(HELD, &["--unit", "persons"]), None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    // A withdrawn definition cannot be withdrawn again.
    let r = reckon(&log, &["retract", "8", "--reason", "again"], None);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stderr.contains("already withdrawn"), "{}", r.stderr);
}

#[test]
fn a_claim_said_after_today_is_refused_but_one_about_the_future_is_not() {
    let dir = scratch("vet-future");
    let log = seeded(&dir);
    // The tests' today is 2025-11-22 (SOURCE_DATE_EPOCH).
    let said_later = br#"{"subject": "exchange/2025-05-06/returned-to-ukraine", "value": "205", "unit": "people", "said_on": "2052-05-16", "publisher": "Typo Times"}"#;
    let r = reckon(&log, &["import", "-"], Some(said_later));
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("field `said_on`") && r.stderr.contains("after today (2025-11-22)"),
        "{}",
        r.stderr
    );
    let expected = br#"{"subject": "exchange/2025-05-06/returned-to-ukraine", "value": "205", "unit": "people", "as_of": "2026", "modality": "expected", "said_on": "2025-05-16", "publisher": "Plans Weekly"}"#;
    let r = reckon(&log, &["import", "-"], Some(expected));
    assert_eq!(r.code, 0, "{}", r.transcript());
}

#[test]
fn a_correction_gives_only_what_changes() {
    let dir = scratch("vet-correct");
    let log = seeded(&dir);
    let r = reckon(&log, &["add", "--supersedes", "21", "--value", "206"], None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    let old = reckon(&log, &["show", "21", "--format", "json"], None).stdout;
    let new = reckon(&log, &["show", "27", "--format", "json"], None).stdout;
    let field = |json: &str, k: &str| {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["event"][k].clone()
    };
    for k in [
        "subject",
        "unit",
        "said_on",
        "publisher",
        "quote",
        "document",
        "scope",
    ] {
        assert_eq!(field(&new, k), field(&old, k), "{k}");
    }
    assert_eq!(field(&new, "value"), "206");
    let old_hash = serde_json::from_str::<serde_json::Value>(&old).unwrap()["hash"].clone();
    assert_eq!(field(&new, "supersedes"), old_hash);
    // Without --supersedes the three fields are required, as before.
    let r = reckon(&log, &["add", "--value", "5"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--subject"), "{}", r.stderr);
}

#[test]
fn a_retracted_claim_is_restored_in_one_step_and_a_live_one_is_not_doubled() {
    let dir = scratch("vet-restore");
    let log = seeded(&dir);
    let state = |seq: &str| {
        let r = reckon(
            &log,
            &[
                "query",
                &format!("claims where seq = {seq} and state != none"),
            ],
            None,
        );
        r.stdout
            .lines()
            .find(|l| l.starts_with(seq))
            .map(|l| l.split_whitespace().last().unwrap_or("").to_owned())
    };
    assert_eq!(
        reckon(&log, &["retract", "18", "--reason", "wrong row"], None).code,
        0
    );
    assert_eq!(state("18").as_deref(), Some("retracted"));
    let r = reckon(&log, &["add", "--from", "18"], None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("recorded #28"), "{}", r.stdout);
    assert!(
        r.stdout.contains("claim 18's, which stays as it was"),
        "{}",
        r.stdout
    );
    // The restated claim is live, has every field of #18, and #18 stays retracted.
    assert_eq!(state("28").as_deref(), Some("live"));
    assert_eq!(state("18").as_deref(), Some("retracted"));
    let event = |seq: &str| {
        let out = reckon(&log, &["show", seq, "--format", "json"], None).stdout;
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["event"].clone()
    };
    assert_eq!(event("28"), event("18"));
    // Copying a live claim with nothing changed is a duplicate; changing a field is not.
    let r = reckon(&log, &["add", "--from", "19"], None);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("a duplicate of the claim at #19"),
        "{}",
        r.stderr
    );
    let r = reckon(&log, &["add", "--from", "19", "--value", "about 130"], None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert_eq!(event("29")["value"], "about 130");
    assert_eq!(event("29")["quote"], event("19")["quote"]);
    // Only a claim's fields can be taken, and not together with --supersedes.
    let r = reckon(&log, &["add", "--from", "3"], None);
    assert!(
        r.code == 2 && r.stderr.contains("only a claim's fields"),
        "{}",
        r.stderr
    );
    let r = reckon(&log, &["add", "--from", "19", "--supersedes", "19"], None);
    assert_eq!(r.code, 2, "{}", r.transcript());
}

/// An import of a file is vetted against what the log holds about the subjects the file
/// names, read through the saved index, and so is one from standard input (read ahead
/// whole); one with `--whole-read` against the whole log. All refuse and accept exactly
/// alike: a duplicate, a slip in a subject, a unit that is not the subject's (also through an
/// alias the file makes), a silent redefinition, and a clean line.
#[test]
fn an_import_is_vetted_alike_through_the_index_and_against_the_whole_log() {
    let dir = scratch("vet-index");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    crate::support::settle(&log);
    let seeded_lines = std::fs::read_to_string(root().join("log/claims.jsonl")).unwrap();
    let duplicate = seeded_lines
        .lines()
        .find(|l| l.contains("\"subject\""))
        .unwrap()
        .to_owned();
    let cases = [
        duplicate,
        r#"{"subject": "pows/ukraine/held-by-rusia", "value": "5", "unit": "people", "said_on": "2025", "speaker": "Z"}"#.to_owned(),
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "5", "unit": "tonnes", "said_on": "2025", "speaker": "Z"}"#.to_owned(),
        [
            r#"{"alias": "captives/ua", "same_as": "pows/ukraine/held-by-russia"}"#,
            r#"{"subject": "captives/ua", "value": "5", "unit": "tonnes", "said_on": "2025", "speaker": "Z"}"#,
        ]
        .join("\n"),
        r#"{"define": "exchange/2025-05-23/per-side", "label": "Another label", "unit": "people"}"#.to_owned(),
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "5", "unit": "people", "said_on": "2025", "speaker": "Z"}"#.to_owned(),
    ];
    let env = |cache: &Path| {
        [
            ("RECKON_CACHE_DIR", cache.as_os_str().to_owned()),
            ("RECKON_TRACE", std::ffi::OsString::from("1")),
        ]
    };
    let untraced = |stderr: &str| {
        stderr
            .lines()
            .filter(|l| !l.starts_with("trace:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut refused = 0;
    for (k, case) in cases.iter().enumerate() {
        let feed = dir.join("feed.jsonl");
        std::fs::write(&feed, format!("{case}\n")).unwrap();
        let env = env(&cache);
        let env: Vec<(&str, &std::ffi::OsStr)> =
            env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
        let f = feed.to_str().unwrap();
        let by_file = crate::support::reckon_with(&log, &["import", f, "--dry-run"], None, &env);
        let stdin = |whole: &[&str]| {
            let args = [&["import", "-", "--dry-run"], whole].concat();
            let input = format!("{case}\n");
            crate::support::reckon_with(&log, &args, Some(input.as_bytes()), &env)
        };
        let (piped, by_stdin) = (stdin(&[]), stdin(&["--whole-read"]));
        for through in [&by_file, &piped] {
            assert!(
                through.stderr.contains("vetted against the")
                    && through.stderr.contains("through the index"),
                "case {k}: {}",
                through.stderr
            );
        }
        assert!(
            by_stdin.stderr.contains("vetted against the whole log"),
            "case {k}: {}",
            by_stdin.stderr
        );
        for through in [&by_file, &piped] {
            assert_eq!(through.code, by_stdin.code, "case {k}: {}", through.stderr);
            assert_eq!(through.stdout, by_stdin.stdout, "case {k}");
            assert_eq!(
                untraced(&through.stderr).replace(f, "-"),
                untraced(&by_stdin.stderr),
                "case {k}"
            );
        }
        refused += usize::from(by_file.code != 0);
    }
    assert_eq!(
        refused,
        cases.len() - 1,
        "every case but the clean line is refused"
    );
    // A sheet is vetted the same way: through the index from a file, against the whole log
    // from standard input.
    for (k, row) in [
        "pows/ukraine/held-by-russia,5,tonnes,2025,Z",
        "pows/ukraine/held-by-rusia,5,people,2025,Z",
        "pows/ukraine/held-by-russia,5,people,2025,Z",
    ]
    .iter()
    .enumerate()
    {
        let sheet = format!("subject,value,unit,said_on,speaker\n{row}\n");
        let file = dir.join("sheet.csv");
        std::fs::write(&file, &sheet).unwrap();
        let env = env(&cache);
        let env: Vec<(&str, &std::ffi::OsStr)> =
            env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
        let f = file.to_str().unwrap();
        let import = |input: &str, stdin: Option<&[u8]>, whole: &[&str]| {
            let args = [&["import", input, "--from", "csv", "--dry-run"], whole].concat();
            crate::support::reckon_with(&log, &args, stdin, &env)
        };
        let by_file = import(f, None, &[]);
        let piped = import("-", Some(sheet.as_bytes()), &[]);
        let by_stdin = import("-", Some(sheet.as_bytes()), &["--whole-read"]);
        for through in [&by_file, &piped] {
            assert!(
                through.stderr.contains("through the index"),
                "sheet {k}: {}",
                through.stderr
            );
            assert_eq!(
                (through.code, &through.stdout),
                (by_stdin.code, &by_stdin.stdout),
                "sheet {k}"
            );
            assert_eq!(
                untraced(&through.stderr).replace(f, "-"),
                untraced(&by_stdin.stderr),
                "sheet {k}"
            );
        }
        assert!(
            by_stdin.stderr.contains("vetted against the whole log"),
            "sheet {k}"
        );
        assert_eq!(by_file.code == 0, k == 2, "sheet {k}: {}", by_file.stderr);
    }
}
