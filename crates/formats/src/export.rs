//! Claims as `reckon export` writes them: every contract field, and where the claim stood in
//! the log it came from (`exported`: its `seq`, `hash` and `state`, what it corrected and
//! what withdrew it). `reckon import` reads these lines back: `exported` is not recorded,
//! and a claim that was withdrawn is refused rather than made live again.

use serde_json::{Map, Value as Json};

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
    /// The contract fields, as the log records them, without `supersedes` (a reference
    /// into this log, which means nothing in another: it is `supersedes_seq` here).
    pub claim: Map<String, Json>,
    /// The claim it corrects, by sequence number.
    pub supersedes: Option<u64>,
    /// The retraction that withdrew it: its sequence number and reason.
    pub retracted: Option<(u64, String)>,
    /// The correction that replaced it.
    pub superseded_by: Option<u64>,
}

impl Exported {
    /// `exported`: where the claim stood.
    fn provenance(&self) -> Json {
        let mut m = Map::new();
        m.insert("seq".into(), self.seq.into());
        m.insert("hash".into(), self.hash.clone().into());
        m.insert("state".into(), self.state.word().into());
        if let Some(s) = self.supersedes {
            m.insert("supersedes_seq".into(), s.into());
        }
        if let Some((seq, reason)) = &self.retracted {
            m.insert("retracted_by".into(), (*seq).into());
            m.insert("retraction_reason".into(), reason.clone().into());
        }
        if let Some(s) = self.superseded_by {
            m.insert("superseded_by".into(), s.into());
        }
        Json::Object(m)
    }

    /// The JSON line: the contract fields and `exported`.
    pub fn line(&self) -> String {
        let mut m = self.claim.clone();
        m.remove("supersedes");
        m.insert("exported".into(), self.provenance());
        Json::Object(m).to_string()
    }
}

/// The claims as JSON Lines, one a line.
pub fn jsonl(claims: &[Exported]) -> String {
    let mut out = String::new();
    for c in claims {
        out.push_str(&c.line());
        out.push('\n');
    }
    out
}
