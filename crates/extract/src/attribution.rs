//! Who says so: the speaker, their role and what they cite, read from the attribution of a
//! sentence (`…, Umerov said`, `according to the Coordination Headquarters`, `X told
//! reporters`), and the day the sentence says it was said (`said on May 1`).

use crate::text::{Kind, Token, tokens};

/// What a sentence says about who said it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attribution {
    /// Who said it: a person's name, or an institution's.
    pub speaker: Option<String>,
    /// In what capacity (`Defense Minister`, `head of the Russian delegation`).
    pub role: Option<String>,
    /// What the speaker relied on (`citing data from …`).
    pub cites: Option<String>,
    /// The month and day the sentence gives for the saying (`said on May 1`).
    pub said_on: Option<(u8, Option<u8>)>,
    /// The speaker is a pronoun or a description (`he`, `the agency`) for someone named
    /// before: the caller, who has read the sentences before, says whom.
    pub anaphor: Option<Anaphor>,
}

/// Whom a pronoun or a description in the speaker's place points back to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anaphor {
    /// `he`, `she`: a person named before.
    Person,
    /// `it`: an institution or a country named before.
    Body,
    /// `they`, `we`, `I`: whoever spoke last.
    Anyone,
    /// `the agency`, `the regional governor`: the words after `the`, which must fit someone
    /// named before (see [`fits`]).
    Described(String),
}

impl Anaphor {
    /// Whether a speaker named before, with the role given then, can be the one meant.
    pub fn fits(&self, speaker: &str, role: Option<&str>) -> bool {
        match self {
            Anaphor::Person => is_person(speaker),
            Anaphor::Body => !is_person(speaker),
            Anaphor::Anyone => true,
            Anaphor::Described(words) => fits(words, speaker, role),
        }
    }

    /// Whether someone described before but not named (`officials said`, `the agency
    /// announced` with no agency named) can be the one meant: `they` fits a plural
    /// description, `it` a singular one, a description one with its noun, `he` and `she`
    /// none (whoever it is, the words before did not name them).
    pub fn fits_unnamed(&self, described: &str) -> bool {
        let plural = described
            .split_whitespace()
            .last()
            .is_some_and(|w| w.ends_with('s') && !w.ends_with("ss"));
        match self {
            Anaphor::Person => false,
            Anaphor::Body => !plural,
            Anaphor::Anyone => plural,
            Anaphor::Described(words) => fits(words, described, None),
        }
    }
}

/// Whether a description (`regional governor`) fits a speaker named before: its last word,
/// the noun it is about, is a word of the speaker's name or role (`the ministry` fits the
/// Interior Ministry; `the governor` fits a speaker whose role was Governor of Kharkiv).
pub fn fits(description: &str, speaker: &str, role: Option<&str>) -> bool {
    let bare =
        |w: &str| without_possessive(w.trim_matches(|c: char| !c.is_alphanumeric())).to_lowercase();
    let Some(noun) = description.split_whitespace().last().map(bare) else {
        return false;
    };
    speaker
        .split_whitespace()
        .chain(role.unwrap_or("").split_whitespace())
        .any(|w| bare(w) == noun)
}

/// Whether a speaker's name is a person's: two to four capitalised words, none of them a
/// title's or an institution's word (`Rustem Umerov`, not `Central Election Commission`,
/// `The World Health Organization` or `Russia`).
pub fn is_person(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            let bare = without_possessive(w);
            bare.starts_with(char::is_uppercase)
                && bare
                    .chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '.' | '\''))
                && !title_word(&bare.to_lowercase())
                && bare != "The"
        })
}

const VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "announced",
    "added",
    "confirmed",
    "reported",
    "stated",
    "noted",
    "wrote",
    "claimed",
    "estimated",
    "explained",
    "clarified",
    "declared",
    "accused",
    "argued",
    "insisted",
    "warned",
    "revealed",
    "acknowledged",
    "tweeted",
    "posted",
    "according",
];

