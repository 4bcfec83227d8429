//! The parallel loader: files and in-memory documents in, Arrow record batches out.
//!
//! Inputs are split into chunks that depend only on the input list (not on the thread
//! count); each chunk is loaded by one worker into its own part of every table, so the same
//! input always gives the same rows in the same files. Workers buffer at most `batch_size`
//! rows per table before handing a batch to their sink, so memory is bounded by batch size ×
//! threads, not by the input. Batches are cut between documents (a rejected document's rows
//! are taken back); a document whose own rows fill a batch is read to its end first, then read
//! again with its batches handed on as they fill. Afterwards a worker gives back the input
//! buffers a big document grew (it keeps 8 MiB each).

mod decoder;
mod document;
pub mod quarantine;
mod rows;
mod sink;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

pub use decoder::Decoder;
pub use document::{DocumentOutcome, Status};
pub use rows::{BatchLimit, Loaded, OnFull, RowMaker, RowOptions, Tables};
pub use sink::{BatchSink, CollectSink, SinkFactory};

/// One document to load.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file.
    Path(PathBuf),
    /// Bytes already in memory (e.g. an upload), with the name to record as its source.
    Memory {
        /// Recorded as `source_path`.
        name: String,
        /// The document, gzipped or not.
        bytes: Arc<[u8]>,
    },
}

impl Input {
    /// The name recorded as `source_path`.
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Memory { name, .. } => name.clone(),
        }
    }

    /// Its size as given (0 when a file cannot be looked at now; loading it will say why).
    fn size_hint(&self) -> u64 {
        match self {
            Input::Path(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Input::Memory { bytes, .. } => bytes.len() as u64,
        }
    }
}

/// Loader settings.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Rows per table buffered before a batch is handed to the sink.
    pub batch_size: usize,
    /// Reader limits.
    pub limits: ndi_format::Limits,
    /// What rows to make.
    pub rows: RowOptions,
    /// `loaded_at`, seconds since the epoch (UTC).
    pub loaded_at: i64,
    /// Move rejected files here (with a `.reason.txt` beside each).
    pub quarantine: Option<PathBuf>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            threads: None,
            batch_size: 65_536,
            limits: ndi_format::Limits::default(),
            rows: RowOptions::default(),
            loaded_at: now(),
            quarantine: None,
        }
    }
}

impl LoadOptions {
    /// When a table's buffered rows make a batch: `batch_size` rows, or 64 MiB of text.
    pub fn batch_limit(&self) -> BatchLimit {
        BatchLimit {
            rows: self.batch_size.max(1),
            ..BatchLimit::default()
        }
    }
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Errors that stop a load (a bad input file never does: it becomes a `rejected` row).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Building a batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// Writing Parquet failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Writing output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The thread pool could not start.
    #[error("thread pool: {0}")]
    Pool(#[from] rayon::ThreadPoolBuildError),
    /// A sink refused a batch.
    #[error("sink: {0}")]
    Sink(String),
}

/// Called with each input's outcome as soon as it is loaded (from worker threads).
pub type OutcomeObserver = Box<dyn Fn(&DocumentOutcome) + Send + Sync>;

/// Live counters, for a progress display, and an optional observer of each outcome.
#[derive(Default)]
pub struct Progress {
    /// Inputs finished.
    pub files: AtomicU64,
    /// Bytes on disk of finished inputs.
    pub bytes_on_disk: AtomicU64,
    /// Bytes of XML of finished inputs.
    pub bytes_xml: AtomicU64,
    /// Inputs rejected.
    pub rejected: AtomicU64,
    /// Told about every input's outcome.
    pub observer: Option<OutcomeObserver>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("files", &self.files)
            .field("rejected", &self.rejected)
            .finish_non_exhaustive()
    }
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadSummary {
    /// Inputs loaded without warnings.
    pub ok: u64,
    /// Inputs loaded with warnings.
    pub warning: u64,
    /// Inputs rejected.
    pub rejected: u64,
    /// Inputs not loaded because an earlier input has the same bytes (status `duplicate`).
    pub duplicate: u64,
    /// Rows written per table, in [`Table::ALL`](crate::tables::Table::ALL) order.
    pub rows: [u64; crate::tables::Table::COUNT],
    /// Bytes on disk of all inputs.
    pub bytes_on_disk: u64,
    /// Bytes of XML of all inputs that got that far.
    pub bytes_xml: u64,
    /// Rejected files that could not be moved to the quarantine folder (they stay where
    /// they were; each outcome says why).
    pub quarantine_failed: u64,
}

impl LoadSummary {
    fn add(&mut self, other: &LoadSummary) {
        self.ok += other.ok;
        self.warning += other.warning;
        self.rejected += other.rejected;
        self.duplicate += other.duplicate;
        for (a, b) in self.rows.iter_mut().zip(other.rows) {
            *a += b;
        }
        self.bytes_on_disk += other.bytes_on_disk;
        self.bytes_xml += other.bytes_xml;
        self.quarantine_failed += other.quarantine_failed;
    }

