//! What an append learns of the log through the saved index before it takes its lock, so
//! that it need not read the whole log: the part of the log vetting needs ([`vetting_part`]),
//! and what the append may take on the index's word instead of reading the log back under
//! its lock ([`reckon_ledger::Vouches`]): the entries references name, with their fates
//! ([`named`], [`named_all`]), and the log's subjects for checking new aliases and sums
//! ([`subjects`]); for an import, both from what its lines name ([`InputNames`],
//! [`for_import`]). Each is read through the saved index as a question about a subject is
//! (every entry it reads re-hashed and checked; a first lookup of a claim, or by a hash,
//! may make the index or its hash area, as such a question does), at the head the index was
//! read at; [`reckon_ledger::Tx::vouch`] and [`reckon_ledger::Tx::vouch_subjects`] take it
//! only when that is still the log's head. Vetting advises and proves nothing. Nothing here
//! writes to the log.

use reckon_claim::{Event, Ref};
use std::collections::BTreeSet;

/// The claim `id` names and its fate, read through the saved index with its subject's part
/// (which holds every retraction and correction of its claims), or the definition and
/// whether it was withdrawn, read with every entry that is not a claim; at the head the
/// index was read at. `None` for any other entry, no saved index, or any doubt (the append
/// then reads the log back, as it always could).
pub fn named(
    snapshot: &reckon_ledger::Snapshot<'_>,
    id: &reckon_ledger::EntryId,
) -> Option<reckon_ledger::Vouched> {
    let named = crate::entries_naming(snapshot, id, true).ok()?;
    if !named.through_index {
        return None;
    }
    let e = id.pick(&named.entries, named.head.0).ok()?;
    let (definition, retracted, superseded_by) = match &e.event {
        Event::Claim(_) => {
            let fate = reckon_reconcile::state::Fate::among(&named.entries, e);
            let superseded_by = fate.superseded_by.last().copied();
            (false, !fate.retracted_by.is_empty(), superseded_by)
        }
        // Read with every entry that is not a claim, each retraction among them.
        Event::Define(_) => {
            let withdrawn = named
                .entries
                .iter()
                .any(|r| matches!(&r.event, Event::Retract { claim, .. } if *claim == e.hash));
            (true, withdrawn, None)
        }
        _ => return None,
    };
    Some(reckon_ledger::Vouched {
        at: reckon_ledger::Head {
            seq: named.head.0,
            hash: reckon_claim::EntryHash::from_hex(&named.head.1)?,
        },
        seq: e.seq,
        hash: e.hash,
        definition,
        retracted,
        superseded_by,
        prefix: found_by_prefix(id),
    })
}

/// The prefix `id` names an entry by, when it is one (fewer than 64 digits): looked up
/// through the index, the entry found is the only one it names ([`reckon_ledger::Vouched`]).
fn found_by_prefix(id: &reckon_ledger::EntryId) -> Option<String> {
    match id {
        reckon_ledger::EntryId::Prefix(p) if p.len() < 64 => Some(p.clone()),
        _ => None,
    }
}

/// The entry an import line's reference names, as an id to look it up by.
pub fn entry_id(r: &Ref) -> reckon_ledger::EntryId {
    match r {
        Ref::Seq(n) => reckon_ledger::EntryId::Seq(*n),
        Ref::Hash(h) => reckon_ledger::EntryId::Prefix(h.clone()),
    }
}

/// A lookup of one reference's entry by halving the entries file costs about as much as
/// reading this many claims through the index (a few dozen small positioned reads), in the
/// budget of [`named_all`].
const LOOKUP: u64 = 16;

