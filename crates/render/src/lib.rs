//! Output of reckon for people and for tools: every command's result as a table or text
//! (`Human`) or as JSON (`Json`).
//!
//! The binary chooses a [`Format`] and hands results here; this crate decides every byte that
//! is printed, so that output is the same for the same log whatever machine prints it. It does
//! **not** read the log, compute anything, or print: it returns strings.
//!
//! The JSON shapes are documented on each function and are stable: scripts and CI diff them.

pub mod diff;
pub mod ledger;
pub mod paint;
mod pretty;
pub mod query;
pub mod recon;
pub mod sorted;
pub mod vet;

use reckon_claim::{Claim, Event, Tolerance};
use reckon_ledger::Entry;
use serde_json::{Value as Json, json};

/// The version of every JSON output's shape, in its `format` field: it changes when a field
/// is removed or changes meaning (a new field does not change it). README "JSON output"
/// documents each field.
pub const JSON_FORMAT: u64 = 1;

/// How to print a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal.
    Human,
    /// JSON for tools.
    Json,
}

/// Text from the log made safe for a terminal: every control character (C0 but tab and
/// newline, DEL, C1) and every bidirectional override is written as a visible `\u{..}`
/// escape, so that a field can neither send commands to the terminal nor reorder what is
/// shown. JSON stays valid JSON (those characters are only ever inside strings, where the
/// escape is read as the same character by any JSON reader once written `\u00XX`).
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !has_unsafe_bytes(s.as_bytes()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether UTF-8 text holds a character [`terminal_safe`] escapes (see [`unsafe_at`]).
fn has_unsafe_bytes(b: &[u8]) -> bool {
    // Nearly all text has none of the bytes such a character begins with: a block of 32
    // bytes is passed over at once when none of them could be one (a test written so that it
    // is made on many bytes together), and read byte by byte only when one could.
    const BLOCK: usize = 32;
    let could = |x: u8| {
        ((x < 0x20) & (x != b'\n') & (x != b'\t')) | (x == 0x7f) | (x == 0xc2) | (x == 0xe2)
    };
    let mut from = 0;
    for block in b.chunks(BLOCK) {
        if block.iter().fold(false, |any, &x| any | could(x))
            && unsafe_at(b, from..from + block.len())
        {
            return true;
        }
        from += block.len();
    }
    false
}

/// Whether a character [`terminal_safe`] escapes begins at a byte of `b` in `at` (read byte
/// by byte: an ASCII control byte but LF and tab, `C2 80`-`C2 9F` (U+0080-U+009F), or
/// `E2 80 AA`-`E2 80 AE` and `E2 81 A6`-`E2 81 A9`, the bidirectional embeddings, overrides
/// and isolates).
fn unsafe_at(b: &[u8], at: std::ops::Range<usize>) -> bool {
    at.into_iter().any(|i| match b[i] {
        b'\n' | b'\t' => false,
        0x00..=0x1f | 0x7f => true,
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        0xe2 => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    })
}

/// A field shown on one line of human output: a newline or carriage return in it is written
/// `\n` or `\r`, so that no field can start a line of its own (and forge one).
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'\n', b'\r', s.as_bytes()).is_some() {
        std::borrow::Cow::Owned(s.replace('\n', "\\n").replace('\r', "\\r"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn short(h: &reckon_claim::EntryHash) -> String {
    h.to_hex()[..12].to_owned()
}

/// A one-line summary of an event, for `reckon log`.
pub fn event_summary(event: &Event) -> String {
    match event {
        Event::Claim(c) => claim_summary(&claim_shown!(c)),
        Event::Retract { claim, reason } => format!("retracts {}: {reason}", short(claim)),
        Event::Define(d) => {
            let mut parts = Vec::new();
            if let Some(l) = &d.label {
                parts.push(format!("\"{l}\""));
            }
            if let Some(u) = &d.unit {
                parts.push(format!("unit {u}"));
            }
            if let Some(w) = &d.window {
                parts.push(format!("window {w}"));
            }
            if let Some(t) = &d.tolerance {
                parts.push(format!("tolerance ±{t}"));
            }
            if !d.sum_of.is_empty() {
                let names: Vec<&str> = d.sum_of.iter().map(|s| s.as_str()).collect();
                parts.push(format!("sum of {}", names.join(" + ")));
            }
            format!("{}: {}", d.subject, parts.join(", "))
        }
        Event::Alias { subject, same_as } => format!("{subject} is the same as {same_as}"),
        Event::Log(l) => format!(
            "this log is {} (Merkle tree hash: {})",
            l.origin,
            match l.merkle.unwrap_or_default() {
                reckon_claim::TreeHash::Blake3 => "blake3",
                reckon_claim::TreeHash::Sha256 => "sha256",
            }
        ),
        Event::Trust(t) => {
            let strength = t
                .strength
                .map(|n| format!(", worth {n} subjects"))
                .unwrap_or_default();
            format!(
                "trust {}: prior {}{strength} — {}",
                t.origin, t.prior, t.reason
            )
        }
    }
}

/// What a claim's summary in `reckon log` shows of it, from a decoded claim or a claim read
/// briefly (a `Claim` or a `ClaimView`: the fields have the same names, owned in one and
/// borrowed in the other).
macro_rules! claim_shown {
    ($c:expr) => {
        ClaimShown {
            subject: &$c.subject,
            value: $c.value.stated(),
            unit: &$c.unit,
            who: $c.speaker.as_deref().or($c.publisher.as_deref()),
            said_on: &$c.said_on,
            supersedes: $c.supersedes.as_ref(),
        }
    };
}
use claim_shown;

/// What a claim's summary in `reckon log` shows of it.
struct ClaimShown<'c> {
    subject: &'c reckon_claim::Subject,
    value: &'c str,
    unit: &'c str,
    /// The speaker, else the publisher.
    who: Option<&'c str>,
    said_on: &'c reckon_claim::Period,
    supersedes: Option<&'c reckon_claim::EntryHash>,
}

/// A claim's summary in `reckon log` (see [`event_summary`]).
fn claim_summary(c: &ClaimShown<'_>) -> String {
    let unit = if c.unit == "count" {
        String::new()
    } else {
        format!(" {}", c.unit)
    };
    let sup = c
        .supersedes
        .map(|h| format!(" (supersedes {})", short(h)))
        .unwrap_or_default();
    let who = c.who.unwrap_or("");
    format!(
        "{} = {}{unit} — {who}, {}{sup}",
        c.subject, c.value, c.said_on
    )
}

/// [`log_line`] as text, or [`log_csv_row`] (`csv`), of an entry decoded briefly (a claim's
/// words read where they lie in its line, never copied into a whole claim): the same bytes
/// as of the entry decoded whole.
pub fn log_line_brief(b: &reckon_ledger::Brief<'_>, csv: bool) -> String {
    let (seq, hash, at, c) = match b {
        reckon_ledger::Brief::Whole(e) => return listed_entry(e, csv),
        reckon_ledger::Brief::Claim {
            seq,
            hash,
            at,
            claim,
        } => (seq, hash, at, claim),
    };
    let summary = claim_summary(&claim_shown!(c));
    listed_line((*seq, hash, at), "claim", Some(&c.subject), &summary, csv)
}

/// An entry's line of `reckon log` as text, or its CSV row (`csv`), from its parts: its
/// number, hash and time, its kind, the subject it names (a claim's or a definition's) and
/// its summary.
fn listed_line(
    (seq, hash, at): (u64, &reckon_claim::EntryHash, &reckon_claim::Timestamp),
    kind: &str,
    subject: Option<&reckon_claim::Subject>,
    summary: &str,
    csv: bool,
) -> String {
    if csv {
        query::csv_row([
            seq.to_string(),
            hash.to_hex(),
            at.to_string(),
            kind.to_owned(),
            subject.map(ToString::to_string).unwrap_or_default(),
            one_line(summary).into_owned(),
        ])
    } else {
        format!(
            "{seq:>5}  {}  {at}  {kind:<7}  {}\n",
            short(hash),
            one_line(summary)
        )
    }
}

/// The columns of `reckon log --format csv`.
const LOG_COLUMNS: [&str; 6] = ["seq", "hash", "at", "kind", "subject", "summary"];

/// The header row of `reckon log --format csv` (see [`log_csv_row`]).
pub fn log_csv_header() -> String {
    query::csv_row(LOG_COLUMNS.iter().map(|c| (*c).to_owned()))
}

/// One entry's row of `reckon log --format csv`: `seq,hash,at,kind,subject,summary` (the
/// subject of a claim or definition, else empty).
pub fn log_csv_row(e: &Entry) -> String {
    listed_entry(e, true)
}

/// [`listed_line`] of a decoded entry.
fn listed_entry(e: &Entry, csv: bool) -> String {
    let subject = match &e.event {
        Event::Claim(c) => Some(&c.subject),
        Event::Define(d) => Some(&d.subject),
        Event::Alias { subject, .. } => Some(subject),
        _ => None,
    };
    let summary = event_summary(&e.event);
    listed_line(
        (e.seq, &e.hash, &e.at),
        e.event.kind(),
        subject,
        &summary,
        csv,
    )
}

/// One entry's line of `reckon log`: `SEQ HASH12 AT KIND SUMMARY`, or a JSON object
/// `{"seq","hash","prev","at","event"}` where `event` is the event as stored. Each line stands
/// alone (no width depends on other entries), so a listing is written as it is read.
pub fn log_line(e: &Entry, format: Format) -> String {
    match format {
        Format::Human => listed_entry(e, false),
        Format::Json => entry_json_line(e),
    }
}

/// An entry as `reckon log --format json` lists it (its members sorted when written).
#[derive(serde::Serialize)]
struct ListedEntry<'e, T> {
    format: u64,
    seq: u64,
    hash: String,
    prev: String,
    at: String,
    event: &'e T,
}

/// [`entry_json`] as one line of compact JSON, written without making the JSON value (the
/// keys in the same order: `at`, `event`, `format`, `hash`, `prev`, `seq`).
fn entry_json_line(e: &Entry) -> String {
    let listed = ListedEntry {
        format: JSON_FORMAT,
        seq: e.seq,
        hash: e.hash.to_hex(),
        prev: e.prev.to_hex(),
        at: e.at.to_string(),
        event: &e.event,
    };
    // A claim, nearly every entry, is written member by member in key order; any other
    // event through the sorting writer. Nothing the log decodes fails to be written; if it
    // did, the JSON value's way (which shows it as null) answers.
    let written = match &e.event {
        reckon_claim::Event::Claim(c) => claim_entry_line(&listed, c),
        _ => sorted::to_string(&listed),
    };
    let mut line = written.unwrap_or_else(|_| entry_json(e).to_string());
    line.push('\n');
    line
}

/// An entry whose event is the claim `c` as [`sorted::to_string`] writes it, its members put
/// in key order by hand (the entry's: `at`, `event`, `format`, `hash`, `prev`, `seq`; the
/// claim's: see [`claim_members`], with `type`).
fn claim_entry_line<T: serde::Serialize>(
    listed: &ListedEntry<'_, T>,
    c: &reckon_claim::Claim,
) -> Result<String, sorted::Error> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(b"{\"at\":");
    sorted::write(&mut out, &listed.at)?;
    out.extend_from_slice(b",\"event\":{");
    claim_members(&mut out, c, "type", &"claim")?;
    out.extend_from_slice(b"},\"format\":");
    sorted::write(&mut out, &listed.format)?;
    out.extend_from_slice(b",\"hash\":");
    sorted::write(&mut out, &listed.hash)?;
    out.extend_from_slice(b",\"prev\":");
    sorted::write(&mut out, &listed.prev)?;
    out.extend_from_slice(b",\"seq\":");
    sorted::write(&mut out, &listed.seq)?;
    out.push(b'}');
    // Every byte came from the sorting writer or from literal ASCII punctuation.
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

/// The claim `c` with one member more as compact JSON, keys in sorted order: the bytes
/// [`sorted::to_string`] writes for an object of the claim's fields and `key` (plain ASCII,
/// not a field's name), written member by member. `reckon export` writes each line this way.
///
/// # Errors
///
/// What `extra`'s own `Serialize` reports.
pub fn claim_with<T: serde::Serialize + ?Sized>(
    c: &reckon_claim::Claim,
    key: &str,
    extra: &T,
) -> Result<String, sorted::Error> {
    let mut out = Vec::with_capacity(512);
    out.push(b'{');
    claim_members(&mut out, c, key, extra)?;
    out.push(b'}');
    // Every byte came from the sorting writer or from literal ASCII punctuation.
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

/// The members of the claim `c` in key order: each field its JSON holds
/// ([`reckon_claim::Claim::each_field`], valued as its `Serialize` writes it), with the member
/// `key` (plain ASCII) and `extra` put in its place among them.
fn claim_members<T: serde::Serialize + ?Sized>(
    out: &mut Vec<u8>,
    c: &reckon_claim::Claim,
    key: &str,
    extra: &T,
) -> Result<(), sorted::Error> {
    use reckon_claim::FieldText;
    let mut m = Members {
        out,
        first: true,
        extra: Some((key, extra)),
    };
    let mut written = Ok(());
    c.each_field(|name, text| {
        if written.is_ok() {
            written = match text {
                FieldText::Text(t) => m.put(name, t.as_ref()),
                FieldText::List(items) => m.put(name, items),
            };
        }
    });
    written?;
    m.finish()
}

/// The members of an object written one after another by the sorting writer, in the order
/// given (the caller gives them sorted), with one more member put in its place among them.
struct Members<'o, 'e, T: ?Sized> {
    out: &'o mut Vec<u8>,
    first: bool,
    /// The member still to be put where its key falls.
    extra: Option<(&'e str, &'e T)>,
}

impl<T: serde::Serialize + ?Sized> Members<'_, '_, T> {
    /// Writes the member `key` (plain ASCII, needing no escape) with the value `v`, after the
    /// extra member when its key comes first.
    fn put<V: serde::Serialize + ?Sized>(&mut self, key: &str, v: &V) -> Result<(), sorted::Error> {
        if let Some((k, extra)) = self.extra.filter(|(k, _)| *k < key) {
            self.extra = None;
            self.member(k, extra)?;
        }
        self.member(key, v)
    }

    /// The extra member, when every key came before its.
    fn finish(mut self) -> Result<(), sorted::Error> {
        match self.extra.take() {
            Some((k, extra)) => self.member(k, extra),
            None => Ok(()),
        }
    }

    fn member<V: serde::Serialize + ?Sized>(
        &mut self,
        key: &str,
        v: &V,
    ) -> Result<(), sorted::Error> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        sorted::write(self.out, v)
    }
}

/// An entry as JSON: `{"at", "event", "format", "hash", "prev", "seq"}`.
pub fn entry_json(e: &Entry) -> Json {
    json!({
        "format": JSON_FORMAT,
        "seq": e.seq,
        "hash": e.hash.to_hex(),
        "prev": e.prev.to_hex(),
        "at": e.at.to_string(),
        "event": serde_json::to_value(&e.event).unwrap_or(Json::Null),
    })
}

pub use reckon_reconcile::state::Fate;

fn claim_lines(c: &Claim, out: &mut Vec<(String, String)>) {
    let mut add = |k: &str, v: String| out.push((k.to_owned(), one_line(&v).into_owned()));
    add("subject", c.subject.to_string());
    add("value", c.value.stated().to_owned());
    let v = c.value.value();
    let meaning = match v.interval(Tolerance::DEFAULT) {
        Some(iv) => {
            let tol = matches!(
                v,
                reckon_claim::Value::Approx(_, None) | reckon_claim::Value::Nearly(_, None)
            );
            format!(
                "{iv} (canonical `{v}`{})",
                if tol {
                    format!(
                        ", default tolerance ±{} unless the subject sets one",
                        Tolerance::DEFAULT
                    )
                } else {
                    String::new()
                }
            )
        }
        None => format!("`{v}`"),
    };
    add("means", meaning);
    add("unit", c.unit.clone());
    let opt = |k: &str, v: &Option<String>, out: &mut Vec<(String, String)>| {
        if let Some(v) = v {
            out.push((k.to_owned(), one_line(v).into_owned()));
        }
    };
    opt("scope", &c.scope, out);
    if let Some(a) = &c.as_of {
        out.push((
            "as_of".into(),
            format!("{a} ({} to {})", a.start(), a.end()),
        ));
    }
    out.push(("said_on".into(), c.said_on.to_string()));
    opt("speaker", &c.speaker, out);
    opt("role", &c.role, out);
    opt("cites", &c.cites, out);
    opt("publisher", &c.publisher, out);
    out.push(("origin".into(), c.origin().to_owned()));
    opt("url", &c.url, out);
    opt("title", &c.title, out);
    opt("document", &c.document, out);
    opt(
        "doc hash",
        &c.document_hash.map(|h| format!("blake3 {}", h.to_hex())),
        out,
    );
    opt("quote", &c.quote.as_ref().map(|q| format!("\"{q}\"")), out);
    out.push(("modality".into(), c.modality.as_str().to_owned()));
    if !c.tags.is_empty() {
        out.push(("tags".into(), c.tags.join(", ")));
    }
    if let Some(s) = &c.supersedes {
        out.push(("supersedes".into(), s.to_hex()));
    }
}

/// `reckon show`: every recorded field of an entry, and what later entries did to it. JSON:
/// the entry as in [`entry_json`] plus `"retracted_by": [{"seq","reason"}]` and
/// `"superseded_by": [seq]`.
pub fn show(e: &Entry, fate: &Fate, format: Format) -> String {
    if format == Format::Json {
        let mut j = entry_json(e);
        j["retracted_by"] = fate
            .retracted_by
            .iter()
            .map(|(s, r)| json!({"seq": s, "reason": r}))
            .collect();
        j["superseded_by"] = fate.superseded_by.iter().copied().collect();
        return format!("{}\n", serde_json::to_string_pretty(&j).unwrap_or_default());
    }
    let mut rows: Vec<(String, String)> = vec![
        ("entry".into(), format!("#{}", e.seq)),
        ("hash".into(), e.hash.to_hex()),
        ("prev".into(), e.prev.to_hex()),
        ("recorded".into(), e.at.to_string()),
        ("kind".into(), e.event.kind().into()),
    ];
    match &e.event {
        Event::Claim(c) => claim_lines(c, &mut rows),
        Event::Retract { claim, reason } => {
            rows.push(("retracts".into(), claim.to_hex()));
            rows.push(("reason".into(), reason.clone()));
        }
        Event::Define(_) | Event::Alias { .. } | Event::Trust(_) | Event::Log(_) => {
            rows.push(("event".into(), event_summary(&e.event)))
        }
    }
    for (s, r) in &fate.retracted_by {
        rows.push(("retracted".into(), format!("by #{s}: {r}")));
    }
    for s in &fate.superseded_by {
        rows.push(("superseded".into(), format!("by #{s}")));
    }
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("{k:<width$}  {}\n", one_line(v)))
        .collect()
}

