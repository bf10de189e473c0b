//! The query language end to end: the parser's trees and errors (golden), its limits, and the
//! `query` and `check` commands.

use crate::support::{
    ask_traced, ask_whole, cache_file, golden, import_lines, log_of, reckon, root, scratch, seeded,
    settle, traced,
};

/// A JSON answer without the line that echoes its question: what two askings of the same
/// question in other words must agree on.
fn answer(out: &str) -> String {
    out.lines()
        .filter(|l| !l.trim_start().starts_with("\"query\":"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a traced question read the log: what its trace line says after the question.
fn how(r: &crate::support::Run) -> String {
    r.stderr
        .lines()
        .find_map(|l| l.rsplit_once(": ").map(|(_, how)| how.to_owned()))
        .unwrap_or_default()
}

fn lines(file: &str) -> Vec<String> {
    std::fs::read_to_string(root().join("tests/data").join(file))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn valid_queries_parse_to_their_trees_and_print_back() {
    let mut out = String::new();
    for q in lines("query-ok.txt") {
        let tree = reckon_query::parse(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        let canonical = tree.to_string();
        assert_eq!(
            reckon_query::parse(&canonical).as_ref(),
            Ok(&tree),
            "{canonical}"
        );
        out.push_str(&format!("{q}\n  = {canonical}\n  = {tree:?}\n"));
    }
    golden("query/parse-ok.txt", &out, &root());
}

#[test]
fn invalid_queries_point_at_the_column_and_say_what_was_expected() {
    let mut out = String::new();
    for q in lines("query-err.txt") {
        let e = reckon_query::parse(&q).expect_err(&q);
        out.push_str(&e.render(&q));
        out.push('\n');
    }
    golden("query/parse-err.txt", &out, &root());
}

#[test]
fn hostile_nesting_is_refused_not_overflowed() {
    for n in [65, 1_000, 200_000] {
        let q = format!("claims where {}speaker = A{}", "(".repeat(n), ")".repeat(n));
        let e = reckon_query::parse(&q).expect_err("too deep");
        assert!(e.message.contains("nests deeper than 64"), "{}", e.message);
        let nots = format!("claims where {}speaker = A", "not ".repeat(n));
        assert!(reckon_query::parse(&nots).is_err());
    }
    let ok = format!(
        "claims where {}speaker = A{}",
        "(".repeat(60),
        ")".repeat(60)
    );
    assert!(reckon_query::parse(&ok).is_ok());
}

#[test]
fn query_command_formats_and_inputs() {
    let dir = scratch("query-cli");
    let log = seeded(&dir);
    let file = dir.join("q.q");
    std::fs::write(&file, "# from a file\nclaims where tag = civilians\n").unwrap();
    let runs: Vec<(Vec<&str>, Option<&[u8]>)> = vec![
        (vec!["query", "figures pows/", "--format", "json"], None),
        (
            vec![
                "query",
                "claims where speaker = \"Iryna Vereshchuk\" | show seq, subject, value, quote",
                "--format",
                "csv",
            ],
            None,
        ),
        (vec!["query", "-f", file.to_str().unwrap()], None),
        (vec!["query", "-"], Some(b"claims | count".as_slice())),
        (vec!["query", "claims where said_on >= yesterday"], None),
        (vec!["query", "figures where speaker = A"], None),
        (vec!["query", "provenance #1"], None),
        (vec!["query", "claims at 99"], None),
    ];
    let mut out = String::new();
    for (args, stdin) in runs {
        out.push_str(&format!(
            "$ reckon {}\n{}\n",
            args.join(" "),
            reckon(&log, &args, stdin).transcript()
        ));
    }
    golden("query/cli.txt", &out, &dir);
}

#[test]
fn a_question_its_text_rules_out_is_refused_before_the_log_is_read() {
    // A damaged log: any question that reads it fails on the damage. One refused by its
    // steps or fields alone gets that refusal instead (at once, however long the log).
    let dir = scratch("query-shape-first");
    let log = seeded(&dir);
    let entries = log.join("entries.jsonl");
    let mut bytes = std::fs::read(&entries).unwrap();
    let at = bytes.iter().position(|&b| b == b'{').unwrap() + 2;
    bytes[at] ^= 0x20;
    std::fs::write(&entries, &bytes).unwrap();
    for (q, says) in [
        (
            "claims | group by publisher",
            "`group by publisher` needs `| count` after it",
        ),
        (
            "claims where subject ~ \"pows/\" | group by unit | count | sort unit",
            "`sort unit` cannot follow `group by … | count`",
        ),
        (
            "figures where speaker = A",
            "`speaker` is a field of claims, not of figures",
        ),
        (
            "conflicts pows/ | sort subject",
            "`sort subject` applies to claims and figures, not to conflicts or provenance",
        ),
        (
            "provenance #3 | show quote",
            "`show quote` applies to claims and figures",
        ),
    ] {
        let r = reckon(&log, &["query", q], None);
        assert_eq!(r.code, 2, "{q}: {}", r.transcript());
        assert!(r.stderr.contains(says), "{q}: {}", r.stderr);
    }
    // The same log read for a question that is fine: the damage is found.
    let r = reckon(
        &log,
        &["query", "claims | group by publisher | count"],
        None,
    );
    assert_ne!(r.code, 0);
    assert!(!r.stderr.contains("needs `| count`"), "{}", r.stderr);
}

/// A copy of the repository's saved queries with their expected output.
fn saved_queries(dir: &std::path::Path) -> std::path::PathBuf {
    let q = dir.join("queries");
    std::fs::create_dir_all(&q).unwrap();
    for e in std::fs::read_dir(root().join("queries")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, q.join(p.file_name().unwrap())).unwrap();
    }
    q
}

/// `reckon check` answers each saved query as `reckon query` does: one about the whole log
/// from a lean fold, never every decoded entry held for all of them; with `--whole-read`,
/// from every entry decoded whole.
#[test]
fn check_answers_a_whole_log_query_from_the_lean_fold() {
    let dir = scratch("check-lean");
    let log = seeded(&dir);
    let q = dir.join("queries");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(
        q.join("by-publisher.q"),
        "claims | group by publisher | count\n",
    )
    .unwrap();
    let cache = dir.join("cache");
    let q = q.to_str().unwrap();
    let blessed = traced(&log, &cache, &["check", "--bless", q]);
    assert_eq!(blessed.code, 0, "{}", blessed.transcript());
    let r = traced(&log, &cache, &["check", q]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("claims | group by publisher | count: read the whole log folded lean"),
        "{}",
        r.stderr
    );
    // The answer it saved is the reference answer's.
    let saved = std::fs::read_to_string(dir.join("queries/by-publisher.out")).unwrap();
    let whole = reckon(
        &log,
        &[
            "query",
            "claims | group by publisher | count",
            "--whole-read",
        ],
        None,
    );
    for row in whole.stdout.lines().skip(2).filter(|l| !l.starts_with('(')) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        let (count, name) = cells.split_last().unwrap();
        assert!(
            saved.contains(&format!("{}\t{count}", name.join(" "))),
            "{row}\n{saved}"
        );
    }
    // With --whole-read, the same saved answers checked by the whole read, and a saved answer
    // that differs from it fails.
    let r = traced(&log, &cache, &["check", "--whole-read", q]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("claims | group by publisher | count: read the whole log\n"),
        "{}",
        r.stderr
    );
    let out = dir.join("queries/by-publisher.out");
    std::fs::write(&out, saved.replace("\t11", "\t12")).unwrap();
    let r = traced(&log, &cache, &["check", "--whole-read", q]);
    assert_eq!(r.code, 1, "{}", r.transcript());
}

#[test]
fn check_passes_on_the_saved_queries_and_fails_with_a_diff_when_a_figure_changes() {
    let dir = scratch("check");
    let log = seeded(&dir);
    let q = saved_queries(&dir);
    let ok = reckon(&log, &["check", q.to_str().unwrap()], None);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    // A new claim on the captives: the figure moves, and check must say where.
    let more = r#"{"subject": "pows/ukraine/held-by-russia", "value": "about 9,000", "unit": "people", "as_of": "2025-05-02", "said_on": "2025-05-02", "speaker": "Someone Else"}"#;
    assert_eq!(
        reckon(&log, &["import", "-"], Some(format!("{more}\n").as_bytes())).code,
        0
    );
    let junit = dir.join("report.xml");
    let changed = reckon(
        &log,
        &[
            "check",
            q.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(changed.code, 1);
    assert!(
        changed.stdout.contains("CHANGED figure-captives"),
        "{}",
        changed.stdout
    );
    assert!(
        changed
            .stdout
            .contains("-pows/ukraine/held-by-russia\tpeople\t[9500, 10500]"),
        "{}",
        changed.stdout
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let suite = &report.test_suites[0];
    let case = suite
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "figure-captives")
        .unwrap();
    // classname is the folder the query is in (here a copy named `queries`), file its path.
    assert_eq!(case.classname.as_ref().map(|c| c.as_str()), Some("queries"));
    assert!(
        case.extra
            .get("file")
            .is_some_and(|f| f.as_str().ends_with("queries/figure-captives.q")),
        "{xml}"
    );
    assert!(case.time.is_some(), "{xml}");
    assert!(
        matches!(case.status, quick_junit::TestCaseStatus::NonSuccess { .. }),
        "{xml}"
    );
    assert!(suite.failures > 0, "{xml}");
    golden("query/check-changed.txt", &changed.transcript(), &dir);
    // The same as one JSON summary: every query with its status, the changed one's diff.
    let summary = reckon(
        &log,
        &["check", q.to_str().unwrap(), "--format", "json"],
        None,
    );
    assert_eq!(summary.code, 1, "{}", summary.transcript());
    let doc: serde_json::Value = serde_json::from_str(&summary.stdout).unwrap();
    assert_eq!(doc["format"], 1);
    assert_eq!(doc["ok"], false);
    let listed = doc["queries"].as_array().unwrap();
    assert_eq!(
        doc["matched"].as_u64().unwrap() + doc["changed"].as_u64().unwrap(),
        listed.len() as u64
    );
    let captives = listed
        .iter()
        .find(|c| c["name"] == "figure-captives")
        .unwrap();
    assert_eq!(captives["status"], "changed");
    assert!(
        captives["diff"]
            .as_str()
            .unwrap()
            .contains("-pows/ukraine/held-by-russia\tpeople\t[9500, 10500]"),
        "{captives}"
    );
    assert!(
        listed
            .iter()
            .any(|c| c["status"] == "matched" && c.get("diff").is_none())
    );
    let blessed = reckon(&log, &["check", q.to_str().unwrap(), "--bless"], None);
    assert_eq!(blessed.code, 0);
    assert_eq!(reckon(&log, &["check", q.to_str().unwrap()], None).code, 0);
}

#[test]
fn check_without_expected_output_fails_and_says_how_to_create_it() {
    let dir = scratch("check-missing");
    let log = seeded(&dir);
    let q = dir.join("queries");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(q.join("new.q"), "figures\n").unwrap();
    let r = reckon(&log, &["check", q.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    golden("query/check-missing.txt", &r.transcript(), &dir);
    let none = reckon(&log, &["check", dir.join("log").to_str().unwrap()], None);
    assert_eq!(none.code, 2);
}

/// `--bless` never pins a typo or an empty answer as a passing test: a query that fails or
/// answers nothing is refused (nothing written for it, exit 1) unless its file says that may
/// be so; one saved query can be run or blessed by naming its file.
#[test]
fn bless_refuses_errors_and_empty_answers_unless_the_query_says_so() {
    let dir = scratch("check-bless");
    let log = seeded(&dir);
    let q = dir.join("queries");
    std::fs::create_dir_all(&q).unwrap();
    let files = [
        ("good", "figures pows/ukraine/held-by-russia\n"),
        ("typo", "claims wher speaker = Umerov\n"),
        ("empty", "claims where speaker = Nobody\n"),
        (
            "meant-empty",
            "# expect: nothing\nclaims where speaker = Nobody\n",
        ),
        ("meant-error", "claims wher x\n# expect: error\n"),
        (
            "may-fail",
            "# expect: error\nfigures pows/ukraine/held-by-russia\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(q.join(format!("{name}.q")), text).unwrap();
    }
    let r = reckon(&log, &["check", "--bless", q.to_str().unwrap()], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    golden("query/check-bless-refused.txt", &r.transcript(), &dir);
    let written = |name: &str| q.join(format!("{name}.out")).exists();
    for name in ["good", "meant-empty", "meant-error", "may-fail"] {
        assert!(written(name), "{name} was not blessed");
    }
    for name in ["typo", "empty"] {
        assert!(!written(name), "{name} was blessed");
    }
    // As JSON, the refusals say why, with what the query printed; nothing more is written.
    let r = reckon(
        &log,
        &["check", "--bless", "--format", "json", q.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["refused"], 2, "{doc}");
    let typo = doc["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "typo")
        .unwrap();
    assert_eq!(typo["status"], "refused");
    assert!(typo["reason"].as_str().unwrap().contains("error"), "{typo}");
    assert!(!typo["output"].as_str().unwrap().is_empty(), "{typo}");
    assert!(!written("typo") && !written("empty"));
    // One file: run, then blessed, alone.
    let one = q.join("good.q");
    let r = reckon(&log, &["check", one.to_str().unwrap()], None);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "ok      good\n1 queries: 1 matched, 0 changed\n")
    );
    let r = reckon(
        &log,
        &["check", "--bless", q.join("typo.q").to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 1);
    assert!(!written("typo"));
    // What is neither a directory nor a saved query is bad usage.
    let r = reckon(
        &log,
        &["check", dir.join("log/head").to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nor a saved query"), "{}", r.stderr);
}

/// A claims question asking for words (`speaker = …`, `quote contains …`, `speaker ~ …`, and
/// so on) checks every line at the speed of hashing and decodes only the entries that could
/// hold them, every event that is not a claim and every correction; its answer is the whole
/// log's, byte for byte (asked as `not (field != …)` or `not (not (…))`, which read the
/// whole log): with a speaker spelt with an escape, one in Cyrillic asked for in another
/// case, a claim corrected by another speaker's correction, a retraction, tags, two words at
/// once and every field the rows show. An empty answer is asked of the whole log.
#[test]
fn claims_asked_by_their_words_decode_only_what_could_hold_them() {
    let dir = scratch("selecting");
    let log = seeded(&dir);
    let more = [
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "about 9,000", "unit": "people", "said_on": "2025-06-01", "speaker": "Ann \"Q\" Lee", "publisher": "Paper", "tags": ["t1", "t2"]}"#,
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,100", "unit": "people", "said_on": "2025-06-02", "speaker": "Ann \"Q\" Lee", "publisher": "Other"}"#,
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,200", "unit": "people", "said_on": "2025-06-03", "speaker": "Iryna Vereshchuk", "publisher": "Paper", "tags": ["t1"]}"#,
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,250", "unit": "people", "said_on": "2025-06-04", "speaker": "Someone Else", "supersedes": 29}"#,
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,300", "unit": "people", "said_on": "2025-06-05", "speaker": "Ірина Верещук", "quote": "ПОЛОНЕНИХ 9,300"}"#,
    ];
    import_lines(&log, &more);
    let r = reckon(&log, &["retract", "12", "--reason", "a test"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cache = dir.join("cache");
    let all = "| show seq, hash, subject, value, unit, scope, as_of, said_on, speaker, role, cites, publisher, origin, document, url, title, tag, modality, quote, state";
    // Each filter, and the same filter written so that it asks for no exact words.
    for (filter, same) in [
        (
            r#"speaker = "Rustem Umerov""#,
            r#"not (speaker != "Rustem Umerov")"#,
        ),
        (
            r#"speaker = "Ann \"Q\" Lee""#,
            r#"not (speaker != "Ann \"Q\" Lee")"#,
        ),
        (
            r#"speaker = "Iryna Vereshchuk""#,
            r#"not (speaker != "Iryna Vereshchuk")"#,
        ),
        (r#"publisher = "Paper""#, r#"not (publisher != "Paper")"#),
        (r#"tag = "t1""#, r#"not (tag != "t1")"#),
        (
            r#"publisher = "The Kyiv Independent" and speaker = "Vladimir Medinsky""#,
            r#"not (publisher != "The Kyiv Independent") and not (speaker != "Vladimir Medinsky")"#,
        ),
        (
            r#"speaker = "Iryna Vereshchuk" and state != live"#,
            r#"not (speaker != "Iryna Vereshchuk") and state != live"#,
        ),
        // Lowered words: `contains` and the runs of a `~` pattern, ASCII or not.
        (
            r#"quote contains "PRISONERS of""#,
            r#"not (not (quote contains "PRISONERS of"))"#,
        ),
        (
            r#"speaker contains "ІРИНА""#,
            r#"not (not (speaker contains "ІРИНА"))"#,
        ),
        (
            r#"speaker ~ "*VERESHCH?K" and quote contains "CAPTIVE by""#,
            r#"not (not (speaker ~ "*VERESHCH?K")) and not (not (quote contains "CAPTIVE by"))"#,
        ),
        (
            r#"speaker ~ "ann*lee""#,
            r#"not (not (speaker ~ "ann*lee"))"#,
        ),
        (
            r#"origin = "Ann \"Q\" Lee" and unit contains "PEOP""#,
            r#"not (origin != "Ann \"Q\" Lee") and not (not (unit contains "PEOP"))"#,
        ),
        (
            r#"origin ~ "coordination*war""#,
            r#"not (not (origin ~ "coordination*war"))"#,
        ),
        // `?` is one character, however many bytes it takes.
        (
            r#"speaker ~ "*ВЕРЕЩ?К""#,
            r#"not (not (speaker ~ "*ВЕРЕЩ?К"))"#,
        ),
        (
            r#"scope ~ "*received BY*""#,
            r#"not (not (scope ~ "*received BY*"))"#,
        ),
        (
            r#"publisher ~ "the kyiv*" and speaker contains "umerov""#,
            r#"not (not (publisher ~ "the kyiv*")) and not (not (speaker contains "umerov"))"#,
        ),
    ] {
        let selected = format!("claims where {filter} {all}");
        let (r, _) = ask_traced(&log, &cache, &selected);
        assert_eq!(r.code, 0, "{selected}: {}", r.stderr);
        assert!(
            r.stderr.contains("decoded the") && r.stderr.contains("could hold the words"),
            "{selected}: {}",
            r.stderr
        );
        let whole = format!("claims where {same} {all}");
        let (w, _) = ask_traced(&log, &cache, &whole);
        assert!(
            w.stderr.contains("read the whole log"),
            "{whole}: {}",
            w.stderr
        );
        assert_eq!(answer(&r.stdout), answer(&w.stdout), "{selected}");
    }
    // Words no claim holds: answered by the same pass, which reads the values of the fields
    // compared from the text of every claim it does not decode, so the notes name what
    // matched nothing and the nearest values as a whole read names them: values from lines
    // with escapes (decoded) and from lines without (read as text), a slip in Cyrillic, a
    // term under `not`, and a retracted claim's words too.
    for (nobody, nearest) in [
        (r#"speaker = "Nobody At All""#, None),
        (r#"speaker = "Ann \"Q\" Leee""#, Some(r#"Ann "Q" Lee"#)),
        (r#"speaker = "Iryna Vereshchuck""#, Some("Iryna Vereshchuk")),
        (r#"speaker = "Ірина Верешук""#, Some("Ірина Верещук")),
        (
            r#"speaker = "Rustem Umerov" and publisher = "Paperr""#,
            Some("Paper"),
        ),
        (r#"publisher = "Paper" and not (speaker = "Ann Lee")"#, None),
        (
            r#"speaker = "Iryna Vereshchuk" and title = "Nope" | count"#,
            None,
        ),
        // A pattern (lowered, as `~` reads it) that some claim's text satisfies.
        (
            r#"speaker ~ "IRYNA*" and publisher = "Paperr""#,
            Some("Paper"),
        ),
    ] {
        let q = format!("claims where {nobody}");
        let (r, _) = ask_traced(&log, &cache, &q);
        assert!(
            r.stderr.contains("decoded the") && r.stderr.contains("could hold the words"),
            "{q}: {}",
            r.stderr
        );
        let w = ask_whole(&log, &cache, &q);
        assert_eq!(answer(&r.stdout), answer(&w.stdout), "{q}");
        if let Some(near) = nearest {
            let near = near.replace('"', "\\\"");
            assert!(r.stdout.contains(&near), "{q}: {}", r.stdout);
        }
    }
    // A hash no claim has: answered by the same pass, which reads each claim's hash from its
    // line as it checks it, so the note names the nearest hashes as a whole read names them
    // (only those a note can name are kept: the three least that hold the digits asked for,
    // and those a few edits away). A slip in a live claim's hash, in the retracted claim's
    // and in the correction's (which the pass decodes), a definition's own hash (not a
    // claim's), digits that many hashes hold, a hash that is a prefix, one nowhere near,
    // and beside a speaker nobody is.
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let hash_of = |seq: usize| lines.lines().nth(seq - 1).unwrap()[..64].to_owned();
    let slip = |h: &str, i: usize| {
        let c = if &h[i..=i] == "0" { "1" } else { "0" };
        format!("{}{c}{}", &h[..i], &h[i + 1..])
    };
    let definition = lines
        .lines()
        .position(|l| !l.contains(r#""event":{"type":"claim""#))
        .unwrap();
    // One digit: many claims' hashes hold it, and the note names the three least.
    let mut holding: Vec<&str> = lines
        .lines()
        .filter(|l| l.contains(r#""event":{"type":"claim""#) && l[..64].contains('7'))
        .map(|l| &l[..64])
        .collect();
    holding.sort_unstable();
    assert!(holding.len() > 3, "{holding:?}");
    let least = holding[..3].join(", ");
    let unlike: String = hash_of(20)
        .chars()
        .map(|c| if c == 'f' { 'e' } else { 'f' })
        .collect();
    for (hash, nearest) in [
        (slip(&hash_of(20), 40), Some(hash_of(20))),
        (slip(&hash_of(12), 63), Some(hash_of(12))),
        (slip(&hash_of(30), 2), Some(hash_of(30))),
        (hash_of(definition + 1), None),
        ("7".to_owned(), Some(least)),
        (hash_of(20)[..20].to_owned(), Some(hash_of(20))),
        (unlike, None),
    ] {
        for q in [
            format!(r#"claims where hash = "{hash}""#),
            format!(r#"claims where hash = "{hash}" and speaker = "Nobody""#),
        ] {
            let (r, _) = ask_traced(&log, &cache, &q);
            // The definitions, the retraction, the correction and the claims with escapes.
            assert!(
                r.stderr
                    .contains("decoded the 13 entries that could hold the words"),
                "{q}: {}",
                r.stderr
            );
            let w = ask_whole(&log, &cache, &q);
            assert_eq!(answer(&r.stdout), answer(&w.stdout), "{q}");
            let note = format!("no claim has hash `{hash}`");
            assert!(r.stdout.contains(&note), "{q}: {}", r.stdout);
            let named = r.stdout.contains("the nearest are");
            assert_eq!(named, nearest.is_some(), "{q}: {}", r.stdout);
            if let Some(near) = &nearest {
                assert!(r.stdout.contains(near.as_str()), "{q}: {}", r.stdout);
            }
        }
    }
    // Claims of other words are not decoded: of the 32 entries, the 9 definitions, the 3
    // claims that quote "prisoners" (any case), the retraction, the 2 claims with escapes
    // and the correction; not the claim in Cyrillic, lowered as Unicode lowers it.
    let (r, _) = ask_traced(&log, &cache, r#"claims where quote contains "PRISONERS""#);
    assert!(r.stderr.contains("decoded the 16 entries"), "{}", r.stderr);
}

/// After appends reckon recorded, the saved index is brought forward over them: only their
/// lines read, each new claim filed under the subject its name stands for (an alias made
/// before), and the file saved is the very index a whole read makes of the longer log. An
/// appended alias or correction may refile claims already indexed: the index is then made
/// again from the whole log, and the answer is the same.
#[test]
fn the_saved_index_is_brought_forward_over_recorded_appends() {
    let dir = scratch("index-appends");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    let run = |args: &[&str], stdin: Option<&[u8]>| {
        crate::support::write_cached(&log, &cache, args, stdin);
    };
    let import = |lines: &[&str]| {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        run(&["import", "-"], Some(text.as_bytes()));
    };
    import(&[r#"{"alias": "captives/ua", "same_as": "pows/ukraine/held-by-russia"}"#]);
    let q = "claims where subject = pows/ukraine/held-by-russia | show seq, value, origin";
    settle(&log);
    let (first, _) = ask_traced(&log, &cache, q);
    assert!(
        how(&first).starts_with("checked the whole log"),
        "{}",
        first.stderr
    );
    // A claim under the alias, one under a new subject, and a retraction.
    import(&[
        r#"{"subject": "captives/ua", "value": "about 9,000", "unit": "people", "said_on": "2025-06-01", "speaker": "B"}"#,
        r#"{"subject": "new/subject", "value": "12", "said_on": "2025-06-02", "speaker": "C"}"#,
    ]);
    run(&["retract", "11", "--reason", "a test"], None);
    settle(&log);
    let (brought, indexed) = ask_traced(&log, &cache, q);
    assert_eq!(
        how(&brought),
        "brought the saved index forward over the 3 entries appended since, read 14 entries through it",
        "{}",
        brought.stderr
    );
    assert!(!indexed);
    assert!(brought.stdout.contains("about 9,000"), "{}", brought.stdout);
    let saved = std::fs::read(cache_file(&cache)).unwrap();
    let fresh = scratch("index-appends-fresh");
    let (whole, _) = ask_traced(&log, &fresh, q);
    assert!(
        how(&whole).starts_with("checked the whole log"),
        "{}",
        whole.stderr
    );
    assert_eq!(brought.stdout, whole.stdout);
    assert_eq!(
        saved,
        std::fs::read(cache_file(&fresh)).unwrap(),
        "another index"
    );
    // A correction of a claim of its own subject (named here through the alias): brought
    // forward too, the very index a whole read makes.
    import(&[
        r#"{"subject": "captives/ua", "value": "8,100", "unit": "people", "said_on": "2025-06-03", "speaker": "Z", "supersedes": 25}"#,
    ]);
    settle(&log);
    let (fixed, _) = ask_traced(&log, &cache, q);
    assert!(
        how(&fixed).starts_with("brought the saved index forward over the 1 entries"),
        "{}",
        fixed.stderr
    );
    assert!(fixed.stdout.contains("8,100"), "{}", fixed.stdout);
    let fresh = scratch("index-appends-fresh");
    let (whole, _) = ask_traced(&log, &fresh, q);
    assert_eq!(fixed.stdout, whole.stdout);
    assert_eq!(
        std::fs::read(cache_file(&cache)).unwrap(),
        std::fs::read(cache_file(&fresh)).unwrap(),
        "another index after a correction"
    );
    // With a hash area, which a first lookup by hash makes: brought forward over appends
    // too, the very index a whole read makes once a lookup by hash has made its area.
    let prefix_of = |n: usize| {
        let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
        lines.lines().nth(n - 1).unwrap()[..12].to_owned()
    };
    let shown = crate::support::traced(&log, &cache, &["show", &prefix_of(12)]);
    assert!(
        shown.stderr.contains("through the index"),
        "{}",
        shown.stderr
    );
    let keyed = std::fs::read(cache_file(&cache)).unwrap();
    assert!(keyed.len() > std::fs::read(cache_file(&fresh)).unwrap().len());
    import(&[
        r#"{"subject": "new/subject", "value": "13", "said_on": "2025-06-04", "speaker": "C"}"#,
    ]);
    settle(&log);
    let (more, _) = ask_traced(&log, &cache, q);
    assert!(
        how(&more).starts_with("brought the saved index forward"),
        "{}",
        more.stderr
    );
    let plain = scratch("index-appends-plain");
    ask_traced(&log, &plain, q);
    assert!(
        std::fs::read(cache_file(&cache)).unwrap().len()
            > std::fs::read(cache_file(&plain)).unwrap().len(),
        "the hash area was not brought forward"
    );
    let last = std::fs::read_to_string(log.join("entries.jsonl"))
        .unwrap()
        .lines()
        .count();
    let shown = crate::support::traced(&log, &cache, &["show", &prefix_of(last)]);
    assert!(shown.stdout.contains("13"), "{}", shown.stdout);
    assert!(
        shown.stderr.contains("through the index"),
        "{}",
        shown.stderr
    );
    let fresh = scratch("index-appends-fresh");
    ask_traced(&log, &fresh, q);
    crate::support::traced(&log, &fresh, &["show", &prefix_of(12)]);
    assert_eq!(
        std::fs::read(cache_file(&cache)).unwrap(),
        std::fs::read(cache_file(&fresh)).unwrap(),
        "another index with a hash area"
    );
    // Origin records learned into an index with a hash area keep the area.
    let figures = "figures pows/ukraine/held-by-russia";
    let (learned, _) = ask_traced(&log, &cache, figures);
    assert!(
        how(&learned).starts_with("learned every origin's record"),
        "{}",
        learned.stderr
    );
    ask_traced(&log, &fresh, figures);
    assert_eq!(
        std::fs::read(cache_file(&cache)).unwrap(),
        std::fs::read(cache_file(&fresh)).unwrap(),
        "records learned into an index with a hash area"
    );
    // The same records learned into an index without one: shorter by the area.
    ask_traced(&log, &plain, figures);
    assert!(
        std::fs::read(cache_file(&cache)).unwrap().len()
            > std::fs::read(cache_file(&plain)).unwrap().len(),
        "the hash area was dropped when the records were saved"
    );
    // An appended alias, or a correction of a claim of another subject: made again from the
    // whole log.
    for line in [
        r#"{"alias": "captives/ua-2", "same_as": "pows/ukraine/held-by-russia"}"#,
        r#"{"subject": "other/x", "value": "7", "said_on": "2025-06-03", "speaker": "Z", "supersedes": 24}"#,
    ] {
        import(&[line]);
        settle(&log);
        let (again, _) = ask_traced(&log, &cache, q);
        assert!(
            how(&again).starts_with("checked the whole log"),
            "{line}: {}",
            again.stderr
        );
        let fresh = scratch("index-appends-fresh");
        assert_eq!(again.stdout, ask_traced(&log, &fresh, q).0.stdout, "{line}");
    }
}

/// A saved index with no origin records (made by a claims question, or brought forward over
/// appends, which drops them) keeps its spans when a question about figures needs them: they
/// are learned from the folded log and saved in it, and the file is then the very index a
/// figures question on an empty cache makes, the answer the very answer. A whole-log
/// `reconcile` right after appends brings the index forward too and saves the records it
/// learned: the next question about figures reads them.
#[test]
fn figures_learn_the_records_into_the_saved_index() {
    let dir = scratch("index-learned");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    let run = |args: &[&str], stdin: Option<&[u8]>| {
        crate::support::write_cached(&log, &cache, args, stdin);
    };
    let figures = "figures pows/ukraine/held-by-russia";
    // The fresh reader's file and answer, on an empty cache of its own.
    let fresh = || {
        let cache = scratch("index-learned-fresh");
        let (r, _) = ask_traced(&log, &cache, figures);
        assert!(how(&r).starts_with("checked the whole log"), "{}", r.stderr);
        (r.stdout, std::fs::read(cache_file(&cache)).unwrap())
    };
    settle(&log);
    ask_traced(
        &log,
        &cache,
        "claims where subject = pows/ukraine/held-by-russia",
    );
    let (learned, _) = ask_traced(&log, &cache, figures);
    assert_eq!(
        how(&learned),
        "learned every origin's record from the folded log and saved them in the index, read 11 entries through it",
        "{}",
        learned.stderr
    );
    let (answer, file) = fresh();
    assert_eq!(learned.stdout, answer);
    assert_eq!(std::fs::read(cache_file(&cache)).unwrap(), file);
    // Appends: the index brought forward, without records; a figures question learns them.
    let claim = r#"{"subject": "pows/ukraine/held-by-russia", "value": "8,100", "unit": "people", "said_on": "2025-06-01", "speaker": "B"}"#;
    run(&["import", "-"], Some(format!("{claim}\n").as_bytes()));
    run(&["retract", "11", "--reason", "a test"], None);
    settle(&log);
    let (learned, _) = ask_traced(&log, &cache, figures);
    assert_eq!(
        how(&learned),
        "brought the saved index forward over the 2 entries appended since, learned every origin's record from the folded log and saved them in the index, read 13 entries through it",
        "{}",
        learned.stderr
    );
    let (answer, file) = fresh();
    assert_eq!(learned.stdout, answer);
    assert_eq!(std::fs::read(cache_file(&cache)).unwrap(), file);
    let (again, indexed) = ask_traced(&log, &cache, figures);
    assert!(
        indexed && how(&again).starts_with("read 13 entries"),
        "{}",
        again.stderr
    );
    // A whole reconciliation right after an append saves what it learned in the index it
    // brought forward.
    run(&["retract", "12", "--reason", "a test"], None);
    settle(&log);
    let r = crate::support::traced(&log, &cache, &["reconcile"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (answer, file) = fresh();
    assert_eq!(std::fs::read(cache_file(&cache)).unwrap(), file);
    let (read, indexed) = ask_traced(&log, &cache, figures);
    assert!(
        indexed && how(&read).starts_with("read 14 entries"),
        "{}",
        read.stderr
    );
    assert_eq!(read.stdout, answer);
}

/// Asserts that `r`, the answer to `question`, is a non-empty one and the same as the whole
/// read's (`--whole-read`), which must not have taken a lean way.
fn answers_as_the_whole_read(
    log: &std::path::Path,
    cache: &std::path::Path,
    question: &str,
    r: &crate::support::Run,
) {
    let w = ask_whole(log, cache, question);
    assert!(
        w.stderr.contains("read the whole log") && !w.stderr.contains("lean"),
        "{question}: {}",
        w.stderr
    );
    assert!(!r.stdout.contains("no claim"), "{question}: {}", r.stdout);
    assert_eq!(answer(&r.stdout), answer(&w.stdout), "{question}");
}

/// A claims question that names no subject and asks for no claim's words (its filter,
/// sorting, grouping and columns are all of the lean fold: seq, hash, subject, value, unit,
/// scope, dates, origin, modality, state) is answered from the lean fold of the whole log,
/// byte for byte as the whole log answers it (`--whole-read`, every entry decoded whole):
/// with a correction, a retraction, `at` and `known`. One that shows words for a few rows
/// chosen without them takes the lean fold and then decodes those rows' entries alone; one
/// that chooses its rows by words takes the lean fold and then reads those words of the
/// claims its filter keeps, or of every claim when the filter asks for words (and, when
/// that filter keeps none, every claim's words again, to name the nearest values).
#[test]
fn claims_asked_for_no_words_are_answered_lean() {
    let dir = scratch("claims-lean");
    let log = seeded(&dir);
    let more = r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,250", "unit": "people", "said_on": "2025-06-04", "speaker": "Someone Else", "supersedes": 12}"#;
    let r = reckon(&log, &["import", "-"], Some(format!("{more}\n").as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = reckon(&log, &["retract", "14", "--reason", "a test"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cache = dir.join("cache");
    let all = "| show seq, hash, subject, value, unit, scope, as_of, said_on, origin, modality, state, status";
    for (filter, rest) in [
        (None, ""),
        (Some("state != live"), all),
        (
            Some("value > 1000 or unit = people"),
            "| sort said_on desc | limit 5",
        ),
        (None, "| group by unit | count"),
        (Some("said_on >= 2025-05-20 at 20"), all),
        (Some("modality = asserted known 2025-05-25"), "| count"),
    ] {
        let lean = match filter {
            Some(f) => format!("claims where {f} {rest}"),
            None => format!("claims {rest}"),
        };
        let (r, _) = ask_traced(&log, &cache, &lean);
        assert_eq!(r.code, 0, "{lean}: {}", r.stderr);
        assert!(r.stderr.contains("folded lean"), "{lean}: {}", r.stderr);
        answers_as_the_whole_read(&log, &cache, &lean, &r);
    }
    // Words shown for rows chosen without them: the lean fold, then the rows' words read
    // from their lines (those of the whole log, with `at` and `known` too).
    for (filter, rest, read) in [
        (
            "value > 1000 and state = live",
            "| sort value desc | limit 2 | show seq, speaker, quote, tag, value, state",
            2,
        ),
        (
            "state != live",
            "| show speaker, publisher, url, title, document, role, cites, seq",
            2,
        ),
        ("seq > 0", "| show seq, speaker, tag", 16),
        ("seq > 0", "at 20 | show quote, value", 11),
        (
            "seq > 0",
            "known 2025-05-16 | show quote, value, said_on",
            7,
        ),
    ] {
        let lean = format!("claims where {filter} {rest}");
        let (r, _) = ask_traced(&log, &cache, &lean);
        assert!(
            r.stderr.contains(&format!(
                "folded lean, then the words of the {read} claims of the rows"
            )),
            "{lean}: {}",
            r.stderr
        );
        let w = ask_whole(&log, &cache, &lean);
        assert!(w.stderr.contains("read the whole log"), "{}", w.stderr);
        assert!(
            r.stdout.contains("\"value\"") || r.stdout.contains("\"speaker\""),
            "{}",
            r.stdout
        );
        assert_eq!(answer(&r.stdout), answer(&w.stdout), "{lean}");
    }
    // Words sorted or grouped by, the filter asking for none: the lean fold, then the words
    // the steps read of the claims the filter keeps (every claim the fold holds when there is
    // no filter, withdrawn ones too: the steps leave those out after).
    for (filter, rest, read) in [
        ("seq > 0", "| sort publisher", 18),
        ("seq > 0", "| group by tag | count", 18),
        (
            "state != live",
            "| sort speaker desc | show seq, speaker, quote, state",
            2,
        ),
        ("seq > 0", "at 20 | sort title | show seq, title, value", 11),
        (
            "seq > 0",
            "known 2025-05-16 | group by publisher | count",
            7,
        ),
        (
            "value > 100",
            "| sort quote desc | limit 3 | show seq, quote, role",
            17,
        ),
        // A filter about words that no selecting pass can narrow: every claim's words read,
        // the filter tested on each as they are.
        (
            r#"speaker != "Rustem Umerov""#,
            "| sort said_on | show seq, speaker, quote",
            18,
        ),
        (
            r#"publisher = "Reuters" or value > 1000"#,
            "| show seq, publisher, value",
            18,
        ),
        ("not (tag = civilians)", "| count", 18),
        (
            r#"speaker ~ "Ru*" or quote contains "prisoners""#,
            "at 20 | group by speaker | count",
            11,
        ),
    ] {
        let lean = format!("claims where {filter} {rest}");
        let (r, _) = ask_traced(&log, &cache, &lean);
        assert_eq!(r.code, 0, "{lean}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "folded lean, then the words it chooses its rows by from the lines of {read} claims"
            )),
            "{lean}: {}",
            r.stderr
        );
        answers_as_the_whole_read(&log, &cache, &lean, &r);
    }
    // A filter about words that keeps no claim: the lean fold, then every claim's words read
    // again to name the nearest values they hold, as the whole read names them (a term that
    // matches some claim named by neither, a tag, a glob, `at`, a term under `not`, withdrawn
    // claims left out).
    for nobody in [
        r#"claims where speaker = "Rustem Umerow" or publisher = "No Such Paper""#,
        r#"claims where (speaker = "Rustem Umerov" or publisher = "Reuterz") and value > 99999999"#,
        r#"claims where tag = civilans or quote = "prisoners""#,
        r#"claims where speaker ~ "Zel*" and not (publisher = "Reutrs") at 20"#,
        r#"claims where quote contains "no such words" | sort speaker"#,
    ] {
        let (r, _) = ask_traced(&log, &cache, nobody);
        assert!(
            r.stderr
                .contains("folded lean, then the words it chooses its rows by"),
            "{nobody}: {}",
            r.stderr
        );
        let w = ask_whole(&log, &cache, nobody);
        assert_eq!(answer(&r.stdout), answer(&w.stdout), "{nobody}");
        assert!(r.stdout.contains("no claim"), "{nobody}: {}", r.stdout);
    }
    let nobody = r#"claims where speaker = "Rustem Umerow" or publisher = "No Such Paper""#;
    let (r, _) = ask_traced(&log, &cache, nobody);
    assert!(r.stdout.contains("Rustem Umerov"), "{}", r.stdout);
    // So does one whose rows are all cut away, which says what matched nothing.
    let none = r#"claims where speaker = "Rustem Umerov" or value > 5 | limit 0"#;
    let (r, _) = ask_traced(&log, &cache, none);
    let w = ask_whole(&log, &cache, none);
    assert_eq!(answer(&r.stdout), answer(&w.stdout), "{}", r.stdout);
    assert!(r.stderr.contains("folded lean"), "{}", r.stderr);
}

/// A question about the conflicts of every subject is answered from the lean fold, and the
/// words its rows show (who said each claim, where, in what words) are read again from the
/// claims' lines: they must be the words a whole read of the log decodes, escapes and all,
/// with `at` too; a count reads no claim's words.
#[test]
fn whole_log_conflicts_read_the_words_of_their_rows() {
    let dir = scratch("conflicts-words");
    let log = seeded(&dir);
    let more = [
        r#"{"subject": "exchange/2025-05-06/returned-to-ukraine", "value": "390", "unit": "people", "said_on": "2025-05-18", "speaker": "Віра \"Σ\" Вереща", "role": "a \\ role", "publisher": "Example Daily", "document": "doc-1.txt", "quote": "390 came home, \"all of them\" — she said", "tags": ["t1", "t\"2"]}"#,
        r#"{"subject": "exchange/2025-05-06/returned-to-ukraine", "value": "391", "unit": "people", "said_on": "2025-05-19", "cites": "A ministry", "publisher": "Other Weekly", "quote": "391 returned"}"#,
        r#"{"subject": "pows/ukraine/held-by-russia", "value": "2,000", "unit": "people", "said_on": "2025-05-20", "as_of": "2025-05-01", "speaker": "Someone", "publisher": "Third Paper", "quote": "only 2,000"}"#,
    ];
    import_lines(&log, &more);
    let cache = dir.join("cache");
    settle(&log);
    for (q, read) in [
        ("conflicts", 7),
        ("conflicts at 28", 4),
        ("conflicts where status = unresolved | limit 4", 3),
    ] {
        let (r, _) = ask_traced(&log, &cache, q);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        assert!(
            how(&r).contains(&format!("folded lean, then the words of the {read} claims")),
            "{q}: {}",
            r.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let rows = v["rows"].as_array().unwrap();
        let claims: Vec<&serde_json::Value> = rows.iter().filter(|r| r["seq"].is_u64()).collect();
        assert_eq!(claims.len(), read, "{q}: {}", r.stdout);
        // The same claims' words from a whole read of the log.
        let seqs: Vec<String> = claims
            .iter()
            .map(|c| format!("seq = {}", c["seq"]))
            .collect();
        let at = q
            .split_once(" at ")
            .map_or(String::new(), |(_, n)| format!(" at {n}"));
        let whole = format!(
            "claims where ({}){at} | show seq, speaker, role, cites, publisher, document, quote",
            seqs.join(" or ")
        );
        let w = ask_whole(&log, &cache, &whole);
        assert_eq!(how(&w), "read the whole log", "{}", w.stderr);
        let w: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
        let mut decoded: Vec<&serde_json::Value> = w["rows"].as_array().unwrap().iter().collect();
        decoded.sort_by_key(|r| r["seq"].as_u64());
        let mut shown = claims.clone();
        shown.sort_by_key(|r| r["seq"].as_u64());
        assert_eq!(decoded.len(), shown.len(), "{q}");
        for (c, d) in shown.iter().zip(&decoded) {
            for f in [
                "seq",
                "speaker",
                "role",
                "cites",
                "publisher",
                "document",
                "quote",
            ] {
                assert_eq!(c[f], d[f], "{q}: {f} of claim {}", c["seq"]);
            }
        }
    }
    let (r, _) = ask_traced(&log, &cache, "conflicts | count");
    assert_eq!(
        how(&r),
        "read the whole log folded lean, then the words of the 0 claims of the rows from their lines",
        "{}",
        r.stderr
    );
}

/// A question about the conflicts of the whole log (folded lean) takes every origin's record
/// from a saved index that holds them (the records its reconciliation would
/// learn), and answers byte for byte what a reader with nothing saved answers; an index that
/// holds none (a claims question made it) is given those it learns, the same bytes a figures
/// question saves; with `valid` (which changes what they are learned from) or `at` it learns
/// them again.
#[test]
fn whole_log_conflicts_take_the_saved_records() {
    let dir = scratch("conflicts-records");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    settle(&log);
    // A claims question saves an index without records; conflicts learn and save them.
    ask_traced(
        &log,
        &cache,
        "claims where subject = pows/ukraine/held-by-russia",
    );
    let (learned, _) = ask_traced(&log, &cache, "conflicts");
    assert!(
        learned
            .stderr
            .contains("learned every origin's record and saved them in the index"),
        "{}",
        learned.stderr
    );
    // A figures question saves an index with every origin's record: the same bytes.
    let by_figures = dir.join("by-figures");
    ask_traced(&log, &by_figures, "figures pows/ukraine/held-by-russia");
    assert_eq!(
        std::fs::read(cache_file(&cache)).unwrap(),
        std::fs::read(cache_file(&by_figures)).unwrap(),
        "the records learned by a whole-log conflicts question are those figures save"
    );
    for (q, took) in [
        ("conflicts", true),
        ("conflicts where status = contested | limit 3", true),
        ("conflicts valid 2025-05", false),
        ("conflicts at 20", false),
    ] {
        let (r, _) = ask_traced(&log, &cache, q);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        assert_eq!(
            r.stderr
                .contains("every origin's record from the saved index"),
            took,
            "{q}: {}",
            r.stderr
        );
        let (fresh, _) = ask_traced(&log, &scratch("conflicts-records-fresh"), q);
        assert!(
            !fresh.stderr.contains("saved index"),
            "{q}: {}",
            fresh.stderr
        );
        assert_eq!(r.stdout, fresh.stdout, "{q}");
    }
}

/// A figures question about every subject takes the origin records a reconciliation saved in
/// the index, as `reconcile` does; an index that holds none (a claims question made it) is
/// given those the question learns, the same bytes a question about one subject's figures
/// saves; with `at`, `known` or `valid` the saved records are not the ones to use. Every
/// answer equals the one made with nothing saved.
#[test]
fn whole_log_figures_take_or_learn_the_saved_records() {
    let dir = scratch("figures-records");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    settle(&log);
    // A claims question saves an index without records.
    let (made, _) = ask_traced(
        &log,
        &cache,
        "claims where subject = pows/ukraine/held-by-russia",
    );
    assert!(made.stderr.contains("saved an index"), "{}", made.stderr);
    let learning = dir.join("learning");
    ask_traced(&log, &learning, "figures pows/ukraine/held-by-russia");
    for (q, read) in [
        (
            "figures",
            "learned every origin's record and saved them in the index",
        ),
        ("figures", "every origin's record from the saved index"),
        (
            "figures where status = contested | count",
            "every origin's record from the saved index",
        ),
        ("figures valid 2025-05", ": read the whole log\n"),
        ("figures at 20", ": read the whole log\n"),
        ("figures known 2025-05-20", ": read the whole log\n"),
    ] {
        let (r, _) = ask_traced(&log, &cache, q);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        assert!(r.stderr.contains(read), "{q}: {}", r.stderr);
        let (fresh, _) = ask_traced(&log, &scratch("figures-records-fresh"), q);
        assert!(
            fresh.stderr.contains(": read the whole log\n"),
            "{q}: {}",
            fresh.stderr
        );
        assert_eq!(r.stdout, fresh.stdout, "{q}");
    }
    assert_eq!(
        std::fs::read(cache_file(&cache)).unwrap(),
        std::fs::read(cache_file(&learning)).unwrap(),
        "the records learned by a whole-log figures question are those a one-subject one saves"
    );
}

/// A question whose subjects hold more than an eighth of a large log (and more than 10,000
/// claims) is answered from the lean fold rather than read entry by entry through the
/// index, and one about a subject the log does not have suggests names from the lean fold;
/// so is a question whose words that many claims hold, rather than decoded entry by entry
/// from a pass that picks them by their text. Each gives the whole read's answer.
#[test]
fn a_pattern_over_much_of_the_log_is_answered_from_the_lean_fold() {
    let dir = scratch("broad-pattern");
    let lines: Vec<String> = (0..12_000)
        .map(|i| {
            let subject = if i % 12 == 0 {
                "b/y".to_owned()
            } else {
                format!("a/x{}", i % 100)
            };
            format!(
                r#"{{"subject":"{subject}","value":"{}","unit":"people","said_on":"2025-05-{:02}","speaker":"Editor {}"}}"#,
                1_000 + i,
                1 + i % 28,
                i % 40
            )
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let log = log_of(&dir, &refs);
    settle(&log);
    let cache = dir.join("cache");
    for (q, how) in [
        ("claims where subject ~ \"a/*\" | count", "folded lean"),
        ("figures a/", "folded lean"),
        (
            "claims where subject ~ \"b/*\" | count",
            "through the saved index",
        ),
        // A subject the log lacks: through the index, the names it suggests from the
        // index's directory.
        ("claims where subject = \"a/xx\"", "through the saved index"),
        ("claims where unit = \"people\" | count", "folded lean"),
        ("claims where speaker ~ \"editor*\" | count", "folded lean"),
        (
            "claims where speaker = \"Editor 7\" | count",
            "decoded the 300 entries that could hold the words",
        ),
    ] {
        let (r, _) = ask_traced(&log, &cache, q);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        assert!(r.stderr.contains(how), "{q}: {}", r.stderr);
        let w = ask_whole(&log, &cache, q);
        assert_eq!(answer(&r.stdout), answer(&w.stdout), "{q}");
    }
    let (typo, _) = ask_traced(&log, &cache, "claims where subject = \"a/xx\"");
    assert!(typo.stdout.contains("a/x1"), "{}", typo.stdout);
}

/// Subject-selective queries, asked twice: the first reads the whole log and saves the index,
/// the second answers through it (the trace says which path answered). The answers must be
/// the same, and a stale or damaged index must never change an answer.
#[test]
fn the_saved_index_makes_answers_faster_never_different() {
    let dir = scratch("index");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    settle(&log);
    let asks = [
        "figures pows/ukraine/held-by-russia",
        "figures exchange/2025-05-23/phase-1/per-side",
        "claims where subject = exchange/2025-05-23/agreed-per-side | show seq, value, origin",
        "claims where said_on >= 2025 and subject = exchange/2025-05-23/agreed-per-side",
        "provenance exchange/2025-05-06/returned-to-ukraine",
        "conflicts \"exchange/*\"",
        "figures where subject = pows/ukraine/held-by-russia",
        "figures where subject ~ \"exchange/*\" and status = contested",
        "conflicts where subject ~ \"exchange/2025-05-23/*\"",
    ];
    let ask = |q: &str| ask_traced(&log, &cache, q);
    for q in asks {
        let _ = std::fs::remove_dir_all(&cache);
        // Claims questions build the index in one checked pass and answer through it at
        // once; figures need a whole read first.
        let (first, _) = ask(q);
        assert_eq!(first.code, 0, "{q}: {}", first.stderr);
        let (second, indexed) = ask(q);
        assert!(
            indexed,
            "{q}: the saved index did not answer ({})",
            second.stderr
        );
        assert_eq!(
            second.stdout, first.stdout,
            "{q}: the index changed the answer"
        );
    }
    // A claim appended after the index was saved: the answer must include it.
    let (before, _) = ask("figures pows/ukraine/held-by-russia");
    let more = r#"{"subject": "pows/ukraine/held-by-russia", "value": "about 9,000", "unit": "people", "as_of": "2025-05-02", "said_on": "2025-05-02", "speaker": "Someone Else"}"#;
    assert_eq!(
        reckon(&log, &["import", "-"], Some(format!("{more}\n").as_bytes())).code,
        0
    );
    let (after, indexed) = ask("figures pows/ukraine/held-by-russia");
    assert!(!indexed, "a stale index answered");
    assert_ne!(after.stdout, before.stdout);
    assert!(
        after.stdout.contains("\"position\": 27"),
        "{}",
        after.stdout
    );
    // A damaged index is ignored.
    settle(&log);
    let _ = ask("figures pows/ukraine/held-by-russia");
    let file = cache_file(&cache);
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&file, &bytes).unwrap();
    let (damaged, indexed) = ask("figures pows/ukraine/held-by-russia");
    assert!(!indexed, "a damaged index answered");
    assert_eq!(damaged.stdout, after.stdout);
    assert!(
        !log.join("index").exists(),
        "nothing derived is written into the log directory"
    );
}

/// Answers through the index (made by one verify-speed pass for claims, or by a full read for
/// figures) have the same rows as answers that bypass it (`at N` always reads the whole log);
/// the trace proves which path answered each.
#[test]
fn answers_through_the_index_have_the_rows_of_a_full_read() {
    let dir = scratch("index-rows");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    settle(&log);
    let rows = |q: &str, through_index: bool| -> serde_json::Value {
        let (r, _) = ask_traced(&log, &cache, q);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        // Through the saved index, or one this question made and saved.
        let indexed = how(&r).contains(" through ");
        assert_eq!(indexed, through_index, "{q}: {}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["rows"].clone()
    };
    let pairs = [
        (
            "claims where subject = pows/ukraine/held-by-russia",
            "claims where subject = pows/ukraine/held-by-russia at 26",
        ),
        (
            "claims where subject ~ \"exchange/2025-05-23/*\" | sort seq desc",
            "claims where subject ~ \"exchange/2025-05-23/*\" at 26 | sort seq desc",
        ),
        (
            "figures exchange/2025-05-23/phase-1/per-side",
            "figures exchange/2025-05-23/phase-1/per-side at 26",
        ),
        (
            "provenance pows/ukraine/held-by-russia",
            "provenance pows/ukraine/held-by-russia at 26",
        ),
    ];
    for (indexed, full) in pairs {
        let _ = ask_traced(&log, &cache, indexed);
        assert_eq!(rows(indexed, true), rows(full, false), "{indexed}");
    }
}

/// `provenance #N` and `provenance HASH` are answered from the part of the log behind the
/// claim's subject (one hash-speed pass finds the claim, then the index), with the rows,
/// position and head a whole read gives (`at N` always reads the whole log): a claim under
/// an alias name, one corrected by a claim filed under another subject, a retracted one, and
/// by hash prefix. A prefix two claims share, or an entry that is no claim, is refused with
/// the whole log's words.
#[test]
fn a_claims_provenance_is_read_from_its_subjects_part() {
    let dir = scratch("claim-provenance");
    let log = seeded(&dir);
    let more = [
        r#"{"alias": "captives/ua", "same_as": "pows/ukraine/held-by-russia"}"#,
        r#"{"subject": "captives/ua", "value": "about 9,000", "unit": "people", "said_on": "2025-05-02", "speaker": "Someone Else"}"#,
        r#"{"subject": "other/x", "value": "7", "said_on": "2025-06-01", "speaker": "Z", "supersedes": 24}"#,
    ];
    import_lines(&log, &more);
    assert_eq!(
        reckon(&log, &["retract", "11", "--reason", "a test"], None).code,
        0
    );
    let cache = dir.join("cache");
    settle(&log);
    let answer = |q: &str| {
        let (r, _) = ask_traced(&log, &cache, q);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
        let keep = ["rows", "notes", "position", "head", "log_entries"].map(|k| doc[k].clone());
        (r.code, keep, r.stderr)
    };
    let hash = reckon(&log, &["show", "25", "--format", "json"], None).stdout;
    let hash = hash
        .split("\"hash\": \"")
        .nth(1)
        .map(|h| h[..10].to_owned())
        .unwrap();
    for target in ["#28", "#24", "#11", "#10", "#16", hash.as_str()] {
        let q = format!("provenance {target}");
        let (code, got, how) = answer(&q);
        assert_eq!(code, 0, "{q}: {how}");
        assert!(how.contains("through"), "{q}: {how}");
        let (_, whole, how) = answer(&format!("{q} at 30"));
        assert!(how.contains("read the whole log"), "{q}: {how}");
        assert_eq!(got, whole, "{q}");
    }
    // Refused as a whole read refuses them: an entry that is no claim, past the end, and a
    // prefix no hash starts with (said from the index's hash area).
    let last = |how: &str| how.lines().last().unwrap_or_default().to_owned();
    let listed = reckon(&log, &["log", "--format", "json"], None).stdout;
    let absent = (0..u32::MAX)
        .map(|k| format!("a{k:07x}"))
        .find(|p| !listed.contains(&format!("\"{p}")))
        .unwrap();
    let absent = format!("provenance {absent}");
    for q in ["provenance #2", "provenance #99", absent.as_str()] {
        let (code, got, how) = answer(q);
        let (whole_code, whole, whole_how) = answer(&format!("{q} at 30"));
        assert_eq!(code, 2, "{q}: {how}");
        assert_eq!(
            (code, got, last(&how)),
            (whole_code, whole, last(&whole_how)),
            "{q}"
        );
    }
    // A four-digit prefix two claims (of different subjects) share, among 1,500.
    let lines: Vec<String> = (0..1500)
        .map(|n| {
            format!(r#"{{"subject": "s/a{n}", "value": "{n}", "said_on": "2025", "speaker": "P"}}"#)
        })
        .collect();
    let many = log_of(
        &scratch("claim-provenance-many"),
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let listed = reckon(
        &many,
        &["query", "claims | show hash", "--format", "json"],
        None,
    )
    .stdout;
    let doc: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let mut prefixes: Vec<String> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["hash"].as_str().unwrap()[..4].to_owned())
        .collect();
    prefixes.sort();
    let shared = prefixes
        .windows(2)
        .find(|w| w[0] == w[1])
        .map(|w| w[0].clone())
        .unwrap();
    let r = reckon(&many, &["query", &format!("provenance {shared}")], None);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("is ambiguous"), "{}", r.stderr);
    // With an index saved, whose hash area finds both: the whole log's words again.
    let cache = dir.join("cache-many");
    ask_traced(&many, &cache, "claims where subject = \"s/a1\"");
    let (r, _) = ask_traced(&many, &cache, &format!("provenance {shared}"));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("is ambiguous"), "{}", r.stderr);
}

/// C3 of the code review: claims recorded under a name that is an alias are found through the
/// index by a pattern on that name, as a whole read finds them.
#[test]
fn c3_claims_filed_under_an_alias_name_are_found_through_the_index() {
    let dir = scratch("index-alias");
    let cache = dir.join("cache");
    let log = log_of(
        &dir,
        &[
            r#"{"define": "pows/ukraine/held", "label": "Ukrainians held"}"#,
            r#"{"alias": "captives/ua", "same_as": "pows/ukraine/held"}"#,
            r#"{"subject": "captives/ua", "value": "8,000", "said_on": "2025", "speaker": "A"}"#,
            r#"{"subject": "captives/ru", "value": "900", "said_on": "2025", "speaker": "B"}"#,
            r#"{"subject": "pows/ukraine/held", "value": "8,100", "said_on": "2025", "speaker": "C"}"#,
        ],
    );
    settle(&log);
    // Each question, and the same at position 5, which always reads the whole log.
    for (q, whole) in [
        (
            "claims where subject ~ \"captives/\" | show seq, subject, value",
            "claims where subject ~ \"captives/\" at 5 | show seq, subject, value",
        ),
        (
            "claims where subject = captives/ua | show seq, subject, value",
            "claims where subject = captives/ua at 5 | show seq, subject, value",
        ),
        ("figures captives/ua", "figures captives/ua at 5"),
    ] {
        let _ = ask_traced(&log, &cache, q);
        let (indexed, through) = ask_traced(&log, &cache, q);
        let (whole, _) = ask_traced(&log, &cache, whole);
        assert!(
            through,
            "{q}: the index did not answer ({})",
            indexed.stderr
        );
        let rows = |r: &crate::support::Run| {
            serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["rows"].clone()
        };
        assert_eq!(rows(&indexed), rows(&whole), "{q}");
    }
}

/// `known DATE` is what was known by that date: a retraction recorded after it does not hide
/// a claim said before it (the code review found every retraction applied whatever its date).
#[test]
fn known_leaves_out_retractions_recorded_after_the_date() {
    let dir = scratch("known-retraction");
    let log = log_of(
        &dir,
        &[r#"{"subject": "k/a", "value": "5", "said_on": "2025-05-01", "speaker": "A"}"#],
    );
    // Recorded at the test clock, 2025-11-22.
    assert_eq!(
        reckon(&log, &["retract", "1", "--reason", "wrong"], None).code,
        0
    );
    let figure = |q: &str| {
        let r = reckon(&log, &["query", q, "--format", "json"], None);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        j["rows"][0]["value"].as_str().unwrap_or("none").to_owned()
    };
    assert_eq!(figure("figures k/a"), "-");
    assert_eq!(figure("figures k/a known 2025-06"), "5");
    assert_eq!(figure("figures k/a known 2025-12"), "-");
}

/// T5 of the code review: `reckon check` answers saved questions about named subjects the way
/// `reckon query` does, through the saved index, so the saved answers guard that path too.
#[test]
fn check_answers_subject_questions_through_the_saved_index() {
    let dir = scratch("check-index");
    let log = seeded(&dir);
    let cache = dir.join("cache");
    let saved = dir.join("saved");
    std::fs::create_dir_all(&saved).unwrap();
    std::fs::write(
        saved.join("held.q"),
        "figures pows/ukraine/held-by-russia\n",
    )
    .unwrap();
    std::fs::write(saved.join("all.q"), "claims | count\n").unwrap();
    settle(&log);
    let run = |args: &[&str]| {
        crate::support::reckon_with(
            &log,
            args,
            None,
            &[
                ("RECKON_CACHE_DIR", cache.as_os_str()),
                ("RECKON_TRACE", std::ffi::OsStr::new("1")),
            ],
        )
    };
    assert_eq!(run(&["check", saved.to_str().unwrap(), "--bless"]).code, 0);
    let r = run(&["check", saved.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("figures \"pows/ukraine/held-by-russia\": read")
            && r.stderr.contains("through the saved index"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("claims | count: read the whole log"),
        "{}",
        r.stderr
    );
}

#[test]
fn claims_lists_live_claims_and_says_how_many_withdrawn_it_left_out() {
    let dir = scratch("query-state");
    let log = seeded(&dir);
    let subject = "exchange/2025-05-23/agreed-per-side";
    // #10 retracted; #11 corrected by a new claim.
    for args in [
        vec!["retract", "10", "--reason", "a test"],
        vec![
            "add",
            "--subject",
            subject,
            "--value",
            "1,000",
            "--unit",
            "people",
            "--said-on",
            "2025-05-16",
            "--speaker",
            "Vladimir Medinsky",
            "--quote",
            "corrected",
            "--supersedes",
            "11",
        ],
    ] {
        let r = reckon(&log, &args, None);
        assert_eq!(r.code, 0, "{}", r.transcript());
    }
    let mut transcript = String::new();
    for q in [
        format!("claims where subject = {subject:?}"),
        format!("claims where subject = {subject:?} and state != live"),
        format!("claims where subject = {subject:?} | count"),
        "claims where origin ~ \"*Medinsky*\"".to_owned(),
        "claims where state = retracted".to_owned(),
    ] {
        let r = reckon(&log, &["query", &q], None);
        assert_eq!(r.code, 0, "{}", r.transcript());
        transcript.push_str(&format!("$ reckon query '{q}'\n{}\n", r.transcript()));
    }
    assert!(transcript.contains("retracted"), "{transcript}");
    assert!(transcript.contains("superseded"), "{transcript}");
    golden("query/claims-state.txt", &transcript, &dir);
}

#[test]
fn quotes_contains_periods_parameters_and_groups_read_as_people_write_them() {
    let dir = scratch("query-language");
    let log = seeded(&dir);
    let mut transcript = String::new();
    let mut ask = |q: &str, params: &[&str]| {
        let mut args = vec!["query", q];
        for p in params {
            args.extend(["--param", p]);
        }
        let r = reckon(&log, &args, None);
        transcript.push_str(&format!(
            "$ reckon {}\n{}\n",
            args.join(" "),
            r.transcript()
        ));
        r
    };
    // Single quotes are double quotes.
    let single = ask("claims where speaker = 'Rustem Umerov'", &[]);
    let double = ask("claims where speaker = \"Rustem Umerov\"", &[]);
    assert_eq!(single.stdout, double.stdout);
    assert!(single.stdout.contains("(2 rows)"), "{}", single.stdout);
    // `contains` on text, ignoring case; `=` on a date means within it.
    let r = ask("claims where quote contains 'HELD CAPTIVE' | show seq", &[]);
    assert!(r.stdout.contains("(2 rows)"), "{}", r.stdout);
    let may = ask("claims where said_on = 2025-05 | count", &[]);
    let overlaps = ask(
        "claims where said_on >= 2025-05 and said_on <= 2025-05 | count",
        &[],
    );
    assert_eq!(may.stdout, overlaps.stdout);
    assert!(!may.stdout.contains("\n0\n"), "{}", may.stdout);
    // A parameter is one literal, whatever it holds: no clause can be smuggled in.
    let r = ask("claims where speaker = $who", &["who=Rustem Umerov"]);
    assert_eq!(r.stdout, double.stdout);
    let r = ask("claims where speaker = $who", &["who=x\" or speaker ~ \"*"]);
    assert!(r.stdout.contains("(0 rows)"), "{}", r.stdout);
    let r = ask("claims where seq = $n | show seq", &["n=12"]);
    assert!(r.stdout.contains("(1 row)"), "{}", r.stdout);
    let r = ask("claims where speaker = $nobody", &["who=x"]);
    assert_eq!(r.code, 2);
    // The source's address and title are fields.
    let r = ask(
        "claims where title contains 'Umerov' | show seq, url, title",
        &[],
    );
    assert!(
        r.stdout.contains("TITLE") && r.stdout.contains("(3 rows)"),
        "{}",
        r.stdout
    );
    // group by … | count
    let r = ask("claims | group by origin | count | limit 3", &[]);
    assert!(r.stdout.contains("ORIGIN"), "{}", r.stdout);
    let r = ask("claims | group by origin", &[]);
    assert_eq!(r.code, 2);
    golden("query/language.txt", &transcript, &dir);
}

/// A quote holding a control character makes a diff that holds it: the JUnit report stays
/// well-formed XML (the character is left out of it), and says which query failed.
#[test]
fn junit_stays_well_formed_whatever_a_diff_holds() {
    let dir = scratch("check-junit-ctl");
    let log = seeded(&dir);
    let q = dir.join("q2");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(
        q.join("quotes.q"),
        "claims where subject ~ t/ | show seq, quote\n",
    )
    .unwrap();
    let first =
        br#"{"subject": "t/x", "value": "9", "said_on": "2025", "speaker": "C", "quote": "plain"}"#;
    assert_eq!(
        reckon(&log, &["import", "-", "--new-subject"], Some(first)).code,
        0
    );
    assert_eq!(
        reckon(&log, &["check", q.to_str().unwrap(), "--bless"], None).code,
        0
    );
    let ctl = br#"{"subject": "t/x", "value": "10", "said_on": "2025", "speaker": "C", "quote": "ctl \u0001 char <&> \" ]]>"}"#;
    assert_eq!(reckon(&log, &["import", "-"], Some(ctl)).code, 0);
    let junit = dir.join("report.xml");
    let r = reckon(
        &log,
        &[
            "check",
            q.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.transcript());
    let xml = std::fs::read_to_string(&junit).unwrap();
    let report =
        quick_junit::Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let case = &report.test_suites[0].test_cases[0];
    assert_eq!(case.name.as_str(), "quotes");
    assert_eq!(case.classname.as_ref().map(|c| c.as_str()), Some("q2"));
    assert!(matches!(
        case.status,
        quick_junit::TestCaseStatus::NonSuccess { .. }
    ));
}

/// Saved questions about what the log already holds: a subject, a speaker or an origin of it.
/// (Listings of every claim or figure, and filters on values, units, dates or tags, are
/// meant to change when a matching claim is appended.)
const SCOPED: &[&str] = &[
    "claims-by-speaker",
    "claims-csv",
    "claims-subject-glob",
    "error-bad-date",
    "figure-agreed-2025-06-02",
    "figure-agreed-per-side",
    "figure-captives",
    "figure-exchange-2025-05-06",
    "figure-executions",
    "figure-per-side",
    "figure-phase-1",
    "provenance-captives",
    "provenance-claim-24",
    "time-travel-at",
    "time-travel-known",
    "unknown-speaker",
    "valid-time",
];

mod unrelated_appends {
    use super::*;
    use proptest::prelude::*;

    /// One claim line on a subject and by an origin the log has never seen.
    fn claim() -> impl Strategy<Value = String> {
        let values = prop_oneof![
            (1u32..100_000).prop_map(|n| n.to_string()),
            (1u32..100_000).prop_map(|n| format!("about {n}")),
            (1u32..100_000).prop_map(|n| format!("at least {n}")),
            (1u32..1000, 1u32..1000).prop_map(|(a, b)| format!("{a}-{}", a + b)),
        ];
        (
            0u8..6,
            values,
            prop_oneof![Just("people"), Just("count"), Just("hours")],
            0u8..4,
            (2020u16..2025, 1u8..13),
        )
            .prop_map(|(subject, value, unit, origin, (y, m))| {
                format!(
                    r#"{{"subject": "zz/unrelated-{subject}", "value": "{value}", "unit": "{unit}", "said_on": "{y}-{m:02}", "publisher": "Outlet {origin}"}}"#
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Claims on subjects the saved questions do not ask about, by origins they do not
        /// name, leave every such question's saved answer as it was: CI stays quiet.
        #[test]
        fn change_no_saved_answer_about_anything_else(claims in prop::collection::vec(claim(), 1..8)) {
            let dir = scratch("unrelated");
            let log = seeded(&dir);
            let q = dir.join("scoped");
            std::fs::create_dir_all(&q).unwrap();
            for name in SCOPED {
                for ext in ["q", "out"] {
                    let from = root().join("queries").join(format!("{name}.{ext}"));
                    std::fs::copy(&from, q.join(format!("{name}.{ext}"))).unwrap();
                }
            }
            let input = claims.join("\n") + "\n";
            let r = reckon(&log, &["import", "-", "--new-subject", "--new-unit", "--skip-duplicates"], Some(input.as_bytes()));
            prop_assert_eq!(r.code, 0, "{}", r.transcript());
            let r = reckon(&log, &["check", q.to_str().unwrap()], None);
            prop_assert_eq!(r.code, 0, "{}\n{}", input, r.stdout);
        }
    }
}

/// A claims question makes only the cells its steps read; a field it sorts or groups by
/// without showing it is among them: sorting by it orders the rows as the same question
/// showing it does, and grouping by it counts what a listing of it counts.
#[test]
fn claims_sort_and_group_by_fields_they_do_not_show() {
    let dir = scratch("claims-fields-read");
    let log = seeded(&dir);
    let rows = |q: &str| -> Vec<serde_json::Value> {
        let r = reckon(&log, &["query", q, "--format", "json"], None);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["rows"].as_array().unwrap().clone()
    };
    for (field, desc) in [
        ("as_of", ""),
        ("hash", " desc"),
        ("scope", ""),
        ("speaker", " desc"),
    ] {
        let hidden = rows(&format!("claims | sort {field}{desc} | show seq"));
        let shown = rows(&format!("claims | sort {field}{desc} | show seq, {field}"));
        let seqs = |r: &[serde_json::Value]| r.iter().map(|x| x["seq"].clone()).collect::<Vec<_>>();
        assert_eq!(seqs(&hidden), seqs(&shown), "sort {field}{desc}");
        // The order is the field's, not the log's.
        assert_ne!(
            seqs(&hidden),
            seqs(&rows("claims | show seq")),
            "sort {field}{desc}"
        );
    }
    for field in ["modality", "scope", "as_of"] {
        let grouped = rows(&format!("claims | group by {field} | count"));
        let listed = rows(&format!("claims | show {field}"));
        for g in &grouped {
            let n = listed.iter().filter(|x| x[field] == g[field]).count();
            assert_eq!(g["count"].as_u64(), Some(n as u64), "group by {field}: {g}");
        }
        assert!(grouped.len() > 1, "group by {field}: {grouped:?}");
    }
}

/// `sort F | limit N` keeps only the best N claims while it reads (a bounded selection):
/// its rows are, in order, the first N of the whole sorted list, equal keys in log order,
/// for every kind of field (numbers, figures, dates, text), both directions, a cut of none,
/// one, a few or more than there are, with a filter before and steps after.
#[test]
fn sort_then_limit_keeps_the_first_rows_of_the_whole_sort() {
    let dir = scratch("sort-limit");
    let log = seeded(&dir);
    let rows = |q: &str| -> Vec<serde_json::Value> {
        let r = reckon(&log, &["query", "--format", "json", q], None);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["rows"].as_array().unwrap().clone()
    };
    let mut compared = 0;
    for field in ["value", "said_on", "as_of", "subject", "origin", "seq"] {
        for dir in ["", " desc"] {
            for filter in ["", " where value > 300"] {
                let whole = rows(&format!("claims{filter} | sort {field}{dir}"));
                assert!(whole.len() > 5, "{field}{dir}{filter}");
                for n in [0usize, 1, 4, 100] {
                    let cut = rows(&format!("claims{filter} | sort {field}{dir} | limit {n}"));
                    let expected = &whole[..n.min(whole.len())];
                    assert_eq!(cut, expected, "sort {field}{dir} | limit {n}{filter}");
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 96);
    // Steps after the cut see only the rows kept.
    let whole = rows("claims | sort said_on desc | show seq, value");
    let cut = rows("claims | sort said_on desc | limit 3 | show seq, value");
    assert_eq!(cut, whole[..3]);
    let counted = rows("claims | sort value | limit 4 | count");
    assert_eq!(counted, [serde_json::json!({"count": 4})]);
    let resorted = rows("claims | sort value desc | limit 5 | sort seq");
    let mut expected: Vec<_> = rows("claims | sort value desc")[..5].to_vec();
    expected.sort_by_key(|r| r["seq"].as_u64());
    assert_eq!(resorted, expected);
}

/// Every way a question can be answered (the saved index, the lean fold, the words read
/// again, a selecting pass) gives the answer of a whole read, byte for byte: 80 questions
/// made by a seeded generator from the fields, values and shapes the language has (names the
/// log holds and near misses, `and`, `or`, `not`, sorting, limits, groups, `at`, `known`),
/// on the seed log with a correction and a retraction, each asked twice (the second through
/// what the first saved).
#[test]
fn every_way_of_answering_gives_the_whole_reads_answer() {
    let dir = scratch("answer-ways");
    let log = seeded(&dir);
    let more = r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,250", "unit": "people", "said_on": "2025-06-04", "speaker": "Someone Else", "publisher": "Other Weekly", "tags": ["pow", "late"], "supersedes": 12}"#;
    import_lines(&log, &[more]);
    let r = reckon(&log, &["retract", "14", "--reason", "a test"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    settle(&log);
    let cache = dir.join("cache");
    // A small linear congruential generator: the same questions on every run.
    let mut seed: u64 = 0x5eed;
    let mut pick = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    let terms = [
        r#"subject = "pows/ukraine/held-by-russia""#,
        r#"subject ~ "exchange/*""#,
        r#"subject = "pows/ukraine/held-by-rusia""#,
        r#"speaker = "Rustem Umerov""#,
        r#"speaker != "Vladimir Medinsky""#,
        r#"speaker ~ "v*""#,
        r#"speaker = "Umerov""#,
        r#"publisher = "The Kyiv Independent""#,
        r#"publisher != "Other Weekly""#,
        "tag = pow",
        "tag = civilians",
        r#"quote contains "prisoners""#,
        r#"origin = "Russia""#,
        "value > 1000",
        "value <= 390",
        "said_on >= 2025-05-20",
        "as_of = 2025-05",
        "modality = asserted",
        "state != live",
        "unit = people",
    ];
    let fields = [
        "seq",
        "subject",
        "value",
        "speaker",
        "publisher",
        "said_on",
        "quote",
        "tag",
        "origin",
        "state",
        "role",
        "title",
    ];
    for i in 0..80 {
        let mut q = String::from("claims");
        match pick(6) {
            0 => {}
            1 | 2 => q.push_str(&format!(" where {}", terms[pick(terms.len())])),
            3 => q.push_str(&format!(
                " where {} and {}",
                terms[pick(terms.len())],
                terms[pick(terms.len())]
            )),
            4 => q.push_str(&format!(
                " where {} or {}",
                terms[pick(terms.len())],
                terms[pick(terms.len())]
            )),
            _ => q.push_str(&format!(" where not ({})", terms[pick(terms.len())])),
        }
        match pick(5) {
            0 => q.push_str(" at 20"),
            1 => q.push_str(" known 2025-05-20"),
            _ => {}
        }
        match pick(6) {
            0 => {}
            1 => q.push_str(&format!(" | sort {} | limit 4", fields[pick(fields.len())])),
            2 => q.push_str(&format!(
                " | sort {} desc | show seq, {}",
                fields[pick(fields.len())],
                fields[pick(fields.len())]
            )),
            3 => q.push_str(" | count"),
            4 => q.push_str(&format!(
                " | group by {} | count",
                fields[pick(fields.len())]
            )),
            _ => q.push_str(&format!(" | show {}, seq", fields[pick(fields.len())])),
        }
        if i % 10 == 9 {
            // Figures and conflicts too, now and then.
            q = [
                "figures pows/",
                "figures exchange/2025-05-23/",
                "conflicts",
                "figures",
            ][pick(4)]
            .to_owned();
        }
        let w = ask_whole(&log, &cache, &q);
        for round in ["first", "again"] {
            let (r, _) = ask_traced(&log, &cache, &q);
            assert_eq!(r.code, w.code, "{q} ({round}): {}\n{}", r.stderr, w.stderr);
            assert_eq!(r.stdout, w.stdout, "{q} ({round}): {}", r.stderr);
        }
    }
}

/// A column shown twice shows the same cells twice (each item's cells are moved into its row,
/// a cell shown more than once copied for its other places).
#[test]
fn a_column_shown_twice_is_the_same_twice() {
    let dir = scratch("show-twice");
    let log = seeded(&dir);
    let r = reckon(
        &log,
        &[
            "query",
            "claims | show seq, subject, seq, value, subject",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 10, "{}", r.stdout);
    for row in rows {
        assert!(row["seq"].is_u64(), "{row}");
    }
    let table = reckon(
        &log,
        &["query", "claims | show seq, subject, seq, value, subject"],
        None,
    );
    for line in table.stdout.lines().skip(2).filter(|l| !l.starts_with('(')) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[0], cells[2], "{line}");
        assert_eq!(cells[1], cells.last().copied().unwrap(), "{line}");
    }
}

/// A question about a subject the log lacks (a slip of the keyboard) is answered through the
/// saved index, its note naming the nearest subjects from the index's directory, when the
/// log has no alias: the same answer, byte for byte, as the whole read, which gathers the
/// names from every claim (conflicts say that no subject matches, as figures do, rather than
/// that there are none). A subject that is only defined is among the names suggested. Once
/// the log has an alias (a claim may be written under a name the directory does not list),
/// the names come from the whole log again.
#[test]
fn a_subject_the_log_lacks_is_answered_through_the_index_with_the_names_of_a_whole_read() {
    let dir = scratch("lacking-subject");
    let log = seeded(&dir);
    import_lines(
        &log,
        &[
            r#"{"define": "pows/ukraine/held-by-belarus", "label": "Ukrainians held in Belarus"}"#,
            r#"{"subject": "detainees/civilians/held-by-russia", "value": "16,000", "unit": "people", "said_on": "2025-06-05", "publisher": "Other Weekly", "quote": "16,000 civilians held"}"#,
        ],
    );
    settle(&log);
    let cache = dir.join("cache");
    let questions = [
        r#"claims where subject = "pows/ukraine/held-by-rusia""#,
        r#"claims where subject = "pows/ukraine/held-by-rusia" | count"#,
        r#"claims where subject ~ "exchanges/*""#,
        r#"claims where subject ~ "pow/""#,
        r#"claims where subject = "pows/ukraine/held-by-russia" and value > 99999999"#,
        r#"claims where subject = "pows/ukraine/held-by-rusia" and value > 5 | sort seq"#,
        "figures pows/ukraine/held-by-rusia",
        "figures pows/ukraine/held-by-belaru",
        "figures zzz/",
        "figures detainees/civilians/held-by-rusia",
        "conflicts pows/ukraine/held-by-rusia",
        "conflicts zzz/",
        "provenance pows/ukraine/held-by-rusia",
        "provenance detainees/civilians/held-by-rusia",
    ];
    let ask = |q: &str, through_index: bool| {
        let w = ask_whole(&log, &cache, q);
        let (r, _) = ask_traced(&log, &cache, q);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        // Through the saved index, or one this question made and saved.
        let indexed = how(&r).contains(" through ");
        assert_eq!(indexed, through_index, "{q}: {}", r.stderr);
        assert_eq!(answer(&r.stdout), answer(&w.stdout), "{q}");
        r.stdout
    };
    for q in questions {
        let out = ask(q, true);
        assert!(
            out.contains("no claim") || out.contains("no subject matches"),
            "{q}: {out}"
        );
    }
    let out = ask("figures pows/ukraine/held-by-belaru", true);
    assert!(out.contains("pows/ukraine/held-by-belarus"), "{out}");
    // A subject only claims name (none defines it): from the index's directory.
    for q in [
        "figures detainees/civilians/held-by-rusia",
        "conflicts detainees/civilians/held-by-rusia",
        "provenance detainees/civilians/held-by-rusia",
    ] {
        let out = ask(q, true);
        assert!(
            out.contains("detainees/civilians/held-by-russia"),
            "{q}: {out}"
        );
    }
    let out = ask(
        r#"claims where subject = "pows/ukraine/held-by-rusia""#,
        true,
    );
    assert!(out.contains("pows/ukraine/held-by-russia"), "{out}");
    // A claim written under an alias name: the name is suggested as a whole read finds it.
    import_lines(
        &log,
        &[
            r#"{"alias": "captives/ukrainians", "same_as": "pows/ukraine/held-by-russia"}"#,
            r#"{"subject": "captives/ukrainians", "value": "9,300", "unit": "people", "said_on": "2025-06-05", "publisher": "Other Weekly", "quote": "9,300 held"}"#,
        ],
    );
    settle(&log);
    for q in questions {
        ask(q, false);
    }
    let out = ask(r#"claims where subject = "captives/ukrainian""#, false);
    assert!(out.contains("captives/ukrainians"), "{out}");
}

/// `claims where hash = "…"` with a whole hash is answered through the saved index (the
/// claim found in its hash area, read with its subject's part), as a whole read answers it,
/// for every claim of a log with a correction and a retraction, alone, with steps, and
/// beside another term; one whose answer has no rows (a withdrawn claim, a term no claim
/// meets) reads the whole log for its notes.
#[test]
fn claims_by_a_whole_hash_are_read_through_the_index() {
    let dir = scratch("claims-by-hash");
    let log = seeded(&dir);
    import_lines(
        &log,
        &[
            r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,250", "unit": "people", "said_on": "2025-06-04", "speaker": "Someone Else", "supersedes": 12}"#,
        ],
    );
    assert_eq!(
        reckon(&log, &["retract", "14", "--reason", "a test"], None).code,
        0
    );
    settle(&log);
    let cache = dir.join("cache");
    // An index saved by a first question about a subject.
    ask_traced(
        &log,
        &cache,
        "claims where subject = pows/ukraine/held-by-russia",
    );
    let lines = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let mut through = 0;
    for (n, line) in (1..).zip(lines.lines()) {
        if !line.contains(r#""event":{"type":"claim""#) {
            continue;
        }
        let hash = &line[..64];
        for rest in [
            "",
            " | count",
            " | show seq, speaker, quote, state",
            " and value > 0",
        ] {
            let q = format!(r#"claims where hash = "{hash}"{rest}"#);
            let (r, _) = ask_traced(&log, &cache, &q);
            let w = ask_whole(&log, &cache, &q);
            assert_eq!(r.code, 0, "{q}: {}", r.stderr);
            assert_eq!(answer(&r.stdout), answer(&w.stdout), "#{n} {q}");
            let withdrawn = n == 12 || n == 14;
            let indexed = how(&r).contains("through the saved index");
            if rest != " | count" && rest != " and value > 0" {
                assert_eq!(indexed, !withdrawn, "#{n} {q}: {}", r.stderr);
            }
            through += usize::from(indexed);
        }
    }
    assert!(through >= 40, "{through}");
    // A term no claim meets beside it: no rows, the whole log's notes.
    let hash = &lines.lines().nth(20).unwrap()[..64];
    let q = format!(r#"claims where hash = "{hash}" and value > 99999999"#);
    let (r, _) = ask_traced(&log, &cache, &q);
    assert!(!how(&r).contains("through"), "{}", r.stderr);
    assert_eq!(
        answer(&r.stdout),
        answer(&ask_whole(&log, &cache, &q).stdout)
    );
}
