//! The per-chunk file sink: one file per table that has rows in the chunk, written under a
//! hidden temporary name, and renamed into place with the run's other parts when the run
//! commits ([`FileSinkFactory::commit`]).

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampSecondType;
use arrow_array::{ArrayRef, RecordBatch, TimestampMillisecondArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesBuilder};
use parquet::schema::types::ColumnPath;

use crate::load::{BatchSink, LoadError, SinkFactory};
use crate::store::layout::Layout;
use crate::tables::Table;

/// The file format of table files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Parquet, zstd-compressed, dictionary-encoded.
    Parquet,
    /// JSON lines, one object per row.
    Jsonl,
}

impl FileFormat {
    fn extension(self) -> &'static str {
        match self {
            FileFormat::Parquet => "parquet",
            FileFormat::Jsonl => "jsonl",
        }
    }
}

/// The schema of `table` as stored in Parquet: Parquet has no seconds unit for timestamps
/// (arrow-rs would store bare integers that other readers cannot recognise), so timestamp
/// columns are stored in milliseconds, which every reader knows.
pub fn parquet_schema(table: Table) -> SchemaRef {
    let schema = table.schema();
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Timestamp(TimeUnit::Second, tz) => f
                .as_ref()
                .clone()
                .with_data_type(DataType::Timestamp(TimeUnit::Millisecond, tz.clone())),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// `batch` with its timestamp columns in milliseconds (see [`parquet_schema`]).
fn to_parquet(table: Table, batch: &RecordBatch) -> Result<RecordBatch, LoadError> {
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| match c.data_type() {
            DataType::Timestamp(TimeUnit::Second, tz) => {
                let seconds = c.as_primitive::<TimestampSecondType>();
                let millis: TimestampMillisecondArray = seconds.unary(|v| v.saturating_mul(1000));
                Arc::new(millis.with_timezone_opt(tz.clone())) as ArrayRef
            }
            _ => c.clone(),
        })
        .collect();
    Ok(RecordBatch::try_new(parquet_schema(table), columns)?)
}

/// Text columns whose values are nearly all distinct: dictionary encoding only costs time.
const HIGH_CARDINALITY: [&str; 6] = [
    "md5",
    "product_code",
    "path",
    "value",
    "error",
    "first_warning",
];

/// Text columns worth min/max statistics (readers prune row groups on them); other text
/// columns skip them, which saves comparing every long string.
const TEXT_STATISTICS: [&str; 8] = [
    "document_id",
    "format",
    "status",
    "class",
    "property",
    "evidence_type",
    "kind",
    "machine_name",
];

/// The `created_by` of our Parquet files, in the form readers parse
/// (`<application> version <semver> (build <build>)`; Java readers distrust the statistics of
/// a file whose `created_by` they cannot parse): `ndi-tool version 0.1.0 (build parquet-rs
/// 60.0.0)`, the build naming the Parquet writer library.
pub fn created_by() -> String {
    let writer = parquet::file::properties::DEFAULT_CREATED_BY;
    let library = writer
        .rsplit_once(" version ")
        .map_or_else(|| writer.to_string(), |(name, v)| format!("{name} {v}"));
    format!(
        "ndi-tool version {} (build {library})",
        env!("CARGO_PKG_VERSION")
    )
}

/// Writer settings of a table outside the contract (the reconciled tables, say): zstd
/// (level 1: most of the size gain at a fraction of the time), dictionary encoding,
/// statistics per column chunk, and our `created_by`.
pub fn base_properties() -> WriterProperties {
    base_builder().build()
}

fn base_builder() -> WriterPropertiesBuilder {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_created_by(created_by())
}

/// Writer settings for `table`: those of [`base_properties`], without dictionary encoding
/// on near-unique text and with statistics only on numbers, timestamps and the text columns
/// readers filter on.
pub fn properties(table: Table) -> WriterProperties {
    let mut b = base_builder();
    for field in table.schema().fields() {
        let name = field.name().as_str();
        let column = ColumnPath::from(name);
        if field.data_type() == &DataType::Utf8 {
            if HIGH_CARDINALITY.contains(&name) {
                b = b.set_column_dictionary_enabled(column.clone(), false);
            }
            if !TEXT_STATISTICS.contains(&name) {
                b = b.set_column_statistics_enabled(column, EnabledStatistics::None);
            }
        }
    }
    b.build()
}

enum TableFile {
    Parquet(ArrowWriter<BufWriter<File>>),
    Jsonl(arrow_json::LineDelimitedWriter<BufWriter<File>>),
}

