//! Exactly once: the demo corpus imported, dropped again (all duplicates: a `documents` row
//! each naming the file loaded, no other row), files still being written left alone or put
//! back and imported once complete, broken ones quarantined.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ndi_delta::{DeltaRoot, RootOptions};
use ndi_import::audit::DocumentRow;
use ndi_import::{Finish, ImportOptions, Importer};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora/demo")
}

fn copy_demo(to: &Path, prefix: &str) -> usize {
    std::fs::create_dir_all(to).unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(demo()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            // Under a hidden name first, as a receiver does: never seen half-written.
            let hidden = to.join(format!(".{name}.part"));
            std::fs::copy(entry.path(), &hidden).unwrap();
            std::fs::rename(&hidden, to.join(name)).unwrap();
            n += 1;
        }
    }
    n
}

/// A temporary folder (removed when dropped) with an empty incoming folder and the path of a
/// root not created yet.
fn folders() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    std::fs::create_dir_all(&incoming).unwrap();
    let root = dir.path().join("lake");
    (dir, incoming, root)
}

fn options(root: &Path, incoming: &Path) -> ImportOptions {
    let mut options = ImportOptions::new(root, vec![incoming.to_path_buf()]);
    options.settle = Duration::ZERO;
    options.loaded_at = Some(1_765_000_000);
    options
}

/// Rows per document id of every table, read from the files the latest versions reference.
fn rows_by_document(root: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    let root = DeltaRoot::open(root, RootOptions::default()).unwrap();
    ndi_import::audit::rows_by_document(&root).unwrap()
}

/// Every `documents` row, sorted.
fn document_rows(root: &Path) -> Vec<DocumentRow> {
    let root = DeltaRoot::open(root, RootOptions::default()).unwrap();
    ndi_import::audit::document_rows(&root).unwrap()
}

/// The file name of a `source_path`.
fn name_of(source: &str) -> String {
    Path::new(source)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir_names(dir);
    out.sort();
    out
}

