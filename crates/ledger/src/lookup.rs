//! Finding an entry by what a person types: a sequence number or a hash prefix.

use crate::format::Entry;

/// An entry as a person names it: `12` or `#12` (its sequence number), or at least four
/// leading hex digits of its hash (held in lowercase, as hashes are written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryId {
    /// By sequence number.
    Seq(u64),
    /// By the first hex digits of its hash.
    Prefix(String),
}

impl EntryId {
    /// Reads what a person typed, saying what is wrong with it. `#` and digits are always a
    /// number; digits alone are a number when fewer than twelve, else a hash's first digits.
    pub fn parse(id: &str) -> Result<EntryId, String> {
        let id = id.trim();
        let (marked, digits) = match id.strip_prefix('#') {
            Some(digits) => (true, digits),
            None => (false, id),
        };
        let is_seq = !digits.is_empty()
            && (marked || digits.len() < 12)
            && digits.bytes().all(|b| b.is_ascii_digit());
        if is_seq {
            return digits.parse().map(EntryId::Seq).map_err(|_| {
                format!(
                    "`{id}` is past the largest entry number there can be ({})",
                    u64::MAX
                )
            });
        }
        // Hex digits in either case: a hash copied from a tool that prints them in capitals
        // is the same hash.
        let hexish = id.len() >= 4 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if !hexish {
            return Err(format!(
                "`{id}` is neither a sequence number (like 12 or #12) nor a hash prefix (at least 4 hex digits)"
            ));
        }
        Ok(EntryId::Prefix(id.to_ascii_lowercase()))
    }

    /// [`EntryId::parse`] for a log of `entries()` entries. Digits typed without `#` are read
    /// as the first digits of a hash instead of a number when they are four or more with a
    /// leading zero (reckon never writes a number so, and one hash in sixteen starts with a
    /// zero: the query language's `provenance 0123` reads them so too), or eight to eleven
    /// that no entry of the log has (past its end): an eight-digit hash prefix is all decimal
    /// digits about once in forty, and such a prefix, copied from a published check, must
    /// find its entry. Twelve digits or more always name a hash; any other number the log
    /// has, or one written `#N`, is always that entry. `entries` is asked only for a number of
    /// eight to eleven digits; when it cannot say (`None`: the log's head cannot be read), the
    /// number stays a number.
    pub fn parse_in(id: &str, entries: impl FnOnce() -> Option<u64>) -> Result<EntryId, String> {
        let parsed = EntryId::parse(id)?;
        let typed = id.trim();
        let marked = typed.starts_with('#');
        match parsed {
            EntryId::Seq(_) if !marked && typed.len() >= 4 && typed.starts_with('0') => {
                Ok(EntryId::Prefix(typed.to_owned()))
            }
            EntryId::Seq(n)
                if (8..12).contains(&typed.len())
                    && !marked
                    && entries().is_some_and(|len| n > len) =>
            {
                Ok(EntryId::Prefix(typed.to_owned()))
            }
            other => Ok(other),
        }
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
    pub fn pick<'a>(&self, entries: &'a [Entry], len: u64) -> Result<&'a Entry, Unnamed> {
        let seq = self.pick_seq(entries.iter().map(|e| (e.seq, &e.hash)), len)?;
        entries
            .iter()
            .find(|e| e.seq == seq)
            .ok_or(Unnamed::NoEntry { seq, len })
    }

    /// The number of the one entry it names among `(seq, hash)` pairs (in log order, as
    /// [`EntryId::pick`] takes entries), or why there is none; for a reader that holds only
    /// the entries' hashes (a proof).
    pub fn pick_seq<'h>(
        &self,
        entries: impl Iterator<Item = (u64, &'h reckon_claim::EntryHash)>,
        len: u64,
    ) -> Result<u64, Unnamed> {
        let mut entries = entries;
        match self {
            EntryId::Seq(n) => entries
                .find(|(seq, _)| seq == n)
                .map(|(seq, _)| seq)
                .ok_or(Unnamed::NoEntry { seq: *n, len }),
            EntryId::Prefix(p) => {
                let mut found = entries.filter(|(_, h)| h.has_hex_prefix(p));
                match (found.next(), found.next()) {
                    (Some((seq, _)), None) => Ok(seq),
                    (None, _) => Err(Unnamed::NoHash {
                        prefix: p.clone(),
                        len,
                    }),
                    (Some((first, _)), Some((second, _))) => Err(Unnamed::Ambiguous {
                        prefix: p.clone(),
                        first,
                        second,
                    }),
                }
            }
        }
    }
}

