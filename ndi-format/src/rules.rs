//! Format rules for inventories, usage, VDI and discovery files: what `validate` checks
//! beyond well-formedness. Each finding has a stable rule id (listed on [`Rules`]).

use std::collections::HashSet;

use crate::error::{Location, Position, Warning};
use crate::finding::{Finding, Severity};
use crate::format::Format;
use crate::model::{ElementPaths, InventoryHeader};
use crate::reader::{MAX_KEPT_WARNINGS, Reader};
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

/// What [`check_reader`] found in a document.
#[derive(Debug, Default)]
pub struct ReaderCheck {
    /// Every finding, in order: the reader's warnings (as errors, see [`strict_warnings`]),
    /// then either the error that stopped the reader, or the format's rules and, for a root
    /// of no known format, an `unknown-format` error.
    pub findings: Vec<Finding>,
    /// Whether the reader got to the end of the document without error.
    pub complete: bool,
}

/// Reads an opened document to its end and checks it as `ndi-tool validate` does: every
/// record through [`Rules`] (inventories, usage, VDI and discovery files; other formats
/// have no record rules), the reader's warnings as errors ([`strict_warnings`]), the error
/// that stopped the reader, and an `unknown-format` error for a root element of no known
/// format. Policies, catalogs and schedules have validators of their own (in `npl-format`
/// and `nds-format`), which callers run when [`ReaderCheck::complete`] says the document
/// was read.
pub fn check_reader(reader: &mut Reader<'_>) -> ReaderCheck {
    let format = reader.format();
    let mut rules = matches!(
        format,
        Format::Ndi | Format::Mmi | Format::Vdi | Format::Disco
    )
    .then(|| Rules::new(format, reader.header()));
    let mut record = Record::default();
    let result = loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                if let Some(rules) = &mut rules {
                    let position = reader.position_of(record.offset);
                    rules.record(&record, position);
                }
            }
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let mut findings = strict_warnings(reader.warnings(), reader.warning_count());
    if let Err(e) = result {
        findings.push(Finding::from(&e));
        return ReaderCheck {
            findings,
            complete: false,
        };
    }
    if let Some(rules) = rules {
        findings.extend(rules.finish());
    }
    if format == Format::Other {
        let root = reader.header().root.to_string();
        findings.push(Finding::new(
            Severity::Error,
            "unknown-format",
            format!("root element <{root}> is not one of the known formats"),
            Location {
                position: Some(reader.root_position()),
                element_path: Some(format!("/{root}")),
                ..Location::default()
            },
        ));
    }
    ReaderCheck {
        findings,
        complete: true,
    }
}

/// A reader's warnings (`warnings` kept of `count` found) as error findings, and one more
/// finding counting those not kept.
///
/// Validation is strict XML 1.0: a character XML forbids makes the file invalid (as for
/// libxml2), even though the reader keeps the value and the loader loads the file with a
/// warning.
pub fn strict_warnings(warnings: &[Warning], count: u64) -> Vec<Finding> {
    let mut findings: Vec<Finding> = warnings
        .iter()
        .map(|w| {
            let mut f = Finding::from(w);
            f.severity = Severity::Error;
            f
        })
        .collect();
    let unlisted = count.saturating_sub(warnings.len() as u64);
    if unlisted > 0 {
        findings.push(Finding::new(
            Severity::Error,
            "xml-illegal-char",
            format!(
                "{unlisted} more characters XML forbids (only the first {MAX_KEPT_WARNINGS} of a file are listed)"
            ),
            Location::default(),
        ));
    }
    findings
}
