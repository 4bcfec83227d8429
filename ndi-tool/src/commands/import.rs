//! `import`: incoming folders into Delta tables, exactly once (the core is `ndi-import`);
//! also `convert --format delta`.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, Result};
use ndi_delta::RootOptions;
use ndi_import::{Finish, ImportOptions, Importer, RunSummary};
use ndi_load::load::{LoadOptions, RowOptions};

use crate::cli::{ConvertArgs, ImportArgs};
use crate::commands::Outcome;
use crate::inputs::expand_excluding;
use crate::output::{error_line, json_line, line};

/// `RootOptions` with the tool's engine info.
pub fn root_options(single_writer: bool, checkpoint_interval: u64, threads: usize) -> RootOptions {
    RootOptions {
        single_writer,
        checkpoint_interval,
        engine_info: format!("ndi-tool/{}", env!("CARGO_PKG_VERSION")),
        io_threads: threads.clamp(1, 4),
    }
}

pub fn run(args: &ImportArgs) -> Result<Outcome> {
    let mut options = ImportOptions::new(&args.table, args.incoming.clone());
    options.settle = Duration::from_secs(args.settle_secs);
    options.finish = match (&args.processed, args.delete_processed) {
        (_, true) => Finish::Delete,
        (Some(dir), false) => Finish::MoveTo(dir.clone()),
        (None, false) => options.finish,
    };
    if let Some(dir) = &args.quarantine {
        options.quarantine = dir.clone();
    }
    options.load = LoadOptions {
        threads: args.threads,
        ..LoadOptions::default()
    };
    options.max_files = args.max_files.max(1);
    options.max_bytes = args.max_mib.max(1) << 20;
    options.loaded_at = args.loaded_at;
    for folder in &args.incoming {
        anyhow::ensure!(
            folder.is_dir(),
            "{}: not a folder (import takes incoming folders)",
            folder.display()
        );
    }
    let threads = args.threads.unwrap_or(2);
    let mut importer = Importer::open(
        &args.table,
        root_options(args.single_writer, args.checkpoint_interval, threads),
        options,
    )
    .with_context(|| format!("opening the tables under {}", args.table.display()))?;
    let json = args.json;
    let quiet = args.quiet;
    let mut rejected = 0u64;
    if args.watch {
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            signal_hook::flag::register(signal, Arc::clone(&stop))?;
        }
        anyhow::ensure!(
            args.interval.is_finite() && args.interval > 0.0,
            "--interval must be a positive number of seconds"
        );
        let mut write_error = None;
        importer.watch(
            Duration::from_secs_f64(args.interval),
            &stop,
            |pass| match pass {
                Ok(summary) => {
                    if write_error.is_none()
                        && let Err(e) = report(summary, json, quiet)
                    {
                        write_error = Some(e);
                    }
                }
                Err(e) => error_line(&format!("ndi-tool: import pass failed (retrying): {e}")),
            },
        )?;
        if let Some(e) = write_error {
            return Err(e.into());
        }
        return Ok(Outcome::Success);
    }
    loop {
        let summary = importer.pass()?;
        let taken = summary.total_files();
        rejected += summary.files.get("rejected").copied().unwrap_or(0);
        if taken > 0 || summary.resumed || summary.incomplete > 0 || summary.failed > 0 {
            report(&summary, json, quiet)?;
        }
        // Passes go on while they find work (each is bounded by --max-files/--max-mib).
        if taken == 0 && !summary.resumed {
            break;
        }
    }
    Ok(if rejected > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// `convert --format delta`: a one-shot load of files in place into the tables under --out.
pub fn convert(args: &ConvertArgs) -> Result<Outcome> {
    let not_for_delta = [
        (
            "--partition-by (Delta tables are always partitioned by load_date)",
            args.partition_by.is_some(),
        ),
        (
            "--overwrite (runs append; documents already in the tables are skipped)",
            args.overwrite,
        ),
        ("--quarantine", args.quarantine.is_some()),
    ];
    if let Some((flag, _)) = not_for_delta.iter().find(|(_, set)| *set) {
        anyhow::bail!("{flag} does not apply to --format delta");
    }
    let files = expand_excluding(&args.inputs, &[args.out.as_path()])?;
    let mut options = ImportOptions::new(&args.out, Vec::new());
    options.load = LoadOptions {
        threads: args.threads,
        batch_size: args.batch_size.unwrap_or(LoadOptions::default().batch_size),
        rows: RowOptions {
            keep_content: args.keep_content,
        },
        ..LoadOptions::default()
    };
    options.loaded_at = args.loaded_at;
    let mut importer = Importer::open(
        &args.out,
        root_options(false, 10, args.threads.unwrap_or(2)),
        options,
    )
    .with_context(|| format!("opening the tables under {}", args.out.display()))?;
    let paths: Vec<_> = files.into_iter().map(|f| f.path).collect();
    let summary = importer.convert(&paths)?;
    report(&summary, false, args.quiet)?;
    Ok(if summary.files.get("rejected").copied().unwrap_or(0) > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// The summary line of a pass: files per status, rows per table, seconds.
fn report(summary: &RunSummary, json: bool, quiet: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let mut value = serde_json::to_value(summary).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("kind".into(), "run".into());
        }
        json_line(&mut out, &value)?;
        return out.flush();
    }
    if quiet {
        return Ok(());
    }
    let files: Vec<String> = ["ok", "warning", "rejected", "duplicate"]
        .iter()
        .map(|s| format!("{} {s}", summary.files.get(*s).copied().unwrap_or(0)))
        .collect();
    let rows: Vec<String> = summary
        .rows
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    let text = format!(
        "run {}{}: {} files ({}), {} incomplete, {} failed; rows: {}; {:.2} s",
        summary.run,
        if summary.resumed { " (resumed)" } else { "" },
        summary.total_files(),
        files.join(", "),
        summary.incomplete,
        summary.failed,
        if rows.is_empty() {
            "none".to_string()
        } else {
            rows.join(", ")
        },
        summary.seconds
    );
    line(&mut out, &text)?;
    out.flush()
}
