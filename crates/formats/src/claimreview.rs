//! schema.org `ClaimReview` JSON-LD, in and out.
//!
//! **In.** A file holds one `ClaimReview`, an array of them, a `@graph` (nested as JSON-LD
//! allows), or a `DataFeed` of them (each `dataFeedElement` a `DataFeedItem` whose `item` is
//! the review, or the review itself). Each figure stated in `claimReviewed` (as `reckon extract` finds figures) becomes
//! a claim: said by the reviewed claim's author (`itemReviewed.author`, with `jobTitle` as the
//! role), on its `datePublished` (else the review's), read where it appeared
//! (`itemReviewed.appearance` or `firstAppearance`: its `url`, `headline` and `publisher`; else
//! the review's `url`, published by the review's author), with `claimReviewed` as the quote.
//! The review is the evidence: its author and rating go in the tags (`claimreview`,
//! `rating: False`). A review whose `claimReviewed` states no figure is skipped, with that
//! reason; anything else that is not a `ClaimReview` is skipped too. The subject is the one
//! the caller gives, else a draft (`draft/…`, tagged `draft`).
//!
//! **Out.** One JSON-LD document a line for each reconciled subject: a `@graph` of one
//! `ClaimReview` for each counted claim, rating it against reckon's figure on a documented
//! five-point scale ([`RATINGS`]), with the figure and the reason in words in `reviewBody`.

use crate::{Converted, FormatError, Record, Skipped, error};
use serde_json::{Map, Value as Json, json};

/// The rating scale of exported reviews: the value, its name, and the relation it rates.
pub const RATINGS: &[(u8, &str, &str)] = &[
    (
        5,
        "Agrees with the figure",
        "the claim states the figure, or lies within it",
    ),
    (
        4,
        "Consistent with the figure",
        "the claim allows the figure",
    ),
    (
        3,
        "Unresolved",
        "reckon has no single figure for the subject (tied, or no support)",
    ),
    (1, "Contradicts the figure", "the claim excludes the figure"),
];

/// True when a node's `@type` names ClaimReview.
fn is_review(node: &Map<String, Json>) -> bool {
    has_type(node, "ClaimReview")
}

/// True when a node's `@type` is `name` (a schema.org type, named short or by its URL).
fn has_type(node: &Map<String, Json>, name: &str) -> bool {
    let is = |t: &str| {
        t == name
            || t.strip_suffix(name)
                .is_some_and(|t| t.ends_with(['/', ':', '#']))
    };
    match node.get("@type") {
        Some(Json::String(t)) => is(t),
        Some(Json::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(is)),
        _ => false,
    }
}

/// Every object in the document with its JSON path, in document order: a JSON-LD `@graph`,
/// and a schema.org `DataFeed` (as fact-checkers' feeds are published: its
/// `dataFeedElement`s, each a `DataFeedItem` whose `item` is the review, or the review
/// itself), are looked into.
fn nodes<'a>(value: &'a Json, path: String, out: &mut Vec<(String, &'a Map<String, Json>)>) {
    match value {
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                nodes(v, format!("{path}[{i}]"), out);
            }
        }
        Json::Object(m) => {
            if let Some(g) = m.get("@graph") {
                nodes(g, format!("{path}.@graph"), out);
            } else if let Some(e) = m.get("dataFeedElement").filter(|_| has_type(m, "DataFeed")) {
                nodes(e, format!("{path}.dataFeedElement"), out);
            } else if let Some(i) = m.get("item").filter(|_| has_type(m, "DataFeedItem")) {
                nodes(i, format!("{path}.item"), out);
            } else {
                out.push((path, m));
            }
        }
        _ => {}
    }
}

/// A text field, or the `name` of an object (or of the first of an array of them).
fn name_of(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Json::Object(m) => name_of(m.get("name")),
        Json::Array(items) => items.iter().find_map(|i| name_of(Some(i))),
        _ => None,
    }
}

fn first_object(v: Option<&Json>) -> Option<&Map<String, Json>> {
    match v? {
        Json::Object(m) => Some(m),
        Json::Array(items) => items.iter().find_map(Json::as_object),
        _ => None,
    }
}

