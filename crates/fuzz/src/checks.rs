//! The checks, one per fuzz target. Each takes arbitrary bytes.

use reckon_audit::note::{Note, SignerKey, VerifierKey};
use reckon_claim::{EntryHash, Period, Ref, Tolerance, Value, parse_line};
use std::sync::OnceLock;

/// The project's own log: what queries are run on.
static LOG: &[u8] = include_bytes!("../../../log/entries.jsonl");

fn entries() -> &'static [reckon_ledger::Entry] {
    static E: OnceLock<Vec<reckon_ledger::Entry>> = OnceLock::new();
    E.get_or_init(|| {
        reckon_ledger::scan(LOG, true)
            .map(|s| s.kept)
            .unwrap_or_default()
    })
}

/// One line of the import contract: read, never a panic.
pub fn import_line(data: &[u8]) {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let target = EntryHash([0xab; 32]);
    let mut resolve = |_: &str, _: &Ref| Ok(target);
    if let Ok(event) = parse_line(line, &mut resolve) {
        // What was read is stored as JSON and must decode to the same event.
        let json = serde_json::to_string(&event).unwrap_or_default();
        let back: Result<reckon_claim::Event, _> = serde_json::from_str(&json);
        assert_eq!(
            back.ok().as_ref(),
            Some(&event),
            "{line:?} stored as {json:?}"
        );
    }
}

/// The value, tolerance and date grammars: what parses prints to text that parses back to
/// the same thing.
pub fn value_date(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = Value::parse(text) {
        let again = Value::parse(&v.to_string());
        assert_eq!(
            again.as_ref().ok(),
            Some(&v),
            "value {text:?} printed as {v}"
        );
        let _ = v.interval(Tolerance::DEFAULT);
    }
    if let Ok(p) = Period::parse(text) {
        let again = Period::parse(&p.to_string());
        assert_eq!(
            again.as_ref().ok(),
            Some(&p),
            "period {text:?} printed as {p}"
        );
    }
    let _ = Tolerance::parse(text);
}

/// The query parser and evaluator: printing a parsed query gives text that reads back to the
/// same query, and every parsed query runs on the bundled log, one cell per column.
pub fn query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(q) = reckon_query::parse(text) else {
        return;
    };
    let printed = q.to_string();
    let again = reckon_query::parse(&printed);
    assert_eq!(
        again.ok().as_ref(),
        Some(&q),
        "{text:?} printed as {printed:?} reads back differently"
    );
    if let Ok(a) = reckon_query::run(&q, entries()) {
        assert!(
            a.rows.iter().all(|r| r.len() == a.columns.len()),
            "{text:?}: a row does not have one cell per column"
        );
    }
}

/// What is appended to the project's log for [`query_ways`]: a correction and a retraction,
/// names and words that need escaping (Cyrillic, quotes, a backslash), a range over a period,
/// other modalities, units and publishers, and a declared prior (import lines).
const MORE: &[&str] = &[
    r#"{"subject": "pows/ukraine/held-by-russia", "value": "9,250", "unit": "people", "said_on": "2025-06-04", "speaker": "Someone Else", "publisher": "Other Weekly", "tags": ["pow", "late"], "supersedes": 12}"#,
    r#"{"retract": 14, "reason": "a test"}"#,
    r#"{"subject": "pows/ukraine/held-by-russia", "value": "about 8,000", "unit": "people", "as_of": "2025-05", "said_on": "2025-05-02", "speaker": "Олена \"Кава\" Коваль", "role": "ombudsman\\office", "quote": "close to 8 000 \"held\" captive", "tags": ["pow"]}"#,
    r#"{"subject": "pows/ukraine/held-by-russia", "value": "between 7,500 and 8,500", "unit": "people", "as_of": "2025-04/2025-05", "said_on": "2025-05-03", "publisher": "Other Weekly", "cites": "a registry", "url": "https://example.org/a?b=1", "title": "Held: a count", "scope": "military only", "modality": "expected"}"#,
    r#"{"subject": "exchange/2025-05-23/per-side", "value": "1000", "unit": "people", "said_on": "2025-05-26", "speaker": "Someone Else", "modality": "denied", "tags": ["civilians"]}"#,
    r#"{"subject": "zz/other", "value": "12", "unit": "hours", "said_on": "2025", "publisher": "Other Weekly"}"#,
    r#"{"trust": "Other Weekly", "prior": 0.6, "strength": 3, "reason": "a test"}"#,
];

