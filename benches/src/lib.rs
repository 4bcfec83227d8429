//! Shared pieces of the benchmarks: the bare quick-xml baseline every reader is compared with.
//!
//! The baseline is the practical ceiling for any reader built on quick-xml: it tokenises the
//! same bytes and decodes (unescapes and normalises) every attribute value, and does nothing
//! else: no records, no positions, no checks.

use std::io::Read;

use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// Tokenises `xml` and decodes every attribute value; returns the number of value bytes seen
/// (so the work cannot be optimised away).
pub fn bare_quick_xml(xml: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut total = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                for attr in e.attributes().flatten() {
                    if let Ok(v) = attr.normalized_value(XmlVersion::Implicit1_0) {
                        total += v.len();
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    total
}

/// Reads every record with the typed reader and types it through a [`Scope`], touching every
/// value; returns a checksum.
///
/// [`Scope`]: ndi_format::model::Scope
pub fn typed_read(reader: &mut ndi_format::Reader<'_>) -> usize {
    use ndi_format::model::{Item, Scope};
    let mut record = ndi_format::Record::default();
    let mut scope = Scope::new();
    let mut total = 0usize;
    while reader.read_record(&mut record).unwrap_or(false) {
        for a in &record.attributes {
            total += a.value.len();
        }
        if let Item::HardwareProperty(p) = scope.observe(&record) {
            total += p.class.len();
        }
    }
    total
}

/// Gunzips `gz` into `buffer` (reused) and runs [`bare_quick_xml`] over it.
pub fn bare_gunzip_quick_xml(gz: &[u8], buffer: &mut Vec<u8>) -> usize {
    buffer.clear();
    let mut decoder = flate2::read::MultiGzDecoder::new(gz);
    if decoder.read_to_end(buffer).is_err() {
        return 0;
    }
    bare_quick_xml(buffer)
}
