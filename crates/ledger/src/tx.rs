//! An append in progress: entries are encoded as they are pushed and written to the end of the
//! entries file in chunks, and references to earlier claims are resolved and checked against
//! the log and the entries pushed before. Nothing is committed until [`Log::append`] has
//! synced the file and moved the head; on any failure the file is cut back to where it was.

use crate::error::LedgerError;
use crate::format::{self, Entry};
use crate::log::{Head, Log};
use reckon_claim::{EntryHash, Event, Ref, Subject, Timestamp};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Write;

/// How many bytes of new entries are gathered before they are written.
const CHUNK: usize = 8 << 20;

/// Every this many bytes written, the pages written so far are sent to disk on another thread
/// while the append goes on, so that the sync that commits it has little left to wait for (a
/// machine with much memory would otherwise hold a whole large import in its page cache until
/// then).
#[cfg(not(test))]
const EARLY_SYNC: u64 = 64 << 20;
/// Small in tests, so that an append of a few hundred claims syncs early.
#[cfg(test)]
const EARLY_SYNC: u64 = 16 << 10;

/// The thread that syncs the entries file while an append writes it: one request at a time
/// (a request made while one is running waits for it; another is not queued). It ends when
/// its requests end, giving back the first error a sync met, which fails the append: after a
/// failed sync the kernel may count the pages as written, so the final sync cannot tell.
struct EarlySync {
    ask: Option<std::sync::mpsc::SyncSender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl EarlySync {
    fn start(file: &File) -> Option<EarlySync> {
        let file = file.try_clone().ok()?;
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("reckon-sync".into())
            .spawn(move || {
                while asked.recv().is_ok() {
                    file.sync_data()?;
                }
                Ok(())
            })
            .ok()?;
        Some(EarlySync {
            ask: Some(ask),
            thread: Some(thread),
        })
    }

    /// Asks for a sync; false when one is under way (or the thread has ended).
    fn ask(&self) -> bool {
        self.ask.as_ref().is_some_and(|a| a.try_send(()).is_ok())
    }

    /// Waits for the sync under way, if any; the first error a sync met.
    fn end(mut self) -> std::io::Result<()> {
        self.ask = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(synced)) => synced,
            Some(Err(_)) => Err(std::io::Error::other("the sync thread failed")),
            None => Ok(()),
        }
    }
}

impl Drop for EarlySync {
    /// An append that failed waits for the sync under way too: the thread holds a copy of the
    /// file's handle, and with it the append's lock.
    fn drop(&mut self) {
        self.ask = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Status {
    seq: u64,
    is_claim: bool,
    /// A definition (which a retraction may withdraw).
    is_definition: bool,
    retracted: bool,
    superseded_by: Option<u64>,
}

/// An append in progress; see [`Log::append`].
pub struct Tx<'a> {
    log: &'a Log,
    file: &'a File,
    /// Length of the entries file when the append began: everything after it is ours.
    base_len: u64,
    /// Bytes this append has written so far.
    written: u64,
    at: Timestamp,
    at_text: String,
    head: Head,
    buf: Vec<u8>,
    io_error: Option<std::io::Error>,
    /// Hashes by sequence number, from 1; loaded on the first reference.
    order: Vec<EntryHash>,
    status: Statuses,
    /// Subjects that have a claim or a definition, aliases, and sums: for checking new
    /// aliases and sums.
    subjects: Subjects,
    loaded: bool,
    /// Whether the log was ever read back (`loaded` is unset again by a push made ready).
    read_back: bool,
    pushed: u64,
    /// Every hash, sorted, once a reference by hash prefix needed them.
    sorted: Option<std::collections::BTreeSet<[u8; 32]>>,
    /// The claims taken on a reader's word ([`Tx::vouch`]): their numbers and hashes, for a
    /// reference by number.
    vouched: Vec<(u64, EntryHash)>,
    /// Of those, the ones a reader found by a hash prefix that no other committed entry's
    /// hash starts with ([`Vouched::prefix`]): the prefix and the hash, for a reference by
    /// that prefix.
    prefixes: Vec<(String, EntryHash)>,
    /// Whether `subjects` holds what a reader learnt of the log's subjects
    /// ([`Tx::vouch_subjects`]) and what was pushed since (unset by a push made ready, which
    /// notes nothing).
    subjects_vouched: bool,
    /// In a rehearsal ([`Log::rehearse`]), the lines that would have been written: nothing
    /// reaches the file.
    rehearsal: Option<Vec<u8>>,
    /// Syncs the file while a large append writes it (started at the first [`EARLY_SYNC`]
    /// bytes), with the bytes written when it was last asked.
    early: Option<(EarlySync, u64)>,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(
        log: &'a Log,
        file: &'a File,
        base_len: u64,
        head: Head,
        at: Timestamp,
    ) -> Tx<'a> {
        Tx {
            log,
            file,
            base_len,
            written: 0,
            at,
            at_text: at.to_string(),
            head,
            buf: Vec::new(),
            io_error: None,
            order: Vec::new(),
            status: Statuses::default(),
            subjects: Subjects::default(),
            loaded: false,
            read_back: false,
            pushed: 0,
            sorted: None,
            vouched: Vec::new(),
            prefixes: Vec::new(),
            subjects_vouched: false,
            rehearsal: None,
            early: None,
        }
    }

