//! The policy model: `Policy` elements nested in a `Policy` root, each holding `Package`s.

use std::collections::HashMap;
use std::io::Write;

use ndi_format::{Attribute, Result, Writer, WriterOptions};

use ndi_format::tree::{
    self, Element, Node, Span, Tree, get_attr, set_attr, start_document, write_element,
    write_nodes, write_text,
};

/// A policy: the root `Policy` of a `.npl` document, or one `Policy` nested in it.
///
/// The root of a merged policy carries `AppliesTo`, `Source` and `Version`; each nested policy
/// (one per contributing policy) carries `GUID`, `Source` and `Version` and holds the
/// [`Package`]s. Attributes stay in document order; anything unrecognised is kept in
/// [`PolicyItem::Other`].
///
/// ```
/// use npl_format::Policy;
///
/// let npl = br#"<Policy AppliesTo="*"><Policy GUID="{A}">
///   <Package href="Schedules/S/S.osd" ObjectID="{S}" Precedence="0"/>
/// </Policy></Policy>"#;
/// let policy = Policy::from_slice(npl)?;
/// assert_eq!(policy.attr("AppliesTo"), Some("*"));
/// let inner = policy.policies().next().unwrap();
/// assert_eq!(inner.guid(), Some("{A}"));
/// assert_eq!(inner.packages().next().unwrap().href(), Some("Schedules/S/S.osd"));
/// // Writing what was read keeps every element and attribute in order.
/// assert_eq!(Policy::from_slice(&policy.to_bytes()?)?, policy);
/// # Ok::<(), ndi_format::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// The DOCTYPE content when it differs from the standard one (root only; writers emit
    /// the standard one when this is `None`).
    pub doctype: Option<String>,
    /// Processing instructions of the prolog (root only).
    pub processing_instructions: Vec<String>,
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data before the first child, if any.
    pub text: Option<String>,
    /// Nested policies, packages and anything else, in document order.
    pub items: Vec<PolicyItem>,
    /// Where it was read.
    pub span: Span,
}

/// A child of a [`Policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyItem {
    /// A nested `Policy`.
    Policy(Policy),
    /// A `Package`.
    Package(Package),
    /// Any other element, kept whole.
    Other(Element),
    /// Character data after a child element.
    Text(String),
}

/// A `Package`: a pointer to the `.osd` catalog of one package.
///
/// ```
/// use npl_format::Package;
///
/// let p = Package::new("Schedules/Default%20Machine%20Schedule/Default%20Machine%20Schedule.osd", "{S}", 0);
/// assert_eq!(p.precedence(), Some(0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Package {
    /// Attributes in document order (`href`, `ObjectID`, `Precedence` and any others).
    pub attributes: Vec<Attribute<'static>>,
    /// Character data, if any (real packages have none).
    pub text: Option<String>,
    /// Child elements, if any (real packages have none), kept whole.
    pub children: Vec<Node>,
    /// Where it was read.
    pub span: Span,
}

impl Package {
    /// A package with `href`, `ObjectID` and `Precedence`, in that order.
    pub fn new(href: impl Into<String>, object_id: impl Into<String>, precedence: i64) -> Self {
        Package {
            attributes: tree::attrs([
                ("href", href.into()),
                ("ObjectID", object_id.into()),
                ("Precedence", precedence.to_string()),
            ]),
            ..Package::default()
        }
    }

    /// The value of attribute `name` (exact case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        get_attr(&self.attributes, name)
    }

    /// Sets attribute `name`, in place when present, else at the end.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        set_attr(&mut self.attributes, name, value.into());
    }

    /// `href`: the catalog's URL, absolute or relative to the download root.
    pub fn href(&self) -> Option<&str> {
        self.attr("href")
    }

    /// `ObjectID`: the package's identity across policies.
    pub fn object_id(&self) -> Option<&str> {
        self.attr("ObjectID")
    }

    /// `Precedence` as an integer (`None` when missing or not an integer).
    pub fn precedence(&self) -> Option<i64> {
        self.attr("Precedence").and_then(|p| p.trim().parse().ok())
    }
}

