//! Times `ndi_reconcile::reconcile` on the identities of many inventory documents (default
//! 1,000,000), synthesised in memory with the cases that make reconciliation hard: renamed
//! machines, re-imaged machines (new agent id and name), cloned VMs sharing a hardware UUID,
//! placeholder serials, hardware-only and software-only inventories. Run it under GNU time
//! for the peak RSS:
//!
//! ```sh
//! cargo build --release -p ndi-benches --bin reconcile-identities
//! /usr/bin/time -v target/release/reconcile-identities 1000000
//! ```

use std::sync::Arc;
use std::time::Instant;

use arrow_array::builder::{BooleanBuilder, StringBuilder, TimestampSecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use ndi_reconcile::{Inputs, Rules, reconcile};

const PLACEHOLDERS: [&str; 4] = [
    "To be filled by O.E.M.",
    "System Serial Number",
    "Default string",
    "0",
];
const DOCS_PER_DEVICE: usize = 8;
const BATCH: usize = 65_536;
const START: i64 = 1_793_491_200;

fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

struct Identity {
    id: String,
    name: String,
    time: i64,
    hw: bool,
    sw: bool,
    serial: Option<String>,
    uuid: Option<String>,
    agent: Option<String>,
    model: String,
}

fn identity(i: usize, devices: usize) -> Identity {
    let d = i % devices;
    let round = i / devices;
    let h = mix(d as u64);
    let case = h % 100;
    let late = round >= DOCS_PER_DEVICE / 2;
    let mut name = format!("PC-{d:07}");
    let mut serial = Some(format!("SN{:010X}", mix(h) & 0xFF_FFFF_FFFF));
    let mut uuid = Some(format!("{:032X}", mix(h ^ 1) as u128 * 7));
    let mut agent = Some(format!("{{{:016X}}}", mix(h ^ 2)));
    match case {
        0..10 if late => name.push_str("-NEW"),
        10..16 if late => {
            name.push_str("-IMG");
            agent = Some(format!("{{{:016X}}}", mix(h ^ 3)));
        }
        16..22 => uuid = Some(format!("CLONE-{:07}", d / 3)),
        22..30 => {
            serial = Some(PLACEHOLDERS[(h >> 8) as usize % PLACEHOLDERS.len()].to_string());
            agent = None;
        }
        _ => {}
    }
    let kind = mix(i as u64) % 100;
    Identity {
        id: format!(
            "{:032x}",
            (mix(i as u64) as u128) << 64 | mix(!(i as u64)) as u128
        ),
        name,
        time: START + round as i64 * 4 * 86_400 + (h % 86_400) as i64,
        hw: kind >= 3,
        sw: !(3..6).contains(&kind),
        serial,
        uuid,
        agent,
        model: format!("Model {}", h % 40),
    }
}

fn batches(n: usize) -> (Vec<RecordBatch>, Vec<RecordBatch>) {
    let devices = n.div_ceil(DOCS_PER_DEVICE).max(1);
    let mut inv = Vec::new();
    let mut hw = Vec::new();
    let mut start = 0;
    while start < n {
        let end = (start + BATCH).min(n);
        let mut b: Vec<StringBuilder> = (0..6).map(|_| StringBuilder::new()).collect();
        let mut time = TimestampSecondBuilder::new();
        let (mut hh, mut hs) = (BooleanBuilder::new(), BooleanBuilder::new());
        let mut h: Vec<StringBuilder> = (0..4).map(|_| StringBuilder::new()).collect();
        for i in start..end {
            let x = identity(i, devices);
            b[0].append_value(&x.id);
            b[1].append_value(&x.name);
            b[2].append_value("corp.example");
            b[3].append_option(x.serial.as_deref().filter(|_| x.hw));
            b[4].append_option(x.uuid.as_deref().filter(|_| x.hw));
            b[5].append_option(x.agent.as_deref());
            time.append_value(x.time);
            hh.append_value(x.hw);
            hs.append_value(x.sw);
            if x.hw {
                for (p, v) in [
                    ("Manufacturer", "Contoso"),
                    ("Model", x.model.as_str()),
                    ("Domain", "corp.example"),
                ] {
                    h[0].append_value(&x.id);
                    h[1].append_value("Win32_ComputerSystem");
                    h[2].append_value(p);
                    h[3].append_value(v);
                }
            }
        }
        let names = [
            "document_id",
            "machine_name",
            "scope",
            "serial_number",
            "hardware_uuid",
            "agent_id",
        ];
        let mut cols: Vec<(&str, ArrayRef)> = names
            .iter()
            .zip(b.iter_mut())
            .map(|(n, b)| (*n, Arc::new(b.finish()) as ArrayRef))
            .collect();
        cols.push(("inventory_time", Arc::new(time.finish())));
        cols.push(("has_hardware", Arc::new(hh.finish())));
        cols.push(("has_software", Arc::new(hs.finish())));
        inv.push(RecordBatch::try_from_iter(cols).unwrap_or_else(|e| panic!("{e}")));
        let names = ["document_id", "class", "property", "value"];
        let cols: Vec<(&str, ArrayRef)> = names
            .iter()
            .zip(h.iter_mut())
            .map(|(n, b)| (*n, Arc::new(b.finish()) as ArrayRef))
            .collect();
        hw.push(RecordBatch::try_from_iter(cols).unwrap_or_else(|e| panic!("{e}")));
        start = end;
    }
    (inv, hw)
}

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat`
/// (Linux; clock ticks of 1/100 s), or `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let t0 = Instant::now();
    let (inv, hw) = batches(n);
    let synth = t0.elapsed().as_secs_f64();
    let inputs = Inputs {
        inventories: &inv,
        hardware: &hw,
        ..Inputs::default()
    };
    let c1 = cpu_seconds();
    let t1 = Instant::now();
    let (out, counts) = reconcile(&inputs, &Rules::default(), START + 40 * 86_400)
        .unwrap_or_else(|e| panic!("{e}"));
    let secs = t1.elapsed().as_secs_f64();
    let cpu = match (c1, cpu_seconds()) {
        (Some(a), Some(b)) => format!("{:.1} s", b - a),
        _ => "unknown".into(),
    };
    println!(
        "{} documents -> {} devices (synthesised: {}; {} stale), {} findings; synthesis {synth:.1} s, reconcile {secs:.1} s wall, {cpu} CPU",
        counts.documents,
        counts.devices,
        n.div_ceil(DOCS_PER_DEVICE),
        counts.stale,
        out.identity_findings.num_rows()
    );
}
