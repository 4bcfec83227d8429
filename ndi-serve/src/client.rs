//! The agent's and the forwarder's side: `PUT <url>/<name>` for each file, keeping it until
//! a `2xx`, retrying with backoff, then deleting it or moving it aside.
//!
//! ```no_run
//! # async fn run() -> Result<(), ndi_serve::client::ClientError> {
//! use ndi_serve::client::{After, UploadOptions, Uploader};
//!
//! let mut opts = UploadOptions::new("http://parent:8080/ManageSoftRL");
//! opts.after = After::Delete;
//! let up = Uploader::new(opts)?;
//! let files = Uploader::collect(&["incoming".into()], None)?;
//! let report = up.pass(&files, &|event| eprintln!("{event:?}")).await;
//! println!("{} uploaded, {} failed", report.uploaded, report.failed);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use crate::name;

/// Characters kept as they are in a path segment: the unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Files up to this size are read whole before they are sent; larger ones are streamed.
const READ_WHOLE: u64 = 8 * 1024 * 1024;

/// Errors setting up the client or listing the files.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The receiver URL is not `http://` or `https://`.
    #[error("invalid URL {0:?}: expected http://host[:port]/path or https://...")]
    Url(String),
    /// The CA file cannot be used.
    #[error("CA certificates {path}: {message}")]
    Ca {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The client certificate or its key cannot be used.
    #[error("client certificate {path}: {message}")]
    Identity {
        /// The certificate or key file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The HTTP client cannot be built.
    #[error("HTTP client: {0}")]
    Build(String),
    /// A path to upload cannot be read.
    #[error("{path}: {source}")]
    Path {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// What happens to a file once the receiver took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// Leave it where it is.
    Keep,
    /// Delete it.
    Delete,
    /// Move it into this folder (never overwriting: `NAME.1`, `NAME.2`, ... when taken).
    MoveTo(PathBuf),
}

/// Settings of the client.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// The receiver's base URL (`http://beacon:8080/ManageSoftRL`).
    pub to: String,
    /// What to do with a file after a `2xx`.
    pub after: After,
    /// Retries after the first attempt (connection errors, `408`, `429`, `5xx`).
    pub retries: u32,
    /// The first wait before a retry; doubled for each further retry.
    pub backoff: Duration,
    /// The longest wait (also caps a `Retry-After`).
    pub max_backoff: Duration,
    /// Uploads at once.
    pub parallel: usize,
    /// Time limit of one request.
    pub timeout: Duration,
    /// Extra CA certificates (PEM) to trust for `https://`.
    pub ca_cert: Option<PathBuf>,
    /// Basic credentials (user, password).
    pub basic: Option<(String, String)>,
    /// A client certificate chain and its private key (PEM files), for a receiver that
    /// requires mutual TLS.
    pub identity: Option<(PathBuf, PathBuf)>,
}

impl UploadOptions {
    /// Defaults: keep files, 3 retries from 1 s up to 60 s, 4 at once, 5 minutes a request.
    pub fn new(to: &str) -> UploadOptions {
        UploadOptions {
            to: to.to_owned(),
            after: After::Keep,
            retries: 3,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            parallel: 4,
            timeout: Duration::from_secs(300),
            ca_cert: None,
            basic: None,
            identity: None,
        }
    }
}

/// What happened to one file (handed to the caller's callback as it happens).
#[derive(Debug)]
pub enum UploadEvent<'a> {
    /// The receiver took it (`status` 201, or 200 when it already had the same bytes).
    Uploaded {
        /// The file.
        path: &'a Path,
        /// The status.
        status: u16,
        /// Where it went afterwards (moved), if it was moved.
        moved_to: Option<&'a Path>,
    },
    /// An attempt failed; another follows after `wait`.
    Retrying {
        /// The file.
        path: &'a Path,
        /// The failed attempt (1-based).
        attempt: u32,
        /// Why.
        error: &'a str,
        /// The wait before the next attempt.
        wait: Duration,
    },
    /// The file was not taken (it stays where it is).
    Failed {
        /// The file.
        path: &'a Path,
        /// Why.
        error: &'a str,
    },
    /// The file was taken but could not be deleted or moved afterwards.
    AfterFailed {
        /// The file.
        path: &'a Path,
        /// Why.
        error: &'a str,
    },
}

