//! Figures in a sentence: the number, the words that hedge it, and what it counts.

use crate::text::{Kind, Token, tokens};

/// A figure found in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The figure in the value grammar (`at least 8,000`, `270-300`, `1,000+`).
    pub value: String,
    /// The unit: `people` for nouns that count people, else the noun as written, else `count`.
    pub unit: String,
    /// The noun phrase as written, when the unit stands for it (`Ukrainian soldiers`).
    pub scope: Option<String>,
    /// Where the figure's words are in the sentence (bytes).
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// Written as a vague plural (`dozens`, `thousands`): a range by convention.
    pub vague: bool,
    /// A range whose low end was written without the thousands the high end has (`5-6,000`),
    /// drafted as a reader takes it (`5,000-6,000`).
    pub low_end_scaled: bool,
    /// A range with a qualifier before it, which the value grammar has no form for: `at
    /// least 5-6,000` drafted as `at least 5,000`, `up to 270-300` as `up to 300`, `about
    /// 270-300` as `270-300`.
    pub range_hedged: bool,
}

/// A month's name or abbreviation, capitalised as in a date (`May 6`, `Feb. 23`, `23 May`).
fn is_month(t: &Token<'_>) -> bool {
    t.capital() && reckon_claim::date::month_named(t.text).is_some()
}

/// Nouns that count people: their figures are in `people`, with the noun kept as the scope.
const PEOPLE: &[&str] = &[
    "people",
    "persons",
    "individuals",
    "soldiers",
    "troops",
    "servicemen",
    "servicewomen",
    "members",
    "personnel",
    "pows",
    "prisoners",
    "captives",
    "detainees",
    "hostages",
    "civilians",
    "children",
    "men",
    "women",
    "residents",
    "refugees",
    "migrants",
    "fighters",
    "workers",
    "citizens",
    "inmates",
    "defenders",
    "officers",
    "journalists",
    "patients",
    "victims",
    "casualties",
    "adults",
    "minors",
    "teenagers",
    "voters",
    "employees",
    "volunteers",
    "veterans",
    "mercenaries",
    "marines",
    "guards",
    "students",
    "witnesses",
];

/// Plural nouns that do not end in `s`.
const IRREGULAR: &[&str] = &[
    "people",
    "personnel",
    "children",
    "men",
    "women",
    "police",
    "staff",
    "cattle",
    "livestock",
    "sheep",
    "data",
];

/// Words ending in `s` that are not plural nouns, and words that end a noun phrase.
const NOT_NOUNS: &[&str] = &[
    "was",
    "is",
    "has",
    "this",
    "its",
    "his",
    "hers",
    "as",
    "us",
    "across",
    "towards",
    "less",
    "plus",
    "thus",
    "perhaps",
    "always",
    "news",
    "various",
    "previous",
    "serious",
    "numerous",
    "yes",
    "whereas",
    "besides",
    "afterwards",
    "does",
    "goes",
    "says",
    "was",
    "wants",
    "needs",
    "gets",
    "makes",
    "takes",
    "remains",
    "includes",
    "comes",
    "becomes",
    "seems",
    "means",
    "lies",
    "dies",
];

/// Words that cannot be inside a unit's noun phrase.
const STOPS: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "from",
    "in",
    "on",
    "at",
    "to",
    "with",
    "by",
    "for",
    "were",
    "was",
    "is",
    "are",
    "be",
    "been",
    "have",
    "has",
    "had",
    "who",
    "that",
    "which",
    "each",
    "per",
    "than",
    "this",
    "these",
    "those",
    "it",
    "they",
    "their",
    "its",
    "will",
    "would",
    "could",
    "since",
    "during",
    "after",
    "before",
    "into",
    "over",
    "under",
    "if",
    "when",
    "while",
    "as",
    "more",
    "less",
    "including",
    "among",
    "between",
];

/// Words that make the number after them a label, not a figure (`article 438`).
const REFERENCES: &[&str] = &[
    "article",
    "section",
    "chapter",
    "page",
    "paragraph",
    "resolution",
    "flight",
    "route",
    "number",
    "no",
    "room",
    "highway",
    "item",
    "clause",
    "part",
    "phase",
    "round",
    "stage",
    "level",
    "grade",
    "size",
    "version",
    "episode",
    "season",
    "volume",
    "issue",
    "case",
];

