//! Deterministic generator of realistic FlexNet-style inventory corpora.
//!
//! A corpus is a directory of files as an inventory beacon receives them: gzipped agent
//! inventories (`.ndi.gz`), some plain third-party inventories (`.ndi`), usage summaries
//! (`.mmi.gz`), VDI access files (`.vdi`), beacon-generated VDI broker inventories and the odd
//! Oracle discovery file (`.disco`). The vocabulary follows `FORMATS.md`.
//!
//! Generation is deterministic: the `index`-th file of a corpus depends only on the seed, the
//! configuration and `index` (each file draws from its own ChaCha stream), so a corpus is
//! byte-identical whatever the number of threads that wrote it.
//!
//! [`estate`] writes another kind of corpus: devices reporting over several days, with the
//! identity troubles reconciliation must handle (renames, re-images, cloned VMs, placeholder
//! serials, stale devices) and the true device of every file beside it
//! ([`generate_estate`]).
//!
//! ```no_run
//! let config = ndi_corpora::Config::new(1000, 42);
//! let summary = ndi_corpora::generate(std::path::Path::new("corpus"), &config)?;
//! assert_eq!(summary.files, 1000);
//! # Ok::<(), ndi_corpora::Error>(())
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};
use rand::Rng;
use rayon::prelude::*;

mod ctx;
pub mod estate;
mod inventory;
mod others;
mod pools;
mod unix;
mod util;
mod windows;
mod xml;

pub use estate::{EstateConfig, generate_estate};

use ctx::Corpus;
use util::{Rng8, chance};

/// What a generated file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An agent inventory, gzipped (`SYSTEM on HOST.ndi.gz`). A few of them are misnamed or
    /// multi-member gzip when quirks are on.
    Inventory,
    /// A plain (not gzipped) inventory from a third-party tool or a manual scan (`.ndi`).
    PlainInventory,
    /// A beacon-generated VDI broker inventory: `Hardware="False" Software="False"
    /// ServiceProviders="True"` with a `ServiceProvider` tree (plain `.ndi`).
    BeaconInventory,
    /// A usage summary (`host at stamp.mmi.gz`, about 1 kB).
    Usage,
    /// A VDI access file (`broker at stamp (VMwareView).vdi`).
    Vdi,
    /// An Oracle discovery file (`host at stamp.disco`).
    Discovery,
}

impl Kind {
    /// All kinds, in the order of [`Mix`]'s fields.
    pub const ALL: [Kind; 6] = [
        Kind::Inventory,
        Kind::PlainInventory,
        Kind::BeaconInventory,
        Kind::Usage,
        Kind::Vdi,
        Kind::Discovery,
    ];

    /// A short lower-case label (`inventory`, `plain-inventory`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Inventory => "inventory",
            Kind::PlainInventory => "plain-inventory",
            Kind::BeaconInventory => "beacon-inventory",
            Kind::Usage => "usage",
            Kind::Vdi => "vdi",
            Kind::Discovery => "discovery",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Relative weights of the kinds in a corpus (any scale; the default is per mille).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mix {
    /// Gzipped agent inventories.
    pub inventory: u32,
    /// Plain third-party inventories.
    pub plain_inventory: u32,
    /// Beacon VDI broker inventories.
    pub beacon_inventory: u32,
    /// Usage summaries.
    pub usage: u32,
    /// VDI access files.
    pub vdi: u32,
    /// Discovery files.
    pub discovery: u32,
}

impl Default for Mix {
    /// 85% `.ndi.gz`, 5% plain `.ndi`, 0.7% beacon inventories, 8% `.mmi.gz`, 1% `.vdi`,
    /// 0.3% `.disco`.
    fn default() -> Self {
        Mix {
            inventory: 850,
            plain_inventory: 50,
            beacon_inventory: 7,
            usage: 80,
            vdi: 10,
            discovery: 3,
        }
    }
}

impl Mix {
    /// A corpus of a single kind.
    pub fn only(kind: Kind) -> Mix {
        let mut m = Mix {
            inventory: 0,
            plain_inventory: 0,
            beacon_inventory: 0,
            usage: 0,
            vdi: 0,
            discovery: 0,
        };
        match kind {
            Kind::Inventory => m.inventory = 1,
            Kind::PlainInventory => m.plain_inventory = 1,
            Kind::BeaconInventory => m.beacon_inventory = 1,
            Kind::Usage => m.usage = 1,
            Kind::Vdi => m.vdi = 1,
            Kind::Discovery => m.discovery = 1,
        }
        m
    }

