//! Usage `.mmi`, VDI access `.vdi`, beacon ServiceProvider inventories and discovery `.disco`.

use rand::Rng;

use crate::ctx::Corpus;
use crate::inventory::{self, Root};
use crate::pools::software::{Evidence, MICROSOFT};
use crate::pools::software::{management_agents, office, windows_bundles};
use crate::pools::windows::unclaimed_files;
use crate::util::{self, DAY, Rng8, chance, pick};
use crate::xml::{Style, Xml};

/// A document and the name it is stored under (without compression suffix).
pub(crate) struct Doc {
    pub name: String,
    pub text: String,
}

fn windows_host(ctx: &Corpus, rng: &mut Rng8, index: usize) -> (usize, String) {
    let oi = ctx.pick_org(rng);
    let org = &ctx.orgs[oi];
    let site = *pick(rng, &org.sites);
    let uid = ctx.uid(index);
    let ty = if chance(rng, 0.6) { "LT" } else { "WKS" };
    let code = site.code;
    let host = if chance(rng, 0.1) {
        format!("DESKTOP-{}", ctx.uid36(index))
    } else {
        match org.host_scheme {
            0 => format!("{code}-{ty}-{uid}"),
            1 => format!("{code}{ty}{uid}"),
            _ => format!("{ty}{uid}"),
        }
    };
    (oi, host)
}

// ---------------------------------------------------------------------------------------------

/// A usage summary (FORMATS.md section 3).
pub(crate) fn usage(ctx: &Corpus, rng: &mut Rng8, index: usize, quirks: bool) -> Doc {
    let (oi, host) = windows_host(ctx, rng, index);
    let org = &ctx.orgs[oi];
    let stamp = ctx.stamp(rng);
    let day = stamp.div_euclid(DAY);
    let this_monday = util::monday_on_or_before(day);
    let mut style = Style::AGENT;
    if quirks && chance(rng, 0.03) {
        style.nl = "\r\n";
    }
    let mut x = Xml::new(8192, style);
    if quirks && chance(rng, 0.02) {
        x.bom();
    }
    let agent = util::pick_str(rng, USAGE_AGENTS);
    let guid = util::random_guid(rng, true);
    open_usage(&mut x, agent, &host, org.dns, &guid);
    let n_users = if chance(rng, 0.08) {
        rng.random_range(3..8)
    } else if chance(rng, 0.25) {
        2
    } else {
        1
    };
    for u in 0..n_users {
        let non_ascii = quirks && u == 0 && chance(rng, 0.03);
        let person = ctx.person(rng, org, non_ascii);
        let weeks: &[i64] = if chance(rng, 0.3) { &[7, 0] } else { &[7] };
        for &back in weeks {
            let monday = this_monday - back;
            let week_end = (monday + 7).min(day + 1) * DAY;
            let user_guid = if chance(rng, 0.5) {
                String::new()
            } else {
                util::random_guid(rng, true)
            };
            open_user_week(&mut x, &person.login, org.netbios, monday, &user_guid);
            let n_apps = rng.random_range(2..9);
            let mut used: Vec<&str> = Vec::new();
            for _ in 0..n_apps {
                app_usage(&mut x, rng, &mut used, monday * DAY, week_end);
            }
            x.end("USAGE");
        }
    }
    x.end("MD");
    x.end("USAGE");
    Doc {
        name: format!("{host} at {}.mmi", util::stamp(stamp)),
        text: x.buf,
    }
}

