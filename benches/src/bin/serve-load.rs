//! Load harness of `ndi-tool serve`: many uploads of a generated corpus's files from many
//! concurrent keep-alive connections over loopback, with its own HTTP/1.1 client (hyper).
//! Reports uploads/s, MB/s, latency percentiles and the server's peak RSS, then checks that
//! every upload is stored once and byte-identical.
//!
//! `serve-load --corpus DIR --url http://127.0.0.1:PORT/ManageSoftRL --incoming DIR
//!  [--uploads 20000] [--connections 200] [--rate PER_SECOND] [--server-pid PID]
//!  [--only-ext .ndi.gz]`
//!
//! Without `--rate` every connection sends its next upload as soon as the last one is
//! answered (closed loop: the highest throughput, and latency = connections / throughput).
//! With `--rate R`, upload `i` is due at `start + i / R` (open loop): latency is measured
//! from when it was due, so a server that falls behind shows it (no coordinated omission).
//!
//! `benches/serve-load.sh` builds, generates the corpus, starts the server and runs this.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

struct Args {
    corpus: PathBuf,
    url: String,
    incoming: PathBuf,
    uploads: usize,
    connections: usize,
    server_pid: Option<u32>,
    only_ext: String,
    rate: Option<f64>,
}

fn args() -> Args {
    let mut a = Args {
        corpus: PathBuf::new(),
        url: String::new(),
        incoming: PathBuf::new(),
        uploads: 20_000,
        connections: 200,
        server_pid: None,
        only_ext: ".ndi.gz".into(),
        rate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--corpus" => a.corpus = v.into(),
            "--url" => a.url = v,
            "--incoming" => a.incoming = v.into(),
            "--uploads" => a.uploads = v.parse().expect("--uploads N"),
            "--connections" => a.connections = v.parse().expect("--connections N"),
            "--server-pid" => a.server_pid = Some(v.parse().expect("--server-pid PID")),
            "--only-ext" => a.only_ext = v,
            "--rate" => a.rate = Some(v.parse().expect("--rate PER_SECOND")),
            _ => panic!("unknown flag {k}"),
        }
    }
    assert!(
        !a.url.is_empty() && !a.corpus.as_os_str().is_empty(),
        "--corpus and --url are required"
    );
    a
}

fn corpus(dir: &Path, ext: &str) -> Vec<(String, Bytes)> {
    let mut files: Vec<(String, Bytes)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name().to_string_lossy().ends_with(ext))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, Bytes::from(std::fs::read(e.path()).unwrap()))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!files.is_empty(), "no {ext} files in {}", dir.display());
    files
}

/// The name upload `i` is stored under: unique, keeps the extension (so the route).
fn upload_name(i: usize, original: &str) -> String {
    format!("load{i:06} {original}")
}

fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// User and system CPU seconds of a process so far.
fn cpu_secs(pid: u32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = s.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[idx]) / 1000.0
}

