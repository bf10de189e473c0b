//! Finding an entry by what a person types: a sequence number or a hash prefix.

use crate::format::Entry;

/// Finds an entry by `12`, `#12`, or at least four leading hex digits of its hash.
pub fn find<'a>(entries: &'a [Entry], id: &str) -> Result<&'a Entry, String> {
    let id = id.trim();
    let digits = id.strip_prefix('#').unwrap_or(id);
    let is_seq =
        !digits.is_empty() && digits.len() < 12 && digits.bytes().all(|b| b.is_ascii_digit());
    if is_seq {
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{id}` is not a sequence number"))?;
        return n
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| entries.get(i))
            .ok_or_else(|| {
                format!(
                    "there is no entry #{n}; the log has {} entries",
                    entries.len()
                )
            });
    }
    let hexish = id.len() >= 4 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !hexish {
        return Err(format!(
            "`{id}` is neither a sequence number (like 12 or #12) nor a hash prefix (at least 4 lowercase hex digits)"
        ));
    }
    let mut found = entries.iter().filter(|e| e.hash.has_hex_prefix(id));
    match (found.next(), found.next()) {
        (Some(e), None) => Ok(e),
        (None, _) => Err(format!("no entry's hash starts with `{id}`")),
        (Some(a), Some(b)) => Err(format!(
            "`{id}` is ambiguous: entries #{} and #{} (at least) both start with it; give more digits",
            a.seq, b.seq
        )),
    }
}
