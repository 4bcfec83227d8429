//! The binary on temporary folders: output lines and exit codes of validate, convert,
//! generate and completions.

mod common;

use common::{bin, corpora, run, text};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn validate_exit_codes_and_lines() {
    let demo = corpora().join("demo");
    let files = [
        "ndi/valid/windows-full.ndi",
        "mmi/valid/weekly-summary.mmi.gz",
        "vdi/valid/citrix-pools.vdi",
    ];
    let mut args = vec!["validate".to_string()];
    args.extend(
        files
            .iter()
            .map(|f| corpora().join(f).display().to_string()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ok = run(&args);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stderr).contains("3 files checked: 3 valid"),
        "{}",
        text(&ok.stderr)
    );
    // The demo folder holds one inventory with a control character: it loads with a warning,
    // but it is not well-formed XML 1.0, so `validate` calls it invalid.
    let demo_run = run(&["validate", demo.to_str().unwrap()]);
    assert_eq!(demo_run.status.code(), Some(1));
    let demo_out = text(&demo_run.stdout);
    assert!(
        demo_out.contains("SYSTEM on PC-CTRL.ndi:4:48: error: character U+0003"),
        "{demo_out}"
    );
    assert_eq!(
        demo_out.lines().filter(|l| l.contains(": error:")).count(),
        2,
        "{demo_out}"
    );

    let bad = corpora().join("ndi/invalid/mismatched-end.ndi");
    let out = run(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("mismatched-end.ndi:1:38: error: not well-formed XML: mismatched end tag")
            && stdout.contains("[xml-syntax] (byte 37, at /Inventory/Hardware[1]/Class[1])"),
        "{stdout}"
    );

    let missing = run(&["validate", "/no/such/path"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("/no/such/path"));

    let usage = run(&["validate"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn validate_json_has_one_object_per_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        corpora().join("ndi/invalid/two-roots.ndi"),
        dir.path().join("a.ndi"),
    )
    .unwrap();
    std::fs::copy(
        corpora().join("mmi/valid/weekly-summary.mmi.gz"),
        dir.path().join("b.mmi.gz"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.mmi"),
        br#"<USAGE VERSION="1.00"><MD NAME="x"><USAGE USER="a" STARTDATE="20241105T000000"/></MD></USAGE>"#,
    )
    .unwrap();
    let out = run(&["validate", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["valid"], false);
    assert_eq!(lines[0]["findings"][0]["rule"], "after-root");
    assert_eq!(lines[0]["findings"][0]["line"], 2);
    assert_eq!(lines[0]["findings"][0]["column"], 1);
    assert_eq!(lines[0]["findings"][0]["offset"], 29);
    assert_eq!(lines[1]["format"], "mmi");
    assert_eq!(lines[1]["valid"], true);
    // 2024-11-05 is a Tuesday: usage weeks start on Monday.
    assert_eq!(lines[2]["valid"], false);
    let f = &lines[2]["findings"][0];
    assert_eq!(f["rule"], "mmi-week-start");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["element_path"], "/USAGE/MD[1]/USAGE[1]");
    assert_eq!(f["column"], 36);
}

#[test]
fn convert_to_parquet_accounts_for_every_file_and_quarantines_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("incoming");
    copy_dir(&corpora().join("demo"), &input);
    std::fs::copy(
        corpora().join("ndi/invalid/truncated-gzip.ndi.gz"),
        input.join("SYSTEM on BAD.ndi.gz"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let quarantine = dir.path().join("bad");
    let run1 = run(&[
        "convert",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quarantine",
        quarantine.to_str().unwrap(),
        "--loaded-at",
        "1700000000",
        "--partition-by",
        "date",
    ]);
    assert_eq!(run1.status.code(), Some(1), "{}", text(&run1.stderr));
    let stderr = text(&run1.stderr);
    assert!(
        stderr.contains("17 files: 15 ok, 1 with warnings, 1 rejected"),
        "{stderr}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["inputs"]["total"], 17);
    assert_eq!(manifest["inputs"]["rejected"], 1);
    assert_eq!(manifest["rows"]["documents"], 17);
    assert_eq!(manifest["partition"], "load_date=2023-11-14");
    assert!(out.join("hardware/load_date=2023-11-14").is_dir());
    // The rejected file moved, with its reason beside it.
    assert!(!input.join("SYSTEM on BAD.ndi.gz").exists());
    assert!(quarantine.join("SYSTEM on BAD.ndi.gz").exists());
    let reason =
        std::fs::read_to_string(quarantine.join("SYSTEM on BAD.ndi.gz.reason.txt")).unwrap();
    assert!(reason.contains("[gzip]"), "{reason}");
    // No temporary file is left visible or hidden.
    for e in walk(&out) {
        let name = e.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}

#[test]
fn convert_to_json_lines_writes_every_row_with_readable_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("jsonl");
    let demo = corpora().join("demo");
    let r = run(&[
        "convert",
        demo.to_str().unwrap(),
        "--format",
        "jsonl",
        "--out",
        out.to_str().unwrap(),
        "--loaded-at",
        "1700000000",
        "-q",
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["file_format"], "jsonl");
    let rows = manifest["rows"].as_object().unwrap();
    assert_eq!(rows.len(), 12, "{rows:?}");
    for (table, expected) in rows {
        let mut lines = Vec::new();
        for part in walk(&out.join(table)) {
            if part.ends_with(ndi_load::store::SCHEMA_FILE) {
                continue;
            }
            assert_eq!(part.extension().unwrap(), "jsonl", "{}", part.display());
            for line in std::fs::read_to_string(&part).unwrap().lines() {
                let row: serde_json::Value = serde_json::from_str(line).unwrap();
                assert!(row["document_id"].is_string(), "{table}: {line}");
                lines.push(row);
            }
        }
        assert_eq!(lines.len() as u64, expected.as_u64().unwrap(), "{table}");
        match table.as_str() {
            // The load time is in UTC and says so; times from the files carry no zone.
            "documents" => assert!(
                lines
                    .iter()
                    .all(|r| r["loaded_at"] == "2023-11-14T22:13:20Z"),
                "{lines:?}"
            ),
            "file_evidence" => {
                let modified = lines.iter().find_map(|r| r["modified"].as_str()).unwrap();
                assert_eq!(modified.len(), "2024-09-29T19:10:34".len(), "{modified}");
            }
            "installer_evidence" => {
                assert!(lines.iter().any(|r| r["attributes"]["Language"] == "1033"));
            }
            _ => {}
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn converting_twice_gives_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let demo = corpora().join("demo");
    let mut outputs = Vec::new();
    for (i, threads) in ["1", "2"].into_iter().enumerate() {
        let out = dir.path().join(format!("out{i}"));
        let r = run(&[
            "convert",
            demo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--loaded-at",
            "1700000000",
            "--threads",
            threads,
        ]);
        assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
        outputs.push(out);
    }
    // The lock file names the run that held the folder: not part of the tables.
    let tables = |out: &std::path::Path| -> Vec<_> {
        walk(out)
            .into_iter()
            .filter(|p| !p.ends_with(ndi_load::store::LOCK_FILE))
            .collect()
    };
    let a = tables(&outputs[0]);
    let b = tables(&outputs[1]);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            x.strip_prefix(&outputs[0]).unwrap(),
            y.strip_prefix(&outputs[1]).unwrap()
        );
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
}

#[test]
fn convert_to_xml_keeps_names_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("xml");
    let demo = corpora().join("demo");
    let r = run(&[
        "convert",
        demo.to_str().unwrap(),
        "--format",
        "ndi.gz",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    assert!(out.join("SYSTEM on PC-CTRL.ndi.gz").exists());
    assert!(out.join("WKS0770006 at 20250208T101423.mmi.gz").exists());
    assert!(out.join("Default Machine Schedule.nds.gz").exists());
    // Everything reads back; the one inventory with a control character is kept as read, so
    // it is still not strict XML 1.0.
    let v = run(&["validate", out.to_str().unwrap()]);
    let summary = text(&v.stderr);
    assert!(
        summary.contains("16 files checked: 15 valid, 1 invalid"),
        "{summary}"
    );
}

#[test]
fn generate_then_validate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let g = run(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--count",
        "12",
        "--seed",
        "5",
    ]);
    assert_eq!(g.status.code(), Some(0), "{}", text(&g.stderr));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 12);
    let v = run(&["validate", out.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
}

#[test]
fn completions_and_help() {
    let c = run(&["completions", "bash"]);
    assert_eq!(c.status.code(), Some(0));
    assert!(text(&c.stdout).contains("ndi-tool"));
    let h = run(&["help", "convert"]);
    assert!(text(&h.stdout).contains("--partition-by"));
    assert!(text(&h.stdout).contains("Examples:"));
}

/// What bash offers for the words of `line` (the last word is being completed).
fn bash_complete(script: &Path, line: &[&str]) -> Vec<String> {
    let words = line
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let program = format!(
        "source '{}'; COMP_WORDS=({words}); COMP_CWORD={}; _ndi__tool ndi-tool '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        line.len() - 1,
        line[line.len() - 1],
        line[line.len() - 2],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_subcommands_and_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("ndi-tool.bash");
    let c = run(&["completions", "bash"]);
    std::fs::write(&script, &c.stdout).unwrap();
    let top = bash_complete(&script, &["ndi-tool", "con"]);
    assert_eq!(top, ["convert"]);
    let flags = bash_complete(&script, &["ndi-tool", "convert", "--f"]);
    assert_eq!(flags, ["--format"]);
    let shells = bash_complete(&script, &["ndi-tool", "completions", "zs"]);
    assert_eq!(shells, ["zsh"]);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let demo = corpora().join("demo");
    let mut child = bin()
        .args([
            "validate",
            "--verbose",
            demo.to_str().unwrap(),
            demo.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn schedule_json_lists_runs_in_time_order_reproducibly() {
    let nds = corpora().join("nds/valid/default-machine-schedule.nds");
    let args = [
        "schedule",
        nds.to_str().unwrap(),
        "--from",
        "2024-10-26T22:00:00",
        "--tz",
        "Europe/Berlin",
        "--next",
        "8",
        "--seed",
        "42",
        "--json",
    ];
    let a = run(&args);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert_eq!(a.stdout, run(&args).stdout, "same seed, same runs");
    let runs: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let timed: Vec<&serde_json::Value> = runs
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["start"].is_null())
        .collect();
    assert_eq!(timed.len(), 8);
    for r in &timed {
        for key in ["event", "event_id", "trigger", "nominal", "start"] {
            assert!(!r[key].is_null(), "{key} in {r}");
        }
    }
    let utc: Vec<&str> = timed
        .iter()
        .map(|r| r["start_utc"].as_str().unwrap())
        .collect();
    assert!(utc.windows(2).all(|w| w[0] <= w[1]), "{utc:?}");
    let bad_tz = run(&["schedule", nds.to_str().unwrap(), "--tz", "Mars/Olympus"]);
    assert_eq!(bad_tz.status.code(), Some(2));
}

#[test]
fn policy_lists_effective_packages() {
    let npl = corpora().join("npl/valid/standard-agent-policy.npl");
    let out = run(&["policy", npl.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let packages: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        packages.as_array().unwrap().len(),
        5,
        "the standard agent policy has five packages"
    );
    assert!(packages[0]["href"].as_str().unwrap().ends_with(".osd"));
}

#[test]
fn whole_document_errors_still_say_where() {
    let root = corpora();
    for (file, expected) in [
        (
            "npl/invalid/wrong-root.npl",
            ":2:1: error: root element <Policies> is not one of the known formats [unknown-format] (byte 39, at /Policies)",
        ),
        (
            "ndi/invalid/unsupported-encoding.ndi",
            ":1:31: error: unsupported encoding \"x-klingon\" declared [unsupported-encoding] (byte 30)",
        ),
        (
            "ndi/invalid/truncated-gzip.ndi.gz",
            ":30:81: error: corrupt or truncated gzip data: incomplete deflate stream [gzip] (byte 1353, at /Inventory/Hardware[1]/Class[4]/Instance[1])",
        ),
    ] {
        let r = run(&["validate", root.join(file).to_str().unwrap()]);
        assert_eq!(r.status.code(), Some(1), "{file}");
        let out = text(&r.stdout);
        assert!(out.contains(expected), "{file}: {out}");
    }
}

#[test]
fn a_catalog_is_checked_against_the_target_beside_it_not_a_namesake() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let demo = corpora().join("demo");
    let nds = "Default Machine Schedule.nds";
    let osd = "Default Machine Schedule.osd";
    std::fs::copy(demo.join(osd), a.join(osd)).unwrap();
    // The target beside the catalog was changed; a namesake elsewhere is the original.
    let mut changed = std::fs::read(demo.join(nds)).unwrap();
    changed.extend_from_slice(b"\n");
    std::fs::write(a.join(nds), changed).unwrap();
    std::fs::copy(demo.join(nds), b.join(nds)).unwrap();
    let r = run(&["validate", dir.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stdout));
    assert!(
        text(&r.stdout).contains("osd-target-size"),
        "{}",
        text(&r.stdout)
    );
}

#[test]
fn json_output_stays_valid_json_with_any_character_in_names_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a\u{9b}2J\u{7f}b.ndi";
    let file = dir.path().join(name);
    std::fs::write(
        &file,
        "<Inventory MachineName=\"PC\u{9b}31m\u{85}D\" DateTime=\"20250101T000000\"/>",
    )
    .unwrap();
    for args in [
        vec!["validate", "--json", file.to_str().unwrap()],
        vec!["inspect", "--json", file.to_str().unwrap()],
    ] {
        let r = run(&args);
        let out = text(&r.stdout);
        for line in out.lines() {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{args:?}: {e}: {line}"));
            assert!(!line.chars().any(char::is_control), "{args:?}: {line:?}");
            assert!(v.is_object(), "{line}");
        }
        assert!(!out.is_empty(), "{args:?}: {}", text(&r.stderr));
    }
}
