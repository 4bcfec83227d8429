//! Semantic comparison of two documents: what was added, removed and changed, record by
//! record, whatever the layout, attribute order, compression, encoding or record order.
//!
//! A document is read once, streaming, into a [`Snapshot`]: per [`Section`], a sorted map
//! from each record's natural key to its values (attribute name to value). [`diff`] then
//! walks both maps side by side. The natural keys:
//!
//! | Section | Key |
//! |---|---|
//! | `header` | the root element (its attributes are the values) |
//! | `hardware` | class, instance (its `Name` or `Id`, else its index among the class's unnamed instances), property |
//! | `installers` | evidence type, name, publisher (+ version when that triple occurs several times) |
//! | `files` | directory path, file name |
//! | `content` | embedded content name (data compared by length and BLAKE3 digest) |
//! | `service_providers` | provider path (`Type:Name/Type:Name`), property |
//! | `usage` | device, user, week (`STARTDATE`), file name (+ application name when repeated) |
//! | `vdi` | group, SID |
//! | `discovery` | Oracle home, SID |
//! | `policies`, `packages` | policy GUID; package `ObjectID` (+ `href` when repeated) |
//! | `events`, `commands`, `triggers` | event `ID`; trigger number within its event |
//! | `elements` | element path of anything else, elements named by an identifying attribute |
//!
//! When a key occurs once on each side the two records are compared, so a new version of a
//! single installed product is one `changed` record, not a removal and an addition. When it
//! occurs several times (two versions of a product side by side), records are matched by
//! their secondary value (the version), then exactly equal records, and a single remaining
//! record on each side is a change.
//!
//! ```
//! use ndi_diff::{ChangeKind, Section, Snapshot, diff};
//!
//! let old = Snapshot::from_slice(br#"<Inventory><Software>
//!   <Installer Type="MSI" Name="7-Zip" Publisher="Igor Pavlov" Version="22.01"/>
//! </Software></Inventory>"#)?;
//! let new = Snapshot::from_slice(br#"<Inventory>
//!   <Software><Installer Version="23.01" Publisher="Igor Pavlov" Name="7-Zip" Type="MSI"/></Software>
//! </Inventory>"#)?;
//! let changes = diff(&old, &new);
//! assert_eq!(changes.len(), 1);
//! assert_eq!(changes[0].kind, ChangeKind::Changed);
//! assert_eq!(changes[0].section, Section::Installers);
//! assert_eq!(changes[0].changed_attributes(), ["Version"]);
//! # Ok::<(), ndi_format::Error>(())
//! ```
//!
//! Folders are compared document by document: [`DocumentId`] gathers each document's
//! identity and [`pair_documents`] matches them across the two folders (by device identity,
//! then by relative path without a trailing `.gz`, [`path_key`]). A document that cannot be
//! read still takes part by its path ([`DocumentId::unreadable`]), so that its counterpart is
//! not mistaken for a document on one side only.

mod change;
mod documents;
mod packed;
mod snapshot;

use std::cmp::Ordering;

pub use change::{Change, ChangeKind, Key, Section, Values};
pub use documents::{DocumentId, IdentityKind, pair_documents, path_key};
pub use snapshot::{ClassStats, Detail, MAX_SNAPSHOT_ELEMENTS, RecordRef, Snapshot, Stats};

use change::display_key;
use packed::Packed;
use snapshot::{Entry, to_key, to_values};

/// The changes from `old` to `new`, grouped by section and sorted by key within each
/// section. Empty when the documents are equivalent. A section that one side did not
/// collect ([`Snapshot::collected`]) is not compared: only the flag's change in the header is
/// reported.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    let skipped: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| !old.collected(*s) || !new.collected(*s))
        .collect();
    let mut a = old.records.iter().peekable();
    let mut b = new.records.iter().peekable();
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((ka, _)), Some((kb, _))) => ka.cmp(kb),
        };
        match order {
            Ordering::Less => {
                if let Some(((section, key), entries)) = a.next() {
                    compare_group(*section, key, entries.as_slice(), &[], &mut out);
                }
            }
            Ordering::Greater => {
                if let Some(((section, key), entries)) = b.next() {
                    compare_group(*section, key, &[], entries.as_slice(), &mut out);
                }
            }
            Ordering::Equal => {
                if let (Some(((section, key), ea)), Some((_, eb))) = (a.next(), b.next()) {
                    compare_group(*section, key, ea.as_slice(), eb.as_slice(), &mut out);
                }
            }
        }
    }
    out.retain(|c| !skipped.contains(&c.section));
    // Maps are ordered by packed bytes; reports by section, then key fields.
    out.sort_by(|x, y| {
        x.section
            .cmp(&y.section)
            .then_with(|| x.key_fields.cmp(&y.key_fields))
    });
    out
}

