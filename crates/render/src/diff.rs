//! A unified diff of two texts, line by line, for `reckon check`: `similar`'s (Myers), which
//! stays a real diff on outputs of any size.

/// The lines of `expected` and `actual` as a unified diff with `context` lines around each
/// change; empty when they are equal.
pub fn unified(
    expected: &str,
    actual: &str,
    old_name: &str,
    new_name: &str,
    context: usize,
) -> String {
    if expected == actual {
        return String::new();
    }
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(context)
        .header(old_name, new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_a_changed_line_with_context() {
        let d = unified("a\nb\nc\n", "a\nB\nc\n", "e", "a", 3);
        assert_eq!(d, "--- e\n+++ a\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
        assert_eq!(unified("same\n", "same\n", "e", "a", 3), "");
    }

    #[test]
    fn a_large_output_with_one_change_gives_one_small_hunk() {
        let before: String = (0..20_000).map(|i| format!("row {i}\n")).collect();
        let after = before.replace("row 12345\n", "row 12345 changed\n");
        let d = unified(&before, &after, "e", "a", 3);
        assert_eq!(d.lines().count(), 2 + 1 + 3 + 2 + 3, "{d}");
    }
}
