//! Receive and forward the files FlexNet-style agents and beacons upload.
//!
//! Agents upload each inventory (`.ndi.gz`), usage (`.mmi.gz`), discovery and VDI file with
//! `PUT http://<beacon>/ManageSoftRL/<file name>`; a beacon stores it in its incoming folder
//! and forwards that folder to its parent every minute by the same mechanism. This crate is
//! both sides:
//!
//! - [`Server`]: a ManageSoftRL-compatible HTTP/1.1 receiver (hyper on tokio, optional
//!   rustls TLS) that streams each upload to disk and answers `201` only once it is durable
//!   (temporary name, fsync, rename without replacing, folder fsync), routed by name into
//!   `Inventories`, `UsageData`, `Discovery`, `VDIaccess` or `Other` ([`name::route`]);
//! - [`client`]: the agent's and the forwarder's side, `PUT <url>/<name>` with retries, then
//!   delete or move the file.
//!
//! The core is free of I/O: [`name`] (name checks, routing, collision names) and [`sniff`]
//! (the `--check` content test). [`store`] is the durable folder; [`metrics`], [`log`] and
//! [`capture`] are the operations side. The library never prints: access-log records and
//! events go to the [`log::Log`] the caller supplies.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod access;
pub mod capture;
pub mod client;
pub mod log;
pub mod metrics;
pub mod name;
pub mod server;
pub mod sniff;
pub mod store;
pub mod tls;

pub use server::{Config, ServeError, Server, ShutdownReport};
