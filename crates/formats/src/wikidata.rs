//! Wikidata entity JSON (as `Special:EntityData/Q….json` serves it, or a list of entities)
//! in, whole; a dump (as `dumps.wikimedia.org` lays it out) an entity at a time ([`Dump`]).
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

/// Reads entity JSON whole: `{"entities": {"Q…": {…}}}`, one entity object, or an array of
/// entities. A dump laid out as Wikidata's are (see [`Dump`]) is better read a line at a time.
pub fn read(text: &str) -> Result<Converted, FormatError> {
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        error(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    let entities: Vec<(String, &Json)> = match (
        doc.get("entities").and_then(Json::as_object),
        doc.as_array(),
    ) {
        (Some(m), _) => m
            .iter()
            .map(|(k, v)| (format!("entities.{k}"), v))
            .collect(),
        (None, Some(list)) if list.iter().all(|e| e.get("claims").is_some()) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("$[{i}]"), v))
            .collect(),
        (None, None) if doc.get("claims").is_some() => vec![("$".to_owned(), &doc)],
        _ => return Err(not_entities("$")),
    };
    let mut out = Converted::default();
    for (path, e) in entities {
        statements_of(&path, e, &mut |got| {
            match got {
                Ok(r) => out.records.push(r),
                Err(s) => out.skipped.push(s),
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// The error for a document that is not entity JSON, at `place`.
fn not_entities(place: &str) -> FormatError {
    error(
        place,
        "not Wikidata entity JSON: expected `entities` (as Special:EntityData serves it), an entity with `claims`, or a list of them (as the dumps are)",
    )
}

/// Each quantity statement of entity `e` (at `path` in its document) given to `take` as a
/// record, each statement left out as what was skipped; the first error `take` gives ends it.
fn statements_of(
    path: &str,
    e: &Json,
    take: &mut dyn FnMut(Result<Record, Skipped>) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let Some(id) = e["id"].as_str() else {
        return Err(error(format!("{path}.id"), "an entity without an id"));
    };
    let label = e["labels"]["en"]["value"].as_str().unwrap_or(id);
    let Some(claims) = e["claims"].as_object() else {
        return Ok(());
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
            let skip = |reason: &str| {
                Err(Skipped {
                    place: place.clone(),
                    reason: reason.to_owned(),
                })
            };
            let snak = &st["mainsnak"];
            let got = if another_kind(snak) {
                skip("statements that are not quantities")
            } else if let Some(v) = datavalue(snak) {
                if st["rank"].as_str() == Some("deprecated") {
                    skip("deprecated statements")
                } else {
                    Ok(statement(id, label, property, st, v, &place)?)
                }
            } else {
                skip("statements without a value")
            };
            take(got)?;
        }
    }
    Ok(())
}

/// A Wikidata dump read an entity at a time, as the JSON Lines of its claims: the layout
/// of `dumps.wikimedia.org`'s JSON dumps, a `[` line, then one entity a line (each but the
/// last followed by a comma), then a `]` line. Neither the dump nor its records are ever
/// held whole: what it keeps for each line it gave is the place of its statement
/// (`Q42 P1082[0]`, a few bytes), to name whatever the importer refuses
/// ([`Dump::record`]). An entity whose line never says `"quantity"`, and whose statements
/// are all of kinds the reading skips (read from their main snaks alone, the rest passed
/// over, never built), is counted as skipped whole, not statement by statement. A line that
/// is not an entity, or a statement that cannot be read, ends the reading with an
/// [`std::io::Error`] that carries the [`FormatError`], named by the dump's line
/// ([`crate::carried`]). A dump cut short (no `]` line) gives what it has, and
/// [`Dump::closed`] says so.
pub struct Dump<R: std::io::BufRead> {
    input: R,
    /// The number of the last line read (the `[` line is line 1).
    read: u64,
    /// The lines made from the last entity read, and how much of them has been given.
    lines: Vec<u8>,
    at: usize,
    /// Where each line given came from: their places one after another, and where each ends.
    places: String,
    ends: Vec<usize>,
    /// What was skipped, by reason, in the order first met.
    skipped: Vec<(String, usize)>,
    /// Whether the `]` line was read.
    closed: bool,
    /// A line read, for reuse.
    raw: Vec<u8>,
}

/// Whether `first_line` (the first line of a file that is not blank) opens a dump laid out
/// as Wikidata's are ([`Dump`]): a `[` alone on its line.
pub fn opens_dump(first_line: &[u8]) -> bool {
    crate::without_bom(first_line).trim_ascii() == b"["
}

impl<R: std::io::BufRead> Dump<R> {
    /// Reads the entities of `input`, whose first line, the `[` (see [`opens_dump`]), was
    /// read already as line `opened_at`.
    pub fn after_opening(input: R, opened_at: u64) -> Dump<R> {
        Dump {
            input,
            read: opened_at,
            lines: Vec::new(),
            at: 0,
            places: String::new(),
            ends: Vec::new(),
            skipped: Vec::new(),
            closed: false,
            raw: Vec::new(),
        }
    }

    /// How many lines (claims) it has given.
    pub fn count(&self) -> usize {
        self.ends.len()
    }

    /// What was skipped so far, by reason (in the order first met), with how many of each.
    pub fn skipped_by_reason(&self) -> &[(String, usize)] {
        &self.skipped
    }

    /// Whether the dump's closing `]` was read (false for a dump cut short, or not yet read
    /// to its end).
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// The number of the last line of the dump read.
    pub fn lines_read(&self) -> u64 {
        self.read
    }

    /// The record that line `line` (from 1) came from, with where each of its fields was
    /// (its object left empty): for an error about that line.
    pub fn record(&self, line: u64) -> Option<Record> {
        let i = usize::try_from(line.checked_sub(1)?).ok()?;
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
        };
        let place = self.places.get(start..end)?;
        Some(Record {
            object: Map::new(),
            place: place.to_owned(),
            sources: sources(),
        })
    }

    /// Makes the lines of the next entity that has any; false at the end.
    fn next_entity(&mut self) -> Result<bool, FormatError> {
        self.lines.clear();
        self.at = 0;
        while self.lines.is_empty() {
            self.raw.clear();
            let got = self
                .input
                .read_until(b'\n', &mut self.raw)
                .map_err(|e| error(format!("line {}", self.read + 1), e.to_string()))?;
            if got == 0 {
                return Ok(false);
            }
            self.read += 1;
            let at = format!("line {}", self.read);
            let text = self.raw.trim_ascii();
            if self.closed {
                if text.is_empty() {
                    continue;
                }
                return Err(error(at, "text after the dump's closing `]`"));
            }
            match text {
                b"" => continue,
                b"]" => {
                    self.closed = true;
                    continue;
                }
                _ => {}
            }
            let text = text.strip_suffix(b",").unwrap_or(text);
            let not_an_entity = |e: serde_json::Error| {
                error(
                    format!("{at}, column {}", e.column()),
                    format!("not an entity: {e} (a dump has one entity a line)"),
                )
            };
            // Most entities of a dump state no quantity: one whose line never says
            // `"quantity"` has none, and is only checked to be an entity (its members passed
            // over unbuilt), not converted.
            if memchr::memmem::find(text, b"\"quantity\"").is_none() {
                let shape: Shape = serde_json::from_slice(text).map_err(not_an_entity)?;
                if shape.only_others && shape.id.as_ref().is_some_and(Json::is_string) {
                    crate::count_skip(&mut self.skipped, "entities with no quantity statement");
                    continue;
                }
                // Anything else is read whole, as any entity is (and refused as it is).
            }
            let e: Json = serde_json::from_slice(text).map_err(not_an_entity)?;
            if e.get("claims").is_none() {
                return Err(not_entities(&at));
            }
            let (lines, places, ends, skipped) = (
                &mut self.lines,
                &mut self.places,
                &mut self.ends,
                &mut self.skipped,
            );
            statements_of("$", &e, &mut |got| {
                match got {
                    Ok(r) => {
                        // A map of JSON values always serialises.
                        let _ = serde_json::to_writer(&mut *lines, &r.object);
                        lines.push(b'\n');
                        places.push_str(&r.place);
                        ends.push(places.len());
                    }
                    Err(s) => crate::count_skip(skipped, &s.reason),
                }
                Ok(())
            })
            .map_err(|e| error(format!("{at}, {}", e.place), e.message))?;
        }
        Ok(true)
    }
}

/// Whether [`statements_of`] skips the statement whose main snak is `snak` as one of
/// another kind than a quantity.
fn another_kind(snak: &Json) -> bool {
    snak["datatype"].as_str().is_some_and(|t| t != "quantity")
        || snak["datavalue"]["type"]
            .as_str()
            .is_some_and(|t| t != "quantity")
}

/// What [`Dump`] reads first of an entity that never says `"quantity"`: its id, and whether
/// it has `claims` and every statement in them is one [`statements_of`] skips as of another
/// kind (then nothing else of it is needed). Only the main snaks are built; the rest is
/// passed over. Whatever is unexpected in it (a duplicate key, a value of another type) makes
/// it not `only_others`, and the entity is read whole.
struct Shape {
    id: Option<Json>,
    only_others: bool,
}

/// A serde visitor for the parts of [`Shape`]: `$what` reads a map, and anything else gives
/// `$other` (after passing a list over).
macro_rules! shape_visitor {
    ($name:ident, $value:ty, $what:literal, $other:expr, |$map:ident| $body:block) => {
        struct $name;
        impl<'de> serde::de::Visitor<'de> for $name {
            type Value = $value;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($what)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut $map: A,
            ) -> Result<$value, A::Error> {
                $body
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<$value, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok($other)
            }
            scalars_give!($other);
        }
    };
}

// The entity: its id, and whether its claims are all of other kinds.
shape_visitor!(
    EntityShape,
    Shape,
    "an entity",
    Shape {
        id: None,
        only_others: false
    },
    |map| {
        let (mut id, mut claims) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'_, str>>()? {
            match key.as_ref() {
                "id" if id.is_none() => id = Some(map.next_value::<Json>()?),
                "claims" if claims.is_none() => claims = Some(map.next_value::<Others>()?.0),
                "id" | "claims" => {
                    // A key twice: the whole reading keeps the last; read it whole.
                    map.next_value::<serde::de::IgnoredAny>()?;
                    claims = Some(false);
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(Shape {
            id,
            only_others: claims == Some(true),
        })
    }
);

/// Whether every statement of a `claims` map is of another kind (a `claims` that is not a
/// map holds none, as [`statements_of`] reads it).
struct Others(bool);

shape_visitor!(ClaimsShape, Others, "claims", Others(true), |map| {
    let mut all = true;
    while let Some(property) = map.next_key::<std::borrow::Cow<'_, str>>()? {
        let _ = property;
        all &= map.next_value::<Statements>()?.0;
    }
    Ok(Others(all))
});

/// Whether every statement of a property's list is of another kind (a value that is not a
/// list is an error of the whole reading: not).
struct Statements(bool);

impl<'de> serde::Deserialize<'de> for Statements {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Statements, D::Error> {
        struct List;
        impl<'de> serde::de::Visitor<'de> for List {
            type Value = bool;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("statements")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
                let mut all = true;
                while let Some(one) = seq.next_element::<Statement>()? {
                    all &= one.0;
                }
                Ok(all)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(false)
            }
            scalars_give!(false);
        }
        d.deserialize_any(List).map(Statements)
    }
}

/// Whether one statement is of another kind, read from its main snak alone.
struct Statement(bool);

shape_visitor!(
    StatementShape,
    Statement,
    "a statement",
    Statement(false),
    |map| {
        let mut snak = None;
        let mut twice = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'_, str>>()? {
            if key == "mainsnak" {
                twice |= snak.is_some();
                snak = Some(map.next_value::<Json>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(Statement(!twice && snak.as_ref().is_some_and(another_kind)))
    }
);

macro_rules! deserialize_with {
    ($ty:ty, $visitor:expr) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                d.deserialize_any($visitor)
            }
        }
    };
}
deserialize_with!(Shape, EntityShape);
deserialize_with!(Others, ClaimsShape);
deserialize_with!(Statement, StatementShape);

