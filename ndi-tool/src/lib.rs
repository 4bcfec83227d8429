//! The library behind `ndi-tool`: the parallel loader that turns folders of inventory files
//! into Arrow record batches and Parquet, and the table contract it writes.
//!
//! ```no_run
//! use ndi_tool::load::{CollectSink, Input, LoadOptions, Progress, load};
//! use ndi_tool::tables::Table;
//!
//! let inputs = vec![Input::Path("incoming/SYSTEM on PC1.ndi.gz".into())];
//! let sink = CollectSink::new();
//! let summary = load(&inputs, &LoadOptions::default(), &&sink, &Progress::default())?;
//! println!("{} rejected, {} hardware rows", summary.rejected, summary.rows[Table::Hardware.index()]);
//! # Ok::<(), ndi_tool::load::LoadError>(())
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod diff;
pub mod escape;
pub mod load;
pub mod store;
pub mod tables;
