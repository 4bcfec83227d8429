//! Reading a document into per-section maps of natural keys to owned values.

use std::collections::{BTreeMap, HashMap, btree_map};
use std::path::Path;

use ndi_format::model::{HardwareProperty, Identity};
use ndi_format::{
    Format, InputBuffer, InputInfo, Limits, Reader, ReaderBuilder, Record, RecordKind, Result,
};

use super::change::{Key, Section, Values};
use super::packed::Packed;

/// Values while they are gathered, in any order.
type Pairs = Vec<(Box<str>, Box<str>)>;

/// Names of key fields, to give decoded keys their static names.
const FIELDS: [&str; 24] = [
    "element",
    "class",
    "instance",
    "property",
    "type",
    "name",
    "publisher",
    "version",
    "directory",
    "file",
    "provider",
    "device",
    "user",
    "week",
    "app",
    "group",
    "sid",
    "home",
    "policy",
    "object_id",
    "href",
    "event",
    "trigger",
    "path",
];

/// A packed value list as a map.
pub(crate) fn to_values(p: &Packed) -> Values {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A packed key with its field names.
pub(crate) fn to_key(p: &Packed) -> Key {
    p.iter()
        .map(|(n, v)| {
            let name = FIELDS.iter().find(|f| **f == n).copied().unwrap_or("field");
            (name, v.to_string())
        })
        .collect()
}

/// One record as stored: the optional disambiguating value (installer version, application
/// name, package href) and the values, packed sorted by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) secondary: Option<Box<str>>,
    pub(crate) values: Packed,
}

/// The records that share a key: almost always one, so no vector for it.
#[derive(Debug, Clone)]
pub(crate) enum Entries {
    One(Entry),
    Many(Vec<Entry>),
}

impl Entries {
    fn push(&mut self, entry: Entry) {
        match std::mem::replace(self, Entries::Many(Vec::new())) {
            Entries::One(first) => *self = Entries::Many(vec![first, entry]),
            Entries::Many(mut all) => {
                all.push(entry);
                *self = Entries::Many(all);
            }
        }
    }

    pub(crate) fn as_slice(&self) -> &[Entry] {
        match self {
            Entries::One(e) => std::slice::from_ref(e),
            Entries::Many(all) => all,
        }
    }
}

/// One stored record, borrowed from a [`Snapshot`].
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'s> {
    /// Its section.
    pub section: Section,
    /// The disambiguating value (installer version, application name, package href), when
    /// the section has one.
    pub secondary: Option<&'s str>,
    key: &'s Packed,
    values: &'s Packed,
}

impl<'s> RecordRef<'s> {
    /// Its natural key.
    pub fn key(&self) -> Key {
        to_key(self.key)
    }

    /// The key field `name`, if the key has it.
    pub fn field(&self, name: &str) -> Option<&'s str> {
        self.key.get(name)
    }

    /// The value of attribute `name`, if the record has it.
    pub fn value(&self, name: &str) -> Option<&'s str> {
        self.values.get(name)
    }

    /// Its values (attribute name and value), sorted by name.
    pub fn values(&self) -> impl Iterator<Item = (&'s str, &'s str)> + 's {
        self.values.iter()
    }

    /// Its values as a map.
    pub fn to_values(&self) -> Values {
        to_values(self.values)
    }
}

/// Instances and properties of one hardware class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassStats {
    /// Instances of the class.
    pub instances: u64,
    /// Property values of the class, over all its instances.
    pub properties: u64,
}

/// Counts gathered while reading, for summaries.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Records (elements and text nodes below the root).
    pub records: u64,
    /// Records per kind, as the reader classified them.
    pub kinds: HashMap<RecordKind, u64>,
    /// Hardware classes by name.
    pub hardware_classes: BTreeMap<String, ClassStats>,
    /// Elements and text nodes the typed model does not recognise (kept by element path).
    pub generic_elements: u64,
}

