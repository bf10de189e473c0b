//! Exact non-negative decimal numbers for figures.
//!
//! A [`Num`] holds a figure in millionths as an `i128`, so `1,000`, `2.5` and `1.2 million` are
//! exact and arithmetic on them never rounds silently. Figures in the import contract are never
//! negative, but differences and sums are computed here too, so the type itself is signed.

use std::fmt;

/// Number of fractional decimal digits a [`Num`] keeps.
pub const SCALE_DIGITS: u32 = 6;
const SCALE: i128 = 1_000_000;

/// An exact decimal with six fractional digits: a count of millionths, an `i128` kept as its
/// high and low words so that it aligns to 8 bytes, not 16 (an interval of two ends, each
/// with a flag, takes 48 bytes instead of 64; a million claims each hold a few). The words
/// compare as the `i128` does: the high one signed, then the low one unsigned.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Num {
    high: i64,
    low: u64,
}

impl std::hash::Hash for Num {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.get().hash(state);
    }
}

impl fmt::Debug for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Num").field(&self.get()).finish()
    }
}

/// Why a digit string is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumError {
    /// No digits at all.
    Empty,
    /// A character that cannot stand in a number, at this byte offset.
    Unexpected(usize),
    /// Thousands separators not in groups of three (`1,00`), at this byte offset.
    Grouping(usize),
    /// More than six digits after the decimal point.
    TooPrecise,
    /// Larger than the type holds.
    TooLarge,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumError::Empty => f.write_str("expected digits"),
            NumError::Unexpected(_) => f.write_str("unexpected character in number"),
            NumError::Grouping(_) => {
                f.write_str("thousands separators must split digits into groups of three")
            }
            NumError::TooPrecise => f.write_str("at most 6 digits after the decimal point"),
            NumError::TooLarge => f.write_str("number too large"),
        }
    }
}

impl Num {
    /// Zero.
    pub const ZERO: Num = Num::from_millionths(0);

    /// A whole number.
    pub const fn from_int(n: i64) -> Num {
        Num::from_millionths(n as i128 * SCALE)
    }

    /// The raw count of millionths.
    pub const fn millionths(self) -> i128 {
        self.get()
    }

    /// Builds a number from a count of millionths.
    pub const fn from_millionths(m: i128) -> Num {
        Num {
            high: (m >> 64) as i64,
            low: m as u64,
        }
    }

    /// The count of millionths, put back together from its words.
    const fn get(self) -> i128 {
        ((self.high as i128) << 64) | self.low as i128
    }

    /// True below zero.
    pub const fn is_negative(self) -> bool {
        self.get() < 0
    }

    /// Sum, or `None` on overflow.
    pub fn checked_add(self, o: Num) -> Option<Num> {
        self.get().checked_add(o.get()).map(Num::from_millionths)
    }

    /// Difference, or `None` on overflow.
    pub fn checked_sub(self, o: Num) -> Option<Num> {
        self.get().checked_sub(o.get()).map(Num::from_millionths)
    }

    /// Multiplies by a whole factor, or `None` on overflow.
    pub fn checked_mul_int(self, k: i128) -> Option<Num> {
        self.get().checked_mul(k).map(Num::from_millionths)
    }

    /// `self * pct / 100`, rounded away from zero to the sixth decimal so that a tolerance
    /// computed from a percentage never comes out narrower than stated.
    pub fn percent(self, pct: Num) -> Option<Num> {
        let prod = self.get().checked_mul(pct.get())?;
        let den = SCALE * 100;
        let q = prod / den;
        let r = prod % den;
        Some(Num::from_millionths(if r == 0 {
            q
        } else if prod > 0 {
            q + 1
        } else {
            q - 1
        }))
    }

    /// Parses digits with optional `,` thousands separators and an optional `.` fraction.
    pub fn parse(s: &str) -> Result<Num, NumError> {
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(NumError::Empty);
        }
        let (int_part, frac_part) = match s.find('.') {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        if int_part.is_empty() {
            return Err(NumError::Unexpected(0));
        }
        let mut v: i128 = 0;
        let has_commas = int_part.contains(',');
        let mut group = 0usize;
        let mut first_group = true;
        for (i, c) in int_part.char_indices() {
            match c {
                '0'..='9' => {
                    v = v
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(i128::from(c as u8 - b'0')))
                        .ok_or(NumError::TooLarge)?;
                    group += 1;
                }
                ',' => {
                    if (first_group && (group == 0 || group > 3)) || (!first_group && group != 3) {
                        return Err(NumError::Grouping(i));
                    }
                    first_group = false;
                    group = 0;
                }
                _ => return Err(NumError::Unexpected(i)),
            }
        }
        if has_commas && group != 3 {
            return Err(NumError::Grouping(int_part.len()));
        }
        let mut m = v.checked_mul(SCALE).ok_or(NumError::TooLarge)?;
        if let Some(frac) = frac_part {
            if frac.is_empty() {
                return Err(NumError::Unexpected(int_part.len()));
            }
            if frac.len() > SCALE_DIGITS as usize {
                return Err(NumError::TooPrecise);
            }
            let mut f: i128 = 0;
            for (i, c) in frac.char_indices() {
                let d = c
                    .to_digit(10)
                    .ok_or(NumError::Unexpected(int_part.len() + 1 + i))?;
                f = f * 10 + i128::from(d);
            }
            f *= 10i128.pow(SCALE_DIGITS - frac.len() as u32);
            m = m.checked_add(f).ok_or(NumError::TooLarge)?;
        }
        Ok(Num::from_millionths(m))
    }
}

