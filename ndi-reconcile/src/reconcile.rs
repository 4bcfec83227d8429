//! The reconciliation itself: imported batches in, the five reconciled tables out.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int64Builder, ListBuilder, StringBuilder, TimestampSecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};

use crate::columns::{dates, integers, seconds, text};
use crate::group::{Finding, Grouping, clear_junk, demote, group};
use crate::input::{Doc, Inputs, read_docs};
use crate::rules::{Rules, normalise};
use crate::{Output, ReconcileError};

const DAY: i64 = 86_400;

/// The five reconciled tables, each one batch with the schema of [`Output::schema`].
#[derive(Debug, Clone)]
pub struct Reconciled {
    /// `device_map`: one row per inventory document.
    pub device_map: RecordBatch,
    /// `devices`: one row per device.
    pub devices: RecordBatch,
    /// `installations`: installer evidence of each device's latest software document.
    pub installations: RecordBatch,
    /// `usage_by_installation`: usage per device and installed application.
    pub usage_by_installation: RecordBatch,
    /// `identity_findings`: absent and demoted values, refused edges.
    pub identity_findings: RecordBatch,
}

impl Reconciled {
    /// The batch of one table.
    pub fn table(&self, t: Output) -> &RecordBatch {
        match t {
            Output::DeviceMap => &self.device_map,
            Output::Devices => &self.devices,
            Output::Installations => &self.installations,
            Output::UsageByInstallation => &self.usage_by_installation,
            Output::IdentityFindings => &self.identity_findings,
        }
    }
}

/// Counts of a run, for a summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Inventory documents read.
    pub documents: usize,
    /// Devices found.
    pub devices: usize,
    /// Devices flagged stale.
    pub stale: usize,
    /// Usage records that matched no device or no installation.
    pub usage_unmatched: usize,
}

/// Reconciles the imported tables as of `as_of` (seconds since the epoch; the staleness and
/// usage windows end there). The output depends only on the rows given, the rules and
/// `as_of`, not on the order of batches or rows.
pub fn reconcile(
    inputs: &Inputs<'_>,
    rules: &Rules,
    as_of: i64,
) -> Result<(Reconciled, Counts), ReconcileError> {
    rules.check()?;
    let mut docs = read_docs(inputs)?;
    docs.sort_unstable_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(b.id)));
    let mut findings = Vec::new();
    clear_junk(&mut docs, &rules.junk(), &mut findings);
    demote(&mut docs, rules, &mut findings);
    let grouping = group(&docs, rules, &mut findings);

    // Devices in device-id order for output.
    let mut order: Vec<usize> = (0..grouping.groups.len()).collect();
    order.sort_unstable_by(|&a, &b| grouping.device_ids[a].cmp(&grouping.device_ids[b]));

    let summaries: Vec<Summary> = grouping
        .groups
        .iter()
        .map(|m| summarise(&docs, m, rules, as_of))
        .collect();
    let mut counts = Counts {
        documents: docs.len(),
        devices: grouping.groups.len(),
        stale: summaries.iter().filter(|s| s.stale).count(),
        usage_unmatched: 0,
    };

    let device_map = device_map(&docs, &grouping, &order)?;
    let devices = devices(&docs, &grouping, &summaries, &order)?;
    let (installations, installed) = installations(inputs, &docs, &grouping, &summaries)?;
    let (usage, unmatched) = usage(
        inputs, &docs, &grouping, &summaries, &installed, rules, as_of,
    )?;
    counts.usage_unmatched = unmatched;
    let identity_findings = findings_batch(findings)?;
    Ok((
        Reconciled {
            device_map,
            devices,
            installations,
            usage_by_installation: usage,
            identity_findings,
        },
        counts,
    ))
}

/// What a device shows: values from its latest documents.
struct Summary {
    latest_hw: Option<u32>,
    latest_sw: Option<u32>,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    stale: bool,
    names: Vec<String>,
}

