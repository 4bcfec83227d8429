//! Continuous, exactly-once import of incoming folders of inventory files into Delta Lake
//! tables (the design is section 4 of `INGEST.md`).
//!
//! Files arrive in incoming folders all the time; each must land in the tables exactly once,
//! and nothing may be lost when the process is killed. A pass of the [`Importer`]:
//!
//! 1. takes only complete files ([`discover`]): unchanged for the settle time, or gzip whose
//!    header and trailer pass a cheap check (nothing is inflated); an incomplete file is left
//!    alone;
//! 2. claims them by renaming them into `ROOT/_import/claimed/` (a rename is atomic, so two
//!    importers never claim one file; where each came from is journaled first);
//! 3. plans the run (`ROOT/_import/plan.json`, written before any commit): its number, its
//!    `loaded_at`, and for each file its `document_id` and whether it is a duplicate (already
//!    in `documents`, or earlier in the run) of which `source_path`;
//! 4. loads the new files in parallel with `ndi_load` into Parquet data files with
//!    deterministic names (a duplicate gets only its `documents` row, status `duplicate`,
//!    as in `convert`); a gzip file whose stream the load finds cut short (still being
//!    written) is put back where it came from and taken out of the plan, which is rewritten,
//!    and the rest loaded again, all before any commit; then it writes each file's outcome
//!    (`outcomes.json`), and commits every
//!    table whose last `txn` of application [`IMPORT_APP_ID`] is below the run, `documents`
//!    last, each commit carrying `txn` (application id, run number);
//! 5. moves each file to the processed folder (`DIR/<load date>/NAME`) or deletes it, and
//!    rejected ones to quarantine with `NAME.reason.txt`; then removes the plan.
//!
//! A process killed at any point leaves a state the next pass finishes: claimed files without
//! a plan are planned; with a plan of which no table has committed anything, the files it put
//! back are put back and the claimed files planned again (their bytes may have changed); with
//! a plan some table has committed, tables already at the run are skipped and the others are
//! committed from the same files (a commit is all or nothing), then the files not yet moved
//! are moved. Importers of one root take turns (`ROOT/_import/lock`), so a document is
//! checked against `documents` only when no other run is between its plan and its commit.

pub mod audit;
mod discover;
mod error;
mod index;
mod run;
mod sink;
pub mod tables;

pub use discover::{Candidate, OLD_ENOUGH, Released, discover, is_complete};
pub use error::ImportError;
pub use index::DocumentIndex;
pub use run::{
    CONVERT_APP_ID, Finish, IMPORT_APP_ID, ImportOptions, Importer, RunSummary, WORK_DIR, date_of,
};
pub use sink::{DeltaChunk, DeltaSinkFactory};
