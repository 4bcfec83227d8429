//! Small estates built from XML strings through `ndi_load::Decoder`.

#![allow(dead_code)]

use std::collections::HashMap;

use arrow_array::RecordBatch;
use ndi_load::tables::Table;
use ndi_load::{Decoder, Status};
use ndi_reconcile::Inputs;

/// One inventory document of a test estate.
#[derive(Debug, Clone, Default)]
pub struct Inv {
    pub name: &'static str,
    pub domain: &'static str,
    pub time: String,
    pub serial: &'static str,
    pub uuid: &'static str,
    pub agent: Option<&'static str>,
    pub manufacturer: &'static str,
    pub model: &'static str,
    pub hardware: bool,
    /// `None`: a hardware-only inventory (`Software="False"`, no software section).
    pub software: Option<Vec<(&'static str, &'static str)>>,
    /// (file name, product name, product version)
    pub files: Vec<(&'static str, &'static str, &'static str)>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

impl Inv {
    pub fn xml(&self) -> String {
        let mut x = String::new();
        x.push_str(&format!(
            "<Inventory Scope=\"{}\" MachineName=\"{}\" Hardware=\"{}\" Software=\"{}\" DateTime=\"{}\" Type=\"Full\"",
            esc(self.domain),
            esc(self.name),
            if self.hardware { "True" } else { "False" },
            if self.software.is_some() { "True" } else { "False" },
            self.time
        ));
        if let Some(a) = self.agent {
            x.push_str(&format!(" AgentID=\"{}\"", esc(a)));
        }
        x.push_str(">\n");
        if self.hardware {
            x.push_str(&format!(
                "<Hardware>\
                 <Class Name=\"Win32_BIOS\"><Instance><Property Name=\"SerialNumber\" Value=\"{s}\"/></Instance></Class>\
                 <Class Name=\"Win32_ComputerSystem\"><Instance><Property Name=\"Domain\" Value=\"{d}\"/><Property Name=\"Manufacturer\" Value=\"{m}\"/><Property Name=\"Model\" Value=\"{o}\"/><Property Name=\"Name\" Value=\"{n}\"/></Instance></Class>\
                 <Class Name=\"Win32_ComputerSystemProduct\"><Instance><Property Name=\"UUID\" Value=\"{u}\"/></Instance></Class>\
                 <Class Name=\"Win32_OperatingSystem\"><Instance><Property Name=\"Caption\" Value=\"Microsoft Windows 11 Pro\"/></Instance></Class>\
                 </Hardware>\n",
                s = esc(self.serial),
                d = esc(self.domain),
                m = esc(self.manufacturer),
                o = esc(self.model),
                n = esc(self.name),
                u = esc(self.uuid)
            ));
        }
        if let Some(sw) = &self.software {
            x.push_str("<Software>");
            for (n, v) in sw {
                x.push_str(&format!(
                    "<Installer Type=\"MSI\" Name=\"{}\" Version=\"{}\" Publisher=\"Contoso\"/>",
                    esc(n),
                    esc(v)
                ));
            }
            x.push_str("</Software>\n");
            if !self.files.is_empty() {
                x.push_str("<Files><Directory Path=\"C:\\Program Files\\Contoso\">");
                for (f, p, v) in &self.files {
                    x.push_str(&format!(
                        "<File Name=\"{}\" Size=\"100\" ProductName=\"{}\" ProductVersion=\"{}\"/>",
                        esc(f),
                        esc(p),
                        esc(v)
                    ));
                }
                x.push_str("</Directory></Files>\n");
            }
        }
        x.push_str("</Inventory>\n");
        x
    }
}

/// One usage record of a `.mmi` file.
#[derive(Debug, Clone)]
pub struct Use {
    pub app: &'static str,
    pub version: &'static str,
    pub file: &'static str,
    pub run: i64,
    pub last_used: String,
    /// `FILEPRODUCTNAME` and `FILEPRODUCTVERSION` (empty: left out).
    pub product: (&'static str, &'static str),
}

/// A usage file naming its device by name, domain and GUID.
pub fn mmi(name: &str, domain: &str, guid: &str, week: &str, uses: &[Use]) -> String {
    let mut x = format!(
        "<USAGE VERSION=\"1.00\"><MD NAME=\"{name}\" DOMAIN=\"{domain}\" GUID=\"{guid}\">\
         <USAGE USER=\"alice\" DOMAIN=\"CORP\" TYPE=\"WeeklySummary\" STARTDATE=\"{week}\" GUID=\"\">"
    );
    for u in uses {
        x.push_str(&format!(
            "<APPUSAGE NAME=\"{}\" VERSION=\"{}\" FILENAME=\"{}\"{} RUNTIME=\"{}\" ACTIVETIME=\"{}\" SESSIONS=\"1\" LASTUSED=\"{}\"/>",
            u.app,
            u.version,
            u.file,
            if u.product.0.is_empty() {
                String::new()
            } else {
                format!(
                    " FILEPRODUCTNAME=\"{}\" FILEPRODUCTVERSION=\"{}\"",
                    u.product.0, u.product.1
                )
            },
            u.run,
            u.run / 2,
            u.last_used
        ));
    }
    x.push_str("</USAGE></MD></USAGE>");
    x
}

/// The imported tables of some documents, as the loader makes them.
#[derive(Debug, Default)]
pub struct Tables {
    pub batches: HashMap<Table, Vec<RecordBatch>>,
    /// Document id of each input, in input order.
    pub ids: Vec<String>,
}

impl Tables {
    pub fn inputs(&self) -> Inputs<'_> {
        let get = |t: Table| self.batches.get(&t).map(Vec::as_slice).unwrap_or(&[]);
        Inputs {
            documents: get(Table::Documents),
            inventories: get(Table::Inventories),
            hardware: get(Table::Hardware),
            installer_evidence: get(Table::InstallerEvidence),
            file_evidence: get(Table::FileEvidence),
            usage: get(Table::Usage),
        }
    }
}

/// Decodes the documents (name, XML) in order, flushing after every `flush_every` documents.
pub fn load(docs: &[(String, String)], flush_every: usize) -> Tables {
    let mut dec = Decoder::new(Default::default());
    let mut t = Tables::default();
    for (k, (name, xml)) in docs.iter().enumerate() {
        let outcome = dec.decode(name, xml.as_bytes()).expect("decode");
        assert_ne!(outcome.status, Status::Rejected, "{name}: {outcome:?}");
        t.ids.push(outcome.document_id.clone());
        if (k + 1) % flush_every == 0 {
            for (table, b) in dec.flush().expect("flush") {
                t.batches.entry(table).or_default().push(b);
            }
        }
    }
    for (table, b) in dec.flush().expect("flush") {
        t.batches.entry(table).or_default().push(b);
    }
    t
}

/// `yyyyMMddTHHmmss` of day `day` of November 2026 (1-based) at `hour`.
pub fn nov(day: u32, hour: u32) -> String {
    format!("202611{day:02}T{hour:02}0000")
}

/// Seconds since the epoch of `nov(day, hour)`.
pub fn nov_secs(day: u32, hour: u32) -> i64 {
    // 2026-11-01T00:00:00Z
    1_793_491_200 + i64::from(day - 1) * 86_400 + i64::from(hour) * 3_600
}
