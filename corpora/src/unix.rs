//! Linux and macOS inventories: `MGS_` hardware classes, RPM/DEB/pkg installers.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::ctx::Corpus;
use crate::inventory::{self, Dir, Installed, Plan, Root, Written};
use crate::pools::hardware::processors;
use crate::pools::organisation::people;
use crate::pools::software::Evidence;
use crate::pools::software::management_agents;
use crate::pools::unix::{linux, macos, packages};
use crate::util::{self, DAY, Rng8, chance, pick};
use crate::xml::Xml;

enum Platform {
    Linux(usize),
    Mac,
}

/// Writes a UNIX or macOS inventory.
pub(crate) fn write(ctx: &Corpus, rng: &mut Rng8, index: usize, plan: &Plan) -> Written {
    let org = &ctx.orgs[ctx.pick_org(rng)];
    let site = *pick(rng, &org.sites);
    let platform = if chance(rng, 0.2) {
        Platform::Mac
    } else {
        Platform::Linux(rng.random_range(0..linux::DISTRIBUTIONS.len()))
    };
    let uid = ctx.uid(index);
    let mac = matches!(platform, Platform::Mac);
    let vm = !mac && chance(rng, 0.75);
    let host = if mac {
        format!("{}s-MacBook-Pro-{uid}", pick(rng, people::GIVEN_NAMES))
    } else {
        let role = *pick(
            rng,
            &["app", "db", "web", "k8s", "batch", "ora", "log", "etl"],
        );
        format!("{}-{role}-{uid}", site.code.to_lowercase())
    };
    let server = !mac;
    let oracle_host = host.contains("-ora-") || host.contains("-db-");
    let now = ctx.stamp(rng);
    let os_install = now - rng.random_range(30..1800) * DAY - rng.random_range(0..DAY);
    let boot = now - rng.random_range(0..120 * DAY);
    let uuid = util::random_guid(rng, false);
    let serial = if mac {
        format!("C02{}", util::random_from(rng, util::ALNUM_UPPER, 9))
    } else if vm {
        let mut s = String::from("VMware-");
        let hex = uuid.replace('-', "").to_lowercase();
        for i in 0..16 {
            if i == 8 {
                s.push('-');
            } else if i > 0 {
                s.push(' ');
            }
            s.push_str(&hex[2 * i..2 * i + 2]);
        }
        s
    } else if plan.junk_serial {
        "Not Specified".to_string()
    } else {
        util::random_from(rng, util::ALNUM_UPPER, 7)
    };
    let (vendor, model) = if mac {
        (
            "Apple Inc.",
            *pick(
                rng,
                &["MacBookPro18,3", "Mac14,7", "Mac15,3", "MacBookAir10,1"],
            ),
        )
    } else if vm {
        ("VMware, Inc.", "VMware7,1")
    } else {
        *pick(
            rng,
            &[
                ("Dell Inc.", "PowerEdge R640"),
                ("HPE", "ProLiant DL380 Gen10"),
                ("Lenovo", "ThinkSystem SR650"),
            ],
        )
    };
    let agent = util::weighted(rng, &org.agent_weights);
    let tracker = if plan.third_party {
        "16.0"
    } else {
        management_agents::TRACKER_VERSION_OF_AGENT[agent]
    };
    let user = if plan.audience_user {
        ctx.person(rng, org, plan.non_ascii).login
    } else {
        "root".to_string()
    };
    let with_hardware = !plan.audience_user;
    let with_software = !plan.hardware_only;
    let agent_id = if plan.agent_id > 0 {
        Some(util::random_hex(rng, 64, false))
    } else {
        None
    };

    let mut installed = if with_software {
        match platform {
            Platform::Linux(di) => {
                linux_packages(rng, di, plan.quirks, now, os_install, oracle_host)
            }
            Platform::Mac => mac_software(rng, now, os_install, agent),
        }
    } else {
        Vec::new()
    };
    if plan.audience_user {
        installed.truncate(rng.random_range(2..10));
    }
    let n_inst = inventory::installer_count(&installed);
    let control_at = if plan.control && n_inst > 0 {
        Some(rng.random_range(0..n_inst))
    } else {
        None
    };

    let mut x = Xml::new(
        plan.target / 2 + plan.blob.unwrap_or(0) * 4 / 3 + 65_536,
        inventory::style_of(plan),
    );
    inventory::open_inventory(
        &mut x,
        plan.bom,
        inventory::DECL,
        &Root {
            tracker,
            audience: if plan.audience_user {
                "User"
            } else {
                "Machine"
            },
            scope: org.dns,
            machine: &host,
            user: &user,
            username_variant: plan.username_variant,
            hardware: with_hardware,
            software: with_software,
            service_providers: if plan.omit_service_providers || plan.third_party {
                None
            } else {
                Some(false)
            },
            datetime: now,
            agent_id: if plan.agent_id == 1 {
                agent_id.as_deref()
            } else {
                None
            },
        },
    );

    if with_hardware {
        let hw = Hw {
            host: &host,
            domain: org.dns,
            vendor,
            model,
            serial: &serial,
            uuid: &uuid,
            mac,
            vm,
            now,
            os_install,
            boot,
            tz: site.utc_offset_minutes,
            agent_id: if plan.agent_id == 2 {
                agent_id.as_deref()
            } else {
                None
            },
            control: plan.control && control_at.is_none(),
        };
        hardware(&mut x, rng, &platform, &hw);
    }
    if with_software {
        inventory::write_software(&mut x, &installed, control_at);
        if !plan.third_party && !plan.audience_user {
            let mut dirs = unix_files(rng, &platform, oracle_host);
            // Broad scans of application trees make some UNIX inventories large too.
            let budget = if chance(rng, 0.25) {
                plan.target / 3
            } else {
                0
            };
            let mut n = 0;
            while !mac && x.len() + dirs_len_estimate(&dirs) < budget && n < 5000 {
                n += 1;
                dirs.push(app_tree_dir(rng, n));
            }
            if !dirs.is_empty() {
                x.open("Files").start();
                for d in &dirs {
                    x.open("Directory").a("Path", &d.path).start();
                    for (f, _) in &d.files {
                        inventory::file_entry(&mut x, f, None, ctx.base_day - 4);
                    }
                    x.end("Directory");
                }
                x.end("Files");
            }
        }
    }
    inventory::content_section(&mut x, rng, plan, server && oracle_host, "unix");
    x.end("Inventory");
    Written {
        doc: x.buf,
        user,
        host,
        stamp: now,
    }
}

