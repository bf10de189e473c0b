//! Encoding and decoding one entry line. The byte-level specification is in the crate docs.

use reckon_claim::{ClaimView, ClaimWords, EntryHash, Event, Timestamp};
use std::fmt;

/// The `prev` of the first entry: 32 zero bytes.
pub const GENESIS: EntryHash = EntryHash([0; 32]);

/// One decoded log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 1; entry `n` is line `n` of the entries file.
    pub seq: u64,
    /// The hash of the entry before, or [`GENESIS`].
    pub prev: EntryHash,
    /// When the entry was recorded.
    pub at: Timestamp,
    /// What happened.
    pub event: Event,
    /// blake3 of the body bytes as stored.
    pub hash: EntryHash,
}

/// Builds the line for an entry (with its final newline) and returns its hash.
pub fn encode(
    seq: u64,
    prev: &EntryHash,
    at: Timestamp,
    event: &Event,
) -> Result<(Vec<u8>, EntryHash), serde_json::Error> {
    let event_json = serde_json::to_string(event)?;
    let mut line = Vec::with_capacity(200 + event_json.len());
    let hash = encode_into(&mut line, seq, prev, &at.to_string(), event_json.as_bytes());
    Ok((line, hash))
}

/// Appends the line for an entry whose event is already serialised to `buf`; returns its hash.
/// `at` is the recording time as printed (20 bytes).
pub(crate) fn encode_into(
    buf: &mut Vec<u8>,
    seq: u64,
    prev: &EntryHash,
    at: &str,
    event_json: &[u8],
) -> EntryHash {
    let start = buf.len();
    buf.extend_from_slice(&[b'0'; 64]);
    buf.push(b' ');
    let body_start = buf.len();
    buf.extend_from_slice(b"{\"seq\":");
    buf.extend_from_slice(seq.to_string().as_bytes());
    buf.extend_from_slice(b",\"prev\":\"");
    push_hex(buf, prev);
    buf.extend_from_slice(b"\",\"at\":\"");
    buf.extend_from_slice(at.as_bytes());
    buf.extend_from_slice(b"\",\"event\":");
    buf.extend_from_slice(event_json);
    buf.push(b'}');
    let hash = EntryHash(*blake3::hash(&buf[body_start..]).as_bytes());
    let mut hex = Vec::with_capacity(64);
    push_hex(&mut hex, &hash);
    buf[start..start + 64].copy_from_slice(&hex);
    buf.push(b'\n');
    hash
}

fn push_hex(buf: &mut Vec<u8>, h: &EntryHash) {
    reckon_claim::push_hex(buf, &h.0);
}

/// What is wrong with a single line, judged on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineProblem {
    /// The line is not `HASH SP BODY`, or the body is not in the specified shape.
    Malformed(String),
    /// The stored hash is not the blake3 of the body.
    HashMismatch {
        /// The hash written on the line.
        stored: String,
        /// The hash of the body as it is now.
        computed: EntryHash,
    },
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineProblem::Malformed(m) => write!(f, "unparsable entry: {m}"),
            LineProblem::HashMismatch { stored, computed } => write!(
                f,
                "hash mismatch: the line says {stored} but its body hashes to {computed} (the entry was changed after it was written)"
            ),
        }
    }
}

/// The chain fields of a line, read without parsing its event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// The sequence number.
    pub seq: u64,
    /// The previous hash.
    pub prev: EntryHash,
    /// The recording time.
    pub at: Timestamp,
    /// The entry's hash.
    pub hash: EntryHash,
    /// The event's JSON text.
    pub event_json: &'a str,
}

fn malformed(m: impl Into<String>) -> LineProblem {
    LineProblem::Malformed(m.into())
}

