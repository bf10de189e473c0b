//! The best-supported region of a set of intervals, by distinct origins, in O(n log n).
//!
//! Every interval is turned into a start and an end on a line of *keys*: `(x, 0)` is the
//! number `x` itself and `(x, 1)` is "just after `x`", so open and closed ends sort exactly.
//! A sweep over the sorted keys keeps, for each origin, how many of its intervals cover the
//! current point; the number of origins with a non-zero count is the support there. Segments
//! of the highest support are the candidates for the figure; neighbouring segments backed by
//! the same set of origins are one candidate.

use reckon_claim::{End, Interval, Num};

/// A point on the line of keys: the number, and 1 for "just after it".
pub(crate) type Key = (Num, u8);

pub(crate) fn start_key(iv: &Interval) -> Key {
    let lo = iv.lo();
    (lo.at, u8::from(lo.open))
}

/// The exclusive end key; `None` for an interval unbounded above.
pub(crate) fn end_key(iv: &Interval) -> Option<Key> {
    iv.hi().map(|h| (h.at, u8::from(!h.open)))
}

/// A region of highest support.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The region.
    pub region: Interval,
    /// The origins (as given ids) whose intervals cover it, sorted.
    pub origins: Vec<u32>,
    /// The position in `votes` of the first vote that covers it.
    pub first: usize,
}

/// Finds the regions supported by the most distinct origins. `votes` pairs each interval with
/// its origin id; `None` when there are no votes.
pub fn best_regions(votes: &[(Interval, u32)]) -> Option<(usize, Vec<Candidate>)> {
    if votes.is_empty() {
        return None;
    }
    // Events: (key, is_start, vote index). Ends sort before starts at the same key, because an
    // end key is exclusive.
    let mut events: Vec<(Key, bool, usize)> = Vec::with_capacity(votes.len() * 2);
    for (i, (iv, _)) in votes.iter().enumerate() {
        events.push((start_key(iv), true, i));
        if let Some(k) = end_key(iv) {
            events.push((k, false, i));
        }
    }
    events.sort_unstable();
    let origin_count = votes
        .iter()
        .map(|v| v.1)
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut cover = vec![0u32; origin_count];
    // A set fingerprint of the covering origins, to tell neighbouring segments apart.
    let mut fingerprint = 0u64;
    let mut distinct = 0usize;
    let mut best = 0usize;
    // Segments of the current best support: (start, end or None, fingerprint, end of the
    // first piece). Pieces merged into one segment are backed by the same origins.
    let mut segments: Vec<(Key, Option<Key>, u64, Option<Key>)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let key = events[i].0;
        while i < events.len() && events[i].0 == key {
            let (_, is_start, v) = events[i];
            let o = votes[v].1 as usize;
            if is_start {
                cover[o] += 1;
                if cover[o] == 1 {
                    distinct += 1;
                    fingerprint ^= mix(o as u64);
                }
            } else {
                cover[o] -= 1;
                if cover[o] == 0 {
                    distinct -= 1;
                    fingerprint ^= mix(o as u64);
                }
            }
            i += 1;
        }
        let next = events.get(i).map(|e| e.0);
        if distinct == 0 || distinct < best {
            continue;
        }
        if distinct > best {
            best = distinct;
            segments.clear();
        }
        match segments.last_mut() {
            Some(last) if last.1 == Some(key) && last.2 == fingerprint => last.1 = next,
            _ => segments.push((key, next, fingerprint, next)),
        }
    }
    // The votes that cover each segment's first piece. Segments are disjoint and in key
    // order, so the segments one vote covers are a run, found by two binary searches: the
    // whole step is O(n log n) plus the size of the answer.
    let firsts: Vec<(Key, Option<Key>)> = segments.iter().map(|&(s, _, _, f)| (s, f)).collect();
    let mut covering: Vec<Vec<usize>> = vec![Vec::new(); firsts.len()];
    for (k, (iv, _)) in votes.iter().enumerate() {
        let (vs, ve) = (start_key(iv), end_key(iv));
        let lo = firsts.partition_point(|&(s, _)| s < vs);
        let hi = firsts.partition_point(|&(_, f)| match (f, ve) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(f), Some(e)) => f <= e,
        });
        for c in covering.iter_mut().take(hi).skip(lo) {
            c.push(k);
        }
    }
    let candidates = segments
        .into_iter()
        .zip(covering)
        .filter_map(|((s, e, _, _), covering)| {
            let lo = End {
                at: s.0,
                open: s.1 == 1,
            };
            let hi = e.map(|k| End {
                at: k.0,
                open: k.1 == 0,
            });
            let region = Interval::new(lo, hi).ok()?;
            let first = *covering.first()?;
            let mut origins: Vec<u32> = covering.iter().map(|&k| votes[k].1).collect();
            origins.sort_unstable();
            origins.dedup();
            Some(Candidate {
                region,
                origins,
                first,
            })
        })
        .collect();
    Some((best, candidates))
}

pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use reckon_claim::{Tolerance, Value};

    proptest! {
        /// Every candidate's origins and first vote are those of the votes that cover its
        /// first piece, found by the plain quadratic scan the sweep replaces.
        #[test]
        fn candidates_carry_exactly_the_origins_that_cover_them(
            raw in proptest::collection::vec((0i64..40, 0i64..8, 0u32..6, 0u8..4), 1..40)
        ) {
            let votes: Vec<(Interval, u32)> = raw
                .iter()
                .map(|&(lo, w, o, kind)| {
                    let text = match kind {
                        0 => format!("{lo}"),
                        1 => format!("{lo}..{}", lo + w),
                        2 => format!("at least {lo}"),
                        _ => format!("more than {lo}"),
                    };
                    (iv(&text), o)
                })
                .collect();
            let (_, cands) = best_regions(&votes).unwrap();
            for c in &cands {
                // No event lies inside a region's first piece, so the votes that cover it are
                // exactly those that contain the region's starting point.
                let s = start_key(&c.region);
                let covering: Vec<usize> = (0..votes.len())
                    .filter(|&k| {
                        start_key(&votes[k].0) <= s && end_key(&votes[k].0).is_none_or(|e| e > s)
                    })
                    .collect();
                let mut origins: Vec<u32> = covering.iter().map(|&k| votes[k].1).collect();
                origins.sort_unstable();
                origins.dedup();
                prop_assert_eq!(&c.origins, &origins);
                prop_assert_eq!(Some(&c.first), covering.first());
            }
        }
    }

    fn iv(s: &str) -> Interval {
        Value::parse(s)
            .unwrap()
            .interval(Tolerance::DEFAULT)
            .unwrap()
    }

    fn run(votes: &[(&str, u32)]) -> (usize, Vec<String>) {
        let v: Vec<(Interval, u32)> = votes.iter().map(|(s, o)| (iv(s), *o)).collect();
        let (n, c) = best_regions(&v).unwrap();
        (
            n,
            c.iter()
                .map(|c| format!("{} {:?}", c.region, c.origins))
                .collect(),
        )
    }

    #[test]
    fn captives_overlap_in_the_approximate_range() {
        assert_eq!(
            run(&[("at least 8,000", 0), ("approximately 10,000", 1)]),
            (2, vec!["[9500, 10500] [0, 1]".into()])
        );
    }

    #[test]
    fn repeats_of_one_origin_count_once() {
        assert_eq!(run(&[("1000", 0), ("1000", 0), ("1200", 1)]).0, 1);
        assert_eq!(
            run(&[("1000", 0), ("1000", 1), ("1200", 2)]),
            (2, vec!["[1000, 1000] [0, 1]".into()])
        );
    }

    #[test]
    fn open_and_closed_ends_touching() {
        // [0, 5] and (5, inf) do not overlap; [0, 5] and [5, 9] meet at 5.
        assert_eq!(run(&[("<= 5", 0), ("> 5", 1)]).1.len(), 2);
        assert_eq!(
            run(&[("<= 5", 0), ("5..9", 1)]),
            (2, vec!["[5, 5] [0, 1]".into()])
        );
    }

    #[test]
    fn a_tie_gives_two_candidates_and_one_origin_split_in_two_stays_one() {
        assert_eq!(
            run(&[("100", 0), ("200", 1)]).1,
            vec!["[100, 100] [0]".to_string(), "[200, 200] [1]".into()]
        );
        assert_eq!(
            run(&[("0..5", 0), ("5..10", 0), ("0..10", 1)]),
            (2, vec!["[0, 10] [0, 1]".into()])
        );
    }
}
