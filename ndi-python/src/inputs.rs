//! What Python passes as a document or as files to load.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

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

/// Expands files and folders as `ndi-tool convert` does: folders recursively in sorted order,
/// hidden entries (names starting with a dot) skipped inside folders, links to folders not
/// followed, a file reached twice kept once. A path that does not exist is an error.
pub fn expand(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut push = |path: PathBuf| {
        let id = file_id(&path, true).or_else(|| file_id(&path, false));
        if id.is_none_or(|id| seen.insert(id)) {
            out.push(path);
        }
    };
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        if !meta.is_dir() {
            push(path.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()))
        {
            let entry = entry.map_err(std::io::Error::other)?;
            let kind = entry.file_type();
            let folder_link =
                kind.is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
            if !kind.is_dir() && !folder_link {
                push(entry.into_path());
            }
        }
    }
    Ok(out)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Device and inode (links followed, or the link itself), elsewhere the absolute path.
fn file_id(path: &Path, follow: bool) -> Option<(u64, u64, PathBuf)> {
    let meta = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }
    .ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        Some((meta.dev(), meta.ino(), PathBuf::new()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        std::path::absolute(path).ok().map(|p| (0, 0, p))
    }
}
