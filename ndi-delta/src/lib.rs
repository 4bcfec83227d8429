//! Delta Lake tables for the ndi-toolkit, written through [`delta_kernel`].
//!
//! A Delta table is a folder of Parquet data files and a log, `_delta_log/`, of numbered JSON
//! commit files (`00000000000000000000.json`, ...), each holding the actions of one atomic
//! commit: `protocol` and `metaData` (schema, partition columns) in the first, then `add` and
//! `remove` of data files, `txn` (an application id and version, so that a writer can tell
//! whether its commit already happened) and `commitInfo`. Every tenth commit (by default) a
//! checkpoint (`<version>.checkpoint.parquet` and `_last_checkpoint`) sums up the log so far, so
//! readers do not replay many small commits. Spark, Databricks, Trino, DuckDB, Polars and
//! delta-rs read such tables as one consistent snapshot.
//!
//! This crate knows nothing of the ndi table contract. Given an Arrow schema, partition
//! columns and record batches it:
//!
//! - opens a root ([`DeltaRoot::open`]), refusing a file system where commits cannot be
//!   put-if-absent (no hard links) unless a single writer takes a lock file ([`storage`]);
//! - creates or opens a table ([`DeltaRoot::create_or_open`]) with the timestamp mapping of
//!   [`files`];
//! - writes Parquet data files ([`write_data_file`]) and commits them in one append
//!   ([`DeltaTable::append`]) carrying a [`TxnId`], so a replayed commit is a no-op
//!   ([`DeltaTable::txn_version`]);
//! - replaces a table's contents in one commit ([`DeltaTable::replace`]: the new files added,
//!   every active file removed, with a [`TxnId`] too), for tables derived anew by each run;
//! - reads a table's rows as Arrow batches through the kernel's scan ([`DeltaTable::read`]);
//! - checkpoints ([`DeltaTable::checkpoint`], also automatically every N commits);
//! - compacts small files ([`DeltaTable::optimize`]), deletes unreferenced ones
//!   ([`DeltaTable::vacuum`]) and lists the history ([`DeltaTable::history`]).
//!
//! The kernel does the protocol (log replay, snapshot, scan, transaction, `txn`, add and remove
//! actions, checkpoints); vacuum and history are ours (see [`maintenance`]).
//!
//! ```no_run
//! use std::sync::Arc;
//! use arrow_array::{Int64Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use ndi_delta::{DeltaRoot, RootOptions, TxnId, partition_values, write_data_file};
//! # fn main() -> ndi_delta::Result<()> {
//! let root = DeltaRoot::open("out/tables".as_ref(), RootOptions::default())?;
//! let schema = Schema::new(vec![
//!     Field::new("n", DataType::Int64, false),
//!     Field::new("day", DataType::Date32, true),
//! ]);
//! let table = root.create_or_open("numbers", &schema, &["day"])?;
//! let data = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
//! let batch = RecordBatch::try_new(data.clone(), vec![Arc::new(Int64Array::from(vec![1, 2]))])?;
//! let file = write_data_file(
//!     table.path(),
//!     "day=2024-01-31/part-1.parquet",
//!     data,
//!     &[batch],
//!     partition_values([("day", Some("2024-01-31"))]),
//!     Default::default(),
//! )?;
//! let txn = TxnId { app_id: "my-loader".into(), version: 1 };
//! table.append(&[file.clone()], Some(&txn), &[])?;
//! // A replay of the same run commits nothing.
//! table.append(&[file], Some(&txn), &[])?;
//! // The rows of the latest version, as the kernel reads them.
//! assert_eq!(table.read(None)?.num_rows(), 2);
//! # Ok(())
//! # }
//! ```

mod error;
pub mod files;
pub mod maintenance;
mod scan;
pub mod storage;
mod table;

pub use error::{Error, Result};
pub use files::{DataFile, DataFileWriter, delta_batch, delta_schema, write_data_file};
pub use maintenance::{ActiveFile, Commit, OptimizeReport, VacuumReport};
pub use scan::TableRows;
pub use storage::{CommitMode, FileLock, WRITER_LOCK};
pub use table::{
    AppendOutcome, DeltaRoot, DeltaTable, ReplaceOutcome, RootOptions, TxnId, partition_values,
};
