//! Format rules for inventories, usage, VDI and discovery files: what `validate` checks
//! beyond well-formedness. Each finding has a stable rule id (listed on [`Rules`]).

use std::collections::HashSet;

use crate::error::{Location, Position};
use crate::finding::{Finding, Severity};
use crate::format::Format;
use crate::model::{ElementPaths, InventoryHeader};
use crate::record::{Header, Record, RecordKind};
use crate::values::{
    CompactDateTime, parse_bool, parse_canonical_int, parse_compact_date, parse_version,
};

/// Checks the rules of one document, fed its header and then every record in order.
///
/// | rule | severity | what |
/// |---|---|---|
/// | `ndi-machine-name` | error | `Inventory` has no `MachineName` (or it is empty) |
/// | `ndi-datetime` | error | `DateTime` is not `yyyyMMddTHHmmss` (warning when absent) |
/// | `ndi-section-flag-value` | error | `Hardware`, `Software` or `ServiceProviders` is not a boolean |
/// | `ndi-section-flag` | warning | a section is present although its flag says `False` |
/// | `ndi-tracker` | warning | `Tracker` is not a dotted version |
/// | `ndi-audience` | warning | `Audience` is neither `Machine` nor `User` |
/// | `ndi-property-name` | warning | a service provider's `Property` without `Name` |
/// | `ndi-duplicate-instance` | warning | two instances of a class with the same `Name`/`Id` |
/// | `ndi-install-date` | warning | `InstallDate` is not `yyyyMMdd` |
/// | `ndi-file-size` | warning | `Size` is not a decimal integer |
/// | `ndi-file-modified` | warning | `Modified` is not `yyyyMMddTHHmmss` |
/// | `ndi-md5` | warning | `MD5` is not 32 hexadecimal digits |
/// | `mmi-version` | warning | `USAGE` has no `VERSION` |
/// | `mmi-week-start` | error | a per-user `STARTDATE` is not a timestamp, or not a Monday |
/// | `mmi-counter` | warning | `RUNTIME`, `ACTIVETIME` or `SESSIONS` is not a decimal integer |
/// | `mmi-last-used` | warning | `LASTUSED` is not `yyyyMMddTHHmmss` |
/// | `vdi-scan-time` | warning | `scanTime` is not `yyyyMMddTHHmmss` |
/// | `vdi-sid` | warning | an `object` `Sid` is not of the form `S-1-...` |
/// | `disco-port` | warning | an instance `Port` is not a decimal integer |
#[derive(Debug)]
pub struct Rules {
    format: Format,
    findings: Vec<Finding>,
    paths: ElementPaths,
    flags: [Option<bool>; 3],
    seen_sections: [bool; 3],
    instance_names: HashSet<String>,
}

const SECTION_FLAGS: [&str; 3] = ["Hardware", "Software", "ServiceProviders"];

fn is_timestamp(s: &str) -> bool {
    s.len() == 15 && CompactDateTime::parse(s).is_some()
}

impl Rules {
    /// Starts checking a document of `format` with `header` (whose findings are placed at
    /// the root element).
    pub fn new(format: Format, header: &Header<'_>) -> Self {
        let mut rules = Rules {
            format,
            findings: Vec::new(),
            paths: ElementPaths::default(),
            flags: [None; 3],
            seen_sections: [false; 3],
            instance_names: HashSet::new(),
        };
        rules.paths.reset(&header.root);
        rules.check_header(header);
        rules
    }

    fn add(
        &mut self,
        severity: Severity,
        rule: &'static str,
        message: String,
        position: Option<Position>,
    ) {
        let element_path = Some(self.paths.current().to_string());
        self.findings.push(Finding::new(
            severity,
            rule,
            message,
            Location {
                file: None,
                position,
                element_path,
            },
        ));
    }

    fn check_header(&mut self, header: &Header<'_>) {
        match self.format {
            Format::Ndi => {
                let h = InventoryHeader::new(header);
                if h.machine_name().is_none_or(|n| n.trim().is_empty()) {
                    self.add(
                        Severity::Error,
                        "ndi-machine-name",
                        "Inventory has no MachineName".into(),
                        None,
                    );
                }
                match header.attr("DateTime") {
                    None => self.add(
                        Severity::Warning,
                        "ndi-datetime",
                        "Inventory has no DateTime".into(),
                        None,
                    ),
                    Some(v) if !is_timestamp(v) => self.add(
                        Severity::Error,
                        "ndi-datetime",
                        format!("DateTime {v:?} is not yyyyMMddTHHmmss"),
                        None,
                    ),
                    Some(_) => {}
                }
                for (i, flag) in SECTION_FLAGS.iter().enumerate() {
                    if let Some(v) = header.attr(flag) {
                        match parse_bool(v) {
                            Some(b) => self.flags[i] = Some(b),
                            None => self.add(
                                Severity::Error,
                                "ndi-section-flag-value",
                                format!("{flag} {v:?} is not True or False"),
                                None,
                            ),
                        }
                    }
                }
                if let Some(v) = h.tracker()
                    && parse_version(v).is_none()
                {
                    self.add(
                        Severity::Warning,
                        "ndi-tracker",
                        format!("Tracker {v:?} is not a dotted version"),
                        None,
                    );
                }
                if let Some(v) = h.audience()
                    && v != "Machine"
                    && v != "User"
                {
                    self.add(
                        Severity::Warning,
                        "ndi-audience",
                        format!("Audience {v:?} is neither Machine nor User"),
                        None,
                    );
                }
            }
            Format::Mmi if header.attr("VERSION").is_none() => {
                self.add(
                    Severity::Warning,
                    "mmi-version",
                    "USAGE has no VERSION".into(),
                    None,
                );
            }
            Format::Vdi => {
                if let Some(v) = header.attr("scanTime")
                    && !is_timestamp(v)
                {
                    self.add(
                        Severity::Warning,
                        "vdi-scan-time",
                        format!("scanTime {v:?} is not yyyyMMddTHHmmss"),
                        None,
                    );
                }
            }
            _ => {}
        }
    }

