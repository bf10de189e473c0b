//! How reliable each origin is, learned from the whole log, and the figure that reliability
//! gives each subject.
//!
//! # The model
//!
//! It is the accuracy model of the truth-discovery literature (Dong, Berti-Equille and
//! Srivastava's *Accu*), on intervals instead of single values, with a smoothing prior and a
//! discount for copying.
//!
//! **Values.** The intervals of a subject's counted claims cut the number line into segments
//! (every end of every interval is a cut). The segments some claim covers are the values the
//! subject's figure can take; `n` further values ([`Model::alternatives`]) stand for the
//! figures nobody stated.
//!
//! **Votes.** An origin `o` with accuracy `A(o)` (the chance that a figure it states is right)
//! gives every segment its claims cover the vote `w(o) = ln(1 + n·A(o)/(1 − A(o)))`: the log
//! of how much more likely the origin is to state a figure when it is true than when it is one
//! of the `n` false ones, kept positive so that a claim never counts against itself. An origin
//! votes once per subject however many claims it makes.
//!
//! **One-sided claims.** A claim that states only one end of the figure (`at least 8,000`,
//! `more than`, `up to`, `fewer than`) is consistent with everything on its side of the bound,
//! so it is weak evidence for any one figure there. It carries half its origin's vote (it
//! states one of the figure's two ends) on the segments it covers; where the same origin also
//! has a claim stating both ends, that claim's full vote counts. So one-sided claims that merely
//! overlap one another do not outweigh a figure stated in full: two of them tie with it and
//! three outweigh it, and when a stated figure lies inside their bounds it is the tightest
//! region they all support and wins. A one-sided claim that excludes the figure is dissent,
//! like any other. The chance that the claim is right (its accuracy evidence) is unchanged:
//! the figure lying inside its bound. The score of a segment is the sum of
//! its votes, and the chance that the figure lies in segment `j` is
//! `P(j) = e^{S(j)} / (Σ_k e^{S(k)} + n)`.
//!
//! **Accuracy.** `A(o)` is the expected share of its claims that are right, over the subjects
//! that at least two origins speak to, smoothed toward a prior:
//! `A(o) = (Σ P(o's claim is right) + s·a) / (number of those subjects + s)`, where `P(o's claim
//! is right)` is the chance the figure lies in what the claim covers, `s` is
//! [`Model::prior_strength`] and `a` is the origin's declared prior (a `trust` event, with its
//! own strength) or else the average origin's accuracy: the mean of `A` over the origins with
//! evidence and no declared prior, each counted once (an empirical-Bayes prior, as a
//! hierarchical model estimates its hyperparameter, so that an origin with no record is taken
//! to be as good as the average origin, not as the average claim, which the origins that say
//! most would dominate). That mean counts the starting accuracy (0.8) as one more origin:
//! each origin's accuracy leans on the mean, so over a few origins that only ever agree, an
//! unanchored mean would follow them up round after round and every accuracy would tend to 1
//! (the vote's cap); anchored, agreement on one subject leaves an origin likely right, not
//! certain. Over thousands of origins the anchor moves the mean by a thousandth of its gap.
//!
//! **Copying.** An origin that states a figure another origin stated before it (by `said_on`,
//! then by log order) may have copied it. Copiers repeat errors as readily as truths, while an
//! independent origin rarely states the same *false* figure as another: so, as in ACCU, the
//! evidence is the false figures it repeats. At its first claim on each subject, `q` adds the
//! mean chance that a figure stated before is false, and, when its claim repeats one, `f` adds
//! the chance that the repeated figure is false; both chances leave the origin's own vote out.
//! A pure copier repeats false figures as often as they occur (`f ≈ q`), an independent origin
//! almost never (`f ≈ 0`): its copying rate is `c(o) = min(1, f / (q + β))`, where the
//! smoothing `β` ([`Model::copy_smoothing`]) keeps a few agreements from reading as copying. On a subject where
//! every claim of `o` repeats an earlier figure, its vote is `(1 − c(o))·w(o)` and its claim
//! counts `1 − c(o)` toward its own accuracy (a copy is no evidence of being right).
//!
//! **Fitting.** Starting from `A = 0.8` and no copying, votes, chances, accuracies and copying
//! rates are recomputed in turn until a round moves no accuracy or rate by more than 1e-6, or
//! for [`Model::rounds`] rounds; every third round starts from where the last two point to
//! (a squared extrapolation, kept only when it helps: see `settle`), which reaches the same
//! fixed point in about half the rounds. Every sum is taken in subject order, so the result is
//! the same on every run and machine.
//!
//! **The figure.** The region of highest score; other regions within [`Model::margin`] of it
//! (posterior odds under `e^margin` to 1) are tied with it, and the subject is unresolved. A
//! region backed only by origins that all back a better region is not a rival: it is the same
//! evidence, less specific (the rest of an `at least` bound around a stated figure inside it),
//! so it never ties. Better is a higher score: two regions the same origins back with the
//! same votes (an origin that stated both, and no one else) tie, whichever the sums of their
//! votes, taken in different orders, put ahead in their last bits.
//!
//! This module never reads the log: it takes votes and returns reliabilities and candidates.

use crate::fx::FxBuild;
use crate::sweep::{Candidate, Key, end_key, mix, start_key};
use reckon_claim::{End, Interval};
use std::collections::HashMap;

/// The settings of the reliability model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    /// `n`: how many false figures an origin could state instead of the true one.
    pub alternatives: f64,
    /// `s`: how many subjects' evidence the prior of an origin counts as.
    pub prior_strength: f64,
    /// `β`: how many subjects' worth of false figures an origin must have had the chance to
    /// repeat before its repeating can count as copying.
    pub copy_smoothing: f64,
    /// The most rounds of fitting.
    pub rounds: usize,
    /// How much higher (in natural-log odds) the figure's score must be than another
    /// region's for the subject not to be unresolved.
    pub margin: f64,
}

impl Default for Model {
    /// `n = 3`, `s = 1` and `β = 1`: what 5-fold cross-validation on the Population dev
    /// subjects chooses in four folds of five among `n` in {3, 10, 30}, `s` in {0.5, 1, 3, 10}
    /// and `β` in {1, 5} (see the README). `n = 1` is left out of the search: with it, two
    /// origins against one is so little evidence that on a small log every accuracy settles
    /// below one half. `margin = 1` (odds of e to 1).
    fn default() -> Self {
        Model {
            alternatives: 3.0,
            prior_strength: 1.0,
            copy_smoothing: 1.0,
            rounds: 50,
            margin: 1.0,
        }
    }
}

/// The accuracy an origin is first assumed to have.
pub(crate) const START: f64 = 0.8;

/// How many origins' worth the starting accuracy counts as in the average origin's accuracy
/// (the prior of an origin with no declared one).
const AVERAGE_ANCHOR: f64 = 1.0;

/// One counted claim of a subject, as the model sees it.
#[derive(Clone, Debug)]
pub struct Vote {
    /// The interval it means.
    pub interval: Interval,
    /// Its origin's id.
    pub origin: u32,
    /// When it was said (days since the epoch of the start of `said_on`).
    pub said: i64,
    /// It states only one end of the figure (`at least`, `more than`, `up to`, `fewer
    /// than`): it counts as half a statement.
    pub one_sided: bool,
}

/// How much of an origin's vote a claim carries: a claim that states both ends of the figure
/// carries all of it, a one-sided one half.
const ONE_SIDED: f64 = 0.5;

/// A declared prior: the expected accuracy and how many subjects it counts as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Declared {
    /// The prior accuracy.
    pub prior: f64,
    /// Its strength, in subjects; the model's default when `None`.
    pub strength: Option<f64>,
}

/// What the model learned about one origin.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Learned {
    /// The chance that a figure it states is right.
    pub accuracy: f64,
    /// How much of its repeating of earlier figures is copying (0 to 1).
    pub copying: f64,
}

impl Learned {
    /// Its vote on a subject: `ln(1 + n·A/(1 − A))`.
    pub fn weight(self, model: &Model) -> f64 {
        vote(self.accuracy, model.alternatives)
    }
}

