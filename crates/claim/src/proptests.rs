//! Property tests: printing a parsed value or period and parsing it again gives it back.

use crate::date::{Date, Period};
use crate::num::Num;
use crate::value::{Tolerance, Value};
use proptest::prelude::*;

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        (0i64..2_000_000).prop_map(Num::from_int),
        (0i128..10_000_000_000_000).prop_map(Num::from_millionths),
    ]
}

fn tolerance() -> impl Strategy<Value = Option<Tolerance>> {
    prop_oneof![
        Just(None),
        num().prop_map(|n| Some(Tolerance::Abs(n))),
        num().prop_map(|n| Some(Tolerance::Pct(n))),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        num().prop_map(Value::Exact),
        num().prop_map(Value::AtLeast),
        num().prop_map(Value::MoreThan),
        num().prop_map(Value::AtMost),
        num()
            .prop_filter("fewer than 0 is empty", |n| *n > Num::ZERO)
            .prop_map(Value::LessThan),
        (num(), tolerance()).prop_map(|(n, t)| Value::Approx(n, t)),
        (num(), num()).prop_map(|(a, b)| Value::Range(a.min(b), a.max(b))),
        (num(), tolerance())
            .prop_filter("nearly 0 is empty", |(n, _)| *n > Num::ZERO)
            .prop_map(|(n, t)| Value::Nearly(n, t)),
    ]
}

fn date() -> impl Strategy<Value = Date> {
    (-500_000i64..2_000_000).prop_filter_map("in range", Date::from_days_since_epoch)
}

/// Any value the type can hold, whether or not a figure's words can say it: numbers below
/// zero, ranges in either order, `fewer than 0` and `nearly 0` among them.
fn any_value() -> impl Strategy<Value = Value> {
    let n = || {
        prop_oneof![
            (-3i64..3).prop_map(Num::from_int),
            (-10_000_000_000_000i128..10_000_000_000_000).prop_map(Num::from_millionths),
        ]
    };
    let t = move || {
        prop_oneof![
            Just(None),
            n().prop_map(|n| Some(Tolerance::Abs(n))),
            n().prop_map(|n| Some(Tolerance::Pct(n))),
        ]
    };
    prop_oneof![
        n().prop_map(Value::Exact),
        n().prop_map(Value::AtLeast),
        n().prop_map(Value::MoreThan),
        n().prop_map(Value::AtMost),
        n().prop_map(Value::LessThan),
        (n(), t()).prop_map(|(n, t)| Value::Approx(n, t)),
        (n(), n()).prop_map(|(a, b)| Value::Range(a, b)),
        (n(), t()).prop_map(|(n, t)| Value::Nearly(n, t)),
    ]
}

