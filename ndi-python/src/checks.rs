//! `validate`, `diff`, `next_runs` and `effective_packages`: the command's answers as JSON
//! text, which the Python layer turns into lists of dicts (these are small: findings,
//! changes, runs, packages; the tables go through Arrow instead).

use std::path::Path;

use chrono::NaiveDateTime;
use ndi_diff::Snapshot;
use ndi_format::rules::check_reader;
use ndi_format::{Finding, Format, Reader, Severity};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{Value, json};

use crate::inputs::{Document, Loaded};
use crate::{failure, format_error, reader_error};

const LOCAL: &str = "%Y-%m-%dT%H:%M:%S";

/// A document's bytes, or the Python exception saying why there are none.
fn get(py: Python<'_>, document: Document) -> PyResult<Loaded> {
    py.detach(|| document.load()).map_err(|f| failure(py, f))
}

fn finding_json(f: &Finding) -> Value {
    let pos = f.location.position;
    json!({
        "severity": f.severity.name(),
        "rule": f.rule,
        "message": f.message,
        "line": pos.map(|p| p.line).filter(|l| *l > 0),
        "column": pos.map(|p| p.column).filter(|c| *c > 0),
        "offset": pos.map(|p| p.offset),
        "element_path": f.location.element_path,
        "path": f.location.file.as_ref().map(|p| p.display().to_string()),
    })
}

/// Every finding of one document, as `ndi-tool validate` makes them: reader errors, characters
/// XML forbids (errors: validation is strict XML 1.0), then the format's rules.
fn findings(bytes: &[u8], path: Option<&Path>) -> (Option<Format>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut format = None;
    match Reader::from_slice(bytes) {
        Err(e) => findings.push(Finding::from(&e)),
        Ok(mut reader) => {
            let f = reader.format();
            format = Some(f);
            let checked = check_reader(&mut reader);
            findings.extend(checked.findings);
            if checked.complete {
                match f {
                    Format::Npl | Format::Nds => findings.extend(nds_format::validate(bytes)),
                    Format::Osd => findings.extend(npl_format::validate_catalog(
                        bytes,
                        catalog_target(bytes, path).as_deref(),
                    )),
                    _ => {}
                }
            }
        }
    }
    if let Some(path) = path {
        for f in &mut findings {
            f.location.file = Some(path.to_path_buf());
        }
    }
    (format, findings)
}

/// The file a catalog's HREF names, beside the catalog (only for a catalog read from a path).
fn catalog_target(bytes: &[u8], path: Option<&Path>) -> Option<Vec<u8>> {
    let href = npl_format::Catalog::from_slice(bytes)
        .ok()?
        .codebase()?
        .href()?
        .replace('\\', "/")
        .replace("%20", " ");
    let target = path?.parent()?.join(href);
    let mut out = Vec::new();
    ndi_format::read_file(&target, &mut out, &ndi_format::Limits::default()).ok()?;
    Some(out)
}

/// Findings of one document (bytes or a path), as JSON: `{"format", "valid", "findings"}`.
#[pyfunction]
pub fn validate(py: Python<'_>, document: Document) -> PyResult<String> {
    let from_path = matches!(document, Document::Path(_));
    let loaded = match get(py, document) {
        Ok(l) => l,
        // A file that cannot be read as a document is invalid: its finding says why.
        Err(e) if e.is_instance_of::<crate::NdiFormatError>(py) && from_path => {
            let value = e.value(py);
            let field = |name: &str| value.getattr(name).ok().map(|v| v.to_string());
            return Ok(json!({
                "format": null,
                "valid": false,
                "findings": [{
                    "severity": "error",
                    "rule": field("rule"),
                    "message": field("message"),
                    "line": null, "column": null, "offset": null, "element_path": null,
                    "path": field("path"),
                }],
            })
            .to_string());
        }
        Err(e) => return Err(e),
    };
    let path = loaded.path.clone();
    let (format, found) = py.detach(|| findings(&loaded.bytes, path.as_deref()));
    let valid = found.iter().all(|f| f.severity != Severity::Error);
    Ok(json!({
        "format": format.map(Format::name),
        "valid": valid,
        "findings": found.iter().map(finding_json).collect::<Vec<_>>(),
    })
    .to_string())
}

/// The semantic changes from document `old` to document `new`, as a JSON array.
#[pyfunction]
pub fn diff(py: Python<'_>, old: Document, new: Document) -> PyResult<String> {
    let snapshot = |document: Document| -> PyResult<Snapshot> {
        let loaded = get(py, document)?;
        py.detach(|| Snapshot::from_slice(&loaded.bytes))
            .map_err(|e| document_error(py, e, loaded.path.as_deref()))
    };
    let old = snapshot(old)?;
    let new = snapshot(new)?;
    let changes = py.detach(|| ndi_diff::diff(&old, &new));
    Ok(Value::Array(changes.iter().map(ndi_diff::Change::to_json).collect()).to_string())
}