fn seen(d: &Doc<'_>) -> Option<i64> {
    (d.time != i64::MIN).then_some(d.time)
}

fn summarise(docs: &[Doc<'_>], members: &[u32], rules: &Rules, as_of: i64) -> Summary {
    let latest_hw = members
        .iter()
        .rev()
        .copied()
        .find(|&m| docs[m as usize].has_hw);
    let latest_sw = members
        .iter()
        .rev()
        .copied()
        .find(|&m| docs[m as usize].has_sw);
    let first_seen = members
        .iter()
        .filter_map(|&m| seen(&docs[m as usize]))
        .min();
    let last_seen = members
        .iter()
        .filter_map(|&m| seen(&docs[m as usize]))
        .max();
    let stale = match last_seen {
        Some(t) => t < as_of - i64::from(rules.stale_days) * DAY,
        None => true,
    };
    let mut names: Vec<String> = Vec::new();
    let mut lower: Vec<String> = Vec::new();
    for &m in members {
        if let Some(n) = docs[m as usize].name_raw.as_deref() {
            let l = n.to_lowercase();
            if !lower.contains(&l) {
                lower.push(l);
                names.push(n.to_string());
            }
        }
    }
    Summary {
        latest_hw,
        latest_sw,
        first_seen,
        last_seen,
        stale,
        names,
    }
}

fn err(table: Output) -> impl Fn(arrow_schema::ArrowError) -> ReconcileError {
    move |source| ReconcileError::Arrow {
        table: table.name(),
        source,
    }
}

fn batch(t: Output, columns: Vec<ArrayRef>) -> Result<RecordBatch, ReconcileError> {
    RecordBatch::try_new(t.schema(), columns).map_err(err(t))
}

fn device_map(
    docs: &[Doc<'_>],
    g: &Grouping,
    order: &[usize],
) -> Result<RecordBatch, ReconcileError> {
    let n = docs.len();
    let mut doc_id = StringBuilder::with_capacity(n, n * 32);
    let mut dev = StringBuilder::with_capacity(n, n * 32);
    let mut reason = StringBuilder::new();
    let mut on = StringBuilder::new();
    let mut with = StringBuilder::new();
    let mut time = TimestampSecondBuilder::with_capacity(n);
    let mut name = StringBuilder::new();
    for &k in order {
        for &m in &g.groups[k] {
            let d = &docs[m as usize];
            let r = &g.reasons[m as usize];
            doc_id.append_value(d.id);
            dev.append_value(&g.device_ids[k]);
            reason.append_value(r.reason);
            on.append_option(r.matched_on.as_deref());
            with.append_option(r.matched_doc.map(|x| docs[x as usize].id));
            time.append_option(d.inventory_time);
            name.append_option(d.name_raw.as_deref());
        }
    }
    batch(
        Output::DeviceMap,
        vec![
            Arc::new(doc_id.finish()),
            Arc::new(dev.finish()),
            Arc::new(reason.finish()),
            Arc::new(on.finish()),
            Arc::new(with.finish()),
            Arc::new(time.finish()),
            Arc::new(name.finish()),
        ],
    )
}

/// The first value of `f` over the device's documents: its latest hardware document first,
/// then every document from the latest back.
fn pick<'a>(
    docs: &'a [Doc<'_>],
    members: &[u32],
    first: Option<u32>,
    f: impl Fn(&'a Doc<'_>) -> Option<&'a str>,
) -> Option<&'a str> {
    first
        .into_iter()
        .chain(members.iter().rev().copied())
        .find_map(|m| f(&docs[m as usize]))
}

