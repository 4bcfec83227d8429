//! `reconcile`: a thin driver around `ndi_reconcile`, which does no I/O. It reads the imported
//! tables and writes the five reconciled tables beside them, in one of two stores:
//!
//! - **Delta** (a root that `import` or `convert --format delta` wrote, `ROOT/<table>/_delta_log`):
//!   each input table is read as one snapshot through the kernel (`documents` first; rows of
//!   documents not yet in that snapshot, from an import committing meanwhile, are left out);
//!   each reconciled table is replaced in one commit ([`ndi_delta::DeltaTable::replace`]) in
//!   the order of [`WRITE_ORDER`], every commit carrying the `txn` of application
//!   [`APP_ID`] and the run number, under a lock (`ROOT/_reconcile.lock`) that keeps a
//!   second reconcile of the root out.
//! - **Parquet** (a folder written by `convert --out`): `ROOT/<table>/**/*.parquet` in,
//!   `ROOT/<table>/part-00000.parquet` out, swapped in together (see [`write_parquet`]).

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, TimestampMillisecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use ndi_delta::{DeltaRoot, FileLock, ReplaceOutcome, TxnId, delta_batch, write_data_file};
use ndi_reconcile::{Inputs, Output, Reconciled, Rules, reconcile};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::cli::ReconcileArgs;
use crate::commands::Outcome;
use crate::commands::import::root_options;

/// The imported tables the reconciliation reads, with the columns it reads from each (in
/// the order of `ndi_reconcile::Inputs`); `documents` first.
const INPUTS: [(&str, &[&str]); 6] = [
    ("documents", &["document_id", "status", "loaded_at"]),
    (
        "inventories",
        &[
            "document_id",
            "machine_name",
            "scope",
            "inventory_time",
            "has_hardware",
            "has_software",
            "serial_number",
            "hardware_uuid",
            "agent_id",
        ],
    ),
    ("hardware", &["document_id", "class", "property", "value"]),
    (
        "installer_evidence",
        &[
            "document_id",
            "evidence_type",
            "name",
            "version",
            "publisher",
            "product_code",
            "install_date",
        ],
    ),
    (
        "file_evidence",
        &[
            "document_id",
            "file_name",
            "product_name",
            "product_version",
        ],
    ),
    (
        "usage",
        &[
            "document_id",
            "device_name",
            "device_domain",
            "device_guid",
            "app_name",
            "app_version",
            "file_name",
            "file_product_name",
            "file_product_version",
            "run_seconds",
            "active_seconds",
            "sessions",
            "week_start",
            "last_used",
        ],
    ),
];

/// The application id of the `txn` action of reconcile's commits.
const APP_ID: &str = "ndi-reconcile";

/// The order in which a Delta run commits the reconciled tables: `devices` last, so that a
/// reader starting from `devices` finds each device's map, installations and usage of the
/// same run or, for devices it has not seen yet, of the earlier one.
const WRITE_ORDER: [Output; 5] = [
    Output::DeviceMap,
    Output::IdentityFindings,
    Output::Installations,
    Output::UsageByInstallation,
    Output::Devices,
];

/// The version read of each imported table (by name).
type InputVersions = Vec<(String, u64)>;