#[cfg(test)]
mod terminal_tests {
    use super::*;

    /// A line break of either kind, anywhere in a field, is shown escaped; a field without
    /// one is passed through as it is.
    #[test]
    fn a_field_shown_on_one_line_has_no_line_break() {
        for (given, shown) in [
            ("a\nb", "a\\nb"),
            ("a\rb", "a\\rb"),
            ("\r\n", "\\r\\n"),
            (
                "long field, no break at all here: é😀",
                "long field, no break at all here: é😀",
            ),
        ] {
            assert_eq!(one_line(given), shown);
        }
    }

    /// The fast byte pass never lets a character through that the exact check escapes: every
    /// code point up to U+3000, alone and between ASCII, is escaped exactly when it is a
    /// control character (but newline and tab) or a bidirectional override.
    #[test]
    fn the_fast_pass_agrees_with_the_exact_check() {
        for cp in 0u32..0x3000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let bad = (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            let s = format!("a{c}b");
            let out = terminal_safe(&s);
            assert_eq!(out != s, bad, "U+{cp:04X}");
            assert!(!out.contains(|x: char| x.is_control() && x != '\n' && x != '\t'));
        }
    }

    /// The pass over blocks of 32 bytes finds a character wherever it falls: first, last, or
    /// across the boundary between two blocks (a three-byte character begun in one and ended
    /// in the next).
    #[test]
    fn a_character_is_found_wherever_it_falls_in_the_blocks() {
        for cp in 0u32..0x3000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let bad = (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            for before in (0..4).chain(28..36).chain(60..66) {
                let s = format!("{}{c}{}", "x".repeat(before), "y".repeat(before % 5));
                assert_eq!(
                    has_unsafe_bytes(s.as_bytes()),
                    bad,
                    "U+{cp:04X} after {before}"
                );
            }
        }
    }
}

