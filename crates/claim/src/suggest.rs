//! Nearest names, for "did you mean" hints in error messages.

/// Edit distance between two strings, counted in characters (Levenshtein, by `strsim`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The candidates closest to `word` (at most `max`), nearest first, ties in the given order;
/// only candidates within a third of the word's length (at least 2 edits) are offered.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let word: Vec<char> = word.chars().collect();
    let limit = nearest_limit(word.len());
    // A word of at most 64 characters is scored a column of the table at a time, as bits;
    // a longer one row by row, its two rows kept between candidates.
    let bits = Bits::of(&word);
    let mut rows = (Vec::new(), Vec::new());
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let d = match &bits {
                Some(bits) => bits.distance_within(c, limit),
                None => distance_within(&word, c, limit, &mut rows),
            };
            Some((d?, i, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(max).map(|(_, _, c)| c).collect()
}

/// How many edits away [`nearest`] offers a candidate for a word of `chars` characters: a
/// third of its length, at least 2.
fn nearest_limit(chars: usize) -> usize {
    (chars / 3).max(2)
}

/// A word compared with many candidates one at a time, within a limit of the caller's: the
/// scoring of [`nearest`] for a list read as it passes and never held (every entry's hash, on
/// all cores: it may be shared between threads).
pub struct Near {
    word: Vec<char>,
    bits: Option<Bits>,
    limit: usize,
}

impl Near {
    /// `word`, to be compared within an edit distance of `limit`.
    pub fn new(word: &str, limit: usize) -> Near {
        let word: Vec<char> = word.chars().collect();
        let bits = Bits::of(&word);
        Near { word, bits, limit }
    }

    /// `word`, to be compared within the distance [`nearest`] offers candidates at: the
    /// candidates this scores are exactly those `nearest` may name.
    pub fn as_nearest(word: &str) -> Near {
        Near::new(word, nearest_limit(word.chars().count()))
    }

    /// The edit distance between the word and `candidate` (as [`edit_distance`] counts it),
    /// when it is within the limit.
    pub fn distance(&self, candidate: &str) -> Option<usize> {
        match &self.bits {
            Some(bits) => bits.distance_within(candidate, self.limit),
            None => distance_within(
                &self.word,
                candidate,
                self.limit,
                &mut (Vec::new(), Vec::new()),
            ),
        }
    }
}

/// A word of 1 to 64 characters as the bit-parallel edit distance reads it (Myers' method, in
/// Hyyrö's form for the distance between whole strings): for each character, the positions
/// of the word that hold it, as bits. A candidate is then scored in one step a character of
/// it, whatever the word's length.
struct Bits {
    /// The word's length.
    len: usize,
    /// The positions of each ASCII character.
    ascii: [u64; 128],
    /// The positions of each other character the word holds.
    other: Vec<(char, u64)>,
}

impl Bits {
    /// `None` for an empty word or one longer than 64 characters.
    fn of(word: &[char]) -> Option<Bits> {
        if word.is_empty() || word.len() > 64 {
            return None;
        }
        let mut bits = Bits {
            len: word.len(),
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (i, &c) in word.iter().enumerate() {
            let at = 1u64 << i;
            match ascii(c) {
                Some(k) => bits.ascii[k] |= at,
                None => match bits.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, b)) => *b |= at,
                    None => bits.other.push((c, at)),
                },
            }
        }
        Some(bits)
    }

    /// The positions of the word that hold `c`.
    fn holding(&self, c: char) -> u64 {
        match ascii(c) {
            Some(k) => self.ascii[k],
            None => self
                .other
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(0, |(_, b)| *b),
        }
    }

    /// The edit distance between the word and `b`, when it is at most `limit`.
    fn distance_within(&self, b: &str, limit: usize) -> Option<usize> {
        let n = b.chars().count();
        if self.len.abs_diff(n) > limit {
            return None;
        }
        // The last cell of each column, and the column's vertical steps: +1 (`up`) or -1
        // (`down`) between each cell and the one above it.
        let last = 1u64 << (self.len - 1);
        let (mut up, mut down, mut score) = (u64::MAX, 0u64, self.len);
        for c in b.chars() {
            let eq = self.holding(c);
            let x = eq | down;
            let across = ((eq & up).wrapping_add(up) ^ up) | eq;
            let mut rise = down | !(across | up);
            let mut fall = up & across;
            if rise & last != 0 {
                score += 1;
            } else if fall & last != 0 {
                score -= 1;
            }
            // The top row counts up by one a character: a step of +1 enters from above.
            rise = (rise << 1) | 1;
            fall <<= 1;
            up = fall | !(x | rise);
            down = rise & x;
        }
        Some(score).filter(|&d| d <= limit)
    }
}