    /// The weights in the order of [`Kind::ALL`].
    pub fn weights(&self) -> [u32; 6] {
        [
            self.inventory,
            self.plain_inventory,
            self.beacon_inventory,
            self.usage,
            self.vdi,
            self.discovery,
        ]
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Number of files.
    pub count: usize,
    /// Seed: the same seed and configuration give byte-identical files.
    pub seed: u64,
    /// Real-world irregularities at low rates (default on): UTF-8 BOM, `Username` for
    /// `UserName`, CRLF line endings, non-ASCII names, values that need `&amp;` `&lt;`
    /// `&quot;`, junk BIOS serials, about 0.3% of inventories with a raw U+0003 in a value
    /// (forbidden by XML 1.0, emitted by real agents), and a few gzipped files named `.ndi`
    /// or written as multi-member gzip.
    pub quirks: bool,
    /// Relative share of each kind of file.
    pub mix: Mix,
    /// Multiplies inventory sizes (1.0 is realistic: median about 80 kB gzipped). Smaller
    /// values make quick test corpora.
    pub size_scale: f64,
    /// gzip compression level, 0-9 (default 6).
    pub gzip_level: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            count: 100,
            seed: 0,
            quirks: true,
            mix: Mix::default(),
            size_scale: 1.0,
            gzip_level: 6,
        }
    }
}

impl Config {
    /// `count` files from `seed` with the default (realistic) settings.
    pub fn new(count: usize, seed: u64) -> Config {
        Config {
            count,
            seed,
            ..Config::default()
        }
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// File name (no directory), unique within the corpus.
    pub name: String,
    /// Contents as written to disk (gzipped or not).
    pub bytes: Vec<u8>,
    /// What the file is.
    pub kind: Kind,
    /// Size of the document before compression.
    pub plain_len: usize,
}

impl GeneratedFile {
    /// Whether the bytes are gzip (by magic number, not by name: some names lie).
    pub fn is_gzipped(&self) -> bool {
        self.bytes.starts_with(&[0x1F, 0x8B])
    }
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Number of files written.
    pub files: usize,
    /// Total size of the files on disk.
    pub bytes_on_disk: u64,
    /// Total size of the documents before compression.
    pub bytes_plain: u64,
    /// Gzipped agent inventories.
    pub inventories: usize,
    /// Plain third-party inventories.
    pub plain_inventories: usize,
    /// Beacon VDI broker inventories.
    pub beacon_inventories: usize,
    /// Usage summaries.
    pub usage: usize,
    /// VDI access files.
    pub vdi: usize,
    /// Discovery files.
    pub discovery: usize,
}

impl Summary {
    /// Number of files of a kind.
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Inventory => self.inventories,
            Kind::PlainInventory => self.plain_inventories,
            Kind::BeaconInventory => self.beacon_inventories,
            Kind::Usage => self.usage,
            Kind::Vdi => self.vdi,
            Kind::Discovery => self.discovery,
        }
    }

    fn add(&mut self, kind: Kind, on_disk: u64, plain: u64) {
        self.files += 1;
        self.bytes_on_disk += on_disk;
        self.bytes_plain += plain;
        match kind {
            Kind::Inventory => self.inventories += 1,
            Kind::PlainInventory => self.plain_inventories += 1,
            Kind::BeaconInventory => self.beacon_inventories += 1,
            Kind::Usage => self.usage += 1,
            Kind::Vdi => self.vdi += 1,
            Kind::Discovery => self.discovery += 1,
        }
    }

    fn merge(mut self, other: Summary) -> Summary {
        self.files += other.files;
        self.bytes_on_disk += other.bytes_on_disk;
        self.bytes_plain += other.bytes_plain;
        self.inventories += other.inventories;
        self.plain_inventories += other.plain_inventories;
        self.beacon_inventories += other.beacon_inventories;
        self.usage += other.usage;
        self.vdi += other.vdi;
        self.discovery += other.discovery;
        self
    }
}

/// Errors of [`generate`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The output directory could not be created.
    #[error("cannot create output directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Writes `config.count` files into `out_dir` (created if needed; existing files of the same
