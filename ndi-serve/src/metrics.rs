//! Counters of the receiver, rendered in the Prometheus text format at `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the upload latency histogram's buckets.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0,
];

/// A cumulative latency histogram over [`LATENCY_BUCKETS`] (lock-free).
#[derive(Debug)]
struct Histogram {
    buckets: Vec<AtomicU64>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: LATENCY_BUCKETS.iter().map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    fn observe(&self, took: Duration) {
        let secs = took.as_secs_f64();
        for (bound, c) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, s: &mut String, name: &str, help: &str) {
        let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, c) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                s,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                c.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(s, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(s, "{name}_sum {sum}\n{name}_count {count}");
    }
}

/// The receiver's counters (all lock-free).
#[derive(Debug)]
pub struct Metrics {
    requests: Vec<AtomicU64>,
    uploads: Vec<AtomicU64>,
    bytes_received: AtomicU64,
    bytes_stored: AtomicU64,
    in_flight: AtomicI64,
    connections_open: AtomicI64,
    connections_total: AtomicU64,
    connections_refused: AtomicU64,
    latency: Histogram,
    commit: Histogram,
    temp_files_removed: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: (0..600).map(|_| AtomicU64::new(0)).collect(),
            uploads: (0..600).map(|_| AtomicU64::new(0)).collect(),
            bytes_received: AtomicU64::new(0),
            bytes_stored: AtomicU64::new(0),
            in_flight: AtomicI64::new(0),
            connections_open: AtomicI64::new(0),
            connections_total: AtomicU64::new(0),
            connections_refused: AtomicU64::new(0),
            latency: Histogram::default(),
            commit: Histogram::default(),
            temp_files_removed: AtomicU64::new(0),
        }
    }
}

/// Decrements a gauge when dropped.
#[derive(Debug)]
pub struct GaugeGuard<'a>(&'a AtomicI64);

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// Counts a finished request.
    pub fn request(&self, status: u16) {
        if let Some(c) = self.requests.get(usize::from(status)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a finished upload (`PUT`/`POST` under the base path) with its received and
    /// stored bytes and its duration.
    pub fn upload(&self, status: u16, received: u64, stored: u64, took: Duration) {
        if let Some(c) = self.uploads.get(usize::from(status)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes_received.fetch_add(received, Ordering::Relaxed);
        self.bytes_stored.fetch_add(stored, Ordering::Relaxed);
        self.latency.observe(took);
    }

    /// Counts the time one upload spent making itself durable and visible: the last
    /// write, the file's fsync, the link into place and the folder's fsync.
    pub fn commit(&self, took: Duration) {
        self.commit.observe(took);
    }

    /// Marks an upload in flight until the guard drops.
    pub fn upload_started(&self) -> GaugeGuard<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        GaugeGuard(&self.in_flight)
    }

    /// Marks a connection open until the guard drops.
    pub fn connection_opened(&self) -> GaugeGuard<'_> {
        self.connections_total.fetch_add(1, Ordering::Relaxed);
        self.connections_open.fetch_add(1, Ordering::Relaxed);
        GaugeGuard(&self.connections_open)
    }

    /// Counts a connection refused (client network not allowed, TLS handshake failed).
    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts temporary files removed at start.
    pub fn temp_files_removed(&self, n: u64) {
        self.temp_files_removed.fetch_add(n, Ordering::Relaxed);
    }

    /// Uploads in flight now.
    pub fn in_flight(&self) -> i64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Uploads finished with `status` so far.
    pub fn uploads_with_status(&self, status: u16) -> u64 {
        self.uploads
            .get(usize::from(status))
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(4096);
        let counter = |s: &mut String, name: &str, help: &str, v: &[AtomicU64]| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} counter");
            for (status, c) in v.iter().enumerate() {
                let n = c.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(s, "{name}{{status=\"{status}\"}} {n}");
                }
            }
        };
        counter(
            &mut s,
            "ndi_serve_uploads_total",
            "Uploads (PUT/POST under the base path) by response status.",
            &self.uploads,
        );
        counter(
            &mut s,
            "ndi_serve_requests_total",
            "Requests by response status.",
            &self.requests,
        );
        let one = |s: &mut String, name: &str, kind: &str, help: &str, v: String| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        let ld = |a: &AtomicU64| a.load(Ordering::Relaxed).to_string();
        one(
            &mut s,
            "ndi_serve_received_bytes_total",
            "counter",
            "Body bytes received by uploads.",
            ld(&self.bytes_received),
        );
        one(
            &mut s,
            "ndi_serve_stored_bytes_total",
            "counter",
            "Bytes of uploads stored (201 and 200).",
            ld(&self.bytes_stored),
        );
        one(
            &mut s,
            "ndi_serve_uploads_in_flight",
            "gauge",
            "Uploads being received now.",
            self.in_flight.load(Ordering::Relaxed).to_string(),
        );
        one(
            &mut s,
            "ndi_serve_connections_open",
            "gauge",
            "Open client connections.",
            self.connections_open.load(Ordering::Relaxed).to_string(),
        );
        one(
            &mut s,
            "ndi_serve_connections_total",
            "counter",
            "Accepted client connections.",
            ld(&self.connections_total),
        );
        one(
            &mut s,
            "ndi_serve_connections_refused_total",
            "counter",
            "Connections closed at once (network not allowed, TLS handshake failed).",
            ld(&self.connections_refused),
        );
        one(
            &mut s,
            "ndi_serve_temp_files_removed_total",
            "counter",
            "Temporary files of an earlier run removed at start.",
            ld(&self.temp_files_removed),
        );
        self.latency.render(
            &mut s,
            "ndi_serve_upload_duration_seconds",
            "Time from request to answer of uploads.",
        );
        self.commit.render(
            &mut s,
            "ndi_serve_commit_duration_seconds",
            "Time an upload spent on its last write, its fsync, its link into place and the folder fsync: the storage's share of the upload time.",
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.upload(201, 100, 100, Duration::from_millis(3));
        m.upload(201, 50, 50, Duration::from_millis(200));
        m.upload(413, 0, 0, Duration::from_millis(1));
        m.request(201);
        m.commit(Duration::from_micros(700));
        let g = m.upload_started();
        let text = m.render();
        drop(g);
        assert!(text.contains("ndi_serve_uploads_total{status=\"201\"} 2\n"));
        assert!(text.contains("ndi_serve_uploads_total{status=\"413\"} 1\n"));
        assert!(text.contains("ndi_serve_stored_bytes_total 150\n"));
        assert!(text.contains("ndi_serve_uploads_in_flight 1\n"));
        assert!(text.contains("ndi_serve_upload_duration_seconds_bucket{le=\"0.005\"} 2\n"));
        assert!(text.contains("ndi_serve_upload_duration_seconds_bucket{le=\"0.25\"} 3\n"));
        assert!(text.contains("ndi_serve_upload_duration_seconds_count 3\n"));
        assert!(text.contains("ndi_serve_commit_duration_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("ndi_serve_commit_duration_seconds_count 1\n"));
        assert_eq!(m.in_flight(), 0);
    }
}
