//! Tables under a root: create, append with a transaction id, checkpoint.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{MapBuilder, MapFieldNames, StringBuilder};
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray, StructArray};
use arrow_schema::{DataType, Field, Fields, Schema};
use delta_kernel::engine::arrow_conversion::TryFromArrow;
use delta_kernel::engine::arrow_data::ArrowEngineData;
use delta_kernel::object_store::local::LocalFileSystem;
use delta_kernel::schema::StructType;
use delta_kernel::snapshot::CheckpointWriteResult;
use delta_kernel::transaction::create_table::create_table;
use delta_kernel::transaction::data_layout::DataLayout;
use delta_kernel::transaction::{CommitResult, UpdateTableOperation};
use delta_kernel::{Engine, EngineData, Snapshot, SnapshotRef};
use delta_kernel_default_engine::executor::tokio::TokioMultiThreadExecutor;
use delta_kernel_default_engine::{DefaultEngine, DefaultEngineBuilder};
use url::Url;

use crate::error::{Error, IoContext, Result};
use crate::files::{DataFile, delta_schema};
use crate::storage::{CommitMode, FileLock, WRITER_LOCK, committer, probe_put_if_absent};

/// How often a conflicting commit is retried before giving up.
const MAX_ATTEMPTS: u32 = 50;

/// Options of a [`DeltaRoot`].
#[derive(Debug, Clone)]
pub struct RootOptions {
    /// Take the single-writer lock file (required on a file system without hard links).
    pub single_writer: bool,
    /// Write a checkpoint after every commit whose version is a multiple of this (0: never).
    pub checkpoint_interval: u64,
    /// The `engineInfo` of commits (`name/version` of the writing program).
    pub engine_info: String,
    /// Worker threads of the kernel's I/O runtime.
    pub io_threads: usize,
}

impl Default for RootOptions {
    fn default() -> Self {
        Self {
            single_writer: false,
            checkpoint_interval: 10,
            engine_info: concat!("ndi-delta/", env!("CARGO_PKG_VERSION")).to_string(),
            io_threads: 2,
        }
    }
}

struct Inner {
    root: PathBuf,
    engine: Arc<DefaultEngine<TokioMultiThreadExecutor>>,
    mode: CommitMode,
    options: RootOptions,
    _lock: Option<FileLock>,
}

/// A folder holding Delta tables (`ROOT/<table>/_delta_log/`), with the kernel engine that
/// reads and writes them. Cheap to clone.
#[derive(Clone)]
pub struct DeltaRoot {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DeltaRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeltaRoot")
            .field("root", &self.inner.root)
            .field("mode", &self.inner.mode)
            .finish_non_exhaustive()
    }
}