fn vote(accuracy: f64, n: f64) -> f64 {
    let a = accuracy.clamp(1e-6, 1.0 - 1e-6);
    (1.0 + n * a / (1.0 - a)).ln()
}

/// Where each origin's learned reliability is, by origin id: the fit's own list, or the
/// records a reconciliation holds. Reading one in place, a report never copies every origin's
/// (a log of many origins and many subjects would copy them once a subject).
pub trait Reliabilities {
    /// The reliability of origin `origin`.
    fn of(&self, origin: u32) -> Learned;
}

impl Reliabilities for [Learned] {
    fn of(&self, origin: u32) -> Learned {
        self[origin as usize]
    }
}

/// A subject's votes cut into segments, made once and used every round.
#[derive(Debug)]
pub struct Prepared {
    /// The cuts; segment `j` runs from `cuts[j]` to `cuts[j + 1]` (the last one, to infinity).
    cuts: Vec<Key>,
    /// Each vote's segments, `[lo, hi)`.
    ranges: Vec<(u32, u32)>,
    /// The origins that vote, sorted, each with its merged segments.
    origins: Vec<OriginPart>,
    /// Every origin's segments, one after another ([`OriginPart::cover`]).
    covers: Vec<(u32, u32, f64)>,
    /// Vote indices in the order they were said (said_on, then log order).
    said_order: Vec<u32>,
    /// Whether each vote repeats a figure another origin stated before it.
    repeats: Vec<bool>,
    /// Whether each vote is the first, in said order, to state its figure (by anyone): the
    /// distinct figures stated so far grow by it. Made once; the fit's every round reads it.
    first: Vec<bool>,
    /// For a vote that is its origin's first in said order, that origin's place in `origins`.
    opens: Vec<Option<u32>>,
}

#[derive(Debug)]
struct OriginPart {
    origin: u32,
    /// Where in [`Prepared::covers`] the segments its claims cover are: `[lo, hi)`, in order
    /// and disjoint, each with the share of its vote it carries there (1, or [`ONE_SIDED`]
    /// where only one-sided claims cover).
    cover: (u32, u32),
    /// Every claim of it on the subject repeats an earlier figure of another origin.
    all_repeat: bool,
}

impl OriginPart {
    /// How much its claim here counts toward its own accuracy: all of it, or, where every
    /// claim of it repeats an earlier figure, `1 − copying` (a copy is no evidence of being
    /// right).
    fn independence(&self, learned: &[Learned]) -> f64 {
        if self.all_repeat {
            1.0 - learned[self.origin as usize].copying
        } else {
            1.0
        }
    }
}

impl Prepared {
    /// Cuts `votes` (in log order) into segments.
    pub fn new(votes: &[Vote]) -> Prepared {
        let mut cuts: Vec<Key> = votes
            .iter()
            .flat_map(|v| std::iter::once(start_key(&v.interval)).chain(end_key(&v.interval)))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let at = |k: Key| cuts.partition_point(|c| *c < k) as u32;
        let ranges: Vec<(u32, u32)> = votes
            .iter()
            .map(|v| {
                let lo = at(start_key(&v.interval));
                let hi = end_key(&v.interval).map_or(cuts.len() as u32, at);
                (lo, hi)
            })
            .collect();
        let mut said_order: Vec<u32> = (0..votes.len() as u32).collect();
        said_order.sort_by_key(|&i| (votes[i as usize].said, i));
        // Who stated each figure first, to tell a repeat of another origin from one's own.
        let mut stated: HashMap<(u32, u32), u32, FxBuild> = HashMap::default();
        let mut repeats = vec![false; votes.len()];
        let mut first = vec![false; votes.len()];
        for &i in &said_order {
            let i = i as usize;
            match stated.get(&ranges[i]) {
                Some(&o) if o != votes[i].origin => repeats[i] = true,
                Some(_) => {}
                None => {
                    stated.insert(ranges[i], votes[i].origin);
                    first[i] = true;
                }
            }
        }
        // The votes by origin (ascending), each origin's in log order.
        let mut by_origin: Vec<(u32, usize)> = votes
            .iter()
            .enumerate()
            .map(|(i, v)| (v.origin, i))
            .collect();
        by_origin.sort_unstable();
        let mut rank = vec![0usize; votes.len()];
        for (r, &i) in said_order.iter().enumerate() {
            rank[i as usize] = r;
        }
        let mut opens = vec![None; votes.len()];
        let mut covers: Vec<(u32, u32, f64)> = Vec::new();
        let origins: Vec<OriginPart> = by_origin
            .chunk_by(|a, b| a.0 == b.0)
            .enumerate()
            .map(|(k, run)| {
                let origin = run[0].0;
                let mine: Vec<usize> = run.iter().map(|&(_, i)| i).collect();
                let spans: Vec<(u32, u32, bool)> = mine
                    .iter()
                    .map(|&i| (ranges[i].0, ranges[i].1, votes[i].one_sided))
                    .collect();
                let start = covers.len() as u32;
                covers.extend(pieces(&spans));
                let cover = (start, covers.len() as u32);
                // Its first vote in said order opens it.
                let first = *mine.iter().min_by_key(|&&i| rank[i]).unwrap_or(&mine[0]);
                opens[first] = Some(k as u32);
                OriginPart {
                    origin,
                    cover,
                    all_repeat: mine.iter().all(|&i| repeats[i]),
                }
            })
            .collect();
        Prepared {
            cuts,
            ranges,
            origins,
            covers,
            said_order,
            repeats,
            first,
            opens,
        }
    }

    /// The segments origin part `p` covers.
    fn cover(&self, p: &OriginPart) -> &[(u32, u32, f64)] {
        self.covers
            .get(p.cover.0 as usize..p.cover.1 as usize)
            .unwrap_or_default()
    }

    /// How many distinct origins vote.
    pub fn origin_count(&self) -> usize {
        self.origins.len()
    }

    /// Whether its claims are evidence of their origins' accuracy: two or more origins
    /// speak to it (an origin alone on a subject is judged by nothing but itself).
    fn carries_evidence(&self) -> bool {
        self.origin_count() >= 2
    }

    /// Each origin's vote on this subject under `learned`.
    fn weights<R: Reliabilities + ?Sized>(&self, learned: &R, model: &Model) -> Vec<f64> {
        let mut w = Vec::new();
        self.weights_into(learned, &|o| learned.of(o).weight(model), &mut w);
        w
    }

    /// [`Prepared::weights`] into `out`, which is cleared first, with each origin's whole
    /// vote from `weight_of`.
    fn weights_into<R: Reliabilities + ?Sized>(
        &self,
        learned: &R,
        weight_of: &dyn Fn(u32) -> f64,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        out.extend(self.origins.iter().map(|p| {
            let w = weight_of(p.origin);
            if p.all_repeat {
                w * (1.0 - learned.of(p.origin).copying)
            } else {
                w
            }
        }));
    }

    /// Each segment's score and a fingerprint of the origins covering it.
    fn scores(&self, weights: &[f64]) -> (Vec<f64>, Vec<u64>) {
        let mut s = Scratch::default();
        self.scores_into(weights, &mut s, true);
        (s.scores, s.prints)
    }

    /// [`Prepared::scores`] into `s.scores` and, with `prints`, `s.prints` (the fit reads no
    /// fingerprint), with `s`'s other buffers as working memory.
    fn scores_into(&self, weights: &[f64], s: &mut Scratch, with_prints: bool) {
        let k = self.cuts.len();
        let Scratch {
            diff,
            fdiff,
            count,
            scores,
            prints,
            ..
        } = s;
        refill(diff, k + 1, 0.0);
        // Covered or not is decided by a count (and the fingerprint), not by a float sum that
        // could round to a hair above zero.
        refill(count, k + 1, 0);
        for (p, w) in self.origins.iter().zip(weights) {
            for &(lo, hi, share) in self.cover(p) {
                diff[lo as usize] += w * share;
                diff[hi as usize] -= w * share;
                count[lo as usize] += 1;
                count[hi as usize] -= 1;
            }
        }
        let (mut s, mut c) = (0.0, 0i32);
        scores.clear();
        for j in 0..k {
            s += diff[j];
            c += count[j];
            scores.push(if c > 0 { s.max(0.0) } else { f64::NEG_INFINITY });
        }
        prints.clear();
        if with_prints {
            refill(fdiff, k + 1, 0);
            for p in &self.origins {
                let tag = mix(u64::from(p.origin));
                for &(lo, hi, _) in self.cover(p) {
                    fdiff[lo as usize] ^= tag;
                    fdiff[hi as usize] ^= tag;
                }
            }
            let (mut f, mut c) = (0u64, 0i32);
            for j in 0..k {
                f ^= fdiff[j];
                c += count[j];
                prints.push(if c > 0 { f } else { 0 });
            }
        }
    }

