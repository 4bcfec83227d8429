//! The table contract of ndi-toolkit and the loader that fills it: inventory, usage, VDI,
//! discovery, policy and schedule documents in, Arrow record batches out, in the tables of
//! `TABLES.md`; then, if wanted, Parquet or JSON-lines files on disk.
//!
//! This crate is what a server or a Python module embeds. It depends on no command-line,
//! terminal or progress-bar crate, never prints and returns typed errors.
//!
//! # Tables
//!
//! [`tables::Table`] names the tables (`documents`, `inventories`, `hardware`,
//! `installer_evidence`, ...); [`Table::schema`](tables::Table::schema) gives each one's
//! Arrow schema, and [`tables::markdown`] the column list `TABLES.md` shows.
//!
//! # Bytes in, batches out
//!
//! A server that holds an upload in memory feeds it to a [`Decoder`] and flushes batches
//! when it wants them (the style of arrow-json's `Decoder`):
//!
//! ```
//! use ndi_load::{Decoder, Status};
//! use ndi_load::tables::Table;
//!
//! let upload = br#"<Inventory MachineName="pc1" Scope="corp.example" DateTime="20241112T031522">
//!   <Hardware><Class Name="Win32_BIOS"><Instance>
//!     <Property Name="SerialNumber" Value="ABC123"/>
//!   </Instance></Class></Hardware>
//! </Inventory>"#;
//!
//! let mut decoder = Decoder::new(Default::default());
//! let outcome = decoder.decode("SYSTEM on pc1.ndi", upload)?;
//! assert_eq!(outcome.status, Status::Ok);
//! for (table, batch) in decoder.flush()? {
//!     if table == Table::Hardware {
//!         assert_eq!(batch.num_rows(), 1);
//!     }
//! }
//! # Ok::<(), ndi_load::LoadError>(())
//! ```
//!
//! # Folders in parallel
//!
//! [`load()`] reads many files (or in-memory documents) on worker threads into per-chunk
//! sinks: [`CollectSink`] keeps the batches in memory, [`store::FileSinkFactory`] writes
//! Parquet or JSON-lines files that appear together when the run is complete.
//!
//! ```no_run
//! use ndi_load::{CollectSink, Input, LoadOptions, Progress, load};
//! use ndi_load::tables::Table;
//!
//! let inputs = vec![Input::Path("incoming/SYSTEM on PC1.ndi.gz".into())];
//! let sink = CollectSink::new();
//! let summary = load(&inputs, &LoadOptions::default(), &&sink, &Progress::default())?;
//! println!("{} rejected, {} hardware rows", summary.rejected, summary.rows[Table::Hardware.index()]);
//! # Ok::<(), ndi_load::LoadError>(())
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod escape;
pub mod inputs;
pub mod load;
pub mod sniff;
pub mod store;
pub mod tables;

pub use load::{
    BatchSink, CollectSink, Decoder, DocumentOutcome, Input, LoadError, LoadOptions, LoadSummary,
    Progress, SinkFactory, Status, load,
};