/// Checks a line (without its newline): shape, then hash. Does not parse the event.
pub fn decode_header(line: &[u8]) -> Result<Header<'_>, LineProblem> {
    if line.len() < 66 || line[64] != b' ' {
        return Err(malformed(
            "expected 64 hex digits of hash, a space, then the entry body",
        ));
    }
    let stored = std::str::from_utf8(&line[..64]).map_err(|_| malformed("the hash is not hex"))?;
    let hash = EntryHash::from_hex(stored)
        .ok_or_else(|| malformed("the hash is not 64 lowercase hex digits"))?;
    let body = &line[65..];
    let computed = EntryHash(*blake3::hash(body).as_bytes());
    if computed != hash {
        return Err(LineProblem::HashMismatch {
            stored: stored.to_owned(),
            computed,
        });
    }
    let body = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
    let rest = body
        .strip_prefix(r#"{"seq":"#)
        .ok_or_else(|| malformed(r#"the body must start with {"seq":"#))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let seq: u64 = rest[..digits]
        .parse()
        .ok()
        .filter(|s| *s >= 1 && !rest.starts_with('0'))
        .ok_or_else(|| malformed("seq must be a whole number from 1 without leading zeros"))?;
    let rest = rest[digits..]
        .strip_prefix(r#","prev":""#)
        .ok_or_else(|| malformed(r#"expected ,"prev":" after seq"#))?;
    let prev = rest
        .get(..64)
        .and_then(EntryHash::from_hex)
        .ok_or_else(|| malformed("prev must be 64 lowercase hex digits"))?;
    let rest = rest[64..]
        .strip_prefix(r#"","at":""#)
        .ok_or_else(|| malformed(r#"expected ","at":" after prev"#))?;
    let at = rest
        .get(..20)
        .and_then(Timestamp::parse)
        .ok_or_else(|| malformed("at must be a UTC time like 2025-05-01T12:00:00Z"))?;
    let event_json = rest[20..]
        .strip_prefix(r#"","event":"#)
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(|| malformed(r#"expected ","event":{…}} after at"#))?;
    Ok(Header {
        seq,
        prev,
        at,
        hash,
        event_json,
    })
}

/// Checks a line's shape and hash, and that its event is well-formed JSON, without building
/// the event: what `verify` needs, at close to the speed of hashing.
pub fn check(line: &[u8]) -> Result<Header<'_>, LineProblem> {
    let h = decode_header(line)?;
    serde_json::from_str::<serde::de::IgnoredAny>(h.event_json)
        .map_err(|e| malformed(format!("the event is not valid JSON: {e}")))?;
    if !h.event_json.starts_with("{\"type\":\"") {
        return Err(malformed(
            r#"the event must be an object starting with {"type":""#,
        ));
    }
    Ok(h)
}

thread_local! {
    static CLAIM_JSON: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Checks a line fully: shape, hash, and that its event is a valid event.
pub fn decode(line: &[u8]) -> Result<Entry, LineProblem> {
    let h = decode_header(line)?;
    // Claims are nearly every entry: one in the form an append writes is read by hand (what
    // serde reads of it, see `ClaimView::read_written`); any other, straight into a claim
    // with serde (the tagged enum would first buffer the whole object to find its tag).
    let claim_tail = h.event_json.strip_prefix(r#"{"type":"claim","#);
    let written = claim_tail.and_then(|_| ClaimView::read_written(h.event_json));
    let event: Event = match (written, claim_tail) {
        (Some(view), _) => Ok(Event::Claim(view.into_claim())),
        (None, Some(rest)) => CLAIM_JSON.with_borrow_mut(|json| {
            // The claim's own object: `{` and the fields after the tag, in a buffer each
            // thread reuses (no allocation per entry).
            json.clear();
            json.push('{');
            json.push_str(rest);
            serde_json::from_str::<reckon_claim::Claim>(json).map(Event::Claim)
        }),
        (None, None) => serde_json::from_str(h.event_json),
    }
    .map_err(|e| malformed(format!("the event is not valid: {e}")))?;
    Ok(Entry {
        seq: h.seq,
        prev: h.prev,
        at: h.at,
        event,
        hash: h.hash,
    })
}

/// An entry as a pass that keeps little of each sees it: a claim (nearly every entry) as a
/// [`ClaimView`] borrowing from its line, any other event decoded whole. Both are checked
/// exactly as [`decode`] checks them.
#[derive(Debug)]
pub enum Brief<'a> {
    /// A claim event.
    Claim {
        /// The entry's position, from 1.
        seq: u64,
        /// The entry's hash.
        hash: EntryHash,
        /// When it was recorded.
        at: Timestamp,
        /// The claim, its words borrowed from the line.
        claim: ClaimView<'a>,
    },
    /// Any other event, or a claim written with its fields in another order.
    Whole(Entry),
}

/// [`decode`] for a pass that keeps little of each entry: the same checks, and a claim's words
/// are borrowed from `line` rather than copied.
pub fn decode_brief(line: &[u8]) -> Result<(Header<'_>, Brief<'_>), LineProblem> {
    let h = decode_header(line)?;
    if !h.event_json.starts_with(r#"{"type":"claim","#) {
        let whole = decode(line)?;
        return Ok((h, Brief::Whole(whole)));
    }
    // Nearly every claim is in the form an append writes, read by hand; serde reads the rest
    // (and says what is wrong with a bad one).
    let read = ClaimView::read_written(h.event_json)
        .map_or_else(|| serde_json::from_str::<ClaimView<'_>>(h.event_json), Ok);
    let Ok(claim) = read else {
        // The problem is told as `decode` tells it (word for word, same column).
        let whole = decode(line)?;
        return Ok((h, Brief::Whole(whole)));
    };
    let brief = Brief::Claim {
        seq: h.seq,
        hash: h.hash,
        at: h.at,
        claim,
    };
    Ok((h, brief))
}

/// The words of the claim on `line` ([`ClaimWords`]), which must be entry `seq` with hash
/// `hash` as a full read found them: the line's body must hash to `hash` (and its stored hash
/// be that one) and its position be `seq`, and then only the words are read, every other
/// field passed over (the body is the very bytes the full read checked). A line that is not
/// that entry, or not a claim, is refused; a claim written with its fields in another order
/// than an append writes them is read whole.
pub fn decode_words<'l>(
    line: &'l [u8],
    seq: u64,
    hash: &EntryHash,
) -> Result<ClaimWords<'l>, LineProblem> {
    let h = decode_header(line)?;
    if h.hash != *hash || h.seq != seq {
        return Err(malformed(
            "the entry is not the one this read checked before",
        ));
    }
    if let Some(words) = ClaimWords::read_written(h.event_json) {
        return Ok(words);
    }
    if h.event_json.starts_with(r#"{"type":"claim","#)
        && let Ok(words) = serde_json::from_str::<ClaimWords<'_>>(h.event_json)
    {
        return Ok(words);
    }
    match decode(line)?.event {
        Event::Claim(c) => Ok(c.into_words()),
        other => Err(malformed(format!(
            "a {} event, read before as a claim",
            other.kind()
        ))),
    }
}

/// Whether `bytes` could be the beginning of the line of entry `seq` as an append writes it
/// (64 lowercase hex digits, a space, then `{"seq":SEQ,`), cut anywhere: so that repair never
/// removes bytes that are not an interrupted entry.
pub fn could_start_entry(bytes: &[u8], seq: u64) -> bool {
    let hex = bytes.len().min(64);
    if !bytes[..hex]
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return false;
    }
    let expected = format!(" {{\"seq\":{seq},\"prev\":\"");
    let rest = &bytes[hex..];
    let n = rest.len().min(expected.len());
    rest[..n] == expected.as_bytes()[..n]
}

/// Whether complete entry lines all carry one recording time, as the lines of one append do.
/// Lines whose header cannot be read count as different.
pub fn one_recording_time(lines: &[u8]) -> bool {
    let mut first = None;
    for line in lines.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let Ok(h) = decode_header(line) else {
            return false;
        };
        match first {
            None => first = Some(h.at),
            Some(at) if at == h.at => {}
            Some(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use reckon_claim::{Event, Subject};

    fn alias() -> Event {
        let s = |x: &str| Subject::parse(x).unwrap();
        Event::Alias {
            subject: s("a/b"),
            same_as: s("c/d"),
        }
    }

    #[test]
    fn encode_then_decode_is_identity() {
        let at = Timestamp::from_unix(1_746_057_600);
        let (line, hash) = encode(1, &GENESIS, at, &alias()).unwrap();
        let text = String::from_utf8(line.clone()).unwrap();
        assert!(
            text.ends_with(
                "\"event\":{\"type\":\"alias\",\"subject\":\"a/b\",\"same_as\":\"c/d\"}}\n"
            ),
            "{text}"
        );
        let e = decode(&line[..line.len() - 1]).unwrap();
        assert_eq!(
            (e.seq, e.prev, e.at, e.hash, e.event),
            (1, GENESIS, at, hash, alias())
        );
    }

    #[test]
    fn the_hash_is_blake3_of_the_body_bytes() {
        let (line, hash) = encode(7, &GENESIS, Timestamp::from_unix(0), &alias()).unwrap();
        let body = &line[65..line.len() - 1];
        assert_eq!(blake3::hash(body).to_hex().as_str(), hash.to_hex());
    }

    /// The words read from a line are the words of the claim read whole: borrowed where the
    /// JSON holds them unescaped, unescaped where it does not, and read whole from a claim
    /// whose fields are in another order; another event is refused, not read as no words.
    #[test]
    fn the_words_of_a_claim_are_those_of_the_claim_read_whole() {
        let claim: reckon_claim::Claim = serde_json::from_str(
            r#"{"subject":"a/b","value":"12","unit":"people","said_on":"2025","speaker":"Ann \"A\" Lee","publisher":"Daily","quote":"line one\nline two","url":"https://x.example/a"}"#,
        )
        .unwrap();
        let event = Event::Claim(claim.clone());
        let (line, hash) = encode(3, &GENESIS, Timestamp::from_unix(0), &event).unwrap();
        let line = &line[..line.len() - 1];
        let words = decode_words(line, 3, &hash).unwrap();
        assert_eq!(words, claim.clone().into_words());
        // Another position or hash than the line's: refused.
        assert!(decode_words(line, 4, &hash).is_err());
        assert!(decode_words(line, 3, &GENESIS).is_err());
        assert_eq!(words.speaker.as_deref(), Some("Ann \"A\" Lee"));
        assert!(matches!(
            words.publisher,
            Some(std::borrow::Cow::Borrowed("Daily"))
        ));
        assert_eq!(words.role, None);

        // The same claim with its tag last: read whole, the same words.
        let text = std::str::from_utf8(line).unwrap();
        let event_at = text.find(r#""event":"#).unwrap() + r#""event":"#.len();
        let event_json = &text[event_at..text.len() - 1];
        let moved = event_json.replacen(r#""type":"claim","#, "", 1);
        let moved = format!("{},\"type\":\"claim\"}}", &moved[..moved.len() - 1]);
        let body = format!("{}{moved}}}", &text[65..event_at]);
        let moved_hash = EntryHash(*blake3::hash(body.as_bytes()).as_bytes());
        let reordered = format!("{} {body}", moved_hash.to_hex());
        let words = decode_words(reordered.as_bytes(), 3, &moved_hash).unwrap();
        assert_eq!(words, claim.into_words());

        let (alias_line, alias_hash) =
            encode(4, &GENESIS, Timestamp::from_unix(0), &alias()).unwrap();
        let refused =
            decode_words(&alias_line[..alias_line.len() - 1], 4, &alias_hash).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("a alias event, read before as a claim"),
            "{refused}"
        );
    }
}
