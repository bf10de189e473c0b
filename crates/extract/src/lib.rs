//! Draft claims from an article: each figure a person would record, with its hedge, its unit,
//! the sentence as the exact quote, who said it and when.
//!
//! It reads a document as sentences ([`text`]), finds the figures in each ([`figures`]):
//! numbers in digits or words (thousands split by commas or, as many languages write them,
//! by one kind of space: `10 000` is `10,000`), with the qualifier before them in the value
//! grammar (`at least 8,000`, `as many as 1,000`), ranges as a reader takes them (`5-6,000` is
//! 5,000-6,000, tagged `low-end-scaled`; `at least 5-6,000`, which the grammar has no form
//! for, is `at least 5,000`, tagged `range-hedged`), percentages (their own unit), vague
//! plurals (`dozens of`: a range), one figure for `1,000-for-1,000` and two for `270 military
//! and 120 civilians`; never a date, a time, a year, an ordinal or a number inside a name.
//! It reads
//! the attribution ([`attribution`]): the speaker and role (`…, Defense Minister Rustem Umerov
//! said`, `according to …`), a pronoun or a description (`he`, `it`, `the ministry`) as the
//! latest speaker of the last few sentences who fits it, or no one, a surname alone as the
//! person named in full before, `citing …` as `cites`, and the day (`said on May 1`, dated by
//! the document's dateline). A sentence that confirms the deal
//! just named (`Medinsky confirmed the agreed exchange`) restates the figure of the sentence
//! before, tagged `figure-from-context`.
//!
//! A subject is proposed from the noun the figure counts, under `draft/`, and every draft is
//! tagged `draft`: nothing is invented silently, and a speaker that cannot be told for sure is
//! left out rather than guessed. It never writes to a log: people review the
//! drafts, edit them and import them.

pub mod attribution;
pub mod figures;
pub mod text;

use serde_json::{Map, Value as Json};

/// What the caller knows about the document.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// When it was published, when the document has no dateline (or to override it).
    pub said_on: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// The document's file name, recorded as `document`.
    pub document: Option<String>,
    /// Its address.
    pub url: Option<String>,
}

/// One draft claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// The claim in the import contract.
    pub object: Map<String, Json>,
    /// The paragraph (line) of the document it is from.
    pub line: usize,
}

/// What an article gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    /// The drafts, in document order.
    pub drafts: Vec<Draft>,
    /// The dateline found, as `YYYY-MM-DD`.
    pub dateline: Option<String>,
    /// How many sentences were read (none: no line reads as prose, see [`text::sentences`]).
    pub sentences: usize,
}

/// Whether a document is HTML rather than the plain text `extract` reads: it opens with a tag
/// and has a document's or a paragraph's tags. Its drafts would quote markup, and its
/// paragraphs, which end in tags, would not read as sentences.
pub fn looks_like_html(doc: &str) -> bool {
    let head: String = doc
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with('<')
        && ["<html", "<body", "<p>", "<p ", "<div", "<article"]
            .iter()
            .any(|tag| head.contains(tag))
}

/// Words that make a figure something expected rather than reported.
const EXPECTED: &[&str] = &[
    "expected to",
    " will ",
    " hope",
    "plans to",
    "planned",
    "could be",
    "would be",
    "likely to",
    "set to",
];

/// Verbs and objects of a sentence that confirms the deal the text just named.
const CONFIRMS: &[&str] = &["confirmed", "reaffirmed", "acknowledged", "approved"];
const DEALS: &[&str] = &[
    "agreement",
    "deal",
    "exchange",
    "swap",
    "arrangement",
    "plan",
    "figure",
    "number",
];

