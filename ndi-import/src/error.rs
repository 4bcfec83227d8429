//! The error type of the importer.

use std::path::PathBuf;

/// What stops an import pass (a bad input file never does: it is rejected and quarantined).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A file-system operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The path.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A Delta table operation failed.
    #[error(transparent)]
    Delta(#[from] ndi_delta::Error),
    /// The loader failed (not a bad input: those are rejected rows).
    #[error(transparent)]
    Load(#[from] ndi_load::LoadError),
    /// A state file of the work folder could not be read or written.
    #[error("{path}: {message}")]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Reading the table's document ids failed.
    #[error("parquet {path}: {source}")]
    Parquet {
        /// The data file.
        path: PathBuf,
        /// The Parquet library's error.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// Watching the incoming folders failed.
    #[error("watch: {0}")]
    Watch(#[from] notify::Error),
}

pub(crate) trait IoContext<T> {
    fn io(self, op: &'static str, path: &std::path::Path) -> Result<T, ImportError>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn io(self, op: &'static str, path: &std::path::Path) -> Result<T, ImportError> {
        self.map_err(|source| ImportError::Io {
            op,
            path: path.to_path_buf(),
            source,
        })
    }
}
