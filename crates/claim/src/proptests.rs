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
