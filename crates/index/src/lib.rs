//! A saved, disposable index of a log, so that a question about a few subjects does not read
//! the whole log: where each subject's claims are in the entries file, where the other events
//! are, and, once a question about figures or a reconciliation of the whole log has needed
//! them, every origin's reliability record (which breaks ties and needs the whole log). Beside it, the folded snapshot ([`folded`]):
//! every entry as the reconciler's lean fold reads it, so that a reconciliation decodes only
//! the entries appended since the last one. Both are caches under the same rules; neither is
//! ever believed over the log.
//!
//! # Where it lives, and why it can be believed
//!
//! The log directory is what is audited: it travels in repositories and pull requests, and
//! anything in it but `entries.jsonl` and `head` may have been written by someone else. So the
//! index is **not** kept there: it lives in the user's cache directory (`RECKON_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/reckon`, else `~/.cache/reckon`; with none of them, nothing is saved; a
//! program may name another for itself, [`cache_in`]), in a file named after the log
//! directory's canonical path. That directory is as trusted as the `reckon` binary itself:
//! whoever can write there can replace the program too.
//!
//! It is made only from a log that passed a whole check (shape, hash and link of every line,
//! and the head file), and it is bound to the entries file as the file system describes it
//! then: device, inode, length, and the modification and change times ([`Stamp`]). Any write
//! to the file, and any replacement of it, moves the change time, which the kernel sets and no
//! user can set back; so [`Index::open`] refuses an index whose stamp or committed head differs
//! (unless the stamp moved only by appends reckon recorded, see [`appends`]: the index is then
//! brought forward by reading and checking only their lines), and the question is answered by
//! a whole read, which refuses a damaged log. An index made
//! within the file system's clock resolution of the last change is not saved (a write in the
//! same tick could leave the stamp as it was). The folded snapshot may also be brought forward
//! over the appends reckon recorded in the cache as it made them ([`appends`]): the file's
//! stamp before and after each, taken under the append's lock. Every entry read through the index is still
//! decoded and re-hashed, and consecutive entries must link. A damaged index file fails its
//! checksum where it is read (the header always, a block of spans when a question reads it),
//! and every count in it is checked against the bytes that remain before anything is
//! allocated. So the index can make an answer faster, never different. For the same reason
//! both files are written without waiting for the disk (a temporary file renamed into place,
//! never synced: [`reckon_ledger::fsx::Staged::commit_unsynced`]): a machine that crashes
//! soon after may leave an old, empty or damaged file, which fails its check or its stamp
//! and is made again.
//!
//! File format (little-endian): the magic `reckon-index 7\n`; the header's length (u64); the
//! header: the entries file's stamp (56 bytes, see [`Stamp::to_bytes`]), head sequence number
//! (u64) and head hash (32 bytes), one byte (the version of the fit that learned the origin
//! records, [`reckon_reconcile::RECORDS_VERSION`], or 0 when they were not computed: records
//! of another version are read as not computed, and learned again), the origin records (u32
//! count, then per origin a u32-length-prefixed name, three u32: agreed, contested, backed,
//! and three f64 as their IEEE bits: learned accuracy, copying rate and the prior the
//! accuracy was smoothed toward), the other events (u32
//! count of (u64 offset, u32 length)), the number of spans (u64), the directory's blocks (u32 count, then per block its first subject's
//! u32-length-prefixed name, the number of spans before that subject's (u64), how many
//! subjects it lists (u32), its length in bytes (u32) and its blake3), the span area's
//! block hashes (u32 count, 32 bytes each), and the hash area's description (a byte, 0 when
//! there is none; else the number of entries it lists (u64), then its blocks (u32 count,
//! each its first place (u64) and blake3)); the blake3 of everything so far. Then the body:
//! the directory's blocks back to back, each listing its subjects in name order (a
//! u32-length-prefixed name and the count of its spans, u32; each subject's spans follow the
//! one before's), up to 65,532 bytes a block (more only for one subject of a longer name);
//! then the span area: every subject's (u64 offset, u32 length) spans, 12 bytes each, checked
//! in blocks of 65,532 bytes (5,461 spans), each against its blake3 in the header; then the
//! hash area, when there is one: every entry's place, 8 bytes (the first four bytes of its
//! hash, big-endian, in the high half of a u64, its number in the low half; a log of more
//! entries than a u32 numbers lists none), in order, in blocks of 8,190, each checked against
//! its blake3. The hash area is made when a question first looks an entry up by its hash
//! (`show 4b61…`, `provenance 4b61…`), from a pass of its own, and kept from then on: a build
//! never makes one, so a first reconciliation's memory is not grown by it. A question
//! reads the header, binary-searches the blocks' first names, and reads and checks only the
//! directory blocks and span blocks of the subjects it names (the header of an index of 1M
//! subjects and 10M claims is under 100 KB).

pub mod appends;
pub mod folded;

use reckon_claim::{EntryHash, Event, Subject};
use reckon_ledger::{Entry, Head, LedgerError, Log, Snapshot, Stamp, decode};
use reckon_reconcile::fx::FxBuild;
use reckon_reconcile::state::Lean;
use reckon_reconcile::{Record, Records, State};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

const MAGIC: &[u8] = b"reckon-index 7\n";

/// Bytes in a block of the span area (a whole number of 12-byte spans); the most in a block
/// of the directory, but for a block of one subject whose name is longer.
const BLOCK: usize = 12 * 5461;

/// Entries in a block of the hash area: 8,190 of 8 bytes (65,520).
const KEYS_PER_BLOCK: usize = 8190;

/// Where one entry's line is in the entries file (without its newline).
type Span = (u64, u32);

/// An entry in the hash area: the first four bytes of its hash, read as a big-endian number
/// (so that numbers sort as the hashes' hex digits do), in the high half, and its number in
/// the low half. A log of more entries than a `u32` numbers has no hash area.
type Keyed = u64;

/// Entry `seq`'s place in the hash area, for its hash `h`.
fn keyed(h: &EntryHash, seq: u64) -> Keyed {
    let mut first = [0u8; 4];
    first.copy_from_slice(&h.0[..4]);
    u64::from(u32::from_be_bytes(first)) << 32 | (seq & u64::from(u32::MAX))
}

/// Whether a log whose last entry is `seq` has a hash area.
fn has_keys(seq: u64) -> bool {
    seq <= u64::from(u32::MAX)
}

/// `keyed` in the hash area's order: by key, then by number.
fn sorted_keys(mut keyed: Vec<Keyed>) -> Vec<Keyed> {
    keyed.sort_unstable();
    keyed
}

/// The places in the hash area of every hash that starts with the hex digits `prefix`
/// (lowercase): the lowest and the highest, from its first eight digits. `None` when it is
/// empty, longer than a hash, or not hex.
fn key_range(prefix: &str) -> Option<(Keyed, Keyed)> {
    if prefix.is_empty() || prefix.len() > 64 {
        return None;
    }
    let digits = prefix.get(..prefix.len().min(8))?;
    if !digits
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let pad = |with: char| {
        let full: String = digits
            .chars()
            .chain(std::iter::repeat(with))
            .take(8)
            .collect();
        u32::from_str_radix(&full, 16).ok().map(u64::from)
    };
    Some((pad('0')? << 32, pad('f')? << 32 | u64::from(u32::MAX)))
}

/// A loaded index: its header only. The subjects are read from the directory, and their
/// spans from the span area, a checked block at a time, only when a question names them: so
/// opening it reads under 100 KB for a log of a million subjects and ten million claims.
#[derive(Debug, PartialEq)]
pub struct Index {
    stamp: Stamp,
    head: Head,
    /// Origin records, when the question that made the index needed them.
    records: Option<Records>,
    others: Vec<Span>,
    /// The header's bytes.
    header: Vec<u8>,
    /// Where in `header` what follows the origin records begins.
    after_records: usize,
    /// The directory's blocks, in name order.
    dir: Vec<DirBlock>,
    /// How many bytes the directory's blocks take (the span area follows them).
    dir_len: u64,
    /// How many spans the span area holds.
    spans: u64,
    /// The blake3 of each block of the span area.
    blocks: Vec<[u8; 32]>,
    /// Whether the index has a hash area: made when a question first looks an entry up by
    /// its hash ([`Index::with_hash_area`]), never by a build (a first reconciliation's
    /// memory is not grown by a key an entry), then kept and brought forward with the rest.
    keyed: bool,
    /// How many entries the hash area lists (every entry of the log, in key order).
    keys: u64,
    /// Each block of the hash area: its first key and its blake3.
    key_blocks: Vec<(u64, [u8; 32])>,
    /// Where in `header` the hash area's description begins.
    keys_at: usize,
    area: Area,
    /// How many entries it was brought forward over when it was opened (see
    /// [`Index::open`]); `None` when it was made for the log as it is.
    appended: Option<u64>,
}

/// One block of the subject directory, as the header describes it: its first subject's name
/// (offset and length in the header), where its bytes are (from the start of the body, the
/// directory's blocks then the span area) and how many, how many subjects it lists, the
/// number of spans before its first subject's, and its blake3.
#[derive(Clone, Copy, Debug, PartialEq)]
struct DirBlock {
    first: (usize, usize),
    at: u64,
    len: u32,
    subjects: u32,
    first_span: u64,
    hash: [u8; 32],
}

/// One subject, as a directory block lists it: its name and its spans (the number of spans
/// before them in the span area, and their count).
#[derive(Clone, Debug, PartialEq)]
struct Dir {
    name: String,
    spans: (u64, u64),
}

/// The directory blocks one question has read, by block number.
type Listed = HashMap<usize, Vec<Dir>>;

