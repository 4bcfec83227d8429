//! Readers, writers and validation for the policy (`.npl`) and package catalog (`.osd`) files
//! that FlexNet-style inventory beacons hand to their agents.
//!
//! # The formats
//!
//! A beacon generates one policy per device. It is XML 1.0 with the data in attributes: a
//! merged root `Policy` holding one nested `Policy` per contributing policy, each listing
//! `Package`s. A package's `href` points at a small catalog (absolute, or relative to the
//! download root), its `ObjectID` names the package across policies, and `Precedence`
//! decides which policy wins when the same `ObjectID` appears more than once (the larger
//! value wins).
//!
//! ```text
//! <?xml version="1.0" encoding="utf-8"?>
//! <!DOCTYPE Policy PUBLIC "Policy" "http://www.managesoft.com/policy.dtd">
//! <Policy AppliesTo="*" Source="ManageSoft" Version="0">
//!   <Policy GUID="{...}" Source="ManageSoft" Version="0">
//!     <Package href="Schedules/Default%20Machine%20Schedule/Default%20Machine%20Schedule.osd"
//!              ObjectID="{...}" Precedence="0"/>
//!   </Policy>
//! </Policy>
//! ```
//!
//! A standard agent policy has five packages: schedule, client configuration, inventory
//! settings, failover settings and agent upgrade.
//!
//! A catalog (`.osd`) describes one package and its target file. It predates XML namespaces:
//! element names contain `::` literally and the prolog carries a `<?XML::NAMESPACE ...?>`
//! processing instruction, so it is read with namespace processing off:
//!
//! ```text
//! <!DOCTYPE SOFTPKG SYSTEM "http://www.managesoft.com/softpkg.dtd">
//! <?XML::NAMESPACE HREF="http://www.managesoft.com/managesoft.dtd" AS="NETDEPLOY"?>
//! <SOFTPKG NAME="Default Machine Schedule" TYPE="Schedule" VERSION="1,0,0,0" FORMAT="1.5">
//!   <TITLE>Default Machine Schedule</TITLE>
//!   <NETDEPLOY::CODEBASE HREF="Default Machine Schedule.nds" MD5="..." SIZE="..."/>
//! </SOFTPKG>
//! ```
//!
//! # Reading and writing
//!
//! [`Policy::from_slice`] and [`Catalog::from_slice`] read a whole document (plain or gzipped,
//! any supported encoding, with the limits and entity refusal of [`ndi_format::Reader`]) into
//! an owned model. Attributes are kept in document order and anything the model does not
//! recognise is kept as a generic [`Element`], so writing what was read ([`Policy::to_bytes`],
//! [`Catalog::to_bytes`]) reproduces every element, attribute and value in order, and reading
//! what was written gives an equal model.
//!
//! # Checking
//!
//! [`validate_policy`] and [`validate_catalog`] report [`ndi_format::Finding`]s with a stable
//! rule id, a message naming the attribute and value, and a position (line, column, element
//! path). [`validate`] picks the rules by root element. [`Policy::effective_packages`]
//! resolves duplicate `ObjectID`s by `Precedence`.
//!
//! ```
//! use npl_format::{Policy, validate};
//!
//! let npl = br#"<?xml version="1.0" encoding="utf-8"?>
//! <Policy AppliesTo="*" Source="ManageSoft" Version="0">
//!   <Policy GUID="{11111111-1111-1111-1111-111111111111}" Source="ManageSoft" Version="0">
//!     <Package href="Schedules/S/S.osd" ObjectID="{S}" Precedence="0"/>
//!   </Policy>
//!   <Policy GUID="{22222222-2222-2222-2222-222222222222}" Source="ManageSoft" Version="0">
//!     <Package href="Schedules/T/T.osd" ObjectID="{S}" Precedence="10"/>
//!   </Policy>
//! </Policy>"#;
//! let policy = Policy::from_slice(npl)?;
//! let effective = policy.effective_packages();
//! assert_eq!(effective.len(), 1);
//! assert_eq!(effective[0].href, "Schedules/T/T.osd");
//! assert!(validate(npl).is_empty());
//!
//! let broken = br#"<Policy><Policy GUID="{11111111-1111-1111-1111-111111111111}">
//! <Package href="" ObjectID="{S}" Precedence="high"/></Policy></Policy>"#;
//! let rules: Vec<_> = validate(broken).iter().map(|f| f.rule).collect();
//! assert_eq!(rules, ["npl-href", "npl-precedence"]);
//! # Ok::<(), ndi_format::Error>(())
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod catalog;
mod policy;
use ndi_format::tree;
mod validate;

pub use catalog::{Catalog, Codebase, NAMESPACE_PI, is_md5, md5_hex, parse_version_quad};
pub use policy::{EffectivePackage, Package, Policy, PolicyItem};
pub use tree::{Element, Node, Span};
pub use validate::{
    check_catalog, check_policy, is_braced_guid, validate, validate_catalog, validate_policy,
    validate_read,
};