fn walkdir_names(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(walkdir_names(&entry.path()));
        } else {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn the_same_files_dropped_again_are_duplicates_with_only_their_documents_rows() {
    let (_dir, incoming, root) = folders();
    let n = copy_demo(&incoming, "");
    let mut importer =
        Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    let first = importer.pass().unwrap();
    assert_eq!(first.run, 1);
    assert_eq!(first.total_files(), n as u64);
    assert_eq!(first.files.get("duplicate"), None);
    assert!(std::fs::read_dir(&incoming).unwrap().next().is_none());
    let after_first = rows_by_document(&root);
    assert_eq!(after_first["documents"].len(), n);
    assert!(after_first["documents"].values().all(|&c| c == 1));
    assert!(after_first["hardware"].values().sum::<u64>() > 0);

    // The same bytes under other names: every one a duplicate, with only its `documents` row
    // naming the file loaded, as `convert` writes it.
    copy_demo(&incoming, "again-");
    let second = importer.pass().unwrap();
    assert_eq!(second.files.get("duplicate"), Some(&(n as u64)));
    assert_eq!(second.total_files(), n as u64);
    assert_eq!(second.rows.get("documents"), Some(&(n as u64)));
    let mut after_second = rows_by_document(&root);
    let documents = after_second.remove("documents").unwrap();
    let mut expected = after_first.clone();
    assert!(documents.values().all(|&c| c == 2));
    assert_eq!(
        documents.keys().collect::<Vec<_>>(),
        expected
            .remove("documents")
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    assert_eq!(after_second, expected);
    let rows = document_rows(&root);
    let originals: BTreeMap<&str, &DocumentRow> = rows
        .iter()
        .filter(|r| r.status != "duplicate")
        .map(|r| (r.document_id.as_str(), r))
        .collect();
    assert_eq!(originals.len(), n);
    for row in rows.iter().filter(|r| r.status == "duplicate") {
        assert!(name_of(&row.source_path).starts_with("again-"), "{row:?}");
        let original = originals[row.document_id.as_str()];
        assert_eq!(
            row.duplicate_of.as_deref(),
            Some(original.source_path.as_str())
        );
        assert!(original.duplicate_of.is_none());
    }
    assert_eq!(rows.len(), 2 * n);
    // Both generations are in the processed folder, once each.
    let processed = files_under(&root.join("_processed"));
    assert_eq!(processed.len(), 2 * n);
    // Nothing left to do.
    assert_eq!(importer.pass().unwrap().total_files(), 0);
    // The history carries the run summary.
    let history = importer
        .root()
        .open_table("documents")
        .unwrap()
        .history()
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.txns.get(ndi_import::IMPORT_APP_ID), Some(&2));
    assert_eq!(
        last.metrics.get("ndiFiles.duplicate").map(String::as_str),
        Some(&*n.to_string())
    );
    // A new importer (index read from the table) finds the same originals.
    let mut again =
        Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    copy_demo(&incoming, "third-");
    assert_eq!(
        again.pass().unwrap().files.get("duplicate"),
        Some(&(n as u64))
    );
    let rows = document_rows(&root);
    assert_eq!(rows.len(), 3 * n);
    for row in rows
        .iter()
        .filter(|r| name_of(&r.source_path).starts_with("third-"))
    {
        assert_eq!(row.status, "duplicate");
        assert_eq!(
            row.duplicate_of.as_deref(),
            Some(originals[row.document_id.as_str()].source_path.as_str())
        );
    }
}

#[test]
fn a_file_still_being_written_is_left_alone_and_imported_once_complete() {
    let (_dir, incoming, root) = folders();
    let gz = std::fs::read(demo().join("SYSTEM on LT1970941.ndi.gz")).unwrap();
    let plain = std::fs::read(demo().join("SYSTEM on PC-CTRL.ndi")).unwrap();
    let mut options = options(&root, &incoming);
    options.settle = Duration::from_secs(2);
    options.finish = Finish::Delete;
    let mut importer = Importer::open(&root, RootOptions::default(), options).unwrap();

    // Half of each written: the gzip has no trailer, the plain file is younger than the
    // settle time.
    let gz_path = incoming.join("upload.ndi.gz");
    let plain_path = incoming.join("upload.ndi");
    let mut gz_file = std::fs::File::create(&gz_path).unwrap();
    gz_file.write_all(&gz[..gz.len() / 2]).unwrap();
    gz_file.flush().unwrap();
    let mut plain_file = std::fs::File::create(&plain_path).unwrap();
    plain_file.write_all(&plain[..plain.len() / 2]).unwrap();
    plain_file.flush().unwrap();
    let pass = importer.pass().unwrap();
    assert_eq!(pass.total_files(), 0);
    assert_eq!(pass.incomplete, 2);
    assert!(gz_path.exists() && plain_path.exists());

    // The gzip completes: taken at once (its trailer is there); the plain file only after it
    // has not changed for the settle time.
    gz_file.write_all(&gz[gz.len() / 2..]).unwrap();
    gz_file.sync_all().unwrap();
    plain_file.write_all(&plain[plain.len() / 2..]).unwrap();
    plain_file.sync_all().unwrap();
    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("ok"), Some(&1));
    assert_eq!(pass.incomplete, 1);
    std::thread::sleep(Duration::from_millis(2100));
    let pass = importer.pass().unwrap();
    assert_eq!(pass.total_files(), 1);
    assert!(!pass.files.contains_key("rejected"), "{pass:?}");
    let rows = rows_by_document(&root);
    assert_eq!(rows["documents"].len(), 2);
    assert!(rows["documents"].values().all(|&c| c == 1));
    assert!(std::fs::read_dir(&incoming).unwrap().next().is_none());
}

/// Files in `dir` and below (none when it does not exist).
fn count_files(dir: &Path) -> usize {
    files_under(dir).len()
}