    /// This subject's contribution to a round: per origin, (accuracy evidence, its weight,
    /// false figures repeated, false figures it could have repeated).
    ///
    /// Every subject is visited every round: the working memory is the calling thread's,
    /// reused from one subject to the next. `weight` is every origin's [`Learned::weight`]
    /// under `learned`, made once a round.
    /// Appended to `out`, one entry per origin that votes, in origin order (none when no
    /// segment is covered).
    fn evidence(
        &self,
        learned: &[Learned],
        weight: &[f64],
        model: &Model,
        out: &mut Vec<(u32, [f64; 4])>,
    ) {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.evidence_in(learned, weight, model, &mut s, out),
            Err(_) => self.evidence_in(learned, weight, model, &mut Scratch::default(), out),
        })
    }

    fn evidence_in(
        &self,
        learned: &[Learned],
        weight: &[f64],
        model: &Model,
        s: &mut Scratch,
        out: &mut Vec<(u32, [f64; 4])>,
    ) {
        let mut weights = std::mem::take(&mut s.weights);
        self.weights_into(learned, &|o| weight[o as usize], &mut weights);
        self.scores_into(&weights, s, false);
        self.evidence_from(learned, model, &weights, s, out);
        s.weights = weights;
    }

    fn evidence_from(
        &self,
        learned: &[Learned],
        model: &Model,
        weights: &[f64],
        s: &mut Scratch,
        all: &mut Vec<(u32, [f64; 4])>,
    ) {
        let Scratch {
            scores,
            e,
            prefix,
            tree,
            ..
        } = s;
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !top.is_finite() {
            return;
        }
        e.clear();
        e.extend(scores.iter().map(|s| (s - top).exp()));
        refill(prefix, e.len() + 1, 0.0);
        for (j, x) in e.iter().enumerate() {
            prefix[j + 1] = prefix[j] + x;
        }
        let z = prefix[e.len()] + model.alternatives * (-top).exp();
        let mass = |lo: u32, hi: u32| prefix[hi as usize] - prefix[lo as usize];
        let base = all.len();
        all.extend(self.origins.iter().zip(weights).map(|(p, _)| {
            let covered: f64 = self.cover(p).iter().map(|&(lo, hi, _)| mass(lo, hi)).sum();
            let independent = p.independence(learned);
            (p.origin, [independent * covered / z, independent, 0.0, 0.0])
        }));
        let out = &mut all[base..];
        // Walk the votes in the order they were said, keeping the distinct figures stated so
        // far: how many cover each segment (a Fenwick tree of range additions), their total
        // mass, and how many there are.
        tree.reset(e.len() + 1);
        let (mut seen_mass, mut seen_count) = (0.0f64, 0usize);
        for &i in &self.said_order {
            let i = i as usize;
            if let Some(k) = self.opens[i].map(|k| k as usize)
                && seen_count > 0
            {
                let p = &self.origins[k];
                // Taking the origin's own vote out multiplies each segment it covers by
                // e^(−w·share): `own` and `overlap` are what that removes.
                let mut own = 0.0;
                let mut overlap = 0.0;
                for &(lo, hi, share) in self.cover(p) {
                    let cut = 1.0 - (-weights[k] * share).exp();
                    for j in lo..hi {
                        own += cut * e[j as usize];
                        overlap += cut * tree.at(j as usize) as f64 * e[j as usize];
                    }
                }
                let z_without = z - own;
                if z_without > 0.0 {
                    let could = 1.0 - (seen_mass - overlap) / (seen_count as f64 * z_without);
                    out[k].1[3] += could.clamp(0.0, 1.0);
                    if self.repeats[i] {
                        let (lo, hi) = self.ranges[i];
                        let kept: f64 = self
                            .cover(p)
                            .iter()
                            .map(|&(a, b, share)| {
                                let (a, b) = (a.max(lo), b.min(hi));
                                if a < b {
                                    mass(a, b) * (-weights[k] * share).exp()
                                } else {
                                    0.0
                                }
                            })
                            .sum();
                        out[k].1[2] += (1.0 - kept / z_without).clamp(0.0, 1.0);
                    }
                }
            }
            if self.first[i] {
                let (lo, hi) = self.ranges[i];
                seen_mass += mass(lo, hi);
                seen_count += 1;
                tree.add_range(lo as usize, hi as usize, 1);
            }
        }
    }

    /// The candidates for the figure under `learned`: the regions within the margin of the
    /// best score, best first (then in line order); and the best score.
    pub fn candidates<R: Reliabilities + ?Sized>(
        &self,
        learned: &R,
        model: &Model,
    ) -> Vec<(Candidate, f64)> {
        let weights = self.weights(learned, model);
        let (scores, prints) = self.scores(&weights);
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !top.is_finite() {
            return Vec::new();
        }
        let mut runs: Vec<(usize, usize, f64)> = Vec::new();
        for (j, &s) in scores.iter().enumerate() {
            if s < top - model.margin {
                continue;
            }
            match runs.last_mut() {
                Some(r) if r.1 == j && prints[j] == prints[r.0] && scores[r.0] == s => r.1 = j + 1,
                _ => runs.push((j, j + 1, s)),
            }
        }
        let mut out: Vec<(Candidate, f64)> = runs
            .into_iter()
            .filter_map(|(a, b, s)| {
                let lo = End {
                    at: self.cuts[a].0,
                    open: self.cuts[a].1 == 1,
                };
                let hi = self.cuts.get(b).map(|k| End {
                    at: k.0,
                    open: k.1 == 0,
                });
                let region = Interval::new(lo, hi).ok()?;
                let covering: Vec<usize> = (0..self.ranges.len())
                    .filter(|&v| self.ranges[v].0 as usize <= a && a < self.ranges[v].1 as usize)
                    .collect();
                let first = *covering.first()?;
                let mut origins: Vec<u32> = self
                    .origins
                    .iter()
                    .filter(|p| {
                        self.cover(p)
                            .iter()
                            .any(|&(lo, hi, _)| lo as usize <= a && a < hi as usize)
                    })
                    .map(|p| p.origin)
                    .collect();
                origins.sort_unstable();
                Some((
                    Candidate {
                        region,
                        origins,
                        first,
                    },
                    s,
                ))
            })
            .collect();
        best_first(&mut out);
        // A region whose every backer also backs a better one is that evidence, less
        // specific: not a rival figure. Better means a higher score: a region that the same
        // origins back with the same votes (each of them said both, or something covering
        // both) is not less of anything, and ties with it; its score differs only in the
        // last bits of sums taken in another order, which must not choose the figure.
        let mut kept: Vec<(Candidate, f64)> = Vec::with_capacity(out.len());
        for c in out {
            let within = |better: &(Candidate, f64)| {
                !same_score(better.1, c.1)
                    && c.0
                        .origins
                        .iter()
                        .all(|o| better.0.origins.binary_search(o).is_ok())
            };
            if !kept.iter().any(within) {
                kept.push(c);
            }
        }
        kept
    }

    /// Each origin's vote on this subject (after any copying discount), by origin id.
    pub fn votes<R: Reliabilities + ?Sized>(&self, learned: &R, model: &Model) -> Vec<OriginVote> {
        self.weights(learned, model)
            .into_iter()
            .zip(&self.origins)
            .map(|(weight, p)| {
                let one_sided = self.cover(p).iter().all(|c| c.2 < 1.0);
                OriginVote {
                    origin: p.origin,
                    weight: if one_sided {
                        weight * ONE_SIDED
                    } else {
                        weight
                    },
                    repeats: p.all_repeat,
                    one_sided,
                }
            })
            .collect()
    }
}

