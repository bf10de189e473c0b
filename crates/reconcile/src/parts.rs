//! Parts and wholes: subjects declared `sum_of` others are checked with interval arithmetic,
//! and a missing whole or a single missing part is derived.
//!
//! Each figure is compared as what it may stand for (a round figure as its rounding's reach).
//! When the parts cannot sum to the whole, nothing says which figure is wrong, so the whole and
//! every part are contested: the whole is offered the parts' sum, each part the whole less the
//! other parts ([`PartOf`]). When they sum to it, the whole is checked by its parts and each part
//! in its sum. Parts and whole are compared only for the same time.

use crate::recon::Options;
use crate::report::{Derivation, PartOf, PartsCheck, Relation, Status, SubjectReport};
use crate::state::State;
use reckon_claim::{End, Interval, Num, Subject};
use std::collections::HashMap;

/// The whole and the parts of every `sum_of` definition, after aliases.
fn sums<'s>(state: &'s State<'_>) -> Vec<(&'s Subject, Vec<&'s Subject>, Option<&'s str>)> {
    state
        .defs
        .iter()
        .filter(|(_, d)| !d.sum_of.is_empty())
        .map(|(w, d)| {
            (
                state.canonical(w),
                d.sum_of.iter().map(|p| state.canonical(p)).collect(),
                d.unit.as_deref(),
            )
        })
        .collect()
}

/// Every whole and part of a sum: the subjects whose reports checking the sums may change or
/// add to ([`apply`]).
pub(crate) fn members<'s>(state: &'s State<'_>) -> std::collections::HashSet<&'s Subject> {
    sums(state)
        .into_iter()
        .flat_map(|(w, parts, _)| std::iter::once(w).chain(parts))
        .collect()
}

/// The subjects a report needs besides those `selects` picks: every part and whole of a sum
/// one of whose members it picks. `None` (no selection) means every subject.
/// Computed once per reconciliation (linear in the definitions), then asked per subject.
pub(crate) fn needed<'s>(
    state: &'s State<'_>,
    selects: Option<&dyn Fn(&Subject) -> bool>,
) -> Option<std::collections::HashSet<&'s Subject>> {
    let selects = selects?;
    let mut out = std::collections::HashSet::new();
    for (w, parts, _) in sums(state) {
        let members = || std::iter::once(w).chain(parts.iter().copied());
        if members().any(selects) {
            out.extend(members());
        }
    }
    Some(out)
}

/// True when `subject` is in what [`needed`] returned.
pub(crate) fn is_needed(
    needed: Option<&std::collections::HashSet<&Subject>>,
    subject: &Subject,
) -> bool {
    needed.is_none_or(|n| n.contains(subject))
}

type Index = HashMap<(Subject, String), usize>;

fn find(index: &Index, s: &Subject, unit: &str) -> Option<usize> {
    index.get(&(s.clone(), unit.to_owned())).copied()
}

/// A report for a subject with no claims, to hold a derived figure.
fn empty(state: &State<'_>, subject: &Subject, unit: &str, opts: &Options) -> SubjectReport {
    let def = state.defs.get(subject);
    SubjectReport {
        subject: subject.clone(),
        unit: unit.to_owned(),
        label: def.and_then(|d| d.label.clone()),
        aliases: state.aliases_of(subject).into_iter().cloned().collect(),
        tolerance: def.and_then(|d| d.tolerance).unwrap_or(opts.tolerance),
        window_days: def.and_then(|d| d.window).map_or_else(
            || {
                def.and_then(|d| d.kind)
                    .unwrap_or_default()
                    .default_window()
            },
            |w| w.days(),
        ),
        kind: def.and_then(|d| d.kind).unwrap_or_default(),
        window_set: def.and_then(|d| d.window).is_some(),
        series: None,
        as_of: None,
        figure: None,
        status: Status::NoFigure,
        candidates: Vec::new(),
        tie_break: None,
        claims: Vec::new(),
        other_units: Vec::new(),
        derived: None,
        parts: None,
        part_of: Vec::new(),
        weights: Vec::new(),
        by_count: None,
    }
}