#[cfg(test)]
mod log_json_tests {
    use super::*;
    use proptest::prelude::*;

    /// A claim event from `fields` (import-contract names), each given or not.
    fn claim(fields: &[(&str, serde_json::Value)]) -> reckon_claim::Event {
        let mut o = serde_json::Map::new();
        o.insert("type".into(), "claim".into());
        for (k, v) in fields {
            o.insert((*k).to_owned(), v.clone());
        }
        serde_json::from_value(serde_json::Value::Object(o)).unwrap()
    }

    /// The listing line of `event` by hand and by the sorting writer.
    fn both(event: &reckon_claim::Event) -> (String, String) {
        let listed = ListedEntry {
            format: JSON_FORMAT,
            seq: 42,
            hash: "ab".repeat(32),
            prev: "cd".repeat(32),
            at: "2025-05-01T12:00:00Z".into(),
            event,
        };
        let reckon_claim::Event::Claim(c) = event else {
            panic!("not a claim");
        };
        (
            claim_entry_line(&listed, c).unwrap(),
            sorted::to_string(&listed).unwrap(),
        )
    }

    /// Free text rich in what JSON escapes: quotes, backslashes, controls, and text beyond
    /// ASCII.
    fn words() -> impl Strategy<Value = String> {
        "[a-z\"\\\\\u{1}\u{1f}\n\t é€😀\u{2028}]{0,12}"
    }

