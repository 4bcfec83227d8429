//! Shared checks for the fuzz targets. Each target in `fuzz_targets/` is one line calling
//! one of these, so that a new format's target is one small file (see README.md).
//!
//! The checks assert the properties every reader must have on *any* input:
//!
//! - no panic, no hang, bounded memory (libFuzzer's `-rss_limit_mb`/`-timeout` catch those);
//! - the three ways of reading bytes (zero-copy slice, buffered slice, stream through a tiny
//!   `BufReader`) agree: same records, same warnings count, and the same verdict and rule;
//! - gzip and UTF-16 wrappers change nothing: the same text gzipped (in two members) or
//!   transcoded reads the same.

use std::io::{BufReader, Write};

use ndi_format::{Document, InputBuffer, Limits, Reader, ReaderBuilder, Record};

/// Limits for fuzzing: as strict as the defaults where it matters, smaller where the defaults
/// would let one input run for seconds (the fuzzer's inputs are small anyway).
pub fn fuzz_limits() -> Limits {
    Limits {
        max_xml_bytes: 64 << 20,
        max_elements: 1_000_000,
        max_in_memory_bytes: 1 << 20,
        ..Limits::default()
    }
}

/// What reading a document produced: every record (owned), the warnings count and, if it
/// failed, the rule of the error.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Root element name, if the header was read.
    pub root: Option<String>,
    /// Records read before the end or the error.
    pub records: Vec<Record<'static>>,
    /// Number of warnings.
    pub warnings: usize,
    /// `None` when the document was read to its end, else the error's rule id.
    pub error: Option<&'static str>,
}

fn drain(opened: ndi_format::Result<Reader<'_>>) -> Outcome {
    let mut reader = match opened {
        Ok(r) => r,
        Err(e) => {
            // Every error must render without panicking.
            let _ = e.to_string();
            return Outcome {
                root: None,
                records: Vec::new(),
                warnings: 0,
                error: Some(e.rule()),
            };
        }
    };
    let root = Some(reader.header().root.to_string());
    let mut records = Vec::new();
    let mut record = Record::default();
    let error = loop {
        match reader.read_record(&mut record) {
            Ok(true) => records.push(record.clone().into_owned()),
            Ok(false) => break None,
            Err(e) => {
                let _ = e.to_string();
                break Some(e.rule());
            }
        }
    };
    // After the end or an error, the reader stays finished.
    assert!(matches!(reader.read_record(&mut record), Ok(false)));
    for w in reader.warnings() {
        let _ = w.to_string();
    }
    Outcome {
        root,
        records,
        warnings: reader.warnings().len(),
        error,
    }
}

/// Reads `data` zero-copy from a slice.
pub fn read_slice(data: &[u8]) -> Outcome {
    drain(ReaderBuilder::new().limits(fuzz_limits()).from_slice(data))
}

/// Reads `data` from a slice, decompressing/transcoding into a buffer.
pub fn read_buffered(data: &[u8]) -> Outcome {
    let mut buffer = InputBuffer::new();
    drain(
        ReaderBuilder::new()
            .limits(fuzz_limits())
            .from_slice_buffered(data, &mut buffer),
    )
}

/// Reads `data` as a stream through a `BufReader` of `capacity` bytes.
pub fn read_stream(data: &[u8], capacity: usize) -> Outcome {
    drain(
        ReaderBuilder::new()
            .limits(fuzz_limits())
            .from_reader(BufReader::with_capacity(capacity, data)),
    )
}

