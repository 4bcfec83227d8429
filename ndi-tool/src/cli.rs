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
    /// Every format is recognised by content. Well-formedness is strict XML 1.0: a character
    /// XML forbids (such as U+0003) is an error here, although `convert` loads such a file
    /// with a warning. Each finding has a severity, a stable rule id,
    /// the file, line, column, byte offset and element path. On a terminal the offending
    /// source line is shown with a caret (colors unless NO_COLOR is set). A catalog (.osd) is
    /// checked against its target file (size and MD5) when the target is among the inputs.
    ///
    /// Exit status: 0 when every file is valid (warnings allowed), 1 when any file has an
    /// error (a file found that cannot be read is such a file, reported with rule `io`), 2 on
    /// a usage error or a path given that does not exist. When the output pipe closes early
    /// (`| head`), the run stops quietly with 0.
    #[command(
        after_help = "Examples:\n  ndi-tool validate corpora/demo\n  ndi-tool validate 'SYSTEM on PC1.ndi.gz' policy.npl"
    )]
    Validate(ValidateArgs),
    /// Load files and folders into tables (Parquet by default), or rewrite them as XML.
    ///
    /// Tables: one folder per table under --out with `part-NNNNN.parquet` files that appear
    /// atomically, and `_manifest.json` with counts. Every input becomes one row of the
    /// `documents` table: ok, warning or rejected (with the error and its position).
    ///
    /// XML (`--format ndi` / `ndi.gz`): each output keeps its input's name with the extension
    /// adjusted (the document's own format extension, e.g. `.mmi.gz`); inputs found in
    /// folders keep their relative path. Outputs appear in input order: of two inputs with
    /// the same output name the first wins; an output is never written over an input. The
    /// rewritten XML holds the same records, not the same bytes: a catalog (.osd) pinning a
    /// target's size and MD5 does not match a rewritten target.
    ///
    /// Inputs: a file reached twice (named twice, or through a link) is loaded once; the
    /// --out and --quarantine folders are never read as input, even inside an input folder.
    ///
    /// Exit status: 0 when every input loaded (warnings allowed), 1 when some input was
    /// rejected, including one that cannot be read (the others are still loaded), 2 on a
    /// usage error or when the output cannot be written.
    #[command(
        after_help = "Examples:\n  ndi-tool convert corpora/demo --out out/demo\n  ndi-tool convert incoming/ --out lake/ --partition-by date --quarantine bad/\n  ndi-tool convert incoming/ --format ndi --out plain/"
    )]
    Convert(ConvertArgs),
    /// What changed between two documents (or two folders): added, removed and changed
    /// records, matched by natural keys, whatever the layout, attribute order or compression.
    ///
    /// Folders are paired by device identity, then by path with a trailing .gz ignored (when
    /// a folder holds both X and X.gz, the exact name is paired and the other is on one side
    /// only). A document that cannot be read gets an error line with file, line:column,
    /// element path and rule (an entry of kind "error" with --json); the others are still
    /// compared. Every record of both documents is held in memory, so a document of more
    /// than 2,000,000 elements is refused (limit-elements).
    ///
    /// Exit status: 0 when equivalent, 1 when they differ, 2 when a document could not be
    /// read or on a usage error.
    #[command(
        after_help = "Examples:\n  ndi-tool diff yesterday/PC1.ndi.gz today/PC1.ndi.gz\n  ndi-tool diff --json incoming-2024-01-30/ incoming-2024-01-31/"
    )]
    Diff(DiffArgs),
    /// Import incoming folders into Delta Lake tables, exactly once, continuously with --watch.
    ///
    /// Each pass takes the complete files (unchanged for --settle-secs, or gzip whose trailer
    /// fits its size; others are left alone, and a gzip file the load finds cut short is put
    /// back), claims them by renaming them into `ROOT/_import/claimed/`, loads them in
    /// parallel, gives documents already in the tables only a `documents` row (status
    /// duplicate), commits every table with the run's transaction id (`documents`
    /// last), then moves the files to the processed folder (`DIR/<load date>/`) or deletes
    /// them, and rejected ones to the quarantine folder with a reason file. A process killed at
    /// any moment loses nothing and imports nothing twice: the next pass finishes the run.
    /// One summary line per pass (`--json`: one JSON object).
    ///
    /// Exit status: 0 when done (with --watch: on SIGTERM or SIGINT, after the pass under
    /// way), 1 when some file was rejected (without --watch), 2 on a usage or table error.
    #[command(
        after_help = "Examples:\n  ndi-tool import incoming/ --table lake/\n  ndi-tool import /srv/Incoming/Inventories /srv/Incoming/UsageData --table lake/ --watch --interval 1 --processed done/"
    )]
    Import(ImportArgs),
    /// Maintain the Delta tables under a root: compact small files, delete unreferenced
    /// ones, show the history.
    #[command(subcommand)]
    Table(TableCommand),
    /// A one-screen summary of any file: format, device identity, time, counts per section,
    /// top hardware classes and publishers (documents of more than 2,000,000 elements are
    /// refused: limit-elements).
    #[command(after_help = "Example:\n  ndi-tool inspect 'SYSTEM on PC1.ndi.gz'")]
    Inspect(InspectArgs),
    /// The next runs of a schedule (.nds), across its events, in time order.
    ///
    /// Times are device-local wall-clock times in --tz; each run starts at a random delay
    /// within the trigger's window, drawn from --seed (the same seed gives the same runs).
    /// Event triggers (logon, network connect, install) are listed after the timed runs.
    ///
    /// The schedule is checked with validate's rules first. An error the runs depend on (any
    /// error but nds-schedschema, nds-timedatestamp, nds-boolean, nds-catchup and nds-id, and
    /// a trigger of unknown TYPE) is printed with its position and rule, and no runs are
    /// printed (exit status 1); other findings are printed as warnings above the runs,
    /// among them characters XML forbids (validate counts those as errors; the values are
    /// kept as read and do not change the runs).
    #[command(
        after_help = "Examples:\n  ndi-tool schedule 'Default Machine Schedule.nds' --tz Europe/Berlin --next 5\n  ndi-tool schedule s.nds --from 2024-03-30T00:00:00 --tz America/New_York --json"
    )]
    Schedule(ScheduleArgs),
    /// The effective packages of a policy (.npl): the same ObjectID in several inner
    /// policies resolved by Precedence (the larger wins; ties: first in the document).
    ///
    /// The policy is checked with validate's rules first: any error is printed with its
    /// position and rule and no packages are printed (exit status 1); warnings are printed
    /// above the packages, among them characters XML forbids (validate counts those as
    /// errors; the values are kept as read).
    #[command(after_help = "Example:\n  ndi-tool policy PC1-5f3a.npl --json")]
    Policy(PolicyArgs),
    /// Group imported documents into devices; derive installations, usage and findings.
    ///
    /// Reads the tables `convert` wrote under --table ROOT (`ROOT/<table>/**/*.parquet`) and
    /// writes, beside them, `device_map`, `devices`, `installations`, `usage_by_installation`
    /// and `identity_findings` (each replaced by the run). The rules (edge order, placeholder
    /// values, thresholds) are in docs/RECONCILE.md; --rules FILE changes them (JSON; print
    /// the defaults with --print-rules). The output depends only on the tables, the rules and
    /// --as-of, not on the order documents were imported in.
    ///
    /// Exit status: 0 when the tables were written, 2 when they cannot be read or written.
    #[command(
        after_help = "Examples:\n  ndi-tool reconcile --table lake/\n  ndi-tool reconcile --table lake/ --as-of 2026-12-01 --stale-days 14 --rules rules.json"
    )]
    Reconcile(ReconcileArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  ndi-tool completions bash > /etc/bash_completion.d/ndi-tool"
    )]
    Completions(CompletionsArgs),
    /// Write a realistic, deterministic corpus of generated files for tests and benchmarks, or
    /// (`--estate`) an estate of devices over several days with the true device of every file.
    #[command(
        after_help = "Examples:\n  ndi-tool generate --out /tmp/corpus --count 1000 --seed 7\n  ndi-tool generate --estate --out /tmp/estate --devices 200 --days 14 --seed 7"
    )]
    Generate(GenerateArgs),
    /// Receive agent uploads over HTTP (ManageSoftRL-compatible) into an incoming folder.
    #[command(long_about = crate::commands::serve::ABOUT, after_help = crate::commands::serve::EXAMPLES)]
    Serve(crate::commands::serve::ServeArgs),
    /// Upload files or folders to a receiver (`PUT URL/<name>`), as agents and beacons do.
    #[command(long_about = crate::commands::upload::ABOUT, after_help = crate::commands::upload::EXAMPLES)]
    Upload(crate::commands::upload::UploadArgs),
}

