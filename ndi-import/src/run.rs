//! One import pass: claim, plan, load, commit, finish (INGEST.md section 4).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ndi_delta::{DataFile, DeltaRoot, DeltaTable, FileLock, RootOptions, TxnId};
use ndi_load::tables::{Table, TableBuilder};
use ndi_load::{BatchSink, DocumentOutcome, Input, LoadOptions, Progress, Status};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::discover::{OLD_ENOUGH, Released, discover, still_being_written};
use crate::error::{ImportError, IoContext};
use crate::index::DocumentIndex;
use crate::sink::DeltaSinkFactory;
use crate::tables::{commit_order, open_tables};

/// The application id of import commits (`txn.appId`).
pub const IMPORT_APP_ID: &str = "ndi-import";
/// The application id of `convert --format delta` commits.
pub const CONVERT_APP_ID: &str = "ndi-convert";
/// The importer's folder under the root.
pub const WORK_DIR: &str = "_import";

/// What happens to a file once its rows are committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// Moved to this folder, in a sub-folder per load date (`DIR/2024-01-31/NAME`).
    MoveTo(PathBuf),
    /// Deleted.
    Delete,
}

/// Importer settings.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The incoming folders.
    pub incoming: Vec<PathBuf>,
    /// A plain file is taken when unchanged for this long; so is a gzip file whose trailer
    /// does not pass the cheap check (see [`crate::discover`]).
    pub settle: Duration,
    /// What to do with imported (and duplicate) files.
    pub finish: Finish,
    /// Where rejected files go, each with `NAME.reason.txt` beside it.
    pub quarantine: PathBuf,
    /// Loader settings (`loaded_at` is set per run; `quarantine` is not used).
    pub load: LoadOptions,
    /// At most this many files per pass (one commit per table).
    pub max_files: usize,
    /// About this many bytes per pass (at least one file).
    pub max_bytes: u64,
    /// Fixed `loaded_at` (seconds since the epoch) instead of the time of each run.
    pub loaded_at: Option<i64>,
}

impl ImportOptions {
    /// Defaults for a root: processed files to `ROOT/_processed`, rejected ones to
    /// `ROOT/_quarantine`, 10 s settle time, 5,000 files or 512 MiB per pass.
    pub fn new(root: &Path, incoming: Vec<PathBuf>) -> Self {
        Self {
            incoming,
            settle: Duration::from_secs(10),
            finish: Finish::MoveTo(root.join("_processed")),
            quarantine: root.join("_quarantine"),
            load: LoadOptions::default(),
            max_files: 5_000,
            max_bytes: 512 << 20,
            loaded_at: None,
        }
    }
}

/// The summary of one pass (or one `convert --format delta`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run's sequence number (the `txn` version); 0 when the pass found nothing to do.
    pub run: i64,
    /// Whether this pass finished a run an earlier (killed) process had started.
    pub resumed: bool,
    /// Files per status: `ok`, `warning`, `rejected`, `duplicate`.
    pub files: BTreeMap<String, u64>,
    /// Files left alone because they were not complete yet.
    pub incomplete: u64,
    /// Files that could not be claimed, moved or quarantined (left where they were).
    pub failed: u64,
    /// Rows committed per table.
    pub rows: BTreeMap<String, u64>,
    /// Table versions committed (tables already at this run are not listed).
    pub versions: BTreeMap<String, u64>,
    /// Seconds the pass took.
    pub seconds: f64,
}

impl RunSummary {
    /// Files taken by the pass.
    pub fn total_files(&self) -> u64 {
        self.files.values().sum()
    }

    fn metrics(&self) -> Vec<(String, String)> {
        let mut out = vec![("ndiRun".to_string(), self.run.to_string())];
        for (status, n) in &self.files {
            out.push((format!("ndiFiles.{status}"), n.to_string()));
        }
        for (table, n) in &self.rows {
            out.push((format!("ndiRows.{table}"), n.to_string()));
        }
        out
    }
}

/// A claimed file of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PlannedFile {
    /// Name in the claimed folder.
    claimed: String,
    /// Where it came from (recorded as `source_path`).
    source: String,
    /// `document_id`.
    document_id: String,
    /// Already in the table, or earlier in this run.
    duplicate: bool,
    /// Its size.
    #[serde(default)]
    bytes: u64,
    /// Whether it is gzipped.
    #[serde(default)]
    compressed: bool,
    /// With `duplicate`: the `source_path` of the document loaded with the same bytes (none
    /// when its row was not found).
    #[serde(default)]
    duplicate_of: Option<String>,
}

