//! The format specification and the tool agree at the edges an independent verifier found
//! (`../shared/findings/audit-spec.md`): each test pins one rule, and the exit code a CI job
//! relies on (1 for a failed check, 2 only for usage and unreadable input).

use crate::support::{reckon, reckon_with, scratch, seeded};
use reckon_audit::note::{Note, SignerKey};
use std::path::{Path, PathBuf};

fn key(name: &str, b: u8) -> SignerKey {
    SignerKey::from_seed(name, [b; 32]).unwrap()
}

/// A seeded log, a key pair written as files, and a checkpoint of the log signed with it.
struct Setup {
    dir: PathBuf,
    log: PathBuf,
    public: PathBuf,
    checkpoint: PathBuf,
}

fn setup(name: &str) -> Setup {
    let dir = scratch(name);
    let log = seeded(&dir);
    let k = key("reckon.example/seed-log", 3);
    let secret = dir.join("log.key");
    let public = dir.join("log.pub");
    std::fs::write(&secret, format!("{}\n", k.encode())).unwrap();
    std::fs::write(&public, format!("{}\n", k.verifier().encode())).unwrap();
    let checkpoint = dir.join("log.checkpoint");
    let made = reckon(
        &log,
        &[
            "checkpoint",
            "--key",
            secret.to_str().unwrap(),
            "--out",
            checkpoint.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    Setup {
        dir,
        log,
        public,
        checkpoint,
    }
}

fn since(s: &Setup, checkpoint: &Path) -> crate::support::Run {
    reckon(
        &s.log,
        &[
            "verify",
            "--since",
            checkpoint.to_str().unwrap(),
            "--key",
            s.public.to_str().unwrap(),
        ],
        None,
    )
}

fn bundle_of(s: &Setup) -> serde_json::Value {
    let b = reckon(
        &s.log,
        &[
            "prove",
            "24",
            "--checkpoint",
            s.checkpoint.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    serde_json::from_str(&b.stdout).unwrap()
}

fn verify_proof(s: &Setup, bundle: &serde_json::Value) -> crate::support::Run {
    let path = s.dir.join("edited.proof");
    std::fs::write(&path, bundle.to_string()).unwrap();
    reckon(
        &s.dir.join("nowhere"),
        &[
            "verify-proof",
            path.to_str().unwrap(),
            "--key",
            s.public.to_str().unwrap(),
        ],
        None,
    )
}

/// `keygen --out PREFIX` appends `.key` and `.pub` to the prefix, dots and all.
#[test]
fn keygen_appends_its_suffixes_to_the_prefix() {
    let dir = scratch("spec-keygen");
    let prefix = dir.join("log.2025");
    let r = reckon(
        &dir.join("log"),
        &[
            "keygen",
            "example.com/log",
            "--out",
            prefix.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.join("log.2025.key").is_file());
    assert!(dir.join("log.2025.pub").is_file());
    assert!(!dir.join("log.key").exists());
}

/// A key name holds no space of any kind (a no-break space included), no `+`, no control.
#[test]
fn key_names_refuse_every_kind_of_space() {
    for name in ["a\u{a0}b", "a b", "a+b", "a\u{2028}b", "", "a\u{7f}b"] {
        assert!(SignerKey::from_seed(name, [1; 32]).is_err(), "{name:?}");
    }
    let dir = scratch("spec-names");
    let r = reckon(
        &dir.join("log"),
        &[
            "keygen",
            "no\u{a0}break",
            "--out",
            dir.join("k").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no space of any kind"), "{}", r.stderr);
}

/// A checkpoint's text is three lines and then any extension lines, which are ignored (C2SP
/// tlog-checkpoint); every line ends in LF alone, so a note with CR is refused (exit 1).
#[test]
fn extension_lines_are_allowed_and_carriage_returns_are_not() {
    let s = setup("spec-lines");
    let text = std::fs::read_to_string(&s.checkpoint).unwrap();
    let body = text.split("\n\n").next().unwrap();
    let mut note = Note::new(&format!("{body}\nan extension line\n")).unwrap();
    note.sign(&key("reckon.example/seed-log", 3));
    let extended = s.dir.join("extended.checkpoint");
    std::fs::write(&extended, note.encode()).unwrap();
    let r = since(&s, &extended);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let crlf = s.dir.join("crlf.checkpoint");
    std::fs::write(&crlf, text.replace('\n', "\r\n")).unwrap();
    let r = since(&s, &crlf);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("carriage return"), "{}", r.stderr);
}

/// The head file's number has no leading zeros and no sign.
#[test]
fn the_head_number_is_canonical() {
    for bad in ["026", "+26"] {
        let s = setup(&format!("spec-head-{}", bad.len()));
        let head = s.log.join("head");
        let text = std::fs::read_to_string(&head).unwrap();
        std::fs::write(&head, text.replacen("26 ", &format!("{bad} "), 1)).unwrap();
        let r = reckon(&s.log, &["verify"], None);
        assert_eq!(r.code, 1, "{bad}: {}", r.stdout);
    }
}

/// A signature line may not appear twice, and cosigning with a key that already signed
/// replaces its line instead of adding another.
#[test]
fn a_signer_appears_once() {
    let s = setup("spec-twice");
    let text = std::fs::read_to_string(&s.checkpoint).unwrap();
    let sig = text.lines().last().unwrap();
    let doubled = s.dir.join("doubled.checkpoint");
    std::fs::write(&doubled, format!("{text}{sig}\n")).unwrap();
    let r = since(&s, &doubled);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("appears twice"), "{}", r.stderr);

    let secret = s.dir.join("log.key");
    let cp = s.checkpoint.to_str().unwrap();
    let again = reckon(
        &s.log,
        &[
            "checkpoint",
            "--cosign",
            cp,
            "--log-key",
            s.public.to_str().unwrap(),
            "--key",
            secret.to_str().unwrap(),
            "--out",
            cp,
        ],
        None,
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&s.checkpoint).unwrap(), text);
}

/// Every tampered or malformed bundle fails with exit 1; an edited root is reported as a
/// checkpoint whose signature does not verify, because the signature is checked first.
#[test]
fn every_failed_bundle_check_exits_1_and_the_signature_comes_first() {
    let s = setup("spec-bundle");
    let good = bundle_of(&s);
    assert_eq!(verify_proof(&s, &good).code, 0);

    let mut entry = good.clone();
    let line = entry["entry"]
        .as_str()
        .unwrap()
        .replacen("\"seq\":24", "\"seq\":25", 1);
    entry["entry"] = line.into();
    let mut size = good.clone();
    size["tree_size"] = 27.into();
    let mut index = good.clone();
    index["leaf_index"] = 5.into();
    let mut unknown = good.clone();
    unknown["extra"] = 1.into();
    let mut malformed = good.clone();
    malformed["checkpoint"] = "not a note".into();
    let mut long = good.clone();
    long["inclusion"] = vec!["AAAA"; 65].into();
    for (what, b) in [
        ("entry edited", &entry),
        ("tree size", &size),
        ("leaf index", &index),
        ("unknown field", &unknown),
        ("malformed checkpoint", &malformed),
        ("65 inclusion hashes", &long),
    ] {
        let r = verify_proof(&s, b);
        assert_eq!(r.code, 1, "{what}: {}", r.stderr);
    }
    assert!(
        verify_proof(&s, &long).stderr.contains("needs at most"),
        "a long proof is refused before it is decoded"
    );

    let mut root = good.clone();
    let note = root["checkpoint"].as_str().unwrap().to_owned();
    let mut lines: Vec<&str> = note.split('\n').collect();
    let edited = format!("{}A=", &lines[2][..lines[2].len() - 2]);
    let edited = if edited == lines[2] {
        format!("{}B=", &lines[2][..lines[2].len() - 2])
    } else {
        edited
    };
    lines[2] = &edited;
    root["checkpoint"] = lines.join("\n").into();
    let r = verify_proof(&s, &root);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("does not verify"), "{}", r.stderr);
    assert!(!r.stderr.contains("proof leads"), "{}", r.stderr);

    // Usage and unreadable input are 2: a missing bundle, a key that is not a key, and a
    // secret key given where the public one belongs (said so).
    let missing = reckon(
        &s.dir,
        &[
            "verify-proof",
            "/nonexistent.proof",
            "--key",
            s.public.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    let path = s.dir.join("good.proof");
    std::fs::write(&path, good.to_string()).unwrap();
    let secret = s.dir.join("log.key");
    let r = reckon(
        &s.dir,
        &[
            "verify-proof",
            path.to_str().unwrap(),
            "--key",
            secret.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("secret"), "{}", r.stderr);
}

/// Inputs are bounded before they are read: an oversized checkpoint is refused at once.
#[test]
fn an_oversized_checkpoint_is_refused_unread() {
    let s = setup("spec-limits");
    let text = std::fs::read_to_string(&s.checkpoint).unwrap();
    let sig = text.lines().last().unwrap().to_owned();
    let padded = s.dir.join("padded.checkpoint");
    let mut big = text.clone();
    while big.len() <= 1 << 20 {
        big.push_str(&sig);
        big.push('\n');
    }
    std::fs::write(&padded, big).unwrap();
    let r = since(&s, &padded);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refused unread"), "{}", r.stderr);
    // Under the size limit, more than 100 signature lines are refused too.
    let many: String = (0..101).map(|_| format!("{sig}\n")).collect();
    let crowded = s.dir.join("crowded.checkpoint");
    std::fs::write(&crowded, format!("{text}{many}")).unwrap();
    let r = since(&s, &crowded);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("more than 100"), "{}", r.stderr);
}

/// Recorded time only moves forward: an append whose clock is behind the log is refused and
/// leaves the log as it was, and `verify` reports an entry recorded before its predecessor.
#[test]
fn recorded_time_only_moves_forward() {
    let dir = scratch("spec-time");
    let log = seeded(&dir);
    let before = std::fs::read(log.join("entries.jsonl")).unwrap();
    let line = r#"{"subject": "t/x", "value": "5", "said_on": "2025", "speaker": "Late"}"#;
    let r = reckon_with(
        &log,
        &["import", "-"],
        Some(format!("{line}\n").as_bytes()),
        &[("SOURCE_DATE_EPOCH", std::ffi::OsStr::new("946684800"))],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("only move forward"), "{}", r.stderr);
    assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), before);

    // A log whose second entry was recorded a second before its first.
    use reckon_claim::{Event, Timestamp};
    let event: Event =
        serde_json::from_str(r#"{"type":"alias","subject":"a/b","same_as":"c/d"}"#).unwrap();
    let (one, h1) = reckon_ledger::encode(
        1,
        &reckon_ledger::GENESIS,
        Timestamp::from_unix(1000),
        &event,
    )
    .unwrap();
    let (two, h2) = reckon_ledger::encode(2, &h1, Timestamp::from_unix(999), &event).unwrap();
    let back = dir.join("backwards");
    std::fs::create_dir_all(&back).unwrap();
    std::fs::write(back.join("entries.jsonl"), [one, two].concat()).unwrap();
    std::fs::write(back.join("head"), format!("2 {}\n", h2.to_hex())).unwrap();
    let r = reckon(&back, &["verify"], None);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(said.contains("time goes backwards"), "{said}");
}

/// A log with `line` (an EVENT) appended by hand as entry 27 of a seeded log, with a valid
/// hash and link: plain verification passes it; returns the deep verification.
fn deep_with_event(name: &str, event: &str) -> crate::support::Run {
    let dir = scratch(name);
    let log = seeded(&dir);
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let last = entries.lines().last().unwrap();
    let seq = entries.lines().count() + 1;
    let body = format!(
        r#"{{"seq":{seq},"prev":"{}","at":"2025-11-22T00:00:00Z","event":{event}}}"#,
        &last[..64]
    );
    let hash = blake3::hash(body.as_bytes()).to_hex();
    std::fs::write(
        log.join("entries.jsonl"),
        format!("{entries}{hash} {body}\n"),
    )
    .unwrap();
    std::fs::write(log.join("head"), format!("{seq} {hash}\n")).unwrap();
    assert_eq!(reckon(&log, &["verify"], None).code, 0, "{event}");
    reckon(&log, &["verify", "--deep"], None)
}

/// Validity rules of the deep level (finding 11): a retraction names a claim or definition
/// that exists, a supersession a claim, and a claim names its speaker or publisher, as the
/// import contract requires.
#[test]
fn deep_verification_enforces_the_contracts_rules() {
    let entries =
        std::fs::read_to_string(crate::support::root().join("log/entries.jsonl")).unwrap();
    let definition = &entries.lines().next().unwrap()[..64];
    for (name, event, says) in [
        (
            "deep-supersede-definition",
            format!(
                r#"{{"type":"claim","subject":"a/b","value":"5","unit":"count","said_on":"2025","speaker":"X","supersedes":"{definition}"}}"#
            ),
            "is not a claim",
        ),
        (
            "deep-retract-nothing",
            format!(
                r#"{{"type":"retract","claim":"{}","reason":"x"}}"#,
                "ab".repeat(32)
            ),
            "no entry has the hash",
        ),
        (
            "deep-anonymous-claim",
            r#"{"type":"claim","subject":"a/b","value":"5","unit":"count","said_on":"2025"}"#
                .to_owned(),
            "names neither",
        ),
    ] {
        let r = deep_with_event(name, &event);
        assert_eq!(r.code, 1, "{event}: {}", r.stdout);
        assert!(r.stdout.contains(says), "{event}: {}", r.stdout);
    }
    // A retraction may withdraw a definition.
    let event = format!(r#"{{"type":"retract","claim":"{definition}","reason":"x"}}"#);
    let r = deep_with_event("deep-retract-definition", &event);
    assert_eq!(r.code, 0, "{event}: {}", r.stdout);
}

/// A signer key that others can read is used, with a warning that says how to fix it (S1).
#[test]
fn a_world_readable_signer_key_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup("spec-key-mode");
    let secret = s.dir.join("log.key");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = reckon(
        &s.log,
        &["checkpoint", "--key", secret.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("mode 0644"), "{}", r.stderr);
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = reckon(
        &s.log,
        &["checkpoint", "--key", secret.to_str().unwrap()],
        None,
    );
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}
