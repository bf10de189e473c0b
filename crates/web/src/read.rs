//! Reading the log for a page: every page from one snapshot, under its shared lock, checked.

use crate::WebError;
use crate::html::{Depth, MadeFrom};
use crate::pages::{self, Asked, Checked};
use reckon_ledger::{Log, Snapshot};
use reckon_reconcile::{Options, Pattern, State, reconcile};

/// What a page was made from, for a state of the whole log or of part of it.
pub(crate) fn made_of(position: u64, head: Option<String>) -> MadeFrom {
    MadeFrom { position, head }
}

fn made_of_snapshot(snap: &Snapshot<'_>) -> Result<MadeFrom, WebError> {
    let head = snap.committed()?;
    Ok(made_of(
        head.seq,
        (head.seq > 0).then(|| head.hash.to_hex()),
    ))
}

/// The subjects page, from a lean fold of the whole log (no claim's words are shown on it),
/// as `reckon reconcile` makes its table: from the saved folded snapshot when it matches the
/// log, and with every origin's record from the saved index when it holds them.
pub(crate) fn subjects_page(snap: &Snapshot<'_>) -> Result<String, WebError> {
    let (state, records) = reckon_query::whole_state(snap)?;
    let opts = Options {
        records,
        ..Options::default()
    };
    let r = reconcile(&state, None, &opts);
    let made = made_of(state.position, state.head.map(|h| h.to_hex()));
    Ok(pages::subjects(&r, &made))
}

/// A subject's page, from the subject's part of the log read through the index (with every
/// origin's record learned from the whole log), or from a whole read when no index can be
/// had. `None` when the log has no such subject.
pub(crate) fn subject_page(snap: &Snapshot<'_>, subject: &str) -> Result<Option<String>, WebError> {
    let pattern = Pattern::new(subject);
    if let Some(part) = reckon_query::read_part(snap, &pattern, true, None)? {
        if !part.named_known {
            return Ok(None);
        }
        let state = State::fold(&part.entries, None);
        let opts = Options {
            records: part.records.clone(),
            ..Options::default()
        };
        let r = reconcile(&state, Some(&pattern), &opts);
        let made = made_of(part.head.0, Some(part.head.1.clone()));
        return Ok(page_for(&state, &r, subject, &made));
    }
    let entries = snap.entries()?;
    let state = State::fold(&entries, None);
    let r = reconcile(&state, Some(&pattern), &Options::default());
    let made = made_of(state.position, state.head.map(|h| h.to_hex()));
    Ok(page_for(&state, &r, subject, &made))
}

/// The page of `subject` from a reconciliation that holds it (under its own name, or under
/// the name it is an alias of).
pub(crate) fn page_for(
    state: &State<'_>,
    r: &reckon_reconcile::Reconciliation,
    subject: &str,
    made: &MadeFrom,
) -> Option<String> {
    let name = if r.subjects.iter().any(|s| s.subject.as_str() == subject) {
        subject
    } else {
        r.subjects.first()?.subject.as_str()
    };
    Some(pages::subject(state, r, name, made))
}

/// An entry's page, with its proof link when `checkpoint` is given, from the entries
/// [`reckon_query::entries_naming`] reads for it: a claim through the saved index with
/// everything about its subject (its retractions and corrections among them), any other
/// entry from one pass at the speed of hashing (its fate learned from the entries whose text
/// could retract or correct it).
pub(crate) fn entry_page(
    snap: &Snapshot<'_>,
    seq: u64,
    checkpoint: Option<&str>,
) -> Result<Option<String>, WebError> {
    use reckon_reconcile::state::Fate;
    // Either way the log up to the head was checked whole: the index is made only from such
    // a read, and used only while the entries file is as it was then.
    let named = reckon_query::entries_naming(snap, &reckon_ledger::EntryId::Seq(seq), true)?;
    let checked = Checked {
        upto: named.head.0,
        head: named.head.1,
    };
    let kept = named.entries;
    let Some(e) = kept.iter().find(|e| e.seq == seq) else {
        return Ok(None);
    };
    let made = made_of_snapshot(snap)?;
    let fate = Fate::among(&kept, e);
    Ok(Some(pages::entry(
        e,
        &fate,
        &checked,
        checkpoint.is_some(),
        &made,
    )))
}

/// The inclusion proof of entry `seq` against the checkpoint, as `reckon prove` writes it.
pub(crate) fn proof(snap: &Snapshot<'_>, seq: u64, checkpoint: &str) -> Result<String, WebError> {
    // One pass at the speed of hashing, holding no leaf.
    let id = reckon_ledger::EntryId::Seq(seq);
    match reckon_audit::prove_entry(snap, &id, checkpoint) {
        Ok(Ok(bundle)) => Ok(bundle),
        Ok(Err(why)) => Err(WebError::Proof(why.to_string())),
        Err(e) => Err(WebError::Proof(e.to_string())),
    }
}

/// The query page with the answer to `text` (nothing asked when it is empty).
pub(crate) fn query_page(log: &Log, text: &str) -> Result<String, WebError> {
    let snap = log.snapshot()?;
    let made = made_of_snapshot(&snap)?;
    drop(snap);
    if text.trim().is_empty() {
        return Ok(pages::query(text, &Asked::Nothing, &made));
    }
    let q = match reckon_query::parse(text) {
        Ok(q) => q,
        Err(e) => return Ok(pages::query(text, &Asked::Syntax(e.render(text)), &made)),
    };
    match reckon_query::run_on_log(&q, log) {
        Ok(a) => Ok(pages::query(text, &Asked::Answer(&a), &made)),
        Err(reckon_query::RunError::Query(e)) => {
            Ok(pages::query(text, &Asked::Refused(e.to_string()), &made))
        }
        Err(reckon_query::RunError::Log(e)) => Err(e.into()),
    }
}

/// The page for a name the log does not have.
pub(crate) fn missing(snap: &Snapshot<'_>, what: &str, depth: Depth) -> Result<String, WebError> {
    Ok(pages::not_found(what, depth, &made_of_snapshot(snap)?))
}
