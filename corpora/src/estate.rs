//! A generated estate with known truth: Windows devices reporting over several days, with the
//! identity troubles reconciliation must handle, and a record of which device wrote each file.
//!
//! The estate is planned first ([`Estate::plan`]: devices, their cases, which day each file is
//! written and under which name), then each file is rendered on its own ([`Estate::render`]),
//! so that the files can be written in parallel and a test can render any one of them. A
//! device's documents are drawn from the device's own random stream, so the same device
//! reports the same hardware and software every day; what changes is what the case changes
//! (its name, its agent id, the sections of the document).
//!
//! Layout of a generated folder (`DIR`):
//!
//! ```text
//! DIR/2026-11-01/Inventories/SYSTEM on LON-LT-0123456.ndi.gz
//! DIR/2026-11-01/UsageData/LON-LT-0123456 at 20261101T093015.mmi.gz
//! DIR/truth.csv     one row per file: path, device, day, kind, stamp, machine name
//! DIR/devices.csv   one row per device: its cases and identity values
//! DIR/usage.csv     one row per application record of a usage file, with the installer it names
//! ```
//!
//! ```no_run
//! let config = ndi_corpora::EstateConfig::new(200, 14, 7);
//! let summary = ndi_corpora::generate_estate(std::path::Path::new("estate"), &config)?;
//! assert_eq!(summary.devices, 200);
//! # Ok::<(), ndi_corpora::Error>(())
//! ```

use std::path::Path;

use rand::Rng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

use crate::ctx::Corpus;
use crate::inventory::{Installed, Plan};
use crate::others::{self, AppUsage};
use crate::pools::software::Evidence;
use crate::util::{self, DAY, Rng8, chance};
use crate::windows::{self, WinDevice};
use crate::xml::{Style, Xml};
use crate::{Error, compress};

/// Salt that separates the estate's random streams from the corpus generator's.
const ESTATE_SALT: u64 = 0x6573_7461_7465_2D31;
/// Salt of the usage files' random streams (one per device and day).
const USAGE_SALT: u64 = 0x7573_6167_6500_0000;
/// Random stream of the estate plan.
const PLAN_STREAM: u64 = u64::MAX - 7;
/// gzip level of the estate's files.
const GZIP_LEVEL: u32 = 6;
/// Chance that an active device reports on a day no case forces.
const REPORT_CHANCE: f64 = 0.85;
/// Chance that a device with usage uploads a usage file on a day it reports.
const USAGE_CHANCE: f64 = 0.6;

/// Serial numbers that identify nothing (placeholders firmware ships with), as several
/// different devices report them.
pub const PLACEHOLDER_SERIALS: &[&str] = &[
    "To be filled by O.E.M.",
    "System Serial Number",
    "0",
    "Default string",
    "Chassis Serial Number",
    "123456789",
];

/// What an estate is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EstateConfig {
    /// Number of devices.
    pub devices: usize,
    /// Number of days (one sub-folder each; 0 is taken as 1).
    pub days: u32,
    /// Seed: the same seed and configuration give byte-identical files.
    pub seed: u64,
    /// First day, as days since 1970-01-01 (default 2026-11-01).
    pub first_day: i64,
}

impl EstateConfig {
    /// `devices` devices over `days` days from 2026-11-01.
    pub fn new(devices: usize, days: u32, seed: u64) -> EstateConfig {
        EstateConfig {
            devices,
            days,
            seed,
            first_day: util::days_from_civil(2026, 11, 1),
        }
    }
}

/// A case a device exhibits; [`Case::share`] is the share of devices planned with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Case {
    /// The machine name changes on one day; serial, hardware UUID and agent id stay.
    Renamed,
    /// The machine is re-imaged on one day: a new agent id and a new machine name; serial,
    /// manufacturer, model and hardware UUID stay.
    Reimaged,
    /// A cloned virtual machine: two or three devices share one hardware UUID, with different
    /// serial numbers and names.
    ClonedVm,
    /// The firmware reports a placeholder serial ([`PLACEHOLDER_SERIALS`]) that at least one
    /// other device reports too; no agent id.
    PlaceholderSerial,
    /// Two inventories of the device on one day.
    TwiceOnOneDay,
    /// A hardware-only inventory (`Software="False"`, no software section) after a full one.
    HardwareOnly,
    /// The device stops reporting before the last day.
    Stale,
    /// The device uploads usage files naming it by name, domain and GUID.
    Usage,
}

