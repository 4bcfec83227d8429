//! The native part of the Python package `ndi_toolkit` (module `ndi_toolkit._native`).
//!
//! Documents become record batches of the table contract in Rust ([`ndi_load::Decoder`] for
//! one document, [`ndi_load::load()`] for files and folders) with the GIL released, and reach
//! Python as pyarrow objects through the Arrow C Data Interface (`arrow-pyarrow`): pyarrow
//! takes ownership of the Rust buffers, nothing is copied and no Python code runs per row.
//! Reader errors raise `ndi_toolkit.NdiFormatError` with their rule and position. The typed,
//! documented Python API is `python/ndi_toolkit/__init__.py`; this crate is its engine.

mod checks;
mod inputs;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_pyarrow::{FromPyArrow, IntoPyArrow, ToPyArrow};
use arrow_schema::DataType;
use ndi_load::tables::Table;
use ndi_load::{
    BatchSink, CollectSink, Decoder, Input, LoadError, LoadOptions, LoadSummary, Progress,
    SinkFactory, Status,
};
use pyo3::exceptions::{
    PyFileNotFoundError, PyOSError, PyPermissionError, PyRuntimeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::inputs::{Document, Failure};

pyo3::create_exception!(
    ndi_toolkit,
    NdiFormatError,
    PyValueError,
    "A document could not be read: `rule`, `message`, `line`, `column`, `offset`, `element_path` and `path` say what and where."
);

/// The Python exception for a reader error: its rule and location as attributes (`None`
/// where the error has none, e.g. no line for a corrupt gzip stream).
pub(crate) fn format_error(
    py: Python<'_>,
    display: String,
    rule: &str,
    message: &str,
    location: &ndi_format::Location,
) -> PyErr {
    let err = NdiFormatError::new_err(display);
    let value = err.value(py);
    let pos = location.position;
    let attrs: [(&str, Option<String>); 3] = [
        ("rule", Some(rule.to_string())),
        ("message", Some(message.to_string())),
        ("element_path", location.element_path.clone()),
    ];
    for (name, v) in attrs {
        let _ = value.setattr(name, v);
    }
    let _ = value.setattr("line", pos.map(|p| p.line).filter(|l| *l > 0));
    let _ = value.setattr("column", pos.map(|p| p.column).filter(|c| *c > 0));
    let _ = value.setattr("offset", pos.map(|p| p.offset));
    let _ = value.setattr(
        "path",
        location.file.as_ref().map(|f| f.display().to_string()),
    );
    err
}

/// The Python exception for a failure to get or read a document.
fn failure(py: Python<'_>, f: Failure) -> PyErr {
    match f {
        Failure::Os(path, e) => {
            let msg = format!("{}: {e}", path.display());
            match e.kind() {
                std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
                std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(msg),
                _ => PyOSError::new_err(msg),
            }
        }
        Failure::Reader(e) => reader_error(py, &e),
    }
}

/// The Python exception for an `ndi_format::Error`.
pub(crate) fn reader_error(py: Python<'_>, e: &ndi_format::Error) -> PyErr {
    format_error(py, e.to_string(), e.rule(), &e.message(), e.location())
}

fn load_error(e: LoadError) -> PyErr {
    PyRuntimeError::new_err(e.to_string())
}

fn options(threads: Option<usize>, batch_size: usize) -> PyResult<LoadOptions> {
    if batch_size == 0 {
        return Err(PyValueError::new_err("batch_size must be at least 1"));
    }
    if threads == Some(0) {
        return Err(PyValueError::new_err(
            "threads must be at least 1 (or None)",
        ));
    }
    Ok(LoadOptions {
        threads,
        batch_size,
        ..LoadOptions::default()
    })
}

/// `table`'s batches as one `pyarrow.Table` with the contract's schema, through one Arrow C
/// stream (the buffers move to pyarrow, nothing is copied).
fn to_table<'py>(
    py: Python<'py>,
    table: Table,
    batches: Vec<RecordBatch>,
) -> PyResult<Bound<'py, PyAny>> {
    let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), table.schema());
    let reader: Box<dyn RecordBatchReader + Send> = Box::new(reader);
    reader.into_pyarrow(py)?.call_method0("read_all")
}

/// Every table of the contract (in `Table::ALL` order, empty ones too), from tagged batches.
fn tables_dict<'py>(
    py: Python<'py>,
    mut tagged: Vec<(Table, RecordBatch)>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    let mut per_table: Vec<Vec<RecordBatch>> = vec![Vec::new(); Table::COUNT];
    for (table, batch) in tagged.drain(..) {
        per_table[table.index()].push(batch);
    }
    for (table, batches) in Table::ALL.into_iter().zip(per_table) {
        dict.set_item(table.name(), to_table(py, table, batches)?)?;
    }
    Ok(dict)
}

