//! The loader over the golden corpora: every input accounted for, bad files rolled back,
//! the same rows whatever the thread count, and no attribute value lost.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type, Int64Type, TimestampSecondType};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use ndi_format::{Document, values::CompactDateTime};
use ndi_load::load::{CollectSink, Input, LoadOptions, Progress, load};
use ndi_load::tables::Table;

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora");
    let mut files = Vec::new();
    for format in ["ndi", "mmi", "vdi", "disco", "npl", "osd", "nds"] {
        for kind in ["valid", "invalid"] {
            for e in std::fs::read_dir(root.join(format).join(kind)).unwrap() {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                if !name.ends_with(".expected")
                    && !name.ends_with(".md")
                    && !name.ends_with(".target")
                {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    files
}

fn run(files: &[PathBuf], threads: usize, batch_size: usize) -> CollectSink {
    let inputs: Vec<Input> = files.iter().map(|p| Input::Path(p.clone())).collect();
    let sink = CollectSink::new();
    let options = LoadOptions {
        threads: Some(threads),
        batch_size,
        loaded_at: 1_700_000_000,
        ..LoadOptions::default()
    };
    let summary = load(&inputs, &options, &&sink, &Progress::default()).unwrap();
    assert_eq!(summary.files(), files.len() as u64);
    sink
}

/// Every value of every row of `table`, rendered as text (the form it had in the input).
fn rendered(batches: &[RecordBatch]) -> Vec<Vec<Option<String>>> {
    rendered_with(batches, false)
}

/// Like [`rendered`], with map columns split into one value per entry.
fn rendered_with(batches: &[RecordBatch], split_maps: bool) -> Vec<Vec<Option<String>>> {
    let mut rows = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            let mut row = Vec::new();
            for c in b.columns() {
                if split_maps && matches!(c.data_type(), DataType::Map(..)) && !c.is_null(r) {
                    let entries = c.as_map().value(r);
                    let values = entries.column(1).as_string::<i32>();
                    row.extend((0..values.len()).map(|i| Some(values.value(i).to_string())));
                } else {
                    row.push(render(c.as_ref(), r));
                }
            }
            rows.push(row);
        }
    }
    rows
}

fn render(a: &dyn Array, r: usize) -> Option<String> {
    if a.is_null(r) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(r).to_string(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(r).to_string(),
        DataType::Int32 => a.as_primitive::<Int32Type>().value(r).to_string(),
        DataType::Boolean => a.as_boolean().value(r).to_string(),
        DataType::Date32 => {
            let days = a.as_primitive::<Date32Type>().value(r);
            let t = civil(i64::from(days) * 86_400);
            t[..8].to_string()
        }
        DataType::Timestamp(TimeUnit::Second, _) => {
            civil(a.as_primitive::<TimestampSecondType>().value(r))
        }
        DataType::Map(_, _) => {
            let m = a.as_map();
            let entries = m.value(r);
            let keys = entries.column(0).as_string::<i32>();
            let values = entries.column(1).as_string::<i32>();
            // Keys and values, each length-prefixed so no separator can collide.
            (0..keys.len())
                .map(|i| {
                    let (k, v) = (keys.value(i), values.value(i));
                    format!("{}:{k}{}:{v}", k.len(), v.len())
                })
                .collect::<String>()
        }
        other => panic!("unexpected type {other}"),
    })
}