impl Case {
    /// All cases.
    pub const ALL: [Case; 8] = [
        Case::Renamed,
        Case::Reimaged,
        Case::ClonedVm,
        Case::PlaceholderSerial,
        Case::TwiceOnOneDay,
        Case::HardwareOnly,
        Case::Stale,
        Case::Usage,
    ];

    /// A short lower-case label (`renamed`, `re-imaged`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Case::Renamed => "renamed",
            Case::Reimaged => "re-imaged",
            Case::ClonedVm => "cloned-vm",
            Case::PlaceholderSerial => "placeholder-serial",
            Case::TwiceOnOneDay => "twice-on-one-day",
            Case::HardwareOnly => "hardware-only",
            Case::Stale => "stale",
            Case::Usage => "usage",
        }
    }

    /// Planned share of devices with this case (at least the minimum that makes the case
    /// visible: one device, or two for clones and placeholders, when the estate is large
    /// enough). The first four cases exclude each other; the last four combine with any.
    pub fn share(self) -> f64 {
        match self {
            Case::Renamed => 0.10,
            Case::Reimaged => 0.06,
            Case::ClonedVm => 0.06,
            Case::PlaceholderSerial => 0.08,
            Case::TwiceOnOneDay => 0.06,
            Case::HardwareOnly => 0.06,
            Case::Stale => 0.10,
            Case::Usage => 0.40,
        }
    }

    fn minimum(self) -> usize {
        match self {
            Case::ClonedVm | Case::PlaceholderSerial => 2,
            _ => 1,
        }
    }
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an estate file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EstateKind {
    /// A full inventory (hardware and software), `.ndi.gz`.
    Inventory,
    /// A hardware-only inventory (`Software="False"`), `.ndi.gz`.
    HardwareInventory,
    /// A usage file, `.mmi.gz`.
    Usage,
}

impl EstateKind {
    /// `inventory`, `hardware-inventory` or `usage`.
    pub fn as_str(self) -> &'static str {
        match self {
            EstateKind::Inventory => "inventory",
            EstateKind::HardwareInventory => "hardware-inventory",
            EstateKind::Usage => "usage",
        }
    }
}

/// One planned file and its truth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EstateFile {
    /// Path below the estate folder, `/`-separated (`2026-11-01/Inventories/...`).
    pub path: String,
    /// Key of the device that wrote it (`dev-00001`).
    pub device: String,
    /// The day folder, `yyyy-mm-dd`.
    pub day: String,
    /// What the file is.
    pub kind: EstateKind,
    /// The document's time stamp (`yyyyMMddTHHmmss`, `DateTime` of an inventory).
    pub stamp: String,
    /// The machine name the file carries.
    pub machine_name: String,
    device_index: usize,
    time: i64,
}

/// One device and the identity values it reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EstateDevice {
    /// Stable key (`dev-00001`).
    pub key: String,
    /// The cases it exhibits, in [`Case::ALL`] order.
    pub cases: Vec<Case>,
    /// Machine names in the order it used them.
    pub names: Vec<String>,
    /// DNS domain (`Scope` and `Win32_ComputerSystem.Domain`).
    pub domain: String,
    /// BIOS serial number as reported.
    pub serial: String,
    /// Hardware UUID as reported.
    pub hardware_uuid: String,
    /// Manufacturer as reported.
    pub manufacturer: String,
    /// Model as reported.
    pub model: String,
    /// Agent ids in the order it used them (empty when it reports none).
    pub agent_ids: Vec<String>,
    /// The GUIDs its usage files carry, in order (empty without usage).
    pub usage_guids: Vec<String>,
    /// First day it reports (`yyyy-mm-dd`).
    pub first_day: String,
    /// Last day it reports (`yyyy-mm-dd`).
    pub last_day: String,
}

