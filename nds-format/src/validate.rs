//! Validation rules for schedules.

use std::collections::HashMap;

use ndi_format::{Finding, Severity};

use crate::schedule::{EventItem, Schedule, ScheduleItem, Trigger};
use crate::values::{
    CatchUpPolicy, TriggerType, parse_bool, parse_date, parse_int, parse_seconds, parse_time,
    parse_timestamp,
};
use ndi_format::tree::{Checked, FindingSink, ReadOnce, child_path, read_once};
use npl_format::is_braced_guid;

/// The schedule rules' shorthands for errors.
trait ScheduleFindings {
    fn error(&mut self, rule: &'static str, message: String, tag: u64, attr: &str, path: &str);
    fn missing(&mut self, element: &str, attr: &str, tag: u64, path: &str);
}

impl ScheduleFindings for FindingSink<'_> {
    fn error(&mut self, rule: &'static str, message: String, tag: u64, attr: &str, path: &str) {
        self.push(Severity::Error, rule, message, tag, Some(attr), path);
    }

    fn missing(&mut self, element: &str, attr: &str, tag: u64, path: &str) {
        self.push(
            Severity::Error,
            "nds-required",
            format!("{element} has no {attr} attribute"),
            tag,
            None,
            path,
        );
    }
}

/// Validates a schedule (`.nds`): readable XML with a `Schedule` root, then the rules
///
/// | rule | severity | what |
/// |---|---|---|
/// | `nds-required` | error | `Schedule` without `NAME`; `Event` without `NAME` or `ID`; `Trigger` without `TYPE`; a time-based trigger without `DATESTART` or `TIMESTART`; a `Weekly`/`Monthly` trigger without `TYPE_PARAM` |
/// | `nds-schedschema` | error | `SCHEDSCHEMA` not an integer |
/// | `nds-timedatestamp` | error | `TIMEDATESTAMP` not `yyyyMMddTHHmmssZ` |
/// | `nds-id` | error | an event `ID` that is not a braced GUID |
/// | `nds-id-duplicate` | error | the same event `ID` twice |
/// | `nds-boolean` | error | `NETWORK` not `true`/`false` |
/// | `nds-catchup` | error | `CATCHUP` not `Never`, `Once`, `Always` or `Query` |
/// | `nds-command` | error / warning | an event without `LogicalCommand` (error) or with several (warning) |
/// | `nds-trigger-missing` | warning | an event without triggers |
/// | `nds-trigger-type` | warning | an unknown trigger `TYPE` |
/// | `nds-type-param` | error | `TYPE_PARAM` not an integer, or out of range for the type (`Daily` ≥ 1, `Weekly` mask 1–127, `Monthly` day 1–31) |
/// | `nds-datestart`, `nds-dateend` | error | not a real `yyyyMMdd` date; `DATEEND` before `DATESTART` |
/// | `nds-timestart` | error | not `HHmmss` within 000000–235959 |
/// | `nds-duration` | error | `TIMEWINDOW`, `REPEAT`, `DURATION` or `IDLEDURATION` not a non-negative integer |
/// | `nds-repeat` | error | `REPEAT` larger than `DURATION` |
/// | `nds-timewindow` | error | `TIMEWINDOW` of a day (86400 s) or more |
pub fn validate_schedule(bytes: &[u8]) -> Vec<Finding> {
    check_schedule(read_once(bytes)).findings
}

