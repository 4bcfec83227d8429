//! Which incoming files are complete, without reading them whole.
//!
//! A plain file is complete when its size and modification time have not changed for the
//! settle time (it was modified at least that long ago). A gzip file is taken at once when its
//! header is a gzip header and the length in its trailer is one deflate can give for its size
//! (a receiver renames complete files into place; a file cut off mid-write fails this check
//! almost always), and otherwise once it is settled. A file modified more than
//! [`OLD_ENOUGH`] ago is taken as it is. Hidden names (a receiver's temporary files) are never
//! looked at.
//!
//! Whether a gzip stream really ends with its trailer is only known by inflating it, which the
//! loader does anyway: a claimed gzip file whose stream turns out cut short (or broken while it
//! is younger than the settle time) is put back where it came from before anything of its run
//! is committed, never quarantined, and is left alone while it stays unchanged
//! ([`Released`]). See `docs/TABLES.md`, "Incomplete files".

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

/// A file unchanged for this long is taken as it is: a gzip file cut short that old is not
/// being written any more, and is rejected (quarantined) when loaded.
pub const OLD_ENOUGH: Duration = Duration::from_secs(3600);

/// The most deflate inflates one byte to (a run of 258 bytes per bit pair, about 1032:1).
const MAX_DEFLATE_RATIO: u64 = 1032;

/// The smallest gzip file: a 10-byte header, an empty deflate block and the 8-byte trailer.
const MIN_GZIP_BYTES: u64 = 20;

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

/// The cheap check of a gzip file of `len` bytes: a gzip header (magic, deflate, no reserved
/// flag) and a trailer whose length (ISIZE, the inflated size modulo 2^32) deflate can reach
/// from `len` bytes. The last bytes of a file cut mid-write are compressed data, whose value
/// as a length is about uniform: for a file of 80 kB it passes with a chance of 2 %. It never
/// fails a complete file (nor the last member of a multi-member one). Two small reads.
fn gzip_trailer_plausible(path: &Path, len: u64) -> bool {
    if len < MIN_GZIP_BYTES {
        return false;
    }
    let read = || -> std::io::Result<([u8; 4], [u8; 8])> {
        let mut file = File::open(path)?;
        let mut header = [0u8; 4];
        file.read_exact(&mut header)?;
        let mut trailer = [0u8; 8];
        file.seek(SeekFrom::Start(len - 8))?;
        file.read_exact(&mut trailer)?;
        Ok((header, trailer))
    };
    let Ok((header, trailer)) = read() else {
        return false;
    };
    let header_ok = header[..3] == [0x1f, 0x8b, 8] && header[3] & 0xe0 == 0;
    let isize = u64::from(u32::from_le_bytes([
        trailer[4], trailer[5], trailer[6], trailer[7],
    ]));
    // Past 4 GiB of possible output the length wraps and says nothing.
    let most = len.saturating_mul(MAX_DEFLATE_RATIO);
    header_ok && (most > u64::from(u32::MAX) || isize <= most)
}

/// How a gzip stream ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GzipEnd {
    /// Every member inflates to its end and matches its trailer.
    Complete,
    /// The bytes stop before the end of a member (a file still being written).
    CutShort,
    /// Inflating fails before the bytes end, or a trailer does not match.
    Broken,
}

/// How the gzip stream of `bytes` ends (inflates it: used only for files the loader rejected).
pub(crate) fn gzip_end(bytes: &[u8]) -> GzipEnd {
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes);
    match std::io::copy(&mut decoder, &mut std::io::sink()) {
        Ok(_) => GzipEnd::Complete,
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => GzipEnd::CutShort,
        Err(_) => GzipEnd::Broken,
    }
}

/// Whether a claimed file the loader rejected is one still being written, to be put back
/// rather than quarantined: gzip whose stream is cut short and younger than [`OLD_ENOUGH`],
/// or broken and younger than the settle time (a writer may fill a file it made full-size).
/// Returns how long it stays left alone while unchanged (from its modification time).
pub(crate) fn still_being_written(
    bytes: &[u8],
    age: Duration,
    settle: Duration,
) -> Option<Duration> {
    if bytes.len() < 2 || bytes[..2] != [0x1f, 0x8b] {
        return None;
    }
    match gzip_end(bytes) {
        GzipEnd::Complete => None,
        GzipEnd::CutShort => (age < OLD_ENOUGH).then_some(OLD_ENOUGH),
        GzipEnd::Broken => (age < settle).then_some(settle),
    }
}

/// Files put back into an incoming folder because they were still being written: each is left
/// alone while its size and modification time stay what they were when it was put back,
/// until it is as old as its entry says ([`OLD_ENOUGH`] for a file cut short, the settle
/// time for a broken one). Kept in memory: after a restart such a file is claimed (and put
/// back) once more.
#[derive(Debug, Default, Clone)]
pub struct Released {
    files: HashMap<PathBuf, Held>,
}

/// What a file put back looked like, and until what age it is left alone.
#[derive(Debug, Clone)]
struct Held {
    len: u64,
    modified: Option<SystemTime>,
    until: Duration,
}

impl Held {
    /// Whether a file now with `metadata` is still to be left alone.
    fn holds(&self, metadata: &std::fs::Metadata, now: SystemTime) -> bool {
        self.len == metadata.len()
            && self.modified == metadata.modified().ok()
            && age_of(metadata, now) < self.until
    }
}

impl Released {
    /// Nothing put back.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `path` (with `metadata`) was put back, left alone while unchanged until
    /// its modification time is `until` old.
    pub fn record(&mut self, path: PathBuf, metadata: &std::fs::Metadata, until: Duration) {
        let held = Held {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            until,
        };
        self.files.insert(path, held);
    }

