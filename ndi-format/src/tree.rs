//! A small owned element tree built from the generic records, for the small formats
//! (policies, catalogs, schedules) whose typed models keep everything they do not recognise
//! as elements, plus the offset-to-position bookkeeping their validators need. Inventories
//! are never read into a tree: use the streaming [`Reader`].

use std::borrow::Cow;
use std::io::Read;

use crate::{
    Attribute, Finding, Header, Location, Position, Reader, Record, Result, Severity, Writer,
    WriterOptions,
};

/// Where an element was read: the byte offset of its start tag in the XML text and its
/// position among the siblings of the same name (1-based, as in XPath; 0 for elements built
/// by hand).
///
/// A span is bookkeeping, not content: every span equals every other, so two models compare
/// equal when their XML content does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    /// Byte offset of the start tag in the XML text (after decompression and transcoding).
    pub offset: u64,
    /// Position among the siblings of the same name, starting at 1.
    pub index: u32,
}

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Span {}

/// An element the typed model does not recognise, kept whole so that writing reproduces it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Element name (case-sensitive, may contain `::` in catalogs).
    pub name: String,
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data before the first child, if any.
    pub text: Option<String>,
    /// Child elements and text that follows a child (mixed content), in document order.
    pub children: Vec<Node>,
    /// Where it was read.
    pub span: Span,
}

/// A child of an element: an element or character data following a child element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data after a child element (mixed content).
    Text(String),
}

impl Element {
    /// An element with `name` and attributes given as pairs, no text and no children.
    pub fn new<N: Into<String>, V: Into<String>>(
        name: impl Into<String>,
        attributes: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Element {
            name: name.into(),
            attributes: attrs(attributes),
            ..Element::default()
        }
    }

    /// The value of attribute `name` (exact case), if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        get_attr(&self.attributes, name)
    }
}

/// Owned attributes from pairs.
pub fn attrs<N: Into<String>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (N, V)>,
) -> Vec<Attribute<'static>> {
    pairs
        .into_iter()
        .map(|(n, v)| Attribute::new(Cow::Owned(n.into()), Cow::Owned(v.into())))
        .collect()
}

/// The value of attribute `name` in `attributes`.
pub fn get_attr<'s>(attributes: &'s [Attribute<'static>], name: &str) -> Option<&'s str> {
    attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.as_ref())
}

/// Replaces the value of attribute `name` in place (keeping the order) or appends it.
pub fn set_attr(attributes: &mut Vec<Attribute<'static>>, name: &str, value: String) {
    match attributes.iter_mut().find(|a| a.name == name) {
        Some(a) => a.value = Cow::Owned(value),
        None => attributes.push(Attribute::new(Cow::Owned(name.to_owned()), value)),
    }
}

/// A document read whole: its header (DOCTYPE normalised) and the root's content.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Root element and prolog.
    pub header: Header<'static>,
    /// Character data directly in the root, before its first child.
    pub root_text: Option<String>,
    /// The root's children.
    pub children: Vec<Node>,
}

/// Reads every record of `bytes` into a tree.
pub fn read_tree(bytes: &[u8]) -> Result<Tree> {
    let mut reader = Reader::from_slice(bytes)?;
    let header = reader.header().clone().into_owned();
    let mut root: Vec<Node> = Vec::new();
    let mut root_text = None;
    let mut stack: Vec<Element> = Vec::new();
    let mut record = Record::default();
    while reader.read_record(&mut record)? {
        let keep = (record.depth as usize).saturating_sub(1);
        while stack.len() > keep {
            close(&mut stack, &mut root);
        }
        if record.is_text() {
            let text = record.text.as_deref().unwrap_or_default().to_owned();
            match stack.last_mut() {
                Some(top) => top.children.push(Node::Text(text)),
                None if root.is_empty() && root_text.is_none() => root_text = Some(text),
                None => root.push(Node::Text(text)),
            }
        } else {
            stack.push(Element {
                name: record.name.to_string(),
                attributes: record
                    .attributes
                    .iter()
                    .map(|a| a.clone().into_owned())
                    .collect(),
                text: record.text.as_deref().map(str::to_owned),
                children: Vec::new(),
                span: Span {
                    offset: record.offset,
                    index: record.index,
                },
            });
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut root);
    }
    Ok(Tree {
        header,
        root_text,
        children: root,
    })
}

fn close(stack: &mut Vec<Element>, root: &mut Vec<Node>) {
    if let Some(e) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(e)),
            None => root.push(Node::Element(e)),
        }
    }
}

