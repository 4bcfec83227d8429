//! Thin input drivers: gzip and encoding detection, decompression and transcoding.
//!
//! Everything here turns bytes as they arrive (a slice, any `BufRead`, a file) into UTF-8 XML
//! text, either as a slice (zero-copy where possible) or as a capped stream. Nothing here knows
//! XML beyond the byte-order mark and the encoding named in the XML declaration.

mod capped;
mod encoding;
mod io_error;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

use capped::CappedReader;
pub use encoding::TextEncoding;
pub(crate) use encoding::sniff;
use io_error::GzipFailure;
pub(crate) use io_error::{LimitHit, map_io};

use crate::error::{Error, ErrorKind, Result};
use crate::limits::{Limit, Limits};

/// How the bytes were compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Plain XML.
    None,
    /// gzip (one or more members), recognised by the magic bytes `1F 8B`.
    Gzip,
}

impl Compression {
    /// Detects gzip by its magic bytes.
    pub fn detect(prefix: &[u8]) -> Compression {
        if prefix.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else {
            Compression::None
        }
    }
}

/// Files at least this large (and not gzipped) are memory-mapped instead of read.
pub const MMAP_THRESHOLD: u64 = 16 << 20;

/// Reusable buffers for reading documents from files or compressed slices, so that a loop over
/// many files allocates only while the buffers grow.
#[derive(Default)]
pub struct InputBuffer {
    pub(crate) raw: Vec<u8>,
    pub(crate) text: Vec<u8>,
    pub(crate) map: Option<memmap2::Mmap>,
}

impl std::fmt::Debug for InputBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputBuffer")
            .field("raw_capacity", &self.raw.capacity())
            .field("text_capacity", &self.text.capacity())
            .field("mapped", &self.map.is_some())
            .finish()
    }
}

impl InputBuffer {
    /// New, empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives back memory beyond `bytes` per buffer, kept from an earlier, larger document
    /// (a loader calls this after an outlier so that it does not hold the largest document's
    /// size for the rest of a run).
    /// Empties the buffers first (a reader borrows them, so none is reading from them now).
    pub fn shrink_to(&mut self, bytes: usize) {
        for buffer in [&mut self.raw, &mut self.text] {
            if buffer.capacity() > bytes {
                buffer.clear();
                buffer.shrink_to(bytes);
            }
        }
    }
}

/// The XML text of a document, ready to tokenise, and what was done to get it.
pub(crate) enum Text<'a> {
    /// UTF-8 text in memory (borrowed from the caller, a buffer or a mapping).
    Slice(&'a [u8]),
    /// UTF-8 text arriving from a stream.
    Stream(Box<dyn BufRead + 'a>),
}

/// What the input layer found out about a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputInfo {
    /// The compression found.
    pub compression: Compression,
    /// The text encoding found.
    pub encoding: TextEncoding,
    /// Whether a byte-order mark was present (it is not part of the XML text).
    pub bom: bool,
}

/// Decompresses `raw` into `out` if the result fits in `max_bytes`. Returns `Ok(false)` when it
/// does not fit (the caller then streams instead). Callers also stream when it fails, so that
/// the error of a corrupt or truncated input comes with the position in the text it reached.
fn gunzip_into(raw: &[u8], out: &mut Vec<u8>, max_bytes: u64) -> Result<bool> {
    out.clear();
    let mut decoder = MultiGzDecoder::new(raw).take(max_bytes + 1);
    decoder
        .read_to_end(out)
        .map_err(|e| map_io(GzipErrors::wrap(e)))?;
    Ok(out.len() as u64 <= max_bytes)
}

/// The most a gzipped input is inflated into memory before falling back to streaming.
///
/// Never more than the decompressed-size limit: the hostile-input tests found that a small
/// gzip bomb read from a file or a buffered slice was first inflated up to
/// `max_in_memory_bytes` (64 MiB) even when `max_xml_bytes` was lower, taking seconds before
/// the limit error (test `gzip_bomb_of_spaces_hits_the_decompressed_size_limit`). The stream
/// that takes over when the text does not fit reports the limit with its position.
fn in_memory_cap(limits: &Limits) -> u64 {
    limits.max_in_memory_bytes.min(limits.max_xml_bytes)
}

