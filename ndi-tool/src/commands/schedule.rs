//! `schedule`: the next runs of a schedule.
//!
//! The schedule is read once and checked with the rules `validate` runs
//! ([`nds_format::validate_schedule`]). A finding that makes the computed runs wrong or
//! incomplete ([`affects_runs`]) withholds the answer: the findings are printed as errors and
//! the exit status is 1. Other findings are printed as warnings above the answer.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDateTime;
use ndi_format::tree::{Checked, Locator, read_once};
use ndi_format::{Finding, Severity};
use serde_json::json;

use crate::cli::ScheduleArgs;
use crate::commands::Outcome;
use crate::commands::validate::format_finding;
use crate::inputs::{InputFile, read_input};
use crate::output::{error_line, json_line, line};

const LOCAL: &str = "%Y-%m-%dT%H:%M:%S";

/// Whether a finding of the schedule rules makes the next runs wrong or incomplete, so that
/// `schedule` must not print them.
///
/// Every error does, except those about attributes the calculator and the output do not use:
/// `nds-schedschema` and `nds-timedatestamp` (file metadata), `nds-boolean` (`NETWORK`),
/// `nds-catchup` (only catch-up after downtime) and `nds-id` (an ID that is not a braced
/// GUID is printed as written). Warnings do not, except `nds-trigger-type`: a trigger of an
/// unknown `TYPE` is not computed, so its runs would be missing from the answer.
pub(crate) fn affects_runs(f: &Finding) -> bool {
    match f.severity {
        Severity::Error => !matches!(
            f.rule,
            "nds-schedschema" | "nds-timedatestamp" | "nds-boolean" | "nds-catchup" | "nds-id"
        ),
        Severity::Warning => f.rule == "nds-trigger-type",
    }
}

/// Prints the findings of `file` (whose root element is `root`, placed by `loc`) that do not
/// affect the answer as warnings (stderr) and, when some do, prints those as errors followed
/// by a line saying that `what` was not computed; returns whether the answer may be printed.
fn gate_findings(
    file: &Path,
    root: Option<&str>,
    loc: &Locator<'_>,
    mut findings: Vec<Finding>,
    affects: fn(&Finding) -> bool,
    what: &str,
) -> bool {
    let input = InputFile {
        path: file.to_path_buf(),
        relative: file.to_path_buf(),
    };
    let mut fatal = 0;
    for f in &mut findings {
        f.location.file = Some(file.to_path_buf());
        if f.rule == "unexpected-root" && f.location.position.is_none() {
            // The typed readers report a wrong root without its place: point at it.
            if let Some(root) = root {
                let at = loc.location(loc.root_offset(root), &format!("/{root}"));
                f.location.position = at.position;
                f.location.element_path = at.element_path;
            }
        }
        if affects(f) {
            f.severity = Severity::Error;
            fatal += 1;
        } else {
            f.severity = Severity::Warning;
        }
    }
    // The reader and the format's rules can both report one character XML forbids: once.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        seen.insert((
            f.rule,
            f.location.position.map(|p| p.offset),
            f.message.clone(),
        ))
    });
    // Errors first, each group in document order.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in &findings {
        error_line(&format_finding(&input, f));
    }
    if fatal > 0 {
        error_line(&format!(
            "ndi-tool: {}: {what} not computed: {fatal} {} above",
            file.display(),
            if fatal == 1 { "error" } else { "errors" },
        ));
    }
    fatal == 0
}

/// The model of a document checked once (`checked`), when no finding withholds the answer
/// ([`gate_findings`] prints them); `None` when one does. Shared with `policy`.
pub(crate) fn gated_model<T>(
    file: &Path,
    checked: Checked<'_, T>,
    affects: fn(&Finding) -> bool,
    what: &str,
) -> Result<Option<T>> {
    let Checked {
        root,
        model,
        findings,
        locator,
        ..
    } = checked;
    if !gate_findings(file, root.as_deref(), &locator, findings, affects, what) {
        return Ok(None);
    }
    // Every reason a model is missing is an error finding, which withholds the answer.
    model
        .map(Some)
        .ok_or_else(|| anyhow!("{}: the document could not be read", file.display()))
}

pub fn run(args: &ScheduleArgs) -> Result<Outcome> {
    let tz: chrono_tz::Tz = args.tz.parse().map_err(|_| {
        anyhow!(
            "unknown time zone {:?} (an IANA name such as Europe/Berlin)",
            args.tz
        )
    })?;
    let from = match &args.from {
        Some(s) => NaiveDateTime::parse_from_str(s, LOCAL)
            .with_context(|| format!("--from {s:?} is not YYYY-MM-DDTHH:MM:SS"))?,
        None => chrono::Utc::now().with_timezone(&tz).naive_local(),
    };
    let bytes = read_input(&args.file)?;
    // Read once: the findings and the schedule come from the same reading.
    let checked = nds_format::check_schedule(read_once(&bytes));
    let Some(schedule) = gated_model(&args.file, checked, affects_runs, "next runs")? else {
        return Ok(Outcome::Failure);
    };
    let runs = schedule.next_runs(from, tz, args.next, args.seed);
    let events = schedule.event_triggers();
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut items: Vec<serde_json::Value> = runs
            .iter()
            .map(|r| {
                json!({
                    "event": r.event_name,
                    "event_id": r.event_id,
                    "trigger": r.trigger_type.name(),
                    "nominal": r.nominal.format(LOCAL).to_string(),
                    "start": r.start.format(LOCAL).to_string(),
                    "start_utc": r.start_utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    "utc_offset": utc_offset(r.start, r.start_utc),
                    "delay_s": r.delay_s,
                })
            })
            .collect();
        items.extend(events.iter().map(|e| {
            json!({
                "event": e.event_name,
                "event_id": e.event_id,
                "trigger": e.trigger_type.name(),
                "nominal": null,
                "start": null,
                "on": e.description,
            })
        }));
        json_line(&mut out, &serde_json::Value::Array(items))?;
    } else {
        line(
            &mut out,
            &format!(
                "{} ({}), next {} runs from {} {}:",
                schedule.name().unwrap_or("schedule"),
                args.file.display(),
                runs.len(),
                from.format(LOCAL),
                tz
            ),
        )?;
        for r in &runs {
            line(
                &mut out,
                &format!(
                    "  {}{}  (nominal {}, +{}s)  {:<8} {}",
                    r.start.format(LOCAL),
                    utc_offset(r.start, r.start_utc),
                    r.nominal.format(LOCAL),
                    r.delay_s,
                    r.trigger_type.name(),
                    r.event_name
                ),
            )?;
        }
        for e in &events {
            line(
                &mut out,
                &format!(
                    "  {:<40} {:<8} {}",
                    e.description,
                    e.trigger_type.name(),
                    e.event_name
                ),
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The UTC offset of local time `local` at instant `utc`, as `+01:00`: shown with every run,
/// so that runs on both sides of a daylight-saving change read right.
fn utc_offset(local: chrono::NaiveDateTime, utc: chrono::DateTime<chrono::Utc>) -> String {
    let seconds = (local - utc.naive_utc()).num_seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}
