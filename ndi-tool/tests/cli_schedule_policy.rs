//! `ndi-tool schedule` and `ndi-tool policy` on documents that break their format's rules:
//! the same checks as `validate`; a finding that makes the answer wrong is an error (file,
//! line:column, element path, rule), no answer, exit 1; others are warnings above the answer.

mod common;

use common::{corpora, run, text};

use std::path::{Path, PathBuf};
use std::process::Output;

/// The one finding of a golden invalid file: (severity, rule, line:column, element path).
fn expected_finding(file: &Path) -> (String, String, String, String) {
    let expected = std::fs::read_to_string(file.with_extension("expected")).unwrap();
    let mut parts = expected.trim_end().splitn(4, ' ');
    let severity = parts.next().unwrap().to_string();
    let rule = parts.next().unwrap().to_string();
    let position = parts.next().unwrap().to_string();
    let path = parts
        .next()
        .unwrap()
        .split(": ")
        .next()
        .unwrap()
        .to_string();
    (severity, rule, position, path)
}

fn schedule(file: &Path, json: bool) -> Output {
    let mut args = vec![
        "schedule",
        file.to_str().unwrap(),
        "--from",
        "2024-03-29T00:00:00",
        "--tz",
        "Europe/Berlin",
        "--next",
        "3",
    ];
    if json {
        args.push("--json");
    }
    run(&args)
}

/// Schedule rules that do not change the next runs: reported as warnings, runs kept.
const SCHEDULE_WARNINGS: [&str; 5] = [
    "nds-schedschema",
    "nds-timedatestamp",
    "nds-boolean",
    "nds-catchup",
    "nds-id",
];

#[test]
fn schedule_withholds_runs_when_a_rule_they_depend_on_is_broken() {
    let mut refused = Vec::new();
    let mut kept = Vec::new();
    let dir = corpora().join("nds/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nds"))
        .collect();
    files.sort();
    assert!(files.len() >= 14, "{files:?}");
    for file in &files {
        let (_, rule, position, element_path) = expected_finding(file);
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        for json in [false, true] {
            let out = schedule(file, json);
            let stderr = text(&out.stderr);
            let stdout = text(&out.stdout);
            let located = format!("{}:{position}: ", file.display());
            let line = stderr
                .lines()
                .find(|l| l.starts_with(&located))
                .unwrap_or_else(|| panic!("{name}: no finding at {located} in {stderr}"));
            assert!(
                line.contains(&format!("[{rule}]"))
                    && line.contains(&format!("at {element_path})")),
                "{name}: {line}"
            );
            if SCHEDULE_WARNINGS.contains(&rule.as_str()) {
                assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
                assert!(line.contains(": warning: "), "{name}: {line}");
                if json {
                    let runs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert!(!runs.as_array().unwrap().is_empty(), "{name}: {stdout}");
                } else {
                    assert!(stdout.contains("next 3 runs"), "{name}: {stdout}");
                }
                kept.push(name.clone());
            } else {
                assert_eq!(out.status.code(), Some(1), "{name}: {stdout}{stderr}");
                assert!(line.contains(": error: "), "{name}: {line}");
                assert_eq!(stdout, "", "{name}: no misleading runs");
                assert!(
                    stderr.contains(&format!("{}: next runs not computed", file.display())),
                    "{name}: {stderr}"
                );
                refused.push(name.clone());
            }
        }
    }
    // The files the defect report named are refused, including the unknown trigger type,
    // which `validate` only warns about but which would leave runs out of the answer.
    for name in [
        "datestart-not-a-date.nds",
        "timestart-out-of-range.nds",
        "weekly-mask-out-of-range.nds",
        "unknown-trigger-type.nds",
        "dateend-before-datestart.nds",
        "negative-duration.nds",
        "repeat-exceeds-duration.nds",
        "timewindow-a-day.nds",
        "duplicate-event-id.nds",
        "unclosed-event.nds",
    ] {
        assert!(refused.contains(&name.to_string()), "{name}: {refused:?}");
    }
    for name in [
        "catchup-unknown-value.nds",
        "id-not-braced.nds",
        "network-not-boolean.nds",
        "timedatestamp-without-z.nds",
    ] {
        assert!(kept.contains(&name.to_string()), "{name}: {kept:?}");
    }
}

#[test]
fn schedule_of_a_valid_file_prints_runs_without_findings() {
    for name in [
        "default-machine-schedule.nds",
        "weekly-monthly-once.nds",
        "every-third-day-with-end.nds",
    ] {
        let out = schedule(&corpora().join("nds/valid").join(name), false);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{name}");
        assert!(text(&out.stdout).contains("next 3 runs"), "{name}");
    }
}

