//! The commands that write: `add`, `retract` and `import`, each vetted first (`reckon-vet`),
//! each with a dry run. What they print is returned, for `main` to print.

use crate::args::{AddArgs, ImportArgs};
use crate::{Failure, fail, ledger, usage};
use anyhow::Context as _;
use reckon_claim::{Event, parse_line};
use reckon_ledger::{ImportError, Log};
use reckon_query::vouch::InputNames;
use serde_json::{Map, Value as Json};
use std::io::Write as _;

fn import_failure(e: ImportError) -> Failure {
    match e {
        ImportError::Ledger(l) => ledger(l),
        other => Failure {
            code: 2,
            error: other.into(),
        },
    }
}

/// The import object of an add: the fields given, over `base` (the corrected claim's fields,
/// for a correction; else nothing).
fn add_object(
    a: AddArgs,
    base: Map<String, Json>,
    log: &Log,
) -> (Map<String, Json>, Option<reckon_ledger::Vouched>) {
    let mut m = base;
    if a.document.is_some() {
        // A new document's hash is not the old one's.
        m.remove("document_hash");
    }
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), Json::String(v));
        }
    };
    put("subject", a.subject);
    put("value", a.value);
    put("unit", a.unit);
    put("scope", a.scope);
    put("as_of", a.as_of);
    put("said_on", a.said_on);
    put("speaker", a.speaker);
    put("role", a.role);
    put("cites", a.cites);
    put("publisher", a.publisher);
    put("url", a.url);
    put("title", a.title);
    put("document", a.document);
    put("quote", a.quote);
    put("modality", a.modality);
    put("precision", a.precision);
    if !a.tags.is_empty() {
        m.insert("tags".into(), Json::from(a.tags));
    }
    let mut vouched = None;
    if let Some(s) = a.supersedes {
        let (named, v) = match a.whole_read {
            true => (reference_json(log, &s), None),
            false => reference(log, &s),
        };
        m.insert("supersedes".into(), named);
        vouched = v;
    }
    (m, vouched)
}

/// An entry named on the command line (`--supersedes`, `retract ID`) as an import line names
/// it: a number as a number, a hash prefix as text; a long number the log lacks is a hash
/// prefix ([`reckon_ledger::EntryId::parse_in`]), so that it names what `show` shows. A
/// claim the saved index finds is named by its whole hash, with what the index says of its
/// fate ([`vouched`]), so that the append need not read the log back to resolve it.
fn reference(log: &Log, id: &str) -> (Json, Option<reckon_ledger::Vouched>) {
    if let Some(v) = vouched(log, id) {
        return (Json::String(v.hash.to_hex()), Some(v));
    }
    (reference_json(log, id), None)
}

/// [`reference()`] as the import line names it, with nothing looked up.
fn reference_json(log: &Log, id: &str) -> Json {
    let committed = || log.committed().ok().map(|(h, _)| h.seq);
    match reckon_ledger::EntryId::parse_in(id, committed) {
        Ok(reckon_ledger::EntryId::Prefix(p)) => Json::String(p),
        // A number, or what the import line's reading says is wrong with it.
        _ => reckon_claim::input::reference_json(id),
    }
}

/// The claim `id` names and its fate, read through the saved index with its subject's part
/// (which holds every retraction and correction of its claims), or the definition and
/// whether it was withdrawn, read with every entry that is not a claim; at the head the
/// index was read at; `None` for any other entry, no index, or any doubt (the append then
/// reads the log back, as it always could).
fn vouched(log: &Log, id: &str) -> Option<reckon_ledger::Vouched> {
    let snapshot = log.snapshot().ok()?;
    let id = crate::entry_id(&snapshot, id).ok()?;
    reckon_query::vouch::named(&snapshot, &id)
}