/// Every entry `ids` names with its fate, as [`named`] gives each (a claim with its subject's
/// part, a definition with every entry that is not a claim), in one read of the saved index:
/// each entry found by its number (halving the entries file) or in the index's hash area,
/// then the parts of all their subjects read together, so that references into one subject
/// read its part once. `None` when any of them cannot be answered so (the append then reads
/// the log back, as it always could), or when the lookups and the claims of those parts come
/// to more than an eighth of the log's entries, or 10,000 (reading the log back costs less).
/// Only a saved index answers: this never makes one (a first lookup by hash may make its
/// hash area, as [`named`]'s does).
pub fn named_all(
    snapshot: &reckon_ledger::Snapshot<'_>,
    ids: &[reckon_ledger::EntryId],
) -> Option<Vec<reckon_ledger::Vouched>> {
    use reckon_ledger::EntryId;
    let index = reckon_index::Index::open(snapshot).ok()?;
    let head = index.head();
    let most = (head.seq / 8).max(10_000);
    let lookups = u64::try_from(ids.len()).ok()?.saturating_mul(LOOKUP);
    if lookups > most {
        return None;
    }
    let index = match ids
        .iter()
        .any(|id| matches!(id, EntryId::Prefix(p) if !crate::exec::shared_prefix(p, head.seq)))
    {
        true => index.with_hash_area(snapshot),
        false => index,
    };
    let none = std::collections::BTreeSet::new();
    let others = index.entries(snapshot, &none).ok()?;
    let found: Vec<reckon_ledger::Entry> = ids
        .iter()
        .map(|id| entry_named(snapshot, &index, &others, id))
        .collect::<Option<_>>()?;
    let subjects: std::collections::BTreeSet<String> = found
        .iter()
        .filter_map(|e| match &e.event {
            Event::Claim(c) => Some(c.subject.to_string()),
            _ => None,
        })
        .collect();
    // Claims are filed under the name their subject stands for, with the members of sums.
    let wanted = reckon_index::expand(&others, &subjects);
    if index.claims_of(&wanted)?.saturating_add(lookups) > most {
        return None;
    }
    let part = match subjects.is_empty() {
        true => others,
        false => index.entries(snapshot, &wanted).ok()?,
    };
    // Each entry found must be the one its part holds, read and checked through the index.
    let held = |e: &reckon_ledger::Entry| {
        part.binary_search_by_key(&e.seq, |p| p.seq)
            .is_ok_and(|i| part[i].hash == e.hash)
    };
    if !found.iter().all(held) {
        return None;
    }
    // Their fates, from one look at every retraction and correction the parts hold (each
    // made after what it names, whose hash it holds).
    let mut fates: std::collections::HashMap<reckon_claim::EntryHash, (bool, Option<u64>)> =
        found.iter().map(|e| (e.hash, (false, None))).collect();
    for l in &part {
        let (target, correction) = match &l.event {
            Event::Retract { claim, .. } => (claim, false),
            Event::Claim(c) => match &c.supersedes {
                Some(h) => (h, true),
                None => continue,
            },
            _ => continue,
        };
        match fates.get_mut(target) {
            Some((_, last)) if correction => *last = Some(l.seq),
            Some((retracted, _)) => *retracted = true,
            None => {}
        }
    }
    found
        .iter()
        .zip(ids)
        .map(|(e, id)| {
            let &(retracted, superseded_by) = fates.get(&e.hash)?;
            let definition = matches!(e.event, Event::Define(_));
            Some(reckon_ledger::Vouched {
                at: head,
                seq: e.seq,
                hash: e.hash,
                definition,
                retracted,
                // A definition is withdrawn, never superseded.
                superseded_by: superseded_by.filter(|_| !definition),
                prefix: found_by_prefix(id),
            })
        })
        .collect()
}

/// The claim or definition `id` names, found through `index` (made at the log's head):
/// by its number, or in the hash area when no other entry's hash starts with the prefix;
/// a definition from `others` (every entry that is not a claim, read through the index), a
/// claim read from its line unchecked (the caller checks it against its part). `None` for
/// any other entry, or any doubt.
fn entry_named(
    snapshot: &reckon_ledger::Snapshot<'_>,
    index: &reckon_index::Index,
    others: &[reckon_ledger::Entry],
    id: &reckon_ledger::EntryId,
) -> Option<reckon_ledger::Entry> {
    let read = |seq: u64| match others.binary_search_by_key(&seq, |e| e.seq) {
        Ok(i) => others.get(i).cloned(),
        Err(_) => crate::exec::entry_at(snapshot, seq).ok().flatten(),
    };
    let e = match id {
        reckon_ledger::EntryId::Seq(n) if (1..=index.head().seq).contains(n) => read(*n)?,
        reckon_ledger::EntryId::Seq(_) => return None,
        reckon_ledger::EntryId::Prefix(p) => {
            // Up to eight digits the candidates are exactly those named; a longer prefix may
            // also find a handful that share only the first eight.
            let candidates = index.entries_by_hash(p)?;
            if candidates.len() > 4 || (p.len() <= 8 && candidates.len() != 1) {
                return None;
            }
            let mut named = candidates
                .into_iter()
                .filter_map(read)
                .filter(|e| e.hash.has_hex_prefix(p));
            let e = named.next()?;
            if named.next().is_some() {
                return None;
            }
            e
        }
    };
    matches!(e.event, Event::Claim(_) | Event::Define(_)).then_some(e)
}

