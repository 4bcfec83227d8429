//! `reconcile`: a thin driver around `ndi_reconcile`. It reads the imported tables from a
//! Parquet folder as `convert` writes it and writes the reconciled tables beside them; the
//! core does no I/O, so moving to another store (Delta tables) changes only
//! [`read_tables`] and [`write_tables`].

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampSecondType;
use arrow_array::{ArrayRef, RecordBatch, TimestampMillisecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use ndi_reconcile::{Inputs, Output, Reconciled, Rules, reconcile};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::cli::ReconcileArgs;
use crate::commands::Outcome;

/// The imported tables the reconciliation reads.
const INPUTS: [&str; 6] = [
    "documents",
    "inventories",
    "hardware",
    "installer_evidence",
    "file_evidence",
    "usage",
];

pub fn run(args: &ReconcileArgs) -> Result<Outcome> {
    let mut rules = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Rules::from_json(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Rules::default(),
    };
    if let Some(days) = args.stale_days {
        rules.stale_days = days;
    }
    if args.print_rules {
        println!("{}", rules.to_json());
        return Ok(Outcome::Success);
    }
    let Some(root) = &args.table else {
        bail!("--table is required");
    };
    let as_of = match &args.as_of {
        Some(t) => parse_time(t)?,
        None => chrono::Utc::now().timestamp(),
    };
    let tables = read_tables(root)?;
    if tables[1].is_empty() {
        bail!(
            "{} holds no inventories table (ROOT/inventories/*.parquet): run `ndi-tool convert ... --out {}` first",
            root.display(),
            root.display()
        );
    }
    let inputs = Inputs {
        documents: &tables[0],
        inventories: &tables[1],
        hardware: &tables[2],
        installer_evidence: &tables[3],
        file_evidence: &tables[4],
        usage: &tables[5],
    };
    let (out, counts) = reconcile(&inputs, &rules, as_of)?;
    write_tables(root, &out)?;
    println!(
        "{} documents, {} devices ({} stale), {} installations, {} usage rows ({} usage records unmatched), {} identity findings; tables under {}",
        counts.documents,
        counts.devices,
        counts.stale,
        out.installations.num_rows(),
        out.usage_by_installation.num_rows(),
        counts.usage_unmatched,
        out.identity_findings.num_rows(),
        root.display()
    );
    Ok(Outcome::Success)
}

/// `--as-of`: seconds, a date, a date and time (UTC) or RFC 3339.
fn parse_time(t: &str) -> Result<i64> {
    if let Ok(s) = t.parse::<i64>() {
        return Ok(s);
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(d.timestamp());
    }
    if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S") {
        return Ok(d.and_utc().timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        && let Some(d) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(d.and_utc().timestamp());
    }
    bail!("--as-of {t:?}: expected seconds, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or RFC 3339")
}

/// Every `*.parquet` file under `dir` (partition folders included), sorted; hidden files
/// (a run's parts not yet committed) are skipped.
fn parquet_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.ends_with(".parquet") && !name.starts_with('.') {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// The imported tables, in the order of [`INPUTS`].
fn read_tables(root: &Path) -> Result<Vec<Vec<RecordBatch>>> {
    INPUTS
        .iter()
        .map(|table| {
            let mut batches = Vec::new();
            for path in parquet_files(&root.join(table))? {
                let file =
                    File::open(&path).with_context(|| format!("opening {}", path.display()))?;
                let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                    .and_then(|b| b.with_batch_size(65_536).build())
                    .with_context(|| format!("reading {}", path.display()))?;
                for batch in reader {
                    batches.push(batch.with_context(|| format!("reading {}", path.display()))?);
                }
            }
            Ok(batches)
        })
        .collect()
}

/// The batch with its second timestamps in milliseconds: Parquet has no seconds unit (the
/// convention of `convert`'s files).
fn millis(batch: &RecordBatch) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        if let DataType::Timestamp(TimeUnit::Second, tz) = f.data_type() {
            let ms: TimestampMillisecondArray = c
                .as_primitive::<TimestampSecondType>()
                .unary(|v| v.saturating_mul(1000));
            columns.push(Arc::new(ms.with_timezone_opt(tz.clone())));
            fields.push(Field::new(
                f.name(),
                DataType::Timestamp(TimeUnit::Millisecond, tz.clone()),
                f.is_nullable(),
            ));
        } else {
            columns.push(c.clone());
            fields.push(f.as_ref().clone());
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// Writes each reconciled table as `ROOT/<table>/part-00000.parquet`: every table is written
/// under a hidden name first, then the earlier parts are removed and the new ones renamed
/// into place, so a failed run leaves the earlier tables whole.
fn write_tables(root: &Path, out: &Reconciled) -> Result<()> {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
        .build();
    let mut staged = Vec::new();
    for t in Output::ALL {
        let dir = root.join(t.name());
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = dir.join(".part-00000.parquet.tmp");
        let batch = millis(out.table(t))?;
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props.clone()))?;
        w.write(&batch)?;
        w.into_inner()?
            .sync_all()
            .with_context(|| format!("writing {}", tmp.display()))?;
        staged.push((dir, tmp));
    }
    for (dir, tmp) in staged {
        for old in parquet_files(&dir)? {
            std::fs::remove_file(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        let part = dir.join("part-00000.parquet");
        std::fs::rename(&tmp, &part).with_context(|| format!("renaming {}", tmp.display()))?;
    }
    Ok(())
}