/// The check of the per-format reader targets: every input mode gives the same outcome.
pub fn check_reader(data: &[u8]) {
    let slice = read_slice(data);
    let buffered = read_buffered(data);
    // A buffered input is decompressed and transcoded whole before the first event, so it
    // meets corrupt gzip or malformed encoded bytes before any syntax error that comes
    // earlier in the text, while the streaming readers meet them in text order. Both must
    // refuse; the rules may differ only that way. Accepted documents must read the same.
    match (slice.error, buffered.error) {
        (None, None) => assert_eq!(slice, buffered, "slice vs buffered slice"),
        (Some(a), Some(b)) if a == b || is_input_layer(b) => {}
        (a, b) => panic!("slice {a:?} vs buffered slice {b:?}"),
    }
    // Vary the stream's buffer with the input so that chunk boundaries move around.
    let capacity = 1 + data.len() % 7;
    let stream = read_stream(data, capacity);
    if data.starts_with(&[0x1f, 0x8b]) && slice.error.is_some() {
        // Corrupt deflate data decodes to garbage for a while before the decoder notices,
        // and how much garbage comes out first depends on how the compressed bytes arrive:
        // both must refuse, the rule may be the gzip one or what the garbage broke.
        assert!(
            stream.error.is_some(),
            "slice {slice:?} vs stream {stream:?}"
        );
        let (a, b) = (slice.error.unwrap_or(""), stream.error.unwrap_or(""));
        assert!(
            a == b || a == "gzip" || b == "gzip",
            "slice {a} vs stream {b} (capacity {capacity})"
        );
    } else {
        assert_eq!(slice, stream, "slice vs stream (capacity {capacity})");
    }
}

/// Errors of the input layer (below XML): found up front when a document is decoded whole.
fn is_input_layer(rule: &str) -> bool {
    matches!(rule, "gzip" | "encoding" | "limit-xml-bytes" | "io")
}

/// Gzips `data` as two members split at `split` (a multi-member file, as the spec allows).
pub fn gzip_two_members(data: &[u8], split: usize) -> Vec<u8> {
    let split = split.min(data.len());
    let mut out = Vec::new();
    for part in [&data[..split], &data[split..]] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(part).expect("writing to a Vec");
        out.extend_from_slice(&enc.finish().expect("writing to a Vec"));
    }
    out
}

/// UTF-16 (with BOM) of `text`.
pub fn utf16_with_bom(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let b = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&b);
    }
    out
}

/// The check of the gzip/encoding target: `data` read directly (it may itself be gzip or
/// UTF-16), then gzipped and transcoded, must read the same as plain.
pub fn check_wrappers(data: &[u8]) {
    check_reader(data);
    if data.starts_with(&[0x1f, 0x8b]) {
        // Gzip inside gzip is not unwrapped twice; nothing more to compare.
        return;
    }
    let plain = read_slice(data);
    let split = data.first().map_or(0, |&b| b as usize);
    let gz = gzip_two_members(data, split);
    assert_eq!(read_slice(&gz), plain, "gzipped (stream) vs plain");
    assert_eq!(
        read_buffered(&gz),
        read_buffered(data),
        "gzipped (buffered) vs plain (buffered)"
    );
    assert_eq!(
        read_stream(&gz, 3),
        plain,
        "gzipped (3-byte stream) vs plain"
    );

    // UTF-16 with a BOM must read like the UTF-8 it encodes. Only for UTF-8 without a BOM or
    // an encoding declaration (those decide the encoding themselves) and without U+FEFF at
    // the start (which would read as a second BOM).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.starts_with('\u{feff}') || text.contains("encoding") {
        return;
    }
    // Nor when its first bytes are `<?` in UTF-16 without a BOM: valid UTF-8 as bytes, but the
    // reader rightly sniffs it as UTF-16 (XML 1.0 appendix F), so it is another text than the
    // one re-encoded here (found by this target: `<\0?\0>\0 ...`).
    if data.starts_with(&[b'<', 0, b'?', 0]) || data.starts_with(&[0, b'<', 0, b'?']) {
        return;
    }
    for big_endian in [false, true] {
        let utf16 = utf16_with_bom(text, big_endian);
        let got = read_slice(&utf16);
        assert_eq!(got.error, plain.error, "UTF-16 (BE {big_endian}) vs UTF-8");
        assert_eq!(
            got.records, plain.records,
            "UTF-16 (BE {big_endian}) vs UTF-8"
        );
    }
}

