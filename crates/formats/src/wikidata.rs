//! Wikidata entity JSON (as `Special:EntityData/Q….json` serves it) in.
//!
//! Each quantity statement becomes a claim on `wikidata/<item>/<property>` (lower case):
//! - the figure: `amount`, or `lowerBound..upperBound` when bounds are given (the amount
//!   then goes in the tags: Wikidata's bounds are the interval the source allows);
//! - the unit: `count` for Wikidata's `1`, else the unit item (`Q11573`);
//! - `as_of`: the point in time (P585), or start and end time (P580, P582), at the precision
//!   Wikidata gives (year, month or day);
//! - the origin, from the first reference: `cites` the item it was stated in (P248), `url` the
//!   reference URL (P854), `quote` the quotation (P1683); `said_on` the reference's
//!   publication date (P577), else the day it was retrieved (P813), else the point in time;
//!   `publisher` is Wikidata, where it was read;
//! - a determination method (P459) is the scope; the statement id is a tag.
//!
//! Statements of other kinds are skipped (counted), as are statements without a value
//! (`somevalue`, `novalue`) and deprecated ones (Wikidata's own mark of a wrong value: they
//! are not recorded, and the count says how many).

use crate::{Converted, FormatError, Record, Skipped, error};
use serde_json::{Map, Value as Json};

/// The datavalue of a snak, when it has one.
fn datavalue(snak: &Json) -> Option<&Json> {
    (snak["snaktype"].as_str() == Some("value")).then(|| &snak["datavalue"]["value"])
}

/// A Wikidata time value as a contract period, at its precision (9 year, 10 month, 11 day).
fn time(v: &Json) -> Option<String> {
    let t = v["time"].as_str()?;
    let t = t.strip_prefix('+')?;
    let precision = v["precision"].as_u64().unwrap_or(11);
    let cut = match precision {
        9 => 4,
        10 => 7,
        11.. => 10,
        _ => return None,
    };
    let p = t.get(..cut)?.to_owned();
    reckon_claim::Period::parse(&p).ok().map(|_| p)
}

/// The first value of a property among qualifiers or reference snaks.
fn first<'a>(snaks: &'a Json, property: &str) -> Option<&'a Json> {
    snaks[property].as_array()?.iter().find_map(datavalue)
}

/// An entity id value (`Q123`).
fn entity(v: &Json) -> Option<String> {
    v["id"].as_str().map(str::to_owned)
}

/// A Wikidata amount (`+8000`, `-2.5`) as a contract number.
fn amount(a: &Json) -> Option<String> {
    let s = a.as_str()?;
    let s = s.strip_prefix('+').unwrap_or(s);
    reckon_claim::Num::parse(s).ok().map(|_| s.to_owned())
}

