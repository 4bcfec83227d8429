//! Side-by-side timing of the typed reader against the bare quick-xml loop on the same 500 kB
//! inventory, alternating the two in rounds so that a noisy machine affects both alike.
//! Prints the median throughput of each and their ratio.
//!
//! `cargo run --release -p ndi-benches --bin read-ratio [ROUNDS] [typed|bare]` (with a second
//! argument, runs only that reader, for a profiler)

use std::hint::black_box;
use std::time::Instant;

use ndi_benches::{bare_gunzip_quick_xml, bare_quick_xml, typed_read};
use ndi_format::{Compression, Document, InputBuffer, ReaderBuilder};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(iterations: usize, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_secs_f64() / iterations as f64
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let xml = ndi_corpora::inventory_xml(42, 500_000);
    let gz = Document::from_slice(&xml)
        .and_then(|d| d.to_bytes(Compression::Gzip))
        .unwrap_or_default();
    let mb = xml.len() as f64 / 1e6;
    let builder = ReaderBuilder::new();
    // `read-ratio N typed` (or `bare`) runs only that reader N x 20 times: for a profiler.
    match std::env::args().nth(2).as_deref() {
        Some("typed") => {
            for _ in 0..rounds * 20 {
                let mut r = builder
                    .from_slice(black_box(&xml))
                    .unwrap_or_else(|e| panic!("{e}"));
                black_box(typed_read(&mut r));
            }
            return;
        }
        Some("bare") => {
            for _ in 0..rounds * 20 {
                black_box(bare_quick_xml(black_box(&xml)));
            }
            return;
        }
        _ => {}
    }
    let mut raw = Vec::new();
    let mut buffer = InputBuffer::new();
    let (mut bare, mut typed, mut bare_gz, mut typed_gz) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        bare.push(
            mb / time(20, || {
                black_box(bare_quick_xml(black_box(&xml)));
            }),
        );
        typed.push(
            mb / time(20, || {
                let mut r = builder
                    .from_slice(black_box(&xml))
                    .unwrap_or_else(|e| panic!("{e}"));
                black_box(typed_read(&mut r));
            }),
        );
        bare_gz.push(
            mb / time(20, || {
                black_box(bare_gunzip_quick_xml(black_box(&gz), &mut raw));
            }),
        );
        typed_gz.push(
            mb / time(20, || {
                let mut r = builder
                    .from_slice_buffered(black_box(&gz), &mut buffer)
                    .unwrap_or_else(|e| panic!("{e}"));
                black_box(typed_read(&mut r));
            }),
        );
    }
    let (b, t, bg, tg) = (
        median(bare),
        median(typed),
        median(bare_gz),
        median(typed_gz),
    );
    println!(
        "input: {:.0} kB plain, {:.0} kB gzipped; {rounds} alternating rounds",
        mb * 1e3,
        gz.len() as f64 / 1e3
    );
    println!(
        "plain  bare quick-xml {b:7.1} MB/s  typed reader {t:7.1} MB/s  ratio {:.2}",
        t / b
    );
    println!(
        "gzip   bare gunzip+qx {bg:7.1} MB/s  typed reader {tg:7.1} MB/s  ratio {:.2}",
        tg / bg
    );
}
