//! Finding a known name one slip away from a new one, among many names, without comparing the
//! new name with each: every name is filed under itself and under each way of deleting one of
//! its characters, so two names one substitution, insertion, deletion or swap of neighbours
//! apart always share a filing key.

/// Known names, filed for [`Near::slip_of`].
#[derive(Default)]
pub(crate) struct Near {
    /// (key, index into `names`), sorted by key.
    keys: Vec<(u64, u32)>,
    names: Vec<Box<str>>,
    sorted: bool,
}

impl Near {
    pub(crate) fn add(&mut self, name: &str) {
        let Ok(id) = u32::try_from(self.names.len()) else {
            return;
        };
        let b = name.as_bytes();
        self.keys.push((key(b, b.len()), id));
        for i in 0..b.len() {
            self.keys.push((key(b, i), id));
        }
        self.names.push(name.into());
        self.sorted = false;
    }

    /// The known name one slip from `name` (the nearest, then the first in byte order), if
    /// any. A difference in digits alone is not a slip: `2025-05-06` and `2025-05-16` are two
    /// days, `s/17` and `s/170` two series. Nor is one in a segment shorter than four
    /// characters: `o/a` and `o/b`, `eu` and `us` are names, not typos of each other.
    pub(crate) fn slip_of(&mut self, name: &str) -> Option<&str> {
        if !self.sorted {
            self.keys.sort_unstable();
            self.keys.dedup();
            self.sorted = true;
        }
        let b = name.as_bytes();
        let mut best: Option<(usize, &str)> = None;
        for skip in (0..b.len()).chain([b.len()]) {
            let k = key(b, skip);
            let from = self.keys.partition_point(|(x, _)| *x < k);
            for (_, id) in self.keys[from..].iter().take_while(|(x, _)| *x == k) {
                let other = &*self.names[*id as usize];
                if other == name || digits_only(name, other) || short_segment(name, other) {
                    continue;
                }
                let d = slips(name, other);
                if d == 1 && best.is_none_or(|(bd, bn)| (d, other) < (bd, bn)) {
                    best = Some((d, other));
                }
            }
        }
        best.map(|(_, n)| n)
    }
}

/// FNV-1a of `b` without its byte at `skip` (`skip == b.len()`: all of it). A name with one
/// byte deleted shares the key of the shorter name whole: an insertion or deletion.
fn key(b: &[u8], skip: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, byte) in b.iter().enumerate() {
        if i != skip {
            h = (h ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Whether the segment (between slashes) where two names first differ is shorter than four
/// characters in either.
fn short_segment(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let segment = |s: &[u8]| {
        let start = s[..at.min(s.len())]
            .iter()
            .rposition(|c| *c == b'/')
            .map_or(0, |i| i + 1);
        let end = s[at.min(s.len())..]
            .iter()
            .position(|c| *c == b'/')
            .map_or(s.len(), |i| at + i);
        end - start
    };
    segment(a).min(segment(b)) < 4
}

/// Whether two names differ only in their digits (they are equal with every digit removed).
fn digits_only(a: &str, b: &str) -> bool {
    a.bytes()
        .filter(|c| !c.is_ascii_digit())
        .eq(b.bytes().filter(|c| !c.is_ascii_digit()))
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment),
/// capped: anything over 1 is returned as 2.
pub(crate) fn slips(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return 2;
    }
    let first = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[first..], &b[first..]);
    let last = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - last], &b[..b.len() - last]);
    match (a.len(), b.len()) {
        (0, 0) => 0,
        (1, 0) | (0, 1) | (1, 1) => 1,
        (2, 2) if a[0] == b[1] && a[1] == b[0] => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(names: &[&str]) -> Near {
        let mut n = Near::default();
        for name in names {
            n.add(name);
        }
        n
    }

    #[test]
    fn one_slip_of_any_kind_is_found() {
        let mut n = near(&[
            "pows/ukraine/held-by-russia",
            "exchange/2025-05-06/returned",
        ]);
        for typo in [
            "pows/ukraine/held-by-rusia",   // a letter dropped
            "pows/ukraine/held-by-russsia", // a letter doubled
            "pows/ukraine/held-by-rusxia",  // a letter changed
            "pows/ukraine/held-by-rusisa",  // two letters swapped
            "pows/ukriane/held-by-russia",  // in another segment
        ] {
            assert_eq!(
                n.slip_of(typo),
                Some("pows/ukraine/held-by-russia"),
                "{typo}"
            );
        }
    }

    #[test]
    fn two_slips_digits_and_the_name_itself_are_not_slips() {
        let mut n = near(&[
            "pows/ukraine/held-by-russia",
            "exchange/2025-05-06/returned",
        ]);
        assert_eq!(n.slip_of("pows/ukraine/held-by-rusiaa"), None);
        assert_eq!(n.slip_of("exchange/2025-05-16/returned"), None);
        assert_eq!(n.slip_of("exchange/2025-05-6/returned"), None);
        assert_eq!(n.slip_of("pows/ukraine/held-by-russia"), None);
        assert_eq!(n.slip_of("pows/russia/held-by-ukraine"), None);
        let mut short = near(&["o/w", "eu/total", "a/bcd/x"]);
        assert_eq!(short.slip_of("o/a"), None);
        assert_eq!(short.slip_of("us/total"), None);
        assert_eq!(short.slip_of("a/bce/x"), None);
        assert_eq!(short.slip_of("eu/totl"), Some("eu/total"));
    }

    #[test]
    fn slips_agree_with_a_plain_count_on_small_cases() {
        assert_eq!(slips("abc", "abc"), 0);
        assert_eq!(slips("abc", "abd"), 1);
        assert_eq!(slips("abc", "ab"), 1);
        assert_eq!(slips("abc", "acb"), 1);
        assert_eq!(slips("abc", "cab"), 2);
        assert_eq!(slips("abcd", "abdc"), 1);
        assert_eq!(slips("abcd", "xbcy"), 2);
    }
}