/// `yyyyMMddTHHmmss` of seconds since the epoch.
fn civil(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Search forward from 1970 (test-only, small ranges).
    let mut y = 1970i64;
    let mut d = days;
    loop {
        let len = if ndi_format::values::is_leap_year(y) {
            366
        } else {
            365
        };
        if d < len {
            break;
        }
        d -= len;
        y += 1;
    }
    let mut m = 1u32;
    loop {
        let len = i64::from(ndi_format::values::days_in_month(y, m));
        if d < len {
            break;
        }
        d -= len;
        m += 1;
    }
    format!(
        "{y:04}{m:02}{:02}T{:02}{:02}{:02}",
        d + 1,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn normalise(v: &str) -> String {
    if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
        v.to_ascii_lowercase()
    } else {
        v.to_string()
    }
}

#[test]
fn every_input_is_accounted_for_and_bad_files_leave_no_rows() {
    let files = corpus_files();
    let sink = run(&files, 2, 7);
    let docs = rendered(&sink.batches(Table::Documents));
    assert_eq!(docs.len(), files.len());
    let schema = Table::Documents.schema();
    let col = |name: &str| schema.index_of(name).unwrap();
    let mut rejected_ids = Vec::new();
    for row in &docs {
        let path = row[col("source_path")].clone().unwrap();
        let status = row[col("status")].clone().unwrap();
        // Policy, catalog and schedule files break format rules, not XML: they still load.
        let xml_level = ["/ndi/", "/mmi/", "/vdi/", "/disco/"]
            .iter()
            .any(|f| path.contains(f));
        let expect_rejected = path.contains("/invalid/") && xml_level;
        if xml_level || !path.contains("/invalid/") {
            assert_eq!(status == "rejected", expect_rejected, "{path}: {status}");
        }
        if expect_rejected {
            assert!(
                row[col("error")].is_some() && row[col("error_rule")].is_some(),
                "{path}"
            );
            rejected_ids.push(row[col("document_id")].clone().unwrap());
        }
        if path.ends_with("illegal-control-char.ndi") {
            assert_eq!(status, "warning");
        }
    }
    for table in Table::ALL.into_iter().filter(|t| *t != Table::Documents) {
        for row in rendered(&sink.batches(table)) {
            let id = row[0].as_ref().unwrap();
            assert!(
                !rejected_ids.contains(id),
                "{} has rows of a rejected document",
                table.name()
            );
        }
    }
}

#[test]
fn thread_count_and_batch_size_do_not_change_the_rows() {
    let files = corpus_files();
    let a = run(&files, 1, 65_536);
    let b = run(&files, 2, 3);
    for table in Table::ALL {
        let ra = rendered(&a.batches(table));
        let rb = rendered(&b.batches(table));
        assert_eq!(ra, rb, "{}", table.name());
    }
    let hardware = rendered(&a.batches(Table::Hardware));
    assert!(hardware.len() > 20);
}

#[test]
fn batches_stay_bounded_even_when_one_document_has_more_rows_than_a_batch() {
    // No batch has more rows than the batch size. A document with more rows than a batch on
    // its own is read twice (checked to its end first, then streamed) and handed on in
    // batches as they fill, so it is never held whole.
    let files = corpus_files();
    for batch_size in [1, 3, 50] {
        let sink = run(&files, 2, batch_size);
        let mut largest = 0;
        for table in Table::ALL {
            for b in sink.batches(table) {
                assert!(
                    b.num_rows() <= batch_size,
                    "{}: {} rows with batch size {batch_size}",
                    table.name(),
                    b.num_rows()
                );
                largest = largest.max(b.num_rows());
            }
        }
        assert!(largest >= batch_size, "{largest}");
    }
}

#[test]
fn a_rejected_file_that_cannot_be_quarantined_stays_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora/ndi");
    let mut inputs = Vec::new();
    for name in [
        "valid/aliases-and-generic.ndi",
        "invalid/truncated.ndi",
        "invalid/empty.ndi",
    ] {
        let to = tmp.path().join(name.replace('/', "-"));
        std::fs::copy(root.join(name), &to).unwrap();
        inputs.push(Input::Path(to));
    }
    // A folder cannot be made inside a file.
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let options = LoadOptions {
        quarantine: Some(blocker.join("quarantine")),
        ..LoadOptions::default()
    };
    let sink = CollectSink::new();
    let summary = load(&inputs, &options, &&sink, &Progress::default()).unwrap();
    assert_eq!((summary.ok, summary.rejected), (1, 2));
    assert_eq!(summary.quarantine_failed, 2);
    for input in &inputs {
        let Input::Path(p) = input else {
            unreachable!()
        };
        assert!(p.exists(), "{}", p.display());
    }
    assert_eq!(rendered(&sink.batches(Table::Documents)).len(), 3);
}

