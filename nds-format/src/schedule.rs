//! The schedule model: `Schedule` → `Event` → `LogicalCommand` + `Trigger`s.

use std::io::Write;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ndi_format::{Attribute, Result, Writer, WriterOptions};

use crate::values::{
    CatchUpPolicy, TriggerType, parse_bool, parse_date, parse_int, parse_seconds, parse_time,
    parse_timestamp,
};
use ndi_format::tree::{
    self, Element, Node, Span, Tree, get_attr, set_attr, start_document, write_element,
    write_nodes, write_text,
};

/// A schedule (`.nds`): the `Schedule` root with `SCHEDSCHEMA`, `NAME`, `TIMEDATESTAMP` and
/// its events. Attributes stay in document order; anything unrecognised is kept.
///
/// ```
/// use nds_format::{Schedule, TriggerType};
///
/// let nds = br#"<Schedule SCHEDSCHEMA="60" NAME="S" TIMEDATESTAMP="20240101T000000Z">
///   <Event NETWORK="false" NAME="Generate Inventory" ID="{6D3F8A52-1E11-4C3B-9A57-0D6A2C5F1B01}" CATCHUP="Once">
///     <LogicalCommand PARAM="-t Machine" COMPONENT="Tracker" ACTION="Generate"/>
///     <Trigger TIMESTART="000500" TYPE="Daily" TYPE_PARAM="1" TIMEWINDOW="3600" DATESTART="20240101"/>
///   </Event>
/// </Schedule>"#;
/// let schedule = Schedule::from_slice(nds)?;
/// let event = schedule.events().next().unwrap();
/// assert_eq!(event.command().unwrap().component(), Some("Tracker"));
/// let trigger = event.triggers().next().unwrap();
/// assert_eq!(trigger.trigger_type(), Some(TriggerType::Daily));
/// assert_eq!(trigger.window(), Some(3600));
/// assert_eq!(Schedule::from_slice(&schedule.to_bytes()?)?, schedule);
/// # Ok::<(), ndi_format::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    /// The DOCTYPE content when it differs from the standard one.
    pub doctype: Option<String>,
    /// Processing instructions of the prolog.
    pub processing_instructions: Vec<String>,
    /// `Schedule` attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data before the first child, if any.
    pub text: Option<String>,
    /// Events and anything else, in document order.
    pub items: Vec<ScheduleItem>,
}

/// A child of the `Schedule` root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleItem {
    /// An `Event`.
    Event(Event),
    /// Any other element, kept whole.
    Other(Element),
    /// Character data after a child element.
    Text(String),
}

/// An `Event`: one task (`NAME`, braced-GUID `ID`, `NETWORK`, `CATCHUP`, `IDLEDURATION`) with
/// its command and its triggers (OR-ed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data before the first child, if any.
    pub text: Option<String>,
    /// Command, triggers and anything else, in document order.
    pub items: Vec<EventItem>,
    /// Where it was read.
    pub span: Span,
}

/// A child of an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventItem {
    /// The `LogicalCommand`.
    LogicalCommand(LogicalCommand),
    /// A `Trigger`.
    Trigger(Trigger),
    /// Any other element, kept whole.
    Other(Element),
    /// Character data after a child element.
    Text(String),
}

/// A `LogicalCommand`: what the event runs (`COMPONENT`, `ACTION`, `PARAM`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogicalCommand {
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data, if any.
    pub text: Option<String>,
    /// Child elements, if any, kept whole.
    pub children: Vec<Node>,
    /// Where it was read.
    pub span: Span,
}

/// A `Trigger`: when the event runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trigger {
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'static>>,
    /// Character data, if any.
    pub text: Option<String>,
    /// Child elements, if any, kept whole.
    pub children: Vec<Node>,
    /// Where it was read.
    pub span: Span,
}

macro_rules! attr_methods {
    ($t:ty) => {
        impl $t {
            /// The value of attribute `name` (exact case).
            pub fn attr(&self, name: &str) -> Option<&str> {
                get_attr(&self.attributes, name)
            }

            /// Sets attribute `name`, in place when present (keeping the order), else at the end.
            pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
                set_attr(&mut self.attributes, name, value.into());
            }
        }
    };
}

attr_methods!(Schedule);
attr_methods!(Event);
attr_methods!(LogicalCommand);
attr_methods!(Trigger);