/// The log's subjects as a check of new aliases and sums needs them, read through the saved
/// `index`: every event that is not a claim, and which of the names `stood_for` (what the
/// input's aliases stand for) some claim is written under, read from those subjects' part;
/// `None` when their claims are more than an eighth of the log's entries, or 10,000 (reading
/// the log back, which the append then does, costs less).
pub fn subjects(
    snapshot: &reckon_ledger::Snapshot<'_>,
    index: &reckon_index::Index,
    stood_for: &std::collections::BTreeSet<String>,
) -> Option<reckon_ledger::VouchedSubjects> {
    let none = std::collections::BTreeSet::new();
    let events = index.entries(snapshot, &none).ok()?;
    // Claims are filed under the name their subject stands for.
    let state = reckon_reconcile::State::fold(&events, None);
    let filed: std::collections::BTreeSet<String> = stood_for
        .iter()
        .filter_map(|s| reckon_claim::Subject::parse(s).ok())
        .map(|s| state.canonical(&s).to_string())
        .collect();
    drop(state);
    let most = (index.head().seq / 8).max(10_000);
    if index.claims_of(&filed).is_none_or(|n| n > most) {
        return None;
    }
    let part = index.entries(snapshot, &filed).ok()?;
    let mut claimed: Vec<reckon_claim::Subject> = Vec::new();
    for e in &part {
        if let Event::Claim(c) = &e.event
            && stood_for.contains(c.subject.as_str())
            && !claimed.contains(&c.subject)
        {
            claimed.push(c.subject.clone());
        }
    }
    Some(reckon_ledger::VouchedSubjects {
        at: index.head(),
        events,
        claimed,
    })
}

/// What the lines of an import name, read before it is imported: so that vetting learns only
/// what the log holds about their subjects ([`vetting_part`]), and the entries their
/// references name are vouched for ([`for_import`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputNames {
    /// Every subject a line names (as a claim's subject, a definition, an alias or what it
    /// stands for, or a part of a sum).
    pub subjects: BTreeSet<String>,
    /// Every entry a retraction or a correction names, once each, as the import reads it.
    pub references: Vec<Ref>,
    /// Whether a line adds an alias or a sum, which are checked against the log's subjects.
    pub aliases_or_sums: bool,
    /// What the aliases stand for.
    pub stood_for: BTreeSet<String>,
}

impl InputNames {
    /// What the JSON lines of `input` name (blank lines passed over). `None` when one
    /// cannot be read, or does not read as an object whose subjects are texts: the import
    /// itself then says what is wrong.
    pub fn read(input: impl std::io::Read) -> Option<InputNames> {
        use serde_json::Value as Json;
        let mut names = InputNames::default();
        for line in std::io::BufRead::lines(std::io::BufReader::new(input)) {
            let line = line.ok()?;
            if line.trim().is_empty() {
                continue;
            }
            let object: serde_json::Map<String, Json> = serde_json::from_str(&line).ok()?;
            for key in ["subject", "define", "alias", "same_as"] {
                match object.get(key) {
                    None => {}
                    Some(Json::String(s)) => {
                        names.subjects.insert(s.clone());
                    }
                    Some(_) => return None,
                }
            }
            match object.get("sum_of") {
                None => {}
                Some(Json::Array(parts)) => {
                    for part in parts {
                        names.subjects.insert(part.as_str()?.to_owned());
                    }
                }
                Some(_) => return None,
            }
            names.aliases_or_sums |= object.contains_key("alias") || object.contains_key("sum_of");
            if let (Some(_), Some(Json::String(s))) = (object.get("alias"), object.get("same_as")) {
                names.stood_for.insert(s.clone());
            }
            if object.contains_key("retract") || object.contains_key("supersedes") {
                // The reference as the import will read it: the line's reader hands it over
                // (and is then told to stop).
                let _ = reckon_claim::parse_line(&line, &mut |_, r| {
                    if !names.references.contains(r) {
                        names.references.push(r.clone());
                    }
                    Err(String::new())
                });
            }
        }
        Some(names)
    }
}

