//! The next-run calculator: hand-computed cases (including DST transitions in real zones),
//! catch-up decisions, bounded work, and properties over random triggers.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use nds_format::{
    CatchUpPolicy, Event, LogicalCommand, Run, Schedule, Trigger, TriggerType, resolve_local,
};
use proptest::prelude::*;

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap()
}

fn schedule(triggers: &[&[(&str, &str)]]) -> Schedule {
    let mut s = Schedule::new("Test", at(2024, 1, 1, 0, 0).and_utc());
    let mut e = Event::new(
        "Generate Inventory",
        "{6D3F8A52-1E11-4C3B-9A57-0D6A2C5F1B01}",
        CatchUpPolicy::Once,
        LogicalCommand::new("-t Machine", "Tracker", "Generate"),
    );
    for t in triggers {
        e.push_trigger(Trigger::new(t.iter().copied()));
    }
    s.items.push(nds_format::ScheduleItem::Event(e));
    s
}

fn utc(runs: &[Run]) -> Vec<String> {
    runs.iter()
        .map(|r| r.nominal_utc.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .collect()
}

fn local(runs: &[Run]) -> Vec<String> {
    runs.iter().map(|r| r.nominal.to_string()).collect()
}

#[test]
fn daily_with_repeat_matches_the_spec_example() {
    let s = schedule(&[&[
        ("TIMESTART", "000500"),
        ("REPEAT", "43200"),
        ("DURATION", "86400"),
        ("TYPE", "Daily"),
        ("TYPE_PARAM", "1"),
        ("TIMEWINDOW", "3600"),
        ("DATESTART", "20240101"),
    ]]);
    let runs = s.next_runs(at(2024, 6, 1, 0, 0), chrono_tz::UTC, 4, 1);
    assert_eq!(
        local(&runs),
        [
            "2024-06-01 00:05:00",
            "2024-06-01 12:05:00",
            "2024-06-02 00:05:00",
            "2024-06-02 12:05:00"
        ]
    );
    assert!(runs.iter().all(|r| r.delay_s < 3600));
}

/// Daily at 02:30 (inside the Berlin DST changes) from 2024-01-01, without a random delay.
fn daily_at_half_past_two() -> Schedule {
    schedule(&[&[
        ("TIMESTART", "023000"),
        ("TYPE", "Daily"),
        ("TYPE_PARAM", "1"),
        ("TIMEWINDOW", "0"),
        ("DATESTART", "20240101"),
    ]])
}

#[test]
fn berlin_spring_forward_runs_at_the_end_of_the_gap() {
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    let s = daily_at_half_past_two();
    let runs = s.next_runs(at(2024, 3, 30, 12, 0), chrono_tz::Europe::Berlin, 3, 0);
    assert_eq!(
        local(&runs),
        [
            "2024-03-31 03:00:00",
            "2024-04-01 02:30:00",
            "2024-04-02 02:30:00"
        ]
    );
    assert_eq!(
        utc(&runs),
        [
            "2024-03-31T01:00:00Z",
            "2024-04-01T00:30:00Z",
            "2024-04-02T00:30:00Z"
        ]
    );
}

#[test]
fn berlin_fall_back_runs_once_at_the_earlier_instant() {
    // 2024-10-27: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    let s = daily_at_half_past_two();
    let runs = s.next_runs(at(2024, 10, 26, 12, 0), chrono_tz::Europe::Berlin, 3, 0);
    assert_eq!(
        utc(&runs),
        [
            "2024-10-27T00:30:00Z",
            "2024-10-28T01:30:00Z",
            "2024-10-29T01:30:00Z"
        ]
    );
}

#[test]
fn new_york_transitions_with_repeats() {
    let s = schedule(&[&[
        ("TIMESTART", "003000"),
        ("REPEAT", "1800"),
        ("DURATION", "7200"),
        ("TYPE", "Daily"),
        ("TYPE_PARAM", "1"),
        ("TIMEWINDOW", "0"),
        ("DATESTART", "20240101"),
    ]]);
    let ny = chrono_tz::America::New_York;
    // Spring forward 2024-03-10 02:00 EST -> 03:00 EDT: 02:00 moves to 03:00.
    let runs = s.next_runs(at(2024, 3, 10, 0, 0), ny, 4, 0);
    assert_eq!(
        utc(&runs),
        [
            "2024-03-10T05:30:00Z",
            "2024-03-10T06:00:00Z",
            "2024-03-10T06:30:00Z",
            "2024-03-10T07:00:00Z"
        ]
    );
    assert_eq!(runs[3].nominal.to_string(), "2024-03-10 03:00:00");
    // Fall back 2024-11-03 02:00 EDT -> 01:00 EST: 01:00 and 01:30 run once each, in EDT.
    let runs = s.next_runs(at(2024, 11, 3, 0, 0), ny, 4, 0);
    assert_eq!(
        utc(&runs),
        [
            "2024-11-03T04:30:00Z",
            "2024-11-03T05:00:00Z",
            "2024-11-03T05:30:00Z",
            "2024-11-03T07:00:00Z"
        ]
    );
}

#[test]
fn delays_cross_a_fall_back_in_elapsed_time() {
    let s = schedule(&[&[
        ("TIMESTART", "023000"),
        ("TYPE", "Once"),
        ("TIMEWINDOW", "3600"),
        ("DATESTART", "20241027"),
    ]]);
    for seed in 0..50 {
        let runs = s.next_runs(at(2024, 10, 27, 0, 0), chrono_tz::Europe::Berlin, 5, seed);
        assert_eq!(runs.len(), 1);
        let r = &runs[0];
        assert_eq!(r.nominal_utc.to_string(), "2024-10-27 00:30:00 UTC");
        assert_eq!(
            (r.start_utc - r.nominal_utc).num_seconds(),
            i64::from(r.delay_s)
        );
    }
}

#[test]
fn weekly_monthly_and_once() {
    let s = schedule(&[
        // Monday (2) and Friday (32).
        &[
            ("TIMESTART", "080000"),
            ("TYPE", "Weekly"),
            ("TYPE_PARAM", "34"),
            ("DATESTART", "20240101"),
        ],
        // Day 31: April, June, ... are skipped.
        &[
            ("TIMESTART", "120000"),
            ("TYPE", "Monthly"),
            ("TYPE_PARAM", "31"),
            ("DATESTART", "20240101"),
        ],
        &[
            ("TIMESTART", "090000"),
            ("TYPE", "Once"),
            ("DATESTART", "20240403"),
        ],
    ]);
    let runs = s.next_runs(at(2024, 3, 28, 0, 0), chrono_tz::UTC, 9, 0);
    assert_eq!(
        local(&runs),
        [
            "2024-03-29 08:00:00",
            "2024-03-31 12:00:00",
            "2024-04-01 08:00:00",
            "2024-04-03 09:00:00",
            "2024-04-05 08:00:00",
            "2024-04-08 08:00:00",
            "2024-04-12 08:00:00",
            "2024-04-15 08:00:00",
            "2024-04-19 08:00:00",
        ]
    );
    let monthly: Vec<_> = s
        .next_runs(at(2024, 4, 1, 0, 0), chrono_tz::UTC, 60, 0)
        .into_iter()
        .filter(|r| r.trigger_index == 1)
        .map(|r| r.nominal.date().to_string())
        .collect();
    assert_eq!(monthly[..3], ["2024-05-31", "2024-07-31", "2024-08-31"]);
}

#[test]
fn daily_interval_counts_from_datestart_and_dateend_is_inclusive() {
    let s = schedule(&[&[
        ("TIMESTART", "060000"),
        ("TYPE", "Daily"),
        ("TYPE_PARAM", "10"),
        ("DATESTART", "20240105"),
        ("DATEEND", "20240204"),
    ]]);
    let runs = s.next_runs(at(2024, 1, 1, 0, 0), chrono_tz::UTC, 10, 0);
    assert_eq!(
        local(&runs),
        [
            "2024-01-05 06:00:00",
            "2024-01-15 06:00:00",
            "2024-01-25 06:00:00",
            "2024-02-04 06:00:00"
        ]
    );
}

#[test]
fn several_triggers_are_ored_and_event_triggers_are_reported() {
    let s = schedule(&[
        &[
            ("TIMESTART", "060000"),
            ("TYPE", "Daily"),
            ("DATESTART", "20240101"),
        ],
        &[
            ("TIMESTART", "060000"),
            ("TYPE", "Weekly"),
            ("TYPE_PARAM", "127"),
            ("DATESTART", "20240101"),
        ],
        &[
            ("TIMESTART", "180000"),
            ("TYPE", "Once"),
            ("DATESTART", "20240301"),
        ],
        &[("TYPE", "Logon")],
        &[("TYPE", "OnConnect")],
        &[("TYPE", "Now")],
    ]);
    let runs = s.next_runs(at(2024, 3, 1, 0, 0), chrono_tz::UTC, 3, 0);
    assert_eq!(
        local(&runs),
        [
            "2024-03-01 06:00:00",
            "2024-03-01 18:00:00",
            "2024-03-02 06:00:00"
        ]
    );
    let ev: Vec<_> = s.event_triggers().iter().map(|e| e.description).collect();
    assert_eq!(ev, ["on logon", "on network connect", "on install"]);
    assert!(runs.iter().all(|r| r.trigger_type.is_time_based()));
}

#[test]
fn runs_pending_in_their_window_are_included() {
    let s = schedule(&[&[
        ("TIMESTART", "235000"),
        ("TYPE", "Daily"),
        ("TIMEWINDOW", "3600"),
        ("DATESTART", "20240101"),
    ]]);
    let from = at(2024, 3, 2, 0, 0);
    // Find a seed whose delay on 2024-03-01 23:50 pushes the start past midnight.
    let seed = (0..1000)
        .find(|&seed| {
            let r = &s.next_runs(at(2024, 3, 1, 23, 0), chrono_tz::UTC, 1, seed)[0];
            r.delay_s > 600
        })
        .unwrap();
    let runs = s.next_runs(from, chrono_tz::UTC, 1, seed);
    assert_eq!(runs[0].nominal.to_string(), "2024-03-01 23:50:00");
    assert!(runs[0].start >= from);
}

#[test]
fn catch_up_policies() {
    let mut s = schedule(&[&[
        ("TIMESTART", "120000"),
        ("TYPE", "Daily"),
        ("DATESTART", "20240101"),
    ]]);
    let (last, up) = (at(2024, 3, 1, 13, 0), at(2024, 3, 6, 8, 0));
    let tz = chrono_tz::UTC;
    let expect = |s: &Schedule, policy: &str| {
        let mut s = s.clone();
        s.events_mut().next().unwrap().set_attr("CATCHUP", policy);
        s.catch_up(last, up, tz, 3).remove(0)
    };
    let never = expect(&s, "Never");
    assert_eq!((never.policy, never.missed), (CatchUpPolicy::Never, 4));
    assert!(never.run_at_startup.is_empty());
    let once = expect(&s, "Once");
    assert_eq!(once.run_at_startup, [at(2024, 3, 5, 12, 0)]);
    let query = expect(&s, "Query");
    assert_eq!(query.run_at_startup, once.run_at_startup);
    let always = expect(&s, "Always");
    // Four missed, the limit keeps the three most recent.
    assert_eq!(
        always.run_at_startup,
        [
            at(2024, 3, 3, 12, 0),
            at(2024, 3, 4, 12, 0),
            at(2024, 3, 5, 12, 0)
        ]
    );
    assert_eq!(always.most_recent_missed, Some(at(2024, 3, 5, 12, 0)));
    // Unknown value: Never.
    s.events_mut().next().unwrap().set_attr("CATCHUP", "Bogus");
    assert_eq!(s.catch_up(last, up, tz, 3)[0].policy, CatchUpPolicy::Never);
}

#[test]
fn work_is_bounded() {
    let tz = chrono_tz::Europe::Berlin;
    let cases: Vec<Schedule> = vec![
        // No future occurrence.
        schedule(&[&[
            ("TIMESTART", "010000"),
            ("TYPE", "Daily"),
            ("DATESTART", "20000101"),
            ("DATEEND", "20000105"),
        ]]),
        // Huge interval.
        schedule(&[&[
            ("TIMESTART", "010000"),
            ("TYPE", "Daily"),
            ("TYPE_PARAM", "999999999999"),
            ("DATESTART", "20000101"),
        ]]),
        // Empty weekday mask, impossible day of month, Once in the past.
        schedule(&[
            &[
                ("TIMESTART", "010000"),
                ("TYPE", "Weekly"),
                ("TYPE_PARAM", "0"),
                ("DATESTART", "20000101"),
            ],
            &[
                ("TIMESTART", "010000"),
                ("TYPE", "Monthly"),
                ("TYPE_PARAM", "32"),
                ("DATESTART", "20000101"),
            ],
            &[
                ("TIMESTART", "010000"),
                ("TYPE", "Once"),
                ("DATESTART", "20000101"),
            ],
        ]),
        // One-second repeats all day.
        schedule(&[&[
            ("TIMESTART", "000000"),
            ("REPEAT", "1"),
            ("DURATION", "86400"),
            ("TYPE", "Daily"),
            ("DATESTART", "19700101"),
        ]]),
        // One-second repeats over decades, overlapping every day: bounded, possibly partial.
        schedule(&[&[
            ("TIMESTART", "000000"),
            ("REPEAT", "1"),
            ("DURATION", "999999999"),
            ("TYPE", "Daily"),
            ("DATESTART", "19700101"),
        ]]),
    ];
    for s in &cases {
        let t = Instant::now();
        let runs = s.next_runs(at(2024, 6, 1, 0, 0), tz, 10, 0);
        let _ = s.catch_up(at(2000, 1, 1, 0, 0), at(2024, 6, 1, 0, 0), tz, 10);
        assert!(t.elapsed() < Duration::from_secs(20), "too slow: {s:?}");
        assert!(runs.len() <= 10);
    }
    assert!(
        cases[0]
            .next_runs(at(2024, 6, 1, 0, 0), tz, 10, 0)
            .is_empty()
    );
    assert!(
        cases[2]
            .next_runs(at(2024, 6, 1, 0, 0), tz, 10, 0)
            .is_empty()
    );
    assert_eq!(
        local(&cases[3].next_runs(at(2024, 6, 1, 0, 0), tz, 3, 0)),
        [
            "2024-06-01 00:00:00",
            "2024-06-01 00:00:01",
            "2024-06-01 00:00:02"
        ]
    );
}

const ZONES: [Tz; 5] = [
    chrono_tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Apia,
];

fn arb_trigger() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        0usize..4,
        1i64..40,
        0u32..86400,
        0u32..86400,
        prop::option::of((1u32..50_000, 0u32..200_000)),
        0i64..400,
        prop::option::of(0i64..200),
    )
        .prop_map(|(kind, param, time, window, repeat, start, len)| {
            let ty = ["Daily", "Weekly", "Monthly", "Once"][kind];
            let param = match kind {
                1 => param % 127 + 1,
                2 => param % 31 + 1,
                _ => param % 9 + 1,
            };
            let start =
                NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(start as u64);
            let mut t = vec![
                (
                    "TIMESTART".into(),
                    format!("{:02}{:02}{:02}", time / 3600, time / 60 % 60, time % 60),
                ),
                ("TYPE".into(), ty.into()),
                ("TYPE_PARAM".into(), param.to_string()),
                ("TIMEWINDOW".into(), window.to_string()),
                ("DATESTART".into(), start.format("%Y%m%d").to_string()),
            ];
            if let Some((r, d)) = repeat {
                t.push(("REPEAT".into(), r.to_string()));
                t.push(("DURATION".into(), d.to_string()));
            }
            if let Some(len) = len {
                let end = start + chrono::Days::new(len as u64);
                t.push(("DATEEND".into(), end.format("%Y%m%d").to_string()));
            }
            t
        })
}