/// One `APPUSAGE` record of a usage file and the installed application it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageTruth {
    /// The usage file (as in [`EstateFile::path`]).
    pub path: String,
    /// The device.
    pub device: String,
    /// `NAME` as written (empty for a file-name match).
    pub name: String,
    /// `VERSION` as written (empty for a file-name match).
    pub version: String,
    /// `FILENAME` as written.
    pub file_name: String,
    /// `name-version` (the record names the installer) or `file-name` (only the executable
    /// names it, through the device's file evidence).
    pub matched_by: &'static str,
    /// The installer record it stands for: name.
    pub installer_name: String,
    /// The installer record it stands for: version.
    pub installer_version: String,
}

/// A rendered file: its bytes and, for a usage file, its application records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    /// Contents as written (gzip).
    pub bytes: Vec<u8>,
    /// The usage records (empty for an inventory).
    pub usage: Vec<UsageTruth>,
}

/// What [`generate_estate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EstateSummary {
    /// Devices.
    pub devices: usize,
    /// Inventory files (full and hardware-only).
    pub inventories: usize,
    /// Usage files.
    pub usage_files: usize,
    /// Total size of the corpus files on disk (the truth files not counted).
    pub bytes_on_disk: u64,
}

/// How a device's base hardware is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hardware {
    Any,
    VirtualMachine,
    PlaceholderBoard,
}

/// One inventory the plan schedules.
#[derive(Clone, Copy, Debug)]
struct Report {
    day: u32,
    /// Seconds into the day.
    seconds: i64,
    hardware_only: bool,
    /// The second inventory of the day (named differently).
    second: bool,
}

/// Everything planned for one device.
#[derive(Clone, Debug)]
struct DevicePlan {
    hardware: Hardware,
    cases: Vec<Case>,
    /// 0: no agent id, 1: root attribute, 2: computer-system property.
    agent_mode: u8,
    /// `(from day, agent id)`.
    agent_ids: Vec<(u32, String)>,
    /// `(from day, machine name)`; the first entry is from day 0.
    names: Vec<(u32, String)>,
    usage_guids: Vec<(u32, String)>,
    serial: Option<String>,
    uuid: Option<String>,
    reports: Vec<Report>,
    usage_days: Vec<(u32, i64)>,
    usage_agent: &'static str,
    last_day: u32,
    base_serial: String,
    base_uuid: String,
    manufacturer: String,
    model: String,
    domain: String,
}

/// A planned estate: devices, files and their truth.
pub struct Estate {
    config: EstateConfig,
    ctx: Corpus,
    plans: Vec<DevicePlan>,
    /// The devices, in key order.
    pub devices: Vec<EstateDevice>,
    /// The files, in path order.
    pub files: Vec<EstateFile>,
}

impl Estate {
    /// Plans the estate of `config` (cheap: no document is written).
    pub fn plan(config: &EstateConfig) -> Estate {
        let mut ctx = Corpus::new(config.seed);
        let days = config.days.max(1);
        ctx.base_day = config.first_day + i64::from(days) - 1;
        let n = config.devices;
        let mut rng = util::stream_rng(config.seed ^ ESTATE_SALT, PLAN_STREAM);
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut rng);

        // Identity cases exclude each other: consecutive slices of one shuffled order.
        let mut cases: Vec<Vec<Case>> = vec![Vec::new(); n];
        let mut taken = 0usize;
        let multi_day = days >= 2;
        for case in [
            Case::ClonedVm,
            Case::PlaceholderSerial,
            Case::Renamed,
            Case::Reimaged,
        ] {
            if !multi_day && matches!(case, Case::Renamed | Case::Reimaged) {
                continue;
            }
            let want = planned_count(case, n);
            let k = want.min(n - taken);
            if k < case.minimum() {
                continue;
            }
            for &i in &order[taken..taken + k] {
                cases[i].push(case);
            }
            taken += k;
        }
        // The other cases are drawn independently, each from its own shuffled order.
        for case in [
            Case::TwiceOnOneDay,
            Case::HardwareOnly,
            Case::Stale,
            Case::Usage,
        ] {
            if !multi_day && matches!(case, Case::HardwareOnly) {
                continue;
            }
            if days < 3 && case == Case::Stale {
                continue;
            }
            let mut o: Vec<usize> = (0..n).collect();
            o.shuffle(&mut rng);
            for &i in &o[..planned_count(case, n).min(n)] {
                cases[i].push(case);
            }
        }
        for c in &mut cases {
            c.sort();
        }