impl DeltaRoot {
    /// Opens (creating the folder) a root. Refuses a file system without hard links unless
    /// `options.single_writer`; with it, takes the lock file [`WRITER_LOCK`] (refused while
    /// another process holds it).
    pub fn open(root: &Path, options: RootOptions) -> Result<Self> {
        std::fs::create_dir_all(root).io("create folder", root)?;
        let root = root.canonicalize().io("resolve", root)?;
        let mode = match probe_put_if_absent(&root) {
            Ok(()) => CommitMode::PutIfAbsent,
            Err(Error::NoPutIfAbsent { .. }) if options.single_writer => CommitMode::SingleWriter,
            Err(e) => return Err(e),
        };
        let lock = if options.single_writer {
            Some(FileLock::acquire(&root.join(WRITER_LOCK), false)?)
        } else {
            None
        };
        let executor =
            TokioMultiThreadExecutor::new_owned_runtime(Some(options.io_threads.max(1)), None)?;
        let engine = Arc::new(
            DefaultEngineBuilder::new(Arc::new(LocalFileSystem::new()))
                .with_task_executor(Arc::new(executor))
                .build(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                root,
                engine,
                mode,
                options,
                _lock: lock,
            }),
        })
    }

    /// The root folder (absolute).
    pub fn path(&self) -> &Path {
        &self.inner.root
    }

    /// How commits are protected.
    pub fn commit_mode(&self) -> CommitMode {
        self.inner.mode
    }

    /// The kernel engine (for reading tables with the kernel).
    pub fn engine(&self) -> &dyn Engine {
        self.inner.engine.as_ref()
    }

    /// The kernel engine, shared (what the kernel's scans take).
    pub(crate) fn shared_engine(&self) -> Arc<dyn Engine> {
        Arc::clone(&self.inner.engine) as Arc<dyn Engine>
    }

    /// The names of the tables under the root (folders holding a first commit), sorted.
    pub fn table_names(&self) -> Result<Vec<String>> {
        let mut names = Vec::new();
        let root = &self.inner.root;
        for entry in std::fs::read_dir(root).io("list", root)? {
            let entry = entry.io("list", root)?;
            let path = entry.path();
            if has_commits(&path)
                && let Some(name) = path.file_name().and_then(|n| n.to_str())
            {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Opens table `name`, creating it with `schema` (Arrow, converted by
    /// [`delta_schema`]) partitioned by `partition_columns` (none: not partitioned) when it
    /// does not exist. An
    /// existing table must have the same column names and types.
    pub fn create_or_open(
        &self,
        name: &str,
        schema: &Schema,
        partition_columns: &[&str],
    ) -> Result<DeltaTable> {
        let table = self.handle(name)?;
        let wanted = StructType::try_from_arrow(&delta_schema(schema))?;
        for _ in 0..MAX_ATTEMPTS {
            if has_commits(&table.path) {
                let snapshot = table.snapshot()?;
                check_schema(&table.path, &snapshot.schema(), &wanted)?;
                return Ok(table);
            }
            let mut builder = create_table(
                table.url.as_str(),
                Arc::new(wanted.clone()),
                self.inner.options.engine_info.clone(),
                true,
            );
            // No partition columns: the kernel's default layout (it refuses an empty list).
            if !partition_columns.is_empty() {
                builder = builder
                    .with_data_layout(DataLayout::partitioned(partition_columns.iter().copied()));
            }
            let transaction = builder.build(self.engine(), committer(self.inner.mode))?;
            match transaction.commit(self.engine())? {
                CommitResult::Committed(_) | CommitResult::Conflicted(_) => {}
                CommitResult::Retryable(_) => continue,
            }
        }
        Err(Error::TooManyConflicts {
            path: table.path,
            attempts: MAX_ATTEMPTS,
        })
    }

    /// Opens the existing table `name`.
    pub fn open_table(&self, name: &str) -> Result<DeltaTable> {
        let table = self.handle(name)?;
        if !has_commits(&table.path) {
            return Err(Error::NotATable { path: table.path });
        }
        Ok(table)
    }

    fn handle(&self, name: &str) -> Result<DeltaTable> {
        if name.is_empty() || name.starts_with(['.', '_']) || name.contains(['/', '\\']) {
            return Err(Error::Invalid(format!("not a table name: {name:?}")));
        }
        let path = self.inner.root.join(name);
        std::fs::create_dir_all(&path).io("create folder", &path)?;
        let url = Url::from_directory_path(&path)
            .map_err(|()| Error::Invalid(format!("not an absolute path: {}", path.display())))?;
        Ok(DeltaTable {
            root: self.clone(),
            name: name.to_string(),
            path,
            url,
        })
    }
}

fn has_commits(table: &Path) -> bool {
    table
        .join("_delta_log")
        .join(format!("{:020}.json", 0))
        .is_file()
        || std::fs::read_dir(table.join("_delta_log"))
            .map(|mut entries| {
                entries.any(|e| {
                    e.ok()
                        .and_then(|e| e.file_name().into_string().ok())
                        .is_some_and(|n| n.ends_with(".checkpoint.parquet"))
                })
            })
            .unwrap_or(false)
}

fn check_schema(path: &Path, have: &StructType, wanted: &StructType) -> Result<()> {
    let have_fields: Vec<_> = have.fields().map(|f| (f.name(), f.data_type())).collect();
    let wanted_fields: Vec<_> = wanted.fields().map(|f| (f.name(), f.data_type())).collect();
    if have_fields == wanted_fields {
        return Ok(());
    }
    let detail = have
        .fields()
        .zip(wanted.fields())
        .find(|(h, w)| h.name() != w.name() || h.data_type() != w.data_type())
        .map(|(h, w)| {
            format!(
                "has {} {:?}, wanted {} {:?}",
                h.name(),
                h.data_type(),
                w.name(),
                w.data_type()
            )
        })
        .unwrap_or_else(|| {
            format!(
                "has {} columns, wanted {}",
                have_fields.len(),
                wanted_fields.len()
            )
        });
    Err(Error::SchemaMismatch {
        path: path.to_path_buf(),
        detail,
    })
}

/// A transaction identifier: the application id and its version (the run sequence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnId {
    /// The application id.
    pub app_id: String,
    /// The version: a commit carrying a version at or below the table's is a no-op.
    pub version: i64,
}

/// What [`DeltaTable::append`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendOutcome {
    /// The files were committed as this table version.
    Committed {
        /// The new table version.
        version: u64,
        /// Whether a checkpoint was written after it.
        checkpoint: bool,
    },
    /// The table already holds a commit of this application at this version or later: nothing
    /// was committed.
    AlreadyCommitted {
        /// The application's version in the table.
        txn_version: i64,
    },
}

/// What [`DeltaTable::replace`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplaceOutcome {
    /// The new files replaced the old ones in this table version.
    Committed {
        /// The new table version.
        version: u64,
        /// Whether a checkpoint was written after it.
        checkpoint: bool,
        /// How many active files the commit removed.
        files_removed: usize,
    },
    /// The table already holds a commit of this application at this version or later: nothing
    /// was committed.
    AlreadyCommitted {
        /// The application's version in the table.
        txn_version: i64,
    },
}

