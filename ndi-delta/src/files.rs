//! Data files: the Delta form of an Arrow schema and batch, and Parquet files written for a
//! table.
//!
//! Delta has two timestamp types, both in microseconds: `timestamp` (an instant, UTC) and
//! `timestamp_ntz` (a wall-clock time without zone, behind the `timestampNtz` table feature).
//! [`delta_schema`] maps an Arrow `Timestamp(unit, Some(zone))` to `timestamp` and
//! `Timestamp(unit, None)` to `timestamp_ntz`, both as microseconds, and [`delta_batch`]
//! rescales the values; every other type is kept.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, TimestampMicrosecondArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use crate::error::{Error, IoContext, Result};

/// A Parquet data file written for a table, not yet (or already) committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// Path relative to the table root, `/`-separated (`load_date=2024-01-31/part-1.parquet`).
    pub path: String,
    /// Partition column → value (`None` for null), as the Delta log writes them.
    pub partition_values: BTreeMap<String, Option<String>>,
    /// Size in bytes.
    pub size: i64,
    /// Modification time, milliseconds since the epoch.
    pub modification_time: i64,
    /// Number of rows.
    pub num_records: i64,
}

/// The Delta form of an Arrow field's type: timestamps in microseconds, zoned ones in UTC.
fn delta_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Timestamp(_, None) => DataType::Timestamp(TimeUnit::Microsecond, None),
        DataType::Timestamp(_, Some(_)) => {
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        }
        other => other.clone(),
    }
}

/// The schema of `schema` as stored in a Delta table (see the module documentation).
pub fn delta_schema(schema: &Schema) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_data_type(delta_type(f.data_type())))
        .collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

/// `batch` with its timestamp columns rescaled to microseconds (zoned ones in UTC); the
/// result has [`delta_schema`] of the batch's schema.
pub fn delta_batch(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    if !schema
        .fields()
        .iter()
        .any(|f| delta_type(f.data_type()) != *f.data_type())
    {
        return Ok(batch.clone());
    }
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        let target = delta_type(field.data_type());
        if target == *field.data_type() {
            columns.push(Arc::clone(column));
            continue;
        }
        let (unit, zone) = match field.data_type() {
            DataType::Timestamp(unit, zone) => (*unit, zone.clone()),
            _ => {
                return Err(Error::Invalid(format!(
                    "column {} is not a timestamp",
                    field.name()
                )));
            }
        };
        let values = timestamp_values(column.as_ref(), unit)?;
        let scale_up: i64 = match unit {
            TimeUnit::Second => 1_000_000,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond | TimeUnit::Nanosecond => 1,
        };
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            out.push(match value {
                None => None,
                Some(v) if unit == TimeUnit::Nanosecond => Some(v.div_euclid(1_000)),
                Some(v) => Some(v.checked_mul(scale_up).ok_or_else(|| {
                    Error::Invalid(format!(
                        "column {}: timestamp {v} out of the microsecond range",
                        field.name()
                    ))
                })?),
            });
        }
        let array = TimestampMicrosecondArray::from(out);
        let array = match zone {
            Some(_) => array.with_timezone("UTC"),
            None => array,
        };
        columns.push(Arc::new(array));
    }
    let out_schema: SchemaRef = Arc::new(delta_schema(&schema));
    Ok(RecordBatch::try_new(out_schema, columns)?)
}

fn timestamp_values(column: &dyn Array, unit: TimeUnit) -> Result<Vec<Option<i64>>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
        TimestampSecondType,
    };
    Ok(match unit {
        TimeUnit::Second => column
            .as_primitive::<TimestampSecondType>()
            .iter()
            .collect(),
        TimeUnit::Millisecond => column
            .as_primitive::<TimestampMillisecondType>()
            .iter()
            .collect(),
        TimeUnit::Microsecond => column
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .collect(),
        TimeUnit::Nanosecond => column
            .as_primitive::<TimestampNanosecondType>()
            .iter()
            .collect(),
    })
}

