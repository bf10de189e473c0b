//! Stated figures: the words of a value (`at least 8,000`) and the interval they mean.
//!
//! [`Value::parse`] reads every form of the import contract; [`Value`]'s `Display` prints the
//! canonical form, which parses back to the same [`Value`]. The stated words themselves are kept
//! by the claim, not here: a `Value` is what they mean.
//!
//! Grammar (case and spacing do not matter):
//!
//! ```text
//! value     = [qualifier] amount [tolerance]
//!           | amount "+"                       (* 1,000+: at least *)
//!           | amount after                     (* 1,000 or more *)
//!           | amount ".." amount
//!           | "between" amount "and" amount
//!           | amount ("to" | "-" | "–") amount  (* 270-300 *)
//! amount    = number [scale]
//! scale     = "thousand" | "million" | "billion"
//!           | "k" | "m" | "mn" | "bn"          (* written against the number: 10k, 1.2m *)
//! number    = digits with optional "," thousands separators and optional "." fraction
//! tolerance = ("±" | "+/-" | "+-") number ["%"]
//! qualifier = ">=" | "≥" | "at least" | "no fewer than" | "no less than" | "not less than"
//!           | "a minimum of" | "minimum of"
//!           | ">" | "more than" | "over" | "greater than" | "in excess of" | "upwards of"
//!           | "<=" | "≤" | "up to" | "as many as" | "at most" | "no more than" | "not more than"
//!           | "a maximum of" | "maximum of"
//!           | "<" | "fewer than" | "less than" | "under" | "below"
//!           | "~" | "≈" | "about" | "approximately" | "approx." | "approx" | "around"
//!           | "roughly" | "some" | "circa" | "an estimated" | "estimated" | "close to"
//!           | "nearly" | "almost" | "just under" | "not quite"    (* just below: nearly *)
//!           | "just over" | "just above"                          (* more than *)
//!           | "=" | "exactly"
//! after     = "or more" | "or higher" | "or above" | "or over"
//!           | "and more" | "and above" | "and over"
//!           | "plus" | "-plus"                                    (* at least *)
//!           | "or fewer" | "or less" | "or lower" | "or below" | "or under"  (* at most *)
//!           | "or so"                                             (* about *)
//! ```
//!
//! A scale after a range whose low end has none belongs to both ends, as a reader takes it:
//! `5 to 6 thousand` is `5000..6000` (but `500 to 6 thousand`, where that would put the low
//! end above the high one, is `500..6000`).
//!
//! `nearly 1,000` means a figure below 1,000 by at most the tolerance of an approximate one:
//! `[950, 1000)` with the default ±5%.
//!
//! A tolerance turns the value into an approximate one (`1000 ±5` is `~1000 ±5`) and is only
//! allowed on an exact or approximate amount.

use crate::interval::{End, Interval};
use crate::num::{Num, NumError};
use std::fmt;

/// How far an approximate figure may stray: an absolute amount or a percentage of the figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tolerance {
    /// Plus or minus this amount.
    Abs(Num),
    /// Plus or minus this percentage of the figure.
    Pct(Num),
}

impl Tolerance {
    /// The default tolerance of `about`, `approximately` and `~` when neither the claim nor its
    /// subject says otherwise.
    pub const DEFAULT: Tolerance = Tolerance::Pct(Num::from_int(5));

    /// The absolute amount this tolerance allows around `n`.
    pub fn amount(self, n: Num) -> Option<Num> {
        match self {
            Tolerance::Abs(t) => Some(t),
            Tolerance::Pct(p) => n.percent(p),
        }
    }

    /// Parses `5%` or `10` (also with a leading `±`).
    pub fn parse(s: &str) -> Result<Tolerance, ValueError> {
        let t = s.trim();
        let t = strip_pm(t).unwrap_or(t).trim_start();
        parse_tolerance_body(t, s.len() - t.len())
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerance::Abs(t) => write!(f, "{t}"),
            Tolerance::Pct(p) => write!(f, "{p}%"),
        }
    }
}

