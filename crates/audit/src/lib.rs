//! Auditing a log: Merkle tree heads over its entries, signed checkpoints (C2SP
//! `tlog-checkpoint` signed notes), self-contained proof bundles, proof that a log extends an
//! earlier checkpoint, witness policies ([`policy`]) and the log as static tiles ([`tiles`]).
//!
//! **Leaves.** Leaf `i` of a log's tree is `H(0x00 || HASH_{i+1})`, where `HASH_{i+1}` is the
//! 32-byte hash of entry `i + 1` and `H` is the hash the log's first entry declares (blake3
//! unless it chose SHA-256); the tree is RFC 6962's (see `reckon-merkle`).
//!
//! **Checkpoint.** A signed note whose text is three lines: the origin (the log's name, pinned
//! by the log's first entry when it has a `log` event), the tree size in decimal, and the
//! base64 root hash, then any extension lines (ignored); then a blank line and one signature
//! line per signer (see [`note`]): the log and its witnesses. The exact rules, limits and
//! order of checks are specified in the `reckon-ledger` crate docs.
//!
//! **Proof bundle.** JSON: `{"format": "reckon-proof-1", "seq": N, "entry": LINE,
//! "tree_size": S, "leaf_index": N-1, "inclusion": [BASE64, …], "checkpoint": NOTE}` (and
//! `"merkle": "sha256"` for a SHA-256 tree), where `LINE` is the entry's line without its
//! newline. To check one by hand: check the note's signatures against the policy (first); read
//! size and root from its text; check that `blake3(LINE[65..])` is the hex at `LINE[..64]`;
//! take the leaf `H(0x00 || that hash)`; and run RFC 9162's inclusion check with `H`.
//!
//! This crate does **not** hold keys (callers read them from files and pass them in), and
//! writes nothing but the tiles directory it is given.

pub mod base64;
pub mod note;
pub mod policy;
pub mod tiles;

use note::{Note, NoteError, SignerKey};
use policy::Policy;
use reckon_claim::EntryHash;
use reckon_ledger::{Entry, LedgerError, Log, decode_header};
use reckon_merkle::{Algorithm, AnyTree, Frontier, Hash, ProofError};
use serde_json::{Value, json};
use std::fmt;

/// Why an audit step failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuditError {
    /// The log could not be read or failed verification.
    Log(LedgerError),
    /// The log fails verification; no checkpoint or proof is made for it.
    Damaged(String),
    /// A key or signed note is wrong.
    Note(NoteError),
    /// The checkpoint text is not origin, size, root.
    Checkpoint(String),
    /// A proof does not verify.
    Proof(ProofError),
    /// The bundle is not in the expected form.
    Bundle(String),
    /// The log and a checkpoint disagree.
    Mismatch(String),
    /// A file of a tiles directory is missing or wrong.
    Tiles {
        /// The file, relative to the directory.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A checkpoint names another log than the one expected.
    WrongOrigin {
        /// The origin expected (the log's pinned origin, or `--origin`).
        expected: String,
        /// The origin the checkpoint names.
        found: String,
    },
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::Log(e) => e.fmt(f),
            AuditError::Damaged(m) => write!(f, "the log fails verification: {m}"),
            AuditError::Note(e) => e.fmt(f),
            AuditError::Checkpoint(m) => write!(f, "bad checkpoint: {m}"),
            AuditError::Proof(e) => write!(f, "the proof does not verify: {e}"),
            AuditError::Bundle(m) => write!(f, "bad proof bundle: {m}"),
            AuditError::Mismatch(m) => f.write_str(m),
            AuditError::Tiles { path, problem } => write!(f, "{path}: {problem}"),
            AuditError::WrongOrigin { expected, found } => write!(
                f,
                "the checkpoint is for the log `{found}`, not `{expected}`: a checkpoint of another log proves nothing about this one"
            ),
        }
    }
}

impl std::error::Error for AuditError {}

impl From<LedgerError> for AuditError {
    fn from(e: LedgerError) -> Self {
        AuditError::Log(e)
    }
}

impl From<NoteError> for AuditError {
    fn from(e: NoteError) -> Self {
        AuditError::Note(e)
    }
}

/// The leaf of an entry hash in a tree hashed with `alg`.
pub fn leaf(alg: Algorithm, entry: &EntryHash) -> Hash {
    alg.leaf_hash(&entry.0)
}

/// A log's tree and what the log declares about itself.
#[derive(Clone, Debug)]
pub struct LogTree {
    /// The Merkle tree over the entries, with the log's chosen hash.
    pub tree: AnyTree,
    /// The origin pinned by the log's first entry, if it has one.
    pub origin: Option<String>,
}

impl LogTree {
    /// The origin a checkpoint of this log must name: the pinned one; else `stated`
    /// (`--origin`), else `fallback` (the signing key's name). A stated origin that differs
    /// from the pinned one is refused.
    pub fn origin_for(&self, stated: Option<&str>, fallback: &str) -> Result<String, AuditError> {
        origin_for(self.origin.as_deref(), stated, fallback)
    }

    /// Refuses a checkpoint that names another origin than the log's pinned one or than
    /// `stated` (`--origin`).
    pub fn check_origin(&self, cp: &Checkpoint, stated: Option<&str>) -> Result<(), AuditError> {
        check_pinned(self.origin.as_deref(), cp, stated)
    }
}

/// The origin a checkpoint of a log whose first entry pins `pinned` must name (see
/// [`LogTree::origin_for`]).
fn origin_for(
    pinned: Option<&str>,
    stated: Option<&str>,
    fallback: &str,
) -> Result<String, AuditError> {
    match (pinned, stated) {
        (Some(pinned), Some(s)) if pinned != s => Err(AuditError::WrongOrigin {
            expected: pinned.to_owned(),
            found: s.to_owned(),
        }),
        (Some(pinned), _) => Ok(pinned.to_owned()),
        (None, Some(s)) => Ok(s.to_owned()),
        (None, None) => Ok(fallback.to_owned()),
    }
}

