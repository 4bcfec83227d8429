//! Device identity, gathered from the well-known hardware classes.

use crate::model::items::HardwareProperty;

/// The identity columns of a device: none alone is reliable, so all are kept side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// BIOS serial number (`Win32_BIOS`, `MGS_BIOS` or `VMWARE_BIOS` `SerialNumber`).
    pub serial_number: Option<String>,
    /// Hardware UUID (`Win32_ComputerSystemProduct.UUID` or a `UUID` of another
    /// computer-system class).
    pub hardware_uuid: Option<String>,
    /// Agent id (`AgentID` on the root or as a property of any class).
    pub agent_id: Option<String>,
}

impl Identity {
    /// Takes what `property` says about identity; the first value found wins.
    pub fn observe(&mut self, p: &HardwareProperty<'_>) {
        if p.value.trim().is_empty() {
            return;
        }
        let slot = match (p.class, p.name) {
            ("Win32_BIOS" | "MGS_BIOS" | "VMWARE_BIOS", "SerialNumber") => &mut self.serial_number,
            (
                "Win32_ComputerSystemProduct"
                | "MGS_ComputerSystemProduct"
                | "MGS_ComputerSystem"
                | "VMWARE_VMComputerSystem"
                | "VMWARE_ESXComputerSystem",
                "UUID",
            ) => &mut self.hardware_uuid,
            (_, "AgentID") => &mut self.agent_id,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(p.value.trim().to_string());
        }
    }
}
