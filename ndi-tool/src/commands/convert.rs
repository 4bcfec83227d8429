//! `convert`: the loader into Parquet or JSON-lines tables, with progress and a summary;
//! `--format ndi|ndi.gz` hands over to [`rewrite`](super::rewrite).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ndi_load::load::{
    DocumentOutcome, Input, LoadOptions, LoadSummary, Progress, RowOptions, Status, load,
};
use ndi_load::store::{
    DirLock, FileFormat, FileSinkFactory, Layout, Manifest, write_empty_tables, write_manifest,
};
use ndi_load::tables::Table;

use crate::cli::{ConvertArgs, ConvertFormat, PartitionBy};
use crate::commands::Outcome;
use crate::inputs::expand_excluding;
use crate::output::error_line;

pub fn run(args: &ConvertArgs) -> Result<Outcome> {
    if matches!(args.format, ConvertFormat::Ndi | ConvertFormat::NdiGz) {
        let tables_only = [
            ("--batch-size", args.batch_size.is_some()),
            ("--partition-by", args.partition_by.is_some()),
            ("--keep-content", args.keep_content),
            ("--loaded-at", args.loaded_at.is_some()),
            ("--overwrite", args.overwrite),
        ];
        if let Some((flag, _)) = tables_only.iter().find(|(_, set)| *set) {
            anyhow::bail!(
                "{flag} applies to tables (--format parquet or jsonl), not to rewritten XML"
            );
        }
        return super::rewrite::run(args);
    }
    let exclude: Vec<&std::path::Path> = std::iter::once(args.out.as_path())
        .chain(args.quarantine.as_deref())
        .collect();
    let files = expand_excluding(&args.inputs, &exclude)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    if let Some(dir) = &args.quarantine {
        // Checked before loading: a quarantine that cannot exist is a usage error.
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the quarantine folder {}", dir.display()))?;
    }
    // One run at a time per output and quarantine folder, held until this run ends.
    let _locks = lock_folders(&args.out, args.quarantine.as_deref())?;
    let options = LoadOptions {
        threads: args.threads,
        batch_size: args.batch_size.unwrap_or(LoadOptions::default().batch_size),
        rows: RowOptions {
            keep_content: args.keep_content,
        },
        loaded_at: args.loaded_at.unwrap_or_else(ndi_load::load::now),
        quarantine: args.quarantine.clone(),
        ..LoadOptions::default()
    };
    let format = match args.format {
        ConvertFormat::Jsonl => FileFormat::Jsonl,
        _ => FileFormat::Parquet,
    };
    let layout = Layout::new(
        &args.out,
        args.partition_by == Some(PartitionBy::Date),
        options.loaded_at,
    );
    if let (Some(partition), Some(earlier_format)) =
        (&layout.partition, Manifest::earlier_file_format(&args.out))
        && earlier_format != file_format_name(format)
        && other_partitions(&args.out, partition)
    {
        anyhow::bail!(
            "{} holds {earlier_format} tables of other load dates; a {} run would leave readers of either format with part of the data: use another --out",
            args.out.display(),
            file_format_name(format)
        );
    }
    let earlier = layout
        .earlier_parts()
        .with_context(|| format!("looking at {}", args.out.display()))?;
    // Hidden parts are an interrupted run's (this run holds the lock, so no other run is
    // writing them) and no reader ever saw them: they go now. An earlier run's visible parts
    // go only when this run's are complete, just before they appear.
    let (hidden, replace): (Vec<PathBuf>, Vec<PathBuf>) = earlier.into_iter().partition(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    });
    if let Some(first) = replace.first()
        && !args.overwrite
    {
        anyhow::bail!(
            "{} already holds tables from an earlier run ({} files, e.g. {}): use --overwrite to replace them, or another --out",
            args.out.display(),
            replace.len(),
            first.display()
        );
    }
    for path in &hidden {
        std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
    }
    let manifest_tmp = args.out.join("._manifest.json.tmp");
    let manifest_left = std::fs::remove_file(&manifest_tmp).is_ok();
    if !hidden.is_empty() || manifest_left {
        error_line(&format!(
            "{}: note: an earlier run into this folder was interrupted; removed its {} temporary files (no reader saw them)",
            args.out.display(),
            hidden.len() + usize::from(manifest_left)
        ));
    }
    let inputs: Vec<Input> = files.iter().map(|f| Input::Path(f.path.clone())).collect();
    let factory = FileSinkFactory::new(layout.clone(), format);
    let verbose = args.verbose;
    let quiet = args.quiet;
    // On a terminal, every line goes through the bar's own printer, so that it appears above
    // the bar and the bar is drawn again below it.
    let bar = (std::io::stderr().is_terminal() && !quiet).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            // `wide_msg` is cut to the terminal's width: a line that wrapped would leave stale
            // copies of the bar on a narrow terminal.
            indicatif::ProgressStyle::with_template(
                "{bar:20} {pos}/{len} files  ETA {eta}  {wide_msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let say = {
        let bar = bar.clone();
        move |text: &str| match &bar {
            Some(bar) => bar.println(crate::output::escape_controls(text)),
            None => error_line(text),
        }
    };
    let quarantined = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let progress = Progress {
        observer: Some(Box::new({
            let quarantined = quarantined.clone();
            let say = say.clone();
            move |o: &DocumentOutcome| {
                if let Some(e) = &o.quarantine_error {
                    say(&format!(
                        "{}: error: could not move it to the quarantine folder ({e}); it stays where it is",
                        o.source_path
                    ));
                }
                if let Some(first) = &o.duplicate_of {
                    if !quiet {
                        say(&format!(
                            "{}: duplicate of {first} (the same bytes): not loaded again",
                            o.source_path
                        ));
                    }
                    return;
                }
                // A rejected file is an error: reported even with --quiet.
                let rejected = o.status == Status::Rejected;
                if !(rejected || (verbose && !quiet)) {
                    return;
                }
                let detail = match (o.reason(), o.warnings.first()) {
                    (Some(reason), _) => format!(": {reason}"),
                    (None, Some(w)) => format!(": {w}"),
                    (None, None) => String::new(),
                };
                let moved = match &o.quarantined_to {
                    Some(to) => {
                        quarantined.fetch_add(1, Ordering::Relaxed);
                        format!("; moved to {} (reason beside it)", to.display())
                    }
                    None => String::new(),
                };
                say(&format!(
                    "{}: {}{detail}{moved}",
                    o.source_path,
                    o.status.name()
                ));
            }
        })),
        ..Progress::default()
    };
    let started = Instant::now();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let summary = std::thread::scope(|s| {
        let progress = &progress;
        let total = inputs.len() as u64;
        let bar = bar.clone();
        let reporter = s.spawn(move || report_progress(progress, total, finished, args.quiet, bar));
        let result = load(&inputs, &options, &factory, progress)
            .and_then(|summary| write_empty_tables(&factory, &summary.rows).map(|()| summary))
            .and_then(|summary| factory.commit(&replace).map(|_| summary));
        drop(done);
        let _ = reporter.join();
        result
    });
    let summary = match summary {
        Ok(summary) => summary,
        Err(e) => {
            factory.abandon();
            return Err(e.into());
        }
    };
    let file_format = file_format_name(format);
    write_manifest(
        &args.out,
        &Manifest::new(
            &summary,
            options.loaded_at,
            layout.partition.clone(),
            file_format,
        )
        .with_earlier_partitions(&args.out),
    )?;
    print_summary(&summary, started.elapsed(), &args.out);
    let moved = quarantined.load(Ordering::Relaxed);
    if let (Some(dir), true) = (&args.quarantine, moved > 0) {
        error_line(&format!(
            "{} moved to the quarantine folder {}, each with the reason beside it (NAME.reason.txt)",
            crate::output::count(moved, "rejected file", "rejected files"),
            dir.display()
        ));
    }
    Ok(if summary.rejected == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Locks the output folder and the quarantine folder (once when they are the same folder).
fn lock_folders(out: &Path, quarantine: Option<&Path>) -> Result<Vec<DirLock>> {
    let mut locks = vec![DirLock::acquire(out, "ndi-tool convert")?];
    if let Some(dir) = quarantine {
        let same = match (out.canonicalize(), dir.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same {
            locks.push(DirLock::acquire(dir, "ndi-tool convert, quarantine")?);
        }
    }
    Ok(locks)
}

fn file_format_name(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Parquet => "parquet",
        FileFormat::Jsonl => "jsonl",
    }
}

/// Whether `out` has a `documents` partition other than `partition`.
fn other_partitions(out: &std::path::Path, partition: &str) -> bool {
    std::fs::read_dir(out.join(Table::Documents.name())).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("load_date=") && name != partition
        })
    })
}

