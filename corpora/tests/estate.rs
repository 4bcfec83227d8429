//! The generated estate: deterministic, every case present, a truth row for every file, and
//! every file read back by `ndi-format` with the identity values the truth names.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use ndi_corpora::estate::{Case, Estate, EstateDevice, EstateKind, PLACEHOLDER_SERIALS, truth_csv};
use ndi_corpora::{EstateConfig, generate_estate};
use ndi_format::model::{HardwareProperty, Identity, InventoryHeader};
use ndi_format::{Reader, Record, RecordKind};

fn config(seed: u64) -> EstateConfig {
    EstateConfig::new(40, 5, seed)
}

/// A fresh folder under the system temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ndi-estate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file below `dir`, as `/`-separated paths relative to it, with its bytes.
fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn estate_is_deterministic() {
    let a = TempDir::new("det-a");
    let b = TempDir::new("det-b");
    let c = TempDir::new("det-c");
    let sa = generate_estate(&a.0, &config(11)).unwrap();
    let sb = generate_estate(&b.0, &config(11)).unwrap();
    generate_estate(&c.0, &config(12)).unwrap();
    assert_eq!(sa, sb);
    let fa = files_below(&a.0);
    let fb = files_below(&b.0);
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(bytes == &fb[path], "{path} differs between two runs");
    }
    assert_ne!(fa, files_below(&c.0), "another seed gives another estate");
    assert_eq!(sa.devices, 40);
    assert_eq!(
        sa.inventories + sa.usage_files + 3,
        fa.len(),
        "the summary counts what is on disk (plus three truth files)"
    );
}