/// Writes `doc`, reads it back and asserts it is equal (for the structured round-trip
/// targets). Documents the writer refuses (invalid names, `?>` in a PI) are skipped.
pub fn check_roundtrip(doc: &Document, compression: ndi_format::Compression, indent: usize) {
    let options = ndi_format::WriterOptions {
        indent,
        declaration: indent % 2 == 0,
    };
    let mut bytes = Vec::new();
    if ndi_format::write_document(&mut bytes, doc, compression, options).is_err() {
        return;
    }
    let back = match Document::read(
        ReaderBuilder::new()
            .limits(fuzz_limits())
            .from_slice(&bytes)
            .expect("open what we wrote"),
    ) {
        Ok((back, _warnings)) => back,
        Err(e) => panic!("reading what we wrote failed: {e}\n{}", show(&bytes)),
    };
    assert_eq!(back.header.root, doc.header.root, "{}", show(&bytes));
    assert_eq!(
        back.header.attributes,
        doc.header.attributes,
        "{}",
        show(&bytes)
    );
    assert_eq!(
        back.header.processing_instructions,
        doc.header.processing_instructions,
        "{}",
        show(&bytes)
    );
    assert_eq!(
        back.records,
        merge_adjacent_text(&doc.records),
        "{}",
        show(&bytes)
    );
    // The stream reader reads the same.
    check_reader(&bytes);
}