#[test]
fn a_gzip_file_cut_short_is_put_back_before_any_commit_and_imported_once_complete() {
    let (_dir, incoming, root) = folders();
    // Settle time 0: every gzip file is taken without the cheap check, so the load decides.
    let mut importer =
        Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    let whole = std::fs::read(demo().join("SYSTEM on LT7516735.ndi.gz")).unwrap();
    std::fs::copy(
        demo().join("SYSTEM on LT1970941.ndi.gz"),
        incoming.join("complete.ndi.gz"),
    )
    .unwrap();
    let cut_path = incoming.join("upload.ndi.gz");
    let mut writer = std::fs::File::create(&cut_path).unwrap();
    writer.write_all(&whole[..whole.len() / 2]).unwrap();
    writer.flush().unwrap();

    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("ok"), Some(&1), "{pass:?}");
    assert_eq!(pass.total_files(), 1, "{pass:?}");
    assert_eq!(pass.incomplete, 1);
    assert!(cut_path.is_file(), "put back where it came from");
    assert_eq!(count_files(&root.join("_quarantine")), 0);
    assert_eq!(count_files(&root.join("_import/claimed")), 0);
    let rows = rows_by_document(&root);
    assert_eq!(rows["documents"].len(), 1);
    assert_eq!(rows["inventories"].len(), 1);
    // Unchanged: left alone, without being claimed again.
    let pass = importer.pass().unwrap();
    assert_eq!((pass.total_files(), pass.incomplete), (0, 1));

    // The writer finishes: imported once.
    writer.write_all(&whole[whole.len() / 2..]).unwrap();
    writer.sync_all().unwrap();
    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("ok"), Some(&1), "{pass:?}");
    assert_eq!(pass.incomplete, 0);
    let rows = rows_by_document(&root);
    assert_eq!(rows["documents"].len(), 2);
    assert!(rows.values().all(|t| t.values().all(|&c| c >= 1)));
    assert!(rows["documents"].values().all(|&c| c == 1));
    assert_eq!(rows["inventories"].len(), 2);
    assert_eq!(count_files(&root.join("_quarantine")), 0);
    assert!(std::fs::read_dir(&incoming).unwrap().next().is_none());
}

#[test]
fn a_broken_gzip_file_once_settled_and_one_cut_short_an_hour_ago_are_quarantined() {
    let (_dir, incoming, root) = folders();
    let mut options = options(&root, &incoming);
    options.settle = Duration::from_secs(60);
    let mut importer = Importer::open(&root, RootOptions::default(), options).unwrap();
    let whole = std::fs::read(demo().join("SYSTEM on LT7516735.ndi.gz")).unwrap();
    // A wrong CRC: the length in the trailer is right, so the cheap check takes it at once.
    let mut broken = whole.clone();
    let n = broken.len();
    broken[n - 8] ^= 0xff;
    let broken_path = incoming.join("broken.ndi.gz");
    std::fs::write(&broken_path, &broken).unwrap();
    let old_cut = incoming.join("old-cut.ndi.gz");
    std::fs::write(&old_cut, &whole[..n / 2]).unwrap();
    let set_age = |path: &Path, secs: u64| {
        let when = std::time::SystemTime::now() - Duration::from_secs(secs);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    };
    set_age(&old_cut, 2 * 3600);

    // Younger than the settle time, the broken file may still be being filled: put back.
    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("rejected"), Some(&1), "{pass:?}");
    assert_eq!(pass.incomplete, 1, "{pass:?}");
    assert!(broken_path.is_file());
    assert!(root.join("_quarantine/old-cut.ndi.gz").is_file());
    // Settled: quarantined with its reason.
    set_age(&broken_path, 120);
    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("rejected"), Some(&1), "{pass:?}");
    assert_eq!(pass.incomplete, 0);
    let reason =
        std::fs::read_to_string(root.join("_quarantine/broken.ndi.gz.reason.txt")).unwrap();
    assert!(reason.contains("gzip"), "{reason}");
    let rows = document_rows(&root);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.status == "rejected"));
}

#[test]
fn duplicates_within_a_run_name_the_first_file() {
    let (_dir, incoming, root) = folders();
    let bytes = std::fs::read(demo().join("SYSTEM on PC-CTRL.ndi")).unwrap();
    for name in ["a.ndi", "b.ndi", "c.ndi"] {
        std::fs::write(incoming.join(name), &bytes).unwrap();
    }
    let mut importer =
        Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("duplicate"), Some(&2));
    let rows = document_rows(&root);
    assert_eq!(rows.len(), 3);
    let first = rows.iter().find(|r| r.status != "duplicate").unwrap();
    assert_eq!(name_of(&first.source_path), "a.ndi");
    let copies: Vec<(String, Option<String>)> = rows
        .iter()
        .filter(|r| r.status == "duplicate")
        .map(|r| (name_of(&r.source_path), r.duplicate_of.clone()))
        .collect();
    let of = Some(first.source_path.clone());
    assert_eq!(
        copies,
        vec![("b.ndi".to_string(), of.clone()), ("c.ndi".to_string(), of)]
    );
}