/// One row of a policy's package list: a package with the `GUID` of the policy that
/// contributes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePackage {
    /// `GUID` of the nearest enclosing policy that has one.
    pub policy_guid: Option<String>,
    /// `href` (empty when missing).
    pub href: String,
    /// `ObjectID`, when present.
    pub object_id: Option<String>,
    /// `Precedence` as an integer, when present and an integer.
    pub precedence: Option<i64>,
    /// `Precedence` as written, when present (kept when it is not an integer).
    pub precedence_text: Option<String>,
    /// How many packages in the document share this `ObjectID` (1 when unique or missing).
    pub candidates: usize,
}

impl Policy {
    /// An empty policy with attributes given as pairs.
    pub fn new<N: Into<String>, V: Into<String>>(
        attributes: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Policy {
            attributes: tree::attrs(attributes),
            ..Policy::default()
        }
    }

    /// Reads a `.npl` document (plain or gzipped, any supported encoding) with the default
    /// limits. The root element must be `Policy`.
    pub fn from_slice(bytes: &[u8]) -> Result<Policy> {
        Self::from_tree(tree::read_tree(bytes)?)
    }

    /// The model of a document already read into a tree (see [`tree::read_once`]). The root
    /// element must be `Policy`.
    pub fn from_tree(tree: Tree) -> Result<Policy> {
        tree.expect_root("Policy")?;
        let (doctype, processing_instructions) = tree.prolog();
        let mut policy = Policy {
            doctype,
            processing_instructions,
            attributes: tree.header.attributes,
            text: tree.root_text,
            items: Vec::new(),
            span: Span::default(),
        };
        policy.items = items_from(tree.children);
        Ok(policy)
    }

    /// The value of attribute `name` (exact case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        get_attr(&self.attributes, name)
    }

    /// Sets attribute `name`, in place when present, else at the end.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        set_attr(&mut self.attributes, name, value.into());
    }

    /// `GUID` (on contributing policies).
    pub fn guid(&self) -> Option<&str> {
        self.attr("GUID")
    }

    /// The policies nested directly in this one.
    pub fn policies(&self) -> impl Iterator<Item = &Policy> {
        self.items.iter().filter_map(|i| match i {
            PolicyItem::Policy(p) => Some(p),
            _ => None,
        })
    }

    /// The packages directly in this policy.
    pub fn packages(&self) -> impl Iterator<Item = &Package> {
        self.items.iter().filter_map(|i| match i {
            PolicyItem::Package(p) => Some(p),
            _ => None,
        })
    }

    /// Every package at any depth, in document order, with the `GUID` of its nearest
    /// enclosing policy that has one (the rows of the `policy_packages` table).
    pub fn package_rows(&self) -> Vec<EffectivePackage> {
        let mut rows = Vec::new();
        collect(self, None, &mut rows);
        let mut counts: HashMap<String, usize> = HashMap::new();
        for r in &rows {
            if let Some(id) = &r.object_id {
                *counts.entry(id.clone()).or_default() += 1;
            }
        }
        for r in &mut rows {
            if let Some(id) = &r.object_id {
                r.candidates = counts.get(id).copied().unwrap_or(1);
            }
        }
        rows
    }

    /// The effective package list: one package per `ObjectID`. When several policies carry
    /// the same `ObjectID`, the larger `Precedence` wins (a missing or non-integer precedence
    /// ranks below every integer); on a tie the first in document order wins. Packages
    /// without an `ObjectID` cannot be merged and are all kept. The list is in document order
    /// of the winners.
    pub fn effective_packages(&self) -> Vec<EffectivePackage> {
        let rows = self.package_rows();
        let mut best: HashMap<&str, usize> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            let Some(id) = r.object_id.as_deref() else {
                continue;
            };
            match best.get(id) {
                Some(&j) if rank(&rows[j]) >= rank(r) => {}
                _ => {
                    best.insert(id, i);
                }
            }
        }
        rows.iter()
            .enumerate()
            .filter(|(i, r)| match r.object_id.as_deref() {
                Some(id) => best.get(id) == Some(i),
                None => true,
            })
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Writes the document with `options`.
    pub fn write<W: Write>(&self, out: W, options: WriterOptions) -> Result<W> {
        let mut w = start_document(
            out,
            options,
            "Policy",
            &self.attributes,
            self.doctype.as_deref(),
            &self.processing_instructions,
            self.text.as_deref(),
        )?;
        write_items(&mut w, 1, &self.items)?;
        w.finish()
    }

    /// The document as indented UTF-8 XML.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.write(Vec::new(), WriterOptions::default())
    }
}

