//! The private core of the loader: one document's records become rows of the typed tables,
//! and whatever no typed table captures becomes rows of `elements`. No I/O happens here.

use ndi_format::model::{ElementPaths, Identity, InventoryHeader, Item, Scope, VdiHeader};
use ndi_format::values::{
    CompactDateTime, days_from_civil, parse_bool, parse_canonical_int, parse_compact_date,
};
use ndi_format::{Attribute, Format, Header, Reader, Record, RecordKind, Result};

use crate::tables::{Table, TableBuilder, columns as col};

/// How much a table may buffer before its rows are handed on as a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimit {
    /// Rows per batch.
    pub rows: usize,
    /// Text bytes per batch (so that a batch of huge values stays bounded too).
    pub bytes: usize,
}

impl Default for BatchLimit {
    fn default() -> Self {
        BatchLimit {
            rows: 65_536,
            bytes: 64 << 20,
        }
    }
}

/// One builder per table, and where the current document's rows begin.
pub struct Tables {
    builders: Vec<TableBuilder>,
    limit: BatchLimit,
    marks: [usize; Table::COUNT],
}

impl Default for Tables {
    fn default() -> Self {
        Tables::new(BatchLimit::default())
    }
}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.builders.iter()).finish()
    }
}

impl Tables {
    /// Empty builders that are full at `limit`.
    pub fn new(limit: BatchLimit) -> Self {
        Tables {
            builders: Table::ALL.iter().map(|t| TableBuilder::new(*t)).collect(),
            limit: BatchLimit {
                rows: limit.rows.max(1),
                bytes: limit.bytes.max(1),
            },
            marks: [0; Table::COUNT],
        }
    }

    /// The builder of `table`.
    pub fn get(&mut self, table: Table) -> &mut TableBuilder {
        &mut self.builders[table.index()]
    }

    /// Rows buffered per table.
    pub fn lens(&self) -> [usize; Table::COUNT] {
        let mut out = [0; Table::COUNT];
        for (o, b) in out.iter_mut().zip(&self.builders) {
            *o = b.len();
        }
        out
    }

    /// Notes the rows buffered now as the start of a document (see [`Tables::document_full`]).
    pub fn mark_document_start(&mut self) {
        self.marks = self.lens();
    }

    /// Whether the rows added since [`Tables::mark_document_start`] fill a batch of some table
    /// on their own (or its text reached the byte limit).
    pub fn document_full(&self) -> bool {
        self.builders
            .iter()
            .zip(self.marks)
            .any(|(b, mark)| b.len() - mark.min(b.len()) >= self.limit.rows || self.over_bytes(b))
    }

    /// Whether `builder` holds a full batch.
    pub fn is_full(&self, builder: &TableBuilder) -> bool {
        builder.len() >= self.limit.rows || self.over_bytes(builder)
    }

    fn over_bytes(&self, builder: &TableBuilder) -> bool {
        builder.buffered_bytes() >= self.limit.bytes
    }

    /// Whether some table holds a full batch.
    pub fn any_full(&self) -> bool {
        self.builders.iter().any(|b| self.is_full(b))
    }

    /// Batches of the tables that hold a full one (all tables with rows when `all`), leaving
    /// those builders empty. No batch has more rows than the limit: the rows a document added
    /// after earlier ones filled most of a batch go on in a smaller batch of their own.
    pub fn take_batches(
        &mut self,
        all: bool,
    ) -> Result<Vec<(Table, arrow_array::RecordBatch)>, arrow_schema::ArrowError> {
        let mut out = Vec::new();
        let rows = self.limit.rows;
        for i in 0..self.builders.len() {
            let b = &self.builders[i];
            if (all && !b.is_empty()) || self.is_full(b) {
                let b = &mut self.builders[i];
                let batch = b.finish()?;
                let mut offset = 0;
                while offset < batch.num_rows() {
                    let len = rows.min(batch.num_rows() - offset);
                    out.push((b.table(), batch.slice(offset, len)));
                    offset += len;
                }
            }
        }
        self.marks = [0; Table::COUNT];
        Ok(out)
    }

    /// All builders.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut TableBuilder> {
        self.builders.iter_mut()
    }
}

