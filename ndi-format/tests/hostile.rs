//! Hostile input, made on the fly: bombs, deep nesting, entity tricks, huge values, junk,
//! truncations. Each must be refused quickly with an error naming the limit or rule (or, when
//! legitimate, accepted), through every input path: a slice, a stream and a file.

use std::io::{BufReader, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use flate2::Compression as Level;
use flate2::write::GzEncoder;
use ndi_format::{Error, InputBuffer, Limits, ReaderBuilder, Record};

/// How long any hostile input may take to be refused, per input path, in a debug build.
const QUICK: Duration = Duration::from_secs(5);

/// The three ways bytes reach a reader.
#[derive(Debug, Clone, Copy)]
enum Via {
    Slice,
    Stream,
    Path,
}

const ALL: [Via; 3] = [Via::Slice, Via::Stream, Via::Path];

/// A temporary file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!(
            "ndi-hostile-{}-{name}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What reading everything gave: the records read, or the error.
struct Read {
    records: Vec<Record<'static>>,
    error: Option<Error>,
}

fn read(bytes: &[u8], limits: Limits, via: Via) -> Read {
    let builder = ReaderBuilder::new().limits(limits);
    let mut buffer = InputBuffer::new();
    let file;
    let opened = match via {
        Via::Slice => builder.from_slice(bytes),
        Via::Stream => builder.from_reader(BufReader::new(bytes)),
        Via::Path => {
            file = TempFile::new("input", bytes);
            builder.from_path(&file.0, &mut buffer)
        }
    };
    let mut reader = match opened {
        Ok(r) => r,
        Err(e) => {
            return Read {
                records: Vec::new(),
                error: Some(e),
            };
        }
    };
    let mut records = Vec::new();
    let mut record = Record::default();
    let error = loop {
        match reader.read_record(&mut record) {
            Ok(true) => records.push(record.clone().into_owned()),
            Ok(false) => break None,
            Err(e) => break Some(e),
        }
    };
    Read { records, error }
}

/// Asserts that `bytes` is refused with `rule` through every input path, quickly, and that
/// the message contains `says` (e.g. the limit's name). Returns the slice error.
fn refused(bytes: &[u8], limits: Limits, rule: &str, says: &str) -> Error {
    let mut first = None;
    for via in ALL {
        let start = Instant::now();
        let got = read(bytes, limits, via);
        let took = start.elapsed();
        let err = got
            .error
            .unwrap_or_else(|| panic!("{via:?}: accepted, {} records", got.records.len()));
        assert_eq!(err.rule(), rule, "{via:?}: {err}");
        let shown = err.to_string();
        assert!(
            shown.contains(says),
            "{via:?}: {shown:?} should say {says:?}"
        );
        assert!(
            shown.contains(rule),
            "{via:?}: {shown:?} should name [{rule}]"
        );
        assert!(took < QUICK, "{via:?}: took {took:?}");
        if matches!(via, Via::Path) {
            assert!(
                err.location().file.is_some(),
                "{via:?}: {err} names no file"
            );
        }
        first.get_or_insert(err);
    }
    first.unwrap()
}

/// Asserts that `bytes` is accepted through every input path, quickly, with the same
/// records; returns them.
fn accepted(bytes: &[u8], limits: Limits) -> Vec<Record<'static>> {
    let mut first: Option<Vec<Record<'static>>> = None;
    for via in ALL {
        let start = Instant::now();
        let got = read(bytes, limits, via);
        let took = start.elapsed();
        if let Some(e) = got.error {
            panic!("{via:?}: refused: {e}");
        }
        assert!(took < QUICK, "{via:?}: took {took:?}");
        match &first {
            None => first = Some(got.records),
            Some(f) => assert!(f == &got.records, "{via:?}: different records"),
        }
    }
    first.unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Level::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A gzip bomb: `head` then `unit` repeated until `total` bytes, then `tail`, as a
/// multi-member gzip built by compressing one 4 MiB block once and repeating its member,
/// so building it is fast and the file stays small.
fn bomb(head: &str, unit: &str, total: u64, tail: &str) -> Vec<u8> {
    const BLOCK: usize = 4 << 20;
    let block: Vec<u8> = unit
        .bytes()
        .cycle()
        .take(BLOCK - BLOCK % unit.len())
        .collect();
    let member = gzip(&block);
    let mut out = gzip(head.as_bytes());
    let mut written = head.len() as u64;
    while written < total {
        out.extend_from_slice(&member);
        written += block.len() as u64;
    }
    out.extend_from_slice(&gzip(tail.as_bytes()));
    out
}

const PROLOG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
    <!DOCTYPE Inventory PUBLIC \"Inventory\" \"http://www.managesoft.com/inventory.dtd\">\n";

fn limits() -> Limits {
    Limits::default()
}

// ---------------------------------------------------------------------------------------
// Gzip bombs.

#[test]
fn gzip_bomb_of_spaces_hits_the_decompressed_size_limit() {
    // 4 GiB of spaces inside the root: one endless text node.
    let head = format!("{PROLOG}<Inventory MachineName=\"bomb\">");
    let bytes = bomb(&head, " ", 4 << 30, "</Inventory>");
    assert!(bytes.len() < 8 << 20, "{} bytes", bytes.len());
    // Test-only limit: inflating a whole gigabyte takes minutes in a debug build (about
    // 10 MB/s); the child-process test below covers the defaults.
    let small = Limits {
        max_xml_bytes: 2 << 20,
        ..limits()
    };
    let err = refused(&bytes, small, "limit-xml-bytes", "max_xml_bytes");
    assert!(err.location().position.is_some(), "{err}");
}

#[test]
fn gzip_bomb_of_elements_hits_the_decompressed_size_limit() {
    let head = format!("{PROLOG}<Inventory><Hardware><Class Name=\"Win32_BIOS\"><Instance>");
    let unit = "<Property Name=\"SerialNumber\" Value=\"0123456789ABCDEF\"/>\n";
    let bytes = bomb(
        &head,
        unit,
        4 << 30,
        "</Instance></Class></Hardware></Inventory>",
    );
    let small = Limits {
        max_xml_bytes: 2 << 20,
        ..limits()
    };
    refused(&bytes, small, "limit-xml-bytes", "max_xml_bytes");
}

/// With the default limits, gzip bombs are refused with bounded memory. They run in a child
/// process (this test binary again) so that its peak RSS (`VmHWM`) is not mixed with other
/// tests running in parallel:
///
/// - always: 4 GiB of `<a>` (nesting), refused at the depth limit after reading only the
///   start of the bomb, through a slice, a stream and a file;
/// - in release builds (`cargo test --release`), or with `NDI_HOSTILE_FULL_BOMB=1`: 4 GiB of
///   small elements, which nothing but the 1 GiB decompressed-size limit stops (inflating a
///   gigabyte takes minutes in a debug build, seconds in release), and one endless text node,
///   which the 64 MiB value limit stops.
#[test]
fn gzip_bomb_with_default_limits_has_bounded_memory() {
    if std::env::var_os("NDI_HOSTILE_BOMB_CHILD").is_some() {
        return; // The child runs `bomb_child` only.
    }
    let exe = std::env::current_exe().unwrap();
    let start = Instant::now();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "bomb_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("NDI_HOSTILE_BOMB_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("bomb:")).collect();
    assert!(!lines.is_empty(), "no result in {stdout}");
    for line in &lines {
        eprintln!("{line}");
    }
    eprintln!("bomb child took {:?}", start.elapsed());
    // bomb: <what> <via> <rule> <offset> <ms> <VmHWM kB so far>
    let hwm_kb: u64 = lines
        .iter()
        .map(|l| l.split_whitespace().nth(6).unwrap().parse::<u64>().unwrap())
        .max()
        .unwrap();
    assert!(hwm_kb < 200 << 10, "peak RSS {} MiB", hwm_kb >> 10);
}