impl Schedule {
    /// An empty schedule with `SCHEDSCHEMA="60"`, `NAME` and `TIMEDATESTAMP`.
    pub fn new(name: &str, timedatestamp: DateTime<Utc>) -> Self {
        Schedule {
            attributes: tree::attrs([
                ("SCHEDSCHEMA", "60".to_owned()),
                ("NAME", name.to_owned()),
                (
                    "TIMEDATESTAMP",
                    timedatestamp.format("%Y%m%dT%H%M%SZ").to_string(),
                ),
            ]),
            ..Schedule::default()
        }
    }

    /// Reads a `.nds` document (plain or gzipped, any supported encoding) with the default
    /// limits. The root element must be `Schedule`.
    pub fn from_slice(bytes: &[u8]) -> Result<Schedule> {
        Self::from_tree(tree::read_tree(bytes)?)
    }

    /// The model of a document already read into a tree (see [`tree::read_once`]). The root
    /// element must be `Schedule`.
    pub fn from_tree(tree: Tree) -> Result<Schedule> {
        tree.expect_root("Schedule")?;
        let (doctype, processing_instructions) = tree.prolog();
        let items = tree
            .children
            .into_iter()
            .map(|n| match n {
                Node::Text(t) => ScheduleItem::Text(t),
                Node::Element(e) if e.name == "Event" => ScheduleItem::Event(event_from(e)),
                Node::Element(e) => ScheduleItem::Other(e),
            })
            .collect();
        Ok(Schedule {
            doctype,
            processing_instructions,
            attributes: tree.header.attributes,
            text: tree.root_text,
            items,
        })
    }

    /// `NAME`.
    pub fn name(&self) -> Option<&str> {
        self.attr("NAME")
    }

    /// `SCHEDSCHEMA` as an integer (60 in all known files).
    pub fn schema(&self) -> Option<i64> {
        self.attr("SCHEDSCHEMA").and_then(parse_int)
    }

    /// `TIMEDATESTAMP` (UTC): a newer stamp replaces an installed schedule of the same name.
    pub fn timedatestamp(&self) -> Option<DateTime<Utc>> {
        self.attr("TIMEDATESTAMP").and_then(parse_timestamp)
    }

    /// The events, in document order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.items.iter().filter_map(|i| match i {
            ScheduleItem::Event(e) => Some(e),
            _ => None,
        })
    }

    /// The events, mutably.
    pub fn events_mut(&mut self) -> impl Iterator<Item = &mut Event> {
        self.items.iter_mut().filter_map(|i| match i {
            ScheduleItem::Event(e) => Some(e),
            _ => None,
        })
    }

    /// One row per trigger with its event and command (the `schedule_triggers` table), in
    /// document order. Values are kept as written; the row's methods parse them.
    pub fn triggers(&self) -> Vec<TriggerRow> {
        let mut rows = Vec::new();
        for (event_index, event) in self.events().enumerate() {
            let command = event.command();
            let cmd = |name: &str| command.and_then(|c| c.attr(name)).map(str::to_owned);
            for (trigger_index, t) in event.triggers().enumerate() {
                let own = |name: &str| t.attr(name).map(str::to_owned);
                rows.push(TriggerRow {
                    schedule_name: self.name().map(str::to_owned),
                    event_index,
                    trigger_index,
                    event_id: event.id().map(str::to_owned),
                    event_name: event.name().map(str::to_owned),
                    component: cmd("COMPONENT"),
                    action: cmd("ACTION"),
                    catchup: event.attr("CATCHUP").map(str::to_owned),
                    trigger_type: own("TYPE"),
                    type_param: own("TYPE_PARAM"),
                    date_start: own("DATESTART"),
                    date_end: own("DATEEND"),
                    time_start: own("TIMESTART"),
                    time_window: own("TIMEWINDOW"),
                    repeat: own("REPEAT"),
                    duration: own("DURATION"),
                });
            }
        }
        rows
    }

    /// Writes the document with `options`.
    pub fn write<W: Write>(&self, out: W, options: WriterOptions) -> Result<W> {
        let mut w = start_document(
            out,
            options,
            "Schedule",
            &self.attributes,
            self.doctype.as_deref(),
            &self.processing_instructions,
            self.text.as_deref(),
        )?;
        for item in &self.items {
            match item {
                ScheduleItem::Event(e) => {
                    write_element(&mut w, 1, "Event", &e.attributes, e.text.as_deref())?;
                    for item in &e.items {
                        match item {
                            EventItem::LogicalCommand(c) => {
                                write_element(
                                    &mut w,
                                    2,
                                    "LogicalCommand",
                                    &c.attributes,
                                    c.text.as_deref(),
                                )?;
                                write_nodes(&mut w, 3, &c.children)?;
                            }
                            EventItem::Trigger(t) => {
                                write_element(
                                    &mut w,
                                    2,
                                    "Trigger",
                                    &t.attributes,
                                    t.text.as_deref(),
                                )?;
                                write_nodes(&mut w, 3, &t.children)?;
                            }
                            EventItem::Other(o) => write_other(&mut w, 2, o)?,
                            EventItem::Text(t) => write_text(&mut w, 2, t)?,
                        }
                    }
                }
                ScheduleItem::Other(o) => write_other(&mut w, 1, o)?,
                ScheduleItem::Text(t) => write_text(&mut w, 1, t)?,
            }
        }
        w.finish()
    }

    /// The document as indented UTF-8 XML.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.write(Vec::new(), WriterOptions::default())
    }
}