fn expect_origin(cp: &Checkpoint, expected: &str) -> Result<(), AuditError> {
    if cp.origin != expected {
        return Err(AuditError::WrongOrigin {
            expected: expected.to_owned(),
            found: cp.origin.clone(),
        });
    }
    Ok(())
}

/// The hash a log's declaration chose for its tree.
pub fn algorithm(decl: Option<&reckon_claim::LogDecl>) -> Algorithm {
    match decl.and_then(|d| d.merkle).unwrap_or_default() {
        reckon_claim::TreeHash::Blake3 => Algorithm::Blake3,
        reckon_claim::TreeHash::Sha256 => Algorithm::Sha256,
    }
}

/// The tree of a log: its leaves are the entry hashes, read in the same checked pass that
/// verifies the chain and the head file, under one shared lock (a checkpoint vouches for the
/// log, so it is never made for a damaged one, nor for entries an append has not committed).
pub fn tree(log: &Log) -> Result<LogTree, AuditError> {
    tree_of(&log.snapshot()?)
}

fn damaged(e: LedgerError) -> AuditError {
    match e {
        LedgerError::Damaged { problem, .. } => AuditError::Damaged(problem.to_string()),
        other => AuditError::Log(other),
    }
}

/// The tree of a snapshot of a log; see [`tree`].
pub fn tree_of(snap: &reckon_ledger::Snapshot<'_>) -> Result<LogTree, AuditError> {
    let hashes = snap.hashes().map_err(damaged)?;
    let decl = snap.declaration().map_err(damaged)?;
    Ok(LogTree {
        tree: tree_of_hashes(algorithm(decl.as_ref()), &hashes),
        origin: decl.map(|d| d.origin.as_str().to_owned()),
    })
}

/// The tree head of a snapshot of a log (its size and root, with the origin its first entry
/// pins), made as the checked pass that verifies the chain and the head file reads each line:
/// each leaf joins a [`Frontier`] of one hash a level, so that no tree is held (a log of 10M
/// entries took 1.1 GB to sign when its whole tree was built). The same root as [`tree_of`].
pub fn tree_head(
    snap: &reckon_ledger::Snapshot<'_>,
) -> Result<(u64, Hash, Option<String>), AuditError> {
    let h = heads(snap, None)?;
    Ok((h.size, h.root, h.origin))
}

/// What one checked pass gives of a log's tree without building it: see [`heads`].
struct Heads {
    size: u64,
    root: Hash,
    /// The root of the first entries asked for, when the log has that many.
    earlier: Option<Hash>,
    /// The origin the log's first entry pins.
    origin: Option<String>,
}

/// The log's size and tree head, and the head of its first `at` entries when asked for (and
/// the log has them), from one checked pass that keeps one hash a level ([`Frontier`]).
fn heads(snap: &reckon_ledger::Snapshot<'_>, at: Option<u64>) -> Result<Heads, AuditError> {
    let decl = snap.declaration().map_err(damaged)?;
    heads_seeing(snap, decl, at, &mut |_, _| {})
}

/// [`heads`] of a log whose first entry declares `decl`, with each leaf and its line's place
/// handed to `see` too, in log order; the frontier of every leaf is a [`Pass`]'s (its whole
/// blocks hashed on all cores).
fn heads_seeing(
    snap: &reckon_ledger::Snapshot<'_>,
    decl: Option<reckon_claim::LogDecl>,
    at: Option<u64>,
    see: &mut dyn FnMut(Hash, reckon_ledger::Span),
) -> Result<Heads, AuditError> {
    let alg = algorithm(decl.as_ref());
    let sizes: Vec<u64> = at.into_iter().collect();
    let mut all = Pass::new(alg, true, &sizes);
    let leaves = |h: &reckon_ledger::Header<'_>, _: &[u8], span| (leaf(alg, &h.hash), span);
    snap.visit_all(&leaves, &mut |piece| {
        piece.iter().for_each(|&(l, span)| see(l, span));
        let leaves: Vec<Hash> = piece.into_iter().map(|p| p.0).collect();
        advance(&mut all, (&mut [], &[]), &leaves);
    })
    .map_err(damaged)?;
    Ok(Heads {
        size: all.count,
        root: all
            .every
            .as_ref()
            .map_or_else(|| Frontier::new(alg).root(), Frontier::root),
        earlier: all.heads.first().copied().flatten(),
        origin: decl.map(|d| d.origin.as_str().to_owned()),
    })
}

/// Refuses a checkpoint whose tree is not the tree of the log's first entries (the log has
/// fewer, or other ones): [`check_same`] for [`Heads`] asked for the checkpoint's size.
fn check_heads(cp: &Checkpoint, h: &Heads) -> Result<(), AuditError> {
    match h.earlier {
        None => Err(shorter(cp.size, h.size)),
        Some(root) if root != cp.root => Err(forked(cp.size)),
        Some(_) => Ok(()),
    }
}

/// Refuses a checkpoint that names another origin than the one the log pins or than
/// `stated` (see [`LogTree::check_origin`]).
fn check_pinned(
    pinned: Option<&str>,
    cp: &Checkpoint,
    stated: Option<&str>,
) -> Result<(), AuditError> {
    for expected in [pinned, stated].into_iter().flatten() {
        expect_origin(cp, expected)?;
    }
    Ok(())
}

/// The tree over entry hashes, in log order (the leaves are hashed on all cores).
pub fn tree_of_hashes(alg: Algorithm, hashes: &[EntryHash]) -> AnyTree {
    use rayon::prelude::*;
    alg.tree(hashes.par_iter().map(|h| leaf(alg, h)).collect())
}

