//! Realistic vocabulary the generator draws from, one module per domain: software
//! (products, bundles, agents), Windows files, hardware, organisations and people, UNIX.
//!
//! Every table keeps one entry per line (`#[rustfmt::skip]` stops rustfmt from spreading an
//! entry over several lines or packing several entries onto one). The order of the entries is
//! part of the generator's output: a seed picks entries by position, so reordering, inserting
//! or removing an entry changes every corpus generated from then on.

pub(crate) mod hardware;
pub(crate) mod organisation;
pub(crate) mod software;
pub(crate) mod unix;
pub(crate) mod windows;
