//! Auditing: checkpoints, proofs and `verify --since` against the attacks they exist for.

use crate::support::{golden, reckon, root, scratch, seeded};
use reckon_audit::note::{SignerKey, VerifierKey};
use reckon_audit::{AuditError, checkpoint, prove, prove_entry, since, verify_bundle};
use reckon_ledger::{EntryId, Log};
use std::path::Path;

fn key(name: &str, b: u8) -> SignerKey {
    SignerKey::from_seed(name, [b; 32]).unwrap()
}

/// A log of the seed claims (26 entries) in `dir/name`.
/// The policy "any one of these keys".
fn any(keys: &[VerifierKey]) -> reckon_audit::policy::Policy {
    reckon_audit::policy::Policy::any_of(keys.to_vec()).unwrap()
}

fn log_in(dir: &Path, name: &str) -> Log {
    let log = Log::at(dir.join(name));
    log.init().unwrap();
    let seeds = std::fs::read(root().join("log/claims.jsonl")).unwrap();
    reckon_ledger::import(&log, "claims.jsonl", &seeds).unwrap();
    log
}

fn add(log: &Log, line: &str) {
    reckon_ledger::import(log, "more", format!("{line}\n").as_bytes()).unwrap();
}

const MORE: &str = r#"{"subject": "t/x", "value": "5", "said_on": "2025", "speaker": "Late"}"#;
const OTHER: &str = r#"{"subject": "t/x", "value": "6", "said_on": "2025", "speaker": "Forger"}"#;

