//! Following records as they stream by, to give each its context.

use std::borrow::Cow;

use crate::model::items::{
    AppUsage, Content, DiscoveredItem, FileEvidence, HardwareProperty, Installer, ProviderProperty,
    VdiAccess,
};
use crate::record::{Record, RecordKind};

/// What one record is, typed, with its context.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Item<'r, 'a> {
    /// A hardware property value.
    HardwareProperty(HardwareProperty<'r>),
    /// Installer evidence.
    Installer(Installer<'r, 'a>),
    /// File evidence.
    File(FileEvidence<'r, 'a>),
    /// Embedded content.
    Content(Content<'r, 'a>),
    /// A service-provider property.
    ProviderProperty(ProviderProperty<'r>),
    /// Application usage.
    AppUsage(AppUsage<'r, 'a>),
    /// VDI access.
    VdiAccess(VdiAccess<'r>),
    /// A discovered item.
    Discovered(DiscoveredItem<'r, 'a>),
    /// A container whose attributes are context for what follows (section, class, instance,
    /// directory, provider, device, user, group). Attributes beyond the ones used as context
    /// are the caller's to keep.
    Container,
    /// A generic element or a text record: keep it with its path.
    Other,
}

/// Context from one ancestor.
#[derive(Debug, Clone)]
struct Frame<'a> {
    depth: u32,
    kind: RecordKind,
    /// Class name, directory path, provider path, group name... by kind.
    label: Cow<'a, str>,
    /// Second value: instance name, provider type.
    extra: Option<Cow<'a, str>>,
    /// Third value: provider name, property name (for `Name`/`Value` children).
    third: Option<Cow<'a, str>>,
    /// Children counter (instances within a class).
    counter: u32,
    /// Own index among the parent's counted children.
    index: u32,
    /// The whole record, for usage and discovery containers.
    record: Option<Record<'a>>,
}

/// Follows records in document order and types each one with its context. Feed it every
/// record of one document, in order.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    stack: Vec<Frame<'a>>,
}

impl<'a> Scope<'a> {
    /// A scope at the start of a document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets everything, for the next document.
    pub fn clear(&mut self) {
        self.stack.clear();
    }