#[test]
fn warning_counts_include_warnings_beyond_those_kept() {
    let mut xml = String::from("<Inventory MachineName=\"pc\"><Y>");
    for _ in 0..3_000 {
        xml.push_str("&#1;u");
    }
    xml.push_str("</Y></Inventory>");
    let inputs = [Input::Memory {
        name: "noisy.ndi".into(),
        bytes: xml.into_bytes().into(),
    }];
    let sink = CollectSink::new();
    let summary = load(
        &inputs,
        &LoadOptions::default(),
        &&sink,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(summary.warning, 1);
    let docs = rendered(&sink.batches(Table::Documents));
    let col = Table::Documents.schema().index_of("warning_count").unwrap();
    assert_eq!(docs[0][col].as_deref(), Some("3000"));
}

#[test]
fn parts_appear_only_when_the_run_commits_them() {
    use ndi_load::store::{FileFormat, FileSinkFactory, Layout};
    let tmp = tempfile::tempdir().unwrap();
    let layout = Layout::new(tmp.path(), false, 0);
    let earlier = tmp.path().join("documents/part-00007.parquet");
    std::fs::create_dir_all(earlier.parent().unwrap()).unwrap();
    std::fs::write(&earlier, "an earlier run's part").unwrap();
    let files: Vec<PathBuf> = corpus_files().into_iter().take(12).collect();
    let inputs: Vec<Input> = files.iter().map(|p| Input::Path(p.clone())).collect();
    let factory = FileSinkFactory::new(layout, FileFormat::Parquet);
    let options = LoadOptions {
        batch_size: 5,
        ..LoadOptions::default()
    };
    load(&inputs, &options, &factory, &Progress::default()).unwrap();
    let visible = |dir: &Path| -> Vec<PathBuf> {
        let mut out = Vec::new();
        for table in Table::ALL {
            if let Ok(entries) = std::fs::read_dir(dir.join(table.name())) {
                for e in entries {
                    let p = e.unwrap().path();
                    if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                        out.push(p);
                    }
                }
            }
        }
        out
    };
    // Every chunk is complete, yet a reader sees only the earlier run's part: a run killed
    // now leaves nothing of its own behind.
    assert_eq!(visible(tmp.path()), std::slice::from_ref(&earlier));
    let appeared = factory.commit(std::slice::from_ref(&earlier)).unwrap();
    assert!(appeared > 0);
    let now = visible(tmp.path());
    assert_eq!(now.len(), appeared, "{now:?}");
    assert!(!earlier.exists());
}

#[test]
fn no_attribute_value_is_lost() {
    let files: Vec<PathBuf> = corpus_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/valid/"))
        .collect();
    let sink = run(&files, 2, 65_536);
    let mut in_tables: HashMap<String, usize> = HashMap::new();
    for table in Table::ALL {
        for row in rendered_with(&sink.batches(table), true) {
            for v in row.into_iter().flatten() {
                *in_tables.entry(normalise(&v)).or_default() += 1;
            }
        }
    }
    let mut in_input: HashMap<String, usize> = HashMap::new();
    for f in &files {
        let doc = Document::from_slice(&std::fs::read(f).unwrap()).unwrap();
        let attrs = doc
            .header
            .attributes
            .iter()
            .chain(doc.records.iter().flat_map(|r| r.attributes.iter()));
        for a in attrs {
            *in_input.entry(normalise(&a.value)).or_default() += 1;
        }
    }
    for (value, n) in &in_input {
        let got = in_tables.get(value).copied().unwrap_or(0);
        assert!(
            got >= *n,
            "value {value:?} appears {n} times in the input, {got} in the tables"
        );
    }
    // The check itself can fail: a value never written is noticed.
    assert!(!in_tables.contains_key("no such value anywhere"));
    let _ = CompactDateTime::parse("20240101T000000");
}