/// Counts of one pass over the files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Files the receiver took.
    pub uploaded: usize,
    /// Files not taken (kept for the next pass).
    pub failed: usize,
    /// Files taken whose delete or move failed.
    pub after_failed: usize,
    /// Files that vanished before they were sent (another forwarder took them).
    pub vanished: usize,
}

/// A client identity from a certificate chain and a private key in PEM files.
fn identity(cert: &Path, key: &Path) -> Result<reqwest::Identity, ClientError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| ClientError::Identity {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    };
    let mut pem = read(key)?;
    pem.push(b'\n');
    pem.extend_from_slice(&read(cert)?);
    reqwest::Identity::from_pem(&pem).map_err(|e| ClientError::Identity {
        path: format!("{} with {}", cert.display(), key.display()),
        message: e.to_string(),
    })
}

/// The upload client.
#[derive(Debug, Clone)]
pub struct Uploader {
    client: reqwest::Client,
    base: String,
    opts: UploadOptions,
}

enum Attempt {
    Done(u16),
    Retry(String, Option<Duration>),
    Fatal(String),
    Vanished,
}

impl Uploader {
    /// A client for `opts.to`.
    pub fn new(opts: UploadOptions) -> Result<Uploader, ClientError> {
        let lower = opts.to.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || reqwest::Url::parse(&opts.to).is_err()
        {
            return Err(ClientError::Url(opts.to.clone()));
        }
        let mut b = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(opts.parallel.max(1))
            .user_agent(concat!("ndi-tool-upload/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &opts.ca_cert {
            let err = |message: String| ClientError::Ca {
                path: ca.display().to_string(),
                message,
            };
            let pem = std::fs::read(ca).map_err(|e| err(e.to_string()))?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| err(e.to_string()))?;
            if certs.is_empty() {
                return Err(err("no certificate".into()));
            }
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        if let Some((cert, key)) = &opts.identity {
            b = b.identity(identity(cert, key)?);
        }
        let client = b.build().map_err(|e| ClientError::Build(e.to_string()))?;
        Ok(Uploader {
            client,
            base: opts.to.trim_end_matches('/').to_owned(),
            opts,
        })
    }

    /// The files under `paths`: files as given, folders walked recursively in name order,
    /// skipping hidden entries (names starting with `.`, such as a receiver's temporary
    /// files), links and `exclude` (the `--move-to` folder).
    pub fn collect(paths: &[PathBuf], exclude: Option<&Path>) -> Result<Vec<PathBuf>, ClientError> {
        let exclude = exclude.and_then(|p| std::fs::canonicalize(p).ok());
        let mut out = Vec::new();
        for p in paths {
            let meta = std::fs::metadata(p).map_err(|source| ClientError::Path {
                path: p.clone(),
                source,
            })?;
            if meta.is_dir() {
                walk(p, exclude.as_deref(), &mut out).map_err(|source| ClientError::Path {
                    path: p.clone(),
                    source,
                })?;
            } else {
                out.push(p.clone());
            }
        }
        Ok(out)
    }

    /// The URL a file goes to: the base URL, `/`, the percent-encoded file name.
    pub fn url_for(&self, file_name: &str) -> String {
        format!(
            "{}/{}",
            self.base,
            percent_encoding::utf8_percent_encode(file_name, SEGMENT)
        )
    }

    /// Uploads `files`, `parallel` at once, each with its retries, then deletes or moves
    /// those taken. Reports each file through `on_event`.
    pub async fn pass(
        &self,
        files: &[PathBuf],
        on_event: &(dyn Fn(&UploadEvent<'_>) + Sync),
    ) -> PassReport {
        let results: Vec<FileResult> = futures_util::stream::iter(files)
            .map(|f| self.send(f, on_event))
            .buffer_unordered(self.opts.parallel.max(1))
            .collect()
            .await;
        let mut r = PassReport::default();
        for x in results {
            match x {
                FileResult::Uploaded => r.uploaded += 1,
                FileResult::Failed => r.failed += 1,
                FileResult::AfterFailed => {
                    r.uploaded += 1;
                    r.after_failed += 1;
                }
                FileResult::Vanished => r.vanished += 1,
            }
        }
        r
    }

    async fn send(&self, path: &Path, on_event: &(dyn Fn(&UploadEvent<'_>) + Sync)) -> FileResult {
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            on_event(&UploadEvent::Failed {
                path,
                error: "the file name is not UTF-8",
            });
            return FileResult::Failed;
        };
        if let Err(e) = name::check(file_name) {
            let error = format!("not an uploadable name: {e}");
            on_event(&UploadEvent::Failed {
                path,
                error: &error,
            });
            return FileResult::Failed;
        }
        let url = self.url_for(file_name);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match self.attempt(path, &url).await {
                Attempt::Done(status) => return self.after(path, file_name, status, on_event),
                Attempt::Vanished => return FileResult::Vanished,
                Attempt::Fatal(error) => {
                    on_event(&UploadEvent::Failed {
                        path,
                        error: &error,
                    });
                    return FileResult::Failed;
                }
                Attempt::Retry(error, retry_after) => {
                    if attempt > self.opts.retries {
                        on_event(&UploadEvent::Failed {
                            path,
                            error: &error,
                        });
                        return FileResult::Failed;
                    }
                    let exp = self
                        .opts
                        .backoff
                        .saturating_mul(1u32 << (attempt - 1).min(20));
                    let wait = retry_after.unwrap_or(exp).min(self.opts.max_backoff);
                    on_event(&UploadEvent::Retrying {
                        path,
                        attempt,
                        error: &error,
                        wait,
                    });
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(&self, path: &Path, url: &str) -> Attempt {
        let file = match tokio::fs::File::open(path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Attempt::Vanished,
            Err(e) => return Attempt::Fatal(format!("cannot read: {e}")),
        };
        let len = match file.metadata().await {
            Ok(m) => m.len(),
            Err(e) => return Attempt::Fatal(format!("cannot read: {e}")),
        };
        let mut req = self
            .client
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream");
        if let Some((u, p)) = &self.opts.basic {
            req = req.basic_auth(u, Some(p));
        }
        let req = if len <= READ_WHOLE {
            let mut file = file;
            let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            if let Err(e) = tokio::io::AsyncReadExt::read_to_end(&mut file, &mut buf).await {
                return Attempt::Fatal(format!("cannot read: {e}"));
            }
            req.body(buf)
        } else {
            req.header(reqwest::header::CONTENT_LENGTH, len)
                .body(reqwest::Body::from(file))
        };
        match req.send().await {
            Err(e) => Attempt::Retry(error_chain(&e), None),
            Ok(resp) => {
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let text = resp.text().await.unwrap_or_default();
                let msg = format!("{} {}", status.as_u16(), text.trim());
                if status.is_success() {
                    Attempt::Done(status.as_u16())
                } else if status.is_server_error()
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                {
                    Attempt::Retry(msg, retry_after)
                } else {
                    Attempt::Fatal(msg)
                }
            }
        }
    }

    fn after(
        &self,
        path: &Path,
        file_name: &str,
        status: u16,
        on_event: &(dyn Fn(&UploadEvent<'_>) + Sync),
    ) -> FileResult {
        let result = match &self.opts.after {
            After::Keep => Ok(None),
            After::Delete => std::fs::remove_file(path).map(|()| None),
            After::MoveTo(dir) => move_into(path, dir, file_name).map(Some),
        };
        match result {
            Ok(moved) => {
                on_event(&UploadEvent::Uploaded {
                    path,
                    status,
                    moved_to: moved.as_deref(),
                });
                FileResult::Uploaded
            }
            Err(e) => {
                let error = format!("uploaded ({status}) but not removed: {e}");
                on_event(&UploadEvent::AfterFailed {
                    path,
                    error: &error,
                });
                FileResult::AfterFailed
            }
        }
    }
}

enum FileResult {
    Uploaded,
    Failed,
    AfterFailed,
    Vanished,
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

fn walk(dir: &Path, exclude: Option<&Path>, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if let Some(ex) = exclude
        && std::fs::canonicalize(dir).is_ok_and(|d| d == ex)
    {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let t = e.file_type()?;
        if t.is_dir() {
            walk(&e.path(), exclude, out)?;
        } else if t.is_file() {
            out.push(e.path());
        }
    }
    Ok(())
}

/// Moves `path` into `dir` as `file_name`, or `file_name.N` when taken; never overwrites.
fn move_into(path: &Path, dir: &Path, file_name: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for n in 0u32.. {
        let target = if n == 0 {
            dir.join(file_name)
        } else {
            dir.join(format!("{file_name}.{n}"))
        };
        // A hard link refuses to replace; the source goes once the link exists.
        match std::fs::hard_link(path, &target) {
            Ok(()) => {
                std::fs::remove_file(path)?;
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {
                // Another file system (or no hard links): copy, then remove.
                if target.exists() {
                    continue;
                }
                std::fs::copy(path, &target)?;
                std::fs::remove_file(path)?;
                return Ok(target);
            }
        }
    }
    Err(std::io::Error::other("no free name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_the_name_as_one_segment() {
        let up = Uploader::new(UploadOptions::new("http://127.0.0.1:9/ManageSoftRL/")).unwrap();
        assert_eq!(
            up.url_for("SYSTEM on PC1.ndi.gz"),
            "http://127.0.0.1:9/ManageSoftRL/SYSTEM%20on%20PC1.ndi.gz"
        );
        assert_eq!(
            up.url_for("a/b#c?.ndi"),
            "http://127.0.0.1:9/ManageSoftRL/a%2Fb%23c%3F.ndi"
        );
        assert_eq!(
            up.url_for("José.ndi"),
            "http://127.0.0.1:9/ManageSoftRL/Jos%C3%A9.ndi"
        );
        assert!(Uploader::new(UploadOptions::new("ftp://x/")).is_err());
    }

    #[test]
    fn collect_skips_hidden_and_excluded() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("in/Inventories")).unwrap();
        std::fs::create_dir_all(t.path().join("in/sent")).unwrap();
        std::fs::write(t.path().join("in/Inventories/b.ndi"), b"b").unwrap();
        std::fs::write(t.path().join("in/Inventories/.ndi-serve-1.tmp"), b"x").unwrap();
        std::fs::write(t.path().join("in/a.mmi"), b"a").unwrap();
        std::fs::write(t.path().join("in/sent/old.ndi"), b"o").unwrap();
        let files =
            Uploader::collect(&[t.path().join("in")], Some(&t.path().join("in/sent"))).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| {
                p.strip_prefix(t.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, vec!["in/Inventories/b.ndi", "in/a.mmi"]);
        assert!(Uploader::collect(&[t.path().join("missing")], None).is_err());
    }

    #[test]
    fn move_never_overwrites() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("sent");
        for body in ["1", "2"] {
            let f = t.path().join("x.ndi");
            std::fs::write(&f, body).unwrap();
            move_into(&f, &dest, "x.ndi").unwrap();
            assert!(!f.exists());
        }
        assert_eq!(std::fs::read(dest.join("x.ndi")).unwrap(), b"1");
        assert_eq!(std::fs::read(dest.join("x.ndi.1")).unwrap(), b"2");
    }
}
