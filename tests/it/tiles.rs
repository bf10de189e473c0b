//! The log as static tiles (C2SP tlog-tiles): written incrementally, audited as a remote
//! reader would, and every kind of file in the directory damaged and caught.

use crate::support::{Run, reckon, root, scratch};
use reckon_audit::note::SignerKey;
use std::path::{Path, PathBuf};

const ORIGIN: &str = "newsroom.example/tiles";

struct Setup {
    dir: PathBuf,
    log: PathBuf,
    secret: String,
    public: String,
}

/// `n` generated claims, one line each.
fn claims(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| {
            format!(
                "{{\"subject\": \"t/x{i}\", \"value\": \"{i}\", \"said_on\": \"2025\", \"speaker\": \"S{}\"}}\n",
                i % 7
            )
        })
        .collect()
}

fn import(log: &Path, text: &str) {
    let r = reckon(log, &["import", "-"], Some(text.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A pinned log of the project's claims and 700 more (three level-0 tiles, one level-1), and
/// a key pair.
fn setup(name: &str, merkle: &str) -> Setup {
    let dir = scratch(name);
    let log = dir.join("log");
    let r = reckon(
        &log,
        &["init", "--origin", ORIGIN, "--merkle", merkle],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seed = root().join("log/claims.jsonl");
    assert_eq!(
        reckon(&log, &["import", seed.to_str().unwrap()], None).code,
        0
    );
    import(&log, &claims(0, 700));
    let k = SignerKey::from_seed(ORIGIN, [9; 32]).unwrap();
    let (secret, public) = (dir.join("log.key"), dir.join("log.pub"));
    std::fs::write(&secret, format!("{}\n", k.encode())).unwrap();
    std::fs::write(&public, format!("{}\n", k.verifier().encode())).unwrap();
    Setup {
        dir,
        log,
        secret: secret.to_str().unwrap().to_owned(),
        public: public.to_str().unwrap().to_owned(),
    }
}

fn tiles(s: &Setup, out: &Path) -> Run {
    reckon(
        &s.log,
        &["tiles", out.to_str().unwrap(), "--key", &s.secret],
        None,
    )
}

fn audit(s: &Setup, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["verify-tiles", out.to_str().unwrap(), "--key", &s.public];
    args.extend_from_slice(extra);
    // No log at hand: the reader has only the directory and the key.
    reckon(&s.dir.join("no-log-here"), &args, None)
}

fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_str().unwrap().to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn copy(from: &Path, to: &Path) {
    for f in files(from) {
        let dest = to.join(&f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&f), dest).unwrap();
    }
}

/// The layout is C2SP's, an append rewrites only what changed (never a full tile), and a
/// reader with nothing but the key accepts it, also as extending an earlier checkpoint.
#[test]
fn tiles_are_written_incrementally_and_audited_without_the_log() {
    let s = setup("tiles-write", "blake3");
    let out = s.dir.join("public");
    let r = tiles(&s, &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        files(&out),
        [
            "checkpoint",
            "tile/0/000",
            "tile/0/001",
            "tile/0/002.p/215",
            "tile/1/000.p/2",
            "tile/entries/000",
            "tile/entries/001",
            "tile/entries/002.p/215",
        ]
    );
    assert_eq!(
        std::fs::metadata(out.join("tile/0/000")).unwrap().len(),
        8192
    );
    let ok = audit(&s, &out, &[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("727 entries of newsroom.example/tiles"),
        "{}",
        ok.stdout
    );
    let old = s.dir.join("old.checkpoint");
    std::fs::copy(out.join("checkpoint"), &old).unwrap();

    // Nothing new: nothing written but the checkpoint (the tiles that could have changed,
    // the partial ones, are read and found right).
    let again = tiles(&s, &out);
    assert!(
        again
            .stdout
            .contains("wrote 0 hash tiles and 0 entry bundles (3 files already right)"),
        "{}",
        again.stdout
    );
    // 60 more (787): level-0 tile 002 becomes full and 003.p/19 starts, likewise the
    // bundles, and the level-1 tile grows to 000.p/3; tiles 000 and 001 are left alone.
    let full = std::fs::read(out.join("tile/0/001")).unwrap();
    std::fs::write(out.join("tile/0/001"), b"stale").unwrap();
    import(&s.log, &claims(700, 60));
    let r = tiles(&s, &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("wrote 3 hash tiles and 2 entry bundles"),
        "{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read(out.join("tile/0/001")).unwrap(),
        b"stale",
        "a full tile is never rewritten"
    );
    std::fs::write(out.join("tile/0/001"), full).unwrap();
    let ok = audit(&s, &out, &["--since", old.to_str().unwrap()]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("extends the earlier checkpoint of 727"),
        "{}",
        ok.stdout
    );

    // The tiles of another log are not overwritten.
    let other = setup("tiles-other", "blake3");
    import(&other.log, &claims(5000, 1));
    let r = reckon(
        &other.log,
        &["tiles", out.to_str().unwrap(), "--key", &other.secret],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("refusing to write over it"),
        "{}",
        r.stderr
    );
}

/// Each kind of file, damaged in turn in a fresh copy of a good directory: the audit fails
/// with exit 1 and names the file.
#[test]
fn every_kind_of_damage_is_caught() {
    let s = setup("tiles-damage", "blake3");
    let good = s.dir.join("good");
    assert_eq!(tiles(&s, &good).code, 0);
    let flip = |p: &Path, at: usize| {
        let mut b = std::fs::read(p).unwrap();
        let i = at.min(b.len() - 1);
        b[i] ^= 0x01;
        std::fs::write(p, b).unwrap();
    };
    type Damage = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, &str, Damage)> = vec![
        (
            "checkpoint root edited",
            "does not verify",
            Box::new(|d: &Path| {
                let p = d.join("checkpoint");
                let t = std::fs::read_to_string(&p).unwrap();
                let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
                lines[2] = lines[2].replacen(|c: char| c.is_ascii_alphabetic(), "A", 1);
                std::fs::write(&p, lines.join("\n") + "\n").unwrap();
            }),
        ),
        (
            "a full level-0 tile",
            "tile/0/001",
            Box::new(move |d: &Path| flip(&d.join("tile/0/001"), 100)),
        ),
        (
            "the partial level-0 tile",
            "tile/0/002.p/215",
            Box::new(move |d: &Path| flip(&d.join("tile/0/002.p/215"), 5000)),
        ),
        (
            "the level-1 tile",
            "tile/1/000.p/2",
            Box::new(move |d: &Path| flip(&d.join("tile/1/000.p/2"), 40)),
        ),
        (
            "an entry in a full bundle",
            "tile/entries/001",
            Box::new(move |d: &Path| flip(&d.join("tile/entries/001"), 3000)),
        ),
        (
            "the partial bundle cut short",
            "tile/entries/002.p/215",
            Box::new(|d: &Path| {
                let p = d.join("tile/entries/002.p/215");
                let b = std::fs::read(&p).unwrap();
                std::fs::write(&p, &b[..b.len() - 10]).unwrap();
            }),
        ),
        (
            "bytes after a bundle's entries",
            "bytes after its 256 entries",
            Box::new(|d: &Path| {
                let p = d.join("tile/entries/000");
                let mut b = std::fs::read(&p).unwrap();
                b.extend_from_slice(b"\x00\x01x");
                std::fs::write(&p, b).unwrap();
            }),
        ),
        (
            "a missing tile",
            "tile/0/000: missing",
            Box::new(|d: &Path| std::fs::remove_file(d.join("tile/0/000")).unwrap()),
        ),
        (
            "two entries swapped between bundles",
            "tile/entries/000",
            Box::new(|d: &Path| {
                let a = std::fs::read(d.join("tile/entries/000")).unwrap();
                let b = std::fs::read(d.join("tile/entries/001")).unwrap();
                std::fs::write(d.join("tile/entries/000"), b).unwrap();
                std::fs::write(d.join("tile/entries/001"), a).unwrap();
            }),
        ),
    ];
    for (i, (what, says, damage)) in cases.iter().enumerate() {
        let d = s.dir.join(format!("damaged-{i}"));
        copy(&good, &d);
        assert_eq!(audit(&s, &d, &[]).code, 0, "{what}: the copy is good");
        damage(&d);
        let r = audit(&s, &d, &[]);
        assert_eq!(r.code, 1, "{what}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{what}: {}", r.stderr);
    }
}

/// A SHA-256 log's level-0 tiles hold RFC 6962 leaves, `SHA-256(0x00 || entry hash)`, computed
/// here with `sha2` directly; a rewritten log fails `--since` against its own old checkpoint.
#[test]
fn a_sha256_log_publishes_rfc6962_leaves_and_forks_are_caught() {
    use sha2::Digest;
    let s = setup("tiles-sha256", "sha256");
    let out = s.dir.join("public");
    assert_eq!(tiles(&s, &out).code, 0);
    let ok = audit(&s, &out, &[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("Merkle tree hash sha256"),
        "{}",
        ok.stdout
    );
    let entries = std::fs::read_to_string(s.log.join("entries.jsonl")).unwrap();
    let tile = std::fs::read(out.join("tile/0/000")).unwrap();
    for (k, line) in entries.lines().take(256).enumerate() {
        let hash: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&line[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let mut h = sha2::Sha256::new();
        h.update([0u8]);
        h.update(&hash);
        assert_eq!(
            &tile[32 * k..32 * k + 32],
            h.finalize().as_slice(),
            "leaf {k}"
        );
    }
    // The log rewritten from entry 100 on, published again into a fresh directory: the
    // checkpoint taken before does not describe it.
    let old = s.dir.join("old.checkpoint");
    std::fs::copy(out.join("checkpoint"), &old).unwrap();
    let kept: String = entries.lines().take(99).map(|l| format!("{l}\n")).collect();
    std::fs::write(s.log.join("entries.jsonl"), &kept).unwrap();
    let last = kept.lines().last().unwrap();
    std::fs::write(s.log.join("head"), format!("99 {}\n", &last[..64])).unwrap();
    import(&s.log, &claims(9000, 700));
    let fresh = s.dir.join("fresh");
    assert_eq!(tiles(&s, &fresh).code, 0);
    let r = audit(&s, &fresh, &["--since", old.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("rewritten or forked"), "{}", r.stderr);
}

/// A checkpoint the witnesses cosigned is published as it is, so that readers can require a
/// quorum of the tiles; a checkpoint of an older state of the log is refused (exit 1) and
/// nothing is written.
#[test]
fn a_cosigned_checkpoint_is_published_as_it_is() {
    let s = setup("tiles-cosigned", "blake3");
    let w = SignerKey::from_seed("witness.one", [4; 32]).unwrap();
    let (wk, wp) = (s.dir.join("w.key"), s.dir.join("w.pub"));
    std::fs::write(&wk, format!("{}\n", w.encode())).unwrap();
    std::fs::write(&wp, format!("{}\n", w.verifier().encode())).unwrap();
    let cp = s.dir.join("log.checkpoint");
    let cps = cp.to_str().unwrap();
    let made = reckon(
        &s.log,
        &["checkpoint", "--key", &s.secret, "--out", cps],
        None,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let cosigned = reckon(
        &s.log,
        &[
            "checkpoint",
            "--cosign",
            cps,
            "--log-key",
            &s.public,
            "--key",
            wk.to_str().unwrap(),
            "--out",
            cps,
        ],
        None,
    );
    assert_eq!(cosigned.code, 0, "{}", cosigned.stderr);
    let out = s.dir.join("public");
    let r = reckon(
        &s.log,
        &["tiles", out.to_str().unwrap(), "--checkpoint", cps],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(out.join("checkpoint")).unwrap(),
        std::fs::read(&cp).unwrap()
    );
    let quorum = audit(&s, &out, &["--witness", wp.to_str().unwrap()]);
    assert_eq!(quorum.code, 0, "{}", quorum.stderr);
    assert!(quorum.stdout.contains("witness.one"), "{}", quorum.stdout);

    import(&s.log, &claims(9000, 3));
    let fresh = s.dir.join("fresh");
    let r = reckon(
        &s.log,
        &["tiles", fresh.to_str().unwrap(), "--checkpoint", cps],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!fresh.exists(), "nothing is written for a stale checkpoint");
}
