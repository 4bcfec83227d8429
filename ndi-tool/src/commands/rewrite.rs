//! `convert --format ndi|ndi.gz`: rewrite documents through the model, plain or gzipped.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::write::GzEncoder;
use ndi_format::{Format, InputBuffer, Reader, Record, Writer};
use ndi_load::load::quarantine::quarantine;
use rayon::prelude::*;

use crate::cli::{ConvertArgs, ConvertFormat};
use crate::commands::{Outcome, pool};
use crate::inputs::{FileId, InputFile, expand_excluding};
use crate::output::{chain, error_line, line};

/// The file name stem without compression and format extensions (kept as it is, UTF-8 or
/// not).
fn stem(name: &OsStr) -> &OsStr {
    let name = strip_extension(name, |e| e.eq_ignore_ascii_case("gz"));
    strip_extension(name, |e| {
        Format::ALL
            .iter()
            .any(|f| f.extension().eq_ignore_ascii_case(e))
    })
}

/// `name` without its extension when `ext` says it is one to drop.
fn strip_extension(name: &OsStr, ext: impl Fn(&str) -> bool) -> &OsStr {
    let path = Path::new(name);
    match (path.extension().and_then(OsStr::to_str), path.file_stem()) {
        (Some(e), Some(stem)) if ext(e) => stem,
        _ => name,
    }
}

/// Where the converted `input` goes.
pub fn output_path(out: &Path, input: &InputFile, format: Format, gz: bool) -> PathBuf {
    let name = input.relative.file_name().unwrap_or_default();
    let mut file = stem(name).to_os_string();
    file.push(".");
    file.push(format.extension());
    if gz {
        file.push(".gz");
    }
    match input.relative.parent() {
        Some(parent) => out.join(parent).join(file),
        None => out.join(file),
    }
}

/// A converted file waiting under a temporary name for its turn to appear.
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
}

/// Why an input was not converted.
enum Failure {
    /// The input is broken (it is quarantined when asked).
    Rejected(ndi_format::Error),
    /// Writing the output failed.
    Output(anyhow::Error),
}

fn output<E: Into<anyhow::Error>>(e: E) -> Failure {
    Failure::Output(e.into())
}

