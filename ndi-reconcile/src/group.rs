//! Documents into devices: junk and demoted values, edges strongest first, union-find with the
//! guard, stable device ids and the reason each document joined its device.
//!
//! Every step walks the documents in one canonical order (inventory time, then document id),
//! and groups of equal key values in the order of their first document, so the result does
//! not depend on the order of the input rows.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use crate::input::Doc;
use crate::rules::{Junk, Rule, Rules};

/// A finding about identity: a value treated as absent or demoted, or a refused edge.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Finding {
    pub kind: &'static str,
    pub column: String,
    pub value: Option<String>,
    pub documents: Vec<String>,
    pub reason: String,
}

/// Why a document belongs to its device.
#[derive(Debug, Clone)]
pub(crate) struct Reason {
    pub reason: &'static str,
    pub matched_on: Option<String>,
    pub matched_doc: Option<u32>,
}

/// The documents grouped into devices.
#[derive(Debug)]
pub(crate) struct Grouping {
    /// Members of each device (document indices, in canonical order), devices ordered by
    /// their earliest document.
    pub groups: Vec<Vec<u32>>,
    /// The device id of each group.
    pub device_ids: Vec<String>,
    /// Per document, why it joined.
    pub reasons: Vec<Reason>,
}

/// The values a rule compares for a document (one to three; unused parts empty), when the
/// document has them all.
pub(crate) fn key_parts<'d>(doc: &'d Doc<'_>, rule: Rule) -> Option<[&'d str; 3]> {
    let (serial, name) = (doc.serial.as_deref(), doc.name.as_deref());
    match rule {
        Rule::AgentId => Some([doc.agent.as_deref()?, "", ""]),
        Rule::SerialManufacturerModel => {
            Some([serial?, doc.manufacturer.as_deref()?, doc.model.as_deref()?])
        }
        Rule::SerialName => Some([serial?, name?, ""]),
        Rule::UuidName => Some([doc.uuid.as_deref()?, name?, ""]),
        Rule::NameDomain => Some([name?, doc.domain.as_deref()?, ""]),
        Rule::Name => Some([name?, "", ""]),
    }
}

/// The key value a rule compares for a document, as shown (`serial | name`).
pub(crate) fn key(doc: &Doc<'_>, rule: Rule) -> Option<String> {
    let parts = key_parts(doc, rule)?;
    let n = match rule {
        Rule::AgentId | Rule::Name => 1,
        Rule::SerialManufacturerModel => 3,
        _ => 2,
    };
    Some(parts[..n].join(" | "))
}

/// Clears junk identity values (keeping the raw ones) and reports each distinct one.
pub(crate) fn clear_junk(docs: &mut [Doc<'_>], junk: &Junk, findings: &mut Vec<Finding>) {
    let mut seen: HashMap<(&'static str, String), Vec<u32>> = HashMap::new();
    let mut order: Vec<(&'static str, String)> = Vec::new();
    for (i, d) in docs.iter_mut().enumerate() {
        for (column, norm, raw) in [
            ("serial_number", &mut d.serial, &d.serial_raw),
            ("hardware_uuid", &mut d.uuid, &d.uuid_raw),
            ("agent_id", &mut d.agent, &d.agent_raw),
        ] {
            if let Some(v) = norm.as_deref()
                && junk.is_junk(v)
            {
                let k = (column, raw.as_deref().unwrap_or("").trim().to_string());
                seen.entry(k.clone())
                    .or_insert_with(|| {
                        order.push(k);
                        Vec::new()
                    })
                    .push(i as u32);
                *norm = None;
            }
        }
    }
    for k in order {
        let members = seen.remove(&k).unwrap_or_default();
        findings.push(Finding {
            kind: "absent",
            column: k.0.to_string(),
            value: Some(k.1),
            documents: members
                .iter()
                .map(|&m| docs[m as usize].id.to_string())
                .collect(),
            reason: "placeholder value: treated as absent".into(),
        });
    }
}

/// Time span of each usable agent id (first and last document time).
fn agent_spans(docs: &[Doc<'_>]) -> HashMap<String, (i64, i64)> {
    let mut spans: HashMap<String, (i64, i64)> = HashMap::new();
    for d in docs {
        if let Some(a) = d.agent.as_deref() {
            let e = spans.entry(a.to_string()).or_insert((d.time, d.time));
            e.0 = e.0.min(d.time);
            e.1 = e.1.max(d.time);
        }
    }
    spans
}

/// Whether some two of these (distinct) agents reported at overlapping times.
fn overlapping(spans: &mut [(i64, i64)]) -> bool {
    spans.sort_unstable();
    let mut last = i64::MIN;
    for (k, &(first, end)) in spans.iter().enumerate() {
        if k > 0 && first <= last {
            return true;
        }
        last = last.max(end);
    }
    false
}

/// Buckets of documents sharing a value of `f`, in the order of their first document.
fn buckets<'a>(
    docs: &'a [Doc<'_>],
    f: impl Fn(&'a Doc<'_>) -> Option<&'a str>,
) -> Vec<(&'a str, Vec<u32>)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<(&str, Vec<u32>)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(v) = f(d) {
            let k = *index.entry(v).or_insert_with(|| {
                out.push((v, Vec::new()));
                out.len() - 1
            });
            out[k].1.push(i as u32);
        }
    }
    out
}