#[test]
fn document_ids_are_stable_and_content_derived() {
    let files = corpus_files();
    let a = rendered(&run(&files, 1, 100).batches(Table::Documents));
    let b = rendered(&run(&files, 2, 100).batches(Table::Documents));
    assert_eq!(a, b);
    let gz = files
        .iter()
        .find(|p| p.ends_with("weekly-summary.mmi.gz"))
        .unwrap();
    let plain = files
        .iter()
        .find(|p| p.ends_with("weekly-summary.mmi"))
        .unwrap();
    let id = |p: &PathBuf| {
        a.iter()
            .find(|r| r[1].as_deref() == Some(&p.display().to_string()))
            .and_then(|r| r[0].clone())
            .unwrap()
    };
    assert_ne!(id(gz), id(plain), "different bytes, different ids");
}

#[test]
fn container_context_goes_to_elements_only_when_no_row_carries_it() {
    let xml = br#"<Inventory MachineName="pc" Custom="x">
      <Hardware><Class Name="Empty_Class"/><Class Name="Win32_BIOS" Extra="e"><Instance Name="i0">
        <Property Name="SerialNumber" Value="S1"/></Instance></Class></Hardware>
      <Files><Directory Path="C:\used"><File Name="a.exe"/></Directory><Directory Path="C:\empty"/></Files>
    </Inventory>"#;
    let inputs = vec![Input::Memory {
        name: "mem.ndi".into(),
        bytes: xml.to_vec().into(),
    }];
    let sink = CollectSink::new();
    load(
        &inputs,
        &LoadOptions::default(),
        &&sink,
        &Progress::default(),
    )
    .unwrap();
    let elements: Vec<(String, String, String)> = rendered(&sink.batches(Table::Elements))
        .into_iter()
        .map(|r| {
            (
                r[1].clone().unwrap(),
                r[2].clone().unwrap(),
                r[3].clone().unwrap(),
            )
        })
        .collect();
    let has = |path: &str, attr: &str, value: &str| {
        elements
            .iter()
            .any(|(p, a, v)| p == path && a == attr && v == value)
    };
    assert!(
        has("/Inventory/Hardware[1]/Class[1]", "Name", "Empty_Class"),
        "{elements:?}"
    );
    assert!(
        has("/Inventory/Files[1]/Directory[2]", "Path", "C:\\empty"),
        "{elements:?}"
    );
    assert!(
        has("/Inventory/Hardware[1]/Class[2]", "Extra", "e"),
        "{elements:?}"
    );
    assert!(has("/Inventory", "Custom", "x"), "{elements:?}");
    assert!(
        !elements
            .iter()
            .any(|(_, _, v)| v == "Win32_BIOS" || v == "C:\\used" || v == "i0"),
        "{elements:?}"
    );
    assert_eq!(elements.len(), 4, "{elements:?}");
}