/// Turns UTF-8/BOM/transcoded text in memory (`compression` was taken off it) into a slice
/// of UTF-8 text, transcoding into `scratch` when needed.
fn text_from_memory<'a>(
    bytes: &'a [u8],
    scratch: &'a mut Vec<u8>,
    compression: Compression,
    limits: &Limits,
) -> Result<(&'a [u8], InputInfo)> {
    if let Some(utf8) = utf8_body(bytes, compression, limits)? {
        return Ok(utf8);
    }
    let sniffed = sniff(bytes)?;
    let decoded = sniffed.encoding.decode_strict(&bytes[sniffed.bom_len..])?;
    check_size(decoded.len() as u64, limits)?;
    scratch.clear();
    scratch.extend_from_slice(decoded.as_bytes());
    let info = InputInfo {
        compression,
        encoding: sniffed.encoding,
        bom: sniffed.bom_len > 0,
    };
    Ok((scratch.as_slice(), info))
}

/// Refuses text longer than [`Limits::max_xml_bytes`].
pub(crate) fn check_size(len: u64, limits: &Limits) -> Result<()> {
    if len > limits.max_xml_bytes {
        return Err(Error::new(ErrorKind::Limit {
            limit: Limit::XmlBytes,
            max: limits.max_xml_bytes,
        }));
    }
    Ok(())
}

/// What decoding bytes in memory gave.
pub(crate) enum InMemory<'a> {
    /// UTF-8 XML text (borrowed from the bytes or from one of the buffers) and what was done
    /// to get it.
    Text(&'a [u8], InputInfo),
    /// gzip that did not inflate within the in-memory cap, or failed to: a stream reads it
    /// up to the failure, which then comes with the position in the text it reached.
    Stream,
}

/// Turns bytes in memory into UTF-8 XML text in memory, as every in-memory reader does:
/// gzip detected by its magic bytes and inflated into `inflated` (up to the in-memory cap),
/// the byte-order mark dropped, other encodings (a BOM, UTF-16 without one, or the encoding
/// the XML declaration names) transcoded into `transcoded`; plain UTF-8 stays borrowed.
pub(crate) fn decode_in_memory<'a>(
    bytes: &'a [u8],
    inflated: &'a mut Vec<u8>,
    transcoded: &'a mut Vec<u8>,
    limits: &Limits,
) -> Result<InMemory<'a>> {
    let compression = Compression::detect(bytes);
    let plain: &'a [u8] = match compression {
        Compression::None => bytes,
        Compression::Gzip => {
            // Corrupt or too big: the stream reads up to the failure and says where it is.
            if !gunzip_into(bytes, inflated, in_memory_cap(limits)).unwrap_or(false) {
                return Ok(InMemory::Stream);
            }
            inflated
        }
    };
    let (text, info) = text_from_memory(plain, transcoded, compression, limits)?;
    Ok(InMemory::Text(text, info))
}

/// Opens bytes in memory: plain UTF-8 is borrowed as is; with a buffer, anything else is
/// decoded into it ([`decode_in_memory`]); without one (or when gzip does not fit
/// [`Limits::max_in_memory_bytes`]), it is streamed.
pub(crate) fn open_slice<'a>(
    bytes: &'a [u8],
    buffer: Option<&'a mut InputBuffer>,
    limits: &Limits,
) -> Result<(Text<'a>, InputInfo)> {
    match buffer {
        Some(buf) => match decode_in_memory(bytes, &mut buf.raw, &mut buf.text, limits)? {
            InMemory::Text(text, info) => Ok((Text::Slice(text), info)),
            InMemory::Stream => open_stream(Box::new(bytes), limits),
        },
        None => {
            if Compression::detect(bytes) == Compression::None
                && let Some((body, info)) = utf8_body(bytes, Compression::None, limits)?
            {
                return Ok((Text::Slice(body), info));
            }
            open_stream(Box::new(bytes), limits)
        }
    }
}

/// The text of `plain` (bytes after any decompression) when it is UTF-8: the bytes after the
/// byte-order mark, if any, refused when over the size limit; `None` when it needs
/// transcoding.
fn utf8_body<'a>(
    plain: &'a [u8],
    compression: Compression,
    limits: &Limits,
) -> Result<Option<(&'a [u8], InputInfo)>> {
    let sniffed = sniff(plain)?;
    if !sniffed.encoding.is_utf8() {
        return Ok(None);
    }
    let body = &plain[sniffed.bom_len..];
    check_size(body.len() as u64, limits)?;
    let info = InputInfo {
        compression,
        encoding: sniffed.encoding,
        bom: sniffed.bom_len > 0,
    };
    Ok(Some((body, info)))
}

