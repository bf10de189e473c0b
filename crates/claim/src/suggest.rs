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
    let limit = (word.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (edit_distance(word, c), i, c))
        .filter(|(d, _, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(max).map(|(_, _, c)| c).collect()
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
}