fn app_usage(x: &mut Xml, rng: &mut Rng8, used: &mut Vec<&'static str>, start: i64, end: i64) {
    let (name, version, file, company, desc, product, pversion);
    if chance(rng, 0.15) {
        let (f, c, p, v) = *pick(rng, unclaimed_files::UNCLAIMED_EXECUTABLES);
        name = String::new();
        version = String::new();
        file = f;
        company = c.to_string();
        desc = p.to_string();
        product = p.to_string();
        pversion = v.to_string();
    } else if chance(rng, 0.35) {
        let (f, d) = *pick(rng, &office::EXECUTABLES[..8]);
        let v = office::CLICK_TO_RUN_VERSIONS
            [util::skewed_index(rng, office::CLICK_TO_RUN_VERSIONS.len())];
        name = "Microsoft 365 Apps for enterprise - en-us".to_string();
        version = v.to_string();
        file = f;
        company = MICROSOFT.to_string();
        desc = d.to_string();
        product = "Microsoft Office".to_string();
        pversion = v.to_string();
    } else {
        // An application with executables from the product pool.
        let mut tries = 0;
        loop {
            tries += 1;
            let bundle = pick(rng, windows_bundles::WINDOWS_BUNDLES);
            let item = &bundle.items[0];
            if (item.exes.is_empty() || item.evidence == Evidence::Files) && tries < 20 {
                continue;
            }
            let v = item.versions[util::skewed_index(rng, item.versions.len())];
            let (f, d) = if item.exes.is_empty() {
                ("app.exe", item.name)
            } else {
                *pick(rng, item.exes)
            };
            name = item.name.replace("{v}", v);
            version = v.to_string();
            file = f.rsplit('\\').next().unwrap_or(f);
            company = item.publisher.to_string();
            desc = d.to_string();
            product = name.clone();
            pversion = v.to_string();
            break;
        }
    }
    if used.contains(&file) {
        return;
    }
    used.push(file);
    write_app_usage(
        x,
        rng,
        &AppUsage {
            name: &name,
            version: &version,
            file,
            company: &company,
            description: &desc,
            product: &product,
            product_version: &pversion,
        },
        start,
        end,
    );
}

/// The usage agent versions that write `USAGEAGENT`.
pub(crate) const USAGE_AGENTS: &[&str] = &["14.2", "16.0", "21.2.0", "23.0.1"];

/// Declaration, DOCTYPE, the root `<USAGE>` and the open `<MD>` naming the device.
pub(crate) fn open_usage(x: &mut Xml, agent: &str, host: &str, domain: &str, guid: &str) {
    x.line(inventory::DECL);
    x.line("<!DOCTYPE USAGE PUBLIC \"USAGE\" \"http://www.managesoft.com/usagelog.dtd\">");
    x.open("USAGE")
        .a("VERSION", "1.00")
        .a("USAGEAGENT", agent)
        .start();
    x.open("MD")
        .a("NAME", host)
        .a("DOMAIN", domain)
        .a("GUID", guid)
        .start();
}

/// The open per-user `<USAGE TYPE="WeeklySummary">` of the week starting on day `monday`.
pub(crate) fn open_user_week(x: &mut Xml, login: &str, netbios: &str, monday: i64, guid: &str) {
    x.open("USAGE")
        .a("USER", login)
        .a("DOMAIN", netbios)
        .a("TYPE", "WeeklySummary")
        .a("STARTDATE", &util::stamp(monday * DAY))
        .a("GUID", guid)
        .start();
}

/// What an `<APPUSAGE>` says about the application (the counters are drawn when written).
pub(crate) struct AppUsage<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub file: &'a str,
    pub company: &'a str,
    pub description: &'a str,
    pub product: &'a str,
    pub product_version: &'a str,
}

