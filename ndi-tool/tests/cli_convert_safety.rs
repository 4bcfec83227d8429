//! `convert` never loses or corrupts data: one run at a time per folder, an interrupted run's
//! leftovers cleaned, the same bytes under two names loaded once.

mod common;

use common::{bin, convert_quarantined, corpora, files_under, run, s, text};

use std::path::{Path, PathBuf};

use ndi_load::store::{DirLock, LOCK_FILE};

/// The JSON objects of every `.jsonl` part of `table` under `out`.
fn jsonl_rows(out: &Path, table: &str) -> Vec<serde_json::Value> {
    files_under(&out.join(table))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Runs `ndi-tool convert corpora/demo --out OUT EXTRA...` to its end.
fn convert_demo(out: &Path, extra: &[&str]) -> std::process::Output {
    let demo = corpora().join("demo");
    let mut args = vec!["convert", s(&demo), "--out", s(out)];
    args.extend_from_slice(extra);
    run(&args)
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap()
}

#[test]
fn a_locked_output_folder_is_refused_at_once_naming_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let held = DirLock::acquire(&out, "the test's run").unwrap();
    let started = std::time::Instant::now();
    let r = convert_demo(&out, &[]);
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{stderr}"
    );
    assert!(
        stderr.contains("in use by another run")
            && stderr.contains(&format!("pid {}", std::process::id()))
            && stderr.contains("the test's run"),
        "{stderr}"
    );
    // Nothing was written beside the lock.
    assert_eq!(files_under(&out), vec![out.join(LOCK_FILE)]);
    drop(held);
    let r = convert_demo(&out, &["-q"]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
}

#[test]
fn a_locked_quarantine_folder_is_refused_too() {
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("q");
    std::fs::create_dir_all(&q).unwrap();
    let _held = DirLock::acquire(&q, "another run's quarantine").unwrap();
    let r = convert_quarantined(&corpora().join("demo"), &tmp.path().join("out"), &q, &[]);
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{} is in use by another run", q.display())),
        "{stderr}"
    );
    // The same folder for both is locked once, not refused by itself.
    let both = tmp.path().join("both");
    let r = convert_quarantined(&corpora().join("demo"), &both, &both, &["-q"]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
}

#[test]
fn the_lock_of_a_killed_run_does_not_block() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // A run killed while holding the lock: its process is gone, so is its lock; its
    // description is still in the file.
    let mut holder = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    std::fs::write(
        out.join(LOCK_FILE),
        format!(
            "pid {} on this host, started 2026-01-01 00:00:00 UTC (ndi-tool convert)\n",
            holder.id()
        ),
    )
    .unwrap();
    holder.kill().unwrap();
    holder.wait().unwrap();
    let r = convert_demo(&out, &["-q"]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    let description = std::fs::read_to_string(out.join(LOCK_FILE)).unwrap();
    assert!(!description.contains("2026-01-01"), "{description}");
}

#[test]
fn two_runs_into_one_folder_at_once_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let gen_a = run(&["generate", "--out", s(&a), "--count", "60", "--seed", "3"]);
    assert!(gen_a.status.success(), "{}", text(&gen_a.stderr));
    let gen_b = run(&["generate", "--out", s(&b), "--count", "25", "--seed", "7"]);
    assert!(gen_b.status.success(), "{}", text(&gen_b.stderr));
    let out = tmp.path().join("L");
    for round in 0..3 {
        let spawn = |input: &Path| {
            let mut args = vec![
                "convert",
                s(input),
                "--out",
                s(&out),
                "--format",
                "jsonl",
                "-j1",
                "-q",
            ];
            if round > 0 {
                args.push("--overwrite");
            }
            bin()
                .args(args)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (spawn(&a), spawn(&b));
        let results = [
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        ];
        for r in &results {
            let stderr = text(&r.stderr);
            // Each run either loaded everything, or was refused: by the lock, or (without
            // --overwrite) by the other run's finished tables.
            assert!(
                r.status.success()
                    || stderr.contains("in use by another run")
                    || stderr.contains("already holds tables"),
                "{stderr}"
            );
        }
        assert!(results.iter().any(|r| r.status.success()));
        // The folder holds exactly one run: its manifest and its rows agree.
        let m = manifest(&out);
        let documents = jsonl_rows(&out, "documents");
        assert_eq!(
            documents.len() as u64,
            m["inputs"]["total"].as_u64().unwrap()
        );
        assert!(
            [60, 25].contains(&documents.len()),
            "{} documents",
            documents.len()
        );
        let ids: std::collections::HashSet<&str> = documents
            .iter()
            .map(|d| d["document_id"].as_str().unwrap())
            .collect();
        let hardware = jsonl_rows(&out, "hardware");
        assert_eq!(
            hardware.len() as u64,
            m["rows"]["hardware"].as_u64().unwrap()
        );
        assert!(
            hardware
                .iter()
                .all(|h| ids.contains(h["document_id"].as_str().unwrap())),
            "orphan child rows"
        );
        let leftovers: Vec<PathBuf> = files_under(&out)
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn an_interrupted_run_s_temporary_files_are_removed_without_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("documents")).unwrap();
    std::fs::create_dir_all(out.join("hardware")).unwrap();
    let leftovers = [
        out.join("documents/.part-00000.parquet.tmp"),
        out.join("hardware/.part-00003.parquet.tmp"),
        out.join("._manifest.json.tmp"),
    ];
    for p in &leftovers {
        std::fs::write(p, "partial").unwrap();
    }
    let r = convert_demo(&out, &[]);
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("was interrupted") && stderr.contains("removed its 3 temporary files"),
        "{stderr}"
    );
    assert!(!stderr.contains("already holds tables"), "{stderr}");
    for p in &leftovers {
        assert!(!p.exists(), "{}", p.display());
    }
}

#[test]
fn the_same_bytes_under_two_names_are_loaded_once_and_the_copy_is_a_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let original = corpora().join("demo/SYSTEM on PC-CTRL.ndi");
    std::fs::copy(&original, input.join("a.ndi")).unwrap();
    std::fs::copy(&original, input.join("b copy.ndi")).unwrap();
    std::fs::copy(
        corpora().join("demo/root on Rahuls-MacBook-Pro-5573746.ndi"),
        input.join("c.ndi"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = run(&[
        "convert",
        s(&input),
        "--out",
        s(&out),
        "--format",
        "jsonl",
        "-j2",
    ]);
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    let first = input.join("a.ndi").display().to_string();
    let copy = input.join("b copy.ndi").display().to_string();
    assert!(
        stderr.contains(&format!("{copy}: duplicate of {first}")),
        "{stderr}"
    );
    assert!(stderr.contains(", 1 duplicate "), "{stderr}");
    let documents = jsonl_rows(&out, "documents");
    assert_eq!(documents.len(), 3);
    let row = |path: &str| {
        documents
            .iter()
            .find(|d| d["source_path"] == path)
            .unwrap()
            .clone()
    };
    let (a, b) = (row(&first), row(&copy));
    assert_ne!(a["status"], "duplicate");
    assert!(a["duplicate_of"].is_null());
    assert_eq!(b["status"], "duplicate");
    assert_eq!(b["duplicate_of"], first.as_str());
    assert_eq!(a["document_id"], b["document_id"]);
    // Child rows once: every inventory row has a distinct document_id.
    let inventories = jsonl_rows(&out, "inventories");
    assert_eq!(inventories.len(), 2);
    let m = manifest(&out);
    assert_eq!(m["inputs"]["duplicate"], 1);
    assert_eq!(m["inputs"]["total"], 3);
}
