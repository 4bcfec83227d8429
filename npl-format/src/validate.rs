//! Validation rules for policies and catalogs.

use std::collections::HashMap;

use ndi_format::{Finding, Severity};

use crate::catalog::{Catalog, is_codebase, is_md5, md5_hex, parse_version_quad};
use crate::policy::{Policy, PolicyItem};
use ndi_format::tree::{Checked, FindingSink, Node, ReadOnce, child_path, read_once};

/// Validates a policy (`.npl`): readable XML with a `Policy` root, then the rules
///
/// | rule | severity | what |
/// |---|---|---|
/// | `npl-required` | error | a nested `Policy` without `GUID`; a `Package` without `href` or `ObjectID` |
/// | `npl-precedence-missing` | warning | a `Package` without `Precedence` |
/// | `npl-href` | error | an empty `href` |
/// | `npl-objectid-duplicate` | error | the same `ObjectID` twice within one policy |
/// | `npl-precedence` | error | a `Precedence` that is not an integer |
/// | `npl-guid` | warning | a `GUID` that is not a braced GUID |
///
/// Reader errors (syntax, limits, entities) and warnings come first, with their own rules.
pub fn validate_policy(bytes: &[u8]) -> Vec<Finding> {
    check_policy(read_once(bytes)).findings
}

/// The policy of a document read once ([`read_once`]) and every finding of
/// [`validate_policy`] about it: callers that need both read the file once.
pub fn check_policy(read: ReadOnce<'_>) -> Checked<'_, Policy> {
    read.check(Policy::from_tree, |policy, sink| {
        let root_tag = sink.loc.root_offset("Policy");
        policy_rules(sink, policy, root_tag, "/Policy", true);
    })
}

fn policy_rules(sink: &mut FindingSink<'_>, policy: &Policy, tag: u64, path: &str, root: bool) {
    if !root {
        match policy.guid() {
            None => sink.push(
                Severity::Error,
                "npl-required",
                "Policy has no GUID attribute".into(),
                tag,
                None,
                path,
            ),
            Some(g) if !is_braced_guid(g) => sink.push(
                Severity::Warning,
                "npl-guid",
                format!("GUID {g:?} is not a braced GUID"),
                tag,
                Some("GUID"),
                path,
            ),
            Some(_) => {}
        }
    }
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for item in &policy.items {
        match item {
            PolicyItem::Policy(p) => {
                let child = child_path(path, "Policy", p.span.index);
                policy_rules(sink, p, p.span.offset, &child, false);
            }
            PolicyItem::Package(p) => {
                let at = p.span.offset;
                let child = child_path(path, "Package", p.span.index);
                match p.href() {
                    None => sink.push(
                        Severity::Error,
                        "npl-required",
                        "Package has no href attribute".into(),
                        at,
                        None,
                        &child,
                    ),
                    Some(h) if h.trim().is_empty() => sink.push(
                        Severity::Error,
                        "npl-href",
                        format!("href {h:?} is empty"),
                        at,
                        Some("href"),
                        &child,
                    ),
                    Some(_) => {}
                }
                match p.object_id() {
                    None => sink.push(
                        Severity::Error,
                        "npl-required",
                        "Package has no ObjectID attribute".into(),
                        at,
                        None,
                        &child,
                    ),
                    Some(id) => {
                        if seen.insert(id, ()).is_some() {
                            sink.push(
                                Severity::Error,
                                "npl-objectid-duplicate",
                                format!("ObjectID {id:?} appears more than once in this policy"),
                                at,
                                Some("ObjectID"),
                                &child,
                            );
                        }
                    }
                }
                match p.attr("Precedence") {
                    None => sink.push(
                        Severity::Warning,
                        "npl-precedence-missing",
                        "Package has no Precedence attribute (ranks lowest)".into(),
                        at,
                        None,
                        &child,
                    ),
                    Some(v) if p.precedence().is_none() => sink.push(
                        Severity::Error,
                        "npl-precedence",
                        format!("Precedence {v:?} is not an integer"),
                        at,
                        Some("Precedence"),
                        &child,
                    ),
                    Some(_) => {}
                }
            }
            PolicyItem::Other(_) | PolicyItem::Text(_) => {}
        }
    }
}

/// Whether `s` is a GUID in braces, `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (hex digits of
/// either case).
pub fn is_braced_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 38
        && b[0] == b'{'
        && b[37] == b'}'
        && b[1..37].iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Validates a package catalog (`.osd`): readable XML with a `SOFTPKG` root, then the rules
///
/// | rule | severity | what |
/// |---|---|---|
/// | `osd-required` | error | `SOFTPKG` without `NAME`, `TYPE` or `VERSION`; a codebase without `HREF` |
/// | `osd-version` | error | `VERSION` that is not a comma-separated quad of integers |
/// | `osd-codebase` | warning | no `NETDEPLOY::CODEBASE` element |
/// | `osd-href` | error | an empty codebase `HREF` |
/// | `osd-md5` | error | an `MD5` that is not 32 hexadecimal digits |
/// | `osd-size` | error | a `SIZE` that is not a non-negative integer |
/// | `osd-target-size` | error | with a target: its size differs from `SIZE` |
/// | `osd-target-md5` | error | with a target: its MD5 differs from `MD5` (case-insensitive) |
///
/// `target` is the content of the file the codebase points at, when the caller has it.
pub fn validate_catalog(bytes: &[u8], target: Option<&[u8]>) -> Vec<Finding> {
    check_catalog(read_once(bytes), |_| target).findings
}

/// The catalog of a document read once ([`read_once`]) and every finding of
/// [`validate_catalog`] about it. `target` is asked for the content of the codebase's target
/// once the catalog is known to have a codebase (`None`: not compared).
pub fn check_catalog<C: AsRef<[u8]>>(
    read: ReadOnce<'_>,
    target: impl FnOnce(&Catalog) -> Option<C>,
) -> Checked<'_, Catalog> {
    read.check(Catalog::from_tree, |catalog, sink| {
        catalog_rules(sink, catalog, target);
    })
}