    /// A transaction whose lines are kept in memory instead of written.
    pub(crate) fn rehearsing(mut self) -> Tx<'a> {
        self.rehearsal = Some(Vec::new());
        self
    }

    /// Ends a rehearsal: the head it reached and the lines it would have appended.
    pub(crate) fn finish_rehearsal(mut self) -> (Head, Vec<u8>) {
        self.flush();
        (self.head, self.rehearsal.take().unwrap_or_default())
    }

    /// Writes what is left; returns the new head, or the first write error.
    pub(crate) fn finish(mut self) -> Result<Head, std::io::Error> {
        self.flush();
        let synced = match self.early.take() {
            Some((early, _)) => early.end(),
            None => Ok(()),
        };
        match self.io_error.take() {
            Some(e) => Err(e),
            None => synced.map(|()| self.head),
        }
    }

    fn flush(&mut self) {
        if let Some(r) = &mut self.rehearsal {
            r.extend_from_slice(&self.buf);
        } else if self.io_error.is_none() && !self.buf.is_empty() {
            let mut f = self.file;
            match f.write_all(&self.buf) {
                Ok(()) => {
                    self.written += self.buf.len() as u64;
                    self.sync_early();
                }
                Err(e) => self.io_error = Some(e),
            }
        }
        self.buf.clear();
    }

    /// Asks for the file to be synced on the [`EarlySync`] thread once another
    /// [`EARLY_SYNC`] bytes are written (not when a sync is still under way).
    fn sync_early(&mut self) {
        let last = self.early.as_ref().map_or(0, |e| e.1);
        if self.written - last < EARLY_SYNC {
            return;
        }
        if self.early.is_none() {
            self.early = EarlySync::start(self.file).map(|e| (e, 0));
        }
        if let Some((early, asked_at)) = &mut self.early
            && early.ask()
        {
            *asked_at = self.written;
        }
    }

    /// The time the new entries are stamped with.
    pub fn at(&self) -> Timestamp {
        self.at
    }

    /// How many entries have been pushed so far.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Whether this append has read the log back (to resolve a reference, or to check an
    /// alias or a sum).
    pub fn read_back(&self) -> bool {
        self.read_back
    }

    /// The head as it will be if the append succeeds now.
    pub fn head(&self) -> Head {
        self.head
    }

    fn load(&mut self) -> Result<(), LedgerError> {
        if self.loaded {
            return Ok(());
        }
        // Everything this append pushed so far is written first, then read back with what
        // was there: entries pushed ready-made (`push_prepared`) are indexed this way too.
        self.flush();
        if let Some(e) = self.io_error.take() {
            return Err(crate::error::io(&self.log.entries_path(), "append to")(e));
        }
        // Every entry read back a checked piece at a time (shape, hash and link), each noted
        // and let go: of a claim (nearly every entry) only its subject and the claim it
        // corrects are kept, read from its event's text as reckon writes it; a line written
        // otherwise, and any other event, is decoded briefly, every field checked.
        // Room for every entry the head counts, so that the maps never grow by rehashing.
        let entries = usize::try_from(self.head.seq).unwrap_or(0);
        let mut order = Vec::with_capacity(entries);
        let mut status = Statuses::with_capacity(entries);
        let mut subjects = Subjects::default();
        let mut note_all = |piece: &mut dyn Iterator<Item = Kept>, order: &mut Vec<EntryHash>| {
            for k in piece {
                match k {
                    Kept::Claim {
                        seq,
                        hash,
                        subject,
                        supersedes,
                    } => {
                        order.push(hash);
                        status.note_claim(seq, hash, supersedes.as_ref());
                        subjects.note_claim(subject);
                    }
                    Kept::Whole(e) => {
                        order.push(e.hash);
                        status.note(e.seq, e.hash, &e.event);
                        subjects.note(&e.event);
                    }
                }
            }
        };
        let kept = |h: &format::Header<'_>, line: &[u8], _| match Kept::of_text(h) {
            Some(k) => Ok(k),
            None => format::decode_brief(line)
                .map(|(_, b)| Kept::of(b))
                .map_err(|p| (h.seq, p)),
        };
        let mut bad = None;
        self.log.each_locked(
            self.base_len + self.written,
            crate::scan::Visit::Lines(&kept),
            &mut |piece| {
                let mut read = piece.into_iter().filter_map(|k| {
                    k.map_err(|first| {
                        bad.get_or_insert(first);
                    })
                    .ok()
                });
                note_all(&mut read, &mut order);
            },
        )?;
        if let Some((line, problem)) = bad {
            return Err(LedgerError::Damaged {
                path: self.log.entries_path(),
                problem: crate::Problem::Line { line, problem },
            });
        }
        if let Some(r) = &self.rehearsal {
            // Our own lines, made by `push_json` moments ago.
            let mut own = Vec::new();
            for line in r.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let at = (order.len() + own.len()) as u64 + 1;
                let entry = format::decode(line).map_err(|p| LedgerError::Damaged {
                    path: self.log.entries_path(),
                    problem: crate::Problem::Line {
                        line: at,
                        problem: p,
                    },
                })?;
                own.push(Kept::Whole(Box::new(entry)));
            }
            note_all(&mut own.into_iter(), &mut order);
        }
        self.subjects = subjects;
        self.order = order;
        self.status = status;
        self.sorted = None;
        self.vouched.clear();
        self.prefixes.clear();
        self.subjects_vouched = false;
        self.loaded = true;
        self.read_back = true;
        Ok(())
    }

    /// The entries committed after entry `seq` when this append began (for a reader that
    /// learnt the log up to `seq` before taking the lock). Checks the whole log at the speed
    /// of hashing and decodes only those entries, each checked as a decoded entry is (the
    /// reader decoded the ones before when it learnt them).
    pub fn committed_after(&mut self, seq: u64) -> Result<Vec<Entry>, LedgerError> {
        let mut after = Vec::new();
        let mut bad = None;
        let later = |h: &format::Header<'_>, line: &[u8], _| {
            (h.seq > seq).then(|| format::decode(line).map_err(|p| (h.seq, p)))
        };
        self.log.each_locked(
            self.base_len,
            crate::scan::Visit::Lines(&later),
            &mut |piece| {
                for decoded in piece.into_iter().flatten() {
                    match decoded {
                        Ok(e) => after.push(e),
                        Err(first) => {
                            bad.get_or_insert(first);
                        }
                    }
                }
            },
        )?;
        match bad {
            None => Ok(after),
            Some((line, problem)) => Err(LedgerError::Damaged {
                path: self.log.entries_path(),
                problem: crate::Problem::Line { line, problem },
            }),
        }
    }

    /// Takes what a caller learnt of one claim through the saved index ([`Vouched`]) in place
    /// of reading the log back for a reference to it (by its whole hash, by its number, or by
    /// the prefix it was found by):
    /// only when the log's head under this append's lock is the head it was learnt at and
    /// nothing was pushed or read back yet. A reference to any other entry reads the log back
    /// as before (which then replaces what was taken). Returns whether it was taken.
    pub fn vouch(&mut self, v: &Vouched) -> bool {
        let fresh = self.untouched_at(v.at) && v.seq <= v.at.seq;
        if fresh && !self.status.contains(&v.hash) {
            self.status.note_vouched(v);
            self.vouched.push((v.seq, v.hash));
        }
        if let Some(prefix) = v.prefix.as_ref().filter(|_| fresh)
            && !self.prefixes.iter().any(|(p, _)| p == prefix)
        {
            self.prefixes.push((prefix.clone(), v.hash));
        }
        fresh
    }

    /// The entry a reference by hash `prefix` names when a reader vouched that it is the only
    /// committed entry whose hash starts with it, and no entry this append pushed has such a
    /// hash either (all of them are in `order` unless a push was made ready, which keeps no
    /// hash: then `None`, as for any other prefix, and the log is read back to say which
    /// entries it names).
    fn vouched_prefix(&self, prefix: &str) -> Option<EntryHash> {
        if self.loaded || self.order.len() as u64 != self.pushed {
            return None;
        }
        let (_, hash) = self.prefixes.iter().find(|(p, _)| p == prefix)?;
        let pushed = self.order.iter().any(|h| h.has_hex_prefix(prefix));
        (!pushed).then_some(*hash)
    }

    /// Whether the log's head under this append's lock is `at` and nothing was pushed or
    /// read back yet: when what a reader learnt at `at` may stand for the log.
    fn untouched_at(&self, at: Head) -> bool {
        !self.loaded && self.pushed == 0 && self.head == at
    }

    /// Takes what a caller learnt of the log's subjects through the saved index
    /// ([`VouchedSubjects`]) in place of reading the log back to check a new alias or sum:
    /// under the same conditions as [`Tx::vouch`]. Every alias, definition and sum it holds
    /// is taken as the log's; of the names claims are written under, only those it lists,
    /// so an alias that stands for a name it does not list reads the log back before it is
    /// refused. Returns whether it was taken.
    pub fn vouch_subjects(&mut self, v: &VouchedSubjects) -> bool {
        let fresh = self.untouched_at(v.at);
        if fresh {
            let mut subjects = Subjects::default();
            for e in &v.events {
                subjects.note(&e.event);
            }
            for name in &v.claimed {
                subjects.note_claim(name.clone());
            }
            self.subjects = subjects;
            self.subjects_vouched = true;
        }
        fresh
    }

    /// Turns a reference into an entry hash, checking it names a claim that `field` (`retract`
    /// or `supersedes`) may point at. The message is for the user.
    pub fn resolve(&mut self, field: &str, r: &Ref) -> Result<EntryHash, String> {
        // A whole hash already noted (every entry, once the log was read back; else a claim
        // vouched for, or pushed by this append) names that entry; so does the number of a
        // claim vouched for (it was committed before this append began), and the prefix it
        // was found by when that names no other entry.
        let known = match r {
            Ref::Hash(p) if p.len() < 64 => self.vouched_prefix(p),
            Ref::Hash(p) => EntryHash::from_hex(p).filter(|h| self.status.contains(h)),
            Ref::Seq(n) if !self.loaded => {
                self.vouched.iter().find(|(seq, _)| seq == n).map(|v| v.1)
            }
            Ref::Seq(_) => None,
        };
        if let Some(hash) = known {
            self.check_target(field, &hash)?;
            return Ok(hash);
        }
        self.load().map_err(|e| e.to_string())?;
        let hash = match r {
            Ref::Seq(n) => *n
                .checked_sub(1)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| self.order.get(i))
                .ok_or_else(|| {
                    format!(
                        "there is no entry #{n}; the log has {} entries",
                        self.order.len()
                    )
                })?,
            Ref::Hash(prefix) => {
                // The hashes in order, so that a prefix is a range: O(log n) a reference.
                let sorted = self
                    .sorted
                    .get_or_insert_with(|| self.order.iter().map(|h| h.0).collect());
                let lo = prefix_bound(prefix, 0);
                let mut found = sorted
                    .range(lo..)
                    .take(2)
                    .map(|b| EntryHash(*b))
                    .filter(|h| h.has_hex_prefix(prefix));
                match (found.next(), found.next()) {
                    (Some(h), None) => h,
                    (None, _) => {
                        let near = crate::NearHashes::of(&crate::EntryId::Prefix(prefix.clone()));
                        let note = near
                            .map_or_else(String::new, |near| near.among((1..).zip(&self.order)));
                        return Err(format!("no entry's hash starts with `{prefix}`{note}"));
                    }
                    (Some(a), Some(b)) => {
                        return Err(format!(
                            "`{prefix}` is ambiguous: it starts both {a} and {b}; give more digits"
                        ));
                    }
                }
            }
        };
        self.check_target(field, &hash)?;
        Ok(hash)
    }

    fn check_target(&mut self, field: &str, hash: &EntryHash) -> Result<(), String> {
        if !self.status.contains(hash) {
            self.load().map_err(|e| e.to_string())?;
        }
        target_ok(&self.status, field, hash)
    }

    /// Adds an event; refuses a retraction or supersession whose target is not a live claim.
    pub fn push(&mut self, event: &Event) -> Result<(u64, EntryHash), String> {
        match event {
            Event::Retract { claim, .. } => self.check_target("retract", claim)?,
            Event::Claim(c) => {
                if let Some(t) = &c.supersedes {
                    self.check_target("supersedes", t)?;
                }
            }
            Event::Alias { subject, same_as } => {
                // What was vouched for answers when it knows the name stood for.
                if !(self.subjects_vouched && self.subjects.known.contains(same_as)) {
                    self.load().map_err(|e| e.to_string())?;
                }
                self.subjects.check_alias(subject, same_as)?;
            }
            Event::Define(d) if !d.sum_of.is_empty() => {
                if !self.subjects_vouched {
                    self.load().map_err(|e| e.to_string())?;
                }
                self.subjects.check_sum(&d.subject, &d.sum_of)?;
            }
            Event::Log(_) => first_entry_only(self.head.seq + 1)?,
            Event::Define(_) | Event::Trust(_) => {}
        }
        let json = serde_json::to_string(event).map_err(|e| e.to_string())?;
        let (seq, hash) = self.push_json(json.as_bytes());
        self.order.push(hash);
        if let Some(sorted) = &mut self.sorted {
            sorted.insert(hash.0);
        }
        self.status.note(seq, hash, event);
        self.subjects.note(event);
        Ok((seq, hash))
    }

    /// Adds an event already serialised by the import's parallel reader. Only for appends in
    /// which no event refers to another: it keeps no index for resolving references.
    pub(crate) fn push_prepared(&mut self, json: &[u8]) -> (u64, EntryHash) {
        // Not indexed: a later reference reloads what was written.
        self.loaded = false;
        self.subjects_vouched = false;
        self.push_json(json)
    }

    fn push_json(&mut self, json: &[u8]) -> (u64, EntryHash) {
        let seq = self.head.seq + 1;
        let hash = format::encode_into(&mut self.buf, seq, &self.head.hash, &self.at_text, json);
        self.head = Head { seq, hash };
        self.pushed += 1;
        if self.buf.len() >= CHUNK {
            self.flush();
        }
        (seq, hash)
    }
}

