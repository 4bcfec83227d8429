//! `serve`: the HTTP receiver of agent uploads (glue around `ndi_serve::Server`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ndi_serve::log::{AccessRecord, Log};
use ndi_serve::{Config, Server};

use crate::commands::Outcome;
use crate::output::error_line;

pub const ABOUT: &str =
    "Receive agent uploads over HTTP (ManageSoftRL-compatible) into an incoming folder.

Agents and child beacons upload with `PUT http://HOST:PORT/ManageSoftRL/<file name>` (also POST,
raw or multipart/form-data, chunked, Expect: 100-continue). Each file is stored under
--incoming by its name: .ndi[.gz] in Inventories, .mmi[.gz] in UsageData, .disco[.gz] in
Discovery, .vdi[.gz] in VDIaccess, anything else in Other. An upload is answered 201 only once
it is durable (hidden temporary file, fsync, rename without replacing, folder fsync); 200 when
the same bytes are already stored under that name; different bytes under a taken name are
stored as `<name>~<8 hex of their hash>`, never over the other file.

Refusals: 400 bad name (empty, dot, hidden, '/', '\\', NUL, controls, device names, over 255
bytes) or broken body, 401 without valid Basic credentials (--auth-file), 408 body stalled,
413 over --max-size, 422 content refused by --check, 431 head over --max-header-bytes, 503 with
Retry-After when the disk is full or an I/O error occurs (nothing partial is left).

Operations: one access-log line per request on stdout (--log-format text or json), GET
/healthz, GET /metrics (Prometheus), --capture-dir. SIGTERM or Ctrl-C stops accepting and lets
uploads in flight finish within --drain-timeout; a restart removes the temporary files a kill
left. See docs/SERVE.md.";

pub const EXAMPLES: &str = "Examples:
  ndi-tool serve --incoming /var/opt/beacon/Incoming
  ndi-tool serve --incoming in --listen 0.0.0.0:80 --log-format json --check
  ndi-tool serve --incoming in --listen 0.0.0.0:443 --tls-cert cert.pem --tls-key key.pem --auth-file users.txt";

/// Access-log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `TIME CLIENT METHOD PATH STATUS BYTES MS STORED REASON`.
    Text,
    /// One JSON object per line.
    Json,
}

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The incoming folder (created if missing): Inventories, UsageData, Discovery,
    /// VDIaccess and Other are made below it.
    #[arg(long)]
    pub incoming: PathBuf,
    /// Address and port to listen on (`0.0.0.0:80` for every interface).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The base path agents upload under (the reporting location's directory name),
    /// matched case-insensitively.
    #[arg(long, default_value = "ManageSoftRL")]
    pub path: String,
    /// Largest body in bytes (the file part of a multipart body): 413 above, from
    /// Content-Length before reading and as soon as a chunked body passes it.
    #[arg(long, default_value_t = ndi_serve::server::DEFAULT_MAX_BODY)]
    pub max_size: u64,
    /// Seconds a body may make no progress before 408.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub stall_timeout: u64,
    /// Seconds a client may take to send a request head, and an idle keep-alive
    /// connection stays open.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Most connections served at once (more wait in the listen backlog).
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Largest request head (request line and headers) in bytes: 431 above.
    #[arg(long, default_value_t = 16384, value_parser = clap::value_parser!(u64).range(1024..=1_048_576))]
    pub max_header_bytes: u64,
    /// Bytes buffered per upload before a write (the memory bound per upload).
    #[arg(long, default_value_t = 262_144, value_parser = clap::value_parser!(u64).range(4096..=67_108_864))]
    pub buffer: u64,
    /// Refuse (422) a body whose first bytes are neither gzip nor XML of a known root.
    #[arg(long)]
    pub check: bool,
    /// Require Basic authentication: a file of `user:password` lines.
    #[arg(long)]
    pub auth_file: Option<PathBuf>,
    /// Only accept connections from these networks (`10.0.0.0/8`, `192.168.1.7`,
    /// repeatable); others are closed at once.
    #[arg(long, value_name = "NETWORK")]
    pub allow: Vec<ndi_serve::access::Network>,
    /// TLS certificate chain (PEM); with --tls-key, serve HTTPS.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require client certificates signed by these CAs (PEM): mutual TLS.
    #[arg(long, requires = "tls_cert")]
    pub client_ca: Option<PathBuf>,
    /// Access-log format (on stdout).
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// No access log (events still go to stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Record method, path and headers (never bodies, credentials redacted) of the first
    /// --capture-count requests into this folder, one JSON file each.
    #[arg(long)]
    pub capture_dir: Option<PathBuf>,
    /// How many requests --capture-dir records.
    #[arg(long, default_value_t = 100, requires = "capture_dir")]
    pub capture_count: u64,
    /// Seconds uploads in flight get to finish after SIGTERM or Ctrl-C.
    #[arg(long, default_value_t = 30)]
    pub drain_timeout: u64,
    /// Retry-After seconds of a 503.
    #[arg(long, default_value_t = 60)]
    pub retry_after: u32,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u64).range(1..=512))]
    pub threads: Option<u64>,
    /// Fault injection for tests: fail every write past this many bytes of an upload as a
    /// full disk would.
    #[arg(long, hide = true)]
    pub inject_write_error_after: Option<u64>,
}