/// The body after the header (the directory's blocks, then the span area): in memory (an
/// index just made) or in the index file, read as needed.
#[derive(Debug)]
enum Area {
    Memory(Vec<u8>),
    File { file: std::fs::File, at: u64 },
}

impl PartialEq for Area {
    fn eq(&self, other: &Area) -> bool {
        matches!((self, other), (Area::Memory(a), Area::Memory(b)) if a == b)
    }
}

impl Area {
    /// The `len` bytes at `from` (from the start of the body), checked against `hash`.
    fn read(&self, from: u64, len: usize, hash: &[u8; 32]) -> Option<Vec<u8>> {
        let bytes = match self {
            Area::Memory(m) => {
                let from = usize::try_from(from).ok()?;
                m.get(from..from.checked_add(len)?)?.to_vec()
            }
            Area::File { file, at } => {
                use std::os::unix::fs::FileExt;
                let mut buf = vec![0u8; len];
                file.read_exact_at(&mut buf, at.checked_add(from)?).ok()?;
                buf
            }
        };
        (blake3::hash(&bytes).as_bytes() == hash).then_some(bytes)
    }
}

/// Why an index could not be used (the caller reads the whole log instead).
#[derive(Debug)]
pub enum Stale {
    /// No index file, or it cannot be read.
    Missing,
    /// It was made for another state of the log, or is damaged.
    Mismatch(String),
    /// The log itself could not be read.
    Log(LedgerError),
}

/// Where the saved index of `log` lives, if the user has a cache directory.
pub fn cache_path(log: &Log) -> Option<PathBuf> {
    cache_file(log, "index")
}

/// The folder [`cache_in`] gave this process, if any.
static CACHE_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Keeps every saved index, snapshot and record of appends that this process makes or reads
/// in `dir`, whatever the environment says: for a program that asks its questions in process
/// of logs of its own (a test, a fuzz target), whose caches must not land in the user's
/// cache directory. The first call decides; `false` when an earlier one gave another folder
/// (which stays).
pub fn cache_in(dir: PathBuf) -> bool {
    let given = CACHE_DIR.get_or_init(|| dir.clone());
    *given == dir
}

/// Where the cache file of kind `kind` (`index`, `fold`) for `log` lives, if the user has a
/// cache directory (or the process was given one, [`cache_in`]): named after the log
/// directory's canonical path.
pub(crate) fn cache_file(log: &Log, kind: &str) -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = CACHE_DIR
        .get()
        .cloned()
        .or_else(|| env("RECKON_CACHE_DIR"))
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("reckon")))
        .or_else(|| env("HOME").map(|d| d.join(".cache/reckon")))?;
    let log_dir = std::fs::canonicalize(log.dir()).ok()?;
    let key = blake3::hash(log_dir.as_os_str().as_encoded_bytes()).to_hex();
    Some(dir.join(format!("{kind}-{}", &key[..32])))
}

fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
}

/// Whether a cache made from `snap` with `stamp` may be saved: the entries file is still as
/// `stamp` says (the snapshot's lock holds it still) and was not changed so recently that a
/// change in the same tick of the file system's clock could go unseen.
pub(crate) fn may_save(snap: &Snapshot<'_>, stamp: Stamp) -> bool {
    snap.stamp().ok() == Some(stamp) && stamp.len == snap.len() && !stamp.racy(now_ns())
}

/// Writes the cache file at `path` whole, held as runs of bytes written one after the other,
/// its folder made when missing. A failure is ignored: it is only a cache.
pub(crate) fn write_cache_at(path: &std::path::Path, parts: &[&[u8]]) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // Disposable and checked wherever it is read: not synced to the disk (see
    // `Staged::commit_unsynced`).
    let _ = reckon_ledger::fsx::write_cache_parts(path, parts);
}

/// Saves the index if the log is still exactly as it was when the index was made (see
/// [`may_save`]).
fn save(snap: &Snapshot<'_>, index: &Index) {
    let Area::Memory(area) = &index.area else {
        return;
    };
    if may_save(snap, index.stamp)
        && let Some(path) = cache_file(snap.log(), "index")
    {
        // Written from where its parts are, never copied into one buffer first.
        let len = (index.header.len() as u64).to_le_bytes();
        let sum = header_sum(&index.header);
        write_cache_at(&path, &[MAGIC, &len, &index.header, &sum, area]);
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    /// Bytes stored with a u32 length before them.
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A probability stored as f64 bits; anything outside [0, 1] (or not a number) is refused.
    fn unit(&mut self) -> Option<f64> {
        let x = f64::from_bits(self.u64()?);
        (0.0..=1.0).contains(&x).then_some(x)
    }
    fn text(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    /// A count of items of at least `size` bytes each, refused when the bytes left cannot
    /// hold that many (so a forged count never makes a huge allocation).
    fn count(&mut self, size: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(size)? <= self.0.len()).then_some(n)
    }
    fn spans(&mut self) -> Option<Vec<Span>> {
        let n = self.count(12)?;
        (0..n).map(|_| Some((self.u64()?, self.u32()?))).collect()
    }
}

/// Spans stored back to back, 12 bytes each.
fn spans_in(bytes: &[u8]) -> Vec<Span> {
    bytes
        .chunks_exact(12)
        .map(|c| {
            let (o, l) = c.split_at(8);
            (
                u64::from_le_bytes(o.try_into().unwrap_or_default()),
                u32::from_le_bytes(l.try_into().unwrap_or_default()),
            )
        })
        .collect()
}

/// The index file's header and body: the directory's blocks, then the span area (see the
/// crate docs).
fn encode(
    stamp: Stamp,
    head: Head,
    records: Option<&Records>,
    others: &[Span],
    (subjects, spans): (&[(String, usize, usize)], &[Span]),
    keyed: Option<&[Keyed]>,
) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    out.extend_from_slice(&stamp.to_bytes());
    out.extend_from_slice(&head.seq.to_le_bytes());
    out.extend_from_slice(&head.hash.0);
    put_records(&mut out, records);
    put_spans(&mut out, others);
    // The directory, cut into blocks of at most BLOCK bytes (or one subject), each described
    // in the header by its first name, its first span, its count of subjects and its length.
    let mut listing = Vec::new();
    let mut made: Vec<(&str, u64, u32, usize)> = Vec::new();
    let mut area = Vec::with_capacity(12 * spans.len());
    for (s, from, to) in subjects {
        let size = 8 + s.len();
        match made.last_mut() {
            Some(b) if listing.len() - b.3 + size <= BLOCK => b.2 += 1,
            _ => made.push((s, (area.len() / 12) as u64, 1, listing.len())),
        }
        put_text(&mut listing, s);
        listing.extend_from_slice(&((to - from) as u32).to_le_bytes());
        for (o, l) in &spans[*from..*to] {
            area.extend_from_slice(&o.to_le_bytes());
            area.extend_from_slice(&l.to_le_bytes());
        }
    }
    out.extend_from_slice(&((area.len() / 12) as u64).to_le_bytes());
    out.extend_from_slice(&(made.len() as u32).to_le_bytes());
    for (k, (first, first_span, count, start)) in made.iter().enumerate() {
        let end = made.get(k + 1).map_or(listing.len(), |next| next.3);
        put_text(&mut out, first);
        out.extend_from_slice(&first_span.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&((end - start) as u32).to_le_bytes());
        out.extend_from_slice(blake3::hash(&listing[*start..end]).as_bytes());
    }
    let blocks: Vec<&[u8]> = area.chunks(BLOCK).collect();
    out.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
    for b in blocks {
        out.extend_from_slice(blake3::hash(b).as_bytes());
    }
    listing.extend_from_slice(&area);
    put_keys(&mut out, &mut listing, head, keyed);
    (out, listing)
}

/// The hash area, when there is one: a byte (0 none, 1 one follows), then every entry's place
/// (see `Keyed`), in order, in blocks described in the header (after `out`) by their first
/// place and blake3, their bytes after `listing`. A log too long to number that way has an
/// empty one.
fn put_keys(out: &mut Vec<u8>, listing: &mut Vec<u8>, head: Head, keyed: Option<&[Keyed]>) {
    let Some(keyed) = keyed else {
        out.push(0);
        return;
    };
    out.push(1);
    let keyed = if has_keys(head.seq) { keyed } else { &[] };
    out.extend_from_slice(&(keyed.len() as u64).to_le_bytes());
    out.extend_from_slice(&(keyed.len().div_ceil(KEYS_PER_BLOCK) as u32).to_le_bytes());
    let from = listing.len();
    for k in keyed {
        listing.extend_from_slice(&k.to_le_bytes());
    }
    for (block, bytes) in keyed
        .chunks(KEYS_PER_BLOCK)
        .zip(listing[from..].chunks(8 * KEYS_PER_BLOCK))
    {
        out.extend_from_slice(&block[0].to_le_bytes());
        out.extend_from_slice(blake3::hash(bytes).as_bytes());
    }
}

/// Whether the origin records follow (a byte: the version of the fit that learned them, or
/// 0), and the records (none when they do not).
fn put_records(out: &mut Vec<u8>, records: Option<&Records>) {
    out.push(if records.is_some() {
        reckon_reconcile::RECORDS_VERSION
    } else {
        0
    });
    let none = Records::new();
    let records = records.unwrap_or(&none);
    out.extend_from_slice(&(records.len() as u32).to_le_bytes());
    for (name, r) in records {
        put_text(out, name);
        out.extend_from_slice(&r.agreed.to_le_bytes());
        out.extend_from_slice(&r.contested.to_le_bytes());
        out.extend_from_slice(&r.backed.to_le_bytes());
        out.extend_from_slice(&r.learned.accuracy.to_bits().to_le_bytes());
        out.extend_from_slice(&r.learned.copying.to_bits().to_le_bytes());
        out.extend_from_slice(&r.prior.to_bits().to_le_bytes());
    }
}

