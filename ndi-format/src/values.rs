//! Typed attribute values: compact timestamps, booleans and dotted versions.
//!
//! Values that do not parse are never dropped: accessors return the raw text beside the
//! parse result so callers can keep it and report it.

use std::fmt;

/// A wall-clock date and time with no zone, as written in `yyyyMMddTHHmmss` (device local
/// time in `.ndi`, `.mmi`, `.vdi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CompactDateTime {
    /// Year, e.g. 2024.
    pub year: u16,
    /// Month 1..=12.
    pub month: u8,
    /// Day 1..=31 (valid for the month).
    pub day: u8,
    /// Hour 0..=23.
    pub hour: u8,
    /// Minute 0..=59.
    pub minute: u8,
    /// Second 0..=59.
    pub second: u8,
}

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1..=12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `yyyyMMdd` into (year, month, day), checking the calendar.
pub fn parse_compact_date(s: &str) -> Option<(u16, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 8 {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[4..6])?;
    let day = digits(&b[6..8])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(i64::from(year), month) {
        return None;
    }
    Some((year as u16, month as u8, day as u8))
}

/// Parses `HHmmss` into (hour, minute, second).
pub fn parse_compact_time(s: &str) -> Option<(u8, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 6 {
        return None;
    }
    let (h, m, sec) = (digits(&b[0..2])?, digits(&b[2..4])?, digits(&b[4..6])?);
    (h < 24 && m < 60 && sec < 60).then_some((h as u8, m as u8, sec as u8))
}

impl CompactDateTime {
    /// Parses `yyyyMMddTHHmmss`; also accepts a date alone (`yyyyMMdd`, midnight).
    pub fn parse(s: &str) -> Option<Self> {
        let (date, time) = match s.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        let (year, month, day) = parse_compact_date(date)?;
        let (hour, minute, second) = match time {
            Some(t) => parse_compact_time(t)?,
            None => (0, 0, 0),
        };
        Some(CompactDateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Seconds since 1970-01-01T00:00:00, reading the wall-clock time as if it were UTC
    /// (what Arrow's `Timestamp(Second, None)` stores).
    pub fn unix_seconds(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        ) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// Day of the week, 0 = Monday ... 6 = Sunday.
    pub fn weekday_from_monday(&self) -> u8 {
        let days = days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        );
        // 1970-01-01 was a Thursday (3 days after Monday).
        (days + 3).rem_euclid(7) as u8
    }
}

impl fmt::Display for CompactDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Parses a boolean the way the formats write it (`True`/`False`, `true`/`false`), ignoring
/// ASCII case.
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Parses an integer written canonically: optional `-`, decimal digits, no leading zeros
/// (except `0` itself), no `+`, no spaces. Anything else is left for the caller to keep as
/// text, so that converting the number back gives the original text exactly.
pub fn parse_canonical_int(s: &str) -> Option<i64> {
    let digits_part = s.strip_prefix('-').unwrap_or(s);
    let canonical = match digits_part.as_bytes() {
        [] => false,
        [b'0'] => !s.starts_with('-'),
        [first, ..] => *first != b'0' && digits_part.bytes().all(|b| b.is_ascii_digit()),
    };
    if canonical { s.parse().ok() } else { None }
}

/// Parses a dotted (or comma-separated) numeric version such as `21.2.0` into its parts.
pub fn parse_version(s: &str) -> Option<Vec<u32>> {
    if s.is_empty() {
        return None;
    }
    s.split(['.', ','])
        .map(|p| {
            if p.is_empty() || p.len() > 9 {
                None
            } else {
                digits(p.as_bytes())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_datetime() {
        let t = CompactDateTime::parse("20240229T235959").unwrap();
        assert_eq!(t.to_string(), "20240229T235959");
        assert_eq!(t.unix_seconds(), 1_709_251_199);
        assert!(CompactDateTime::parse("20230229T000000").is_none());
        assert!(CompactDateTime::parse("20240101T240000").is_none());
        assert!(CompactDateTime::parse("2024-01-01").is_none());
        assert_eq!(CompactDateTime::parse("20240101").unwrap().hour, 0);
        // 2024-01-01 was a Monday.
        assert_eq!(
            CompactDateTime::parse("20240101")
                .unwrap()
                .weekday_from_monday(),
            0
        );
        assert_eq!(
            CompactDateTime::parse("20240107")
                .unwrap()
                .weekday_from_monday(),
            6
        );
    }

    #[test]
    fn canonical_integers_only() {
        assert_eq!(parse_canonical_int("0"), Some(0));
        assert_eq!(parse_canonical_int("558080"), Some(558_080));
        assert_eq!(parse_canonical_int("-12"), Some(-12));
        for bad in [
            "",
            "-",
            "-0",
            "007",
            "+5",
            " 5",
            "5 ",
            "1e3",
            "99999999999999999999",
        ] {
            assert_eq!(parse_canonical_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn booleans_and_versions() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_version("21.2.0"), Some(vec![21, 2, 0]));
        assert_eq!(parse_version("1,0,0,0"), Some(vec![1, 0, 0, 0]));
        assert_eq!(parse_version("1..2"), None);
        assert_eq!(parse_version("v1"), None);
    }
}
