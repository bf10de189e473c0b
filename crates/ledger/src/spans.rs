//! Where every entry's line is, kept in about two and a half bytes an entry: what a pass
//! that reads claims' words again later keeps of a whole log (a million entries' places in
//! 2.5 MB, not 16 MB; ten million in 25 MB).

use crate::snapshot::Span;

/// Every entry's line, in log order ([`LineSpans::push`] one by one). Lines lie back to back
/// in the entries file, so a line's place follows from an earlier one's and the lengths
/// between: each line's length is kept in two bytes (a longer one beside them), and the
/// place of every 32nd line (and of any line that does not follow the one before), so that
/// finding a line adds up at most 31 lengths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineSpans {
    /// (line number, place) of line 0, every 32nd line, and every line that does not start
    /// where the one before ended: in line order.
    marks: Vec<(usize, u64)>,
    /// Whether every line has started where the one before ended, so that the mark of line
    /// `k` is `marks[k / EVERY]`.
    regular: bool,
    /// Each line's length, or [`LONG`] for one kept in `long`.
    lens: Vec<u16>,
    /// The lines of [`LONG`] bytes or more, by line number (in order), with their lengths.
    long: Vec<(usize, u32)>,
    /// Where the next line starts if it follows the last one.
    next: u64,
}

/// A length too long for two bytes: the line's is in [`LineSpans::long`].
const LONG: u16 = u16::MAX;

/// How many lines at most a mark covers.
const EVERY: usize = 32;

impl LineSpans {
    /// No lines, with room for `n`.
    pub fn with_capacity(n: usize) -> LineSpans {
        LineSpans {
            marks: Vec::with_capacity(n / EVERY + 1),
            lens: Vec::with_capacity(n),
            ..LineSpans::default()
        }
    }

    /// Forgets every line, keeping the room.
    pub fn clear(&mut self) {
        self.marks.clear();
        self.lens.clear();
        self.long.clear();
        self.regular = false;
        self.next = 0;
    }

    /// Room for `n` more lines.
    pub fn reserve(&mut self, n: usize) {
        self.marks.reserve(n / EVERY + 1);
        self.lens.reserve(n);
    }

    /// How many lines it holds.
    pub fn len(&self) -> usize {
        self.lens.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    /// Adds the next line (its place and its length without the newline).
    pub fn push(&mut self, (at, len): Span) {
        let k = self.lens.len();
        let follows = at == self.next || k == 0;
        if k.is_multiple_of(EVERY) || !follows {
            self.marks.push((k, at));
        }
        self.regular = follows && (k == 0 || self.regular);
        match u16::try_from(len) {
            Ok(l) if l != LONG => self.lens.push(l),
            _ => {
                self.lens.push(LONG);
                self.long.push((k, len));
            }
        }
        self.next = at.saturating_add(u64::from(len)).saturating_add(1);
    }

    /// The line of entry `seq` (numbered from 1, as entries are): line `seq - 1`.
    pub fn of_entry(&self, seq: u64) -> Option<Span> {
        self.get(usize::try_from(seq.checked_sub(1)?).ok()?)
    }

    /// Line `k`: its place and length; `None` past the last.
    pub fn get(&self, k: usize) -> Option<Span> {
        if k >= self.lens.len() {
            return None;
        }
        // The last mark at or before `k` (line 0 always has one).
        let m = if self.regular {
            k / EVERY
        } else {
            self.marks
                .partition_point(|&(i, _)| i <= k)
                .checked_sub(1)?
        };
        let &(from, mut at) = self.marks.get(m)?;
        if self.long.is_empty() {
            // Each line before `k` since the mark: its length and its newline.
            let sum: u64 = self.lens.get(from..k)?.iter().map(|&l| u64::from(l)).sum();
            at = at.checked_add(sum)?.checked_add((k - from) as u64)?;
        } else {
            for j in from..k {
                at = at.checked_add(u64::from(self.length(j)?))?.checked_add(1)?;
            }
        }
        Some((at, self.length(k)?))
    }

    /// The length of line `k`.
    fn length(&self, k: usize) -> Option<u32> {
        match *self.lens.get(k)? {
            LONG => self
                .long
                .binary_search_by_key(&k, |&(i, _)| i)
                .ok()
                .map(|i| self.long[i].1),
            l => Some(u32::from(l)),
        }
    }
}

impl FromIterator<Span> for LineSpans {
    fn from_iter<I: IntoIterator<Item = Span>>(spans: I) -> LineSpans {
        let mut out = LineSpans::default();
        for s in spans {
            out.push(s);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every line pushed is got back as it was, in any mix of short and long lines, lines
        /// back to back and lines that are not (a gap, a jump back), and past the last there
        /// is none.
        #[test]
        fn every_line_is_got_back(
            lines in prop::collection::vec((0u64..3, prop_oneof![0u32..700, 65_530u32..70_000, Just(u32::MAX)]), 0..400),
        ) {
            let mut at = 17u64;
            let mut spans = Vec::new();
            for (gap, len) in lines {
                // Mostly back to back; sometimes a gap, sometimes back to an earlier place.
                at = match gap {
                    0 | 1 => at,
                    _ => at / 2 + 3,
                };
                spans.push((at, len));
                at += u64::from(len) + 1 + u64::from(gap == 1) * 5;
            }
            let kept: LineSpans = spans.iter().copied().collect();
            prop_assert_eq!(kept.len(), spans.len());
            for (k, s) in spans.iter().enumerate() {
                prop_assert_eq!(kept.get(k), Some(*s), "line {}", k);
            }
            prop_assert_eq!(kept.get(spans.len()), None);
        }

        /// Lines all back to back (as a log's are), some too long for two bytes: each got
        /// back as it was, its mark found by its number alone.
        #[test]
        fn lines_back_to_back_are_got_back(
            lens in prop::collection::vec(prop_oneof![0u32..700, 65_530u32..70_000], 0..300),
        ) {
            let mut at = 5u64;
            let mut spans = Vec::new();
            for len in lens {
                spans.push((at, len));
                at += u64::from(len) + 1;
            }
            let kept: LineSpans = spans.iter().copied().collect();
            prop_assert!(kept.is_empty() || kept.regular);
            for (k, s) in spans.iter().enumerate() {
                prop_assert_eq!(kept.get(k), Some(*s), "line {}", k);
            }
        }
    }

    /// A million lines of a few hundred bytes, back to back, take about two and a half bytes
    /// each.
    #[test]
    fn lines_back_to_back_take_two_bytes_each() {
        let mut kept = LineSpans::with_capacity(1_000_000);
        let mut at = 0;
        for k in 0..1_000_000u64 {
            let len = 400 + (k % 300) as u32;
            kept.push((at, len));
            at += u64::from(len) + 1;
        }
        let bytes = kept.lens.capacity() * 2 + kept.marks.capacity() * 16 + kept.long.len() * 16;
        assert!(bytes < 2_600_000, "{bytes} bytes");
        assert_eq!(kept.get(999_999), Some((at - 500, 499)));
    }
}