/// A reader error as the Python exception, naming the document's file when it has one.
fn document_error(py: Python<'_>, e: ndi_format::Error, path: Option<&Path>) -> PyErr {
    reader_error(
        py,
        &match path {
            Some(p) => e.with_file(p),
            None => e,
        },
    )
}

/// Raises the first finding that `fatal` picks, as `ndi-tool schedule`/`policy` refuse.
fn refuse(
    py: Python<'_>,
    findings: &[Finding],
    fatal: fn(&Finding) -> bool,
    path: Option<&Path>,
    what: &str,
) -> PyResult<()> {
    let Some(f) = findings.iter().find(|f| fatal(f)) else {
        return Ok(());
    };
    let mut location = f.location.clone();
    if let Some(p) = path {
        location.file = Some(p.to_path_buf());
    }
    let fatal_count = findings.iter().filter(|f| fatal(f)).count();
    let mut display = String::new();
    if let Some(file) = &location.file {
        display.push_str(&format!("{}", file.display()));
        if let Some(p) = location.position.filter(|p| p.line > 0) {
            display.push_str(&format!(":{}:{}", p.line, p.column));
        }
        display.push_str(": ");
    } else if let Some(p) = location.position.filter(|p| p.line > 0) {
        display.push_str(&format!("{}:{}: ", p.line, p.column));
    }
    display.push_str(&format!(
        "{} [{}] ({what} not computed: {fatal_count} {})",
        f.message,
        f.rule,
        if fatal_count == 1 { "error" } else { "errors" }
    ));
    Err(format_error(py, display, f.rule, &f.message, &location))
}

/// As `ndi-tool schedule`: the findings that make the runs wrong.
fn affects_runs(f: &Finding) -> bool {
    match f.severity {
        Severity::Error => !matches!(
            f.rule,
            "nds-schedschema" | "nds-timedatestamp" | "nds-boolean" | "nds-catchup" | "nds-id"
        ),
        Severity::Warning => f.rule == "nds-trigger-type",
    }
}

/// The next `count` runs of a schedule from `start` (device-local `YYYY-MM-DDTHH:MM:SS`,
/// default now) in zone `tz`, then its event triggers, as a JSON array.
#[pyfunction]
#[pyo3(signature = (nds, tz, count = 10, seed = 0, start = None))]
pub fn next_runs(
    py: Python<'_>,
    nds: Document,
    tz: &str,
    count: usize,
    seed: u64,
    start: Option<&str>,
) -> PyResult<String> {
    let zone: chrono_tz::Tz = tz.parse().map_err(|_| {
        PyValueError::new_err(format!(
            "unknown time zone {tz:?} (an IANA name such as Europe/Berlin)"
        ))
    })?;
    let from = match start {
        Some(s) => NaiveDateTime::parse_from_str(s, LOCAL).map_err(|_| {
            PyValueError::new_err(format!("start {s:?} is not YYYY-MM-DDTHH:MM:SS"))
        })?,
        None => chrono::Utc::now().with_timezone(&zone).naive_local(),
    };
    let loaded = get(py, nds)?;
    let path = loaded.path.as_deref();
    let found = py.detach(|| nds_format::validate_schedule(&loaded.bytes));
    refuse(py, &found, affects_runs, path, "next runs")?;
    let schedule =
        nds_format::Schedule::from_slice(&loaded.bytes).map_err(|e| document_error(py, e, path))?;
    let runs = py.detach(|| schedule.next_runs(from, zone, count, seed));
    let mut items: Vec<Value> = runs
        .iter()
        .map(|r| {
            json!({
                "event": r.event_name,
                "event_id": r.event_id,
                "trigger": r.trigger_type.name(),
                "nominal": r.nominal.format(LOCAL).to_string(),
                "start": r.start.format(LOCAL).to_string(),
                "start_utc": r.start_utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "delay_s": r.delay_s,
                "on": null,
            })
        })
        .collect();
    items.extend(schedule.event_triggers().iter().map(|e| {
        json!({
            "event": e.event_name,
            "event_id": e.event_id,
            "trigger": e.trigger_type.name(),
            "nominal": null,
            "start": null,
            "start_utc": null,
            "delay_s": null,
            "on": e.description,
        })
    }));
    Ok(Value::Array(items).to_string())
}

/// The effective packages of a policy, as a JSON array; a policy with an error raises.
#[pyfunction]
pub fn effective_packages(py: Python<'_>, npl: Document) -> PyResult<String> {
    let loaded = get(py, npl)?;
    let path = loaded.path.as_deref();
    let found = py.detach(|| npl_format::validate_policy(&loaded.bytes));
    refuse(
        py,
        &found,
        |f| f.severity == Severity::Error,
        path,
        "effective packages",
    )?;
    let policy =
        npl_format::Policy::from_slice(&loaded.bytes).map_err(|e| document_error(py, e, path))?;
    let items: Vec<Value> = policy
        .effective_packages()
        .iter()
        .map(|p| {
            json!({
                "policy_guid": p.policy_guid,
                "href": p.href,
                "object_id": p.object_id,
                "precedence": p.precedence,
                "candidates": p.candidates,
            })
        })
        .collect();
    Ok(Value::Array(items).to_string())
}