#[test]
#[ignore = "run by gzip_bomb_with_default_limits_has_bounded_memory in a child process"]
fn bomb_child() {
    if std::env::var_os("NDI_HOSTILE_BOMB_CHILD").is_none() {
        return;
    }
    let report = |what: &str, via: Via, bytes: &[u8], rule: &str| {
        let start = Instant::now();
        let got = read_counting(bytes, Limits::default(), via);
        let took = start.elapsed();
        let err = got.expect_err("refused");
        let offset = err.location().position.map_or(0, |p| p.offset);
        println!(
            "bomb: {what} {via:?} {} {offset} {} {}",
            err.rule(),
            took.as_millis(),
            vm_hwm_kb().unwrap_or(0)
        );
        assert_eq!(err.rule(), rule, "{err}");
        if what == "nesting" && !matches!(via, Via::Path) {
            // A file this small is inflated into memory (up to 64 MiB) before parsing, by
            // design; slices and streams stop at once. (The 1 GiB bomb takes its time.)
            assert!(took < QUICK, "{what} {via:?} took {took:?}");
        }
    };
    let nesting = bomb(PROLOG, "<a>", 4 << 30, "");
    for via in ALL {
        report("nesting", via, &nesting, "limit-depth");
    }
    if cfg!(not(debug_assertions)) || std::env::var_os("NDI_HOSTILE_FULL_BOMB").is_some() {
        // About 50 bytes an element: 1 GiB is ~21 million elements, below the element limit.
        let head = format!("{PROLOG}<Inventory><Hardware><Class Name=\"Win32_BIOS\"><Instance>");
        let unit = "<Property Name=\"SerialNumber\" Value=\"0123456789AB\"/>\n";
        let bytes = bomb(
            &head,
            unit,
            4 << 30,
            "</Instance></Class></Hardware></Inventory>",
        );
        report("elements", Via::Stream, &bytes, "limit-xml-bytes");
        // One endless text node: stopped by the value limit (64 MiB), held once in memory.
        let head = format!("{PROLOG}<Inventory><Content Name=\"blob\" Encoding=\"base64\">");
        let bytes = bomb(&head, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 4 << 30, "");
        report("text", Via::Stream, &bytes, "limit-value-bytes");
    }
}

