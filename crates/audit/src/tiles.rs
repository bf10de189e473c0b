//! The log as static files (C2SP `tlog-tiles`), which any web server or CDN can host: a
//! signed checkpoint, the Merkle tree cut into tiles of hashes, and the entries in bundles. A
//! reader audits the directory as a remote client would, with nothing but the verifier keys.
//!
//! The layout, under a directory `DIR`:
//!
//! - `DIR/checkpoint`: the signed checkpoint (as `reckon checkpoint` writes it) of `S` entries.
//! - `DIR/tile/L/N` and `DIR/tile/L/N.p/W`: hash tile `N` of level `L`, holding the roots of
//!   the complete subtrees of `256^L` leaves numbered `256 N` to `256 N + W - 1`, each 32
//!   bytes, concatenated (a full tile holds 256 and has no `.p/W`; the last tile of a level
//!   may be partial, `1 <= W <= 255`). Level 0 holds the leaf hashes. A level is written for
//!   as long as it has a complete node (`S >> 8L > 0`).
//! - `DIR/tile/entries/N` and `DIR/tile/entries/N.p/W`: entry bundle `N`, holding entries
//!   `256 N + 1` to `256 N + W`: each one as a two-byte big-endian length and then the entry's
//!   line without its LF (so a line may hold at most 65,535 bytes).
//!
//! `N` is written in groups of three digits, every group but the last prefixed with `x`:
//! tile 1234067 is `x001/x234/067`, tile 5 is `005`. The tree's hash is the log's (declared
//! by its first entry, blake3 when it declares none); leaf `i` is `H(0x00 || HASH)` of entry
//! `i + 1`, as in a checkpoint.
//!
//! Writing is incremental: tiles that were full at the size of the checkpoint already in the
//! directory are never rewritten, a file whose bytes are already right is left alone, and the
//! checkpoint is written last, so that a reader never sees a checkpoint whose tiles are not
//! there yet. Partial tiles of earlier sizes are left in place (readers of older checkpoints
//! may still want them).
//!
//! This module writes and reads files in the directory it is given and nothing else.

use crate::note::{Note, SignerKey};
use crate::policy::Policy;
use crate::{
    AuditError, Checkpoint, algorithm, check_pinned, damaged, expect_origin, heads_seeing, leaf,
    origin_for,
};
use reckon_claim::{EntryHash, Event, Timestamp};
use reckon_ledger::{GENESIS, Log, decode, decode_header};
use reckon_merkle::{Algorithm, Hash};
use std::io::{BufRead, Read};
use std::path::Path;

/// Hashes (or entries) in a full tile.
pub const WIDTH: u64 = 256;
/// The most bytes one entry of a bundle may hold (its length is two bytes).
pub const MAX_ENTRY: usize = u16::MAX as usize;

/// The path of a tile inside the directory: `tile/L/N[.p/W]`, `L` a level or `entries`.
pub fn tile_path(level: &str, index: u64, width: u64) -> String {
    let mut groups = vec![format!("{:03}", index % 1000)];
    let mut n = index / 1000;
    while n > 0 {
        groups.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    let mut p = format!("tile/{level}/{}", groups.join("/"));
    if width < WIDTH {
        p.push_str(&format!(".p/{width}"));
    }
    p
}

/// The tiles of one level of a tree of `size` leaves: (index, width) each.
fn tiles_of(size: u64, level: u32) -> impl Iterator<Item = (u64, u64)> {
    let nodes = size.checked_shr(8 * level).unwrap_or(0);
    let full = nodes / WIDTH;
    let rest = nodes % WIDTH;
    (0..full)
        .map(|i| (i, WIDTH))
        .chain((rest > 0).then_some((full, rest)))
}

/// The levels a tree of `size` leaves has tiles on.
fn levels(size: u64) -> impl Iterator<Item = u32> {
    (0u32..8).take_while(move |l| size.checked_shr(8 * l).unwrap_or(0) > 0)
}

fn tile_error(path: &str, problem: impl Into<String>) -> AuditError {
    AuditError::Tiles {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

/// What [`write()`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// The size of the checkpoint written.
    pub size: u64,
    /// The size of the checkpoint that was there before, if any.
    pub before: Option<u64>,
    /// Hash tiles written.
    pub hash_tiles: usize,
    /// Entry bundles written.
    pub bundles: usize,
    /// Files that were already right and left alone.
    pub unchanged: usize,
}

/// Writes `bytes` at `dir/rel` unless it already holds exactly them; returns whether it wrote.
fn put(dir: &Path, rel: &str, bytes: &[u8]) -> Result<bool, AuditError> {
    let path = dir.join(rel);
    if std::fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| tile_error(rel, e.to_string()))?;
    }
    reckon_ledger::fsx::write_atomically(&path, bytes)
        .map_err(|e| tile_error(rel, e.to_string()))?;
    Ok(true)
}

