//! Windows device inventories: WMI hardware classes, MSI/ARP installers, `.exe` file evidence.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::ctx::{Corpus, Org, Person};
use crate::inventory::{self, FileVer, Opts, Plan, Written};
use crate::pools::hardware::models::{HardwareKind, HardwareModel};
use crate::pools::hardware::{components, models, processors};
use crate::pools::organisation::sites::Site;
use crate::pools::software::{
    Evidence, MICROSOFT, Product, hardware_vendor, long_tail, management_agents, office, quirky,
    windows_bundles,
};
use crate::pools::windows::{installer_files, system_files};
use crate::util::{self, DAY, Rng8, chance, pick};
use crate::xml::Xml;

/// A directory of system files: path, `(file, description)` list, share of files present.
type SysDir<'a> = (&'a str, &'a [(&'a str, &'a str)], f64);

/// A Windows release.
pub(crate) struct WinOs {
    pub caption: &'static str,
    pub edition: &'static str,
    pub version: &'static str,
    pub build: u32,
    pub ubr: (u32, u32),
    pub display: &'static str,
    pub sku: u32,
    pub server: bool,
    /// `ProductName` in the registry (Windows 11 famously still says "Windows 10").
    pub reg_name: &'static str,
    pub weight: u32,
}

#[allow(clippy::too_many_arguments)]
const fn os(
    caption: &'static str,
    edition: &'static str,
    version: &'static str,
    build: u32,
    ubr: (u32, u32),
    display: &'static str,
    sku: u32,
    server: bool,
    reg_name: &'static str,
    weight: u32,
) -> WinOs {
    WinOs {
        caption,
        edition,
        version,
        build,
        ubr,
        display,
        sku,
        server,
        reg_name,
        weight,
    }
}

#[rustfmt::skip]
static WIN_OS: &[WinOs] = &[
    os("Microsoft Windows 11 Enterprise", "Enterprise", "10.0.22631", 22631, (2861, 4460), "23H2", 4, false, "Windows 10 Enterprise", 30),
    os("Microsoft Windows 11 Enterprise", "Enterprise", "10.0.26100", 26100, (1742, 2314), "24H2", 4, false, "Windows 10 Enterprise", 8),
    os("Microsoft Windows 10 Enterprise", "Enterprise", "10.0.19045", 19045, (3803, 5131), "22H2", 4, false, "Windows 10 Enterprise", 35),
    os("Microsoft Windows 11 Pro", "Professional", "10.0.22631", 22631, (2861, 4460), "23H2", 48, false, "Windows 10 Pro", 8),
    os("Microsoft Windows 10 Pro", "Professional", "10.0.19045", 19045, (3803, 5131), "22H2", 48, false, "Windows 10 Pro", 10),
    os("Microsoft Windows 10 Enterprise LTSC", "EnterpriseS", "10.0.17763", 17763, (4737, 6532), "1809", 125, false, "Windows 10 Enterprise LTSC 2019", 4),
    os("Microsoft Windows 10 Enterprise", "Enterprise", "10.0.19044", 19044, (2965, 3570), "21H2", 4, false, "Windows 10 Enterprise", 5),
    os("Microsoft Windows Server 2022 Standard", "ServerStandard", "10.0.20348", 20348, (2227, 2849), "21H2", 7, true, "Windows Server 2022 Standard", 30),
    os("Microsoft Windows Server 2022 Datacenter", "ServerDatacenter", "10.0.20348", 20348, (2227, 2849), "21H2", 8, true, "Windows Server 2022 Datacenter", 15),
    os("Microsoft Windows Server 2019 Standard", "ServerStandard", "10.0.17763", 17763, (4737, 6532), "1809", 7, true, "Windows Server 2019 Standard", 25),
    os("Microsoft Windows Server 2019 Datacenter", "ServerDatacenter", "10.0.17763", 17763, (4737, 6532), "1809", 8, true, "Windows Server 2019 Datacenter", 10),
    os("Microsoft Windows Server 2016 Standard", "ServerStandard", "10.0.14393", 14393, (5850, 7515), "1607", 7, true, "Windows Server 2016 Standard", 12),
    os("Microsoft Windows Server 2012 R2 Standard", "ServerStandard", "6.3.9600", 9600, (20000, 21620), "", 7, true, "Windows Server 2012 R2 Standard", 5),
    os("Microsoft Windows Server 2025 Standard", "ServerStandard", "10.0.26100", 26100, (1742, 2314), "24H2", 7, true, "Windows Server 2025 Standard", 3),
];

/// A Windows computer.
pub(crate) struct WinDevice<'c> {
    pub org: &'c Org,
    pub site: &'static Site,
    pub host: String,
    pub server: bool,
    pub os: &'static WinOs,
    pub ubr: u32,
    pub hw: &'static HardwareModel,
    pub vendor: &'static str,
    pub model: &'static str,
    pub serial: String,
    pub uuid: String,
    pub bios_ver: &'static str,
    pub bios_date: i64,
    pub cpu: &'static processors::Processor,
    pub sockets: u32,
    pub vm_cores: u32,
    pub mem_mb: u64,
    pub users: Vec<Person>,
    pub os_install: i64,
    pub boot: i64,
    pub now: i64,
    pub agent: usize,
    pub asset_tag: String,
}

impl WinDevice<'_> {
    pub fn logical_cpus(&self) -> u32 {
        if self.is_vm() {
            self.sockets * self.vm_cores
        } else {
            self.sockets * self.cpu.threads
        }
    }

    pub fn is_vm(&self) -> bool {
        matches!(
            self.hw.kind,
            HardwareKind::VmVmware | HardwareKind::VmHyperV
        )
    }

    fn file_build(&self) -> String {
        if self.os.build == 9600 {
            "6.3.9600".to_string()
        } else {
            format!("10.0.{}", self.os.build)
        }
    }
}

/// Chooses a Windows device.
pub(crate) fn device<'c>(
    ctx: &'c Corpus,
    rng: &mut Rng8,
    index: usize,
    non_ascii: bool,
    junk_serial: bool,
) -> WinDevice<'c> {
    let org = &ctx.orgs[ctx.pick_org(rng)];
    let site = *pick(rng, &org.sites);
    let server = chance(rng, 0.22);
    let candidates: Vec<&WinOs> = WIN_OS.iter().filter(|o| o.server == server).collect();
    let weights: Vec<u32> = candidates.iter().map(|o| o.weight).collect();
    let os = candidates[util::weighted(rng, &weights)];
    let ubr = rng.random_range(os.ubr.0..=os.ubr.1);
    let hw: &'static HardwareModel = if server {
        if chance(rng, 0.75) {
            if chance(rng, 0.85) {
                &models::VIRTUAL_MACHINES[rng.random_range(0..3)]
            } else {
                &models::VIRTUAL_MACHINES[3]
            }
        } else {
            pick(rng, models::SERVERS)
        }
    } else if chance(rng, 0.12) {
        &models::VIRTUAL_MACHINES[rng.random_range(0..4)]
    } else {
        pick(rng, models::WORKSTATIONS)
    };
    let uuid_bytes: [u8; 16] = rng.random();
    let uuid = uuid_string(&uuid_bytes);
    let (vendor, model, serial) = if junk_serial && !matches!(hw.kind, HardwareKind::VmVmware) {
        let junk = *pick(
            rng,
            &[
                "To Be Filled By O.E.M.",
                "System Serial Number",
                "Default string",
                "0",
                "",
                "0123456789",
            ],
        );
        (
            "System manufacturer",
            "System Product Name",
            junk.to_string(),
        )
    } else {
        (hw.vendor, hw.model, serial_for(rng, hw, &uuid_bytes))
    };
    let cpu = match hw.kind {
        HardwareKind::Laptop | HardwareKind::Desktop => pick(rng, processors::CLIENT_PROCESSORS),
        _ => pick(rng, processors::SERVER_PROCESSORS),
    };
    let (sockets, vm_cores) = match hw.kind {
        HardwareKind::Laptop | HardwareKind::Desktop => (1, cpu.cores),
        HardwareKind::Server => (if chance(rng, 0.8) { 2 } else { 1 }, cpu.cores),
        HardwareKind::VmVmware | HardwareKind::VmHyperV => {
            let vcpus = *pick(rng, &[2u32, 2, 4, 4, 4, 8, 8, 16]);
            if chance(rng, 0.6) {
                (vcpus, 1)
            } else {
                (1, vcpus)
            }
        }
    };
    let mem_gb: u64 = match hw.kind {
        HardwareKind::Laptop | HardwareKind::Desktop => *pick(rng, &[8, 16, 16, 16, 32, 32, 64]),
        HardwareKind::Server => *pick(rng, &[64, 128, 256, 384, 512]),
        _ if server => *pick(rng, &[4, 8, 8, 16, 16, 32, 64]),
        _ => *pick(rng, &[4, 8, 8, 16]),
    };
    let n_users = if server {
        rng.random_range(2..9)
    } else {
        *pick(rng, &[1usize, 1, 1, 2, 2, 3, 4])
    };
    let users = (0..n_users)
        .map(|k| ctx.person(rng, org, non_ascii && k == 0))
        .collect();
    let uid = ctx.uid(index);
    let code = site.code;
    let host = if !server && chance(rng, 0.12) {
        format!("DESKTOP-{}", ctx.uid36(index))
    } else {
        let ty = if server {
            *pick(
                rng,
                &["SRV", "APP", "SQL", "WEB", "FS", "PRT", "CTX", "RDS"],
            )
        } else {
            match hw.kind {
                HardwareKind::Laptop => "LT",
                HardwareKind::Desktop => "WKS",
                _ => "VDI",
            }
        };
        match org.host_scheme {
            0 => format!("{code}-{ty}-{uid}"),
            1 => format!("{code}{ty}{uid}"),
            _ => format!("{ty}{uid}"),
        }
    };
    let now = ctx.stamp(rng);
    let os_install = now - rng.random_range(20..1500) * DAY - rng.random_range(0..DAY);
    let boot = now - rng.random_range(0..20 * DAY);
    let bios_date = now - rng.random_range(90..1200) * DAY;
    let bios_date = bios_date - bios_date.rem_euclid(DAY);
    let agent = util::weighted(rng, &org.agent_weights);
    let asset_tag = if chance(rng, 0.5) {
        format!(
            "{}{}",
            org.short.to_uppercase(),
            rng.random_range(100_000..999_999)
        )
    } else {
        String::new()
    };
    WinDevice {
        org,
        site,
        host,
        server,
        os,
        ubr,
        hw,
        vendor,
        model,
        serial,
        uuid,
        bios_ver: util::pick_str(rng, hw.bios),
        bios_date,
        cpu,
        sockets,
        vm_cores,
        mem_mb: mem_gb * 1024,
        users,
        os_install,
        boot,
        now,
        agent,
        asset_tag,
    }
}

