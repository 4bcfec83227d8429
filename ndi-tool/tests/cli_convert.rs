//! `convert` on awkward folders: many rejected files of one name, inputs that map to the same
//! output name, quarantine with the XML formats.

mod common;

use common::{convert_quarantined, corpora, files_under, run, s, text};

use std::path::{Path, PathBuf};

/// `n` folders, each with a truncated `x.ndi` that says which folder it is from.
fn same_named_bad_files(root: &Path, n: usize) {
    for i in 0..n {
        let d = root.join(format!("d{i:02}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("x.ndi"),
            format!(r#"<Inventory MachineName="MN{i:02}"><Software>"#),
        )
        .unwrap();
    }
}

/// Every quarantined file is there once, beside the reason that names it.
fn check_quarantine(q: &Path, n: usize) {
    let mut found = vec![false; n];
    for e in std::fs::read_dir(q).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".reason.txt") || name == ndi_load::store::LOCK_FILE {
            continue;
        }
        let body = std::fs::read_to_string(&p).unwrap();
        let i: usize = body[body.find("MN").unwrap() + 2..][..2].parse().unwrap();
        assert!(!found[i], "MN{i:02} twice");
        found[i] = true;
        let reason = std::fs::read_to_string(format!("{}.reason.txt", p.display())).unwrap();
        assert!(
            reason.contains(&format!("d{i:02}/x.ndi")),
            "{name}: {reason}"
        );
    }
    assert!(found.iter().all(|f| *f), "{found:?}");
}

#[test]
fn many_rejected_files_of_one_name_are_all_quarantined_with_their_own_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    same_named_bad_files(&input, 60);
    let q = tmp.path().join("q");
    let r = convert_quarantined(&input, &tmp.path().join("out"), &q, &["-j", "4", "-q"]);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("60 files: 0 ok, 0 with warnings, 60 rejected"),
        "{}",
        text(&r.stderr)
    );
    check_quarantine(&q, 60);
    let left = files_under(&input);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn xml_conversion_quarantines_rejected_files_too() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    same_named_bad_files(&input, 12);
    let q = tmp.path().join("q");
    let out = tmp.path().join("out");
    let r = convert_quarantined(&input, &out, &q, &["--format", "ndi", "-j", "3"]);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    check_quarantine(&q, 12);
    assert!(files_under(&input).is_empty());
}

#[test]
fn a_quarantine_that_cannot_exist_is_refused_before_anything_is_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = tmp.path().join("out");
    let r = convert_quarantined(&corpora().join("demo"), &out, &file, &[]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("quarantine"),
        "{}",
        text(&r.stderr)
    );
    assert!(!out.join("_manifest.json").exists());
}

#[test]
fn inputs_that_map_to_one_output_name_never_mix_the_first_one_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let gz = corpora().join("demo/SYSTEM on WKS7276548.ndi.gz");
    let plain = corpora().join("ndi/valid/aliases-and-generic.ndi");
    let mut args: Vec<String> = Vec::new();
    for i in 0..20 {
        let x = a.join(format!("f{i}.ndi.gz"));
        let y = b.join(format!("f{i}.ndi"));
        std::fs::copy(&gz, &x).unwrap();
        std::fs::copy(&plain, &y).unwrap();
        args.push(x.display().to_string());
        args.push(y.display().to_string());
    }
    for threads in ["1", "4"] {
        let out = tmp.path().join(format!("out{threads}"));
        let mut cmd = vec!["convert", "--format", "ndi", "-q", "-j", threads, "--out"];
        let out_s = out.display().to_string();
        cmd.push(&out_s);
        cmd.extend(args.iter().map(String::as_str));
        let r = run(&cmd);
        assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
        let stderr = text(&r.stderr);
        assert_eq!(
            stderr.matches("is already written from").count(),
            20,
            "{stderr}"
        );
        assert!(
            stderr.contains("40 files: 20 converted, 20 failed"),
            "{stderr}"
        );
        // Every output is the first input's, complete; nothing temporary is left.
        let names = files_under(&out);
        assert_eq!(names.len(), 20, "{names:?}");
        for p in names {
            let body = std::fs::read_to_string(&p).unwrap();
            assert!(body.contains("WKS7276548"), "{}", p.display());
            assert!(body.trim_end().ends_with("</Inventory>"), "{}", p.display());
        }
        let v = run(&["validate", "-q", &out_s]);
        assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
    }
}

