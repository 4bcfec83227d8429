//! What Python passes as a document or as files to load.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;

/// One document: bytes (`bytes`, `bytearray`) or a path (`str`, `os.PathLike`).
#[derive(Debug, FromPyObject)]
pub enum Document {
    /// The document itself, gzipped or not.
    Bytes(PyBackedBytes),
    /// A file.
    Path(PathBuf),
}

/// The bytes of a document and the name to record as its `source_path`.
pub struct Loaded {
    /// `<bytes>` or the path.
    pub name: String,
    /// The file, when the document was read from one.
    pub path: Option<PathBuf>,
    /// The document as given or as read from disk.
    pub bytes: Bytes,
}

/// Bytes borrowed from Python or read from a file.
pub enum Bytes {
    /// Held by a Python `bytes` object (no copy).
    Python(PyBackedBytes),
    /// Read from a file.
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Python(b) => b,
            Bytes::Owned(v) => v,
        }
    }
}

impl Document {
    /// Its bytes, read as the readers read files (regular files within the size limit), and
    /// its name. A path that does not exist is an `OSError`; one that cannot be read as a
    /// document is a reader error with its rule (`not-a-file`, `limit-xml-bytes`, `io`).
    pub fn load(self) -> Result<Loaded, Failure> {
        match self {
            Document::Bytes(b) => Ok(Loaded {
                name: "<bytes>".into(),
                path: None,
                bytes: Bytes::Python(b),
            }),
            Document::Path(path) => {
                std::fs::metadata(&path).map_err(|e| Failure::Os(path.clone(), e))?;
                let mut bytes = Vec::new();
                ndi_format::read_file(&path, &mut bytes, &ndi_format::Limits::default())
                    .map_err(|e| Failure::Reader(e.with_file(&path)))?;
                Ok(Loaded {
                    name: path.display().to_string(),
                    path: Some(path),
                    bytes: Bytes::Owned(bytes),
                })
            }
        }
    }
}

/// Why a document could not be had or read.
#[derive(Debug)]
pub enum Failure {
    /// The path cannot be looked at (missing, no permission).
    Os(PathBuf, std::io::Error),
    /// A reader error, with its position and rule.
    Reader(ndi_format::Error),
}
