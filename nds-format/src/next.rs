//! The next-run calculator and catch-up decisions (FORMATS.md section 7).
//!
//! Decisions where the format leaves room (all documented on the public items):
//! - Occurrences are computed in local wall-clock time; `REPEAT` steps are wall-clock steps
//!   from each day's `TIMESTART` (so `000500` + `43200` is 00:05 and 12:05 local even on a
//!   DST day). A missing `DURATION` (or `REPEAT` of 0) means no repetition.
//! - `DATEEND` is inclusive: no occurrence falls on a later local date. Without `DATESTART`
//!   there is no lower bound and `Daily` intervals count from 1970-01-01; `Once` needs it.
//! - `Monthly` with a day some months lack (29–31) skips those months.
//! - A local time in a DST gap runs at the first valid instant after the gap; a local time in
//!   a DST overlap runs once, at the earlier instant.
//! - Triggers whose attributes do not parse are not computed (`validate` reports them).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta,
    TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::schedule::{Event, Schedule, Trigger};
use crate::values::{CatchUpPolicy, TriggerType};

/// The most occurrences one computation looks at, so that pathological schedules (a one-second
/// `REPEAT` over decades, overlapping repetitions) still return quickly.
pub const MAX_STEPS: usize = 1_000_000;

/// One computed run of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The event's `NAME` (empty when missing).
    pub event_name: String,
    /// The event's `ID` (empty when missing).
    pub event_id: String,
    /// Position of the event among the schedule's events, from 0.
    pub event_index: usize,
    /// Position of the trigger that produced the run among its event's triggers, from 0.
    pub trigger_index: usize,
    /// The trigger's type.
    pub trigger_type: TriggerType,
    /// The nominal occurrence in local wall-clock time (after moving out of a DST gap).
    pub nominal: NaiveDateTime,
    /// The start after the random delay, in local wall-clock time.
    pub start: NaiveDateTime,
    /// The nominal occurrence as an instant.
    pub nominal_utc: DateTime<Utc>,
    /// The start as an instant: `nominal_utc + delay_s`.
    pub start_utc: DateTime<Utc>,
    /// The random delay in seconds, in `[0, TIMEWINDOW)` (0 without a window).
    pub delay_s: u32,
}

/// An event trigger (`Logon`, `OnConnect`, `Now`): reported, not computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTrigger {
    /// The event's `NAME` (empty when missing).
    pub event_name: String,
    /// The event's `ID` (empty when missing).
    pub event_id: String,
    /// Position of the event, from 0.
    pub event_index: usize,
    /// Position of the trigger in its event, from 0.
    pub trigger_index: usize,
    /// The trigger's type.
    pub trigger_type: TriggerType,
    /// `on logon`, `on network connect` or `on install`.
    pub description: &'static str,
}

/// What to do at start-up for one event after the device was off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatchUp {
    /// The event's `NAME` (empty when missing).
    pub event_name: String,
    /// The event's `ID` (empty when missing).
    pub event_id: String,
    /// Position of the event, from 0.
    pub event_index: usize,
    /// The policy applied (`Never` when `CATCHUP` is missing or unknown).
    pub policy: CatchUpPolicy,
    /// Nominal occurrences strictly between the last run and the start-up (counted up to
    /// [`MAX_STEPS`]).
    pub missed: usize,
    /// Whether counting stopped at [`MAX_STEPS`].
    pub truncated: bool,
    /// The most recent missed occurrence (local wall-clock).
    pub most_recent_missed: Option<NaiveDateTime>,
    /// The missed occurrences to run at start-up: none (`Never`), the most recent one
    /// (`Once`, `Query`), or each one (`Always`, at most the caller's limit), oldest first.
    pub run_at_startup: Vec<NaiveDateTime>,
}

