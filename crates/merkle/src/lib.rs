//! RFC 6962 Merkle trees over a log's entries: tree heads, inclusion proofs and consistency
//! proofs, and their verification, generic over the hash function.
//!
//! The tree is the one of RFC 6962 section 2.1 (and RFC 9162 section 2.1): the hash of an
//! empty tree is `H()`, a leaf is `H(0x00 || data)`, an inner node `H(0x01 || left || right)`,
//! and a tree of `n > 1` leaves splits at `k`, the largest power of two smaller than `n`. reckon
//! uses it with blake3 ([`Blake3`]) by default, or with SHA-256 ([`Sha256`]) for a log that
//! chose it, so that RFC 6962 clients can check it; [`Algorithm`] is that choice at run time.
//! The SHA-256 tree is checked against the public RFC 6962 test vectors.
//!
//! This crate does **not** know what a leaf is: the ledger decides what data each leaf hashes.
//!
//! ```
//! use reckon_merkle::{Blake3, Tree, verify_inclusion, verify_consistency};
//! let leaves: Vec<[u8; 32]> = (0u8..5).map(|i| Tree::<Blake3>::leaf_hash(&[i])).collect();
//! let tree = Tree::<Blake3>::new(leaves);
//! let root = tree.root();
//! let proof = tree.inclusion_proof(3).unwrap();
//! verify_inclusion::<Blake3>(3, 5, &tree.leaf(3).unwrap(), &proof, &root).unwrap();
//! let old = Tree::<Blake3>::new(tree.leaves()[..2].to_vec());
//! let c = tree.consistency_proof(2).unwrap();
//! verify_consistency::<Blake3>(2, 5, &old.root(), &root, &c).unwrap();
//! ```

use std::fmt;
use std::marker::PhantomData;

/// A 32-byte digest.
pub type Hash = [u8; 32];

/// A hash function with 32-byte output.
pub trait Hasher {
    /// The hash of the concatenation of `parts`.
    fn hash(parts: &[&[u8]]) -> Hash;
}

/// blake3, as reckon uses it.
#[derive(Clone, Copy, Debug)]
pub struct Blake3;

impl Hasher for Blake3 {
    fn hash(parts: &[&[u8]]) -> Hash {
        let mut h = blake3::Hasher::new();
        for p in parts {
            h.update(p);
        }
        *h.finalize().as_bytes()
    }
}

/// SHA-256, as RFC 6962 uses it: for logs that chose it at `init`, so that clients and
/// witnesses that speak RFC 6962 can check and cosign them.
#[derive(Clone, Copy, Debug)]
pub struct Sha256;

impl Hasher for Sha256 {
    fn hash(parts: &[&[u8]]) -> Hash {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }
}

/// The hash function of a log's tree, chosen when the log is made (a runtime choice, where
/// [`Hasher`] is a compile-time one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// blake3 (reckon's default).
    #[default]
    Blake3,
    /// SHA-256 (RFC 6962's).
    Sha256,
}