/// Where the header's records start: after the stamp (56 bytes), the head's number (8) and
/// its hash (32).
const RECORDS_AT: usize = 56 + 8 + 32;

/// The blake3 that closes the header: of the magic, the header's length and the header.
fn header_sum(header: &[u8]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(MAGIC);
    h.update(&(header.len() as u64).to_le_bytes());
    h.update(header);
    *h.finalize().as_bytes()
}

fn put_text(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_spans(out: &mut Vec<u8>, spans: &[Span]) {
    out.extend_from_slice(&(spans.len() as u32).to_le_bytes());
    for (o, l) in spans {
        out.extend_from_slice(&o.to_le_bytes());
        out.extend_from_slice(&l.to_le_bytes());
    }
}

impl Index {
    /// Builds the index of `entries` and their line `spans` (all of the snapshot's, read in
    /// one checked pass: [`Snapshot::entries_with_spans`]), with the whole log's origin
    /// `records` when they were computed, and saves it in the cache. Failing to save it is not
    /// an error: it is only a cache.
    pub fn build(
        snap: &Snapshot<'_>,
        (entries, spans): (&[Entry], &[(u64, u32)]),
        records: Option<Records>,
    ) -> Option<Index> {
        let head = Head::after(entries);
        let stamp = snap.stamp().ok()?;
        if spans.len() != entries.len() || stamp.len != snap.len() {
            return None;
        }
        let aliases = alias_map(entries.iter());
        let mut by_subject: HashMap<&str, Vec<Span>> = HashMap::new();
        let mut others = Vec::new();
        let corrections = entries
            .iter()
            .any(|e| matches!(&e.event, Event::Claim(c) if c.supersedes.is_some()));
        let by_hash: HashMap<EntryHash, usize> = if corrections {
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.hash, i))
                .collect()
        } else {
            HashMap::new()
        };
        for (i, e) in entries.iter().enumerate() {
            match &e.event {
                Event::Claim(c) => {
                    by_subject
                        .entry(resolve(&aliases, c.subject.as_str()))
                        .or_default()
                        .push(spans[i]);
                    // A correction is read with the claim it corrects, wherever it is filed.
                    if let Some(j) = c.supersedes.as_ref().and_then(|h| by_hash.get(h))
                        && let Event::Claim(old) = &entries[*j].event
                    {
                        let old_subject = resolve(&aliases, old.subject.as_str());
                        if old_subject != resolve(&aliases, c.subject.as_str()) {
                            by_subject.entry(old_subject).or_default().push(spans[i]);
                        }
                    }
                }
                _ => others.push(spans[i]),
            }
        }
        let (subjects, all) = assemble(by_subject.into_iter().map(|(k, v)| (k.to_owned(), v)));
        Layout {
            head,
            others,
            subjects,
            all,
        }
        .finish(snap, stamp, records)
    }

    /// Builds the index in one pass at the speed of `verify`: every line's shape, hash and
    /// link are checked, but claims are not decoded (their subject is read from the fixed
    /// start of the event, `{"type":"claim","subject":"…"`). The index holds the origin
    /// `records` given, which must have been learned from the same snapshot. `None` when the
    /// log is not exactly as committed (a full read then says what is wrong).
    pub fn build_fast(snap: &Snapshot<'_>, records: Option<Records>) -> Option<Index> {
        let stamp = snap.stamp().ok()?;
        // The snapshot's one checked pass (shape, hash and link of every line, and the head
        // file, on all cores) hands each line to `classify`, and each checked piece of them
        // is laid out as it comes: what is kept of a line is its subject's number, its span
        // and, for a claim, its hash, never the line.
        let mut layout = Lines::default();
        let mut hashes = Vec::new();
        let mut unread = false;
        let head = snap
            .visit_each(&classify, &mut |piece| {
                for line in piece {
                    let Some(l) = line else {
                        unread = true;
                        return std::ops::ControlFlow::Break(());
                    };
                    if let Kind::Claim(..) = l.kind {
                        hashes.push(l.hash);
                    }
                    layout.add(l);
                }
                std::ops::ControlFlow::Continue(())
            })
            .ok()??;
        if unread {
            return None;
        }
        layout
            .layout(head, |i| hashes.get(i).copied())
            .finish(snap, stamp, records)
    }

    /// Reads a header (its checksum already checked) and pairs it with its span area.
    fn from_parts(header: Vec<u8>, area: Area) -> Option<Index> {
        let body = &header[..];
        let mut r = Reader(body);
        let stamp = Stamp::from_bytes(r.take(56)?.try_into().ok()?);
        let seq = r.u64()?;
        let hash = EntryHash(r.take(32)?.try_into().ok()?);
        // Records another build's fit learned are not this build's: as if none were saved.
        let has_records = r.take(1)?[0] == reckon_reconcile::RECORDS_VERSION;
        let n = r.count(40)?;
        let mut table = Records::new();
        for _ in 0..n {
            let name = r.text()?;
            let (agreed, contested, backed) = (r.u32()?, r.u32()?, r.u32()?);
            let learned = reckon_reconcile::reliability::Learned {
                accuracy: r.unit()?,
                copying: r.unit()?,
            };
            table.insert(
                name,
                Record {
                    agreed,
                    contested,
                    backed,
                    learned,
                    prior: r.unit()?,
                },
            );
        }
        let records = has_records.then_some(table);
        let after_records = body.len() - r.0.len();
        let others = r.spans()?;
        let spans = r.u64()?;
        // Each directory block: its first name (4 bytes and the name), first span (8), count
        // of subjects (4), length (4) and hash (32).
        let n = r.count(52)?;
        let mut dir = Vec::with_capacity(n);
        let at = |r: &Reader<'_>| body.len() - r.0.len();
        let mut dir_len = 0u64;
        for _ in 0..n {
            let len = r.u32()? as usize;
            let first = (at(&r), len);
            std::str::from_utf8(r.take(len)?).ok()?;
            let block = DirBlock {
                first,
                first_span: r.u64()?,
                subjects: r.u32()?,
                len: r.u32()?,
                hash: r.take(32)?.try_into().ok()?,
                at: dir_len,
            };
            dir_len = dir_len.checked_add(u64::from(block.len))?;
            dir.push(block);
        }
        let k = r.count(32)?;
        let blocks: Vec<[u8; 32]> = (0..k)
            .map(|_| r.take(32)?.try_into().ok())
            .collect::<Option<_>>()?;
        let keys_at = at(&r);
        let keyed = match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let (keys, key_blocks) = if keyed {
            let keys = r.u64()?;
            let k = r.count(40)?;
            let blocks: Vec<(u64, [u8; 32])> = (0..k)
                .map(|_| Some((r.u64()?, r.take(32)?.try_into().ok()?)))
                .collect::<Option<_>>()?;
            (keys, blocks)
        } else {
            (0, Vec::new())
        };
        // The blocks in name order, their spans in order from the first, each listing one
        // subject at least in the bytes it takes (a subject takes 8 at least): what each
        // block holds is checked when it is read.
        let name = |b: &DirBlock| &body[b.first.0..b.first.0 + b.first.1];
        let ordered = dir
            .windows(2)
            .all(|w| name(&w[0]) < name(&w[1]) && w[0].first_span <= w[1].first_span)
            && dir.first().is_none_or(|b| b.first_span == 0)
            && dir.last().is_none_or(|b| b.first_span <= spans);
        let sized = dir
            .iter()
            .all(|b| b.subjects >= 1 && u64::from(b.subjects) * 8 <= u64::from(b.len));
        let area_len = dir_len
            .checked_add(spans.checked_mul(12)?)?
            .checked_add(keys.checked_mul(8)?)?;
        let fits = match &area {
            Area::Memory(m) => m.len() as u64 == area_len,
            Area::File { file, at } => file.metadata().ok()?.len() == at.checked_add(area_len)?,
        };
        let block_count = usize::try_from(spans.checked_mul(12)?)
            .ok()?
            .div_ceil(BLOCK);
        // Every entry is listed once (when the log has a hash area), and the blocks' first
        // places are in order.
        let whole_keys = !keyed
            || keys == if has_keys(seq) { seq } else { 0 }
                && key_blocks.len() == usize::try_from(keys).ok()?.div_ceil(KEYS_PER_BLOCK)
                && key_blocks.windows(2).all(|w| w[0].0 <= w[1].0);
        let whole =
            r.0.is_empty() && ordered && sized && fits && whole_keys && blocks.len() == block_count;
        whole.then_some(Index {
            stamp,
            head: Head { seq, hash },
            records,
            others,
            header,
            after_records,
            dir,
            dir_len,
            spans,
            blocks,
            keyed,
            keys,
            key_blocks,
            keys_at,
            area,
            appended: None,
        })
    }

    /// The index file's bytes, when the span area is in memory (a new index): what [`save`]
    /// writes, part by part.
    #[cfg(test)]
    fn file_bytes(&self) -> Option<Vec<u8>> {
        let Area::Memory(area) = &self.area else {
            return None;
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(self.header.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.header);
        out.extend_from_slice(&header_sum(&self.header));
        out.extend_from_slice(area);
        Some(out)
    }

    /// Reads an index file's magic, header and checksum, leaving its span area in the file.
    fn read(path: &std::path::Path) -> Option<Index> {
        use std::io::Read as _;
        let mut file = std::fs::File::open(path).ok()?;
        let mut start = vec![0u8; MAGIC.len() + 8];
        file.read_exact(&mut start).ok()?;
        if &start[..MAGIC.len()] != MAGIC {
            return None;
        }
        let len = u64::from_le_bytes(start[MAGIC.len()..].try_into().ok()?);
        // Never allocate more than the file holds.
        if len.checked_add(start.len() as u64 + 32)? > file.metadata().ok()?.len() {
            return None;
        }
        let mut header = vec![0u8; usize::try_from(len).ok()?];
        file.read_exact(&mut header).ok()?;
        let mut sum = [0u8; 32];
        file.read_exact(&mut sum).ok()?;
        if header_sum(&header) != sum {
            return None;
        }
        let at = start.len() as u64 + len + 32;
        Index::from_parts(header, Area::File { file, at })
    }

    /// The first subject's name of a directory block.
    fn first_name(&self, b: &DirBlock) -> &str {
        std::str::from_utf8(&self.header[b.first.0..b.first.0 + b.first.1]).unwrap_or_default()
    }

    /// The subjects directory block `k` lists, checked: its bytes against its hash, its names
    /// in order from its first to before the next block's, and its spans from its own first
    /// to the next block's. `None` when it is damaged.
    fn dir_block(&self, k: usize) -> Option<Vec<Dir>> {
        let b = self.dir.get(k)?;
        let bytes = self.area.read(b.at, b.len as usize, &b.hash)?;
        let mut r = Reader(&bytes);
        let mut out = Vec::with_capacity(b.subjects as usize);
        let mut next = b.first_span;
        for _ in 0..b.subjects {
            let name = std::str::from_utf8(r.bytes()?).ok()?.to_owned();
            let count = u64::from(r.u32()?);
            out.push(Dir {
                name,
                spans: (next, count),
            });
            next = next.checked_add(count)?;
        }
        let after = self.dir.get(k + 1);
        let ordered = out.first().map(|d| d.name.as_str()) == Some(self.first_name(b))
            && out.windows(2).all(|w| w[0].name < w[1].name)
            && after.is_none_or(|a| out.last().is_some_and(|d| *d.name < *self.first_name(a)));
        let end = after.map_or(self.spans, |a| a.first_span);
        (r.0.is_empty() && ordered && next == end).then_some(out)
    }

    /// Every subject the directory lists, in name order; `None` when a block is damaged.
    fn listed(&self) -> Option<Vec<Dir>> {
        let mut all = Vec::new();
        for k in 0..self.dir.len() {
            all.extend(self.dir_block(k)?);
        }
        Some(all)
    }

    /// Where the spans of the subject `name` are, from the one directory block that would
    /// list it (read once a question: `listed`); `Some(None)` when no claim is filed under
    /// it, `None` when the block is damaged.
    fn find(&self, name: &str, listed: &mut Listed) -> Option<Option<(u64, u64)>> {
        let Some(k) = self
            .dir
            .partition_point(|b| self.first_name(b) <= name)
            .checked_sub(1)
        else {
            return Some(None);
        };
        let subjects = match listed.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(self.dir_block(k)?),
        };
        let i = subjects.binary_search_by(|d| d.name.as_str().cmp(name));
        Some(i.ok().map(|i| subjects[i].spans))
    }

    /// Span block `b`, checked; `None` when it is damaged.
    fn span_block(&self, b: usize) -> Option<Vec<u8>> {
        let area_len = usize::try_from(self.spans.checked_mul(12)?).ok()?;
        let from = b.checked_mul(BLOCK)?;
        let len = area_len.checked_sub(from)?.min(BLOCK);
        let at = self.dir_len.checked_add(from as u64)?;
        self.area.read(at, len, self.blocks.get(b)?)
    }

    /// Block `b` of the hash area, checked; `None` when it is damaged.
    fn key_block(&self, b: usize) -> Option<Vec<Keyed>> {
        let keys = usize::try_from(self.keys).ok()?;
        let from = b.checked_mul(KEYS_PER_BLOCK)?;
        let n = keys.checked_sub(from)?.min(KEYS_PER_BLOCK);
        let at = self
            .dir_len
            .checked_add(self.spans.checked_mul(12)?)?
            .checked_add(u64::try_from(from).ok()?.checked_mul(8)?)?;
        let bytes = self.area.read(at, n * 8, &self.key_blocks.get(b)?.1)?;
        let keyed: Vec<Keyed> = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        // In order, starting with the place the header gives it.
        let ordered = keyed.first() == Some(&self.key_blocks.get(b)?.0)
            && keyed.windows(2).all(|w| w[0] <= w[1]);
        ordered.then_some(keyed)
    }

    /// The numbers of the entries whose hash may start with the hex digits `prefix`, in
    /// order: those whose first four bytes it allows, so every entry it names is among them,
    /// and, for a prefix of eight digits or fewer, only those (a longer one may also find an
    /// entry that shares only the first eight). Only the blocks that can hold them are read,
    /// each checked. `None` when `prefix` is not lowercase hex, the log is too long to have a
    /// hash area, or a block is damaged.
    pub fn entries_by_hash(&self, prefix: &str) -> Option<Vec<u64>> {
        if !self.keyed || !has_keys(self.head.seq) {
            return None;
        }
        let (lo, hi) = key_range(prefix)?;
        // The block before the first that starts above `lo` may hold its first keys.
        let from = self
            .key_blocks
            .partition_point(|b| b.0 < lo)
            .saturating_sub(1);
        let mut found = Vec::new();
        for b in from..self.key_blocks.len() {
            if self.key_blocks[b].0 > hi {
                break;
            }
            for k in self.key_block(b)? {
                if (lo..=hi).contains(&k) {
                    found.push(k & u64::from(u32::MAX));
                }
            }
        }
        found.sort_unstable();
        Some(found)
    }

    /// This index with a hash area, made when it has none from one pass over `snap` at the
    /// speed of `verify` (every line's shape, hash and link checked, each entry's key kept),
    /// and saved with it: what a first lookup by hash needs. As it was when that pass ends at
    /// another head than the index's, or the area cannot be laid out.
    pub fn with_hash_area(self, snap: &Snapshot<'_>) -> Index {
        if self.keyed {
            return self;
        }
        let place = |h: &reckon_ledger::Header<'_>, _: &[u8], _: Span| keyed(&h.hash, h.seq);
        let Ok((head, keyed)) = snap.visit(&place) else {
            return self;
        };
        if head != self.head || keyed.len() as u64 != head.seq {
            return self;
        }
        let keyed = sorted_keys(keyed);
        // The header up to its hash area's description, and the body up to the hash area,
        // as they are; the area after them.
        let (Some(mut area), Some(before)) = (self.area_bytes(), self.header.get(..self.keys_at))
        else {
            return self;
        };
        let mut header = before.to_vec();
        put_keys(&mut header, &mut area, head, Some(&keyed));
        drop(keyed);
        let Some(mut index) = Index::from_parts(header, Area::Memory(area)) else {
            return self;
        };
        save(snap, &index);
        index.appended = self.appended;
        index
    }

    /// The whole hash area, every block checked; `None` when one is damaged.
    fn keyed(&self) -> Option<Vec<Keyed>> {
        let mut all = Vec::with_capacity(usize::try_from(self.keys).ok()?);
        for b in 0..self.key_blocks.len() {
            all.extend(self.key_block(b)?);
        }
        Some(all)
    }

    /// The spans a subject's directory entry points at (`spans`: the number before them and
    /// their count), each block they lie in read and checked once (`read` keeps the blocks
    /// already read for this question); `None` when a block is damaged.
    fn spans_of(&self, spans: (u64, u64), read: &mut HashMap<usize, Vec<u8>>) -> Option<Vec<Span>> {
        let (from, to) = (
            usize::try_from(spans.0.checked_mul(12)?).ok()?,
            usize::try_from(spans.0.checked_add(spans.1)?.checked_mul(12)?).ok()?,
        );
        let mut bytes = Vec::with_capacity(to - from);
        let mut at = from;
        while at < to {
            let b = at / BLOCK;
            let block = match read.entry(b) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(self.span_block(b)?),
            };
            let end = to.min((b + 1) * BLOCK);
            bytes.extend_from_slice(block.get(at - b * BLOCK..end - b * BLOCK)?);
            at = end;
        }
        Some(spans_in(&bytes))
    }

    /// Loads the saved index if it was made for the log as it is now: the same committed
    /// head, and an entries file with the same stamp (not written to since); or brought
    /// forward to it over the appends reckon recorded since it was made, and saved again
    /// (see [`Index::appended`]).
    pub fn open(snap: &Snapshot<'_>) -> Result<Index, Stale> {
        let (index, now) = Index::saved(snap)?;
        if (index.stamp, index.head) != now {
            return index.forward(snap, now).ok_or_else(|| {
                Stale::Mismatch("the log has changed since the index was made".into())
            });
        }
        Ok(index)
    }

    /// The saved index of `snap`'s log, whatever log state it was made for, with the state
    /// the log is in now (the entries file's stamp and the committed head).
    fn saved(snap: &Snapshot<'_>) -> Result<(Index, (Stamp, Head)), Stale> {
        let head = snap.committed().map_err(Stale::Log)?;
        let stamp = snap.stamp().map_err(Stale::Log)?;
        let path = cache_path(snap.log()).ok_or(Stale::Missing)?;
        if !path.is_file() {
            return Err(Stale::Missing);
        }
        let index =
            Index::read(&path).ok_or_else(|| Stale::Mismatch("the index is damaged".into()))?;
        Ok((index, (stamp, head)))
    }

    /// This index brought forward to the log as it is now (`now`: its stamp and committed
    /// head) over the appends reckon recorded since it was made ([`appends`]), and saved: only
    /// the lines they wrote are read and checked (see [`Snapshot::visit_after`]), each new
    /// claim filed under its subject (through the aliases the log had), each other event
    /// beside the others. The origin records are not brought forward (new claims change what
    /// is learned): the index has none. A correction is filed under its own subject when the
    /// claim it corrects is a claim of that subject too (nearly always), as a whole read
    /// files it. `None` when the appends were not all recorded, or a new line is an alias or
    /// a correction of a claim of another subject (which may refile claims already
    /// indexed): the index is then made again from the whole log.
    fn forward(&self, snap: &Snapshot<'_>, now: (Stamp, Head)) -> Option<Index> {
        let offset = appends::since(snap.log(), (self.stamp, self.head), now)?;
        let (head, lines) = snap.visit_after(self.head, offset, &classify).ok()??;
        let mut others = self.others.clone();
        let mut claims = Vec::new();
        let mut corrections = Vec::new();
        let mut keyed = Vec::new();
        for (line, seq) in lines.into_iter().zip(self.head.seq + 1..) {
            let line = line?;
            keyed.push(self::keyed(&line.hash, seq));
            match line.kind {
                Kind::Claim(subject, corrects) => {
                    if let Some(target) = corrects {
                        corrections.push((claims.len(), target));
                    }
                    claims.push((subject.into_owned(), line.span, line.hash));
                }
                Kind::Other => others.push(line.span),
                Kind::Alias(_) => return None,
            }
        }
        // The claims filed so far, and the aliases among the events that are not claims.
        let mut by_subject = self.filed()?;
        let known = self.entries(snap, &BTreeSet::new()).ok()?;
        let aliases = alias_map(known.iter());
        // Each correction must correct a claim of its own subject: one appended before it,
        // or one filed under that subject already (all of those read in one go).
        let appended: HashMap<EntryHash, usize> =
            claims.iter().enumerate().map(|(j, c)| (c.2, j)).collect();
        let canonical = |s: &str| resolve(&aliases, s).to_owned();
        let mut filed_before = Vec::new();
        for (k, target) in corrections {
            let subject = canonical(&claims[k].0);
            match appended.get(&target) {
                Some(&j) if j < k && canonical(&claims[j].0) == subject => {}
                _ => filed_before.push((subject, target)),
            }
        }
        if !filed_before.is_empty() {
            let wanted: BTreeSet<String> = filed_before.iter().map(|(s, _)| s.clone()).collect();
            let filed = self.entries(snap, &wanted).ok()?;
            let subject_of: HashMap<EntryHash, &str> = filed
                .iter()
                .filter_map(|e| match &e.event {
                    Event::Claim(c) => Some((e.hash, c.subject.as_str())),
                    _ => None,
                })
                .collect();
            let all_found = filed_before.iter().all(|(subject, target)| {
                subject_of
                    .get(target)
                    .is_some_and(|s| canonical(s) == *subject)
            });
            if !all_found {
                return None;
            }
        }
        for (subject, span, _) in &claims {
            by_subject
                .entry(resolve(&aliases, subject).to_owned())
                .or_default()
                .push(*span);
        }
        let (subjects, all) = assemble(by_subject);
        // The appended entries' keys among the old ones, when it has a hash area.
        let keyed = match self.keyed {
            true => {
                let mut all_keyed = self.keyed()?;
                all_keyed.extend(keyed);
                Some(sorted_keys(all_keyed))
            }
            false => None,
        };
        let (header, area) = encode(
            now.0,
            head,
            None,
            &others,
            (&subjects, &all),
            keyed.as_deref(),
        );
        let mut index = Index::from_parts(header, Area::Memory(area))?;
        save(snap, &index);
        index.appended = Some(head.seq.saturating_sub(self.head.seq));
        Some(index)
    }

    /// Every subject's spans, each block of the span area read and checked once; `None` when
    /// a block is damaged.
    fn filed(&self) -> Option<HashMap<String, Vec<Span>>> {
        let mut read = HashMap::new();
        let listed = self.listed()?;
        let mut by_subject = HashMap::with_capacity(listed.len());
        for d in listed {
            let spans = self.spans_of(d.spans, &mut read)?;
            by_subject.insert(d.name, spans);
        }
        Some(by_subject)
    }

    /// Saves this index again with every origin's `records`, learned from the log it was made
    /// for (what [`reckon_reconcile::estimate_records`] gives), when it holds none and the log
    /// is still as it was: so that the next reconciliation or question about figures need
    /// not learn them again. A failure is ignored: it is only a cache.
    pub fn save_records(&self, snap: &Snapshot<'_>, records: &Records) {
        if self.records.is_some() || !may_save(snap, self.stamp) {
            return;
        }
        // Everything but the records stays as it is: the header around them, and the span
        // area (every block read and checked, when it is still in the file).
        let Some(area) = self.area_bytes() else {
            return;
        };
        let (Some(before), Some(after)) = (
            self.header.get(..RECORDS_AT),
            self.header.get(self.after_records..),
        ) else {
            return;
        };
        let mut header = before.to_vec();
        put_records(&mut header, Some(records));
        header.extend_from_slice(after);
        if let Some(index) = Index::from_parts(header, Area::Memory(area)) {
            save(snap, &index);
        }
    }

    /// The whole body (the directory, then the span area), every block checked; `None` when
    /// one is damaged.
    fn area_bytes(&self) -> Option<Vec<u8>> {
        if let Area::Memory(m) = &self.area {
            return Some(m.clone());
        }
        let len = self
            .dir_len
            .checked_add(self.spans.checked_mul(12)?)?
            .checked_add(self.keys.checked_mul(8)?)?;
        let mut all = Vec::with_capacity(usize::try_from(len).ok()?);
        for b in &self.dir {
            all.extend_from_slice(&self.area.read(b.at, b.len as usize, &b.hash)?);
        }
        for b in 0..self.blocks.len() {
            all.extend_from_slice(&self.span_block(b)?);
        }
        for k in self.keyed()? {
            all.extend_from_slice(&k.to_le_bytes());
        }
        Some(all)
    }

    /// This index with every origin's `records` (learned from the log it was made for, as
    /// [`Index::save_records`] takes them), saved with them when it can be.
    pub fn with_records(mut self, snap: &Snapshot<'_>, records: Records) -> Index {
        self.save_records(snap, &records);
        self.records = Some(records);
        self
    }

    /// How many entries appended since it was saved the index was brought forward over
    /// when it was opened; `None` when it was saved for the log as it is (or just made).
    pub fn appended(&self) -> Option<u64> {
        self.appended
    }

    /// The origin records of the whole log, when the index holds them.
    pub fn records(&self) -> Option<&Records> {
        self.records.as_ref()
    }

    /// The committed head the index was made for.
    pub fn head(&self) -> Head {
        self.head
    }

    /// Every subject name with claims, in order; `None` when a directory block is damaged.
    pub fn subjects(&self) -> Option<Vec<String>> {
        Some(self.listed()?.into_iter().map(|d| d.name).collect())
    }

    /// The subject names `pattern` selects, in order: the directory blocks that can hold
    /// names with the pattern's literal prefix found by binary search, and only those read,
    /// each name then checked against the whole pattern. `None` when a block read is damaged.
    pub fn subjects_matching(&self, pattern: &reckon_reconcile::Pattern) -> Option<Vec<String>> {
        let prefix = pattern.literal_prefix();
        // The last block that starts before the prefix may hold its first names.
        let from = self
            .dir
            .partition_point(|b| self.first_name(b) < prefix)
            .saturating_sub(1);
        let mut out = Vec::new();
        for k in from..self.dir.len() {
            let first = self.first_name(&self.dir[k]);
            if k > from && first > prefix && !first.starts_with(prefix) {
                break;
            }
            for d in self.dir_block(k)? {
                if d.name.as_str() < prefix {
                    continue;
                }
                if !d.name.starts_with(prefix) {
                    return Some(out);
                }
                if pattern.matches(&d.name) {
                    out.push(d.name);
                }
            }
        }
        Some(out)
    }

    /// How many claims the index files under the subjects `wanted` names (canonical names):
    /// what [`Index::entries`] reads for them, besides the events that are not claims.
    /// `None` when a directory block read is damaged.
    pub fn claims_of(&self, wanted: &BTreeSet<String>) -> Option<u64> {
        let mut listed = Listed::new();
        let mut n = 0;
        for name in wanted {
            n += self.find(name, &mut listed)?.map_or(0, |s| s.1);
        }
        Some(n)
    }

    /// Reads, from the log, every non-claim entry and the claims of the subjects `wanted`
    /// names (canonical names), in log order; each is decoded and its hash and position
    /// checked.
    pub fn entries(
        &self,
        snap: &Snapshot<'_>,
        wanted: &BTreeSet<String>,
    ) -> Result<Vec<Entry>, Stale> {
        let mut spans: Vec<Span> = self.others.clone();
        let mut read = HashMap::new();
        let mut listed = Listed::new();
        let damaged = || Stale::Mismatch("the index is damaged".into());
        for name in wanted {
            if let Some(at) = self.find(name, &mut listed).ok_or_else(damaged)? {
                spans.extend(self.spans_of(at, &mut read).ok_or_else(damaged)?);
            }
        }
        spans.sort_unstable();
        spans.dedup();
        let mut out = Vec::with_capacity(spans.len());
        let mut buf = Vec::new();
        for (offset, len) in spans {
            buf.resize(len as usize, 0);
            snap.read_at(offset, &mut buf).map_err(|_| Stale::Missing)?;
            let e = decode(&buf)
                .map_err(|p| Stale::Mismatch(format!("an entry read through the index: {p}")))?;
            out.push(e);
        }
        // Positions must be strictly increasing: the spans are in file order, and so are seqs;
        // and entries next to each other in the log must link.
        if out
            .windows(2)
            .any(|w| w[0].seq >= w[1].seq || (w[0].seq + 1 == w[1].seq && w[1].prev != w[0].hash))
            || out.last().is_some_and(|e| e.seq > self.head.seq)
        {
            return Err(Stale::Mismatch(
                "the index does not match the entries".into(),
            ));
        }
        Ok(out)
    }
}

