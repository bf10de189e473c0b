//! Dates of reduced precision, periods, and UTC time stamps.
//!
//! A stated date is a [`Period`]: `2025` is all of 2025, `2025-04` all of April 2025,
//! `2025-05-01` one day, and `2022-02-24/2025-05-23` the days between, both included. A period
//! cannot end before it starts. Printing a period gives the shortest text that parses back to it.

use std::fmt;

/// A day of the proleptic Gregorian calendar, years 1 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// An inclusive span of days; `start <= end` always holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    start: Date,
    end: Date,
}

/// Why a date could not be read; `offset` is the byte offset in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError {
    /// Byte offset of the problem in the text.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

const EXPECTED: &str =
    "expected a date like `2025`, `2025-04`, `2025-05-01` or a period `2022-02-24/2025-05-23`";

fn is_leap(y: u16) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

/// Days in a month of a year.
pub fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// A valid date, or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date that many days after 1970-01-01, if it is within years 1 to 9999.
    pub fn from_days_since_epoch(z: i64) -> Option<Date> {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, *self, DAY)
    }
}

/// How much of `YYYY-MM-DD` [`write_date`] writes: the year, the month, or the day.
const YEAR: usize = 4;
const MONTH: usize = 7;
const DAY: usize = 10;

/// The first `len` characters of a date's `YYYY-MM-DD` (a year is always four digits),
/// written digit by digit: every answer prints a date or two for each claim it shows.
fn write_date(f: &mut fmt::Formatter<'_>, d: Date, len: usize) -> fmt::Result {
    let mut b = *b"0000-00-00";
    let digit = |n: u16| (n % 10) as u8;
    b[0] += digit(d.year / 1000);
    b[1] += digit(d.year / 100);
    b[2] += digit(d.year / 10);
    b[3] += digit(d.year);
    b[5] += d.month / 10;
    b[6] += d.month % 10;
    b[8] += d.day / 10;
    b[9] += d.day % 10;
    f.write_str(std::str::from_utf8(&b[..len.min(DAY)]).map_err(|_| fmt::Error)?)
}

fn derr(offset: usize, message: impl Into<String>) -> DateError {
    DateError {
        offset,
        message: message.into(),
    }
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the period it names.
fn parse_one(s: &str, base: usize) -> Result<Period, DateError> {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let shape_ok = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    if !shape_ok {
        return Err(derr(base, format!("{EXPECTED}, not `{s}`")));
    }
    let num = |p: &str| p.parse::<u16>().unwrap_or(0);
    let year = num(parts[0]);
    if year == 0 {
        return Err(derr(
            base,
            "year 0000 is not a date (years run from 0001 to 9999)",
        ));
    }
    let month = parts.get(1).map(|m| num(m) as u8);
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return Err(derr(base + 5, format!("month {m:02} does not exist")));
    }
    let day = parts.get(2).map(|d| num(d) as u8);
    let (start, end) = match (month, day) {
        (None, _) => (Date::new(year, 1, 1), Date::new(year, 12, 31)),
        (Some(m), None) => (
            Date::new(year, m, 1),
            Date::new(year, m, days_in_month(year, m)),
        ),
        (Some(m), Some(d)) => {
            let date = Date::new(year, m, d);
            if date.is_none() {
                return Err(derr(
                    base + 8,
                    format!(
                        "{s} does not exist (that month has {} days)",
                        days_in_month(year, m)
                    ),
                ));
            }
            (date, date)
        }
    };
    match (start, end) {
        (Some(start), Some(end)) => Ok(Period { start, end }),
        _ => Err(derr(base, format!("{EXPECTED}, not `{s}`"))),
    }
}

impl Period {
    /// A period from `start` to `end`, both included; `None` when `end` is before `start`.
    pub fn new(start: Date, end: Date) -> Option<Period> {
        (start <= end).then_some(Period { start, end })
    }

    /// One day.
    pub fn day(d: Date) -> Period {
        Period { start: d, end: d }
    }

    /// The first day.
    pub fn start(&self) -> Date {
        self.start
    }

    /// The last day.
    pub fn end(&self) -> Date {
        self.end
    }

    /// True when the two periods share a day.
    pub fn overlaps(&self, o: &Period) -> bool {
        self.start <= o.end && o.start <= self.end
    }

    /// Reads a date or a `START/END` period.
    pub fn parse(text: &str) -> Result<Period, DateError> {
        let s = text.trim();
        let base = text.len() - text.trim_start().len();
        if s.is_empty() {
            return Err(derr(0, format!("empty date: {EXPECTED}")));
        }
        let read = match s.split_once('/') {
            None => parse_one(s, base),
            Some((a, b)) => parse_one(a.trim(), base).and_then(|first| {
                let second = parse_one(b.trim(), base + a.len() + 1)?;
                Period::new(first.start, second.end)
                    .ok_or_else(|| derr(base, format!("period {s} ends before it starts")))
            }),
        };
        // A date as people write it: say how the log writes it.
        read.map_err(
            |e| match as_written_otherwise(s).unwrap_or_default().as_slice() {
                [] => e,
                [iso] => derr(
                    base,
                    format!("{EXPECTED}, not `{s}`; did you mean `{iso}`?"),
                ),
                [a, b, ..] => derr(
                    base,
                    format!("{EXPECTED}, not `{s}`; did you mean `{a}` or `{b}`?"),
                ),
            },
        )
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1 to 12) an English month's name names, whole or cut to three letters or more,
/// in any case, with or without a point (`May`, `Sept.`, `december`).
pub fn month_named(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| m.starts_with(&w))?;
    u8::try_from(i + 1).ok()
}

