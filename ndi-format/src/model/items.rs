//! Typed views of leaf records, each with its context.

use crate::record::{Attribute, Record};
use crate::values::{CompactDateTime, parse_canonical_int};

fn others<'r, 'a>(
    record: &'r Record<'a>,
    known: &'static [&'static str],
) -> impl Iterator<Item = &'r Attribute<'a>> + 'r {
    record
        .attributes
        .iter()
        .filter(move |a| !known.contains(&a.name.as_ref()))
}

/// One hardware property value with its class and instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HardwareProperty<'r> {
    /// Class name, e.g. `Win32_BIOS`.
    pub class: &'r str,
    /// Instance index within the class, from 0.
    pub instance: u32,
    /// The instance's `Name` or `Id` attribute, if any.
    pub instance_name: Option<&'r str>,
    /// Property name.
    pub name: &'r str,
    /// Property value.
    pub value: &'r str,
}

/// Installer evidence: what a native installer reports.
#[derive(Debug, Clone, Copy)]
pub struct Installer<'r, 'a> {
    /// The record (all attributes, in order).
    pub record: &'r Record<'a>,
}

impl<'r, 'a> Installer<'r, 'a> {
    /// Attributes with their own accessor.
    pub const KNOWN: &'static [&'static str] = &[
        "Type",
        "Name",
        "Version",
        "Publisher",
        "ProductCode",
        "InstallDate",
    ];

    /// `Type`: the evidence type (`MSI`, `ARP`, `RPM`, `DEB`, ...).
    pub fn evidence_type(&self) -> Option<&'r str> {
        self.record.attr("Type")
    }
    /// `Name`: display name.
    pub fn name(&self) -> Option<&'r str> {
        self.record.attr("Name")
    }
    /// `Version`.
    pub fn version(&self) -> Option<&'r str> {
        self.record.attr("Version")
    }
    /// `Publisher`.
    pub fn publisher(&self) -> Option<&'r str> {
        self.record.attr("Publisher")
    }
    /// `ProductCode` (usually the MSI product GUID).
    pub fn product_code(&self) -> Option<&'r str> {
        self.record.attr("ProductCode")
    }
    /// `InstallDate` as text (`yyyyMMdd`).
    pub fn install_date_raw(&self) -> Option<&'r str> {
        self.record.attr("InstallDate")
    }
    /// `InstallDate` parsed.
    pub fn install_date(&self) -> Option<CompactDateTime> {
        self.install_date_raw().and_then(CompactDateTime::parse)
    }
    /// Every other attribute, in order.
    pub fn other_attributes(&self) -> impl Iterator<Item = &'r Attribute<'a>> + 'r {
        others(self.record, Self::KNOWN)
    }
}

/// File evidence: one file found by the file scan, with its directory.
#[derive(Debug, Clone, Copy)]
pub struct FileEvidence<'r, 'a> {
    /// The directory's `Path`.
    pub directory: Option<&'r str>,
    /// The record.
    pub record: &'r Record<'a>,
}

impl<'r, 'a> FileEvidence<'r, 'a> {
    /// Attributes with their own accessor.
    pub const KNOWN: &'static [&'static str] = &[
        "Name",
        "Size",
        "Version",
        "Company",
        "Description",
        "ProductName",
        "ProductVersion",
        "MD5",
        "Modified",
    ];

    /// `Name`: the file name.
    pub fn file_name(&self) -> Option<&'r str> {
        self.record.attr("Name")
    }
    /// `Size` as text.
    pub fn size_raw(&self) -> Option<&'r str> {
        self.record.attr("Size")
    }
    /// `Size` in bytes.
    pub fn size(&self) -> Option<u64> {
        self.size_raw()
            .and_then(parse_canonical_int)
            .and_then(|v| u64::try_from(v).ok())
    }
    /// `Version`.
    pub fn version(&self) -> Option<&'r str> {
        self.record.attr("Version")
    }
    /// `Company`.
    pub fn company(&self) -> Option<&'r str> {
        self.record.attr("Company")
    }
    /// `Description`.
    pub fn description(&self) -> Option<&'r str> {
        self.record.attr("Description")
    }
    /// `ProductName`.
    pub fn product_name(&self) -> Option<&'r str> {
        self.record.attr("ProductName")
    }
    /// `ProductVersion`.
    pub fn product_version(&self) -> Option<&'r str> {
        self.record.attr("ProductVersion")
    }
    /// `MD5` digest (hex).
    pub fn md5(&self) -> Option<&'r str> {
        self.record.attr("MD5")
    }
    /// `Modified` as text.
    pub fn modified_raw(&self) -> Option<&'r str> {
        self.record.attr("Modified")
    }
    /// `Modified` parsed.
    pub fn modified(&self) -> Option<CompactDateTime> {
        self.modified_raw().and_then(CompactDateTime::parse)
    }
    /// Every other attribute, in order.
    pub fn other_attributes(&self) -> impl Iterator<Item = &'r Attribute<'a>> + 'r {
        others(self.record, Self::KNOWN)
    }
}

