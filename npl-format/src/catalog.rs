//! The package catalog model: `SOFTPKG` with `TITLE`, `ABSTRACT` and `NETDEPLOY::CODEBASE`.

use std::io::Write;

use ndi_format::{Attribute, Result, WriterOptions};

use ndi_format::tree::{
    self, Element, Node, Tree, get_attr, set_attr, start_document, write_nodes,
};

/// The namespace processing instruction real catalogs carry in their prolog.
pub const NAMESPACE_PI: &str =
    r#"XML::NAMESPACE HREF="http://www.managesoft.com/managesoft.dtd" AS="NETDEPLOY""#;

/// A package catalog (`.osd`): the `SOFTPKG` root with its attributes (`NAME`, `TYPE`,
/// `VERSION`, `FORMAT`) and its children (`TITLE`, `ABSTRACT`, `NETDEPLOY::CODEBASE` and
/// anything else), kept in document order. Typed access goes through the accessors.
///
/// ```
/// use npl_format::Catalog;
///
/// let osd = br#"<?xml version="1.0" encoding="UTF-8"?>
/// <!DOCTYPE SOFTPKG SYSTEM "http://www.managesoft.com/softpkg.dtd">
/// <?XML::NAMESPACE HREF="http://www.managesoft.com/managesoft.dtd" AS="NETDEPLOY"?>
/// <SOFTPKG NAME="Default Machine Schedule" TYPE="Schedule" VERSION="1,0,0,0" FORMAT="1.5">
///   <TITLE>Default Machine Schedule</TITLE>
///   <NETDEPLOY::CODEBASE HREF="Default Machine Schedule.nds" SIZE="1234"/>
/// </SOFTPKG>"#;
/// let catalog = Catalog::from_slice(osd)?;
/// assert_eq!(catalog.version_parts(), Some(vec![1, 0, 0, 0]));
/// assert_eq!(catalog.title(), Some("Default Machine Schedule"));
/// assert_eq!(catalog.codebase().unwrap().size(), Some(1234));
/// # Ok::<(), ndi_format::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    /// The DOCTYPE content when it differs from the standard one.
    pub doctype: Option<String>,
    /// Processing instructions of the prolog (normally [`NAMESPACE_PI`]).
    pub processing_instructions: Vec<String>,
    /// `SOFTPKG` attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data before the first child, if any.
    pub text: Option<String>,
    /// Child elements and text, in document order.
    pub children: Vec<Node>,
}

/// A view of the `NETDEPLOY::CODEBASE` element: the catalog's target file.
#[derive(Debug, Clone, Copy)]
pub struct Codebase<'c> {
    /// The element itself.
    pub element: &'c Element,
}

impl<'c> Codebase<'c> {
    /// `HREF`: the target file, relative to the catalog.
    pub fn href(&self) -> Option<&'c str> {
        self.element.attr("HREF")
    }

    /// `MD5` as written (32 hexadecimal digits in a well-formed catalog).
    pub fn md5(&self) -> Option<&'c str> {
        self.element.attr("MD5")
    }

    /// `SIZE` in bytes, when it is a non-negative integer.
    pub fn size(&self) -> Option<u64> {
        self.element
            .attr("SIZE")
            .and_then(|s| s.trim().parse().ok())
    }
}

/// Whether `name` is the codebase element (`NETDEPLOY::CODEBASE`, or `CODEBASE` under any or
/// no prefix).
pub(crate) fn is_codebase(name: &str) -> bool {
    name == "CODEBASE" || name.ends_with("::CODEBASE")
}

impl Catalog {
    /// A catalog with `NAME`, `TYPE`, `VERSION` and `FORMAT="1.5"`, the standard prolog and a
    /// `TITLE` equal to the name (empty when the name is blank, as a reader would see it).
    pub fn new(name: &str, kind: &str, version: &str) -> Self {
        let mut title = Element::new("TITLE", Vec::<(&str, &str)>::new());
        title.text = Some(name.to_owned()).filter(|n| !n.trim().is_empty());
        Catalog {
            doctype: None,
            processing_instructions: vec![NAMESPACE_PI.to_owned()],
            attributes: tree::attrs([
                ("NAME", name),
                ("TYPE", kind),
                ("VERSION", version),
                ("FORMAT", "1.5"),
            ]),
            text: None,
            children: vec![Node::Element(title)],
        }
    }

