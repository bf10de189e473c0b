//! Bad input to `import`: exit 2, a message naming file, line, column and field, and a log
//! left byte for byte as it was.

use crate::support::{golden, reckon, scratch, seeded, snapshot};

const GOOD: &str = r#"{"subject": "a/b", "value": "5", "said_on": "2025-05-01", "speaker": "X"}"#;

/// Imports `content` as a file and checks the refusal.
fn refused(name: &str, content: &[u8]) {
    let dir = scratch(name);
    let log = seeded(&dir);
    let file = dir.join("input.jsonl");
    std::fs::write(&file, content).unwrap();
    let before = snapshot(&log);
    let r = reckon(&log, &["import", file.to_str().unwrap()], None);
    assert_eq!(r.code, 2, "{name}: {}", r.stderr);
    assert_eq!(snapshot(&log), before, "{name}: the log changed");
    assert!(r.stdout.is_empty(), "{name}: {}", r.stdout);
    golden(&format!("bad-input/{name}.txt"), &r.transcript(), &dir);
}

/// A good first line, then a bad one: the error must be on line 2 and nothing of line 1 kept.
fn second_line(bad: &str) -> Vec<u8> {
    format!("{GOOD}\n{bad}\n").into_bytes()
}

#[test]
fn malformed_json() {
    refused(
        "malformed-json",
        &second_line(r#"{"subject": "a/b", "value": "5",, "said_on": "2025"}"#),
    );
}

#[test]
fn wrong_type() {
    refused(
        "wrong-type",
        &second_line(
            r#"{"subject": "a/b", "value": "5", "said_on": "2025", "speaker": "X", "tags": "pow"}"#,
        ),
    );
}

#[test]
fn unknown_field() {
    refused(
        "unknown-field",
        &second_line(r#"{"subject": "a/b", "value": "5", "said_on": "2025", "speeker": "X"}"#),
    );
}

#[test]
fn missing_required_field() {
    refused(
        "missing-field",
        &second_line(r#"{"subject": "a/b", "value": "5", "speaker": "X"}"#),
    );
}

#[test]
fn unparsable_value() {
    refused(
        "bad-value",
        &second_line(
            r#"{"subject": "a/b", "value": "roughly a thousand", "said_on": "2025", "speaker": "X"}"#,
        ),
    );
}

#[test]
fn unparsable_date() {
    refused(
        "bad-date",
        &second_line(
            r#"{"subject": "a/b", "value": "5", "said_on": "2025-02-30", "speaker": "X"}"#,
        ),
    );
}

#[test]
fn range_with_lo_above_hi() {
    refused(
        "lo-above-hi",
        &second_line(
            r#"{"subject": "a/b", "value": "between 400 and 300", "said_on": "2025", "speaker": "X"}"#,
        ),
    );
}

#[test]
fn negative_count() {
    refused(
        "negative",
        &second_line(r#"{"subject": "a/b", "value": "-5", "said_on": "2025", "speaker": "X"}"#),
    );
}

#[test]
fn invalid_utf8() {
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"{\"subject\": \"a/b\", \"value\": \"5\", \"said_on\": \"2025\", \"speaker\": \"X\xff\"}\n");
    refused("invalid-utf8", &bytes);
}

#[test]
fn empty_file() {
    refused("empty-file", b"");
}

#[test]
fn ten_megabyte_line() {
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(
        br#"{"subject": "a/b", "value": "5", "said_on": "2025", "speaker": "X", "quote": ""#,
    );
    bytes.resize(bytes.len() + 10 * 1024 * 1024, b'x');
    bytes.extend_from_slice(b"\"}\n");
    refused("ten-megabyte-line", &bytes);
}

#[test]
fn retraction_of_an_unknown_claim() {
    refused(
        "retract-unknown",
        &second_line(r#"{"retract": "abcdef0123", "reason": "no such claim"}"#),
    );
}

#[test]
fn retraction_of_an_alias() {
    refused(
        "retract-alias",
        br#"{"alias": "pows/ukrainians-in-russia", "same_as": "pows/ukraine/held-by-russia"}
{"retract": 27, "reason": "entry 27 is an alias"}
"#,
    );
}

#[test]
fn retracting_the_same_claim_twice_in_one_file() {
    let content = format!(
        "{GOOD}\n{{\"retract\": 27, \"reason\": \"once\"}}\n{{\"retract\": 27, \"reason\": \"twice\"}}\n"
    );
    refused("retract-twice", content.as_bytes());
}

#[test]
fn a_file_that_is_not_there() {
    let dir = scratch("missing-file");
    let log = seeded(&dir);
    let before = snapshot(&log);
    let r = reckon(
        &log,
        &["import", dir.join("nope.jsonl").to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 2);
    assert_eq!(snapshot(&log), before);
    golden("bad-input/missing-file.txt", &r.transcript(), &dir);
}

#[test]
fn standard_input_is_named_dash() {
    let dir = scratch("stdin");
    let log = seeded(&dir);
    let before = snapshot(&log);
    let r = reckon(&log, &["import", "-"], Some(b"{\"subject\": \"a/b\"}\n"));
    assert_eq!(r.code, 2);
    assert_eq!(snapshot(&log), before);
    golden("bad-input/stdin.txt", &r.transcript(), &dir);
    let ok = reckon(&log, &["import", "-"], Some(format!("{GOOD}\n").as_bytes()));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}
