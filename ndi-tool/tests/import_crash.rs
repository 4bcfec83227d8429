//! Crash safety of `ndi-tool import --watch`: killed with SIGKILL at random moments (inside
//! loads, commits and file moves) while a dropper keeps adding files, and restarted each time.
//! At the end every input is in exactly one of the processed and quarantine folders and has
//! exactly one `documents` row (a document's own row once per `document_id`, a `duplicate` row
//! for each other file with its bytes), every document's rows are in every other table exactly
//! once, and the tables equal a clean one-shot import of the same files.
//!
//! A third of the kills come at a random moment, a third right after the first commit of a
//! table other than `documents` (between the commits of a run), a third shortly after a
//! `documents` commit (while the run moves its files). Some gzip files are dropped half-written
//! and completed a moment later, so that runs put files back too. `NDI_CRASH_CYCLES` sets the
//! number of kill cycles (default 30; `.ci/run` runs 200).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ndi_delta::{DeltaRoot, RootOptions};
use ndi_load::tables::Table;

const BIN: &str = env!("CARGO_BIN_EXE_ndi-tool");

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn rows_by_document(root: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    let root = DeltaRoot::open(root, RootOptions::default()).unwrap();
    ndi_import::audit::rows_by_document(&root).unwrap()
}

fn names_under(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            names_under(&entry.path(), out);
        } else {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".reason.txt") {
                out.push(name);
            }
        }
    }
}

/// Number of commit files per table (absent tables count 0).
fn log_counts(root: &Path) -> BTreeMap<String, usize> {
    Table::ALL
        .iter()
        .map(|t| {
            let log = root.join(t.name()).join("_delta_log");
            let n = std::fs::read_dir(log)
                .map(|d| {
                    d.filter(|e| {
                        e.as_ref()
                            .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".json"))
                    })
                    .count()
                })
                .unwrap_or(0);
            (t.name().to_string(), n)
        })
        .collect()
}

