//! Streaming, zero-copy readers and writers for the files FlexNet-style IT-asset agents and
//! beacons exchange: inventories (`.ndi`, `.ndi.gz`), usage (`.mmi`, `.mmi.gz`), VDI access
//! (`.vdi`) and discovery (`.disco`). The same reader also reads policies, catalogs and
//! schedules generically; `npl-format` and `nds-format` build their models on it.
//!
//! # The formats
//!
//! All are XML 1.0 with the data in attributes. An inventory is a root `Inventory` element
//! whose attributes say which machine, when and by which tracker, followed by sections:
//!
//! ```text
//! <Inventory MachineName="pc1" Scope="corp.example" DateTime="20241112T031522" ...>
//!   <Hardware>
//!     <Class Name="Win32_BIOS">
//!       <Instance><Property Name="SerialNumber" Value="ABC123"/></Instance>
//!     </Class>
//!   </Hardware>
//!   <Software><Installer Type="MSI" Name="..." Version="..." Publisher="..."/></Software>
//!   <Files><Directory Path="C:\App"><File Name="app.exe" Version="1.2"/></Directory></Files>
//! </Inventory>
//! ```
//!
//! Usage files (`USAGE`/`MD`/`USAGE`/`APPUSAGE`), VDI access files (`vdiGroups`/`vdiGroup`/
//! `object`) and discovery files (`Discovery`/`Oracle`/`Instance`) follow the same style. The
//! project's `FORMATS.md` describes each, with what is confirmed and what is our decision.
//!
//! # Reading
//!
//! Files arrive gzipped or plain, in UTF-8 (with or without BOM), UTF-16 or a declared
//! legacy encoding; the reader detects all of this from the content, never from the name.
//! [`Reader`] reads the header (root element and prolog) when opened, then one [`Record`] per
//! element in document order with [`Reader::read_record`], reusing the record's allocations.
//! Each record carries a [`RecordKind`] saying what the typed model recognised; the views in
//! [`model`] give typed access (hardware properties with their class and instance, installer
//! and file evidence, service providers with their provider path, usage, VDI and discovery
//! items). Unrecognised elements are [`RecordKind::Element`] records with their path, so
//! nothing is lost.
//!
//! Plain UTF-8 in memory is read zero-copy: values borrow from the input unless unescaping
//! was needed. Streams are read through a reused buffer with bounded memory.
//!
//! [`DecodedText`] is that decoding on its own, for callers that need the XML text itself:
//! the text readers tokenise, with the line and column of any byte offset in it (readers
//! read it zero-copy with [`ReaderBuilder::from_text`]).
//!
//! # Writing
//!
//! [`Writer`] writes a header and records back; reading what it wrote gives equal records,
//! and writing what was read keeps every element, attribute and value in order.
//!
//! # Safety for servers
//!
//! Input is untrusted: errors carry the byte offset, line, column and element path
//! ([`Location`]); [`Limits`] bound decompressed size, depth, attributes, value length and
//! element count; entities declared in a DTD are never expanded and nothing is fetched.
//! Files are read only when they are regular files no larger than the limits allow
//! ([`read_file`], [`Reader::from_path`]): a device, a FIFO or an oversized file is refused
//! before it is read.
//! Characters XML 1.0 forbids are kept and reported as [`Warning`]s.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod assemble;
mod classify;
mod document;
mod error;
mod finding;
mod format;
mod input;
mod limits;
mod lines;
pub mod model;
mod reader;
mod record;
pub mod rules;
mod text;
pub mod tree;
pub mod values;
mod writer;
mod xml;

pub use document::{Document, write_document};
pub use error::{Error, ErrorKind, Location, Position, Result, Warning, WarningKind};
pub use finding::{Finding, Severity};
pub use format::Format;
pub use input::{Compression, InputBuffer, InputInfo, TextEncoding, read_file};
pub use limits::{Limit, Limits};
pub use reader::{MAX_KEPT_WARNINGS, Reader, ReaderBuilder, Records};
pub use record::{Attribute, Header, Record, RecordKind};
pub use text::DecodedText;
pub use writer::{Writer, WriterOptions};
