//! Properties of the core on random estates built directly as record batches: the input
//! order never changes the output, and the guard never puts two usable serial numbers, or two
//! agent ids that reported at the same time, into one device.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, TimestampSecondBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use ndi_reconcile::{Inputs, Output, Rules, reconcile};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Row {
    id: String,
    name: String,
    time: i64,
    serial: Option<String>,
    uuid: Option<String>,
    agent: Option<String>,
    model: String,
}

const JUNK: &[&str] = &["To be filled by O.E.M.", "0", "  system serial number "];

fn row() -> impl Strategy<Value = (usize, u8, u8, u8, u8, u8, i64)> {
    (0usize..6, 0u8..4, 0u8..5, 0u8..4, 0u8..4, 0u8..3, 0i64..40)
}

fn make(k: usize, spec: (usize, u8, u8, u8, u8, u8, i64)) -> Row {
    let (dev, name, serial, uuid, agent, model, day) = spec;
    Row {
        id: format!("doc{k:03}"),
        name: match name {
            0 | 1 => format!("PC-{dev}"),
            2 => format!("pc-{dev}-renamed"),
            _ => "SHARED".into(),
        },
        time: 1_793_491_200 + day * 86_400 + (k as i64),
        serial: match serial {
            0 | 1 => Some(format!("SN-{dev}")),
            2 => Some(JUNK[dev % JUNK.len()].to_string()),
            3 => Some("IMAGE-SERIAL".into()),
            _ => None,
        },
        uuid: match uuid {
            0 | 1 => Some(format!("UUID-{dev}")),
            2 => Some("CLONED-UUID".into()),
            _ => None,
        },
        agent: match agent {
            0 => Some(format!("AG-{dev}")),
            1 => Some(format!("AG-{dev}-new")),
            2 => Some("0".into()),
            _ => None,
        },
        model: format!("Model {}", (dev + usize::from(model)) % 3),
    }
}

fn batches(rows: &[Row], size: usize) -> (Vec<RecordBatch>, Vec<RecordBatch>) {
    let mut inv = Vec::new();
    let mut hw = Vec::new();
    for chunk in rows.chunks(size.max(1)) {
        let mut id = StringBuilder::new();
        let mut name = StringBuilder::new();
        let mut scope = StringBuilder::new();
        let mut time = TimestampSecondBuilder::new();
        let mut hh = BooleanBuilder::new();
        let mut hs = BooleanBuilder::new();
        let mut serial = StringBuilder::new();
        let mut uuid = StringBuilder::new();
        let mut agent = StringBuilder::new();
        let (mut hid, mut class, mut prop, mut value) = (
            StringBuilder::new(),
            StringBuilder::new(),
            StringBuilder::new(),
            StringBuilder::new(),
        );
        for r in chunk {
            id.append_value(&r.id);
            name.append_value(&r.name);
            scope.append_value("corp.example");
            time.append_value(r.time);
            hh.append_value(true);
            hs.append_value(true);
            serial.append_option(r.serial.as_deref());
            uuid.append_option(r.uuid.as_deref());
            agent.append_option(r.agent.as_deref());
            for (p, v) in [
                ("Manufacturer", "Contoso"),
                ("Model", r.model.as_str()),
                ("Domain", "corp.example"),
            ] {
                hid.append_value(&r.id);
                class.append_value("Win32_ComputerSystem");
                prop.append_value(p);
                value.append_value(v);
            }
        }
        let cols: Vec<(&str, ArrayRef)> = vec![
            ("document_id", Arc::new(id.finish())),
            ("machine_name", Arc::new(name.finish())),
            ("scope", Arc::new(scope.finish())),
            ("inventory_time", Arc::new(time.finish())),
            ("has_hardware", Arc::new(hh.finish())),
            ("has_software", Arc::new(hs.finish())),
            ("serial_number", Arc::new(serial.finish())),
            ("hardware_uuid", Arc::new(uuid.finish())),
            ("agent_id", Arc::new(agent.finish())),
        ];
        inv.push(RecordBatch::try_from_iter(cols).unwrap());
        let cols: Vec<(&str, ArrayRef)> = vec![
            ("document_id", Arc::new(hid.finish())),
            ("class", Arc::new(class.finish())),
            ("property", Arc::new(prop.finish())),
            ("value", Arc::new(value.finish())),
        ];
        hw.push(RecordBatch::try_from_iter(cols).unwrap());
    }
    (inv, hw)
}

