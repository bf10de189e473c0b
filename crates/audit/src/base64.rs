//! Standard base64 with padding (RFC 4648), strict: a text that does not encode back to
//! itself is refused. The `base64` crate's standard engine, which refuses non-canonical
//! padding and trailing bits.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Encodes bytes.
pub fn encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// Decodes canonical padded base64; `None` for anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = STANDARD.decode(text).ok()?;
    // Belt and braces: only the one text that encodes these bytes is theirs.
    (STANDARD.encode(&bytes) == text).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_non_canonical_text() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            assert_eq!(decode(&encode(s.as_bytes())).as_deref(), Some(s.as_bytes()));
        }
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode(b"fo"), "Zm8=");
        assert_eq!(decode("Zm9=="), None);
        assert_eq!(decode("Zm9"), None);
        assert_eq!(decode("Zm9v YmFy"), None);
        assert_eq!(decode("Zm9=YmFy"), None);
        assert_eq!(decode("Zm9w"), Some(b"fop".to_vec()));
        assert_eq!(decode("Zm8x"), Some(b"fo1".to_vec()));
        assert_eq!(
            decode("Zm9="),
            None,
            "non-zero padding bits are not canonical"
        );
    }
}