/// Writes one Windows inventory according to `plan`: a device drawn for `index`, then its
/// document.
pub(crate) fn write(ctx: &Corpus, rng: &mut Rng8, index: usize, plan: &Plan) -> Written {
    let d = device(ctx, rng, index, plan.non_ascii, plan.junk_serial);
    let agent_id = if plan.agent_id > 0 {
        Some(util::random_hex(rng, 64, false))
    } else {
        None
    };
    write_device(ctx, rng, d, plan, agent_id)
}

/// Writes the inventory document of device `d` according to `plan`. `agent_id` is written as
/// the root attribute (`plan.agent_id == 1`) or as a computer-system property (`== 2`).
pub(crate) fn write_device(
    ctx: &Corpus,
    rng: &mut Rng8,
    d: WinDevice<'_>,
    plan: &Plan,
    agent_id: Option<String>,
) -> Written {
    let mut opts = Opts {
        quirks: plan.quirks,
        ..Opts::default()
    };
    if plan.agent_id == 2 {
        opts.agent_id_property.clone_from(&agent_id);
    }
    let with_software = !plan.hardware_only;
    let with_hardware = !plan.audience_user;
    let mut installed = if with_software {
        software(&d, rng, &mut opts)
    } else {
        Vec::new()
    };
    if plan.audience_user {
        // A per-user inventory only lists what the user installed.
        installed.retain(|i| i.evidence == Evidence::Arp);
        installed.truncate(rng.random_range(3..15));
        for i in &mut installed {
            i.files.clear();
        }
    }
    let n_inst = inventory::installer_count(&installed);
    let control_at = if plan.control && n_inst > 0 && with_software {
        Some(rng.random_range(0..n_inst))
    } else {
        if plan.control {
            opts.control_in_hardware = true;
        }
        None
    };

    let (user, audience) = if plan.audience_user {
        let login = d.users.first().map_or("user", |u| u.login.as_str());
        (login.to_string(), "User")
    } else {
        ("SYSTEM".to_string(), "Machine")
    };
    let tracker = if plan.third_party {
        *util::pick(rng, &["16.0", "13.0", "12.0.0"])
    } else {
        management_agents::TRACKER_VERSION_OF_AGENT[d.agent]
    };
    let mut x = Xml::new(
        plan.target + plan.blob.unwrap_or(0) * 4 / 3 + 65_536,
        inventory::style_of(plan),
    );
    inventory::open_inventory(
        &mut x,
        plan.bom,
        inventory::DECL,
        &inventory::Root {
            tracker,
            audience,
            scope: d.org.dns,
            machine: &d.host,
            user: &user,
            username_variant: plan.username_variant,
            hardware: with_hardware,
            software: with_software,
            service_providers: if plan.omit_service_providers || plan.third_party {
                None
            } else {
                Some(false)
            },
            datetime: d.now,
            agent_id: if plan.agent_id == 1 {
                agent_id.as_deref()
            } else {
                None
            },
        },
    );
    if with_hardware {
        hardware(&mut x, &d, rng, &opts);
    }
    if with_software {
        inventory::write_software(&mut x, &installed, control_at);
        if !plan.third_party && !plan.audience_user {
            files(&mut x, ctx, &d, &installed, rng, plan.target);
        }
    }
    inventory::content_section(&mut x, rng, plan, d.server, "windows");
    x.end("Inventory");
    Written {
        doc: x.buf,
        user,
        host: d.host,
        stamp: d.now,
    }
}

/// `4C3B1A42-6E5D-807F-91A2-B3C4D5E6F708` from raw SMBIOS bytes (first three groups little-endian).
fn uuid_string(b: &[u8; 16]) -> String {
    format!(
        "{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
        b[3],
        b[2],
        b[1],
        b[0],
        b[5],
        b[4],
        b[7],
        b[6],
        b[8],
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    )
}

