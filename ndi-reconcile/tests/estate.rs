//! A small estate with known truth, imported through the loader's decoder: every case of
//! RECONCILE.md section 2 and 3, checked against the truth.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampSecondType;
use arrow_array::{Array, RecordBatch};
use common::{Inv, Use, load, mmi, nov, nov_secs};
use ndi_reconcile::{Output, Reconciled, Rule, Rules, reconcile};

/// The estate: (truth device, file name, XML), in import order.
fn estate() -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let base = |name, serial, uuid, agent| Inv {
        name,
        domain: "corp.example",
        serial,
        uuid,
        agent,
        manufacturer: "Dell Inc.",
        model: "Latitude 7440",
        hardware: true,
        software: Some(vec![("Contoso Office", "16.0")]),
        ..Inv::default()
    };
    let mut push = |truth: &'static str, inv: Inv| {
        let name = format!("SYSTEM on {} at {}.ndi", inv.name, inv.time);
        out.push((truth, name, inv.xml()));
    };
    // Renamed: the name changes on day 10, serial, UUID and agent stay.
    for (day, name) in [(1, "PC-A"), (5, "PC-A"), (10, "PC-A2"), (20, "pc-a2")] {
        push(
            "A",
            Inv {
                time: nov(day, 8),
                ..base(name, "SNA001", "UA-1", Some("AG-A"))
            },
        );
    }
    // Re-imaged on day 12: new agent id and name; serial, manufacturer, model, UUID stay.
    for (day, name, agent) in [
        (2, "PC-B", "AG-B1"),
        (8, "PC-B", "AG-B1"),
        (12, "PC-B-NEW", "AG-B2"),
        (22, "PC-B-NEW", "AG-B2"),
    ] {
        push(
            "B",
            Inv {
                time: nov(day, 9),
                ..base(name, "SNB002", "UB-2", Some(agent))
            },
        );
    }
    // Cloned VMs: one UUID, different serials, names and agents.
    for (day, name, serial, agent, truth) in [
        (3, "VM-C1", "VMware-SC1", "AG-C1", "C1"),
        (3, "VM-C2", "VMware-SC2", "AG-C2", "C2"),
        (15, "VM-C1", "VMware-SC1", "AG-C1", "C1"),
        (15, "VM-C2", "VMware-SC2", "AG-C2", "C2"),
    ] {
        push(
            truth,
            Inv {
                time: nov(day, 10),
                manufacturer: "VMware, Inc.",
                model: "VMware Virtual Platform",
                ..base(name, serial, "42-CLONED-UUID", Some(agent))
            },
        );
    }
    // Placeholder serials on two unrelated boards, no agent id.
    for (day, name, uuid, truth) in [
        (4, "PP-1", "UP-1", "P1"),
        (4, "PP-2", "UP-2", "P2"),
        (18, "PP-1", "UP-1", "P1"),
        (18, "PP-2", "UP-2", "P2"),
    ] {
        push(
            truth,
            Inv {
                time: nov(day, 11),
                ..base(name, "To be filled by O.E.M.", uuid, None)
            },
        );
    }
    // A full inventory, then a hardware-only one.
    push(
        "H",
        Inv {
            time: nov(6, 7),
            software: Some(vec![("Contoso Office", "16.0"), ("Fabrikam Viewer", "2.1")]),
            files: vec![
                ("fabview.exe", "Fabrikam Viewer", "2.1"),
                ("fabview.exe", "Fabrikam Viewer Portable", "3.0"),
            ],
            ..base("PC-H", "SNH005", "UH-5", Some("AG-H"))
        },
    );
    push(
        "H",
        Inv {
            time: nov(21, 7),
            software: None,
            ..base("PC-H", "SNH005", "UH-5", Some("AG-H"))
        },
    );
    // Stale: last seen on day 2.
    push(
        "S",
        Inv {
            time: nov(2, 12),
            ..base("PC-S", "SNS006", "US-6", Some("AG-S"))
        },
    );
    // Two devices using one name at different times (a name given again): the weak
    // name + domain edge must be refused by the guard.
    push(
        "X",
        Inv {
            time: nov(5, 13),
            ..base("SHARED", "SNX007", "UX-7", Some("AG-X"))
        },
    );
    push(
        "Y",
        Inv {
            time: nov(19, 13),
            ..base("SHARED", "SNY008", "UY-8", Some("AG-Y"))
        },
    );
    // Twice on one day.
    push(
        "T",
        Inv {
            time: nov(9, 6),
            ..base("PC-T", "SNT009", "UT-9", Some("AG-T"))
        },
    );
    push(
        "T",
        Inv {
            time: nov(9, 18),
            ..base("PC-T", "SNT009", "UT-9", Some("AG-T"))
        },
    );
    out
}

