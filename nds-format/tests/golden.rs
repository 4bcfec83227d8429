//! Golden corpora: `corpora/nds/valid/*.nds` beside `<name>.expected` dumps (elements,
//! trigger rows, the next runs from a fixed time in Europe/Berlin with a fixed seed, event
//! triggers, catch-up decisions, findings) and `corpora/nds/invalid/*.nds` beside
//! `<name>.expected` holding the one finding. Set `UPDATE_GOLDEN=1` to rewrite them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ndi_format::{Document, Reader, Record};
use nds_format::{Schedule, validate};

fn corpus(kind: &str, sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpora")
        .join(kind)
        .join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == kind))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    files
}

/// One line per element (its path) and per attribute and text, in document order.
fn generic_dump(bytes: &[u8], out: &mut String) {
    let mut reader = Reader::from_slice(bytes).unwrap();
    let header = reader.header().clone().into_owned();
    if let Some(d) = &header.doctype {
        writeln!(out, "!DOCTYPE {d}").unwrap();
    }
    for pi in &header.processing_instructions {
        writeln!(out, "?{pi}").unwrap();
    }
    let root = format!("/{}", header.root);
    writeln!(out, "{root}").unwrap();
    for a in &header.attributes {
        writeln!(out, "{root}@{} = {:?}", a.name, a.value).unwrap();
    }
    let mut stack: Vec<String> = vec![root];
    let mut record = Record::default();
    while reader.read_record(&mut record).unwrap() {
        stack.truncate(record.depth as usize);
        let parent = stack.last().cloned().unwrap_or_default();
        if record.is_text() {
            writeln!(
                out,
                "{parent}#text = {:?}",
                record.text.as_deref().unwrap_or("")
            )
            .unwrap();
            continue;
        }
        let path = format!("{parent}/{}[{}]", record.name, record.index);
        writeln!(out, "{path}").unwrap();
        for a in &record.attributes {
            writeln!(out, "{path}@{} = {:?}", a.name, a.value).unwrap();
        }
        if let Some(t) = &record.text {
            writeln!(out, "{path}#text = {t:?}").unwrap();
        }
        stack.push(path);
    }
}

fn findings_of(bytes: &[u8]) -> Vec<String> {
    validate(bytes)
        .iter()
        .map(|f| {
            let pos = f
                .location
                .position
                .map_or("-".to_owned(), |p| format!("{}:{}", p.line, p.column));
            let path = f.location.element_path.as_deref().unwrap_or("-");
            format!("{} {} {pos} {path}: {}", f.severity, f.rule, f.message)
        })
        .collect()
}

fn dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    generic_dump(bytes, &mut out);
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
    writeln!(out, "-- findings").unwrap();
    let findings = findings_of(bytes);
    if findings.is_empty() {
        writeln!(out, "none").unwrap();
    }
    for f in findings {
        writeln!(out, "{f}").unwrap();
    }
    out
}

fn check(path: &Path, actual: &str) {
    let expected_path = path.with_extension("expected");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
        panic!(
            "missing {} (run with UPDATE_GOLDEN=1)",
            expected_path.display()
        )
    });
    assert_eq!(expected, actual, "golden mismatch for {}", path.display());
}

#[test]
fn valid_corpus() {
    for path in corpus("nds", "valid") {
        let bytes = std::fs::read(&path).unwrap();
        let dump = dump(&bytes);
        assert!(
            dump.ends_with("-- findings\nnone\n"),
            "{}: {dump}",
            path.display()
        );
        check(&path, &dump);
        // Round trip: model equality and record equality.
        let s = Schedule::from_slice(&bytes).unwrap();
        let written = s.to_bytes().unwrap();
        assert_eq!(Schedule::from_slice(&written).unwrap(), s);
        let (a, b) = (
            Document::from_slice(&bytes).unwrap(),
            Document::from_slice(&written).unwrap(),
        );
        assert_eq!(a.header.attributes, b.header.attributes);
        assert_eq!(a.records, b.records, "{}", path.display());
    }
}

#[test]
fn invalid_corpus() {
    for path in corpus("nds", "invalid") {
        let bytes = std::fs::read(&path).unwrap();
        let findings = findings_of(&bytes);
        assert_eq!(findings.len(), 1, "{}: {findings:#?}", path.display());
        check(&path, &format!("{}\n", findings[0]));
    }
}