/// The meaning of a stated figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// `1,000`: exactly this.
    Exact(Num),
    /// `at least 8,000`: `[n, inf)`.
    AtLeast(Num),
    /// `more than 5000`: `(n, inf)`.
    MoreThan(Num),
    /// `up to 1,000`: `[0, n]`.
    AtMost(Num),
    /// `fewer than 100`: `[0, n)`.
    LessThan(Num),
    /// `about 10,000`: `[n - t, n + t]`, with `t` from the claim, else the subject, else the
    /// default.
    Approx(Num, Option<Tolerance>),
    /// `between 300 and 400`: `[lo, hi]`, with `lo <= hi`.
    Range(Num, Num),
    /// `nearly 1,000`: `[n - t, n)`, below the figure by at most the tolerance (as for
    /// `Approx`).
    Nearly(Num, Option<Tolerance>),
}

/// Why a value's text could not be read; `offset` is the byte offset in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    /// Byte offset in the value text where the problem is.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

const EXPECTED: &str = "expected a figure like `1,000`, `at least 8,000`, `up to 1,000`, \
`more than 5000`, `about 10,000 ±5%` or `between 300 and 400`";

#[derive(Clone, Copy)]
enum Qual {
    AtLeast,
    MoreThan,
    AtMost,
    LessThan,
    Approx,
    Nearly,
    Exact,
}

/// Qualifier phrases written after the figure (`1,000 or more`, `10,000-plus`, `500 or so`).
const AFTER: &[(&str, Qual)] = &[
    ("or more", Qual::AtLeast),
    ("or higher", Qual::AtLeast),
    ("or above", Qual::AtLeast),
    ("or over", Qual::AtLeast),
    ("and more", Qual::AtLeast),
    ("and above", Qual::AtLeast),
    ("and over", Qual::AtLeast),
    ("plus", Qual::AtLeast),
    ("or fewer", Qual::AtMost),
    ("or less", Qual::AtMost),
    ("or lower", Qual::AtMost),
    ("or below", Qual::AtMost),
    ("or under", Qual::AtMost),
    ("or so", Qual::Approx),
];

/// Qualifier phrases, longest first where one is a prefix of another.
const QUALIFIERS: &[(&str, Qual)] = &[
    (">=", Qual::AtLeast),
    ("≥", Qual::AtLeast),
    ("at least", Qual::AtLeast),
    ("no fewer than", Qual::AtLeast),
    ("no less than", Qual::AtLeast),
    ("not less than", Qual::AtLeast),
    ("a minimum of", Qual::AtLeast),
    ("minimum of", Qual::AtLeast),
    ("<=", Qual::AtMost),
    ("≤", Qual::AtMost),
    ("up to", Qual::AtMost),
    ("as many as", Qual::AtMost),
    ("at most", Qual::AtMost),
    ("no more than", Qual::AtMost),
    ("not more than", Qual::AtMost),
    ("a maximum of", Qual::AtMost),
    ("maximum of", Qual::AtMost),
    (">", Qual::MoreThan),
    ("more than", Qual::MoreThan),
    ("greater than", Qual::MoreThan),
    ("in excess of", Qual::MoreThan),
    ("upwards of", Qual::MoreThan),
    ("just over", Qual::MoreThan),
    ("just above", Qual::MoreThan),
    ("over", Qual::MoreThan),
    ("<", Qual::LessThan),
    ("just under", Qual::Nearly),
    ("nearly", Qual::Nearly),
    ("almost", Qual::Nearly),
    ("not quite", Qual::Nearly),
    ("fewer than", Qual::LessThan),
    ("less than", Qual::LessThan),
    ("under", Qual::LessThan),
    ("below", Qual::LessThan),
    ("~", Qual::Approx),
    ("≈", Qual::Approx),
    ("approximately", Qual::Approx),
    ("approx.", Qual::Approx),
    ("approx", Qual::Approx),
    ("about", Qual::Approx),
    ("around", Qual::Approx),
    ("roughly", Qual::Approx),
    ("some", Qual::Approx),
    ("circa", Qual::Approx),
    ("close to", Qual::Approx),
    ("an estimated", Qual::Approx),
    ("estimated", Qual::Approx),
    ("=", Qual::Exact),
    ("exactly", Qual::Exact),
];