#[test]
fn truth_covers_every_file() {
    let dir = TempDir::new("truth");
    let cfg = config(3);
    generate_estate(&dir.0, &cfg).unwrap();
    let on_disk = files_below(&dir.0);
    let truth = String::from_utf8(on_disk["truth.csv"].clone()).unwrap();
    let mut lines = truth.lines();
    assert_eq!(
        lines.next(),
        Some("path,device,day,kind,stamp,machine_name")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let in_truth: BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(in_truth.len(), rows.len(), "one row per file");
    let corpus: BTreeSet<&str> = on_disk
        .keys()
        .map(String::as_str)
        .filter(|p| !p.ends_with(".csv"))
        .collect();
    assert_eq!(in_truth, corpus);
    // Every row names a known device, the day folder the file is in, and the right kind.
    let devices = String::from_utf8(on_disk["devices.csv"].clone()).unwrap();
    let keys: BTreeSet<&str> = devices
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(keys.len(), 40);
    for r in &rows {
        assert!(keys.contains(r[1]), "{r:?}");
        assert!(r[0].starts_with(&format!("{}/", r[2])), "{r:?}");
        let usage = r[0].contains("/UsageData/") && r[0].ends_with(".mmi.gz");
        let inventory = r[0].contains("/Inventories/") && r[0].ends_with(".ndi.gz");
        match r[3] {
            "usage" => assert!(usage, "{r:?}"),
            "inventory" | "hardware-inventory" => assert!(inventory, "{r:?}"),
            other => panic!("unknown kind {other}"),
        }
    }
    // The in-memory plan says the same as the file.
    assert_eq!(truth, truth_csv(&Estate::plan(&cfg).files));
    let days: BTreeSet<&str> = rows.iter().map(|r| r[2]).collect();
    assert_eq!(
        days.into_iter().collect::<Vec<_>>(),
        [
            "2026-11-01",
            "2026-11-02",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05"
        ]
    );
}

fn with_case(devices: &[EstateDevice], case: Case) -> Vec<&EstateDevice> {
    devices.iter().filter(|d| d.cases.contains(&case)).collect()
}

#[test]
fn every_case_is_present() {
    let estate = Estate::plan(&config(5));
    let d = &estate.devices;
    for case in Case::ALL {
        assert!(!with_case(d, case).is_empty(), "no device is {case}");
    }
    let last_day = "2026-11-05";
    for r in with_case(d, Case::Renamed) {
        assert_eq!(r.names.len(), 2, "{}", r.key);
        assert_ne!(r.names[0], r.names[1]);
        assert_eq!(
            r.agent_ids.len(),
            1,
            "{}: a rename keeps the agent id",
            r.key
        );
    }
    for r in with_case(d, Case::Reimaged) {
        assert_eq!(r.agent_ids.len(), 2, "{}", r.key);
        assert_ne!(r.agent_ids[0], r.agent_ids[1]);
    }
    // Clones share a hardware UUID, each with its own serial and name.
    let mut by_uuid: HashMap<&str, Vec<&EstateDevice>> = HashMap::new();
    for c in with_case(d, Case::ClonedVm) {
        by_uuid.entry(c.hardware_uuid.as_str()).or_default().push(c);
    }
    for group in by_uuid.values() {
        assert!(group.len() >= 2, "a clone without a twin");
        let serials: BTreeSet<&str> = group.iter().map(|c| c.serial.as_str()).collect();
        let names: BTreeSet<&str> = group.iter().map(|c| c.names[0].as_str()).collect();
        assert_eq!(serials.len(), group.len());
        assert_eq!(names.len(), group.len());
    }
    // A placeholder serial is reported by at least two devices, none with an agent id.
    let mut by_serial: HashMap<&str, usize> = HashMap::new();
    for p in with_case(d, Case::PlaceholderSerial) {
        assert!(PLACEHOLDER_SERIALS.contains(&p.serial.as_str()));
        assert!(p.agent_ids.is_empty());
        *by_serial.entry(p.serial.as_str()).or_default() += 1;
    }
    assert!(by_serial.values().all(|&n| n >= 2), "{by_serial:?}");
    // Stale devices stop before the last day; the others report on it.
    for dev in d {
        let files: Vec<_> = estate
            .files
            .iter()
            .filter(|f| f.device == dev.key)
            .collect();
        assert!(!files.is_empty());
        let last = files.iter().map(|f| f.day.as_str()).max().unwrap();
        assert_eq!(last, dev.last_day, "{}", dev.key);
        assert_eq!(
            dev.cases.contains(&Case::Stale),
            last < last_day,
            "{}",
            dev.key
        );
        let inventories_per_day = files.iter().filter(|f| f.kind != EstateKind::Usage).fold(
            BTreeMap::<&str, usize>::new(),
            |mut m, f| {
                *m.entry(f.day.as_str()).or_default() += 1;
                m
            },
        );
        assert_eq!(
            inventories_per_day.values().any(|&n| n == 2),
            dev.cases.contains(&Case::TwiceOnOneDay),
            "{}",
            dev.key
        );
        let hardware_only = files
            .iter()
            .filter(|f| f.kind == EstateKind::HardwareInventory)
            .map(|f| f.stamp.as_str())
            .min();
        assert_eq!(
            hardware_only.is_some(),
            dev.cases.contains(&Case::HardwareOnly)
        );
        if let Some(h) = hardware_only {
            assert!(
                files
                    .iter()
                    .any(|f| f.kind == EstateKind::Inventory && f.stamp.as_str() < h),
                "{}: a hardware-only inventory comes after a full one",
                dev.key
            );
        }
        assert_eq!(
            files.iter().any(|f| f.kind == EstateKind::Usage),
            dev.cases.contains(&Case::Usage),
            "{}",
            dev.key
        );
    }
}

/// What one inventory says about its device.
#[derive(Default)]
struct Seen {
    machine: String,
    scope: String,
    software: Option<bool>,
    identity: Identity,
    header_agent: Option<String>,
    installers: BTreeSet<(String, String)>,
    files: BTreeSet<String>,
}

fn read_inventory(path: &str, bytes: &[u8]) -> Seen {
    let mut reader = Reader::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let h = InventoryHeader::new(reader.header());
    let mut seen = Seen {
        machine: h.machine_name().unwrap_or_default().to_string(),
        scope: h.scope().unwrap_or_default().to_string(),
        software: h.has_software(),
        header_agent: h.agent_id().map(str::to_string),
        ..Seen::default()
    };
    let mut record = Record::default();
    let mut class = String::new();
    while reader
        .read_record(&mut record)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
    {
        match record.kind {
            RecordKind::HardwareClass => class = record.attr("Name").unwrap_or("").to_string(),
            RecordKind::HardwareProperty => seen.identity.observe(&HardwareProperty {
                class: &class,
                instance: 0,
                instance_name: None,
                name: record.attr("Name").unwrap_or(""),
                value: record.attr("Value").unwrap_or(""),
            }),
            RecordKind::Installer => {
                seen.installers.insert((
                    record.attr("Name").unwrap_or("").to_string(),
                    record.attr("Version").unwrap_or("").to_string(),
                ));
            }
            RecordKind::File => {
                seen.files
                    .insert(record.attr("Name").unwrap_or("").to_string());
            }
            _ => {}
        }
    }
    assert_eq!(reader.warning_count(), 0, "{path}: warnings");
    seen
}

#[test]
fn files_carry_the_identity_the_truth_names() {
    let estate = Estate::plan(&config(9));
    let devices: HashMap<&str, &EstateDevice> =
        estate.devices.iter().map(|d| (d.key.as_str(), d)).collect();
    let mut inventories: HashMap<&str, Seen> = HashMap::new();
    let mut agents_seen: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let mut usage_checked = 0;
    // Inventories first (usage is checked against what the device's inventory lists).
    let mut order: Vec<usize> = (0..estate.files.len()).collect();
    order.sort_by_key(|&k| estate.files[k].kind == EstateKind::Usage);
    for k in order {
        let f = &estate.files[k];
        let dev = devices[f.device.as_str()];
        let rendered = estate.render(k).unwrap();
        assert_eq!(&rendered.bytes[..2], &[0x1F, 0x8B], "{}: gzip", f.path);
        if f.kind == EstateKind::Usage {
            let mut reader = Reader::from_slice(&rendered.bytes).unwrap();
            assert_eq!(reader.format(), ndi_format::Format::Mmi, "{}", f.path);
            let mut record = Record::default();
            let mut apps = Vec::new();
            while reader.read_record(&mut record).unwrap() {
                if record.name == "MD" {
                    assert_eq!(record.attr("NAME"), Some(f.machine_name.as_str()));
                    assert_eq!(record.attr("DOMAIN"), Some(dev.domain.as_str()));
                    let guid = record.attr("GUID").unwrap();
                    assert!(dev.usage_guids.iter().any(|g| g == guid), "{}", f.path);
                }
                if record.name == "APPUSAGE" {
                    apps.push((
                        record.attr("NAME").unwrap().to_string(),
                        record.attr("VERSION").unwrap().to_string(),
                        record.attr("FILENAME").unwrap().to_string(),
                    ));
                }
            }
            assert_eq!(apps.len(), rendered.usage.len(), "{}", f.path);
            assert!(apps.len() >= 2, "{}", f.path);
            let inv = inventories
                .get(f.device.as_str())
                .unwrap_or_else(|| panic!("{}: no full inventory of the device", f.path));
            for (app, truth) in apps.iter().zip(&rendered.usage) {
                assert_eq!(
                    (&app.0, &app.1, &app.2),
                    (&truth.name, &truth.version, &truth.file_name)
                );
                assert!(
                    inv.files.contains(&app.2),
                    "{}: {} not in file evidence",
                    f.path,
                    app.2
                );
                match truth.matched_by {
                    "name-version" => assert!(
                        inv.installers.contains(&(app.0.clone(), app.1.clone())),
                        "{}: {app:?} not installed",
                        f.path
                    ),
                    "file-name" => assert!(app.0.is_empty() && app.1.is_empty()),
                    other => panic!("{other}"),
                }
            }
            usage_checked += 1;
            continue;
        }
        let seen = read_inventory(&f.path, &rendered.bytes);
        assert_eq!(seen.machine, f.machine_name, "{}", f.path);
        assert_eq!(seen.scope, dev.domain, "{}", f.path);
        assert_eq!(
            seen.identity.serial_number.as_deref(),
            Some(dev.serial.as_str()),
            "{}",
            f.path
        );
        assert_eq!(
            seen.identity.hardware_uuid.as_deref(),
            Some(dev.hardware_uuid.as_str()),
            "{}",
            f.path
        );
        let agent = seen.header_agent.clone().or(seen.identity.agent_id.clone());
        match &agent {
            Some(a) => assert!(dev.agent_ids.contains(a), "{}: unknown agent id", f.path),
            None => assert!(dev.agent_ids.is_empty(), "{}: agent id missing", f.path),
        }
        if let Some(a) = agent {
            agents_seen.entry(dev.key.as_str()).or_default().insert(a);
        }
        let hardware_only = f.kind == EstateKind::HardwareInventory;
        assert_eq!(seen.software, Some(!hardware_only), "{}", f.path);
        assert_eq!(seen.installers.is_empty(), hardware_only, "{}", f.path);
        if !hardware_only {
            inventories.insert(f.device.as_str(), seen);
        }
    }
    assert!(usage_checked > 0);
    // A re-imaged device is seen with both of its agent ids.
    for dev in with_case(&estate.devices, Case::Reimaged) {
        assert_eq!(agents_seen[dev.key.as_str()].len(), 2, "{}", dev.key);
    }
}

#[test]
fn small_estates_are_valid_too() {
    for (devices, days) in [(0, 3), (1, 1), (3, 2), (5, 3)] {
        let estate = Estate::plan(&EstateConfig::new(devices, days, 1));
        assert_eq!(estate.devices.len(), devices);
        let paths: BTreeSet<&str> = estate.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.len(), estate.files.len(), "paths are unique");
        for k in 0..estate.files.len() {
            assert!(estate.render(k).is_some());
        }
        assert!(estate.render(estate.files.len()).is_none());
    }
}