/// The recurrence of a time-based trigger, parsed.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Daily(u64),
    Weekly(u8),
    Monthly(u32),
    Once,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    kind: Kind,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    time: NaiveTime,
    window: u32,
    repeat: u64,
    duration: u64,
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

impl Rule {
    /// The rule of a time-based trigger whose attributes parse; `None` otherwise.
    fn of(t: &Trigger) -> Option<(TriggerType, Rule)> {
        let ty = t.trigger_type()?;
        let param = || t.type_param();
        let kind = match ty {
            TriggerType::Daily => Kind::Daily(u64::try_from(param().unwrap_or(1)).ok()?.max(1)),
            TriggerType::Weekly => Kind::Weekly(u8::try_from(param()?).ok()? & 0x7f),
            TriggerType::Monthly => Kind::Monthly(u32::try_from(param()?).ok()?),
            TriggerType::Once => Kind::Once,
            TriggerType::Logon | TriggerType::OnConnect | TriggerType::Now => return None,
        };
        let opt = |name: &str, v: Option<u64>| match t.attr(name) {
            None => Some(0),
            Some(_) => v,
        };
        let start = match t.attr("DATESTART") {
            None => None,
            Some(_) => Some(t.date_start()?),
        };
        let end = match t.attr("DATEEND") {
            None => None,
            Some(_) => Some(t.date_end()?),
        };
        let time = match t.attr("TIMESTART") {
            None => NaiveTime::MIN,
            Some(_) => t.time_start()?,
        };
        let window = u32::try_from(opt("TIMEWINDOW", t.window())?).ok()?;
        let repeat = opt("REPEAT", t.repeat())?;
        let duration = opt("DURATION", t.duration())?;
        Some((
            ty,
            Rule {
                kind,
                start,
                end,
                time,
                window,
                repeat,
                duration,
            },
        ))
    }

    /// The first base date on or after `d` (within `DATESTART`..=`DATEEND`).
    fn base_from(&self, d: NaiveDate) -> Option<NaiveDate> {
        let d = match self.start {
            Some(s) if s > d => s,
            _ => d,
        };
        let base = match self.kind {
            Kind::Daily(interval) => {
                let anchor = self.start.unwrap_or(EPOCH);
                let since = u64::try_from((d - anchor).num_days()).unwrap_or(0);
                let k = since.div_ceil(interval);
                anchor.checked_add_days(Days::new(k.checked_mul(interval)?))?
            }
            Kind::Weekly(mask) => {
                if mask == 0 {
                    return None;
                }
                (0..7u64).find_map(|i| {
                    let day = d.checked_add_days(Days::new(i))?;
                    let bit = 1u8 << day.weekday().num_days_from_sunday();
                    (mask & bit != 0).then_some(day)
                })?
            }
            Kind::Monthly(day) => {
                if !(1..=31).contains(&day) {
                    return None;
                }
                let (mut y, mut m) = (d.year(), d.month());
                let mut found = None;
                // A day of month exists at least once in any 12 consecutive months.
                for _ in 0..13 {
                    if let Some(c) = NaiveDate::from_ymd_opt(y, m, day)
                        && c >= d
                    {
                        found = Some(c);
                        break;
                    }
                    (y, m) = if m == 12 {
                        (y.checked_add(1)?, 1)
                    } else {
                        (y, m + 1)
                    };
                }
                found?
            }
            Kind::Once => self.start.filter(|s| *s >= d)?,
        };
        match self.end {
            Some(e) if base > e => None,
            _ => Some(base),
        }
    }

    /// Repetitions per base: `k` runs while `k * REPEAT < DURATION`.
    fn repeats(&self) -> u64 {
        if self.repeat == 0 || self.duration == 0 {
            1
        } else {
            self.duration.div_ceil(self.repeat)
        }
    }

