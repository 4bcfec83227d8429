//! The golden-test harness shared by the format crates' integration tests: corpus discovery,
//! expected-file comparison (`UPDATE_GOLDEN=1` rewrites), a generic element dump, finding
//! lines and the record-level round-trip check.
//!
//! ndi-format's tests reach it as `common::golden`; `nds-format` and `npl-format` include this
//! one file by path (`#[path = "../../ndi-format/tests/common/golden.rs"] mod golden;`), so
//! it may use nothing but `ndi_format` and the standard library. Paths are relative to the
//! including crate's manifest folder, which is a sibling of `corpora/` in every case.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ndi_format::{Document, Finding, Reader, Record};

/// The repository's `corpora/` folder.
pub fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora")
}

/// The files of `corpora/<kind>/<sub>` whose extension is `kind`, sorted; never empty.
pub fn corpus(kind: &str, sub: &str) -> Vec<PathBuf> {
    let dir = corpora().join(kind).join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == kind))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    files
}

/// The one of `files` whose file name is `name`.
pub fn named(files: Vec<PathBuf>, name: &str) -> PathBuf {
    files
        .into_iter()
        .find(|p| p.ends_with(name))
        .unwrap_or_else(|| panic!("no corpus file {name}"))
}

/// Compares `actual` with the file at `expected_path` (the expectation for `input`), or
/// rewrites that file when `UPDATE_GOLDEN` is set.
pub fn check_expected(expected_path: &Path, input: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(expected_path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(expected_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create)",
            expected_path.display()
        )
    });
    assert_eq!(
        expected,
        actual,
        "golden mismatch for {} (UPDATE_GOLDEN=1 rewrites)",
        input.display()
    );
}

/// Each of `files` dumps (`dump`) with no findings, matches `<name>.expected` and passes
/// `round_trip`.
pub fn check_valid_files(
    files: Vec<PathBuf>,
    dump: impl Fn(&Path, &[u8]) -> String,
    round_trip: impl Fn(&Path, &[u8]),
) {
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let dump = dump(&path, &bytes);
        assert!(
            dump.ends_with("-- findings\nnone\n"),
            "{}: {dump}",
            path.display()
        );
        check_expected(&path.with_extension("expected"), &path, &dump);
        round_trip(&path, &bytes);
    }
}

/// Each of `files` has exactly one finding (`findings`), which matches `<name>.expected`.
pub fn check_invalid_files(files: Vec<PathBuf>, findings: impl Fn(&Path, &[u8]) -> Vec<String>) {
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let findings = findings(&path, &bytes);
        assert_eq!(findings.len(), 1, "{}: {findings:#?}", path.display());
        let expected = format!("{}\n", findings[0]);
        check_expected(&path.with_extension("expected"), &path, &expected);
    }
}

/// One line per element (its path) and per attribute and text, in document order.
pub fn element_dump(bytes: &[u8], out: &mut String) {
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

/// Each finding as one line: severity, rule, `line:column` and element path (`-` where
/// unknown), message.
pub fn finding_lines(findings: &[Finding]) -> Vec<String> {
    findings
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

/// The closing `-- findings` section of a dump: one line a finding, or `none`.
pub fn write_findings(out: &mut String, findings: &[String]) {
    writeln!(out, "-- findings").unwrap();
    if findings.is_empty() {
        writeln!(out, "none").unwrap();
    }
    for f in findings {
        writeln!(out, "{f}").unwrap();
    }
}

/// Parses `bytes` into a model and writes it: reading what was written gives an equal model,
/// and the written document keeps every record of `bytes` ([`assert_same_records`]).
pub fn model_round_trip<T: PartialEq + std::fmt::Debug>(
    bytes: &[u8],
    input: &Path,
    parse: impl Fn(&[u8]) -> T,
    write: impl Fn(&T) -> Vec<u8>,
) {
    let model = parse(bytes);
    let written = write(&model);
    assert_eq!(parse(&written), model, "{}", input.display());
    assert_same_records(bytes, &written, input);
}

/// `written` (what a model wrote of `original`) keeps every root attribute, processing
/// instruction, element, attribute and value of `original`, in order.
pub fn assert_same_records(original: &[u8], written: &[u8], input: &Path) {
    let (a, b) = (
        Document::from_slice(original).unwrap(),
        Document::from_slice(written).unwrap(),
    );
    assert_eq!(
        a.header.attributes,
        b.header.attributes,
        "{}",
        input.display()
    );
    assert_eq!(
        a.header.processing_instructions,
        b.header.processing_instructions,
        "{}",
        input.display()
    );
    assert_eq!(a.records, b.records, "{}", input.display());
}