/// The longest byte-order mark (UTF-8's three bytes): it is not part of the XML text, so a
/// file may be that much larger than [`Limits::max_xml_bytes`].
const MAX_BOM_BYTES: u64 = 3;

/// The most bytes a file may hold to be read as a document: [`Limits::max_xml_bytes`] plus a
/// byte-order mark. A larger file is refused from its size, before anything is read.
///
/// Plain UTF-8 and single-byte text is never shorter than its file; deflate never makes real
/// text larger, so a gzipped file past the limit would inflate past it too. Only UTF-16 (and
/// some legacy multibyte encodings) can make a file longer than its text: such a file over
/// the limit is refused even if its text would fit (files over 1 GiB by default), the price
/// of never reading more than the limit into memory.
fn max_file_bytes(limits: &Limits) -> u64 {
    limits.max_xml_bytes.saturating_add(MAX_BOM_BYTES)
}

fn too_large(limits: &Limits) -> Error {
    Error::new(ErrorKind::Limit {
        limit: Limit::XmlBytes,
        max: limits.max_xml_bytes,
    })
}

/// Opens `path` to read a document from it, with its size: refuses anything but a regular
/// file (symbolic links are followed) and a file larger than [`max_file_bytes`].
fn open_file(path: &Path, limits: &Limits) -> Result<(File, u64)> {
    // Looked at before opening: opening a FIFO waits for a writer, and reading a device such
    // as /dev/zero never ends.
    if !std::fs::metadata(path)?.is_file() {
        return Err(Error::new(ErrorKind::NotAFile));
    }
    let file = File::open(path)?;
    // Again on what was opened, in case the path was replaced in between.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::NotAFile));
    }
    let len = meta.len();
    if len > max_file_bytes(limits) {
        return Err(too_large(limits));
    }
    Ok((file, len))
}

/// Appends the rest of `file` (of `len` bytes when opened) to `buf`, refusing it with the
/// size limit if it has grown past [`max_file_bytes`] since (`buf` may already hold its
/// first bytes).
fn read_rest(file: &mut File, len: u64, buf: &mut Vec<u8>, limits: &Limits) -> Result<()> {
    let max = max_file_bytes(limits);
    let rest = len.min(max).saturating_sub(buf.len() as u64);
    // Reserved up front, so a large file is not copied as the buffer doubles; an allocation
    // that fails is an error, not an abort.
    buf.try_reserve(usize::try_from(rest).unwrap_or(usize::MAX))
        .map_err(|e| io::Error::new(io::ErrorKind::OutOfMemory, e))?;
    let allowed = max.saturating_sub(buf.len() as u64);
    file.take(allowed.saturating_add(1)).read_to_end(buf)?;
    if buf.len() as u64 > max {
        return Err(too_large(limits));
    }
    Ok(())
}

/// Reads the file at `path` into `buf` (emptied first), as the readers read files: the bytes
/// as they are on disk (still gzipped, if they are), for a reader to open from the slice with
/// the same `limits` (which decompresses with the cap). Commands that need a file's bytes
/// (the typed models of policies and schedules, a loader that hashes them) read them this way
/// rather than with [`std::fs::read`], so that no input reads more than the limits allow.
///
/// # Errors
///
/// Each error names the file (see [`Error::location`]).
///
/// - [`ErrorKind::NotAFile`] (`not-a-file`) when `path` is not a regular file: a folder, a
///   device such as `/dev/zero`, a FIFO or a socket is refused before it is opened or read
///   (symbolic links are followed).
/// - [`ErrorKind::Limit`] with [`Limit::XmlBytes`] (`limit-xml-bytes`) when the file is larger
///   than [`Limits::max_xml_bytes`] plus the three bytes of a byte-order mark: refused from
///   its size, without reading it (a file growing while it is read is cut off there and
///   refused the same way). UTF-16 is the one case where this refuses a file whose text
///   would fit, since its text is shorter than the file.
/// - [`ErrorKind::Io`] when it cannot be opened or read.
///
/// ```
/// use ndi_format::{Limits, Reader, read_file};
///
/// let path = std::env::temp_dir().join(format!("ndi-read-file-{}.ndi", std::process::id()));
/// std::fs::write(&path, "<Inventory MachineName=\"pc1\"/>")?;
/// let mut bytes = Vec::new();
/// read_file(&path, &mut bytes, &Limits::default())?;
/// assert_eq!(Reader::from_slice(&bytes)?.header().attr("MachineName"), Some("pc1"));
///
/// let small = Limits { max_xml_bytes: 8, ..Limits::default() };
/// let err = read_file(&path, &mut bytes, &small).unwrap_err();
/// assert_eq!(err.rule(), "limit-xml-bytes");
/// assert_eq!(err.location().file.as_deref(), Some(path.as_path()));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_file(path: &Path, buf: &mut Vec<u8>, limits: &Limits) -> Result<()> {
    buf.clear();
    let read =
        open_file(path, limits).and_then(|(mut file, len)| read_rest(&mut file, len, buf, limits));
    read.map_err(|e| e.with_file(path))
}

