//! Where XML events come from: quick-xml over a slice (events borrow the input) or over a
//! stream (events borrow a reused buffer). Both report positions the same way.

use std::io::BufRead;

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::Event;

use crate::error::{Error, ErrorKind, Position};
use crate::input::{Text, map_io};
use crate::limits::Limits;
use crate::lines::LineTracker;
use crate::xml::tracking::TrackingReader;

type StreamReader<'a> = quick_xml::Reader<TrackingReader<Box<dyn BufRead + 'a>>>;

/// The event source of one document.
pub(crate) enum Source<'a> {
    Slice {
        reader: quick_xml::Reader<&'a [u8]>,
        text: &'a [u8],
        lines: LineTracker,
    },
    Stream {
        reader: Box<StreamReader<'a>>,
        buf: Vec<u8>,
    },
}

fn configure(config: &mut quick_xml::reader::Config) {
    config.check_end_names = true;
    config.check_comments = true;
    config.expand_empty_elements = false;
    config.trim_text(false);
    config.allow_dangling_amp = false;
    config.allow_unmatched_ends = false;
}

impl<'a> Source<'a> {
    pub(crate) fn new(text: Text<'a>, limits: &Limits) -> Self {
        match text {
            Text::Slice(text) => {
                let mut reader = quick_xml::Reader::from_reader(text);
                configure(reader.config_mut());
                Source::Slice {
                    reader,
                    text,
                    lines: LineTracker::default(),
                }
            }
            Text::Stream(stream) => {
                let tracking = TrackingReader::new(stream, limits.max_value_bytes);
                let mut reader = quick_xml::Reader::from_reader(tracking);
                configure(reader.config_mut());
                Source::Stream {
                    reader: Box::new(reader),
                    buf: Vec::with_capacity(8192),
                }
            }
        }
    }

    /// Offset where the next event starts.
    pub(crate) fn offset(&self) -> u64 {
        match self {
            Source::Slice { reader, .. } => reader.buffer_position(),
            Source::Stream { reader, .. } => reader.buffer_position(),
        }
    }

    /// Line and column of `offset`, which must not be before the start of the current event.
    pub(crate) fn position(&mut self, offset: u64) -> Position {
        match self {
            Source::Slice { text, lines, .. } => lines.seek_in(text, offset),
            Source::Stream { reader, .. } => reader.get_ref().position(offset),
        }
    }

    /// The next event of a slice source, borrowing the input.
    pub(crate) fn next_slice(
        reader: &mut quick_xml::Reader<&'a [u8]>,
    ) -> Result<Event<'a>, XmlError> {
        reader.read_event()
    }

    /// Prepares a stream source for the next event (forgets positions before it).
    pub(crate) fn mark(&mut self) {
        if let Source::Stream { reader, buf } = self {
            let offset = reader.buffer_position();
            reader.get_mut().mark(offset);
            buf.clear();
        }
    }

    /// Turns a quick-xml error into ours, with its position.
    pub(crate) fn convert_error(&mut self, err: XmlError, path: Option<String>) -> Error {
        let offset = match self {
            Source::Slice { reader, .. } => reader.error_position(),
            Source::Stream { reader, .. } => reader.error_position(),
        };
        let kind = match err {
            XmlError::Io(io) => {
                let io = std::sync::Arc::try_unwrap(io)
                    .unwrap_or_else(|arc| std::io::Error::new(arc.kind(), arc.to_string()));
                let e = map_io(io);
                let pos = self.position(self.offset());
                return e.relocate(pos, path);
            }
            XmlError::Encoding(ref enc) => {
                let at = match self {
                    Source::Slice { text, .. } => match std::str::from_utf8(text) {
                        Err(e) => e.valid_up_to() as u64,
                        Ok(_) => offset,
                    },
                    Source::Stream { .. } => match enc {
                        quick_xml::encoding::EncodingError::Utf8(u) => {
                            offset + u.valid_up_to() as u64
                        }
                        _ => offset,
                    },
                };
                let pos = self.position(at.max(offset));
                return Error::at(ErrorKind::Encoding { encoding: "UTF-8" }, pos, path);
            }
            XmlError::Syntax(SyntaxError::UnclosedTag)
            | XmlError::Syntax(SyntaxError::UnclosedComment)
            | XmlError::Syntax(SyntaxError::UnclosedCData)
            | XmlError::Syntax(SyntaxError::UnclosedPI)
            | XmlError::Syntax(SyntaxError::UnclosedDoctype)
            | XmlError::Syntax(SyntaxError::UnclosedXmlDecl) => {
                ErrorKind::Syntax(format!("{err} (truncated file?)"))
            }
            XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                ErrorKind::Syntax(format!(
                    "mismatched end tag: expected </{expected}>, found </{found}>"
                ))
            }
            XmlError::Escape(e) => match e {
                quick_xml::escape::EscapeError::UnrecognizedEntity(_, name) => {
                    ErrorKind::UndeclaredEntity(name)
                }
                other => ErrorKind::Syntax(other.to_string()),
            },
            other => ErrorKind::Syntax(other.to_string()),
        };
        let pos = self.position(offset);
        Error::at(kind, pos, path)
    }
}
