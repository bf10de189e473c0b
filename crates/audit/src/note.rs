//! C2SP signed notes with Ed25519 keys: key formats, key IDs, signing and verification.
//!
//! A note is its text (non-empty, ending in a newline), a blank line, and one signature line
//! per signer: `— NAME BASE64(KEY_ID || SIGNATURE)`, where the key ID is the first four bytes
//! of `SHA-256(NAME || "\n" || 0x01 || PUBLIC_KEY)` and the signature is Ed25519 over the text.
//! A verifier key is written `NAME+HEX(KEY_ID)+BASE64(0x01 || PUBLIC_KEY)`, a signer key
//! `PRIVATE+KEY+NAME+HEX(KEY_ID)+BASE64(0x01 || SEED)`.

use crate::base64;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

const ED25519: u8 = 0x01;
const DASH: &str = "\u{2014} ";

/// Something wrong with a key or a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteError {
    /// A key is not in the expected format.
    BadKey(String),
    /// The note is not text, blank line, signature lines.
    Malformed(String),
    /// A signature by a known key does not verify.
    BadSignature(String),
    /// No signature is by a key the verifier knows.
    NoKnownSignature(Vec<String>),
    /// Fewer witnesses signed than the policy requires.
    Quorum {
        /// How many must sign.
        needed: usize,
        /// How many the policy lists.
        listed: usize,
        /// The listed witnesses that did sign.
        signed: Vec<String>,
    },
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteError::BadKey(m) => write!(f, "bad key: {m}"),
            NoteError::Malformed(m) => write!(f, "malformed signed note: {m}"),
            NoteError::BadSignature(name) => write!(
                f,
                "the signature by `{name}` does not verify: the note was changed after it was signed, or the signature is forged"
            ),
            NoteError::NoKnownSignature(names) if names.is_empty() => {
                f.write_str("the note has no signatures")
            }
            NoteError::NoKnownSignature(names) => write!(
                f,
                "the note is signed only by keys not given to the verifier: {}",
                names.join(", ")
            ),
            NoteError::Quorum {
                needed,
                listed,
                signed,
            } => write!(
                f,
                "the policy needs {needed} of its {listed} witnesses to cosign, and {} did{}",
                signed.len(),
                if signed.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", signed.join(", "))
                }
            ),
        }
    }
}

impl std::error::Error for NoteError {}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn hex4(id: &[u8; 4]) -> String {
    reckon_claim::hex(id)
}

/// The most a note may hold, in bytes, and the most signature lines: a note is refused
/// before it is read further when it is larger (as C2SP implementations do; Go's `note.Open`
/// also stops at 100 signatures).
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// See [`MAX_NOTE_BYTES`].
pub const MAX_SIGNATURES: usize = 100;
/// The most a key text may hold, in bytes.
pub const MAX_KEY_BYTES: usize = 4096;

/// A key name (C2SP signed-note): non-empty, with no Unicode white space (the White_Space
/// property: spaces of every kind, including U+00A0, and line breaks), no `+`, and no control
/// character.
fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty()
        || name.contains('+')
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(NoteError::BadKey(format!(
            "`{}`: a key name is non-empty, with no `+`, no space of any kind and no control character",
            name.escape_debug()
        )));
    }
    Ok(())
}

/// A key that signs.
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    key: SigningKey,
}

/// A key that verifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: [u8; 4],
    public: VerifyingKey,
}

impl SignerKey {
    /// A new key from 32 random bytes.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<SignerKey, NoteError> {
        check_name(name)?;
        Ok(SignerKey {
            name: name.to_owned(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// A new key with a seed from the operating system's random source.
    pub fn generate(name: &str) -> Result<SignerKey, NoteError> {
        let mut seed = [0u8; 32];
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut seed))
            .map_err(|e| NoteError::BadKey(format!("no random source: {e}")))?;
        SignerKey::from_seed(name, seed)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        let public = self.key.verifying_key();
        VerifierKey {
            name: self.name.clone(),
            id: key_id(&self.name, public.as_bytes()),
            public,
        }
    }

    /// The signer key text.
    pub fn encode(&self) -> String {
        let mut raw = vec![ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex4(&self.verifier().id),
            base64::encode(&raw)
        )
    }

    /// Reads a signer key text.
    pub fn parse(text: &str) -> Result<SignerKey, NoteError> {
        if text.len() > MAX_KEY_BYTES {
            return Err(NoteError::BadKey(format!(
                "a key text is at most {MAX_KEY_BYTES} bytes"
            )));
        }
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| NoteError::BadKey("a signer key starts with PRIVATE+KEY+".into()))?;
        let (name, id, seed) = split_key(rest, "PRIVATE+KEY+NAME+ID+KEY")?;
        let k = SignerKey::from_seed(name, seed)?;
        check_id(id, &k.verifier().id)?;
        Ok(k)
    }

