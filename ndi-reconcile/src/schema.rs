//! The reconciled tables' schemas, declared once: [`Output::schema`] for Arrow and
//! [`markdown`] for `docs/TABLES.md` (a test checks that the two agree).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// The reconciled tables, in the order they are documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    /// One row per imported inventory document: the device it belongs to and why.
    DeviceMap,
    /// One row per device.
    Devices,
    /// The installer evidence of each device's latest software document.
    Installations,
    /// Usage per device and installed application.
    UsageByInstallation,
    /// Identity values treated as absent or demoted, and edges the guard refused.
    IdentityFindings,
}

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn time(name: &str) -> Field {
    Field::new(name, DataType::Timestamp(TimeUnit::Second, None), true)
}

fn int(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Int64, nullable)
}

fn list(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        false,
    )
}

impl Output {
    /// Every reconciled table, in order.
    pub const ALL: [Output; 5] = [
        Output::DeviceMap,
        Output::Devices,
        Output::Installations,
        Output::UsageByInstallation,
        Output::IdentityFindings,
    ];

    /// The table's name (its folder under the root).
    pub fn name(self) -> &'static str {
        match self {
            Output::DeviceMap => "device_map",
            Output::Devices => "devices",
            Output::Installations => "installations",
            Output::UsageByInstallation => "usage_by_installation",
            Output::IdentityFindings => "identity_findings",
        }
    }

    /// The table's Arrow schema.
    pub fn schema(self) -> SchemaRef {
        let fields = match self {
            Output::DeviceMap => vec![
                text("document_id", false),
                text("device_id", false),
                text("match_reason", false),
                text("matched_on", true),
                text("matched_document", true),
                time("inventory_time"),
                text("machine_name", true),
            ],
            Output::Devices => vec![
                text("device_id", false),
                text("machine_name", true),
                text("domain", true),
                text("serial_number", true),
                text("hardware_uuid", true),
                text("agent_id", true),
                text("os", true),
                text("manufacturer", true),
                text("model", true),
                time("first_seen"),
                time("last_seen"),
                text("latest_hardware_document", true),
                text("latest_software_document", true),
                int("documents", false),
                list("names_seen"),
                Field::new("stale", DataType::Boolean, false),
            ],
            Output::Installations => vec![
                text("device_id", false),
                text("document_id", false),
                text("evidence_type", true),
                text("name", true),
                text("version", true),
                text("publisher", true),
                text("product_code", true),
                Field::new("install_date", DataType::Date32, true),
            ],
            Output::UsageByInstallation => vec![
                text("device_id", false),
                text("app_name", true),
                text("app_version", true),
                text("matched_by", false),
                time("last_used"),
                int("run_seconds_90d", false),
                int("active_seconds_90d", false),
                int("sessions_90d", false),
                Field::new("used", DataType::Boolean, false),
            ],
            Output::IdentityFindings => vec![
                text("kind", false),
                text("column", false),
                text("value", true),
                list("document_ids"),
                text("reason", false),
            ],
        };
        Arc::new(Schema::new(fields))
    }
}

/// The column list of every reconciled table as Markdown (what `docs/TABLES.md` shows
/// between its `reconciled-columns` markers).
pub fn markdown() -> String {
    let mut out = String::new();
    for t in Output::ALL {
        out.push_str(&format!(
            "### `{}`\n\n| column | type | nullable |\n|---|---|---|\n",
            t.name()
        ));
        for f in t.schema().fields() {
            let ty = match f.data_type() {
                DataType::Utf8 => "utf8".to_string(),
                DataType::Int64 => "int64".to_string(),
                DataType::Boolean => "bool".to_string(),
                DataType::Date32 => "date32".to_string(),
                DataType::Timestamp(TimeUnit::Second, None) => "timestamp[s]".to_string(),
                DataType::List(_) => "list<utf8>".to_string(),
                other => other.to_string(),
            };
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                f.name(),
                ty,
                if f.is_nullable() { "yes" } else { "no" }
            ));
        }
        out.push('\n');
    }
    out
}