fn usage_files() -> Vec<(String, String)> {
    vec![
        (
            "PC-A2 at 20261119.mmi".into(),
            mmi(
                "PC-A2",
                "corp.example",
                "{11111111-2222-3333-4444-555555555555}",
                "20261116T000000",
                &[Use {
                    app: "Contoso Office",
                    version: "16.0",
                    file: "office.exe",
                    run: 120,
                    last_used: nov(19, 10),
                    product: ("", ""),
                }],
            ),
        ),
        (
            "PC-H at 20261120.mmi".into(),
            mmi(
                "PC-H",
                "corp.example",
                "{AAAAAAAA-2222-3333-4444-555555555555}",
                "20261116T000000",
                &[
                    Use {
                        app: "",
                        version: "",
                        file: "FABVIEW.EXE",
                        run: 30,
                        last_used: nov(20, 10),
                        product: ("", ""),
                    },
                    // The same file name in a product known from its files only: the
                    // record's own product picks it.
                    Use {
                        app: "",
                        version: "",
                        file: "fabview.exe",
                        run: 90,
                        last_used: nov(20, 12),
                        product: ("Fabrikam Viewer Portable", "3.0"),
                    },
                    Use {
                        app: "Unknown Tool",
                        version: "1",
                        file: "unknown.exe",
                        run: 500,
                        last_used: nov(20, 11),
                        product: ("", ""),
                    },
                ],
            ),
        ),
    ]
}

/// December 4th: 30 days after November 4th, so S (last seen November 2nd) is stale and X (November 5th) is not.
const AS_OF_DAY: u32 = 34;

fn run(
    order: &[usize],
    flush_every: usize,
    rules: &Rules,
) -> (Reconciled, HashMap<String, &'static str>) {
    let est = estate();
    let mut docs: Vec<(String, String)> = order
        .iter()
        .map(|&i| (est[i].1.clone(), est[i].2.clone()))
        .collect();
    docs.extend(usage_files());
    let tables = load(&docs, flush_every);
    let mut truth = HashMap::new();
    for (k, &i) in order.iter().enumerate() {
        truth.insert(tables.ids[k].clone(), est[i].0);
    }
    let (r, _) = reconcile(&tables.inputs(), rules, nov_secs(AS_OF_DAY, 0)).expect("reconcile");
    (r, truth)
}

fn strings(b: &RecordBatch, col: &str) -> Vec<Option<String>> {
    let a = b.column_by_name(col).expect(col).as_string::<i32>();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect()
}

fn s(b: &RecordBatch, col: &str) -> Vec<String> {
    strings(b, col)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

fn bools(b: &RecordBatch, col: &str) -> Vec<bool> {
    let a = b.column_by_name(col).expect(col).as_boolean();
    (0..a.len()).map(|i| a.value(i)).collect()
}

/// Pairwise precision and recall of the found grouping against the truth.
fn precision_recall(map: &RecordBatch, truth: &HashMap<String, &str>) -> (f64, f64) {
    let docs = s(map, "document_id");
    let devs = s(map, "device_id");
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let same_found = devs[i] == devs[j];
            let same_truth = truth[&docs[i]] == truth[&docs[j]];
            match (same_found, same_truth) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fn_ += 1,
                _ => {}
            }
        }
    }
    let p = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fn_ == 0 {
        1.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    (p, r)
}

fn device_of_truth(r: &Reconciled, truth: &HashMap<String, &str>) -> BTreeMap<String, String> {
    let docs = s(&r.device_map, "document_id");
    let devs = s(&r.device_map, "device_id");
    docs.iter()
        .zip(devs)
        .map(|(d, v)| (truth[d].to_string(), v))
        .collect()
}

#[test]
fn every_device_found_and_none_merged_wrongly() {
    let n = estate().len();
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 5, &Rules::default());
    assert_eq!(r.device_map.num_rows(), n);
    let (p, rec) = precision_recall(&r.device_map, &truth);
    assert_eq!((p, rec), (1.0, 1.0));
    let expected: BTreeSet<&str> = truth.values().copied().collect();
    assert_eq!(r.devices.num_rows(), expected.len());
}

