//! A small owned element tree built from the generic records, for the small formats
//! (policies, catalogs, schedules) whose typed models keep everything they do not recognise
//! as elements, plus the offset-to-position bookkeeping their validators need. Inventories
//! are never read into a tree: use the streaming [`Reader`].
//!
//! [`read_once`] reads a document once for a validator: the bytes are decoded into a
//! [`DecodedText`], the tree is read from that text, and the same text places the findings
//! ([`Locator`], [`FindingSink`]); [`Checked`] is what a format's check returns.

use std::borrow::Cow;

use crate::{
    Attribute, DecodedText, Error, Finding, Header, Limits, Location, Position, Reader,
    ReaderBuilder, Record, Result, Severity, Warning, Writer, WriterOptions,
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

impl Tree {
    /// Refuses a tree whose root element is not `expected` (`unexpected-root`), for a
    /// format's model.
    pub fn expect_root(&self, expected: &str) -> Result<()> {
        if self.header.root != expected {
            return Err(crate::ErrorKind::UnexpectedRoot {
                found: self.header.root.to_string(),
                expected: expected.into(),
            }
            .into());
        }
        Ok(())
    }

    /// What a model keeps of the prolog: the DOCTYPE unless it is the format's default
    /// ([`keep_doctype`]) and the processing instructions.
    pub fn prolog(&self) -> (Option<String>, Vec<String>) {
        let pis = self.header.processing_instructions.iter();
        (
            keep_doctype(&self.header),
            pis.map(|p| p.to_string()).collect(),
        )
    }
}

/// Reads every record of `bytes` into a tree.
pub fn read_tree(bytes: &[u8]) -> Result<Tree> {
    tree_from_reader(&mut Reader::from_slice(bytes)?)
}

/// Reads the records `reader` has left into a tree (its header is the tree's).
pub fn tree_from_reader(reader: &mut Reader<'_>) -> Result<Tree> {
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

/// What a document's reader reported by itself: the warnings it kept, how many it found,
/// and the error that stopped it, if any.
#[derive(Debug, Default)]
pub struct ReaderReport {
    /// The warnings kept (at most [`MAX_KEPT_WARNINGS`](crate::MAX_KEPT_WARNINGS)).
    pub warnings: Vec<Warning>,
    /// How many warnings the reader found, kept or not.
    pub warning_count: u64,
    /// The error that stopped the reader.
    pub error: Option<Error>,
}

impl ReaderReport {
    /// The report as findings: the warnings, then the error (what [`read_findings`] gives).
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.warnings.iter().map(Finding::from).collect();
        findings.extend(self.error.as_ref().map(Finding::from));
        findings
    }
}

/// A small document read once: its tree (when it was read without error), what the reader
/// reported, and its decoded text for the positions of findings.
#[derive(Debug)]
pub struct ReadOnce<'a> {
    /// The root element's name, when the reader got that far.
    pub root: Option<String>,
    /// The tree, when the reader got to the end without error.
    pub tree: Option<Tree>,
    /// The reader's warnings and error.
    pub reader: ReaderReport,
    /// Positions in the document's text.
    pub locator: Locator<'a>,
}

/// Reads `bytes` once, with the default limits: decodes them ([`DecodedText`]), reads the
/// tree from that text and keeps the text for positions, so that a validator needs no
/// second read. Bytes that cannot be decoded in memory are read as [`Reader::from_slice`]
/// reads them, so that the error says where the text stops.
pub fn read_once(bytes: &[u8]) -> ReadOnce<'_> {
    let limits = Limits::default();
    let (reader_and_tree, locator) = match DecodedText::decode(bytes, &limits) {
        Ok(text) => {
            let read = read_all(ReaderBuilder::new().limits(limits).from_text(&text));
            (read, Locator::from_text(text))
        }
        Err(_) => (read_all(Reader::from_slice(bytes)), Locator::new(bytes)),
    };
    let (root, tree, reader) = reader_and_tree;
    ReadOnce {
        root,
        tree,
        reader,
        locator,
    }
}

/// Reads an opened document to its end into a tree, with what the reader reported.
fn read_all(opened: Result<Reader<'_>>) -> (Option<String>, Option<Tree>, ReaderReport) {
    let mut reader = match opened {
        Ok(r) => r,
        Err(e) => {
            let report = ReaderReport {
                error: Some(e),
                ..ReaderReport::default()
            };
            return (None, None, report);
        }
    };
    let root = Some(reader.header().root.to_string());
    let tree = tree_from_reader(&mut reader);
    let mut report = ReaderReport {
        warnings: reader.take_warnings(),
        warning_count: reader.warning_count(),
        error: None,
    };
    match tree {
        Ok(tree) => (root, Some(tree), report),
        Err(e) => {
            report.error = Some(e);
            (root, None, report)
        }
    }
}

impl<'a> ReadOnce<'a> {
    /// A format's check of the document read: the reader's findings; then, when it was read
    /// without error, the model `model` makes of the tree (its error, such as a wrong root,
    /// becomes a finding) and the findings `rules` adds about the model.
    pub fn check<T>(
        self,
        model: impl FnOnce(Tree) -> Result<T>,
        rules: impl FnOnce(&T, &mut FindingSink<'a>),
    ) -> Checked<'a, T> {
        let mut findings = self.reader.findings();
        let tree = match self.tree {
            Some(tree) if self.reader.error.is_none() => tree,
            _ => {
                return Checked {
                    root: self.root,
                    model: None,
                    findings,
                    reader: self.reader,
                    locator: self.locator,
                };
            }
        };
        match model(tree) {
            Err(e) => {
                findings.push(Finding::from(&e));
                Checked {
                    root: self.root,
                    model: None,
                    findings,
                    reader: self.reader,
                    locator: self.locator,
                }
            }
            Ok(m) => {
                let mut sink = FindingSink::with_locator(self.locator);
                rules(&m, &mut sink);
                findings.extend(sink.findings);
                Checked {
                    root: self.root,
                    model: Some(m),
                    findings,
                    reader: self.reader,
                    locator: sink.loc,
                }
            }
        }
    }

