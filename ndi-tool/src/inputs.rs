//! Expanding the paths a user gives into the files to process: `ndi_load::inputs`, shared
//! with every other embedder of the loader.

pub use ndi_load::inputs::{FileId, InputFile, expand, expand_excluding, read_input};
