//! An append in progress: entries are encoded as they are pushed, and references to earlier
//! claims are resolved and checked against the log and the entries pushed before.

use crate::error::LedgerError;
use crate::format::{self, Entry};
use crate::log::{Head, Log};
use reckon_claim::{EntryHash, Event, Ref, Timestamp};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, Default)]
struct Status {
    seq: u64,
    is_claim: bool,
    retracted: bool,
    superseded_by: Option<u64>,
}

/// An append in progress; see [`Log::append`].
pub struct Tx<'a> {
    log: &'a Log,
    at: Timestamp,
    head: Head,
    buf: Vec<u8>,
    /// Hashes by sequence number, from 1; loaded on the first reference.
    order: Vec<EntryHash>,
    status: HashMap<EntryHash, Status>,
    loaded: bool,
    pushed: u64,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(log: &'a Log, head: Head, at: Timestamp) -> Tx<'a> {
        Tx {
            log,
            at,
            head,
            buf: Vec::new(),
            order: Vec::new(),
            status: HashMap::new(),
            loaded: false,
            pushed: 0,
        }
    }

    pub(crate) fn finish(self) -> (Vec<u8>, Head) {
        (self.buf, self.head)
    }

    /// The time the new entries are stamped with.
    pub fn at(&self) -> Timestamp {
        self.at
    }

    /// How many entries have been pushed so far.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// The head as it will be if the append succeeds now.
    pub fn head(&self) -> Head {
        self.head
    }

    fn load(&mut self) -> Result<(), LedgerError> {
        if self.loaded {
            return Ok(());
        }
        let existing: Vec<Entry> = self.log.entries_locked()?;
        let mut order = Vec::with_capacity(existing.len() + self.order.len());
        let mut status = HashMap::with_capacity(existing.len() + self.status.len());
        for e in &existing {
            order.push(e.hash);
            note(&mut status, e.seq, e.hash, &e.event);
        }
        // Entries pushed before the log was loaded come after it.
        for h in self.order.drain(..) {
            order.push(h);
        }
        for (h, s) in self.status.drain() {
            status.insert(h, s);
        }
        self.order = order;
        self.status = status;
        self.loaded = true;
        Ok(())
    }

    /// Turns a reference into an entry hash, checking it names a claim that `field` (`retract`
    /// or `supersedes`) may point at. The message is for the user.
    pub fn resolve(&mut self, field: &str, r: &Ref) -> Result<EntryHash, String> {
        self.load().map_err(|e| e.to_string())?;
        let hash = match r {
            Ref::Seq(n) => *usize::try_from(*n - 1)
                .ok()
                .and_then(|i| self.order.get(i))
                .ok_or_else(|| {
                    format!(
                        "there is no entry #{n}; the log has {} entries",
                        self.order.len()
                    )
                })?,
            Ref::Hash(prefix) => {
                let mut found = self
                    .order
                    .iter()
                    .filter(|h| h.to_hex().starts_with(prefix.as_str()));
                match (found.next(), found.next()) {
                    (Some(h), None) => *h,
                    (None, _) => return Err(format!("no entry's hash starts with `{prefix}`")),
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
        if !self.status.contains_key(hash) {
            self.load().map_err(|e| e.to_string())?;
        }
        let s = self
            .status
            .get(hash)
            .copied()
            .ok_or_else(|| format!("no entry has the hash {hash}"))?;
        if !s.is_claim {
            return Err(format!("entry #{} is not a claim", s.seq));
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

    /// Adds an event; refuses a retraction or supersession whose target is not a live claim.
    pub fn push(&mut self, event: &Event) -> Result<(u64, EntryHash), String> {
        match event {
            Event::Retract { claim, .. } => self.check_target("retract", claim)?,
            Event::Claim(c) => {
                if let Some(t) = &c.supersedes {
                    self.check_target("supersedes", t)?;
                }
            }
            _ => {}
        }
        let seq = self.head.seq + 1;
        let (line, hash) = format::encode(seq, &self.head.hash, self.at, event);
        self.buf.extend_from_slice(&line);
        self.head = Head { seq, hash };
        self.order.push(hash);
        note(&mut self.status, seq, hash, event);
        self.pushed += 1;
        Ok((seq, hash))
    }
}

fn note(status: &mut HashMap<EntryHash, Status>, seq: u64, hash: EntryHash, event: &Event) {
    let is_claim = matches!(event, Event::Claim(_));
    status.insert(
        hash,
        Status {
            seq,
            is_claim,
            ..Status::default()
        },
    );
    match event {
        Event::Retract { claim, .. } => {
            if let Some(s) = status.get_mut(claim) {
                s.retracted = true;
            }
        }
        Event::Claim(c) => {
            if let Some(s) = c.supersedes.as_ref().and_then(|t| status.get_mut(t)) {
                s.superseded_by = Some(seq);
            }
        }
        _ => {}
    }
}
