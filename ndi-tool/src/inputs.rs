//! Expanding the paths a user gives into the files to process.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// One file to process, with the name it should keep in outputs.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its path relative to the folder it was found in (the file name for a file argument).
    pub relative: PathBuf,
}

/// Expands files and folders (recursively, in a stable sorted order; hidden files and
/// folders, whose names start with a dot, are skipped inside folders). A path that does not
/// exist is an error.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        if meta.is_file() {
            let name = path.file_name().map(PathBuf::from).unwrap_or_default();
            out.push(InputFile {
                path: path.clone(),
                relative: name,
            });
            continue;
        }
        if !meta.is_dir() {
            bail!("{}: not a file or folder", path.display());
        }
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()))
        {
            let entry = entry.with_context(|| format!("walking {}", path.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(path)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| entry.path().to_path_buf());
            out.push(InputFile {
                path: entry.path().to_path_buf(),
                relative,
            });
        }
    }
    Ok(out)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}
