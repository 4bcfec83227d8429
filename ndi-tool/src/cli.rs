//! Command-line flags, as typed by the user (resolved into settings by each command).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Read, check, convert and compare FlexNet-style inventory files (.ndi, .ndi.gz, .mmi,
/// .vdi, .disco, .npl, .osd, .nds). Formats and compression are recognised by content.
#[derive(Debug, Parser)]
#[command(name = "ndi-tool", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that files are well-formed and follow their format; one line per problem.
    ///
    /// Exit status: 0 when every file is valid (warnings allowed), 1 when any file has an
    /// error, 2 on a usage or I/O error such as a missing path.
    #[command(after_help = "Examples:\n  ndi-tool validate corpora/demo\n  ndi-tool validate 'SYSTEM on PC1.ndi.gz' policy.npl")]
    Validate(ValidateArgs),
    /// Rewrite documents through the model (plain or gzipped XML), keeping every value.
    ///
    /// Each output keeps its input's name with the extension adjusted (`.ndi` / `.ndi.gz`,
    /// or the document's own format extension such as `.mmi.gz`); inputs found in folders
    /// keep their relative path.
    #[command(after_help = "Examples:\n  ndi-tool convert incoming/ --format ndi --out plain/\n  ndi-tool convert a.ndi --format ndi.gz --out out/")]
    Convert(ConvertArgs),
    /// Write a realistic, deterministic corpus of generated files for tests and benchmarks.
    #[command(after_help = "Example:\n  ndi-tool generate --out /tmp/corpus --count 1000 --seed 7")]
    Generate(GenerateArgs),
}

/// Flags of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders (walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Print only the summary's exit status, no lines.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also print warnings and one line per valid file.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Output formats of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    /// Plain XML.
    Ndi,
    /// gzipped XML.
    #[value(name = "ndi.gz")]
    NdiGz,
}

/// Flags of `convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Files or folders (walked recursively).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "ndi")]
    pub format: ConvertFormat,
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// No per-file lines, only errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Flags of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Number of files.
    #[arg(long, default_value_t = 100)]
    pub count: usize,
    /// Seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}