#[test]
fn a_proof_verifies_offline_and_any_flipped_bit_is_rejected() {
    let dir = scratch("audit-flip");
    let log = log_in(&dir, "log");
    let k = key("reckon.example/log", 1);
    let cp = checkpoint(&log, &k, Some("reckon.example/log"))
        .unwrap()
        .encode();
    let snap = log.snapshot().unwrap();
    let (entries, spans) = snap.entries_with_spans().unwrap();
    let bundle = prove(&snap, (&entries, &spans), 24, &cp).unwrap();
    let keys = [k.verifier()];
    let ok = verify_bundle(&bundle, &any(&keys), None).unwrap();
    assert_eq!((ok.seq, ok.size), (24, 26));
    // Flip every bit of every inclusion hash, and of the checkpoint's lines.
    let v: serde_json::Value = serde_json::from_str(&bundle).unwrap();
    let proof: Vec<String> = v["inclusion"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    let mut rejected = 0;
    for (i, h) in proof.iter().enumerate() {
        let raw = reckon_audit::base64::decode(h).unwrap();
        for bit in 0..256 {
            let mut bad = raw.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let mut w = v.clone();
            w["inclusion"][i] = serde_json::Value::String(reckon_audit::base64::encode(&bad));
            assert!(
                verify_bundle(&w.to_string(), &any(&keys), None).is_err(),
                "bit {bit} of proof hash {i}"
            );
            rejected += 1;
        }
    }
    for pos in 0..cp.len() {
        for bit in 0..8 {
            let mut bytes = cp.clone().into_bytes();
            bytes[pos] ^= 1 << bit;
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let mut w = v.clone();
            w["checkpoint"] = serde_json::Value::String(text);
            assert!(
                verify_bundle(&w.to_string(), &any(&keys), None).is_err(),
                "checkpoint byte {pos} bit {bit}"
            );
            rejected += 1;
        }
    }
    assert!(rejected > 1000);
}

#[test]
fn proofs_and_entries_from_another_log_are_rejected() {
    let dir = scratch("audit-other");
    let a = log_in(&dir, "a");
    let b = log_in(&dir, "b");
    add(&a, MORE);
    add(&b, OTHER);
    let ka = key("a.example/log", 2);
    let kb = key("b.example/log", 3);
    let cpa = checkpoint(&a, &ka, Some("a.example/log")).unwrap().encode();
    let cpb = checkpoint(&b, &kb, Some("b.example/log")).unwrap().encode();
    let (sa, sb) = (a.snapshot().unwrap(), b.snapshot().unwrap());
    let (ea, spa) = sa.entries_with_spans().unwrap();
    let (eb, spb) = sb.entries_with_spans().unwrap();
    let pa = prove(&sa, (&ea, &spa), 27, &cpa).unwrap();
    let pb = prove(&sb, (&eb, &spb), 27, &cpb).unwrap();
    // A's proof checked with B's key: not signed by a known key.
    let e = verify_bundle(&pa, &any(&[kb.verifier()]), None).unwrap_err();
    assert!(
        e.to_string().contains("signed only by keys not given"),
        "{e}"
    );
    // Entries swapped between the two logs' bundles.
    let mut swapped: serde_json::Value = serde_json::from_str(&pa).unwrap();
    let other: serde_json::Value = serde_json::from_str(&pb).unwrap();
    swapped["entry"] = other["entry"].clone();
    let e = verify_bundle(&swapped.to_string(), &any(&[ka.verifier()]), None).unwrap_err();
    assert!(matches!(e, AuditError::Proof(_)), "{e}");
    // B's checkpoint handed to A's prover: it does not describe A.
    let e = prove(&sa, (&ea, &spa), 27, &cpb).unwrap_err();
    assert!(e.to_string().contains("rewritten or forked"), "{e}");
}

/// An entry proved from one pass that holds no leaf (`prove_entry`, what `reckon prove`
/// does), named by its number or by a hash prefix, gives the very bundle the proof from
/// every leaf gives, for every entry and checkpoint size, and the same refusal of an entry
/// the checkpoint does not cover, of a checkpoint of more entries than the log has, and of
/// one of another log; an id that names no entry is told as before.
#[test]
fn an_entry_proved_holding_no_leaf_is_proved_as_from_every_leaf() {
    let dir = scratch("audit-stream");
    let a = log_in(&dir, "a");
    let b = log_in(&dir, "b");
    let k = key("a.example/log", 4);
    let sign = |log: &Log| checkpoint(log, &k, Some("a.example/log")).unwrap().encode();
    let mut cps = vec![sign(&a)];
    for n in 0..5 {
        add(&a, &MORE.replace("\"5\"", &format!("\"{}\"", 50 + n)));
        if n % 2 == 1 {
            cps.push(sign(&a));
        }
    }
    cps.push(sign(&a));
    add(&b, OTHER);
    for log in [&a, &b] {
        let snap = log.snapshot().unwrap();
        let (entries, spans) = snap.entries_with_spans().unwrap();
        let len = entries.len() as u64;
        for cp in &cps {
            for seq in 1..=len {
                let whole = prove(&snap, (&entries, &spans), seq, cp).map_err(|e| e.to_string());
                // By its number, and by the first digits of its hash.
                let prefix = entries[seq as usize - 1].hash.to_hex()[..10].to_owned();
                for id in [EntryId::Seq(seq), EntryId::Prefix(prefix)] {
                    let held = prove_entry(&snap, &id, cp).map_err(|e| e.to_string());
                    assert_eq!(held, whole.clone().map(Ok), "{id:?} of {len}");
                }
            }
            // An id that names no entry says so, as `reckon prove` always has.
            for id in [
                EntryId::Seq(0),
                EntryId::Seq(len + 1),
                EntryId::Prefix("ffff0".into()),
            ] {
                let why = id.pick_seq((1..).zip(entries.iter().map(|e| &e.hash)), len);
                assert_eq!(
                    prove_entry(&snap, &id, cp).ok(),
                    Some(Err(why.unwrap_err()))
                );
            }
        }
    }
}

/// A consistency bundle made from one pass that holds no leaf carries the proof the whole
/// tree gives between any two checkpoints of the log, the smaller first, and refuses the
/// larger first, a checkpoint of more entries than the log has, and one of another log.
#[test]
fn a_consistency_proof_holding_no_leaf_is_the_whole_trees() {
    let dir = scratch("audit-consistency");
    let a = log_in(&dir, "a");
    let k = key("a.example/log", 5);
    let sign = |log: &Log| checkpoint(log, &k, Some("a.example/log")).unwrap().encode();
    let mut cps = vec![sign(&a)];
    for n in 0..6 {
        add(&a, &MORE.replace("\"5\"", &format!("\"{}\"", 60 + n)));
        if n % 2 == 0 {
            cps.push(sign(&a));
        }
    }
    let size = |cp: &str| cp.lines().nth(1).unwrap().parse::<u64>().unwrap();
    let snap = a.snapshot().unwrap();
    let tree = reckon_audit::tree_of(&snap).unwrap().tree;
    let mut made = 0;
    for old in &cps {
        for new in &cps {
            let got = reckon_audit::prove_consistency(&snap, old, new);
            if size(old) > size(new) {
                let e = got.unwrap_err().to_string();
                assert!(e.contains("give the smaller as --since"), "{e}");
                continue;
            }
            let bundle: serde_json::Value = serde_json::from_str(&got.unwrap()).unwrap();
            let want: Vec<String> = tree
                .prefix(size(new))
                .consistency_proof(size(old))
                .unwrap_or_default()
                .iter()
                .map(|h| reckon_audit::base64::encode(h))
                .collect();
            assert_eq!(bundle["consistency"], serde_json::json!(want));
            made += 1;
        }
    }
    assert_eq!(made, 10);
    // A longer log's checkpoint, and one of another log of the same length.
    let b = log_in(&dir, "b");
    add(&b, OTHER);
    let snap = b.snapshot().unwrap();
    let e = reckon_audit::prove_consistency(&snap, &cps[0], &cps[3]).unwrap_err();
    assert!(e.to_string().contains("holds only 27"), "{e}");
    let e = reckon_audit::prove_consistency(&snap, &cps[0], &cps[1]).unwrap_err();
    assert!(e.to_string().contains("rewritten or forked"), "{e}");
}

#[test]
fn verify_since_catches_truncation_forks_and_rewrites() {
    let dir = scratch("audit-since");
    let k = key("reckon.example/log", 4);
    let keys = [k.verifier()];
    let log = log_in(&dir, "log");
    add(&log, MORE);
    let cp27 = checkpoint(&log, &k, Some("reckon.example/log"))
        .unwrap()
        .encode();
    // Extended: fine.
    add(&log, OTHER);
    let x = since(&log, &cp27, Some(&any(&keys)), None).unwrap();
    assert_eq!((x.from, x.to), (27, 28));

    // A checkpoint of a longer log against a shorter one.
    let short = log_in(&dir, "short");
    let e = since(&short, &cp27, Some(&any(&keys)), None).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");

    // Truncated, then extended again with a different entry: a fork.
    let fork = log_in(&dir, "fork");
    add(&fork, OTHER);
    add(&fork, MORE);
    let e = since(&fork, &cp27, Some(&any(&keys)), None).unwrap_err();
    assert!(e.to_string().contains("rewritten or forked"), "{e}");

    // The whole log rewritten and re-hashed from the first entry: it verifies on its own,
    // but not against the earlier signed checkpoint.
    let rewritten = Log::at(dir.join("rewritten"));
    rewritten.init().unwrap();
    let seeds = std::fs::read_to_string(root().join("log/claims.jsonl"))
        .unwrap()
        .replace("Rustem Umerov", "Someone Else");
    reckon_ledger::import(&rewritten, "claims.jsonl", seeds.as_bytes()).unwrap();
    add(&rewritten, MORE);
    assert!(rewritten.verify().unwrap().is_ok());
    let e = since(&rewritten, &cp27, Some(&any(&keys)), None).unwrap_err();
    assert!(e.to_string().contains("rewritten or forked"), "{e}");

    // Signed by an unknown key, and a note with trailing garbage.
    let stranger = key("stranger", 5);
    let e = since(&log, &cp27, Some(&any(&[stranger.verifier()])), None).unwrap_err();
    assert!(e.to_string().contains("not given to the verifier"), "{e}");
    let e = since(
        &log,
        &format!("{cp27}trailing garbage\n"),
        Some(&any(&keys)),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("malformed signed note"), "{e}");
}

#[test]
fn keys_parse_back_and_refuse_mismatched_ids() {
    let k = key("reckon.example/log", 6);
    let v = k.verifier();
    assert_eq!(VerifierKey::parse(&v.encode()).unwrap(), v);
    let wrong_id = v.encode().replacen(&v.encode()[19..27], "00000000", 1);
    assert!(VerifierKey::parse(&wrong_id).is_err());
}

/// The commands, end to end, with keys that are made fresh each run (so the transcript keeps
/// only what does not depend on them).
#[test]
fn the_audit_commands_walk_through() {
    let dir = scratch("audit-cli");
    let log = seeded(&dir);
    let k = dir.join("log-key");
    let w = dir.join("witness");
    assert_eq!(
        reckon(
            &log,
            &[
                "keygen",
                "reckon.example/seed-log",
                "--out",
                k.to_str().unwrap()
            ],
            None
        )
        .code,
        0
    );
    assert_eq!(
        reckon(
            &log,
            &["keygen", "witness.example", "--out", w.to_str().unwrap()],
            None
        )
        .code,
        0
    );
    let again = reckon(&log, &["keygen", "x", "--out", k.to_str().unwrap()], None);
    assert_eq!(again.code, 2, "keygen must not overwrite");
    let cp = dir.join("checkpoint");
    let (cps, kk, wk) = (
        cp.to_str().unwrap(),
        k.with_extension("key"),
        w.with_extension("key"),
    );
    assert_eq!(
        reckon(
            &log,
            &["checkpoint", "--key", kk.to_str().unwrap(), "--out", cps],
            None
        )
        .code,
        0
    );
    assert_eq!(
        reckon(
            &log,
            &[
                "checkpoint",
                "--cosign",
                cps,
                "--log-key",
                k.with_extension("pub").to_str().unwrap(),
                "--key",
                wk.to_str().unwrap(),
                "--out",
                cps
            ],
            None
        )
        .code,
        0
    );
    let text = std::fs::read_to_string(&cp).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    let bundle = reckon(&log, &["prove", "24", "--checkpoint", cps], None);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    // The same entry named by the first digits of its hash gives the same bundle; a prefix
    // or number naming no entry is refused, saying why.
    let entries = std::fs::read_to_string(log.join("entries.jsonl")).unwrap();
    let hash24 = &entries.lines().nth(23).unwrap()[..10];
    let by_hash = reckon(&log, &["prove", hash24, "--checkpoint", cps], None);
    assert_eq!(by_hash.stdout, bundle.stdout, "{}", by_hash.stderr);
    let stray = reckon(&log, &["prove", "99", "--checkpoint", cps], None);
    assert_eq!(stray.code, 2);
    assert!(
        stray
            .stderr
            .contains("there is no entry #99; the log has 26 entries"),
        "{}",
        stray.stderr
    );
    let stray = reckon(&log, &["prove", "ffffffffffff", "--checkpoint", cps], None);
    assert_eq!(stray.code, 2);
    assert!(
        stray
            .stderr
            .contains("no entry's hash starts with `ffffffffffff`"),
        "{}",
        stray.stderr
    );
    // Twelve digits one slip from entry #24's: that entry is offered, as show offers it.
    let line24 = entries.lines().nth(23).unwrap();
    let slip = format!(
        "{}{}",
        &line24[..11],
        if &line24[11..12] == "0" { "1" } else { "0" }
    );
    let stray = reckon(&log, &["prove", &slip, "--checkpoint", cps], None);
    assert_eq!(stray.code, 2);
    assert!(
        stray.stderr.contains(&format!(
            "no entry's hash starts with `{slip}`; the nearest is #24 ({})",
            &line24[..12]
        )),
        "{}",
        stray.stderr
    );
    let bfile = dir.join("claim-24.proof");
    std::fs::write(&bfile, &bundle.stdout).unwrap();
    let pubk = k.with_extension("pub");
    let ok = reckon(
        &dir.join("nowhere"),
        &[
            "verify-proof",
            bfile.to_str().unwrap(),
            "--key",
            pubk.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // Checkpoint 27 entries, then extend the log: it still extends the checkpoint.
    let more = r#"{"subject": "t/x", "value": "5", "said_on": "2025", "speaker": "Late"}"#;
    assert_eq!(
        reckon(&log, &["import", "-"], Some(format!("{more}\n").as_bytes())).code,
        0
    );
    assert_eq!(
        reckon(
            &log,
            &["checkpoint", "--key", kk.to_str().unwrap(), "--out", cps],
            None
        )
        .code,
        0
    );
    let later = r#"{"subject": "t/x", "value": "7", "said_on": "2025", "speaker": "Later"}"#;
    assert_eq!(
        reckon(
            &log,
            &["import", "-"],
            Some(format!("{later}\n").as_bytes())
        )
        .code,
        0
    );
    let since = reckon(
        &log,
        &["verify", "--since", cps, "--key", pubk.to_str().unwrap()],
        None,
    );
    assert_eq!(since.code, 0, "{}", since.stderr);
    let fork = seeded(&scratch("audit-cli-fork"));
    let other = r#"{"subject": "t/x", "value": "6", "said_on": "2025", "speaker": "Forger"}"#;
    assert_eq!(
        reckon(
            &fork,
            &["import", "-"],
            Some(format!("{other}\n").as_bytes())
        )
        .code,
        0
    );
    assert_eq!(
        reckon(
            &fork,
            &["import", "-"],
            Some(format!("{more}\n").as_bytes())
        )
        .code,
        0
    );
    // No silent pass: without a key, --since is refused unless --no-signature asks for the
    // tree heads alone.
    let unsigned = reckon(&fork, &["verify", "--since", cps], None);
    assert_eq!(unsigned.code, 2, "{}", unsigned.stderr);
    assert!(
        unsigned.stderr.contains("--no-signature"),
        "{}",
        unsigned.stderr
    );
    let forked = reckon(&fork, &["verify", "--since", cps, "--no-signature"], None);
    assert_eq!(forked.code, 1);
    let replaced = |s: &str| {
        s.replace(
            &ok.stdout[ok.stdout.find('(').unwrap()..ok.stdout.find(')').unwrap() + 1],
            "(HASH)",
        )
    };
    golden(
        "audit/walkthrough.txt",
        &format!(
            "{}\n{}\n{}",
            replaced(&ok.transcript()),
            since.transcript(),
            forked.transcript()
        ),
        &dir,
    );
}
