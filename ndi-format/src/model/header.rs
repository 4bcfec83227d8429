//! Typed accessors for root attributes.

use crate::record::Header;
use crate::values::{CompactDateTime, parse_bool, parse_version};

/// The root attributes of an inventory (`Inventory`), typed. Each accessor returns `None`
/// when the attribute is absent or does not parse; the raw text stays available through
/// [`Header::attr`].
#[derive(Debug, Clone, Copy)]
pub struct InventoryHeader<'h, 'a> {
    header: &'h Header<'a>,
}

impl<'h, 'a> InventoryHeader<'h, 'a> {
    /// Root attributes every inventory reader knows; others are kept generically.
    pub const KNOWN: [&'static str; 12] = [
        "Tracker",
        "Audience",
        "Scope",
        "MachineName",
        "UserName",
        "Username",
        "Hardware",
        "Software",
        "ServiceProviders",
        "DateTime",
        "Type",
        "AgentID",
    ];

    /// A view over `header`.
    pub fn new(header: &'h Header<'a>) -> Self {
        InventoryHeader { header }
    }

    /// `Tracker`: version of the tool that wrote the file, as text.
    pub fn tracker(&self) -> Option<&'h str> {
        self.header.attr("Tracker")
    }

    /// `Tracker` parsed as a dotted version.
    pub fn tracker_version(&self) -> Option<Vec<u32>> {
        self.tracker().and_then(parse_version)
    }

    /// `Audience`: `Machine` or `User`.
    pub fn audience(&self) -> Option<&'h str> {
        self.header.attr("Audience")
    }

    /// `Scope`: the device's domain or scope.
    pub fn scope(&self) -> Option<&'h str> {
        self.header.attr("Scope")
    }

    /// `MachineName`: the short computer name.
    pub fn machine_name(&self) -> Option<&'h str> {
        self.header.attr("MachineName")
    }

    /// `UserName` (or its variant `Username`): the account the tracker ran as.
    pub fn user_name(&self) -> Option<&'h str> {
        self.header.attr_any(&["UserName", "Username"])
    }

    /// `Hardware`: whether hardware was collected.
    pub fn has_hardware(&self) -> Option<bool> {
        self.header.attr("Hardware").and_then(parse_bool)
    }

    /// `Software`: whether software was collected.
    pub fn has_software(&self) -> Option<bool> {
        self.header.attr("Software").and_then(parse_bool)
    }

    /// `ServiceProviders`: whether service providers were collected.
    pub fn has_service_providers(&self) -> Option<bool> {
        self.header.attr("ServiceProviders").and_then(parse_bool)
    }

    /// `DateTime`: when the inventory was taken (device local time).
    pub fn date_time(&self) -> Option<CompactDateTime> {
        self.header
            .attr("DateTime")
            .and_then(CompactDateTime::parse)
    }

    /// `Type`: `Full` or another inventory type.
    pub fn inventory_type(&self) -> Option<&'h str> {
        self.header.attr("Type")
    }

    /// `AgentID` on the root, when present.
    pub fn agent_id(&self) -> Option<&'h str> {
        self.header.attr("AgentID")
    }
}

/// The root attributes of a usage file (`USAGE`).
#[derive(Debug, Clone, Copy)]
pub struct UsageHeader<'h, 'a> {
    header: &'h Header<'a>,
}

impl<'h, 'a> UsageHeader<'h, 'a> {
    /// A view over `header`.
    pub fn new(header: &'h Header<'a>) -> Self {
        UsageHeader { header }
    }

    /// `VERSION` of the usage format.
    pub fn version(&self) -> Option<&'h str> {
        self.header.attr("VERSION")
    }

    /// `USAGEAGENT`: version of the usage agent.
    pub fn usage_agent(&self) -> Option<&'h str> {
        self.header.attr("USAGEAGENT")
    }
}

/// The root attributes of a VDI access file (`vdiGroups`).
#[derive(Debug, Clone, Copy)]
pub struct VdiHeader<'h, 'a> {
    header: &'h Header<'a>,
}

impl<'h, 'a> VdiHeader<'h, 'a> {
    /// A view over `header`.
    pub fn new(header: &'h Header<'a>) -> Self {
        VdiHeader { header }
    }

    /// `brokerType`.
    pub fn broker_type(&self) -> Option<&'h str> {
        self.header.attr("brokerType")
    }

    /// `siteName`.
    pub fn site_name(&self) -> Option<&'h str> {
        self.header.attr("siteName")
    }

    /// `scanTime`.
    pub fn scan_time(&self) -> Option<CompactDateTime> {
        self.header
            .attr("scanTime")
            .and_then(CompactDateTime::parse)
    }
}

/// The root attributes of a discovery file (`Discovery`).
#[derive(Debug, Clone, Copy)]
pub struct DiscoveryHeader<'h, 'a> {
    header: &'h Header<'a>,
}

impl<'h, 'a> DiscoveryHeader<'h, 'a> {
    /// A view over `header`.
    pub fn new(header: &'h Header<'a>) -> Self {
        DiscoveryHeader { header }
    }

    /// `MachineName`.
    pub fn machine_name(&self) -> Option<&'h str> {
        self.header.attr("MachineName")
    }

    /// `Scope`.
    pub fn scope(&self) -> Option<&'h str> {
        self.header.attr("Scope")
    }

    /// `DateTime`.
    pub fn date_time(&self) -> Option<CompactDateTime> {
        self.header
            .attr("DateTime")
            .and_then(CompactDateTime::parse)
    }
}