/// How [`RowMaker::load`] ended.
#[derive(Debug)]
pub enum Loaded {
    /// Every record became rows.
    Done(DocumentStats),
    /// The document's own rows filled a batch and `on_full` said stop: its rows are still
    /// in the tables (from the mark on) and the reader is where it stopped. The caller takes
    /// the rows back, checks the rest of the document, and loads it again streaming.
    Stopped,
}

/// What [`RowMaker::load`] does when rows fill a batch.
pub enum OnFull<'a> {
    /// Stop as soon as the document's own rows fill a batch of some table (rows are cut
    /// between documents, so that a rejected document's rows can be taken back).
    Stop,
    /// The document is known to be well-formed: hand every full table to this as soon as it
    /// is full, and go on; it returns `false` to stop (e.g. when a sink failed).
    Flush(&'a mut dyn FnMut(&mut Tables) -> bool),
}

impl std::fmt::Debug for OnFull<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OnFull::Stop => "Stop",
            OnFull::Flush(_) => "Flush",
        })
    }
}

/// What loading one document produced besides rows.
#[derive(Debug, Default, Clone)]
pub struct DocumentStats {
    /// Bytes of embedded content whose data was not kept.
    pub content_bytes_omitted: u64,
}

/// Options that change what rows are produced.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowOptions {
    /// Keep the data of embedded `Content` elements in `elements` (off: only name and size).
    pub keep_content: bool,
}

/// A `yyyyMMddTHHmmss` timestamp, or the raw text when it is anything else (so that the
/// typed value always converts back to exactly the text it came from).
fn timestamp(raw: Option<&str>) -> (Option<i64>, Option<&str>) {
    match raw {
        None => (None, None),
        Some(s) => match CompactDateTime::parse(s).filter(|_| s.len() == 15) {
            Some(t) => (Some(t.unix_seconds()), None),
            None => (None, Some(s)),
        },
    }
}

fn date(raw: Option<&str>) -> (Option<i32>, Option<&str>) {
    match raw {
        None => (None, None),
        Some(s) => match parse_compact_date(s) {
            Some((y, m, d)) => (
                i32::try_from(days_from_civil(i64::from(y), u32::from(m), u32::from(d))).ok(),
                None,
            ),
            None => (None, Some(s)),
        },
    }
}

/// Turns the records of one document into rows.
#[derive(Debug, Default)]
pub struct RowMaker {
    paths: ElementPaths,
    options: RowOptions,
}

impl RowMaker {
    /// A row maker with `options`.
    pub fn new(options: RowOptions) -> Self {
        RowMaker {
            paths: ElementPaths::default(),
            options,
        }
    }

