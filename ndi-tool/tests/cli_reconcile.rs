//! `ndi-tool reconcile` over tables written by `convert`: the five tables appear, a second
//! run replaces them with the same content, and bad flags or rules are usage errors.

mod common;

use std::fs::File;
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use common::{run, s, text};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn inventory(name: &str, agent: &str, serial: &str, time: &str) -> String {
    format!(
        r#"<Inventory Scope="corp.example" MachineName="{name}" Hardware="True" Software="True" DateTime="{time}" AgentID="{agent}">
<Hardware><Class Name="Win32_BIOS"><Instance><Property Name="SerialNumber" Value="{serial}"/></Instance></Class>
<Class Name="Win32_ComputerSystem"><Instance><Property Name="Manufacturer" Value="Contoso"/><Property Name="Model" Value="M1"/><Property Name="Domain" Value="corp.example"/></Instance></Class></Hardware>
<Software><Installer Type="MSI" Name="Editor" Version="1.{time}"/></Software>
</Inventory>"#
    )
}

fn table(root: &Path, name: &str) -> Vec<RecordBatch> {
    let f = File::open(root.join(name).join("part-00000.parquet")).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn reconcile_writes_the_five_tables_and_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for (file, xml) in [
        ("a1.ndi", inventory("PC1", "AG-1", "SN1", "20261101T080000")),
        (
            "a2.ndi",
            inventory("PC1-NEW", "AG-1", "SN1", "20261110T080000"),
        ),
        ("b.ndi", inventory("PC2", "AG-2", "SN2", "20261102T080000")),
    ] {
        std::fs::write(input.join(file), xml).unwrap();
    }
    let lake = dir.path().join("lake");
    let out = run(&["convert", s(&input), "--out", s(&lake), "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&["reconcile", "--table", s(&lake), "--as-of", "2026-12-05"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3 documents, 2 devices (1 stale)"),
        "{}",
        text(&out.stdout)
    );
    let devices = table(&lake, "devices");
    assert_eq!(devices.iter().map(RecordBatch::num_rows).sum::<usize>(), 2);
    let names: Vec<String> = devices[0]
        .column_by_name("machine_name")
        .unwrap()
        .as_string::<i32>()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    assert!(names.contains(&"PC1-NEW".to_string()), "{names:?}");
    let inst = table(&lake, "installations");
    let versions: Vec<&str> = inst[0]
        .column_by_name("version")
        .unwrap()
        .as_string::<i32>()
        .iter()
        .map(Option::unwrap)
        .collect();
    // Each device's latest software document only.
    assert_eq!(versions.len(), 2);
    assert!(versions.contains(&"1.20261110T080000"));
    for t in ["device_map", "identity_findings", "usage_by_installation"] {
        assert!(lake.join(t).join("part-00000.parquet").is_file(), "{t}");
    }
    // inspect --device: by an earlier name, with the reason that joined the renamed document.
    let out = run(&["inspect", "--device", "pc1", "--table", s(&lake)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("documents (2)"), "{shown}");
    assert!(
        shown.contains("PC1-NEW") && shown.contains("agent_id: ag-1"),
        "{shown}"
    );
    let out = run(&["inspect", "--device", "PC2", "--table", s(&lake), "--json"]);
    let dev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dev["documents"], 1);
    assert_eq!(dev["installations"], 1);
    assert_eq!(dev["documents_detail"][0]["match_reason"], "earliest");
    let out = run(&["inspect", "--device", "PC9", "--table", s(&lake)]);
    assert_eq!(out.status.code(), Some(1));
    // A second run replaces the tables with the same content.
    let before = std::fs::read(lake.join("device_map/part-00000.parquet")).unwrap();
    let out = run(&["reconcile", "--table", s(&lake), "--as-of", "2026-12-05"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files: Vec<_> = std::fs::read_dir(lake.join("device_map"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::fs::read(lake.join("device_map/part-00000.parquet")).unwrap(),
        before
    );
}

#[test]
fn rules_flags_and_errors() {
    let out = run(&["reconcile", "--print-rules", "--stale-days", "7"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules["stale_days"], 7);
    assert_eq!(rules["order"][0], "agent_id");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("rules.json");
    std::fs::write(&bad, r#"{"order": ["agent_id", "agent_id"]}"#).unwrap();
    let out = run(&["reconcile", "--table", s(dir.path()), "--rules", s(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("named twice"),
        "{}",
        text(&out.stderr)
    );
    // No imported tables under --table.
    let out = run(&["reconcile", "--table", s(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "reconcile",
        "--table",
        s(dir.path()),
        "--as-of",
        "yesterday",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