fn text(m: &Map<String, Json>, key: &str) -> Option<String> {
    m.get(key)
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A schema.org date (`2025-05-01`, `2025-05-01T10:00:00Z`) as a contract date.
fn date(m: &Map<String, Json>, key: &str, path: &str) -> Result<Option<String>, FormatError> {
    let Some(raw) = text(m, key) else {
        return Ok(None);
    };
    let day = raw.get(..10).filter(|_| raw.len() > 10).unwrap_or(&raw);
    reckon_claim::Period::parse(day)
        .map(|_| Some(day.to_owned()))
        .map_err(|e| {
            error(
                format!("{path}.{key}"),
                format!("`{raw}` is not a date: {e}"),
            )
        })
}

/// Reads ClaimReview JSON-LD. `subject`, when given, is every claim's subject.
pub fn read(text_in: &str, subject: Option<&str>) -> Result<Converted, FormatError> {
    let doc: Json = serde_json::from_str(text_in).map_err(|e| {
        error(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    let mut found = Vec::new();
    nodes(&doc, "$".into(), &mut found);
    let mut out = Converted::default();
    for (path, node) in found {
        if !is_review(node) {
            out.skipped.push(Skipped {
                place: path,
                reason: "not a ClaimReview".into(),
            });
            continue;
        }
        let Some(reviewed) = text(node, "claimReviewed") else {
            out.skipped.push(Skipped {
                place: format!("{path}.claimReviewed"),
                reason: "without claimReviewed".into(),
            });
            continue;
        };
        let figures = reckon_extract::figures::figures(&reviewed);
        if figures.is_empty() {
            out.skipped.push(Skipped {
                place: format!("{path}.claimReviewed"),
                reason: "with no figure in claimReviewed".into(),
            });
            continue;
        }
        let item = first_object(node.get("itemReviewed"));
        let item_path = format!("{path}.itemReviewed");
        let reviewer = name_of(node.get("author"));
        let author = item.and_then(|i| name_of(i.get("author")));
        let role = item
            .and_then(|i| first_object(i.get("author")))
            .and_then(|a| text(a, "jobTitle"));
        let said = match item {
            Some(i) => date(i, "datePublished", &item_path)?,
            None => None,
        };
        let (said_on, said_from) = match said {
            Some(d) => (Some(d), format!("{item_path}.datePublished")),
            None => (
                date(node, "datePublished", &path)?,
                format!("{path}.datePublished"),
            ),
        };
        let appearance = item.and_then(|i| {
            first_object(i.get("appearance")).or_else(|| first_object(i.get("firstAppearance")))
        });
        let url = appearance
            .and_then(|a| text(a, "url"))
            .or_else(|| text(node, "url"));
        let title = appearance.and_then(|a| text(a, "headline").or_else(|| text(a, "name")));
        let publisher = appearance
            .and_then(|a| name_of(a.get("publisher")))
            .or_else(|| reviewer.clone());
        let rating = first_object(node.get("reviewRating"));
        let verdict = rating.and_then(|r| {
            text(r, "alternateName").or_else(|| {
                r.get("ratingValue").map(|v| match v {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
            })
        });
        let n = figures.len();
        for (k, f) in figures.into_iter().enumerate() {
            let mut o = Map::new();
            let mut sources = vec![
                ("value".to_owned(), format!("{path}.claimReviewed")),
                ("quote".to_owned(), format!("{path}.claimReviewed")),
                ("said_on".to_owned(), said_from.clone()),
                ("speaker".to_owned(), format!("{item_path}.author")),
            ];
            let noun = f.scope.clone().unwrap_or_else(|| f.unit.clone());
            let mut tags = vec![Json::from("claimreview")];
            match subject {
                Some(s) => {
                    o.insert("subject".into(), s.into());
                    sources.push(("subject".into(), "--subject".into()));
                }
                None => {
                    o.insert(
                        "subject".into(),
                        format!("draft/{}", reckon_extract::slug(&noun)).into(),
                    );
                    tags.push("draft".into());
                }
            }
            o.insert("value".into(), f.value.into());
            o.insert("unit".into(), f.unit.into());
            let mut put = |key: &str, v: Option<&String>| {
                if let Some(v) = v {
                    o.insert(key.into(), v.clone().into());
                }
            };
            put("scope", f.scope.as_ref());
            put("said_on", said_on.as_ref());
            put("speaker", author.as_ref());
            put("role", role.as_ref());
            put("publisher", publisher.as_ref());
            put("url", url.as_ref());
            put("title", title.as_ref());
            o.insert("quote".into(), reviewed.clone().into());
            if let Some(r) = &reviewer {
                tags.push(format!("reviewed by: {r}").into());
            }
            if let Some(v) = &verdict {
                tags.push(format!("rating: {v}").into());
            }
            o.insert("tags".into(), Json::Array(tags));
            out.records.push(Record {
                object: o,
                place: if n > 1 {
                    format!("{path} (figure {} of {n})", k + 1)
                } else {
                    path.clone()
                },
                sources,
            });
        }
    }
    Ok(out)
}

/// What a reviewed subject needs beyond its `reckon reconcile --format json` object.
pub struct Reviewing<'a> {
    /// The fact-checker publishing the reviews.
    pub reviewer: &'a str,
    /// Where they are published; each review's `url` is this with `#seq-N`.
    pub url: Option<&'a str>,
    /// The date of publication (`YYYY-MM-DD`).
    pub date: &'a str,
}

/// The rating of a claim whose relation to the figure is `relation`, for a subject whose
/// figure is `settled` (a single region with support).
fn rating(relation: &str, settled: bool) -> (u8, &'static str) {
    let (v, name, _) = match (settled, relation) {
        (false, _) => RATINGS[2],
        (true, "agrees") => RATINGS[0],
        (true, "contradicts") => RATINGS[3],
        (true, _) => RATINGS[1],
    };
    (v, name)
}

/// One JSON-LD document for a subject of `reckon reconcile --format json`: a ClaimReview for
/// each claim counted in its figure or against it. `figure_words` is the figure as people
/// read it (`9,500 to 10,500 people`). None when no claim was counted.
pub fn review(subject: &Json, figure_words: &str, how: &Reviewing<'_>) -> Option<Json> {
    let name = subject["subject"].as_str()?;
    let label = subject["label"].as_str().unwrap_or(name);
    let status = subject["status"].as_str().unwrap_or("");
    let settled =
        !subject["figure"].is_null() && subject["candidates"].as_array().is_none_or(Vec::is_empty);
    let mut graph = Vec::new();
    let claims = subject["support"]
        .as_array()
        .into_iter()
        .chain(subject["dissent"].as_array())
        .flatten()
        .filter(|c| c["counted"].as_bool().unwrap_or(false));
    for c in claims {
        let seq = c["seq"].as_u64()?;
        let relation = c["relation"].as_str().unwrap_or("");
        let (value, alternate) = rating(relation, settled);
        let value_text = c["value"].as_str().unwrap_or("");
        let who = c["speaker"]
            .as_str()
            .or_else(|| c["publisher"].as_str())
            .unwrap_or("unknown");
        let mut author = json!({"@type": if c["speaker"].is_null() { "Organization" } else { "Person" }, "name": who});
        if let Some(role) = c["role"].as_str() {
            author["jobTitle"] = role.into();
        }
        let mut appearance = json!({"@type": "CreativeWork"});
        for (from, to) in [("url", "url"), ("title", "headline")] {
            if let Some(v) = c[from].as_str() {
                appearance[to] = v.into();
            }
        }
        if let Some(p) = c["publisher"].as_str() {
            appearance["publisher"] = json!({"@type": "Organization", "name": p});
        }
        let mut item = json!({"@type": "Claim", "author": author, "appearance": [appearance]});
        if let Some(d) = c["said_on"].as_str() {
            item["datePublished"] = d.into();
        }
        let claimed = c["quote"].as_str().map_or_else(
            || format!("{label}: {value_text} {}", c["unit"].as_str().unwrap_or("")),
            str::to_owned,
        );
        let mut r = json!({
            "@type": "ClaimReview",
            "datePublished": how.date,
            "author": {"@type": "Organization", "name": how.reviewer},
            "claimReviewed": claimed,
            "itemReviewed": item,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": value,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": alternate,
            },
            "reviewBody": format!(
                "{label} ({name}): the figure is {figure_words} ({status}). This claim, {value_text}, {}: {}.",
                relation,
                c["reason"].as_str().unwrap_or("")
            ),
            "identifier": format!("reckon:{}:{}", seq, c["hash"].as_str().unwrap_or("")),
        });
        if let Some(u) = how.url {
            r["url"] = format!("{u}#seq-{seq}").into();
        }
        graph.push(r);
    }
    (!graph.is_empty()).then(|| json!({"@context": "https://schema.org", "@graph": graph}))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVIEW: &str = r#"{
      "@context": "https://schema.org",
      "@type": "ClaimReview",
      "url": "https://factcheck.example/pows",
      "datePublished": "2025-05-20",
      "author": {"@type": "Organization", "name": "Example Fact Check"},
      "claimReviewed": "At least 8,000 Ukrainian service members are held captive by Russia",
      "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Iryna Vereshchuk", "jobTitle": "deputy head of the Office of the President"},
        "datePublished": "2025-05-01",
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example/a", "headline": "A headline", "publisher": {"@type": "Organization", "name": "The Kyiv Independent"}}]
      },
      "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1, "alternateName": "Mostly true"}
    }"#;

    #[test]
    fn a_review_gives_a_claim_by_the_reviewed_author_with_the_review_as_evidence() {
        let c = read(REVIEW, Some("pows/ukraine/held-by-russia")).unwrap();
        assert_eq!(c.records.len(), 1);
        let o = &c.records[0].object;
        assert_eq!(o["subject"], "pows/ukraine/held-by-russia");
        assert_eq!(o["value"], "at least 8,000");
        assert_eq!(o["unit"], "people");
        assert_eq!(o["speaker"], "Iryna Vereshchuk");
        assert_eq!(o["role"], "deputy head of the Office of the President");
        assert_eq!(o["said_on"], "2025-05-01");
        assert_eq!(o["publisher"], "The Kyiv Independent");
        assert_eq!(o["url"], "https://news.example/a");
        assert_eq!(
            o["tags"],
            json!([
                "claimreview",
                "reviewed by: Example Fact Check",
                "rating: Mostly true"
            ])
        );
        assert_eq!(c.records[0].place, "$");
    }

    #[test]
    fn arrays_graphs_and_reviews_without_figures() {
        let no_figure = REVIEW.replace(
            "At least 8,000 Ukrainian service members are held captive by Russia",
            "Russia tortures prisoners",
        );
        let doc = format!(
            r#"{{"@context": "https://schema.org", "@graph": [{REVIEW}, {no_figure}, {{"@type": "WebPage"}}]}}"#
        );
        let c = read(&doc, None).unwrap();
        assert_eq!(c.records.len(), 1);
        assert_eq!(
            c.records[0].object["subject"],
            "draft/ukrainian-service-members"
        );
        assert_eq!(c.records[0].place, "$.@graph[0]");
        assert_eq!(
            c.skipped,
            [
                Skipped {
                    place: "$.@graph[1].claimReviewed".into(),
                    reason: "with no figure in claimReviewed".into()
                },
                Skipped {
                    place: "$.@graph[2]".into(),
                    reason: "not a ClaimReview".into()
                }
            ]
        );
        let array = format!("[{REVIEW}, {REVIEW}]");
        assert_eq!(read(&array, None).unwrap().records[1].place, "$[1]");
    }

    #[test]
    fn a_data_feed_gives_the_reviews_of_its_items() {
        // As fact-checkers publish their reviews in bulk: a DataFeed whose elements are
        // DataFeedItems, each with its review as `item` (one, or a list), or a review itself.
        let doc = format!(
            r#"{{"@context": "https://schema.org", "@type": "DataFeed", "dateModified": "2025-06-01",
                "dataFeedElement": [
                  {{"@type": "DataFeedItem", "dateCreated": "2025-05-20", "item": [{REVIEW}]}},
                  {{"@type": "DataFeedItem", "item": {REVIEW}}},
                  {REVIEW},
                  {{"@type": "DataFeedItem"}},
                  {{"@type": "https://schema.org/DataFeedItem", "item": {{"@type": "WebPage"}}}}
                ]}}"#
        );
        let c = read(&doc, None).unwrap();
        let places: Vec<&str> = c.records.iter().map(|r| r.place.as_str()).collect();
        assert_eq!(
            places,
            [
                "$.dataFeedElement[0].item[0]",
                "$.dataFeedElement[1].item",
                "$.dataFeedElement[2]"
            ]
        );
        assert_eq!(
            c.records[0].object,
            read(REVIEW, None).unwrap().records[0].object
        );
        let skipped: Vec<&str> = c.skipped.iter().map(|s| s.place.as_str()).collect();
        assert_eq!(
            skipped,
            ["$.dataFeedElement[3]", "$.dataFeedElement[4].item"]
        );
        // A type is named short, by its URL or as a compact IRI; a longer name is another type.
        let typed = |t: &str| {
            let node = serde_json::json!({ "@type": [t] });
            has_type(node.as_object().unwrap(), "ClaimReview")
        };
        assert!(typed("ClaimReview") && typed("http://schema.org/ClaimReview"));
        assert!(typed("schema:ClaimReview") && !typed("MyClaimReview"));
        // Only a feed is looked into: a review's own `item`-like fields are not.
        let not_a_feed = doc.replacen(r#""@type": "DataFeed","#, r#""@type": "Dataset","#, 1);
        let c = read(&not_a_feed, None).unwrap();
        assert!(c.records.is_empty());
        assert_eq!(c.skipped[0].place, "$");
    }

    #[test]
    fn malformed_input_is_named_where_it_is() {
        let e = read("{\"@type\": \"ClaimReview\",", None).unwrap_err();
        assert!(e.place.starts_with("line 1"), "{e}");
        let bad_date = REVIEW.replace("\"2025-05-01\"", "\"May first\"");
        let e = read(&bad_date, None).unwrap_err();
        assert_eq!(e.place, "$.itemReviewed.datePublished");
    }
}
