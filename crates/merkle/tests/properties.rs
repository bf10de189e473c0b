//! Properties over every tree size up to a few hundred: every inclusion proof and every
//! consistency proof verifies, and any single change to one makes it fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use reckon_merkle::{Blake3, Hash, Tree, verify_consistency, verify_inclusion};

fn tree(n: u64) -> Tree<Blake3> {
    Tree::new(
        (0..n)
            .map(|i| Tree::<Blake3>::leaf_hash(&i.to_le_bytes()))
            .collect(),
    )
}

#[test]
fn every_inclusion_and_consistency_proof_verifies_up_to_256_leaves() {
    assert!(
        verify_consistency::<Blake3>(0, 5, &tree(0).root(), &tree(5).root(), &[] as &[Hash])
            .is_err()
    );
    for n in 1..=256u64 {
        let t = tree(n);
        let root = t.root();
        for i in 0..n {
            let p = t.inclusion_proof(i).unwrap();
            verify_inclusion::<Blake3>(i, n, &t.leaf(i).unwrap(), &p, &root).unwrap();
        }
        for m in 1..=n {
            let old = Tree::<Blake3>::new(t.leaves()[..m as usize].to_vec());
            let p = t.consistency_proof(m).unwrap();
            verify_consistency::<Blake3>(m, n, &old.root(), &root, &p).unwrap();
        }
    }
}