/// A checkpoint's text: origin, tree size, root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name.
    pub origin: String,
    /// The number of entries.
    pub size: u64,
    /// The tree head.
    pub root: Hash,
}

impl Checkpoint {
    /// The note text.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            base64::encode(&self.root)
        )
    }

    /// Reads a note text (extension lines after the root are allowed and ignored).
    pub fn parse(text: &str) -> Result<Checkpoint, AuditError> {
        let bad = |m: &str| AuditError::Checkpoint(m.to_owned());
        let mut lines = text.lines();
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| bad("the first line must name the log"))?;
        let size_text = lines
            .next()
            .ok_or_else(|| bad("the second line must be the tree size"))?;
        let canonical = !size_text.is_empty()
            && size_text.bytes().all(|b| b.is_ascii_digit())
            && (size_text == "0" || !size_text.starts_with('0'));
        let size: u64 = size_text
            .parse()
            .ok()
            .filter(|_| canonical)
            .ok_or_else(|| bad("the tree size must be a decimal number"))?;
        let root_text = lines
            .next()
            .ok_or_else(|| bad("the third line must be the base64 root hash"))?;
        let root: Hash = base64::decode(root_text)
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("the root hash must be 32 bytes in base64"))?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}

/// Makes and signs the checkpoint of the log as it is now. Its origin is the log's pinned
/// one; a log without one names `origin` (`--origin`), else the key's name.
pub fn checkpoint(log: &Log, key: &SignerKey, origin: Option<&str>) -> Result<Note, AuditError> {
    let (size, root, pinned) = tree_head(&log.snapshot()?)?;
    let origin = origin_for(pinned.as_deref(), origin, key.name())?;
    reckon_claim::LogName::parse(&origin).map_err(AuditError::Checkpoint)?;
    let cp = Checkpoint { origin, size, root };
    let mut note = Note::new(&cp.body())?;
    note.sign(key);
    Ok(note)
}

/// The log holds fewer entries (`holds`) than a checkpoint of it describes (`size`).
fn shorter(size: u64, holds: u64) -> AuditError {
    AuditError::Mismatch(format!(
        "the checkpoint describes {size} entries but the log holds only {holds}: either entries were removed from the end (truncated), or the checkpoint is of another, longer log"
    ))
}

/// The log's first `size` entries are not those a checkpoint describes.
fn forked(size: u64) -> AuditError {
    AuditError::Mismatch(format!(
        "the log's first {size} entries are not the ones the checkpoint describes: the log was rewritten or forked"
    ))
}

/// The root of the first `size` leaves of `t`, or why the log cannot have one.
fn root_at(t: &AnyTree, size: u64) -> Result<Hash, AuditError> {
    t.root_of_first(size).ok_or_else(|| shorter(size, t.size()))
}

fn check_same(cp: &Checkpoint, t: &AnyTree) -> Result<(), AuditError> {
    if root_at(t, cp.size)? != cp.root {
        return Err(forked(cp.size));
    }
    Ok(())
}

/// Adds `key`'s signature to a checkpoint (as a witness does) after checking that the
/// signatures already on it meet `policy` (the log's key, typically) and that it describes
/// this log: its origin, and the tree head of its first entries. Cosigning twice replaces the
/// signature; it never adds a second line.
pub fn cosign(
    log: &Log,
    note_text: &str,
    key: &SignerKey,
    policy: &Policy,
) -> Result<Note, AuditError> {
    let mut note = Note::parse(note_text)?;
    policy.check(&note)?;
    let cp = Checkpoint::parse(note.text())?;
    if let Some(o) = policy.origin() {
        expect_origin(&cp, o)?;
    }
    let h = heads(&log.snapshot()?, Some(cp.size))?;
    check_pinned(h.origin.as_deref(), &cp, None)?;
    check_heads(&cp, &h)?;
    note.sign(key);
    Ok(note)
}

/// A proof bundle for entry `seq` against a checkpoint of this log. `entries` and `spans`
/// are the snapshot's ([`reckon_ledger::Snapshot::entries_with_spans`], read by the caller to
/// find the entry): the tree is made from their hashes and the line is read at its span.
pub fn prove(
    snap: &reckon_ledger::Snapshot<'_>,
    (entries, spans): (&[Entry], &[(u64, u32)]),
    seq: u64,
    note_text: &str,
) -> Result<String, AuditError> {
    let decl = entries.first().and_then(|e| match &e.event {
        reckon_claim::Event::Log(d) => Some(d),
        _ => None,
    });
    let hashes: Vec<EntryHash> = entries.iter().map(|e| e.hash).collect();
    prove_leaves(snap, decl, (&hashes, spans), seq, note_text)
}