    /// Occurrence `k` of base `b`, in local wall-clock time, if within `DATEEND`.
    fn at(&self, b: NaiveDate, k: u64) -> Option<NaiveDateTime> {
        let secs = i64::try_from(k.checked_mul(self.repeat)?).ok()?;
        let t = b
            .and_time(self.time)
            .checked_add_signed(TimeDelta::try_seconds(secs)?)?;
        match self.end {
            Some(e) if t.date() > e => None,
            _ => Some(t),
        }
    }
}

/// The next occurrence of one trigger rule: base date `base`, repetition `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct NextOccurrence {
    at: NaiveDateTime,
    rule: usize,
    base: NaiveDate,
    k: u64,
    first: bool,
}

/// Nominal occurrences of several rules, merged in local wall-clock order.
struct Occurrences<'r> {
    rules: &'r [Rule],
    heap: BinaryHeap<Reverse<NextOccurrence>>,
}

/// The most bases whose repetitions may overlap the start of a computation (bounds the set-up
/// of a trigger whose `DURATION` spans years).
const MAX_OVERLAPPING_BASES: usize = 10_000;

impl<'r> Occurrences<'r> {
    /// Occurrences at or after `lower` (local wall-clock).
    fn new(rules: &'r [Rule], lower: NaiveDateTime) -> Self {
        let mut occ = Occurrences {
            rules,
            heap: BinaryHeap::new(),
        };
        for (i, r) in rules.iter().enumerate() {
            // Repetitions of bases before `lower` may reach past it: schedule each such base
            // from its first repetition at or after `lower`, then the first base that starts
            // at or after `lower`, which brings in the following bases one at a time.
            let span_days = r.duration / 86_400 + 1;
            let from = lower
                .date()
                .checked_sub_days(Days::new(span_days))
                .unwrap_or(NaiveDate::MIN);
            let mut base = r.base_from(from);
            for _ in 0..MAX_OVERLAPPING_BASES {
                let Some(b) = base else { break };
                let first_at = b.and_time(r.time);
                if first_at >= lower {
                    if let Some(at) = r.at(b, 0) {
                        occ.heap.push(Reverse(NextOccurrence {
                            at,
                            rule: i,
                            base: b,
                            k: 0,
                            first: true,
                        }));
                    }
                    break;
                }
                if r.repeat > 0 {
                    let behind = u64::try_from((lower - first_at).num_seconds()).unwrap_or(0);
                    let k = behind.div_ceil(r.repeat);
                    if k < r.repeats()
                        && let Some(at) = r.at(b, k)
                    {
                        occ.heap.push(Reverse(NextOccurrence {
                            at,
                            rule: i,
                            base: b,
                            k,
                            first: false,
                        }));
                    }
                }
                base = b
                    .checked_add_days(Days::new(1))
                    .and_then(|d| r.base_from(d));
            }
        }
        occ
    }

    fn next(&mut self) -> Option<(usize, NaiveDateTime)> {
        let Reverse(c) = self.heap.pop()?;
        let r = &self.rules[c.rule];
        if c.first {
            // The next base starts later than this one on the same wall-clock time.
            let next = c
                .base
                .checked_add_days(Days::new(1))
                .and_then(|d| r.base_from(d));
            if let Some(at) = next.and_then(|b| r.at(b, 0)) {
                self.heap.push(Reverse(NextOccurrence {
                    at,
                    rule: c.rule,
                    base: next.unwrap_or(c.base),
                    k: 0,
                    first: true,
                }));
            }
        }
        let k = c.k + 1;
        if k < r.repeats()
            && let Some(at) = r.at(c.base, k)
        {
            self.heap.push(Reverse(NextOccurrence {
                at,
                rule: c.rule,
                base: c.base,
                k,
                first: false,
            }));
        }
        Some((c.rule, c.at))
    }
}

/// The instant of local wall-clock time `t` in `tz`: the earlier instant in an overlap, the
/// first valid instant after a gap.
pub fn resolve_local(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(x) => x.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => after_gap(tz, t),
    }
}

