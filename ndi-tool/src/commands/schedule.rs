//! `schedule`: the next runs of a schedule.

use std::io::Write;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDateTime;
use nds_format::Schedule;
use serde_json::json;

use crate::cli::ScheduleArgs;
use crate::commands::Outcome;
use crate::output::line;

const LOCAL: &str = "%Y-%m-%dT%H:%M:%S";

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
    let bytes = std::fs::read(&args.file).with_context(|| args.file.display().to_string())?;
    let schedule =
        Schedule::from_slice(&bytes).map_err(|e| anyhow!("{}", e.with_file(&args.file)))?;
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
        line(&mut out, &serde_json::Value::Array(items).to_string())?;
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
                    "  {}  (nominal {}, +{}s)  {:<8} {}",
                    r.start.format(LOCAL),
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
