//! I/O-error mapping: the layers of the input stack (size cap, gzip, transcoding, the event
//! stream's value limit) can only fail with `std::io::Error`, so each wraps a payload saying
//! what happened, and [`map_io`] turns it back into the typed error it stands for.

use std::io;

use crate::error::{Error, ErrorKind};
use crate::limits::Limit;

/// The payload of the I/O error raised when a stream grows past a limit.
#[derive(Debug)]
pub(crate) struct LimitHit {
    pub(crate) limit: Limit,
    pub(crate) max: u64,
}

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "limit exceeded: {} is {}", self.limit, self.max)
    }
}

impl std::error::Error for LimitHit {}

/// The payload of the I/O error raised by malformed text in a declared encoding; maps to
/// `ErrorKind::Encoding`.
#[derive(Debug)]
pub(crate) struct MalformedText(pub(crate) &'static str);

impl std::fmt::Display for MalformedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid {} byte sequence", self.0)
    }
}

impl std::error::Error for MalformedText {}

/// The payload of an I/O error raised by corrupt gzip data.
#[derive(Debug)]
pub(crate) struct GzipFailure(pub(crate) String);

impl std::fmt::Display for GzipFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GzipFailure {}

/// Turns an I/O error from the input stack back into the typed error it stands for.
pub(crate) fn map_io(e: io::Error) -> Error {
    if let Some(hit) = e.get_ref().and_then(|i| i.downcast_ref::<LimitHit>()) {
        return Error::new(ErrorKind::Limit {
            limit: hit.limit,
            max: hit.max,
        });
    }
    if let Some(m) = e.get_ref().and_then(|i| i.downcast_ref::<MalformedText>()) {
        return Error::new(ErrorKind::Encoding { encoding: m.0 });
    }
    if let Some(g) = e.get_ref().and_then(|i| i.downcast_ref::<GzipFailure>()) {
        return Error::new(ErrorKind::Gzip(g.0.clone()));
    }
    Error::new(ErrorKind::Io(e))
}
