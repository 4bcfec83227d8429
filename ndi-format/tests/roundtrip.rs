//! Round trips and chunk-boundary sweeps over every valid corpus file; stream and slice
//! readers must agree on records and on errors.

mod common;

use std::io::BufReader;

use common::{inputs, named, slice_records};
use ndi_format::{Compression, Document, InputBuffer, Reader, ReaderBuilder, Record};

const FORMATS: [&str; 4] = ["ndi", "mmi", "vdi", "disco"];

fn stream_records(bytes: &[u8], capacity: usize) -> Vec<Record<'static>> {
    let mut r = Reader::from_reader(BufReader::with_capacity(capacity, bytes)).unwrap();
    r.records().map(|r| r.unwrap().into_owned()).collect()
}

#[test]
fn write_then_read_keeps_every_record_plain_and_gzipped() {
    for format in FORMATS {
        for input in inputs(format, "valid") {
            let bytes = std::fs::read(&input).unwrap();
            let doc = Document::from_slice(&bytes).unwrap();
            for compression in [Compression::None, Compression::Gzip] {
                let written = doc.to_bytes(compression).unwrap();
                let again = Document::from_slice(&written).unwrap();
                assert_eq!(
                    again.header.attributes,
                    doc.header.attributes,
                    "{}",
                    input.display()
                );
                assert_eq!(again.header.root, doc.header.root);
                assert_eq!(
                    again.records,
                    doc.records,
                    "{} {compression:?}",
                    input.display()
                );
                // Writing is a fixed point after one pass.
                assert_eq!(again.to_bytes(compression).unwrap(), written);
            }
        }
    }
}

#[test]
fn every_buffer_capacity_gives_the_same_records() {
    for format in FORMATS {
        for input in inputs(format, "valid") {
            let bytes = std::fs::read(&input).unwrap();
            let expected = slice_records(&bytes);
            assert!(!expected.is_empty() || input.ends_with("empty-root.ndi"));
            for capacity in 1..=7 {
                let got = stream_records(&bytes, capacity);
                assert_eq!(got, expected, "{} capacity {capacity}", input.display());
                // Offsets and derived fields agree too.
                for (g, e) in got.iter().zip(&expected) {
                    assert_eq!((g.kind, g.index, g.offset), (e.kind, e.index, e.offset));
                }
            }
            let mut buffer = InputBuffer::new();
            let mut r = Reader::from_path(&input, &mut buffer).unwrap();
            let from_path: Vec<_> = r.records().map(|r| r.unwrap().into_owned()).collect();
            assert_eq!(from_path, expected, "{} from path", input.display());
        }
    }
}

#[test]
fn stream_and_slice_readers_report_the_same_error() {
    for format in FORMATS {
        for input in inputs(format, "invalid") {
            let bytes = std::fs::read(&input).unwrap();
            let slice_err = Reader::from_slice(&bytes)
                .and_then(|mut r| r.records().find_map(Result::err).map_or(Ok(()), Err))
                .unwrap_err();
            for capacity in [1, 2, 3, 5, 7, 64, 8192] {
                let stream_err =
                    Reader::from_reader(BufReader::with_capacity(capacity, &bytes[..]))
                        .and_then(|mut r| r.records().find_map(Result::err).map_or(Ok(()), Err))
                        .unwrap_err();
                assert_eq!(
                    stream_err.rule(),
                    slice_err.rule(),
                    "{} capacity {capacity}: {stream_err} vs {slice_err}",
                    input.display()
                );
                if slice_err.rule() != "gzip" {
                    assert_eq!(
                        stream_err.location().position,
                        slice_err.location().position,
                        "{} capacity {capacity}: {stream_err} vs {slice_err}",
                        input.display()
                    );
                }
            }
        }
    }
}

#[test]
fn zero_copy_values_borrow_from_the_input() {
    let xml = br#"<Inventory><Software><Installer Name="plain" Publisher="AT&amp;T"/></Software></Inventory>"#;
    let mut r = Reader::from_slice(xml).unwrap();
    let mut record = Record::default();
    r.read_record(&mut record).unwrap();
    r.read_record(&mut record).unwrap();
    assert!(matches!(
        record.attributes[0].value,
        std::borrow::Cow::Borrowed("plain")
    ));
    assert!(matches!(
        record.name,
        std::borrow::Cow::Borrowed("Installer")
    ));
    // Unescaping needs a copy.
    assert!(matches!(
        record.attributes[1].value,
        std::borrow::Cow::Owned(_)
    ));
    assert_eq!(record.attributes[1].value, "AT&T");
}

#[test]
fn gzipped_slices_read_the_same_buffered_or_streamed() {
    let input = named(inputs("ndi", "valid"), "windows-full.ndi");
    let bytes = std::fs::read(&input).unwrap();
    let gz = Document::from_slice(&bytes)
        .unwrap()
        .to_bytes(Compression::Gzip)
        .unwrap();
    let expected = slice_records(&bytes);
    let mut buffer = InputBuffer::new();
    let mut r = ReaderBuilder::new()
        .from_slice_buffered(&gz, &mut buffer)
        .unwrap();
    assert_eq!(r.input_info().compression, Compression::Gzip);
    let got: Vec<_> = r.records().map(|r| r.unwrap().into_owned()).collect();
    assert_eq!(got, expected);
    assert_eq!(slice_records(&gz), expected);
}
