//! `_manifest.json`: what a run wrote, for readers that want to check counts.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::load::{LoadError, LoadSummary};
use crate::tables::{SCHEMA_VERSION, Table};

/// What one partition of a partitioned output holds (the run that wrote it last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionEntry {
    /// `loaded_at` of that run.
    pub loaded_at: i64,
    /// Inputs per status.
    pub inputs: BTreeMap<String, u64>,
    /// Rows per table.
    pub rows: BTreeMap<String, u64>,
}

/// The manifest of an output folder: the last run's settings, and counts for everything a
/// reader of the tables sees. Unpartitioned, that is the last run (an earlier run's tables are
/// replaced or refused). Partitioned by date, `partitions` has one entry per load date, kept
/// from earlier runs for other dates, and `inputs` and `rows` are their sums.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// Version of the table contract.
    pub schema_version: u32,
    /// `ndi-tool`.
    pub tool: &'static str,
    /// The tool's version.
    pub tool_version: &'static str,
    /// `loaded_at` of the run (seconds since the epoch, UTC).
    pub loaded_at: i64,
    /// The partition folder, if any.
    pub partition: Option<String>,
    /// File format of the tables.
    pub file_format: &'static str,
    /// Inputs per status.
    pub inputs: BTreeMap<&'static str, u64>,
    /// Rows written per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Per load date, when partitioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partitions: Option<BTreeMap<String, PartitionEntry>>,
}

impl Manifest {
    /// The manifest of a run that produced `summary`.
    pub fn new(
        summary: &LoadSummary,
        loaded_at: i64,
        partition: Option<String>,
        file_format: &'static str,
    ) -> Self {
        let inputs = BTreeMap::from([
            ("total", summary.files()),
            ("ok", summary.ok),
            ("warning", summary.warning),
            ("rejected", summary.rejected),
            ("duplicate", summary.duplicate),
        ]);
        let rows = Table::ALL
            .iter()
            .map(|t| (t.name(), summary.rows[t.index()]))
            .collect();
        Manifest {
            schema_version: SCHEMA_VERSION,
            tool: "ndi-tool",
            tool_version: env!("CARGO_PKG_VERSION"),
            loaded_at,
            partition,
            file_format,
            inputs,
            rows,
            partitions: None,
        }
    }

    /// The file format recorded by the `_manifest.json` already in `root`, if any.
    pub fn earlier_file_format(root: &Path) -> Option<String> {
        let text = std::fs::read_to_string(root.join("_manifest.json")).ok()?;
        let manifest: Value = serde_json::from_str(&text).ok()?;
        manifest["file_format"].as_str().map(str::to_string)
    }

    /// This run's manifest with the partitions of the `_manifest.json` already in `root` for
    /// other load dates (when this run is partitioned), and the totals over all of them.
    pub fn with_earlier_partitions(mut self, root: &Path) -> Self {
        let Some(partition) = self.partition.clone() else {
            return self;
        };
        let mut partitions = std::fs::read_to_string(root.join("_manifest.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .map(|earlier| earlier_partitions(&earlier))
            .unwrap_or_default();
        // Only partitions still on disk count: every run writes a `documents` part, so a
        // date whose `documents` folder was removed by hand is gone.
        partitions.retain(|name, _| root.join(Table::Documents.name()).join(name).is_dir());
        let entry = PartitionEntry {
            loaded_at: self.loaded_at,
            inputs: self
                .inputs
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            rows: self.rows.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        };
        partitions.insert(partition, entry);
        for counts in self.inputs.values_mut().chain(self.rows.values_mut()) {
            *counts = 0;
        }
        for e in partitions.values() {
            for (k, v) in &mut self.inputs {
                *v += e.inputs.get(*k).copied().unwrap_or(0);
            }
            for (k, v) in &mut self.rows {
                *v += e.rows.get(*k).copied().unwrap_or(0);
            }
        }
        self.partitions = Some(partitions);
        self
    }
}

/// The partitions an earlier manifest describes: its `partitions`, or, for a manifest of one
/// partitioned run without them, that run's partition.
fn earlier_partitions(earlier: &Value) -> BTreeMap<String, PartitionEntry> {
    let counts = |v: &Value| -> BTreeMap<String, u64> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, n)| Some((k.clone(), n.as_u64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let entry = |v: &Value| PartitionEntry {
        loaded_at: v["loaded_at"].as_i64().unwrap_or(0),
        inputs: counts(&v["inputs"]),
        rows: counts(&v["rows"]),
    };
    if let Some(map) = earlier["partitions"].as_object() {
        return map.iter().map(|(k, v)| (k.clone(), entry(v))).collect();
    }
    match earlier["partition"].as_str() {
        Some(p) => BTreeMap::from([(p.to_string(), entry(earlier))]),
        None => BTreeMap::new(),
    }
}

/// Writes `OUT/_manifest.json` atomically.
pub fn write_manifest(root: &Path, manifest: &Manifest) -> Result<(), LoadError> {
    let target = root.join("_manifest.json");
    let tmp = root.join("._manifest.json.tmp");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let text = serde_json::to_string_pretty(manifest)
        .map_err(|e| LoadError::Sink(format!("manifest: {e}")))?;
    std::fs::write(&tmp, text + "\n").map_err(io(&tmp))?;
    std::fs::rename(&tmp, &target).map_err(io(&target))?;
    Ok(())
}
