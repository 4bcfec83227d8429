//! Reading policies (`.npl`) and schedules (`.nds`) into their typed models, validating them
//! and computing next runs. The inputs are the golden corpus files (real-shaped, a few kB).
//!
//! Run: `cargo bench -p ndi-benches --bench policy_schedule`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpora")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bench_policy(c: &mut Criterion) {
    let npl = corpus("npl/valid/merged-duplicate-objectids.npl");
    let osd = corpus("osd/valid/default-machine-schedule.osd");
    let mut g = c.benchmark_group("npl");
    g.throughput(Throughput::Bytes(npl.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| npl_format::Policy::from_slice(black_box(&npl)).map(|p| p.items.len()))
    });
    g.bench_function("effective_packages", |b| {
        let p = npl_format::Policy::from_slice(&npl).unwrap_or_default();
        b.iter(|| black_box(&p).effective_packages().len())
    });
    g.bench_function("validate", |b| {
        b.iter(|| npl_format::validate_policy(black_box(&npl)).len())
    });
    g.finish();
    let mut g = c.benchmark_group("osd");
    g.throughput(Throughput::Bytes(osd.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| npl_format::Catalog::from_slice(black_box(&osd)).map(|c| c.children.len()))
    });
    g.finish();
}

fn bench_schedule(c: &mut Criterion) {
    let nds = corpus("nds/valid/default-machine-schedule.nds");
    let mut g = c.benchmark_group("nds");
    g.throughput(Throughput::Bytes(nds.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| nds_format::Schedule::from_slice(black_box(&nds)).map(|s| s.items.len()))
    });
    g.bench_function("validate", |b| {
        b.iter(|| nds_format::validate_schedule(black_box(&nds)).len())
    });
    g.finish();
    let s = nds_format::Schedule::from_slice(&nds).unwrap_or_default();
    let from = chrono::NaiveDate::from_ymd_opt(2024, 3, 29)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    c.bench_function("nds/next_runs_100_berlin", |b| {
        b.iter(|| {
            s.next_runs(black_box(from), chrono_tz::Europe::Berlin, 100, 42)
                .len()
        })
    });
}

criterion_group!(benches, bench_policy, bench_schedule);
criterion_main!(benches);
