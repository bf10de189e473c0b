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

fn glob(p: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with one backtrack point for the last `*`: linear in practice.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
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
    }
}