/// Compares the records that share one key; see the module documentation for the matching.
fn compare_group(
    section: Section,
    key: &Packed,
    old: &[Entry],
    new: &[Entry],
    out: &mut Vec<Change>,
) {
    let ambiguous = old.len() > 1 || new.len() > 1;
    let change = |kind, o: Option<&Entry>, n: Option<&Entry>| {
        let secondary = if ambiguous {
            n.or(o).and_then(|e| e.secondary.as_deref())
        } else {
            None
        };
        let mut key_fields: Key = to_key(key);
        let display = display_key(section, &key_fields, secondary);
        if let (Some(s), Some(name)) = (secondary, secondary_name(section)) {
            key_fields.push((name, s.to_string()));
        }
        Change {
            kind,
            section,
            key: display,
            key_fields,
            old: o.map(|e| to_values(&e.values)),
            new: n.map(|e| to_values(&e.values)),
            document: None,
        }
    };
    if let ([o], [n]) = (old, new) {
        if o != n {
            out.push(change(ChangeKind::Changed, Some(o), Some(n)));
        }
        return;
    }
    let mut left: Vec<&Entry> = old.iter().collect();
    let mut right: Vec<&Entry> = new.iter().collect();
    let mut pairs: Vec<(&Entry, &Entry)> = Vec::new();
    // 1. Exactly equal records; 2. the same secondary value (version); 3. a single remaining
    // record on each side.
    for same in [
        (|x: &Entry, y: &Entry| x == y) as fn(&Entry, &Entry) -> bool,
        |x: &Entry, y: &Entry| x.secondary == y.secondary,
    ] {
        let mut i = 0;
        while i < left.len() {
            match right.iter().position(|r| same(left[i], r)) {
                Some(j) => {
                    pairs.push((left.remove(i), right.remove(j)));
                }
                None => i += 1,
            }
        }
    }
    if let ([o], [n]) = (left.as_slice(), right.as_slice()) {
        pairs.push((o, n));
        left.clear();
        right.clear();
    }
    let mut changes: Vec<Change> = Vec::new();
    for (o, n) in pairs {
        if o != n {
            changes.push(change(ChangeKind::Changed, Some(o), Some(n)));
        }
    }
    changes.extend(
        left.into_iter()
            .map(|o| change(ChangeKind::Removed, Some(o), None)),
    );
    changes.extend(
        right
            .into_iter()
            .map(|n| change(ChangeKind::Added, None, Some(n))),
    );
    changes.sort_by(|x, y| x.key.cmp(&y.key).then(x.kind.cmp(&y.kind)));
    out.extend(changes);
}

