//! What the binary's integration tests share: running it, reading its output, the corpora.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `ndi-tool` binary, ready for arguments.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ndi-tool"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `ndi-tool args...` to its end.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// Output bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The repository's `corpora/` folder.
pub fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora")
}

/// A path as an argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `dir`, hidden ones included, sorted (none when `dir` is missing).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Runs `ndi-tool convert INPUT --out OUT --quarantine QUARANTINE EXTRA...` to its end.
pub fn convert_quarantined(input: &Path, out: &Path, quarantine: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "convert",
        s(input),
        "--out",
        s(out),
        "--quarantine",
        s(quarantine),
    ];
    args.extend_from_slice(extra);
    run(&args)
}