/// Which active files a commit removes.
pub(crate) enum Removes<'a> {
    /// None: an append.
    Nothing,
    /// These paths, chosen from this snapshot (optimize): a conflict fails the commit instead
    /// of retrying, since the choice was made on that snapshot.
    Chosen(SnapshotRef, &'a HashSet<String>),
    /// Every file active in the version the commit follows (replace): a conflict rebuilds the
    /// commit on the new version.
    All,
}

/// One commit to make: files to add, files to remove, the `txn` and `commitInfo` contents.
pub(crate) struct CommitRequest<'a> {
    pub files: &'a [DataFile],
    pub txn: Option<&'a TxnId>,
    pub metrics: &'a [(String, String)],
    pub operation: UpdateTableOperation,
    pub parameters: &'a [(&'a str, &'a str)],
    pub data_change: bool,
    pub removes: Removes<'a>,
}

/// One Delta table under a [`DeltaRoot`].
#[derive(Debug, Clone)]
pub struct DeltaTable {
    root: DeltaRoot,
    name: String,
    path: PathBuf,
    url: Url,
}

impl DeltaTable {
    /// The table's name (its folder under the root).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The root it belongs to.
    pub fn root(&self) -> &DeltaRoot {
        &self.root
    }

    pub(crate) fn engine(&self) -> &dyn Engine {
        self.root.engine()
    }

    /// The latest snapshot, read by the kernel.
    pub fn snapshot(&self) -> Result<SnapshotRef> {
        Ok(Snapshot::builder_for(self.url.as_str()).build(self.engine())?)
    }

    /// The latest version.
    pub fn version(&self) -> Result<u64> {
        Ok(self.snapshot()?.version())
    }

    /// The last version committed by application `app_id` (`None` when it never committed).
    pub fn txn_version(&self, app_id: &str) -> Result<Option<i64>> {
        Ok(self.snapshot()?.get_app_id_version(app_id, self.engine())?)
    }

