//! What an auditor relies on beyond one signature: a log's origin pinned in its first entry
//! (checkpoints naming another log are refused), a tree hashed with SHA-256 for RFC 6962
//! clients, and witness policies (k of n cosignatures) for `verify-proof` and `verify --since`.

use crate::support::{Run, reckon, root, scratch};
use reckon_audit::note::SignerKey;
use std::path::{Path, PathBuf};

const ORIGIN: &str = "newsroom.example/factcheck";

/// A key pair written as `dir/NAME.key` and `dir/NAME.pub`; returns the two paths.
fn keypair(dir: &Path, name: &str, seed: u8) -> (String, String) {
    let k = SignerKey::from_seed(name, [seed; 32]).unwrap();
    let file = name.replace('/', "_");
    let (secret, public) = (
        dir.join(format!("{file}.key")),
        dir.join(format!("{file}.pub")),
    );
    std::fs::write(&secret, format!("{}\n", k.encode())).unwrap();
    std::fs::write(&public, format!("{}\n", k.verifier().encode())).unwrap();
    (
        secret.to_str().unwrap().to_owned(),
        public.to_str().unwrap().to_owned(),
    )
}

/// A log made with `init --origin` (and `merkle`), holding the project's claims.
fn pinned(dir: &Path, merkle: &str) -> PathBuf {
    let log = dir.join("log");
    let r = reckon(
        &log,
        &["init", "--origin", ORIGIN, "--merkle", merkle],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(ORIGIN), "{}", r.stdout);
    let claims = root().join("log/claims.jsonl");
    let r = reckon(&log, &["import", claims.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    log
}

fn run(log: &Path, args: &[&str]) -> Run {
    reckon(log, args, None)
}

fn checkpoint(log: &Path, key: &str, out: &Path) -> Run {
    run(
        log,
        &["checkpoint", "--key", key, "--out", out.to_str().unwrap()],
    )
}

/// The origin comes from the log, whatever the key is called; a stated origin that differs
/// is refused, and a checkpoint naming another origin fails `verify --since` (exit 1) even
/// when its tree head is this log's and its signature is good.
#[test]
fn the_origin_is_pinned_by_the_first_entry() {
    let dir = scratch("witness-origin");
    let log = pinned(&dir, "blake3");
    let (secret, public) = keypair(&dir, "some-key-name", 1);
    let cp = dir.join("cp");
    let r = checkpoint(&log, &secret, &cp);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&cp).unwrap();
    assert_eq!(text.lines().next(), Some(ORIGIN), "{text}");

    let r = run(
        &log,
        &[
            "checkpoint",
            "--key",
            &secret,
            "--origin",
            "other.example/log",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("not `newsroom.example/factcheck`"),
        "{}",
        r.stderr
    );

    // The same tree head under another origin, validly signed: refused.
    let other = dir.join("other-log");
    let plain = run(&other, &["init"]);
    assert_eq!(plain.code, 0);
    let forged_text = text.replacen(ORIGIN, "other.example/log", 1);
    let body = forged_text.split("\n\n").next().unwrap();
    let mut note = reckon_audit::note::Note::new(&format!("{body}\n")).unwrap();
    note.sign(&SignerKey::from_seed("some-key-name", [1; 32]).unwrap());
    let forged = dir.join("forged");
    std::fs::write(&forged, note.encode()).unwrap();
    let r = run(
        &log,
        &[
            "verify",
            "--since",
            forged.to_str().unwrap(),
            "--key",
            &public,
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("is for the log `other.example/log`"),
        "{}",
        r.stderr
    );

    // The honest one passes, and --origin must agree with it too.
    let cps = cp.to_str().unwrap();
    let r = run(&log, &["verify", "--since", cps, "--key", &public]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &log,
        &[
            "verify",
            "--since",
            cps,
            "--key",
            &public,
            "--origin",
            "x.example",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);

    // verify-proof with --origin, where no log is at hand.
    let bundle = run(&log, &["prove", "3", "--checkpoint", cps]);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    let b = dir.join("b.proof");
    std::fs::write(&b, &bundle.stdout).unwrap();
    let bs = b.to_str().unwrap();
    let nowhere = dir.join("nowhere");
    let ok = run(
        &nowhere,
        &["verify-proof", bs, "--key", &public, "--origin", ORIGIN],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let bad = run(
        &nowhere,
        &[
            "verify-proof",
            bs,
            "--key",
            &public,
            "--origin",
            "x.example",
        ],
    );
    assert_eq!(bad.code, 1, "{}", bad.stderr);
}

/// A `log` event is only ever entry 1: an append of one later is refused, and a log that
/// holds one later fails deep verification.
#[test]
fn a_log_declaration_after_the_first_entry_is_refused() {
    let dir = scratch("witness-late-origin");
    let log = dir.join("log");
    assert_eq!(run(&log, &["init"]).code, 0);
    let claim = r#"{"subject": "t/x", "value": "5", "said_on": "2025", "speaker": "A"}"#;
    let r = reckon(
        &log,
        &["import", "-"],
        Some(format!("{claim}\n").as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let again = run(&log, &["init", "--origin", ORIGIN]);
    assert_eq!(again.code, 2, "init never reuses a log: {}", again.stderr);

    // Written by hand as entry 2, with a valid hash and link: only --deep notices.
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let first = entries.lines().next().unwrap();
    let body = format!(
        r#"{{"seq":2,"prev":"{}","at":"2025-11-22T00:00:00Z","event":{{"type":"log","origin":"{ORIGIN}"}}}}"#,
        &first[..64]
    );
    let hash = blake3::hash(body.as_bytes()).to_hex();
    std::fs::write(
        log.join("entries.jsonl"),
        format!("{entries}{hash} {body}\n"),
    )
    .unwrap();
    std::fs::write(log.join("head"), format!("2 {hash}\n")).unwrap();
    assert_eq!(run(&log, &["verify"]).code, 0);
    let deep = run(&log, &["verify", "--deep"]);
    assert_eq!(deep.code, 1, "{}", deep.stdout);
    assert!(
        deep.stdout.contains("can only be entry #1"),
        "{}",
        deep.stdout
    );
}

/// With `--merkle sha256`, the checkpoint's root is RFC 6962's SHA-256 tree over the entry
/// hashes (computed here independently), and proofs carry and check that choice.
#[test]
fn a_sha256_log_has_the_rfc6962_tree() {
    use reckon_merkle::{Sha256, Tree};
    let dir = scratch("witness-sha256");
    let log = pinned(&dir, "sha256");
    let (secret, public) = keypair(&dir, "k", 2);
    let cp = dir.join("cp");
    assert_eq!(checkpoint(&log, &secret, &cp).code, 0);
    let text = std::fs::read_to_string(&cp).unwrap();
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let leaves: Vec<[u8; 32]> = entries
        .lines()
        .map(|l| {
            let mut h = [0u8; 32];
            for (i, b) in h.iter_mut().enumerate() {
                *b = u8::from_str_radix(&l[2 * i..2 * i + 2], 16).unwrap();
            }
            Tree::<Sha256>::leaf_hash(&h)
        })
        .collect();
    let root = Tree::<Sha256>::new(leaves.clone()).root();
    assert_eq!(
        text.lines().nth(2).unwrap(),
        reckon_audit::base64::encode(&root)
    );
    let cps = cp.to_str().unwrap();
    let bundle = run(&log, &["prove", "5", "--checkpoint", cps]);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    assert!(
        bundle.stdout.contains(r#""merkle": "sha256""#),
        "{}",
        bundle.stdout
    );
    let b = dir.join("b.proof");
    std::fs::write(&b, &bundle.stdout).unwrap();
    let ok = run(
        &dir,
        &["verify-proof", b.to_str().unwrap(), "--key", &public],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // The same bundle read as a blake3 proof does not verify.
    let blake = bundle.stdout.replace("\"merkle\": \"sha256\",\n", "");
    let blake = blake.replace(",\n  \"merkle\": \"sha256\"", "");
    assert!(!blake.contains("merkle"), "{blake}");
    std::fs::write(&b, blake).unwrap();
    let bad = run(
        &dir,
        &["verify-proof", b.to_str().unwrap(), "--key", &public],
    );
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    // Appending and `verify --since` work in SHA-256 too.
    let more = r#"{"subject": "t/x", "value": "5", "said_on": "2025", "speaker": "Late"}"#;
    assert_eq!(
        reckon(&log, &["import", "-"], Some(format!("{more}\n").as_bytes())).code,
        0
    );
    let r = run(&log, &["verify", "--since", cps, "--key", &public]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// k of n witnesses: a checkpoint cosigned by one of two witnesses meets a quorum of one and
/// fails a quorum of two (exit 1, naming who signed), by flags and by policy file alike; a
/// cosign checks the log's signature first.
#[test]
fn witness_policies_count_distinct_cosigners() {
    let dir = scratch("witness-quorum");
    let log = pinned(&dir, "blake3");
    let (log_secret, log_public) = keypair(&dir, ORIGIN, 3);
    let (w1_secret, w1_public) = keypair(&dir, "witness.one", 4);
    let (_w2_secret, w2_public) = keypair(&dir, "witness.two", 5);
    let (stranger_secret, _) = keypair(&dir, "stranger", 6);
    let cp = dir.join("cp");
    let cps = cp.to_str().unwrap();
    assert_eq!(checkpoint(&log, &log_secret, &cp).code, 0);

    // A witness will not cosign without the log's key, nor what the log did not sign.
    let r = run(&log, &["checkpoint", "--cosign", cps, "--key", &w1_secret]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(
        &log,
        &[
            "checkpoint",
            "--cosign",
            cps,
            "--log-key",
            &w2_public,
            "--key",
            &w1_secret,
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let cosign = |key: &str| {
        run(
            &log,
            &[
                "checkpoint",
                "--cosign",
                cps,
                "--log-key",
                &log_public,
                "--key",
                key,
                "--out",
                cps,
            ],
        )
    };
    assert_eq!(cosign(&w1_secret).code, 0);
    assert_eq!(cosign(&w1_secret).code, 0, "cosigning twice is allowed");
    assert_eq!(cosign(&stranger_secret).code, 0);
    let text = std::fs::read_to_string(&cp).unwrap();
    assert_eq!(text.matches("— witness.one ").count(), 1, "{text}");

    let since = |extra: &[&str]| {
        let mut args = vec!["verify", "--since", cps];
        args.extend_from_slice(extra);
        run(&log, &args)
    };
    let w = [
        "--key",
        &log_public,
        "--witness",
        &w1_public,
        "--witness",
        &w2_public,
    ];
    let one = [&w[..], &["--quorum", "1"]].concat();
    let r = since(&one);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("witness.one"), "{}", r.stdout);
    let r = since(&w);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("needs 2 of its 2 witnesses to cosign, and 1 did (witness.one)"),
        "{}",
        r.stderr
    );
    let r = since(&[&w[..], &["--quorum", "3"]].concat());
    assert_eq!(r.code, 2, "{}", r.stderr);

    // The same as a policy file, for verify --since and verify-proof.
    let key_text = |p: &str| std::fs::read_to_string(p).unwrap().trim().to_owned();
    let policy = dir.join("policy");
    let write_policy = |quorum: u32| {
        std::fs::write(
            &policy,
            format!(
                "# who signs {ORIGIN}\norigin {ORIGIN}\nlog {}\n\nwitness {}\nwitness {}\nquorum {quorum}\n",
                key_text(&log_public),
                key_text(&w1_public),
                key_text(&w2_public)
            ),
        )
        .unwrap();
    };
    let ps = policy.to_str().unwrap();
    write_policy(1);
    assert_eq!(since(&["--policy", ps]).code, 0);
    let bundle = run(&log, &["prove", "7", "--checkpoint", cps]);
    let b = dir.join("b.proof");
    std::fs::write(&b, &bundle.stdout).unwrap();
    let proof = |log: &Path| run(log, &["verify-proof", b.to_str().unwrap(), "--policy", ps]);
    assert_eq!(proof(&dir).code, 0);
    write_policy(2);
    assert_eq!(since(&["--policy", ps]).code, 1);
    let r = proof(&dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("needs 2 of its 2 witnesses"),
        "{}",
        r.stderr
    );

    // A policy file with a mistake says where (exit 2).
    std::fs::write(&policy, "log not-a-key\n").unwrap();
    let r = proof(&dir);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    std::fs::write(
        &policy,
        format!("witness {}\nquorum two\n", key_text(&w1_public)),
    )
    .unwrap();
    let r = proof(&dir);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);
}

/// Two checkpoints and the proof between them (finding 19): anyone holding them can check
/// that the log only grew, without the log; a proof against a forked log, a tampered hash or
/// checkpoints given the wrong way round fail (exit 1).
#[test]
fn a_consistency_bundle_proves_the_log_only_grew() {
    let dir = scratch("witness-consistency");
    let log = pinned(&dir, "blake3");
    let (secret, public) = keypair(&dir, ORIGIN, 7);
    let (old, new) = (dir.join("old.cp"), dir.join("new.cp"));
    assert_eq!(checkpoint(&log, &secret, &old).code, 0);
    let more: String = (0..40)
        .map(|i| {
            format!(
                "{{\"subject\": \"t/x{i}\", \"value\": \"{i}\", \"said_on\": \"2025\", \"speaker\": \"S\"}}\n"
            )
        })
        .collect();
    assert_eq!(
        reckon(&log, &["import", "-"], Some(more.as_bytes())).code,
        0
    );
    assert_eq!(checkpoint(&log, &secret, &new).code, 0);
    let (olds, news) = (old.to_str().unwrap(), new.to_str().unwrap());
    let made = run(&log, &["prove", "--since", olds, "--checkpoint", news]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let b = dir.join("grew.proof");
    std::fs::write(&b, &made.stdout).unwrap();
    let nowhere = dir.join("nowhere");
    let check = |path: &Path| {
        run(
            &nowhere,
            &[
                "verify-proof",
                path.to_str().unwrap(),
                "--key",
                &public,
                "--origin",
                ORIGIN,
            ],
        )
    };
    let ok = check(&b);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("grew from 27 to 67 entries"),
        "{}",
        ok.stdout
    );

    let bundle: serde_json::Value = serde_json::from_str(&made.stdout).unwrap();
    // A hash of the proof changed.
    let mut tampered = bundle.clone();
    let h = tampered["consistency"][0].as_str().unwrap().to_owned();
    let flipped = if h.starts_with('A') {
        h.replacen('A', "B", 1)
    } else {
        format!("A{}", &h[1..])
    };
    tampered["consistency"][0] = serde_json::Value::String(flipped);
    let t = dir.join("tampered.proof");
    std::fs::write(&t, tampered.to_string()).unwrap();
    assert_eq!(check(&t).code, 1);
    // The checkpoints swapped.
    let mut swapped = bundle.clone();
    swapped["old"] = bundle["new"].clone();
    swapped["new"] = bundle["old"].clone();
    std::fs::write(&t, swapped.to_string()).unwrap();
    let r = check(&t);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The new checkpoint replaced by one of a fork of the log (same origin, same key, same
    // size, other entries): the proof does not lead to its root.
    let fork = dir.join("fork");
    let r = reckon(&fork, &["init", "--origin", ORIGIN], None);
    assert_eq!(r.code, 0);
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let kept: String = entries.lines().take(27).map(|l| format!("{l}\n")).collect();
    std::fs::write(fork.join("entries.jsonl"), &kept).unwrap();
    let last = kept.lines().last().unwrap();
    std::fs::write(fork.join("head"), format!("27 {}\n", &last[..64])).unwrap();
    let other = more.replace("\"S\"", "\"T\"");
    assert_eq!(
        reckon(&fork, &["import", "-"], Some(other.as_bytes())).code,
        0
    );
    let forked_cp = dir.join("fork.cp");
    assert_eq!(checkpoint(&fork, &secret, &forked_cp).code, 0);
    let mut forked = bundle.clone();
    forked["new"] = serde_json::Value::String(std::fs::read_to_string(&forked_cp).unwrap());
    std::fs::write(&t, forked.to_string()).unwrap();
    let r = check(&t);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("does not verify"), "{}", r.stderr);
    // reckon will not make a proof between checkpoints of two different histories.
    let r = run(
        &log,
        &[
            "prove",
            "--since",
            olds,
            "--checkpoint",
            forked_cp.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
}