fn run(rows: &[Row], size: usize) -> ndi_reconcile::Reconciled {
    let (inv, hw) = batches(rows, size);
    let inputs = Inputs {
        inventories: &inv,
        hardware: &hw,
        ..Inputs::default()
    };
    reconcile(&inputs, &Rules::default(), 1_793_491_200 + 50 * 86_400)
        .unwrap()
        .0
}

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn permuting_the_input_changes_nothing(
        (specs, perm) in prop::collection::vec(row(), 1..40).prop_flat_map(|v| {
            let n = v.len();
            (Just(v), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        }),
        size in 1usize..10,
    ) {
        let rows: Vec<Row> = specs.into_iter().enumerate().map(|(k, s)| make(k, s)).collect();
        let shuffled: Vec<Row> = perm.iter().map(|&i| rows[i].clone()).collect();
        let a = run(&rows, 1000);
        let b = run(&shuffled, size);
        for t in Output::ALL {
            prop_assert_eq!(a.table(t), b.table(t), "{}", t.name());
        }
    }

    #[test]
    fn the_guard_never_joins_different_serials_or_concurrent_agents(
        specs in prop::collection::vec(row(), 1..40),
    ) {
        let rows: Vec<Row> = specs.into_iter().enumerate().map(|(k, s)| make(k, s)).collect();
        let r = run(&rows, 7);
        let by_id: HashMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
        // Serial values demoted for some documents (reported as findings).
        let f = &r.identity_findings;
        let lists = f.column_by_name("document_ids").unwrap().as_list::<i32>();
        let mut demoted: BTreeSet<(String, String)> = BTreeSet::new();
        for (i, (kind, col)) in texts(f, "kind").iter().zip(texts(f, "column")).enumerate() {
            if kind == "demoted" && col == "serial_number" {
                let v = lists.value(i);
                let v = v.as_string::<i32>();
                for k in 0..v.len() {
                    demoted.insert((v.value(k).to_string(), col.clone()));
                }
            }
        }
        let usable_serial = |r: &Row| -> Option<String> {
            let s = r.serial.as_deref()?.trim().to_lowercase();
            let junk = JUNK.iter().any(|j| j.trim().eq_ignore_ascii_case(&s));
            (!junk && !demoted.contains(&(r.id.clone(), "serial_number".into()))).then_some(s)
        };
        let mut spans: HashMap<String, (i64, i64)> = HashMap::new();
        for r in &rows {
            if let Some(a) = r.agent.as_deref().filter(|a| *a != "0") {
                let e = spans.entry(a.to_lowercase()).or_insert((r.time, r.time));
                e.0 = e.0.min(r.time);
                e.1 = e.1.max(r.time);
            }
        }
        let mut members: HashMap<String, Vec<&Row>> = HashMap::new();
        for (d, dev) in texts(&r.device_map, "document_id").iter().zip(texts(&r.device_map, "device_id")) {
            members.entry(dev).or_default().push(by_id[d.as_str()]);
        }
        for (dev, docs) in &members {
            let serials: BTreeSet<String> = docs.iter().filter_map(|r| usable_serial(r)).collect();
            prop_assert!(serials.len() <= 1, "device {} holds serials {:?}", dev, serials);
            let agents: BTreeSet<String> = docs
                .iter()
                .filter_map(|r| r.agent.as_deref().filter(|a| *a != "0").map(str::to_lowercase))
                .collect();
            for a in &agents {
                for b in &agents {
                    if a < b {
                        let (p, q) = (spans[a], spans[b]);
                        prop_assert!(!(p.0 <= q.1 && q.0 <= p.1), "device {} holds concurrent agents {} and {}", dev, a, b);
                    }
                }
            }
        }
        // Every document is mapped once; device ids are unique per device.
        prop_assert_eq!(r.device_map.num_rows(), rows.len());
        prop_assert_eq!(r.devices.num_rows(), members.len());
    }
}