        // Groups of clones (2 or 3) and of devices sharing a placeholder serial (2 or 3).
        let clones: Vec<usize> = members(&cases, Case::ClonedVm);
        let placeholders: Vec<usize> = members(&cases, Case::PlaceholderSerial);
        let clone_group = groups(clones.len());
        let placeholder_group = groups(placeholders.len());

        let mut plans: Vec<DevicePlan> = (0..n)
            .map(|i| plan_device(&ctx, &mut rng, config, days, i, &cases[i]))
            .collect();
        // Clones take the hardware UUID of the first member of their group.
        for (k, &i) in clones.iter().enumerate() {
            let first = clones[clone_group[k]];
            if first != i {
                plans[i].uuid = Some(plans[first].base_uuid.clone());
            }
        }
        for (k, &i) in placeholders.iter().enumerate() {
            let value = PLACEHOLDER_SERIALS[placeholder_group[k] / 2 % PLACEHOLDER_SERIALS.len()];
            plans[i].serial = Some(value.to_string());
        }

        let devices = plans
            .iter()
            .enumerate()
            .map(|(i, p)| describe(config, i, p))
            .collect();
        let mut files = Vec::new();
        for (i, p) in plans.iter().enumerate() {
            schedule_files(config, i, p, &mut files);
        }
        files.sort_by(|a: &EstateFile, b| a.path.cmp(&b.path));
        Estate {
            config: config.clone(),
            ctx,
            plans,
            devices,
            files,
        }
    }

    /// Renders the `index`-th file of [`Estate::files`].
    pub fn render(&self, index: usize) -> Option<RenderedFile> {
        let f = self.files.get(index)?;
        let p = &self.plans[f.device_index];
        Some(match f.kind {
            EstateKind::Inventory | EstateKind::HardwareInventory => RenderedFile {
                bytes: self.render_inventory(f, p),
                usage: Vec::new(),
            },
            EstateKind::Usage => self.render_usage(f, p),
        })
    }

    /// The device drawn for `p`, with its planned identity on `day` at `time`.
    fn device(&self, i: usize, p: &DevicePlan, day: u32, time: i64) -> (WinDevice<'_>, Rng8) {
        let mut rng = device_rng(self.config.seed, i);
        let mut d = draw_device(&self.ctx, &mut rng, i, p.hardware);
        d.host = value_on(&p.names, day).to_string();
        if let Some(s) = &p.serial {
            d.serial.clone_from(s);
        }
        if let Some(u) = &p.uuid {
            d.uuid.clone_from(u);
        }
        // Move the device's clock to the planned time, keeping its boot and install history.
        let delta = time - d.now;
        d.now = time;
        d.boot += delta;
        d.os_install += delta;
        d.bios_date += delta.div_euclid(DAY) * DAY;
        (d, rng)
    }

    fn render_inventory(&self, f: &EstateFile, p: &DevicePlan) -> Vec<u8> {
        let day = day_of(&self.config, f.time);
        let (d, mut rng) = self.device(f.device_index, p, day, f.time);
        let mut plan = Plan::clean_windows(0);
        plan.hardware_only = f.kind == EstateKind::HardwareInventory;
        plan.agent_id = p.agent_mode;
        let agent_id = if p.agent_mode > 0 {
            Some(value_on(&p.agent_ids, day).to_string())
        } else {
            None
        };
        let w = windows::write_device(&self.ctx, &mut rng, d, &plan, agent_id);
        let inner = format!("{} on {}.ndi", w.user, w.host);
        compress(
            &mut rng,
            w.doc.as_bytes(),
            &inner,
            w.stamp,
            GZIP_LEVEL,
            false,
        )
    }

    fn render_usage(&self, f: &EstateFile, p: &DevicePlan) -> RenderedFile {
        let day = day_of(&self.config, f.time);
        let (d, mut rng) = self.device(f.device_index, p, day, f.time);
        let mut opts = crate::inventory::Opts::default();
        let installed = windows::software(&d, &mut rng, &mut opts);
        let mut urng = util::stream_rng(
            self.config.seed ^ ESTATE_SALT ^ USAGE_SALT,
            ((f.device_index as u64) << 20) | u64::from(day),
        );
        let mut x = Xml::new(8192, Style::AGENT);
        others::open_usage(
            &mut x,
            p.usage_agent,
            &d.host,
            d.org.dns,
            value_on(&p.usage_guids, day),
        );
        let monday = util::monday_on_or_before(f.time.div_euclid(DAY));
        let login = d.users.first().map_or("user", |u| u.login.as_str());
        others::open_user_week(&mut x, login, d.org.netbios, monday, "");
        let start = monday * DAY;
        let end = f.time.max(start + 1);
        let mut records = Vec::new();
        let candidates: Vec<&Installed> = installed
            .iter()
            .filter(|i| !i.name.is_empty() && i.files.iter().any(|dir| !dir.files.is_empty()))
            .collect();
        let n_apps = urng.random_range(2..7).min(candidates.len());
        let mut chosen: Vec<usize> = (0..candidates.len()).collect();
        chosen.shuffle(&mut urng);
        for &c in &chosen[..n_apps] {
            let inst = candidates[c];
            let files: Vec<&(String, String)> =
                inst.files.iter().flat_map(|dir| dir.files.iter()).collect();
            let (file, desc) = files[urng.random_range(0..files.len())];
            let by_name = inst.evidence != Evidence::Files && chance(&mut urng, 0.5);
            let (name, version) = if by_name {
                (inst.name.as_str(), inst.version.as_str())
            } else {
                ("", "")
            };
            others::write_app_usage(
                &mut x,
                &mut urng,
                &AppUsage {
                    name,
                    version,
                    file,
                    company: &inst.publisher,
                    description: desc,
                    product: &inst.name,
                    product_version: &inst.version,
                },
                start,
                end,
            );
            records.push(UsageTruth {
                path: f.path.clone(),
                device: f.device.clone(),
                name: name.to_string(),
                version: version.to_string(),
                file_name: file.clone(),
                matched_by: if by_name { "name-version" } else { "file-name" },
                installer_name: inst.name.clone(),
                installer_version: inst.version.clone(),
            });
        }
        x.end("USAGE");
        x.end("MD");
        x.end("USAGE");
        let inner = format!("{} at {}.mmi", d.host, util::stamp(f.time));
        RenderedFile {
            bytes: compress(&mut urng, x.buf.as_bytes(), &inner, 0, GZIP_LEVEL, false),
            usage: records,
        }
    }
}