impl Stats {
    /// How many records the reader classified as `kind`.
    pub fn count(&self, kind: RecordKind) -> u64 {
        self.kinds.get(&kind).copied().unwrap_or(0)
    }

    /// Hardware instances over all classes.
    pub fn hardware_instances(&self) -> u64 {
        self.hardware_classes.values().map(|c| c.instances).sum()
    }

    /// Hardware property values over all classes.
    pub fn hardware_properties(&self) -> u64 {
        self.hardware_classes.values().map(|c| c.properties).sum()
    }
}

/// The most elements a snapshot that keeps every record reads (`diff`, `inspect`): every
/// record costs a few hundred bytes of maps, so a small upload of millions of empty elements
/// would otherwise take gigabytes. Real inventories stay far below (the largest generated
/// one, 25 MB of XML, has about 130,000 elements).
pub const MAX_SNAPSHOT_ELEMENTS: u64 = 2_000_000;

/// The reader limits for `detail`.
fn limits(detail: Detail) -> Limits {
    let defaults = Limits::default();
    match detail {
        Detail::Records => Limits {
            max_elements: defaults.max_elements.min(MAX_SNAPSHOT_ELEMENTS),
            ..defaults
        },
        Detail::Summary => defaults,
    }
}

/// How much of a document [`Snapshot::read`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every record, keyed for comparison.
    Records,
    /// Only the header, identity, counts and input facts (for matching documents).
    Summary,
}

/// A document read for comparison: the root attributes, every record under its natural key
/// (owned, per section, in sorted maps), the device identity and counts. Built by streaming
/// the records once; no element tree is kept.
///
/// ```
/// use ndi_diff::{Section, Snapshot};
///
/// let s = Snapshot::from_slice(br#"<Inventory MachineName="pc1"><Hardware>
///   <Class Name="Win32_BIOS"><Instance><Property Name="SerialNumber" Value="A1"/></Instance>
///   </Class></Hardware></Inventory>"#)?;
/// assert_eq!(s.identity().serial_number.as_deref(), Some("A1"));
/// let hw: Vec<_> = s.records().filter(|r| r.section == Section::Hardware).collect();
/// assert_eq!(hw[0].field("property"), Some("SerialNumber"));
/// assert_eq!(hw[0].value("Value"), Some("A1"));
/// # Ok::<(), ndi_format::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Snapshot {
    format: Format,
    root: String,
    header: Values,
    info: InputInfo,
    xml_bytes: u64,
    warnings: usize,
    identity: Identity,
    usage_device: Option<(String, String)>,
    pub(crate) records: BTreeMap<(Section, Packed), Entries>,
    stats: Stats,
}

