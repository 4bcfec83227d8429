//! `table optimize|vacuum|history`: maintenance of the Delta tables under a root.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};
use ndi_delta::{DeltaRoot, DeltaTable};
use ndi_load::tables::Table;
use parquet::file::properties::WriterProperties;

use crate::cli::{TableCommand, TableHistoryArgs, TableOptimizeArgs, TableVacuumArgs};
use crate::commands::Outcome;
use crate::commands::import::root_options;
use crate::output::{json_line, line};

pub fn run(command: &TableCommand) -> Result<Outcome> {
    match command {
        TableCommand::Optimize(args) => optimize(args),
        TableCommand::Vacuum(args) => vacuum(args),
        TableCommand::History(args) => history(args),
    }
}

fn tables(root: &DeltaRoot, only: Option<&str>) -> Result<Vec<DeltaTable>> {
    let names = match only {
        Some(name) => vec![name.to_string()],
        None => root.table_names()?,
    };
    anyhow::ensure!(
        !names.is_empty(),
        "{}: no Delta tables here",
        root.path().display()
    );
    names
        .iter()
        .map(|n| root.open_table(n).map_err(anyhow::Error::from))
        .collect()
}

fn open(root: &std::path::Path, single_writer: bool) -> Result<DeltaRoot> {
    anyhow::ensure!(root.is_dir(), "{}: no such folder", root.display());
    DeltaRoot::open(root, root_options(single_writer, 10, 2))
        .with_context(|| format!("opening {}", root.display()))
}

/// The Parquet settings of a contract table (those of the reconciled tables for another).
fn properties(name: &str) -> WriterProperties {
    Table::ALL
        .iter()
        .find(|t| t.name() == name)
        .map_or_else(ndi_load::store::base_properties, |t| {
            ndi_load::store::properties(*t)
        })
}

fn optimize(args: &TableOptimizeArgs) -> Result<Outcome> {
    let root = open(&args.root, args.single_writer)?;
    let mut out = std::io::stdout().lock();
    for table in tables(&root, args.table.as_deref())? {
        let target = i64::try_from(args.target_mib.max(1) << 20).unwrap_or(i64::MAX);
        let report = table
            .optimize(target, properties(table.name()))
            .with_context(|| format!("optimizing {}", table.name()))?;
        if args.json {
            json_line(
                &mut out,
                &serde_json::json!({
                    "table": table.name(),
                    "files_removed": report.files_removed,
                    "files_added": report.files_added,
                    "bytes_removed": report.bytes_removed,
                    "bytes_added": report.bytes_added,
                    "version": report.version,
                }),
            )?;
        } else {
            line(
                &mut out,
                &format!(
                    "{}: {} files ({} bytes) compacted into {} ({} bytes){}",
                    table.name(),
                    report.files_removed,
                    report.bytes_removed,
                    report.files_added,
                    report.bytes_added,
                    report
                        .version
                        .map_or_else(String::new, |v| format!(", version {v}"))
                ),
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn vacuum(args: &TableVacuumArgs) -> Result<Outcome> {
    let root = open(&args.root, args.single_writer)?;
    let mut out = std::io::stdout().lock();
    let retention = Duration::from_secs(args.retain_hours.saturating_mul(3600));
    for table in tables(&root, args.table.as_deref())? {
        let report = table
            .vacuum(retention, args.dry_run)
            .with_context(|| format!("vacuuming {}", table.name()))?;
        if args.json {
            json_line(
                &mut out,
                &serde_json::json!({
                    "table": table.name(),
                    "dry_run": args.dry_run,
                    "files": report.deleted,
                    "bytes": report.bytes,
                }),
            )?;
        } else {
            let verb = if args.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            line(
                &mut out,
                &format!(
                    "{}: {verb} {} files ({} bytes)",
                    table.name(),
                    report.deleted.len(),
                    report.bytes
                ),
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn history(args: &TableHistoryArgs) -> Result<Outcome> {
    let root = open(&args.root, false)?;
    let mut out = std::io::stdout().lock();
    for table in tables(&root, args.table.as_deref())? {
        for commit in table.history()? {
            if args.json {
                json_line(
                    &mut out,
                    &serde_json::json!({
                        "table": table.name(),
                        "version": commit.version,
                        "timestamp": commit.timestamp,
                        "operation": commit.operation,
                        "parameters": commit.parameters,
                        "engine_info": commit.engine_info,
                        "txn": commit.txns,
                        "adds": commit.adds,
                        "removes": commit.removes,
                        "metrics": commit.metrics,
                    }),
                )?;
            } else {
                let time = commit
                    .timestamp
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or_else(
                        || "-".to_string(),
                        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    );
                let txns: Vec<String> = commit
                    .txns
                    .iter()
                    .map(|(a, v)| format!("{a}={v}"))
                    .collect();
                let metrics: Vec<String> = commit
                    .metrics
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                line(
                    &mut out,
                    &format!(
                        "{} v{} {} {} +{} -{}{}{}",
                        table.name(),
                        commit.version,
                        time,
                        match (commit.operation.as_deref(), commit.parameters.get("mode")) {
                            (Some(op), Some(mode)) => format!("{op} ({mode})"),
                            (op, _) => op.unwrap_or("-").to_string(),
                        },
                        commit.adds,
                        commit.removes,
                        if txns.is_empty() {
                            String::new()
                        } else {
                            format!(" txn {}", txns.join(","))
                        },
                        if metrics.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", metrics.join(" "))
                        },
                    ),
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