/// Demotes serial numbers and hardware UUIDs that several devices share (RECONCILE.md
/// section 2): a serial carried with different manufacturers or models, or by different
/// agent ids reporting at the same time; a UUID carried with different usable serials or by
/// agents reporting at the same time. Demoted values are cleared for those documents.
pub(crate) fn demote(docs: &mut [Doc<'_>], rules: &Rules, findings: &mut Vec<Finding>) {
    let spans = agent_spans(docs);
    if rules.demote_shared_serial {
        let (demoted, found) = shared_values(
            docs,
            &spans,
            "serial_number",
            "serial number",
            |d| d.serial.as_deref(),
            |d| d.serial_raw.as_deref(),
            |members| {
                let hardware = distinct(docs, members, |d| {
                    Some((d.manufacturer.as_deref()?, d.model.as_deref()?))
                });
                (hardware > 1).then(|| {
                    format!(
                        "serial number reported by {hardware} different manufacturer/model pairs"
                    )
                })
            },
        );
        for m in demoted.iter().flatten() {
            docs[*m as usize].serial = None;
        }
        findings.extend(found);
    }
    if rules.demote_shared_uuid {
        let (demoted, found) = shared_values(
            docs,
            &spans,
            "hardware_uuid",
            "hardware UUID",
            |d| d.uuid.as_deref(),
            |d| d.uuid_raw.as_deref(),
            |members| {
                let serials = distinct(docs, members, |d| d.serial.as_deref());
                (serials > 1).then(|| {
                    format!("hardware UUID reported with {serials} different serial numbers")
                })
            },
        );
        for m in demoted.iter().flatten() {
            docs[*m as usize].uuid = None;
        }
        findings.extend(found);
    }
}

/// How many distinct values of `f` the `members` carry.
fn distinct<'a, T: Ord>(
    docs: &'a [Doc<'_>],
    members: &[u32],
    f: impl Fn(&'a Doc<'_>) -> Option<T>,
) -> usize {
    let mut values: Vec<T> = members
        .iter()
        .filter_map(|&m| f(&docs[m as usize]))
        .collect();
    values.sort_unstable();
    values.dedup();
    values.len()
}

/// The buckets of documents sharing a value of `value` that must not identify anything: those
/// whose members disagree on a stronger key (`stronger` says why) or come from several agent
/// ids reporting at the same time. Each such bucket, with its finding (`column`, the value as
/// written, every document).
fn shared_values<'a>(
    docs: &'a [Doc<'_>],
    spans: &HashMap<String, (i64, i64)>,
    column: &str,
    what: &str,
    value: impl Fn(&'a Doc<'_>) -> Option<&'a str>,
    raw: impl Fn(&'a Doc<'_>) -> Option<&'a str>,
    stronger: impl Fn(&[u32]) -> Option<String>,
) -> (Vec<Vec<u32>>, Vec<Finding>) {
    let mut demoted = Vec::new();
    let mut found = Vec::new();
    for (shared, members) in buckets(docs, value) {
        if members.len() < 2 {
            continue;
        }
        let mut agents: Vec<&str> = members
            .iter()
            .filter_map(|&m| docs[m as usize].agent.as_deref())
            .collect();
        agents.sort_unstable();
        agents.dedup();
        let mut reporting: Vec<(i64, i64)> = agents
            .iter()
            .filter_map(|a| spans.get(*a).copied())
            .collect();
        let reason = stronger(&members).or_else(|| {
            overlapping(&mut reporting).then(|| {
                format!(
                    "{what} reported by {} agent ids at the same time",
                    agents.len()
                )
            })
        });
        if let Some(reason) = reason {
            found.push(Finding {
                kind: "demoted",
                column: column.into(),
                value: Some(
                    raw(&docs[members[0] as usize])
                        .unwrap_or(shared)
                        .to_string(),
                ),
                documents: members
                    .iter()
                    .map(|&m| docs[m as usize].id.to_string())
                    .collect(),
                reason,
            });
            demoted.push(members);
        }
    }
    (demoted, found)
}