/// Writes the log as tiles into `dir` and signs a checkpoint of it with `key` (see the module
/// docs). A checkpoint already in `dir` must describe a prefix of this log: a directory of
/// another log, or of a rewritten one, is refused rather than overwritten.
pub fn write(
    log: &Log,
    dir: &Path,
    key: &SignerKey,
    origin: Option<&str>,
) -> Result<Written, AuditError> {
    write_with(log, dir, Signing::Key(key, origin))
}

/// How the checkpoint of a tiles directory is made.
pub enum Signing<'a> {
    /// Signed afresh with this key, naming the log's pinned origin, else the one given, else
    /// the key's name.
    Key(&'a SignerKey, Option<&'a str>),
    /// A checkpoint already made (and perhaps cosigned by witnesses): published as it is,
    /// after checking that it describes the log as it is now, every entry of it.
    Note(&'a str),
}

/// [`write()`], with the checkpoint made as `signing` says. Two passes over the log, neither
/// holding its tree: the first makes the tree head (and the head of the entries a
/// checkpoint already in `dir` covers) with a frontier, so that the checkpoint is made and
/// the directory checked before any file is written; the second (a read of the lines the
/// first checked) writes each tile and bundle as its leaves and lines pass, one tile a level
/// held (a log of 1M entries took 165 MB when its whole tree was built, 90 MB now).
pub fn write_with(log: &Log, dir: &Path, signing: Signing<'_>) -> Result<Written, AuditError> {
    let snap = log.snapshot()?;
    // A checkpoint already in the directory, for the first pass to make the head of as many
    // entries (what is wrong with it is said below, after the checkpoint to publish).
    let there = std::fs::read_to_string(dir.join("checkpoint"))
        .ok()
        .map(|text| Checkpoint::parse(Note::parse(&text)?.text()));
    let there_size = there
        .as_ref()
        .and_then(|cp| cp.as_ref().ok())
        .map(|cp| cp.size);
    // Where the second pass starts: the first entry of the bundle (and level-0 tile) that
    // holds the entry after those the directory's checkpoint covers. Every tile to write
    // completes after it, and what each level's tile being filled holds there is kept.
    let decl = snap.declaration().map_err(damaged)?;
    let alg = algorithm(decl.as_ref());
    let start = there_size.map_or(0, |s| s / WIDTH * WIDTH);
    let mut dry = Tiler::dry(alg);
    let mut resume = (start == 0).then(|| (Vec::new(), 0u64));
    let h = heads_seeing(&snap, decl, there_size, &mut |l, (offset, _)| {
        if dry.seq == start && resume.is_none() {
            resume = Some((dry.filling.clone(), offset));
        }
        let _ = dry.entry(l, &[]);
    })?;
    let size = h.size;
    // The checkpoint to publish, checked (or made) before any file is written.
    let (origin, note) = match signing {
        Signing::Key(key, stated) => {
            let origin = origin_for(h.origin.as_deref(), stated, key.name())?;
            reckon_claim::LogName::parse(&origin).map_err(AuditError::Checkpoint)?;
            let cp = Checkpoint {
                origin: origin.clone(),
                size,
                root: h.root,
            };
            let mut note = Note::new(&cp.body())?;
            note.sign(key);
            (origin, note)
        }
        Signing::Note(text) => {
            let note = Note::parse(text)?;
            let cp = Checkpoint::parse(note.text())?;
            check_pinned(h.origin.as_deref(), &cp, None)?;
            if cp.size != size || cp.root != h.root {
                return Err(AuditError::Mismatch(format!(
                    "the checkpoint describes {} entries with another tree head than the log's {size}: publish a checkpoint of the log as it is now",
                    cp.size
                )));
            }
            (cp.origin, note)
        }
    };
    let before = match there {
        None => None,
        Some(cp) => {
            let cp = cp?;
            expect_origin(&cp, &origin)?;
            if h.earlier != Some(cp.root) {
                return Err(AuditError::Mismatch(format!(
                    "{}: its checkpoint of {} entries is not of this log's first entries (another log, or this one rewritten or truncated); refusing to write over it",
                    dir.display(),
                    cp.size
                )));
            }
            Some(cp.size)
        }
    };
    let (filling, offset) = resume.unwrap_or_else(|| (dry.filling, snap.len()));
    let mut tiler = Tiler {
        dir: Some(dir),
        alg,
        from: before.unwrap_or(0),
        size,
        filling,
        bundle: Vec::new(),
        seq: start.min(size),
        w: Written {
            size,
            before,
            ..Written::default()
        },
    };
    // The tiles and bundles from there on, from a second read of the same snapshot (held
    // still by its lock): the first pass checked every line, so each line's hash is taken
    // as it stands.
    let mut reader = std::io::BufReader::new(snap.bytes_from(offset));
    let mut line = Vec::new();
    for seq in tiler.seq + 1..=size {
        line.clear();
        reader
            .read_until(b'\n', &mut line)
            .map_err(|e| tile_error("entries", e.to_string()))?;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let hash = text
            .get(..64)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(EntryHash::from_hex)
            .ok_or_else(|| tile_error("entries", format!("entry #{seq} has no hash")))?;
        tiler.entry(leaf(alg, &hash), text)?;
    }
    let w = tiler.finish()?;
    reckon_ledger::fsx::write_atomically(&dir.join("checkpoint"), note.encode().as_bytes())
        .map_err(|e| tile_error("checkpoint", e.to_string()))?;
    Ok(w)
}