    /// Inputs seen.
    pub fn files(&self) -> u64 {
        self.ok + self.warning + self.rejected + self.duplicate
    }
}

/// How many inputs one chunk (one output part per table) holds: it depends only on the
/// number of inputs, so the same input always gives the same parts.
pub fn chunk_size(inputs: usize) -> usize {
    (inputs / 16).clamp(8, 256)
}

/// Loads `inputs` in parallel, handing batches to sinks made by `factory` (one per chunk).
///
/// Inputs with the same bytes (the same `document_id`) are loaded once: the first in input
/// order is loaded, each later one gets only a `documents` row with status `duplicate` and
/// the first one's `source_path` in `duplicate_of`, so that joins on `document_id` count a
/// document once. Only inputs of equal size are hashed to find them before the load.
///
/// Workers take chunks from a shared queue, largest first (by size as given), so that the
/// last chunks to finish are small ones and no thread waits long at the end for another
/// to finish a big one. Which inputs form a chunk, and so what every part holds, does not
/// depend on that order.
pub fn load<F: SinkFactory>(
    inputs: &[Input],
    options: &LoadOptions,
    factory: &F,
    progress: &Progress,
) -> Result<LoadSummary, LoadError> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = options.threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool.build()?;
    let size = chunk_size(inputs.len());
    let chunks: Vec<&[Input]> = inputs.chunks(size).collect();
    let (order, copies) = pool.install(|| {
        let sizes: Vec<u64> = inputs.par_iter().map(Input::size_hint).collect();
        (
            largest_first(&chunks, &sizes),
            copies(inputs, &sizes, &options.limits),
        )
    });
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<LoadSummary, LoadError>>>> =
        chunks.iter().map(|_| Mutex::new(None)).collect();
    pool.broadcast(|_| {
        let mut worker = document::Worker::new(options);
        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let start = index * size;
            let copies = &copies[start..start + chunks[index].len()];
            let result = worker.run_chunk(index, chunks[index], copies, factory, progress);
            if let Ok(mut slot) = results[index].lock() {
                *slot = Some(result);
            }
        }
    });
    let mut summary = LoadSummary::default();
    for slot in results {
        match slot.into_inner() {
            Ok(Some(result)) => summary.add(&result?),
            _ => {
                return Err(LoadError::Sink(
                    "a worker stopped before its chunk ended".into(),
                ));
            }
        }
    }
    Ok(summary)
}

/// Chunk indices by total size as given (`sizes` per input), largest first (ties in input
/// order).
fn largest_first(chunks: &[&[Input]], sizes: &[u64]) -> Vec<usize> {
    let mut offset = 0;
    let totals: Vec<u64> = chunks
        .iter()
        .map(|chunk| {
            let total = sizes[offset..offset + chunk.len()].iter().sum();
            offset += chunk.len();
            total
        })
        .collect();
    let mut order: Vec<usize> = (0..chunks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(totals[i]));
    order
}

/// For each input, the earlier input it is a byte-for-byte copy of (the first in input order
/// with the same hash), if any. Only inputs whose size (`sizes`) another input shares can be
/// copies, so only those are read here; a file that cannot be read now is left to the load,
/// which says why.
fn copies(
    inputs: &[Input],
    sizes: &[u64],
    limits: &ndi_format::Limits,
) -> Vec<Option<document::Original>> {
    let mut by_size: HashMap<u64, usize> = HashMap::new();
    for &size in sizes {
        *by_size.entry(size).or_default() += 1;
    }
    let hashes: Vec<Option<String>> = inputs
        .par_iter()
        .zip(sizes)
        .map_init(Vec::new, |buffer, (input, size)| {
            if by_size.get(size).copied().unwrap_or(0) < 2 {
                return None;
            }
            match input {
                Input::Memory { bytes, .. } => Some(document::document_id(bytes)),
                Input::Path(path) => ndi_format::read_file(path, buffer, limits)
                    .ok()
                    .map(|()| document::document_id(buffer)),
            }
        })
        .collect();
    let mut first: HashMap<&str, usize> = HashMap::new();
    hashes
        .iter()
        .enumerate()
        .map(|(i, hash)| {
            let hash = hash.as_deref()?;
            let original = *first.entry(hash).or_insert(i);
            (original != i).then(|| document::Original {
                document_id: hash.to_string(),
                source_path: inputs[original].name(),
            })
        })
        .collect()
}

/// Bumps a progress counter.
pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(size: usize) -> Input {
        Input::Memory {
            name: format!("{size}.ndi"),
            bytes: vec![b' '; size].into(),
        }
    }

    #[test]
    fn chunks_are_taken_largest_first_and_ties_keep_input_order() {
        let inputs: Vec<Input> = [5, 1, 1, 9, 2, 2, 0, 4].into_iter().map(memory).collect();
        // Chunks of two: sizes 6, 10, 4, 4.
        let chunks: Vec<&[Input]> = inputs.chunks(2).collect();
        let sizes: Vec<u64> = inputs.iter().map(Input::size_hint).collect();
        assert_eq!(largest_first(&chunks, &sizes), vec![1, 0, 2, 3]);
        assert!(largest_first(&[], &[]).is_empty());
    }
}