/// Union-find over documents; each root holds what the guard compares.
struct Groups {
    parent: Vec<u32>,
    size: Vec<u32>,
    /// The group's usable serial number (interned), if any.
    serial: Vec<Option<u32>>,
    /// The group's usable agent ids (interned).
    agents: Vec<Vec<u32>>,
}

enum Union {
    Joined,
    Same,
    Refused(String),
}

impl Groups {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32, ctx: &Ctx<'_>) -> Union {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Union::Same;
        }
        let (ua, ub) = (ra as usize, rb as usize);
        if let (Some(x), Some(y)) = (self.serial[ua], self.serial[ub])
            && x != y
        {
            return Union::Refused(format!(
                "different serial numbers: {} and {}",
                ctx.serials[x as usize], ctx.serials[y as usize]
            ));
        }
        for &x in &self.agents[ua] {
            for &y in &self.agents[ub] {
                if x != y {
                    let (p, q) = (ctx.spans[x as usize], ctx.spans[y as usize]);
                    if p.0 <= q.1 && q.0 <= p.1 {
                        return Union::Refused(format!(
                            "different agent ids reporting at the same time: {} and {}",
                            ctx.agents[x as usize], ctx.agents[y as usize]
                        ));
                    }
                }
            }
        }
        let (big, small) = if self.size[ua] >= self.size[ub] {
            (ua, ub)
        } else {
            (ub, ua)
        };
        self.parent[small] = big as u32;
        self.size[big] += self.size[small];
        if self.serial[big].is_none() {
            self.serial[big] = self.serial[small];
        }
        let moved = std::mem::take(&mut self.agents[small]);
        for a in moved {
            if !self.agents[big].contains(&a) {
                self.agents[big].push(a);
            }
        }
        Union::Joined
    }
}

struct Ctx<'a> {
    serials: Vec<&'a str>,
    agents: Vec<&'a str>,
    spans: Vec<(i64, i64)>,
}

fn intern<'a>(map: &mut HashMap<&'a str, u32>, list: &mut Vec<&'a str>, v: &'a str) -> u32 {
    *map.entry(v).or_insert_with(|| {
        list.push(v);
        (list.len() - 1) as u32
    })
}

