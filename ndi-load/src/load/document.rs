//! One worker: loads the documents of a chunk, one `documents` row each, whatever happens.

use std::path::{Path, PathBuf};

use ndi_format::{Compression, Error, Format, InputBuffer, ReaderBuilder, Record};

use crate::load::rows::{self, Loaded, OnFull, RowMaker, Tables};
use crate::load::sink::{BatchSink, SinkFactory};
use crate::load::{Input, LoadError, LoadOptions, LoadSummary, Progress, bump, quarantine};
use crate::tables::{Table, TableBuilder, columns as col};

/// What happened to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Loaded.
    Ok,
    /// Loaded, with warnings (e.g. characters XML forbids).
    Warning,
    /// Not loaded: the error says why.
    Rejected,
    /// Not loaded again: the same bytes as an input earlier in the input list (same
    /// `document_id`), whose path is in `duplicate_of`.
    Duplicate,
}

impl Status {
    /// `ok`, `warning` or `rejected`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
        }
    }
}

/// The `documents` row of one input.
#[derive(Debug)]
pub struct DocumentOutcome {
    /// Stable id: derived from the bytes on disk.
    pub document_id: String,
    /// Path or name of the input.
    pub source_path: String,
    /// Format recognised (none when the document was rejected before its root).
    pub format: Option<Format>,
    /// Whether the input was gzipped.
    pub compressed: bool,
    /// Size of the input as given.
    pub bytes_on_disk: u64,
    /// XML bytes read.
    pub bytes_xml: Option<u64>,
    /// What happened.
    pub status: Status,
    /// Why it was rejected.
    pub error: Option<Error>,
    /// Warnings found (the first [`ndi_format::MAX_KEPT_WARNINGS`]).
    pub warnings: Vec<ndi_format::Warning>,
    /// How many warnings were found, including those not kept.
    pub warning_count: u64,
    /// Encoding of the text.
    pub encoding: Option<&'static str>,
    /// Bytes of embedded content not kept.
    pub content_bytes_omitted: u64,
    /// Where a rejected file was moved (with `quarantine` set).
    pub quarantined_to: Option<PathBuf>,
    /// Why a rejected file could not be moved (it stays where it was).
    pub quarantine_error: Option<String>,
    /// With status `duplicate`: the `source_path` of the input with the same bytes that was
    /// loaded.
    pub duplicate_of: Option<String>,
    /// For a rejected document that is not XML at all, what it looks like
    /// ([`crate::sniff::looks_like`]); its `documents` row then has the rule `unknown-format`.
    pub looks_like: Option<String>,
}

impl DocumentOutcome {
    /// The outcome of an input not read yet: `rejected` without an error, nothing known.
    fn unread(source_path: String) -> Self {
        DocumentOutcome {
            document_id: String::new(),
            source_path,
            format: None,
            compressed: false,
            bytes_on_disk: 0,
            bytes_xml: None,
            status: Status::Rejected,
            error: None,
            warnings: Vec::new(),
            warning_count: 0,
            encoding: None,
            content_bytes_omitted: 0,
            quarantined_to: None,
            quarantine_error: None,
            duplicate_of: None,
            looks_like: None,
        }
    }

    /// The outcome of an input that is not loaded because a document with the same bytes
    /// (`document_id`) was: status `duplicate`, its size as given and whether it is gzipped,
    /// and the loaded one's `source_path` in `duplicate_of` (`None` when it is not known). Its
    /// row ([`DocumentOutcome::documents_row`]) is the one `load` writes for such an input.
    pub fn duplicate(
        document_id: String,
        source_path: String,
        bytes_on_disk: u64,
        compressed: bool,
        duplicate_of: Option<String>,
    ) -> Self {
        DocumentOutcome {
            document_id,
            compressed,
            bytes_on_disk,
            status: Status::Duplicate,
            duplicate_of,
            ..DocumentOutcome::unread(source_path)
        }
    }