/// Adjacent character data, as XML has no boundary inside it, reads back as one piece (by
/// design, like a DOM's `normalize`): the expected records after that merge.
fn merge_adjacent_text(records: &[Record<'static>]) -> Vec<Record<'static>> {
    let mut out: Vec<Record<'static>> = Vec::with_capacity(records.len());
    for r in records {
        // Text right after a text record at its depth, or right inside an element that has
        // no child yet (it becomes that element's text).
        if r.name.is_empty()
            && let Some(last) = out.last_mut()
            && ((last.name.is_empty() && last.depth == r.depth)
                || (!last.name.is_empty() && last.depth + 1 == r.depth))
        {
            let mut text = last.text.take().unwrap_or_default().into_owned();
            text.push_str(r.text.as_deref().unwrap_or(""));
            last.text = Some(text.into());
            continue;
        }
        out.push(r.clone());
    }
    out
}

fn show(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return format!("<{} gzipped bytes>", bytes.len());
    }
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------
// Policies, catalogs and schedules.

/// Reads `data` as a policy; a policy that loads must write back to an equal one, and its
/// validation and effective packages must not panic.
pub fn check_policy(data: &[u8]) {
    let _ = npl_format::validate(data);
    if let Ok(policy) = npl_format::Policy::from_slice(data) {
        let _ = policy.effective_packages();
        let _ = policy.package_rows();
        let bytes = policy.to_bytes().expect("a loaded policy writes");
        let again = npl_format::Policy::from_slice(&bytes).expect("a written policy reads");
        assert_eq!(again, policy, "policy round trip");
    }
}

/// Reads `data` as a catalog; checks it against itself as a target; round trip as above.
pub fn check_catalog(data: &[u8]) {
    let _ = npl_format::validate_catalog(data, Some(data));
    if let Ok(catalog) = npl_format::Catalog::from_slice(data) {
        let bytes = catalog.to_bytes().expect("a loaded catalog writes");
        let again = npl_format::Catalog::from_slice(&bytes).expect("a written catalog reads");
        assert_eq!(again, catalog, "catalog round trip");
    }
}

/// Reads `data` as a schedule: validation, round trip and a bounded next-run computation.
pub fn check_schedule(data: &[u8]) {
    let _ = nds_format::validate(data);
    if let Ok(schedule) = nds_format::Schedule::from_slice(data) {
        let bytes = schedule.to_bytes().expect("a loaded schedule writes");
        let again = nds_format::Schedule::from_slice(&bytes).expect("a written schedule reads");
        assert_eq!(again, schedule, "schedule round trip");
        check_runs(&schedule);
    }
}

fn check_runs(schedule: &nds_format::Schedule) {
    let from = chrono::NaiveDate::from_ymd_opt(2024, 3, 30)
        .and_then(|d| d.and_hms_opt(22, 0, 0))
        .expect("a valid date");
    let start = std::time::Instant::now();
    let runs = schedule.next_runs(from, chrono_tz::Europe::Berlin, 20, 7);
    assert!(
        start.elapsed().as_secs() < 5,
        "next_runs took {:?}",
        start.elapsed()
    );
    for w in runs.windows(2) {
        assert!(w[0].start_utc <= w[1].start_utc, "runs out of order");
    }
    for r in &runs {
        assert!(
            r.start_utc >= r.nominal_utc,
            "a run starts before its nominal time"
        );
    }
    let _ = schedule.event_triggers();
}

/// An arbitrary schedule model for the structured round trip.
#[derive(Debug, arbitrary::Arbitrary)]
pub struct ScheduleModel {
    name: String,
    events: Vec<EventModel>,
}

/// One event of a [`ScheduleModel`].
#[derive(Debug, arbitrary::Arbitrary)]
pub struct EventModel {
    name: String,
    id: u32,
    catchup: u8,
    param: String,
    triggers: Vec<TriggerModel>,
}

/// One trigger of an [`EventModel`]: plausible values most of the time, arbitrary text
/// otherwise.
#[derive(Debug, arbitrary::Arbitrary)]
pub struct TriggerModel {
    kind: u8,
    type_param: u16,
    time: u32,
    window: u32,
    repeat: u32,
    duration: u32,
    date: u16,
    odd: Option<(String, String)>,
}

/// Characters XML can carry in an attribute and that survive a round trip.
fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .take(40)
        .collect()
}

/// Writes `model`, reads it back (must be equal) and computes its next runs.
pub fn check_schedule_model(model: &ScheduleModel) {
    use nds_format::{CatchUpPolicy, Event, LogicalCommand, Schedule, Trigger};
    let stamp = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a valid stamp");
    let mut schedule = Schedule::new(&xml_text(&model.name), stamp);
    let types = [
        "Daily",
        "Weekly",
        "Monthly",
        "Once",
        "Logon",
        "OnConnect",
        "Now",
    ];
    let policies = [
        CatchUpPolicy::Never,
        CatchUpPolicy::Once,
        CatchUpPolicy::Always,
        CatchUpPolicy::Query,
    ];
    for (i, e) in model.events.iter().take(8).enumerate() {
        let id = format!(
            "{{6D3F8A52-1E11-4C3B-9A57-{:012X}}}",
            u64::from(e.id) + i as u64
        );
        let command = LogicalCommand::new(&xml_text(&e.param), "Tracker", "Generate");
        let mut event = Event::new(
            &xml_text(&e.name),
            &id,
            policies[usize::from(e.catchup) % 4],
            command,
        );
        for t in e.triggers.iter().take(4) {
            let day = 1 + u32::from(t.date) % 28;
            let mut attrs = vec![
                (
                    "TYPE".to_string(),
                    types[usize::from(t.kind) % types.len()].to_string(),
                ),
                ("TYPE_PARAM".to_string(), (t.type_param % 200).to_string()),
                (
                    "TIMESTART".to_string(),
                    format!(
                        "{:02}{:02}{:02}",
                        t.time % 24,
                        t.time / 24 % 60,
                        t.time / 1440 % 60
                    ),
                ),
                ("TIMEWINDOW".to_string(), (t.window % 86_400).to_string()),
                ("REPEAT".to_string(), (t.repeat % 90_000).to_string()),
                ("DURATION".to_string(), (t.duration % 200_000).to_string()),
                (
                    "DATESTART".to_string(),
                    format!("2024{:02}{:02}", 1 + u32::from(t.date) % 12, day),
                ),
            ];
            if let Some((k, v)) = &t.odd {
                let key: String = k
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .take(12)
                    .collect();
                if !key.is_empty() && !attrs.iter().any(|(n, _)| *n == key) {
                    attrs.push((key, xml_text(v)));
                }
            }
            event.push_trigger(Trigger::new(attrs));
        }
        schedule.items.push(nds_format::ScheduleItem::Event(event));
    }
    let bytes = schedule.to_bytes().expect("a model writes");
    let again = Schedule::from_slice(&bytes).expect("a written schedule reads");
    assert_eq!(again, schedule, "structured schedule round trip");
    check_runs(&schedule);
    let _ = nds_format::validate(&bytes);
}
