//! How commits are made atomic on a local file system.
//!
//! The Delta protocol needs a commit file `_delta_log/<version>.json` to be created only when
//! no other writer created it first ("put if absent"). The kernel's default engine does this on
//! a local file system by writing a staging file and hard-linking it to the commit name, which
//! fails when the name exists. A file system without hard links (some network and FUSE file
//! systems, FAT) cannot do that, so a table there is refused, unless the caller promises a
//! single writer: then an exclusive lock file (`_ndi_writer.lock` in the root, an OS advisory
//! lock released when the process dies) is taken for as long as the tables are open, and a
//! commit under it checks that the version does not exist and writes the file with a rename.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use delta_kernel::committer::{CommitMetadata, CommitResponse, Committer, FileSystemCommitter};
use delta_kernel::{Engine, FileMeta, FilteredEngineData, KernelResultIterator};

use crate::error::{Error, IoContext, Result};

/// The name of the single-writer lock file in a root.
pub const WRITER_LOCK: &str = "_ndi_writer.lock";

/// How commits are protected against concurrent writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitMode {
    /// Put-if-absent through hard links: any number of writers.
    PutIfAbsent,
    /// One writer holding the lock file; commits written with a rename.
    SingleWriter,
}

/// An exclusive advisory lock on a file, held until dropped (or the process ends).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Takes the lock on `path` (creating the file), failing with [`Error::Locked`] when
    /// another process holds it and `wait` is false.
    pub fn acquire(path: &Path, wait: bool) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .io("open lock file", path)?;
        if wait {
            fs4::FileExt::lock(&file).io("lock", path)?;
        } else {
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        path: path.to_path_buf(),
                    });
                }
                Err(fs4::TryLockError::Error(source)) => {
                    return Err(Error::Io {
                        op: "lock",
                        path: path.to_path_buf(),
                        source,
                    });
                }
            }
        }
        Ok(Self {
            file,
            path: path.to_path_buf(),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; an explicit unlock makes it immediate.
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

/// Checks that `dir` supports hard links (and so put-if-absent commits): creates a probe
/// file, links it, and removes both.
pub fn probe_put_if_absent(dir: &Path) -> Result<()> {
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let probe = dir.join(format!(".ndi-link-probe-{pid}-{nanos}"));
    let link = dir.join(format!(".ndi-link-probe-{pid}-{nanos}.link"));
    std::fs::write(&probe, b"probe").io("write", &probe)?;
    let linked = std::fs::hard_link(&probe, &link);
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_file(&probe);
    linked.map_err(|source| Error::NoPutIfAbsent {
        path: dir.to_path_buf(),
        source,
    })
}

/// The committer for a [`CommitMode`].
pub(crate) fn committer(mode: CommitMode) -> Box<dyn Committer> {
    match mode {
        CommitMode::PutIfAbsent => Box::new(FileSystemCommitter::new()),
        CommitMode::SingleWriter => Box::new(SingleWriterCommitter),
    }
}

/// Commits under the single-writer lock: the version must not exist; the file is written with
/// overwrite (a rename of a staged file, no hard link needed).
#[derive(Debug)]
struct SingleWriterCommitter;

impl Committer for SingleWriterCommitter {
    fn commit(
        &self,
        engine: &dyn Engine,
        actions: KernelResultIterator<'_, FilteredEngineData>,
        commit_metadata: CommitMetadata,
    ) -> delta_kernel::KernelResult<CommitResponse> {
        let version = commit_metadata.version();
        let url = commit_metadata.published_commit_path()?;
        let exists = url
            .to_file_path()
            .map(|path| path.exists())
            .map_err(|()| delta_kernel::KernelError::generic(format!("not a local path: {url}")))?;
        if exists {
            return Ok(CommitResponse::Conflict { version });
        }
        let size = engine
            .json_handler()
            .write_json_file(&url, Box::new(actions), true)?;
        let file_meta = FileMeta::new(url, commit_metadata.in_commit_timestamp(), size);
        Ok(CommitResponse::Committed { file_meta })
    }

    fn is_catalog_committer(&self) -> bool {
        false
    }

    fn publish(
        &self,
        _engine: &dyn Engine,
        publish_metadata: delta_kernel::committer::PublishMetadata,
    ) -> delta_kernel::KernelResult<()> {
        if publish_metadata.commits_to_publish().is_empty() {
            Ok(())
        } else {
            Err(delta_kernel::KernelError::generic(
                "the single-writer committer does not publish catalog commits",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_succeeds_on_a_local_file_system_and_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("ndi-delta-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        probe_put_if_absent(&dir).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = std::env::temp_dir().join(format!("ndi-delta-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(WRITER_LOCK);
        let first = FileLock::acquire(&path, false).unwrap();
        assert!(matches!(
            FileLock::acquire(&path, false),
            Err(Error::Locked { .. })
        ));
        drop(first);
        FileLock::acquire(&path, false).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