fn devices(
    docs: &[Doc<'_>],
    g: &Grouping,
    s: &[Summary],
    order: &[usize],
) -> Result<RecordBatch, ReconcileError> {
    let mut cols: Vec<StringBuilder> = (0..9).map(|_| StringBuilder::new()).collect();
    let mut first = TimestampSecondBuilder::new();
    let mut last = TimestampSecondBuilder::new();
    let mut lhw = StringBuilder::new();
    let mut lsw = StringBuilder::new();
    let mut count = Int64Builder::new();
    let mut names = ListBuilder::new(StringBuilder::new());
    let mut stale = BooleanBuilder::new();
    for &k in order {
        let m = &g.groups[k];
        let sm = &s[k];
        let latest = m.last().copied();
        let hw = sm.latest_hw;
        let values = [
            Some(g.device_ids[k].as_str()),
            pick(docs, m, latest, |d| d.name_raw.as_deref()),
            pick(docs, m, latest, |d| d.domain_raw.as_deref()),
            // Values that identify: the raw spelling of a usable (not junk) value.
            pick(docs, m, hw, |d| {
                d.serial.as_ref().and(d.serial_raw.as_deref())
            }),
            pick(docs, m, hw, |d| d.uuid.as_ref().and(d.uuid_raw.as_deref())),
            pick(docs, m, latest, |d| {
                d.agent.as_ref().and(d.agent_raw.as_deref())
            }),
            pick(docs, m, hw, |d| d.os.as_deref()),
            pick(docs, m, hw, |d| d.manufacturer_raw.as_deref()),
            pick(docs, m, hw, |d| d.model_raw.as_deref()),
        ];
        for (b, v) in cols.iter_mut().zip(values) {
            b.append_option(v);
        }
        first.append_option(sm.first_seen);
        last.append_option(sm.last_seen);
        lhw.append_option(sm.latest_hw.map(|x| docs[x as usize].id));
        lsw.append_option(sm.latest_sw.map(|x| docs[x as usize].id));
        count.append_value(m.len() as i64);
        for n in &sm.names {
            names.values().append_value(n);
        }
        names.append(true);
        stale.append_value(sm.stale);
    }
    let mut arrays: Vec<ArrayRef> = cols
        .iter_mut()
        .map(|b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    arrays.push(Arc::new(first.finish()));
    arrays.push(Arc::new(last.finish()));
    arrays.push(Arc::new(lhw.finish()));
    arrays.push(Arc::new(lsw.finish()));
    arrays.push(Arc::new(count.finish()));
    arrays.push(Arc::new(names.finish()));
    arrays.push(Arc::new(stale.finish()));
    batch(Output::Devices, arrays)
}

/// One installation row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Inst {
    device_id: String,
    document_id: String,
    evidence_type: Option<String>,
    name: Option<String>,
    version: Option<String>,
    publisher: Option<String>,
    product_code: Option<String>,
    install_date: Option<i32>,
}

/// Installed applications per device: (normalised name, normalised version) to the shown
/// name and version.
type Installed = Vec<HashMap<(String, String), (String, String)>>;

fn installations(
    inputs: &Inputs<'_>,
    docs: &[Doc<'_>],
    g: &Grouping,
    s: &[Summary],
) -> Result<(RecordBatch, Installed), ReconcileError> {
    let mut software_doc: HashMap<&str, usize> = HashMap::new();
    for (k, sm) in s.iter().enumerate() {
        if let Some(d) = sm.latest_sw {
            software_doc.insert(docs[d as usize].id, k);
        }
    }
    let mut rows: Vec<(usize, Inst)> = Vec::new();
    let t = "installer_evidence";
    for b in inputs.installer_evidence {
        let ids = text(b, t, "document_id", true)?;
        let et = text(b, t, "evidence_type", false)?;
        let name = text(b, t, "name", false)?;
        let version = text(b, t, "version", false)?;
        let publisher = text(b, t, "publisher", false)?;
        let code = text(b, t, "product_code", false)?;
        let date = dates(b, t, "install_date")?;
        for (i, date) in date.into_iter().enumerate() {
            let Some((id, &k)) = ids.get(i).and_then(|id| software_doc.get_key_value(id)) else {
                continue;
            };
            let own = |v: Option<&str>| v.map(str::to_string);
            rows.push((
                k,
                Inst {
                    device_id: g.device_ids[k].clone(),
                    document_id: id.to_string(),
                    evidence_type: own(et.get(i)),
                    name: own(name.get(i)),
                    version: own(version.get(i)),
                    publisher: own(publisher.get(i)),
                    product_code: own(code.get(i)),
                    install_date: date,
                },
            ));
        }
    }
    // The same document imported twice gives its rows twice: keep one.
    rows.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    rows.dedup_by(|a, b| a.1 == b.1);
    let mut installed: Installed = vec![HashMap::new(); g.groups.len()];
    let mut c: Vec<StringBuilder> = (0..7).map(|_| StringBuilder::new()).collect();
    let mut date = Date32Builder::new();
    for (k, r) in &rows {
        if let Some(n) = r.name.as_deref() {
            let v = r.version.as_deref().unwrap_or("");
            installed[*k]
                .entry((normalise(n), normalise(v)))
                .or_insert_with(|| (n.to_string(), v.to_string()));
        }
        c[0].append_value(&r.device_id);
        c[1].append_value(&r.document_id);
        c[2].append_option(r.evidence_type.as_deref());
        c[3].append_option(r.name.as_deref());
        c[4].append_option(r.version.as_deref());
        c[5].append_option(r.publisher.as_deref());
        c[6].append_option(r.product_code.as_deref());
        date.append_option(r.install_date);
    }
    let mut arrays: Vec<ArrayRef> = c
        .iter_mut()
        .map(|b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    arrays.push(Arc::new(date.finish()));
    Ok((batch(Output::Installations, arrays)?, installed))
}

#[derive(Debug, Default)]
struct Agg {
    matched_by: u8,
    last_used: Option<i64>,
    run: i64,
    active: i64,
    sessions: i64,
    used: bool,
}

const MATCHED_BY: [&str; 3] = ["name_version", "file_evidence", "file_product"];

/// Candidate devices for a usage record's name: (time of a document with that name, device).
type Candidates<'d> = HashMap<(&'d str, Option<&'d str>), Vec<(i64, usize)>>;

fn closest(c: &[(i64, usize)], t: Option<i64>) -> Option<usize> {
    match t {
        Some(t) => c
            .iter()
            .min_by_key(|(dt, k)| ((dt.saturating_sub(t)).unsigned_abs(), *k))
            .map(|x| x.1),
        None => c
            .iter()
            .max_by_key(|(dt, k)| (*dt, std::cmp::Reverse(*k)))
            .map(|x| x.1),
    }
}

#[allow(clippy::too_many_arguments)]
fn usage(
    inputs: &Inputs<'_>,
    docs: &[Doc<'_>],
    g: &Grouping,
    s: &[Summary],
    installed: &Installed,
    rules: &Rules,
    as_of: i64,
) -> Result<(RecordBatch, usize), ReconcileError> {
    // Identity keys to devices.
    let mut device_of = vec![0usize; docs.len()];
    for (k, m) in g.groups.iter().enumerate() {
        for &d in m {
            device_of[d as usize] = k;
        }
    }
    let mut guid: HashMap<&str, Option<usize>> = HashMap::new();
    let mut by_name: Candidates<'_> = HashMap::new();
    let usage_rows: usize = inputs.usage.iter().map(RecordBatch::num_rows).sum();
    for (i, d) in docs.iter().enumerate().filter(|_| usage_rows > 0) {
        let k = device_of[i];
        for v in [d.agent.as_deref(), d.uuid.as_deref()]
            .into_iter()
            .flatten()
        {
            let e = guid.entry(v).or_insert(Some(k));
            if *e != Some(k) {
                *e = None;
            }
        }
        if let Some(n) = &d.name {
            by_name
                .entry((n.as_ref(), d.domain.as_deref()))
                .or_default()
                .push((d.time, k));
            if d.domain.is_some() {
                by_name
                    .entry((n.as_ref(), None))
                    .or_default()
                    .push((d.time, k));
            }
        }
    }
    // File evidence of each device's latest software document: file name to product.
    let mut software_doc: HashMap<&str, usize> = HashMap::new();
    for (k, sm) in s.iter().enumerate() {
        if let Some(d) = sm.latest_sw {
            software_doc.insert(docs[d as usize].id, k);
        }
    }
    // (device, file name) to the products files of that name belong to: (normalised, shown)
    // name and version, sorted (the same file name may be in several folders).
    type Product = ((String, String), (String, String));
    let mut files: HashMap<(usize, String), Vec<Product>> = HashMap::new();
    let t = "file_evidence";
    for b in inputs.file_evidence {
        let ids = text(b, t, "document_id", true)?;
        let fname = text(b, t, "file_name", false)?;
        let pn = text(b, t, "product_name", false)?;
        let pv = text(b, t, "product_version", false)?;
        for i in 0..b.num_rows() {
            let Some(&k) = ids.get(i).and_then(|id| software_doc.get(id)) else {
                continue;
            };
            if let (Some(f), Some(p)) = (fname.get(i), pn.get(i)) {
                let version = pv.get(i).unwrap_or("");
                files.entry((k, normalise(f))).or_default().push((
                    (normalise(p), normalise(version)),
                    (p.to_string(), version.to_string()),
                ));
            }
        }
    }
    for products in files.values_mut() {
        products.sort_unstable();
        products.dedup_by(|a, b| a.0 == b.0);
    }

    let window = i64::from(rules.usage_days) * DAY;
    let mut aggs: HashMap<(usize, (String, String)), Agg> = HashMap::new();
    // Applications known from file evidence only (no installer record): their shown names.
    let mut file_only: HashMap<(usize, (String, String)), (String, String)> = HashMap::new();
    let mut unmatched = 0usize;
    let t = "usage";
    for b in inputs.usage {
        let dname = text(b, t, "device_name", true)?;
        let ddom = text(b, t, "device_domain", false)?;
        let dguid = text(b, t, "device_guid", false)?;
        let app = text(b, t, "app_name", false)?;
        let ver = text(b, t, "app_version", false)?;
        let fname = text(b, t, "file_name", false)?;
        let fpn = text(b, t, "file_product_name", false)?;
        let fpv = text(b, t, "file_product_version", false)?;
        let run = integers(b, t, "run_seconds")?;
        let active = integers(b, t, "active_seconds")?;
        let sessions = integers(b, t, "sessions")?;
        let week = seconds(b, t, "week_start")?;
        let last = seconds(b, t, "last_used")?;
        for i in 0..b.num_rows() {
            let when = last[i].or(week[i]);
            let by_guid = dguid
                .get(i)
                .map(normalise)
                .and_then(|v| guid.get(v.as_str()).copied().flatten());
            let device = by_guid.or_else(|| {
                let raw = normalise(dname.get(i)?);
                let (n, sfx) = match raw.split_once('.') {
                    Some((a, b)) => (a.to_string(), Some(b.to_string())),
                    None => (raw, None),
                };
                let dom = ddom.get(i).map(normalise).filter(|d| !d.is_empty()).or(sfx);
                by_name
                    .get(&(n.as_str(), dom.as_deref()))
                    .or_else(|| by_name.get(&(n.as_str(), None)))
                    .and_then(|c| closest(c, when))
            });
            let Some(k) = device else {
                unmatched += 1;
                continue;
            };
            let inst = &installed[k];
            let key_of = |n: Option<&str>, v: Option<&str>| {
                n.map(|n| (normalise(n), normalise(v.unwrap_or(""))))
            };
            // Of the files with the record's file name, the one of the product the record
            // names, else one an installer record names, else the first.
            let own_product = key_of(fpn.get(i), fpv.get(i));
            let by_file = fname
                .get(i)
                .and_then(|f| files.get(&(k, normalise(f))))
                .and_then(|products| {
                    products
                        .iter()
                        .find(|p| Some(&p.0) == own_product.as_ref())
                        .or_else(|| products.iter().find(|p| inst.contains_key(&p.0)))
                        .or(products.first())
                });
            if let Some((key, shown)) = by_file
                && !inst.contains_key(key)
            {
                file_only
                    .entry((k, key.clone()))
                    .or_insert_with(|| shown.clone());
            }
            let hit = key_of(app.get(i), ver.get(i))
                .filter(|k| inst.contains_key(k))
                .map(|k| (0u8, k))
                .or_else(|| by_file.map(|(key, _)| (1u8, key.clone())))
                .or_else(|| {
                    own_product
                        .clone()
                        .filter(|k| inst.contains_key(k))
                        .map(|k| (2u8, k))
                });
            let Some((how, ikey)) = hit else {
                unmatched += 1;
                continue;
            };
            let a = aggs.entry((k, ikey)).or_insert_with(|| Agg {
                matched_by: how,
                ..Agg::default()
            });
            a.matched_by = a.matched_by.min(how);
            a.last_used = a.last_used.max(last[i]);
            if let Some(t) = when
                && t > as_of - window
                && t <= as_of
            {
                let r = run[i].unwrap_or(0);
                a.run += r;
                a.active += active[i].unwrap_or(0);
                a.sessions += sessions[i].unwrap_or(0);
                if r >= rules.used_min_seconds {
                    a.used = true;
                }
            }
        }
    }
    let mut rows: Vec<(&str, &(String, String), &Agg, usize)> = aggs
        .iter()
        .map(|((k, key), a)| (g.device_ids[*k].as_str(), key, a, *k))
        .collect();
    rows.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut c: Vec<StringBuilder> = (0..4).map(|_| StringBuilder::new()).collect();
    let mut lu = TimestampSecondBuilder::new();
    let mut ints: Vec<Int64Builder> = (0..3).map(|_| Int64Builder::new()).collect();
    let mut used = BooleanBuilder::new();
    for (dev, key, a, k) in rows {
        let shown = installed[k]
            .get(key)
            .or_else(|| file_only.get(&(k, key.clone())));
        c[0].append_value(dev);
        c[1].append_option(shown.map(|s| s.0.as_str()));
        c[2].append_option(shown.map(|s| s.1.as_str()).filter(|v| !v.is_empty()));
        c[3].append_value(MATCHED_BY[a.matched_by as usize]);
        lu.append_option(a.last_used);
        ints[0].append_value(a.run);
        ints[1].append_value(a.active);
        ints[2].append_value(a.sessions);
        used.append_value(a.used);
    }
    let mut arrays: Vec<ArrayRef> = c
        .iter_mut()
        .map(|b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    arrays.push(Arc::new(lu.finish()));
    for b in &mut ints {
        arrays.push(Arc::new(b.finish()));
    }
    arrays.push(Arc::new(used.finish()));
    Ok((batch(Output::UsageByInstallation, arrays)?, unmatched))
}

fn findings_batch(mut findings: Vec<Finding>) -> Result<RecordBatch, ReconcileError> {
    for f in &mut findings {
        f.documents.sort_unstable();
        f.documents.dedup();
    }
    findings.sort_unstable();
    findings.dedup();
    let mut kind = StringBuilder::new();
    let mut column = StringBuilder::new();
    let mut value = StringBuilder::new();
    let mut docs = ListBuilder::new(StringBuilder::new());
    let mut reason = StringBuilder::new();
    for f in &findings {
        kind.append_value(f.kind);
        column.append_value(&f.column);
        value.append_option(f.value.as_deref());
        for d in &f.documents {
            docs.values().append_value(d);
        }
        docs.append(true);
        reason.append_value(&f.reason);
    }
    batch(
        Output::IdentityFindings,
        vec![
            Arc::new(kind.finish()),
            Arc::new(column.finish()),
            Arc::new(value.finish()),
            Arc::new(docs.finish()),
            Arc::new(reason.finish()),
        ],
    )
}