/// Appends one event given as an import object, reporting errors by flag name; `vet`, when
/// given, checks it first (and must have learnt the log as it is when the append begins).
/// With `dry_run`, appends nothing and prints the entry instead.
fn append_object(
    log: &Log,
    obj: Map<String, Json>,
    flag_of: fn(&str) -> String,
    docs: Option<&reckon_ledger::Documents>,
    mut vet: Option<(&mut reckon_vet::Vet, reckon_ledger::Head)>,
    (vouched, dry_run): (Option<reckon_ledger::Vouched>, bool),
) -> Result<String, Failure> {
    let line = Json::Object(obj).to_string();
    if line.len() > reckon_ledger::MAX_LINE {
        return Err(usage(format!(
            "the entry would be {} bytes; entries are limited to {} bytes (1 MiB), as lines of an import are",
            line.len(),
            reckon_ledger::MAX_LINE
        )));
    }
    let input = |m: String| Failure {
        code: 2,
        error: anyhow::anyhow!(m),
    };
    let build = |tx: &mut reckon_ledger::Tx<'_>| {
        if let Some(v) = &vouched {
            let taken = tx.vouch(v);
            crate::trace(&format!(
                "append: the entry it names {} through the index",
                if taken {
                    "vouched for"
                } else {
                    "changed since it was read"
                }
            ));
        }
        let mut event: Event = parse_line(&line, &mut |f, r| tx.resolve(f, r)).map_err(|e| {
            let what = e
                .field
                .as_deref()
                .map_or_else(String::new, |f| format!("{}: ", flag_of(f)));
            input(format!("{what}{}", e.message))
        })?;
        if let Some(docs) = docs {
            docs.anchor(&mut event)
                .map_err(|(field, m)| input(format!("{}: {m}", flag_of(field))))?;
        }
        if let Some((vet, learnt)) = vet.as_mut() {
            if tx.head() != *learnt {
                // Another writer appended since the log was learnt: learn that too.
                for e in tx.committed_after(learnt.seq)? {
                    reckon_ledger::Gate::learn(*vet, &e);
                }
            }
            vet.check(1, reckon_vet::Seen::of(&event)).map_err(|r| {
                let what = r
                    .field
                    .map_or_else(String::new, |f| format!("{}: ", flag_of(f)));
                input(format!("{what}{}", r.message))
            })?;
        }
        tx.push(&event).map_err(input)?;
        if tx.read_back() {
            crate::trace("append: read the log back");
        }
        Ok::<(), Failure>(())
    };
    if dry_run {
        let (head, (), lines) = log.rehearse(build)?;
        Ok(rehearsed(&lines, head, 1, false))
    } else {
        let (head, ()) = log.append(build)?;
        Ok(format!("recorded #{} {}\n", head.seq, head.hash))
    }
}

/// What a dry run prints: the lines on standard output, what they would do on standard error.
fn rehearsed(lines: &[u8], head: reckon_ledger::Head, added: u64, quiet: bool) -> String {
    let _ = (!quiet).then(|| writeln!(
        std::io::stderr(),
        "dry run: would append {added} {} (the log would have {} entries, head {}); nothing was written",
        if added == 1 { "entry" } else { "entries" },
        head.seq,
        head.hash
    ));
    String::from_utf8_lossy(lines).into_owned()
}

/// Today's date as appends record it (`SOURCE_DATE_EPOCH` when set, else the clock).
pub(crate) fn today() -> Option<reckon_claim::Date> {
    let now = reckon_ledger::recording_time().ok()?;
    reckon_claim::Date::from_days_since_epoch(now.unix().div_euclid(86_400))
}

/// Learns what the log holds about `subject` for vetting a claim on it: through the saved
/// index (made now, at the speed of `verify`, when there is none for the log as it is), which
/// reads every entry that is not a claim and the subject's claims; through a whole read
/// when no index can be had.
fn vetting_one(
    log: &Log,
    options: reckon_vet::Options,
    subject: &str,
) -> Result<(reckon_vet::Vet, reckon_ledger::Head), Failure> {
    let subjects = std::iter::once(subject.to_owned()).collect();
    vetting(log, options, Some(&subjects), false)
}

/// Learns what the log holds for vetting what is about to be appended to it: with the
/// `subjects` the append names, through the saved index as [`vetting_one`] does (when
/// `bounded`, only if they hold at most an eighth of the log's claims, or 10,000: a whole
/// read costs less for more); without them, or when no index can be had, from one whole
/// read.
fn vetting(
    log: &Log,
    options: reckon_vet::Options,
    subjects: Option<&std::collections::BTreeSet<String>>,
    bounded: bool,
) -> Result<(reckon_vet::Vet, reckon_ledger::Head), Failure> {
    let snap = log.snapshot().map_err(ledger)?;
    if let Some(subjects) = subjects
        && let Some(part) = reckon_query::vouch::vetting_part(&snap, subjects, bounded)
    {
        let names = part.names.iter().map(String::as_str);
        let vet = reckon_vet::Vet::learn_part(options, &part.entries, names, part.head);
        crate::trace(&format!(
            "vetted against the {} entries read through the index",
            part.entries.len()
        ));
        return Ok((vet, part.head));
    }
    crate::trace("vetted against the whole log");
    reckon_vet::Vet::learn(options, &snap).map_err(ledger)
}