/// Reads everything keeping no records (a bomb has millions): the error, if any.
fn read_counting(bytes: &[u8], limits: Limits, via: Via) -> Result<u64, Error> {
    let builder = ReaderBuilder::new().limits(limits);
    let mut buffer = InputBuffer::new();
    let file;
    let mut reader = match via {
        Via::Slice => builder.from_slice(bytes)?,
        Via::Stream => builder.from_reader(BufReader::new(bytes))?,
        Via::Path => {
            file = TempFile::new("bomb", bytes);
            builder.from_path(&file.0, &mut buffer)?
        }
    };
    let mut record = Record::default();
    let mut n = 0;
    while reader.read_record(&mut record)? {
        n += 1;
    }
    Ok(n)
}

/// Peak resident set size of this process, from `/proc/self/status`.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Structure.

#[test]
fn nesting_hundreds_of_thousands_deep_hits_the_depth_limit() {
    let mut doc = String::from(PROLOG);
    doc.push_str("<Inventory>");
    doc.push_str(&"<a>".repeat(300_000));
    doc.push_str(&"</a>".repeat(300_000));
    doc.push_str("</Inventory>");
    let err = refused(doc.as_bytes(), limits(), "limit-depth", "max_depth");
    let path = err.location().element_path.clone().unwrap();
    assert!(path.starts_with("/Inventory/a[1]/a[1]"), "{path}");
    // Gzipped too.
    refused(&gzip(doc.as_bytes()), limits(), "limit-depth", "max_depth");
    // Exactly at the limit is fine.
    let ok = format!("<r>{}{}</r>", "<a>".repeat(255), "</a>".repeat(255));
    assert_eq!(accepted(ok.as_bytes(), limits()).len(), 255);
}

#[test]
fn two_root_elements_are_refused() {
    let doc = format!("{PROLOG}<Inventory/>\n<Inventory/>\n");
    refused(
        doc.as_bytes(),
        limits(),
        "after-root",
        "second root element",
    );
}

#[test]
fn too_many_attributes_hit_the_attribute_limit() {
    let attrs: String = (0..1025).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let doc = format!("<Inventory><Hardware{attrs}/></Inventory>");
    refused(
        doc.as_bytes(),
        limits(),
        "limit-attributes",
        "max_attributes",
    );
    // On the root too.
    let doc = format!("<Inventory{attrs}/>");
    refused(
        doc.as_bytes(),
        limits(),
        "limit-attributes",
        "max_attributes",
    );
    // 1,024 are fine.
    let attrs: String = (0..1024).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let doc = format!("<Inventory><Hardware{attrs}/></Inventory>");
    assert_eq!(accepted(doc.as_bytes(), limits())[0].attributes.len(), 1024);
}

#[test]
fn too_many_elements_hit_a_lowered_element_limit() {
    let doc = format!("<Inventory>{}</Inventory>", "<File/>".repeat(20_000));
    let low = Limits {
        max_elements: 10_000,
        ..limits()
    };
    refused(doc.as_bytes(), low, "limit-elements", "max_elements");
    assert_eq!(accepted(doc.as_bytes(), limits()).len(), 20_000);
}

// ---------------------------------------------------------------------------------------
// Entities: never expanded, never fetched.

#[test]
fn billion_laughs_is_refused_at_the_entity_declaration() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Inventory [\n");
    doc.push_str("  <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "  <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n<Inventory MachineName=\"&lol9;\">&lol9;</Inventory>\n");
    let err = refused(doc.as_bytes(), limits(), "entity-declaration", "lol");
    assert!(err.location().position.is_some());
    // Parameter entities too.
    let pe = "<!DOCTYPE Inventory [<!ENTITY % pe \"<!ENTITY x 'y'>\"> %pe;]><Inventory/>";
    refused(pe.as_bytes(), limits(), "entity-declaration", "pe");
    // Without the declarations, the references are undeclared.
    let bare = "<Inventory MachineName=\"&lol9;\"/>";
    refused(bare.as_bytes(), limits(), "undeclared-entity", "lol9");
    let bare = "<Inventory><a>&lol9;</a></Inventory>";
    refused(bare.as_bytes(), limits(), "undeclared-entity", "lol9");
}