#[test]
fn reasons_explain_each_join() {
    let n = estate().len();
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 3, &Rules::default());
    let docs = s(&r.device_map, "document_id");
    let reasons = s(&r.device_map, "match_reason");
    let names = s(&r.device_map, "machine_name");
    let by = |t: &str, name: &str| -> BTreeSet<String> {
        (0..docs.len())
            .filter(|&i| truth[&docs[i]] == t && names[i] == name)
            .map(|i| reasons[i].clone())
            .collect()
    };
    // The re-imaged machine's new documents join through serial + manufacturer + model
    // (the new agent id reports only after the old one stopped).
    assert!(by("B", "PC-B-NEW").contains("serial_manufacturer_model"));
    // The renamed machine's new name joins through its agent id.
    assert_eq!(by("A", "PC-A2"), BTreeSet::from(["agent_id".to_string()]));
    // Placeholder-serial machines join through UUID + name, never through the serial.
    assert_eq!(
        by("P1", "PP-1"),
        BTreeSet::from(["earliest".to_string(), "uuid_name".to_string()])
    );
    // One document per device is the earliest, with the key its device id derives from.
    let earliest = reasons.iter().filter(|r| *r == "earliest").count();
    assert_eq!(earliest, r.devices.num_rows());
}

#[test]
fn findings_report_placeholders_clones_and_refusals() {
    let n = estate().len();
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 4, &Rules::default());
    let f = &r.identity_findings;
    let kinds = s(f, "kind");
    let cols = s(f, "column");
    let values = s(f, "value");
    let lists = f.column_by_name("document_ids").unwrap().as_list::<i32>();
    let docs_of = |i: usize| -> BTreeSet<&str> {
        let v = lists.value(i);
        let v = v.as_string::<i32>();
        (0..v.len()).map(|k| truth[v.value(k)]).collect()
    };
    let find =
        |kind: &str, col: &str| (0..kinds.len()).find(|&i| kinds[i] == kind && cols[i] == col);
    let i = find("absent", "serial_number").expect("placeholder serial reported");
    assert_eq!(values[i], "To be filled by O.E.M.");
    assert_eq!(docs_of(i), BTreeSet::from(["P1", "P2"]));
    let i = find("demoted", "hardware_uuid").expect("cloned UUID demoted");
    assert_eq!(values[i], "42-CLONED-UUID");
    assert_eq!(docs_of(i), BTreeSet::from(["C1", "C2"]));
    let i = find("refused_edge", "name_domain").expect("name reuse refused");
    assert_eq!(docs_of(i), BTreeSet::from(["X", "Y"]));
    assert!(
        s(f, "reason")[i].contains("serial"),
        "{}",
        s(f, "reason")[i]
    );
}

#[test]
fn installations_come_from_the_latest_software_document() {
    let n = estate().len();
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 2, &Rules::default());
    let dev = device_of_truth(&r, &truth);
    let inst = &r.installations;
    let devs = s(inst, "device_id");
    let docs = s(inst, "document_id");
    let names = s(inst, "name");
    let h: Vec<usize> = (0..devs.len()).filter(|&i| devs[i] == dev["H"]).collect();
    let h_names: BTreeSet<&str> = h.iter().map(|&i| names[i].as_str()).collect();
    // The hardware-only inventory on day 21 does not uninstall anything.
    assert_eq!(
        h_names,
        BTreeSet::from(["Contoso Office", "Fabrikam Viewer"])
    );
    // And the rows come from the full inventory of day 6.
    let d = &r.devices;
    let row = s(d, "device_id")
        .iter()
        .position(|x| *x == dev["H"])
        .unwrap();
    let lsw = s(d, "latest_software_document")[row].clone();
    let lhw = s(d, "latest_hardware_document")[row].clone();
    assert_ne!(lsw, lhw);
    assert!(h.iter().all(|&i| docs[i] == lsw));
    // One installation per device and installer record, no duplicates.
    assert_eq!(devs.len(), 1 + 1 + 1 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 1);
}

