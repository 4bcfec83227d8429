//! Character data: layout between elements (kept aside, not returned), text of an element
//! and text after a child (mixed content), gathered across references and CDATA sections.

use std::borrow::Cow;

use quick_xml::events::BytesText;

use super::values::Lift;
use super::{Assembler, Phase, Step};
use crate::error::{ErrorKind, WarningKind};
use crate::limits::Limit;
use crate::record::{Record, RecordKind};
use crate::xml::chars::needs_value_check;

/// For text between elements: `None` unless it is all ASCII whitespace (layout); then where
/// its first form feed is, if any (the one ASCII whitespace XML forbids). One pass over what
/// is mostly a line end and an indent.
#[inline]
fn layout_form_feed(text: &[u8]) -> Option<Option<usize>> {
    let mut form_feed = None;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b' ' | b'\n' | b'\t' | b'\r' => {}
            0x0C => {
                form_feed.get_or_insert(i);
            }
            _ => return None,
        }
    }
    Some(form_feed)
}

/// Where character data comes from, which decides how [`Assembler::text`] checks it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Origin {
    /// Text between tags, as written: may be layout; `]]>` is not allowed in it.
    Text,
    /// The content of a CDATA section: always data.
    CData,
    /// The replacement of a character or entity reference: always data, and its character
    /// already checked where the reference was resolved (so reported once).
    Reference,
}

impl<'x> Assembler<'x> {
    /// Text between tags, as written.
    #[inline]
    pub(super) fn text_event<L: Lift<'x>>(
        &mut self,
        lift: &L,
        t: &BytesText<'_>,
        offset: u64,
        rec: &mut Record<'x>,
    ) -> Step {
        // Whitespace between elements is layout, unless a reference or CDATA follows
        // it at once (mixed content): keep it aside until the next event says which.
        if !self.open
            && self.phase == Phase::Body
            && let Some(form_feed) = layout_form_feed(t.as_bytes())
        {
            if let Some(at) = form_feed {
                self.warn(
                    offset + at as u64,
                    WarningKind::IllegalCharacter { code_point: 0x0C },
                );
            }
            lift.assign(&mut self.layout, t.xml10_content());
            self.layout_offset = Some(offset);
            return Step::Continue;
        }
        let content = t.xml10_content();
        self.text(lift, content, offset, Origin::Text, rec)
    }

    /// Checks text that is only ASCII whitespace, which is layout and not kept: the one
    /// character XML forbids that it can hold is a form feed (U+000C), which must still be
    /// reported.
    fn check_layout(&mut self, layout: &[u8], offset: u64) {
        if let Some(at) = memchr::memchr(0x0C, layout) {
            self.warn(
                offset + at as u64,
                WarningKind::IllegalCharacter { code_point: 0x0C },
            );
        }
    }

    pub(super) fn text<L: Lift<'x>>(
        &mut self,
        lift: &L,
        content: Cow<'_, str>,
        offset: u64,
        origin: Origin,
        rec: &mut Record<'x>,
    ) -> Step {
        let always_data = origin != Origin::Text;
        if self.phase != Phase::Body {
            if content.trim_ascii().is_empty() {
                if origin == Origin::Text {
                    self.check_layout(content.as_bytes(), offset);
                }
                return Step::Continue;
            }
            return self.error(offset, ErrorKind::TextOutsideRoot);
        }
        if content.len() as u64 > self.limits.max_value_bytes {
            return self.error(
                offset,
                ErrorKind::Limit {
                    limit: Limit::ValueBytes,
                    max: self.limits.max_value_bytes,
                },
            );
        }
        let whitespace = content.trim_ascii().is_empty();
        if !whitespace {
            if memchr::memmem::find(content.as_bytes(), b"]]>").is_some() && !always_data {
                return self.error(offset, ErrorKind::Syntax("']]>' in text".into()));
            }
            match origin {
                Origin::Reference => {}
                Origin::CData => self.check_chars(&content, offset),
                Origin::Text => {
                    if needs_value_check(content.as_bytes()) {
                        self.check_chars(&content, offset);
                    }
                }
            }
        } else if origin != Origin::Reference {
            self.check_layout(content.as_bytes(), offset);
        }
        let _ = rec;
        if !self.open {
            // Text after a child element (or directly in the root): a text record.
            if content.trim_ascii().is_empty() && !always_data {
                return Step::Continue;
            }
            self.pending.kind = RecordKind::Text;
            self.pending.depth = self.stack.depth() as u32;
            self.pending.index = 0;
            self.pending.offset = offset;
            self.pending.attributes.clear();
            self.pending.name = Cow::Borrowed("");
            self.pending.text = None;
            self.open = true;
            // Whitespace just before a reference or CDATA belongs to the same text.
            if let Some(start) = self.layout_offset.take() {
                self.pending.offset = start;
                let mut s = Cow::Borrowed("");
                lift.assign(&mut s, Cow::Borrowed(&self.layout));
                self.pending.text = Some(s);
            }
        }
        match &mut self.pending.text {
            None => {
                let mut s = Cow::Borrowed("");
                lift.assign(&mut s, content);
                self.pending.text = Some(s);
            }
            Some(existing) => {
                if existing.len() as u64 + content.len() as u64 > self.limits.max_value_bytes {
                    return self.error(
                        offset,
                        ErrorKind::Limit {
                            limit: Limit::ValueBytes,
                            max: self.limits.max_value_bytes,
                        },
                    );
                }
                existing.to_mut().push_str(&content);
            }
        }
        Step::Continue
    }
}