/// Parts written completely, under their hidden names, waiting for the run to commit them:
/// (temporary path, final path).
type Completed = Arc<std::sync::Mutex<Vec<(PathBuf, PathBuf)>>>;

/// Makes the sinks of one output folder.
///
/// Parts are written under hidden temporary names (`.part-NNNNN.parquet.tmp`, which no
/// reader's glob matches) and stay hidden when their chunk completes: [`FileSinkFactory::commit`]
/// makes all of a run's parts appear at the end, so that a run killed (or failing) at any
/// point before leaves nothing a reader would see, and an earlier run's parts are replaced
/// only once the new ones are complete.
#[derive(Debug, Clone)]
pub struct FileSinkFactory {
    layout: Layout,
    format: FileFormat,
    completed: Completed,
}

impl FileSinkFactory {
    /// Sinks writing `format` files in `layout`.
    pub fn new(layout: Layout, format: FileFormat) -> Self {
        FileSinkFactory {
            layout,
            format,
            completed: Completed::default(),
        }
    }

    fn completed(&self) -> Result<std::sync::MutexGuard<'_, Vec<(PathBuf, PathBuf)>>, LoadError> {
        self.completed
            .lock()
            .map_err(|_| LoadError::Sink("a worker failed while finishing a part".into()))
    }

    /// Makes every completed part appear: first removes `replace` (an earlier run's parts),
    /// then renames each part from its hidden name into place. Returns how many appeared.
    pub fn commit(&self, replace: &[PathBuf]) -> Result<usize, LoadError> {
        let mut parts = std::mem::take(&mut *self.completed()?);
        parts.sort();
        for old in replace {
            match std::fs::remove_file(old) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(old)(e)),
            }
        }
        for (tmp, target) in &parts {
            std::fs::rename(tmp, target).map_err(io_err(target))?;
        }
        Ok(parts.len())
    }

    /// Removes the completed parts instead (a run that failed): nothing of it appears.
    pub fn abandon(&self) {
        if let Ok(mut parts) = self.completed.lock() {
            for (tmp, _) in parts.drain(..) {
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The sink of one chunk.
pub struct ChunkFiles {
    factory: FileSinkFactory,
    index: usize,
    open: Vec<Option<(TableFile, PathBuf, PathBuf)>>,
}

impl std::fmt::Debug for ChunkFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkFiles")
            .field("index", &self.index)
            .finish()
    }
}

impl SinkFactory for FileSinkFactory {
    type Sink = ChunkFiles;

    fn open(&self, index: usize) -> Result<ChunkFiles, LoadError> {
        Ok(ChunkFiles {
            factory: self.clone(),
            index,
            open: (0..Table::ALL.len()).map(|_| None).collect(),
        })
    }
}

impl ChunkFiles {
    fn file_for(&mut self, table: Table) -> Result<&mut TableFile, LoadError> {
        let slot = &mut self.open[table.index()];
        if slot.is_none() {
            let name = format!("part-{:05}.{}", self.index, self.factory.format.extension());
            *slot = Some(open_part(
                &self.factory.layout,
                self.factory.format,
                table,
                &name,
            )?);
        }
        match slot {
            Some((w, _, _)) => Ok(w),
            None => Err(LoadError::Sink("table file not open".into())),
        }
    }
}

impl BatchSink for ChunkFiles {
    fn write(&mut self, table: Table, batch: RecordBatch) -> Result<(), LoadError> {
        match self.file_for(table)? {
            TableFile::Parquet(w) => {
                w.write(&to_parquet(table, &batch)?)?;
                // One row group per batch keeps memory bounded by the batch size.
                w.flush()?;
            }
            TableFile::Jsonl(w) => w.write(&batch)?,
        }
        Ok(())
    }

    fn finish(self) -> Result<(), LoadError> {
        for (writer, tmp, target) in self.open.into_iter().flatten() {
            let file = match writer {
                TableFile::Parquet(w) => w.into_inner()?,
                TableFile::Jsonl(mut w) => {
                    w.finish()?;
                    w.into_inner()
                }
            };
            let file = file.into_inner().map_err(|e| LoadError::Io {
                path: tmp.clone(),
                source: e.into_error(),
            })?;
            file.sync_all().map_err(io_err(&tmp))?;
            self.factory.completed()?.push((tmp, target));
        }
        Ok(())
    }
}

/// Opens part `name` of `table` under its hidden temporary name: the writer, the temporary
/// path and the final path it is renamed to when complete.
fn open_part(
    layout: &Layout,
    format: FileFormat,
    table: Table,
    name: &str,
) -> Result<(TableFile, PathBuf, PathBuf), LoadError> {
    let (target, tmp) = layout.part_paths(table, name);
    if let Some(dir) = tmp.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let file = BufWriter::with_capacity(1 << 20, File::create(&tmp).map_err(io_err(&tmp))?);
    let writer = match format {
        FileFormat::Parquet => TableFile::Parquet(ArrowWriter::try_new(
            file,
            parquet_schema(table),
            Some(properties(table)),
        )?),
        // Every column in every object, null or not: a reader that infers the schema from
        // the data (Polars, DuckDB) must not lose a column that happens to be null.
        FileFormat::Jsonl => TableFile::Jsonl(
            arrow_json::WriterBuilder::new()
                .with_explicit_nulls(true)
                .build::<_, arrow_json::writer::LineDelimited>(file),
        ),
    };
    Ok((writer, tmp, target))
}

/// Writes an empty part for each table with no rows in this run, so every table opens (the
/// parts appear with the others at [`FileSinkFactory::commit`]). For JSON lines, whose files
/// carry no schema (an empty one none at all), also writes each table's schema beside its
/// parts ([`SCHEMA_FILE`]).
pub fn write_empty_tables(
    factory: &FileSinkFactory,
    rows: &[u64; Table::COUNT],
) -> Result<(), LoadError> {
    let layout = &factory.layout;
    let format = factory.format;
    if format == FileFormat::Jsonl {
        for table in Table::ALL {
            write_schema_file(layout, table)?;
        }
    }
    let mut sink = ChunkFiles {
        factory: factory.clone(),
        index: 0,
        open: (0..Table::ALL.len()).map(|_| None).collect(),
    };
    for table in Table::ALL {
        if rows[table.index()] == 0 {
            let name = format!("part-empty.{}", format.extension());
            sink.open[table.index()] = Some(open_part(layout, format, table, &name)?);
        }
    }
    sink.finish()
}

/// The file beside a JSON-lines table's parts (`OUT/<table>/_schema.json`) that gives its
/// columns and types, for readers that would otherwise infer them from the data (see
/// [`schema_json`]). No reader's `*.jsonl` glob matches it.
pub const SCHEMA_FILE: &str = "_schema.json";

/// The schema of `table` as JSON: `columns`, a list of `name`, `type` (as `TABLES.md` names
/// it) and `nullable`, and `duckdb`, an object of column name to DuckDB type ready for
/// `read_json(..., columns = ...)`.
pub fn schema_json(table: Table) -> serde_json::Value {
    let schema = table.schema();
    let columns: Vec<serde_json::Value> = schema
        .fields()
        .iter()
        .map(|f| {
            serde_json::json!({
                "name": f.name(),
                "type": crate::tables::type_name(f.data_type()),
                "nullable": f.is_nullable(),
            })
        })
        .collect();
    let duckdb: serde_json::Map<String, serde_json::Value> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), duckdb_type(f.data_type()).into()))
        .collect();
    serde_json::json!({ "table": table.name(), "columns": columns, "duckdb": duckdb })
}

/// The DuckDB type that reads a column of type `t` from JSON lines.
fn duckdb_type(t: &DataType) -> &'static str {
    match t {
        DataType::Int64 => "BIGINT",
        DataType::Int32 => "INTEGER",
        DataType::Boolean => "BOOLEAN",
        DataType::Date32 => "DATE",
        DataType::Timestamp(_, None) => "TIMESTAMP",
        DataType::Timestamp(_, Some(_)) => "TIMESTAMPTZ",
        DataType::Map(_, _) => "MAP(VARCHAR, VARCHAR)",
        _ => "VARCHAR",
    }
}

/// Writes `OUT/<table>/_schema.json` (atomically: it is the same for every run).
fn write_schema_file(layout: &Layout, table: Table) -> Result<(), LoadError> {
    let dir = layout.root.join(table.name());
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let target = dir.join(SCHEMA_FILE);
    let tmp = dir.join(format!(".{SCHEMA_FILE}.tmp"));
    let text = serde_json::to_string_pretty(&schema_json(table))
        .map_err(|e| LoadError::Sink(format!("schema: {e}")))?;
    std::fs::write(&tmp, text + "\n").map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, &target).map_err(io_err(&target))?;
    Ok(())
}
