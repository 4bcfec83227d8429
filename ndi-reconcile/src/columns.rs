//! Reading the imported tables' columns by name, whatever their Arrow string or time encoding
//! (`utf8`, `large_utf8`, `utf8_view`; timestamps of any unit, with or without zone), so the
//! same core reads batches from the loader, from Parquet and from Delta.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use crate::ReconcileError;

/// A text column.
pub(crate) enum Text<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Absent,
}

impl<'a> Text<'a> {
    /// The value of row `i`, `None` when null or the column is absent.
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Text::View(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Absent => None,
        }
    }
}

fn column<'a>(
    batch: &'a RecordBatch,
    table: &'static str,
    name: &'static str,
    required: bool,
) -> Result<Option<&'a ArrayRef>, ReconcileError> {
    match batch.column_by_name(name) {
        Some(c) => Ok(Some(c)),
        None if required => Err(ReconcileError::MissingColumn {
            table,
            column: name,
        }),
        None => Ok(None),
    }
}

fn wrong(
    table: &'static str,
    column: &'static str,
    found: &DataType,
    expected: &'static str,
) -> ReconcileError {
    ReconcileError::ColumnType {
        table,
        column,
        found: found.to_string(),
        expected,
    }
}

/// A text column; a missing column is an error when `required`, otherwise all nulls.
pub(crate) fn text<'a>(
    batch: &'a RecordBatch,
    table: &'static str,
    name: &'static str,
    required: bool,
) -> Result<Text<'a>, ReconcileError> {
    let Some(c) = column(batch, table, name, required)? else {
        return Ok(Text::Absent);
    };
    match c.data_type() {
        DataType::Utf8 => Ok(Text::Utf8(c.as_string::<i32>())),
        DataType::LargeUtf8 => Ok(Text::Large(c.as_string::<i64>())),
        DataType::Utf8View => Ok(Text::View(c.as_string_view())),
        DataType::Null => Ok(Text::Absent),
        other => Err(wrong(table, name, other, "utf8")),
    }
}

/// A timestamp column as whole seconds since the epoch (the zone, if any, is ignored: the
/// contract's file times carry none).
pub(crate) fn seconds(
    batch: &RecordBatch,
    table: &'static str,
    name: &'static str,
) -> Result<Vec<Option<i64>>, ReconcileError> {
    let Some(c) = column(batch, table, name, false)? else {
        return Ok(vec![None; batch.num_rows()]);
    };
    fn collect<T: arrow_array::ArrowPrimitiveType<Native = i64>>(
        c: &ArrayRef,
        div: i64,
    ) -> Vec<Option<i64>> {
        c.as_primitive::<T>()
            .iter()
            .map(|v| v.map(|v| v.div_euclid(div)))
            .collect()
    }
    Ok(match c.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => collect::<TimestampSecondType>(c, 1),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            collect::<TimestampMillisecondType>(c, 1_000)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            collect::<TimestampMicrosecondType>(c, 1_000_000)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            collect::<TimestampNanosecondType>(c, 1_000_000_000)
        }
        DataType::Int64 => collect::<Int64Type>(c, 1),
        DataType::Null => vec![None; batch.num_rows()],
        other => return Err(wrong(table, name, other, "timestamp")),
    })
}

/// An integer column (`int64` or `int32`).
pub(crate) fn integers(
    batch: &RecordBatch,
    table: &'static str,
    name: &'static str,
) -> Result<Vec<Option<i64>>, ReconcileError> {
    let Some(c) = column(batch, table, name, false)? else {
        return Ok(vec![None; batch.num_rows()]);
    };
    Ok(match c.data_type() {
        DataType::Int64 => c.as_primitive::<Int64Type>().iter().collect(),
        DataType::Int32 => c
            .as_primitive::<Int32Type>()
            .iter()
            .map(|v| v.map(i64::from))
            .collect(),
        DataType::Null => vec![None; batch.num_rows()],
        other => return Err(wrong(table, name, other, "int64")),
    })
}

/// A `date32` column (days since the epoch).
pub(crate) fn dates(
    batch: &RecordBatch,
    table: &'static str,
    name: &'static str,
) -> Result<Vec<Option<i32>>, ReconcileError> {
    let Some(c) = column(batch, table, name, false)? else {
        return Ok(vec![None; batch.num_rows()]);
    };
    Ok(match c.data_type() {
        DataType::Date32 => c.as_primitive::<Date32Type>().iter().collect(),
        DataType::Null => vec![None; batch.num_rows()],
        other => return Err(wrong(table, name, other, "date32")),
    })
}

/// A boolean column.
pub(crate) fn booleans(
    batch: &RecordBatch,
    table: &'static str,
    name: &'static str,
) -> Result<Vec<Option<bool>>, ReconcileError> {
    let Some(c) = column(batch, table, name, false)? else {
        return Ok(vec![None; batch.num_rows()]);
    };
    Ok(match c.data_type() {
        DataType::Boolean => c.as_boolean().iter().collect(),
        DataType::Null => vec![None; batch.num_rows()],
        other => return Err(wrong(table, name, other, "bool")),
    })
}