    /// Signs a note's text.
    pub fn sign(&self, text: &str) -> Signature {
        let v = self.verifier();
        Signature {
            name: self.name.clone(),
            id: v.id,
            sig: self.key.sign(text.as_bytes()).to_bytes().to_vec(),
        }
    }
}

impl VerifierKey {
    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID (the first four bytes of SHA-256 of name, LF, type and public key).
    pub fn id(&self) -> [u8; 4] {
        self.id
    }

    /// Checks an Ed25519 signature of `text` by this key.
    pub fn check(&self, text: &str, sig: &[u8]) -> Result<(), NoteError> {
        let bad = || NoteError::BadSignature(self.name.clone());
        let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| bad())?;
        self.public.verify(text.as_bytes(), &sig).map_err(|_| bad())
    }

    /// The verifier key text.
    pub fn encode(&self) -> String {
        let mut raw = vec![ED25519];
        raw.extend_from_slice(self.public.as_bytes());
        format!("{}+{}+{}", self.name, hex4(&self.id), base64::encode(&raw))
    }

    /// Reads a verifier key text.
    pub fn parse(text: &str) -> Result<VerifierKey, NoteError> {
        if text.len() > MAX_KEY_BYTES {
            return Err(NoteError::BadKey(format!(
                "a key text is at most {MAX_KEY_BYTES} bytes"
            )));
        }
        if text.trim_start().starts_with("PRIVATE+KEY+") {
            return Err(NoteError::BadKey(
                "this is a secret (signer) key; a verifier needs the public key (the .pub file)"
                    .into(),
            ));
        }
        let (name, id, bytes) = split_key(text.trim(), "NAME+ID+KEY")?;
        let public = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| NoteError::BadKey("not an Ed25519 public key".into()))?;
        let k = VerifierKey {
            name: name.to_owned(),
            id: key_id(name, &bytes),
            public,
        };
        check_id(id, &k.id)?;
        Ok(k)
    }
}

/// Splits `NAME+ID+BASE64(0x01 || 32 BYTES)` (the form `expected` names in errors) into the
/// name, the ID as written, and the 32 key bytes. Names hold no `+` but base64 may, so the
/// text is split from the left.
fn split_key<'t>(text: &'t str, expected: &str) -> Result<(&'t str, &'t str, [u8; 32]), NoteError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::BadKey(format!("expected {expected}")));
    };
    check_name(name)?;
    let raw =
        base64::decode(b64).ok_or_else(|| NoteError::BadKey("the key is not base64".into()))?;
    match raw.split_first() {
        Some((&ED25519, k)) => {
            let bytes = k
                .try_into()
                .map_err(|_| NoteError::BadKey("an Ed25519 key is 32 bytes".into()))?;
            Ok((name, id, bytes))
        }
        _ => Err(NoteError::BadKey(
            "only Ed25519 keys (type 0x01) are supported".into(),
        )),
    }
}

/// The key ID written in a key text must be the one computed from the key.
fn check_id(written: &str, computed: &[u8; 4]) -> Result<(), NoteError> {
    if hex4(computed) == written {
        Ok(())
    } else {
        Err(NoteError::BadKey(format!(
            "the key ID {written} does not match the key (a key ID is 8 lowercase hex digits)"
        )))
    }
}

/// One signature line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    name: String,
    id: [u8; 4],
    sig: Vec<u8>,
}

impl Signature {
    /// The signer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID it names.
    pub fn id(&self) -> [u8; 4] {
        self.id
    }

    /// The signature bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.sig
    }

    fn line(&self) -> String {
        let mut raw = self.id.to_vec();
        raw.extend_from_slice(&self.sig);
        format!("{DASH}{} {}\n", self.name, base64::encode(&raw))
    }
}

/// A signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    sigs: Vec<Signature>,
}

impl Note {
    /// A note with no signatures yet. The text must end with a newline and hold no blank line.
    pub fn new(text: &str) -> Result<Note, NoteError> {
        if text.is_empty() || !text.ends_with('\n') || text.contains("\n\n") {
            return Err(NoteError::Malformed(
                "the text must be non-empty, end with a newline and hold no blank line".into(),
            ));
        }
        Ok(Note {
            text: text.to_owned(),
            sigs: Vec::new(),
        })
    }

    /// The signed text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signatures.
    pub fn signatures(&self) -> &[Signature] {
        &self.sigs
    }

    /// Adds a signature by `key`, unless the note already holds one by that key (a note never
    /// carries the same signer twice).
    pub fn sign(&mut self, key: &SignerKey) {
        let sig = key.sign(&self.text);
        if let Some(old) = self
            .sigs
            .iter_mut()
            .find(|s| s.name == sig.name && s.id == sig.id)
        {
            *old = sig;
        } else {
            self.sigs.push(sig);
        }
    }

