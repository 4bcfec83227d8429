//! `diff`: semantic differences between two documents or two folders (the comparison itself
//! is `ndi_diff`; this is reading, pairing and reporting).
//!
//! Folders: documents are paired by identity, then by path without `.gz`
//! (`ndi_diff::path_key`). A document that cannot be read is paired by its path too; it
//! gets an error line (and a `"kind": "error"` entry with `--json`), its pair is not
//! compared, every other pair is, and the command ends with an error (exit 2).

use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result, bail};
use ndi_diff::{Change, ChangeKind, Detail, DocumentId, Section, Snapshot, Values};
use ndi_format::InputBuffer;
use rayon::prelude::*;

use crate::cli::DiffArgs;
use crate::commands::{Outcome, pool};
use crate::inputs::{InputFile, expand};
use crate::output::{error_line, escape_controls, json_line};

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
    /// Documents that could not be read (folders only; their pairs are not compared).
    unreadable: usize,
    folders: bool,
}

pub fn run(args: &DiffArgs) -> Result<Outcome> {
    let old_meta = std::fs::metadata(&args.old).with_context(|| args.old.display().to_string())?;
    let new_meta = std::fs::metadata(&args.new).with_context(|| args.new.display().to_string())?;
    // As `validate` (`inputs::expand`): a device such as /dev/zero or a FIFO is refused
    // before it is opened (the reader refuses it too, see `ndi_format::read_file`).
    for (path, meta) in [(&args.old, &old_meta), (&args.new, &new_meta)] {
        if !meta.is_file() && !meta.is_dir() {
            bail!("{}: not a file or folder", path.display());
        }
    }
    let sections = section_filter(args)?;
    let (mut changes, mut summary, unreadable, notes) = match (old_meta.is_dir(), new_meta.is_dir())
    {
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
    if let Some(keep) = &sections {
        changes.retain(|c| keep.contains(&c.section));
        summary.recount(&changes);
    }
    if !args.quiet {
        let mut out = anstream::stdout().lock();
        if args.json {
            let items: Vec<serde_json::Value> = notes
                .iter()
                .map(Note::to_json)
                .chain(changes.iter().map(Change::to_json))
                .chain(unreadable.iter().map(Unreadable::to_json))
                .collect();
            json_line(&mut out, &serde_json::Value::Array(items))?;
        } else {
            // Said first: thousands of changes between different machines or formats are
            // expected, not news.
            for n in &notes {
                writeln!(
                    out,
                    "{HEADING}note:{HEADING:#} {}",
                    escape_controls(&n.line())
                )?;
            }
        }
        if args.stat {
            let pair = format!("{} -> {}", args.old.display(), args.new.display());
            render_stat(&mut out, &changes, &pair)?;
        } else if !args.json && !changes.is_empty() {
            writeln!(out, "{REMOVED}--- {}{REMOVED:#}", args.old.display())?;
            writeln!(out, "{ADDED}+++ {}{ADDED:#}", args.new.display())?;
            render(&mut out, &changes)?;
        }
        out.flush()?;
    }
    // Errors are reported even with --quiet.
    for u in &unreadable {
        error_line(&u.line());
    }
    if !args.quiet {
        error_line(&summary_line(&changes, &summary));
    }
    if !unreadable.is_empty() {
        let n = unreadable.len();
        let noun = if n == 1 { "document" } else { "documents" };
        if summary.folders {
            bail!("{n} {noun} could not be read (the others were compared)");
        }
        bail!("{n} {noun} could not be read");
    }
    Ok(if changes.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// What a comparison found: changes, counts, documents that could not be read, notes.
type Compared = (Vec<Change>, Summary, Vec<Unreadable>, Vec<Note>);

/// Per section of one document pair: records added, removed, changed.
type SectionCounts = std::collections::BTreeMap<Section, [usize; 3]>;

/// Two files: their changes, or the one (or two) that could not be read, reported like an
/// unreadable document of a folder (an error line, an `error` entry with --json, exit 2).
fn diff_files(args: &DiffArgs) -> Result<Compared> {
    let pool = pool(args.threads)?;
    let (old, new) = pool.install(|| {
        rayon::join(
            || Snapshot::from_path(&args.old, &mut InputBuffer::new(), Detail::Records),
            || Snapshot::from_path(&args.new, &mut InputBuffer::new(), Detail::Records),
        )
    });
    match (old, new) {
        (Ok(old_snapshot), Ok(new_snapshot)) => {
            let changes = ndi_diff::diff(&old_snapshot, &new_snapshot);
            let summary = Summary {
                compared: 1,
                differing: usize::from(!changes.is_empty()),
                ..Summary::default()
            };
            let notes = mismatch(&old_snapshot, &new_snapshot)
                .map(|message| Note {
                    document: None,
                    message,
                })
                .into_iter()
                .collect();
            Ok((changes, summary, Vec::new(), notes))
        }
        (old, new) => {
            let file = |path: &Path| InputFile {
                path: path.to_path_buf(),
                relative: path.file_name().map(Into::into).unwrap_or_default(),
            };
            let mut unreadable = Vec::new();
            for (side, result, path, other) in [
                (Side::Old, old.err(), &args.old, &args.new),
                (Side::New, new.err(), &args.new, &args.old),
            ] {
                if let Some(e) = result {
                    let mut u = Unreadable::new(side, &file(path), e);
                    u.counterpart = Some(other.clone());
                    unreadable.push(u);
                }
            }
            let summary = Summary {
                unreadable: unreadable.len(),
                ..Summary::default()
            };
            Ok((Vec::new(), summary, unreadable, Vec::new()))
        }
    }
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

/// Which folder a document is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Old,
    New,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// A document of a folder that could not be read. It is reported, and the document it was
/// paired with (if any) is not compared; the other documents are.
#[derive(Debug)]
struct Unreadable {
    /// The folder it is in.
    side: Side,
    /// Its path relative to that folder.
    relative: String,
    /// Its path.
    path: std::path::PathBuf,
    /// Why it could not be read: position, element path and rule.
    error: ndi_format::Error,
    /// The document it was paired with in the other folder, which was not compared.
    counterpart: Option<std::path::PathBuf>,
}

impl Unreadable {
    fn new(side: Side, file: &InputFile, error: ndi_format::Error) -> Self {
        let error = if error.location().file.is_none() {
            error.with_file(&file.path)
        } else {
            error
        };
        Unreadable {
            side,
            relative: relative(file),
            path: file.path.clone(),
            error,
            counterpart: None,
        }
    }

    /// One line for stderr: the error with its file, position, element path and rule.
    fn line(&self) -> String {
        match &self.counterpart {
            Some(other) => format!(
                "ndi-tool: {}; not compared with {}",
                self.error,
                other.display()
            ),
            None => format!("ndi-tool: {}", self.error),
        }
    }

    /// The entry of `--json` output: `kind` `error`, section `documents`, `key` (the relative
    /// path), `side`, `path`, `rule`, `message`, `line`, `column`, `offset`,
    /// `element_path`, and `not_compared_with` (the counterpart's path or null).
    fn to_json(&self) -> serde_json::Value {
        let location = self.error.location();
        let pos = location.position;
        serde_json::json!({
            "kind": "error",
            "section": Section::Documents.name(),
            "key": self.relative,
            "side": self.side.name(),
            "path": self.path.display().to_string(),
            "rule": self.error.rule(),
            "message": self.error.message(),
            "line": pos.map(|p| p.line).filter(|l| *l > 0),
            "column": pos.map(|p| p.column).filter(|c| *c > 0),
            "offset": pos.map(|p| p.offset),
            "element_path": location.element_path,
            "not_compared_with": self.counterpart.as_ref().map(|p| p.display().to_string()),
        })
    }
}

/// Reads every document of a folder for its identity. A document that cannot be read keeps
/// its path as identity (so it pairs with its counterpart) and its error.
fn identify(files: &[InputFile]) -> Vec<(DocumentId, Option<ndi_format::Error>)> {
    files
        .par_iter()
        .map_init(InputBuffer::new, |buffer, f| {
            match Snapshot::from_path(&f.path, buffer, Detail::Summary) {
                Ok(s) => (DocumentId::new(&s, relative(f)), None),
                Err(e) => (DocumentId::unreadable(relative(f)), Some(e)),
            }
        })
        .collect()
}

/// The changes between two folders, and the documents that could not be read.
fn diff_folders(args: &DiffArgs) -> Result<Compared> {
    let old_files = expand(std::slice::from_ref(&args.old))?;
    let new_files = expand(std::slice::from_ref(&args.new))?;
    let pool = pool(args.threads)?;
    let (old_read, new_read) =
        pool.install(|| rayon::join(|| identify(&old_files), || identify(&new_files)));
    let (old_ids, mut old_errors): (Vec<DocumentId>, Vec<Option<ndi_format::Error>>) =
        old_read.into_iter().unzip();
    let (new_ids, mut new_errors): (Vec<DocumentId>, Vec<Option<ndi_format::Error>>) =
        new_read.into_iter().unzip();

    let pairs = ndi_diff::pair_documents(&old_ids, &new_ids);
    let mut summary = Summary {
        folders: true,
        ..Summary::default()
    };
    let mut changes = Vec::new();
    let mut unreadable = Vec::new();
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for pair in &pairs {
        let old_error = pair.0.and_then(|i| old_errors[i].take());
        let new_error = pair.1.and_then(|j| new_errors[j].take());
        let failed = old_error.is_some() || new_error.is_some();
        if let (Some(i), Some(e)) = (pair.0, old_error) {
            let mut u = Unreadable::new(Side::Old, &old_files[i], e);
            u.counterpart = pair.1.map(|j| new_files[j].path.clone());
            unreadable.push(u);
        }
        if let (Some(j), Some(e)) = (pair.1, new_error) {
            let mut u = Unreadable::new(Side::New, &new_files[j], e);
            u.counterpart = pair.0.map(|i| old_files[i].path.clone());
            unreadable.push(u);
        }
        if failed {
            continue;
        }
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
    type PairResult = std::result::Result<(String, Vec<Change>, Option<String>), Vec<Unreadable>>;
    let results: Vec<PairResult> = pool.install(|| {
        matched
            .par_iter()
            .map_init(
                || (InputBuffer::new(), InputBuffer::new()),
                |(ba, bb), &(i, j)| {
                    let (of, nf) = (&old_files[i], &new_files[j]);
                    let old = Snapshot::from_path(&of.path, ba, Detail::Records);
                    let new = Snapshot::from_path(&nf.path, bb, Detail::Records);
                    match (old, new) {
                        (Ok(old), Ok(new)) => {
                            let document = label(i, j);
                            let mut changes = ndi_diff::diff(&old, &new);
                            for c in &mut changes {
                                c.document = Some(document.clone());
                            }
                            Ok((document, changes, mismatch(&old, &new)))
                        }
                        (old, new) => {
                            let mut failed = Vec::new();
                            if let Err(e) = old {
                                let mut u = Unreadable::new(Side::Old, of, e);
                                u.counterpart = Some(nf.path.clone());
                                failed.push(u);
                            }
                            if let Err(e) = new {
                                let mut u = Unreadable::new(Side::New, nf, e);
                                u.counterpart = Some(of.path.clone());
                                failed.push(u);
                            }
                            Err(failed)
                        }
                    }
                },
            )
            .collect()
    });
    let mut per_document: Vec<(String, Vec<Change>, Option<String>)> = Vec::new();
    for r in results {
        match r {
            Ok(d) => per_document.push(d),
            Err(failed) => unreadable.extend(failed),
        }
    }
    per_document.sort_by(|a, b| a.0.cmp(&b.0));
    summary.compared = per_document.len();
    let mut notes = Vec::new();
    for (document, c, note) in per_document {
        summary.differing += usize::from(!c.is_empty());
        changes.extend(c);
        if let Some(message) = note {
            notes.push(Note {
                document: Some(document),
                message,
            });
        }
    }
    unreadable.sort_by(|a, b| a.relative.cmp(&b.relative).then(a.side.cmp(&b.side)));
    summary.unreadable = unreadable.len();
    Ok((changes, summary, unreadable, notes))
}

impl Summary {
    /// The counts again after `changes` were filtered by section.
    fn recount(&mut self, changes: &[Change]) {
        let documents = |kind| {
            changes
                .iter()
                .filter(|c| c.section == Section::Documents && c.kind == kind)
                .count()
        };
        self.only_old = documents(ChangeKind::Removed);
        self.only_new = documents(ChangeKind::Added);
        if self.folders {
            let differing: std::collections::BTreeSet<Option<&str>> = changes
                .iter()
                .filter(|c| c.section != Section::Documents)
                .map(|c| c.document.as_deref())
                .collect();
            self.differing = differing.len();
        } else {
            self.differing = usize::from(!changes.is_empty());
        }
    }
}

/// The sections `--only` keeps or `--ignore` leaves out, as the set to keep (`None`: all).
fn section_filter(args: &DiffArgs) -> Result<Option<Vec<Section>>> {
    let parse = |names: &[String]| -> Result<Vec<Section>> {
        names
            .iter()
            .map(|n| {
                Section::ALL
                    .into_iter()
                    .find(|s| s.name() == n.trim())
                    .ok_or_else(|| {
                        let known: Vec<&str> = Section::ALL.iter().map(|s| s.name()).collect();
                        anyhow::anyhow!("unknown section {n:?}: one of {}", known.join(", "))
                    })
            })
            .collect()
    };
    if !args.only.is_empty() {
        return Ok(Some(parse(&args.only)?));
    }
    if !args.ignore.is_empty() {
        let ignored = parse(&args.ignore)?;
        return Ok(Some(
            Section::ALL
                .into_iter()
                .filter(|s| !ignored.contains(s))
                .collect(),
        ));
    }
    Ok(None)
}

/// Something the reader of a diff should know before its changes: the two documents are not
/// two states of one thing.
#[derive(Debug)]
struct Note {
    /// The document pair (folders), as in the changes' `document`.
    document: Option<String>,
    /// What is the matter.
    message: String,
}

impl Note {
    fn line(&self) -> String {
        match &self.document {
            Some(d) => format!("{d}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// The `--json` entry: `kind` `note`, `section` `documents`, `document`, `message`.
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": "note",
            "section": Section::Documents.name(),
            "document": self.document,
            "message": self.message,
        })
    }
}

/// Why `old` and `new` are not two states of one document, if they are not: different
/// formats, or different machines (their strongest device key that both have differs).
fn mismatch(old: &Snapshot, new: &Snapshot) -> Option<String> {
    if old.format() != new.format() {
        return Some(format!(
            "different formats ({} and {}): most of the changes below are the formats' differences",
            old.format().name(),
            new.format().name()
        ));
    }
    let (a, b) = (DocumentId::new(old, ""), DocumentId::new(new, ""));
    ndi_diff::IdentityKind::ALL
        .into_iter()
        .filter(|k| *k != ndi_diff::IdentityKind::RelativePath)
        // The strongest key both have decides (a serial number may change with a board).
        .find_map(|kind| Some((kind, a.key(kind)?, b.key(kind)?)))
        .filter(|(_, x, y)| x != y)
        .map(|(kind, x, y)| {
            format!(
                "different machines ({} {x} and {y}): most of the changes below are the machines' differences",
                kind.name()
            )
        })
}

/// `--stat`: one line per document pair with records added, removed and changed per section.
/// `pair` names the documents of a two-file diff.
fn render_stat(out: &mut impl Write, changes: &[Change], pair: &str) -> std::io::Result<()> {
    let mut per_document: Vec<(Option<&str>, SectionCounts)> = Vec::new();
    for c in changes {
        // A document on one side only is named by its path.
        let document = match c.section {
            Section::Documents => Some(c.key.as_str()),
            _ => c.document.as_deref(),
        };
        if per_document.last().is_none_or(|(d, _)| *d != document) {
            per_document.push((document, Default::default()));
        }
        if let Some((_, sections)) = per_document.last_mut() {
            let counts = sections.entry(c.section).or_default();
            counts[match c.kind {
                ChangeKind::Added => 0,
                ChangeKind::Removed => 1,
                ChangeKind::Changed => 2,
            }] += 1;
        }
    }
    for (document, sections) in per_document {
        let parts: Vec<String> = sections
            .iter()
            .map(|(section, [a, r, c])| {
                if *section == Section::Documents {
                    if *a > 0 {
                        "only in new".to_string()
                    } else {
                        "only in old".to_string()
                    }
                } else {
                    format!("{section} {ADDED}+{a}{ADDED:#} {REMOVED}-{r}{REMOVED:#} {CHANGED}~{c}{CHANGED:#}")
                }
            })
            .collect();
        let name = document.unwrap_or(pair);
        writeln!(out, "{}  {}", escape_controls(name), parts.join(", "))?;
    }
    Ok(())
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
                writeln!(out, "{HEADING}=== {}{HEADING:#}", escape_controls(d))?;
            }
        }
        if section != Some(c.section) {
            section = Some(c.section);
            writeln!(out, "{HEADING}{}{HEADING:#}", c.section)?;
        }
        let st = style(c.kind);
        // Keys and attribute names come from the files: never let them drive the terminal.
        let key = escape_controls(&c.key);
        writeln!(out, "  {st}{} {key}{st:#}", c.kind.marker())?;
        match (c.kind, &c.old, &c.new) {
            (ChangeKind::Changed, old, new) => {
                for name in c.changed_attributes() {
                    let o = old.as_ref().and_then(|m| m.get(name));
                    let n = new.as_ref().and_then(|m| m.get(name));
                    writeln!(
                        out,
                        "      {}: {REMOVED}{}{REMOVED:#} -> {ADDED}{}{ADDED:#}",
                        escape_controls(name),
                        quoted(o),
                        quoted(n)
                    )?;
                }
            }
            (_, Some(values), _) | (_, None, Some(values)) if !values.is_empty() => {
                let text: Vec<String> = values
                    .iter()
                    .map(|(k, v)| format!("{}={v:?}", escape_controls(k)))
                    .collect();
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
        return if s.unreadable > 0 {
            "not compared".to_string()
        } else if records == 0 {
            "no differences".to_string()
        } else {
            format!(
                "{}: {detail}",
                crate::output::count(records as u64, "change", "changes")
            )
        };
    }
    let mut line = format!(
        "{} documents compared: {} equivalent, {} differ ({records} changes: {detail}); {} only in old, {} only in new",
        s.compared,
        s.compared - s.differing,
        s.differing,
        s.only_old,
        s.only_new
    );
    if s.unreadable > 0 {
        line.push_str(&format!("; {} could not be read", s.unreadable));
    }
    line
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