/// Writes the estate of `config` into `out_dir` (created if needed), with `truth.csv`,
/// `devices.csv` and `usage.csv` beside the day folders. Files are rendered in parallel on the
/// current rayon pool; the output does not depend on the number of threads.
pub fn generate_estate(out_dir: &Path, config: &EstateConfig) -> Result<EstateSummary, Error> {
    let estate = Estate::plan(config);
    create_dir(out_dir)?;
    let mut dirs: Vec<&str> = estate
        .files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.dedup();
    for d in dirs {
        create_dir(&out_dir.join(d))?;
    }
    let written: Vec<(u64, Vec<UsageTruth>)> = (0..estate.files.len())
        .into_par_iter()
        .map(|k| {
            let f = &estate.files[k];
            let r = estate.render(k).unwrap_or(RenderedFile {
                bytes: Vec::new(),
                usage: Vec::new(),
            });
            let path = out_dir.join(&f.path);
            std::fs::write(&path, &r.bytes).map_err(|source| Error::Write { path, source })?;
            Ok((r.bytes.len() as u64, r.usage))
        })
        .collect::<Result<_, Error>>()?;
    let mut summary = EstateSummary {
        devices: estate.devices.len(),
        ..EstateSummary::default()
    };
    let mut usage_rows = Vec::new();
    for (f, (len, usage)) in estate.files.iter().zip(written) {
        summary.bytes_on_disk += len;
        match f.kind {
            EstateKind::Usage => summary.usage_files += 1,
            _ => summary.inventories += 1,
        }
        usage_rows.extend(usage);
    }
    write_text(&out_dir.join("truth.csv"), &truth_csv(&estate.files))?;
    write_text(&out_dir.join("devices.csv"), &devices_csv(&estate.devices))?;
    write_text(&out_dir.join("usage.csv"), &usage_csv(&usage_rows))?;
    Ok(summary)
}

