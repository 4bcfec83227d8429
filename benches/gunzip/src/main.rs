//! Inflates every gzipped file of a folder with the flate2 backend this binary was built with
//! and prints the best of N passes, in MB of output per second. One thread, buffers reused,
//! files read into memory first: only the decompression is timed.
//!
//! `gunzip-backends DIR [PASSES]`; run through `benches/gunzip.sh`, which builds one binary
//! per backend and alternates them.

use std::io::Read;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gunzip-backends DIR [PASSES]");
        std::process::exit(2);
    };
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(5);
    let mut files = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        eprintln!("{dir}: {e}");
        std::process::exit(2);
    });
    for entry in entries.flatten() {
        if let Ok(bytes) = std::fs::read(entry.path())
            && bytes.starts_with(&[0x1f, 0x8b])
        {
            files.push(bytes);
        }
    }
    let mut out = Vec::new();
    let (mut best, mut total) = (f64::MAX, 0usize);
    for _ in 0..passes.max(1) {
        let started = Instant::now();
        total = 0;
        for gz in &files {
            out.clear();
            if flate2::read::MultiGzDecoder::new(&gz[..])
                .read_to_end(&mut out)
                .is_err()
            {
                eprintln!("a file did not inflate");
                std::process::exit(1);
            }
            total += out.len();
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{} gzipped files, {:.1} MB inflated, best of {passes}: {best:.3} s, {:.0} MB/s",
        files.len(),
        total as f64 / 1e6,
        total as f64 / 1e6 / best
    );
}
