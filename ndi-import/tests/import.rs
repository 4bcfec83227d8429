//! Exactly once: the demo corpus imported, dropped again (all duplicates, no rows), a file
//! still being written left alone and imported once complete, a run resumed from its plan.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use ndi_delta::{DeltaRoot, RootOptions};
use ndi_import::{Finish, ImportOptions, Importer};
use ndi_load::tables::Table;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

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

fn options(root: &Path, incoming: &Path) -> ImportOptions {
    let mut options = ImportOptions::new(root, vec![incoming.to_path_buf()]);
    options.settle = Duration::ZERO;
    options.loaded_at = Some(1_765_000_000);
    options
}

/// Rows per document id of every table, read from the files the latest versions reference.
fn rows_by_document(root: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    let root = DeltaRoot::open(root, RootOptions::default()).unwrap();
    let mut out = BTreeMap::new();
    for table in Table::ALL {
        let delta = root.open_table(table.name()).unwrap();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for file in delta.active_files().unwrap() {
            let f = std::fs::File::open(delta.path().join(&file.path)).unwrap();
            for batch in ParquetRecordBatchReaderBuilder::try_new(f)
                .unwrap()
                .build()
                .unwrap()
            {
                let batch = batch.unwrap();
                let ids = batch
                    .column_by_name("document_id")
                    .unwrap()
                    .as_string::<i32>();
                for i in 0..ids.len() {
                    *counts.entry(ids.value(i).to_string()).or_default() += 1;
                }
            }
        }
        out.insert(table.name().to_string(), counts);
    }
    out
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
fn the_same_files_dropped_again_are_duplicates_and_add_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    let root = dir.path().join("lake");
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

    // The same bytes under other names: every one a duplicate, no row anywhere.
    copy_demo(&incoming, "again-");
    let second = importer.pass().unwrap();
    assert_eq!(second.files.get("duplicate"), Some(&(n as u64)));
    assert_eq!(second.total_files(), n as u64);
    assert_eq!(rows_by_document(&root), after_first);
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
}

#[test]
fn a_file_still_being_written_is_left_alone_and_imported_once_complete() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    let root = dir.path().join("lake");
    std::fs::create_dir_all(&incoming).unwrap();
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

#[test]
fn a_rejected_file_is_quarantined_with_its_reason_and_its_row_is_committed() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    let root = dir.path().join("lake");
    std::fs::create_dir_all(&incoming).unwrap();
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
    assert_eq!(rows_by_document(&root), rows);
    // Inputs stay where they are.
    assert!(inputs.iter().all(|p| p.exists()));
}

#[test]
fn two_importers_on_the_same_folders_and_tables_import_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    let root = dir.path().join("lake");
    std::fs::create_dir_all(&incoming).unwrap();
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
    assert!(rows["documents"].values().all(|&c| c == 1));
    let single = tempfile::tempdir().unwrap();
    let (one_in, one_root) = (single.path().join("in"), single.path().join("lake"));
    copy_demo(&one_in, "");
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