/// The lock file that keeps a second reconcile of a Delta root out.
const LOCK: &str = "_reconcile.lock";

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
    let delta = is_delta(root, "inventories") || is_delta(root, "documents");
    // Held until the run ends (Delta only; a Parquet run swaps whole files in).
    let _lock = if delta { Some(lock(root)?) } else { None };
    let (tables, versions) = if delta {
        let store = open_delta(root)?;
        let (tables, versions) = read_delta(&store)?;
        (tables, Some((store, versions)))
    } else {
        (read_parquet(root)?, None)
    };
    if tables[1].is_empty() {
        bail!(
            "{} holds no inventories: import documents first (`ndi-tool import --table {}` or `ndi-tool convert ... --out {}`)",
            root.display(),
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
    let written = match &versions {
        Some((store, versions)) => {
            let run = write_delta(store, &result, as_of, versions)?;
            format!("Delta tables under {} (run {run})", root.display())
        }
        None => {
            write_parquet(root, &result)?;
            format!("tables under {}", root.display())
        }
    };
    writeln!(
        out,
        "{} documents, {} devices ({} stale), {} installations, {} usage rows ({} usage records unmatched), {} identity findings; {written}",
        counts.documents,
        counts.devices,
        counts.stale,
        result.installations.num_rows(),
        result.usage_by_installation.num_rows(),
        counts.usage_unmatched,
        result.identity_findings.num_rows(),
    )?;
    Ok(Outcome::Success)
}

/// Whether `root/name` is a Delta table (has a log).
fn is_delta(root: &Path, name: &str) -> bool {
    root.join(name).join("_delta_log").is_dir()
}

fn open_delta(root: &Path) -> Result<DeltaRoot> {
    DeltaRoot::open(root, root_options(false, 10, 2))
        .with_context(|| format!("opening the Delta tables under {}", root.display()))
}

/// Takes the reconcile lock of a Delta root.
fn lock(root: &Path) -> Result<FileLock> {
    match FileLock::acquire(&root.join(LOCK), false) {
        Err(ndi_delta::Error::Locked { path }) => bail!(
            "{}: another reconcile of these tables is running (it holds {})",
            root.display(),
            path.display()
        ),
        other => Ok(other?),
    }
}

/// The imported tables of a Delta root, in the order of [`INPUTS`] (a missing table has no
/// batches), and the version read of each. `documents` is read first, and rows of other
/// tables whose `document_id` is not in that snapshot are left out: an import commits
/// `documents` last, so those rows belong to a run that was still committing and may be
/// incomplete; the next reconcile takes them.
fn read_delta(store: &DeltaRoot) -> Result<(Vec<Vec<RecordBatch>>, InputVersions)> {
    let mut tables = Vec::new();
    let mut versions = Vec::new();
    let mut known: Option<HashSet<String>> = None;
    for (name, columns) in INPUTS {
        if !is_delta(store.path(), name) {
            tables.push(Vec::new());
            continue;
        }
        let rows = store
            .open_table(name)
            .and_then(|t| t.read(Some(columns)))
            .with_context(|| format!("reading the Delta table {name}"))?;
        versions.push((name.to_string(), rows.version));
        let batches = match &known {
            None => {
                known = Some(document_ids(&rows.batches));
                rows.batches
            }
            Some(ids) => rows
                .batches
                .iter()
                .map(|b| keep_documents(b, ids))
                .collect::<Result<_>>()?,
        };
        tables.push(batches);
    }
    Ok((tables, versions))
}

/// The `document_id`s of the batches.
fn document_ids(batches: &[RecordBatch]) -> HashSet<String> {
    let mut ids = HashSet::new();
    for b in batches {
        if let Some(c) = b.column_by_name("document_id") {
            ids.extend(c.as_string::<i32>().iter().flatten().map(str::to_string));
        }
    }
    ids
}

/// The rows of `batch` whose `document_id` is in `ids`.
fn keep_documents(batch: &RecordBatch, ids: &HashSet<String>) -> Result<RecordBatch> {
    let Some(c) = batch.column_by_name("document_id") else {
        return Ok(batch.clone());
    };
    let keep: BooleanArray = c
        .as_string::<i32>()
        .iter()
        .map(|id| Some(id.is_some_and(|id| ids.contains(id))))
        .collect();
    if keep.true_count() == batch.num_rows() {
        return Ok(batch.clone());
    }
    Ok(arrow_select::filter::filter_record_batch(batch, &keep)?)
}

/// Replaces each reconciled table of a Delta root (created when missing, not partitioned) by
/// this run's rows, one commit per table in [`WRITE_ORDER`], each with the `txn` of
/// [`APP_ID`] at the run number (one more than the highest any of the five tables has, so
/// the same for all five) and the run in `commitInfo.operationMetrics`. Returns the run
/// number.
fn write_delta(
    store: &DeltaRoot,
    out: &Reconciled,
    as_of: i64,
    versions: &[(String, u64)],
) -> Result<i64> {
    let mut tables = Vec::new();
    let mut last = 0;
    for t in WRITE_ORDER {
        let schema = out.table(t).schema();
        let table = store
            .create_or_open(t.name(), &schema, &[])
            .with_context(|| format!("opening the Delta table {}", t.name()))?;
        last = last.max(table.txn_version(APP_ID)?.unwrap_or(0));
        tables.push((t, table));
    }
    let run = last + 1;
    let txn = TxnId {
        app_id: APP_ID.to_string(),
        version: run,
    };
    let stamp = chrono::Utc::now().timestamp_millis();
    for (t, table) in tables {
        let batch = delta_batch(out.table(t))?;
        let mut files = Vec::new();
        if batch.num_rows() > 0 {
            let name = format!("part-r{run:010}-{stamp}.parquet");
            files.push(
                write_data_file(
                    table.path(),
                    &name,
                    batch.schema(),
                    std::slice::from_ref(&batch),
                    BTreeMap::new(),
                    ndi_load::store::base_properties(),
                )
                .with_context(|| format!("writing {}", table.path().join(&name).display()))?,
            );
        }
        let mut metrics = vec![
            ("ndiRun".to_string(), run.to_string()),
            ("ndiRows".to_string(), batch.num_rows().to_string()),
            ("ndiAsOf".to_string(), as_of.to_string()),
        ];
        metrics.extend(
            versions
                .iter()
                .map(|(name, v)| (format!("ndiInputVersion.{name}"), v.to_string())),
        );
        let outcome = table
            .replace(&files, Some(&txn), &metrics)
            .with_context(|| format!("committing the Delta table {}", t.name()))?;
        if let ReplaceOutcome::AlreadyCommitted { txn_version } = outcome {
            bail!(
                "{}: run {txn_version} of {APP_ID} is already there, another reconcile committed during this one",
                table.path().display()
            );
        }
    }
    Ok(run)
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

/// The imported tables of a Parquet folder, in the order of [`INPUTS`].
fn read_parquet(root: &Path) -> Result<Vec<Vec<RecordBatch>>> {
    let names: Vec<&str> = INPUTS.iter().map(|(name, _)| *name).collect();
    read_named(root, &names)
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
fn write_parquet(root: &Path, out: &Reconciled) -> Result<()> {
    let props = ndi_load::store::base_properties();
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
    let names = ["devices", "device_map", "installations"];
    let t = if is_delta(root, "devices") {
        let store = open_delta(root)?;
        names
            .iter()
            .map(|name| {
                if !is_delta(root, name) {
                    return Ok(Vec::new());
                }
                let rows = store
                    .open_table(name)
                    .and_then(|t| t.read(None))
                    .with_context(|| format!("reading the Delta table {name}"))?;
                Ok(rows.batches)
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        read_named(root, &names)?
    };
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
                        TimeUnit::Millisecond => c
                            .as_primitive::<TimestampMillisecondType>()
                            .value(i)
                            .div_euclid(1000),
                        TimeUnit::Microsecond => c
                            .as_primitive::<TimestampMicrosecondType>()
                            .value(i)
                            .div_euclid(1_000_000),
                        TimeUnit::Nanosecond => c
                            .as_primitive::<arrow_array::types::TimestampNanosecondType>()
                            .value(i)
                            .div_euclid(1_000_000_000),
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
