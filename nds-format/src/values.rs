//! Typed values of schedule attributes. Parsers return `None` for text that does not parse;
//! the model keeps the text and `validate` reports it.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Parses a date `yyyyMMdd` (`DATESTART`, `DATEEND`), checking the calendar.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (y, m, d) = ndi_format::values::parse_compact_date(s)?;
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

/// Parses a time `HHmmss` (`TIMESTART`), hours 00–23.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let (h, m, sec) = ndi_format::values::parse_compact_time(s)?;
    NaiveTime::from_hms_opt(u32::from(h), u32::from(m), u32::from(sec))
}

/// Parses a UTC timestamp `yyyyMMddTHHmmssZ` (`TIMEDATESTAMP`); the `Z` is required.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let body = s.strip_suffix('Z')?;
    if body.len() != 15 || body.as_bytes().get(8) != Some(&b'T') {
        return None;
    }
    let date = parse_date(&body[..8])?;
    let time = parse_time(&body[9..])?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

/// Parses a duration in seconds: a non-negative decimal integer (digits only, at most 18).
pub fn parse_seconds(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an integer (optional sign, decimal digits).
pub fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `true`/`false` in any ASCII case.
pub fn parse_bool(s: &str) -> Option<bool> {
    ndi_format::values::parse_bool(s)
}

/// A trigger's `TYPE`. The first four are time-based; the last three fire on an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TriggerType {
    /// Every `TYPE_PARAM` days from `DATESTART`.
    Daily,
    /// On the weekdays of the `TYPE_PARAM` bit mask (Sunday = 1 ... Saturday = 64).
    Weekly,
    /// On day `TYPE_PARAM` of each month.
    Monthly,
    /// Once, on `DATESTART`.
    Once,
    /// When a user logs on.
    Logon,
    /// When the device connects to the network.
    OnConnect,
    /// When the schedule is installed.
    Now,
}

impl TriggerType {
    /// Every type, time-based first.
    pub const ALL: [TriggerType; 7] = [
        TriggerType::Daily,
        TriggerType::Weekly,
        TriggerType::Monthly,
        TriggerType::Once,
        TriggerType::Logon,
        TriggerType::OnConnect,
        TriggerType::Now,
    ];

    /// The type named `s` (ASCII case ignored), or `None` for an unknown type.
    pub fn parse(s: &str) -> Option<TriggerType> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The name as written in files (`Daily`, ..., `OnConnect`, `Now`).
    pub fn name(self) -> &'static str {
        match self {
            TriggerType::Daily => "Daily",
            TriggerType::Weekly => "Weekly",
            TriggerType::Monthly => "Monthly",
            TriggerType::Once => "Once",
            TriggerType::Logon => "Logon",
            TriggerType::OnConnect => "OnConnect",
            TriggerType::Now => "Now",
        }
    }

    /// Whether the trigger fires at computed times (`Daily`, `Weekly`, `Monthly`, `Once`).
    pub fn is_time_based(self) -> bool {
        matches!(
            self,
            TriggerType::Daily | TriggerType::Weekly | TriggerType::Monthly | TriggerType::Once
        )
    }

    /// How an event trigger is described to users: `on logon`, `on network connect`,
    /// `on install`; time-based types give their name in lower case.
    pub fn description(self) -> &'static str {
        match self {
            TriggerType::Daily => "daily",
            TriggerType::Weekly => "weekly",
            TriggerType::Monthly => "monthly",
            TriggerType::Once => "once",
            TriggerType::Logon => "on logon",
            TriggerType::OnConnect => "on network connect",
            TriggerType::Now => "on install",
        }
    }
}

impl fmt::Display for TriggerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An event's `CATCHUP`: what to do with runs missed while the device was off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CatchUpPolicy {
    /// Drop missed runs (also what a missing or unknown value means here).
    #[default]
    Never,
    /// Run the most recent missed occurrence once at start-up.
    Once,
    /// Run once per missed occurrence.
    Always,
    /// Ask the user; with no user to ask, behave as [`CatchUpPolicy::Once`].
    Query,
}

impl CatchUpPolicy {
    /// The policy named `s` (ASCII case ignored).
    pub fn parse(s: &str) -> Option<CatchUpPolicy> {
        [
            CatchUpPolicy::Never,
            CatchUpPolicy::Once,
            CatchUpPolicy::Always,
            CatchUpPolicy::Query,
        ]
        .into_iter()
        .find(|c| c.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            CatchUpPolicy::Never => "Never",
            CatchUpPolicy::Once => "Once",
            CatchUpPolicy::Always => "Always",
            CatchUpPolicy::Query => "Query",
        }
    }
}

impl fmt::Display for CatchUpPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers() {
        assert_eq!(parse_date("20240229"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_date("20230229"), None);
        assert_eq!(parse_time("000500"), NaiveTime::from_hms_opt(0, 5, 0));
        assert_eq!(parse_time("240000"), None);
        assert_eq!(parse_time("236000"), None);
        assert!(parse_timestamp("20240115T101500Z").is_some());
        assert!(parse_timestamp("20240115T101500").is_none());
        assert!(parse_timestamp("20240115T251500Z").is_none());
        assert_eq!(parse_seconds("3600"), Some(3600));
        assert_eq!(parse_seconds("-1"), None);
        assert_eq!(parse_seconds("1.5"), None);
        assert_eq!(parse_int("-3"), Some(-3));
        assert_eq!(TriggerType::parse("daily"), Some(TriggerType::Daily));
        assert_eq!(TriggerType::parse("Hourly"), None);
        assert_eq!(CatchUpPolicy::parse("Query"), Some(CatchUpPolicy::Query));
    }
}