/// `truth.csv`: `path,device,day,kind,stamp,machine_name`.
pub fn truth_csv(files: &[EstateFile]) -> String {
    let mut out = String::from("path,device,day,kind,stamp,machine_name\n");
    for f in files {
        csv_row(
            &mut out,
            &[
                &f.path,
                &f.device,
                &f.day,
                f.kind.as_str(),
                &f.stamp,
                &f.machine_name,
            ],
        );
    }
    out
}

/// `devices.csv`: one row per device; lists are `;`-separated.
pub fn devices_csv(devices: &[EstateDevice]) -> String {
    let mut out = String::from(
        "device,cases,names,domain,serial,hardware_uuid,manufacturer,model,agent_ids,usage_guids,first_day,last_day\n",
    );
    for d in devices {
        let cases: Vec<&str> = d.cases.iter().map(|c| c.as_str()).collect();
        csv_row(
            &mut out,
            &[
                &d.key,
                &cases.join(";"),
                &d.names.join(";"),
                &d.domain,
                &d.serial,
                &d.hardware_uuid,
                &d.manufacturer,
                &d.model,
                &d.agent_ids.join(";"),
                &d.usage_guids.join(";"),
                &d.first_day,
                &d.last_day,
            ],
        );
    }
    out
}

/// `usage.csv`: one row per `APPUSAGE` record.
pub fn usage_csv(rows: &[UsageTruth]) -> String {
    let mut out = String::from(
        "path,device,name,version,file_name,matched_by,installer_name,installer_version\n",
    );
    for u in rows {
        csv_row(
            &mut out,
            &[
                &u.path,
                &u.device,
                &u.name,
                &u.version,
                &u.file_name,
                u.matched_by,
                &u.installer_name,
                &u.installer_version,
            ],
        );
    }
    out
}

/// One CSV line (RFC 4180 quoting where a field needs it).
fn csv_row(out: &mut String, fields: &[&str]) {
    for (k, f) in fields.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push('\n');
}

fn create_dir(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(|source| Error::CreateDir {
        path: path.to_path_buf(),
        source,
    })
}

fn write_text(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Devices planned with `case`: its share of `n`, at least its minimum.
fn planned_count(case: Case, n: usize) -> usize {
    ((case.share() * n as f64).round() as usize).max(case.minimum())
}

fn members(cases: &[Vec<Case>], case: Case) -> Vec<usize> {
    (0..cases.len())
        .filter(|&i| cases[i].contains(&case))
        .collect()
}

/// Splits `n` members into groups of two (a trailing odd member joins the last group): for
/// each member, the index of its group's first member.
fn groups(n: usize) -> Vec<usize> {
    (0..n)
        .map(|k| {
            let g = if k + 1 == n && n % 2 == 1 && n > 1 {
                k - 1
            } else {
                k
            };
            g - g % 2
        })
        .collect()
}

fn device_rng(seed: u64, i: usize) -> Rng8 {
    util::stream_rng(seed ^ ESTATE_SALT, i as u64)
}

/// Draws device `i` from its stream: the first draw, or the first virtual machine, or the
/// first physical machine with a placeholder board, as the plan asks.
fn draw_device<'c>(ctx: &'c Corpus, rng: &mut Rng8, i: usize, hw: Hardware) -> WinDevice<'c> {
    let mut tries = 0;
    loop {
        tries += 1;
        let d = windows::device(ctx, rng, i, false, hw == Hardware::PlaceholderBoard);
        let fits = match hw {
            Hardware::Any => true,
            Hardware::VirtualMachine => d.is_vm(),
            Hardware::PlaceholderBoard => !d.is_vm(),
        };
        // About one draw in four is a virtual machine: 1,000 tries never run out in practice,
        // and the last draw is kept if they did.
        if fits || tries >= 1000 {
            return d;
        }
    }
}

