//! A lean state (claims reduced one entry at a time, [`State::fold_lean`]) is the state a fold
//! of the decoded entries makes, less the whole claims: every claim's core, its fate, the
//! definitions, aliases and priors are the same, and so is every reconciliation of it, at
//! any position and as known on any date.

#![allow(clippy::unwrap_used)]
use proptest::prelude::*;
use reckon_claim::{EntryHash, Period, Ref, Timestamp, parse_line};
use reckon_ledger::{Entry, GENESIS, decode, encode};
use reckon_reconcile::state::{Lean, Names};
use reckon_reconcile::{Options, State, estimate_records, reconcile, reconcile_reports};

/// One line of a random log: a claim, a correction or retraction of an earlier entry, a
/// definition, an alias or a declared prior.
#[derive(Clone, Debug)]
enum Step {
    Claim {
        subject: u8,
        value: u16,
        about: bool,
        origin: u8,
        month: u8,
        scope: bool,
    },
    Correct {
        of: usize,
        value: u16,
    },
    Retract(usize),
    Define {
        subject: u8,
        tolerance: u8,
    },
    Alias(u8, u8),
    Trust {
        origin: u8,
        prior: u8,
    },
    /// `s/{whole}` is the sum of two other subjects.
    Sum {
        whole: u8,
        parts: (u8, u8),
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0u8..4, 1u16..60, any::<bool>(), 0u8..5, 1u8..13, any::<bool>()).prop_map(
            |(subject, value, about, origin, month, scope)| Step::Claim {
                subject,
                value: value * 10,
                about,
                origin,
                month,
                scope,
            }
        ),
        1 => (any::<usize>(), 1u16..60).prop_map(|(of, value)| Step::Correct { of, value: value * 10 }),
        1 => any::<usize>().prop_map(Step::Retract),
        1 => (0u8..4, 1u8..20).prop_map(|(subject, tolerance)| Step::Define { subject, tolerance }),
        1 => (4u8..6, 0u8..4).prop_map(|(a, b)| Step::Alias(a, b)),
        1 => (0u8..5, 1u8..99).prop_map(|(origin, prior)| Step::Trust { origin, prior }),
        1 => (0u8..4, 0u8..4, 0u8..4).prop_map(|(whole, a, b)| Step::Sum { whole, parts: (a, b) }),
    ]
}

fn claim_line(subject: u8, value: u16, about: bool, origin: u8, month: u8, scope: bool) -> String {
    format!(
        r#"{{"subject": "s/{subject}", "value": "{}{value}", "unit": "people", "said_on": "2025-{month:02}", "as_of": "2025-{month:02}", "speaker": "O{origin}", "quote": "{value} people, O{origin} said"{}}}"#,
        if about { "about " } else { "" },
        if scope {
            r#", "scope": "military""#
        } else {
            ""
        }
    )
}

