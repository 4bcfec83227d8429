//! Where batches go: a sink per chunk, made by a factory shared by the workers.

use std::sync::Mutex;

use arrow_array::RecordBatch;

use crate::load::LoadError;
use crate::tables::Table;

/// Receives the batches of one chunk, in order per table.
pub trait BatchSink {
    /// Takes one batch of `table`.
    fn write(&mut self, table: Table, batch: RecordBatch) -> Result<(), LoadError>;
    /// Completes the chunk (e.g. makes its files appear).
    fn finish(self) -> Result<(), LoadError>;
}

/// Makes one sink per chunk; shared by all workers.
pub trait SinkFactory: Sync {
    /// The sink type.
    type Sink: BatchSink;
    /// A sink for chunk `index`.
    fn open(&self, index: usize) -> Result<Self::Sink, LoadError>;
}

/// Keeps every batch in memory, tagged with its chunk (for tests and small servers).
#[derive(Debug, Default)]
pub struct CollectSink {
    batches: Mutex<Vec<(usize, Table, RecordBatch)>>,
}

impl CollectSink {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// The batches of `table`, in chunk order.
    pub fn batches(&self, table: Table) -> Vec<RecordBatch> {
        let mut all: Vec<(usize, Table, RecordBatch)> =
            self.batches.lock().map(|b| b.clone()).unwrap_or_default();
        all.sort_by_key(|(chunk, _, _)| *chunk);
        all.into_iter()
            .filter(|(_, t, _)| *t == table)
            .map(|(_, _, b)| b)
            .collect()
    }
}

/// The sink of one chunk of a [`CollectSink`].
#[derive(Debug)]
pub struct CollectChunk<'c> {
    parent: &'c CollectSink,
    index: usize,
    batches: Vec<(usize, Table, RecordBatch)>,
}

impl BatchSink for CollectChunk<'_> {
    fn write(&mut self, table: Table, batch: RecordBatch) -> Result<(), LoadError> {
        self.batches.push((self.index, table, batch));
        Ok(())
    }

    fn finish(self) -> Result<(), LoadError> {
        let mut all = self
            .parent
            .batches
            .lock()
            .map_err(|_| LoadError::Sink("collector poisoned".into()))?;
        all.extend(self.batches);
        Ok(())
    }
}

impl<'c> SinkFactory for &'c CollectSink {
    type Sink = CollectChunk<'c>;

    fn open(&self, index: usize) -> Result<Self::Sink, LoadError> {
        Ok(CollectChunk {
            parent: self,
            index,
            batches: Vec::new(),
        })
    }
}
