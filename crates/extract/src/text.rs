//! Sentences and tokens: the two cuts every other part reads text through.

/// A sentence of a document: its text and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// The exact text, outer spaces trimmed (a substring of the document).
    pub text: &'a str,
    /// The paragraph (a line of the document, from 1) it is in.
    pub line: usize,
}

/// Words that end in a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "maj", "capt", "sgt", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs", "etc", "approx",
    "est", "jr", "sr", "inc", "ltd", "co", "corp", "govt", "dept", "rep", "sen", "gov", "prof",
];

/// True when the line reads as running text: it ends as a sentence ends. Headlines, menus,
/// bylines and labels do not, and a person recording claims passes over them.
fn is_prose(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with(['.', '!', '?', '"', '”', '’', '\'', ')']) && t.split_whitespace().count() >= 6
}

/// The longest line of text taken for wrapped at a fixed width: wider lines are paragraphs
/// of their own, as pages saved as text have them.
const WRAP_WIDTH: usize = 120;

/// The paragraphs of a document, each with the number of its first line (from 1): a line, or
/// lines wrapped at a fixed width (see [`wraps`]), as one slice of the document.
fn paragraphs(doc: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut at = 0;
    for piece in doc.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        lines.push((at, at + body.len()));
        at += piece.len();
    }
    let blank = |&(s, e): &(usize, usize)| doc[s..e].trim().is_empty();
    let mut out = Vec::new();
    let mut n = 0;
    while n < lines.len() {
        let run = lines[n..].iter().take_while(|l| !blank(l)).count();
        if run == 0 {
            n += 1;
            continue;
        }
        let breaks = wraps(doc, &lines[n..n + run]);
        let mut first = n;
        for k in n..n + run {
            if !breaks.get(k - n).copied().unwrap_or(false) {
                out.push((first + 1, &doc[lines[first].0..lines[k].1]));
                first = k + 1;
            }
        }
        n += run;
    }
    out
}

/// For each line of a run of lines with no blank line between them, whether the paragraph
/// goes on to the next line because the run is wrapped at a fixed width, as mail, terminals
/// and text copied out of a PDF wrap it: no line wider than [`WRAP_WIDTH`], and the line
/// broken because the next line's first word would not have fitted on it (what wrapping at
/// the width of the longest line does). A line the next word would have fitted on ends its
/// paragraph, so short lines that each are a paragraph (`He added.` then `Officials said 40
/// …`) and a headline over its byline stay apart.
fn wraps(doc: &str, run: &[(usize, usize)]) -> Vec<bool> {
    let text = |&(s, e): &(usize, usize)| doc[s..e].trim_end();
    let width = run
        .iter()
        .map(|l| text(l).chars().count())
        .max()
        .unwrap_or(0);
    if width > WRAP_WIDTH {
        return vec![false; run.len()];
    }
    let mut goes_on: Vec<bool> = run
        .windows(2)
        .map(|pair| {
            let next = text(&pair[1])
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count());
            text(&pair[0]).chars().count() + 1 + next > width
        })
        .collect();
    goes_on.push(false);
    goes_on
}

