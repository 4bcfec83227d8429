//! Typed views over records and headers.
//!
//! Records come flat, in document order; what a value means often depends on its ancestors
//! (a hardware property's class and instance, a file's directory, an application's device and
//! user). A [`Scope`] follows the records as they stream by and turns each one into an
//! [`Item`]: a typed view with its context, borrowing from the record and the scope.
//!
//! ```
//! use ndi_format::{Reader, Record, model::{Item, Scope}};
//!
//! let xml = br#"<Inventory><Hardware><Class Name="Win32_BIOS"><Instance>
//!   <Property Name="SerialNumber" Value="ABC123"/></Instance></Class></Hardware></Inventory>"#;
//! let mut reader = Reader::from_slice(xml)?;
//! let mut scope = Scope::new();
//! let mut record = Record::default();
//! while reader.read_record(&mut record)? {
//!     if let Item::HardwareProperty(p) = scope.observe(&record) {
//!         assert_eq!((p.class, p.instance, p.name, p.value), ("Win32_BIOS", 0, "SerialNumber", "ABC123"));
//!     }
//! }
//! # Ok::<(), ndi_format::Error>(())
//! ```

mod header;
mod identity;
mod items;
mod paths;
mod scope;

pub use header::{DiscoveryHeader, InventoryHeader, UsageHeader, VdiHeader};
pub use identity::Identity;
pub use items::{
    AppUsage, Content, DiscoveredItem, FileEvidence, HardwareProperty, Installer, ProviderProperty,
    VdiAccess,
};
pub use paths::ElementPaths;
pub use scope::{Item, Scope};
