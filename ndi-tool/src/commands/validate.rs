//! `validate`: check every file, report each finding.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use ndi_format::rules::{check_reader, strict_warnings};
use ndi_format::tree::{ReadOnce, read_once};
use ndi_format::{DecodedText, Finding, Format, InputBuffer, Limits, Location, Reader, Severity};
use rayon::prelude::*;
use serde_json::json;

use crate::cli::ValidateArgs;
use crate::commands::{Outcome, pool};
use crate::inputs::{InputFile, expand, read_input};
use crate::output::{error_line, json_line, line};

/// What validating one file found.
pub struct FileReport {
    /// The file.
    pub input: InputFile,
    /// The detected format, when the document got that far.
    pub format: Option<Format>,
    /// Every finding, errors and warnings, in document order.
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// Whether the file has no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}

/// Reads one file to its end: reader errors and warnings, then the format's rules.
/// `targets` maps file names among the inputs to their paths, for catalog checks.
pub fn check_file(
    input: &InputFile,
    buffer: &mut InputBuffer,
    targets: &HashMap<String, Vec<PathBuf>>,
) -> FileReport {
    let mut findings = Vec::new();
    let mut format = None;
    match Reader::from_path(&input.path, buffer) {
        Err(e) => findings.push(Finding::from(&e)),
        Ok(reader) if matches!(reader.format(), Format::Npl | Format::Nds | Format::Osd) => {
            // The small formats are read once, by their own crates, which need the whole
            // document: the reader opened here only told the format.
            let f = reader.format();
            format = Some(f);
            drop(reader);
            check_small_file(&input.path, f, targets, &mut findings);
        }
        Ok(mut reader) => {
            let f = reader.format();
            format = Some(f);
            let encoding = reader.input_info().encoding.name();
            if encoding.starts_with("UTF-16") {
                findings.extend(declared_encoding_mismatch(&input.path, encoding));
            }
            findings.extend(check_reader(&mut reader).findings);
        }
    }
    if format.is_none() || findings.iter().any(|f| f.rule == "xml-syntax") {
        name_what_it_looks_like(&input.path, &mut findings);
    }
    for f in &mut findings {
        f.location.file = Some(input.path.clone());
    }
    FileReport {
        input: input.clone(),
        format,
        findings,
    }
}

/// A policy, catalog or schedule (`format`), read once: the reader's findings as for any
/// file, then, when it read without error, the format's own validator (whose findings
/// include the reader's warnings again, as warnings).
fn check_small_file(
    path: &Path,
    format: Format,
    targets: &HashMap<String, Vec<PathBuf>>,
    findings: &mut Vec<Finding>,
) {
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => return findings.push(Finding::from(&e)),
    };
    let read = read_once(&bytes);
    let report = &read.reader;
    findings.extend(strict_warnings(&report.warnings, report.warning_count));
    if let Some(e) = &report.error {
        return findings.push(Finding::from(e));
    }
    match format {
        Format::Osd => findings.extend(check_catalog(path, read, targets)),
        _ => findings.extend(nds_format::validate_read(read)),
    }
}

/// A warning when a UTF-16 file's XML declaration names another encoding (`UTF-8`, say):
/// the reader goes by the bytes, as XML says it must, but the file's producer was wrong
/// about what it wrote.
fn declared_encoding_mismatch(path: &Path, encoding: &str) -> Option<Finding> {
    let mut head = Vec::new();
    let file = std::fs::File::open(path).ok()?;
    let gzip = {
        let mut magic = [0u8; 2];
        let mut f = std::fs::File::open(path).ok()?;
        f.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b]
    };
    let _ = if gzip {
        flate2::read::MultiGzDecoder::new(file)
            .take(512)
            .read_to_end(&mut head)
    } else {
        file.take(512).read_to_end(&mut head)
    };
    // The head's text as the reader decodes it; a head cut inside a surrogate pair is
    // decoded without the pair's first half.
    let limits = Limits::default();
    let decoded = DecodedText::decode(&head, &limits)
        .or_else(|_| DecodedText::decode(&head[..head.len().saturating_sub(2)], &limits))
        .ok()?;
    let text = decoded.as_str()?;
    let declaration = &text[..text.find("?>")?];
    if !declaration.trim_start().starts_with("<?xml") {
        return None;
    }
    let at = declaration.find("encoding")?;
    let rest = declaration[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let declared = &rest[1..rest[1..].find(quote)? + 1];
    let utf16 = declared.to_ascii_uppercase().starts_with("UTF-16")
        || declared.eq_ignore_ascii_case("UCS-2");
    (!utf16).then(|| {
        Finding::new(
            Severity::Warning,
            "xml-encoding-mismatch",
            format!(
                "the XML declaration says encoding=\"{declared}\" but the file is {encoding} (read as {encoding})"
            ),
            Location::default(),
        )
    })
}