    /// Appends this outcome's row to `b`, a builder of [`Table::Documents`], with `loaded_at`
    /// (seconds since the epoch): the row every loader writes for an input.
    pub fn documents_row(&self, b: &mut TableBuilder, loaded_at: i64) {
        let o = self;
        let err = o.error.as_ref();
        let pos = err.and_then(|e| e.location().position);
        let error_text = o.reason();
        b.text(col::documents::document_id, Some(&o.document_id))
            .text(col::documents::source_path, Some(&o.source_path))
            .text(col::documents::format, o.format.map(Format::name))
            .boolean(col::documents::compressed, Some(o.compressed))
            .int64(
                col::documents::bytes_on_disk,
                i64::try_from(o.bytes_on_disk).ok(),
            )
            .int64(
                col::documents::bytes_xml,
                o.bytes_xml.and_then(|v| i64::try_from(v).ok()),
            )
            .text(col::documents::status, Some(o.status.name()))
            .text(col::documents::error, error_text.as_deref())
            .text(col::documents::error_rule, o.rule())
            .int64(
                col::documents::error_line,
                pos.and_then(|p| i64::try_from(p.line).ok()),
            )
            .int64(
                col::documents::error_column,
                pos.and_then(|p| i64::try_from(p.column).ok()),
            )
            .int64(
                col::documents::error_offset,
                pos.and_then(|p| i64::try_from(p.offset).ok()),
            )
            .text(
                col::documents::error_element_path,
                err.and_then(|e| e.location().element_path.as_deref()),
            )
            .int64(
                col::documents::warning_count,
                i64::try_from(o.warning_count).ok(),
            )
            .text(
                col::documents::first_warning,
                o.warnings.first().map(|w| w.to_string()).as_deref(),
            )
            .text(col::documents::encoding, o.encoding)
            .int64(
                col::documents::content_bytes_omitted,
                i64::try_from(o.content_bytes_omitted).ok(),
            )
            .utc_timestamp(col::documents::loaded_at, Some(loaded_at))
            .text(col::documents::duplicate_of, o.duplicate_of.as_deref())
            .end_row();
    }

    /// Why it was rejected, as one line without the file name: what it looks like when it is
    /// not XML at all, then the reader's error (position, element path, rule).
    pub fn reason(&self) -> Option<String> {
        let e = self.error.as_ref()?;
        // The file is in `source_path`; the message keeps position, path and rule.
        let mut text = e.to_string();
        if let Some(file) = &e.location().file {
            let prefix = format!("{}:", file.display());
            if let Some(rest) = text.strip_prefix(&prefix) {
                // Without a position (an error found before reading), `file: message`.
                text = rest.trim_start().to_string();
            }
        }
        Some(match &self.looks_like {
            Some(looks) => format!("{looks} (reading it as XML: {text}) [unknown-format]"),
            None => text,
        })
    }

    /// The rule of the rejection: `unknown-format` for a file that is not XML at all, else
    /// the reader's.
    pub fn rule(&self) -> Option<&'static str> {
        match (&self.error, &self.looks_like) {
            (Some(_), Some(_)) => Some("unknown-format"),
            (Some(e), None) => Some(e.rule()),
            (None, _) => None,
        }
    }
}

/// The document id of `bytes`: the first 128 bits of their BLAKE3 hash, in hex.
pub fn document_id(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex()[..32].to_string()
}

/// The input that was loaded, of several with the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Original {
    /// Its `document_id` (the hash of the bytes they share).
    pub(crate) document_id: String,
    /// Its `source_path`.
    pub(crate) source_path: String,
}

/// Where one document's bytes come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// A file, read by the worker.
    Path(&'a Path),
    /// Bytes in memory, with the name recorded as `source_path`.
    Bytes {
        /// Recorded as `source_path`.
        name: &'a str,
        /// The document, gzipped or not.
        bytes: &'a [u8],
    },
}

impl Source<'_> {
    fn name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Bytes { name, .. } => (*name).to_string(),
        }
    }
}

/// Bytes each input buffer keeps between documents; an outlier's larger buffers are given
/// back after it (most inventories are far smaller: a median of about 80 kB gzipped).
const KEEP_BUFFER_BYTES: usize = 8 << 20;

/// Per-thread state, reused across chunks.
pub(crate) struct Worker {
    options: LoadOptions,
    raw: Vec<u8>,
    buffer: InputBuffer,
    rows: RowMaker,
    tables: Tables,
}

impl Worker {
    pub(crate) fn new(options: &LoadOptions) -> Self {
        Worker {
            options: options.clone(),
            raw: Vec::new(),
            buffer: InputBuffer::new(),
            rows: RowMaker::new(options.rows),
            tables: Tables::new(options.batch_limit()),
        }
    }