/// [`prove`] from the entries' hashes and spans (in log order) and the log's declaration, if
/// its first entry is one: no entry decoded. For a reader that proves many entries of one
/// log (a site); one entry is proved holding no leaf by [`prove_entry`].
pub fn prove_leaves(
    snap: &reckon_ledger::Snapshot<'_>,
    decl: Option<&reckon_claim::LogDecl>,
    (hashes, spans): (&[EntryHash], &[(u64, u32)]),
    seq: u64,
    note_text: &str,
) -> Result<String, AuditError> {
    let note = Note::parse(note_text)?;
    let cp = Checkpoint::parse(note.text())?;
    if let Some(d) = decl {
        expect_origin(&cp, d.origin.as_str())?;
    }
    let alg = algorithm(decl);
    // The checkpoint's tree from the leaves, never built whole: the proof is the heads of the
    // ranges RFC 6962's path names (each made on all cores), and the checkpoint's root must
    // be what the proof and the entry's leaf give.
    let leaves: Vec<Hash> = {
        use rayon::prelude::*;
        hashes.par_iter().map(|h| leaf(alg, h)).collect()
    };
    let size = usize::try_from(cp.size)
        .ok()
        .filter(|&s| s <= leaves.len())
        .ok_or_else(|| shorter(cp.size, leaves.len() as u64))?;
    let Some(ranges) = seq
        .checked_sub(1)
        .and_then(|m| reckon_merkle::inclusion_ranges(m, cp.size))
    else {
        if reckon_merkle::root_of(alg, &leaves[..size]) != cp.root {
            return Err(forked(cp.size));
        }
        return Err(AuditError::Mismatch(format!(
            "entry #{seq} is not in the checkpoint, which covers entries 1 to {}",
            cp.size
        )));
    };
    let proof: Vec<Hash> = ranges
        .iter()
        .map(|&(lo, hi)| {
            let (lo, hi) = (
                usize::try_from(lo).unwrap_or(size),
                usize::try_from(hi).unwrap_or(size),
            );
            reckon_merkle::root_of(alg, leaves.get(lo..hi).unwrap_or_default())
        })
        .collect();
    let at = usize::try_from(seq - 1).unwrap_or(usize::MAX);
    let own = leaves
        .get(at)
        .ok_or_else(|| AuditError::Mismatch(format!("no entry #{seq}")))?;
    if alg
        .verify_inclusion(seq - 1, cp.size, own, &proof, &cp.root)
        .is_err()
    {
        return Err(forked(cp.size));
    }
    let (hash, span) = hashes
        .get(at)
        .zip(spans.get(at))
        .map(|(h, s)| (*h, *s))
        .ok_or_else(|| AuditError::Mismatch(format!("no entry #{seq}")))?;
    bundle(snap, (seq, hash, span), (&cp, &note), &proof, alg)
}

/// The proof bundle of entry `seq` (its hash, and where its line is, read and checked here)
/// in the checkpoint `cp` (signed as `note` says), with its inclusion proof.
fn bundle(
    snap: &reckon_ledger::Snapshot<'_>,
    (seq, hash, span): (u64, EntryHash, reckon_ledger::Span),
    (cp, note): (&Checkpoint, &Note),
    proof: &[Hash],
    alg: Algorithm,
) -> Result<String, AuditError> {
    let line = String::from_utf8(snap.line(span, &hash)?)
        .map_err(|_| AuditError::Damaged(format!("entry #{seq} is not UTF-8")))?;
    let mut j = json!({
        "format": "reckon-proof-1",
        "seq": seq,
        "entry": line,
        "tree_size": cp.size,
        "leaf_index": seq - 1,
        "inclusion": proof.iter().map(|h| base64::encode(h)).collect::<Vec<_>>(),
        "checkpoint": note.encode(),
    });
    if alg != Algorithm::Blake3 {
        j["merkle"] = json!(alg.name());
    }
    Ok(format!(
        "{}\n",
        serde_json::to_string_pretty(&j).unwrap_or_default()
    ))
}

/// [`prove_leaves`] of the entry `id` names, from one checked pass over the log that holds
/// no leaf (a log of 10M entries took 904 MB to prove an entry when every leaf was held):
/// the heads of the ranges RFC 6962's path names are made as the pass reads their leaves,
/// those left of the entry being the complete subtrees of a [`Frontier`] of every leaf when
/// it is reached, those right of it a frontier each from there on; the entry's hash and line
/// place are kept when it passes, and its number need not be known before (a hash prefix).
/// The same bundle and the same refusals as [`prove_leaves`]; `Ok(Err(why))` when `id` names
/// no entry of the log, or more than one.
pub fn prove_entry(
    snap: &reckon_ledger::Snapshot<'_>,
    id: &reckon_ledger::EntryId,
    note_text: &str,
) -> Result<Result<String, reckon_ledger::Unnamed>, AuditError> {
    let note = Note::parse(note_text)?;
    let cp = Checkpoint::parse(note.text())?;
    let decl = snap.declaration().map_err(damaged)?;
    let alg = algorithm(decl.as_ref());
    let pass = paths(snap, alg, id, cp.size)?;
    let named = pass.named.iter().map(|c| (c.seq, &c.hash));
    let seq = match id.pick_seq(named, pass.count) {
        Ok(seq) => seq,
        Err(why) => return Ok(Err(why)),
    };
    if let Some(d) = &decl {
        expect_origin(&cp, d.origin.as_str())?;
    }
    if pass.count < cp.size {
        return Err(shorter(cp.size, pass.count));
    }
    let Some((c, path)) = pass
        .named
        .iter()
        .zip(&pass.paths)
        .find(|(c, _)| c.seq == seq)
    else {
        return Err(AuditError::Mismatch(format!("no entry #{seq}")));
    };
    let Some(path) = path else {
        if pass.prefix != Some(cp.root) {
            return Err(forked(cp.size));
        }
        return Err(AuditError::Mismatch(format!(
            "entry #{seq} is not in the checkpoint, which covers entries 1 to {}",
            cp.size
        )));
    };
    let proof: Vec<Hash> = path.iter().map(Part::head).collect();
    if alg
        .verify_inclusion(seq - 1, cp.size, &c.leaf, &proof, &cp.root)
        .is_err()
    {
        return Err(forked(cp.size));
    }
    Ok(Ok(bundle(
        snap,
        (seq, c.hash, c.span),
        (&cp, &note),
        &proof,
        alg,
    )?))
}

