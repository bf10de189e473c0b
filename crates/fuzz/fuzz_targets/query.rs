//! The query parser and evaluator: never a panic or a stack overflow, printing a parsed query
//! gives text that parses to the same query, and every parsed query runs on the bundled log.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static LOG: &[u8] = include_bytes!("../../../log/entries.jsonl");

fn entries() -> &'static [reckon_ledger::Entry] {
    static E: OnceLock<Vec<reckon_ledger::Entry>> = OnceLock::new();
    E.get_or_init(|| reckon_ledger::scan(LOG, true).map(|s| s.kept).unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(q) = reckon_query::parse(text) else {
        return;
    };
    let printed = q.to_string();
    let again = reckon_query::parse(&printed);
    assert_eq!(again.ok().as_ref(), Some(&q), "{text:?} printed as {printed:?} reads back differently");
    if let Ok(a) = reckon_query::run(&q, entries()) {
        assert!(
            a.rows.iter().all(|r| r.len() == a.columns.len()),
            "{text:?}: a row does not have one cell per column"
        );
    }
});
