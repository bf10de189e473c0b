//! The value and date grammars: never a panic, and what parses prints to text that parses back
//! to the same thing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use reckon_claim::{Period, Tolerance, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = Value::parse(text) {
        let again = Value::parse(&v.to_string());
        assert_eq!(again.as_ref().ok(), Some(&v), "value {text:?} printed as {v}");
        let _ = v.interval(Tolerance::DEFAULT);
    }
    if let Ok(p) = Period::parse(text) {
        let again = Period::parse(&p.to_string());
        assert_eq!(again.as_ref().ok(), Some(&p), "period {text:?} printed as {p}");
    }
    let _ = Tolerance::parse(text);
});
