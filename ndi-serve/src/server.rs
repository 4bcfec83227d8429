//! The HTTP/1.1 receiver (hyper on tokio, optional rustls).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use ndi_serve::{Config, Server, log::NoLog};
//!
//! let listener = ndi_serve::server::bind("127.0.0.1:8080".parse()?)?;
//! let server = Server::start(listener, Config::new("incoming".into()), Arc::new(NoLog))?;
//! // ... agents upload with PUT http://127.0.0.1:8080/ManageSoftRL/<name>
//! server.shutdown(std::time::Duration::from_secs(30)).await;
//! # Ok(()) }
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::access::{BasicAuth, Network};
use crate::capture::Capture;
use crate::log::{AccessRecord, Log};
use crate::metrics::Metrics;
use crate::name::{self, NameError};
use crate::sniff::{self, SNIFF_BYTES, Sniff};
use crate::store::{Faults, Pending, Store, StoreError, Stored};

/// Default body size limit: 64 MiB.
pub const DEFAULT_MAX_BODY: u64 = 64 * 1024 * 1024;
/// Extra bytes a multipart body may have around its file part.
pub const MULTIPART_SLACK: u64 = 1024 * 1024;

/// The receiver's settings. [`Config::new`] gives the documented defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// The incoming folder.
    pub incoming: PathBuf,
    /// The base path without slashes (`ManageSoftRL`); matched case-insensitively.
    pub base_path: String,
    /// Largest body (the file part of a multipart body) in bytes.
    pub max_body: u64,
    /// How long a body may make no progress before `408`.
    pub stall_timeout: Duration,
    /// How long a client may take to send a request head, and how long an idle keep-alive
    /// connection stays open.
    pub header_timeout: Duration,
    /// Most connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Largest request head (request line and headers) in bytes (`431` above).
    pub max_header_bytes: usize,
    /// Bytes buffered per upload before they are written (the memory bound per upload).
    pub buffer_bytes: usize,
    /// Refuse (`422`) bodies that are neither gzip nor XML of a known root.
    pub check_content: bool,
    /// Required Basic credentials, if any.
    pub basic_auth: Option<BasicAuth>,
    /// Allowed client networks (empty: everyone).
    pub allow: Vec<Network>,
    /// TLS, if any.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Capture mode: folder and number of requests.
    pub capture: Option<(PathBuf, u64)>,
    /// `Retry-After` seconds of a `503`.
    pub retry_after_secs: u32,
    /// Fault injection (tests).
    pub faults: Faults,
}

impl Config {
    /// The defaults for an incoming folder: base `ManageSoftRL`, 64 MiB bodies, 30 s
    /// stall, 10 s for a request head or an idle connection, 4,096 connections, 16 KiB
    /// heads, 256 KiB buffer, no check, anonymous, all networks, plain HTTP.
    pub fn new(incoming: PathBuf) -> Config {
        Config {
            incoming,
            base_path: "ManageSoftRL".into(),
            max_body: DEFAULT_MAX_BODY,
            stall_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_header_bytes: 16 * 1024,
            buffer_bytes: 256 * 1024,
            check_content: false,
            basic_auth: None,
            allow: Vec::new(),
            tls: None,
            capture: None,
            retry_after_secs: 60,
            faults: Faults::default(),
        }
    }
}

/// Errors starting the receiver.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The incoming folder cannot be prepared.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listener's address cannot be read.
    #[error("listener: {0}")]
    Listener(std::io::Error),
    /// The capture folder cannot be created.
    #[error("capture folder: {0}")]
    Capture(std::io::Error),
    /// A setting is out of range.
    #[error("invalid setting: {0}")]
    Setting(&'static str),
    /// [`Server::start`] was called outside a tokio runtime.
    #[error("no tokio runtime to run the server on")]
    NoRuntime,
}

/// Listen backlog of [`bind`]: connections the kernel completes before they are accepted
/// (capped by the kernel, `net.core.somaxconn` on Linux). A burst of agents connecting at
/// once overflows a short backlog (the usual 128) and waits for SYN retransmits (1 s, 3 s,
/// ...).
pub const LISTEN_BACKLOG: u32 = 4096;