/// One origin's vote on one subject.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OriginVote {
    /// The origin's id.
    pub origin: u32,
    /// Its vote, after any copying discount, and halved when every claim it makes here is
    /// one-sided.
    pub weight: f64,
    /// Every claim it makes here repeats an earlier figure of another origin.
    pub repeats: bool,
    /// Every claim it makes here is one-sided, so it carries half the vote.
    pub one_sided: bool,
}

/// Learns every origin's accuracy and copying rate from `subjects` (only those with two or
/// more origins carry evidence). `declared` gives an origin's declared prior, if any.
pub fn learn(
    subjects: &[&Prepared],
    origins: usize,
    declared: &dyn Fn(u32) -> Option<Declared>,
    model: &Model,
) -> Vec<Learned> {
    fit(subjects, origins, declared, model, |start, round| {
        settle(start, round, model.rounds.max(1))
    })
}

/// [`learn`], with the rounds of the fit taken to their fixed point by `to_fixed_point`
/// (given the starting point and one round).
fn fit(
    subjects: &[&Prepared],
    origins: usize,
    declared: &dyn Fn(u32) -> Option<Declared>,
    model: &Model,
    to_fixed_point: impl FnOnce(Vec<Learned>, &dyn Fn(&[Learned]) -> Vec<Learned>) -> Vec<Learned>,
) -> Vec<Learned> {
    let priors = declared_priors(origins, declared);
    let learned: Vec<Learned> = priors
        .iter()
        .map(|d| Learned {
            accuracy: d.map_or(START, |d| d.prior),
            copying: 0.0,
        })
        .collect();
    let shared: Vec<&Prepared> = subjects
        .iter()
        .copied()
        .filter(|p| p.carries_evidence())
        .collect();
    let round = |learned: &[Learned]| -> Vec<Learned> {
        let weight: Vec<f64> = learned.iter().map(|l| l.weight(model)).collect();
        // Each piece of subjects appends its subjects' evidence, in subject order, to one
        // list: summed below in the same order as one list a subject.
        let piece = |piece: &[&Prepared]| {
            let mut out = Vec::new();
            for p in piece {
                p.evidence(learned, &weight, model, &mut out);
            }
            out
        };
        let parts: Vec<Vec<(u32, [f64; 4])>> = if shared.len() < 1024 {
            vec![piece(&shared)]
        } else {
            use rayon::prelude::*;
            shared.par_chunks(EVIDENCE_PIECE).map(piece).collect()
        };
        let mut sums = vec![[0.0f64; 4]; origins];
        for part in parts {
            for (o, x) in part {
                let s = &mut sums[o as usize];
                for (a, b) in s.iter_mut().zip(x) {
                    *a += b;
                }
            }
        }
        let counted: Vec<f64> = sums.iter().map(|s| s[1]).collect();
        let mean = average(learned, &counted, &priors);
        sums.iter()
            .zip(&priors)
            .map(|(s, declared)| {
                let (prior, strength) = match declared {
                    Some(d) => (d.prior, d.strength.unwrap_or(model.prior_strength)),
                    None => (mean, model.prior_strength),
                };
                Learned {
                    accuracy: (s[0] + strength * prior) / (s[1] + strength),
                    copying: (s[2] / (s[3] + model.copy_smoothing)).clamp(0.0, 1.0),
                }
            })
            .collect()
    };
    to_fixed_point(learned, &round)
}

/// Each of `origins` origins' declared prior, if any.
fn declared_priors(
    origins: usize,
    declared: &dyn Fn(u32) -> Option<Declared>,
) -> Vec<Option<Declared>> {
    (0..origins as u32).map(declared).collect()
}

/// The average origin's accuracy, the prior of an origin with no declared one: the mean
/// accuracy (each origin counted once, not weighted by how much it says) of the origins with
/// evidence (`counted`: how many subjects' worth each has, see [`OriginPart::independence`])
/// and no declared prior.
fn average(learned: &[Learned], counted: &[f64], priors: &[Option<Declared>]) -> f64 {
    let (num, den) = learned
        .iter()
        .zip(counted)
        .zip(priors)
        .filter(|((_, c), d)| **c > 0.0 && d.is_none())
        .fold((0.0, 0.0), |(n, d), ((l, _), _)| (n + l.accuracy, d + 1.0));
    // That average is itself smoothed toward the starting accuracy, as one more origin:
    // taken over few origins, each of whose accuracy leans on it, it would otherwise be
    // pulled up by their own agreement alone (every origin of a log where no one disagrees
    // tends to accuracy 1, with no fixed point short of it).
    (num + AVERAGE_ANCHOR * START) / (den + AVERAGE_ANCHOR)
}

/// The prior each origin's accuracy is smoothed toward at the learned point `learned` (what
/// [`learn`] returns from the same subjects): its declared prior, or else the average
/// origin's accuracy, as the next round of the fit would take it (within the fit's
/// tolerance of the one its last round took). For explanations: it is how an accuracy
/// learned from little evidence can be followed by hand.
pub fn priors_at(
    subjects: &[&Prepared],
    learned: &[Learned],
    declared: &dyn Fn(u32) -> Option<Declared>,
) -> Vec<f64> {
    let priors = declared_priors(learned.len(), declared);
    let mut counted = vec![0.0f64; learned.len()];
    for p in subjects.iter().filter(|p| p.carries_evidence()) {
        for part in &p.origins {
            if let Some(c) = counted.get_mut(part.origin as usize) {
                *c += part.independence(learned);
            }
        }
    }
    let mean = average(learned, &counted, &priors);
    priors.iter().map(|d| d.map_or(mean, |d| d.prior)).collect()
}

/// The fit is settled when a round moves no accuracy or copying rate by more than this.
const SETTLED: f64 = 1e-6;

/// The farthest the fit's extrapolation may reach, as `|α|` of [`settle`]: the whole remaining
/// way of rounds that each move four fifths as far as the one before (`1/(1 − 4/5)`), so
/// that one step never goes much beyond where the rounds themselves would arrive.
const FARTHEST: f64 = 5.0;

/// How far one round moves the fit: the largest change of any accuracy or copying rate
/// (what [`SETTLED`] bounds).
fn moved(from: &[Learned], to: &[Learned]) -> f64 {
    from.iter().zip(to).fold(0.0f64, |m, (a, b)| {
        m.max((b.accuracy - a.accuracy).abs())
            .max((b.copying - a.copying).abs())
    })
}

