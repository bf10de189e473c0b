//! Planted reliabilities: synthetic logs where each origin's accuracy, and who copies whom, are
//! known, to measure how well the reconciler recovers them.
//!
//! A scenario has `subjects` subjects, each with a true figure, and `origins` independent
//! origins with planted accuracies drawn evenly from `[0.95 − 2·noise, 0.95]` (at least
//! 0.05). Each subject is spoken to by three to six of them; an origin states the true figure
//! with its accuracy, else one of four false figures (2% to 8% off) at random. `copiers`
//! further origins each copy one of the least accurate independent origins: wherever their
//! source speaks, they repeat its figure a day later (errors included), nine times in ten, and
//! otherwise state the truth. Every figure is declared exact, so only the weighing is measured.
//!
//! What is reported: the error rate of the weighted figure and of majority vote over the same
//! claims, Spearman's rank correlation between the planted and the learned accuracies of the
//! independent origins, and the mean learned copying rate of copiers and of independent origins.

use crate::Rng;
use crate::eval::{load, majority_vote, point};
use reckon_reconcile::{Options, State, reconcile};
use std::collections::HashMap;

/// The settings of one synthetic study.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// How many subjects.
    pub subjects: u64,
    /// How many independent origins.
    pub origins: u64,
    /// How far accuracies spread below 0.95 (the lowest is `0.95 − 2·noise`).
    pub noise: f64,
    /// How many copying origins.
    pub copiers: u64,
    /// The seed.
    pub seed: u64,
}

/// What the study found.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// Subjects scored.
    pub subjects: usize,
    /// Subjects whose weighted figure is not the true one.
    pub wrong: usize,
    /// Subjects whose majority-vote figure is not the true one.
    pub majority_wrong: usize,
    /// Spearman's rank correlation of planted and learned accuracy (independent origins).
    pub spearman: f64,
    /// Mean learned copying rate of the copiers.
    pub copying_of_copiers: f64,
    /// Mean learned copying rate of the independent origins.
    pub copying_of_independents: f64,
}

/// The claims of a scenario (JSON Lines), with each origin's planted accuracy (independent
/// origins only) and each subject's true figure.
pub fn generate(sc: &Scenario) -> (Vec<u8>, HashMap<String, f64>, HashMap<String, u64>) {
    let mut r = Rng::new(sc.seed);
    let lowest = (0.95 - 2.0 * sc.noise).max(0.05);
    let accuracy: Vec<f64> = (0..sc.origins)
        .map(|o| {
            if sc.origins < 2 {
                0.95
            } else {
                lowest + (0.95 - lowest) * o as f64 / (sc.origins - 1) as f64
            }
        })
        .collect();
    // Copiers copy the least accurate origins, in turn.
    let sources: Vec<u64> = (0..sc.copiers).map(|c| c % sc.origins.max(1)).collect();
    let mut out = Vec::new();
    let mut truth = HashMap::new();
    let mut line = |subject: &str, value: u64, origin: &str, day: u64| {
        let o = serde_json::json!({
            "subject": subject,
            "value": value.to_string(),
            "unit": "people",
            "said_on": format!("2025-01-{:02}", 1 + day % 28),
            "speaker": origin,
            "precision": "exact",
        });
        out.extend_from_slice(o.to_string().as_bytes());
        out.push(b'\n');
    };
    for s in 0..sc.subjects {
        let subject = format!("planted/s{s}");
        // A true figure that is never round: 10,001 to 99,991, last digit 1 to 9.
        let t = 10_000 + (s * 7_919) % 90_000 / 10 * 10 + 1 + s % 9;
        truth.insert(subject.clone(), t);
        let speakers = 3 + r.below(4);
        let mut chosen: Vec<u64> = Vec::new();
        while (chosen.len() as u64) < speakers.min(sc.origins) {
            let o = r.below(sc.origins);
            if !chosen.contains(&o) {
                chosen.push(o);
            }
        }
        chosen.sort_unstable();
        let mut said: HashMap<u64, u64> = HashMap::new();
        for &o in &chosen {
            let right = (r.below(1_000_000) as f64) < accuracy[o as usize] * 1e6;
            let v = if right { t } else { false_figure(&mut r, t) };
            said.insert(o, v);
            line(&subject, v, &format!("origin {o}"), 2 * s);
        }
        for (c, &src) in sources.iter().enumerate() {
            if let Some(&v) = said.get(&src) {
                let v = if r.below(10) < 9 { v } else { t };
                line(&subject, v, &format!("copier {c}"), 2 * s + 1);
            }
        }
    }
    let planted = (0..sc.origins)
        .map(|o| (format!("origin {o}"), accuracy[o as usize]))
        .collect();
    (out, planted, truth)
}

