//! What the tables under a root hold per document, read from the data files their latest
//! versions reference: for checking that an import put every row in exactly once (the tests
//! and the crash harness of `ndi-tool import` use it).

use std::collections::BTreeMap;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use ndi_delta::DeltaRoot;
use ndi_load::tables::Table;

use crate::error::ImportError;
use crate::index::read_columns;

/// A row of `documents`, as far as exactly-once is concerned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocumentRow {
    /// `document_id`.
    pub document_id: String,
    /// `source_path`.
    pub source_path: String,
    /// `status`.
    pub status: String,
    /// `duplicate_of`.
    pub duplicate_of: Option<String>,
}

/// For every table of the contract (by name), the number of rows per `document_id`.
pub fn rows_by_document(
    root: &DeltaRoot,
) -> Result<BTreeMap<String, BTreeMap<String, u64>>, ImportError> {
    let mut out = BTreeMap::new();
    for table in Table::ALL {
        let delta = root.open_table(table.name())?;
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for file in delta.active_files()? {
            let path = delta.path().join(&file.path);
            for batch in read_columns(&path, &["document_id"])? {
                if let Some(ids) = batch.column_by_name("document_id") {
                    let ids = ids.as_string::<i32>();
                    for i in (0..ids.len()).filter(|&i| ids.is_valid(i)) {
                        *counts.entry(ids.value(i).to_string()).or_default() += 1;
                    }
                }
            }
        }
        out.insert(table.name().to_string(), counts);
    }
    Ok(out)
}

/// Every row of `documents`, sorted.
pub fn document_rows(root: &DeltaRoot) -> Result<Vec<DocumentRow>, ImportError> {
    let delta = root.open_table(Table::Documents.name())?;
    let mut out = Vec::new();
    let columns = ["document_id", "source_path", "status", "duplicate_of"];
    for file in delta.active_files()? {
        let path = delta.path().join(&file.path);
        for batch in read_columns(&path, &columns)? {
            let column = |name: &str| batch.column_by_name(name).map(|c| c.as_string::<i32>());
            let (Some(ids), Some(sources), Some(statuses), Some(copies)) = (
                column("document_id"),
                column("source_path"),
                column("status"),
                column("duplicate_of"),
            ) else {
                return Err(ImportError::State {
                    path,
                    message: "a documents data file without the documents columns".into(),
                });
            };
            for i in 0..batch.num_rows() {
                out.push(DocumentRow {
                    document_id: ids.value(i).to_string(),
                    source_path: sources.value(i).to_string(),
                    status: statuses.value(i).to_string(),
                    duplicate_of: copies.is_valid(i).then(|| copies.value(i).to_string()),
                });
            }
        }
    }
    out.sort();
    Ok(out)
}