/// The DOCTYPE to keep in a model: `None` when it is the format's default (which writers emit
/// anyway), so that models built by hand and models read back compare equal.
pub fn keep_doctype(header: &Header<'_>) -> Option<String> {
    let doctype = header.doctype.as_deref()?;
    let default = header.format().default_doctype();
    if default.is_some_and(|d| normalise_ws(d) == normalise_ws(doctype)) {
        None
    } else {
        Some(doctype.to_owned())
    }
}

fn normalise_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes one element (and its subtree) at `depth`.
pub fn write_element<W: std::io::Write>(
    w: &mut Writer<W>,
    depth: u32,
    name: &str,
    attributes: &[Attribute<'static>],
    text: Option<&str>,
) -> Result<()> {
    let record = Record {
        depth,
        name: Cow::Borrowed(name),
        index: 1,
        attributes: attributes.to_vec(),
        text: text.map(Cow::Borrowed),
        ..Record::default()
    };
    w.write_record(&record)
}

/// Starts writing a small document: the header from the root name, its attributes, DOCTYPE
/// and prolog processing instructions, then the root's leading text, if any. The caller
/// writes the children and finishes the writer.
pub fn start_document<W: std::io::Write>(
    out: W,
    options: WriterOptions,
    root: &str,
    attributes: &[Attribute<'static>],
    doctype: Option<&str>,
    processing_instructions: &[String],
    text: Option<&str>,
) -> Result<Writer<W>> {
    let mut w = Writer::with_options(out, options);
    let mut header = Header::new(root.to_owned(), Vec::<(&str, &str)>::new());
    header.attributes = attributes.to_vec();
    header.doctype = doctype.map(|d| Cow::Owned(d.to_owned()));
    header.processing_instructions = processing_instructions
        .iter()
        .map(|p| Cow::Owned(p.clone()))
        .collect();
    w.write_header(&header)?;
    if let Some(t) = text {
        write_text(&mut w, 1, t)?;
    }
    Ok(w)
}

/// Reads `bytes` to the end, adding the reader's warnings and error (if any) to `findings`;
/// returns whether the document was read without error.
pub fn read_findings(bytes: &[u8], findings: &mut Vec<Finding>) -> bool {
    let mut reader = match Reader::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            findings.push(Finding::from(&e));
            return false;
        }
    };
    let mut record = Record::default();
    let result = loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    findings.extend(reader.warnings().iter().map(Finding::from));
    match result {
        Ok(()) => true,
        Err(e) => {
            findings.push(Finding::from(&e));
            false
        }
    }
}

/// Writes character data following a child, inside an element at `depth - 1`.
pub fn write_text<W: std::io::Write>(w: &mut Writer<W>, depth: u32, text: &str) -> Result<()> {
    w.write_record(&Record::text_node(depth, Cow::Borrowed(text)))
}

/// Writes generic nodes whose parent is at `depth - 1`.
pub fn write_nodes<W: std::io::Write>(w: &mut Writer<W>, depth: u32, nodes: &[Node]) -> Result<()> {
    for node in nodes {
        match node {
            Node::Element(e) => {
                write_element(w, depth, &e.name, &e.attributes, e.text.as_deref())?;
                write_nodes(w, depth + 1, &e.children)?;
            }
            Node::Text(t) => write_text(w, depth, t)?,
        }
    }
    Ok(())
}

/// Turns byte offsets of the XML text into positions, and finds attributes inside start
/// tags, for the locations of findings.
pub struct Locator {
    text: Vec<u8>,
}

/// The most XML text a locator decompresses (the reader has already accepted the document,
/// so this only guards against surprises).
const MAX_LOCATOR_BYTES: u64 = 64 << 20;

impl Locator {
    /// The XML text of `bytes` as the reader counts offsets: gunzipped, without a UTF-8
    /// byte-order mark, UTF-16 decoded. Other legacy encodings are used as they are: lines
    /// stay right (the line feed byte is the same) and columns are approximate.
    pub fn new(bytes: &[u8]) -> Self {
        let mut raw = Vec::new();
        let plain: &[u8] = if bytes.starts_with(&[0x1f, 0x8b]) {
            let decoder = flate2::read::MultiGzDecoder::new(bytes);
            // A corrupt stream leaves what was decoded; positions are best effort.
            let _ = decoder.take(MAX_LOCATOR_BYTES).read_to_end(&mut raw);
            &raw
        } else {
            bytes
        };
        let text = if let Some(rest) = plain.strip_prefix(b"\xEF\xBB\xBF") {
            rest.to_vec()
        } else if plain.starts_with(b"\xFF\xFE") || plain.starts_with(b"\xFE\xFF") {
            let (decoded, _, _) = encoding_rs::UTF_16LE.decode(plain);
            decoded.into_owned().into_bytes()
        } else {
            plain.to_vec()
        };
        Locator { text }
    }