fn dirs_len_estimate(dirs: &[Dir]) -> usize {
    dirs.iter()
        .map(|d| 60 + d.path.len() + d.files.len() * 140)
        .sum()
}

/// One deployed copy of a middleware product (application servers keep many side by side),
/// with the tag and signature files a UNIX file scan reports.
fn app_tree_dir(rng: &mut Rng8, n: u32) -> Dir {
    #[rustfmt::skip]
    const TREES: &[(&str, &str, &str)] = &[
        ("/opt/IBM/WebSphere/AppServer/profiles/AppSrv", "properties/version", "ibm.com_IBM_WebSphere_Application_Server-9.0.5.swidtag"),
        ("/opt/IBM/WebSphere/AppServer/profiles/AppSrv", "properties/version", "WAS.product.sig"),
        ("/u01/app/oracle/middleware/user_projects/domains/domain", "inventory", "oracle.wls.core.app.server.cmptag"),
        ("/opt/tibco/tibco_home", "_installInfo", "tibco.com_TIBCO_BusinessWorks-6.10.0.swidtag"),
        ("/opt/informatica/infa_home", "Uninstaller_Server", "Uninstaller_Server.lax"),
        ("/opt/bmc/ControlM/agent", "install", "bmc.com_Control-M_Agent-9.0.21.swidtag"),
        ("/opt/microfocus/cobol/server", "etc", "microfocus.com_Enterprise_Server-8.0.swtag"),
    ];
    let (root, sub, file) = *pick(rng, TREES);
    let mut files = vec![(file.to_string(), String::new())];
    if chance(rng, 0.3) {
        files.push((
            format!("{}.sig", file.rsplit_once('.').map_or(file, |(s, _)| s)),
            String::new(),
        ));
    }
    Dir {
        path: format!("{root}{n:02}/{sub}"),
        files,
    }
}