/// What one pass over a log gives of the entries an id could name: see [`paths`].
struct Paths {
    /// The first two entries the id could name (two say it is ambiguous), in log order.
    named: Vec<Named>,
    /// Each one's inclusion path in the tree of the first `size` entries, a part for each
    /// range the path names; `None` when it is not in that tree.
    paths: Vec<Option<Path>>,
    /// How many entries the log has.
    count: u64,
    /// The head of the tree of the first `size` entries, when the log has that many and the
    /// pass kept every leaf's frontier.
    prefix: Option<Hash>,
}

/// An entry an id could name, met by the pass.
struct Named {
    seq: u64,
    hash: EntryHash,
    leaf: Hash,
    span: reckon_ledger::Span,
}

/// One checked pass over the log that keeps one hash a level: for each of the first two
/// entries `id` could name, the heads of the ranges of its inclusion path in the tree of
/// `size` leaves, and the head of that tree when the log has that many. An entry named by a
/// number that tree holds has its path made of one growing frontier a range from the start;
/// otherwise a [`Frontier`] of every leaf gives the ranges left of an entry when it is met
/// (and the tree's head).
fn paths(
    snap: &reckon_ledger::Snapshot<'_>,
    alg: Algorithm,
    id: &reckon_ledger::EntryId,
    size: u64,
) -> Result<Paths, AuditError> {
    // The path of an entry named by a number the tree holds, made as the leaves pass.
    let known = match id {
        reckon_ledger::EntryId::Seq(n) => n
            .checked_sub(1)
            .and_then(|m| reckon_merkle::inclusion_ranges(m, size)),
        reckon_ledger::EntryId::Prefix(_) => None,
    };
    let numbered = known.is_some();
    let mut all = Pass::new(alg, !numbered, &[size]);
    let mut named: Vec<Named> = Vec::new();
    // Each named entry's path, and the ranges of it still to grow, with their place in it.
    let mut paths: Vec<Option<Path>> = Vec::new();
    let mut right: Vec<Vec<Place>> = Vec::new();
    if let Some(ranges) = known {
        // Fed from the first leaf; the entry's own hash and place are kept when it passes.
        paths.push(Some(
            ranges
                .iter()
                .map(|_| Part::Growing(Frontier::new(alg)))
                .collect(),
        ));
        right.push(
            ranges
                .iter()
                .enumerate()
                .map(|(k, &(lo, hi))| (lo, hi, k))
                .collect(),
        );
    }
    let visit = |h: &reckon_ledger::Header<'_>, _: &[u8], span| {
        let could = id.could_name(h).then_some((h.seq, h.hash, span));
        (leaf(alg, &h.hash), could)
    };
    snap.visit_all(&visit, &mut |piece| {
        let leaves: Vec<Hash> = piece.iter().map(|p| p.0).collect();
        let mut from = 0;
        for (j, (l, could)) in piece.into_iter().enumerate() {
            let Some((seq, hash, span)) = could else {
                continue;
            };
            if numbered {
                named.push(Named {
                    seq,
                    hash,
                    leaf: l,
                    span,
                });
                continue;
            }
            if named.len() >= 2 {
                continue;
            }
            // The frontier is brought up to the entry, which then takes its path from it.
            advance(&mut all, (&mut paths, &right), &leaves[from..j]);
            let (path, ranges) = match &all.every {
                Some(every) => path_at(alg, every, all.count, size),
                None => (None, Vec::new()),
            };
            named.push(Named {
                seq,
                hash,
                leaf: l,
                span,
            });
            paths.push(path);
            right.push(ranges);
            from = j;
        }
        advance(&mut all, (&mut paths, &right), &leaves[from..]);
    })
    .map_err(damaged)?;
    // A number the log does not reach names nothing: its path goes with it.
    paths.truncate(named.len());
    Ok(Paths {
        named,
        paths,
        count: all.count,
        prefix: all.heads.first().copied().flatten(),
    })
}

/// Where a pass of [`paths`] is: how many leaves it has read, and, when it keeps one, the
/// frontier of every leaf, with its head at each of `sizes` it has reached (`heads`, in the
/// same order).
struct Pass {
    every: Option<Frontier>,
    count: u64,
    sizes: Vec<u64>,
    heads: Vec<Option<Hash>>,
}

impl Pass {
    /// A pass that keeps the frontier of every leaf (with `alg`) when `every`, for the heads
    /// of the trees of `sizes` leaves.
    fn new(alg: Algorithm, every: bool, sizes: &[u64]) -> Pass {
        let every = every.then(|| Frontier::new(alg));
        let empty = every.as_ref().map(Frontier::root);
        Pass {
            heads: sizes.iter().map(|&s| empty.filter(|_| s == 0)).collect(),
            every,
            count: 0,
            sizes: sizes.to_vec(),
        }
    }
}

/// Adds `leaves` (the next ones, from leaf `all.count` on) to the frontier of every leaf,
/// noting its head at each size asked for, and to the growing ranges of each path that they
/// fall in (`right`: each path's growing ranges, with their place in it).
fn advance(all: &mut Pass, (paths, right): (&mut [Option<Path>], &[Vec<Place>]), leaves: &[Hash]) {
    let at = all.count;
    let end = at + leaves.len() as u64;
    // Leaves `a..b` (positions in the whole log), when they are among these.
    let slice = |a: u64, b: u64| {
        let a = a.checked_sub(at).and_then(|a| usize::try_from(a).ok())?;
        let b = b.checked_sub(at).and_then(|b| usize::try_from(b).ok())?;
        leaves.get(a..b)
    };
    for (path, ranges) in paths.iter_mut().zip(right) {
        let Some(path) = path.as_mut() else {
            continue;
        };
        for &(lo, hi, k) in ranges {
            let (a, b) = (lo.max(at), hi.min(end));
            if let (Some(Part::Growing(f)), Some(run)) = (path.get_mut(k), slice(a, b)) {
                f.extend(run);
            }
        }
    }
    all.count = end;
    let Some(every) = all.every.as_mut() else {
        return;
    };
    // Cut where a size asked for is reached, its head noted there.
    let mut cuts: Vec<(u64, usize)> = (all.sizes.iter().enumerate())
        .filter(|(_, s)| at < **s && **s <= end)
        .map(|(k, s)| (*s, k))
        .collect();
    cuts.sort_unstable();
    let mut from = at;
    for (cut, k) in cuts {
        every.extend(slice(from, cut).unwrap_or_default());
        all.heads[k] = Some(every.root());
        from = cut;
    }
    every.extend(slice(from, end).unwrap_or_default());
}