    /// Reads every record of `reader` into rows of `tables`, doing `on_full` when they fill a
    /// batch. On error, rows already added for this document stay in `tables`: the caller
    /// rolls them back.
    pub fn load(
        &mut self,
        reader: &mut Reader<'_>,
        document_id: &str,
        tables: &mut Tables,
        mut on_full: OnFull<'_>,
    ) -> Result<Loaded> {
        tables.mark_document_start();
        let header = reader.header().clone();
        let format = reader.format();
        self.paths.reset(&header.root);
        let mut stats = DocumentStats::default();
        let mut scope = Scope::new();
        let mut identity = Identity::default();
        let mut record = Record::default();
        let mut pending: Vec<PendingContainer<'_>> = Vec::new();
        let vdi = VdiHeader::new(&header);
        let (scan_time, scan_time_raw) = timestamp(header.attr("scanTime"));
        while reader.read_record(&mut record)? {
            let stop = match &mut on_full {
                OnFull::Stop => tables.document_full(),
                OnFull::Flush(flush) => tables.any_full() && !flush(tables),
            };
            if stop {
                return Ok(Loaded::Stopped);
            }
            close_containers(&mut pending, record.depth, document_id, tables);
            let path = self.paths.enter(&record);
            let mut captured = Captured::Nothing;
            // Which enclosing containers' context this record's row carries.
            let mut uses: &[RecordKind] = &[];
            let mut text_captured = false;
            match scope.observe(&record) {
                Item::HardwareProperty(p) => {
                    identity.observe(&p);
                    uses = &[
                        RecordKind::HardwareClass,
                        RecordKind::HardwareInstance,
                        RecordKind::HardwareProperty,
                    ];
                    tables.builders[Table::Hardware.index()]
                        .text(col::hardware::document_id, Some(document_id))
                        .text(col::hardware::class, Some(p.class))
                        .int32(col::hardware::instance, i32::try_from(p.instance).ok())
                        .text(col::hardware::instance_name, p.instance_name)
                        .text(col::hardware::property, Some(p.name))
                        .text(col::hardware::value, Some(p.value))
                        .end_row();
                    if record.kind == RecordKind::PropertyValue {
                        text_captured = true;
                    } else {
                        captured = Captured::These(&["Name", "Value"]);
                    }
                }
                Item::Installer(i) => {
                    let (install_date, install_date_raw) = date(i.install_date_raw());
                    tables.builders[Table::InstallerEvidence.index()]
                        .text(col::installer_evidence::document_id, Some(document_id))
                        .text(col::installer_evidence::evidence_type, i.evidence_type())
                        .text(col::installer_evidence::name, i.name())
                        .text(col::installer_evidence::version, i.version())
                        .text(col::installer_evidence::publisher, i.publisher())
                        .text(col::installer_evidence::product_code, i.product_code())
                        .date(col::installer_evidence::install_date, install_date)
                        .text(col::installer_evidence::install_date_raw, install_date_raw)
                        .map(
                            col::installer_evidence::attributes,
                            i.other_attributes()
                                .map(|a| (a.name.as_ref(), a.value.as_ref())),
                        )
                        .end_row();
                    captured = Captured::Everything;
                }
                Item::File(f) => {
                    uses = &[RecordKind::Directory];
                    let size = f.size();
                    let (modified, modified_raw) = timestamp(f.modified_raw());
                    let size_raw = if size.is_none() { f.size_raw() } else { None };
                    let others = f
                        .other_attributes()
                        .map(|a| (a.name.as_ref(), a.value.as_ref()))
                        .chain(size_raw.map(|s| ("Size", s)));
                    tables.builders[Table::FileEvidence.index()]
                        .text(col::file_evidence::document_id, Some(document_id))
                        .text(col::file_evidence::directory, f.directory)
                        .text(col::file_evidence::file_name, f.file_name())
                        .int64(
                            col::file_evidence::size,
                            size.and_then(|s| i64::try_from(s).ok()),
                        )
                        .text(col::file_evidence::version, f.version())
                        .text(col::file_evidence::company, f.company())
                        .text(col::file_evidence::description, f.description())
                        .text(col::file_evidence::product_name, f.product_name())
                        .text(col::file_evidence::product_version, f.product_version())
                        .text(col::file_evidence::md5, f.md5())
                        .timestamp(col::file_evidence::modified, modified)
                        .text(col::file_evidence::modified_raw, modified_raw)
                        .map(col::file_evidence::attributes, others)
                        .end_row();
                    captured = Captured::Everything;
                }
                Item::Content(c) if !self.options.keep_content => {
                    stats.content_bytes_omitted += c.data().len() as u64;
                    text_captured = true;
                }
                Item::ProviderProperty(p) => {
                    uses = &[RecordKind::ServiceProvider];
                    tables.builders[Table::ServiceProviders.index()]
                        .text(col::service_providers::document_id, Some(document_id))
                        .text(col::service_providers::provider_path, Some(p.provider_path))
                        .text(col::service_providers::provider_type, Some(p.provider_type))
                        .text(col::service_providers::provider_name, Some(p.provider_name))
                        .text(col::service_providers::property, Some(p.name))
                        .text(col::service_providers::value, Some(p.value))
                        .end_row();
                    captured = Captured::These(&["Name", "Value"]);
                }
                Item::AppUsage(u) => {
                    uses = &[RecordKind::UsageDevice, RecordKind::UsageUser];
                    let (week, week_raw) = timestamp(u.user_attr("STARTDATE"));
                    let (last, last_raw) = timestamp(u.attr("LASTUSED"));
                    let counters = ["RUNTIME", "ACTIVETIME", "SESSIONS"];
                    let unparsed = counters
                        .into_iter()
                        .filter(|c| u.attr(c).is_some() && u.counter(c).is_none())
                        .filter_map(|c| u.attr(c).map(|v| (c, v)));
                    tables.builders[Table::Usage.index()]
                        .text(col::usage::document_id, Some(document_id))
                        .text(col::usage::device_name, u.device_attr("NAME"))
                        .text(col::usage::device_domain, u.device_attr("DOMAIN"))
                        .text(col::usage::device_guid, u.device_attr("GUID"))
                        .text(col::usage::user_name, u.user_attr("USER"))
                        .text(col::usage::user_domain, u.user_attr("DOMAIN"))
                        .text(col::usage::summary_type, u.user_attr("TYPE"))
                        .timestamp(col::usage::week_start, week)
                        .text(col::usage::week_start_raw, week_raw)
                        .text(col::usage::app_name, u.attr("NAME"))
                        .text(col::usage::app_version, u.attr("VERSION"))
                        .text(col::usage::file_name, u.attr("FILENAME"))
                        .text(col::usage::file_company, u.attr("FILECOMPANY"))
                        .text(col::usage::file_description, u.attr("FILEDESCRIPTION"))
                        .text(col::usage::file_product_name, u.attr("FILEPRODUCTNAME"))
                        .text(
                            col::usage::file_product_version,
                            u.attr("FILEPRODUCTVERSION"),
                        )
                        .int64(col::usage::run_seconds, u.counter("RUNTIME"))
                        .int64(col::usage::active_seconds, u.counter("ACTIVETIME"))
                        .int64(col::usage::sessions, u.counter("SESSIONS"))
                        .timestamp(col::usage::last_used, last)
                        .text(col::usage::last_used_raw, last_raw)
                        .map(
                            col::usage::attributes,
                            u.other_attributes()
                                .map(|a| (a.name.as_ref(), a.value.as_ref()))
                                .chain(unparsed),
                        )
                        .end_row();
                    captured = Captured::Everything;
                }
                Item::VdiAccess(v) => {
                    uses = &[RecordKind::VdiGroup];
                    tables.builders[Table::VdiAccess.index()]
                        .text(col::vdi_access::document_id, Some(document_id))
                        .text(col::vdi_access::broker_type, vdi.broker_type())
                        .text(col::vdi_access::site_name, vdi.site_name())
                        .timestamp(col::vdi_access::scan_time, scan_time)
                        .text(col::vdi_access::scan_time_raw, scan_time_raw)
                        .text(col::vdi_access::group_name, v.group_name)
                        .text(col::vdi_access::sid, v.sid)
                        .end_row();
                    captured = Captured::These(&["Sid"]);
                }
                Item::Discovered(d) => {
                    let home = d.home.unwrap_or(d.record);
                    let (known, port): (&[&str], _) = if d.kind == "oracle_home" {
                        (&["Home", "Executable", "Source"], None)
                    } else {
                        (&["SID", "Port"], d.record.attr("Port"))
                    };
                    let port_value = port
                        .and_then(parse_canonical_int)
                        .and_then(|p| i32::try_from(p).ok());
                    let unparsed_port = if port.is_some() && port_value.is_none() {
                        port.map(|p| ("Port", p))
                    } else {
                        None
                    };
                    tables.builders[Table::Discovery.index()]
                        .text(col::discovery::document_id, Some(document_id))
                        .text(col::discovery::kind, Some(d.kind))
                        .text(col::discovery::home, home.attr("Home"))
                        .text(col::discovery::executable, home.attr("Executable"))
                        .text(col::discovery::sid, d.record.attr("SID"))
                        .int32(col::discovery::port, port_value)
                        .text(col::discovery::source, home.attr("Source"))
                        .map(
                            col::discovery::attributes,
                            d.record
                                .other_attributes(known)
                                .map(|a| (a.name.as_ref(), a.value.as_ref()))
                                .chain(unparsed_port),
                        )
                        .end_row();
                    captured = Captured::Everything;
                }
                Item::Container => {
                    let context = context_attributes(&record);
                    if !context.is_empty() {
                        pending.push(PendingContainer {
                            kind: record.kind,
                            depth: record.depth,
                            path: path.to_string(),
                            attributes: record
                                .attributes
                                .iter()
                                .filter(|a| context.contains(&a.name.as_ref()))
                                .cloned()
                                .collect(),
                            used: false,
                        });
                        captured = Captured::These(context);
                    }
                }
                _ => {}
            }
            for c in pending.iter_mut().filter(|c| uses.contains(&c.kind)) {
                c.used = true;
            }
            // Everything the typed rows did not take goes to `elements`.
            let elements = &mut tables.builders[Table::Elements.index()];
            for a in &record.attributes {
                let taken = match captured {
                    Captured::Everything => true,
                    Captured::These(names) => names.contains(&a.name.as_ref()),
                    Captured::Nothing => false,
                };
                if !taken {
                    element_row(elements, document_id, path, Some(&a.name), Some(&a.value));
                }
            }
            if let (Some(text), false) = (&record.text, text_captured) {
                element_row(elements, document_id, path, None, Some(text));
            }
        }
        close_containers(&mut pending, 0, document_id, tables);
        self.header_rows(format, &header, &identity, document_id, tables);
        Ok(Loaded::Done(stats))
    }