    /// Line and column (1-based, columns in characters) of `offset`.
    pub fn position(&self, offset: u64) -> Position {
        let end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let Position { line, column, .. } = crate::lines::position_after(&self.text[..end]);
        Position {
            offset,
            line,
            column,
        }
    }

    /// The offset of the root start tag `<root`, skipping the prolog.
    pub fn root_offset(&self, root: &str) -> u64 {
        let mut from = 0;
        let needle = format!("<{root}");
        while let Some(i) = find(&self.text[from..], needle.as_bytes()) {
            let at = from + i;
            let next = self.text.get(at + needle.len()).copied();
            if matches!(
                next,
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') | None
            ) {
                return at as u64;
            }
            from = at + 1;
        }
        0
    }

    /// The offset of attribute `name` inside the start tag at `tag`, or `tag` itself.
    pub fn attribute_offset(&self, tag: u64, name: &str) -> u64 {
        let Ok(start) = usize::try_from(tag) else {
            return tag;
        };
        let Some(rest) = self.text.get(start..) else {
            return tag;
        };
        // The start tag ends at the first '>' outside quotes.
        let mut quote = None;
        let mut end = rest.len();
        for (i, &b) in rest.iter().enumerate() {
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if b == q => quote = None,
                (None, b'>') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let tag_bytes = &rest[..end];
        let mut quote = None;
        let mut i = 0;
        while i < tag_bytes.len() {
            let b = tag_bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None => {
                    let preceded = i > 0 && tag_bytes[i - 1].is_ascii_whitespace();
                    if preceded && tag_bytes[i..].starts_with(name.as_bytes()) {
                        let after = tag_bytes[i + name.len()..]
                            .iter()
                            .find(|c| !c.is_ascii_whitespace());
                        if after == Some(&b'=') {
                            return tag + i as u64;
                        }
                    }
                }
            }
            i += 1;
        }
        tag
    }

    /// A location at `offset` inside `path`.
    pub fn location(&self, offset: u64, path: &str) -> Location {
        Location {
            file: None,
            position: Some(self.position(offset)),
            element_path: Some(path.to_owned()),
        }
    }
}

/// Findings of a format's own rules about one document, each placed by a [`Locator`] on the
/// start tag of the element it is about, or on one of its attributes.
pub struct FindingSink {
    /// Positions in the document.
    pub loc: Locator,
    /// What was found, in order.
    pub findings: Vec<Finding>,
}

impl std::fmt::Debug for FindingSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FindingSink")
            .field("findings", &self.findings)
            .finish_non_exhaustive()
    }
}

impl FindingSink {
    /// No findings yet about the document `bytes` (as given: gzipped or not).
    pub fn new(bytes: &[u8]) -> Self {
        FindingSink {
            loc: Locator::new(bytes),
            findings: Vec::new(),
        }
    }

    /// A finding about attribute `attr` (or the element itself, when `None`) of the element
    /// at `path` whose start tag is at `tag`.
    pub fn push(
        &mut self,
        severity: Severity,
        rule: &'static str,
        message: String,
        tag: u64,
        attr: Option<&str>,
        path: &str,
    ) {
        let offset = attr.map_or(tag, |a| self.loc.attribute_offset(tag, a));
        let location = self.loc.location(offset, path);
        self.findings
            .push(Finding::new(severity, rule, message, location));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The element path of a child `name` with sibling `index` under `parent`.
pub fn child_path(parent: &str, name: &str, index: u32) -> String {
    format!("{parent}/{name}[{}]", index.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_attributes() {
        let xml = "<?xml version=\"1.0\"?>\n<Policy>\n  <Package a=\"x>y\" href=\"\"/>\n</Policy>";
        let loc = Locator::new(xml.as_bytes());
        let root = loc.root_offset("Policy");
        assert_eq!(loc.position(root).line, 2);
        let tree = read_tree(xml.as_bytes()).unwrap();
        let Node::Element(p) = &tree.children[0] else {
            panic!("element expected")
        };
        let pos = loc.position(p.span.offset);
        assert_eq!((pos.line, pos.column), (3, 3));
        let href = loc.position(loc.attribute_offset(p.span.offset, "href"));
        assert_eq!((href.line, href.column), (3, 20));
    }

    #[test]
    fn bom_offsets_match_the_reader() {
        let xml = "\u{FEFF}<Policy>\n<Package/></Policy>";
        let tree = read_tree(xml.as_bytes()).unwrap();
        let Node::Element(p) = &tree.children[0] else {
            panic!("element expected")
        };
        let loc = Locator::new(xml.as_bytes());
        let pos = loc.position(p.span.offset);
        assert_eq!((pos.line, pos.column), (2, 1));
    }
}