fn valid(tz: Tz, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(x) => Some(x.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The first valid instant after the gap containing `t`: scan forward in 15-minute steps
/// (gaps last at most a day), then bisect to the second.
fn after_gap(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    let step = TimeDelta::minutes(15);
    let mut lo = t;
    for _ in 0..(2 * 24 * 4) {
        let Some(hi) = lo.checked_add_signed(step) else {
            break;
        };
        if valid(tz, hi).is_some() {
            // `lo` is invalid, `hi` valid: bisect by seconds.
            let (mut a, mut b) = (lo, hi);
            while (b - a).num_seconds() > 1 {
                let mid = a + TimeDelta::seconds((b - a).num_seconds() / 2);
                if valid(tz, mid).is_some() {
                    b = mid;
                } else {
                    a = mid;
                }
            }
            return valid(tz, b).unwrap_or_else(|| b.and_utc());
        }
        lo = hi;
    }
    t.and_utc()
}

/// The random delay of one occurrence, in `[0, window)` seconds (0 when `window` is 0): a
/// hash of the caller's `seed` (e.g. derived from the device id), the event `ID` and the
/// nominal instant (Unix seconds), so the same inputs always give the same delay.
pub fn random_delay(seed: u64, event_id: &str, nominal_unix: i64, window: u32) -> u32 {
    if window == 0 {
        return 0;
    }
    // FNV-1a over the event id, then SplitMix64 finalisation of the combination.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in event_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut x = seed ^ splitmix(h) ^ splitmix(nominal_unix as u64 ^ 0x9e37_79b9_7f4a_7c15);
    x = splitmix(x);
    ((u128::from(x) * u128::from(window)) >> 64) as u32
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

struct Plan {
    /// (event index, trigger index, trigger type) per rule.
    owners: Vec<(usize, usize, TriggerType)>,
    rules: Vec<Rule>,
}

fn plan<'s>(events: impl Iterator<Item = (usize, &'s Event)>) -> Plan {
    let mut p = Plan {
        owners: Vec::new(),
        rules: Vec::new(),
    };
    for (ei, e) in events {
        for (ti, t) in e.triggers().enumerate() {
            if let Some((ty, rule)) = Rule::of(t) {
                p.owners.push((ei, ti, ty));
                p.rules.push(rule);
            }
        }
    }
    p
}

fn to_local(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

impl Schedule {
    /// The next `n` runs of the schedule's time-based triggers that start at or after `from`
    /// (device-local wall-clock time in `tz`), in order of start (ties by nominal time, then
    /// event and trigger order).
    ///
    /// Each occurrence's delay is [`random_delay`] of `seed`, the event `ID` and the nominal
    /// instant. An event with several triggers has one run per distinct nominal instant.
    /// A run whose nominal time lies before `from` but whose delayed start does not is
    /// included. Event triggers are not computed (see [`Schedule::event_triggers`]), nor are
    /// triggers whose attributes do not parse. At most [`MAX_STEPS`] occurrences are
    /// examined, so a pathological schedule may yield fewer than `n` runs.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use nds_format::Schedule;
    ///
    /// let nds = br#"<Schedule NAME="S"><Event NAME="Generate Inventory" ID="{A}" CATCHUP="Once">
    ///   <LogicalCommand COMPONENT="Tracker" ACTION="Generate"/>
    ///   <Trigger TIMESTART="000500" REPEAT="43200" DURATION="86400" TYPE="Daily"
    ///            TYPE_PARAM="1" TIMEWINDOW="3600" DATESTART="20240101"/>
    /// </Event></Schedule>"#;
    /// let schedule = Schedule::from_slice(nds)?;
    /// let from = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    /// let runs = schedule.next_runs(from, chrono_tz::Europe::Berlin, 3, 42);
    /// let nominal: Vec<String> = runs.iter().map(|r| r.nominal.to_string()).collect();
    /// assert_eq!(nominal, ["2024-06-01 00:05:00", "2024-06-01 12:05:00", "2024-06-02 00:05:00"]);
    /// assert!(runs.iter().all(|r| r.delay_s < 3600 && r.start_utc >= r.nominal_utc));
    /// # Ok::<(), ndi_format::Error>(())
    /// ```
    pub fn next_runs(&self, from: NaiveDateTime, tz: Tz, n: usize, seed: u64) -> Vec<Run> {
        if n == 0 {
            return Vec::new();
        }
        let events: Vec<&Event> = self.events().collect();
        let plan = plan(events.iter().copied().enumerate());
        let from_utc = resolve_local(tz, from);
        let max_window = plan.rules.iter().map(|r| r.window).max().unwrap_or(0);
        // A day of margin covers DST shifts between wall-clock and elapsed time.
        let lower = from
            .checked_sub_signed(TimeDelta::seconds(i64::from(max_window) + 86_400))
            .unwrap_or(from);
        let mut occ = Occurrences::new(&plan.rules, lower);
        let mut best: BinaryHeap<(DateTime<Utc>, DateTime<Utc>, usize, usize)> = BinaryHeap::new();
        let mut runs: HashMap<(usize, DateTime<Utc>), Run> = HashMap::new();
        let mut last: HashMap<usize, DateTime<Utc>> = HashMap::new();
        for _ in 0..MAX_STEPS {
            let Some((ri, at)) = occ.next() else { break };
            let nominal_utc = resolve_local(tz, at);
            if best.len() >= n && best.peek().is_some_and(|b| nominal_utc > b.0) {
                break;
            }
            let (ei, ti, ty) = plan.owners[ri];
            if last.get(&ei) == Some(&nominal_utc) {
                continue;
            }
            last.insert(ei, nominal_utc);
            let Some(event) = events.get(ei) else {
                continue;
            };
            let id = event.id().unwrap_or_default();
            let delay = random_delay(seed, id, nominal_utc.timestamp(), plan.rules[ri].window);
            let start_utc = nominal_utc + TimeDelta::seconds(i64::from(delay));
            if start_utc < from_utc {
                continue;
            }
            let key = (start_utc, nominal_utc, ei, ti);
            if best.len() >= n {
                match best.peek() {
                    Some(top) if key < *top => {
                        if let Some(out) = best.pop() {
                            runs.remove(&(out.2, out.1));
                        }
                    }
                    _ => continue,
                }
            }
            best.push(key);
            runs.insert(
                (ei, nominal_utc),
                Run {
                    event_name: event.name().unwrap_or_default().to_owned(),
                    event_id: id.to_owned(),
                    event_index: ei,
                    trigger_index: ti,
                    trigger_type: ty,
                    nominal: to_local(tz, nominal_utc),
                    start: to_local(tz, start_utc),
                    nominal_utc,
                    start_utc,
                    delay_s: delay,
                },
            );
        }
        let mut out: Vec<Run> = runs.into_values().collect();
        out.sort_by_key(|r| (r.start_utc, r.nominal_utc, r.event_index, r.trigger_index));
        out.truncate(n);
        out
    }

    /// The event triggers (`Logon`, `OnConnect`, `Now`), in document order: they fire on an
    /// event, so they are reported rather than computed.
    pub fn event_triggers(&self) -> Vec<EventTrigger> {
        let mut out = Vec::new();
        for (ei, e) in self.events().enumerate() {
            for (ti, t) in e.triggers().enumerate() {
                if let Some(ty) = t.trigger_type().filter(|t| !t.is_time_based()) {
                    out.push(EventTrigger {
                        event_name: e.name().unwrap_or_default().to_owned(),
                        event_id: e.id().unwrap_or_default().to_owned(),
                        event_index: ei,
                        trigger_index: ti,
                        trigger_type: ty,
                        description: ty.description(),
                    });
                }
            }
        }
        out
    }

    /// Catch-up decisions for every event after the device was off between `last_run` and
    /// `startup` (both device-local wall-clock times in `tz`): the nominal occurrences
    /// strictly between the two were missed, and each event's `CATCHUP` says which to run at
    /// start-up. `Never` (also for a missing or unknown value) runs none, `Once` the most
    /// recent, `Always` each one (at most `limit`, the most recent kept when there are more),
    /// `Query` behaves as `Once` (no user can be asked).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use nds_format::{CatchUpPolicy, Schedule};
    ///
    /// let nds = br#"<Schedule NAME="S"><Event NAME="Upload" ID="{U}" CATCHUP="Once">
    ///   <Trigger TIMESTART="120000" TYPE="Daily" TYPE_PARAM="1" DATESTART="20240101"/>
    /// </Event></Schedule>"#;
    /// let s = Schedule::from_slice(nds)?;
    /// let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap();
    /// let c = &s.catch_up(day(1).and_hms_opt(13, 0, 0).unwrap(),
    ///                     day(4).and_hms_opt(8, 0, 0).unwrap(), chrono_tz::UTC, 10)[0];
    /// assert_eq!((c.policy, c.missed), (CatchUpPolicy::Once, 2));
    /// assert_eq!(c.run_at_startup, [day(3).and_hms_opt(12, 0, 0).unwrap()]);
    /// # Ok::<(), ndi_format::Error>(())
    /// ```
    pub fn catch_up(
        &self,
        last_run: NaiveDateTime,
        startup: NaiveDateTime,
        tz: Tz,
        limit: usize,
    ) -> Vec<CatchUp> {
        self.events()
            .enumerate()
            .map(|(ei, e)| e.catch_up_at(ei, last_run, startup, tz, limit))
            .collect()
    }
}

impl Event {
    /// Catch-up decision for this event alone (see [`Schedule::catch_up`]).
    pub fn catch_up(
        &self,
        last_run: NaiveDateTime,
        startup: NaiveDateTime,
        tz: Tz,
        limit: usize,
    ) -> CatchUp {
        self.catch_up_at(0, last_run, startup, tz, limit)
    }

    fn catch_up_at(
        &self,
        index: usize,
        last_run: NaiveDateTime,
        startup: NaiveDateTime,
        tz: Tz,
        limit: usize,
    ) -> CatchUp {
        let policy = self.catchup().unwrap_or_default();
        let plan = plan(std::iter::once((index, self)));
        let (last_utc, startup_utc) = (resolve_local(tz, last_run), resolve_local(tz, startup));
        let mut missed = 0;
        let mut truncated = false;
        let mut kept: std::collections::VecDeque<NaiveDateTime> = Default::default();
        let mut most_recent_missed = None;
        let mut previous = None;
        let mut occ = Occurrences::new(&plan.rules, last_run);
        let mut steps = 0;
        while let Some((_, at)) = occ.next() {
            steps += 1;
            if steps > MAX_STEPS {
                truncated = true;
                break;
            }
            let t = resolve_local(tz, at);
            if t >= startup_utc {
                break;
            }
            if t <= last_utc || previous == Some(t) {
                continue;
            }
            previous = Some(t);
            missed += 1;
            most_recent_missed = Some(to_local(tz, t));
            kept.push_back(to_local(tz, t));
            let keep = match policy {
                CatchUpPolicy::Always => limit,
                _ => 1,
            };
            while kept.len() > keep {
                kept.pop_front();
            }
        }
        let run_at_startup = match policy {
            CatchUpPolicy::Never => Vec::new(),
            _ => kept.into_iter().collect(),
        };
        CatchUp {
            event_name: self.name().unwrap_or_default().to_owned(),
            event_id: self.id().unwrap_or_default().to_owned(),
            event_index: index,
            policy,
            missed,
            truncated,
            most_recent_missed,
            run_at_startup,
        }
    }
}
