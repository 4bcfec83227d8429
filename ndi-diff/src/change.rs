//! The typed result of a comparison: one [`Change`] per added, removed or changed record.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value, json};

/// A record's values: attribute name to value. Order does not matter (attribute order is
/// layout), so the map is sorted by name. Besides the XML attributes a few pseudo-attributes
/// start with `#`: `#text` (character data), `#length` and `#blake3` (embedded content, whose
/// data is compared by digest), `#policy` (the policy that carries a package).
pub type Values = BTreeMap<String, String>;

/// A natural key: named fields, most significant first (e.g. `class`, `instance`,
/// `property`).
pub type Key = Vec<(&'static str, String)>;

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Only in the new document.
    Added,
    /// Only in the old document.
    Removed,
    /// In both, with different values.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    /// The one-character marker of text output: `+`, `-` or `~`.
    pub fn marker(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The group a record belongs to. Changes are reported grouped by section, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Section {
    /// Whole documents present in only one of two folders (key: relative path).
    Documents,
    /// The root element's attributes (key: root element name).
    Header,
    /// `.ndi` hardware (key: class, instance, property; classes and instances have their own
    /// record only when they carry attributes beyond their name).
    Hardware,
    /// `.ndi` installer evidence (key: type, name, publisher; plus version when the same
    /// name and publisher occur several times).
    Installers,
    /// `.ndi` file evidence (key: directory, file name; a directory has its own record only
    /// when it carries attributes beyond its path).
    Files,
    /// `.ndi` embedded content (key: name; the data is compared by length and digest).
    Content,
    /// `.ndi` service providers and their properties (key: provider path, property).
    ServiceProviders,
    /// `.mmi` devices, users and application usage (key: device, user, week, file name;
    /// plus application name when the same file occurs several times).
    Usage,
    /// `.vdi` groups and their accounts (key: group, SID).
    Vdi,
    /// `.disco` Oracle homes and instances (key: home, SID).
    Discovery,
    /// `.npl` contributing policies (key: GUID).
    Policies,
    /// `.npl` packages (key: ObjectID; plus href when the same ObjectID occurs several
    /// times).
    Packages,
    /// `.nds` events (key: ID).
    Events,
    /// `.nds` logical commands (key: event ID).
    Commands,
    /// `.nds` triggers (key: event ID, trigger number within the event, from 1).
    Triggers,
    /// Any other element or text node (key: element path, where an element with a `Name`,
    /// `ID`, `GUID`, `Path`... attribute is named by it and any other by its position).
    Elements,
}

impl Section {
    /// Every section, in report order.
    pub const ALL: [Section; 16] = [
        Section::Documents,
        Section::Header,
        Section::Hardware,
        Section::Installers,
        Section::Files,
        Section::Content,
        Section::ServiceProviders,
        Section::Usage,
        Section::Vdi,
        Section::Discovery,
        Section::Policies,
        Section::Packages,
        Section::Events,
        Section::Commands,
        Section::Triggers,
        Section::Elements,
    ];

    /// The name used in reports (`hardware`, `installers`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Section::Documents => "documents",
            Section::Header => "header",
            Section::Hardware => "hardware",
            Section::Installers => "installers",
            Section::Files => "files",
            Section::Content => "content",
            Section::ServiceProviders => "service_providers",
            Section::Usage => "usage",
            Section::Vdi => "vdi",
            Section::Discovery => "discovery",
            Section::Policies => "policies",
            Section::Packages => "packages",
            Section::Events => "events",
            Section::Commands => "commands",
            Section::Triggers => "triggers",
            Section::Elements => "elements",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One difference between two documents: a record added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The section of the record.
    pub section: Section,
    /// The natural key, readable (e.g. `Win32_BIOS[0].SerialNumber`,
    /// `MSI | 7-Zip 23.01 | Igor Pavlov`).
    pub key: String,
    /// The natural key's fields by name, most significant first.
    pub key_fields: Key,
    /// The old values (`None` when added).
    pub old: Option<Values>,
    /// The new values (`None` when removed).
    pub new: Option<Values>,
    /// The document the change belongs to, when folders are compared.
    pub document: Option<String>,
}

impl Change {
    /// The names of the values that differ between old and new: for a changed record the
    /// attributes added, removed or modified; for an added or removed one, all of them.
    pub fn changed_attributes(&self) -> Vec<&str> {
        let (old, new) = (self.old.as_ref(), self.new.as_ref());
        fn get<'m>(m: Option<&'m Values>, n: &str) -> Option<&'m String> {
            m.and_then(|m| m.get(n))
        }
        let mut names: Vec<&str> = old
            .into_iter()
            .flat_map(|m| m.keys())
            .chain(new.into_iter().flat_map(|m| m.keys()))
            .map(String::as_str)
            .filter(|n| get(old, n) != get(new, n))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The change as a JSON object: `kind`, `section`, `key`, `key_fields` (object), `old`
    /// and `new` (objects of attribute name to value, or null), `changed_attributes`, and
    /// `document` when folders are compared.
    pub fn to_json(&self) -> Value {
        let values = |v: &Option<Values>| match v {
            Some(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect::<Map<String, Value>>(),
            ),
            None => Value::Null,
        };
        let fields: Map<String, Value> = self
            .key_fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), Value::String(v.clone())))
            .collect();
        let mut obj = json!({
            "kind": self.kind.name(),
            "section": self.section.name(),
            "key": self.key,
            "key_fields": fields,
            "old": values(&self.old),
            "new": values(&self.new),
            "changed_attributes": self.changed_attributes(),
        });
        if let (Some(doc), Value::Object(map)) = (&self.document, &mut obj) {
            map.insert("document".into(), Value::String(doc.clone()));
        }
        obj
    }
}

