//! The private core: turns XML events into records. No I/O happens here; the reader feeds it
//! events from a slice or a stream and it fills records, tracking the element stack, paths,
//! limits and the well-formedness rules quick-xml leaves to its caller.

use std::borrow::Cow;
use std::hash::BuildHasher;

use quick_xml::XmlVersion;
use quick_xml::escape::{EscapeError, ParseCharRefError};
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::classify::classify;
use crate::error::{ErrorKind, WarningKind};
use crate::format::Format;
use crate::limits::{Limit, Limits};
use crate::record::{Attribute, Header, Record, RecordKind};
use crate::xml::attributes::Attributes;
use crate::xml::chars::{first_illegal_char, is_name, is_xml_char, needs_value_check};

/// How values get from an event into a record whose lifetime is `'x`.
pub(crate) trait Lift<'x> {
    /// Stores `src` into `dst`.
    fn assign(&self, dst: &mut Cow<'x, str>, src: Cow<'_, str>);
}

/// Slice input: strings that lie inside the input are re-borrowed from it (zero-copy);
/// unescaped ones are moved.
pub(crate) struct Borrow<'a> {
    pub(crate) base: &'a [u8],
}

impl<'a> Borrow<'a> {
    /// `s` with the input's lifetime, when `s` lies inside the input.
    #[inline]
    #[allow(unsafe_code)]
    fn reborrow(&self, s: &str) -> Option<&'a str> {
        let start = rel_bytes(s.as_bytes(), self.base)?;
        let bytes: &'a [u8] = self.base.get(start..start + s.len())?;
        // SAFETY: `bytes` is the very memory `s` occupies (same start, same length, checked
        // just above), and `s` is a `&str`, so these bytes are valid UTF-8. Only the lifetime
        // changes: quick-xml hands out events with a shorter one than the input it borrows.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

impl<'a> Lift<'a> for Borrow<'a> {
    #[inline]
    fn assign(&self, dst: &mut Cow<'a, str>, src: Cow<'_, str>) {
        *dst = match src {
            Cow::Borrowed(s) => match self.reborrow(s) {
                Some(b) => Cow::Borrowed(b),
                None => Cow::Owned(s.to_owned()),
            },
            Cow::Owned(s) => Cow::Owned(s),
        };
    }
}

/// Stream input: events borrow a buffer that is reused, so values are copied, reusing the
/// record's strings.
pub(crate) struct Copy;

impl<'x> Lift<'x> for Copy {
    #[inline]
    fn assign(&self, dst: &mut Cow<'x, str>, src: Cow<'_, str>) {
        match dst {
            Cow::Owned(s) => {
                s.clear();
                s.push_str(&src);
            }
            Cow::Borrowed(_) => *dst = Cow::Owned(src.into_owned()),
        }
    }
}

/// A problem found while handling one event, with its offset; the reader adds line, column
/// and path.
pub(crate) struct Issue {
    pub(crate) offset: u64,
    pub(crate) path: String,
    pub(crate) kind: IssueKind,
}

pub(crate) enum IssueKind {
    Error(ErrorKind),
    Warning(WarningKind),
}

struct Frame {
    name: String,
    index: u32,
    kind: Option<RecordKind>,
    /// Count of children per name; slots past `used` keep their strings for reuse.
    children: Vec<(String, u32)>,
    used: usize,
}

impl Frame {
    /// The 1-based index of a child named `name` among its siblings of that name, and whether
    /// it is the first of its name (a name not seen, so not yet validated, in this parent).
    fn child_index(&mut self, name: &str) -> (u32, bool) {
        if let Some((_, n)) = self.children[..self.used]
            .iter_mut()
            .find(|(c, _)| c == name)
        {
            *n += 1;
            return (*n, false);
        }
        if self.used < self.children.len() {
            let slot = &mut self.children[self.used];
            slot.0.clear();
            slot.0.push_str(name);
            slot.1 = 1;
        } else {
            self.children.push((name.to_string(), 1));
        }
        self.used += 1;
        (1, true)
    }
}

/// Where the assembler is in the document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Prolog,
    Body,
    Epilog,
}

/// The state of one document being assembled.
pub(crate) struct Assembler<'x> {
    limits: Limits,
    format: Format,
    phase: Phase,
    frames: Vec<Frame>,
    depth: usize,
    elements: u64,
    pub(crate) header: Header<'x>,
    /// Where the root element's start tag begins.
    pub(crate) root_offset: u64,
    doctype_seen: bool,
    /// The element whose record waits for its text, or a text record being gathered.
    pending: Record<'x>,
    /// Whether `pending` is waiting (an open element or text).
    open: bool,
    /// Whether `pending` is complete and must be returned next.
    ready: bool,
    /// Whitespace seen outside any open record, and where it started (while the next event
    /// may still make it part of mixed content).
    layout: Cow<'x, str>,
    layout_offset: Option<u64>,
    /// The attribute names of the tag being read, for the duplicate check.
    keys: AttributeKeys,
    pub(crate) issues: Vec<Issue>,
}

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
enum Origin {
    /// Text between tags, as written: may be layout; `]]>` is not allowed in it.
    Text,
    /// The content of a CDATA section: always data.
    CData,
    /// The replacement of a character or entity reference: always data, and its character
    /// already checked where the reference was resolved (so reported once).
    Reference,
}