/// `<APPUSAGE .../>` with counters drawn for a run between `start` and `end` (seconds).
pub(crate) fn write_app_usage(
    x: &mut Xml,
    rng: &mut Rng8,
    app: &AppUsage<'_>,
    start: i64,
    end: i64,
) {
    let runtime = (util::lognormal(rng, 5400.0, 1.3) as i64).clamp(5, end - start);
    let active = runtime * rng.random_range(5..70) / 100;
    let sessions = rng.random_range(1..30);
    let last = (start + rng.random_range(0..(end - start).max(1))).min(end - 1);
    x.open("APPUSAGE")
        .a("NAME", app.name)
        .a("VERSION", app.version)
        .a("FILENAME", app.file)
        .a("FILECOMPANY", app.company)
        .a("FILEDESCRIPTION", app.description)
        .a("FILEPRODUCTNAME", app.product)
        .a("FILEPRODUCTVERSION", app.product_version)
        .n("RUNTIME", runtime)
        .n("ACTIVETIME", active)
        .n("SESSIONS", sessions)
        .a("LASTUSED", &util::stamp(last))
        .empty();
}

// ---------------------------------------------------------------------------------------------

/// Scan time of a broker file: unique per index so that names never collide.
fn broker_stamp(ctx: &Corpus, rng: &mut Rng8, index: usize) -> i64 {
    let end = ctx.base_day * DAY + 6 * 3600;
    end - (index as i64) * 37 - rng.random_range(0..37)
}

/// .NET `XmlWriter` output; its CRLF line ends count as a quirk.
fn dotnet_style(quirks: bool) -> Style {
    let mut style = Style::DOTNET;
    if !quirks {
        style.nl = "\n";
    }
    style
}

const DOTNET_DECL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

/// A VDI access file (FORMATS.md section 4), as the Horizon integration script writes it.
pub(crate) fn vdi(ctx: &Corpus, rng: &mut Rng8, index: usize, quirks: bool) -> Doc {
    let broker = pick(rng, &ctx.brokers);
    let scan = broker_stamp(ctx, rng, index);
    let mut x = Xml::new(16_384, dotnet_style(quirks));
    if quirks && chance(rng, 0.5) {
        x.bom();
    }
    x.line(DOTNET_DECL);
    x.open("vdiGroups")
        .a("brokerType", "VMwareView")
        .a("siteName", &broker.site_name)
        .a("scanTime", &util::stamp(scan))
        .start();
    for pool in &broker.pools {
        x.open("vdiGroup").a("name", &pool.name).start();
        for sid in &pool.sids {
            x.open("object").a("Sid", sid).empty();
        }
        x.end("vdiGroup");
    }
    x.end("vdiGroups");
    Doc {
        name: format!("{} at {} (VMwareView).vdi", broker.fqdn, util::stamp(scan)),
        text: x.buf,
    }
}

/// A beacon-generated VDI broker inventory (ServiceProvider tree, FORMATS.md 2.3).
pub(crate) fn beacon(ctx: &Corpus, rng: &mut Rng8, index: usize, quirks: bool) -> Doc {
    let broker = pick(rng, &ctx.brokers);
    let org = &ctx.orgs[broker.org];
    let scan = broker_stamp(ctx, rng, index);
    let mut x = Xml::new(65_536, dotnet_style(quirks));
    if quirks && chance(rng, 0.5) {
        x.bom();
    }
    let trailing_paren = quirks && chance(rng, 0.5);
    inventory::open_inventory(
        &mut x,
        false,
        DOTNET_DECL,
        &Root {
            tracker: broker.tracker,
            audience: "Machine",
            scope: &broker.fqdn,
            machine: &broker.short,
            user: "system",
            username_variant: quirks,
            hardware: false,
            software: false,
            service_providers: Some(true),
            datetime: scan,
            agent_id: None,
        },
    );
    x.open("ServiceProvider")
        .a("Type", "VDIBroker")
        .a("Name", &broker.short)
        .start();
    x.prop("VDIBrokerType", "VMWareView");
    x.prop("VDISiteName", &broker.site_name);
    for pool in &broker.pools {
        for m in &pool.machines {
            if chance(rng, 0.05) {
                continue; // being rebuilt at scan time
            }
            let qualified = format!("{}\\{}", org.netbios, m);
            let sp_name = if trailing_paren {
                format!("{qualified})")
            } else {
                qualified.clone()
            };
            x.open("ServiceProvider")
                .a("Type", "VDIDevice")
                .a("Name", &sp_name)
                .start();
            x.prop(
                "MachineId",
                &util::stable_guid(&[&broker.fqdn, m])
                    .trim_matches(['{', '}'])
                    .to_lowercase(),
            );
            x.prop("MachineName", &qualified);
            x.prop("DNSFullName", &format!("{}.{}", m.to_lowercase(), org.dns));
            x.prop("VDIGroupName", &pool.name);
            x.prop("VDITemplateName", &format!("{} (Template)", pool.name));
            x.prop(
                "PersistentVDI",
                if pool.persistent { "True" } else { "False" },
            );
            x.prop("VDIGroupUUID", &pool.uuid);
            x.prop("ApplicationDeliveryOnly", "0");
            x.end("ServiceProvider");
        }
    }
    x.end("ServiceProvider");
    x.end("Inventory");
    Doc {
        name: format!("{} at {} (VMwareView).ndi", broker.fqdn, util::stamp(scan)),
        text: x.buf,
    }
}

