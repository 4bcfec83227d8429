//! The document ids already in the `documents` table, kept up to date incrementally.

use std::collections::HashSet;
use std::fs::File;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use ndi_delta::DeltaTable;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::{ImportError, IoContext};

/// The set of `document_id`s of the `documents` table. [`DocumentIndex::refresh`] reads the
/// `document_id` column of the data files it has not read yet (new commits, by this or another
/// importer, or files rewritten by `optimize`), so a long-running importer reads each file once.
#[derive(Debug, Default)]
pub struct DocumentIndex {
    files: HashSet<String>,
    ids: HashSet<String>,
}

impl DocumentIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the files of the latest version of `documents` not read yet.
    pub fn refresh(&mut self, documents: &DeltaTable) -> Result<(), ImportError> {
        let active = documents.active_files()?;
        let current: HashSet<String> = active.iter().map(|f| f.path.clone()).collect();
        for file in active {
            if self.files.contains(&file.path) {
                continue;
            }
            let path = documents.path().join(&file.path);
            let handle = File::open(&path).io("open", &path)?;
            let parquet_error = |source| ImportError::Parquet {
                path: path.clone(),
                source,
            };
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(handle).map_err(parquet_error)?;
            let mask = ProjectionMask::columns(builder.parquet_schema(), ["document_id"]);
            let reader = builder
                .with_projection(mask)
                .build()
                .map_err(parquet_error)?;
            for batch in reader {
                let batch = batch.map_err(|e| ImportError::Parquet {
                    path: path.clone(),
                    source: e.into(),
                })?;
                if let Some(column) = batch.column_by_name("document_id") {
                    let column = column.as_string::<i32>();
                    for i in 0..column.len() {
                        if column.is_valid(i) {
                            self.ids.insert(column.value(i).to_string());
                        }
                    }
                }
            }
            self.files.insert(file.path);
        }
        // Files gone from the table (compacted away) need not be remembered; their ids are
        // in the files that replaced them.
        self.files.retain(|f| current.contains(f));
        Ok(())
    }

    /// Whether `document_id` is in the table (as of the last refresh or insert).
    pub fn contains(&self, document_id: &str) -> bool {
        self.ids.contains(document_id)
    }

    /// Records ids committed by this process.
    pub fn insert(&mut self, document_id: String) {
        self.ids.insert(document_id);
    }

    /// Number of ids known.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no id is known.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}