    proptest! {
        /// Whatever fields a claim has, written member by member it is the same line as the
        /// sorting writer makes of it.
        #[test]
        fn a_claim_listed_by_hand_is_the_sorted_line(
            given in proptest::collection::vec(any::<bool>(), 14),
            text in proptest::collection::vec(words(), 9),
            tags in proptest::collection::vec(words(), 0..3),
            modality in 0..3usize,
        ) {
            use serde_json::json;
            let mut fields = vec![
                ("subject", json!("a/b-c")),
                ("value", json!(["about 1,000", "at least 8,000", "between 3 and 4", "12"][modality])),
                ("said_on", json!("2025-05-01")),
                ("unit", json!(text[0].clone() + "people")),
            ];
            let optional = [
                ("precision", json!(["exact", "digits", "exact"][modality])),
                ("scope", json!(text[0])),
                ("as_of", json!(["2025", "2025-04", "2022-02-24/2025-05-23"][modality])),
                ("speaker", json!(text[1])),
                ("role", json!(text[2])),
                ("cites", json!(text[3])),
                ("publisher", json!(text[4])),
                ("url", json!(text[5])),
                ("title", json!(text[6])),
                ("document", json!(text[7])),
                ("quote", json!(text[8])),
                ("modality", json!(["asserted", "expected", "denied"][modality])),
                ("tags", json!(tags)),
                ("supersedes", json!("ef".repeat(32))),
            ];
            for ((k, v), on) in optional.into_iter().zip(&given) {
                if *on {
                    fields.push((k, v));
                }
            }
            let event = claim(&fields);
            let (by_hand, sorted) = both(&event);
            prop_assert_eq!(by_hand, sorted);
        }

        /// A claim with one member more (as `reckon export` writes `exported`) is the object
        /// of its fields with that member put in, whichever claim field's place its key falls
        /// in (before the first, between two, after the last).
        #[test]
        fn a_claim_with_one_member_more_is_its_object_with_the_member(
            given in proptest::collection::vec(any::<bool>(), 6),
            text in words(),
            key in prop_oneof![
                Just("a"), Just("as_of_"), Just("exported"), Just("modality"),
                Just("r"), Just("subjects"), Just("type"), Just("zz"),
            ],
        ) {
            use serde_json::json;
            let mut fields = vec![
                ("subject", json!("a/b-c")),
                ("value", json!("about 1,000")),
                ("said_on", json!("2025-05-01")),
                ("unit", json!("people")),
            ];
            let optional = [
                ("as_of", json!("2025-04")),
                ("cites", json!(text)),
                ("quote", json!(text)),
                ("tags", json!([text])),
                ("url", json!(text)),
                ("modality", json!("denied")),
            ];
            for ((k, v), on) in optional.into_iter().zip(&given) {
                // `modality` is the key under test in one case: the claim then has none.
                if *on && k != key {
                    fields.push((k, v));
                }
            }
            let reckon_claim::Event::Claim(c) = claim(&fields) else {
                panic!("not a claim");
            };
            let extra = json!({"seq": 7, "state": text, "why": null});
            let mut object = serde_json::to_value(&c).unwrap();
            object.as_object_mut().unwrap().insert(key.to_owned(), extra.clone());
            prop_assert_eq!(claim_with(&c, key, &extra).unwrap(), object.to_string());
        }
    }