/// Words that make a number a reference rather than a figure (`the two countries`).
const DETERMINERS: &[&str] = &[
    "the", "both", "these", "those", "its", "their", "his", "her",
];

const SMALL: &[(&str, u64)] = &[
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];

const TENS: &[(&str, u64)] = &[
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

const SCALES: &[(&str, u64)] = &[
    ("hundred", 100),
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
];

/// Vague plurals, read as the ranges they conventionally name (at least two of the unit,
/// fewer than the next).
const VAGUE: &[(&str, u64, u64)] = &[
    ("dozens", 24, 99),
    ("hundreds", 200, 999),
    ("thousands", 2_000, 9_999),
    ("millions", 2_000_000, 9_999_999),
];

fn lookup(table: &[(&str, u64)], w: &str) -> Option<u64> {
    table.iter().find(|(k, _)| *k == w).map(|&(_, v)| v)
}

/// A number with thousands separators, as people write it.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number written in words from token `i`: its value, and the token after it.
fn number_in_words(t: &[Token<'_>], i: usize) -> Option<(u64, usize)> {
    let w = |k: usize| t.get(k).filter(|t| t.kind == Kind::Word).map(Token::lower);
    let first = w(i)?;
    let (mut n, mut k) = if let Some(v) = lookup(SMALL, &first) {
        (v, i + 1)
    } else if let Some(v) = lookup(TENS, &first) {
        // twenty-five
        match (t.get(i + 1), w(i + 2).and_then(|u| lookup(SMALL, &u))) {
            (Some(dash), Some(u)) if dash.is("-") && u < 10 && !dash.spaced => (v + u, i + 3),
            _ => (v, i + 1),
        }
    } else if (first == "a" || first == "one")
        && w(i + 1).is_some_and(|s| lookup(SCALES, &s).is_some())
    {
        (1, i + 1)
    } else if first == "a" && w(i + 1).as_deref() == Some("dozen") {
        return Some((12, i + 2));
    } else {
        return None;
    };
    while let Some(scale) = w(k).and_then(|s| lookup(SCALES, &s)) {
        n = n.checked_mul(scale)?;
        k += 1;
    }
    Some((n, k))
}

fn is_plural(word: &str) -> bool {
    let w = word.to_lowercase();
    if IRREGULAR.contains(&w.as_str()) || PEOPLE.contains(&w.as_str()) {
        return true;
    }
    if NOT_NOUNS.contains(&w.as_str()) || STOPS.contains(&w.as_str()) {
        return false;
    }
    w.chars().count() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !w.ends_with("'s")
        && !w.ends_with("’s")
}

/// The noun phrase a figure counts, from token `i`: up to three words ending in a plural.
fn unit_at(t: &[Token<'_>], mut i: usize) -> Option<(String, usize)> {
    // `1,000 of the prisoners`, `thousands of people`
    if t.get(i).is_some_and(|t| t.word("of")) {
        i += 1;
        if t.get(i).is_some_and(|t| {
            ["the", "its", "their", "his", "her", "our", "these", "those"]
                .iter()
                .any(|w| t.word(w))
        }) {
            i += 1;
        }
    }
    let from = i;
    for k in i..(i + 3).min(t.len()) {
        let tok = t[k];
        if tok.kind != Kind::Word || (k > from && !tok.spaced) {
            return None;
        }
        if is_plural(tok.text) {
            let words: Vec<&str> = t[from..=k].iter().map(|t| t.text).collect();
            return Some((words.join(" "), k + 1));
        }
        if STOPS.contains(&tok.lower().as_str()) || NOT_NOUNS.contains(&tok.lower().as_str()) {
            return None;
        }
    }
    None
}

/// The qualifier written just before token `i` (`at least`), and the token it starts at.
fn qualifier_before(t: &[Token<'_>], i: usize) -> Option<(String, usize)> {
    if i > 0 && (t[i - 1].is("~") || t[i - 1].is("≈")) {
        return Some(("~".into(), i - 1));
    }
    let mut best: Option<(String, usize)> = None;
    for n in 1..=4.min(i) {
        let words = &t[i - n..i];
        if words.iter().any(|w| w.kind != Kind::Word) {
            break;
        }
        let phrase = words.iter().map(Token::lower).collect::<Vec<_>>().join(" ");
        if reckon_claim::value::qualifier_words().any(|q| q == phrase) {
            best = Some((phrase, i - n));
        }
    }
    best
}

/// Every figure a person would record from a sentence, in order. Dates, times, years, ordinals
/// and numbers inside names (`G7`, `COVID-19`) are not figures; `1,000-for-1,000` is one figure;
/// `270 military and 120 civilians` are two.
pub fn figures(sentence: &str) -> Vec<Found> {
    let t = tokens(sentence);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match figure_at(sentence, &t, i) {
            Some((found, next)) => {
                out.push(found);
                i = next;
            }
            None => i += 1,
        }
    }
    out.retain(|f| reckon_claim::Value::parse(&f.value).is_ok());
    out
}

/// The amount at token `i` (digits, with a scale word, or words): its text for the value
/// grammar, its value when whole, and the token after it.
fn amount_at(t: &[Token<'_>], i: usize) -> Option<(String, Option<u64>, usize)> {
    let tok = t.get(i)?;
    match tok.kind {
        Kind::Number => {
            // Thousands split by spaces are split by commas in the value grammar.
            let mut text = tok.text.replace(crate::text::GROUP_SPACES, ",");
            let mut k = i + 1;
            if let Some(scale) = t.get(k).filter(|s| s.kind == Kind::Word && s.spaced) {
                if lookup(SCALES, &scale.lower()).is_some() && scale.lower() != "hundred" {
                    text = format!("{text} {}", scale.lower());
                    k += 1;
                }
            } else if let Some(suffix) = t.get(k).filter(|s| s.kind == Kind::Word && !s.spaced)
                && ["k", "m", "mn", "bn"].contains(&suffix.lower().as_str())
            {
                text.push_str(&suffix.lower());
                k += 1;
            }
            let digits = tok
                .text
                .replace(crate::text::GROUP_SPACES, "")
                .replace(',', "");
            let whole = digits.parse::<u64>().ok();
            Some((text, whole, k))
        }
        Kind::Word => {
            let (n, k) = number_in_words(t, i)?;
            Some((grouped(n), Some(n), k))
        }
        Kind::Mark => None,
    }
}

/// Hedges written after a figure, in the value grammar as they are written.
const HEDGES_AFTER: [&str; 10] = [
    "or more",
    "or higher",
    "or above",
    "or fewer",
    "or less",
    "or lower",
    "or below",
    "or under",
    "or so",
    "or over",
];

/// The hedge written at token `k`, after a figure, as the value grammar writes it (` or
/// more`, and `+` for `plus` and `-plus`), with the token after it. Only `or` phrases: `390
/// and more are expected` goes on to a new clause. `plus` before a number adds it.
fn hedge_after(t: &[Token<'_>], k: usize) -> Option<(String, usize)> {
    let word = |j: usize| t.get(j).filter(|w| w.kind == Kind::Word).map(Token::lower);
    let plus = |j: usize| {
        word(j).as_deref() == Some("plus") && t.get(j + 1).is_none_or(|n| n.kind != Kind::Number)
    };
    if t.get(k).is_some_and(|d| d.is("-") && !d.spaced)
        && plus(k + 1)
        && t.get(k + 1).is_some_and(|p| !p.spaced)
    {
        return Some(("+".to_owned(), k + 2));
    }
    if plus(k) {
        return Some(("+".to_owned(), k + 1));
    }
    let phrase = format!("{} {}", word(k)?, word(k + 1)?);
    HEDGES_AFTER
        .contains(&phrase.as_str())
        .then(|| (format!(" {phrase}"), k + 2))
}

fn figure_at(sentence: &str, t: &[Token<'_>], i: usize) -> Option<(Found, usize)> {
    let tok = t[i];
    let prev = |n: usize| i.checked_sub(n).and_then(|k| t.get(k));
    let lower = tok.lower();
    // Vague plurals: `dozens of`, `thousands of`.
    if let Some(&(_, lo, hi)) = VAGUE.iter().find(|(w, _, _)| *w == lower) {
        let (phrase, next) = unit_at(t, i + 1)?;
        if !t.get(i + 1).is_some_and(|t| t.word("of")) {
            return None;
        }
        let (unit, scope) = unit_of(&phrase);
        return Some((
            Found {
                value: format!("{}..{}", grouped(lo), grouped(hi)),
                unit,
                scope,
                start: tok.start,
                end: tok.end,
                vague: true,
                low_end_scaled: false,
                range_hedged: false,
            },
            next,
        ));
    }
    if tok.kind == Kind::Word
        && lower == "one"
        && t.get(i + 1)
            .is_none_or(|n| lookup(SCALES, &n.lower()).is_none())
    {
        return None;
    }
    let (text, whole, mut k) = amount_at(t, i)?;
    // Part of a name, a date or a time.
    if tok.kind == Kind::Number {
        if let Some(p) = prev(1) {
            let attached = !tok.spaced;
            if attached && p.kind == Kind::Word {
                return None;
            }
            if attached && (p.is("-") || p.is("/") || p.is(":") || p.is(".")) {
                return None;
            }
            if p.kind == Kind::Word && (is_month(p) || REFERENCES.contains(&p.lower().as_str())) {
                return None;
            }
            if p.is(".") && prev(2).is_some_and(is_month) {
                return None;
            }
        }
        if let Some(n) = t.get(k) {
            let joined = !n.spaced && (n.is(":") || n.is("/") || n.kind == Kind::Word);
            if joined {
                return None;
            }
            let w = n.lower();
            if n.kind == Kind::Word
                && (is_month(n) || ["am", "pm", "min", "a.m", "p.m"].contains(&w.as_str()))
            {
                return None;
            }
        }
    } else if prev(1).is_some_and(|p| DETERMINERS.contains(&p.lower().as_str()))
        || (tok.capital() && i > 0)
    {
        // `the two countries` refers; `Bucharest Nine` names.
        return None;
    }
    let start_token = i;
    let mut value = text.clone();
    let mut low_end_scaled = false;
    let (mut ranged, mut range_hedged) = (false, false);
    // `1,000-for-1,000`, `1,000 for 1,000`: one figure.
    if t.get(k).is_some_and(|d| d.is("-"))
        && t.get(k + 1).is_some_and(|f| f.word("for"))
        && t.get(k + 2).is_some_and(|d| d.is("-"))
    {
        if let Some((_, again, after)) = amount_at(t, k + 3)
            && again == whole
        {
            k = after;
        }
    } else if t.get(k).is_some_and(|f| f.word("for"))
        && let Some((_, again, after)) = amount_at(t, k + 1)
        && again == whole
        && whole.is_some()
    {
        k = after;
    }
    // Ranges: `270-300`, `270 to 300`, `between 270 and 300`.
    let between = prev(1).is_some_and(|p| p.word("between"));
    if between && t.get(k).is_some_and(|a| a.word("and")) {
        if let Some((hi, _, after)) = amount_at(t, k + 1) {
            value = format!("between {text} and {hi}");
            k = after;
        }
    } else if t
        .get(k)
        .is_some_and(|d| d.is("-") || d.is("–") || d.word("to"))
        && let Some((hi, Some(h), after)) = amount_at(t, k + 1)
        && whole
            .map(|l| l as f64)
            .or_else(|| text.replace(',', "").parse::<f64>().ok())
            .is_some_and(|l| l < h as f64)
    {
        let low = shared_thousands(&text, &hi);
        low_end_scaled = low.is_some();
        value = format!("{}-{hi}", low.as_deref().unwrap_or(&text));
        ranged = true;
        k = after;
    }
    let mut unit = None;
    if t.get(k)
        .is_some_and(|p| p.is("%") && !p.spaced || p.word("percent"))
    {
        unit = Some(("percent".to_owned(), None));
        k += 1;
    } else if t.get(k).is_some_and(|p| p.word("per"))
        && t.get(k + 1).is_some_and(|c| c.word("cent"))
    {
        unit = Some(("percent".to_owned(), None));
        k += 2;
    } else if t.get(k).is_some_and(|p| p.is("+") && !p.spaced) {
        value = format!("{text}+");
        k += 1;
    }
    let mut first = start_token;
    // `at least $2.5 million`: the qualifier comes before the currency's sign.
    let signed = prev(1).is_some_and(|p| CURRENCIES.iter().any(|(sign, _)| p.is(sign)));
    if between {
        first = i - 1;
    } else if let Some((q, at)) = qualifier_before(t, start_token - usize::from(signed)) {
        // `people under 25`, `children over 5`: a bound on what is counted, not a count.
        if at > 0 && t[at - 1].kind == Kind::Word && is_plural(t[at - 1].text) {
            return None;
        }
        value = match ranged {
            false => format!("{q} {value}"),
            true => {
                range_hedged = true;
                hedged_range(&q, &value)
            }
        };
        first = at;
    }
    // The hedge after a figure that has none before it and is no range (`1,000 or more`,
    // `10,000-plus`, `500 or so`).
    if value == text
        && let Some((hedge, after)) = hedge_after(t, k)
    {
        value.push_str(&hedge);
        k = after;
    }
    let currency = prev(1).and_then(|p| {
        CURRENCIES
            .iter()
            .find(|(sign, _)| p.is(sign))
            .map(|(_, unit)| *unit)
    });
    let (unit, scope, next) = match (unit, currency) {
        (Some((u, s)), _) => (u, s, k),
        (None, Some(c)) => (c.to_owned(), None, k),
        (None, None) => match unit_at(t, k) {
            Some((phrase, next)) => {
                let (u, s) = unit_of(&phrase);
                (u, s, next)
            }
            None => ("count".to_owned(), None, k),
        },
    };
    // Four digits without a comma are a year (counts of thousands are written `2,000`).
    if tok.kind == Kind::Number
        && tok.text.len() == 4
        && whole.is_some_and(|y| (1800..=2100).contains(&y))
    {
        return None;
    }
    let end = t.get(k.saturating_sub(1)).map_or(sentence.len(), |e| e.end);
    Some((
        Found {
            value,
            unit,
            scope,
            start: t[first].start,
            end,
            vague: false,
            low_end_scaled,
            range_hedged,
        },
        next.max(i + 1),
    ))
}

/// Whether a plural names people by where they are from (`Ukrainians`, `Russians`,
/// `Americans`): a capitalised word ending in `ans`.
fn demonym(word: &str) -> bool {
    word.starts_with(char::is_uppercase) && word.len() > 4 && word.ends_with("ans")
}

/// The low end of a range as a reader takes it when it is written without the thousands of
/// the high end and is smaller than the high end's first group: `5-6,000` is 5,000-6,000,
/// `10-15,000` 10,000-15,000, `1-1.5 million` stays as it is (the value grammar gives the
/// scale word to both ends), and so do `270-300` and `500-6,000`.
fn shared_thousands(low: &str, high: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut groups = high.split(',');
    let lead = groups.next()?;
    let thousands = u32::try_from(groups.clone().count()).ok()?;
    if thousands == 0 || !digits(low) || !digits(lead) || !groups.all(digits) {
        return None;
    }
    let (low, lead) = (low.parse::<u64>().ok()?, lead.parse::<u64>().ok()?);
    (1..lead)
        .contains(&low)
        .then(|| low.checked_mul(1000u64.checked_pow(thousands)?))
        .flatten()
        .map(grouped)
}

/// What a range with a qualifier before it (`at least 5-6,000`) is drafted as, since the value
/// grammar has no such form: the bound the qualifier sets, at the end it sets it at (`at
/// least 5,000`, `more than 5,000`, `up to 6,000`), or for a qualifier that only says the
/// figure is not exact (`about`, `some`), the range alone, which already says so.
fn hedged_range(qualifier: &str, range: &str) -> String {
    use reckon_claim::Value;
    let Ok(Value::Range(lo, hi)) = Value::parse(range) else {
        return format!("{qualifier} {range}");
    };
    let written = |n: reckon_claim::Num| {
        let plain = n.to_string();
        plain.parse::<u64>().map_or(plain, grouped)
    };
    let low = format!("{qualifier} {}", written(lo));
    if matches!(
        Value::parse(&low),
        Ok(Value::AtLeast(_) | Value::MoreThan(_))
    ) {
        return low;
    }
    let high = format!("{qualifier} {}", written(hi));
    if matches!(
        Value::parse(&high),
        Ok(Value::AtMost(_) | Value::LessThan(_))
    ) {
        return high;
    }
    range.to_owned()
}

/// The signs of currencies written before an amount, with the unit they give it.
const CURRENCIES: [(&str, &str); 3] = [("$", "US dollars"), ("€", "euros"), ("£", "pounds")];

/// The unit and scope of a noun phrase.
fn unit_of(phrase: &str) -> (String, Option<String>) {
    let written = phrase.rsplit(' ').next().unwrap_or(phrase);
    let last = written.to_lowercase();
    if PEOPLE.contains(&last.as_str()) || demonym(written) {
        ("people".into(), Some(phrase.to_owned()))
    } else {
        // Capitalised adjectives (`Ukrainian drones`) stay in the scope, out of the unit.
        let noun: Vec<&str> = phrase
            .split(' ')
            .skip_while(|w| w.starts_with(char::is_uppercase) && phrase.split(' ').count() > 1)
            .collect();
        let unit = if noun.is_empty() {
            phrase.to_owned()
        } else {
            noun.join(" ")
        };
        let scope = (unit != phrase).then(|| phrase.to_owned());
        (unit, scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &str) -> Vec<(String, String)> {
        figures(s).into_iter().map(|f| (f.value, f.unit)).collect()
    }

    fn one(s: &str) -> (String, String) {
        let v = values(s);
        assert_eq!(v.len(), 1, "{s}: {v:?}");
        v[0].clone()
    }

    fn pair(value: &str, unit: &str) -> (String, String) {
        (value.to_owned(), unit.to_owned())
    }

    #[test]
    fn hedges_numbers_and_units_as_written() {
        let cases = [
            (
                "At least 8,000 Ukrainian service members are held captive.",
                ("at least 8,000", "people"),
            ),
            (
                "Approximately 10,000 people were held captive by Russia.",
                ("approximately 10,000", "people"),
            ),
            (
                "The total could be as many as 1,000, he added.",
                ("as many as 1,000", "count"),
            ),
            (
                "Officials said around 270 prisoners had been executed.",
                ("around 270", "people"),
            ),
            (
                "It involved some 200 soldiers from the eastern front.",
                ("some 200", "people"),
            ),
            (
                "Police said more than 500 protesters were detained on Sunday.",
                ("more than 500", "protesters"),
            ),
            (
                "The army lost fewer than 50 tanks in the offensive, he said.",
                ("fewer than 50", "tanks"),
            ),
            (
                "Nearly 1,000 homes were destroyed by the floods this spring.",
                ("nearly 1,000", "homes"),
            ),
            (
                "The city received 1,000+ refugees over the weekend, officials said.",
                ("1,000+", "people"),
            ),
            (
                "Between 270 and 300 bodies were returned to Ukraine on Friday.",
                ("between 270 and 300", "bodies"),
            ),
            (
                "Estimates put the toll at 270-300 civilians in the region.",
                ("270-300", "people"),
            ),
            (
                "The fund will distribute 1.2 million doses this year.",
                ("1.2 million", "doses"),
            ),
            (
                "The ministry counted 10k drones launched in the month.",
                ("10k", "drones"),
            ),
            (
                "Two hundred volunteers joined the search on Monday, the mayor said.",
                ("200", "people"),
            ),
            (
                "The court heard that twenty-five witnesses had testified.",
                ("25", "people"),
            ),
            (
                "A dozen journalists were accredited to the talks in Istanbul.",
                ("12", "people"),
            ),
            (
                "Turnout was 62% in the capital, the commission said on Monday.",
                ("62", "percent"),
            ),
            (
                "Support fell to 40 percent among young voters, the poll found.",
                ("40", "percent"),
            ),
            (
                "The repairs cost $3.5 million according to the city budget.",
                ("3.5 million", "US dollars"),
            ),
            (
                "Dozens of civilians were evacuated from the area overnight.",
                ("24..99", "people"),
            ),
            (
                "Thousands of prisoners remain detained in both countries.",
                ("2,000..9,999", "people"),
            ),
            (
                "The parties agreed on a 1,000-for-1,000 exchange in Istanbul.",
                ("1,000", "count"),
            ),
            (
                "This ‘1,000 for 1,000’ agreement concluded on Friday with a handover.",
                ("1,000", "count"),
            ),
            (
                "Ukraine secured the return of 205 soldiers in a one-for-one exchange.",
                ("205", "people"),
            ),
            (
                "Some 1,500 military personnel took part in the drill, the ministry said.",
                ("some 1,500", "people"),
            ),
            (
                "Just over 300 ballots were spoiled in the count, officials said.",
                ("just over 300", "ballots"),
            ),
            (
                "Close to 90 ships passed through the strait in the week.",
                ("close to 90", "ships"),
            ),
            (
                "Up to 1,000 people could be involved in the exchange, he said.",
                ("up to 1,000", "people"),
            ),
            (
                "No fewer than 12 bridges were damaged by the storm overnight.",
                ("no fewer than 12", "bridges"),
            ),
            (
                "An estimated 3,000 families have fled the town since March.",
                ("an estimated 3,000", "families"),
            ),
            (
                "The ministry said 146 Russian servicemen had been returned.",
                ("146", "people"),
            ),
            (
                "More than 5,000 Ukrainians have been freed since 2022.",
                ("more than 5,000", "people"),
            ),
            (
                "The city welcomed 200 Americans on the first flight home.",
                ("200", "people"),
            ),
            (
                "It said it would need at least $2.5 million to finish the work.",
                ("at least 2.5 million", "US dollars"),
            ),
            (
                "Russia got back the bodies of 27 of its troops on Wednesday.",
                ("27", "people"),
            ),
            (
                "Between 5-6,000 prisoners are still held, the ombudsman said.",
                ("5,000-6,000", "people"),
            ),
            (
                "In all, 10-15,000 people fled the town over the weekend.",
                ("10,000-15,000", "people"),
            ),
            (
                "Some 10-15,000 people fled the town over the weekend.",
                ("10,000-15,000", "people"),
            ),
            (
                "About 270-300 bodies were returned on Friday.",
                ("270-300", "bodies"),
            ),
            (
                "At least 5 to 6 thousand prisoners remain held.",
                ("at least 5,000", "people"),
            ),
            (
                "More than 1.5-2 million people have fled.",
                ("more than 1,500,000", "people"),
            ),
            (
                "Officials said 1.5-2 million people have fled.",
                ("1.5-2 million", "people"),
            ),
            (
                "Up to 270-300 bodies may be returned.",
                ("up to 300", "bodies"),
            ),
            (
                "Officials counted 500-6,000 displaced in the wider area.",
                ("500-6,000", "count"),
            ),
        ];
        for (s, (v, u)) in cases {
            assert_eq!(one(s), pair(v, u), "{s}");
        }
    }

    /// The low end takes the high end's thousands only when it is smaller than the high end's
    /// first group, and only a whole number written without groups of its own does.
    #[test]
    fn a_range_low_end_takes_the_thousands_it_lacks() {
        let cases = [
            (("5", "6,000"), Some("5,000")),
            (("10", "15,000"), Some("10,000")),
            (("5", "6,000,000"), Some("5,000,000")),
            (("6", "6,000"), None),
            (("7", "6,000"), None),
            (("0", "6,000"), None),
            (("500", "6,000"), None),
            (("1.5", "2,000"), None),
            (("5", "6.5"), None),
            (("5", "600"), None),
        ];
        for ((low, high), expected) in cases {
            assert_eq!(
                shared_thousands(low, high).as_deref(),
                expected,
                "{low}-{high}"
            );
        }
    }

    #[test]
    fn two_figures_in_one_sentence_are_two_claims() {
        assert_eq!(
            values("Russia reported that it received 270 military personnel and 120 civilians."),
            [pair("270", "people"), pair("120", "people")]
        );
        assert_eq!(
            values(
                "The first phase of this ‘1,000 for 1,000’ agreement concluded with the repatriation of 390 individuals."
            ),
            [pair("1,000", "count"), pair("390", "people")]
        );
        assert_eq!(
            values("Of the 300 detainees, 120 were civilians and 180 were soldiers, he said."),
            [
                pair("300", "people"),
                pair("120", "count"),
                pair("180", "count")
            ]
        );
        // A hedge after the figure is kept; `and more` goes on to a new clause.
        assert_eq!(
            values(
                "Officials said 1,000 or more prisoners were released, and 10,000-plus troops massed, with 500 or so wounded and 20 or fewer missing."
            ),
            [
                pair("1,000 or more", "people"),
                pair("10,000+", "people"),
                pair("500 or so", "count"),
                pair("20 or fewer", "count")
            ]
        );
        assert_eq!(
            values("About 390 and more are expected, 5 plus 6 in all, at least 80 or more."),
            [
                pair("about 390", "count"),
                pair("5", "count"),
                pair("6", "count"),
                pair("at least 80", "count")
            ]
        );
        // Every hedge read after a figure is in the value grammar.
        for hedge in HEDGES_AFTER {
            let v = format!("1,000 {hedge}");
            assert!(reckon_claim::Value::parse(&v).is_ok(), "{v}");
        }
        // Thousands split by spaces, as many languages write them, are one figure each.
        assert_eq!(
            values(
                "Officials said 10 000 prisoners were held, and about 1\u{a0}200 were released."
            ),
            [pair("10,000", "people"), pair("about 1,200", "count")]
        );
        assert_eq!(
            values("In 2025 390 people came home, then up to 2\u{202f}500\u{202f}000 more."),
            [pair("390", "people"), pair("up to 2,500,000", "count")]
        );
    }

    #[test]
    fn dates_times_years_ordinals_and_names_are_not_figures() {
        for s in [
            "The talks took place on May 16, 2025 in Istanbul, officials said.",
            "The exchange was held on 23 May in the Belarus border area.",
            "He spoke at 2:50 PM on Friday to reporters in the capital.",
            "It was the largest swap since the invasion began in February 2022.",
            "The 2nd round of talks ended in less than two hours.",
            "The G7 and the B9 summit both discussed COVID-19 measures.",
            "Ukraine's mid-2024 offensive into Kursk surprised many observers.",
            "The prisoner swap was one of the few areas of cooperation.",
            "The two countries have exchanged prisoners since the invasion began.",
            "Read the 3 min read report from Feb. 23 about the summit.",
            "Officials referred to the 2022 talks in Istanbul as the basis.",
            "Trials were held under article 438 of the criminal code, it said.",
            "Leaders met at the Bucharest Nine summit on Monday in Romania.",
            "The exchange would apply to people under 25, he said on Monday.",
            "The ban covers children over 5 in the state schools, it said.",
        ] {
            let v = values(s);
            let kept: Vec<&(String, String)> = v.iter().filter(|(_, u)| u != "hours").collect();
            assert!(kept.is_empty(), "{s}: {v:?}");
        }
    }

    #[test]
    fn every_figure_written_is_found_and_in_the_value_grammar() {
        // `figures` drops a value the grammar refuses: each one expected here must survive.
        let found: Vec<String> = figures(
            "About 10,000 people, at least 8,000 of them soldiers, and up to 2.5 million others.",
        )
        .into_iter()
        .chain(figures(
            "Nearly 1,000, just under 900, over 500 and some 20 were counted.",
        ))
        .map(|f| f.value)
        .collect();
        assert_eq!(
            found,
            [
                "about 10,000",
                "at least 8,000",
                "up to 2.5 million",
                "nearly 1,000",
                "just under 900",
                "over 500",
                "some 20"
            ]
        );
        for v in &found {
            assert!(reckon_claim::Value::parse(v).is_ok(), "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panicking(s in "\\PC{0,200}") {
            for f in figures(&s) {
                proptest::prop_assert!(f.start <= f.end && f.end <= s.len());
            }
        }
    }
}
