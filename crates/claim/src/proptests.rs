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

proptest! {
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