#[test]
fn usage_joins_the_right_installation() {
    let n = estate().len();
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 7, &Rules::default());
    let dev = device_of_truth(&r, &truth);
    let u = &r.usage_by_installation;
    let rows: Vec<(String, String, String, bool)> = (0..u.num_rows())
        .map(|i| {
            (
                s(u, "device_id")[i].clone(),
                s(u, "app_name")[i].clone(),
                s(u, "matched_by")[i].clone(),
                bools(u, "used")[i],
            )
        })
        .collect();
    assert_eq!(rows, {
        let mut v = vec![
            (
                dev["A"].clone(),
                "Contoso Office".to_string(),
                "name_version".to_string(),
                true,
            ),
            // 30 seconds: ran, but not used.
            (
                dev["H"].clone(),
                "Fabrikam Viewer".to_string(),
                "file_evidence".to_string(),
                false,
            ),
            // Known from its files only, no installer record.
            (
                dev["H"].clone(),
                "Fabrikam Viewer Portable".to_string(),
                "file_evidence".to_string(),
                true,
            ),
        ];
        v.sort();
        v
    });
    let lu = u
        .column_by_name("last_used")
        .unwrap()
        .as_primitive::<TimestampSecondType>();
    let runs = u
        .column_by_name("run_seconds_90d")
        .unwrap()
        .as_primitive::<arrow_array::types::Int64Type>();
    let a_rows = rows.iter().enumerate().filter(|(_, r)| r.0 == dev["A"]);
    assert_eq!(a_rows.clone().count(), 1);
    for (i, _) in a_rows {
        {
            assert_eq!(lu.value(i), nov_secs(19, 10));
            assert_eq!(runs.value(i), 120);
        }
    }
    // Far later, the usage is outside the 90-day window.
    let est = estate();
    let mut docs: Vec<(String, String)> = est.iter().map(|e| (e.1.clone(), e.2.clone())).collect();
    docs.extend(usage_files());
    let tables = load(&docs, 100);
    let (late, _) = reconcile(
        &tables.inputs(),
        &Rules::default(),
        nov_secs(1, 0) + 200 * 86_400,
    )
    .unwrap();
    assert!(
        bools(&late.usage_by_installation, "used")
            .iter()
            .all(|u| !u)
    );
}

#[test]
fn stale_devices_are_flagged() {
    let n = estate().len();
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 5, &Rules::default());
    let dev = device_of_truth(&r, &truth);
    let ids = s(&r.devices, "device_id");
    let stale = bools(&r.devices, "stale");
    for (t, id) in &dev {
        let i = ids.iter().position(|x| x == id).unwrap();
        assert_eq!(stale[i], t == "S", "{t}");
    }
    // With a 2-day threshold every device is stale.
    let rules = Rules {
        stale_days: 2,
        ..Rules::default()
    };
    let (r2, _) = run(&(0..n).collect::<Vec<_>>(), 5, &rules);
    assert_eq!(
        bools(&r2.devices, "stale").iter().filter(|s| **s).count(),
        r2.devices.num_rows()
    );
}

#[test]
fn output_does_not_depend_on_import_order_or_batching() {
    let n = estate().len();
    let (a, _) = run(&(0..n).collect::<Vec<_>>(), 5, &Rules::default());
    let (b, _) = run(&(0..n).rev().collect::<Vec<_>>(), 1, &Rules::default());
    let mut shuffled: Vec<usize> = (0..n).collect();
    shuffled.sort_by_key(|i| (i * 7919) % n);
    let (c, _) = run(&shuffled, 3, &Rules::default());
    for t in Output::ALL {
        assert_eq!(a.table(t), b.table(t), "{}", t.name());
        assert_eq!(a.table(t), c.table(t), "{}", t.name());
    }
}

#[test]
fn device_ids_are_stable_as_documents_arrive() {
    let est = estate();
    let n = est.len();
    // The first two weeks only, then everything.
    let early: Vec<usize> = (0..n)
        .filter(|&i| est[i].2.contains("DateTime=\"2026110"))
        .collect();
    let (a, ta) = run(&early, 4, &Rules::default());
    let (b, tb) = run(&(0..n).collect::<Vec<_>>(), 4, &Rules::default());
    let da = device_of_truth(&a, &ta);
    let db = device_of_truth(&b, &tb);
    assert!(!da.is_empty());
    for (t, id) in &da {
        assert_eq!(&db[t], id, "device {t}");
    }
}

#[test]
fn rule_order_is_configurable() {
    let n = estate().len();
    // Without the serial rules the re-imaged machine is two devices.
    let rules = Rules {
        order: vec![Rule::AgentId, Rule::UuidName, Rule::NameDomain],
        ..Rules::default()
    };
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 5, &rules);
    let (p, rec) = precision_recall(&r.device_map, &truth);
    assert_eq!(p, 1.0);
    assert!(rec < 1.0);
    // Name alone, with no guard-worthy keys, would merge the two SHARED machines: the guard
    // still refuses it.
    let rules = Rules {
        order: vec![Rule::Name],
        ..Rules::default()
    };
    let (r, truth) = run(&(0..n).collect::<Vec<_>>(), 5, &rules);
    let (p, _) = precision_recall(&r.device_map, &truth);
    assert_eq!(p, 1.0);
}