/// A progress bar on a terminal; a plain line every ten seconds otherwise.
fn report_progress(
    progress: &Progress,
    total: u64,
    finished: std::sync::mpsc::Receiver<()>,
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
) {
    let start = Instant::now();
    let mut last_line = Instant::now();
    // Wakes every 200 ms, and at once when the load is over (the sender is dropped).
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
        finished.recv_timeout(Duration::from_millis(200))
    {
        let files = progress.files.load(Ordering::Relaxed);
        let mb = progress.bytes_xml.load(Ordering::Relaxed) as f64 / 1e6;
        let secs = start.elapsed().as_secs_f64().max(1e-3);
        let msg = format!(
            "{mb:.1} MB XML  {:.0} files/s  {} rejected",
            files as f64 / secs,
            progress.rejected.load(Ordering::Relaxed)
        );
        if let Some(bar) = &bar {
            bar.set_position(files);
            bar.set_message(msg);
        } else if !quiet && last_line.elapsed() >= Duration::from_secs(10) {
            error_line(&format!("progress: {files}/{total} files  {msg}"));
            last_line = Instant::now();
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn print_summary(summary: &LoadSummary, elapsed: Duration, out: &std::path::Path) {
    let secs = elapsed.as_secs_f64().max(1e-3);
    error_line(&format!(
        "{}: {} ok, {} with warnings, {} rejected, {}  ({:.1} MB on disk, {:.1} MB XML, {:.1} s, {:.1} MB/s XML, {:.0} files/s)",
        crate::output::count(summary.files(), "file", "files"),
        summary.ok,
        summary.warning,
        summary.rejected,
        crate::output::count(summary.duplicate, "duplicate", "duplicates"),
        summary.bytes_on_disk as f64 / 1e6,
        summary.bytes_xml as f64 / 1e6,
        secs,
        summary.bytes_xml as f64 / 1e6 / secs,
        summary.files() as f64 / secs
    ));
    let rows: Vec<String> = Table::ALL
        .iter()
        .filter(|t| summary.rows[t.index()] > 0)
        .map(|t| format!("{} {}", t.name(), summary.rows[t.index()]))
        .collect();
    error_line(&format!("rows: {}", rows.join(", ")));
    if summary.quarantine_failed > 0 {
        error_line(&format!(
            "{} rejected files could not be quarantined: they stay where they were",
            summary.quarantine_failed
        ));
    }
    error_line(&format!("tables written to {}", out.display()));
}