/// Replays `entries` in order, checking each event's references the way an append checks
/// them: a retraction or supersession names an earlier claim that is still live, an alias
/// names a known subject and closes no cycle, a sum contains neither itself nor a cycle.
/// Returns the first entry that breaks one, with why.
pub fn check_references(entries: &[Entry]) -> Result<(), (u64, String)> {
    let mut references = References::with_capacity(entries.len());
    entries.iter().try_for_each(|e| references.check(e))
}

/// [`check_references`] an entry at a time, in log order: what a pass that keeps no entry
/// checks the references with. It holds, for every entry seen, what a later reference needs
/// of it (its number and whether it is a live claim or definition), never the entry.
#[derive(Default)]
pub struct References {
    status: Statuses,
    subjects: Subjects,
}

impl References {
    /// Room for `n` entries.
    pub fn with_capacity(n: usize) -> References {
        References {
            status: Statuses::with_capacity(n),
            subjects: Subjects::default(),
        }
    }

    /// Checks the references of `e`, the entry after those checked before, and notes it for
    /// the entries after it. An entry that breaks one is returned with why (its number and
    /// the reason), and is not noted.
    pub fn check(&mut self, e: &Entry) -> Result<(), (u64, String)> {
        let (status, subjects) = (&self.status, &mut self.subjects);
        let checked = match &e.event {
            Event::Retract { claim, .. } => {
                target_ok(status, "retract", claim).map_err(|m| format!("`retract`: {m}"))
            }
            Event::Claim(c) if c.speaker.is_none() && c.publisher.is_none() => Err(
                "a claim names its speaker or its publisher (the import contract); this one names neither"
                    .to_owned(),
            ),
            Event::Claim(c) => match &c.supersedes {
                Some(t) => {
                    target_ok(status, "supersedes", t).map_err(|m| format!("`supersedes`: {m}"))
                }
                None => Ok(()),
            },
            Event::Alias { subject, same_as } => subjects.check_alias(subject, same_as),
            Event::Define(d) if !d.sum_of.is_empty() => subjects.check_sum(&d.subject, &d.sum_of),
            Event::Log(_) => first_entry_only(e.seq),
            Event::Define(_) | Event::Trust(_) => Ok(()),
        };
        checked.map_err(|m| (e.seq, m))?;
        self.status.note(e.seq, e.hash, &e.event);
        self.subjects.note(&e.event);
        Ok(())
    }
}

