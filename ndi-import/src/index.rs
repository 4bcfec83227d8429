//! The document ids already in the `documents` table, kept up to date incrementally.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use ndi_delta::DeltaTable;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::{ImportError, IoContext};

/// Where the row of the document loaded under an id is.
#[derive(Debug, Clone)]
enum Origin {
    /// In the data file of this slot (its `source_path` is read when asked for).
    File(u32),
    /// Committed by this process from this source.
    Source(Box<str>),
    /// Only `duplicate` rows were seen so far.
    Unknown,
}

/// The set of `document_id`s of the `documents` table. [`DocumentIndex::refresh`] reads the
/// `document_id` column of the data files it has not read yet (new commits, by this or another
/// importer, or files rewritten by `optimize`), so a long-running importer reads each file once.
/// For each id it remembers which file holds the row of the document loaded (not a
/// `duplicate` row), so that [`DocumentIndex::originals`] can name its `source_path` without
/// keeping every path in memory.
#[derive(Debug, Default)]
pub struct DocumentIndex {
    /// Data files read (relative paths) → slot.
    files: HashMap<String, u32>,
    /// Slot → data file (relative path).
    slots: Vec<String>,
    ids: HashMap<String, Origin>,
}

/// The batches of `columns` of the Parquet file `path` (columns it lacks are left out).
pub(crate) fn read_columns(path: &Path, columns: &[&str]) -> Result<Vec<RecordBatch>, ImportError> {
    let handle = File::open(path).io("open", path)?;
    let parquet_error = |source| ImportError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(handle).map_err(parquet_error)?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(parquet_error)?;
    reader
        .map(|batch| batch.map_err(|e| parquet_error(e.into())))
        .collect()
}

/// Each row of a `documents` batch: its `document_id`, whether it is a document's own row
/// (not a `duplicate` row: `duplicate_of` null or absent), and its `source_path` when read.
fn rows(batch: &RecordBatch) -> impl Iterator<Item = (&str, bool, Option<&str>)> {
    let ids = batch
        .column_by_name("document_id")
        .map(|c| c.as_string::<i32>());
    let copies = batch
        .column_by_name("duplicate_of")
        .map(|c| c.as_string::<i32>());
    let sources = batch
        .column_by_name("source_path")
        .map(|c| c.as_string::<i32>());
    (0..ids.map_or(0, |c| c.len())).filter_map(move |i| {
        let ids = ids?;
        if !ids.is_valid(i) {
            return None;
        }
        let own = copies.is_none_or(|c| c.is_null(i));
        let source = sources.filter(|c| c.is_valid(i)).map(|c| c.value(i));
        Some((ids.value(i), own, source))
    })
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
            if self.files.contains_key(&file.path) {
                continue;
            }
            let slot = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
            let path = documents.path().join(&file.path);
            for batch in read_columns(&path, &["document_id", "duplicate_of"])? {
                for (id, own, _) in rows(&batch) {
                    if own {
                        self.ids.insert(id.to_string(), Origin::File(slot));
                    } else if !self.ids.contains_key(id) {
                        self.ids.insert(id.to_string(), Origin::Unknown);
                    }
                }
            }
            self.slots.push(file.path.clone());
            self.files.insert(file.path, slot);
        }
        // Files gone from the table (compacted away) need not be remembered; their ids are
        // in the files that replaced them, read above.
        self.files.retain(|f, _| current.contains(f));
        Ok(())
    }

    /// Whether `document_id` is in the table (as of the last refresh or insert).
    pub fn contains(&self, document_id: &str) -> bool {
        self.ids.contains_key(document_id)
    }

    /// Records an id committed by this process, loaded from `source_path`.
    pub fn insert(&mut self, document_id: String, source_path: &str) {
        self.ids
            .insert(document_id, Origin::Source(source_path.into()));
    }

    /// The `source_path` of the document loaded under each of `ids` that the index holds (not
    /// that of a `duplicate` row), read from the data files of `documents` that hold them;
    /// ids whose row cannot be found are left out.
    pub fn originals<'a>(
        &self,
        documents: &DeltaTable,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, String>, ImportError> {
        let mut out = HashMap::new();
        let mut by_file: BTreeMap<u32, HashSet<&str>> = BTreeMap::new();
        for id in ids {
            match self.ids.get(id) {
                Some(Origin::Source(source)) => {
                    out.insert(id.to_string(), source.to_string());
                }
                Some(Origin::File(slot)) => {
                    by_file.entry(*slot).or_default().insert(id);
                }
                Some(Origin::Unknown) | None => {}
            }
        }
        for (slot, wanted) in by_file {
            let Some(relative) = self.slots.get(slot as usize) else {
                continue;
            };
            let path = documents.path().join(relative);
            let columns = ["document_id", "duplicate_of", "source_path"];
            for batch in read_columns(&path, &columns)? {
                for (id, own, source) in rows(&batch) {
                    if let (true, Some(source)) = (own && wanted.contains(id), source) {
                        out.insert(id.to_string(), source.to_string());
                    }
                }
            }
        }
        Ok(out)
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