#[test]
fn external_entities_are_refused_and_never_fetched() {
    for doc in [
        "<!DOCTYPE Inventory [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Inventory>&xxe;</Inventory>",
        "<!DOCTYPE Inventory [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/x\">]><Inventory a=\"&xxe;\"/>",
        "<!DOCTYPE Inventory [<!ENTITY % dtd SYSTEM \"http://127.0.0.1:9/x.dtd\"> %dtd;]><Inventory/>",
    ] {
        refused(
            doc.as_bytes(),
            limits(),
            "entity-declaration",
            "never expanded",
        );
    }
    // An external DTD (as every real file names) is kept as text, not fetched: accepted at
    // once even though nothing listens there.
    let doc = "<!DOCTYPE Inventory SYSTEM \"http://127.0.0.1:9/inventory.dtd\"><Inventory/>";
    accepted(doc.as_bytes(), limits());
}

// ---------------------------------------------------------------------------------------
// Large values.

#[test]
fn a_multi_megabyte_attribute_is_accepted() {
    let value = "A".repeat(4 << 20);
    let doc = format!("{PROLOG}<Inventory><Content Name=\"blob\" Data=\"{value}\"/></Inventory>");
    let records = accepted(doc.as_bytes(), limits());
    assert_eq!(records[0].attr("Data").map(str::len), Some(4 << 20));
    let records = accepted(&gzip(doc.as_bytes()), limits());
    assert_eq!(records[0].attr("Data").map(str::len), Some(4 << 20));
    // Above a lowered value limit it is refused, naming the limit.
    let low = Limits {
        max_value_bytes: 1 << 20,
        ..limits()
    };
    refused(doc.as_bytes(), low, "limit-value-bytes", "max_value_bytes");
}

#[test]
fn a_huge_text_node_is_accepted_and_a_lowered_limit_refuses_it() {
    let text = "QUJD".repeat(4 << 20); // 16 MiB of base64
    let doc = format!(
        "{PROLOG}<Inventory><Content Name=\"x.zip\" Encoding=\"base64\">{text}</Content></Inventory>"
    );
    let records = accepted(doc.as_bytes(), limits());
    assert_eq!(records[0].text.as_deref().map(str::len), Some(16 << 20));
    let low = Limits {
        max_value_bytes: 1 << 20,
        ..limits()
    };
    refused(doc.as_bytes(), low, "limit-value-bytes", "max_value_bytes");
}

// ---------------------------------------------------------------------------------------
// Junk, emptiness, truncation.

#[test]
fn binary_junk_is_refused() {
    // Deterministic pseudo-random bytes (xorshift), 1 MiB.
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    let junk: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let err = refused(&junk, limits(), "encoding", "invalid UTF-8");
    assert!(err.location().position.is_some());
    // Junk after a gzip header.
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gz.extend_from_slice(&junk[..4096]);
    refused(&gz, limits(), "gzip", "gzip");
    // NUL bytes.
    refused(
        &[0u8; 4096],
        limits(),
        "text-outside-root",
        "outside the root",
    );
}

#[test]
fn empty_input_is_refused() {
    for doc in [
        &b""[..],
        b"   \n\t ",
        b"\xEF\xBB\xBF",
        b"<?xml version=\"1.0\"?>\n",
    ] {
        refused(doc, limits(), "empty-document", "no root element");
    }
    refused(&gzip(b""), limits(), "empty-document", "no root element");
}

#[test]
fn truncated_gzip_is_refused() {
    let doc = format!(
        "{PROLOG}<Inventory>{}</Inventory>",
        "<File Name=\"a.exe\"/>".repeat(1000)
    );
    let gz = gzip(doc.as_bytes());
    for cut in [gz.len() - 4, gz.len() / 2, 12] {
        refused(&gz[..cut], limits(), "gzip", "gzip");
    }
    // Only the magic bytes.
    refused(&gz[..2], limits(), "gzip", "gzip");
}

#[test]
fn truncated_xml_is_refused() {
    let doc = format!(
        "{PROLOG}<Inventory><Hardware><Class Name=\"Win32_BIOS\"></Class></Hardware></Inventory>"
    );
    let cut = doc.find("</Class>").unwrap();
    refused(
        &doc.as_bytes()[..cut],
        limits(),
        "truncated",
        "truncated file",
    );
    // Inside a tag or an attribute value.
    let cut = doc.find("Win32").unwrap();
    refused(
        &doc.as_bytes()[..cut],
        limits(),
        "xml-syntax",
        "end of input",
    );
    // Inside the DOCTYPE.
    refused(
        &doc.as_bytes()[..60],
        limits(),
        "xml-syntax",
        "truncated file",
    );
}