/// The Arrow schema of every table, by name.
#[pyfunction]
fn schemas(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let dict = PyDict::new(py);
    for table in Table::ALL {
        dict.set_item(table.name(), table.schema().as_ref().to_pyarrow(py)?)?;
    }
    Ok(dict)
}

/// Why `read` gave no tables.
enum ReadError {
    Failure(Failure),
    Load(LoadError),
}

/// One document (bytes or a path) into every table; a document that cannot be read raises.
#[pyfunction]
#[pyo3(signature = (document, batch_size = 65_536))]
fn read(py: Python<'_>, document: Document, batch_size: usize) -> PyResult<Bound<'_, PyDict>> {
    let options = options(None, batch_size)?;
    let tagged = py.detach(|| -> Result<Vec<(Table, RecordBatch)>, ReadError> {
        let loaded = document.load().map_err(ReadError::Failure)?;
        let mut decoder = Decoder::new(options);
        let outcome = decoder
            .decode(&loaded.name, &loaded.bytes)
            .map_err(ReadError::Load)?;
        if outcome.status == Status::Rejected
            && let Some(e) = outcome.error
        {
            let e = match &loaded.path {
                Some(path) => e.with_file(path),
                None => e,
            };
            return Err(ReadError::Failure(Failure::Reader(e)));
        }
        decoder.flush().map_err(ReadError::Load)
    });
    match tagged {
        Ok(tagged) => tables_dict(py, tagged),
        Err(ReadError::Failure(f)) => Err(failure(py, f)),
        Err(ReadError::Load(e)) => Err(load_error(e)),
    }
}

/// The inputs of files and folders, as `ndi-tool convert` expands them.
fn expand_inputs(paths: &[PathBuf]) -> PyResult<Vec<Input>> {
    let files = ndi_load::inputs::expand(paths).map_err(|e| match &e {
        ndi_load::inputs::InputsError::Path { source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            PyFileNotFoundError::new_err(e.to_string())
        }
        _ => PyOSError::new_err(e.to_string()),
    })?;
    Ok(files.into_iter().map(|f| Input::Path(f.path)).collect())
}

/// Files and folders into every table, in parallel; a file that cannot be read is a
/// `rejected` row of `documents`, never an exception.
#[pyfunction]
#[pyo3(signature = (paths, threads = None, batch_size = 65_536))]
fn load(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    threads: Option<usize>,
    batch_size: usize,
) -> PyResult<Bound<'_, PyDict>> {
    let options = options(threads, batch_size)?;
    let tagged = py.detach(|| -> PyResult<Vec<(Table, RecordBatch)>> {
        let inputs = expand_inputs(&paths)?;
        let sink = CollectSink::new();
        ndi_load::load(&inputs, &options, &&sink, &Progress::default()).map_err(load_error)?;
        Ok(Table::ALL
            .into_iter()
            .flat_map(|t| sink.batches(t).into_iter().map(move |b| (t, b)))
            .collect())
    })?;
    tables_dict(py, tagged)
}

/// What the loading thread of [`BatchIterator`] sends.
enum Message {
    Batch(Table, RecordBatch),
    Done(Result<LoadSummary, LoadError>),
}

/// Hands each batch to the iterator as soon as a worker makes it, waiting while the
/// iterator's queue is full.
struct ChannelSink(SyncSender<Message>);

impl BatchSink for ChannelSink {
    fn write(&mut self, table: Table, batch: RecordBatch) -> Result<(), LoadError> {
        self.0
            .send(Message::Batch(table, batch))
            .map_err(|_| LoadError::Sink("the Python iterator was closed".into()))
    }

    fn finish(self) -> Result<(), LoadError> {
        Ok(())
    }
}

struct ChannelFactory(SyncSender<Message>);

impl SinkFactory for ChannelFactory {
    type Sink = ChannelSink;

    fn open(&self, _index: usize) -> Result<ChannelSink, LoadError> {
        Ok(ChannelSink(self.0.clone()))
    }
}

/// `(table_name, pyarrow.RecordBatch)` pairs of a load running on worker threads.
///
/// Workers wait while `threads` batches are queued and not yet taken, so memory stays
/// bounded by batch size × threads however many files there are. Closing the iterator (or
/// dropping it) stops the load.
#[pyclass(module = "ndi_toolkit._native")]
struct BatchIterator {
    rx: Mutex<Option<Receiver<Message>>>,
}