fn plan_device(
    ctx: &Corpus,
    rng: &mut Rng8,
    config: &EstateConfig,
    days: u32,
    i: usize,
    cases: &[Case],
) -> DevicePlan {
    let has = |c: Case| cases.contains(&c);
    let hardware = if has(Case::ClonedVm) {
        Hardware::VirtualMachine
    } else if has(Case::PlaceholderSerial) {
        Hardware::PlaceholderBoard
    } else {
        Hardware::Any
    };
    let d = draw_device(ctx, &mut device_rng(config.seed, i), i, hardware);
    let n = config.devices;
    let last_day = if has(Case::Stale) {
        rng.random_range(1..=(days / 2).max(1)).min(days - 2)
    } else {
        days - 1
    };
    let agent_mode = if has(Case::PlaceholderSerial) {
        0
    } else if has(Case::Renamed) || has(Case::Reimaged) {
        if chance(rng, 0.75) { 1 } else { 2 }
    } else {
        [0u8, 1, 1, 1, 1, 2][rng.random_range(0..6)]
    };
    let mut agent_ids = vec![(0, util::random_hex(rng, 64, false))];
    let mut names = vec![(0, d.host.clone())];
    let mut usage_guids = vec![(0, util::random_guid(rng, true))];
    let mut forced: Vec<u32> = vec![0, last_day];
    if has(Case::Renamed) || has(Case::Reimaged) {
        let switch = rng.random_range(1..=last_day.max(1));
        forced.push(switch);
        let other = if has(Case::Renamed) { n + i } else { 2 * n + i };
        names.push((switch, renamed_host(ctx, &d.host, i, other)));
        if has(Case::Reimaged) {
            agent_ids.push((switch, util::random_hex(rng, 64, false)));
            usage_guids.push((switch, util::random_guid(rng, true)));
        }
    }
    let hardware_only_day = if has(Case::HardwareOnly) {
        let h = rng.random_range(1..=last_day.max(1));
        forced.push(h);
        Some(h)
    } else {
        None
    };
    let twice_day = if has(Case::TwiceOnOneDay) {
        let t = rng.random_range(0..=last_day);
        forced.push(t);
        Some(t)
    } else {
        None
    };
    let mut reports = Vec::new();
    let mut usage_days = Vec::new();
    for day in 0..=last_day {
        let report = forced.contains(&day) || chance(rng, REPORT_CHANCE);
        let seconds = rng.random_range(0..10 * 3600);
        if !report {
            continue;
        }
        let hw_only = hardware_only_day == Some(day);
        if twice_day == Some(day) {
            let later = seconds + rng.random_range(4 * 3600..12 * 3600);
            reports.push(Report {
                day,
                seconds,
                hardware_only: false,
                second: false,
            });
            reports.push(Report {
                day,
                seconds: later,
                hardware_only: hw_only,
                second: true,
            });
        } else {
            reports.push(Report {
                day,
                seconds,
                hardware_only: hw_only,
                second: false,
            });
        }
        if has(Case::Usage) && (day == 0 || chance(rng, USAGE_CHANCE)) {
            usage_days.push((day, rng.random_range(9 * 3600..18 * 3600)));
        }
    }
    let usage_agent = *util::pick(rng, others::USAGE_AGENTS);
    DevicePlan {
        hardware,
        cases: cases.to_vec(),
        agent_mode,
        agent_ids: if agent_mode == 0 {
            Vec::new()
        } else {
            agent_ids
        },
        names,
        usage_guids: if has(Case::Usage) {
            usage_guids
        } else {
            Vec::new()
        },
        serial: None,
        uuid: None,
        reports,
        usage_days,
        usage_agent,
        last_day,
        base_serial: d.serial.clone(),
        base_uuid: d.uuid.clone(),
        manufacturer: d.vendor.to_string(),
        model: d.model.to_string(),
        domain: d.org.dns.to_string(),
    }
}