fn flip(h: &mut Hash, bit: usize) {
    h[bit / 8 % 32] ^= 1 << (bit % 8);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn a_changed_inclusion_proof_fails(n in 2u64..300, i in any::<prop::sample::Index>(), which in any::<prop::sample::Index>(), bit in 0usize..256) {
        let t = tree(n);
        let idx = i.index(n as usize) as u64;
        let mut p = t.inclusion_proof(idx).unwrap();
        let root = t.root();
        let leaf = t.leaf(idx).unwrap();
        let k = which.index(p.len());
        flip(&mut p[k], bit);
        prop_assert!(verify_inclusion::<Blake3>(idx, n, &leaf, &p, &root).is_err());
        let good = t.inclusion_proof(idx).unwrap();
        let mut bad_root = root;
        flip(&mut bad_root, bit);
        prop_assert!(verify_inclusion::<Blake3>(idx, n, &leaf, &good, &bad_root).is_err());
        prop_assert!(verify_inclusion::<Blake3>((idx + 1) % n, n, &leaf, &good, &root).is_err() || t.leaf((idx + 1) % n) == Some(leaf));
        prop_assert!(verify_inclusion::<Blake3>(idx, n, &leaf, &good[..good.len() - 1], &root).is_err());
    }

    #[test]
    fn a_changed_consistency_proof_fails(n in 3u64..300, m in any::<prop::sample::Index>(), which in any::<prop::sample::Index>(), bit in 0usize..256) {
        let t = tree(n);
        let first = 1 + m.index(n as usize - 2) as u64;
        let old = Tree::<Blake3>::new(t.leaves()[..first as usize].to_vec());
        let mut p = t.consistency_proof(first).unwrap();
        prop_assume!(!p.is_empty());
        let k = which.index(p.len());
        flip(&mut p[k], bit);
        prop_assert!(verify_consistency::<Blake3>(first, n, &old.root(), &t.root(), &p).is_err());
        let good = t.consistency_proof(first).unwrap();
        let mut other = old.root();
        flip(&mut other, bit);
        prop_assert!(verify_consistency::<Blake3>(first, n, &other, &t.root(), &good).is_err());
        prop_assert!(verify_consistency::<Blake3>(first + 1, n, &old.root(), &t.root(), &good).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The root of a prefix read from the stored levels is the root of a tree built over that
    /// prefix alone (what `verify --since` and the tiles rely on).
    #[test]
    fn the_root_of_a_prefix_is_the_root_of_the_prefix_tree(n in 0u64..600, m in any::<prop::sample::Index>()) {
        let t = tree(n);
        let m = m.index(n as usize + 1) as u64;
        let alone = Tree::<Blake3>::new(t.leaves()[..m as usize].to_vec()).root();
        prop_assert_eq!(t.root_of_first(m), Some(alone));
        prop_assert_eq!(t.root_of_first(n + 1), None);
    }

    /// The complete subtrees of a height are the roots of their leaves' own trees, and there
    /// are exactly `n >> height` of them (what a C2SP tile of that level holds).
    #[test]
    fn complete_subtrees_are_the_roots_of_their_leaves(n in 0u64..700, height in 0u32..11) {
        let t = tree(n);
        let nodes = t.complete(height);
        prop_assert_eq!(nodes.len() as u64, n >> height);
        let w = 1usize << height;
        for (j, node) in nodes.iter().enumerate() {
            let alone = Tree::<Blake3>::new(t.leaves()[j * w..(j + 1) * w].to_vec()).root();
            prop_assert_eq!(*node, alone);
        }
    }
}

/// The tree head of leaves given one at a time is the whole tree's (which `rfc6962.rs` holds
/// to the RFC's vectors), at every size from none to 600 (every shape of frontier up to ten
/// levels), with either hash.
#[test]
fn a_frontier_gives_the_whole_trees_head_at_every_size() {
    use reckon_merkle::{Algorithm, Frontier};
    for alg in [Algorithm::Blake3, Algorithm::Sha256] {
        let leaves: Vec<Hash> = (0..600u64)
            .map(|i| alg.leaf_hash(&i.to_le_bytes()))
            .collect();
        let mut f = Frontier::new(alg);
        assert_eq!(f.root(), alg.tree(Vec::new()).root(), "{alg:?}: no leaves");
        for (n, leaf) in leaves.iter().enumerate() {
            f.push(*leaf);
            assert_eq!(f.size(), n as u64 + 1);
            let whole = alg.tree(leaves[..=n].to_vec());
            assert_eq!(f.root(), whole.root(), "{alg:?}: {} leaves", n + 1);
        }
    }
}

/// Leaves added a run at a time (`extend`, whose whole blocks are hashed on all cores) make
/// the frontier that adding them one at a time makes, its subtrees and head alike, from any
/// size and for runs shorter and longer than a block, across block boundaries; and its
/// subtrees are the left siblings of the next leaf's inclusion path in any larger tree.
#[test]
fn a_frontier_extended_by_runs_is_the_frontier_pushed_one_leaf_at_a_time() {
    use reckon_merkle::{Algorithm, Frontier, inclusion_ranges, root_of};
    let alg = Algorithm::Blake3;
    let block = Frontier::BLOCK;
    let leaves: Vec<Hash> = (0..3 * block as u64 + 777)
        .map(|i| alg.leaf_hash(&i.to_le_bytes()))
        .collect();
    for runs in [
        vec![1, block - 1, 2 * block + 5],
        vec![block, block, block],
        vec![5, 3, block + 1, 17],
        vec![3 * block + 777],
    ] {
        let (mut by_runs, mut by_one) = (Frontier::new(alg), Frontier::new(alg));
        let mut at = 0;
        for run in runs {
            let run = run.min(leaves.len() - at);
            by_runs.extend(&leaves[at..at + run]);
            leaves[at..at + run].iter().for_each(|l| by_one.push(*l));
            at += run;
            assert_eq!(by_runs.size(), at as u64);
            assert_eq!(by_runs.subtrees(), by_one.subtrees(), "after {at}");
            assert_eq!(by_runs.root(), root_of(alg, &leaves[..at]), "after {at}");
            // The subtrees, smallest first, are the heads of the path's ranges left of the
            // next leaf, in the path's order.
            let n = leaves.len() as u64;
            if (at as u64) < n {
                let left: Vec<Hash> = inclusion_ranges(at as u64, n)
                    .unwrap()
                    .into_iter()
                    .filter(|r| r.1 <= at as u64)
                    .map(|(lo, hi)| root_of(alg, &leaves[lo as usize..hi as usize]))
                    .collect();
                let subtrees: Vec<Hash> = by_runs.subtrees().iter().rev().map(|s| s.1).collect();
                assert_eq!(subtrees, left, "left of {at}");
            }
        }
    }
}

/// Each proof made from the tree heads of [`inclusion_ranges`] is the tree's own inclusion
/// proof, for every leaf of every tree up to 200 leaves; [`root_of`] is the tree's head at
/// every size, and past the size where it splits the work (2^14 leaves, and an odd size
/// beyond two splits).
#[test]
fn inclusion_ranges_and_root_of_make_the_trees_own_proofs_and_head() {
    use reckon_merkle::{Algorithm, inclusion_ranges, root_of};
    let alg = Algorithm::Blake3;
    let leaves: Vec<Hash> = (0..200u64)
        .map(|i| alg.leaf_hash(&i.to_le_bytes()))
        .collect();
    for n in 1..=200usize {
        let t = alg.tree(leaves[..n].to_vec());
        assert_eq!(root_of(alg, &leaves[..n]), t.root(), "{n} leaves");
        for m in 0..n as u64 {
            let ranges = inclusion_ranges(m, n as u64).unwrap();
            let proof: Vec<Hash> = ranges
                .iter()
                .map(|&(lo, hi)| root_of(alg, &leaves[lo as usize..hi as usize]))
                .collect();
            assert_eq!(proof, t.inclusion_proof(m).unwrap(), "leaf {m} of {n}");
        }
        assert!(inclusion_ranges(n as u64, n as u64).is_none());
    }
    let many: Vec<Hash> = (0..(1u64 << 16) + 12_345)
        .map(|i| alg.leaf_hash(&i.to_le_bytes()))
        .collect();
    assert_eq!(root_of(alg, &many), alg.tree(many.clone()).root());
}

/// Each consistency proof made from the tree heads of [`consistency_ranges`] is the tree's
/// own, for every pair of sizes up to 130 leaves; a first size past the second has none.
#[test]
fn consistency_ranges_make_the_trees_own_proofs() {
    use reckon_merkle::{Algorithm, consistency_ranges, root_of};
    let alg = Algorithm::Blake3;
    let leaves: Vec<Hash> = (0..130u64)
        .map(|i| alg.leaf_hash(&i.to_le_bytes()))
        .collect();
    for second in 0..=130usize {
        let t = alg.tree(leaves[..second].to_vec());
        for first in 0..=second as u64 {
            let proof: Vec<Hash> = consistency_ranges(first, second as u64)
                .unwrap()
                .iter()
                .map(|&(lo, hi)| root_of(alg, &leaves[lo as usize..hi as usize]))
                .collect();
            assert_eq!(
                proof,
                t.consistency_proof(first).unwrap(),
                "{first} of {second}"
            );
        }
        assert!(consistency_ranges(second as u64 + 1, second as u64).is_none());
    }
}