/// Opens a file: read into `buffer` (memory-mapped when large and plain), decompressed in
/// memory when it fits, streamed otherwise. Refuses what [`read_file`] refuses, before
/// reading.
pub(crate) fn open_path<'a>(
    path: &Path,
    buffer: &'a mut InputBuffer,
    limits: &Limits,
) -> Result<(Text<'a>, InputInfo, u64)> {
    let (mut file, len) = open_file(path, limits)?;
    let mut magic = [0u8; 2];
    let n = read_prefix(&mut file, &mut magic)?;
    let compression = Compression::detect(&magic[..n]);
    buffer.map = None;
    if compression == Compression::None && len >= MMAP_THRESHOLD {
        // A mapping of a file another process truncates can fault; incoming folders are
        // written atomically by the beacon, so this is the documented trade-off for speed.
        let map = map_file(&file)?;
        buffer.map = Some(map);
        let bytes: &'a [u8] = buffer.map.as_deref().unwrap_or_default();
        let (text, info) = open_slice(bytes, None, limits)?;
        return Ok((text, info, len));
    }
    if compression == Compression::Gzip && len > limits.max_in_memory_bytes {
        file.rewind()?;
        let reader = BufReader::with_capacity(64 << 10, file);
        let (text, info) = open_stream(Box::new(reader), limits)?;
        return Ok((text, info, len));
    }
    buffer.raw.clear();
    buffer.raw.extend_from_slice(&magic[..n]);
    read_rest(&mut file, len, &mut buffer.raw, limits)?;
    let InputBuffer { raw, text, .. } = buffer;
    let raw: &'a [u8] = raw;
    match compression {
        Compression::None => {
            let (slice, info) = text_from_memory(raw, text, compression, limits)?;
            Ok((Text::Slice(slice), info, len))
        }
        Compression::Gzip => {
            // Corrupt or too big: the stream reads up to the failure and says where it is.
            if gunzip_into(raw, text, in_memory_cap(limits)).unwrap_or(false)
                && let Some((body, info)) = utf8_body(text, compression, limits)?
            {
                return Ok((Text::Slice(body), info, len));
            }
            let (stream, info) = open_stream(Box::new(raw), limits)?;
            Ok((stream, info, len))
        }
    }
}

#[allow(unsafe_code)]
fn map_file(file: &File) -> Result<memmap2::Mmap> {
    // SAFETY: the mapping is read-only and private to this reader; see the note in open_path
    // about files truncated while mapped.
    Ok(unsafe { memmap2::Mmap::map(file)? })
}

/// Reads up to `buf.len()` bytes (fewer only at the end of the input).
fn read_prefix(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    match read_prefix_keeping_failure(r, buf)? {
        (n, None) => Ok(n),
        (_, Some(e)) => Err(e),
    }
}

/// Opens a stream: sniffs gzip, then the encoding, and returns capped UTF-8 text.
pub(crate) fn open_stream<'a>(
    reader: Box<dyn BufRead + 'a>,
    limits: &Limits,
) -> Result<(Text<'a>, InputInfo)> {
    let (text, info) = decoded_stream(reader, limits)?;
    Ok((Text::Stream(text), info))
}