    /// Rows that come from the root element: `inventories` for `.ndi`, and `elements` for every
    /// root attribute no typed column holds.
    fn header_rows(
        &self,
        format: Format,
        header: &Header<'_>,
        identity: &Identity,
        document_id: &str,
        tables: &mut Tables,
    ) {
        let root_path = format!("/{}", header.root);
        let mut typed: &[&str] = &[];
        if format == Format::Ndi {
            let h = InventoryHeader::new(header);
            let (time, time_raw) = timestamp(header.attr("DateTime"));
            tables.builders[Table::Inventories.index()]
                .text(col::inventories::document_id, Some(document_id))
                .text(col::inventories::machine_name, h.machine_name())
                .text(col::inventories::scope, h.scope())
                .text(col::inventories::user_name, h.user_name())
                .text(col::inventories::audience, h.audience())
                .text(col::inventories::tracker_version, h.tracker())
                .text(col::inventories::inventory_type, h.inventory_type())
                .timestamp(col::inventories::inventory_time, time)
                .text(col::inventories::inventory_time_raw, time_raw)
                .boolean(
                    col::inventories::has_hardware,
                    header.attr("Hardware").and_then(parse_bool),
                )
                .boolean(
                    col::inventories::has_software,
                    header.attr("Software").and_then(parse_bool),
                )
                .boolean(
                    col::inventories::has_service_providers,
                    header.attr("ServiceProviders").and_then(parse_bool),
                )
                .text(
                    col::inventories::serial_number,
                    identity.serial_number.as_deref(),
                )
                .text(
                    col::inventories::hardware_uuid,
                    identity.hardware_uuid.as_deref(),
                )
                .text(
                    col::inventories::agent_id,
                    h.agent_id().or(identity.agent_id.as_deref()),
                )
                .end_row();
            typed = &InventoryHeader::KNOWN;
        }
        let elements = tables.get(Table::Elements);
        let both_user_names = header.attr("UserName").is_some();
        for Attribute { name, value } in &header.attributes {
            let captured = typed.contains(&name.as_ref())
                && !(name == "Username" && both_user_names)
                && !(matches!(name.as_ref(), "Hardware" | "Software" | "ServiceProviders")
                    && parse_bool(value).is_none());
            if !captured {
                element_row(elements, document_id, &root_path, Some(name), Some(value));
            }
        }
    }
}