/// When a file that could not be read is not XML at all (an image, an archive, JSON), its
/// first error becomes an `unknown-format` finding saying what the file looks like, instead
/// of the XML error its bytes happened to cause first.
fn name_what_it_looks_like(path: &Path, findings: &mut [Finding]) {
    let Some(first) = findings
        .iter_mut()
        .find(|f| f.severity == Severity::Error)
        .filter(|f| ndi_load::sniff::may_explain(f.rule))
    else {
        return;
    };
    let Some(looks) = looks_like(path) else {
        return;
    };
    first.message = format!("{looks} (reading it as XML: {})", first.message);
    first.rule = "unknown-format";
}

/// What a file looks like from its first bytes ([`ndi_load::sniff::looks_like`]).
fn looks_like(path: &Path) -> Option<String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(ndi_load::sniff::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    ndi_load::sniff::looks_like(&head, &path.to_string_lossy())
}

/// A catalog's findings, checked against its target: the file its HREF names relative to
/// the catalog's folder, or else the one input of that file name (none when several inputs
/// share it: which one the catalog means cannot be told).
fn check_catalog(
    path: &Path,
    read: ReadOnce<'_>,
    targets: &HashMap<String, Vec<PathBuf>>,
) -> Vec<Finding> {
    let target = |catalog: &npl_format::Catalog| {
        let href = catalog.codebase()?.href()?.to_string();
        let relative = href.replace('\\', "/").replace("%20", " ");
        let beside = path.parent().map(|dir| dir.join(&relative));
        let target = match beside.filter(|p| p.is_file()) {
            Some(beside) => beside,
            None => {
                let name = relative.rsplit('/').next().unwrap_or(&relative);
                match targets.get(name).map(Vec::as_slice) {
                    Some([only]) => only.clone(),
                    _ => return None,
                }
            }
        };
        // A target that is not a regular file, or over the size limit, is not compared.
        read_input(&target).ok()
    };
    npl_format::check_catalog(read, target).findings
}

pub fn run(args: &ValidateArgs) -> Result<Outcome> {
    let files = expand(&args.paths)?;
    let mut targets: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for f in &files {
        if let Some(name) = f.path.file_name() {
            targets
                .entry(name.to_string_lossy().into_owned())
                .or_default()
                .push(f.path.clone());
        }
    }
    let pool = pool(args.threads)?;
    let reports: Vec<FileReport> = pool.install(|| {
        files
            .par_iter()
            .map_init(InputBuffer::new, |buffer, input| {
                check_file(input, buffer, &targets)
            })
            .collect()
    });
    let invalid = reports.iter().filter(|r| !r.is_valid()).count();
    let warned = reports
        .iter()
        .filter(|r| r.is_valid() && !r.findings.is_empty())
        .count();
    if !args.quiet {
        let mut out = std::io::stdout().lock();
        let snippets = !args.json && std::io::stdout().is_terminal();
        for report in &reports {
            if args.json {
                json_line(&mut out, &json_report(report))?;
                continue;
            }
            // The file's text, decoded once for all its snippets.
            let mut text: Option<String> = None;
            for f in &report.findings {
                if snippets {
                    let shown = match f.location.position {
                        Some(_) => text
                            .get_or_insert_with(|| {
                                display_text(&report.input.path).unwrap_or_default()
                            })
                            .as_str(),
                        None => "",
                    };
                    render_snippet(&report.input.path, shown, f)?;
                } else {
                    line(&mut out, &format_finding(&report.input, f))?;
                }
            }
            if report.is_valid() && args.verbose {
                line(&mut out, &format!("{}: ok", report.input.path.display()))?;
            }
        }
        out.flush()?;
        error_line(&format!(
            "{} checked: {} valid, {} invalid ({} valid with warnings)",
            crate::output::count(reports.len() as u64, "file", "files"),
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

/// One JSON object for `--json`.
fn json_report(report: &FileReport) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let pos = f.location.position;
            json!({
                "severity": f.severity.name(),
                "rule": f.rule,
                "message": f.message,
                "line": pos.map(|p| p.line).filter(|l| *l > 0),
                "column": pos.map(|p| p.column).filter(|c| *c > 0),
                "offset": pos.map(|p| p.offset),
                "element_path": f.location.element_path,
            })
        })
        .collect();
    json!({
        "path": report.input.path.display().to_string(),
        "format": report.format.map(Format::name),
        "valid": report.is_valid(),
        "findings": findings,
    })
}

/// `path:line:column: severity: message [rule] (byte N, at element path)`.
pub fn format_finding(input: &InputFile, f: &Finding) -> String {
    let mut s = input.path.display().to_string();
    let pos = f.location.position;
    if let Some(p) = pos.filter(|p| p.line > 0) {
        s.push_str(&format!(":{}:{}", p.line, p.column));
    }
    s.push_str(&format!(": {}: {} [{}]", f.severity, f.message, f.rule));
    let mut extra = Vec::new();
    if let Some(p) = pos {
        extra.push(format!("byte {}", p.offset));
    }
    if let Some(path) = &f.location.element_path {
        extra.push(format!("at {path}"));
    }
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    s
}

/// Longest source line shown in a snippet; a finding on a longer line (minified XML, say) is
/// printed without one, so that output stays in proportion to the findings.
const SNIPPET_LINE_MAX: usize = 1_000;

/// The line of `text` that holds byte `at`.
fn line_around(text: &str, at: usize) -> &str {
    let bytes = text.as_bytes();
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n);
    &text[start..end]
}

