//! Characters XML 1.0 forbids, raw or as character references: kept as read and reported
//! once per occurrence as an `xml-illegal-char` warning with its position (FORMATS.md,
//! "Characters XML 1.0 forbids"), the same whichever way the bytes are read.

use std::io::BufReader;

use ndi_format::{InputBuffer, Reader, Record, Warning, WarningKind};

/// Every record (owned) and every warning of `xml`, read from a slice, through a buffer, as a
/// stream and from a file, which must all agree.
fn read(xml: &[u8]) -> (Vec<Record<'static>>, Vec<Warning>) {
    fn drain(mut reader: Reader<'_>) -> (Vec<Record<'static>>, Vec<Warning>) {
        let mut records = Vec::new();
        let mut record = Record::default();
        while reader.read_record(&mut record).unwrap() {
            records.push(record.clone().into_owned());
        }
        let mut warnings = reader.take_warnings();
        for w in &mut warnings {
            w.location.file = None;
        }
        (records, warnings)
    }
    let slice = drain(Reader::from_slice(xml).unwrap());
    let mut buffer = InputBuffer::new();
    let buffered = drain(
        ndi_format::ReaderBuilder::new()
            .from_slice_buffered(xml, &mut buffer)
            .unwrap(),
    );
    let stream = drain(Reader::from_reader(BufReader::with_capacity(3, xml)).unwrap());
    let dir = std::env::temp_dir().join(format!("ndi-illegal-chars-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{:016x}.ndi", fxhash(xml)));
    std::fs::write(&path, xml).unwrap();
    let mut file_buffer = InputBuffer::new();
    let file = drain(Reader::from_path(&path, &mut file_buffer).unwrap());
    let _ = std::fs::remove_file(&path);
    assert_eq!(slice, buffered, "slice vs buffered");
    assert_eq!(slice, stream, "slice vs stream");
    assert_eq!(slice, file, "slice vs file");
    slice
}

fn fxhash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3)
    })
}

/// (code point, byte offset, line, column, element path, rule) of each warning.
fn described(warnings: &[Warning]) -> Vec<(u32, u64, u64, u64, String, &'static str)> {
    warnings
        .iter()
        .map(|w| {
            let WarningKind::IllegalCharacter { code_point } = w.kind else {
                panic!("unexpected warning {w}");
            };
            let p = w.location.position.expect("a position");
            (
                code_point,
                p.offset,
                p.line,
                p.column,
                w.location.element_path.clone().unwrap_or_default(),
                w.kind.rule(),
            )
        })
        .collect()
}

/// Regression (black-box review): `<Y>&#1;u</Y>` gave the U+0001 warning twice at the same
/// position (once where the reference was resolved, once more when its character joined the
/// text), so `validate` printed it twice and `documents.warning_count` counted too many.
#[test]
fn a_character_reference_in_text_is_reported_once() {
    let (records, warnings) = read(b"<Inventory><Y>&#1;u</Y></Inventory>");
    assert_eq!(records[0].text.as_deref(), Some("\u{1}u"));
    assert_eq!(
        described(&warnings),
        [(1, 14, 1, 15, "/Inventory/Y[1]".into(), "xml-illegal-char")]
    );

    // Each occurrence once: references in text, raw characters, CDATA and attribute values.
    let xml = "<Inventory><Y>&#1;u&#x2;</Y><Z a=\"&#3;\">&#xFFFE;</Z>\
               <W>x\u{4}y</W><V><![CDATA[\u{5}]]></V></Inventory>";
    let (_, warnings) = read(xml.as_bytes());
    let codes: Vec<u32> = described(&warnings).iter().map(|w| w.0).collect();
    assert_eq!(codes, [1, 2, 3, 0xFFFE, 4, 5]);
    let offsets: Vec<u64> = described(&warnings).iter().map(|w| w.1).collect();
    let at = |s: &str| xml.find(s).unwrap() as u64;
    assert_eq!(
        offsets,
        [
            at("&#1;"),
            at("&#x2;"),
            at("&#3;"),
            at("&#xFFFE;"),
            at("\u{4}"),
            at("\u{5}")
        ]
    );
}

