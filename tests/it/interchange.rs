//! Claims in and out: export, import --from csv|claimreview|wikidata, and their round trips.

use crate::support::{reckon, root, scratch, seeded};
use serde_json::Value as Json;

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

/// The claims of an export, without where they stood in their log.
fn contract_fields(jsonl: &str) -> Vec<Json> {
    jsonl
        .lines()
        .map(|l| {
            let mut v: Json = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("exported");
            v
        })
        .collect()
}

fn fresh(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let log = dir.join(name);
    assert_eq!(reckon(&log, &["init"], None).code, 0);
    log
}

#[test]
fn export_then_import_gives_the_same_claims_as_jsonl_and_as_csv() {
    let dir = scratch("roundtrip");
    let log = seeded(&dir);
    // A correction and a retraction: export lists the live claims, with their place.
    assert_eq!(
        reckon(&log, &["add", "--supersedes", "21", "--value", "206"], None).code,
        0
    );
    assert_eq!(
        reckon(&log, &["retract", "18", "--reason", "test"], None).code,
        0
    );
    let out = reckon(&log, &["export"], None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let first: Json = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["exported"]["seq"], 10);
    assert_eq!(first["exported"]["state"], "live");
    assert!(!out.stdout.contains("\"retracted\""));
    let corrected = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .find(|c| c["exported"]["seq"] == 27)
        .unwrap();
    assert_eq!(corrected["exported"]["supersedes_seq"], 21);
    assert!(corrected.get("supersedes").is_none());
    let live = contract_fields(&out.stdout);
    // JSON Lines back into a fresh log: the same claims.
    let copy = fresh(&dir, "copy");
    let r = reckon(&copy, &["import", "-"], Some(out.stdout.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert_eq!(
        contract_fields(&reckon(&copy, &["export"], None).stdout),
        live
    );
    // CSV out and back: the same claims again.
    let csv = reckon(&log, &["export", "--format", "csv"], None);
    assert_eq!(csv.code, 0);
    assert!(csv.stdout.starts_with("seq,hash,state,"), "{}", csv.stdout);
    let sheet = dir.join("claims.csv");
    std::fs::write(&sheet, &csv.stdout).unwrap();
    let from_csv = fresh(&dir, "from-csv");
    let r = reckon(
        &from_csv,
        &["import", sheet.to_str().unwrap(), "--from", "csv"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout.contains(&format!("read {} records", live.len())),
        "{}",
        r.stdout
    );
    assert_eq!(
        contract_fields(&reckon(&from_csv, &["export"], None).stdout),
        live
    );
    // --all adds the withdrawn claims with their state; they are refused on the way back in.
    let all = reckon(&log, &["export", "--all"], None).stdout;
    let withdrawn: Vec<Json> = all
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .filter(|c| c["exported"]["state"] != "live")
        .collect();
    let states: Vec<&str> = withdrawn
        .iter()
        .map(|c| c["exported"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["retracted", "superseded"]);
    let again = fresh(&dir, "again");
    let r = reckon(&again, &["import", "-"], Some(all.as_bytes()));
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("field `exported`: the claim was retracted"),
        "{}",
        r.stderr
    );
    // A pattern selects subjects; one that selects nothing says so.
    let pows = reckon(&log, &["export", "pows/"], None).stdout;
    assert!(
        pows.lines().all(|l| l.contains("\"subject\":\"pows/")),
        "{pows}"
    );
    assert_eq!(reckon(&log, &["export", "nothing/"], None).code, 2);
}

#[test]
fn a_bad_sheet_is_refused_naming_the_row_and_column_and_nothing_is_imported() {
    let dir = scratch("csv-errors");
    let log = seeded(&dir);
    let before = std::fs::read(log.join("entries.jsonl")).unwrap();
    let cases = [
        (
            "subject,valeu,said_on\n",
            "row 1, column 2: unknown column `valeu`; did you mean `value`?",
        ),
        (
            "\u{feff}subject,value,said_on,speaker\npows/ukraine/held-by-russia,\"about 9,000\",2025-05-02,A\npows/ukraine/held-by-russia,lots,2025-05-02,B\n",
            "row 3, column 2 (`value`):",
        ),
        (
            "subject,value,said_on,speaker\npows/ukraine/held-by-russia,\"9,000\",2025-05-02\n",
            "row 2: has 3 cells; the header has 4",
        ),
        (
            "subject,value,said_on,speaker\npows/ukraine/held-by-russia,9000,2025-13-02,A\n",
            "row 2, column 3 (`said_on`):",
        ),
        // Rows are counted as a spreadsheet counts them, blank ones too.
        (
            "subject,value,said_on,speaker\npows/ukraine/held-by-russia,9000,2025-05-02,A\n,,,\npows/ukraine/held-by-russia,lots,2025-05-02,B\n",
            "row 4, column 2 (`value`):",
        ),
        (
            "seq,hash,state,subject,value,said_on,speaker\n4,ab,retracted,pows/ukraine/held-by-russia,9000,2025-05-02,A\n",
            "row 2, column 3 (`state`): the claim was retracted",
        ),
        ("subject,value,said_on,speaker\n", "-: nothing to import"),
    ];
    for (sheet, expected) in cases {
        let r = reckon(
            &log,
            &["import", "-", "--from", "csv"],
            Some(sheet.as_bytes()),
        );
        assert_eq!(r.code, 2, "{}", r.transcript());
        assert!(r.stderr.contains(expected), "{expected}\n{}", r.stderr);
        assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), before);
    }
    // What vetting leaves out is named by the rows a spreadsheet shows, not the lines made
    // from them.
    let sheet = "subject,value,unit,said_on,speaker\n\
        pows/ukraine/held-by-russia,9000,people,2025-05-02,A\n\
        pows/ukraine/held-by-russia,9000,people,2025-05-02,A\n";
    let r = reckon(
        &log,
        &[
            "import",
            "-",
            "--from",
            "csv",
            "--skip-duplicates",
            "--dry-run",
        ],
        Some(sheet.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("left out as duplicates (1): row 3 (row 2)\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn claimreview_figures_become_claims_and_reviews_without_one_are_skipped_with_the_reason() {
    let dir = scratch("claimreview-in");
    let log = seeded(&dir);
    let r = reckon(
        &log,
        &[
            "import",
            &fixture("claimreview/reviews.jsonld"),
            "--from",
            "claimreview",
            "--subject",
            "pows/ukraine/held-by-russia",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout.contains(
            "read 1 record; skipped 2: 1 with no figure in claimReviewed, 1 not a ClaimReview"
        ),
        "{}",
        r.stdout
    );
    let c: Json =
        serde_json::from_str(&reckon(&log, &["show", "27", "--format", "json"], None).stdout)
            .unwrap();
    let e = &c["event"];
    assert_eq!(e["value"], "about 9,000");
    assert_eq!(e["speaker"], "Dmytro Lubinets");
    assert_eq!(e["said_on"], "2025-05-02");
    assert_eq!(e["publisher"], "Example News");
    assert!(
        e["tags"]
            .as_array()
            .unwrap()
            .contains(&Json::from("rating: Mostly accurate"))
    );
    // A malformed review is named by its JSON path, and nothing is imported.
    let r = reckon(
        &log,
        &[
            "import",
            &fixture("claimreview/bad-date.jsonld"),
            "--from",
            "claimreview",
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("$[0].itemReviewed.datePublished"),
        "{}",
        r.stderr
    );
    // A feed of reviews, as fact-checkers publish them in bulk, read as it comes: what the
    // importer refuses is named by the review's place in the feed.
    let reviews: Json = serde_json::from_str(
        &std::fs::read_to_string(fixture("claimreview/reviews.jsonld")).unwrap(),
    )
    .unwrap();
    let items: Vec<Json> = reviews
        .as_array()
        .into_iter()
        .flatten()
        .chain(
            reviews
                .get("@graph")
                .and_then(Json::as_array)
                .into_iter()
                .flatten(),
        )
        .map(|r| serde_json::json!({"@type": "DataFeedItem", "item": [r]}))
        .collect();
    assert_eq!(items.len(), 3);
    let feed = serde_json::json!({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items});
    let import_feed = |extra: &[&str]| {
        let args = [
            "import",
            "-",
            "--from",
            "claimreview",
            "--subject",
            "pows/ukraine/held-by-russia",
        ];
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        reckon(&log, &args, Some(feed.to_string().as_bytes()))
    };
    let r = import_feed(&[]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("-: $.dataFeedElement[0].item[0]: a duplicate of the claim at #27"),
        "{}",
        r.stderr
    );
    let r = import_feed(&["--skip-duplicates"]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout
            .contains("left out as duplicates (1): $.dataFeedElement[0].item[0] (#27)\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "read 1 record; skipped 2: 1 with no figure in claimReviewed, 1 not a ClaimReview"
        ),
        "{}",
        r.stdout
    );
    // A file whose reviews state no figure imports nothing, and says why.
    let none = r#"{"@type": "ClaimReview", "claimReviewed": "Russia never mistreats prisoners", "datePublished": "2025-05-21"}"#;
    let r = reckon(
        &log,
        &["import", "-", "--from", "claimreview"],
        Some(none.as_bytes()),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("nothing to import (skipped: 1 with no figure in claimReviewed)"),
        "{}",
        r.stderr
    );
}

#[test]
fn claimreview_export_rates_each_counted_claim_against_the_figure_and_reads_back() {
    let dir = scratch("claimreview-out");
    let log = seeded(&dir);
    let r = reckon(
        &log,
        &[
            "export",
            "--format",
            "claimreview",
            "--reviewer",
            "Desk",
            "--url",
            "https://desk.example/checks",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    let mut reviews = 0;
    for line in r.stdout.lines() {
        let doc: Json = serde_json::from_str(line).unwrap();
        assert_eq!(doc["@context"], "https://schema.org");
        for review in doc["@graph"].as_array().unwrap() {
            reviews += 1;
            assert_eq!(review["@type"], "ClaimReview");
            assert_eq!(review["author"]["name"], "Desk");
            assert_eq!(review["datePublished"], "2025-11-22");
            let rating = &review["reviewRating"];
            assert!((1..=5).contains(&rating["ratingValue"].as_u64().unwrap()));
            assert!(rating["alternateName"].as_str().is_some());
            assert!(
                review["url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://desk.example/checks#seq-")
            );
            assert!(review["itemReviewed"]["author"]["name"].as_str().is_some());
            assert!(
                review["reviewBody"]
                    .as_str()
                    .unwrap()
                    .contains("the figure is")
            );
        }
    }
    assert!(reviews >= 10, "{reviews} reviews\n{}", r.stdout);
    // The captives' figure, read back as reviews: the figures of the quotes, by their speakers.
    let pows = reckon(&log, &["export", "pows/", "--format", "claimreview"], None).stdout;
    let copy = fresh(&dir, "copy");
    let r = reckon(
        &copy,
        &[
            "import",
            "-",
            "--from",
            "claimreview",
            "--subject",
            "pows/ukraine/held-by-russia",
        ],
        Some(pows.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    let back = reckon(&copy, &["export"], None).stdout;
    let values: Vec<String> = contract_fields(&back)
        .iter()
        .map(|c| {
            format!(
                "{} by {}",
                c["value"].as_str().unwrap(),
                c["speaker"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            "at least 8,000 by Iryna Vereshchuk",
            "approximately 10,000 by Artur Dobroserdov"
        ]
    );
}

#[test]
fn wikidata_quantities_become_claims_with_their_references_and_ranks_respected() {
    let dir = scratch("wikidata");
    let log = fresh(&dir, "log");
    let r = reckon(
        &log,
        &[
            "import",
            &fixture("wikidata/Q999.json"),
            "--from",
            "wikidata",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout.contains("read 2 records; skipped 3: 1 deprecated statements, 1 statements without a value, 1 statements that are not quantities"),
        "{}",
        r.stdout
    );
    let claims = contract_fields(&reckon(&log, &["export"], None).stdout);
    assert_eq!(claims[0]["subject"], "wikidata/q999/p1114");
    assert_eq!(claims[0]["value"], "390");
    assert_eq!(claims[0]["as_of"], "2025-05-23");
    assert_eq!(claims[0]["said_on"], "2025-05-23");
    assert_eq!(
        claims[0]["url"],
        "https://news.example/2025/05/23/phase-one"
    );
    assert_eq!(
        claims[0]["quote"],
        "the first phase concluded with the repatriation of 390 individuals"
    );
    assert_eq!(claims[1]["value"], "950..1050");
    assert_eq!(claims[1]["as_of"], "2025-05-23/2025-05-25");
    assert_eq!(claims[1]["cites"], "Q12345");
    assert_eq!(claims[1]["said_on"], "2025-06-01");
    // A malformed statement is named by item, property and index, and nothing is imported.
    let r = reckon(
        &log,
        &[
            "import",
            &fixture("wikidata/bad-amount.json"),
            "--from",
            "wikidata",
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("Q998 P1114[0], amount: expected a number"),
        "{}",
        r.stderr
    );
    assert_eq!(
        contract_fields(&reckon(&log, &["export"], None).stdout).len(),
        2
    );
    // --subject is for reviews, whose claims name none: elsewhere it is refused, not ignored.
    let r = reckon(
        &log,
        &[
            "import",
            &fixture("wikidata/Q999.json"),
            "--from",
            "wikidata",
            "--subject",
            "x/y",
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("--subject sets the subject of claims read from reviews"),
        "{}",
        r.stderr
    );
    // Not entity JSON: refused, saying what was expected.
    let r = reckon(
        &log,
        &["import", "-", "--from", "wikidata"],
        Some(b"{\"x\": 1}"),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not Wikidata entity JSON"),
        "{}",
        r.stderr
    );
}

/// The entities of `served` (entity JSON as Special:EntityData serves it), each on one line,
/// as a Wikidata dump lays them out (`[`, one entity a line with a comma after each but the
/// last, `]`); without the closing line when not `closed`.
fn as_dump(served: &str, closed: bool) -> String {
    let doc: Json = serde_json::from_str(served).unwrap();
    let entities: Vec<String> = doc["entities"]
        .as_object()
        .unwrap()
        .values()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    format!(
        "[\n{}\n{}",
        entities.join(",\n"),
        if closed { "]\n" } else { "" }
    )
}

#[test]
fn a_wikidata_dump_is_imported_an_entity_at_a_time_with_the_same_claims() {
    let dir = scratch("wikidata-dump");
    let (served, dumped) = (fresh(&dir, "served"), fresh(&dir, "dumped"));
    let from = |log: &std::path::Path, file: &str, input: Option<&[u8]>| {
        reckon(log, &["import", file, "--from", "wikidata"], input)
    };
    assert_eq!(from(&served, &fixture("wikidata/Q999.json"), None).code, 0);
    let q999 = std::fs::read_to_string(fixture("wikidata/Q999.json")).unwrap();
    let dump = dir.join("latest-all.json");
    std::fs::write(&dump, as_dump(&q999, true)).unwrap();
    let r = from(&dumped, dump.to_str().unwrap(), None);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout.contains("read 2 records; skipped 3: 1 deprecated statements, 1 statements without a value, 1 statements that are not quantities\n"),
        "{}",
        r.stdout
    );
    let export = |log| contract_fields(&reckon(log, &["export"], None).stdout);
    assert_eq!(export(&dumped), export(&served));
    let r = reckon(
        &dumped,
        &[
            "import",
            dump.to_str().unwrap(),
            "--from",
            "wikidata",
            "--skip-duplicates",
        ],
        None,
    );
    assert!(
        r.stdout
            .contains("left out as duplicates (2): Q999 P1114[0] (#1), Q999 P1114[1] (#2)\n"),
        "{}",
        r.transcript()
    );
    assert_eq!(export(&dumped).len(), 2);
    // A dump cut short gives what it has, and says so; from standard input too.
    let cut = as_dump(&q999, false);
    let r = reckon(
        &fresh(&dir, "cut"),
        &["import", "-", "--from", "wikidata"],
        Some(cut.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout
            .contains("; the dump ends at line 2 without its closing `]` (cut short?)"),
        "{}",
        r.stdout
    );
    // A line that is not an entity is named by its line, and nothing is imported.
    let before = std::fs::read(dumped.join("entries.jsonl")).unwrap();
    let torn = format!("{}{{\"id\": \"Q1\", \"cla\n]\n", &cut);
    let r = from(&dumped, "-", Some(torn.as_bytes()));
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("-: line 3, column ") && r.stderr.contains("not an entity"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(dumped.join("entries.jsonl")).unwrap(), before);
    // What the importer refuses is named by statement and field, said once, read whole or
    // as a dump.
    let published = r#""P577": [{"snaktype": "value", "property": "P577", "datatype": "time", "datavalue": {"type": "time", "value": {"time": "+2025"#;
    assert!(q999.contains(published));
    let future = q999.replace(published, &published.replace("+2025", "+2099"));
    let whole = dir.join("future.json");
    std::fs::write(&whole, &future).unwrap();
    std::fs::write(&dump, as_dump(&future, true)).unwrap();
    for file in [&whole, &dump] {
        let r = from(&fresh(&dir, "f"), file.to_str().unwrap(), None);
        assert_eq!(r.code, 2, "{}", r.transcript());
        assert!(
            r.stderr.contains(
                ": Q999 P1114[0], references[0] (P577 or P813): 2099-05-23 is after today"
            ),
            "{}",
            r.stderr
        );
        std::fs::remove_dir_all(dir.join("f")).unwrap();
    }
    // A dump with no quantity statement is refused, saying what it skipped.
    let r = from(
        &dumped,
        "-",
        Some(b"[\n{\"id\": \"Q5\", \"claims\": {\"P1082\": [{\"mainsnak\": {\"snaktype\": \"novalue\", \"datatype\": \"quantity\"}}]}},\n{\"id\": \"Q6\", \"claims\": {\"P31\": []}}\n]\n"),
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains(
            "-: nothing to import (skipped: 1 statements without a value; 1 entities with no quantity statement)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn extract_prints_drafts_in_the_import_contract_and_never_writes() {
    let dir = scratch("extract-cli");
    let log = seeded(&dir);
    let before = std::fs::read(log.join("entries.jsonl")).unwrap();
    let article = dir.join("article.txt");
    std::fs::write(
        &article,
        "Talks end\n\nMay 16, 2025\n\nRussia and Ukraine agreed to exchange 1,000 prisoners each, Defense Minister Rustem Umerov told reporters on May 16.\n",
    )
    .unwrap();
    let r = reckon(
        &log,
        &["extract", article.to_str().unwrap(), "--publisher", "Paper"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    let d: Json = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(d["value"], "1,000");
    assert_eq!(d["speaker"], "Rustem Umerov");
    assert_eq!(d["said_on"], "2025-05-16");
    assert_eq!(d["document"], "article.txt");
    assert_eq!(d["tags"][0], "draft");
    assert!(r.stderr.contains("1 draft claim from"), "{}", r.stderr);
    assert_eq!(std::fs::read(log.join("entries.jsonl")).unwrap(), before);
}
