//! The contract's tables as Delta tables, partitioned by `load_date`.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};
use ndi_delta::{DeltaRoot, DeltaTable};
use ndi_load::tables::Table;

use crate::error::ImportError;

/// The partition column of every table.
pub const PARTITION_COLUMN: &str = "load_date";

/// The schema of a table's data files: the contract's columns, timestamps in microseconds
/// (naive ones stay naive: Delta `timestamp_ntz`; `loaded_at` is UTC: Delta `timestamp`).
pub fn data_schema(table: Table) -> SchemaRef {
    Arc::new(ndi_delta::delta_schema(&table.schema()))
}

/// The Delta table schema: the data columns and the `load_date` partition column (`date`).
pub fn table_schema(table: Table) -> Schema {
    let data = table.schema();
    let mut fields: Vec<Field> = data.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new(PARTITION_COLUMN, DataType::Date32, true));
    Schema::new(fields)
}

/// The order in which a run commits its tables: every table, `documents` last, so that a
/// document is in `documents` (and so counted as imported) only once all its rows are.
pub fn commit_order() -> Vec<Table> {
    let mut order: Vec<Table> = Table::ALL
        .iter()
        .copied()
        .filter(|t| *t != Table::Documents)
        .collect();
    order.push(Table::Documents);
    order
}

/// Opens (creating when missing) every table of the contract under `root`, indexed by
/// [`Table::index`].
pub fn open_tables(root: &DeltaRoot) -> Result<Vec<DeltaTable>, ImportError> {
    Table::ALL
        .iter()
        .map(|&t| {
            root.create_or_open(t.name(), &table_schema(t), &[PARTITION_COLUMN])
                .map_err(ImportError::from)
        })
        .collect()
}
