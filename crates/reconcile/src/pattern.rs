//! Which subjects a command is about: an exact path, a prefix ending in `/`, or a glob.

/// A subject pattern: `exchange/2025-05-23/per-side` (exact), `exchange/` (everything under
/// it), or a glob where `*` matches any run of characters and `?` one character
/// (`exchange/2025-05-*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern(String);

impl Pattern {
    /// Takes a pattern as written.
    pub fn new(p: &str) -> Pattern {
        Pattern(p.trim().to_owned())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What every selected subject starts with: the pattern up to its first wildcard (all of
    /// it for an exact path or a prefix), so that a sorted list of subjects can be searched
    /// instead of scanned.
    pub fn literal_prefix(&self) -> &str {
        let p = self.0.as_str();
        &p[..p.find(['*', '?']).unwrap_or(p.len())]
    }

    /// True when `subject` is selected.
    pub fn matches(&self, subject: &str) -> bool {
        let p = self.0.as_str();
        if p.is_empty() {
            return true;
        }
        if p.contains(['*', '?']) {
            return glob(p.as_bytes(), subject.as_bytes());
        }
        if p.ends_with('/') {
            return subject.starts_with(p);
        }
        subject == p
    }
}

/// Whether `s` matches the glob `p`: `*` any run of characters, `?` one character (all of
/// its bytes, so `Верещ?к` matches `Верещук`), anything else itself.
fn glob(p: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with one backtrack point for the last `*`: linear in practice. `si`
    // is on a character's first byte whenever `p[pi]` is a wildcard: every character of the
    // pattern before it has matched whole, and a retry after `*` moves on a whole character.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'?' {
            pi += 1;
            si += char_len(s[si]);
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            let next = ss + char_len(s[ss]);
            pi = sp + 1;
            si = next;
            star = Some((sp, next));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// How many bytes the UTF-8 character that starts with `first` has.
fn char_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn exact_prefix_and_glob() {
        assert!(Pattern::new("a/b").matches("a/b"));
        assert!(!Pattern::new("a/b").matches("a/bc"));
        assert!(Pattern::new("a/").matches("a/b/c"));
        assert!(Pattern::new("exchange/2025-05-*").matches("exchange/2025-05-23/per-side"));
        assert!(!Pattern::new("exchange/2025-05-*").matches("exchange/2025-06-02"));
        assert!(Pattern::new("*/held-*").matches("pows/ukraine/held-by-russia"));
        assert!(Pattern::new("").matches("anything"));
        assert!(Pattern::new("a?c").matches("abc"));
        assert!(Pattern::new("Верещ?к").matches("Верещук"));
        assert!(Pattern::new("a?c").matches("aéc"));
        assert!(!Pattern::new("a?c").matches("aééc"));
        assert!(Pattern::new("*?ук").matches("Верещук"));
        assert!(!Pattern::new("*??").matches("é"));
    }

    /// A plain matcher over characters, by the definition: `*` any run, `?` one character.
    fn by_chars(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|k| by_chars(rest, &s[k..])),
            Some(('?', rest)) => !s.is_empty() && by_chars(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && by_chars(rest, &s[1..]),
        }
    }

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[ab*?éу€]{0,8}").unwrap()
    }

    proptest::proptest! {
        /// The glob matcher agrees with the definition, multi-byte characters included.
        #[test]
        fn glob_matches_by_characters(p in text(), s in text()) {
            let s = s.replace(['*', '?'], "");
            if p.contains(['*', '?']) {
                let (pc, sc): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
                proptest::prop_assert_eq!(super::glob(p.as_bytes(), s.as_bytes()), by_chars(&pc, &sc));
            }
        }
    }
}
