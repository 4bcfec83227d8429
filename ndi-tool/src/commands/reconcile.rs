//! `reconcile`: a thin driver around `ndi_reconcile`. It reads the imported tables from a
//! Parquet folder as `convert` writes it and writes the reconciled tables beside them; the
//! core does no I/O, so moving to another store (Delta tables) changes only
//! [`read_tables`] and [`write_tables`].

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMillisecondType, TimestampSecondType};
use arrow_array::{Array, ArrayRef, RecordBatch, TimestampMillisecondArray};
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
    let mut out = std::io::stdout().lock();
    if args.print_rules {
        writeln!(out, "{}", rules.to_json())?;
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
    let (result, counts) = reconcile(&inputs, &rules, as_of)?;
    write_tables(root, &result)?;
    writeln!(
        out,
        "{} documents, {} devices ({} stale), {} installations, {} usage rows ({} usage records unmatched), {} identity findings; tables under {}",
        counts.documents,
        counts.devices,
        counts.stale,
        result.installations.num_rows(),
        result.usage_by_installation.num_rows(),
        counts.usage_unmatched,
        result.identity_findings.num_rows(),
        root.display()
    )?;
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
    if dir.is_dir() {
        walk(dir, &mut files)?;
    }
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), files)?;
        } else if kind.is_file() && name.ends_with(".parquet") {
            files.push(entry.path());
        }
    }
    Ok(())
}

/// The imported tables, in the order of [`INPUTS`].
fn read_tables(root: &Path) -> Result<Vec<Vec<RecordBatch>>> {
    read_named(root, &INPUTS)
}