/// Flags of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders (walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Worker threads, 1 to 512 (default: one per core).
    #[arg(long, short = 'j', value_parser = threads_in_range())]
    pub threads: Option<usize>,
    /// One JSON object per file per line: path, format, valid, findings.
    #[arg(long)]
    pub json: bool,
    /// No finding lines and no summary: only the exit status.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also print one line per valid file.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Output formats of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    /// Parquet tables (the columnar contract), zstd-compressed.
    Parquet,
    /// The same tables as JSON lines.
    Jsonl,
    /// Plain XML.
    Ndi,
    /// gzipped XML.
    #[value(name = "ndi.gz")]
    NdiGz,
    /// Delta Lake tables under --out (`OUT/<table>/_delta_log/`), partitioned by load date,
    /// appended to by each run; documents already in the tables are skipped as duplicates.
    Delta,
}

/// Flags of `convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Files or folders (walked recursively).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "parquet")]
    pub format: ConvertFormat,
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Worker threads, 1 to 512 (default: one per core).
    #[arg(long, short = 'j', value_parser = threads_in_range())]
    pub threads: Option<usize>,
    /// Rows per table buffered before they are written, and the most a Parquet row group
    /// holds (tables only; default 65,536).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub batch_size: Option<usize>,
    /// Partition tables Hive-style by load date (`load_date=YYYY-MM-DD`).
    #[arg(long, value_enum)]
    pub partition_by: Option<PartitionBy>,
    /// Move rejected files into this folder (created if missing), each with
    /// `NAME.reason.txt` beside it. A name already there gets `.1`, `.2`, ... (nothing is
    /// overwritten); a file that cannot be moved stays where it is and is reported. A link
    /// is moved as a link (the file it points to is not touched). A folder that cannot be
    /// created is refused before anything is loaded (exit 2). Works with every --format.
    #[arg(long)]
    pub quarantine: Option<PathBuf>,
    /// Replace the tables an earlier run left in --out that readers of this run's tables
    /// would also read: this run's partition, and parts of the other layout (an unpartitioned
    /// run's parts when partitioning; every partition when not). Other dates' partitions are
    /// kept. Without it, such a folder is refused, so that two runs never mix (tables only).
    #[arg(long)]
    pub overwrite: bool,
    /// Keep the data of embedded `Content` blobs in `elements` (default: name and size only).
    #[arg(long)]
    pub keep_content: bool,
    /// The `loaded_at` to record, as seconds since the epoch (default: now), for
    /// reproducible runs: from 0 (1970-01-01) to 253402300799 (9999-12-31T23:59:59Z).
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..=MAX_LOADED_AT))]
    pub loaded_at: Option<i64>,
    /// Only errors and the final summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// One line per input file.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Flags of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Incoming folders (walked recursively; hidden names skipped).
    #[arg(required = true)]
    pub incoming: Vec<PathBuf>,
    /// Root of the Delta tables (created if missing).
    #[arg(long)]
    pub table: PathBuf,
    /// Keep running: a pass on every file-system event in the incoming folders and at least
    /// every --interval seconds.
    #[arg(long)]
    pub watch: bool,
    /// Seconds between passes with --watch.
    #[arg(long, default_value_t = 5.0, requires = "watch")]
    pub interval: f64,
    /// A file is taken when unchanged this long (a gzip file whose trailer fits its size at
    /// once); a broken gzip file younger than this is put back, not quarantined.
    #[arg(long, default_value_t = 10)]
    pub settle_secs: u64,
    /// Move imported files here, in a folder per load date (default: ROOT/_processed).
    #[arg(long, conflicts_with = "delete_processed")]
    pub processed: Option<PathBuf>,
    /// Delete imported files instead of moving them.
    #[arg(long)]
    pub delete_processed: bool,
    /// Move rejected files here with NAME.reason.txt (default: ROOT/_quarantine).
    #[arg(long)]
    pub quarantine: Option<PathBuf>,
    /// Worker threads, 1 to 512 (default: one per core).
    #[arg(long, short = 'j', value_parser = threads_in_range())]
    pub threads: Option<usize>,
    /// At most this many files per pass (one commit per table).
    #[arg(long, default_value_t = 5000)]
    pub max_files: usize,
    /// About this many MiB of files per pass.
    #[arg(long, default_value_t = 512)]
    pub max_mib: u64,
    /// Allow a file system without hard links by taking a single-writer lock file.
    #[arg(long)]
    pub single_writer: bool,
    /// Write a Delta checkpoint every N commits of a table.
    #[arg(long, default_value_t = 10)]
    pub checkpoint_interval: u64,
    /// The `loaded_at` to record, as seconds since the epoch (default: the time of each run).
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..=MAX_LOADED_AT))]
    pub loaded_at: Option<i64>,
    /// One JSON object per pass instead of a text line.
    #[arg(long)]
    pub json: bool,
    /// Only errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Subcommands of `table`.