/// The push decoder gives the same rows as the folder loader on one thread, with its batches
/// flushed at any moment, and a broken document in between leaves nothing behind.
#[test]
fn decoder_gives_the_loaders_rows() {
    let files = corpus_files();
    let expected = run(&files, 1, 7);
    let options = LoadOptions {
        batch_size: 7,
        loaded_at: 1_700_000_000,
        ..LoadOptions::default()
    };
    let mut decoder = ndi_load::Decoder::new(options);
    let mut got: HashMap<Table, Vec<RecordBatch>> = HashMap::new();
    let mut rejected = 0;
    for (i, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let outcome = decoder.decode(&path.display().to_string(), &bytes).unwrap();
        if outcome.status == ndi_load::Status::Rejected {
            rejected += 1;
            assert!(outcome.error.is_some(), "{}", path.display());
        }
        if i % 5 == 0 {
            for (table, batch) in decoder.flush().unwrap() {
                assert!(batch.num_rows() <= 7);
                got.entry(table).or_default().push(batch);
            }
        }
    }
    for (table, batch) in decoder.flush().unwrap() {
        got.entry(table).or_default().push(batch);
    }
    assert!(rejected > 0, "the corpus has invalid files");
    assert_eq!(decoder.summary().rejected, rejected);
    assert_eq!(decoder.summary().files(), files.len() as u64);
    for table in Table::ALL {
        let ours = rendered(got.get(&table).map_or(&[][..], Vec::as_slice));
        assert_eq!(ours, rendered(&expected.batches(table)), "{}", table.name());
        assert_eq!(
            decoder.summary().rows[table.index()],
            ours.len() as u64,
            "{}",
            table.name()
        );
    }
}

#[test]
fn the_same_bytes_twice_are_loaded_once_in_parallel_and_in_the_decoder() {
    use arrow_array::StringArray;
    let doc: std::sync::Arc<[u8]> = std::sync::Arc::from(
        &br#"<Inventory MachineName="pc1"><Hardware><Class Name="C"><Instance>
            <Property Name="P" Value="1"/></Instance></Class></Hardware></Inventory>"#[..],
    );
    let other: std::sync::Arc<[u8]> = std::sync::Arc::from(&doc[..doc.len() - 1]);
    let memory = |name: &str, bytes: &std::sync::Arc<[u8]>| Input::Memory {
        name: name.into(),
        bytes: bytes.clone(),
    };
    // Twelve inputs over two chunks; the copies come after their original in input order.
    let mut inputs = vec![memory("first", &doc), memory("broken", &other)];
    for i in 0..10 {
        inputs.push(memory(&format!("copy{i}"), &doc));
    }
    for threads in [1, 4] {
        let sink = CollectSink::new();
        let options = LoadOptions {
            threads: Some(threads),
            ..LoadOptions::default()
        };
        let summary = load(&inputs, &options, &&sink, &Progress::default()).unwrap();
        assert_eq!(
            (summary.ok, summary.rejected, summary.duplicate),
            (1, 1, 10)
        );
        assert_eq!(summary.rows[Table::Hardware.index()], 1);
        let docs = sink.batches(Table::Documents);
        let mut statuses = Vec::new();
        for b in &docs {
            let col = |name: &str| {
                b.column_by_name(name)
                    .unwrap()
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .unwrap()
                    .clone()
            };
            let (path, status, of) = (col("source_path"), col("status"), col("duplicate_of"));
            for r in 0..b.num_rows() {
                statuses.push((
                    path.value(r).to_string(),
                    status.value(r).to_string(),
                    of.is_valid(r).then(|| of.value(r).to_string()),
                ));
            }
        }
        assert_eq!(statuses[0], ("first".into(), "ok".into(), None));
        assert_eq!(statuses[1].1, "rejected");
        for s in &statuses[2..] {
            assert_eq!((s.1.as_str(), s.2.as_deref()), ("duplicate", Some("first")));
        }
    }
    let mut decoder = ndi_load::Decoder::new(LoadOptions::default());
    assert_eq!(
        decoder.decode("a", &doc).unwrap().status,
        ndi_load::Status::Ok
    );
    let again = decoder.decode("b", &doc).unwrap();
    assert_eq!(again.status, ndi_load::Status::Duplicate);
    assert_eq!(again.duplicate_of.as_deref(), Some("a"));
    assert_eq!(decoder.summary().rows[Table::Hardware.index()], 0);
    let hardware: usize = decoder
        .flush()
        .unwrap()
        .iter()
        .filter(|(t, _)| *t == Table::Hardware)
        .map(|(_, b)| b.num_rows())
        .sum();
    assert_eq!(hardware, 1);
}
