//! Elements: start tags (the root into the header, others into records, with their
//! attributes checked and normalised) and end tags.

use std::borrow::Cow;

use quick_xml::escape::EscapeError;
use quick_xml::events::BytesStart;

use super::attribute_names::prefix_word;
use super::references::normalized_value;
use super::stack::Child;
use super::values::Lift;
use super::{Assembler, Phase, Step};
use crate::classify::classify;
use crate::error::ErrorKind;
use crate::format::Format;
use crate::limits::Limit;
use crate::record::{Attribute, Record, RecordKind};
use crate::xml::attributes::Attributes;
use crate::xml::chars::{is_name, needs_value_check};

impl<'x> Assembler<'x> {
    /// A start tag (`empty` for `<a/>`): the root goes to the header, any other element to a
    /// record.
    pub(super) fn start<L: Lift<'x>>(
        &mut self,
        lift: &L,
        e: &BytesStart<'_>,
        offset: u64,
        empty: bool,
        rec: &mut Record<'x>,
    ) -> Step {
        let name = e.name().0;
        // In the body, a name is validated the first time its parent sees it (below).
        if self.phase != Phase::Body && !is_name(name) {
            return self.error(offset, ErrorKind::InvalidName(name.to_string()));
        }
        match self.phase {
            Phase::Epilog => {
                return self.error(
                    offset,
                    ErrorKind::AfterRoot(format!("second root element <{name}>")),
                );
            }
            Phase::Prolog => return self.root(lift, e, offset, empty),
            Phase::Body => {}
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return self.error(
                offset,
                ErrorKind::Limit {
                    limit: Limit::Elements,
                    max: self.limits.max_elements,
                },
            );
        }
        if self.stack.depth() + 1 > self.limits.max_depth {
            return self.error(
                offset,
                ErrorKind::Limit {
                    limit: Limit::Depth,
                    max: self.limits.max_depth as u64,
                },
            );
        }
        // The pending element now has a child, or pending text is complete.
        let emitted = self.flush_open(rec);
        let Child {
            index,
            first_of_name,
            parent_kind,
        } = self.stack.child(name);
        if first_of_name && !is_name(name) {
            return self.error(offset, ErrorKind::InvalidName(name.to_string()));
        }
        let kind = classify(self.format, parent_kind, name);
        let depth = self.stack.depth() as u32;
        // Fill the target: the caller's record when nothing was emitted and the element is
        // empty (complete now), the pending slot otherwise.
        let direct = empty && !emitted;
        let target = if direct { &mut *rec } else { &mut self.pending };
        target.kind = kind;
        target.depth = depth;
        target.index = index;
        target.offset = offset;
        target.text = None;
        lift.assign(&mut target.name, Cow::Borrowed(name));
        if let Err(step) = self.fill_attributes(lift, e, offset, direct, rec) {
            return step;
        }
        if empty {
            if direct {
                return Step::Record;
            }
            self.ready = true;
        } else {
            self.stack.push(name, index, Some(kind));
            self.open = true;
        }
        if emitted {
            Step::Record
        } else {
            Step::Continue
        }
    }

    /// Completes the open record or text, moving it into `rec`. Returns whether it did.
    fn flush_open(&mut self, rec: &mut Record<'x>) -> bool {
        if !self.open {
            return false;
        }
        self.open = false;
        if self.pending.kind == RecordKind::Text {
            if self
                .pending
                .text
                .as_deref()
                .is_none_or(|t| t.trim_ascii().is_empty())
            {
                return false;
            }
        } else if self
            .pending
            .text
            .as_deref()
            .is_some_and(|t| t.trim_ascii().is_empty())
        {
            // Whitespace before the first child is layout, not data.
            self.pending.text = None;
        }
        std::mem::swap(rec, &mut self.pending);
        true
    }

    fn fill_attributes<L: Lift<'x>>(
        &mut self,
        lift: &L,
        e: &BytesStart<'_>,
        offset: u64,
        direct: bool,
        rec: &mut Record<'x>,
    ) -> Result<(), Step> {
        let raw: &str = e;
        let mut n = 0usize;
        self.keys.clear();
        for attr in Attributes::new(raw, e.name().0.len()) {
            let attr = match attr {
                Ok(a) => a,
                Err(err) => {
                    let (at, message) = err.describe();
                    return Err(self.error(offset + 1 + at as u64, ErrorKind::Syntax(message)));
                }
            };
            n += 1;
            if n > self.limits.max_attributes {
                return Err(self.error(
                    offset,
                    ErrorKind::Limit {
                        limit: Limit::Attributes,
                        max: self.limits.max_attributes as u64,
                    },
                ));
            }
            let (key, at) = (attr.key, attr.key_at);
            let word = prefix_word(raw.as_bytes(), at, key.len());
            if !self.keys.is_valid_name(key, word) {
                return Err(self.error(offset, ErrorKind::InvalidName(key.to_string())));
            }
            // XML requires whitespace before each attribute; quick-xml does not check it
            // (`<a x="1"y="2">`; found by the differential check against libxml2).
            if !(at > 0 && raw.as_bytes()[at - 1].is_ascii_whitespace()) {
                return Err(self.error(
                    offset + 1 + at as u64,
                    ErrorKind::Syntax(format!("whitespace required before attribute {key:?}")),
                ));
            }
            if let Some(first) = self.keys.insert(raw, at, key.len(), word) {
                return Err(self.error(
                    offset + 1 + at as u64,
                    ErrorKind::Syntax(format!(
                        "duplicate attribute (first at byte {first} of the tag)"
                    )),
                ));
            }
            let value_offset = offset + 1 + attr.value_at as u64;
            if attr.value.len() as u64 > self.limits.max_value_bytes {
                return Err(self.error(
                    value_offset,
                    ErrorKind::Limit {
                        limit: Limit::ValueBytes,
                        max: self.limits.max_value_bytes,
                    },
                ));
            }
            let suspicious = needs_value_check(attr.value.as_bytes());
            if suspicious && memchr::memchr(b'<', attr.value.as_bytes()).is_some() {
                return Err(self.error(
                    value_offset,
                    ErrorKind::Syntax(format!("'<' in the value of attribute {key:?}")),
                ));
            }
            // A value with no reference, no whitespace to normalise and nothing forbidden is
            // already its normalised form: skip the second pass over it.
            let value = if !suspicious {
                Cow::Borrowed(attr.value)
            } else {
                match normalized_value(key, attr.value) {
                    Ok(v) => v,
                    Err(err) => {
                        let kind = match err {
                            quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
                                ErrorKind::UndeclaredEntity(name)
                            }
                            other => ErrorKind::Syntax(format!("in attribute {key:?}: {other}")),
                        };
                        return Err(self.error(value_offset, kind));
                    }
                }
            };
            // Character references can produce forbidden characters too.
            if suspicious || matches!(value, Cow::Owned(_)) {
                self.check_chars(&value, value_offset);
            }
            let target = if direct { &mut *rec } else { &mut self.pending };
            let list = &mut target.attributes;
            if n <= list.len() {
                let slot = &mut list[n - 1];
                lift.assign(&mut slot.name, Cow::Borrowed(key));
                lift.assign(&mut slot.value, value);
            } else {
                let mut slot = Attribute::new("", "");
                lift.assign(&mut slot.name, Cow::Borrowed(key));
                lift.assign(&mut slot.value, value);
                list.push(slot);
            }
        }
        let target = if direct { &mut *rec } else { &mut self.pending };
        target.attributes.truncate(n);
        Ok(())
    }

    fn root<L: Lift<'x>>(
        &mut self,
        lift: &L,
        e: &BytesStart<'_>,
        offset: u64,
        empty: bool,
    ) -> Step {
        let name = e.name().0;
        self.format = Format::from_root(name);
        self.root_offset = offset;
        lift.assign(&mut self.header.root, Cow::Borrowed(name));
        self.elements = 1;
        // Read the root's attributes through the pending slot, then move them to the header.
        let mut scratch = Record::default();
        if let Err(step) = self.fill_attributes(lift, e, offset, false, &mut scratch) {
            return step;
        }
        self.header.attributes = std::mem::take(&mut self.pending.attributes);
        self.stack.push(name, 1, None);
        self.phase = if empty { Phase::Epilog } else { Phase::Body };
        if empty {
            self.stack.clear();
        }
        Step::Continue
    }

    /// An end tag.
    pub(super) fn end(&mut self, rec: &mut Record<'x>) -> Step {
        let emitted = self.flush_open(rec);
        if self.stack.pop() == 0 {
            self.phase = Phase::Epilog;
        }
        if emitted {
            Step::Record
        } else {
            Step::Continue
        }
    }
}
