//! Signed notes, checkpoints, keys and proof bundles from strangers: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use reckon_audit::note::{Note, SignerKey, VerifierKey};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = SignerKey::from_seed("fuzz.example", [7; 32]).ok();
    let keys: Vec<VerifierKey> = key.iter().map(|k| k.verifier()).collect();
    if let Ok(n) = Note::parse(text) {
        let _ = n.verify(&keys);
        let _ = n.encode();
    }
    let _ = reckon_audit::Checkpoint::parse(text);
    let _ = VerifierKey::parse(text);
    let _ = SignerKey::parse(text);
    let _ = reckon_audit::verify_bundle(text, &keys);
});
