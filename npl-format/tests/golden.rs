//! Golden corpora: `corpora/{npl,osd}/valid/*` beside `<name>.expected` dumps and
//! `corpora/{npl,osd}/invalid/*` beside `<name>.expected` findings (one per line). A file
//! `<name>.target` beside a catalog is the target it is checked against. Set
//! `UPDATE_GOLDEN=1` to rewrite the expected files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ndi_format::{Document, Reader, Record};
use npl_format::{Catalog, Policy, validate, validate_catalog};

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

fn target_of(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path.with_extension("target")).ok()
}

fn findings_of(path: &Path, bytes: &[u8]) -> Vec<String> {
    let findings = if path.extension().is_some_and(|e| e == "osd") {
        validate_catalog(bytes, target_of(path).as_deref())
    } else {
        validate(bytes)
    };
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

fn dump(path: &Path, bytes: &[u8]) -> String {
    let mut out = String::new();
    generic_dump(bytes, &mut out);
    if path.extension().is_some_and(|e| e == "npl") {
        let policy = Policy::from_slice(bytes).unwrap();
        writeln!(out, "-- effective packages").unwrap();
        for p in policy.effective_packages() {
            writeln!(
                out,
                "{} {} precedence={} candidates={} policy={}",
                p.object_id.as_deref().unwrap_or("-"),
                p.href,
                p.precedence_text.as_deref().unwrap_or("-"),
                p.candidates,
                p.policy_guid.as_deref().unwrap_or("-"),
            )
            .unwrap();
        }
    } else {
        let c = Catalog::from_slice(bytes).unwrap();
        writeln!(out, "-- catalog").unwrap();
        writeln!(out, "name = {:?}", c.name()).unwrap();
        writeln!(out, "type = {:?}", c.kind()).unwrap();
        writeln!(out, "version = {:?}", c.version_parts()).unwrap();
        writeln!(out, "format = {:?}", c.format()).unwrap();
        writeln!(out, "title = {:?}", c.title()).unwrap();
        writeln!(out, "abstract = {:?}", c.abstract_text()).unwrap();
        let cb = c.codebase();
        writeln!(out, "codebase.href = {:?}", cb.and_then(|c| c.href())).unwrap();
        writeln!(out, "codebase.md5 = {:?}", cb.and_then(|c| c.md5())).unwrap();
        writeln!(out, "codebase.size = {:?}", cb.and_then(|c| c.size())).unwrap();
    }
    writeln!(out, "-- findings").unwrap();
    let findings = findings_of(path, bytes);
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

/// Writing what was read keeps every element, attribute and value in order, and reading what
/// was written gives an equal model.
fn round_trip(path: &Path, bytes: &[u8]) {
    let written = if path.extension().is_some_and(|e| e == "npl") {
        let p = Policy::from_slice(bytes).unwrap();
        let w = p.to_bytes().unwrap();
        assert_eq!(Policy::from_slice(&w).unwrap(), p, "{}", path.display());
        w
    } else {
        let c = Catalog::from_slice(bytes).unwrap();
        let w = c.to_bytes().unwrap();
        assert_eq!(Catalog::from_slice(&w).unwrap(), c, "{}", path.display());
        w
    };
    let (a, b) = (
        Document::from_slice(bytes).unwrap(),
        Document::from_slice(&written).unwrap(),
    );
    assert_eq!(
        a.header.attributes,
        b.header.attributes,
        "{}",
        path.display()
    );
    assert_eq!(
        a.header.processing_instructions,
        b.header.processing_instructions
    );
    assert_eq!(a.records, b.records, "{}", path.display());
}

#[test]
fn valid_corpora() {
    for kind in ["npl", "osd"] {
        for path in corpus(kind, "valid") {
            let bytes = std::fs::read(&path).unwrap();
            let dump = dump(&path, &bytes);
            assert!(
                dump.ends_with("-- findings\nnone\n"),
                "{}: {dump}",
                path.display()
            );
            check(&path, &dump);
            round_trip(&path, &bytes);
        }
    }
}

#[test]
fn invalid_corpora() {
    for kind in ["npl", "osd"] {
        for path in corpus(kind, "invalid") {
            let bytes = std::fs::read(&path).unwrap();
            let findings = findings_of(&path, &bytes);
            assert_eq!(findings.len(), 1, "{}: {findings:#?}", path.display());
            check(&path, &format!("{}\n", findings[0]));
        }
    }
}

#[test]
fn gzipped_policy_reads_and_locates() {
    use std::io::Write;
    let path = corpus("npl", "invalid")
        .into_iter()
        .find(|p| p.ends_with("empty-href.npl"))
        .unwrap();
    let plain = std::fs::read(&path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(findings_of(&path, &gz), findings_of(&path, &plain));
}