/// Reads entity JSON: `{"entities": {"Q…": {…}}}`, or one entity object.
pub fn read(text: &str) -> Result<Converted, FormatError> {
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        error(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    let entities: Vec<(String, &Json)> = match doc.get("entities").and_then(Json::as_object) {
        Some(m) => m
            .iter()
            .map(|(k, v)| (format!("entities.{k}"), v))
            .collect(),
        None if doc.get("claims").is_some() => vec![("$".to_owned(), &doc)],
        None => {
            return Err(error(
                "$",
                "not Wikidata entity JSON: expected `entities` (as Special:EntityData serves it) or an entity with `claims`",
            ));
        }
    };
    let mut out = Converted::default();
    for (path, e) in entities {
        let Some(id) = e["id"].as_str() else {
            return Err(error(format!("{path}.id"), "an entity without an id"));
        };
        let label = e["labels"]["en"]["value"].as_str().unwrap_or(id);
        let Some(claims) = e["claims"].as_object() else {
            continue;
        };
        for (property, statements) in claims {
            let Some(statements) = statements.as_array() else {
                return Err(error(
                    format!("{path}.claims.{property}"),
                    "expected an array of statements",
                ));
            };
            for (i, st) in statements.iter().enumerate() {
                let place = format!("{id} {property}[{i}]");
                let skip = |reason: &str| Skipped {
                    place: place.clone(),
                    reason: reason.to_owned(),
                };
                let snak = &st["mainsnak"];
                if snak["datatype"].as_str().is_some_and(|t| t != "quantity")
                    || snak["datavalue"]["type"]
                        .as_str()
                        .is_some_and(|t| t != "quantity")
                {
                    out.skipped.push(skip("statements that are not quantities"));
                    continue;
                }
                let Some(v) = datavalue(snak) else {
                    out.skipped.push(skip("statements without a value"));
                    continue;
                };
                if st["rank"].as_str() == Some("deprecated") {
                    out.skipped.push(skip("deprecated statements"));
                    continue;
                }
                out.records
                    .push(statement(id, label, property, st, v, &place)?);
            }
        }
    }
    Ok(out)
}

fn statement(
    id: &str,
    label: &str,
    property: &str,
    st: &Json,
    v: &Json,
    place: &str,
) -> Result<Record, FormatError> {
    let bad = |field: &str, m: &str| error(format!("{place}, {field}"), m.to_owned());
    let amount_text =
        amount(&v["amount"]).ok_or_else(|| bad("amount", "expected a number like +8000"))?;
    let bounds = (v.get("lowerBound"), v.get("upperBound"));
    let mut tags = vec![Json::from("wikidata")];
    if let Some(sid) = st["id"].as_str() {
        tags.push(format!("statement: {sid}").into());
    }
    let value = match bounds {
        (Some(lo), Some(hi)) => {
            let lo = amount(lo).ok_or_else(|| bad("lowerBound", "expected a number"))?;
            let hi = amount(hi).ok_or_else(|| bad("upperBound", "expected a number"))?;
            tags.push(format!("amount: {amount_text}").into());
            format!("{lo}..{hi}")
        }
        _ => amount_text,
    };
    let unit = match v["unit"].as_str() {
        None | Some("1") => "count".to_owned(),
        Some(u) => u.rsplit('/').next().unwrap_or(u).to_owned(),
    };
    let q = &st["qualifiers"];
    let as_of = match (
        first(q, "P585").and_then(time),
        first(q, "P580").and_then(time),
        first(q, "P582").and_then(time),
    ) {
        (Some(p), _, _) => Some(p),
        (None, Some(s), Some(e)) => Some(format!("{s}/{e}")),
        (None, Some(s), None) => Some(s),
        (None, None, Some(e)) => Some(e),
        (None, None, None) => None,
    };
    let method = first(q, "P459").and_then(entity);
    let reference = st["references"]
        .as_array()
        .and_then(|r| r.first())
        .map(|r| &r["snaks"]);
    let stated_in = reference.and_then(|r| first(r, "P248")).and_then(entity);
    let url = reference
        .and_then(|r| first(r, "P854"))
        .and_then(Json::as_str)
        .map(str::to_owned);
    let quote = reference
        .and_then(|r| first(r, "P1683"))
        .and_then(|v| v["text"].as_str())
        .map(str::to_owned);
    let published = reference.and_then(|r| first(r, "P577")).and_then(time);
    let retrieved = reference.and_then(|r| first(r, "P813")).and_then(time);
    let said_on = published
        .or(retrieved)
        .or_else(|| as_of.as_ref().map(|a| a.split('/').next_back().unwrap_or(a).to_owned()))
        .ok_or_else(|| {
            bad(
                "references",
                "no date it was said: the reference has no publication date (P577) or retrieved date (P813), and the statement no point in time (P585)",
            )
        })?;
    let mut o = Map::new();
    o.insert(
        "subject".into(),
        format!("wikidata/{}/{}", id.to_lowercase(), property.to_lowercase()).into(),
    );
    o.insert("value".into(), value.into());
    o.insert("unit".into(), unit.into());
    if let Some(m) = method {
        o.insert("scope".into(), format!("determination method {m}").into());
    }
    if let Some(a) = as_of {
        o.insert("as_of".into(), a.into());
    }
    o.insert("said_on".into(), said_on.into());
    match (&stated_in, &url) {
        (Some(s), _) => {
            o.insert("cites".into(), s.clone().into());
        }
        (None, Some(u)) => {
            o.insert("cites".into(), u.clone().into());
        }
        (None, None) => {}
    }
    o.insert("publisher".into(), "Wikidata".into());
    o.insert(
        "url".into(),
        url.unwrap_or_else(|| format!("https://www.wikidata.org/wiki/{id}#{property}"))
            .into(),
    );
    o.insert("title".into(), format!("{label} ({id}), {property}").into());
    if let Some(q) = quote {
        o.insert("quote".into(), q.into());
    }
    o.insert("tags".into(), Json::Array(tags));
    Ok(Record {
        object: o,
        place: place.to_owned(),
        sources: vec![
            ("value".into(), format!("{place}, mainsnak.datavalue.value")),
            (
                "said_on".into(),
                format!("{place}, references[0] (P577 or P813)"),
            ),
            (
                "as_of".into(),
                format!("{place}, qualifiers (P585, P580, P582)"),
            ),
            (
                "unit".into(),
                format!("{place}, mainsnak.datavalue.value.unit"),
            ),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement_json(rank: &str, bounds: bool) -> String {
        let b = if bounds {
            r#", "lowerBound": "+7900", "upperBound": "+8100""#
        } else {
            ""
        };
        format!(
            r#"{{"mainsnak": {{"snaktype": "value", "property": "P1082", "datatype": "quantity",
                "datavalue": {{"type": "quantity", "value": {{"amount": "+8000", "unit": "1"{b}}}}}}},
              "type": "statement", "id": "Q1$abc", "rank": "{rank}",
              "qualifiers": {{"P585": [{{"snaktype": "value", "property": "P585",
                "datavalue": {{"type": "time", "value": {{"time": "+2025-05-00T00:00:00Z", "precision": 10}}}}}}]}},
              "references": [{{"snaks": {{
                "P248": [{{"snaktype": "value", "datavalue": {{"type": "wikibase-entityid", "value": {{"entity-type": "item", "id": "Q555"}}}}}}],
                "P854": [{{"snaktype": "value", "datavalue": {{"type": "string", "value": "https://source.example/x"}}}}],
                "P813": [{{"snaktype": "value", "datavalue": {{"type": "time", "value": {{"time": "+2025-06-02T00:00:00Z", "precision": 11}}}}}}]
              }}}}]}}"#
        )
    }

    #[test]
    fn a_quantity_statement_is_a_claim_with_its_reference_as_origin() {
        let doc = format!(
            r#"{{"entities": {{"Q1": {{"id": "Q1", "labels": {{"en": {{"value": "Thing"}}}}, "claims": {{
                "P1082": [{}, {}],
                "P31": [{{"mainsnak": {{"snaktype": "value", "datatype": "wikibase-item", "datavalue": {{"type": "wikibase-entityid", "value": {{"id": "Q5"}}}}}}, "rank": "normal"}}]
            }}}}}}}}"#,
            statement_json("normal", true),
            statement_json("deprecated", false)
        );
        let c = read(&doc).unwrap();
        assert_eq!(c.records.len(), 1);
        let o = &c.records[0].object;
        assert_eq!(o["subject"], "wikidata/q1/p1082");
        assert_eq!(o["value"], "7900..8100");
        assert_eq!(o["unit"], "count");
        assert_eq!(o["as_of"], "2025-05");
        assert_eq!(o["said_on"], "2025-06-02");
        assert_eq!(o["cites"], "Q555");
        assert_eq!(o["url"], "https://source.example/x");
        assert_eq!(c.skipped.len(), 2);
        assert_eq!(c.skipped[0].reason, "deprecated statements");
        assert_eq!(c.skipped[1].reason, "statements that are not quantities");
        assert_eq!(c.skipped[1].place, "Q1 P31[0]");
    }

    #[test]
    fn malformed_entities_are_named() {
        assert!(read("[1, 2]").unwrap_err().message.contains("not Wikidata"));
        let bad = statement_json("normal", false).replace("+8000", "lots");
        let doc = format!(r#"{{"id": "Q9", "claims": {{"P1": [{bad}]}}}}"#);
        let e = read(&doc).unwrap_err();
        assert_eq!(e.place, "Q9 P1[0], amount");
    }
}
