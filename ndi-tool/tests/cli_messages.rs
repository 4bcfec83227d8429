//! Messages readers must not misread: every finding names its file, counts agree in number,
//! quarantined files say where they went.

mod common;

use common::{convert_quarantined, corpora, run, s, text};

#[test]
fn on_a_terminal_findings_without_a_source_line_name_their_file() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` to give the command a terminal: skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("e.ndi");
    std::fs::write(&empty, "").unwrap();
    let gz = std::fs::read(corpora().join("demo/SYSTEM on LT1970941.ndi.gz")).unwrap();
    let truncated = tmp.path().join("t.ndi.gz");
    std::fs::write(&truncated, &gz[..2000]).unwrap();
    let command = format!(
        "{} validate {} {}",
        env!("CARGO_BIN_EXE_ndi-tool"),
        s(&empty),
        s(&truncated)
    );
    let r = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let out = text(&r.stdout);
    assert!(out.contains("[empty-document]"), "{out}");
    for line in out
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
    {
        let named = line.contains(s(&empty)) || line.contains(s(&truncated));
        // A finding with a source line names its file on the `┌─ file:line:col` line.
        assert!(named, "{line}\n{out}");
    }
    assert!(
        out.contains(&format!("{}: empty document", s(&empty))),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}: corrupt", s(&truncated))),
        "{out}"
    );
}

#[test]
fn one_file_is_one_file() {
    let one = corpora().join("demo/PC-0042-5f3a.npl");
    let r = run(&["validate", s(&one)]);
    assert!(
        text(&r.stderr).contains("1 file checked: 1 valid"),
        "{}",
        text(&r.stderr)
    );
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["convert", s(&one), "--out", s(&tmp.path().join("out"))]);
    assert!(
        text(&r.stderr).contains("1 file: 1 ok, 0 with warnings, 0 rejected, 0 duplicates"),
        "{}",
        text(&r.stderr)
    );
}

#[test]
fn rejected_files_say_where_they_were_quarantined() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("bad.ndi"), "<Inventory><Hardware>").unwrap();
    std::fs::copy(
        corpora().join("demo/PC-0042-5f3a.npl"),
        input.join("ok.npl"),
    )
    .unwrap();
    let q = tmp.path().join("q");
    let r = convert_quarantined(&input, &tmp.path().join("out"), &q, &[]);
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "; moved to {} (reason beside it)",
            q.join("bad.ndi").display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "1 rejected file moved to the quarantine folder {}",
            q.display()
        )),
        "{stderr}"
    );
}

#[test]
fn files_that_are_not_what_their_name_says_are_named_for_what_they_look_like() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases = [
        (
            write("photo.ndi.gz", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01"),
            "not gzip although named .gz: looks like a JPEG image",
        ),
        (
            write(
                "noise.ndi.gz",
                &[0x03, 0x9c, 0x00, 0x17, 0xf1, 0x02, 0x88, 0x01, 0x00, 0x05],
            ),
            "not gzip although named .gz: looks like binary data",
        ),
        (
            write("archive.ndi", b"PK\x03\x04\x14\x00\x00\x00\x08\x00"),
            "looks like a ZIP archive, not XML",
        ),
        (
            write("data.ndi", b"{\"MachineName\": \"pc1\"}\n"),
            "looks like JSON, not XML",
        ),
    ];
    for (path, expected) in &cases {
        let r = run(&["validate", s(path)]);
        let out = text(&r.stdout);
        assert_eq!(r.status.code(), Some(1), "{out}");
        assert!(
            out.starts_with(s(path)) && out.contains(expected) && out.contains("[unknown-format]"),
            "{out}"
        );
    }
    // A real XML error in a real inventory keeps its own rule.
    let broken = write("broken.ndi", b"<Inventory><Hardware></Inventory>");
    let out = text(&run(&["validate", s(&broken)]).stdout);
    assert!(!out.contains("unknown-format"), "{out}");
}

#[test]
fn inspect_of_a_broken_file_shows_what_was_read_before_the_error() {
    let tmp = tempfile::tempdir().unwrap();
    let gz = std::fs::read(corpora().join("demo/SYSTEM on LT1970941.ndi.gz")).unwrap();
    let truncated = tmp.path().join("t.ndi.gz");
    std::fs::write(&truncated, &gz[..2000]).unwrap();
    let r = run(&["inspect", s(&truncated)]);
    let out = text(&r.stdout);
    assert_eq!(r.status.code(), Some(2), "{out}");
    assert!(text(&r.stderr).contains("[gzip]"), "{}", text(&r.stderr));
    assert!(
        out.contains("Complete         no") && out.contains("MachineName=LT1970941"),
        "{out}"
    );
    let r = run(&["inspect", "--json", s(&truncated)]);
    assert_eq!(r.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(text(&r.stdout).trim()).unwrap();
    assert_eq!(v["complete"], false);
    assert_eq!(v["root_attributes"]["MachineName"], "LT1970941");
    assert!(v["records_read"].as_u64().unwrap() > 0);
    assert!(v["error"].as_str().unwrap().contains("[gzip]"));
}

#[test]
fn inspect_lists_the_warnings_it_counts() {
    let r = run(&["inspect", s(&corpora().join("demo/SYSTEM on PC-CTRL.ndi"))]);
    let out = text(&r.stdout);
    assert_eq!(r.status.code(), Some(0), "{out}");
    let at = out.find("Warnings         2").expect(&out);
    let listed: Vec<&str> = out[at..].lines().skip(1).collect();
    assert_eq!(listed.len(), 2, "{out}");
    assert!(
        listed.iter().all(|l| l.contains("[xml-illegal-char]")),
        "{out}"
    );
}

fn demo(name: &str) -> String {
    corpora().join("demo").join(name).display().to_string()
}

#[test]
fn diff_says_first_when_machines_or_formats_differ() {
    let (a, b) = (
        demo("SYSTEM on LT1970941.ndi.gz"),
        demo("SYSTEM on LT7516735.ndi.gz"),
    );
    let r = run(&["diff", &a, &b]);
    let out = text(&r.stdout);
    assert_eq!(r.status.code(), Some(1));
    assert!(out.starts_with("note: different machines (uuid "), "{out}");
    let r = run(&["diff", &a, &b, "--json"]);
    let v: serde_json::Value = serde_json::from_str(text(&r.stdout).trim()).unwrap();
    assert_eq!(v[0]["kind"], "note");
    assert!(
        v[0]["message"]
            .as_str()
            .unwrap()
            .contains("different machines")
    );
    let r = run(&["diff", &a, &demo("PC-0042-5f3a.npl")]);
    assert!(
        text(&r.stdout).starts_with("note: different formats (ndi and npl)"),
        "{}",
        text(&r.stdout)
    );
    // Two states of one machine: no note.
    let r = run(&["diff", &a, &a]);
    assert!(!text(&r.stdout).contains("note:"), "{}", text(&r.stdout));
}

#[test]
fn diff_stat_gives_one_line_per_pair_and_sections_can_be_chosen() {
    let (a, b) = (
        demo("SYSTEM on LT1970941.ndi.gz"),
        demo("SYSTEM on LT7516735.ndi.gz"),
    );
    let full = run(&["diff", &a, &b, "--json"]);
    let all: serde_json::Value = serde_json::from_str(text(&full.stdout).trim()).unwrap();
    let count = |section: &str, kind: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["section"] == section && c["kind"] == kind)
            .count()
    };
    let r = run(&["diff", &a, &b, "--stat"]);
    let out = text(&r.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("note:")).collect();
    assert_eq!(lines.len(), 1, "{out}");
    let expected = format!(
        "hardware +{} -{} ~{}",
        count("hardware", "added"),
        count("hardware", "removed"),
        count("hardware", "changed")
    );
    assert!(
        lines[0].starts_with(&format!("{a} -> {b}  ")) && lines[0].contains(&expected),
        "{out}\n{expected}"
    );
    // --only: just those sections; the exit status follows what is compared.
    let r = run(&["diff", &a, &b, "--json", "--only", "header"]);
    let v: serde_json::Value = serde_json::from_str(text(&r.stdout).trim()).unwrap();
    let sections: std::collections::BTreeSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] != "note")
        .map(|c| c["section"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["header"].into());
    let r = run(&[
        "diff",
        &a,
        &b,
        "--ignore",
        "header,hardware,installers,files",
        "-q",
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    let r = run(&["diff", &a, &b, "--only", "hardwar"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(text(&r.stderr).contains("unknown section \"hardwar\""));
}

/// `text` as UTF-16LE with a byte order mark.
fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

#[test]
fn a_utf16_file_that_declares_utf8_gets_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let body = r#"<Inventory MachineName="pc1" DateTime="20240101T000000"><Hardware/></Inventory>"#;
    let wrong = tmp.path().join("wrong.ndi");
    std::fs::write(
        &wrong,
        utf16le(&format!(r#"<?xml version="1.0" encoding="UTF-8"?>{body}"#)),
    )
    .unwrap();
    let right = tmp.path().join("right.ndi");
    std::fs::write(
        &right,
        utf16le(&format!(r#"<?xml version="1.0" encoding="UTF-16"?>{body}"#)),
    )
    .unwrap();
    let r = run(&["validate", s(&wrong)]);
    let out = text(&r.stdout);
    assert_eq!(r.status.code(), Some(0), "{out}");
    assert!(
        out.contains(&format!(
            "{}: warning: the XML declaration says encoding=\"UTF-8\" but the file is UTF-16LE",
            s(&wrong)
        )) && out.contains("[xml-encoding-mismatch]"),
        "{out}"
    );
    let out = text(&run(&["validate", s(&right)]).stdout);
    assert!(!out.contains("xml-encoding-mismatch"), "{out}");
}

#[test]
fn schedule_runs_show_their_utc_offset_across_a_dst_change() {
    let r = run(&[
        "schedule",
        &demo("Default Machine Schedule.nds"),
        "--tz",
        "Europe/Berlin",
        "--from",
        "2024-03-30T22:00:00",
        "--next",
        "12",
    ]);
    let out = text(&r.stdout);
    assert_eq!(r.status.code(), Some(0), "{out}");
    let runs: Vec<&str> = out.lines().filter(|l| l.starts_with("  2024-")).collect();
    assert!(
        runs.iter()
            .any(|l| l.starts_with("  2024-03-30T") && l.contains("+01:00  (nominal")),
        "{out}"
    );
    assert!(
        runs.iter()
            .any(|l| l.starts_with("  2024-03-31T") && l.contains("+02:00  (nominal")),
        "{out}"
    );
}

#[test]
fn policy_shows_hrefs_decoded() {
    let npl = corpora().join("npl/valid/merged-duplicate-objectids.npl");
    let r = run(&["policy", s(&npl)]);
    let out = text(&r.stdout);
    assert!(
        out.contains("/ClientSettings/Failover Settings/Failover Settings.osd")
            && !out.contains("%20"),
        "{out}"
    );
    let r = run(&["policy", s(&npl), "--json"]);
    let v: serde_json::Value = serde_json::from_str(text(&r.stdout).trim()).unwrap();
    let p = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["href"].as_str().unwrap().contains("Failover%20Settings"))
        .unwrap();
    assert_eq!(
        p["href_decoded"],
        "$(DownloadRootURL)/ClientSettings/Failover Settings/Failover Settings.osd"
    );
}

#[test]
fn convert_names_what_a_rejected_non_xml_file_looks_like() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("photo.ndi.gz"),
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = run(&["convert", s(&input), "--out", s(&out), "--format", "jsonl"]);
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "photo.ndi.gz: rejected: not gzip although named .gz: looks like a JPEG image"
        ),
        "{stderr}"
    );
    let row: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(out.join("documents/part-00000.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(row["error_rule"], "unknown-format");
    assert!(
        row["error"]
            .as_str()
            .unwrap()
            .starts_with("not gzip although named .gz: looks like a JPEG image"),
        "{row}"
    );
}