/// The qualifier phrases written in words (`at least`, `about`, `as many as`, …), for readers
/// of running text that must find where a stated figure begins.
pub fn qualifier_words() -> impl Iterator<Item = &'static str> {
    QUALIFIERS
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
}

fn err(offset: usize, message: impl Into<String>) -> ValueError {
    ValueError {
        offset,
        message: message.into(),
    }
}

/// Matches `phrase` at the start of `s` (ASCII case-insensitively); a phrase ending in a
/// letter must be followed by a non-letter.
fn starts_with_phrase(s: &str, phrase: &str) -> bool {
    let n = phrase.len();
    if s.len() < n || !s.is_char_boundary(n) || !s[..n].eq_ignore_ascii_case(phrase) {
        return false;
    }
    let ends_in_letter = phrase
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphabetic());
    !(ends_in_letter && s[n..].chars().next().is_some_and(|c| c.is_alphanumeric()))
}

fn strip_pm(s: &str) -> Option<&str> {
    ["±", "+/-", "+-"].iter().find_map(|p| s.strip_prefix(p))
}

/// A cursor over the value text that remembers offsets for errors.
struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }
    fn eat_phrase(&mut self, phrase: &str) -> bool {
        self.skip_ws();
        if starts_with_phrase(self.rest(), phrase) {
            self.pos += phrase.len();
            true
        } else {
            false
        }
    }
    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.rest().is_empty()
    }

    /// A number with an optional scale word; `what` names what was expected, for the error
    /// (made only when there is one).
    fn scaled(&mut self, what: impl FnOnce() -> String) -> Result<Amount, ValueError> {
        self.skip_ws();
        let start = self.pos;
        let r = self.rest();
        if r.starts_with('-') && r[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err(err(start, "a figure cannot be negative"));
        }
        let len = r
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(r.len());
        // A trailing `.` belongs to a following `..`.
        let mut tok = &r[..len];
        if let Some(i) = tok.find("..") {
            tok = &tok[..i];
        }
        if tok.is_empty() {
            return Err(err(start, format!("expected {}", what())));
        }
        let n = Num::parse(tok).map_err(|e| {
            let off = match e {
                NumError::Unexpected(i) | NumError::Grouping(i) => start + i,
                _ => start,
            };
            err(off, format!("{e} in `{tok}`"))
        })?;
        self.pos += tok.len();
        // A scale written against the number (10k, 1.2m, 3bn), never a word that goes on.
        let after = self.rest();
        for (suffix, k) in [
            ("bn", 1_000_000_000i128),
            ("mn", 1_000_000),
            ("k", 1_000),
            ("m", 1_000_000),
        ] {
            if let Some(more) = after.strip_prefix(suffix)
                && !more.starts_with(|c: char| c.is_alphanumeric())
            {
                self.pos += suffix.len();
                return Amount::of(n, Some(k), start);
            }
        }
        let save = self.pos;
        self.skip_ws();
        if !matches!(
            self.rest().as_bytes().first(),
            Some(b't' | b'm' | b'b' | b'T' | b'M' | b'B')
        ) {
            self.pos = save;
            return Amount::of(n, None, start);
        }
        for (word, k) in [
            ("thousand", 1_000i128),
            ("million", 1_000_000),
            ("billion", 1_000_000_000),
        ] {
            if self.eat_phrase(word) {
                return Amount::of(n, Some(k), start);
            }
        }
        self.pos = save;
        Amount::of(n, None, start)
    }
}

/// A number as written, the scale written after it (`thousand`, `k`…) and what they make.
#[derive(Clone, Copy, Debug)]
struct Amount {
    /// The number times its scale.
    value: Num,
    /// The number as written.
    written: Num,
    /// The scale, when one is written.
    scale: Option<i128>,
}

