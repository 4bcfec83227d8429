//! A reader that fails (rather than truncates) when a stream grows past a limit.

use std::io::{self, Read};

use crate::input::io_error::LimitHit;
use crate::limits::Limit;

/// Passes bytes through until more than `max` have been read, then fails with [`LimitHit`].
pub(crate) struct CappedReader<R> {
    inner: R,
    remaining: u64,
    max: u64,
}

impl<R: Read> CappedReader<R> {
    pub(crate) fn new(inner: R, max: u64) -> Self {
        CappedReader {
            inner,
            remaining: max,
            max,
        }
    }
}

impl<R: Read> Read for CappedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // Ask for one byte more than allowed so that an exact fit is not an error.
        let want = buf
            .len()
            .min(usize::try_from(self.remaining + 1).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.remaining {
            return Err(io::Error::other(LimitHit {
                limit: Limit::XmlBytes,
                max: self.max,
            }));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::io_error::map_io;

    #[test]
    fn exact_fit_passes_and_overflow_fails() {
        let data = [b'x'; 100];
        let mut out = Vec::new();
        CappedReader::new(&data[..], 100)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len(), 100);
        let err = CappedReader::new(&data[..], 99)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        let err = map_io(err);
        assert_eq!(err.rule(), "limit-xml-bytes");
    }
}