/// The dates `s` may name when it is written as people write dates rather than as the log
/// does, in the log's form: `16 May 2025`, `May 16, 2025` and `16.05.2025` as `2025-05-16`,
/// `May 2025` as `2025-05`, and `05/06/2025` as `2025-05-06` and `2025-06-05` (either number
/// may be the month) but `05/16/2025` only as `2025-05-16`. None (or none that exists) for
/// anything else.
fn as_written_otherwise(s: &str) -> Option<Vec<String>> {
    let month = |w: &str| month_named(w).map(usize::from);
    let number = |w: &str| {
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse::<usize>().ok())
            .flatten()
    };
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let year = |w: &str| number(w).filter(|_| w.len() == 4);
    let day = |y: usize, m: usize, d: usize| format!("{y:04}-{m:02}-{d:02}");
    let read = match words.as_slice() {
        [m, y] => vec![format!("{:04}-{:02}", year(y)?, month(m)?)],
        [d, m, y] if month(m).is_some() => vec![day(year(y)?, month(m)?, number(d)?)],
        [m, d, y] => vec![day(year(y)?, month(m)?, number(d)?)],
        [one] => {
            let parts: Vec<&str> = one.split(['/', '.']).collect();
            let [a, b, y] = parts.as_slice() else {
                return None;
            };
            let (a, b, y) = (number(a)?, number(b)?, year(y)?);
            match one.contains('.') {
                // Day first with dots, as those who write them so write them.
                true => vec![day(y, b, a)],
                // With slashes, month first or day first.
                false => vec![day(y, a, b), day(y, b, a)],
            }
        }
        _ => return None,
    };
    let mut read: Vec<String> = read
        .into_iter()
        .filter(|iso| parse_one(iso, 0).is_ok())
        .collect();
    read.dedup();
    Some(read)
}

fn is_year_start(d: Date) -> bool {
    d.month == 1 && d.day == 1
}
fn is_year_end(d: Date) -> bool {
    d.month == 12 && d.day == 31
}
fn is_month_end(d: Date) -> bool {
    d.day == days_in_month(d.year, d.month)
}

struct StartText(Date);
struct EndText(Date);

impl fmt::Display for StartText {
    /// The coarsest form whose first day is this date.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if is_year_start(d) {
            write_date(f, d, YEAR)
        } else if d.day == 1 {
            write_date(f, d, MONTH)
        } else {
            write_date(f, d, DAY)
        }
    }
}

impl fmt::Display for EndText {
    /// The coarsest form whose last day is this date.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if is_year_end(d) {
            write_date(f, d, YEAR)
        } else if is_month_end(d) {
            write_date(f, d, MONTH)
        } else {
            write_date(f, d, DAY)
        }
    }
}

impl fmt::Display for Period {
    /// The shortest text naming exactly this period: `2025`, `2025-04`, `2025-05-01`,
    /// `2022-02-24/2025-05-23`, `2024/2025`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        let whole_year = s.year == e.year && is_year_start(s) && is_year_end(e);
        let whole_month = s.year == e.year && s.month == e.month && s.day == 1 && is_month_end(e);
        if whole_year {
            write_date(f, s, YEAR)
        } else if whole_month {
            write_date(f, s, MONTH)
        } else if s == e {
            write_date(f, s, DAY)
        } else {
            fmt::Display::fmt(&StartText(s), f)?;
            f.write_str("/")?;
            fmt::Display::fmt(&EndText(e), f)
        }
    }
}