/// The aliases among `events`: a name and the name it stands for.
fn alias_map<'e>(events: impl Iterator<Item = &'e Entry>) -> HashMap<&'e str, &'e str> {
    events
        .filter_map(|e| match &e.event {
            Event::Alias { subject, same_as } => Some((subject.as_str(), same_as.as_str())),
            _ => None,
        })
        .collect()
}

/// The name `s` stands for after aliases (bounded, in case of a hand-made cycle).
fn resolve<'a>(aliases: &HashMap<&'a str, &'a str>, s: &'a str) -> &'a str {
    reckon_claim::follow_aliases(s, aliases.len(), |s| aliases.get(s).copied())
}

/// Subjects in name order with the range of their spans, and all spans, in the index's form.
fn assemble(
    by_subject: impl IntoIterator<Item = (String, Vec<Span>)>,
) -> (Vec<(String, usize, usize)>, Vec<Span>) {
    let mut named: Vec<(String, Vec<Span>)> = by_subject.into_iter().collect();
    named.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut subjects = Vec::with_capacity(named.len());
    let mut all = Vec::new();
    for (s, mut v) in named {
        v.sort_unstable();
        subjects.push((s, all.len(), all.len() + v.len()));
        all.extend(v);
    }
    (subjects, all)
}

/// What one line is, for the fast build.
enum Kind<'a> {
    /// A claim: its subject as written, and the claim it corrects, if any.
    Claim(Cow<'a, str>, Option<EntryHash>),
    /// An alias, decoded.
    Alias(Box<Entry>),
    /// Any other event.
    Other,
}