/// Splits a document into sentences, paragraph by paragraph (a paragraph is a line, or lines
/// wrapped at a fixed width). A full stop ends a sentence when a capital, a digit or a
/// quotation mark follows it, unless it closes an abbreviation or an initial; nothing inside
/// a quotation ends a sentence, so a quoted remark stays with its attribution. A sentence of
/// a wrapped paragraph may hold line breaks.
pub fn sentences(doc: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    for (n, line) in paragraphs(doc) {
        if !is_prose(line) {
            continue;
        }
        let mut start = 0;
        let mut quoted = false;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            match c {
                '"' => quoted = !quoted,
                '“' => quoted = true,
                '”' => quoted = false,
                '.' | '!' | '?' if !quoted => {
                    // The sentence may go on through closing quotes and brackets.
                    let mut j = i + 1;
                    while j < chars.len() && matches!(chars[j].1, '"' | '”' | '’' | ')') {
                        j += 1;
                    }
                    let next_is_space = j < chars.len() && chars[j].1.is_whitespace();
                    let mut k = j;
                    while k < chars.len() && chars[k].1.is_whitespace() {
                        k += 1;
                    }
                    let opens = k < chars.len()
                        && (chars[k].1.is_uppercase()
                            || chars[k].1.is_ascii_digit()
                            || matches!(chars[k].1, '"' | '“' | '‘'));
                    if next_is_space && opens && !(c == '.' && abbreviation(&line[..at])) {
                        let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
                        push(&mut out, &line[start..end], n);
                        start = chars[k].0;
                        i = k;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        push(&mut out, &line[start..], n);
    }
    out
}

fn push<'a>(out: &mut Vec<Sentence<'a>>, text: &'a str, line: usize) {
    let text = text.trim();
    if !text.is_empty() {
        out.push(Sentence { text, line });
    }
}

/// True when the text before a full stop ends in an abbreviation or an initial (`U.S`).
fn abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let last = word.rsplit('.').next().unwrap_or("");
    last.chars().count() == 1 && last.chars().all(char::is_uppercase)
        || ABBREVIATIONS.contains(&last.to_lowercase().as_str())
}

/// Text with any spacing between its words, a line break of a wrapped paragraph too, as one
/// space, and none about them.
pub fn one_spaced(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Letters, with inner apostrophes (`Ukraine's`).
    Word,
    /// Digits, with thousands commas or spaces and a decimal point (`1,000`, `10 000`,
    /// `1.2`).
    Number,
    /// Any other character that is not a space.
    Mark,
}

/// A token of a sentence, with its place in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub kind: Kind,
    /// Its text.
    pub text: &'a str,
    /// Byte offsets in the sentence.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// True when a space comes before it.
    pub spaced: bool,
}

impl Token<'_> {
    /// The word in lower case (marks and numbers as they are).
    pub fn lower(&self) -> String {
        self.text.to_lowercase()
    }

    /// True for a word that starts with a capital.
    pub fn capital(&self) -> bool {
        self.kind == Kind::Word && self.text.starts_with(char::is_uppercase)
    }

    /// True for the mark `c`.
    pub fn is(&self, c: &str) -> bool {
        self.kind == Kind::Mark && self.text == c
    }

    /// True for the word `w`, in any case.
    pub fn word(&self, w: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(w)
    }
}

/// The spaces that may split a number's digits into thousands, as commas do in English
/// (`10 000`, `10\u{a0}000`): a space, a no-break space, a thin space and a narrow no-break
/// space.
pub const GROUP_SPACES: [char; 4] = [' ', '\u{a0}', '\u{2009}', '\u{202f}'];

