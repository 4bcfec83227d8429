//! Every command refuses a path that is not a regular file, as `validate` does, and none reads
//! more than the reader's size limit (`max_xml_bytes`, 1 GiB by default) into memory: each
//! command runs under a 2 GiB address-space limit (`ulimit -v`) and a time limit, so that a
//! command reading `/dev/zero` or a 3 GiB file whole fails instead of eating the machine, and
//! one waiting on a FIFO is killed.
#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{corpora, s, text};
use ndi_format::Limits;
use ndi_load::load::{CollectSink, Input, LoadOptions, Progress, load};
use ndi_load::tables::Table;

/// Address space allowed to each command, in KiB: far more than any command needs, less than
/// reading a 3 GiB file whole.
const ADDRESS_SPACE_KIB: u64 = 2 << 20;
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Runs `ndi-tool args...` under the address-space and time limits.
fn run_bounded(args: &[&str]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_ndi-tool"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ndi-tool {args:?} still running after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndi-cli-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A sparse file of `len` bytes (no disk space used).
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

fn make_fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Regression (black-box review): `diff /dev/zero x.ndi`, `schedule /dev/zero` and
/// `policy /dev/zero` grew to 10-19 GB within 20 s, and hung on a FIFO nobody writes to.
/// Every command now refuses both at once, exit 2, naming the path, as `validate` does.
#[test]
fn every_command_refuses_a_device_or_a_fifo_like_validate() {
    let dir = temp_dir("not-a-file");
    let fifo = dir.join("fifo.nds");
    make_fifo(&fifo);
    let valid = corpora().join("ndi/valid/empty-root.ndi");
    let out = dir.join("out");
    for path in [Path::new("/dev/zero"), fifo.as_path()] {
        let p = s(path);
        let commands: [Vec<&str>; 8] = [
            vec!["schedule", p, "--from", "2024-03-29T00:00:00"],
            vec!["policy", p],
            vec!["diff", p, s(&valid)],
            vec!["diff", s(&valid), p],
            vec!["inspect", p],
            vec!["convert", p, "--out", s(&out)],
            vec!["convert", p, "--format", "ndi", "--out", s(&out)],
            vec!["validate", p],
        ];
        for args in commands {
            let output = run_bounded(&args);
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains(&format!("ndi-tool: {p}: not a")),
                "{args:?}: {stderr}"
            );
            assert_eq!(text(&output.stdout), "", "{args:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (black-box review): a sparse 3 GiB file made `schedule` (and `convert`) peak at
/// 3.1 GB before refusing it with `limit-xml-bytes`, while `validate` refused it with 1 MB.
/// Every command now refuses it from its size, before reading it.
#[test]
fn a_file_over_the_size_limit_is_refused_by_every_command_without_reading_it() {
    let dir = temp_dir("too-large");
    let big = dir.join("sparse.nds");
    sparse(&big, 3 << 30);
    let b = s(&big);
    let valid = corpora().join("ndi/valid/empty-root.ndi");
    let out = dir.join("out");
    let xml_out = dir.join("xml");
    let commands: [(Vec<&str>, i32); 8] = [
        (vec!["schedule", b, "--from", "2024-03-29T00:00:00"], 2),
        (vec!["policy", b], 2),
        (vec!["convert", b, "--format", "jsonl", "--out", s(&out)], 1),
        (
            vec!["convert", b, "--format", "ndi", "--out", s(&xml_out)],
            1,
        ),
        (vec!["diff", b, s(&valid)], 2),
        (vec!["diff", s(&valid), b], 2),
        (vec!["inspect", b], 2),
        (vec!["validate", b], 1),
    ];
    for (args, code) in commands {
        let output = run_bounded(&args);
        let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
        assert_eq!(output.status.code(), Some(code), "{args:?}: {all}");
        assert!(
            all.contains(b) && all.contains("[limit-xml-bytes]"),
            "{args:?}: {all}"
        );
    }
    // The loader made a `rejected` row for it, with the limit's rule.
    let documents = std::fs::read_dir(out.join("documents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<String>();
    let row: serde_json::Value = serde_json::from_str(documents.trim()).unwrap();
    assert_eq!(row["status"], "rejected", "{row}");
    assert_eq!(row["error_rule"], "limit-xml-bytes", "{row}");
    assert_eq!(row["bytes_on_disk"], 3u64 << 30, "{row}");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("limit exceeded")),
        "{row}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The loader (library) refuses with its own limits: an input over `max_xml_bytes` and one
/// that is not a regular file (a device here; FIFOs are covered above, under a time limit)
/// become `rejected` documents with the rule, and the run goes on.
#[test]
fn the_loader_rejects_oversized_and_irregular_inputs_with_its_limits() {
    let dir = temp_dir("loader");
    // Starts like gzip: read, it would be refused as corrupt gzip, not by its size.
    let big = dir.join("big.ndi.gz");
    std::fs::write(&big, [0x1f, 0x8b]).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(8 << 20)
        .unwrap();
    let valid = corpora().join("ndi/valid/empty-root.ndi");
    let inputs: Vec<Input> = [&big, &PathBuf::from("/dev/null"), &valid]
        .into_iter()
        .map(|p| Input::Path(p.clone()))
        .collect();
    let options = LoadOptions {
        threads: Some(1),
        limits: Limits {
            max_xml_bytes: 1 << 20,
            ..Limits::default()
        },
        loaded_at: 1_700_000_000,
        ..LoadOptions::default()
    };
    let sink = CollectSink::new();
    let summary = load(&inputs, &options, &&sink, &Progress::default()).unwrap();
    assert_eq!((summary.ok, summary.rejected), (1, 2));
    let batches = sink.batches(Table::Documents);
    let mut rules = Vec::new();
    for batch in &batches {
        let schema = batch.schema();
        let column = |name: &str| {
            let i = schema.index_of(name).unwrap();
            batch.column(i).clone()
        };
        let paths = column("source_path");
        let paths = arrow_array::cast::AsArray::as_string::<i32>(&paths);
        let rule = column("error_rule");
        let rule = arrow_array::cast::AsArray::as_string::<i32>(&rule);
        for i in 0..batch.num_rows() {
            let name = Path::new(paths.value(i)).file_name().unwrap();
            let rule = arrow_array::Array::is_valid(rule, i).then(|| rule.value(i).to_string());
            rules.push((name.to_string_lossy().into_owned(), rule));
        }
    }
    rules.sort();
    assert_eq!(
        rules,
        [
            (
                "big.ndi.gz".to_string(),
                Some("limit-xml-bytes".to_string())
            ),
            ("empty-root.ndi".to_string(), None),
            ("null".to_string(), Some("not-a-file".to_string())),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_and_inspect_refuse_millions_of_tiny_elements_instead_of_taking_gigabytes() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("many.ndi.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"<Inventory MachineName=\"pc\"><Files>")
        .unwrap();
    let many = ndi_diff::MAX_SNAPSHOT_ELEMENTS + 10;
    for _ in 0..many {
        gz.write_all(b"<a/>").unwrap();
    }
    gz.write_all(b"</Files></Inventory>").unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    for args in [vec!["inspect", s(&path)], vec!["diff", s(&path), s(&path)]] {
        let out = run_bounded(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("limit-elements"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
