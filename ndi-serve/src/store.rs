//! The durable incoming folder: every upload is written to a hidden temporary file in its
//! target folder, fsynced, linked to its final name without replacing anything, and the
//! folder is fsynced before success is reported.
//!
//! Layout: `ROOT/Inventories`, `ROOT/UsageData`, `ROOT/Discovery`, `ROOT/VDIaccess`,
//! `ROOT/Other` (see [`Route`]). Temporary files are named `.ndi-serve-<id>.tmp`; a crash
//! leaves only such files, and [`Store::open`] removes them.
//!
//! Everything here blocks (plain `std::fs`): the server calls it from blocking threads.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use crate::name::{self, Route};

/// Prefix of temporary files (hidden, so importers and `upload` skip them).
pub const TEMP_PREFIX: &str = ".ndi-serve-";
/// Suffix of temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Creating or opening a folder of the incoming tree failed.
    #[error("cannot prepare {path}: {source}")]
    Prepare {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Writing, syncing or linking an upload failed (a full disk, an I/O error): the
    /// temporary file is removed and nothing is visible.
    #[error("cannot store {what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// Every collision name for these bytes is taken by other bytes.
    #[error("every name for {0} is taken by different content")]
    Conflict(String),
}

impl StoreError {
    fn io(what: &'static str) -> impl FnOnce(io::Error) -> StoreError {
        move |source| StoreError::Io { what, source }
    }
}

/// Test hooks of the store.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Fail every write that would take an upload past this many bytes, as a full disk
    /// would (`ErrorKind::StorageFull`). For fault tests where no small file system can be
    /// mounted.
    pub fail_writes_after: Option<u64>,
}

/// The incoming folder.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    dirs: Vec<(Route, PathBuf, DirSync)>,
    faults: Faults,
}

/// One upload being written (see [`Store::begin`]). Dropping it without
/// [`Pending::commit`] removes its temporary file.
#[derive(Debug)]
pub struct Pending {
    file: Option<File>,
    temp: PathBuf,
    dir: PathBuf,
    sync: DirSync,
    hasher: blake3::Hasher,
    len: u64,
    fail_after: Option<u64>,
    done: bool,
}

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The name it is stored under (the requested one, or `<name>~<hex>` on a collision).
    pub name: String,
    /// Its full path.
    pub path: PathBuf,
    /// `true` when this upload created the file, `false` when identical bytes were already
    /// stored under that name (`201` vs `200`).
    pub created: bool,
    /// Its size.
    pub bytes: u64,
    /// Its BLAKE3 hash.
    pub hash: [u8; 32],
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// Creates the incoming tree under `root` when missing and removes temporary files an
    /// earlier run left (a kill). Returns the store and how many temporary files went.
    pub fn open(root: &Path, faults: Faults) -> Result<(Store, usize), StoreError> {
        let mut dirs = Vec::new();
        let mut removed = 0;
        for route in Route::ALL {
            let dir = root.join(route.folder());
            fs::create_dir_all(&dir).map_err(|source| StoreError::Prepare {
                path: dir.clone(),
                source,
            })?;
            let entries = fs::read_dir(&dir).map_err(|source| StoreError::Prepare {
                path: dir.clone(),
                source,
            })?;
            for entry in entries.flatten() {
                let n = entry.file_name();
                let n = n.to_string_lossy();
                if n.starts_with(TEMP_PREFIX)
                    && n.ends_with(TEMP_SUFFIX)
                    && fs::remove_file(entry.path()).is_ok()
                {
                    removed += 1;
                }
            }
            if removed > 0 {
                sync_dir(&dir).map_err(|source| StoreError::Prepare {
                    path: dir.clone(),
                    source,
                })?;
            }
            dirs.push((route, dir.clone(), DirSync::new(dir)));
        }
        Ok((
            Store {
                root: root.to_path_buf(),
                dirs,
                faults,
            },
            removed,
        ))
    }

    /// The incoming folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of a route.
    pub fn dir(&self, route: Route) -> &Path {
        self.dirs
            .iter()
            .find(|(r, _, _)| *r == route)
            .map_or(self.root.as_path(), |(_, d, _)| d.as_path())
    }

    /// Starts an upload into `route`'s folder. The temporary file is created by the first
    /// [`Pending::write`] (so an upload refused before its first byte touches nothing).
    pub fn begin(&self, route: Route) -> Pending {
        let (dir, sync) = self
            .dirs
            .iter()
            .find(|(r, _, _)| *r == route)
            .map(|(_, d, s)| (d.clone(), s.clone()))
            .unwrap_or_else(|| (self.root.clone(), DirSync::new(self.root.clone())));
        Pending {
            file: None,
            temp: PathBuf::new(),
            dir,
            sync,
            hasher: blake3::Hasher::new(),
            len: 0,
            fail_after: self.faults.fail_writes_after,
            done: false,
        }
    }
}

