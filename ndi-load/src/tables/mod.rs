//! The tables of the columnar contract (`TABLES.md`): schemas and row builders.

mod builder;
mod schema;

pub use builder::TableBuilder;
pub use schema::{SCHEMA_VERSION, Table, attributes_type, columns, markdown, type_name};
