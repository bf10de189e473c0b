//! The log scanner and entry decoder on arbitrary bytes: never a panic, and an accepted file
//! is accepted the same way line by line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = reckon_ledger::scan(data, true);
    for line in data.split(|b| *b == b'\n') {
        let _ = reckon_ledger::decode(line);
        let _ = reckon_ledger::check(line);
    }
    if let Ok(s) = whole {
        assert_eq!(s.kept.len() as u64, s.entries);
    }
});
