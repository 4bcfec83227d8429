//! `ndi-tool serve` and `ndi-tool upload` as processes, over loopback: curl (PUT, multipart
//! POST, chunked, Expect: 100-continue), our upload client, a two-level beacon hierarchy,
//! SIGKILL under load and restart, SIGTERM drain, a full file system, mutual TLS and
//! `--allow`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{bin, s, text};

/// A running `ndi-tool serve`; killed when dropped.
struct Serve {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    fn start(incoming: &Path, extra: &[&str]) -> Serve {
        Serve::start_with_stdout(incoming, extra, Stdio::null())
    }

    fn start_with_stdout(incoming: &Path, extra: &[&str], stdout: Stdio) -> Serve {
        let mut child = bin()
            .args([
                "serve",
                "--incoming",
                s(incoming),
                "--listen",
                "127.0.0.1:0",
            ])
            .args(extra)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let keep = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let hostport = rest.split("://").nth(1).unwrap().split('/').next().unwrap();
                    let _ = tx.send(hostport.parse::<SocketAddr>().unwrap());
                }
                keep.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("serve did not start: {:?}", lines.lock().unwrap()));
        Serve {
            child,
            addr,
            stderr: lines,
        }
    }

    fn url(&self, name: &str) -> String {
        format!("http://{}/ManageSoftRL/{name}", self.addr)
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    /// Waits for the process to end by itself.
    fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        let t = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(t.elapsed() < limit, "serve did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl (apt-get install curl)");
    let t = text(&out.stdout);
    let (body, code) = t.rsplit_once('\n').unwrap_or(("", &t));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

fn body(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// Visible and hidden files under a folder, relative, sorted.
fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(root, &e.path(), out);
            } else {
                out.push(
                    e.path()
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    walk(root, root, &mut out);
    out.sort();
    out
}

/// One PUT over a plain socket; the status, or None when the connection broke.
fn put_raw(addr: SocketAddr, name: &str, data: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let head = format!(
        "PUT /ManageSoftRL/{name} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        data.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(data).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    resp.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn curl_variants_store_byte_identical_files() {
    let t = tempfile::tempdir().unwrap();
    let incoming = t.path().join("in");
    let log = std::fs::File::create(t.path().join("access.jsonl")).unwrap();
    let mut srv = Serve::start_with_stdout(&incoming, &["--log-format", "json"], Stdio::from(log));
    let files: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| {
            (
                format!("SYSTEM on PC{i}.ndi.gz"),
                body(60_000 + i * 7000, i as u32),
            )
        })
        .collect();
    for (name, data) in &files {
        std::fs::write(t.path().join(name), data).unwrap();
    }
    let p = |i: usize| t.path().join(&files[i].0).to_string_lossy().into_owned();
    let enc = |i: usize| files[i].0.replace(' ', "%20");
    // -T (PUT)
    assert_eq!(curl(&["-T", &p(0), &srv.url(&enc(0))]).0, 201);
    // -F (multipart POST to the base)
    assert_eq!(
        curl(&["-F", &format!("file=@{}", p(1)), &srv.url("")]).0,
        201
    );
    // chunked PUT
    assert_eq!(
        curl(&[
            "-T",
            &p(2),
            "-H",
            "Transfer-Encoding: chunked",
            &srv.url(&enc(2))
        ])
        .0,
        201
    );
    // Expect: 100-continue
    let (code, _) = curl(&["-T", &p(3), "-H", "Expect: 100-continue", &srv.url(&enc(3))]);
    assert_eq!(code, 201);
    // --data-binary POST
    assert_eq!(
        curl(&["--data-binary", &format!("@{}", p(4)), &srv.url(&enc(4))]).0,
        201
    );
    // again: 200, nothing new
    assert_eq!(curl(&["-T", &p(0), &srv.url(&enc(0))]).0, 200);
    // probes
    assert_eq!(curl(&[&srv.url("")]).0, 200);
    assert_eq!(curl(&["-I", &srv.url("")]).0, 200);
    assert_eq!(
        curl(&[&format!("http://{}/healthz", srv.addr)]),
        (200, "ok\n".into())
    );
    // hostile names
    for name in ["..%2F..%2Fetc%2Fpasswd", "a%5Cb.ndi", "x%00.ndi", "AUX.ndi"] {
        assert_eq!(curl(&["-T", &p(0), &srv.url(name)]).0, 400, "{name}");
    }
    assert_eq!(
        curl(&[
            "--path-as-is",
            "-T",
            &p(0),
            &format!("http://{}/ManageSoftRL/../x.ndi", srv.addr)
        ])
        .0,
        400
    );
    for (name, data) in &files {
        assert_eq!(
            &std::fs::read(incoming.join("Inventories").join(name)).unwrap(),
            data,
            "{name}"
        );
    }
    assert_eq!(tree(&incoming).len(), 5);
    srv.signal("-TERM");
    assert!(srv.wait(Duration::from_secs(10)).success());
    let lines = std::fs::read_to_string(t.path().join("access.jsonl")).unwrap();
    let recs: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 14);
    assert_eq!(recs[0]["status"], 201);
    assert_eq!(recs[0]["stored"], "Inventories/SYSTEM on PC0.ndi.gz");
    assert_eq!(recs[1]["method"], "POST");
}

#[test]
fn upload_command_sends_and_deletes() {
    let t = tempfile::tempdir().unwrap();
    let srv = Serve::start(&t.path().join("in"), &[]);
    let out = t.path().join("outbox");
    std::fs::create_dir_all(&out).unwrap();
    for i in 0..6 {
        std::fs::write(out.join(format!("u{i}.mmi.gz")), body(3000, i)).unwrap();
    }
    let o = bin()
        .args(["upload", s(&out), "--to", &srv.url(""), "--delete", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(tree(&out).is_empty());
    for i in 0..6 {
        assert_eq!(
            std::fs::read(t.path().join(format!("in/UsageData/u{i}.mmi.gz"))).unwrap(),
            body(3000, i)
        );
    }
    // Usage errors and a refused file.
    let o = bin()
        .args(["upload", s(&out), "--to", &srv.url(""), "--watch"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(out.join("nul.ndi"), b"x").unwrap();
    let o = bin()
        .args(["upload", s(&out), "--to", &srv.url(""), "--delete"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(out.join("nul.ndi").exists());
}

#[test]
fn beacon_hierarchy_forwards_each_file_once() {
    let t = tempfile::tempdir().unwrap();
    let child_in = t.path().join("child");
    let parent_in = t.path().join("parent");
    let child = Serve::start(&child_in, &[]);
    let parent = Serve::start(&parent_in, &[]);
    let mut forwarder = bin()
        .args([
            "upload",
            s(&child_in),
            "--to",
            &parent.url(""),
            "--watch",
            "--interval",
            "1",
            "--delete",
            "-q",
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut sent = Vec::new();
    for i in 0..40u32 {
        let name = match i % 4 {
            0 => format!("SYSTEM on PC{i}.ndi.gz"),
            1 => format!("user{i} on PC{i}.mmi.gz"),
            2 => format!("scan{i}.disco"),
            _ => format!("v{i}.vdi"),
        };
        let data = body(1000 + (i as usize) * 997, i);
        assert_eq!(
            put_raw(child.addr, &name.replace(' ', "%20"), &data),
            Some(201)
        );
        sent.push((name, data));
    }
    let t0 = Instant::now();
    while tree(&parent_in).len() < sent.len() || !tree(&child_in).is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "parent {:?} child {:?}",
            tree(&parent_in),
            tree(&child_in)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = forwarder.kill();
    let _ = forwarder.wait();
    assert_eq!(tree(&parent_in).len(), sent.len());
    for (name, data) in &sent {
        let folder = match name.rsplit('.').next().unwrap() {
            "gz" if name.contains(".ndi") => "Inventories",
            "gz" => "UsageData",
            "disco" => "Discovery",
            _ => "VDIaccess",
        };
        assert_eq!(
            &std::fs::read(parent_in.join(folder).join(name)).unwrap(),
            data,
            "{name}"
        );
    }
}

#[test]
fn sigkill_under_load_keeps_every_acknowledged_upload_whole() {
    let t = tempfile::tempdir().unwrap();
    let incoming = t.path().join("in");
    let srv = Serve::start(&incoming, &["--buffer", "16384"]);
    let addr = srv.addr;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..8u32)
        .map(|w| {
            let acked = Arc::clone(&acked);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let name = format!("w{w}-{i}.ndi.gz");
                    let data = body(20_000 + (i % 7) * 30_000, w * 100_000 + i as u32);
                    match put_raw(addr, &name, &data) {
                        Some(201) => acked.lock().unwrap().push(name),
                        Some(_) => {}
                        None => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let mut srv = srv;
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "only {} uploads before the kill",
        acked.len()
    );
    // Every acknowledged upload is there and whole; every visible file is whole.
    let visible: Vec<String> = tree(&incoming)
        .into_iter()
        .filter(|p| !p.contains("/."))
        .collect();
    for name in &acked {
        assert!(
            visible.contains(&format!("Inventories/{name}")),
            "{name} lost"
        );
    }
    for p in &visible {
        let name = p.trim_start_matches("Inventories/");
        let (w, i) = name
            .trim_end_matches(".ndi.gz")
            .trim_start_matches('w')
            .split_once('-')
            .unwrap();
        let (w, i): (u32, usize) = (w.parse().unwrap(), i.parse().unwrap());
        let data = body(20_000 + (i % 7) * 30_000, w * 100_000 + i as u32);
        assert_eq!(
            std::fs::read(incoming.join(p)).unwrap(),
            data,
            "{p} is not whole"
        );
    }
    // A restart removes the temporary files the kill left.
    let srv = Serve::start(&incoming, &[]);
    assert!(
        tree(&incoming).iter().all(|p| !p.contains("/.")),
        "{:?}",
        tree(&incoming)
    );
    assert_eq!(put_raw(srv.addr, "after.ndi", b"<Inventory/>"), Some(201));
}

#[test]
fn sigterm_lets_an_upload_in_flight_finish() {
    let t = tempfile::tempdir().unwrap();
    let incoming = t.path().join("in");
    let mut srv = Serve::start(&incoming, &["--drain-timeout", "10"]);
    let data = body(100_000, 77);
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        format!(
            "PUT /ManageSoftRL/drain.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            data.len()
        )
        .as_bytes(),
    )
    .unwrap();
    s.write_all(&data[..50_000]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    srv.signal("-TERM");
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(&data[50_000..]).unwrap();
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    assert!(resp.starts_with("HTTP/1.1 201"), "{resp}");
    assert!(srv.wait(Duration::from_secs(10)).success());
    assert_eq!(
        std::fs::read(incoming.join("Inventories/drain.ndi")).unwrap(),
        data
    );
    assert!(
        srv.stderr
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("stopped"))
    );
}

/// Mounts a 1 MiB tmpfs when running as root where `mount` works; None otherwise.
fn small_tmpfs(at: &Path) -> Option<()> {
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs", s(at)])
        .stderr(Stdio::null())
        .status()
        .ok()?
        .success();
    ok.then_some(())
}

#[test]
fn a_full_disk_gives_503_and_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    let mnt = t.path().join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = small_tmpfs(&mnt).is_some();
    let incoming: PathBuf = mnt.join("in");
    let extra: Vec<&str> = if mounted {
        vec![]
    } else {
        vec!["--inject-write-error-after", "1000000"]
    };
    let result = std::panic::catch_unwind(|| {
        let srv = Serve::start(&incoming, &extra);
        let big = body(1_500_000, 3);
        std::fs::write(t.path().join("big.ndi"), &big).unwrap();
        let (code, head) = curl(&[
            "-sS",
            "-D",
            "-",
            "-T",
            s(&t.path().join("big.ndi")),
            &srv.url("big.ndi"),
        ]);
        assert_eq!(code, 503);
        assert!(
            head.to_ascii_lowercase().contains("retry-after: 60"),
            "{head}"
        );
        assert!(tree(&incoming).is_empty(), "{:?}", tree(&incoming));
        // A small upload still fits.
        assert_eq!(put_raw(srv.addr, "small.ndi", b"<Inventory/>"), Some(201));
        assert_eq!(tree(&incoming), vec!["Inventories/small.ndi"]);
    });
    if mounted {
        let _ = Command::new("umount").arg(&mnt).status();
    }
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
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

fn vm_rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn hostile_clients_are_refused_quickly_with_bounded_memory() {
    let t = tempfile::tempdir().unwrap();
    let incoming = t.path().join("in");
    let srv = Serve::start(
        &incoming,
        &["--header-timeout", "2", "--stall-timeout", "2"],
    );
    let addr = srv.addr;
    // Thousands of idle connections, slow-loris heads and stalled bodies held open.
    let mut held = Vec::new();
    let t0 = Instant::now();
    // Thousands, within the file limit the server inherits.
    let count = 2000.min(open_files_limit().saturating_sub(300));
    for i in 0..count {
        let mut s = TcpStream::connect(addr).unwrap();
        if i % 10 == 0 {
            s.write_all(b"PUT /ManageSoftRL/loris.ndi HTTP/1.1\r\nHost: x\r\nX-A: ")
                .unwrap();
        } else if i % 10 == 1 {
            s.write_all(b"PUT /ManageSoftRL/stall.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc").unwrap();
        }
        held.push(s);
    }
    // A backlog long enough for the burst: no SYN retransmits (a second each).
    assert!(
        t0.elapsed() < Duration::from_secs(8),
        "connecting took {:?}",
        t0.elapsed()
    );
    let started = Instant::now();
    // A claimed 10 GB body: 413 at once.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(
        b"PUT /ManageSoftRL/big.ndi HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\n\r\n",
    )
    .unwrap();
    let mut resp = [0u8; 12];
    s.read_exact(&mut resp).unwrap();
    assert_eq!(&resp, b"HTTP/1.1 413");
    // 64 KiB of headers: 431.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = b"PUT /ManageSoftRL/h.ndi HTTP/1.1\r\nHost: x\r\n".to_vec();
    while head.len() < 64 * 1024 {
        head.extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    let _ = s.write_all(&head);
    let mut resp = [0u8; 12];
    s.read_exact(&mut resp).unwrap();
    assert_eq!(&resp, b"HTTP/1.1 431");
    // Traversal: 400. Others are still served, quickly.
    assert_eq!(put_raw(addr, "..%2F..%2Fetc%2Fpasswd", b"x"), Some(400));
    let data = body(80_000, 1);
    assert_eq!(put_raw(addr, "fine.ndi.gz", &data), Some(201));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let rss_mb = vm_rss_kib(srv.child.id()) / 1024;
    assert!(
        rss_mb < 100,
        "server RSS {rss_mb} MB with {count} hostile connections"
    );
    // The stalled bodies and slow heads are cut off by the timeouts; nothing partial stays.
    std::thread::sleep(Duration::from_millis(3000));
    assert_eq!(tree(&incoming), vec!["Inventories/fine.ndi.gz"]);
    let mut closed = 0;
    for s in held.iter_mut().take(100) {
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut b = [0u8; 256];
        if s.read(&mut b).is_ok() {
            closed += 1;
        }
    }
    assert_eq!(closed, 100, "connections still held after the timeouts");
}

/// Runs one `openssl` command line (words without spaces) in `dir`.
fn openssl(dir: &Path, line: &str) {
    let out = Command::new("openssl")
        .args(line.split_whitespace())
        .current_dir(dir)
        .output()
        .expect("the openssl command (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {line}: {}",
        text(&out.stderr)
    );
}

/// Two CAs (`ca`, `rogue`), a server certificate for 127.0.0.1 and a client certificate
/// from `ca`, and a client certificate from `rogue`: `<name>.pem` and `<name>.key` each.
fn mutual_tls_files(dir: &Path) {
    let key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    for ca in ["ca", "rogue"] {
        openssl(
            dir,
            &format!("req -x509 {key} -keyout {ca}.key -out {ca}.pem -subj /CN={ca} -days 2"),
        );
    }
    for (leaf, ca, ext) in [
        (
            "server",
            "ca",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "ca", "extendedKeyUsage=clientAuth\n"),
        ("intruder", "rogue", "extendedKeyUsage=clientAuth\n"),
    ] {
        std::fs::write(
            dir.join(format!("{leaf}.ext")),
            format!("basicConstraints=critical,CA:FALSE\n{ext}"),
        )
        .unwrap();
        openssl(
            dir,
            &format!("req {key} -keyout {leaf}.key -out {leaf}.csr -subj /CN={leaf}"),
        );
        openssl(
            dir,
            &format!(
                "x509 -req -in {leaf}.csr -CA {ca}.pem -CAkey {ca}.key -CAcreateserial -out {leaf}.pem -days 2 -extfile {leaf}.ext"
            ),
        );
    }
}

#[test]
fn mutual_tls_admits_only_clients_with_a_certificate_of_the_ca() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    std::fs::create_dir(&pki).unwrap();
    mutual_tls_files(&pki);
    let f = |name: &str| pki.join(name).to_string_lossy().into_owned();
    let incoming = t.path().join("in");
    let srv = Serve::start(
        &incoming,
        &[
            "--tls-cert",
            &f("server.pem"),
            "--tls-key",
            &f("server.key"),
            "--client-ca",
            &f("ca.pem"),
        ],
    );
    let base = format!("https://{}/ManageSoftRL", srv.addr);
    let data = body(70_000, 5);
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let file = src.join("SYSTEM on mtls.ndi.gz");
    std::fs::write(&file, &data).unwrap();
    let put = |name: &str, identity: Option<&str>| {
        let url = format!("{base}/{name}");
        let mut args = vec!["--cacert".to_owned(), f("ca.pem"), "-T".to_owned()];
        args.push(s(&file).to_owned());
        if let Some(who) = identity {
            args.extend([
                "--cert".into(),
                f(&format!("{who}.pem")),
                "--key".into(),
                f(&format!("{who}.key")),
            ]);
        }
        args.push(url);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        curl(&args).0
    };
    // No client certificate, or one of another CA: the handshake fails, nothing is stored.
    assert_eq!(put("none.ndi.gz", None), 0);
    assert_eq!(put("rogue.ndi.gz", Some("intruder")), 0);
    assert!(tree(&incoming).is_empty(), "{:?}", tree(&incoming));
    // A certificate of the CA: stored byte-identical.
    assert_eq!(put("curl.ndi.gz", Some("client")), 201);
    assert_eq!(
        std::fs::read(incoming.join("Inventories/curl.ndi.gz")).unwrap(),
        data
    );
    // Our upload client: refused without its certificate (the file is kept), accepted
    // with it (the file is deleted after the 201).
    let upload = |identity: bool| {
        let mut cmd = bin();
        cmd.args(["upload", s(&file), "--to", &base, "--ca-cert", &f("ca.pem")])
            .args(["--delete", "--retries", "0", "-q"]);
        if identity {
            cmd.args([
                "--client-cert",
                &f("client.pem"),
                "--client-key",
                &f("client.key"),
            ]);
        }
        cmd.output().unwrap()
    };
    let refused = upload(false);
    assert!(!refused.status.success(), "{}", text(&refused.stderr));
    assert!(file.exists());
    let sent = upload(true);
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    assert!(!file.exists());
    assert_eq!(
        std::fs::read(incoming.join("Inventories/SYSTEM on mtls.ndi.gz")).unwrap(),
        data
    );
    assert_eq!(tree(&incoming).len(), 2, "{:?}", tree(&incoming));
}

#[test]
fn allow_closes_connections_from_networks_not_listed() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("a.ndi.gz");
    let data = body(20_000, 6);
    std::fs::write(&file, &data).unwrap();
    let elsewhere = t.path().join("elsewhere");
    let srv = Serve::start(&elsewhere, &["--allow", "10.99.0.0/16"]);
    let started = Instant::now();
    assert_eq!(curl(&["-T", s(&file), &srv.url("a.ndi.gz")]).0, 0);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!elsewhere.join("Inventories").join("a.ndi.gz").exists());
    drop(srv);
    let here = t.path().join("here");
    let srv = Serve::start(&here, &["--allow", "10.99.0.0/16", "--allow", "127.0.0.1"]);
    assert_eq!(curl(&["-T", s(&file), &srv.url("a.ndi.gz")]).0, 201);
    assert_eq!(
        std::fs::read(here.join("Inventories/a.ndi.gz")).unwrap(),
        data
    );
}
