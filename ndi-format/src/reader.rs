//! The pull reader: header first, then one record at a time.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::assemble::{Assembler, CopyIntoRecord, IssueKind, ReborrowFromInput, Step};
use crate::error::{Error, ErrorKind, Location, Position, Result, Warning};
use crate::format::Format;
use crate::input::{self, InputBuffer, InputInfo};
use crate::limits::Limits;
use crate::record::{Header, Record};
use crate::text::DecodedText;
use crate::xml::source::Source;

/// The most warnings a [`Reader`] keeps with their locations per document; the others are
/// counted ([`Reader::warning_count`]).
pub const MAX_KEPT_WARNINGS: usize = 1000;

/// Reads one document of any of the XML formats: the header (root element and prolog) when
/// opened, then records one at a time with [`Reader::read_record`].
///
/// ```
/// use ndi_format::{Reader, Record, RecordKind};
///
/// let xml = br#"<Inventory MachineName="pc1"><Hardware><Class Name="Win32_BIOS">
///   <Instance><Property Name="SerialNumber" Value="ABC123"/></Instance>
/// </Class></Hardware></Inventory>"#;
/// let mut reader = Reader::from_slice(xml)?;
/// assert_eq!(reader.header().attr("MachineName"), Some("pc1"));
/// let mut record = Record::default();
/// let mut serial = None;
/// while reader.read_record(&mut record)? {
///     if record.kind == RecordKind::HardwareProperty {
///         serial = record.attr("Value").map(str::to_owned);
///     }
/// }
/// assert_eq!(serial.as_deref(), Some("ABC123"));
/// # Ok::<(), ndi_format::Error>(())
/// ```
pub struct Reader<'a> {
    source: Source<'a>,
    asm: Assembler<'a>,
    info: InputInfo,
    file: Option<PathBuf>,
    warnings: Vec<Warning>,
    /// Warnings found, including those beyond [`MAX_KEPT_WARNINGS`].
    warning_count: u64,
    done: bool,
}

impl std::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("format", &self.asm.format())
            .field("info", &self.info)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// Options for opening readers: the limits to enforce.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReaderBuilder {
    limits: Limits,
}

impl ReaderBuilder {
    /// A builder with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `limits` instead of the defaults.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Reads bytes in memory. Plain UTF-8 is read zero-copy; gzip and other encodings are
    /// streamed (use [`ReaderBuilder::from_slice_buffered`] to decompress into a reusable
    /// buffer and read that zero-copy instead).
    pub fn from_slice<'a>(&self, bytes: &'a [u8]) -> Result<Reader<'a>> {
        let (text, info) = input::open_slice(bytes, None, &self.limits)?;
        Reader::open(Source::new(text, &self.limits), info, self.limits, None)
    }

    /// Reads bytes in memory, decompressing or transcoding into `buffer` so that records
    /// borrow from it.
    pub fn from_slice_buffered<'a>(
        &self,
        bytes: &'a [u8],
        buffer: &'a mut InputBuffer,
    ) -> Result<Reader<'a>> {
        let (text, info) = input::open_slice(bytes, Some(buffer), &self.limits)?;
        Reader::open(Source::new(text, &self.limits), info, self.limits, None)
    }

    /// Reads text already decoded ([`DecodedText`]), zero-copy: records borrow from it, and
    /// [`Reader::position_of`] is exact for every offset. Reads what
    /// [`ReaderBuilder::from_slice`] reads for the bytes the text was decoded from, with the
    /// same records, warnings and errors.
    ///
    /// Refuses text longer than [`Limits::max_xml_bytes`] (`limit-xml-bytes`), as decoding
    /// with these limits would have.
    pub fn from_text<'a>(&self, text: &'a DecodedText<'_>) -> Result<Reader<'a>> {
        input::check_size(text.len() as u64, &self.limits)?;
        let source = Source::new(input::Text::Slice(text.as_bytes()), &self.limits);
        Reader::open(source, text.info(), self.limits, None)
    }

    /// Reads any buffered stream (gzip and encodings detected), with values copied out of a
    /// reused buffer.
    pub fn from_reader<'a, R: BufRead + 'a>(&self, reader: R) -> Result<Reader<'a>> {
        let (text, info) = input::open_stream(Box::new(reader), &self.limits)?;
        Reader::open(Source::new(text, &self.limits), info, self.limits, None)
    }

    /// Reads a file through `buffer`: read whole (memory-mapped when large), decompressed in
    /// memory when it fits the limits, streamed otherwise. Errors name the file. Like
    /// [`read_file`](crate::read_file), refuses a path that is not a regular file
    /// (`not-a-file`) and a file larger than [`Limits::max_xml_bytes`] plus a byte-order mark
    /// (`limit-xml-bytes`) before reading anything.
    pub fn from_path<'a>(&self, path: &Path, buffer: &'a mut InputBuffer) -> Result<Reader<'a>> {
        let opened = input::open_path(path, buffer, &self.limits);
        let (text, info, _) = opened.map_err(|e| e.with_file(path))?;
        Reader::open(
            Source::new(text, &self.limits),
            info,
            self.limits,
            Some(path.to_path_buf()),
        )
    }
}

