//! Building record batches row by row, in schema order.
//!
//! Each table's rows are appended value by value in the order its schema declares (see
//! `schema.rs`); the builder turns them into a `RecordBatch` when asked. The column kinds come
//! from the schema itself, so the schema stays the single source of truth for types.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int32Builder, Int64Builder, MapBuilder, MapFieldNames,
    StringBuilder, TimestampSecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, SchemaRef, TimeUnit};

use crate::tables::schema::Table;

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
                    entry: "entries".into(),
                    key: "keys".into(),
                    value: "values".into(),
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

/// Rows of one table, buffered until [`TableBuilder::finish`] makes a batch of them.
pub struct TableBuilder {
    table: Table,
    schema: SchemaRef,
    columns: Vec<Column>,
    rows: usize,
    /// Next column of the row being appended.
    cursor: usize,
    /// Approximate bytes of text buffered (for memory-based flushing).
    bytes: usize,
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
            cursor: 0,
            bytes: 0,
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

    fn next(&mut self) -> &mut Column {
        let i = self.cursor;
        self.cursor += 1;
        &mut self.columns[i]
    }

    /// Appends a text value (or null) to the current row.
    pub fn text(&mut self, v: Option<&str>) -> &mut Self {
        self.bytes += v.map_or(0, str::len);
        match self.next() {
            Column::Text(b) => b.append_option(v),
            _ => debug_assert!(false, "text appended to a non-text column"),
        }
        self
    }

    /// Appends a 64-bit integer (or null).
    pub fn int64(&mut self, v: Option<i64>) -> &mut Self {
        match self.next() {
            Column::Int64(b) => b.append_option(v),
            _ => debug_assert!(false, "int64 appended to another column"),
        }
        self
    }

    /// Appends a 32-bit integer (or null).
    pub fn int32(&mut self, v: Option<i32>) -> &mut Self {
        match self.next() {
            Column::Int32(b) => b.append_option(v),
            _ => debug_assert!(false, "int32 appended to another column"),
        }
        self
    }

    /// Appends a boolean (or null).
    pub fn boolean(&mut self, v: Option<bool>) -> &mut Self {
        match self.next() {
            Column::Bool(b) => b.append_option(v),
            _ => debug_assert!(false, "bool appended to another column"),
        }
        self
    }

    /// Appends seconds since the epoch (or null).
    pub fn timestamp(&mut self, v: Option<i64>) -> &mut Self {
        match self.next() {
            Column::Timestamp(b, _) => b.append_option(v),
            _ => debug_assert!(false, "timestamp appended to another column"),
        }
        self
    }

    /// Appends days since the epoch (or null).
    pub fn date(&mut self, v: Option<i32>) -> &mut Self {
        match self.next() {
            Column::Date(b) => b.append_option(v),
            _ => debug_assert!(false, "date appended to another column"),
        }
        self
    }

    /// Appends a map of name/value pairs (null when empty).
    pub fn map<'v>(&mut self, entries: impl IntoIterator<Item = (&'v str, &'v str)>) -> &mut Self {
        let mut bytes = 0;
        match self.next() {
            Column::Map(b) => {
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
            _ => debug_assert!(false, "map appended to another column"),
        }
        self.bytes += bytes;
        self
    }

    /// Completes the current row.
    pub fn end_row(&mut self) {
        debug_assert_eq!(
            self.cursor,
            self.columns.len(),
            "row of {} has {} values for {} columns",
            self.table.name(),
            self.cursor,
            self.columns.len()
        );
        self.cursor = 0;
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
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_builds_an_empty_and_a_null_row_batch() {
        for table in Table::ALL {
            let mut b = TableBuilder::new(table);
            assert!(b.finish().unwrap().num_rows() == 0);
            let schema = table.schema();
            for f in schema.fields() {
                match f.data_type() {
                    DataType::Int64 => b.int64(Some(1)),
                    DataType::Int32 => b.int32(Some(1)),
                    DataType::Boolean => b.boolean(Some(true)),
                    DataType::Timestamp(..) => b.timestamp(Some(0)),
                    DataType::Date32 => b.date(Some(0)),
                    DataType::Map(..) => b.map([("k", "v")]),
                    _ => b.text(Some("x")),
                };
            }
            b.end_row();
            let batch = b.finish().unwrap();
            assert_eq!(batch.num_rows(), 1, "{}", table.name());
            assert_eq!(batch.schema(), schema);
        }
    }
}