/// The readable form of a key in `section`, with the disambiguating `secondary` value when
/// given.
pub(crate) fn display_key(section: Section, key: &Key, secondary: Option<&str>) -> String {
    let value = |name: &str| {
        key.iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut s = match section {
        Section::Hardware => {
            let mut s = value("class").to_string();
            if key.iter().any(|(k, _)| *k == "instance") {
                s.push('[');
                s.push_str(value("instance"));
                s.push(']');
            }
            if key.iter().any(|(k, _)| *k == "property") {
                s.push('.');
                s.push_str(value("property"));
            }
            s
        }
        _ => key
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
    };
    if let Some(sec) = secondary {
        s.push_str(" | ");
        s.push_str(sec);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_well() {
        let k: Key = vec![
            ("class", "Win32_BIOS".into()),
            ("instance", "0".into()),
            ("property", "SerialNumber".into()),
        ];
        assert_eq!(
            display_key(Section::Hardware, &k, None),
            "Win32_BIOS[0].SerialNumber"
        );
        let k: Key = vec![
            ("type", "MSI".into()),
            ("name", "7-Zip".into()),
            ("publisher", "Igor Pavlov".into()),
        ];
        assert_eq!(
            display_key(Section::Installers, &k, Some("23.01")),
            "MSI | 7-Zip | Igor Pavlov | 23.01"
        );
    }

    #[test]
    fn changed_attributes_and_json() {
        let old: Values = [("Value".to_string(), "A".to_string())].into();
        let new: Values = [
            ("Value".to_string(), "B".to_string()),
            ("Unit".to_string(), "MB".to_string()),
        ]
        .into();
        let c = Change {
            kind: ChangeKind::Changed,
            section: Section::Hardware,
            key: "X[0].P".into(),
            key_fields: vec![("class", "X".into())],
            old: Some(old),
            new: Some(new),
            document: None,
        };
        assert_eq!(c.changed_attributes(), ["Unit", "Value"]);
        let j = c.to_json();
        assert_eq!(j["kind"], "changed");
        assert_eq!(j["old"]["Value"], "A");
        assert_eq!(j["new"]["Unit"], "MB");
        assert_eq!(j["key_fields"]["class"], "X");
        assert!(j.get("document").is_none());
    }
}