/// A claimed file found still being written, put back where it came from before anything of
/// the run was committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PutBack {
    /// Name in the claimed folder.
    claimed: String,
    /// Where it goes back to.
    source: String,
    /// Left alone while unchanged until its modification time is this old (seconds).
    hold_secs: u64,
}

/// The plan of a run, written before anything is committed: what a resumed run redoes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Plan {
    run: i64,
    loaded_at: i64,
    files: Vec<PlannedFile>,
    /// Files taken out of the run before any commit (still being written).
    #[serde(default)]
    put_back: Vec<PutBack>,
}

/// What one load of a run's files gave.
struct Attempt {
    /// The data files written, per table.
    files: Vec<Vec<DataFile>>,
    /// Each loaded document's outcome.
    observed: Observed,
    /// Rows written per table.
    rows: [u64; Table::COUNT],
}

/// Bytes already read, by claimed name, so that a file is read once per run.
type Preloaded = HashMap<String, Arc<[u8]>>;

/// Each planned file's outcome, written after loading and before the commits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Outcomes {
    run: i64,
    /// claimed name → (status, reason for a rejected one).
    files: BTreeMap<String, (String, Option<String>)>,
    rows: BTreeMap<String, u64>,
}

/// (source, document id) → (status, reason) of each loaded document.
type Observed = HashMap<(String, String), (String, Option<String>)>;

/// The importer of one root: its tables, work folder and document index.
#[derive(Debug)]
pub struct Importer {
    root: DeltaRoot,
    tables: Vec<DeltaTable>,
    work: PathBuf,
    index: DocumentIndex,
    released: Released,
    options: ImportOptions,
}

impl Importer {
    /// Opens the root (see [`DeltaRoot::open`]), its tables (created when missing) and the work
    /// folder `ROOT/_import`.
    pub fn open(
        root: &Path,
        root_options: RootOptions,
        options: ImportOptions,
    ) -> Result<Self, ImportError> {
        let root = DeltaRoot::open(root, root_options)?;
        let tables = open_tables(&root)?;
        let work = root.path().join(WORK_DIR);
        std::fs::create_dir_all(work.join("claimed")).io("create folder", &work)?;
        Ok(Self {
            root,
            tables,
            work,
            index: DocumentIndex::new(),
            released: Released::new(),
            options,
        })
    }

    /// The root.
    pub fn root(&self) -> &DeltaRoot {
        &self.root
    }

    /// The settings.
    pub fn options(&self) -> &ImportOptions {
        &self.options
    }

    fn table(&self, table: Table) -> &DeltaTable {
        &self.tables[table.index()]
    }

    /// Where a run of `app_id` keeps its files' outcomes until it is finished.
    fn outcomes_path(&self, app_id: &str) -> PathBuf {
        if app_id == IMPORT_APP_ID {
            self.work.join("outcomes.json")
        } else {
            self.work.join(format!("outcomes-{app_id}.json"))
        }
    }

    fn claimed_dir(&self) -> PathBuf {
        self.work.join("claimed")
    }

