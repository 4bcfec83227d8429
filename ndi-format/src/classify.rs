//! Which typed kind an element is, from the format, its parent's kind and its name.

use crate::format::Format;
use crate::record::RecordKind;

/// The kind of an element named `name` whose parent has kind `parent` (`None` for the root).
pub(crate) fn classify(format: Format, parent: Option<RecordKind>, name: &str) -> RecordKind {
    use RecordKind as K;
    match format {
        Format::Ndi => match (parent, name) {
            (None, "Hardware") => K::HardwareSection,
            (None, "Software") => K::SoftwareSection,
            (None, "Files") => K::FilesSection,
            (Some(K::HardwareSection), "Class") => K::HardwareClass,
            (Some(K::HardwareSection), "Instance") | (Some(K::HardwareClass), "Instance") => {
                K::HardwareInstance
            }
            (Some(K::HardwareInstance), "Property") => K::HardwareProperty,
            (Some(K::HardwareProperty), "Name") => K::PropertyName,
            (Some(K::HardwareProperty), "Value") => K::PropertyValue,
            (Some(K::SoftwareSection), "Installer") => K::Installer,
            (Some(K::FilesSection), "Directory") => K::Directory,
            (Some(K::Directory), "File") => K::File,
            (_, "Content") => K::Content,
            (
                None
                | Some(K::Element | K::ServiceProvider | K::HardwareSection | K::SoftwareSection),
                "ServiceProvider",
            ) => K::ServiceProvider,
            (Some(K::ServiceProvider), "Property") => K::ProviderProperty,
            _ => K::Element,
        },
        Format::Mmi => match (parent, name) {
            (None, "MD") => K::UsageDevice,
            (Some(K::UsageDevice), "USAGE") => K::UsageUser,
            (Some(K::UsageUser), "APPUSAGE") => K::AppUsage,
            _ => K::Element,
        },
        Format::Vdi => match (parent, name) {
            (None, "vdiGroup") => K::VdiGroup,
            (Some(K::VdiGroup), "object") => K::VdiObject,
            _ => K::Element,
        },
        Format::Disco => match (parent, name) {
            (None, "Oracle") => K::OracleHome,
            (Some(K::OracleHome), "Instance") => K::OracleInstance,
            _ => K::Element,
        },
        Format::Npl | Format::Osd | Format::Nds | Format::Other => K::Element,
    }
}