fn rank(r: &EffectivePackage) -> Option<i64> {
    r.precedence
}

fn collect(policy: &Policy, guid: Option<&str>, rows: &mut Vec<EffectivePackage>) {
    let guid = policy.guid().or(guid);
    for item in &policy.items {
        match item {
            PolicyItem::Policy(p) => collect(p, guid, rows),
            PolicyItem::Package(p) => rows.push(EffectivePackage {
                policy_guid: guid.map(str::to_owned),
                href: p.href().unwrap_or_default().to_owned(),
                object_id: p.object_id().map(str::to_owned),
                precedence: p.precedence(),
                precedence_text: p.attr("Precedence").map(str::to_owned),
                candidates: 1,
            }),
            PolicyItem::Other(_) | PolicyItem::Text(_) => {}
        }
    }
}

fn items_from(nodes: Vec<Node>) -> Vec<PolicyItem> {
    nodes
        .into_iter()
        .map(|n| match n {
            Node::Text(t) => PolicyItem::Text(t),
            Node::Element(e) => match e.name.as_str() {
                "Policy" => PolicyItem::Policy(Policy {
                    doctype: None,
                    processing_instructions: Vec::new(),
                    attributes: e.attributes,
                    text: e.text,
                    items: items_from(e.children),
                    span: e.span,
                }),
                "Package" => PolicyItem::Package(Package {
                    attributes: e.attributes,
                    text: e.text,
                    children: e.children,
                    span: e.span,
                }),
                _ => PolicyItem::Other(e),
            },
        })
        .collect()
}

fn write_items<W: Write>(w: &mut Writer<W>, depth: u32, items: &[PolicyItem]) -> Result<()> {
    for item in items {
        match item {
            PolicyItem::Policy(p) => {
                write_element(w, depth, "Policy", &p.attributes, p.text.as_deref())?;
                write_items(w, depth + 1, &p.items)?;
            }
            PolicyItem::Package(p) => {
                write_element(w, depth, "Package", &p.attributes, p.text.as_deref())?;
                write_nodes(w, depth + 1, &p.children)?;
            }
            PolicyItem::Other(e) => {
                write_element(w, depth, &e.name, &e.attributes, e.text.as_deref())?;
                write_nodes(w, depth + 1, &e.children)?;
            }
            PolicyItem::Text(t) => write_text(w, depth, t)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged() -> Policy {
        let mut a = Policy::new([("GUID", "{A}")]);
        a.items
            .push(PolicyItem::Package(Package::new("a.osd", "{X}", 0)));
        a.items
            .push(PolicyItem::Package(Package::new("b.osd", "{Y}", 5)));
        let mut b = Policy::new([("GUID", "{B}")]);
        b.items
            .push(PolicyItem::Package(Package::new("a2.osd", "{X}", 3)));
        b.items
            .push(PolicyItem::Package(Package::new("b2.osd", "{Y}", 5)));
        let mut root = Policy::new([("AppliesTo", "*")]);
        root.items.push(PolicyItem::Policy(a));
        root.items.push(PolicyItem::Policy(b));
        root
    }

    #[test]
    fn precedence_resolves_duplicates() {
        let eff = merged().effective_packages();
        let hrefs: Vec<_> = eff.iter().map(|e| e.href.as_str()).collect();
        // {Y}: tie at 5, the first wins; {X}: 3 beats 0.
        assert_eq!(hrefs, ["b.osd", "a2.osd"]);
        assert_eq!(eff[1].policy_guid.as_deref(), Some("{B}"));
        assert_eq!(eff[0].candidates, 2);
    }

    #[test]
    fn round_trip_of_a_built_model() {
        let p = merged();
        let bytes = p.to_bytes().unwrap();
        assert_eq!(Policy::from_slice(&bytes).unwrap(), p);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains(
            r#"<!DOCTYPE Policy PUBLIC "Policy" "http://www.managesoft.com/policy.dtd">"#
        ));
    }

    #[test]
    fn wrong_root_is_an_error() {
        let e = Policy::from_slice(b"<Schedule/>").unwrap_err();
        assert_eq!(e.rule(), "unexpected-root");
    }
}
