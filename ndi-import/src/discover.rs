//! Which incoming files are complete.
//!
//! A file is complete when it is gzip and its stream decodes to its end with an intact trailer
//! (a receiver renamed it into place, or a copy finished), or when its size and modification
//! time have not changed for the settle time and, if it is gzip, its trailer is intact. A file
//! modified more than [`OLD_ENOUGH`] ago is taken as complete without decoding it. Hidden
//! names (a receiver's temporary files) are never looked at.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

/// A file unchanged for this long is complete without a gzip check.
pub const OLD_ENOUGH: Duration = Duration::from_secs(3600);

/// A file found in an incoming folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its path.
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
}

/// Whether the file starts with the gzip magic bytes.
fn is_gzip(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1f, 0x8b]
}

/// Whether every gzip member of the file decodes to its end (CRC and length trailer checked).
fn gzip_complete(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut decoder = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
    std::io::copy(&mut decoder, &mut std::io::sink()).is_ok()
}

/// Whether `path` (with `metadata`) is complete now, given the settle time.
pub fn is_complete(
    path: &Path,
    metadata: &std::fs::Metadata,
    settle: Duration,
    now: SystemTime,
) -> bool {
    let age = metadata
        .modified()
        .ok()
        .and_then(|m| now.duration_since(m).ok())
        .unwrap_or(Duration::ZERO);
    if age >= OLD_ENOUGH {
        return true;
    }
    if is_gzip(path) {
        return gzip_complete(path);
    }
    age >= settle
}

/// The complete files under `folders` (resolved to absolute paths; recursively, sorted, hidden
/// names and anything under `exclude` skipped), at most `max_files` and about `max_bytes` (at least one file).
pub fn discover(
    folders: &[PathBuf],
    exclude: &[PathBuf],
    settle: Duration,
    max_files: usize,
    max_bytes: u64,
) -> (Vec<Candidate>, usize) {
    let now = SystemTime::now();
    let mut found = Vec::new();
    // Compared as resolved paths, so that a relative incoming folder and an absolute
    // exclusion (or the other way round) still match.
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .map(|x| x.canonicalize().unwrap_or_else(|_| x.clone()))
        .collect();
    for folder in folders {
        let folder = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        let walker = walkdir::WalkDir::new(&folder)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                let excluded = exclude.iter().any(|x| e.path().starts_with(x));
                !hidden && !excluded
            });
        for entry in walker.flatten() {
            if entry.file_type().is_file() {
                found.push(entry.into_path());
            }
        }
    }
    found.sort();
    found.dedup();
    // Files up to the bounds, then their completeness checked in parallel (a gzip check reads
    // the whole file).
    let mut selected = Vec::new();
    let mut bytes = 0u64;
    for path in found {
        if selected.len() >= max_files || (!selected.is_empty() && bytes >= max_bytes) {
            break;
        }
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        bytes += metadata.len();
        selected.push((path, metadata));
    }
    let checked: Vec<Option<Candidate>> = selected
        .into_par_iter()
        .map(|(path, metadata)| {
            let complete = is_complete(&path, &metadata, settle, now);
            let size = metadata.len();
            complete.then_some(Candidate { path, size })
        })
        .collect();
    let incomplete = checked.iter().filter(|c| c.is_none()).count();
    let complete = checked.into_iter().flatten().collect();
    (complete, incomplete)
}