impl Amount {
    /// `written` times `scale`, or the error for a number too large, at `start`.
    fn of(written: Num, scale: Option<i128>, start: usize) -> Result<Amount, ValueError> {
        let value = match scale {
            Some(k) => written
                .checked_mul_int(k)
                .ok_or_else(|| err(start, "number too large"))?,
            None => written,
        };
        Ok(Amount {
            value,
            written,
            scale,
        })
    }

    /// The ends of a range from `lo` to `hi`: a low end written without a scale takes the
    /// high end's when that keeps it no higher (`5 to 6 thousand` is 5,000 to 6,000, as a
    /// reader takes it; `500 to 6 thousand` stays 500 to 6,000).
    fn ends(lo: Amount, hi: Amount) -> (Num, Num) {
        let spread = match (lo.scale, hi.scale) {
            (None, Some(k)) => lo.written.checked_mul_int(k).filter(|l| *l <= hi.value),
            _ => None,
        };
        (spread.unwrap_or(lo.value), hi.value)
    }
}

fn parse_tolerance_body(t: &str, base: usize) -> Result<Tolerance, ValueError> {
    let (body, pct) = match t.strip_suffix('%') {
        Some(b) => (b.trim_end(), true),
        None => (t, false),
    };
    let n = Num::parse(body)
        .map_err(|e| err(base, format!("expected a tolerance like `5%` or `10`: {e}")))?;
    Ok(if pct {
        Tolerance::Pct(n)
    } else {
        Tolerance::Abs(n)
    })
}

/// The number `first` (one to three digits) and the groups of three digits that begin `rest`,
/// each after a space, written with commas: what `10 000` means where thousands are split by
/// spaces. `None` when they are not written so.
fn spaced_thousands(first: &str, rest: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(first) && first.len() <= 3) {
        return None;
    }
    let groups: Vec<&str> = rest
        .split(char::is_whitespace)
        .take_while(|g| digits(g) && g.len() == 3)
        .collect();
    let whole = rest.split(char::is_whitespace).count() == groups.len();
    (!groups.is_empty() && whole).then(|| format!("{first},{}", groups.join(",")))
}

