//! Property: for any policy or catalog model, reading what was written gives it back.

use npl_format::{Catalog, Element, Node, Package, Policy, PolicyItem};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = String> {
    // Printable text with the characters writers must escape, plus tabs and line breaks.
    "[ -~\t\n\u{e9}\u{4e2d}]{0,24}"
}

fn package() -> impl Strategy<Value = Package> {
    (value(), value(), any::<i32>(), prop::option::of(value())).prop_map(|(h, o, p, extra)| {
        let mut pkg = Package::new(h, o, i64::from(p));
        if let Some(x) = extra {
            pkg.set_attr("Extra", x);
        }
        pkg
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    prop::collection::vec(
        (
            value(),
            prop::collection::vec(package(), 0..4),
            prop::option::of(value()),
        ),
        0..4,
    )
    .prop_map(|inner| {
        let mut root = Policy::new([
            ("AppliesTo", "*"),
            ("Source", "ManageSoft"),
            ("Version", "0"),
        ]);
        for (guid, packages, other) in inner {
            let mut p = Policy::new([("GUID", guid)]);
            p.items
                .extend(packages.into_iter().map(PolicyItem::Package));
            if let Some(text) = other.filter(|t| !t.trim().is_empty()) {
                let mut e = Element::new("Note", [("By", "test")]);
                e.text = Some(text);
                p.items.push(PolicyItem::Other(e));
            }
            root.items.push(PolicyItem::Policy(p));
        }
        root
    })
}

proptest! {
    #[test]
    fn policies_round_trip(p in policy()) {
        let bytes = p.to_bytes().unwrap();
        prop_assert_eq!(Policy::from_slice(&bytes).unwrap(), p);
    }

    #[test]
    fn catalogs_round_trip(name in value(), version in value(), href in value()) {
        let mut c = Catalog::new(&name, "Schedule", &version);
        c.children.push(Node::Element(Element::new("NETDEPLOY::CODEBASE", [("HREF", href)])));
        let bytes = c.to_bytes().unwrap();
        prop_assert_eq!(Catalog::from_slice(&bytes).unwrap(), c);
    }
}
