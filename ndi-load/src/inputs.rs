//! Expanding the paths a user gives (files and folders) into the files to process: what
//! `convert`, `validate`, `diff`, an importer or a Python caller all mean by "these inputs".

use std::path::{Path, PathBuf};

/// Why the inputs could not be expanded.
#[derive(Debug, thiserror::Error)]
pub enum InputsError {
    /// A path given cannot be looked at (it does not exist, say).
    #[error("{}", path.display())]
    Path {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A folder given is also the output or quarantine folder.
    #[error(
        "{}: this folder is also the output or quarantine folder; give them a folder of their own",
        .0.display()
    )]
    FolderIsOutput(PathBuf),
    /// A path given is neither a file nor a folder (a device or a FIFO given by name).
    #[error("{}: not a file or folder", .0.display())]
    NotFileOrFolder(PathBuf),
    /// Walking a folder failed (a sub-folder that cannot be read).
    #[error("walking {}", path.display())]
    Walk {
        /// The folder given.
        path: PathBuf,
        /// Why.
        #[source]
        source: walkdir::Error,
    },
}

type Result<T, E = InputsError> = std::result::Result<T, E>;

/// One file to process, with the name it should keep in outputs.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its path relative to the folder it was found in (the file name for a file argument).
    pub relative: PathBuf,
}

/// Expands files and folders (recursively, in a stable sorted order; hidden files and
/// folders, whose names start with a dot, are skipped inside folders). Inside folders,
/// symbolic links to files are inputs (a broken link too, so that reading it reports the
/// problem), and so are devices, FIFOs and sockets (refused when read); links to folders are
/// not followed, so no folder is walked twice and no link loop is walked forever. A file
/// reached twice (given twice, or through a link) is an input once, the first time. A path that does not exist is an error.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<InputFile>> {
    expand_excluding(paths, &[])
}

/// Like [`expand`], without what is inside the folders `exclude` (a command's own output or
/// quarantine folder, which may sit inside an input folder: an earlier run's output is not
/// input).
pub fn expand_excluding(paths: &[PathBuf], exclude: &[&Path]) -> Result<Vec<InputFile>> {
    let excluded: Vec<FileId> = exclude.iter().filter_map(|p| FileId::of(p)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut push = |file: InputFile| {
        // A broken link is the link itself: kept once, and reading it says why.
        let id = FileId::of(&file.path).or_else(|| FileId::of_link(&file.path));
        if id.is_none_or(|id| seen.insert(id)) {
            out.push(file);
        }
    };
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| InputsError::Path {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() && FileId::of(path).is_some_and(|id| excluded.contains(&id)) {
            return Err(InputsError::FolderIsOutput(path.clone()));
        }
        if meta.is_file() {
            let name = path.file_name().map(PathBuf::from).unwrap_or_default();
            push(InputFile {
                path: path.clone(),
                relative: name,
            });
            continue;
        }
        if !meta.is_dir() {
            return Err(InputsError::NotFileOrFolder(path.clone()));
        }
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(is_hidden(e.path())
                        || (e.file_type().is_dir()
                            && FileId::of(e.path()).is_some_and(|id| excluded.contains(&id))))
            })
        {
            let entry = entry.map_err(|source| InputsError::Walk {
                path: path.clone(),
                source,
            })?;
            if !is_input(&entry) {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(path)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| entry.path().to_path_buf());
            push(InputFile {
                path: entry.path().to_path_buf(),
                relative,
            });
        }
    }
    Ok(out)
}

/// The bytes of a file a command reads whole (policies and schedules for their typed models,
/// catalogs and their targets), read as the readers read files ([`ndi_format::read_file`],
/// default limits): a path that is not a regular file (a folder, `/dev/zero`, a FIFO) is
/// refused before it is opened, and a file larger than the size limit with `limit-xml-bytes`
/// before it is read. The error names the file.
pub fn read_input(path: &Path) -> Result<Vec<u8>, ndi_format::Error> {
    let mut bytes = Vec::new();
    ndi_format::read_file(path, &mut bytes, &ndi_format::Limits::default())?;
    Ok(bytes)
}

/// What makes two paths the same file: device and inode where there are such, the
/// canonical path elsewhere. `None` when the path cannot be looked at (a broken link).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The identity of the link at `path` itself (not followed).
    pub fn of_link(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::symlink_metadata(path).ok()?;
            Some(FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            std::path::absolute(path).ok().map(FileId)
        }
    }

    /// The identity of the file or folder at `path` (links followed).
    pub fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path).ok()?;
            Some(FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileId)
        }
    }
}

/// Whether a folder entry is an input: anything but a folder or a link to one. A device, FIFO
/// or socket found in a folder is an input too, so that it is reported (readers refuse it
/// without opening it) rather than silently left out.
fn is_input(entry: &walkdir::DirEntry) -> bool {
    let kind = entry.file_type();
    if kind.is_dir() {
        return false;
    }
    !(kind.is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()))
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_to_files_are_inputs_and_links_to_folders_are_not_walked() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        let root = tmp.path().join("in");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(real.join("a.ndi"), "x").unwrap();
        std::fs::write(root.join("b.ndi"), "x").unwrap();
        std::os::unix::fs::symlink(real.join("a.ndi"), root.join("link.ndi")).unwrap();
        std::os::unix::fs::symlink(real.join("gone.ndi"), root.join("broken.ndi")).unwrap();
        std::os::unix::fs::symlink(&real, root.join("folder-link")).unwrap();
        // A loop: walking it would never end.
        std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
        let found: Vec<String> = expand(std::slice::from_ref(&root))
            .unwrap()
            .iter()
            .map(|f| f.relative.display().to_string())
            .collect();
        // The link and the file it points to are one input.
        assert_eq!(found, ["b.ndi", "broken.ndi", "link.ndi"]);
        let twice: Vec<String> = expand(&[root.clone(), root.join("b.ndi"), real.join("a.ndi")])
            .unwrap()
            .iter()
            .map(|f| f.relative.display().to_string())
            .collect();
        assert_eq!(twice, ["b.ndi", "broken.ndi", "link.ndi"]);
        // A broken link reached twice is one input too.
        let broken_twice = expand(&[root.clone(), root.join("sub").join("..")]).unwrap();
        assert_eq!(broken_twice.len(), 3);
        // A FIFO in a folder is an input, to be refused when read.
        let fifo = root.join("sub/pipe.ndi");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let with_fifo = expand(std::slice::from_ref(&root)).unwrap();
        assert!(with_fifo.iter().any(|f| f.path == fifo));
    }

    #[test]
    fn an_input_folder_that_is_the_output_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let err = expand_excluding(&[tmp.path().to_path_buf()], &[tmp.path()]).unwrap_err();
        assert!(err.to_string().contains("output or quarantine"), "{err}");
    }

    #[test]
    fn excluded_folders_inside_inputs_are_not_walked() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("in");
        std::fs::create_dir_all(root.join("out/hardware")).unwrap();
        std::fs::create_dir_all(root.join("bad")).unwrap();
        std::fs::write(root.join("a.ndi"), "x").unwrap();
        std::fs::write(root.join("out/hardware/part-00000.parquet"), "x").unwrap();
        std::fs::write(root.join("bad/x.ndi"), "x").unwrap();
        let found: Vec<String> = expand_excluding(
            std::slice::from_ref(&root),
            &[&root.join("out"), &root.join("bad")],
        )
        .unwrap()
        .iter()
        .map(|f| f.relative.display().to_string())
        .collect();
        assert_eq!(found, ["a.ndi"]);
    }
}