    /// Commits `files` (written under this table's folder) as one append, with a `txn` action
    /// when `txn` is given (then a table already at or past that version is left alone), and
    /// `metrics` as the commit's `operationMetrics`. Retries when another writer committed
    /// first; writes a checkpoint when the new version is a multiple of the root's interval.
    pub fn append(
        &self,
        files: &[DataFile],
        txn: Option<&TxnId>,
        metrics: &[(String, String)],
    ) -> Result<AppendOutcome> {
        let (outcome, _) = self.commit_files(CommitRequest {
            files,
            txn,
            metrics,
            operation: UpdateTableOperation::Write,
            parameters: &[],
            data_change: true,
            removes: Removes::Nothing,
        })?;
        Ok(outcome)
    }

    /// Replaces the table's contents by `files` (written under this table's folder) in one
    /// commit: an `add` of each new file and a `remove` of every file active in the version the
    /// commit follows, all with `dataChange = true`, so a reader of the next version sees only
    /// the new rows and a reader of an earlier version its old rows, never a mix. The commit
    /// is a `WRITE` with `operationParameters.mode = Overwrite` (how Spark and delta-rs record
    /// an overwrite), `metrics` as its `operationMetrics`, and a `txn` action when `txn` is
    /// given: a table already at or past that version of the application is left alone, so a
    /// replayed run commits nothing. `files` may be empty (the table is then emptied).
    ///
    /// When another writer committed first, the commit is rebuilt on the new version (removing
    /// whatever is active there) and retried. A checkpoint follows as after
    /// [`append`](Self::append). The removed files stay on disk, readable by readers of earlier
    /// versions, until [`vacuum`](Self::vacuum) deletes them after its retention time.
    ///
    /// Create the table first with [`DeltaRoot::create_or_open`] (a no-op when it exists with
    /// the same schema; another schema is refused).
    pub fn replace(
        &self,
        files: &[DataFile],
        txn: Option<&TxnId>,
        metrics: &[(String, String)],
    ) -> Result<ReplaceOutcome> {
        let (outcome, files_removed) = self.commit_files(CommitRequest {
            files,
            txn,
            metrics,
            operation: UpdateTableOperation::Write,
            parameters: &[("mode", "Overwrite")],
            data_change: true,
            removes: Removes::All,
        })?;
        Ok(match outcome {
            AppendOutcome::Committed {
                version,
                checkpoint,
            } => ReplaceOutcome::Committed {
                version,
                checkpoint,
                files_removed,
            },
            AppendOutcome::AlreadyCommitted { txn_version } => {
                ReplaceOutcome::AlreadyCommitted { txn_version }
            }
        })
    }

