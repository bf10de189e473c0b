//! Fuzz target: see `reckon_fuzz::checks::audit_inputs`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reckon_fuzz::checks::audit_inputs(data));
