//! Agents an organisation puts on every machine: endpoint protection, the systems management
//! client and the inventory agent itself.

use super::{MICROSOFT, Product, arp_with_files, msi_with_files};

/// Endpoint protection products: an organisation standardises on one.
#[rustfmt::skip]
pub(crate) static ENDPOINT_PROTECTION: &[Product] = &[
    msi_with_files("CrowdStrike, Inc.", "CrowdStrike Windows Sensor", &["7.19.18913.0", "7.18.18710.0", "7.16.18613.0"], false, "CrowdStrike", &[("CSFalconService.exe", "CrowdStrike Falcon Sensor Service"), ("CSFalconContainer.exe", "CrowdStrike Falcon Sensor Container")]),
    msi_with_files("Broadcom", "Symantec Endpoint Protection", &["14.3.10148.8000", "14.3.9681.7000"], true, "Symantec\\Symantec Endpoint Protection\\14.3.10148.8000.105\\Bin64", &[("ccSvcHst.exe", "Symantec Service Framework"), ("Smc.exe", "Symantec Management Client"), ("SymCorpUI.exe", "Symantec Endpoint Protection")]),
    msi_with_files("McAfee, LLC", "McAfee Agent", &["5.8.2.260", "5.7.9.139"], false, "McAfee\\Agent", &[("masvc.exe", "McAfee Agent Service"), ("macmnsvc.exe", "McAfee Agent Common Services"), ("cmdagent.exe", "McAfee Agent Command Line Utility")]),
    arp_with_files("Sophos Limited", "Sophos Endpoint Agent", &["2024.2.1.1", "2023.2.3.8"], false, "Sophos\\Sophos Endpoint Agent", &[("SophosUninstall.exe", "Sophos Endpoint Agent Uninstaller"), ("SophosHealth.exe", "Sophos Health")]),
    arp_with_files("SentinelOne", "Sentinel Agent", &["24.1.4.257", "23.4.4.223"], false, "SentinelOne\\Sentinel Agent 24.1.4.257", &[("SentinelAgent.exe", "Sentinel Agent"), ("SentinelServiceHost.exe", "Sentinel Service Host"), ("SentinelCtl.exe", "Sentinel Control")]),
];

/// Systems management agents.
#[rustfmt::skip]
pub(crate) static CONFIGURATION_MANAGER_CLIENT: Product = msi_with_files(MICROSOFT, "Configuration Manager Client", &["5.00.9128.1000", "5.00.9122.1000", "5.00.9106.1000"], false, "C:\\Windows\\CCM", &[("CcmExec.exe", "Host Process for Microsoft Configuration Manager"), ("CmRcService.exe", "Configuration Manager Remote Control Service"), ("SCClient.exe", "Software Center"), ("CcmEval.exe", "Configuration Manager Health Evaluation")]);

/// The inventory agent itself. Its version is the `Tracker` root attribute.
#[rustfmt::skip]
pub(crate) static FLEXERA_INVENTORY_AGENT: Product = msi_with_files("Flexera", "FlexNet Inventory Agent", &["2024.1.0", "23.0.1", "21.2.0", "20.0.1", "19.1.0", "16.0.1", "13.2.0"], true, "ManageSoft", &[("Tracker\\ndtrack.exe", "Tracker"), ("Uploader\\ndupload.exe", "Uploader"), ("Schedule Agent\\ndschedag.exe", "Schedule Agent"), ("Policy Client\\mgspolicy.exe", "Policy Client"), ("Usage Agent\\mgsusageag.exe", "Usage Agent"), ("Launcher\\ndlaunch.exe", "Launcher"), ("Common\\ndinit.exe", "Initialization Tool")]);

/// Tracker versions by agent version (the `Tracker` root attribute).
#[rustfmt::skip]
pub(crate) const TRACKER_VERSION_OF_AGENT: &[&str] = &[
    "24.1.0",
    "23.0.1",
    "21.2.0",
    "20.0.1",
    "19.1.0",
    "16.0.1",
    "13.2.0",
];