/// The figure a report states from its own claims (not one derived).
fn stated(r: Option<&SubjectReport>) -> Option<Interval> {
    r.filter(|r| r.status != Status::Derived)
        .and_then(|r| r.figure)
}

/// What a report's stated figure may stand for, for comparing it in a sum: a round figure
/// (every counted claim stating exactly it is one that may be a rounding) reaches as far as
/// all of them do; any other figure is itself.
fn reach(r: Option<&SubjectReport>) -> Option<Interval> {
    let r = r?;
    let figure = stated(Some(r))?;
    if !figure.is_point() {
        return Some(figure);
    }
    let mut out: Option<Interval> = None;
    for a in r.support().filter(|a| a.interval == figure) {
        let narrower = a.rounded.and_then(|x| match out {
            None => Some(x),
            Some(o) => o.intersect(&x),
        });
        match narrower {
            Some(x) => out = Some(x),
            // One claim states exactly this figure: it is what is compared.
            None => return Some(figure),
        }
    }
    Some(out.unwrap_or(figure))
}

/// A figure in words, with what it may stand for when that is wider.
fn shown(figure: &Interval, reach: &Interval) -> String {
    if figure == reach {
        figure.to_string()
    } else {
        format!("{figure} (a round figure: it may stand for {reach})")
    }
}

/// The interval sum of `figures`, leaving out the one at `skip`; `None` when one is unknown or
/// the sum cannot be held.
fn sum_of(figures: &[Option<Interval>], skip: Option<usize>) -> Option<Interval> {
    figures
        .iter()
        .enumerate()
        .filter(|(j, _)| Some(*j) != skip)
        .try_fold(Interval::point(Num::ZERO), |acc, (_, f)| {
            f.and_then(|f| acc.checked_add(&f))
        })
}

fn supporting(r: Option<&SubjectReport>) -> Vec<u64> {
    r.map(|r| r.support().map(|a| a.seq).collect())
        .unwrap_or_default()
}

/// `whole - sum`: the values a missing part can take. `None` when none can.
fn subtract(whole: &Interval, others: &Interval) -> Option<Interval> {
    let lo_raw = whole
        .lo()
        .at
        .checked_sub(others.hi().map_or(Num::ZERO, |h| h.at))?;
    let lo = if others.hi().is_none() || lo_raw < Num::ZERO {
        End::closed(Num::ZERO)
    } else {
        End {
            at: lo_raw,
            open: whole.lo().open || others.hi().is_some_and(|h| h.open),
        }
    };
    let hi = match whole.hi() {
        None => None,
        Some(h) => Some(End {
            at: h.at.checked_sub(others.lo().at)?,
            open: h.open || others.lo().open,
        }),
    };
    if hi.is_some_and(|h| h.at < Num::ZERO) {
        return None;
    }
    Interval::new(lo, hi).ok()
}

fn relation(sum: &Interval, whole: &Interval) -> Relation {
    if sum == whole {
        Relation::Agrees
    } else if sum.overlaps(whole) {
        Relation::Consistent
    } else {
        Relation::Contradicts
    }
}