/// The schedule of a document read once ([`read_once`]) and every finding of
/// [`validate_schedule`] about it: callers that need both read the file once.
pub fn check_schedule(read: ReadOnce<'_>) -> Checked<'_, Schedule> {
    read.check(Schedule::from_tree, |schedule, sink| {
        schedule_rules(sink, schedule)
    })
}

fn schedule_rules(sink: &mut FindingSink<'_>, s: &Schedule) {
    let root = sink.loc.root_offset("Schedule");
    let path = "/Schedule";
    if s.name().is_none() {
        sink.missing("Schedule", "NAME", root, path);
    }
    #[rustfmt::skip]
    let schedule_values: [ValueCheck; 2] = [
        ("SCHEDSCHEMA", "nds-schedschema", |v| parse_int(v).is_some(), "an integer"),
        ("TIMEDATESTAMP", "nds-timedatestamp", |v| parse_timestamp(v).is_some(), "a UTC time yyyyMMddTHHmmssZ"),
    ];
    check_values(sink, |name| s.attr(name), &schedule_values, root, path);
    #[rustfmt::skip]
    let event_values: [ValueCheck; 3] = [
        ("NETWORK", "nds-boolean", |v| parse_bool(v).is_some(), "true or false"),
        ("CATCHUP", "nds-catchup", |v| CatchUpPolicy::parse(v).is_some(), "Never, Once, Always or Query"),
        ("IDLEDURATION", "nds-duration", |v| parse_seconds(v).is_some(), "a non-negative integer"),
    ];
    let mut ids: HashMap<String, ()> = HashMap::new();
    for item in &s.items {
        let ScheduleItem::Event(e) = item else {
            continue;
        };
        let at = e.span.offset;
        let epath = child_path(path, "Event", e.span.index);
        if e.name().is_none() {
            sink.missing("Event", "NAME", at, &epath);
        }
        match e.id() {
            None => sink.missing("Event", "ID", at, &epath),
            Some(id) if !is_braced_guid(id) => sink.error(
                "nds-id",
                format!("ID {id:?} is not a braced GUID"),
                at,
                "ID",
                &epath,
            ),
            Some(id) => {
                if ids.insert(id.to_ascii_lowercase(), ()).is_some() {
                    sink.error(
                        "nds-id-duplicate",
                        format!("ID {id:?} is used by an earlier event (GUIDs compare case-insensitively)"),
                        at,
                        "ID",
                        &epath,
                    );
                }
            }
        }
        check_values(sink, |name| e.attr(name), &event_values, at, &epath);
        let commands = e
            .items
            .iter()
            .filter(|i| matches!(i, EventItem::LogicalCommand(_)))
            .count();
        if commands == 0 {
            sink.push(
                Severity::Error,
                "nds-command",
                "Event has no LogicalCommand".into(),
                at,
                None,
                &epath,
            );
        } else if commands > 1 {
            sink.push(
                Severity::Warning,
                "nds-command",
                format!("Event has {commands} LogicalCommand elements; the first is used"),
                at,
                None,
                &epath,
            );
        }
        if e.triggers().next().is_none() {
            sink.push(
                Severity::Warning,
                "nds-trigger-missing",
                "Event has no Trigger: it never runs".into(),
                at,
                None,
                &epath,
            );
        }
        for t in e.triggers() {
            let tpath = child_path(&epath, "Trigger", t.span.index);
            check_trigger(sink, t, &tpath);
        }
    }
}

/// A check of one attribute's value: the attribute, the rule reported when the value is
/// rejected, whether a value is accepted, and what the value should be (the finding reads
/// `ATTR "value" is not <what>`).
type ValueCheck = (&'static str, &'static str, fn(&str) -> bool, &'static str);

/// Runs `checks` on the attributes `attr` looks up; a missing attribute passes.
fn check_values<'a>(
    sink: &mut FindingSink<'_>,
    attr: impl Fn(&str) -> Option<&'a str>,
    checks: &[ValueCheck],
    tag: u64,
    path: &str,
) {
    for &(name, rule, valid, what) in checks {
        if let Some(v) = attr(name)
            && !valid(v)
        {
            sink.error(rule, format!("{name} {v:?} is not {what}"), tag, name, path);
        }
    }
}

fn check_trigger(sink: &mut FindingSink<'_>, t: &Trigger, path: &str) {
    let at = t.span.offset;
    let ty = match t.attr("TYPE") {
        None => {
            sink.missing("Trigger", "TYPE", at, path);
            None
        }
        Some(v) => {
            let ty = TriggerType::parse(v);
            if ty.is_none() {
                sink.push(
                    Severity::Warning,
                    "nds-trigger-type",
                    format!(
                        "TYPE {v:?} is not a known trigger type (Daily, Weekly, Monthly, Once, Logon, OnConnect, Now); it is not computed"
                    ),
                    at,
                    Some("TYPE"),
                    path,
                );
            }
            ty
        }
    };
    let time_based = ty.is_some_and(TriggerType::is_time_based);
    match t.attr("TYPE_PARAM") {
        None if matches!(ty, Some(TriggerType::Weekly | TriggerType::Monthly)) => {
            sink.missing("Trigger", "TYPE_PARAM", at, path);
        }
        None => {}
        Some(v) => {
            let n = parse_int(v);
            let (ok, what) = match (ty, n) {
                (_, None) => (false, "is not an integer"),
                (Some(TriggerType::Daily), Some(n)) => {
                    (n >= 1, "is not an interval of 1 day or more")
                }
                (Some(TriggerType::Weekly), Some(n)) => (
                    (1..=127).contains(&n),
                    "is not a weekday mask 1-127 (Sunday=1 ... Saturday=64)",
                ),
                (Some(TriggerType::Monthly), Some(n)) => {
                    ((1..=31).contains(&n), "is not a day of month 1-31")
                }
                _ => (true, ""),
            };
            if !ok {
                sink.error(
                    "nds-type-param",
                    format!("TYPE_PARAM {v:?} {what}"),
                    at,
                    "TYPE_PARAM",
                    path,
                );
            }
        }
    }
    let start = match t.attr("DATESTART") {
        None => {
            if time_based {
                sink.missing("Trigger", "DATESTART", at, path);
            }
            None
        }
        Some(v) => {
            let d = parse_date(v);
            if d.is_none() {
                sink.error(
                    "nds-datestart",
                    format!("DATESTART {v:?} is not a real date yyyyMMdd"),
                    at,
                    "DATESTART",
                    path,
                );
            }
            d
        }
    };
    if let Some(v) = t.attr("DATEEND") {
        match parse_date(v) {
            None => sink.error(
                "nds-dateend",
                format!("DATEEND {v:?} is not a real date yyyyMMdd"),
                at,
                "DATEEND",
                path,
            ),
            Some(end) if start.is_some_and(|s| end < s) => sink.error(
                "nds-dateend",
                format!("DATEEND {v:?} is before DATESTART"),
                at,
                "DATEEND",
                path,
            ),
            Some(_) => {}
        }
    }
    match t.attr("TIMESTART") {
        None if time_based => sink.missing("Trigger", "TIMESTART", at, path),
        Some(v) if parse_time(v).is_none() => sink.error(
            "nds-timestart",
            format!("TIMESTART {v:?} is not a time HHmmss within 000000-235959"),
            at,
            "TIMESTART",
            path,
        ),
        _ => {}
    }
    let mut seconds = |name: &str| -> Option<u64> {
        let v = t.attr(name)?;
        let n = parse_seconds(v);
        if n.is_none() {
            sink.error(
                "nds-duration",
                format!("{name} {v:?} is not a non-negative integer number of seconds"),
                at,
                name,
                path,
            );
        }
        n
    };
    let window = seconds("TIMEWINDOW");
    let repeat = seconds("REPEAT");
    let duration = seconds("DURATION");
    if let (Some(r), Some(d)) = (repeat, duration)
        && r > d
    {
        sink.error(
            "nds-repeat",
            format!("REPEAT \"{r}\" is larger than DURATION \"{d}\""),
            at,
            "REPEAT",
            path,
        );
    }
    if let Some(w) = window
        && w >= 86_400
    {
        sink.error(
            "nds-timewindow",
            format!("TIMEWINDOW \"{w}\" is a day or more (must be under 86400 seconds)"),
            at,
            "TIMEWINDOW",
            path,
        );
    }
}

/// Validates a schedule, policy or catalog, chosen by the root element (`Schedule`, `Policy`,
/// `SOFTPKG`; the last two through [`npl_format::validate`]), so that one call serves
/// `ndi-tool validate`. Any other root is an `unexpected-root` error finding.
pub fn validate(bytes: &[u8]) -> Vec<Finding> {
    validate_read(read_once(bytes))
}

/// [`validate`] for a document already read ([`read_once`]).
pub fn validate_read(read: ReadOnce<'_>) -> Vec<Finding> {
    match read.root.as_deref() {
        // The reader stopped before the root: its error.
        None => read.reader.findings(),
        Some("Schedule") => check_schedule(read).findings,
        Some("Policy" | "SOFTPKG") => npl_format::validate_read(read),
        Some(other) => vec![read.unexpected_root(other, "Schedule, Policy or SOFTPKG")],
    }
}
