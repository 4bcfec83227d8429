//! Components: network adapters, memory modules, disks.

/// Network adapters that are always present on Windows (not IP-enabled).
#[rustfmt::skip]
pub(crate) const WINDOWS_MINIPORT_ADAPTERS: &[(&str, &str)] = &[
    ("Microsoft Kernel Debug Network Adapter", "kdnic"),
    ("WAN Miniport (SSTP)", "RasSstp"),
    ("WAN Miniport (IKEv2)", "RasAgileVpn"),
    ("WAN Miniport (L2TP)", "Rasl2tp"),
    ("WAN Miniport (PPTP)", "PptpMiniport"),
    ("WAN Miniport (PPPOE)", "RasPppoe"),
    ("WAN Miniport (IP)", "NdisWan"),
    ("WAN Miniport (IPv6)", "NdisWan"),
    ("WAN Miniport (Network Monitor)", "NdisWan"),
];

/// Memory module vendors and part numbers.
#[rustfmt::skip]
pub(crate) const MEMORY_MODULES: &[(&str, &str)] = &[
    ("Samsung", "M471A2K43EB1-CWE    "),
    ("SK Hynix", "HMA82GS6DJR8N-XN    "),
    ("Micron", "MTA16ATF2G64HZ-3G2J1"),
    ("Kingston", "KF3200C20S4/16G"),
    ("Samsung", "M393A4K40DB3-CWE    "),
    ("Micron", "36ASF4G72PZ-3G2R1   "),
];

/// Disks.
#[rustfmt::skip]
pub(crate) const PHYSICAL_DISKS: &[&str] = &[
    "SAMSUNG MZVLB512HBJQ-000L7",
    "NVMe PC711 NVMe SK hynix 512GB",
    "KXG60ZNV512G KIOXIA",
    "Micron 2450 NVMe 512GB",
    "WDC PC SN730 SDBQNTY-512G-1001",
    "SAMSUNG MZVL21T0HCLR-00BL7",
];