    /// One pass: finishes an unfinished run if there is one, otherwise claims the complete
    /// incoming files and imports them as a new run. Holds the root's import lock
    /// (`ROOT/_import/lock`) throughout, so importers of one root take turns.
    pub fn pass(&mut self) -> Result<RunSummary, ImportError> {
        let started = Instant::now();
        let _lock = FileLock::acquire(&self.work.join("lock"), true)?;
        let mut summary = RunSummary::default();
        let planned = match read_state::<Plan>(&self.work.join("plan.json"))? {
            Some(plan) => {
                summary.resumed = true;
                self.put_back(&plan.put_back, &mut summary);
                if self.committed_any(plan.run, IMPORT_APP_ID)? {
                    Some((plan, Preloaded::new()))
                } else {
                    // Nothing of the run is in the tables: planned again, from the claimed
                    // files as they are now (one may have been still being written).
                    self.plan()?
                }
            }
            None => {
                self.claim(&mut summary)?;
                self.plan()?
            }
        };
        if let Some((mut plan, preloaded)) = planned {
            let outcomes = self.execute(&mut plan, preloaded, IMPORT_APP_ID, &mut summary)?;
            self.finish(&plan, &outcomes, &mut summary)?;
        }
        // The plan first: once it is gone the run is over. (Removing the outcomes first left,
        // when a kill fell between the two, a finished run's plan without its outcomes.)
        remove_state(&self.work.join("plan.json"))?;
        remove_state(&self.work.join("outcomes.json"))?;
        remove_state(&self.work.join("claims.jsonl"))?;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// Whether any table has committed run `run` of `app_id`.
    fn committed_any(&self, run: i64, app_id: &str) -> Result<bool, ImportError> {
        for table in &self.tables {
            if table.txn_version(app_id)?.unwrap_or(0) >= run {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Puts files still being written back where they came from (those still claimed), each
    /// left alone by discovery while unchanged; counted as incomplete.
    fn put_back(&mut self, files: &[PutBack], summary: &mut RunSummary) {
        let claimed_dir = self.claimed_dir();
        for file in files {
            let from = claimed_dir.join(&file.claimed);
            let Ok(metadata) = std::fs::symlink_metadata(&from) else {
                continue;
            };
            match put_back_file(&from, Path::new(&file.source)) {
                Ok(target) => {
                    summary.incomplete += 1;
                    let hold = Duration::from_secs(file.hold_secs);
                    self.released.record(target, &metadata, hold);
                }
                Err(_) => summary.failed += 1,
            }
        }
        sync_dir(&claimed_dir);
    }

    /// Claims complete incoming files by renaming them into the claimed folder, each recorded
    /// first in `claims.jsonl` with where it came from.
    fn claim(&mut self, summary: &mut RunSummary) -> Result<(), ImportError> {
        // The root, processed and quarantine folders are never input, even inside an
        // incoming folder.
        let mut exclude = vec![
            self.root.path().to_path_buf(),
            self.options.quarantine.clone(),
        ];
        if let Finish::MoveTo(dir) = &self.options.finish {
            exclude.push(dir.clone());
        }
        let (candidates, incomplete) = discover(
            &self.options.incoming,
            &exclude,
            self.options.settle,
            self.options.max_files,
            self.options.max_bytes,
            &mut self.released,
        );
        summary.incomplete = incomplete as u64;
        if candidates.is_empty() {
            return Ok(());
        }
        let journal_path = self.work.join("claims.jsonl");
        let mut journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_path)
            .io("open", &journal_path)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let claimed_dir = self.claimed_dir();
        let mut lines = String::new();
        let mut moves = Vec::new();
        for (i, candidate) in candidates.iter().enumerate() {
            let name = candidate
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "unnamed".into());
            let claimed = format!("{stamp:032}-{i:06}~{name}");
            let source = candidate.path.display().to_string();
            let line = serde_json::json!({ "claimed": claimed, "source": source });
            lines.push_str(&line.to_string());
            lines.push('\n');
            moves.push((candidate.path.clone(), claimed_dir.join(&claimed)));
        }
        journal
            .write_all(lines.as_bytes())
            .io("write", &journal_path)?;
        journal.sync_all().io("sync", &journal_path)?;
        for (from, to) in moves {
            if std::fs::rename(&from, &to).is_err() {
                // Gone (another importer claimed it) or on another file system: left alone.
                if from.exists() {
                    summary.failed += 1;
                }
            }
        }
        sync_dir(&claimed_dir);
        Ok(())
    }

    /// Plans a run from the claimed folder: its number, `loaded_at`, and each file's id and
    /// whether it is a duplicate. Written to `plan.json` before anything is committed. Returns
    /// the files' bytes too, so that the load does not read them again.
    fn plan(&mut self) -> Result<Option<(Plan, Preloaded)>, ImportError> {
        let claimed_dir = self.claimed_dir();
        let mut names: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(&claimed_dir).io("list", &claimed_dir)? {
            let entry = entry.io("list", &claimed_dir)?;
            if entry.file_type().io("stat", &entry.path())?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        if names.is_empty() {
            return Ok(None);
        }
        names.sort();
        let sources = read_journal(&self.work.join("claims.jsonl"))?;
        let run = self.next_run(IMPORT_APP_ID)?;
        let loaded_at = self.options.loaded_at.unwrap_or_else(ndi_load::load::now);
        let read: Vec<Result<Arc<[u8]>, ImportError>> = names
            .par_iter()
            .map(|name| {
                let path = claimed_dir.join(name);
                Ok(std::fs::read(&path).io("read", &path)?.into())
            })
            .collect();
        let mut files = Vec::new();
        let mut preloaded = Preloaded::new();
        for (name, bytes) in names.into_iter().zip(read) {
            let bytes = bytes?;
            let source = sources.get(&name).cloned().unwrap_or_else(|| {
                let original = name.split_once('~').map_or(name.as_str(), |(_, n)| n);
                original.to_string()
            });
            files.push(planned_file(name.clone(), source, &bytes));
            preloaded.insert(name, bytes);
        }
        self.mark_duplicates(&mut files)?;
        let plan = Plan {
            run,
            loaded_at,
            files,
            put_back: Vec::new(),
        };
        write_state(&self.work.join("plan.json"), &plan)?;
        Ok(Some((plan, preloaded)))
    }

    /// Marks the files whose document is already in `documents` (as of a refresh of the
    /// index now) or earlier in `files`, each with the `source_path` of the one loaded.
    fn mark_duplicates(&mut self, files: &mut [PlannedFile]) -> Result<(), ImportError> {
        let documents = &self.tables[Table::Documents.index()];
        self.index.refresh(documents)?;
        let mut first: HashMap<&str, &str> = HashMap::new();
        let mut marks = Vec::with_capacity(files.len());
        for file in files.iter() {
            let id = file.document_id.as_str();
            marks.push(if self.index.contains(id) {
                Some(None)
            } else if let Some(source) = first.get(id) {
                Some(Some(source.to_string()))
            } else {
                first.insert(id, &file.source);
                None
            });
        }
        let in_table = files
            .iter()
            .zip(&marks)
            .filter(|(_, mark)| matches!(mark, Some(None)))
            .map(|(f, _)| f.document_id.as_str());
        let originals = self.index.originals(documents, in_table)?;
        for (file, mark) in files.iter_mut().zip(marks) {
            if let Some(of) = mark {
                file.duplicate = true;
                file.duplicate_of = of.or_else(|| originals.get(&file.document_id).cloned());
            }
        }
        Ok(())
    }

    /// The next run number of `app_id`: one past the highest any table has committed.
    fn next_run(&self, app_id: &str) -> Result<i64, ImportError> {
        let mut last = 0;
        for table in &self.tables {
            last = last.max(table.txn_version(app_id)?.unwrap_or(0));
        }
        Ok(last + 1)
    }

    /// The tables a run still has to commit: none once `documents` (committed last) has the
    /// run; otherwise every table whose last `txn` of `app_id` is below it.
    fn lagging(&self, run: i64, app_id: &str) -> Result<[bool; Table::COUNT], ImportError> {
        let mut wanted = [false; Table::COUNT];
        if self
            .table(Table::Documents)
            .txn_version(app_id)?
            .unwrap_or(0)
            >= run
        {
            return Ok(wanted);
        }
        for table in Table::ALL {
            let have = self.table(table).txn_version(app_id)?.unwrap_or(0);
            wanted[table.index()] = have < run;
        }
        Ok(wanted)
    }

    /// Loads the plan's new files and commits every table not yet at the run, `documents`
    /// last. Returns each file's outcome (from `outcomes.json` when every table already has
    /// the run). A file found still being written is taken out of the plan first (only
    /// while nothing of the run is committed).
    fn execute(
        &mut self,
        plan: &mut Plan,
        preloaded: Preloaded,
        app_id: &str,
        summary: &mut RunSummary,
    ) -> Result<Outcomes, ImportError> {
        summary.run = plan.run;
        let wanted = self.lagging(plan.run, app_id)?;
        let saved =
            read_state::<Outcomes>(&self.work.join("outcomes.json"))?.filter(|o| o.run == plan.run);
        let done = !wanted.iter().any(|w| *w);
        let outcomes = match saved {
            Some(outcomes) if done => outcomes,
            // Every table has the run and its outcomes are gone: they are removed only after
            // every file was finished (a plan left by an earlier version, which removed them
            // before the plan), so there is nothing left to do but remove the plan.
            None if done => Outcomes {
                run: plan.run,
                ..Outcomes::default()
            },
            _ => self.load_and_commit(plan, preloaded, app_id, wanted, summary)?,
        };
        if plan.files.is_empty() {
            // Every file was put back: no run.
            summary.run = 0;
        }
        for (status, _) in outcomes.files.values() {
            *summary.files.entry(status.clone()).or_default() += 1;
        }
        if summary.rows.is_empty() {
            summary.rows = outcomes.rows.clone();
        }
        for file in &plan.files {
            if !file.duplicate {
                self.index.insert(file.document_id.clone(), &file.source);
            }
        }
        Ok(outcomes)
    }

    /// Loads the plan's new files into data files of the tables in `wanted`, with one row
    /// for each duplicate in `documents`. When every table is wanted (nothing of the run is
    /// committed) and `app_id` is the importer's, files found still being written are put
    /// back and taken out of the plan (rewritten), and the rest is loaded again.
    fn load_files(
        &mut self,
        plan: &mut Plan,
        mut preloaded: Preloaded,
        app_id: &str,
        wanted: [bool; Table::COUNT],
        summary: &mut RunSummary,
    ) -> Result<Attempt, ImportError> {
        let claimed_dir = self.claimed_dir();
        let mut inputs = Vec::new();
        for file in plan.files.iter().filter(|f| !f.duplicate) {
            let bytes = match preloaded.remove(&file.claimed) {
                Some(bytes) => bytes,
                None => {
                    let path = claimed_path(&claimed_dir, &file.claimed);
                    std::fs::read(&path).io("read", &path)?.into()
                }
            };
            inputs.push((
                file.claimed.clone(),
                Input::Memory {
                    name: file.source.clone(),
                    bytes,
                },
            ));
        }
        drop(preloaded);
        let may_put_back = app_id == IMPORT_APP_ID && wanted.iter().all(|w| *w);
        loop {
            let mut attempt = self.load_inputs(plan, &inputs, wanted)?;
            let back = if may_put_back {
                self.found_incomplete(&inputs, &attempt.observed)
            } else {
                Vec::new()
            };
            if back.is_empty() {
                if wanted[Table::Documents.index()] {
                    let written = self.duplicate_rows(plan)?;
                    let rows: i64 = written.iter().map(|f| f.num_records).sum();
                    attempt.rows[Table::Documents.index()] += u64::try_from(rows).unwrap_or(0);
                    attempt.files[Table::Documents.index()].extend(written);
                }
                return Ok(attempt);
            }
            // Nothing of the run is committed: its data files go, the files still being
            // written (and their copies) leave the plan, which is rewritten before they are
            // put back, and the rest is loaded again.
            for (table, written) in self.tables.iter().zip(&attempt.files) {
                for file in written {
                    let _ = std::fs::remove_file(table.path().join(&file.path));
                }
            }
            let ids: HashSet<String> = plan
                .files
                .iter()
                .filter(|f| back.iter().any(|(claimed, _)| *claimed == f.claimed))
                .map(|f| f.document_id.clone())
                .collect();
            let (out, kept): (Vec<PlannedFile>, Vec<PlannedFile>) = std::mem::take(&mut plan.files)
                .into_iter()
                .partition(|f| ids.contains(&f.document_id));
            plan.files = kept;
            for file in out {
                let hold = back
                    .iter()
                    .find(|(claimed, _)| *claimed == file.claimed)
                    .map_or(OLD_ENOUGH, |(_, hold)| *hold);
                plan.put_back.push(PutBack {
                    claimed: file.claimed,
                    source: self.resolve_source(&file.source),
                    hold_secs: hold.as_secs(),
                });
            }
            write_state(&self.work.join("plan.json"), plan)?;
            let put_back = plan.put_back.clone();
            self.put_back(&put_back, summary);
            inputs.retain(|(claimed, _)| plan.files.iter().any(|f| f.claimed == *claimed));
        }
    }

    /// The claimed files among `inputs` that the load rejected and that are still being
    /// written ([`still_being_written`]), with how long each is left alone.
    fn found_incomplete(
        &self,
        inputs: &[(String, Input)],
        observed: &Observed,
    ) -> Vec<(String, Duration)> {
        let now = std::time::SystemTime::now();
        let claimed_dir = self.claimed_dir();
        let rejected: HashSet<&str> = observed
            .iter()
            .filter(|(_, (status, _))| status == "rejected")
            .map(|((source, _), _)| source.as_str())
            .collect();
        let mut out = Vec::new();
        for (claimed, input) in inputs {
            let Input::Memory { name, bytes } = input else {
                continue;
            };
            if !rejected.contains(name.as_str()) {
                continue;
            }
            let age = std::fs::symlink_metadata(claimed_dir.join(claimed))
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or(Duration::ZERO);
            if let Some(hold) = still_being_written(bytes, age, self.options.settle) {
                out.push((claimed.clone(), hold));
            }
        }
        out
    }

    /// Where a file put back goes: where it came from, or (when that is not known) into the
    /// first incoming folder under its own name.
    fn resolve_source(&self, source: &str) -> String {
        let path = Path::new(source);
        if path.is_absolute() {
            return source.to_string();
        }
        match self.options.incoming.first() {
            Some(folder) => folder
                .canonicalize()
                .unwrap_or_else(|_| folder.clone())
                .join(path.file_name().unwrap_or(path.as_os_str()))
                .display()
                .to_string(),
            None => source.to_string(),
        }
    }

    /// One load of `inputs` into data files of the run.
    fn load_inputs(
        &self,
        plan: &Plan,
        inputs: &[(String, Input)],
        wanted: [bool; Table::COUNT],
    ) -> Result<Attempt, ImportError> {
        let observed: Arc<Mutex<Observed>> = Arc::default();
        let sink_observed = Arc::clone(&observed);
        let progress = Progress {
            observer: Some(Box::new(move |outcome: &DocumentOutcome| {
                let reason = (outcome.status == Status::Rejected).then(|| reason_text(outcome));
                if let Ok(mut map) = sink_observed.lock() {
                    map.insert(
                        (outcome.source_path.clone(), outcome.document_id.clone()),
                        (outcome.status.name().to_string(), reason),
                    );
                }
            })),
            ..Progress::default()
        };
        let mut load = self.options.load.clone();
        load.loaded_at = plan.loaded_at;
        load.quarantine = None;
        let factory = self.sink_factory(plan, wanted);
        let inputs: Vec<Input> = inputs.iter().map(|(_, input)| input.clone()).collect();
        let loaded = ndi_load::load(&inputs, &load, &&factory, &progress)?;
        let files = factory.into_files();
        let observed = observed.lock().map(|m| m.clone()).unwrap_or_default();
        Ok(Attempt {
            files,
            observed,
            rows: loaded.rows,
        })
    }

    fn sink_factory(&self, plan: &Plan, wanted: [bool; Table::COUNT]) -> DeltaSinkFactory {
        DeltaSinkFactory::new(
            self.tables.iter().map(|t| t.path().to_path_buf()).collect(),
            wanted,
            plan.run,
            date_of(plan.loaded_at),
        )
    }

    /// The `documents` rows of the plan's duplicates (status `duplicate`, `duplicate_of`, no
    /// child rows), in plan order, in one data file of the run (none without duplicates).
    fn duplicate_rows(&self, plan: &Plan) -> Result<Vec<DataFile>, ImportError> {
        let mut builder = TableBuilder::new(Table::Documents);
        for file in plan.files.iter().filter(|f| f.duplicate) {
            DocumentOutcome::duplicate(
                file.document_id.clone(),
                file.source.clone(),
                file.bytes,
                file.compressed,
                file.duplicate_of.clone(),
            )
            .documents_row(&mut builder, plan.loaded_at);
        }
        if builder.is_empty() {
            return Ok(Vec::new());
        }
        let batch = builder
            .finish()
            .map_err(|e| ImportError::Load(ndi_load::LoadError::Arrow(e)))?;
        let mut wanted = [false; Table::COUNT];
        wanted[Table::Documents.index()] = true;
        let factory = self.sink_factory(plan, wanted);
        let mut sink = factory.named("dup");
        sink.write(Table::Documents, batch)?;
        sink.finish()?;
        Ok(factory.into_files().swap_remove(Table::Documents.index()))
    }

    fn load_and_commit(
        &mut self,
        plan: &mut Plan,
        preloaded: Preloaded,
        app_id: &str,
        wanted: [bool; Table::COUNT],
        summary: &mut RunSummary,
    ) -> Result<Outcomes, ImportError> {
        let Attempt {
            files,
            observed,
            rows,
        } = self.load_files(plan, preloaded, app_id, wanted, summary)?;
        let mut outcomes = Outcomes {
            run: plan.run,
            ..Outcomes::default()
        };
        if plan.files.is_empty() {
            return Ok(outcomes);
        }
        for file in &plan.files {
            let entry = if file.duplicate {
                ("duplicate".to_string(), None)
            } else {
                observed
                    .get(&(file.source.clone(), file.document_id.clone()))
                    .cloned()
                    .unwrap_or_else(|| ("rejected".to_string(), Some("not loaded".to_string())))
            };
            outcomes.files.insert(file.claimed.clone(), entry);
        }
        for table in Table::ALL {
            outcomes
                .rows
                .insert(table.name().to_string(), rows[table.index()]);
        }
        write_state(&self.outcomes_path(app_id), &outcomes)?;
        summary.rows = outcomes.rows.clone();
        let mut files_by_status: BTreeMap<String, u64> = BTreeMap::new();
        for (status, _) in outcomes.files.values() {
            *files_by_status.entry(status.clone()).or_default() += 1;
        }
        let mut for_metrics = summary.clone();
        for_metrics.files = files_by_status;
        let metrics = for_metrics.metrics();
        let txn = TxnId {
            app_id: app_id.to_string(),
            version: plan.run,
        };
        for table in commit_order() {
            // A table without rows in the run gets no commit; `documents` always does, so
            // that the run (and its summary) is in its history.
            if !wanted[table.index()]
                || files[table.index()].is_empty() && table != Table::Documents
            {
                continue;
            }
            let outcome = self
                .table(table)
                .append(&files[table.index()], Some(&txn), &metrics)?;
            if let ndi_delta::AppendOutcome::Committed { version, .. } = outcome {
                summary.versions.insert(table.name().to_string(), version);
            }
        }
        Ok(outcomes)
    }

    /// Moves each claimed file to the processed folder (or deletes it), rejected ones to
    /// quarantine with their reason. A file already gone (finished before a crash) is skipped.
    fn finish(
        &self,
        plan: &Plan,
        outcomes: &Outcomes,
        summary: &mut RunSummary,
    ) -> Result<(), ImportError> {
        let claimed_dir = self.claimed_dir();
        let date = date_of(plan.loaded_at);
        for file in &plan.files {
            let path = claimed_dir.join(&file.claimed);
            if !path.exists() {
                continue;
            }
            let original = file
                .claimed
                .split_once('~')
                .map_or(file.claimed.as_str(), |(_, n)| n)
                .to_string();
            let (status, reason) = outcomes
                .files
                .get(&file.claimed)
                .cloned()
                .unwrap_or_else(|| ("rejected".to_string(), Some("no outcome".to_string())));
            let moved = if status == "rejected" {
                let reason = reason.unwrap_or_default();
                let text = format!("{}: {reason}\n", file.source);
                move_unique(&path, &self.options.quarantine, &original, Some(&text))
            } else {
                match &self.options.finish {
                    Finish::MoveTo(dir) => move_unique(&path, &dir.join(&date), &original, None),
                    Finish::Delete => std::fs::remove_file(&path).map(|()| path.clone()),
                }
            };
            if moved.is_err() {
                summary.failed += 1;
            }
        }
        Ok(())
    }

    /// Watches: a pass, then waits for a file-system event in an incoming folder or the
    /// interval, whichever comes first, until `stop` is set (checked between passes and while
    /// waiting; a pass under way is finished). `report` is told each pass that did something,
    /// and each pass that failed (the next one is tried after the interval). Fails only when
    /// the folders cannot be watched.
    pub fn watch(
        &mut self,
        interval: Duration,
        stop: &std::sync::atomic::AtomicBool,
        mut report: impl FnMut(Result<&RunSummary, &ImportError>),
    ) -> Result<(), ImportError> {
        use notify::Watcher;
        use std::sync::atomic::Ordering;
        let (sender, events) = std::sync::mpsc::channel::<()>();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if event.is_ok() {
                    let _ = sender.send(());
                }
            })?;
        for folder in &self.options.incoming {
            watcher.watch(folder, notify::RecursiveMode::Recursive)?;
        }
        while !stop.load(Ordering::SeqCst) {
            match self.pass() {
                Ok(summary) => {
                    let busy = summary.total_files() > 0 || summary.failed > 0;
                    if busy {
                        report(Ok(&summary));
                    }
                    let full = summary.total_files() as usize >= self.options.max_files;
                    if full || summary.incomplete > 0 && busy {
                        continue;
                    }
                }
                // A failed pass (a full disk, say) is reported and tried again after the
                // interval; what it did is finished by the next pass.
                Err(error) => report(Err(&error)),
            }
            let deadline = Instant::now() + interval;
            // Drain events that arrived during the pass: they may be its own moves.
            while events.try_recv().is_ok() {}
            loop {
                if stop.load(Ordering::SeqCst) {
                    return Ok(());
                }
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                let wait = (deadline - now).min(Duration::from_millis(100));
                if events.recv_timeout(wait).is_ok() {
                    // Let a burst of arrivals settle into one pass.
                    std::thread::sleep(Duration::from_millis(50));
                    while events.try_recv().is_ok() {}
                    break;
                }
            }
        }
        Ok(())
    }

    /// Loads `paths` in place (nothing claimed or moved) as one run of application
    /// [`CONVERT_APP_ID`], skipping documents already in the tables: `convert --format delta`.
    pub fn convert(&mut self, paths: &[PathBuf]) -> Result<RunSummary, ImportError> {
        let started = Instant::now();
        let _lock = FileLock::acquire(&self.work.join("lock"), true)?;
        let mut summary = RunSummary::default();
        let run = self.next_run(CONVERT_APP_ID)?;
        let loaded_at = self.options.loaded_at.unwrap_or_else(ndi_load::load::now);
        let mut files = Vec::new();
        let mut preloaded = Preloaded::new();
        for path in paths {
            let bytes: Arc<[u8]> = std::fs::read(path).io("read", path)?.into();
            let claimed = format!("in-place:{}", path.display());
            files.push(planned_file(
                claimed.clone(),
                path.display().to_string(),
                &bytes,
            ));
            preloaded.insert(claimed, bytes);
        }
        self.mark_duplicates(&mut files)?;
        let mut plan = Plan {
            run,
            loaded_at,
            files,
            put_back: Vec::new(),
        };
        let wanted = self.lagging(run, CONVERT_APP_ID)?;
        let outcomes =
            self.load_and_commit(&mut plan, preloaded, CONVERT_APP_ID, wanted, &mut summary)?;
        remove_state(&self.outcomes_path(CONVERT_APP_ID))?;
        for (status, _) in outcomes.files.values() {
            *summary.files.entry(status.clone()).or_default() += 1;
        }
        summary.run = run;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }
}

/// A planned file of `bytes`, not (yet) a duplicate.
fn planned_file(claimed: String, source: String, bytes: &[u8]) -> PlannedFile {
    PlannedFile {
        claimed,
        source,
        document_id: ndi_load::load::document_id(bytes),
        duplicate: false,
        bytes: bytes.len() as u64,
        compressed: bytes.starts_with(&[0x1f, 0x8b]),
        duplicate_of: None,
    }
}

/// The path of a planned file: in the claimed folder, or where it is for a load in place.
fn claimed_path(claimed_dir: &Path, claimed: &str) -> PathBuf {
    match claimed.strip_prefix("in-place:") {
        Some(path) => PathBuf::from(path),
        None => claimed_dir.join(claimed),
    }
}

/// Puts `from` back at `to` without replacing anything there (a hard link, then `from`
/// removed; `to.1`, `to.2`, ... when `to` is another file now). Redone after a crash between
/// the two steps, it finds `to` is `from` and only removes `from`. Returns where it went.
fn put_back_file(from: &Path, to: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let source = std::fs::symlink_metadata(from)?;
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_else(|| "unnamed".into());
    let dir = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    for n in 0..10_000 {
        let target = if n == 0 {
            to.to_path_buf()
        } else {
            dir.join(format!("{name}.{n}"))
        };
        let linked = match std::fs::hard_link(from, &target) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::symlink_metadata(&target)
                    .is_ok_and(|m| m.dev() == source.dev() && m.ino() == source.ino())
            }
            // No hard links on this file system: a rename onto a free name.
            Err(_) if !target.exists() => {
                std::fs::rename(from, &target)?;
                sync_dir(dir);
                return Ok(target);
            }
            Err(e) => return Err(e),
        };
        if linked {
            std::fs::remove_file(from)?;
            sync_dir(dir);
            return Ok(target);
        }
    }
    Err(std::io::Error::other("no free name"))
}

