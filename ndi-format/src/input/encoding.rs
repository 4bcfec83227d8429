//! Byte-order marks and declared encodings.

use std::borrow::Cow;
use std::io::{self, Read};

use crate::error::{Error, ErrorKind, Position, Result};
use crate::input::io_error::MalformedText;
use crate::lines::position_after;

/// The encoding a document's bytes were in before transcoding to UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding(&'static encoding_rs::Encoding);

impl TextEncoding {
    /// UTF-8.
    pub const UTF_8: TextEncoding = TextEncoding(encoding_rs::UTF_8);

    /// The WHATWG name of the encoding, e.g. `UTF-8`, `UTF-16LE`, `windows-1252`.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Whether no transcoding is needed.
    pub fn is_utf8(self) -> bool {
        self.0 == encoding_rs::UTF_8
    }

    /// Decodes `bytes` (no BOM), failing on malformed input instead of replacing it. The error
    /// says where in the text the bad bytes are (after the text decoded before them), as the
    /// stream path does.
    pub(crate) fn decode_strict(self, bytes: &[u8]) -> Result<Cow<'_, str>> {
        self.0
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| {
                let kind = ErrorKind::Encoding {
                    encoding: self.0.name(),
                };
                match self.text_before_malformed(bytes) {
                    Some(before) => Error::at(kind, position_after(before.as_bytes()), None),
                    None => Error::new(kind),
                }
            })
    }

    /// The text `bytes` decode to before their first malformed sequence (only called once
    /// they are known to hold one).
    fn text_before_malformed(self, bytes: &[u8]) -> Option<String> {
        let mut decoder = self.0.new_decoder_without_bom_handling();
        let mut text = String::new();
        let mut rest = bytes;
        loop {
            let room = decoder.max_utf8_buffer_length_without_replacement(rest.len())?;
            text.try_reserve(room).ok()?;
            let (result, read) =
                decoder.decode_to_string_without_replacement(rest, &mut text, true);
            rest = &rest[read..];
            match result {
                encoding_rs::DecoderResult::Malformed(..) => return Some(text),
                encoding_rs::DecoderResult::InputEmpty => return None,
                encoding_rs::DecoderResult::OutputFull => {}
            }
        }
    }
}

/// Transcodes a stream to UTF-8 and fails on malformed input.
///
/// Fuzzing found that the stream path used `encoding_rs_io`, which replaces malformed
/// sequences (a lone surrogate, an odd trailing byte of UTF-16) with U+FFFD, while the
/// in-memory path refused them: the same bytes read differently through `from_slice` and
/// `from_slice_buffered` (regression test `fuzz_utf16_odd_trailing_byte_is_an_encoding_error`).
/// Both now fail with an `encoding` error.
pub(crate) struct StrictDecoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    name: &'static str,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    finished: bool,
    /// Malformed input was found: fail once the text before it has been handed out.
    malformed: bool,
}

impl<R: Read> StrictDecoder<R> {
    /// Decodes `inner` (positioned after any byte-order mark) from `encoding`.
    pub(crate) fn new(inner: R, encoding: TextEncoding) -> Self {
        const CHUNK: usize = 32 << 10;
        let decoder = encoding.0.new_decoder_without_bom_handling();
        // Room for one chunk of input, whatever the encoding (plus what a decoder keeps).
        let out_len = decoder
            .max_utf8_buffer_length_without_replacement(CHUNK)
            .unwrap_or(4 * CHUNK + 16);
        StrictDecoder {
            inner,
            decoder,
            name: encoding.name(),
            input: vec![0; CHUNK].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            eof: false,
            output: vec![0; out_len].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            finished: false,
            malformed: false,
        }
    }
}

impl<R: Read> Read for StrictDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.malformed {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    MalformedText(self.name),
                ));
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.finished = self.eof,
                encoding_rs::DecoderResult::OutputFull => {}
                // Hand out what was decoded before the bad bytes, then fail.
                encoding_rs::DecoderResult::Malformed(..) => self.malformed = true,
            }
        }
    }
}

/// How many bytes of a document [`sniff`] looks at (stream readers read this many first).
pub(crate) const SNIFF_LEN: usize = 512;

