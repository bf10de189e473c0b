//! Properties of the weighted figure that hold for any log: renaming origins changes nothing,
//! a new origin stating exactly the figure never moves it, and the result is the same on every
//! run.

#![allow(clippy::unwrap_used)]
use proptest::prelude::*;
use reckon_claim::{Timestamp, parse_line};
use reckon_ledger::{Entry, GENESIS, decode, encode};
use reckon_reconcile::{Options, Reconciliation, State, reconcile};

/// Entries from claim lines, as the log would hold them.
fn entries(lines: &[String]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut prev = GENESIS;
    for (seq, line) in lines.iter().enumerate() {
        let event = parse_line(line, &mut |_, _| Err("no refs".into())).unwrap();
        let (bytes, hash) = encode(seq as u64 + 1, &prev, Timestamp::from_unix(0), &event).unwrap();
        out.push(decode(&bytes[..bytes.len() - 1]).unwrap());
        prev = hash;
    }
    out
}

/// A claim line: subject `s/N`, the figure as written, origin `O…`.
fn line(subject: u8, value: &str, origin: &str) -> String {
    format!(
        r#"{{"subject": "s/{subject}", "value": "{value}", "said_on": "2025", "speaker": "{origin}"}}"#
    )
}

fn figures(r: &Reconciliation) -> Vec<(String, Option<String>, &'static str)> {
    r.subjects
        .iter()
        .map(|s| {
            (
                s.subject.to_string(),
                s.figure.map(|f| f.to_string()),
                s.status.as_str(),
            )
        })
        .collect()
}

fn run(lines: &[String]) -> Reconciliation {
    let e = entries(lines);
    let state = State::fold(&e, None);
    reconcile(&state, None, &Options::default())
}

/// Random claims: (subject, figure kind, number, origin).
fn claims() -> impl Strategy<Value = Vec<(u8, u8, u16, u8)>> {
    proptest::collection::vec((0u8..6, 0u8..4, 0u16..6, 0u8..7), 1..40)
}

fn written(kind: u8, n: u16) -> String {
    let x = 100 + 10 * u32::from(n);
    match kind {
        0 | 1 => x.to_string(),
        2 => format!("at least {x}"),
        _ => format!("between {x} and {}", x + 20),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Origins are told apart by name only: giving every origin another name (kept distinct)
    /// changes no figure and no status.
    #[test]
    fn renaming_origins_changes_nothing(raw in claims()) {
        let a: Vec<String> = raw.iter().map(|&(s, k, n, o)| line(s, &written(k, n), &format!("O{o}"))).collect();
        let b: Vec<String> = raw.iter().map(|&(s, k, n, o)| line(s, &written(k, n), &format!("renamed {}", 7 - o))).collect();
        prop_assert_eq!(figures(&run(&a)), figures(&run(&b)));
    }

    /// A new origin that states exactly a subject's figure (a single number) never moves it.
    #[test]
    fn a_new_origin_stating_the_figure_never_moves_it(raw in claims(), pick in 0usize..40) {
        let lines: Vec<String> = raw.iter().map(|&(s, k, n, o)| line(s, &written(k, n), &format!("O{o}"))).collect();
        let before = run(&lines);
        let points: Vec<(String, String)> = before
            .subjects
            .iter()
            .filter_map(|s| {
                let f = s.figure?;
                let lo = f.lo();
                let hi = f.hi()?;
                (lo.at == hi.at && !lo.open).then(|| (s.subject.to_string(), lo.at.to_string()))
            })
            .collect();
        prop_assume!(!points.is_empty());
        let (subject, value) = &points[pick % points.len()];
        let n: u8 = subject.trim_start_matches("s/").parse().unwrap();
        let mut more = lines.clone();
        more.push(line(n, value, "a newcomer"));
        let after = run(&more);
        let of = |r: &Reconciliation| r.subjects.iter().find(|s| s.subject.as_str() == subject).and_then(|s| s.figure.map(|f| f.to_string()));
        prop_assert_eq!(of(&before), of(&after));
    }

    /// The same log gives the same reconciliation, down to every learned number.
    #[test]
    fn the_same_log_gives_the_same_answer(raw in claims()) {
        let lines: Vec<String> = raw.iter().map(|&(s, k, n, o)| line(s, &written(k, n), &format!("O{o}"))).collect();
        let (a, b) = (run(&lines), run(&lines));
        prop_assert_eq!(figures(&a), figures(&b));
        let bits = |r: &Reconciliation| -> Vec<(String, u64, u64)> {
            r.records.iter().map(|(n, x)| (n.clone(), x.learned.accuracy.to_bits(), x.learned.copying.to_bits())).collect()
        };
        prop_assert_eq!(bits(&a), bits(&b));
    }
}