/// The heads of `ranges` (of leaves, `[lo, hi)`, disjoint, known before) of the log's tree,
/// and of the trees of its first `sizes` leaves (when it has them), from one checked pass
/// that keeps one hash a level for each ([`Frontier`]); with how many entries it has.
#[allow(clippy::type_complexity)] // the ranges' heads, the trees' heads, the count
fn range_heads(
    snap: &reckon_ledger::Snapshot<'_>,
    alg: Algorithm,
    ranges: &[(u64, u64)],
    sizes: &[u64],
) -> Result<(Vec<Hash>, Vec<Option<Hash>>, u64), AuditError> {
    let mut paths = [Some(
        ranges
            .iter()
            .map(|_| Part::Growing(Frontier::new(alg)))
            .collect::<Vec<_>>(),
    )];
    let right = [ranges
        .iter()
        .enumerate()
        .map(|(k, &(lo, hi))| (lo, hi, k))
        .collect::<Vec<_>>()];
    let mut all = Pass::new(alg, true, sizes);
    let leaves = |h: &reckon_ledger::Header<'_>, _: &[u8], _| leaf(alg, &h.hash);
    snap.visit_all(&leaves, &mut |piece| {
        advance(&mut all, (&mut paths, &right), &piece);
    })
    .map_err(damaged)?;
    let [path] = paths;
    let heads = path.unwrap_or_default().iter().map(Part::head).collect();
    Ok((heads, all.heads, all.count))
}

/// An inclusion path as a pass makes it: a part for each range it names, in its order.
type Path = Vec<Part>;

/// A range of a path still to grow: its leaves `[lo, hi)` and its place in the path.
type Place = (u64, u64, usize);

/// One range of an inclusion path, as a pass makes its head.
enum Part {
    /// Left of the entry: a complete subtree, its head known when the entry is met.
    Known(Hash),
    /// Right of the entry: its leaves are still to come.
    Growing(Frontier),
}

impl Part {
    fn head(&self) -> Hash {
        match self {
            Part::Known(h) => *h,
            Part::Growing(f) => f.root(),
        }
    }
}

/// The inclusion path of leaf `i` in a tree of `size` leaves as a pass meets it, `before`
/// holding the leaves before it: each range of the path in the path's order, those left of
/// it known (`before`'s complete subtrees, which are those ranges: read from the smallest,
/// as the path is), those right of it to grow; and the right ones' leaf ranges with their
/// place in the path. `None` when `i` is not a leaf of that tree, or (never for a frontier
/// of the leaves before it) when the left ranges are not its subtrees.
fn path_at(alg: Algorithm, before: &Frontier, i: u64, size: u64) -> (Option<Path>, Vec<Place>) {
    let Some(ranges) = reckon_merkle::inclusion_ranges(i, size) else {
        return (None, Vec::new());
    };
    let mut lefts = before.subtrees().iter().rev();
    let mut right = Vec::new();
    let mut path = Vec::with_capacity(ranges.len());
    for (k, &(lo, hi)) in ranges.iter().enumerate() {
        if hi <= i {
            match lefts.next() {
                Some(&(n, root)) if n == hi - lo => path.push(Part::Known(root)),
                _ => return (None, Vec::new()),
            }
        } else {
            right.push((lo, hi, k));
            path.push(Part::Growing(Frontier::new(alg)));
        }
    }
    (Some(path), right)
}

/// The most a proof bundle may hold, in bytes: a note at its largest
/// ([`note::MAX_NOTE_BYTES`]), escaped, and room for the entry and the proof.
pub const MAX_BUNDLE_BYTES: usize = 4 << 20;

/// What a verified bundle proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proven {
    /// The entry's sequence number.
    pub seq: u64,
    /// Its hash.
    pub hash: EntryHash,
    /// The log's name.
    pub origin: String,
    /// The checkpoint's size.
    pub size: u64,
    /// Who signed the checkpoint (of the keys the policy lists).
    pub signers: Vec<String>,
    /// The hash of the log's tree.
    pub merkle: Algorithm,
    /// The entry's line.
    pub line: String,
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, AuditError> {
    v.get(name)
        .ok_or_else(|| AuditError::Bundle(format!("missing `{name}`")))
}

/// Checks a proof bundle offline, with nothing but who must sign (and, when given, the
/// origin the checkpoint must name: `origin`, else the policy's).
pub fn verify_bundle(
    bundle: &str,
    policy: &Policy,
    origin: Option<&str>,
) -> Result<Proven, AuditError> {
    verify_entry_bundle(&parse_bundle(bundle)?, policy, origin)
}

/// A bundle's JSON, refused unread when it is larger than a bundle may be.
fn parse_bundle(bundle: &str) -> Result<Value, AuditError> {
    if bundle.len() > MAX_BUNDLE_BYTES {
        return Err(AuditError::Bundle(format!(
            "{} bytes; a proof bundle is at most {MAX_BUNDLE_BYTES} bytes",
            bundle.len()
        )));
    }
    serde_json::from_str(bundle).map_err(|e| AuditError::Bundle(format!("not JSON: {e}")))
}

