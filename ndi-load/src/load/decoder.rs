//! A push decoder: documents in, one at a time, Arrow batches out when asked.

use arrow_array::RecordBatch;

use std::collections::HashMap;

use crate::load::document::{Original, Source, Worker, document_id};
use crate::load::{BatchSink, DocumentOutcome, LoadError, LoadOptions, LoadSummary};
use crate::tables::Table;

/// Turns documents held in memory into record batches of the contract's tables, one document
/// at a time, for a caller that receives documents itself (a server, a Python module).
///
/// [`decode`](Decoder::decode) reads one document (gzipped or not, any supported format)
/// and appends its rows, plus its `documents` row, to per-table buffers; a table whose buffer
/// reaches the batch size (`LoadOptions::batch_size`) becomes a batch that waits for
/// [`flush`](Decoder::flush), which also turns every remaining row into batches. A document
/// that fails is not lost: its rows are taken back and its `documents` row says why.
/// Memory is bounded by the batch size, as in the folder loader, plus the batches not yet
/// flushed.
pub struct Decoder {
    worker: Worker,
    ready: Ready,
    summary: LoadSummary,
    /// The name each `document_id` was first decoded under.
    seen: HashMap<String, String>,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("waiting_batches", &self.ready.0.len())
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// Batches that filled, waiting for [`Decoder::flush`].
#[derive(Debug, Default)]
struct Ready(Vec<(Table, RecordBatch)>);

impl BatchSink for Ready {
    fn write(&mut self, table: Table, batch: RecordBatch) -> Result<(), LoadError> {
        self.0.push((table, batch));
        Ok(())
    }

    fn finish(self) -> Result<(), LoadError> {
        Ok(())
    }
}

impl Decoder {
    /// A decoder with these settings (`threads` and `quarantine` do not apply).
    pub fn new(options: LoadOptions) -> Self {
        Decoder {
            worker: Worker::new(&options),
            ready: Ready::default(),
            summary: LoadSummary::default(),
            seen: HashMap::new(),
        }
    }

    /// Reads one document, recorded with `name` as its `source_path`. The outcome is its
    /// `documents` row: whether it loaded and, if not, the error with its position. A
    /// document with the same bytes as one decoded before by this decoder is not loaded
    /// again: its status is `duplicate`, with the first one's name in `duplicate_of`.
    ///
    /// # Errors
    ///
    /// Only when rows cannot be turned into a batch ([`LoadError::Arrow`]); a broken
    /// document is an outcome, not an error.
    pub fn decode(&mut self, name: &str, bytes: &[u8]) -> Result<DocumentOutcome, LoadError> {
        let source = Source::Bytes { name, bytes };
        let id = document_id(bytes);
        let copy_of = self.seen.get(&id).map(|first| Original {
            document_id: id.clone(),
            source_path: first.clone(),
        });
        let outcome = self.worker.load_document(
            source,
            copy_of.as_ref(),
            &mut self.ready,
            &mut self.summary,
        )?;
        if copy_of.is_none() {
            self.seen.insert(id, name.to_string());
        }
        Ok(outcome)
    }

    /// Every row decoded so far, as batches of at most the batch size, in decoding order
    /// per table (tables in [`Table::ALL`] order, each batch tagged with its table).
    ///
    /// # Errors
    ///
    /// When rows cannot be turned into a batch ([`LoadError::Arrow`]).
    pub fn flush(&mut self) -> Result<Vec<(Table, RecordBatch)>, LoadError> {
        self.worker.flush_all(&mut self.ready, &mut self.summary)?;
        Ok(std::mem::take(&mut self.ready.0))
    }

    /// Counts so far: documents per status, bytes, rows per table handed out or waiting.
    pub fn summary(&self) -> &LoadSummary {
        &self.summary
    }
}
