//! The error type of this crate.

use std::path::PathBuf;

/// What went wrong in a Delta table operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file-system operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The error of the operating system.
        #[source]
        source: std::io::Error,
    },
    /// The Delta kernel reported an error.
    #[error("delta: {0}")]
    Kernel(#[from] delta_kernel::KernelError),
    /// Writing or reading Parquet failed.
    #[error("parquet {path}: {source}")]
    Parquet {
        /// The data file.
        path: PathBuf,
        /// The error of the Parquet library.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// An Arrow operation failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// The file system cannot make a commit put-if-absent.
    #[error(
        "{path}: this file system does not support hard links ({source}), so two writers could \
         overwrite each other's commits; use a file system with hard links, or a single writer \
         (--single-writer) that takes a lock file"
    )]
    NoPutIfAbsent {
        /// The folder probed.
        path: PathBuf,
        /// Why the probe failed.
        #[source]
        source: std::io::Error,
    },
    /// The single-writer lock is held by another process.
    #[error("{path}: the single-writer lock is held by another process")]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// A table exists with a schema other than the one asked for.
    #[error("{path}: the table exists with another schema: {detail}")]
    SchemaMismatch {
        /// The table.
        path: PathBuf,
        /// The difference.
        detail: String,
    },
    /// No Delta table at a path.
    #[error("{path}: not a Delta table (no _delta_log commits)")]
    NotATable {
        /// The path.
        path: PathBuf,
    },
    /// A commit kept conflicting with other writers.
    #[error("{path}: gave up after {attempts} conflicting commit attempts")]
    TooManyConflicts {
        /// The table.
        path: PathBuf,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A request the library cannot carry out as asked.
    #[error("{0}")]
    Invalid(String),
    /// A commit file of the log could not be parsed.
    #[error("{path}: line {line}: {message}")]
    Log {
        /// The commit file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl From<delta_kernel::Error> for Error {
    fn from(error: delta_kernel::Error) -> Self {
        match error {
            delta_kernel::Error::Kernel(e) => Error::Kernel(e),
            #[allow(unreachable_patterns)]
            other => Error::Invalid(other.to_string()),
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) trait IoContext<T> {
    fn io(self, op: &'static str, path: &std::path::Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn io(self, op: &'static str, path: &std::path::Path) -> Result<T> {
        self.map_err(|source| Error::Io {
            op,
            path: path.to_path_buf(),
            source,
        })
    }
}