/// Where `c` is in a table of the ASCII characters, when it is one.
fn ascii(c: char) -> Option<usize> {
    c.is_ascii().then_some(c as usize)
}

/// The edit distance between `a` and `b` (counted in characters, as [`edit_distance`]) when
/// it is at most `limit`, else `None`, given up on as soon as that is sure: when the lengths
/// differ by more, or when every cell of a row of the table is over it (the distance is at
/// least the least of any row). So a long list of candidates (every claim's hash, say) is
/// ranked without the whole table of each.
fn distance_within(
    a: &[char],
    b: &str,
    limit: usize,
    (prev, cur): &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    let n = b.chars().count();
    if a.len().abs_diff(n) > limit {
        return None;
    }
    prev.clear();
    prev.extend(0..=n);
    cur.clear();
    cur.resize(n + 1, 0);
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut least = cur[0];
        for (j, cb) in b.chars().enumerate() {
            let d = (prev[j] + usize::from(*ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            cur[j + 1] = d;
            least = least.min(d);
        }
        if least > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    Some(prev[n]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word compared one candidate at a time gives the whole table's distance within its
    /// limit, and nothing past it, for short words and for one longer than 64 characters.
    #[test]
    fn a_near_word_scores_as_the_table_does() {
        let near = Near::new("2b4c7acce0cc", 2);
        assert_eq!(near.distance("2b4c7acce0cc"), Some(0));
        assert_eq!(near.distance("2b4c7acce0cd"), Some(1));
        assert_eq!(near.distance("2b4c7acec0cc"), Some(2));
        assert_eq!(near.distance("2b4c7acc0ccf"), Some(2));
        assert_eq!(near.distance("2b4c7a000000"), None);
        let long = "a".repeat(70);
        let near = Near::new(&long, 1);
        assert_eq!(near.distance(&format!("{}b", "a".repeat(69))), Some(1));
        assert_eq!(near.distance(&"b".repeat(70)), None);
    }

    #[test]
    fn finds_typos() {
        assert_eq!(edit_distance("speeker", "speaker"), 1);
        assert_eq!(
            nearest("speeker", ["subject", "speaker", "scope"], 3),
            vec!["speaker"]
        );
        assert!(nearest("zzzzzzzz", ["speaker"], 3).is_empty());
        // A word longer than 64 characters is scored row by row.
        let long = "a".repeat(70);
        let near = format!("{}b", "a".repeat(69));
        assert_eq!(nearest(&long, [near.as_str(), "b"], 3), vec![near.as_str()]);
    }

    proptest::proptest! {
        /// The distance given up on early is the whole table's whenever it is within the
        /// limit, and `None` exactly when the whole table's is over it.
        #[test]
        fn a_distance_given_up_early_is_the_whole_distance(
            a in "[ab\u{e9}\u{416}]{0,12}",
            b in "[ab\u{e9}\u{416}]{0,12}",
            limit in 0usize..6,
        ) {
            let whole = edit_distance(&a, &b);
            let a: Vec<char> = a.chars().collect();
            let got = distance_within(&a, &b, limit, &mut (Vec::new(), Vec::new()));
            proptest::prop_assert_eq!(got, Some(whole).filter(|&d| d <= limit));
        }

        /// The bit-parallel distance is the whole table's, for words of 1 to 64 characters
        /// (ASCII or not, with repeats) against any candidate, within any limit.
        #[test]
        fn the_distance_by_bits_is_the_whole_distance(
            a in "[ab\u{e9}\u{416}x]{1,64}",
            b in "[ab\u{e9}\u{416}y]{0,80}",
            limit in 0usize..90,
        ) {
            let whole = edit_distance(&a, &b);
            let word: Vec<char> = a.chars().collect();
            let bits = Bits::of(&word).expect("1 to 64 characters");
            proptest::prop_assert_eq!(
                bits.distance_within(&b, limit),
                Some(whole).filter(|&d| d <= limit)
            );
        }

    }
}
