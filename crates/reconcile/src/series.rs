//! Running totals: the order check of a subject whose figure never decreases.
//!
//! Two claims about disjoint times are *out of order* when the earlier one's figure lies
//! wholly above the later one's (their reaches are disjoint and the earlier is the higher). The
//! *outlier* is the claim whose removal restores the order while keeping the most support: a
//! claim found in every out-of-order pair (so removing it alone clears them all), and of those
//! the one with the least support, counted as the reliability-weighted votes of the origins
//! whose claims about the same time agree with it. When two candidates weigh the same, the log
//! does not tell which is wrong and none is named.

use reckon_claim::{Interval, Period};

/// One counted claim of a running total, as the check sees it.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    /// The claim's log sequence number.
    pub seq: u64,
    /// The time it describes.
    pub as_of: Period,
    /// What it is consistent with.
    pub reach: Interval,
    /// Its support: the weighted votes of the origins that state a consistent figure for the
    /// same time, its own included.
    pub support: f64,
}

/// What the order check found.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesCheck {
    /// How many claims with a time were checked.
    pub checked: usize,
    /// Pairs `(earlier, later)` of sequence numbers where the earlier figure is above the later.
    pub out_of_order: Vec<(u64, u64)>,
    /// The claim whose removal restores the order with the most support left, when one does.
    pub outlier: Option<u64>,
    /// Claims whose removal alone would restore the order (the outlier among them).
    pub removable: Vec<u64>,
}

/// True when `a` lies wholly above `b`.
pub(crate) fn above(a: &Interval, b: &Interval) -> bool {
    !a.overlaps(b) && b.hi().is_some_and(|h| h.at <= a.lo().at)
}

/// True when period `a` ends before `b` starts.
pub(crate) fn before(a: &Period, b: &Period) -> bool {
    a.end() < b.start()
}

/// Checks the order of `points`.
pub fn check(points: &[Point]) -> SeriesCheck {
    let mut sorted: Vec<&Point> = points.iter().collect();
    sorted.sort_by_key(|p| (p.as_of.start(), p.as_of.end(), p.seq));
    let mut out_of_order = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            if before(&a.as_of, &b.as_of) && above(&a.reach, &b.reach) {
                out_of_order.push((a.seq, b.seq));
            }
        }
    }
    out_of_order.sort_unstable();
    let mut removable: Vec<u64> = match out_of_order.first() {
        Some(&(a, b)) => [a, b]
            .into_iter()
            .filter(|s| out_of_order.iter().all(|&(x, y)| x == *s || y == *s))
            .collect(),
        None => Vec::new(),
    };
    removable.sort_unstable();
    removable.dedup();
    let support = |seq: u64| {
        points
            .iter()
            .find(|p| p.seq == seq)
            .map_or(0.0, |p| p.support)
    };
    let outlier = match removable.as_slice() {
        [one] => Some(*one),
        [a, b] if support(*a) != support(*b) => {
            Some(if support(*a) < support(*b) { *a } else { *b })
        }
        _ => None,
    };
    SeriesCheck {
        checked: points.len(),
        out_of_order,
        outlier,
        removable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reckon_claim::{Tolerance, Value};

    fn point(seq: u64, when: &str, value: &str, support: f64) -> Point {
        Point {
            seq,
            as_of: Period::parse(when).unwrap(),
            reach: Value::parse(value)
                .unwrap()
                .interval(Tolerance::DEFAULT)
                .unwrap(),
            support,
        }
    }

    /// A total that rises is in order; one figure above a later one is out of order with it,
    /// and with one good neighbour on each side it is the only claim whose removal helps.
    #[test]
    fn a_figure_above_later_ones_is_out_of_order_and_named() {
        let rising = [
            point(1, "2025-01", "100", 1.0),
            point(2, "2025-02", "150", 1.0),
            point(3, "2025-03", "about 200", 1.0),
        ];
        let c = check(&rising);
        assert!(c.out_of_order.is_empty() && c.outlier.is_none());
        let spike = [
            point(1, "2025-01", "100", 1.0),
            point(2, "2025-02", "900", 1.0),
            point(3, "2025-03", "200", 1.0),
            point(4, "2025-04", "250", 1.0),
        ];
        let c = check(&spike);
        assert_eq!(c.out_of_order, [(2, 3), (2, 4)]);
        assert_eq!(c.outlier, Some(2));
    }

    /// With one pair out of order, the claim with less support is the outlier; with equal
    /// support none is named. Overlapping figures and overlapping times are never out of
    /// order.
    #[test]
    fn the_weaker_side_of_a_single_pair_is_the_outlier() {
        let pair = [
            point(1, "2025-01", "300", 2.0),
            point(2, "2025-02", "200", 1.0),
        ];
        assert_eq!(check(&pair).outlier, Some(2));
        let even = [
            point(1, "2025-01", "300", 1.0),
            point(2, "2025-02", "200", 1.0),
        ];
        let c = check(&even);
        assert_eq!((c.outlier, c.removable), (None, vec![1, 2]));
        let close = [
            point(1, "2025-01", "about 210", 1.0),
            point(2, "2025-02", "200", 1.0),
        ];
        assert!(check(&close).out_of_order.is_empty());
        let same_time = [
            point(1, "2025-01", "300", 1.0),
            point(2, "2025-01-15", "200", 1.0),
        ];
        assert!(check(&same_time).out_of_order.is_empty());
    }
}
