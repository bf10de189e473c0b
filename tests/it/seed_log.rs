//! The project's own log in `log/`: it verifies, it is exactly what its JSON Lines input
//! builds, and its quotes are in the seed documents.

use crate::support::{golden, reckon, root, scratch, shared};
use reckon_ledger::Log;

#[test]
fn the_bundled_log_verifies() {
    let r = reckon(&root().join("log"), &["verify"], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn rebuilding_from_claims_jsonl_gives_the_same_head() {
    let bundled = Log::at(root().join("log"));
    let entries = bundled.entries().unwrap();
    let recorded_at = entries.first().expect("the bundled log is empty").at.unix();
    let dir = scratch("rebuild");
    let log = dir.join("log");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_reckon"))
            .arg("--log")
            .arg(&log)
            .args(args)
            .env("SOURCE_DATE_EPOCH", recorded_at.to_string())
            .env("RECKON_CACHE_DIR", crate::support::test_cache())
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    let claims = root().join("log/claims.jsonl");
    let out = run(&["import", claims.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(log.join("entries.jsonl")).unwrap(),
        std::fs::read(root().join("log/entries.jsonl")).unwrap(),
        "log/entries.jsonl is not what log/claims.jsonl builds; rebuild it (see README)"
    );
    assert_eq!(
        std::fs::read(log.join("head")).unwrap(),
        std::fs::read(root().join("log/head")).unwrap()
    );
}

/// The document hashes recorded in `log/claims.jsonl` are the seed documents' own: importing
/// with `--documents` (which checks every given hash against its file) accepts them all, and
/// a seed document changed by one byte fails `verify --documents`.
#[test]
fn the_bundled_claims_are_anchored_to_the_seed_documents() {
    let Some(shared) = shared() else {
        crate::support::notice(
            "skipped: ../shared/seeds is not here, so the document hashes of log/ cannot be checked",
        );
        return;
    };
    let seeds = shared.join("seeds");
    let dir = scratch("anchored");
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let claims = root().join("log/claims.jsonl");
    let r = reckon(
        &log,
        &[
            "import",
            claims.to_str().unwrap(),
            "--documents",
            seeds.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let copy = dir.join("seeds");
    std::fs::create_dir_all(&copy).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for n in &names {
        std::fs::copy(seeds.join(n), copy.join(n)).unwrap();
    }
    let first = copy.join(&names[0]);
    let mut bytes = std::fs::read(&first).unwrap();
    bytes.push(b'\n');
    std::fs::write(&first, bytes).unwrap();
    let bundled = root().join("log");
    let r = reckon(
        &bundled,
        &["verify", "--documents", copy.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("the document has changed since the claim was recorded"),
        "{}",
        r.stdout
    );
}

/// On `add` and `import`, `--documents` fills in the hash, refuses a hash that does not match
/// and a document that is not there; a claim recorded without it is not anchored.
#[test]
fn documents_are_anchored_when_recorded() {
    let dir = scratch("anchor");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), "The minister said 1,000 prisoners.").unwrap();
    let want = blake3::hash(b"The minister said 1,000 prisoners.")
        .to_hex()
        .to_string();
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let d = docs.to_str().unwrap();
    let r = reckon(
        &log,
        &[
            "add",
            "--subject",
            "a/b",
            "--value",
            "1,000",
            "--said-on",
            "2025",
            "--speaker",
            "M",
            "--document",
            "a.txt",
            "--quote",
            "1,000 prisoners",
            "--documents",
            d,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = reckon(&log, &["show", "1"], None);
    assert!(shown.stdout.contains(&want), "{}", shown.stdout);
    let line = |hash: &str| {
        format!(
            "{{\"subject\":\"a/b\",\"value\":\"1,000\",\"said_on\":\"2025\",\"speaker\":\"N\",\"document\":\"a.txt\",\"document_hash\":\"{hash}\"}}\n"
        )
    };
    let wrong = "0".repeat(64);
    let r = reckon(
        &log,
        &["import", "-", "--documents", d],
        Some(line(&wrong).as_bytes()),
    );
    assert_eq!(r.code, 2, "bad input: {}", r.stderr);
    assert!(r.stderr.contains("field `document_hash`"), "{}", r.stderr);
    let r = reckon(
        &log,
        &["import", "-", "--documents", d],
        Some(line(&want).as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let missing =
        r#"{"subject":"a/b","value":"1","said_on":"2025","speaker":"N","document":"gone.txt"}"#;
    let r = reckon(
        &log,
        &["import", "-", "--documents", d],
        Some(format!("{missing}\n").as_bytes()),
    );
    assert_eq!(r.code, 2, "bad input: {}", r.stderr);
    assert!(r.stderr.contains("field `document`"), "{}", r.stderr);
    let r = reckon(&log, &["verify", "--documents", d], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("1 quotes and 2 document hashes checked, 0 problems"),
        "{}",
        r.stdout
    );
    std::fs::write(docs.join("a.txt"), "The minister said 1,000 prisoners!").unwrap();
    let r = reckon(&log, &["verify", "--documents", d], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn every_quote_is_in_its_seed_document() {
    let Some(shared) = shared() else {
        crate::support::notice(
            "skipped: ../shared/seeds is not here, so the quotes of log/ cannot be checked against the seed documents",
        );
        return;
    };
    let r = reckon(
        &root().join("log"),
        &[
            "verify",
            "--documents",
            shared.join("seeds").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("documents: 17 quotes and 17 document hashes checked, 0 problems"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_quote_not_in_its_document_is_reported() {
    let dir = scratch("quotes");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("a.txt"),
        "The minister said that 1,000   prisoners\nwould be exchanged.",
    )
    .unwrap();
    let log = dir.join("log");
    reckon(&log, &["init"], None);
    let lines = concat!(
        r#"{"subject":"a/b","value":"1,000","said_on":"2025","speaker":"M","document":"a.txt","quote":"1,000 prisoners would be exchanged"}"#,
        "\n",
        r#"{"subject":"a/b","value":"1,000","said_on":"2025","speaker":"M","document":"a.txt","quote":"10,000 prisoners"}"#,
        "\n",
        r#"{"subject":"a/b","value":"1,000","said_on":"2025","speaker":"M","document":"missing.txt","quote":"x"}"#,
        "\n"
    );
    assert_eq!(
        reckon(&log, &["import", "-"], Some(lines.as_bytes())).code,
        0
    );
    let r = reckon(
        &log,
        &["verify", "--documents", docs.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 1);
    golden("quotes.txt", &r.transcript(), &dir);
}