impl Snapshot {
    /// Reads every record of `reader`.
    pub fn read(mut reader: Reader<'_>, detail: Detail) -> Result<Snapshot> {
        let header = reader.header();
        let format = reader.format();
        let root = header.root.to_string();
        let header_values: Values = header
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), a.value.to_string()))
            .collect();
        let mut b = Builder::new(format, &root, detail == Detail::Records);
        if format == Format::Ndi
            && let Some(id) = header.attr("AgentID").filter(|v| !v.trim().is_empty())
        {
            b.identity.agent_id = Some(id.trim().to_string());
        }
        let mut record = Record::default();
        while reader.read_record(&mut record)? {
            b.observe(&record);
        }
        b.pop_to(0);
        let mut records = b.records;
        if detail == Detail::Records {
            records.insert(
                (Section::Header, Packed::pack([("element", root.as_str())])),
                Entries::One(Entry {
                    secondary: None,
                    values: Packed::pack(
                        header_values.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    ),
                }),
            );
        }
        Ok(Snapshot {
            format,
            root,
            header: header_values,
            info: reader.input_info(),
            xml_bytes: reader.xml_bytes_read(),
            warnings: usize::try_from(reader.warning_count()).unwrap_or(usize::MAX),
            identity: b.identity,
            usage_device: b.usage_device,
            records,
            stats: b.stats,
        })
    }

    /// Reads bytes in memory (any compression and encoding), keeping every record.
    pub fn from_slice(bytes: &[u8]) -> Result<Snapshot> {
        let reader = ReaderBuilder::new()
            .limits(limits(Detail::Records))
            .from_slice(bytes)?;
        Self::read(reader, Detail::Records)
    }

    /// Reads a file through `buffer`; errors name the file. A path that is not a regular
    /// file (`not-a-file`) or a file over the size limit (`limit-xml-bytes`) is refused before
    /// it is read ([`Reader::from_path`]). Keeping every record, at most
    /// [`MAX_SNAPSHOT_ELEMENTS`] elements are read (`limit-elements`).
    pub fn from_path(path: &Path, buffer: &mut InputBuffer, detail: Detail) -> Result<Snapshot> {
        let reader = ReaderBuilder::new()
            .limits(limits(detail))
            .from_path(path, buffer)?;
        Self::read(reader, detail)
    }

    /// The format, recognised by the root element.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The root element's name.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The root element's attributes.
    pub fn header(&self) -> &Values {
        &self.header
    }

    /// Compression and encoding of the input.
    pub fn input_info(&self) -> InputInfo {
        self.info
    }

    /// Size of the XML text (after decompression and transcoding).
    pub fn xml_bytes(&self) -> u64 {
        self.xml_bytes
    }

    /// How many warnings the reader reported (e.g. characters XML forbids).
    pub fn warnings(&self) -> usize {
        self.warnings
    }

    /// The device identity found in the hardware section (and `AgentID` on the root).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// `.mmi`: the first managed device's `NAME` and `DOMAIN`.
    pub fn usage_device(&self) -> Option<(&str, &str)> {
        self.usage_device
            .as_ref()
            .map(|(n, d)| (n.as_str(), d.as_str()))
    }

    /// Counts per kind, per hardware class, and of generic elements.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Whether `section` was collected: `false` only for an inventory section that is absent
    /// while its root flag says it was not collected (`Hardware="False"` for hardware,
    /// `Software="False"` for installers, files and content, `ServiceProviders="False"` for
    /// service providers). Such a section is "not collected", never "removed".
    pub fn collected(&self, section: Section) -> bool {
        if self.format != Format::Ndi {
            return true;
        }
        let flag = match section {
            Section::Hardware => "Hardware",
            Section::Installers | Section::Files | Section::Content => "Software",
            Section::ServiceProviders => "ServiceProviders",
            _ => return true,
        };
        let not_collected = self
            .header
            .get(flag)
            .and_then(|v| ndi_format::values::parse_bool(v))
            == Some(false);
        !not_collected || self.records.keys().any(|(s, _)| *s == section)
    }

    /// Every stored record, in section and key order (empty for [`Detail::Summary`]).
    pub fn records(&self) -> impl Iterator<Item = RecordRef<'_>> {
        self.records.iter().flat_map(|((section, key), entries)| {
            entries.as_slice().iter().map(move |e| RecordRef {
                section: *section,
                key,
                secondary: e.secondary.as_deref(),
                values: &e.values,
            })
        })
    }

    /// How many records are stored.
    pub fn len(&self) -> usize {
        self.records.values().map(|e| e.as_slice().len()).sum()
    }

    /// Whether no record is stored.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Attributes that name a generic element in its path (the first present wins).
const NAMING_ATTRIBUTES: [&str; 11] = [
    "Name", "name", "NAME", "ID", "Id", "GUID", "ObjectID", "Path", "Home", "SID", "Sid",
];

/// What an ancestor tells its descendants.
#[derive(Debug)]
enum Ctx {
    Plain,
    Class(String),
    Instance {
        class: String,
        label: String,
    },
    Property {
        class: String,
        label: String,
        name: Option<String>,
        values: Pairs,
    },
    Directory(String),
    Provider(String),
    Device(String),
    User {
        device: String,
        user: String,
        week: String,
    },
    VdiGroup(String),
    Home(String),
    Policy(String),
    Event {
        id: String,
        triggers: u32,
    },
}