struct Hw<'a> {
    host: &'a str,
    domain: &'a str,
    vendor: &'a str,
    model: &'a str,
    serial: &'a str,
    uuid: &'a str,
    mac: bool,
    vm: bool,
    now: i64,
    os_install: i64,
    boot: i64,
    tz: i32,
    agent_id: Option<&'a str>,
    control: bool,
}

fn hardware(x: &mut Xml, rng: &mut Rng8, platform: &Platform, hw: &Hw<'_>) {
    let wmi = |t: i64| util::wmi_datetime(t, hw.tz);
    x.open("Hardware").start();

    x.class("MGS_BIOS");
    x.instance(None);
    x.prop(
        "Manufacturer",
        if hw.vm {
            "Phoenix Technologies LTD"
        } else {
            hw.vendor
        },
    );
    x.prop(
        "ReleaseDate",
        &util::us_date(hw.now - rng.random_range(200..1500) * DAY),
    );
    x.prop("SerialNumber", hw.serial);
    let mut bios = if hw.mac {
        "2069.40.2.0.0 (iBridge: 22.16.10353.0.0,0)".to_string()
    } else if hw.vm {
        "6.00".to_string()
    } else {
        "2.19.1".to_string()
    };
    if hw.control {
        bios.insert(1, '\u{3}');
    }
    x.prop("SMBIOSBIOSVersion", &bios);
    x.prop("Version", &bios);
    x.end("Instance");
    x.end("Class");

    let (cpu, sockets, cores) = if hw.mac {
        ("Apple M1 Pro", 1u32, 10u32)
    } else {
        let c = pick(rng, processors::SERVER_PROCESSORS);
        if hw.vm {
            (c.name, *pick(rng, &[2u32, 4, 8]), 1)
        } else {
            (c.name, 2, c.cores)
        }
    };
    let mem_gb: u64 = if hw.mac {
        *pick(rng, &[16, 32])
    } else {
        *pick(rng, &[8, 16, 32, 64, 128, 256])
    };

    x.class("MGS_ComputerSystem");
    x.instance(None);
    x.prop("Domain", hw.domain);
    x.prop("Manufacturer", hw.vendor);
    x.prop("Model", hw.model);
    x.prop("Name", hw.host);
    x.propn("NumberOfProcessors", sockets);
    x.propn("TotalPhysicalMemory", mem_gb * 1_073_741_824);
    if let Some(id) = hw.agent_id {
        x.prop("AgentID", id);
    }
    x.end("Instance");
    x.end("Class");

    x.class("MGS_ComputerSystemProduct");
    x.instance(None);
    x.prop("IdentifyingNumber", hw.serial);
    x.prop("Name", hw.model);
    x.prop("UUID", hw.uuid);
    x.prop("Vendor", hw.vendor);
    x.end("Instance");
    x.end("Class");

    x.class("MGS_OperatingSystem");
    x.instance(None);
    match platform {
        Platform::Linux(di) => {
            let (caption, version, kernel, _, _, publisher) = linux::DISTRIBUTIONS[*di];
            x.prop("Caption", caption);
            x.prop("CSName", hw.host);
            x.prop("InstallDate", &wmi(hw.os_install));
            x.prop("LastBootUpTime", &wmi(hw.boot));
            x.prop("Manufacturer", publisher);
            x.prop("Name", "Linux");
            x.prop("OSArchitecture", "x86_64");
            x.prop("OSVersion", version);
            x.propn("TotalVisibleMemorySize", mem_gb * 1_048_576 - 262_144);
            x.prop("Version", kernel);
        }
        Platform::Mac => {
            let (caption, version, build) = *pick(
                rng,
                &[
                    ("macOS 14.7.1", "14.7.1", "23H222"),
                    ("macOS 15.1.1", "15.1.1", "24B91"),
                    ("macOS 13.7.1", "13.7.1", "22H221"),
                ],
            );
            x.prop("BuildNumber", build);
            x.prop("Caption", caption);
            x.prop("CSName", hw.host);
            x.prop("InstallDate", &wmi(hw.os_install));
            x.prop("LastBootUpTime", &wmi(hw.boot));
            x.prop("Manufacturer", "Apple Inc.");
            x.prop("Name", "Darwin");
            x.prop("OSArchitecture", "arm64");
            x.propn("TotalVisibleMemorySize", mem_gb * 1_048_576);
            x.prop("Version", version);
        }
    }
    x.end("Instance");
    x.end("Class");

    x.class("MGS_PhysicalMemory");
    let dimms = if hw.vm || hw.mac {
        1
    } else {
        (mem_gb / 32).clamp(2, 8)
    };
    for i in 0..dimms {
        x.instance(None);
        x.prop("BankLabel", &format!("BANK {i}"));
        x.propn("Capacity", mem_gb / dimms * 1_073_741_824);
        if hw.vm {
            x.prop("DeviceLocator", &format!("RAM slot #{i}"));
            x.prop("Manufacturer", "VMware Virtual RAM");
        } else {
            x.prop("DeviceLocator", &format!("DIMM_A{}", i + 1));
            x.prop("Manufacturer", if hw.mac { "Apple" } else { "Samsung" });
            x.prop("Speed", "3200");
        }
        x.end("Instance");
    }
    x.end("Class");

    x.class("MGS_Processor");
    for s in 0..sockets {
        x.instance(None);
        x.prop("DeviceID", &format!("CPU{s}"));
        x.prop(
            "Manufacturer",
            if hw.mac {
                "Apple"
            } else if cpu.starts_with("AMD") {
                "AuthenticAMD"
            } else {
                "GenuineIntel"
            },
        );
        x.propn("MaxClockSpeed", rng.random_range(2000..3500));
        x.prop("Name", cpu);
        x.propn("NumberOfCores", cores);
        x.propn(
            "NumberOfLogicalProcessors",
            if hw.vm || hw.mac { cores } else { cores * 2 },
        );
        x.end("Instance");
    }
    x.end("Class");

    x.class("MGS_NetworkAdapterConfiguration");
    let nics: &[&str] = if hw.mac {
        &["en0", "en1", "utun0"]
    } else if hw.vm {
        &["ens192"]
    } else {
        &["eno1", "eno2", "bond0"]
    };
    for (i, nic) in nics.iter().enumerate() {
        x.instance(Some(nic));
        x.prop("Description", nic);
        x.propn("Index", i);
        let ip_enabled = i == 0 || *nic == "bond0";
        x.prop("IPEnabled", if ip_enabled { "True" } else { "False" });
        if ip_enabled {
            let ip = format!(
                "10.{}.{}.{}",
                rng.random_range(0..=255),
                rng.random_range(0..=255),
                rng.random_range(2..=254)
            );
            x.prop(
                "DefaultIPGateway",
                &format!("{}.1", ip.rsplitn(2, '.').last().unwrap_or("10.0.0")),
            );
            x.prop("DHCPEnabled", if hw.mac { "True" } else { "False" });
            x.prop("DNSDomain", hw.domain);
            x.prop("DNSHostName", hw.host);
            x.prop("IPAddress", &ip);
            x.prop("IPSubnet", "255.255.255.0");
        }
        let b: [u8; 3] = rng.random();
        let oui = if hw.vm {
            "00:50:56"
        } else if hw.mac {
            "F8:4D:89"
        } else {
            "B4:96:91"
        };
        x.prop(
            "MACAddress",
            &format!("{oui}:{:02X}:{:02X}:{:02X}", b[0], b[1], b[2]),
        );
        x.end("Instance");
    }
    x.end("Class");

    x.class("MGS_LogicalDisk");
    let mounts: &[(&str, &str, &str)] = if hw.mac {
        &[
            ("/", "/dev/disk3s1s1", "apfs"),
            ("/System/Volumes/Data", "/dev/disk3s5", "apfs"),
        ]
    } else {
        &[
            ("/", "/dev/mapper/vg00-root", "xfs"),
            ("/boot", "/dev/sda1", "xfs"),
            ("/var", "/dev/mapper/vg00-var", "xfs"),
            ("/home", "/dev/mapper/vg00-home", "xfs"),
            ("/opt", "/dev/mapper/vg01-opt", "xfs"),
            ("/u01", "/dev/mapper/vg02-u01", "xfs"),
        ]
    };
    for (mount, dev, fs) in mounts {
        x.instance(Some(mount));
        let size = rng.random_range(1u64..200) * 1_073_741_824;
        x.prop("DeviceID", dev);
        x.prop("FileSystem", fs);
        x.propn("FreeSpace", size / 100 * rng.random_range(5..90));
        x.prop("Name", mount);
        x.propn("Size", size);
        x.end("Instance");
    }
    x.end("Class");

    x.end("Hardware");
}

