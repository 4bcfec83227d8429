//! The private core: turns XML events into records. No I/O happens here; the reader feeds it
//! events from a slice or a stream and it fills records, tracking the element stack, paths,
//! limits and the well-formedness rules quick-xml leaves to its caller.
//!
//! One module per job: [`values`] (how values get into records), [`stack`] (open elements
//! and element paths), [`elements`] (start and end tags), [`attribute_names`] (valid and
//! duplicate attribute names), [`references`] (character and entity references, attribute
//! value normalisation), [`text`] (layout and character data) and [`prolog`] (XML
//! declaration, processing instructions, DOCTYPE). Problems are collected as [`Issue`]s with
//! their byte offset; the reader turns offsets into line and column.

mod attribute_names;
mod elements;
mod prolog;
mod references;
mod stack;
mod text;
mod values;

use std::borrow::Cow;

use quick_xml::events::Event;

use crate::error::{ErrorKind, WarningKind};
use crate::format::Format;
use crate::limits::Limits;
use crate::record::{Header, Record};
use crate::xml::chars::first_illegal_char;

use attribute_names::AttributeKeys;
use stack::ElementStack;
use text::Origin;
pub(crate) use values::{CopyIntoRecord, Lift, ReborrowFromInput};

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

/// Where the assembler is in the document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Prolog,
    Body,
    Epilog,
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

/// The state of one document being assembled.
pub(crate) struct Assembler<'x> {
    limits: Limits,
    format: Format,
    phase: Phase,
    stack: ElementStack,
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

impl<'x> Assembler<'x> {
    pub(crate) fn new(limits: Limits) -> Self {
        Assembler {
            limits,
            format: Format::Other,
            phase: Phase::Prolog,
            stack: ElementStack::default(),
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
        self.stack.path()
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
            Event::Text(t) => self.text_event(lift, &t, offset, rec),
            Event::CData(t) => {
                if self.phase != Phase::Body {
                    return self.error(offset, ErrorKind::TextOutsideRoot);
                }
                let content = t.xml10_content();
                self.text(lift, content, offset + 9, Origin::CData, rec)
            }
            Event::GeneralRef(r) => self.reference(lift, &r, offset, rec),
            Event::Comment(c) => {
                self.check_chars(&c, offset + 4);
                Step::Continue
            }
            Event::PI(pi) => self.processing_instruction(lift, pi, offset),
            Event::Decl(d) => self.declaration(&d, offset),
            Event::DocType(d) => self.doctype(lift, &d, offset),
            Event::Eof => match self.phase {
                Phase::Prolog => self.error(offset, ErrorKind::Empty),
                Phase::Body => {
                    let name = self.stack.innermost_name().unwrap_or_default().to_owned();
                    self.error(offset, ErrorKind::Truncated(name))
                }
                Phase::Epilog => Step::End,
            },
        }
    }
}
