//! Two writers at once: the lock leaves one valid chain holding every entry of both.

use crate::support::{reckon, scratch};
use std::process::{Command, Stdio};

#[test]
fn concurrent_imports_and_adds_all_land_in_one_chain() {
    let dir = scratch("concurrent");
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let per_file = 300;
    let mut children = Vec::new();
    for w in 0..4 {
        // Three different files a writer: the same one three times would be refused as
        // duplicates (by whichever import comes second).
        for k in 0..3 {
            let file = dir.join(format!("w{w}-{k}.jsonl"));
            let body: String = (0..per_file)
                .map(|i| format!("{{\"subject\":\"w{w}/s\",\"value\":\"{}\",\"said_on\":\"2025\",\"speaker\":\"writer {w}\"}}\n", i + k * per_file))
                .collect();
            std::fs::write(&file, body).unwrap();
            children.push(
                Command::new(env!("CARGO_BIN_EXE_reckon"))
                    .arg("--log")
                    .arg(&log)
                    .arg("import")
                    .arg(&file)
                    .env("RECKON_CACHE_DIR", crate::support::test_cache())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
        }
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v = reckon(&log, &["verify"], None);
    assert_eq!(v.code, 0, "{}", v.stdout);
    let total = 4 * 3 * per_file;
    assert!(
        v.stdout.starts_with(&format!("ok: {total} entries")),
        "{}",
        v.stdout
    );
    let entries = reckon_ledger::Log::at(&log).entries().unwrap();
    for w in 0..4 {
        let n = entries
            .iter()
            .filter(|e| reckon_render::event_summary(&e.event).contains(&format!("writer {w},")))
            .count();
        assert_eq!(n, 3 * per_file, "writer {w}");
    }
}
