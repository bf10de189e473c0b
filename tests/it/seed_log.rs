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
        r.stdout.contains("quotes: 17 checked, 0 not found"),
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