impl Algorithm {
    /// Its name as logs and bundles write it: `blake3` or `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Blake3 => "blake3",
            Algorithm::Sha256 => "sha256",
        }
    }

    /// The algorithm a name stands for.
    pub fn parse(name: &str) -> Option<Algorithm> {
        match name {
            "blake3" => Some(Algorithm::Blake3),
            "sha256" => Some(Algorithm::Sha256),
            _ => None,
        }
    }

    /// `H(0x00 || data)`.
    pub fn leaf_hash(self, data: &[u8]) -> Hash {
        match self {
            Algorithm::Blake3 => Tree::<Blake3>::leaf_hash(data),
            Algorithm::Sha256 => Tree::<Sha256>::leaf_hash(data),
        }
    }

    /// `H(0x01 || left || right)`.
    pub fn node_hash(self, left: &Hash, right: &Hash) -> Hash {
        match self {
            Algorithm::Blake3 => Tree::<Blake3>::node_hash(left, right),
            Algorithm::Sha256 => Tree::<Sha256>::node_hash(left, right),
        }
    }

    /// The tree over `leaves` (leaf hashes), in order.
    pub fn tree(self, leaves: Vec<Hash>) -> AnyTree {
        match self {
            Algorithm::Blake3 => AnyTree::Blake3(Tree::new(leaves)),
            Algorithm::Sha256 => AnyTree::Sha256(Tree::new(leaves)),
        }
    }

    /// [`verify_inclusion`] with this hash.
    pub fn verify_inclusion(
        self,
        index: u64,
        size: u64,
        leaf: &[u8],
        proof: &[impl AsRef<[u8]>],
        root: &[u8],
    ) -> Result<(), ProofError> {
        match self {
            Algorithm::Blake3 => verify_inclusion::<Blake3>(index, size, leaf, proof, root),
            Algorithm::Sha256 => verify_inclusion::<Sha256>(index, size, leaf, proof, root),
        }
    }

    /// [`verify_consistency`] with this hash.
    pub fn verify_consistency(
        self,
        first: u64,
        second: u64,
        first_root: &[u8],
        second_root: &[u8],
        proof: &[impl AsRef<[u8]>],
    ) -> Result<(), ProofError> {
        match self {
            Algorithm::Blake3 => {
                verify_consistency::<Blake3>(first, second, first_root, second_root, proof)
            }
            Algorithm::Sha256 => {
                verify_consistency::<Sha256>(first, second, first_root, second_root, proof)
            }
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A tree whose hash was chosen at run time.
#[derive(Clone, Debug)]
pub enum AnyTree {
    /// With blake3.
    Blake3(Tree<Blake3>),
    /// With SHA-256.
    Sha256(Tree<Sha256>),
}

macro_rules! each {
    ($self:expr, $t:ident => $e:expr) => {
        match $self {
            AnyTree::Blake3($t) => $e,
            AnyTree::Sha256($t) => $e,
        }
    };
}

impl AnyTree {
    /// Its hash.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            AnyTree::Blake3(_) => Algorithm::Blake3,
            AnyTree::Sha256(_) => Algorithm::Sha256,
        }
    }

    /// See [`Tree::size`].
    pub fn size(&self) -> u64 {
        each!(self, t => t.size())
    }

    /// See [`Tree::root`].
    pub fn root(&self) -> Hash {
        each!(self, t => t.root())
    }

    /// See [`Tree::leaves`].
    pub fn leaves(&self) -> &[Hash] {
        each!(self, t => t.leaves())
    }

    /// See [`Tree::complete`].
    pub fn complete(&self, height: u32) -> &[Hash] {
        each!(self, t => t.complete(height))
    }

    /// See [`Tree::root_of_first`].
    pub fn root_of_first(&self, n: u64) -> Option<Hash> {
        each!(self, t => t.root_of_first(n))
    }

    /// See [`Tree::inclusion_proof`].
    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<Hash>, ProofError> {
        each!(self, t => t.inclusion_proof(index))
    }

    /// See [`Tree::consistency_proof`].
    pub fn consistency_proof(&self, first: u64) -> Result<Vec<Hash>, ProofError> {
        each!(self, t => t.consistency_proof(first))
    }

    /// The tree over the first `n` leaves (`n` at most the size).
    pub fn prefix(&self, n: u64) -> AnyTree {
        let n = usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(self.leaves().len());
        self.algorithm().tree(self.leaves()[..n].to_vec())
    }
}

/// Why a proof was not accepted, or could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The sizes cannot be compared (the first is larger than the second).
    SizeOrder {
        /// The earlier size.
        first: u64,
        /// The later size.
        second: u64,
    },
    /// The proof has the wrong number of hashes for these sizes.
    WrongLength {
        /// Hashes given.
        got: usize,
    },
    /// A proof element is not a 32-byte hash.
    BadElement(usize),
    /// The proof leads to another root than the one given.
    RootMismatch {
        /// Which root ("first" or "second", or "root").
        which: &'static str,
        /// The root the proof computes.
        computed: Hash,
    },
}

