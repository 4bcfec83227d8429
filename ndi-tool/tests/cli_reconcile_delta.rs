//! `ndi-tool reconcile` over Delta tables: a generated estate (`generate --estate`) imported
//! with `import`, reconciled, and the five reconciled Delta tables read back and compared
//! with the estate's truth; a second run replaces each table in one new version; importing
//! more days and reconciling again grows the devices; `convert --format delta`, `table
//! optimize|vacuum|history` and `inspect --device` work on the root that holds both.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use common::{run, s, text};
use ndi_corpora::estate::{Estate, EstateConfig, EstateKind};
use ndi_delta::{DeltaRoot, RootOptions};

const DEVICES: usize = 24;
const DAYS: u32 = 35;
const SEED: u64 = 11;
/// Days imported before the first reconcile.
const FIRST_DAYS: usize = 20;
const RECONCILED: [&str; 5] = [
    "device_map",
    "devices",
    "installations",
    "usage_by_installation",
    "identity_findings",
];

/// A table's rows and version, read back through the kernel.
fn read(root: &Path, name: &str) -> (u64, Vec<RecordBatch>) {
    let store = DeltaRoot::open(root, RootOptions::default()).unwrap();
    let rows = store.open_table(name).unwrap().read(None).unwrap();
    (rows.version, rows.batches)
}

fn texts(batches: &[RecordBatch], column: &str) -> Vec<String> {
    let mut out = Vec::new();
    for b in batches {
        let a = b.column_by_name(column).unwrap().as_string::<i32>();
        out.extend((0..a.len()).map(|i| {
            if a.is_valid(i) {
                a.value(i).to_string()
            } else {
                String::new()
            }
        }));
    }
    out
}

fn booleans(batches: &[RecordBatch], column: &str) -> Vec<bool> {
    batches
        .iter()
        .flat_map(|b| {
            let a = b.column_by_name(column).unwrap().as_boolean();
            (0..a.len()).map(|i| a.value(i)).collect::<Vec<_>>()
        })
        .collect()
}

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// `reconcile --table ROOT --as-of AS_OF --stale-days 7`; its summary line.
fn reconcile(root: &Path, as_of: &str) -> String {
    ok(&[
        "reconcile",
        "--table",
        s(root),
        "--as-of",
        as_of,
        "--stale-days",
        "7",
    ])
}

