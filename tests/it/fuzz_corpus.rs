//! The fuzz corpora, replayed: every input that the coverage-guided fuzzers kept (in
//! `crates/fuzz/corpus/TARGET/`) is run through the same check as its target, on the stable
//! toolchain. This is CI's smoke pass of the fuzzing; the campaigns themselves run with
//! `crates/fuzz/campaign` (nightly and cargo-fuzz).

#[path = "../../crates/fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use crate::support::root;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = root().join("crates/fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{target}: the corpus is empty");
    for f in &files {
        // A campaign running beside the tests may remove inputs it has replaced.
        let Ok(data) = std::fs::read(f) else { continue };
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails its check", f.display());
    }
    crate::support::notice(&format!(
        "fuzz corpus {target}: {} inputs replayed",
        files.len()
    ));
}

#[test]
fn the_import_line_corpus_holds() {
    replay("import_line", checks::import_line);
}

#[test]
fn the_value_and_date_corpus_holds() {
    replay("value_date", checks::value_date);
}

#[test]
fn the_query_corpus_holds() {
    replay("query", checks::query);
}

/// Each query of the corpus asked every way a log allows and by the whole read, on two small
/// logs made in the temporary directory: the same answers.
#[test]
fn the_query_ways_corpus_holds() {
    replay("query_ways", checks::query_ways);
}

/// Each import file of the corpus rehearsed on the same two logs, taking what the saved
/// index vouches for and reading the log back: the same lines, or the same refusal.
#[test]
fn the_import_ways_corpus_holds() {
    replay("import_ways", checks::import_ways);
}

#[test]
fn the_log_scan_corpus_holds() {
    replay("log_scan", checks::log_scan);
}

#[test]
fn the_audit_input_corpus_holds() {
    replay("audit_inputs", checks::audit_inputs);
}

#[test]
fn the_extract_corpus_holds() {
    replay("extract", checks::extract);
}

#[test]
fn the_formats_corpus_holds() {
    replay("formats", checks::formats);
}

#[test]
fn the_reconcile_corpus_holds() {
    replay("reconcile", checks::reconcile);
}