/// The second pass of [`write_with`]: each entry's leaf and line as they come, each tile
/// and bundle written when it is complete (and at the end, the partial ones), those full at
/// `from` entries never again.
struct Tiler<'d> {
    /// Where the files go; `None` for a tiler that only keeps the tiles being filled.
    dir: Option<&'d Path>,
    alg: Algorithm,
    /// The size of the checkpoint the directory held.
    from: u64,
    /// The size of the tree being written.
    size: u64,
    /// For each level, the nodes of the tile being filled (and the tile's index).
    filling: Vec<(u64, Vec<Hash>)>,
    /// The lines of the bundle being filled, each after its length.
    bundle: Vec<u8>,
    /// The entries seen.
    seq: u64,
    w: Written,
}

impl Tiler<'_> {
    /// A tiler that writes nothing: what each level's tile being filled holds, entry by
    /// entry, for the writing one to start from.
    fn dry(alg: Algorithm) -> Tiler<'static> {
        Tiler {
            dir: None,
            alg,
            from: 0,
            size: u64::MAX,
            filling: Vec::new(),
            bundle: Vec::new(),
            seq: 0,
            w: Written::default(),
        }
    }

    /// Takes the next entry: its leaf, and its line.
    fn entry(&mut self, leaf: Hash, line: &[u8]) -> Result<(), AuditError> {
        self.seq += 1;
        let seq = self.seq;
        if seq > self.size {
            return Ok(());
        }
        self.node(0, leaf)?;
        let index = (seq - 1) / WIDTH;
        let Some(dir) = self.dir.filter(|_| index >= self.from / WIDTH) else {
            return Ok(());
        };
        if line.len() > MAX_ENTRY {
            return Err(AuditError::Mismatch(format!(
                "entry #{seq} is {} bytes; an entry bundle holds entries of at most {MAX_ENTRY} bytes (C2SP tlog-tiles), so this log cannot be written as tiles",
                line.len()
            )));
        }
        self.bundle
            .extend_from_slice(&(line.len() as u16).to_be_bytes());
        self.bundle.extend_from_slice(line);
        let count = (seq - 1) % WIDTH + 1;
        if count == WIDTH || seq == self.size {
            let rel = tile_path("entries", index, count);
            self.count(put(dir, &rel, &self.bundle)?, true);
            self.bundle.clear();
        }
        Ok(())
    }

    /// Adds a node to the tile being filled on `level`; a full tile is written (unless it was
    /// full at `from`) and its root joins the level above.
    fn node(&mut self, level: usize, node: Hash) -> Result<(), AuditError> {
        if self.filling.len() <= level {
            self.filling.push((0, Vec::new()));
        }
        let (index, nodes) = &mut self.filling[level];
        nodes.push(node);
        if nodes.len() < WIDTH as usize {
            return Ok(());
        }
        let full = std::mem::take(nodes);
        let at = *index;
        *index += 1;
        self.tile(level, at, &full)?;
        let root = reckon_merkle::root_of(self.alg, &full);
        self.node(level + 1, root)
    }

    /// Writes tile `index` of `level`, holding `nodes`, unless it was full at `from`.
    fn tile(&mut self, level: usize, index: u64, nodes: &[Hash]) -> Result<(), AuditError> {
        let first = self.from.checked_shr(8 * level as u32).unwrap_or(0) / WIDTH;
        let Some(dir) = self.dir.filter(|_| index >= first) else {
            return Ok(());
        };
        let rel = tile_path(&level.to_string(), index, nodes.len() as u64);
        let written = put(dir, &rel, &nodes.concat())?;
        self.count(written, false);
        Ok(())
    }

    fn count(&mut self, written: bool, bundle: bool) {
        match (written, bundle) {
            (true, true) => self.w.bundles += 1,
            (true, false) => self.w.hash_tiles += 1,
            (false, _) => self.w.unchanged += 1,
        }
    }

    /// The partial tile of each level that has one, written; what was written.
    fn finish(mut self) -> Result<Written, AuditError> {
        for level in levels(self.size) {
            let level = level as usize;
            let Some((index, nodes)) = self.filling.get_mut(level).map(std::mem::take) else {
                continue;
            };
            if !nodes.is_empty() {
                self.tile(level, index, &nodes)?;
            }
        }
        Ok(self.w)
    }
}