struct Line<'a> {
    hash: EntryHash,
    span: Span,
    kind: Kind<'a>,
}

impl<'a> Line<'a> {
    /// What the index needs of an entry reduced for a lean fold, and where its line is.
    fn of_lean(lean: &'a Lean, span: Span) -> Line<'a> {
        match lean {
            Lean::Claim(c) => Line {
                hash: c.hash,
                span,
                kind: Kind::Claim(Cow::Borrowed(c.core.subject.as_str()), c.supersedes),
            },
            Lean::Other(e) => Line {
                hash: e.hash,
                span,
                kind: match e.event {
                    Event::Alias { .. } => Kind::Alias(e.clone()),
                    _ => Kind::Other,
                },
            },
        }
    }
}

/// Where every subject's entries are, before the origin records are known: an index
/// without its header written. Made from one checked pass over a snapshot, and finished
/// (with the records learned from the same pass, if any) by [`Layout::finish`].
#[derive(Debug)]
pub struct Layout {
    head: Head,
    others: Vec<Span>,
    subjects: Vec<(String, usize, usize)>,
    all: Vec<Span>,
}

/// A [`Layout`] being made an entry at a time, in log order: for a pass that folds the
/// entries as it hands them on, and never holds them all.
#[derive(Default)]
pub struct Lines {
    /// Each subject name as written, numbered in the order first seen: a claim keeps the
    /// number, and the names are resolved through the aliases once each, not once a claim.
    names: Vec<Name>,
    /// The number of each name a line of the fast build gave, by the name.
    numbers: HashMap<Box<str>, u32, FxBuild>,
    /// The number of each subject a lean claim gave, by the address of its shared copy (a
    /// lean fold shares one copy of each name; one held in `names` keeps its address its own
    /// while these lines live). Two copies of one name get two numbers, which the layout
    /// files together as it files names that aliases join.
    shared: HashMap<usize, u32, FxBuild>,
    /// Each claim's subject name (its number) and span, in log order. Not its hash: the
    /// fold beside it keeps that (see [`Lines::layout`]), and a million of them are 32 MB.
    claims: Vec<Filed>,
    corrections: Vec<(Span, EntryHash)>,
    others: Vec<Span>,
    alias_events: Vec<Entry>,
}

/// A subject name as [`Lines`] keeps it: its own copy, or a lean fold's shared one.
enum Name {
    Own(Box<str>),
    Shared(Arc<Subject>),
}

impl Name {
    fn as_str(&self) -> &str {
        match self {
            Name::Own(s) => s,
            Name::Shared(s) => s.as_str(),
        }
    }
}

/// One claim's line as [`Lines`] keeps it: where it is, and its subject name's number.
#[derive(Clone, Copy)]
struct Filed {
    offset: u64,
    len: u32,
    name: u32,
}

impl Lines {
    /// How many claims were added.
    pub fn claims(&self) -> usize {
        self.claims.len()
    }