fn linux_packages(
    rng: &mut Rng8,
    di: usize,
    quirks: bool,
    now: i64,
    os_install: i64,
    oracle_host: bool,
) -> Vec<Installed> {
    let (_, _, kernel, ty, tag, publisher) = linux::DISTRIBUTIONS[di];
    let deb = ty == "DEB";
    let median = if deb { 850.0 } else { 650.0 };
    let target = (util::lognormal(rng, median, 0.35) as usize).clamp(150, 3000);
    let mut names: Vec<String> = Vec::with_capacity(target);
    let mut seen = std::collections::HashSet::with_capacity(target * 2);
    let mut base: Vec<&str> = packages::BASE_PACKAGES.to_vec();
    base.shuffle(rng);
    for b in base.iter().take(packages::BASE_PACKAGES.len() * 9 / 10) {
        let n = if deb {
            b.replace("-libs", "").replace("-devel", "-dev")
        } else {
            b.to_string()
        };
        if seen.insert(n.clone()) {
            names.push(n);
        }
    }
    let mut attempts = 0;
    while names.len() < target && attempts < target * 20 {
        attempts += 1;
        let w = *pick(rng, packages::MODULE_WORDS);
        let b = *pick(rng, packages::BASE_PACKAGES);
        let n = match rng.random_range(0..7) {
            0 => format!("perl-{w}"),
            1 => {
                if deb {
                    format!("python3-{}", w.to_lowercase())
                } else {
                    format!("python3-{w}")
                }
            }
            2 => format!("lib{}", w.to_lowercase()),
            3 => format!("{b}-{}", if deb { "dev" } else { "devel" }),
            4 => format!("{b}-common"),
            5 => format!("{b}-doc"),
            _ => format!("lib{}{}", w.to_lowercase(), rng.random_range(1..7)),
        };
        if seen.insert(n.clone()) {
            names.push(n);
        }
    }
    names.sort();
    let mut out = Vec::with_capacity(names.len() + 16);
    for n in names {
        // Sub-packages (`-devel`, `-common`, ...) share the version of their source package.
        let base = ["-devel", "-dev", "-common", "-doc", "-libs"]
            .iter()
            .fold(n.as_str(), |acc, suffix| {
                acc.strip_suffix(suffix).unwrap_or(acc)
            });
        let h = util::hash_strs(&[base, tag]);
        let version = if deb {
            format!(
                "{}.{}.{}-{}{}.{}",
                1 + h % 9,
                (h >> 8) % 20,
                (h >> 16) % 30,
                (h >> 24) % 4,
                tag,
                (h >> 32) % 20
            )
        } else {
            format!(
                "{}.{}.{}-{}.{}",
                1 + h % 9,
                (h >> 8) % 20,
                (h >> 16) % 30,
                1 + (h >> 24) % 300,
                tag
            )
        };
        let mut inst = Installed::new(n.clone(), version, publisher.to_string(), Evidence::Arp);
        inst.ty = ty;
        inst.lang = None;
        inst.arch = Some(if (h >> 40).is_multiple_of(5) {
            if deb { "all" } else { "noarch" }
        } else if deb {
            "amd64"
        } else {
            "x86_64"
        });
        inst.install = Some(if chance(rng, 0.6) {
            os_install
        } else {
            os_install + rng.random_range(0..(now - os_install).max(DAY))
        });
        out.push(inst);
    }
    // Several kernels side by side.
    if !deb {
        for k in 1..rng.random_range(2..4) {
            let mut inst = Installed::new(
                "kernel".to_string(),
                kernel
                    .replace(".x86_64", "")
                    .replacen(".1.", &format!(".{}.", k + 1), 1),
                publisher.to_string(),
                Evidence::Arp,
            );
            inst.ty = ty;
            inst.lang = None;
            inst.arch = Some("x86_64");
            inst.install = Some(now - rng.random_range(30..300) * DAY);
            out.push(inst);
        }
    }
    for (name, version, pb) in linux::THIRD_PARTY_PACKAGES {
        let p = if name.starts_with("oracle") {
            if oracle_host { 0.9 } else { 0.05 }
        } else {
            0.25
        };
        if chance(rng, p) {
            let mut inst = Installed::new(
                name.to_string(),
                version.to_string(),
                pb.to_string(),
                Evidence::Arp,
            );
            inst.ty = ty;
            inst.lang = None;
            inst.arch = Some(if deb { "amd64" } else { "x86_64" });
            inst.install = Some(os_install + rng.random_range(0..(now - os_install).max(DAY)));
            out.push(inst);
        }
    }
    if quirks && chance(rng, 0.05) {
        let mut inst = Installed::new(
            "acme-tools".to_string(),
            "1.0-1".to_string(),
            "Ferrari & Söhne <it@example.com>".to_string(),
            Evidence::Arp,
        );
        inst.ty = ty;
        inst.lang = None;
        out.push(inst);
    }
    out
}