/// `YYYY-MM-DD` of the day `offset` days after the estate's first (2026-11-01).
fn day(offset: i64) -> String {
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    (first + chrono::TimeDelta::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// Pairwise false positives and false negatives of the grouping in `device_map` against
/// the truth (document id → truth device).
fn pair_errors(map: &[RecordBatch], truth: &HashMap<String, String>) -> (u64, u64, usize) {
    let docs = texts(map, "document_id");
    let devs = texts(map, "device_id");
    let mut both: HashMap<(&str, &str), u64> = HashMap::new();
    let mut found: HashMap<&str, u64> = HashMap::new();
    let mut real: HashMap<&str, u64> = HashMap::new();
    for (d, v) in docs.iter().zip(&devs) {
        let t = truth[d].as_str();
        *both.entry((v, t)).or_default() += 1;
        *found.entry(v).or_default() += 1;
        *real.entry(t).or_default() += 1;
    }
    let pairs = |sizes: Vec<u64>| sizes.iter().map(|n| n * (n - 1) / 2).sum::<u64>();
    let tp = pairs(both.values().copied().collect());
    let fp = pairs(found.values().copied().collect()) - tp;
    let fn_ = pairs(real.values().copied().collect()) - tp;
    (fp, fn_, found.len())
}

/// Document id → truth device, from the `documents` table's source paths (the import records
/// where each file came from) and the estate's plan of files.
fn truth_of_documents(root: &Path, estate: &Estate) -> HashMap<String, String> {
    let by_path: HashMap<&str, &str> = estate
        .files
        .iter()
        .filter(|f| f.kind != EstateKind::Usage)
        .map(|f| (f.path.as_str(), f.device.as_str()))
        .collect();
    let (_, documents) = read(root, "documents");
    let mut truth = HashMap::new();
    for (id, source) in texts(&documents, "document_id")
        .into_iter()
        .zip(texts(&documents, "source_path"))
    {
        let source = source.replace('\\', "/");
        let Some((_, relative)) = source.split_once("/estate/") else {
            continue;
        };
        if let Some(device) = by_path.get(relative) {
            truth.insert(id, device.to_string());
        }
    }
    truth
}

/// The reconciled tables' versions and the highest `ndi-reconcile` txn of each, from
/// `table history --json`.
fn reconcile_commits(root: &Path) -> BTreeMap<String, (u64, i64, u64)> {
    let out = ok(&["table", "history", s(root), "--json"]);
    let mut last: BTreeMap<String, (u64, i64, u64)> = BTreeMap::new();
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let table = v["table"].as_str().unwrap().to_string();
        if let Some(run) = v["txn"]["ndi-reconcile"].as_i64() {
            assert_eq!(v["operation"], "WRITE", "{line}");
            assert_eq!(v["parameters"]["mode"], "Overwrite", "{line}");
            let version = v["version"].as_u64().unwrap();
            let removes = v["removes"].as_u64().unwrap();
            last.insert(table, (version, run, removes));
        }
    }
    last
}

fn day_folders(estate_dir: &Path, days: std::ops::Range<usize>) -> Vec<PathBuf> {
    days.map(|d| estate_dir.join(day(d as i64))).collect()
}

#[test]
fn an_imported_estate_is_reconciled_into_delta_tables_as_its_truth_says() {
    let dir = tempfile::tempdir().unwrap();
    let estate_dir = dir.path().join("estate");
    let root = dir.path().join("lake");
    let (n, days, seed) = (DEVICES.to_string(), DAYS.to_string(), SEED.to_string());
    ok(&[
        "generate",
        "--estate",
        "--out",
        s(&estate_dir),
        "--devices",
        &n,
        "--days",
        &days,
        "--seed",
        &seed,
    ]);
    let estate = Estate::plan(&EstateConfig::new(DEVICES, DAYS, SEED));

    // Import the first days (the import moves the files into ROOT/_processed).
    let import = |folders: Vec<PathBuf>| {
        let mut args = vec!["import".to_string()];
        args.extend(folders.iter().map(|p| s(p).to_string()));
        for a in ["--table", s(&root), "--settle-secs", "0", "-q"] {
            args.push(a.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&args);
    };
    import(day_folders(&estate_dir, 0..FIRST_DAYS));
    let as_of_first = day(FIRST_DAYS as i64);
    let summary = reconcile(&root, &as_of_first);
    assert!(summary.contains("Delta tables under"), "{summary}");
    assert!(summary.contains("(run 1)"), "{summary}");
    for t in RECONCILED {
        assert!(root.join(t).join("_delta_log").is_dir(), "{t}");
    }
    let truth = truth_of_documents(&root, &estate);
    let (_, map) = read(&root, "device_map");
    assert_eq!(rows(&map), truth.len());
    let (fp, fn_, found) = pair_errors(&map, &truth);
    assert_eq!((fp, fn_), (0, 0), "precision and recall below 1.0");
    let seen_first: BTreeSet<&str> = truth.values().map(String::as_str).collect();
    assert_eq!(found, seen_first.len());
    let (_, devices) = read(&root, "devices");
    assert_eq!(rows(&devices), seen_first.len());
    let first_ids: BTreeSet<String> = texts(&devices, "device_id").into_iter().collect();

    // A second run: one new version per table, the same devices and row counts.
    let before_commits = reconcile_commits(&root);
    let before_rows: Vec<usize> = RECONCILED.iter().map(|t| rows(&read(&root, t).1)).collect();
    let summary = reconcile(&root, &as_of_first);
    assert!(summary.contains("(run 2)"), "{summary}");
    let after_commits = reconcile_commits(&root);
    for t in RECONCILED {
        let (v1, run1, _) = before_commits[t];
        let (v2, run2, removes) = after_commits[t];
        assert_eq!((v2, run1, run2), (v1 + 1, 1, 2), "{t}");
        // The earlier run's file, if it had rows, is removed in the same commit.
        let had_rows = before_rows[RECONCILED.iter().position(|x| *x == t).unwrap()] > 0;
        assert_eq!(removes, u64::from(had_rows), "{t}");
    }
    let again_rows: Vec<usize> = RECONCILED.iter().map(|t| rows(&read(&root, t).1)).collect();
    assert_eq!(again_rows, before_rows);
    let (_, devices) = read(&root, "devices");
    let again_ids: BTreeSet<String> = texts(&devices, "device_id").into_iter().collect();
    assert_eq!(again_ids, first_ids);

    // More days imported into the same root (beside the reconciled tables), and a document
    // loaded by `convert --format delta` too; then the whole estate is reconciled.
    import(day_folders(&estate_dir, FIRST_DAYS..DAYS as usize));
    let extra = dir.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    std::fs::write(
        extra.join("lone.ndi"),
        r#"<Inventory Scope="lab.example" MachineName="LONE-1" Hardware="True" Software="True" DateTime="20261203T080000" AgentID="AG-LONE">
<Hardware><Class Name="Win32_BIOS"><Instance><Property Name="SerialNumber" Value="LONE-SN"/></Instance></Class></Hardware>
<Software><Installer Type="MSI" Name="Lone Tool" Version="1.0"/></Software>
</Inventory>"#,
    )
    .unwrap();
    let out = run(&[
        "convert",
        s(&extra),
        "--out",
        s(&root),
        "--format",
        "delta",
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let as_of_last = day(i64::from(DAYS));
    let summary = reconcile(&root, &as_of_last);
    assert!(summary.contains("(run 3)"), "{summary}");
    let truth = truth_of_documents(&root, &estate);
    let (_, map) = read(&root, "device_map");
    // Every estate document plus the lone one.
    assert_eq!(rows(&map), truth.len() + 1);
    let lone: Vec<usize> = texts(&map, "machine_name")
        .iter()
        .enumerate()
        .filter(|(_, n)| *n == "LONE-1")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(lone.len(), 1);
    let estate_map: Vec<RecordBatch> = map
        .iter()
        .map(|b| {
            let names = b.column_by_name("machine_name").unwrap().as_string::<i32>();
            let keep: arrow_array::BooleanArray =
                names.iter().map(|n| Some(n != Some("LONE-1"))).collect();
            arrow_select::filter::filter_record_batch(b, &keep).unwrap()
        })
        .collect();
    let (fp, fn_, found) = pair_errors(&estate_map, &truth);
    assert_eq!((fp, fn_), (0, 0), "precision and recall below 1.0");
    assert_eq!(found, estate.devices.len());
    let (_, devices) = read(&root, "devices");
    assert_eq!(rows(&devices), estate.devices.len() + 1);
    let ids: BTreeSet<String> = texts(&devices, "device_id").into_iter().collect();
    assert!(ids.len() > first_ids.len());
    assert!(
        first_ids.is_subset(&ids),
        "device ids of the first run are kept"
    );

    // Stale: exactly the devices whose last day is more than 7 days before as-of.
    let ours: HashMap<&str, String> = texts(&estate_map, "document_id")
        .iter()
        .zip(texts(&estate_map, "device_id"))
        .map(|(d, v)| (truth[d].as_str(), v))
        .collect();
    let limit = day(i64::from(DAYS) - 7);
    let expected: BTreeSet<String> = estate
        .devices
        .iter()
        .filter(|d| d.last_day < limit)
        .map(|d| ours[d.key.as_str()].clone())
        .collect();
    assert!(!expected.is_empty(), "the estate has stale devices");
    let flagged: BTreeSet<String> = texts(&devices, "device_id")
        .into_iter()
        .zip(booleans(&devices, "stale"))
        .filter(|(_, stale)| *stale)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(flagged, expected);
    let (_, installations) = read(&root, "installations");
    assert!(rows(&installations) > 0);
    let (_, usage) = read(&root, "usage_by_installation");
    assert!(rows(&usage) > 0);

    // Maintenance sees every table, the reconciled ones included; vacuum deletes the
    // replaced files of the reconciled tables only once they are unreferenced long enough.
    let history = ok(&["table", "history", s(&root)]);
    for t in RECONCILED.iter().chain(&["documents", "inventories"]) {
        assert!(history.contains(t), "{t}: {history}");
    }
    assert!(
        history.contains("devices v") && history.contains("WRITE (Overwrite)"),
        "{history}"
    );
    let commits = reconcile_commits(&root);
    assert_eq!(commits.len(), 5);
    assert!(commits.values().all(|(_, run, _)| *run == 3));
    ok(&["table", "optimize", s(&root)]);
    let out = ok(&[
        "table",
        "vacuum",
        s(&root),
        "--table",
        "devices",
        "--retain-hours",
        "0",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 2, "{out}");
    assert_eq!(rows(&read(&root, "devices").1), estate.devices.len() + 1);

    // inspect --device reads the Delta tables.
    let renamed = estate
        .devices
        .iter()
        .find(|d| d.names.len() > 1)
        .expect("a renamed device");
    let out = ok(&[
        "inspect",
        "--device",
        &renamed.names[0],
        "--table",
        s(&root),
        "--json",
    ]);
    let shown: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(
        shown["device_id"].as_str().unwrap(),
        ours[renamed.key.as_str()]
    );
    assert!(shown["last_seen"].as_str().unwrap().starts_with("2026-"));
    let held = truth.values().filter(|d| **d == renamed.key).count();
    assert_eq!(shown["documents_detail"].as_array().unwrap().len(), held);
}

#[test]
fn a_second_reconcile_of_the_same_root_is_refused_while_one_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lake");
    let incoming = dir.path().join("in");
    std::fs::create_dir(&incoming).unwrap();
    std::fs::write(
        incoming.join("a.ndi"),
        r#"<Inventory Scope="corp.example" MachineName="PC1" Hardware="True" Software="True" DateTime="20261101T080000" AgentID="AG-1">
<Hardware><Class Name="Win32_BIOS"><Instance><Property Name="SerialNumber" Value="SN1"/></Instance></Class></Hardware>
<Software><Installer Type="MSI" Name="Editor" Version="1.0"/></Software>
</Inventory>"#,
    )
    .unwrap();
    ok(&[
        "import",
        s(&incoming),
        "--table",
        s(&root),
        "--settle-secs",
        "0",
        "-q",
    ]);
    let held = ndi_delta::FileLock::acquire(&root.join("_reconcile.lock"), false).unwrap();
    let out = run(&["reconcile", "--table", s(&root)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("another reconcile"),
        "{}",
        text(&out.stderr)
    );
    drop(held);
    ok(&["reconcile", "--table", s(&root)]);
    let (version, devices) = read(&root, "devices");
    assert_eq!((version, rows(&devices)), (1, 1));
}