/// What the second log of [`query_ways`] adds to the first: an alias, and a claim under it
/// (with an alias, a subject's claims may be under other names than the index lists).
const ALIASED: &[&str] = &[
    r#"{"alias": "pows/ua/held", "same_as": "pows/ukraine/held-by-russia"}"#,
    r#"{"subject": "pows/ua/held", "value": "8,100", "unit": "people", "said_on": "2025-05-30", "speaker": "Rustem Umerov"}"#,
];

/// The lines of a log: those of `log` (a whole log's file) and then `lines` (import lines)
/// appended, each recorded a second after the one before from 2025-11-23; a reference names
/// an earlier entry by its number or by a unique prefix of its hash.
fn appended(log: &[u8], lines: &[&str]) -> Option<Vec<u8>> {
    let mut hashes: Vec<EntryHash> = reckon_ledger::scan(log, true)
        .ok()?
        .kept
        .iter()
        .map(|e| e.hash)
        .collect();
    let mut out = log.to_vec();
    for line in lines {
        let known = &hashes;
        let mut resolve = |_: &str, r: &Ref| -> Result<EntryHash, String> {
            let found = match r {
                Ref::Seq(n) => usize::try_from(*n)
                    .ok()
                    .and_then(|n| known.get(n.checked_sub(1)?).copied()),
                Ref::Hash(p) => {
                    let mut it = known
                        .iter()
                        .filter(|h| h.to_string().starts_with(p.as_str()));
                    it.next().filter(|_| it.next().is_none()).copied()
                }
            };
            found.ok_or_else(|| "no such entry".to_owned())
        };
        let event = parse_line(line, &mut resolve).ok()?;
        let seq = hashes.len() as u64 + 1;
        let prev = hashes.last().copied().unwrap_or(reckon_ledger::GENESIS);
        let at = reckon_claim::Timestamp::from_unix(1_763_856_000 + seq as i64);
        let (bytes, hash) = reckon_ledger::encode(seq, &prev, at, &event).ok()?;
        out.extend_from_slice(&bytes);
        hashes.push(hash);
    }
    Some(out)
}

/// The log whose file is `bytes`, in a folder of the temporary directory named after its head
/// (made once, and then shared by every run and process that asks for the same log, so that
/// one saved index and snapshot serve them all). A log just made is waited on until its file
/// is old enough for an index of it to be saved (as `reckon-index` requires).
fn placed(bytes: &[u8]) -> Option<reckon_ledger::Log> {
    let entries = reckon_ledger::scan(bytes, true).ok()?.kept;
    let head = reckon_ledger::Head::after(&entries);
    let hex = head.hash.to_string();
    let dir = std::env::temp_dir().join(format!("reckon-fuzz-ways-{}", &hex[..16]));
    if !dir.join(reckon_ledger::HEAD).is_file() {
        let making = dir.with_extension(format!("{}", std::process::id()));
        std::fs::create_dir_all(&making).ok()?;
        std::fs::write(making.join(reckon_ledger::ENTRIES), bytes).ok()?;
        std::fs::write(
            making.join(reckon_ledger::HEAD),
            format!("{} {hex}\n", head.seq),
        )
        .ok()?;
        // Another process may have placed it first: its copy is the same.
        if std::fs::rename(&making, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&making);
        }
        std::thread::sleep(std::time::Duration::from_millis(2100));
    }
    Some(reckon_ledger::Log::at(dir))
}

/// The two logs [`query_ways`] asks its questions of: the project's log with [`MORE`], and
/// that with [`ALIASED`] too.
fn ways_logs() -> &'static [reckon_ledger::Log] {
    static L: OnceLock<Vec<reckon_ledger::Log>> = OnceLock::new();
    L.get_or_init(|| {
        // Their saved indexes and snapshots beside them, never in the user's cache.
        reckon_index::cache_in(std::env::temp_dir().join("reckon-fuzz-ways-cache"));
        let plain = appended(LOG, MORE);
        let aliased = plain.as_deref().and_then(|p| appended(p, ALIASED));
        [plain, aliased]
            .iter()
            .flatten()
            .filter_map(|bytes| placed(bytes))
            .collect()
    })
}