#[test]
fn schedule_warnings_that_do_not_change_runs_keep_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    // Two LogicalCommands (the first is used) and an event without triggers (never runs).
    let nds = dir.path().join("s.nds");
    std::fs::write(
        &nds,
        r#"<Schedule NAME="S">
  <Event NAME="A" ID="{6D3F8A52-1E11-4C3B-9A57-0D6A2C5F1B01}">
    <LogicalCommand COMPONENT="Tracker" ACTION="Generate"/>
    <LogicalCommand COMPONENT="Tracker" ACTION="Upload"/>
    <Trigger TYPE="Daily" TIMESTART="020000" DATESTART="20240101"/>
  </Event>
  <Event NAME="B" ID="{6D3F8A52-1E11-4C3B-9A57-0D6A2C5F1B02}">
    <LogicalCommand COMPONENT="Tracker" ACTION="Generate"/>
  </Event>
</Schedule>"#,
    )
    .unwrap();
    let out = schedule(&nds, false);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:2:3: warning: ", nds.display()))
            && stderr.contains("[nds-command]"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:7:3: warning: ", nds.display()))
            && stderr.contains("[nds-trigger-missing]"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("next 3 runs"), "{stdout}");
    assert!(stdout.contains("2024-03-29T02:00:00"), "{stdout}");
}

#[test]
fn schedule_given_another_format_or_a_missing_file() {
    let npl = corpora().join("npl/valid/standard-agent-policy.npl");
    let out = schedule(&npl, false);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:3:1: error: ", npl.display()))
            && stderr.contains("[unexpected-root] (byte 112, at /Policy)"),
        "{stderr}"
    );
    let out = schedule(Path::new("/no/such/file.nds"), false);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/file.nds"));
}

fn policy(file: &Path, json: bool) -> Output {
    let mut args = vec!["policy", file.to_str().unwrap()];
    if json {
        args.push("--json");
    }
    run(&args)
}

#[test]
fn policy_withholds_packages_when_the_policy_has_an_error() {
    let dir = corpora().join("npl/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "npl"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for file in &files {
        let (severity, rule, position, element_path) = expected_finding(file);
        assert_eq!(severity, "error");
        let name = file.file_name().unwrap().to_str().unwrap();
        for json in [false, true] {
            let out = policy(file, json);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
            assert_eq!(text(&out.stdout), "", "{name}: no misleading packages");
            let located = format!("{}:{position}: error: ", file.display());
            let line = stderr
                .lines()
                .find(|l| l.starts_with(&located))
                .unwrap_or_else(|| panic!("{name}: no error at {located} in {stderr}"));
            assert!(
                line.contains(&format!("[{rule}]"))
                    && line.contains(&format!("at {element_path})")),
                "{name}: {line}"
            );
            assert!(
                stderr.contains(&format!(
                    "{}: effective packages not computed: 1 error above",
                    file.display()
                )),
                "{name}: {stderr}"
            );
        }
    }
    // The cases of the defect report: no `-` object id, no empty href.
    let out = policy(&dir.join("missing-objectid.npl"), false);
    assert!(text(&out.stderr).contains("Package has no ObjectID attribute [npl-required]"));
    let out = policy(&dir.join("empty-href.npl"), false);
    assert!(text(&out.stderr).contains("[npl-href] (byte 196, at /Policy/Policy[1]/Package[1])"));
}

#[test]
fn policy_warnings_keep_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let npl = dir.path().join("p.npl");
    std::fs::write(
        &npl,
        r#"<Policy AppliesTo="*">
  <Policy GUID="not-a-guid">
    <Package href="S/S.osd" ObjectID="{S}"/>
    <Package href="T/T.osd" ObjectID="{T}" Precedence="3"/>
  </Policy>
</Policy>"#,
    )
    .unwrap();
    let out = policy(&npl, true);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:2:11: warning: ", npl.display()))
            && stderr.contains("[npl-guid]"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:3:5: warning: ", npl.display()))
            && stderr.contains("[npl-precedence-missing]"),
        "{stderr}"
    );
    let packages: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = packages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["object_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["{S}", "{T}"]);

    // Valid policies: packages, nothing on stderr.
    for name in [
        "standard-agent-policy.npl",
        "merged-duplicate-objectids.npl",
        "unknown-vocabulary.npl",
    ] {
        let out = policy(&corpora().join("npl/valid").join(name), false);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{name}");
        assert!(text(&out.stdout).contains("effective packages"));
    }
}
