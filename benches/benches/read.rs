//! Reading a realistic 500 kB inventory: the typed reader against a bare quick-xml loop that
//! only decodes every attribute of the same bytes, plain and gzipped.
//!
//! Run: `cargo bench -p ndi-benches --bench read`. Figures are recorded in benches/README.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndi_benches::{bare_gunzip_quick_xml, bare_quick_xml, typed_read};
use ndi_format::{Compression, Document, InputBuffer, ReaderBuilder};

fn bench_read(c: &mut Criterion) {
    let xml = ndi_corpora::inventory_xml(42, 500_000);
    let gz = Document::from_slice(&xml)
        .and_then(|d| d.to_bytes(Compression::Gzip))
        .unwrap_or_default();
    let builder = ReaderBuilder::new();

    let mut group = c.benchmark_group("read_500k_plain");
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("bare_quick_xml", |b| {
        b.iter(|| bare_quick_xml(black_box(&xml)))
    });
    group.bench_function("typed_reader", |b| {
        b.iter(|| {
            let mut r = builder.from_slice(black_box(&xml)).unwrap();
            typed_read(&mut r)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("read_500k_gzip");
    group.throughput(Throughput::Bytes(xml.len() as u64));
    let mut raw = Vec::new();
    group.bench_function("bare_gunzip_quick_xml", |b| {
        b.iter(|| bare_gunzip_quick_xml(black_box(&gz), &mut raw))
    });
    let mut buffer = InputBuffer::new();
    group.bench_function("typed_reader_buffered", |b| {
        b.iter(|| {
            let mut r = builder
                .from_slice_buffered(black_box(&gz), &mut buffer)
                .unwrap();
            typed_read(&mut r)
        })
    });
    group.bench_function("typed_reader_streamed", |b| {
        b.iter(|| {
            let mut r = builder.from_reader(black_box(&gz[..])).unwrap();
            typed_read(&mut r)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_read);
criterion_main!(benches);
