//! The receiver and the client over loopback, with real sockets: raw HTTP/1.1 where the
//! test needs control over every byte (100-continue, chunked, stalls, disconnects, hostile
//! heads), reqwest (the client `upload` uses) elsewhere.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ndi_serve::client::{After, UploadEvent, UploadOptions, Uploader};
use ndi_serve::log::{AccessRecord, Log};
use ndi_serve::{Config, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Collects access records and events.
#[derive(Default)]
struct Recorder {
    access: Mutex<Vec<AccessRecord>>,
    events: Mutex<Vec<String>>,
}

impl Log for Recorder {
    fn access(&self, r: &AccessRecord) {
        self.access.lock().unwrap().push(r.clone());
    }
    fn event(&self, m: &str) {
        self.events.lock().unwrap().push(m.to_owned());
    }
}

struct Fixture {
    server: Server,
    dir: tempfile::TempDir,
    log: Arc<Recorder>,
}

impl Fixture {
    async fn new(tweak: impl FnOnce(&mut Config)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        Fixture::in_dir(dir, tweak).await
    }

    async fn in_dir(dir: tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> Fixture {
        let mut config = Config::new(dir.path().join("in"));
        config.stall_timeout = Duration::from_secs(5);
        config.header_timeout = Duration::from_secs(5);
        tweak(&mut config);
        let listener = ndi_serve::server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let log = Arc::new(Recorder::default());
        let server = Server::start(listener, config, log.clone()).unwrap();
        Fixture { server, dir, log }
    }

    fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    fn url(&self, name: &str) -> String {
        format!("http://{}/ManageSoftRL/{name}", self.addr())
    }

    /// `PUT` of `body` under `name`, with client `c`.
    async fn put(
        &self,
        c: &reqwest::Client,
        name: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        c.put(self.url(name)).body(body).send().await.unwrap()
    }

    /// `POST` of a `multipart/form-data` body (boundary `XyZ`), with client `c`.
    async fn post_multipart(
        &self,
        c: &reqwest::Client,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        c.post(self.url(""))
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    fn incoming(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    /// Every file under the incoming folder, hidden ones included, as `Folder/name`.
    fn files(&self) -> Vec<String> {
        all_files(&self.incoming())
    }
}

fn all_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(root).unwrap() {
        let d = d.unwrap();
        if d.file_type().unwrap().is_dir() {
            for f in std::fs::read_dir(d.path()).unwrap() {
                let f = f.unwrap();
                out.push(format!(
                    "{}/{}",
                    d.file_name().to_string_lossy(),
                    f.file_name().to_string_lossy()
                ));
            }
        }
    }
    out.sort();
    out
}

/// Sends `bytes` and reads until the server closes or `wait` passes; returns the text.
async fn raw(addr: SocketAddr, bytes: &[u8], wait: Duration) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    read_for(&mut s, wait).await
}

async fn read_for(s: &mut TcpStream, wait: Duration) -> String {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The soft limit of open files of this process (and of the servers it starts).
fn open_files_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(1024)
}

/// A connection that sent the head of a PUT of `name` with `Content-Length: length`, then
/// only `sent` bytes of the body.
async fn partial_put(addr: SocketAddr, name: &str, length: usize, sent: usize) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head =
        format!("PUT /ManageSoftRL/{name} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&vec![b'z'; sent]).await.unwrap();
    s
}

fn status(resp: &str) -> u16 {
    resp.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn body(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn wait_idle(f: &Fixture) {
    let t = Instant::now();
    while f.server.metrics().in_flight() > 0 && t.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(f.server.metrics().in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_routes_by_name_and_never_overwrites() {
    let f = Fixture::new(|_| {}).await;
    let c = reqwest::Client::new();
    let inv = body(200_000, 1);
    let cases = [
        (
            "SYSTEM%20on%20PC1.ndi.gz",
            "Inventories/SYSTEM on PC1.ndi.gz",
        ),
        ("u.MMI", "UsageData/u.MMI"),
        ("d.disco.gz", "Discovery/d.disco.gz"),
        ("v.vdi", "VDIaccess/v.vdi"),
        ("Jos%C3%A9%20policy.npl", "Other/José policy.npl"),
    ];
    for (seg, stored) in cases {
        let r = f.put(&c, seg, inv.clone()).await;
        assert_eq!(r.status(), 201, "{seg}");
        assert_eq!(r.text().await.unwrap(), format!("{stored}\n"));
        assert_eq!(std::fs::read(f.incoming().join(stored)).unwrap(), inv);
    }
    // The same bytes again: 200, no new file.
    let r = f.put(&c, "v.vdi", inv.clone()).await;
    assert_eq!(r.status(), 200);
    // Different bytes under a taken name: stored beside it, the first file untouched.
    let other = body(1000, 2);
    let r = f.put(&c, "v.vdi", other.clone()).await;
    assert_eq!(r.status(), 201);
    let hex = &blake3::hash(&other).to_hex()[..8];
    let renamed = format!("VDIaccess/v.vdi~{hex}");
    assert_eq!(r.text().await.unwrap(), format!("{renamed}\n"));
    assert_eq!(std::fs::read(f.incoming().join(&renamed)).unwrap(), other);
    assert_eq!(
        std::fs::read(f.incoming().join("VDIaccess/v.vdi")).unwrap(),
        inv
    );
    // POST of a raw body under a sub-path: the last segment is the name.
    let r = c
        .post(format!("http://{}/ManageSoftRL/sub/dir/p.ndi", f.addr()))
        .body("posted")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(
        std::fs::read(f.incoming().join("Inventories/p.ndi")).unwrap(),
        b"posted"
    );
    assert_eq!(f.files().len(), 7);
    let access = f.log.access.lock().unwrap();
    assert_eq!(access.len(), 8);
    assert!(
        access
            .iter()
            .all(|a| a.method == "PUT" || a.method == "POST")
    );
    assert_eq!(
        access[0].stored.as_deref(),
        Some("Inventories/SYSTEM on PC1.ndi.gz")
    );
    assert_eq!(access[0].bytes, 200_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_takes_the_first_file_part() {
    let f = Fixture::new(|_| {}).await;
    let data = body(70_000, 3);
    let mut mp = Vec::new();
    mp.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n",
    );
    mp.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"SYSTEM on PC2.ndi.gz\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    mp.extend_from_slice(&data);
    mp.extend_from_slice(b"\r\n--XyZ--\r\n");
    let c = reqwest::Client::new();
    let r = f.post_multipart(&c, mp.clone()).await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        std::fs::read(f.incoming().join("Inventories/SYSTEM on PC2.ndi.gz")).unwrap(),
        data
    );
    // A hostile filename in the part is refused like a path.
    let bad = String::from_utf8_lossy(&mp).replace("SYSTEM on PC2.ndi.gz", "..\\..\\x.ndi");
    let r = f.post_multipart(&c, bad.into_bytes()).await;
    assert_eq!(r.status(), 400);
    // No file part at all.
    let r = f
        .post_multipart(
            &c,
            "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--XyZ--\r\n",
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(f.files(), vec!["Inventories/SYSTEM on PC2.ndi.gz"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_continue_and_chunked_bodies() {
    let f = Fixture::new(|c| c.buffer_bytes = 4096).await;
    let data = body(50_000, 4);
    let mut s = TcpStream::connect(f.addr()).await.unwrap();
    let head = format!(
        "PUT /ManageSoftRL/e.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        data.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 100 Continue"));
    s.write_all(&data).await.unwrap();
    let resp = read_for(&mut s, Duration::from_millis(500)).await;
    assert_eq!(status(&resp), 201, "{resp}");
    assert_eq!(
        std::fs::read(f.incoming().join("Inventories/e.ndi")).unwrap(),
        data
    );

    // Chunked, in uneven chunks that cross the 4 KiB buffer.
    let mut req = b"PUT /ManageSoftRL/c.mmi.gz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for part in data.chunks(3001) {
        req.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        req.extend_from_slice(part);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let resp = raw(f.addr(), &req, Duration::from_secs(5)).await;
    assert_eq!(status(&resp), 201, "{resp}");
    assert_eq!(
        std::fs::read(f.incoming().join("UsageData/c.mmi.gz")).unwrap(),
        data
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn size_limit_before_and_during_the_body() {
    let f = Fixture::new(|c| c.max_body = 10_000).await;
    // A claimed 10 GB body with Expect: refused at once, no 100 Continue.
    let t = Instant::now();
    let resp = raw(
        f.addr(),
        b"PUT /ManageSoftRL/big.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\nExpect: 100-continue\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert!(resp.starts_with("HTTP/1.1 413"), "{resp}");
    assert!(t.elapsed() < Duration::from_secs(2));
    // A chunked body refused when it passes the limit.
    let mut req =
        b"PUT /ManageSoftRL/chunky.ndi HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for _ in 0..20 {
        req.extend_from_slice(b"3e8\r\n");
        req.extend_from_slice(&[b'a'; 1000]);
        req.extend_from_slice(b"\r\n");
    }
    let resp = raw(f.addr(), &req, Duration::from_secs(5)).await;
    assert_eq!(status(&resp), 413, "{resp}");
    // Exactly at the limit is fine.
    let c = reqwest::Client::new();
    let r = f.put(&c, "ok.ndi", vec![b'x'; 10_000]).await;
    assert_eq!(r.status(), 201);
    wait_idle(&f).await;
    assert_eq!(f.files(), vec!["Inventories/ok.ndi"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_vanishing_clients_leave_nothing() {
    let f = Fixture::new(|c| {
        c.stall_timeout = Duration::from_millis(400);
        c.buffer_bytes = 4096;
    })
    .await;
    // Stalled mid-body: 408.
    let mut s = partial_put(f.addr(), "slow.ndi", 100_000, 20_000).await;
    let resp = read_for(&mut s, Duration::from_secs(3)).await;
    assert_eq!(status(&resp), 408, "{resp}");
    // Disconnected mid-body (after more than a buffer was written to the temporary file).
    let s = partial_put(f.addr(), "cut.ndi", 1_000_000, 50_000).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(s);
    wait_idle(&f).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(f.files().is_empty(), "{:?}", f.files());
    let statuses: Vec<u16> = f
        .log
        .access
        .lock()
        .unwrap()
        .iter()
        .map(|a| a.status)
        .collect();
    assert_eq!(statuses, vec![408, 400]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_are_refused() {
    let f = Fixture::new(|_| {}).await;
    let c = reqwest::Client::new();
    for seg in [
        "..%2F..%2Fetc%2Fpasswd",
        "..%5C..%5Cwindows%5Cwin.ini",
        "a%00b.ndi",
        "a%0D%0Ab.ndi",
        "NUL.ndi",
        "com1",
        ".hidden.ndi",
        "",
        &"a".repeat(256),
        "%FF%FE.ndi",
    ] {
        let r = f.put(&c, seg, "x").await;
        assert_eq!(r.status(), 400, "{seg}");
    }
    // Dot segments, raw and encoded, sent as they are (a URL parser would resolve them).
    for target in [
        "/ManageSoftRL/../../etc/passwd",
        "/ManageSoftRL/%2E%2E",
        "/ManageSoftRL/./x.ndi",
    ] {
        let req = format!(
            "PUT {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"
        );
        let resp = raw(f.addr(), req.as_bytes(), Duration::from_secs(5)).await;
        assert_eq!(status(&resp), 400, "{target}: {resp}");
    }
    assert!(f.files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_heads_and_idle_connections_are_bounded() {
    let f = Fixture::new(|c| {
        c.header_timeout = Duration::from_millis(800);
    })
    .await;
    // 64 KiB of headers: 431.
    let mut req = b"PUT /ManageSoftRL/h.ndi HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..1024 {
        req.extend_from_slice(format!("X-Pad-{i}: {}\r\n", "p".repeat(54)).as_bytes());
    }
    req.extend_from_slice(b"Content-Length: 1\r\n\r\nx");
    let resp = raw(f.addr(), &req, Duration::from_secs(5)).await;
    assert_eq!(status(&resp), 431, "{resp}");

    // Many idle connections and a slow-loris head: others are still served at once.
    // Thousands, within the file limit (client and server ends are both in this process).
    let count = 2000.min(open_files_limit().saturating_sub(300) / 2);
    let mut idle = Vec::new();
    for _ in 0..count {
        idle.push(TcpStream::connect(f.addr()).await.unwrap());
    }
    let mut loris = TcpStream::connect(f.addr()).await.unwrap();
    loris
        .write_all(b"PUT /ManageSoftRL/l.ndi HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let t = Instant::now();
    let r = f.put(&reqwest::Client::new(), "served.ndi", "ok").await;
    assert_eq!(r.status(), 201);
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    // The slow-loris keeps dribbling headers; it is closed at the head timeout anyway.
    let dribble = async {
        for i in 0..40 {
            if loris
                .write_all(format!("X-{i}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        read_for(&mut loris, Duration::from_millis(200)).await
    };
    let t = Instant::now();
    let _ = dribble.await;
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    // The idle connections are closed by the server after the head timeout.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut closed = 0;
    for s in idle.iter_mut() {
        let mut b = [0u8; 1];
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(50), s.read(&mut b)).await {
            closed += 1;
        }
        if closed > 50 {
            break;
        }
    }
    assert!(closed > 50, "idle connections still open");
    assert_eq!(f.files(), vec!["Inventories/served.ndi"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_errors_give_503_and_leave_nothing() {
    let f = Fixture::new(|c| {
        c.faults.fail_writes_after = Some(100_000);
        c.buffer_bytes = 16_384;
        c.retry_after_secs = 7;
    })
    .await;
    let c = reqwest::Client::new();
    for n in [150_000, 100_001] {
        let r = f.put(&c, "full.ndi", body(n, 5)).await;
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "7");
    }
    let r = f.put(&c, "small.ndi", body(100_000, 5)).await;
    assert_eq!(r.status(), 201);
    assert_eq!(f.files(), vec!["Inventories/small.ndi"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_metrics_auth_and_check() {
    let f = Fixture::new(|c| {
        c.basic_auth = Some(ndi_serve::access::BasicAuth::new(
            ["agent:pw"],
            "ManageSoftRL",
        ));
        c.check_content = true;
        c.base_path = "Reports".into();
    })
    .await;
    let c = reqwest::Client::new();
    let base = format!("http://{}/Reports", f.addr());
    let r = c.get(&base).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic realm=")
    );
    let authorized = |method: reqwest::Method, url: &str| {
        c.request(method, url)
            .basic_auth("agent", Some("pw"))
            .send()
    };
    let r = authorized(reqwest::Method::GET, &base).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = authorized(reqwest::Method::HEAD, &base).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = authorized(reqwest::Method::OPTIONS, &base).await.unwrap();
    assert_eq!(r.headers()["allow"], "GET, HEAD, PUT, POST, OPTIONS");
    let r = authorized(reqwest::Method::DELETE, &format!("{base}/x"))
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(
        c.get(format!("http://{}/ManageSoftRL/", f.addr()))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The status of a PUT of `b` as `name` with password `pw`.
    let put = |name: &str, b: Vec<u8>, pw: &str| {
        let sent = c
            .put(format!("{base}/{name}"))
            .basic_auth("agent", Some(pw))
            .body(b)
            .send();
        async move { sent.await.unwrap().status() }
    };
    assert_eq!(put("a.ndi", b"<Inventory/>".to_vec(), "bad").await, 401);
    assert_eq!(put("a.ndi", b"<html></html>".to_vec(), "pw").await, 422);
    assert_eq!(put("a.ndi", b"".to_vec(), "pw").await, 422);
    assert_eq!(
        put("a.ndi", b"\x1f\x8b\x08\x00rest".to_vec(), "pw").await,
        201
    );
    let xml =
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!DOCTYPE Inventory>\r\n<USAGE/>".to_vec();
    assert_eq!(put("b.mmi", xml, "pw").await, 201);
    assert_eq!(
        c.get(format!("http://{}/healthz", f.addr()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok\n"
    );
    let m = c
        .get(format!("http://{}/metrics", f.addr()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.contains("ndi_serve_uploads_total{status=\"201\"} 2\n"),
        "{m}"
    );
    assert!(
        m.contains("ndi_serve_uploads_total{status=\"422\"} 2\n"),
        "{m}"
    );
    assert!(
        m.contains("ndi_serve_uploads_total{status=\"401\"} 1\n"),
        "{m}"
    );
    assert!(
        m.contains("ndi_serve_upload_duration_seconds_count 5\n"),
        "{m}"
    );
    assert_eq!(f.files(), vec!["Inventories/a.ndi", "UsageData/b.mmi"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_records_heads_without_bodies_or_credentials() {
    let cap = tempfile::tempdir().unwrap();
    let cap_dir = cap.path().to_path_buf();
    let f = Fixture::new(|c| c.capture = Some((cap_dir.clone(), 2))).await;
    let c = reqwest::Client::new();
    for i in 0..3 {
        let r = c
            .put(f.url(&format!("{i}.ndi")))
            .basic_auth("agent", Some("topsecret"))
            .header("x-agent", "ndtrack")
            .body("BODYBYTES")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut names: Vec<_> = std::fs::read_dir(&cap_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["request-000001.json", "request-000002.json"]);
    let text = std::fs::read_to_string(cap_dir.join("request-000001.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["method"], "PUT");
    assert_eq!(v["target"], "/ManageSoftRL/0.ndi");
    assert!(text.contains("ndtrack"));
    assert!(text.contains("Basic <redacted>"));
    assert!(!text.contains("topsecret") && !text.contains("BODYBYTES"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_in_flight_uploads_and_cuts_stalled_ones() {
    let f = Fixture::new(|_| {}).await;
    let addr = f.addr();
    // An upload in flight: half its body, then the rest after shutdown began.
    let data = body(40_000, 6);
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!(
            "PUT /ManageSoftRL/late.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            data.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    s.write_all(&data[..20_000]).await.unwrap();
    // A second one that never finishes.
    let mut stuck = TcpStream::connect(addr).await.unwrap();
    stuck
        .write_all(
            b"PUT /ManageSoftRL/stuck.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\nabc",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let incoming = f.incoming();
    let Fixture { server, dir, .. } = f;
    let shutdown = tokio::spawn(server.shutdown(Duration::from_millis(1500)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    // New connections are refused once shutdown began.
    assert!(TcpStream::connect(addr).await.is_err());
    s.write_all(&data[20_000..]).await.unwrap();
    let resp = read_for(&mut s, Duration::from_secs(3)).await;
    assert_eq!(status(&resp), 201, "{resp}");
    let report = tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.cut, 1);
    assert_eq!(all_files(&incoming), vec!["Inventories/late.ndi"]);
    assert_eq!(
        std::fs::read(incoming.join("Inventories/late.ndi")).unwrap(),
        data
    );
    drop(stuck);
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_removes_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("in/Inventories");
    std::fs::create_dir_all(&inv).unwrap();
    std::fs::write(inv.join(".ndi-serve-99-1-2.tmp"), b"partial").unwrap();
    std::fs::write(inv.join("whole.ndi"), b"whole").unwrap();
    let f = Fixture::in_dir(dir, |_| {}).await;
    assert_eq!(f.server.temp_files_removed(), 1);
    assert_eq!(f.files(), vec!["Inventories/whole.ndi"]);
    assert!(f.log.events.lock().unwrap()[0].contains("removed 1 temporary file"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_networks_close_other_clients() {
    let f = Fixture::new(|c| c.allow = vec!["10.0.0.0/8".parse().unwrap()]).await;
    let r = reqwest::Client::new()
        .put(f.url("x.ndi"))
        .body("x")
        .send()
        .await;
    assert!(r.is_err());
    assert!(f.files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploader_sends_retries_and_finishes_files() {
    let f = Fixture::new(|_| {}).await;
    let src = tempfile::tempdir().unwrap();
    let out = src.path().join("out");
    std::fs::create_dir_all(out.join("Inventories")).unwrap();
    let mut sent = Vec::new();
    for (i, name) in [
        "SYSTEM on PC1.ndi.gz",
        "José.mmi.gz",
        "x.disco",
        "odd #?%.ndi",
    ]
    .iter()
    .enumerate()
    {
        let b = body(10_000 + i * 5000, i as u8);
        std::fs::write(out.join("Inventories").join(name), &b).unwrap();
        sent.push((name.to_string(), b));
    }
    std::fs::write(out.join("Inventories/.ndi-serve-1.tmp"), b"temp").unwrap();
    std::fs::write(out.join("CON"), b"device").unwrap();
    let mut opts = UploadOptions::new(&format!("http://{}/ManageSoftRL", f.addr()));
    opts.after = After::MoveTo(out.join("sent"));
    let up = Uploader::new(opts).unwrap();
    let files = Uploader::collect(std::slice::from_ref(&out), Some(&out.join("sent"))).unwrap();
    assert_eq!(files.len(), 5);
    let events = Mutex::new(Vec::new());
    let report = up
        .pass(&files, &|e: &UploadEvent<'_>| {
            events.lock().unwrap().push(format!("{e:?}"))
        })
        .await;
    assert_eq!(report.uploaded, 4);
    assert_eq!(report.failed, 1, "{:?}", events.lock().unwrap());
    for (name, b) in &sent {
        let folder = ndi_serve::name::route(name).folder();
        assert_eq!(
            &std::fs::read(f.incoming().join(folder).join(name)).unwrap(),
            b
        );
        assert_eq!(&std::fs::read(out.join("sent").join(name)).unwrap(), b);
        assert!(!out.join("Inventories").join(name).exists());
    }
    assert!(out.join("CON").exists());

    // Nothing listening: retried, then kept.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let mut opts = UploadOptions::new(&format!("http://{dead_addr}/ManageSoftRL"));
    opts.after = After::Delete;
    opts.retries = 2;
    opts.backoff = Duration::from_millis(10);
    let up = Uploader::new(opts).unwrap();
    let file = src.path().join("keep.ndi");
    std::fs::write(&file, b"k").unwrap();
    let retries = Mutex::new(0);
    let report = up
        .pass(std::slice::from_ref(&file), &|e: &UploadEvent<'_>| {
            if matches!(e, UploadEvent::Retrying { .. }) {
                *retries.lock().unwrap() += 1;
            }
        })
        .await;
    assert_eq!(report.failed, 1);
    assert_eq!(*retries.lock().unwrap(), 2);
    assert!(file.exists());
}

/// A CA and a server certificate for 127.0.0.1 made with the openssl command.
fn make_certs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("the openssl command (apt-get install openssl)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=test CA",
        "-days",
        "2",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("ca.pem"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_from_pem_files() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key, ca) = make_certs(certs.path());
    let tls = ndi_serve::tls::server_config(&cert, &key, None).unwrap();
    let f = Fixture::new(|c| c.tls = Some(tls)).await;
    let base = format!("https://127.0.0.1:{}/ManageSoftRL", f.addr().port());
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("SYSTEM on TLS.ndi.gz");
    let data = body(90_000, 9);
    std::fs::write(&file, &data).unwrap();
    // Without the CA the client refuses the server; with it the upload goes through.
    let mut opts = UploadOptions::new(&base);
    opts.retries = 0;
    let report = Uploader::new(opts.clone())
        .unwrap()
        .pass(std::slice::from_ref(&file), &|_: &UploadEvent<'_>| {})
        .await;
    assert_eq!(report.failed, 1);
    opts.ca_cert = Some(ca);
    opts.after = After::Delete;
    let report = Uploader::new(opts)
        .unwrap()
        .pass(std::slice::from_ref(&file), &|_: &UploadEvent<'_>| {})
        .await;
    assert_eq!(report.uploaded, 1);
    assert!(!file.exists());
    assert_eq!(
        std::fs::read(f.incoming().join("Inventories/SYSTEM on TLS.ndi.gz")).unwrap(),
        data
    );
    // Plain HTTP to the TLS port gets no answer.
    let resp = raw(
        f.addr(),
        b"GET /ManageSoftRL HTTP/1.1\r\nHost: x\r\n\r\n",
        Duration::from_secs(2),
    )
    .await;
    assert!(!resp.starts_with("HTTP/1.1 200"));
}
