//! Property: printing a query and parsing the text gives the same query.

use crate::ast::{Expr, FIELDS, Field, Kind, Literal, Op, Query, Source, Step, Target};
use proptest::prelude::*;
use reckon_claim::{Date, Num, Period, Value};

fn field() -> impl Strategy<Value = Field> {
    (0..FIELDS.len()).prop_map(|i| FIELDS[i].1)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9/_.-]{0,12}", "[ -~]{0,16}", "\\PC{0,8}"]
}

fn period() -> impl Strategy<Value = Period> {
    (0i64..30_000, 0i64..400).prop_filter_map("a date", |(d, len)| {
        Period::new(
            Date::from_days_since_epoch(d)?,
            Date::from_days_since_epoch(d + len)?,
        )
    })
}

fn literal(kind: Kind) -> BoxedStrategy<Literal> {
    match kind {
        Kind::Number => (0u64..1_000_000).prop_map(Literal::Number).boxed(),
        Kind::Date => period().prop_map(Literal::Date).boxed(),
        Kind::Text => text().prop_map(Literal::Text).boxed(),
        Kind::Figure => prop_oneof![
            (0i64..100_000).prop_map(|n| Value::Exact(Num::from_int(n))),
            (0i64..100_000).prop_map(|n| Value::AtLeast(Num::from_int(n))),
            (0i64..100_000, 0i64..100)
                .prop_map(|(a, b)| Value::Range(Num::from_int(a), Num::from_int(a + b))),
            (1i64..100_000).prop_map(|n| Value::Approx(Num::from_int(n), None)),
        ]
        .prop_map(Literal::Figure)
        .boxed(),
    }
}

fn ops(kind: Kind) -> Vec<Op> {
    use Op::*;
    match kind {
        Kind::Text => vec![Eq, Ne, Like],
        Kind::Number => vec![Eq, Ne, Lt, Le, Gt, Ge],
        Kind::Date | Kind::Figure => vec![Eq, Ne, Lt, Le, Gt, Ge, Overlaps, Contains],
    }
}

fn cmp() -> impl Strategy<Value = Expr> {
    field().prop_flat_map(|f| {
        let all = ops(f.kind());
        (
            Just(f),
            (0..all.len()).prop_map(move |i| all[i]),
            literal(f.kind()),
        )
            // A hash's text is read in lowercase (a hash copied in capitals is the same).
            .prop_map(|(f, o, l)| match (f, l) {
                (Field::Hash, Literal::Text(t)) => {
                    Expr::Cmp(f, o, Literal::Text(t.to_ascii_lowercase()))
                }
                (f, l) => Expr::Cmp(f, o, l),
            })
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    cmp().prop_recursive(5, 24, 2, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
            proptest::collection::vec(inner.clone(), 2..5).prop_map(Expr::Or),
            inner.prop_map(|a| Expr::Not(Box::new(a))),
        ]
    })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (field(), any::<bool>()).prop_map(|(f, d)| Step::Sort(f, d)),
        (0u64..1000).prop_map(Step::Limit),
        prop::collection::vec(field(), 1..4).prop_map(Step::Show),
        Just(Step::Count),
        field().prop_map(Step::Group),
    ]
}

fn source() -> impl Strategy<Value = Source> {
    let pattern = prop::option::of("[a-z][a-z0-9/*?_.-]{0,12}");
    prop_oneof![
        Just(Source::Claims),
        pattern.clone().prop_map(Source::Figures),
        pattern.prop_map(Source::Conflicts),
        (1u64..10_000).prop_map(|n| Source::Provenance(Target::Seq(n))),
        "[0-9a-f]{4,16}".prop_map(|h| Source::Provenance(Target::Hash(h))),
        "[a-z][a-z/-]{0,12}".prop_map(|s| Source::Provenance(Target::Subject(s))),
    ]
}

proptest! {
    #[test]
    fn print_then_parse_is_identity(
        source in source(),
        filter in prop::option::of(expr()),
        at in prop::option::of(0u64..100_000),
        known in prop::option::of(period()),
        valid in prop::option::of(period()),
        steps in prop::collection::vec(step(), 0..4),
    ) {
        let q = Query { source, filter, at, known, valid, steps };
        let text = q.to_string();
        prop_assert_eq!(crate::parse(&text), Ok(q), "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any text at all is read or refused with a position inside it; never a panic.
    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,80}|(claims|figures|where|and|or|not|\\(|\\)|\"|=|~|>=|value|said_on|2025-05| |\\||sort|limit|#|1,000)*") {
        match crate::parse(&text) {
            Ok(q) => prop_assert_eq!(crate::parse(&q.to_string()), Ok(q)),
            Err(e) => prop_assert!(e.offset <= text.len() && e.column >= 1 && e.line >= 1),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// A parameter's value, whatever it holds, is one text literal: the query with it parses
    /// to the same query as the value written in quotes by hand.
    #[test]
    fn a_parameter_is_always_one_literal(value in "\\PC{0,30}") {
        let params = vec![("who".to_owned(), value.clone())];
        let text = crate::substitute("claims where speaker = $who | limit 1", &params).unwrap();
        let q = crate::parse(&text).unwrap();
        prop_assert_eq!(
            q.filter,
            Some(Expr::Cmp(Field::Speaker, Op::Eq, Literal::Text(value)))
        );
        prop_assert_eq!(q.steps, vec![Step::Limit(1)]);
    }

    /// Outside quotes only `$name` changes; a `$` inside quotes is the character itself.
    #[test]
    fn substitution_never_touches_quoted_text(inner in "[a-z$ ]{0,20}") {
        let text = format!("claims where quote = '{inner}'");
        let params = vec![("a".to_owned(), "x".to_owned())];
        prop_assert_eq!(crate::substitute(&text, &params), Ok(text.clone()));
    }
}