/// What the lines of a JSON Lines file (or the rows of a sheet, when `sheet`) name, read
/// before it is imported: so that vetting can learn only what `log` holds about their
/// subjects ([`vetting`]), and the claims their references name can be vouched for
/// ([`reckon_query::vouch::for_import`]). `None` for anything but a regular file (standard
/// input is read ahead instead: [`Piped`]), for a file more than a quarter the size of the
/// log's entries (reading it costs more than the whole read it would spare), and for a line
/// that does not read as an object whose subjects are texts: the import itself then says
/// what is wrong, vetted against the whole log. Vetting advises; it proves nothing, so a file changed
/// between the two reads is only vetted less; a vouched claim is checked again under the
/// append's lock (its head), and a reference it does not answer reads the log back.
fn input_names(log: &Log, file: &std::path::Path, sheet: bool) -> Option<InputNames> {
    let size = std::fs::metadata(file).ok().filter(|m| m.is_file())?.len();
    if file.as_os_str() == "-" || size > most_read_ahead(log) {
        return None;
    }
    names_in(std::fs::File::open(file).ok()?, sheet)
}

/// The most bytes of input worth reading before an import to learn what it names: a quarter
/// of the log's entries (past that, the whole read it would spare costs less) or 64 KiB,
/// whichever is more, and never more than 16 MiB (standard input is held in memory to be
/// read twice).
fn most_read_ahead(log: &Log) -> u64 {
    let log_size = std::fs::metadata(log.entries_path()).map_or(0, |m| m.len());
    (log_size / 4).clamp(64 << 10, 16 << 20)
}

/// Standard input read ahead for an import ([`most_read_ahead`] bytes and one more).
struct Piped {
    /// What was read.
    ahead: Vec<u8>,
    /// Whether that is all of it.
    ended: bool,
}

impl Piped {
    fn read(log: &Log) -> Result<Piped, Failure> {
        use std::io::Read as _;
        let most = most_read_ahead(log);
        let mut ahead = Vec::new();
        std::io::stdin()
            .lock()
            .take(most + 1)
            .read_to_end(&mut ahead)
            .context("-: cannot read standard input")
            .map_err(fail(2))?;
        let ended = ahead.len() as u64 <= most;
        Ok(Piped { ahead, ended })
    }
}

/// [`input_names`] of what `input` holds.
fn names_in<'a>(input: impl std::io::Read + 'a, sheet: bool) -> Option<InputNames> {
    // A sheet is read as the import reads it: a JSON line made of each row.
    match sheet {
        true => InputNames::read(reckon_formats::table::Rows::new(input).ok()?),
        false => InputNames::read(input),
    }
}

fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// The fields of the claim `id` names, for a correction (`--supersedes`) or a restatement
/// (`--from`) that gives only what changes (its `supersedes` left out).
fn corrected(
    log: &Log,
    id: &str,
    (option, whole_read): (&str, bool),
) -> Result<Map<String, Json>, Failure> {
    let named = |m: String| usage(format!("{option}: {m}"));
    let snapshot = log.snapshot().map_err(ledger)?;
    let id = crate::entry_id(&snapshot, id).map_err(named)?;
    let (len, kept, through_index) = match whole_read {
        // One pass at the speed of hashing, decoding only the entries the id could name.
        true => {
            let (head, kept) = snapshot
                .entries_where(&|h| id.could_name(h))
                .map_err(ledger)?;
            (head.seq, kept, false)
        }
        false => {
            let found = reckon_query::entries_naming(&snapshot, &id, false).map_err(ledger)?;
            (found.head.0, found.entries, found.through_index)
        }
    };
    crate::trace(&format!(
        "add: read the claim {option} names {}",
        match through_index {
            true => "through the index",
            false => "by one pass over the whole log",
        }
    ));
    let e = match id.pick(&kept, len) {
        Ok(e) => e,
        Err(why) => {
            let near = reckon_query::near_hashes(&snapshot, &id, &kept).map_err(ledger)?;
            return Err(named(format!("{why}{near}")));
        }
    };
    let Event::Claim(c) = &e.event else {
        return Err(usage(format!(
            "{option}: entry #{} is not a claim; {}",
            e.seq,
            if option == "--from" {
                "only a claim's fields can be taken"
            } else {
                "a correction supersedes a claim"
            }
        )));
    };
    let mut m = match serde_json::to_value(c) {
        Ok(Json::Object(m)) => m,
        _ => Map::new(),
    };
    m.remove("supersedes");
    Ok(m)
}