/// A log declares its origin and tree hash once, in its first entry: before any checkpoint
/// of it can exist, so that no checkpoint of the same entries ever names another origin.
fn first_entry_only(seq: u64) -> Result<(), String> {
    if seq == 1 {
        Ok(())
    } else {
        Err(format!(
            "a `log` event (the log's origin) can only be entry #1, not #{seq}: a log's name is fixed when it is made (reckon init --origin)"
        ))
    }
}

/// Whether `hash` names a live claim that `field` (`retract` or `supersedes`) may point at;
/// the message is for the user. One check for appends and for deep verification.
fn target_ok(status: &Statuses, field: &str, hash: &EntryHash) -> Result<(), String> {
    let s = status
        .get(hash)
        .ok_or_else(|| format!("no entry has the hash {hash}"))?;
    if s.is_definition && field == "retract" {
        if s.retracted {
            return Err(format!("the definition at #{} is already withdrawn", s.seq));
        }
        return Ok(());
    }
    if !s.is_claim {
        return Err(if field == "retract" {
            format!(
                "entry #{} is neither a claim nor a definition: only those can be retracted",
                s.seq
            )
        } else {
            format!("entry #{} is not a claim", s.seq)
        });
    }
    if s.retracted {
        return Err(format!("claim #{} is already retracted", s.seq));
    }
    if field == "supersedes"
        && let Some(by) = s.superseded_by
    {
        return Err(format!(
            "claim #{} is already superseded by #{by}; supersede that one instead",
            s.seq
        ));
    }
    Ok(())
}

/// The smallest 32 bytes whose hex form starts with `prefix` (lowercase hex digits), the rest
/// filled with `fill`.
fn prefix_bound(prefix: &str, fill: u8) -> [u8; 32] {
    let mut out = [fill; 32];
    for (i, c) in prefix.bytes().take(64).enumerate() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => 0,
        };
        let b = &mut out[i / 2];
        *b = if i % 2 == 0 {
            (v << 4) | (*b & 15)
        } else {
            (*b & 0xf0) | v
        };
    }
    out
}

/// What a reader learnt of one claim or definition, at the log's head `at`, from every entry
/// that could change its fate (through the saved index: a claim's subject's part, which
/// holds every retraction and every correction of its claims; for a definition, every entry
/// that is not a claim): for [`Tx::vouch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vouched {
    /// The head the fate was learnt at.
    pub at: Head,
    /// The entry's number.
    pub seq: u64,
    /// The entry's hash.
    pub hash: EntryHash,
    /// Whether it is a definition (which a retraction may withdraw) rather than a claim.
    pub definition: bool,
    /// Whether an entry retracted it.
    pub retracted: bool,
    /// The last entry that superseded it, if any (a claim's only).
    pub superseded_by: Option<u64>,
    /// The hash prefix (fewer than 64 digits, in lower case) it was found by, when no other
    /// entry committed by `at` has a hash that starts with it: a reference by that prefix
    /// then names it.
    pub prefix: Option<String>,
}

/// What a reader learnt through the saved index for an append, before it began: the claims
/// its references name ([`Tx::vouch`]) and the log's subjects ([`Tx::vouch_subjects`]).
#[derive(Clone, Debug, Default)]
pub struct Vouches {
    /// Claims, with their fates.
    pub claims: Vec<Vouched>,
    /// The log's aliases, definitions and sums, and names claims are written under.
    pub subjects: Option<VouchedSubjects>,
}

/// What a reader learnt of a log's subjects at its head `at` through the saved index, for
/// checking new aliases and sums ([`Tx::vouch_subjects`]): every entry that is not a claim
/// (every alias, definition and sum), and names that claims are written under.
#[derive(Clone, Debug)]
pub struct VouchedSubjects {
    /// The head they were learnt at.
    pub at: Head,
    /// Every entry of the log that is not a claim, in log order.
    pub events: Vec<Entry>,
    /// Names some claim of the log is written under (those an input's aliases stand for).
    pub claimed: Vec<Subject>,
}

/// What a later reference needs of every entry seen (see [`target_ok`]): its number, whether
/// it is a claim or a definition, whether it was retracted, and what superseded it. About 40
/// bytes an entry: its number by its hash, the three marks in the number's top bits; the
/// rare supersessions beside.
#[derive(Debug, Default)]
struct Statuses {
    noted: HashMap<EntryHash, u64>,
    superseded_by: HashMap<EntryHash, u64>,
}

/// The marks kept in the top bits of an entry's number in [`Statuses`] (no log has 2^61
/// entries).
const CLAIM: u64 = 1 << 63;
const DEFINITION: u64 = 1 << 62;
const RETRACTED: u64 = 1 << 61;
const SEQ: u64 = RETRACTED - 1;

impl Statuses {
    fn with_capacity(n: usize) -> Statuses {
        Statuses {
            noted: HashMap::with_capacity(n),
            superseded_by: HashMap::new(),
        }
    }

    fn contains(&self, hash: &EntryHash) -> bool {
        self.noted.contains_key(hash)
    }

    fn get(&self, hash: &EntryHash) -> Option<Status> {
        let n = *self.noted.get(hash)?;
        Some(Status {
            seq: n & SEQ,
            is_claim: n & CLAIM != 0,
            is_definition: n & DEFINITION != 0,
            retracted: n & RETRACTED != 0,
            superseded_by: self.superseded_by.get(hash).copied(),
        })
    }

    /// Notes entry `seq` (its `hash` and `event`), and what it does to the entry it names.
    fn note(&mut self, seq: u64, hash: EntryHash, event: &Event) {
        let kind = match event {
            Event::Claim(c) => return self.note_claim(seq, hash, c.supersedes.as_ref()),
            Event::Define(_) => DEFINITION,
            _ => 0,
        };
        self.noted.insert(hash, (seq & SEQ) | kind);
        if let Event::Retract { claim, .. } = event
            && let Some(n) = self.noted.get_mut(claim)
        {
            *n |= RETRACTED;
        }
    }

