//! Building record batches row by row, value by value, by column.
//!
//! Values are appended through the typed column handles of [`columns`](super::columns): the
//! handle says which table and which position, and its type which Arrow type, all from the
//! one declaration of the contract in `schema.rs`. A handle of another table or a row with a
//! column missing or given twice makes [`TableBuilder::finish`] fail, in every build, so a
//! test that loads anything catches it.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int32Builder, Int64Builder, MapBuilder, MapFieldNames,
    StringBuilder, TimestampSecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, SchemaRef, TimeUnit};

use crate::tables::schema::Table;
use crate::tables::schema::columns::{
    Attributes, Bool, Date, Int32, Int64, Text, Timestamp, UtcTimestamp,
};

enum Column {
    Text(StringBuilder),
    Int64(Int64Builder),
    Int32(Int32Builder),
    Bool(BooleanBuilder),
    Timestamp(TimestampSecondBuilder, Option<Arc<str>>),
    Date(Date32Builder),
    Map(Box<MapBuilder<StringBuilder, StringBuilder>>),
}

impl Column {
    fn new(data_type: &DataType) -> Column {
        match data_type {
            DataType::Int64 => Column::Int64(Int64Builder::new()),
            DataType::Int32 => Column::Int32(Int32Builder::new()),
            DataType::Boolean => Column::Bool(BooleanBuilder::new()),
            DataType::Timestamp(TimeUnit::Second, tz) => {
                Column::Timestamp(TimestampSecondBuilder::new(), tz.clone())
            }
            DataType::Date32 => Column::Date(Date32Builder::new()),
            DataType::Map(_, _) => Column::Map(Box::new(MapBuilder::new(
                Some(MapFieldNames {
                    entry: super::schema::MAP_ENTRIES.into(),
                    key: super::schema::MAP_KEY.into(),
                    value: super::schema::MAP_VALUE.into(),
                }),
                StringBuilder::new(),
                StringBuilder::new(),
            ))),
            _ => Column::Text(StringBuilder::new()),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::Int64(b) => Arc::new(b.finish()),
            Column::Int32(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Timestamp(b, tz) => Arc::new(b.finish().with_timezone_opt(tz.clone())),
            Column::Date(b) => Arc::new(b.finish()),
            Column::Map(b) => Arc::new(b.finish()),
        }
    }
}

/// Methods appending one value of a plain Arrow type through a typed handle.
macro_rules! appenders {
    ($($(#[doc = $doc:literal])* $method:ident($handle:ident, $value:ty) => $variant:ident,)*) => {$(
        $(#[doc = $doc])*
        pub fn $method(&mut self, c: $handle, v: Option<$value>) -> &mut Self {
            match self.column(c.table(), c.index(), stringify!($method)) {
                Some(Column::$variant(b, ..)) => b.append_option(v),
                _ => self.misuse(format!(
                    "{} in column {} of {}",
                    stringify!($method),
                    c.index(),
                    self.table.name()
                )),
            }
            self
        }
    )*};
}

/// Rows of one table, buffered until [`TableBuilder::finish`] makes a batch of them.
pub struct TableBuilder {
    table: Table,
    schema: SchemaRef,
    columns: Vec<Column>,
    rows: usize,
    /// Values appended to the row being built.
    filled: usize,
    /// Approximate bytes of text buffered (for memory-based flushing).
    bytes: usize,
    /// The first misuse of the builder (a wrong handle, a row with a column missing): the
    /// next [`TableBuilder::finish`] fails with it.
    misuse: Option<String>,
}

impl std::fmt::Debug for TableBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableBuilder")
            .field("table", &self.table)
            .field("rows", &self.rows)
            .finish()
    }
}

impl TableBuilder {
    /// An empty builder for `table`.
    pub fn new(table: Table) -> Self {
        let schema = table.schema();
        let columns = schema
            .fields()
            .iter()
            .map(|f| Column::new(f.data_type()))
            .collect();
        TableBuilder {
            table,
            schema,
            columns,
            rows: 0,
            filled: 0,
            bytes: 0,
            misuse: None,
        }
    }

    /// The table.
    pub fn table(&self) -> Table {
        self.table
    }

    /// Rows buffered.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no rows are buffered.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Approximate text bytes buffered.
    pub fn buffered_bytes(&self) -> usize {
        self.bytes
    }

    /// The column behind a handle of `table` at `index`, or `None` (and a misuse noted) when
    /// the handle is another table's.
    fn column(&mut self, table: Table, index: usize, kind: &str) -> Option<&mut Column> {
        self.filled += 1;
        if table != self.table {
            self.misuse(format!(
                "a {kind} value of {} appended to {}",
                table.name(),
                self.table.name()
            ));
            return None;
        }
        self.columns.get_mut(index)
    }

    fn misuse(&mut self, what: String) {
        self.misuse.get_or_insert(what);
    }

    /// Appends a text value (or null) to column `c` of the current row.
    pub fn text(&mut self, c: Text, v: Option<&str>) -> &mut Self {
        self.bytes += v.map_or(0, str::len);
        match self.column(c.table(), c.index(), "text") {
            Some(Column::Text(b)) => b.append_option(v),
            _ => self.misuse(format!(
                "text in column {} of {}",
                c.index(),
                self.table.name()
            )),
        }
        self
    }

