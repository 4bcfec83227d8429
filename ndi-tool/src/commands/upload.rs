//! `upload`: send files to a receiver, as an agent or a forwarding beacon does (glue
//! around `ndi_serve::client::Uploader`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use ndi_serve::client::{After, UploadEvent, UploadOptions, Uploader};

use crate::commands::Outcome;
use crate::output::error_line;

pub const ABOUT: &str =
    "Upload files or folders to a receiver with `PUT URL/<file name>`, as agents and beacons do.

Folders are walked recursively; hidden files (a receiver's temporary files) are skipped. Each
file is kept until the receiver answered 2xx (connection errors, 408, 429 and 5xx are retried
with backoff, honouring Retry-After; other answers are not), then deleted (--delete), moved
(--move-to, never overwriting) or left in place. With --watch the folders are uploaded again
every --interval seconds until SIGTERM or Ctrl-C: a `serve` plus `upload --watch` of its
incoming folder to a parent `serve` is a two-level beacon hierarchy.

Exit status: 0 when every file was taken, 1 when some file was not (it is kept), 2 on a usage
error. With --watch, 0 when stopped by a signal.";

pub const EXAMPLES: &str = "Examples:
  ndi-tool upload 'SYSTEM on PC1.ndi.gz' --to http://beacon/ManageSoftRL
  ndi-tool upload incoming/ --to https://parent:443/ManageSoftRL --watch --interval 60 --delete";

/// Flags of `upload`.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// Files or folders (walked recursively, hidden entries skipped).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The receiver's base URL, e.g. `http://beacon:8080/ManageSoftRL`.
    #[arg(long)]
    pub to: String,
    /// Upload again every --interval seconds until stopped (requires --delete or --move-to).
    #[arg(long)]
    pub watch: bool,
    /// Seconds between passes of --watch.
    #[arg(long, default_value_t = 60, requires = "watch", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub interval: u64,
    /// Delete each file once the receiver took it.
    #[arg(long, conflicts_with = "move_to")]
    pub delete: bool,
    /// Move each file into this folder once the receiver took it.
    #[arg(long)]
    pub move_to: Option<PathBuf>,
    /// Retries of a file after its first attempt, within a pass.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
    /// Seconds before the first retry (doubled for each further one, at most 60).
    #[arg(long, default_value_t = 1.0)]
    pub backoff: f64,
    /// Uploads at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub parallel: u64,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
    /// Extra CA certificates (PEM) to trust for https.
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
    /// Client certificate chain (PEM) for a receiver that requires mutual TLS.
    #[arg(long, requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// Private key (PEM) of --client-cert.
    #[arg(long, requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Basic credentials: a file whose first line is `user:password`.
    #[arg(long)]
    pub auth_file: Option<PathBuf>,
    /// Only failures.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn credentials(path: &PathBuf) -> Result<(String, String)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let line = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .with_context(|| format!("{}: no user:password line", path.display()))?;
    let (u, p) = line
        .split_once(':')
        .with_context(|| format!("{}: expected user:password", path.display()))?;
    Ok((u.to_owned(), p.to_owned()))
}

pub fn run(args: &UploadArgs) -> Result<Outcome> {
    if args.watch && !args.delete && args.move_to.is_none() {
        anyhow::bail!(
            "--watch needs --delete or --move-to (otherwise every pass sends the same files again)"
        );
    }
    if !(args.backoff.is_finite() && (0.0..=3600.0).contains(&args.backoff)) {
        anyhow::bail!("--backoff must be between 0 and 3600 seconds");
    }
    let mut opts = UploadOptions::new(&args.to);
    opts.after = match (&args.move_to, args.delete) {
        (Some(dir), _) => After::MoveTo(dir.clone()),
        (None, true) => After::Delete,
        (None, false) => After::Keep,
    };
    opts.retries = args.retries;
    opts.backoff = Duration::from_secs_f64(args.backoff);
    opts.parallel = usize::try_from(args.parallel)?;
    opts.timeout = Duration::from_secs(args.timeout);
    opts.ca_cert = args.ca_cert.clone();
    opts.identity = args.client_cert.clone().zip(args.client_key.clone());
    if let Some(f) = &args.auth_file {
        opts.basic = Some(credentials(f)?);
    }
    let uploader = Uploader::new(opts)?;
    // Paths are checked once at the start: a missing one is a usage error.
    Uploader::collect(&args.paths, args.move_to.as_deref())?;
    let quiet = args.quiet;
    let on_event = move |e: &UploadEvent<'_>| match e {
        UploadEvent::Uploaded {
            path,
            status,
            moved_to,
        } => {
            if !quiet {
                let after =
                    moved_to.map_or(String::new(), |m| format!(" (moved to {})", m.display()));
                error_line(&format!("{}: {status}{after}", path.display()));
            }
        }
        UploadEvent::Retrying {
            path,
            attempt,
            error,
            wait,
        } => {
            if !quiet {
                error_line(&format!(
                    "{}: attempt {attempt} failed ({error}), retrying in {:.1} s",
                    path.display(),
                    wait.as_secs_f64()
                ));
            }
        }
        UploadEvent::Failed { path, error } => {
            error_line(&format!("{}: not uploaded: {error}", path.display()))
        }
        UploadEvent::AfterFailed { path, error } => {
            error_line(&format!("{}: {error}", path.display()))
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async {
        if !args.watch {
            let files = Uploader::collect(&args.paths, args.move_to.as_deref())?;
            let r = uploader.pass(&files, &on_event).await;
            if !quiet || r.failed > 0 {
                error_line(&format!(
                    "{} uploaded, {} not uploaded{}",
                    r.uploaded,
                    r.failed,
                    if r.after_failed > 0 {
                        format!(", {} not removed", r.after_failed)
                    } else {
                        String::new()
                    }
                ));
            }
            return Ok(if r.failed > 0 || r.after_failed > 0 {
                Outcome::Failure
            } else {
                Outcome::Success
            });
        }
        let stop = crate::commands::serve::wait_for_stop();
        tokio::pin!(stop);
        loop {
            let pass = async {
                match Uploader::collect(&args.paths, args.move_to.as_deref()) {
                    Ok(files) => {
                        let r = uploader.pass(&files, &on_event).await;
                        if r.failed > 0 {
                            error_line(&format!(
                                "{} uploaded, {} kept for the next pass",
                                r.uploaded, r.failed
                            ));
                        }
                    }
                    Err(e) => error_line(&format!("ndi-tool upload: {e}")),
                }
                tokio::time::sleep(Duration::from_secs(args.interval)).await;
            };
            tokio::select! {
                r = &mut stop => { r?; return Ok(Outcome::Success); }
                () = pass => {}
            }
        }
    })
}