    /// Loads chunk `index`: `inputs`, with `copies[i]` the earlier input `inputs[i]` is a
    /// byte-for-byte copy of, if any.
    pub(crate) fn run_chunk<F: SinkFactory>(
        &mut self,
        index: usize,
        inputs: &[Input],
        copies: &[Option<Original>],
        factory: &F,
        progress: &Progress,
    ) -> Result<LoadSummary, LoadError> {
        let mut sink = factory.open(index)?;
        let mut summary = LoadSummary::default();
        for (i, input) in inputs.iter().enumerate() {
            let source = match input {
                Input::Path(path) => Source::Path(path),
                Input::Memory { name, bytes } => Source::Bytes { name, bytes },
            };
            let copy_of = copies.get(i).and_then(Option::as_ref);
            let mut outcome = self.load_document(source, copy_of, &mut sink, &mut summary)?;
            if outcome.status == Status::Rejected {
                bump(&progress.rejected, 1);
                if let (Some(dir), Input::Path(path)) = (&self.options.quarantine, input) {
                    // A file that cannot be moved stays where it was; the run goes on.
                    match quarantine::quarantine(path, dir, &reason_text(path, &outcome)) {
                        Ok(target) => outcome.quarantined_to = Some(target),
                        Err(e) => {
                            summary.quarantine_failed += 1;
                            outcome.quarantine_error = Some(e.to_string());
                        }
                    }
                }
            }
            if let Some(observe) = &progress.observer {
                observe(&outcome);
            }
            bump(&progress.files, 1);
            bump(&progress.bytes_on_disk, outcome.bytes_on_disk);
            bump(&progress.bytes_xml, outcome.bytes_xml.unwrap_or(0));
        }
        self.flush_all(&mut sink, &mut summary)?;
        sink.finish()?;
        Ok(summary)
    }

    fn flush<S: BatchSink>(
        &mut self,
        sink: &mut S,
        summary: &mut LoadSummary,
        all: bool,
    ) -> Result<(), LoadError> {
        write_batches(self.tables.take_batches(all)?, sink, summary)
    }

    /// Takes back the rows added after `start` (a document's that failed, or that is read
    /// again); the rows before it go to the sink.
    fn take_back<S: BatchSink>(
        &mut self,
        start: [usize; Table::COUNT],
        sink: &mut S,
        summary: &mut LoadSummary,
    ) -> Result<(), LoadError> {
        for (b, keep) in self.tables.iter_mut().zip(start) {
            if let Some(batch) = b.rollback_to(keep)? {
                summary.rows[b.table().index()] += batch.num_rows() as u64;
                sink.write(b.table(), batch)?;
            }
        }
        Ok(())
    }

    /// One reading of a document into rows. With [`OnFull::Stop`], a document whose rows fill
    /// a batch is still read to its end (without rows), so that `Stopped` means well-formed.
    fn read_document(
        &mut self,
        bytes: &[u8],
        outcome: &mut DocumentOutcome,
        on_full: OnFull<'_>,
    ) -> Result<Loaded, Error> {
        let builder = ReaderBuilder::new().limits(self.options.limits);
        let mut reader = builder.from_slice_buffered(bytes, &mut self.buffer)?;
        outcome.format = Some(reader.format());
        outcome.encoding = Some(reader.input_info().encoding.name());
        let loaded = self
            .rows
            .load(&mut reader, &outcome.document_id, &mut self.tables, on_full)
            .and_then(|loaded| {
                match (&loaded, reader.format()) {
                    (Loaded::Stopped, _) => {
                        let mut record = Record::default();
                        while reader.read_record(&mut record)? {}
                    }
                    (Loaded::Done(_), Format::Npl) => {
                        rows::policy_rows(bytes, &outcome.document_id, &mut self.tables)?
                    }
                    (Loaded::Done(_), Format::Nds) => {
                        rows::schedule_rows(bytes, &outcome.document_id, &mut self.tables)?
                    }
                    _ => {}
                }
                Ok(loaded)
            });
        outcome.bytes_xml = Some(reader.xml_bytes_read());
        outcome.warnings = reader.take_warnings();
        outcome.warning_count = reader.warning_count();
        loaded
    }

    /// Loads one document: its rows and its `documents` row, counted in `summary`; the
    /// batches that filled go to `sink`.
    /// A document whose bytes hash to `copy_of`'s id is not read: its row says `duplicate`.
    pub(crate) fn load_document<S: BatchSink>(
        &mut self,
        source: Source<'_>,
        copy_of: Option<&Original>,
        sink: &mut S,
        summary: &mut LoadSummary,
    ) -> Result<DocumentOutcome, LoadError> {
        let outcome = self.read_rows(source, copy_of, sink, summary)?;
        match outcome.status {
            Status::Ok => summary.ok += 1,
            Status::Warning => summary.warning += 1,
            Status::Rejected => summary.rejected += 1,
            Status::Duplicate => summary.duplicate += 1,
        }
        summary.bytes_on_disk += outcome.bytes_on_disk;
        summary.bytes_xml += outcome.bytes_xml.unwrap_or(0);
        self.documents_row(&outcome);
        self.flush(sink, summary, false)?;
        Ok(outcome)
    }

    /// Hands every row still buffered to `sink` as batches.
    pub(crate) fn flush_all<S: BatchSink>(
        &mut self,
        sink: &mut S,
        summary: &mut LoadSummary,
    ) -> Result<(), LoadError> {
        self.flush(sink, summary, true)
    }

