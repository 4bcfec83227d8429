//! Byte-order marks and declared encodings.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Result};

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

    pub(crate) fn as_encoding_rs(self) -> &'static encoding_rs::Encoding {
        self.0
    }

    /// Decodes `bytes` (no BOM), failing on malformed input instead of replacing it.
    pub(crate) fn decode_strict(self, bytes: &[u8]) -> Result<Cow<'_, str>> {
        self.0
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| {
                Error::new(ErrorKind::Encoding {
                    encoding: self.0.name(),
                })
            })
    }
}

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
            None => Err(Error::new(ErrorKind::UnsupportedEncoding(
                String::from_utf8_lossy(label).into_owned(),
            ))),
        },
    }
}

/// The value of `encoding="..."` in an XML declaration at the very start, if any.
fn declared_encoding(prefix: &[u8]) -> Option<&[u8]> {
    let rest = prefix.strip_prefix(b"<?xml")?;
    let end = memchr::memmem::find(rest, b"?>")?;
    let decl = &rest[..end];
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
