//! Writing tables to disk: Parquet (or JSON lines) files per table and chunk, appearing
//! atomically, in the layout of `TABLES.md`, plus `_manifest.json`.

mod layout;
mod manifest;
mod writer;

pub use layout::Layout;
pub use manifest::{Manifest, PartitionEntry, write_manifest};
pub use writer::{FileFormat, FileSinkFactory, parquet_schema, properties, write_empty_tables};
