//! Machine models: physical workstations, servers and virtual machines.

/// A hardware model.
pub(crate) struct HardwareModel {
    pub vendor: &'static str,
    pub model: &'static str,
    /// Win32_ComputerSystemProduct.Version (Lenovo puts the marketing name here).
    pub product_version: &'static str,
    pub family: &'static str,
    pub kind: HardwareKind,
    pub bios: &'static [&'static str],
}

/// Broad class of a machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HardwareKind {
    Laptop,
    Desktop,
    Server,
    VmVmware,
    VmHyperV,
}

const fn hardware_model(
    vendor: &'static str,
    model: &'static str,
    product_version: &'static str,
    family: &'static str,
    kind: HardwareKind,
    bios: &'static [&'static str],
) -> HardwareModel {
    HardwareModel {
        vendor,
        model,
        product_version,
        family,
        kind,
        bios,
    }
}

/// Physical workstations.
#[rustfmt::skip]
pub(crate) static WORKSTATIONS: &[HardwareModel] = &[
    hardware_model("Dell Inc.", "Latitude 5440", "", "Latitude", HardwareKind::Laptop, &["1.17.0", "1.14.1", "1.11.0"]),
    hardware_model("Dell Inc.", "Latitude 7420", "", "Latitude", HardwareKind::Laptop, &["1.38.0", "1.33.0"]),
    hardware_model("Dell Inc.", "Latitude 5520", "", "Latitude", HardwareKind::Laptop, &["1.36.1", "1.32.0"]),
    hardware_model("Dell Inc.", "OptiPlex 7010", "", "OptiPlex", HardwareKind::Desktop, &["1.16.0", "1.12.1"]),
    hardware_model("Dell Inc.", "OptiPlex 7090", "", "OptiPlex", HardwareKind::Desktop, &["1.24.0", "1.19.0"]),
    hardware_model("Dell Inc.", "Precision 3581", "", "Precision", HardwareKind::Laptop, &["1.12.0"]),
    hardware_model("HP", "HP EliteBook 840 G8 Notebook PC", "", "103C_5336AN HP EliteBook", HardwareKind::Laptop, &["T76 Ver. 01.15.00", "T76 Ver. 01.13.01"]),
    hardware_model("HP", "HP EliteBook 840 14 inch G10 Notebook PC", "", "103C_5336AN HP EliteBook", HardwareKind::Laptop, &["V70 Ver. 01.05.02"]),
    hardware_model("HP", "HP ProDesk 600 G6 Mini PC", "", "103C_53307F HP ProDesk", HardwareKind::Desktop, &["S22 Ver. 02.14.00"]),
    hardware_model("HP", "HP Z4 G4 Workstation", "", "103C_53335X G=D", HardwareKind::Desktop, &["P62 v02.87"]),
    hardware_model("LENOVO", "20XW004GUS", "ThinkPad X1 Carbon Gen 9", "ThinkPad X1 Carbon Gen 9", HardwareKind::Laptop, &["N32ET86W (1.62 )", "N32ET82W (1.58 )"]),
    hardware_model("LENOVO", "20W0003AUS", "ThinkPad T14 Gen 2i", "ThinkPad T14 Gen 2i", HardwareKind::Laptop, &["N34ET59W (1.59 )"]),
    hardware_model("LENOVO", "21HD003NGE", "ThinkPad T14 Gen 4", "ThinkPad T14 Gen 4", HardwareKind::Laptop, &["R2FET55W (1.35 )"]),
    hardware_model("LENOVO", "11JN002UUS", "ThinkCentre M70q Gen 2", "ThinkCentre M70q", HardwareKind::Desktop, &["M3AKT4BA"]),
    hardware_model("Microsoft Corporation", "Surface Laptop 4", "124I:00036T:000M:0300000D:03000002:FX:FW", "Surface", HardwareKind::Laptop, &["19.101.143"]),
];

/// Physical servers.
#[rustfmt::skip]
pub(crate) static SERVERS: &[HardwareModel] = &[
    hardware_model("Dell Inc.", "PowerEdge R740", "", "PowerEdge", HardwareKind::Server, &["2.21.2", "2.19.1"]),
    hardware_model("Dell Inc.", "PowerEdge R650", "", "PowerEdge", HardwareKind::Server, &["1.13.2", "1.10.2"]),
    hardware_model("HPE", "ProLiant DL380 Gen10", "", "ProLiant", HardwareKind::Server, &["U30 v2.90 (07/20/2023)", "U30 v2.72 (09/29/2022)"]),
    hardware_model("HPE", "ProLiant DL360 Gen10 Plus", "", "ProLiant", HardwareKind::Server, &["U46 v1.90 (01/11/2024)"]),
    hardware_model("Lenovo", "ThinkSystem SR650", "", "ThinkSystem", HardwareKind::Server, &["IVE182E-3.50"]),
    hardware_model("Cisco Systems Inc", "UCSC-C220-M5SX", "", "UCS", HardwareKind::Server, &["C220M5.4.1.3d.0.0803231120"]),
];

/// Virtual machines.
#[rustfmt::skip]
pub(crate) static VIRTUAL_MACHINES: &[HardwareModel] = &[
    hardware_model("VMware, Inc.", "VMware7,1", "None", "", HardwareKind::VmVmware, &["VMW71.00V.21100432.B64.2301110304", "VMW71.00V.18452719.B64.2108091906"]),
    hardware_model("VMware, Inc.", "VMware Virtual Platform", "None", "", HardwareKind::VmVmware, &["6.00"]),
    hardware_model("VMware, Inc.", "VMware20,1", "None", "", HardwareKind::VmVmware, &["VMW201.00V.21805430.B64.2305221830"]),
    hardware_model("Microsoft Corporation", "Virtual Machine", "Hyper-V UEFI Release v4.1", "Virtual Machine", HardwareKind::VmHyperV, &["Hyper-V UEFI Release v4.1"]),
];