/// Why an [`EntryId`] picks no entry; its words are what a person is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unnamed {
    /// No entry has the number `seq`; the log has `len` entries.
    NoEntry {
        /// The number asked for.
        seq: u64,
        /// How many entries the log has.
        len: u64,
    },
    /// No entry's hash starts with `prefix` (of a log of `len` entries): the case where the
    /// hashes a slip away are worth offering ([`NearHashes`]).
    NoHash {
        /// The digits typed.
        prefix: String,
        /// How many entries the log has.
        len: u64,
    },
    /// More than one entry's hash starts with `prefix`: `first` and `second` (at least).
    Ambiguous {
        /// The digits typed.
        prefix: String,
        /// The first entry whose hash starts with them.
        first: u64,
        /// The next.
        second: u64,
    },
}

impl std::fmt::Display for Unnamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unnamed::NoEntry { seq, len } => {
                write!(f, "there is no entry #{seq}; the log has {len} entries")
            }
            // Fewer than twelve digits alone: a number the log did not have (see
            // `EntryId::parse_in`), so both readings are said.
            Unnamed::NoHash { prefix, len }
                if prefix.len() < 12 && prefix.bytes().all(|b| b.is_ascii_digit()) =>
            {
                write!(
                    f,
                    "there is no entry #{prefix} (the log has {len} entries), and no entry's hash starts with `{prefix}`"
                )
            }
            Unnamed::NoHash { prefix, .. } => write!(f, "no entry's hash starts with `{prefix}`"),
            Unnamed::Ambiguous {
                prefix,
                first,
                second,
            } => write!(
                f,
                "`{prefix}` is ambiguous: entries #{first} and #{second} (at least) both start with it; give more digits"
            ),
        }
    }
}

impl std::error::Error for Unnamed {}

/// How many digits a hash prefix that names no entry needs before the hashes a slip away
/// from it are offered: twelve, as reckon prints hashes. A hash within two edits of twelve
/// typed digits by chance is about one in six thousand lookups on a million entries.
pub const NEAR_DIGITS: usize = 12;

/// How far (in edits: a digit wrong, left out, added, or two swapped) from a typed prefix a
/// hash's first digits may be to be offered in its place.
const NEAR_EDITS: usize = 2;

/// The entries whose hashes begin a slip or two away from `prefix` (one of [`NEAR_DIGITS`]
/// digits or more that names no entry), as they pass: `near` scores one entry's hash, for a
/// reader of every entry on all cores; [`near_note`] says what they found.
pub struct NearHashes {
    near: reckon_claim::suggest::Near,
    digits: usize,
}

impl NearHashes {
    /// `None` for an id that is not such a prefix.
    pub fn of(id: &EntryId) -> Option<NearHashes> {
        match id {
            EntryId::Prefix(p) if p.len() >= NEAR_DIGITS => Some(NearHashes {
                near: reckon_claim::suggest::Near::new(p, NEAR_EDITS),
                digits: p.len().min(64),
            }),
            _ => None,
        }
    }