/// The server's `/metrics` text, when it answers.
async fn fetch_metrics(authority: &str) -> Option<String> {
    let stream = tokio::net::TcpStream::connect(authority).await.ok()?;
    let (mut s, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(conn);
    let req = hyper::Request::get("/metrics")
        .header(hyper::header::HOST, authority)
        .body(Full::new(Bytes::new()))
        .ok()?;
    let resp = s.send_request(req).await.ok()?;
    let body = resp.into_body().collect().await.ok()?.to_bytes();
    String::from_utf8(body.to_vec()).ok()
}

/// One line on a Prometheus histogram of the server: its mean and the share of
/// observations within 10 ms, 100 ms and 1 s.
fn histogram_summary(text: &str, name: &str) -> String {
    let value = |key: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse().ok())
    };
    let Some(count) = value(&format!("{name}_count ")).filter(|c| *c > 0.0) else {
        return "no observations".into();
    };
    let sum = value(&format!("{name}_sum ")).unwrap_or(0.0);
    let share = |le: &str| {
        value(&format!("{name}_bucket{{le=\"{le}\"}} ")).map_or(0.0, |n| n / count * 100.0)
    };
    format!(
        "mean {:.1} ms; within 10 ms {:.2}%, 100 ms {:.2}%, 1 s {:.2}% of {count}",
        sum / count * 1000.0,
        share("0.01"),
        share("0.1"),
        share("1"),
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let files = Arc::new(corpus(&a.corpus, &a.only_ext));
    let total_bytes: u64 = (0..a.uploads)
        .map(|i| files[i % files.len()].1.len() as u64)
        .sum();
    let mean = total_bytes as f64 / a.uploads as f64;
    let mut sizes: Vec<usize> = files.iter().map(|f| f.1.len()).collect();
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    let url: hyper::Uri = a.url.parse().expect("--url");
    let authority = url.authority().expect("host:port in --url").clone();
    let base_path = url.path().trim_end_matches('/').to_owned();
    eprintln!(
        "serve-load: {} uploads of {} distinct {} files (mean {:.1} kB) over {} connections to {}",
        a.uploads,
        files.len(),
        a.only_ext,
        mean / 1000.0,
        a.connections,
        a.url
    );
    let cpu_before = a.server_pid.and_then(cpu_secs);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.connections {
        let files = Arc::clone(&files);
        let next = Arc::clone(&next);
        let authority = authority.clone();
        let base_path = base_path.clone();
        let uploads = a.uploads;
        let rate = a.rate;
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            let mut sender = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= uploads {
                    break;
                }
                let (orig, data) = &files[i % files.len()];
                let path = format!("{base_path}/{}", encode(&upload_name(i, orig)));
                let t = match rate {
                    Some(r) => {
                        let due = start + Duration::from_secs_f64(i as f64 / r);
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    None => Instant::now(),
                };
                let mut ok = false;
                for _attempt in 0..3 {
                    if sender.is_none() {
                        let stream = match tokio::net::TcpStream::connect(authority.as_str()).await
                        {
                            Ok(s) => s,
                            Err(_) => {
                                tokio::time::sleep(Duration::from_millis(50)).await;
                                continue;
                            }
                        };
                        let _ = stream.set_nodelay(true);
                        let (s, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                            .await
                            .expect("handshake");
                        tokio::spawn(conn);
                        sender = Some(s);
                    }
                    let s = sender.as_mut().unwrap();
                    let req = hyper::Request::put(&path)
                        .header(hyper::header::HOST, authority.as_str())
                        .header(hyper::header::CONTENT_TYPE, "application/octet-stream")
                        .body(Full::new(data.clone()))
                        .unwrap();
                    match s.send_request(req).await {
                        Ok(resp) => {
                            let status = resp.status().as_u16();
                            let _ = resp.into_body().collect().await;
                            if status == 201 {
                                ok = true;
                                break;
                            }
                            errors += 1;
                            sender = None;
                        }
                        Err(_) => {
                            errors += 1;
                            sender = None;
                        }
                    }
                }
                assert!(ok, "upload {i} failed three times");
                lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::with_capacity(a.uploads);
    let mut retried = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        lat.extend(l);
        retried += e;
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort_unstable();
    let rss = a.server_pid.and_then(vm_hwm_kib);
    println!("uploads        {}", a.uploads);
    println!("connections    {}", a.connections);
    println!(
        "mean size      {:.1} kB (median file {:.1} kB)",
        mean / 1000.0,
        median as f64 / 1000.0
    );
    if let Some(r) = a.rate {
        println!("offered rate   {r:.0} uploads/s (open loop)");
    }
    println!("elapsed        {secs:.2} s");
    println!("uploads/s      {:.0}", a.uploads as f64 / secs);
    println!("MB/s           {:.1}", total_bytes as f64 / secs / 1e6);
    println!("latency p50    {:.1} ms", percentile(&lat, 0.50));
    println!("latency p99    {:.1} ms", percentile(&lat, 0.99));
    println!("latency max    {:.1} ms", percentile(&lat, 1.0));
    println!("retried        {retried}");
    if let Some(kib) = rss {
        println!("server peak RSS {:.1} MB", kib as f64 / 1024.0);
    }
    if let (Some(b), Some(e)) = (cpu_before, a.server_pid.and_then(cpu_secs)) {
        println!(
            "server CPU     {:.2} s ({:.0} us per upload)",
            e - b,
            (e - b) / a.uploads as f64 * 1e6
        );
    }
    if let Some(text) = fetch_metrics(authority.as_str()).await {
        for (name, what) in [
            ("ndi_serve_upload_duration_seconds", "server upload"),
            ("ndi_serve_commit_duration_seconds", "server storage"),
        ] {
            println!("{what:<15}{}", histogram_summary(&text, name));
        }
    }
    // Every upload stored once, byte-identical.
    if !a.incoming.as_os_str().is_empty() {
        let mut stored = 0usize;
        for e in walkdir::WalkDir::new(&a.incoming)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file() {
                stored += 1;
            }
        }
        let mut bad = 0usize;
        for i in 0..a.uploads {
            let (orig, data) = &files[i % files.len()];
            let name = upload_name(i, orig);
            let folder = if orig.contains(".ndi") {
                "Inventories"
            } else if orig.contains(".mmi") {
                "UsageData"
            } else if orig.contains(".disco") {
                "Discovery"
            } else if orig.contains(".vdi") {
                "VDIaccess"
            } else {
                "Other"
            };
            match std::fs::read(a.incoming.join(folder).join(&name)) {
                Ok(b) if b == data.as_ref() => {}
                _ => bad += 1,
            }
        }
        println!("stored files   {stored} (expected {})", a.uploads);
        println!("missing/differ {bad}");
        if bad > 0 || stored != a.uploads {
            eprintln!("serve-load: VERIFY FAILED");
            std::process::exit(1);
        }
        println!("verified       every upload stored once, byte-identical");
    }
}