/// The name of a section's secondary key field, if it has one.
fn secondary_name(section: Section) -> Option<&'static str> {
    match section {
        Section::Installers => Some("version"),
        Section::Usage => Some("app"),
        Section::Packages => Some("href"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(xml: &str) -> Snapshot {
        Snapshot::from_slice(xml.as_bytes()).unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    const BASE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Inventory Tracker="21.2.0" MachineName="PC1" Scope="corp" DateTime="20241112T031522">
  <Hardware>
    <Class Name="Win32_BIOS"><Instance>
      <Property Name="SerialNumber" Value="S1"/><Property Name="Manufacturer" Value="Dell"/>
    </Instance></Class>
    <Class Name="Win32_Processor">
      <Instance Name="CPU0"><Property Name="Cores" Value="4"/></Instance>
      <Instance Name="CPU1"><Property Name="Cores" Value="4"/></Instance>
    </Class>
  </Hardware>
  <Software>
    <Installer Type="MSI" Name="7-Zip" Version="23.01" Publisher="Igor Pavlov"/>
    <Installer Type="ARP" Name="Tool" Version="1.0" Publisher="ACME"/>
  </Software>
  <Files><Directory Path="C:\App"><File Name="a.exe" Size="10"/><File Name="b.exe" Size="20"/></Directory></Files>
</Inventory>"#;

    #[test]
    fn layout_attribute_order_record_order_and_gzip_do_not_matter() {
        let reordered = r#"<Inventory DateTime="20241112T031522" Scope="corp" MachineName="PC1" Tracker="21.2.0"><Files><Directory Path="C:\App"><File Size="20" Name="b.exe"/><File Name="a.exe" Size="10"/></Directory></Files><Software><Installer Publisher="ACME" Version="1.0" Name="Tool" Type="ARP"/><Installer Type="MSI" Name="7-Zip" Version="23.01" Publisher="Igor Pavlov"/></Software><Hardware><Class Name="Win32_Processor"><Instance Name="CPU1"><Property Name="Cores" Value="4"/></Instance><Instance Name="CPU0"><Property Name="Cores" Value="4"/></Instance></Class><Class Name="Win32_BIOS"><Instance><Property Name="Manufacturer" Value="Dell"/><Property Name="SerialNumber" Value="S1"/></Instance></Class></Hardware></Inventory>"#;
        let a = snap(BASE);
        let b = Snapshot::from_slice(&gzip(reordered.as_bytes())).unwrap();
        assert_eq!(diff(&a, &b), []);
        assert!(!a.is_empty());
        assert_eq!(a.len(), b.len());
    }

    #[test]
    fn property_alias_forms_are_equivalent() {
        let a = snap(
            r#"<Inventory><Hardware><Class Name="C"><Instance>
            <Property Name="MAC" Value="00:11"/></Instance></Class></Hardware></Inventory>"#,
        );
        let b = snap(
            r#"<Inventory><Hardware><Instance Class="C">
            <Property><Value>00:11</Value><Name>MAC</Name></Property></Instance></Hardware></Inventory>"#,
        );
        assert_eq!(diff(&a, &b), []);
    }

    #[test]
    fn changes_are_reported_with_old_and_new_values() {
        let changed = BASE
            .replace(r#"Value="S1""#, r#"Value="S2""#)
            .replace(r#"Version="23.01""#, r#"Version="24.08""#)
            .replace(r#"<File Name="b.exe" Size="20"/>"#, "")
            .replace(
                "</Software>",
                r#"<Installer Type="MSI" Name="New" Version="1" Publisher="P"/></Software>"#,
            );
        let changes = diff(&snap(BASE), &snap(&changed));
        let summary: Vec<(ChangeKind, Section, &str)> = changes
            .iter()
            .map(|c| (c.kind, c.section, c.key.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    ChangeKind::Changed,
                    Section::Hardware,
                    "Win32_BIOS[0].SerialNumber"
                ),
                (
                    ChangeKind::Changed,
                    Section::Installers,
                    "MSI | 7-Zip | Igor Pavlov"
                ),
                (ChangeKind::Added, Section::Installers, "MSI | New | P"),
                (ChangeKind::Removed, Section::Files, "C:\\App | b.exe"),
            ]
        );
        let serial = &changes[0];
        assert_eq!(serial.old.as_ref().unwrap()["Value"], "S1");
        assert_eq!(serial.new.as_ref().unwrap()["Value"], "S2");
        assert_eq!(changes[1].changed_attributes(), ["Version"]);
        assert!(changes[2].old.is_none());
        assert!(changes[3].new.is_none());
    }

    #[test]
    fn several_versions_side_by_side_are_keyed_by_version() {
        let old = snap(
            r#"<Inventory><Software>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="8.1"/>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="11.0"/>
            </Software></Inventory>"#,
        );
        let new = snap(
            r#"<Inventory><Software>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="11.0"/>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="17.0"/>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="21.0"/>
            </Software></Inventory>"#,
        );
        let changes = diff(&old, &new);
        let summary: Vec<(ChangeKind, &str)> =
            changes.iter().map(|c| (c.kind, c.key.as_str())).collect();
        assert_eq!(
            summary,
            [
                (ChangeKind::Added, "MSI | Java | Oracle | 17.0"),
                (ChangeKind::Added, "MSI | Java | Oracle | 21.0"),
                (ChangeKind::Removed, "MSI | Java | Oracle | 8.1"),
            ]
        );
        assert_eq!(
            changes[0].key_fields.last(),
            Some(&("version", "17.0".to_string()))
        );
        // One version left on each side after matching: an upgrade.
        let newer = snap(
            r#"<Inventory><Software>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="11.0"/>
            <Installer Type="MSI" Name="Java" Publisher="Oracle" Version="8.2"/>
            </Software></Inventory>"#,
        );
        let changes = diff(&old, &newer);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::Changed);
    }

    #[test]
    fn unnamed_instances_are_keyed_by_index_and_header_is_a_section() {
        let old = snap(
            r#"<Inventory MachineName="a"><Hardware><Class Name="Disk">
            <Instance><Property Name="Size" Value="1"/></Instance>
            <Instance><Property Name="Size" Value="2"/></Instance>
            </Class></Hardware></Inventory>"#,
        );
        let new = snap(
            r#"<Inventory MachineName="b"><Hardware><Class Name="Disk">
            <Instance><Property Name="Size" Value="1"/></Instance>
            <Instance><Property Name="Size" Value="3"/></Instance>
            <Instance Id="X"><Property Name="Size" Value="4"/></Instance>
            </Class></Hardware></Inventory>"#,
        );
        let keys: Vec<(ChangeKind, Section, String)> = diff(&old, &new)
            .into_iter()
            .map(|c| (c.kind, c.section, c.key))
            .collect();
        assert_eq!(
            keys,
            [
                (
                    ChangeKind::Changed,
                    Section::Header,
                    "Inventory".to_string()
                ),
                (
                    ChangeKind::Changed,
                    Section::Hardware,
                    "Disk[1].Size".into()
                ),
                (ChangeKind::Added, Section::Hardware, "Disk[X].Size".into()),
            ]
        );
    }

    #[test]
    fn service_providers_usage_vdi_and_discovery() {
        let sp = |v: &str| {
            snap(&format!(
                r#"<Inventory><ServiceProvider Type="VDIBroker" Name="b1">
                <ServiceProvider Type="VDIDevice" Name="CORP\vm01"><Property Name="VDIGroupName" Value="{v}"/></ServiceProvider>
                </ServiceProvider></Inventory>"#
            ))
        };
        let c = diff(&sp("A"), &sp("B"));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].key, "VDIBroker:b1/VDIDevice:CORP\\vm01 | VDIGroupName");

        let usage = |sessions: &str| {
            snap(&format!(
                r#"<USAGE><MD NAME="h" DOMAIN="d"><USAGE USER="u" DOMAIN="D" STARTDATE="20241104T000000">
                <APPUSAGE NAME="Excel" FILENAME="EXCEL.EXE" SESSIONS="{sessions}"/></USAGE></MD></USAGE>"#
            ))
        };
        let c = diff(&usage("1"), &usage("2"));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].section, Section::Usage);
        assert_eq!(c[0].key, "h@d | u@D | 20241104T000000 | EXCEL.EXE");

        let vdi =
            snap(r#"<vdiGroups><vdiGroup name="g"><object Sid="S-1"/></vdiGroup></vdiGroups>"#);
        let vdi2 =
            snap(r#"<vdiGroups><vdiGroup name="g"><object Sid="S-2"/></vdiGroup></vdiGroups>"#);
        let c = diff(&vdi, &vdi2);
        assert_eq!(
            c.iter()
                .map(|c| (c.kind, c.key.as_str()))
                .collect::<Vec<_>>(),
            [
                (ChangeKind::Removed, "g | S-1"),
                (ChangeKind::Added, "g | S-2")
            ]
        );

        let disco = snap(
            r#"<Discovery><Oracle Home="/h"><Instance SID="ORCL" Port="1521"/></Oracle></Discovery>"#,
        );
        let disco2 = snap(
            r#"<Discovery><Oracle Home="/h"><Instance Port="1522" SID="ORCL"/></Oracle></Discovery>"#,
        );
        let c = diff(&disco, &disco2);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].key, "/h | ORCL");
        assert_eq!(c[0].changed_attributes(), ["Port"]);
    }

    #[test]
    fn policies_and_schedules() {
        let npl = |prec: &str| {
            snap(&format!(
                r#"<Policy AppliesTo="*"><Policy GUID="{{A}}">
                <Package href="S/S.osd" ObjectID="{{S}}" Precedence="{prec}"/>
                <Package href="C/C.osd" ObjectID="{{C}}" Precedence="0"/></Policy></Policy>"#
            ))
        };
        let c = diff(&npl("0"), &npl("5"));
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].section, c[0].key.as_str()),
            (Section::Packages, "{S}")
        );
        assert_eq!(c[0].old.as_ref().unwrap()["#policy"], "{A}");

        let nds = |window: &str| {
            snap(&format!(
                r#"<Schedule NAME="S"><Event ID="{{E}}" NAME="Inv"><LogicalCommand COMPONENT="Tracker"/>
                <Trigger TYPE="Daily" TIMEWINDOW="{window}"/><Trigger TYPE="Logon"/></Event></Schedule>"#
            ))
        };
        let c = diff(&nds("60"), &nds("120"));
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].section, c[0].key.as_str()),
            (Section::Triggers, "{E} | 1")
        );
    }

    #[test]
    fn generic_elements_content_and_text() {
        let a = snap(
            r#"<Inventory><Custom Source="s"><Property Name="Stray" Value="1"/><Note>x</Note>
            <Mixed>lead<B/>tail</Mixed></Custom><Content Name="z" Encoding="base64">QUJD</Content></Inventory>"#,
        );
        let b = snap(
            r#"<Inventory><Custom Source="s"><Note>x</Note><Property Value="1" Name="Stray"/>
            <Mixed>lead<B/>tale</Mixed></Custom><Content Name="z" Encoding="base64">QUJE</Content></Inventory>"#,
        );
        let c = diff(&a, &b);
        let keys: Vec<(Section, &str)> = c.iter().map(|c| (c.section, c.key.as_str())).collect();
        assert_eq!(
            keys,
            [
                (Section::Content, "z"),
                (Section::Elements, "/Inventory/Custom[1]/Mixed[1]/text()[1]"),
            ]
        );
        assert_eq!(c[0].changed_attributes(), ["#blake3"]);
    }

    #[test]
    fn sections_not_collected_are_not_removed() {
        let full = snap(BASE);
        let hardware_only = snap(
            &BASE
                .replace(r#"Scope="corp""#, r#"Scope="corp" Software="False""#)
                .replace(
                    BASE.get(BASE.find("<Software>").unwrap()..BASE.find("</Files>").unwrap() + 8)
                        .unwrap(),
                    "",
                ),
        );
        assert!(!hardware_only.collected(Section::Installers));
        assert!(!hardware_only.collected(Section::Files));
        assert!(hardware_only.collected(Section::Hardware));
        let changes = diff(&full, &hardware_only);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].section, Section::Header);
        assert_eq!(changes[0].changed_attributes(), ["Software"]);
        // Software="False" with software present: compared as usual.
        let flagged = snap(&BASE.replace(r#"Scope="corp""#, r#"Scope="corp" Software="False""#));
        assert!(flagged.collected(Section::Installers));
    }

    #[test]
    fn invalid_documents_are_errors() {
        let e = Snapshot::from_slice(b"<Inventory><Hardware></Inventory>").unwrap_err();
        assert_eq!(e.rule(), "xml-syntax");
        assert!(Snapshot::from_slice(b"").is_err());
    }

    #[test]
    fn summaries_keep_identity_and_counts_only() {
        let s = Snapshot::read(
            ndi_format::Reader::from_slice(BASE.as_bytes()).unwrap(),
            Detail::Summary,
        )
        .unwrap();
        assert!(s.is_empty());
        assert_eq!(s.identity().serial_number.as_deref(), Some("S1"));
        assert_eq!(s.stats().hardware_instances(), 3);
        assert_eq!(s.stats().hardware_properties(), 4);
        assert_eq!(s.stats().count(ndi_format::RecordKind::Installer), 2);
        assert_eq!(
            s.stats().hardware_classes["Win32_Processor"],
            ClassStats {
                instances: 2,
                properties: 2
            }
        );
    }
}
