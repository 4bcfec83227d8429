//! Size and timing measurements (ignored by default; run with `--ignored --nocapture`).

use ndi_corpora::{Config, Kind, file_with};
use std::time::Instant;

fn percentile(sorted: &[usize], p: f64) -> usize {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
#[ignore = "measurement, run explicitly"]
fn measure_sizes() {
    let n: usize = std::env::var("MEASURE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let seed: u64 = std::env::var("MEASURE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let config = Config::new(n, seed);
    let start = Instant::now();
    let files: Vec<_> = (0..n).map(|i| file_with(&config, i)).collect();
    let elapsed = start.elapsed();
    for kind in Kind::ALL {
        let mut gz: Vec<usize> = files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.bytes.len())
            .collect();
        let mut plain: Vec<usize> = files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.plain_len)
            .collect();
        gz.sort_unstable();
        plain.sort_unstable();
        if gz.is_empty() {
            println!("{kind:18} 0");
            continue;
        }
        let mean = gz.iter().sum::<usize>() / gz.len();
        println!(
            "{kind:18} n={:4} disk median={:8} mean={:8} p95={:8} max={:9} | plain median={:9} max={:10}",
            gz.len(),
            percentile(&gz, 0.5),
            mean,
            percentile(&gz, 0.95),
            gz.last().unwrap(),
            percentile(&plain, 0.5),
            plain.last().unwrap()
        );
    }
    println!("{n} files sequential in {elapsed:?}");
}

#[test]
#[ignore = "measurement, run explicitly"]
fn measure_generate() {
    let n: usize = std::env::var("MEASURE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("ndi-corpora-measure-{}", std::process::id()));
    let start = Instant::now();
    let summary = ndi_corpora::generate(&dir, &Config::new(n, 1)).unwrap();
    let elapsed = start.elapsed();
    println!("{summary:?}");
    println!(
        "{n} files in {elapsed:?} on {} threads ({:.1} MB on disk, {:.1} MB plain)",
        rayon::current_num_threads(),
        summary.bytes_on_disk as f64 / 1e6,
        summary.bytes_plain as f64 / 1e6
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