    /// An `unexpected-root` error finding for a document whose root is none of `expected`
    /// (e.g. `"Policy or SOFTPKG"`), placed on the root's start tag.
    pub fn unexpected_root(&self, root: &str, expected: &str) -> Finding {
        let loc = &self.locator;
        Finding::new(
            Severity::Error,
            "unexpected-root",
            format!("unexpected root element <{root}>, expected {expected}"),
            loc.location(loc.root_offset(root), &format!("/{root}")),
        )
    }
}

/// A format's model and findings from one read of its document ([`read_once`]).
#[derive(Debug)]
pub struct Checked<'a, T> {
    /// The root element's name, when the reader got that far.
    pub root: Option<String>,
    /// The model, when the document was read and had the format's root.
    pub model: Option<T>,
    /// Every finding in order: the reader's warnings and error, then the model's error or
    /// the format's rules.
    pub findings: Vec<Finding>,
    /// What the reader reported by itself (also among `findings`).
    pub reader: ReaderReport,
    /// Positions in the document's text.
    pub locator: Locator<'a>,
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
    let (_, _, report) = read_all(Reader::from_slice(bytes));
    findings.extend(report.findings());
    report.error.is_none()
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
#[derive(Debug)]
pub struct Locator<'a> {
    text: DecodedText<'a>,
}

impl<'a> Locator<'a> {
    /// The XML text of `bytes` as the reader counts offsets ([`DecodedText`] with the default
    /// limits). Bytes that cannot be decoded (which no reader accepts either) are used as
    /// they are, for positions at best approximate.
    pub fn new(bytes: &'a [u8]) -> Self {
        let text = DecodedText::decode(bytes, &Limits::default())
            .unwrap_or_else(|_| DecodedText::as_is(bytes));
        Locator { text }
    }

    /// Positions in text already decoded.
    pub fn from_text(text: DecodedText<'a>) -> Self {
        Locator { text }
    }

    /// The decoded text.
    pub fn text(&self) -> &DecodedText<'a> {
        &self.text
    }

    /// Line and column (1-based, columns in characters) of `offset`.
    pub fn position(&self, offset: u64) -> Position {
        self.text.position(offset)
    }

    /// The offset of the root start tag `<root`, skipping the prolog.
    pub fn root_offset(&self, root: &str) -> u64 {
        let mut from = 0;
        let needle = format!("<{root}");
        let text = self.text.as_bytes();
        while let Some(i) = find(&text[from..], needle.as_bytes()) {
            let at = from + i;
            let next = text.get(at + needle.len()).copied();
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
        let Some(rest) = self.text.as_bytes().get(start..) else {
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
pub struct FindingSink<'a> {
    /// Positions in the document.
    pub loc: Locator<'a>,
    /// What was found, in order.
    pub findings: Vec<Finding>,
}

impl std::fmt::Debug for FindingSink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FindingSink")
            .field("findings", &self.findings)
            .finish_non_exhaustive()
    }
}

impl<'a> FindingSink<'a> {
    /// No findings yet about the document `bytes` (as given: gzipped or not).
    pub fn new(bytes: &'a [u8]) -> Self {
        Self::with_locator(Locator::new(bytes))
    }

    /// No findings yet about the document `loc` places.
    pub fn with_locator(loc: Locator<'a>) -> Self {
        FindingSink {
            loc,
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

    #[test]
    fn read_once_reads_what_the_separate_reads_read() {
        let gzip = crate::Document::from_slice(b"<Policy><P a=\"\x01\"/>t</Policy>")
            .and_then(|d| d.to_bytes(crate::Compression::Gzip))
            .unwrap();
        let inputs: [&[u8]; 6] = [
            b"<?xml version=\"1.0\"?>\n<Policy A=\"1\">x<P/>y<Q>\r\n<R b=\"&#1;\"/></Q></Policy>",
            &gzip,
            &gzip[..gzip.len() - 9],
            b"<Policy><P></Policy>",
            b"",
            b"<Policy/>",
        ];
        for bytes in inputs {
            let read = read_once(bytes);
            let mut findings = Vec::new();
            let ok = read_findings(bytes, &mut findings);
            assert_eq!(read.reader.findings(), findings, "{bytes:?}");
            assert_eq!(read.reader.error.is_none(), ok);
            match (read_tree(bytes), &read.tree) {
                (Ok(expected), Some(tree)) => {
                    assert_eq!(tree.header, expected.header);
                    assert_eq!(tree.root_text, expected.root_text);
                    assert_eq!(tree.children, expected.children);
                    let offsets = |t: &Tree| {
                        t.children
                            .iter()
                            .filter_map(|n| match n {
                                Node::Element(e) => Some(e.span.offset),
                                Node::Text(_) => None,
                            })
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(offsets(tree), offsets(&expected));
                    assert_eq!(read.root.as_deref(), Some("Policy"));
                }
                (Err(_), None) => {}
                (expected, got) => panic!("{bytes:?}: {expected:?} but {got:?}"),
            }
            // The locator places offsets as a locator made from the bytes does.
            let loc = Locator::new(bytes);
            for offset in 0..bytes.len() as u64 + 1 {
                assert_eq!(read.locator.position(offset), loc.position(offset));
            }
        }
    }
}
