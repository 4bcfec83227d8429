//! Software that comes with the hardware: vendor utilities, physical drivers, VMware Tools.

use super::{Product, arp, msi, msi_with_files};

/// Installers a vendor puts on its own hardware.
#[rustfmt::skip]
pub(crate) static DELL_UTILITIES: &[Product] = &[
    msi_with_files("Dell Inc.", "Dell Command | Update for Windows Universal", &["5.4.0", "5.2.0", "4.9.0"], true, "Dell\\CommandUpdate", &[("dcu-cli.exe", "Dell Command | Update CLI"), ("DellCommandUpdate.exe", "Dell Command | Update")]),
    msi("Dell Inc.", "Dell SupportAssist OS Recovery Plugin for Dell Update", &["5.5.12.16925"]),
    msi("Dell Inc.", "Dell Optimizer", &["4.2.3.0", "4.1.351.0"]),
    msi("Dell Inc.", "Dell Power Manager Service", &["3.15.0", "3.14.1"]),
    arp("Dell Inc.", "Dell Digital Delivery Services", &["5.2.1.0"]),
    msi("Dell Inc.", "Dell Trusted Device Agent", &["5.3.0.29"]),
];

/// HP.
#[rustfmt::skip]
pub(crate) static HP_UTILITIES: &[Product] = &[
    msi("HP Inc.", "HP Wolf Security", &["4.6.8.211", "4.5.16.180"]),
    msi("HP Inc.", "HP Wolf Security - Console", &["11.1.17.39", "11.1.12.130"]),
    msi("HP Inc.", "HP Sure Recover", &["2.1.18.0"]),
    msi("HP Inc.", "HP Sure Run Module", &["5.0.5.0"]),
    msi("HP Inc.", "HP Security Update Service", &["4.5.5.5"]),
    msi("HP Inc.", "HP Notifications", &["1.1.30.0"]),
    msi_with_files("HP Inc.", "HP Connection Optimizer", &["2.0.18.0"], true, "HP\\HP Connection Optimizer", &[("HPCO.exe", "HP Connection Optimizer")]),
    msi("HP", "HP Hotkey Support", &["7.0.47.1"]),
];

/// Lenovo.
#[rustfmt::skip]
pub(crate) static LENOVO_UTILITIES: &[Product] = &[
    msi("Lenovo Group Limited", "Lenovo Vantage Service", &["4.2.38.0", "3.13.43.0"]),
    msi("Lenovo", "Lenovo System Interface Foundation", &["1.1.22.2"]),
    arp("Lenovo", "Lenovo Commercial Vantage", &["20.2406.13.0"]),
    msi("Lenovo Group Limited", "ThinkPad UltraNav Driver", &["19.0.19.63"]),
    arp("Lenovo", "Lenovo Power Management Driver", &["1.67.17.54"]),
];

/// Physical Intel/Realtek/NVIDIA drivers.
#[rustfmt::skip]
pub(crate) static PHYSICAL_DRIVER_PACKAGES: &[Product] = &[
    msi("Intel Corporation", "Intel(R) Chipset Device Software", &["10.1.19627.8423", "10.1.18836.8283"]),
    msi("Intel Corporation", "Intel(R) Management Engine Components", &["2341.5.10.0", "2229.3.2.0"]),
    msi("Intel Corporation", "Intel(R) Serial IO", &["30.100.2237.26"]),
    msi("Intel Corporation", "Intel(R) Wireless Bluetooth(R)", &["23.80.0.3"]),
    arp("Intel Corporation", "Intel(R) PROSet/Wireless Software", &["23.80.0"]),
    arp("Realtek Semiconductor Corp.", "Realtek Audio Driver", &["6.0.9585.1"]),
    arp("Realtek Semiconductor Corp.", "Realtek Card Reader", &["10.0.22621.21351"]),
    arp("Synaptics Incorporated", "Synaptics Pointing Device Driver", &["19.5.35.72"]),
    arp("NVIDIA Corporation", "NVIDIA Graphics Driver 551.86", &["551.86"]),
    arp("NVIDIA Corporation", "NVIDIA HD Audio Driver 1.3.40.14", &["1.3.40.14"]),
    msi("Intel Corporation", "Intel(R) Rapid Storage Technology", &["19.5.0.1037"]),
];

/// VMware guests.
#[rustfmt::skip]
pub(crate) static VMWARE_TOOLS: Product = msi_with_files("VMware, Inc.", "VMware Tools", &["12.4.5.23787635", "12.3.5.22544099", "12.1.5.20735119", "11.3.5.18557794"], false, "VMware\\VMware Tools", &[("vmtoolsd.exe", "VMware Tools Core Service"), ("VMwareResolutionSet.exe", "VMware Resolution Set"), ("vmwaretoolboxcmd.exe", "VMware Tools Command Line Utility"), ("rpctool.exe", "")]);
