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
    fn value_interval_is_never_inverted(v in value()) {
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