fn hex(h: &Hash) -> String {
    reckon_claim::hex(h)
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofError::IndexOutOfRange { index, size } => {
                write!(f, "leaf {index} is not in a tree of {size} leaves")
            }
            ProofError::SizeOrder { first: 0, .. } => {
                f.write_str("a consistency proof from an empty tree proves nothing")
            }
            ProofError::SizeOrder { first, second } => {
                write!(
                    f,
                    "a tree of {first} leaves cannot be a prefix of one of {second}"
                )
            }
            ProofError::WrongLength { got } => {
                write!(
                    f,
                    "the proof has {got} hashes, not the number these sizes need"
                )
            }
            ProofError::BadElement(i) => write!(f, "proof element {i} is not a 32-byte hash"),
            ProofError::RootMismatch { which, computed } => write!(
                f,
                "the proof leads to {} as the {which} root, not the root given",
                hex(computed)
            ),
        }
    }
}

impl std::error::Error for ProofError {}

/// The largest power of two smaller than `n` (for `n > 1`).
fn split(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

/// The ranges of leaves whose tree heads make the inclusion proof of leaf `m` in a tree of
/// `n` leaves (RFC 6962 PATH), in the proof's order (the sibling nearest the leaf first):
/// with [`root_of`] over each, the proof [`Tree::inclusion_proof`] gives, without the tree.
/// Empty when `n` is 1; `None` when `m` is not a leaf of it.
pub fn inclusion_ranges(m: u64, n: u64) -> Option<Vec<(u64, u64)>> {
    if m >= n {
        return None;
    }
    let mut out = Vec::new();
    let (mut lo, mut hi) = (0u64, n);
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < lo + k {
            out.push((lo + k, hi));
            hi = lo + k;
        } else {
            out.push((lo, lo + k));
            lo += k;
        }
    }
    out.reverse();
    Some(out)
}