impl Value {
    /// Reads a stated figure.
    pub fn parse(text: &str) -> Result<Value, ValueError> {
        let mut c = Cursor { src: text, pos: 0 };
        if c.at_end() {
            return Err(err(0, format!("empty figure: {EXPECTED}")));
        }
        if c.eat_phrase("between") {
            let lo = c.scaled(|| "a number after `between`".into())?;
            if !c.eat_phrase("and") {
                return Err(err(c.pos, "expected `and` in `between … and …`"));
            }
            let hi = c.scaled(|| "a number after `and`".into())?;
            return finish_range(&mut c, Amount::ends(lo, hi));
        }
        // No qualifier begins with a digit: a bare figure (most of them) skips the list, and
        // a phrase is tried only when its first letter is the text's.
        let first = c.rest().as_bytes().first().copied().unwrap_or_default();
        let found = if first.is_ascii_digit() {
            None
        } else {
            QUALIFIERS
                .iter()
                .find(|(p, _)| p.as_bytes()[0].eq_ignore_ascii_case(&first) && c.eat_phrase(p))
        };
        let qual = found.map(|&(_, q)| q);
        let what = || match found {
            Some((p, _)) => format!("a number after `{p}`, like `{p} 1,000`"),
            None => "a number".into(),
        };
        let before_amount = c.pos;
        let stated = c.scaled(what).map_err(|e| {
            if e.offset == before_amount && qual.is_none() && e.message.starts_with("expected") {
                err(e.offset, EXPECTED)
            } else {
                e
            }
        })?;
        let n = stated.value;
        c.skip_ws();
        if qual.is_none() && (c.eat_phrase("..") || c.eat_phrase("to")) {
            let hi = c.scaled(|| "a number after the range's first number".into())?;
            return finish_range(&mut c, Amount::ends(stated, hi));
        }
        // 270-300 and 270–300 (a hyphen or an en dash between two numbers).
        if qual.is_none()
            && let Some(more) = c.rest().strip_prefix(['-', '–'])
            && more
                .trim_start()
                .starts_with(|ch: char| ch.is_ascii_digit())
        {
            c.pos += c.rest().len() - more.len();
            let hi = c.scaled(|| "a number after the range's first number".into())?;
            return finish_range(&mut c, Amount::ends(stated, hi));
        }
        // 1,000+ (but not 1,000 +/- 5).
        if qual.is_none() && strip_pm(c.rest()).is_none() && c.rest().starts_with('+') {
            c.pos += 1;
            if !c.at_end() {
                return Err(err(
                    c.pos,
                    format!("unexpected `{}` after `+`", c.rest().trim()),
                ));
            }
            return Ok(Value::AtLeast(n));
        }
        // 1,000 or more, 10,000-plus, 20 or fewer, 500 or so.
        if qual.is_none() {
            let rest = c.rest().trim_start();
            let after = rest
                .strip_prefix('-')
                .filter(|a| starts_with_phrase(a, "plus"))
                .unwrap_or(rest);
            if let Some(&(phrase, q)) = AFTER.iter().find(|(p, _)| starts_with_phrase(after, p)) {
                c.pos += c.rest().len() - after.len() + phrase.len();
                if !c.at_end() {
                    return Err(err(
                        c.pos,
                        format!("unexpected `{}` after `{phrase}`", c.rest().trim()),
                    ));
                }
                return Ok(match q {
                    Qual::AtLeast => Value::AtLeast(n),
                    Qual::AtMost => Value::AtMost(n),
                    _ => Value::Approx(n, None),
                });
            }
        }
        c.skip_ws();
        let tol_at = c.pos;
        let tol = match strip_pm(c.rest()) {
            Some(t) => Some(parse_tolerance_body(
                t.trim(),
                tol_at + (c.rest().len() - t.len()),
            )?),
            None => None,
        };
        if tol.is_none() && !c.at_end() {
            let stated_text = text[before_amount..tol_at].trim();
            let ranged = c
                .rest()
                .strip_prefix(['-', '–'])
                .or_else(|| c.rest().strip_prefix(".."))
                .or_else(|| c.rest().strip_prefix("to "))
                .is_some_and(|hi| hi.trim_start().starts_with(|ch: char| ch.is_ascii_digit()));
            let hint = match (found, ranged) {
                // `about 270-300`, `at least 5-6,000`
                (Some((p, _)), true) => format!(
                    "; a range takes no qualifier here: write the range alone, or the bound \
                     meant, like `{p} {stated_text}`"
                ),
                _ => spaced_thousands(stated_text, c.rest())
                    .map(|n| format!("; thousands are split by commas here: `{n}`"))
                    .unwrap_or_default(),
            };
            return Err(err(
                c.pos,
                format!("unexpected `{}` after the figure{hint}", c.rest().trim()),
            ));
        }
        let v = match (qual, tol) {
            (Some(Qual::AtLeast), None) => Value::AtLeast(n),
            (Some(Qual::MoreThan), None) => Value::MoreThan(n),
            (Some(Qual::AtMost), None) => Value::AtMost(n),
            (Some(Qual::LessThan), None) => {
                if n == Num::ZERO {
                    return Err(err(0, "`fewer than 0` holds no figure"));
                }
                Value::LessThan(n)
            }
            (Some(Qual::Approx), t) | (None | Some(Qual::Exact), t @ Some(_)) => {
                Value::Approx(n, t)
            }
            (Some(Qual::Nearly), t) => {
                if n == Num::ZERO {
                    return Err(err(0, "`nearly 0` holds no figure"));
                }
                Value::Nearly(n, t)
            }
            (None | Some(Qual::Exact), None) => Value::Exact(n),
            (Some(_), Some(_)) => {
                return Err(err(
                    tol_at,
                    "a tolerance only goes with an exact or approximate figure",
                ));
            }
        };
        Ok(v)
    }

