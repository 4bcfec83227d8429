//! Compaction (optimize), vacuum and history.
//!
//! Optimize goes through the kernel: its scan lists the active files, and its transaction
//! commits the rewritten file (`add`) and the replaced ones (`remove`, chosen by a selection
//! vector over the scan's rows) with `dataChange = false`. The kernel has no vacuum and no
//! history, so those are ours, per the Delta protocol: vacuum deletes data files no longer
//! referenced by the latest version once they have been unreferenced for the retention time
//! (the `deletionTimestamp` of their `remove` action, or the file's modification time for a
//! file no commit ever added, such as the leftover of a killed writer); history reads the
//! `commitInfo` action of each commit file. Both read the JSON commit files only: this crate
//! never deletes them (the kernel writes checkpoints but does no log clean-up), so they are
//! the complete log.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use delta_kernel::engine::arrow_data::ArrowEngineData;
use delta_kernel::transaction::UpdateTableOperation;
use delta_kernel::{Engine, FilteredEngineData, SnapshotRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::WriterProperties;

use crate::error::{Error, IoContext, Result};
use crate::files::write_data_file;
use crate::table::{AppendOutcome, CommitRequest, DeltaTable, Removes};

/// An active data file of a table version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveFile {
    /// Path relative to the table root, as in the log.
    pub path: String,
    /// Size in bytes.
    pub size: i64,
    /// Rows, when the log has statistics.
    pub num_records: Option<i64>,
    /// Partition column → value.
    pub partition_values: BTreeMap<String, String>,
}

/// What [`DeltaTable::optimize`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptimizeReport {
    /// Files replaced.
    pub files_removed: usize,
    /// Files written.
    pub files_added: usize,
    /// Bytes of the replaced files.
    pub bytes_removed: i64,
    /// Bytes of the written files.
    pub bytes_added: i64,
    /// The version committed (`None` when there was nothing to compact).
    pub version: Option<u64>,
}

/// What [`DeltaTable::vacuum`] did (or would do, in a dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VacuumReport {
    /// Files deleted (or to delete), relative to the table root.
    pub deleted: Vec<String>,
    /// Their bytes.
    pub bytes: u64,
}

/// One commit of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    /// The table version.
    pub version: u64,
    /// Commit time, milliseconds since the epoch (from `commitInfo`).
    pub timestamp: Option<i64>,
    /// The operation (`CREATE TABLE`, `WRITE`, `OPTIMIZE`, ...).
    pub operation: Option<String>,
    /// `operationParameters` (`mode` `Overwrite` for a [`DeltaTable::replace`]).
    pub parameters: BTreeMap<String, String>,
    /// `operationMetrics` (our run summary for imports).
    pub metrics: BTreeMap<String, String>,
    /// `engineInfo`.
    pub engine_info: Option<String>,
    /// The `txn` actions: application id → version.
    pub txns: BTreeMap<String, i64>,
    /// Number of `add` actions.
    pub adds: usize,
    /// Number of `remove` actions.
    pub removes: usize,
}

impl DeltaTable {
    /// The active data files of the latest version.
    pub fn active_files(&self) -> Result<Vec<ActiveFile>> {
        let snapshot = self.snapshot()?;
        active_files(&snapshot, self.engine())
    }

