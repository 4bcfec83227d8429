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
}

/// `text` borrowed from `bytes` when it lies inside them, else copied.
fn own_unless_inside<'a>(text: &[u8], bytes: &'a [u8]) -> Cow<'a, [u8]> {
    let start = (text.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
    match bytes.get(start..start.wrapping_add(text.len())) {
        Some(inside) if inside.as_ptr() == text.as_ptr() => Cow::Borrowed(inside),
        _ => Cow::Owned(text.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Document, Error, Location, Reader, ReaderBuilder, Record};

    /// Documents in every shape the decoding handles, well-formed or not.
    fn inputs() -> Vec<Vec<u8>> {
        let utf8 = "<Policy A=\"café\">\r\n <Package href=\"x\u{1}\"/>\r<P/>\n</Policy>";
        let mut legacy =
            b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\r\n<Policy A=\"caf".to_vec();
        legacy.extend_from_slice(b"\xE9\">\r\n <Package href=\"\xE9\xE9\"/>\n</Policy>");
        let utf16: Vec<u8> = format!("\u{FEFF}{utf8}")
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let gzip = Document::from_slice(utf8.as_bytes())
            .and_then(|d| d.to_bytes(input::Compression::Gzip))
            .unwrap();
        let broken = "<Policy>\n  <Package></Policy>";
        vec![
            utf8.as_bytes().to_vec(),
            format!("\u{FEFF}{utf8}").into_bytes(),
            legacy,
            utf16,
            gzip,
            broken.as_bytes().to_vec(),
            b"<Policy>\n <a b=\"\xFF\"/></Policy>".to_vec(),
        ]
    }

    type Outcome = (
        Vec<(u64, u32, String, String, Position)>,
        Vec<Location>,
        Option<(String, Location)>,
    );

    /// Every record (offset, depth, name, attributes, position), warning and error.
    fn read_all(opened: crate::Result<Reader<'_>>) -> Outcome {
        let mut reader = match opened {
            Ok(r) => r,
            Err(e) => {
                return (
                    Vec::new(),
                    Vec::new(),
                    Some((e.to_string(), e.location().clone())),
                );
            }
        };
        let mut records = Vec::new();
        let mut record = Record::default();
        let error = loop {
            match reader.read_record(&mut record) {
                Ok(true) => {
                    let position = reader.position_of(record.offset);
                    let attributes = format!("{:?}", record.attributes);
                    records.push((
                        record.offset,
                        record.depth,
                        record.name.to_string(),
                        attributes,
                        position,
                    ));
                }
                Ok(false) => break None,
                Err(e) => break Some(e),
            }
        };
        let warnings = reader
            .warnings()
            .iter()
            .map(|w| w.location.clone())
            .collect();
        (
            records,
            warnings,
            error.map(|e: Error| (e.to_string(), e.location().clone())),
        )
    }

    #[test]
    fn reading_decoded_text_reads_what_the_bytes_read() {
        let limits = Limits::default();
        for bytes in inputs() {
            let text = DecodedText::decode(&bytes, &limits).unwrap();
            let mut buffer = crate::InputBuffer::new();
            let expected = read_all(ReaderBuilder::new().from_slice_buffered(&bytes, &mut buffer));
            let got = read_all(ReaderBuilder::new().from_text(&text));
            assert_eq!(got, expected, "{bytes:?}");
            // The text's own positions are the reader's.
            for (offset, .., position) in &got.0 {
                assert_eq!(text.position(*offset), *position);
            }
            let errors = got.1.iter().chain(got.2.iter().map(|(_, l)| l));
            for location in errors {
                let p = location.position.unwrap();
                assert_eq!(text.position(p.offset), p, "{bytes:?}");
            }
        }
    }

    #[test]
    fn legacy_encodings_are_transcoded_and_plain_utf8_is_borrowed() {
        let inputs = inputs();
        let text = DecodedText::decode(&inputs[2], &Limits::default()).unwrap();
        assert_eq!(text.info().encoding.name(), "windows-1252");
        let s = text.as_str().unwrap();
        let package = s.find("<Package").unwrap();
        let quote = s.rfind("\"/>").unwrap();
        assert_eq!(
            (
                text.position(package as u64).line,
                text.position(package as u64).column
            ),
            (3, 2)
        );
        // The two characters before the quote are two bytes each in UTF-8, one column each.
        assert_eq!(text.position(quote as u64).column, 19);
        let plain = DecodedText::decode(&inputs[0], &Limits::default()).unwrap();
        assert!(matches!(plain.text, Cow::Borrowed(_)));
        let bom = DecodedText::decode(&inputs[1], &Limits::default()).unwrap();
        assert!(bom.info().bom && matches!(bom.text, Cow::Borrowed(_)));
        assert_eq!(bom.as_bytes(), plain.as_bytes());
    }

    #[test]
    fn what_cannot_be_decoded_is_the_readers_error() {
        let inputs = inputs();
        let gzip = &inputs[4];
        let cut = &gzip[..gzip.len() / 2];
        let err = DecodedText::decode(cut, &Limits::default()).unwrap_err();
        assert_eq!(err.rule(), "gzip");
        let small = Limits {
            max_xml_bytes: 10,
            ..Limits::default()
        };
        for bytes in [&inputs[0], gzip] {
            let err = DecodedText::decode(bytes, &small).unwrap_err();
            assert_eq!(err.rule(), "limit-xml-bytes");
        }
        let text = DecodedText::decode(&inputs[0], &Limits::default()).unwrap();
        let err = ReaderBuilder::new()
            .limits(small)
            .from_text(&text)
            .unwrap_err();
        assert_eq!(err.rule(), "limit-xml-bytes");
    }
}