/// The reason file text of a rejected document.
fn reason_text(outcome: &DocumentOutcome) -> String {
    match &outcome.error {
        Some(error) => ndi_load::escape::escape_controls(&error.to_string(), false).into_owned(),
        None => "rejected".to_string(),
    }
}

/// `YYYY-MM-DD` (UTC) of seconds since the epoch: the `load_date` partition of a run, the
/// same date `convert --partition-by date` gives.
pub fn date_of(seconds: i64) -> String {
    ndi_load::store::iso_date(seconds)
}

/// Moves `path` into `dir` as `name` (or `name.1`, `name.2`, ... when taken), with `reason`
/// written first to `TARGET.reason.txt`. The target is the first free name, so a move redone
/// after a crash picks the same one.
fn move_unique(
    path: &Path,
    dir: &Path,
    name: &str,
    reason: Option<&str>,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for n in 0..10_000 {
        let target = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{name}.{n}"))
        };
        if target.exists() {
            continue;
        }
        if let Some(reason) = reason {
            let reason_path = dir.join(format!(
                "{}.reason.txt",
                target
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ));
            std::fs::write(&reason_path, reason)?;
        }
        std::fs::rename(path, &target)?;
        sync_dir(dir);
        return Ok(target);
    }
    Err(std::io::Error::other("no free name"))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn read_journal(path: &Path) -> Result<HashMap<String, String>, ImportError> {
    let mut out = HashMap::new();
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(out);
    };
    for line in text.lines() {
        // A line cut by a crash is ignored: its file was not renamed yet.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(line)
            && let (Some(claimed), Some(source)) = (
                value.get("claimed").and_then(|v| v.as_str()),
                value.get("source").and_then(|v| v.as_str()),
            )
        {
            out.insert(claimed.to_string(), source.to_string());
        }
    }
    Ok(out)
}

fn read_state<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, ImportError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| ImportError::State {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ImportError::Io {
            op: "read",
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Writes a state file atomically: temporary file, sync, rename, sync of the folder.
fn write_state<T: Serialize>(path: &Path, value: &T) -> Result<(), ImportError> {
    let bytes = serde_json::to_vec(value).map_err(|e| ImportError::State {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let temporary = path.with_extension("tmp");
    {
        let mut file = std::fs::File::create(&temporary).io("create", &temporary)?;
        file.write_all(&bytes).io("write", &temporary)?;
        file.sync_all().io("sync", &temporary)?;
    }
    std::fs::rename(&temporary, path).io("rename", path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

fn remove_state(path: &Path) -> Result<(), ImportError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ImportError::Io {
            op: "delete",
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc_dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_706_659_200), "2024-01-31");
        assert_eq!(date_of(951_782_400), "2000-02-29");
        assert_eq!(date_of(-1), "1969-12-31");
    }
}
