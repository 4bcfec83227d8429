//! The imported tables in, one identity record per inventory document out.

use std::borrow::Cow;
use std::collections::HashMap;

use arrow_array::RecordBatch;

use crate::ReconcileError;
use crate::columns::{booleans, seconds, text};
use crate::rules::normalise_cow;

/// The imported tables the reconciliation reads, as record batches with the columns of
/// `ndi_load::tables` (`docs/TABLES.md`). Columns it does not read may be missing; a table
/// with no batches is empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// `documents`: `document_id`, `status`, `loaded_at`.
    pub documents: &'a [RecordBatch],
    /// `inventories`: `document_id`, `machine_name`, `scope`, `inventory_time`,
    /// `has_hardware`, `has_software`, `serial_number`, `hardware_uuid`, `agent_id`.
    pub inventories: &'a [RecordBatch],
    /// `hardware`: `document_id`, `class`, `property`, `value`.
    pub hardware: &'a [RecordBatch],
    /// `installer_evidence`: `document_id`, `evidence_type`, `name`, `version`,
    /// `publisher`, `product_code`, `install_date`.
    pub installer_evidence: &'a [RecordBatch],
    /// `file_evidence`: `document_id`, `file_name`, `product_name`, `product_version`.
    pub file_evidence: &'a [RecordBatch],
    /// `usage`: `device_name`, `device_domain`, `device_guid`, `app_name`, `app_version`,
    /// `file_name`, `file_product_name`, `file_product_version`, `run_seconds`,
    /// `active_seconds`, `sessions`, `week_start`, `last_used`.
    pub usage: &'a [RecordBatch],
}

/// One inventory document's identity, as read (raw values) and as compared (normalised,
/// usable values; `None` when absent or junk).
#[derive(Debug, Clone, Default)]
pub(crate) struct Doc<'a> {
    pub id: &'a str,
    /// Sort time: inventory time, else load time, else the minimum.
    pub time: i64,
    pub inventory_time: Option<i64>,
    pub name_raw: Option<Cow<'a, str>>,
    pub domain_raw: Option<Cow<'a, str>>,
    pub serial_raw: Option<Cow<'a, str>>,
    pub uuid_raw: Option<Cow<'a, str>>,
    pub agent_raw: Option<Cow<'a, str>>,
    pub manufacturer_raw: Option<Cow<'a, str>>,
    pub model_raw: Option<Cow<'a, str>>,
    pub os: Option<Cow<'a, str>>,
    pub has_hw: bool,
    pub has_sw: bool,
    // normalised
    pub name: Option<Cow<'a, str>>,
    pub domain: Option<Cow<'a, str>>,
    pub serial: Option<Cow<'a, str>>,
    pub uuid: Option<Cow<'a, str>>,
    pub agent: Option<Cow<'a, str>>,
    pub manufacturer: Option<Cow<'a, str>>,
    pub model: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct HwFacts<'a> {
    domain: Option<Cow<'a, str>>,
    manufacturer: Option<Cow<'a, str>>,
    model: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    os: Option<Cow<'a, str>>,
    vendor: Option<Cow<'a, str>>,
    product: Option<Cow<'a, str>>,
}

fn nonempty(v: Option<&str>) -> Option<Cow<'_, str>> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(Cow::Borrowed)
}

fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Reads the inventory documents of `inputs` (each document id once; rejected documents
/// have no inventory row), with the facts of their hardware rows. Junk values are left in
/// the raw fields and cleared from the normalised ones by the caller.
pub(crate) fn read_docs<'a>(inputs: &Inputs<'a>) -> Result<Vec<Doc<'a>>, ReconcileError> {
    let mut loaded: HashMap<&'a str, Option<i64>> = HashMap::new();
    for b in inputs.documents {
        let ids = text(b, "documents", "document_id", true)?;
        let status = text(b, "documents", "status", false)?;
        let at = seconds(b, "documents", "loaded_at")?;
        for (i, at) in at.into_iter().enumerate() {
            if status.get(i) == Some("rejected") {
                continue;
            }
            if let Some(id) = ids.get(i) {
                loaded
                    .entry(id)
                    .and_modify(|e| *e = (*e).min(at).or(at))
                    .or_insert(at);
            }
        }
    }

    let mut docs: Vec<Doc<'a>> = Vec::new();
    let mut index: HashMap<&'a str, usize> = HashMap::new();
    // A flag that is null is decided from the rows present.
    let mut unknown_hw: Vec<bool> = Vec::new();
    let mut unknown_sw: Vec<bool> = Vec::new();
    for b in inputs.inventories {
        let t = "inventories";
        let ids = text(b, t, "document_id", true)?;
        let names = text(b, t, "machine_name", true)?;
        let scope = text(b, t, "scope", false)?;
        let serial = text(b, t, "serial_number", true)?;
        let uuid = text(b, t, "hardware_uuid", true)?;
        let agent = text(b, t, "agent_id", true)?;
        let times = seconds(b, t, "inventory_time")?;
        let has_hw = booleans(b, t, "has_hardware")?;
        let has_sw = booleans(b, t, "has_software")?;
        for i in 0..b.num_rows() {
            let Some(id) = ids.get(i) else { continue };
            if index.contains_key(id) {
                continue;
            }
            index.insert(id, docs.len());
            let loaded_at = loaded.get(id).copied().flatten();
            docs.push(Doc {
                id,
                time: times[i].or(loaded_at).unwrap_or(i64::MIN),
                inventory_time: times[i],
                name_raw: nonempty(names.get(i)),
                domain_raw: nonempty(scope.get(i)),
                serial_raw: nonempty(serial.get(i)),
                uuid_raw: nonempty(uuid.get(i)),
                agent_raw: nonempty(agent.get(i)),
                has_hw: has_hw[i].unwrap_or(false),
                has_sw: has_sw[i].unwrap_or(false),
                ..Doc::default()
            });
            unknown_hw.push(has_hw[i].is_none());
            unknown_sw.push(has_sw[i].is_none());
        }
    }

    let mut facts: Vec<HwFacts<'a>> = (0..docs.len()).map(|_| HwFacts::default()).collect();
    let mut hw_rows = vec![false; docs.len()];
    for b in inputs.hardware {
        let t = "hardware";
        let ids = text(b, t, "document_id", true)?;
        let class = text(b, t, "class", true)?;
        let property = text(b, t, "property", true)?;
        let value = text(b, t, "value", true)?;
        for i in 0..b.num_rows() {
            let Some(&d) = ids.get(i).and_then(|id| index.get(id)) else {
                continue;
            };
            hw_rows[d] = true;
            let (Some(class), Some(property)) = (class.get(i), property.get(i)) else {
                continue;
            };
            let f = &mut facts[d];
            let slot = if ends_with_ci(class, "_ComputerSystem") {
                match property.to_ascii_lowercase().as_str() {
                    "domain" => &mut f.domain,
                    "manufacturer" => &mut f.manufacturer,
                    "model" => &mut f.model,
                    "name" => &mut f.name,
                    _ => continue,
                }
            } else if ends_with_ci(class, "_ComputerSystemProduct") {
                match property.to_ascii_lowercase().as_str() {
                    "vendor" => &mut f.vendor,
                    "name" => &mut f.product,
                    _ => continue,
                }
            } else if ends_with_ci(class, "_OperatingSystem")
                && property.eq_ignore_ascii_case("Caption")
            {
                &mut f.os
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = nonempty(value.get(i));
            }
        }
    }
    let mut sw_rows = vec![false; docs.len()];
    for (table, batches) in [
        ("installer_evidence", inputs.installer_evidence),
        ("file_evidence", inputs.file_evidence),
    ] {
        for b in batches {
            let ids = text(b, table, "document_id", true)?;
            for i in 0..b.num_rows() {
                if let Some(&d) = ids.get(i).and_then(|id| index.get(id)) {
                    sw_rows[d] = true;
                }
            }
        }
    }

    for (k, (d, f)) in docs.iter_mut().zip(facts).enumerate() {
        if unknown_hw[k] {
            d.has_hw = hw_rows[k];
        }
        if unknown_sw[k] {
            d.has_sw = sw_rows[k];
        }
        if d.name_raw.is_none() {
            d.name_raw = f.name;
        }
        d.manufacturer_raw = f.manufacturer.or(f.vendor);
        d.model_raw = f.model.or(f.product);
        d.os = f.os;
        // The machine name may carry the domain (`pc1.corp.example`).
        let (short, suffix) = match d.name_raw.clone().map(normalise_cow) {
            Some(n) => split_name(n),
            None => (None, None),
        };
        if let Some(dom) = f.domain {
            d.domain_raw = Some(dom);
        } else if let Some(sfx) = &suffix {
            d.domain_raw = Some(sfx.clone());
        }
        d.name = short.filter(|s| !s.is_empty());
        d.domain = d
            .domain_raw
            .clone()
            .map(normalise_cow)
            .filter(|s| !s.is_empty());
        d.manufacturer = d.manufacturer_raw.clone().map(normalise_cow);
        d.model = d.model_raw.clone().map(normalise_cow);
        d.serial = d.serial_raw.clone().map(normalise_cow);
        d.uuid = d.uuid_raw.clone().map(normalise_cow);
        d.agent = d.agent_raw.clone().map(normalise_cow);
    }
    Ok(docs)
}

/// A normalised machine name split at its first dot: (`pc1`, `corp.example`).
fn split_name(n: Cow<'_, str>) -> (Option<Cow<'_, str>>, Option<Cow<'_, str>>) {
    match n {
        Cow::Borrowed(b) => match b.split_once('.') {
            Some((s, rest)) => (Some(Cow::Borrowed(s)), Some(Cow::Borrowed(rest))),
            None => (Some(Cow::Borrowed(b)), None),
        },
        Cow::Owned(o) => match o.split_once('.') {
            Some((s, rest)) => (
                Some(Cow::Owned(s.to_string())),
                Some(Cow::Owned(rest.to_string())),
            ),
            None => (Some(Cow::Owned(o)), None),
        },
    }
}
