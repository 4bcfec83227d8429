//! Writing tables to disk: Parquet (or JSON lines) files per table and chunk, appearing
//! atomically, in the layout of `TABLES.md`, plus `_manifest.json`; one run at a time per
//! folder ([`DirLock`]).

mod layout;
mod lock;
mod manifest;
mod writer;

pub use layout::{Layout, iso_date};
pub use lock::{DirLock, LOCK_FILE, LockError};
pub use manifest::{Manifest, PartitionEntry, write_manifest};
pub use writer::{
    FileFormat, FileSinkFactory, SCHEMA_FILE, base_properties, created_by, parquet_schema,
    properties, schema_json, write_empty_tables,
};