    /// Room for `entries` more entries, told before they are added (a million claims' lines
    /// grown a doubling at a time would hold half as much again while they are copied).
    pub fn reserve(&mut self, entries: usize) {
        self.claims.reserve(entries);
    }

    /// The next entry, as a lean fold reduces it, and the span of its line.
    pub fn add_lean(&mut self, lean: &Lean, span: Span) {
        let Lean::Claim(c) = lean else {
            return self.add(Line::of_lean(lean, span));
        };
        // A claim's subject is looked up by where its shared copy is, not by its letters.
        let at = Arc::as_ptr(&c.core.subject) as usize;
        let n = match self.shared.get(&at) {
            Some(n) => *n,
            None => {
                let n = self.next_name(Name::Shared(Arc::clone(&c.core.subject)));
                self.shared.insert(at, n);
                n
            }
        };
        self.claim(n, span, c.supersedes);
    }

    /// The number of a name seen for the first time.
    fn next_name(&mut self, name: Name) -> u32 {
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name);
        n
    }

    fn claim(&mut self, name: u32, span: Span, correction: Option<EntryHash>) {
        if let Some(t) = correction {
            self.corrections.push((span, t));
        }
        self.claims.push(Filed {
            offset: span.0,
            len: span.1,
            name,
        });
    }

    fn add(&mut self, l: Line<'_>) {
        match l.kind {
            Kind::Claim(subject, correction) => {
                let n = match self.numbers.get(&*subject) {
                    Some(n) => *n,
                    None => {
                        let n = self.next_name(Name::Own(subject.as_ref().into()));
                        self.numbers.insert(subject.into(), n);
                        n
                    }
                };
                self.claim(n, l.span, correction);
            }
            Kind::Alias(e) => {
                self.others.push(l.span);
                self.alias_events.push(*e);
            }
            Kind::Other => self.others.push(l.span),
        }
    }