/// The entries a log of `steps` holds (steps that name no earlier claim are left out), each
/// recorded a day after the one before.
fn entries(steps: &[Step]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    // Each claim's sequence number and hash.
    let mut claims: Vec<(u64, EntryHash)> = Vec::new();
    let mut prev = GENESIS;
    for s in steps {
        let line = match s {
            Step::Claim {
                subject,
                value,
                about,
                origin,
                month,
                scope,
            } => claim_line(*subject, *value, *about, *origin, *month, *scope),
            Step::Correct { of, value } if !claims.is_empty() => {
                let mut l = claim_line(0, *value, false, 1, 6, false);
                l.pop();
                format!(r#"{l}, "supersedes": {}}}"#, claims[of % claims.len()].0)
            }
            Step::Retract(of) if !claims.is_empty() => {
                format!(
                    r#"{{"retract": {}, "reason": "wrong"}}"#,
                    claims[of % claims.len()].0
                )
            }
            Step::Define { subject, tolerance } => {
                format!(r#"{{"define": "s/{subject}", "tolerance": "{tolerance}%"}}"#)
            }
            Step::Alias(a, b) => format!(r#"{{"alias": "s/{a}", "same_as": "s/{b}"}}"#),
            Step::Sum {
                whole,
                parts: (a, b),
            } => format!(r#"{{"define": "s/{whole}", "sum_of": ["s/{a}", "s/{b}"]}}"#),
            Step::Trust { origin, prior } => {
                format!(
                    r#"{{"trust": "O{origin}", "prior": 0.{prior:02}, "reason": "track record"}}"#
                )
            }
            _ => continue,
        };
        // References name earlier claims by sequence number.
        let mut resolve = |_: &str, r: &Ref| match r {
            Ref::Seq(n) => out
                .get(*n as usize - 1)
                .map(|e| e.hash)
                .ok_or_else(|| "no such entry".to_owned()),
            Ref::Hash(_) => Err("no hashes".to_owned()),
        };
        let Ok(event) = parse_line(&line, &mut resolve) else {
            continue;
        };
        let seq = out.len() as u64 + 1;
        let at = Timestamp::from_unix(1_735_689_600 + 86_400 * seq as i64);
        let (bytes, hash) = encode(seq, &prev, at, &event).unwrap();
        let e = decode(&bytes[..bytes.len() - 1]).unwrap();
        if matches!(e.event, reckon_claim::Event::Claim(_)) {
            claims.push((seq, hash));
        }
        out.push(e);
        prev = hash;
    }
    out
}

/// Everything a state says, but the whole claims.
fn summary(s: &State<'_>) -> String {
    let claims: Vec<String> = s
        .claims
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} {:?} {:?}",
                r.seq,
                r.hash,
                r.claim,
                r.retracted(),
                r.superseded_by()
            )
        })
        .collect();
    format!(
        "{} {:?} {claims:?} {:?} {:?} {:?}",
        s.position, s.head, s.defs, s.aliases, s.trust
    )
}

fn lean(entries: &[Entry]) -> Vec<Lean> {
    let names = Names::default();
    entries
        .iter()
        .map(|e| Lean::of(e.clone(), &names))
        .collect()
}