#[derive(Debug)]
struct Frame {
    depth: u32,
    path: String,
    ctx: Ctx,
    texts: u32,
}

struct Builder {
    format: Format,
    keep: bool,
    root_path: String,
    root_texts: u32,
    stack: Vec<Frame>,
    unnamed_instances: HashMap<String, u32>,
    records: BTreeMap<(Section, Packed), Entries>,
    stats: Stats,
    identity: Identity,
    usage_device: Option<(String, String)>,
}

fn attr(r: &Record<'_>, name: &str) -> String {
    r.attr(name).unwrap_or_default().to_string()
}

fn attrs_except(r: &Record<'_>, except: &[&str]) -> Pairs {
    let mut v: Pairs = r
        .attributes
        .iter()
        .filter(|a| !except.contains(&a.name.as_ref()))
        .map(|a| (a.name.as_ref().into(), a.value.as_ref().into()))
        .collect();
    if let Some(t) = &r.text {
        v.push(("#text".into(), t.as_ref().into()));
    }
    v
}

fn all_attrs(r: &Record<'_>) -> Pairs {
    attrs_except(r, &[])
}

fn segment(r: &Record<'_>) -> String {
    match NAMING_ATTRIBUTES
        .iter()
        .find_map(|n| r.attr(n).map(|v| (n, v)))
    {
        Some((n, v)) => format!("{}[@{n}={v}]", r.name),
        None => format!("{}[{}]", r.name, r.index),
    }
}

fn joined(name: &str, domain: &str) -> String {
    if domain.is_empty() {
        name.to_string()
    } else {
        format!("{name}@{domain}")
    }
}

impl Builder {
    fn new(format: Format, root: &str, keep: bool) -> Self {
        Builder {
            format,
            keep,
            root_path: format!("/{root}"),
            root_texts: 0,
            stack: Vec::new(),
            unnamed_instances: HashMap::new(),
            records: BTreeMap::new(),
            stats: Stats::default(),
            identity: Identity::default(),
            usage_device: None,
        }
    }

