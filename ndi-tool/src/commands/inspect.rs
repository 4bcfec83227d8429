//! `inspect`: a one-screen summary of a file (or one JSON object with the same content).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::{Context, Result, anyhow, bail};
use ndi_diff::{Detail, Section, Snapshot};
use ndi_format::{Compression, Format, InputBuffer, RecordKind};
use serde_json::{Value, json};

use crate::cli::InspectArgs;

/// The flags of `inspect` for a file.
struct FileArgs {
    file: std::path::PathBuf,
    json: bool,
}
use crate::commands::Outcome;
use crate::inputs::read_input;
use crate::output::{json_line, line};

/// How many classes and publishers are listed.
const TOP: usize = 5;
/// How many next runs of a schedule are listed.
const NEXT_RUNS: usize = 3;
const UTC_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

pub fn run(args: &InspectArgs) -> Result<Outcome> {
    if let (Some(device), Some(root)) = (&args.device, &args.table) {
        return super::reconcile::inspect_device(root, device, args.json);
    }
    let Some(file) = &args.file else {
        bail!("a file, or --device with --table, is required");
    };
    let args = &FileArgs {
        file: file.clone(),
        json: args.json,
    };
    let meta = std::fs::metadata(&args.file).with_context(|| args.file.display().to_string())?;
    if !meta.is_file() {
        bail!("{}: not a file", args.file.display());
    }
    let mut buffer = InputBuffer::new();
    let snapshot = match Snapshot::from_path(&args.file, &mut buffer, Detail::Records) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            // What was read before the error is still worth seeing (the root's attributes
            // say which device sent the file); the error follows on stderr, exit 2.
            let partial = read_before_error(&args.file, meta.len());
            let mut out = std::io::stdout().lock();
            if args.json {
                let mut partial = partial;
                partial["error"] = json!(error.to_string());
                json_line(&mut out, &partial)?;
            } else {
                for l in render_partial(&partial) {
                    line(&mut out, &l)?;
                }
            }
            out.flush()?;
            return Err(error.into());
        }
    };
    let mut summary = summarize(args, &snapshot, meta.len())?;
    if snapshot.warnings() > 0 {
        summary["warning_list"] = read_before_error(&args.file, meta.len())["warnings"].clone();
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        json_line(&mut out, &summary)?;
    } else {
        for l in render(&summary) {
            line(&mut out, &l)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Everything the summary says, as one JSON object.
fn summarize(args: &FileArgs, s: &Snapshot, size: u64) -> Result<Value> {
    let format = s.format();
    let h = s.header();
    let header = |name: &str| h.get(name).cloned();
    let stats = s.stats();
    let info = s.input_info();

    let (machine_name, scope, user_name) = match format {
        Format::Ndi => (
            header("MachineName"),
            header("Scope"),
            header("UserName").or_else(|| header("Username")),
        ),
        Format::Disco => (header("MachineName"), header("Scope"), None),
        Format::Mmi => match s.usage_device() {
            Some((n, d)) => (Some(n.to_string()), Some(d.to_string()), None),
            None => (None, None, None),
        },
        _ => (None, None, None),
    };
    let id = s.identity();
    let date_time = match format {
        Format::Vdi => header("scanTime"),
        Format::Nds => header("TIMEDATESTAMP"),
        _ => header("DateTime"),
    };
    let tracker = match format {
        Format::Mmi => header("USAGEAGENT"),
        _ => header("Tracker"),
    };

    let n = |k: RecordKind| stats.count(k);
    let in_section = |section: Section| s.records().filter(|r| r.section == section).count();
    let counts = json!({
        "hardware_classes": stats.hardware_classes.len(),
        "hardware_instances": stats.hardware_instances(),
        "hardware_properties": stats.hardware_properties(),
        "installers": n(RecordKind::Installer),
        "files": n(RecordKind::File),
        "directories": n(RecordKind::Directory),
        "content": n(RecordKind::Content),
        "service_providers": n(RecordKind::ServiceProvider),
        "provider_properties": n(RecordKind::ProviderProperty),
        "usage_devices": n(RecordKind::UsageDevice),
        "usage_users": n(RecordKind::UsageUser),
        "usage_records": n(RecordKind::AppUsage),
        "vdi_groups": n(RecordKind::VdiGroup),
        "vdi_objects": n(RecordKind::VdiObject),
        "discovered_homes": n(RecordKind::OracleHome),
        "discovered_instances": n(RecordKind::OracleInstance),
        "policies": in_section(Section::Policies),
        "packages": in_section(Section::Packages),
        "events": in_section(Section::Events),
        "triggers": in_section(Section::Triggers),
        "generic_elements": stats.generic_elements,
        "records": stats.records,
    });

    let mut classes: Vec<(&String, _)> = stats.hardware_classes.iter().collect();
    classes.sort_by(|a, b| b.1.properties.cmp(&a.1.properties).then(a.0.cmp(b.0)));
    let top_classes: Vec<Value> = classes
        .iter()
        .take(TOP)
        .map(|(name, c)| json!({"class": name, "instances": c.instances, "properties": c.properties}))
        .collect();

    let mut publishers: BTreeMap<&str, u64> = BTreeMap::new();
    for r in s.records().filter(|r| r.section == Section::Installers) {
        *publishers
            .entry(r.field("publisher").unwrap_or(""))
            .or_default() += 1;
    }
    let mut publishers: Vec<(&str, u64)> = publishers.into_iter().collect();
    publishers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top_publishers: Vec<Value> = publishers
        .iter()
        .take(TOP)
        .map(|(p, n)| json!({"publisher": p, "installers": n}))
        .collect();

    let weeks: BTreeSet<&str> = s
        .records()
        .filter(|r| r.section == Section::Usage)
        .filter_map(|r| r.field("week"))
        .collect();

    let mut summary = json!({
        "path": args.file.display().to_string(),
        "format": format.name(),
        "root": s.root(),
        "compression": match info.compression { Compression::Gzip => "gzip", Compression::None => "none" },
        "encoding": info.encoding.name(),
        "bom": info.bom,
        "size_bytes": size,
        "xml_bytes": s.xml_bytes(),
        "identity": {
            "machine_name": machine_name,
            "scope": scope,
            "user_name": user_name,
            "serial_number": id.serial_number,
            "hardware_uuid": id.hardware_uuid,
            "agent_id": id.agent_id,
        },
        "date_time": date_time,
        "tracker": tracker,
        "inventory_type": (format == Format::Ndi).then(|| header("Type")).flatten(),
        "audience": (format == Format::Ndi).then(|| header("Audience")).flatten(),
        "weeks": weeks,
        "counts": counts,
        "top_hardware_classes": top_classes,
        "top_publishers": top_publishers,
        "warnings": s.warnings(),
    });
    let extra = match format {
        Format::Npl => Some(("policy", policy_summary(args)?)),
        Format::Nds => Some(("schedule", schedule_summary(args)?)),
        _ => None,
    };
    if let (Some((name, value)), Value::Object(map)) = (extra, &mut summary) {
        map.insert(name.to_string(), value);
    }
    Ok(summary)
}

fn policy_summary(args: &FileArgs) -> Result<Value> {
    let bytes = read_input(&args.file)?;
    let policy = npl_format::Policy::from_slice(&bytes)
        .map_err(|e| anyhow!("{}", e.with_file(&args.file)))?;
    let effective: Vec<Value> = policy
        .effective_packages()
        .iter()
        .map(|p| json!({"object_id": p.object_id, "href": p.href, "precedence": p.precedence}))
        .collect();
    Ok(json!({
        "policies": policy.policies().count(),
        "packages": policy.package_rows().len(),
        "effective_packages": effective.len(),
        "effective": effective,
    }))
}

fn schedule_summary(args: &FileArgs) -> Result<Value> {
    let bytes = read_input(&args.file)?;
    let schedule = nds_format::Schedule::from_slice(&bytes)
        .map_err(|e| anyhow!("{}", e.with_file(&args.file)))?;
    let now = chrono::Utc::now().naive_utc();
    let runs: Vec<Value> = schedule
        .next_runs(now, chrono_tz::Tz::UTC, NEXT_RUNS, 0)
        .iter()
        .map(|r| {
            json!({
                "event": r.event_name,
                "event_id": r.event_id,
                "trigger": r.trigger_type.name(),
                "nominal_utc": r.nominal_utc.format(UTC_FORMAT).to_string(),
                "start_utc": r.start_utc.format(UTC_FORMAT).to_string(),
            })
        })
        .collect();
    let on_event: Vec<Value> = schedule
        .event_triggers()
        .iter()
        .map(|t| json!({"event": t.event_name, "on": t.description}))
        .collect();
    Ok(json!({
        "name": schedule.name(),
        "timedatestamp": schedule.timedatestamp().map(|t| t.format(UTC_FORMAT).to_string()),
        "events": schedule.events().count(),
        "triggers": schedule.events().map(|e| e.triggers().count()).sum::<usize>(),
        "event_triggers": on_event,
        "next_runs": runs,
    }))
}

/// `1234 bytes (1.2 KiB)`.
fn size(v: &Value) -> String {
    let n = v.as_u64().unwrap_or(0);
    if n < 1024 {
        format!("{n} bytes")
    } else if n < 1 << 20 {
        format!("{n} bytes ({:.1} KiB)", n as f64 / 1024.0)
    } else {
        format!("{n} bytes ({:.1} MiB)", n as f64 / (1 << 20) as f64)
    }
}

fn text(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

/// The summary as lines of text.
fn render(s: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut row = |label: &str, value: String| out.push(format!("{label:<17}{value}"));
    let c = &s["counts"];
    let count = |k: &str| c[k].as_u64().unwrap_or(0);

    row("File", s["path"].as_str().unwrap_or_default().to_string());
    row(
        "Format",
        format!(
            "{} <{}>, {}, {}{}",
            s["format"].as_str().unwrap_or_default(),
            s["root"].as_str().unwrap_or_default(),
            if s["compression"] == "gzip" {
                "gzip"
            } else {
                "plain"
            },
            s["encoding"].as_str().unwrap_or_default(),
            if s["bom"] == true { " with BOM" } else { "" }
        ),
    );
    row(
        "Size",
        format!(
            "{} on disk, XML {}",
            size(&s["size_bytes"]),
            size(&s["xml_bytes"])
        ),
    );
    let id = &s["identity"];
    if let Some(name) = text(&id["machine_name"]) {
        let mut device = name.to_string();
        if let Some(scope) = text(&id["scope"]) {
            device.push_str(&format!(" (scope {scope})"));
        }
        if let Some(user) = text(&id["user_name"]) {
            device.push_str(&format!(", user {user}"));
        }
        row("Device", device);
    }
    for (label, key) in [
        ("Serial", "serial_number"),
        ("Hardware UUID", "hardware_uuid"),
        ("Agent ID", "agent_id"),
    ] {
        if let Some(v) = text(&id[key]) {
            row(label, v.to_string());
        }
    }
    if let Some(t) = text(&s["date_time"]) {
        let mut time = t.to_string();
        let extra: Vec<&str> = [text(&s["inventory_type"]), text(&s["audience"])]
            .into_iter()
            .flatten()
            .collect();
        if !extra.is_empty() {
            time.push_str(&format!(" ({})", extra.join(", ")));
        }
        row("Time", time);
    }
    if let Some(weeks) = s["weeks"].as_array().filter(|w| !w.is_empty()) {
        let weeks: Vec<&str> = weeks.iter().filter_map(Value::as_str).collect();
        row("Weeks", weeks.join(", "));
    }
    if let Some(t) = text(&s["tracker"]) {
        row("Tracker", t.to_string());
    }

    let mut sections = Vec::new();
    if count("hardware_classes") > 0 {
        sections.push(format!(
            "hardware: {} classes, {} instances, {} properties",
            count("hardware_classes"),
            count("hardware_instances"),
            count("hardware_properties")
        ));
    }
    let simple = [
        ("installers", "installers"),
        ("content", "embedded content"),
        ("generic_elements", "generic elements"),
    ];
    if count("files") > 0 || count("directories") > 0 {
        sections.push(format!(
            "files: {} in {} directories",
            count("files"),
            count("directories")
        ));
    }
    if count("service_providers") > 0 {
        sections.push(format!(
            "service providers: {} ({} properties)",
            count("service_providers"),
            count("provider_properties")
        ));
    }
    if count("usage_devices") > 0 {
        sections.push(format!(
            "usage: {} devices, {} users, {} application records",
            count("usage_devices"),
            count("usage_users"),
            count("usage_records")
        ));
    }
    if count("vdi_groups") > 0 {
        sections.push(format!(
            "vdi: {} groups, {} accounts",
            count("vdi_groups"),
            count("vdi_objects")
        ));
    }
    if count("discovered_homes") > 0 {
        sections.push(format!(
            "discovery: {} Oracle homes, {} instances",
            count("discovered_homes"),
            count("discovered_instances")
        ));
    }
    for (key, label) in simple {
        if count(key) > 0 {
            sections.push(format!("{label}: {}", count(key)));
        }
    }
    if sections.is_empty() {
        sections.push("(no records)".to_string());
    }
    for (i, section) in sections.into_iter().enumerate() {
        row(if i == 0 { "Counts" } else { "" }, section);
    }

    let listed = |items: &Value, name: &str, n: &str| -> Option<String> {
        let items = items.as_array().filter(|a| !a.is_empty())?;
        Some(
            items
                .iter()
                .map(|i| {
                    let label = text(&i[name]).unwrap_or("(none)");
                    format!("{label} ({})", i[n].as_u64().unwrap_or(0))
                })
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    if let Some(l) = listed(&s["top_hardware_classes"], "class", "properties") {
        row("Top classes", l);
    }
    if let Some(l) = listed(&s["top_publishers"], "publisher", "installers") {
        row("Top publishers", l);
    }

    let p = &s["policy"];
    if p.is_object() {
        row(
            "Policy",
            format!(
                "{} policies, {} packages, {} effective",
                p["policies"], p["packages"], p["effective_packages"]
            ),
        );
        for e in p["effective"].as_array().into_iter().flatten() {
            row(
                "",
                format!(
                    "{}  {}",
                    e["object_id"].as_str().unwrap_or("-"),
                    e["href"].as_str().unwrap_or_default()
                ),
            );
        }
    }
    let sch = &s["schedule"];
    if sch.is_object() {
        row(
            "Schedule",
            format!(
                "{}: {} events, {} triggers",
                sch["name"].as_str().unwrap_or("(unnamed)"),
                sch["events"],
                sch["triggers"]
            ),
        );
        let runs = sch["next_runs"].as_array().cloned().unwrap_or_default();
        for (i, r) in runs.iter().enumerate() {
            row(
                if i == 0 { "Next runs (UTC)" } else { "" },
                format!(
                    "{}  {} (nominal {})",
                    r["start_utc"].as_str().unwrap_or_default(),
                    r["event"].as_str().unwrap_or_default(),
                    r["nominal_utc"].as_str().unwrap_or_default()
                ),
            );
        }
        for (i, t) in sch["event_triggers"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            row(
                if i == 0 { "On events" } else { "" },
                format!(
                    "{}: {}",
                    t["event"].as_str().unwrap_or_default(),
                    t["on"].as_str().unwrap_or_default()
                ),
            );
        }
    }
    row("Warnings", s["warnings"].to_string());
    for w in s["warning_list"].as_array().into_iter().flatten() {
        row("", w.as_str().unwrap_or_default().to_string());
    }
    out
}

/// What can be read of a file that cannot be read whole: format, root and its attributes,
/// encoding, how many records came before the error, and the warnings (as text, at most
/// [`ndi_format::MAX_KEPT_WARNINGS`]), as one JSON object with `complete: false`.
fn read_before_error(path: &std::path::Path, size: u64) -> Value {
    let mut buffer = InputBuffer::new();
    let mut summary = json!({
        "path": path.display().to_string(),
        "complete": false,
        "size_bytes": size,
    });
    let Ok(mut reader) = ndi_format::Reader::from_path(path, &mut buffer) else {
        return summary;
    };
    let info = reader.input_info();
    let header = reader.header();
    let attributes: serde_json::Map<String, Value> = header
        .attributes
        .iter()
        .map(|a| (a.name.to_string(), json!(a.value.to_string())))
        .collect();
    let root = header.root.to_string();
    let mut record = ndi_format::Record::default();
    let mut records = 0u64;
    while let Ok(true) = reader.read_record(&mut record) {
        records += 1;
    }
    let warnings: Vec<String> = reader.warnings().iter().map(ToString::to_string).collect();
    if let Value::Object(map) = &mut summary {
        map.insert("format".into(), json!(reader.format().name()));
        map.insert("root".into(), json!(root));
        map.insert("root_attributes".into(), Value::Object(attributes));
        map.insert(
            "compression".into(),
            json!(match info.compression {
                Compression::Gzip => "gzip",
                Compression::None => "none",
            }),
        );
        map.insert("encoding".into(), json!(info.encoding.name()));
        map.insert("records_read".into(), json!(records));
        map.insert("xml_bytes_read".into(), json!(reader.xml_bytes_read()));
        map.insert("warnings".into(), json!(warnings));
    }
    summary
}

/// The lines of [`read_before_error`]'s summary.
fn render_partial(s: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut row = |label: &str, value: String| out.push(format!("{label:<17}{value}"));
    row("File", s["path"].as_str().unwrap_or_default().to_string());
    row(
        "Complete",
        "no: the file could not be read to its end (error below)".into(),
    );
    if let Some(format) = s["format"].as_str() {
        row(
            "Format",
            format!(
                "{format} <{}>, {}, {}",
                s["root"].as_str().unwrap_or_default(),
                if s["compression"] == "gzip" {
                    "gzip"
                } else {
                    "plain"
                },
                s["encoding"].as_str().unwrap_or_default()
            ),
        );
    }
    for (i, (name, value)) in s["root_attributes"]
        .as_object()
        .into_iter()
        .flatten()
        .enumerate()
    {
        row(
            if i == 0 { "Root attributes" } else { "" },
            format!("{name}={}", value.as_str().unwrap_or_default()),
        );
    }
    if let Some(n) = s["records_read"].as_u64() {
        row(
            "Read",
            format!(
                "{n} elements ({} bytes of XML) before the error",
                s["xml_bytes_read"].as_u64().unwrap_or(0)
            ),
        );
    }
    let warnings = s["warnings"].as_array().cloned().unwrap_or_default();
    if !warnings.is_empty() {
        row("Warnings", warnings.len().to_string());
        for w in &warnings {
            row("", w.as_str().unwrap_or_default().to_string());
        }
    }
    out
}
