//! UNIX: Linux and macOS software.

pub(crate) mod linux;
pub(crate) mod macos;
pub(crate) mod packages;
