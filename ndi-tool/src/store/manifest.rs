//! `_manifest.json`: what a run wrote, for readers that want to check counts.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::load::{LoadError, LoadSummary};
use crate::tables::{SCHEMA_VERSION, Table};

/// The manifest of one run.
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
        }
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
