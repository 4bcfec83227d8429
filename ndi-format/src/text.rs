//! Bytes as they arrive → the UTF-8 XML text readers tokenise, with line and column for any
//! byte offset in it. The one way every part of the toolkit turns a document's bytes into
//! positioned text: the [`Reader`](crate::Reader) (through [`ReaderBuilder::from_text`] or the
//! same in-memory decoding behind its other constructors), the element tree's
//! [`Locator`](crate::tree::Locator) and the source snippets of `ndi-tool validate`.

use std::borrow::Cow;
use std::io::Read;
use std::sync::OnceLock;

#[cfg(doc)]
use crate::ReaderBuilder;
use crate::error::{Position, Result};
use crate::input::{self, InMemory, InputInfo, map_io};
use crate::limits::Limits;
use crate::lines::LineIndex;

/// The XML text of a document, decoded in memory as the readers decode it: gzip detected by
/// its magic bytes and inflated, a byte-order mark dropped, UTF-16 and declared legacy
/// encodings transcoded to UTF-8. Byte offsets in it are the offsets readers report
/// ([`Position::offset`], record offsets), and [`DecodedText::position`] gives their line and
/// column. Plain UTF-8 without a byte-order mark is borrowed, not copied.
///
/// The text is not checked to be UTF-8 when the input was declared so (the reader reports
/// a bad byte where it meets it); [`DecodedText::as_str`] says whether it is.
///
/// ```
/// use ndi_format::{DecodedText, Limits, Position};
///
/// let utf16: Vec<u8> = "\u{FEFF}<Policy>\r\n  <Package/>\n</Policy>"
///     .encode_utf16()
///     .flat_map(u16::to_le_bytes)
///     .collect();
/// let text = DecodedText::decode(&utf16, &Limits::default())?;
/// assert_eq!(text.info().encoding.name(), "UTF-16LE");
/// assert_eq!(text.as_str(), Some("<Policy>\r\n  <Package/>\n</Policy>"));
/// let package = text.as_bytes().windows(8).position(|w| w == b"<Package").unwrap();
/// assert_eq!(text.position(package as u64), Position { offset: 12, line: 2, column: 3 });
/// # Ok::<(), ndi_format::Error>(())
/// ```
#[derive(Debug)]
pub struct DecodedText<'a> {
    text: Cow<'a, [u8]>,
    info: InputInfo,
    /// Built on the first position asked for.
    lines: OnceLock<LineIndex>,
}

impl<'a> DecodedText<'a> {
    /// Decodes `bytes` (gzipped or not, in any supported encoding) within `limits`: the
    /// decompressed size limit ([`Limits::max_xml_bytes`]) applies; text that inflates past
    /// [`Limits::max_in_memory_bytes`] is still decoded in memory.
    ///
    /// # Errors
    ///
    /// The errors a reader would report for the same bytes before reading any XML: corrupt
    /// gzip (`gzip`), an unsupported declared encoding (`unsupported-encoding`), malformed
    /// text in a declared encoding other than UTF-8 (`encoding`), text over the size limit
    /// (`limit-xml-bytes`). Unlike the reader's, these come without a position.
    pub fn decode(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        let mut inflated = Vec::new();
        let mut transcoded = Vec::new();
        let (text, info) =
            match input::decode_in_memory(bytes, &mut inflated, &mut transcoded, limits)? {
                InMemory::Text(text, info) => (own_unless_inside(text, bytes), info),
                InMemory::Stream => {
                    // Larger than the in-memory cap, or corrupt: inflate the way streams do.
                    let (mut stream, info) = input::decoded_stream(Box::new(bytes), limits)?;
                    let mut text = Vec::new();
                    stream.read_to_end(&mut text).map_err(map_io)?;
                    (Cow::Owned(text), info)
                }
            };
        Ok(DecodedText {
            text,
            info,
            lines: OnceLock::new(),
        })
    }

    /// `bytes` taken as the text as they are, for positions at best approximate when they
    /// cannot be decoded.
    pub(crate) fn as_is(bytes: &'a [u8]) -> Self {
        DecodedText {
            text: Cow::Borrowed(bytes),
            info: InputInfo {
                compression: input::Compression::detect(bytes),
                encoding: input::TextEncoding::UTF_8,
                bom: false,
            },
            lines: OnceLock::new(),
        }
    }

    /// The XML text, as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// The XML text, when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.text).ok()
    }

    /// Length of the text in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Compression and encoding found in the input.
    pub fn info(&self) -> InputInfo {
        self.info
    }

    /// Line and column (1-based; columns count characters, lines end at LF, CR or CR LF) of
    /// byte `offset`. An offset past the end is placed at the end but keeps its value.
    pub fn position(&self, offset: u64) -> Position {
        self.lines
            .get_or_init(|| LineIndex::new(&self.text))
            .position(&self.text, offset)
    }

    /// The byte range of the line holding byte `offset` (an offset past the end: the last
    /// line), without its line end: for showing a finding with its source line.
    pub fn line_range(&self, offset: u64) -> std::ops::Range<usize> {
        let at = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let is_end = |b: &u8| *b == b'\n' || *b == b'\r';
        let start = self.text[..at]
            .iter()
            .rposition(is_end)
            .map_or(0, |n| n + 1);
        let end = self.text[at..]
            .iter()
            .position(is_end)
            .map_or(self.text.len(), |n| at + n);
        start..end
    }
}

/// `text` borrowed from `bytes` when it lies inside them, else copied.
fn own_unless_inside<'a>(text: &[u8], bytes: &'a [u8]) -> Cow<'a, [u8]> {
    let start = (text.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
    match bytes.get(start..start.wrapping_add(text.len())) {
        Some(inside) if inside.as_ptr() == text.as_ptr() => Cow::Borrowed(inside),
        _ => Cow::Owned(text.to_vec()),
    }
}
