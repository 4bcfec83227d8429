//! Installed software: how a product is described ([`Product`], [`Bundle`]) and the tables of
//! products, grouped by where they come from.
//!
//! Products are grouped in bundles that are installed together (a product and its runtime
//! components). Probabilities are per cent of workstations / servers that have the bundle.

pub(crate) mod hardware_vendor;
pub(crate) mod long_tail;
pub(crate) mod management_agents;
pub(crate) mod office;
pub(crate) mod quirky;
pub(crate) mod windows_bundles;

/// How an installer is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// Windows Installer package: product code is a GUID.
    Msi,
    /// Add/Remove Programs entry of a non-MSI installer: product code is the registry key.
    Arp,
    /// No installer evidence, only files on disk.
    Files,
}

/// One installed product.
pub(crate) struct Product {
    pub publisher: &'static str,
    /// Display name; `{v}` is replaced by the version.
    pub name: &'static str,
    pub versions: &'static [&'static str],
    pub evidence: Evidence,
    /// Install directory; relative to Program Files unless it starts with a drive.
    pub dir: &'static str,
    pub x86: bool,
    /// `(file name, description)`; a file name may carry a sub-directory (`sub\\x.exe`).
    pub exes: &'static [(&'static str, &'static str)],
}

/// Products installed together.
pub(crate) struct Bundle {
    pub workstation_percent: u8,
    pub server_percent: u8,
    pub items: &'static [Product],
}

/// A product with everything said: the general form the constructors below abbreviate.
#[allow(clippy::too_many_arguments)]
const fn product(
    evidence: Evidence,
    publisher: &'static str,
    name: &'static str,
    versions: &'static [&'static str],
    x86: bool,
    dir: &'static str,
    exes: &'static [(&'static str, &'static str)],
) -> Product {
    Product {
        publisher,
        name,
        versions,
        evidence,
        dir,
        x86,
        exes,
    }
}

type Versions = &'static [&'static str];
type Executables = &'static [(&'static str, &'static str)];

/// A Windows Installer package without file evidence.
const fn msi(publisher: &'static str, name: &'static str, versions: Versions) -> Product {
    product(Evidence::Msi, publisher, name, versions, false, "", &[])
}

/// An Add/Remove Programs entry without file evidence.
const fn arp(publisher: &'static str, name: &'static str, versions: Versions) -> Product {
    product(Evidence::Arp, publisher, name, versions, false, "", &[])
}

/// A Windows Installer package with its executables in `dir`.
const fn msi_with_files(
    publisher: &'static str,
    name: &'static str,
    versions: Versions,
    x86: bool,
    dir: &'static str,
    exes: Executables,
) -> Product {
    product(Evidence::Msi, publisher, name, versions, x86, dir, exes)
}

/// An Add/Remove Programs entry with its executables in `dir`.
const fn arp_with_files(
    publisher: &'static str,
    name: &'static str,
    versions: Versions,
    x86: bool,
    dir: &'static str,
    exes: Executables,
) -> Product {
    product(Evidence::Arp, publisher, name, versions, x86, dir, exes)
}

/// Executables in `dir` that no installer reports.
const fn files_only(
    publisher: &'static str,
    name: &'static str,
    versions: Versions,
    dir: &'static str,
    exes: Executables,
) -> Product {
    product(Evidence::Files, publisher, name, versions, false, dir, exes)
}

/// Products installed together on the given per cent of workstations and servers.
const fn bundle(workstation_percent: u8, server_percent: u8, items: &'static [Product]) -> Bundle {
    Bundle {
        workstation_percent,
        server_percent,
        items,
    }
}

/// The publisher name of Microsoft products.
pub(crate) const MICROSOFT: &str = "Microsoft Corporation";
