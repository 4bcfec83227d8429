//! `diff`: semantic differences between two documents or two folders (the comparison itself
//! is `ndi_tool::diff`; this is reading, pairing and reporting).

use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result, anyhow, bail};
use ndi_format::InputBuffer;
use ndi_tool::diff::{Change, ChangeKind, Detail, DocumentId, Section, Snapshot, Values};
use rayon::prelude::*;

use crate::cli::DiffArgs;
use crate::commands::{Outcome, pool};
use crate::inputs::{InputFile, expand};
use crate::output::error_line;

const ADDED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const REMOVED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const CHANGED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const HEADING: Style = Style::new().bold();

/// Counts for the closing summary line.
#[derive(Debug, Default)]
struct Summary {
    /// Pairs of documents compared.
    compared: usize,
    /// Pairs that differ.
    differing: usize,
    /// Documents only in the new folder.
    only_new: usize,
    /// Documents only in the old folder.
    only_old: usize,
    folders: bool,
}

pub fn run(args: &DiffArgs) -> Result<Outcome> {
    let old_meta = std::fs::metadata(&args.old).with_context(|| args.old.display().to_string())?;
    let new_meta = std::fs::metadata(&args.new).with_context(|| args.new.display().to_string())?;
    let (changes, summary) = match (old_meta.is_dir(), new_meta.is_dir()) {
        (false, false) => diff_files(args)?,
        (true, true) => diff_folders(args)?,
        (old_dir, _) => {
            let what = |dir: bool| if dir { "folder" } else { "file" };
            bail!(
                "cannot compare a {} ({}) with a {} ({}): give two files or two folders",
                what(old_dir),
                args.old.display(),
                what(!old_dir),
                args.new.display()
            )
        }
    };
    if !args.quiet {
        let mut out = anstream::stdout().lock();
        if args.json {
            let items: Vec<serde_json::Value> = changes.iter().map(Change::to_json).collect();
            writeln!(out, "{}", serde_json::Value::Array(items))?;
        } else if !changes.is_empty() {
            writeln!(out, "{REMOVED}--- {}{REMOVED:#}", args.old.display())?;
            writeln!(out, "{ADDED}+++ {}{ADDED:#}", args.new.display())?;
            render(&mut out, &changes)?;
        }
        out.flush()?;
        error_line(&summary_line(&changes, &summary));
    }
    Ok(if changes.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

fn read(path: &Path, buffer: &mut InputBuffer, detail: Detail) -> Result<Snapshot> {
    Ok(Snapshot::from_path(path, buffer, detail)?)
}

fn diff_files(args: &DiffArgs) -> Result<(Vec<Change>, Summary)> {
    let pool = pool(args.threads)?;
    let (old, new) = pool.install(|| {
        rayon::join(
            || read(&args.old, &mut InputBuffer::new(), Detail::Records),
            || read(&args.new, &mut InputBuffer::new(), Detail::Records),
        )
    });
    let changes = ndi_tool::diff::diff(&old?, &new?);
    let summary = Summary {
        compared: 1,
        differing: usize::from(!changes.is_empty()),
        ..Summary::default()
    };
    Ok((changes, summary))
}

/// The path relative to its folder, with `/` separators.
fn relative(f: &InputFile) -> String {
    f.relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What a document only on one side looks like in a report.
fn document_change(kind: ChangeKind, file: &InputFile, id: &DocumentId) -> Change {
    let values: Values = [
        ("path".to_string(), file.path.display().to_string()),
        ("format".to_string(), id.format.name().to_string()),
        ("identity".to_string(), id.describe()),
    ]
    .into();
    let (old, new) = match kind {
        ChangeKind::Removed => (Some(values), None),
        _ => (None, Some(values)),
    };
    Change {
        kind,
        section: Section::Documents,
        key: id.relative.clone(),
        key_fields: vec![("path", id.relative.clone())],
        old,
        new,
        document: None,
    }
}

/// Reads every document of a folder for its identity; all errors are reported.
fn identify(files: &[InputFile]) -> Vec<Result<DocumentId>> {
    files
        .par_iter()
        .map_init(InputBuffer::new, |buffer, f| {
            read(&f.path, buffer, Detail::Summary).map(|s| DocumentId::new(&s, relative(f)))
        })
        .collect()
}

fn diff_folders(args: &DiffArgs) -> Result<(Vec<Change>, Summary)> {
    let old_files = expand(std::slice::from_ref(&args.old))?;
    let new_files = expand(std::slice::from_ref(&args.new))?;
    let pool = pool(args.threads)?;
    let (old_ids, new_ids) =
        pool.install(|| rayon::join(|| identify(&old_files), || identify(&new_files)));
    let mut errors = Vec::new();
    let mut collect = |ids: Vec<Result<DocumentId>>| -> Vec<DocumentId> {
        ids.into_iter()
            .filter_map(|r| r.map_err(|e| errors.push(e)).ok())
            .collect()
    };
    let old_ids = collect(old_ids);
    let new_ids = collect(new_ids);
    fail_on(errors)?;

    let pairs = ndi_tool::diff::pair_documents(&old_ids, &new_ids);
    let mut summary = Summary {
        folders: true,
        ..Summary::default()
    };
    let mut changes = Vec::new();
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for pair in &pairs {
        match *pair {
            (Some(i), Some(j)) => matched.push((i, j)),
            (Some(i), None) => {
                summary.only_old += 1;
                changes.push(document_change(
                    ChangeKind::Removed,
                    &old_files[i],
                    &old_ids[i],
                ));
            }
            (None, Some(j)) => {
                summary.only_new += 1;
                changes.push(document_change(
                    ChangeKind::Added,
                    &new_files[j],
                    &new_ids[j],
                ));
            }
            (None, None) => {}
        }
    }
    changes.sort_by(|a, b| a.key.cmp(&b.key).then(a.kind.cmp(&b.kind)));
    let label = |i: usize, j: usize| {
        let (a, b) = (&old_ids[i].relative, &new_ids[j].relative);
        if a == b {
            a.clone()
        } else {
            format!("{a} -> {b}")
        }
    };
    let results: Vec<Result<(String, Vec<Change>)>> = pool.install(|| {
        matched
            .par_iter()
            .map_init(
                || (InputBuffer::new(), InputBuffer::new()),
                |(ba, bb), &(i, j)| {
                    let old = read(&old_files[i].path, ba, Detail::Records)?;
                    let new = read(&new_files[j].path, bb, Detail::Records)?;
                    let document = label(i, j);
                    let mut changes = ndi_tool::diff::diff(&old, &new);
                    for c in &mut changes {
                        c.document = Some(document.clone());
                    }
                    Ok((document, changes))
                },
            )
            .collect()
    });
    let mut errors = Vec::new();
    let mut per_document: Vec<(String, Vec<Change>)> = results
        .into_iter()
        .filter_map(|r| r.map_err(|e| errors.push(e)).ok())
        .collect();
    fail_on(errors)?;
    per_document.sort_by(|a, b| a.0.cmp(&b.0));
    summary.compared = per_document.len();
    for (_, c) in per_document {
        summary.differing += usize::from(!c.is_empty());
        changes.extend(c);
    }
    Ok((changes, summary))
}

/// Reports every error; fails with the only one, or with a count.
fn fail_on(mut errors: Vec<anyhow::Error>) -> Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        n => {
            for e in &errors {
                error_line(&format!("ndi-tool: {e:#}"));
            }
            Err(anyhow!("{n} documents could not be read"))
        }
    }
}

fn style(kind: ChangeKind) -> Style {
    match kind {
        ChangeKind::Added => ADDED,
        ChangeKind::Removed => REMOVED,
        ChangeKind::Changed => CHANGED,
    }
}

fn quoted(v: Option<&String>) -> String {
    v.map_or_else(|| "(none)".to_string(), |v| format!("{v:?}"))
}

/// The changes as text, grouped by document and section.
fn render(out: &mut impl Write, changes: &[Change]) -> std::io::Result<()> {
    let mut document: Option<&str> = None;
    let mut section: Option<Section> = None;
    for c in changes {
        if c.document.as_deref() != document {
            document = c.document.as_deref();
            section = None;
            if let Some(d) = document {
                writeln!(out, "{HEADING}=== {d}{HEADING:#}")?;
            }
        }
        if section != Some(c.section) {
            section = Some(c.section);
            writeln!(out, "{HEADING}{}{HEADING:#}", c.section)?;
        }
        let st = style(c.kind);
        writeln!(out, "  {st}{} {}{st:#}", c.kind.marker(), c.key)?;
        match (c.kind, &c.old, &c.new) {
            (ChangeKind::Changed, old, new) => {
                for name in c.changed_attributes() {
                    let o = old.as_ref().and_then(|m| m.get(name));
                    let n = new.as_ref().and_then(|m| m.get(name));
                    writeln!(
                        out,
                        "      {name}: {REMOVED}{}{REMOVED:#} -> {ADDED}{}{ADDED:#}",
                        quoted(o),
                        quoted(n)
                    )?;
                }
            }
            (_, Some(values), _) | (_, None, Some(values)) if !values.is_empty() => {
                let text: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
                writeln!(out, "      {st}{}{st:#}", text.join(" "))?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn summary_line(changes: &[Change], s: &Summary) -> String {
    let count = |k: ChangeKind| {
        changes
            .iter()
            .filter(|c| c.kind == k && c.section != Section::Documents)
            .count()
    };
    let records = changes.len() - s.only_new - s.only_old;
    let detail = format!(
        "{} added, {} removed, {} changed",
        count(ChangeKind::Added),
        count(ChangeKind::Removed),
        count(ChangeKind::Changed)
    );
    if !s.folders {
        return if records == 0 {
            "no differences".to_string()
        } else {
            format!("{records} changes: {detail}")
        };
    }
    format!(
        "{} documents compared: {} equivalent, {} differ ({records} changes: {detail}); {} only in old, {} only in new",
        s.compared,
        s.compared - s.differing,
        s.differing,
        s.only_old,
        s.only_new
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn relative_paths_use_slashes() {
        let f = InputFile {
            path: PathBuf::from("/x/sub/a.ndi"),
            relative: PathBuf::from("sub").join("a.ndi"),
        };
        assert_eq!(relative(&f), "sub/a.ndi");
    }
}
