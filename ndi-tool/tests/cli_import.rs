//! `import` and `table` from the command line: summary lines, JSON, history, optimize,
//! vacuum, and a `--watch` import stopped by SIGTERM (exit 0).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ndi-tool");

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora/demo")
}

fn copy_demo(to: &Path, prefix: &str) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(demo()).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        std::fs::copy(entry.path(), to.join(name)).unwrap();
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn import_then_history_optimize_and_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    let root = dir.path().join("lake");
    copy_demo(&incoming, "");
    let (i, r) = (incoming.to_str().unwrap(), root.to_str().unwrap());
    let (code, out, err) = run(&[
        "import",
        i,
        "--table",
        r,
        "--settle-secs",
        "0",
        "--max-files",
        "6",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let passes: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(passes.len(), 3, "{out}");
    let files: u64 = passes
        .iter()
        .map(|p| {
            p["files"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum::<u64>()
        })
        .sum();
    assert_eq!(files, 16);
    assert!(passes.iter().all(|p| p["kind"] == "run"));

    // Again: all duplicates, text summary.
    copy_demo(&incoming, "again-");
    let (code, out, _) = run(&["import", i, "--table", r, "--settle-secs", "0"]);
    assert_eq!(code, 0);
    assert!(out.contains("16 duplicate"), "{out}");

    let (code, out, _) = run(&["table", "history", r, "--table", "documents", "--json"]);
    assert_eq!(code, 0);
    let commits: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(commits.len(), 5, "{out}");
    assert_eq!(commits[4]["txn"]["ndi-import"], 4);
    assert_eq!(commits[4]["metrics"]["ndiFiles.duplicate"], "16");

    let (code, out, _) = run(&["table", "optimize", r, "--table", "documents"]);
    assert_eq!(code, 0);
    // Three runs of new files, and the run of duplicates (their `documents` rows).
    assert!(out.contains("documents: 4 files"), "{out}");
    let (code, out, _) = run(&[
        "table",
        "vacuum",
        r,
        "--retain-hours",
        "0",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(code, 0);
    let documents = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["table"] == "documents")
        .unwrap();
    assert_eq!(documents["files"].as_array().unwrap().len(), 4);
    let (code, _, err) = run(&[
        "table",
        "history",
        dir.path().join("nothing").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn watch_imports_what_arrives_and_stops_on_sigterm_with_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("in");
    let root = dir.path().join("lake");
    let processed = dir.path().join("done");
    std::fs::create_dir_all(&incoming).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "import",
            incoming.to_str().unwrap(),
            "--table",
            root.to_str().unwrap(),
        ])
        .args([
            "--processed",
            processed.to_str().unwrap(),
            "--watch",
            "--interval",
            "0.5",
        ])
        .args(["--settle-secs", "0", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    copy_demo(&incoming, "");
    let started = Instant::now();
    let count = || {
        std::fs::read_dir(processed.join(ndi_import::date_of(ndi_load::load::now())))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    while count() < 16 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(count(), 16);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(
        out.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
    );
    assert!(!out.is_empty());
}
