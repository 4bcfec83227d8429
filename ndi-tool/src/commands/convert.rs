//! `convert --format ndi|ndi.gz`: rewrite documents through the model, plain or gzipped.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::write::GzEncoder;
use ndi_format::{Format, InputBuffer, Reader, Record, Writer};
use rayon::prelude::*;

use crate::cli::{ConvertArgs, ConvertFormat};
use crate::commands::{Outcome, pool};
use crate::inputs::{InputFile, expand};
use crate::output::{error_line, line};

/// The file name stem without compression and format extensions.
fn stem(name: &str) -> &str {
    let name = name.strip_suffix(".gz").unwrap_or(name);
    match name.rsplit_once('.') {
        Some((stem, ext))
            if Format::ALL
                .iter()
                .any(|f| f.extension().eq_ignore_ascii_case(ext)) =>
        {
            stem
        }
        _ => name,
    }
}

/// Where the converted `input` goes.
pub fn output_path(out: &Path, input: &InputFile, format: Format, gz: bool) -> PathBuf {
    let name = input
        .relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = if gz {
        format!("{}.gz", format.extension())
    } else {
        format.extension().to_string()
    };
    let file = format!("{}.{ext}", stem(&name));
    match input.relative.parent() {
        Some(parent) => out.join(parent).join(file),
        None => out.join(file),
    }
}

/// Converts one file; the output appears atomically (written to a hidden temporary name, then
/// renamed).
fn convert_one(input: &InputFile, args: &ConvertArgs, buffer: &mut InputBuffer) -> Result<PathBuf> {
    let mut reader = Reader::from_path(&input.path, buffer)?;
    let gz = args.format == ConvertFormat::NdiGz;
    let target = output_path(&args.out, input, reader.format(), gz);
    let dir = target.parent().unwrap_or(&args.out).to_path_buf();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        target.file_name().unwrap_or_default().to_string_lossy()
    ));
    let result = (|| -> Result<()> {
        let file = BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        let header = reader.header().clone();
        let mut record = Record::default();
        if gz {
            let mut w = Writer::new(GzEncoder::new(file, flate2::Compression::default()));
            w.write_header(&header)?;
            while reader.read_record(&mut record)? {
                w.write_record(&record)?;
            }
            w.finish()?.finish()?.flush()?;
        } else {
            let mut w = Writer::new(file);
            w.write_header(&header)?;
            while reader.read_record(&mut record)? {
                w.write_record(&record)?;
            }
            w.finish()?.flush()?;
        }
        std::fs::rename(&tmp, &target)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| target)
}

pub fn run(args: &ConvertArgs) -> Result<Outcome> {
    let files = expand(&args.inputs)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let pool = pool(args.threads)?;
    let results: Vec<(InputFile, Result<PathBuf>)> = pool.install(|| {
        files
            .par_iter()
            .map_init(InputBuffer::new, |buffer, input| {
                (input.clone(), convert_one(input, args, buffer))
            })
            .collect()
    });
    let mut out = std::io::stdout().lock();
    let mut failed = 0usize;
    let mut seen = std::collections::HashSet::new();
    for (input, result) in &results {
        match result {
            Ok(target) => {
                if !seen.insert(target.clone()) {
                    failed += 1;
                    error_line(&format!(
                        "{}: error: output {} also written from another input",
                        input.path.display(),
                        target.display()
                    ));
                } else if !args.quiet {
                    line(
                        &mut out,
                        &format!("{} -> {}", input.path.display(), target.display()),
                    )?;
                }
            }
            Err(e) => {
                failed += 1;
                error_line(&format!("{}: error: {e:#}", input.path.display()));
            }
        }
    }
    out.flush()?;
    error_line(&format!(
        "{} files: {} converted, {} failed",
        results.len(),
        results.len() - failed,
        failed
    ));
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
        assert_eq!(stem("SYSTEM on PC1.ndi.gz"), "SYSTEM on PC1");
        assert_eq!(
            stem("host at 20240101T000000.mmi"),
            "host at 20240101T000000"
        );
        assert_eq!(stem("odd.name.txt"), "odd.name.txt");
        let input = InputFile {
            path: "x/a b.ndi".into(),
            relative: "sub/a b.ndi".into(),
        };
        assert_eq!(
            output_path(Path::new("out"), &input, Format::Ndi, true),
            Path::new("out/sub/a b.ndi.gz")
        );
    }
}