/// What an import whose lines name `names` may take on the saved index's word: the entries
/// its references name, with their fates ([`named_all`]: all of them, or none), and, when a
/// line adds an alias or a sum, the log's subjects ([`subjects`]). Only a saved index
/// answers: this never makes one, nor reads the whole log.
pub fn for_import(
    snapshot: &reckon_ledger::Snapshot<'_>,
    names: &InputNames,
) -> reckon_ledger::Vouches {
    let mut out = reckon_ledger::Vouches::default();
    if names.aliases_or_sums
        && let Ok(index) = reckon_index::Index::open(snapshot)
    {
        out.subjects = subjects(snapshot, &index, &names.stood_for);
    }
    if names.references.is_empty() {
        return out;
    }
    let ids: Vec<reckon_ledger::EntryId> = names.references.iter().map(entry_id).collect();
    out.claims = named_all(snapshot, &ids).unwrap_or_default();
    out
}

/// What vetting an append learns of the log (`reckon_vet::Vet::learn_part`), read
/// through the saved index ([`vetting_part`]).
#[derive(Debug)]
pub struct VettingPart {
    /// Every entry that is not a claim, and the claims of the subjects the append names
    /// (under every name they have, with the members of their sums), in log order.
    pub entries: Vec<reckon_ledger::Entry>,
    /// Every subject the log holds claims or a definition for (canonical names).
    pub names: Vec<String>,
    /// The head the index was made at.
    pub head: reckon_ledger::Head,
}

/// The part of the log vetting an append that names `subjects` needs, read through the saved
/// index (made now, at the speed of `verify`, when there is none for the log as it is).
/// `None` when no index can be had, or, when `bounded`, the subjects hold more than an eighth
/// of the log's claims, or 10,000 (a whole read, which the caller then makes, costs less).
pub fn vetting_part(
    snapshot: &reckon_ledger::Snapshot<'_>,
    subjects: &BTreeSet<String>,
    bounded: bool,
) -> Option<VettingPart> {
    use reckon_index::Index;
    let most = match bounded {
        true => Some((snapshot.committed().ok()?.seq / 8).max(10_000)),
        false => None,
    };
    let index = match Index::open(snapshot) {
        Ok(i) => i,
        Err(_) => Index::build_fast(snapshot, None)?,
    };
    let others = index.entries(snapshot, &BTreeSet::new()).ok()?;
    let wanted = reckon_index::expand(&others, subjects);
    if most.is_some_and(|most| index.claims_of(&wanted).is_none_or(|n| n > most)) {
        return None;
    }
    Some(VettingPart {
        entries: index.entries(snapshot, &wanted).ok()?,
        names: index.subjects()?,
        head: index.head(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An import's lines name their subjects (claims', definitions', aliases', what aliases
    /// stand for and sums' parts), whether they add an alias or a sum, and the entries their
    /// references name, each once, as the import reads them; a line whose subject is not a
    /// text, or that is not JSON, makes them unknown.
    #[test]
    fn what_an_imports_lines_name_is_read_as_the_import_reads_them() {
        let text = r#"{"subject": "a/b", "value": "9", "said_on": "2025", "speaker": "Q", "supersedes": 3}

{"retract": "abcd1234", "reason": "r"}
{"retract": 3, "reason": "r"}
{"alias": "x/y", "same_as": "a/b"}
{"define": "s", "unit": "people", "sum_of": ["p/1", "p/2"]}
"#;
        let names = InputNames::read(text.as_bytes()).unwrap();
        let set = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(names.subjects, set(&["a/b", "p/1", "p/2", "s", "x/y"]));
        assert_eq!(
            names.references,
            [Ref::Seq(3), Ref::Hash("abcd1234".to_owned())]
        );
        assert!(names.aliases_or_sums);
        assert_eq!(names.stood_for, set(&["a/b"]));
        let plain = InputNames::read(&br#"{"subject": "a/b", "value": "1"}"#[..]).unwrap();
        assert!(!plain.aliases_or_sums && plain.references.is_empty());
        for unknown in [&br#"{"subject": 5}"#[..], b"{\"sum_of\": [1]}", b"not json"] {
            assert_eq!(InputNames::read(unknown), None);
        }
    }
}