    /// Whether `path` (now with `metadata`) is to be left alone.
    fn holds(&self, path: &Path, metadata: &std::fs::Metadata, now: SystemTime) -> bool {
        self.files.get(path).is_some_and(|h| h.holds(metadata, now))
    }

    /// Forgets files that are gone, changed or old enough to be taken.
    fn prune(&mut self, now: SystemTime) {
        self.files.retain(|path, held| {
            std::fs::symlink_metadata(path).is_ok_and(|m| held.holds(&m, now))
        });
    }

    /// Number of files held.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is held.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// How long ago the file was modified (zero when unknown or in the future).
fn age_of(metadata: &std::fs::Metadata, now: SystemTime) -> Duration {
    metadata
        .modified()
        .ok()
        .and_then(|m| now.duration_since(m).ok())
        .unwrap_or(Duration::ZERO)
}

/// Whether `path` (with `metadata`) is complete now, given the settle time (see the module
/// documentation): reads at most a few bytes at its start and its last 8.
pub fn is_complete(
    path: &Path,
    metadata: &std::fs::Metadata,
    settle: Duration,
    now: SystemTime,
) -> bool {
    let age = age_of(metadata, now);
    if age >= OLD_ENOUGH || age >= settle {
        return true;
    }
    is_gzip(path) && gzip_trailer_plausible(path, metadata.len())
}

/// The complete files under `folders` (resolved to absolute paths; recursively, sorted, hidden
/// names and anything under `exclude` skipped, files `released` holds left alone), at most
/// `max_files` and about `max_bytes` (at least one file), and how many were left alone.
pub fn discover(
    folders: &[PathBuf],
    exclude: &[PathBuf],
    settle: Duration,
    max_files: usize,
    max_bytes: u64,
    released: &mut Released,
) -> (Vec<Candidate>, usize) {
    let now = SystemTime::now();
    released.prune(now);
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
    // Files up to the bounds, then their completeness checked in parallel.
    let mut selected = Vec::new();
    let mut held = 0;
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
        if released.holds(&path, &metadata, now) {
            held += 1;
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
    let incomplete = held + checked.iter().filter(|c| c.is_none()).count();
    let complete = checked.into_iter().flatten().collect();
    (complete, incomplete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn text(n: usize) -> Vec<u8> {
        let mut out = b"<Inventory>".to_vec();
        for i in 0..n {
            out.extend_from_slice(format!("<P N=\"{i}\" V=\"{}\"/>", i * 7919 % 1000).as_bytes());
        }
        out.extend_from_slice(b"</Inventory>");
        out
    }

    #[test]
    fn how_a_gzip_stream_ends() {
        let gz = gzip(&text(2000));
        assert_eq!(gzip_end(&gz), GzipEnd::Complete);
        for cut in [11, gz.len() / 3, gz.len() - 9, gz.len() - 1] {
            assert_eq!(gzip_end(&gz[..cut]), GzipEnd::CutShort, "cut at {cut}");
        }
        let mut bad_crc = gz.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 0xff;
        assert_eq!(gzip_end(&bad_crc), GzipEnd::Broken);
        // A file made full-size and not filled yet.
        let mut zeros = gz.clone();
        zeros[12..].fill(0);
        assert_eq!(gzip_end(&zeros), GzipEnd::Broken);
    }

    #[test]
    fn a_complete_gzip_passes_the_cheap_check_and_cut_ones_mostly_fail() {
        let dir = tempfile::tempdir().unwrap();
        let gz = gzip(&text(20_000));
        let path = dir.path().join("a.gz");
        std::fs::write(&path, &gz).unwrap();
        assert!(gzip_trailer_plausible(&path, gz.len() as u64));
        // Two members: the trailer is the last member's.
        let mut two = gz.clone();
        two.extend_from_slice(&gzip(b"<a/>"));
        std::fs::write(&path, &two).unwrap();
        assert!(gzip_trailer_plausible(&path, two.len() as u64));
        let mut passed = 0;
        let cuts: Vec<usize> = (1..200).map(|i| gz.len() * i / 200).collect();
        for &cut in &cuts {
            std::fs::write(&path, &gz[..cut]).unwrap();
            passed += usize::from(gzip_trailer_plausible(&path, cut as u64));
        }
        assert!(
            passed < cuts.len() / 10,
            "{passed} of {} cuts passed",
            cuts.len()
        );
        std::fs::write(&path, b"plain text, long enough to have a trailer").unwrap();
        assert!(!gzip_trailer_plausible(&path, 42));
    }

    #[test]
    fn only_gzip_cut_short_or_broken_while_young_is_still_being_written() {
        let gz = gzip(&text(500));
        let settle = Duration::from_secs(10);
        let young = Duration::from_secs(1);
        let settled = Duration::from_secs(60);
        let cut = &gz[..gz.len() / 2];
        assert_eq!(still_being_written(cut, young, settle), Some(OLD_ENOUGH));
        assert_eq!(still_being_written(cut, settled, settle), Some(OLD_ENOUGH));
        assert_eq!(still_being_written(cut, OLD_ENOUGH, settle), None);
        let mut broken = gz.clone();
        broken[12..].fill(0);
        assert_eq!(still_being_written(&broken, young, settle), Some(settle));
        assert_eq!(still_being_written(&broken, settled, settle), None);
        assert_eq!(still_being_written(&gz, young, settle), None);
        assert_eq!(still_being_written(&text(10)[..20], young, settle), None);
    }
}
