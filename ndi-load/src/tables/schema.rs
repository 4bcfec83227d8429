//! The columnar contract: one function per table declares its schema. Columns only ever get
//! added (nullable), so readers written against an older version keep working.

use std::sync::{Arc, LazyLock};

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

/// Version of the table contract, recorded in `_manifest.json`.
pub const SCHEMA_VERSION: u32 = 1;

/// The tables, in the order they are documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// One row per input file, whatever happened to it.
    Documents,
    /// One row per `.ndi` document.
    Inventories,
    /// One row per hardware property value.
    Hardware,
    /// One row per installer evidence record.
    InstallerEvidence,
    /// One row per file evidence record.
    FileEvidence,
    /// One row per service-provider property.
    ServiceProviders,
    /// One row per `APPUSAGE` record.
    Usage,
    /// One row per `object` in a `.vdi`.
    VdiAccess,
    /// One row per discovered item.
    Discovery,
    /// One row per `Trigger` in a `.nds`.
    ScheduleTriggers,
    /// One row per `Package` in a `.npl`.
    PolicyPackages,
    /// One row per attribute or text no typed table captured.
    Elements,
}

impl Table {
    /// Every table.
    pub const ALL: [Table; 12] = [
        Table::Documents,
        Table::Inventories,
        Table::Hardware,
        Table::InstallerEvidence,
        Table::FileEvidence,
        Table::ServiceProviders,
        Table::Usage,
        Table::VdiAccess,
        Table::Discovery,
        Table::ScheduleTriggers,
        Table::PolicyPackages,
        Table::Elements,
    ];

    /// The table's name (its folder on disk).
    pub fn name(self) -> &'static str {
        match self {
            Table::Documents => "documents",
            Table::Inventories => "inventories",
            Table::Hardware => "hardware",
            Table::InstallerEvidence => "installer_evidence",
            Table::FileEvidence => "file_evidence",
            Table::ServiceProviders => "service_providers",
            Table::Usage => "usage",
            Table::VdiAccess => "vdi_access",
            Table::Discovery => "discovery",
            Table::ScheduleTriggers => "schedule_triggers",
            Table::PolicyPackages => "policy_packages",
            Table::Elements => "elements",
        }
    }

    /// Position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The table's schema.
    pub fn schema(self) -> SchemaRef {
        SCHEMAS[self.index()].clone()
    }
}

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn required_text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

fn int64(name: &str) -> Field {
    Field::new(name, DataType::Int64, true)
}

fn int32(name: &str) -> Field {
    Field::new(name, DataType::Int32, true)
}

fn boolean(name: &str) -> Field {
    Field::new(name, DataType::Boolean, true)
}

fn timestamp(name: &str) -> Field {
    Field::new(name, DataType::Timestamp(TimeUnit::Second, None), true)
}

fn date(name: &str) -> Field {
    Field::new(name, DataType::Date32, true)
}

/// A timestamp from a file plus its `_raw` sibling (filled only when the text did not parse).
fn timestamp_with_raw(name: &str) -> [Field; 2] {
    [timestamp(name), text(&format!("{name}_raw"))]
}

/// The type of `attributes` columns: a map from attribute name to value.
pub fn attributes_type() -> DataType {
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("keys", DataType::Utf8, false),
            Field::new("values", DataType::Utf8, true),
        ])),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

fn attributes() -> Field {
    Field::new("attributes", attributes_type(), true)
}

fn document_id() -> Field {
    required_text("document_id")
}

fn schema(fields: Vec<Field>) -> SchemaRef {
    Arc::new(Schema::new(fields))
}

static SCHEMAS: LazyLock<Vec<SchemaRef>> =
    LazyLock::new(|| Table::ALL.iter().map(|t| build(*t)).collect());

