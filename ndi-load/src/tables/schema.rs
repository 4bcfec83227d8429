//! The columnar contract: one function per table declares its schema. Columns only ever get
//! added (nullable), so readers written against an older version keep working.

use std::sync::{Arc, LazyLock};

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

/// Version of the table contract, recorded in `_manifest.json`.
pub const SCHEMA_VERSION: u32 = 1;

/// Declares the contract: for each table its variant, name and columns (name, kind, and
/// `required` when never null). From that one declaration come the [`Table`] enum, each
/// table's Arrow schema, and a module per table with one typed handle per column
/// ([`columns`]), so rows are appended by column name and a column that is renamed, moved or
/// retyped here changes what the row code may write or stops it compiling.
macro_rules! contract {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $module:ident {
            $($column:ident : $kind:ident $($required:ident)?),* $(,)?
        }
    )*) => {
        /// The tables, in the order they are documented.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Table {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Table {
            /// Every table, in order.
            pub const ALL: [Table; Table::COUNT] = [$(Table::$variant,)*];
            /// How many tables there are.
            pub const COUNT: usize = [$(stringify!($variant),)*].len();

            /// The table's name (its folder on disk).
            pub fn name(self) -> &'static str {
                match self {
                    $(Table::$variant => stringify!($module),)*
                }
            }

            fn fields(self) -> Vec<Field> {
                match self {
                    $(Table::$variant => vec![
                        $(Field::new(stringify!($column), columns::$kind::data_type(), contract!(@nullable $($required)?)),)*
                    ],)*
                }
            }
        }

        /// One module per table with a typed handle per column (its position in the
        /// schema): `hardware::class` is a [`columns::Text`], `hardware::instance` a
        /// [`columns::Int32`]. [`TableBuilder`](crate::tables::TableBuilder) takes values
        /// through them.
        pub mod columns {
            pub use super::handles::*;
            $(
                #[doc = concat!("The columns of `", stringify!($module), "`.")]
                #[allow(non_upper_case_globals)]
                pub mod $module {
                    use super::*;
                    use super::super::Table;
                    contract!(@handles $variant 0usize; $($column : $kind,)*);
                }
            )*
        }
    };
    (@nullable) => { true };
    (@nullable required) => { false };
    (@handles $variant:ident $i:expr;) => {};
    (@handles $variant:ident $i:expr; $column:ident : $kind:ident, $($rest:tt)*) => {
        #[doc = concat!("Column `", stringify!($column), "`.")]
        pub const $column: $kind = $kind { table: Table::$variant, index: $i };
        contract!(@handles $variant $i + 1; $($rest)*);
    };
}

/// The typed column handles: a position in a table's schema and, through its type, the
/// Arrow type of the column.
mod handles {
    use arrow_schema::{DataType, TimeUnit};

    use super::Table;

    macro_rules! handle {
        ($($(#[doc = $doc:literal])* $name:ident => $data_type:expr;)*) => {$(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct $name {
                pub(crate) table: Table,
                pub(crate) index: usize,
            }

            impl $name {
                /// The column's Arrow type.
                pub fn data_type() -> DataType {
                    $data_type
                }

                /// The column's table.
                pub fn table(self) -> Table {
                    self.table
                }

                /// The column's position in its table's schema.
                pub fn index(self) -> usize {
                    self.index
                }
            }
        )*};
    }

    handle! {
        /// A text column (`utf8`).
        Text => DataType::Utf8;
        /// A 64-bit integer column.
        Int64 => DataType::Int64;
        /// A 32-bit integer column.
        Int32 => DataType::Int32;
        /// A boolean column.
        Bool => DataType::Boolean;
        /// Seconds since the epoch, without a time zone (times from the files).
        Timestamp => DataType::Timestamp(TimeUnit::Second, None);
        /// Days since the epoch.
        Date => DataType::Date32;
        /// Seconds since the epoch in UTC (`loaded_at`).
        UtcTimestamp => DataType::Timestamp(TimeUnit::Second, Some(super::UTC.into()));
        /// A map of attribute name to value (`attributes`): see
        /// [`attributes_type`](super::attributes_type).
        Attributes => super::attributes_type();
    }
}

