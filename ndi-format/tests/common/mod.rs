//! Helpers shared by the integration tests: corpus discovery and a readable dump. The
//! golden-test harness proper lives in [`golden`], which the schedule and policy crates'
//! tests include too.

#![allow(dead_code)]

pub mod golden;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ndi_format::model::{Item, Scope};
use ndi_format::{Reader, Record, RecordKind};

pub use golden::{corpora, named};

/// Input files (not `.expected`, not README) of `corpora/<format>/<kind>`, sorted.
pub fn inputs(format: &str, kind: &str) -> Vec<PathBuf> {
    let dir = corpora().join(format).join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".expected") && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    files
}

/// `<input>.expected`.
pub fn expected_path(input: &Path) -> PathBuf {
    let mut s = input.as_os_str().to_owned();
    s.push(".expected");
    PathBuf::from(s)
}

/// Compares `actual` with `<input>.expected`, or rewrites it when `UPDATE_GOLDEN` is set.
pub fn check_golden(input: &Path, actual: &str) {
    golden::check_expected(&expected_path(input), input, actual);
}

/// Every record of `bytes` read from a slice.
pub fn slice_records(bytes: &[u8]) -> Vec<Record<'static>> {
    let mut r = Reader::from_slice(bytes).unwrap();
    r.records().map(|r| r.unwrap().into_owned()).collect()
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

/// A readable, deterministic dump: header, each record with its path, kind and typed view,
/// then the warnings.
pub fn dump(bytes: &[u8]) -> String {
    let mut r = Reader::from_slice(bytes).unwrap();
    let mut out = String::new();
    let info = r.input_info();
    let h = r.header().clone();
    writeln!(
        out,
        "format {} | compression {:?} | encoding {} | bom {}",
        r.format(),
        info.compression,
        info.encoding.name(),
        info.bom
    )
    .unwrap();
    writeln!(out, "root <{}>", h.root).unwrap();
    if let Some(d) = &h.doctype {
        writeln!(out, "  doctype {}", q(d)).unwrap();
    }
    for pi in &h.processing_instructions {
        writeln!(out, "  pi {}", q(pi)).unwrap();
    }
    for a in &h.attributes {
        writeln!(out, "  @{}={}", a.name, q(&a.value)).unwrap();
    }
    let mut scope = Scope::new();
    let mut path: Vec<String> = vec![format!("/{}", h.root)];
    let mut record = Record::default();
    while r.read_record(&mut record).unwrap() {
        path.truncate(record.depth as usize);
        let here = if record.kind == RecordKind::Text {
            format!("{}/text()", path.join(""))
        } else {
            format!("{}/{}[{}]", path.join(""), record.name, record.index)
        };
        writeln!(out, "{here} {:?}", record.kind).unwrap();
        if record.kind != RecordKind::Text {
            path.push(format!("/{}[{}]", record.name, record.index));
        }
        for a in &record.attributes {
            writeln!(out, "  @{}={}", a.name, q(&a.value)).unwrap();
        }
        if let Some(t) = &record.text {
            writeln!(out, "  text {}", q(t)).unwrap();
        }
        let typed = match scope.observe(&record) {
            Item::HardwareProperty(p) => Some(format!(
                "hardware {}[{}]{} {} = {}",
                p.class,
                p.instance,
                p.instance_name
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                p.name,
                q(p.value)
            )),
            Item::Installer(i) => Some(format!(
                "installer type={:?} name={:?} version={:?} publisher={:?} product_code={:?} install_date={:?} other={}",
                i.evidence_type(),
                i.name(),
                i.version(),
                i.publisher(),
                i.product_code(),
                i.install_date().map(|d| d.to_string()),
                i.other_attributes().count()
            )),
            Item::File(f) => Some(format!(
                "file dir={:?} name={:?} size={:?} md5={:?} modified={:?}",
                f.directory,
                f.file_name(),
                f.size(),
                f.md5(),
                f.modified().map(|d| d.to_string())
            )),
            Item::Content(c) => Some(format!(
                "content name={:?} encoding={:?} bytes={}",
                c.name(),
                c.encoding(),
                c.data().len()
            )),
            Item::ProviderProperty(p) => Some(format!(
                "provider {} ({} {}) {} = {}",
                p.provider_path,
                p.provider_type,
                p.provider_name,
                p.name,
                q(p.value)
            )),
            Item::AppUsage(u) => Some(format!(
                "usage device={:?} user={:?} week={:?} file={:?} run={:?} active={:?} sessions={:?}",
                u.device_attr("NAME"),
                u.user_attr("USER"),
                u.week_start().map(|d| d.to_string()),
                u.attr("FILENAME"),
                u.counter("RUNTIME"),
                u.counter("ACTIVETIME"),
                u.counter("SESSIONS")
            )),
            Item::VdiAccess(v) => Some(format!("vdi group={:?} sid={:?}", v.group_name, v.sid)),
            Item::Discovered(d) => Some(format!(
                "discovered {} home={:?} sid={:?}",
                d.kind,
                d.home
                    .and_then(|h| h.attr("Home"))
                    .or(d.record.attr("Home")),
                d.record.attr("SID")
            )),
            _ => None,
        };
        if let Some(t) = typed {
            writeln!(out, "  = {t}").unwrap();
        }
    }
    for w in r.warnings() {
        writeln!(out, "warning {w}").unwrap();
    }
    out
}
