//! What an append may take on the saved index's word instead of reading the log back under
//! its lock ([`reckon_ledger::Vouches`]): the entry a reference names, with its fate, and the
//! log's subjects for checking new aliases and sums. Each is read through the saved index as
//! a question about a subject is (every entry it reads re-hashed and checked; a first lookup
//! of a claim, or by a hash, may make the index or its hash area, as such a question does),
//! at the head the index was read at; [`reckon_ledger::Tx::vouch`] and
//! [`reckon_ledger::Tx::vouch_subjects`] take it only when that is still the log's head.
//! Nothing here writes to the log.

use reckon_claim::Event;

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
        // Named through the index by a prefix, the entry is the only one it names.
        prefix: match id {
            reckon_ledger::EntryId::Prefix(p) if p.len() < 64 => Some(p.clone()),
            _ => None,
        },
    })
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