// ---------------------------------------------------------------------------------------------

/// An Oracle discovery file (FORMATS.md section 5).
pub(crate) fn disco(ctx: &Corpus, rng: &mut Rng8, index: usize) -> Doc {
    let org = &ctx.orgs[ctx.pick_org(rng)];
    let site = *pick(rng, &org.sites);
    let uid = ctx.uid(index);
    let windows = chance(rng, 0.35);
    let host = if windows {
        format!("{}-ORA-{uid}", site.code)
    } else {
        format!("{}-ora-{uid}", site.code.to_lowercase())
    };
    let stamp = ctx.stamp(rng);
    let tracker =
        management_agents::TRACKER_VERSION_OF_AGENT[util::weighted(rng, &org.agent_weights)];
    let mut x = Xml::new(4096, Style::AGENT);
    x.line(inventory::DECL);
    x.open("Discovery")
        .a("Tracker", tracker)
        .a("MachineName", &host)
        .a("Scope", org.dns)
        .a("DateTime", &util::stamp(stamp))
        .start();
    let homes = rng.random_range(1..4);
    let mut port = 1521;
    let mut sid_no = 1;
    for h in 0..homes {
        let (ver, home_dir) = *pick(
            rng,
            &[
                ("19.0.0", "dbhome_1"),
                ("12.2.0", "dbhome_1"),
                ("21.0.0", "dbhome_1"),
                ("12.1.0", "db_1"),
            ],
        );
        let (home, exe, source) = if windows {
            let home = format!("C:\\app\\oracle\\product\\{ver}\\{home_dir}");
            let exe = format!("{home}\\bin\\oracle.exe");
            (home, exe, *pick(rng, &["registry", "service"]))
        } else {
            let home = if h == 0 {
                format!("/u01/app/oracle/product/{ver}/{home_dir}")
            } else {
                format!("/u0{}/app/oracle/product/{ver}/{home_dir}", h + 1)
            };
            let exe = format!("{home}/bin/oracle");
            (home, exe, *pick(rng, &["oratab", "oratab", "filescan"]))
        };
        x.open("Oracle")
            .a("Home", &home)
            .a("Executable", &exe)
            .a("Source", source)
            .start();
        for _ in 0..rng.random_range(1..4) {
            let sid = format!(
                "{}{:02}",
                pick(
                    rng,
                    &["ORCL", "PRD", "HRPRD", "FINDEV", "CRM", "DWH", "TST"]
                ),
                sid_no
            );
            sid_no += 1;
            x.open("Instance").a("SID", &sid).n("Port", port).empty();
            if chance(rng, 0.3) {
                port += 1;
            }
        }
        x.end("Oracle");
    }
    x.end("Discovery");
    Doc {
        name: format!("{host} at {}.disco", util::stamp(stamp)),
        text: x.buf,
    }
}