impl<R: std::io::BufRead> std::io::Read for Dump<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.lines.len() && !self.next_entity().map_err(std::io::Error::other)? {
            return Ok(0);
        }
        Ok(crate::give(&self.lines, &mut self.at, buf))
    }
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
        sources: sources(),
    })
}

/// Where the fields of a statement's record came from, within the statement.
fn sources() -> Vec<(String, String)> {
    [
        ("value", "mainsnak.datavalue.value"),
        ("said_on", "references[0] (P577 or P813)"),
        ("as_of", "qualifiers (P585, P580, P582)"),
        ("unit", "mainsnak.datavalue.value.unit"),
    ]
    .into_iter()
    .map(|(field, from)| (field.to_owned(), from.to_owned()))
    .collect()
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

    /// An entity with the statements of `statement_json` under `property`, on one line.
    fn entity_line(id: &str, statements: &[String]) -> String {
        let doc = format!(
            r#"{{"id": "{id}", "labels": {{"en": {{"value": "Thing {id}"}}}}, "claims": {{"P1082": [{}]}}}}"#,
            statements.join(", ")
        );
        // One line, as the dumps have it.
        serde_json::to_string(&serde_json::from_str::<Json>(&doc).unwrap()).unwrap()
    }

    fn dump_of(entities: &[String], closed: bool) -> String {
        let mut d = format!("[\n{}\n", entities.join(",\n"));
        if closed {
            d.push_str("]\n");
        }
        d
    }

    /// Reads `dump` through [`Dump`] to its end: the lines it gave, or its error.
    fn streamed(dump: &str) -> (Result<String, std::io::Error>, Dump<&[u8]>) {
        let mut input = dump.as_bytes();
        let mut first = Vec::new();
        std::io::BufRead::read_until(&mut input, b'\n', &mut first).unwrap();
        assert!(opens_dump(&first));
        let mut d = Dump::after_opening(input, 1);
        let mut out = String::new();
        let got = std::io::Read::read_to_string(&mut d, &mut out).map(|_| out);
        (got, d)
    }

    #[test]
    fn a_dump_read_a_line_at_a_time_gives_what_the_whole_reading_gives() {
        let entities = vec![
            entity_line(
                "Q1",
                &[
                    statement_json("normal", true),
                    statement_json("deprecated", false),
                ],
            ),
            entity_line("Q2", &[]),
            entity_line(
                "Q3",
                &[
                    statement_json("normal", false),
                    statement_json("preferred", true),
                ],
            ),
        ];
        let whole = read(&format!("[{}]", entities.join(", "))).unwrap();
        assert_eq!(whole.records.len(), 3);
        let dump = dump_of(&entities, true);
        let (got, d) = streamed(&dump);
        assert_eq!(got.unwrap().as_bytes(), whole.lines());
        assert_eq!(d.count(), 3);
        // An entity that states no quantity is passed over whole, counted as one.
        let mut skipped = whole.skipped_by_reason();
        skipped.push(("entities with no quantity statement".to_owned(), 1));
        assert_eq!(d.skipped_by_reason(), skipped);
        assert!(d.closed());
        // Each line's record names the statement it came from.
        assert_eq!(d.record(3).unwrap().place, "Q3 P1082[1]");
        assert_eq!(
            d.record(3).unwrap().field_place("unit"),
            "Q3 P1082[1], mainsnak.datavalue.value.unit"
        );
        assert!(d.record(4).is_none() && d.record(0).is_none());
        // The same entities as Special:EntityData serves them: the same claims.
        let served = format!(
            r#"{{"entities": {{"Q1": {}, "Q2": {}, "Q3": {}}}}}"#,
            entities[0], entities[1], entities[2]
        );
        assert_eq!(read(&served).unwrap().lines(), whole.lines());
    }

    #[test]
    fn only_entities_whose_statements_are_all_of_other_kinds_are_passed_over() {
        // A statement that never says "quantity" but has an amount is still read as the
        // whole reading reads it; so is anything the first look cannot vouch for.
        let untyped = concat!(
            r#"{"mainsnak": {"snaktype": "value", "datavalue": {"value": {"amount": "+5", "unit": "1"}}}, "#,
            r#""qualifiers": {"P585": [{"snaktype": "value", "datavalue": {"value": {"time": "+2025-05-00T00:00:00Z", "precision": 10}}}]}}"#
        );
        let item = r#"{"mainsnak": {"snaktype": "value", "datatype": "wikibase-item", "datavalue": {"type": "wikibase-entityid", "value": {"id": "Q5"}}}}"#;
        let entities = [
            entity_line("Q1", &[untyped.to_owned()]),
            entity_line("Q2", &[item.to_owned()]),
            // Twice the same key: the whole reading keeps the last.
            format!(
                r#"{{"id": "Q3", "claims": {{"P1": [{item}]}}, "claims": {{"P2": [{untyped}]}}}}"#
            ),
            format!(
                r#"{{"id": "Q4", "claims": {{"P1": [{{"mainsnak": {item}, "mainsnak": {untyped}}}]}}}}"#
            ),
            // A list of statements that is not a list: refused by the whole reading.
            format!(r#"{{"id": "Q5", "claims": {{"P1": {item}}}}}"#),
        ];
        for (i, e) in entities.iter().enumerate() {
            let whole = read(&format!("[{e}]"));
            let dump = dump_of(std::slice::from_ref(e), true);
            let (got, d) = streamed(&dump);
            match (whole, got) {
                (Ok(w), Ok(lines)) => {
                    assert_eq!(lines.as_bytes(), w.lines(), "entity {i}");
                    assert_eq!(d.count(), w.records.len(), "entity {i}");
                }
                (Err(_), Err(_)) => assert!(i == 4, "entity {i} refused"),
                (w, g) => panic!("entity {i}: whole {w:?}, streamed {g:?}"),
            }
        }
        let two = dump_of(&entities[..2], true);
        let (got, d) = streamed(&two);
        assert_eq!(got.unwrap().lines().count(), 1);
        assert_eq!(
            d.skipped_by_reason(),
            [("entities with no quantity statement".to_owned(), 1)]
        );
    }

    /// How many entities [`Endless`] gives before it closes: far more than a reader that goes
    /// an entity at a time asks for, so that one that reads the whole dump first is seen to,
    /// and ends.
    const LONG: u64 = 20_000;

    /// A long dump ([`LONG`] entities), counting the lines it was asked for.
    struct Endless {
        served: std::rc::Rc<std::cell::Cell<u64>>,
        line: Vec<u8>,
        at: usize,
    }

    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.line.len() {
                let n = self.served.get() + 1;
                if n > LONG + 1 {
                    return Ok(0);
                }
                self.served.set(n);
                self.line = match n {
                    n if n > LONG => b"]\n".to_vec(),
                    n => format!(
                        "{}{}\n",
                        entity_line(&format!("Q{n}"), &[statement_json("normal", false)]),
                        if n < LONG { "," } else { "" }
                    )
                    .into_bytes(),
                };
                self.at = 0;
            }
            let k = buf.len().min(self.line.len() - self.at);
            buf[..k].copy_from_slice(&self.line[self.at..self.at + k]);
            self.at += k;
            Ok(k)
        }
    }

    #[test]
    fn a_dump_is_never_held_whole() {
        let served = std::rc::Rc::new(std::cell::Cell::new(0));
        let endless = Endless {
            served: served.clone(),
            line: b"[\n".to_vec(),
            at: 1,
        };
        let mut d = Dump::after_opening(std::io::BufReader::with_capacity(64, endless), 1);
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::with_capacity(16, &mut d),
            &mut first,
        )
        .unwrap();
        assert!(first.contains("wikidata/q1/p1082"), "{first}");
        // The claim of the first entity came after reading no more than the next one.
        assert!(served.get() <= 2, "read {} entities for one", served.get());
    }

    #[test]
    fn what_is_wrong_in_a_dump_is_named_by_its_line() {
        let good = entity_line("Q1", &[statement_json("normal", false)]);
        let format_error = |dump: &str| {
            let e = streamed(dump).0.unwrap_err();
            crate::carried(&e).unwrap().to_string()
        };
        let e = format_error(&format!("[\n{good},\n{{\"id\": \"Q2\", \"claims\": \n]\n"));
        assert!(e.starts_with("line 3, column "), "{e}");
        assert!(e.contains("not an entity"), "{e}");
        let bad = entity_line(
            "Q9",
            &[statement_json("normal", false).replace("+8000", "lots")],
        );
        assert_eq!(
            format_error(&dump_of(&[good.clone(), bad], true)),
            "line 3, Q9 P1082[0], amount: expected a number like +8000"
        );
        let e = format_error(&format!("[\n{good}\n]\n[\n"));
        assert_eq!(e, "line 4: text after the dump's closing `]`");
        let e = format_error("[\n{\"x\": 1}\n]\n");
        assert!(e.starts_with("line 2: not Wikidata entity JSON"), "{e}");
        let e = format_error("[\n{\"claims\": {}}\n]\n");
        assert_eq!(e, "line 2, $.id: an entity without an id");
        // The same for entities that state a quantity and those passed over.
        let e = format_error(&format!("[\n{}\n]\n", good.replace("\"id\":\"Q1\",", "")));
        assert_eq!(e, "line 2, $.id: an entity without an id");
        let e = format_error("[\n{\"id\": \"Q3\", \"claims\": {}, \"x\": [}\n]\n");
        assert!(
            e.starts_with("line 2, column ") && e.contains("not an entity"),
            "{e}"
        );
        // Cut short: what it has is given, and it says it was not closed.
        let cut = dump_of(&[good.clone(), good], false);
        let (got, d) = streamed(&cut);
        assert_eq!(got.unwrap().lines().count(), 2);
        assert!(!d.closed());
        assert_eq!(d.lines_read(), 3);
    }

    #[test]
    fn only_a_bracket_alone_on_its_line_opens_a_dump() {
        assert!(opens_dump(b"[\n") && opens_dump(b"\xEF\xBB\xBF[ \r\n") && opens_dump(b"["));
        assert!(!opens_dump(b"[{\"id\": \"Q1\"}]\n") && !opens_dump(b"{\n"));
    }
}
