//! References: character and entity references in text, and the normalised values of
//! attributes (XML 1.0 section 3.3.3), as quick-xml resolves them except for references to
//! U+0000, which are kept and reported like any other character XML forbids.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::escape::{EscapeError, ParseCharRefError};
use quick_xml::events::BytesRef;

use super::text::Origin;
use super::values::Lift;
use super::{Assembler, Phase, Step};
use crate::error::{ErrorKind, WarningKind};
use crate::record::Record;
use crate::xml::chars::is_xml_char;

impl<'x> Assembler<'x> {
    /// A character or entity reference in text: resolved, and its character added to the
    /// text being gathered.
    pub(super) fn reference<L: Lift<'x>>(
        &mut self,
        lift: &L,
        r: &BytesRef<'_>,
        offset: u64,
        rec: &mut Record<'x>,
    ) -> Step {
        if self.phase != Phase::Body {
            return self.error(offset, ErrorKind::TextOutsideRoot);
        }
        let resolved: Cow<'static, str> = match resolve_char_ref(r) {
            Ok(Some(c)) => {
                // Reported here, once, at the reference; `text` does not check it
                // again.
                if !is_xml_char(c) {
                    self.warn(
                        offset,
                        WarningKind::IllegalCharacter {
                            code_point: u32::from(c),
                        },
                    );
                }
                Cow::Owned(c.to_string())
            }
            Ok(None) => match quick_xml::escape::resolve_predefined_entity(r) {
                Some(s) => Cow::Borrowed(s),
                None => {
                    return self.error(offset, ErrorKind::UndeclaredEntity(r.to_string()));
                }
            },
            Err(e) => return self.error(offset, ErrorKind::Syntax(e.to_string())),
        };
        self.text(lift, resolved, offset, Origin::Reference, rec)
    }
}

/// The character a reference in text stands for (`None` for an entity reference), as
/// quick-xml resolves it, except that a reference to U+0000 (`&#0;`, `&#x0;`), which quick-xml
/// refuses, stands for U+0000 like a reference to any other character XML forbids: the caller
/// keeps it and reports it as a warning (FORMATS.md, "Characters XML 1.0 forbids").
fn resolve_char_ref(r: &BytesRef<'_>) -> quick_xml::Result<Option<char>> {
    match r.resolve_char_ref() {
        Err(quick_xml::Error::Escape(EscapeError::InvalidCharRef(
            ParseCharRefError::IllegalCharacter(0),
        ))) => Ok(Some('\0')),
        other => other,
    }
}

/// Whether the name of a reference (between `&` and `;`) is a character reference to U+0000:
/// `#` or `#x` followed by zeros only (the forms quick-xml reads as 0).
fn is_nul_reference(name: &str) -> bool {
    let digits = match name.strip_prefix("#x").or_else(|| name.strip_prefix('#')) {
        Some(d) => d,
        None => return false,
    };
    !digits.is_empty() && digits.bytes().all(|b| b == b'0')
}

/// The normalised value (XML 1.0 section 3.3.3) of the attribute `key` whose raw value is
/// `raw`, as quick-xml makes it, except that character references to U+0000 stand for U+0000
/// (see [`resolve_char_ref`]): when quick-xml refuses one, the parts between such references
/// are normalised one by one and joined by U+0000.
pub(super) fn normalized_value<'v>(key: &'v str, raw: &'v str) -> quick_xml::Result<Cow<'v, str>> {
    let normalize = |value: &'v str| {
        quick_xml::events::attributes::Attribute {
            key: quick_xml::name::QName(key),
            value: Cow::Borrowed(value),
        }
        .normalized_value(XmlVersion::Implicit1_0)
    };
    match normalize(raw) {
        Err(quick_xml::Error::Escape(EscapeError::InvalidCharRef(
            ParseCharRefError::IllegalCharacter(0),
        ))) => {}
        other => return other,
    }
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    // Start of the part not yet normalised, and where to look for the next reference; a
    // reference runs from `&` to the next `;`, as quick-xml reads it.
    let (mut part, mut at) = (0, 0);
    while let Some(amp) = memchr::memchr(b'&', &bytes[at..]).map(|i| at + i) {
        let Some(semi) = memchr::memchr(b';', &bytes[amp + 1..]).map(|i| amp + 1 + i) else {
            break;
        };
        if is_nul_reference(&raw[amp + 1..semi]) {
            out.push_str(&normalize(&raw[part..amp])?);
            out.push('\0');
            part = semi + 1;
        }
        at = semi + 1;
    }
    out.push_str(&normalize(&raw[part..])?);
    Ok(Cow::Owned(out))
}
