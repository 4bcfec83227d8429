//! Reader, writer, validation and next-run calculator for the schedule (`.nds`) files that
//! FlexNet-style inventory beacons hand to their agents.
//!
//! # The format
//!
//! A schedule is XML 1.0 with upper-case attribute names. Each `Event` is one task the agent's
//! scheduler runs: a `LogicalCommand` (which component, which action, which arguments) and
//! one or more `Trigger`s, OR-ed:
//!
//! ```text
//! <?xml version="1.0" encoding="utf-8"?>
//! <!DOCTYPE Schedule PUBLIC "ManageSoft Schedule" "http://www.managesoft.com/schedule.dtd">
//! <Schedule SCHEDSCHEMA="60" NAME="Default Machine Schedule" TIMEDATESTAMP="20240115T101500Z">
//!   <Event NETWORK="false" NAME="Generate Inventory" ID="{guid}" CATCHUP="Once" IDLEDURATION="60">
//!     <LogicalCommand PARAM="-t Machine -o ..." COMPONENT="Tracker" ACTION="Generate"/>
//!     <Trigger TIMESTART="000500" REPEAT="43200" DURATION="86400" TYPE="Daily"
//!              TYPE_PARAM="1" TIMEWINDOW="3600" DATESTART="20240101"/>
//!   </Event>
//! </Schedule>
//! ```
//!
//! `TIMEDATESTAMP` is UTC (`yyyyMMddTHHmmssZ`); `DATESTART`/`DATEEND` (`yyyyMMdd`) and
//! `TIMESTART` (`HHmmss`) are device-local wall-clock time; all durations are seconds.
//! Trigger `TYPE` is `Daily` (`TYPE_PARAM` = interval in days from `DATESTART`), `Weekly`
//! (`TYPE_PARAM` = weekday bit mask, Sunday = 1 ... Saturday = 64), `Monthly` (`TYPE_PARAM` =
//! day of month), `Once`, or one of the event triggers `Logon`, `OnConnect`, `Now` (on
//! install). From each start the event repeats every `REPEAT` seconds while less than
//! `DURATION` has elapsed, and each run starts at a random offset in `[start, start +
//! TIMEWINDOW)`. The example above runs every day at 00:05 and 12:05, each delayed by up to
//! an hour. `CATCHUP` says what happens to runs missed while the device was off.
//!
//! # Reading and writing
//!
//! [`Schedule::from_slice`] reads a document (plain or gzipped, any supported encoding, with
//! the limits and entity refusal of [`ndi_format::Reader`]) into an owned model whose
//! attributes stay in document order; unknown elements are kept as [`Element`]s. Writing what
//! was read ([`Schedule::to_bytes`]) keeps every element, attribute and value in order.
//!
//! # Checking and computing
//!
//! [`validate_schedule`] reports [`ndi_format::Finding`]s naming the attribute, the value and
//! the position; [`validate`] also accepts policies and catalogs. [`Schedule::next_runs`]
//! computes the next runs in an IANA time zone (DST gaps and overlaps handled), with
//! reproducible random delays; [`Schedule::catch_up`] decides what runs at start-up after
//! downtime; [`Schedule::triggers`] lists the triggers as table rows.
//!
//! ```
//! use chrono::NaiveDate;
//! use nds_format::{Schedule, TriggerType, validate};
//!
//! let nds = br#"<?xml version="1.0" encoding="utf-8"?>
//! <Schedule SCHEDSCHEMA="60" NAME="Default Machine Schedule" TIMEDATESTAMP="20240115T101500Z">
//!   <Event NETWORK="true" NAME="Update Machine Policy" ID="{2B1C3D4E-5F60-4718-8A9B-0C1D2E3F4A5B}" CATCHUP="Once">
//!     <LogicalCommand PARAM="-t Machine" COMPONENT="PolicyClient" ACTION="Apply"/>
//!     <Trigger TIMESTART="020000" TYPE="Weekly" TYPE_PARAM="65" TIMEWINDOW="0" DATESTART="20240101"/>
//!     <Trigger TYPE="Logon"/>
//!   </Event>
//! </Schedule>"#;
//! assert!(validate(nds).is_empty());
//! let schedule = Schedule::from_slice(nds)?;
//!
//! // Saturday and Sunday (64 + 1) at 02:00 Berlin time; 2024-03-31 02:00 does not exist
//! // (clocks go from 02:00 to 03:00), so that run moves to 03:00.
//! let from = NaiveDate::from_ymd_opt(2024, 3, 29).unwrap().and_hms_opt(12, 0, 0).unwrap();
//! let runs = schedule.next_runs(from, chrono_tz::Europe::Berlin, 3, 7);
//! let starts: Vec<String> = runs.iter().map(|r| r.start.to_string()).collect();
//! assert_eq!(starts, ["2024-03-30 02:00:00", "2024-03-31 03:00:00", "2024-04-06 02:00:00"]);
//!
//! let on_event = schedule.event_triggers();
//! assert_eq!(on_event[0].trigger_type, TriggerType::Logon);
//! assert_eq!(on_event[0].description, "on logon");
//! # Ok::<(), ndi_format::Error>(())
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod next;
mod schedule;
use ndi_format::tree;
mod validate;
pub mod values;

pub use next::{CatchUp, EventTrigger, MAX_STEPS, Run, random_delay, resolve_local};
pub use npl_format::is_braced_guid;
pub use schedule::{Event, EventItem, LogicalCommand, Schedule, ScheduleItem, Trigger, TriggerRow};
pub use tree::{Element, Node, Span};
pub use validate::{check_schedule, validate, validate_read, validate_schedule};
pub use values::{CatchUpPolicy, TriggerType};