fn write_other<W: Write>(w: &mut Writer<W>, depth: u32, e: &Element) -> Result<()> {
    write_element(w, depth, &e.name, &e.attributes, e.text.as_deref())?;
    write_nodes(w, depth + 1, &e.children)
}

fn event_from(e: Element) -> Event {
    let items = e
        .children
        .into_iter()
        .map(|n| match n {
            Node::Text(t) => EventItem::Text(t),
            Node::Element(c) => match c.name.as_str() {
                "LogicalCommand" => EventItem::LogicalCommand(LogicalCommand {
                    attributes: c.attributes,
                    text: c.text,
                    children: c.children,
                    span: c.span,
                }),
                "Trigger" => EventItem::Trigger(Trigger {
                    attributes: c.attributes,
                    text: c.text,
                    children: c.children,
                    span: c.span,
                }),
                _ => EventItem::Other(c),
            },
        })
        .collect();
    Event {
        attributes: e.attributes,
        text: e.text,
        items,
        span: e.span,
    }
}

impl Event {
    /// An event with `NETWORK`, `NAME`, `ID`, `CATCHUP` (the attribute order of real files),
    /// a command and no triggers.
    pub fn new(name: &str, id: &str, catchup: CatchUpPolicy, command: LogicalCommand) -> Self {
        Event {
            attributes: tree::attrs([
                ("NETWORK", "false"),
                ("NAME", name),
                ("ID", id),
                ("CATCHUP", catchup.name()),
            ]),
            items: vec![EventItem::LogicalCommand(command)],
            ..Event::default()
        }
    }

    /// `NAME`.
    pub fn name(&self) -> Option<&str> {
        self.attr("NAME")
    }

    /// `ID`, a braced GUID unique within the schedule.
    pub fn id(&self) -> Option<&str> {
        self.attr("ID")
    }

    /// `NETWORK`: whether the event needs the network.
    pub fn network(&self) -> Option<bool> {
        self.attr("NETWORK").and_then(parse_bool)
    }

    /// `CATCHUP` parsed (`None` when missing or unknown).
    pub fn catchup(&self) -> Option<CatchUpPolicy> {
        self.attr("CATCHUP").and_then(CatchUpPolicy::parse)
    }

    /// `IDLEDURATION` as written (its unit and meaning are not public; it is kept, not
    /// interpreted).
    pub fn idle_duration(&self) -> Option<&str> {
        self.attr("IDLEDURATION")
    }

    /// The first `LogicalCommand`.
    pub fn command(&self) -> Option<&LogicalCommand> {
        self.items.iter().find_map(|i| match i {
            EventItem::LogicalCommand(c) => Some(c),
            _ => None,
        })
    }

    /// The triggers, in document order.
    pub fn triggers(&self) -> impl Iterator<Item = &Trigger> {
        self.items.iter().filter_map(|i| match i {
            EventItem::Trigger(t) => Some(t),
            _ => None,
        })
    }

    /// Appends a trigger.
    pub fn push_trigger(&mut self, trigger: Trigger) {
        self.items.push(EventItem::Trigger(trigger));
    }
}

impl LogicalCommand {
    /// A command with `PARAM`, `COMPONENT` and `ACTION` (the attribute order of real files).
    pub fn new(param: &str, component: &str, action: &str) -> Self {
        LogicalCommand {
            attributes: tree::attrs([
                ("PARAM", param),
                ("COMPONENT", component),
                ("ACTION", action),
            ]),
            ..LogicalCommand::default()
        }
    }

    /// `COMPONENT` (e.g. `PolicyClient`, `Tracker`, `Uploader`).
    pub fn component(&self) -> Option<&str> {
        self.attr("COMPONENT")
    }

    /// `ACTION` (e.g. `Apply`, `Generate`, `Upload`).
    pub fn action(&self) -> Option<&str> {
        self.attr("ACTION")
    }

