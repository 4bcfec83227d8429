//! What a file looks like from its first bytes, when it is not XML at all: for messages that
//! name an image, an archive or JSON for what it is, instead of the XML error its bytes
//! happen to cause first.

use std::io::Read;

/// Bytes of a file's start [`looks_like`] needs.
pub const HEAD_BYTES: usize = 4096;

/// What `head` (the first [`HEAD_BYTES`] of a file named `name`) looks like, when that is
/// something other than XML: `not gzip although named .gz: looks like a JPEG image`,
/// `looks like a ZIP archive, not XML`, `looks like JSON, not XML`. `None` for text that
/// starts like XML (its own errors are the ones to report) and for what is not recognised.
pub fn looks_like(head: &[u8], name: &str) -> Option<String> {
    let named_gz = name.to_ascii_lowercase().ends_with(".gz");
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let content = if gzip {
        let mut out = Vec::new();
        // As much of the start as decompresses: a truncated file still shows what it holds.
        let _ = flate2::read::MultiGzDecoder::new(head)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut out);
        out
    } else {
        head.to_vec()
    };
    let kind = kind_of(&content)?;
    Some(if named_gz && !gzip {
        format!("not gzip although named .gz: looks like {kind}")
    } else {
        format!("looks like {kind}, not XML")
    })
}

/// Whether a reader error of `rule` may be the effect of a file not being XML at all, so
/// that saying what the file looks like explains it: errors from the bytes (encoding, gzip,
/// syntax), not limits or files that were never read.
pub fn may_explain(rule: &str) -> bool {
    matches!(
        rule,
        "encoding"
            | "unsupported-encoding"
            | "gzip"
            | "xml-syntax"
            | "xml-name"
            | "text-outside-root"
            | "truncated"
    )
}

/// The kind of file `bytes` start like, when it is a well-known non-XML one.
fn kind_of(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 9] = [
        (b"PK\x03\x04", "a ZIP archive"),
        (b"PK\x05\x06", "a ZIP archive"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"\x1f\x8b", "a gzip file inside a gzip file"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
        (b"\xD0\xCF\x11\xE0", "an MS Office document"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(kind);
    }
    // UTF-16 (with a byte order mark) is text the reader recognises.
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return None;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    match first {
        b'<' => None,
        b'{' | b'[' => Some("JSON"),
        _ => {
            // Binary: control characters other than whitespace in more than 1 in 20 bytes.
            let controls = text
                .iter()
                .filter(|b| b.is_ascii_control() && !b.is_ascii_whitespace())
                .count();
            (controls * 20 > text.len()).then_some("binary data")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_files_look_like() {
        let jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF";
        assert_eq!(
            looks_like(jpeg, "x.ndi.gz").as_deref(),
            Some("not gzip although named .gz: looks like a JPEG image")
        );
        assert_eq!(
            looks_like(b"PK\x03\x04\x14\x00", "x.ndi").as_deref(),
            Some("looks like a ZIP archive, not XML")
        );
        assert_eq!(
            looks_like(b"  {\"a\": 1}", "x.ndi").as_deref(),
            Some("looks like JSON, not XML")
        );
        assert_eq!(
            looks_like(&[3, 0x9c, 0, 0x17, 0xf1, 2, 0x88, 1], "x.ndi.gz").as_deref(),
            Some("not gzip although named .gz: looks like binary data")
        );
        // XML (even broken, even misnamed) is left to the reader's own errors.
        assert_eq!(looks_like(b"<Inventory><Hardware>", "x.ndi.gz"), None);
        assert_eq!(looks_like(b"\xFF\xFE<\x00", "x.ndi"), None);
        assert_eq!(looks_like(b"", "x.ndi"), None);
    }
}