/// The ranges of leaves whose tree heads make the proof that the first `first` leaves of a
/// tree of `second` are a prefix of it (RFC 6962 PROOF), in the proof's order: with
/// [`root_of`] over each, what [`Tree::consistency_proof`] gives, without the tree. Empty when
/// `first` is 0 or `second`; `None` when `first` is larger than `second`.
pub fn consistency_ranges(first: u64, second: u64) -> Option<Vec<(u64, u64)>> {
    fn sub(m: u64, lo: u64, n: u64, whole: bool, out: &mut Vec<(u64, u64)>) {
        if m == n {
            if !whole {
                out.push((lo, lo + n));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            sub(m, lo, k, whole, out);
            out.push((lo + k, lo + n));
        } else {
            sub(m - k, lo + k, n - k, false, out);
            out.push((lo, lo + k));
        }
    }
    if first > second {
        return None;
    }
    let mut out = Vec::new();
    if first > 0 && first < second {
        sub(first, 0, second, true, &mut out);
    }
    Some(out)
}

/// The tree head of `leaves` (leaf hashes, in order), by RFC 6962's recursion, its two halves
/// made on all cores once large: the same root as [`Tree::root`], holding one hash a level
/// of each half in progress instead of the tree.
pub fn root_of(algorithm: Algorithm, leaves: &[Hash]) -> Hash {
    if leaves.len() <= 1 << 14 {
        let mut f = Frontier::new(algorithm);
        for l in leaves {
            f.push(*l);
        }
        return f.root();
    }
    let k = split(leaves.len() as u64) as usize;
    let (left, right) = leaves.split_at(k);
    let (l, r) = rayon::join(|| root_of(algorithm, left), || root_of(algorithm, right));
    algorithm.node_hash(&l, &r)
}

/// The tree head of leaves given one at a time, in order, in memory of one hash a level: the
/// roots of the complete subtrees so far, largest first (each leaf joins the last subtree of
/// its size, and so on up), folded from the right at the end as RFC 6962's recursion splits
/// a tree (the left part the largest power of two). For a checkpoint of a log too large to
/// hold its tree; the same root as [`Tree::root`] of the same leaves.
#[derive(Clone, Debug)]
pub struct Frontier {
    algorithm: Algorithm,
    /// (leaves under it, its root) of each complete subtree, largest first.
    roots: Vec<(u64, Hash)>,
    size: u64,
}

impl Frontier {
    /// No leaves yet.
    pub fn new(algorithm: Algorithm) -> Frontier {
        Frontier {
            algorithm,
            roots: Vec::new(),
            size: 0,
        }
    }

    /// Adds the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.join(1, leaf);
    }

    /// Adds the root of the next complete subtree of `n` leaves (a power of two no larger
    /// than the largest power of two that divides the size: no smaller subtree is open).
    fn join(&mut self, n: u64, root: Hash) {
        let mut node = (n, root);
        while let Some(&(n, left)) = self.roots.last() {
            if n != node.0 {
                break;
            }
            self.roots.pop();
            node = (n * 2, self.algorithm.node_hash(&left, &node.1));
        }
        self.roots.push(node);
        self.size += n;
    }

    /// Adds the next leaf hashes, as [`Frontier::push`] of each in turn would: the complete
    /// subtrees of [`Frontier::BLOCK`] leaves among them hashed on all cores, each then
    /// joined as one node.
    pub fn extend(&mut self, leaves: &[Hash]) {
        use rayon::prelude::*;
        // One at a time until the size is a multiple of a block.
        let lead = usize::try_from(self.size.wrapping_neg() % Self::BLOCK as u64)
            .unwrap_or(usize::MAX)
            .min(leaves.len());
        let (first, rest) = leaves.split_at(lead);
        first.iter().for_each(|l| self.push(*l));
        let whole = rest.len() - rest.len() % Self::BLOCK;
        let (blocks, tail) = rest.split_at(whole);
        let algorithm = self.algorithm;
        let roots: Vec<Hash> = blocks
            .par_chunks(Self::BLOCK)
            .map(|b| root_of(algorithm, b))
            .collect();
        for r in roots {
            self.join(Self::BLOCK as u64, r);
        }
        tail.iter().for_each(|l| self.push(*l));
    }

    /// The subtrees [`Frontier::extend`] hashes on all cores: a power of two.
    pub const BLOCK: usize = 1 << 12;

    /// How many leaves it has.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The complete subtrees of the leaves so far, leftmost (largest) first: how many leaves
    /// each holds and its root. They are the left siblings on the inclusion path of the next
    /// leaf in any larger tree (each split of RFC 6962's recursion that the next leaf goes
    /// right of cuts off the largest power of two of what is left of it).
    pub fn subtrees(&self) -> &[(u64, Hash)] {
        &self.roots
    }

    /// The tree head of the leaves so far; for none, the hash of nothing.
    pub fn root(&self) -> Hash {
        let mut rest = self.roots.iter().rev();
        let Some(&(_, last)) = rest.next() else {
            return match self.algorithm {
                Algorithm::Blake3 => Blake3::hash(&[]),
                Algorithm::Sha256 => Sha256::hash(&[]),
            };
        };
        rest.fold(last, |right, (_, left)| {
            self.algorithm.node_hash(left, &right)
        })
    }
}

/// A tree over leaf hashes. Its levels are computed once, bottom-up (pairs hashed, an odd last
/// node carried up as it is, which gives exactly RFC 6962's split at the largest power of two),
/// so that every subtree root a proof needs is a lookup.
#[derive(Clone, Debug)]
pub struct Tree<H: Hasher> {
    /// `levels[0]` are the leaves; `levels[l][j]` covers leaves `j * 2^l .. min((j + 1) * 2^l, n)`.
    levels: Vec<Vec<Hash>>,
    _h: PhantomData<H>,
}

impl<H: Hasher> Tree<H> {
    /// `H(0x00 || data)`.
    pub fn leaf_hash(data: &[u8]) -> Hash {
        H::hash(&[&[0u8], data])
    }