    /// `PARAM`: the command-line arguments.
    pub fn param(&self) -> Option<&str> {
        self.attr("PARAM")
    }
}

impl Trigger {
    /// A trigger with attributes given as pairs, in that order.
    pub fn new<N: Into<String>, V: Into<String>>(
        attributes: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Trigger {
            attributes: tree::attrs(attributes),
            ..Trigger::default()
        }
    }

    /// `TYPE` parsed (`None` when missing or unknown; the text stays in [`Trigger::attr`]).
    pub fn trigger_type(&self) -> Option<TriggerType> {
        self.attr("TYPE").and_then(TriggerType::parse)
    }

    /// `TYPE_PARAM` as an integer.
    pub fn type_param(&self) -> Option<i64> {
        self.attr("TYPE_PARAM").and_then(parse_int)
    }

    /// `DATESTART`.
    pub fn date_start(&self) -> Option<NaiveDate> {
        self.attr("DATESTART").and_then(parse_date)
    }

    /// `DATEEND` (inclusive).
    pub fn date_end(&self) -> Option<NaiveDate> {
        self.attr("DATEEND").and_then(parse_date)
    }

    /// `TIMESTART`, device-local wall-clock time.
    pub fn time_start(&self) -> Option<NaiveTime> {
        self.attr("TIMESTART").and_then(parse_time)
    }

    /// `TIMEWINDOW` in seconds.
    pub fn window(&self) -> Option<u64> {
        self.attr("TIMEWINDOW").and_then(parse_seconds)
    }

    /// `REPEAT` in seconds.
    pub fn repeat(&self) -> Option<u64> {
        self.attr("REPEAT").and_then(parse_seconds)
    }

    /// `DURATION` in seconds.
    pub fn duration(&self) -> Option<u64> {
        self.attr("DURATION").and_then(parse_seconds)
    }
}

/// One trigger with its event and command: a row of the `schedule_triggers` table. Fields
/// hold the attribute values as written (`None` when absent); the methods parse them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerRow {
    /// The schedule's `NAME`.
    pub schedule_name: Option<String>,
    /// Position of the event among the schedule's events, from 0.
    pub event_index: usize,
    /// Position of the trigger among its event's triggers, from 0.
    pub trigger_index: usize,
    /// The event's `ID`.
    pub event_id: Option<String>,
    /// The event's `NAME`.
    pub event_name: Option<String>,
    /// The command's `COMPONENT`.
    pub component: Option<String>,
    /// The command's `ACTION`.
    pub action: Option<String>,
    /// The event's `CATCHUP`.
    pub catchup: Option<String>,
    /// `TYPE`.
    pub trigger_type: Option<String>,
    /// `TYPE_PARAM`.
    pub type_param: Option<String>,
    /// `DATESTART` (`yyyyMMdd`).
    pub date_start: Option<String>,
    /// `DATEEND` (`yyyyMMdd`).
    pub date_end: Option<String>,
    /// `TIMESTART` (`HHmmss`).
    pub time_start: Option<String>,
    /// `TIMEWINDOW` (seconds).
    pub time_window: Option<String>,
    /// `REPEAT` (seconds).
    pub repeat: Option<String>,
    /// `DURATION` (seconds).
    pub duration: Option<String>,
}

impl TriggerRow {
    /// `TYPE` parsed.
    pub fn trigger_type(&self) -> Option<TriggerType> {
        self.trigger_type.as_deref().and_then(TriggerType::parse)
    }
    /// `TYPE_PARAM` as an integer.
    pub fn type_param(&self) -> Option<i64> {
        self.type_param.as_deref().and_then(parse_int)
    }
    /// `DATESTART` parsed.
    pub fn date_start(&self) -> Option<NaiveDate> {
        self.date_start.as_deref().and_then(parse_date)
    }
    /// `DATEEND` parsed.
    pub fn date_end(&self) -> Option<NaiveDate> {
        self.date_end.as_deref().and_then(parse_date)
    }
    /// `TIMESTART` parsed.
    pub fn time_start(&self) -> Option<NaiveTime> {
        self.time_start.as_deref().and_then(parse_time)
    }
    /// `TIMEWINDOW` in seconds.
    pub fn time_window_s(&self) -> Option<u64> {
        self.time_window.as_deref().and_then(parse_seconds)
    }
    /// `REPEAT` in seconds.
    pub fn repeat_s(&self) -> Option<u64> {
        self.repeat.as_deref().and_then(parse_seconds)
    }
    /// `DURATION` in seconds.
    pub fn duration_s(&self) -> Option<u64> {
        self.duration.as_deref().and_then(parse_seconds)
    }
}