#[test]
fn a_rejected_file_is_quarantined_with_its_reason_and_its_row_is_committed() {
    let (_dir, incoming, root) = folders();
    std::fs::write(
        incoming.join("broken.ndi"),
        "<Inventory><Hardware></Inventory>",
    )
    .unwrap();
    let mut importer =
        Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    let pass = importer.pass().unwrap();
    assert_eq!(pass.files.get("rejected"), Some(&1));
    let quarantine = root.join("_quarantine");
    assert!(quarantine.join("broken.ndi").is_file());
    let reason = std::fs::read_to_string(quarantine.join("broken.ndi.reason.txt")).unwrap();
    assert!(reason.contains("broken.ndi"), "{reason}");
    let rows = rows_by_document(&root);
    assert_eq!(rows["documents"].len(), 1);
}

#[test]
fn convert_loads_in_place_and_a_second_run_finds_only_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lake");
    let inputs: Vec<PathBuf> = std::fs::read_dir(demo())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut importer =
        Importer::open(&root, RootOptions::default(), options(&root, dir.path())).unwrap();
    let first = importer.convert(&inputs).unwrap();
    assert_eq!(first.total_files(), inputs.len() as u64);
    let rows = rows_by_document(&root);
    let second = importer.convert(&inputs).unwrap();
    assert_eq!(second.files.get("duplicate"), Some(&(inputs.len() as u64)));
    // Only a `documents` row for each, naming the file loaded (here the same path).
    let mut again = rows_by_document(&root);
    assert!(again["documents"].values().all(|&c| c == 2));
    again.remove("documents");
    let mut before = rows;
    before.remove("documents");
    assert_eq!(again, before);
    for row in document_rows(&root)
        .iter()
        .filter(|r| r.status == "duplicate")
    {
        assert_eq!(row.duplicate_of.as_ref(), Some(&row.source_path));
    }
    // Inputs stay where they are.
    assert!(inputs.iter().all(|p| p.exists()));
}

#[test]
fn two_importers_on_the_same_folders_and_tables_import_each_file_once() {
    let (_dir, incoming, root) = folders();
    // Both open the tables first (creating them concurrently is covered by ndi-delta).
    let mut a = Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    let mut b = Importer::open(&root, RootOptions::default(), options(&root, &incoming)).unwrap();
    let dropping = std::sync::atomic::AtomicBool::new(true);
    let taken = std::thread::scope(|scope| {
        let (incoming, dropping_flag) = (&incoming, &dropping);
        let dropper = scope.spawn(move || {
            for generation in 0..4 {
                copy_demo(incoming, &format!("g{generation}-"));
                std::thread::sleep(Duration::from_millis(30));
            }
            dropping_flag.store(false, std::sync::atomic::Ordering::SeqCst);
        });
        let dropping = &dropping;
        let worker = move |importer: &mut Importer| {
            let mut taken = 0;
            loop {
                let done = !dropping.load(std::sync::atomic::Ordering::SeqCst);
                let pass = importer.pass().unwrap();
                taken += pass.total_files();
                if done && pass.total_files() == 0 {
                    return taken;
                }
            }
        };
        let (a, b) = (&mut a, &mut b);
        let ta = scope.spawn(move || worker(a));
        let tb = scope.spawn(move || worker(b));
        dropper.join().unwrap();
        ta.join().unwrap() + tb.join().unwrap()
    });
    let n = std::fs::read_dir(demo()).unwrap().count() as u64;
    assert_eq!(taken, 4 * n);
    let rows = rows_by_document(&root);
    assert_eq!(rows["documents"].len() as u64, n);
    // One row per file: each document's own row once, a duplicate row for each other copy.
    assert!(rows["documents"].values().all(|&c| c == 4));
    let documents = document_rows(&root);
    let own: Vec<&str> = documents
        .iter()
        .filter(|r| r.status != "duplicate")
        .map(|r| r.document_id.as_str())
        .collect();
    assert_eq!(own.len() as u64, n);
    assert!(own.windows(2).all(|w| w[0] != w[1]));
    let mut names: Vec<String> = documents.iter().map(|r| name_of(&r.source_path)).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len() as u64, 4 * n);
    let single = tempfile::tempdir().unwrap();
    let (one_in, one_root) = (single.path().join("in"), single.path().join("lake"));
    for generation in 0..4 {
        copy_demo(&one_in, &format!("g{generation}-"));
    }
    Importer::open(
        &one_root,
        RootOptions::default(),
        options(&one_root, &one_in),
    )
    .unwrap()
    .pass()
    .unwrap();
    assert_eq!(rows, rows_by_document(&one_root));
    assert_eq!(files_under(&root.join("_processed")).len() as u64, 4 * n);
}
