//! The document formats, recognised by their root element.

use std::fmt;

/// A document format, recognised by the root element name (never by the file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Inventory `.ndi` (root `Inventory`).
    Ndi,
    /// Usage `.mmi` (root `USAGE`).
    Mmi,
    /// VDI access `.vdi` (root `vdiGroups`).
    Vdi,
    /// Discovery `.disco` (root `Discovery`).
    Disco,
    /// Policy `.npl` (root `Policy`).
    Npl,
    /// Package catalog `.osd` (root `SOFTPKG`).
    Osd,
    /// Schedule `.nds` (root `Schedule`).
    Nds,
    /// Any other root element: read generically.
    Other,
}

impl Format {
    /// Every format, `Other` last.
    pub const ALL: [Format; 8] = [
        Format::Ndi,
        Format::Mmi,
        Format::Vdi,
        Format::Disco,
        Format::Npl,
        Format::Osd,
        Format::Nds,
        Format::Other,
    ];

    /// The format whose root element is `root`.
    pub fn from_root(root: &str) -> Format {
        match root {
            "Inventory" => Format::Ndi,
            "USAGE" => Format::Mmi,
            "vdiGroups" => Format::Vdi,
            "Discovery" => Format::Disco,
            "Policy" => Format::Npl,
            "SOFTPKG" => Format::Osd,
            "Schedule" => Format::Nds,
            _ => Format::Other,
        }
    }

    /// The short name used in tables and on the command line (`ndi`, `mmi`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::Ndi => "ndi",
            Format::Mmi => "mmi",
            Format::Vdi => "vdi",
            Format::Disco => "disco",
            Format::Npl => "npl",
            Format::Osd => "osd",
            Format::Nds => "nds",
            Format::Other => "other",
        }
    }

    /// The usual file extension, without dot and without `.gz`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Other => "xml",
            f => f.name(),
        }
    }

    /// The root element name of the format (`None` for [`Format::Other`]).
    pub fn root(self) -> Option<&'static str> {
        Some(match self {
            Format::Ndi => "Inventory",
            Format::Mmi => "USAGE",
            Format::Vdi => "vdiGroups",
            Format::Disco => "Discovery",
            Format::Npl => "Policy",
            Format::Osd => "SOFTPKG",
            Format::Nds => "Schedule",
            Format::Other => return None,
        })
    }

    /// The DOCTYPE declaration writers emit when the source document had none to keep.
    pub fn default_doctype(self) -> Option<&'static str> {
        match self {
            Format::Ndi => {
                Some(r#"Inventory PUBLIC "Inventory" "http://www.managesoft.com/inventory.dtd""#)
            }
            Format::Mmi => Some(r#"USAGE PUBLIC "USAGE" "http://www.managesoft.com/usagelog.dtd""#),
            Format::Npl => Some(r#"Policy PUBLIC "Policy" "http://www.managesoft.com/policy.dtd""#),
            Format::Osd => Some(r#"SOFTPKG SYSTEM "http://www.managesoft.com/softpkg.dtd""#),
            Format::Nds => Some(
                r#"Schedule PUBLIC "ManageSoft Schedule" "http://www.managesoft.com/schedule.dtd""#,
            ),
            Format::Vdi | Format::Disco | Format::Other => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown format {s:?}"))
    }
}
