//! Errors and warnings, each with the position where it was found.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::limits::Limit;

/// A place in a document: byte offset in the decoded XML text plus line and column.
///
/// Lines and columns start at 1; the column counts characters, not bytes. The offset counts
/// bytes of the XML text after decompression and transcoding to UTF-8 (a byte-order mark
/// included), which is what a user sees after `gunzip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Position {
    /// Byte offset from the start of the XML text.
    pub offset: u64,
    /// Line number, starting at 1.
    pub line: u64,
    /// Column in characters, starting at 1.
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (byte {})", self.line, self.column, self.offset)
    }
}

/// Where an error or warning was found: position, element path and (when known) file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file, when the document was read from a path.
    pub file: Option<PathBuf>,
    /// Position in the XML text, when the problem is inside it.
    pub position: Option<Position>,
    /// Element path such as `/Inventory/Hardware[1]/Class[2]`, when inside an element.
    pub element_path: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            sep = ":";
        }
        if let Some(pos) = &self.position {
            write!(f, "{sep}{pos}")?;
            sep = " ";
        }
        if let Some(path) = &self.element_path {
            write!(f, "{sep}at {path}")?;
        }
        Ok(())
    }
}

/// What went wrong. Each kind has a stable rule id, see [`ErrorKind::rule`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The path names something other than a regular file (a folder, a device such as
    /// `/dev/zero`, a FIFO or a socket). It is refused before anything is read from it:
    /// reading one could wait forever for a writer or never end.
    #[error("not a regular file (a folder, device, FIFO or socket is never read as a document)")]
    NotAFile,
    /// The input has no bytes (or only whitespace, a BOM or an XML declaration).
    #[error("empty document: no root element")]
    Empty,
    /// The gzip stream is corrupt or ends early.
    #[error("corrupt or truncated gzip data: {0}")]
    Gzip(String),
    /// The bytes are not valid in the document's encoding.
    #[error("invalid {encoding} byte sequence")]
    Encoding {
        /// The encoding the text was read as.
        encoding: &'static str,
    },
    /// The XML declaration names an encoding no supported library knows.
    #[error("unsupported encoding {0:?} declared")]
    UnsupportedEncoding(String),
    /// The text is not well-formed XML 1.0.
    #[error("not well-formed XML: {0}")]
    Syntax(String),
    /// The document ends before its root element is closed.
    #[error("document ends before </{0}> (truncated file?)")]
    Truncated(String),
    /// An element name or attribute name is not an XML name.
    #[error("invalid XML name {0:?}")]
    InvalidName(String),
    /// Content after the root element closed, or a second root element.
    #[error("content after the root element: {0}")]
    AfterRoot(String),
    /// Non-whitespace text outside the root element.
    #[error("text outside the root element")]
    TextOutsideRoot,
    /// The internal DTD subset declares an entity; such entities are never expanded.
    #[error("entity declaration <!ENTITY {0}> refused: entities are never expanded")]
    EntityDeclaration(String),
    /// A reference to an entity that is neither predefined nor a character reference.
    #[error("reference to undeclared entity &{0};")]
    UndeclaredEntity(String),
    /// A configured limit was exceeded.
    #[error("limit exceeded: {limit} is {max}")]
    Limit {
        /// Which limit.
        limit: Limit,
        /// The configured maximum.
        max: u64,
    },
    /// The document's root element is not the one this reader or writer expects.
    #[error("unexpected root element <{found}>, expected {expected}")]
    UnexpectedRoot {
        /// The root element found.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// A writer was given records in an order that cannot be written.
    #[error("invalid record sequence: {0}")]
    InvalidRecord(String),
}

impl ErrorKind {
    /// A stable, machine-readable rule id for this kind of error (e.g. `xml-syntax`).
    pub fn rule(&self) -> &'static str {
        match self {
            ErrorKind::Io(_) => "io",
            ErrorKind::NotAFile => "not-a-file",
            ErrorKind::Empty => "empty-document",
            ErrorKind::Gzip(_) => "gzip",
            ErrorKind::Encoding { .. } => "encoding",
            ErrorKind::UnsupportedEncoding(_) => "unsupported-encoding",
            ErrorKind::Syntax(_) => "xml-syntax",
            ErrorKind::Truncated(_) => "truncated",
            ErrorKind::InvalidName(_) => "xml-name",
            ErrorKind::AfterRoot(_) => "after-root",
            ErrorKind::TextOutsideRoot => "text-outside-root",
            ErrorKind::EntityDeclaration(_) => "entity-declaration",
            ErrorKind::UndeclaredEntity(_) => "undeclared-entity",
            ErrorKind::Limit { limit, .. } => limit.rule(),
            ErrorKind::UnexpectedRoot { .. } => "unexpected-root",
            ErrorKind::InvalidRecord(_) => "invalid-record",
        }
    }
}

/// An error with its location. Small (one pointer) so `Result`s stay cheap.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    location: Location,
}

impl Error {
    /// An error of `kind` with no location yet.
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            kind,
            location: Location::default(),
        }))
    }

    /// An error of `kind` at `position` inside `element_path`.
    pub fn at(kind: ErrorKind, position: Position, element_path: Option<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            location: Location {
                file: None,
                position: Some(position),
                element_path,
            },
        }))
    }

    /// The same error, naming the file it came from.
    #[must_use]
    pub fn with_file(mut self, file: &Path) -> Self {
        self.0.location.file = Some(file.to_path_buf());
        self
    }

    /// The same error placed at `position` and `element_path`.
    #[must_use]
    pub(crate) fn relocate(mut self, position: Position, element_path: Option<String>) -> Self {
        self.0.location.position = Some(position);
        self.0.location.element_path = element_path;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Where it went wrong.
    pub fn location(&self) -> &Location {
        &self.0.location
    }

    /// The stable rule id (see [`ErrorKind::rule`]).
    pub fn rule(&self) -> &'static str {
        self.0.kind.rule()
    }

    /// The message without the location: what rule was broken.
    pub fn message(&self) -> String {
        self.0.kind.to_string()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("location", &self.0.location)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.0.location.to_string();
        if loc.is_empty() {
            write!(f, "{} [{}]", self.0.kind, self.rule())
        } else {
            write!(f, "{loc}: {} [{}]", self.0.kind, self.rule())
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io(e))
    }
}

/// A result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something that does not stop the document from loading but that `validate` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A character XML 1.0 forbids (such as U+0003) inside a value; the value is kept as read.
    IllegalCharacter {
        /// The code point.
        code_point: u32,
    },
}

impl WarningKind {
    /// A stable rule id for this kind of warning.
    pub fn rule(&self) -> &'static str {
        match self {
            WarningKind::IllegalCharacter { .. } => "xml-illegal-char",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::IllegalCharacter { code_point } => write!(
                f,
                "character U+{code_point:04X} is not allowed in XML 1.0 (value kept as read)"
            ),
        }
    }
}

/// A warning with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What was found.
    pub kind: WarningKind,
    /// Where it was found.
    pub location: Location,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.location, self.kind, self.kind.rule())
    }
}