/// The ways of answering a question on a log (through the saved index, a pass picking
/// claims by their text, the lean fold, the saved snapshot) against the whole read: every
/// query that parses gets, on two small logs, the answer (or the error) that every entry
/// decoded whole gives, byte for byte in its JSON.
pub fn query_ways(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(q) = reckon_query::parse(text) else {
        return;
    };
    let told = |r: Result<reckon_query::Answer, reckon_query::RunError>| match r {
        Ok(a) => Ok(reckon_render::query::answer(
            &a,
            reckon_render::query::QueryFormat::Json,
            false,
        )),
        Err(reckon_query::RunError::Query(e)) => Err(e.to_string()),
        Err(reckon_query::RunError::Log(e)) => Err(e.to_string()),
    };
    for log in ways_logs() {
        let ways = told(reckon_query::run_on_log(&q, log));
        let whole = told(reckon_query::run_whole(&q, log));
        assert_eq!(ways, whole, "{text:?} on {}", log.dir().display());
    }
}

/// An import rehearsed on the two small logs of [`query_ways`] taking what the saved index
/// vouches for (the entries the lines' references name, each with its fate, and the log's
/// subjects when a line adds an alias or a sum), and reading the log back for every
/// reference: the same lines would be appended, or the same refusal given. The references
/// are vouched for one at a time (any of them, not only all or none), and all at once as
/// `import` does, where each must be vouched for as it is alone. Whatever the index vouches
/// for may only spare the read back, never change the outcome. Nothing is written; two
/// rehearsals stamped in different seconds are not compared.
pub fn import_ways(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // What an import reads of its lines before the append (nothing is vouched for when
    // they do not read so).
    let Some(names) = reckon_query::vouch::InputNames::read(data) else {
        return;
    };
    for log in ways_logs() {
        let Ok(snapshot) = log.snapshot() else {
            continue;
        };
        let one_by_one: Vec<_> = names
            .references
            .iter()
            .take(16)
            .map(|r| reckon_query::vouch::named(&snapshot, &reckon_query::vouch::entry_id(r)))
            .collect();
        // What `import` takes: every reference vouched for at once, each as it is alone.
        let taken = reckon_query::vouch::for_import(&snapshot, &names);
        for (alone, together) in one_by_one.iter().zip(&taken.claims) {
            if let Some(alone) = alone {
                assert_eq!(alone, together, "{text:?} on {}", log.dir().display());
            }
        }
        drop(snapshot);
        let rehearsed = |v: &reckon_ledger::Vouches| {
            reckon_ledger::import_gated(log, "input", data, None, (&mut (), None, v), true)
                .map(|done| done.lines)
                .map_err(|e| e.to_string())
        };
        let reading = rehearsed(&reckon_ledger::Vouches::default());
        // Any of them alone, not only all or none as `import` takes them.
        let some = reckon_ledger::Vouches {
            claims: one_by_one.into_iter().flatten().collect(),
            subjects: taken.subjects.clone(),
        };
        for v in [taken, some] {
            same_import(&rehearsed(&v), &reading, text, log);
        }
    }
}

/// What an import rehearsed taking what the saved index vouches for gave, against what it
/// gave reading the log back: the same lines, or the same refusal (two rehearsals stamped in
/// different seconds are not compared).
fn same_import(
    taking: &Result<Vec<u8>, String>,
    reading: &Result<Vec<u8>, String>,
    text: &str,
    log: &reckon_ledger::Log,
) {
    let stamp = |lines: &[u8]| {
        let line = lines.split(|b| *b == b'\n').next().unwrap_or_default();
        let at = line.windows(6).position(|w| w == br#""at":""#);
        at.map(|i| line[i..].iter().take(30).copied().collect::<Vec<u8>>())
    };
    if let (Ok(a), Ok(b)) = (taking, reading)
        && stamp(a) != stamp(b)
    {
        return;
    }
    assert_eq!(
        taking.as_ref().map(|l| String::from_utf8_lossy(l)),
        reading.as_ref().map(|l| String::from_utf8_lossy(l)),
        "{text:?} on {}",
        log.dir().display()
    );
}

/// The log scanner and entry decoder on arbitrary bytes: an accepted file has as many decoded
/// entries as lines, and each of its lines decodes on its own.
pub fn log_scan(data: &[u8]) {
    let whole = reckon_ledger::scan(data, true);
    for line in data.split(|b| *b == b'\n') {
        let _ = reckon_ledger::check(line);
        let _ = reckon_ledger::decode(line);
    }
    if let Ok(s) = whole {
        assert_eq!(s.kept.len() as u64, s.entries);
        for line in data.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            assert!(reckon_ledger::decode(line).is_ok());
        }
    }
}