/// How far one round moves the fit as a whole: the length of the change of every accuracy
/// and copying rate together, which compares two rounds by more than their largest change.
fn distance(from: &[Learned], to: &[Learned]) -> f64 {
    from.iter()
        .zip(to)
        .map(|(a, b)| (b.accuracy - a.accuracy).powi(2) + (b.copying - a.copying).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The fit's fixed point, from `start`: `round` applied until it moves nothing by more than
/// [`SETTLED`], or `most` rounds have been made (then the last point reached is returned).
///
/// Plain rounds converge steadily, each moving a fixed share of the one before (about half
/// on a million generated claims: sixteen rounds; four fifths on the Population data, which
/// fifty rounds did not settle). So every third round starts from an extrapolation instead
/// (SQUAREM, Varadhan and Roland's squared extrapolation): from three points of the plain
/// sequence, `x0`, `x1 = round(x0)` and `x2 = round(x1)`, with `r = x1 − x0` and
/// `v = x2 − 2·x1 + x0`, the point `x0 − 2α·r + α²·v` with `α = −|r|/|v|`, bounded to
/// `[−FARTHEST, −1]` (`α = −1` gives `x2` itself): the limit of the sequence when its rounds
/// shrink geometrically, kept within the bounds of an accuracy and a rate. The round from that
/// point is kept when it moves the fit no farther (in [`distance`]) than the plain round from
/// `x1` did; otherwise the rounds go on from `x2`. It settles on the same fixed point in about
/// half the rounds (nine instead of sixteen; about forty on the Population data). Every step
/// is a fixed sequence of sums, so the result is the same on every run.
fn settle(
    start: Vec<Learned>,
    round: impl Fn(&[Learned]) -> Vec<Learned>,
    most: usize,
) -> Vec<Learned> {
    let mut x0 = start;
    let mut rounds = 0;
    loop {
        let x1 = round(&x0);
        rounds += 1;
        if moved(&x0, &x1) < SETTLED || rounds >= most {
            return x1;
        }
        let x2 = round(&x1);
        rounds += 1;
        if moved(&x1, &x2) < SETTLED || rounds >= most {
            return x2;
        }
        let plain = distance(&x1, &x2);
        // Rounds that do not yet shrink have no limit to extrapolate to.
        let far = (plain < distance(&x0, &x1))
            .then(|| extrapolate(&x0, &x1, &x2))
            .flatten();
        let Some(far) = far else {
            x0 = x2;
            continue;
        };
        let x3 = round(&far);
        rounds += 1;
        let kept = distance(&far, &x3) <= plain;
        if kept && moved(&far, &x3) < SETTLED {
            return x3;
        }
        x0 = if kept { x3 } else { x2 };
        if rounds >= most {
            return x0;
        }
    }
}

/// The squared extrapolation of [`settle`] from three successive points, or `None` when the
/// points give no direction (a second difference of zero) or anything is not finite.
fn extrapolate(x0: &[Learned], x1: &[Learned], x2: &[Learned]) -> Option<Vec<Learned>> {
    // The first and second differences of one accuracy or rate over the three points.
    let differences = |a: f64, b: f64, c: f64| (b - a, c - 2.0 * b + a);
    let (mut rr, mut vv) = (0.0f64, 0.0f64);
    for ((a, b), c) in x0.iter().zip(x1).zip(x2) {
        for (r, v) in [
            differences(a.accuracy, b.accuracy, c.accuracy),
            differences(a.copying, b.copying, c.copying),
        ] {
            rr += r * r;
            vv += v * v;
        }
    }
    let alpha = -(rr.sqrt() / vv.sqrt());
    if !alpha.is_finite() {
        return None;
    }
    let alpha = alpha.clamp(-FARTHEST, -1.0);
    let at = |a: f64, b: f64, c: f64| {
        let (r, v) = differences(a, b, c);
        (a - 2.0 * alpha * r + alpha * alpha * v).clamp(0.0, 1.0)
    };
    let far: Vec<Learned> = x0
        .iter()
        .zip(x1)
        .zip(x2)
        .map(|((a, b), c)| Learned {
            accuracy: at(a.accuracy, b.accuracy, c.accuracy),
            copying: at(a.copying, b.copying, c.copying),
        })
        .collect();
    far.iter()
        .all(|l| l.accuracy.is_finite() && l.copying.is_finite())
        .then_some(far)
}

/// How many subjects one task of a round of the fit reads.
const EVIDENCE_PIECE: usize = 64;

/// An origin's claims' segment ranges merged into disjoint pieces, each with the share of the
/// vote it carries: the whole where a claim stating both ends covers it, else [`ONE_SIDED`].
fn pieces(spans: &[(u32, u32, bool)]) -> Vec<(u32, u32, f64)> {
    // The common case, every claim stating both ends: merge sorted spans, no sweep.
    if spans.iter().all(|s| !s.2) {
        let mut sorted: Vec<(u32, u32)> = spans.iter().map(|s| (s.0, s.1)).collect();
        sorted.sort_unstable();
        let mut out: Vec<(u32, u32, f64)> = Vec::with_capacity(sorted.len());
        for (lo, hi) in sorted {
            match out.last_mut() {
                Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi, 1.0)),
            }
        }
        return out;
    }
    let mut bounds: Vec<u32> = spans.iter().flat_map(|s| [s.0, s.1]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    // Per elementary range between bounds: how many spans, and how many two-sided, cover it.
    let at = |x: u32| bounds.partition_point(|b| *b < x);
    let mut all = vec![0i32; bounds.len() + 1];
    let mut both = vec![0i32; bounds.len() + 1];
    for &(lo, hi, one) in spans {
        let (a, b) = (at(lo), at(hi));
        all[a] += 1;
        all[b] -= 1;
        if !one {
            both[a] += 1;
            both[b] -= 1;
        }
    }
    let mut out: Vec<(u32, u32, f64)> = Vec::new();
    let (mut c, mut d) = (0, 0);
    for k in 0..bounds.len().saturating_sub(1) {
        c += all[k];
        d += both[k];
        if c == 0 {
            continue;
        }
        let share = if d > 0 { 1.0 } else { ONE_SIDED };
        let (lo, hi) = (bounds[k], bounds[k + 1]);
        match out.last_mut() {
            Some(last) if last.1 == lo && last.2 == share => last.1 = hi,
            _ => out.push((lo, hi, share)),
        }
    }
    out
}

/// Candidates best first: by score, and where scores are the same (to [`same_score`]: they
/// differ only in the last bits of sums taken in other orders), in line order (by the first
/// vote that covers each), so that the region shown first never depends on the order in
/// which votes were added. Each run of the same score is measured from its first.
fn best_first(out: &mut [(Candidate, f64)]) {
    out.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.first.cmp(&y.0.first)));
    let mut from = 0;
    while from < out.len() {
        let head = out[from].1;
        let to = from
            + out[from..]
                .iter()
                .take_while(|c| same_score(head, c.1))
                .count();
        out[from..to].sort_by_key(|c| c.0.first);
        from = to;
    }
}