#[test]
fn a_folder_with_an_earlier_run_s_tables_is_refused_unless_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let demo = corpora().join("demo");
    let first = run(&["convert", s(&demo), "--out", s(&out), "-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    // A killed run's hidden temporary part is an earlier run's too.
    std::fs::write(out.join("documents/.part-00009.parquet.tmp"), "partial").unwrap();
    let one = corpora().join("npl/valid/standard-agent-policy.npl");
    let again = run(&["convert", s(&one), "--out", s(&out), "-q"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("--overwrite"),
        "{}",
        text(&again.stderr)
    );
    // Refused before anything was written: the first run's tables are intact.
    assert!(out.join("file_evidence/part-00001.parquet").exists());
    let replaced = run(&["convert", s(&one), "--out", s(&out), "-q", "--overwrite"]);
    assert_eq!(
        replaced.status.code(),
        Some(0),
        "{}",
        text(&replaced.stderr)
    );
    let files: Vec<String> = files_under(&out)
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .filter(|f| f != ndi_load::store::LOCK_FILE)
        .collect();
    // Only this run's parts: one part per table with rows, an empty part for the others.
    assert!(!files.iter().any(|f| f.contains(".tmp")), "{files:?}");
    assert!(
        files.contains(&"file_evidence/part-empty.parquet".to_string()),
        "{files:?}"
    );
    assert!(
        !files.contains(&"file_evidence/part-00001.parquet".to_string()),
        "{files:?}"
    );
    assert_eq!(files.len(), 13, "{files:?}");
}

#[test]
fn table_flags_are_refused_with_xml_output() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = corpora().join("demo");
    for flag in [
        &["--batch-size", "10"][..],
        &["--partition-by", "date"],
        &["--keep-content"],
        &["--loaded-at", "0"],
        &["--overwrite"],
    ] {
        let out = tmp.path().join("xml");
        let mut args = vec!["convert", s(&demo), "--format", "ndi", "--out", s(&out)];
        args.extend_from_slice(flag);
        let r = run(&args);
        assert_eq!(r.status.code(), Some(2), "{flag:?}: {}", text(&r.stderr));
        assert!(text(&r.stderr).contains(flag[0]), "{}", text(&r.stderr));
    }
}

#[test]
fn a_file_given_twice_or_an_output_inside_an_input_folder_is_loaded_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    copy_demo(&input);
    let out = input.join("out");
    let q = input.join("bad");
    for round in 0..2 {
        let r = run(&[
            "convert",
            s(&input),
            s(&input),
            s(&input.join("SYSTEM on WKS7276548.ndi.gz")),
            "--out",
            s(&out),
            "--quarantine",
            s(&q),
            "--overwrite",
            "-q",
        ]);
        assert_eq!(
            r.status.code(),
            Some(0),
            "round {round}: {}",
            text(&r.stderr)
        );
        assert!(
            text(&r.stderr).contains("16 files: 15 ok, 1 with warnings, 0 rejected"),
            "round {round}: {}",
            text(&r.stderr)
        );
    }
    // Nothing of the output was taken for input, let alone quarantined (only the lock that
    // kept other runs out is there).
    assert!(
        files_under(&q)
            .iter()
            .all(|p| p.ends_with(ndi_load::store::LOCK_FILE))
    );
}

#[test]
fn rewritten_xml_never_replaces_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    // An inventory named .mmi rewrites to a.ndi, which is another input.
    let inventory = corpora().join("ndi/valid/aliases-and-generic.ndi");
    std::fs::copy(&inventory, dir.join("a.mmi")).unwrap();
    std::fs::write(dir.join("a.ndi"), "<Inventory MachineName=\"keep-me\"/>").unwrap();
    // The folder itself as --out is refused before anything is read.
    let r = run(&[
        "convert",
        s(&dir),
        "--format",
        "ndi",
        "--out",
        s(&dir),
        "-q",
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r.stderr));
    // Its files given one by one: each output that is an input is refused.
    let r = run(&[
        "convert",
        s(&dir.join("a.mmi")),
        s(&dir.join("a.ndi")),
        "--format",
        "ndi",
        "--out",
        s(&dir),
        "-q",
    ]);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("is an input of this run"),
        "{}",
        text(&r.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("a.ndi")).unwrap(),
        "<Inventory MachineName=\"keep-me\"/>"
    );
}

