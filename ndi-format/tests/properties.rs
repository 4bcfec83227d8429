//! Property tests: any model written and read back is equal, whatever the buffer size.

use std::io::BufReader;

use ndi_format::{Attribute, Compression, Document, Header, Reader, Record};
use proptest::collection::vec;
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z_][A-Za-z0-9._-]{0,8}",
        1 => Just("NETDEPLOY::CODEBASE".to_string()),
        1 => prop::sample::select(vec!["Hardware", "Class", "Instance", "Property", "Installer", "Files", "Directory", "File", "ServiceProvider", "Content"]).prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[ -~]{0,20}",
        2 => any::<String>().prop_map(|s| s.chars().take(20).collect()),
        1 => Just("a&b<c>\"d'e\t\n\r f".to_string()),
        1 => Just("Realtek\u{3} Audio \u{FFFE}".to_string()),
    ]
}

fn attributes() -> impl Strategy<Value = Vec<Attribute<'static>>> {
    vec((name(), value()), 0..5).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(n, _)| seen.insert(n.clone()))
            .map(|(n, v)| Attribute::new(n, v))
            .collect()
    })
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => (value(), "[A-Za-z0-9]").prop_map(|(v, c)| Some(format!("{v}{c}"))),
    ]
}

/// A document whose depths form a valid pre-order sequence.
fn document() -> impl Strategy<Value = Document> {
    let record = (0u32..3, name(), attributes(), text());
    (name(), attributes(), vec(record, 0..40)).prop_map(|(root, attrs, raw)| {
        let mut records = Vec::new();
        let mut depth = 0u32;
        for (step, name, attributes, text) in raw {
            // step 0: sibling or shallower, 1: same depth, 2: child.
            depth = match step {
                0 => depth.saturating_sub(1).max(1),
                1 => depth.max(1),
                _ => depth + 1,
            };
            records.push(Record {
                depth,
                name: name.into(),
                attributes,
                text: text.map(Into::into),
                ..Record::default()
            });
        }
        let mut header = Header::new(root, Vec::<(String, String)>::new());
        header.attributes = attrs;
        Document { header, records }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn write_then_read_is_identity(doc in document(), gz in any::<bool>()) {
        let compression = if gz { Compression::Gzip } else { Compression::None };
        let bytes = doc.to_bytes(compression).unwrap();
        let back = Document::from_slice(&bytes).unwrap();
        prop_assert_eq!(&back.header.attributes, &doc.header.attributes);
        prop_assert_eq!(&back.records, &doc.records);
    }

    #[test]
    fn small_buffers_read_what_the_slice_reads(doc in document(), capacity in 1usize..8) {
        let bytes = doc.to_bytes(Compression::None).unwrap();
        let mut slice = Reader::from_slice(&bytes).unwrap();
        let expected: Vec<_> = slice.records().map(|r| r.unwrap().into_owned()).collect();
        let mut stream = Reader::from_reader(BufReader::with_capacity(capacity, &bytes[..])).unwrap();
        let got: Vec<_> = stream.records().map(|r| r.unwrap().into_owned()).collect();
        prop_assert_eq!(got, expected);
        prop_assert_eq!(stream.warnings(), slice.warnings());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        if let Ok(mut r) = Reader::from_slice(&bytes) {
            for rec in r.records() {
                if rec.is_err() { break; }
            }
        }
    }
}