/// What handling one event produced.
pub(crate) enum Step {
    /// Nothing to return yet.
    Continue,
    /// The caller's record was filled.
    Record,
    /// The document ended cleanly.
    End,
    /// An error (in `issues`).
    Failed,
}

/// Where `inner` starts within `outer`, if it lies inside it.
#[inline]
fn rel_bytes(inner: &[u8], outer: &[u8]) -> Option<usize> {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}

impl<'x> Assembler<'x> {
    pub(crate) fn new(limits: Limits) -> Self {
        Assembler {
            limits,
            format: Format::Other,
            phase: Phase::Prolog,
            frames: Vec::new(),
            depth: 0,
            elements: 0,
            header: Header::default(),
            doctype_seen: false,
            pending: Record::default(),
            open: false,
            ready: false,
            layout: Cow::Borrowed(""),
            layout_offset: None,
            root_offset: 0,
            keys: AttributeKeys::default(),
            issues: Vec::new(),
        }
    }

    pub(crate) fn format(&self) -> Format {
        self.format
    }

    pub(crate) fn in_prolog(&self) -> bool {
        self.phase == Phase::Prolog
    }

    /// The element path of the current element, e.g. `/Inventory/Hardware[1]/Class[2]`.
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.frames[..self.depth].iter().enumerate() {
            out.push('/');
            out.push_str(&f.name);
            if i > 0 {
                out.push('[');
                out.push_str(&f.index.to_string());
                out.push(']');
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    fn error(&mut self, offset: u64, kind: ErrorKind) -> Step {
        let path = self.path();
        self.issues.push(Issue {
            offset,
            path,
            kind: IssueKind::Error(kind),
        });
        Step::Failed
    }

    fn warn(&mut self, offset: u64, kind: WarningKind) {
        let path = self.path();
        self.issues.push(Issue {
            offset,
            path,
            kind: IssueKind::Warning(kind),
        });
    }

    fn check_chars(&mut self, value: &str, offset: u64) {
        if let Some((at, c)) = first_illegal_char(value) {
            self.warn(
                offset + at as u64,
                WarningKind::IllegalCharacter {
                    code_point: u32::from(c),
                },
            );
        }
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

    /// Takes a completed record out, if one is waiting.
    #[inline]
    pub(crate) fn take_ready(&mut self, rec: &mut Record<'x>) -> bool {
        if self.ready {
            self.ready = false;
            std::mem::swap(rec, &mut self.pending);
            true
        } else {
            false
        }
    }

    /// Handles one event that starts at `offset`.
    #[inline]
    pub(crate) fn handle<L: Lift<'x>>(
        &mut self,
        lift: &L,
        event: Event<'_>,
        offset: u64,
        rec: &mut Record<'x>,
    ) -> Step {
        if !matches!(event, Event::GeneralRef(_) | Event::CData(_)) {
            self.layout_offset = None;
        }
        match event {
            Event::Start(e) => self.start(lift, &e, offset, false, rec),
            Event::Empty(e) => self.start(lift, &e, offset, true, rec),
            Event::End(_) => self.end(rec),
            Event::Text(t) => {
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
            Event::CData(t) => {
                if self.phase != Phase::Body {
                    return self.error(offset, ErrorKind::TextOutsideRoot);
                }
                let content = t.xml10_content();
                self.text(lift, content, offset + 9, Origin::CData, rec)
            }
            Event::GeneralRef(r) => {
                if self.phase != Phase::Body {
                    return self.error(offset, ErrorKind::TextOutsideRoot);
                }
                let resolved: Cow<'static, str> = match resolve_char_ref(&r) {
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
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => Cow::Borrowed(s),
                        None => {
                            return self.error(offset, ErrorKind::UndeclaredEntity(r.to_string()));
                        }
                    },
                    Err(e) => return self.error(offset, ErrorKind::Syntax(e.to_string())),
                };
                self.text(lift, resolved, offset, Origin::Reference, rec)
            }
            Event::Comment(c) => {
                self.check_chars(&c, offset + 4);
                Step::Continue
            }
            Event::PI(pi) => {
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
            Event::Decl(d) => {
                if offset != 0 {
                    return self.error(
                        offset,
                        ErrorKind::Syntax("XML declaration allowed only at the start".into()),
                    );
                }
                if let Err(message) = check_xml_decl(&d) {
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
            Event::DocType(d) => {
                if self.phase != Phase::Prolog || self.doctype_seen {
                    return self.error(
                        offset,
                        ErrorKind::Syntax("DOCTYPE must come once, before the root".into()),
                    );
                }
                self.doctype_seen = true;
                if let Some(name) = entity_declaration(&d) {
                    return self.error(offset, ErrorKind::EntityDeclaration(name));
                }
                if let Err(message) = check_doctype(&d) {
                    return self.error(offset, ErrorKind::Syntax(message));
                }
                let content = d.xml10_content();
                let mut s = Cow::Borrowed("");
                lift.assign(&mut s, Cow::Borrowed(content.trim()));
                self.header.doctype = Some(s);
                Step::Continue
            }
            Event::Eof => match self.phase {
                Phase::Prolog => self.error(offset, ErrorKind::Empty),
                Phase::Body => {
                    let name = self.frames[self.depth - 1].name.clone();
                    self.error(offset, ErrorKind::Truncated(name))
                }
                Phase::Epilog => Step::End,
            },
        }
    }

    fn start<L: Lift<'x>>(
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
        if self.depth + 1 > self.limits.max_depth {
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
        let parent = &mut self.frames[self.depth - 1];
        let (index, first_of_name) = parent.child_index(name);
        let parent_kind = parent.kind;
        if first_of_name && !is_name(name) {
            return self.error(offset, ErrorKind::InvalidName(name.to_string()));
        }
        let kind = classify(self.format, parent_kind, name);
        let depth = self.depth as u32;
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
            self.push_frame(name, index, Some(kind));
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

    fn push_frame(&mut self, name: &str, index: u32, kind: Option<RecordKind>) {
        if self.depth < self.frames.len() {
            let f = &mut self.frames[self.depth];
            f.name.clear();
            f.name.push_str(name);
            f.index = index;
            f.kind = kind;
            f.used = 0;
        } else {
            self.frames.push(Frame {
                name: name.to_string(),
                index,
                kind,
                children: Vec::new(),
                used: 0,
            });
        }
        self.depth += 1;
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
                            quick_xml::Error::Escape(
                                quick_xml::escape::EscapeError::UnrecognizedEntity(_, name),
                            ) => ErrorKind::UndeclaredEntity(name),
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
        self.push_frame(name, 1, None);
        self.phase = if empty { Phase::Epilog } else { Phase::Body };
        if empty {
            self.depth = 0;
        }
        Step::Continue
    }

    fn end(&mut self, rec: &mut Record<'x>) -> Step {
        let emitted = self.flush_open(rec);
        self.depth -= 1;
        if self.depth == 0 {
            self.phase = Phase::Epilog;
        }
        if emitted {
            Step::Record
        } else {
            Step::Continue
        }
    }

    fn text<L: Lift<'x>>(
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
            self.pending.depth = self.depth as u32;
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
fn normalized_value<'v>(key: &'v str, raw: &'v str) -> quick_xml::Result<Cow<'v, str>> {
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

/// The attribute names of one tag, as spans of the tag's text, for the duplicate check.
/// Linear for the few attributes real tags have; past [`AttributeKeys::LINEAR`] a set of
/// hashes keeps a hostile tag with a thousand attributes from costing a million comparisons.
/// Both are reused from tag to tag, so reading allocates nothing here once warm.
///
/// It also remembers short names already found valid, so the handful of attribute names a
/// document repeats thousands of times are checked against the XML name rules once.
#[derive(Default)]
struct AttributeKeys {
    /// Start, length and [`prefix_word`] of each name so far.
    spans: Vec<(usize, usize, u64)>,
    /// One bit per name so far (a hash of it), while the names are few.
    seen: u64,
    hashes: std::collections::HashSet<u64>,
    /// Seeded per process, so crafted names cannot aim at collisions.
    hasher: std::hash::RandomState,
    /// Valid names of one to eight bytes, as (word, length), direct-mapped by word.
    valid: ValidNames,
}

/// A direct-mapped cache of valid short names; an empty slot has length 0, which no looked-up
/// name has.
struct ValidNames([(u64, usize); 64]);

impl Default for ValidNames {
    fn default() -> Self {
        ValidNames([(0, 0); 64])
    }
}

impl AttributeKeys {
    const LINEAR: usize = 16;

    /// Whether `name` (with its [`prefix_word`] `word`) is an XML name.
    #[inline]
    fn is_valid_name(&mut self, name: &str, word: u64) -> bool {
        let len = name.len();
        if !(1..=8).contains(&len) {
            return is_name(name);
        }
        // Fibonacci hashing of the word picks the slot.
        let slot = (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        if self.valid.0[slot] == (word, len) {
            return true;
        }
        let ok = is_name(name);
        if ok {
            self.valid.0[slot] = (word, len);
        }
        ok
    }

    fn clear(&mut self) {
        self.spans.clear();
        self.hashes.clear();
        self.seen = 0;
    }

    /// Records the name at `raw[at..at + len]` (with its [`prefix_word`] `word`); returns
    /// where the same name was first seen if this is a duplicate.
    fn insert(&mut self, raw: &str, at: usize, len: usize, word: u64) -> Option<usize> {
        let bytes = raw.as_bytes();
        let key = &bytes[at..at + len];
        // Names of up to eight bytes are equal when length and word are; longer ones when
        // their bytes are too.
        let same = |&&(s, l, w): &&(usize, usize, u64)| {
            l == len && w == word && (len <= 8 || bytes[s..s + l] == *key)
        };
        if self.spans.len() < Self::LINEAR {
            // A 64-bit filter of the names so far: a name whose bit is not yet set is new, and
            // most are, so most names are never compared at all.
            let last = u64::from(key.last().copied().unwrap_or(0));
            let mixed = word ^ ((len as u64) << 56) ^ (last << 48);
            let bit = 1u64 << (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58);
            if self.seen & bit != 0
                && let Some(&(first, _, _)) = self.spans.iter().find(same)
            {
                return Some(first);
            }
            self.seen |= bit;
        } else {
            if self.hashes.is_empty() {
                for &(s, l, _) in &self.spans {
                    self.hashes.insert(self.hasher.hash_one(&bytes[s..s + l]));
                }
            }
            // Compare only when the hash was seen before (a duplicate or a rare collision).
            if !self.hashes.insert(self.hasher.hash_one(key))
                && let Some(&(first, _, _)) = self.spans.iter().find(same)
            {
                return Some(first);
            }
        }
        self.spans.push((at, len, word));
        None
    }
}

/// The first (up to) eight bytes of `bytes[at..at + len]` as a word, zero past the name.
#[inline]
fn prefix_word(bytes: &[u8], at: usize, len: usize) -> u64 {
    if let Some(chunk) = bytes.get(at..at + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let word = u64::from_le_bytes(w);
        if len >= 8 {
            word
        } else {
            word & ((1u64 << (8 * len)) - 1)
        }
    } else {
        bytes[at..at + len.min(8)]
            .iter()
            .rev()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b))
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

    #[test]
    fn cached_names_are_told_apart_by_length_and_bytes() {
        let mut keys = AttributeKeys::default();
        let raw = "ab ab\0 a\0 1a :x:";
        let check = |keys: &mut AttributeKeys, at: usize, len: usize| {
            let name = &raw[at..at + len];
            keys.is_valid_name(name, prefix_word(raw.as_bytes(), at, len))
        };
        // Twice each: the second answer comes from the cache when the first was "valid".
        for _ in 0..2 {
            assert!(check(&mut keys, 0, 2), "ab");
            assert!(!check(&mut keys, 3, 3), "ab\\0");
            assert!(!check(&mut keys, 7, 2), "a\\0");
            assert!(!check(&mut keys, 10, 2), "1a");
            assert!(check(&mut keys, 13, 3), ":x:");
        }
    }

    #[test]
    fn duplicate_attribute_names_are_found_below_and_above_the_linear_limit() {
        fn insert(keys: &mut AttributeKeys, raw: &str, at: usize, len: usize) -> Option<usize> {
            keys.insert(raw, at, len, prefix_word(raw.as_bytes(), at, len))
        }
        for (count, stem) in [1, 2, 15, 16, 17, 40]
            .into_iter()
            .flat_map(|c| [(c, "a"), (c, "LongName")])
        {
            let names: Vec<String> = (0..count).map(|i| format!("{stem}{i}")).collect();
            let mut raw = String::from("e");
            let mut spans = Vec::new();
            for n in &names {
                raw.push(' ');
                spans.push(raw.len());
                raw.push_str(n);
            }
            let mut keys = AttributeKeys::default();
            for (n, &at) in names.iter().zip(&spans) {
                assert_eq!(insert(&mut keys, &raw, at, n.len()), None, "{n} of {count}");
            }
            // Each name again (as if repeated later in the tag) is a duplicate of its first.
            for (n, &first) in names.iter().zip(&spans) {
                let mut again = AttributeKeys::default();
                for (m, &at) in names.iter().zip(&spans) {
                    insert(&mut again, &raw, at, m.len());
                }
                let found = insert(&mut again, &raw, first, n.len());
                assert_eq!(found, Some(first), "{n} of {count}");
            }
            keys.clear();
            assert_eq!(insert(&mut keys, &raw, spans[0], names[0].len()), None);
        }
    }
}