/// Serial numbers in each vendor's format. VMware guests report `VMware-` and the raw UUID bytes.
pub(crate) fn serial_for(rng: &mut Rng8, hw: &HardwareModel, uuid: &[u8; 16]) -> String {
    match hw.kind {
        HardwareKind::VmVmware => {
            let mut s = String::from("VMware-");
            for (i, byte) in uuid.iter().enumerate() {
                if i == 8 {
                    s.push('-');
                } else if i > 0 {
                    s.push(' ');
                }
                s.push_str(&format!("{byte:02x}"));
            }
            s
        }
        HardwareKind::VmHyperV => {
            let d = util::random_from(rng, util::DIGITS, 30);
            format!(
                "{}-{}-{}-{}-{}-{}-{}",
                &d[0..4],
                &d[4..8],
                &d[8..12],
                &d[12..16],
                &d[16..20],
                &d[20..24],
                &d[24..26]
            )
        }
        _ => match hw.vendor {
            "Dell Inc." => util::random_from(rng, util::ALNUM_UPPER, 7),
            "HP" => format!("5CG{}", util::random_from(rng, util::ALNUM_UPPER, 7)),
            "HPE" => format!("CZJ{}", util::random_from(rng, util::ALNUM_UPPER, 7)),
            "LENOVO" | "Lenovo" => format!("PF{}", util::random_from(rng, util::ALNUM_UPPER, 6)),
            "Microsoft Corporation" => util::random_from(rng, util::DIGITS, 12),
            _ => format!("WZP{}", util::random_from(rng, util::ALNUM_UPPER, 8)),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Hardware.

fn mac(rng: &mut Rng8, oui: &str) -> String {
    let b: [u8; 3] = rng.random();
    format!("{oui}:{:02X}:{:02X}:{:02X}", b[0], b[1], b[2])
}

/// Writes the `<Hardware>` section.
pub(crate) fn hardware(x: &mut Xml, d: &WinDevice<'_>, rng: &mut Rng8, opts: &Opts) {
    let tz = d.site.utc_offset_minutes;
    let wmi = |t: i64| util::wmi_datetime(t, tz);
    x.open("Hardware").start();

    x.class("Win32_BIOS");
    x.instance(None);
    x.prop("Manufacturer", bios_vendor(d));
    x.prop("Name", d.bios_ver);
    x.prop("ReleaseDate", &wmi(d.bios_date));
    x.prop("SerialNumber", &d.serial);
    let mut bios_version = d.bios_ver.to_string();
    if opts.control_in_hardware {
        bios_version.insert(bios_version.len() / 2, '\u{3}');
    }
    x.prop("SMBIOSBIOSVersion", &bios_version);
    x.prop("SMBIOSMajorVersion", "3");
    x.prop("SMBIOSMinorVersion", if d.is_vm() { "1" } else { "4" });
    x.prop("SMBIOSPresent", "True");
    x.prop("Version", &bios_version_string(d));
    x.end("Instance");
    x.end("Class");

    x.class("Win32_ComputerSystem");
    x.instance(None);
    x.prop("AdminPasswordStatus", if d.is_vm() { "3" } else { "1" });
    x.prop("BootupState", "Normal boot");
    x.prop("Caption", &d.host);
    x.prop("Domain", d.org.dns);
    x.prop("DomainRole", if d.server { "3" } else { "1" });
    x.prop(
        "HypervisorPresent",
        if d.is_vm() { "True" } else { "False" },
    );
    x.prop("Manufacturer", d.vendor);
    x.prop("Model", d.model);
    x.prop("Name", &d.host);
    x.propn("NumberOfLogicalProcessors", d.logical_cpus());
    x.propn("NumberOfProcessors", d.sockets);
    x.prop("PartOfDomain", "True");
    x.prop("PCSystemType", wmi_system_types(d.hw.kind).0);
    x.prop("PrimaryOwnerName", d.org.company);
    if !d.hw.family.is_empty() {
        x.prop("SystemFamily", d.hw.family);
    }
    x.prop("SystemType", "x64-based PC");
    let total_mem = d.mem_mb * 1024 * 1024 - rng.random_range(200..900) * 1024 * 1024;
    x.propn("TotalPhysicalMemory", total_mem);
    if !d.server
        && let Some(u) = d.users.first()
    {
        x.prop("UserName", &format!("{}\\{}", d.org.netbios, u.login));
    }
    if let Some(id) = &opts.agent_id_property {
        x.prop("AgentID", id);
    }
    x.end("Instance");
    x.end("Class");

    x.class("Win32_ComputerSystemProduct");
    x.instance(None);
    x.prop("Caption", "Computer System Product");
    x.prop("Description", "Computer System Product");
    x.prop("IdentifyingNumber", &d.serial);
    x.prop("Name", d.model);
    x.prop("UUID", &d.uuid);
    x.prop("Vendor", d.vendor);
    x.prop("Version", d.hw.product_version);
    x.end("Instance");
    x.end("Class");

    x.class("Win32_SystemEnclosure");
    x.instance(None);
    x.prop("ChassisTypes", wmi_system_types(d.hw.kind).1);
    x.prop("Manufacturer", d.vendor);
    x.prop("SerialNumber", &d.serial);
    x.prop("SMBIOSAssetTag", &d.asset_tag);
    x.end("Instance");
    x.end("Class");

    x.class("Win32_OperatingSystem");
    x.instance(None);
    x.prop("BootDevice", "\\Device\\HarddiskVolume1");
    x.propn("BuildNumber", d.os.build);
    x.prop("Caption", d.os.caption);
    x.prop(
        "CodeSet",
        if d.site.language_id == 1041 {
            "932"
        } else {
            "1252"
        },
    );
    x.prop("CountryCode", d.site.country);
    x.prop("CSName", &d.host);
    x.propn("CurrentTimeZone", d.site.utc_offset_minutes);
    let visible_kb = d.mem_mb * 1024 - 300 * 1024;
    x.propn(
        "FreePhysicalMemory",
        visible_kb * rng.random_range(15..70) / 100,
    );
    x.prop("InstallDate", &wmi(d.os_install));
    x.prop("LastBootUpTime", &wmi(d.boot));
    x.prop("Locale", d.site.locale);
    x.prop("Manufacturer", MICROSOFT);
    x.prop(
        "Name",
        &format!(
            "{}|C:\\WINDOWS|\\Device\\Harddisk0\\Partition{}",
            d.os.caption,
            if d.is_vm() { 2 } else { 3 }
        ),
    );
    x.propn("OperatingSystemSKU", d.os.sku);
    x.prop("Organization", d.org.company);
    x.prop("OSArchitecture", "64-bit");
    x.propn("OSLanguage", d.site.language_id);
    x.prop("OSProductSuite", if d.server { "272" } else { "256" });
    x.prop("OSType", "18");
    x.prop("ProductType", if d.server { "3" } else { "1" });
    x.prop("RegisteredUser", &format!("{} IT", d.org.short));
    x.prop(
        "SerialNumber",
        &format!(
            "00{}-{}-{}-AA{}",
            rng.random_range(326..380),
            rng.random_range(10000..99999),
            rng.random_range(10000..99999),
            rng.random_range(100..999)
        ),
    );
    x.prop("ServicePackMajorVersion", "0");
    x.prop("SystemDirectory", "C:\\WINDOWS\\system32");
    x.prop("SystemDrive", "C:");
    x.propn("TotalVirtualMemorySize", visible_kb + 4 * 1024 * 1024);
    x.propn("TotalVisibleMemorySize", visible_kb);
    x.prop("Version", d.os.version);
    x.prop("WindowsDirectory", "C:\\WINDOWS");
    x.end("Instance");
    x.end("Class");

    x.class("Win32_Processor");
    for s in 0..d.sockets {
        x.instance(None);
        let (cores, threads) = if d.is_vm() {
            (d.vm_cores, d.vm_cores)
        } else {
            (d.cpu.cores, d.cpu.threads)
        };
        x.prop("AddressWidth", "64");
        x.prop("Architecture", "9");
        x.prop("Caption", d.cpu.caption);
        x.propn(
            "CurrentClockSpeed",
            d.cpu.max_clock_mhz - rng.random_range(0..d.cpu.max_clock_mhz / 3),
        );
        x.prop("DataWidth", "64");
        x.prop("Description", d.cpu.caption);
        x.prop("DeviceID", &format!("CPU{s}"));
        x.prop(
            "Family",
            if d.cpu.maker == "AuthenticAMD" {
                "107"
            } else {
                "198"
            },
        );
        x.propn("L2CacheSize", d.cpu.l2_cache_kb);
        x.propn("L3CacheSize", d.cpu.l3_cache_kb);
        x.prop("Manufacturer", d.cpu.maker);
        x.propn("MaxClockSpeed", d.cpu.max_clock_mhz);
        x.prop("Name", d.cpu.name);
        x.propn("NumberOfCores", cores);
        x.propn("NumberOfEnabledCore", cores);
        x.propn("NumberOfLogicalProcessors", threads);
        x.prop("ProcessorId", d.cpu.processor_id);
        x.prop("ProcessorType", "3");
        let socket = match d.hw.kind {
            HardwareKind::VmVmware => format!("CPU #{s:03}"),
            HardwareKind::VmHyperV => "None".to_string(),
            HardwareKind::Server => format!("CPU{}", s + 1),
            _ => "U3E1".to_string(),
        };
        x.prop("SocketDesignation", &socket);
        x.prop("Status", "OK");
        x.propn("ThreadCount", threads);
        x.prop(
            "VirtualizationFirmwareEnabled",
            if d.is_vm() { "False" } else { "True" },
        );
        x.end("Instance");
    }
    x.end("Class");

    memory(x, d, rng);
    disks(x, d, rng);
    network(x, d, rng);
    video(x, d);
    login_profiles(x, d, rng);
    registry(x, d, rng, opts);
    if d.server && opts.sql_server.is_some() {
        sql_server(x, d, opts);
    }
    x.end("Hardware");
}

/// The WMI codes of a hardware kind: `Win32_ComputerSystem.PCSystemType` (1 desktop,
/// 2 mobile, 4 enterprise server) and `Win32_SystemEnclosure.ChassisTypes` (35 mini PC,
/// 10 notebook, 23 rack mount; 1 "other" for virtual machines).
fn wmi_system_types(kind: HardwareKind) -> (&'static str, &'static str) {
    match kind {
        HardwareKind::Laptop => ("2", "10"),
        HardwareKind::Desktop => ("1", "35"),
        HardwareKind::Server => ("4", "23"),
        HardwareKind::VmVmware | HardwareKind::VmHyperV => ("1", "1"),
    }
}

fn bios_vendor(d: &WinDevice<'_>) -> &'static str {
    match d.hw.kind {
        HardwareKind::VmVmware => "VMware, Inc.",
        HardwareKind::VmHyperV => "Microsoft Corporation",
        _ => match d.hw.vendor {
            "LENOVO" | "Lenovo" => "LENOVO",
            "HP" => "HP",
            "HPE" => "HPE",
            "Dell Inc." => "Dell Inc.",
            "Microsoft Corporation" => "Microsoft Corporation",
            _ => "American Megatrends Inc.",
        },
    }
}

fn bios_version_string(d: &WinDevice<'_>) -> String {
    match d.hw.kind {
        HardwareKind::VmVmware => "INTEL  - 6040000".to_string(),
        HardwareKind::VmHyperV => "VRTUAL - 1".to_string(),
        _ => match d.hw.vendor {
            "Dell Inc." => "DELL   - 1072009".to_string(),
            "HP" | "HPE" => "HPQOEM - 0".to_string(),
            "LENOVO" | "Lenovo" => "LENOVO - 1620".to_string(),
            _ => "ALASKA - 1072009".to_string(),
        },
    }
}

fn memory(x: &mut Xml, d: &WinDevice<'_>, rng: &mut Rng8) {
    x.class("Win32_PhysicalMemory");
    let (n, vendor_part) = match d.hw.kind {
        HardwareKind::VmVmware | HardwareKind::VmHyperV => (1u64, None),
        HardwareKind::Server => (
            (d.mem_mb / 32768).clamp(2, 16),
            Some(components::MEMORY_MODULES[rng.random_range(4..6)]),
        ),
        _ => (
            if d.mem_mb >= 16384 { 2 } else { 1 },
            Some(components::MEMORY_MODULES[rng.random_range(0..4)]),
        ),
    };
    for i in 0..n {
        x.instance(None);
        x.prop("BankLabel", &format!("BANK {i}"));
        x.propn("Capacity", d.mem_mb / n * 1024 * 1024);
        match vendor_part {
            Some((vendor, part)) => {
                x.prop("ConfiguredClockSpeed", "3200");
                x.prop(
                    "DeviceLocator",
                    &format!("DIMM {}", (b'A' + i as u8) as char),
                );
                x.prop("FormFactor", if d.server { "8" } else { "12" });
                x.prop("Manufacturer", vendor);
                x.prop("PartNumber", part);
                x.prop("SerialNumber", &util::random_hex(rng, 8, true));
                x.prop("Speed", "3200");
                x.prop("SMBIOSMemoryType", "26");
            }
            None => {
                x.prop("DeviceLocator", "RAM slot #0");
                x.prop(
                    "Manufacturer",
                    if d.hw.kind == HardwareKind::VmVmware {
                        "VMware Virtual RAM"
                    } else {
                        "Microsoft Corporation"
                    },
                );
                x.prop("FormFactor", "0");
                x.prop("SMBIOSMemoryType", "7");
            }
        }
        x.end("Instance");
    }
    x.end("Class");
}

fn disks(x: &mut Xml, d: &WinDevice<'_>, rng: &mut Rng8) {
    let disk_gb: u64 = if d.server {
        *pick(rng, &[80, 100, 120, 200, 500])
    } else {
        *pick(rng, &[256, 512, 512, 1024])
    };
    x.class("Win32_DiskDrive");
    x.instance(None);
    let model = match d.hw.kind {
        HardwareKind::VmVmware => "VMware Virtual disk SCSI Disk Device",
        HardwareKind::VmHyperV => "Microsoft Virtual Disk",
        HardwareKind::Server => "DELL PERC H740P Mini SCSI Disk Device",
        _ => pick(rng, components::PHYSICAL_DISKS),
    };
    x.prop("Caption", model);
    x.prop("DeviceID", "\\\\.\\PHYSICALDRIVE0");
    x.prop("InterfaceType", "SCSI");
    x.prop("MediaType", "Fixed hard disk media");
    x.prop("Model", model);
    x.prop("Partitions", if d.is_vm() { "3" } else { "4" });
    if !d.is_vm() {
        x.prop(
            "SerialNumber",
            &format!("{}_", util::random_hex(rng, 16, true)),
        );
    }
    x.propn("Size", disk_gb * 1_000_204_886);
    x.end("Instance");
    x.end("Class");

    x.class("Win32_LogicalDisk");
    let mut drives: Vec<(&str, u64)> = vec![("C:", disk_gb)];
    if d.server && chance(rng, 0.6) {
        drives.push(("D:", *pick(rng, &[100u64, 200, 500, 1000, 2000])));
    }
    for (letter, size_gb) in drives {
        x.instance(Some(letter));
        let size = size_gb * 1_073_741_824 - rng.random_range(1..500) * 1_048_576;
        x.prop("Caption", letter);
        x.prop("Description", "Local Fixed Disk");
        x.prop("DeviceID", letter);
        x.prop("DriveType", "3");
        x.prop("FileSystem", "NTFS");
        x.propn("FreeSpace", size / 100 * rng.random_range(5..80));
        x.prop("MediaType", "12");
        x.propn("Size", size);
        x.prop(
            "VolumeName",
            if letter == "C:" {
                if d.server { "" } else { "Windows" }
            } else {
                "Data"
            },
        );
        x.prop("VolumeSerialNumber", &util::random_hex(rng, 8, true));
        x.end("Instance");
    }
    if !d.server {
        let n_net = rng.random_range(0..4);
        for k in 0..n_net {
            let letter = ["H:", "S:", "P:", "M:"][k];
            x.instance(Some(letter));
            x.prop("Caption", letter);
            x.prop("Description", "Network Connection");
            x.prop("DeviceID", letter);
            x.prop("DriveType", "4");
            x.prop("FileSystem", "NTFS");
            let share = ["home$", "shared", "projects", "marketing"][k];
            let server = format!("{}-FS-01", d.site.code);
            let provider = if k == 0 {
                match d.users.first() {
                    Some(u) => format!("\\\\{server}\\{share}\\{}", u.login),
                    None => format!("\\\\{server}\\{share}"),
                }
            } else {
                format!("\\\\{server}\\{share}")
            };
            x.prop("ProviderName", &provider);
            x.propn("Size", rng.random_range(1u64..20) * 1_099_511_627_776);
            x.end("Instance");
        }
    }
    x.end("Class");
}

fn network(x: &mut Xml, d: &WinDevice<'_>, rng: &mut Rng8) {
    x.class("Win32_NetworkAdapterConfiguration");
    let mut adapters: Vec<(&str, &str, Option<&str>)> = Vec::new(); // description, service, OUI if IP
    match d.hw.kind {
        HardwareKind::VmVmware => {
            adapters.push(("vmxnet3 Ethernet Adapter", "vmxnet3ndis6", Some("00:50:56")))
        }
        HardwareKind::VmHyperV => adapters.push((
            "Microsoft Hyper-V Network Adapter",
            "netvsc",
            Some("00:15:5D"),
        )),
        HardwareKind::Server => {
            adapters.push((
                "Broadcom NetXtreme Gigabit Ethernet",
                "b57nd60a",
                Some("B0:26:28"),
            ));
            adapters.push(("Broadcom NetXtreme Gigabit Ethernet #2", "b57nd60a", None));
        }
        HardwareKind::Laptop => {
            adapters.push((
                "Intel(R) Ethernet Connection (13) I219-LM",
                "e1dexpress",
                None,
            ));
            adapters.push((
                "Intel(R) Wi-Fi 6 AX201 160MHz",
                "Netwtw10",
                Some("A4:C3:F0"),
            ));
            adapters.push(("Bluetooth Device (Personal Area Network)", "BthPan", None));
            adapters.push(("Microsoft Wi-Fi Direct Virtual Adapter", "vwifimp", None));
            adapters.push(("Microsoft Wi-Fi Direct Virtual Adapter #2", "vwifimp", None));
        }
        HardwareKind::Desktop => adapters.push((
            "Intel(R) Ethernet Connection (17) I219-LM",
            "e1dexpress",
            Some("3C:52:82"),
        )),
    }
    if !d.is_vm() || !d.server {
        for (desc, svc) in components::WINDOWS_MINIPORT_ADAPTERS {
            adapters.push((desc, svc, None));
        }
    }
    if !d.server && chance(rng, 0.35) {
        adapters.push((
            "Cisco AnyConnect Secure Mobility Client Virtual Miniport Adapter for Windows x64",
            "vpnva",
            None,
        ));
    }
    let dhcp = !d.server;
    for (i, (desc, svc, ip_oui)) in adapters.iter().enumerate() {
        x.instance(None);
        let index = i as u32 + 1;
        x.prop("Caption", &format!("[{index:08}] {desc}"));
        x.prop("Description", desc);
        x.prop("Index", &index.to_string());
        x.propn("InterfaceIndex", index + 2 + (i as u32 * 3) % 17);
        x.prop("ServiceName", svc);
        x.prop("SettingID", &util::random_guid(rng, true));
        match ip_oui {
            Some(oui) => {
                let net = rng.random_range(0..=255);
                let host = rng.random_range(2..=254);
                let ip = format!("10.{}.{net}.{host}", rng.random_range(0..=255));
                let ll = format!(
                    "fe80::{:x}:{:x}:{:x}:{:x}",
                    rng.random::<u16>(),
                    rng.random::<u16>(),
                    rng.random::<u16>(),
                    rng.random::<u16>()
                );
                x.prop(
                    "DefaultIPGateway",
                    &format!("{}.1", ip.rsplitn(2, '.').last().unwrap_or("10.0.0")),
                );
                x.prop("DHCPEnabled", if dhcp { "True" } else { "False" });
                if dhcp {
                    x.prop("DHCPServer", "10.0.0.10");
                }
                x.prop("DNSDomain", d.org.dns);
                x.prop("DNSHostName", &d.host);
                x.prop("IPAddress", &format!("{ip},{ll}"));
                x.prop("IPEnabled", "True");
                x.prop("IPSubnet", "255.255.255.0,64");
                x.prop("MACAddress", &mac(rng, oui));
            }
            None => {
                x.prop("DHCPEnabled", "False");
                x.prop("IPEnabled", "False");
                if desc.starts_with("WAN Miniport (IP") || desc.starts_with("WAN Miniport (Network")
                {
                    x.prop("MACAddress", &mac(rng, "D6:0B:20"));
                }
            }
        }
        x.end("Instance");
    }
    x.end("Class");
}

fn video(x: &mut Xml, d: &WinDevice<'_>) {
    x.class("Win32_VideoController");
    x.instance(None);
    let (name, driver, ram) = match d.hw.kind {
        HardwareKind::VmVmware => ("VMware SVGA 3D", "9.17.7.3", "4194304"),
        HardwareKind::VmHyperV => ("Microsoft Hyper-V Video", "10.0.20348.1", "0"),
        HardwareKind::Server => ("Matrox G200eR2", "9.15.1.224", "16777216"),
        _ => (
            "Intel(R) Iris(R) Xe Graphics",
            "31.0.101.4502",
            "1073741824",
        ),
    };
    x.prop("AdapterRAM", ram);
    x.prop("Caption", name);
    x.prop(
        "CurrentHorizontalResolution",
        if d.server { "1024" } else { "1920" },
    );
    x.prop(
        "CurrentVerticalResolution",
        if d.server { "768" } else { "1080" },
    );
    x.prop("DriverVersion", driver);
    x.prop("Name", name);
    x.prop("VideoProcessor", name);
    x.end("Instance");
    x.end("Class");
}

fn login_profiles(x: &mut Xml, d: &WinDevice<'_>, rng: &mut Rng8) {
    x.class("Win32_NetworkLoginProfile");
    for sys in [
        "NT AUTHORITY\\SYSTEM",
        "NT AUTHORITY\\LOCAL SERVICE",
        "NT AUTHORITY\\NETWORK SERVICE",
    ] {
        x.instance(None);
        x.prop("Caption", sys.rsplit('\\').next().unwrap_or(sys));
        x.prop("Name", sys);
        x.end("Instance");
    }
    for u in &d.users {
        x.instance(None);
        let name = format!("{}\\{}", d.org.netbios, u.login);
        x.prop("BadPasswordCount", &rng.random_range(0..3).to_string());
        x.prop("Caption", &u.login);
        x.prop("FullName", &u.full_name());
        x.prop(
            "LastLogon",
            &util::wmi_datetime(
                d.now - rng.random_range(0..30 * DAY),
                d.site.utc_offset_minutes,
            ),
        );
        x.prop("Name", &name);
        x.propn("NumberOfLogons", rng.random_range(1..4000));
        x.prop("Privileges", if d.server { "2" } else { "1" });
        x.prop("UserType", "Normal Account");
        x.end("Instance");
    }
    x.end("Class");
}

fn registry(x: &mut Xml, d: &WinDevice<'_>, rng: &mut Rng8, opts: &Opts) {
    x.class("Win32_Registry");
    x.instance(Some(
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
    ));
    x.propn("CurrentBuild", d.os.build);
    x.propn("CurrentBuildNumber", d.os.build);
    if !d.os.display.is_empty() {
        x.prop("DisplayVersion", d.os.display);
    }
    x.prop("EditionID", d.os.edition);
    x.prop(
        "InstallationType",
        if d.server { "Server" } else { "Client" },
    );
    x.prop("ProductName", d.os.reg_name);
    x.prop("RegisteredOrganization", d.org.company);
    x.prop("RegisteredOwner", &format!("{} IT", d.org.short));
    x.propn("UBR", d.ubr);
    x.end("Instance");
    x.instance(Some(
        "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\TimeZoneInformation",
    ));
    x.prop("TimeZoneKeyName", d.site.time_zone_key);
    x.end("Instance");
    if let Some(v) = &opts.office_c2r_version {
        x.instance(Some(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\ClickToRun\\Configuration",
        ));
        x.prop(
            "CDNBaseUrl",
            "http://officecdn.microsoft.com/pr/7ffbc6bf-bc32-4f92-8982-f9dd17fd3114",
        );
        x.prop("Platform", "x64");
        x.prop("ProductReleaseIds", "O365ProPlusRetail");
        x.prop(
            "UpdateChannel",
            "http://officecdn.microsoft.com/pr/7ffbc6bf-bc32-4f92-8982-f9dd17fd3114",
        );
        x.prop("VersionToReport", v);
        x.end("Instance");
    }
    if chance(rng, 0.5) {
        x.instance(Some(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate",
        ));
        x.prop("WUServer", &format!("https://wsus.{}:8531", d.org.dns));
        x.prop(
            "WUStatusServer",
            &format!("https://wsus.{}:8531", d.org.dns),
        );
        x.end("Instance");
    }
    x.instance(Some(
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\ManageSoft Corp\\ManageSoft\\Common",
    ));
    x.prop(
        "MachineType",
        if d.server { "Server" } else { "Workstation" },
    );
    x.prop(
        "UploadSettings",
        &format!(
            "https://beacon-{}.{}/ManageSoftRL",
            d.site.code.to_lowercase(),
            d.org.dns
        ),
    );
    x.end("Instance");
    x.end("Class");
}

fn sql_server(x: &mut Xml, d: &WinDevice<'_>, opts: &Opts) {
    let Some((version, year)) = &opts.sql_server else {
        return;
    };
    x.class("MGS_SQLServer");
    x.instance(Some("MSSQLSERVER"));
    x.prop("Clustered", "False");
    x.prop("InstanceName", "MSSQLSERVER");
    x.prop(
        "SKUNAME",
        if d.os.sku == 8 {
            "Enterprise Edition: Core-based Licensing (64-bit)"
        } else {
            "Standard Edition (64-bit)"
        },
    );
    x.prop("Version", version);
    x.prop("ProductName", &format!("SQL Server {year}"));
    x.end("Instance");
    x.end("Class");
}

// ---------------------------------------------------------------------------------------------
// Software.

/// Builds the installed software list of a device.
pub(crate) fn software(
    d: &WinDevice<'_>,
    rng: &mut Rng8,
    opts: &mut Opts,
) -> Vec<inventory::Installed> {
    let mut out = Vec::with_capacity(200);
    let now = d.now;
    let install_time = |rng: &mut Rng8| -> i64 {
        if chance(rng, 0.45) {
            d.os_install
        } else {
            let span = (now - d.os_install).max(DAY);
            d.os_install + rng.random_range(0..span)
        }
    };

    // The agent that wrote this file.
    let agent_v = management_agents::FLEXERA_INVENTORY_AGENT.versions[d
        .agent
        .min(management_agents::FLEXERA_INVENTORY_AGENT.versions.len() - 1)];
    push_item(
        &mut out,
        &management_agents::FLEXERA_INVENTORY_AGENT,
        agent_v,
        install_time(rng),
        rng,
    );
    if chance(rng, 0.96) {
        let sec = &management_agents::ENDPOINT_PROTECTION[d.org.security];
        let v = sec.versions[util::skewed_index(rng, sec.versions.len())];
        push_item(&mut out, sec, v, install_time(rng), rng);
    }
    if d.org.configmgr && chance(rng, 0.93) {
        let v = management_agents::CONFIGURATION_MANAGER_CLIENT.versions[util::skewed_index(
            rng,
            management_agents::CONFIGURATION_MANAGER_CLIENT
                .versions
                .len(),
        )];
        push_item(
            &mut out,
            &management_agents::CONFIGURATION_MANAGER_CLIENT,
            v,
            install_time(rng),
            rng,
        );
    }
    match d.hw.kind {
        HardwareKind::VmVmware => {
            let t = &hardware_vendor::VMWARE_TOOLS;
            let v = t.versions[util::skewed_index(rng, t.versions.len())];
            push_item(&mut out, t, v, d.os_install, rng);
        }
        HardwareKind::Laptop | HardwareKind::Desktop => {
            let oem: &[Product] = match d.vendor {
                "Dell Inc." => hardware_vendor::DELL_UTILITIES,
                "HP" => hardware_vendor::HP_UTILITIES,
                "LENOVO" => hardware_vendor::LENOVO_UTILITIES,
                _ => &[],
            };
            for it in oem
                .iter()
                .chain(hardware_vendor::PHYSICAL_DRIVER_PACKAGES.iter())
            {
                if chance(rng, 0.6) {
                    let v = it.versions[util::skewed_index(rng, it.versions.len())];
                    push_item(&mut out, it, v, d.os_install, rng);
                }
            }
        }
        _ => {}
    }

    // Office.
    if chance(rng, if d.server { 0.08 } else { 0.95 }) {
        let t = install_time(rng);
        office(&mut out, d, rng, opts, t);
    }

    for bundle in windows_bundles::WINDOWS_BUNDLES {
        let p = f64::from(if d.server {
            bundle.server_percent
        } else {
            bundle.workstation_percent
        }) / 100.0;
        if !chance(rng, p) {
            continue;
        }
        let max_len = bundle
            .items
            .iter()
            .map(|i| i.versions.len())
            .max()
            .unwrap_or(1);
        let vi = util::skewed_index(rng, max_len);
        let t = install_time(rng);
        for it in bundle.items {
            let v = it.versions[vi.min(it.versions.len() - 1)];
            push_item(&mut out, it, v, t, rng);
            if it.name.starts_with("Microsoft SQL Server 20") && it.name.ends_with("(64-bit)") {
                let year = if it.name.contains("2019") {
                    "2019"
                } else {
                    "2022"
                };
                opts.sql_server = Some((v.to_string(), year.to_string()));
            }
        }
    }

    if opts.quirks {
        for it in quirky::NAMES_NEEDING_ESCAPES {
            if chance(rng, 0.02) {
                push_item(&mut out, it, it.versions[0], install_time(rng), rng);
            }
        }
    }

    // In-house applications of the organisation.
    let n_inhouse = (util::lognormal(rng, 2.0, 0.8) as usize).min(d.org.inhouse.len());
    let mut picks: Vec<usize> = (0..d.org.inhouse.len()).collect();
    picks.shuffle(rng);
    for &k in &picks[..n_inhouse] {
        let (name, version) = &d.org.inhouse[k];
        let dir = format!("C:\\Program Files (x86)\\{}\\{}", d.org.short, name);
        let exe = format!("{}.exe", name.replace(' ', ""));
        let mut inst = inventory::Installed::new(
            name.clone(),
            version.clone(),
            d.org.company.to_string(),
            Evidence::Msi,
        );
        inst.install = Some(install_time(rng));
        inst.files.push(inventory::Dir {
            path: dir,
            files: vec![(exe, name.clone())],
        });
        out.push(inst);
    }

    // Long tail: smaller vendors, printer drivers, plug-ins.
    let median_tail = if d.server { 4.0 } else { 9.0 };
    let n_tail = (util::lognormal(rng, median_tail, 0.9) as usize).min(250);
    for _ in 0..n_tail {
        let (vendor, noun, short) = long_tail_product(rng);
        let name = format!("{short} {noun}");
        if out.iter().any(|i| i.name == name) {
            continue;
        }
        let h = util::hash_strs(&[&name]);
        let version = format!("{}.{}.{}", 1 + h % 12, (h >> 8) % 10, (h >> 16) % 3000);
        let evidence = if h.is_multiple_of(3) {
            Evidence::Arp
        } else {
            Evidence::Msi
        };
        let mut inst =
            inventory::Installed::new(name.clone(), version, vendor.to_string(), evidence);
        inst.install = Some(install_time(rng));
        if h.is_multiple_of(4) {
            let dir = format!(
                "C:\\Program Files{}\\{}\\{}",
                if h.is_multiple_of(8) { " (x86)" } else { "" },
                short,
                noun
            );
            let exe = format!("{}.exe", noun.replace([' ', '-'], "").to_lowercase());
            inst.files.push(inventory::Dir {
                path: dir,
                files: vec![(exe, name)],
            });
        }
        out.push(inst);
    }

    // Windows Installer keeps an icon directory per product.
    for inst in out.iter_mut() {
        if inst.evidence == Evidence::Msi && chance(rng, 0.25) {
            let icon = *pick(rng, installer_files::INSTALLER_ICON_FILES);
            inst.files.push(inventory::Dir {
                path: format!("C:\\Windows\\Installer\\{}", inst.product_code),
                files: vec![(icon.to_string(), String::new())],
            });
        }
    }

    // Per-user installations in profiles.
    for u in d.users.iter().take(if d.server { 2 } else { 4 }) {
        let t = install_time(rng);
        user_profile(&mut out, u, rng, t);
    }
    out
}

fn push_item(out: &mut Vec<inventory::Installed>, it: &Product, v: &str, t: i64, rng: &mut Rng8) {
    let name = it.name.replace("{v}", v);
    let mut inst =
        inventory::Installed::new(name, v.to_string(), it.publisher.to_string(), it.evidence);
    if it.evidence == Evidence::Arp {
        let key = it
            .name
            .split("{v}")
            .next()
            .unwrap_or(it.name)
            .trim()
            .to_string();
        if chance(rng, 0.5) && !key.is_empty() {
            inst.product_code = key;
        }
    }
    inst.install = if it.evidence == Evidence::Arp && chance(rng, 0.12) {
        None
    } else {
        Some(t)
    };
    if !it.dir.is_empty() {
        let base = if it.dir.starts_with("C:\\") {
            it.dir.to_string()
        } else if it.x86 {
            format!("C:\\Program Files (x86)\\{}", it.dir)
        } else {
            format!("C:\\Program Files\\{}", it.dir)
        };
        if it.evidence == Evidence::Arp && chance(rng, 0.4) {
            inst.location = Some(format!("{base}\\"));
        }
        inst.files = inventory::group_exes(&base, it.exes);
    }
    out.push(inst);
}

fn office(
    out: &mut Vec<inventory::Installed>,
    d: &WinDevice<'_>,
    rng: &mut Rng8,
    opts: &mut Opts,
    t: i64,
) {
    if d.org.office_c2r {
        let v = office::CLICK_TO_RUN_VERSIONS
            [util::skewed_index(rng, office::CLICK_TO_RUN_VERSIONS.len())];
        opts.office_c2r_version = Some(v.to_string());
        let mut main = office_entry(
            "Microsoft 365 Apps for enterprise - en-us".to_string(),
            v,
            Evidence::Arp,
            Some("O365ProPlusRetail - en-us".to_string()),
            t,
        );
        main.files = inventory::group_exes(
            "C:\\Program Files\\Microsoft Office\\root\\Office16",
            office::EXECUTABLES,
        );
        main.files.push(inventory::Dir {
            path: "C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun".to_string(),
            files: vec![
                (
                    "OfficeClickToRun.exe".to_string(),
                    "Microsoft Office Click-to-Run (SxS)".to_string(),
                ),
                (
                    "OfficeC2RClient.exe".to_string(),
                    "Microsoft Office Click-to-Run Client".to_string(),
                ),
                (
                    "AppVShNotify.exe".to_string(),
                    "Microsoft Application Virtualization Client Shell Notification".to_string(),
                ),
            ],
        });
        out.push(main);
        out.push(office_entry(
            "Microsoft OneNote - en-us".to_string(),
            v,
            Evidence::Arp,
            Some("OneNoteFreeRetail - en-us".to_string()),
            t,
        ));
        for comp in ["Extensibility", "Localization", "Licensing"] {
            out.push(office_entry(
                format!("Office 16 Click-to-Run {comp} Component"),
                v,
                Evidence::Msi,
                None,
                t,
            ));
        }
        for (p, name, code) in [
            (
                0.08,
                "Microsoft Visio Professional 2021 - en-us",
                "VisioPro2021Volume - en-us",
            ),
            (
                0.06,
                "Microsoft Project Professional 2021 - en-us",
                "ProjectPro2021Volume - en-us",
            ),
        ] {
            if chance(rng, p) {
                out.push(office_entry(
                    name.to_string(),
                    v,
                    Evidence::Arp,
                    Some(code.to_string()),
                    t,
                ));
            }
        }
    } else {
        let v = "16.0.4266.1001";
        for (name, mid) in office::MSI_COMPONENTS {
            out.push(office_entry(
                name.to_string(),
                v,
                Evidence::Msi,
                Some(format!("{{90160000-{mid}-0000000FF1CE}}")),
                t,
            ));
        }
        if let Some(first) = out
            .iter_mut()
            .rev()
            .find(|i| i.name == "Microsoft Office Professional Plus 2016")
        {
            first.files = inventory::group_exes(
                "C:\\Program Files\\Microsoft Office\\Office16",
                office::EXECUTABLES,
            );
        }
        // Patches of an MSI Office show up as separate entries.
        let n_updates = rng.random_range(15..90);
        let products = [
            "Microsoft Office 2016",
            "Microsoft Excel 2016",
            "Microsoft Word 2016",
            "Microsoft Outlook 2016",
            "Microsoft PowerPoint 2016",
            "Skype for Business 2016",
            "Microsoft Access 2016",
            "Microsoft OneNote 2016",
            "Microsoft Publisher 2016",
        ];
        let mut kb = 4_484_000 + rng.random_range(0..2000);
        for _ in 0..n_updates {
            kb += rng.random_range(1..60);
            let product = *pick(rng, &products);
            let kind = if chance(rng, 0.6) {
                "Security Update"
            } else {
                "Update"
            };
            let name = format!("{kind} for {product} (KB{kb}) 64-Bit Edition");
            let installed = t + rng.random_range(0..(d.now - t).max(DAY));
            out.push(office_entry(name, "", Evidence::Msi, None, installed));
        }
    }
}

/// A Microsoft Office entry installed at `t`; `product_code` where Office sets its own
/// rather than the one [`inventory::Installed::new`] derives.
fn office_entry(
    name: String,
    version: &str,
    evidence: Evidence,
    product_code: Option<String>,
    t: i64,
) -> inventory::Installed {
    let mut entry =
        inventory::Installed::new(name, version.to_string(), MICROSOFT.to_string(), evidence);
    if let Some(code) = product_code {
        entry.product_code = code;
    }
    entry.install = Some(t);
    entry
}

fn user_profile(out: &mut Vec<inventory::Installed>, u: &Person, rng: &mut Rng8, t: i64) {
    #[rustfmt::skip]
    const USER_APPS: &[(&str, &str, &str, &str, &str)] = &[
        ("AppData\\Local\\Microsoft\\Teams\\current", "Teams.exe", "Microsoft Teams", "Microsoft Corporation", "1.7.00.13456"),
        ("AppData\\Local\\Programs\\Microsoft VS Code", "Code.exe", "Visual Studio Code", "Microsoft Corporation", "1.95.3"),
        ("AppData\\Roaming\\Zoom\\bin", "Zoom.exe", "Zoom Workplace", "Zoom Video Communications, Inc.", "6.2.11.51205"),
        ("AppData\\Local\\Microsoft\\OneDrive\\24.211.1020.0001", "FileSyncHelper.exe", "Microsoft OneDrive File Sync Helper", "Microsoft Corporation", "24.211.1020.0001"),
        ("AppData\\Local\\GitHubDesktop\\app-3.4.9", "GitHubDesktop.exe", "GitHub Desktop", "GitHub, Inc.", "3.4.9"),
        ("AppData\\Local\\Programs\\Python\\Python312", "python.exe", "Python", "Python Software Foundation", "3.12.7150.1013"),
        ("AppData\\Local\\slack\\app-4.41.97", "slack.exe", "Slack", "Slack Technologies Inc.", "4.41.97"),
        ("AppData\\Local\\Postman\\app-11.19.0", "Postman.exe", "Postman", "Postman, Inc.", "11.19.0"),
        ("AppData\\Local\\WebEx\\WebEx\\Applications", "ptoneclk.exe", "Cisco Webex Meetings", "Cisco Webex LLC", "44.10.2.8"),
        ("AppData\\Local\\Microsoft\\WindowsApps", "winget.exe", "", "", ""),
    ];
    #[rustfmt::skip]
    const DOWNLOADS: &[(&str, &str, &str, &str)] = &[
        ("ChromeSetup.exe", "Google Chrome Installer", "Google LLC", "1.3.36.372"),
        ("ZoomInstallerFull.exe", "Zoom Installer", "Zoom Video Communications, Inc.", "6.2.11.51205"),
        ("npp.8.7.1.Installer.x64.exe", "Notepad++ installer", "Notepad++ Team", "8.7.1"),
        ("7z2408-x64.exe", "7-Zip Installer", "Igor Pavlov", "24.08"),
        ("VSCodeUserSetup-x64-1.95.3.exe", "Visual Studio Code Setup", "Microsoft Corporation", "1.95.3"),
        ("AcroRdrDCx642400420220_en_US.exe", "Adobe Self Extractor", "Adobe Inc.", "24.4.20220.0"),
        ("TeamViewer_Setup_x64.exe", "TeamViewer 15", "TeamViewer Germany GmbH", "15.59.3"),
        ("python-3.12.7-amd64.exe", "Python 3.12.7 (64-bit)", "Python Software Foundation", "3.12.7150.0"),
        ("Git-2.47.0-64-bit.exe", "Git for Windows Setup", "The Git Development Community", "2.47.0"),
        ("putty-64bit-0.81-installer.exe", "", "", ""),
    ];
    let base = format!("C:\\Users\\{}", u.login);
    let n = rng.random_range(0..4);
    let mut idx: Vec<usize> = (0..USER_APPS.len()).collect();
    idx.shuffle(rng);
    for &k in &idx[..n] {
        let (dir, exe, desc, company, version) = USER_APPS[k];
        out.push(file_evidence(
            format!("{base}\\{dir}"),
            exe,
            desc,
            company,
            version,
            t,
        ));
    }
    let n_dl = rng.random_range(0..5);
    if n_dl > 0 {
        let mut dl = Vec::new();
        let mut idx: Vec<usize> = (0..DOWNLOADS.len()).collect();
        idx.shuffle(rng);
        for &k in &idx[..n_dl] {
            dl.push(k);
        }
        for k in dl {
            let (exe, desc, company, version) = DOWNLOADS[k];
            out.push(file_evidence(
                format!("{base}\\Downloads"),
                exe,
                desc,
                company,
                version,
                t,
            ));
        }
    }
}

/// Software known only by one file, `exe` in `dir`, described by its version resource.
fn file_evidence(
    dir: String,
    exe: &str,
    desc: &str,
    company: &str,
    version: &str,
    t: i64,
) -> inventory::Installed {
    let mut inst = inventory::Installed::new(
        desc.to_string(),
        version.to_string(),
        company.to_string(),
        Evidence::Files,
    );
    inst.install = Some(t);
    inst.files.push(inventory::Dir {
        path: dir,
        files: vec![(exe.to_string(), desc.to_string())],
    });
    inst
}

// ---------------------------------------------------------------------------------------------
// Files.

/// Writes the `<Files>` section: installed products' executables, the Windows directories, and
/// then filler (WinSxS components, a local software depot) until `target` bytes are reached.
pub(crate) fn files(
    x: &mut Xml,
    ctx: &Corpus,
    d: &WinDevice<'_>,
    installed: &[inventory::Installed],
    rng: &mut Rng8,
    target: usize,
) {
    x.open("Files").start();
    let patch_base = ctx.base_day - 4;
    inventory::installed_dirs(x, installed, patch_base);

    let fb = d.file_build();
    let sys_ver = |name: &str| -> String {
        let h = util::hash_strs(&[name, &fb]);
        let rev = match h % 3 {
            0 => 1,
            1 => d.ubr,
            _ => d.ubr.saturating_sub((h >> 8) as u32 % 400).max(1),
        };
        format!("{fb}.{rev}")
    };
    let msft = "Microsoft® Windows® Operating System";
    let write_sys = |x: &mut Xml, list: &[(&str, &str)], keep: f64, rng: &mut Rng8| {
        for (name, desc) in list {
            if keep < 1.0 && !chance(rng, keep) {
                continue;
            }
            let v = sys_ver(name);
            inventory::file_entry(
                x,
                name,
                Some(FileVer {
                    version: &v,
                    company: MICROSOFT,
                    description: desc,
                    product: msft,
                    product_version: &v,
                }),
                patch_base,
            );
        }
    };

    // ProgramData: Defender platform.
    let defender_v = *pick(rng, &["4.18.24090.11", "4.18.24080.9", "4.18.24070.5"]);
    x.open("Directory")
        .a(
            "Path",
            &format!("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\{defender_v}-0"),
        )
        .start();
    for (name, desc) in system_files::DEFENDER_FILES {
        inventory::file_entry(
            x,
            name,
            Some(FileVer {
                version: defender_v,
                company: MICROSOFT,
                description: desc,
                product: msft,
                product_version: defender_v,
            }),
            patch_base,
        );
    }
    x.end("Directory");
    for _ in 0..rng.random_range(2..10) {
        if x.len() < target {
            package_cache_dir(x, rng, patch_base);
        }
    }
    if installed.iter().any(|i| i.publisher == "Adobe") {
        x.open("Directory")
            .a("Path", "C:\\ProgramData\\regid.1986-12.com.adobe")
            .start();
        inventory::file_entry(
            x,
            "regid.1986-12.com.adobe_V7{}AcrobatESR-AS1-Win-GM-MUL.swidtag",
            None,
            patch_base,
        );
        x.end("Directory");
    }
    if installed
        .iter()
        .any(|i| i.name.starts_with("Microsoft Office Professional Plus"))
    {
        x.open("Directory")
            .a("Path", "C:\\ProgramData\\regid.1991-06.com.microsoft")
            .start();
        inventory::file_entry(
            x,
            "regid.1991-06.com.microsoft_Office.ProPlus.2016.swidtag",
            None,
            patch_base,
        );
        x.end("Directory");
    }

    // The Windows directories, as long as the size budget allows (always, in realistic sizes).
    let sys_dirs: [SysDir<'_>; 7] = [
        ("C:\\Windows", system_files::WINDOWS_DIRECTORY_FILES, 1.0),
        ("C:\\Windows\\SysWOW64", system_files::SYSTEM32_FILES, 0.55),
        ("C:\\Windows\\System32", system_files::SYSTEM32_FILES, 0.92),
        (
            "C:\\Windows\\System32\\drivers",
            system_files::DRIVER_FILES,
            0.9,
        ),
        (
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
            &[
                ("powershell.exe", "Windows PowerShell"),
                ("powershell_ise.exe", "Windows PowerShell ISE"),
            ],
            1.0,
        ),
        ("C:\\Windows\\System32\\wbem", system_files::WBEM_FILES, 1.0),
        (
            "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319",
            system_files::DOTNET_FRAMEWORK_TOOLS,
            1.0,
        ),
    ];
    for (path, list, keep) in sys_dirs {
        if x.len() >= target {
            break;
        }
        x.open("Directory").a("Path", path).start();
        if path.contains("Microsoft.NET") {
            for (name, desc) in list {
                inventory::file_entry(
                    x,
                    name,
                    Some(FileVer {
                        version: "4.8.9032.0",
                        company: MICROSOFT,
                        description: desc,
                        product: "Microsoft® .NET Framework",
                        product_version: "4.8.9032.0",
                    }),
                    patch_base,
                );
            }
        } else {
            write_sys(x, list, keep, rng);
            if path.ends_with("drivers") && d.hw.kind == HardwareKind::VmVmware {
                write_sys(x, system_files::VMWARE_DRIVER_FILES, 1.0, rng);
            }
        }
        x.end("Directory");
    }

    // WinSxS: the component store holds several revisions of every system file.
    let mut comps: Vec<(usize, usize)> = (0..3)
        .flat_map(|arch| (0..system_files::SYSTEM32_FILES.len()).map(move |c| (arch, c)))
        .collect();
    comps.shuffle(rng);
    let revs_per = 8u32;
    'sxs: for (arch, c) in comps {
        let (name, desc) = system_files::SYSTEM32_FILES[c];
        let stem = name
            .rsplit_once('.')
            .map_or(name, |(s, _)| s)
            .to_lowercase();
        let arch_s = ["amd64", "wow64", "x86"][arch];
        let step = 1 + (util::hash_strs(&[name, arch_s]) % 97) as u32;
        for k in 0..revs_per {
            if x.len() >= target {
                break 'sxs;
            }
            let rev = if k == 0 {
                1
            } else {
                d.ubr.saturating_sub(k * step).max(2 + k)
            };
            let ver = format!("{fb}.{rev}");
            let tag = util::hash_strs(&[arch_s, &stem, &ver]);
            let mut path = String::with_capacity(120);
            path.push_str("C:\\Windows\\WinSxS\\");
            path.push_str(arch_s);
            path.push_str("_microsoft-windows-");
            path.push_str(&stem);
            path.push_str("_31bf3856ad364e35_");
            path.push_str(&ver);
            path.push_str("_none_");
            util::push_hex(&mut path, u128::from(tag), 16, false);
            x.open("Directory").a("Path", &path).start();
            inventory::file_entry(
                x,
                name,
                Some(FileVer {
                    version: &ver,
                    company: MICROSOFT,
                    description: desc,
                    product: msft,
                    product_version: &ver,
                }),
                patch_base,
            );
            x.end("Directory");
        }
    }

    // Beyond that, a software depot on a data drive (unbounded, for large scans).
    let mut n = 0u32;
    while x.len() < target {
        n += 1;
        depot_dir(x, rng, n, patch_base);
    }
    x.end("Files");
}

/// A long-tail vendor, a product noun, and the vendor's short name (its first word, without
/// a trailing dot) that product names start with.
fn long_tail_product(rng: &mut Rng8) -> (&'static str, &'static str, &'static str) {
    let vendor = *pick(rng, long_tail::VENDORS);
    let noun = *pick(rng, long_tail::PRODUCT_NOUNS);
    let short = vendor
        .split([',', ' '])
        .next()
        .unwrap_or(vendor)
        .trim_end_matches('.');
    (vendor, noun, short)
}

/// One directory of a local software depot (`D:\\Sources\\...`), unique per `n`.
pub(crate) fn depot_dir(x: &mut Xml, rng: &mut Rng8, n: u32, patch_base: i64) {
    let (vendor, noun, short) = long_tail_product(rng);
    let version = format!(
        "{}.{}.{}",
        rng.random_range(1..15),
        rng.random_range(0..10),
        n
    );
    let product = format!("{short} {noun}");
    let path = format!("D:\\Sources\\Applications\\{short}\\{noun} {version}\\x64");
    x.open("Directory").a("Path", &path).start();
    let stem: String = noun.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let files = [
        ("setup.exe".to_string(), format!("{product} Setup")),
        (format!("{stem}.exe"), product.clone()),
        (format!("{stem}Svc.exe"), format!("{product} Service")),
        ("uninstall.exe".to_string(), String::new()),
        (format!("{}Updater.exe", stem), format!("{product} Updater")),
    ];
    let k = rng.random_range(1..=files.len());
    let fv = format!("{version}.0");
    for (name, desc) in files.iter().take(k) {
        let ver = if desc.is_empty() {
            None
        } else {
            Some(FileVer {
                version: &fv,
                company: vendor,
                description: desc,
                product: &product,
                product_version: &version,
            })
        };
        inventory::file_entry(x, name, ver, patch_base);
    }
    x.end("Directory");
}

/// A Windows Installer package cache directory (random GUID).
pub(crate) fn package_cache_dir(x: &mut Xml, rng: &mut Rng8, patch_base: i64) {
    let g = util::random_guid(rng, true);
    let (exe, product, version) = *pick(rng, installer_files::PACKAGE_CACHE_EXECUTABLES);
    x.open("Directory")
        .a(
            "Path",
            &format!("C:\\ProgramData\\Package Cache\\{g}v{version}"),
        )
        .start();
    inventory::file_entry(
        x,
        exe,
        Some(FileVer {
            version,
            company: MICROSOFT,
            description: product,
            product,
            product_version: version,
        }),
        patch_base,
    );
    x.end("Directory");
}
