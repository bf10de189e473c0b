//! Intervals of figures: the meaning of every stated value.
//!
//! An [`Interval`] is never empty and never has its lower end above its upper end: the only way
//! to build one is [`Interval::new`], which checks. Figures are non-negative, so the lower end is
//! always a number; the upper end may be unbounded (`at least 8,000` is `[8000, inf)`).

use crate::num::Num;
use std::fmt;

/// One end of an interval: the number, and whether the end itself is excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct End {
    /// Where the end lies.
    pub at: Num,
    /// True when the end point itself is not in the interval.
    pub open: bool,
}

impl End {
    /// An end that includes its point.
    pub const fn closed(at: Num) -> End {
        End { at, open: false }
    }
    /// An end that excludes its point.
    pub const fn open(at: Num) -> End {
        End { at, open: true }
    }
}

/// A non-empty interval `lo..hi` of figures; `hi == None` means unbounded above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    lo: End,
    hi: Option<End>,
}

/// The ends given to [`Interval::new`] enclose nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmptyInterval {
    /// The lower end that was given.
    pub lo: End,
    /// The upper end that was given.
    pub hi: End,
}

impl fmt::Display for EmptyInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the interval from {} to {} is empty (the lower end must not exceed the upper end)",
            self.lo.at, self.hi.at
        )
    }
}

impl std::error::Error for EmptyInterval {}

impl Interval {
    /// Builds an interval, refusing one that holds no number.
    pub fn new(lo: End, hi: Option<End>) -> Result<Interval, EmptyInterval> {
        if let Some(h) = hi {
            let empty = lo.at > h.at || (lo.at == h.at && (lo.open || h.open));
            if empty {
                return Err(EmptyInterval { lo, hi: h });
            }
        }
        Ok(Interval { lo, hi })
    }

    /// The interval holding exactly one number.
    pub const fn point(n: Num) -> Interval {
        Interval {
            lo: End::closed(n),
            hi: Some(End::closed(n)),
        }
    }

    /// `[n, inf)`.
    pub const fn at_least(n: Num) -> Interval {
        Interval {
            lo: End::closed(n),
            hi: None,
        }
    }

    /// The lower end.
    pub const fn lo(&self) -> End {
        self.lo
    }

    /// The upper end, `None` when unbounded.
    pub const fn hi(&self) -> Option<End> {
        self.hi
    }

    /// True when the interval holds a single number.
    pub fn is_point(&self) -> bool {
        self.hi == Some(self.lo) && !self.lo.open
    }

    /// The common part of two intervals, if they share any number.
    pub fn intersect(&self, o: &Interval) -> Option<Interval> {
        let lo = max_lo(self.lo, o.lo);
        let hi = match (self.hi, o.hi) {
            (None, h) | (h, None) => h,
            (Some(a), Some(b)) => Some(min_hi(a, b)),
        };
        Interval::new(lo, hi).ok()
    }

    /// True when the two intervals share at least one number.
    pub fn overlaps(&self, o: &Interval) -> bool {
        self.intersect(o).is_some()
    }

    /// True when every number of `o` is in `self`.
    pub fn contains(&self, o: &Interval) -> bool {
        self.intersect(o).as_ref() == Some(o)
    }

    /// True when `n` is in the interval.
    pub fn contains_num(&self, n: Num) -> bool {
        self.contains(&Interval::point(n))
    }

    /// The interval sum `{a + b}`, or `None` on overflow.
    pub fn checked_add(&self, o: &Interval) -> Option<Interval> {
        let lo = End {
            at: self.lo.at.checked_add(o.lo.at)?,
            open: self.lo.open || o.lo.open,
        };
        let hi = match (self.hi, o.hi) {
            (Some(a), Some(b)) => Some(End {
                at: a.at.checked_add(b.at)?,
                open: a.open || b.open,
            }),
            _ => None,
        };
        Interval::new(lo, hi).ok()
    }
}

fn max_lo(a: End, b: End) -> End {
    match a.at.cmp(&b.at) {
        std::cmp::Ordering::Greater => a,
        std::cmp::Ordering::Less => b,
        std::cmp::Ordering::Equal => End {
            at: a.at,
            open: a.open || b.open,
        },
    }
}

fn min_hi(a: End, b: End) -> End {
    match a.at.cmp(&b.at) {
        std::cmp::Ordering::Less => a,
        std::cmp::Ordering::Greater => b,
        std::cmp::Ordering::Equal => End {
            at: a.at,
            open: a.open || b.open,
        },
    }
}