fn mac_software(rng: &mut Rng8, now: i64, os_install: i64, agent: usize) -> Vec<Installed> {
    let mut out = Vec::new();
    for (name, version, pb) in macos::APPLICATIONS {
        if chance(rng, 0.55) {
            let mut inst = Installed::new(
                name.to_string(),
                version.to_string(),
                pb.to_string(),
                Evidence::Arp,
            );
            inst.ty = "App";
            inst.location = Some(format!("/Applications/{name}.app"));
            inst.install = Some(os_install + rng.random_range(0..(now - os_install).max(DAY)));
            out.push(inst);
        }
    }
    for pkg in macos::INSTALLER_RECEIPTS {
        if chance(rng, 0.6) {
            let h = util::hash_strs(&[pkg]);
            let version = if pkg.starts_with("com.flexera") {
                management_agents::TRACKER_VERSION_OF_AGENT[agent].to_string()
            } else {
                format!("{}.{}.{}", 1 + h % 20, (h >> 8) % 10, (h >> 16) % 100)
            };
            let mut inst = Installed::new(pkg.to_string(), version, String::new(), Evidence::Arp);
            inst.ty = "pkg";
            inst.install = Some(os_install + rng.random_range(0..(now - os_install).max(DAY)));
            out.push(inst);
        }
    }
    out
}

