//! Claims as `reckon export` writes them: every contract field, and where the claim stood in
//! the log it came from (`exported`: its `seq`, `hash` and `state`, what it corrected and
//! what withdrew it). `reckon import` reads these lines back: `exported` is not recorded,
//! and a claim that was withdrawn is refused rather than made live again.

use reckon_claim::{Claim, EntryHash};
use serde::Serialize;

/// A claim's state in its log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Neither retracted nor superseded.
    Live,
    /// Withdrawn by a retraction.
    Retracted,
    /// Replaced by a correction.
    Superseded,
}

impl State {
    /// The word the query language and every listing use.
    pub fn word(self) -> &'static str {
        match self {
            State::Live => "live",
            State::Retracted => "retracted",
            State::Superseded => "superseded",
        }
    }
}

/// One claim to export.
#[derive(Clone, Debug, PartialEq)]
pub struct Exported {
    /// Its sequence number.
    pub seq: u64,
    /// Its entry hash, in hex.
    pub hash: String,
    /// Live, retracted or superseded.
    pub state: State,
    /// The contract fields, as the log records them, never with `supersedes` (a reference
    /// into this log, which means nothing in another: it is `supersedes_seq` here). Made by
    /// [`Exported::without_reference`].
    claim: Claim,
    /// The claim it corrects, by sequence number.
    pub supersedes: Option<u64>,
    /// The retraction that withdrew it: its sequence number and reason.
    pub retracted: Option<(u64, String)>,
    /// The correction that replaced it.
    pub superseded_by: Option<u64>,
}

/// `exported`, where a claim stood in its log, as the JSON line writes it.
#[derive(Serialize)]
pub struct Provenance<'a> {
    seq: u64,
    hash: &'a str,
    state: &'static str,
    #[serde(rename = "supersedes_seq", skip_serializing_if = "Option::is_none")]
    supersedes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retracted_by: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retraction_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    superseded_by: Option<u64>,
}

/// An export line as one value: the claim's fields and `exported` beside them.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    claim: &'a Claim,
    exported: Provenance<'a>,
}

impl Exported {
    /// A claim to export, live until its fates are set; the entry it corrects (its
    /// `supersedes`, taken out of it) is given back, for the caller to number.
    pub fn without_reference(
        mut claim: Claim,
        seq: u64,
        hash: &EntryHash,
    ) -> (Exported, Option<EntryHash>) {
        let corrects = claim.supersedes.take();
        let e = Exported {
            seq,
            hash: hash.to_hex(),
            state: State::Live,
            claim,
            supersedes: None,
            retracted: None,
            superseded_by: None,
        };
        (e, corrects)
    }

    /// The contract fields (never `supersedes`).
    pub fn claim(&self) -> &Claim {
        &self.claim
    }

    /// `exported`: where the claim stood.
    pub fn provenance(&self) -> Provenance<'_> {
        Provenance {
            seq: self.seq,
            hash: &self.hash,
            state: self.state.word(),
            supersedes: self.supersedes,
            retracted_by: self.retracted.as_ref().map(|r| r.0),
            retraction_reason: self.retracted.as_ref().map(|r| r.1.as_str()),
            superseded_by: self.superseded_by,
        }
    }

    /// The JSON line: the contract fields and `exported`, keys in sorted order, compact. A
    /// writer that makes these bytes without a JSON value (`reckon export` does) is held to
    /// this one by a test.
    pub fn line(&self) -> String {
        let line = Line {
            claim: &self.claim,
            exported: self.provenance(),
        };
        serde_json::to_value(&line)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
}
