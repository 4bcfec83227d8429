//! The rest of the pipeline, each stage on realistic generated input with
//! `Throughput::Bytes` of XML: the other readers (usage, VDI, discovery), the writers (plain
//! and gzip), the loader into Arrow batches, and Parquet writing.
//!
//! Run: `cargo bench -p ndi-benches --bench pipeline`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndi_benches::typed_read;
use ndi_corpora::{Config, Kind, Mix};
use ndi_format::{Compression, Document, ReaderBuilder, WriterOptions, write_document};
use ndi_load::load::{CollectSink, Input, LoadOptions, Progress, load};
use ndi_load::store::{FileFormat, FileSinkFactory, Layout};

/// The plain XML of `n` generated files of `kind`, concatenated per file.
fn files_of(kind: Kind, n: usize) -> Vec<Vec<u8>> {
    let config = Config {
        mix: Mix::only(kind),
        ..Config::new(n, 11)
    };
    (0..n)
        .map(|i| {
            let f = ndi_corpora::file_with(&config, i);
            Document::from_slice(&f.bytes)
                .and_then(|d| d.to_bytes(Compression::None))
                .unwrap_or_default()
        })
        .collect()
}

fn bench_other_readers(c: &mut Criterion) {
    let builder = ReaderBuilder::new();
    for (name, kind, n) in [
        ("usage_mmi", Kind::Usage, 50),
        ("vdi", Kind::Vdi, 20),
        ("discovery", Kind::Discovery, 20),
        ("beacon_service_providers", Kind::BeaconInventory, 3),
    ] {
        let docs = files_of(kind, n);
        let bytes: usize = docs.iter().map(Vec::len).sum();
        let mut group = c.benchmark_group(format!("read_{name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function("typed_reader", |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| {
                        let mut r = builder
                            .from_slice(black_box(d))
                            .unwrap_or_else(|e| panic!("{e}"));
                        typed_read(&mut r)
                    })
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

fn bench_writers(c: &mut Criterion) {
    let xml = ndi_corpora::inventory_xml(42, 500_000);
    let doc = Document::from_slice(&xml).unwrap_or_default();
    let mut group = c.benchmark_group("write_500k");
    group.throughput(Throughput::Bytes(xml.len() as u64));
    let mut out = Vec::with_capacity(xml.len() * 2);
    group.bench_function("plain", |b| {
        b.iter(|| {
            out.clear();
            write_document(
                &mut out,
                black_box(&doc),
                Compression::None,
                WriterOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            out.len()
        })
    });
    group.bench_function("gzip", |b| {
        b.iter(|| {
            out.clear();
            write_document(
                &mut out,
                black_box(&doc),
                Compression::Gzip,
                WriterOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            out.len()
        })
    });
    group.finish();
}

/// Twenty realistic gzipped inventories, in memory.
fn inventories() -> (Vec<Input>, u64) {
    let config = Config {
        mix: Mix::only(Kind::Inventory),
        ..Config::new(20, 5)
    };
    let mut xml_bytes = 0u64;
    let inputs = (0..20)
        .map(|i| {
            let f = ndi_corpora::file_with(&config, i);
            xml_bytes += f.plain_len as u64;
            Input::Memory {
                name: f.name,
                bytes: f.bytes.into(),
            }
        })
        .collect();
    (inputs, xml_bytes)
}

fn bench_loader(c: &mut Criterion) {
    let (inputs, xml_bytes) = inventories();
    let options = LoadOptions {
        threads: Some(1),
        loaded_at: 1_700_000_000,
        ..LoadOptions::default()
    };
    let mut group = c.benchmark_group("load_20_inventories_1_thread");
    group.throughput(Throughput::Bytes(xml_bytes));
    group.sample_size(10);
    group.bench_function("arrow_batches", |b| {
        b.iter(|| {
            let sink = CollectSink::new();
            load(black_box(&inputs), &options, &&sink, &Progress::default())
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function("parquet_files", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let factory =
                FileSinkFactory::new(Layout::new(dir.path(), false, 0), FileFormat::Parquet);
            let summary = load(black_box(&inputs), &options, &factory, &Progress::default())
                .unwrap_or_else(|e| panic!("{e}"));
            factory.commit(&[]).unwrap_or_else(|e| panic!("{e}"));
            summary
        })
    });
    group.finish();
}

criterion_group!(benches, bench_other_readers, bench_writers, bench_loader);
criterion_main!(benches);
