//! The loader's sink for Delta tables: one data file per chunk and table, under the run's
//! deterministic names, collected for the commit.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use arrow_array::RecordBatch;
use ndi_delta::{DataFile, DataFileWriter, delta_batch};
use ndi_load::tables::Table;
use ndi_load::{BatchSink, LoadError, SinkFactory};

use crate::tables::{PARTITION_COLUMN, data_schema};

/// Makes the sinks of one run. A file is named `load_date=D/part-r<run>-c<chunk>.parquet`:
/// the same run over the same inputs writes the same names (chunks depend only on the sorted
/// inputs), so a run redone after a crash replaces its own uncommitted files.
#[derive(Debug)]
pub struct DeltaSinkFactory {
    table_paths: Vec<PathBuf>,
    wanted: [bool; Table::COUNT],
    run: i64,
    load_date: String,
    files: Mutex<Vec<(Table, DataFile)>>,
}

impl DeltaSinkFactory {
    /// A factory writing the tables marked in `wanted` (by [`Table::index`]) under
    /// `table_paths` (by index) for run `run` on `load_date` (`YYYY-MM-DD`).
    pub fn new(
        table_paths: Vec<PathBuf>,
        wanted: [bool; Table::COUNT],
        run: i64,
        load_date: String,
    ) -> Self {
        Self {
            table_paths,
            wanted,
            run,
            load_date,
            files: Mutex::new(Vec::new()),
        }
    }

    /// A sink whose files are named `part-r<run>-<label>.parquet`, for rows made apart from
    /// the load (the `documents` rows of duplicates: label `dup`).
    pub fn named(&self, label: &str) -> DeltaChunk<'_> {
        DeltaChunk {
            factory: self,
            label: label.to_string(),
            writers: (0..Table::COUNT).map(|_| None).collect(),
        }
    }

    /// The files written, per table, sorted by path.
    pub fn into_files(self) -> Vec<Vec<DataFile>> {
        let mut out: Vec<Vec<DataFile>> = vec![Vec::new(); Table::COUNT];
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        for (table, file) in files {
            out[table.index()].push(file);
        }
        for files in &mut out {
            files.sort_by(|a, b| a.path.cmp(&b.path));
        }
        out
    }
}

/// The sink of one chunk.
#[derive(Debug)]
pub struct DeltaChunk<'f> {
    factory: &'f DeltaSinkFactory,
    /// What names its files after the run: `c<chunk>`, or a name for rows made apart from
    /// the load.
    label: String,
    writers: Vec<Option<DataFileWriter>>,
}

fn sink_error(e: ndi_delta::Error) -> LoadError {
    LoadError::Sink(e.to_string())
}

impl BatchSink for DeltaChunk<'_> {
    fn write(&mut self, table: Table, batch: RecordBatch) -> Result<(), LoadError> {
        let i = table.index();
        if !self.factory.wanted[i] || batch.num_rows() == 0 {
            return Ok(());
        }
        if self.writers[i].is_none() {
            let relative = format!(
                "{PARTITION_COLUMN}={}/part-r{:010}-{}.parquet",
                self.factory.load_date, self.factory.run, self.label
            );
            let partition: BTreeMap<String, Option<String>> = [(
                PARTITION_COLUMN.to_string(),
                Some(self.factory.load_date.clone()),
            )]
            .into_iter()
            .collect();
            let writer = DataFileWriter::create(
                &self.factory.table_paths[i],
                &relative,
                data_schema(table),
                partition,
                ndi_load::store::properties(table),
            )
            .map_err(sink_error)?;
            self.writers[i] = Some(writer);
        }
        let batch = delta_batch(&batch).map_err(sink_error)?;
        if let Some(writer) = self.writers[i].as_mut() {
            writer.write(&batch).map_err(sink_error)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), LoadError> {
        let mut done = Vec::new();
        for (i, writer) in self.writers.into_iter().enumerate() {
            if let Some(writer) = writer {
                done.push((Table::ALL[i], writer.finish().map_err(sink_error)?));
            }
        }
        self.factory
            .files
            .lock()
            .map_err(|_| LoadError::Sink("file list poisoned".into()))?
            .extend(done);
        Ok(())
    }
}

impl<'f> SinkFactory for &'f DeltaSinkFactory {
    type Sink = DeltaChunk<'f>;

    fn open(&self, index: usize) -> Result<Self::Sink, LoadError> {
        Ok((*self).named(&format!("c{index:05}")))
    }
}