    /// Whether [`Value::parse`] can give this value: every number at least 0, a range's ends
    /// in order, and neither `fewer than 0` nor `nearly 0` (which hold no figure).
    pub fn could_be_read(&self) -> bool {
        let tolerance = |t: &Option<Tolerance>| match t {
            None => true,
            Some(Tolerance::Abs(n) | Tolerance::Pct(n)) => !n.is_negative(),
        };
        match self {
            Value::Exact(n) | Value::AtLeast(n) | Value::MoreThan(n) | Value::AtMost(n) => {
                !n.is_negative()
            }
            Value::LessThan(n) => !n.is_negative() && *n != Num::ZERO,
            Value::Approx(n, t) => !n.is_negative() && tolerance(t),
            Value::Nearly(n, t) => !n.is_negative() && *n != Num::ZERO && tolerance(t),
            Value::Range(lo, hi) => !lo.is_negative() && lo <= hi,
        }
    }

    /// The interval this figure means; `default` is the tolerance of an approximate figure that
    /// does not state its own. Only fails on arithmetic overflow.
    pub fn interval(&self, default: Tolerance) -> Option<Interval> {
        let zero = End::closed(Num::ZERO);
        let iv = match *self {
            Value::Exact(n) => Interval::point(n),
            Value::AtLeast(n) => Interval::at_least(n),
            Value::MoreThan(n) => Interval::new(End::open(n), None).ok()?,
            Value::AtMost(n) => Interval::new(zero, Some(End::closed(n))).ok()?,
            Value::LessThan(n) => Interval::new(zero, Some(End::open(n))).ok()?,
            Value::Range(lo, hi) => Interval::new(End::closed(lo), Some(End::closed(hi))).ok()?,
            Value::Approx(n, t) => {
                let t = t.unwrap_or(default).amount(n)?;
                let lo = n.checked_sub(t)?.max(Num::ZERO);
                Interval::new(End::closed(lo), Some(End::closed(n.checked_add(t)?))).ok()?
            }
            Value::Nearly(n, t) => {
                let t = t.unwrap_or(default).amount(n)?;
                let lo = n.checked_sub(t)?.max(Num::ZERO);
                // A tolerance of nothing leaves only what is just below: the bound itself is
                // never meant.
                let lo = if lo == n {
                    End::open(Num::ZERO)
                } else {
                    End::closed(lo)
                };
                Interval::new(lo, Some(End::open(n))).ok()?
            }
        };
        Some(iv)
    }

    /// Whether it states only one end of the figure (`at least`, `more than`, `up to`, `fewer
    /// than`): consistent with everything on its side of the bound.
    pub fn is_one_sided(&self) -> bool {
        matches!(
            self,
            Value::AtLeast(_) | Value::MoreThan(_) | Value::AtMost(_) | Value::LessThan(_)
        )
    }

    /// The central number of the figure as stated (the bound for one-sided figures).
    pub fn number(&self) -> Num {
        match *self {
            Value::Exact(n)
            | Value::AtLeast(n)
            | Value::MoreThan(n)
            | Value::AtMost(n)
            | Value::LessThan(n)
            | Value::Approx(n, _)
            | Value::Nearly(n, _) => n,
            Value::Range(lo, _) => lo,
        }
    }
}

fn finish_range(c: &mut Cursor<'_>, (lo, hi): (Num, Num)) -> Result<Value, ValueError> {
    if !c.at_end() {
        return Err(err(
            c.pos,
            format!("unexpected `{}` after the range", c.rest().trim()),
        ));
    }
    if lo > hi {
        return Err(err(
            0,
            format!("range {lo}..{hi} has its lower end above its upper end"),
        ));
    }
    Ok(Value::Range(lo, hi))
}