/// What [`verify`] established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audited {
    /// The log's name.
    pub origin: String,
    /// Entries in the checkpoint.
    pub size: u64,
    /// The tree's hash.
    pub merkle: Algorithm,
    /// Who signed the checkpoint.
    pub signers: Vec<String>,
    /// Files read (tiles and bundles).
    pub files: usize,
    /// The size of the earlier checkpoint the directory was shown to extend, if one was given.
    pub extends: Option<u64>,
}

/// Reads one file of the directory, refusing one longer than `most` bytes.
fn read_file(dir: &Path, rel: &str, most: u64) -> Result<Vec<u8>, AuditError> {
    let file = std::fs::File::open(dir.join(rel)).map_err(|e| {
        tile_error(
            rel,
            if e.kind() == std::io::ErrorKind::NotFound {
                "missing".to_owned()
            } else {
                e.to_string()
            },
        )
    })?;
    let mut bytes = Vec::new();
    file.take(most + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| tile_error(rel, e.to_string()))?;
    if bytes.len() as u64 > most {
        return Err(tile_error(rel, format!("longer than {most} bytes")));
    }
    Ok(bytes)
}

/// Audits a tiles directory as a remote reader would: the checkpoint meets `policy` and names
/// `origin` (when given); every entry's line hashes to its stated hash, follows the one before
/// (sequence, link, time) and is the leaf the level-0 tiles hold; every higher tile holds the
/// roots of the complete subtrees below it; the tree head is the checkpoint's. With `since`
/// (an earlier signed checkpoint), also that the directory's tree extends it.
pub fn verify(
    dir: &Path,
    policy: &Policy,
    origin: Option<&str>,
    since: Option<&str>,
) -> Result<Audited, AuditError> {
    let text = read_file(dir, "checkpoint", crate::note::MAX_NOTE_BYTES as u64)?;
    let text = String::from_utf8(text).map_err(|_| tile_error("checkpoint", "not UTF-8"))?;
    let note = Note::parse(&text)?;
    let signers = policy.check(&note)?.all();
    let cp = Checkpoint::parse(note.text())?;
    for expected in [origin, policy.origin()].into_iter().flatten() {
        expect_origin(&cp, expected)?;
    }
    let size = cp.size;
    let mut files = 0;
    // The entries, bundle by bundle: each line checked and chained, its hash kept.
    let mut hashes: Vec<EntryHash> = Vec::new();
    let (mut prev, mut last_at): (EntryHash, Option<Timestamp>) = (GENESIS, None);
    let mut merkle = Algorithm::Blake3;
    for (index, width) in tiles_of(size, 0) {
        let rel = tile_path("entries", index, width);
        let bytes = read_file(dir, &rel, width * (2 + MAX_ENTRY as u64))?;
        files += 1;
        let mut rest = &bytes[..];
        for k in 0..width {
            let seq = index * WIDTH + k + 1;
            let bad = |m: String| tile_error(&rel, format!("entry #{seq}: {m}"));
            let (len, after) = rest
                .split_first_chunk::<2>()
                .ok_or_else(|| bad("the bundle ends before it".into()))?;
            let len = u16::from_be_bytes(*len) as usize;
            let line = after
                .get(..len)
                .ok_or_else(|| bad("the bundle ends inside it".into()))?;
            rest = &after[len..];
            let h = decode_header(line).map_err(|p| bad(p.to_string()))?;
            if h.seq != seq {
                return Err(bad(format!("its line says #{}", h.seq)));
            }
            if h.prev != prev {
                return Err(bad("its prev is not the hash of the entry before".into()));
            }
            if last_at.is_some_and(|t| h.at < t) {
                return Err(bad("recorded earlier than the entry before".into()));
            }
            if seq == 1 {
                let e = decode(line).map_err(|p| bad(p.to_string()))?;
                let decl = match &e.event {
                    Event::Log(d) => Some(d),
                    _ => None,
                };
                if let Some(d) = decl {
                    expect_origin(&cp, d.origin.as_str())?;
                }
                merkle = algorithm(decl);
            }
            prev = h.hash;
            last_at = Some(h.at);
            hashes.push(h.hash);
        }
        if !rest.is_empty() {
            return Err(tile_error(
                &rel,
                format!("{} bytes after its {width} entries", rest.len()),
            ));
        }
    }
    let tree = crate::tree_of_hashes(merkle, &hashes);
    // Every hash tile, level 0 included, against the tree the entries make.
    for level in levels(size) {
        let nodes = tree.complete(8 * level);
        for (index, width) in tiles_of(size, level) {
            let rel = tile_path(&level.to_string(), index, width);
            let bytes = read_file(dir, &rel, width * 32)?;
            files += 1;
            if bytes.len() as u64 != width * 32 {
                return Err(tile_error(
                    &rel,
                    format!(
                        "{} bytes; a tile of {width} hashes has {}",
                        bytes.len(),
                        width * 32
                    ),
                ));
            }
            let lo = (index * WIDTH) as usize;
            for (k, got) in bytes.chunks_exact(32).enumerate() {
                if got != nodes[lo + k] {
                    let what = if level == 0 {
                        format!("the leaf of entry #{}", lo + k + 1)
                    } else {
                        format!("hash {k}")
                    };
                    return Err(tile_error(
                        &rel,
                        format!("{what} is not what the entries below it make"),
                    ));
                }
            }
        }
    }
    if tree.root() != cp.root {
        return Err(AuditError::Mismatch(format!(
            "the tiles' tree head of {size} entries is not the checkpoint's root"
        )));
    }
    let extends = match since {
        None => None,
        Some(old_text) => {
            let old_note = Note::parse(old_text)?;
            policy.check(&old_note)?;
            let old = Checkpoint::parse(old_note.text())?;
            expect_origin(&old, &cp.origin)?;
            // The same check as `verify --since`: the old root is that of a prefix.
            crate::check_same(&old, &tree)?;
            Some(old.size)
        }
    };
    Ok(Audited {
        origin: cp.origin,
        size,
        merkle,
        signers,
        files,
        extends,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C2SP's examples: groups of three digits, `x` on all but the last, `.p/W` when partial.
    #[test]
    fn tile_paths_follow_the_spec() {
        assert_eq!(tile_path("0", 1234067, 256), "tile/0/x001/x234/067");
        assert_eq!(tile_path("1", 5, 256), "tile/1/005");
        assert_eq!(tile_path("entries", 0, 17), "tile/entries/000.p/17");
        assert_eq!(tile_path("2", 1000, 3), "tile/2/x001/000.p/3");
    }

    /// The tiles written as the leaves pass hold what the whole tree's levels hold, on every
    /// level (three here: 65,536 leaves make a node of level 2), full and partial; those
    /// full at an earlier size are not written again, and every bundle holds its lines.
    #[test]
    fn tiles_written_as_the_leaves_pass_are_the_whole_trees_levels() {
        let dir = std::env::temp_dir().join(format!("reckon-tiler-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let alg = Algorithm::Blake3;
        let size = 65_536 + 3 * 256 + 17;
        let leaves: Vec<Hash> = (0..size)
            .map(|i: u64| alg.leaf_hash(&i.to_le_bytes()))
            .collect();
        let line = |i: u64| format!("line {i}").into_bytes();
        let write = |from: u64| {
            let mut t = Tiler {
                dir: Some(&dir),
                alg,
                from,
                size,
                filling: Vec::new(),
                bundle: Vec::new(),
                seq: 0,
                w: Written::default(),
            };
            for (i, l) in leaves.iter().enumerate() {
                t.entry(*l, &line(i as u64)).unwrap();
            }
            t.finish().unwrap()
        };
        let w = write(0);
        let tree = alg.tree(leaves.clone());
        let mut files = 0;
        for level in levels(size) {
            let nodes = tree.complete(8 * level);
            for (index, width) in tiles_of(size, level) {
                let rel = tile_path(&level.to_string(), index, width);
                let lo = (index * WIDTH) as usize;
                let want = nodes[lo..lo + width as usize].concat();
                assert!(std::fs::read(dir.join(&rel)).unwrap() == want, "{rel}");
                files += 1;
            }
        }
        assert_eq!(levels(size).count(), 3);
        assert_eq!((w.hash_tiles, files), (files, 260 + 2 + 1));
        for (index, width) in tiles_of(size, 0) {
            let rel = tile_path("entries", index, width);
            let want: Vec<u8> = (index * WIDTH..index * WIDTH + width)
                .flat_map(|i| {
                    let l = line(i);
                    [(l.len() as u16).to_be_bytes().to_vec(), l].concat()
                })
                .collect();
            assert!(std::fs::read(dir.join(&rel)).unwrap() == want, "{rel}");
        }
        // From a checkpoint of 65,536 + 256 entries: the tiles full then are left alone.
        std::fs::write(dir.join(tile_path("0", 3, 256)), b"stale").unwrap();
        let again = write(65_536 + 256);
        assert_eq!(
            std::fs::read(dir.join(tile_path("0", 3, 256))).unwrap(),
            b"stale"
        );
        // Level 0: tiles 257 and 258 and the partial 259; level 1: its partial tile 1 (its
        // tile 0 was full at that size); level 2: its one, partial, tile; the bundles as
        // level 0. Every one of them already right.
        assert_eq!(
            (again.hash_tiles, again.bundles, again.unchanged),
            (0, 0, 5 + 3)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A level holds `size >> 8L` nodes: full tiles, then one partial tile for the rest.
    #[test]
    fn tiles_cover_the_complete_nodes_of_each_level() {
        let t: Vec<(u64, u64)> = tiles_of(600, 0).collect();
        assert_eq!(t, vec![(0, 256), (1, 256), (2, 88)]);
        let t: Vec<(u64, u64)> = tiles_of(600, 1).collect();
        assert_eq!(t, vec![(0, 2)]);
        assert_eq!(levels(600).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(levels(65_536).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(levels(0).count(), 0);
        assert_eq!(tiles_of(256, 0).collect::<Vec<_>>(), vec![(0, 256)]);
    }
}
