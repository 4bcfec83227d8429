//! Reconciliation: the imported inventory documents into devices, installations and usage
//! (`shared/spec/RECONCILE.md`; our rules in `docs/RECONCILE.md`).
//!
//! An inventory beacon receives one document per device per inventory run. The same device
//! reports under a new name after a rename, under a new agent id after a re-image; cloned
//! virtual machines share a hardware UUID; cheap firmware reports `To be filled by O.E.M.` as
//! its serial. This crate groups the documents into devices with explicit, ordered rules,
//! tells why each document joined its device, and derives what each device has installed now
//! and whether it is used.
//!
//! The core does no I/O: [`reconcile`] takes the imported tables as Arrow record batches
//! (the columns of `ndi_load::tables`) and returns the five reconciled tables as record
//! batches, whose schemas [`Output::schema`] declares. A command-line driver reads and writes
//! them (`ndi-tool reconcile`).
//!
//! ```
//! use ndi_reconcile::{Inputs, Rules, reconcile};
//!
//! // No documents: no devices, but every table has its schema.
//! let (tables, counts) = reconcile(&Inputs::default(), &Rules::default(), 0)?;
//! assert_eq!(counts.devices, 0);
//! assert_eq!(tables.devices.num_columns(), 16);
//! # Ok::<(), ndi_reconcile::ReconcileError>(())
//! ```
//!
//! # Rules
//!
//! Identity values (machine name, domain, serial number, hardware UUID, agent id,
//! manufacturer, model) are trimmed and compared case-insensitively; placeholder values are
//! treated as absent ([`Rules::junk_values`]); a serial number or UUID that several devices
//! share is demoted. Edges between documents, strongest first ([`Rule`]), join documents into
//! groups with a union-find; a guard refuses an edge joining two groups with different usable
//! serial numbers, or with different agent ids that reported at overlapping times.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod columns;
mod error;
mod group;
mod input;
mod reconcile;
pub mod rules;
mod schema;

pub use error::ReconcileError;
pub use input::Inputs;
pub use reconcile::{Counts, Reconciled, reconcile};
pub use rules::{Rule, Rules};
pub use schema::{Output, markdown};