    /// The whole note as text.
    pub fn encode(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.sigs {
            out.push_str(&s.line());
        }
        out
    }

    /// Reads a note, refusing anything but text, one blank line and signature lines.
    pub fn parse(note: &str) -> Result<Note, NoteError> {
        let bad = |m: &str| NoteError::Malformed(m.to_owned());
        if note.len() > MAX_NOTE_BYTES {
            return Err(NoteError::Malformed(format!(
                "{} bytes; a note is at most {MAX_NOTE_BYTES} bytes",
                note.len()
            )));
        }
        if note.contains('\r') {
            return Err(bad(
                "lines end in LF alone; this note holds a carriage return (CR)",
            ));
        }
        let split = note
            .find("\n\n")
            .ok_or_else(|| bad("no blank line between the text and the signatures"))?;
        let text = &note[..split + 1];
        let block = &note[split + 2..];
        if block.is_empty() || !block.ends_with('\n') {
            return Err(bad("the signatures must end with a newline"));
        }
        if block.matches('\n').count() > MAX_SIGNATURES {
            return Err(NoteError::Malformed(format!(
                "more than {MAX_SIGNATURES} signature lines"
            )));
        }
        let mut sigs: Vec<Signature> = Vec::new();
        for (i, line) in block[..block.len() - 1].split('\n').enumerate() {
            let rest = line.strip_prefix(DASH).ok_or_else(|| {
                NoteError::Malformed(format!(
                    "line {} after the blank line is not a signature (`— NAME SIGNATURE`)",
                    i + 1
                ))
            })?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| bad("a signature line is `— NAME SIGNATURE`"))?;
            check_name(name).map_err(|_| bad("a signature names no valid key"))?;
            let raw = base64::decode(b64).ok_or_else(|| bad("a signature is not base64"))?;
            if raw.len() < 5 {
                return Err(bad("a signature is too short"));
            }
            let id = [raw[0], raw[1], raw[2], raw[3]];
            let sig = Signature {
                name: name.to_owned(),
                id,
                sig: raw[4..].to_vec(),
            };
            if sigs.contains(&sig) {
                return Err(bad("a signature line appears twice"));
            }
            sigs.push(sig);
        }
        let mut n = Note::new(text)?;
        n.sigs = sigs;
        Ok(n)
    }

    /// Checks every signature by a key in `keys`; returns the names that verified. Fails when
    /// one of them does not verify, or when none is by a known key (the policy "any one of
    /// these keys", [`crate::policy::Policy::any_of`]).
    pub fn verify(&self, keys: &[VerifierKey]) -> Result<Vec<String>, NoteError> {
        let policy = crate::policy::Policy::any_of(keys.to_vec())
            .map_err(|e| NoteError::BadKey(e.to_string()))?;
        policy.check(self).map(|s| s.all())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, b: u8) -> SignerKey {
        SignerKey::from_seed(name, [b; 32]).unwrap()
    }

    #[test]
    fn keys_whose_base64_holds_a_plus_still_parse() {
        // Try seeds until the base64 part (after `NAME+ID+`) holds a `+` of its own.
        let has_plus = |text: String| text.splitn(3, '+').nth(2).is_some_and(|b| b.contains('+'));
        let k = (0u8..=255)
            .map(|b| key("n", b))
            .find(|k| has_plus(k.encode()) && has_plus(k.verifier().encode()))
            .unwrap();
        assert_eq!(SignerKey::parse(&k.encode()).unwrap().encode(), k.encode());
        let v = k.verifier();
        assert_eq!(VerifierKey::parse(&v.encode()).unwrap(), v);
    }

    #[test]
    fn keys_round_trip_and_notes_verify() {
        let k = key("reckon.example/log", 7);
        assert_eq!(SignerKey::parse(&k.encode()).unwrap().encode(), k.encode());
        let v = k.verifier();
        assert_eq!(VerifierKey::parse(&v.encode()).unwrap(), v);
        let mut n = Note::new("reckon.example/log\n3\nAAAA\n").unwrap();
        n.sign(&k);
        let text = n.encode();
        let back = Note::parse(&text).unwrap();
        assert_eq!(
            back.verify(std::slice::from_ref(&v)).unwrap(),
            vec!["reckon.example/log".to_owned()]
        );
        let other = key("witness", 9).verifier();
        assert!(matches!(
            back.verify(&[other]),
            Err(NoteError::NoKnownSignature(_))
        ));
        let tampered = text.replacen("\n3\n", "\n4\n", 1);
        assert!(matches!(
            Note::parse(&tampered)
                .unwrap()
                .verify(std::slice::from_ref(&v)),
            Err(NoteError::BadSignature(_))
        ));
        assert!(Note::parse(&format!("{text}garbage\n")).is_err());
        assert!(Note::parse(&format!("{text}\n")).is_err());
    }
}