/// A UTC instant to the second, printed as `2025-05-01T12:00:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn from_unix(secs: i64) -> Timestamp {
        Timestamp(secs)
    }

    /// Seconds since the epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Reads `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
            return None;
        }
        let day = parse_one(&s[..10], 0)
            .ok()
            .filter(|p| p.start == p.end)?
            .start;
        let field = |r: std::ops::Range<usize>, max: i64| {
            s.get(r)
                .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|t| t.parse::<i64>().ok())
                .filter(|v| *v <= max)
        };
        let (h, m, sec) = (field(11..13, 23)?, field(14..16, 59)?, field(17..19, 59)?);
        Some(Timestamp(
            day.days_since_epoch() * 86_400 + h * 3600 + m * 60 + sec,
        ))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        match Date::from_days_since_epoch(days) {
            Some(d) => write!(
                f,
                "{d}T{:02}:{:02}:{:02}Z",
                secs / 3600,
                secs % 3600 / 60,
                secs % 60
            ),
            None => write!(f, "@{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        match Period::parse(s) {
            Ok(p) => format!("{}..{} = {p}", p.start, p.end),
            Err(e) => format!("error at {}: {}", e.offset, e.message),
        }
    }

    #[test]
    fn reduced_precision_is_the_whole_period() {
        assert_eq!(p("2025"), "2025-01-01..2025-12-31 = 2025");
        assert_eq!(p("2025-04"), "2025-04-01..2025-04-30 = 2025-04");
        assert_eq!(p("2024-02"), "2024-02-01..2024-02-29 = 2024-02");
        assert_eq!(p("2025-05-01"), "2025-05-01..2025-05-01 = 2025-05-01");
        assert_eq!(
            p("2022-02-24/2025-05-23"),
            "2022-02-24..2025-05-23 = 2022-02-24/2025-05-23"
        );
        assert_eq!(p("2024/2025"), "2024-01-01..2025-12-31 = 2024/2025");
        assert_eq!(p("2025-01/2025-12"), "2025-01-01..2025-12-31 = 2025");
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(
            p("2025-02-29"),
            "error at 8: 2025-02-29 does not exist (that month has 28 days)"
        );
        assert_eq!(p("2025-13"), "error at 5: month 13 does not exist");
        assert_eq!(p("May 1"), format!("error at 0: {EXPECTED}, not `May 1`"));
        // Dates as people write them are refused with the log's form.
        for (written, iso) in [
            ("16 May 2025", "2025-05-16"),
            ("16 May, 2025", "2025-05-16"),
            ("May 16, 2025", "2025-05-16"),
            ("Sept. 3 2024", "2024-09-03"),
            ("May 2025", "2025-05"),
            ("december 2024", "2024-12"),
            ("16.05.2025", "2025-05-16"),
            ("05/16/2025", "2025-05-16"),
            ("16/05/2025", "2025-05-16"),
            ("29 February 2024", "2024-02-29"),
        ] {
            let said = format!("error at 0: {EXPECTED}, not `{written}`; did you mean `{iso}`?");
            assert_eq!(p(written), said);
        }
        // Two numbers either of which could be the month are offered both ways.
        assert_eq!(
            p("05/06/2025"),
            format!(
                "error at 0: {EXPECTED}, not `05/06/2025`; did you mean `2025-05-06` or `2025-06-05`?"
            )
        );
        assert_eq!(
            p("05/05/2025"),
            format!("error at 0: {EXPECTED}, not `05/05/2025`; did you mean `2025-05-05`?")
        );
        // Nothing is offered for a date that does not exist.
        for written in [
            "29 February 2025",
            "May 32, 2025",
            "Ma 2025",
            "13/13/2025",
            "1/2",
        ] {
            assert!(
                !p(written).contains("did you mean"),
                "{written}: {}",
                p(written)
            );
        }
        assert_eq!(
            p("2025-05-02/2025-05-01"),
            "error at 0: period 2025-05-02/2025-05-01 ends before it starts"
        );
        assert_eq!(
            p("2025-5-1"),
            format!("error at 0: {EXPECTED}, not `2025-5-1`")
        );
    }

    /// Dates written digit by digit read as the formatting machinery writes them, from year
    /// 1 to 9999, and every period's text reads back as that period (start and end, of each
    /// coarseness).
    #[test]
    fn dates_and_periods_print_as_they_read() {
        let first = Date::new(1, 1, 1).unwrap().days_since_epoch();
        let last = Date::new(9999, 12, 31).unwrap().days_since_epoch();
        let mut day = first;
        while day <= last {
            let d = Date::from_days_since_epoch(day).unwrap();
            let text = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            assert_eq!(d.to_string(), text);
            day += 13;
        }
        let some = [
            "0001",
            "0999-12",
            "2024-02-29",
            "2025",
            "2025-01",
            "2025-04-30",
            "9999-12-31",
        ];
        for a in some {
            for b in some {
                let (Ok(a), Ok(b)) = (Period::parse(a), Period::parse(b)) else {
                    continue;
                };
                for (s, e) in [(a.start, b.end), (a.start, b.start), (a.end, b.end)] {
                    if let Some(p) = Period::new(s, e) {
                        assert_eq!(Period::parse(&p.to_string()), Ok(p), "{p}");
                    }
                }
            }
        }
    }

    #[test]
    fn timestamps_round_trip() {
        let t = Timestamp::from_unix(1_746_057_600);
        assert_eq!(t.to_string(), "2025-05-01T00:00:00Z");
        assert_eq!(Timestamp::parse("2025-05-01T00:00:00Z"), Some(t));
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        for d in [-719_162i64, -1, 0, 1, 20_000, 2_932_896] {
            let date = Date::from_days_since_epoch(d);
            assert_eq!(date.map(|x| x.days_since_epoch()), Some(d));
        }
    }
}