/// names are overwritten), in parallel on the current rayon pool.
pub fn generate(out_dir: &Path, config: &Config) -> Result<Summary, Error> {
    std::fs::create_dir_all(out_dir).map_err(|source| Error::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let ctx = Corpus::new(config.seed);
    (0..config.count)
        .into_par_iter()
        .map(|index| {
            let f = build(&ctx, config, index);
            let path = out_dir.join(&f.name);
            std::fs::write(&path, &f.bytes).map_err(|source| Error::Write { path, source })?;
            let mut s = Summary::default();
            s.add(f.kind, f.bytes.len() as u64, f.plain_len as u64);
            Ok(s)
        })
        .try_reduce(Summary::default, |a, b| Ok(a.merge(b)))
}

/// The `index`-th file of the corpus of `seed` with the default configuration.
pub fn file(seed: u64, index: usize) -> GeneratedFile {
    file_with(&Config::new(index.saturating_add(1), seed), index)
}

/// The `index`-th file of the corpus described by `config` (`config.count` is not consulted).
pub fn file_with(config: &Config, index: usize) -> GeneratedFile {
    build(&Corpus::new(config.seed), config, index)
}

/// The kind of the `index`-th file of the corpus described by `config`, without generating it.
pub fn kind_of(config: &Config, index: usize) -> Kind {
    Corpus::new(config.seed).kind_of(index, &config.mix)
}

/// One realistic, clean (no quirks) plain Windows `.ndi` of about `target_plain_bytes`, for
/// benchmarks. The hardware and software sections are always complete, so the result is never
/// much below about 60 kB; above that, file evidence is added until the target is reached.
pub fn inventory_xml(seed: u64, target_plain_bytes: usize) -> Vec<u8> {
    let ctx = Corpus::new(seed);
    let mut rng = util::stream_rng(seed, u64::MAX - 1);
    let plan = inventory::Plan::clean_windows(target_plain_bytes);
    write_inventory(&ctx, &mut rng, 0, &plan).doc.into_bytes()
}

fn build(ctx: &Corpus, config: &Config, index: usize) -> GeneratedFile {
    let kind = ctx.kind_of(index, &config.mix);
    let mut rng = util::stream_rng(config.seed, index as u64);
    let q = config.quirks;
    let scale = if config.size_scale.is_finite() && config.size_scale > 0.0 {
        config.size_scale
    } else {
        1.0
    };
    let level = config.gzip_level.min(9);
    match kind {
        Kind::Inventory | Kind::PlainInventory => {
            let third_party = kind == Kind::PlainInventory;
            let plan = inventory::Plan::draw(&mut rng, q, third_party, scale);
            let w = write_inventory(ctx, &mut rng, index, &plan);
            let plain_len = w.doc.len();
            if third_party {
                let name = if chance(&mut rng, 0.5) {
                    format!("{} on {}.ndi", w.user, w.host)
                } else {
                    let source = *util::pick(&mut rng, &["Import", "ZeroFootprint", "SCCM"]);
                    format!("{} at {} ({source}).ndi", w.host, util::stamp(w.stamp))
                };
                GeneratedFile {
                    name,
                    bytes: w.doc.into_bytes(),
                    kind,
                    plain_len,
                }
            } else {
                let inner = format!("{} on {}.ndi", w.user, w.host);
                let misnamed = q && chance(&mut rng, 0.003);
                let bytes = compress(&mut rng, w.doc.as_bytes(), &inner, w.stamp, level, q);
                GeneratedFile {
                    name: if misnamed {
                        inner
                    } else {
                        format!("{inner}.gz")
                    },
                    bytes,
                    kind,
                    plain_len,
                }
            }
        }
        Kind::Usage => {
            let d = others::usage(ctx, &mut rng, index, q);
            let plain_len = d.text.len();
            let bytes = compress(&mut rng, d.text.as_bytes(), &d.name, 0, level, false);
            GeneratedFile {
                name: format!("{}.gz", d.name),
                bytes,
                kind,
                plain_len,
            }
        }
        Kind::Vdi | Kind::BeaconInventory | Kind::Discovery => {
            let d = match kind {
                Kind::Vdi => others::vdi(ctx, &mut rng, index, q),
                Kind::BeaconInventory => others::beacon(ctx, &mut rng, index, q),
                _ => others::disco(ctx, &mut rng, index),
            };
            GeneratedFile {
                plain_len: d.text.len(),
                name: d.name,
                bytes: d.text.into_bytes(),
                kind,
            }
        }
    }
}

/// Writes one inventory according to `plan`, Windows or UNIX.
fn write_inventory(
    ctx: &Corpus,
    rng: &mut Rng8,
    index: usize,
    plan: &inventory::Plan,
) -> inventory::Written {
    if plan.windows {
        windows::write(ctx, rng, index, plan)
    } else {
        unix::write(ctx, rng, index, plan)
    }
}

/// gzip with a deterministic header (mtime is the document's own time stamp, or 0).
/// With quirks, a few files are split into two gzip members.
fn compress(
    rng: &mut Rng8,
    data: &[u8],
    inner_name: &str,
    mtime: i64,
    level: u32,
    quirks: bool,
) -> Vec<u8> {
    let with_name = inner_name.is_ascii() && chance(rng, 0.5);
    let split = if quirks && data.len() > 2 && chance(rng, 0.003) {
        rng.random_range(1..data.len())
    } else {
        data.len()
    };
    let mut out = Vec::with_capacity(data.len() / 8 + 64);
    for (i, part) in [&data[..split], &data[split..]].into_iter().enumerate() {
        if i == 1 && part.is_empty() {
            break;
        }
        let mut builder = GzBuilder::new().mtime(u32::try_from(mtime.max(0)).unwrap_or(0));
        if with_name && i == 0 {
            builder = builder.filename(inner_name.as_bytes());
        }
        let mut enc = builder.write(out, Compression::new(level));
        // Writing into a Vec cannot fail.
        out = match enc.write_all(part).and_then(|()| enc.finish()) {
            Ok(v) => v,
            Err(_) => unreachable!("in-memory gzip failed"),
        };
    }
    out
}
