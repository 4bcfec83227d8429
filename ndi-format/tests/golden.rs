//! Golden corpora: every valid file beside its expected dump, every invalid file beside its
//! one-line expected error. `UPDATE_GOLDEN=1 cargo test -p ndi-format --test golden`
//! rewrites the expectations (review the diff before committing).

mod common;

use common::{check_golden, dump, inputs, named};
use std::path::PathBuf;

use ndi_format::Reader;

const FORMATS: [&str; 4] = ["ndi", "mmi", "vdi", "disco"];

/// Every `valid` or `invalid` corpus file of the four formats, with its bytes.
fn corpus_files(kind: &str) -> Vec<(PathBuf, Vec<u8>)> {
    FORMATS
        .into_iter()
        .flat_map(|format| inputs(format, kind))
        .map(|input| {
            let bytes = std::fs::read(&input).unwrap();
            (input, bytes)
        })
        .collect()
}

#[test]
fn valid_files_match_their_dumps() {
    let files = corpus_files("valid");
    for (input, bytes) in &files {
        check_golden(input, &dump(bytes));
    }
    assert!(files.len() >= 10, "only {} valid corpus files", files.len());
}

/// Reads every record `reader` gives; the first error met, if any.
fn read_to_end(reader: ndi_format::Result<Reader<'_>>) -> ndi_format::Result<()> {
    let mut reader = reader?;
    reader.records().try_for_each(|r| r.map(drop))
}

/// The error, as one line, without the file name (the corpus may live anywhere).
fn error_line(bytes: &[u8]) -> String {
    match read_to_end(Reader::from_slice(bytes)) {
        Ok(()) => "no error".to_string(),
        Err(e) => format!("{e}\n"),
    }
}

#[test]
fn invalid_files_fail_with_their_expected_error() {
    let files = corpus_files("invalid");
    for (input, bytes) in &files {
        let line = error_line(bytes);
        assert_ne!(line, "no error", "{} was accepted", input.display());
        check_golden(input, &line);
    }
    assert!(
        files.len() >= 15,
        "only {} invalid corpus files",
        files.len()
    );
}

/// Every way of reading an invalid file gives the same error at the same position: from a
/// slice, through a reused buffer, from a path and as a stream. (A truncated gzip read through
/// a buffer used to lose its position: it was inflated whole before the text was parsed.)
#[test]
fn invalid_files_fail_alike_from_slice_buffer_path_and_stream() {
    let mut buffer = ndi_format::InputBuffer::new();
    for (input, bytes) in corpus_files("invalid") {
        let expected = error_line(&bytes);
        let file_prefix = format!("{}:", input.display());
        let drain = |r: ndi_format::Result<Reader<'_>>| -> String {
            match read_to_end(r) {
                Ok(()) => "no error".to_string(),
                Err(e) => {
                    let text = e.to_string();
                    let text = text
                        .strip_prefix(&file_prefix)
                        .unwrap_or(&text)
                        .trim_start();
                    format!("{text}\n")
                }
            }
        };
        let builder = ndi_format::ReaderBuilder::new();
        let buffered = drain(builder.from_slice_buffered(&bytes, &mut buffer));
        assert_eq!(buffered, expected, "buffered: {}", input.display());
        let path = drain(builder.from_path(&input, &mut buffer));
        assert_eq!(path, expected, "path: {}", input.display());
        let stream = drain(builder.from_reader(std::io::BufReader::new(&bytes[..])));
        assert_eq!(stream, expected, "stream: {}", input.display());
    }
}

#[test]
fn errors_name_the_file_when_read_from_a_path() {
    let input = named(inputs("ndi", "invalid"), "mismatched-end.ndi");
    let mut buffer = ndi_format::InputBuffer::new();
    let mut reader = Reader::from_path(&input, &mut buffer).unwrap();
    let err = reader.records().find_map(Result::err).unwrap();
    let text = err.to_string();
    assert!(text.contains("mismatched-end.ndi:1:"), "{text}");
    assert_eq!(err.location().file.as_deref(), Some(input.as_path()));
    assert_eq!(err.rule(), "xml-syntax");
}
