//! Typed errors of the reconciliation core.

/// What can go wrong when reconciling.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// An input table lacks a column the reconciliation reads.
    #[error("table `{table}` has no column `{column}`")]
    MissingColumn {
        /// The input table.
        table: &'static str,
        /// The column looked for.
        column: &'static str,
    },
    /// An input column has a type the reconciliation cannot read.
    #[error("column `{table}.{column}` has type {found}, expected {expected}")]
    ColumnType {
        /// The input table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The type found.
        found: String,
        /// The type expected.
        expected: &'static str,
    },
    /// The rules file cannot be read as rules.
    #[error("rules: {0}")]
    Rules(String),
    /// Building an output batch failed (a bug: the schemas are declared in this crate).
    #[error("building table `{table}`: {source}")]
    Arrow {
        /// The output table.
        table: &'static str,
        /// Arrow's error.
        #[source]
        source: arrow_schema::ArrowError,
    },
}