    /// Checks one record, found at `position`.
    pub fn record(&mut self, record: &Record<'_>, position: Position) {
        self.paths.enter(record);
        let at = Some(position);
        use RecordKind as K;
        match record.kind {
            K::HardwareSection => self.seen_sections[0] = true,
            K::SoftwareSection | K::FilesSection => self.seen_sections[1] = true,
            K::ServiceProvider => self.seen_sections[2] = true,
            K::HardwareClass => self.instance_names.clear(),
            K::HardwareInstance => {
                if let Some(name) = record.attr_any(&["Name", "Id"])
                    && !self.instance_names.insert(name.to_string())
                {
                    self.add(
                        Severity::Warning,
                        "ndi-duplicate-instance",
                        format!("instance {name:?} appears twice in its class"),
                        at,
                    );
                }
            }
            K::ProviderProperty if record.attr("Name").is_none() => {
                self.add(
                    Severity::Warning,
                    "ndi-property-name",
                    "Property has no Name".into(),
                    at,
                );
            }
            K::Installer => {
                if let Some(v) = record.attr("InstallDate")
                    && parse_compact_date(v).is_none()
                {
                    self.add(
                        Severity::Warning,
                        "ndi-install-date",
                        format!("InstallDate {v:?} is not yyyyMMdd"),
                        at,
                    );
                }
            }
            K::File => {
                if let Some(v) = record.attr("Size")
                    && parse_canonical_int(v).is_none_or(|n| n < 0)
                {
                    self.add(
                        Severity::Warning,
                        "ndi-file-size",
                        format!("Size {v:?} is not a decimal integer"),
                        at,
                    );
                }
                if let Some(v) = record.attr("Modified")
                    && !is_timestamp(v)
                {
                    self.add(
                        Severity::Warning,
                        "ndi-file-modified",
                        format!("Modified {v:?} is not yyyyMMddTHHmmss"),
                        at,
                    );
                }
                if let Some(v) = record.attr("MD5")
                    && !(v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    self.add(
                        Severity::Warning,
                        "ndi-md5",
                        format!("MD5 {v:?} is not 32 hexadecimal digits"),
                        at,
                    );
                }
            }
            K::UsageUser => match record.attr("STARTDATE") {
                Some(v) => match CompactDateTime::parse(v).filter(|_| v.len() == 15) {
                    None => self.add(
                        Severity::Error,
                        "mmi-week-start",
                        format!("STARTDATE {v:?} is not yyyyMMddTHHmmss"),
                        at,
                    ),
                    Some(t) if t.weekday_from_monday() != 0 => self.add(
                        Severity::Error,
                        "mmi-week-start",
                        format!("STARTDATE {v:?} is not a Monday (usage weeks start on Monday)"),
                        at,
                    ),
                    Some(_) => {}
                },
                None => self.add(
                    Severity::Error,
                    "mmi-week-start",
                    "per-user USAGE has no STARTDATE".into(),
                    at,
                ),
            },
            K::AppUsage => {
                for counter in ["RUNTIME", "ACTIVETIME", "SESSIONS"] {
                    if let Some(v) = record.attr(counter)
                        && parse_canonical_int(v).is_none_or(|n| n < 0)
                    {
                        self.add(
                            Severity::Warning,
                            "mmi-counter",
                            format!("{counter} {v:?} is not a non-negative integer"),
                            at,
                        );
                    }
                }
                if let Some(v) = record.attr("LASTUSED")
                    && !is_timestamp(v)
                {
                    self.add(
                        Severity::Warning,
                        "mmi-last-used",
                        format!("LASTUSED {v:?} is not yyyyMMddTHHmmss"),
                        at,
                    );
                }
            }
            K::VdiObject => {
                if let Some(v) = record.attr("Sid")
                    && !v.starts_with("S-1-")
                {
                    self.add(
                        Severity::Warning,
                        "vdi-sid",
                        format!("Sid {v:?} is not a SID (S-1-...)"),
                        at,
                    );
                }
            }
            K::OracleInstance => {
                if let Some(v) = record.attr("Port")
                    && parse_canonical_int(v).is_none_or(|p| !(0..=65535).contains(&p))
                {
                    self.add(
                        Severity::Warning,
                        "disco-port",
                        format!("Port {v:?} is not a TCP port number"),
                        at,
                    );
                }
            }
            _ => {}
        }
    }

    /// Ends the document and returns every finding.
    pub fn finish(mut self) -> Vec<Finding> {
        // Section-flag findings are about the root element.
        let root = self.format.root().unwrap_or("").to_string();
        self.paths.reset(&root);
        for (i, flag) in SECTION_FLAGS.iter().enumerate() {
            if self.flags[i] == Some(false) && self.seen_sections[i] {
                self.add(
                    Severity::Warning,
                    "ndi-section-flag",
                    format!("{flag}=\"False\" but the document has {flag} data"),
                    None,
                );
            }
        }
        self.findings
    }
}