    /// Commits a request; returns the outcome and how many files it removed.
    pub(crate) fn commit_files(
        &self,
        request: CommitRequest<'_>,
    ) -> Result<(AppendOutcome, usize)> {
        let engine = self.engine();
        let inner = &self.root.inner;
        for _ in 0..MAX_ATTEMPTS {
            let snapshot = match &request.removes {
                Removes::Chosen(snapshot, _) => Arc::clone(snapshot),
                Removes::Nothing | Removes::All => self.snapshot()?,
            };
            if let Some(txn) = request.txn
                && let Some(have) = snapshot.get_app_id_version(&txn.app_id, engine)?
                && have >= txn.version
            {
                return Ok((AppendOutcome::AlreadyCommitted { txn_version: have }, 0));
            }
            let mut builder = Arc::clone(&snapshot).update_table(
                request.operation.clone(),
                inner.options.engine_info.clone(),
                request.data_change,
            );
            if !request.parameters.is_empty() {
                builder = builder.with_operation_parameters(
                    request
                        .parameters
                        .iter()
                        .map(|(k, v)| (k.to_string(), Some(v.to_string()))),
                );
            }
            let mut transaction = builder.build(engine, committer(inner.mode))?;
            if let Some(txn) = request.txn {
                transaction = transaction.with_transaction_id(txn.app_id.clone(), txn.version);
            }
            transaction = transaction.with_operation_metrics(
                request
                    .metrics
                    .iter()
                    .map(|(k, v)| (k.clone(), Some(v.clone()))),
            );
            if !request.files.is_empty() {
                transaction.add_files(add_files_data(request.files)?);
            }
            let chosen = match &request.removes {
                Removes::Nothing => None,
                Removes::Chosen(_, paths) => Some(Some(*paths)),
                Removes::All => Some(None),
            };
            let mut removed = 0;
            if let Some(paths) = chosen {
                let (selected, count) = crate::maintenance::select_files(&snapshot, engine, paths)?;
                removed = count;
                for filtered in selected {
                    transaction.remove_files(filtered);
                }
            }
            match transaction.commit(engine)? {
                CommitResult::Committed(committed) => {
                    let version = committed.commit_version();
                    let interval = inner.options.checkpoint_interval;
                    let checkpoint = interval > 0 && version > 0 && version % interval == 0;
                    if checkpoint {
                        self.checkpoint()?;
                    }
                    return Ok((
                        AppendOutcome::Committed {
                            version,
                            checkpoint,
                        },
                        removed,
                    ));
                }
                CommitResult::Conflicted(_) if matches!(request.removes, Removes::Chosen(..)) => {
                    return Err(Error::TooManyConflicts {
                        path: self.path.clone(),
                        attempts: 1,
                    });
                }
                CommitResult::Conflicted(_) | CommitResult::Retryable(_) => {}
            }
        }
        Err(Error::TooManyConflicts {
            path: self.path.clone(),
            attempts: MAX_ATTEMPTS,
        })
    }

    /// Writes a checkpoint of the latest version (nothing when one exists). Returns whether
    /// one was written.
    pub fn checkpoint(&self) -> Result<bool> {
        let snapshot = self.snapshot()?;
        let (result, _) = snapshot.checkpoint(self.engine(), None)?;
        Ok(matches!(result, CheckpointWriteResult::Written))
    }
}

/// The add-file metadata the kernel takes for `files`.
fn add_files_data(files: &[DataFile]) -> Result<Box<dyn EngineData>> {
    let names = MapFieldNames {
        entry: "key_value".to_string(),
        key: "key".to_string(),
        value: "value".to_string(),
    };
    let mut partitions = MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new());
    for file in files {
        for (key, value) in &file.partition_values {
            partitions.keys().append_value(key);
            match value {
                Some(v) if !v.is_empty() => partitions.values().append_value(v),
                _ => partitions.values().append_null(),
            }
        }
        partitions.append(true)?;
    }
    let partitions = partitions.finish();
    let stats_fields = Fields::from(vec![Field::new("numRecords", DataType::Int64, true)]);
    let stats = StructArray::try_new(
        stats_fields.clone(),
        vec![Arc::new(Int64Array::from_iter_values(
            files.iter().map(|f| f.num_records),
        )) as ArrayRef],
        None,
    )?;
    let schema = Schema::new(vec![
        Field::new("path", DataType::Utf8, false),
        Field::new("partitionValues", partitions.data_type().clone(), false),
        Field::new("size", DataType::Int64, false),
        Field::new("modificationTime", DataType::Int64, false),
        Field::new("stats", DataType::Struct(stats_fields), true),
    ]);
    let batch = RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(StringArray::from_iter_values(
                files.iter().map(|f| f.path.as_str()),
            )),
            Arc::new(partitions),
            Arc::new(Int64Array::from_iter_values(files.iter().map(|f| f.size))),
            Arc::new(Int64Array::from_iter_values(
                files.iter().map(|f| f.modification_time),
            )),
            Arc::new(stats),
        ],
    )?;
    Ok(Box::new(ArrowEngineData::new(batch)))
}

/// Partition values as a map (helper for callers building [`DataFile`]s).
pub fn partition_values<const N: usize>(
    pairs: [(&str, Option<&str>); N],
) -> BTreeMap<String, Option<String>> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect()
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<DeltaRoot>();
    check::<HashMap<String, DeltaTable>>();
}
