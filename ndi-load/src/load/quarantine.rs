//! Moving rejected files aside without ever losing one.
//!
//! Several workers (or several runs) may quarantine files with the same name at once, so a
//! name in the quarantine folder is claimed atomically before anything is moved there: the
//! reason file `NAME.reason.txt` is created with `create_new`, and the file itself is linked
//! (or copied) to `NAME` only if nothing is there. A name already taken gets a counter:
//! `NAME.1`, `NAME.2`, ...

use std::ffi::{OsStr, OsString};

use crate::escape::escape_controls;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Names tried before giving up (a folder with that many files of one name is not normal).
const MAX_ATTEMPTS: usize = 10_000;

/// Moves `path` into `dir` with `reason` written beside it, and returns where it went.
///
/// The file is never lost: it is hard-linked into `dir` and then removed from where it was;
/// where linking is not possible (another file system), it is copied and synced first. On
/// error the file is where it was, and only there. Its name is kept as it is, UTF-8 or not.
pub fn quarantine(path: &Path, dir: &Path, reason: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    // The name as it is, even when it is not UTF-8.
    let name: OsString = path
        .file_name()
        .map_or_else(|| "unnamed".into(), OsStr::to_os_string);
    for n in 0..MAX_ATTEMPTS {
        let target = if n == 0 {
            dir.join(&name)
        } else {
            let mut numbered = name.clone();
            numbered.push(format!(".{n}"));
            dir.join(numbered)
        };
        let reason_path = reason_path(&target);
        let mut reason_file = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&reason_path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        match place(path, &target) {
            Ok(true) => {}
            Ok(false) => {
                // Someone else's file has this name: leave it, try the next one.
                drop(reason_file);
                let _ = std::fs::remove_file(&reason_path);
                continue;
            }
            Err(e) => {
                drop(reason_file);
                let _ = std::fs::remove_file(&reason_path);
                return Err(e);
            }
        }
        let finished = reason_file
            // A reason quotes file names and input, and is read with `cat`.
            .write_all(escape_controls(reason, true).as_bytes())
            .and_then(|()| reason_file.sync_all())
            .and_then(|()| std::fs::remove_file(path));
        if let Err(e) = finished {
            // Not moved after all: the file stays where it was, and only there.
            drop(reason_file);
            let _ = std::fs::remove_file(&target);
            let _ = std::fs::remove_file(&reason_path);
            return Err(e);
        }
        return Ok(target);
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        format!(
            "{MAX_ATTEMPTS} names like {} are taken in {}",
            name.to_string_lossy(),
            dir.display()
        ),
    ))
}

/// Where the reason for `target` is written.
pub fn reason_path(target: &Path) -> PathBuf {
    let mut p = target.as_os_str().to_owned();
    p.push(".reason.txt");
    PathBuf::from(p)
}

/// Puts a copy of `path` at `target` unless something is there already (`Ok(false)`).
fn place(path: &Path, target: &Path) -> std::io::Result<bool> {
    match std::fs::hard_link(path, target) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(false),
        // Another file system, or links not supported: copy instead.
        Err(_) => {}
    }
    let mut source = File::open(path)?;
    let mut out = match OpenOptions::new().write(true).create_new(true).open(target) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    };
    let copied = std::io::copy(&mut source, &mut out).and_then(|_| out.sync_all());
    if let Err(e) = copied {
        drop(out);
        let _ = std::fs::remove_file(target);
        return Err(e);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_the_same_name_never_overwrite_each_other() {
        let tmp = tempfile::tempdir().unwrap();
        let q = tmp.path().join("q");
        // A file of that name is already there, from someone else, without a reason.
        std::fs::create_dir_all(&q).unwrap();
        std::fs::write(q.join("x.ndi"), "theirs").unwrap();
        let mut sources = Vec::new();
        for i in 0..40 {
            let d = tmp.path().join(format!("in{i}"));
            std::fs::create_dir_all(&d).unwrap();
            let p = d.join("x.ndi");
            std::fs::write(&p, format!("file {i}")).unwrap();
            sources.push(p);
        }
        let placed: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = sources
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let q = &q;
                    s.spawn(move || quarantine(p, q, &format!("reason {i}")).unwrap())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(std::fs::read_to_string(q.join("x.ndi")).unwrap(), "theirs");
        let mut names = std::collections::HashSet::new();
        for (i, target) in placed.iter().enumerate() {
            assert!(
                names.insert(target.clone()),
                "{} used twice",
                target.display()
            );
            assert_eq!(
                std::fs::read_to_string(target).unwrap(),
                format!("file {i}")
            );
            assert_eq!(
                std::fs::read_to_string(reason_path(target)).unwrap(),
                format!("reason {i}")
            );
            assert!(!sources[i].exists());
        }
        // 40 files, 40 reasons, and the stranger's file.
        assert_eq!(std::fs::read_dir(&q).unwrap().count(), 81);
    }

    #[test]
    fn reasons_never_hold_terminal_controls() {
        assert_eq!(
            escape_controls("source: a\u{1b}[2J\nreason: x\ty\n", true),
            "source: a\\u{1b}[2J\nreason: x\ty\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_kept() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let name = OsStr::from_bytes(b"bad\xff.ndi");
        let source = tmp.path().join(name);
        std::fs::write(&source, "x").unwrap();
        let target = quarantine(&source, &tmp.path().join("q"), "r").unwrap();
        assert_eq!(target.file_name(), Some(name));
    }

    #[test]
    fn a_file_that_cannot_be_moved_stays_where_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("gone.ndi");
        let q = tmp.path().join("q");
        assert!(quarantine(&missing, &q, "r").is_err());
        assert_eq!(std::fs::read_dir(&q).unwrap().count(), 0);
    }
}