fn arb_schedule() -> impl Strategy<Value = Schedule> {
    prop::collection::vec(prop::collection::vec(arb_trigger(), 1..3), 1..4).prop_map(|events| {
        let mut s = Schedule::new("P", at(2024, 1, 1, 0, 0).and_utc());
        for (i, triggers) in events.into_iter().enumerate() {
            let mut e = Event::new(
                &format!("E{i}"),
                &format!("{{00000000-0000-4000-8000-00000000000{i}}}"),
                CatchUpPolicy::Always,
                LogicalCommand::new("", "Tracker", "Generate"),
            );
            for t in triggers {
                e.push_trigger(Trigger::new(t));
            }
            s.items.push(nds_format::ScheduleItem::Event(e));
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn runs_are_in_their_windows_ordered_and_reproducible(
        s in arb_schedule(),
        zone in 0usize..ZONES.len(),
        from_days in 0u64..500,
        from_secs in 0u32..86400,
        n in 1usize..40,
        seed in any::<u64>(),
    ) {
        let tz = ZONES[zone];
        let from = (NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(from_days))
            .and_hms_opt(from_secs / 3600, from_secs / 60 % 60, from_secs % 60).unwrap();
        let runs = s.next_runs(from, tz, n, seed);
        prop_assert!(runs.len() <= n);
        let from_utc = resolve_local(tz, from);
        let windows: Vec<Vec<u64>> = s.events().map(|e| e.triggers().map(|t| t.window().unwrap()).collect()).collect();
        for r in &runs {
            let window = windows[r.event_index][r.trigger_index];
            let delay = (r.start_utc - r.nominal_utc).num_seconds();
            prop_assert_eq!(delay, i64::from(r.delay_s));
            prop_assert!(delay >= 0 && (delay as u64) < window.max(1));
            prop_assert!(r.start_utc >= from_utc);
            prop_assert_eq!(r.nominal, r.nominal_utc.with_timezone(&tz).naive_local());
            prop_assert_eq!(r.start, r.start_utc.with_timezone(&tz).naive_local());
            prop_assert!(matches!(r.trigger_type, TriggerType::Daily | TriggerType::Weekly | TriggerType::Monthly | TriggerType::Once));
        }
        for w in runs.windows(2) {
            prop_assert!(
                (w[0].start_utc, w[0].nominal_utc, w[0].event_index) < (w[1].start_utc, w[1].nominal_utc, w[1].event_index),
                "not strictly increasing: {:?} then {:?}", w[0], w[1]
            );
        }
        // Per event, nominal times are strictly increasing (one run per occurrence).
        for ei in 0..windows.len() {
            let mut nominal: Vec<_> = runs.iter().filter(|r| r.event_index == ei).map(|r| r.nominal_utc).collect();
            let len = nominal.len();
            nominal.sort();
            nominal.dedup();
            prop_assert_eq!(nominal.len(), len);
        }
        prop_assert_eq!(&s.next_runs(from, tz, n, seed), &runs);
        // A prefix of a longer answer: asking for fewer runs gives the first ones.
        let more = s.next_runs(from, tz, n + 5, seed);
        prop_assert_eq!(&more[..runs.len()], &runs[..]);
    }
}