/// The same entries reduced as a pass over their lines reduces them: each line decoded
/// briefly (a claim's words borrowed from the line) and then reduced.
fn lean_from_lines(entries: &[Entry]) -> Vec<Lean> {
    let names = Names::default();
    entries
        .iter()
        .map(|e| {
            let (line, _) = reckon_ledger::encode(e.seq, &e.prev, e.at, &e.event).unwrap();
            let (_, brief) = reckon_ledger::decode_brief(&line[..line.len() - 1]).unwrap();
            Lean::brief(brief, &names)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lean_state_is_the_state(
        steps in proptest::collection::vec(step(), 1..60),
        at in proptest::option::of(0u64..70),
        known in proptest::option::of(1u32..13),
    ) {
        let e = entries(&steps);
        let known = known.map(|m| Period::parse(&format!("2025-{m:02}")).unwrap());
        let full = State::fold_known(&e, at, known);
        let thin = State::fold_lean(lean(&e), at, known);
        prop_assert_eq!(summary(&full), summary(&thin));
        let brief = State::fold_lean(lean_from_lines(&e), at, known);
        prop_assert_eq!(summary(&full), summary(&brief));
        prop_assert!(full.claims.iter().all(|r| r.full.is_some()));
        prop_assert!(thin.claims.iter().all(|r| r.full.is_none()));
        let opts = Options::default();
        let whole = reconcile(&full, None, &opts);
        prop_assert_eq!(format!("{whole:?}"), format!("{:?}", reconcile(&thin, None, &opts)));
        // By subject, then unit.
        prop_assert!(
            whole
                .subjects
                .windows(2)
                .all(|w| (&w[0].subject, &w[0].unit) < (&w[1].subject, &w[1].unit))
        );
        // Handed out a few at a time, the reports are the same, in the same order, with the
        // members of sums among the others where they belong.
        for most in [1, 2, 3] {
            let mut reports = reconcile_reports(&full, None, &opts);
            prop_assert_eq!(reports.len(), whole.subjects.len());
            let mut batched = Vec::new();
            loop {
                let batch = reports.next_batch(most);
                if batch.is_empty() {
                    break;
                }
                batched.extend(batch);
            }
            prop_assert!(reports.is_empty());
            prop_assert_eq!(format!("{batched:?}"), format!("{:?}", whole.subjects));
            // The graph made as the batches are made is the graph of the whole, node for node
            // and edge for edge.
            let g = reckon_reconcile::graph::build_from(&mut reconcile_reports(&full, None, &opts), most);
            let all = reckon_reconcile::graph::build(&whole);
            let edges = |g: &reckon_reconcile::graph::ConflictGraph| {
                let e = g.raw_edges().iter();
                format!("{:?}", e.map(|e| (e.source(), e.target(), e.weight)).collect::<Vec<_>>())
            };
            prop_assert_eq!(format!("{:?}", g.raw_nodes().iter().map(|n| &n.weight).collect::<Vec<_>>()),
                format!("{:?}", all.raw_nodes().iter().map(|n| &n.weight).collect::<Vec<_>>()));
            prop_assert_eq!(edges(&g), edges(&all));
        }
        // With every origin's record known beforehand (as the saved index gives them), each
        // group is built as its report is made, its claims measured once: the same
        // reconciliation, whole or a batch at a time.
        let known = Options {
            records: Some(std::sync::Arc::new(estimate_records(&full, &opts))),
            ..Options::default()
        };
        let taken = reconcile(&thin, None, &known);
        prop_assert_eq!(format!("{taken:?}"), format!("{whole:?}"));
        let mut reports = reconcile_reports(&thin, None, &known);
        let mut batched = Vec::new();
        loop {
            let batch = reports.next_batch(2);
            if batch.is_empty() {
                break;
            }
            batched.extend(batch);
        }
        prop_assert_eq!(format!("{batched:?}"), format!("{:?}", whole.subjects));
    }
}

#[test]
fn names_are_shared_across_claims() {
    let steps: Vec<Step> = (0..6)
        .map(|i| Step::Claim {
            subject: 1,
            value: 100 + i,
            about: false,
            origin: 2,
            month: 3,
            scope: true,
        })
        .collect();
    let e = entries(&steps);
    let s = State::fold_lean(lean(&e), None, None);
    let first = &s.claims[0].claim;
    assert!(s.claims.iter().all(|r| {
        std::sync::Arc::ptr_eq(&r.claim.subject, &first.subject)
            && std::sync::Arc::ptr_eq(&r.claim.origin, &first.origin)
            && std::sync::Arc::ptr_eq(&r.claim.unit, &first.unit)
    }));
    assert_eq!(&*first.origin, "O2");
}

#[test]
fn every_kind_of_step_makes_an_entry() {
    let claim = Step::Claim {
        subject: 0,
        value: 100,
        about: true,
        origin: 0,
        month: 1,
        scope: false,
    };
    let steps = [
        claim.clone(),
        claim,
        Step::Correct { of: 0, value: 120 },
        Step::Retract(1),
        Step::Define {
            subject: 0,
            tolerance: 10,
        },
        Step::Alias(4, 0),
        Step::Trust {
            origin: 0,
            prior: 80,
        },
    ];
    let e = entries(&steps);
    assert_eq!(
        e.len(),
        steps.len(),
        "a step was refused: the generator is wrong"
    );
    let s = State::fold_lean(lean(&e), None, None);
    assert_eq!(s.claims[0].superseded_by(), Some(3));
    assert_eq!(s.claims[1].retracted().map(|r| r.0), Some(4));
    assert_eq!((s.defs.len(), s.aliases.len(), s.trust.len()), (1, 1, 1));
}