/// Converts input number `index` to a temporary file beside its target (a hidden name no
/// other input uses); [`run`] renames it into place, in input order.
fn convert_one(
    index: usize,
    input: &InputFile,
    args: &ConvertArgs,
    buffer: &mut InputBuffer,
) -> Result<Staged, Failure> {
    let mut reader = Reader::from_path(&input.path, buffer).map_err(Failure::Rejected)?;
    let gz = args.format == ConvertFormat::NdiGz;
    let target = output_path(&args.out, input, reader.format(), gz);
    let dir = target.parent().unwrap_or(&args.out).to_path_buf();
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("creating {}", dir.display()))
        .map_err(Failure::Output)?;
    let tmp = dir.join(format!(
        ".{}.{index}.tmp",
        target.file_name().unwrap_or_default().to_string_lossy()
    ));
    let result = (|| -> Result<(), Failure> {
        let file = BufWriter::with_capacity(1 << 16, File::create(&tmp).map_err(output)?);
        let header = reader.header().clone();
        let mut record = Record::default();
        let written = if gz {
            let mut w = Writer::new(GzEncoder::new(file, flate2::Compression::default()));
            w.write_header(&header).map_err(output)?;
            while reader.read_record(&mut record).map_err(Failure::Rejected)? {
                w.write_record(&record).map_err(output)?;
            }
            let gz = w.finish().map_err(output)?;
            gz.finish().and_then(|mut f| f.flush())
        } else {
            let mut w = Writer::new(file);
            w.write_header(&header).map_err(output)?;
            while reader.read_record(&mut record).map_err(Failure::Rejected)? {
                w.write_record(&record).map_err(output)?;
            }
            w.finish().map_err(output)?.flush()
        };
        written.map_err(output)
    })();
    match result {
        Ok(()) => Ok(Staged { tmp, target }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

pub fn run(args: &ConvertArgs) -> Result<Outcome> {
    let exclude: Vec<&Path> = std::iter::once(args.out.as_path())
        .chain(args.quarantine.as_deref())
        .collect();
    let files = expand_excluding(&args.inputs, &exclude)?;
    let input_ids: HashSet<FileId> = files.iter().filter_map(|f| FileId::of(&f.path)).collect();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    if let Some(dir) = &args.quarantine {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the quarantine folder {}", dir.display()))?;
    }
    let pool = pool(args.threads)?;
    let results: Vec<Result<Staged, Failure>> = pool.install(|| {
        files
            .par_iter()
            .enumerate()
            .map_init(InputBuffer::new, |buffer, (index, input)| {
                convert_one(index, input, args, buffer)
            })
            .collect()
    });
    // Outputs appear in input order: when two inputs map to the same name, the first wins
    // and the other is an error, whatever the thread count.
    let mut out = std::io::stdout().lock();
    let mut failed = 0usize;
    let mut output_failed = 0usize;
    let mut written: HashMap<PathBuf, &Path> = HashMap::new();
    for (input, result) in files.iter().zip(results) {
        match result {
            Ok(staged) => {
                let refused = if let Some(first) = written.get(&staged.target) {
                    Some(format!("is already written from {}", first.display()))
                } else if FileId::of(&staged.target).is_some_and(|id| input_ids.contains(&id)) {
                    Some(
                        "is an input of this run; it is not replaced (choose another --out)".into(),
                    )
                } else {
                    std::fs::rename(&staged.tmp, &staged.target)
                        .err()
                        .map(|e| format!("could not be written: {e}"))
                };
                if let Some(why) = refused {
                    failed += 1;
                    let _ = std::fs::remove_file(&staged.tmp);
                    error_line(&format!(
                        "{}: error: output {} {why}",
                        input.path.display(),
                        staged.target.display()
                    ));
                    continue;
                }
                written.insert(staged.target.clone(), &input.path);
                if !args.quiet {
                    line(
                        &mut out,
                        &format!("{} -> {}", input.path.display(), staged.target.display()),
                    )?;
                }
            }
            Err(Failure::Output(e)) => {
                failed += 1;
                output_failed += 1;
                error_line(&format!("{}: error: {}", input.path.display(), chain(&e)));
            }
            Err(Failure::Rejected(e)) => {
                failed += 1;
                error_line(&format!("{}: error: {e}", input.path.display()));
                if let Some(dir) = &args.quarantine {
                    let reason = format!("source: {}\nreason: {e}\n", input.path.display());
                    if let Err(q) = quarantine(&input.path, dir, &reason) {
                        error_line(&format!(
                            "{}: error: could not move it to the quarantine folder ({q}); it stays where it is",
                            input.path.display()
                        ));
                    }
                }
            }
        }
    }
    out.flush()?;
    error_line(&format!(
        "{}: {} converted, {} failed",
        crate::output::count(files.len() as u64, "file", "files"),
        files.len() - failed,
        failed
    ));
    if output_failed > 0 {
        anyhow::bail!("{output_failed} outputs could not be written");
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_stem() {
        let stem = |s: &str| stem(OsStr::new(s)).to_str().unwrap().to_string();
        assert_eq!(stem("SYSTEM on PC1.ndi.gz"), "SYSTEM on PC1");
        assert_eq!(
            stem("host at 20240101T000000.mmi"),
            "host at 20240101T000000"
        );
        assert_eq!(stem("odd.name.txt"), "odd.name.txt");
        assert_eq!(stem("X.NPL.GZ"), "X");
        assert_eq!(stem(".ndi"), ".ndi");
        let input = InputFile {
            path: "x/a b.ndi".into(),
            relative: "sub/a b.ndi".into(),
        };
        assert_eq!(
            output_path(Path::new("out"), &input, Format::Ndi, true),
            Path::new("out/sub/a b.ndi.gz")
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_kept() {
        use std::os::unix::ffi::OsStrExt;
        let input = InputFile {
            path: "x".into(),
            relative: OsStr::from_bytes(b"bad\xff.ndi.gz").into(),
        };
        assert_eq!(
            output_path(Path::new("o"), &input, Format::Ndi, false).as_os_str(),
            OsStr::from_bytes(b"o/bad\xff.ndi")
        );
    }
}