/// Embedded content (`Content Name= Encoding=` with the data as text).
#[derive(Debug, Clone, Copy)]
pub struct Content<'r, 'a> {
    /// The record; the data is its text.
    pub record: &'r Record<'a>,
}

impl<'r, 'a> Content<'r, 'a> {
    /// `Name` of the embedded file.
    pub fn name(&self) -> Option<&'r str> {
        self.record.attr("Name")
    }
    /// `Encoding` (`base64`).
    pub fn encoding(&self) -> Option<&'r str> {
        self.record.attr("Encoding")
    }
    /// The data as written (e.g. base64 text).
    pub fn data(&self) -> &'r str {
        self.record.text.as_deref().unwrap_or("")
    }
}

/// One property of a service provider, with the provider's path in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderProperty<'r> {
    /// Path of the provider, e.g. `VDIBroker:broker1/VDIDevice:DOM\vm01`.
    pub provider_path: &'r str,
    /// The provider's `Type`.
    pub provider_type: &'r str,
    /// The provider's `Name`.
    pub provider_name: &'r str,
    /// Property name.
    pub name: &'r str,
    /// Property value.
    pub value: &'r str,
}

/// One application's usage (`APPUSAGE`) with its device and user.
#[derive(Debug, Clone, Copy)]
pub struct AppUsage<'r, 'a> {
    /// The `MD` (device) record.
    pub device: Option<&'r Record<'a>>,
    /// The per-user `USAGE` record.
    pub user: Option<&'r Record<'a>>,
    /// The `APPUSAGE` record.
    pub record: &'r Record<'a>,
}

impl<'r, 'a> AppUsage<'r, 'a> {
    /// Attributes of `APPUSAGE` with their own accessor.
    pub const KNOWN: &'static [&'static str] = &[
        "NAME",
        "VERSION",
        "FILENAME",
        "FILECOMPANY",
        "FILEDESCRIPTION",
        "FILEPRODUCTNAME",
        "FILEPRODUCTVERSION",
        "RUNTIME",
        "ACTIVETIME",
        "SESSIONS",
        "LASTUSED",
    ];

    /// An attribute of the `APPUSAGE` record.
    pub fn attr(&self, name: &str) -> Option<&'r str> {
        self.record.attr(name)
    }
    /// An attribute of the device (`MD`) record.
    pub fn device_attr(&self, name: &str) -> Option<&'r str> {
        self.device.and_then(|d| d.attr(name))
    }
    /// An attribute of the per-user `USAGE` record.
    pub fn user_attr(&self, name: &str) -> Option<&'r str> {
        self.user.and_then(|u| u.attr(name))
    }
    /// The week the summary covers (`STARTDATE` of the user record).
    pub fn week_start(&self) -> Option<CompactDateTime> {
        self.user_attr("STARTDATE").and_then(CompactDateTime::parse)
    }
    /// A counter (`RUNTIME`, `ACTIVETIME`, `SESSIONS`) as an integer, when written
    /// canonically (see [`parse_canonical_int`]).
    pub fn counter(&self, name: &str) -> Option<i64> {
        self.attr(name).and_then(parse_canonical_int)
    }
    /// Every other attribute of `APPUSAGE`, in order.
    pub fn other_attributes(&self) -> impl Iterator<Item = &'r Attribute<'a>> + 'r {
        others(self.record, Self::KNOWN)
    }
}

/// One account with access to a VDI desktop pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VdiAccess<'r> {
    /// The pool (`vdiGroup name=`).
    pub group_name: Option<&'r str>,
    /// The account's SID.
    pub sid: Option<&'r str>,
}

/// One discovered item of a `.disco` file.
#[derive(Debug, Clone, Copy)]
pub struct DiscoveredItem<'r, 'a> {
    /// `oracle_home` or `oracle_instance`.
    pub kind: &'static str,
    /// The Oracle home record (for instances, the enclosing one).
    pub home: Option<&'r Record<'a>>,
    /// The record itself.
    pub record: &'r Record<'a>,
}
