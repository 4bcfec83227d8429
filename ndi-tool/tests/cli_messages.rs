//! Messages readers must not misread: every finding names its file, counts agree in number,
//! quarantined files say where they went.

mod common;

use common::{bin, corpora, run, s, text};

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
    let r = bin()
        .args([
            "convert",
            s(&input),
            "--out",
            s(&tmp.path().join("out")),
            "--quarantine",
            s(&q),
        ])
        .output()
        .unwrap();
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