/// The host name of device `i` after a rename: its device number (or `DESKTOP-` suffix)
/// replaced by that of `other`, so that it stays unique in the estate.
fn renamed_host(ctx: &Corpus, host: &str, i: usize, other: usize) -> String {
    let (old, new) = if host.starts_with("DESKTOP-") {
        (ctx.uid36(i), ctx.uid36(other))
    } else {
        (ctx.uid(i), ctx.uid(other))
    };
    if host.contains(&old) {
        host.replace(&old, &new)
    } else {
        format!("{host}-{new}")
    }
}

/// The value in force on `day` of a `(from day, value)` list.
fn value_on(values: &[(u32, String)], day: u32) -> &str {
    values
        .iter()
        .rev()
        .find(|(from, _)| *from <= day)
        .or(values.first())
        .map_or("", |(_, v)| v.as_str())
}

fn day_of(config: &EstateConfig, time: i64) -> u32 {
    u32::try_from(time.div_euclid(DAY) - config.first_day).unwrap_or(0)
}

fn day_folder(config: &EstateConfig, day: u32) -> String {
    let (y, m, d) = util::civil_from_days(config.first_day + i64::from(day));
    format!("{y:04}-{m:02}-{d:02}")
}

fn describe(config: &EstateConfig, i: usize, p: &DevicePlan) -> EstateDevice {
    EstateDevice {
        key: device_key(i),
        cases: p.cases.clone(),
        names: p.names.iter().map(|(_, n)| n.clone()).collect(),
        domain: p.domain.clone(),
        serial: p.serial.clone().unwrap_or_else(|| p.base_serial.clone()),
        hardware_uuid: p.uuid.clone().unwrap_or_else(|| p.base_uuid.clone()),
        manufacturer: p.manufacturer.clone(),
        model: p.model.clone(),
        agent_ids: p.agent_ids.iter().map(|(_, a)| a.clone()).collect(),
        usage_guids: p.usage_guids.iter().map(|(_, g)| g.clone()).collect(),
        first_day: day_folder(config, 0),
        last_day: day_folder(config, p.last_day),
    }
}

fn device_key(i: usize) -> String {
    format!("dev-{:05}", i + 1)
}

fn schedule_files(config: &EstateConfig, i: usize, p: &DevicePlan, out: &mut Vec<EstateFile>) {
    let file = |day: u32, seconds: i64, kind: EstateKind, second: bool| {
        let folder = day_folder(config, day);
        let time = (config.first_day + i64::from(day)) * DAY + seconds;
        let host = value_on(&p.names, day).to_string();
        let stamp = util::stamp(time);
        let name = match kind {
            EstateKind::Usage => format!("UsageData/{host} at {stamp}.mmi.gz"),
            _ if second => format!("Inventories/{host} at {stamp} (ndtrack).ndi.gz"),
            _ => format!("Inventories/SYSTEM on {host}.ndi.gz"),
        };
        EstateFile {
            path: format!("{folder}/{name}"),
            device: device_key(i),
            day: folder,
            kind,
            stamp,
            machine_name: host,
            device_index: i,
            time,
        }
    };
    for r in &p.reports {
        let kind = if r.hardware_only {
            EstateKind::HardwareInventory
        } else {
            EstateKind::Inventory
        };
        out.push(file(r.day, r.seconds, kind, r.second));
    }
    for &(day, seconds) in &p.usage_days {
        out.push(file(day, seconds, EstateKind::Usage, false));
    }
}