impl Interval {
    /// The whole numbers it holds, as an interval of closed ends (`[256.5, 283.5]` holds 257
    /// to 283); `None` when it holds none or the ends overflow.
    pub fn whole(&self) -> Option<Interval> {
        let one = Num::from_int(1);
        let lo = if self.lo.open && self.lo.at.floor() == self.lo.at {
            self.lo.at.checked_add(one)?
        } else {
            self.lo.at.ceil()?
        };
        let hi = match self.hi {
            None => None,
            Some(h) if h.open && h.at.floor() == h.at => Some(h.at.checked_sub(one)?),
            Some(h) => Some(h.at.floor()),
        };
        Interval::new(End::closed(lo), hi.map(End::closed)).ok()
    }

    /// In words, with thousands separated: `1,000`, `9,500 to 10,500`, `at least 20,000`,
    /// `more than 3`, `at most 1,000`, `under 2`, `over 3, up to 5`, `2 to under 3`.
    pub fn words(&self) -> String {
        let lo = self.lo.at.grouped();
        match self.hi {
            None if self.lo.open => format!("more than {lo}"),
            None => format!("at least {lo}"),
            Some(h) => {
                let hi = h.at.grouped();
                match (self.lo.open, h.open) {
                    (false, false) if self.lo.at == h.at => lo,
                    (false, false) if self.lo.at == Num::ZERO => format!("at most {hi}"),
                    (false, true) if self.lo.at == Num::ZERO => format!("under {hi}"),
                    (false, false) => format!("{lo} to {hi}"),
                    (false, true) => format!("{lo} to under {hi}"),
                    (true, false) => format!("over {lo}, up to {hi}"),
                    (true, true) => format!("over {lo}, under {hi}"),
                }
            }
        }
    }
}

impl fmt::Display for Interval {
    /// Mathematical notation: `[9500, 10500]`, `(5000, inf)`, `[0, 1000)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = if self.lo.open { '(' } else { '[' };
        match self.hi {
            None => write!(f, "{l}{}, inf)", self.lo.at),
            Some(h) => write!(
                f,
                "{l}{}, {}{}",
                self.lo.at,
                h.at,
                if h.open { ')' } else { ']' }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_whole_numbers() {
        let iv = |lo: End, hi: Option<End>| Interval::new(lo, hi).unwrap();
        let c = |x: &str| End::closed(Num::parse(x).unwrap());
        let o = |x: &str| End::open(Num::parse(x).unwrap());
        assert_eq!(iv(c("1000"), Some(c("1000"))).words(), "1,000");
        assert_eq!(iv(c("9500"), Some(c("10500"))).words(), "9,500 to 10,500");
        assert_eq!(iv(c("20000"), None).words(), "at least 20,000");
        assert_eq!(iv(o("3"), None).words(), "more than 3");
        assert_eq!(iv(c("0"), Some(c("1000"))).words(), "at most 1,000");
        assert_eq!(iv(c("0"), Some(o("2"))).words(), "under 2");
        assert_eq!(iv(o("3"), Some(c("5"))).words(), "over 3, up to 5");
        assert_eq!(iv(c("2"), Some(o("3"))).words(), "2 to under 3");
        let about = iv(c("256.5"), Some(c("283.5")));
        assert_eq!(about.whole().unwrap().words(), "257 to 283");
        assert_eq!(iv(o("3"), Some(o("5"))).whole().unwrap().words(), "4");
        assert_eq!(iv(o("3"), None).whole().unwrap().words(), "at least 4");
        assert!(iv(c("2.2"), Some(c("2.8"))).whole().is_none());
    }

    fn n(x: i64) -> Num {
        Num::from_int(x)
    }

    #[test]
    fn refuses_lo_above_hi_and_empty_open_points() {
        assert!(Interval::new(End::closed(n(5)), Some(End::closed(n(4)))).is_err());
        assert!(Interval::new(End::open(n(5)), Some(End::closed(n(5)))).is_err());
        assert!(Interval::new(End::closed(n(5)), Some(End::closed(n(5)))).is_ok());
    }

    #[test]
    fn overlap_respects_open_ends() {
        let a = Interval::new(End::open(n(5000)), None).unwrap_or(Interval::point(n(0)));
        assert!(!a.overlaps(&Interval::point(n(5000))));
        assert!(a.overlaps(&Interval::point(n(5001))));
        let b = Interval::at_least(n(8000));
        let c = Interval::new(End::closed(n(9500)), Some(End::closed(n(10500))));
        assert_eq!(c.map(|c| b.overlaps(&c)), Ok(true));
        assert_eq!(b.to_string(), "[8000, inf)");
        assert_eq!(a.to_string(), "(5000, inf)");
    }

    #[test]
    fn sums_add_ends() {
        let s = Interval::point(n(270)).checked_add(&Interval::point(n(120)));
        assert_eq!(s, Some(Interval::point(n(390))));
        let t = Interval::at_least(n(1)).checked_add(&Interval::point(n(2)));
        assert_eq!(t.map(|t| t.to_string()), Some("[3, inf)".into()));
    }
}