/// Signed notes, checkpoints, keys and proof bundles from strangers: never a panic.
pub fn audit_inputs(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let keys: Vec<VerifierKey> = SignerKey::from_seed("fuzz.example", [7; 32])
        .iter()
        .map(|k| k.verifier())
        .collect();
    if let Ok(n) = Note::parse(text) {
        let _ = n.verify(&keys);
        let _ = n.encode();
    }
    let _ = reckon_audit::Checkpoint::parse(text);
    let _ = VerifierKey::parse(text);
    let _ = SignerKey::parse(text);
    if let Ok(policy) = reckon_audit::policy::Policy::any_of(keys) {
        let _ = reckon_audit::verify_bundle(text, &policy, Some("fuzz.example"));
        let _ = reckon_audit::verify_any_bundle(text, &policy, None);
    }
    let _ = reckon_audit::policy::Policy::parse(text);
}

/// Drafting claims from an article: never a panic, and every draft has a figure the value
/// grammar reads, a quote that is the document's own words, and a subject under `draft/`.
pub fn extract(data: &[u8]) {
    let Ok(doc) = std::str::from_utf8(data) else {
        return;
    };
    let out = reckon_extract::extract(doc, &reckon_extract::Options::default());
    for d in &out.drafts {
        let text = |key: &str| {
            d.object
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        assert!(
            Value::parse(text("value")).is_ok(),
            "draft value {:?} from {doc:?}",
            text("value")
        );
        // As the check of quotes against documents reads them: all spacing as one space (a
        // sentence of a wrapped paragraph is quoted with its line breaks as spaces).
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squash(doc).contains(&squash(text("quote"))),
            "quote {:?} is not in {doc:?}",
            text("quote")
        );
        assert!(text("subject").starts_with("draft/"), "{:?}", d.object);
    }
}

/// The readers of other formats (the first byte chooses which): never a panic, and each file
/// read a record at a time gives what it gives read whole: a sheet row by row, ClaimReview a
/// review at a time, a Wikidata dump an entity at a time (where the whole reading takes the
/// same text).
pub fn formats(data: &[u8]) {
    use std::io::Read as _;
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            let whole = reckon_formats::table::read(data);
            let rows = reckon_formats::table::Rows::new(data).and_then(|mut rows| {
                let mut lines = Vec::new();
                match rows.read_to_end(&mut lines) {
                    Ok(_) => Ok((lines, rows.count())),
                    Err(e) => Err(reckon_formats::carried(&e).cloned().unwrap_or_else(|| {
                        panic!("a sheet's reading failed with no error of its own: {e}")
                    })),
                }
            });
            match (whole, rows) {
                (Ok(w), Ok((lines, n))) => {
                    assert_eq!(lines, w.lines(), "row by row and whole differ");
                    assert_eq!(n, w.records.len());
                }
                (Err(_), Err(_)) => {}
                (w, r) => panic!(
                    "one reading failed: whole {:?}, rows {:?}",
                    w.err(),
                    r.err()
                ),
            }
        }
        1 => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            let whole = reckon_formats::claimreview::read(text, None);
            let input = std::io::Cursor::new(data.to_vec());
            let streamed = reckon_formats::claimreview::stream(input, None, |r| {
                let mut lines = Vec::new();
                let got = r.read_to_end(&mut lines).map(|_| lines);
                (got, r.count(), r.skipped_by_reason().to_vec())
            });
            match (whole, streamed) {
                (Ok(w), (Ok(lines), n, skipped)) => {
                    assert_eq!(lines, w.lines(), "streamed and whole differ");
                    assert_eq!(n, w.records.len());
                    assert_eq!(skipped, w.skipped_by_reason());
                }
                (Err(w), (Err(e), _, _)) => {
                    let s = reckon_formats::carried(&e).expect("the document's own error");
                    // The same review fails the same way; a document both malformed and
                    // holding a bad review may be refused for either.
                    if !w.place.starts_with("line ") && !s.place.starts_with("line ") {
                        assert_eq!(&w, s);
                    }
                }
                (w, (s, _, _)) => {
                    panic!(
                        "one reading failed: whole {:?}, streamed {:?}",
                        w.err(),
                        s.err()
                    )
                }
            }
        }
        _ => {
            let text = std::str::from_utf8(data).ok();
            let whole = text.map(reckon_formats::wikidata::read);
            let mut input = data;
            let mut first = Vec::new();
            let _ = std::io::BufRead::read_until(&mut input, b'\n', &mut first);
            if !reckon_formats::wikidata::opens_dump(&first) {
                return;
            }
            let mut dump = reckon_formats::wikidata::Dump::after_opening(input, 1);
            let mut lines = Vec::new();
            let streamed = dump.read_to_end(&mut lines);
            if let Err(e) = &streamed {
                assert!(
                    reckon_formats::carried(e).is_some(),
                    "no error of its own: {e}"
                );
            }
            // A dump that the whole reading takes too (a list of entities, no trailing comma)
            // gives the same claims (an entity that states no quantity is counted as one,
            // not by its statements).
            if let (Ok(_), Some(Ok(w))) = (&streamed, &whole)
                && dump.closed()
            {
                assert_eq!(lines, w.lines(), "an entity at a time and whole differ");
                assert_eq!(dump.count(), w.records.len());
            }
        }
    }
}