/// Largest text shown in snippets; beyond it a finding is printed without one.
const SNIPPET_TEXT_MAX: u64 = 64 << 20;

/// The XML text of a file as the reader saw it ([`DecodedText`]: gunzipped, transcoded,
/// without BOM), when it is at most [`SNIPPET_TEXT_MAX`] bytes and UTF-8, with control
/// characters made visible (same length, so that byte offsets still point at the same
/// characters).
fn display_text(path: &Path) -> Option<String> {
    let limits = Limits {
        max_xml_bytes: SNIPPET_TEXT_MAX,
        ..Limits::default()
    };
    let mut raw = Vec::new();
    ndi_format::read_file(path, &mut raw, &limits).ok()?;
    let text = DecodedText::decode(&raw, &limits).ok()?;
    text.as_str().map(visible_controls)
}

/// `text` with the control characters a terminal would act on replaced by characters of the
/// same UTF-8 length (`?` for C0 and DEL, `¿` for C1), tabs and line ends kept: input never
/// drives the terminal (an ESC sequence in a value could otherwise rewrite the screen).
fn visible_controls(text: &str) -> String {
    let mut chars = text.chars().peekable();
    let mut out = String::with_capacity(text.len());
    while let Some(c) = chars.next() {
        out.push(match c {
            '\t' | '\n' => c,
            // A carriage return alone ends a line in XML (and in the positions reported); on
            // a terminal it would return over the line instead.
            '\r' if chars.peek() == Some(&'\n') => c,
            '\r' => '\n',
            '\u{0}'..='\u{1f}' | '\u{7f}' => '?',
            '\u{80}'..='\u{9f}' => '\u{bf}',
            _ => c,
        });
    }
    out
}

/// A finding with the offending source line (in `text`, the file's [`display_text`]) and a
/// caret, for terminals.
fn render_snippet(path: &Path, text: &str, f: &Finding) -> Result<()> {
    use codespan_reporting::diagnostic::{Diagnostic, Label};
    use codespan_reporting::files::SimpleFile;
    use codespan_reporting::term::{self, termcolor};
    let color = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        termcolor::ColorChoice::Never
    } else {
        termcolor::ColorChoice::Auto
    };
    let mut diagnostic = match f.severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
    }
    .with_message(crate::output::escape_controls(&f.message))
    .with_code(f.rule);
    let mut notes = Vec::new();
    if let Some(p) = &f.location.element_path {
        notes.push(format!("element: {p}"));
    }
    if let Some(p) = f.location.position {
        notes.push(format!("byte offset {}", p.offset));
        let start = usize::try_from(p.offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        if (start < text.len() || (start == text.len() && !text.is_empty()))
            && line_around(text, start).len() <= SNIPPET_LINE_MAX
        {
            let mut end = (start + 1).min(text.len());
            while end < text.len() && !text.is_char_boundary(end) {
                end += 1;
            }
            let mut start = start;
            while start > 0 && !text.is_char_boundary(start) {
                start -= 1;
            }
            diagnostic = diagnostic.with_labels(vec![Label::primary((), start..end)]);
        }
    }
    // Without a source line, nothing else would name the file.
    let file_name = || {
        format!(
            "{}: {}",
            crate::output::escape_controls(&path.display().to_string()),
            crate::output::escape_controls(&f.message)
        )
    };
    if diagnostic.labels.is_empty() {
        diagnostic.message = file_name();
    }
    diagnostic = diagnostic.with_notes(notes);
    let file = SimpleFile::new(path.display().to_string(), text);
    let writer = termcolor::StandardStream::stdout(color);
    let config = term::Config::default();
    term::emit_to_write_style(&mut writer.lock(), &config, &file, &diagnostic)
        .or_else(|_| {
            // Positions past the text (an error at end of file): report without a snippet.
            let bare = Diagnostic::<()>::new(diagnostic.severity)
                .with_message(file_name())
                .with_code(f.rule)
                .with_notes(diagnostic.notes.clone());
            term::emit_to_write_style(&mut writer.lock(), &config, &file, &bare)
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_never_reaches_the_terminal_as_control_characters() {
        let text = "a\u{1b}[2Jb\u{3}\tc\u{85}d\n";
        let shown = visible_controls(text);
        assert_eq!(shown, "a?[2Jb?\tc\u{bf}d\n");
        assert_eq!(shown.len(), text.len());
        assert_eq!(visible_controls("a\rb\r\nc"), "a\nb\r\nc");
        assert_eq!(line_around("ab\ncd\nef", 4), "cd");
        assert_eq!(line_around("ab\ncd", 0), "ab");
        assert_eq!(line_around("ab\n", 3), "");
    }
}