    /// What a reader vouched for of one claim or definition: its number, kind and fate.
    fn note_vouched(&mut self, v: &Vouched) {
        let kind = if v.definition { DEFINITION } else { CLAIM };
        let retracted = if v.retracted { RETRACTED } else { 0 };
        self.noted.insert(v.hash, (v.seq & SEQ) | kind | retracted);
        if let Some(by) = v.superseded_by {
            self.superseded_by.insert(v.hash, by);
        }
    }

    /// [`Statuses::note`] of a claim, which corrects the claim `supersedes` names, if any.
    fn note_claim(&mut self, seq: u64, hash: EntryHash, supersedes: Option<&EntryHash>) {
        self.noted.insert(hash, (seq & SEQ) | CLAIM);
        if let Some(t) = supersedes.filter(|t| self.noted.contains_key(*t)) {
            self.superseded_by.insert(*t, seq);
        }
    }
}

/// What an append's read-back keeps of an entry (see [`Tx::load`]): of a claim its number,
/// hash, subject and the claim it corrects; any other event whole.
enum Kept {
    Claim {
        seq: u64,
        hash: EntryHash,
        subject: Subject,
        supersedes: Option<EntryHash>,
    },
    Whole(Box<Entry>),
}

impl Kept {
    /// A claim read from its event's text alone, when the log wrote it as reckon writes one
    /// (its subject first, no escape anywhere: every text in it is then the very bytes
    /// between two quotes, so `"supersedes":"` can only be that key); `None` for any other
    /// line, which is decoded instead.
    fn of_text(h: &format::Header<'_>) -> Option<Kept> {
        const CORRECTS: &str = r#""supersedes":""#;
        let rest = h
            .event_json
            .strip_prefix(r#"{"type":"claim","subject":""#)?;
        if h.event_json.contains('\\') {
            return None;
        }
        let subject = Subject::parse(&rest[..rest.find('"')?]).ok()?;
        let supersedes = match rest.find(CORRECTS) {
            Some(at) => {
                let from = at + CORRECTS.len();
                Some(EntryHash::from_hex(rest.get(from..from + 64)?)?)
            }
            None => None,
        };
        Some(Kept::Claim {
            seq: h.seq,
            hash: h.hash,
            subject,
            supersedes,
        })
    }

    fn of(b: format::Brief<'_>) -> Kept {
        match b {
            format::Brief::Claim {
                seq, hash, claim, ..
            } => Kept::Claim {
                seq,
                hash,
                subject: claim.subject,
                supersedes: claim.supersedes,
            },
            format::Brief::Whole(e) => Kept::Whole(Box::new(e)),
        }
    }
}

/// What the log says about subjects, as far as new aliases and sums must be checked.
#[derive(Debug, Default)]
struct Subjects {
    known: HashSet<Subject>,
    aliases: HashMap<Subject, Subject>,
    sums: HashMap<Subject, Vec<Subject>>,
}

impl Subjects {
    fn note(&mut self, event: &Event) {
        match event {
            Event::Claim(c) => {
                if !self.known.contains(&c.subject) {
                    self.known.insert(c.subject.clone());
                }
            }
            Event::Define(d) => {
                self.known.insert(d.subject.clone());
                self.sums.insert(d.subject.clone(), d.sum_of.clone());
            }
            Event::Alias { subject, same_as } => {
                self.known.insert(subject.clone());
                self.aliases.insert(subject.clone(), same_as.clone());
            }
            Event::Retract { .. } | Event::Trust(_) | Event::Log(_) => {}
        }
    }

    /// [`Subjects::note`] of a claim on `subject`.
    fn note_claim(&mut self, subject: Subject) {
        self.known.insert(subject);
    }

    /// The name `s` stands for, following aliases (bounded, in case of a hand-made cycle).
    fn canonical<'a>(&'a self, s: &'a Subject) -> &'a Subject {
        reckon_claim::follow_aliases(s, self.aliases.len(), |s| self.aliases.get(s))
    }

    fn check_alias(&self, subject: &Subject, same_as: &Subject) -> Result<(), String> {
        if subject == same_as {
            return Err(format!("`{subject}` cannot be an alias of itself"));
        }
        if !self.known.contains(same_as) {
            return Err(format!(
                "`{same_as}` is not a known subject (no claim or definition names it); define it first"
            ));
        }
        // Following the new alias must not lead back to `subject`.
        let mut cur = same_as;
        let mut path = vec![subject.as_str(), same_as.as_str()];
        for _ in 0..=self.aliases.len() {
            match self.aliases.get(cur) {
                Some(next) if next == subject => {
                    path.push(next.as_str());
                    return Err(format!(
                        "this alias would make a cycle: {}",
                        path.join(" -> ")
                    ));
                }
                Some(next) => {
                    path.push(next.as_str());
                    cur = next;
                }
                None => return Ok(()),
            }
        }
        Ok(())
    }

