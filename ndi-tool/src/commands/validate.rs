//! `validate`: check every file, report problems one per line.

use std::io::Write;

use anyhow::Result;
use ndi_format::{Finding, InputBuffer, Reader, Record, Severity};
use rayon::prelude::*;

use crate::cli::ValidateArgs;
use crate::commands::{Outcome, pool};
use crate::inputs::{InputFile, expand};
use crate::output::line;

/// What validating one file found.
pub struct FileReport {
    /// The file.
    pub input: InputFile,
    /// The detected format, when the document got that far.
    pub format: Option<ndi_format::Format>,
    /// Every finding, errors and warnings, in document order.
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// Whether the file has no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}

/// Reads one file to its end and collects what the reader reports.
pub fn check_file(input: &InputFile, buffer: &mut InputBuffer) -> FileReport {
    let mut findings = Vec::new();
    let mut format = None;
    match Reader::from_path(&input.path, buffer) {
        Err(e) => findings.push(Finding::from(&e)),
        Ok(mut reader) => {
            format = Some(reader.format());
            let mut record = Record::default();
            let result = loop {
                match reader.read_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            findings.extend(reader.warnings().iter().map(Finding::from));
            let format_rules = matches!(
                reader.format(),
                ndi_format::Format::Npl | ndi_format::Format::Osd | ndi_format::Format::Nds
            );
            match result {
                Err(e) => findings.push(Finding::from(&e)),
                Ok(()) if format_rules => match std::fs::read(&input.path) {
                    Ok(bytes) => findings.extend(nds_format::validate(&bytes)),
                    Err(e) => findings.push(Finding::from(&ndi_format::Error::from(e))),
                },
                Ok(()) => {}
            }
            if reader.format() == ndi_format::Format::Other {
                let root = reader.header().root.to_string();
                findings.push(Finding::new(
                    Severity::Error,
                    "unknown-format",
                    format!("root element <{root}> is not one of the known formats"),
                    ndi_format::Location {
                        file: Some(input.path.clone()),
                        ..Default::default()
                    },
                ));
            }
        }
    }
    FileReport {
        input: input.clone(),
        format,
        findings,
    }
}

pub fn run(args: &ValidateArgs) -> Result<Outcome> {
    let files = expand(&args.paths)?;
    let pool = pool(args.threads)?;
    let reports: Vec<FileReport> = pool.install(|| {
        files
            .par_iter()
            .map_init(InputBuffer::new, |buffer, input| check_file(input, buffer))
            .collect()
    });
    let mut out = std::io::stdout().lock();
    let (mut invalid, mut warned) = (0usize, 0usize);
    for report in &reports {
        let valid = report.is_valid();
        if !valid {
            invalid += 1;
        } else if !report.findings.is_empty() {
            warned += 1;
        }
        if args.quiet {
            continue;
        }
        for f in &report.findings {
            if f.severity == Severity::Error || args.verbose {
                line(&mut out, &format_finding(&report.input, f))?;
            }
        }
        if valid && args.verbose {
            line(&mut out, &format!("{}: ok", report.input.path.display()))?;
        }
    }
    out.flush()?;
    if !args.quiet {
        crate::output::error_line(&format!(
            "{} files checked: {} valid, {} invalid ({} valid with warnings)",
            reports.len(),
            reports.len() - invalid,
            invalid,
            warned
        ));
    }
    Ok(if invalid == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// `path:line:column: severity: message [rule] (at element path)`.
pub fn format_finding(input: &InputFile, f: &Finding) -> String {
    let mut s = input.path.display().to_string();
    if let Some(p) = f.location.position {
        s.push_str(&format!(":{}:{}", p.line, p.column));
    }
    s.push_str(&format!(": {}: {} [{}]", f.severity, f.message, f.rule));
    if let Some(p) = f.location.position {
        s.push_str(&format!(" (byte {}", p.offset));
        if let Some(path) = &f.location.element_path {
            s.push_str(&format!(", at {path}"));
        }
        s.push(')');
    }
    s
}
