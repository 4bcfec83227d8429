//! Matching the documents of two folders by device identity.

use std::collections::BTreeMap;

use ndi_format::Format;

use super::snapshot::Snapshot;

/// A kind of identity key, strongest first. Documents are matched kind by kind: first by
/// hardware UUID, then by serial number, then by machine name and scope (inventories) or
/// device name and domain (usage), and last by path relative to the folder with a trailing
/// `.gz` removed ([`path_key`]), so that compression never changes a document's identity.
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
    /// Any format: the path relative to the folder, without a trailing `.gz` ([`path_key`]).
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

/// The identity of a document by its path relative to its folder: the path with one trailing
/// `.gz` (any case) removed, so that `X.npl` and `X.npl.gz` are the same document.
///
/// ```
/// assert_eq!(ndi_diff::path_key("sub/X.npl.gz"), "sub/X.npl");
/// assert_eq!(ndi_diff::path_key("X.NDI.GZ"), "X.NDI");
/// assert_eq!(ndi_diff::path_key("X.npl"), "X.npl");
/// assert_eq!(ndi_diff::path_key(".gz"), ".gz");
/// ```
pub fn path_key(relative: &str) -> &str {
    match relative.split_at_checked(relative.len().saturating_sub(3)) {
        Some((head, tail)) if !head.is_empty() && tail.eq_ignore_ascii_case(".gz") => head,
        _ => relative,
    }
}

/// What identifies one document of a folder: its format, its identity keys (normalised:
/// trimmed, UUID and serial upper-case, names lower-case, paths without `.gz`) and its
/// relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentId {
    /// The document's format.
    pub format: Format,
    /// Identity keys, strongest first; the relative path ([`path_key`]) is always the last.
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
        push(
            IdentityKind::RelativePath,
            Some(path_key(&relative).to_string()),
        );
        DocumentId {
            format: snapshot.format(),
            keys,
            relative,
        }
    }

    /// The identity of a document that could not be read: format [`Format::Other`] and its
    /// relative path as the only key, so that it still pairs with its counterpart by path.
    pub fn unreadable(relative: impl Into<String>) -> DocumentId {
        let relative = relative.into();
        DocumentId {
            format: Format::Other,
            keys: vec![(IdentityKind::RelativePath, path_key(&relative).to_string())],
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

    /// The strongest key as `kind:value` (e.g. `uuid:4C4C4544-...`, `path:sub/X.npl`).
    pub fn describe(&self) -> String {
        self.keys.first().map_or_else(
            || format!("path:{}", path_key(&self.relative)),
            |(k, v)| format!("{}:{v}", k.name()),
        )
    }
}

/// Pairs the documents of two folders: each item is (index in `old`, index in `new`); a
/// document found on one side only has `None` on the other. Keys are tried strongest first
/// ([`IdentityKind::ALL`]); device keys only match documents of the same format. When a key
/// is shared by several documents on a side, those with exactly the same relative path are
/// paired first, then those whose [`path_key`] is unique on both sides, and the rest only if
/// exactly one remains on each side. So when a folder holds both `X.npl` and `X.npl.gz`, the
/// one named exactly as on the other side is paired and the other is a document on one side
/// only; when neither name is on the other side (`X.npl.GZ` there), none is paired. The
/// result depends only on the two lists. Pairs come first, in the order of the old
/// documents, then documents only in `new`.
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
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            if os.len() == 1 && ns.len() == 1 {
                pairs.push((os[0], ns[0]));
            } else {
                // 1. The same relative path (unique on each side: one folder, one name).
                for &i in os.iter() {
                    if let Some(&j) = ns.iter().find(|&&j| new[j].relative == old[i].relative) {
                        pairs.push((i, j));
                    }
                }
                os.retain(|i| !pairs.iter().any(|(p, _)| p == i));
                ns.retain(|j| !pairs.iter().any(|(_, q)| q == j));
                // 2. The same path up to compression, when unique on both sides.
                let unique = |ids: &[DocumentId], among: &[usize], key: &str| {
                    among
                        .iter()
                        .filter(|&&k| path_key(&ids[k].relative) == key)
                        .count()
                        == 1
                };
                let mut by_path = Vec::new();
                for &i in os.iter() {
                    let key = path_key(&old[i].relative);
                    if !unique(old, os, key) || !unique(new, ns, key) {
                        continue;
                    }
                    if let Some(&j) = ns.iter().find(|&&j| path_key(&new[j].relative) == key) {
                        by_path.push((i, j));
                    }
                }
                os.retain(|i| !by_path.iter().any(|(p, _)| p == i));
                ns.retain(|j| !by_path.iter().any(|(_, q)| q == j));
                pairs.extend(by_path);
                // 3. A single document left on each side.
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

    fn npl(relative: &str) -> DocumentId {
        let s = Snapshot::from_slice(br#"<Policy><Policy GUID="{A}"/></Policy>"#).unwrap();
        DocumentId::new(&s, relative)
    }

    #[test]
    fn paths_match_whatever_the_compression() {
        let d = npl("sub/X.npl.gz");
        assert_eq!(d.key(IdentityKind::RelativePath), Some("sub/X.npl"));
        assert_eq!(d.relative, "sub/X.npl.gz");
        assert_eq!(d.describe(), "path:sub/X.npl");
        let pairs = pair_documents(
            &[npl("X.npl"), npl("Y.nds")],
            &[npl("Y.nds.GZ"), npl("X.npl.gz")],
        );
        assert_eq!(pairs, [(Some(0), Some(1)), (Some(1), Some(0))]);
    }

    #[test]
    fn plain_and_gzipped_copies_pair_by_exact_name_first() {
        let both = [npl("X.npl"), npl("X.npl.gz")];
        assert_eq!(
            pair_documents(&both, &[npl("X.npl.gz")]),
            [(Some(0), None), (Some(1), Some(0))]
        );
        assert_eq!(
            pair_documents(&[npl("X.npl")], &both),
            [(Some(0), Some(0)), (None, Some(1))]
        );
        // Neither name on the other side: no arbitrary choice.
        assert_eq!(
            pair_documents(&both, &[npl("X.npl.GZ")]),
            [(Some(0), None), (Some(1), None), (None, Some(0))]
        );
        // Clones sharing a device key pair by path up to compression.
        let old = vec![ndi("U1", "", "a", "a.ndi"), ndi("U1", "", "b", "b.ndi")];
        let new = vec![
            ndi("U1", "", "b", "b.ndi.gz"),
            ndi("U1", "", "a", "a.ndi.gz"),
        ];
        assert_eq!(
            pair_documents(&old, &new),
            [(Some(0), Some(1)), (Some(1), Some(0))]
        );
    }

    #[test]
    fn unreadable_documents_pair_by_path_only() {
        let broken = DocumentId::unreadable("X.ndi.gz");
        assert_eq!(broken.format, Format::Other);
        assert_eq!(
            broken.keys,
            [(IdentityKind::RelativePath, "X.ndi".to_string())]
        );
        let pairs = pair_documents(&[ndi("U1", "S1", "pc", "X.ndi")], &[broken]);
        assert_eq!(pairs, [(Some(0), Some(0))]);
    }
}