impl Pending {
    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// `true` before the first byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn file(&mut self) -> Result<&mut File, StoreError> {
        if self.file.is_none() {
            let pid = std::process::id();
            loop {
                let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos());
                let temp = self
                    .dir
                    .join(format!("{TEMP_PREFIX}{pid:x}-{n:x}-{nanos:x}{TEMP_SUFFIX}"));
                match OpenOptions::new().write(true).create_new(true).open(&temp) {
                    Ok(f) => {
                        self.temp = temp;
                        self.file = Some(f);
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(StoreError::io("create a temporary file")(e)),
                }
            }
        }
        self.file.as_mut().ok_or_else(|| StoreError::Io {
            what: "create a temporary file",
            source: io::Error::other("no file"),
        })
    }

    /// Appends bytes to the temporary file.
    pub fn write(&mut self, buf: &[u8]) -> Result<(), StoreError> {
        if let Some(limit) = self.fail_after
            && self.len + buf.len() as u64 > limit
        {
            // Create the file first so that the fault test sees its removal.
            self.file()?;
            return Err(StoreError::Io {
                what: "write",
                source: io::Error::new(io::ErrorKind::StorageFull, "injected write error"),
            });
        }
        self.file()?
            .write_all(buf)
            .map_err(StoreError::io("write"))?;
        self.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(())
    }

    /// Makes the upload durable and visible under `name` (already checked, see
    /// [`name::check`]): fsync, link without replacing, remove the temporary name, fsync
    /// the folder. The same name holding the same bytes is success without a new file;
    /// holding different bytes, the upload goes to `<name>~<hex of its hash>`.
    pub fn commit(mut self, name: &str) -> Result<Stored, StoreError> {
        self.file()?;
        let hash = *self.hasher.finalize().as_bytes();
        if let Some(f) = self.file.as_mut() {
            f.sync_all().map_err(StoreError::io("fsync"))?;
        }
        let mut candidate = name.to_owned();
        let mut digits = 8;
        let (final_name, created) = loop {
            let target = self.dir.join(&candidate);
            match fs::hard_link(&self.temp, &target) {
                Ok(()) => break (candidate, true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if same_content(&target, self.len, &hash) {
                        break (candidate, false);
                    }
                    if digits > 64 {
                        return Err(StoreError::Conflict(name.to_owned()));
                    }
                    candidate = name::collision_name(name, &hash, digits);
                    digits *= 2;
                }
                Err(e) => return Err(StoreError::io("link into place")(e)),
            }
        };
        self.done = true;
        self.file = None;
        let _ = fs::remove_file(&self.temp);
        self.sync
            .sync()
            .map_err(StoreError::io("fsync the folder"))?;
        Ok(Stored {
            path: self.dir.join(&final_name),
            name: final_name,
            created,
            bytes: self.len,
            hash,
        })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done && self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// `true` when the file at `path` has `len` bytes hashing to `hash`.
fn same_content(path: &Path, len: u64, hash: &[u8; 32]) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != len {
        return false;
    }
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    let mut h = blake3::Hasher::new();
    if io::copy(&mut f, &mut h).is_err() {
        return false;
    }
    h.finalize() == blake3::Hash::from_bytes(*hash)
}

/// fsyncs a folder.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Group commit of folder fsyncs: a caller that linked a file waits for an fsync of the
/// folder that started after its link; one fsync serves every caller waiting for it.
#[derive(Debug, Clone)]
struct DirSync(Arc<DirSyncInner>);

#[derive(Debug)]
struct DirSyncInner {
    dir: PathBuf,
    state: Mutex<SyncState>,
    cv: Condvar,
}

#[derive(Debug, Default)]
struct SyncState {
    next_ticket: u64,
    done_below: u64,
    syncing: bool,
}