    /// `H(0x01 || left || right)`.
    pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
        H::hash(&[&[1u8], left, right])
    }

    /// A tree over leaf hashes, in order.
    pub fn new(leaves: Vec<Hash>) -> Tree<H> {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let next = Self::pair_up(&levels[levels.len() - 1]);
            levels.push(next);
        }
        Tree {
            levels,
            _h: PhantomData,
        }
    }

    /// The level above `level`; large levels are hashed on all cores, in even-sized pieces so
    /// that no pair is split.
    fn pair_up(level: &[Hash]) -> Vec<Hash> {
        let one = |part: &[Hash]| -> Vec<Hash> {
            part.chunks(2)
                .map(|p| {
                    if p.len() == 2 {
                        Self::node_hash(&p[0], &p[1])
                    } else {
                        p[0]
                    }
                })
                .collect()
        };
        if level.len() < (1 << 16) {
            return one(level);
        }
        use rayon::prelude::*;
        let per = level
            .len()
            .div_ceil(rayon::current_num_threads().clamp(1, 8))
            .next_multiple_of(2);
        // A panic in a worker is a bug: rayon carries it to this thread.
        level.par_chunks(per).flat_map_iter(one).collect()
    }

    /// The leaf hashes.
    pub fn leaves(&self) -> &[Hash] {
        &self.levels[0]
    }

    /// One leaf hash.
    pub fn leaf(&self, i: u64) -> Option<Hash> {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.levels[0].get(i))
            .copied()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// The tree head (root hash); for no leaves, the hash of nothing.
    pub fn root(&self) -> Hash {
        if self.levels[0].is_empty() {
            H::hash(&[])
        } else {
            self.node(0, self.levels[0].len())
        }
    }

    /// The root of leaves `lo..hi`, a subtree of this tree (as every range RFC 6962's
    /// recursion asks for is).
    fn node(&self, lo: usize, hi: usize) -> Hash {
        let width = hi - lo;
        let l = if width <= 1 {
            0
        } else {
            (usize::BITS - (width - 1).leading_zeros()) as usize
        };
        self.levels[l][lo >> l]
    }

    /// The roots of the complete subtrees of `2^height` leaves, left to right: node `j` covers
    /// leaves `j * 2^height .. (j + 1) * 2^height` (the hashes a C2SP tile of that level holds).
    pub fn complete(&self, height: u32) -> &[Hash] {
        let n = self.levels[0].len();
        let count = n.checked_shr(height).unwrap_or(0);
        if count == 0 {
            return &[];
        }
        self.levels
            .get(height as usize)
            .map_or(&[][..], |l| &l[..count.min(l.len())])
    }

    /// The root of the tree of the first `n` leaves, from the stored levels (no rehashing of
    /// what the levels hold): `None` when `n` is larger than the tree.
    pub fn root_of_first(&self, n: u64) -> Option<Hash> {
        let n = usize::try_from(n)
            .ok()
            .filter(|n| *n <= self.levels[0].len())?;
        if n == 0 {
            return Some(H::hash(&[]));
        }
        Some(self.prefix_root(0, n))
    }

    /// The root of leaves `lo..lo + n` where `lo` starts a complete subtree that the prefix
    /// may cut: RFC 6962's split, with complete subtrees looked up.
    fn prefix_root(&self, lo: usize, n: usize) -> Hash {
        if n.is_power_of_two() {
            let l = n.trailing_zeros() as usize;
            return self.levels[l][lo >> l];
        }
        let k = split(n as u64) as usize;
        Self::node_hash(&self.prefix_root(lo, k), &self.prefix_root(lo + k, n - k))
    }

    /// The inclusion proof of leaf `index` (RFC 6962 PATH).
    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<Hash>, ProofError> {
        let size = self.size();
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size });
        }
        let mut out = Vec::new();
        self.path(index as usize, 0, size as usize, &mut out);
        Ok(out)
    }

    fn path(&self, m: usize, lo: usize, n: usize, out: &mut Vec<Hash>) {
        if n <= 1 {
            return;
        }
        let k = split(n as u64) as usize;
        if m < k {
            self.path(m, lo, k, out);
            out.push(self.node(lo + k, lo + n));
        } else {
            self.path(m - k, lo + k, n - k, out);
            out.push(self.node(lo, lo + k));
        }
    }

    /// The proof that the tree's first `first` leaves are a prefix of it (RFC 6962 PROOF).
    pub fn consistency_proof(&self, first: u64) -> Result<Vec<Hash>, ProofError> {
        let second = self.size();
        if first > second {
            return Err(ProofError::SizeOrder { first, second });
        }
        let mut out = Vec::new();
        if first > 0 && first < second {
            self.subproof(first as usize, 0, second as usize, true, &mut out);
        }
        Ok(out)
    }

    fn subproof(&self, m: usize, lo: usize, n: usize, whole: bool, out: &mut Vec<Hash>) {
        if m == n {
            if !whole {
                out.push(self.node(lo, lo + n));
            }
            return;
        }
        let k = split(n as u64) as usize;
        if m <= k {
            self.subproof(m, lo, k, whole, out);
            out.push(self.node(lo + k, lo + n));
        } else {
            self.subproof(m - k, lo + k, n - k, false, out);
            out.push(self.node(lo, lo + k));
        }
    }
}