    /// Compacts, per partition, the files smaller than `target_bytes` into files of about
    /// that size (at least two files per rewrite), committed as one `OPTIMIZE` with
    /// `dataChange = false`: readers see the same rows. Fails when another writer committed in
    /// between (run it again); the files it wrote are then left for vacuum.
    pub fn optimize(
        &self,
        target_bytes: i64,
        properties: WriterProperties,
    ) -> Result<OptimizeReport> {
        let snapshot = self.snapshot()?;
        let files = active_files(&snapshot, self.engine())?;
        let mut by_partition: BTreeMap<BTreeMap<String, String>, Vec<ActiveFile>> = BTreeMap::new();
        for file in files {
            if file.size < target_bytes {
                by_partition
                    .entry(file.partition_values.clone())
                    .or_default()
                    .push(file);
            }
        }
        let mut bins: Vec<Vec<ActiveFile>> = Vec::new();
        for (_, mut files) in by_partition {
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let mut bin: Vec<ActiveFile> = Vec::new();
            let mut bytes = 0i64;
            for file in files {
                if !bin.is_empty() && bytes + file.size > target_bytes {
                    bins.push(std::mem::take(&mut bin));
                    bytes = 0;
                }
                bytes += file.size;
                bin.push(file);
            }
            bins.push(bin);
        }
        bins.retain(|bin| bin.len() >= 2);
        let mut report = OptimizeReport::default();
        if bins.is_empty() {
            return Ok(report);
        }
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let mut added = Vec::new();
        let mut removed = HashSet::new();
        for (index, bin) in bins.iter().enumerate() {
            let mut batches: Vec<RecordBatch> = Vec::new();
            let mut schema = None;
            for file in bin {
                let path = self.path().join(decode_path(&file.path));
                let reader = File::open(&path).io("open", &path)?;
                let reader = ParquetRecordBatchReaderBuilder::try_new(reader)
                    .and_then(|b| b.with_batch_size(65_536).build())
                    .map_err(|source| Error::Parquet {
                        path: path.clone(),
                        source,
                    })?;
                for batch in reader {
                    let batch = batch?;
                    schema.get_or_insert_with(|| batch.schema());
                    batches.push(batch);
                }
                report.files_removed += 1;
                report.bytes_removed += file.size;
                removed.insert(file.path.clone());
            }
            let Some(schema) = schema else { continue };
            let first = &bin[0];
            let folder = first.path.rsplit_once('/').map(|(dir, _)| dir);
            let name = format!("part-optimize-{stamp}-{index:05}.parquet");
            let relative = match folder {
                Some(dir) => format!("{}/{name}", decode_path(dir)),
                None => name,
            };
            let partition_values = first
                .partition_values
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone())))
                .collect();
            let written = write_data_file(
                self.path(),
                &relative,
                schema,
                &batches,
                partition_values,
                properties.clone(),
            )?;
            report.files_added += 1;
            report.bytes_added += written.size;
            added.push(written);
        }
        let metrics = vec![
            (
                "numRemovedFiles".to_string(),
                report.files_removed.to_string(),
            ),
            ("numAddedFiles".to_string(), report.files_added.to_string()),
            (
                "numRemovedBytes".to_string(),
                report.bytes_removed.to_string(),
            ),
            ("numAddedBytes".to_string(), report.bytes_added.to_string()),
        ];
        let (outcome, _) = self.commit_files(CommitRequest {
            files: &added,
            txn: None,
            metrics: &metrics,
            operation: UpdateTableOperation::Optimize,
            parameters: &[],
            data_change: false,
            removes: Removes::Chosen(snapshot, &removed),
        })?;
        if let AppendOutcome::Committed { version, .. } = outcome {
            report.version = Some(version);
        }
        Ok(report)
    }

    /// Deletes the data files the latest version does not reference and that have been
    /// unreferenced for at least `retention` (see the module documentation). With `dry_run`,
    /// only lists them.
    pub fn vacuum(&self, retention: Duration, dry_run: bool) -> Result<VacuumReport> {
        let snapshot = self.snapshot()?;
        let active: HashSet<String> = active_files(&snapshot, self.engine())?
            .into_iter()
            .map(|f| decode_path(&f.path))
            .collect();
        let mut removed_at: HashMap<String, i64> = HashMap::new();
        for (_, line) in log_lines(self.path())? {
            if let Some(remove) = line.get("remove")
                && let (Some(path), Some(at)) = (
                    remove.get("path").and_then(|p| p.as_str()),
                    remove.get("deletionTimestamp").and_then(|t| t.as_i64()),
                )
            {
                removed_at.insert(decode_path(path), at);
            }
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let cutoff = now.saturating_sub(i64::try_from(retention.as_millis()).unwrap_or(i64::MAX));
        let mut report = VacuumReport::default();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).io("list", &dir)? {
                let entry = entry.io("list", &dir)?;
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                let file_type = entry.file_type().io("stat", &path)?;
                let top = dir == self.path();
                if top && name.starts_with('_') {
                    continue;
                }
                if file_type.is_dir() {
                    if !name.starts_with('.') {
                        stack.push(path);
                    }
                    continue;
                }
                if !file_type.is_file() {
                    continue;
                }
                let Ok(relative) = path.strip_prefix(self.path()) else {
                    continue;
                };
                let relative = relative.to_string_lossy().replace('\\', "/");
                if active.contains(&relative) {
                    continue;
                }
                let metadata = entry.metadata().io("stat", &path)?;
                let unreferenced_since = match removed_at.get(&relative) {
                    Some(at) => *at,
                    None => metadata
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                        .unwrap_or(i64::MAX),
                };
                if unreferenced_since > cutoff {
                    continue;
                }
                if !dry_run {
                    std::fs::remove_file(&path).io("delete", &path)?;
                }
                report.bytes += metadata.len();
                report.deleted.push(relative);
            }
        }
        report.deleted.sort();
        Ok(report)
    }

    /// Every commit of the log, oldest first, from its `commitInfo`, `txn`, `add` and
    /// `remove` actions.
    pub fn history(&self) -> Result<Vec<Commit>> {
        let mut commits: BTreeMap<u64, Commit> = BTreeMap::new();
        for (version, line) in log_lines(self.path())? {
            let commit = commits.entry(version).or_insert_with(|| Commit {
                version,
                timestamp: None,
                operation: None,
                parameters: BTreeMap::new(),
                metrics: BTreeMap::new(),
                engine_info: None,
                txns: BTreeMap::new(),
                adds: 0,
                removes: 0,
            });
            if let Some(info) = line.get("commitInfo") {
                commit.timestamp = info
                    .get("inCommitTimestamp")
                    .or_else(|| info.get("timestamp"))
                    .and_then(|t| t.as_i64());
                commit.operation = info
                    .get("operation")
                    .and_then(|o| o.as_str())
                    .map(str::to_string);
                commit.engine_info = info
                    .get("engineInfo")
                    .and_then(|o| o.as_str())
                    .map(str::to_string);
                commit.parameters = string_map(info.get("operationParameters"));
                commit.metrics = string_map(info.get("operationMetrics"));
            }
            if let Some(txn) = line.get("txn")
                && let (Some(app), Some(v)) = (
                    txn.get("appId").and_then(|a| a.as_str()),
                    txn.get("version").and_then(|v| v.as_i64()),
                )
            {
                commit.txns.insert(app.to_string(), v);
            }
            if line.get("add").is_some() {
                commit.adds += 1;
            }
            if line.get("remove").is_some() {
                commit.removes += 1;
            }
        }
        Ok(commits.into_values().collect())
    }
}

