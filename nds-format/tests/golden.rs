//! Golden corpora: `corpora/nds/valid/*.nds` beside `<name>.expected` dumps (elements,
//! trigger rows, the next runs from a fixed time in Europe/Berlin with a fixed seed, event
//! triggers, catch-up decisions, findings) and `corpora/nds/invalid/*.nds` beside
//! `<name>.expected` holding the one finding. Set `UPDATE_GOLDEN=1` to rewrite them.

use std::fmt::Write as _;

use chrono::NaiveDate;
use nds_format::{Schedule, validate};

#[path = "../../ndi-format/tests/common/golden.rs"]
mod golden;

use golden::{
    check_invalid_files, check_valid_files, corpus, element_dump, finding_lines, model_round_trip,
    write_findings,
};

fn findings_of(bytes: &[u8]) -> Vec<String> {
    finding_lines(&validate(bytes))
}

fn dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    element_dump(bytes, &mut out);
    let s = Schedule::from_slice(bytes).unwrap();
    writeln!(out, "-- triggers").unwrap();
    for r in s.triggers() {
        writeln!(
            out,
            "event={} {:?} component={:?} action={:?} catchup={:?} type={:?} param={:?} start={:?} end={:?} time={:?} window={:?} repeat={:?} duration={:?}",
            r.event_index,
            r.event_name.as_deref().unwrap_or("-"),
            r.component,
            r.action,
            r.catchup,
            r.trigger_type(),
            r.type_param(),
            r.date_start(),
            r.date_end(),
            r.time_start(),
            r.time_window_s(),
            r.repeat_s(),
            r.duration_s(),
        )
        .unwrap();
    }
    let from = NaiveDate::from_ymd_opt(2024, 3, 29)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    writeln!(out, "-- next 12 runs from {from} Europe/Berlin, seed 42").unwrap();
    for r in s.next_runs(from, chrono_tz::Europe::Berlin, 12, 42) {
        writeln!(
            out,
            "{} nominal={} start={} delay={}s utc={} event={:?} trigger={}#{}",
            r.start,
            r.nominal,
            r.start,
            r.delay_s,
            r.start_utc.format("%Y-%m-%dT%H:%M:%SZ"),
            r.event_name,
            r.trigger_type,
            r.trigger_index
        )
        .unwrap();
    }
    writeln!(out, "-- event triggers").unwrap();
    for e in s.event_triggers() {
        writeln!(
            out,
            "{:?} {} ({})",
            e.event_name, e.trigger_type, e.description
        )
        .unwrap();
    }
    let last = NaiveDate::from_ymd_opt(2024, 3, 28)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let up = NaiveDate::from_ymd_opt(2024, 4, 2)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    writeln!(
        out,
        "-- catch-up: last run {last}, start-up {up}, Europe/Berlin"
    )
    .unwrap();
    for c in s.catch_up(last, up, chrono_tz::Europe::Berlin, 3) {
        let runs: Vec<String> = c.run_at_startup.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "{:?} {} missed={} most_recent={:?} run=[{}]",
            c.event_name,
            c.policy,
            c.missed,
            c.most_recent_missed.map(|t| t.to_string()),
            runs.join(", ")
        )
        .unwrap();
    }
    write_findings(&mut out, &findings_of(bytes));
    out
}

#[test]
fn valid_corpus() {
    check_valid_files(
        corpus("nds", "valid"),
        |_, bytes| dump(bytes),
        |path, bytes| {
            model_round_trip(
                bytes,
                path,
                |b| Schedule::from_slice(b).unwrap(),
                |s| s.to_bytes().unwrap(),
            );
        },
    );
}

#[test]
fn invalid_corpus() {
    check_invalid_files(corpus("nds", "invalid"), |_, bytes| findings_of(bytes));
}