    /// Reads a `.osd` document. The root element must be `SOFTPKG`.
    pub fn from_slice(bytes: &[u8]) -> Result<Catalog> {
        Self::from_tree(tree::read_tree(bytes)?)
    }

    /// The model of a document already read into a tree (see [`tree::read_once`]). The root
    /// element must be `SOFTPKG`.
    pub fn from_tree(tree: Tree) -> Result<Catalog> {
        tree.expect_root("SOFTPKG")?;
        let (doctype, processing_instructions) = tree.prolog();
        Ok(Catalog {
            doctype,
            processing_instructions,
            attributes: tree.header.attributes,
            text: tree.root_text,
            children: tree.children,
        })
    }

    /// The value of `SOFTPKG` attribute `name` (exact case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        get_attr(&self.attributes, name)
    }

    /// Sets `SOFTPKG` attribute `name`, in place when present, else at the end.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        set_attr(&mut self.attributes, name, value.into());
    }

    /// `NAME`.
    pub fn name(&self) -> Option<&str> {
        self.attr("NAME")
    }

    /// `TYPE` (e.g. `Schedule`).
    pub fn kind(&self) -> Option<&str> {
        self.attr("TYPE")
    }

    /// `VERSION` as written (a comma-separated quad such as `1,0,0,0`).
    pub fn version(&self) -> Option<&str> {
        self.attr("VERSION")
    }

    /// `VERSION` as four integers, when it is a comma-separated quad.
    pub fn version_parts(&self) -> Option<Vec<u32>> {
        self.version().and_then(parse_version_quad)
    }

    /// `FORMAT` (e.g. `1.5`).
    pub fn format(&self) -> Option<&str> {
        self.attr("FORMAT")
    }

    fn child(&self, pred: impl Fn(&str) -> bool) -> Option<&Element> {
        self.children.iter().find_map(|n| match n {
            Node::Element(e) if pred(&e.name) => Some(e),
            _ => None,
        })
    }

    /// The text of `TITLE`.
    pub fn title(&self) -> Option<&str> {
        self.child(|n| n == "TITLE").and_then(|e| e.text.as_deref())
    }

    /// The text of `ABSTRACT`.
    pub fn abstract_text(&self) -> Option<&str> {
        self.child(|n| n == "ABSTRACT")
            .and_then(|e| e.text.as_deref())
    }

    /// The first codebase element.
    pub fn codebase(&self) -> Option<Codebase<'_>> {
        self.child(is_codebase).map(|element| Codebase { element })
    }

    /// Writes the document with `options`.
    pub fn write<W: Write>(&self, out: W, options: WriterOptions) -> Result<W> {
        let mut w = start_document(
            out,
            options,
            "SOFTPKG",
            &self.attributes,
            self.doctype.as_deref(),
            &self.processing_instructions,
            self.text.as_deref(),
        )?;
        write_nodes(&mut w, 1, &self.children)?;
        w.finish()
    }

    /// The document as indented UTF-8 XML.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.write(Vec::new(), WriterOptions::default())
    }
}

/// Parses a comma-separated version quad such as `1,0,0,0` (each part a decimal integer).
pub fn parse_version_quad(s: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = s
        .split(',')
        .map(|p| {
            let p = p.trim();
            if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect();
    parts.filter(|p| p.len() == 4)
}

/// Whether `s` has the shape of an MD5 digest: 32 hexadecimal digits (either case).
pub fn is_md5(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The MD5 digest of `bytes` as 32 lower-case hexadecimal digits.
pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quads_and_md5() {
        assert_eq!(parse_version_quad("1,0,0,0"), Some(vec![1, 0, 0, 0]));
        assert_eq!(parse_version_quad("1.0.0.0"), None);
        assert_eq!(parse_version_quad("1,0,0"), None);
        assert_eq!(parse_version_quad("1,,0,0"), None);
        assert!(is_md5("d41d8cd98f00b204e9800998ecf8427E"));
        assert!(!is_md5("d41d8cd98f00b204e9800998ecf8427"));
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn built_catalog_round_trips() {
        let c = Catalog::new("Default Machine Schedule", "Schedule", "1,0,0,0");
        let bytes = c.to_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("<?XML::NAMESPACE"));
        assert_eq!(Catalog::from_slice(&bytes).unwrap(), c);
    }
}
