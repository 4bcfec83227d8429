//! The record: one element of a document (below the root), in document order.

use std::borrow::Cow;

/// One attribute, in document order, with its value unescaped and normalised as XML 1.0
/// prescribes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attribute<'a> {
    /// Attribute name, case-sensitive.
    pub name: Cow<'a, str>,
    /// Attribute value.
    pub value: Cow<'a, str>,
}

impl<'a> Attribute<'a> {
    /// An attribute from a name and a value.
    pub fn new(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        Attribute {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The same attribute owning its strings.
    pub fn into_owned(self) -> Attribute<'static> {
        Attribute {
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
        }
    }
}

/// What the typed model recognised an element as. The reader classifies every element by its
/// name and its parent's kind; anything it does not recognise is [`RecordKind::Element`], a
/// generic record kept with its element path, so nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RecordKind {
    /// An element the typed model does not recognise.
    #[default]
    Element,
    /// Character data that follows a child element (mixed content); `name` is empty.
    Text,
    /// `.ndi`: the `Hardware` section.
    HardwareSection,
    /// `.ndi`: `Class Name=` under `Hardware`.
    HardwareClass,
    /// `.ndi`: `Instance` under a class, or `Instance Class=` directly under `Hardware`.
    HardwareInstance,
    /// `.ndi`: `Property Name= Value=` under a hardware instance.
    HardwareProperty,
    /// `.ndi`: `Name` child of a hardware `Property` (its text is the property name).
    PropertyName,
    /// `.ndi`: `Value` child of a hardware `Property` (its text is the value).
    PropertyValue,
    /// `.ndi`: the `Software` section.
    SoftwareSection,
    /// `.ndi`: `Installer` evidence under `Software`.
    Installer,
    /// `.ndi`: the `Files` section.
    FilesSection,
    /// `.ndi`: `Directory Path=` under `Files`.
    Directory,
    /// `.ndi`: `File` evidence under a directory.
    File,
    /// `.ndi`: embedded content, `Content Name= Encoding=` with the data as text.
    Content,
    /// `.ndi`: `ServiceProvider Type= Name=`, at any level of the provider tree.
    ServiceProvider,
    /// `.ndi`: `Property Name= Value=` of a service provider.
    ProviderProperty,
    /// `.mmi`: `MD`, the managed device.
    UsageDevice,
    /// `.mmi`: the per-user `USAGE` element.
    UsageUser,
    /// `.mmi`: `APPUSAGE`, one application's usage.
    AppUsage,
    /// `.vdi`: `vdiGroup`, a desktop pool.
    VdiGroup,
    /// `.vdi`: `object Sid=`, one account with access.
    VdiObject,
    /// `.disco`: `Oracle Home=`, one Oracle home.
    OracleHome,
    /// `.disco`: `Instance SID=` under an Oracle home.
    OracleInstance,
}

/// One element of a document below the root, in document (pre-)order.
///
/// `depth` is 1 for children of the root. An element's record is complete when its first
/// child starts or when it ends: `text` is the character data before the first child (for a
/// leaf, all of it); non-whitespace text after a child comes as a separate
/// [`RecordKind::Text`] record one level deeper. Whitespace between elements is not kept.
///
/// Values borrow from the input wherever no unescaping or transcoding was needed.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    /// What the typed model recognised (derived by the reader; writers ignore it).
    pub kind: RecordKind,
    /// Nesting level: 1 for children of the root.
    pub depth: u32,
    /// Element name (empty for [`RecordKind::Text`]).
    pub name: Cow<'a, str>,
    /// Position among the siblings of the same name, starting at 1 (as in XPath).
    pub index: u32,
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'a>>,
    /// Character data, if any.
    pub text: Option<Cow<'a, str>>,
    /// Byte offset of the start tag in the XML text (0 for records built by hand).
    pub offset: u64,
}

/// Two records are equal when their XML content is: depth, name, attributes and text.
/// The derived `kind`, `index` and `offset` are not compared.
impl PartialEq for Record<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.depth == other.depth
            && self.name == other.name
            && self.attributes == other.attributes
            && self.text == other.text
    }
}

impl Eq for Record<'_> {}

impl<'a> Record<'a> {
    /// An element record at `depth` with attributes given as pairs.
    pub fn element<N, V>(
        depth: u32,
        name: impl Into<Cow<'a, str>>,
        attributes: impl IntoIterator<Item = (N, V)>,
    ) -> Self
    where
        N: Into<Cow<'a, str>>,
        V: Into<Cow<'a, str>>,
    {
        Record {
            depth,
            name: name.into(),
            index: 1,
            attributes: attributes_from(attributes),
            ..Record::default()
        }
    }