/// A bundle's `merkle` field: absent for blake3, `"sha256"` otherwise.
fn bundle_merkle(v: &Value) -> Result<Algorithm, AuditError> {
    match v.get("merkle") {
        None => Ok(Algorithm::Blake3),
        Some(m) => m
            .as_str()
            .and_then(Algorithm::parse)
            .filter(|a| *a != Algorithm::Blake3)
            .ok_or_else(|| {
                AuditError::Bundle(
                    "`merkle` is \"sha256\" when present (a blake3 tree leaves it out)".into(),
                )
            }),
    }
}

/// A bundle's list of base64 hashes in field `name`, refused before it is decoded when it
/// holds more than `most` (what a tree of `size` entries can need).
fn bundle_hashes(v: &Value, name: &str, most: u32, size: u64) -> Result<Vec<Vec<u8>>, AuditError> {
    let hashes = field(v, name)?
        .as_array()
        .ok_or_else(|| AuditError::Bundle(format!("`{name}` must be a list")))?;
    if hashes.len() > most as usize {
        return Err(AuditError::Bundle(format!(
            "`{name}` holds {} hashes; a tree of {size} entries needs at most {most}",
            hashes.len()
        )));
    }
    hashes
        .iter()
        .map(|h| {
            h.as_str()
                .and_then(base64::decode)
                .ok_or_else(|| AuditError::Bundle(format!("a hash in `{name}` is not base64")))
        })
        .collect()
}

/// Checks a parsed `reckon-proof-1` bundle; see [`verify_bundle`].
fn verify_entry_bundle(
    v: &Value,
    policy: &Policy,
    origin: Option<&str>,
) -> Result<Proven, AuditError> {
    let obj = v
        .as_object()
        .ok_or_else(|| AuditError::Bundle("not a JSON object".into()))?;
    for k in obj.keys() {
        if ![
            "format",
            "seq",
            "entry",
            "tree_size",
            "leaf_index",
            "inclusion",
            "checkpoint",
            "merkle",
        ]
        .contains(&k.as_str())
        {
            return Err(AuditError::Bundle(format!("unknown field `{k}`")));
        }
    }
    if field(v, "format")?.as_str() != Some("reckon-proof-1") {
        return Err(AuditError::Bundle("`format` must be reckon-proof-1".into()));
    }
    let num = |name: &str| {
        field(v, name)?
            .as_u64()
            .ok_or_else(|| AuditError::Bundle(format!("`{name}` must be a whole number")))
    };
    // The signature first: an edited checkpoint is reported as one, whatever else is wrong.
    let note_text = field(v, "checkpoint")?
        .as_str()
        .ok_or_else(|| AuditError::Bundle("`checkpoint` must be text".into()))?;
    let note = Note::parse(note_text)?;
    let signers = policy.check(&note)?.all();
    let cp = Checkpoint::parse(note.text())?;
    for expected in [origin, policy.origin()].into_iter().flatten() {
        expect_origin(&cp, expected)?;
    }
    let merkle = bundle_merkle(v)?;
    let (seq, size, index) = (num("seq")?, num("tree_size")?, num("leaf_index")?);
    if cp.size != size {
        return Err(AuditError::Bundle(format!(
            "`tree_size` is {size} but the checkpoint says {}",
            cp.size
        )));
    }
    if seq == 0 || index != seq - 1 {
        return Err(AuditError::Bundle("`leaf_index` must be `seq` - 1".into()));
    }
    let line = field(v, "entry")?
        .as_str()
        .ok_or_else(|| AuditError::Bundle("`entry` must be text".into()))?;
    let header = decode_header(line.as_bytes())
        .map_err(|p| AuditError::Bundle(format!("the entry: {p}")))?;
    if header.seq != seq {
        return Err(AuditError::Bundle(format!(
            "the entry is #{}, not #{seq}",
            header.seq
        )));
    }
    // A proof in a tree of `size` leaves has at most ceil(log2(size)) hashes.
    let most = u64::BITS - size.saturating_sub(1).leading_zeros();
    let proof = bundle_hashes(v, "inclusion", most, size)?;
    merkle
        .verify_inclusion(index, size, &leaf(merkle, &header.hash), &proof, &cp.root)
        .map_err(AuditError::Proof)?;
    Ok(Proven {
        seq,
        hash: header.hash,
        origin: cp.origin,
        size,
        signers,
        merkle,
        line: line.to_owned(),
    })
}

/// A consistency bundle: proof that the tree of one checkpoint is a prefix of another's, so
/// that anyone holding the two checkpoints can check that the log only grew between them
/// without the log itself. Made from the log, which must match both checkpoints.
pub fn prove_consistency(
    snap: &reckon_ledger::Snapshot<'_>,
    old_text: &str,
    new_text: &str,
) -> Result<String, AuditError> {
    let (old_note, new_note) = (Note::parse(old_text)?, Note::parse(new_text)?);
    let (old, new) = (
        Checkpoint::parse(old_note.text())?,
        Checkpoint::parse(new_note.text())?,
    );
    // One checked pass, holding no leaf: the heads of the ranges RFC 6962's PROOF names, and
    // of the two checkpoints' trees, each made by a frontier as the leaves pass (a log of
    // 10M entries took 652 MB when every leaf was held). A damaged log is refused as such.
    let decl = snap.declaration().map_err(damaged)?;
    let alg = algorithm(decl.as_ref());
    let ranges = reckon_merkle::consistency_ranges(old.size, new.size).unwrap_or_default();
    let (proof, trees, count) = range_heads(snap, alg, &ranges, &[new.size, old.size])?;
    check_pinned(decl.as_ref().map(|d| d.origin.as_str()), &new, None)?;
    expect_origin(&old, &new.origin)?;
    if old.size > new.size {
        return Err(AuditError::Mismatch(format!(
            "the earlier checkpoint holds {} entries and the later {}: give the smaller as --since",
            old.size, new.size
        )));
    }
    for (cp, tree) in [&new, &old].into_iter().zip(trees) {
        match tree {
            None => return Err(shorter(cp.size, count)),
            Some(root) if root != cp.root => return Err(forked(cp.size)),
            Some(_) => {}
        }
    }
    let mut j = json!({
        "format": "reckon-consistency-1",
        "old": old_note.encode(),
        "new": new_note.encode(),
        "consistency": proof.iter().map(|h| base64::encode(h)).collect::<Vec<_>>(),
    });
    if alg != Algorithm::Blake3 {
        j["merkle"] = json!(alg.name());
    }
    Ok(format!(
        "{}\n",
        serde_json::to_string_pretty(&j).unwrap_or_default()
    ))
}