/// A JSON object's values as text (non-text values in their JSON form, nulls left out).
fn string_map(value: Option<&serde_json::Value>) -> BTreeMap<String, String> {
    let Some(object) = value.and_then(|m| m.as_object()) else {
        return BTreeMap::new();
    };
    object
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (key.clone(), value)
        })
        .collect()
}

/// Every action line of every JSON commit file, with its version, in version order.
fn log_lines(table: &Path) -> Result<Vec<(u64, serde_json::Value)>> {
    let log = table.join("_delta_log");
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(&log).io("list", &log)? {
        let entry = entry.io("list", &log)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".json")
            && stem.len() == 20
            && stem.bytes().all(|b| b.is_ascii_digit())
            && let Ok(version) = stem.parse::<u64>()
        {
            versions.push((version, entry.path()));
        }
    }
    versions.sort();
    let mut lines = Vec::new();
    for (version, path) in versions {
        let text = std::fs::read_to_string(&path).io("read", &path)?;
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value = serde_json::from_str(line).map_err(|e| Error::Log {
                path: path.clone(),
                line: index + 1,
                message: e.to_string(),
            })?;
            lines.push((version, value));
        }
    }
    Ok(lines)
}

/// Decodes the `%XX` escapes of a path from the log (paths are URI-encoded).
pub(crate) fn decode_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn active_files(snapshot: &SnapshotRef, engine: &dyn Engine) -> Result<Vec<ActiveFile>> {
    let scan = Arc::clone(snapshot).scan_builder().build()?;
    let mut files: Vec<ActiveFile> = Vec::new();
    for metadata in scan.scan_metadata(engine)? {
        let metadata = metadata?;
        files = metadata.visit_scan_files(files, |files, scan_file| {
            files.push(ActiveFile {
                path: scan_file.path,
                size: scan_file.size,
                num_records: scan_file
                    .stats
                    .as_ref()
                    .and_then(|s| i64::try_from(s.num_records).ok()),
                partition_values: scan_file.partition_values.into_iter().collect(),
            });
        })?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The scan rows of `snapshot` whose path is in `paths` (every active file when `None`), for
/// a transaction's remove files, and how many rows were selected.
pub(crate) fn select_files(
    snapshot: &SnapshotRef,
    engine: &dyn Engine,
    paths: Option<&HashSet<String>>,
) -> Result<(Vec<FilteredEngineData>, usize)> {
    let scan = Arc::clone(snapshot).scan_builder().build()?;
    let mut selected = Vec::new();
    let mut count = 0;
    for metadata in scan.scan_metadata(engine)? {
        let (data, selection) = metadata?.scan_files.into_parts();
        let data = ArrowEngineData::try_from_engine_data(data)?;
        let batch = data.record_batch();
        let Some(column) = batch.column_by_name("path") else {
            return Err(Error::Invalid("scan rows without a path column".into()));
        };
        let column = column.as_string::<i32>();
        let vector: Vec<bool> = (0..batch.num_rows())
            .map(|i| {
                selection.get(i).copied().unwrap_or(true)
                    && column.is_valid(i)
                    && paths.is_none_or(|paths| paths.contains(column.value(i)))
            })
            .collect();
        let chosen = vector.iter().filter(|&&s| s).count();
        if chosen > 0 {
            count += chosen;
            selected.push(FilteredEngineData::try_new(data, vector)?);
        }
    }
    Ok((selected, count))
}