/// `policy_packages` rows of a policy (every `Package`, in document order).
pub fn policy_rows(bytes: &[u8], document_id: &str, tables: &mut Tables) -> Result<()> {
    let policy = npl_format::Policy::from_slice(bytes)?;
    let b = tables.get(Table::PolicyPackages);
    for p in policy.package_rows() {
        let unparsed = match (p.precedence, &p.precedence_text) {
            (None, Some(text)) => Some(("Precedence", text.as_str())),
            _ => None,
        };
        b.text(col::policy_packages::document_id, Some(document_id))
            .text(col::policy_packages::policy_guid, p.policy_guid.as_deref())
            .text(col::policy_packages::href, Some(&p.href))
            .text(col::policy_packages::object_id, p.object_id.as_deref())
            .int64(
                col::policy_packages::precedence,
                p.precedence.filter(|_| unparsed.is_none()),
            )
            .map(col::policy_packages::attributes, unparsed)
            .end_row();
    }
    Ok(())
}

/// `schedule_triggers` rows of a schedule (every `Trigger`, in document order).
pub fn schedule_rows(bytes: &[u8], document_id: &str, tables: &mut Tables) -> Result<()> {
    let schedule = nds_format::Schedule::from_slice(bytes)?;
    let b = tables.get(Table::ScheduleTriggers);
    for t in schedule.triggers() {
        let int = |raw: &Option<String>| raw.as_deref().and_then(parse_canonical_int);
        let numbers = [
            ("TYPE_PARAM", &t.type_param),
            ("TIMEWINDOW", &t.time_window),
            ("REPEAT", &t.repeat),
            ("DURATION", &t.duration),
        ];
        let unparsed = numbers
            .iter()
            .filter(|(_, raw)| raw.is_some() && int(raw).is_none())
            .filter_map(|(name, raw)| raw.as_deref().map(|v| (*name, v)));
        let (start, start_raw) = date(t.date_start.as_deref());
        let (end, end_raw) = date(t.date_end.as_deref());
        b.text(col::schedule_triggers::document_id, Some(document_id))
            .text(
                col::schedule_triggers::schedule_name,
                t.schedule_name.as_deref(),
            )
            .text(col::schedule_triggers::event_id, t.event_id.as_deref())
            .text(col::schedule_triggers::event_name, t.event_name.as_deref())
            .text(col::schedule_triggers::component, t.component.as_deref())
            .text(col::schedule_triggers::action, t.action.as_deref())
            .text(col::schedule_triggers::catchup, t.catchup.as_deref())
            .text(
                col::schedule_triggers::trigger_type,
                t.trigger_type.as_deref(),
            )
            .int64(col::schedule_triggers::type_param, int(&t.type_param))
            .date(col::schedule_triggers::date_start, start)
            .text(col::schedule_triggers::date_start_raw, start_raw)
            .text(col::schedule_triggers::time_start, t.time_start.as_deref())
            .int64(col::schedule_triggers::time_window_s, int(&t.time_window))
            .int64(col::schedule_triggers::repeat_s, int(&t.repeat))
            .int64(col::schedule_triggers::duration_s, int(&t.duration))
            .date(col::schedule_triggers::date_end, end)
            .text(col::schedule_triggers::date_end_raw, end_raw)
            .map(col::schedule_triggers::attributes, unparsed)
            .end_row();
    }
    Ok(())
}

