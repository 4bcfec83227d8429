//! Matching the documents of two folders by device identity.

use std::collections::BTreeMap;

use ndi_format::Format;

use super::snapshot::Snapshot;

/// A kind of identity key, strongest first. Documents are matched kind by kind: first by
/// hardware UUID, then by serial number, then by machine name and scope (inventories) or
/// device name and domain (usage), and last by path relative to the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdentityKind {
    /// Inventory: hardware UUID (`Win32_ComputerSystemProduct.UUID` and the like).
    HardwareUuid,
    /// Inventory: BIOS serial number.
    SerialNumber,
    /// Inventory: `MachineName` and `Scope` of the root.
    MachineName,
    /// Usage: `NAME` and `DOMAIN` of the managed device.
    UsageDevice,
    /// Any format: the path relative to the folder.
    RelativePath,
}

impl IdentityKind {
    /// Every kind, strongest first.
    pub const ALL: [IdentityKind; 5] = [
        IdentityKind::HardwareUuid,
        IdentityKind::SerialNumber,
        IdentityKind::MachineName,
        IdentityKind::UsageDevice,
        IdentityKind::RelativePath,
    ];

    /// A short name (`uuid`, `serial`, `machine`, `device`, `path`).
    pub fn name(self) -> &'static str {
        match self {
            IdentityKind::HardwareUuid => "uuid",
            IdentityKind::SerialNumber => "serial",
            IdentityKind::MachineName => "machine",
            IdentityKind::UsageDevice => "device",
            IdentityKind::RelativePath => "path",
        }
    }
}

/// What identifies one document of a folder: its format, its identity keys (normalised:
/// trimmed, UUID and serial upper-case, names lower-case) and its relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentId {
    /// The document's format.
    pub format: Format,
    /// Identity keys, strongest first; the relative path is always the last.
    pub keys: Vec<(IdentityKind, String)>,
    /// Path relative to the folder, with `/` separators.
    pub relative: String,
}

impl DocumentId {
    /// The identity of `snapshot`, found at `relative` in its folder.
    pub fn new(snapshot: &Snapshot, relative: impl Into<String>) -> DocumentId {
        let relative = relative.into();
        let mut keys = Vec::new();
        let mut push = |kind, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                keys.push((kind, v));
            }
        };
        match snapshot.format() {
            Format::Ndi => {
                let id = snapshot.identity();
                push(
                    IdentityKind::HardwareUuid,
                    id.hardware_uuid.as_ref().map(|v| v.trim().to_uppercase()),
                );
                push(
                    IdentityKind::SerialNumber,
                    id.serial_number.as_ref().map(|v| v.trim().to_uppercase()),
                );
                let h = snapshot.header();
                push(
                    IdentityKind::MachineName,
                    h.get("MachineName")
                        .filter(|n| !n.trim().is_empty())
                        .map(|n| {
                            let scope = h.get("Scope").map_or("", |s| s.trim());
                            format!("{}@{}", n.trim(), scope).to_lowercase()
                        }),
                );
            }
            Format::Mmi => push(
                IdentityKind::UsageDevice,
                snapshot
                    .usage_device()
                    .filter(|(n, _)| !n.trim().is_empty())
                    .map(|(n, d)| format!("{}@{}", n.trim(), d.trim()).to_lowercase()),
            ),
            _ => {}
        }
        push(IdentityKind::RelativePath, Some(relative.clone()));
        DocumentId {
            format: snapshot.format(),
            keys,
            relative,
        }
    }

    /// The key of `kind`, if the document has one.
    pub fn key(&self, kind: IdentityKind) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    }

    /// The strongest key as `kind:value` (e.g. `uuid:4C4C4544-...`).
    pub fn describe(&self) -> String {
        self.keys.first().map_or_else(
            || format!("path:{}", self.relative),
            |(k, v)| format!("{}:{v}", k.name()),
        )
    }
}