/// A listener on `addr` with [`LISTEN_BACKLOG`] and `SO_REUSEADDR` (a restarted server
/// binds at once while old connections linger in TIME_WAIT). Must be called within a tokio
/// runtime.
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// What [`Server::shutdown`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Connections still busy when the grace period ended, cut off (their uploads answered
    /// nothing and left nothing visible).
    pub cut: usize,
}

/// A running receiver. Dropping it without [`Server::shutdown`] stops it at once (no
/// drain: uploads in flight are cut off and leave nothing visible).
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<Option<Duration>>,
    task: tokio::task::JoinHandle<usize>,
    state: Arc<State>,
    removed: usize,
}

struct State {
    config: Config,
    base_lower: String,
    store: Store,
    metrics: Arc<Metrics>,
    log: Arc<dyn Log>,
    capture: Option<Capture>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("config", &self.config)
            .finish()
    }
}

impl Server {
    /// Prepares the incoming folder (removing an earlier run's temporary files) and starts
    /// serving on `listener` in the current tokio runtime.
    pub fn start(
        listener: TcpListener,
        config: Config,
        log: Arc<dyn Log>,
    ) -> Result<Server, ServeError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| ServeError::NoRuntime)?;
        if config.max_connections == 0 {
            return Err(ServeError::Setting("max connections must be at least 1"));
        }
        if config.buffer_bytes == 0 {
            return Err(ServeError::Setting("buffer must be at least 1 byte"));
        }
        let addr = listener.local_addr().map_err(ServeError::Listener)?;
        let (store, removed) = Store::open(&config.incoming, config.faults.clone())?;
        let capture = match &config.capture {
            Some((dir, n)) => Some(Capture::new(dir.clone(), *n).map_err(ServeError::Capture)?),
            None => None,
        };
        let metrics = Arc::new(Metrics::default());
        metrics.temp_files_removed(removed as u64);
        if removed > 0 {
            log.event(&format!(
                "removed {removed} temporary file(s) left by an earlier run"
            ));
        }
        let state = Arc::new(State {
            base_lower: format!(
                "/{}",
                config.base_path.trim_matches('/').to_ascii_lowercase()
            ),
            config,
            store,
            metrics,
            log,
            capture,
        });
        let (stop, stop_rx) = watch::channel(None);
        let task = runtime.spawn(accept_loop(listener, Arc::clone(&state), stop_rx));
        Ok(Server {
            addr,
            stop,
            task,
            state,
            removed,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Temporary files of an earlier run removed at start.
    pub fn temp_files_removed(&self) -> usize {
        self.removed
    }

    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.state.metrics
    }

    /// Stops accepting, lets requests in flight finish within `grace` (idle connections
    /// close at once), then cuts the rest off.
    pub async fn shutdown(self, grace: Duration) -> ShutdownReport {
        let _ = self.stop.send(Some(grace));
        let cut = self.task.await.unwrap_or(0);
        ShutdownReport { cut }
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    mut stop: watch::Receiver<Option<Duration>>,
) -> usize {
    let limit = Arc::new(Semaphore::new(state.config.max_connections));
    let mut conns: JoinSet<()> = JoinSet::new();
    let (conn_stop_tx, conn_stop) = watch::channel(false);
    loop {
        let permit = tokio::select! {
            _ = stop.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
            p = Arc::clone(&limit).acquire_owned() => match p { Ok(p) => p, Err(_) => break },
        };
        let (stream, peer) = tokio::select! {
            _ = stop.changed() => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    state.log.event(&format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        if !state.config.allow.is_empty()
            && !state.config.allow.iter().any(|n| n.contains(peer.ip()))
        {
            state.metrics.connection_refused();
            continue;
        }
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let conn_stop = conn_stop.clone();
        conns.spawn(async move {
            let _permit = permit;
            let _open = state.metrics.connection_opened();
            match state.config.tls.clone() {
                None => serve_connection(stream, peer, Arc::clone(&state), conn_stop).await,
                Some(tls) => {
                    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
                    match tokio::time::timeout(state.config.header_timeout, acceptor.accept(stream))
                        .await
                    {
                        Ok(Ok(s)) => serve_connection(s, peer, Arc::clone(&state), conn_stop).await,
                        _ => state.metrics.connection_refused(),
                    }
                }
            }
        });
    }
    drop(listener);
    let grace = (*stop.borrow()).unwrap_or(Duration::ZERO);
    let _ = conn_stop_tx.send(true);
    let deadline = tokio::time::Instant::now() + grace;
    while !conns.is_empty() {
        match tokio::time::timeout_at(deadline, conns.join_next()).await {
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let cut = conns.len();
    conns.shutdown().await;
    cut
}

async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    state: Arc<State>,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.config.header_timeout)
        .max_header_size(state.config.max_header_bytes)
        .max_buf_size((state.config.max_header_bytes + 8192).max(64 * 1024))
        .keep_alive(true);
    let svc_state = Arc::clone(&state);
    let service = hyper::service::service_fn(move |req| {
        let state = Arc::clone(&svc_state);
        async move { Ok::<_, Infallible>(handle(state, peer, req).await) }
    });
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    if *stop.borrow() {
        conn.as_mut().graceful_shutdown();
    }
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.changed() => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

type Resp = Response<Full<Bytes>>;

/// The outcome of a request, before it becomes a response and a log line.
struct Outcome {
    status: StatusCode,
    body: String,
    bytes: u64,
    stored: Option<Stored>,
    reason: Option<String>,
    close: bool,
    extra: Vec<(header::HeaderName, String)>,
}

impl Outcome {
    fn new(status: StatusCode, body: impl Into<String>) -> Outcome {
        Outcome {
            status,
            body: body.into(),
            bytes: 0,
            stored: None,
            reason: None,
            close: false,
            extra: Vec::new(),
        }
    }

    fn refuse(status: StatusCode, reason: impl Into<String>) -> Outcome {
        let reason = reason.into();
        let mut o = Outcome::new(status, format!("{reason}\n"));
        o.reason = Some(reason);
        o
    }

    fn header(mut self, name: header::HeaderName, value: impl Into<String>) -> Outcome {
        self.extra.push((name, value.into()));
        self
    }

    fn closing(mut self) -> Outcome {
        self.close = true;
        self
    }
}

const ALLOW: &str = "GET, HEAD, PUT, POST, OPTIONS";

async fn handle(state: Arc<State>, peer: SocketAddr, req: Request<Incoming>) -> Resp {
    let start = Instant::now();
    let time = SystemTime::now();
    if let Some(cap) = &state.capture
        && let Some((path, text)) = cap.record(&req, peer)
    {
        let log = Arc::clone(&state.log);
        tokio::task::spawn_blocking(move || {
            if let Err(e) = std::fs::write(&path, text) {
                log.event(&format!("capture {}: {e}", path.display()));
            }
        });
    }
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let head_only = method == Method::HEAD;
    let (outcome, upload) = route(&state, peer, req).await;
    let took = start.elapsed();
    let status = outcome.status.as_u16();
    state.metrics.request(status);
    if upload {
        let stored = outcome.stored.as_ref().map_or(0, |s| s.bytes);
        state.metrics.upload(status, outcome.bytes, stored, took);
    }
    state.log.access(&AccessRecord {
        time,
        client: peer,
        method: method.as_str().to_owned(),
        path,
        status,
        bytes: outcome.bytes,
        millis: took.as_secs_f64() * 1000.0,
        stored: outcome
            .stored
            .as_ref()
            .map(|s| format!("{}/{}", name::route(&s.name).folder(), s.name)),
        reason: outcome.reason.clone(),
    });
    respond(outcome, head_only)
}

fn respond(o: Outcome, head_only: bool) -> Resp {
    let body = if head_only {
        Bytes::new()
    } else {
        Bytes::from(o.body.clone())
    };
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = o.status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if head_only {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(o.body.len()));
    }
    for (k, v) in o.extra {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    if o.close {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// The request's outcome and whether it was an upload.
async fn route(state: &State, peer: SocketAddr, req: Request<Incoming>) -> (Outcome, bool) {
    let _ = peer;
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let lower = path.to_ascii_lowercase();
    if lower == "/healthz" {
        return (
            match method {
                Method::GET | Method::HEAD => Outcome::new(StatusCode::OK, "ok\n"),
                _ => Outcome::new(StatusCode::METHOD_NOT_ALLOWED, "GET or HEAD\n")
                    .header(header::ALLOW, "GET, HEAD"),
            },
            false,
        );
    }
    if lower == "/metrics" {
        return (
            match method {
                Method::GET | Method::HEAD => Outcome::new(StatusCode::OK, state.metrics.render())
                    .header(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    ),
                _ => Outcome::new(StatusCode::METHOD_NOT_ALLOWED, "GET or HEAD\n")
                    .header(header::ALLOW, "GET, HEAD"),
            },
            false,
        );
    }
    let base = state.base_lower.as_str();
    let rest = if lower == base || lower == format!("{base}/") {
        Some(String::new())
    } else if lower.starts_with(&format!("{base}/")) {
        Some(path[base.len() + 1..].to_owned())
    } else {
        None
    };
    let Some(rest) = rest else {
        return (Outcome::refuse(StatusCode::NOT_FOUND, "not found"), false);
    };
    if let Some(auth) = &state.config.basic_auth {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        if !auth.allows(given) {
            let o = Outcome::refuse(StatusCode::UNAUTHORIZED, "authentication required")
                .header(header::WWW_AUTHENTICATE, auth.challenge());
            let upload = method == Method::PUT || method == Method::POST;
            return (if upload { o.closing() } else { o }, upload);
        }
    }
    match method {
        Method::GET | Method::HEAD if rest.is_empty() => (
            Outcome::new(StatusCode::OK, "ndi-serve: upload with PUT or POST\n"),
            false,
        ),
        Method::GET | Method::HEAD => (Outcome::refuse(StatusCode::NOT_FOUND, "not found"), false),
        Method::OPTIONS => (
            Outcome::new(StatusCode::OK, "").header(header::ALLOW, ALLOW),
            false,
        ),
        Method::PUT | Method::POST => {
            let _in_flight = state.metrics.upload_started();
            (upload(state, &rest, req).await, true)
        }
        _ => (
            Outcome::refuse(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
                .header(header::ALLOW, ALLOW),
            false,
        ),
    }
}

/// Why an upload's body ended without success.
enum BodyEnd {
    TooLarge,
    Stalled,
    Aborted(String),
    Refused(&'static str),
    Store(StoreError),
}

impl BodyEnd {
    fn outcome(self, state: &State) -> Outcome {
        match self {
            BodyEnd::TooLarge => Outcome::refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body over the limit of {} bytes", state.config.max_body),
            )
            .closing(),
            BodyEnd::Stalled => Outcome::refuse(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "no body bytes for {} s",
                    state.config.stall_timeout.as_secs_f64()
                ),
            )
            .closing(),
            BodyEnd::Aborted(why) => {
                Outcome::refuse(StatusCode::BAD_REQUEST, format!("body not received: {why}"))
                    .closing()
            }
            BodyEnd::Refused(why) => {
                Outcome::refuse(StatusCode::UNPROCESSABLE_ENTITY, why).closing()
            }
            BodyEnd::Store(StoreError::Conflict(n)) => Outcome::refuse(
                StatusCode::CONFLICT,
                format!("every name for {n} is taken by different content"),
            ),
            BodyEnd::Store(e) => {
                state.log.event(&format!("store failed: {e}"));
                Outcome::refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("cannot store now: {e}"),
                )
                .header(
                    header::RETRY_AFTER,
                    state.config.retry_after_secs.to_string(),
                )
                .closing()
            }
        }
    }
}

/// Writes what the buffer holds (on a blocking thread) and gives the pending upload back.
/// On failure the pending upload is dropped there, which removes its temporary file.
async fn flush(pending: Pending, buf: Vec<u8>) -> Result<(Pending, Vec<u8>), StoreError> {
    tokio::task::spawn_blocking(move || {
        let mut pending = pending;
        let mut buf = buf;
        pending.write(&buf)?;
        buf.clear();
        Ok((pending, buf))
    })
    .await
    .unwrap_or_else(|e| Err(join_error("write", e)))
}

fn join_error(what: &'static str, e: tokio::task::JoinError) -> StoreError {
    StoreError::Io {
        what,
        source: std::io::Error::other(e.to_string()),
    }
}

fn gone() -> BodyEnd {
    BodyEnd::Store(StoreError::Io {
        what: "write",
        source: std::io::Error::other("the upload already failed"),
    })
}

async fn commit(
    state: &State,
    pending: Pending,
    buf: Vec<u8>,
    name: String,
) -> Result<Stored, StoreError> {
    let metrics = Arc::clone(&state.metrics);
    tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let mut pending = pending;
        if !buf.is_empty() {
            pending.write(&buf)?;
        }
        let stored = pending.commit(&name);
        metrics.commit(start.elapsed());
        stored
    })
    .await
    .unwrap_or_else(|e| Err(join_error("commit", e)))
}

/// Receives one body (or one multipart file part) into the store.
struct Receiver<'a> {
    state: &'a State,
    pending: Option<Pending>,
    buf: Vec<u8>,
    received: u64,
    decided: bool,
}

impl<'a> Receiver<'a> {
    fn new(state: &'a State, name: &str, hint: Option<u64>) -> Receiver<'a> {
        let cap = hint
            .unwrap_or(64 * 1024)
            .min(state.config.buffer_bytes as u64) as usize;
        Receiver {
            state,
            pending: Some(state.store.begin(name::route(name))),
            buf: Vec::with_capacity(cap.max(SNIFF_BYTES.min(state.config.buffer_bytes))),
            received: 0,
            decided: !state.config.check_content,
        }
    }

    async fn push(&mut self, data: &[u8]) -> Result<(), BodyEnd> {
        self.received += data.len() as u64;
        if self.received > self.state.config.max_body {
            return Err(BodyEnd::TooLarge);
        }
        self.buf.extend_from_slice(data);
        if !self.decided {
            match sniff::sniff(&self.buf, false) {
                Sniff::NeedMore => return Ok(()),
                Sniff::Refused => return Err(refused()),
                Sniff::Gzip | Sniff::Xml(_) => self.decided = true,
            }
        }
        if self.buf.len() >= self.state.config.buffer_bytes {
            let pending = self.pending.take().ok_or_else(gone)?;
            let buf = std::mem::take(&mut self.buf);
            let (pending, buf) = flush(pending, buf).await.map_err(BodyEnd::Store)?;
            self.pending = Some(pending);
            self.buf = buf;
        }
        Ok(())
    }

    async fn finish(mut self, name: String) -> Result<Stored, BodyEnd> {
        if !self.decided {
            match sniff::sniff(&self.buf, true) {
                Sniff::Gzip | Sniff::Xml(_) => {}
                Sniff::Refused | Sniff::NeedMore => return Err(refused()),
            }
        }
        let pending = self.pending.take().ok_or_else(gone)?;
        let buf = std::mem::take(&mut self.buf);
        commit(self.state, pending, buf, name)
            .await
            .map_err(BodyEnd::Store)
    }
}

fn refused() -> BodyEnd {
    BodyEnd::Refused("content is neither gzip nor XML of a known root (--check)")
}

fn name_refusal(e: NameError) -> Outcome {
    Outcome::refuse(StatusCode::BAD_REQUEST, format!("bad file name: {e}")).closing()
}

async fn upload(state: &State, rest: &str, req: Request<Incoming>) -> Outcome {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
        .map(|v| multer::parse_boundary(v).map_err(|e| e.to_string()));
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let limit = match multipart {
        Some(_) => state.config.max_body.saturating_add(MULTIPART_SLACK),
        None => state.config.max_body,
    };
    if length.is_some_and(|n| n > limit) {
        return BodyEnd::TooLarge.outcome(state);
    }
    let segment = rest.rsplit('/').next().unwrap_or("");
    for seg in rest.split('/') {
        if seg == "." || seg == ".." {
            return name_refusal(NameError::DotSegment);
        }
    }
    let path_name = if segment.is_empty() {
        Err(NameError::Empty)
    } else {
        name::from_segment(segment)
    };
    match multipart {
        None => {
            let name = match path_name {
                Ok(n) => n,
                Err(e) => return name_refusal(e),
            };
            raw_upload(state, name, length, req.into_body()).await
        }
        Some(Err(e)) => {
            Outcome::refuse(StatusCode::BAD_REQUEST, format!("bad multipart body: {e}")).closing()
        }
        Some(Ok(boundary)) => multipart_upload(state, path_name, boundary, req.into_body()).await,
    }
}

fn stored_outcome(stored: Stored, received: u64) -> Outcome {
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut o = Outcome::new(
        status,
        format!("{}/{}\n", name::route(&stored.name).folder(), stored.name),
    );
    o.bytes = received;
    o.stored = Some(stored);
    o
}

async fn raw_upload(
    state: &State,
    name: String,
    length: Option<u64>,
    mut body: Incoming,
) -> Outcome {
    let mut rx = Receiver::new(state, &name, length);
    let stall = state.config.stall_timeout;
    let result = loop {
        match tokio::time::timeout(stall, body.frame()).await {
            Err(_) => break Err(BodyEnd::Stalled),
            Ok(None) => break Ok(()),
            Ok(Some(Err(e))) => {
                let why = if e.is_body_write_aborted() || e.is_incomplete_message() {
                    "the client closed the connection mid-body".to_owned()
                } else {
                    e.to_string()
                };
                break Err(BodyEnd::Aborted(why));
            }
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data()
                    && let Err(e) = rx.push(&data).await
                {
                    break Err(e);
                }
            }
        }
    };
    let received = rx.received;
    let result = match result {
        Ok(()) => rx.finish(name).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(stored) => stored_outcome(stored, received),
        Err(e) => {
            let mut o = e.outcome(state);
            o.bytes = received;
            o
        }
    }
}

async fn multipart_upload(
    state: &State,
    path_name: Result<String, NameError>,
    boundary: String,
    body: Incoming,
) -> Outcome {
    let stall = state.config.stall_timeout;
    let stream = http_body_util::BodyStream::new(body).filter_map_data();
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(state.config.max_body.saturating_add(MULTIPART_SLACK)),
    );
    let mut mp = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut received = 0u64;
    let result = async {
        loop {
            let field = match tokio::time::timeout(stall, mp.next_field()).await {
                Err(_) => return Err(BodyEnd::Stalled),
                Ok(Err(e)) => return Err(multipart_error(e)),
                Ok(Ok(None)) => {
                    return Err(BodyEnd::Aborted(
                        "no file part in the multipart body".into(),
                    ));
                }
                Ok(Ok(Some(f))) => f,
            };
            let Some(filename) = field.file_name().map(str::to_owned) else {
                continue;
            };
            let name = match name::from_filename(&filename) {
                Ok(n) => n,
                Err(NameError::Empty) => match &path_name {
                    Ok(n) => n.clone(),
                    Err(e) => return Err(BodyEnd::Aborted(format!("bad file name: {e}"))),
                },
                Err(e) => return Err(BodyEnd::Aborted(format!("bad file name: {e}"))),
            };
            let mut field = field;
            let mut rx = Receiver::new(state, &name, None);
            loop {
                match tokio::time::timeout(stall, field.chunk()).await {
                    Err(_) => return Err(BodyEnd::Stalled),
                    Ok(Err(e)) => return Err(multipart_error(e)),
                    Ok(Ok(None)) => break,
                    Ok(Ok(Some(data))) => {
                        received += data.len() as u64;
                        rx.push(&data).await?;
                    }
                }
            }
            return rx.finish(name).await;
        }
    }
    .await;
    match result {
        Ok(stored) => stored_outcome(stored, received),
        Err(e) => {
            let mut o = e.outcome(state);
            o.bytes = received;
            o
        }
    }
}

fn multipart_error(e: multer::Error) -> BodyEnd {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            BodyEnd::TooLarge
        }
        other => BodyEnd::Aborted(format!("bad multipart body: {other}")),
    }
}

/// The body as a stream of data chunks for multer.
trait FilterMapData {
    fn filter_map_data(self) -> DataStream;
}

type DataStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, hyper::Error>> + Send>>;

impl FilterMapData for http_body_util::BodyStream<Incoming> {
    fn filter_map_data(self) -> DataStream {
        use futures_util::StreamExt;
        Box::pin(self.filter_map(|frame| async move {
            match frame {
                Ok(f) => f.into_data().ok().map(Ok),
                Err(e) => Some(Err(e)),
            }
        }))
    }
}