/// A container whose context attributes wait to see whether a typed row below it carries
/// them; if none does, they go to `elements` when the container closes.
struct PendingContainer<'a> {
    kind: RecordKind,
    depth: u32,
    path: String,
    attributes: Vec<Attribute<'a>>,
    used: bool,
}

/// The attributes a container passes down as context to the rows below it.
fn context_attributes(record: &Record<'_>) -> &'static [&'static str] {
    match record.kind {
        RecordKind::HardwareClass => &["Name"],
        // The scope names an instance by `Name`, else `Id`.
        RecordKind::HardwareInstance if record.attr("Name").is_some() => &["Class", "Name"],
        RecordKind::HardwareInstance => &["Class", "Id"],
        RecordKind::HardwareProperty => &["Name"],
        RecordKind::Directory => &["Path"],
        RecordKind::ServiceProvider => &["Type", "Name"],
        RecordKind::UsageDevice => &["NAME", "DOMAIN", "GUID"],
        RecordKind::UsageUser => &["USER", "DOMAIN", "TYPE", "STARTDATE"],
        RecordKind::VdiGroup => &["name"],
        _ => &[],
    }
}

/// Closes the containers at `depth` or deeper: unused context goes to `elements`.
fn close_containers(
    pending: &mut Vec<PendingContainer<'_>>,
    depth: u32,
    document_id: &str,
    tables: &mut Tables,
) {
    while pending.last().is_some_and(|c| c.depth >= depth) {
        let Some(c) = pending.pop() else { break };
        if !c.used {
            let elements = tables.get(Table::Elements);
            for a in &c.attributes {
                element_row(
                    elements,
                    document_id,
                    &c.path,
                    Some(&a.name),
                    Some(&a.value),
                );
            }
        }
    }
}

/// Which attributes of a record a typed row holds.
#[derive(Clone, Copy)]
enum Captured {
    /// All of them (known ones in columns, the rest in the row's `attributes` map).
    Everything,
    /// These; the others go to `elements`.
    These(&'static [&'static str]),
    /// None: all go to `elements` (containers, generic elements).
    Nothing,
}