contract! {
    /// One row per input file, whatever happened to it.
    Documents documents {
        document_id: Text required,
        source_path: Text required,
        format: Text,
        compressed: Bool required,
        bytes_on_disk: Int64 required,
        bytes_xml: Int64,
        status: Text required,
        error: Text,
        error_rule: Text,
        error_line: Int64,
        error_column: Int64,
        error_offset: Int64,
        error_element_path: Text,
        warning_count: Int64 required,
        first_warning: Text,
        encoding: Text,
        content_bytes_omitted: Int64,
        loaded_at: UtcTimestamp required,
        duplicate_of: Text,
    }
    /// One row per `.ndi` document.
    Inventories inventories {
        document_id: Text required,
        machine_name: Text,
        scope: Text,
        user_name: Text,
        audience: Text,
        tracker_version: Text,
        inventory_type: Text,
        inventory_time: Timestamp,
        inventory_time_raw: Text,
        has_hardware: Bool,
        has_software: Bool,
        has_service_providers: Bool,
        serial_number: Text,
        hardware_uuid: Text,
        agent_id: Text,
    }
    /// One row per hardware property value.
    Hardware hardware {
        document_id: Text required,
        class: Text,
        instance: Int32,
        instance_name: Text,
        property: Text,
        value: Text,
    }
    /// One row per installer evidence record.
    InstallerEvidence installer_evidence {
        document_id: Text required,
        evidence_type: Text,
        name: Text,
        version: Text,
        publisher: Text,
        product_code: Text,
        install_date: Date,
        install_date_raw: Text,
        attributes: Attributes,
    }
    /// One row per file evidence record.
    FileEvidence file_evidence {
        document_id: Text required,
        directory: Text,
        file_name: Text,
        size: Int64,
        version: Text,
        company: Text,
        description: Text,
        product_name: Text,
        product_version: Text,
        md5: Text,
        modified: Timestamp,
        modified_raw: Text,
        attributes: Attributes,
    }
    /// One row per service-provider property.
    ServiceProviders service_providers {
        document_id: Text required,
        provider_path: Text,
        provider_type: Text,
        provider_name: Text,
        property: Text,
        value: Text,
    }
    /// One row per `APPUSAGE` record.
    Usage usage {
        document_id: Text required,
        device_name: Text,
        device_domain: Text,
        device_guid: Text,
        user_name: Text,
        user_domain: Text,
        summary_type: Text,
        week_start: Timestamp,
        week_start_raw: Text,
        app_name: Text,
        app_version: Text,
        file_name: Text,
        file_company: Text,
        file_description: Text,
        file_product_name: Text,
        file_product_version: Text,
        run_seconds: Int64,
        active_seconds: Int64,
        sessions: Int64,
        last_used: Timestamp,
        last_used_raw: Text,
        attributes: Attributes,
    }
    /// One row per `object` in a `.vdi`.
    VdiAccess vdi_access {
        document_id: Text required,
        broker_type: Text,
        site_name: Text,
        scan_time: Timestamp,
        scan_time_raw: Text,
        group_name: Text,
        sid: Text,
    }
    /// One row per discovered item.
    Discovery discovery {
        document_id: Text required,
        kind: Text,
        home: Text,
        executable: Text,
        sid: Text,
        port: Int32,
        source: Text,
        attributes: Attributes,
    }
    /// One row per `Trigger` in a `.nds`.
    ScheduleTriggers schedule_triggers {
        document_id: Text required,
        schedule_name: Text,
        event_id: Text,
        event_name: Text,
        component: Text,
        action: Text,
        catchup: Text,
        trigger_type: Text,
        type_param: Int64,
        date_start: Date,
        date_start_raw: Text,
        time_start: Text,
        time_window_s: Int64,
        repeat_s: Int64,
        duration_s: Int64,
        date_end: Date,
        date_end_raw: Text,
        attributes: Attributes,
    }
    /// One row per `Package` in a `.npl`.
    PolicyPackages policy_packages {
        document_id: Text required,
        policy_guid: Text,
        href: Text,
        object_id: Text,
        precedence: Int64,
        attributes: Attributes,
    }
    /// One row per attribute or text no typed table captured.
    Elements elements {
        document_id: Text required,
        path: Text required,
        attribute: Text,
        value: Text,
    }
}

/// The zone of `loaded_at`.
const UTC: &str = "UTC";

impl Table {
    /// Position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The table's schema.
    pub fn schema(self) -> SchemaRef {
        SCHEMAS[self.index()].clone()
    }
}

/// The names the Parquet format specification gives a MAP's repeated group and its fields
/// (readers such as Polars and pyarrow show them).
pub(crate) const MAP_ENTRIES: &str = "key_value";
/// See [`MAP_ENTRIES`].
pub(crate) const MAP_KEY: &str = "key";
/// See [`MAP_ENTRIES`].
pub(crate) const MAP_VALUE: &str = "value";

/// The type of `attributes` columns: a map from attribute name to value.
pub fn attributes_type() -> DataType {
    let entries = Field::new(
        MAP_ENTRIES,
        DataType::Struct(Fields::from(vec![
            Field::new(MAP_KEY, DataType::Utf8, false),
            Field::new(MAP_VALUE, DataType::Utf8, true),
        ])),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

static SCHEMAS: LazyLock<Vec<SchemaRef>> = LazyLock::new(|| {
    Table::ALL
        .iter()
        .map(|t| Arc::new(Schema::new(t.fields())))
        .collect()
});

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