/// What the first bytes say about the encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sniffed {
    pub(crate) encoding: TextEncoding,
    pub(crate) bom_len: usize,
}

/// Looks at the first bytes of a document (512 are plenty): a byte-order mark, UTF-16 without
/// one, or the `encoding` pseudo-attribute of the XML declaration.
pub(crate) fn sniff(prefix: &[u8]) -> Result<Sniffed> {
    let sniffed = |enc: &'static encoding_rs::Encoding, bom_len| {
        Ok(Sniffed {
            encoding: TextEncoding(enc),
            bom_len,
        })
    };
    match prefix {
        [0xEF, 0xBB, 0xBF, ..] => return sniffed(encoding_rs::UTF_8, 3),
        [0xFF, 0xFE, ..] => return sniffed(encoding_rs::UTF_16LE, 2),
        [0xFE, 0xFF, ..] => return sniffed(encoding_rs::UTF_16BE, 2),
        [b'<', 0, b'?', 0, ..] => return sniffed(encoding_rs::UTF_16LE, 0),
        [0, b'<', 0, b'?', ..] => return sniffed(encoding_rs::UTF_16BE, 0),
        _ => {}
    }
    match declared_encoding(prefix) {
        None => sniffed(encoding_rs::UTF_8, 0),
        Some(label) => match encoding_rs::Encoding::for_label(label) {
            // A UTF-16 label on ASCII-compatible bytes is a mislabel: the bytes decide.
            Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
                sniffed(encoding_rs::UTF_8, 0)
            }
            Some(enc) => sniffed(enc.output_encoding(), 0),
            None => Err(Error::at(
                ErrorKind::UnsupportedEncoding(String::from_utf8_lossy(label).into_owned()),
                position_in(prefix, label),
                None,
            )),
        },
    }
}

/// Where `part` (a subslice of `text`, in the ASCII-compatible declaration) begins.
fn position_in(text: &[u8], part: &[u8]) -> Position {
    let offset = part.as_ptr().addr().saturating_sub(text.as_ptr().addr());
    let end = position_after(&text[..offset.min(text.len())]);
    Position {
        offset: offset as u64,
        ..end
    }
}

/// The value of `encoding="..."` in an XML declaration at the very start, if any.
///
/// Only the declaration itself is looked at: it ends at the first `>`, which must be the end of
/// `?>`, and only the first [`SNIFF_LEN`] bytes are searched. Fuzzing found that searching the
/// whole input for `?>` let a broken declaration take a label from far into the document in
/// memory but not in a stream (which sniffs only its first bytes), so the two disagreed
/// (regression test `fuzz_encoding_label_is_taken_from_the_declaration_only`).
fn declared_encoding(prefix: &[u8]) -> Option<&[u8]> {
    let prefix = &prefix[..prefix.len().min(SNIFF_LEN)];
    let rest = prefix.strip_prefix(b"<?xml")?;
    let end = memchr::memchr(b'>', rest)?;
    let decl = rest[..end].strip_suffix(b"?")?;
    let at = memchr::memmem::find(decl, b"encoding")?;
    let mut rest = decl[at + b"encoding".len()..].trim_ascii_start();
    rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let close = memchr::memchr(quote, value)?;
    Some(&value[..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_declarations() {
        assert_eq!(sniff(b"\xEF\xBB\xBF<a/>").unwrap().bom_len, 3);
        assert_eq!(sniff(b"\xFF\xFE<\0").unwrap().encoding.name(), "UTF-16LE");
        assert_eq!(
            sniff(b"<?xml version='1.0' encoding = 'ISO-8859-1'?><a/>")
                .unwrap()
                .encoding
                .name(),
            "windows-1252"
        );
        assert!(
            sniff(b"<?xml version='1.0' encoding='UTF-8'?>")
                .unwrap()
                .encoding
                .is_utf8()
        );
        assert!(sniff(b"<a/>").unwrap().encoding.is_utf8());
        let err = sniff(b"<?xml version='1.0' encoding='klingon'?>").unwrap_err();
        assert_eq!(err.rule(), "unsupported-encoding");
    }
}
