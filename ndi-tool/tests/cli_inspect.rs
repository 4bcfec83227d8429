//! `ndi-tool inspect` on corpus files: key figures in JSON and text, exit codes.

mod common;

use common::{run, text};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn corpus(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpora")
        .join(rel)
}

fn inspect_json(rel: &str) -> Value {
    let path = corpus(rel);
    let out = run(&["inspect", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "one JSON object: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

fn inspect_text(rel: &str) -> String {
    let path = corpus(rel);
    let out = run(&["inspect", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn inventory_summary() {
    let s = inspect_json("ndi/valid/windows-full.ndi");
    assert_eq!(s["format"], "ndi");
    assert_eq!(s["root"], "Inventory");
    assert_eq!(s["compression"], "none");
    assert_eq!(s["encoding"], "UTF-8");
    let size = std::fs::metadata(corpus("ndi/valid/windows-full.ndi"))
        .unwrap()
        .len();
    assert_eq!(s["size_bytes"], size);
    assert_eq!(s["xml_bytes"], size);
    let id = &s["identity"];
    assert_eq!(id["machine_name"], "PC-0042");
    assert_eq!(id["scope"], "corp.example.com");
    assert_eq!(id["user_name"], "SYSTEM");
    assert_eq!(id["serial_number"], "5CG1234XYZ");
    assert_eq!(id["hardware_uuid"], "4C4C4544-0042-3510-8031-B4C04F4A3132");
    assert_eq!(id["agent_id"], Value::Null);
    assert_eq!(s["date_time"], "20241112T031522");
    assert_eq!(s["tracker"], "21.2.0");
    assert_eq!(s["inventory_type"], "Full");
    let c = &s["counts"];
    for (key, n) in [
        ("hardware_classes", 4),
        ("hardware_instances", 5),
        ("hardware_properties", 10),
        ("installers", 3),
        ("files", 3),
        ("directories", 2),
        ("content", 1),
        ("service_providers", 0),
        ("usage_records", 0),
        ("generic_elements", 0),
    ] {
        assert_eq!(c[key], n, "{key}");
    }
    let top = s["top_hardware_classes"].as_array().unwrap();
    assert_eq!(top.len(), 4);
    assert_eq!(top[0]["class"], "Win32_Processor");
    assert_eq!(top[0]["properties"], 4);
    assert_eq!(top[0]["instances"], 2);
    assert_eq!(top[1]["class"], "Win32_BIOS");
    let publishers: Vec<&str> = s["top_publishers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["publisher"].as_str().unwrap())
        .collect();
    assert_eq!(publishers, ["AT&T", "Igor Pavlov", "Microsoft Corporation"]);
    assert_eq!(s["warnings"], 0);

    let t = inspect_text("ndi/valid/windows-full.ndi");
    for needle in [
        "Format           ndi <Inventory>, plain, UTF-8",
        "Device           PC-0042 (scope corp.example.com), user SYSTEM",
        "Serial           5CG1234XYZ",
        "Hardware UUID    4C4C4544-0042-3510-8031-B4C04F4A3132",
        "Time             20241112T031522 (Full, Machine)",
        "hardware: 4 classes, 5 instances, 10 properties",
        "files: 3 in 2 directories",
        "installers: 3",
        "Top classes      Win32_Processor (4), Win32_BIOS (3)",
        "Warnings         0",
    ] {
        assert!(t.contains(needle), "{needle:?} in\n{t}");
    }
    assert!(t.lines().count() <= 24, "one screen:\n{t}");
}

#[test]
fn gzipped_usage_summary() {
    let s = inspect_json("mmi/valid/weekly-summary.mmi.gz");
    assert_eq!(s["format"], "mmi");
    assert_eq!(s["compression"], "gzip");
    assert!(s["xml_bytes"].as_u64().unwrap() > s["size_bytes"].as_u64().unwrap());
    assert_eq!(s["identity"]["machine_name"], "PC-0042");
    assert_eq!(s["identity"]["scope"], "corp.example.com");
    assert_eq!(s["tracker"], "14.2");
    assert_eq!(s["weeks"], serde_json::json!(["20241104T000000"]));
    assert_eq!(s["counts"]["usage_devices"], 1);
    assert_eq!(s["counts"]["usage_users"], 2);
    assert_eq!(s["counts"]["usage_records"], 3);
    let t = inspect_text("mmi/valid/weekly-summary.mmi.gz");
    assert!(t.contains("mmi <USAGE>, gzip"), "{t}");
    assert!(
        t.contains("usage: 1 devices, 2 users, 3 application records"),
        "{t}"
    );
}

#[test]
fn schedule_summary_with_next_runs() {
    let before = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let s = inspect_json("nds/valid/default-machine-schedule.nds");
    assert_eq!(s["format"], "nds");
    assert_eq!(s["date_time"], "20240115T101500Z");
    let sch = &s["schedule"];
    assert_eq!(sch["name"], "Default Machine Schedule");
    assert_eq!(sch["timedatestamp"], "2024-01-15T10:15:00Z");
    assert_eq!(sch["events"], 3);
    assert_eq!(sch["triggers"], 4);
    assert_eq!(s["counts"]["events"], 3);
    assert_eq!(s["counts"]["triggers"], 4);
    let on = sch["event_triggers"].as_array().unwrap();
    assert_eq!(on.len(), 1);
    assert_eq!(on[0]["event"], "Update Machine Policy");
    assert_eq!(on[0]["on"], "on network connect");
    let runs = sch["next_runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    let starts: Vec<&str> = runs
        .iter()
        .map(|r| r["start_utc"].as_str().unwrap())
        .collect();
    assert!(starts.iter().all(|s| s.len() == 20 && s.ends_with('Z')));
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    // Runs start at or after the moment of the call.
    assert!(starts[0] >= before.as_str(), "{starts:?} from {before}");
    let t = inspect_text("nds/valid/default-machine-schedule.nds");
    assert!(
        t.contains("Schedule         Default Machine Schedule: 3 events, 4 triggers"),
        "{t}"
    );
    assert!(t.contains("Next runs (UTC)"), "{t}");
    assert!(
        t.contains("Update Machine Policy: on network connect"),
        "{t}"
    );
}

#[test]
fn policy_summary() {
    let s = inspect_json("npl/valid/standard-agent-policy.npl");
    assert_eq!(s["format"], "npl");
    let p = &s["policy"];
    assert_eq!(p["policies"], 1);
    assert_eq!(p["packages"], 5);
    assert_eq!(p["effective_packages"], 5);
    assert_eq!(
        p["effective"][0]["object_id"],
        "{0F1D5E3A-6B2C-4C8D-9E7F-1A2B3C4D5E60}"
    );
    assert_eq!(s["counts"]["packages"], 5);
    assert_eq!(s["counts"]["generic_elements"], 0);
    let t = inspect_text("npl/valid/standard-agent-policy.npl");
    assert!(
        t.contains("Policy           1 policies, 5 packages, 5 effective"),
        "{t}"
    );
}

#[test]
fn invalid_and_missing_files_exit_2() {
    let bad = corpus("ndi/invalid/mismatched-end.ndi");
    let out = run(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("mismatched-end.ndi:1:38") && stderr.contains("[xml-syntax]"),
        "{stderr}"
    );
    // What was read before the error is shown (issue 17), the error itself on stderr.
    assert!(
        text(&out.stdout).contains("Complete         no"),
        "{}",
        text(&out.stdout)
    );

    let out = run(&["inspect", "--json", "/no/such/file.ndi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/file.ndi"));
}