/// The reconciler on any small log (up to 64 lines of the import contract, one a line, each
/// reference naming an earlier entry by its number; lines that do not read are left out, as
/// an import would refuse them): never a panic, by weight and by counting origins; the same
/// log gives the same answer; every subject reported is one a claim or a definition names
/// (through its aliases; a definition names its subject and its sum's parts); the conflict
/// graph is built from the answer; each entry's line in `reckon log` is the same read
/// briefly as read whole.
pub fn reconcile(data: &[u8]) {
    use reckon_reconcile::{Method, Options, State, graph, reconcile};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut entries: Vec<reckon_ledger::Entry> = Vec::new();
    let mut prev = reckon_ledger::GENESIS;
    for line in text.lines().take(64) {
        let mut resolve = |_: &str, r: &Ref| match r {
            Ref::Seq(n) => usize::try_from(*n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| entries.get(i).map(|e| e.hash))
                .ok_or_else(|| "no such entry".to_owned()),
            Ref::Hash(_) => Err("by number only".to_owned()),
        };
        let Ok(event) = parse_line(line, &mut resolve) else {
            continue;
        };
        let seq = entries.len() as u64 + 1;
        let at = reckon_claim::Timestamp::from_unix(i64::try_from(seq).unwrap_or(0) * 3600);
        let Ok((bytes, hash)) = reckon_ledger::encode(seq, &prev, at, &event) else {
            continue;
        };
        let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let entry = reckon_ledger::decode(line).expect("an encoded entry decodes");
        // `reckon log` says the same of it read briefly as read whole.
        let (_, brief) = reckon_ledger::decode_brief(line).expect("and decodes briefly");
        for csv in [false, true] {
            let whole = match csv {
                true => reckon_render::log_csv_row(&entry),
                false => reckon_render::log_line(&entry, reckon_render::Format::Human),
            };
            assert_eq!(reckon_render::log_line_brief(&brief, csv), whole);
        }
        entries.push(entry);
        prev = hash;
    }
    let state = State::fold(&entries, None);
    // What a claim names, under the name its aliases lead to, and what a definition names:
    // the subject it defines and the parts of its sum (a whole's figure may be derived from
    // its parts, and a part's from the whole and the other parts).
    let named: std::collections::HashSet<String> = state
        .claims
        .iter()
        .map(|c| state.canonical(&c.claim.subject).to_string())
        .chain(state.defs.iter().flat_map(|(subject, def)| {
            std::iter::once(subject)
                .chain(&def.sum_of)
                .map(|s| state.canonical(s).to_string())
        }))
        .collect();
    for method in [Method::Weighted, Method::Count] {
        let opts = Options {
            method,
            ..Options::default()
        };
        let answer = reconcile(&state, None, &opts);
        let again = reconcile(&state, None, &opts);
        assert_eq!(
            format!("{:?}", answer.subjects),
            format!("{:?}", again.subjects),
            "the same log gave two answers"
        );
        for s in &answer.subjects {
            assert!(
                named.contains(&s.subject.to_string()),
                "{} is reported but neither a claim nor a definition names it",
                s.subject
            );
        }
        let _ = graph::build(&answer);
    }
}
