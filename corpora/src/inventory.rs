//! The inventory envelope shared by all platforms, the installer and file-evidence writers, and
//! the per-file plan (platform, size, quirks).
//!
//! The platform writers (`windows`, `unix`) build on this module; it uses neither of them, so
//! the modules form a tree: `lib` -> `windows` / `unix` -> `inventory` -> `xml`, `util`.

use std::collections::BTreeMap;

use rand::Rng;

use crate::pools::software::Evidence;
use crate::util::{self, DAY, Rng8, chance};
use crate::xml::{Style, Xml};

/// Median size of a plain Windows inventory before the per-file log-normal spread.
const WIN_MEDIAN_PLAIN: f64 = 620_000.0;
/// Log-normal shape of inventory sizes.
const SIZE_SIGMA: f64 = 0.42;

/// Everything decided about one inventory before it is written.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub third_party: bool,
    pub windows: bool,
    pub quirks: bool,
    pub bom: bool,
    pub crlf: bool,
    pub username_variant: bool,
    pub control: bool,
    pub non_ascii: bool,
    pub junk_serial: bool,
    pub audience_user: bool,
    pub hardware_only: bool,
    /// Approximate plain size of the document (file evidence fills up to it).
    pub target: usize,
    /// Size in bytes of a large embedded blob, if any.
    pub blob: Option<usize>,
    /// 0: no AgentID, 1: root attribute, 2: property of the computer-system class.
    pub agent_id: u8,
    pub omit_service_providers: bool,
}

impl Plan {
    /// Draws the plan of an inventory.
    pub fn draw(rng: &mut Rng8, quirks: bool, third_party: bool, size_scale: f64) -> Plan {
        let bom = quirks && chance(rng, if third_party { 0.3 } else { 0.03 });
        let crlf = quirks && chance(rng, if third_party { 0.3 } else { 0.04 });
        let username_variant = quirks && chance(rng, 0.02);
        let control = quirks && chance(rng, 0.003);
        let non_ascii = quirks && chance(rng, 0.03);
        let junk_serial = quirks && chance(rng, 0.01);
        let windows = chance(rng, if third_party { 0.75 } else { 0.85 });
        let audience_user = !third_party && chance(rng, 0.015);
        let hardware_only = !audience_user && chance(rng, 0.01);
        let mut target = util::lognormal(rng, WIN_MEDIAN_PLAIN, SIZE_SIGMA);
        if third_party {
            target *= 0.35;
        }
        let mut blob = None;
        let r: f64 = rng.random();
        if r < 0.015 {
            // A broad file scan.
            target *= util::loguniform(rng, 4.0, 22.0);
        } else if r < 0.025 {
            // A large embedded archive.
            blob = Some((util::loguniform(rng, 250_000.0, 2_800_000.0) * size_scale) as usize);
        }
        let agent_id = if third_party || !chance(rng, 0.3) {
            0
        } else if chance(rng, 0.67) {
            1
        } else {
            2
        };
        Plan {
            third_party,
            windows,
            quirks,
            bom,
            crlf,
            username_variant,
            control,
            non_ascii,
            junk_serial,
            audience_user,
            hardware_only,
            target: (target * size_scale) as usize,
            blob,
            agent_id,
            omit_service_providers: chance(rng, 0.1),
        }
    }

    /// A clean Windows inventory of about `target` bytes (for benchmarks).
    pub fn clean_windows(target: usize) -> Plan {
        Plan {
            third_party: false,
            windows: true,
            quirks: false,
            bom: false,
            crlf: false,
            username_variant: false,
            control: false,
            non_ascii: false,
            junk_serial: false,
            audience_user: false,
            hardware_only: false,
            target,
            blob: None,
            agent_id: 1,
            omit_service_providers: false,
        }
    }
}

/// Per-document switches the section writers consult.
#[derive(Default)]
pub(crate) struct Opts {
    pub quirks: bool,
    pub control_in_hardware: bool,
    pub agent_id_property: Option<String>,
    pub office_c2r_version: Option<String>,
    pub sql_server: Option<(String, String)>,
}

/// The result of writing an inventory: the document and what its file name is made of.
pub(crate) struct Written {
    pub doc: String,
    pub user: String,
    pub host: String,
    pub stamp: i64,
}

/// One installer record, with the directories its files live in.
pub(crate) struct Installed {
    pub ty: &'static str,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub evidence: Evidence,
    pub product_code: String,
    pub install: Option<i64>,
    pub lang: Option<u32>,
    pub location: Option<String>,
    pub arch: Option<&'static str>,
    pub files: Vec<Dir>,
}

impl Installed {
    pub fn new(name: String, version: String, publisher: String, evidence: Evidence) -> Installed {
        let product_code = match evidence {
            Evidence::Msi => util::stable_guid(&[&name, &version]),
            _ => String::new(),
        };
        Installed {
            ty: match evidence {
                Evidence::Msi => "MSI",
                Evidence::Arp => "ARP",
                Evidence::Files => "",
            },
            product_code,
            lang: if evidence == Evidence::Msi {
                Some(1033)
            } else {
                None
            },
            name,
            version,
            publisher,
            evidence,
            install: None,
            location: None,
            arch: None,
            files: Vec::new(),
        }
    }
}