/// Access lines to stdout, events to stderr.
struct CliLog {
    format: Option<LogFormat>,
}

impl Log for CliLog {
    fn access(&self, r: &AccessRecord) {
        let line = match self.format {
            None => return,
            Some(LogFormat::Text) => r.text(),
            Some(LogFormat::Json) => r.json(),
        };
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
        let _ = out.write_all(b"\n");
    }

    fn event(&self, message: &str) {
        error_line(&format!("ndi-tool serve: {message}"));
    }
}

fn config(args: &ServeArgs) -> Result<Config> {
    let base = args.path.trim_matches('/');
    if base.is_empty() || base.contains(['/', '?', '#', '%']) || base.chars().any(char::is_control)
    {
        anyhow::bail!(
            "--path must be one path segment such as ManageSoftRL, got {:?}",
            args.path
        );
    }
    let mut c = Config::new(args.incoming.clone());
    c.base_path = base.to_owned();
    c.max_body = args.max_size;
    c.stall_timeout = Duration::from_secs(args.stall_timeout);
    c.header_timeout = Duration::from_secs(args.header_timeout);
    c.max_connections = usize::try_from(args.max_connections)?;
    c.max_header_bytes = usize::try_from(args.max_header_bytes)?;
    c.buffer_bytes = usize::try_from(args.buffer)?;
    c.check_content = args.check;
    c.allow = args.allow.clone();
    c.retry_after_secs = args.retry_after;
    c.faults.fail_writes_after = args.inject_write_error_after;
    if let Some(f) = &args.auth_file {
        c.basic_auth = Some(ndi_serve::access::BasicAuth::from_file(f, base)?);
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        c.tls = Some(ndi_serve::tls::server_config(
            cert,
            key,
            args.client_ca.as_deref(),
        )?);
    }
    if let Some(dir) = &args.capture_dir {
        c.capture = Some((dir.clone(), args.capture_count));
    }
    Ok(c)
}

pub fn run(args: &ServeArgs) -> Result<Outcome> {
    let config = config(args)?;
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        rt.worker_threads(usize::try_from(n)?);
    }
    let rt = rt.enable_all().build().context("starting the runtime")?;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let base = config.base_path.clone();
    let incoming = config.incoming.clone();
    let log = Arc::new(CliLog {
        format: (!args.quiet).then_some(args.log_format),
    });
    let drain = Duration::from_secs(args.drain_timeout);
    rt.block_on(async move {
        let listener = ndi_serve::server::bind(args.listen)
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let server = Server::start(listener, config, log)
            .with_context(|| format!("cannot serve into {}", incoming.display()))?;
        error_line(&format!(
            "ndi-tool serve: listening on {scheme}://{}/{base} (incoming {})",
            server.local_addr(),
            incoming.display()
        ));
        wait_for_stop().await?;
        error_line(&format!(
            "ndi-tool serve: stopping (up to {} s for uploads in flight)",
            drain.as_secs()
        ));
        let report = server.shutdown(drain).await;
        if report.cut > 0 {
            error_line(&format!(
                "ndi-tool serve: {} connection(s) cut off at the end of the drain time",
                report.cut
            ));
        }
        error_line("ndi-tool serve: stopped");
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Outcome::Success)
}

/// Waits for SIGTERM or Ctrl-C (SIGINT).
pub async fn wait_for_stop() -> Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("installing the SIGTERM handler")?;
        tokio::select! {
            _ = term.recv() => {}
            r = tokio::signal::ctrl_c() => r.context("installing the Ctrl-C handler")?,
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("installing the Ctrl-C handler")?;
    Ok(())
}