/// Regression (black-box review): `&#0;` in an attribute value rejected the document with
/// `xml-syntax` (quick-xml refuses it) while `&#1;`, `&#3;` and `&#xFFFE;` were kept and
/// reported as warnings. Every spelling of a reference to U+0000 now behaves like them, in
/// attribute values (of the root and of records) and in text.
#[test]
fn a_reference_to_nul_is_kept_and_reported_like_other_forbidden_characters() {
    for reference in ["&#0;", "&#x0;", "&#00;", "&#x0000;"] {
        let xml = format!(
            "<Inventory R=\"r{reference}\"><Y a=\"x{reference}y\">t{reference}</Y></Inventory>"
        );
        let reader = Reader::from_slice(xml.as_bytes()).unwrap();
        assert_eq!(reader.header().attr("R"), Some("r\0"), "{reference}");
        let (records, warnings) = read(xml.as_bytes());
        assert_eq!(records[0].attr("a"), Some("x\0y"), "{reference}");
        assert_eq!(records[0].text.as_deref(), Some("t\0"), "{reference}");
        let root_value = xml.find("r&").unwrap() as u64;
        let child_value = xml.find("x&").unwrap() as u64;
        let text = xml.find("t&").unwrap() as u64;
        assert_eq!(
            described(&warnings),
            [
                (
                    0,
                    root_value + 1,
                    1,
                    root_value + 2,
                    "/".into(),
                    "xml-illegal-char"
                ),
                (
                    0,
                    child_value + 1,
                    1,
                    child_value + 2,
                    "/Inventory".into(),
                    "xml-illegal-char"
                ),
                (
                    0,
                    text + 1,
                    1,
                    text + 2,
                    "/Inventory/Y[1]".into(),
                    "xml-illegal-char"
                ),
            ],
            "{reference}"
        );
    }
}

/// Around a reference to U+0000 the value is still normalised (whitespace, other references)
/// as XML 1.0 prescribes, and what is wrong elsewhere in the value is still an error.
#[test]
fn values_with_a_nul_reference_are_normalised_and_still_checked() {
    let (records, warnings) =
        read(b"<Inventory><Y a=\"&#0;\tb&amp;c&#1;&#x0;\r\nd\"/></Inventory>");
    assert_eq!(records[0].attr("a"), Some("\0 b&c\u{1}\0 d"));
    // One warning per value, at its first forbidden character.
    assert_eq!(described(&warnings).len(), 1);
    assert_eq!(described(&warnings)[0].0, 0);

    for (value, rule) in [
        ("&#0;&bogus;", "undeclared-entity"),
        ("&bogus;&#0;", "undeclared-entity"),
        ("&#0;&#", "xml-syntax"),
        ("&#0;&#x;", "xml-syntax"),
        ("&#X0;", "xml-syntax"),
        ("&#-0;", "xml-syntax"),
        ("&#0;&#xD800;", "xml-syntax"),
    ] {
        let xml = format!("<Inventory><Y a=\"{value}\"/></Inventory>");
        let err = Reader::from_slice(xml.as_bytes())
            .and_then(|mut r| r.records().try_for_each(|r| r.map(drop)))
            .unwrap_err();
        assert_eq!(err.rule(), rule, "{value}: {err}");
    }
    for text in ["&#X0;", "&#-0;", "&#x;"] {
        let xml = format!("<Inventory><Y>{text}</Y></Inventory>");
        let err = Reader::from_slice(xml.as_bytes())
            .and_then(|mut r| r.records().try_for_each(|r| r.map(drop)))
            .unwrap_err();
        assert_eq!(err.rule(), "xml-syntax", "{text}: {err}");
    }
}

/// A form feed (U+000C) is ASCII whitespace, so text made only of it and other whitespace is
/// layout and not kept; XML forbids it all the same, and it was not reported at all there.
#[test]
fn a_form_feed_in_layout_is_reported() {
    let xml = "\u{c}<Inventory>\n\u{c}<Y>\u{c}</Y><Z><![CDATA[\u{c}]]></Z>\u{c}\n</Inventory>\u{c}";
    let (_, warnings) = read(xml.as_bytes());
    let got: Vec<(u32, u64)> = described(&warnings).iter().map(|w| (w.0, w.1)).collect();
    let expected: Vec<(u32, u64)> = xml
        .match_indices('\u{c}')
        .map(|(i, _)| (0x0C, i as u64))
        .collect();
    assert_eq!(got, expected);
    // Once, also as a reference.
    let (_, warnings) = read(b"<Inventory><Y>&#12;</Y></Inventory>");
    assert_eq!(described(&warnings).len(), 1);
}

#[test]
fn a_document_full_of_forbidden_characters_keeps_a_bounded_list_and_counts_them_all() {
    let mut xml = String::from("<Inventory><Y>");
    for _ in 0..5_000 {
        xml.push_str("&#1;u");
    }
    xml.push_str("</Y></Inventory>");
    let mut reader = ndi_format::Reader::from_slice(xml.as_bytes()).unwrap();
    let records: Result<Vec<_>, _> = reader.records().collect();
    records.unwrap();
    assert_eq!(reader.warning_count(), 5_000);
    assert_eq!(reader.warnings().len(), ndi_format::MAX_KEPT_WARNINGS);
}