/// Words in a speaker's phrase that are an institution's or qualify a title, never a
/// person's name; with [`POSTS`], the words of a title (see [`title_word`]).
const BODY_WORDS: &[&str] = &[
    "service",
    "ministry",
    "office",
    "defense",
    "defence",
    "intelligence",
    "security",
    "council",
    "army",
    "forces",
    "headquarters",
    "agency",
    "committee",
    "commission",
    "department",
    "bureau",
    "court",
    "government",
    "parliament",
    "police",
    "guard",
    "delegation",
    "foreign",
    "prime",
    "military",
    "national",
    "state",
    "federal",
    "coordination",
    "center",
    "centre",
    "staff",
    "operations",
    "affairs",
    "health",
    "interior",
    "justice",
    "united",
    "nations",
    "red",
    "cross",
    "joint",
    "presidential",
];

/// Words of a title that name a post, which a person holds: a title ends in one (`Defense
/// Minister`, `Prosecutor General`), where `United` in `United Arab Emirates` does not.
const POSTS: &[&str] = &[
    "minister",
    "president",
    "general",
    "chief",
    "head",
    "ombudsman",
    "prosecutor",
    "secretary",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "commander",
    "director",
    "deputy",
    "governor",
    "mayor",
    "senator",
    "ambassador",
    "envoy",
    "representative",
    "commissioner",
    "chairman",
    "chair",
    "speaker",
    "adviser",
    "advisor",
    "aide",
];

/// A word without the possessive ending (`Ukraine's`, `Ukraine’s`: `Ukraine`).
fn without_possessive(w: &str) -> &str {
    w.trim_end_matches("'s").trim_end_matches("’s")
}

/// Whether a word (in lower case) is a title's or an institution's, never a person's name.
fn title_word(w: &str) -> bool {
    POSTS.contains(&w) || BODY_WORDS.contains(&w)
}

/// Words between a speaker and the verb that are not part of the speaker.
const ADVERBS: &[&str] = &[
    "also", "then", "later", "again", "soon", "earlier", "further", "too", "still", "already",
    "once", "had", "has", "have", "was", "is",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i"];

/// Words as they are given: without the punctuation about them, and with any spacing between
/// them, a line break of a wrapped paragraph too, as one space.
fn tidy(s: &str) -> String {
    crate::text::one_spaced(
        s.trim()
            .trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '"' | '“' | '”')),
    )
}