    /// The layout of every entry added, for a log whose head is `head`. `hash_of(i)` is the
    /// hash of the `i`-th claim added (counting from 0): the state a lean fold of the same
    /// entries made keeps every claim's, in the same order (`state.claims[i].hash`, when it
    /// was folded with no `at` or `known`). It is asked only when a claim corrects another
    /// (the correction is filed with the claim it corrects), and a claim it has no hash for
    /// is taken to be none that is corrected.
    pub fn layout(self, head: Head, hash_of: impl Fn(usize) -> Option<EntryHash>) -> Layout {
        let Lines {
            names,
            claims,
            corrections,
            others,
            alias_events,
            ..
        } = self;
        let aliases = alias_map(alias_events.iter());
        // Each name's subject after the aliases, numbered: names that stand for one subject
        // file their claims together.
        let mut subjects: Vec<&str> = Vec::new();
        let mut numbered: HashMap<&str, u32, FxBuild> = HashMap::default();
        let filed_as: Vec<u32> = names
            .iter()
            .map(|name| {
                let s = resolve(&aliases, name.as_str());
                *numbered.entry(s).or_insert_with(|| {
                    subjects.push(s);
                    u32::try_from(subjects.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        let mut spans: Vec<Vec<Span>> = vec![Vec::new(); subjects.len()];
        // The subject each corrected claim is filed under, found by the claims' hashes.
        let mut subject_of: HashMap<EntryHash, Option<u32>, FxBuild> =
            corrections.iter().map(|(_, t)| (*t, None)).collect();
        for (i, c) in claims.iter().enumerate() {
            let s = filed_as[c.name as usize];
            if !subject_of.is_empty()
                && let Some(filed) = hash_of(i).and_then(|h| subject_of.get_mut(&h))
            {
                *filed = Some(s);
            }
            spans[s as usize].push((c.offset, c.len));
        }
        // A correction is read with the claim it corrects, wherever it is filed.
        for (span, target) in &corrections {
            if let Some(&Some(s)) = subject_of.get(target) {
                let v = &mut spans[s as usize];
                if !v.contains(span) {
                    v.push(*span);
                }
            }
        }
        let (subjects, all) = assemble(subjects.into_iter().map(str::to_owned).zip(spans));
        Layout {
            head,
            others,
            subjects,
            all,
        }
    }
}

impl Layout {
    /// The index of `snap` with this layout and the origin `records` learned from the same
    /// snapshot, saved for the next question. `None` when the entries file is no longer as
    /// the snapshot saw it, or `stamp` was not taken from it.
    pub fn finish(
        self,
        snap: &Snapshot<'_>,
        stamp: Stamp,
        records: Option<Records>,
    ) -> Option<Index> {
        if stamp.len != snap.len() {
            return None;
        }
        let Layout {
            head,
            others,
            subjects,
            all,
        } = self;
        let (header, area) = encode(
            stamp,
            head,
            records.as_ref(),
            &others,
            (&subjects, &all),
            None,
        );
        // Held in the area now: let go before the index is saved.
        drop((all, others, subjects));
        let index = Index::from_parts(header, Area::Memory(area))?;
        save(snap, &index);
        Some(index)
    }
}

/// What the fast build needs of one checked line: its hash, where it is, and what it is
/// (a claim's subject is read from the fixed start of its event). `None` when a claim or an
/// alias cannot be read that way (a whole read then says what is wrong).
fn classify(h: &reckon_ledger::Header<'_>, line: &[u8], span: Span) -> Option<Line<'static>> {
    let kind = match h.event_json.strip_prefix(r#"{"type":"claim","subject":""#) {
        Some(rest) => {
            let subject = Cow::Owned(rest[..rest.find('"')?].to_owned());
            let correction = if rest.contains(r#""supersedes":""#) {
                match decode(line).ok()?.event {
                    Event::Claim(c) => c.supersedes,
                    _ => None,
                }
            } else {
                None
            };
            Kind::Claim(subject, correction)
        }
        None if h.event_json.starts_with(r#"{"type":"alias""#) => {
            Kind::Alias(Box::new(decode(line).ok()?))
        }
        None => Kind::Other,
    };
    Some(Line {
        hash: h.hash,
        span,
        kind,
    })
}

/// The subjects to read for a question about `selected` subjects: with every member of a sum
/// any of them belongs to, and the names that stand for the same subject.
pub fn expand(others: &[Entry], selected: &BTreeSet<String>) -> BTreeSet<String> {
    let state = State::fold(others, None);
    let canon = |s: &Subject| state.canonical(s).to_string();
    let mut out: BTreeSet<String> = selected
        .iter()
        .map(|s| Subject::parse(s).map_or(s.clone(), |x| canon(&x)))
        .collect();
    loop {
        let before = out.len();
        for (w, d) in &state.defs {
            let members: Vec<String> = std::iter::once(canon(w))
                .chain(d.sum_of.iter().map(canon))
                .collect();
            if members.iter().any(|m| out.contains(m)) {
                out.extend(members);
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash area for a log of `head.seq` entries: made-up keys, in order.
    fn keys_for(head: Head) -> Vec<Keyed> {
        sorted_keys(
            (1..=head.seq)
                .map(|seq| seq.wrapping_mul(0x9e37_79b9) << 32 | seq)
                .collect(),
        )
    }

    /// Entries found by a hash prefix through the hash area are exactly those whose hash
    /// starts with it, for a prefix of any length up to eight digits, and for a longer one
    /// those that share its first eight (so every entry it names is among them); a prefix no
    /// hash starts with finds none, and one that is not hex is refused. A damaged block fails
    /// only the lookups that read it.
    #[test]
    fn entries_are_found_by_hash_prefix_through_checked_blocks() {
        let n = 3 * KEYS_PER_BLOCK as u64 + 17;
        let hashes: Vec<EntryHash> = (1..=n)
            .map(|seq| EntryHash(*blake3::hash(&seq.to_le_bytes()).as_bytes()))
            .collect();
        let head = Head {
            seq: n,
            hash: hashes[hashes.len() - 1],
        };
        let places = sorted_keys(
            (1..=n)
                .map(|seq| keyed(&hashes[seq as usize - 1], seq))
                .collect(),
        );
        let stamp = Stamp::from_bytes(&[5u8; 56]);
        let (header, area) = encode(stamp, head, None, &[], (&[], &[]), Some(&places));
        let built = Index::from_parts(header, Area::Memory(area.clone())).expect("parts");
        assert_eq!(built.key_blocks.len(), 4);
        let hex: Vec<String> = hashes.iter().map(|h| h.to_hex()).collect();
        let brute = |p: &str| -> Vec<u64> {
            let p = &p[..p.len().min(8)];
            (1..=n)
                .filter(|&seq| hex[seq as usize - 1].starts_with(p))
                .collect()
        };
        for (k, h) in hex.iter().enumerate().step_by(409) {
            for len in [1, 3, 4, 7, 8, 9, 16, 40, 64] {
                let p = &h[..len];
                let found = built.entries_by_hash(p).expect("intact");
                assert!(found.contains(&(k as u64 + 1)), "{p}");
                assert_eq!(found, brute(p), "{p}");
            }
        }
        // A full hash of an entry the log does not have: none.
        let absent = EntryHash(*blake3::hash(b"not an entry").as_bytes()).to_hex();
        assert_eq!(built.entries_by_hash(&absent), Some(brute(&absent)));
        assert_eq!(built.entries_by_hash("00000000"), Some(brute("00000000")));
        assert_eq!(built.entries_by_hash("ffffffff"), Some(brute("ffffffff")));
        assert!(built.entries_by_hash("xyz1").is_none());
        assert!(built.entries_by_hash("ABCD").is_none());
        assert!(built.entries_by_hash("").is_none());
        // One byte of the third block of the hash area changed: a lookup that reads it fails,
        // one that reads only the first does not.
        let mut damaged = area;
        let at = damaged.len() - 8 * n as usize + 8 * 2 * KEYS_PER_BLOCK + 9;
        damaged[at] ^= 1;
        let header = encode(stamp, head, None, &[], (&[], &[]), Some(&places)).0;
        let read = Index::from_parts(header, Area::Memory(damaged)).expect("parts");
        let first = format!("{:08x}", places[5] >> 32);
        let third = format!("{:08x}", places[2 * KEYS_PER_BLOCK + 5] >> 32);
        assert!(read.entries_by_hash(&first).is_some());
        assert!(read.entries_by_hash(&third).is_none());
        assert!(read.keyed().is_none());
    }

    /// An index file with a span area of several blocks: each subject's spans read back as
    /// written; a damaged block fails only the subjects whose spans lie in it, and a damaged
    /// header fails the whole file.
    #[test]
    fn spans_are_read_back_by_checked_blocks() {
        let subjects: Vec<(String, usize, usize)> = (0..30)
            .map(|i| (format!("s/{i:02}"), i * 500, (i + 1) * 500))
            .collect();
        let spans: Vec<Span> = (0..15_000u64).map(|i| (i * 100, (i % 97) as u32)).collect();
        let stamp = Stamp::from_bytes(&[7u8; 56]);
        let head = Head {
            seq: 15_000,
            hash: EntryHash([3; 32]),
        };
        let (header, area) = encode(
            stamp,
            head,
            None,
            &[(1, 2)],
            (&subjects, &spans),
            Some(&keys_for(head)),
        );
        let built = Index::from_parts(header, Area::Memory(area)).expect("parts");
        assert_eq!(built.blocks.len(), 3);
        let bytes = built.file_bytes().expect("bytes");
        let dir = std::env::temp_dir().join(format!("reckon-index-blocks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("index");
        std::fs::write(&path, &bytes).expect("write");
        let read = Index::read(&path).expect("read");
        let at = |name: &str| {
            read.find(name, &mut Listed::new())
                .expect("an intact directory")
                .expect("a subject it lists")
        };
        for (name, from, to) in &subjects {
            let got = read.spans_of(at(name), &mut HashMap::new()).expect("spans");
            assert_eq!(got, spans[*from..*to], "{name}");
        }
        // One byte of the second block changed: subjects wholly in the first still read.
        let area_at = bytes.len() - 8 * head.seq as usize - 12 * spans.len();
        let mut damaged = bytes.clone();
        damaged[area_at + BLOCK + 5] ^= 1;
        std::fs::write(&path, &damaged).expect("write");
        let read = Index::read(&path).expect("the header is intact");
        let at = |name: &str| {
            read.find(name, &mut Listed::new())
                .flatten()
                .expect("listed")
        };
        assert!(read.spans_of(at("s/00"), &mut HashMap::new()).is_some());
        assert!(read.spans_of(at("s/12"), &mut HashMap::new()).is_none());
        // One byte of the header changed: the file is refused.
        let mut damaged = bytes.clone();
        damaged[MAGIC.len() + 8 + 60] ^= 1;
        std::fs::write(&path, &damaged).expect("write");
        assert!(Index::read(&path).is_none());
        // Cut short: refused.
        std::fs::write(&path, &bytes[..bytes.len() - 1]).expect("write");
        assert!(Index::read(&path).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Origin records saved by a build whose fit learns differently (another
    /// [`reckon_reconcile::RECORDS_VERSION`]) are read as never computed, so that they are
    /// learned again and not given as this build's answer; this build's are read back.
    #[test]
    fn records_of_another_fit_are_read_as_none() {
        let mut records = Records::new();
        records.insert("Z".into(), Record::default());
        let head = Head {
            seq: 1,
            hash: EntryHash([3; 32]),
        };
        let stamp = Stamp::from_bytes(&[7u8; 56]);
        let subjects = [("s/a".to_owned(), 0, 1)];
        let (header, area) = encode(
            stamp,
            head,
            Some(&records),
            &[],
            (&subjects, &[(0, 9)]),
            Some(&keys_for(head)),
        );
        assert_eq!(header[RECORDS_AT], reckon_reconcile::RECORDS_VERSION);
        let ours = Index::from_parts(header.clone(), Area::Memory(area.clone())).expect("parts");
        assert_eq!(ours.records(), Some(&records));
        for other in [1, reckon_reconcile::RECORDS_VERSION + 1] {
            let mut theirs = header.clone();
            theirs[RECORDS_AT] = other;
            let read = Index::from_parts(theirs, Area::Memory(area.clone())).expect("parts");
            assert_eq!(read.records(), None, "version {other}");
            assert_eq!(read.subjects(), ours.subjects());
        }
    }

    /// The two builders make the same index of the same snapshot: the fast one from the one
    /// checked pass (claims undecoded), the other from the decoded entries and their spans,
    /// and so does the lean one; a hash area added to any of them is the same too. The log
    /// has aliases, a correction filed under another subject, and a retraction.
    #[test]
    fn both_builds_give_the_same_index() {
        let dir = std::env::temp_dir().join(format!("reckon-index-builds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = Log::at(dir.join("log"));
        log.init().expect("init");
        let seeds = include_bytes!("../../../log/claims.jsonl");
        reckon_ledger::import(&log, "claims.jsonl", seeds).expect("seed claims");
        let more = concat!(
            r#"{"alias": "captives/ua", "same_as": "pows/ukraine/held-by-russia"}"#,
            "\n",
            r#"{"subject": "captives/ua", "value": "8,200", "said_on": "2025-06", "speaker": "Z"}"#,
            "\n",
            r#"{"subject": "other/place", "value": "3", "said_on": "2025", "speaker": "Y", "supersedes": 28}"#,
            "\n",
            r#"{"retract": 29, "reason": "wrong"}"#,
            "\n",
        );
        reckon_ledger::import(&log, "more.jsonl", more.as_bytes()).expect("more");
        let snap = log.snapshot().expect("snapshot");
        let fast = Index::build_fast(&snap, None).expect("fast build");
        let (entries, spans) = snap.entries_with_spans().expect("entries");
        let full = Index::build(&snap, (&entries, &spans), None).expect("build");
        assert_eq!(fast, full);
        // The third, from a lean projection (what a first question about figures makes),
        // with records: the same index, and the records as given.
        let names = reckon_reconcile::state::Names::default();
        let (head, items) = snap
            .project(&|e, span| (Lean::of(e, &names), span))
            .expect("project");
        let mut records = Records::new();
        records.insert("Z".into(), Record::default());
        let mut lines = Lines::default();
        let mut hashes = Vec::new();
        for (l, span) in &items {
            lines.add_lean(l, *span);
            if let Lean::Claim(c) = l {
                hashes.push(c.hash);
            }
        }
        let lean = lines
            .layout(head, |i| hashes.get(i).copied())
            .finish(&snap, snap.stamp().expect("stamp"), Some(records.clone()))
            .expect("lean build");
        assert_eq!(lean.records(), Some(&records));
        let with = Index::build(&snap, (&entries, &spans), Some(records)).expect("build");
        assert_eq!(lean, with);
        // Made without a hash area, which the first lookup by hash makes from a pass of its
        // own: the same, whichever build it is added to, and it finds entries by hash.
        assert!(!lean.keyed);
        assert_eq!(lean.entries_by_hash("abcd"), None);
        let lean = lean.with_hash_area(&snap);
        assert!(lean.keyed);
        assert_eq!(lean, with.with_hash_area(&snap));
        let hash = entries[20].hash.to_hex();
        assert_eq!(lean.entries_by_hash(&hash[..6]), Some(vec![21]));
        assert_eq!(lean.entries_by_hash(&hash), Some(vec![21]));
        let all = fast.subjects().expect("an intact directory");
        assert!(all.iter().any(|s| s == "other/place"));
        // Searching by the literal prefix finds exactly what scanning every name finds.
        for p in [
            "",
            "exchange/",
            "exchange/2025-05-23/per-side",
            "exchange/2025-05-2?/*",
            "*/per-side",
            "pows/ukraine/held-by-russia",
            "pows/ukraine/held-by-russi",
            "zzz",
            "exchange/2025-05-23/phase-1/per-side/*",
        ] {
            let pattern = reckon_reconcile::Pattern::new(p);
            let scanned: Vec<&String> = all.iter().filter(|s| pattern.matches(s)).collect();
            let searched = fast.subjects_matching(&pattern).expect("intact");
            assert_eq!(searched.iter().collect::<Vec<_>>(), scanned, "{p}");
        }
        drop(snap);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A directory of many blocks: opening the file reads the header alone, whatever the
    /// number of subjects; every subject is found through the one block that lists it, and a
    /// name between two listed ones, before the first or after the last is not; a search by
    /// prefix reads only the blocks that can hold it and finds what scanning every name finds
    /// (prefixes that begin, end and cross blocks); a damaged directory block fails only the
    /// names it would list, and the whole-directory readers.
    #[test]
    fn the_directory_is_read_a_checked_block_at_a_time() {
        // 3,000 subjects of about 40 bytes each: a few blocks of the directory.
        let subjects: Vec<(String, usize, usize)> = (0..3000)
            .map(|i| {
                (
                    format!("place/{:02}/a-long-name-to-fill-blocks-{i:05}", i / 100),
                    i,
                    i + 1,
                )
            })
            .collect();
        let spans: Vec<Span> = (0..3000u64).map(|i| (i * 10, 9)).collect();
        let stamp = Stamp::from_bytes(&[1u8; 56]);
        let head = Head {
            seq: 3000,
            hash: EntryHash([9; 32]),
        };
        let (header, area) = encode(
            stamp,
            head,
            None,
            &[],
            (&subjects, &spans),
            Some(&keys_for(head)),
        );
        assert!(
            header.len() < 2048,
            "the header holds no subject list: {}",
            header.len()
        );
        let built = Index::from_parts(header, Area::Memory(area)).expect("parts");
        assert!(built.dir.len() >= 3, "{} blocks", built.dir.len());
        let bytes = built.file_bytes().expect("bytes");
        let dir = std::env::temp_dir().join(format!("reckon-index-dir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("index");
        std::fs::write(&path, &bytes).expect("write");
        let read = Index::read(&path).expect("read");
        let names: Vec<String> = subjects.iter().map(|s| s.0.clone()).collect();
        assert_eq!(read.subjects().expect("intact"), names);
        // One question's reads: each block read once.
        let (mut listed, mut blocks) = (Listed::new(), HashMap::new());
        for (k, (name, from, _)) in subjects.iter().enumerate() {
            let found = read.find(name, &mut listed).expect("intact");
            assert_eq!(found, Some((k as u64, 1)), "{name}");
            let got = read.spans_of((*from as u64, 1), &mut blocks);
            assert_eq!(got, Some(vec![spans[*from]]));
            let between = format!("{name}-");
            assert_eq!(read.find(&between, &mut listed), Some(None));
        }
        assert_eq!(listed.len(), built.dir.len());
        for absent in ["a", "place/00", "zzz"] {
            assert_eq!(
                read.find(absent, &mut Listed::new()),
                Some(None),
                "{absent}"
            );
        }
        // Each block's first name begins a prefix here, so some prefixes start a block,
        // some end one and some cross one.
        let mut prefixes = vec!["".to_owned(), "place/".into(), "place/3".into(), "q".into()];
        prefixes.extend((0..30).map(|i| format!("place/{i:02}/")));
        prefixes.extend(built.dir.iter().map(|b| built.first_name(b).to_owned()));
        prefixes.extend(
            built
                .dir
                .iter()
                .map(|b| built.first_name(b)[..12].to_owned()),
        );
        for p in prefixes.iter().map(|p| format!("{p}*")) {
            let pattern = reckon_reconcile::Pattern::new(&p);
            let scanned: Vec<&String> = names.iter().filter(|s| pattern.matches(s)).collect();
            let searched = read.subjects_matching(&pattern).expect("intact");
            assert_eq!(searched.iter().collect::<Vec<_>>(), scanned, "{p}");
        }
        // One byte of the second directory block changed: names in the first still found,
        // those the second lists refused, and so is every whole-directory reader.
        let second = built.dir[1];
        let body_at = bytes.len() - built.dir_len as usize - 12 * spans.len();
        let mut damaged = bytes.clone();
        damaged[body_at + second.at as usize + 3] ^= 1;
        std::fs::write(&path, &damaged).expect("write");
        let read = Index::read(&path).expect("the header is intact");
        assert!(read.find(&names[0], &mut Listed::new()).is_some());
        assert!(
            read.find(built.first_name(&second), &mut Listed::new())
                .is_none()
        );
        assert!(read.subjects().is_none());
        assert!(read.filed().is_none());
        assert!(read.area_bytes().is_none());
        assert!(
            read.claims_of(&std::iter::once(names[0].clone()).collect())
                .is_some()
        );
        let _ = std::fs::remove_dir_all(&dir);
        // A block whose hash matches but whose counts do not add up to the spans between its
        // first and the next block's (a forged or miswritten file) is refused too.
        let (mut header, mut body) = encode(
            stamp,
            head,
            None,
            &[],
            (&subjects, &spans),
            Some(&keys_for(head)),
        );
        let first = built.dir[0];
        body[4 + names[0].len()] = 2;
        let hash = blake3::hash(&body[..first.len as usize]);
        let hash_at = first.first.0 + first.first.1 + 8 + 4 + 4;
        header[hash_at..hash_at + 32].copy_from_slice(hash.as_bytes());
        let forged = Index::from_parts(header, Area::Memory(body)).expect("the header reads");
        assert!(forged.find(&names[0], &mut Listed::new()).is_none());
        assert!(forged.find(&names[2999], &mut Listed::new()).is_some());
    }
}
