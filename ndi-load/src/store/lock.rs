//! One run at a time per folder: an exclusive lock on `DIR/.ndi-load.lock`.
//!
//! The lock is an advisory whole-file lock (`flock` on Unix, `LockFileEx` on Windows) taken
//! without waiting: a second run fails at once, naming the holder the lock file describes
//! (process id, host, start time, purpose). The operating system releases the lock when the
//! holder's process ends, however it ends, so a killed run never blocks the next one; its
//! description stays in the file until the next holder overwrites it. The file itself is
//! never removed (removing it would let two runs lock two different files of that name).
//! Locks are advisory: they keep out runs that take them (every `ndi-tool convert`), not
//! other programs.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the folder it guards: hidden, so no reader's glob matches it.
pub const LOCK_FILE: &str = ".ndi-load.lock";

/// A held lock on a folder; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct DirLock {
    file: File,
    path: PathBuf,
}

/// Why a folder could not be locked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another run holds it.
    #[error("{} is in use by another run ({holder}); wait for it to end, or use another folder", dir.display())]
    Held {
        /// The folder.
        dir: PathBuf,
        /// The holder as its lock file describes it (`pid 4242 on host, started ...`).
        holder: String,
    },
    /// The lock file could not be created, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

impl DirLock {
    /// Locks `dir` (which must exist) for this process, or fails at once when another
    /// process holds it. `purpose` (e.g. `ndi-tool convert`) goes into the holder's
    /// description with the process id, host name and start time.
    pub fn acquire(dir: &Path, purpose: &str) -> Result<DirLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        // Not truncated on open: the holder's description must survive a failed attempt.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text.trim();
                return Err(LockError::Held {
                    dir: dir.to_path_buf(),
                    holder: if holder.is_empty() {
                        "a process that has not yet said which".to_string()
                    } else {
                        crate::escape::escape_controls(holder, false).into_owned()
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let description = format!(
            "pid {} on {}, started {} UTC ({purpose})\n",
            std::process::id(),
            host_name(),
            utc_now()
        );
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(description.as_bytes()))
            .and_then(|()| file.flush())
            .map_err(io)?;
        Ok(DirLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // The description is left: it says who held the folder last, and the lock itself is
        // what counts. Unlocking explicitly only makes the release prompt.
        let _ = self.file.unlock();
    }
}

/// This machine's name, as well as it can be found without a system call.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "an unknown host".to_string())
}

/// `YYYY-MM-DD HH:MM:SS` now, in UTC.
fn utc_now() -> String {
    let now = crate::load::now();
    let secs = now.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        super::layout::iso_date(now),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_at_once_naming_the_holder_and_a_released_lock_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path(), "first run").unwrap();
        // A second open file description conflicts even within one process (flock semantics).
        let err = DirLock::acquire(dir.path(), "second run").unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, LockError::Held { .. }), "{message}");
        assert!(
            message.contains(&format!("pid {}", std::process::id()))
                && message.contains("first run"),
            "{message}"
        );
        drop(first);
        let again = DirLock::acquire(dir.path(), "third run").unwrap();
        let text = std::fs::read_to_string(again.path()).unwrap();
        assert!(
            text.contains("third run") && !text.contains("first run"),
            "{text}"
        );
    }

    #[test]
    fn a_stale_description_without_a_holder_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(LOCK_FILE),
            "pid 999999 on elsewhere, started 2001-01-01 00:00:00 UTC (killed run)\n",
        )
        .unwrap();
        let lock = DirLock::acquire(dir.path(), "next run").unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert!(
            text.starts_with(&format!("pid {} ", std::process::id())),
            "{text}"
        );
    }
}