impl fmt::Display for Value {
    /// The canonical form: `1000`, `>= 8000`, `> 5000`, `<= 1000`, `< 100`, `~10000`,
    /// `~10000 ±5%`, `~270 ±10`, `300..400`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Exact(n) => write!(f, "{n}"),
            Value::AtLeast(n) => write!(f, ">= {n}"),
            Value::MoreThan(n) => write!(f, "> {n}"),
            Value::AtMost(n) => write!(f, "<= {n}"),
            Value::LessThan(n) => write!(f, "< {n}"),
            Value::Approx(n, None) => write!(f, "~{n}"),
            Value::Approx(n, Some(t)) => write!(f, "~{n} ±{t}"),
            Value::Nearly(n, None) => write!(f, "nearly {n}"),
            Value::Nearly(n, Some(t)) => write!(f, "nearly {n} ±{t}"),
            Value::Range(lo, hi) => write!(f, "{lo}..{hi}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Value::parse` skips the qualifier list for a figure that begins with a digit.
    #[test]
    fn no_qualifier_begins_with_a_digit() {
        for (p, _) in QUALIFIERS {
            assert!(!p.starts_with(|c: char| c.is_ascii_digit()), "{p}");
        }
    }

    fn canon(s: &str) -> String {
        match Value::parse(s) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error at {}: {}", e.offset, e.message),
        }
    }

    fn iv(s: &str) -> String {
        Value::parse(s)
            .ok()
            .and_then(|v| v.interval(Tolerance::DEFAULT))
            .map_or("none".into(), |i| i.to_string())
    }

    #[test]
    fn every_contract_form_reads() {
        let cases = [
            ("1000", "1000"),
            ("1,000", "1000"),
            (">= 8000", ">= 8000"),
            ("at least 8,000", ">= 8000"),
            ("At Least 8,000", ">= 8000"),
            ("more than 5000", "> 5000"),
            ("<= 1000", "<= 1000"),
            ("up to 1,000", "<= 1000"),
            ("as many as 1,000", "<= 1000"),
            ("~10000", "~10000"),
            ("about 10,000", "~10000"),
            ("approximately 10,000 ±5%", "~10000 ±5%"),
            ("~270 ±10", "~270 ±10"),
            ("300..400", "300..400"),
            ("between 300 and 400", "300..400"),
            ("300 to 400", "300..400"),
            ("around 1.2 million", "~1200000"),
            ("1000 +/- 5", "~1000 ±5"),
            ("fewer than 100", "< 100"),
            ("over 9000", "> 9000"),
            ("nearly 1,000", "nearly 1000"),
            ("almost 1,000", "nearly 1000"),
            ("just under 1,000 ±2%", "nearly 1000 ±2%"),
            ("just over 500", "> 500"),
            ("close to 300", "~300"),
            ("some 200", "~200"),
            ("1,000+", ">= 1000"),
            ("270-300", "270..300"),
            ("270 – 300", "270..300"),
            ("10k", "10000"),
            ("1.2m", "1200000"),
            ("about 3bn", "~3000000000"),
            ("1,000 +/- 5", "~1000 ±5"),
            ("1,000 or more", ">= 1000"),
            ("1,000 Or Higher", ">= 1000"),
            ("2 million and above", ">= 2000000"),
            ("80 or over", ">= 80"),
            ("10,000-plus", ">= 10000"),
            ("10,000 plus", ">= 10000"),
            ("20 or fewer", "<= 20"),
            ("1.5k or less", "<= 1500"),
            ("500 or so", "~500"),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
        }
        // The qualifier after the figure is its only one, and ends it.
        assert_eq!(
            canon("at least 1,000 or more"),
            "error at 15: unexpected `or more` after the figure"
        );
        assert_eq!(
            canon("1,000 or more people"),
            "error at 14: unexpected `people` after `or more`"
        );
        assert_eq!(
            canon("1,000 or morethan"),
            "error at 6: unexpected `or morethan` after the figure"
        );
    }

