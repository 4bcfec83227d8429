//! Line and column bookkeeping, for slices and for streams.

use std::io::{self, BufRead, Read};

use crate::error::Position;
use crate::input::capped::LimitHit;
use crate::limits::Limit;

/// A position plus the ability to move it forward over text. Lines end as XML says (section
/// 2.11): at a line feed, a carriage return, or both together (counted once).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineTracker {
    pub(crate) pos: Position,
    /// Whether the text so far ended with a carriage return (a line feed right after it
    /// belongs to the same line end).
    after_cr: bool,
}

impl Default for LineTracker {
    fn default() -> Self {
        LineTracker {
            pos: Position {
                offset: 0,
                line: 1,
                column: 1,
            },
            after_cr: false,
        }
    }
}

/// The position of the end of `before` (text from the start of a document).
pub(crate) fn position_after(before: &[u8]) -> Position {
    let mut t = LineTracker::default();
    t.advance(before);
    t.pos
}

fn chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

impl LineTracker {
    /// Moves over `bytes`, which start at the current offset.
    pub(crate) fn advance(&mut self, bytes: &[u8]) {
        let Some(&last_byte) = bytes.last() else {
            return;
        };
        self.pos.offset += bytes.len() as u64;
        let mut line_start = None;
        let mut lines = 0;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let after_cr = match i {
                0 => self.after_cr,
                _ => bytes[i - 1] == b'\r',
            };
            // A line feed right after a carriage return ends the same line.
            if bytes[i] == b'\r' || !after_cr {
                lines += 1;
            }
            line_start = Some(i + 1);
        }
        self.after_cr = last_byte == b'\r';
        match line_start {
            Some(start) => {
                self.pos.line += lines;
                self.pos.column = 1 + chars(&bytes[start..]);
            }
            None => self.pos.column += chars(bytes),
        }
    }

    /// The position of `offset` in `text` (which starts at offset 0), moving forward from the
    /// current position when possible.
    pub(crate) fn seek_in(&mut self, text: &[u8], offset: u64) -> Position {
        let offset = offset.min(text.len() as u64);
        if offset < self.pos.offset {
            *self = LineTracker::default();
        }
        let from = self.pos.offset as usize;
        self.advance(&text[from..offset as usize]);
        self.pos
    }
}

/// A `BufRead` wrapper that remembers the bytes consumed since the last mark, so that any
/// offset inside the current event can be turned into line and column, and that fails when one
/// event grows past the value limit.
pub(crate) struct TrackingReader<R> {
    inner: R,
    /// Position of the first retained byte.
    base: LineTracker,
    retained: Vec<u8>,
    /// Bytes consumed since the last mark (the size of the current event so far).
    event_bytes: u64,
    max_event_bytes: u64,
}

/// How many bytes of one event are kept for positions; past this the oldest are counted and
/// dropped, so a huge text node is held once (in quick-xml's buffer), not twice. Positions
/// inside the dropped part are reported at the start of what is kept.
const RETAIN_MAX: usize = 1 << 20;

impl<R: BufRead> TrackingReader<R> {
    pub(crate) fn new(inner: R, max_event_bytes: u64) -> Self {
        TrackingReader {
            inner,
            base: LineTracker::default(),
            retained: Vec::with_capacity(4096),
            event_bytes: 0,
            max_event_bytes,
        }
    }

    /// Forgets the bytes before `offset` (the start of the next event).
    pub(crate) fn mark(&mut self, offset: u64) {
        let n = (offset.saturating_sub(self.base.pos.offset) as usize).min(self.retained.len());
        self.base.advance(&self.retained[..n]);
        self.retained.drain(..n);
        self.event_bytes = self.retained.len() as u64;
    }

    /// Offset of the first byte still retained (the start of the current event).
    pub(crate) fn base_offset(&self) -> u64 {
        self.base.pos.offset
    }

    /// Line and column of `offset`, which must not be before the last mark.
    pub(crate) fn position(&self, offset: u64) -> Position {
        let mut t = self.base;
        let n = (offset.saturating_sub(t.pos.offset) as usize).min(self.retained.len());
        t.advance(&self.retained[..n]);
        t.pos.offset = offset.max(t.pos.offset);
        t.pos
    }
}

impl<R: BufRead> Read for TrackingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for TrackingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.event_bytes > self.max_event_bytes {
            return Err(io::Error::other(LimitHit {
                limit: Limit::ValueBytes,
                max: self.max_event_bytes,
            }));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            self.retained.extend_from_slice(&buf[..n]);
            self.event_bytes += n as u64;
        }
        self.inner.consume(amt);
        if self.retained.len() > RETAIN_MAX {
            let drop = self.retained.len() - RETAIN_MAX / 2;
            self.base.advance(&self.retained[..drop]);
            self.retained.drain(..drop);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_cr_and_crlf_alike_even_across_chunks() {
        for text in [&b"a\nb\nc"[..], b"a\rb\rc", b"a\r\nb\r\nc"] {
            let p = position_after(text);
            assert_eq!((p.line, p.column), (3, 2), "{text:?}");
            // The same text in two pieces, split everywhere.
            for cut in 0..=text.len() {
                let mut t = LineTracker::default();
                t.advance(&text[..cut]);
                t.advance(&text[cut..]);
                assert_eq!((t.pos.line, t.pos.column), (3, 2), "{text:?} cut at {cut}");
            }
        }
        let p = position_after(b"a\r\r\nb");
        assert_eq!((p.line, p.column), (3, 2));
    }

    #[test]
    fn columns_count_characters() {
        let text = "ab\nçd\n\nxyz".as_bytes();
        let mut t = LineTracker::default();
        let p = t.seek_in(text, 6);
        assert_eq!((p.line, p.column), (2, 3));
        let p = t.seek_in(text, text.len() as u64);
        assert_eq!((p.line, p.column), (4, 4));
        let p = t.seek_in(text, 1);
        assert_eq!((p.line, p.column), (1, 2));
    }

    #[test]
    fn tracking_reader_positions() {
        let text = b"<a>\n  <b/>\n</a>";
        let mut r = TrackingReader::new(&text[..], 1 << 20);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        r.mark(6);
        let p = r.position(8);
        assert_eq!((p.offset, p.line, p.column), (8, 2, 5));
    }
}