proptest! {
    /// A saved figure is taken back exactly when its value is one that words can say: the
    /// check `Figure::saved` makes agrees with reading the value's own canonical words.
    #[test]
    fn a_value_could_be_read_exactly_when_its_words_read_back_to_it(v in any_value()) {
        let read = Value::parse(&v.to_string()) == Ok(v);
        prop_assert_eq!(v.could_be_read(), read, "{}", v);
        prop_assert_eq!(crate::Figure::saved("words", v).is_some(), read);
    }

    #[test]
    fn value_print_then_parse_is_identity(v in value()) {
        prop_assert_eq!(Value::parse(&v.to_string()), Ok(v));
    }

    #[test]
    // `Interval` cannot be built inverted; what this proves is that every value that parses
    // has an interval (no overflow on the way).
    fn every_parsed_value_has_an_interval(v in value()) {
        let iv = v.interval(Tolerance::DEFAULT);
        prop_assert!(iv.is_some(), "{v} has no interval");
        if let Some(hi) = iv.and_then(|iv| iv.hi()) {
            prop_assert!(iv.is_some_and(|iv| iv.lo().at <= hi.at));
        }
    }

    #[test]
    fn period_print_then_parse_is_identity(a in date(), b in date()) {
        let p = Period::new(a.min(b), a.max(b));
        prop_assert!(p.is_some());
        if let Some(p) = p {
            prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
        }
    }

    #[test]
    fn num_print_then_parse_is_identity(n in num()) {
        prop_assert_eq!(Num::parse(&n.to_string()), Ok(n));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any line is read or refused with a column; never a panic.
    #[test]
    fn any_import_line_is_read_or_refused_without_panicking(line in "\\PC{0,120}|\\{(\"[a-z_]{1,10}\": *(\"[^\"]{0,12}\"|[0-9]{1,4}|\\[\\]|null),? *){0,6}\\}") {
        let mut none = |_: &str, _: &crate::Ref| Err("no log".to_owned());
        if let Err(e) = crate::parse_line(&line, &mut none) {
            prop_assert!(e.column >= 1 && e.column <= line.chars().count() + 1, "{e}");
        }
    }

    /// Any figure text is read or refused; what is read prints to text that reads the same.
    #[test]
    fn any_figure_text_is_read_or_refused_without_panicking(text in "\\PC{0,30}|(at least|about|up to|between|and|nearly|just under|just over|~|±|%|\\.\\.| |[0-9]{1,5}|,|\\.|\\+|-|–|k|m|bn)*") {
        if let Ok(v) = Value::parse(&text) {
            prop_assert_eq!(Value::parse(&v.to_string()), Ok(v));
            // Saved whole and taken back, it is the figure the words make.
            prop_assert_eq!(crate::Figure::saved(&text, v), crate::Figure::parse(&text).ok());
        }
    }
}

/// One field of a claim event as JSON text: valid and invalid values of every field, strings
/// with escapes (which a borrowed read must copy), a field no claim has, and wrong types.
fn claim_field() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just(r#""Kyiv Independent""#),
        Just(r#""a \"quoted\" name \u00e9""#),
        Just(r#""""#),
        Just("7"),
        Just("null"),
        Just("[]"),
    ];
    let field = prop_oneof![
        Just("subject"),
        Just("value"),
        Just("unit"),
        Just("scope"),
        Just("as_of"),
        Just("said_on"),
        Just("speaker"),
        Just("role"),
        Just("cites"),
        Just("publisher"),
        Just("url"),
        Just("title"),
        Just("document"),
        Just("quote"),
        Just("tags"),
        Just("bogus"),
    ];
    let special = prop_oneof![
        Just(r#""subject":"pows/returned""#),
        Just(r#""subject":"Not A Subject""#),
        Just(r#""value":"at least 8,000""#),
        Just(r#""value":"about 1.2 million""#),
        Just(r#""value":"many""#),
        Just(r#""as_of":"2025-05""#),
        Just(r#""as_of":"2025-13-01""#),
        Just(r#""said_on":"2025-05-23""#),
        Just(r#""said_on":"yesterday""#),
        Just(r#""modality":"expected""#),
        Just(r#""modality":"perhaps""#),
        Just(r#""precision":"exact""#),
        Just(r#""precision":"loose""#),
        Just(r#""tags":["a","b\n"]"#),
        Just(r#""tags":[1]"#),
        Just(r#""supersedes":"00000000000000000000000000000000000000000000000000000000000000ff""#),
        Just(r#""supersedes":"ff""#),
        Just(
            r#""document_hash":"0000000000000000000000000000000000000000000000000000000000000000""#
        ),
    ];
    prop_oneof![
        (field, word).prop_map(|(f, w)| format!("\"{f}\":{w}")),
        special.prop_map(str::to_owned),
    ]
}

/// The fields of a whole, valid claim, for the generator to add to and spoil.
const VALID: &str =
    r#""subject":"pows/held","value":"1,000","unit":"people","said_on":"2025-05-01""#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// A claim event read briefly (`ClaimView`) is accepted exactly when the whole read (the
    /// way a log line's claim is decoded: the tag stripped, the rest read as a `Claim`) accepts
    /// it, and then says the same of every field.
    #[test]
    fn a_claim_read_briefly_is_accepted_and_read_as_the_whole_claim_is(
        valid_first in any::<bool>(),
        fields in proptest::collection::vec(claim_field(), 0..6),
    ) {
        let mut parts: Vec<String> = fields;
        if valid_first {
            parts.insert(0, VALID.to_owned());
        }
        let event = format!("{{\"type\":\"claim\",{}}}", parts.join(","));
        let rest = &event[r#"{"type":"claim","#.len()..];
        let whole = serde_json::from_str::<crate::Claim>(&format!("{{{rest}"));
        let brief = serde_json::from_str::<crate::ClaimView<'_>>(&event);
        match (whole, brief) {
            (Ok(c), Ok(v)) => {
                prop_assert_eq!(&c.subject, &v.subject);
                prop_assert_eq!(&c.value, &v.value);
                prop_assert_eq!(c.unit.as_str(), &*v.unit);
                prop_assert_eq!(c.scope.as_deref(), v.scope.as_deref());
                prop_assert_eq!(c.as_of, v.as_of);
                prop_assert_eq!(c.said_on, v.said_on);
                prop_assert_eq!(c.speaker.as_deref(), v.speaker.as_deref());
                prop_assert_eq!(c.role.as_deref(), v.role.as_deref());
                prop_assert_eq!(c.cites.as_deref(), v.cites.as_deref());
                prop_assert_eq!(c.publisher.as_deref(), v.publisher.as_deref());
                prop_assert_eq!(c.url.as_deref(), v.url.as_deref());
                prop_assert_eq!(c.title.as_deref(), v.title.as_deref());
                prop_assert_eq!(c.document.as_deref(), v.document.as_deref());
                prop_assert_eq!(c.document_hash, v.document_hash);
                prop_assert_eq!(c.quote.as_deref(), v.quote.as_deref());
                prop_assert_eq!(c.modality, v.modality);
                let tags: Vec<&str> = v.tags.iter().map(|t| &**t).collect();
                prop_assert_eq!(c.tags.iter().map(String::as_str).collect::<Vec<_>>(), tags);
                prop_assert_eq!(c.supersedes, v.supersedes);
                prop_assert_eq!(c.precision, v.precision);
                prop_assert_eq!(c.origin(), v.origin());
            }
            (Err(_), Err(_)) => {}
            (c, v) => prop_assert!(false, "{event}: whole {c:?}, brief {v:?}"),
        }
    }
}

/// Values for one field of a claim event as JSON text, by the field's place in the written
/// order, with how many of the first are valid and plain (no escape): then ones its type
/// refuses, escapes, a raw control character, spaces, other types.
fn written_value(field: usize) -> (&'static [&'static str], usize) {
    const WORDS: &[&str] = &[
        r#""Kyiv Independent""#,
        r#""""#,
        r#""é, ü and 中""#,
        r#""a \"quoted\" name""#,
        "\"a tab\there\"",
        "null",
        "7",
    ];
    const DATES: &[&str] = &[
        r#""2025-05""#,
        r#""2025-05-23""#,
        r#""2025-13-01""#,
        r#""yesterday""#,
    ];
    const HASH: &[&str] = &[
        r#""00000000000000000000000000000000000000000000000000000000000000ff""#,
        r#""00000000000000000000000000000000000000000000000000000000000000FF""#,
        r#""ff""#,
    ];
    match field {
        0 => (
            &[
                r#""pows/held""#,
                r#""pows/returned""#,
                r#""Not A Subject""#,
                r#""""#,
            ],
            2,
        ),
        1 => (
            &[
                r#""1,000""#,
                r#""at least 8,000""#,
                r#""about 1.2 million""#,
                r#""many""#,
            ],
            3,
        ),
        2 => (&[r#""people""#, r#""""#, r#""a \"q\"""#, "null"], 2),
        4 | 5 => (DATES, 2),
        13 | 17 => (HASH, 1),
        15 => (&[r#""expected""#, r#""asserted""#, r#""perhaps""#], 2),
        16 => (
            &[
                "[]",
                r#"["a","b"]"#,
                r#"["",""]"#,
                r#"["x"]"#,
                r#"["a","b\n"]"#,
                "[1]",
                r#"[ "a"]"#,
                r#"["a", "b"]"#,
                r#"["a",]"#,
                r#"["a""b"]"#,
            ],
            4,
        ),
        18 => (&[r#""exact""#, r#""digits""#, r#""loose""#], 2),
        _ => (WORDS, 3),
    }
}

/// The written order of a claim's fields: that of the import contract's claim fields, the
/// last of which (`exported`) a log's claim never has.
fn written_field(k: usize) -> &'static str {
    crate::input::CLAIM_FIELDS[k]
}

/// The value `choice` (0 to 99) picks for field `k`: one of the valid ones 85 times in 100.
fn written_pick(k: usize, choice: usize) -> (&'static str, bool) {
    let (values, valid) = written_value(k);
    if choice < 85 {
        (values[choice % valid], true)
    } else {
        let bad = values.len() - valid;
        (values[valid + choice % bad], false)
    }
}

/// A claim event in the written order with some fields, each a value [`written_pick`]
/// picks, then spoiled as `spoil` says: 0 leaves it, 1 swaps two fields, 2 repeats one in
/// place, 3 adds a field no claim has, 4 puts a space after a comma, 5 a brace after the
/// end, 6 cuts the closing brace, 7 a space after the end.
fn written_event(present: &[Option<usize>], spoil: usize) -> String {
    let mut parts: Vec<String> = present
        .iter()
        .enumerate()
        .filter_map(|(k, choice)| {
            choice.map(|c| format!("\"{}\":{}", written_field(k), written_pick(k, c).0))
        })
        .collect();
    match spoil {
        1 if parts.len() >= 2 => parts.swap(0, 1),
        2 if !parts.is_empty() => {
            let last = parts.len() - 1;
            parts.insert(last, parts[last].clone());
        }
        3 => parts.push(r#""bogus":"x""#.to_owned()),
        _ => {}
    }
    let mut event = String::from(r#"{"type":"claim""#);
    for p in &parts {
        event.push(',');
        if spoil == 4 {
            event.push(' ');
        }
        event.push_str(p);
    }
    match spoil {
        5 => event.push_str("}}"),
        6 => {}
        7 => event.push_str("} "),
        _ => event.push('}'),
    }
    event
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// What the hand reader of the written form accepts, serde accepts and reads the same
    /// (the claim and its words); and a claim in the written form with valid values and no
    /// escapes is accepted (so that the first half is not passed by refusing everything).
    #[test]
    fn a_claim_in_the_written_form_is_read_by_hand_as_serde_reads_it(
        optional in proptest::collection::vec(proptest::option::weighted(0.3, 0usize..100), 19),
        required in proptest::collection::vec(proptest::option::weighted(0.95, 0usize..100), 4),
        spoil in prop_oneof![3 => Just(0usize), 2 => 1usize..8],
    ) {
        let mut present = optional;
        for (k, r) in [0usize, 1, 2, 5].into_iter().zip(required) {
            present[k] = r;
        }
        let event = written_event(&present, spoil);
        if let Some(view) = crate::ClaimView::read_written(&event) {
            let serde = serde_json::from_str::<crate::ClaimView<'_>>(&event);
            prop_assert_eq!(Ok(&view), serde.as_ref().map_err(|e| e.to_string()), "{}", event);
            // And as the whole claim (the event's object without its tag, as a claim reads).
            let whole = event.replacen(r#"{"type":"claim","#, "{", 1);
            let serde = serde_json::from_str::<crate::Claim>(&whole);
            let claim = view.into_claim();
            prop_assert_eq!(Ok(&claim), serde.as_ref().map_err(|e| e.to_string()), "{}", event);
            // Its fields one by one are its JSON's members, in their keys' sorted order.
            let mut listed = serde_json::Map::new();
            let mut names = Vec::new();
            claim.each_field(|name, text| {
                names.push(name);
                let v = match text {
                    crate::FieldText::Text(t) => serde_json::Value::from(t.into_owned()),
                    crate::FieldText::List(l) => serde_json::Value::from(l.to_vec()),
                };
                listed.insert(name.to_owned(), v);
            });
            prop_assert_eq!(serde_json::Value::Object(listed), serde_json::to_value(&claim).unwrap());
            let mut order = names.clone();
            order.sort_unstable();
            prop_assert_eq!(names, order);
        }
        if let Some(words) = crate::ClaimWords::read_written(&event) {
            let serde = serde_json::from_str::<crate::ClaimWords<'_>>(&event);
            prop_assert_eq!(Ok(words), serde.map_err(|e| e.to_string()), "{}", event);
        }
        // Valid values only, every required field there, in order, unspoiled: read by hand.
        let plain = present
            .iter()
            .enumerate()
            .all(|(k, c)| c.is_none_or(|c| written_pick(k, c).1));
        let required_there = [0usize, 1, 2, 5].iter().all(|k| present[*k].is_some());
        if plain && required_there && spoil == 0 {
            prop_assert!(crate::ClaimView::read_written(&event).is_some(), "{event}: not read by hand");
            prop_assert!(crate::ClaimWords::read_written(&event).is_some(), "{event}: words not read by hand");
        }
    }
}