/// A directory with `(file name, description)` entries.
pub(crate) struct Dir {
    pub path: String,
    pub files: Vec<(String, String)>,
}

/// Groups `(sub\\file, description)` pairs into directories under `base`.
pub(crate) fn group_exes(base: &str, exes: &[(&str, &str)]) -> Vec<Dir> {
    let mut out: Vec<Dir> = Vec::new();
    for (file, desc) in exes {
        let (path, name) = match file.rsplit_once('\\') {
            Some((sub, name)) => (format!("{base}\\{sub}"), name),
            None => (base.to_string(), *file),
        };
        match out.iter_mut().find(|d| d.path == path) {
            Some(d) => d.files.push((name.to_string(), desc.to_string())),
            None => out.push(Dir {
                path,
                files: vec![(name.to_string(), desc.to_string())],
            }),
        }
    }
    out
}

/// Version resource of a file.
pub(crate) struct FileVer<'a> {
    pub version: &'a str,
    pub company: &'a str,
    pub description: &'a str,
    pub product: &'a str,
    pub product_version: &'a str,
}

/// Four-part file version from a product version (`24.08` -> `24.8.0.0`).
pub(crate) fn file_version(v: &str) -> String {
    let nums: Vec<u64> = v
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(4)
        .filter_map(|s| s.parse().ok())
        .collect();
    if nums.is_empty() {
        return "1.0.0.0".to_string();
    }
    let mut parts: Vec<String> = nums.iter().map(u64::to_string).collect();
    while parts.len() < 4 {
        parts.push("0".to_string());
    }
    parts.join(".")
}

/// `<File .../>`: size, digest and date are stable functions of name and version, so the same
/// file looks the same on every device.
pub(crate) fn file_entry(x: &mut Xml, name: &str, ver: Option<FileVer<'_>>, patch_base_day: i64) {
    let v = ver.as_ref().map_or("", |f| f.version);
    let h = util::hash_strs(&[name, v]);
    let u = (h >> 11) as f64 / (1u64 << 53) as f64;
    let size = (12_000.0 * (u * 6.0).exp()) as u64 + (h & 0x3FF);
    // Files of one product version (or one Windows update) share their time stamp, give or
    // take the seconds it took to copy them.
    let hv = if v.is_empty() {
        h
    } else {
        util::hash_strs(&[v])
    };
    let days_back = ((hv >> 20) % 900) as i64;
    let modified = (patch_base_day - days_back) * DAY
        + ((hv >> 40) % (DAY as u64 - 300)) as i64
        + ((h >> 50) % 90) as i64;
    x.open("File").a("Name", name).n("Size", size);
    if let Some(f) = &ver {
        x.a("Version", f.version)
            .a("Company", f.company)
            .a("Description", f.description)
            .a("ProductName", f.product)
            .a("ProductVersion", f.product_version);
    }
    x.a("MD5", &util::stable_md5(&[name, v, "md5"]))
        .a("Modified", &util::stamp(modified))
        .empty();
}

/// Writes the directories of installed products, merged and sorted by path as a file-system
/// walk would produce them.
pub(crate) fn installed_dirs(x: &mut Xml, installed: &[Installed], patch_base_day: i64) {
    let mut dirs: BTreeMap<&str, Vec<(&str, &str, &Installed)>> = BTreeMap::new();
    for inst in installed {
        for d in &inst.files {
            let entry = dirs.entry(d.path.as_str()).or_default();
            for (f, desc) in &d.files {
                if !entry.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(f)) {
                    entry.push((f.as_str(), desc.as_str(), inst));
                }
            }
        }
    }
    for (path, files) in dirs {
        x.open("Directory").a("Path", path).start();
        for (name, desc, inst) in files {
            if desc.is_empty() {
                file_entry(x, name, None, patch_base_day);
            } else {
                let fv = file_version(&inst.version);
                file_entry(
                    x,
                    name,
                    Some(FileVer {
                        version: &fv,
                        company: &inst.publisher,
                        description: desc,
                        product: &inst.name,
                        product_version: &inst.version,
                    }),
                    patch_base_day,
                );
            }
        }
        x.end("Directory");
    }
}

/// `<Software>` with one `<Installer>` per record. `control_at` puts a raw U+0003 into one name.
pub(crate) fn write_software(x: &mut Xml, installed: &[Installed], control_at: Option<usize>) {
    x.open("Software").start();
    let mut k = 0usize;
    for inst in installed {
        if inst.evidence == Evidence::Files {
            continue;
        }
        let mut name_buf;
        let mut name = inst.name.as_str();
        if control_at == Some(k) {
            let mut cut = name.len() / 2;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name_buf = String::with_capacity(name.len() + 1);
            name_buf.push_str(&name[..cut]);
            name_buf.push('\u{3}');
            name_buf.push_str(&name[cut..]);
            name = &name_buf;
        }
        k += 1;
        x.open("Installer").a("Type", inst.ty).a("Name", name);
        if !inst.version.is_empty() {
            x.a("Version", &inst.version);
        }
        if !inst.publisher.is_empty() {
            x.a("Publisher", &inst.publisher);
        }
        if !inst.product_code.is_empty() {
            x.a("ProductCode", &inst.product_code);
        }
        if let Some(t) = inst.install {
            x.a("InstallDate", &util::date8(t));
        }
        if let Some(l) = inst.lang {
            x.n("Language", l);
        }
        if let Some(loc) = &inst.location {
            x.a("InstallLocation", loc);
        }
        if let Some(arch) = inst.arch {
            x.a("Architecture", arch);
        }
        x.empty();
    }
    x.end("Software");
}