/// The first date on a short line (a dateline or a byline, not a photo caption or a
/// sentence) among the first lines of a document, written as news sites write them: `May 16,
/// 2025`, `May 16 2025`, `Sept. 3, 2024`, `16 May 2025` or `2025-05-16`. A day that does not
/// exist (`February 30, 2025`) is not a dateline.
pub fn dateline(doc: &str) -> Option<String> {
    doc.lines()
        .take(30)
        .filter(|line| line.split_whitespace().count() <= 14)
        .find_map(|line| {
            let t = text::tokens(line);
            (0..t.len()).find_map(|k| date_at(&t[k..]))
        })
}

/// The date that the tokens start with, in one of the forms [`dateline`] reads.
fn date_at(t: &[text::Token<'_>]) -> Option<String> {
    let number = |k: usize, digits: std::ops::RangeInclusive<usize>| {
        t.get(k)
            .filter(|n| n.kind == text::Kind::Number && digits.contains(&n.text.len()))
            .and_then(|n| n.text.parse::<u16>().ok())
    };
    let month = |k: usize| {
        t.get(k)
            .filter(|m| m.capital())
            .and_then(|m| reckon_claim::date::month_named(m.text))
    };
    let mark = |k: usize, c: &str| t.get(k).is_some_and(|m| m.is(c));
    // The year, after an optional comma at `k`.
    let year = |k: usize| match mark(k, ",") {
        true => number(k + 1, 4..=4),
        false => number(k, 4..=4),
    };
    let (y, m, d) = if let Some(m) = month(0) {
        // `May 16, 2025`, `Sept. 3 2024`
        let at = usize::from(mark(1, "."));
        (year(at + 2)?, m, number(at + 1, 1..=2)?)
    } else if let Some(m) = month(1) {
        // `16 May 2025`
        (year(2)?, m, number(0, 1..=2)?)
    } else if mark(1, "-") && mark(3, "-") && !t.get(4)?.spaced {
        // `2025-05-16`
        let m = u8::try_from(number(2, 2..=2)?).ok()?;
        (number(0, 4..=4)?, m, number(4, 2..=2)?)
    } else {
        return None;
    };
    let d = reckon_claim::date::Date::new(y, m, u8::try_from(d).ok()?)?;
    (1900..=2100)
        .contains(&d.year())
        .then(|| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

/// A subject path segment from words (`Ukrainian service members`: `ukrainian-service-members`).
pub fn slug(words: &str) -> String {
    let mut s = String::new();
    for c in words.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_owned();
    if s.is_empty() { "figure".into() } else { s }
}

fn confirms_the_deal(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    CONFIRMS.iter().any(|v| {
        lower.match_indices(v).any(|(at, _)| {
            let after: Vec<&str> = lower[at + v.len()..].split_whitespace().take(4).collect();
            after.first() == Some(&"the")
                && after
                    .iter()
                    .any(|w| DEALS.contains(&w.trim_matches(|c: char| !c.is_alphabetic())))
        })
    })
}

/// Someone who said something, in the sentence with that number: named (`name`), or only
/// described (`officials said`, `the agency announced` with no agency named before), when
/// `role` holds the words.
struct Speaker {
    name: Option<String>,
    role: Option<String>,
    sentence: usize,
}

/// How many sentences back a pronoun or a description may point.
const ANAPHORA_REACH: usize = 4;

/// The speaker named before whom a pronoun or description means: the latest that fits it,
/// named no more than [`ANAPHORA_REACH`] sentences before.
fn meant<'a>(
    anaphor: &attribution::Anaphor,
    speakers: &'a [Speaker],
    sentence: usize,
) -> Option<&'a Speaker> {
    speakers
        .iter()
        .rev()
        .take_while(|s| sentence - s.sentence <= ANAPHORA_REACH)
        .find(|s| match (&s.name, &s.role) {
            (Some(name), role) => anaphor.fits(name, role.as_deref()),
            (None, Some(described)) => anaphor.fits_unnamed(described),
            (None, None) => false,
        })
}

/// The person named in full before whom a surname alone (`Zelensky`, after `President
/// Volodymyr Zelensky`) means, when every speaker named before with that word in their name
/// is that one person: a claim's speaker, which its origin may be, is then written one way.
fn surnamed<'a>(name: &str, speakers: &'a [Speaker]) -> Option<&'a Speaker> {
    if name.contains(char::is_whitespace) {
        return None;
    }
    let mut named = speakers.iter().rev().filter(|s| {
        s.name
            .as_ref()
            .is_some_and(|n| n != name && n.split_whitespace().any(|w| w == name))
    });
    let latest = named.next()?;
    let full = latest.name.as_deref()?;
    (attribution::is_person(full) && full.ends_with(name) && named.all(|s| s.name == latest.name))
        .then_some(latest)
}