    fn emit(&mut self, section: Section, key: Key, secondary: Option<String>, values: Pairs) {
        if section == Section::Elements {
            self.stats.generic_elements += 1;
        }
        if self.keep {
            let key = Packed::pack(key.iter().map(|(n, v)| (*n, v.as_str())));
            let entry = Entry {
                secondary: secondary.map(String::into_boxed_str),
                values: Packed::pack_sorted(values),
            };
            match self.records.entry((section, key)) {
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(Entries::One(entry));
                }
                btree_map::Entry::Occupied(slot) => slot.into_mut().push(entry),
            }
        }
    }

    /// The nearest ancestor context for which `f` gives a value.
    fn find<T>(&self, f: impl Fn(&Ctx) -> Option<T>) -> Option<T> {
        self.stack.iter().rev().find_map(|fr| f(&fr.ctx))
    }

    /// Closes every open element at `depth` or deeper.
    fn pop_to(&mut self, depth: u32) {
        while self.stack.last().is_some_and(|f| f.depth >= depth) {
            if let Some(frame) = self.stack.pop() {
                self.close(frame);
            }
        }
    }

    fn close(&mut self, frame: Frame) {
        if let Ctx::Property {
            class,
            label,
            name,
            values,
        } = frame.ctx
        {
            let name = name.unwrap_or_default();
            let value = values
                .iter()
                .find(|(k, _)| k.as_ref() == "Value")
                .map_or("", |(_, v)| v.as_ref());
            self.identity.observe(&HardwareProperty {
                class: &class,
                instance: 0,
                instance_name: None,
                name: &name,
                value,
            });
            self.stats
                .hardware_classes
                .entry(class.clone())
                .or_default()
                .properties += 1;
            let key = vec![("class", class), ("instance", label), ("property", name)];
            self.emit(Section::Hardware, key, None, values);
        }
    }

    fn observe(&mut self, r: &Record<'_>) {
        self.stats.records += 1;
        *self.stats.kinds.entry(r.kind).or_default() += 1;
        self.pop_to(r.depth);
        if r.kind == RecordKind::Text {
            let (path, n) = match self.stack.last_mut() {
                Some(f) => {
                    f.texts = f.texts.saturating_add(1);
                    (f.path.clone(), f.texts)
                }
                None => {
                    self.root_texts = self.root_texts.saturating_add(1);
                    (self.root_path.clone(), self.root_texts)
                }
            };
            let values = vec![("#text".into(), r.text.as_deref().unwrap_or_default().into())];
            let key = vec![("path", format!("{path}/text()[{n}]"))];
            self.emit(Section::Elements, key, None, values);
            return;
        }
        let parent_path = self
            .stack
            .last()
            .map_or(self.root_path.as_str(), |f| f.path.as_str());
        let path = format!("{parent_path}/{}", segment(r));
        let ctx = self.classify(r, &path);
        self.stack.push(Frame {
            depth: r.depth,
            path,
            ctx,
            texts: 0,
        });
    }

    /// Emits what `r` says and returns the context it gives its children.
    fn classify(&mut self, r: &Record<'_>, path: &str) -> Ctx {
        use RecordKind as K;
        match r.kind {
            K::HardwareSection | K::SoftwareSection | K::FilesSection => {
                if !r.attributes.is_empty() || r.text.is_some() {
                    let key = vec![("path", path.to_string())];
                    self.emit(Section::Elements, key, None, all_attrs(r));
                }
                Ctx::Plain
            }
            K::HardwareClass => {
                let class = attr(r, "Name");
                let extra = attrs_except(r, &["Name"]);
                if !extra.is_empty() {
                    self.emit(
                        Section::Hardware,
                        vec![("class", class.clone())],
                        None,
                        extra,
                    );
                }
                Ctx::Class(class)
            }
            K::HardwareInstance => {
                let class = match self.stack.last().map(|f| &f.ctx) {
                    Some(Ctx::Class(c)) => c.clone(),
                    _ => attr(r, "Class"),
                };
                let label = match r.attr_any(&["Name", "Id"]) {
                    Some(n) => n.to_string(),
                    None => {
                        let n = self.unnamed_instances.entry(class.clone()).or_default();
                        let index = *n;
                        *n = n.saturating_add(1);
                        index.to_string()
                    }
                };
                self.stats
                    .hardware_classes
                    .entry(class.clone())
                    .or_default()
                    .instances += 1;
                let extra = attrs_except(r, &["Name", "Id", "Class"]);
                if !extra.is_empty() {
                    let key = vec![("class", class.clone()), ("instance", label.clone())];
                    self.emit(Section::Hardware, key, None, extra);
                }
                Ctx::Instance { class, label }
            }
            K::HardwareProperty => {
                let instance = self.find(|c| match c {
                    Ctx::Instance { class, label } => Some((class.clone(), label.clone())),
                    _ => None,
                });
                match instance {
                    Some((class, label)) => Ctx::Property {
                        class,
                        label,
                        name: r.attr("Name").map(str::to_string),
                        values: attrs_except(r, &["Name"]),
                    },
                    None => self.generic(r, path),
                }
            }
            K::PropertyName | K::PropertyValue => {
                let text = r.text.as_deref().unwrap_or_default().to_string();
                match self.stack.last_mut().map(|f| &mut f.ctx) {
                    Some(Ctx::Property { name, values, .. }) => {
                        if r.kind == K::PropertyName {
                            *name = Some(text);
                        } else {
                            values.retain(|(k, _)| k.as_ref() != "Value");
                            values.push(("Value".into(), text.into()));
                        }
                        Ctx::Plain
                    }
                    _ => self.generic(r, path),
                }
            }
            K::Installer => {
                let key = vec![
                    ("type", attr(r, "Type")),
                    ("name", attr(r, "Name")),
                    ("publisher", attr(r, "Publisher")),
                ];
                self.emit(
                    Section::Installers,
                    key,
                    Some(attr(r, "Version")),
                    all_attrs(r),
                );
                Ctx::Plain
            }
            K::Directory => {
                let dir = attr(r, "Path");
                let extra = attrs_except(r, &["Path"]);
                if !extra.is_empty() {
                    self.emit(
                        Section::Files,
                        vec![("directory", dir.clone())],
                        None,
                        extra,
                    );
                }
                Ctx::Directory(dir)
            }
            K::File => {
                let dir = self
                    .find(|c| match c {
                        Ctx::Directory(d) => Some(d.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let key = vec![("directory", dir), ("file", attr(r, "Name"))];
                self.emit(Section::Files, key, None, all_attrs(r));
                Ctx::Plain
            }
            K::Content => {
                let mut values = r
                    .attributes
                    .iter()
                    .map(|a| (a.name.as_ref().into(), a.value.as_ref().into()))
                    .collect::<Pairs>();
                let data = r.text.as_deref().unwrap_or_default();
                values.push(("#length".into(), data.len().to_string().into()));
                let digest = blake3::hash(data.as_bytes()).to_hex();
                values.push((
                    "#blake3".into(),
                    digest.as_str().get(..32).unwrap_or_default().into(),
                ));
                self.emit(
                    Section::Content,
                    vec![("name", attr(r, "Name"))],
                    None,
                    values,
                );
                Ctx::Plain
            }
            K::ServiceProvider => {
                let parent = self.find(|c| match c {
                    Ctx::Provider(p) => Some(p.clone()),
                    _ => None,
                });
                let own = format!("{}:{}", attr(r, "Type"), attr(r, "Name"));
                let provider = match parent {
                    Some(p) => format!("{p}/{own}"),
                    None => own,
                };
                let key = vec![("provider", provider.clone())];
                self.emit(Section::ServiceProviders, key, None, all_attrs(r));
                Ctx::Provider(provider)
            }
            K::ProviderProperty => match self.stack.last().map(|f| &f.ctx) {
                Some(Ctx::Provider(p)) => {
                    let key = vec![("provider", p.clone()), ("property", attr(r, "Name"))];
                    self.emit(
                        Section::ServiceProviders,
                        key,
                        None,
                        attrs_except(r, &["Name"]),
                    );
                    Ctx::Plain
                }
                _ => self.generic(r, path),
            },
            K::UsageDevice => {
                let (name, domain) = (attr(r, "NAME"), attr(r, "DOMAIN"));
                let device = joined(&name, &domain);
                if self.usage_device.is_none() {
                    self.usage_device = Some((name, domain));
                }
                let key = vec![("device", device.clone())];
                self.emit(Section::Usage, key, None, all_attrs(r));
                Ctx::Device(device)
            }
            K::UsageUser => {
                let device = self
                    .find(|c| match c {
                        Ctx::Device(d) => Some(d.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let user = joined(&attr(r, "USER"), &attr(r, "DOMAIN"));
                let week = attr(r, "STARTDATE");
                let key = vec![
                    ("device", device.clone()),
                    ("user", user.clone()),
                    ("week", week.clone()),
                ];
                self.emit(Section::Usage, key, None, all_attrs(r));
                Ctx::User { device, user, week }
            }
            K::AppUsage => {
                let (device, user, week) = self
                    .find(|c| match c {
                        Ctx::User { device, user, week } => {
                            Some((device.clone(), user.clone(), week.clone()))
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                let key = vec![
                    ("device", device),
                    ("user", user),
                    ("week", week),
                    ("file", attr(r, "FILENAME")),
                ];
                self.emit(Section::Usage, key, Some(attr(r, "NAME")), all_attrs(r));
                Ctx::Plain
            }
            K::VdiGroup => {
                let group = attr(r, "name");
                self.emit(
                    Section::Vdi,
                    vec![("group", group.clone())],
                    None,
                    all_attrs(r),
                );
                Ctx::VdiGroup(group)
            }
            K::VdiObject => {
                let group = self
                    .find(|c| match c {
                        Ctx::VdiGroup(g) => Some(g.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let key = vec![("group", group), ("sid", attr(r, "Sid"))];
                self.emit(Section::Vdi, key, None, all_attrs(r));
                Ctx::Plain
            }
            K::OracleHome => {
                let home = attr(r, "Home");
                self.emit(
                    Section::Discovery,
                    vec![("home", home.clone())],
                    None,
                    all_attrs(r),
                );
                Ctx::Home(home)
            }
            K::OracleInstance => {
                let home = self
                    .find(|c| match c {
                        Ctx::Home(h) => Some(h.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let key = vec![("home", home), ("sid", attr(r, "SID"))];
                self.emit(Section::Discovery, key, None, all_attrs(r));
                Ctx::Plain
            }
            _ => match self.format {
                Format::Npl => self.policy_element(r, path),
                Format::Nds => self.schedule_element(r, path),
                _ => self.generic(r, path),
            },
        }
    }

    /// `.npl`: nested `Policy` elements and their `Package`s.
    fn policy_element(&mut self, r: &Record<'_>, path: &str) -> Ctx {
        match r.name.as_ref() {
            "Policy" => {
                let guid = r
                    .attr("GUID")
                    .map_or_else(|| path.to_string(), str::to_string);
                self.emit(
                    Section::Policies,
                    vec![("policy", guid.clone())],
                    None,
                    all_attrs(r),
                );
                Ctx::Policy(guid)
            }
            "Package" => {
                let mut values = all_attrs(r);
                if let Some(guid) = self.find(|c| match c {
                    Ctx::Policy(g) => Some(g.clone()),
                    _ => None,
                }) {
                    values.push(("#policy".into(), guid.into()));
                }
                let key = vec![("object_id", attr(r, "ObjectID"))];
                self.emit(Section::Packages, key, Some(attr(r, "href")), values);
                Ctx::Plain
            }
            _ => self.generic(r, path),
        }
    }

    /// `.nds`: `Event`s, their `LogicalCommand` and their `Trigger`s.
    fn schedule_element(&mut self, r: &Record<'_>, path: &str) -> Ctx {
        let in_event = matches!(self.stack.last().map(|f| &f.ctx), Some(Ctx::Event { .. }));
        match r.name.as_ref() {
            "Event" if r.depth == 1 => {
                let id = r
                    .attr("ID")
                    .or_else(|| r.attr("NAME"))
                    .map_or_else(|| path.to_string(), str::to_string);
                self.emit(
                    Section::Events,
                    vec![("event", id.clone())],
                    None,
                    all_attrs(r),
                );
                Ctx::Event { id, triggers: 0 }
            }
            "LogicalCommand" if in_event => {
                let id = match self.stack.last().map(|f| &f.ctx) {
                    Some(Ctx::Event { id, .. }) => id.clone(),
                    _ => String::new(),
                };
                self.emit(Section::Commands, vec![("event", id)], None, all_attrs(r));
                Ctx::Plain
            }
            "Trigger" if in_event => {
                let (id, n) = match self.stack.last_mut().map(|f| &mut f.ctx) {
                    Some(Ctx::Event { id, triggers }) => {
                        *triggers = triggers.saturating_add(1);
                        (id.clone(), *triggers)
                    }
                    _ => (String::new(), 0),
                };
                let key = vec![("event", id), ("trigger", n.to_string())];
                self.emit(Section::Triggers, key, None, all_attrs(r));
                Ctx::Plain
            }
            _ => self.generic(r, path),
        }
    }

    fn generic(&mut self, r: &Record<'_>, path: &str) -> Ctx {
        let key = vec![("path", path.to_string())];
        self.emit(Section::Elements, key, None, all_attrs(r));
        Ctx::Plain
    }
}