/// The batches of the named tables under `root` (a missing table has none).
fn read_named(root: &Path, names: &[&str]) -> Result<Vec<Vec<RecordBatch>>> {
    names
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

/// `inspect --device NAME|ID --table ROOT`: a device's documents, the reasons that joined
/// them, and its latest hardware and software summary, from the reconciled tables.
pub fn inspect_device(root: &Path, device: &str, json: bool) -> Result<Outcome> {
    let t = read_named(root, &["devices", "device_map", "installations"])?;
    if t[0].is_empty() {
        bail!(
            "{} holds no devices table: run `ndi-tool reconcile --table {}` first",
            root.display(),
            root.display()
        );
    }
    let wanted = device.trim().to_lowercase();
    let mut found = Vec::new();
    for b in &t[0] {
        let ids = strings(b, "device_id")?;
        let names = strings(b, "machine_name")?;
        let seen = b
            .column_by_name("names_seen")
            .context("devices: no names_seen column")?
            .as_list::<i32>();
        for i in 0..b.num_rows() {
            let mut hit = ids[i].as_deref() == Some(device)
                || names[i].as_deref().map(str::to_lowercase) == Some(wanted.clone());
            if !hit {
                let v = seen.value(i);
                let v = v.as_string::<i32>();
                hit = v.iter().flatten().any(|n| n.to_lowercase() == wanted);
            }
            if hit {
                found.push(row_json(b, i)?);
            }
        }
    }
    if found.is_empty() {
        crate::output::error_line(&format!(
            "no device named or with id {device:?} under {}",
            root.display()
        ));
        return Ok(Outcome::Failure);
    }
    for dev in &mut found {
        let id = dev["device_id"].as_str().unwrap_or_default().to_string();
        let mut docs = Vec::new();
        for b in &t[1] {
            let ids = strings(b, "device_id")?;
            for (i, row) in ids.iter().enumerate() {
                if row.as_deref() == Some(id.as_str()) {
                    docs.push(row_json(b, i)?);
                }
            }
        }
        docs.sort_by(|a, b| {
            (a["inventory_time"].as_str(), a["document_id"].as_str())
                .cmp(&(b["inventory_time"].as_str(), b["document_id"].as_str()))
        });
        let mut publishers: std::collections::BTreeMap<String, u64> = Default::default();
        let mut installations = 0u64;
        for b in &t[2] {
            let ids = strings(b, "device_id")?;
            let publisher = strings(b, "publisher")?;
            for (row, publisher) in ids.iter().zip(publisher) {
                if row.as_deref() == Some(id.as_str()) {
                    installations += 1;
                    *publishers.entry(publisher.unwrap_or_default()).or_default() += 1;
                }
            }
        }
        let mut top: Vec<(String, u64)> = publishers.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(5);
        dev["installations"] = installations.into();
        dev["top_publishers"] = serde_json::Value::Array(
            top.into_iter()
                .map(|(p, n)| serde_json::json!({"publisher": p, "installations": n}))
                .collect(),
        );
        dev["documents_detail"] = serde_json::Value::Array(docs);
    }
    let mut out = std::io::stdout().lock();
    if json {
        for dev in &found {
            writeln!(out, "{dev}")?;
        }
        return Ok(Outcome::Success);
    }
    let get = |v: &serde_json::Value, k: &str| -> String {
        match &v[k] {
            serde_json::Value::Null => "-".into(),
            serde_json::Value::String(s) => crate::output::escape_controls(s).into_owned(),
            other => other.to_string(),
        }
    };
    for dev in &found {
        writeln!(out, "device {}", get(dev, "device_id"))?;
        writeln!(
            out,
            "  name      {} ({})  names seen: {}",
            get(dev, "machine_name"),
            get(dev, "domain"),
            get(dev, "names_seen")
        )?;
        writeln!(
            out,
            "  identity  serial {}  uuid {}  agent {}",
            get(dev, "serial_number"),
            get(dev, "hardware_uuid"),
            get(dev, "agent_id")
        )?;
        writeln!(
            out,
            "  seen      {} .. {}  stale: {}",
            get(dev, "first_seen"),
            get(dev, "last_seen"),
            get(dev, "stale")
        )?;
        writeln!(
            out,
            "  hardware  {} {}, {}  (latest hardware document {})",
            get(dev, "manufacturer"),
            get(dev, "model"),
            get(dev, "os"),
            get(dev, "latest_hardware_document")
        )?;
        writeln!(
            out,
            "  software  {} installations (latest software document {})",
            get(dev, "installations"),
            get(dev, "latest_software_document")
        )?;
        if let Some(top) = dev["top_publishers"].as_array() {
            for p in top {
                writeln!(
                    out,
                    "            {:>5}  {}",
                    get(p, "installations"),
                    get(p, "publisher")
                )?;
            }
        }
        writeln!(out, "  documents ({})", get(dev, "documents"))?;
        if let Some(docs) = dev["documents_detail"].as_array() {
            for d in docs {
                let with = match d["matched_document"].as_str() {
                    Some(m) => format!(" (matched {m})"),
                    None => String::new(),
                };
                writeln!(
                    out,
                    "    {}  {}  {:<12} {}: {}{}",
                    get(d, "inventory_time"),
                    get(d, "document_id"),
                    get(d, "machine_name"),
                    get(d, "match_reason"),
                    get(d, "matched_on"),
                    with
                )?;
            }
        }
    }
    Ok(Outcome::Success)
}

/// A text column's values.
fn strings(b: &RecordBatch, name: &str) -> Result<Vec<Option<String>>> {
    let c = b
        .column_by_name(name)
        .with_context(|| format!("no column {name}"))?;
    Ok(c.as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// Row `i` of a batch as a JSON object (timestamps as ISO text, lists as arrays).
fn row_json(b: &RecordBatch, i: usize) -> Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    for (f, c) in b.schema().fields().iter().zip(b.columns()) {
        let v = if c.is_null(i) {
            serde_json::Value::Null
        } else {
            match c.data_type() {
                DataType::Utf8 => c.as_string::<i32>().value(i).into(),
                DataType::Int64 => c.as_primitive::<Int64Type>().value(i).into(),
                DataType::Boolean => c.as_boolean().value(i).into(),
                DataType::Timestamp(unit, _) => {
                    let raw = match unit {
                        TimeUnit::Second => c.as_primitive::<TimestampSecondType>().value(i),
                        TimeUnit::Millisecond => {
                            c.as_primitive::<TimestampMillisecondType>().value(i) / 1000
                        }
                        _ => 0,
                    };
                    chrono::DateTime::from_timestamp(raw, 0)
                        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                        .unwrap_or_default()
                        .into()
                }
                DataType::List(_) => {
                    let v = c.as_list::<i32>().value(i);
                    v.as_string::<i32>()
                        .iter()
                        .map(|s| serde_json::Value::from(s.unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .into()
                }
                _ => serde_json::Value::Null,
            }
        };
        out.insert(f.name().clone(), v);
    }
    Ok(serde_json::Value::Object(out))
}