    /// A text record (mixed content) at `depth`.
    pub fn text_node(depth: u32, text: impl Into<Cow<'a, str>>) -> Self {
        Record {
            kind: RecordKind::Text,
            depth,
            text: Some(text.into()),
            ..Record::default()
        }
    }

    /// The same record with `text` set.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// The value of attribute `name` (exact case), if present.
    #[inline]
    pub fn attr(&self, name: &str) -> Option<&str> {
        attr_value(&self.attributes, name)
    }

    /// The value of the first attribute among `names` that is present (for case variants
    /// such as `UserName`/`Username`).
    pub fn attr_any(&self, names: &[&str]) -> Option<&str> {
        first_attr_value(&self.attributes, names)
    }

    /// Attributes other than `known`, in document order.
    pub fn other_attributes<'s>(
        &'s self,
        known: &'s [&'s str],
    ) -> impl Iterator<Item = &'s Attribute<'a>> + 's {
        self.attributes
            .iter()
            .filter(move |a| !known.contains(&a.name.as_ref()))
    }

    /// Whether this is a mixed-content text record.
    pub fn is_text(&self) -> bool {
        self.kind == RecordKind::Text
    }

    /// The same record owning all its strings.
    pub fn into_owned(self) -> Record<'static> {
        Record {
            kind: self.kind,
            depth: self.depth,
            name: Cow::Owned(self.name.into_owned()),
            index: self.index,
            attributes: self
                .attributes
                .into_iter()
                .map(Attribute::into_owned)
                .collect(),
            text: self.text.map(|t| Cow::Owned(t.into_owned())),
            offset: self.offset,
        }
    }
}

/// Attributes from `(name, value)` pairs, in order: what [`Record::element`] and
/// [`Header::new`] take.
fn attributes_from<'a, N, V>(pairs: impl IntoIterator<Item = (N, V)>) -> Vec<Attribute<'a>>
where
    N: Into<Cow<'a, str>>,
    V: Into<Cow<'a, str>>,
{
    pairs
        .into_iter()
        .map(|(n, v)| Attribute::new(n, v))
        .collect()
}

/// The value of the attribute `name` (exact case) among `attributes`: what
/// [`Record::attr`] and [`Header::attr`] look up.
#[inline]
fn attr_value<'s>(attributes: &'s [Attribute<'_>], name: &str) -> Option<&'s str> {
    attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.as_ref())
}

/// The value of the first attribute among `names` present in `attributes`.
fn first_attr_value<'s>(attributes: &'s [Attribute<'_>], names: &[&str]) -> Option<&'s str> {
    names.iter().find_map(|n| attr_value(attributes, n))
}

/// The root element of a document plus its prolog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header<'a> {
    /// Root element name (`Inventory`, `USAGE`, ...).
    pub root: Cow<'a, str>,
    /// Root attributes in document order.
    pub attributes: Vec<Attribute<'a>>,
    /// The DOCTYPE declaration's content (between `<!DOCTYPE` and `>`), if any.
    pub doctype: Option<Cow<'a, str>>,
    /// Processing instructions of the prolog, e.g. `XML::NAMESPACE HREF="..." AS="NETDEPLOY"`.
    pub processing_instructions: Vec<Cow<'a, str>>,
}

impl<'a> Header<'a> {
    /// A header with root element `root` and attributes given as pairs.
    pub fn new<N, V>(
        root: impl Into<Cow<'a, str>>,
        attributes: impl IntoIterator<Item = (N, V)>,
    ) -> Self
    where
        N: Into<Cow<'a, str>>,
        V: Into<Cow<'a, str>>,
    {
        Header {
            root: root.into(),
            attributes: attributes_from(attributes),
            doctype: None,
            processing_instructions: Vec::new(),
        }
    }

    /// The value of root attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        attr_value(&self.attributes, name)
    }

    /// The value of the first root attribute among `names` that is present.
    pub fn attr_any(&self, names: &[&str]) -> Option<&str> {
        first_attr_value(&self.attributes, names)
    }

    /// The format this root element stands for.
    pub fn format(&self) -> crate::Format {
        crate::Format::from_root(&self.root)
    }

    /// The same header owning all its strings.
    pub fn into_owned(self) -> Header<'static> {
        Header {
            root: Cow::Owned(self.root.into_owned()),
            attributes: self
                .attributes
                .into_iter()
                .map(Attribute::into_owned)
                .collect(),
            doctype: self.doctype.map(|d| Cow::Owned(d.into_owned())),
            processing_instructions: self
                .processing_instructions
                .into_iter()
                .map(|p| Cow::Owned(p.into_owned()))
                .collect(),
        }
    }
}
