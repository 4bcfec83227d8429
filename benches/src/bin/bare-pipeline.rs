//! The bare pipeline: the practical ceiling of `ndi-tool convert` on a folder.
//!
//! Reads every file of a folder (recursively, skipping hidden files as `convert` does), gunzips the gzipped ones (detected by their
//! magic bytes; flate2 `MultiGzDecoder` on the workspace's zlib-rs backend) and decodes every
//! attribute value with quick-xml ([`ndi_benches::bare_quick_xml`]), in parallel with rayon.
//! No records, no rows, no Arrow, no Parquet: whatever `convert` does beyond this is the
//! price of its output.
//!
//! `bare-pipeline DIR [--threads T]` prints one line on stdout: files, bytes on disk, XML
//! bytes, seconds, MB/s of XML and files/s.

use std::path::PathBuf;
use std::time::Instant;

use ndi_benches::{bare_gunzip_quick_xml, bare_quick_xml};
use rayon::prelude::*;

/// Per-thread buffers, reused from file to file.
#[derive(Default)]
struct Buffers {
    raw: Vec<u8>,
    xml: Vec<u8>,
}

/// What one file cost: bytes on disk, XML bytes, attribute value bytes decoded.
#[derive(Default, Clone, Copy)]
struct Totals {
    files: u64,
    disk: u64,
    xml: u64,
    values: u64,
}

impl Totals {
    fn add(self, o: Totals) -> Totals {
        Totals {
            files: self.files + o.files,
            disk: self.disk + o.disk,
            xml: self.xml + o.xml,
            values: self.values + o.values,
        }
    }
}

fn one(path: &PathBuf, b: &mut Buffers) -> Totals {
    use std::io::Read;
    b.raw.clear();
    if std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut b.raw))
        .is_err()
    {
        return Totals {
            files: 1,
            ..Totals::default()
        };
    }
    let (xml, values) = if b.raw.starts_with(&[0x1f, 0x8b]) {
        let values = bare_gunzip_quick_xml(&b.raw, &mut b.xml);
        (b.xml.len(), values)
    } else {
        (b.raw.len(), bare_quick_xml(&b.raw))
    };
    Totals {
        files: 1,
        disk: b.raw.len() as u64,
        xml: xml as u64,
        values: values as u64,
    }
}

fn usage() -> ! {
    eprintln!("usage: bare-pipeline DIR [--threads T]");
    std::process::exit(2);
}

fn main() {
    let mut dir: Option<PathBuf> = None;
    let mut threads: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" | "-j" => {
                threads = args.next().and_then(|v| v.parse().ok());
                if threads.is_none() {
                    usage();
                }
            }
            "-h" | "--help" => usage(),
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => usage(),
        }
    }
    let Some(dir) = dir else { usage() };
    let started = Instant::now();
    // Like `ndi-tool convert`: recursively, skipping hidden files and folders.
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = match pool.build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("bare-pipeline: thread pool: {e}");
            std::process::exit(1);
        }
    };
    // One file per job, so that an idle thread can always take the next file (with rayon's
    // default splitting a thread could be left alone with a long run of files at the end),
    // and buffers kept per thread, not per job.
    thread_local! {
        static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
    }
    let totals = pool.install(|| {
        files
            .par_iter()
            .with_max_len(1)
            .map(|path| BUFFERS.with(|b| one(path, &mut b.borrow_mut())))
            .reduce(Totals::default, Totals::add)
    });
    let secs = started.elapsed().as_secs_f64().max(1e-6);
    println!(
        "bare-pipeline: {} files, {:.1} MB on disk, {:.1} MB XML, {:.1} MB of values, {:.3} s, {:.1} MB/s XML, {:.0} files/s, {} threads",
        totals.files,
        totals.disk as f64 / 1e6,
        totals.xml as f64 / 1e6,
        totals.values as f64 / 1e6,
        secs,
        totals.xml as f64 / 1e6 / secs,
        totals.files as f64 / secs,
        pool.current_num_threads()
    );
}