#[test]
fn partitioned_and_unpartitioned_runs_do_not_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let one = corpora().join("npl/valid/standard-agent-policy.npl");
    let convert = |extra: &[&str]| {
        let mut args = vec!["convert", s(&one), "--out", s(&out), "-q"];
        args.extend_from_slice(extra);
        run(&args)
    };
    let day = ["--partition-by", "date", "--loaded-at", "86400"];
    assert_eq!(convert(&day).status.code(), Some(0));
    // Another day's partition is not this run's: no refusal.
    let next_day = ["--partition-by", "date", "--loaded-at", "172800"];
    assert_eq!(convert(&next_day).status.code(), Some(0));
    // The manifest describes both dates, and its totals are what a reader of the tables sees.
    let manifest = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap()
    };
    let m = manifest();
    assert_eq!(m["rows"]["documents"], 2, "{m}");
    assert_eq!(m["inputs"]["total"], 2, "{m}");
    let dates: Vec<&String> = m["partitions"].as_object().unwrap().keys().collect();
    assert_eq!(dates, ["load_date=1970-01-02", "load_date=1970-01-03"]);
    // Loading a date again replaces its entry.
    let mut again = day.to_vec();
    again.push("--overwrite");
    assert_eq!(convert(&again).status.code(), Some(0));
    assert_eq!(manifest()["rows"]["documents"], 2);
    // Another format beside the other dates' parts would split the data between readers.
    let jsonl = [
        "--partition-by",
        "date",
        "--loaded-at",
        "259200",
        "--format",
        "jsonl",
    ];
    let mixed = convert(&jsonl);
    assert_eq!(mixed.status.code(), Some(2), "{}", text(&mixed.stderr));
    // A date whose documents were removed by hand is no longer counted.
    std::fs::remove_dir_all(out.join("documents/load_date=1970-01-03")).unwrap();
    assert_eq!(convert(&again).status.code(), Some(0));
    assert_eq!(manifest()["rows"]["documents"], 1);
    // An unpartitioned run would be read together with the partitions.
    let flat = convert(&["--loaded-at", "90000"]);
    assert_eq!(flat.status.code(), Some(2), "{}", text(&flat.stderr));
    let replaced = convert(&["--loaded-at", "90000", "--overwrite"]);
    assert_eq!(
        replaced.status.code(),
        Some(0),
        "{}",
        text(&replaced.stderr)
    );
    let parts: Vec<PathBuf> = files_under(&out.join("documents"));
    assert_eq!(parts, [out.join("documents/part-00000.parquet")]);
    assert!(manifest()["partitions"].is_null());
    assert_eq!(manifest()["rows"]["documents"], 1);
    // And the other way round.
    let again = convert(&day);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
}

#[test]
fn quiet_still_names_rejected_files_and_unwritable_output_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    same_named_bad_files(&input, 2);
    let r = run(&[
        "convert",
        s(&input),
        "--out",
        s(&tmp.path().join("t")),
        "-q",
    ]);
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(
        text(&r.stderr).matches("x.ndi: rejected").count(),
        2,
        "{}",
        text(&r.stderr)
    );
    // XML output whose folder cannot be made: an output error, not a bad input.
    let good = tmp.path().join("good/d1");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::copy(
        corpora().join("ndi/valid/aliases-and-generic.ndi"),
        good.join("a.ndi"),
    )
    .unwrap();
    let out = tmp.path().join("xml");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("d1"), "a file where a folder should go").unwrap();
    let r = run(&[
        "convert",
        s(&tmp.path().join("good")),
        "--format",
        "ndi",
        "--out",
        s(&out),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r.stderr));
}

fn copy_demo(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(corpora().join("demo")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}
