//! The tree in SHA-256 mode against the public RFC 6962 test vectors: every inclusion and
//! consistency case, including every case that must be rejected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reckon_merkle::{Algorithm, Sha256, Tree, verify_consistency, verify_inclusion};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

fn vectors() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/rfc6962");
    p.is_dir().then_some(p)
}

fn notice(msg: &str) {
    let _ = writeln!(std::io::stderr(), "note: {msg}");
}

fn base64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let t = s.trim_end_matches('=');
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in t.bytes() {
        acc = (acc << 6) | u32::from(val(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// A vector's base64 field; an absent field is empty, but text that is not base64 is a broken
/// test, never an empty input (the must-reject vectors would otherwise pass for that reason).
fn bytes(v: &Value) -> Vec<u8> {
    match v.as_str() {
        None => Vec::new(),
        Some(s) => base64(s).unwrap_or_else(|| panic!("`{s}` is not base64")),
    }
}

fn proof(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .map(|items| items.iter().map(bytes).collect())
        .unwrap_or_default()
}

fn cases(dir: &Path) -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                out.push((p, v));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn num(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_i64().map(|i| i as u64))
        .unwrap_or(u64::MAX)
}

#[test]
fn every_inclusion_vector() {
    let Some(dir) = vectors() else {
        notice(
            "skipped: ../shared/vectors/rfc6962 is not here, so the tree is not checked against the RFC 6962 vectors",
        );
        return;
    };
    let all = cases(&dir.join("inclusion"));
    assert!(all.len() > 50, "too few vectors found: {}", all.len());
    for (path, v) in &all {
        let result = verify_inclusion::<Sha256>(
            num(&v["leafIdx"]),
            num(&v["treeSize"]),
            &bytes(&v["leafHash"]),
            &proof(&v["proof"]),
            &bytes(&v["root"]),
        );
        let want_err = v["wantErr"].as_bool().unwrap_or(false);
        assert_eq!(result.is_err(), want_err, "{}: {result:?}", path.display());
    }
    notice(&format!("{} RFC 6962 inclusion vectors checked", all.len()));
}

#[test]
fn every_consistency_vector() {
    let Some(dir) = vectors() else {
        notice(
            "skipped: ../shared/vectors/rfc6962 is not here, so the tree is not checked against the RFC 6962 vectors",
        );
        return;
    };
    let all = cases(&dir.join("consistency"));
    assert!(all.len() > 50, "too few vectors found: {}", all.len());
    for (path, v) in &all {
        let result = verify_consistency::<Sha256>(
            num(&v["size1"]),
            num(&v["size2"]),
            &bytes(&v["root1"]),
            &bytes(&v["root2"]),
            &proof(&v["proof"]),
        );
        let want_err = v["wantErr"].as_bool().unwrap_or(false);
        assert_eq!(result.is_err(), want_err, "{}: {result:?}", path.display());
    }
    notice(&format!(
        "{} RFC 6962 consistency vectors checked",
        all.len()
    ));
}

/// The roots the vectors' README lists for its eight leaves, computed by the tree itself.
#[test]
fn tree_heads_match_the_published_roots() {
    let data: [&[u8]; 8] = [
        b"",
        &[0x00],
        &[0x10],
        &[0x20, 0x21],
        &[0x30, 0x31],
        &[0x40, 0x41, 0x42, 0x43],
        &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        &[
            0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
            0x6e, 0x6f,
        ],
    ];
    let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    for (n, want) in roots.iter().enumerate() {
        let leaves = data[..n]
            .iter()
            .map(|d| Tree::<Sha256>::leaf_hash(d))
            .collect();
        let root: String = Tree::<Sha256>::new(leaves)
            .root()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&root, want, "tree of {n} leaves");
    }
    // The run-time choice (what a SHA-256 log uses): the root of every prefix, read from the
    // stored levels of the whole tree as `verify --since` and the tiles read them.
    let whole = Algorithm::Sha256.tree(
        data.iter()
            .map(|d| Algorithm::Sha256.leaf_hash(d))
            .collect(),
    );
    for (n, want) in roots.iter().enumerate() {
        let root: String = whole
            .root_of_first(n as u64)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&root, want, "prefix of {n} leaves");
    }
    // A level-1 "tile" of the eight leaves (complete subtrees of two leaves) holds the roots
    // of the two-leaf prefixes' pairs; its first is the published root of size 2.
    let pairs = whole.complete(1);
    assert_eq!(pairs.len(), 4);
    let first: String = pairs[0].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(first, roots[2]);
    assert_eq!(whole.complete(3).len(), 1);
    assert_eq!(whole.complete(3)[0], whole.root());
}
