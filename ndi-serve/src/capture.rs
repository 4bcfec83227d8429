//! Capture mode: the method, target and headers (never the body) of the first N requests,
//! one JSON file each, so that the first real agents show what they send.
//!
//! Credentials are not kept: the values of `Authorization`, `Proxy-Authorization` and
//! `Cookie` are replaced by their scheme and `<redacted>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where and how many requests to capture.
#[derive(Debug)]
pub struct Capture {
    dir: PathBuf,
    limit: u64,
    taken: AtomicU64,
}

impl Capture {
    /// Captures the first `limit` requests into `dir` (created when missing).
    pub fn new(dir: PathBuf, limit: u64) -> std::io::Result<Capture> {
        std::fs::create_dir_all(&dir)?;
        Ok(Capture {
            dir,
            limit,
            taken: AtomicU64::new(0),
        })
    }

    /// The JSON record and the file it goes to, when this request is among the first N.
    pub fn record<B>(
        &self,
        req: &http::Request<B>,
        client: SocketAddr,
    ) -> Option<(PathBuf, String)> {
        let n = self.taken.fetch_add(1, Ordering::Relaxed);
        if n >= self.limit {
            return None;
        }
        let headers: Vec<(String, String)> = req
            .headers()
            .iter()
            .map(|(k, v)| {
                let name = k.as_str().to_owned();
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                let secret = matches!(
                    k.as_str(),
                    "authorization" | "proxy-authorization" | "cookie"
                );
                let value = if secret {
                    let scheme = value.split_whitespace().next().unwrap_or("");
                    format!("{scheme} <redacted>").trim_start().to_owned()
                } else {
                    value
                };
                (name, value)
            })
            .collect();
        let json = serde_json::json!({
            "time": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "client": client.to_string(),
            "method": req.method().as_str(),
            "target": req.uri().path(),
            "query_present": req.uri().query().is_some(),
            "version": format!("{:?}", req.version()),
            "headers": headers,
        });
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        Some((self.dir.join(format!("request-{:06}.json", n + 1)), text))
    }
}