fn build(table: Table) -> SchemaRef {
    match table {
        Table::Documents => schema(vec![
            document_id(),
            required_text("source_path"),
            text("format"),
            Field::new("compressed", DataType::Boolean, false),
            Field::new("bytes_on_disk", DataType::Int64, false),
            int64("bytes_xml"),
            required_text("status"),
            text("error"),
            text("error_rule"),
            int64("error_line"),
            int64("error_column"),
            int64("error_offset"),
            text("error_element_path"),
            Field::new("warning_count", DataType::Int64, false),
            text("first_warning"),
            text("encoding"),
            int64("content_bytes_omitted"),
            Field::new(
                "loaded_at",
                DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
                false,
            ),
        ]),
        Table::Inventories => {
            let [t, t_raw] = timestamp_with_raw("inventory_time");
            schema(vec![
                document_id(),
                text("machine_name"),
                text("scope"),
                text("user_name"),
                text("audience"),
                text("tracker_version"),
                text("inventory_type"),
                t,
                t_raw,
                boolean("has_hardware"),
                boolean("has_software"),
                boolean("has_service_providers"),
                text("serial_number"),
                text("hardware_uuid"),
                text("agent_id"),
            ])
        }
        Table::Hardware => schema(vec![
            document_id(),
            text("class"),
            int32("instance"),
            text("instance_name"),
            text("property"),
            text("value"),
        ]),
        Table::InstallerEvidence => schema(vec![
            document_id(),
            text("evidence_type"),
            text("name"),
            text("version"),
            text("publisher"),
            text("product_code"),
            date("install_date"),
            text("install_date_raw"),
            attributes(),
        ]),
        Table::FileEvidence => {
            let [m, m_raw] = timestamp_with_raw("modified");
            schema(vec![
                document_id(),
                text("directory"),
                text("file_name"),
                int64("size"),
                text("version"),
                text("company"),
                text("description"),
                text("product_name"),
                text("product_version"),
                text("md5"),
                m,
                m_raw,
                attributes(),
            ])
        }
        Table::ServiceProviders => schema(vec![
            document_id(),
            text("provider_path"),
            text("provider_type"),
            text("provider_name"),
            text("property"),
            text("value"),
        ]),
        Table::Usage => {
            let [w, w_raw] = timestamp_with_raw("week_start");
            let [l, l_raw] = timestamp_with_raw("last_used");
            schema(vec![
                document_id(),
                text("device_name"),
                text("device_domain"),
                text("device_guid"),
                text("user_name"),
                text("user_domain"),
                text("summary_type"),
                w,
                w_raw,
                text("app_name"),
                text("app_version"),
                text("file_name"),
                text("file_company"),
                text("file_description"),
                text("file_product_name"),
                text("file_product_version"),
                int64("run_seconds"),
                int64("active_seconds"),
                int64("sessions"),
                l,
                l_raw,
                attributes(),
            ])
        }
        Table::VdiAccess => {
            let [s, s_raw] = timestamp_with_raw("scan_time");
            schema(vec![
                document_id(),
                text("broker_type"),
                text("site_name"),
                s,
                s_raw,
                text("group_name"),
                text("sid"),
            ])
        }
        Table::Discovery => schema(vec![
            document_id(),
            text("kind"),
            text("home"),
            text("executable"),
            text("sid"),
            int32("port"),
            text("source"),
            attributes(),
        ]),
        Table::ScheduleTriggers => schema(vec![
            document_id(),
            text("schedule_name"),
            text("event_id"),
            text("event_name"),
            text("component"),
            text("action"),
            text("catchup"),
            text("trigger_type"),
            int64("type_param"),
            date("date_start"),
            text("date_start_raw"),
            text("time_start"),
            int64("time_window_s"),
            int64("repeat_s"),
            int64("duration_s"),
            date("date_end"),
            text("date_end_raw"),
            attributes(),
        ]),
        Table::PolicyPackages => schema(vec![
            document_id(),
            text("policy_guid"),
            text("href"),
            text("object_id"),
            int64("precedence"),
            attributes(),
        ]),
        Table::Elements => schema(vec![
            document_id(),
            required_text("path"),
            text("attribute"),
            text("value"),
        ]),
    }
}

/// A short type name for documentation: `utf8`, `int64`, `timestamp[s]`, `map<utf8,utf8>`...
pub fn type_name(t: &DataType) -> String {
    match t {
        DataType::Utf8 => "utf8".into(),
        DataType::Int64 => "int64".into(),
        DataType::Int32 => "int32".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date32 => "date32".into(),
        DataType::Timestamp(TimeUnit::Second, None) => "timestamp[s]".into(),
        DataType::Timestamp(TimeUnit::Second, Some(tz)) => format!("timestamp[s, tz={tz}]"),
        DataType::Map(_, _) => "map<utf8,utf8>".into(),
        other => other.to_string(),
    }
}

/// The columns of every table as Markdown, as `docs/TABLES.md` lists them.
pub fn markdown() -> String {
    let mut out = String::new();
    for table in Table::ALL {
        out.push_str(&format!(
            "### `{}`\n\n| column | type | nullable |\n|---|---|---|\n",
            table.name()
        ));
        for f in table.schema().fields() {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                f.name(),
                type_name(f.data_type()),
                if f.is_nullable() { "yes" } else { "no" }
            ));
        }
        out.push('\n');
    }
    out
}
