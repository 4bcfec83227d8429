//! The generated estate with known truth (`ndi_corpora::estate`): every file decoded through
//! the loader's decoder, reconciled, and compared with the truth: the document grouping has
//! pairwise precision and recall 1.0, installations come from each device's latest software
//! document, usage joins the installation the usage record stands for, stale devices are
//! flagged.

use std::collections::{BTreeSet, HashMap};

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use ndi_corpora::estate::{Estate, EstateConfig, EstateKind};
use ndi_load::tables::Table;
use ndi_load::{Decoder, Status};
use ndi_reconcile::{Inputs, Rules, reconcile};

fn texts(b: &RecordBatch, col: &str) -> Vec<String> {
    let a = b.column_by_name(col).unwrap().as_string::<i32>();
    (0..a.len())
        .map(|i| {
            if a.is_valid(i) {
                a.value(i).to_string()
            } else {
                String::new()
            }
        })
        .collect()
}

#[test]
fn the_estate_is_reconciled_as_its_truth_says() {
    let config = EstateConfig::new(50, 35, 7);
    let estate = Estate::plan(&config);
    let mut decoder = Decoder::new(Default::default());
    let mut truth: HashMap<String, String> = HashMap::new();
    // Per truth device, the (stamp, document id) of its inventories with software.
    let mut software: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut usage_truth = Vec::new();
    let mut batches: HashMap<Table, Vec<RecordBatch>> = HashMap::new();
    for (k, f) in estate.files.iter().enumerate() {
        let rendered = estate.render(k).expect("rendered");
        let outcome = decoder.decode(&f.path, &rendered.bytes).expect("decode");
        assert_ne!(outcome.status, Status::Rejected, "{}", f.path);
        if f.kind != EstateKind::Usage {
            truth.insert(outcome.document_id.clone(), f.device.clone());
        }
        if f.kind == EstateKind::Inventory {
            software
                .entry(f.device.clone())
                .or_default()
                .push((f.stamp.clone(), outcome.document_id.clone()));
        }
        usage_truth.extend(rendered.usage);
        if k % 97 == 96 {
            for (t, b) in decoder.flush().unwrap() {
                batches.entry(t).or_default().push(b);
            }
        }
    }
    for (t, b) in decoder.flush().unwrap() {
        batches.entry(t).or_default().push(b);
    }
    let get = |t: Table| batches.get(&t).map(Vec::as_slice).unwrap_or(&[]);
    let inputs = Inputs {
        documents: get(Table::Documents),
        inventories: get(Table::Inventories),
        hardware: get(Table::Hardware),
        installer_evidence: get(Table::InstallerEvidence),
        file_evidence: get(Table::FileEvidence),
        usage: get(Table::Usage),
    };
    // The day after the last.
    let as_of = (config.first_day + i64::from(config.days)) * 86_400;
    let (r, _) = reconcile(&inputs, &Rules::default(), as_of).unwrap();

    // Grouping: pairwise precision and recall, from the contingency counts.
    let docs = texts(&r.device_map, "document_id");
    let devs = texts(&r.device_map, "device_id");
    assert_eq!(docs.len(), truth.len());
    let mut both: HashMap<(&str, &str), u64> = HashMap::new();
    let mut found: HashMap<&str, u64> = HashMap::new();
    let mut real: HashMap<&str, u64> = HashMap::new();
    for (d, v) in docs.iter().zip(&devs) {
        let t = truth[d].as_str();
        *both.entry((v, t)).or_default() += 1;
        *found.entry(v).or_default() += 1;
        *real.entry(t).or_default() += 1;
    }
    let tp = pairs(both.values());
    let (fp, fn_) = (pairs(found.values()) - tp, pairs(real.values()) - tp);
    let mut wrong = Vec::new();
    if fp > 0 || fn_ > 0 {
        for (d, v) in docs.iter().zip(&devs) {
            wrong.push(format!("{v} {} {d}", truth[d]));
        }
        wrong.sort();
    }
    assert_eq!(
        (fp, fn_),
        (0, 0),
        "precision {} recall {}\n{}",
        tp as f64 / (tp + fp) as f64,
        tp as f64 / (tp + fn_) as f64,
        wrong.join("\n")
    );
    assert_eq!(found.len(), estate.devices.len());

    // Our device of each truth device.
    let ours: HashMap<&str, &str> = docs
        .iter()
        .zip(&devs)
        .map(|(d, v)| (truth[d].as_str(), v.as_str()))
        .collect();

    // Stale: every device whose last day is more than 30 days before as-of, and only those.
    let ids = texts(&r.devices, "device_id");
    let stale = r.devices.column_by_name("stale").unwrap().as_boolean();
    let flagged: BTreeSet<&str> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| stale.value(*i))
        .map(|(_, id)| id.as_str())
        .collect();
    let last_day_limit = ndi_corpora_day(as_of - 30 * 86_400);
    let expected: BTreeSet<&str> = estate
        .devices
        .iter()
        .filter(|d| d.last_day.as_str() < last_day_limit.as_str())
        .map(|d| ours[d.key.as_str()])
        .collect();
    assert_eq!(flagged, expected);

    // Installations: from the latest inventory with software (never a hardware-only one).
    let latest_sw: HashMap<String, String> = ids
        .iter()
        .cloned()
        .zip(texts(&r.devices, "latest_software_document"))
        .collect();
    for (device, docs) in &software {
        let latest = &docs.iter().max().unwrap().1;
        assert_eq!(&latest_sw[ours[device.as_str()]], latest, "{device}");
    }
    let inst_devices = texts(&r.installations, "device_id");
    let inst_docs = texts(&r.installations, "document_id");
    assert!(!inst_docs.is_empty());
    for (d, doc) in inst_devices.iter().zip(&inst_docs) {
        assert_eq!(&latest_sw[d], doc);
    }

    // Usage: each record's installer, on its device, has a usage row.
    let u = &r.usage_by_installation;
    let rows: BTreeSet<(String, String, String)> = texts(u, "device_id")
        .into_iter()
        .zip(texts(u, "app_name"))
        .zip(texts(u, "app_version"))
        .map(|((a, b), c)| (a, b.to_lowercase(), c.to_lowercase()))
        .collect();
    assert!(!usage_truth.is_empty());
    for t in &usage_truth {
        let key = (
            ours[t.device.as_str()].to_string(),
            t.installer_name.to_lowercase(),
            t.installer_version.to_lowercase(),
        );
        assert!(
            rows.contains(&key),
            "usage of {} {} on {} not joined",
            t.installer_name,
            t.installer_version,
            t.device
        );
    }
}

/// `YYYY-MM-DD` of a time in seconds.
fn ndi_corpora_day(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Pairs within groups of these sizes.
fn pairs<'a>(sizes: impl Iterator<Item = &'a u64>) -> u64 {
    sizes.map(|n| n * (n - 1) / 2).sum()
}