fn element_row(
    b: &mut TableBuilder,
    document_id: &str,
    path: &str,
    attribute: Option<&str>,
    value: Option<&str>,
) {
    b.text(col::elements::document_id, Some(document_id))
        .text(col::elements::path, Some(path))
        .text(col::elements::attribute, attribute)
        .text(col::elements::value, value)
        .end_row();
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndi_format::{InputBuffer, ReaderBuilder};

    fn inventory(files: usize) -> String {
        let mut s = String::from(
            r#"<?xml version="1.0"?><Inventory MachineName="PC1"><Files><Directory Path="C:\d">"#,
        );
        for i in 0..files {
            s.push_str(&format!(r#"<File Name="f{i}.exe" Size="{i}"/>"#));
        }
        s.push_str("</Directory></Files></Inventory>");
        s
    }

    fn load(xml: &str, tables: &mut Tables, on_full: OnFull<'_>) -> Loaded {
        let mut buffer = InputBuffer::new();
        let mut reader = ReaderBuilder::new()
            .from_slice_buffered(xml.as_bytes(), &mut buffer)
            .unwrap();
        RowMaker::default()
            .load(&mut reader, "id", tables, on_full)
            .unwrap()
    }

    const LIMIT: BatchLimit = BatchLimit {
        rows: 10,
        bytes: 1 << 20,
    };

    #[test]
    fn only_a_document_s_own_rows_make_it_stop() {
        let mut tables = Tables::new(LIMIT);
        assert!(matches!(
            load(&inventory(9), &mut tables, OnFull::Stop),
            Loaded::Done(_)
        ));
        // 9 rows are there; 9 more from the next document are still not a batch of its own.
        assert!(matches!(
            load(&inventory(9), &mut tables, OnFull::Stop),
            Loaded::Done(_)
        ));
        assert_eq!(tables.get(Table::FileEvidence).len(), 18);
        assert!(tables.any_full());
        let batches = tables.take_batches(false).unwrap();
        let sizes: Vec<usize> = batches.iter().map(|(_, b)| b.num_rows()).collect();
        assert_eq!(sizes, [10, 8]);
        // A document with more rows than a batch stops as soon as its rows fill one.
        assert!(matches!(
            load(&inventory(25), &mut tables, OnFull::Stop),
            Loaded::Stopped
        ));
        assert_eq!(tables.get(Table::FileEvidence).len(), 10);
    }

    #[test]
    fn a_streamed_document_is_handed_on_as_batches_fill() {
        let mut tables = Tables::new(LIMIT);
        let mut seen = Vec::new();
        let mut flush = |t: &mut Tables| {
            assert!(t.get(Table::FileEvidence).len() <= LIMIT.rows);
            for (table, batch) in t.take_batches(false).unwrap() {
                seen.push((table, batch.num_rows()));
            }
            true
        };
        assert!(matches!(
            load(&inventory(25), &mut tables, OnFull::Flush(&mut flush)),
            Loaded::Done(_)
        ));
        assert_eq!(seen, [(Table::FileEvidence, 10), (Table::FileEvidence, 10)]);
        assert_eq!(tables.get(Table::FileEvidence).len(), 5);
        // A flush that fails stops the document.
        let mut tables = Tables::new(LIMIT);
        let mut refuse = |_: &mut Tables| false;
        assert!(matches!(
            load(&inventory(25), &mut tables, OnFull::Flush(&mut refuse)),
            Loaded::Stopped
        ));
    }
}
