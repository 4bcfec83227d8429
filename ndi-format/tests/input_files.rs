//! Reading files: only regular files are read, and never more than the size limit allows
//! (`ndi_format::read_file`, `Reader::from_path`), whatever the path names.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use ndi_format::{InputBuffer, Limits, Reader, ReaderBuilder, read_file};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndi-input-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `f` on another thread and fails if it does not return within 20 s (a FIFO nobody
/// writes to made readers wait forever).
fn within_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{what} did not return within 20 s"))
}

/// The rule of the error of reading `path` with `read_file`, checking that it names the file.
fn read_file_rule(path: &Path, limits: Limits) -> &'static str {
    let owned = path.to_path_buf();
    let err = within_seconds(&format!("read_file({})", path.display()), move || {
        let mut buf = Vec::new();
        read_file(&owned, &mut buf, &limits).map(|()| buf.len())
    })
    .unwrap_err();
    assert_eq!(err.location().file.as_deref(), Some(path), "{err}");
    err.rule()
}

/// The rule of the error of opening `path` with `Reader::from_path`, checking that it names
/// the file.
fn from_path_rule(path: &Path, limits: Limits) -> &'static str {
    let owned = path.to_path_buf();
    let err = within_seconds(&format!("from_path({})", path.display()), move || {
        let mut buffer = InputBuffer::new();
        ReaderBuilder::new()
            .limits(limits)
            .from_path(&owned, &mut buffer)
            .map(|r| r.format())
    })
    .unwrap_err();
    assert_eq!(err.location().file.as_deref(), Some(path), "{err}");
    err.rule()
}

/// A FIFO at `path`, made with `mkfifo` (false when the command is missing).
#[cfg(unix)]
fn make_fifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// Regression (black-box review): `schedule`, `policy` and `diff` read `/dev/zero` until
/// memory ran out and waited forever on a FIFO nobody writes to. A folder, a device and a
/// FIFO are refused, by `read_file` and by `Reader::from_path` alike.
#[test]
fn what_is_not_a_regular_file_is_refused_before_it_is_read() {
    let dir = temp_dir("not-a-file");
    let mut paths = vec![dir.clone()];
    #[cfg(unix)]
    {
        // A device: reading /dev/null would give an empty document instead.
        paths.push(PathBuf::from("/dev/null"));
        let fifo = dir.join("fifo.ndi");
        if make_fifo(&fifo) {
            paths.push(fifo.clone());
            // A link to it is followed, and refused the same way.
            let link = dir.join("link.ndi");
            std::os::unix::fs::symlink(&fifo, &link).unwrap();
            paths.push(link);
        }
    }
    for path in &paths {
        assert_eq!(read_file_rule(path, Limits::default()), "not-a-file");
        assert_eq!(from_path_rule(path, Limits::default()), "not-a-file");
    }
    let err = Reader::from_path(&dir, &mut InputBuffer::new()).unwrap_err();
    assert!(
        err.to_string().contains("not a regular file") && err.to_string().contains("[not-a-file]"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file larger than `max_xml_bytes` (plus a byte-order mark) is refused from its size with
/// `limit-xml-bytes`, before anything is read: the sparse file below starts with the gzip
/// magic bytes, so reading it would fail with `gzip` instead.
#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = temp_dir("too-large");
    let limits = Limits {
        max_xml_bytes: 1 << 20,
        ..Limits::default()
    };
    let gz = dir.join("big.ndi.gz");
    std::fs::write(&gz, [0x1f, 0x8b]).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&gz)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    let plain = dir.join("big.ndi");
    std::fs::File::create(&plain)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    for path in [&gz, &plain] {
        assert_eq!(read_file_rule(path, limits), "limit-xml-bytes");
        assert_eq!(from_path_rule(path, limits), "limit-xml-bytes");
    }
    // With the default limits (1 GiB), the 3 GiB file too.
    assert_eq!(read_file_rule(&plain, Limits::default()), "limit-xml-bytes");
    assert_eq!(from_path_rule(&plain, Limits::default()), "limit-xml-bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The limit is on the XML text, which does not include a byte-order mark: a file of exactly
/// `max_xml_bytes` of text after a UTF-8 BOM is read; one byte more is refused.
#[test]
fn the_size_limit_allows_a_byte_order_mark() {
    let dir = temp_dir("bom");
    let limits = Limits {
        max_xml_bytes: 16,
        ..Limits::default()
    };
    let text = b"<Inventory/>    ";
    assert_eq!(text.len(), 16);
    let fits = dir.join("fits.ndi");
    std::fs::write(&fits, [&b"\xEF\xBB\xBF"[..], text].concat()).unwrap();
    let mut buf = Vec::new();
    read_file(&fits, &mut buf, &limits).unwrap();
    assert_eq!(buf.len(), 19);
    let mut buffer = InputBuffer::new();
    let reader = ReaderBuilder::new()
        .limits(limits)
        .from_path(&fits, &mut buffer)
        .unwrap();
    assert_eq!(reader.header().root, "Inventory");

    let over = dir.join("over.ndi");
    std::fs::write(&over, [&b"\xEF\xBB\xBF"[..], text, b" "].concat()).unwrap();
    assert_eq!(read_file_rule(&over, limits), "limit-xml-bytes");
    assert_eq!(from_path_rule(&over, limits), "limit-xml-bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `read_file` gives the bytes as they are on disk (gzip stays gzip, for the reader to
/// inflate with the cap) and reuses the buffer it is given.
#[test]
fn read_file_gives_the_bytes_on_disk() {
    let dir = temp_dir("bytes");
    let xml = b"<Inventory MachineName=\"pc1\"><Hardware/></Inventory>";
    let gz = ndi_format::Document::from_slice(xml)
        .and_then(|d| d.to_bytes(ndi_format::Compression::Gzip))
        .unwrap();
    let path = dir.join("a.ndi.gz");
    std::fs::write(&path, &gz).unwrap();
    let mut buf = b"left over from an earlier file".to_vec();
    read_file(&path, &mut buf, &Limits::default()).unwrap();
    assert_eq!(buf, gz);
    let reader = Reader::from_slice(&buf).unwrap();
    assert_eq!(reader.header().attr("MachineName"), Some("pc1"));

    let missing = dir.join("missing.ndi");
    assert_eq!(read_file_rule(&missing, Limits::default()), "io");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_malformed_utf16_document_says_where_from_memory_and_as_a_stream() {
    // "<Inventory>\na" then a lone low surrogate, in UTF-16 LE with a BOM.
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "<Inventory>\na".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes.extend_from_slice(&[0x00, 0xDC]);
    for unit in "</Inventory>".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let fail = |r: ndi_format::Result<ndi_format::Reader<'_>>| -> String {
        let e = r
            .and_then(|mut r| r.records().collect::<Result<Vec<_>, _>>().map(|_| ()))
            .unwrap_err();
        assert_eq!(e.rule(), "encoding");
        e.to_string()
    };
    let memory = fail(ndi_format::Reader::from_slice(&bytes));
    let stream = fail(ndi_format::Reader::from_reader(std::io::BufReader::new(
        &bytes[..],
    )));
    assert!(memory.starts_with("2:2 (byte 13)"), "{memory}");
    assert_eq!(memory, stream);
}
