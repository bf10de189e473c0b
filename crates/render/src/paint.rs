//! Colour for a terminal: the verdict words of a few outputs, painted after the text is made
//! (and made safe for a terminal), at places this crate knows its own layouts to have them.
//! Colour is never the only signal: every painted word is there in plain text too.

use anstyle::{AnsiColor, Style};

/// Which output a text is, for where its verdicts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `reckon reconcile`'s table: the STATUS column.
    Table,
    /// `reckon check`: each line's first word.
    Check,
    /// `reckon verify`: `ok:` or `FAILED`.
    Verify,
}

fn paint_word(word: &str, style: Style) -> String {
    format!("{style}{word}{style:#}")
}

fn status_style(status: &str) -> Option<Style> {
    let c = |a: AnsiColor| Some(a.on_default());
    if status.starts_with("contested") {
        c(AnsiColor::Red).map(Style::bold)
    } else if status.starts_with("unresolved") {
        c(AnsiColor::Yellow).map(Style::bold)
    } else if status.starts_with("corroborated") || status.starts_with("consistent") {
        c(AnsiColor::Green)
    } else if status.starts_with("derived") {
        c(AnsiColor::Blue)
    } else {
        None
    }
}

/// `text` with its verdicts coloured for a terminal.
pub fn paint(text: &str, layout: Layout) -> String {
    match layout {
        Layout::Table => table(text),
        Layout::Check | Layout::Verify => {
            let mut out = String::with_capacity(text.len() + 64);
            for line in text.split_inclusive('\n') {
                let (word, style) = match layout {
                    Layout::Check => match line.split(' ').next().unwrap_or("") {
                        w @ "ok" => (w, AnsiColor::Green.on_default()),
                        w @ ("CHANGED" | "REFUSED") => (w, AnsiColor::Red.on_default().bold()),
                        w @ "blessed" => (w, AnsiColor::Yellow.on_default()),
                        _ => ("", Style::new()),
                    },
                    _ => {
                        if line.starts_with("ok:") {
                            ("ok", AnsiColor::Green.on_default())
                        } else if line.starts_with("FAILED") {
                            ("FAILED", AnsiColor::Red.on_default().bold())
                        } else {
                            ("", Style::new())
                        }
                    }
                };
                if word.is_empty() {
                    out.push_str(line);
                } else {
                    out.push_str(&paint_word(word, style));
                    out.push_str(&line[word.len()..]);
                }
            }
            out
        }
    }
}

/// The table's STATUS cells, found by the header's columns (cells are padded by characters).
fn table(text: &str) -> String {
    let mut lines = text.split_inclusive('\n');
    let mut out = String::with_capacity(text.len() + 256);
    let mut columns: Option<(usize, usize)> = None;
    for line in lines.by_ref() {
        out.push_str(line);
        if line.starts_with("SUBJECT") {
            let at = |name: &str| line.find(name).map(|b| line[..b].chars().count());
            columns = at("STATUS").zip(at("SUPPORT"));
            break;
        }
    }
    let Some((from, to)) = columns else {
        return text.to_owned();
    };
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() < to {
            out.push_str(line);
            continue;
        }
        let cell: String = chars[from..to].iter().collect();
        let status = cell.trim_end();
        match status_style(status) {
            Some(style) => {
                out.extend(&chars[..from]);
                out.push_str(&paint_word(status, style));
                out.push_str(&cell[status.len()..]);
                out.extend(&chars[to..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_painted_and_nothing_else_changes() {
        let table = "log position 2\nSUBJECT  UNIT  FIGURE  STATUS     SUPPORT\na/b      x     1       contested  1 claim\nc/d      x     2       single     1 claim\n";
        let painted = paint(table, Layout::Table);
        assert!(
            painted.contains("\u{1b}[1m\u{1b}[31mcontested\u{1b}[0m  1 claim"),
            "{painted:?}"
        );
        // Without the escapes, the same text.
        let plain: String = strip(&painted);
        assert_eq!(plain, table);
        let check = "ok      a\nCHANGED b\n--- x\n";
        let painted = paint(check, Layout::Check);
        assert_eq!(strip(&painted), check);
        assert!(painted.starts_with("\u{1b}[32mok\u{1b}[0m"), "{painted:?}");
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
