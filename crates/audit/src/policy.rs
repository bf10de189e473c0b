//! Who must sign a checkpoint before an auditor accepts it: one of the log's keys, and `k` of
//! `n` witnesses (independent parties that cosign only checkpoints consistent with what they
//! saw before, so that a log cannot show different histories to different readers unnoticed).
//!
//! A policy is given as flags (`--key`, `--witness`, `--quorum`) or as a file:
//!
//! ```text
//! # who must sign checkpoints of example.org/factlog
//! origin example.org/factlog
//! log example.org/factlog+1a2b3c4d+AQ…
//! witness witness.one.example+5e6f7a8b+AQ…
//! witness witness.two.example+9c0d1e2f+AQ…
//! quorum 1
//! ```
//!
//! One directive a line: `log KEY` and `witness KEY` (verifier keys, any number), `quorum N`
//! (how many distinct witnesses must sign; every listed witness when left out), `origin NAME`
//! (the log the checkpoint must name; at most once). Blank lines and lines starting with `#`
//! are skipped. A file is at most [`MAX_POLICY_BYTES`].
//!
//! A note meets the policy when every signature by a listed key verifies, at least one log
//! key signed it (when log keys are listed) and at least `quorum` distinct witnesses did.
//! Signatures by keys not listed are ignored.

use crate::note::{Note, NoteError, VerifierKey};
use std::fmt;

/// The most a policy file may hold, in bytes.
pub const MAX_POLICY_BYTES: usize = 64 << 10;

/// A policy that cannot be used, with the line of the file it is about (0 for flags).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// Line of the policy file, from 1; 0 when the policy came from flags.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

/// Who must sign; see the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    log: Vec<VerifierKey>,
    witnesses: Vec<VerifierKey>,
    quorum: usize,
    origin: Option<String>,
}

/// Who signed a note that met a policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signed {
    /// The log keys that signed.
    pub log: Vec<String>,
    /// The witnesses that signed.
    pub witnesses: Vec<String>,
}

impl Signed {
    /// Every signer, log keys first.
    pub fn all(&self) -> Vec<String> {
        self.log.iter().chain(&self.witnesses).cloned().collect()
    }
}

fn same(a: &VerifierKey, b: &VerifierKey) -> bool {
    a.name() == b.name() && a.id() == b.id()
}

impl Policy {
    /// A policy from its parts. `quorum` defaults to every witness; it cannot exceed their
    /// number, and a policy must list at least one key. No key may be listed twice.
    pub fn new(
        log: Vec<VerifierKey>,
        witnesses: Vec<VerifierKey>,
        quorum: Option<usize>,
        origin: Option<String>,
    ) -> Result<Policy, PolicyError> {
        let bad = |m: String| PolicyError {
            line: 0,
            message: m,
        };
        if log.is_empty() && witnesses.is_empty() {
            return Err(bad(
                "a policy lists at least one key (the log's, or witnesses')".into(),
            ));
        }
        let all: Vec<&VerifierKey> = log.iter().chain(&witnesses).collect();
        for (i, k) in all.iter().enumerate() {
            if all[..i].iter().any(|o| same(o, k)) {
                return Err(bad(format!(
                    "the key `{}` is listed twice; a witness is counted once, and a log key is not a witness",
                    k.name()
                )));
            }
        }
        let quorum = quorum.unwrap_or(witnesses.len());
        if quorum > witnesses.len() {
            return Err(bad(format!(
                "a quorum of {quorum} witnesses cannot be met by the {} listed",
                witnesses.len()
            )));
        }
        if let Some(o) = &origin {
            reckon_claim::LogName::parse(o).map_err(bad)?;
        }
        Ok(Policy {
            log,
            witnesses,
            quorum,
            origin,
        })
    }

    /// Any one of `keys` must sign (the rule when only `--key` is given).
    pub fn any_of(keys: Vec<VerifierKey>) -> Result<Policy, PolicyError> {
        Policy::new(keys, Vec::new(), None, None)
    }

    /// Reads a policy file (see the module docs).
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError {
                line: 0,
                message: format!("a policy file is at most {MAX_POLICY_BYTES} bytes"),
            });
        }
        let (mut log, mut witnesses, mut quorum, mut origin) = (Vec::new(), Vec::new(), None, None);
        let mut last = 0;
        for (i, raw) in text.split('\n').enumerate() {
            let line = i + 1;
            last = line;
            let at = |message: String| PolicyError { line, message };
            if raw.contains('\r') {
                return Err(at("lines end in LF alone (a CR was found)".into()));
            }
            let t = raw.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
            let rest = rest.trim();
            match word {
                "log" | "witness" => {
                    let k = VerifierKey::parse(rest).map_err(|e| at(e.to_string()))?;
                    if word == "log" {
                        log.push(k);
                    } else {
                        witnesses.push(k);
                    }
                }
                "quorum" => {
                    if quorum.is_some() {
                        return Err(at("`quorum` is given twice".into()));
                    }
                    let n = rest
                        .parse::<usize>()
                        .ok()
                        .filter(|_| rest.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| {
                            at(format!(
                                "`quorum` takes a whole number of witnesses, not `{rest}`"
                            ))
                        })?;
                    quorum = Some(n);
                }
                "origin" => {
                    if origin.is_some() {
                        return Err(at("`origin` is given twice".into()));
                    }
                    reckon_claim::LogName::parse(rest).map_err(at)?;
                    origin = Some(rest.to_owned());
                }
                other => {
                    return Err(at(format!(
                        "unknown directive `{other}`; a policy line is `log KEY`, `witness KEY`, `quorum N` or `origin NAME`"
                    )));
                }
            }
        }
        Policy::new(log, witnesses, quorum, origin).map_err(|mut e| {
            e.line = last;
            e.message = format!("{} (at the end of the file)", e.message);
            e
        })
    }

    /// The origin the policy requires, if it names one.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The witnesses listed and how many must sign.
    pub fn quorum(&self) -> (usize, usize) {
        (self.quorum, self.witnesses.len())
    }

    /// Checks a note against the policy; returns who signed.
    pub fn check(&self, note: &Note) -> Result<Signed, NoteError> {
        let mut signed = Signed::default();
        for line in note.signatures() {
            let (name, id) = (line.name(), line.id());
            let is = |k: &&VerifierKey| k.name() == name && k.id() == id;
            let (key, list) = match self.log.iter().find(is) {
                Some(k) => (k, &mut signed.log),
                None => match self.witnesses.iter().find(is) {
                    Some(k) => (k, &mut signed.witnesses),
                    None => continue,
                },
            };
            key.check(note.text(), line.bytes())
                .map_err(|_| NoteError::BadSignature(name.to_owned()))?;
            if !list.iter().any(|n| n == name) {
                list.push(name.to_owned());
            }
        }
        // No signature by a listed key where one was needed: name who did sign.
        let unknown = || {
            NoteError::NoKnownSignature(
                note.signatures()
                    .iter()
                    .map(|s| s.name().to_owned())
                    .collect(),
            )
        };
        if !self.log.is_empty() && signed.log.is_empty() {
            return Err(unknown());
        }
        if signed.witnesses.len() < self.quorum {
            return Err(NoteError::Quorum {
                needed: self.quorum,
                listed: self.witnesses.len(),
                signed: signed.witnesses.clone(),
            });
        }
        if self.log.is_empty() && signed.witnesses.is_empty() {
            return Err(unknown());
        }
        Ok(signed)
    }
}