/// Checks every sum, and fills in derived figures, in `reports`.
pub(crate) fn apply(state: &State<'_>, reports: &mut Vec<SubjectReport>, opts: &Options) {
    let sums = sums(state);
    if sums.is_empty() {
        return;
    }
    let mut index: Index = reports
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.subject.clone(), r.unit.clone()), i))
        .collect();
    let mut first_unit: HashMap<Subject, String> = HashMap::new();
    for r in reports.iter() {
        first_unit
            .entry(r.subject.clone())
            .or_insert_with(|| r.unit.clone());
    }
    for (whole, parts, def_unit) in sums {
        // The unit: the definition's, else the whole's first report's, else a part's.
        let unit = def_unit
            .map(str::to_owned)
            .or_else(|| first_unit.get(whole).cloned())
            .or_else(|| parts.iter().find_map(|p| first_unit.get(p).cloned()))
            .unwrap_or_else(|| "count".to_owned());
        let figures: Vec<(Subject, Option<Interval>)> = parts
            .iter()
            .map(|p| {
                (
                    (*p).clone(),
                    stated(find(&index, p, &unit).map(|i| &reports[i])),
                )
            })
            .collect();
        let whole_at = find(&index, whole, &unit);
        let whole_figure = stated(whole_at.map(|i| &reports[i]));
        // Compared as what each figure may stand for (a round figure may be a rounding).
        let reaches: Vec<Option<Interval>> = parts
            .iter()
            .map(|p| reach(find(&index, p, &unit).map(|i| &reports[i])))
            .collect();
        let whole_reach = reach(whole_at.map(|i| &reports[i]));
        let sum_reach = sum_of(&reaches, None);
        // Parts and whole are compared only when their figures describe the same time (within
        // the whole's comparison window).
        let apart: Option<String> = whole_at.and_then(|w| {
            let (when, window) = (reports[w].as_of?, reports[w].window_days);
            parts.iter().find_map(|p| {
                let r = find(&index, p, &unit).map(|i| &reports[i])?;
                let t = r.as_of?;
                (stated(Some(r)).is_some() && !crate::recon::near(&t, &when, window))
                    .then(|| format!("{p} describes {t} and the whole {when}"))
            })
        });
        let stated_figures: Vec<Option<Interval>> = figures.iter().map(|(_, f)| *f).collect();
        let sum = sum_of(&stated_figures, None);
        let names = parts
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        let (rel, reason) = match (sum, whole_figure) {
            (Some(s), Some(w)) if apart.is_some() => (
                None,
                format!(
                    "the parts ({names}) sum to {s}, not compared with the whole's figure {w}: {}, and parts and whole are compared only for the same time",
                    apart.as_deref().unwrap_or_default()
                ),
            ),
            (Some(s), Some(w)) => {
                let (s_reach, w_reach) = (sum_reach.unwrap_or(s), whole_reach.unwrap_or(w));
                let r = relation(&s_reach, &w_reach);
                let verb = match r {
                    Relation::Agrees => "which is the whole's figure",
                    Relation::Consistent => "which overlaps the whole's figure",
                    _ => "which cannot be the whole's figure",
                };
                let sum_text = if s_reach == s {
                    s.to_string()
                } else {
                    format!("{s} (as far as their round figures reach, {s_reach})")
                };
                (
                    Some(r),
                    format!(
                        "the parts ({names}) sum to {sum_text}, {verb} {}",
                        shown(&w, &w_reach)
                    ),
                )
            }
            (Some(s), None) => (
                None,
                format!("the parts ({names}) sum to {s}; the whole has no stated figure"),
            ),
            // Every part has a figure, yet there is no sum: it is too large to hold.
            (None, _) if figures.iter().all(|(_, f)| f.is_some()) => (
                None,
                format!("the parts of {whole} ({names}) sum to more than reckon can hold"),
            ),
            _ => (
                None,
                format!("not every part of {whole} ({names}) has a figure"),
            ),
        };
        let check = PartsCheck {
            whole: whole.clone(),
            parts: figures.clone(),
            sum,
            whole_figure,
            relation: rel,
            reason,
        };
        // A missing whole is the sum of its parts.
        if let (Some(s), None) = (sum, whole_figure) {
            let i = match whole_at {
                Some(i) => i,
                None => {
                    reports.push(empty(state, whole, &unit, opts));
                    index.insert((whole.clone(), unit.clone()), reports.len() - 1);
                    reports.len() - 1
                }
            };
            let from = parts
                .iter()
                .flat_map(|p| supporting(find(&index, p, &unit).map(|k| &reports[k])))
                .collect();
            let r = &mut reports[i];
            r.figure = Some(s);
            r.status = Status::Derived;
            r.derived = Some(Derivation {
                how: format!("the sum of its parts: {names}"),
                from,
            });
        }
        // A single missing part is the whole less the others.
        let missing: Vec<usize> = figures
            .iter()
            .enumerate()
            .filter(|(_, (_, f))| f.is_none())
            .map(|(k, _)| k)
            .collect();
        if let (Some(w), [k]) = (whole_figure, missing.as_slice()) {
            let others = sum_of(&stated_figures, Some(*k));
            let part = &parts[*k];
            if let Some(d) = others.and_then(|o| subtract(&w, &o)) {
                let i = match find(&index, part, &unit) {
                    Some(i) => i,
                    None => {
                        reports.push(empty(state, part, &unit, opts));
                        index.insert(((*part).clone(), unit.clone()), reports.len() - 1);
                        reports.len() - 1
                    }
                };
                let mut from = supporting(whole_at.map(|x| &reports[x]));
                for (j, p) in parts.iter().enumerate() {
                    if j != *k {
                        from.extend(supporting(find(&index, p, &unit).map(|x| &reports[x])));
                    }
                }
                let r = &mut reports[i];
                r.figure = Some(d);
                r.status = Status::Derived;
                r.derived = Some(Derivation {
                    how: format!("the whole {whole} less the other parts"),
                    from,
                });
            }
        }
        // Seen from each part: the whole less the other parts, against the part's figure. A
        // sum that cannot hold contests every member, since any one of them may be the wrong
        // figure; a sum that holds checks every member.
        if let (Some(r), Some(w)) = (rel, whole_reach) {
            for (k, part) in parts.iter().enumerate() {
                let (Some(figure), Some(i)) = (reaches[k], find(&index, part, &unit)) else {
                    continue;
                };
                let Some(others) = sum_of(&reaches, Some(k)) else {
                    continue;
                };
                let rest = subtract(&w, &others);
                let relation = match (r, rest) {
                    (Relation::Contradicts, _) | (_, None) => Relation::Contradicts,
                    (_, Some(rest)) => relation(&rest, &figure),
                };
                let reason = match rest {
                    Some(rest) => format!(
                        "the whole {whole} ({w}) less the other parts ({others}) leaves {rest}, {} {figure}",
                        match relation {
                            Relation::Agrees => "which is its figure",
                            Relation::Consistent => "which overlaps its figure",
                            _ => "which cannot be its figure",
                        }
                    ),
                    None => format!(
                        "the other parts of {whole} alone ({others}) exceed the whole's figure {w}, so its figure {figure} cannot fit"
                    ),
                };
                let report = &mut reports[i];
                if relation == Relation::Contradicts && report.status != Status::Unresolved {
                    report.status = Status::Contested;
                }
                report.part_of.push(PartOf {
                    whole: whole.clone(),
                    rest,
                    relation,
                    reason,
                });
            }
        }
        if let Some(i) = find(&index, whole, &unit) {
            if rel == Some(Relation::Contradicts) {
                reports[i].status = Status::Contested;
            }
            reports[i].parts = Some(check);
        }
    }
    reports.sort_by(|a, b| (&a.subject, &a.unit).cmp(&(&b.subject, &b.unit)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(a: i64, b: i64) -> Interval {
        Interval::new(
            End::closed(Num::from_int(a)),
            Some(End::closed(Num::from_int(b))),
        )
        .unwrap()
    }

    #[test]
    fn a_missing_part_is_the_whole_less_the_others() {
        assert_eq!(subtract(&iv(390, 390), &iv(270, 270)), Some(iv(120, 120)));
        assert_eq!(subtract(&iv(380, 400), &iv(270, 280)), Some(iv(100, 130)));
        assert_eq!(subtract(&iv(100, 100), &iv(200, 200)), None);
        assert_eq!(
            subtract(&iv(100, 100), &Interval::at_least(Num::from_int(50))).map(|i| i.to_string()),
            Some("[0, 50]".into())
        );
    }
}