impl<'a> Reader<'a> {
    /// Reads bytes in memory with the default limits (see [`ReaderBuilder::from_slice`]).
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self> {
        ReaderBuilder::new().from_slice(bytes)
    }

    /// Reads a buffered stream with the default limits (see [`ReaderBuilder::from_reader`]).
    pub fn from_reader<R: BufRead + 'a>(reader: R) -> Result<Self> {
        ReaderBuilder::new().from_reader(reader)
    }

    /// Reads a file with the default limits (see [`ReaderBuilder::from_path`]).
    pub fn from_path(path: &Path, buffer: &'a mut InputBuffer) -> Result<Self> {
        ReaderBuilder::new().from_path(path, buffer)
    }

    fn open(
        source: Source<'a>,
        info: InputInfo,
        limits: Limits,
        file: Option<PathBuf>,
    ) -> Result<Self> {
        let mut reader = Reader {
            source,
            asm: Assembler::new(limits),
            info,
            file,
            warnings: Vec::new(),
            warning_count: 0,
            done: false,
        };
        let mut scratch = Record::default();
        while reader.asm.in_prolog() {
            match reader.step(&mut scratch)? {
                Step::End => break,
                Step::Continue | Step::Record => {}
                Step::Failed => unreachable_failed()?,
            }
        }
        Ok(reader)
    }

    /// The root element and prolog.
    pub fn header(&self) -> &Header<'a> {
        &self.asm.header
    }

    /// Where the root element's start tag is (for findings about the document as a whole).
    pub fn root_position(&mut self) -> Position {
        self.position_of(self.asm.root_offset)
    }

    /// The format, recognised by the root element.
    pub fn format(&self) -> Format {
        self.asm.format()
    }

    /// Compression and encoding found in the input.
    pub fn input_info(&self) -> InputInfo {
        self.info
    }

    /// Warnings found so far (e.g. characters XML forbids); the values were kept. At most
    /// the first [`MAX_KEPT_WARNINGS`] of a document are kept with their locations;
    /// [`Reader::warning_count`] counts them all.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Takes the warnings found so far (see [`Reader::warnings`]).
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    /// How many warnings the document has given so far, including those not kept (taken or
    /// not).
    pub fn warning_count(&self) -> u64 {
        self.warning_count
    }

    /// Line and column of `offset` (a record's `offset`, say). Exact for in-memory input; for
    /// streamed input exact only inside the current event, and line and column are 0 (unknown)
    /// for earlier offsets.
    pub fn position_of(&mut self, offset: u64) -> Position {
        match &mut self.source {
            Source::Slice { .. } => self.source.position(offset),
            Source::Stream { reader, .. } => {
                let tracker = reader.get_ref();
                if offset >= tracker.base_offset() {
                    tracker.position(offset)
                } else {
                    Position {
                        offset,
                        line: 0,
                        column: 0,
                    }
                }
            }
        }
    }

    /// Bytes of XML text read so far (after decompression and transcoding, without a BOM);
    /// at the end of the document, its size.
    pub fn xml_bytes_read(&self) -> u64 {
        self.source.offset()
    }

    /// The element path of the element being read, e.g. `/Inventory/Hardware[1]/Class[2]`.
    pub fn element_path(&self) -> String {
        self.asm.path()
    }

    /// Reads the next record into `record`, reusing its allocations. Returns `Ok(false)` at
    /// the end of the document, after checking that the document is complete.
    pub fn read_record(&mut self, record: &mut Record<'a>) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        loop {
            if self.asm.take_ready(record) {
                return Ok(true);
            }
            match self.step(record)? {
                Step::Record => return Ok(true),
                Step::End => {
                    self.done = true;
                    return Ok(false);
                }
                Step::Continue => {}
                Step::Failed => unreachable_failed()?,
            }
        }
    }

    /// An iterator over owned records (each one allocated; prefer [`Reader::read_record`]
    /// in hot loops).
    pub fn records(&mut self) -> Records<'_, 'a> {
        Records { reader: self }
    }

    /// Reads one event and hands it to the assembler; converts any issue to an error or
    /// warning with its position.
    fn step(&mut self, record: &mut Record<'a>) -> Result<Step> {
        self.source.mark();
        let offset = self.source.offset();
        let result = match &mut self.source {
            Source::Slice { reader, text, .. } => {
                let lift = ReborrowFromInput { base: text };
                Source::next_slice(reader)
                    .map(|event| self.asm.handle(&lift, event, offset, record))
            }
            Source::Stream { reader, buf } => reader
                .read_event_into(buf)
                .map(|event| self.asm.handle(&CopyIntoRecord, event, offset, record)),
        };
        let step = match result {
            Ok(step) => step,
            Err(e) => {
                self.done = true;
                let path = Some(self.asm.path());
                let err = self.source.convert_error(e, path);
                return Err(self.located(err));
            }
        };
        self.drain_issues()?;
        Ok(step)
    }

    fn located(&self, e: Error) -> Error {
        match &self.file {
            Some(f) => e.with_file(f),
            None => e,
        }
    }

    fn drain_issues(&mut self) -> Result<()> {
        if self.asm.issues.is_empty() {
            return Ok(());
        }
        let issues = std::mem::take(&mut self.asm.issues);
        for issue in issues {
            let position = self.source.position(issue.offset);
            match issue.kind {
                IssueKind::Warning(kind) => {
                    self.warning_count += 1;
                    // A hostile document can hold a warning every few bytes: past the cap
                    // they are only counted, so memory stays bounded.
                    if self.warning_count <= MAX_KEPT_WARNINGS as u64 {
                        self.warnings.push(Warning {
                            kind,
                            location: Location {
                                file: self.file.clone(),
                                position: Some(position),
                                element_path: Some(issue.path),
                            },
                        });
                    }
                }
                IssueKind::Error(kind) => {
                    self.done = true;
                    return Err(self.located(Error::at(kind, position, Some(issue.path))));
                }
            }
        }
        Ok(())
    }
}

/// The assembler reports failures through its issues, which `drain_issues` turns into an
/// error before this can be reached.
fn unreachable_failed() -> Result<()> {
    Err(Error::new(ErrorKind::Syntax(
        "internal: failure without an error".into(),
    )))
}

/// Iterator over owned records, from [`Reader::records`].
#[derive(Debug)]
pub struct Records<'r, 'a> {
    reader: &'r mut Reader<'a>,
}

impl<'a> Iterator for Records<'_, 'a> {
    type Item = Result<Record<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = Record::default();
        match self.reader.read_record(&mut record) {
            Ok(true) => Some(Ok(record)),
            Ok(false) => None,
            Err(e) => {
                self.reader.done = true;
                Some(Err(e))
            }
        }
    }
}