/// A sentence as its quote: as written, but a sentence of a paragraph wrapped at a fixed width
/// has its line breaks (and the spaces about them) as one space, as a reader reads it (the
/// check of quotes against their documents reads all spacing so too).
fn quote(sentence: &str) -> String {
    match sentence.contains(['\n', '\r']) {
        true => text::one_spaced(sentence),
        false => sentence.to_owned(),
    }
}

/// Reads an article into draft claims.
pub fn extract(doc: &str, options: &Options) -> Extracted {
    let dateline = dateline(doc);
    let published = options.said_on.clone().or_else(|| dateline.clone());
    let year = published
        .as_deref()
        .and_then(|d| d.get(..4))
        .map(str::to_owned);
    let mut drafts = Vec::new();
    // Everyone named as a speaker so far, latest last.
    let mut speakers: Vec<Speaker> = Vec::new();
    // The figures of the latest sentence that had any, and how many sentences ago.
    let mut recent: Option<(Vec<figures::Found>, usize)> = None;
    let sentences = text::sentences(doc);
    let read = sentences.len();
    for (sentence, s) in sentences.into_iter().enumerate() {
        let mut found = figures::figures(s.text);
        let mut from_context = false;
        if found.is_empty()
            && let Some((figs, age)) = &recent
            && *age <= 3
            && confirms_the_deal(s.text)
        {
            found = figs.clone();
            from_context = true;
        }
        let a = attribution::attribute(s.text);
        // The speaker named (or described) before, with the role this sentence gives, else
        // the role given then.
        let as_earlier = |earlier: &Speaker| {
            (
                earlier.name.clone(),
                a.role.clone().or(earlier.role.clone()),
            )
        };
        let (speaker, role) = match (&a.speaker, &a.anaphor) {
            (Some(sp), _) => match surnamed(sp, &speakers) {
                Some(earlier) => as_earlier(earlier),
                None => (Some(sp.clone()), a.role.clone()),
            },
            // Someone described but not named before stays unnamed (`The agency said …`,
            // then `It said …`).
            (None, Some(anaphor)) => match meant(anaphor, &speakers, sentence) {
                Some(earlier) => as_earlier(earlier),
                // Nobody named before fits: no speaker is better than a wrong one, and the
                // description is at least the role (`the regional governor`).
                None => match anaphor {
                    attribution::Anaphor::Described(words) => {
                        (None, a.role.clone().or(Some(words.clone())))
                    }
                    _ => (None, a.role.clone()),
                },
            },
            (None, None) => (None, a.role.clone()),
        };
        if speaker.is_some() || role.is_some() {
            speakers.push(Speaker {
                name: speaker.clone(),
                role: role.clone(),
                sentence,
            });
        }
        recent = match (found.is_empty() || from_context, recent) {
            (false, _) => Some((found.clone(), 0)),
            (true, Some((f, age))) => Some((f, age + 1)),
            (true, None) => None,
        };
        let said_on = match (a.said_on, &year) {
            (Some((m, Some(d))), Some(y))
                if y.parse()
                    .ok()
                    .and_then(|y| reckon_claim::date::Date::new(y, m, d))
                    .is_some() =>
            {
                Some(format!("{y}-{m:02}-{d:02}"))
            }
            // `said on February 30`: the month is all that can be trusted.
            (Some((m, _)), Some(y)) => Some(format!("{y}-{m:02}")),
            _ => published.clone(),
        };
        let lower = format!(" {} ", s.text.to_lowercase());
        let expected = EXPECTED.iter().any(|w| lower.contains(w));
        for f in found {
            let mut o = Map::new();
            let noun = f.scope.clone().unwrap_or_else(|| f.unit.clone());
            o.insert("subject".into(), format!("draft/{}", slug(&noun)).into());
            o.insert("value".into(), f.value.clone().into());
            o.insert("unit".into(), f.unit.clone().into());
            let mut put = |key: &str, v: Option<&String>| {
                if let Some(v) = v {
                    o.insert(key.into(), v.clone().into());
                }
            };
            put("scope", f.scope.as_ref());
            put("said_on", said_on.as_ref());
            put("speaker", speaker.as_ref());
            put("role", role.as_ref());
            put("cites", a.cites.as_ref());
            put("publisher", options.publisher.as_ref());
            put("url", options.url.as_ref());
            put("document", options.document.as_ref());
            o.insert("quote".into(), quote(s.text).into());
            if expected {
                o.insert("modality".into(), "expected".into());
            }
            let mut tags = vec![Json::from("draft")];
            if from_context {
                tags.push("figure-from-context".into());
            }
            if f.vague {
                tags.push("vague".into());
            }
            if f.low_end_scaled {
                tags.push("low-end-scaled".into());
            }
            if f.range_hedged {
                tags.push("range-hedged".into());
            }
            o.insert("tags".into(), Json::Array(tags));
            drafts.push(Draft {
                object: o,
                line: s.line,
            });
        }
    }
    Extracted {
        drafts,
        dateline,
        sentences: read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_article_gives_drafts_with_provenance() {
        let doc = "Swap agreed\n\nby A Writer May 16, 2025 4:34 PM\n\n\
            Russia and Ukraine have reached an agreement on a 1,000-for-1,000 exchange of prisoners, Defense Minister Rustem Umerov told reporters after the talks on May 16.\n\
            \"We know the date, but we're not going to say it yet,\" he said.\n\
            Soon after, Vladimir Medinsky, head of the Russian delegation, confirmed the agreed exchange in comments to state media.\n\
            At least 8,000 Ukrainian service members are held captive by Russia, Iryna Vereshchuk said on May 1, citing data from the Coordination Headquarters.\n";
        let e = extract(
            doc,
            &Options {
                publisher: Some("The Paper".into()),
                ..Options::default()
            },
        );
        assert_eq!(e.dateline.as_deref(), Some("2025-05-16"));
        let d: Vec<&Map<String, Json>> = e.drafts.iter().map(|d| &d.object).collect();
        assert_eq!(d.len(), 3, "{d:#?}");
        assert_eq!(d[0]["value"], "1,000");
        assert_eq!(d[0]["speaker"], "Rustem Umerov");
        assert_eq!(d[0]["role"], "Defense Minister");
        assert_eq!(d[0]["said_on"], "2025-05-16");
        assert_eq!(d[1]["value"], "1,000");
        assert_eq!(d[1]["speaker"], "Vladimir Medinsky");
        assert_eq!(
            d[1]["tags"],
            serde_json::json!(["draft", "figure-from-context"])
        );
        assert_eq!(d[2]["value"], "at least 8,000");
        assert_eq!(d[2]["unit"], "people");
        assert_eq!(d[2]["scope"], "Ukrainian service members");
        assert_eq!(d[2]["said_on"], "2025-05-01");
        assert_eq!(d[2]["cites"], "the Coordination Headquarters");
        assert_eq!(d[2]["subject"], "draft/ukrainian-service-members");
        for o in d {
            let line = Json::Object(o.clone()).to_string();
            reckon_claim::parse_line(&line, &mut |_, _| Err("no references".into()))
                .unwrap_or_else(|e| panic!("{line}: {}", e.message));
        }
    }

    #[test]
    fn figures_inside_quotes_of_quotes_keep_the_outer_attribution() {
        let doc = "Officers at the front described the losses to visiting reporters on Monday.\n\
            \"He told me 'we lost 300 men in a week', and I believed him,\" the commander, Oleh Petrenko, said.\n\
            Turnout reached 61.5 per cent of registered voters, the Central Election Commission said.\n";
        let e = extract(doc, &Options::default());
        let d: Vec<&Map<String, Json>> = e.drafts.iter().map(|d| &d.object).collect();
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0]["value"], "300");
        assert_eq!(d[0]["unit"], "people");
        assert_eq!(d[0]["speaker"], "Oleh Petrenko");
        assert_eq!(d[1]["value"], "61.5");
        assert_eq!(d[1]["unit"], "percent");
        assert_eq!(d[1]["speaker"], "Central Election Commission");
    }

    /// A pronoun or a description in the speaker's place is someone named before only when
    /// they fit it: `she` a person, `it` a body, `the ministry` a speaker with that word in
    /// their name or role, and only a few sentences back. Nobody fitting leaves the speaker
    /// out (the description is kept as the role), never the last speaker whoever it was; and
    /// `it` after `the agency` that was not named stays unnamed.
    #[test]
    fn a_pronoun_or_description_is_only_someone_who_fits_it() {
        let doc = "Over 500 were detained, according to the Interior Ministry.\n\
            President Volodymyr Zelensky said 390 would return.\n\
            The agency said 300 more were held.\n\
            It said on Sunday that 12 of them were seriously ill.\n\
            The ministry said 1.2 million people had fled.\n\
            She added that 20 were injured.\n\
            It said on Monday that 40 were injured.\n\
            The toll rose to 70, the regional governor said.\n\
            They said that 80 people were missing.\n\
            The talks went on late into the night. The roads stayed closed all week. \
            The weather was cold across the region. Schools were shut in the city. \
            Trains were cancelled until the next day.\n\
            He said that 90 people had died.\n";
        let e = extract(doc, &Options::default());
        let who: Vec<(String, Option<&str>, Option<&str>)> = e
            .drafts
            .iter()
            .map(|d| {
                (
                    d.object["value"].as_str().unwrap_or("").to_owned(),
                    d.object.get("speaker").and_then(Json::as_str),
                    d.object.get("role").and_then(Json::as_str),
                )
            })
            .collect();
        let zelensky = (Some("Volodymyr Zelensky"), Some("President"));
        let ministry = (Some("Interior Ministry"), None);
        let expected = [
            ("over 500", ministry),
            ("390", zelensky),
            ("300", (None, Some("agency"))),
            ("12", (None, Some("agency"))),
            ("1.2 million", ministry),
            ("20", zelensky),
            ("40", ministry),
            ("70", (None, Some("regional governor"))),
            ("80", ministry),
            ("90", (None, None)),
        ];
        let expected: Vec<(String, Option<&str>, Option<&str>)> = expected
            .iter()
            .map(|(v, (s, r))| ((*v).to_owned(), *s, *r))
            .collect();
        assert_eq!(who, expected);
    }

    /// A description is the latest who fits it, even one only described: `the officials`
    /// after `…, officials said` are those officials (unnamed), not the `Ukrainian officials`
    /// named a sentence before them.
    #[test]
    fn a_description_may_be_someone_only_described() {
        let doc = "Ukrainian officials said 10 people were hurt in the attack on Kyiv.\n\
            In Odesa, 7 people were hurt in the strike, officials said on Monday.\n\
            The officials said that 4 people were still missing there.\n";
        let e = extract(doc, &Options::default());
        let who: Vec<(Option<&str>, Option<&str>)> = e
            .drafts
            .iter()
            .map(|d| {
                (
                    d.object.get("speaker").and_then(Json::as_str),
                    d.object.get("role").and_then(Json::as_str),
                )
            })
            .collect();
        assert_eq!(
            who,
            [
                (Some("Ukrainian officials"), None),
                (None, Some("officials")),
                (None, Some("officials"))
            ]
        );
    }

    /// A surname alone is the person named in full before, with the role given then, when
    /// only one person named before has that surname; otherwise it stays as written.
    #[test]
    fn a_surname_alone_is_the_person_named_in_full_before() {
        let doc = "President Volodymyr Zelensky said 390 people would come home on Friday.\n\
            \"We are bringing our people home,\" Zelensky wrote, adding that 5,000 Ukrainians were freed.\n\
            Andriy Petrenko and Oleh Petrenko said 20 people were injured in the attack.\n\
            Oksana Petrenko, the regional governor, said 30 people were missing after it.\n\
            Petrenko said that 40 people had been evacuated from the town.\n\
            Budanov said that 50 people were still held by Russia.\n";
        let e = extract(doc, &Options::default());
        let who: Vec<(&str, Option<&str>)> = e
            .drafts
            .iter()
            .map(|d| {
                (
                    d.object.get("speaker").and_then(Json::as_str).unwrap_or(""),
                    d.object.get("role").and_then(Json::as_str),
                )
            })
            .collect();
        assert_eq!(
            who,
            [
                ("Volodymyr Zelensky", Some("President")),
                ("Volodymyr Zelensky", Some("President")),
                ("Andriy Petrenko and Oleh Petrenko", None),
                ("Oksana Petrenko", Some("the regional governor")),
                ("Petrenko", None),
                ("Budanov", None),
            ]
        );
    }

    /// HTML is told from text by its opening tag and a page's or paragraph's tags; text that
    /// only mentions a tag is not HTML.
    #[test]
    fn html_is_told_from_text() {
        assert!(looks_like_html("<!DOCTYPE html>\n<html><body><p>Hi.</p>"));
        assert!(looks_like_html(
            "\u{feff}  <div class=\"story\"><p>Ukraine said.</p></div>"
        ));
        assert!(looks_like_html("<P>One paragraph.</P>"));
        assert!(!looks_like_html("Swap agreed\n\nThe <p> tag was quoted."));
        assert!(!looks_like_html("<Reuters> Ukraine said 300 were freed."));
    }

    /// Datelines are read in the forms news sites print them, and only when the day exists;
    /// the first short line with one wins, and a long line (a sentence) is never a dateline.
    #[test]
    fn datelines_in_the_forms_sites_print_them() {
        let cases = [
            ("By A Writer May 16, 2025 4:34 PM", Some("2025-05-16")),
            ("KYIV, May 3, 2025", Some("2025-05-03")),
            ("Updated May 16 2025", Some("2025-05-16")),
            ("Sept. 3, 2024", Some("2024-09-03")),
            ("Published Friday 16 May 2025", Some("2025-05-16")),
            ("16 May, 2025", Some("2025-05-16")),
            ("Updated: 2025-05-16T14:00Z", Some("2025-05-16")),
            ("Posted 2024-02-29", Some("2024-02-29")),
            ("Posted 2025-02-29", None),
            ("February 30, 2025", None),
            ("May 2025", None),
            ("In May 16 people were hurt", None),
            ("2025 - 05 - 16", None),
            ("16 May", None),
            (
                "On May 16, 2025, the two sides met for the first time since the spring of 2022 in Istanbul.",
                None,
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(dateline(line).as_deref(), expected, "{line}");
        }
        assert_eq!(
            dateline("Posted 2025-02-29\nBy A Writer, 17 May 2025\n").as_deref(),
            Some("2025-05-17")
        );
        // A day the sentence gives that does not exist leaves the month.
        let e = extract(
            "May 17, 2025\nOfficials said on February 30 that 300 people were held.\n\
             Officials said on February 28 that 200 people were held.\n",
            &Options::default(),
        );
        let said: Vec<&Json> = e.drafts.iter().map(|d| &d.object["said_on"]).collect();
        assert_eq!(said, ["2025-02", "2025-02-28"]);
    }
}
