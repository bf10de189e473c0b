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
    let limit = (word.len() / 3).max(2);
    // The two rows of the distance table, kept between candidates.
    let mut rows = (Vec::new(), Vec::new());
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| Some((distance_within(&word, c, limit, &mut rows)?, i, c)))
        .collect();
    scored.sort();
    scored.into_iter().take(max).map(|(_, _, c)| c).collect()
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

    #[test]
    fn finds_typos() {
        assert_eq!(edit_distance("speeker", "speaker"), 1);
        assert_eq!(
            nearest("speeker", ["subject", "speaker", "scope"], 3),
            vec!["speaker"]
        );
        assert!(nearest("zzzzzzzz", ["speaker"], 3).is_empty());
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
    }
}