    #[test]
    fn every_field_a_claim_can_hold_is_listed_in_its_place() {
        use serde_json::json;
        let event = claim(&[
            ("subject", json!("a/b")),
            ("value", json!("about 1,000 ±5%")),
            ("unit", json!("people")),
            ("scope", json!("s")),
            ("as_of", json!("2025-04")),
            ("said_on", json!("2025-05-01")),
            ("speaker", json!("sp")),
            ("role", json!("r")),
            ("cites", json!("c")),
            ("publisher", json!("p")),
            ("url", json!("https://x.example/")),
            ("title", json!("t")),
            ("document", json!("d.txt")),
            ("document_hash", json!("12".repeat(32))),
            ("quote", json!("q")),
            ("modality", json!("expected")),
            ("tags", json!(["x", "y"])),
            ("supersedes", json!("ef".repeat(32))),
            ("precision", json!("exact")),
        ]);
        let (by_hand, sorted) = both(&event);
        assert_eq!(by_hand, sorted);
        for key in [
            "document_hash",
            "precision",
            "supersedes",
            "modality",
            "tags",
        ] {
            assert!(by_hand.contains(&format!("\"{key}\":")), "{key}: {by_hand}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of `reckon log` (text and CSV) is the same whether its entry was decoded
    /// briefly or whole: for claims with a speaker, with only a publisher, with neither, in
    /// the `count` unit, superseding another, with a line break in a field the summary shows,
    /// and for other events (which are read whole).
    #[test]
    fn a_log_line_is_the_same_from_a_brief_entry_as_from_a_whole_one() {
        let events = [
            r#"{"type":"claim","subject":"t/a","value":"about 1,000","unit":"people","said_on":"2025-03","speaker":"Ann","quote":"q"}"#,
            r#"{"type":"claim","subject":"t/a","value":"12","unit":"count","said_on":"2025-03-02","publisher":"Daily, \"Evening\""}"#,
            r#"{"type":"claim","subject":"t/b","value":"at least 7","unit":"people","said_on":"2025","speaker":"Line\nbreak\u0007"}"#,
            r#"{"type":"claim","subject":"t/c","value":"between 20 and 30","unit":"people","said_on":"2025-04"}"#,
            r#"{"type":"define","subject":"t/c","unit":"people","label":"C, \"the\" subject"}"#,
            r#"{"type":"retract","claim":"HASH","reason":"misread, sorry"}"#,
            r#"{"type":"claim","subject":"t/a","value":"1,010","unit":"people","said_on":"2025-05","speaker":"Bob","supersedes":"HASH"}"#,
        ];
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut prev = reckon_ledger::GENESIS;
        for (k, json) in events.iter().enumerate() {
            let json = json.replace("HASH", &prev.to_hex());
            let event: Event = serde_json::from_str(&json).unwrap();
            let seq = k as u64 + 1;
            let at = reckon_claim::Timestamp::from_unix(1_750_000_000 + k as i64);
            let (line, hash) = reckon_ledger::encode(seq, &prev, at, &event).unwrap();
            lines.push(line[..line.len() - 1].to_vec());
            prev = hash;
        }
        let mut briefs = 0;
        for line in &lines {
            let whole = reckon_ledger::decode(line).unwrap();
            let (_, brief) = reckon_ledger::decode_brief(line).unwrap();
            briefs += usize::from(matches!(brief, reckon_ledger::Brief::Claim { .. }));
            assert_eq!(
                log_line_brief(&brief, false),
                log_line(&whole, Format::Human)
            );
            assert_eq!(log_line_brief(&brief, true), log_csv_row(&whole));
        }
        assert_eq!(briefs, 5, "the claims an append writes are read briefly");
    }
}