/// Number of installer records (what `control_at` indexes).
pub(crate) fn installer_count(installed: &[Installed]) -> usize {
    installed
        .iter()
        .filter(|i| i.evidence != Evidence::Files)
        .count()
}

/// `<Content Name=.. Encoding="base64">...</Content>` holding `data`.
pub(crate) fn write_content(x: &mut Xml, name: &str, data: &[u8], wrap: bool) {
    x.open("Content")
        .a("Name", name)
        .a("Encoding", "base64")
        .start_inline();
    let nl = x.nl();
    if wrap {
        x.buf.push_str(nl);
    }
    x.buf.reserve(data.len() / 3 * 4 + data.len() / 76 * 2 + 8);
    util::base64_into(&mut x.buf, data, if wrap { Some(76) } else { None }, nl);
    if wrap {
        x.buf.push_str(nl);
    }
    x.end_inline("Content");
}

/// Random bytes standing in for a zipped archive, with a zip signature at the front.
pub(crate) fn archive_bytes(rng: &mut Rng8, len: usize) -> Vec<u8> {
    let mut data = vec![0u8; len];
    rng.fill(&mut data[..]);
    if len >= 4 {
        data[..4].copy_from_slice(b"PK\x03\x04");
    }
    data
}

/// The root element's attributes.
pub(crate) struct Root<'a> {
    pub tracker: &'a str,
    pub audience: &'a str,
    pub scope: &'a str,
    pub machine: &'a str,
    pub user: &'a str,
    pub username_variant: bool,
    pub hardware: bool,
    pub software: bool,
    pub service_providers: Option<bool>,
    pub datetime: i64,
    pub agent_id: Option<&'a str>,
}

const BOOL: [&str; 2] = ["False", "True"];

/// XML declaration, DOCTYPE and the `<Inventory ...>` start tag.
pub(crate) fn open_inventory(x: &mut Xml, bom: bool, decl: &str, root: &Root<'_>) {
    if bom {
        x.bom();
    }
    x.line(decl);
    x.line("<!DOCTYPE Inventory PUBLIC \"Inventory\" \"http://www.managesoft.com/inventory.dtd\">");
    x.open("Inventory")
        .a("Tracker", root.tracker)
        .a("Audience", root.audience)
        .a("Scope", root.scope)
        .a("MachineName", root.machine)
        .a(
            if root.username_variant {
                "Username"
            } else {
                "UserName"
            },
            root.user,
        )
        .a("Hardware", BOOL[usize::from(root.hardware)])
        .a("Software", BOOL[usize::from(root.software)]);
    if let Some(sp) = root.service_providers {
        x.a("ServiceProviders", BOOL[usize::from(sp)]);
    }
    x.a("DateTime", &util::stamp(root.datetime))
        .a("Type", "Full");
    if let Some(id) = root.agent_id {
        x.a("AgentID", id);
    }
    x.start();
}

/// The declaration every agent-written file starts with.
pub(crate) const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// Document style of a plan.
pub(crate) fn style_of(plan: &Plan) -> Style {
    let mut style = if plan.third_party {
        Style::FLAT
    } else {
        Style::AGENT
    };
    if plan.crlf {
        style.nl = "\r\n";
    }
    style
}

/// Embedded content: a large archive when the plan says so, small middleware scans on some
/// servers.
pub(crate) fn content_section(x: &mut Xml, rng: &mut Rng8, plan: &Plan, server: bool, os: &str) {
    if let Some(size) = plan.blob {
        let data = archive_bytes(rng, size);
        let name = *util::pick(
            rng,
            &[
                "OracleMiddlewareHome.zip",
                "oracle_inventory.zip",
                "WebSphere_profiles.zip",
                "SAP_BusinessObjects_config.zip",
            ],
        );
        write_content(x, name, &data, chance(rng, 0.5));
    } else if server && !plan.third_party && chance(rng, if os == "windows" { 0.04 } else { 0.2 }) {
        let size = util::loguniform(rng, 4_000.0, 120_000.0) as usize;
        let data = archive_bytes(rng, size);
        let name = if os == "windows" {
            "C:\\app\\oracle\\product\\19.0.0\\dbhome_1\\inventory\\ContentsXML\\comps.zip"
        } else {
            "/u01/app/oraInventory/ContentsXML/inventory.zip"
        };
        write_content(x, name, &data, chance(rng, 0.5));
    }
}