fn unix_files(rng: &mut Rng8, platform: &Platform, oracle_host: bool) -> Vec<Dir> {
    let mut dirs = Vec::new();
    match platform {
        Platform::Linux(di) => {
            let (caption, version, ..) = linux::DISTRIBUTIONS[*di];
            if caption.starts_with("Red Hat") {
                let major = version.split('.').next().unwrap_or(version);
                dirs.push(Dir {
                    path: "/usr/lib/swidtag/redhat.com".to_string(),
                    files: vec![
                        (
                            format!("com.redhat.RHEL-{major}-x86_64.swidtag"),
                            String::new(),
                        ),
                        (
                            format!("com.redhat.RHEL-{version}-x86_64.swidtag"),
                            String::new(),
                        ),
                    ],
                });
            }
            if oracle_host {
                dirs.push(Dir {
                    path: "/u01/app/oracle/product/19.0.0/dbhome_1/inventory/Components21/oracle.server/19.0.0.0.0".to_string(),
                    files: vec![("oracle.server.cmptag".to_string(), String::new())],
                });
            }
            if chance(rng, 0.2) {
                dirs.push(Dir {
                    path: "/opt/IBM/InstallationManager/properties/version".to_string(),
                    files: vec![(
                        "ibm.com_IBM_Installation_Manager-1.9.2.swidtag".to_string(),
                        String::new(),
                    )],
                });
            }
            if chance(rng, 0.1) {
                dirs.push(Dir {
                    path: "/opt/bmc/Patrol3/Uninstall_PATROL".to_string(),
                    files: vec![("Uninstall PATROL.lax".to_string(), String::new())],
                });
            }
        }
        Platform::Mac => {
            if chance(rng, 0.3) {
                dirs.push(Dir {
                    path: "/Library/Application Support/regid.1986-12.com.adobe".to_string(),
                    files: vec![(
                        "regid.1986-12.com.adobe_V7{}AcrobatReader-AS1-Mac-GM-MUL.swidtag"
                            .to_string(),
                        String::new(),
                    )],
                });
            }
        }
    }
    dirs
}
