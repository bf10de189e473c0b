//! `reckon extract`, measured against the claims a person recorded from the seed documents.

use crate::support::{golden, notice, reckon, root, scratch, shared};
use serde_json::Value as Json;

/// Quotes compared as a reader compares them: typographic apostrophes and quotes plain,
/// spaces collapsed, the closing full stop left out.
fn plain(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.trim_end_matches('.').to_owned()
}

/// The same figure: the two texts read to the same value.
fn same_value(a: &str, b: &str) -> bool {
    matches!(
        (reckon_claim::Value::parse(a), reckon_claim::Value::parse(b)),
        (Ok(x), Ok(y)) if x == y
    )
}

/// Recall of (value, quote) pairs: a recorded claim is found when a draft from the same
/// document has the same figure and a quote that contains the recorded one (the recorded
/// quote may be part of the sentence) or is contained by it. Precision: the share of drafts
/// that match a recorded claim.
#[test]
fn drafts_from_the_seed_documents_find_what_a_person_recorded() {
    let Some(shared) = shared() else {
        notice(
            "skipped: ../shared/seeds is not here, so extract's recall on the seed documents is not measured",
        );
        return;
    };
    let dir = scratch("extract-seeds");
    let recorded: Vec<Json> = std::fs::read_to_string(root().join("log/claims.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .filter(|c| c.get("value").is_some() && c.get("quote").is_some())
        .collect();
    let mut drafts: Vec<Json> = Vec::new();
    for entry in std::fs::read_dir(shared.join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        let r = reckon(&dir.join("log"), &["extract", path.to_str().unwrap()], None);
        assert_eq!(r.code, 0, "{}", r.transcript());
        drafts.extend(
            r.stdout
                .lines()
                .map(|l| serde_json::from_str::<Json>(l).unwrap()),
        );
    }
    let matches = |d: &Json, c: &Json| {
        d["document"] == c["document"]
            && same_value(d["value"].as_str().unwrap(), c["value"].as_str().unwrap())
            && {
                let (dq, cq) = (
                    plain(d["quote"].as_str().unwrap()),
                    plain(c["quote"].as_str().unwrap()),
                );
                dq.contains(&cq) || cq.contains(&dq)
            }
    };
    let missed: Vec<&Json> = recorded
        .iter()
        .filter(|c| !drafts.iter().any(|d| matches(d, c)))
        .collect();
    let found = recorded.len() - missed.len();
    let right = drafts
        .iter()
        .filter(|d| recorded.iter().any(|c| matches(d, c)))
        .count();
    let recall = found as f64 / recorded.len() as f64;
    let precision = right as f64 / drafts.len() as f64;
    notice(&format!(
        "extract on the seed documents: recall {found}/{} = {:.0}%, precision {right}/{} = {:.0}%",
        recorded.len(),
        recall * 100.0,
        drafts.len(),
        precision * 100.0
    ));
    for c in &missed {
        notice(&format!("  missed: {} | {}", c["value"], c["quote"]));
    }
    assert!(recall >= 0.9, "recall {recall:.2} is under 90%");
    // Every draft is in the import contract, once a subject is reviewed: importing them all
    // into a fresh log works (with the publisher a reviewer would add).
    let log = dir.join("log");
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    let lines: String = drafts
        .iter()
        .filter(|d| d.get("said_on").is_some())
        .map(|d| {
            let mut d = d.clone();
            d["publisher"] = "reviewer".into();
            format!("{d}\n")
        })
        .collect();
    let r = reckon(
        &log,
        &[
            "import",
            "-",
            "--new-subject",
            "--new-unit",
            "--documents",
            shared.join("seeds").to_str().unwrap(),
        ],
        Some(lines.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
}

/// Articles written as the wires write them (`tests/fixtures/articles`) give exactly these
/// drafts: who said each figure (a surname alone, `it`, `the agency`, `In Kyiv, officials
/// said`), its hedge (`at least $2.5 million`), its unit (`servicemen`, `Ukrainians`) and the
/// dateline (`24 August 2025`, `June 12, 2025`). A change to any of them shows here.
#[test]
fn articles_written_as_the_wires_write_them_give_these_drafts() {
    let dir = scratch("extract-articles");
    for name in ["swap-mediated", "bodies-returned"] {
        let path = root().join(format!("tests/fixtures/articles/{name}.txt"));
        let r = reckon(
            &dir.join("log"),
            &["extract", path.to_str().unwrap(), "--publisher", "Wire"],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.transcript());
        let summary = r.stderr.replace(path.to_str().unwrap(), name);
        golden(
            &format!("extract/{name}.txt"),
            &format!("{summary}{}", r.stdout),
            &dir,
        );
    }
}

/// HTML is refused with how to make text of it (its paragraphs end in tags and would give no
/// drafts at all); text wrapped at a fixed width is read a paragraph at a time, its quotes
/// with the line breaks as spaces; and text in which no line reads as a sentence says why it
/// gave none.
#[test]
fn html_is_refused_and_text_with_no_sentence_says_why() {
    let dir = scratch("extract-not-text");
    let page = dir.join("story.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html>\n<html><body>\n<p>Ukraine and Russia exchanged 146 prisoners each on Sunday, the UAE said.</p>\n</body></html>\n",
    )
    .unwrap();
    let r = reckon(&dir.join("log"), &["extract", page.to_str().unwrap()], None);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stdout.is_empty(), "{}", r.transcript());
    assert!(
        r.stderr.contains("this is HTML; extract reads plain text") && r.stderr.contains("pandoc"),
        "{}",
        r.transcript()
    );
    let wrapped = "Ukraine and Russia exchanged 146\nprisoners each on Sunday, the UAE\nsaid. Officials said 40 were\nstill missing after it.\n";
    let r = reckon(
        &dir.join("log"),
        &["extract", "-"],
        Some(wrapped.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    let quotes: Vec<String> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap()["quote"].to_string())
        .collect();
    assert_eq!(
        quotes,
        [
            "\"Ukraine and Russia exchanged 146 prisoners each on Sunday, the UAE said.\"",
            "\"Officials said 40 were still missing after it.\""
        ],
        "{}",
        r.transcript()
    );
    let headings = "Prisoner exchange\nUkraine, Russia swap 146 each\n\nBy A Writer\n";
    let r = reckon(
        &dir.join("log"),
        &["extract", "-"],
        Some(headings.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout.is_empty() && r.stderr.contains("note: no line read as a sentence"),
        "{}",
        r.transcript()
    );
}

/// An article wrapped at a fixed width (as mail and text copied from a PDF come) gives the
/// same drafts as the article with a paragraph a line: the same figures, speakers and quotes.
#[test]
fn a_wrapped_article_gives_the_drafts_of_the_unwrapped_one() {
    let dir = scratch("extract-wrapped");
    for name in ["swap-mediated", "bodies-returned"] {
        let text =
            std::fs::read_to_string(root().join(format!("tests/fixtures/articles/{name}.txt")))
                .unwrap();
        let drafts = |width: Option<usize>| {
            let mut doc = String::new();
            for line in text.lines() {
                let Some(width) = width else {
                    doc.push_str(line);
                    doc.push('\n');
                    continue;
                };
                // Greedy wrapping: a word goes to the next line when it would not fit.
                let mut current = String::new();
                for word in line.split_whitespace() {
                    if !current.is_empty()
                        && current.chars().count() + 1 + word.chars().count() > width
                    {
                        doc.push_str(&current);
                        doc.push('\n');
                        current.clear();
                    }
                    if !current.is_empty() {
                        current.push(' ');
                    }
                    current.push_str(word);
                }
                doc.push_str(&current);
                doc.push('\n');
            }
            let path = dir.join(format!("{name}.txt"));
            std::fs::write(&path, &doc).unwrap();
            let r = reckon(&dir.join("log"), &["extract", path.to_str().unwrap()], None);
            assert_eq!(r.code, 0, "{}", r.transcript());
            (doc, r.stdout)
        };
        let (_, whole) = drafts(None);
        assert!(whole.lines().count() >= 6, "{whole}");
        for width in [60, 72, 100] {
            let (doc, wrapped) = drafts(Some(width));
            assert!(doc.lines().count() > text.lines().count(), "{doc}");
            assert_eq!(wrapped, whole, "{name} wrapped at {width}:\n{doc}");
        }
    }
}