/// Pairs the documents of two folders: each item is (index in `old`, index in `new`); a
/// document found on one side only has `None` on the other. Keys are tried strongest first
/// ([`IdentityKind::ALL`]); device keys only match documents of the same format. When a key
/// is shared by several documents on a side, those with the same relative path are paired,
/// and the rest only if exactly one remains on each side. Pairs come first, in the order of
/// the old documents, then documents only in `new`.
pub fn pair_documents(
    old: &[DocumentId],
    new: &[DocumentId],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_match: Vec<Option<usize>> = vec![None; old.len()];
    let mut new_match: Vec<Option<usize>> = vec![None; new.len()];
    for kind in IdentityKind::ALL {
        type Groups<'a> = BTreeMap<(Option<Format>, &'a str), (Vec<usize>, Vec<usize>)>;
        let mut groups: Groups<'_> = BTreeMap::new();
        fn group_of(d: &DocumentId, kind: IdentityKind) -> (Option<Format>, Option<&str>) {
            let format = (kind != IdentityKind::RelativePath).then_some(d.format);
            (format, d.key(kind))
        }
        for (i, d) in old.iter().enumerate() {
            if let ((f, Some(k)), None) = (group_of(d, kind), old_match[i]) {
                groups.entry((f, k)).or_default().0.push(i);
            }
        }
        for (j, d) in new.iter().enumerate() {
            if let ((f, Some(k)), None) = (group_of(d, kind), new_match[j]) {
                groups.entry((f, k)).or_default().1.push(j);
            }
        }
        for (os, ns) in groups.values_mut() {
            if os.is_empty() || ns.is_empty() {
                continue;
            }
            let mut pairs = Vec::new();
            if os.len() == 1 && ns.len() == 1 {
                pairs.push((os[0], ns[0]));
            } else {
                for &i in os.iter() {
                    if let Some(&j) = ns
                        .iter()
                        .find(|&&j| new[j].relative == old[i].relative && new_match[j].is_none())
                    {
                        pairs.push((i, j));
                        new_match[j] = Some(i);
                    }
                }
                os.retain(|i| !pairs.iter().any(|(p, _)| p == i));
                ns.retain(|j| !pairs.iter().any(|(_, q)| q == j));
                if os.len() == 1 && ns.len() == 1 {
                    pairs.push((os[0], ns[0]));
                }
            }
            for (i, j) in pairs {
                old_match[i] = Some(j);
                new_match[j] = Some(i);
            }
        }
    }
    let mut out: Vec<(Option<usize>, Option<usize>)> = old_match
        .iter()
        .enumerate()
        .map(|(i, j)| (Some(i), *j))
        .collect();
    out.extend(
        new_match
            .iter()
            .enumerate()
            .filter(|(_, i)| i.is_none())
            .map(|(j, _)| (None, Some(j))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ndi(uuid: &str, serial: &str, name: &str, relative: &str) -> DocumentId {
        let xml = format!(
            r#"<Inventory MachineName="{name}" Scope="corp"><Hardware>
            <Class Name="Win32_BIOS"><Instance><Property Name="SerialNumber" Value="{serial}"/></Instance></Class>
            <Class Name="Win32_ComputerSystemProduct"><Instance><Property Name="UUID" Value="{uuid}"/></Instance></Class>
            </Hardware></Inventory>"#
        );
        let s = Snapshot::from_slice(xml.as_bytes()).unwrap();
        DocumentId::new(&s, relative)
    }

    #[test]
    fn identity_keys_are_normalised() {
        let d = ndi(" abc ", "s1", "PC1", "a.ndi");
        assert_eq!(d.key(IdentityKind::HardwareUuid), Some("ABC"));
        assert_eq!(d.key(IdentityKind::SerialNumber), Some("S1"));
        assert_eq!(d.key(IdentityKind::MachineName), Some("pc1@corp"));
        assert_eq!(d.key(IdentityKind::RelativePath), Some("a.ndi"));
        assert_eq!(d.describe(), "uuid:ABC");
        let e = ndi("", "", "", "b.ndi");
        assert_eq!(e.describe(), "path:b.ndi");

        let mmi =
            Snapshot::from_slice(br#"<USAGE><MD NAME="Host" DOMAIN="Corp"/></USAGE>"#).unwrap();
        let m = DocumentId::new(&mmi, "u.mmi");
        assert_eq!(m.key(IdentityKind::UsageDevice), Some("host@corp"));
    }

    #[test]
    fn documents_pair_by_strongest_identity() {
        let old = vec![
            ndi("U1", "S1", "pc1", "pc1.ndi"),
            ndi("U2", "S2", "pc2", "x.ndi"),
            ndi("", "S3", "pc3", "pc3.ndi"),
            ndi("", "", "gone", "gone.ndi"),
        ];
        let new = vec![
            ndi("U2", "S2", "pc2-renamed", "y.ndi"),
            ndi("U1", "S1", "pc1", "other-name.ndi"),
            ndi("U3", "S3", "pc3", "pc3.ndi"),
            ndi("U9", "S9", "fresh", "fresh.ndi"),
        ];
        let pairs = pair_documents(&old, &new);
        assert_eq!(
            pairs,
            [
                (Some(0), Some(1)),
                (Some(1), Some(0)),
                (Some(2), Some(2)),
                (Some(3), None),
                (None, Some(3)),
            ]
        );
    }

    #[test]
    fn shared_keys_fall_back_to_paths() {
        // Two clones with the same UUID on each side: paired by relative path.
        let old = vec![ndi("U1", "", "a", "a.ndi"), ndi("U1", "", "b", "b.ndi")];
        let new = vec![ndi("U1", "", "b", "b.ndi"), ndi("U1", "", "a", "a.ndi")];
        let pairs = pair_documents(&old, &new);
        assert_eq!(pairs, [(Some(0), Some(1)), (Some(1), Some(0))]);
    }
}