#[pymethods]
impl BatchIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<(&'static str, Bound<'py, PyAny>)>> {
        let message = py.detach(|| {
            let guard = self.rx.lock().ok()?;
            guard.as_ref().map(Receiver::recv)
        });
        match message {
            None => Ok(None),
            Some(Ok(Message::Batch(table, batch))) => {
                Ok(Some((table.name(), batch.to_pyarrow(py)?)))
            }
            Some(Ok(Message::Done(result))) => {
                self.close();
                result.map(|_| None).map_err(load_error)
            }
            Some(Err(_)) => {
                self.close();
                Err(PyRuntimeError::new_err("the loading thread stopped"))
            }
        }
    }

    /// Stops the load: workers stop at their next batch; later calls yield nothing.
    fn close(&self) {
        if let Ok(mut guard) = self.rx.lock() {
            guard.take();
        }
    }
}

/// Starts loading files and folders on worker threads; batches come out of the iterator.
#[pyfunction]
#[pyo3(signature = (paths, threads = None, batch_size = 65_536))]
fn iter_batches(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    threads: Option<usize>,
    batch_size: usize,
) -> PyResult<BatchIterator> {
    let options = options(threads, batch_size)?;
    let inputs = py.detach(|| expand_inputs(&paths))?;
    let queue = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let (tx, rx) = sync_channel(queue);
    std::thread::Builder::new()
        .name("ndi-toolkit-load".into())
        .spawn(move || {
            let factory = ChannelFactory(tx.clone());
            let result = ndi_load::load(&inputs, &options, &factory, &Progress::default());
            drop(factory);
            let _ = tx.send(Message::Done(result));
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the loading thread: {e}")))?;
    Ok(BatchIterator {
        rx: Mutex::new(Some(rx)),
    })
}

/// Documents held in an Arrow record batch (Spark's `binaryFile` rows: a `path` string
/// column and a `content` binary column) into batches of the contract's tables, tagged with
/// their table names, without a Python loop over rows.
#[pyfunction]
#[pyo3(signature = (files, batch_size = 65_536))]
fn decode_files<'py>(
    py: Python<'py>,
    files: &Bound<'py, PyAny>,
    batch_size: usize,
) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    let options = options(None, batch_size)?;
    let files = RecordBatch::from_pyarrow_bound(files)?;
    let tagged = py.detach(|| -> PyResult<Vec<(Table, RecordBatch)>> {
        let column = |name: &str| {
            files
                .column_by_name(name)
                .ok_or_else(|| PyValueError::new_err(format!("no column {name:?}")))
        };
        let paths = column("path")?;
        let contents = column("content")?;
        let path_at = |i: usize| -> Option<String> {
            match paths.data_type() {
                DataType::Utf8 => Some(paths.as_string::<i32>().value(i).to_string()),
                DataType::LargeUtf8 => Some(paths.as_string::<i64>().value(i).to_string()),
                _ => None,
            }
            .filter(|_| paths.is_valid(i))
        };
        let content_at = |i: usize| -> Option<&[u8]> {
            if !contents.is_valid(i) {
                return None;
            }
            match contents.data_type() {
                DataType::Binary => Some(contents.as_binary::<i32>().value(i)),
                DataType::LargeBinary => Some(contents.as_binary::<i64>().value(i)),
                _ => None,
            }
        };
        if !matches!(
            contents.data_type(),
            DataType::Binary | DataType::LargeBinary
        ) || !matches!(paths.data_type(), DataType::Utf8 | DataType::LargeUtf8)
        {
            return Err(PyValueError::new_err(
                "expected a string column `path` and a binary column `content`",
            ));
        }
        let mut decoder = Decoder::new(options);
        for i in 0..files.num_rows() {
            let name = path_at(i).unwrap_or_default();
            decoder
                .decode(&name, content_at(i).unwrap_or_default())
                .map_err(load_error)?;
        }
        decoder.flush().map_err(load_error)
    })?;
    tagged
        .into_iter()
        .map(|(t, b)| Ok((t.name(), b.to_pyarrow(py)?)))
        .collect()
}

/// The native module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("NdiFormatError", m.py().get_type::<NdiFormatError>())?;
    m.add_class::<BatchIterator>()?;
    m.add_function(wrap_pyfunction!(schemas, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(iter_batches, m)?)?;
    m.add_function(wrap_pyfunction!(decode_files, m)?)?;
    m.add_function(wrap_pyfunction!(checks::validate, m)?)?;
    m.add_function(wrap_pyfunction!(checks::diff, m)?)?;
    m.add_function(wrap_pyfunction!(checks::next_runs, m)?)?;
    m.add_function(wrap_pyfunction!(checks::effective_packages, m)?)?;
    Ok(())
}
