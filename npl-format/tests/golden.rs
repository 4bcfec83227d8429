//! Golden corpora: `corpora/{npl,osd}/valid/*` beside `<name>.expected` dumps and
//! `corpora/{npl,osd}/invalid/*` beside `<name>.expected` findings (one per line). A file
//! `<name>.target` beside a catalog is the target it is checked against. Set
//! `UPDATE_GOLDEN=1` to rewrite the expected files.

use std::fmt::Write as _;
use std::path::Path;

use npl_format::{Catalog, Policy, validate, validate_catalog};

#[path = "../../ndi-format/tests/common/golden.rs"]
mod golden;

use golden::{
    check_invalid_files, check_valid_files, corpus, element_dump, finding_lines, model_round_trip,
    named, write_findings,
};

fn target_of(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path.with_extension("target")).ok()
}

fn findings_of(path: &Path, bytes: &[u8]) -> Vec<String> {
    let findings = if path.extension().is_some_and(|e| e == "osd") {
        validate_catalog(bytes, target_of(path).as_deref())
    } else {
        validate(bytes)
    };
    finding_lines(&findings)
}

fn dump(path: &Path, bytes: &[u8]) -> String {
    let mut out = String::new();
    element_dump(bytes, &mut out);
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
    write_findings(&mut out, &findings_of(path, bytes));
    out
}

/// Writing what was read keeps every element, attribute and value in order, and reading what
/// was written gives an equal model.
fn round_trip(path: &Path, bytes: &[u8]) {
    if path.extension().is_some_and(|e| e == "npl") {
        model_round_trip(
            bytes,
            path,
            |b| Policy::from_slice(b).unwrap(),
            |p| p.to_bytes().unwrap(),
        );
    } else {
        model_round_trip(
            bytes,
            path,
            |b| Catalog::from_slice(b).unwrap(),
            |c| c.to_bytes().unwrap(),
        );
    }
}

#[test]
fn valid_corpora() {
    for kind in ["npl", "osd"] {
        check_valid_files(corpus(kind, "valid"), dump, round_trip);
    }
}

#[test]
fn invalid_corpora() {
    for kind in ["npl", "osd"] {
        check_invalid_files(corpus(kind, "invalid"), findings_of);
    }
}

#[test]
fn gzipped_policy_reads_and_locates() {
    use std::io::Write;
    let path = named(corpus("npl", "invalid"), "empty-href.npl");
    let plain = std::fs::read(&path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(findings_of(&path, &gz), findings_of(&path, &plain));
}