    /// Reads one document into rows: on failure, the rows it added are taken back.
    fn read_rows<S: BatchSink>(
        &mut self,
        source: Source<'_>,
        copy_of: Option<&Original>,
        sink: &mut S,
        summary: &mut LoadSummary,
    ) -> Result<DocumentOutcome, LoadError> {
        let mut outcome = DocumentOutcome::unread(source.name());
        // The file's bytes are taken out of the worker while it reads them.
        let mut raw = std::mem::take(&mut self.raw);
        let bytes: &[u8] = match source {
            Source::Bytes { bytes, .. } => bytes,
            // Refused before reading (the document is `rejected` with the error): a path that
            // is not a regular file, a file larger than the size limit allows.
            Source::Path(path) => {
                match ndi_format::read_file(path, &mut raw, &self.options.limits) {
                    Ok(()) => &raw,
                    Err(e) => {
                        self.raw = raw;
                        outcome.document_id = document_id(path.display().to_string().as_bytes());
                        outcome.bytes_on_disk = std::fs::metadata(path).map_or(0, |m| m.len());
                        outcome.error = Some(e);
                        return Ok(outcome);
                    }
                }
            }
        };
        outcome.document_id = document_id(bytes);
        outcome.bytes_on_disk = bytes.len() as u64;
        outcome.compressed = Compression::detect(bytes) == Compression::Gzip;
        // Checked on the bytes read now: a file changed since it was found to be a copy is
        // loaded as what it is now.
        if let Some(original) = copy_of.filter(|o| o.document_id == outcome.document_id) {
            let duplicate = DocumentOutcome::duplicate(
                outcome.document_id,
                outcome.source_path,
                outcome.bytes_on_disk,
                outcome.compressed,
                Some(original.source_path.clone()),
            );
            self.raw = raw;
            return Ok(duplicate);
        }
        let start = self.tables.lens();
        let result = match self.read_document(bytes, &mut outcome, OnFull::Stop) {
            Ok(Loaded::Stopped) => {
                // The document alone fills a batch and is well-formed to its end: take its
                // rows back and read it again, handing batches on as they fill, so that
                // memory stays bounded by the batch size whatever the document's size.
                self.take_back(start, sink, summary)?;
                let mut failed = None;
                let mut flush = |tables: &mut Tables| match tables.take_batches(false) {
                    Ok(batches) => match write_batches(batches, sink, summary) {
                        Ok(()) => true,
                        Err(e) => {
                            failed = Some(e);
                            false
                        }
                    },
                    Err(e) => {
                        failed = Some(e.into());
                        false
                    }
                };
                let again = self.read_document(bytes, &mut outcome, OnFull::Flush(&mut flush));
                if let Some(e) = failed {
                    return Err(e);
                }
                again
            }
            other => other,
        };
        match result {
            Ok(Loaded::Done(stats)) => {
                outcome.content_bytes_omitted = stats.content_bytes_omitted;
                outcome.status = if outcome.warning_count == 0 {
                    Status::Ok
                } else {
                    Status::Warning
                };
            }
            Ok(Loaded::Stopped) => {
                return Err(LoadError::Sink(format!(
                    "{}: the second reading stopped early",
                    outcome.source_path
                )));
            }
            Err(e) => {
                if crate::sniff::may_explain(e.rule()) {
                    let head = &bytes[..bytes.len().min(crate::sniff::HEAD_BYTES)];
                    outcome.looks_like = crate::sniff::looks_like(head, &outcome.source_path);
                }
                outcome.error = Some(e);
                self.take_back(start, sink, summary)?;
            }
        }
        // Do not hold the largest document's size for the rest of the run.
        if raw.capacity() > KEEP_BUFFER_BYTES {
            raw.clear();
            raw.shrink_to(KEEP_BUFFER_BYTES);
        }
        self.raw = raw;
        self.buffer.shrink_to(KEEP_BUFFER_BYTES);
        Ok(outcome)
    }

    fn documents_row(&mut self, o: &DocumentOutcome) {
        o.documents_row(self.tables.get(Table::Documents), self.options.loaded_at);
    }
}

/// Hands `batches` to `sink`, counting their rows.
fn write_batches<S: BatchSink>(
    batches: Vec<(Table, arrow_array::RecordBatch)>,
    sink: &mut S,
    summary: &mut LoadSummary,
) -> Result<(), LoadError> {
    for (table, batch) in batches {
        summary.rows[table.index()] += batch.num_rows() as u64;
        sink.write(table, batch)?;
    }
    Ok(())
}

/// What `NAME.reason.txt` says beside a quarantined file.
fn reason_text(path: &Path, outcome: &DocumentOutcome) -> String {
    let reason = outcome.reason().unwrap_or_else(|| "rejected".to_string());
    format!(
        "source: {}\ndocument_id: {}\nreason: {reason}\n",
        path.display(),
        outcome.document_id
    )
}