impl DirSync {
    fn new(dir: PathBuf) -> DirSync {
        DirSync(Arc::new(DirSyncInner {
            dir,
            state: Mutex::new(SyncState::default()),
            cv: Condvar::new(),
        }))
    }

    fn sync(&self) -> io::Result<()> {
        let inner = &self.0;
        let mut st = inner
            .state
            .lock()
            .map_err(|_| io::Error::other("folder sync lock poisoned"))?;
        let ticket = st.next_ticket;
        st.next_ticket += 1;
        loop {
            if ticket < st.done_below {
                return Ok(());
            }
            if !st.syncing {
                st.syncing = true;
                let upto = st.next_ticket;
                drop(st);
                let r = sync_dir(&inner.dir);
                st = inner
                    .state
                    .lock()
                    .map_err(|_| io::Error::other("folder sync lock poisoned"))?;
                st.syncing = false;
                if r.is_ok() {
                    st.done_below = st.done_below.max(upto);
                }
                inner.cv.notify_all();
                r?;
                continue;
            }
            st = inner
                .cv
                .wait(st)
                .map_err(|_| io::Error::other("folder sync lock poisoned"))?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn stores_once_and_renames_different_bytes() {
        let t = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(t.path(), Faults::default()).unwrap();
        let mut p = store.begin(Route::Inventories);
        p.write(b"one").unwrap();
        let a = p.commit("a.ndi").unwrap();
        assert!(a.created);
        assert_eq!(a.name, "a.ndi");
        let mut p = store.begin(Route::Inventories);
        p.write(b"one").unwrap();
        let b = p.commit("a.ndi").unwrap();
        assert!(!b.created);
        assert_eq!(b.name, "a.ndi");
        let mut p = store.begin(Route::Inventories);
        p.write(b"two").unwrap();
        let c = p.commit("a.ndi").unwrap();
        assert!(c.created);
        let hex: String = blake3::hash(b"two").to_hex()[..8].to_owned();
        assert_eq!(c.name, format!("a.ndi~{hex}"));
        let dir = t.path().join("Inventories");
        assert_eq!(
            visible(&dir),
            vec!["a.ndi".to_owned(), format!("a.ndi~{hex}")]
        );
        assert_eq!(fs::read(dir.join("a.ndi")).unwrap(), b"one");
        assert_eq!(fs::read(dir.join(&c.name)).unwrap(), b"two");
    }

    #[test]
    fn dropped_and_failed_uploads_leave_nothing() {
        let t = tempfile::tempdir().unwrap();
        let faults = Faults {
            fail_writes_after: Some(4),
        };
        let (store, _) = Store::open(t.path(), faults).unwrap();
        let mut p = store.begin(Route::Other);
        p.write(b"abc").unwrap();
        drop(p);
        let mut p = store.begin(Route::Other);
        p.write(b"abc").unwrap();
        let e = p.write(b"de").unwrap_err();
        assert!(matches!(e, StoreError::Io { .. }));
        drop(p);
        assert!(visible(&t.path().join("Other")).is_empty());
    }

    #[test]
    fn open_removes_temporary_files_only() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("UsageData");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(".ndi-serve-1-2-3.tmp"), b"partial").unwrap();
        fs::write(dir.join("kept.mmi"), b"x").unwrap();
        fs::write(dir.join(".other"), b"x").unwrap();
        let (_, removed) = Store::open(t.path(), Faults::default()).unwrap();
        assert_eq!(removed, 1);
        assert_eq!(
            visible(&dir),
            vec![".other".to_owned(), "kept.mmi".to_owned()]
        );
        for r in Route::ALL {
            assert!(t.path().join(r.folder()).is_dir());
        }
    }

    #[test]
    fn concurrent_commits_share_folder_syncs() {
        let t = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(t.path(), Faults::default()).unwrap();
        let store = Arc::new(store);
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    let mut p = store.begin(Route::Inventories);
                    p.write(format!("doc {i}").as_bytes()).unwrap();
                    p.commit(&format!("{i}.ndi")).unwrap()
                })
            })
            .collect();
        for h in handles {
            assert!(h.join().unwrap().created);
        }
        assert_eq!(visible(&t.path().join("Inventories")).len(), 16);
    }
}