    appenders! {
        /// Appends a 64-bit integer (or null).
        int64(Int64, i64) => Int64,
        /// Appends a 32-bit integer (or null).
        int32(Int32, i32) => Int32,
        /// Appends a boolean (or null).
        boolean(Bool, bool) => Bool,
        /// Appends seconds since the epoch (or null) to a timestamp without zone.
        timestamp(Timestamp, i64) => Timestamp,
        /// Appends seconds since the epoch (or null) to a UTC timestamp.
        utc_timestamp(UtcTimestamp, i64) => Timestamp,
        /// Appends days since the epoch (or null).
        date(Date, i32) => Date,
    }

    /// Appends a map of name/value pairs (null when empty).
    pub fn map<'v>(
        &mut self,
        c: Attributes,
        entries: impl IntoIterator<Item = (&'v str, &'v str)>,
    ) -> &mut Self {
        let mut bytes = 0;
        match self.column(c.table(), c.index(), "map") {
            Some(Column::Map(b)) => {
                let mut any = false;
                for (k, v) in entries {
                    bytes += k.len() + v.len();
                    b.keys().append_value(k);
                    b.values().append_value(v);
                    any = true;
                }
                // An empty map is written as null: "no other attributes".
                let _ = b.append(any);
            }
            _ => self.misuse(format!(
                "map in column {} of {}",
                c.index(),
                self.table.name()
            )),
        }
        self.bytes += bytes;
        self
    }

    /// Completes the current row: every column must have had one value.
    pub fn end_row(&mut self) {
        if self.filled != self.columns.len() {
            self.misuse(format!(
                "a row of {} with {} values for {} columns",
                self.table.name(),
                self.filled,
                self.columns.len()
            ));
        }
        self.filled = 0;
        self.rows += 1;
    }

    /// Drops the rows after the first `rows` (those of a document that failed half-way):
    /// returns the kept rows as a batch, and starts empty again.
    pub fn rollback_to(&mut self, rows: usize) -> Result<Option<RecordBatch>, ArrowError> {
        if self.rows <= rows {
            return Ok(None);
        }
        let batch = self.finish()?;
        Ok((rows > 0).then(|| batch.slice(0, rows)))
    }

    /// Makes a batch of the buffered rows and starts empty again.
    ///
    /// # Errors
    ///
    /// When the builder was misused (a value through another table's handle or of the wrong
    /// type, a row without a value for every column): a defect of the row code, reported
    /// instead of a batch whose columns would not line up.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        if let Some(what) = self.misuse.take() {
            return Err(ArrowError::InvalidArgumentError(format!(
                "table builder misused: {what}"
            )));
        }
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::columns::{hardware, usage};

    #[test]
    fn every_table_builds_an_empty_and_a_one_row_batch() {
        for table in Table::ALL {
            let mut b = TableBuilder::new(table);
            assert!(b.finish().unwrap().num_rows() == 0);
            let schema = table.schema();
            for (index, f) in schema.fields().iter().enumerate() {
                match f.data_type() {
                    DataType::Int64 => b.int64(Int64 { table, index }, Some(1)),
                    DataType::Int32 => b.int32(Int32 { table, index }, Some(1)),
                    DataType::Boolean => b.boolean(Bool { table, index }, Some(true)),
                    DataType::Timestamp(_, None) => {
                        b.timestamp(Timestamp { table, index }, Some(0))
                    }
                    DataType::Timestamp(_, Some(_)) => {
                        b.utc_timestamp(UtcTimestamp { table, index }, Some(0))
                    }
                    DataType::Date32 => b.date(Date { table, index }, Some(0)),
                    DataType::Map(..) => b.map(Attributes { table, index }, [("k", "v")]),
                    _ => b.text(Text { table, index }, Some("x")),
                };
            }
            b.end_row();
            let batch = b.finish().unwrap();
            assert_eq!(batch.num_rows(), 1, "{}", table.name());
            assert_eq!(batch.schema(), schema);
        }
    }

    #[test]
    fn values_may_come_in_any_column_order() {
        let mut b = TableBuilder::new(Table::Hardware);
        b.text(hardware::value, Some("ABC"))
            .text(hardware::property, Some("SerialNumber"))
            .int32(hardware::instance, Some(0))
            .text(hardware::instance_name, None)
            .text(hardware::class, Some("Win32_BIOS"))
            .text(hardware::document_id, Some("d1"))
            .end_row();
        let batch = b.finish().unwrap();
        let value = batch.column_by_name("value").unwrap();
        let value = value
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        assert_eq!(value.value(0), "ABC");
    }

    #[test]
    fn another_tables_handle_or_a_missing_column_fails_the_batch() {
        let mut b = TableBuilder::new(Table::Hardware);
        b.text(hardware::document_id, Some("d1"))
            .text(usage::device_name, Some("pc1"))
            .int32(hardware::instance, Some(0))
            .text(hardware::instance_name, None)
            .text(hardware::property, None)
            .text(hardware::value, None)
            .end_row();
        let err = b.finish().unwrap_err().to_string();
        assert!(err.contains("usage"), "{err}");

        let mut b = TableBuilder::new(Table::Hardware);
        b.text(hardware::document_id, Some("d1")).end_row();
        let err = b.finish().unwrap_err().to_string();
        assert!(err.contains("1 values for 6 columns"), "{err}");
    }
}
