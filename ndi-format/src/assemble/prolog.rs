//! The prolog and the markup outside elements: the XML declaration, processing
//! instructions and the DOCTYPE, with the syntax checks quick-xml leaves to its caller.

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesPI, BytesText};

use super::values::Lift;
use super::{Assembler, Phase, Step};
use crate::error::ErrorKind;
use crate::xml::chars::is_name;

impl<'x> Assembler<'x> {
    /// A processing instruction: checked, and kept in the header when in the prolog.
    pub(super) fn processing_instruction<L: Lift<'x>>(
        &mut self,
        lift: &L,
        pi: BytesPI<'_>,
        offset: u64,
    ) -> Step {
        if let Err(message) = check_pi(&pi) {
            return self.error(offset, ErrorKind::Syntax(message));
        }
        if pi.target().eq_ignore_ascii_case("xml") {
            return self.error(
                offset,
                ErrorKind::Syntax("XML declaration allowed only at the start".into()),
            );
        }
        if self.phase == Phase::Prolog {
            let mut s = Cow::Borrowed("");
            lift.assign(&mut s, pi.into_inner());
            self.header.processing_instructions.push(s);
        }
        Step::Continue
    }

    /// The XML declaration: only at the very start, well-formed, version 1.0 or 1.1.
    pub(super) fn declaration(&mut self, d: &BytesDecl<'_>, offset: u64) -> Step {
        if offset != 0 {
            return self.error(
                offset,
                ErrorKind::Syntax("XML declaration allowed only at the start".into()),
            );
        }
        if let Err(message) = check_xml_decl(d) {
            return self.error(offset, ErrorKind::Syntax(message));
        }
        match d.version() {
            Ok(v) if v == "1.0" || v == "1.1" => Step::Continue,
            Ok(v) => self.error(
                offset,
                ErrorKind::Syntax(format!("unsupported XML version {v:?}")),
            ),
            Err(e) => self.error(offset, ErrorKind::Syntax(e.to_string())),
        }
    }

    /// The DOCTYPE: once, before the root, declaring no entity; kept in the header.
    pub(super) fn doctype<L: Lift<'x>>(
        &mut self,
        lift: &L,
        d: &BytesText<'_>,
        offset: u64,
    ) -> Step {
        if self.phase != Phase::Prolog || self.doctype_seen {
            return self.error(
                offset,
                ErrorKind::Syntax("DOCTYPE must come once, before the root".into()),
            );
        }
        self.doctype_seen = true;
        if let Some(name) = entity_declaration(d) {
            return self.error(offset, ErrorKind::EntityDeclaration(name));
        }
        if let Err(message) = check_doctype(d) {
            return self.error(offset, ErrorKind::Syntax(message));
        }
        let content = d.xml10_content();
        let mut s = Cow::Borrowed("");
        lift.assign(&mut s, Cow::Borrowed(content.trim()));
        self.header.doctype = Some(s);
        Step::Continue
    }
}

// Syntax checks quick-xml leaves to its caller. The differential check against libxml2
// (`fuzz/differential.sh`) found mutants of the prolog that quick-xml reads without complaint
// but that are not well-formed XML; these refuse them, as XML 1.0 and libxml2 do.

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits a quoted literal off the start of `s`: `(value, rest)`.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let q = s.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let end = s[1..].find(q)?;
    Some((&s[1..1 + end], &s[2 + end..]))
}

/// XML 1.0 §2.8 `XMLDecl`: `version`, then optional `encoding` and `standalone`, in this
/// order, each after whitespace, with quoted values of the right form.
fn check_xml_decl(content: &str) -> Result<(), String> {
    const NAMES: [&str; 3] = ["version", "encoding", "standalone"];
    let mut rest = content
        .strip_prefix("xml")
        .ok_or("malformed XML declaration")?;
    let mut next = 0;
    loop {
        let trimmed = rest.trim_start_matches(is_space);
        if trimmed.is_empty() {
            break;
        }
        if trimmed.len() == rest.len() {
            return Err("whitespace expected in the XML declaration".into());
        }
        let end = trimmed
            .find(|c: char| c == '=' || is_space(c))
            .unwrap_or(trimmed.len());
        let name = &trimmed[..end];
        let index = NAMES[next..]
            .iter()
            .position(|n| *n == name)
            .map(|i| i + next)
            .filter(|&i| i == 0 || next > 0)
            .ok_or_else(|| format!("unexpected {name:?} in the XML declaration"))?;
        next = index + 1;
        let after = trimmed[end..].trim_start_matches(is_space);
        let after = after
            .strip_prefix('=')
            .ok_or("expected '=' in the XML declaration")?
            .trim_start_matches(is_space);
        let (value, tail) = quoted(after).ok_or("quoted value expected in the XML declaration")?;
        let ok = match index {
            0 => value
                .strip_prefix("1.")
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
            1 => {
                let mut bytes = value.bytes();
                bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
                    && bytes.all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            }
            _ => value == "yes" || value == "no",
        };
        if !ok {
            return Err(format!("invalid {name} {value:?} in the XML declaration"));
        }
        rest = tail;
    }
    if next == 0 {
        return Err("the XML declaration has no version".into());
    }
    Ok(())
}

