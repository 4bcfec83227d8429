//! A stream wrapper that keeps the bytes of the current event, so that any offset inside it
//! can be given a line and column, and that fails when one event grows past the value limit.

use std::io::{self, BufRead, Read};

use crate::error::Position;
use crate::input::LimitHit;
use crate::limits::Limit;
use crate::lines::LineTracker;

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