/// One of four false figures near `t`: 2%, 4%, 6% or 8% above or below.
fn false_figure(r: &mut Rng, t: u64) -> u64 {
    let step = 2 * (1 + r.below(4));
    let off = t * step / 100;
    if r.below(2) == 0 { t + off } else { t - off }
}

/// Ranks with ties given their mean rank.
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut out = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0;
        for &k in &idx[i..=j] {
            out[k] = mean;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation: Pearson's correlation of the ranks.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va == 0.0 || vb == 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// Runs a scenario: generates it, reconciles it, and measures the recovery.
pub fn run(sc: &Scenario) -> Result<Recovery, String> {
    let (input, planted, truth) = generate(sc);
    let entries = load("planted", &input)?;
    let state = State::fold(&entries, None);
    let r = reconcile(&state, None, &Options::default());
    let right = |v: Option<f64>, subject: &str| {
        v.is_some_and(|v| {
            truth
                .get(subject)
                .is_some_and(|t| (v - *t as f64).abs() < 0.5)
        })
    };
    let wrong = r
        .subjects
        .iter()
        .filter(|s| !right(s.figure.as_ref().map(point), s.subject.as_str()))
        .count();
    let majority = majority_vote(&state);
    let majority_wrong = truth
        .keys()
        .filter(|s| !right(majority.get(s.as_str()).copied().flatten(), s))
        .count();
    let mut names: Vec<&String> = planted.keys().collect();
    names.sort();
    let (mut p, mut l) = (Vec::new(), Vec::new());
    for n in &names {
        if let Some(rec) = r.records.get(n.as_str()) {
            p.push(planted[*n]);
            l.push(rec.learned.accuracy);
        }
    }
    let mean = |it: Vec<f64>| {
        if it.is_empty() {
            0.0
        } else {
            it.iter().sum::<f64>() / it.len() as f64
        }
    };
    let copying = |copier: bool| {
        mean(
            r.records
                .iter()
                .filter(|(n, _)| n.starts_with("copier") == copier)
                .map(|(_, rec)| rec.learned.copying)
                .collect(),
        )
    };
    Ok(Recovery {
        subjects: truth.len(),
        wrong,
        majority_wrong,
        spearman: spearman(&p, &l),
        copying_of_copiers: copying(true),
        copying_of_independents: copying(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_of_a_monotone_pair_is_one_and_of_a_reversed_pair_minus_one() {
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 35.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), 0.0);
    }

    /// On a planted log the learned accuracies rank the planted ones well, the weighted
    /// figure is wrong less often than majority vote, and copiers are found.
    #[test]
    fn learned_reliability_recovers_the_planted_one() {
        let sc = Scenario {
            subjects: 400,
            origins: 30,
            noise: 0.25,
            copiers: 6,
            seed: 7,
        };
        let got = run(&sc).unwrap();
        assert!(got.spearman > 0.7, "{got:?}");
        assert!(got.wrong < got.majority_wrong, "{got:?}");
        assert!(
            got.copying_of_copiers > 2.0 * got.copying_of_independents,
            "{got:?}"
        );
    }
}
