//! Finding an entry by what a person types: a sequence number or a hash prefix.

use crate::format::Entry;

/// An entry as a person names it: `12` or `#12` (its sequence number), or at least four
/// leading lowercase hex digits of its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryId {
    /// By sequence number.
    Seq(u64),
    /// By the first hex digits of its hash.
    Prefix(String),
}

impl EntryId {
    /// Reads what a person typed, saying what is wrong with it.
    pub fn parse(id: &str) -> Result<EntryId, String> {
        let id = id.trim();
        let digits = id.strip_prefix('#').unwrap_or(id);
        let is_seq =
            !digits.is_empty() && digits.len() < 12 && digits.bytes().all(|b| b.is_ascii_digit());
        if is_seq {
            return digits
                .parse()
                .map(EntryId::Seq)
                .map_err(|_| format!("`{id}` is not a sequence number"));
        }
        let hexish = id.len() >= 4 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hexish {
            return Err(format!(
                "`{id}` is neither a sequence number (like 12 or #12) nor a hash prefix (at least 4 lowercase hex digits)"
            ));
        }
        Ok(EntryId::Prefix(id.to_owned()))
    }

    /// Whether it names `e`.
    pub fn names(&self, e: &Entry) -> bool {
        match self {
            EntryId::Seq(n) => e.seq == *n,
            EntryId::Prefix(p) => e.hash.has_hex_prefix(p),
        }
    }

    /// Whether it could name the entry whose checked line has header `h` (what
    /// [`EntryId::names`] says of the decoded entry, told from the header alone).
    pub fn could_name(&self, h: &crate::Header<'_>) -> bool {
        match self {
            EntryId::Seq(n) => h.seq == *n,
            EntryId::Prefix(p) => h.hash.has_hex_prefix(p),
        }
    }

    /// The one entry it names among `entries` (in log order: every entry of a log of `len`
    /// entries that it could name, and any others), or why there is none.
    pub fn pick<'a>(&self, entries: &'a [Entry], len: u64) -> Result<&'a Entry, String> {
        let seq = self.pick_seq(entries.iter().map(|e| (e.seq, &e.hash)), len)?;
        entries
            .iter()
            .find(|e| e.seq == seq)
            .ok_or_else(|| format!("there is no entry #{seq}; the log has {len} entries"))
    }

    /// The number of the one entry it names among `(seq, hash)` pairs (in log order, as
    /// [`EntryId::pick`] takes entries), or why there is none; for a reader that holds only
    /// the entries' hashes (a proof).
    pub fn pick_seq<'h>(
        &self,
        entries: impl Iterator<Item = (u64, &'h reckon_claim::EntryHash)>,
        len: u64,
    ) -> Result<u64, String> {
        let mut entries = entries;
        match self {
            EntryId::Seq(n) => entries
                .find(|(seq, _)| seq == n)
                .map(|(seq, _)| seq)
                .ok_or_else(|| format!("there is no entry #{n}; the log has {len} entries")),
            EntryId::Prefix(p) => {
                let mut found = entries.filter(|(_, h)| h.has_hex_prefix(p));
                match (found.next(), found.next()) {
                    (Some((seq, _)), None) => Ok(seq),
                    (None, _) => Err(format!("no entry's hash starts with `{p}`")),
                    (Some((a, _)), Some((b, _))) => Err(format!(
                        "`{p}` is ambiguous: entries #{a} and #{b} (at least) both start with it; give more digits"
                    )),
                }
            }
        }
    }
}

/// Finds an entry of `entries` (a whole log, in order) by `12`, `#12`, or at least four
/// leading hex digits of its hash.
pub fn find<'a>(entries: &'a [Entry], id: &str) -> Result<&'a Entry, String> {
    let id = EntryId::parse(id)?;
    if let EntryId::Seq(n) = id {
        // A whole log's entry n is its n-th.
        if let Some(e) = n
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| entries.get(i))
        {
            return Ok(e);
        }
    }
    id.pick(entries, entries.len() as u64)
}