/// A processing instruction's target is a name, followed by whitespace or the end.
fn check_pi(content: &str) -> Result<(), String> {
    let end = content.find(is_space).unwrap_or(content.len());
    let target = &content[..end];
    if !is_name(target) {
        return Err(format!(
            "processing instruction target {target:?} is not an XML name"
        ));
    }
    Ok(())
}

/// XML 1.0 §2.8 `doctypedecl`, outside the internal subset: whitespace, the root name, an
/// optional `SYSTEM "..."` or `PUBLIC "..." "..."`, an optional `[...]`, nothing else.
fn check_doctype(content: &str) -> Result<(), String> {
    let bad = |what: &str| Err(format!("malformed DOCTYPE: {what}"));
    // quick-xml has checked and dropped the whitespace after `<!DOCTYPE`.
    let rest = content.trim_start_matches(is_space);
    let end = rest
        .find(|c: char| is_space(c) || c == '[')
        .unwrap_or(rest.len());
    if !is_name(&rest[..end]) {
        return bad("root element name expected");
    }
    let after_name = &rest[end..];
    let mut rest = after_name.trim_start_matches(is_space);
    let spaced = rest.len() < after_name.len();
    for keyword in ["SYSTEM", "PUBLIC"] {
        let Some(tail) = rest.strip_prefix(keyword) else {
            continue;
        };
        if !spaced {
            return bad("whitespace expected before the external ID");
        }
        let lit = tail.trim_start_matches(is_space);
        if lit.len() == tail.len() {
            return bad("whitespace expected after SYSTEM or PUBLIC");
        }
        let mut tail = lit;
        if keyword == "PUBLIC" {
            let Some((public_id, t)) = quoted(tail) else {
                return bad("quoted public identifier expected");
            };
            let pubid_char =
                |c: char| c.is_ascii_alphanumeric() || " \r\n-'()+,./:=?;!*#@$_%".contains(c);
            if !public_id.chars().all(pubid_char) {
                return bad("character not allowed in the public identifier");
            }
            let t2 = t.trim_start_matches(is_space);
            if t2.len() == t.len() {
                return bad("whitespace expected after the public identifier");
            }
            tail = t2;
        }
        let Some((_, t)) = quoted(tail) else {
            return bad("quoted system identifier expected");
        };
        rest = t.trim_start_matches(is_space);
        break;
    }
    if let Some(subset) = rest.strip_prefix('[') {
        let Some(close) = subset.rfind(']') else {
            return bad("internal subset not closed by ']'");
        };
        rest = subset[close + 1..].trim_start_matches(is_space);
    }
    if !rest.is_empty() {
        return bad("unexpected content");
    }
    Ok(())
}

/// The name of the first entity declared in a DOCTYPE's internal subset, if any.
fn entity_declaration(doctype: &str) -> Option<String> {
    let at = doctype.find("<!ENTITY")?;
    let rest = doctype[at + "<!ENTITY".len()..].trim_start();
    let rest = rest.strip_prefix('%').map_or(rest, str::trim_start);
    let name: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>')
        .collect();
    Some(if name.is_empty() { "?".into() } else { name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_declarations_are_found() {
        assert_eq!(
            entity_declaration(r#"x [ <!ENTITY lol "lol"> ]"#).as_deref(),
            Some("lol")
        );
        assert_eq!(
            entity_declaration(r#"x [ <!ENTITY % pe SYSTEM "http://x"> ]"#).as_deref(),
            Some("pe")
        );
        assert_eq!(entity_declaration(r#"Inventory PUBLIC "a" "b""#), None);
    }
}