#[derive(Debug, Subcommand)]
pub enum TableCommand {
    /// Compact small files of each partition into larger ones, committed with
    /// `dataChange = false` (readers see the same rows).
    #[command(after_help = "Example:\n  ndi-tool table optimize lake/ --table hardware")]
    Optimize(TableOptimizeArgs),
    /// Delete data files no longer referenced by the tables once unreferenced for
    /// --retain-hours.
    #[command(after_help = "Example:\n  ndi-tool table vacuum lake/ --retain-hours 168")]
    Vacuum(TableVacuumArgs),
    /// Every commit of every table, with the run summary of imports.
    #[command(after_help = "Example:\n  ndi-tool table history lake/ --table documents --json")]
    History(TableHistoryArgs),
}

/// Flags of `table optimize`.
#[derive(Debug, Args)]
pub struct TableOptimizeArgs {
    /// Root of the Delta tables.
    pub root: PathBuf,
    /// Only this table (default: every table).
    #[arg(long)]
    pub table: Option<String>,
    /// Target file size in MiB: smaller files are compacted up to about this size.
    #[arg(long, default_value_t = 128)]
    pub target_mib: u64,
    /// Allow a file system without hard links by taking a single-writer lock file.
    #[arg(long)]
    pub single_writer: bool,
    /// One JSON object per table.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `table vacuum`.
#[derive(Debug, Args)]
pub struct TableVacuumArgs {
    /// Root of the Delta tables.
    pub root: PathBuf,
    /// Keep unreferenced files for this many hours (readers of older versions need them).
    #[arg(long)]
    pub retain_hours: u64,
    /// Only this table (default: every table).
    #[arg(long)]
    pub table: Option<String>,
    /// List what would be deleted.
    #[arg(long)]
    pub dry_run: bool,
    /// Allow a file system without hard links by taking a single-writer lock file.
    #[arg(long)]
    pub single_writer: bool,
    /// One JSON object per table.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `table history`.
#[derive(Debug, Args)]
pub struct TableHistoryArgs {
    /// Root of the Delta tables.
    pub root: PathBuf,
    /// Only this table (default: every table).
    #[arg(long)]
    pub table: Option<String>,
    /// One JSON object per commit.
    #[arg(long)]
    pub json: bool,
}

/// How to partition tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartitionBy {
    /// By load date.
    Date,
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
    /// Write an estate with known truth instead: one folder per day of inventories and usage
    /// files, with `truth.csv` (the device of every file), `devices.csv` and `usage.csv`.
    #[arg(long, conflicts_with = "count")]
    pub estate: bool,
    /// Number of devices of the estate.
    #[arg(long, requires = "estate", default_value_t = 100)]
    pub devices: usize,
    /// Number of days of the estate (one folder each, from 2026-11-01).
    #[arg(long, requires = "estate", default_value_t = 14)]
    pub days: u32,
}

/// Flags of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old document or folder.
    pub old: PathBuf,
    /// The new document or folder.
    pub new: PathBuf,
    /// One JSON array of change objects instead of text.
    #[arg(long)]
    pub json: bool,
    /// Worker threads for folders, 1 to 512 (default: one per core).
    #[arg(long, short = 'j', value_parser = threads_in_range())]
    pub threads: Option<usize>,
    /// Only the exit status and errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// One line per document pair: records added, removed and changed per section.
    #[arg(long, conflicts_with = "json")]
    pub stat: bool,
    /// Compare only these sections (comma-separated: header, hardware, installers, files,
    /// content, service_providers, usage, vdi, discovery, policies, packages, events,
    /// triggers, ...; documents for documents on one side only).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "SECTIONS",
        conflicts_with = "ignore"
    )]
    pub only: Vec<String>,
    /// Leave these sections out (comma-separated, as for --only).
    #[arg(long, value_delimiter = ',', value_name = "SECTIONS")]
    pub ignore: Vec<String>,
}