/// `reckon add`: one claim from flags, vetted through the saved index. A correction
/// (`--supersedes`) takes every field not given from the claim it corrects.
pub(crate) fn add(log: &Log, mut a: AddArgs, quiet: bool) -> Result<String, Failure> {
    let docs = a.documents.as_deref().map(reckon_ledger::Documents::at);
    let (insist, dry_run) = (a.insist, a.dry.dry_run);
    let whole_read = a.whole_read;
    let base = match (&a.supersedes, &a.from) {
        (Some(id), _) => corrected(log, id, ("--supersedes", whole_read))?,
        (None, Some(id)) => corrected(log, id, ("--from", whole_read))?,
        (None, None) => Map::new(),
    };
    let subject = a
        .subject
        .clone()
        .or_else(|| {
            base.get("subject")
                .and_then(Json::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let options = reckon_vet::Options {
        new_subject: insist.new_subject,
        new_unit: insist.new_unit,
        command: reckon_vet::Command::Add,
        today: today(),
        ..Default::default()
    };
    let (mut vet, learnt) = match whole_read {
        true => vetting(log, options, None, false)?,
        false => vetting_one(log, options, &subject)?,
    };
    // Without --unit (and not correcting), a claim takes its subject's unit, and says so.
    let inherited = (a.unit.is_none() && base.is_empty())
        .then(|| vet.unit_of(&subject).map(str::to_owned))
        .flatten();
    let correcting = a.supersedes.clone().filter(|_| !base.is_empty());
    let restating = a.from.clone();
    a.unit = a.unit.or_else(|| inherited.clone());
    let (obj, vouched) = add_object(a, base, log);
    let mut said = append_object(
        log,
        obj,
        flag,
        docs.as_ref(),
        Some((&mut vet, learnt)),
        (vouched, dry_run),
    )?;
    let note = match (inherited, correcting) {
        (Some(u), _) => Some(format!(
            "note: unit `{u}`, the subject's (--unit gives another)\n"
        )),
        (None, Some(id)) => Some(format!(
            "note: every field not given is the corrected claim's ({id})\n"
        )),
        (None, None) => restating.map(|id| {
            format!("note: every field not given is claim {id}'s, which stays as it was\n")
        }),
    };
    if let Some(note) = note {
        if dry_run {
            let _ = std::io::stderr().write_all(note.as_bytes());
        } else {
            said.push_str(&note);
        }
    }
    Ok(if quiet && !dry_run {
        String::new()
    } else {
        said
    })
}

/// `reckon retract`: a claim retracted or a definition withdrawn.
pub(crate) fn retract(
    log: &Log,
    (id, reason): (&str, String),
    (dry_run, whole_read): (bool, bool),
    quiet: bool,
) -> Result<String, Failure> {
    let mut m = Map::new();
    let (named, vouched) = match whole_read {
        true => (reference_json(log, id), None),
        false => reference(log, id),
    };
    m.insert("retract".into(), named);
    m.insert("reason".into(), Json::String(reason));
    let flag_of: fn(&str) -> String = |f| if f == "retract" { "ID".into() } else { flag(f) };
    let said = append_object(log, m, flag_of, None, None, (vouched, dry_run))?;
    Ok(if quiet && !dry_run {
        String::new()
    } else {
        said
    })
}

/// `reckon import`: a file of events, vetted, all or nothing, streamed.
pub(crate) fn import(log: &Log, a: ImportArgs, quiet: bool) -> Result<String, Failure> {
    let name = a.file.display().to_string();
    if a.subject.is_some() && a.from != crate::args::FromFormat::Claimreview {
        return Err(usage(
            "--subject sets the subject of claims read from reviews (--from claimreview); \
             the other formats name each claim's own subject"
                .to_owned(),
        ));
    }
    let docs = a.documents.as_deref().map(reckon_ledger::Documents::at);
    // A JSON Lines file or a sheet (a file, or standard input read ahead: whole, when it is
    // small enough) is vetted against what the log holds about the subjects it names, read
    // through the saved index when that is the cheaper way, and the claims its references
    // name are vouched for; with --whole-read, the whole log is read for both.
    let sheet = a.from == crate::args::FromFormat::Csv;
    let lines = sheet || a.from == crate::args::FromFormat::Jsonl;
    let mut piped = match lines && !a.whole_read && a.file.as_os_str() == "-" {
        true => Some(Piped::read(log)?),
        false => None,
    };
    let named = match &piped {
        _ if a.whole_read || !lines => None,
        Some(p) => p.ended.then(|| names_in(&p.ahead[..], sheet)).flatten(),
        None => input_names(log, &a.file, sheet),
    };
    let (mut vet, learnt) = vetting(
        log,
        reckon_vet::Options {
            new_subject: a.insist.new_subject,
            new_unit: a.insist.new_unit,
            skip_duplicates: a.skip_duplicates,
            replace: a.replace,
            command: reckon_vet::Command::Import,
            today: today(),
        },
        named.as_ref().map(|n| &n.subjects),
        true,
    )?;
    // Read after vetting, which may have made the saved index.
    let vouched = match &named {
        Some(n) if !n.references.is_empty() || n.aliases_or_sums => log
            .snapshot()
            .map(|snapshot| reckon_query::vouch::for_import(&snapshot, n))
            .unwrap_or_default(),
        _ => reckon_ledger::Vouches::default(),
    };
    if !vouched.claims.is_empty() {
        crate::trace(&format!(
            "import: the {} claims its references name read through the index to vouch for them",
            vouched.claims.len()
        ));
    }
    if vouched.subjects.is_some() {
        crate::trace("import: the log's subjects read through the index to vouch for them");
    }
    let dry_run = a.dry.dry_run;
    // What an import tells: what it read, and what vetting did, each input line named by
    // `place` (a sheet's row, a review's place in its feed, a statement of an entity).
    let told = |took: String, vet: &reckon_vet::Vet, place: &dyn Fn(u64) -> Option<String>| {
        let name = |line| place(line).unwrap_or_else(|| format!("line {line}"));
        format!(
            "{took}{}",
            reckon_render::vet::report_named(vet.report(), &name)
        )
    };
    if a.from == crate::args::FromFormat::Csv {
        // A sheet is streamed as JSON Lines made a row at a time, as a JSON Lines file is.
        let (done, said) = with_input(&a.file, piped.take(), quiet, |input| {
            let mut rows = reckon_formats::table::Rows::new(input)
                .map_err(|e| usage(format!("{name}: {e}")))?;
            let gate = (&mut vet, Some(learnt), &vouched);
            let done =
                reckon_ledger::import_gated(log, &name, &mut rows, docs.as_ref(), gate, dry_run)
                    .map_err(|e| {
                        crate::interchange::streamed_failure(&name, &|l| rows.record(l), &[], e)
                    })?;
            let took = crate::interchange::records_read(rows.count(), &[]) + "\n";
            Ok((done, told(took, &vet, &|l| rows.record(l).map(|r| r.place))))
        })?;
        return finish_import(done, &name, said, dry_run, quiet);
    }
    if a.from == crate::args::FromFormat::Claimreview {
        // Reviews are read as they come: a feed of them is never held whole.
        let subject = a.subject.as_deref();
        let (done, said) = with_input(&a.file, piped.take(), quiet, |input| {
            reckon_formats::claimreview::stream(input, subject, |reviews| {
                let gate = (&mut vet, Some(learnt), &vouched);
                let done = reckon_ledger::import_gated(
                    log,
                    &name,
                    &mut *reviews,
                    docs.as_ref(),
                    gate,
                    dry_run,
                )
                .map_err(|e| {
                    let record = |l| reviews.record(l);
                    let skipped = reviews.skipped_by_reason();
                    crate::interchange::streamed_failure(&name, &record, skipped, e)
                })?;
                let took =
                    crate::interchange::records_read(reviews.count(), reviews.skipped_by_reason())
                        + "\n";
                Ok((
                    done,
                    told(took, &vet, &|l| reviews.record(l).map(|r| r.place)),
                ))
            })
        })?;
        return finish_import(done, &name, said, dry_run, quiet);
    }
    if a.from == crate::args::FromFormat::Wikidata {
        // A dump is streamed an entity at a time; entity JSON as Special:EntityData serves
        // it (a few entities) is converted whole.
        let (done, said) = with_input(&a.file, piped.take(), quiet, |input| {
            let mut input = std::io::BufReader::with_capacity(1 << 16, input);
            let (first, opened_at) = crate::interchange::first_line(&mut input, &name)?;
            let gate = (&mut vet, Some(learnt), &vouched);
            if !reckon_formats::wikidata::opens_dump(&first) {
                let mut bytes = first;
                std::io::Read::read_to_end(&mut input, &mut bytes)
                    .with_context(|| format!("{name}: cannot read it"))
                    .map_err(fail(2))?;
                let converted = crate::interchange::entities(&name, &bytes)?;
                let lines = converted.lines();
                let done = reckon_ledger::import_gated(
                    log,
                    &name,
                    &lines[..],
                    docs.as_ref(),
                    gate,
                    dry_run,
                )
                .map_err(|e| crate::interchange::foreign_failure(&name, &converted.records, e))?;
                let took = crate::interchange::took(&converted) + "\n";
                let place = |l: u64| {
                    let i = usize::try_from(l.checked_sub(1)?).ok()?;
                    converted.records.get(i).map(|r| r.place.clone())
                };
                return Ok((done, told(took, &vet, &place)));
            }
            let mut dump = reckon_formats::wikidata::Dump::after_opening(input, opened_at);
            let done =
                reckon_ledger::import_gated(log, &name, &mut dump, docs.as_ref(), gate, dry_run)
                    .map_err(|e| {
                        let record = |l| dump.record(l);
                        let skipped = dump.skipped_by_reason();
                        crate::interchange::streamed_failure(&name, &record, skipped, e)
                    })?;
            let took = crate::interchange::took_from_dump(&dump) + "\n";
            Ok((done, told(took, &vet, &|l| dump.record(l).map(|r| r.place))))
        })?;
        return finish_import(done, &name, said, dry_run, quiet);
    }
    let done = with_input(&a.file, piped.take(), quiet, |input| {
        let gate = (&mut vet, Some(learnt), &vouched);
        reckon_ledger::import_gated(log, &name, input, docs.as_ref(), gate, dry_run)
            .map_err(import_failure)
    })?;
    let said = told(String::new(), &vet, &|_| None);
    finish_import(done, &name, said, dry_run, quiet)
}

/// `run` given what `file` holds, read as it goes: standard input for `-` (after what was
/// read of it ahead, `piped`), else the file, with a progress bar on a terminal unless
/// `quiet`.
fn with_input<T>(
    file: &std::path::Path,
    piped: Option<Piped>,
    quiet: bool,
    run: impl FnOnce(Box<dyn std::io::Read + Send>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    use std::io::Read as _;
    let name = file.display().to_string();
    if name == "-" {
        // What was read ahead, then the rest; input that ended is not read again (a terminal
        // would wait for more after its end of file).
        return match piped {
            Some(p) if p.ended => run(Box::new(std::io::Cursor::new(p.ahead))),
            Some(p) => run(Box::new(
                std::io::Cursor::new(p.ahead).chain(std::io::stdin()),
            )),
            None => run(Box::new(std::io::stdin())),
        };
    }
    let f = std::fs::File::open(file)
        .with_context(|| format!("{name}: cannot read the file"))
        .map_err(fail(2))?;
    let size = f.metadata().map_or(0, |m| m.len());
    let bar = (!quiet)
        .then(|| crate::terminal::progress_bar("importing", size))
        .flatten();
    let input: Box<dyn std::io::Read + Send> = match &bar {
        // A bar's handle is shared: the input owns one (a streamed reader's thread may
        // hold it past `run`).
        Some(b) => Box::new(b.clone().wrap_read(f)),
        None => Box::new(f),
    };
    let done = run(input);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    done
}

/// What an import says when it is done (or, in a dry run, would be).
fn finish_import(
    done: reckon_ledger::Imported,
    name: &str,
    told: String,
    dry_run: bool,
    quiet: bool,
) -> Result<String, Failure> {
    if done.vouched > 0 {
        crate::trace(&format!(
            "append: the {} claims the references name vouched for through the index",
            done.vouched
        ));
    }
    if done.vouched_subjects {
        crate::trace("append: the log's subjects vouched for through the index");
    }
    if done.read_back {
        crate::trace("append: read the log back");
    }
    if dry_run {
        if !quiet {
            let _ = std::io::stderr().write_all(told.as_bytes());
        }
        return Ok(rehearsed(&done.lines, done.head, done.added, quiet));
    }
    Ok(if quiet {
        String::new()
    } else {
        format!(
            "imported {} {} from {name}; the log now has {} entries, head {}\n{told}",
            done.added,
            if done.added == 1 { "entry" } else { "entries" },
            done.head.seq,
            done.head.hash
        )
    })
}
