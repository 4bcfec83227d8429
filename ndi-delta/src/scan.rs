//! Reading a table's rows: a scan of one snapshot through the kernel's default engine.
//!
//! The kernel replays the log to the snapshot's active files, reads them with the engine's
//! Parquet reader, adds the partition columns from the file's partition values and gives the
//! rows in the table's logical schema: timestamps as stored (microseconds; `timestamp` with
//! zone `UTC`, `timestamp_ntz` without), lists with the item name `element`, maps with
//! `key_value`/`key`/`value`. Files that a later commit removed are not read, however long
//! they stay on disk.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};
use delta_kernel::engine::arrow_conversion::TryFromKernel;
use delta_kernel::engine::arrow_data::ArrowEngineData;

use crate::error::{Error, Result};
use crate::table::DeltaTable;

/// The rows of one version of a table.
#[derive(Debug, Clone)]
pub struct TableRows {
    /// The version read.
    pub version: u64,
    /// The schema of the batches (the columns asked for, in that order).
    pub schema: SchemaRef,
    /// The rows, in the order the kernel read them (file by file).
    pub batches: Vec<RecordBatch>,
}

impl TableRows {
    /// The number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

impl DeltaTable {
    /// Reads the rows of the latest version: every column (partition columns included), or
    /// only `columns`, in that order. A column the table does not have is an
    /// [`Error::Invalid`] naming it.
    pub fn read(&self, columns: Option<&[&str]>) -> Result<TableRows> {
        let snapshot = self.snapshot()?;
        let table_schema = snapshot.schema();
        let read_schema = match columns {
            Some(names) => {
                if let Some(missing) = names.iter().find(|n| table_schema.field(n).is_none()) {
                    return Err(Error::Invalid(format!(
                        "{}: no column {missing:?}",
                        self.path().display()
                    )));
                }
                table_schema.project(names)?
            }
            None => table_schema,
        };
        let schema: SchemaRef = Arc::new(Schema::try_from_kernel(read_schema.as_ref())?);
        let scan = Arc::clone(&snapshot)
            .scan_builder()
            .with_schema(read_schema)
            .build()?;
        let mut batches = Vec::new();
        for data in scan.execute(self.root().shared_engine())? {
            let batch = ArrowEngineData::try_from_engine_data(data?)?
                .record_batch()
                .clone();
            if batch.num_rows() > 0 {
                batches.push(batch);
            }
        }
        Ok(TableRows {
            version: snapshot.version(),
            schema,
            batches,
        })
    }
}
