//! `ndi-tool diff` on temporary files and folders: exit codes, JSON change objects, text.

mod common;

use common::{corpora, run, s, text};

use std::io::Write;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn json_changes(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    v.as_array().unwrap().clone()
}

/// An inventory, indented, attributes in one order.
const PRETTY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Inventory PUBLIC "Inventory" "http://www.managesoft.com/inventory.dtd">
<Inventory Tracker="21.2.0" MachineName="PC1" Scope="corp.example" DateTime="20241112T031522" Hardware="True" Software="True">
  <Hardware>
    <Class Name="Win32_BIOS">
      <Instance>
        <Property Name="SerialNumber" Value="SN-1"/>
        <Property Name="Manufacturer" Value="Dell Inc."/>
      </Instance>
    </Class>
    <Class Name="Win32_ComputerSystemProduct">
      <Instance><Property Name="UUID" Value="UUID-1"/></Instance>
    </Class>
  </Hardware>
  <Software>
    <Installer Type="MSI" Name="7-Zip" Version="23.01" Publisher="Igor Pavlov" ProductCode="{A}"/>
    <Installer Type="ARP" Name="Tool" Version="1.0" Publisher="ACME"/>
  </Software>
  <Files>
    <Directory Path="C:\App">
      <File Name="a.exe" Size="10" Version="1.0"/>
      <File Name="b.exe" Size="20" Version="2.0"/>
    </Directory>
  </Files>
</Inventory>
"#;

/// The same inventory on one line, attributes and records in another order, no prolog.
const COMPACT: &str = r#"<Inventory Software="True" Hardware="True" DateTime="20241112T031522" Scope="corp.example" MachineName="PC1" Tracker="21.2.0"><Files><Directory Path="C:\App"><File Version="2.0" Size="20" Name="b.exe"/><File Name="a.exe" Version="1.0" Size="10"/></Directory></Files><Software><Installer Publisher="ACME" Version="1.0" Name="Tool" Type="ARP"/><Installer ProductCode="{A}" Publisher="Igor Pavlov" Version="23.01" Name="7-Zip" Type="MSI"/></Software><Hardware><Class Name="Win32_ComputerSystemProduct"><Instance><Property Value="UUID-1" Name="UUID"/></Instance></Class><Class Name="Win32_BIOS"><Instance><Property Name="Manufacturer" Value="Dell Inc."/><Property Name="SerialNumber" Value="SN-1"/></Instance></Class></Hardware></Inventory>"#;

