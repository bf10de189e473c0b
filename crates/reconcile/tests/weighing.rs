//! Properties of the weighted figure that hold for any log: renaming origins changes nothing,
//! a new origin stating exactly the figure never moves it, the result is the same on every
//! run, and every figure is traced to the claims behind it.

#![allow(clippy::unwrap_used)]
use proptest::prelude::*;
use reckon_claim::{Interval, Num};
use reckon_claim::{Timestamp, parse_line};
use reckon_ledger::{Entry, GENESIS, decode, encode};
use reckon_reconcile::{Assessed, Options, Reconciliation, State, reconcile};

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

/// Whether every number of `f` lies in what one of `claims` states or may stand for: checked
/// at its ends, at every end of a claim inside it, and between each two of those.
fn covered(f: &Interval, claims: &[&Assessed]) -> bool {
    let mut at: Vec<Num> = vec![f.lo().at];
    at.extend(f.hi().map(|h| h.at));
    for a in claims {
        let r = a.reach();
        at.extend(
            [Some(r.lo().at), r.hi().map(|h| h.at)]
                .into_iter()
                .flatten(),
        );
    }
    at.retain(|n| f.contains_num(*n));
    at.sort_unstable();
    at.dedup();
    let mids: Vec<Num> = at
        .windows(2)
        .map(|w| Num::from_millionths((w[0].millionths() + w[1].millionths()) / 2))
        .collect();
    if f.hi().is_none() {
        at.push(Num::from_int(1_000_000));
    }
    at.into_iter()
        .chain(mids)
        .all(|n| claims.iter().any(|a| a.reach().contains_num(n)))
}

fn run(lines: &[String]) -> Reconciliation {
    let e = entries(lines);
    let state = State::fold(&e, None);
    reconcile(&state, None, &Options::default())
}

/// Random claims: (subject, figure kind, number, origin).
fn claims() -> impl Strategy<Value = Vec<(u8, u8, u16, u8)>> {
    proptest::collection::vec((0u8..6, 0u8..5, 0u16..6, 0u8..7), 1..40)
}

fn written(kind: u8, n: u16) -> String {
    let x = 100 + 10 * u32::from(n);
    match kind {
        0 | 1 => x.to_string(),
        2 => format!("at least {x}"),
        3 => format!("about {x}"),
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
    /// Subject `s/6`, which one origin states alone, always has such a figure, so that every
    /// case has one to test (no case is thrown away).
    #[test]
    fn a_new_origin_stating_the_figure_never_moves_it(raw in claims(), pick in 0usize..40) {
        let lines: Vec<String> = raw
            .iter()
            .map(|&(s, k, n, o)| line(s, &written(k, n), &format!("O{o}")))
            .chain([line(6, "150", "O0")])
            .collect();
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
        prop_assert!(points.iter().any(|(s, _)| s == "s/6"), "s/6 has no single figure");
        let (subject, value) = &points[pick % points.len()];
        let n: u8 = subject.trim_start_matches("s/").parse().unwrap();
        let mut more = lines.clone();
        more.push(line(n, value, "a newcomer"));
        let after = run(&more);
        let of = |r: &Reconciliation| r.subjects.iter().find(|s| s.subject.as_str() == subject).and_then(|s| s.figure.map(|f| f.to_string()));
        prop_assert_eq!(of(&before), of(&after));
    }

    /// Every figure lies within what some counted claim behind it states (or may stand for),
    /// and that claim is an entry of the log: nothing printed comes from elsewhere.
    #[test]
    fn every_figure_is_traced_to_a_claim_behind_it(raw in claims()) {
        let lines: Vec<String> = raw.iter().map(|&(s, k, n, o)| line(s, &written(k, n), &format!("O{o}"))).collect();
        let r = run(&lines);
        for s in &r.subjects {
            let Some(f) = s.figure else { continue };
            let behind: Vec<&Assessed> = s.support().collect();
            prop_assert!(covered(&f, &behind), "{} figure {} has no claim behind some of it", s.subject, f);
            for a in behind {
                prop_assert!(a.seq >= 1 && a.seq as usize <= lines.len());
            }
            let counted: Vec<&Assessed> = s.claims.iter().filter(|a| a.counts()).collect();
            for (region, _) in &s.candidates {
                prop_assert!(covered(region, &counted), "{} candidate {} untraced", s.subject, region);
            }
        }
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