/// Whether two scores are the same sum of the same votes, told apart only by the rounding of
/// adding them in another order (a billionth of their size).
pub(crate) fn same_score(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Counts over segments: add to a range, read one segment.
#[derive(Default)]
struct Fenwick(Vec<i64>);

impl Fenwick {
    /// Empties the tree and sizes it for `n` places.
    fn reset(&mut self, n: usize) {
        refill(&mut self.0, n + 1, 0);
    }

    fn add(&mut self, mut i: usize, d: i64) {
        i += 1;
        while i < self.0.len() {
            self.0[i] += d;
            i += i & i.wrapping_neg();
        }
    }

    fn add_range(&mut self, lo: usize, hi: usize, d: i64) {
        self.add(lo, d);
        self.add(hi, -d);
    }

    fn at(&self, i: usize) -> i64 {
        let mut i = i + 1;
        let mut s = 0;
        while i > 0 {
            s += self.0[i];
            i -= i & i.wrapping_neg();
        }
        s
    }
}

/// Working memory for one subject's part of a round ([`Prepared::evidence`]), kept by each
/// thread and reused; what it holds between calls means nothing.
#[derive(Default)]
struct Scratch {
    weights: Vec<f64>,
    diff: Vec<f64>,
    fdiff: Vec<u64>,
    count: Vec<i32>,
    scores: Vec<f64>,
    prints: Vec<u64>,
    e: Vec<f64>,
    prefix: Vec<f64>,
    tree: Fenwick,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Makes `v` hold `n` copies of `x`, keeping its memory.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

#[cfg(test)]
mod tests {
    use super::*;
    use reckon_claim::{Tolerance, Value};

    fn iv(s: &str) -> Interval {
        Value::parse(s)
            .unwrap()
            .interval(Tolerance::DEFAULT)
            .unwrap()
    }

    fn vote_of(s: &str, origin: u32, said: i64) -> Vote {
        Vote {
            interval: iv(s),
            origin,
            said,
            one_sided: Value::parse(s).unwrap().is_one_sided(),
        }
    }

    /// An origin is opened (its copying evidence taken) at its first vote in the order said,
    /// not in log order; the origins are listed by id, each with every one of its votes.
    #[test]
    fn an_origin_opens_at_its_first_vote_said_and_origins_are_listed_by_id() {
        let votes = [
            vote_of("100", 7, 10),
            vote_of("200", 3, 5),
            vote_of("300", 7, 1),
        ];
        let p = Prepared::new(&votes);
        assert_eq!(p.said_order, vec![2, 1, 0]);
        let ids: Vec<u32> = p.origins.iter().map(|o| o.origin).collect();
        assert_eq!(ids, vec![3, 7]);
        assert_eq!(p.opens, vec![None, Some(0), Some(1)]);
        // Origin 7 covers both of its figures' segments.
        assert_eq!(p.cover(&p.origins[1]).len(), 2);
    }

    fn figure_of(votes: &[Vote]) -> Vec<String> {
        let learned = [Learned {
            accuracy: START,
            copying: 0.0,
        }; 8];
        Prepared::new(votes)
            .candidates(&learned[..], &Model::default())
            .iter()
            .map(|c| c.0.region.to_string())
            .collect()
    }

    /// Two one-sided claims that overlap each other only tie with a figure stated in full
    /// (each is half a statement); three outweigh it. Without the rule the two would win.
    #[test]
    fn one_sided_claims_count_half_a_statement() {
        let two = [
            vote_of("5000", 0, 0),
            vote_of("at least 8000", 1, 0),
            vote_of("at least 9000", 2, 0),
        ];
        assert_eq!(figure_of(&two), ["[5000, 5000]", "[9000, inf)"]);
        let three = [
            vote_of("5000", 0, 0),
            vote_of("at least 8000", 1, 0),
            vote_of("at least 9000", 2, 0),
            vote_of("more than 8500", 3, 0),
        ];
        assert_eq!(figure_of(&three), ["[9000, inf)"]);
        // A stated figure inside the bounds is the tightest region and wins outright.
        let inside = [
            vote_of("10000", 0, 0),
            vote_of("at least 8000", 1, 0),
            vote_of("at least 9000", 2, 0),
        ];
        assert_eq!(figure_of(&inside), ["[10000, 10000]"]);
    }

    /// Where an origin's two-sided and one-sided claims overlap, its full vote counts there
    /// and half of it elsewhere; pieces are disjoint and in order.
    #[test]
    fn an_origins_pieces_carry_the_larger_share() {
        assert_eq!(
            pieces(&[(0, 10, true), (3, 5, false), (12, 14, true)]),
            [(0, 3, 0.5), (3, 5, 1.0), (5, 10, 0.5), (12, 14, 0.5)]
        );
        assert_eq!(pieces(&[(0, 4, false), (4, 6, false)]), [(0, 6, 1.0)]);
        assert_eq!(pieces(&[]), []);
    }

    /// Scores that differ only in their last bits (0.1 + 0.2 + 0.3 against 0.3 + 0.3) are
    /// the same score: those candidates are in line order, the one whose first vote comes
    /// first shown first; a score lower by more is behind whatever its line.
    #[test]
    fn scores_equal_but_for_their_last_bits_are_in_line_order() {
        let candidate = |first: usize| Candidate {
            region: iv("1"),
            origins: vec![0],
            first,
        };
        let noisy = 0.1 + 0.2 + 0.3;
        assert_ne!(noisy, 0.3 + 0.3);
        let mut out = vec![
            (candidate(7), 0.5),
            (candidate(5), noisy),
            (candidate(2), 0.3 + 0.3),
            (candidate(1), 0.59),
        ];
        best_first(&mut out);
        let order: Vec<usize> = out.iter().map(|c| c.0.first).collect();
        assert_eq!(order, [2, 5, 1, 7]);
    }

    /// Two figures that the same origins back with the same votes tie: neither is the
    /// other's evidence made less specific. (They were not rivals, and the one whose sum of
    /// votes came out a few bits larger, or failing that was stated first, was the figure.)
    /// The rest of an `at least` bound around a figure stated inside it, backed by fewer of
    /// the same origins, is still no rival, even within the margin.
    #[test]
    fn regions_the_same_origins_back_with_the_same_votes_tie() {
        let model = Model::default();
        let weak = vec![
            Learned {
                accuracy: 0.3,
                copying: 0.0,
            };
            2
        ];
        let regions = |p: &Prepared, learned: &[Learned]| -> Vec<String> {
            p.candidates(learned, &model)
                .iter()
                .map(|c| c.0.region.to_string())
                .collect()
        };
        // Origin 0 states 100 and 200; origin 1 a range covering both.
        let both = Prepared::new(&[
            vote_of("100", 0, 0),
            vote_of("200", 0, 1),
            vote_of("between 90 and 210", 1, 0),
        ]);
        assert_eq!(regions(&both, &weak), ["[100, 100]", "[200, 200]"]);
        let strong = vec![
            Learned {
                accuracy: 0.9,
                copying: 0.0,
            };
            2
        ];
        assert_eq!(regions(&both, &strong), ["[100, 100]", "[200, 200]"]);
        let bound = Prepared::new(&[vote_of("at least 90", 0, 0), vote_of("100", 1, 0)]);
        let c = bound.candidates(&weak[..], &model);
        assert!(
            c[0].1 - weak[0].weight(&model) / 2.0 < model.margin,
            "the rest of the bound is within the margin"
        );
        assert_eq!(regions(&bound, &weak), ["[100, 100]"]);
    }

    /// Origins 0 and 1 agree on nine subjects; origin 2 disagrees with both on each. On a
    /// tenth subject 0 and 2 stand alone against each other: 0's record decides.
    /// One origin states the truth on 20 subjects; on each, a one-off origin then repeats it
    /// and another one-off states something else. Two thirds of the claims are right, so the
    /// average claim is right about two times in three, but most origins are one-off and half
    /// of those are wrong: an origin with no record is taken to be as good as the average
    /// origin, which is lower (that average smoothed toward the starting accuracy as one
    /// more origin). (Pooling every claim, as before, gave it 0.67.)
    #[test]
    fn an_origin_with_no_record_is_as_good_as_the_average_origin() {
        let subjects: Vec<Prepared> = (0..20)
            .map(|k| {
                Prepared::new(&[
                    vote_of(&format!("{}", 100 + k), 0, 0),
                    vote_of(&format!("{}", 100 + k), 1 + 2 * k, 1),
                    vote_of(&format!("{}", 900 + k), 2 + 2 * k, 1),
                ])
            })
            .collect();
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let learned = learn(&refs, 42, &|_| None, &Model::default());
        let unknown = learned[41].accuracy;
        let mean = (learned[..41].iter().map(|l| l.accuracy).sum::<f64>() + START) / 42.0;
        assert!((unknown - mean).abs() < 1e-4, "{unknown} against {mean}");
        assert!(unknown < 0.6, "{unknown}");
        assert!(learned[0].accuracy > 0.9, "{learned:?}");
        assert!(learned[1].accuracy > learned[2].accuracy, "{learned:?}");
    }

    /// Eight origins, two on each of four subjects, every pair agreeing: agreement is all
    /// the log shows, and each origin is judged by one subject and the average origin. That
    /// average leans on their own accuracies, so unanchored it followed them up: each round
    /// raised every accuracy a little, toward 1 (the project's own log showed accuracy 1.00
    /// and the vote's cap for every origin). Smoothed toward the starting accuracy, the fit
    /// settles where one subject of agreement leaves an origin: likely right, not certain.
    #[test]
    fn agreement_alone_does_not_make_an_origin_certain() {
        let subjects: Vec<Prepared> = (0..4u32)
            .map(|k| Prepared::new(&[vote_of("100", 2 * k, 0), vote_of("100", 2 * k + 1, 1)]))
            .collect();
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let model = Model::default();
        let mut further = Vec::new();
        let learned = fit(&refs, 8, &|_| None, &model, |start, round| {
            let x = settle(start, round, model.rounds);
            further = round(&x);
            x
        });
        assert!(moved(&learned, &further) <= 10.0 * SETTLED, "{learned:?}");
        for l in &learned {
            assert!((0.95..0.99).contains(&l.accuracy), "{learned:?}");
        }
    }

    #[test]
    fn an_origin_that_agrees_with_others_outweighs_one_that_never_does() {
        let mut subjects: Vec<Prepared> = (0..9)
            .map(|k| {
                Prepared::new(&[
                    vote_of(&format!("{}", 100 + k), 0, 0),
                    vote_of(&format!("{}", 100 + k), 1, 0),
                    vote_of(&format!("{}", 900 + k), 2, 0),
                ])
            })
            .collect();
        subjects.push(Prepared::new(&[vote_of("5", 2, 0), vote_of("7", 0, 0)]));
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let model = Model::default();
        let learned = learn(&refs, 3, &|_| None, &model);
        assert!(learned[0].accuracy > 0.8, "{learned:?}");
        assert!(learned[2].accuracy < 0.3, "{learned:?}");
        let c = subjects[9].candidates(&learned[..], &model);
        assert_eq!(c[0].0.region.to_string(), "[7, 7]");
        assert!(
            c[0].1 - c.get(1).map_or(0.0, |x| x.1) >= model.margin,
            "{c:?}"
        );
    }

    /// Origin 1 states, on every subject and after origin 0, whatever origin 0 said, errors
    /// included; origins 2, 3 and 4 state the truth. Origin 1's copying rate is high; those of
    /// 3 and 4, which also repeat a figure stated before them (2's), stay near zero, because
    /// what they repeat is not false.
    #[test]
    fn a_copier_that_repeats_errors_is_found() {
        let mut subjects: Vec<Prepared> = Vec::new();
        for k in 0..20 {
            let truth = format!("{}", 1000 + k);
            let said0 = if k % 2 == 0 {
                truth.clone()
            } else {
                format!("{}", 5000 + k)
            };
            subjects.push(Prepared::new(&[
                vote_of(&said0, 0, 0),
                vote_of(&said0, 1, 1),
                vote_of(&truth, 2, 0),
                vote_of(&truth, 3, 0),
                vote_of(&truth, 4, 0),
            ]));
        }
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let learned = learn(&refs, 5, &|_| None, &Model::default());
        assert!(learned[1].copying > 0.5, "{learned:?}");
        for o in [2, 3, 4] {
            assert!(learned[o].copying < 0.05, "{learned:?}");
        }
        assert!(learned[0].accuracy < learned[2].accuracy, "{learned:?}");
    }

    /// A declared prior moves an origin with no record, and the log's evidence outweighs a
    /// prior of strength one once it has many subjects.
    #[test]
    fn a_declared_prior_counts_as_evidence_of_its_stated_strength() {
        let subjects = [Prepared::new(&[vote_of("1", 0, 0), vote_of("2", 1, 0)])];
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let declared = |o: u32| {
            (o == 1).then_some(Declared {
                prior: 0.99,
                strength: Some(100.0),
            })
        };
        let learned = learn(&refs, 2, &declared, &Model::default());
        assert!(learned[1].accuracy > 0.95, "{learned:?}");
        let c = subjects[0].candidates(&learned[..], &Model::default());
        assert_eq!(c[0].0.region.to_string(), "[2, 2]");
    }

    /// Subjects of every kind the fit reads: origins that state figures first, repeat others'
    /// at later dates, repeat themselves, state ranges and one-sided bounds.
    fn varied_subjects() -> Vec<Prepared> {
        let figures = [
            "100",
            "100",
            "120",
            "between 90 and 110",
            "at least 95",
            "100",
            "130",
        ];
        (0..60u32)
            .map(|k| {
                let votes: Vec<Vote> = (0..5u32)
                    .map(|o| {
                        let f = figures[((k * 3 + o * (k % 4 + 1)) % 7) as usize];
                        vote_of(f, (o + k) % 6, i64::from((o * 7 + k) % 5))
                    })
                    .chain((k % 3 == 0).then(|| vote_of("100", 1, 9)))
                    .collect();
                Prepared::new(&votes)
            })
            .collect()
    }

    /// What the fit learns on the varied subjects, to ten decimal places: a change to how the
    /// fit is computed that changes what it learns fails here, whichever part of a round it
    /// touches. Such a change must raise [`crate::RECORDS_VERSION`] too (records one build
    /// saved are not another's answer), which this test pins beside the values.
    #[test]
    fn the_fit_learns_what_it_learned_before() {
        let subjects = varied_subjects();
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let learned = learn(&refs, 6, &|_| None, &Model::default());
        let got: Vec<String> = learned
            .iter()
            .map(|l| format!("{:.10} {:.10}", l.accuracy, l.copying))
            .collect();
        // What the fit learns, and the version saved records carry: change both together.
        assert_eq!(
            crate::RECORDS_VERSION,
            5,
            "the records' version changed without what the fit learns"
        );
        // The prior every origin here was smoothed toward (none declared): the average.
        let priors = priors_at(&refs, &learned, &|_| None);
        assert!(
            priors.iter().all(|p| format!("{p:.10}") == "0.6847635901"),
            "{priors:?}"
        );
        let before = [
            "0.7043536323 0.1701017235",
            "0.7672478985 0.3219933746",
            "0.6595038898 0.2027358227",
            "0.6384653411 0.1956565968",
            "0.5812153271 0.2106235678",
            "0.6425590422 0.1474892862",
        ];
        assert_eq!(got, before);
    }

    /// The prior [`priors_at`] gives is the one the fit smoothed toward: an origin with no
    /// evidence (it speaks only on a subject of its own) has exactly that prior as its
    /// accuracy, within the fit's tolerance; an origin with a declared prior has it; and the
    /// average moves when an origin with evidence declares one (it no longer counts).
    #[test]
    fn the_prior_given_is_the_one_the_fit_smoothed_toward() {
        let mut subjects = varied_subjects();
        subjects.push(Prepared::new(&[vote_of("500", 6, 0)]));
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let model = Model::default();
        let none = |_| None;
        let learned = learn(&refs, 7, &none, &model);
        let priors = priors_at(&refs, &learned, &none);
        assert!(
            (learned[6].accuracy - priors[6]).abs() < 1e-5,
            "{learned:?} {priors:?}"
        );
        assert!(priors.iter().all(|&p| p == priors[0]), "{priors:?}");
        let declared = |o: u32| {
            (o == 1).then_some(Declared {
                prior: 0.95,
                strength: None,
            })
        };
        let learned = learn(&refs, 7, &declared, &model);
        let priors = priors_at(&refs, &learned, &declared);
        assert_eq!(priors[1], 0.95);
        assert!(
            (learned[6].accuracy - priors[6]).abs() < 1e-5,
            "{learned:?} {priors:?}"
        );
        let others: Vec<f64> = [0, 2, 3, 4, 5].map(|o| learned[o].accuracy).to_vec();
        let mean = (others.iter().sum::<f64>() + START) / 6.0;
        assert!(
            (priors[0] - mean).abs() < 1e-12,
            "{priors:?} against {mean}"
        );
    }

    /// Plain rounds from the fit's start until one moves nothing by more than `settled`:
    /// the fixed point, and how many rounds it took (`None` when `most` rounds do not).
    fn plain_rounds(
        start: Vec<Learned>,
        round: &dyn Fn(&[Learned]) -> Vec<Learned>,
        settled: f64,
        most: usize,
    ) -> Option<(Vec<Learned>, usize)> {
        let mut x = start;
        for n in 1..=most {
            let next = round(&x);
            if moved(&x, &next) < settled {
                return Some((next, n));
            }
            x = next;
        }
        None
    }

    /// The extrapolated fit settles where plain rounds do when taken much further (every
    /// accuracy and copying rate within 1e-5 of plain rounds settled to 1e-12): on subjects of
    /// every kind, on a copier's, and on subjects where one origin is right and one always
    /// wrong. Where plain rounds shrink steadily (the varied subjects) it takes at most three
    /// quarters of the rounds they take to settle to the same 1e-6, and never more than two
    /// rounds more.
    #[test]
    fn the_extrapolated_fit_settles_where_plain_rounds_do_in_fewer_rounds() {
        let copied: Vec<Prepared> = (0..20)
            .map(|k| {
                let said = if k % 2 == 0 { 1000 + k } else { 5000 + k };
                Prepared::new(&[
                    vote_of(&said.to_string(), 0, 0),
                    vote_of(&said.to_string(), 1, 1),
                    vote_of(&(1000 + k).to_string(), 2, 0),
                    vote_of(&(1000 + k).to_string(), 3, 0),
                ])
            })
            .collect();
        let opposed: Vec<Prepared> = (0..12)
            .map(|k| {
                Prepared::new(&[
                    vote_of(&(100 + k).to_string(), 0, 0),
                    vote_of(&(100 + k).to_string(), 1, 0),
                    vote_of(&(900 + k).to_string(), 2, 0),
                ])
            })
            .collect();
        let model = Model::default();
        for (name, subjects, origins) in [
            ("varied", varied_subjects(), 6),
            ("copied", copied, 4),
            ("opposed", opposed, 3),
        ] {
            let refs: Vec<&Prepared> = subjects.iter().collect();
            let counted = std::cell::Cell::new(0);
            let settled = fit(&refs, origins, &|_| None, &model, |start, round| {
                let counting = |x: &[Learned]| {
                    counted.set(counted.get() + 1);
                    round(x)
                };
                settle(start, counting, model.rounds)
            });
            let exact = fit(&refs, origins, &|_| None, &model, |start, round| {
                plain_rounds(start, round, 1e-12, 100_000).unwrap().0
            });
            let plain = std::cell::Cell::new(0);
            fit(&refs, origins, &|_| None, &model, |start, round| {
                let (x, n) = plain_rounds(start, round, SETTLED, 100_000).unwrap();
                plain.set(n);
                x
            });
            for (a, b) in settled.iter().zip(&exact) {
                assert!(
                    (a.accuracy - b.accuracy).abs() < 1e-5 && (a.copying - b.copying).abs() < 1e-5,
                    "{name}: {settled:?} against {exact:?}"
                );
            }
            // A fit whose rounds do not shrink steadily (the copier's, where the copying rate
            // moves the accuracies late) may spend a round on an extrapolation it then drops;
            // one whose rounds do saves several.
            let (taken, plainly) = (counted.get(), plain.get());
            assert!(
                taken <= plainly + 2 && (name != "varied" || taken * 4 <= plainly * 3),
                "{name}: {taken} rounds extrapolated, {plainly} plain"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// On any subjects (two to five votes each, from six origins, figures stated whole,
        /// as ranges or one-sided, said on any of a few days), the extrapolated fit gives
        /// finite accuracies and copying rates within their bounds, at a point one more round
        /// barely moves (within ten times the tolerance, which bounds the round before); and
        /// plain rounds have a limit (they settle to 1e-12 within 20,000 rounds) and settle to
        /// the fit's tolerance, and the fit stops within 1e-5 of that limit, or no farther
        /// (with half again as much) than plain rounds stopped by the same tolerance: where
        /// rounds shrink slowly, any stop is some way short. The extrapolation never carries
        /// the fit to another answer.
        #[test]
        fn the_extrapolated_fit_settles_where_plain_rounds_do_on_any_subjects(
            subjects in proptest::collection::vec(
                proptest::collection::vec((0..8usize, 0..6u32, 0..4i64), 2..6),
                1..40,
            )
        ) {
            let figures = [
                "100", "100", "104", "130", "between 90 and 110", "at least 95", "up to 99",
                "1,000",
            ];
            let prepared: Vec<Prepared> = subjects
                .iter()
                .map(|votes| {
                    let votes: Vec<Vote> = votes
                        .iter()
                        .map(|&(f, o, said)| vote_of(figures[f], o, said))
                        .collect();
                    Prepared::new(&votes)
                })
                .collect();
            let refs: Vec<&Prepared> = prepared.iter().collect();
            let model = Model {
                rounds: 100_000,
                ..Model::default()
            };
            let mut further = Vec::new();
            let settled = fit(&refs, 6, &|_| None, &model, |start, round| {
                let x = settle(start, round, model.rounds);
                further = round(&x);
                x
            });
            // The tolerance bounds the round that stopped the fit; the next, measured by its
            // largest change, may move a little more (a different rate may change most).
            let next = moved(&settled, &further);
            proptest::prop_assert!(next <= 10.0 * SETTLED, "{settled:?} moved {next}");
            for a in &settled {
                proptest::prop_assert!(
                    (0.0..=1.0).contains(&a.accuracy) && (0.0..=1.0).contains(&a.copying),
                    "{settled:?}"
                );
            }
            let limit = fit(&refs, 6, &|_| None, &model, |start, round| {
                plain_rounds(start, round, 1e-12, 20_000).map_or_else(Vec::new, |(x, _)| x)
            });
            proptest::prop_assert!(!limit.is_empty(), "plain rounds reach no limit");
            let plain = fit(&refs, 6, &|_| None, &model, |start, round| {
                plain_rounds(start, round, SETTLED, 100_000).map_or_else(Vec::new, |(x, _)| x)
            });
            proptest::prop_assert!(!plain.is_empty(), "plain rounds do not settle");
            let (off, plain_off) = (moved(&settled, &limit), moved(&plain, &limit));
            proptest::prop_assert!(
                off < 1e-5 || off <= 1.5 * plain_off,
                "{off} from the limit, plain rounds {plain_off}: {settled:?} against {limit:?}"
            );
        }
    }

    /// Rounds that shrink geometrically are what the extrapolation is for: on a map that
    /// halves the distance to its fixed point, one extrapolated step lands on it, and a step
    /// past an accuracy's bounds is kept within them.
    #[test]
    fn an_extrapolation_lands_on_the_limit_of_rounds_that_shrink_geometrically() {
        let target = [
            Learned {
                accuracy: 0.9,
                copying: 0.0,
            },
            Learned {
                accuracy: 0.25,
                copying: 0.5,
            },
        ];
        let halve = |x: &[Learned]| -> Vec<Learned> {
            x.iter()
                .zip(&target)
                .map(|(x, t)| Learned {
                    accuracy: t.accuracy + (x.accuracy - t.accuracy) / 2.0,
                    copying: t.copying + (x.copying - t.copying) / 2.0,
                })
                .collect()
        };
        let x0 = vec![
            Learned {
                accuracy: 0.1,
                copying: 1.0,
            },
            Learned {
                accuracy: 0.8,
                copying: 0.0,
            },
        ];
        let x1 = halve(&x0);
        let x2 = halve(&x1);
        let far = extrapolate(&x0, &x1, &x2).unwrap();
        assert!(moved(&far, &target) < 1e-12, "{far:?}");
        let counted = std::cell::Cell::new(0);
        let settled = settle(
            x0,
            |x: &[Learned]| {
                counted.set(counted.get() + 1);
                halve(x)
            },
            50,
        );
        assert!(moved(&settled, &target) < 1e-12, "{settled:?}");
        assert_eq!(
            counted.get(),
            3,
            "two plain rounds, and the one from the extrapolated point, which moves nothing"
        );
        // A line that would reach past 1: the step stops at the bound.
        let up = |x: &[Learned]| -> Vec<Learned> {
            x.iter()
                .map(|x| Learned {
                    accuracy: 1.4 + (x.accuracy - 1.4) / 2.0,
                    copying: x.copying,
                })
                .collect()
        };
        let x0 = vec![Learned {
            accuracy: 0.5,
            copying: 0.0,
        }];
        let (x1, x2) = (up(&x0), up(&up(&x0)));
        let far = extrapolate(&x0, &x1, &x2).unwrap();
        assert_eq!(far[0].accuracy, 1.0);
        // No second difference, no direction: nothing to extrapolate.
        assert!(extrapolate(&x0, &x0, &x0).is_none());
    }

    /// Learning is a pure function of its input: two runs give the same bits.
    #[test]
    fn learning_is_deterministic() {
        let subjects: Vec<Prepared> = (0..300)
            .map(|k| {
                Prepared::new(&[
                    vote_of(&format!("{}", k % 7), k % 5, 0),
                    vote_of(&format!("{}", k % 3), (k + 1) % 5, 1),
                    vote_of(&format!("at least {}", k % 4), (k + 2) % 5, 2),
                ])
            })
            .collect();
        let refs: Vec<&Prepared> = subjects.iter().collect();
        let a = learn(&refs, 5, &|_| None, &Model::default());
        let b = learn(&refs, 5, &|_| None, &Model::default());
        let bits = |v: &[Learned]| -> Vec<(u64, u64)> {
            v.iter()
                .map(|l| (l.accuracy.to_bits(), l.copying.to_bits()))
                .collect()
        };
        assert_eq!(bits(&a), bits(&b));
    }
}
