//! Content check for `--check`: does a body start like a file of ours?
//!
//! A body passes when its first bytes are gzip's magic, or XML (optionally after a BOM, in
//! UTF-8 or UTF-16) whose root element is one of the known formats (`Inventory`, `USAGE`,
//! `vdiGroups`, `Discovery`, `Policy`, `SOFTPKG`, `Schedule`). No I/O: the caller hands the
//! prefix it has buffered.

use ndi_format::Format;

/// How many leading bytes [`sniff`] needs at most to decide.
pub const SNIFF_BYTES: usize = 8192;

/// The verdict on a body's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    /// gzip magic (`1f 8b`).
    Gzip,
    /// XML with a known root.
    Xml(Format),
    /// Not enough bytes yet to decide (hand more, or the whole body when it ends).
    NeedMore,
    /// Neither gzip nor XML of a known root.
    Refused,
}

/// Judges a body from its first bytes. `complete` says that `prefix` is the whole body.
pub fn sniff(prefix: &[u8], complete: bool) -> Sniff {
    if prefix.len() < 2 {
        return if complete {
            Sniff::Refused
        } else {
            Sniff::NeedMore
        };
    }
    if prefix[0] == 0x1f && prefix[1] == 0x8b {
        return Sniff::Gzip;
    }
    let text: Vec<u8> = if prefix.starts_with(&[0xff, 0xfe]) {
        narrow(&prefix[2..], true)
    } else if prefix.starts_with(&[0xfe, 0xff]) {
        narrow(&prefix[2..], false)
    } else if prefix.starts_with(&[0xef, 0xbb, 0xbf]) {
        prefix[3..].to_vec()
    } else if prefix.len() >= 4 && prefix[0] == b'<' && prefix[1] == 0 {
        narrow(prefix, true)
    } else if prefix.len() >= 4 && prefix[0] == 0 && prefix[1] == b'<' {
        narrow(prefix, false)
    } else {
        prefix.to_vec()
    };
    let decided_by_end = complete || prefix.len() >= SNIFF_BYTES;
    match root(&text) {
        Some(Ok(name)) => match Format::from_root(name) {
            Format::Other => Sniff::Refused,
            f => Sniff::Xml(f),
        },
        Some(Err(())) => Sniff::Refused,
        None if decided_by_end => Sniff::Refused,
        None => Sniff::NeedMore,
    }
}

/// UTF-16 to bytes, keeping ASCII and mapping the rest to `?` (enough to find the root).
fn narrow(b: &[u8], little_endian: bool) -> Vec<u8> {
    b.chunks_exact(2)
        .map(|p| {
            let u = if little_endian {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            };
            u8::try_from(u).ok().filter(u8::is_ascii).unwrap_or(b'?')
        })
        .collect()
}

/// The root element's name: `None` when the prefix ends first, `Err` when it is not XML.
fn root(t: &[u8]) -> Option<Result<&str, ()>> {
    let mut i = 0;
    loop {
        while i < t.len() && t[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= t.len() {
            return None;
        }
        if t[i] != b'<' {
            return Some(Err(()));
        }
        let rest = &t[i..];
        let skip_to = |end: &[u8]| {
            rest.windows(end.len())
                .position(|w| w == end)
                .map(|p| i + p + end.len())
        };
        if rest.starts_with(b"<?") {
            i = skip_to(b"?>")?;
        } else if rest.starts_with(b"<!--") {
            i = skip_to(b"-->")?;
        } else if rest.starts_with(b"<!") {
            // DOCTYPE, possibly with an internal subset.
            let mut depth = 0usize;
            let mut j = i + 2;
            loop {
                let c = *t.get(j)?;
                match c {
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b'>' if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else if rest.len() < 2 {
            return None;
        } else {
            let start = i + 1;
            let mut j = start;
            while j < t.len() && !t[j].is_ascii_whitespace() && t[j] != b'>' && t[j] != b'/' {
                j += 1;
            }
            if j >= t.len() {
                return None;
            }
            return Some(std::str::from_utf8(&t[start..j]).map_err(|_| ()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_roots_and_gzip_pass() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0], false), Sniff::Gzip);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<!DOCTYPE Inventory PUBLIC \"Inventory\" \"x.dtd\">\n<!-- c -->\n<Inventory a=\"1\">", false),
            Sniff::Xml(Format::Ndi)
        );
        assert_eq!(
            sniff(b"\xef\xbb\xbf<USAGE>", false),
            Sniff::Xml(Format::Mmi)
        );
        let utf16: Vec<u8> = "\u{feff}<?xml version=\"1.0\"?><vdiGroups/>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(&utf16, true), Sniff::Xml(Format::Vdi));
        assert_eq!(
            sniff(b"<!DOCTYPE x [ <!ENTITY a \"b\"> ]><Policy/>", true),
            Sniff::Xml(Format::Npl)
        );
    }

    #[test]
    fn others_are_refused_or_wait() {
        assert_eq!(sniff(b"<html><body>", false), Sniff::Refused);
        assert_eq!(sniff(b"PK\x03\x04", false), Sniff::Refused);
        assert_eq!(sniff(b"", true), Sniff::Refused);
        assert_eq!(sniff(b"<?xml version", false), Sniff::NeedMore);
        assert_eq!(sniff(b"<?xml version", true), Sniff::Refused);
        assert_eq!(sniff(b"<Inven", false), Sniff::NeedMore);
        assert_eq!(sniff(b"<Inventory", true), Sniff::Refused);
        let long = [b"<!-- ".as_slice(), &[b'x'; SNIFF_BYTES]].concat();
        assert_eq!(sniff(&long, false), Sniff::Refused);
    }
}