fn catalog_rules<C: AsRef<[u8]>>(
    sink: &mut FindingSink<'_>,
    catalog: &Catalog,
    target: impl FnOnce(&Catalog) -> Option<C>,
) {
    let root = sink.loc.root_offset("SOFTPKG");
    for name in ["NAME", "TYPE", "VERSION"] {
        if catalog.attr(name).is_none() {
            sink.push(
                Severity::Error,
                "osd-required",
                format!("SOFTPKG has no {name} attribute"),
                root,
                None,
                "/SOFTPKG",
            );
        }
    }
    if let Some(v) = catalog.version()
        && parse_version_quad(v).is_none()
    {
        sink.push(
            Severity::Error,
            "osd-version",
            format!("VERSION {v:?} is not a comma-separated quad such as \"1,0,0,0\""),
            root,
            Some("VERSION"),
            "/SOFTPKG",
        );
    }
    let codebase = catalog.children.iter().find_map(|n| match n {
        Node::Element(e) if is_codebase(&e.name) => Some(e),
        _ => None,
    });
    let Some(cb) = codebase else {
        sink.push(
            Severity::Warning,
            "osd-codebase",
            "SOFTPKG has no NETDEPLOY::CODEBASE element".into(),
            root,
            None,
            "/SOFTPKG",
        );
        return;
    };
    let at = cb.span.offset;
    let path = child_path("/SOFTPKG", &cb.name, cb.span.index);
    match cb.attr("HREF") {
        None => sink.push(
            Severity::Error,
            "osd-required",
            format!("{} has no HREF attribute", cb.name),
            at,
            None,
            &path,
        ),
        Some(h) if h.trim().is_empty() => sink.push(
            Severity::Error,
            "osd-href",
            format!("HREF {h:?} is empty"),
            at,
            Some("HREF"),
            &path,
        ),
        Some(_) => {}
    }
    let md5 = cb.attr("MD5");
    if let Some(m) = md5
        && !is_md5(m)
    {
        sink.push(
            Severity::Error,
            "osd-md5",
            format!("MD5 {m:?} is not 32 hexadecimal digits"),
            at,
            Some("MD5"),
            &path,
        );
    }
    let size = cb.attr("SIZE");
    let size_value = size.and_then(|s| s.trim().parse::<u64>().ok());
    if let Some(s) = size
        && size_value.is_none()
    {
        sink.push(
            Severity::Error,
            "osd-size",
            format!("SIZE {s:?} is not a non-negative integer"),
            at,
            Some("SIZE"),
            &path,
        );
    }
    if let Some(target) = target(catalog) {
        let target = target.as_ref();
        if let Some(expected) = size_value
            && expected != target.len() as u64
        {
            sink.push(
                Severity::Error,
                "osd-target-size",
                format!(
                    "SIZE \"{expected}\" does not match the target's {} bytes",
                    target.len()
                ),
                at,
                Some("SIZE"),
                &path,
            );
        }
        if let Some(m) = md5.filter(|m| is_md5(m)) {
            let actual = md5_hex(target);
            if !actual.eq_ignore_ascii_case(m) {
                sink.push(
                    Severity::Error,
                    "osd-target-md5",
                    format!("MD5 {m:?} does not match the target's MD5 {actual}"),
                    at,
                    Some("MD5"),
                    &path,
                );
            }
        }
    }
}

/// Validates a policy or a catalog, chosen by the root element (`Policy` or `SOFTPKG`); any
/// other root is an `unexpected-root` error finding. Catalogs are checked without a target.
pub fn validate(bytes: &[u8]) -> Vec<Finding> {
    validate_read(read_once(bytes))
}

/// [`validate`] for a document already read ([`read_once`]).
pub fn validate_read(read: ReadOnce<'_>) -> Vec<Finding> {
    match read.root.as_deref() {
        // The reader stopped before the root: its error.
        None => read.reader.findings(),
        Some("Policy") => check_policy(read).findings,
        Some("SOFTPKG") => check_catalog(read, |_| None::<&[u8]>).findings,
        Some(other) => vec![read.unexpected_root(other, "Policy or SOFTPKG")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings about a document in a legacy encoding are placed in the text the reader
    /// reads (UTF-8), like the reader's own: the locator once looked for attributes in the
    /// undecoded bytes, one byte short per `é` before them.
    #[test]
    fn findings_in_legacy_encodings_are_placed_in_the_decoded_text() {
        let doc = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<Policy A=\"é\"><Policy GUID=\"é\"><Package href=\"\" ObjectID=\"{S}\"/></Policy></Policy>";
        let bytes: Vec<u8> = doc
            .chars()
            .map(|c| if c == 'é' { 0xE9 } else { c as u8 })
            .collect();
        let found = |rule: &str| {
            let f = validate_policy(&bytes);
            let f = f.iter().find(|f| f.rule == rule).cloned().unwrap();
            f.location.position.unwrap()
        };
        let guid = found("npl-guid");
        assert_eq!(guid.offset as usize, doc.find("GUID").unwrap());
        assert_eq!((guid.line, guid.column), (2, 23));
        let missing = found("npl-precedence-missing");
        assert_eq!(missing.offset as usize, doc.find("<Package").unwrap());
        assert_eq!((missing.line, missing.column), (2, 32));
    }
}