/// Groups the documents (already in canonical order, junk cleared, values demoted).
pub(crate) fn group(docs: &[Doc<'_>], rules: &Rules, findings: &mut Vec<Finding>) -> Grouping {
    let n = docs.len();
    let mut ctx = Ctx {
        serials: Vec::new(),
        agents: Vec::new(),
        spans: Vec::new(),
    };
    let mut serial_ids = HashMap::new();
    let mut agent_ids = HashMap::new();
    let mut g = Groups {
        parent: (0..n as u32).collect(),
        size: vec![1; n],
        serial: Vec::with_capacity(n),
        agents: Vec::with_capacity(n),
    };
    for d in docs {
        g.serial.push(
            d.serial
                .as_deref()
                .map(|s| intern(&mut serial_ids, &mut ctx.serials, s)),
        );
        g.agents.push(match d.agent.as_deref() {
            Some(a) => {
                let id = intern(&mut agent_ids, &mut ctx.agents, a) as usize;
                if id == ctx.spans.len() {
                    ctx.spans.push((d.time, d.time));
                }
                let s = &mut ctx.spans[id];
                s.0 = s.0.min(d.time);
                s.1 = s.1.max(d.time);
                vec![id as u32]
            }
            None => Vec::new(),
        });
    }

    // Edges: (a, b, rule rank); both directions are walked when explaining.
    let mut edges: Vec<(u32, u32, u8)> = Vec::new();
    for (rank, &rule) in rules.order.iter().enumerate() {
        let mut index: HashMap<[&str; 3], usize> = HashMap::new();
        let mut bks: Vec<([&str; 3], Vec<u32>)> = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            if let Some(k) = key_parts(d, rule) {
                let b = *index.entry(k).or_insert_with(|| {
                    bks.push((k, Vec::new()));
                    bks.len() - 1
                });
                bks[b].1.push(i as u32);
            }
        }
        drop(index);
        for (value, members) in &bks {
            let mut reps: Vec<u32> = Vec::new();
            for &d in members {
                let mut placed = false;
                let mut refused: Option<(u32, String)> = None;
                for &r in &reps {
                    match g.union(r, d, &ctx) {
                        Union::Joined | Union::Same => {
                            edges.push((r, d, rank as u8));
                            placed = true;
                            break;
                        }
                        Union::Refused(why) => {
                            if refused.is_none() {
                                refused = Some((r, why));
                            }
                        }
                    }
                }
                if !placed {
                    if reps.len() < rules.max_groups_per_value {
                        reps.push(d);
                    }
                    if let Some((r, why)) = refused {
                        findings.push(Finding {
                            kind: "refused_edge",
                            column: rule.name().into(),
                            value: Some(
                                value
                                    .iter()
                                    .filter(|p| !p.is_empty())
                                    .copied()
                                    .collect::<Vec<_>>()
                                    .join(" | "),
                            ),
                            documents: vec![
                                docs[r as usize].id.to_string(),
                                docs[d as usize].id.to_string(),
                            ],
                            reason: why,
                        });
                    }
                }
            }
        }
    }

    // Groups in the order of their earliest document.
    let mut group_of_root: HashMap<u32, usize> = HashMap::new();
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for i in 0..n as u32 {
        let r = g.find(i);
        let k = *group_of_root.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[k].push(i);
    }

    // Device ids: the strongest usable key of the earliest document.
    let mut device_ids = Vec::with_capacity(groups.len());
    let mut taken: HashMap<String, ()> = HashMap::new();
    let mut founding: Vec<(&'static str, String)> = Vec::with_capacity(groups.len());
    for members in &groups {
        let first = &docs[members[0] as usize];
        let (rule, value) = rules
            .order
            .iter()
            .find_map(|&r| key(first, r).map(|k| (r.name(), k)))
            .unwrap_or(("document", first.id.to_string()));
        let mut id = hash_id(&[rule, &value]);
        if taken.contains_key(&id) {
            id = hash_id(&[rule, &value, first.id]);
        }
        taken.insert(id.clone(), ());
        device_ids.push(id);
        founding.push((rule, value));
    }

    // Reasons: from the earliest document, each other document by its strongest path
    // (weakest edge on the way as strong as possible; ties by canonical order).
    let mut adj_start = vec![0u32; n + 1];
    for &(a, b, _) in &edges {
        adj_start[a as usize + 1] += 1;
        adj_start[b as usize + 1] += 1;
    }
    for i in 0..n {
        adj_start[i + 1] += adj_start[i];
    }
    let mut fill = adj_start.clone();
    let mut adj = vec![(0u32, 0u8); edges.len() * 2];
    for &(a, b, r) in &edges {
        adj[fill[a as usize] as usize] = (b, r);
        fill[a as usize] += 1;
        adj[fill[b as usize] as usize] = (a, r);
        fill[b as usize] += 1;
    }
    let mut reasons: Vec<Option<Reason>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    for (k, members) in groups.iter().enumerate() {
        let root = members[0];
        let (rule, value) = &founding[k];
        reasons[root as usize] = Some(Reason {
            reason: "earliest",
            matched_on: Some(format!("{rule}: {value}")),
            matched_doc: None,
        });
        heap.clear();
        let push = |heap: &mut BinaryHeap<_>, from: u32| {
            let (s, e) = (
                adj_start[from as usize] as usize,
                adj_start[from as usize + 1] as usize,
            );
            for &(to, r) in &adj[s..e] {
                heap.push(Reverse((r, to, from)));
            }
        };
        push(&mut heap, root);
        while let Some(Reverse((r, to, from))) = heap.pop() {
            if reasons[to as usize].is_some() {
                continue;
            }
            let rule = rules.order[r as usize];
            reasons[to as usize] = Some(Reason {
                reason: rule.name(),
                matched_on: key(&docs[to as usize], rule),
                matched_doc: Some(from),
            });
            push(&mut heap, to);
        }
    }
    let reasons = reasons
        .into_iter()
        .map(|r| {
            r.unwrap_or(Reason {
                reason: "earliest",
                matched_on: None,
                matched_doc: None,
            })
        })
        .collect();
    Grouping {
        groups,
        device_ids,
        reasons,
    }
}

/// A 128-bit BLAKE3 hash of the parts (separated by NUL) in hex.
pub(crate) fn hash_id(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update(&[0]);
        }
        h.update(p.as_bytes());
    }
    let bytes = h.finalize();
    let mut out = String::with_capacity(32);
    for b in &bytes.as_bytes()[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