/// Writes `batches` (data columns only, already in [`delta_schema`] form, all with `schema`)
/// as one Parquet file at `table_root/relative` (see [`DataFileWriter`]).
pub fn write_data_file(
    table_root: &Path,
    relative: &str,
    schema: SchemaRef,
    batches: &[RecordBatch],
    partition_values: BTreeMap<String, Option<String>>,
    properties: WriterProperties,
) -> Result<DataFile> {
    let mut writer =
        DataFileWriter::create(table_root, relative, schema, partition_values, properties)?;
    for batch in batches {
        writer.write(batch)?;
    }
    writer.finish()
}

/// A Parquet data file being written, batch by batch, under a hidden temporary name
/// (`.NAME.tmp`) that [`DataFileWriter::finish`] syncs and renames into place. A file under
/// its final name is complete; it is part of the table only once a commit adds it.
pub struct DataFileWriter {
    writer: ArrowWriter<File>,
    temporary: PathBuf,
    path: PathBuf,
    relative: String,
    partition_values: BTreeMap<String, Option<String>>,
    rows: i64,
}

impl std::fmt::Debug for DataFileWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFileWriter")
            .field("path", &self.path)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl DataFileWriter {
    /// Starts the file `table_root/relative` (`/`-separated, folders created).
    pub fn create(
        table_root: &Path,
        relative: &str,
        schema: SchemaRef,
        partition_values: BTreeMap<String, Option<String>>,
        properties: WriterProperties,
    ) -> Result<Self> {
        let path = table_root.join(relative);
        let parent = path
            .parent()
            .ok_or_else(|| Error::Invalid(format!("no folder for {relative}")))?;
        std::fs::create_dir_all(parent).io("create folder", parent)?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::Invalid(format!("no file name in {relative}")))?;
        let temporary: PathBuf = parent.join(format!(".{name}.tmp"));
        let file = File::create(&temporary).io("create", &temporary)?;
        let writer = ArrowWriter::try_new(file, schema, Some(properties)).map_err(|source| {
            Error::Parquet {
                path: path.clone(),
                source,
            }
        })?;
        Ok(Self {
            writer,
            temporary,
            path,
            relative: relative.to_string(),
            partition_values,
            rows: 0,
        })
    }

    /// Appends a batch (one row group per batch, or more when it is large).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.rows += i64::try_from(batch.num_rows()).unwrap_or(i64::MAX);
        self.writer.write(batch).map_err(|source| Error::Parquet {
            path: self.path.clone(),
            source,
        })?;
        self.writer.flush().map_err(|source| Error::Parquet {
            path: self.path.clone(),
            source,
        })
    }

    /// Completes the file: footer, sync, rename into place.
    pub fn finish(self) -> Result<DataFile> {
        let path = self.path;
        let mut file = self.writer.into_inner().map_err(|source| Error::Parquet {
            path: path.clone(),
            source,
        })?;
        file.flush().io("write", &self.temporary)?;
        file.sync_all().io("sync", &self.temporary)?;
        drop(file);
        std::fs::rename(&self.temporary, &path).io("rename", &path)?;
        let metadata = std::fs::metadata(&path).io("stat", &path)?;
        let modification_time = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Ok(DataFile {
            path: self.relative,
            partition_values: self.partition_values,
            size: i64::try_from(metadata.len()).unwrap_or(i64::MAX),
            modification_time,
            num_records: self.rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::TimestampSecondArray;

    #[test]
    fn seconds_become_microseconds_and_zones_become_utc() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("naive", DataType::Timestamp(TimeUnit::Second, None), true),
            Field::new(
                "zoned",
                DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
                false,
            ),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(TimestampSecondArray::from(vec![Some(1), None])),
                Arc::new(TimestampSecondArray::from(vec![2, 3]).with_timezone("UTC")),
            ],
        )
        .unwrap();
        let out = delta_batch(&batch).unwrap();
        assert_eq!(
            out.schema().field(0).data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, None)
        );
        assert_eq!(
            out.schema().field(1).data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        let naive = timestamp_values(out.column(0).as_ref(), TimeUnit::Microsecond).unwrap();
        assert_eq!(naive, vec![Some(1_000_000), None]);
        let zoned = timestamp_values(out.column(1).as_ref(), TimeUnit::Microsecond).unwrap();
        assert_eq!(zoned, vec![Some(2_000_000), Some(3_000_000)]);
        assert!(!out.schema().field(1).is_nullable());
    }
}