/// Which side of the running hash a proof hash goes on.
enum Side {
    Left,
    Right,
}

/// The walk both RFC 9162 checks share: from node `f` of a tree whose last node is `s`, each
/// proof hash is a sibling on the left (when `f` is odd or the last node) or on the right, and
/// the proof must end exactly at the root (`s` reaching 0).
fn walk(
    mut f: u64,
    mut s: u64,
    proof: &[Hash],
    mut step: impl FnMut(Side, &Hash),
) -> Result<(), ProofError> {
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength { got: proof.len() });
        }
        if f & 1 == 1 || f == s {
            step(Side::Left, p);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            step(Side::Right, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength { got: proof.len() });
    }
    Ok(())
}

/// The proof's hashes, each of which must be 32 bytes.
fn elements<P: AsRef<[u8]>>(proof: &[P]) -> Result<Vec<Hash>, ProofError> {
    proof
        .iter()
        .enumerate()
        .map(|(i, p)| p.as_ref().try_into().map_err(|_| ProofError::BadElement(i)))
        .collect()
}

/// Checks that `leaf` is the hash of leaf `index` of the tree of `size` leaves whose root is
/// `root` (RFC 9162 section 2.1.3.2). Hashes are byte strings; a proof element that is not 32
/// bytes is rejected, and roots are compared as they are given.
pub fn verify_inclusion<H: Hasher>(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[impl AsRef<[u8]>],
    root: &[u8],
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let proof = elements(proof)?;
    let mut r: Hash = leaf.try_into().map_err(|_| ProofError::BadElement(0))?;
    walk(index, size - 1, &proof, |side, p| {
        r = match side {
            Side::Left => Tree::<H>::node_hash(p, &r),
            Side::Right => Tree::<H>::node_hash(&r, p),
        }
    })?;
    if r.as_slice() != root {
        return Err(ProofError::RootMismatch {
            which: "tree",
            computed: r,
        });
    }
    Ok(())
}

/// Checks that the tree of `first` leaves with root `first_root` is a prefix of the tree of
/// `second` leaves with root `second_root` (RFC 9162 section 2.1.4.2). A consistency proof from
/// an empty tree proves nothing and is refused, as in the reference verifier.
pub fn verify_consistency<H: Hasher>(
    first: u64,
    second: u64,
    first_root: &[u8],
    second_root: &[u8],
    proof: &[impl AsRef<[u8]>],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizeOrder { first, second });
    }
    if first == 0 {
        return Err(ProofError::SizeOrder { first, second });
    }
    let proof = elements(proof)?;
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength { got: proof.len() });
        }
        if first_root != second_root {
            let computed = first_root.try_into().unwrap_or([0; 32]);
            return Err(ProofError::RootMismatch {
                which: "second",
                computed,
            });
        }
        return Ok(());
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength { got: 0 });
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(
            first_root
                .try_into()
                .map_err(|_| ProofError::BadElement(0))?,
        );
    }
    path.extend_from_slice(&proof);
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    walk(f, s, &path[1..], |side, c| match side {
        Side::Left => {
            fr = Tree::<H>::node_hash(c, &fr);
            sr = Tree::<H>::node_hash(c, &sr);
        }
        Side::Right => sr = Tree::<H>::node_hash(&sr, c),
    })
    .map_err(|_| ProofError::WrongLength { got: proof.len() })?;
    if fr.as_slice() != first_root {
        return Err(ProofError::RootMismatch {
            which: "first",
            computed: fr,
        });
    }
    if sr.as_slice() != second_root {
        return Err(ProofError::RootMismatch {
            which: "second",
            computed: sr,
        });
    }
    Ok(())
}