/// What a verified consistency bundle proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consistent {
    /// The log's name.
    pub origin: String,
    /// The earlier checkpoint's size.
    pub from: u64,
    /// The later checkpoint's size.
    pub to: u64,
    /// Who signed the later checkpoint.
    pub signers: Vec<String>,
}

/// What a bundle of either kind proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verified {
    /// An entry is in a checkpoint's tree (`reckon-proof-1`).
    Entry(Proven),
    /// A checkpoint's tree extends another's (`reckon-consistency-1`).
    Extends(Consistent),
}

/// Checks a bundle of either kind, told apart by its `format`.
pub fn verify_any_bundle(
    bundle: &str,
    policy: &Policy,
    origin: Option<&str>,
) -> Result<Verified, AuditError> {
    let v = parse_bundle(bundle)?;
    if v.get("format").and_then(Value::as_str) == Some("reckon-consistency-1") {
        verify_consistency_bundle(&v, policy, origin).map(Verified::Extends)
    } else {
        verify_entry_bundle(&v, policy, origin).map(Verified::Entry)
    }
}

/// Checks a `reckon-consistency-1` bundle: both checkpoints meet the policy and name the same
/// origin (and `origin`, when given), the earlier is no larger, and the consistency proof
/// (at most `2 * ceil(log2(size))` hashes, refused before decoding) leads from the earlier
/// root to the later.
fn verify_consistency_bundle(
    v: &Value,
    policy: &Policy,
    origin: Option<&str>,
) -> Result<Consistent, AuditError> {
    let obj = v
        .as_object()
        .ok_or_else(|| AuditError::Bundle("not a JSON object".into()))?;
    for k in obj.keys() {
        if !["format", "old", "new", "consistency", "merkle"].contains(&k.as_str()) {
            return Err(AuditError::Bundle(format!("unknown field `{k}`")));
        }
    }
    let note_of = |name: &str| -> Result<Note, AuditError> {
        let text = field(v, name)?
            .as_str()
            .ok_or_else(|| AuditError::Bundle(format!("`{name}` must be text")))?;
        Ok(Note::parse(text)?)
    };
    let (new_note, old_note) = (note_of("new")?, note_of("old")?);
    let signers = policy.check(&new_note)?.all();
    policy.check(&old_note)?;
    let (old, new) = (
        Checkpoint::parse(old_note.text())?,
        Checkpoint::parse(new_note.text())?,
    );
    for expected in [origin, policy.origin()].into_iter().flatten() {
        expect_origin(&new, expected)?;
    }
    expect_origin(&old, &new.origin)?;
    let merkle = bundle_merkle(v)?;
    let most = 2 * (u64::BITS - new.size.saturating_sub(1).leading_zeros());
    let proof = bundle_hashes(v, "consistency", most, new.size)?;
    if old.size > new.size {
        return Err(AuditError::Mismatch(format!(
            "the old checkpoint holds {} entries and the new {}: the log shrank (truncated)",
            old.size, new.size
        )));
    }
    if old.size == 0 {
        // Every tree extends the empty one; nothing to prove.
        if !proof.is_empty() {
            return Err(AuditError::Bundle(
                "a proof from an empty tree has no hashes".into(),
            ));
        }
    } else {
        merkle
            .verify_consistency(old.size, new.size, &old.root, &new.root, &proof)
            .map_err(AuditError::Proof)?;
    }
    Ok(Consistent {
        origin: new.origin,
        from: old.size,
        to: new.size,
        signers,
    })
}

/// What `verify --since` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extends {
    /// The checkpoint's size.
    pub from: u64,
    /// The log's size now.
    pub to: u64,
    /// Who signed the checkpoint, when keys were given.
    pub signers: Vec<String>,
}

/// Proves that the log extends the one `note_text` describes: its first entries are exactly
/// those (the head of its first entries, made in the pass that makes its whole head, is the
/// checkpoint's root; no tree is built). The
/// checkpoint must meet `policy` (unless none is given: tree heads alone are compared) and
/// name the log's pinned origin, and `origin` when given.
pub fn since(
    log: &Log,
    note_text: &str,
    policy: Option<&Policy>,
    origin: Option<&str>,
) -> Result<Extends, AuditError> {
    let note = Note::parse(note_text)?;
    let signers = match policy {
        None => Vec::new(),
        Some(p) => p.check(&note)?.all(),
    };
    let cp = Checkpoint::parse(note.text())?;
    // The head of the first entries and of the whole log, made in one pass over the same
    // leaves: the log extends the checkpoint exactly when the first is its root (what a
    // consistency proof between the two heads would show again).
    let h = heads(&log.snapshot()?, Some(cp.size))?;
    check_pinned(h.origin.as_deref(), &cp, origin)?;
    if let Some(o) = policy.and_then(Policy::origin) {
        expect_origin(&cp, o)?;
    }
    check_heads(&cp, &h)?;
    Ok(Extends {
        from: cp.size,
        to: h.size,
        signers,
    })
}