/// Waits (polling every millisecond, at most `limit`) until a table gets a commit: `documents`
/// when `documents` is true, any other table otherwise.
fn wait_for_commit(
    root: &Path,
    before: &BTreeMap<String, usize>,
    documents: bool,
    limit: Duration,
) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let now = log_counts(root);
        let moved = now.iter().any(|(table, n)| {
            (table == "documents") == documents && *n > before.get(table).copied().unwrap_or(0)
        });
        if moved {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn import(incoming: &Path, root: &Path, processed: &Path, quarantine: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("import")
        .arg(incoming)
        .arg("--table")
        .arg(root)
        .arg("--processed")
        .arg(processed)
        .arg("--quarantine")
        .arg(quarantine)
        .args([
            "--settle-secs",
            "0",
            "-j",
            "1",
            "--checkpoint-interval",
            "5",
            "--quiet",
        ])
        .args(["--loaded-at", "1765000000"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn killed_at_random_moments_the_import_loses_nothing_and_imports_nothing_twice() {
    let cycles: u64 = std::env::var("NDI_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("generated");
    let status = Command::new(BIN)
        .args(["generate", "--seed", "11", "--count"])
        .arg((cycles / 2).max(40).to_string())
        .arg("--out")
        .arg(&generated)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // The drops: every generated file, some of them again under another name (duplicates),
    // and broken files (rejected, quarantined). Names are unique.
    let mut sources: Vec<(String, Vec<u8>)> = Vec::new();
    let mut generated_files: Vec<PathBuf> = std::fs::read_dir(&generated)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    generated_files.sort();
    for (i, path) in generated_files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if i % 7 == 3 {
            sources.push((format!("copy-{i:05} {name}"), bytes.clone()));
        }
        if i % 9 == 4 {
            sources.push((
                format!("broken-{i:05}.ndi"),
                format!("<Inventory MachineName=\"b{i}\"><Hardware></Inventory>").into_bytes(),
            ));
        }
        sources.push((format!("{i:05} {name}"), bytes));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in (1..sources.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        sources.swap(i, j);
    }
    let kept = dir.path().join("kept");
    std::fs::create_dir_all(&kept).unwrap();
    for (name, bytes) in &sources {
        std::fs::write(kept.join(name), bytes).unwrap();
    }

    let incoming = dir.path().join("incoming");
    let root = dir.path().join("lake");
    let processed = dir.path().join("processed");
    let quarantine = dir.path().join("quarantine");
    std::fs::create_dir_all(&incoming).unwrap();

    // The dropper: hidden temporary name, then a rename (as the receiver does), paced so that
    // drops go on for most of the kill cycles. Every third gzip file appears half-written and
    // gets its second half a pace later through the same handle, as a copy in place does: an
    // importer that takes it meanwhile finds its stream cut short and must put it back.
    let pace = Duration::from_millis(cycles * 500 / sources.len() as u64);
    let dropping = Arc::new(AtomicBool::new(true));
    let dropper = {
        let incoming = incoming.clone();
        let sources = sources.clone();
        let dropping = Arc::clone(&dropping);
        std::thread::spawn(move || {
            for (i, (name, bytes)) in sources.into_iter().enumerate() {
                let temporary = incoming.join(format!(".{name}.part"));
                let in_two = name.ends_with(".gz") && i % 3 == 0;
                let half = if in_two { bytes.len() / 2 } else { bytes.len() };
                let mut file = std::fs::File::create(&temporary).unwrap();
                file.write_all(&bytes[..half]).unwrap();
                std::fs::rename(&temporary, incoming.join(&name)).unwrap();
                std::thread::sleep(pace);
                file.write_all(&bytes[half..]).unwrap();
            }
            dropping.store(false, Ordering::SeqCst);
        })
    };

    let started = Instant::now();
    let mut killed_running = 0;
    // Kills that left a run between its plan and its end (plan.json there): inside loads,
    // commits or file moves.
    let mut interrupted = 0;
    let mut between_commits = 0;
    for cycle in 0..cycles {
        let before = log_counts(&root);
        let mut child = import(&incoming, &root, &processed, &quarantine)
            .args(["--watch", "--interval", "0.2", "--max-files", "3"])
            .spawn()
            .unwrap();
        match cycle % 3 {
            // At a random moment.
            0 => std::thread::sleep(Duration::from_millis(30 + rng.below(1500))),
            // Right after the first commit of a table other than `documents`: between the
            // commits of a run.
            1 => wait_for_commit(&root, &before, false, Duration::from_secs(5)),
            // Shortly after a `documents` commit: while the run moves its files.
            _ => {
                wait_for_commit(&root, &before, true, Duration::from_secs(5));
                std::thread::sleep(Duration::from_millis(rng.below(30)));
            }
        }
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let plan = root.join("_import/plan.json");
        if plan.exists() {
            interrupted += 1;
            // Between the commits of a run: some table has it, `documents` not yet.
            let plan: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
            let run = plan["run"].as_i64().unwrap();
            let delta = DeltaRoot::open(&root, RootOptions::default()).unwrap();
            let txn = |name: &str| {
                delta
                    .open_table(name)
                    .unwrap()
                    .txn_version("ndi-import")
                    .unwrap()
                    .unwrap_or(0)
            };
            if txn("documents") < run && Table::ALL.iter().any(|t| txn(t.name()) >= run) {
                between_commits += 1;
            }
        }
        // A bound, so that a hung importer cannot hold the test forever (generous: the
        // machines it runs on are shared).
        assert!(
            started.elapsed() < Duration::from_secs(120 + cycles * 10),
            "harness too slow"
        );
    }
    dropper.join().unwrap();
    assert!(!dropping.load(Ordering::SeqCst));
    assert_eq!(killed_running, cycles, "the importer stopped by itself");
    eprintln!("{cycles} kills, {interrupted} inside a run, {between_commits} between its commits");
    assert!(
        interrupted * 10 >= cycles,
        "only {interrupted} of {cycles} kills landed inside a run"
    );
    assert!(
        between_commits > 0,
        "no kill landed between the commits of a run"
    );

    // Drain what is left, as a restart would.
    // Its error, if any, is shown.
    let status = import(&incoming, &root, &processed, &quarantine)
        .stderr(Stdio::inherit())
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    assert!(
        std::fs::read_dir(&incoming).unwrap().next().is_none(),
        "inputs left"
    );
    assert!(!root.join("_import/plan.json").exists());
    assert!(
        std::fs::read_dir(root.join("_import/claimed"))
            .unwrap()
            .next()
            .is_none()
    );

    // Every input in exactly one of processed and quarantine.
    let mut done = Vec::new();
    names_under(&processed, &mut done);
    names_under(&quarantine, &mut done);
    done.sort();
    let mut expected: Vec<String> = sources.iter().map(|(n, _)| n.clone()).collect();
    expected.sort();
    assert_eq!(done, expected);
    let mut quarantined = Vec::new();
    names_under(&quarantine, &mut quarantined);
    assert!(
        quarantined.iter().all(|n| n.starts_with("broken-")),
        "{quarantined:?}"
    );

    // Every file seen has exactly one `documents` row: a document's own row once per
    // document_id, and a `duplicate` row for each other file with the same bytes.
    let delta = DeltaRoot::open(&root, RootOptions::default()).unwrap();
    let documents = ndi_import::audit::document_rows(&delta).unwrap();
    let mut own: Vec<&str> = documents
        .iter()
        .filter(|r| r.status != "duplicate")
        .map(|r| r.document_id.as_str())
        .collect();
    let documents_seen = own.len();
    own.dedup();
    assert_eq!(own.len(), documents_seen, "a document's own row twice");
    let mut row_names: Vec<String> = documents
        .iter()
        .map(|r| {
            Path::new(&r.source_path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    row_names.sort();
    assert_eq!(row_names, expected, "documents rows by file");
    assert!(
        documents
            .iter()
            .filter(|r| r.status == "duplicate")
            .all(|r| r.duplicate_of.is_some() && own.binary_search(&r.document_id.as_str()).is_ok()),
        "a duplicate row without the document it copies"
    );
    assert!(documents.iter().any(|r| r.status == "duplicate"));

    // Every document's rows exactly once: the same as a clean one-shot import.
    let rows = rows_by_document(&root);
    let clean_root = dir.path().join("clean");
    let status = import(
        &kept,
        &clean_root,
        &dir.path().join("p2"),
        &dir.path().join("q2"),
    )
    .status()
    .unwrap();
    assert!(status.code().is_some_and(|c| c <= 1));
    let clean = rows_by_document(&clean_root);
    assert!(clean["hardware"].values().sum::<u64>() > 0);
    for table in Table::ALL {
        assert_eq!(
            rows[table.name()],
            clean[table.name()],
            "table {}",
            table.name()
        );
    }
}