/// Flags of `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file.
    #[arg(required_unless_present = "device")]
    pub file: Option<PathBuf>,
    /// The summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Instead of a file: a device of the reconciled tables under --table (its id, or a name
    /// it had): its documents, why each joined, its latest hardware and software.
    #[arg(long, requires = "table", conflicts_with = "file")]
    pub device: Option<String>,
    /// The folder holding the reconciled tables (with --device).
    #[arg(long, requires = "device")]
    pub table: Option<PathBuf>,
}

/// Flags of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Flags of `schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The schedule file.
    pub file: PathBuf,
    /// Start from this local time, `YYYY-MM-DDTHH:MM:SS` (default: now in --tz).
    #[arg(long)]
    pub from: Option<String>,
    /// IANA time zone of the device, e.g. `Europe/Berlin`.
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// How many runs.
    #[arg(long, default_value_t = 10)]
    pub next: usize,
    /// Seed of the random delays (e.g. derived from the device id).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// One JSON array of runs.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// The policy file.
    pub file: PathBuf,
    /// One JSON array of packages.
    #[arg(long)]
    pub json: bool,
}

/// The last second of year 9999: later load times cannot be written as dates.
const MAX_LOADED_AT: i64 = 253_402_300_799;

/// Most worker threads `-j` accepts: beyond that, threads only cost memory and start-up time.
pub const MAX_THREADS: u64 = 512;

/// `-j`: 1 to [`MAX_THREADS`].
fn threads_in_range() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS)
}

/// Flags of `reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The root of the imported tables: Delta tables (`import`, `convert --format delta`) or a
    /// `convert --out` Parquet folder; the reconciled tables are written there, in the same form.
    #[arg(long, required_unless_present = "print_rules")]
    pub table: Option<PathBuf>,
    /// The end of the staleness and usage windows: seconds since the epoch, `YYYY-MM-DD`,
    /// `YYYY-MM-DDTHH:MM:SS` (UTC) or RFC 3339 (default: now).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Days without an inventory after which a device is stale (overrides the rules file;
    /// default 30).
    #[arg(long)]
    pub stale_days: Option<u32>,
    /// A JSON rules file (fields not given keep their defaults).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Print the rules in effect as JSON and exit.
    #[arg(long)]
    pub print_rules: bool,
}
