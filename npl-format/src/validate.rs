//! Validation rules for policies and catalogs.

use std::collections::HashMap;

use ndi_format::{Finding, Reader, Severity};

use crate::catalog::{Catalog, is_codebase, is_md5, md5_hex, parse_version_quad};
use crate::policy::{Policy, PolicyItem};
use ndi_format::tree::{FindingSink, Locator, Node, child_path, read_findings};

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
    let mut findings = Vec::new();
    if !read_findings(bytes, &mut findings) {
        return findings;
    }
    let policy = match Policy::from_slice(bytes) {
        Ok(p) => p,
        Err(e) => {
            findings.push(Finding::from(&e));
            return findings;
        }
    };
    let mut sink = FindingSink::new(bytes);
    let root_tag = sink.loc.root_offset("Policy");
    check_policy(&mut sink, &policy, root_tag, "/Policy", true);
    findings.extend(sink.findings);
    findings
}

fn check_policy(sink: &mut FindingSink, policy: &Policy, tag: u64, path: &str, root: bool) {
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
                check_policy(sink, p, p.span.offset, &child, false);
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
    let mut findings = Vec::new();
    if !read_findings(bytes, &mut findings) {
        return findings;
    }
    let catalog = match Catalog::from_slice(bytes) {
        Ok(c) => c,
        Err(e) => {
            findings.push(Finding::from(&e));
            return findings;
        }
    };
    let mut sink = FindingSink::new(bytes);
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
        findings.extend(sink.findings);
        return findings;
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
    if let Some(target) = target {
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
    findings.extend(sink.findings);
    findings
}

/// Validates a policy or a catalog, chosen by the root element (`Policy` or `SOFTPKG`); any
/// other root is an `unexpected-root` error finding. Catalogs are checked without a target.
pub fn validate(bytes: &[u8]) -> Vec<Finding> {
    let root = match Reader::from_slice(bytes) {
        Ok(r) => r.header().root.to_string(),
        Err(e) => return vec![Finding::from(&e)],
    };
    match root.as_str() {
        "Policy" => validate_policy(bytes),
        "SOFTPKG" => validate_catalog(bytes, None),
        other => {
            let loc = Locator::new(bytes);
            vec![Finding::new(
                Severity::Error,
                "unexpected-root",
                format!("unexpected root element <{other}>, expected Policy or SOFTPKG"),
                loc.location(loc.root_offset(other), &format!("/{other}")),
            )]
        }
    }
}