    fn check_sum(&self, whole: &Subject, parts: &[Subject]) -> Result<(), String> {
        let w = self.canonical(whole);
        let mut seen = HashSet::new();
        for p in parts {
            let pc = self.canonical(p);
            if pc == w {
                return Err(format!(
                    "`{whole}` cannot be a part of itself (through `{p}`)"
                ));
            }
            if !seen.insert(pc) {
                return Err(format!("`{p}` is listed twice among the parts"));
            }
        }
        // No part may contain the whole, however deep.
        let mut stack: Vec<(&Subject, Vec<&str>)> = parts
            .iter()
            .map(|p| (self.canonical(p), vec![whole.as_str(), p.as_str()]))
            .collect();
        let mut visited = HashSet::new();
        while let Some((s, path)) = stack.pop() {
            if !visited.insert(s) {
                continue;
            }
            for q in self.sums.get(s).into_iter().flatten() {
                let qc = self.canonical(q);
                let mut path = path.clone();
                path.push(q.as_str());
                if qc == w {
                    return Err(format!(
                        "this sum would make a cycle: {}",
                        path.join(" is the sum of ")
                    ));
                }
                stack.push((qc, path));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> Log {
        let dir = std::env::temp_dir().join(format!("reckon-tx-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let log = Log::at(dir);
        log.init().expect("init");
        log
    }

    /// Pushes `n` claims, flushing every few so that the file is written as an import writes
    /// it; returns whether the file was asked to sync before the append ended.
    fn push_claims(tx: &mut Tx<'_>, n: usize) -> bool {
        for i in 0..n {
            let line = format!(
                r#"{{"subject": "a/b", "value": "{i}", "said_on": "2025", "speaker": "Speaker number {i}", "quote": "{}"}}"#,
                "words ".repeat(20)
            );
            let event =
                reckon_claim::input::parse_line(&line, &mut |_, _| Err("no references".to_owned()))
                    .expect("a claim");
            tx.push(&event).expect("pushed");
            if i % 50 == 0 {
                tx.flush();
            }
        }
        tx.flush();
        tx.early.is_some()
    }

    /// A new log named `name` with three claims: it, its head and their hashes.
    fn three_claims(name: &str) -> (Log, Head, Vec<EntryHash>) {
        let log = scratch(name);
        let (head, ()) = log
            .append(|tx| {
                push_claims(tx, 3);
                Ok::<_, LedgerError>(())
            })
            .expect("appended");
        let hashes: Vec<EntryHash> = log
            .entries()
            .expect("read")
            .iter()
            .map(|e| e.hash)
            .collect();
        (log, head, hashes)
    }

    /// Claim #2 of [`three_claims`], vouched for as live at `head`.
    fn live_second(head: Head, hashes: &[EntryHash]) -> Vouched {
        Vouched {
            at: head,
            seq: 2,
            hash: hashes[1],
            definition: false,
            retracted: false,
            superseded_by: None,
            prefix: None,
        }
    }

    /// What a rehearsal resolves `r` to (for `field`) after offering it `v` (`taken`: whether
    /// the vouch is taken), which must read the log back to answer.
    fn read_back_after(
        log: &Log,
        (v, taken): (&Vouched, bool),
        field: &str,
        r: &Ref,
    ) -> Result<EntryHash, String> {
        let (_, resolved, _) = log
            .rehearse(|tx| {
                assert_eq!(tx.vouch(v), taken);
                let resolved = tx.resolve(field, r);
                assert!(tx.loaded, "the log was not read back");
                Ok::<_, LedgerError>(resolved)
            })
            .expect("rehearsed");
        resolved
    }

    /// A claim vouched for at the head the append finds is resolved by its whole hash without
    /// the log read back, with the fate it was vouched with; one vouched for at another head
    /// (the log moved since) is not taken, and the log is read back as before.
    #[test]
    fn a_vouched_claim_is_taken_only_at_the_head_it_was_learnt_at() {
        let (log, head, hashes) = three_claims("vouch");
        let claim = Ref::Hash(hashes[1].to_hex());
        let vouched = Vouched {
            superseded_by: Some(3),
            ..live_second(head, &hashes)
        };
        let (_, said) = log
            .rehearse(|tx| {
                assert!(tx.vouch(&vouched));
                let retract = tx.resolve("retract", &claim);
                let supersede = tx.resolve("supersedes", &claim);
                assert!(!tx.loaded, "the log was read back");
                Ok::<_, LedgerError>((retract, supersede))
            })
            .map(|(h, r, _)| (h, r))
            .expect("rehearsed");
        assert_eq!(said.0, Ok(hashes[1]));
        assert_eq!(
            said.1,
            Err("claim #2 is already superseded by #3; supersede that one instead".to_owned())
        );
        let moved = Vouched {
            at: Head {
                seq: 2,
                hash: hashes[1],
            },
            ..vouched
        };
        let resolved = read_back_after(&log, (&moved, false), "supersedes", &claim);
        // Read back, the claim was never superseded.
        assert_eq!(resolved, Ok(hashes[1]));
    }

    /// A claim vouched for is named by its number as well as by its whole hash, and what the
    /// append does to it counts: once retracted in it, a second retraction is refused, both
    /// before and after a reference that was not vouched for reads the log back (with the
    /// append's own lines).
    #[test]
    fn a_vouched_claim_is_named_by_its_number_and_the_appends_own_retraction_counts() {
        let (log, head, hashes) = three_claims("vouch-seq");
        let vouched = live_second(head, &hashes);
        let (_, said, _) = log
            .rehearse(|tx| {
                assert!(tx.vouch(&vouched));
                let first = tx.resolve("retract", &Ref::Seq(2));
                let retraction = Event::Retract {
                    claim: hashes[1],
                    reason: "wrong".to_owned(),
                };
                tx.push(&retraction).expect("pushed");
                let again = tx.resolve("retract", &Ref::Seq(2));
                assert!(!tx.loaded, "the log was read back");
                let other = tx.resolve("retract", &Ref::Seq(3));
                assert!(tx.loaded, "the log was not read back");
                let after = tx.resolve("retract", &Ref::Seq(2));
                Ok::<_, LedgerError>([first, again, other, after])
            })
            .expect("rehearsed");
        let retracted = Err("claim #2 is already retracted".to_owned());
        assert_eq!(
            said,
            [Ok(hashes[1]), retracted.clone(), Ok(hashes[2]), retracted]
        );
    }

    /// A claim vouched for as the only committed entry a hash prefix names is named by that
    /// prefix without the log read back, and by no other prefix. Once the append has pushed
    /// an entry whose hash starts with the prefix too, the vouch does not answer: the log is
    /// read back, and says the prefix is ambiguous; so it is after a push made ready.
    #[test]
    fn a_vouched_prefix_names_its_claim_until_the_append_pushes_another_of_it() {
        let (log, head, hashes) = three_claims("vouch-prefix");
        // The shortest prefix of claim #2's hash that the others' do not start with.
        let hex = hashes[1].to_hex();
        let prefix = (1..=64)
            .map(|n| &hex[..n])
            .find(|p| !hashes[0].has_hex_prefix(p) && !hashes[2].has_hex_prefix(p))
            .expect("distinct hashes")
            .to_owned();
        let vouched = Vouched {
            prefix: Some(prefix.clone()),
            ..live_second(head, &hashes)
        };
        let other = Ref::Hash(hashes[2].to_hex()[..12].to_owned());
        let (_, said, _) = log
            .rehearse(|tx| {
                assert!(tx.vouch(&vouched));
                let named = tx.resolve("retract", &Ref::Hash(prefix.clone()));
                assert!(!tx.loaded, "the log was read back");
                // The append's own claims, until one's hash starts with the prefix too.
                let mut n = 0;
                while !tx.order.iter().any(|h| h.has_hex_prefix(&prefix)) {
                    push_claims(tx, 1);
                    n += 1;
                    assert!(n < 100_000, "no hash starts with {prefix}");
                }
                let twice = tx.resolve("retract", &Ref::Hash(prefix.clone()));
                assert!(tx.loaded, "the log was not read back");
                Ok::<_, LedgerError>([named, twice])
            })
            .expect("rehearsed");
        assert_eq!(said[0], Ok(hashes[1]));
        let twice = said[1].clone().expect_err("ambiguous");
        assert!(twice.contains("is ambiguous"), "{twice}");
        // A push made ready keeps no hash, so once one is made the vouch does not answer:
        // here one whose hash starts with the prefix too.
        let (_, ready, _) = log
            .rehearse(|tx| {
                assert!(tx.vouch(&vouched));
                let mut n = 0;
                loop {
                    let line = format!(r#"{{"define": "r/{n}", "unit": "people"}}"#);
                    let event = reckon_claim::input::parse_line(&line, &mut |_, _| {
                        Err("no references".to_owned())
                    })
                    .expect("a definition");
                    let json = serde_json::to_vec(&event).expect("written");
                    if tx.push_prepared(&json).1.has_hex_prefix(&prefix) {
                        break;
                    }
                    n += 1;
                    assert!(n < 100_000, "no hash starts with {prefix}");
                }
                let r = tx.resolve("retract", &Ref::Hash(prefix.clone()));
                assert!(tx.loaded, "the log was not read back");
                Ok::<_, LedgerError>(r)
            })
            .expect("rehearsed");
        assert!(ready.is_err_and(|e| e.contains("is ambiguous")));
        // Another prefix is not vouched for: it reads the log back.
        let resolved = read_back_after(&log, (&vouched, true), "retract", &other);
        assert_eq!(resolved, Ok(hashes[2]));
    }

    /// The log's subjects vouched for answer an alias of a name they list without the log
    /// read back; an alias of a name they do not list reads it back before it is refused.
    /// After a push made ready (which notes nothing: here a definition that ends a sum) they
    /// answer no more, and the log is read back with that push: the sum it ended closes no
    /// cycle.
    #[test]
    fn vouched_subjects_answer_what_they_list_until_a_ready_push() {
        let (log, _, _) = three_claims("vouch-subjects");
        let event = |line: &str| {
            reckon_claim::input::parse_line(line, &mut |_, _| Err(String::new())).expect("read")
        };
        let whole = r#"{"define": "w/all", "unit": "people", "sum_of": ["a/b", "c/d"]}"#;
        let (head, ()) = log
            .append(|tx| {
                tx.push(&event(whole)).expect("pushed");
                Ok::<_, LedgerError>(())
            })
            .expect("appended");
        let events: Vec<Entry> = log
            .entries()
            .expect("read")
            .into_iter()
            .filter(|e| !matches!(e.event, Event::Claim(_)))
            .collect();
        let vouched = VouchedSubjects {
            at: head,
            events,
            claimed: vec![Subject::parse("a/b").expect("a subject")],
        };
        let alias = |subject: &str, same_as: &str| {
            event(&format!(
                r#"{{"alias": "{subject}", "same_as": "{same_as}"}}"#
            ))
        };
        let (_, (listed, unknown), _) = log
            .rehearse(|tx| {
                assert!(tx.vouch_subjects(&vouched));
                let listed = tx.push(&alias("x/c", "a/b")).map(|_| ());
                assert!(!tx.loaded, "the log was read back");
                let unknown = tx.push(&alias("x/d", "n/new")).map(|_| ());
                assert!(tx.loaded, "the log was not read back");
                Ok::<_, LedgerError>((listed, unknown))
            })
            .expect("rehearsed");
        assert_eq!(listed, Ok(()));
        let unknown_said =
            "`n/new` is not a known subject (no claim or definition names it); define it first";
        assert_eq!(unknown, Err(unknown_said.to_owned()));
        let (_, (cycle, ended), _) = log
            .rehearse(|tx| {
                assert!(tx.vouch_subjects(&vouched));
                let part_of_itself = r#"{"define": "a/b", "sum_of": ["w/all"]}"#;
                // `w/all` is the sum of `a/b`: as vouched for, a cycle.
                let cycle = tx.push(&event(part_of_itself)).map(|_| ());
                assert!(!tx.loaded, "the log was read back");
                let no_sum = r#"{"define": "w/all", "unit": "people"}"#;
                let json = serde_json::to_vec(&event(no_sum)).expect("written");
                tx.push_prepared(&json);
                let ended = tx.push(&event(part_of_itself)).map(|_| ());
                assert!(tx.loaded, "the log was not read back");
                Ok::<_, LedgerError>((cycle, ended))
            })
            .expect("rehearsed");
        assert!(cycle.is_err_and(|e| e.starts_with("this sum would make a cycle")));
        assert_eq!(ended, Ok(()));
    }

    /// An append that writes more than [`EARLY_SYNC`] asks for the file to be synced while it
    /// writes, and commits every entry; one that fails after that leaves the log as it was,
    /// and its sync thread has ended with it (the next append takes the lock at once).
    #[test]
    fn a_large_append_syncs_as_it_writes_and_commits_or_leaves_nothing() {
        let log = scratch("early-sync");
        let (head, early) = log
            .append(|tx| Ok::<_, LedgerError>(push_claims(tx, 400)))
            .expect("appended");
        assert!(early, "the file was not synced early");
        assert_eq!(head.seq, 400);
        assert_eq!(log.verify().expect("read").expect("verified"), head);
        let len = std::fs::metadata(log.entries_path()).expect("file").len();
        let failed = log.append(|tx| {
            assert!(push_claims(tx, 400));
            Err::<(), _>(LedgerError::BadSourceDateEpoch("stopped on purpose".into()))
        });
        assert!(failed.is_err());
        assert_eq!(
            std::fs::metadata(log.entries_path()).expect("file").len(),
            len
        );
        let now = log.waiting(crate::fsx::LockWait {
            limit: Some(std::time::Duration::ZERO),
            notice: None,
        });
        let (after, _) = now
            .append(|tx| Ok::<_, LedgerError>(push_claims(tx, 1)))
            .expect("the lock is free");
        assert_eq!(after.seq, 401);
        assert_eq!(now.verify().expect("read").expect("verified"), after);
    }

    /// A prefix looked up in the sorted hashes finds exactly what scanning every hash finds.
    #[test]
    fn prefix_ranges_find_what_a_scan_finds() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let hashes: Vec<EntryHash> = (0..300)
            .map(|_| {
                let mut b = [0u8; 32];
                for byte in &mut b {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *byte = (x >> 56) as u8;
                }
                EntryHash(b)
            })
            .collect();
        let sorted: std::collections::BTreeSet<[u8; 32]> = hashes.iter().map(|h| h.0).collect();
        for h in &hashes {
            let hex = h.to_hex();
            for len in [1, 2, 3, 4, 5, 7, 64] {
                let prefix = &hex[..len];
                let by_scan: Vec<EntryHash> = hashes
                    .iter()
                    .filter(|g| g.to_hex().starts_with(prefix))
                    .copied()
                    .collect();
                let by_range: Vec<EntryHash> = sorted
                    .range(prefix_bound(prefix, 0)..)
                    .map(|b| EntryHash(*b))
                    .take_while(|g| g.has_hex_prefix(prefix))
                    .collect();
                let mut by_scan = by_scan;
                by_scan.sort_by_key(|g| g.0);
                assert_eq!(by_range, by_scan, "prefix {prefix}");
            }
        }
    }

    /// An append that names earlier entries reads the log back a checked piece at a time
    /// (never the decoded log whole): what it learns is every entry's, in order, across the
    /// pieces, with the entries it pushed itself after them, written (an append) or kept in
    /// memory (a rehearsal), the subjects of the claims among them; and the entries
    /// committed after a point are those, in order.
    #[test]
    fn an_append_learns_every_entry_read_back_a_piece_at_a_time() {
        use reckon_claim::input::Ref;
        let log = scratch("read-back");
        let (head, _) = log
            .append(|tx| Ok::<_, LedgerError>(push_claims(tx, 3000)))
            .expect("appended");
        let (entries, _) = {
            let snap = log.snapshot().expect("snapshot");
            snap.entries_with_spans().expect("entries")
        };
        assert_eq!(entries.len(), 3000);
        let own = |tx: &mut Tx<'_>| {
            let after = tx.committed_after(2990)?;
            let seqs: Vec<u64> = after.iter().map(|e| e.seq).collect();
            assert_eq!(seqs, (2991..=3000).collect::<Vec<u64>>());
            assert_eq!(after[0].hash, entries[2990].hash);
            for n in [1u64, 1500, 2999, 3000] {
                let found = tx.resolve("supersedes", &Ref::Seq(n));
                assert_eq!(found, Ok(entries[n as usize - 1].hash), "#{n}");
            }
            let prefix = entries[1234].hash.to_hex()[..12].to_owned();
            assert_eq!(
                tx.resolve("retract", &Ref::Hash(prefix)),
                Ok(entries[1234].hash)
            );
            assert!(tx.resolve("retract", &Ref::Seq(3001)).is_err());
            // Pushed by this append: learnt on the next load, after the log's own.
            tx.loaded = false;
            push_claims(tx, 2);
            assert_eq!(
                tx.resolve("supersedes", &Ref::Seq(3002)).map(|_| ()),
                Ok(())
            );
            assert!(tx.resolve("supersedes", &Ref::Seq(3003)).is_err());
            // A subject known only from the claims read back may be aliased; one no entry
            // names may not.
            let alias = |to: &str| {
                reckon_claim::input::parse_line(
                    &format!(r#"{{"alias": "a/c", "same_as": "{to}"}}"#),
                    &mut |_, _| Err("no references".to_owned()),
                )
                .expect("an alias")
            };
            tx.loaded = false;
            assert!(tx.push(&alias("a/nothing")).is_err());
            assert!(tx.push(&alias("a/b")).is_ok());
            Ok::<_, LedgerError>(())
        };
        let (rehearsed, (), lines) = log.rehearse(own).expect("rehearsed");
        assert_eq!(rehearsed.seq, head.seq + 3);
        assert_eq!(lines.iter().filter(|b| **b == b'\n').count(), 3);
        let (appended, ()) = log.append(own).expect("appended");
        assert_eq!(appended.seq, head.seq + 3);
        assert_eq!(log.verify().expect("read").expect("verified"), appended);
    }

    /// What a read-back keeps of a claim, to compare two ways of reading it.
    fn claim_kept(k: &Kept) -> Option<(u64, EntryHash, String, Option<EntryHash>)> {
        match k {
            Kept::Claim {
                seq,
                hash,
                subject,
                supersedes,
            } => Some((*seq, *hash, subject.to_string(), *supersedes)),
            Kept::Whole(_) => None,
        }
    }

    proptest::proptest! {
        /// A claim read from its event's text keeps what decoding its line keeps, whatever
        /// its words (quotes, backslashes, the very text of the `supersedes` key, other
        /// scripts) and whether or not it corrects another; a line it cannot read that way
        /// is left to the decoder, which then reads it whole.
        #[test]
        fn a_claim_read_from_its_text_is_the_claim_decoded(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("plain words".to_owned()),
                    proptest::strategy::Just(r#"a "quoted" word"#.to_owned()),
                    proptest::strategy::Just(r#""supersedes":""#.to_owned()),
                    proptest::strategy::Just("back\\slash".to_owned()),
                    proptest::strategy::Just("Верещук".to_owned()),
                    "[a-z][a-z ]{0,11}",
                ],
                1..4,
            ),
            corrects in proptest::bool::ANY,
            subject in "[a-z]{1,6}/[a-z0-9-]{1,8}",
        ) {
            let speaker = serde_json::to_string(&words.join(" ")).expect("a string");
            let fix = if corrects { r#", "supersedes": 1"# } else { "" };
            let line = format!(
                r#"{{"subject": "{subject}", "value": "12", "said_on": "2025", "speaker": {speaker}{fix}}}"#
            );
            let target = EntryHash([9; 32]);
            let event = reckon_claim::input::parse_line(&line, &mut |_, _| Ok(target))
                .expect("a claim");
            let at = Timestamp::parse("2025-05-01T00:00:00Z").expect("a time");
            let (bytes, _) = format::encode(7, &EntryHash([3; 32]), at, &event).expect("encoded");
            let bytes = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let h = format::decode_header(bytes).expect("a header");
            let decoded = format::decode_brief(bytes).map(|(_, b)| Kept::of(b)).expect("decoded");
            let want = claim_kept(&decoded);
            proptest::prop_assert!(want.is_some());
            if let Some(read) = Kept::of_text(&h) {
                proptest::prop_assert_eq!(claim_kept(&read), want);
            } else {
                proptest::prop_assert!(h.event_json.contains('\\'), "{}", h.event_json);
            }
        }

        /// What a reference finds of each entry (its number, kind, retraction and what
        /// superseded it) is what a map from every hash to its whole status finds, over any
        /// mix of claims, definitions, retractions and supersessions, including those that
        /// name nothing noted.
        #[test]
        fn statuses_find_what_a_map_of_whole_statuses_finds(
            steps in proptest::collection::vec((0u8..4, 0usize..40), 1..120),
        ) {
            use reckon_claim::input::{Ref, parse_line};
            let mut model: HashMap<EntryHash, Status> = HashMap::new();
            let mut kept = Statuses::default();
            let mut hashes: Vec<EntryHash> = Vec::new();
            for (seq, (kind, target)) in (1u64..).zip(steps) {
                let named = hashes.get(target).copied().unwrap_or(EntryHash([7; 32]));
                let line = match kind {
                    0 => r#"{"subject": "a/b", "value": "1", "said_on": "2025", "speaker": "X"}"#.to_owned(),
                    1 => r#"{"subject": "a/b", "value": "2", "said_on": "2025", "speaker": "X", "supersedes": 1}"#.to_owned(),
                    2 => r#"{"define": "a/b", "unit": "people"}"#.to_owned(),
                    _ => r#"{"retract": 1, "reason": "wrong"}"#.to_owned(),
                };
                let event = parse_line(&line, &mut |_, _: &Ref| Ok(named)).expect("an event");
                let hash = EntryHash(*blake3::hash(&seq.to_le_bytes()).as_bytes());
                model.insert(hash, Status {
                    seq,
                    is_claim: matches!(event, Event::Claim(_)),
                    is_definition: matches!(event, Event::Define(_)),
                    ..Status::default()
                });
                match &event {
                    Event::Retract { claim, .. } => {
                        if let Some(s) = model.get_mut(claim) {
                            s.retracted = true;
                        }
                    }
                    Event::Claim(c) => {
                        if let Some(s) = c.supersedes.as_ref().and_then(|t| model.get_mut(t)) {
                            s.superseded_by = Some(seq);
                        }
                    }
                    _ => {}
                }
                kept.note(seq, hash, &event);
                hashes.push(hash);
            }
            for h in hashes.iter().chain([&EntryHash([7; 32])]) {
                let (a, b) = (kept.get(h), model.get(h).copied());
                proptest::prop_assert_eq!(a.map(|s| (s.seq, s.is_claim, s.is_definition, s.retracted, s.superseded_by)),
                    b.map(|s| (s.seq, s.is_claim, s.is_definition, s.retracted, s.superseded_by)));
                proptest::prop_assert_eq!(kept.contains(h), model.contains_key(h));
            }
        }
    }
}