impl Num {
    /// As people write it: thousands separated by commas (`10,500`, `1,234.5`).
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", plain.as_str()),
        };
        let (int, frac) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        let mut out = String::from(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        out
    }

    /// The largest whole number not above it.
    pub fn floor(self) -> Num {
        Num::from_millionths(self.get().div_euclid(SCALE) * SCALE)
    }

    /// The smallest whole number not below it (`None` on overflow).
    pub fn ceil(self) -> Option<Num> {
        let f = self.floor();
        if f == self {
            Some(f)
        } else {
            f.checked_add(Num::from_int(1))
        }
    }
}

impl fmt::Display for Num {
    /// Canonical form: plain digits, no separators, fraction only when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.get() < 0;
        let a = self.get().unsigned_abs();
        let int = a / SCALE as u128;
        let mut frac = a % SCALE as u128;
        if neg {
            f.write_str("-")?;
        }
        // Nearly every figure's whole part fits 64 bits, which print far faster than 128.
        match u64::try_from(int) {
            Ok(int) => write!(f, "{int}")?,
            Err(_) => write!(f, "{int}")?,
        }
        if frac != 0 {
            let mut digits = SCALE_DIGITS as usize;
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            write!(f, ".{frac:0digits$}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole parts past 64 bits print as those within: digit for digit, the sign and the
    /// fraction as for any number.
    #[test]
    fn the_largest_numbers_print_in_full() {
        for (m, text) in [
            (i128::MAX, "170141183460469231731687303715884.105727"),
            (i128::MIN + 1, "-170141183460469231731687303715884.105727"),
            (i128::from(u64::MAX) * 1_000_000, "18446744073709551615"),
            (
                (i128::from(u64::MAX) + 1) * 1_000_000 + 500_000,
                "18446744073709551616.5",
            ),
            (-2_500_000, "-2.5"),
            (0, "0"),
        ] {
            assert_eq!(Num::from_millionths(m).to_string(), text);
        }
    }

    #[test]
    fn grouped_floor_and_ceil() {
        let n = |s: &str| Num::parse(s).unwrap();
        assert_eq!(n("1000").grouped(), "1,000");
        assert_eq!(n("999").grouped(), "999");
        assert_eq!(n("1234567.25").grouped(), "1,234,567.25");
        assert_eq!(n("256.5").floor(), n("256"));
        assert_eq!(n("256.5").ceil(), Some(n("257")));
        assert_eq!(n("256").ceil(), Some(n("256")));
    }

    #[test]
    fn parses_separators_and_fractions() {
        assert_eq!(Num::parse("1,000"), Ok(Num::from_int(1000)));
        assert_eq!(Num::parse("1000"), Ok(Num::from_int(1000)));
        assert_eq!(
            Num::parse("12,345,678").map(|n| n.to_string()),
            Ok("12345678".into())
        );
        assert_eq!(Num::parse("2.5").map(|n| n.to_string()), Ok("2.5".into()));
        assert_eq!(
            Num::parse("0.000001").map(|n| n.to_string()),
            Ok("0.000001".into())
        );
    }

    #[test]
    fn rejects_bad_grouping_and_junk() {
        assert_eq!(Num::parse("1,00"), Err(NumError::Grouping(4)));
        assert_eq!(Num::parse("1000,000"), Err(NumError::Grouping(4)));
        assert_eq!(Num::parse(",100"), Err(NumError::Grouping(0)));
        assert_eq!(Num::parse("12a"), Err(NumError::Unexpected(2)));
        assert_eq!(Num::parse("1."), Err(NumError::Unexpected(1)));
        assert_eq!(Num::parse("1.0000001"), Err(NumError::TooPrecise));
        assert_eq!(Num::parse(&"9".repeat(40)), Err(NumError::TooLarge));
    }

    #[test]
    fn percent_rounds_outward() {
        let n = Num::from_int(8001);
        let p = Num::from_int(5);
        assert_eq!(n.percent(p).map(|x| x.to_string()), Some("400.05".into()));
        let third = Num::parse("0.000001").map(|t| t.percent(Num::from_int(1)));
        assert_eq!(third.map(|x| x.map(|v| v.millionths())), Ok(Some(1)));
    }
}