    fn find(&self, kind: RecordKind) -> Option<&Frame<'a>> {
        self.stack.iter().rev().find(|f| f.kind == kind)
    }

    /// Types `record`, updating the context.
    pub fn observe<'r>(&'r mut self, record: &'r Record<'a>) -> Item<'r, 'a> {
        while self.stack.last().is_some_and(|f| f.depth >= record.depth) {
            self.stack.pop();
        }
        use RecordKind as K;
        let frame = |label: Cow<'a, str>| Frame {
            depth: record.depth,
            kind: record.kind,
            label,
            extra: None,
            third: None,
            counter: 0,
            index: 0,
            record: None,
        };
        let attr = |name: &str| -> Cow<'a, str> {
            record
                .attributes
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.value.clone())
                .unwrap_or(Cow::Borrowed(""))
        };
        match record.kind {
            K::HardwareClass => {
                self.stack.push(frame(attr("Name")));
                Item::Container
            }
            K::HardwareInstance => {
                // An instance either sits in a class, or names its class itself.
                let (class, index) = match self.stack.last_mut() {
                    Some(parent) if parent.kind == K::HardwareClass => {
                        parent.counter += 1;
                        (parent.label.clone(), parent.counter - 1)
                    }
                    _ => (attr("Class"), 0),
                };
                let name = record
                    .attributes
                    .iter()
                    .find(|a| a.name == "Name" || a.name == "Id")
                    .map(|a| a.value.clone());
                let mut f = frame(class);
                f.extra = name;
                f.index = index;
                self.stack.push(f);
                Item::Container
            }
            K::HardwareProperty => {
                let mut f = frame(Cow::Borrowed(""));
                f.third = record
                    .attributes
                    .iter()
                    .find(|a| a.name == "Name")
                    .map(|a| a.value.clone());
                let has_value = record.attr("Value").is_some();
                self.stack.push(f);
                if !has_value {
                    return Item::Container;
                }
                let Some(instance) = self.find(K::HardwareInstance) else {
                    return Item::Other;
                };
                Item::HardwareProperty(HardwareProperty {
                    class: &instance.label,
                    instance: instance.index,
                    instance_name: instance.extra.as_deref(),
                    name: record.attr("Name").unwrap_or(""),
                    value: record.attr("Value").unwrap_or(""),
                })
            }
            K::PropertyName => {
                if let Some(p) = self.stack.last_mut() {
                    p.third = record.text.clone();
                }
                Item::Container
            }
            K::PropertyValue => {
                let (Some(p), Some(instance)) = (
                    self.find(K::HardwareProperty),
                    self.find(K::HardwareInstance),
                ) else {
                    return Item::Other;
                };
                Item::HardwareProperty(HardwareProperty {
                    class: &instance.label,
                    instance: instance.index,
                    instance_name: instance.extra.as_deref(),
                    name: p.third.as_deref().unwrap_or(""),
                    value: record.text.as_deref().unwrap_or(""),
                })
            }
            K::Installer => Item::Installer(Installer { record }),
            K::Directory => {
                self.stack.push(frame(attr("Path")));
                Item::Container
            }
            K::File => Item::File(FileEvidence {
                directory: self.find(K::Directory).map(|d| d.label.as_ref()),
                record,
            }),
            K::Content => Item::Content(Content { record }),
            K::ServiceProvider => {
                let parent_path = self.find(K::ServiceProvider).map(|p| p.label.to_string());
                let ty = attr("Type");
                let name = attr("Name");
                let path = match parent_path {
                    Some(p) => format!("{p}/{ty}:{name}"),
                    None => format!("{ty}:{name}"),
                };
                let mut f = frame(Cow::Owned(path));
                f.extra = Some(ty);
                f.third = Some(name);
                self.stack.push(f);
                Item::Container
            }
            K::ProviderProperty => match self.stack.last() {
                Some(p) if p.kind == K::ServiceProvider => {
                    Item::ProviderProperty(ProviderProperty {
                        provider_path: &p.label,
                        provider_type: p.extra.as_deref().unwrap_or(""),
                        provider_name: p.third.as_deref().unwrap_or(""),
                        name: record.attr("Name").unwrap_or(""),
                        value: record.attr("Value").unwrap_or(""),
                    })
                }
                _ => Item::Other,
            },
            K::UsageDevice | K::UsageUser | K::OracleHome => {
                let mut f = frame(Cow::Borrowed(""));
                f.record = Some(record.clone());
                self.stack.push(f);
                if record.kind == K::OracleHome {
                    return Item::Discovered(DiscoveredItem {
                        kind: "oracle_home",
                        home: None,
                        record,
                    });
                }
                Item::Container
            }
            K::AppUsage => Item::AppUsage(AppUsage {
                device: self.find(K::UsageDevice).and_then(|f| f.record.as_ref()),
                user: self.find(K::UsageUser).and_then(|f| f.record.as_ref()),
                record,
            }),
            K::VdiGroup => {
                self.stack.push(frame(attr("name")));
                Item::Container
            }
            K::VdiObject => Item::VdiAccess(VdiAccess {
                group_name: self.find(K::VdiGroup).map(|g| g.label.as_ref()),
                sid: record.attr("Sid"),
            }),
            K::OracleInstance => Item::Discovered(DiscoveredItem {
                kind: "oracle_instance",
                home: self.find(K::OracleHome).and_then(|f| f.record.as_ref()),
                record,
            }),
            K::HardwareSection | K::SoftwareSection | K::FilesSection => Item::Container,
            K::Element | K::Text => Item::Other,
        }
    }

    /// The enclosing Oracle home of a `.disco` record, when the last observed record was one.
    pub fn oracle_home(&self) -> Option<&Record<'a>> {
        self.find(RecordKind::OracleHome)
            .and_then(|f| f.record.as_ref())
    }
}