#[test]
fn equivalent_documents_exit_0_with_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.ndi");
    let b = dir.path().join("b.ndi.gz");
    std::fs::write(&a, PRETTY).unwrap();
    std::fs::write(&b, gzip(COMPACT.as_bytes())).unwrap();

    let out = run(&["diff", "--json", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json_changes(&out), Vec::<Value>::new());

    let out = run(&["diff", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    assert!(text(&out.stderr).contains("no differences"));
}

#[test]
fn changes_exit_1_with_the_expected_change_objects() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("old.ndi");
    let b = dir.path().join("new.ndi");
    std::fs::write(&a, PRETTY).unwrap();
    let changed = PRETTY
        .replace(r#"Value="Dell Inc.""#, r#"Value="Dell Technologies""#)
        .replace(r#"Version="23.01""#, r#"Version="24.08""#)
        .replace(
            r#"<File Name="b.exe" Size="20" Version="2.0"/>"#,
            "",
        )
        .replace(
            "</Software>",
            r#"<Installer Type="MSI" Name="Notepad++" Version="8.6" Publisher="Don Ho"/></Software>"#,
        );
    std::fs::write(&b, changed).unwrap();

    let out = run(&["diff", "--json", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let expected = vec![
        json!({
            "kind": "changed",
            "section": "hardware",
            "key": "Win32_BIOS[0].Manufacturer",
            "key_fields": {"class": "Win32_BIOS", "instance": "0", "property": "Manufacturer"},
            "old": {"Value": "Dell Inc."},
            "new": {"Value": "Dell Technologies"},
            "changed_attributes": ["Value"],
        }),
        json!({
            "kind": "changed",
            "section": "installers",
            "key": "MSI | 7-Zip | Igor Pavlov",
            "key_fields": {"type": "MSI", "name": "7-Zip", "publisher": "Igor Pavlov"},
            "old": {"Type": "MSI", "Name": "7-Zip", "Version": "23.01", "Publisher": "Igor Pavlov", "ProductCode": "{A}"},
            "new": {"Type": "MSI", "Name": "7-Zip", "Version": "24.08", "Publisher": "Igor Pavlov", "ProductCode": "{A}"},
            "changed_attributes": ["Version"],
        }),
        json!({
            "kind": "added",
            "section": "installers",
            "key": "MSI | Notepad++ | Don Ho",
            "key_fields": {"type": "MSI", "name": "Notepad++", "publisher": "Don Ho"},
            "old": null,
            "new": {"Type": "MSI", "Name": "Notepad++", "Version": "8.6", "Publisher": "Don Ho"},
            "changed_attributes": ["Name", "Publisher", "Type", "Version"],
        }),
        json!({
            "kind": "removed",
            "section": "files",
            "key": "C:\\App | b.exe",
            "key_fields": {"directory": "C:\\App", "file": "b.exe"},
            "old": {"Name": "b.exe", "Size": "20", "Version": "2.0"},
            "new": null,
            "changed_attributes": ["Name", "Size", "Version"],
        }),
    ];
    assert_eq!(json_changes(&out), expected);

    // The same as text, grouped by section.
    let out = run(&["diff", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let expected_text = format!(
        "--- {}\n+++ {}\nhardware\n  ~ Win32_BIOS[0].Manufacturer\n      Value: \"Dell Inc.\" -> \"Dell Technologies\"\n\
installers\n  ~ MSI | 7-Zip | Igor Pavlov\n      Version: \"23.01\" -> \"24.08\"\n  + MSI | Notepad++ | Don Ho\n      Name=\"Notepad++\" Publisher=\"Don Ho\" Type=\"MSI\" Version=\"8.6\"\n\
files\n  - C:\\App | b.exe\n      Name=\"b.exe\" Size=\"20\" Version=\"2.0\"\n",
        s(&a),
        s(&b)
    );
    assert_eq!(stdout, expected_text);
    assert!(!stdout.contains('\u{1b}'), "no color when not a terminal");
    assert!(text(&out.stderr).contains("4 changes: 1 added, 1 removed, 2 changed"));

    // --quiet: only the exit status.
    let out = run(&["diff", "--quiet", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn folders_match_documents_by_identity() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(new.join("sub")).unwrap();
    // The same device under another name (matched by hardware UUID), one document only in
    // the old folder, one only in the new, one unchanged (matched by relative path).
    std::fs::write(old.join("pc1.ndi"), PRETTY).unwrap();
    std::fs::write(
        new.join("sub/SYSTEM on PC1.ndi.gz"),
        gzip(PRETTY.replace("SN-1", "SN-2").as_bytes()),
    )
    .unwrap();
    std::fs::write(
        old.join("gone.mmi"),
        r#"<USAGE VERSION="1.00"><MD NAME="gone" DOMAIN="corp"/></USAGE>"#,
    )
    .unwrap();
    std::fs::write(
        new.join("pools.vdi"),
        r#"<vdiGroups brokerType="Citrix"><vdiGroup name="g"><object Sid="S-1"/></vdiGroup></vdiGroups>"#,
    )
    .unwrap();
    let policy = r#"<Policy AppliesTo="*"><Policy GUID="{A}"><Package href="S.osd" ObjectID="{S}" Precedence="0"/></Policy></Policy>"#;
    std::fs::write(old.join("p.npl"), policy).unwrap();
    std::fs::write(new.join("p.npl"), policy).unwrap();

    let out = run(&["diff", "--json", "--threads", "2", s(&old), s(&new)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let changes = json_changes(&out);
    let summary: Vec<(String, String, String, Value)> = changes
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["section"].as_str().unwrap().to_string(),
                c["key"].as_str().unwrap().to_string(),
                c.get("document").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "removed".to_string(),
                "documents".to_string(),
                "gone.mmi".to_string(),
                Value::Null
            ),
            (
                "added".into(),
                "documents".into(),
                "pools.vdi".into(),
                Value::Null
            ),
            (
                "changed".into(),
                "hardware".into(),
                "Win32_BIOS[0].SerialNumber".into(),
                json!("pc1.ndi -> sub/SYSTEM on PC1.ndi.gz")
            ),
        ]
    );
    assert_eq!(changes[0]["old"]["format"], "mmi");
    assert_eq!(changes[0]["old"]["identity"], "device:gone@corp");
    assert_eq!(changes[1]["new"]["format"], "vdi");
    assert_eq!(changes[2]["old"]["Value"], "SN-1");
    assert_eq!(changes[2]["new"]["Value"], "SN-2");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("2 documents compared: 1 equivalent, 1 differ")
            && stderr.contains("1 only in old, 1 only in new"),
        "{stderr}"
    );

    // Text: documents first, then each differing document.
    let out = run(&["diff", s(&old), s(&new)]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("documents\n  - gone.mmi\n"), "{stdout}");
    assert!(stdout.contains("  + pools.vdi\n"), "{stdout}");
    assert!(
        stdout.contains("=== pc1.ndi -> sub/SYSTEM on PC1.ndi.gz\nhardware\n  ~ Win32_BIOS[0].SerialNumber\n      Value: \"SN-1\" -> \"SN-2\"\n"),
        "{stdout}"
    );

    // A folder against itself.
    let out = run(&["diff", s(&old), s(&old)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.ndi");
    std::fs::write(&a, PRETTY).unwrap();

    let out = run(&["diff", s(&a), "/no/such/file.ndi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/file.ndi"));

    // An invalid document: the error names the file, the position and the rule.
    let bad = dir.path().join("bad.ndi");
    std::fs::write(&bad, "<Inventory>\n  <Hardware></Inventory>\n").unwrap();
    let out = run(&["diff", "--json", s(&a), s(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2:13", s(&bad))) && stderr.contains("[xml-syntax]"),
        "{stderr}"
    );
    // With --json, the same as one entry of kind "error".
    let entries: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entries[0]["kind"], "error", "{entries}");
    assert_eq!(entries[0]["side"], "new", "{entries}");

    // An invalid document in a folder.
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    std::fs::copy(&bad, new.join("bad.ndi")).unwrap();
    let out = run(&["diff", s(&old), s(&new)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("bad.ndi:2:13"));

    // A folder against a file.
    let out = run(&["diff", s(&old), s(&a)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("two files or two folders"));
}

/// (kind, section, key, side) of each JSON entry.
fn entries(out: &Output) -> Vec<(String, String, String, String)> {
    json_changes(out)
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (field("kind"), field("section"), field("key"), field("side"))
        })
        .collect()
}

#[test]
fn folders_with_unreadable_documents_still_compare_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    // A readable pair that differs, a readable pair that is equal, a document whose new
    // upload is truncated, and a broken upload with no counterpart.
    std::fs::write(old.join("pc1.ndi"), PRETTY).unwrap();
    std::fs::write(new.join("pc1.ndi"), PRETTY.replace("SN-1", "SN-2")).unwrap();
    let policy = r#"<Policy AppliesTo="*"><Policy GUID="{A}"><Package href="S.osd" ObjectID="{S}" Precedence="0"/></Policy></Policy>"#;
    std::fs::write(old.join("p.npl"), policy).unwrap();
    std::fs::write(new.join("p.npl"), policy).unwrap();
    let pc2 = PRETTY.replace("UUID-1", "UUID-2").replace("SN-1", "SN-9");
    std::fs::write(old.join("pc2.ndi"), &pc2).unwrap();
    std::fs::write(new.join("pc2.ndi"), gzip(&pc2.as_bytes()[..400])).unwrap();
    std::fs::write(new.join("upload.ndi"), "<Inventory>\n  <Hardware>\n").unwrap();

    let out = run(&["diff", "--json", s(&old), s(&new)]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        entries(&out),
        [
            (
                "changed".to_string(),
                "hardware".to_string(),
                "Win32_BIOS[0].SerialNumber".to_string(),
                String::new()
            ),
            (
                "error".into(),
                "documents".into(),
                "pc2.ndi".into(),
                "new".into()
            ),
            (
                "error".into(),
                "documents".into(),
                "upload.ndi".into(),
                "new".into()
            ),
        ],
        "the readable pairs are compared; the old pc2.ndi is not reported as removed"
    );
    let changes = json_changes(&out);
    assert_eq!(changes[0]["document"], "pc1.ndi");
    let pc2_error = &changes[1];
    assert_eq!(pc2_error["path"], s(&new.join("pc2.ndi")));
    assert_eq!(pc2_error["not_compared_with"], s(&old.join("pc2.ndi")));
    assert!(pc2_error["line"].as_u64().unwrap() > 1, "{pc2_error}");
    let upload = &changes[2];
    assert_eq!(
        (
            &upload["rule"],
            &upload["line"],
            &upload["column"],
            &upload["element_path"],
            &upload["not_compared_with"]
        ),
        (
            &json!("truncated"),
            &json!(3),
            &json!(1),
            &json!("/Inventory/Hardware[1]"),
            &Value::Null
        )
    );
    // One error line per unreadable document, naming file, position and rule; the summary
    // counts them.
    let upload_line = format!(
        "ndi-tool: {}:3:1 (byte 25) at /Inventory/Hardware[1]: document ends before </Hardware> (truncated file?) [truncated]\n",
        s(&new.join("upload.ndi"))
    );
    assert!(stderr.contains(&upload_line), "{stderr}");
    let pc2_line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("ndi-tool: {}:", s(&new.join("pc2.ndi")))))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        pc2_line.contains("[xml-syntax]")
            && pc2_line.ends_with(&format!("; not compared with {}", s(&old.join("pc2.ndi")))),
        "{pc2_line}"
    );
    assert!(
        stderr.contains("2 documents compared: 1 equivalent, 1 differ")
            && stderr.contains("0 only in old, 0 only in new; 2 could not be read")
            && stderr
                .ends_with("ndi-tool: 2 documents could not be read (the others were compared)\n"),
        "{stderr}"
    );

    // Text: the differing pair is printed.
    let out = run(&["diff", s(&old), s(&new)]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("=== pc1.ndi\nhardware\n  ~ Win32_BIOS[0].SerialNumber\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("pc2.ndi"), "{stdout}");
    assert!(text(&out.stderr).contains(&upload_line));

    // --quiet: no changes, but the errors.
    let out = run(&["diff", "--quiet", s(&old), s(&new)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&upload_line), "{stderr}");
    assert!(!stderr.contains("documents compared"), "{stderr}");

    // Equal readable documents and one unreadable: still an error (2), not "equivalent".
    std::fs::write(new.join("pc1.ndi"), PRETTY).unwrap();
    let out = run(&["diff", "--json", s(&old), s(&new)]);
    assert_eq!(out.status.code(), Some(2));
    let kinds: Vec<String> = entries(&out).into_iter().map(|e| e.0).collect();
    assert_eq!(kinds, ["error", "error"]);
}

/// Copies the policy, schedule, catalog, discovery and VDI files of the demo corpus into
/// `plain` as they are and into `gzipped` gzipped (`X.npl` becomes `X.npl.gz`).
fn small_formats(plain: &Path, gzipped: &Path) -> Vec<String> {
    std::fs::create_dir_all(plain).unwrap();
    std::fs::create_dir_all(gzipped).unwrap();
    let mut names = Vec::new();
    for e in std::fs::read_dir(corpora().join("demo")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if ["npl", "nds", "osd", "disco", "vdi"]
            .iter()
            .any(|ext| name.ends_with(&format!(".{ext}")))
        {
            let bytes = std::fs::read(&p).unwrap();
            std::fs::write(plain.join(&name), &bytes).unwrap();
            std::fs::write(gzipped.join(format!("{name}.gz")), gzip(&bytes)).unwrap();
            names.push(name);
        }
    }
    names.sort();
    names
}

#[test]
fn folders_match_documents_whatever_their_compression() {
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("d1"), dir.path().join("d2"));
    let names = small_formats(&d1, &d2);
    assert_eq!(names.len(), 5, "{names:?}");

    for (a, b) in [(&d1, &d2), (&d2, &d1)] {
        let out = run(&["diff", s(a), s(b)]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("5 documents compared: 5 equivalent, 0 differ")
                && stderr.contains("0 only in old, 0 only in new"),
            "{stderr}"
        );
    }

    // A change in a gzipped counterpart is reported under both names.
    let npl = names.iter().find(|n| n.ends_with(".npl")).unwrap();
    let changed = std::fs::read_to_string(d1.join(npl)).unwrap().replacen(
        r#"Precedence="0""#,
        r#"Precedence="7""#,
        1,
    );
    std::fs::write(d2.join(format!("{npl}.gz")), gzip(changed.as_bytes())).unwrap();
    let out = run(&["diff", "--json", s(&d1), s(&d2)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let changes = json_changes(&out);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["section"], "packages");
    assert_eq!(changes[0]["document"], format!("{npl} -> {npl}.gz"));
}

#[test]
fn a_folder_with_a_plain_and_a_gzipped_copy_pairs_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let plain = r#"<Policy AppliesTo="*"><Policy GUID="{A}"><Package href="S.osd" ObjectID="{S}" Precedence="0"/></Policy></Policy>"#;
    let other = plain.replace(r#"Precedence="0""#, r#"Precedence="9""#);
    let folder = |name: &str, files: &[(&str, Vec<u8>)]| {
        let d = dir.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        for (f, bytes) in files {
            std::fs::write(d.join(f), bytes).unwrap();
        }
        d
    };
    let one_plain = folder("one-plain", &[("p.npl", plain.as_bytes().to_vec())]);
    let one_gz = folder("one-gz", &[("p.npl.gz", gzip(plain.as_bytes()))]);
    let both = folder(
        "both",
        &[
            ("p.npl", plain.as_bytes().to_vec()),
            ("p.npl.gz", gzip(other.as_bytes())),
        ],
    );
    let upper = folder("upper", &[("p.npl.GZ", gzip(plain.as_bytes()))]);

    // The copy named exactly as on the other side is compared; the other is on one side only.
    let out = run(&["diff", "--json", s(&one_plain), s(&both)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        entries(&out),
        [(
            "added".to_string(),
            "documents".to_string(),
            "p.npl.gz".to_string(),
            String::new()
        )]
    );
    let out = run(&["diff", "--json", s(&both), s(&one_gz)]);
    assert_eq!(out.status.code(), Some(1));
    let e = entries(&out);
    assert_eq!(
        e.iter()
            .map(|e| (e.0.as_str(), e.2.as_str()))
            .collect::<Vec<_>>(),
        [("removed", "p.npl"), ("changed", "{S}")],
        "p.npl.gz pairs with p.npl.gz (and differs), p.npl is only in old"
    );
    assert_eq!(json_changes(&out)[1]["document"], "p.npl.gz");
    // Neither name on the other side: nothing is paired (no arbitrary choice).
    let out = run(&["diff", "--json", s(&both), s(&upper)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        entries(&out)
            .iter()
            .map(|e| (e.0.as_str(), e.2.as_str()))
            .collect::<Vec<_>>(),
        [
            ("removed", "p.npl"),
            ("added", "p.npl.GZ"),
            ("removed", "p.npl.gz")
        ]
    );
    // A single copy on each side pairs whatever the case of `.gz`.
    let out = run(&["diff", s(&one_plain), s(&upper)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The same result every time.
    let first = run(&["diff", "--json", "-j", "2", s(&both), s(&upper)]).stdout;
    for _ in 0..3 {
        assert_eq!(
            run(&["diff", "--json", "-j", "2", s(&both), s(&upper)]).stdout,
            first
        );
    }
}

#[test]
fn two_files_one_unreadable_gives_an_error_entry_and_exit_2() {
    let bad = corpora().join("ndi/invalid/truncated.ndi");
    let good = corpora().join("demo/SYSTEM on PC-CTRL.ndi");
    let out = run(&["diff", "--json", s(&bad), s(&good)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &entries[0];
    assert_eq!(e["kind"], "error");
    assert_eq!(e["side"], "old");
    assert_eq!(e["rule"], "xml-syntax");
    assert_eq!(e["line"], 35);
    let text_out = run(&["diff", s(&bad), s(&good)]);
    assert_eq!(text_out.status.code(), Some(2));
    assert!(
        text(&text_out.stderr).contains("not compared"),
        "{}",
        text(&text_out.stderr)
    );
    assert!(!text(&text_out.stderr).contains("no differences"));
}