/// Cuts a sentence into words, numbers and marks.
pub fn tokens(s: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(s.len(), |&(b, _)| b);
    let mut out = Vec::new();
    let mut i = 0;
    let mut spaced = true;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            spaced = true;
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_ascii_digit() {
            i += 1;
            // What has split the number's digits so far: a point, or spaces (one kind of
            // space throughout).
            let (mut point, mut spaces) = (false, None);
            loop {
                let digit = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_ascii_digit());
                let group = digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4);
                let at = chars.get(i).map(|&(_, c)| c);
                if digit(i) {
                    i += 1;
                } else if at == Some(',') && group && spaces.is_none() {
                    i += 4;
                } else if at == Some('.') && digit(i + 1) {
                    point = true;
                    i += 2;
                } else if let Some(gap) = at.filter(|c| GROUP_SPACES.contains(c))
                    && group
                    && !point
                    // `10 000` (after one to three digits), not `2025 390` nor `1,000 000`.
                    && spaces.map_or(i - start <= 3, |first| first == gap)
                {
                    spaces = Some(gap);
                    i += 4;
                } else {
                    break;
                }
            }
            Kind::Number
        } else if c.is_alphabetic() {
            i += 1;
            while i < chars.len() {
                let c = chars[i].1;
                let inner_apostrophe = matches!(c, '\'' | '’')
                    && chars.get(i + 1).is_some_and(|&(_, n)| n.is_alphabetic());
                if c.is_alphabetic() || inner_apostrophe {
                    i += 1;
                } else {
                    break;
                }
            }
            Kind::Word
        } else {
            i += 1;
            Kind::Mark
        };
        out.push(Token {
            kind,
            text: &s[chars[start].0..end_of(i)],
            start: chars[start].0,
            end: end_of(i),
            spaced,
        });
        spaced = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines wrapped at a fixed width are one paragraph while each break falls where the next
    /// word would not have fitted; lines that each end a short paragraph, a headline over
    /// its byline, and lines wider than any wrapping stay lines of their own.
    #[test]
    fn lines_wrapped_at_a_width_are_one_paragraph() {
        let texts = |doc| -> Vec<(usize, String)> {
            paragraphs(doc)
                .into_iter()
                .map(|(n, p)| (n, p.replace("\r\n", "|").replace('\n', "|")))
                .collect()
        };
        let wrapped = "The two sides exchanged 146\r\nprisoners each on Sunday, the\r\nUAE said.\r\n\r\nNext.";
        assert_eq!(
            texts(wrapped),
            [
                (
                    1,
                    "The two sides exchanged 146|prisoners each on Sunday, the|UAE said.".into()
                ),
                (5, "Next.".into())
            ]
        );
        let short = "Ukraine said 300 were freed.\nHe added that 20 were hurt in it.\n";
        assert_eq!(
            texts(short),
            [
                (1, "Ukraine said 300 were freed.".into()),
                (2, "He added that 20 were hurt in it.".into())
            ]
        );
        let headline = "Swap agreed\nby A Writer May 16, 2025 4:34 PM\n";
        assert_eq!(texts(headline).len(), 2);
        let long = format!("{}\n{}\n", "word ".repeat(30).trim_end(), "end of it.");
        assert_eq!(texts(&long).len(), 2, "wider than any wrapping");
        // Paragraphs wrapped with no blank line between them part where a line ends short.
        let two = "The two sides exchanged 146\nprisoners, UAE said.\nHe said that 40 were still\nmissing after it.\n";
        assert_eq!(
            texts(two),
            [
                (1, "The two sides exchanged 146|prisoners, UAE said.".into()),
                (3, "He said that 40 were still|missing after it.".into())
            ]
        );
    }

    #[test]
    fn sentences_end_where_a_reader_would_end_them() {
        let doc = "Headline without a stop\n\
                   The U.S. envoy met Gen. Smith on Feb. 3 in Kyiv today. \"We agreed. It holds,\" he said. Then 5 left.\n";
        let s: Vec<&str> = sentences(doc).iter().map(|s| s.text).collect();
        assert_eq!(
            s,
            [
                "The U.S. envoy met Gen. Smith on Feb. 3 in Kyiv today.",
                "\"We agreed. It holds,\" he said.",
                "Then 5 left."
            ]
        );
    }

    #[test]
    fn numbers_keep_their_commas_and_points() {
        let t = tokens("At least 8,000 and 1.2 million, 2025-05 Ukraine's");
        let texts: Vec<(&str, Kind)> = t.iter().map(|t| (t.text, t.kind)).collect();
        assert_eq!(
            texts,
            [
                ("At", Kind::Word),
                ("least", Kind::Word),
                ("8,000", Kind::Number),
                ("and", Kind::Word),
                ("1.2", Kind::Number),
                ("million", Kind::Word),
                (",", Kind::Mark),
                ("2025", Kind::Number),
                ("-", Kind::Mark),
                ("05", Kind::Number),
                ("Ukraine's", Kind::Word),
            ]
        );
    }

    /// Thousands split by one kind of space (after a first group of one to three digits)
    /// make one number, as commas do; a year or a day before a number does not join it.
    #[test]
    fn numbers_split_into_thousands_by_spaces_are_one_number() {
        let numbers = |s: &str| -> Vec<String> {
            tokens(s)
                .iter()
                .filter(|t| t.kind == Kind::Number)
                .map(|t| t.text.to_owned())
                .collect()
        };
        assert_eq!(
            numbers("held 10 000 and 1 200 000 people"),
            ["10 000", "1 200 000"]
        );
        assert_eq!(
            numbers("about 8\u{a0}000, 1\u{202f}200.5"),
            ["8\u{a0}000", "1\u{202f}200.5"]
        );
        assert_eq!(
            numbers("in 2025 390 people; 5 May 2025"),
            ["2025", "390", "5", "2025"]
        );
        assert_eq!(
            numbers("1 000\u{a0}000 and 1,000 000 and 12 0000 and 1.5 000 and 2 000,500"),
            [
                "1 000", "000", "1,000", "000", "12", "0000", "1.5", "000", "2 000", "500"
            ]
        );
    }
}
