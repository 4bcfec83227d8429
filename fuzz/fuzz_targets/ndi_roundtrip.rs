//! Structured round trip for inventories: an arbitrary model (header, records in document
//! order with attributes and text) is written, plain or gzipped, read back and must be equal.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use ndi_format::{Attribute, Compression, Document, Header, Record};

/// Names the `.ndi` vocabulary uses, so the typed classification gets exercised, plus a
/// colon name as in catalogs.
const NAMES: &[&str] = &[
    "Hardware",
    "Class",
    "Instance",
    "Property",
    "Name",
    "Value",
    "Software",
    "Installer",
    "Files",
    "Directory",
    "File",
    "Content",
    "ServiceProvider",
    "NETDEPLOY::CODEBASE",
];

const ROOTS: &[&str] = &[
    "Inventory",
    "USAGE",
    "vdiGroups",
    "Discovery",
    "Policy",
    "x",
];

fn name(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    if u.ratio(3, 4)? {
        Ok(u.choose(NAMES)?.to_string())
    } else {
        // Often not a valid XML name: the writer must refuse it, not write garbage.
        String::arbitrary(u)
    }
}

fn value(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => String::new(),
        1 => u
            .choose(&[
                "a&b<c>\"d'e\t\n\r f",
                "Realtek\u{3} Audio \u{FFFE}",
                "]]>",
                "  x  ",
            ])?
            .to_string(),
        _ => String::arbitrary(u)?,
    })
}

fn attributes(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<Attribute<'static>>> {
    let n = u.int_in_range(0..=4)?;
    let mut out: Vec<Attribute<'static>> = Vec::new();
    for _ in 0..n {
        let (n, v) = (name(u)?, value(u)?);
        // Duplicate attribute names are not well-formed XML.
        if !out.iter().any(|a| a.name == n) {
            out.push(Attribute::new(n, v));
        }
    }
    Ok(out)
}

#[derive(Debug)]
struct Input {
    doc: Document,
    gzip: bool,
    indent: usize,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let root = if u.ratio(4, 5)? {
            u.choose(ROOTS)?.to_string()
        } else {
            name(u)?
        };
        let mut header = Header::new(root, Vec::<(String, String)>::new());
        header.attributes = attributes(u)?;
        if u.ratio(1, 4)? {
            header
                .processing_instructions
                .push(format!("{} {}", name(u)?, value(u)?).into());
        }
        let count = u.int_in_range(0..=60)?;
        let mut records = Vec::with_capacity(count);
        let mut depth = 0u32;
        for _ in 0..count {
            depth = match u.int_in_range(0..=2)? {
                0 => depth.saturating_sub(1).max(1),
                1 => depth.max(1),
                _ => depth + 1,
            };
            let text = if u.ratio(1, 3)? {
                // Text is data only when it has something besides whitespace (whitespace
                // between elements is layout): end it with a letter.
                Some(format!("{}z", value(u)?).into())
            } else {
                None
            };
            records.push(Record {
                depth,
                name: name(u)?.into(),
                attributes: attributes(u)?,
                text,
                ..Record::default()
            });
        }
        Ok(Input {
            doc: Document { header, records },
            gzip: bool::arbitrary(u)?,
            indent: u.int_in_range(0..=3)?,
        })
    }
}

libfuzzer_sys::fuzz_target!(|input: Input| {
    let compression = if input.gzip {
        Compression::Gzip
    } else {
        Compression::None
    };
    ndi_fuzz::check_roundtrip(&input.doc, compression, input.indent);
});