/// The speaker phrase that ends at token `end` (exclusive): the run of capitalised words
/// before it, with the small words inside names (`Coordination Headquarters for the
/// Treatment of POWs`). Empty when the words before are not a name.
fn name_before(t: &[Token<'_>], end: usize) -> Option<(usize, usize)> {
    let mut k = end;
    let mut start = end;
    while k > 0 {
        let tok = t[k - 1];
        if tok.capital()
            || tok.is("(")
            || tok.is(")")
            || tok.kind == Kind::Word && tok.text.chars().all(char::is_uppercase)
        {
            start = k - 1;
            k -= 1;
        } else if tok.kind == Kind::Word
            && ["of", "for", "the", "and"].contains(&tok.lower().as_str())
            && k >= 2
            && t[k - 2].capital()
            && start < end
        {
            k -= 1;
        } else {
            break;
        }
    }
    // Words that open a sentence with a capital are not part of a name (`In Kyiv`, `On
    // Monday`), nor is a day or a month alone.
    while start < end && {
        let w = t[start].lower();
        LEADING.contains(&w.as_str())
            || DAYS.contains(&w.as_str())
            || reckon_claim::date::month_named(t[start].text).is_some()
    } {
        start += 1;
    }
    (start < end).then_some((start, end))
}

/// Words that may open a sentence before a name: `In Kyiv, …`, `After Medinsky spoke, …`.
const LEADING: &[&str] = &[
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "after",
    "before",
    "during",
    "since",
    "until",
    "earlier",
    "later",
    "meanwhile",
    "separately",
    "also",
    "then",
    "when",
    "while",
    "as",
    "with",
    "without",
    "under",
    "over",
    "across",
    "near",
    "amid",
    "despite",
    "but",
    "and",
    "yesterday",
    "today",
    "last",
    "this",
    "next",
];

const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Splits a speaker phrase into a name and a title: `Defense Minister Rustem Umerov` is
/// Rustem Umerov, Defense Minister; a phrase of title words alone is an institution.
fn name_and_title(phrase: &str) -> (String, Option<String>) {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let is_title = |w: &str| {
        let bare = without_possessive(w).to_lowercase();
        title_word(&bare)
    };
    let Some(last_title) = words.iter().rposition(|w| is_title(w)) else {
        return (phrase.to_owned(), None);
    };
    let post = without_possessive(words[last_title]).to_lowercase();
    if !POSTS.contains(&post.as_str()) {
        return (phrase.to_owned(), None);
    }
    let name = &words[last_title + 1..];
    if name.len() >= 2 && name.iter().all(|w| w.starts_with(char::is_uppercase)) {
        (
            name.join(" "),
            Some(words[..=last_title].join(" ")).filter(|t| !t.is_empty()),
        )
    } else {
        (phrase.to_owned(), None)
    }
}

/// Words before the source itself in `citing data from X` and `according to figures from X`.
const SOURCE_OF: [&str; 8] = [
    "data from ",
    "figures from ",
    "information from ",
    "data of ",
    "figures published by ",
    "a statement from ",
    "a statement by ",
    "a statement of ",
];

/// Reads the attribution of a sentence.
pub fn attribute(sentence: &str) -> Attribution {
    let t = tokens(sentence);
    let mut a = Attribution::default();
    // citing X
    if let Some(c) = t.iter().position(|w| w.word("citing")) {
        let from = t.get(c + 1).map_or(sentence.len(), |w| w.start);
        let rest = &sentence[from..];
        let rest = rest.split([',', ';']).next().unwrap_or(rest);
        let rest = SOURCE_OF
            .iter()
            .find_map(|p| rest.strip_prefix(p))
            .unwrap_or(rest);
        let c = tidy(rest);
        if !c.is_empty() {
            a.cites = Some(c);
        }
    }
    // according to X
    if let Some(k) = t
        .windows(2)
        .position(|w| w[0].word("according") && w[1].word("to"))
    {
        let from = t.get(k + 2).map_or(sentence.len(), |w| w.start);
        let rest = &sentence[from..];
        let phrase = tidy(rest.split([',', ';']).next().unwrap_or(rest));
        let phrase = SOURCE_OF
            .iter()
            .find_map(|p| phrase.strip_prefix(p))
            .unwrap_or(&phrase);
        let phrase = phrase.strip_prefix("the ").unwrap_or(phrase);
        if !phrase.is_empty() {
            let (name, title) = name_and_title(phrase);
            a.speaker = Some(name);
            a.role = title;
            return a;
        }
    }
    // X said / …, X said.
    let verbs: Vec<usize> = (0..t.len())
        .filter(|&k| {
            t[k].kind == Kind::Word
                && VERBS.contains(&t[k].lower().as_str())
                && t[k].lower() != "according"
        })
        .collect();
    // Someone unnamed (`…, officials said`), with the words that describe them and the day:
    // taken only when no verb before names anyone (`X said …, a figure officials said could
    // rise` is X's).
    let mut unnamed = None;
    for &v in verbs.iter().rev() {
        // Segments between commas before the verb, nearest first.
        let mut end = v;
        let mut role = None;
        loop {
            let seg_start = segment_start(&t, end);
            let mut seg = &t[seg_start..end];
            // The quotation mark that closes a quote before the speaker: `"…," Zelensky wrote`.
            while let Some((first, rest)) = seg.split_first()
                && ["\"", "“", "”", "'", "’"].iter().any(|q| first.is(q))
            {
                seg = rest;
            }
            // Adverbs before the verb are not the speaker's: `Russia also confirmed`.
            while let Some((last, rest)) = seg.split_last() {
                let w = last.lower();
                if last.kind == Kind::Word
                    && !last.capital()
                    && (w.ends_with("ly") || ADVERBS.contains(&w.as_str()))
                    && !rest.is_empty()
                {
                    seg = rest;
                } else {
                    break;
                }
            }
            let Some(first) = seg.first() else {
                // `…, who led it, told`: the comma just before the verb.
                if seg_start == 0 {
                    break;
                }
                end = seg_start - 1;
                continue;
            };
            let text = &sentence[first.start..seg.last().map_or(first.end, |l| l.end)];
            let lower = first.lower();
            if lower == "who" || lower == "which" {
                end = seg_start.saturating_sub(1);
                continue;
            }
            if seg.len() == 1 && PRONOUNS.contains(&lower.as_str()) {
                a.anaphor = Some(match lower.as_str() {
                    "he" | "she" => Anaphor::Person,
                    "it" => Anaphor::Body,
                    _ => Anaphor::Anyone,
                });
                break;
            }
            let named_before = seg_start > 0 && {
                let prev = &t[segment_start(&t, seg_start - 1)..seg_start - 1];
                !prev.is_empty() && name_before(prev, prev.len()) == Some((0, prev.len()))
            };
            // `the agency announced`, but not the apposition of `Oksana Petrenko, the
            // regional governor, said`.
            if lower == "the"
                && (2..=3).contains(&seg.len())
                && !seg.iter().skip(1).any(Token::capital)
                && !(named_before && role.is_none())
            {
                // `the agency announced`
                let words = &sentence[seg[1].start..seg[seg.len() - 1].end];
                a.anaphor = Some(Anaphor::Described(tidy(words)));
                break;
            }
            let institution = lower == "the" && seg.get(1).is_some_and(Token::capital);
            let named = name_before(seg, seg.len());
            // `the ombudsman Dmytro Lubinets`: a name after its title, not an apposition.
            let titled =
                named.is_some_and(|(s, _)| s > 0 && title_before(sentence, &seg[..s]).is_some());
            if !first.capital() && !institution && !titled && role.is_none() && seg_start > 0 {
                // An apposition: `…, Iryna Vereshchuk, president's office deputy head, said`.
                role = Some(tidy(text));
                end = seg_start - 1;
                continue;
            }
            if named_before && role.is_none() && named.is_none_or(|(s, _)| s > 0) {
                // `Vladimir Medinsky, Russian President Vladimir Putin's aide and head of
                // Russia's delegation to Istanbul, clarified`: the words are his role.
                role = Some(tidy(text));
                end = seg_start - 1;
                continue;
            }
            match named {
                // A description that names no one: `Ukraine's military intelligence chief`
                // (a few words, no figure: never the clause the figure is in).
                None if first.capital() && describes(seg) && role.is_none() => {
                    a.speaker = Some(tidy(text));
                    a.role = role.clone();
                }
                // `…, a negotiator said`, `…, officials said` after the clause with the
                // figure: someone unnamed, whom the words describe.
                // `In Kyiv, officials said`: words that describe the speaker follow the
                // speaker's whole name, never a clause that ends in a name.
                None | Some((1.., _)) if role.is_some() => {
                    unnamed.get_or_insert((role.clone(), date_after(&t, v)));
                }
                Some((s, e)) => {
                    let phrase = &sentence[seg[s].start..seg[e - 1].end];
                    let (name, title) = name_and_title(&tidy(phrase));
                    // `Kremlin aide Vladimir Medinsky`: a title in lower case before the name.
                    let title = title.or_else(|| title_before(sentence, &seg[..s]));
                    if !name.is_empty() {
                        a.speaker = Some(name);
                        a.role = match (title, role.clone()) {
                            (Some(t), Some(r)) => Some(format!("{t}, {r}")),
                            (t, r) => t.or(r),
                        };
                    }
                }
                None => {}
            }
            break;
        }
        if a.speaker.is_some() || a.anaphor.is_some() {
            a.said_on = date_after(&t, v);
            if a.anaphor.is_some() && a.role.is_none() {
                a.role = role;
            }
            return a;
        }
    }
    if let Some((role, said_on)) = unnamed {
        a.role = role;
        a.said_on = said_on;
    }
    a
}

/// The title written just before a name, ending in a post in lower case (`Kremlin aide`,
/// `Ukraine's human rights commissioner`): up to four words, capitalised or of a title.
fn title_before(sentence: &str, before: &[Token<'_>]) -> Option<String> {
    let (post, rest) = before.split_last()?;
    if post.capital() || !POSTS.contains(&post.lower().as_str()) {
        return None;
    }
    let from = rest
        .iter()
        .rev()
        .take(3)
        .take_while(|w| {
            w.kind == Kind::Word
                && (w.capital()
                    || title_word(&w.lower())
                    || DESCRIBING.contains(&w.lower().as_str()))
        })
        .count();
    let first = &before[before.len() - 1 - from];
    Some(tidy(&sentence[first.start..post.end]))
}

/// Words that qualify a post in a title written in lower case (`human rights commissioner`).
const DESCRIBING: &[&str] = &[
    "human", "rights", "top", "senior", "chief", "former", "acting",
];

/// Whether words before a verb could describe who spoke: a few of them, and no number
/// among them (a clause that states a figure is what was said, not who said it).
fn describes(seg: &[Token<'_>]) -> bool {
    seg.len() <= 6 && !seg.iter().any(|w| w.kind == Kind::Number)
}

/// Where the comma-separated segment that ends at token `end` starts.
fn segment_start(t: &[Token<'_>], end: usize) -> usize {
    (0..end).rev().find(|&k| t[k].is(",")).map_or(0, |k| k + 1)
}

/// `on May 1`, `in April` within a few words after the verb.
fn date_after(t: &[Token<'_>], verb: usize) -> Option<(u8, Option<u8>)> {
    for k in verb + 1..(verb + 6).min(t.len()) {
        if let Some(m) = reckon_claim::date::month_named(t[k].text).filter(|_| t[k].capital()) {
            let day = t
                .get(k + 1)
                .filter(|d| d.kind == Kind::Number)
                .and_then(|d| d.text.parse::<u8>().ok())
                .filter(|d| (1..=31).contains(d));
            return Some((m, day));
        }
        if t[k].is(",") || t[k].is(".") {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(s: &str) -> (Option<String>, Option<String>) {
        let a = attribute(s);
        (a.speaker, a.role)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn speakers_and_roles_in_the_forms_news_writes_them() {
        let cases = [
            (
                "Russia and Ukraine agreed on an exchange, Defense Minister Rustem Umerov, who was leading Ukraine's delegation, told reporters.",
                (some("Rustem Umerov"), some("Defense Minister")),
            ),
            (
                "\"I hope it will happen next week,\" Kyrylo Budanov, head of Ukraine's Military Intelligence, said.",
                (
                    some("Kyrylo Budanov"),
                    some("head of Ukraine's Military Intelligence"),
                ),
            ),
            (
                "According to Ukrainian President Volodymyr Zelensky, the first phase concluded.",
                (some("Volodymyr Zelensky"), some("Ukrainian President")),
            ),
            (
                "Russia reported that it received 270 military personnel.",
                (some("Russia"), None),
            ),
            (
                "Ukrainian Ombudsman Artur Dobroserdov confirmed in April that 10,000 people were held.",
                (some("Artur Dobroserdov"), some("Ukrainian Ombudsman")),
            ),
            (
                "Ukraine’s Prosecutor General accused Russia of executing around 270 prisoners.",
                (some("Ukraine’s Prosecutor General"), None),
            ),
            (
                "At least 8,000 are held captive by Russia, Iryna Vereshchuk, president's office deputy head, said on May 1.",
                (
                    some("Iryna Vereshchuk"),
                    some("president's office deputy head"),
                ),
            ),
            (
                "The toll rose to 40, the regional governor said on Telegram.",
                (None, None),
            ),
            (
                "Over 500 were detained, according to the Interior Ministry.",
                (some("Interior Ministry"), None),
            ),
            (
                "Soon after, Vladimir Medinsky, head of the Russian delegation, confirmed the agreed exchange.",
                (
                    some("Vladimir Medinsky"),
                    some("head of the Russian delegation"),
                ),
            ),
            (
                "The World Health Organization said 300 clinics had closed.",
                (some("The World Health Organization"), None),
            ),
            (
                "Police said more than 500 protesters were detained.",
                (some("Police"), None),
            ),
            (
                "Ukraine and Russia exchanged 146 prisoners each, the United Arab Emirates said.",
                (some("United Arab Emirates"), None),
            ),
            (
                "\"We are bringing our people home,\" Zelensky wrote, adding that 5,000 were freed.",
                (some("Zelensky"), None),
            ),
            (
                "In Kyiv, officials said 40 people were hurt in the strike.",
                (None, some("officials")),
            ),
            (
                "Monday, officials said 40 people were hurt in the strike.",
                (None, some("officials")),
            ),
            (
                "Russia got back 27 of its troops, Kremlin aide Vladimir Medinsky said Wednesday.",
                (some("Vladimir Medinsky"), some("Kremlin aide")),
            ),
            (
                "At least 40 were held, Ukraine's human rights commissioner Dmytro Lubinets said.",
                (
                    some("Dmytro Lubinets"),
                    some("Ukraine's human rights commissioner"),
                ),
            ),
            (
                "Budanov's remarks came a day after Defense Minister Rustem Umerov said 1,000 would return.",
                (some("Rustem Umerov"), some("Defense Minister")),
            ),
            (
                "The Health Ministry said it would need $2.5 million, a figure the ministry said could rise.",
                (some("The Health Ministry"), None),
            ),
            (
                "Ukraine received 1,212 bodies, according to figures from the Coordination Headquarters.",
                (some("Coordination Headquarters"), None),
            ),
            (
                "Between 5-6,000 are held by Russia, the ombudsman Dmytro Lubinets said.",
                (some("Dmytro Lubinets"), some("ombudsman")),
            ),
            (
                "In Kyiv, Mayor Vitali Klitschko said 40 people were hurt.",
                (some("Vitali Klitschko"), some("Mayor")),
            ),
            (
                "“We will get them all back,” President Volodymyr Zelensky said.",
                (some("Volodymyr Zelensky"), some("President")),
            ),
            (
                "Russia also confirmed the agreement, with its delegation telling state media.",
                (some("Russia"), None),
            ),
            (
                "Vladimir Medinsky, Russian President Vladimir Putin's aide and head of Russia's delegation to Istanbul, clarified that the exchange would apply.",
                (
                    some("Vladimir Medinsky"),
                    some(
                        "Russian President Vladimir Putin's aide and head of Russia's delegation to Istanbul",
                    ),
                ),
            ),
        ];
        for (s, expected) in cases {
            assert_eq!(who(s), expected, "{s}");
        }
    }

    /// A clause that states the figure is never taken for who said it: `…, a negotiator
    /// said` and `…, officials said` name no one (the words are the role, the date is kept),
    /// while a short description with no figure still is the speaker.
    #[test]
    fn the_clause_with_the_figure_is_not_the_speaker() {
        let a = attribute(
            "The two sides agreed to swap 1,200 prisoners each, a negotiator said on June 2.",
        );
        assert_eq!((a.speaker, a.role), (None, some("a negotiator")));
        assert_eq!(a.said_on, Some((6, Some(2))));
        assert_eq!(
            who("The two sides freed 390 people, officials said."),
            (None, some("officials"))
        );
        assert_eq!(
            who("Ukraine's military intelligence chief said 1,000 would return."),
            (some("Ukraine's military intelligence chief"), None)
        );
    }

    #[test]
    fn pronouns_cites_and_dates() {
        let a = attribute("The total could be as many as 1,000, he added.");
        assert_eq!(a.anaphor, Some(Anaphor::Person));
        assert!(a.speaker.is_none());
        let a = attribute(
            "At least 8,000 are held, Iryna Vereshchuk said on May 1, citing data from Ukraine's Coordination Headquarters for the Treatment of POWs.",
        );
        assert_eq!(a.said_on, Some((5, Some(1))));
        assert_eq!(
            a.cites,
            some("Ukraine's Coordination Headquarters for the Treatment of POWs")
        );
        let a = attribute("The SBU has launched preparations, the agency announced on May 17.");
        assert_eq!(a.anaphor, Some(Anaphor::Described("agency".into())));
        for s in [
            "In Kyiv, the ministry said 40 people were hurt.",
            "On Monday, the ministry said 40 people were hurt.",
        ] {
            assert_eq!(
                attribute(s).anaphor,
                Some(Anaphor::Described("ministry".into())),
                "{s}"
            );
        }
        assert_eq!(a.said_on, Some((5, Some(17))));
    }
}