/// The capped UTF-8 text of a stream (gzip and encoding sniffed), and what was found.
pub(crate) fn decoded_stream<'a>(
    mut reader: Box<dyn BufRead + 'a>,
    limits: &Limits,
) -> Result<(Box<dyn BufRead + 'a>, InputInfo)> {
    let head = reader.fill_buf()?;
    let compression = if head.len() >= 2 {
        Compression::detect(head)
    } else {
        // A one-byte first read: look at two bytes the slow way.
        let mut magic = [0u8; 2];
        let n = read_prefix(&mut reader, &mut magic)?;
        let compression = Compression::detect(&magic[..n]);
        reader = Box::new(io::Cursor::new(magic[..n].to_vec()).chain(reader));
        compression
    };
    let decompressed: Box<dyn Read + 'a> = match compression {
        Compression::Gzip => Box::new(GzipErrors(MultiGzDecoder::new(reader))),
        Compression::None => Box::new(reader),
    };
    let mut capped = CappedReader::new(decompressed, limits.max_xml_bytes);
    let mut prefix = [0u8; encoding::SNIFF_LEN];
    // A failure after the first bytes (a gzip cut short, say) is kept for the parser to meet
    // where the text stops, so that the error says where that is.
    let (n, failure) = read_prefix_keeping_failure(&mut capped, &mut prefix).map_err(map_io)?;
    let sniffed = sniff(&prefix[..n])?;
    let info = InputInfo {
        compression,
        encoding: sniffed.encoding,
        bom: sniffed.bom_len > 0,
    };
    let after_prefix: Box<dyn Read + 'a> = match failure {
        Some(e) => Box::new(Failing(Some(e))),
        None => Box::new(capped),
    };
    // The byte-order mark is not part of the text: skip it before decoding.
    let rest = io::Cursor::new(prefix[sniffed.bom_len..n].to_vec()).chain(after_prefix);
    let text: Box<dyn BufRead + 'a> = if sniffed.encoding.is_utf8() {
        Box::new(BufReader::with_capacity(64 << 10, rest))
    } else {
        // Strict: malformed input is an error here as in memory (see StrictDecoder).
        let decoder = encoding::StrictDecoder::new(rest, sniffed.encoding);
        Box::new(BufReader::with_capacity(64 << 10, decoder))
    };
    Ok((text, info))
}

/// Reads up to `buf.len()` bytes. An error before any byte is returned as such; one after
/// some bytes comes back beside them.
fn read_prefix_keeping_failure(
    r: &mut impl Read,
    buf: &mut [u8],
) -> io::Result<(usize, Option<io::Error>)> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if n > 0 => return Ok((n, Some(e))),
            Err(e) => return Err(e),
        }
    }
    Ok((n, None))
}

/// A reader that fails with the error it holds (then with a plain one, should it be asked
/// again).
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self
            .0
            .take()
            .unwrap_or_else(|| io::Error::other("the input failed before this point")))
    }
}

/// Maps flate2's I/O errors on corrupt data to a recognisable message.
struct GzipErrors<R>(R);

impl<R: Read> Read for GzipErrors<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(GzipErrors::wrap)
    }
}

impl GzipErrors<()> {
    /// Marks an error from the gzip decoder as a gzip failure (I/O errors below it stay).
    fn wrap(e: io::Error) -> io::Error {
        match e.kind() {
            io::ErrorKind::InvalidInput
            | io::ErrorKind::InvalidData
            | io::ErrorKind::UnexpectedEof => io::Error::new(e.kind(), GzipFailure(e.to_string())),
            _ => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_to_gives_back_what_an_outlier_left() {
        let mut buffer = InputBuffer::new();
        let big = format!("<Inventory>{}</Inventory>", "<a/>".repeat(1 << 18));
        let gz = crate::Document::from_slice(big.as_bytes())
            .and_then(|d| d.to_bytes(crate::Compression::Gzip))
            .unwrap();
        let mut reader = crate::ReaderBuilder::new()
            .from_slice_buffered(&gz, &mut buffer)
            .unwrap();
        let mut record = crate::Record::default();
        while reader.read_record(&mut record).unwrap() {}
        drop(reader);
        // The inflated text went to one of the two buffers.
        assert!(buffer.raw.capacity().max(buffer.text.capacity()) >= big.len());
        buffer.shrink_to(4096);
        assert!(buffer.text.capacity() < big.len() && buffer.raw.capacity() < big.len());
        // Still usable afterwards.
        let small = crate::ReaderBuilder::new()
            .from_slice_buffered(&gz, &mut buffer)
            .unwrap();
        assert_eq!(small.header().root, "Inventory");
    }
}