    /// How far the first digits of `hash` (as many as the prefix has) are from the prefix,
    /// when they are near.
    pub fn near(&self, hash: &reckon_claim::EntryHash) -> Option<usize> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 64];
        for (pair, b) in hex.chunks_exact_mut(2).zip(hash.0) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xf)];
        }
        let first = std::str::from_utf8(hex.get(..self.digits)?).ok()?;
        self.near.distance(first)
    }

    /// How many digits the prefix has.
    pub fn digits(&self) -> usize {
        self.digits
    }

    /// What a reader says of the near entries it found, each `(distance, seq, hash)`
    /// ([`near_note`] at the prefix's digits).
    pub fn note(&self, found: Vec<(usize, u64, reckon_claim::EntryHash)>) -> String {
        near_note(found, self.digits)
    }

    /// [`NearHashes::note`] of the entries among `hashes` (number and hash) that are near.
    pub fn among<'h>(
        &self,
        hashes: impl Iterator<Item = (u64, &'h reckon_claim::EntryHash)>,
    ) -> String {
        self.note(
            hashes
                .filter_map(|(seq, h)| Some((self.near(h)?, seq, *h)))
                .collect(),
        )
    }
}

/// What a reader says after "no entry's hash starts with …" of the near entries it found,
/// each `(distance, seq, hash)`: the nearest three, nearest first, then in log order, each as
/// its number and its hash's first digits; nothing when there are none.
pub fn near_note(mut found: Vec<(usize, u64, reckon_claim::EntryHash)>, digits: usize) -> String {
    found.sort_by_key(|&(d, seq, _)| (d, seq));
    let named: Vec<String> = found
        .iter()
        .take(3)
        .map(|(_, seq, h)| {
            let hex = h.to_hex();
            format!("#{seq} ({})", &hex[..digits.clamp(NEAR_DIGITS, 64)])
        })
        .collect();
    match named.as_slice() {
        [] => String::new(),
        [one] => format!("; the nearest is {one}"),
        many => format!("; the nearest are {}", many.join(", ")),
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
        .map_err(|why| why.to_string())
}

#[cfg(test)]
mod tests {
    use super::EntryId;

    /// A number of eight to eleven digits that the log has is that entry; past the log's
    /// end, or with a leading zero, it is a hash's first digits; `#N`, fewer digits, twelve
    /// or more, and a log whose length cannot be read keep the old reading.
    #[test]
    fn a_long_number_the_log_lacks_is_a_hash_prefix() {
        let len = || Some(50_000_000);
        let prefix = |p: &str| Ok(EntryId::Prefix(p.to_owned()));
        assert_eq!(
            EntryId::parse_in("12345678", len),
            Ok(EntryId::Seq(12_345_678))
        );
        assert_eq!(
            EntryId::parse_in("50000000", len),
            Ok(EntryId::Seq(50_000_000))
        );
        assert_eq!(EntryId::parse_in("50000001", len), prefix("50000001"));
        assert_eq!(EntryId::parse_in(" 77777777 ", len), prefix("77777777"));
        assert_eq!(EntryId::parse_in("01234567", len), prefix("01234567"));
        assert_eq!(EntryId::parse_in("99999999999", len), prefix("99999999999"));
        assert_eq!(
            EntryId::parse_in("999999999999", len),
            prefix("999999999999")
        );
        assert_eq!(
            EntryId::parse_in("#77777777", len),
            Ok(EntryId::Seq(77_777_777))
        );
        assert_eq!(
            EntryId::parse_in("7777777", len),
            Ok(EntryId::Seq(7_777_777))
        );
        assert_eq!(EntryId::parse_in("0123456", len), prefix("0123456"));
        assert_eq!(EntryId::parse_in("0123", len), prefix("0123"));
        assert_eq!(EntryId::parse_in("#0123", len), Ok(EntryId::Seq(123)));
        assert_eq!(EntryId::parse_in("012", len), Ok(EntryId::Seq(12)));
        assert_eq!(EntryId::parse_in("0123", || None), prefix("0123"));
        assert_eq!(
            EntryId::parse_in("77777777", || None),
            Ok(EntryId::Seq(77_777_777))
        );
        // The length is asked only of a number that could be a hash's first digits.
        let asked = std::cell::Cell::new(0);
        let counted = || {
            asked.set(asked.get() + 1);
            Some(10)
        };
        for id in ["12", "#12345678", "abcd1234", "123456789012", "01234567"] {
            let _ = EntryId::parse_in(id, counted);
        }
        assert_eq!(asked.get(), 0);
    }

    /// `#` and digits are a number however many digits follow; one past the largest there
    /// can be says so.
    #[test]
    fn a_number_marked_with_a_hash_sign_is_a_number_of_any_length() {
        assert_eq!(
            EntryId::parse("#123456789012"),
            Ok(EntryId::Seq(123_456_789_012))
        );
        assert_eq!(
            EntryId::parse("#18446744073709551616"),
            Err("`#18446744073709551616` is past the largest entry number there can be (18446744073709551615)".to_owned())
        );
        assert_eq!(
            EntryId::parse("123456789012"),
            Ok(EntryId::Prefix("123456789012".to_owned()))
        );
        assert!(EntryId::parse("#").is_err());
        assert!(EntryId::parse("#12ab").is_err());
    }

    /// Hashes a slip or two from a prefix of twelve digits or more are near, nearest first,
    /// then in log order, three at most, each shown to as many digits as the prefix has
    /// (twelve at least); a shorter prefix, a number, or a hash three edits away are not.
    #[test]
    fn hashes_a_slip_away_are_offered_nearest_first() {
        use super::{NearHashes, near_note};
        let hash = |hex: &str| {
            let full = format!("{hex:0<64}");
            reckon_claim::EntryHash::from_hex(&full).unwrap()
        };
        let near = |p: &str| NearHashes::of(&EntryId::Prefix(p.to_owned()));
        assert!(near("2b4c7acce0c").is_none());
        assert!(NearHashes::of(&EntryId::Seq(12)).is_none());
        let n = near("2b4c7acce0cd").unwrap();
        assert_eq!(n.digits(), 12);
        assert_eq!(n.near(&hash("2b4c7acce0cc")), Some(1));
        assert_eq!(n.near(&hash("2b4c7acec0cd")), Some(2));
        assert_eq!(n.near(&hash("2b4c7acce0dc")), Some(2));
        assert_eq!(n.near(&hash("2b4c7a00e0cd")), Some(2));
        assert_eq!(n.near(&hash("2b4c7000e0cd")), None);
        let found = vec![
            (2, 9, hash("2b4c7acec0cd")),
            (1, 30, hash("2b4c7acce0cc")),
            (2, 4, hash("2b4c7acce0dc")),
            (1, 31, hash("2b4c7acce0ce")),
        ];
        assert_eq!(
            near_note(found, 12),
            "; the nearest are #30 (2b4c7acce0cc), #31 (2b4c7acce0ce), #4 (2b4c7acce0dc)"
        );
        assert_eq!(
            near_note(vec![(1, 7, hash("2b4c7acce0cc0b"))], 14),
            "; the nearest is #7 (2b4c7acce0cc0b)"
        );
        assert_eq!(near_note(Vec::new(), 12), "");
    }

    /// A prefix of digits that names nothing says both readings it was tried under.
    #[test]
    fn a_number_that_names_nothing_says_both_readings() {
        let id = EntryId::parse_in("77777777", || Some(3)).unwrap();
        let hash = reckon_claim::EntryHash([0xab; 32]);
        let said = id.pick_seq([(1, &hash)].into_iter(), 3).unwrap_err();
        assert!(matches!(said, super::Unnamed::NoHash { .. }));
        assert_eq!(
            said.to_string(),
            "there is no entry #77777777 (the log has 3 entries), and no entry's hash starts with `77777777`"
        );
        // Twelve digits were never a number.
        let id = EntryId::parse_in("777777777777", || Some(3)).unwrap();
        let said = id.pick_seq([(1, &hash)].into_iter(), 3).unwrap_err();
        assert_eq!(
            said.to_string(),
            "no entry's hash starts with `777777777777`"
        );
    }
}