    /// A range whose low end is written without a scale takes the high end's, as a reader
    /// takes `5 to 6 thousand`, unless that would put it above the high end; a scale on the
    /// low end alone, or on both, is each end's own.
    #[test]
    fn a_scale_after_a_range_applies_to_both_ends() {
        let cases = [
            ("between 5 and 6 thousand", "5000..6000"),
            ("5 to 6 thousand", "5000..6000"),
            ("1.5-2 million", "1500000..2000000"),
            ("1.5 – 2m", "1500000..2000000"),
            ("5..6k", "5000..6000"),
            ("between 0 and 3 billion", "0..3000000000"),
            ("between 6 and 6 thousand", "6000..6000"),
            ("500 to 6 thousand", "500..6000"),
            ("between 7 and 6 thousand", "7..6000"),
            ("5 thousand to 6 million", "5000..6000000"),
            (
                "2 million to 3",
                "error at 0: range 2000000..3 has its lower end above its upper end",
            ),
            ("between 5 and 6", "5..6"),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
        }
    }

    #[test]
    fn meanings_are_the_product_intervals() {
        assert_eq!(iv("1,000"), "[1000, 1000]");
        assert_eq!(iv("at least 8,000"), "[8000, inf)");
        assert_eq!(iv("as many as 1,000"), "[0, 1000]");
        assert_eq!(iv("more than 5000"), "(5000, inf)");
        assert_eq!(iv("between 300 and 400"), "[300, 400]");
        assert_eq!(iv("approximately 10,000"), "[9500, 10500]");
        assert_eq!(iv("~270 ±10"), "[260, 280]");
        assert_eq!(iv("~10 ±50"), "[0, 60]");
        assert_eq!(iv("nearly 1,000"), "[950, 1000)");
        assert_eq!(iv("almost 1,000 ±10"), "[990, 1000)");
        assert_eq!(iv("nearly 1 ±0"), "(0, 1)");
        assert_eq!(iv("1,000+"), "[1000, inf)");
    }

    #[test]
    fn bad_figures_say_where_and_what() {
        assert_eq!(
            canon("400..300"),
            "error at 0: range 400..300 has its lower end above its upper end"
        );
        assert_eq!(canon("-5"), "error at 0: a figure cannot be negative");
        assert_eq!(
            canon("at least -5"),
            "error at 9: a figure cannot be negative"
        );
        assert_eq!(canon("lots"), format!("error at 0: {EXPECTED}"));
        assert_eq!(
            canon("1,00"),
            "error at 4: thousands separators must split digits into groups of three in `1,00`"
        );
        assert_eq!(
            canon("1000 people"),
            "error at 5: unexpected `people` after the figure"
        );
        assert_eq!(
            canon("at least 5 ±2"),
            "error at 11: a tolerance only goes with an exact or approximate figure"
        );
        assert_eq!(canon(""), format!("error at 0: empty figure: {EXPECTED}"));
        assert_eq!(
            canon("300-200"),
            "error at 0: range 300..200 has its lower end above its upper end"
        );
        assert_eq!(
            canon("1,000+ people"),
            "error at 7: unexpected `people` after `+`"
        );
        assert_eq!(
            canon("10 kilometres"),
            "error at 3: unexpected `kilometres` after the figure"
        );
        assert_eq!(
            canon("about 270-300"),
            "error at 9: unexpected `-300` after the figure; a range takes no qualifier here: write the range alone, or the bound meant, like `about 270`"
        );
        assert_eq!(
            canon("at least 5 to 6,000"),
            "error at 11: unexpected `to 6,000` after the figure; a range takes no qualifier here: write the range alone, or the bound meant, like `at least 5`"
        );
        assert_eq!(
            canon("about 10 000"),
            "error at 9: unexpected `000` after the figure; thousands are split by commas here: `10,000`"
        );
        assert_eq!(
            canon("1\u{a0}200\u{a0}000"),
            "error at 3: unexpected `200\u{a0}000` after the figure; thousands are split by commas here: `1,200,000`"
        );
        assert_eq!(
            canon("1000 000"),
            "error at 5: unexpected `000` after the figure"
        );
        assert_eq!(
            canon("10 000 people"),
            "error at 3: unexpected `000 people` after the figure"
        );
        assert_eq!(canon("nearly 0"), "error at 0: `nearly 0` holds no figure");
        assert_eq!(
            canon("between 3 or 4"),
            "error at 10: expected `and` in `between … and …`"
        );
    }
}
