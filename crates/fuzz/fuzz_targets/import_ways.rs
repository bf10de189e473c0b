//! Fuzz target: see `reckon_fuzz::checks::import_ways`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reckon_fuzz::checks::import_ways(data));
